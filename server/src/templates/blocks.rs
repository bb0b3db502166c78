//! The Handlebars part of a message body (`{{#if (has_tag "vip")}}…{{/if}}`), kept to what a message
//! needs and bounded. A body is user input rendered for every recipient, so:
//! - only conditionals and a few value helpers are allowed (`if`, `unless`, `else`, comparisons,
//!   `has_tag`, `pick`), reading only the contact's own fields; no loops (`each`), no `@root`,
//!   `lookup`, `with`, partials or decorators. Everything else is refused at save time with its
//!   position, so the output of a render grows at most linearly with the body;
//! - nesting is limited before Handlebars parses anything (its parser recurses);
//! - rendering writes into a buffer with a size cap and a deadline, so no body can make a render
//!   run long or grow the process.

use std::io::Write;
use std::time::Instant;

use handlebars::template::{Parameter, Template, TemplateElement};
use handlebars::{
    Context, Handlebars, Helper, HelperDef, RenderContext, RenderError, RenderErrorReason,
    ScopedJson,
};
use serde_json::Value;

use super::syntax::{self, ParsedBody, Segment, TemplateIssue};

pub const TEMPLATE_NAME: &str = "body";

/// Blocks inside blocks (`{{#if}}{{#if}}…`), else-if links counting as blocks, allowed in one body.
pub const MAX_BLOCK_DEPTH: usize = 16;
/// Brackets inside brackets anywhere in a body (`(or (eq a 1) (eq b 2))` is three deep inside its
/// mustache, which counts as one).
pub const MAX_EXPRESSION_DEPTH: usize = 12;
/// `{{…}}` tags one body may hold.
pub const MAX_TAGS: usize = 500;

/// Helpers a body may call. Block helpers and value helpers alike.
const HELPERS: &[&str] = &[
    "if", "unless", "eq", "ne", "gt", "gte", "lt", "lte", "and", "or", "not", "has_tag", "pick",
];

/// The render context's fields a body may read (custom fields as `custom.<name>`).
const FIELDS: &[&str] = &[
    "first_name",
    "last_name",
    "phone",
    "email",
    "tags",
    "opted_out",
];

/// Where each segment of the Handlebars source came from in the body, to report positions there.
struct SourceMap {
    /// (offset in the Handlebars source, offset in the body), one per segment, ascending.
    starts: Vec<(usize, usize)>,
}

impl SourceMap {
    fn body_offset(&self, source_offset: usize) -> usize {
        let at = self
            .starts
            .partition_point(|(source, _)| *source <= source_offset);
        match at.checked_sub(1).and_then(|i| self.starts.get(i)) {
            Some((source, body)) => body + (source_offset - source),
            None => source_offset,
        }
    }
}

/// Byte offset of a 1-based (line, column in characters) position in `text`.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (index, content) in text.split_inclusive('\n').enumerate() {
        if index + 1 == line {
            return offset
                + content
                    .char_indices()
                    .nth(column.saturating_sub(1))
                    .map_or(content.len(), |(i, _)| i);
        }
        offset += content.len();
    }
    text.len()
}

/// The body as a Handlebars source: each placeholder becomes a raw (unescaped) context value.
fn source_of(parsed: &ParsedBody) -> (String, SourceMap) {
    let mut source = String::new();
    let mut starts = Vec::with_capacity(parsed.segments.len());
    for (segment, body_offset) in parsed.segments.iter().zip(&parsed.segment_offsets) {
        starts.push((source.len(), *body_offset));
        match segment {
            Segment::Text(text) => source.push_str(text),
            Segment::Placeholder(index) => source.push_str(&format!("{{{{{{__v{index}}}}}}}")),
        }
    }
    (source, SourceMap { starts })
}

fn issue(body: &str, offset: usize, message: String) -> TemplateIssue {
    TemplateIssue {
        kind: "syntax".into(),
        message,
        variable: None,
        position: syntax::position_of(body, offset),
    }
}

/// Refuses what would make Handlebars' parser (or the renderer) recurse deeply, before it parses:
/// counted on the raw text, in ways that can only over-count, so no quoting, escaping or
/// whitespace trick can hide nesting from it.
/// - Brackets of every kind (`(`, `[`, `{`), anywhere, strings included: the deepest run of
///   unclosed ones (the mustaches' own braces count as one level each).
/// - Blocks: every `{{` whose next non-blank character after an optional `~` is `#` (or `^`)
///   opens one; an `{{else if …}}` adds a level to the block it is in (Handlebars nests such chains);
///   `{{/` closes the innermost block with its chain, unless it is escaped.
/// - Tags: every `{{`.
fn check_depth(source: &str) -> Result<(), (usize, String)> {
    let bytes = source.as_bytes();
    let mut brackets: usize = 0;
    // Per open block, the levels it holds (1, plus one per else-if link).
    let mut blocks: Vec<usize> = Vec::new();
    let mut tags: usize = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' if bytes.get(i + 1) == Some(&b'{') => {
                tags += 1;
                if tags > MAX_TAGS {
                    return Err((
                        i,
                        format!("a body may hold at most {MAX_TAGS} {{{{…}}}} tags"),
                    ));
                }
                let escaped = i > 0 && bytes[i - 1] == b'\\';
                let mut j = i + 2;
                while j < bytes.len()
                    && matches!(bytes[j], b'{' | b'~' | b' ' | b'\t' | b'\n' | b'\r')
                {
                    j += 1;
                }
                let rest = &bytes[j.min(bytes.len())..];
                let chained_else = rest.starts_with(b"else")
                    && rest
                        .get(4..)
                        .and_then(|after| after.iter().find(|b| !b.is_ascii_whitespace()))
                        .is_some_and(|next| !matches!(next, b'}' | b'~'));
                if rest.starts_with(b"#") || rest.starts_with(b"^") {
                    blocks.push(1);
                } else if chained_else {
                    match blocks.last_mut() {
                        Some(levels) => *levels += 1,
                        None => blocks.push(1),
                    }
                } else if rest.starts_with(b"/") && !escaped {
                    blocks.pop();
                }
                if blocks.iter().sum::<usize>() > MAX_BLOCK_DEPTH {
                    return Err((
                        i,
                        format!(
                            "blocks (and else-if chains) are nested more than {MAX_BLOCK_DEPTH} deep"
                        ),
                    ));
                }
                brackets += 1;
                i += 2;
                continue;
            }
            b'(' | b'[' | b'{' => brackets += 1,
            b')' | b']' | b'}' => brackets = brackets.saturating_sub(1),
            _ => {}
        }
        if brackets > MAX_EXPRESSION_DEPTH {
            return Err((
                i,
                format!(
                    "brackets and expressions are nested more than {MAX_EXPRESSION_DEPTH} deep"
                ),
            ));
        }
        i += 1;
    }
    Ok(())
}

/// A path as written in the body (`custom.şehir`, `@root`, `../x`).
fn raw(path: &handlebars::Path) -> &str {
    match path {
        handlebars::Path::Relative((_, raw)) => raw,
        handlebars::Path::Local((_, _, raw)) => raw,
    }
}

/// Whether a path is one a body may read.
fn readable(path: &str) -> bool {
    if FIELDS.contains(&path) {
        return true;
    }
    if let Some(slot) = path.strip_prefix("__v") {
        return !slot.is_empty() && slot.chars().all(|c| c.is_ascii_digit());
    }
    path.strip_prefix("custom.")
        .is_some_and(crate::contacts::model::valid_field_name)
}

struct Validator<'a> {
    source: &'a str,
    issues: Vec<(usize, String)>,
}

impl Validator<'_> {
    fn template(&mut self, template: &Template) {
        for (index, element) in template.elements.iter().enumerate() {
            let offset = template
                .mapping
                .get(index)
                .map_or(0, |m| offset_of(self.source, m.0, m.1));
            self.element(element, offset);
        }
    }

    fn element(&mut self, element: &TemplateElement, offset: usize) {
        match element {
            TemplateElement::RawString(_) | TemplateElement::Comment(_) => {}
            TemplateElement::Expression(helper) | TemplateElement::HtmlExpression(helper) => {
                self.helper_call(&helper.name, &helper.params, &helper.hash, offset);
                if helper.block_param.is_some() {
                    self.refuse(offset, "block parameters (`as |x|`) are not supported");
                }
            }
            TemplateElement::HelperBlock(helper) => {
                let name = helper.name.as_name().unwrap_or_default();
                if !matches!(name, "if" | "unless") {
                    self.refuse(
                        offset,
                        &format!(
                            "`{{{{#{name}}}}}` is not supported in messages; blocks are `#if` and `#unless`"
                        ),
                    );
                    return;
                }
                self.helper_call(&helper.name, &helper.params, &helper.hash, offset);
                if helper.block_param.is_some() {
                    self.refuse(offset, "block parameters (`as |x|`) are not supported");
                }
                if let Some(inner) = &helper.template {
                    self.template(inner);
                }
                if let Some(inverse) = &helper.inverse {
                    self.template(inverse);
                }
            }
            TemplateElement::DecoratorExpression(_) | TemplateElement::DecoratorBlock(_) => self
                .refuse(
                    offset,
                    "decorators (`{{*…}}`) are not supported in messages",
                ),
            TemplateElement::PartialExpression(_) | TemplateElement::PartialBlock(_) => {
                self.refuse(offset, "partials (`{{> …}}`) are not supported in messages")
            }
            _ => self.refuse(
                offset,
                "this Handlebars construct is not supported in messages",
            ),
        }
    }

    fn helper_call(
        &mut self,
        name: &Parameter,
        params: &[Parameter],
        hash: &std::collections::HashMap<String, Parameter>,
        offset: usize,
    ) {
        if !hash.is_empty() {
            self.refuse(offset, "named arguments (`key=value`) are not supported");
        }
        match name {
            Parameter::Name(helper) if HELPERS.contains(&helper.as_str()) => {}
            Parameter::Name(other) if params.is_empty() && readable(other) => {}
            Parameter::Path(path) if params.is_empty() => self.path(Some(raw(path)), offset),
            Parameter::Subexpression(sub) => self.element(&sub.element, offset),
            other => {
                let shown = other.as_name().unwrap_or("?");
                self.refuse(
                    offset,
                    &format!(
                        "`{shown}` is not something a message can use; helpers are {}",
                        HELPERS.join(", ")
                    ),
                );
            }
        }
        for param in params {
            match param {
                Parameter::Literal(_) => {}
                Parameter::Path(path) => self.path(Some(raw(path)), offset),
                Parameter::Name(name) => self.path(Some(name), offset),
                Parameter::Subexpression(sub) => self.element(&sub.element, offset),
                _ => self.refuse(offset, "this argument is not supported in messages"),
            }
        }
    }

    fn path(&mut self, raw: Option<&str>, offset: usize) {
        let raw = raw.unwrap_or_default();
        if !readable(raw) {
            self.refuse(
                offset,
                &format!(
                    "`{raw}` cannot be read here; use %placeholders% for values, or one of {} and custom.<field> in conditions",
                    FIELDS.join(", ")
                ),
            );
        }
    }

    fn refuse(&mut self, offset: usize, message: &str) {
        self.issues.push((offset, message.to_owned()));
    }
}

/// Checks a body's Handlebars and builds the registry that renders it.
pub fn build(parsed: &ParsedBody, body: &str) -> Result<Handlebars<'static>, Vec<TemplateIssue>> {
    let (source, map) = source_of(parsed);
    if let Err((offset, message)) = check_depth(&source) {
        return Err(vec![issue(body, map.body_offset(offset), message)]);
    }
    let template = Template::compile(&source).map_err(|e| {
        let offset = e
            .pos()
            .map_or(0, |(line, column)| offset_of(&source, line, column));
        vec![issue(
            body,
            map.body_offset(offset),
            format!("Handlebars: {}", e.reason()),
        )]
    })?;
    let mut validator = Validator {
        source: &source,
        issues: Vec::new(),
    };
    validator.template(&template);
    if !validator.issues.is_empty() {
        return Err(validator
            .issues
            .into_iter()
            .map(|(offset, message)| issue(body, map.body_offset(offset), message))
            .collect());
    }
    let mut hb = Handlebars::new();
    hb.register_escape_fn(handlebars::no_escape);
    hb.register_helper("has_tag", Box::new(HasTag));
    hb.register_helper("pick", Box::new(Pick));
    for unused in ["each", "with", "lookup", "raw", "log", "len"] {
        hb.unregister_helper(unused);
    }
    hb.register_template(TEMPLATE_NAME, template);
    Ok(hb)
}

/// Why a render stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenderFailure {
    /// The text grew past the output limit (bytes).
    TooLong(usize),
    /// The render ran past its deadline.
    TimedOut,
    /// Handlebars refused (a helper's argument of the wrong type …).
    Failed(String),
}

impl std::fmt::Display for RenderFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenderFailure::TooLong(limit) => {
                write!(f, "the rendered text is longer than {limit} bytes")
            }
            RenderFailure::TimedOut => f.write_str("rendering took longer than its time limit"),
            RenderFailure::Failed(reason) => f.write_str(reason),
        }
    }
}

/// A buffer that refuses to grow past its cap or to be written after its deadline.
pub struct CappedWriter {
    pub text: Vec<u8>,
    cap: usize,
    deadline: Option<Instant>,
    pub failure: Option<RenderFailure>,
}

impl CappedWriter {
    pub fn new(cap: usize, deadline: Option<Instant>) -> Self {
        Self {
            text: Vec::with_capacity(cap.min(1024)),
            cap,
            deadline,
            failure: None,
        }
    }
}

impl Write for CappedWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.text.len() + buf.len() > self.cap {
            self.failure = Some(RenderFailure::TooLong(self.cap));
            return Err(std::io::Error::other("output limit"));
        }
        if self.deadline.is_some_and(|d| Instant::now() > d) {
            self.failure = Some(RenderFailure::TimedOut);
            return Err(std::io::Error::other("deadline"));
        }
        self.text.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `{{#if (has_tag "vip")}}`: whether the contact has the tag (compared like tag filters).
struct HasTag;

impl HelperDef for HasTag {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let wanted = h
            .param(0)
            .and_then(|p| p.value().as_str())
            .map(crate::contacts::model::search_key);
        let has = match (wanted, ctx.data().get("tags").and_then(Value::as_array)) {
            (Some(wanted), Some(tags)) => tags
                .iter()
                .filter_map(Value::as_str)
                .any(|t| crate::contacts::model::search_key(t) == wanted),
            _ => false,
        };
        Ok(ScopedJson::Derived(Value::Bool(has)))
    }
}

/// The context key holding the per-recipient seed of `pick`.
pub const SEED_KEY: &str = "__seed";

/// `{{pick "Merhaba" "Selam" "İyi günler"}}`: one of its arguments, the same one for a recipient
/// every time (chosen from the message's idempotency key), so a retry renders the same text while
/// recipients get varied texts.
struct Pick;

impl HelperDef for Pick {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let choices: Vec<&Value> = h.params().iter().map(|p| p.value()).collect();
        if choices.is_empty() {
            return Err(RenderErrorReason::ParamNotFoundForIndex("pick", 0).into());
        }
        let seed = ctx
            .data()
            .get(SEED_KEY)
            .and_then(Value::as_str)
            .unwrap_or("");
        // Each pick of a body chooses independently: its choices are part of what is hashed.
        let mut hash = Fnv::default();
        hash.write(seed.as_bytes());
        for choice in &choices {
            hash.write(choice.to_string().as_bytes());
        }
        let index = (hash.0 % choices.len() as u64) as usize;
        let chosen = choices.get(index).copied().cloned().unwrap_or(Value::Null);
        Ok(ScopedJson::Derived(chosen))
    }
}

/// FNV-1a: stable across builds and platforms, unlike std's hasher, so a choice never changes
/// between a send and its retry after an upgrade.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_and_build(body: &str) -> Result<Handlebars<'static>, Vec<TemplateIssue>> {
        let parsed = syntax::parse(body)?;
        build(&parsed, body)
    }

    #[test]
    fn loops_root_lookup_and_partials_are_refused_with_their_position() {
        for (body, line, column) in [
            ("Merhaba\n{{#each custom}}x{{/each}}", 2, 1),
            ("a {{@root.custom}}", 1, 3),
            ("%ad% {{lookup custom \"x\"}}", 1, 6),
            ("{{> header}}", 1, 1),
            ("{{#with custom}}{{x}}{{/with}}", 1, 1),
            ("{{#if true}}{{../first_name}}{{/if}}", 1, 13),
            ("{{log \"x\"}}", 1, 1),
        ] {
            let issues = parse_and_build(body)
                .err()
                .unwrap_or_else(|| panic!("{body}"));
            let position = issues[0].position;
            assert_eq!(
                (position.line, position.column),
                (line, column),
                "{body}: {issues:?}"
            );
        }
    }

    #[test]
    fn conditionals_comparisons_and_contact_fields_are_allowed() {
        for body in [
            "{{#if (has_tag \"vip\")}}VIP{{else}}normal{{/if}}",
            "{{#unless opted_out}}x{{/unless}}",
            "{{#if (and (eq custom.şehir \"İzmir\") (gt custom.puan 3))}}y{{/if}}",
            "%ad% {{first_name}} {{pick \"Merhaba\" \"Selam\"}}",
        ] {
            assert!(parse_and_build(body).is_ok(), "{body}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let deep = format!("{{{{{}x{}}}}}", "(a ".repeat(5000), ")".repeat(5000));
        let issues = parse_and_build(&deep).unwrap_err();
        assert!(issues[0].message.contains("nested"), "{issues:?}");
        let blocks = "{{#if a}}".repeat(20) + "{{/if}}".repeat(20).as_str();
        assert!(
            parse_and_build(&blocks).unwrap_err()[0]
                .message
                .contains("nested")
        );
    }

    #[test]
    fn the_capped_writer_stops_at_its_cap() {
        let mut w = CappedWriter::new(10, None);
        assert!(w.write_all(b"12345").is_ok());
        assert!(w.write_all(b"678901").is_err());
        assert_eq!(w.failure, Some(RenderFailure::TooLong(10)));
    }
}
