//! Invitations: how people join a workspace. An admin invites an email address with a role; the
//! answer carries a one-time code (for the link sent to that person) and is the same whether an
//! account with that address exists or not. Nobody is added without accepting.
//!
//! Registration does not prove that someone owns an address (no mail is sent yet), so an account
//! created after the invitation can accept it only with the code; an account that already had the
//! address when the invitation was made sees the invitation when signed in and accepts it as is.
//! At acceptance the inviter must still be allowed to grant the role, and the workspace must still
//! exist.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::members::{Member, user_subject};
use super::roles;
use crate::app::AppState;
use crate::auth::{Principal, secrets, users};
use crate::error::{ApiError, ErrorBody};
use crate::pagination::{Page, PageQuery};

/// How long an invitation stays open.
const VALID_DAYS: i64 = 14;
/// Open invitations one workspace may have at once.
const MAX_OPEN_PER_WORKSPACE: usize = 200;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Invitation {
    #[schema(example = "i0k2m4n6p8r0t2v4x6z8")]
    pub id: String,
    pub workspace: String,
    #[schema(example = "Acme Pazarlama")]
    pub workspace_name: String,
    #[schema(example = "mehmet@example.com")]
    pub email: String,
    #[schema(example = "editor")]
    pub role: String,
    /// Who invited, by name.
    #[schema(example = "Ayşe Yılmaz")]
    pub invited_by: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

const FIELDS: &str = "record::id(id) AS id, workspace, workspace_name, email, role, invited_by, \
                      created_at, expires_at";

/// A new invitation, with the code that lets the invitee accept it (shown only now).
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedInvitation {
    #[serde(flatten)]
    pub invitation: Invitation,
    /// Send this (or `accept_path`) to the invitee: an account registered after the invitation
    /// accepts only with it.
    #[schema(example = "3f9a…")]
    pub code: String,
    /// The console page that accepts it: `/app/invitations/<id>?code=<code>`.
    pub accept_path: String,
    /// Whether a mail with the link is on its way to the invitee: when the server has `[mail]`
    /// settings, at most 20 an hour from a workspace and one a day to one address. Otherwise send
    /// the link yourself.
    pub emailed: bool,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitation {
    /// The code from the invitation's link; needed when your account is newer than the invitation.
    #[schema(example = "3f9a0c…")]
    pub code: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteMember {
    /// Where the invitation goes; the person signs in (or registers) with this address to accept.
    #[schema(example = "mehmet@example.com")]
    pub email: String,
    #[schema(example = "editor")]
    pub role: String,
}

async fn open_for_workspace(
    state: &AppState,
    workspace: &str,
) -> Result<Vec<Invitation>, ApiError> {
    Ok(state
        .db
        .rows(
            &format!(
                "SELECT {FIELDS} FROM invitation WHERE workspace = $ws AND expires_at > time::now() \
                 ORDER BY id"
            ),
            json!({ "ws": workspace }),
        )
        .await?)
}

/// Invite a member
///
/// Invites an email address with a role; you cannot give a role that grants more than yours. The
/// person accepts when signed in with that address (`POST /api/v1/invitations/{id}/accept`); an
/// account registered after the invitation needs the `code` of this answer, which is shown only
/// now. The answer is the same whether an account with that address exists or not. Inviting an
/// address again replaces its open invitation.
#[utoipa::path(
    tag = "members",
    params(("workspace" = String, Path, description = "Workspace id")),
    request_body = InviteMember,
    responses(
        (status = 201, description = "Invited; `code` is shown only now", body = CreatedInvitation),
        (status = 400, description = "Invalid email", body = ErrorBody),
        (status = 403, description = "Not allowed, or the role grants more than yours", body = ErrorBody),
        (status = 404, description = "No such workspace or role", body = ErrorBody),
        (status = 409, description = "Already a member, or too many open invitations", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/members")]
#[tracing::instrument(skip_all)]
pub async fn invite(
    state: web::Data<AppState>,
    principal: Principal,
    origin: crate::audit::Origin,
    path: web::Path<String>,
    body: web::Json<InviteMember>,
) -> Result<HttpResponse, ApiError> {
    state
        .authz
        .check(&principal, &path, "members", "write")
        .await?;
    let email = users::normalize_email("email", &body.email)?;
    roles::ensure_grantable(&state, &principal, &path, &body.role).await?;
    let workspace = super::find(&state, &path)
        .await?
        .ok_or_else(|| ApiError::not_found("workspace"))?;
    // Members are listed to whoever may invite, so saying so reveals nothing new.
    if let Some(existing) = users::find_by_email(&state, &email).await?
        && state
            .authz
            .role_of(&user_subject(&existing.user.id), &path)
            .await
            .is_some()
    {
        return Err(ApiError::conflict(
            "already_member",
            "this address belongs to a member already",
        ));
    }
    let open = open_for_workspace(&state, &path).await?;
    // Replacing an open invitation withdraws its role: that one must be yours to give too.
    if let Some(previous) = open.iter().find(|i| i.email == email) {
        roles::ensure_grantable(&state, &principal, &path, &previous.role).await?;
    }
    if open.len() >= MAX_OPEN_PER_WORKSPACE && !open.iter().any(|i| i.email == email) {
        return Err(ApiError::conflict(
            "too_many_invitations",
            format!("a workspace may have at most {MAX_OPEN_PER_WORKSPACE} open invitations"),
        ));
    }
    let sql = format!(
        "DELETE invitation WHERE workspace = $ws AND email = $email; \
         CREATE type::record('invitation', $id) SET workspace = $ws, workspace_name = $name, \
         email = $email, role = $role, invited_by = $by, invited_by_user = $by_user, \
         code_hash = $code_hash, created_at = time::now(), expires_at = time::now() + {VALID_DAYS}d \
         RETURN {FIELDS};"
    );
    let code = secrets::random_secret();
    let created: Vec<Invitation> = state
        .db
        .rows_at(
            &sql,
            json!({ "id": crate::db::new_id(), "ws": path.as_str(), "name": workspace.name,
                    "email": email, "role": body.role, "by": principal.user.name,
                    "by_user": principal.user.id, "code_hash": secrets::sha256_hex(&code) }),
            1,
        )
        .await?;
    let invitation = created
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("invitation not returned")))?;
    tracing::info!(workspace = %path, invitation = %invitation.id, "member invited");
    let accept_path = format!("/app/invitations/{}?code={code}", invitation.id);
    let emailed = match &state.mailer {
        Some(mailer)
            if state
                .reset_limits
                .invitation_mail_allowed(&path, &invitation.email) =>
        {
            let link = mailer.link(&accept_path);
            mailer.send_later(
                "invitation",
                crate::mail::Mail {
                    to: invitation.email.clone(),
                    subject: format!(
                        "Ulak: {} sizi davet ediyor / invites you",
                        invitation.workspace_name
                    ),
                    text: format!(
                        "Merhaba,\n\n\
                         {by}, sizi Ulak'taki \"{ws}\" çalışma alanına ({role}) davet etti. \
                         Davet {days} gün geçerli; kabul etmek için bu adresle giriş yapın ya da \
                         kayıt olun:\n{link}\n\n\
                         ---\n\n\
                         Hello,\n\n\
                         {by} invited you to the \"{ws}\" workspace on Ulak (as {role}). The \
                         invitation is open for {days} days; sign in or register with this address \
                         to accept it:\n{link}\n",
                        by = invitation.invited_by,
                        ws = invitation.workspace_name,
                        role = invitation.role,
                        days = VALID_DAYS,
                    ),
                },
            );
            true
        }
        _ => false,
    };
    crate::audit::append(
        &state.db,
        crate::audit::Entry::by(&principal, &origin, "member.invited")
            .workspace(&path)
            .target(&invitation.id)
            .details(
                json!({ "email": invitation.email, "role": invitation.role, "emailed": emailed }),
            ),
    )
    .await;
    Ok(HttpResponse::Created().json(CreatedInvitation {
        invitation,
        code,
        accept_path,
        emailed,
    }))
}

/// List open invitations
///
/// The workspace's invitations that are neither accepted, declined nor expired.
#[utoipa::path(
    tag = "members",
    params(("workspace" = String, Path, description = "Workspace id")),
    responses(
        (status = 200, description = "Open invitations, by id", body = Vec<Invitation>),
        (status = 403, description = "Your role may not read members", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/invitations")]
#[tracing::instrument(skip_all)]
pub async fn list_for_workspace(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
) -> Result<web::Json<Vec<Invitation>>, ApiError> {
    state
        .authz
        .check(&principal, &path, "members", "read")
        .await?;
    Ok(web::Json(open_for_workspace(&state, &path).await?))
}

/// Withdraw an invitation
///
/// The invitation can no longer be accepted.
#[utoipa::path(
    tag = "members",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Invitation id")),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 403, description = "Your role may not change members", body = ErrorBody),
        (status = 404, description = "No such workspace or invitation", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[delete("/workspaces/{workspace}/invitations/{id}")]
#[tracing::instrument(skip_all)]
pub async fn withdraw(
    state: web::Data<AppState>,
    principal: Principal,
    origin: crate::audit::Origin,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (workspace, id) = path.into_inner();
    state
        .authz
        .check(&principal, &workspace, "members", "write")
        .await?;
    let deleted: Vec<serde_json::Value> = state
        .db
        .rows(
            "DELETE type::record('invitation', $id) WHERE workspace = $ws RETURN BEFORE",
            json!({ "id": id, "ws": workspace }),
        )
        .await?;
    let Some(before) = deleted.first() else {
        return Err(ApiError::not_found("invitation"));
    };
    crate::audit::append(
        &state.db,
        crate::audit::Entry::by(&principal, &origin, "member.invitation_withdrawn")
            .workspace(&workspace)
            .target(&id)
            .details(json!({ "email": before["email"], "role": before["role"] })),
    )
    .await;
    Ok(HttpResponse::NoContent().finish())
}

/// Your invitations
///
/// Open invitations to the address you are signed in with, made after your account existed (newer
/// accounts accept with the code from the invitation's link).
#[utoipa::path(
    tag = "members",
    params(PageQuery),
    responses(
        (status = 200, description = "Invitations to your address, by id", body = Page<Invitation>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Called with an API token", body = ErrorBody),
    ),
    security(("session" = []))
)]
#[get("/invitations")]
#[tracing::instrument(skip_all)]
pub async fn mine(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<Invitation>>, ApiError> {
    principal.require_session()?;
    let limit = query.limit();
    let rows: Vec<Invitation> = state
        .db
        .rows(
            &format!(
                "SELECT {FIELDS} FROM invitation WHERE email = $email AND expires_at > time::now() \
                 AND created_at > <datetime>$joined AND record::id(id) > $after ORDER BY id LIMIT $limit"
            ),
            json!({ "email": principal.user.email, "joined": principal.user.created_at,
                    "after": query.after(), "limit": limit + 1 }),
        )
        .await?;
    Ok(web::Json(Page::from_rows(rows, limit, |i| i.id.clone())))
}

#[derive(Deserialize)]
struct Stored {
    #[serde(flatten)]
    invitation: Invitation,
    code_hash: Option<String>,
    invited_by_user: String,
}

/// An open invitation to the signed-in user's address that this user may answer: the account
/// existed when it was made, or the right code comes with the answer.
async fn own_invitation(
    state: &AppState,
    principal: &Principal,
    id: &str,
    code: Option<&str>,
) -> Result<Stored, ApiError> {
    principal.require_session()?;
    let found: Option<Stored> = state
        .db
        .row(
            &format!(
                "SELECT {FIELDS}, code_hash, invited_by_user FROM type::record('invitation', $id) \
                 WHERE email = $email AND expires_at > time::now()"
            ),
            json!({ "id": id, "email": principal.user.email }),
        )
        .await?;
    let stored = found.ok_or_else(|| ApiError::not_found("invitation"))?;
    let account_was_there = principal.user.created_at < stored.invitation.created_at;
    let code_matches = match (code, &stored.code_hash) {
        (Some(code), Some(hash)) => secrets::digests_equal(&secrets::sha256_hex(code), hash),
        _ => false,
    };
    if !account_was_there && !code_matches {
        return Err(ApiError::forbidden(
            "your account is newer than this invitation: accept it with the code from its link",
        )
        .with_details(json!({ "field": "code" })));
    }
    Ok(stored)
}

/// Removes an invitation as it is answered; only one answer can take it.
async fn consume(state: &AppState, id: &str) -> Result<(), ApiError> {
    let taken: Vec<serde_json::Value> = state
        .db
        .rows(
            "DELETE type::record('invitation', $id) RETURN BEFORE",
            json!({ "id": id }),
        )
        .await?;
    if taken.is_empty() {
        return Err(ApiError::not_found("invitation"));
    }
    Ok(())
}

/// Accept an invitation
///
/// Joins the workspace with the invited role. The invitation must be addressed to the email you are
/// signed in with; an account registered after the invitation also needs its `code`. The inviter
/// must still be allowed to grant the role.
#[utoipa::path(
    tag = "members",
    params(("id" = String, Path, description = "Invitation id")),
    request_body = AcceptInvitation,
    responses(
        (status = 200, description = "You are a member now", body = Member),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Called with an API token, or the code is missing or wrong", body = ErrorBody),
        (status = 404, description = "No such open invitation to your address", body = ErrorBody),
        (status = 409, description = "You are a member already, or the invitation is no longer valid", body = ErrorBody),
    ),
    security(("session" = []))
)]
#[post("/invitations/{id}/accept")]
#[tracing::instrument(skip_all)]
pub async fn accept(
    state: web::Data<AppState>,
    principal: Principal,
    origin: crate::audit::Origin,
    id: web::Path<String>,
    body: Option<web::Json<AcceptInvitation>>,
) -> Result<web::Json<Member>, ApiError> {
    let code = body.and_then(|b| b.into_inner().code);
    let stored = own_invitation(&state, &principal, &id, code.as_deref()).await?;
    let invitation = &stored.invitation;
    let subject = user_subject(&principal.user.id);
    if state
        .authz
        .role_of(&subject, &invitation.workspace)
        .await
        .is_some()
    {
        return Err(ApiError::conflict(
            "already_member",
            "you are a member of this workspace already",
        ));
    }
    let gone = || {
        ApiError::conflict(
            "invitation_invalid",
            "this invitation is no longer valid; ask for a new one",
        )
    };
    let live: Vec<bool> = state
        .db
        .rows(
            "SELECT VALUE deleting_since IS NONE FROM type::record('workspace', $ws)",
            json!({ "ws": invitation.workspace }),
        )
        .await?;
    let live = live.first().copied().unwrap_or(false);
    if !live
        || roles::find_stored(&state, &invitation.workspace, &invitation.role)
            .await?
            .is_none()
    {
        return Err(gone());
    }
    // The inviter may have lost the right to give this role since.
    let wanted = state
        .authz
        .role_permissions(&invitation.workspace, &invitation.role)
        .await;
    if !state
        .authz
        .subject_holds_all(
            &user_subject(&stored.invited_by_user),
            &invitation.workspace,
            &wanted,
        )
        .await?
    {
        return Err(gone());
    }
    consume(&state, &invitation.id).await?;
    state
        .authz
        .assign(&subject, &invitation.role, &invitation.workspace)
        .await?;
    tracing::info!(workspace = %invitation.workspace, user = %principal.user.id, "invitation accepted");
    crate::audit::append(
        &state.db,
        crate::audit::Entry::by(&principal, &origin, "member.joined")
            .workspace(&invitation.workspace)
            .target(&principal.user.id)
            .details(json!({ "invitation": invitation.id, "role": invitation.role })),
    )
    .await;
    Ok(web::Json(Member {
        user_id: principal.user.id.clone(),
        email: principal.user.email.clone(),
        name: principal.user.name.clone(),
        role: invitation.role.clone(),
    }))
}

/// Decline an invitation
///
/// The invitation is removed.
#[utoipa::path(
    tag = "members",
    params(("id" = String, Path, description = "Invitation id")),
    request_body = AcceptInvitation,
    responses(
        (status = 204, description = "Declined"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Called with an API token", body = ErrorBody),
        (status = 404, description = "No such open invitation to your address", body = ErrorBody),
    ),
    security(("session" = []))
)]
#[post("/invitations/{id}/decline")]
#[tracing::instrument(skip_all)]
pub async fn decline(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    body: Option<web::Json<AcceptInvitation>>,
) -> Result<HttpResponse, ApiError> {
    let code = body.and_then(|b| b.into_inner().code);
    own_invitation(&state, &principal, &id, code.as_deref()).await?;
    consume(&state, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}
