//! The media library: uploads of images, audio, video and documents. The kind comes from the bytes
//! (`infer`), never from the file name; limits per kind follow WhatsApp's; bytes are stored once per
//! content (`blobs/ab/<sha256>`) and their metadata in the store; images get a thumbnail. File names
//! from users are kept only as display names and never reach a file-system path.

pub mod blobs;
pub mod routes;

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::config::MediaSettings;
use crate::db::Db;
use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    Image,
    Audio,
    Video,
    Document,
}

impl MediaKind {
    /// The largest file any kind takes.
    pub fn largest_limit(settings: &MediaSettings) -> u64 {
        [
            MediaKind::Image,
            MediaKind::Audio,
            MediaKind::Video,
            MediaKind::Document,
        ]
        .iter()
        .map(|k| k.limit(settings))
        .max()
        .unwrap_or(0)
    }

    pub fn limit(self, settings: &MediaSettings) -> u64 {
        match self {
            MediaKind::Image => settings.image_max_bytes,
            MediaKind::Audio => settings.audio_max_bytes,
            MediaKind::Video => settings.video_max_bytes,
            MediaKind::Document => settings.document_max_bytes,
        }
    }
}

/// Types we accept (what WhatsApp delivers), by the MIME type `infer` reports.
const ACCEPTED: &[(&str, MediaKind)] = &[
    ("image/jpeg", MediaKind::Image),
    ("image/png", MediaKind::Image),
    ("image/webp", MediaKind::Image),
    ("image/gif", MediaKind::Image),
    ("audio/aac", MediaKind::Audio),
    ("audio/mpeg", MediaKind::Audio),
    ("audio/ogg", MediaKind::Audio),
    ("audio/amr", MediaKind::Audio),
    ("audio/m4a", MediaKind::Audio),
    ("audio/x-m4a", MediaKind::Audio),
    ("audio/x-wav", MediaKind::Audio),
    ("video/mp4", MediaKind::Video),
    ("video/3gpp", MediaKind::Video),
    ("video/quicktime", MediaKind::Video),
    ("application/pdf", MediaKind::Document),
    ("application/msword", MediaKind::Document),
    ("application/vnd.ms-excel", MediaKind::Document),
    ("application/vnd.ms-powerpoint", MediaKind::Document),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        MediaKind::Document,
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        MediaKind::Document,
    ),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        MediaKind::Document,
    ),
    ("application/rtf", MediaKind::Document),
];

/// Decides the kind and MIME type from the first bytes. Text that `infer` cannot name (plain text,
/// CSV) is a document when it is valid UTF-8.
pub fn sniff(head: &[u8], complete: bool) -> Result<(MediaKind, String), ApiError> {
    if let Some(found) = infer::get(head) {
        let mime = found.mime_type();
        return ACCEPTED
            .iter()
            .find(|(m, _)| *m == mime)
            .map(|(m, kind)| (*kind, (*m).to_owned()))
            .ok_or_else(|| unsupported(mime));
    }
    // A multi-byte character may be cut at the end of the sniffed prefix; ignore that tail.
    let text = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => !complete && e.error_len().is_none() && e.valid_up_to() > 0,
    };
    if text && !head.contains(&0) {
        return Ok((MediaKind::Document, "text/plain".into()));
    }
    Err(unsupported("application/octet-stream"))
}

fn unsupported(mime: &str) -> ApiError {
    ApiError::new(
        actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        format!("files of type {mime} are not accepted; send images (JPEG, PNG, WebP, GIF), audio, MP4/3GP video or documents"),
    )
    .with_details(json!({ "field": "file", "detected": mime }))
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Media {
    #[schema(example = "m0k2m4n6p8r0t2v4x6z8")]
    pub id: String,
    pub kind: MediaKind,
    #[schema(example = "image/jpeg")]
    pub mime: String,
    /// Bytes.
    pub size: u64,
    /// The uploaded file's name, for display and downloads only.
    #[schema(example = "kampanya.jpg")]
    pub file_name: String,
    /// SHA-256 of the bytes (hex).
    pub sha256: String,
    pub has_thumbnail: bool,
    pub created_at: DateTime<Utc>,
}

/// An attachment as templates and messages reference it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MediaRef {
    pub id: String,
    pub kind: MediaKind,
    pub mime: String,
    pub size: u64,
    pub file_name: String,
}

pub const FIELDS: &str =
    "record::id(id) AS id, kind, mime, size, file_name, sha256, has_thumbnail, created_at";

pub async fn find(state: &AppState, workspace: &str, id: &str) -> Result<Option<Media>, ApiError> {
    find_in(&state.db, workspace, id).await
}

/// [`find`] from the store handle alone.
pub async fn find_in(db: &Db, workspace: &str, id: &str) -> Result<Option<Media>, ApiError> {
    // The store refuses an empty record id outright; no media has one.
    if id.is_empty() {
        return Ok(None);
    }
    Ok(db
        .row(
            &format!("SELECT {FIELDS} FROM type::record('media', $id) WHERE workspace = $ws"),
            json!({ "ws": workspace, "id": id }),
        )
        .await?)
}

/// Resolves attachment ids of this workspace, in order; an unknown id is a 400 naming `media[i]`.
pub async fn refs(
    state: &AppState,
    workspace: &str,
    ids: &[String],
) -> Result<Vec<MediaRef>, ApiError> {
    if ids.len() > 10 {
        return Err(ApiError::invalid_field("media", "at most 10 attachments"));
    }
    let mut out = Vec::with_capacity(ids.len());
    for (index, id) in ids.iter().enumerate() {
        let media = find(state, workspace, id).await?.ok_or_else(|| {
            ApiError::invalid_field(
                &format!("media[{index}]"),
                format!("no media `{id}` in this workspace"),
            )
        })?;
        out.push(MediaRef {
            id: media.id,
            kind: media.kind,
            mime: media.mime,
            size: media.size,
            file_name: media.file_name,
        });
    }
    Ok(out)
}

/// A display name: the last path component, control characters and quotes removed, at most 200 chars.
pub fn display_name(raw: Option<&str>) -> String {
    let raw = raw.unwrap_or("");
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        "file".to_owned()
    } else {
        cleaned
    }
}

/// Makes a JPEG thumbnail at most 320 px on its longer side; `false` when the image cannot be
/// decoded or is larger than `max_dimension` on either side. The size is read from the file's header
/// first: a few kilobytes of PNG can claim a picture whose decoding takes hundreds of megabytes.
/// Blocking; callers bound how many run at once.
pub fn make_thumbnail(source: &Path, target: &Path, max_dimension: u32) -> bool {
    let result = (|| -> anyhow::Result<()> {
        let (width, height) = image::ImageReader::open(source)?
            .with_guessed_format()?
            .into_dimensions()?;
        if width > max_dimension || height > max_dimension {
            anyhow::bail!(
                "{width}×{height} is larger than media.max_image_dimension ({max_dimension} px)"
            );
        }
        let mut reader = image::ImageReader::open(source)?.with_guessed_format()?;
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(max_dimension);
        limits.max_image_height = Some(max_dimension);
        limits.max_alloc = Some(256 * 1024 * 1024);
        reader.limits(limits);
        let thumb = reader.decode()?.thumbnail(320, 320).into_rgb8();
        thumb.save_with_format(target, image::ImageFormat::Jpeg)?;
        Ok(())
    })();
    if let Err(e) = &result {
        tracing::info!(error = %e, "no thumbnail");
    }
    result.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pdf_is_a_document_whatever_its_name() {
        let (kind, mime) = sniff(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", false).unwrap();
        assert_eq!(
            (kind, mime.as_str()),
            (MediaKind::Document, "application/pdf")
        );
    }

    #[test]
    fn text_is_a_document_and_binary_noise_is_refused() {
        assert_eq!(
            sniff("ad;soyad\nAyşe;Yılmaz\n".as_bytes(), true).unwrap().1,
            "text/plain"
        );
        assert_eq!(
            sniff(&[0, 1, 2, 3, 255, 254], true).unwrap_err().code(),
            "unsupported_media_type"
        );
        // An executable is recognised and refused.
        assert_eq!(
            sniff(b"\x7fELF\x02\x01\x01\0\0\0\0\0", true)
                .unwrap_err()
                .code(),
            "unsupported_media_type"
        );
    }

    #[test]
    fn display_names_never_carry_paths() {
        assert_eq!(display_name(Some("../../etc/passwd")), "passwd");
        assert_eq!(display_name(Some("C:\\x\\y.pdf")), "y.pdf");
        assert_eq!(display_name(Some("..")), "file");
        assert_eq!(display_name(Some("a\"b\n.jpg")), "ab.jpg");
        assert_eq!(display_name(None), "file");
    }
}
