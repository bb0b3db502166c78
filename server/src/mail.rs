//! The instance's own e-mail (the `[mail]` settings): password resets and invitations. Mail goes out
//! after the request is answered, so how long an answer takes says nothing about whether an
//! address has an account; a failure is logged (without the address) and not retried.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::MailSettings;
use crate::error::ApiError;
use crate::transports::smtp::Security;

/// One mail to send.
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
}

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    public_url: String,
}

impl Mailer {
    /// The mailer the settings describe; `None` when mail is off.
    pub fn from_settings(settings: &MailSettings) -> anyhow::Result<Option<Self>> {
        if !settings.enabled() {
            return Ok(None);
        }
        let host = settings.host.trim();
        let tls = || TlsParameters::new(host.to_owned());
        let tls = match settings.security {
            Security::Tls => Tls::Wrapper(tls()?),
            Security::Starttls => Tls::Required(tls()?),
            Security::None => Tls::None,
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(settings.port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(20)));
        if !settings.username.is_empty() {
            builder = builder.credentials(Credentials::new(
                settings.username.clone(),
                settings.password.expose().to_owned(),
            ));
        }
        Ok(Some(Self {
            transport: builder.build(),
            from: settings.from.parse()?,
            public_url: settings.public_url.trim().trim_end_matches('/').to_owned(),
        }))
    }

    /// An absolute link to a console path (`/app/...`).
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.public_url)
    }

    /// Sends in the background; the outcome is logged under `what`.
    pub fn send_later(self: &std::sync::Arc<Self>, what: &'static str, mail: Mail) {
        let mailer = self.clone();
        tokio::spawn(async move {
            match mailer.send(mail).await {
                Ok(()) => tracing::info!(what, "mail sent"),
                // The server's answer can quote the address: only its kind and code are logged.
                Err(e) => tracing::warn!(what, error = %describe(&e), "mail not sent"),
            }
        });
    }

    pub async fn send(&self, mail: Mail) -> anyhow::Result<()> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(mail.to.parse::<Mailbox>()?)
            .subject(mail.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.text)?;
        self.transport.send(message).await?;
        Ok(())
    }
}

/// What went wrong, without anything the mail server's answer quotes.
fn describe(error: &anyhow::Error) -> String {
    match error.downcast_ref::<lettre::transport::smtp::Error>() {
        Some(e) => {
            let code = e
                .status()
                .map(|c| format!(" (SMTP {c})"))
                .unwrap_or_default();
            let kind = if e.is_permanent() {
                "refused by the mail server"
            } else if e.is_transient() {
                "deferred by the mail server"
            } else if e.is_timeout() {
                "the mail server did not answer in time"
            } else if e.is_tls() {
                "TLS with the mail server failed"
            } else {
                "the mail server could not be reached or answered unexpectedly"
            };
            format!("{kind}{code}")
        }
        None => "the mail could not be built (an address is not valid)".to_owned(),
    }
}

/// The answer of a feature that needs mail when there is none.
pub fn not_configured() -> ApiError {
    ApiError::conflict(
        "mail_not_configured",
        "this server sends no e-mail (its [mail] settings are empty); ask its administrator",
    )
}
