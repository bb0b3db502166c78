//! Physical lines to logical (content) lines.

/// Joins the physical lines of a vCard stream, delivered in arbitrary chunks, into content lines:
/// a line starting with a space or tab continues the previous one (folding, all versions), and so
/// does any line after a QUOTED-PRINTABLE value ending in `=` (a soft line break, vCard 2.1).
///
/// A content line is only complete once the next physical line shows it is not continued, so the
/// last one comes out of [`Unfolder::finish`].
#[derive(Default)]
pub struct Unfolder {
    /// A physical line whose end has not arrived yet.
    partial: Vec<u8>,
    /// The content line being built.
    current: Option<Vec<u8>>,
}

impl Unfolder {
    pub fn push(&mut self, bytes: &[u8], emit: &mut dyn FnMut(Vec<u8>)) {
        let mut rest = bytes;
        while let Some(end) = rest.iter().position(|&b| b == b'\n') {
            let (line, tail) = rest.split_at(end);
            rest = &tail[1..];
            if self.partial.is_empty() {
                self.physical(line, emit);
            } else {
                let mut whole = std::mem::take(&mut self.partial);
                whole.extend_from_slice(line);
                self.physical(&whole, emit);
            }
        }
        self.partial.extend_from_slice(rest);
    }

    pub fn finish(&mut self, emit: &mut dyn FnMut(Vec<u8>)) {
        let last = std::mem::take(&mut self.partial);
        if !last.is_empty() {
            self.physical(&last, emit);
        }
        if let Some(line) = self.current.take() {
            emit(line);
        }
    }

    fn physical(&mut self, line: &[u8], emit: &mut dyn FnMut(Vec<u8>)) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if let Some(current) = &mut self.current {
            if current.ends_with(b"=") && is_quoted_printable(current) {
                current.pop();
                current.extend_from_slice(line);
                return;
            }
            if let [b' ' | b'\t', rest @ ..] = line {
                current.extend_from_slice(rest);
                return;
            }
        }
        if let Some(done) = self.current.replace(line.to_vec()) {
            emit(done);
        }
    }
}

/// Whether a content line's parameters (before the first `:`) declare QUOTED-PRINTABLE, as
/// `ENCODING=QUOTED-PRINTABLE` or, in 2.1, bare.
fn is_quoted_printable(line: &[u8]) -> bool {
    let head = line.split(|&b| b == b':').next().unwrap_or_default();
    head.split(|&b| b == b';').any(|param| {
        let value = param.rsplit(|&b| b == b'=').next().unwrap_or_default();
        value.eq_ignore_ascii_case(b"QUOTED-PRINTABLE")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unfold(text: &str, size: usize) -> Vec<String> {
        let mut unfolder = Unfolder::default();
        let mut lines = Vec::new();
        let mut emit = |line: Vec<u8>| lines.push(String::from_utf8(line).unwrap());
        for chunk in text.as_bytes().chunks(size) {
            unfolder.push(chunk, &mut emit);
        }
        unfolder.finish(&mut emit);
        lines
    }

    #[test]
    fn folded_lines_and_soft_breaks() {
        let text = "BEGIN:VCARD\r\n\
                    FN:İlkay Şa\r\n hin\r\n\
                    NOTE:uzun\r\n\tnot\r\n\
                    FN;ENCODING=QUOTED-PRINTABLE:=C3=87a=C4=9Flar =C3=96zt=\r\n\
                    =C3=BCrk\r\n\
                    N;QUOTED-PRINTABLE:a=\r\n\
                    =\r\n\
                    b\r\n\
                    PHOTO;ENCODING=BASE64:AAAA=\r\n\
                    END:VCARD";
        let want = [
            "BEGIN:VCARD",
            "FN:İlkay Şahin",
            "NOTE:uzunnot",
            "FN;ENCODING=QUOTED-PRINTABLE:=C3=87a=C4=9Flar =C3=96zt=C3=BCrk",
            "N;QUOTED-PRINTABLE:ab",
            "PHOTO;ENCODING=BASE64:AAAA=",
            "END:VCARD",
        ];
        for size in [1, 2, 3, 10, 1000] {
            assert_eq!(unfold(text, size), want, "chunks of {size}");
            assert_eq!(
                unfold(&text.replace("\r\n", "\n"), size),
                want,
                "LF, chunks of {size}"
            );
        }
    }

    #[test]
    fn blank_lines_stay_apart() {
        assert_eq!(unfold("A:1\n\nB:2\n", 3), ["A:1", "", "B:2"]);
        assert!(unfold("", 3).is_empty());
    }
}
