//! One vCard's properties, gathered, and the contacts they make.

use ulak_plugin_sdk::{Field, ImportBatch, ImportedContact};

use crate::property::{Property, components, unescape};

#[derive(Debug, Default)]
pub struct Card {
    /// `N`: family; given; additional; prefixes; suffixes.
    name: Option<Vec<String>>,
    formatted_name: Option<String>,
    phones: Vec<String>,
    email: Option<String>,
    tags: Vec<String>,
    company: Option<String>,
    birthday: Option<String>,
    /// `GENDER`'s sex component when it is `M` or `F` (the host reads it as the gender).
    gender: Option<String>,
    note: Option<String>,
    language: Option<String>,
}

impl Card {
    pub fn add(&mut self, property: &Property<'_>) {
        match property.name.as_str() {
            "N" => self.name = Some(components(&property.text(), &[';'])),
            "FN" => self.formatted_name = Some(unescape(&property.text())),
            "TEL" => {
                if let Some(phone) = phone(property) {
                    self.phones.push(phone);
                }
            }
            "EMAIL" if self.email.is_none() => {
                let email = unescape(property.text().trim());
                if !email.is_empty() {
                    self.email = Some(email);
                }
            }
            "CATEGORIES" => {
                for tag in components(&property.text(), &[',', ';']) {
                    let tag = tag.trim();
                    if !tag.is_empty() && !self.tags.iter().any(|t| t == tag) {
                        self.tags.push(tag.to_owned());
                    }
                }
            }
            // The organisation's name, then its units (`Şahin Gıda;Satış`): the company is the name.
            "ORG" => {
                self.company = components(&property.text(), &[';'])
                    .into_iter()
                    .map(|p| p.trim().to_owned())
                    .find(|p| !p.is_empty());
            }
            "BDAY" => self.birthday = birthday(property.text().trim()),
            // vCard 4.0: `GENDER:F` or `GENDER:M;…`; `O`, `N` and `U` say nothing `%sayın%` uses.
            "GENDER" => {
                self.gender = components(&property.text(), &[';'])
                    .into_iter()
                    .next()
                    .map(|sex| sex.trim().to_ascii_uppercase())
                    .filter(|sex| sex == "M" || sex == "F");
            }
            "NOTE" if self.note.is_none() => {
                self.note = Some(unescape(property.text().trim())).filter(|n| !n.is_empty());
            }
            "LANG" if self.language.is_none() => {
                self.language = Some(property.text().trim().to_owned()).filter(|l| !l.is_empty());
            }
            _ => {}
        }
    }

    /// One contact per distinct number (numbers written differently but with the same digits are
    /// one), all with the card's names; or an error when the card has no number. `index` is the
    /// card's 1-based position in the file.
    pub fn finish(self, index: u32, batch: &mut ImportBatch) {
        let (first_name, last_name) = self.names();
        if self.phones.is_empty() {
            let who = match (&first_name, &last_name) {
                (Some(first), Some(last)) => format!(" ({first} {last})"),
                (Some(one), None) | (None, Some(one)) => format!(" ({one})"),
                (None, None) => String::new(),
            };
            batch.error(index, format!("card {index}{who} has no phone number"));
            return;
        }
        let mut fields = Vec::new();
        if let Some(company) = self.company {
            fields.push(Field {
                name: "company".to_owned(),
                value: company,
            });
        }
        if let Some(birthday) = self.birthday {
            fields.push(Field {
                name: "birthday".to_owned(),
                value: birthday,
            });
        }
        // The host reads these field names as the contact's own fields.
        let prefix = self
            .name
            .as_ref()
            .and_then(|parts| parts.get(3))
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty());
        for (name, value) in [
            ("gender", self.gender),
            ("honorific", prefix),
            ("notes", self.note),
            ("language", self.language),
        ] {
            if let Some(value) = value {
                fields.push(Field {
                    name: name.to_owned(),
                    value,
                });
            }
        }
        let mut seen: Vec<String> = Vec::new();
        for phone in self.phones {
            let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
            let key = if digits.is_empty() {
                phone.clone()
            } else {
                digits
            };
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            batch.contacts.push(ImportedContact {
                row: index,
                phone,
                first_name: first_name.clone(),
                last_name: last_name.clone(),
                email: self.email.clone(),
                tags: self.tags.clone(),
                fields: fields.clone(),
            });
        }
    }

    /// First and last name from `N` (the given name followed by any middle names), else from `FN`
    /// split at its last word.
    fn names(&self) -> (Option<String>, Option<String>) {
        let non_empty = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        if let Some(parts) = &self.name {
            let given: Vec<&str> = parts
                .iter()
                .skip(1)
                .take(2)
                .map(|p| p.trim())
                .filter(|p| !p.is_empty())
                .collect();
            let first = non_empty(&given.join(" "));
            let last = parts.first().and_then(|p| non_empty(p));
            if first.is_some() || last.is_some() {
                return (first, last);
            }
        }
        let words: Vec<&str> = self
            .formatted_name
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
            .collect();
        match words.as_slice() {
            [] => (None, None),
            [only] => (non_empty(only), None),
            [given @ .., last] => (non_empty(&given.join(" ")), non_empty(last)),
        }
    }
}

/// The number as the card writes it. A 4.0 `tel:` URI loses its scheme and parameters
/// (`tel:+90-532-123-4567;ext=5` → `+90-532-123-4567`). WhatsApp's `waid` (the number in
/// international digits) stands in for an empty value.
fn phone(property: &Property<'_>) -> Option<String> {
    let text = unescape(property.text().trim());
    let number = match text.get(..4) {
        Some(scheme) if scheme.eq_ignore_ascii_case("tel:") => text[4..]
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned(),
        _ => text,
    };
    if !number.is_empty() {
        return Some(number);
    }
    property
        .param("WAID")
        .filter(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()))
        .map(|id| format!("+{id}"))
}

/// `BDAY` as `YYYY-MM-DD` when it is a full date (`19850412`, `1985-04-12`,
/// `1985-04-12T00:00:00Z`); other forms (`--0412`, no year) as written.
fn birthday(text: &str) -> Option<String> {
    if text.is_empty() {
        return None;
    }
    let date = text.split('T').next().unwrap_or(text);
    let digits: String = date.chars().filter(char::is_ascii_digit).collect();
    let plain = date.chars().all(|c| c.is_ascii_digit() || c == '-');
    if plain && digits.len() == 8 && !date.starts_with("--") {
        return Some(format!(
            "{}-{}-{}",
            &digits[..4],
            &digits[4..6],
            &digits[6..]
        ));
    }
    Some(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(lines: &[&str]) -> ImportBatch {
        let mut card = Card::default();
        for line in lines {
            card.add(&Property::parse(line.as_bytes()).unwrap());
        }
        let mut batch = ImportBatch::default();
        card.finish(7, &mut batch);
        batch
    }

    #[test]
    fn one_contact_per_distinct_number() {
        let batch = card(&[
            "N:Öztürk;Çağlar;;;",
            "TEL;CELL:+90 (533) 765 43 21",
            "TEL;WORK:0212 555 66 77",
            "TEL;HOME:+905337654321",
            "ORG:Öztürk Ticaret;Satış",
            "CATEGORIES:bayi,ege",
            "EMAIL:caglar@example.com",
            "EMAIL:ikinci@example.com",
        ]);
        assert!(batch.errors.is_empty());
        let phones: Vec<&str> = batch.contacts.iter().map(|c| c.phone.as_str()).collect();
        assert_eq!(phones, ["+90 (533) 765 43 21", "0212 555 66 77"]);
        for c in &batch.contacts {
            assert_eq!(c.row, 7);
            assert_eq!(c.first_name.as_deref(), Some("Çağlar"));
            assert_eq!(c.last_name.as_deref(), Some("Öztürk"));
            assert_eq!(c.email.as_deref(), Some("caglar@example.com"));
            assert_eq!(c.tags, ["bayi", "ege"]);
            assert_eq!(c.fields[0].name, "company");
            assert_eq!(c.fields[0].value, "Öztürk Ticaret");
        }
    }

    #[test]
    fn gender_name_prefix_note_and_language_go_to_the_host_fields() {
        let batch = card(&[
            "N:Kaya;Ali;;Dr.;",
            "GENDER:M;erkek",
            "LANG;PREF=1:tr",
            "LANG;PREF=2:en",
            "NOTE:Arayın\\, lütfen",
            "TEL:0532 1",
        ]);
        let fields: Vec<(&str, &str)> = batch.contacts[0]
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.value.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("gender", "M"),
                ("honorific", "Dr."),
                ("notes", "Arayın, lütfen"),
                ("language", "tr")
            ]
        );
        // Other, none and unknown say nothing about a form of address.
        let batch = card(&["GENDER:O", "TEL:0532 1"]);
        assert!(batch.contacts[0].fields.is_empty());
    }

    #[test]
    fn names_fall_back_to_fn() {
        let c = &card(&["FN:Mehmet Ali Kaya", "TEL:1"]).contacts[0];
        assert_eq!(c.first_name.as_deref(), Some("Mehmet Ali"));
        assert_eq!(c.last_name.as_deref(), Some("Kaya"));
        let c = &card(&["N:;;;;", "FN:Şule", "TEL:1"]).contacts[0];
        assert_eq!(
            (c.first_name.as_deref(), c.last_name.as_deref()),
            (Some("Şule"), None)
        );
        let c = &card(&["N:Aydın;Şule;Nur;Dr.;", "FN:x y", "TEL:1"]).contacts[0];
        assert_eq!(c.first_name.as_deref(), Some("Şule Nur"));
        assert_eq!(c.last_name.as_deref(), Some("Aydın"));
    }

    #[test]
    fn phone_forms() {
        let phones = |lines: &[&str]| -> Vec<String> {
            card(lines).contacts.into_iter().map(|c| c.phone).collect()
        };
        assert_eq!(
            phones(&["TEL;VALUE=uri;TYPE=cell:tel:+90-535-111-22-33;ext=5"]),
            ["+90-535-111-22-33"]
        );
        assert_eq!(
            phones(&["TEL;type=CELL;waid=905321234567:"]),
            ["+905321234567"]
        );
        assert_eq!(phones(&["TEL:", "TEL:  "]), Vec::<String>::new());
    }

    #[test]
    fn a_card_without_a_number_is_an_error() {
        let batch = card(&["N:Kaya;Mehmet Ali;;;", "EMAIL:m@example.com"]);
        assert!(batch.contacts.is_empty());
        assert_eq!(batch.errors[0].row, 7);
        assert_eq!(
            batch.errors[0].message,
            "card 7 (Mehmet Ali Kaya) has no phone number"
        );
        assert_eq!(card(&[]).errors[0].message, "card 7 has no phone number");
    }

    #[test]
    fn birthdays() {
        assert_eq!(birthday("19850412").as_deref(), Some("1985-04-12"));
        assert_eq!(birthday("1985-04-12").as_deref(), Some("1985-04-12"));
        assert_eq!(
            birthday("1985-04-12T00:00:00Z").as_deref(),
            Some("1985-04-12")
        );
        assert_eq!(birthday("--0412").as_deref(), Some("--0412"));
        assert_eq!(birthday(""), None);
    }
}
