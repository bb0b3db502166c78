//! The `csv-importer` plugin: contacts from CSV (and other delimited text) files, as spreadsheets and
//! address books save them.
//!
//! It owns reading the file: the encoding (UTF-8 with or without a BOM, Windows-1254 from Turkish
//! Excel, UTF-16 with a BOM, or one named in the `encoding` option), the delimiter (`,` `;` tab `|`,
//! detected from the first lines, named in `delimiter`, or by an Excel `sep=;` first line), quoting,
//! and line numbers. What a row means — header, column mapping, the contact — is the `tabular`
//! crate's.
//!
//! The file streams through: each chunk's complete rows come back as contacts at once, and no more
//! than the row being read (and, until the delimiter is known, the first lines) is kept.

mod decode;
mod records;
mod sniff;

use std::cell::RefCell;

use encoding_rs::Encoding;
use serde_json::{Map, Value};
use tabular::{Table, TableOptions, options_object};
use ulak_plugin_sdk::{ContactImporter, Context, ImportBatch, ImportSession};

use decode::TextDecoder;
use records::Records;

/// One CSV import, independent of the plugin interface so that it can be tested natively.
pub struct CsvImport {
    decoder: TextDecoder,
    /// Set by the `delimiter` option, or once detected.
    delimiter: Option<u8>,
    /// The text read before the records start: until the first line is complete (it may be Excel's
    /// `sep=;`) and, without a `delimiter` option, until there are lines enough to detect it.
    sample: String,
    /// Present once the delimiter is known.
    records: Option<Records>,
    table: Table,
}

impl CsvImport {
    /// Reads the options (a JSON object as text); an error names the option that is wrong.
    pub fn new(options: &str) -> Result<Self, String> {
        let options = options_object(options)?;
        let delimiter = delimiter_option(&options)?;
        Ok(CsvImport {
            decoder: TextDecoder::new(encoding_option(&options)?),
            delimiter,
            sample: String::new(),
            records: None,
            table: Table::new(TableOptions::from_object(&options)?),
        })
    }

    /// The contacts and row errors of the rows that `chunk` completes.
    pub fn push(&mut self, chunk: &[u8]) -> Result<ImportBatch, String> {
        let text = self.decoder.decode(chunk, false);
        self.read(&text, false)
    }

    /// The rest: the last row, when the file does not end with a line break.
    pub fn finish(&mut self) -> Result<ImportBatch, String> {
        let text = self.decoder.decode(&[], true);
        self.read(&text, true)
    }

    fn read(&mut self, text: &str, last: bool) -> Result<ImportBatch, String> {
        let mut batch = ImportBatch::default();
        let CsvImport {
            delimiter,
            sample,
            records,
            table,
            ..
        } = self;
        let mut on_record = |line: u64, fields: &[std::borrow::Cow<'_, str>]| {
            let row = u32::try_from(line).unwrap_or(u32::MAX);
            table.push_row(row, fields, &mut batch);
        };
        match records {
            Some(records) => records.feed(text, &mut on_record)?,
            None => {
                sample.push_str(text);
                let ready = match delimiter {
                    // Only the first line is needed, to see whether it is a `sep=` line.
                    Some(_) => sample.contains('\n'),
                    None => sniff::enough(sample),
                };
                if !last && !ready {
                    return Ok(batch);
                }
                let sample = std::mem::take(sample);
                let (hint, skipped) = sniff::sep_line(&sample);
                let rest = &sample[skipped..];
                // A delimiter the user named wins over the file's own `sep=` line.
                let found = delimiter
                    .or(hint)
                    .unwrap_or_else(|| sniff::detect_delimiter(rest, last));
                *delimiter = Some(found);
                let first_line = if skipped > 0 { 2 } else { 1 };
                records
                    .insert(Records::new(found, first_line))
                    .feed(rest, &mut on_record)?;
            }
        }
        if last && let Some(records) = records {
            records.finish(&mut on_record)?;
        }
        Ok(batch)
    }
}

fn delimiter_option(options: &Map<String, Value>) -> Result<Option<u8>, String> {
    let text = match options.get("delimiter") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(text)) => text.as_str(),
        Some(other) => return Err(format!("`delimiter` must be a string, not {other}")),
    };
    match text {
        "" | "auto" => Ok(None),
        // Written out, since a tab is hard to type into a form field.
        "\\t" | "tab" => Ok(Some(b'\t')),
        _ => match text.as_bytes() {
            [byte] if *byte != b'"' && *byte != b'\n' && *byte != b'\r' => Ok(Some(*byte)),
            _ => Err(format!(
                "`delimiter` must be a single character such as , ; | or tab, not \"{text}\""
            )),
        },
    }
}

fn encoding_option(options: &Map<String, Value>) -> Result<Option<&'static Encoding>, String> {
    match options.get("encoding") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(label)) if label.trim().is_empty() || label.trim() == "auto" => Ok(None),
        // Any WHATWG label: `utf-8`, `windows-1254`, `cp1254`, `iso-8859-9` (read as Windows-1254),
        // `utf-16le` …
        Some(Value::String(label)) => Encoding::for_label(label.trim().as_bytes())
            .map(Some)
            .ok_or_else(|| {
                format!("`encoding` \"{label}\" is not an encoding (try utf-8 or windows-1254)")
            }),
        Some(other) => Err(format!("`encoding` must be a string, not {other}")),
    }
}

/// The plugin.
pub struct CsvImporter;

impl ContactImporter for CsvImporter {
    type Session = CsvSession;
}

/// The host's handle on one import. Bad options are reported by the first call that can return an
/// error, since the constructor cannot.
pub struct CsvSession(RefCell<Result<CsvImport, String>>);

impl ImportSession for CsvSession {
    fn new(_ctx: Context, options: String) -> Self {
        CsvSession(RefCell::new(CsvImport::new(&options)))
    }

    fn push(&self, chunk: Vec<u8>) -> Result<ImportBatch, String> {
        match &mut *self.0.borrow_mut() {
            Ok(import) => import.push(&chunk),
            Err(e) => Err(e.clone()),
        }
    }

    fn finish(&self) -> Result<ImportBatch, String> {
        match &mut *self.0.borrow_mut() {
            Ok(import) => import.finish(),
            Err(e) => Err(e.clone()),
        }
    }
}

ulak_plugin_sdk::export_contact_importer!(CsvImporter);

#[cfg(test)]
mod tests {
    use super::*;
    use ulak_plugin_sdk::ImportedContact;

    /// Imports `bytes` in chunks of `size`, checking that every row comes back as soon as its chunk
    /// is in.
    fn import(options: &str, bytes: &[u8], size: usize) -> ImportBatch {
        let mut import = CsvImport::new(options).unwrap();
        let mut all = ImportBatch::default();
        for chunk in bytes.chunks(size) {
            let batch = import.push(chunk).unwrap();
            all.contacts.extend(batch.contacts);
            all.errors.extend(batch.errors);
        }
        let batch = import.finish().unwrap();
        all.contacts.extend(batch.contacts);
        all.errors.extend(batch.errors);
        all
    }

    fn field<'a>(c: &'a ImportedContact, name: &str) -> Option<&'a str> {
        c.fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.value.as_str())
    }

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/../fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// What both CSV fixtures hold (see `plugins/fixtures/README.md`).
    fn check_fixture(batch: &ImportBatch) {
        let phones: Vec<(u32, &str)> = batch
            .contacts
            .iter()
            .map(|c| (c.row, c.phone.as_str()))
            .collect();
        assert_eq!(
            phones,
            [
                (2, "0532 123 45 67"),
                (3, "+90 (533) 765 43 21"),
                (4, "0544 987 65 43"),
                (5, "12"),
                (7, "05321234567"),
            ]
        );
        let ayse = &batch.contacts[0];
        assert_eq!(ayse.first_name.as_deref(), Some("Ayşe"));
        assert_eq!(ayse.last_name.as_deref(), Some("Yılmaz"));
        assert_eq!(ayse.email.as_deref(), Some("ayse.yilmaz@example.com"));
        assert_eq!(ayse.tags, ["müşteri", "vip"]);
        assert_eq!(field(ayse, "Şehir"), Some("İstanbul"));
        assert_eq!(ayse.fields.len(), 1);
        let caglar = &batch.contacts[1];
        assert_eq!(caglar.first_name.as_deref(), Some("Çağlar"));
        assert_eq!(caglar.last_name.as_deref(), Some("Öztürk"));
        assert_eq!(caglar.tags, ["bayi"]);
        assert_eq!(field(caglar, "Şehir"), Some("İzmir"));
        let ilkay = &batch.contacts[2];
        assert_eq!(ilkay.first_name.as_deref(), Some("İlkay"));
        assert_eq!(ilkay.last_name.as_deref(), Some("Şahin"));
        assert_eq!(ilkay.email, None);
        assert_eq!(ilkay.tags, ["müşteri", "Ankara şubesi"]);
        let gulsen = &batch.contacts[3];
        assert_eq!(gulsen.first_name.as_deref(), Some("Gülşen"));
        assert!(gulsen.tags.is_empty());
        let sule = &batch.contacts[4];
        assert_eq!(sule.first_name.as_deref(), Some("Şule"));
        assert_eq!(sule.last_name.as_deref(), Some("Aydın"));
        assert_eq!(sule.email.as_deref(), Some("sule.aydin@example.com"));
        assert_eq!(sule.tags, ["yeni"]);
        assert_eq!(field(sule, "Şehir"), Some("İstanbul"));
        assert_eq!(batch.errors.len(), 1);
        assert_eq!(batch.errors[0].row, 6);
        assert_eq!(batch.errors[0].message, "row 6 has no phone number");
    }

    #[test]
    fn utf8_bom_semicolon_fixture() {
        let bytes = fixture("contacts.csv");
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        for size in [1, 2, 7, 64, 1 << 20] {
            check_fixture(&import("{}", &bytes, size));
        }
    }

    #[test]
    fn windows_1254_comma_fixture() {
        let bytes = fixture("contacts-1254.csv");
        assert!(std::str::from_utf8(&bytes).is_err());
        for size in [1, 5, 1 << 20] {
            check_fixture(&import("{}", &bytes, size));
        }
        check_fixture(&import(
            r#"{"encoding": "windows-1254", "delimiter": ","}"#,
            &bytes,
            100,
        ));
    }

    #[test]
    fn options_are_checked() {
        for bad in [
            r#"{"delimiter": ";;"}"#,
            r#"{"delimiter": 4}"#,
            r#"{"encoding": "klingon"}"#,
            r#"{"mapping": {"a": "b"}}"#,
            "[]",
        ] {
            assert!(CsvImport::new(bad).is_err(), "{bad}");
        }
        for good in [
            r#"{"delimiter": "tab"}"#,
            r#"{"delimiter": "\t"}"#,
            r#"{"encoding": "cp1254"}"#,
        ] {
            assert!(CsvImport::new(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn named_delimiter_and_headerless() {
        let csv = "Ayşe Yılmaz|0532 123 45 67|İzmir\nAli|0533 111 22 33|\n";
        let batch = import(
            r#"{"delimiter": "|", "has_header": false, "mapping": {"column1": "full_name", "column3": "custom.il"}}"#,
            csv.as_bytes(),
            4,
        );
        assert_eq!(batch.contacts.len(), 2);
        assert_eq!(batch.contacts[0].row, 1);
        assert_eq!(batch.contacts[0].last_name.as_deref(), Some("Yılmaz"));
        assert_eq!(field(&batch.contacts[0], "il"), Some("İzmir"));
        assert_eq!(batch.contacts[1].phone, "0533 111 22 33");
    }

    #[test]
    fn rows_come_back_with_their_chunk() {
        let mut import = CsvImport::new(r#"{"delimiter": ","}"#).unwrap();
        assert!(
            import
                .push(b"Telefon,Ad\n0532 1")
                .unwrap()
                .contacts
                .is_empty()
        );
        let batch = import.push(b"23 45 67,Ali\n0533").unwrap();
        assert_eq!(batch.contacts.len(), 1);
        assert_eq!(batch.contacts[0].phone, "0532 123 45 67");
        let batch = import.finish().unwrap();
        assert_eq!(batch.contacts[0].phone, "0533");
        assert_eq!(batch.contacts[0].row, 3);
    }

    #[test]
    fn excel_sep_line() {
        let csv = "sep=|\r\nAd|Telefon|Not\r\nAli;Can|0532 1|a;b\r\n";
        for options in ["{}", r#"{"delimiter": "|"}"#] {
            let batch = import(options, csv.as_bytes(), 3);
            assert_eq!(batch.contacts.len(), 1, "{options}");
            let c = &batch.contacts[0];
            assert_eq!(c.row, 3);
            assert_eq!(c.first_name.as_deref(), Some("Ali;Can"));
            assert_eq!(field(c, "Not"), Some("a;b"));
        }
    }

    #[test]
    fn empty_and_header_only_files() {
        assert!(import("{}", b"", 10).contacts.is_empty());
        let batch = import("{}", b"\xEF\xBB\xBFAd;Telefon\r\n", 10);
        assert!(batch.contacts.is_empty() && batch.errors.is_empty());
    }

    /// Builds a large file in memory and streams it through in 1 MiB chunks, as the host does. The
    /// importer's own state stays small: no chunk's batch holds more than its own rows.
    #[test]
    fn streams_a_large_file() {
        let rows = 200_000;
        let mut csv = String::from("Ad Soyad;Telefon;Şehir\r\n");
        for i in 0..rows {
            csv.push_str(&format!("Kişi {i} Öztürk;0532 {:07};İstanbul\r\n", i));
        }
        let mut import = CsvImport::new("{}").unwrap();
        let mut count = 0;
        let mut last_row = 0;
        for chunk in csv.as_bytes().chunks(1 << 20) {
            let batch = import.push(chunk).unwrap();
            assert!(batch.errors.is_empty());
            assert!(batch.contacts.len() < rows / 2);
            for c in &batch.contacts {
                assert_eq!(c.row, last_row + 1 + u32::from(last_row == 0));
                last_row = c.row;
            }
            count += batch.contacts.len();
        }
        count += import.finish().unwrap().contacts.len();
        assert_eq!(count, rows);
        assert!(import.sample.capacity() == 0);
    }
}
