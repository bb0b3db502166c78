//! Bytes to text, one chunk at a time, in whatever encoding the file turns out to be in.

use encoding_rs::{Decoder, Encoding, UTF_8, WINDOWS_1254};

/// What a UTF-8 reading does with bytes that are not UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stray {
    /// Detecting, and every byte so far was ASCII: the first stray byte means the file was never
    /// UTF-8 but Windows-1254 (what Turkish Excel saves), and what came before reads the same in it.
    Undecided,
    /// Detecting, and the file is UTF-8 (a BOM, or real multi-byte characters): a stray byte is most
    /// likely a Windows-1254 letter pasted in, so it is read as one rather than lost.
    Windows1254,
    /// The user said UTF-8: a stray byte becomes U+FFFD.
    Replace,
}

enum State {
    /// Holding the first bytes until there are enough to see a byte order mark.
    Start {
        held: Vec<u8>,
        forced: Option<&'static Encoding>,
    },
    Utf8 {
        /// The start of a character that the next chunk completes.
        carry: Vec<u8>,
        stray: Stray,
    },
    Other(Decoder),
}

/// Decodes a byte stream delivered in arbitrary chunks (a character may be split between two).
pub struct TextDecoder {
    state: State,
}

impl TextDecoder {
    /// `forced`: the encoding the user named; `None` detects it.
    pub fn new(forced: Option<&'static Encoding>) -> Self {
        TextDecoder {
            state: State::Start {
                held: Vec::new(),
                forced,
            },
        }
    }

    /// The text of `bytes`; `last` on the final call (with the final bytes, or none).
    pub fn decode(&mut self, bytes: &[u8], last: bool) -> String {
        match &mut self.state {
            State::Start { held, forced } => {
                held.extend_from_slice(bytes);
                if held.len() < 3 && !last {
                    return String::new();
                }
                let held = std::mem::take(held);
                let (state, bom) = opening_state(*forced, &held);
                self.state = state;
                self.decode(&held[bom..], last)
            }
            State::Utf8 { carry, stray } => {
                let mut input = std::mem::take(carry);
                input.extend_from_slice(bytes);
                let mut text = String::with_capacity(input.len());
                let mut rest = input.as_slice();
                loop {
                    match std::str::from_utf8(rest) {
                        Ok(valid) => {
                            note_valid(stray, valid);
                            text.push_str(valid);
                            break;
                        }
                        Err(e) => {
                            let (valid, after) = rest.split_at(e.valid_up_to());
                            if let Ok(valid) = std::str::from_utf8(valid) {
                                note_valid(stray, valid);
                                text.push_str(valid);
                            }
                            let bad_len = match e.error_len() {
                                Some(len) => len,
                                None if last => after.len(),
                                // An incomplete character at the end: the next chunk completes it.
                                None => {
                                    *carry = after.to_vec();
                                    break;
                                }
                            };
                            match *stray {
                                Stray::Undecided => {
                                    self.state = State::Other(
                                        WINDOWS_1254.new_decoder_without_bom_handling(),
                                    );
                                    text.push_str(&self.decode(after, last));
                                    return text;
                                }
                                Stray::Windows1254 => text.push_str(
                                    &WINDOWS_1254
                                        .decode_without_bom_handling(&after[..bad_len])
                                        .0,
                                ),
                                Stray::Replace => text.push(char::REPLACEMENT_CHARACTER),
                            }
                            rest = &after[bad_len..];
                        }
                    }
                }
                text
            }
            State::Other(decoder) => {
                let mut text = String::new();
                let mut rest = bytes;
                loop {
                    let room = decoder
                        .max_utf8_buffer_length(rest.len())
                        .unwrap_or(rest.len() * 3);
                    text.reserve(room.max(16));
                    let (result, read, _replaced) = decoder.decode_to_string(rest, &mut text, last);
                    rest = &rest[read..];
                    if result == encoding_rs::CoderResult::InputEmpty {
                        break;
                    }
                }
                text
            }
        }
    }
}

/// Once valid non-ASCII UTF-8 has been seen, the file is UTF-8.
fn note_valid(stray: &mut Stray, valid: &str) {
    if *stray == Stray::Undecided && !valid.is_ascii() {
        *stray = Stray::Windows1254;
    }
}

/// The state after the opening bytes `head`, and the length of the byte order mark to skip.
fn opening_state(forced: Option<&'static Encoding>, head: &[u8]) -> (State, usize) {
    let bom = Encoding::for_bom(head);
    match (forced, bom) {
        (Some(encoding), _) if encoding == UTF_8 => {
            let skip = bom.filter(|(e, _)| *e == UTF_8).map_or(0, |(_, len)| len);
            (utf8(Stray::Replace), skip)
        }
        // A byte order mark is unambiguous, so it wins over a named encoding too.
        (Some(encoding), None) => (State::Other(encoding.new_decoder_without_bom_handling()), 0),
        (_, Some((encoding, len))) if encoding == UTF_8 => (utf8(Stray::Windows1254), len),
        (_, Some((encoding, len))) => (
            State::Other(encoding.new_decoder_without_bom_handling()),
            len,
        ),
        (None, None) => (utf8(Stray::Undecided), 0),
    }
}

fn utf8(stray: Stray) -> State {
    State::Utf8 {
        carry: Vec::new(),
        stray,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes `bytes` split into chunks of `size`.
    fn chunked(forced: Option<&'static Encoding>, bytes: &[u8], size: usize) -> String {
        let mut decoder = TextDecoder::new(forced);
        let mut text = String::new();
        for chunk in bytes.chunks(size) {
            text.push_str(&decoder.decode(chunk, false));
        }
        text.push_str(&decoder.decode(&[], true));
        text
    }

    const TURKISH: &str = "Ad;Şehir\nÇağlar Öztürk;İstanbul\nıİşŞğĞüÜöÖçÇ\n";

    #[test]
    fn utf8_with_characters_split_across_chunks() {
        for size in 1..8 {
            assert_eq!(
                chunked(None, TURKISH.as_bytes(), size),
                TURKISH,
                "chunks of {size}"
            );
        }
    }

    #[test]
    fn strips_a_utf8_bom() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(TURKISH.as_bytes());
        for size in [1, 2, 3, 1000] {
            assert_eq!(chunked(None, &bytes, size), TURKISH);
            assert_eq!(chunked(Some(UTF_8), &bytes, size), TURKISH);
        }
    }

    #[test]
    fn detects_windows_1254_even_after_an_ascii_start() {
        let (bytes, _, _) = WINDOWS_1254.encode(TURKISH);
        assert!(std::str::from_utf8(&bytes).is_err());
        for size in [1, 3, 1000] {
            assert_eq!(chunked(None, &bytes, size), TURKISH);
        }
        let mut late = b"Ad;Telefon\nAli;0532\n".repeat(50);
        late.extend_from_slice(&bytes);
        let expected = "Ad;Telefon\nAli;0532\n".repeat(50) + TURKISH;
        assert_eq!(chunked(None, &late, 64), expected);
    }

    #[test]
    fn named_encodings() {
        let (bytes, _, _) = WINDOWS_1254.encode(TURKISH);
        assert_eq!(chunked(Some(WINDOWS_1254), &bytes, 5), TURKISH);
        // Named UTF-8: stray bytes are not guessed at.
        assert_eq!(chunked(Some(UTF_8), b"a\xFEb", 5), "a\u{FFFD}b");
    }

    #[test]
    fn a_stray_byte_in_a_utf8_file_is_read_as_windows_1254() {
        let mut bytes = "Çağlar;".as_bytes().to_vec();
        bytes.extend_from_slice(b"Ay\xFEe\n");
        assert_eq!(chunked(None, &bytes, 4), "Çağlar;Ayşe\n");
    }

    #[test]
    fn utf16_with_a_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in TURKISH.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        for size in [1, 3, 7] {
            assert_eq!(chunked(None, &bytes, size), TURKISH);
        }
    }

    #[test]
    fn short_and_truncated_input() {
        assert_eq!(chunked(None, b"", 1), "");
        assert_eq!(chunked(None, b"a", 1), "a");
        // A file ending in the middle of a character is not UTF-8 after all.
        assert_eq!(chunked(None, &"ş".as_bytes()[..1], 1), "Å");
    }
}
