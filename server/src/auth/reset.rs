//! Password reset by e-mail: `POST /auth/password-reset` mails a single-use link that expires
//! (`mail.reset_valid_minutes`); `POST /auth/password-reset/confirm` sets the new password with the
//! link's token and ends every session of the account. The first answer is the same whether the
//! address has an account or not, and the mail leaves after it.

use actix_web::{HttpRequest, HttpResponse, post, web};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::Deserialize;
use serde_json::json;
use std::num::NonZeroU32;
use utoipa::ToSchema;

use super::rate_limit::{ClientNet, MAX_EMAIL_KEY_BYTES};
use super::{secrets, users};
use crate::app::AppState;
use crate::error::{ApiError, ErrorBody};

/// Reset requests allowed per address and per client network, and invitation mails per workspace
/// and per recipient.
pub struct ResetLimits {
    per_address: DefaultKeyedRateLimiter<String>,
    per_net: DefaultKeyedRateLimiter<ClientNet>,
    invitations_per_workspace: DefaultKeyedRateLimiter<String>,
    invitations_per_recipient: DefaultKeyedRateLimiter<(String, String)>,
}

fn per_hour(n: u32) -> Quota {
    let n = NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
    Quota::per_hour(n).allow_burst(n)
}

impl ResetLimits {
    pub fn new() -> Self {
        Self {
            per_address: RateLimiter::keyed(per_hour(3)),
            per_net: RateLimiter::keyed(per_hour(10)),
            invitations_per_workspace: RateLimiter::keyed(per_hour(20)),
            invitations_per_recipient: RateLimiter::keyed(
                Quota::with_period(std::time::Duration::from_secs(24 * 3600))
                    .unwrap_or_else(|| per_hour(1)),
            ),
        }
    }

    /// Whether an invitation may be mailed now: 20 an hour from one workspace, one a day to one
    /// address from one workspace (so nobody uses invitations to mail others at will).
    pub fn invitation_mail_allowed(&self, workspace: &str, email: &str) -> bool {
        self.invitations_per_workspace
            .check_key(&workspace.to_owned())
            .is_ok()
            && self
                .invitations_per_recipient
                .check_key(&(workspace.to_owned(), email.to_owned()))
                .is_ok()
    }

    /// Drops the state of keys that are back to their full allowance.
    pub fn forget_idle(&self) {
        self.per_address.retain_recent();
        self.per_net.retain_recent();
        self.invitations_per_workspace.retain_recent();
        self.invitations_per_recipient.retain_recent();
    }
}

impl Default for ResetLimits {
    fn default() -> Self {
        Self::new()
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    #[schema(example = "ayse@example.com")]
    pub email: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetConfirm {
    /// The `token` of the link the mail carried.
    #[schema(example = "5c0f9b0e4a…")]
    pub token: String,
    /// At least 8 characters.
    #[schema(
        example = "correct horse battery staple",
        min_length = 8,
        max_length = 1024
    )]
    pub new_password: String,
}

/// Ask for a password-reset e-mail
///
/// Mails a link to `/app/reset-password?token=…` that sets a new password once, within
/// `mail.reset_valid_minutes` (60 by default). The answer is 202 whether or not the address has an
/// account, and the mail leaves after it; at most 3 mails an hour go to one address. Without
/// `[mail]` settings the answer is 409 `mail_not_configured`.
#[utoipa::path(
    tag = "auth",
    request_body(content = ResetRequest, example = json!({ "email": "ayse@example.com" })),
    responses(
        (status = 202, description = "If the address has an account, a link is on its way"),
        (status = 400, description = "Not an e-mail address", body = ErrorBody),
        (status = 409, description = "This server sends no e-mail", body = ErrorBody),
        (status = 429, description = "Too many requests from your network; see Retry-After", body = ErrorBody),
    )
)]
#[post("/auth/password-reset")]
#[tracing::instrument(skip_all)]
pub async fn request_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<ResetRequest>,
) -> Result<HttpResponse, ApiError> {
    let Some(mailer) = state.mailer.clone() else {
        return Err(crate::mail::not_configured());
    };
    let email = users::normalize_email("email", &body.email)?;
    if email.len() > MAX_EMAIL_KEY_BYTES {
        return Err(ApiError::invalid_field("email", "is too long"));
    }
    if let Some(net) = state.client_address.of(&req).map(ClientNet::of)
        && state.reset_limits.per_net.check_key(&net).is_err()
    {
        return Err(ApiError::rate_limited(360));
    }
    if state.reset_limits.per_address.check_key(&email).is_err() {
        // Answered like any other request: the limit says nothing about the address.
        return Ok(HttpResponse::Accepted().finish());
    }
    // Everything that depends on whether the address has an account happens after the answer, so
    // neither its time nor a store error tells.
    let state = state.into_inner();
    tokio::spawn(async move {
        if let Err(e) = mail_reset_link(&state, &mailer, email).await {
            tracing::warn!(error = %e, "password reset not mailed");
        }
    });
    Ok(HttpResponse::Accepted().finish())
}

async fn mail_reset_link(
    state: &AppState,
    mailer: &std::sync::Arc<crate::mail::Mailer>,
    email: String,
) -> Result<(), ApiError> {
    let Some(user) = users::find_by_email(state, &email).await? else {
        return Ok(());
    };
    let token = secrets::random_secret();
    let minutes = state.settings.mail.reset_valid_minutes;
    // Earlier links stay valid until one of them is used (all go then), so nobody else asking
    // for a reset can spoil the link someone just received.
    state
        .db
        .exec(
            &format!(
                "CREATE type::record('password_reset', $key) SET user = $user, \
                     created_at = time::now(), expires_at = time::now() + {minutes}m;"
            ),
            json!({ "key": secrets::sha256_hex(&token), "user": user.user.id }),
        )
        .await?;
    let link = mailer.link(&format!("/app/reset-password?token={token}"));
    mailer.send_later(
        "password reset",
        crate::mail::Mail {
            to: email,
            subject: "Ulak: şifre sıfırlama / password reset".into(),
            text: format!(
                "Merhaba {name},\n\n\
                 Ulak şifrenizi sıfırlamak için bu bağlantıyı {minutes} dakika içinde açın \
                 (bir kez çalışır):\n{link}\n\n\
                 Bunu siz istemediyseniz bu e-postayı yok sayın; şifreniz değişmez.\n\n\
                 ---\n\n\
                 Hello {name},\n\n\
                 To reset your Ulak password, open this link within {minutes} minutes \
                 (it works once):\n{link}\n\n\
                 If you did not ask for this, ignore this mail; your password stays as it is.\n",
                name = user.user.name,
            ),
        },
    );
    tracing::info!(user = %user.user.id, "password reset mailed");
    Ok(())
}

/// Set a new password with a reset link
///
/// Takes the token of a password-reset mail; the link works once and expires. Every session of
/// the account ends (API tokens stay; revoke them in the console if the account was taken over).
#[utoipa::path(
    tag = "auth",
    request_body(content = ResetConfirm, example = json!({ "token": "5c0f9b0e4a…", "new_password": "correct horse battery staple" })),
    responses(
        (status = 204, description = "Password set; sign in with it"),
        (status = 400, description = "The link is invalid, used or expired, or the password is too short or too long", body = ErrorBody),
    )
)]
#[post("/auth/password-reset/confirm")]
#[tracing::instrument(skip_all)]
pub async fn confirm_reset(
    state: web::Data<AppState>,
    origin: crate::audit::Origin,
    body: web::Json<ResetConfirm>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    secrets::validate_new_password("new_password", &body.new_password)?;
    let invalid = || {
        ApiError::bad_request(
            "invalid_reset_link",
            "this reset link is invalid, already used or expired; ask for a new one",
        )
    };
    let token = body.token.trim();
    if token.is_empty() || token.len() > 200 {
        return Err(invalid());
    }
    // Hashed first; then the link is taken, the password set and every session ended in one
    // transaction: a failure leaves the link usable and nothing half done.
    let hash = secrets::hash_password(body.new_password).await?;
    #[derive(Deserialize)]
    struct Taken {
        user: String,
    }
    let sql = format!(
        "BEGIN; \
                 LET $link = (SELECT user, expires_at FROM ONLY type::record('password_reset', $key)); \
                 IF $link = NONE OR $link.expires_at < time::now() {{ THROW 'invalid_reset_link'; }}; \
                 IF !record::exists(type::record('user', $link.user)) {{ THROW 'invalid_reset_link'; }}; \
                 DELETE password_reset WHERE user = $link.user; \
                 UPDATE type::record('user', $link.user) SET password_hash = $hash; \
                 DELETE session WHERE user = $link.user; \
                 {} \
                 RETURN {{ user: $link.user }}; \
                 COMMIT;",
        super::BUMP_AUTH_VERSION
    );
    let vars = json!({ "key": secrets::sha256_hex(token), "hash": hash });
    // A lost race is tried again, and then finds the link used.
    let taken = state
        .db
        .retrying(|| state.db.last_rows::<Taken>(&sql, vars.clone()))
        .await;
    let taken = match taken {
        Ok(rows) => rows.into_iter().next().ok_or_else(invalid)?,
        Err(crate::db::DbError::Store(text)) if text.contains("invalid_reset_link") => {
            return Err(invalid());
        }
        Err(e) => return Err(e.into()),
    };
    state.principals.evict_user(&taken.user);
    tracing::info!(user = %taken.user, "password reset by mail");
    let actor = crate::audit::Actor {
        user: Some(taken.user),
        ..Default::default()
    };
    crate::audit::append(
        &state.db,
        crate::audit::Entry::new(actor, &origin, "auth.password_reset"),
    )
    .await;
    Ok(HttpResponse::NoContent().finish())
}
