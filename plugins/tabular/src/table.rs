//! Rows of cells in, contacts out.

use ulak_plugin_sdk::{Field, ImportBatch, ImportedContact};

use crate::{
    TableOptions, Target, auto_target, fold, looks_like_phone, split_full_name, split_tags,
};

#[derive(Debug, Clone)]
struct Column {
    /// The trimmed header, or `columnN` (1-based) when there is none.
    name: String,
    target: Target,
    /// Chosen by neither the user nor a known header name, so the phone may be found here by the
    /// look of its values when no column is named as one.
    guessable: bool,
}

/// One table being imported: give it every row in order with [`Table::push_row`].
///
/// The first row that is not empty is the header (unless `has_header` is false); it fixes the
/// columns. Columns are named `column1`, `column2`… when there is no header, and so are cells past
/// the header's last column.
#[derive(Debug)]
pub struct Table {
    options: TableOptions,
    /// `None` until the header (or the first row of a headerless table) has been seen.
    columns: Option<Vec<Column>>,
    has_phone_column: bool,
}

impl Table {
    pub fn new(options: TableOptions) -> Self {
        Table {
            options,
            columns: None,
            has_phone_column: false,
        }
    }

    /// The columns as `(name, target)`, once the header has been read.
    pub fn columns(&self) -> Vec<(String, Target)> {
        self.columns
            .iter()
            .flatten()
            .map(|c| (c.name.clone(), c.target.clone()))
            .collect()
    }

    /// Takes one source row (`row` is its 1-based number in the file) and adds its contact or its
    /// error to `batch`. Rows whose cells are all blank are skipped silently.
    pub fn push_row<S: AsRef<str>>(&mut self, row: u32, cells: &[S], batch: &mut ImportBatch) {
        if cells.iter().all(|c| c.as_ref().trim().is_empty()) {
            return;
        }
        let columns = match &mut self.columns {
            Some(columns) => columns,
            None if self.options.has_header => {
                let columns: Vec<Column> = cells
                    .iter()
                    .enumerate()
                    .map(|(i, header)| column(&self.options, i, Some(header.as_ref())))
                    .collect();
                self.has_phone_column = columns.iter().any(|c| c.target == Target::Phone);
                self.columns = Some(columns);
                return;
            }
            None => self.columns.insert(Vec::new()),
        };
        while columns.len() < cells.len() {
            let i = columns.len();
            columns.push(column(&self.options, i, None));
        }
        if !self.has_phone_column {
            // Without a header naming it, the phone column is the first one whose value looks like
            // a phone; the choice then holds for the rest of the file.
            if let Some(i) = (0..cells.len())
                .find(|&i| columns[i].guessable && looks_like_phone(cells[i].as_ref()))
            {
                columns[i].target = Target::Phone;
                columns[i].guessable = false;
                self.has_phone_column = true;
            }
        }
        match contact(columns, row, cells) {
            Ok(contact) => batch.contacts.push(contact),
            Err(message) => batch.error(row, message),
        }
    }
}

/// The column at 0-based position `index`, with its header cell or, past the header or without one,
/// none.
fn column(options: &TableOptions, index: usize, header: Option<&str>) -> Column {
    let positional = format!("column{}", index + 1);
    let header = header.map(str::trim);
    // A mapping may name a column by its header or, header or not, by its position.
    let chosen = header
        .filter(|h| !h.is_empty())
        .and_then(|h| options.mapped(h))
        .or_else(|| options.mapped(&positional));
    let (name, target) = match header {
        Some("") => (positional, Target::Ignore),
        Some(header) => {
            let target =
                auto_target(&fold(header)).unwrap_or_else(|| Target::Custom(header.to_owned()));
            (header.to_owned(), target)
        }
        None => (positional.clone(), Target::Custom(positional)),
    };
    match chosen {
        Some(target) => Column {
            name,
            target: target.clone(),
            guessable: false,
        },
        None => Column {
            // Only columns the header says nothing definite about may turn out to be the phone.
            guessable: matches!(target, Target::Custom(_) | Target::Ignore),
            name,
            target,
        },
    }
}

/// Excel writes `="05321234567"` into CSV to keep a leading zero; the value is what is quoted.
fn cell_value(cell: &str) -> &str {
    let cell = cell.trim();
    cell.strip_prefix("=\"")
        .and_then(|c| c.strip_suffix('"'))
        .map_or(cell, str::trim)
}

fn contact<S: AsRef<str>>(
    columns: &[Column],
    row: u32,
    cells: &[S],
) -> Result<ImportedContact, String> {
    let mut contact = ImportedContact::with_phone(row, "");
    let mut phone = None;
    let mut full_name = None;
    for (column, cell) in columns.iter().zip(cells) {
        let value = cell_value(cell.as_ref());
        if value.is_empty() {
            continue;
        }
        // A second column with the same role (two phone columns, say) keeps its value as a custom
        // field rather than losing it.
        let slot = match &column.target {
            Target::Phone => &mut phone,
            Target::FirstName => &mut contact.first_name,
            Target::LastName => &mut contact.last_name,
            Target::Email => &mut contact.email,
            Target::FullName => &mut full_name,
            Target::Tags => {
                for tag in split_tags(value) {
                    if !contact.tags.contains(&tag) {
                        contact.tags.push(tag);
                    }
                }
                continue;
            }
            Target::Ignore => continue,
            Target::Contact(field) => {
                contact.fields.push(Field {
                    name: (*field).to_owned(),
                    value: value.to_owned(),
                });
                continue;
            }
            Target::Custom(name) => {
                contact.fields.push(Field {
                    name: name.clone(),
                    value: value.to_owned(),
                });
                continue;
            }
        };
        if slot.is_none() {
            *slot = Some(value.to_owned());
        } else {
            contact.fields.push(Field {
                name: column.name.clone(),
                value: value.to_owned(),
            });
        }
    }
    if let Some(full_name) = full_name {
        // Separate first/last name columns, when present, are more precise than a split.
        let (first, last) = split_full_name(&full_name);
        contact.first_name = contact.first_name.or(first);
        contact.last_name = contact.last_name.or(last);
    }
    contact.phone = phone.ok_or_else(|| format!("row {row} has no phone number"))?;
    Ok(contact)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options_object;

    fn table(options: &str) -> Table {
        Table::new(TableOptions::from_object(&options_object(options).unwrap()).unwrap())
    }

    fn run(table: &mut Table, rows: &[&[&str]]) -> ImportBatch {
        let mut batch = ImportBatch::default();
        for (i, cells) in rows.iter().enumerate() {
            table.push_row(i as u32 + 1, cells, &mut batch);
        }
        batch
    }

    fn field<'a>(contact: &'a ImportedContact, name: &str) -> Option<&'a str> {
        contact
            .fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.value.as_str())
    }

    #[test]
    fn maps_turkish_headers() {
        let mut t = table("{}");
        let batch = run(
            &mut t,
            &[
                &["Ad Soyad", "Telefon", "E-posta", "Şehir", "Etiketler", ""],
                &[
                    "Ayşe Yılmaz",
                    "0532 123 45 67",
                    "ayse@example.com",
                    "İstanbul",
                    "müşteri; vip",
                    "x",
                ],
                &["Mehmet Ali Kaya", " +90 (533) 765 43 21 ", "", "", "", ""],
                &["", "", "", "", "", ""],
                &["Zeynep", "", "z@example.com", "", "", ""],
            ],
        );
        assert_eq!(batch.contacts.len(), 2);
        let ayse = &batch.contacts[0];
        assert_eq!(ayse.row, 2);
        assert_eq!(ayse.phone, "0532 123 45 67");
        assert_eq!(ayse.first_name.as_deref(), Some("Ayşe"));
        assert_eq!(ayse.last_name.as_deref(), Some("Yılmaz"));
        assert_eq!(ayse.email.as_deref(), Some("ayse@example.com"));
        assert_eq!(ayse.tags, ["müşteri", "vip"]);
        // The empty header's column is ignored.
        assert_eq!(ayse.fields.len(), 1);
        assert_eq!(field(ayse, "Şehir"), Some("İstanbul"));
        let mehmet = &batch.contacts[1];
        assert_eq!(mehmet.phone, "+90 (533) 765 43 21");
        assert_eq!(mehmet.first_name.as_deref(), Some("Mehmet Ali"));
        assert_eq!(mehmet.last_name.as_deref(), Some("Kaya"));
        assert_eq!(mehmet.email, None);
        assert!(mehmet.tags.is_empty() && mehmet.fields.is_empty());
        assert_eq!(batch.errors.len(), 1);
        assert_eq!(batch.errors[0].row, 5);
        assert_eq!(batch.errors[0].message, "row 5 has no phone number");
        assert_eq!(
            t.columns()[5],
            ("column6".to_owned(), Target::Ignore),
            "an empty header gets a positional name"
        );
    }

    #[test]
    fn separate_name_columns_win_over_a_split() {
        let mut t = table("{}");
        let batch = run(
            &mut t,
            &[
                &["İSİM", "SOYİSİM", "Müşteri Adı", "GSM"],
                &["Ayşe", "", "Ayşe Nur Demir", "5321234567"],
            ],
        );
        let c = &batch.contacts[0];
        assert_eq!(c.first_name.as_deref(), Some("Ayşe"));
        assert_eq!(c.last_name.as_deref(), Some("Demir"));
    }

    #[test]
    fn explicit_mapping_overrides_headers() {
        let mut t = table(
            r#"{"mapping": {"Telefon": "ignore", "İş Telefonu": "phone", "Ad": "full_name",
                "Şehir": "custom.il", "Kod": "tags"}}"#,
        );
        let batch = run(
            &mut t,
            &[
                &["Ad", "Telefon", "iş telefonu", "ŞEHİR", "Kod", "Not"],
                &[
                    "Ali Veli",
                    "0532 000 00 00",
                    "0212 111 22 33",
                    "Bursa",
                    "a|b|a",
                    "ara",
                ],
            ],
        );
        let c = &batch.contacts[0];
        assert_eq!(c.phone, "0212 111 22 33");
        assert_eq!(
            (c.first_name.as_deref(), c.last_name.as_deref()),
            (Some("Ali"), Some("Veli"))
        );
        assert_eq!(c.tags, ["a", "b"]);
        assert_eq!(field(c, "il"), Some("Bursa"));
        assert_eq!(field(c, "Not"), Some("ara"));
        assert_eq!(c.fields.len(), 2);
    }

    #[test]
    fn contact_field_targets_reach_the_host_under_their_own_names() {
        let mut t = table(r#"{"mapping": {"Kod": "honorific", "column4": "GENDER"}}"#);
        let batch = run(
            &mut t,
            &[
                &["Telefon", "Kod", "Cinsiyet", "x"],
                &["0532 1", "Dr.", "E", "K"],
            ],
        );
        let c = &batch.contacts[0];
        assert_eq!(field(c, "honorific"), Some("Dr."));
        assert_eq!(field(c, "gender"), Some("K"));
        // A header the host reads on its own stays as written.
        assert_eq!(field(c, "Cinsiyet"), Some("E"));
        let error =
            TableOptions::from_object(&options_object(r#"{"mapping": {"Kod": "title"}}"#).unwrap())
                .unwrap_err();
        assert!(error.contains("honorific"), "{error}");
    }

    #[test]
    fn second_phone_column_is_kept_as_a_field() {
        let mut t = table("{}");
        let batch = run(
            &mut t,
            &[&["Telefon", "Cep"], &["", "0532 1"], &["0212 2", "0532 3"]],
        );
        assert_eq!(batch.contacts[0].phone, "0532 1");
        assert!(batch.contacts[0].fields.is_empty());
        assert_eq!(batch.contacts[1].phone, "0212 2");
        assert_eq!(field(&batch.contacts[1], "Cep"), Some("0532 3"));
    }

    #[test]
    fn headerless_guesses_the_phone_column() {
        let mut t = table(r#"{"has_header": false, "mapping": {"column1": "full_name"}}"#);
        let batch = run(
            &mut t,
            &[
                &["Ayşe Yılmaz", "12.05.1990", "0532 123 45 67", "İstanbul"],
                &["Ali Can", "", "0533 765 43 21"],
                &["Veli", "x", ""],
            ],
        );
        assert_eq!(batch.contacts.len(), 2);
        let c = &batch.contacts[0];
        assert_eq!(c.row, 1);
        assert_eq!(c.phone, "0532 123 45 67");
        assert_eq!(c.first_name.as_deref(), Some("Ayşe"));
        assert_eq!(field(c, "column2"), Some("12.05.1990"));
        assert_eq!(field(c, "column4"), Some("İstanbul"));
        assert_eq!(batch.contacts[1].phone, "0533 765 43 21");
        assert_eq!(batch.errors[0].row, 3);
    }

    #[test]
    fn header_without_a_phone_column_guesses_one() {
        let mut t = table("{}");
        let batch = run(
            &mut t,
            &[&["Kişi", "İletişim"], &["Ayşe", "0532 123 45 67"]],
        );
        assert_eq!(batch.contacts[0].phone, "0532 123 45 67");
        assert_eq!(field(&batch.contacts[0], "Kişi"), Some("Ayşe"));
    }

    #[test]
    fn a_known_non_phone_column_is_not_guessed() {
        let mut t = table("{}");
        let batch = run(&mut t, &[&["Ad", "Not"], &["5321234567", "x"]]);
        assert!(batch.contacts.is_empty());
        assert_eq!(batch.errors[0].message, "row 2 has no phone number");
    }

    #[test]
    fn extra_cells_and_excel_text_formulas() {
        let mut t = table("{}");
        let batch = run(&mut t, &[&["Tel"], &["=\"05321234567\"", "fazla"]]);
        let c = &batch.contacts[0];
        assert_eq!(c.phone, "05321234567");
        assert_eq!(field(c, "column2"), Some("fazla"));
    }

    #[test]
    fn blank_rows_before_the_header_are_skipped() {
        let mut t = table("{}");
        let batch = run(&mut t, &[&["", " "], &["Telefon", "Ad"], &["1234567", "A"]]);
        assert_eq!(batch.contacts.len(), 1);
        assert_eq!(batch.contacts[0].row, 3);
        assert!(batch.errors.is_empty());
    }
}
