//! Ordered, idempotent schema migrations. The applied version is kept in `meta:schema`; each migration
//! runs once, in order, and every statement is written to be safe to repeat (`IF NOT EXISTS`), so two
//! replicas starting together cannot break each other.

use serde::Deserialize;
use serde_json::json;

use super::{Db, DbError};

/// Released migrations are never edited; a change to the schema is a new entry at the end.
const MIGRATIONS: &[(u32, &str)] = &[
    (1, V1_FOUNDATION),
    (2, V2_CONTACTS),
    (3, V3_TEMPLATES_MEDIA),
    (4, V4_PLUGINS_IMPORTS),
    (5, V5_CONTACTS_BY_ID),
    (6, V6_CONTACTS_STAMPED_BY_WRITER),
    (7, V7_HARDENING),
    (8, V8_MESSAGING),
    (9, V9_IMPORT_COLUMNS),
    (10, V10_MESSAGE_DAYS),
    (11, V11_APPROVED_TEMPLATES),
    (12, V12_UPLOADED_PLUGINS_STAY_ON),
    (13, V13_CONTACT_INDEX),
    (14, V14_EVENTS_AND_WEBHOOKS),
    (15, V15_PASSWORD_RESETS_WEBHOOK_QUEUES),
    (16, V16_AUDIT_NOTICES),
    (17, V17_WHATSAPP_WEB_STATE),
    (18, V18_WHATSAPP_WEB_PAIRING),
    (19, V19_WHATSAPP_NUMBERS),
    (20, V20_PLUGIN_COMPONENTS),
    (21, V21_OUTBOX_CLAIMS),
    (22, V22_OUTCOME_TALLIES),
    (23, V23_THREADS_WITHOUT_INDEX),
];

const V1_FOUNDATION: &str = r#"
DEFINE TABLE IF NOT EXISTS meta SCHEMALESS;

DEFINE TABLE IF NOT EXISTS user SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS email ON user TYPE string;
DEFINE FIELD IF NOT EXISTS name ON user TYPE string;
DEFINE FIELD IF NOT EXISTS password_hash ON user TYPE string;
DEFINE FIELD IF NOT EXISTS superadmin ON user TYPE bool DEFAULT false;
DEFINE FIELD IF NOT EXISTS created_at ON user TYPE datetime DEFAULT time::now();
DEFINE INDEX IF NOT EXISTS user_email ON user FIELDS email UNIQUE;

DEFINE TABLE IF NOT EXISTS session SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS user ON session TYPE string;
DEFINE FIELD IF NOT EXISTS csrf ON session TYPE string;
DEFINE FIELD IF NOT EXISTS created_at ON session TYPE datetime DEFAULT time::now();
DEFINE FIELD IF NOT EXISTS expires_at ON session TYPE datetime;
DEFINE INDEX IF NOT EXISTS session_user ON session FIELDS user;

DEFINE TABLE IF NOT EXISTS api_token SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS user ON api_token TYPE string;
DEFINE FIELD IF NOT EXISTS workspace ON api_token TYPE string;
DEFINE FIELD IF NOT EXISTS role ON api_token TYPE string;
DEFINE FIELD IF NOT EXISTS name ON api_token TYPE string;
DEFINE FIELD IF NOT EXISTS secret_hash ON api_token TYPE string;
DEFINE FIELD IF NOT EXISTS created_at ON api_token TYPE datetime DEFAULT time::now();
DEFINE FIELD IF NOT EXISTS last_used_at ON api_token TYPE option<datetime>;
DEFINE INDEX IF NOT EXISTS api_token_user ON api_token FIELDS user;
DEFINE INDEX IF NOT EXISTS api_token_workspace ON api_token FIELDS workspace;

DEFINE TABLE IF NOT EXISTS workspace SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS name ON workspace TYPE string;
DEFINE FIELD IF NOT EXISTS created_by ON workspace TYPE string;
DEFINE FIELD IF NOT EXISTS created_at ON workspace TYPE datetime DEFAULT time::now();

DEFINE TABLE IF NOT EXISTS role SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS workspace ON role TYPE string;
DEFINE FIELD IF NOT EXISTS name ON role TYPE string;
DEFINE FIELD IF NOT EXISTS description ON role TYPE string;
DEFINE FIELD IF NOT EXISTS builtin ON role TYPE bool;
DEFINE FIELD IF NOT EXISTS created_at ON role TYPE datetime DEFAULT time::now();
DEFINE INDEX IF NOT EXISTS role_workspace_name ON role FIELDS workspace, name UNIQUE;

DEFINE TABLE IF NOT EXISTS casbin_rule SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS ptype ON casbin_rule TYPE string;
DEFINE FIELD IF NOT EXISTS v0 ON casbin_rule TYPE string;
DEFINE FIELD IF NOT EXISTS v1 ON casbin_rule TYPE string;
DEFINE FIELD IF NOT EXISTS v2 ON casbin_rule TYPE string;
DEFINE FIELD IF NOT EXISTS v3 ON casbin_rule TYPE string;
DEFINE FIELD IF NOT EXISTS v4 ON casbin_rule TYPE string;
DEFINE FIELD IF NOT EXISTS v5 ON casbin_rule TYPE string;
DEFINE INDEX IF NOT EXISTS casbin_rule_unique ON casbin_rule FIELDS ptype, v0, v1, v2, v3, v4, v5 UNIQUE;
"#;

const V2_CONTACTS: &str = r#"
DEFINE FIELD IF NOT EXISTS default_region ON workspace TYPE string DEFAULT 'TR';
UPDATE workspace SET default_region = 'TR' WHERE default_region IS NONE;

DEFINE TABLE IF NOT EXISTS contact SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS workspace ON contact TYPE string;
DEFINE FIELD IF NOT EXISTS phone ON contact TYPE string;
DEFINE FIELD IF NOT EXISTS first_name ON contact TYPE option<string>;
DEFINE FIELD IF NOT EXISTS last_name ON contact TYPE option<string>;
DEFINE FIELD IF NOT EXISTS gender ON contact TYPE option<string>;
DEFINE FIELD IF NOT EXISTS honorific ON contact TYPE option<string>;
DEFINE FIELD IF NOT EXISTS language ON contact TYPE option<string>;
DEFINE FIELD IF NOT EXISTS email ON contact TYPE option<string>;
DEFINE FIELD IF NOT EXISTS tags ON contact TYPE array<string> DEFAULT [];
DEFINE FIELD IF NOT EXISTS tag_keys ON contact TYPE array<string> DEFAULT [];
DEFINE FIELD IF NOT EXISTS custom_fields ON contact TYPE object FLEXIBLE DEFAULT {};
DEFINE FIELD IF NOT EXISTS opted_out ON contact TYPE bool DEFAULT false;
DEFINE FIELD IF NOT EXISTS opted_out_at ON contact TYPE option<datetime>;
DEFINE FIELD IF NOT EXISTS opt_out_reason ON contact TYPE option<string>;
DEFINE FIELD IF NOT EXISTS notes ON contact TYPE option<string>;
DEFINE FIELD IF NOT EXISTS search ON contact TYPE string DEFAULT '';
DEFINE FIELD IF NOT EXISTS created_at ON contact TYPE datetime DEFAULT time::now();
DEFINE FIELD IF NOT EXISTS updated_at ON contact TYPE datetime DEFAULT time::now();
DEFINE INDEX IF NOT EXISTS contact_workspace_phone ON contact FIELDS workspace, phone;
"#;

const V3_TEMPLATES_MEDIA: &str = r#"
DEFINE FIELD IF NOT EXISTS locale ON workspace TYPE string DEFAULT 'tr';
DEFINE FIELD IF NOT EXISTS time_zone ON workspace TYPE string DEFAULT 'Europe/Istanbul';
UPDATE workspace SET locale = 'tr' WHERE locale IS NONE;
UPDATE workspace SET time_zone = 'Europe/Istanbul' WHERE time_zone IS NONE;

DEFINE TABLE IF NOT EXISTS contact_field SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS workspace ON contact_field TYPE string;
DEFINE FIELD IF NOT EXISTS name ON contact_field TYPE string;
DEFINE INDEX IF NOT EXISTS contact_field_workspace ON contact_field FIELDS workspace;

DEFINE TABLE IF NOT EXISTS variable SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS workspace ON variable TYPE string;
DEFINE FIELD IF NOT EXISTS name ON variable TYPE string;
DEFINE FIELD IF NOT EXISTS kind ON variable TYPE string;
DEFINE FIELD IF NOT EXISTS value ON variable TYPE option<string>;
DEFINE FIELD IF NOT EXISTS field ON variable TYPE option<string>;
DEFINE FIELD IF NOT EXISTS format ON variable TYPE option<string>;
DEFINE FIELD IF NOT EXISTS plugin ON variable TYPE option<string>;
DEFINE FIELD IF NOT EXISTS fallback ON variable TYPE option<string>;
DEFINE FIELD IF NOT EXISTS created_at ON variable TYPE datetime DEFAULT time::now();
DEFINE FIELD IF NOT EXISTS updated_at ON variable TYPE datetime DEFAULT time::now();
DEFINE INDEX IF NOT EXISTS variable_workspace ON variable FIELDS workspace, name;

DEFINE TABLE IF NOT EXISTS template SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS workspace ON template TYPE string;
DEFINE FIELD IF NOT EXISTS name ON template TYPE string;
DEFINE FIELD IF NOT EXISTS body ON template TYPE string;
DEFINE FIELD IF NOT EXISTS media ON template TYPE array<string> DEFAULT [];
DEFINE FIELD IF NOT EXISTS tags ON template TYPE array<string> DEFAULT [];
DEFINE FIELD IF NOT EXISTS channel_hints ON template TYPE object FLEXIBLE DEFAULT {};
DEFINE FIELD IF NOT EXISTS variables ON template TYPE array<string> DEFAULT [];
DEFINE FIELD IF NOT EXISTS created_at ON template TYPE datetime DEFAULT time::now();
DEFINE FIELD IF NOT EXISTS updated_at ON template TYPE datetime DEFAULT time::now();
DEFINE INDEX IF NOT EXISTS template_workspace ON template FIELDS workspace;

DEFINE TABLE IF NOT EXISTS media SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS workspace ON media TYPE string;
DEFINE FIELD IF NOT EXISTS kind ON media TYPE string;
DEFINE FIELD IF NOT EXISTS mime ON media TYPE string;
DEFINE FIELD IF NOT EXISTS size ON media TYPE int;
DEFINE FIELD IF NOT EXISTS file_name ON media TYPE string;
DEFINE FIELD IF NOT EXISTS sha256 ON media TYPE string;
DEFINE FIELD IF NOT EXISTS has_thumbnail ON media TYPE bool DEFAULT false;
DEFINE FIELD IF NOT EXISTS created_at ON media TYPE datetime DEFAULT time::now();
DEFINE INDEX IF NOT EXISTS media_workspace ON media FIELDS workspace;
DEFINE INDEX IF NOT EXISTS media_sha256 ON media FIELDS sha256;
"#;

const V4_PLUGINS_IMPORTS: &str = r#"
DEFINE TABLE IF NOT EXISTS plugin SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS name ON plugin TYPE string;
DEFINE FIELD IF NOT EXISTS version ON plugin TYPE string;
DEFINE FIELD IF NOT EXISTS kind ON plugin TYPE string;
DEFINE FIELD IF NOT EXISTS manifest ON plugin TYPE string;
DEFINE FIELD IF NOT EXISTS sha256 ON plugin TYPE string;
DEFINE FIELD IF NOT EXISTS source ON plugin TYPE string;
DEFINE FIELD IF NOT EXISTS installed_at ON plugin TYPE datetime DEFAULT time::now();

DEFINE TABLE IF NOT EXISTS plugin_setting SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS workspace ON plugin_setting TYPE string;
DEFINE FIELD IF NOT EXISTS plugin ON plugin_setting TYPE string;
DEFINE FIELD IF NOT EXISTS enabled ON plugin_setting TYPE bool;
DEFINE FIELD IF NOT EXISTS config ON plugin_setting TYPE object FLEXIBLE DEFAULT {};
DEFINE FIELD IF NOT EXISTS updated_at ON plugin_setting TYPE datetime DEFAULT time::now();
DEFINE INDEX IF NOT EXISTS plugin_setting_plugin ON plugin_setting FIELDS plugin;

DEFINE TABLE IF NOT EXISTS plugin_kv SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS workspace ON plugin_kv TYPE string;
DEFINE FIELD IF NOT EXISTS plugin ON plugin_kv TYPE string;
DEFINE FIELD IF NOT EXISTS value ON plugin_kv TYPE string;
DEFINE FIELD IF NOT EXISTS updated_at ON plugin_kv TYPE datetime DEFAULT time::now();
DEFINE INDEX IF NOT EXISTS plugin_kv_plugin ON plugin_kv FIELDS plugin;

DEFINE TABLE IF NOT EXISTS import_job SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS workspace ON import_job TYPE string;
DEFINE FIELD IF NOT EXISTS importer ON import_job TYPE string;
DEFINE FIELD IF NOT EXISTS file_name ON import_job TYPE string;
DEFINE FIELD IF NOT EXISTS size ON import_job TYPE int;
DEFINE FIELD IF NOT EXISTS dry_run ON import_job TYPE bool;
DEFINE FIELD IF NOT EXISTS options ON import_job TYPE object FLEXIBLE DEFAULT {};
DEFINE FIELD IF NOT EXISTS status ON import_job TYPE string;
DEFINE FIELD IF NOT EXISTS counts ON import_job TYPE object FLEXIBLE DEFAULT {};
DEFINE FIELD IF NOT EXISTS errors ON import_job TYPE array<object> FLEXIBLE DEFAULT [];
DEFINE FIELD IF NOT EXISTS error_count ON import_job TYPE int DEFAULT 0;
DEFINE FIELD IF NOT EXISTS failure ON import_job TYPE option<string>;
DEFINE FIELD IF NOT EXISTS created_by ON import_job TYPE string;
DEFINE FIELD IF NOT EXISTS created_at ON import_job TYPE datetime DEFAULT time::now();
DEFINE FIELD IF NOT EXISTS started_at ON import_job TYPE option<datetime>;
DEFINE FIELD IF NOT EXISTS finished_at ON import_job TYPE option<datetime>;
DEFINE INDEX IF NOT EXISTS import_job_workspace ON import_job FIELDS workspace;
"#;

/// Contacts are found by record id alone (`contact:[workspace, digits]`, ranges of it for lists), so
/// the secondary index on (workspace, phone) only cost writes: it doubled the cost of storing a
/// contact, as each entry also takes a table-wide document id. The table becomes SCHEMALESS with the
/// fields that queries filter or sort on still typed; the free-text fields are checked by the API in
/// one place (`contacts::validate`) before any write. Storing a contact went from 115 µs to 54 µs
/// (`bench/src/bin/store_costs.rs`).
const V5_CONTACTS_BY_ID: &str = r#"
REMOVE INDEX IF EXISTS contact_workspace_phone ON contact;
DEFINE TABLE OVERWRITE contact SCHEMALESS;
REMOVE FIELD IF EXISTS first_name ON contact;
REMOVE FIELD IF EXISTS last_name ON contact;
REMOVE FIELD IF EXISTS gender ON contact;
REMOVE FIELD IF EXISTS honorific ON contact;
REMOVE FIELD IF EXISTS language ON contact;
REMOVE FIELD IF EXISTS email ON contact;
REMOVE FIELD IF EXISTS opt_out_reason ON contact;
REMOVE FIELD IF EXISTS notes ON contact;
DEFINE FIELD OVERWRITE custom_fields ON contact TYPE object DEFAULT {};
"#;

/// A field with a `DEFAULT` expression makes the store evaluate it for every document written: the
/// two `time::now()` defaults alone cost a contact about 10 µs, more than every other field check
/// together. The writers now set `created_at` and `updated_at` themselves (`contacts::create`, the
/// import's native datetimes), and the fields stay typed so that a writer that forgets or passes a
/// string fails loudly. The derived and structured fields (tags, keys, custom fields, search) are
/// always set by `contacts::validate`; their definitions go. With the import's `INSERT` returning
/// empty rows instead of ids, storing a contact went from 56 µs to 28 µs
/// (`bench/src/bin/store_costs.rs`).
const V6_CONTACTS_STAMPED_BY_WRITER: &str = r#"
REMOVE FIELD IF EXISTS workspace ON contact;
REMOVE FIELD IF EXISTS phone ON contact;
REMOVE FIELD IF EXISTS tags ON contact;
REMOVE FIELD IF EXISTS tag_keys ON contact;
REMOVE FIELD IF EXISTS custom_fields ON contact;
REMOVE FIELD IF EXISTS opted_out ON contact;
REMOVE FIELD IF EXISTS search ON contact;
DEFINE FIELD OVERWRITE created_at ON contact TYPE datetime;
DEFINE FIELD OVERWRITE updated_at ON contact TYPE datetime;
"#;

/// Invitations instead of adding people directly; import jobs owned by a node; workspace deletion
/// that a crash cannot leave half done; media blobs removed only after a grace period.
const V7_HARDENING: &str = r#"
DEFINE TABLE IF NOT EXISTS invitation SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS workspace ON invitation TYPE string;
DEFINE FIELD IF NOT EXISTS workspace_name ON invitation TYPE string;
DEFINE FIELD IF NOT EXISTS email ON invitation TYPE string;
DEFINE FIELD IF NOT EXISTS role ON invitation TYPE string;
DEFINE FIELD IF NOT EXISTS invited_by ON invitation TYPE string;
DEFINE FIELD IF NOT EXISTS invited_by_user ON invitation TYPE string;
DEFINE FIELD IF NOT EXISTS created_at ON invitation TYPE datetime;
DEFINE FIELD IF NOT EXISTS expires_at ON invitation TYPE datetime;
DEFINE FIELD IF NOT EXISTS code_hash ON invitation TYPE option<string>;
DEFINE INDEX IF NOT EXISTS invitation_email ON invitation FIELDS email;
DEFINE INDEX IF NOT EXISTS invitation_workspace ON invitation FIELDS workspace;

DEFINE FIELD IF NOT EXISTS node ON import_job TYPE option<string>;
DEFINE FIELD IF NOT EXISTS lease_until ON import_job TYPE option<datetime>;
DEFINE INDEX IF NOT EXISTS import_job_status ON import_job FIELDS status;

DEFINE FIELD IF NOT EXISTS deleting_since ON workspace TYPE option<datetime>;
DEFINE INDEX IF NOT EXISTS workspace_created_by ON workspace FIELDS created_by;

DEFINE TABLE IF NOT EXISTS blob_gc SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS sha256 ON blob_gc TYPE string;
DEFINE FIELD IF NOT EXISTS due ON blob_gc TYPE datetime;
DEFINE INDEX IF NOT EXISTS blob_gc_due ON blob_gc FIELDS due;

DEFINE FIELD IF NOT EXISTS size ON plugin_kv TYPE option<int>;
UPDATE plugin_kv SET size = string::len(value) / 2 WHERE size IS NONE;
DEFINE TABLE IF NOT EXISTS media_usage SCHEMALESS;
FOR $row IN (SELECT workspace, math::sum(size) AS bytes FROM media GROUP BY workspace) {
    UPSERT type::record('media_usage', $row.workspace) SET bytes = $row.bytes;
};
DEFINE TABLE IF NOT EXISTS plugin_kv_usage SCHEMALESS;
FOR $row IN (SELECT workspace, count() AS keys, math::sum(size) AS bytes FROM plugin_kv GROUP BY workspace) {
    UPSERT type::record('plugin_kv_usage', $row.workspace) SET keys = $row.keys, bytes = $row.bytes;
};

UPSERT meta:policy_version SET n = (n ?? 0) + 1;
UPSERT meta:auth_version SET n = (n ?? 0) + 1;
"#;

/// Channels, campaigns and the outbox. Messages are keyed `[workspace, batch, key]` (a campaign's
/// by contact), written in batches and found by record range; the one secondary index serves a
/// contact's conversation. The small tables are keyed by what they are looked up by.
const V8_MESSAGING: &str = r#"
DEFINE TABLE IF NOT EXISTS channel SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS workspace ON channel TYPE string;
DEFINE FIELD IF NOT EXISTS name ON channel TYPE string;
DEFINE FIELD IF NOT EXISTS kind ON channel TYPE string;
DEFINE FIELD IF NOT EXISTS config ON channel TYPE object FLEXIBLE DEFAULT {};
DEFINE FIELD IF NOT EXISTS state ON channel TYPE string;
DEFINE FIELD IF NOT EXISTS state_reason ON channel TYPE option<string>;
DEFINE FIELD IF NOT EXISTS health ON channel TYPE object FLEXIBLE DEFAULT {};
DEFINE FIELD IF NOT EXISTS created_at ON channel TYPE datetime;
DEFINE FIELD IF NOT EXISTS updated_at ON channel TYPE datetime;
DEFINE INDEX IF NOT EXISTS channel_workspace ON channel FIELDS workspace;

DEFINE TABLE IF NOT EXISTS channel_lease SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS node ON channel_lease TYPE string;
DEFINE FIELD IF NOT EXISTS until ON channel_lease TYPE datetime;

DEFINE TABLE IF NOT EXISTS campaign SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS workspace ON campaign TYPE string;
DEFINE FIELD IF NOT EXISTS name ON campaign TYPE string;
DEFINE FIELD IF NOT EXISTS template ON campaign TYPE string;
DEFINE FIELD IF NOT EXISTS channel ON campaign TYPE string;
DEFINE FIELD IF NOT EXISTS audience ON campaign TYPE object FLEXIBLE;
DEFINE FIELD IF NOT EXISTS schedule ON campaign TYPE object FLEXIBLE DEFAULT {};
DEFINE FIELD IF NOT EXISTS start_at ON campaign TYPE option<datetime>;
DEFINE FIELD IF NOT EXISTS rate ON campaign TYPE object FLEXIBLE DEFAULT {};
DEFINE FIELD IF NOT EXISTS state ON campaign TYPE string;
DEFINE FIELD IF NOT EXISTS state_reason ON campaign TYPE option<string>;
DEFINE FIELD IF NOT EXISTS counts ON campaign TYPE object FLEXIBLE DEFAULT {};
DEFINE FIELD IF NOT EXISTS progress ON campaign TYPE object FLEXIBLE DEFAULT {};
DEFINE FIELD IF NOT EXISTS snapshot ON campaign TYPE option<object> FLEXIBLE;
DEFINE FIELD IF NOT EXISTS created_by ON campaign TYPE string;
DEFINE FIELD IF NOT EXISTS created_at ON campaign TYPE datetime;
DEFINE FIELD IF NOT EXISTS updated_at ON campaign TYPE datetime;
DEFINE FIELD IF NOT EXISTS started_at ON campaign TYPE option<datetime>;
DEFINE FIELD IF NOT EXISTS finished_at ON campaign TYPE option<datetime>;
DEFINE INDEX IF NOT EXISTS campaign_workspace ON campaign FIELDS workspace;
DEFINE INDEX IF NOT EXISTS campaign_channel ON campaign FIELDS channel, state;

-- The enqueueing's progress (cursor, done) and the counts it added, keyed by campaign: kept apart
-- from the campaign, which the dispatcher updates all the time, so that a page's long transaction
-- never conflicts with it. Readers add these counts to the campaign's.
DEFINE TABLE IF NOT EXISTS campaign_enqueue SCHEMALESS;
DEFINE TABLE IF NOT EXISTS message SCHEMALESS;
DEFINE INDEX IF NOT EXISTS message_thread ON message FIELDS workspace, contact;
DEFINE TABLE IF NOT EXISTS retry SCHEMALESS;
DEFINE TABLE IF NOT EXISTS provider_ref SCHEMALESS;
DEFINE TABLE IF NOT EXISTS recipient_gap SCHEMALESS;
DEFINE TABLE IF NOT EXISTS channel_day SCHEMALESS;
DEFINE TABLE IF NOT EXISTS inbound_seen SCHEMALESS;
DEFINE TABLE IF NOT EXISTS messaging_settings SCHEMALESS;
DEFINE TABLE IF NOT EXISTS conversation SCHEMALESS;
DEFINE INDEX IF NOT EXISTS conversation_workspace ON conversation FIELDS workspace, last_at;
"#;

/// What an import made of the columns it saw (`Cinsiyet` → `gender`), shown before anything is
/// written.
const V9_IMPORT_COLUMNS: &str = r#"
DEFINE FIELD IF NOT EXISTS columns ON import_job TYPE object FLEXIBLE DEFAULT {};
"#;

/// Messages per workspace and day by status (`messages::stats`), keyed [workspace, 'YYYY-MM-DD'].
const V10_MESSAGE_DAYS: &str = r#"
DEFINE TABLE IF NOT EXISTS message_day SCHEMALESS;
"#;

/// A Cloud API channel's approved templates, keyed [channel, name, language], and when they were
/// last read from Meta (keyed by channel); when each contact last wrote to each channel (keyed
/// [channel, contact]: WhatsApp's 24-hour window is per number).
const V11_APPROVED_TEMPLATES: &str = r#"
DEFINE TABLE IF NOT EXISTS wa_template SCHEMALESS;
DEFINE TABLE IF NOT EXISTS wa_template_refresh SCHEMALESS;
DEFINE TABLE IF NOT EXISTS inbound_last SCHEMALESS;
FOR $c IN (SELECT channel, contact, last_in_at FROM conversation WHERE last_in_at != NONE AND last_in_at > time::now() - 1d) {
    UPSERT type::record('inbound_last', [$c.channel, $c.contact]) SET at = $c.last_in_at;
};
"#;

/// `enabled_by_default` now defaults to false. A plugin uploaded before, whose manifest does not
/// say, was on in every workspace that never changed it: it stays on there.
const V12_UPLOADED_PLUGINS_STAY_ON: &str = r#"
FOR $p IN (SELECT VALUE name FROM plugin WHERE source = 'upload' AND !string::contains(manifest, 'enabled_by_default')) {
    FOR $w IN (SELECT VALUE record::id(id) FROM workspace) {
        INSERT IGNORE INTO plugin_setting { id: [$w, $p], workspace: $w, plugin: $p, enabled: true, config: {} };
    };
};
"#;

/// The contact index (`contacts::index`): posting records keyed [workspace, term, chunk] holding
/// the ids of the contacts one write indexed with that term; each contact keeps its `terms` and
/// `chunk`. Contacts stored before have neither; the server indexes them at its start
/// (`contacts::index::backfill`, marked done in `meta:contact_index`).
const V13_CONTACT_INDEX: &str = r#"
DEFINE TABLE IF NOT EXISTS contact_posting SCHEMALESS;
"#;

/// The event log (`event:[workspace, ulid]`), webhook subscriptions, their deliveries
/// (`webhook_delivery:[webhook, event]`), the due queue (`webhook_due:[ms, webhook, event]`) and the
/// delivery worker's lease.
const V14_EVENTS_AND_WEBHOOKS: &str = r#"
DEFINE TABLE IF NOT EXISTS event SCHEMALESS;
DEFINE TABLE IF NOT EXISTS webhook SCHEMALESS;
DEFINE INDEX IF NOT EXISTS webhook_workspace ON webhook FIELDS workspace;
DEFINE TABLE IF NOT EXISTS webhook_delivery SCHEMALESS;
DEFINE TABLE IF NOT EXISTS webhook_due SCHEMALESS;
DEFINE TABLE IF NOT EXISTS webhook_lease SCHEMALESS;
"#;

/// Password resets by e-mail, keyed by the SHA-256 of the link's token; webhook due entries in
/// one queue per subscription (`webhook_queue:[webhook, ms, event]`) instead of one for all.
const V15_PASSWORD_RESETS_WEBHOOK_QUEUES: &str = r#"
DEFINE TABLE IF NOT EXISTS password_reset SCHEMALESS;
DEFINE INDEX IF NOT EXISTS password_reset_user ON password_reset FIELDS user;
DEFINE TABLE IF NOT EXISTS webhook_queue SCHEMALESS;
FOR $d IN (SELECT VALUE record::id(id) FROM webhook_due) {
    CREATE type::record('webhook_queue', [$d[1], $d[0], $d[2]]) SET at = time::now();
};
DELETE webhook_due;
"#;

/// The audit log: `audit:['', mirrored ulid]` for the instance, `audit:[workspace, mirrored ulid]`
/// once more for a workspace's entries; where each workspace's e-mail notices have got to.
const V16_AUDIT_NOTICES: &str = r#"
DEFINE TABLE IF NOT EXISTS audit SCHEMALESS;
DEFINE TABLE IF NOT EXISTS notice_cursor SCHEMALESS;
DEFINE FIELD IF NOT EXISTS notices ON user TYPE option<object> FLEXIBLE;
"#;

/// A WhatsApp Web channel's device and Signal state, `wa_state:[channel, kind, key…]`
/// (`transports::whatsapp_web::store`), and the contacts its phone synced,
/// `wa_contact:[channel, digits]` (`transports::whatsapp_web::contacts`).
const V17_WHATSAPP_WEB_STATE: &str = r#"
DEFINE TABLE IF NOT EXISTS wa_state SCHEMALESS;
DEFINE TABLE IF NOT EXISTS wa_contact SCHEMALESS;
"#;

/// The pairing code a WhatsApp Web channel shows, `wa_pairing:<channel>` {kind: qr|phone, code,
/// expires_at}: written by the replica that runs the channel, read by any.
const V18_WHATSAPP_WEB_PAIRING: &str = r#"
DEFINE TABLE IF NOT EXISTS wa_pairing SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS kind ON wa_pairing TYPE string;
DEFINE FIELD IF NOT EXISTS code ON wa_pairing TYPE string;
DEFINE FIELD IF NOT EXISTS expires_at ON wa_pairing TYPE datetime;
"#;

/// What WhatsApp said about numbers through a channel, `wa_number:[channel, digits]`
/// {registered, business, at} (`transports::whatsapp_web::numbers`).
const V19_WHATSAPP_NUMBERS: &str = r#"
DEFINE TABLE IF NOT EXISTS wa_number SCHEMALESS;
"#;

/// Installed plugins' components in the store (`plugins::components`), where every replica reads
/// them, instead of files in one node's data directory (moved in by each node as it starts).
const V20_PLUGIN_COMPONENTS: &str = r#"
DEFINE TABLE IF NOT EXISTS plugin_component SCHEMALESS;
DEFINE TABLE IF NOT EXISTS plugin_chunk SCHEMALESS;
DEFINE INDEX IF NOT EXISTS plugin_chunk_sha ON plugin_chunk FIELDS sha256;
"#;

/// The dispatcher's claims (`campaigns::dispatcher`): one record per chunk of messages a
/// dispatcher took, keyed [workspace, batch, channel, id], instead of a write to every message;
/// and one record per [workspace, batch, channel] that every claimer writes, so that claimers
/// at the same moment conflict.
const V21_OUTBOX_CLAIMS: &str = r#"
DEFINE TABLE IF NOT EXISTS claim SCHEMALESS;
DEFINE TABLE IF NOT EXISTS claim_head SCHEMALESS;
"#;

/// What each recording of a dispatcher's outcomes counted (`campaigns::dispatcher`), keyed
/// [workspace, channel, id]: recordings write these instead of the campaign's, the day's and the
/// channel's counts, so that two of them run at once; one fold after each adds them in.
const V22_OUTCOME_TALLIES: &str = r#"
DEFINE TABLE IF NOT EXISTS outcome_tally SCHEMALESS;
"#;

/// A contact's messages are found without an index over every message (`messages::threads`):
/// the campaigns that queued messages in a workspace, and a record per single send and inbound
/// message with a contact. The records for messages stored before are built by
/// `threads::backfill`, run with this version.
const V23_THREADS_WITHOUT_INDEX: &str = r#"
DEFINE TABLE IF NOT EXISTS message_batch SCHEMALESS;
DEFINE TABLE IF NOT EXISTS contact_message SCHEMALESS;
REMOVE INDEX IF EXISTS message_thread ON message;
"#;

#[derive(Deserialize)]
struct Version {
    version: u32,
}

pub(super) async fn migrate(db: &Db) -> Result<(), DbError> {
    let current = db
        .row::<Version>("SELECT version FROM meta:schema", json!({}))
        .await
        .unwrap_or(None)
        .map_or(0, |v| v.version);
    for (version, statements) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        db.exec(statements, json!({})).await?;
        if *version == 23 {
            crate::messages::threads::backfill(db).await?;
        }
        db.exec(
            "UPSERT meta:schema SET version = $version",
            json!({ "version": version }),
        )
        .await?;
        tracing::info!(version, "applied schema migration");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Migration 12: an uploaded plugin whose manifest does not say `enabled_by_default` stays on
    /// in every workspace that never changed it; one a workspace turned off stays off.
    #[tokio::test(flavor = "multi_thread")]
    async fn uploaded_plugins_stay_on_where_they_were_on() {
        let db = surrealdb::engine::any::connect("mem://").await.unwrap();
        db.use_ns("t").use_db("t").await.unwrap();
        for (_, statements) in MIGRATIONS.iter().filter(|(v, _)| *v < 12) {
            db.query(*statements).await.unwrap().check().unwrap();
        }
        db.query(
            "CREATE workspace:w1 SET name = 'Bir', created_by = 'u1'; \
             CREATE workspace:w2 SET name = 'İki', created_by = 'u1'; \
             CREATE plugin:eski SET name = 'eski', version = '0.1.0', kind = 'variable-resolver', \
                 manifest = 'name = \"eski\"', sha256 = 'x', source = 'upload', installed_at = time::now(); \
             CREATE plugin:yeni SET name = 'yeni', version = '0.1.0', kind = 'variable-resolver', \
                 manifest = 'enabled_by_default = true', sha256 = 'y', source = 'upload', installed_at = time::now(); \
             CREATE plugin_setting:['w2', 'eski'] SET workspace = 'w2', plugin = 'eski', enabled = false;",
        )
        .await
        .unwrap()
        .check()
        .unwrap();
        db.query(V12_UPLOADED_PLUGINS_STAY_ON)
            .await
            .unwrap()
            .check()
            .unwrap();
        let mut response = db
            .query("SELECT workspace, plugin, enabled FROM plugin_setting ORDER BY workspace")
            .await
            .unwrap();
        let rows: surrealdb::types::Value = response.take(0).unwrap();
        assert_eq!(
            rows.into_json_value(),
            json!([{"workspace": "w1", "plugin": "eski", "enabled": true},
                   {"workspace": "w2", "plugin": "eski", "enabled": false}])
        );
    }

    /// Migrations 5 and 6 redefine the contact table; the contacts stored before them must come
    /// through whole.
    #[tokio::test(flavor = "multi_thread")]
    async fn contacts_stored_before_migrations_5_and_6_keep_every_field() {
        let db = surrealdb::engine::any::connect("mem://").await.unwrap();
        db.use_ns("t").use_db("t").await.unwrap();
        db.query(V2_CONTACTS).await.unwrap().check().unwrap();
        db.query(
            "CREATE contact:['ws1', '905321234567'] SET workspace = 'ws1', phone = '+905321234567', \
             first_name = 'Ayşe', notes = 'not', tags = ['vip'], custom_fields = { 'şehir': 'İzmir' }",
        )
        .await
        .unwrap()
        .check()
        .unwrap();
        db.query(V5_CONTACTS_BY_ID).await.unwrap().check().unwrap();
        db.query(V6_CONTACTS_STAMPED_BY_WRITER)
            .await
            .unwrap()
            .check()
            .unwrap();
        let mut response = db
            .query(
                "SELECT first_name, notes, tags, custom_fields, opted_out, \
                 type::is_datetime(created_at) AS dated FROM contact",
            )
            .await
            .unwrap();
        let rows: surrealdb::types::Value = response.take(0).unwrap();
        assert_eq!(
            rows.into_json_value(),
            json!([{"first_name": "Ayşe", "notes": "not", "tags": ["vip"],
                    "custom_fields": {"şehir": "İzmir"}, "opted_out": false, "dated": true}])
        );
        // The writer must stamp a contact now; the store no longer fills the times in.
        let unstamped = db
            .query("CREATE contact:['ws1', '905321234568'] SET workspace = 'ws1'")
            .await
            .unwrap()
            .check();
        assert!(
            unstamped.is_err(),
            "a contact without created_at was stored"
        );
    }
}
