//! What a WhatsApp Web channel receives, into the pipeline: receipts (delivered, read, played) as
//! message statuses; direct messages as inbound messages, their media (image, video, audio,
//! document, sticker) downloaded from WhatsApp's servers, decrypted by the client and kept in the
//! workspace's media library first, so that the message is recorded with its attachment.

use std::io::{Seek, SeekFrom, Write};
use std::sync::Arc;
use std::time::Duration;

use whatsapp_rust::Client;
use whatsapp_rust::download::Downloadable;
use whatsapp_rust::types::events::{Event, InboundMessage as WaInbound, Receipt};
use whatsapp_rust::types::presence::ReceiptType;
use whatsapp_rust::wacore::proto_helpers::MessageExt;
use whatsapp_rust::waproto::whatsapp as wa;

use super::store::WaStore;
use crate::channels::StoredChannel;
use crate::messages::MessageAttachment;
use crate::messages::inbound::{
    self, DeliveryStatus, Feedback, InboundMessage, MediaSlot, StatusUpdate,
};
use crate::pipeline::Pipeline;

/// Largest inbound media kept (WhatsApp's own limit for video and audio; larger documents are
/// left out rather than filling the library: the message keeps its `[document]` text).
pub const MAX_MEDIA_BYTES: u64 = 16 << 20;
/// How long one download may take.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(120);

/// The statuses a receipt reports, one per message id it names (groups' receipts are not ours).
pub fn statuses(receipt: &Receipt) -> Vec<StatusUpdate> {
    if receipt.source.is_group {
        return Vec::new();
    }
    let status = match receipt.r#type {
        ReceiptType::Delivered => DeliveryStatus::Delivered,
        ReceiptType::Read | ReceiptType::Played => DeliveryStatus::Read,
        _ => return Vec::new(),
    };
    receipt
        .message_ids
        .iter()
        .map(|id| StatusUpdate::new(id.to_string(), status, None, receipt.timestamp))
        .collect()
}

/// A message's media, as the client downloads it.
pub struct Media {
    part: Box<dyn Downloadable + Send + Sync>,
    /// `image`, `video`, `audio`, `document` or `sticker`.
    pub kind: &'static str,
    /// The sender's file name (documents), else `whatsapp-<kind>`.
    pub file_name: String,
    /// The size the sender declares.
    pub declared: Option<u64>,
}

impl std::fmt::Debug for Media {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Media")
            .field("kind", &self.kind)
            .field("file_name", &self.file_name)
            .field("declared", &self.declared)
            .finish()
    }
}

/// A message's text as the inbox shows it (media as `[kind]` before the caption, as for the Cloud
/// API), and its media; `None` for what is not a message a person wrote (reactions aside:
/// protocol messages, edits, polls…).
pub fn content(message: &wa::Message) -> Option<(String, Option<Media>)> {
    let message = unwrap(message);
    if let Some(text) = message.text_content() {
        return Some((text.to_owned(), None));
    }
    let (kind, caption, media): (&'static str, Option<&str>, Media) =
        if let Some(m) = message.image_message.as_option() {
            let media = media("image", None, m.file_length, Box::new(m.clone()));
            ("image", m.caption.as_deref(), media)
        } else if let Some(m) = message.video_message.as_option() {
            let media = media("video", None, m.file_length, Box::new(m.clone()));
            ("video", m.caption.as_deref(), media)
        } else if let Some(m) = message.audio_message.as_option() {
            let media = media("audio", None, m.file_length, Box::new(m.clone()));
            ("audio", None, media)
        } else if let Some(m) = message.document_message.as_option() {
            let name = m.file_name.as_deref().or(m.title.as_deref());
            let media = media("document", name, m.file_length, Box::new(m.clone()));
            ("document", m.caption.as_deref(), media)
        } else if let Some(m) = message.sticker_message.as_option() {
            let media = media("sticker", None, m.file_length, Box::new(m.clone()));
            ("sticker", None, media)
        } else if let Some(m) = message.reaction_message.as_option() {
            return m
                .text
                .as_deref()
                .filter(|t| !t.is_empty())
                .map(|t| (t.to_owned(), None));
        } else if message.location_message.is_set() {
            return Some(("[location]".to_owned(), None));
        } else if message.contact_message.is_set() || message.contacts_array_message.is_set() {
            return Some(("[contacts]".to_owned(), None));
        } else {
            return None;
        };
    let text = caption
        .filter(|c| !c.is_empty())
        .map_or_else(|| format!("[{kind}]"), |c| format!("[{kind}] {c}"));
    Some((text, Some(media)))
}

fn media(
    kind: &'static str,
    name: Option<&str>,
    declared: Option<u64>,
    part: Box<dyn Downloadable + Send + Sync>,
) -> Media {
    let file_name = name
        .map(|n| n.chars().take(200).collect::<String>())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| format!("whatsapp-{kind}"));
    Media {
        part,
        kind,
        file_name,
        declared,
    }
}

/// The message inside the wrappers WhatsApp puts around some (view once, ephemeral, edits of
/// captions are not unwrapped: they are not new messages).
fn unwrap(message: &wa::Message) -> &wa::Message {
    let inner = message
        .ephemeral_message
        .as_option()
        .or_else(|| message.view_once_message.as_option())
        .or_else(|| message.view_once_message_v2.as_option())
        .or_else(|| message.document_with_caption_message.as_option())
        .and_then(|f| f.message.as_option());
    inner.map_or(message, unwrap)
}

/// Applies a receipt or a batch of messages; other events are not about messages.
pub async fn apply(
    pipeline: &Arc<Pipeline>,
    channel: &StoredChannel,
    store: &WaStore,
    client: Option<Arc<Client>>,
    event: &Event,
) {
    match event {
        Event::Receipt(receipt) => {
            for update in statuses(receipt) {
                inbound::report(&pipeline.feedback, &channel.id, Feedback::Status(update)).await;
            }
        }
        Event::Messages(batch) => {
            for message in batch.messages.iter() {
                received(pipeline, channel, store, client.clone(), message).await;
            }
        }
        _ => {}
    }
}

/// One message: a direct message from a person goes to the pipeline. One with media is recorded
/// at once with its text, then the media is downloaded (in the background, a few at a time) into
/// the library and attached to it, as for the Cloud API.
pub async fn received(
    pipeline: &Arc<Pipeline>,
    channel: &StoredChannel,
    store: &WaStore,
    client: Option<Arc<Client>>,
    message: &WaInbound,
) {
    let info = &message.info;
    let source = &info.source;
    // Direct chats only: not groups, broadcast lists, status or newsletters.
    if source.is_from_me || source.is_group || !(source.chat.is_pn() || source.chat.is_lid()) {
        return;
    }
    let Some(number) =
        super::connection::number_of(store, &source.sender, source.sender_alt.as_ref()).await
    else {
        tracing::debug!(channel = %channel.id, "an inbound message from an unknown number skipped");
        return;
    };
    let Some((text, media)) = content(&message.message) else {
        return;
    };
    // Whoever writes has an account: replies to them are not skipped as `not_on_whatsapp`.
    super::numbers::seen_on(&pipeline.db, &channel.id, &number).await;
    let inbound = InboundMessage {
        provider_id: info.id.to_string(),
        from: format!("+{number}"),
        name: (!info.push_name.is_empty()).then(|| info.push_name.clone()),
        text,
        at: info.timestamp,
        media: None,
    };
    let (Some(media), Some(client)) = (media, client) else {
        inbound::report(&pipeline.feedback, &channel.id, Feedback::Inbound(inbound)).await;
        return;
    };
    let provider_id = inbound.provider_id.clone();
    // Recorded first: a message delivered again is recorded (and its media fetched) once.
    let recorded =
        match inbound::record_inbound(pipeline, &channel.workspace, &channel.id, inbound).await {
            Ok(Some(id)) => id,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(channel = %channel.id, error = %e, "inbound message not recorded");
                return;
            }
        };
    if let Err(reason) = downloadable(&media) {
        tracing::warn!(channel = %channel.id, message = %provider_id, %reason,
            "the media of an inbound message was not fetched");
        return;
    }
    let Some(slot) = MediaSlot::take(&channel.id) else {
        tracing::warn!(channel = %channel.id, "too many inbound media downloads waiting; one skipped");
        return;
    };
    let (pipeline, channel) = (pipeline.clone(), channel.clone());
    tokio::spawn(async move {
        let kept = match slot.download().await {
            Ok(_permit) => keep(&pipeline, &channel.workspace, &client, &media).await,
            Err(_) => Err("shutting down".to_owned()),
        };
        drop(slot);
        let attached = match kept {
            Ok(attachment) => {
                inbound::attach(&pipeline.db, &channel.workspace, &recorded, attachment).await
            }
            Err(reason) => Err(reason),
        };
        if let Err(reason) = attached {
            tracing::warn!(channel = %channel.id, message = %provider_id, %reason,
                "the media of an inbound message was not kept");
        }
    });
}

/// Where a message says its media is must be WhatsApp's: its path on WhatsApp's media hosts (the
/// client picks the host), or a full URL on a host the client's HTTP accepts (checked there).
fn downloadable(media: &Media) -> Result<(), String> {
    // A full URL (the client takes it before any path) is checked against those hosts by the
    // client's HTTP.
    if media.part.static_url().is_some() {
        return Ok(());
    }
    let path = media
        .part
        .direct_path()
        .ok_or("the message says nowhere where its media is")?;
    let plain = path.starts_with('/')
        && path.len() <= 1024
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._~/-=&?%+".contains(&b))
        && !path.contains("//")
        && !path.contains("..");
    if plain {
        Ok(())
    } else {
        Err("a media path that is not WhatsApp's".into())
    }
}

/// The file a download goes into: at most `left` more bytes (the size a sender declares is only a
/// claim), its digest and first bytes taken as they are written. The client writes from the start
/// to the end, emptying the file before each attempt; anything else is refused.
struct Bounded {
    file: std::fs::File,
    left: u64,
    at: u64,
    size: u64,
    hasher: sha2::Sha256,
    head: Vec<u8>,
}

impl Bounded {
    fn new(file: std::fs::File, left: u64) -> Self {
        use sha2::Digest as _;
        Self {
            file,
            left,
            at: 0,
            size: 0,
            hasher: sha2::Sha256::new(),
            head: Vec::new(),
        }
    }
}

impl Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        use sha2::Digest as _;
        if buf.len() as u64 > self.left {
            return Err(std::io::Error::other(format!(
                "larger than the library takes ({MAX_MEDIA_BYTES} bytes)"
            )));
        }
        if self.at != self.size {
            return Err(std::io::Error::other("a write that does not append"));
        }
        let n = self.file.write(buf)?;
        let written = &buf[..n];
        if self.head.len() < crate::media::routes::SNIFF_BYTES {
            let take = (crate::media::routes::SNIFF_BYTES - self.head.len()).min(n);
            self.head.extend_from_slice(&written[..take]);
        }
        self.hasher.update(written);
        self.left -= n as u64;
        self.size += n as u64;
        self.at = self.size;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl Seek for Bounded {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.at = self.file.seek(pos)?;
        Ok(self.at)
    }
}

impl whatsapp_rust::download::DownloadWriter for Bounded {
    fn truncate(&mut self, len: u64) -> std::io::Result<()> {
        use sha2::Digest as _;
        if len != 0 {
            return Err(std::io::Error::other("only emptying is supported"));
        }
        self.file.set_len(0)?;
        self.left += self.size;
        self.size = 0;
        self.hasher = sha2::Sha256::new();
        self.head.clear();
        Ok(())
    }
}

/// Downloads one message's media (decrypted and checked by the client) and keeps it in the
/// workspace's library.
pub async fn keep(
    pipeline: &Pipeline,
    workspace: &str,
    client: &Client,
    media: &Media,
) -> Result<MessageAttachment, String> {
    use crate::media::MediaKind;
    let max = MediaKind::largest_limit(&pipeline.settings.media).min(MAX_MEDIA_BYTES);
    if media.declared.is_some_and(|size| size > max) {
        return Err(format!("larger than the library takes ({max} bytes)"));
    }
    let dir = pipeline.blobs.incoming_dir();
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| e.to_string())?;
    let path = dir.join(crate::db::new_id());
    let file = std::fs::File::options()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| e.to_string())?;
    let temp = crate::transports::whatsapp_cloud::TempFile::new(path.clone());
    let written = tokio::time::timeout(
        DOWNLOAD_TIMEOUT,
        client.download_to_writer(&*media.part, Bounded::new(file, max)),
    )
    .await
    .map_err(|_| format!("no download within {} s", DOWNLOAD_TIMEOUT.as_secs()))?
    .map_err(|e| format!("WhatsApp's media could not be downloaded: {e}"))?;
    use sha2::Digest as _;
    let downloaded = crate::transports::whatsapp_cloud::Downloaded {
        temp,
        size: written.size,
        head: written.head,
        sha256: hex::encode(written.hasher.finalize()),
    };
    inbound::keep_media(
        &crate::media::routes::Library::of_pipeline(pipeline),
        workspace,
        downloaded,
        &media.file_name,
    )
    .await
}
#[cfg(test)]
mod tests {
    use super::*;
    use whatsapp_rust::Jid;
    use whatsapp_rust::types::message::MessageSource;
    use whatsapp_rust::waproto::buffa::MessageField;

    use chrono::DateTime;

    fn receipt(kind: ReceiptType, group: bool) -> Receipt {
        Receipt::builder()
            .source(MessageSource {
                chat: Jid::pn("905321000009"),
                sender: Jid::pn("905321000009"),
                is_group: group,
                ..Default::default()
            })
            .message_ids(vec!["3EB0A1".into(), "3EB0A2".into()])
            .timestamp(DateTime::from_timestamp(1_780_000_000, 0).unwrap())
            .r#type(kind)
            .offline(false)
            .build()
    }

    /// The download file takes its digest and first bytes as the client writes, starts over when
    /// the client empties it for another attempt, and refuses more than its limit.
    #[test]
    fn the_download_file_digests_what_it_keeps_within_its_limit() {
        use sha2::Digest as _;
        use whatsapp_rust::download::DownloadWriter as _;
        let path = std::env::temp_dir().join(format!("ulak-bounded-{}", crate::db::new_id()));
        let file = std::fs::File::create(&path).unwrap();
        let mut sink = Bounded::new(file, 20_000);
        sink.write_all(b"a first attempt that fails half-way")
            .unwrap();
        sink.truncate(0).unwrap();
        sink.rewind().unwrap();
        let data: Vec<u8> = (0..12_000u32).map(|i| (i % 251) as u8).collect();
        for chunk in data.chunks(5_000) {
            sink.write_all(chunk).unwrap();
        }
        assert_eq!(sink.size, 12_000);
        assert_eq!(sink.head, data[..crate::media::routes::SNIFF_BYTES]);
        assert_eq!(
            sink.hasher.clone().finalize().to_vec(),
            sha2::Sha256::digest(&data).to_vec()
        );
        assert_eq!(std::fs::read(&path).unwrap(), data);
        let _ = std::fs::remove_file(&path);
        assert!(sink.write_all(&[0u8; 9_000]).is_err(), "past the limit");
        assert!(sink.truncate(5).is_err(), "only emptying");
    }

    #[test]
    fn receipts_become_statuses_for_each_message_they_name() {
        let delivered = statuses(&receipt(ReceiptType::Delivered, false));
        assert_eq!(delivered.len(), 2);
        assert_eq!(delivered[0].provider_id, "3EB0A1");
        assert_eq!(delivered[1].provider_id, "3EB0A2");
        assert!(
            delivered
                .iter()
                .all(|s| s.status == DeliveryStatus::Delivered)
        );
        assert_eq!(delivered[0].at.timestamp(), 1_780_000_000);
        for read in [ReceiptType::Read, ReceiptType::Played] {
            assert!(
                statuses(&receipt(read, false))
                    .iter()
                    .all(|s| s.status == DeliveryStatus::Read)
            );
        }
        // A receipt of another kind, or in a group, says nothing about our messages.
        for other in [
            ReceiptType::Retry,
            ReceiptType::ReadSelf,
            ReceiptType::Sender,
        ] {
            assert!(statuses(&receipt(other, false)).is_empty());
        }
        assert!(statuses(&receipt(ReceiptType::Read, true)).is_empty());
    }

    #[test]
    fn each_kind_of_message_reads_as_its_text_and_media() {
        let text = wa::Message {
            conversation: Some("Merhaba".into()),
            ..Default::default()
        };
        let (shown, media) = content(&text).unwrap();
        assert_eq!(shown, "Merhaba");
        assert!(media.is_none());

        let document = wa::Message {
            document_message: MessageField::some(wa::message::DocumentMessage {
                file_name: Some("fatura.pdf".into()),
                caption: Some("Kasım faturası".into()),
                file_length: Some(1234),
                ..Default::default()
            }),
            ..Default::default()
        };
        let (shown, media) = content(&document).unwrap();
        assert_eq!(shown, "[document] Kasım faturası");
        let media = media.unwrap();
        assert_eq!(
            (media.kind, media.file_name.as_str(), media.declared),
            ("document", "fatura.pdf", Some(1234))
        );

        // Inside the wrappers WhatsApp puts around disappearing and view-once messages.
        let voice = wa::Message {
            ephemeral_message: MessageField::some(wa::message::FutureProofMessage {
                message: MessageField::some(wa::Message {
                    audio_message: MessageField::some(wa::message::AudioMessage {
                        ptt: Some(true),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
            }),
            ..Default::default()
        };
        let (shown, media) = content(&voice).unwrap();
        assert_eq!(shown, "[audio]");
        assert_eq!(media.unwrap().file_name, "whatsapp-audio");

        let sticker = wa::Message {
            sticker_message: MessageField::some(Default::default()),
            ..Default::default()
        };
        assert_eq!(content(&sticker).unwrap().0, "[sticker]");
        let location = wa::Message {
            location_message: MessageField::some(Default::default()),
            ..Default::default()
        };
        let (shown, media) = content(&location).unwrap();
        assert_eq!(shown, "[location]");
        assert!(media.is_none());
        // Not something a person wrote: left out.
        assert!(content(&wa::Message::default()).is_none());
    }
}
