//! The `vcard-importer` plugin: contacts from vCard files (`.vcf`), versions 2.1, 3.0 and 4.0, as
//! Android and iOS phones, Outlook, Google Contacts and WhatsApp export them.
//!
//! It owns the vCard format: unfolding lines, QUOTED-PRINTABLE with its soft line breaks, character
//! sets, parameters in their 2.1 and later spellings, escapes, and which properties make a contact
//! (`N`/`FN`, `TEL`, `EMAIL`, `CATEGORIES`, `ORG`, `BDAY`). A card with several numbers gives one
//! contact per distinct number; a card without one is a row error, its row being the card's 1-based
//! position in the file.
//!
//! The file streams through card by card: only the card being read is kept, so address books with
//! photos do not need to fit in memory at once.

mod card;
mod property;
mod unfold;

use std::cell::RefCell;

use ulak_plugin_sdk::{ContactImporter, Context, ImportBatch, ImportSession};

use card::Card;
use property::Property;
use unfold::Unfolder;

/// One vCard import, independent of the plugin interface so that it can be tested natively.
#[derive(Default)]
pub struct VcardImport {
    unfolder: Unfolder,
    /// How deep inside `BEGIN:VCARD` the reader is: 2.1 lets a card nest another (`AGENT`), whose
    /// lines are skipped.
    depth: u32,
    /// The cards begun so far; the number of the current one.
    cards: u32,
    card: Option<Card>,
    started: bool,
}

impl VcardImport {
    /// The contacts and errors of the cards that `chunk` completes.
    pub fn push(&mut self, chunk: &[u8]) -> ImportBatch {
        let mut batch = ImportBatch::default();
        let mut lines = Vec::new();
        self.unfolder.push(chunk, &mut |line| lines.push(line));
        for line in lines {
            self.line(&line, &mut batch);
        }
        batch
    }

    /// The rest; an error when the file held no vCard at all.
    pub fn finish(&mut self) -> Result<ImportBatch, String> {
        let mut batch = ImportBatch::default();
        let mut lines = Vec::new();
        self.unfolder.finish(&mut |line| lines.push(line));
        for line in lines {
            self.line(&line, &mut batch);
        }
        // A last card missing its END:VCARD still counts.
        if let Some(card) = self.card.take() {
            card.finish(self.cards, &mut batch);
        }
        if self.cards == 0 {
            return Err("the file holds no vCard (no BEGIN:VCARD line)".to_owned());
        }
        Ok(batch)
    }

    fn line(&mut self, line: &[u8], batch: &mut ImportBatch) {
        let line = if self.started {
            line
        } else {
            self.started = true;
            line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line)
        };
        let Some(property) = Property::parse(line) else {
            return;
        };
        let is_vcard = || property.text().trim().eq_ignore_ascii_case("VCARD");
        match property.name.as_str() {
            "BEGIN" if is_vcard() => {
                self.depth += 1;
                if self.depth == 1 {
                    // An unterminated card before this one ends here.
                    if let Some(card) = self.card.take() {
                        card.finish(self.cards, batch);
                    }
                    self.cards += 1;
                    self.card = Some(Card::default());
                }
            }
            "END" if is_vcard() => {
                if self.depth == 1
                    && let Some(card) = self.card.take()
                {
                    card.finish(self.cards, batch);
                }
                self.depth = self.depth.saturating_sub(1);
            }
            _ if self.depth == 1 => {
                if let Some(card) = &mut self.card {
                    card.add(&property);
                }
            }
            _ => {}
        }
    }
}

/// The plugin.
pub struct VcardImporter;

impl ContactImporter for VcardImporter {
    type Session = VcardSession;
}

/// The host's handle on one import.
pub struct VcardSession(RefCell<VcardImport>);

impl ImportSession for VcardSession {
    /// vCard import has no options.
    fn new(_ctx: Context, _options: String) -> Self {
        VcardSession(RefCell::new(VcardImport::default()))
    }

    fn push(&self, chunk: Vec<u8>) -> Result<ImportBatch, String> {
        Ok(self.0.borrow_mut().push(&chunk))
    }

    fn finish(&self) -> Result<ImportBatch, String> {
        self.0.borrow_mut().finish()
    }
}

ulak_plugin_sdk::export_contact_importer!(VcardImporter);

#[cfg(test)]
mod tests {
    use super::*;
    use ulak_plugin_sdk::ImportedContact;

    fn import(bytes: &[u8], size: usize) -> Result<ImportBatch, String> {
        let mut import = VcardImport::default();
        let mut all = ImportBatch::default();
        for chunk in bytes.chunks(size) {
            let batch = import.push(chunk);
            all.contacts.extend(batch.contacts);
            all.errors.extend(batch.errors);
        }
        let batch = import.finish()?;
        all.contacts.extend(batch.contacts);
        all.errors.extend(batch.errors);
        Ok(all)
    }

    fn field<'a>(c: &'a ImportedContact, name: &str) -> Option<&'a str> {
        c.fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.value.as_str())
    }

    fn names(c: &ImportedContact) -> (Option<&str>, Option<&str>) {
        (c.first_name.as_deref(), c.last_name.as_deref())
    }

    #[test]
    fn the_fixture() {
        let path = format!("{}/../fixtures/contacts.vcf", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&path).unwrap();
        for size in [1, 2, 5, 64, 1 << 20] {
            let batch = import(&bytes, size).unwrap();
            let got: Vec<(u32, &str)> = batch
                .contacts
                .iter()
                .map(|c| (c.row, c.phone.as_str()))
                .collect();
            assert_eq!(
                got,
                [
                    (1, "0532 123 45 67"),
                    (2, "+90 (533) 765 43 21"),
                    (2, "0212 555 66 77"),
                    (3, "+90 544 987 65 43"),
                    (4, "+90-535-111-22-33"),
                    (6, "+90 505 123 45 67"),
                ],
                "chunks of {size}"
            );
            let c = &batch.contacts;
            assert_eq!(names(&c[0]), (Some("Ayşe"), Some("Yılmaz")));
            assert_eq!(c[0].email.as_deref(), Some("ayse.yilmaz@example.com"));
            assert!(c[0].tags.is_empty() && c[0].fields.is_empty());
            for c in &c[1..3] {
                assert_eq!(names(c), (Some("Çağlar"), Some("Öztürk")));
                assert_eq!(field(c, "company"), Some("Öztürk Ticaret"));
            }
            assert_eq!(names(&c[3]), (Some("İlkay"), Some("Şahin")));
            assert_eq!(c[3].email.as_deref(), Some("ilkay.sahin@example.com"));
            assert_eq!(c[3].tags, ["müşteri", "vip"]);
            assert_eq!(field(&c[3], "company"), Some("Şahin Gıda, Ltd."));
            assert_eq!(
                field(&c[3], "notes"),
                Some("Toplantı notu: Salı günü arayın, öğleden sonra.")
            );
            assert_eq!(names(&c[4]), (Some("Gülşen"), Some("Ünal")));
            assert_eq!(c[4].email.as_deref(), Some("gulsen.unal@example.com"));
            assert_eq!(field(&c[4], "birthday"), Some("1985-04-12"));
            assert_eq!(names(&c[5]), (Some("Şule"), Some("Aydın")));
            assert_eq!(batch.errors.len(), 1);
            assert_eq!(batch.errors[0].row, 5);
            assert_eq!(
                batch.errors[0].message,
                "card 5 (Mehmet Ali Kaya) has no phone number"
            );
        }
    }

    #[test]
    fn cards_come_back_as_they_complete() {
        let mut import = VcardImport::default();
        let batch = import.push(b"BEGIN:VCARD\nFN:A\nTEL:1\nEND:VCARD\nBEGIN:VCARD\nFN:B\nTEL:2\n");
        assert_eq!(batch.contacts.len(), 1);
        // The second card has no END:VCARD.
        let batch = import.finish().unwrap();
        assert_eq!(batch.contacts[0].phone, "2");
        assert_eq!(batch.contacts[0].row, 2);
    }

    #[test]
    fn nested_cards_and_noise() {
        let text = "\u{FEFF}BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Dış\r\nAGENT:\r\nBEGIN:VCARD\r\nFN:İç\r\n\
                    TEL:9\r\nEND:VCARD\r\nTEL:1\r\nEND:VCARD\r\n\r\nstray text\r\nTEL:5\r\n";
        let batch = import(text.as_bytes(), 3).unwrap();
        assert_eq!(batch.contacts.len(), 1);
        assert_eq!(batch.contacts[0].phone, "1");
        assert_eq!(batch.contacts[0].first_name.as_deref(), Some("Dış"));
    }

    #[test]
    fn not_a_vcard() {
        assert!(import(b"Ad;Telefon\nAli;0532\n", 5).is_err());
        assert!(import(b"", 5).is_err());
    }
}
