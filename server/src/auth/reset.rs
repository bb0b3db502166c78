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
use super::{secrets, sessions, users};
use crate::app::AppState;
use crate::error::{ApiError, ErrorBody};

/// Reset requests allowed per address and per client network.
pub struct ResetLimits {
    per_address: DefaultKeyedRateLimiter<String>,
    per_net: DefaultKeyedRateLimiter<ClientNet>,
}

impl ResetLimits {
    pub fn new() -> Self {
        let per_hour = |n: u32| {
            Quota::per_hour(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
                .allow_burst(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
        };
        Self {
            per_address: RateLimiter::keyed(per_hour(3)),
            per_net: RateLimiter::keyed(per_hour(10)),
        }
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
    let Some(user) = users::find_by_email(&state, &email).await? else {
        return Ok(HttpResponse::Accepted().finish());
    };
    let token = secrets::random_secret();
    let minutes = state.settings.mail.reset_valid_minutes;
    // A new link replaces the ones before it.
    state
        .db
        .exec(
            &format!(
                "BEGIN; \
                 DELETE password_reset WHERE user = $user; \
                 CREATE type::record('password_reset', $key) SET user = $user, \
                     created_at = time::now(), expires_at = time::now() + {minutes}m; \
                 COMMIT;"
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
    Ok(HttpResponse::Accepted().finish())
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
    #[derive(Deserialize)]
    struct Taken {
        user: String,
        expired: bool,
    }
    // Taken and removed at once: a second use finds nothing.
    let taken: Option<Taken> = state
        .db
        .last_rows(
            "LET $gone = (DELETE type::record('password_reset', $key) RETURN BEFORE); \
             RETURN IF array::len($gone) = 0 { NONE } ELSE { { user: $gone[0].user, expired: $gone[0].expires_at < time::now() } };",
            json!({ "key": secrets::sha256_hex(token) }),
        )
        .await?
        .into_iter()
        .next()
        .flatten();
    let Some(taken) = taken.filter(|t| !t.expired) else {
        return Err(invalid());
    };
    if users::find_by_id(&state, &taken.user).await?.is_none() {
        return Err(invalid());
    }
    users::set_password(&state, &taken.user, body.new_password).await?;
    sessions::delete_all_for_user(&state, &taken.user, None).await?;
    tracing::info!(user = %taken.user, "password reset by mail");
    Ok(HttpResponse::NoContent().finish())
}
