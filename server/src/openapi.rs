//! The OpenAPI 3.1 document: its header and security schemes here; the paths and schemas come from the
//! routes themselves (utoipa-actix-web collects them where they are registered).

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::auth::SESSION_COOKIE;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Ulak API",
        description = "Self-hosted chat automation: accounts, workspaces, roles, API tokens, contacts, variables, templates and media.\n\n\
            Authenticate with `Authorization: Bearer <token>` (create tokens with POST /api/v1/tokens) or, \
            in the browser, with the session cookie from POST /api/v1/auth/login plus the `X-CSRF-Token` \
            header on mutating requests. Errors always have the body `{code, message, details?}`.",
        license(name = "AGPL-3.0-only")
    ),
    modifiers(&SecuritySchemes),
    components(schemas(crate::error::ErrorBody)),
    tags(
        (name = "auth", description = "Accounts and sessions"),
        (name = "tokens", description = "API tokens for integrators"),
        (name = "workspaces", description = "Workspaces (tenants)"),
        (name = "members", description = "Who belongs to a workspace"),
        (name = "roles", description = "Built-in and custom roles, the permission catalogue"),
        (name = "contacts", description = "Contacts: E.164 phones, tags, custom fields, opt-out"),
        (name = "variables", description = "Workspace custom variables for templates"),
        (name = "templates", description = "Message templates, preview and render"),
        (name = "media", description = "Media library: images, audio, video, documents"),
        (name = "admin", description = "Instance administration (superadmin)"),
        (name = "health", description = "Liveness and readiness"),
    )
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API token: `ulak_<id>_<secret>`"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                SESSION_COOKIE,
                "Browser session from POST /api/v1/auth/login; mutating requests also need X-CSRF-Token",
            ))),
        );
    }
}
