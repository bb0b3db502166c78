//! CSV records out of text that arrives in pieces, with the line each record starts on.

use std::borrow::Cow;

use csv_core::{ReadRecordResult, Reader, ReaderBuilder};

/// A record longer than this is taken for an unclosed quote swallowing the rest of the file; going
/// on would only exhaust the plugin's memory.
const MAX_RECORD_BYTES: usize = 1024 * 1024;
const MAX_FIELDS: usize = 10_000;

/// Splits UTF-8 text into records. The parser keeps its place between calls, so a record (or a
/// quoted field) may be split across any number of [`Records::feed`] calls.
pub struct Records {
    reader: Reader,
    /// The fields of the record being read, back to back; `ends` marks where each one ends.
    out: Vec<u8>,
    out_len: usize,
    ends: Vec<usize>,
    ends_len: usize,
    /// The previous piece ended in `\r`, held back: whether it ends a line by itself (old Mac
    /// files) or starts a `\r\n` depends on the next piece.
    held_cr: bool,
}

impl Records {
    /// `first_line`: the line number of the text's first line in the file.
    pub fn new(delimiter: u8, first_line: u64) -> Self {
        let mut reader = ReaderBuilder::new().delimiter(delimiter).build();
        reader.set_line(first_line);
        Records {
            reader,
            out: vec![0; 4096],
            out_len: 0,
            ends: vec![0; 64],
            ends_len: 0,
            held_cr: false,
        }
    }

    /// Parses the next piece of text, calling `on_record(line, fields)` for each record it completes.
    pub fn feed(
        &mut self,
        text: &str,
        on_record: &mut dyn FnMut(u64, &[Cow<'_, str>]),
    ) -> Result<(), String> {
        let joined;
        let mut text = text;
        if std::mem::take(&mut self.held_cr) {
            joined = format!("\r{text}");
            text = &joined;
        }
        if let Some(rest) = text.strip_suffix('\r') {
            self.held_cr = true;
            text = rest;
        }
        // csv-core takes empty input as the end of the file.
        if text.is_empty() {
            return Ok(());
        }
        self.run(lone_cr_to_lf(text).as_bytes(), on_record)
    }

    /// The end of the text: completes a last record that has no line break after it.
    pub fn finish(
        &mut self,
        on_record: &mut dyn FnMut(u64, &[Cow<'_, str>]),
    ) -> Result<(), String> {
        if std::mem::take(&mut self.held_cr) {
            self.run(b"\n", on_record)?;
        }
        self.run(&[], on_record)
    }

    fn run(
        &mut self,
        input: &[u8],
        on_record: &mut dyn FnMut(u64, &[Cow<'_, str>]),
    ) -> Result<(), String> {
        let at_end = input.is_empty();
        let mut pos = 0;
        loop {
            let (result, read, written, ended) = self.reader.read_record(
                &input[pos..],
                &mut self.out[self.out_len..],
                &mut self.ends[self.ends_len..],
            );
            let ended_on_newline = read > 0 && input[pos + read - 1] == b'\n';
            pos += read;
            self.out_len += written;
            self.ends_len += ended;
            match result {
                ReadRecordResult::InputEmpty if !at_end => return Ok(()),
                ReadRecordResult::InputEmpty | ReadRecordResult::End => return Ok(()),
                ReadRecordResult::OutputFull => {
                    if self.out.len() >= MAX_RECORD_BYTES {
                        return Err(format!(
                            "the record starting on line {} is longer than 1 MiB: is a quote left open?",
                            self.record_start_line(false)
                        ));
                    }
                    self.out.resize(self.out.len() * 2, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    if self.ends.len() >= MAX_FIELDS {
                        return Err(format!(
                            "the record starting on line {} has more than {MAX_FIELDS} fields",
                            self.record_start_line(false)
                        ));
                    }
                    self.ends.resize(self.ends.len() * 2, 0);
                }
                ReadRecordResult::Record => {
                    let line = self.record_start_line(ended_on_newline);
                    let record = &self.out[..self.out_len];
                    let mut start = 0;
                    let fields: Vec<Cow<'_, str>> = self.ends[..self.ends_len]
                        .iter()
                        .map(|&end| {
                            let field = String::from_utf8_lossy(&record[start..end]);
                            start = end;
                            field
                        })
                        .collect();
                    on_record(line, &fields);
                    self.out_len = 0;
                    self.ends_len = 0;
                }
            }
        }
    }

    /// The line the current record started on: the reader's line count, less the line break that
    /// ended the record (when it was a `\n` rather than a `\r` or the end of the file) and the line
    /// breaks inside its quoted fields.
    fn record_start_line(&self, ended_on_newline: bool) -> u64 {
        let inside = self.out[..self.out_len]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.reader.line() - u64::from(ended_on_newline) - inside
    }
}

/// csv-core ends a record at a lone `\r` too, but counts lines by `\n` only; Excel for Mac saves
/// lines ending in `\r`, so those become `\n` for the line numbers to come out right.
fn lone_cr_to_lf(text: &str) -> Cow<'_, str> {
    if !text.contains('\r') {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let lone = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    if !(0..bytes.len()).any(lone) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut start = 0;
    for i in (0..bytes.len()).filter(|&i| lone(i)) {
        // `\r` is ASCII, so `i` and `i + 1` are character boundaries.
        out.push_str(&text[start..i]);
        out.push('\n');
        start = i + 1;
    }
    out.push_str(&text[start..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pieces: &[&str], delimiter: u8) -> Result<Vec<(u64, Vec<String>)>, String> {
        let mut records = Records::new(delimiter, 1);
        let mut seen = Vec::new();
        let mut collect = |line: u64, fields: &[Cow<'_, str>]| {
            seen.push((line, fields.iter().map(|f| f.to_string()).collect()));
        };
        for piece in pieces {
            records.feed(piece, &mut collect)?;
        }
        records.finish(&mut collect)?;
        Ok(seen)
    }

    fn split_every(text: &str, size: usize) -> Vec<&str> {
        let mut pieces = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            let mut at = size.min(rest.len());
            while !rest.is_char_boundary(at) {
                at += 1;
            }
            let (piece, tail) = rest.split_at(at);
            pieces.push(piece);
            rest = tail;
        }
        pieces
    }

    const CSV: &str =
        "Ad;Not\r\nAyşe;\"çok; satırlı\r\nnot\"\r\n\r\n\"Ali \"\"Can\"\"\";x\r\nSon;y";

    fn expected() -> Vec<(u64, Vec<String>)> {
        let row = |line, a: &str, b: &str| (line, vec![a.to_owned(), b.to_owned()]);
        vec![
            row(1, "Ad", "Not"),
            row(2, "Ayşe", "çok; satırlı\r\nnot"),
            row(5, "Ali \"Can\"", "x"),
            row(6, "Son", "y"),
        ]
    }

    #[test]
    fn records_and_their_lines_whatever_the_pieces() {
        for size in [1, 2, 3, 5, 8, 1000] {
            assert_eq!(
                parse(&split_every(CSV, size), b';').unwrap(),
                expected(),
                "pieces of {size}"
            );
        }
    }

    #[test]
    fn unix_and_old_mac_line_breaks() {
        let unix = CSV.replace("\r\n", "\n");
        let mut want = expected();
        want[1].1[1] = "çok; satırlı\nnot".to_owned();
        assert_eq!(parse(&split_every(&unix, 3), b';').unwrap(), want);
        assert_eq!(parse(&["a,b\n1,2\n"], b',').unwrap().len(), 2);
        let mac = CSV.replace("\r\n", "\r");
        want[1].1[1] = "çok; satırlı\nnot".to_owned();
        for size in [1, 2, 3, 1000] {
            assert_eq!(
                parse(&split_every(&mac, size), b';').unwrap(),
                want,
                "pieces of {size}"
            );
        }
        // A `\r\n` split between two pieces is one line break.
        let split = parse(&["a;b\r", "\nc;d\r", "", "\ne;f\r"], b';').unwrap();
        assert_eq!(split.iter().map(|r| r.0).collect::<Vec<_>>(), [1, 2, 3]);
    }

    #[test]
    fn a_long_record_grows_the_buffers() {
        let long = format!("{}\n", vec!["x".repeat(300); 100].join("\t"));
        let got = parse(&split_every(&long, 777), b'\t').unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].1.len(), 100);
        assert!(got[0].1.iter().all(|f| f.len() == 300));
    }

    #[test]
    fn an_unclosed_quote_is_an_error_not_a_memory_hog() {
        let text = format!("a,\"{}", "x\n".repeat(700_000));
        let err = parse(&split_every(&text, 64 * 1024), b',').unwrap_err();
        assert!(err.contains("line 1") && err.contains("quote"), "{err}");
    }
}
