//! `/api/v1/workspaces/{workspace}/templates…`: CRUD, preview for a contact, ad-hoc render.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::auth::Principal;
use crate::contacts::model::{Contact, ContactInput, clean_tags};
use crate::error::{ApiError, ErrorBody};
use crate::media::MediaRef;
use crate::pagination::{Page, PageQuery};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Template {
    #[schema(example = "t0k2m4n6p8r0t2v4x6z8")]
    pub id: String,
    #[schema(example = "Kasım kampanyası")]
    pub name: String,
    #[schema(
        example = "%sayın%, %kampanya_kodu% kodu ile %50 indirim! {{#if (has_tag \"vip\")}}VIP hediyeniz hazır.{{/if}}"
    )]
    pub body: String,
    /// Media ids attached to every message.
    pub media: Vec<String>,
    pub tags: Vec<String>,
    /// Per-channel data, e.g. `{"whatsapp_cloud": {"template_name": "kasim", "language": "tr", "parameters": ["ad"]}}`.
    pub channel_hints: BTreeMap<String, Value>,
    /// Workspace variables the body uses (a used variable cannot be deleted).
    pub variables: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateInput {
    #[schema(example = "Kasım kampanyası")]
    pub name: String,
    #[schema(example = "%sayın%, %ad|Değerli müşterimiz% için %tarih% tarihine özel %50 indirim.")]
    pub body: String,
    #[serde(default)]
    pub media: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub channel_hints: BTreeMap<String, Value>,
}

const FIELDS: &str = "record::id(id) AS id, name, body, media, tags, channel_hints, variables, created_at, updated_at";
const MAX_CHANNEL_HINTS_BYTES: usize = 16 * 1024;

struct Checked {
    params: serde_json::Map<String, Value>,
}

async fn check_input(
    state: &AppState,
    workspace: &str,
    input: TemplateInput,
) -> Result<Checked, ApiError> {
    let name = crate::auth::users::validate_name("name", &input.name)?;
    let compiled = super::compile(super::Renderer::of(state), workspace, &input.body).await?;
    crate::media::refs(state, workspace, &input.media).await?;
    let tags = clean_tags(input.tags)?;
    for (channel, hint) in &input.channel_hints {
        crate::error::ensure_json_depth(&format!("channel_hints.{channel}"), hint)?;
    }
    if serde_json::to_vec(&input.channel_hints).map_or(0, |v| v.len()) > MAX_CHANNEL_HINTS_BYTES {
        return Err(ApiError::invalid_field(
            "channel_hints",
            format!("at most {MAX_CHANNEL_HINTS_BYTES} bytes"),
        ));
    }
    super::compile_mapping(
        super::Renderer::of(state),
        workspace,
        &input.channel_hints,
        &std::collections::BTreeSet::new(),
    )
    .await?;
    let mut params = serde_json::Map::new();
    params.insert("ws".into(), json!(workspace));
    params.insert("name".into(), json!(name));
    params.insert("body".into(), json!(input.body));
    params.insert("media".into(), json!(input.media));
    params.insert("tags".into(), json!(tags));
    params.insert("hints".into(), json!(input.channel_hints));
    params.insert("variables".into(), json!(compiled.variables_used));
    Ok(Checked { params })
}

async fn find(state: &AppState, workspace: &str, id: &str) -> Result<Template, ApiError> {
    state
        .db
        .row(
            &format!("SELECT {FIELDS} FROM type::record('template', $id) WHERE workspace = $ws"),
            json!({ "ws": workspace, "id": id }),
        )
        .await?
        .ok_or_else(|| ApiError::not_found("template"))
}

/// List templates
///
/// The workspace's templates in pages.
#[utoipa::path(
    tag = "templates",
    params(("workspace" = String, Path, description = "Workspace id"), PageQuery),
    responses(
        (status = 200, description = "Templates, by id", body = Page<Template>),
        (status = 403, description = "Your role may not read templates", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/templates")]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<Template>>, ApiError> {
    state
        .authz
        .check(&principal, &path, "templates", "read")
        .await?;
    let page = crate::pagination::workspace_page(
        &state.db,
        "template",
        FIELDS,
        crate::pagination::PageKey::RecordId,
        &path,
        &query,
        |t: &Template| t.id.clone(),
    )
    .await?;
    Ok(web::Json(page))
}

/// Create a template
///
/// Saved only when valid: syntax errors and unknown variables are a 422 whose `details.issues` names
/// each one with its line and column.
#[utoipa::path(
    tag = "templates",
    params(("workspace" = String, Path, description = "Workspace id")),
    request_body = TemplateInput,
    responses(
        (status = 201, description = "Created", body = Template),
        (status = 400, description = "Invalid name, tags, media id or hints", body = ErrorBody),
        (status = 403, description = "Your role may not write templates", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
        (status = 422, description = "The body does not compile", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/templates")]
#[tracing::instrument(skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    body: web::Json<TemplateInput>,
) -> Result<HttpResponse, ApiError> {
    state
        .authz
        .check(&principal, &path, "templates", "write")
        .await?;
    let mut checked = check_input(&state, &path, body.into_inner()).await?;
    checked
        .params
        .insert("id".into(), json!(crate::db::new_id()));
    let sql = format!(
        "CREATE type::record('template', $id) SET workspace = $ws, name = $name, body = $body, media = $media, \
         tags = $tags, channel_hints = $hints, variables = $variables RETURN {FIELDS}"
    );
    let template: Template = state
        .db
        .row(&sql, Value::Object(checked.params))
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("template not returned")))?;
    Ok(HttpResponse::Created().json(template))
}

/// Get a template
///
/// One template with its body, attachments and the variables it uses.
#[utoipa::path(
    tag = "templates",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Template id")),
    responses(
        (status = 200, description = "The template", body = Template),
        (status = 404, description = "No such workspace or template", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/templates/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<web::Json<Template>, ApiError> {
    let (workspace, id) = path.into_inner();
    state
        .authz
        .check(&principal, &workspace, "templates", "read")
        .await?;
    Ok(web::Json(find(&state, &workspace, &id).await?))
}

/// Replace a template
///
/// Replaces the template; the new body must compile (422 lists every problem with its position).
#[utoipa::path(
    tag = "templates",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Template id")),
    request_body = TemplateInput,
    responses(
        (status = 200, description = "Replaced", body = Template),
        (status = 400, description = "Invalid field", body = ErrorBody),
        (status = 403, description = "Your role may not write templates", body = ErrorBody),
        (status = 404, description = "No such workspace or template", body = ErrorBody),
        (status = 422, description = "The body does not compile", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[put("/workspaces/{workspace}/templates/{id}")]
#[tracing::instrument(skip_all)]
pub async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
    body: web::Json<TemplateInput>,
) -> Result<web::Json<Template>, ApiError> {
    let (workspace, id) = path.into_inner();
    state
        .authz
        .check(&principal, &workspace, "templates", "write")
        .await?;
    find(&state, &workspace, &id).await?;
    let mut checked = check_input(&state, &workspace, body.into_inner()).await?;
    checked.params.insert("id".into(), json!(id));
    let sql = format!(
        "UPDATE type::record('template', $id) SET name = $name, body = $body, media = $media, tags = $tags, \
         channel_hints = $hints, variables = $variables, updated_at = time::now() WHERE workspace = $ws RETURN {FIELDS}"
    );
    let template = state
        .db
        .row::<Template>(&sql, Value::Object(checked.params))
        .await?;
    Ok(web::Json(
        template.ok_or_else(|| ApiError::not_found("template"))?,
    ))
}

/// Delete a template
///
/// Deletes the template.
#[utoipa::path(
    tag = "templates",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Template id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Your role may not write templates", body = ErrorBody),
        (status = 404, description = "No such workspace or template", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[delete("/workspaces/{workspace}/templates/{id}")]
#[tracing::instrument(skip_all)]
pub async fn delete_one(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (workspace, id) = path.into_inner();
    state
        .authz
        .check(&principal, &workspace, "templates", "write")
        .await?;
    find(&state, &workspace, &id).await?;
    state
        .db
        .exec(
            "DELETE type::record('template', $id) WHERE workspace = $ws",
            json!({ "ws": workspace, "id": id }),
        )
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewRequest {
    /// A stored contact's id…
    #[schema(example = "905321234567")]
    pub contact_id: Option<String>,
    /// …or a contact given inline (not stored).
    pub contact: Option<ContactInput>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Rendered {
    #[schema(example = "Sayın Ayşe Hanım, KASIM50 kodu ile %50 indirim!")]
    pub text: String,
    pub attachments: Vec<MediaRef>,
    /// Plugin resolvers that gave no value for this contact, with their reason. A campaign or a
    /// send does not send a message whose placeholder has no fallback (`fallback_used` false):
    /// that message fails with the reason.
    pub warnings: Vec<super::RenderWarning>,
}

/// The contact a preview renders for. Reading a stored contact needs `contacts:read` besides the
/// template permission.
async fn preview_contact(
    state: &AppState,
    principal: &Principal,
    workspace: &str,
    contact_id: Option<String>,
    inline: Option<ContactInput>,
) -> Result<Contact, ApiError> {
    match (contact_id, inline) {
        (Some(id), None) => {
            state
                .authz
                .check(principal, workspace, "contacts", "read")
                .await?;
            crate::contacts::find(state, workspace, &id)
                .await?
                .ok_or_else(|| {
                    ApiError::not_found("contact").with_details(json!({ "field": "contact_id" }))
                })
        }
        (None, Some(input)) => crate::contacts::unsaved(state, workspace, input).await,
        _ => Err(ApiError::invalid_field(
            "contact",
            "give either contact_id or contact",
        )),
    }
}

/// Attachment metadata, which needs `media:read` besides the template permission.
async fn attachments(
    state: &AppState,
    principal: &Principal,
    workspace: &str,
    ids: &[String],
) -> Result<Vec<MediaRef>, ApiError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    state
        .authz
        .check(principal, workspace, "media", "read")
        .await?;
    crate::media::refs(state, workspace, ids).await
}

/// Preview a template for a contact
///
/// Renders the stored template for a stored contact (`contact_id`, which also needs `contacts:read`)
/// or an inline one (`contact`). Attachments need `media:read`.
#[utoipa::path(
    tag = "templates",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Template id")),
    request_body(content = PreviewRequest, example = json!({"contact": {"phone": "05321234567", "first_name": "Ayşe", "gender": "female"}})),
    responses(
        (status = 200, description = "The text as this contact would receive it", body = Rendered),
        (status = 400, description = "Neither or both of contact_id and contact, or an invalid contact", body = ErrorBody),
        (status = 403, description = "Your role may not read templates (or the contact or media it needs)", body = ErrorBody),
        (status = 404, description = "No such workspace, template or contact", body = ErrorBody),
        (status = 422, description = "The template no longer compiles (a variable was changed)", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/templates/{id}/preview")]
#[tracing::instrument(skip_all)]
pub async fn preview(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
    body: web::Json<PreviewRequest>,
) -> Result<web::Json<Rendered>, ApiError> {
    let (workspace, id) = path.into_inner();
    state
        .authz
        .check(&principal, &workspace, "templates", "read")
        .await?;
    let template = find(&state, &workspace, &id).await?;
    let body = body.into_inner();
    let contact = preview_contact(
        &state,
        &principal,
        &workspace,
        body.contact_id,
        body.contact,
    )
    .await?;
    let attachments = attachments(&state, &principal, &workspace, &template.media).await?;
    let compiled = super::compile(super::Renderer::of(&state), &workspace, &template.body).await?;
    let settings = super::render_settings(&state.db, &workspace).await?;
    let super::RenderedText { text, warnings, .. } = super::render_one(
        &state.plugins,
        &workspace,
        std::sync::Arc::new(compiled.template),
        &contact,
        &settings,
    )
    .await?;
    Ok(web::Json(Rendered {
        text,
        attachments,
        warnings,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenderRequest {
    #[schema(example = "%sayın%, bugün %tarih%.")]
    pub body: String,
    #[serde(default)]
    pub media: Vec<String>,
    pub contact_id: Option<String>,
    pub contact: Option<ContactInput>,
}

/// Render a body without saving it
///
/// Compiles and renders a body for a stored (`contacts:read` needed) or inline contact without saving
/// anything: a live preview while editing. Attachments need `media:read`.
#[utoipa::path(
    tag = "templates",
    params(("workspace" = String, Path, description = "Workspace id")),
    request_body(content = RenderRequest, example = json!({"body": "%sayın%, bugün %tarih%.", "contact": {"phone": "05321234567", "first_name": "Ahmet", "gender": "male"}})),
    responses(
        (status = 200, description = "The rendered text", body = Rendered),
        (status = 400, description = "Invalid contact or media id", body = ErrorBody),
        (status = 403, description = "Your role may not read templates (or the contact or media it needs)", body = ErrorBody),
        (status = 404, description = "No such workspace or contact", body = ErrorBody),
        (status = 422, description = "The body does not compile", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/templates/render")]
#[tracing::instrument(skip_all)]
pub async fn render(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    body: web::Json<RenderRequest>,
) -> Result<web::Json<Rendered>, ApiError> {
    state
        .authz
        .check(&principal, &path, "templates", "read")
        .await?;
    let body = body.into_inner();
    let compiled = super::compile(super::Renderer::of(&state), &path, &body.body).await?;
    let attachments = attachments(&state, &principal, &path, &body.media).await?;
    let contact = preview_contact(&state, &principal, &path, body.contact_id, body.contact).await?;
    let settings = super::render_settings(&state.db, &path).await?;
    let super::RenderedText { text, warnings, .. } = super::render_one(
        &state.plugins,
        &path,
        std::sync::Arc::new(compiled.template),
        &contact,
        &settings,
    )
    .await?;
    Ok(web::Json(Rendered {
        text,
        attachments,
        warnings,
    }))
}
