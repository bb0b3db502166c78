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
use whatsapp_rust::types::presence::ReceiptType;
use whatsapp_rust::wacore::proto_helpers::MessageExt;
use whatsapp_rust::{Client, Jid, TokioRuntime};

use super::connect::{Failures, PolicyTransport};
use super::http::PolicyHttp;
use super::session::{Step, Then};
use super::store::WaStore;
use crate::channels::{ChannelState, StoredChannel};
use crate::messages::inbound::{self, DeliveryStatus, Feedback, InboundMessage, StatusUpdate};
use crate::pipeline::Pipeline;

/// How long the client may take to disconnect when the channel stops.
const DISCONNECT_TIMEOUT: Duration = Duration::from_secs(10);

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
    /// Start again now (a new pairing after `logged_out`, or a retry after an error).
    Restart,
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

    /// The client while its socket is open, paired or not.
    pub fn socket(&self) -> Option<Arc<Client>> {
        self.client.read().clone().filter(|c| c.is_connected())
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

/// Hands the client's events to the connection task, in order (none is dropped).
struct Forward(mpsc::UnboundedSender<Arc<Event>>);

impl EventHandler for Forward {
    fn handle_event(&self, event: Arc<Event>) {
        let _ = self.0.send(event);
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
    db.exec(
        "UPSERT type::record('wa_pairing', $ch) SET kind = $kind, code = $code, \
         expires_at = <datetime>$expires RETURN NONE",
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
async fn number_of(store: &WaStore, jid: &Jid, alt: Option<&Jid>) -> Option<String> {
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
    // A channel the phone logged out waits for a person to pair it again.
    let mut idle = channel.state == ChannelState::LoggedOut;
    let mut not_before: Option<Instant> = None;
    tracing::info!(channel = %channel.id, "WhatsApp Web channel started");
    'outer: loop {
        if *stop.borrow() {
            break;
        }
        // Waiting: for a person (idle), or for the time to try again.
        if idle || not_before.is_some_and(|at| at > Instant::now()) {
            let wait = not_before
                .filter(|_| !idle)
                .map(|at| at.saturating_duration_since(Instant::now()))
                .unwrap_or(Duration::from_secs(3600));
            tokio::select! {
                _ = stop.changed() => continue,
                _ = tokio::time::sleep(wait) => { not_before = None; continue; }
                command = commands.recv() => match command {
                    Some(Command::Restart) => { idle = false; not_before = None; }
                    Some(Command::PairCode { reply, .. }) => {
                        let _ = reply.send(Err("the channel is not connected to WhatsApp; start pairing first".into()));
                    }
                    Some(Command::Logout { reply }) => {
                        forget(&pipeline, &store, &channel.id).await;
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
        ));
        let mut builder = Bot::builder()
            .with_backend(store.clone())
            .with_transport_factory(transport)
            .with_http_client(http)
            .with_runtime(TokioRuntime)
            .with_event_handler(Forward(events_tx));
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
        let handle = bot.spawn();
        let client = handle.client();
        *live.client.write() = Some(client.clone());
        let mut connected = false;
        let mut then = None;
        let mut handle = std::pin::pin!(handle);
        loop {
            tokio::select! {
                _ = stop.changed() => {
                    if *stop.borrow() { then = Some(Then::Stop); break; }
                }
                () = &mut handle => {
                    // The client's run loop ended by itself (a logout, or no reconnect wanted).
                    break;
                }
                event = events.recv() => {
                    let Some(event) = event else { break };
                    if let Some(next) = on_event(&pipeline, &channel, &store, &live, &event, &mut connected).await {
                        then = Some(next);
                        break;
                    }
                }
                () = failures.failed(), if !connected => {
                    if let Some(reason) = failures.take() {
                        let _ = crate::channels::set_connection_state(
                            &db, &channel.id, ChannelState::Disconnected,
                            Some(&format!("{reason}; retrying with backoff")),
                        ).await;
                    }
                }
                command = commands.recv() => match command {
                    Some(Command::PairCode { phone, reply }) => {
                        let client = client.clone();
                        tokio::spawn(async move {
                            let options = whatsapp_rust::pair_code::PairCodeOptions {
                                phone_number: phone,
                                ..Default::default()
                            };
                            let _ = reply.send(client.pair_with_code(options).await.map_err(|e| e.to_string()));
                        });
                    }
                    Some(Command::Logout { reply }) => {
                        let _ = tokio::time::timeout(DISCONNECT_TIMEOUT, client.logout()).await;
                        *live.client.write() = None;
                        forget(&pipeline, &store, &channel.id).await;
                        let _ = reply.send(());
                        idle = true;
                        continue 'outer;
                    }
                    Some(Command::Restart) => { then = Some(Then::RestartAfter(Duration::ZERO)); break; }
                    None => { then = Some(Then::Stop); break; }
                },
            }
        }
        *live.client.write() = None;
        let _ = tokio::time::timeout(DISCONNECT_TIMEOUT, client.disconnect()).await;
        let _ = tokio::time::timeout(DISCONNECT_TIMEOUT, &mut handle).await;
        if *stop.borrow() {
            break;
        }
        match then {
            Some(Then::RestartAfter(after)) => not_before = Some(Instant::now() + after),
            Some(Then::StopAndForget) => {
                forget_keys(&pipeline, &channel.id).await;
                idle = true;
            }
            Some(Then::Stop) => idle = true,
            // The run loop ended on its own: try again in a while.
            Some(Then::Continue) | None => {
                not_before = Some(Instant::now() + Duration::from_secs(30))
            }
        }
    }
    pipeline.whatsapp_web.live.lock().remove(&channel.id);
    tracing::info!(channel = %channel.id, "WhatsApp Web channel stopped");
}

/// Deletes the device's keys and session and shows the channel as logged out.
async fn forget(pipeline: &Pipeline, _store: &WaStore, channel: &str) {
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
            let _ = crate::channels::set_connection_state(
                db,
                &channel.id,
                ChannelState::Pairing,
                Some("scan the QR code with WhatsApp on the phone (Linked devices)"),
            )
            .await;
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
    match event {
        Event::ServerAck(ack) if ack.class.as_deref().is_none_or(|c| c == "message") => {
            if let Some(waiting) = live.acks.lock().remove(&ack.id) {
                let _ = waiting.send(ack.error.clone());
            }
        }
        Event::Receipt(receipt) if !receipt.source.is_group => {
            let status = match receipt.r#type {
                ReceiptType::Delivered => DeliveryStatus::Delivered,
                ReceiptType::Read | ReceiptType::Played => DeliveryStatus::Read,
                _ => return None,
            };
            for id in &receipt.message_ids {
                inbound::report(
                    &pipeline.feedback,
                    &channel.id,
                    Feedback::Status(StatusUpdate::new(
                        id.to_string(),
                        status,
                        None,
                        receipt.timestamp,
                    )),
                )
                .await;
            }
        }
        Event::Messages(batch) => {
            for message in batch.messages.iter() {
                let info = &message.info;
                let source = &info.source;
                // Direct chats only: not groups, broadcast lists, status or newsletters.
                if source.is_from_me
                    || source.is_group
                    || !(source.chat.is_pn() || source.chat.is_lid())
                {
                    continue;
                }
                let Some(number) =
                    number_of(store, &source.sender, source.sender_alt.as_ref()).await
                else {
                    tracing::debug!(channel = %channel.id, "an inbound message from an unknown number skipped");
                    continue;
                };
                let text = message
                    .message
                    .text_content()
                    .or_else(|| message.message.get_caption())
                    .unwrap_or_default()
                    .to_owned();
                inbound::report(
                    &pipeline.feedback,
                    &channel.id,
                    Feedback::Inbound(InboundMessage {
                        provider_id: info.id.to_string(),
                        from: format!("+{number}"),
                        name: (!info.push_name.is_empty()).then(|| info.push_name.clone()),
                        text,
                        at: info.timestamp,
                        media: None,
                    }),
                )
                .await;
            }
        }
        _ => {}
    }
    if let Err(e) = super::contacts::record(db, store, &channel.id, event).await {
        tracing::warn!(channel = %channel.id, error = %e, "contacts from WhatsApp not kept");
    }
    None
}
