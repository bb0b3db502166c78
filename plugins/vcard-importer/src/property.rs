//! One content line: `[group.]NAME[;PARAM…]:value`, and its value as text.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1254};

#[derive(Debug, PartialEq, Eq)]
pub struct Property<'a> {
    /// Upper-cased, without its group (`item1.TEL` → `TEL`).
    pub name: String,
    /// Upper-cased names with their values (quotes removed). A 2.1 bare parameter (`TEL;CELL`)
    /// is stored as `TYPE=CELL`, or `ENCODING=…` for an encoding.
    params: Vec<(String, String)>,
    raw: &'a [u8],
}

impl<'a> Property<'a> {
    /// `None` for a line without a `:` (not a property).
    pub fn parse(line: &'a [u8]) -> Option<Self> {
        // Parameter values may be quoted in 4.0, and a quoted value may hold `:` or `;`.
        let mut quoted = false;
        let colon = line.iter().position(|&b| {
            if b == b'"' {
                quoted = !quoted;
            }
            b == b':' && !quoted
        })?;
        let head = String::from_utf8_lossy(&line[..colon]);
        let mut parts = split_outside_quotes(&head, ';').into_iter();
        let name = parts.next().unwrap_or_default();
        let name = name
            .rsplit('.')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_uppercase();
        let params = parts
            .map(|param| match param.split_once('=') {
                Some((key, value)) => (
                    key.trim().to_ascii_uppercase(),
                    value.trim().trim_matches('"').to_owned(),
                ),
                None => {
                    let value = param.trim().to_owned();
                    let key = match value.to_ascii_uppercase().as_str() {
                        "QUOTED-PRINTABLE" | "BASE64" | "8BIT" | "7BIT" | "B" => "ENCODING",
                        _ => "TYPE",
                    };
                    (key.to_owned(), value)
                }
            })
            .collect();
        Some(Property {
            name,
            params,
            raw: &line[colon + 1..],
        })
    }

    /// The value of the first parameter `key` (upper case).
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The value as text: QUOTED-PRINTABLE decoded, then read in its CHARSET (UTF-8 by default; bytes
    /// that are not UTF-8 are taken as Windows-1254, which old Turkish phones and Outlook write
    /// without saying so). Escapes are left in: see [`components`] and [`unescape`].
    pub fn text(&self) -> String {
        let quoted_printable = self
            .param("ENCODING")
            .is_some_and(|e| e.eq_ignore_ascii_case("QUOTED-PRINTABLE"));
        let bytes = if quoted_printable {
            decode_quoted_printable(self.raw)
        } else {
            self.raw.to_vec()
        };
        let charset = self
            .param("CHARSET")
            .and_then(|label| Encoding::for_label(label.as_bytes()))
            .unwrap_or(UTF_8);
        if charset != UTF_8 {
            return charset.decode_without_bom_handling(&bytes).0.into_owned();
        }
        match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => WINDOWS_1254
                .decode_without_bom_handling(e.as_bytes())
                .0
                .into_owned(),
        }
    }
}

fn split_outside_quotes(text: &str, separator: char) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut quoted = false;
    for c in text.chars() {
        if c == '"' {
            quoted = !quoted;
        }
        if c == separator && !quoted {
            parts.push(String::new());
        } else if let Some(last) = parts.last_mut() {
            last.push(c);
        }
    }
    parts
}

fn decode_quoted_printable(raw: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'=' {
            if let (Some(high), Some(low)) = (
                raw.get(i + 1).and_then(|&b| hex(b)),
                raw.get(i + 2).and_then(|&b| hex(b)),
            ) {
                // Two hex digits make at most 255.
                out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                i += 3;
                continue;
            }
            if i + 1 == raw.len() {
                // A soft line break the unfolding left at the very end.
                break;
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    out
}

/// Splits a structured value (`N`, `ORG`) at the separators that are not escaped, and unescapes each
/// part.
pub fn components(text: &str, separators: &[char]) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        let Some(last) = parts.last_mut() else { break };
        match c {
            '\\' => match chars.next() {
                Some('n' | 'N') => last.push('\n'),
                Some(escaped) => last.push(escaped),
                None => last.push('\\'),
            },
            c if separators.contains(&c) => parts.push(String::new()),
            c => last.push(c),
        }
    }
    parts
}

/// A single value with `\,` `\;` `\\` `\n` unescaped.
pub fn unescape(text: &str) -> String {
    components(text, &[]).concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_groups_and_parameters() {
        let p =
            Property::parse(b"item1.TEL;type=CELL;type=VOICE;waid=905321234567:+90 532 123 45 67")
                .unwrap();
        assert_eq!(p.name, "TEL");
        assert_eq!(p.param("TYPE"), Some("CELL"));
        assert_eq!(p.param("WAID"), Some("905321234567"));
        assert_eq!(p.text(), "+90 532 123 45 67");

        let p = Property::parse(b"TEL;CELL;PREF:0532").unwrap();
        assert_eq!(p.param("TYPE"), Some("CELL"));

        let p = Property::parse(b"TEL;VALUE=uri;TYPE=\"cell,voice\":tel:+90-532").unwrap();
        assert_eq!(p.param("VALUE"), Some("uri"));
        assert_eq!(p.param("TYPE"), Some("cell,voice"));
        assert_eq!(p.text(), "tel:+90-532");

        let p = Property::parse(b"X-LABEL;LABEL=\"a:b\":c").unwrap();
        assert_eq!(p.text(), "c");

        assert_eq!(Property::parse(b"no colon"), None);
    }

    #[test]
    fn quoted_printable_and_charsets() {
        let p =
            Property::parse(b"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Y=C4=B1lmaz;Ay=C5=9Fe;;;")
                .unwrap();
        assert_eq!(p.text(), "Yılmaz;Ayşe;;;");
        let p = Property::parse(b"FN;QUOTED-PRINTABLE;CHARSET=ISO-8859-9:=DDlkay =DEahin").unwrap();
        assert_eq!(p.text(), "İlkay Şahin");
        let p = Property::parse(b"FN;CHARSET=windows-1254:Ay\xFEe").unwrap();
        assert_eq!(p.text(), "Ayşe");
        // Undeclared 8-bit text that is not UTF-8.
        let p = Property::parse(b"FN:G\xFCl\xFEen").unwrap();
        assert_eq!(p.text(), "Gülşen");
        // Stray `=` are kept.
        let p = Property::parse(b"NOTE;ENCODING=QUOTED-PRINTABLE:a=b=3D=").unwrap();
        assert_eq!(p.text(), "a=b=");
    }

    #[test]
    fn escapes() {
        assert_eq!(
            components(r"Şahin Gıda\, Ltd.;Satış\;Pazarlama;", &[';']),
            ["Şahin Gıda, Ltd.", "Satış;Pazarlama", ""]
        );
        assert_eq!(components("müşteri,vip", &[',']), ["müşteri", "vip"]);
        assert_eq!(unescape(r"satır\nsatır \\ son\"), "satır\nsatır \\ son\\");
    }
}
