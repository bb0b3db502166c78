//! Contact imports: an uploaded file is handed to an importer plugin in chunks; the host normalises
//! each phone with the workspace's rules (the same as the API), merges duplicates by phone, and
//! writes contacts in batches while the plugin reads the next chunk. Progress lives on the job row
//! and streams to watchers; every bad row is kept in a CSV report.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use surrealdb::types::SurrealValue;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{Semaphore, watch};
use utoipa::ToSchema;

use super::columns::{self, Column, Mapping};
use super::model::{ContactInput, Phone};
use super::{FIELDS, Validated, validate_with};
use crate::app::AppState;
use crate::contacts::model::Contact;
use crate::error::ApiError;
use crate::plugins::manifest::PluginKind;
use crate::plugins::runtime::{ImportBatch, ImportSession};

/// Row errors kept on the job itself; the CSV report has all of them.
const ERRORS_ON_JOB: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ImportStatus {
    Queued,
    Running,
    Done,
    Failed,
}

impl ImportStatus {
    pub fn finished(self) -> bool {
        matches!(self, ImportStatus::Done | ImportStatus::Failed)
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct ImportCounts {
    /// Records the importer read (contacts and bad rows).
    pub read: u64,
    /// New contacts.
    pub created: u64,
    /// Existing contacts the import updated.
    pub updated: u64,
    /// Records left alone: a phone seen earlier in the same file, or an existing contact when
    /// `update_existing` is false.
    pub skipped: u64,
    /// Bad rows (no or invalid phone, invalid field).
    pub failed: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RowIssue {
    pub row: u32,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ImportJob {
    #[schema(example = "k3j2h4g5f6d7s8a9q0w1")]
    pub id: String,
    #[schema(example = "csv-importer")]
    pub importer: String,
    pub file_name: String,
    /// Bytes uploaded.
    pub size: u64,
    /// Counted and checked, nothing written.
    pub dry_run: bool,
    pub status: ImportStatus,
    pub counts: ImportCounts,
    /// The first 100 bad rows; all of them are in `errors.csv`.
    pub errors: Vec<RowIssue>,
    pub error_count: u64,
    /// Why the whole import failed (the file could not be read, the plugin failed …).
    pub failure: Option<String>,
    /// What the columns the importer passed on became, by the `mapping` option or by their
    /// header: a contact field (`gender`, `honorific`, `language`, `email`, `notes`, `opted_out`,
    /// `consent`, `opt_out_reason`) or a custom field (`custom.<key>`). Filled as the file is read,
    /// so a dry run shows it before anything is written. Phone, names, e-mail and tags columns
    /// that the importer reads itself are not listed.
    #[serde(default)]
    #[schema(example = json!({"Cinsiyet": "gender", "Hitap": "honorific", "Şehir": "custom.şehir"}))]
    pub columns: BTreeMap<String, String>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

const JOB_FIELDS: &str = "record::id(id) AS id, importer, file_name, size, dry_run, status, counts, \
     errors, error_count, failure, columns ?? {} AS columns, created_at, started_at, finished_at";

/// What the user asked for besides the file. `options` is also passed to the plugin as it is.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    pub importer: String,
    pub file_name: String,
    pub size: u64,
    pub dry_run: bool,
    pub options: Map<String, Value>,
}

/// Options the host itself reads.
struct HostOptions {
    region: String,
    tags: Vec<String>,
    existing: Existing,
    mapping: Mapping,
}

/// What an import does to contacts that exist already (`update_existing`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Existing {
    /// `true`, the default: names and e-mail from the file replace, tags and custom fields add,
    /// and gender, honorific, language, notes and an opt-out reason fill only what the contact
    /// lacks; an opt-out is taken, a consent never undoes one.
    Merge,
    /// `"overwrite"`: every field the file gives replaces the contact's, a consent included.
    Replace,
    /// `false`: existing contacts are left alone.
    Skip,
}

impl HostOptions {
    fn read(options: &Map<String, Value>, workspace_region: String) -> Result<Self, ApiError> {
        let region = match options.get("default_region") {
            None | Some(Value::Null) => workspace_region,
            Some(Value::String(r))
                if r.len() == 2 && r.chars().all(|c| c.is_ascii_alphabetic()) =>
            {
                r.to_ascii_uppercase()
            }
            Some(_) => {
                return Err(ApiError::invalid_field(
                    "options.default_region",
                    "must be a two-letter region code such as TR",
                ));
            }
        };
        let tags = match options.get("tags") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => {
                super::model::clean_tags(
                    items
                        .iter()
                        .filter_map(|t| t.as_str().map(str::to_owned))
                        .collect(),
                )?
            }
            Some(_) => {
                return Err(ApiError::invalid_field(
                    "options.tags",
                    "must be an array of tags",
                ));
            }
        };
        let existing = match options.get("update_existing") {
            None | Some(Value::Null) | Some(Value::Bool(true)) => Existing::Merge,
            Some(Value::String(s)) if s == "overwrite" => Existing::Replace,
            Some(Value::Bool(false)) => Existing::Skip,
            Some(_) => {
                return Err(ApiError::invalid_field(
                    "options.update_existing",
                    "must be true, false or \"overwrite\"",
                ));
            }
        };
        Ok(Self {
            region,
            tags,
            existing,
            mapping: Mapping::read(options),
        })
    }
}

/// Jobs being worked on in this process: a limit on how many run at once, and their progress.
pub struct ImportJobs {
    slots: Arc<Semaphore>,
    live: Mutex<HashMap<String, watch::Sender<ImportJob>>>,
    /// Workspaces being deleted: their imports stop at the next batch.
    cancelled: Mutex<HashSet<String>>,
}

impl ImportJobs {
    pub fn new(concurrent: usize) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(concurrent)),
            live: Mutex::new(HashMap::new()),
            cancelled: Mutex::new(HashSet::new()),
        }
    }

    pub fn cancel_workspace(&self, workspace: &str) {
        self.cancelled.lock().insert(workspace.to_owned());
    }

    pub fn forget_cancelled(&self, workspace: &str) {
        self.cancelled.lock().remove(workspace);
    }

    fn is_cancelled(&self, workspace: &str) -> bool {
        self.cancelled.lock().contains(workspace)
    }

    /// Progress of a job running here, if it is.
    pub fn watch(&self, id: &str) -> Option<watch::Receiver<ImportJob>> {
        self.live.lock().get(id).map(|tx| tx.subscribe())
    }
}

/// Where an import's file is kept while the job runs (in the shared files, [`crate::files`]).
pub fn upload_key(id: &str) -> String {
    format!("imports/{id}.upload")
}

/// Where an import's error report is kept once the job ended.
pub fn report_key(id: &str) -> String {
    format!("imports/{id}.errors.csv")
}

pub async fn find(
    state: &AppState,
    workspace: &str,
    id: &str,
) -> Result<Option<ImportJob>, ApiError> {
    Ok(state
        .db
        .row(
            &format!(
                "SELECT {JOB_FIELDS} FROM type::record('import_job', $id) WHERE workspace = $ws"
            ),
            json!({ "id": id, "ws": workspace }),
        )
        .await?)
}

pub async fn list(
    state: &AppState,
    workspace: &str,
    limit: usize,
) -> Result<Vec<ImportJob>, ApiError> {
    Ok(state
        .db
        .rows(
            &format!(
                "SELECT {JOB_FIELDS} FROM import_job WHERE workspace = $ws ORDER BY created_at DESC LIMIT $limit"
            ),
            json!({ "ws": workspace, "limit": limit }),
        )
        .await?)
}

/// Picks the importer: the one named, else the enabled importer that claims the file's extension.
pub async fn choose_importer(
    state: &AppState,
    workspace: &str,
    named: Option<String>,
    file_name: &str,
) -> Result<String, ApiError> {
    if let Some(name) = named.filter(|n| !n.trim().is_empty()) {
        state
            .plugins
            .usable(workspace, name.trim(), PluginKind::ContactImporter)
            .await?;
        return Ok(name.trim().to_owned());
    }
    let extension = Path::new(file_name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let settings = state.plugins.settings(workspace).await?;
    state
        .plugins
        .list()
        .into_iter()
        .find(|p| {
            p.manifest.kind == PluginKind::ContactImporter
                && settings.get(p.name()).is_some_and(|s| s.enabled)
                && p.manifest.file_extensions.contains(&extension)
        })
        .map(|p| p.name().to_owned())
        .ok_or_else(|| {
            ApiError::invalid_field(
                "importer",
                format!("is required: no enabled importer reads `.{extension}` files"),
            )
        })
}

/// Keeps the uploaded `file` (a local file, moved or copied) where every replica reaches it,
/// records the job and starts it in the background. Returns the job as queued.
pub async fn start(
    state: actix_web::web::Data<AppState>,
    workspace: &str,
    id: &str,
    user: &str,
    request: ImportRequest,
    file: &Path,
) -> Result<ImportJob, ApiError> {
    let region = super::default_region(&state, workspace).await?;
    let host_options = HostOptions::read(&request.options, region)?;
    let quota = state.settings.quotas.imports_per_workspace;
    if quota > 0 {
        let open: Option<u64> = state
            .db
            .row(
                "SELECT VALUE count() FROM import_job WHERE workspace = $ws \
                 AND status IN ['queued', 'running'] GROUP ALL",
                json!({ "ws": workspace }),
            )
            .await?;
        if open.unwrap_or(0) >= quota {
            return Err(ApiError::conflict(
                "quota_exceeded",
                format!(
                    "this workspace has {quota} imports queued or running already \
                     (quotas.imports_per_workspace); wait for one to finish"
                ),
            )
            .with_details(json!({ "quota": "imports_per_workspace", "limit": quota })));
        }
    }
    let (plugin, scope) = state
        .plugins
        .usable(workspace, &request.importer, PluginKind::ContactImporter)
        .await?;
    // Read before anything is kept, so nothing below fails once the job is recorded.
    let settings = crate::templates::render_settings(&state.db, workspace).await?;
    state
        .files
        .put(&upload_key(id), file, false)
        .await
        .map_err(ApiError::unavailable)?;
    let job: Result<Option<ImportJob>, _> = state
        .db
        .row(
            &format!(
                "CREATE type::record('import_job', $id) SET workspace = $ws, importer = $importer, \
                 file_name = $file_name, size = $size, dry_run = $dry_run, options = $options, \
                 status = 'queued', counts = $counts, created_by = $user, node = $node, \
                 lease_until = time::now() + {LEASE_SECS}s RETURN {JOB_FIELDS}"
            ),
            json!({
                "id": id,
                "ws": workspace,
                "importer": request.importer,
                "file_name": request.file_name,
                "size": request.size,
                "dry_run": request.dry_run,
                "options": request.options,
                "counts": ImportCounts::default(),
                "user": user,
                "node": state.node,
            }),
        )
        .await;
    let job = match job {
        Ok(Some(job)) => job,
        failed => {
            let _ = state.files.remove(&upload_key(id)).await;
            failed?;
            return Err(ApiError::internal(anyhow::anyhow!(
                "import job not returned"
            )));
        }
    };
    let (tx, _) = watch::channel(job.clone());
    state.imports.live.lock().insert(id.to_owned(), tx.clone());
    let context =
        crate::plugins::runtime::context(workspace, settings.locale(), settings.time_zone);
    let options_text = Value::Object(request.options.clone()).to_string();
    let run = Run {
        state: state.clone(),
        workspace: workspace.to_owned(),
        job: job.clone(),
        tx,
        options: host_options,
        seen: HashSet::new(),
        field_keys: HashMap::new(),
        report: None,
        timings: Timings::default(),
        writing: std::collections::VecDeque::new(),
        found_existing: false,
    };
    let runtime = state.plugins.runtime.clone();
    let slots = state.imports.slots.clone();
    let handle = state.plugins.runtime.handle().clone();
    handle.spawn(async move {
        let Ok(_permit) = slots.acquire_owned().await else {
            return;
        };
        let session = runtime
            .open_import(plugin, scope, context, options_text)
            .await;
        run.execute(session).await;
    });
    Ok(job)
}

/// One import being carried out.
struct Run {
    state: actix_web::web::Data<AppState>,
    workspace: String,
    job: ImportJob,
    tx: watch::Sender<ImportJob>,
    options: HostOptions,
    /// Contact ids already met in this file.
    seen: HashSet<String>,
    /// Where the fields the importer passes on go, by their names.
    field_keys: HashMap<String, Column>,
    /// The error report being written (in the scratch directory), kept when the job ends.
    report: Option<(tokio::fs::File, PathBuf)>,
    /// Where the time went, logged when the job ends.
    timings: Timings,
    /// The groups being written while the next one is prepared, oldest first.
    writing: std::collections::VecDeque<tokio::task::JoinHandle<Result<Written, String>>>,
    /// The last group written found mostly contacts that were there already ([`store`]).
    found_existing: bool,
}

#[derive(Default, Debug)]
struct Timings {
    plugin: std::time::Duration,
    normalise: std::time::Duration,
    validate: std::time::Duration,
    /// Waiting for the store (writes overlap with the next group's preparation).
    write: std::time::Duration,
    existing: std::time::Duration,
}

/// A row of the file after normalising: its row number, what it says, and its parsed phone.
struct Prepared {
    row: u32,
    input: ContactInput,
    phone: Phone,
}

impl Run {
    async fn execute(mut self, session: Result<ImportSession, crate::plugins::PluginError>) {
        self.job.status = ImportStatus::Running;
        self.job.started_at = Some(Utc::now());
        self.save().await;
        let outcome = match session {
            Ok(session) => self.feed(session).await,
            Err(e) => Err(e.to_string()),
        };
        match outcome {
            Ok(()) => self.job.status = ImportStatus::Done,
            Err(reason) => {
                tracing::warn!(job = %self.job.id, %reason, "contact import failed");
                self.job.status = ImportStatus::Failed;
                self.job.failure = Some(reason);
            }
        }
        self.job.finished_at = Some(Utc::now());
        tracing::info!(
            job = %self.job.id,
            status = ?self.job.status,
            read = self.job.counts.read,
            plugin_ms = self.timings.plugin.as_millis() as u64,
            normalise_ms = self.timings.normalise.as_millis() as u64,
            validate_ms = self.timings.validate.as_millis() as u64,
            write_wait_ms = self.timings.write.as_millis() as u64,
            existing_ms = self.timings.existing.as_millis() as u64,
            "contact import finished"
        );
        // The report is kept before the job says it ended, so whoever sees the end can fetch it.
        if let Some((mut report, path)) = self.report.take() {
            let _ = report.flush().await;
            drop(report);
            let key = report_key(&self.job.id);
            let mut waits = [1u64, 5, 15, 30].into_iter();
            loop {
                // A deleted workspace's purge may already have removed what its jobs kept.
                if self.state.imports.is_cancelled(&self.workspace) {
                    break;
                }
                let Err(e) = self.state.files.put(&key, &path, false).await else {
                    break;
                };
                let Some(wait) = waits.next() else {
                    tracing::error!(job = %self.job.id, error = format!("{e:#}"),
                        "cannot keep the import error report; its rows are on the job's errors only");
                    break;
                };
                tracing::warn!(job = %self.job.id, error = format!("{e:#}"), wait,
                    "cannot keep the import error report yet");
                tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
            }
            let _ = tokio::fs::remove_file(&path).await;
        }
        self.save().await;
        if let Err(e) = self.state.files.remove(&upload_key(&self.job.id)).await {
            tracing::warn!(job = %self.job.id, error = %e, "cannot remove the imported file");
        }
        self.state.imports.live.lock().remove(&self.job.id);
    }

    /// Reads the file chunk by chunk; each chunk's records are written while the plugin reads the
    /// next one.
    async fn feed(&mut self, session: ImportSession) -> Result<(), String> {
        let chunk_bytes = self.state.settings.imports.chunk_bytes;
        let path = self
            .state
            .files
            .local(&upload_key(&self.job.id))
            .await
            .map_err(|e| format!("cannot read the uploaded file: {e:#}"))?
            .ok_or("the uploaded file is gone")?;
        let mut file = tokio::fs::File::open(path)
            .await
            .map_err(|e| format!("the uploaded file is gone: {e}"))?;
        let mut session = Some(session);
        let mut pending: Option<ImportBatch> = None;
        loop {
            let chunk = read_chunk(&mut file, chunk_bytes)
                .await
                .map_err(|e| format!("cannot read the uploaded file: {e}"))?;
            let last = chunk.is_empty();
            let current = session.take().ok_or("the importer session was lost")?;
            let plugin_call = async move {
                let started = std::time::Instant::now();
                let result = if last {
                    current.finish().await
                } else {
                    current.push(chunk).await
                };
                (result, started.elapsed())
            };
            let previous = pending.take();
            let (((next_session, produced), plugin_time), written) =
                tokio::join!(plugin_call, async {
                    match previous {
                        Some(batch) => self.absorb(batch).await,
                        None => Ok(()),
                    }
                });
            written?;
            self.timings.plugin += plugin_time;
            session = next_session;
            pending = Some(produced.map_err(|e| e.to_string())?);
            if last {
                break;
            }
        }
        if let Some(batch) = pending {
            self.absorb(batch).await?;
        }
        self.finish_writing(0).await
    }

    /// Normalises, merges and writes one batch from the plugin, then publishes progress.
    async fn absorb(&mut self, batch: ImportBatch) -> Result<(), String> {
        if self.state.imports.is_cancelled(&self.workspace) {
            return Err("the workspace was deleted".into());
        }
        let started = std::time::Instant::now();
        let ImportBatch { contacts, errors } = batch;
        self.job.counts.read += (contacts.len() + errors.len()) as u64;
        for error in errors {
            self.fail_row(error.row, error.message).await;
        }
        let mut prepared: Vec<Prepared> = Vec::with_capacity(contacts.len());
        let mut positions: HashMap<String, usize> = HashMap::new();
        for record in contacts {
            let phone = match Phone::parse("phone", &record.phone, &self.options.region) {
                Ok(phone) => phone,
                Err(_) if record.phone.trim().is_empty() => {
                    self.fail_row(record.row, "no phone number".into()).await;
                    continue;
                }
                Err(_) => {
                    self.fail_row(
                        record.row,
                        format!("`{}` is not a valid phone number", record.phone.trim()),
                    )
                    .await;
                    continue;
                }
            };
            let mut tags = record.tags;
            tags.extend(self.options.tags.iter().cloned());
            let mut input = ContactInput {
                phone: Some(phone.as_str().to_owned()),
                first_name: non_empty(record.first_name),
                last_name: non_empty(record.last_name),
                email: non_empty(record.email),
                tags: Some(tags),
                ..ContactInput::default()
            };
            let mut custom = BTreeMap::new();
            let mut unreadable = None;
            for field in record.fields {
                let value = field.value.trim();
                if value.is_empty() {
                    continue;
                }
                let (target, guessed, key) = match self.column(&field.name) {
                    Column::Contact(target) => (target, false, None),
                    Column::Guessed(target, key) => (target, true, key),
                    Column::Custom(key) => {
                        custom.insert(key, Value::String(value.to_owned()));
                        continue;
                    }
                    Column::Drop => continue,
                };
                let key = match columns::apply(target, guessed, &field.name, value, &mut input) {
                    Ok(true) => continue,
                    // The contact has this field from another column, or the value does not
                    // look like it: kept as a custom field.
                    Ok(false) => key.or_else(|| field_key(&field.name)),
                    Err(message) => {
                        unreadable = Some(message);
                        break;
                    }
                };
                if let Some(key) = key {
                    custom.insert(key, Value::String(value.to_owned()));
                }
            }
            if let Some(message) = unreadable {
                self.fail_row(record.row, message).await;
                continue;
            }
            input.custom_fields = Some(custom);
            let id = phone.id();
            if !self.seen.insert(id.clone()) {
                // The same phone earlier in this file: fill in what this row adds.
                self.job.counts.skipped += 1;
                if let Some(&at) = positions.get(&id) {
                    merge_into(&mut prepared[at].input, input);
                }
                continue;
            }
            positions.insert(id, prepared.len());
            prepared.push(Prepared {
                row: record.row,
                input,
                phone,
            });
        }
        self.timings.normalise += started.elapsed();
        let size = self.state.settings.imports.batch_rows.max(1);
        while !prepared.is_empty() {
            let rest = prepared.split_off(size.min(prepared.len()));
            let group = std::mem::replace(&mut prepared, rest);
            self.write(group).await?;
        }
        self.save().await;
        Ok(())
    }

    /// Where a field the importer passed on goes. A file has a few headers and many rows: each
    /// name is looked at once (a file with very many distinct names is served without the memo),
    /// and the first 200 are shown on the job.
    fn column(&mut self, name: &str) -> Column {
        if let Some(column) = self.field_keys.get(name) {
            return column.clone();
        }
        let column = self.options.mapping.column(name);
        if self.job.columns.len() < 200
            && name.chars().count() <= 128
            && let Some(target) = column.describe()
        {
            self.job.columns.insert(name.to_owned(), target);
        }
        if self.field_keys.len() < 1024 {
            self.field_keys.insert(name.to_owned(), column.clone());
        }
        column
    }

    /// Validates one group as new contacts and hands it to the store, which finds out which exist
    /// already by trying; a dry run reads the existing ones instead and writes nothing.
    async fn write(&mut self, group: Vec<Prepared>) -> Result<(), String> {
        if self.job.dry_run {
            return self.count_dry(group).await;
        }
        let started = std::time::Instant::now();
        let mut candidates = Vec::with_capacity(group.len());
        for prepared in group {
            match validate_with(prepared.phone.clone(), prepared.input.clone(), None) {
                Ok(Validated { params, .. }) => candidates.push(Candidate { prepared, params }),
                Err(e) => self.fail_row(prepared.row, e.message().to_owned()).await,
            }
        }
        self.timings.validate += started.elapsed();
        // This group is written while the next ones are read and validated.
        let parallel = self.state.settings.imports.parallel_writes.max(1);
        self.finish_writing(parallel - 1).await?;
        let state = self.state.clone();
        let workspace = self.workspace.clone();
        let existing = self.options.existing;
        let read_first = self.found_existing;
        self.writing
            .push_back(self.state.plugins.runtime.handle().spawn(async move {
                store(&state, &workspace, candidates, existing, read_first).await
            }));
        Ok(())
    }

    /// A dry run's group: what would be created, updated or skipped.
    async fn count_dry(&mut self, group: Vec<Prepared>) -> Result<(), String> {
        let started = std::time::Instant::now();
        let ids: Vec<String> = group.iter().map(|p| p.phone.id()).collect();
        let existing = read_existing(&self.state, &self.workspace, &ids).await?;
        for prepared in group {
            let current = existing.get(&prepared.phone.id());
            // The import checks each row as a new contact first (`write`); so does its dry run.
            if let Err(e) = validate_with(prepared.phone.clone(), prepared.input.clone(), None) {
                self.fail_row(prepared.row, e.message().to_owned()).await;
                continue;
            }
            if current.is_some() && self.options.existing == Existing::Skip {
                self.job.counts.skipped += 1;
                continue;
            }
            let input = match current {
                Some(current) => merged_input(prepared.input, current, self.options.existing),
                None => prepared.input,
            };
            match validate_with(prepared.phone, input, current) {
                Ok(_) if current.is_some() => self.job.counts.updated += 1,
                Ok(_) => self.job.counts.created += 1,
                Err(e) => self.fail_row(prepared.row, e.message().to_owned()).await,
            }
        }
        self.timings.validate += started.elapsed();
        Ok(())
    }

    /// Waits until at most `keep` writes are in flight, and counts what the finished ones did.
    async fn finish_writing(&mut self, keep: usize) -> Result<(), String> {
        while self.writing.len() > keep {
            let Some(writing) = self.writing.pop_front() else {
                break;
            };
            let started = std::time::Instant::now();
            let written = writing
                .await
                .map_err(|e| format!("the write was lost: {e}"))??;
            self.timings.write += started.elapsed();
            self.timings.existing += written.existing;
            // Mostly contacts that were there: the next groups read before they insert.
            self.found_existing =
                written.created * 2 < written.created + written.updated + written.skipped;
            self.job.counts.created += written.created;
            self.job.counts.updated += written.updated;
            self.job.counts.skipped += written.skipped;
            for (row, message) in written.failed {
                self.fail_row(row, message).await;
            }
        }
        Ok(())
    }
}

/// A row validated as a new contact, with what it was made from in case the contact exists.
struct Candidate {
    prepared: Prepared,
    params: Map<String, Value>,
}

/// What writing one group did.
#[derive(Default)]
struct Written {
    created: u64,
    updated: u64,
    skipped: u64,
    failed: Vec<(u32, String)>,
    /// Time spent reading and merging contacts that existed already.
    existing: std::time::Duration,
}

/// Writes one group. New contacts go in with one `INSERT IGNORE`, which leaves existing ones alone
/// and returns one (empty) row per contact it stored: when every contact of the group is new, as in
/// a large import into an empty or new part of a workspace, that count is all there is to know and
/// nothing is read. Otherwise the group is read back; the contacts this write stamped (`created_at`
/// is the group's own instant) are new, the rest existed already and are merged (tags and custom
/// fields add, names and email replace, the rest as [`Existing`] says) and updated, or skipped when
/// `update_existing` is false.
/// Returning ids instead of empty rows cost a third of the write (`store_costs`).
///
/// With `read_first` (the group before found its contacts there already, as in a re-import) the
/// group is read first and only the contacts not found are tried: an insert that finds every
/// contact there does the reading a second time (a re-import of a million unchanged contacts:
/// `bench/import.sh … again`).
async fn store(
    state: &AppState,
    ws: &str,
    candidates: Vec<Candidate>,
    existing: Existing,
    read_first: bool,
) -> Result<Written, String> {
    let mut written = Written::default();
    let now = Utc::now();
    // What this write did not store exists already.
    // Each with the contact as it was before this write.
    let mut others: Vec<(Prepared, Contact)> = Vec::new();
    let mut known = if read_first {
        let started = std::time::Instant::now();
        let ids: Vec<String> = candidates.iter().map(|c| c.prepared.phone.id()).collect();
        let (before, _) = read_group(state, ws, &ids, None).await?;
        written.existing += started.elapsed();
        before
    } else {
        HashMap::new()
    };
    // The group's new contacts are indexed in a chunk of their own: one posting record per
    // distinct term (`contacts::index`). When every contact is new (a first import), the postings
    // are written with them; otherwise for the new ones once they are known, below. Contacts that
    // existed already keep their own entries.
    let chunk = super::index::new_chunk();
    let mut postings = super::index::Postings::new(ws);
    let mut group_terms: HashMap<String, Vec<String>> = HashMap::with_capacity(candidates.len());
    let mut rows = Vec::with_capacity(candidates.len());
    // Per candidate: its contact id, what it came from, and its custom field names.
    let mut sources = Vec::with_capacity(candidates.len());
    for Candidate {
        prepared,
        mut params,
    } in candidates
    {
        let id = prepared.phone.id();
        if let Some(current) = known.remove(&id) {
            others.push((prepared, current));
            continue;
        }
        let names: Vec<String> = match params.get("custom_fields") {
            Some(Value::Object(custom)) => custom.keys().cloned().collect(),
            _ => Vec::new(),
        };
        let terms: Vec<String> = super::index::terms_in(&params);
        postings.put(&chunk, &id, &terms);
        group_terms.insert(id.clone(), terms);
        params.insert("id".into(), json!([ws, id]));
        params.insert("workspace".into(), json!(ws));
        params.insert("chunk".into(), json!(chunk));
        let mut datetimes = vec![("created_at", now), ("updated_at", now)];
        if let Some(at) = params.remove("opted_out_at") {
            let at = at
                .as_str()
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok());
            datetimes.push(("opted_out_at", at.map_or(now, |t| t.to_utc())));
        }
        rows.push(crate::db::with_datetimes(params, &datetimes));
        sources.push((id, prepared, names));
    }
    let inserted = if rows.is_empty() {
        0
    } else {
        let mut index_vars = Map::new();
        postings.vars(&mut index_vars);
        let stored: Vec<u64> = state
            .db
            .rows_native_at(
                "BEGIN; LET $stored = array::len(INSERT IGNORE INTO contact $rows RETURN BEFORE); \
                 IF $stored = array::len($rows) { INSERT INTO contact_posting $post_add RETURN NONE; }; \
                 RETURN $stored; COMMIT;",
                crate::db::vars([
                    ("rows", rows.into_value()),
                    (
                        "post_add",
                        index_vars
                            .remove("post_add")
                            .unwrap_or_default()
                            .into_value(),
                    ),
                ]),
                3,
            )
            .await
            .map_err(|e| format!("cannot store contacts: {e}"))?;
        stored.first().copied().unwrap_or(0) as usize
    };
    written.created = inserted as u64;
    let mut field_names: HashSet<String> = HashSet::new();
    // Contacts this group stored, when some existed already.
    let mut new_here: Vec<String> = Vec::new();
    if inserted == sources.len() {
        field_names.extend(sources.into_iter().flat_map(|(_, _, names)| names));
    } else {
        let started = std::time::Instant::now();
        let ids: Vec<String> = sources.iter().map(|(id, _, _)| id.clone()).collect();
        let (mut before, stamped) = read_group(state, ws, &ids, Some(now)).await?;
        for (id, prepared, names) in sources {
            if stamped.contains(&id) {
                field_names.extend(names);
                new_here.push(id);
            } else if let Some(current) = before.remove(&id) {
                others.push((prepared, current));
            } else {
                // Neither stored nor there: deleted while this group was being written.
                written.failed.push((
                    prepared.row,
                    "the contact was deleted while it was being imported".into(),
                ));
            }
        }
        written.existing += started.elapsed();
    }
    // The new contacts of a group that also held existing ones.
    let mut postings = super::index::Postings::new(ws);
    for id in &new_here {
        postings.put(&chunk, id, &group_terms.remove(id).unwrap_or_default());
    }
    if existing == Existing::Skip {
        written.skipped = others.len() as u64;
        apply_postings(state, ws, postings).await?;
    } else if !others.is_empty() {
        let started = std::time::Instant::now();
        let mut updated = Vec::with_capacity(others.len());
        for (prepared, current) in others {
            let current = &current;
            let input = merged_input(prepared.input, current, existing);
            // The opt-out is written only when the file changes it, so that an opt-out arriving
            // while the import runs is not undone by this (earlier) read of the contact.
            let set_opt = match existing {
                Existing::Replace => {
                    input.opted_out.is_some_and(|o| o != current.opted_out)
                        || input.opt_out_reason.is_some()
                }
                _ => input.opted_out == Some(true) && !current.opted_out,
            };
            match validate_with(prepared.phone, input, Some(current)) {
                Ok(Validated { mut params, .. }) => {
                    if let Some(Value::Object(custom)) = params.get("custom_fields") {
                        field_names.extend(custom.keys().cloned());
                    }
                    params.insert("fill".into(), json!(existing != Existing::Replace));
                    params.insert("set_opt".into(), json!(set_opt));
                    if !set_opt && unchanged(&params, current) {
                        // The contact is as the file says already: nothing to write.
                        written.updated += 1;
                        continue;
                    }
                    let terms: Vec<String> = super::index::terms_in(&params);
                    let kept = postings.change(&current.id, &current.posted, &current.id, &terms);
                    params.insert("chunk".into(), json!(kept));
                    updated.push(Value::Object(params));
                }
                Err(e) => written.failed.push((prepared.row, e.message().to_owned())),
            }
        }
        if updated.is_empty() {
            // Every contact was as the file says: only this group's entries to take out.
            apply_postings(state, ws, postings).await?;
        } else {
            let mut vars = Map::new();
            vars.insert("ws".into(), json!(ws));
            vars.insert("rows".into(), json!(updated));
            postings.vars(&mut vars);
            // Filled fields keep a value set since the contact was read.
            let sql = [
                "BEGIN; FOR $c IN $rows { UPDATE type::record('contact', [$ws, $c.id]) SET \
                     first_name = $c.first_name, last_name = $c.last_name, email = $c.email, \
                     gender = IF $c.fill { gender ?? $c.gender } ELSE { $c.gender }, \
                     honorific = IF $c.fill { honorific ?? $c.honorific } ELSE { $c.honorific }, \
                     language = IF $c.fill { language ?? $c.language } ELSE { $c.language }, \
                     notes = IF $c.fill { notes ?? $c.notes } ELSE { $c.notes }, \
                     opted_out = IF $c.set_opt { $c.opted_out } ELSE { opted_out }, \
                     opted_out_at = IF $c.set_opt { <option<datetime>>$c.opted_out_at } ELSE { opted_out_at }, \
                     opt_out_reason = IF $c.set_opt { $c.opt_out_reason } ELSE { opt_out_reason }, \
                     terms = $c.terms, chunk = $c.chunk, \
                     tags = $c.tags, tag_keys = $c.tag_keys, custom_fields = $c.custom_fields, \
                     search = $c.search, updated_at = time::now(); }; ",
                super::index::Postings::SQL,
                " COMMIT;",
            ]
            .concat();
            state
                .db
                .retrying(|| state.db.exec(&sql, Value::Object(vars.clone())))
                .await
                .map_err(|e| format!("cannot update contacts: {e}"))?;
        }
        written.updated += updated.len() as u64;
        written.existing += started.elapsed();
    } else {
        apply_postings(state, ws, postings).await?;
    }
    let names: Vec<&String> = field_names.iter().collect();
    super::register_field_names(state, ws, names)
        .await
        .map_err(|e| format!("cannot record custom field names: {e}"))?;
    Ok(written)
}

/// Applies index changes that go with no contact write.
async fn apply_postings(
    state: &AppState,
    ws: &str,
    postings: super::index::Postings,
) -> Result<(), String> {
    if postings.is_empty() {
        return Ok(());
    }
    let mut vars = Map::new();
    vars.insert("ws".into(), json!(ws));
    postings.vars(&mut vars);
    let sql = format!("BEGIN; {} COMMIT;", super::index::Postings::SQL);
    state
        .db
        .retrying(|| state.db.exec(&sql, Value::Object(vars.clone())))
        .await
        .map_err(|e| format!("cannot update the contact index: {e}"))
}

/// Whether writing these contact `params` (from `validate_with`) would change nothing the contact
/// has, its index entries included.
fn unchanged(params: &Map<String, Value>, current: &Contact) -> bool {
    let same = |key: &str, now: Value| params.get(key).cloned().unwrap_or(Value::Null) == now;
    same("first_name", json!(current.first_name))
        && same("last_name", json!(current.last_name))
        && same("email", json!(current.email))
        && same("gender", json!(current.gender))
        && same("honorific", json!(current.honorific))
        && same("language", json!(current.language))
        && same("notes", json!(current.notes))
        && same("tags", json!(current.tags))
        && same("custom_fields", json!(current.custom_fields))
        && same("opted_out", json!(current.opted_out))
        && current.posted.chunk.is_some()
        && same("terms", json!(current.posted.terms))
}

/// An imported row over an existing contact: tags and custom fields add to what the contact has;
/// names and email replace; gender, honorific, language, notes and an opt-in replace only when
/// `existing` says so, and otherwise fill what the contact lacks.
fn merged_input(mut input: ContactInput, current: &Contact, existing: Existing) -> ContactInput {
    let mut tags = current.tags.clone();
    tags.extend(input.tags.take().unwrap_or_default());
    input.tags = Some(tags);
    let mut custom = current.custom_fields.clone();
    custom.extend(input.custom_fields.take().unwrap_or_default());
    input.custom_fields = Some(custom);
    if existing != Existing::Replace {
        // What someone set by hand stays; a file cannot undo an opt-out unless told to.
        if current.gender.is_some() {
            input.gender = None;
        }
        if current.honorific.is_some() {
            input.honorific = None;
        }
        if current.language.is_some() {
            input.language = None;
        }
        if current.notes.is_some() {
            input.notes = None;
        }
        if current.opted_out && input.opted_out == Some(false) {
            input.opted_out = None;
        }
        if current.opt_out_reason.is_some() {
            input.opt_out_reason = None;
        }
    }
    input
}

/// The contacts of the workspace with these ids, by id.
async fn read_existing(
    state: &AppState,
    ws: &str,
    ids: &[String],
) -> Result<HashMap<String, Contact>, String> {
    Ok(read_group(state, ws, ids, None).await?.0)
}

/// The contacts with these ids: those that were there before a write stamped `stamp`, by id, and
/// the ids of those that write created.
async fn read_group(
    state: &AppState,
    ws: &str,
    ids: &[String],
    stamp: Option<DateTime<Utc>>,
) -> Result<(HashMap<String, Contact>, HashSet<String>), String> {
    let mut vars = json!({ "ws": ws, "ids": ids }).into_value();
    if let (surrealdb::types::Value::Object(fields), Some(stamp)) = (&mut vars, stamp) {
        fields.insert("stamp", surrealdb::types::Value::Datetime(stamp.into()));
    }
    let rows = super::read_rows(&state.db, &existing_query(ws, ids), vars)
        .await
        .map_err(|e| format!("cannot read existing contacts: {e}"))?;
    let (mut before, mut stamped) = (HashMap::new(), HashSet::new());
    for row in rows {
        let stamped_here = row.stamped;
        let contact = Contact::from(row);
        if stamped_here {
            stamped.insert(contact.id);
        } else {
            before.insert(contact.id.clone(), contact);
        }
    }
    Ok((before, stamped))
}

impl Run {
    async fn fail_row(&mut self, row: u32, message: String) {
        self.job.counts.failed += 1;
        self.job.error_count += 1;
        if self.report.is_none() {
            let path = self.state.files.scratch_file();
            match tokio::fs::File::create(&path).await {
                Ok(mut file) => {
                    let _ = file.write_all(b"row,message\n").await;
                    self.report = Some((file, path));
                }
                Err(e) => tracing::warn!(error = %e, "cannot write the import error report"),
            }
        }
        if let Some((report, _)) = &mut self.report {
            let line = report_line(row, &message);
            let _ = report.write_all(&line).await;
        }
        if self.job.errors.len() < ERRORS_ON_JOB {
            self.job.errors.push(RowIssue { row, message });
        }
    }

    /// Stores the job's progress and tells watchers. A store failure is logged: progress is
    /// best effort, the contacts are what matters.
    async fn save(&self) {
        let mut params = json!({
            "id": self.job.id,
            "status": self.job.status,
            "counts": self.job.counts,
            "errors": self.job.errors,
            "error_count": self.job.error_count,
            "failure": self.job.failure,
            "columns": self.job.columns,
            "started_at": self.job.started_at,
            "finished_at": self.job.finished_at,
        });
        // An absent parameter is NONE, which `option<…>` fields take; null is not.
        if let Value::Object(map) = &mut params {
            map.retain(|_, v| !v.is_null());
        }
        let result = self
            .state
            .db
            .exec(
                "BEGIN; \
                 LET $job = type::record('import_job', $id); \
                 LET $was = (SELECT VALUE status FROM ONLY $job); \
                 UPDATE $job SET status = $status, counts = $counts, \
                 errors = $errors, error_count = $error_count, failure = $failure, columns = $columns, \
                 started_at = <option<datetime>>$started_at, finished_at = <option<datetime>>$finished_at; \
                 IF $was != NONE AND $status IN ['done', 'failed'] AND $was NOT IN ['done', 'failed'] { \
                     CREATE type::record('event', [(SELECT VALUE workspace FROM ONLY $job), rand::ulid()]) SET \
                         type = IF $status = 'done' { 'import.completed' } ELSE { 'import.failed' }, \
                         at = time::now(), data = { import: $id, counts: $counts, failure: $failure }; \
                 }; \
                 COMMIT;",
                params,
            )
            .await;
        if let Err(e) = result {
            tracing::warn!(job = %self.job.id, error = %e, "cannot save import progress");
        }
        self.tx.send_replace(self.job.clone());
    }
}

/// Up to `chunk_bytes` of a file: fewer only at its end, none once it is read.
pub async fn read_chunk(
    file: &mut (impl tokio::io::AsyncRead + Unpin),
    chunk_bytes: usize,
) -> std::io::Result<Vec<u8>> {
    let mut chunk = vec![0u8; chunk_bytes];
    let mut filled = 0;
    while filled < chunk_bytes {
        let n = file.read(&mut chunk[filled..]).await?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    chunk.truncate(filled);
    Ok(chunk)
}

/// A column header as a custom field name usable in templates: `Doğum Tarihi` → `doğum_tarihi`
/// (Turkish lower case, separators as `_`, other punctuation dropped).
pub fn field_key(header: &str) -> Option<String> {
    let lower = super::model::turkish_lowercase(header.trim());
    let mut key = String::with_capacity(lower.len());
    for c in lower.chars() {
        if c.is_alphanumeric() {
            key.push(c);
        } else if (c.is_whitespace() || matches!(c, '_' | '-' | '.' | '/')) && !key.ends_with('_') {
            key.push('_');
        }
    }
    let key = key.trim_matches('_');
    let key = if key.starts_with(char::is_alphabetic) {
        key.to_owned()
    } else if key.is_empty() {
        return None;
    } else {
        format!("alan_{key}")
    };
    Some(
        key.chars()
            .take(super::model::MAX_FIELD_NAME_CHARS)
            .collect(),
    )
}

/// Reads the contacts with these ids, each with whether it was created at `$stamp`.
fn existing_query(workspace: &str, ids: &[String]) -> String {
    format!(
        "SELECT VALUE [{FIELDS}, created_at = $stamp] FROM {}",
        super::records_of(workspace, ids)
    )
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// Fills what `into` lacks from a later row with the same phone.
fn merge_into(into: &mut ContactInput, from: ContactInput) {
    if into.first_name.is_none() {
        into.first_name = from.first_name;
    }
    if into.last_name.is_none() {
        into.last_name = from.last_name;
    }
    if into.email.is_none() {
        into.email = from.email;
    }
    if into.gender.is_none() {
        into.gender = from.gender;
    }
    if into.honorific.is_none() {
        into.honorific = from.honorific;
    }
    if into.language.is_none() {
        into.language = from.language;
    }
    if into.notes.is_none() {
        into.notes = from.notes;
    }
    // An opt-out on any of the rows wins.
    if from.opted_out == Some(true) || into.opted_out.is_none() {
        into.opted_out = from.opted_out.or(into.opted_out);
    }
    if into.opt_out_reason.is_none() {
        into.opt_out_reason = from.opt_out_reason;
    }
    if let (Some(tags), Some(more)) = (&mut into.tags, from.tags) {
        tags.extend(more);
    }
    if let (Some(custom), Some(more)) = (&mut into.custom_fields, from.custom_fields) {
        for (k, v) in more {
            custom.entry(k).or_insert(v);
        }
    }
}

/// One line of the error report, quoted by the csv crate, with formula starts defused as in the
/// contact export.
fn report_line(row: u32, message: &str) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    if writer
        .write_record([row.to_string(), super::routes::csv_safe(message)])
        .is_err()
    {
        return format!("{row},\n").into_bytes();
    }
    writer.into_inner().unwrap_or_default()
}

/// How long an import job stays owned by its node without a renewal: a replica that dies has its
/// jobs failed within this and one renewal period ([`LEASE_RENEWAL`]), 25 s.
const LEASE_SECS: u64 = 20;
/// How often [`keep_leases`] runs: three renewals may fail in a row before a job is lost.
pub const LEASE_RENEWAL: std::time::Duration = std::time::Duration::from_secs(5);

/// Jobs cannot resume where a process stopped (their plugin state is gone). At start, a node marks
/// its own unfinished jobs failed; the jobs of other replicas are theirs to finish.
pub async fn fail_interrupted(state: &AppState) {
    if let Err(e) = state
        .db
        .exec(
            &format!(
                "BEGIN; \
                 LET $failed = (UPDATE import_job SET status = 'failed', failure = '{INTERRUPTED}', \
                 finished_at = time::now() WHERE status IN ['queued', 'running'] AND node = $node \
                 RETURN record::id(id) AS id, workspace, counts, failure); \
                 {FAILED_EVENTS} \
                 COMMIT;"
            ),
            json!({ "node": state.node }),
        )
        .await
    {
        tracing::warn!(error = %e, "cannot mark interrupted imports");
    }
}

const INTERRUPTED: &str = "interrupted by a server restart; upload the file again";

/// Records `import.failed` for each job in `$failed`.
const FAILED_EVENTS: &str = "FOR $j IN $failed { \
     CREATE type::record('event', [$j.workspace, rand::ulid()]) SET type = 'import.failed', \
         at = time::now(), data = { import: $j.id, counts: $j.counts, failure: $j.failure }; \
 };";

/// Renews this node's hold on its unfinished jobs, and fails jobs whose node stopped renewing
/// (a replica that died): run periodically, more often than the lease lasts.
pub async fn keep_leases(state: &AppState) {
    if let Err(e) = state
        .db
        .exec(
            &format!(
                "UPDATE import_job SET lease_until = time::now() + {LEASE_SECS}s \
                 WHERE status IN ['queued', 'running'] AND node = $node; \
                 BEGIN; \
                 LET $failed = (UPDATE import_job SET status = 'failed', failure = '{INTERRUPTED}', \
                 finished_at = time::now() WHERE status IN ['queued', 'running'] \
                 AND (lease_until IS NONE OR lease_until < time::now()) \
                 RETURN record::id(id) AS id, workspace, counts, failure); \
                 {FAILED_EVENTS} \
                 COMMIT;"
            ),
            json!({ "node": state.node }),
        )
        .await
    {
        tracing::warn!(error = %e, "cannot renew import leases");
    }
}

#[cfg(test)]
mod tests {
    use super::field_key;

    #[test]
    fn headers_become_template_friendly_field_names() {
        assert_eq!(field_key("Şehir").as_deref(), Some("şehir"));
        assert_eq!(field_key(" Doğum Tarihi ").as_deref(), Some("doğum_tarihi"));
        assert_eq!(field_key("İl / İlçe").as_deref(), Some("il_ilçe"));
        assert_eq!(field_key("2. Telefon").as_deref(), Some("alan_2_telefon"));
        assert_eq!(field_key("company").as_deref(), Some("company"));
        assert_eq!(field_key("  -- ").as_deref(), None);
    }
}
