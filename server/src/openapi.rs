//! The OpenAPI 3.1 document: its header and security schemes here; the paths and schemas come from the
//! routes themselves (utoipa-actix-web collects them where they are registered).

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::auth::SESSION_COOKIE;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Ulak API",
        description = "Self-hosted chat automation: accounts, workspaces, roles, API tokens, contacts, variables, templates, media, channels, campaigns, messages and conversations.\n\n\
            Authenticate with `Authorization: Bearer <token>` (create tokens with POST /api/v1/tokens) or, \
            in the browser, with the session cookie from POST /api/v1/auth/login plus the `X-CSRF-Token` \
            header on mutating requests. Errors always have the body `{code, message, details?}`.",
        license(name = "AGPL-3.0-only", identifier = "AGPL-3.0-only")
    ),
    servers((url = "/", description = "This Ulak server")),
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
        (name = "plugins", description = "WebAssembly plugins: install, enable, configure"),
        (name = "imports", description = "Contact imports through importer plugins, with progress"),
        (name = "channels", description = "Channels: how messages leave (SMTP, transport plugins, the sandbox), their state and health, and the public route for their providers' webhooks"),
        (name = "campaigns", description = "Campaigns: a template to an audience through a channel, on a schedule, at a safe rate; dry runs, progress and results"),
        (name = "messages", description = "Single sends and the message log, each message with its status history"),
        (name = "conversations", description = "Inbound and outbound messages per contact: the inbox, threads, replies; the opt-out words"),
        (name = "events", description = "The workspace event log: every change worth reacting to, in pages or as a live server-sent event stream"),
        (name = "webhooks", description = "Outbound webhooks: subscriptions to events, delivered signed (Standard Webhooks), retried, with their delivery records"),
        (name = "audit", description = "The audit log: who did what, when, from which address; per workspace (owners and admins) and for the instance (the superadmin)"),
        (name = "admin", description = "Instance administration (superadmin)"),
        (name = "health", description = "Liveness and readiness"),
    )
)]
pub struct ApiDoc;

/// Raw bytes in a response (media content, thumbnails): `type: string, format: binary`, which client
/// generators turn into a byte stream rather than an array of numbers.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
#[schema(value_type = String, format = Binary)]
pub struct Binary(Vec<u8>);

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

/// The error answers every operation of a kind can give, added where an operation does not document
/// them itself: 401 wherever credentials are required; 400, 413 and 415 wherever a JSON body is read;
/// 400 wherever query parameters are parsed. Applied to the assembled document (the paths come from
/// the routes, after `ApiDoc`'s own modifiers ran).
/// Handlers in different modules share names (`list`, `get_one` …), and generated clients need
/// unique operation ids: a repeated id becomes `<tag>_<id>` (`contacts_list`, `media_get_one`).
pub fn unique_operation_ids(openapi: &mut utoipa::openapi::OpenApi) {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for item in openapi.paths.paths.values() {
        for operation in [&item.get, &item.put, &item.post, &item.delete, &item.patch]
            .into_iter()
            .flatten()
        {
            if let Some(id) = &operation.operation_id {
                *seen.entry(id.clone()).or_default() += 1;
            }
        }
    }
    for item in openapi.paths.paths.values_mut() {
        for operation in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            let tag = operation
                .tags
                .as_ref()
                .and_then(|t| t.first())
                .cloned()
                .unwrap_or_default();
            if let Some(id) = &mut operation.operation_id
                && seen.get(id.as_str()).is_some_and(|n| *n > 1)
            {
                *id = format!("{tag}_{id}");
            }
        }
    }
}

/// Component schemas nothing refers to (a generic page's item type is inlined into the page, so its
/// own entry is left over) are dropped: linters flag them and clients would generate dead types.
pub fn drop_unused_schemas(openapi: &mut utoipa::openapi::OpenApi) {
    loop {
        let Some(components) = &openapi.components else {
            return;
        };
        let text = serde_json::to_string(&*openapi).unwrap_or_default();
        let unused: Vec<String> = components
            .schemas
            .keys()
            .filter(|name| !text.contains(&format!("\"#/components/schemas/{name}\"")))
            .cloned()
            .collect();
        if unused.is_empty() {
            return;
        }
        if let Some(components) = &mut openapi.components {
            for name in unused {
                components.schemas.remove(&name);
            }
        }
    }
}

/// Operations that need no credentials say so with `security: []`, so that linters and client
/// generators do not read them as unspecified.
pub fn mark_public_operations(openapi: &mut utoipa::openapi::OpenApi) {
    for item in openapi.paths.paths.values_mut() {
        for operation in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            operation.security.get_or_insert_with(Vec::new);
        }
    }
}

pub fn add_common_errors(openapi: &mut utoipa::openapi::OpenApi) {
    for item in openapi.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            if operation.security.as_ref().is_some_and(|s| !s.is_empty()) {
                add_error(
                    operation,
                    "401",
                    "Not signed in, or the API token is invalid or revoked",
                );
            }
            let json_body = matches!(&operation.request_body, Some(RefOr::T(body)) if body.content.contains_key("application/json"));
            if json_body {
                add_error(
                    operation,
                    "400",
                    "Malformed JSON, a wrong type or an invalid field",
                );
                add_error(
                    operation,
                    "413",
                    "The body is larger than server.max_json_body_bytes",
                );
                add_error(
                    operation,
                    "415",
                    "The body is not Content-Type: application/json",
                );
            }
            let has_query = operation.parameters.iter().flatten().any(|p| {
                matches!(p, RefOr::T(parameter) if matches!(parameter.parameter_in, ParameterIn::Query))
            });
            if has_query {
                add_error(
                    operation,
                    "400",
                    "A query parameter is unknown or malformed",
                );
            }
        }
    }
}

fn add_error(operation: &mut Operation, status: &str, description: &str) {
    operation
        .responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("ErrorBody")))
                            .build(),
                    )
                    .build(),
            )
        });
}

/// The documented routes with their methods, to answer 405 (with `Allow`) rather than 404 when a
/// known path is called with a method it does not have.
pub struct RouteTable {
    routes: Vec<(Vec<String>, Vec<&'static str>)>,
}

impl RouteTable {
    pub fn from_document(openapi: &utoipa::openapi::OpenApi) -> Self {
        let routes = openapi
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let segments = path
                    .trim_matches('/')
                    .split('/')
                    .map(str::to_owned)
                    .collect();
                let methods = [
                    ("GET", item.get.is_some()),
                    ("PUT", item.put.is_some()),
                    ("POST", item.post.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("PATCH", item.patch.is_some()),
                ]
                .into_iter()
                .filter_map(|(m, present)| present.then_some(m))
                .collect();
                (segments, methods)
            })
            .collect();
        Self { routes }
    }

    /// The methods a path accepts, when some documented route matches it. Literal segments win over
    /// placeholders (`/contacts/bulk` is not `/contacts/{id}`), as they do in the router. A trailing
    /// slash is an empty last segment, as it is to the router: `/contacts/imports/` matches nothing.
    pub fn allowed(&self, path: &str) -> Option<Vec<&'static str>> {
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let is_placeholder = |p: &String| p.starts_with('{') && p.ends_with('}');
        let matching = self.routes.iter().filter(|(pattern, _)| {
            pattern.len() == segments.len()
                && pattern
                    .iter()
                    .zip(&segments)
                    .all(|(p, s)| (is_placeholder(p) && !s.is_empty()) || p == s)
        });
        let best = matching
            .min_by_key(|(pattern, _)| pattern.iter().filter(|p| is_placeholder(p)).count())?;
        Some(best.1.clone())
    }
}
