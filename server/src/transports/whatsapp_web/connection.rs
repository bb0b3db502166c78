//! The connection task of a WhatsApp Web channel: it builds the crate's client on the channel's
//! store, the outbound policy and reqwest, runs it, and applies each event: the channel's state and
//! reason ([`super::session`]), the pairing code on show, the phone's contacts, inbound messages,
//! receipts and the server's acknowledgements of what was sent. It runs on the replica holding the
//! channel's lease, beside the channel's dispatcher, and stops with it; the session stays in the
//! store for the next start.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::json;
use tokio::sync::{mpsc, oneshot, watch};
use whatsapp_rust::bot::Bot;
use whatsapp_rust::types::events::{Event, EventHandler};
use whatsapp_rust::{Client, Jid, TokioRuntime};

use super::connect::{Failures, PolicyTransport};
use super::http::PolicyHttp;
use super::session::{Step, Then};
use super::store::WaStore;
use crate::channels::{ChannelState, StoredChannel};
use crate::pipeline::Pipeline;

/// How long the client may take to disconnect when the channel stops (the runner waits 10 s for
/// the whole task).
const DISCONNECT_TIMEOUT: Duration = Duration::from_secs(7);
/// How long WhatsApp may take to give a phone-number pairing code.
const PAIR_CODE_TIMEOUT: Duration = Duration::from_secs(25);

/// Where this replica's WhatsApp Web channels connect to, from `[whatsapp_web]`.
#[derive(Debug, Clone)]
pub struct Settings {
    pub server_url: String,
    /// The WhatsApp Web version announced; `None`: the latest, read from web.whatsapp.com daily.
    pub version: Option<(u32, u32, u32)>,
}

/// What a person asks of a running channel.
pub enum Command {
    /// The 8-character code to type on the phone with this number (digits only).
    PairCode {
        phone: String,
        reply: oneshot::Sender<Result<String, String>>,
    },
    /// Unlink the device and forget its keys.
    Logout { reply: oneshot::Sender<()> },
}

/// A running channel, as the API and its transport reach it.
pub struct Live {
    client: parking_lot::RwLock<Option<Arc<Client>>>,
    acks: parking_lot::Mutex<HashMap<String, oneshot::Sender<Option<String>>>>,
    commands: mpsc::Sender<Command>,
    pub failures: Arc<Failures>,
}

impl Live {
    /// The client, when it is logged in (paired and connected).
    pub fn client(&self) -> Option<Arc<Client>> {
        self.client
            .read()
            .clone()
            .filter(|c| c.is_connected() && c.is_logged_in())
    }

    /// Waits for the server's acknowledgement of a message id: `Some(code)` when it refused it.
    pub fn expect_ack(&self, id: &str) -> oneshot::Receiver<Option<String>> {
        let (tx, rx) = oneshot::channel();
        let mut acks = self.acks.lock();
        acks.retain(|_, waiting| !waiting.is_closed());
        acks.insert(id.to_owned(), tx);
        rx
    }

    pub async fn command(&self, command: Command) -> Result<(), String> {
        self.commands
            .send(command)
            .await
            .map_err(|_| "the channel's connection is stopping".to_owned())
    }
}

/// This replica's running WhatsApp Web channels.
#[derive(Default)]
pub struct Registry {
    live: parking_lot::Mutex<HashMap<String, Arc<Live>>>,
}

impl Registry {
    pub fn get(&self, channel: &str) -> Option<Arc<Live>> {
        self.live.lock().get(channel).cloned()
    }
}

/// Hands the client's events to the connection task, in order (none is dropped). The server's
/// acknowledgements of sent messages are answered here at once, so that a backlog of other events
/// (a history sync) never holds up a send.
struct Forward {
    live: Arc<Live>,
    events: mpsc::UnboundedSender<Arc<Event>>,
}

impl EventHandler for Forward {
    fn handle_event(&self, event: Arc<Event>) {
        if let Event::ServerAck(ack) = &*event
            && ack.class.as_deref().is_none_or(|c| c == "message")
        {
            if let Some(waiting) = self.live.acks.lock().remove(&ack.id) {
                let _ = waiting.send(ack.error.clone());
            }
            return;
        }
        let _ = self.events.send(event);
    }
}

/// The pairing code on show, kept where every replica reads it.
pub async fn save_pairing(
    db: &crate::db::Db,
    channel: &str,
    kind: &str,
    code: &str,
    valid_for: Duration,
) -> Result<(), crate::db::DbError> {
    let expires = Utc::now() + chrono::Duration::from_std(valid_for).unwrap_or_default();
    // The client goes on rotating QR codes while a person types a phone-number code: the code
    // they asked for stays on show until it expires.
    db.exec(
        "LET $shown = (SELECT kind, expires_at FROM ONLY type::record('wa_pairing', $ch)); \
         IF $kind = 'phone' OR $shown = NONE OR $shown.kind != 'phone' OR $shown.expires_at < time::now() { \
           UPSERT type::record('wa_pairing', $ch) SET kind = $kind, code = $code, \
           expires_at = <datetime>$expires RETURN NONE; \
         };",
        json!({ "ch": channel, "kind": kind, "code": code, "expires": expires.to_rfc3339() }),
    )
    .await
}

async fn clear_pairing(db: &crate::db::Db, channel: &str) {
    let _ = db
        .exec(
            "DELETE type::record('wa_pairing', $ch)",
            json!({ "ch": channel }),
        )
        .await;
}

/// The number of a user JID (`905551112233@s.whatsapp.net`), or of a LID through the channel's
/// mappings.
pub(super) async fn number_of(store: &WaStore, jid: &Jid, alt: Option<&Jid>) -> Option<String> {
    use whatsapp_rust::wacore::store::traits::ProtocolStore;
    for candidate in std::iter::once(jid).chain(alt) {
        if candidate.is_pn() {
            return Some(candidate.user_base().to_owned());
        }
    }
    if jid.is_lid() {
        return store
            .get_lid_mapping(jid.user_base())
            .await
            .ok()
            .flatten()
            .map(|m| m.phone_number.to_string());
    }
    None
}

/// What ends one client's run.
enum Ended {
    /// A connection event decided (see [`Then`]); `None`: the client's run loop ended by itself.
    Event(Option<Then>),
    /// The channel stops (deleted, handed over, changed, or the process stops).
    Stopped,
    /// A person unlinked the device: forget it, then answer.
    Logout(oneshot::Sender<()>),
}

/// Runs a channel until `stop` fires.
pub async fn run(
    pipeline: Arc<Pipeline>,
    channel: StoredChannel,
    settings: Settings,
    mut stop: watch::Receiver<bool>,
) {
    let (commands_tx, mut commands) = mpsc::channel(8);
    let failures = Arc::new(Failures::default());
    let live = Arc::new(Live {
        client: parking_lot::RwLock::new(None),
        acks: parking_lot::Mutex::new(HashMap::new()),
        commands: commands_tx,
        failures: failures.clone(),
    });
    pipeline
        .whatsapp_web
        .live
        .lock()
        .insert(channel.id.clone(), live.clone());
    let store = WaStore::new(pipeline.db.clone(), &channel.id);
    let db = pipeline.db.clone();
    // A channel the phone logged out waits for a person to pair it again (which restarts it). The
    // state is read again: the runner's copy may predate an unlink the previous task just did.
    let state = match crate::channels::find_any(&db, &channel.id).await {
        Ok(Some(current)) => current.state,
        _ => channel.state,
    };
    let mut idle = state == ChannelState::LoggedOut;
    let mut not_before: Option<Instant> = None;
    let stopping = |stop: &watch::Receiver<bool>| *stop.borrow() || stop.has_changed().is_err();
    tracing::info!(channel = %channel.id, "WhatsApp Web channel started");
    loop {
        if stopping(&stop) {
            break;
        }
        // Waiting: for a person (idle), or for the time to try again.
        if idle || not_before.is_some_and(|at| at > Instant::now()) {
            let wait = not_before
                .filter(|_| !idle)
                .map(|at| at.saturating_duration_since(Instant::now()))
                .unwrap_or(Duration::from_secs(3600));
            tokio::select! {
                changed = stop.changed() => if changed.is_err() { break },
                _ = tokio::time::sleep(wait) => not_before = None,
                command = commands.recv() => match command {
                    Some(Command::PairCode { reply, .. }) => {
                        let _ = reply.send(Err("the channel is not connected to WhatsApp; start pairing first".into()));
                    }
                    Some(Command::Logout { reply }) => {
                        forget(&pipeline, &channel.id).await;
                        idle = true;
                        let _ = reply.send(());
                    }
                    None => break,
                },
            }
            continue;
        }
        let (events_tx, mut events) = mpsc::unbounded_channel();
        let transport = PolicyTransport::new(
            &settings.server_url,
            pipeline.outbound.clone(),
            failures.clone(),
        );
        let http = PolicyHttp::new(crate::outbound::Outbound::from_policy(
            pipeline.outbound.clone(),
            super::http::TIMEOUT,
            "Ulak (WhatsApp Web)",
        ))
        .also_allowing(&settings.server_url);
        let client_store = store.for_client();
        let mut builder = Bot::builder()
            .with_backend(client_store.clone())
            .with_transport_factory(transport)
            .with_http_client(http)
            .with_runtime(TokioRuntime)
            .with_event_handler(Forward {
                live: live.clone(),
                events: events_tx,
            });
        if let Some(version) = settings.version {
            builder = builder.with_version(version);
        }
        let bot = match builder.build().await {
            Ok(bot) => bot,
            Err(e) => {
                let reason = format!("the WhatsApp client could not start: {e}");
                tracing::warn!(channel = %channel.id, %reason);
                let _ = crate::channels::set_connection_state(
                    &db,
                    &channel.id,
                    ChannelState::Error,
                    Some(&reason),
                )
                .await;
                not_before = Some(Instant::now() + Duration::from_secs(60));
                continue;
            }
        };
        let mut handle = Box::pin(bot.spawn());
        let client = handle.client();
        *live.client.write() = Some(client.clone());
        let mut connected = false;
        let ended = loop {
            tokio::select! {
                biased;
                changed = stop.changed() => {
                    if changed.is_err() || *stop.borrow() { break Ended::Stopped; }
                }
                // A person's command before the client's events: a backlog (a history sync) must
                // not hold up an unlink.
                command = commands.recv() => match command {
                    Some(Command::PairCode { phone, reply }) => {
                        let client = client.clone();
                        tokio::spawn(async move {
                            let options = whatsapp_rust::pair_code::PairCodeOptions {
                                phone_number: phone,
                                ..Default::default()
                            };
                            let code = tokio::time::timeout(PAIR_CODE_TIMEOUT, client.pair_with_code(options))
                                .await
                                .map_err(|_| "WhatsApp did not answer".to_owned())
                                .and_then(|r| r.map_err(|e| e.to_string()));
                            let _ = reply.send(code);
                        });
                    }
                    Some(Command::Logout { reply }) => {
                        // Tells WhatsApp to remove the device (when connected), then stops.
                        let _ = tokio::time::timeout(DISCONNECT_TIMEOUT, client.logout()).await;
                        break Ended::Logout(reply);
                    }
                    None => break Ended::Stopped,
                },
                event = events.recv() => {
                    let Some(event) = event else { break Ended::Event(None) };
                    if let Some(next) = on_event(&pipeline, &channel, &store, &live, &event, &mut connected).await {
                        break Ended::Event(Some(next));
                    }
                }
                () = &mut handle => {
                    // The client's run loop ended by itself; what it said last decides.
                    let mut then = None;
                    while let Ok(event) = events.try_recv() {
                        if let Some(next) = on_event(&pipeline, &channel, &store, &live, &event, &mut connected).await {
                            then = Some(next);
                            break;
                        }
                    }
                    break Ended::Event(then);
                }
                () = failures.failed(), if !connected => {
                    if let Some(reason) = failures.take() {
                        let _ = crate::channels::set_connection_state(
                            &db, &channel.id, ChannelState::Disconnected,
                            Some(&format!("{reason}; retrying with backoff")),
                        ).await;
                    }
                }
            }
        };
        // One way down for every end: the client disconnects (flushing its state) and its run
        // loop ends, or is aborted, before anything is forgotten or another client starts.
        *live.client.write() = None;
        let closed = tokio::time::timeout(DISCONNECT_TIMEOUT, async {
            client.disconnect().await;
            (&mut handle).await;
        })
        .await;
        if closed.is_err() {
            tracing::warn!(channel = %channel.id, "the WhatsApp client did not stop in time; aborted");
            handle.abort();
        }
        client_store.close().await;
        drop(client);
        match ended {
            Ended::Stopped => break,
            Ended::Logout(reply) => {
                forget(&pipeline, &channel.id).await;
                idle = true;
                let _ = reply.send(());
            }
            Ended::Event(Some(Then::RestartAfter(after))) => {
                not_before = Some(Instant::now() + after)
            }
            Ended::Event(Some(Then::StopAndForget)) => {
                forget_keys(&pipeline, &channel.id).await;
                idle = true;
            }
            Ended::Event(Some(Then::Stop)) => idle = true,
            // The run loop ended on its own: try again in a while.
            Ended::Event(Some(Then::Continue) | None) => {
                not_before = Some(Instant::now() + Duration::from_secs(30))
            }
        }
    }
    // A channel deleted while its client ran: what the client wrote on its way down goes too.
    if matches!(crate::channels::find_any(&db, &channel.id).await, Ok(None)) {
        forget_keys(&pipeline, &channel.id).await;
        let _ = crate::channels::purge_tables(&db, &channel.id, &["wa_contact", "wa_number"]).await;
    }
    {
        let mut registry = pipeline.whatsapp_web.live.lock();
        if registry
            .get(&channel.id)
            .is_some_and(|mine| Arc::ptr_eq(mine, &live))
        {
            registry.remove(&channel.id);
        }
    }
    // Commands that came while it stopped: an unlink still happens (its keys go; the next task
    // reads the state and waits), a code request is told to try again.
    commands.close();
    while let Ok(command) = commands.try_recv() {
        match command {
            Command::Logout { reply } => {
                forget(&pipeline, &channel.id).await;
                let _ = reply.send(());
            }
            Command::PairCode { reply, .. } => {
                let _ = reply.send(Err(
                    "the channel's connection restarted meanwhile; try again".into(),
                ));
            }
        }
    }
    tracing::info!(channel = %channel.id, "WhatsApp Web channel stopped");
}

/// Deletes the device's keys and session and shows the channel as logged out.
async fn forget(pipeline: &Pipeline, channel: &str) {
    forget_keys(pipeline, channel).await;
    let _ = crate::channels::set_connection_state(
        &pipeline.db,
        channel,
        ChannelState::LoggedOut,
        Some("this device was unlinked; pair again to send"),
    )
    .await;
}

async fn forget_keys(pipeline: &Pipeline, channel: &str) {
    clear_pairing(&pipeline.db, channel).await;
    if let Err(e) = crate::channels::purge_tables(&pipeline.db, channel, &["wa_state"]).await {
        tracing::warn!(%channel, error = %e, "the device's keys could not be deleted");
    }
}

/// Applies one event; what the client does next when it must stop.
async fn on_event(
    pipeline: &Arc<Pipeline>,
    channel: &StoredChannel,
    store: &WaStore,
    live: &Live,
    event: &Event,
    connected: &mut bool,
) -> Option<Then> {
    let db = &pipeline.db;
    match super::session::step(event) {
        Step::Qr { code, valid_for } => {
            if let Err(e) = save_pairing(db, &channel.id, "qr", &code, valid_for).await {
                tracing::warn!(channel = %channel.id, error = %e, "QR code not kept");
            }
            let reason = "scan the QR code with WhatsApp on the phone (Linked devices)";
            let _ = crate::channels::set_connection_state(
                db,
                &channel.id,
                ChannelState::Pairing,
                Some(reason),
            )
            .await;
            // Each new code is an event on the workspace's stream, for consoles and integrators.
            // Without the code itself: events are for everyone who may read channels, the code
            // (which links a phone to the channel) only for those who manage them.
            let expires = Utc::now() + chrono::Duration::from_std(valid_for).unwrap_or_default();
            let draft = crate::events::Draft::new(
                &channel.workspace,
                "channel.pairing",
                json!({ "channel": channel.id, "state": "pairing", "reason": reason,
                        "qr_expires_at": expires }),
            );
            if let Err(e) = crate::events::record(db, vec![draft]).await {
                tracing::warn!(channel = %channel.id, error = %e, "QR code event not recorded");
            }
            return None;
        }
        Step::PairCode { code, valid_for } => {
            if let Err(e) = save_pairing(db, &channel.id, "phone", &code, valid_for).await {
                tracing::warn!(channel = %channel.id, error = %e, "pairing code not kept");
            }
            return None;
        }
        Step::Paired {
            number,
            business_name,
        } => {
            clear_pairing(db, &channel.id).await;
            let _ = db
                .exec(
                    "UPDATE type::record('channel', $id) SET config.account = { number: $number, \
                     business_name: $business } RETURN NONE",
                    json!({ "id": channel.id, "number": format!("+{number}"),
                            "business": (!business_name.is_empty()).then_some(business_name) }),
                )
                .await;
            let _ = crate::channels::set_connection_state(
                db,
                &channel.id,
                ChannelState::Pairing,
                Some(&format!(
                    "paired with +{number}; connecting as the new device"
                )),
            )
            .await;
            return None;
        }
        Step::State {
            state,
            reason,
            then,
        } => {
            *connected = state == ChannelState::Active;
            if *connected {
                live.failures.take();
            }
            let _ =
                crate::channels::set_connection_state(db, &channel.id, state, reason.as_deref())
                    .await;
            return (then != Then::Continue).then_some(then);
        }
        Step::Ignore => {}
    }
    super::inbound::apply(pipeline, channel, store, live.client(), event).await;
    if let Err(e) = super::contacts::record(db, store, &channel.id, event).await {
        tracing::warn!(channel = %channel.id, error = %e, "contacts from WhatsApp not kept");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_phone_code_stays_on_show_while_qr_codes_rotate() {
        let mut settings = crate::config::Settings::for_tests().unwrap();
        settings.database.url = "mem://".into();
        let db = crate::db::Db::connect(&settings).await.unwrap();
        let shown = || async {
            db.row::<serde_json::Value>(
                "SELECT kind, code FROM ONLY type::record('wa_pairing', 'ch1')",
                json!({}),
            )
            .await
            .unwrap()
            .unwrap()
        };
        save_pairing(&db, "ch1", "qr", "2@qr-one", Duration::from_secs(60))
            .await
            .unwrap();
        save_pairing(&db, "ch1", "phone", "ABCD-EFGH", Duration::from_secs(180))
            .await
            .unwrap();
        save_pairing(&db, "ch1", "qr", "2@qr-two", Duration::from_secs(20))
            .await
            .unwrap();
        assert_eq!(
            shown().await,
            json!({ "kind": "phone", "code": "ABCD-EFGH" })
        );
        // Once it has expired, the QR codes show again; a new phone code always replaces.
        save_pairing(&db, "ch1", "phone", "WXYZ-1234", Duration::ZERO)
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
        save_pairing(&db, "ch1", "qr", "2@qr-three", Duration::from_secs(20))
            .await
            .unwrap();
        assert_eq!(shown().await, json!({ "kind": "qr", "code": "2@qr-three" }));
    }
}
