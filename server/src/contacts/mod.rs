//! Contacts of a workspace: keyed by their natural identity (workspace + E.164 phone), so the same
//! number is stored once and imports can upsert. Search folds Turkish case and letters; lists filter by
//! tag, opt-out and custom fields; bulk tag, untag and delete work on a filter; CSV export.

pub mod columns;
pub mod import_routes;
pub mod imports;
pub mod index;
pub mod model;
pub mod routes;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::app::AppState;
use crate::db::{Db, DbError};
use crate::error::ApiError;
use model::{Contact, ContactInput, Gender, Phone};

const FIELDS: &str = "phone, first_name, last_name, gender, honorific, language, email, tags, custom_fields, \
                      opted_out, opted_out_at, opt_out_reason, notes, created_at, updated_at, chunk, terms";

const SET_FIELDS: &str = "workspace = $ws, phone = $phone, first_name = $first_name, last_name = $last_name, \
     gender = $gender, honorific = $honorific, language = $language, email = $email, tags = $tags, \
     tag_keys = $tag_keys, custom_fields = $custom_fields, opted_out = $opted_out, \
     opted_out_at = <option<datetime>>$opted_out_at, opt_out_reason = $opt_out_reason, notes = $notes, \
     search = $search, terms = $terms, chunk = $chunk, updated_at = time::now()";

#[derive(Deserialize)]
pub(crate) struct StoredContact {
    phone: String,
    first_name: Option<String>,
    last_name: Option<String>,
    gender: Option<Gender>,
    honorific: Option<String>,
    language: Option<String>,
    email: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    custom_fields: BTreeMap<String, Value>,
    #[serde(default)]
    opted_out: bool,
    opted_out_at: Option<DateTime<Utc>>,
    opt_out_reason: Option<String>,
    notes: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    // The index fields one by one: `#[serde(flatten)]` buffers every field of the row first,
    // which cost a tenth of a contact read.
    chunk: Option<String>,
    #[serde(default, deserialize_with = "index::null_as_empty")]
    terms: Vec<String>,
    /// Only the import's read of a group it wrote asks for this ([`imports`]).
    #[serde(default)]
    stamped: bool,
}

impl From<StoredContact> for Contact {
    fn from(s: StoredContact) -> Self {
        Contact {
            id: s.phone.trim_start_matches('+').to_owned(),
            phone: s.phone,
            first_name: s.first_name,
            last_name: s.last_name,
            gender: s.gender,
            honorific: s.honorific,
            language: s.language,
            email: s.email,
            tags: s.tags,
            custom_fields: s.custom_fields,
            opted_out: s.opted_out,
            opted_out_at: s.opted_out_at,
            opt_out_reason: s.opt_out_reason,
            notes: s.notes,
            created_at: s.created_at,
            updated_at: s.updated_at,
            posted: index::Posted {
                chunk: s.chunk,
                terms: s.terms,
            },
        }
    }
}

/// Contacts read by `SELECT VALUE [{FIELDS}] …`, each a list of its fields in [`FIELDS`]' order
/// (and `stamped` after them when the query asks for it). Readers of many contacts (lists,
/// exports, imports) read them so: a list per contact instead of an object, taken apart here
/// instead of going through JSON, costs about half as much per contact (`bench/import.sh … search`,
/// the export).
pub(crate) async fn read_rows(
    db: &Db,
    sql: &str,
    vars: surrealdb::types::Value,
) -> Result<Vec<StoredContact>, DbError> {
    let rows = db.store_rows_at(sql, vars, 0).await?;
    rows.into_iter()
        // A list of nothing: a record id that names no contact (deleted since it was found).
        .filter(|row| {
            !matches!(row, surrealdb::types::Value::Array(items)
                if matches!(items.first(), None | Some(surrealdb::types::Value::None | surrealdb::types::Value::Null)))
        })
        .map(StoredContact::from_row)
        .collect()
}

/// The contacts with these ids, as what a `SELECT … FROM` reads. Record ids are written into the
/// query when both parts are plain (workspace ids are generated alphanumerics, contact ids E.164
/// digits): the store then fetches each contact once, directly, and leaves out ids that name no
/// contact; from a parameter, `SELECT VALUE [..]` would fetch the record once per field.
pub(crate) fn records_of(workspace: &str, ids: &[String]) -> String {
    let plain = workspace.chars().all(|c| c.is_ascii_alphanumeric())
        && ids
            .iter()
            .all(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()));
    if !plain {
        return "array::map($ids, |$id| type::record('contact', [$ws, $id]))".to_owned();
    }
    if ids.is_empty() {
        return "[]".to_owned();
    }
    let mut from = String::with_capacity(ids.len() * (workspace.len() + 32));
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            from.push_str(", ");
        }
        from.push_str("contact:['");
        from.push_str(workspace);
        from.push_str("', '");
        from.push_str(id);
        from.push_str("']");
    }
    from
}

impl StoredContact {
    /// One row of [`read_rows`]. Absent and null values are absent; a value of another type than
    /// the schema's is refused rather than guessed at.
    fn from_row(row: surrealdb::types::Value) -> Result<Self, DbError> {
        use surrealdb::types::Value as V;
        fn wrong(what: &str) -> DbError {
            DbError::Decode(<serde_json::Error as serde::de::Error>::custom(format!(
                "contact row: {what}"
            )))
        }
        fn text(v: V, name: &str) -> Result<Option<String>, DbError> {
            match v {
                V::None | V::Null => Ok(None),
                V::String(s) => Ok(Some(s)),
                _ => Err(wrong(name)),
            }
        }
        fn texts(v: V, name: &str) -> Result<Vec<String>, DbError> {
            match v {
                V::None | V::Null => Ok(Vec::new()),
                V::Array(items) => items
                    .into_inner()
                    .into_iter()
                    .map(|i| text(i, name)?.ok_or_else(|| wrong(name)))
                    .collect(),
                _ => Err(wrong(name)),
            }
        }
        fn time(v: V, name: &str) -> Result<Option<DateTime<Utc>>, DbError> {
            match v {
                V::None | V::Null => Ok(None),
                V::Datetime(t) => Ok(Some(t.into_inner())),
                _ => Err(wrong(name)),
            }
        }
        fn flag(v: V, name: &str) -> Result<bool, DbError> {
            match v {
                V::None | V::Null => Ok(false),
                V::Bool(b) => Ok(b),
                _ => Err(wrong(name)),
            }
        }
        let V::Array(items) = row else {
            return Err(wrong("not a list"));
        };
        let mut items = items.into_inner().into_iter();
        let mut next = || items.next().unwrap_or(V::None);
        Ok(StoredContact {
            phone: text(next(), "phone")?.ok_or_else(|| wrong("phone"))?,
            first_name: text(next(), "first_name")?,
            last_name: text(next(), "last_name")?,
            gender: match text(next(), "gender")?.as_deref() {
                None => None,
                Some("female") => Some(Gender::Female),
                Some("male") => Some(Gender::Male),
                Some(_) => return Err(wrong("gender")),
            },
            honorific: text(next(), "honorific")?,
            language: text(next(), "language")?,
            email: text(next(), "email")?,
            tags: texts(next(), "tags")?,
            custom_fields: match next() {
                V::None | V::Null => BTreeMap::new(),
                V::Object(fields) => fields
                    .into_inner()
                    .into_iter()
                    .map(|(k, v)| (k, v.into_json_value()))
                    .collect(),
                _ => return Err(wrong("custom_fields")),
            },
            opted_out: flag(next(), "opted_out")?,
            opted_out_at: time(next(), "opted_out_at")?,
            opt_out_reason: text(next(), "opt_out_reason")?,
            notes: text(next(), "notes")?,
            created_at: time(next(), "created_at")?.ok_or_else(|| wrong("created_at"))?,
            updated_at: time(next(), "updated_at")?.ok_or_else(|| wrong("updated_at"))?,
            chunk: text(next(), "chunk")?,
            terms: texts(next(), "terms")?,
            stamped: flag(next(), "stamped")?,
        })
    }
}

/// The workspace's region for reading national numbers (`TR` unless changed).
pub async fn default_region(state: &AppState, workspace: &str) -> Result<String, ApiError> {
    region_of(&state.db, workspace).await
}

/// [`default_region`] from the store handle alone.
pub async fn region_of(db: &Db, workspace: &str) -> Result<String, ApiError> {
    let region: Option<Value> = db
        .row(
            "SELECT VALUE default_region FROM type::record('workspace', $ws)",
            json!({ "ws": workspace }),
        )
        .await?;
    Ok(region
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "TR".to_owned()))
}

/// A contact's contents after validation, ready to be written.
struct Validated {
    phone: Phone,
    params: Map<String, Value>,
}

fn text(value: &Option<String>) -> Value {
    value.clone().map_or(Value::Null, Value::String)
}

/// Merges `input` over `current` (if any), validates every field, and builds the query parameters.
fn validate(
    input: ContactInput,
    current: Option<&Contact>,
    region: &str,
) -> Result<Validated, ApiError> {
    let phone = match (&input.phone, current) {
        (Some(raw), _) => Phone::parse("phone", raw, region)?,
        (None, Some(c)) => Phone::parse("phone", &c.phone, region)?,
        (None, None) => return Err(ApiError::invalid_field("phone", "is required")),
    };
    validate_with(phone, input, current)
}

/// [`validate`] for a phone already parsed (imports parse each row's phone once, up front).
fn validate_with(
    phone: Phone,
    input: ContactInput,
    current: Option<&Contact>,
) -> Result<Validated, ApiError> {
    let pick = |new: Option<String>, old: Option<&Option<String>>| -> Option<String> {
        match new {
            Some(v) => Some(v),
            None => old.cloned().flatten(),
        }
    };
    let first_name = model::clean_text(
        "first_name",
        pick(input.first_name, current.map(|c| &c.first_name)).as_deref(),
        model::MAX_TEXT_CHARS,
        false,
    )?;
    let last_name = model::clean_text(
        "last_name",
        pick(input.last_name, current.map(|c| &c.last_name)).as_deref(),
        model::MAX_TEXT_CHARS,
        false,
    )?;
    let honorific = model::clean_text(
        "honorific",
        pick(input.honorific, current.map(|c| &c.honorific)).as_deref(),
        40,
        false,
    )?;
    let language =
        model::clean_language(pick(input.language, current.map(|c| &c.language)).as_deref())?;
    let email = match pick(input.email, current.map(|c| &c.email)) {
        Some(raw) if !raw.trim().is_empty() => {
            Some(crate::auth::users::normalize_email("email", &raw)?)
        }
        _ => None,
    };
    let notes = model::clean_text(
        "notes",
        pick(input.notes, current.map(|c| &c.notes)).as_deref(),
        model::MAX_NOTES_CHARS,
        true,
    )?;
    let gender = input.gender.or(current.and_then(|c| c.gender));
    let tags = model::clean_tags(
        input
            .tags
            .unwrap_or_else(|| current.map(|c| c.tags.clone()).unwrap_or_default()),
    )?;
    let custom_fields = model::clean_custom_fields(
        input
            .custom_fields
            .unwrap_or_else(|| current.map(|c| c.custom_fields.clone()).unwrap_or_default()),
    )?;
    let was_opted_out = current.is_some_and(|c| c.opted_out);
    let opted_out = input.opted_out.unwrap_or(was_opted_out);
    let (opted_out_at, opt_out_reason) = if !opted_out {
        (None, None)
    } else if was_opted_out {
        let c = current
            .ok_or_else(|| ApiError::internal(anyhow::anyhow!("opted out without a contact")))?;
        let reason = match input.opt_out_reason {
            Some(r) => model::clean_text("opt_out_reason", Some(&r), model::MAX_TEXT_CHARS, false)?,
            None => c.opt_out_reason.clone(),
        };
        (c.opted_out_at, reason)
    } else {
        let reason = model::clean_text(
            "opt_out_reason",
            input.opt_out_reason.as_deref(),
            model::MAX_TEXT_CHARS,
            false,
        )?;
        (Some(Utc::now()), reason)
    };

    let search = model::search_key(&format!(
        "{} {} {} {} {}",
        first_name.as_deref().unwrap_or(""),
        last_name.as_deref().unwrap_or(""),
        email.as_deref().unwrap_or(""),
        phone.as_str(),
        phone.national_digits(),
    ));
    let tag_keys: Vec<String> = tags.iter().map(|t| model::search_key(t)).collect();
    let terms = index::terms(
        first_name.as_deref(),
        last_name.as_deref(),
        email.as_deref(),
        &tag_keys,
        &custom_fields,
        opted_out,
    );
    let mut params = Map::new();
    params.insert("id".into(), json!(phone.id()));
    params.insert("phone".into(), json!(phone.as_str()));
    params.insert("first_name".into(), text(&first_name));
    params.insert("last_name".into(), text(&last_name));
    params.insert("gender".into(), gender.map_or(Value::Null, |g| json!(g)));
    params.insert("honorific".into(), text(&honorific));
    params.insert("language".into(), text(&language));
    params.insert("email".into(), text(&email));
    params.insert("tags".into(), json!(tags));
    params.insert("tag_keys".into(), json!(tag_keys));
    params.insert("custom_fields".into(), json!(custom_fields));
    params.insert("opted_out".into(), json!(opted_out));
    params.insert(
        "opted_out_at".into(),
        opted_out_at.map_or(Value::Null, |t| json!(t.to_rfc3339())),
    );
    params.insert("opt_out_reason".into(), text(&opt_out_reason));
    params.insert("notes".into(), text(&notes));
    params.insert("search".into(), json!(search));
    params.insert("terms".into(), json!(terms));
    // An absent parameter reads as NONE in SurrealQL, which is what `option<…>` fields take; null is not.
    params.retain(|_, v| !v.is_null());
    Ok(Validated { phone, params })
}

fn exists_conflict(phone: &Phone) -> ApiError {
    ApiError::conflict(
        "contact_exists",
        format!("a contact with phone {} already exists", phone.as_str()),
    )
    .with_details(json!({ "field": "phone", "id": phone.id() }))
}

/// Indexes one contact being written (`params` from [`validate`], with its `terms`): where it was
/// (`before`: its id then and its postings) or, when new, in a new chunk; adds `chunk` and the
/// variables [`index::Postings::SQL`] needs.
fn index_one(
    params: &mut Map<String, Value>,
    workspace: &str,
    id: &str,
    before: Option<(&str, &index::Posted)>,
) {
    let terms: Vec<String> = index::terms_in(params);
    let mut postings = index::Postings::new(workspace);
    let nowhere = index::Posted::default();
    let (old_id, posted) = before.unwrap_or((id, &nowhere));
    let chunk = postings.change(old_id, posted, id, &terms);
    params.insert("chunk".into(), json!(chunk));
    postings.vars(params);
}

/// A contact write and its index changes in one transaction: `BEGIN; <write>; postings; COMMIT;`
/// (the write's rows are statement 1).
fn indexed(write: &str) -> String {
    format!(
        "BEGIN; {write}; {} {} COMMIT;",
        index::Postings::SQL,
        crate::events::RECORD
    )
}

/// The `ulak_events` variable of a write that records one contact event.
fn contact_event(workspace: &str, event_type: &'static str, id: &str, source: &str) -> Value {
    json!([crate::events::Draft::new(
        workspace,
        event_type,
        json!({ "contact": id, "source": source }),
    )])
}

pub async fn find(
    state: &AppState,
    workspace: &str,
    id: &str,
) -> Result<Option<Contact>, ApiError> {
    find_in(&state.db, workspace, id).await
}

/// [`find`] from the store handle alone.
pub async fn find_in(db: &Db, workspace: &str, id: &str) -> Result<Option<Contact>, ApiError> {
    let sql = format!("SELECT {FIELDS} FROM type::record('contact', [$ws, $id])");
    let row: Option<StoredContact> = db.row(&sql, json!({ "ws": workspace, "id": id })).await?;
    Ok(row.map(Contact::from))
}

/// The workspace's contact with this (normalised) e-mail address, if any. This reads the
/// workspace's contacts until it finds one, on purpose: opt-outs of e-mail sends depend on the
/// answer, and the contact index may lag a write that raced with another (see `index`).
pub async fn find_by_email(
    db: &Db,
    workspace: &str,
    email: &str,
) -> Result<Option<Contact>, ApiError> {
    let sql = format!(
        "SELECT {FIELDS} FROM array::first([contact:[$ws, NONE]..[$ws, {{}}]]) WHERE email = $email LIMIT 1"
    );
    let row: Option<StoredContact> = db
        .row(&sql, json!({ "ws": workspace, "email": email }))
        .await?;
    Ok(row.map(Contact::from))
}

/// Records the custom field names in use, so templates can tell `%şehir%` from a typo. Names already
/// known are not written again. Concurrent writers of the same new name conflict in the store; the
/// loser re-reads and finds the name there. The contact itself is already saved, so a registration
/// that still fails is logged rather than failing the request.
async fn register_fields(
    state: &AppState,
    workspace: &str,
    contact: &Contact,
) -> Result<(), ApiError> {
    register_field_names(state, workspace, contact.custom_fields.keys().collect()).await
}

async fn register_field_names(
    state: &AppState,
    workspace: &str,
    names: Vec<&String>,
) -> Result<(), ApiError> {
    if names.is_empty() {
        return Ok(());
    }
    for attempt in 0..3 {
        let known: Vec<String> = state
            .db
            .rows(
                "SELECT VALUE name FROM contact_field WHERE workspace = $ws AND name IN $names",
                json!({ "ws": workspace, "names": names }),
            )
            .await?;
        let rows: Vec<Value> = names
            .iter()
            .filter(|name| !known.contains(name))
            .map(|name| json!({ "id": [workspace, name], "workspace": workspace, "name": name }))
            .collect();
        if rows.is_empty() {
            return Ok(());
        }
        match state
            .db
            .exec(
                "INSERT IGNORE INTO contact_field $rows",
                json!({ "rows": rows }),
            )
            .await
        {
            Ok(()) => return Ok(()),
            Err(e) if attempt < 2 => {
                tracing::debug!(error = %e, "custom field registration raced; retrying")
            }
            Err(e) => tracing::warn!(error = %e, "custom field names not registered"),
        }
    }
    Ok(())
}

/// A validated contact that is not stored (for previews).
pub async fn unsaved(
    state: &AppState,
    workspace: &str,
    input: ContactInput,
) -> Result<Contact, ApiError> {
    let region = default_region(state, workspace).await?;
    let Validated { params, .. } = validate(input, None, &region)?;
    let mut object = params;
    object.insert("created_at".into(), json!(Utc::now()));
    object.insert("updated_at".into(), json!(Utc::now()));
    let stored: StoredContact =
        serde_json::from_value(Value::Object(object)).map_err(ApiError::internal)?;
    Ok(stored.into())
}

pub async fn create(
    state: &AppState,
    workspace: &str,
    input: ContactInput,
) -> Result<Contact, ApiError> {
    let region = default_region(state, workspace).await?;
    let Validated { phone, mut params } = validate(input, None, &region)?;
    params.insert("ws".into(), json!(workspace));
    index_one(&mut params, workspace, &phone.id(), None);
    params.insert(
        "ulak_events".into(),
        contact_event(workspace, "contact.created", &phone.id(), "api"),
    );
    let sql = indexed(&format!(
        "CREATE type::record('contact', [$ws, $id]) SET {SET_FIELDS}, created_at = time::now() RETURN {FIELDS}"
    ));
    match state
        .db
        .rows_at::<StoredContact>(&sql, Value::Object(params), 1)
        .await
        .map(|rows| rows.into_iter().next())
    {
        Ok(Some(row)) => {
            let contact = Contact::from(row);
            register_fields(state, workspace, &contact).await?;
            Ok(contact)
        }
        Ok(None) => Err(ApiError::internal(anyhow::anyhow!("contact not returned"))),
        Err(DbError::Conflict(_)) => Err(exists_conflict(&phone)),
        Err(e) => Err(e.into()),
    }
}

/// The contact an inbound message comes from: found by its phone, or created (tagged `inbound`,
/// named as the provider knows the sender) for an unknown sender.
pub async fn for_inbound(
    db: &Db,
    workspace: &str,
    from: &str,
    name: Option<&str>,
) -> Result<Contact, ApiError> {
    let region = region_of(db, workspace).await?;
    let phone = Phone::parse("from", from, &region)?;
    let sql = format!("SELECT {FIELDS} FROM type::record('contact', [$ws, $id])");
    let existing: Option<StoredContact> = db
        .row(&sql, json!({ "ws": workspace, "id": phone.id() }))
        .await?;
    if let Some(existing) = existing {
        return Ok(existing.into());
    }
    let (first_name, last_name) = match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => match name.rsplit_once(' ') {
            Some((first, last)) => (Some(first.to_owned()), Some(last.to_owned())),
            None => (Some(name.to_owned()), None),
        },
        None => (None, None),
    };
    let input = ContactInput {
        phone: Some(phone.as_str().to_owned()),
        first_name: first_name.map(|n| n.chars().take(model::MAX_TEXT_CHARS).collect()),
        last_name: last_name.map(|n| n.chars().take(model::MAX_TEXT_CHARS).collect()),
        tags: Some(vec!["inbound".to_owned()]),
        ..ContactInput::default()
    };
    let Validated { mut params, .. } = validate_with(phone.clone(), input, None)?;
    params.insert("ws".into(), json!(workspace));
    index_one(&mut params, workspace, &phone.id(), None);
    params.insert(
        "ulak_events".into(),
        contact_event(workspace, "contact.created", &phone.id(), "inbound"),
    );
    let sql = indexed(&format!(
        "CREATE type::record('contact', [$ws, $id]) SET {SET_FIELDS}, created_at = time::now() RETURN {FIELDS}"
    ));
    match db
        .rows_at::<StoredContact>(&sql, Value::Object(params), 1)
        .await
        .map(|rows| rows.into_iter().next())
    {
        Ok(Some(row)) => Ok(row.into()),
        Ok(None) => Err(ApiError::internal(anyhow::anyhow!("contact not returned"))),
        // Created meanwhile by a concurrent message from the same sender.
        Err(DbError::Conflict(_)) => db
            .row::<StoredContact>(
                &format!("SELECT {FIELDS} FROM type::record('contact', [$ws, $id])"),
                json!({ "ws": workspace, "id": phone.id() }),
            )
            .await?
            .map(Contact::from)
            .ok_or_else(|| ApiError::not_found("contact")),
        Err(e) => Err(e.into()),
    }
}

/// Applies a partial update. A new phone moves the contact to its new id (409 if that one is taken).
pub async fn update(
    state: &AppState,
    workspace: &str,
    id: &str,
    input: ContactInput,
) -> Result<Contact, ApiError> {
    let region = default_region(state, workspace).await?;
    for _ in 0..CHANGED_RETRIES {
        let current = find(state, workspace, id)
            .await?
            .ok_or_else(|| ApiError::not_found("contact"))?;
        let Validated { phone, mut params } = validate(input.clone(), Some(&current), &region)?;
        params.insert("ws".into(), json!(workspace));
        params.insert("old_id".into(), json!(id));
        params.insert("created_at".into(), json!(current.created_at.to_rfc3339()));
        params.insert("seen".into(), json!(current.updated_at.to_rfc3339()));
        index_one(
            &mut params,
            workspace,
            &phone.id(),
            Some((id, &current.posted)),
        );
        let mut drafts = vec![crate::events::Draft::new(
            workspace,
            "contact.updated",
            json!({ "contact": phone.id(), "previous": (phone.id() != id).then_some(id), "source": "api" }),
        )];
        match input.opted_out {
            Some(true) if !current.opted_out => drafts.push(crate::events::Draft::new(
                workspace,
                "contact.opted_out",
                json!({ "contact": phone.id(), "source": "api" }),
            )),
            Some(false) if current.opted_out => drafts.push(crate::events::Draft::new(
                workspace,
                "contact.opted_in",
                json!({ "contact": phone.id(), "source": "api" }),
            )),
            _ => {}
        }
        params.insert("ulak_events".into(), json!(drafts));
        // The index changes are worked out from the contact as read: the write goes through
        // only if nobody changed it since (else read again).
        let write = if phone.id() == id {
            format!(
                "LET $w = (UPDATE type::record('contact', [$ws, $id]) SET {SET_FIELDS} \
                 WHERE updated_at = <datetime>$seen RETURN {FIELDS})"
            )
        } else {
            format!(
                "LET $gone = (DELETE type::record('contact', [$ws, $old_id]) WHERE updated_at = <datetime>$seen RETURN BEFORE); \
                 IF array::len($gone) = 0 {{ THROW '{CHANGED}' }}; \
                 LET $w = (CREATE type::record('contact', [$ws, $id]) SET {SET_FIELDS}, created_at = <datetime>$created_at RETURN {FIELDS})"
            )
        };
        let sql = format!(
            "BEGIN; {write}; IF array::len($w) = 0 {{ THROW '{CHANGED}' }}; {} {} RETURN $w; COMMIT;",
            index::Postings::SQL,
            crate::events::RECORD
        );
        match state
            .db
            .last_rows::<StoredContact>(&sql, Value::Object(params))
            .await
        {
            Ok(rows) => {
                let contact = rows
                    .into_iter()
                    .next()
                    .map(Contact::from)
                    .ok_or_else(|| ApiError::not_found("contact"))?;
                register_fields(state, workspace, &contact).await?;
                return Ok(contact);
            }
            Err(DbError::Conflict(_)) => return Err(exists_conflict(&phone)),
            Err(e) if changed_meanwhile(&e) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(DbError::Contended("the contact kept changing".into()).into())
}

/// Writes that work out index changes from a contact they read first try this often when the
/// contact changed in between.
const CHANGED_RETRIES: usize = 5;
/// What such a write throws when the contact changed since it was read.
const CHANGED: &str = "the contact changed meanwhile";

fn changed_meanwhile(e: &DbError) -> bool {
    matches!(e, DbError::Contended(_)) || e.to_string().contains(CHANGED)
}

pub async fn delete(state: &AppState, workspace: &str, id: &str) -> Result<(), ApiError> {
    for _ in 0..CHANGED_RETRIES {
        let current = find(state, workspace, id)
            .await?
            .ok_or_else(|| ApiError::not_found("contact"))?;
        let mut postings = index::Postings::new(workspace);
        postings.take(id, &current.posted);
        let mut vars = Map::new();
        vars.insert("ws".into(), json!(workspace));
        vars.insert("id".into(), json!(id));
        vars.insert("seen".into(), json!(current.updated_at.to_rfc3339()));
        vars.insert(
            "ulak_events".into(),
            contact_event(workspace, "contact.deleted", id, "api"),
        );
        postings.vars(&mut vars);
        let sql = format!(
            "BEGIN; LET $gone = (DELETE type::record('contact', [$ws, $id]) WHERE updated_at = <datetime>$seen RETURN BEFORE); \
             IF array::len($gone) = 0 {{ THROW '{CHANGED}' }}; {} {} COMMIT;",
            index::Postings::SQL,
            crate::events::RECORD
        );
        match state.db.exec(&sql, Value::Object(vars)).await {
            Ok(()) => return Ok(()),
            Err(e) if changed_meanwhile(&e) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(DbError::Contended("the contact kept changing".into()).into())
}

/// Deletes every contact of a workspace, a group at a time: one transaction must fit in the store's
/// write buffer (`database.write_buffer_mb`).
pub async fn delete_all(state: &AppState, workspace: &str) -> Result<(), ApiError> {
    const GROUP: usize = 5000;
    // The index first (records of up to a few thousand ids: 200 at a time).
    loop {
        let gone: Vec<Value> = state
            .db
            .rows(
                "DELETE (SELECT VALUE id FROM array::first([contact_posting:[$ws, '']..[$ws, {}]]) LIMIT 200) RETURN BEFORE",
                json!({ "ws": workspace }),
            )
            .await?;
        if gone.len() < 200 {
            break;
        }
    }
    loop {
        let ids: Vec<String> = state
            .db
            .rows(
                &format!("SELECT VALUE record::id(id)[1] FROM {CONTACTS_AFTER} LIMIT $limit"),
                json!({ "ws": workspace, "after": "", "limit": GROUP }),
            )
            .await?;
        if ids.is_empty() {
            return Ok(());
        }
        state
            .db
            .exec(
                "FOR $id IN $ids { DELETE type::record('contact', [$ws, $id]); }",
                json!({ "ws": workspace, "ids": ids }),
            )
            .await?;
        if ids.len() < GROUP {
            return Ok(());
        }
    }
}

/// Which contacts a list, export or bulk action covers.
#[derive(Debug, Default, Clone)]
pub struct ContactFilter {
    pub search: Option<String>,
    pub tag: Option<String>,
    pub opted_out: Option<bool>,
    pub custom: BTreeMap<String, String>,
}

impl ContactFilter {
    pub fn is_empty(&self) -> bool {
        self.search.is_none()
            && self.tag.is_none()
            && self.opted_out.is_none()
            && self.custom.is_empty()
    }
}

/// The workspace's contacts after the id `$after` (exclusive), in id order, which is phone order: a
/// contact's id is `[workspace, E.164 digits]`. The record range is returned from a function call on
/// purpose: SurrealDB 3.3.5 reads a literal record range to its end before it applies LIMIT, while
/// it scans a range that an expression yields lazily, with the limit pushed down (over 100,000
/// contacts: 2 pages of 50 per second against 1,000; `bench/src/bin/store_costs.rs`).
pub(crate) const CONTACTS_AFTER: &str = "array::first([contact:[$ws, $after]>..[$ws, {}]])";

/// What a list, count or export of this filter reads ([`index::Plan`]), numbers read against the
/// workspace's region.
async fn plan(
    state: &AppState,
    workspace: &str,
    filter: &ContactFilter,
) -> Result<index::Plan, ApiError> {
    let region = index::Region::new(&default_region(state, workspace).await?);
    index::Plan::new(filter, &region)
}

/// Refuses a filter a list would refuse (a search with nothing to look for, too many words), for
/// answers that start before the first page is read (the CSV export).
pub async fn check_filter(
    state: &AppState,
    workspace: &str,
    filter: &ContactFilter,
) -> Result<(), ApiError> {
    plan(state, workspace, filter).await.map(|_| ())
}

/// How many contacts match the filter, and whether that is exact ([`index::count`]).
pub async fn count(
    state: &AppState,
    workspace: &str,
    filter: &ContactFilter,
) -> Result<(u64, bool), ApiError> {
    let plan = plan(state, workspace, filter).await?;
    index::count(&state.db, workspace, &plan).await
}

/// One page of up to `limit` contacts that match the filter, read through the contact index
/// ([`index`]), and the cursor of the next page (absent after the last). Without a search or with
/// an exact filter the order is by phone; a word search lists by the matching word, then phone.
pub async fn list(
    state: &AppState,
    workspace: &str,
    filter: &ContactFilter,
    cursor: &str,
    limit: usize,
) -> Result<(Vec<Contact>, Option<String>), ApiError> {
    let plan = plan(state, workspace, filter).await?;
    index::page(&state.db, workspace, &plan, cursor, limit).await
}

/// One page of the workspace's contacts after `after_id` that match a WHERE clause (built by
/// code, with its values in `params`), by id.
pub async fn scan(
    db: &Db,
    workspace: &str,
    clause: &str,
    mut params: Map<String, Value>,
    after_id: &str,
    limit: usize,
) -> Result<Vec<Contact>, ApiError> {
    params.insert("ws".into(), json!(workspace));
    params.insert("after".into(), json!(after_id));
    params.insert("limit".into(), json!(limit));
    use surrealdb::types::SurrealValue;
    // A range of record ids comes in id order.
    let sql = format!("SELECT VALUE [{FIELDS}] FROM {CONTACTS_AFTER} WHERE {clause} LIMIT $limit");
    let rows = read_rows(db, &sql, Value::Object(params).into_value()).await?;
    Ok(rows.into_iter().map(Contact::from).collect())
}

#[derive(Debug, Clone, Copy)]
pub enum BulkAction {
    Tag,
    Untag,
    Delete,
}

/// Contacts fetched per page by exports and bulk actions.
pub const WORK_PAGE: usize = 1000;

/// Tags, untags or deletes every matching contact, a page at a time (memory stays flat however
/// large the workspace); returns how many changed.
pub async fn bulk(
    state: &AppState,
    workspace: &str,
    filter: &ContactFilter,
    action: BulkAction,
    tags: &[String],
) -> Result<usize, ApiError> {
    let keys: Vec<String> = tags.iter().map(|t| model::search_key(t)).collect();
    let sql = indexed(match action {
        BulkAction::Delete => "FOR $c IN $rows { DELETE type::record('contact', [$ws, $c.id]); }",
        _ => {
            "FOR $c IN $rows { UPDATE type::record('contact', [$ws, $c.id]) SET tags = $c.tags, tag_keys = $c.tag_keys, terms = $c.terms, chunk = $c.chunk, updated_at = time::now(); }"
        }
    });
    let mut cursor = String::new();
    let mut affected = 0;
    loop {
        let (page, next) = list(state, workspace, filter, &cursor, WORK_PAGE).await?;
        let mut changed: Vec<Value> = Vec::new();
        let mut drafts: Vec<crate::events::Draft> = Vec::new();
        let mut postings = index::Postings::new(workspace);
        for contact in page {
            match action {
                BulkAction::Delete => {
                    postings.take(&contact.id, &contact.posted);
                    drafts.push(crate::events::Draft::new(
                        workspace,
                        "contact.deleted",
                        json!({ "contact": contact.id, "source": "bulk" }),
                    ));
                    changed.push(json!({ "id": contact.id }));
                }
                BulkAction::Tag | BulkAction::Untag => {
                    let mut next: Vec<String> = contact
                        .tags
                        .iter()
                        .filter(|t| {
                            matches!(action, BulkAction::Tag)
                                || !keys.contains(&model::search_key(t))
                        })
                        .cloned()
                        .collect();
                    if matches!(action, BulkAction::Tag) {
                        next.extend(tags.iter().cloned());
                    }
                    let next = model::clean_tags(next)?;
                    if next != contact.tags {
                        let next_keys: Vec<String> =
                            next.iter().map(|t| model::search_key(t)).collect();
                        let terms = index::terms_of(&Contact {
                            tags: next.clone(),
                            ..contact.clone()
                        });
                        let chunk =
                            postings.change(&contact.id, &contact.posted, &contact.id, &terms);
                        drafts.push(crate::events::Draft::new(
                            workspace,
                            "contact.updated",
                            json!({ "contact": contact.id, "source": "bulk" }),
                        ));
                        changed.push(json!({ "id": contact.id, "tags": next, "tag_keys": next_keys, "terms": terms, "chunk": chunk }));
                    }
                }
            }
        }
        if !changed.is_empty() {
            let mut vars = Map::new();
            vars.insert("ws".into(), json!(workspace));
            vars.insert("rows".into(), json!(changed));
            vars.insert("ulak_events".into(), json!(drafts));
            postings.vars(&mut vars);
            let db = &state.db;
            db.retrying(|| db.exec(&sql, Value::Object(vars.clone())))
                .await?;
        }
        affected += changed.len();
        match next {
            Some(next) => cursor = next,
            None => return Ok(affected),
        }
    }
}
