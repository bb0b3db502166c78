//! `/api/v1/workspaces/{workspace}/contacts…`: thin handlers over the contacts domain.

use std::collections::{BTreeMap, HashMap};

use futures_util::StreamExt;
use tracing::Instrument;

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::model::{Contact, ContactInput};
use super::{BulkAction, ContactFilter};
use crate::app::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::pagination::{DEFAULT_LIMIT, MAX_LIMIT, Page};

/// Query parameters of the contact list and export. Custom fields filter as `custom.<name>=<value>`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContactQuery {
    /// Items per page, 1 to 500 (default 50). List only.
    pub limit: Option<usize>,
    /// `next_cursor` of the previous page. List only.
    pub cursor: Option<String>,
    /// Words of names and e-mail by their beginning, Turkish letters and case folded (`isik` finds
    /// "Işık", `ayş` finds "Ayşegül"; every word must match); a number by the beginning of any
    /// form people type (`0532 12`, `+90 532`). At most 200 characters and 8 words, with a letter
    /// or digit.
    pub search: Option<String>,
    /// Only contacts with this tag.
    pub tag: Option<String>,
    /// Only opted-out (`true`) or reachable (`false`) contacts.
    pub opted_out: Option<bool>,
    /// `custom.<field>=<value>`: only contacts whose custom field equals the value (repeatable).
    #[param(rename = "custom.<field>", value_type = Option<String>)]
    #[serde(skip)]
    pub custom: Option<String>,
}

struct ParsedQuery {
    filter: ContactFilter,
    limit: usize,
    cursor: String,
}

fn parse_query(raw: &HashMap<String, String>) -> Result<ParsedQuery, ApiError> {
    let mut filter = ContactFilter::default();
    let mut limit = DEFAULT_LIMIT;
    let mut cursor = String::new();
    let bad = |key: &str, why: &str| {
        ApiError::bad_request("invalid_query", format!("{key}: {why}"))
            .with_details(serde_json::json!({ "field": key }))
    };
    for (key, value) in raw {
        match key.as_str() {
            "limit" => {
                limit = value
                    .parse::<usize>()
                    .map_err(|_| bad(key, "expects a number"))?
                    .clamp(1, MAX_LIMIT)
            }
            "cursor" => cursor = value.clone(),
            "search" if !value.trim().is_empty() => filter.search = Some(value.clone()),
            "tag" if !value.trim().is_empty() => filter.tag = Some(value.clone()),
            "search" | "tag" => {}
            "opted_out" => {
                filter.opted_out = Some(
                    value
                        .parse()
                        .map_err(|_| bad(key, "expects true or false"))?,
                )
            }
            other => match other.strip_prefix("custom.") {
                Some(name) if super::model::valid_field_name(name) => {
                    filter.custom.insert(name.to_owned(), value.clone());
                }
                _ => return Err(bad(key, "unknown parameter")),
            },
        }
    }
    Ok(ParsedQuery {
        filter,
        limit,
        cursor,
    })
}

/// List contacts
///
/// By phone without filters; with filters, in the contact index's order (by the matching word for
/// a search, then by when the contacts were indexed, then by phone). A page can hold fewer items
/// than `limit` while `next_cursor` is set: a request reads at most 20,000 index entries.
#[utoipa::path(
    tag = "contacts",
    params(("workspace" = String, Path, description = "Workspace id"), ContactQuery),
    responses(
        (status = 200, description = "A page of contacts", body = Page<Contact>),
        (status = 400, description = "Unknown or malformed query parameter", body = ErrorBody),
        (status = 403, description = "Your role may not read contacts", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/contacts")]
#[tracing::instrument(skip_all)]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    query: web::Query<HashMap<String, String>>,
) -> Result<web::Json<Page<Contact>>, ApiError> {
    state
        .authz
        .check(&principal, &path, "contacts", "read")
        .await?;
    let parsed = parse_query(&query)?;
    let (items, next_cursor) =
        super::list(&state, &path, &parsed.filter, &parsed.cursor, parsed.limit).await?;
    Ok(web::Json(Page { items, next_cursor }))
}

/// How many contacts a filter matches.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactCount {
    #[schema(example = 12345)]
    pub count: u64,
    /// False when `count` is not exact: a word search counts a contact once per word of it that
    /// begins with the search, and a combination of criteria is counted over at most 20,000 index
    /// entries (then `count` is a lower bound).
    pub exact: bool,
}

/// Count contacts
///
/// Takes the list's filters (`search`, `tag`, `opted_out`, `custom.<field>`).
#[utoipa::path(
    tag = "contacts",
    params(("workspace" = String, Path, description = "Workspace id"), ContactQuery),
    responses(
        (status = 200, description = "How many contacts match", body = ContactCount),
        (status = 400, description = "Unknown or malformed query parameter", body = ErrorBody),
        (status = 403, description = "Your role may not read contacts", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/contacts/count")]
#[tracing::instrument(skip_all)]
pub async fn count(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    query: web::Query<HashMap<String, String>>,
) -> Result<web::Json<ContactCount>, ApiError> {
    state
        .authz
        .check(&principal, &path, "contacts", "read")
        .await?;
    let parsed = parse_query(&query)?;
    let (count, exact) = super::count(&state, &path, &parsed.filter).await?;
    Ok(web::Json(ContactCount { count, exact }))
}

/// Create a contact
///
/// The phone is stored in E.164, read against the workspace's default region (TR unless changed).
#[utoipa::path(
    tag = "contacts",
    params(("workspace" = String, Path, description = "Workspace id")),
    request_body(content = ContactInput, example = json!({"phone": "0532 123 45 67", "first_name": "Ayşe", "last_name": "Yılmaz", "gender": "female", "tags": ["vip"], "custom_fields": {"şehir": "İzmir"}})),
    responses(
        (status = 201, description = "Created", body = Contact),
        (status = 400, description = "Invalid field (named in details.field)", body = ErrorBody),
        (status = 403, description = "Your role may not write contacts", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
        (status = 409, description = "A contact with this phone exists (its id in details.id)", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/contacts")]
#[tracing::instrument(skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    body: web::Json<ContactInput>,
) -> Result<HttpResponse, ApiError> {
    state
        .authz
        .check(&principal, &path, "contacts", "write")
        .await?;
    let contact = super::create(&state, &path, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(contact))
}

/// Get a contact
///
/// One contact by its id, the E.164 digits of its phone (`905321234567`).
#[utoipa::path(
    tag = "contacts",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Contact id (E.164 digits)")),
    responses(
        (status = 200, description = "The contact", body = Contact),
        (status = 403, description = "Your role may not read contacts", body = ErrorBody),
        (status = 404, description = "No such workspace or contact", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/contacts/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<web::Json<Contact>, ApiError> {
    let (workspace, id) = path.into_inner();
    state
        .authz
        .check(&principal, &workspace, "contacts", "read")
        .await?;
    let contact = super::find(&state, &workspace, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("contact"))?;
    Ok(web::Json(contact))
}

/// Update a contact
///
/// Only the fields sent change. A new phone gives the contact a new id.
#[utoipa::path(
    tag = "contacts",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Contact id (E.164 digits)")),
    request_body(content = ContactInput, example = json!({"opted_out": true, "opt_out_reason": "asked by phone"})),
    responses(
        (status = 200, description = "Updated", body = Contact),
        (status = 400, description = "Invalid field", body = ErrorBody),
        (status = 403, description = "Your role may not write contacts", body = ErrorBody),
        (status = 404, description = "No such workspace or contact", body = ErrorBody),
        (status = 409, description = "The new phone belongs to another contact", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[patch("/workspaces/{workspace}/contacts/{id}")]
#[tracing::instrument(skip_all)]
pub async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
    body: web::Json<ContactInput>,
) -> Result<web::Json<Contact>, ApiError> {
    let (workspace, id) = path.into_inner();
    state
        .authz
        .check(&principal, &workspace, "contacts", "write")
        .await?;
    Ok(web::Json(
        super::update(&state, &workspace, &id, body.into_inner()).await?,
    ))
}

/// Delete a contact
///
/// Deletes the contact for good.
#[utoipa::path(
    tag = "contacts",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Contact id (E.164 digits)")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Your role may not write contacts", body = ErrorBody),
        (status = 404, description = "No such workspace or contact", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[delete("/workspaces/{workspace}/contacts/{id}")]
#[tracing::instrument(skip_all)]
pub async fn delete_one(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (workspace, id) = path.into_inner();
    state
        .authz
        .check(&principal, &workspace, "contacts", "write")
        .await?;
    super::delete(&state, &workspace, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The filter of a bulk action; at least one criterion, or `all: true`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkFilter {
    pub search: Option<String>,
    pub tag: Option<String>,
    pub opted_out: Option<bool>,
    /// Custom field name → value it must equal.
    #[serde(default)]
    pub custom: BTreeMap<String, String>,
    /// Set to act on every contact of the workspace.
    #[serde(default)]
    pub all: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum BulkKind {
    Tag,
    Untag,
    Delete,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkRequest {
    pub action: BulkKind,
    /// The tags to add or remove (tag and untag only).
    #[serde(default)]
    pub tags: Vec<String>,
    pub filter: BulkFilter,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BulkResult {
    /// How many contacts changed.
    #[schema(example = 120)]
    pub affected: usize,
}

/// Tag, untag or delete contacts by filter
///
/// Tags, untags or deletes every contact the filter matches; an empty filter needs `all: true`.
#[utoipa::path(
    tag = "contacts",
    params(("workspace" = String, Path, description = "Workspace id")),
    request_body(content = BulkRequest, example = json!({"action": "tag", "tags": ["kampanya-kasım"], "filter": {"tag": "vip", "opted_out": false}})),
    responses(
        (status = 200, description = "Done", body = BulkResult),
        (status = 400, description = "No filter (use all: true) or no tags", body = ErrorBody),
        (status = 403, description = "Your role may not write contacts", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/contacts/bulk")]
#[tracing::instrument(skip_all)]
pub async fn bulk(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    body: web::Json<BulkRequest>,
) -> Result<web::Json<BulkResult>, ApiError> {
    state
        .authz
        .check(&principal, &path, "contacts", "write")
        .await?;
    let body = body.into_inner();
    for name in body.filter.custom.keys() {
        if !super::model::valid_field_name(name) {
            return Err(ApiError::invalid_field(
                &format!("filter.custom.{name}"),
                "not a field name",
            ));
        }
    }
    let filter = ContactFilter {
        search: body.filter.search.filter(|s| !s.trim().is_empty()),
        tag: body.filter.tag.filter(|s| !s.trim().is_empty()),
        opted_out: body.filter.opted_out,
        custom: body.filter.custom,
    };
    if filter.is_empty() && !body.filter.all {
        return Err(ApiError::invalid_field(
            "filter",
            "give at least one criterion, or `all: true` for every contact",
        ));
    }
    let action = match body.action {
        BulkKind::Tag => BulkAction::Tag,
        BulkKind::Untag => BulkAction::Untag,
        BulkKind::Delete => BulkAction::Delete,
    };
    if !matches!(action, BulkAction::Delete) {
        if body.tags.is_empty() {
            return Err(ApiError::invalid_field("tags", "name at least one tag"));
        }
        super::model::clean_tags(body.tags.clone())?;
    }
    let affected = super::bulk(&state, &path, &filter, action, &body.tags).await?;
    Ok(web::Json(BulkResult { affected }))
}

/// Spreadsheet programs run cells starting with these as formulas; a leading `'` keeps them text.
/// A phone number in E.164 (`+` and digits only) is data, not a formula, and stays as it is.
pub(crate) fn csv_safe(cell: &str) -> String {
    let phone =
        cell.len() > 1 && cell.starts_with('+') && cell[1..].bytes().all(|b| b.is_ascii_digit());
    if !phone && cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

fn cell(value: &Value) -> String {
    match value {
        Value::String(s) => csv_safe(s),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Export contacts as CSV
///
/// Same filters as the list; one column per custom field. UTF-8 with a header row.
#[utoipa::path(
    tag = "contacts",
    params(("workspace" = String, Path, description = "Workspace id"), ContactQuery),
    responses(
        (status = 200, description = "CSV file", content_type = "text/csv", body = String),
        (status = 400, description = "Unknown or malformed query parameter", body = ErrorBody),
        (status = 403, description = "Your role may not read contacts", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/contacts/export.csv")]
#[tracing::instrument(skip_all)]
pub async fn export_csv(
    state: web::Data<AppState>,
    principal: Principal,
    origin: crate::audit::Origin,
    path: web::Path<String>,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    state
        .authz
        .check(&principal, &path, "contacts", "read")
        .await?;
    let parsed = parse_query(&query)?;
    // The body starts before the first page is read: a filter the list would refuse is refused now.
    super::check_filter(&state, &path, &parsed.filter).await?;
    // The filter as asked (its parameters), so the entry says which contacts left.
    let mut asked: Vec<(&String, &String)> = query.iter().collect();
    asked.sort();
    asked.truncate(50);
    crate::audit::append(
        &state.db,
        crate::audit::Entry::by(&principal, &origin, "contacts.exported")
            .workspace(&path)
            .details(serde_json::json!({ "filter": asked
                .iter()
                .map(|(k, v)| (k.chars().take(64).collect(), serde_json::Value::String(v.chars().take(200).collect())))
                .collect::<serde_json::Map<_, _>>() })),
    )
    .await;
    // One column per custom field the workspace knows, so the header is written before any row.
    let custom: Vec<String> = crate::templates::known_custom_fields(&state.db, &path)
        .await?
        .into_iter()
        .collect();
    let mut header: Vec<String> = EXPORT_COLUMNS.iter().map(|h| (*h).to_owned()).collect();
    header.extend(custom.iter().cloned());
    let head = csv_rows(std::iter::once(header))?;
    // Pages are read by a task of their own, one page ahead of the rows being written, so the
    // store reads the next page on one core while this one is turned into CSV on the other. It
    // stops when the body is dropped (the client went away) or after the last page, which it
    // says (`None`): a reader that ends without saying so (a panic) cuts the download instead of
    // ending it as if complete.
    let (pages, mut next_page) =
        tokio::sync::mpsc::channel::<Option<Result<Vec<Contact>, ApiError>>>(1);
    let workspace = path.into_inner();
    let filter = parsed.filter;
    let reader = state.clone();
    tokio::spawn(
        async move {
            let mut cursor = String::new();
            loop {
                let read =
                    super::list(&reader, &workspace, &filter, &cursor, super::WORK_PAGE).await;
                let next = match &read {
                    Ok((_, Some(next))) => Some(next.clone()),
                    _ => None,
                };
                let failed = read.is_err();
                if pages.send(Some(read.map(|(page, _)| page))).await.is_err() || failed {
                    return;
                }
                match next {
                    Some(next) => cursor = next,
                    None => {
                        let _ = pages.send(None).await;
                        return;
                    }
                }
            }
        }
        .instrument(tracing::Span::current()),
    );
    let mut ended = false;
    let rows = futures_util::stream::poll_fn(move |cx| {
        if ended {
            return std::task::Poll::Ready(None);
        }
        next_page.poll_recv(cx).map(|page| match page {
            Some(Some(page)) => Some(page),
            Some(None) => {
                ended = true;
                None
            }
            None => {
                ended = true;
                Some(Err(ApiError::internal(anyhow::anyhow!(
                    "the contact export's reader stopped before the last page"
                ))))
            }
        })
    });
    // Streamed a page at a time: memory stays flat for any number of contacts.
    let body = futures_util::stream::once(async move { Ok::<_, actix_web::Error>(head) }).chain(
        rows.map(move |page| {
            let page = page.map_err(|e| {
                tracing::warn!(error = %e, "contact export stopped");
                actix_web::error::ErrorServiceUnavailable("export stopped")
            })?;
            csv_rows(page.iter().map(|c| export_row(c, &custom)))
                .map_err(actix_web::error::ErrorInternalServerError)
        }),
    );
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"contacts.csv\"",
        ))
        .streaming(body))
}

const EXPORT_COLUMNS: &[&str] = &[
    "phone",
    "first_name",
    "last_name",
    "gender",
    "honorific",
    "language",
    "email",
    "tags",
    "opted_out",
    "opted_out_at",
    "opt_out_reason",
    "notes",
];

fn export_row(c: &Contact, custom: &[String]) -> Vec<String> {
    let text = |v: &Option<String>| csv_safe(v.as_deref().unwrap_or(""));
    let mut row = vec![
        c.phone.clone(),
        text(&c.first_name),
        text(&c.last_name),
        c.gender
            .map(|g| {
                serde_json::to_value(g)
                    .map(|v| cell(&v))
                    .unwrap_or_default()
            })
            .unwrap_or_default(),
        text(&c.honorific),
        text(&c.language),
        text(&c.email),
        csv_safe(&c.tags.join(";")),
        c.opted_out.to_string(),
        c.opted_out_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        text(&c.opt_out_reason),
        text(&c.notes),
    ];
    row.extend(
        custom
            .iter()
            .map(|name| c.custom_fields.get(name).map(cell).unwrap_or_default()),
    );
    row
}

/// CSV lines for these rows.
fn csv_rows(rows: impl Iterator<Item = Vec<String>>) -> Result<web::Bytes, ApiError> {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    for row in rows {
        writer.write_record(&row).map_err(ApiError::internal)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| ApiError::internal(anyhow::anyhow!("csv: {e}")))?;
    Ok(web::Bytes::from(bytes))
}
