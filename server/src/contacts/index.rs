//! The contact index: what makes search and filters cost a page, not a workspace.
//!
//! A contact's searchable facts are its `terms` (words of names and e-mail, tags, custom field
//! values, opted-out, and `*` for every contact). Index entries are grouped by write: a
//! `contact_posting` record keyed `[workspace, term, chunk]` holds the ids of the contacts one write
//! put in the index with that term (`ids`, sorted), and each contact keeps its `chunk`. An import
//! group of 2,000 contacts writes one record per distinct term (a few hundred) instead of one per
//! contact and term: a record per entry would more than double what storing a contact costs here
//! (`bench/src/bin/search_costs.rs`). A term's contacts are then one record range, read in (chunk,
//! id) order, and a prefix's one range in (term, chunk, id) order; chunks are named by time, so
//! that order is the order of the writes. Writers change the postings in the transaction that
//! changes the contact ([`Postings`]); an entry whose contact moved on (another chunk, or gone) is
//! skipped by the reader. Phone numbers need no terms: contact ids are the E.164 digits, so a
//! number's prefix is a range of contact ids.
//!
//! A list picks one indexed criterion to read (the one with the fewest entries, counted up to a
//! small cap) and checks every other criterion on the contacts it reads ([`Plan::matches`]). Only
//! `opted_out=false` alone has nothing to read but the whole workspace; it is dense (most contacts
//! are reachable), so its pages fill quickly. A request reads at most [`SCAN_BUDGET`] entries: a
//! rare combination of criteria that are each common returns a short (even empty) page with a
//! `next_cursor` to go on from.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use surrealdb::types::SurrealValue;

use super::model::{Contact, search_key};
use super::{ContactFilter, FIELDS};
use crate::db::Db;
use crate::error::ApiError;

/// Words of names and e-mail addresses (`w` + folded word).
const WORD: char = 'w';
/// Tags (`t` + folded tag).
const TAG: char = 't';
/// Custom fields (`f` + name + U+001F + value as text).
const FIELD: char = 'f';
/// Opted-out contacts.
const OPTED_OUT: &str = "o";
/// Every contact (for counts).
const EVERYONE: &str = "*";
/// Posting records read at a time.
const RECORDS_PER_READ: usize = 16;
/// Field values longer than this are not indexed; a filter on one reads another criterion.
pub const MAX_INDEXED_VALUE_CHARS: usize = 100;
/// Words longer than this are indexed by their first characters.
const MAX_WORD_CHARS: usize = 40;
/// Index entries a request reads at most before it answers with what it found and a cursor.
pub const SCAN_BUDGET: usize = 20_000;
/// Index entries a count reads at most when it cannot count a range (then it says "at least").
pub const COUNT_BUDGET: usize = 20_000;
/// Search words and custom field filters a request may give, each.
const MAX_CRITERIA: usize = 8;
/// Characters a search may have.
pub const MAX_SEARCH_CHARS: usize = 200;
/// Characters a cursor may have.
const MAX_CURSOR_CHARS: usize = 2_000;
/// Entries counted per candidate when choosing which criterion to read.
const PROBE: usize = 1_000;

/// The folded words of a text: letters and digits, split at everything else.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    search_key(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().take(MAX_WORD_CHARS).collect::<String>())
        .collect::<Vec<_>>()
        .into_iter()
}

/// A custom field's value as filters compare it: strings as they are, numbers and booleans as JSON
/// writes them.
pub fn field_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn field_term(name: &str, value: &str) -> Option<String> {
    (value.chars().count() <= MAX_INDEXED_VALUE_CHARS)
        .then(|| format!("{FIELD}{name}\u{1f}{value}"))
}

/// The index terms of a contact.
pub fn terms(
    first_name: Option<&str>,
    last_name: Option<&str>,
    email: Option<&str>,
    tag_keys: &[String],
    custom_fields: &BTreeMap<String, Value>,
    opted_out: bool,
) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for text in [first_name, last_name, email].into_iter().flatten() {
        terms.extend(words(text).map(|w| format!("{WORD}{w}")));
    }
    terms.extend(tag_keys.iter().map(|t| format!("{TAG}{t}")));
    for (name, value) in custom_fields {
        if let Some(term) = field_text(value).and_then(|v| field_term(name, &v)) {
            terms.push(term);
        }
    }
    if opted_out {
        terms.push(OPTED_OUT.to_owned());
    }
    terms.push(EVERYONE.to_owned());
    terms.sort();
    terms.dedup();
    terms
}

/// The `terms` a validated contact's write parameters carry.
pub fn terms_in(params: &serde_json::Map<String, Value>) -> Vec<String> {
    params
        .get("terms")
        .and_then(|t| serde_json::from_value(t.clone()).ok())
        .unwrap_or_default()
}

/// [`terms`] of a contact as the API shows it.
pub fn terms_of(contact: &Contact) -> Vec<String> {
    let keys: Vec<String> = contact.tags.iter().map(|t| search_key(t)).collect();
    terms(
        contact.first_name.as_deref(),
        contact.last_name.as_deref(),
        contact.email.as_deref(),
        &keys,
        &contact.custom_fields,
        contact.opted_out,
    )
}

/// How a region's numbers are written at home: its country calling code and trunk prefix.
#[derive(Debug, Clone)]
pub struct Region {
    code: String,
    trunk: Option<String>,
}

impl Region {
    pub fn new(region: &str) -> Self {
        let meta = phonenumber::metadata::DATABASE.by_id(region.to_ascii_uppercase().as_str());
        Region {
            code: meta
                .map(|m| m.country_code().to_string())
                .unwrap_or_default(),
            trunk: meta.and_then(|m| m.national_prefix().map(str::to_owned)),
        }
    }

    /// The contact-id prefixes a typed number can begin: `+90 532` and `0090532` are E.164;
    /// `0532` is national (trunk prefix and all); `532` either. Never an empty prefix (it would
    /// be every contact): none instead.
    fn id_prefixes(&self, typed: &str) -> Vec<String> {
        let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
        let trimmed = typed.trim_start();
        let mut prefixes = if trimmed.starts_with('+') {
            vec![digits]
        } else if let Some(rest) = digits.strip_prefix("00") {
            vec![rest.to_owned()]
        } else if self.code.is_empty() {
            vec![digits]
        } else if let Some(national) = self.trunk.as_deref().and_then(|t| digits.strip_prefix(t)) {
            vec![format!("{}{national}", self.code)]
        } else {
            vec![digits.clone(), format!("{}{digits}", self.code)]
        };
        prefixes.retain(|p| !p.is_empty());
        prefixes.sort();
        prefixes.dedup();
        prefixes
    }
}

/// Whether a search is a phone number as people type them: digits with spaces, `+`, `-`, `(`, `)`, `.`.
fn is_number(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
}

/// One word of a search: contacts with a word starting with it, or (when it is digits) a number.
#[derive(Debug, Clone)]
struct SearchWord {
    word: String,
    /// Contact-id prefixes, when the word is a number.
    ids: Vec<String>,
}

/// What a list reads and checks.
#[derive(Debug, Clone)]
pub struct Plan {
    words: Vec<SearchWord>,
    /// A whole search that is a number (`0532 123`): contact-id prefixes.
    number: Vec<String>,
    tag: Option<String>,
    opted_out: Option<bool>,
    custom: Vec<(String, String)>,
}

/// The ordered stream a list reads.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    /// The workspace's contacts.
    All,
    /// Contacts whose ids begin with one of these.
    Ids(Vec<String>),
    /// Contacts with this term.
    Term(String),
    /// Contacts with a term beginning with this.
    Prefix(String),
}

impl Plan {
    /// The plan of a filter; a search without a letter or digit to look for, or longer than the
    /// limits, is a 400 (it would otherwise match every contact).
    pub fn new(filter: &ContactFilter, region: &Region) -> Result<Self, ApiError> {
        let invalid = |why: &str| {
            ApiError::bad_request("invalid_query", format!("search: {why}"))
                .with_details(json!({ "field": "search" }))
        };
        if filter.custom.len() > MAX_CRITERIA {
            return Err(ApiError::bad_request(
                "invalid_query",
                format!("at most {MAX_CRITERIA} custom field filters"),
            )
            .with_details(json!({ "field": "custom" })));
        }
        let mut plan = Plan {
            words: Vec::new(),
            number: Vec::new(),
            tag: filter.tag.as_deref().map(|t| search_key(t.trim())),
            opted_out: filter.opted_out,
            custom: filter
                .custom
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        };
        if let Some(search) = filter.search.as_deref().map(str::trim) {
            if search.chars().count() > MAX_SEARCH_CHARS {
                return Err(invalid(&format!("at most {MAX_SEARCH_CHARS} characters")));
            }
            if is_number(search) {
                plan.number = region.id_prefixes(search);
            } else {
                let mut seen: Vec<String> = Vec::new();
                for word in words(search) {
                    if !seen.contains(&word) {
                        seen.push(word);
                    }
                }
                if seen.len() > MAX_CRITERIA {
                    return Err(invalid(&format!("at most {MAX_CRITERIA} words")));
                }
                plan.words = seen
                    .into_iter()
                    .map(|word| {
                        let ids = if word.chars().all(|c| c.is_ascii_digit()) {
                            region.id_prefixes(&word)
                        } else {
                            Vec::new()
                        };
                        SearchWord { word, ids }
                    })
                    .collect();
            }
            if plan.number.is_empty() && plan.words.is_empty() {
                return Err(invalid("give a letter or a digit to look for"));
            }
        }
        Ok(plan)
    }

    /// Whether the contact meets every criterion.
    pub fn matches(&self, contact: &Contact) -> bool {
        let id = contact.id.as_str();
        if !self.number.is_empty() && !self.number.iter().any(|p| id.starts_with(p.as_str())) {
            return false;
        }
        if !self.words.is_empty() {
            let mut own: Vec<String> = Vec::new();
            for text in [&contact.first_name, &contact.last_name, &contact.email]
                .into_iter()
                .flatten()
            {
                own.extend(words(text));
            }
            let found = |w: &SearchWord| {
                own.iter().any(|o| o.starts_with(w.word.as_str()))
                    || w.ids.iter().any(|p| id.starts_with(p.as_str()))
            };
            if !self.words.iter().all(found) {
                return false;
            }
        }
        if let Some(tag) = &self.tag
            && !contact.tags.iter().any(|t| &search_key(t) == tag)
        {
            return false;
        }
        if let Some(opted_out) = self.opted_out
            && contact.opted_out != opted_out
        {
            return false;
        }
        self.custom.iter().all(|(name, value)| {
            contact
                .custom_fields
                .get(name)
                .and_then(field_text)
                .is_some_and(|v| &v == value)
        })
    }

    /// How many criteria the plan has (each search word is one).
    fn criteria(&self) -> usize {
        self.words.len()
            + usize::from(!self.number.is_empty())
            + usize::from(self.tag.is_some())
            + usize::from(self.opted_out.is_some())
            + self.custom.len()
    }

    /// The plan's criteria as index terms, when each is one (a tag, an indexed custom field value,
    /// opted-out), and whether only reachable contacts count (`opted_out=false`, the one
    /// criterion that is the absence of a term). None when a criterion is a search or a number,
    /// or the plan has no term.
    fn terms(&self) -> Option<(Vec<String>, bool)> {
        if !self.words.is_empty() || !self.number.is_empty() {
            return None;
        }
        let mut terms = Vec::new();
        if let Some(tag) = &self.tag {
            terms.push(format!("{TAG}{tag}"));
        }
        if self.opted_out == Some(true) {
            terms.push(OPTED_OUT.to_owned());
        }
        for (name, value) in &self.custom {
            terms.push(field_term(name, value)?);
        }
        terms.sort();
        terms.dedup();
        (!terms.is_empty()).then_some((terms, self.opted_out == Some(false)))
    }

    /// The indexed sources that could drive this plan.
    fn candidates(&self) -> Vec<Source> {
        let mut candidates = Vec::new();
        if !self.number.is_empty() {
            candidates.push(Source::Ids(self.number.clone()));
        }
        for word in &self.words {
            if word.ids.is_empty() {
                candidates.push(Source::Prefix(format!("{WORD}{}", word.word)));
            }
        }
        if let Some(tag) = &self.tag {
            candidates.push(Source::Term(format!("{TAG}{tag}")));
        }
        if self.opted_out == Some(true) {
            candidates.push(Source::Term(OPTED_OUT.to_owned()));
        }
        for (name, value) in &self.custom {
            if let Some(term) = field_term(name, value) {
                candidates.push(Source::Term(term));
            }
        }
        candidates
    }
}

/// Where a contact's index entries are: the chunk of the write that last indexed it, and its terms.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct Posted {
    pub chunk: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub terms: Vec<String>,
}

/// A list the store has as NONE (read as null) is empty.
pub(super) fn null_as_empty<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Vec<String>, D::Error> {
    use serde::Deserialize;
    Ok(Option::<Vec<String>>::deserialize(d)?.unwrap_or_default())
}

/// A new chunk name: the time in milliseconds and a counter (fixed-width hex, so the names this
/// process makes sort in the order it made them), then random letters (unique across replicas).
pub fn new_chunk() -> String {
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let millis = chrono::Utc::now().timestamp_millis().max(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{millis:012x}{n:08x}{}", &crate::db::new_id()[..6])
}

/// The index changes of one transaction, grouped by posting record. [`Postings::SQL`] applies them;
/// its variables come from [`Postings::vars`].
#[derive(Debug, Default)]
pub struct Postings {
    workspace: String,
    add: BTreeMap<(String, String), Vec<String>>,
    remove: BTreeMap<(String, String), Vec<String>>,
}

impl Postings {
    /// Adds ids to postings (creating them) and takes ids out, deleting a record left empty. Uses
    /// `$post_add` and `$post_remove`.
    pub const SQL: &'static str = "FOR $p IN $post_add { \
             UPSERT type::record('contact_posting', $p.id) SET ids = array::sort(array::union(ids ?? [], $p.ids)) RETURN NONE; \
         }; \
         FOR $r IN $post_remove { \
             LET $left = (UPDATE type::record('contact_posting', $r.id) SET ids = array::complement(ids, $r.ids) RETURN VALUE ids)[0]; \
             IF $left != NONE AND array::len($left) = 0 { DELETE type::record('contact_posting', $r.id); }; \
         };";

    pub fn new(workspace: &str) -> Self {
        Postings {
            workspace: workspace.to_owned(),
            ..Postings::default()
        }
    }

    /// Indexes contact `id` with `terms` in `chunk`.
    pub fn put(&mut self, chunk: &str, id: &str, terms: &[String]) {
        for term in terms {
            self.add
                .entry((term.clone(), chunk.to_owned()))
                .or_default()
                .push(id.to_owned());
        }
    }

    /// Re-indexes a contact written with `terms` (under `id`, which may be new) that was indexed
    /// as `before` under `old_id`: in the same chunk when it had one, else in a new one, which
    /// is returned.
    pub fn change(&mut self, old_id: &str, before: &Posted, id: &str, terms: &[String]) -> String {
        let chunk = before.chunk.clone().unwrap_or_else(new_chunk);
        self.take(old_id, before);
        self.put(&chunk, id, terms);
        chunk
    }

    /// Takes contact `id` out of where it is indexed now.
    pub fn take(&mut self, id: &str, posted: &Posted) {
        let Some(chunk) = &posted.chunk else { return };
        for term in &posted.terms {
            self.remove
                .entry((term.clone(), chunk.clone()))
                .or_default()
                .push(id.to_owned());
        }
    }

    pub fn is_empty(&self) -> bool {
        self.add.is_empty() && self.remove.is_empty()
    }

    /// `post_add` and `post_remove`, added to a query's variables. An id both added to and taken
    /// from the same posting stays as it is: neither.
    pub fn vars(mut self, into: &mut serde_json::Map<String, Value>) {
        for (key, added) in self.add.iter_mut() {
            if let Some(taken) = self.remove.get_mut(key) {
                let both: Vec<String> = added
                    .iter()
                    .filter(|id| taken.contains(id))
                    .cloned()
                    .collect();
                added.retain(|id| !both.contains(id));
                taken.retain(|id| !both.contains(id));
            }
        }
        self.add.retain(|_, ids| !ids.is_empty());
        self.remove.retain(|_, ids| !ids.is_empty());
        let ws = self.workspace;
        let records = |groups: BTreeMap<(String, String), Vec<String>>| -> Vec<Value> {
            groups
                .into_iter()
                .map(|((term, chunk), mut ids)| {
                    ids.sort();
                    ids.dedup();
                    json!({ "id": [ws, term, chunk], "ids": ids })
                })
                .collect()
        };
        into.insert("post_add".into(), json!(records(self.add)));
        into.insert("post_remove".into(), json!(records(self.remove)));
    }
}

/// Where a list goes on from: the source it reads and the last entry it read.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Position {
    source: Source,
    /// The term and chunk of the last entry read (term and prefix sources).
    term: String,
    chunk: String,
    /// The contact id of the last entry read.
    id: String,
}

impl Position {
    fn start(source: Source) -> Self {
        Position {
            source,
            term: String::new(),
            chunk: String::new(),
            id: String::new(),
        }
    }
}

fn encode(position: &Position) -> String {
    let value = match &position.source {
        // The plain contact id, as every list's cursor is.
        Source::All => return position.id.clone(),
        Source::Ids(prefixes) => json!(["i", prefixes, position.id]),
        Source::Term(term) => json!(["t", term, position.chunk, position.id]),
        Source::Prefix(prefix) => json!(["p", prefix, position.term, position.chunk, position.id]),
    };
    hex::encode(value.to_string())
}

fn decode(cursor: &str) -> Result<Position, ApiError> {
    let bad = || {
        ApiError::bad_request(
            "invalid_query",
            "cursor: not a cursor of this list (pass next_cursor as it came)",
        )
        .with_details(json!({ "field": "cursor" }))
    };
    if cursor.len() > MAX_CURSOR_CHARS {
        return Err(bad());
    }
    if cursor.chars().all(|c| c.is_ascii_digit()) {
        let mut position = Position::start(Source::All);
        position.id = cursor.to_owned();
        return Ok(position);
    }
    let bytes = hex::decode(cursor).map_err(|_| bad())?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    let text = |v: &Value| v.as_str().map(str::to_owned).ok_or_else(bad);
    let parts = value.as_array().ok_or_else(bad)?;
    let position = match (parts.first().and_then(Value::as_str), parts.len()) {
        (Some("i"), 3) => Position {
            id: text(&parts[2])?,
            ..Position::start(Source::Ids(
                parts[1]
                    .as_array()
                    .ok_or_else(bad)?
                    .iter()
                    .map(text)
                    .collect::<Result<_, _>>()?,
            ))
        },
        (Some("t"), 4) => {
            let term = text(&parts[1])?;
            Position {
                term: term.clone(),
                chunk: text(&parts[2])?,
                id: text(&parts[3])?,
                ..Position::start(Source::Term(term))
            }
        }
        (Some("p"), 5) => Position {
            term: text(&parts[2])?,
            chunk: text(&parts[3])?,
            id: text(&parts[4])?,
            ..Position::start(Source::Prefix(text(&parts[1])?))
        },
        _ => return Err(bad()),
    };
    Ok(position)
}

/// Contacts with these ids (ids no longer there are left out), read [`FETCH_AT_ONCE`] at a time:
/// the ids are written into the query, and a read of many posting records can hold tens of
/// thousands.
async fn fetch(db: &Db, workspace: &str, ids: &[String]) -> Result<Vec<Contact>, ApiError> {
    let mut contacts = Vec::with_capacity(ids.len());
    for part in ids.chunks(FETCH_AT_ONCE) {
        let sql = format!(
            "SELECT VALUE [{FIELDS}] FROM {}",
            super::records_of(workspace, part)
        );
        let rows = super::read_rows(
            db,
            &sql,
            json!({ "ws": workspace, "ids": part }).into_value(),
        )
        .await?;
        contacts.extend(rows.into_iter().map(Contact::from));
    }
    Ok(contacts)
}

/// Contacts [`fetch`] reads with one query (an import group's worth).
const FETCH_AT_ONCE: usize = 2_000;

/// A contact id after every real one: a cursor past a whole posting record.
const PAST: &str = "\u{10ffff}";

/// An index entry: (term, chunk, contact id).
type Entry = (String, String, String);

/// The entries of a term or prefix source after `after` from up to [`RECORDS_PER_READ`] posting
/// records, in order; and whether the source has no more records.
async fn read_postings(
    db: &Db,
    workspace: &str,
    source: &Source,
    after: &Position,
    records: usize,
) -> Result<(Vec<Entry>, bool), ApiError> {
    let mut from = after.clone();
    loop {
        let (entries, done, last) =
            read_postings_once(db, workspace, source, &from, records).await?;
        match last {
            // Every record read was behind the cursor or empty: go on after the last one.
            Some((term, chunk)) if entries.is_empty() && !done => {
                from.term = term;
                from.chunk = chunk;
                from.id = PAST.to_owned();
            }
            _ => return Ok((entries, done)),
        }
    }
}

/// One read of [`read_postings`]; also the key (term, chunk) of the last record read.
async fn read_postings_once(
    db: &Db,
    workspace: &str,
    source: &Source,
    after: &Position,
    records: usize,
) -> Result<(Vec<Entry>, bool, Option<(String, String)>), ApiError> {
    #[derive(serde::Deserialize)]
    struct Posting {
        term: String,
        chunk: String,
        ids: Vec<String>,
    }
    // Ranges returned from a function call are read lazily, with the limit pushed down (see
    // `CONTACTS_AFTER`). The first record may be the one the cursor is in: inclusive, unless the
    // cursor is past all of it.
    let from = if after.id == PAST { ">.." } else { ".." };
    let (sql, vars) = match source {
        Source::Term(term) => (
            format!(
                "SELECT record::id(id)[1] AS term, record::id(id)[2] AS chunk, ids FROM \
                 array::first([contact_posting:[$ws, $term, $chunk]{from}[$ws, $term, {{}}]]) LIMIT $limit"
            ),
            json!({ "ws": workspace, "term": term, "chunk": after.chunk, "limit": records }),
        ),
        Source::Prefix(prefix) => (
            format!(
                "SELECT record::id(id)[1] AS term, record::id(id)[2] AS chunk, ids FROM \
                 array::first([contact_posting:[$ws, $term, $chunk]{from}[$ws, $upper]]) LIMIT $limit"
            ),
            json!({
                "ws": workspace,
                "term": if after.term.is_empty() { prefix.as_str() } else { after.term.as_str() },
                "chunk": after.chunk,
                "upper": format!("{prefix}\u{10ffff}"),
                "limit": records,
            }),
        ),
        Source::All | Source::Ids(_) => return Ok((Vec::new(), true, None)),
    };
    let postings: Vec<Posting> = db.rows(&sql, vars).await?;
    let done = postings.len() < records;
    let last = postings.last().map(|p| (p.term.clone(), p.chunk.clone()));
    let cursor = (after.term.as_str(), after.chunk.as_str(), after.id.as_str());
    let mut entries = Vec::new();
    for posting in postings {
        for id in posting.ids {
            if (posting.term.as_str(), posting.chunk.as_str(), id.as_str()) > cursor {
                entries.push((posting.term.clone(), posting.chunk.clone(), id));
            }
        }
    }
    Ok((entries, done, last))
}

/// Up to `limit` contact ids after `after` that begin with one of `prefixes`, in id order.
async fn read_ids(
    db: &Db,
    workspace: &str,
    prefixes: &[String],
    after: &str,
    limit: usize,
) -> Result<Vec<String>, ApiError> {
    let mut ids: Vec<String> = Vec::new();
    for prefix in prefixes {
        // From the prefix itself (inclusive) or from after the cursor, whichever is later.
        let sql = if after >= prefix.as_str() {
            "SELECT VALUE record::id(id)[1] FROM array::first([contact:[$ws, $after]>..[$ws, $upper]]) LIMIT $limit"
        } else {
            "SELECT VALUE record::id(id)[1] FROM array::first([contact:[$ws, $prefix]..[$ws, $upper]]) LIMIT $limit"
        };
        let found: Vec<String> = db
            .rows(
                sql,
                json!({ "ws": workspace, "after": after, "prefix": prefix, "upper": format!("{prefix}\u{10ffff}"), "limit": limit }),
            )
            .await?;
        ids.extend(found);
    }
    ids.sort();
    ids.dedup();
    ids.truncate(limit);
    Ok(ids)
}

/// Entries of a source, counted up to about `cap`.
async fn probe(db: &Db, workspace: &str, source: &Source, cap: usize) -> Result<usize, ApiError> {
    Ok(match source {
        Source::All => cap,
        Source::Ids(prefixes) => read_ids(db, workspace, prefixes, "", cap).await?.len(),
        Source::Term(_) | Source::Prefix(_) => {
            let mut position = Position::start(source.clone());
            let mut seen = 0;
            loop {
                let (entries, done) =
                    read_postings(db, workspace, source, &position, RECORDS_PER_READ).await?;
                seen += entries.len();
                match entries.last() {
                    Some((term, chunk, id)) if !done && seen < cap => {
                        position.term = term.clone();
                        position.chunk = chunk.clone();
                        position.id = id.clone();
                    }
                    _ => return Ok(seen),
                }
            }
        }
    })
}

/// The source with the fewest entries (counted up to [`PROBE`]); the whole workspace when no
/// criterion is indexed.
async fn choose(db: &Db, workspace: &str, plan: &Plan) -> Result<Source, ApiError> {
    let candidates = plan.candidates();
    if candidates.len() <= 1 {
        return Ok(candidates.into_iter().next().unwrap_or(Source::All));
    }
    let mut best: Option<(usize, Source)> = None;
    for source in candidates {
        let entries = probe(db, workspace, &source, PROBE).await?;
        if best.as_ref().is_none_or(|(n, _)| entries < *n) {
            best = Some((entries, source));
        }
    }
    Ok(best.map_or(Source::All, |(_, s)| s))
}

/// One page of the contacts a plan matches, and the cursor to go on from (absent at the end).
pub async fn page(
    db: &Db,
    workspace: &str,
    plan: &Plan,
    cursor: &str,
    limit: usize,
) -> Result<(Vec<Contact>, Option<String>), ApiError> {
    let (found, next, _) = read_page(db, workspace, plan, cursor, limit, SCAN_BUDGET).await?;
    Ok((found, next))
}

/// [`page`], reading at most about `budget` entries; also says how many it read.
async fn read_page(
    db: &Db,
    workspace: &str,
    plan: &Plan,
    cursor: &str,
    limit: usize,
    budget: usize,
) -> Result<(Vec<Contact>, Option<String>, usize), ApiError> {
    let mut position = if cursor.is_empty() {
        Position::start(choose(db, workspace, plan).await?)
    } else {
        let position = decode(cursor)?;
        // A cursor goes on with what this filter may read (the workspace, or one of its
        // criteria): never anything else.
        if position.source != Source::All && !plan.candidates().contains(&position.source) {
            return Err(ApiError::bad_request(
                "invalid_query",
                "cursor: from a list with other filters (pass next_cursor with the same filters)",
            )
            .with_details(json!({ "field": "cursor" })));
        }
        position
    };
    // The first read is sized for a page; later ones, only needed when criteria are checked on
    // what is read, larger.
    let mut chunk = limit + 1;
    let mut scanned = 0;
    let mut found: Vec<(Contact, Position)> = Vec::new();
    let done = |found: Vec<(Contact, Position)>| found.into_iter().map(|(c, _)| c).collect();
    loop {
        // The whole workspace is read with the contacts themselves; other sources give ids.
        let mut contacts: BTreeMap<String, Contact> = BTreeMap::new();
        let (read, exhausted): (Vec<Entry>, bool) = match &position.source {
            Source::All => {
                let rows = super::read_rows(
                    db,
                    &format!(
                        "SELECT VALUE [{FIELDS}] FROM {} LIMIT $limit",
                        super::CONTACTS_AFTER
                    ),
                    json!({ "ws": workspace, "after": position.id, "limit": chunk }).into_value(),
                )
                .await?;
                let exhausted = rows.len() < chunk;
                let mut entries = Vec::with_capacity(rows.len());
                for contact in rows.into_iter().map(Contact::from) {
                    entries.push((String::new(), String::new(), contact.id.clone()));
                    contacts.insert(contact.id.clone(), contact);
                }
                (entries, exhausted)
            }
            Source::Ids(prefixes) => {
                let ids = read_ids(db, workspace, prefixes, &position.id, chunk).await?;
                let exhausted = ids.len() < chunk;
                (
                    ids.into_iter()
                        .map(|id| (String::new(), String::new(), id))
                        .collect(),
                    exhausted,
                )
            }
            source => {
                let records = if chunk <= limit + 1 {
                    1
                } else {
                    RECORDS_PER_READ
                };
                read_postings(db, workspace, source, &position, records).await?
            }
        };
        scanned += read.len();
        if position.source != Source::All {
            let ids: Vec<String> = read.iter().map(|(_, _, id)| id.clone()).collect();
            contacts = fetch(db, workspace, &ids)
                .await?
                .into_iter()
                .map(|c| (c.id.clone(), c))
                .collect();
        }
        for (term, chunk_name, id) in read {
            position.term = term;
            position.chunk = chunk_name;
            position.id = id;
            let Some(contact) = contacts.remove(&position.id) else {
                continue;
            };
            if !current(&position, &contact) || !plan.matches(&contact) {
                continue;
            }
            if found.len() == limit {
                // A match beyond the page: there is more.
                let next = found.last().map(|(_, p)| encode(p));
                return Ok((done(found), next, scanned));
            }
            found.push((contact, position.clone()));
        }
        if exhausted {
            return Ok((done(found), None, scanned));
        }
        if scanned >= budget {
            return Ok((done(found), Some(encode(&position)), scanned));
        }
        chunk = (chunk * 4).min(2_000);
    }
}

/// Whether an index entry is the one that lists the contact: its contact is still indexed in that
/// chunk with that term, and, under a prefix, that term is the contact's first beginning with the
/// prefix (a contact with two such words is listed once).
fn current(position: &Position, contact: &Contact) -> bool {
    let posted = &contact.posted;
    match &position.source {
        Source::All | Source::Ids(_) => true,
        Source::Term(term) => {
            posted.chunk.as_deref() == Some(position.chunk.as_str()) && posted.terms.contains(term)
        }
        Source::Prefix(prefix) => {
            posted.chunk.as_deref() == Some(position.chunk.as_str())
                && posted
                    .terms
                    .iter()
                    .find(|t| t.starts_with(prefix.as_str()))
                    .is_some_and(|first| first == &position.term)
        }
    }
}

/// Gives contacts stored before the index (schema migration 13) their terms and postings, a
/// workspace and a thousand contacts at a time. Runs once: the store remembers it in
/// `meta:contact_index`. Replicas starting together may both run it; contacts already indexed are
/// left alone.
pub async fn backfill(db: &Db) -> Result<(), ApiError> {
    #[derive(serde::Deserialize)]
    struct Done {
        done: bool,
    }
    let done: Option<Done> = db
        .row("SELECT done FROM meta:contact_index", json!({}))
        .await?;
    if done.is_some_and(|d| d.done) {
        return Ok(());
    }
    let workspaces: Vec<String> = db
        .rows("SELECT VALUE record::id(id) FROM workspace", json!({}))
        .await?;
    let mut total = 0usize;
    for workspace in workspaces {
        let mut after = String::new();
        loop {
            let sql = format!(
                "SELECT VALUE [{FIELDS}] FROM {} LIMIT $limit",
                super::CONTACTS_AFTER
            );
            let rows = super::read_rows(
                db,
                &sql,
                json!({ "ws": workspace, "after": after, "limit": 1000 }).into_value(),
            )
            .await?;
            let count = rows.len();
            let contacts: Vec<Contact> = rows.into_iter().map(Contact::from).collect();
            let Some(last) = contacts.last() else { break };
            after = last.id.clone();
            let chunk = new_chunk();
            let mut postings = Postings::new(&workspace);
            let mut updates: Vec<Value> = Vec::new();
            for contact in contacts.iter().filter(|c| c.posted.chunk.is_none()) {
                let terms = terms_of(contact);
                postings.put(&chunk, &contact.id, &terms);
                updates.push(json!({ "id": contact.id, "terms": terms }));
            }
            total += updates.len();
            if !updates.is_empty() {
                let mut vars = serde_json::Map::new();
                vars.insert("ws".into(), json!(workspace));
                vars.insert("chunk".into(), json!(chunk));
                vars.insert("rows".into(), json!(updates));
                postings.vars(&mut vars);
                db.exec(
                    &format!(
                        "BEGIN; FOR $c IN $rows {{ UPDATE type::record('contact', [$ws, $c.id]) SET terms = $c.terms, chunk = $chunk; }}; {} COMMIT;",
                        Postings::SQL
                    ),
                    Value::Object(vars),
                )
                .await?;
            }
            if count < 1000 {
                break;
            }
        }
    }
    db.exec("UPSERT meta:contact_index SET done = true", json!({}))
        .await?;
    if total > 0 {
        tracing::info!(contacts = total, "contacts indexed for search");
    }
    Ok(())
}

/// Entries in a range of posting records: the sum of their lengths.
async fn count_postings(db: &Db, workspace: &str, source: &Source) -> Result<u64, ApiError> {
    let (sql, vars) = match source {
        Source::Term(term) => (
            "RETURN math::sum((SELECT VALUE array::len(ids) FROM contact_posting:[$ws, $term, '']..[$ws, $term, {}]))",
            json!({ "ws": workspace, "term": term }),
        ),
        Source::Prefix(prefix) => (
            "RETURN math::sum((SELECT VALUE array::len(ids) FROM contact_posting:[$ws, $term, '']..[$ws, $upper]))",
            json!({ "ws": workspace, "term": prefix, "upper": format!("{prefix}\u{10ffff}") }),
        ),
        Source::All | Source::Ids(_) => return Ok(0),
    };
    let n: Option<u64> = db.row(sql, vars).await?;
    Ok(n.unwrap_or(0))
}

/// How many contacts have the term `first` and every one of `rest`. A contact's entries are all in
/// the posting records of its chunk, so each of `first`'s records is intersected with the records
/// of the same chunk under the other terms, in the store, and only the sizes come back (over
/// 1,000,000 contacts, a tag of 10,000 and a field value of 200,000: `bench/import.sh … search`).
async fn count_in_all(
    db: &Db,
    workspace: &str,
    first: &str,
    rest: &[String],
) -> Result<u64, ApiError> {
    let mut vars = serde_json::Map::new();
    vars.insert("ws".into(), json!(workspace));
    vars.insert("first".into(), json!(first));
    let mut entries = "<set>ids".to_owned();
    for (i, term) in rest.iter().enumerate() {
        vars.insert(format!("t{i}"), json!(term));
        // Sets of sorted ids intersect by a merge; arrays would compare every pair.
        entries = format!(
            "set::intersect({entries}, <set>(type::record('contact_posting', [$ws, $t{i}, record::id(id)[2]]).ids ?? []))"
        );
    }
    let sql = format!(
        "RETURN math::sum((SELECT VALUE set::len({entries}) FROM contact_posting:[$ws, $first, '']..[$ws, $first, {{}}]))"
    );
    let n: Option<u64> = db.row(&sql, Value::Object(vars)).await?;
    Ok(n.unwrap_or(0))
}

/// How many contacts a plan matches, and whether that is exact. Without criteria, or with one
/// criterion that is a tag, a custom field, opted-out, opted-in or a number, the count is exact
/// (index entries counted). A word search counts index entries too: a contact with two words
/// beginning with the search counts twice, so that count is `exact: false`. Anything else is
/// counted by reading as a list does, at most [`COUNT_BUDGET`] entries: `exact: false` then
/// means "at least".
pub async fn count(db: &Db, workspace: &str, plan: &Plan) -> Result<(u64, bool), ApiError> {
    let candidates = plan.candidates();
    if plan.criteria() == 0 {
        let n = count_postings(db, workspace, &Source::Term(EVERYONE.to_owned())).await?;
        return Ok((n, true));
    }
    if plan.criteria() == 1 {
        match candidates.first() {
            Some(source @ Source::Term(_)) => {
                return Ok((count_postings(db, workspace, source).await?, true));
            }
            Some(source @ Source::Prefix(_)) => {
                return Ok((count_postings(db, workspace, source).await?, false));
            }
            Some(Source::Ids(prefixes)) => {
                let mut n = 0;
                for prefix in prefixes {
                    let counted: Option<Value> = db
                        .row(
                            "SELECT count() AS n FROM contact:[$ws, $prefix]..[$ws, $upper] GROUP ALL",
                            json!({ "ws": workspace, "prefix": prefix, "upper": format!("{prefix}\u{10ffff}") }),
                        )
                        .await?;
                    n += counted.and_then(|c| c["n"].as_u64()).unwrap_or(0);
                }
                let overlapping = prefixes
                    .iter()
                    .any(|a| prefixes.iter().any(|b| a != b && b.starts_with(a.as_str())));
                return Ok((n, !overlapping));
            }
            _ if plan.opted_out == Some(false) => {
                // Reachable: every contact but the opted-out ones.
                let all = count_postings(db, workspace, &Source::Term(EVERYONE.to_owned())).await?;
                let out =
                    count_postings(db, workspace, &Source::Term(OPTED_OUT.to_owned())).await?;
                return Ok((all.saturating_sub(out), true));
            }
            _ => {}
        }
    }
    if let Some((terms, reachable)) = plan.terms() {
        // Every criterion is a term: the contacts in all its posting lists, counted in the store.
        let mut first = None;
        for term in &terms {
            let entries = probe(db, workspace, &Source::Term(term.clone()), PROBE).await?;
            if first.as_ref().is_none_or(|(n, _)| entries < *n) {
                first = Some((entries, term.clone()));
            }
        }
        let first = first.map(|(_, t)| t).unwrap_or_default();
        let mut rest: Vec<String> = terms.into_iter().filter(|t| *t != first).collect();
        let n = count_in_all(db, workspace, &first, &rest).await?;
        if !reachable {
            return Ok((n, true));
        }
        rest.push(OPTED_OUT.to_owned());
        let out = count_in_all(db, workspace, &first, &rest).await?;
        return Ok((n.saturating_sub(out), true));
    }
    let (mut n, mut cursor, mut budget) = (0u64, String::new(), COUNT_BUDGET);
    loop {
        let (found, next, scanned) = read_page(db, workspace, plan, &cursor, 500, budget).await?;
        n += found.len() as u64;
        budget = budget.saturating_sub(scanned);
        match next {
            Some(next) if budget > 0 => cursor = next,
            Some(_) => return Ok((n, false)),
            None => return Ok((n, true)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;

    /// (term, ids) of every posting record, in order.
    async fn stored_terms(db: &Db) -> Vec<Value> {
        db.rows(
            "SELECT VALUE [record::id(id)[1], ids] FROM contact_posting ORDER BY id",
            json!({}),
        )
        .await
        .unwrap()
    }

    #[test]
    fn terms_fold_words_tags_fields_and_opt_out() {
        let custom = BTreeMap::from([
            ("şehir".to_owned(), json!("İzmir")),
            ("adet".to_owned(), json!(7)),
            (
                "uzun".to_owned(),
                json!("x".repeat(MAX_INDEXED_VALUE_CHARS + 1)),
            ),
        ]);
        let terms = terms(
            Some("Ayşe Nur"),
            Some("YILMAZ"),
            Some("ayse.nur@example.com"),
            &["vip".to_owned()],
            &custom,
            true,
        );
        assert_eq!(
            terms,
            vec![
                "*",
                "fadet\u{1f}7",
                "fşehir\u{1f}İzmir",
                "o",
                "tvip",
                "wayse",
                "wcom",
                "wexample",
                "wnur",
                "wyilmaz"
            ]
        );
    }

    #[test]
    fn typed_numbers_become_contact_id_prefixes() {
        let tr = Region::new("TR");
        assert_eq!(tr.id_prefixes("0532 12"), vec!["9053212"]);
        assert_eq!(tr.id_prefixes("+90 532"), vec!["90532"]);
        assert_eq!(tr.id_prefixes("0090532"), vec!["90532"]);
        assert_eq!(tr.id_prefixes("532 12"), vec!["53212", "9053212"]);
        assert!(is_number("(0532) 123-45"));
        assert!(!is_number("ayşe 0532"));
        assert!(!is_number(" - "));
    }

    #[test]
    fn cursors_round_trip_and_strangers_are_refused() {
        for source in [
            Source::Ids(vec!["90532".into()]),
            Source::Term("tvip".into()),
            Source::Prefix("wayş".into()),
        ] {
            let position = Position {
                source,
                term: "waysel".into(),
                chunk: "0190aa".into(),
                id: "905321112233".into(),
            };
            let decoded = decode(&encode(&position)).unwrap();
            assert_eq!(decoded.source, position.source);
            assert_eq!(decoded.id, position.id);
        }
        assert_eq!(decode("905321112233").unwrap().source, Source::All);
        assert!(decode("not-a-cursor").is_err());
        assert!(decode(&hex::encode("[\"x\"]")).is_err());
    }

    /// Postings add and take ids per (term, chunk) record, keep them sorted, leave an id that is
    /// both taken and put where it is, and delete a record left empty.
    #[tokio::test(flavor = "multi_thread")]
    async fn postings_add_take_and_drop_empty_records() {
        let db = Db::connect(&Settings::for_tests().unwrap()).await.unwrap();
        let apply = |postings: Postings| {
            let db = db.clone();
            async move {
                let mut vars = serde_json::Map::new();
                postings.vars(&mut vars);
                db.exec(
                    &format!("BEGIN; {} COMMIT;", Postings::SQL),
                    Value::Object(vars),
                )
                .await
                .unwrap();
            }
        };
        let stored = || {
            let db = db.clone();
            async move {
                let rows: Vec<Value> = db
                    .rows(
                        "SELECT VALUE [record::id(id), ids] FROM contact_posting ORDER BY id",
                        json!({}),
                    )
                    .await
                    .unwrap();
                Value::Array(rows)
            }
        };
        let mut first = Postings::new("w1");
        first.put("c1", "905", &["wayse".into(), "tvip".into()]);
        first.put("c1", "903", &["wayse".into()]);
        apply(first).await;
        assert_eq!(
            stored().await,
            json!([
                [["w1", "tvip", "c1"], ["905"]],
                [["w1", "wayse", "c1"], ["903", "905"]]
            ])
        );
        // 905 loses its tag and gains a word, in the chunk it is in; 903 moves to 904.
        let mut second = Postings::new("w1");
        let was = Posted {
            chunk: Some("c1".into()),
            terms: vec!["tvip".into(), "wayse".into()],
        };
        assert_eq!(
            second.change("905", &was, "905", &["wayse".into(), "wnur".into()]),
            "c1"
        );
        let was = Posted {
            chunk: Some("c1".into()),
            terms: vec!["wayse".into()],
        };
        second.change("903", &was, "904", &["wayse".into()]);
        apply(second).await;
        assert_eq!(
            stored().await,
            json!([
                [["w1", "wayse", "c1"], ["904", "905"]],
                [["w1", "wnur", "c1"], ["905"]]
            ])
        );
        // A contact never indexed goes into a new chunk.
        let mut third = Postings::new("w1");
        let chunk = third.change("906", &Posted::default(), "906", &["*".into()]);
        assert_ne!(chunk, "c1");
        apply(third).await;
        assert_eq!(stored().await.as_array().unwrap().len(), 3);
    }

    /// A count of several terms is the number of contacts posted under all of them: within a
    /// chunk shared by many contacts, across chunks, and nothing from another workspace.
    #[tokio::test(flavor = "multi_thread")]
    async fn counts_of_several_terms_intersect_their_postings_chunk_by_chunk() {
        let db = Db::connect(&Settings::for_tests().unwrap()).await.unwrap();
        // The terms contacts get, as they get them.
        let term = |tags: &[&str], city: Option<&str>| {
            let keys: Vec<String> = tags.iter().map(|t| search_key(t)).collect();
            let custom: BTreeMap<String, Value> = city
                .map(|c| BTreeMap::from([("şehir".to_owned(), json!(c))]))
                .unwrap_or_default();
            let all = terms(None, None, None, &keys, &custom, false);
            all.into_iter().find(|t| t != EVERYONE).unwrap()
        };
        let (vip, izmir) = (term(&["VIP"], None), term(&[], Some("İzmir")));
        let mut postings = Postings::new("w1");
        // An import's chunk: 301..=400 are vip, every third in İzmir, every fifth opted out.
        for i in 1..=400u32 {
            let mut terms = vec![EVERYONE.to_owned()];
            if i > 300 {
                terms.push(vip.clone());
            }
            if i % 3 == 0 {
                terms.push(izmir.clone());
            }
            if i % 5 == 0 {
                terms.push(OPTED_OUT.into());
            }
            postings.put("c1", &format!("90{i:04}"), &terms);
        }
        // Contacts written one by one, each in its own chunk.
        postings.put(
            "c2",
            "905001",
            &[EVERYONE.into(), vip.clone(), izmir.clone()],
        );
        postings.put("c3", "905002", &[EVERYONE.into(), vip.clone()]);
        postings.put("c4", "905003", &[EVERYONE.into(), izmir.clone()]);
        let mut other = Postings::new("w2");
        other.put("c1", "900303", &[vip.clone(), izmir.clone()]);
        let sql = format!("BEGIN; {} COMMIT;", Postings::SQL);
        for postings in [postings, other] {
            let mut vars = serde_json::Map::new();
            postings.vars(&mut vars);
            db.exec(&sql, Value::Object(vars)).await.unwrap();
        }
        let in_chunk = |izmir: bool, out: Option<bool>| {
            (301..=400u32)
                .filter(|i| !izmir || i % 3 == 0)
                .filter(|i| out.is_none_or(|o| (i % 5 == 0) == o))
                .count() as u64
        };
        let count = |first: &String, rest: Vec<String>| {
            let db = db.clone();
            let first = first.clone();
            async move { count_in_all(&db, "w1", &first, &rest).await.unwrap() }
        };
        assert_eq!(count(&vip, vec![]).await, 102);
        // 33 of the chunk's vips are in İzmir, and 905001; either term may come first.
        assert_eq!(
            count(&vip, vec![izmir.clone()]).await,
            in_chunk(true, None) + 1
        );
        assert_eq!(
            count(&izmir, vec![vip.clone()]).await,
            in_chunk(true, None) + 1
        );
        assert_eq!(
            count(&vip, vec![izmir.clone(), OPTED_OUT.into()]).await,
            in_chunk(true, Some(true))
        );
        assert_eq!(count(&vip, vec!["tnosuch".into()]).await, 0);
        assert_eq!(count(&"tnosuch".into(), vec![vip.clone()]).await, 0);
        // Through a plan, as the count route asks: opted_out=false is the rest.
        let filter = ContactFilter {
            tag: Some("vip".into()),
            opted_out: Some(false),
            custom: BTreeMap::from([("şehir".to_owned(), "İzmir".to_owned())]),
            ..ContactFilter::default()
        };
        let plan = Plan::new(&filter, &Region::new("TR")).unwrap();
        assert_eq!(
            super::count(&db, "w1", &plan).await.unwrap(),
            (in_chunk(true, Some(false)) + 1, true)
        );
    }

    /// An index entry whose contact is gone (deleted after the entry was read) is left out of a
    /// page, not an error; so is an id that names no contact, read either way.
    #[tokio::test(flavor = "multi_thread")]
    async fn entries_without_their_contact_are_left_out() {
        let db = Db::connect(&Settings::for_tests().unwrap()).await.unwrap();
        db.exec(
            "CREATE contact:['w1', '905001'] SET workspace = 'w1', phone = '+905001', tags = ['vip'], \
                 tag_keys = ['vip'], terms = ['tvip'], chunk = 'c1', created_at = time::now(), updated_at = time::now(); \
             CREATE contact_posting:['w1', 'tvip', 'c1'] SET ids = ['905001', '905002'];",
            json!({}),
        )
        .await
        .unwrap();
        let ids = |list: Vec<Contact>| list.into_iter().map(|c| c.id).collect::<Vec<_>>();
        let filter = ContactFilter {
            tag: Some("vip".into()),
            ..ContactFilter::default()
        };
        let plan = Plan::new(&filter, &Region::new("TR")).unwrap();
        let (found, next) = page(&db, "w1", &plan, "", 50).await.unwrap();
        assert_eq!((ids(found), next), (vec!["905001".to_owned()], None));
        // Past one query's worth of ids, the contact at the end is still found.
        let mut many: Vec<String> = (0..FETCH_AT_ONCE + 10).map(|i| format!("8{i}")).collect();
        many.push("905001".into());
        for wanted in [
            vec!["905002".to_owned(), "905001".to_owned()],
            vec!["nodigits".to_owned(), "905001".to_owned()],
            many,
        ] {
            assert_eq!(
                ids(fetch(&db, "w1", &wanted).await.unwrap()),
                vec!["905001".to_owned()],
                "{:?}",
                &wanted[..2]
            );
        }
    }

    /// Posting records with nothing after the cursor (emptied, or read already) do not stop a
    /// list, however many come in a row.
    #[tokio::test(flavor = "multi_thread")]
    async fn a_run_of_empty_postings_is_read_past() {
        let db = Db::connect(&Settings::for_tests().unwrap()).await.unwrap();
        db.exec(
            "FOR $i IN 0..40 { CREATE type::record('contact_posting', ['w1', 'tvip', string::concat('c', <string>(100 + $i))]) SET ids = []; }; \
             CREATE contact_posting:['w1', 'tvip', 'c200'] SET ids = ['905']; \
             CREATE contact:['w1', '905'] SET phone = '+905', tags = ['vip'], custom_fields = {}, opted_out = false, \
               chunk = 'c200', terms = ['*', 'tvip'], created_at = time::now(), updated_at = time::now();",
            json!({}),
        )
        .await
        .unwrap();
        let plan = Plan::new(
            &ContactFilter {
                tag: Some("vip".into()),
                ..ContactFilter::default()
            },
            &Region::new("TR"),
        )
        .unwrap();
        let (found, next) = page(&db, "w1", &plan, "", 1).await.unwrap();
        assert_eq!((found.len(), next), (1, None));
    }

    /// Contacts stored before the index get their terms at the next start, once.
    #[tokio::test(flavor = "multi_thread")]
    async fn contacts_stored_before_the_index_are_indexed_at_start() {
        let db = Db::connect(&Settings::for_tests().unwrap()).await.unwrap();
        db.exec(
            "CREATE workspace:w1 SET name = 'Bir', created_by = 'u1'; \
             CREATE contact:['w1', '905321234567'] SET workspace = 'w1', phone = '+905321234567', \
               first_name = 'Işık', tags = ['VIP'], tag_keys = ['vip'], custom_fields = {}, opted_out = false, \
               created_at = time::now(), updated_at = time::now(); \
             DELETE meta:contact_index;",
            json!({}),
        )
        .await
        .unwrap();
        backfill(&db).await.unwrap();
        assert_eq!(
            stored_terms(&db).await,
            json!([
                ["*", ["905321234567"]],
                ["tvip", ["905321234567"]],
                ["wisik", ["905321234567"]]
            ])
            .as_array()
            .unwrap()
            .clone()
        );
        let plan = Plan::new(
            &ContactFilter {
                search: Some("IŞI".into()),
                ..ContactFilter::default()
            },
            &Region::new("TR"),
        )
        .unwrap();
        let (found, next) = page(&db, "w1", &plan, "", 50).await.unwrap();
        assert_eq!(
            (found.len(), found[0].id.as_str(), next),
            (1, "905321234567", None)
        );
    }
}
