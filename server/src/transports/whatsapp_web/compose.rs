//! One outbound message as the WhatsApp Web messages that carry it: the text, and each attachment
//! as the right media message (image, video, audio, or a voice note when the file is OGG/Opus,
//! document with its file name), the text riding as the first non-audio attachment's caption when
//! it fits, as on the Cloud API. Each part's message id is derived from the outbox idempotency key,
//! so a resend after a crash is the same message to WhatsApp.

use sha2::{Digest, Sha256};
use whatsapp_rust::media::{self, AudioOptions, DocumentOptions, ImageOptions, VideoOptions};
use whatsapp_rust::upload::UploadResponse;
use whatsapp_rust::waproto::whatsapp as wa;

use crate::media::MediaKind;
use crate::transports::{OutboundMessage, captioned_attachment};

/// Longest caption WhatsApp shows in full.
pub const MAX_CAPTION_CHARS: usize = 1024;

/// The id of part `part` of the message with this idempotency key, in WhatsApp Web's own shape
/// ("3EB0" and 18 upper-case hex digits): the same key always gives the same ids.
pub fn message_id(idempotency_key: &str, part: usize) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"ulak whatsapp_web message id\0");
    hasher.update(idempotency_key.as_bytes());
    hasher.update((part as u64).to_be_bytes());
    let digest = hasher.finalize();
    format!("3EB0{}", hex::encode_upper(&digest[..9]))
}

/// One message WhatsApp receives.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Text(String),
    /// The attachment at this index, with the caption it carries.
    Media {
        attachment: usize,
        caption: Option<String>,
    },
}

/// The parts of a message, in sending order (the text first when it is not a caption).
pub fn parts(message: &OutboundMessage) -> Vec<Part> {
    let text = message.text.trim();
    let captioned = captioned_attachment(message, MAX_CAPTION_CHARS);
    let mut parts = Vec::new();
    if !text.is_empty() && captioned.is_none() {
        parts.push(Part::Text(text.to_owned()));
    }
    for index in 0..message.attachments.len() {
        let caption = (Some(index) == captioned && !text.is_empty()).then(|| text.to_owned());
        parts.push(Part::Media {
            attachment: index,
            caption,
        });
    }
    parts
}

/// Whether an audio file is OGG with Opus inside: WhatsApp plays those as voice notes.
pub fn is_ogg_opus(bytes: &[u8]) -> bool {
    // The first Ogg page carries the codec's identification header.
    bytes.starts_with(b"OggS")
        && bytes
            .get(..bytes.len().min(512))
            .is_some_and(|head| head.windows(8).any(|w| w == b"OpusHead"))
}

/// A text message.
pub fn text(text: &str) -> wa::Message {
    wa::Message {
        conversation: Some(text.to_owned()),
        ..Default::default()
    }
}

/// How an attachment is sent: which of the crate's media builders, with which options.
#[derive(Debug, Clone)]
pub enum MediaOptions {
    Image(ImageOptions),
    Video(VideoOptions),
    Audio(AudioOptions),
    Document(DocumentOptions),
}

/// The options for an attachment of this kind and type. (Split from [`media`] because the crate's
/// `UploadResponse` can only come from a real upload: the tests check what is decided here.)
pub fn options(
    kind: MediaKind,
    mime: &str,
    file_name: &str,
    caption: Option<String>,
    voice_note: bool,
) -> MediaOptions {
    let mimetype = Some(mime.to_owned());
    match kind {
        MediaKind::Image => MediaOptions::Image(ImageOptions {
            caption,
            mimetype,
            ..Default::default()
        }),
        MediaKind::Video => MediaOptions::Video(VideoOptions {
            caption,
            mimetype,
            ..Default::default()
        }),
        MediaKind::Audio => MediaOptions::Audio(AudioOptions {
            // WhatsApp plays a voice note only with exactly this type.
            mimetype: if voice_note {
                Some("audio/ogg; codecs=opus".to_owned())
            } else {
                mimetype
            },
            ptt: Some(voice_note),
            ..Default::default()
        }),
        MediaKind::Document => MediaOptions::Document(DocumentOptions {
            mimetype,
            file_name: Some(file_name.to_owned()),
            title: Some(file_name.to_owned()),
            caption,
            ..Default::default()
        }),
    }
}

/// The media message for an uploaded attachment.
pub fn media(upload: UploadResponse, options: MediaOptions) -> wa::Message {
    match options {
        MediaOptions::Image(o) => media::image_message(upload, o),
        MediaOptions::Video(o) => media::video_message(upload, o),
        MediaOptions::Audio(o) => media::audio_message(upload, o),
        MediaOptions::Document(o) => media::document_message(upload, o),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transports::Attachment;

    fn attachment(kind: MediaKind, mime: &str, name: &str) -> Attachment {
        Attachment {
            media_id: "m".into(),
            kind,
            mime: mime.into(),
            file_name: name.into(),
            size: 1234,
            sha256: "s".into(),
            path: Default::default(),
        }
    }

    fn message(text: &str, attachments: Vec<Attachment>) -> OutboundMessage {
        OutboundMessage {
            idempotency_key: "k".into(),
            to: "+905551112233".into(),
            text: text.into(),
            subject: None,
            html: false,
            attachments,
            approved: None,
        }
    }

    #[test]
    fn ids_come_from_the_idempotency_key() {
        let id = message_id("campaign:c1:contact:k1", 0);
        assert_eq!(
            id,
            message_id("campaign:c1:contact:k1", 0),
            "the same key, the same id"
        );
        assert_ne!(
            id,
            message_id("campaign:c1:contact:k1", 1),
            "each part its own"
        );
        assert_ne!(id, message_id("campaign:c1:contact:k2", 0));
        assert_eq!(id.len(), 22);
        assert!(id.starts_with("3EB0"));
        assert!(
            id[4..]
                .chars()
                .all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c))
        );
    }

    #[test]
    fn each_media_kind_gets_its_builder_and_options() {
        let MediaOptions::Image(o) = options(
            MediaKind::Image,
            "image/png",
            "a.png",
            Some("Merhaba".into()),
            false,
        ) else {
            panic!("an image is sent as an image");
        };
        assert_eq!(
            (o.caption.as_deref(), o.mimetype.as_deref()),
            (Some("Merhaba"), Some("image/png"))
        );

        let MediaOptions::Video(o) = options(MediaKind::Video, "video/mp4", "v.mp4", None, false)
        else {
            panic!("a video is sent as a video");
        };
        assert_eq!(
            (o.caption, o.mimetype.as_deref()),
            (None, Some("video/mp4"))
        );

        let MediaOptions::Audio(o) = options(MediaKind::Audio, "audio/ogg", "note.ogg", None, true)
        else {
            panic!("audio is sent as audio");
        };
        assert_eq!(
            (o.ptt, o.mimetype.as_deref()),
            (Some(true), Some("audio/ogg; codecs=opus"))
        );
        let MediaOptions::Audio(o) =
            options(MediaKind::Audio, "audio/mpeg", "song.mp3", None, false)
        else {
            panic!("audio is sent as audio");
        };
        assert_eq!(
            (o.ptt, o.mimetype.as_deref()),
            (Some(false), Some("audio/mpeg"))
        );

        let MediaOptions::Document(o) = options(
            MediaKind::Document,
            "application/pdf",
            "Fiyat listesi.pdf",
            Some("Ekte".into()),
            false,
        ) else {
            panic!("a document is sent as a document");
        };
        assert_eq!(o.file_name.as_deref(), Some("Fiyat listesi.pdf"));
        assert_eq!(o.caption.as_deref(), Some("Ekte"));
        assert_eq!(o.mimetype.as_deref(), Some("application/pdf"));

        assert_eq!(
            text("Merhaba Ayşe").conversation.as_deref(),
            Some("Merhaba Ayşe")
        );
    }

    #[test]
    fn the_text_rides_as_a_caption_when_it_fits() {
        let picture = attachment(MediaKind::Image, "image/jpeg", "a.jpg");
        let sound = attachment(MediaKind::Audio, "audio/ogg", "n.ogg");
        assert_eq!(
            parts(&message("  Merhaba  ", vec![])),
            vec![Part::Text("Merhaba".into())]
        );
        assert_eq!(
            parts(&message("Merhaba", vec![sound.clone(), picture.clone()])),
            vec![
                Part::Media {
                    attachment: 0,
                    caption: None
                },
                Part::Media {
                    attachment: 1,
                    caption: Some("Merhaba".into())
                },
            ]
        );
        // Audio takes no caption; a text too long for one goes first on its own.
        assert_eq!(
            parts(&message("Merhaba", vec![sound.clone()])),
            vec![
                Part::Text("Merhaba".into()),
                Part::Media {
                    attachment: 0,
                    caption: None
                }
            ]
        );
        let long = "x".repeat(MAX_CAPTION_CHARS + 1);
        assert_eq!(
            parts(&message(&long, vec![picture.clone()])),
            vec![
                Part::Text(long.clone()),
                Part::Media {
                    attachment: 0,
                    caption: None
                }
            ]
        );
        assert_eq!(
            parts(&message("", vec![picture])),
            vec![Part::Media {
                attachment: 0,
                caption: None
            }]
        );
    }

    #[test]
    fn voice_notes_are_told_by_their_bytes() {
        let mut ogg = b"OggS\0\x02".to_vec();
        ogg.extend_from_slice(&[0; 22]);
        ogg.extend_from_slice(b"OpusHead\x01\x01");
        assert!(is_ogg_opus(&ogg));
        let mut vorbis = b"OggS\0\x02".to_vec();
        vorbis.extend_from_slice(&[0; 22]);
        vorbis.extend_from_slice(b"\x01vorbis");
        assert!(!is_ogg_opus(&vorbis));
        assert!(!is_ogg_opus(b"ID3\x03mp3"));
    }
}
