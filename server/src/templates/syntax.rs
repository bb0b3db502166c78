//! Parsing message bodies: `%name%` placeholders (any Unicode letters), `%%` for a literal percent,
//! fallbacks `%ad|Değerli müşterimiz%` and formats `%tarih:d MMMM yyyy%`. Handlebars blocks
//! (`{{#if (has_tag "vip")}}…{{/if}}`) pass through to Handlebars. Never panics on any input.

use serde::Serialize;
use utoipa::ToSchema;

/// Where something is in the body: 1-based line and column (in characters) and the byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub offset: usize,
}

/// One problem found while validating a body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TemplateIssue {
    /// `syntax` or `unknown_variable`.
    #[schema(example = "unknown_variable")]
    pub kind: String,
    #[schema(example = "unknown variable `%soyadi%`")]
    pub message: String,
    /// The variable concerned, for `unknown_variable`.
    pub variable: Option<String>,
    pub position: Position,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    pub name: String,
    pub fallback: Option<String>,
    pub format: Option<String>,
    pub position: Position,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    /// Index into [`ParsedBody::placeholders`].
    Placeholder(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedBody {
    pub segments: Vec<Segment>,
    /// The byte offset in the body where each segment starts (same order as `segments`).
    pub segment_offsets: Vec<usize>,
    pub placeholders: Vec<Placeholder>,
    /// Whether the body uses Handlebars blocks or expressions (`{{`).
    pub uses_handlebars: bool,
}

pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Placeholders one body may hold; each is a value computed for every recipient.
pub const MAX_PLACEHOLDERS: usize = 500;

pub fn position_of(body: &str, offset: usize) -> Position {
    let mut offset = offset.min(body.len());
    while !body.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &body[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Position {
        line,
        column,
        offset,
    }
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn syntax(body: &str, offset: usize, message: String) -> TemplateIssue {
    TemplateIssue {
        kind: "syntax".into(),
        message,
        variable: None,
        position: position_of(body, offset),
    }
}

/// Splits a body into text and placeholders. A `%` that is followed by neither a letter nor `%`
/// stays a literal percent sign ("%50 indirim"), so ordinary text needs no escaping.
pub fn parse(body: &str) -> Result<ParsedBody, Vec<TemplateIssue>> {
    let mut issues = Vec::new();
    if body.len() > MAX_BODY_BYTES {
        issues.push(syntax(
            body,
            0,
            format!("the body is longer than {MAX_BODY_BYTES} bytes"),
        ));
        return Err(issues);
    }
    let mut segments = Vec::new();
    let mut segment_offsets = Vec::new();
    let mut placeholders = Vec::new();
    let mut text = String::new();
    let mut text_start = 0;
    let mut chars = body.char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        if text.is_empty() {
            text_start = offset;
        }
        if c != '%' {
            text.push(c);
            continue;
        }
        match chars.peek().map(|(_, next)| *next) {
            Some('%') => {
                chars.next();
                text.push('%');
            }
            Some(next) if is_name_start(next) => {
                // Read up to the closing `%` on the same line.
                let mut inner = String::new();
                let mut closed = false;
                for (_, c) in chars.by_ref() {
                    if c == '%' {
                        closed = true;
                        break;
                    }
                    if c == '\n' {
                        break;
                    }
                    inner.push(c);
                }
                if !closed {
                    issues.push(syntax(
                        body,
                        offset,
                        "placeholder is not closed with `%` on the same line".into(),
                    ));
                    continue;
                }
                if placeholders.len() >= MAX_PLACEHOLDERS {
                    issues.push(syntax(
                        body,
                        offset,
                        format!("a body may hold at most {MAX_PLACEHOLDERS} placeholders"),
                    ));
                    return Err(issues);
                }
                match placeholder(&inner) {
                    Ok((name, fallback, format)) => {
                        if !text.is_empty() {
                            segments.push(Segment::Text(std::mem::take(&mut text)));
                            segment_offsets.push(text_start);
                        }
                        segments.push(Segment::Placeholder(placeholders.len()));
                        segment_offsets.push(offset);
                        placeholders.push(Placeholder {
                            name,
                            fallback,
                            format,
                            position: position_of(body, offset),
                        });
                    }
                    Err(message) => issues.push(syntax(body, offset, message)),
                }
            }
            _ => text.push('%'),
        }
    }
    if !text.is_empty() {
        segments.push(Segment::Text(text));
        segment_offsets.push(text_start);
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    Ok(ParsedBody {
        segments,
        segment_offsets,
        placeholders,
        uses_handlebars: body.contains("{{"),
    })
}

type PlaceholderParts = (String, Option<String>, Option<String>);

/// `name`, `name|fallback`, `name:format`, or `name:format|fallback`.
fn placeholder(inner: &str) -> Result<PlaceholderParts, String> {
    let (head, fallback) = match inner.split_once('|') {
        Some((head, fallback)) => (head, Some(fallback.to_owned())),
        None => (inner, None),
    };
    let (name, format) = match head.split_once(':') {
        Some((name, format)) => (name, Some(format.to_owned())),
        None => (head, None),
    };
    if name.is_empty() || !name.chars().all(is_name_char) {
        return Err(format!(
            "`%{inner}%`: a variable name uses only letters, digits and _"
        ));
    }
    if format.as_deref().is_some_and(str::is_empty) {
        return Err(format!("`%{inner}%`: empty format after `:`"));
    }
    Ok((name.to_owned(), fallback, format))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(parsed: &ParsedBody) -> Vec<&str> {
        parsed
            .placeholders
            .iter()
            .map(|p| p.name.as_str())
            .collect()
    }

    #[test]
    fn placeholders_fallbacks_formats_and_literal_percents() {
        let parsed =
            parse("%sayın%, %ad|Değerli müşterimiz%! %50 indirim, %% kesin. %tarih:d MMMM yyyy%")
                .unwrap();
        assert_eq!(names(&parsed), vec!["sayın", "ad", "tarih"]);
        assert_eq!(
            parsed.placeholders[1].fallback.as_deref(),
            Some("Değerli müşterimiz")
        );
        assert_eq!(
            parsed.placeholders[2].format.as_deref(),
            Some("d MMMM yyyy")
        );
        assert!(
            parsed
                .segments
                .contains(&Segment::Text("! %50 indirim, % kesin. ".into()))
        );
        assert!(!parsed.uses_handlebars);
    }

    #[test]
    fn positions_are_lines_and_character_columns() {
        let parsed = parse("Merhaba\nçok güzel %ad%").unwrap();
        assert_eq!(
            parsed.placeholders[0].position,
            Position {
                line: 2,
                column: 11,
                offset: 20
            }
        );
    }

    #[test]
    fn syntax_errors_name_their_position() {
        let issues = parse("ok\nMerhaba %ad").unwrap_err();
        assert_eq!(issues[0].kind, "syntax");
        assert_eq!((issues[0].position.line, issues[0].position.column), (2, 9));
        let issues = parse("%ad-soyad%").unwrap_err();
        assert!(issues[0].message.contains("letters"), "{issues:?}");
    }

    #[test]
    fn no_input_panics() {
        for body in [
            "%",
            "%%%",
            "%a",
            "%a:%",
            "%a|%",
            "%|%",
            "%:x%",
            "\u{0}%\u{10FFFF}%",
            "%ş%ğ%",
            "{{#if}}%a%",
        ] {
            let _ = parse(body);
        }
    }
}
