//! Which delimiter a CSV file uses, judged from its first lines.

/// The delimiters tried, in order of preference when two fit equally well.
const CANDIDATES: [u8; 4] = [b';', b',', b'\t', b'|'];

/// How many lines the guess looks at.
pub const SAMPLE_LINES: usize = 20;

/// Whether `sample` holds enough lines for [`detect_delimiter`] to decide.
pub fn enough(sample: &str) -> bool {
    sample.len() >= 64 * 1024 || sample.bytes().filter(|&b| b == b'\n').count() > SAMPLE_LINES
}

/// The delimiter of the CSV text that starts with `sample` (`complete`: the sample is the whole file).
///
/// The winner occurs in the first line (usually the header) and the same number of times in the
/// most of the following lines; delimiters inside quotes do not count, so `"müşteri, vip"` in a
/// `;`-separated file does not make it look comma-separated. A single-column file gets `,`.
pub fn detect_delimiter(sample: &str, complete: bool) -> u8 {
    let mut lines = count_per_line(sample);
    if !complete && lines.len() > 1 {
        // The last line may be cut short.
        lines.pop();
    }
    let Some(first) = lines.first() else {
        return b',';
    };
    (0..CANDIDATES.len())
        .filter(|&k| first[k] > 0)
        .max_by_key(|&k| {
            let agreeing = lines.iter().filter(|line| line[k] == first[k]).count();
            // Ties go to the earlier candidate: `max_by_key` keeps the last maximum, so rank by the
            // reversed index.
            (agreeing, first[k], CANDIDATES.len() - k)
        })
        .map_or(b',', |k| CANDIDATES[k])
}

/// Excel's hint line `sep=;` at the very start of the file: the delimiter it names, and the length
/// of the line to skip (0 when there is none).
pub fn sep_line(sample: &str) -> (Option<u8>, usize) {
    let (line, length) = match sample.find('\n') {
        Some(end) => (&sample[..end], end + 1),
        None => (sample, sample.len()),
    };
    let line = line.strip_suffix('\r').unwrap_or(line);
    match line.as_bytes() {
        [s, e, p, b'=', delimiter] if [s, e, p].map(u8::to_ascii_lowercase) == *b"sep" => {
            (Some(*delimiter), length)
        }
        _ => (None, 0),
    }
}

/// For each non-blank line (a quoted field may span lines), how often each candidate occurs outside
/// quotes.
fn count_per_line(sample: &str) -> Vec<[usize; CANDIDATES.len()]> {
    let mut lines = Vec::new();
    let mut counts = [0; CANDIDATES.len()];
    let mut blank = true;
    let mut quoted = false;
    for byte in sample.bytes() {
        match byte {
            // A doubled quote inside a quoted field toggles twice, which leaves it quoted.
            b'"' => quoted = !quoted,
            b'\n' if !quoted => {
                if !blank {
                    lines.push(counts);
                    if lines.len() == SAMPLE_LINES {
                        return lines;
                    }
                }
                counts = [0; CANDIDATES.len()];
                blank = true;
                continue;
            }
            _ if quoted => {}
            _ => {
                if let Some(k) = CANDIDATES.iter().position(|&c| c == byte) {
                    counts[k] += 1;
                }
            }
        }
        if !byte.is_ascii_whitespace() {
            blank = false;
        }
    }
    if !blank {
        lines.push(counts);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolon_with_commas_in_quotes_and_values() {
        let csv = "Ad Soyad;Telefon;Etiketler\r\n\
                   Ayşe Yılmaz;0532 123 45 67;\"müşteri, vip\"\r\n\
                   Ali;0533;a,b,c\r\n";
        assert_eq!(detect_delimiter(csv, true), b';');
    }

    #[test]
    fn comma_tab_and_pipe() {
        assert_eq!(detect_delimiter("a,b,c\n1,2,3\n", true), b',');
        assert_eq!(detect_delimiter("a\tb\n1\t2\n", true), b'\t');
        assert_eq!(detect_delimiter("a|b\n1|2\n", true), b'|');
    }

    #[test]
    fn consistency_beats_count() {
        // Commas appear more often in the header but not consistently.
        let csv = "Ad;Not, ek, bilgi\n1;x\n2;y\n3;z\n";
        assert_eq!(detect_delimiter(csv, true), b';');
    }

    #[test]
    fn quoted_newlines_and_a_cut_last_line() {
        let csv = "Ad,Adres\n\"Ali\",\"Çarşı; No 5\nKat 2\"\n\"Veli\",\"a";
        assert_eq!(detect_delimiter(csv, false), b',');
    }

    #[test]
    fn single_column_and_empty() {
        assert_eq!(detect_delimiter("Telefon\n0532\n", true), b',');
        assert_eq!(detect_delimiter("", true), b',');
        assert_eq!(detect_delimiter("\n\n", true), b',');
    }

    #[test]
    fn excel_sep_line() {
        assert_eq!(sep_line("sep=;\r\nAd;Tel\r\n"), (Some(b';'), 7));
        assert_eq!(sep_line("SEP=,\nAd"), (Some(b','), 6));
        assert_eq!(sep_line("sep=\t"), (Some(b'\t'), 5));
        assert_eq!(sep_line("sep=;;\n"), (None, 0));
        assert_eq!(sep_line("Ad;Tel\n"), (None, 0));
    }

    #[test]
    fn enough_lines() {
        assert!(!enough("a;b\n"));
        assert!(enough(&"a;b\n".repeat(SAMPLE_LINES + 1)));
        assert!(enough(&"x".repeat(64 * 1024)));
    }
}
