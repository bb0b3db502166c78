//! The `xlsx-importer` plugin: contacts from spreadsheets — Excel (XLSX, XLSM, XLSB, and the old
//! binary XLS) and OpenDocument (ODS) — one sheet of a workbook.
//!
//! It owns reading workbooks (through calamine), choosing the sheet (the `sheet` option, else the
//! first visible worksheet) and turning cells into text the way a person sees them: numbers holding
//! phones without `.0` or an exponent, dates as `YYYY-MM-DD`. What a row means — header, column
//! mapping, the contact — is the `tabular` crate's; row numbers are the sheet's own.
//!
//! A workbook is a zip (or OLE) archive whose directory sits at its end, so the file is collected in
//! `push` and read in `finish`. XLSX sheets are then read row by row rather than loaded whole.

use std::cell::RefCell;
use std::io::Cursor;

use calamine::{
    Data, DataRef, ExcelDateTime, Reader, Sheet, SheetType, SheetVisible, Sheets,
    open_workbook_auto_from_rs,
};
use serde_json::Value;
use tabular::{Table, TableOptions, fold, options_object};
use ulak_plugin_sdk::{ContactImporter, Context, ImportBatch, ImportSession};

/// The largest workbook accepted. Reading one takes several times its size in memory (the archive,
/// the shared strings, the contacts), and a plugin has 64 MiB by default.
pub const MAX_FILE_BYTES: usize = 24 * 1024 * 1024;

/// One spreadsheet import, independent of the plugin interface so that it can be tested natively.
pub struct XlsxImport {
    table_options: TableOptions,
    sheet: Option<String>,
    file: Vec<u8>,
}

impl XlsxImport {
    /// Reads the options (a JSON object as text); an error names the option that is wrong.
    pub fn new(options: &str) -> Result<Self, String> {
        let options = options_object(options)?;
        let sheet = match options.get("sheet") {
            None | Some(Value::Null) => None,
            Some(Value::String(name)) if name.trim().is_empty() => None,
            Some(Value::String(name)) => Some(name.clone()),
            Some(other) => return Err(format!("`sheet` must be a sheet name, not {other}")),
        };
        Ok(XlsxImport {
            table_options: TableOptions::from_object(&options)?,
            sheet,
            file: Vec::new(),
        })
    }

    pub fn push(&mut self, chunk: &[u8]) -> Result<ImportBatch, String> {
        if self.file.len() + chunk.len() > MAX_FILE_BYTES {
            return Err(format!(
                "the spreadsheet is larger than {} MiB: save the sheet as CSV and import that instead",
                MAX_FILE_BYTES >> 20
            ));
        }
        self.file.extend_from_slice(chunk);
        Ok(ImportBatch::default())
    }

    /// Reads the whole workbook: all the contacts and row errors of the chosen sheet.
    pub fn finish(&mut self) -> Result<ImportBatch, String> {
        let file = std::mem::take(&mut self.file);
        let mut workbook =
            open_workbook_auto_from_rs(Cursor::new(file.as_slice())).map_err(|_| {
                "the file is not a spreadsheet this importer reads (XLSX, XLSM, XLSB, XLS or ODS)"
                    .to_owned()
            })?;
        let sheet = choose_sheet(workbook.sheets_metadata(), self.sheet.as_deref())?;
        let mut table = Table::new(self.table_options.clone());
        let mut batch = ImportBatch::default();
        let unreadable =
            |e: &dyn std::fmt::Display| format!("sheet \"{sheet}\" cannot be read: {e}");
        match &mut workbook {
            Sheets::Xlsx(xlsx) => {
                let mut cells = xlsx
                    .worksheet_cells_reader(&sheet)
                    .map_err(|e| unreadable(&e))?;
                let mut row: Vec<String> = Vec::new();
                let mut row_index = None;
                while let Some(cell) = cells.next_cell().map_err(|e| unreadable(&e))? {
                    let (r, c) = cell.get_position();
                    if row_index != Some(r) {
                        if let Some(done) = row_index {
                            table.push_row(done + 1, &row, &mut batch);
                        }
                        row.clear();
                        row_index = Some(r);
                    }
                    place(&mut row, c, data_ref_text(cell.get_value()));
                }
                if let Some(done) = row_index {
                    table.push_row(done + 1, &row, &mut batch);
                }
            }
            other => {
                let range = other.worksheet_range(&sheet).map_err(|e| unreadable(&e))?;
                let (first_row, first_column) = range.start().unwrap_or_default();
                let mut cells: Vec<String> = Vec::new();
                for (offset, values) in (0u32..).zip(range.rows()) {
                    cells.clear();
                    for (column, value) in (first_column..).zip(values) {
                        place(&mut cells, column, data_text(value));
                    }
                    table.push_row(first_row + offset + 1, &cells, &mut batch);
                }
            }
        }
        Ok(batch)
    }
}

/// Puts a cell's text at its sheet column (0-based), so that `column3` means column C whatever
/// columns are empty.
fn place(row: &mut Vec<String>, column: u32, text: String) {
    if text.is_empty() {
        return;
    }
    let column = usize::try_from(column).unwrap_or(usize::MAX);
    if row.len() <= column {
        row.resize(column + 1, String::new());
    }
    row[column] = text;
}

/// The sheet named by the option (exactly, or with Turkish-aware folding), else the first visible
/// worksheet: hidden sheets commonly hold lookup lists rather than the data.
fn choose_sheet(sheets: &[Sheet], wanted: Option<&str>) -> Result<String, String> {
    if let Some(wanted) = wanted {
        return sheets
            .iter()
            .find(|s| s.name == wanted)
            .or_else(|| sheets.iter().find(|s| fold(&s.name) == fold(wanted)))
            .map(|s| s.name.clone())
            .ok_or_else(|| {
                let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
                format!(
                    "the workbook has no sheet named \"{wanted}\" (its sheets: {})",
                    names.join(", ")
                )
            });
    }
    let worksheets = || sheets.iter().filter(|s| s.typ == SheetType::WorkSheet);
    worksheets()
        .find(|s| s.visible == SheetVisible::Visible)
        .or_else(|| worksheets().next())
        .map(|s| s.name.clone())
        .ok_or_else(|| "the workbook has no worksheet".to_owned())
}

fn data_text(value: &Data) -> String {
    match value {
        Data::Int(n) => n.to_string(),
        Data::Float(f) => number_text(*f),
        Data::String(s) => s.clone(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => date_time_text(d),
        Data::DateTimeIso(s) => iso_text(s),
        Data::DurationIso(s) => s.clone(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

fn data_ref_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Int(n) => n.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) => date_time_text(d),
        DataRef::DateTimeIso(s) => iso_text(s),
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(_) | DataRef::Empty => String::new(),
    }
}

/// A number as Excel shows it in a General cell: whole numbers (phones: `905321234567`) without
/// `.0` or an exponent, others to 15 significant digits without float noise (`0.1 + 0.2` → `0.3`).
fn number_text(value: f64) -> String {
    if !value.is_finite() {
        return String::new();
    }
    // Below 2^53 every whole number is exact, so the cast is lossless.
    if value.fract() == 0.0 && value.abs() < 9_007_199_254_740_992.0 {
        return format!("{}", value as i64);
    }
    let magnitude = value.abs().log10().floor() as i32;
    let decimals = usize::try_from((14 - magnitude).clamp(0, 20)).unwrap_or(0);
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// A date as `YYYY-MM-DD`; with a time of day as `YYYY-MM-DDTHH:MM:SS`; a time alone as `HH:MM:SS`.
fn date_time_text(value: &ExcelDateTime) -> String {
    if value.is_duration() {
        let seconds = (value.as_f64() * 86_400.0).round() as i64;
        return format!(
            "{}:{:02}:{:02}",
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60
        );
    }
    let (year, month, day, hour, minute, second, _) = value.to_ymd_hms_milli();
    let time = format!("{hour:02}:{minute:02}:{second:02}");
    if value.as_f64() < 1.0 {
        return time;
    }
    let date = format!("{year:04}-{month:02}-{day:02}");
    if (hour, minute, second) == (0, 0, 0) {
        date
    } else {
        format!("{date}T{time}")
    }
}

/// OpenDocument dates come as ISO text already; a midnight time adds nothing.
fn iso_text(value: &str) -> String {
    value.strip_suffix("T00:00:00").unwrap_or(value).to_owned()
}

/// The plugin.
pub struct XlsxImporter;

impl ContactImporter for XlsxImporter {
    type Session = XlsxSession;
}

/// The host's handle on one import. Bad options are reported by the first call that can return an
/// error, since the constructor cannot.
pub struct XlsxSession(RefCell<Result<XlsxImport, String>>);

impl ImportSession for XlsxSession {
    fn new(_ctx: Context, options: String) -> Self {
        XlsxSession(RefCell::new(XlsxImport::new(&options)))
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

ulak_plugin_sdk::export_contact_importer!(XlsxImporter);

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::ExcelDateTimeType;
    use ulak_plugin_sdk::ImportedContact;

    fn fixture_named(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/../fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    fn fixture() -> Vec<u8> {
        fixture_named("contacts.xlsx")
    }

    fn import(options: &str, bytes: &[u8]) -> Result<ImportBatch, String> {
        let mut import = XlsxImport::new(options)?;
        for chunk in bytes.chunks(1000) {
            assert!(import.push(chunk)?.contacts.is_empty());
        }
        import.finish()
    }

    fn field<'a>(c: &'a ImportedContact, name: &str) -> Option<&'a str> {
        c.fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.value.as_str())
    }

    #[test]
    fn the_fixtures() {
        // The same first sheet saved as XLSX (read row by row), ODS and XLS (read as a range).
        for name in ["contacts.xlsx", "contacts.ods", "contacts.xls"] {
            check_fixture(&import("{}", &fixture_named(name)).unwrap());
        }
    }

    fn check_fixture(batch: &ImportBatch) {
        let got: Vec<(u32, &str)> = batch
            .contacts
            .iter()
            .map(|c| (c.row, c.phone.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (2, "905321112233"),
                (3, "905337654321"),
                (4, "0544 987 65 43"),
                (6, "5351112233")
            ]
        );
        let ayse = &batch.contacts[0];
        assert_eq!(ayse.first_name.as_deref(), Some("Ayşe"));
        assert_eq!(ayse.last_name.as_deref(), Some("Yılmaz"));
        assert_eq!(field(ayse, "Şehir"), Some("İstanbul"));
        assert_eq!(field(ayse, "Doğum Tarihi"), Some("1990-05-12"));
        assert_eq!(ayse.tags, ["müşteri", "vip"]);
        assert_eq!(batch.contacts[2].first_name.as_deref(), Some("İlkay"));
        assert_eq!(
            field(&batch.contacts[2], "Doğum Tarihi"),
            Some("1988-11-03")
        );
        let mehmet = &batch.contacts[3];
        assert_eq!(mehmet.first_name.as_deref(), Some("Mehmet Ali"));
        assert_eq!(mehmet.last_name.as_deref(), Some("Kaya"));
        assert_eq!(batch.errors.len(), 1);
        assert_eq!(batch.errors[0].row, 5);
        assert_eq!(batch.errors[0].message, "row 5 has no phone number");
    }

    #[test]
    fn another_sheet_by_name() {
        let batch = import(r#"{"sheet": "BAYİLER"}"#, &fixture()).unwrap();
        assert_eq!(batch.contacts.len(), 1);
        let c = &batch.contacts[0];
        assert_eq!(c.phone, "0533 444 55 66");
        assert_eq!(
            (c.first_name.as_deref(), c.last_name.as_deref()),
            (Some("Hasan"), Some("Çelik"))
        );
        assert_eq!(c.tags, ["bayi", "ege"]);
        let err = import(r#"{"sheet": "Yok"}"#, &fixture()).unwrap_err();
        assert!(err.contains("Kişiler, Bayiler"), "{err}");
    }

    #[test]
    fn mapping_and_headerless() {
        let batch = import(
            r#"{"has_header": false, "mapping": {"column1": "first_name", "column2": "last_name"}}"#,
            &fixture(),
        )
        .unwrap();
        // The header row is now data: it has no phone-like cell.
        assert_eq!(batch.errors[0].row, 1);
        assert_eq!(batch.contacts[0].phone, "905321112233");
        assert_eq!(field(&batch.contacts[0], "column4"), Some("İstanbul"));
    }

    #[test]
    fn not_a_spreadsheet() {
        assert!(
            import("{}", b"Ad;Telefon\n")
                .unwrap_err()
                .contains("not a spreadsheet")
        );
        assert!(import("{}", b"").is_err());
        assert!(XlsxImport::new(r#"{"sheet": 1}"#).is_err());
        let mut big = XlsxImport::new("{}").unwrap();
        assert!(big.push(&vec![0; MAX_FILE_BYTES + 1]).is_err());
    }

    #[test]
    fn numbers_as_shown() {
        assert_eq!(number_text(905321234567.0), "905321234567");
        assert_eq!(number_text(9.05321234567e11), "905321234567");
        assert_eq!(number_text(-42.0), "-42");
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(number_text(1234.5), "1234.5");
        assert_eq!(number_text(1e20), "100000000000000000000");
        assert_eq!(number_text(f64::NAN), "");
    }

    #[test]
    fn dates_as_iso() {
        let date = |v| date_time_text(&ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false));
        assert_eq!(date(33005.0), "1990-05-12");
        assert_eq!(date(45943.5), "2025-10-13T12:00:00");
        assert_eq!(date(0.75), "18:00:00");
        let duration = ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false);
        assert_eq!(date_time_text(&duration), "36:00:00");
        assert_eq!(iso_text("2024-01-05T00:00:00"), "2024-01-05");
    }
}
