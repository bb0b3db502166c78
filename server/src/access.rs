//! Authorisation a handler cannot forget: `Access<Campaigns, Send>` in a handler's signature resolves
//! the caller, reads the `{workspace}` of the path and checks the permission before the handler
//! runs. A handler that reads a second resource checks that one with [`Access::also`].

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};

use crate::app::AppState;
use crate::auth::Principal;
use crate::error::ApiError;

/// A resource of the permission catalogue.
pub trait Resource {
    const NAME: &'static str;
}

/// An action of the permission catalogue.
pub trait Action {
    const NAME: &'static str;
}

macro_rules! markers {
    ($trait:ident: $($name:ident = $text:literal),* $(,)?) => {
        $(
            #[doc = concat!("`", $text, "` in the permission catalogue.")]
            pub struct $name;
            impl $trait for $name {
                const NAME: &'static str = $text;
            }
        )*
    };
}

markers!(Resource:
    Channels = "channels",
    Campaigns = "campaigns",
    Messages = "messages",
    Conversations = "conversations",
    Contacts = "contacts",
    Templates = "templates",
    Media = "media",
    Settings = "workspace",
    Webhooks = "webhooks",
    Audit = "audit",
);

markers!(Action:
    Read = "read",
    Write = "write",
    Send = "send",
    Update = "update",
);

/// A caller allowed `R:A` in the path's workspace.
pub struct Access<R: Resource, A: Action> {
    pub principal: Principal,
    pub workspace: String,
    _permission: PhantomData<(R, A)>,
}

impl<R: Resource, A: Action> Access<R, A> {
    /// Checks a second permission in the same workspace.
    pub async fn also<R2: Resource, A2: Action>(&self, state: &AppState) -> Result<(), ApiError> {
        state
            .authz
            .check(&self.principal, &self.workspace, R2::NAME, A2::NAME)
            .await
    }

    /// An audit entry of this caller in this workspace.
    pub fn audit(
        &self,
        origin: &crate::audit::Origin,
        action: &'static str,
    ) -> crate::audit::Entry {
        crate::audit::Entry::by(&self.principal, origin, action).workspace(&self.workspace)
    }

    /// Whether the caller also holds a permission (for what to show, not for what to allow).
    pub async fn holds<R2: Resource, A2: Action>(&self, state: &AppState) -> bool {
        state
            .authz
            .allowed(&self.principal, &self.workspace, R2::NAME, A2::NAME)
            .await
            .unwrap_or(false)
    }
}

impl<R: Resource + 'static, A: Action + 'static> FromRequest for Access<R, A> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let principal = Principal::from_request(req, payload);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let workspace = req.match_info().get("workspace").map(str::to_owned);
        Box::pin(async move {
            let principal = principal.await?;
            let state =
                state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("app state missing")))?;
            let workspace = workspace
                .ok_or_else(|| ApiError::internal(anyhow::anyhow!("no workspace in the path")))?;
            state
                .authz
                .check(&principal, &workspace, R::NAME, A::NAME)
                .await?;
            Ok(Access {
                principal,
                workspace,
                _permission: PhantomData,
            })
        })
    }
}
