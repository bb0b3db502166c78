//! A WhatsApp Web channel's device and session state, kept in the store (not in a side SQLite
//! file): `whatsapp-rust`'s storage [`Backend`] implemented on SurrealDB, one instance per channel.
//!
//! Every entry is a record `wa_state:[channel, kind, key…]`, so a channel's state is one key range:
//! it moves between replicas with the channel, and [`crate::channels::purge_data`] removes it with
//! the channel. Payloads are in `v`: bytes as base64, structured values as their JSON text. Fields a
//! query selects on (timestamps, numbers, the uploaded flag) sit beside `v`.
//!
//! The semantics follow the crate's reference implementation, `wacore::store::InMemoryBackend`; the
//! tests run the same operation sequences on both and compare every answer. As its trait documents,
//! batch writes are one transaction each, `take_sent_message` is atomic (one `DELETE … RETURN
//! BEFORE`), and `mark_prekeys_uploaded` updates existing keys only. The crate caches sessions,
//! identities and sender keys itself and writes them through the batch methods, so a read here is
//! one record fetch by id.

use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use whatsapp_rust::async_trait;
use whatsapp_rust::bytes::Bytes;
use whatsapp_rust::wacore::appstate::hash::HashState;
use whatsapp_rust::wacore::appstate::processor::AppStateMutationMAC;
use whatsapp_rust::wacore::store::Device;
use whatsapp_rust::wacore::store::error::{Result, StoreError};
use whatsapp_rust::wacore::store::traits::{
    AppStateSyncKey, AppSyncStore, DeviceListRecord, DeviceStore, LidPnMappingEntry, MessageSecret,
    MsgSecretEntry, MsgSecretStore, PendingInboundKey, PendingInboundRow, ProtocolStore,
    SignalStore, TcTokenEntry,
};

use crate::db::{Db, DbError};

/// One channel's WhatsApp Web state.
#[derive(Clone)]
pub struct WaStore {
    db: Db,
    channel: Arc<str>,
    /// Cleared when the client this copy was given to has stopped: the crate's background tasks
    /// can outlive their client, and what they would write then (keys made after an unlink, say)
    /// must not come back. Each write holds it for reading while it runs, so closing waits for
    /// the writes under way.
    open: Arc<tokio::sync::RwLock<bool>>,
}

fn db_error(error: DbError) -> StoreError {
    StoreError::Database(Box::new(error))
}

fn decode_error(what: &str, error: impl std::fmt::Display) -> StoreError {
    StoreError::Serialization(format!("stored {what}: {error}").into())
}

fn b64(bytes: &[u8]) -> String {
    B64.encode(bytes)
}

fn unb64(what: &str, text: &str) -> Result<Vec<u8>> {
    B64.decode(text).map_err(|e| decode_error(what, e))
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Serialization(Box::new(e)))
}

fn from_json<T: DeserializeOwned>(what: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| decode_error(what, e))
}

fn fixed<const N: usize>(what: &str, bytes: Vec<u8>) -> Result<[u8; N]> {
    let len = bytes.len();
    bytes
        .try_into()
        .map_err(|_| decode_error(what, format!("{len} bytes where {N} were expected")))
}

/// The keys of a channel's entries of one kind, as a range expression (for `FROM`). `mmac` is one
/// collection's (`$name`), `skd_group` one group's (`$group`).
fn range(kind: &str) -> &'static str {
    match kind {
        "pk" => "array::first([wa_state:[$c, 'pk', NONE]..[$c, 'pk', {}]])",
        "spk" => "array::first([wa_state:[$c, 'spk', NONE]..[$c, 'spk', {}]])",
        "mmac" => "array::first([wa_state:[$c, 'mmac', $name, NONE]..[$c, 'mmac', $name, {}]])",
        "skd" => "array::first([wa_state:[$c, 'skd', NONE]..[$c, 'skd', {}]])",
        "skd_group" => {
            "array::first([wa_state:[$c, 'skd', $group, NONE]..[$c, 'skd', $group, {}]])"
        }
        "lid" => "array::first([wa_state:[$c, 'lid', NONE]..[$c, 'lid', {}]])",
        "tc" => "array::first([wa_state:[$c, 'tc', NONE]..[$c, 'tc', {}]])",
        "sent" => "array::first([wa_state:[$c, 'sent', NONE]..[$c, 'sent', {}]])",
        "pin" => "array::first([wa_state:[$c, 'pin', NONE]..[$c, 'pin', {}]])",
        "msec" => "array::first([wa_state:[$c, 'msec', NONE]..[$c, 'msec', {}]])",
        _ => "[]",
    }
}

impl WaStore {
    pub fn new(db: Db, channel: &str) -> Self {
        Self {
            db,
            channel: Arc::from(channel),
            open: Arc::new(tokio::sync::RwLock::new(true)),
        }
    }

    /// The same store for one client, to be closed when that client has stopped.
    pub fn for_client(&self) -> Self {
        Self::new(self.db.clone(), &self.channel)
    }

    /// Refuses every later write through this copy, once the writes under way are done.
    pub async fn close(&self) {
        *self.open.write().await = false;
    }

    /// Leave to write while the guard lives, unless the client has stopped.
    async fn writable(&self) -> Result<tokio::sync::RwLockReadGuard<'_, bool>> {
        let open = self.open.read().await;
        if *open {
            Ok(open)
        } else {
            Err(StoreError::Validation(
                "the channel's WhatsApp client has stopped; nothing more is kept".into(),
            ))
        }
    }

    /// A record key: the channel, the kind, then the parts.
    fn key(&self, kind: &str, parts: &[Value]) -> Value {
        let mut key = Vec::with_capacity(parts.len() + 2);
        key.push(json!(&*self.channel));
        key.push(json!(kind));
        key.extend_from_slice(parts);
        Value::Array(key)
    }

    async fn get(&self, kind: &str, parts: &[Value]) -> Result<Option<String>> {
        self.db
            .row::<Option<String>>(
                "SELECT VALUE v FROM ONLY type::record('wa_state', $k)",
                json!({ "k": self.key(kind, parts) }),
            )
            .await
            .map(Option::flatten)
            .map_err(db_error)
    }

    async fn get_bytes(&self, kind: &str, parts: &[Value]) -> Result<Option<Vec<u8>>> {
        match self.get(kind, parts).await? {
            Some(text) => unb64(kind, &text).map(Some),
            None => Ok(None),
        }
    }

    async fn get_json<T: DeserializeOwned>(
        &self,
        kind: &str,
        parts: &[Value],
    ) -> Result<Option<T>> {
        match self.get(kind, parts).await? {
            Some(text) => from_json(kind, &text).map(Some),
            None => Ok(None),
        }
    }

    /// Writes one entry (its payload and any selectable fields), replacing what was there.
    async fn put(&self, kind: &str, parts: &[Value], content: Value) -> Result<()> {
        self.exec(
            "UPSERT type::record('wa_state', $k) CONTENT $content RETURN NONE",
            json!({ "k": self.key(kind, parts), "content": content }),
        )
        .await
    }

    /// Writes several entries in one transaction.
    async fn put_many(&self, rows: Vec<(Value, Value)>) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let rows: Vec<Value> = rows
            .into_iter()
            .map(|(k, content)| json!({ "k": k, "content": content }))
            .collect();
        self.exec(
            "BEGIN; FOR $r IN $rows { UPSERT type::record('wa_state', $r.k) CONTENT $r.content RETURN NONE; }; COMMIT;",
            json!({ "rows": rows }),
        )
        .await
    }

    async fn delete(&self, kind: &str, parts: &[Value]) -> Result<()> {
        self.exec(
            "DELETE type::record('wa_state', $k)",
            json!({ "k": self.key(kind, parts) }),
        )
        .await
    }

    /// Runs a write; one that lost to a concurrent write on the same entries runs again (the
    /// trait asks concurrent writers to converge, not to fail).
    async fn exec(&self, sql: &str, vars: Value) -> Result<()> {
        let _open = self.writable().await?;
        self.db
            .retrying(|| self.db.exec(sql, vars.clone()))
            .await
            .map_err(db_error)
    }

    /// Runs a query over this channel's entries (`$c` is the channel).
    async fn query<T: DeserializeOwned>(&self, sql: &str, mut vars: Value) -> Result<Vec<T>> {
        vars["c"] = json!(&*self.channel);
        self.db.last_rows(sql, vars).await.map_err(db_error)
    }

    /// Deletes the entries of `kind` that `condition` selects, and says how many went.
    async fn delete_where(&self, kind: &str, condition: &str, mut vars: Value) -> Result<u32> {
        let _open = self.writable().await?;
        vars["c"] = json!(&*self.channel);
        let removed: Vec<u32> = self
            .db
            .last_rows(
                // The DELETE checks the condition again, in its own statement: an entry refreshed
                // since the SELECT (a touched token, a secret made permanent) stays.
                &format!(
                    "LET $gone = (SELECT VALUE id FROM {} WHERE {condition}); \
                     LET $deleted = (DELETE $gone WHERE {condition} RETURN BEFORE); \
                     RETURN array::len($deleted);",
                    range(kind)
                ),
                vars,
            )
            .await
            .map_err(db_error)?;
        Ok(removed.into_iter().next().unwrap_or(0))
    }

    /// Whether any session or identity of `user` (any device, `user:N@…` or `user@…`) is stored.
    async fn has_any_for_user(&self, user: &str) -> Result<bool> {
        let found: Vec<bool> = self
            .query(
                "RETURN array::len(array::concat(\
                   (SELECT VALUE id FROM array::first([wa_state:[$c, 'sess', $a]..[$c, 'sess', $b]]) LIMIT 1), \
                   (SELECT VALUE id FROM array::first([wa_state:[$c, 'sess', $d]..[$c, 'sess', $e]]) LIMIT 1), \
                   (SELECT VALUE id FROM array::first([wa_state:[$c, 'idk', $a]..[$c, 'idk', $b]]) LIMIT 1), \
                   (SELECT VALUE id FROM array::first([wa_state:[$c, 'idk', $d]..[$c, 'idk', $e]]) LIMIT 1))) > 0",
                // `user:` … `user;` and `user@` … `userA`: the next character bounds each prefix.
                json!({ "a": format!("{user}:"), "b": format!("{user};"), "d": format!("{user}@"), "e": format!("{user}A") }),
            )
            .await?;
        Ok(found.first().copied().unwrap_or(false))
    }
}

fn s(text: &str) -> Value {
    Value::String(text.to_owned())
}

#[derive(serde::Deserialize)]
struct Row {
    v: String,
}

/// An entry keyed by a number (pre-keys, signed pre-keys), with its payload.
#[derive(serde::Deserialize)]
struct NumberedRow {
    n: u32,
    v: String,
}

#[async_trait]
impl SignalStore for WaStore {
    async fn put_identity(&self, address: &str, key: [u8; 32]) -> Result<()> {
        self.put("idk", &[s(address)], json!({ "v": b64(&key) }))
            .await
    }

    async fn put_identities_batch(&self, identities: &[(Arc<str>, [u8; 32])]) -> Result<()> {
        let rows = identities
            .iter()
            .map(|(address, key)| (self.key("idk", &[s(address)]), json!({ "v": b64(key) })))
            .collect();
        self.put_many(rows).await
    }

    async fn load_identity(&self, address: &str) -> Result<Option<[u8; 32]>> {
        match self.get_bytes("idk", &[s(address)]).await? {
            Some(bytes) => fixed("identity", bytes).map(Some),
            None => Ok(None),
        }
    }

    async fn delete_identity(&self, address: &str) -> Result<()> {
        self.delete("idk", &[s(address)]).await
    }

    async fn get_session(&self, address: &str) -> Result<Option<Bytes>> {
        Ok(self
            .get_bytes("sess", &[s(address)])
            .await?
            .map(Bytes::from))
    }

    async fn put_session(&self, address: &str, session: &[u8]) -> Result<()> {
        self.put("sess", &[s(address)], json!({ "v": b64(session) }))
            .await
    }

    async fn put_sessions_batch(&self, sessions: &[(Arc<str>, Bytes)]) -> Result<()> {
        let rows = sessions
            .iter()
            .map(|(address, session)| {
                (
                    self.key("sess", &[s(address)]),
                    json!({ "v": b64(session) }),
                )
            })
            .collect();
        self.put_many(rows).await
    }

    async fn delete_session(&self, address: &str) -> Result<()> {
        self.delete("sess", &[s(address)]).await
    }

    async fn has_session(&self, address: &str) -> Result<bool> {
        Ok(self.get("sess", &[s(address)]).await?.is_some())
    }

    async fn has_signal_state_for_user(&self, user: &str) -> Result<bool> {
        self.has_any_for_user(user).await
    }

    async fn store_prekey(&self, id: u32, record: &[u8], uploaded: bool) -> Result<()> {
        self.put(
            "pk",
            &[json!(id)],
            json!({ "v": b64(record), "n": id, "up": uploaded }),
        )
        .await
    }

    async fn store_prekeys_batch(&self, keys: &[(u32, Bytes)], uploaded: bool) -> Result<()> {
        let rows = keys
            .iter()
            .map(|(id, record)| {
                (
                    self.key("pk", &[json!(id)]),
                    json!({ "v": b64(record), "n": id, "up": uploaded }),
                )
            })
            .collect();
        self.put_many(rows).await
    }

    async fn load_prekey(&self, id: u32) -> Result<Option<Bytes>> {
        Ok(self.get_bytes("pk", &[json!(id)]).await?.map(Bytes::from))
    }

    async fn load_prekeys_batch(&self, ids: &[u32]) -> Result<Vec<(u32, Bytes)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<Value> = ids.iter().map(|id| self.key("pk", &[json!(id)])).collect();
        let found: Vec<NumberedRow> = self
            .query(
                "SELECT n, v FROM array::map($keys, |$k| type::record('wa_state', $k))",
                json!({ "keys": keys }),
            )
            .await?;
        let mut by_id: HashMap<u32, String> = found.into_iter().map(|k| (k.n, k.v)).collect();
        // In the order asked, as the reference does.
        ids.iter()
            .filter_map(|id| by_id.remove(id).map(|v| (*id, v)))
            .map(|(id, v)| Ok((id, Bytes::from(unb64("prekey", &v)?))))
            .collect()
    }

    async fn mark_prekeys_uploaded(&self, ids: &[u32]) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let keys: Vec<Value> = ids.iter().map(|id| self.key("pk", &[json!(id)])).collect();
        // UPDATE, not UPSERT: a key removed meanwhile (used by a peer) must not come back.
        self.exec(
            "BEGIN; FOR $k IN $keys { UPDATE type::record('wa_state', $k) SET up = true RETURN NONE; }; COMMIT;",
            json!({ "keys": keys }),
        )
        .await
    }

    async fn remove_prekey(&self, id: u32) -> Result<()> {
        self.delete("pk", &[json!(id)]).await
    }

    async fn get_max_prekey_id(&self) -> Result<u32> {
        let max: Vec<Option<u32>> = self
            .query(
                &format!("RETURN math::max(SELECT VALUE n FROM {})", range("pk")),
                json!({}),
            )
            .await?;
        Ok(max.into_iter().next().flatten().unwrap_or(0))
    }

    async fn store_signed_prekey(&self, id: u32, record: &[u8]) -> Result<()> {
        self.put("spk", &[json!(id)], json!({ "v": b64(record), "n": id }))
            .await
    }

    async fn load_signed_prekey(&self, id: u32) -> Result<Option<Vec<u8>>> {
        self.get_bytes("spk", &[json!(id)]).await
    }

    async fn load_all_signed_prekeys(&self) -> Result<Vec<(u32, Vec<u8>)>> {
        let rows: Vec<NumberedRow> = self
            .query(&format!("SELECT n, v FROM {}", range("spk")), json!({}))
            .await?;
        rows.into_iter()
            .map(|k| Ok((k.n, unb64("signed prekey", &k.v)?)))
            .collect()
    }

    async fn remove_signed_prekey(&self, id: u32) -> Result<()> {
        self.delete("spk", &[json!(id)]).await
    }

    async fn put_sender_key(&self, address: &str, record: &[u8]) -> Result<()> {
        self.put("sk", &[s(address)], json!({ "v": b64(record) }))
            .await
    }

    async fn put_sender_keys_batch(&self, sender_keys: &[(Arc<str>, Bytes)]) -> Result<()> {
        let rows = sender_keys
            .iter()
            .map(|(address, record)| (self.key("sk", &[s(address)]), json!({ "v": b64(record) })))
            .collect();
        self.put_many(rows).await
    }

    async fn get_sender_key(&self, address: &str) -> Result<Option<Vec<u8>>> {
        self.get_bytes("sk", &[s(address)]).await
    }

    async fn delete_sender_key(&self, address: &str) -> Result<()> {
        self.delete("sk", &[s(address)]).await
    }
}

#[async_trait]
impl AppSyncStore for WaStore {
    async fn get_sync_key(&self, key_id: &[u8]) -> Result<Option<AppStateSyncKey>> {
        self.get_json("skey", &[s(&hex::encode(key_id))]).await
    }

    async fn set_sync_key(&self, key_id: &[u8], key: AppStateSyncKey) -> Result<()> {
        let id = hex::encode(key_id);
        self.put_many(vec![
            (self.key("skey", &[s(&id)]), json!({ "v": to_json(&key)? })),
            (
                self.key("meta", &[s("latest_sync_key")]),
                json!({ "v": id }),
            ),
        ])
        .await
    }

    async fn get_version(&self, name: &str) -> Result<HashState> {
        Ok(self.get_json("ver", &[s(name)]).await?.unwrap_or_default())
    }

    async fn set_version(&self, name: &str, state: HashState) -> Result<()> {
        self.put("ver", &[s(name)], json!({ "v": to_json(&state)? }))
            .await
    }

    async fn put_mutation_macs(
        &self,
        name: &str,
        _version: u64,
        mutations: &[AppStateMutationMAC],
    ) -> Result<()> {
        let rows = mutations
            .iter()
            .map(|m| {
                let index = hex::encode(&m.index_mac);
                (
                    self.key("mmac", &[s(name), s(&index)]),
                    json!({ "v": b64(&m.value_mac), "m": index }),
                )
            })
            .collect();
        self.put_many(rows).await
    }

    async fn get_mutation_mac(&self, name: &str, index_mac: &[u8]) -> Result<Option<Vec<u8>>> {
        self.get_bytes("mmac", &[s(name), s(&hex::encode(index_mac))])
            .await
    }

    async fn get_mutation_macs(
        &self,
        name: &str,
        index_macs: &[[u8; 32]],
    ) -> Result<HashMap<[u8; 32], Vec<u8>>> {
        if index_macs.is_empty() {
            return Ok(HashMap::new());
        }
        let keys: Vec<Value> = index_macs
            .iter()
            .map(|m| self.key("mmac", &[s(name), s(&hex::encode(m))]))
            .collect();
        #[derive(serde::Deserialize)]
        struct Mac {
            m: String,
            v: String,
        }
        let found: Vec<Mac> = self
            .query(
                "SELECT m, v FROM array::map($keys, |$k| type::record('wa_state', $k))",
                json!({ "keys": keys }),
            )
            .await?;
        let mut out = HashMap::new();
        for mac in found {
            let index_mac = hex::decode(&mac.m).map_err(|e| decode_error("mutation mac", e))?;
            out.insert(
                fixed("mutation mac", index_mac)?,
                unb64("mutation mac", &mac.v)?,
            );
        }
        Ok(out)
    }

    async fn delete_mutation_macs(&self, name: &str, index_macs: &[Vec<u8>]) -> Result<()> {
        if index_macs.is_empty() {
            return Ok(());
        }
        let keys: Vec<Value> = index_macs
            .iter()
            .map(|m| self.key("mmac", &[s(name), s(&hex::encode(m))]))
            .collect();
        self.exec(
            "BEGIN; FOR $k IN $keys { DELETE type::record('wa_state', $k); }; COMMIT;",
            json!({ "keys": keys }),
        )
        .await
    }

    async fn clear_mutation_macs(&self, name: &str) -> Result<()> {
        self.delete_where("mmac", "true", json!({ "name": name }))
            .await
            .map(drop)
    }

    async fn get_latest_sync_key_id(&self) -> Result<Option<Vec<u8>>> {
        match self.get("meta", &[s("latest_sync_key")]).await? {
            Some(id) => hex::decode(&id)
                .map(Some)
                .map_err(|e| decode_error("latest sync key id", e)),
            None => Ok(None),
        }
    }
}

#[async_trait]
impl ProtocolStore for WaStore {
    async fn get_sender_key_devices(&self, group_jid: &str) -> Result<Vec<(String, bool)>> {
        #[derive(serde::Deserialize)]
        struct Device {
            device: String,
            has: bool,
        }
        let rows: Vec<Device> = self
            .query(
                &format!("SELECT device, has FROM {}", range("skd_group")),
                json!({ "group": group_jid }),
            )
            .await?;
        Ok(rows.into_iter().map(|d| (d.device, d.has)).collect())
    }

    async fn set_sender_key_status(&self, group_jid: &str, entries: &[(&str, bool)]) -> Result<()> {
        let rows = entries
            .iter()
            .map(|(device, has)| {
                (
                    self.key("skd", &[s(group_jid), s(device)]),
                    json!({ "v": "", "device": device, "has": has }),
                )
            })
            .collect();
        self.put_many(rows).await
    }

    async fn clear_sender_key_devices(&self, group_jid: &str) -> Result<()> {
        self.delete_where("skd_group", "true", json!({ "group": group_jid }))
            .await
            .map(drop)
    }

    async fn delete_sender_key_device_rows(&self, device_jids: &[&str]) -> Result<()> {
        if device_jids.is_empty() {
            return Ok(());
        }
        self.delete_where(
            "skd",
            "device IN $devices",
            json!({ "devices": device_jids }),
        )
        .await
        .map(drop)
    }

    async fn clear_all_sender_key_devices(&self) -> Result<()> {
        self.delete_where("skd", "true", json!({})).await.map(drop)
    }

    async fn get_lid_mapping(&self, lid: &str) -> Result<Option<LidPnMappingEntry>> {
        self.get_json("lid", &[s(lid)]).await
    }

    async fn get_pn_mapping(&self, phone: &str) -> Result<Option<LidPnMappingEntry>> {
        match self.get("pn", &[s(phone)]).await? {
            Some(lid) => self.get_lid_mapping(&lid).await,
            None => Ok(None),
        }
    }

    async fn put_lid_mapping(&self, entry: &LidPnMappingEntry) -> Result<()> {
        self.put_lid_mappings(std::slice::from_ref(entry)).await
    }

    async fn put_lid_mappings(&self, entries: &[LidPnMappingEntry]) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let rows: Vec<Value> = entries
            .iter()
            .map(|entry| {
                Ok(json!({
                    "lid": self.key("lid", &[s(&entry.lid)]),
                    "pn": self.key("pn", &[s(&entry.phone_number)]),
                    "phone": entry.phone_number,
                    "name": entry.lid,
                    "v": to_json(entry)?,
                }))
            })
            .collect::<Result<_>>()?;
        // A LID that moves to another number drops its old reverse entry, as the reference does, unless
        // that number points to another LID by now.
        self.exec(
            "BEGIN; FOR $e IN $rows { \
               LET $old = (SELECT VALUE phone FROM ONLY type::record('wa_state', $e.lid)); \
               IF $old != NONE AND $old != $e.phone { DELETE type::record('wa_state', [$c, 'pn', $old]) WHERE v = $e.name; }; \
               UPSERT type::record('wa_state', $e.pn) CONTENT { v: $e.name } RETURN NONE; \
               UPSERT type::record('wa_state', $e.lid) CONTENT { v: $e.v, phone: $e.phone } RETURN NONE; \
             }; COMMIT;",
            json!({ "rows": rows, "c": &*self.channel }),
        )
        .await
    }

    async fn get_all_lid_mappings(&self) -> Result<Vec<LidPnMappingEntry>> {
        let rows: Vec<Row> = self
            .query(&format!("SELECT v FROM {}", range("lid")), json!({}))
            .await?;
        rows.iter()
            .map(|r| from_json("lid mapping", &r.v))
            .collect()
    }

    async fn save_base_key(&self, address: &str, message_id: &str, base_key: &[u8]) -> Result<()> {
        self.put(
            "bkey",
            &[s(address), s(message_id)],
            json!({ "v": b64(base_key) }),
        )
        .await
    }

    async fn has_same_base_key(
        &self,
        address: &str,
        message_id: &str,
        current_base_key: &[u8],
    ) -> Result<bool> {
        Ok(self
            .get_bytes("bkey", &[s(address), s(message_id)])
            .await?
            .is_some_and(|stored| stored == current_base_key))
    }

    async fn delete_base_key(&self, address: &str, message_id: &str) -> Result<()> {
        self.delete("bkey", &[s(address), s(message_id)]).await
    }

    async fn update_device_list(&self, record: DeviceListRecord) -> Result<()> {
        self.update_device_lists(vec![record]).await
    }

    async fn update_device_lists(&self, records: Vec<DeviceListRecord>) -> Result<()> {
        let rows = records
            .iter()
            .map(|r| Ok((self.key("dev", &[s(&r.user)]), json!({ "v": to_json(r)? }))))
            .collect::<Result<_>>()?;
        self.put_many(rows).await
    }

    async fn get_devices(&self, user: &str) -> Result<Option<DeviceListRecord>> {
        self.get_json("dev", &[s(user)]).await
    }

    async fn delete_devices(&self, user: &str) -> Result<()> {
        self.delete("dev", &[s(user)]).await
    }

    async fn get_group_metadata(&self, group_jid: &str) -> Result<Option<Vec<u8>>> {
        self.get_bytes("gmeta", &[s(group_jid)]).await
    }

    async fn put_group_metadata(&self, group_jid: &str, blob: &[u8]) -> Result<()> {
        self.put("gmeta", &[s(group_jid)], json!({ "v": b64(blob) }))
            .await
    }

    async fn delete_group_metadata(&self, group_jid: &str) -> Result<()> {
        self.delete("gmeta", &[s(group_jid)]).await
    }

    async fn get_tc_token(&self, jid: &str) -> Result<Option<TcTokenEntry>> {
        #[derive(serde::Deserialize)]
        struct Token {
            v: String,
            tts: i64,
            sts: Option<i64>,
        }
        let row: Option<Option<Token>> = self
            .db
            .row(
                "SELECT v, tts, sts FROM ONLY type::record('wa_state', $k)",
                json!({ "k": self.key("tc", &[s(jid)]) }),
            )
            .await
            .map_err(db_error)?;
        match row.flatten() {
            Some(t) => Ok(Some(TcTokenEntry {
                token: unb64("tc token", &t.v)?,
                token_timestamp: t.tts,
                sender_timestamp: t.sts,
            })),
            None => Ok(None),
        }
    }

    async fn put_tc_token(&self, jid: &str, entry: &TcTokenEntry) -> Result<()> {
        self.put(
            "tc",
            &[s(jid)],
            // Without `sts` when there is none (NONE, not NULL, so `??` and comparisons see it).
            crate::db::without_nulls(json!({ "v": b64(&entry.token), "jid": jid, "tts": entry.token_timestamp, "sts": entry.sender_timestamp })),
        )
        .await
    }

    async fn delete_tc_token(&self, jid: &str) -> Result<()> {
        self.delete("tc", &[s(jid)]).await
    }

    async fn get_all_tc_token_jids(&self) -> Result<Vec<String>> {
        self.query(&format!("SELECT VALUE jid FROM {}", range("tc")), json!({}))
            .await
    }

    async fn delete_expired_tc_tokens(&self, token_cutoff: i64, sender_cutoff: i64) -> Result<u32> {
        // A row stays while either window is live: a real token not older than its cutoff, or a
        // sender timestamp not older than its own.
        self.delete_where(
            "tc",
            "!((v != '' AND tts >= $token_cutoff) OR (sts != NONE AND sts >= $sender_cutoff))",
            json!({ "token_cutoff": token_cutoff, "sender_cutoff": sender_cutoff }),
        )
        .await
    }

    async fn touch_tc_token_sender_timestamp(
        &self,
        jid: &str,
        sender_timestamp: i64,
    ) -> Result<()> {
        // One statement, so a concurrent token write is not lost between a read and a write.
        self.exec(
            "UPSERT type::record('wa_state', $k) SET \
               v = v ?? '', jid = $jid, tts = tts ?? $ts, \
               sts = math::max([sts ?? $ts, $ts]) RETURN NONE",
            json!({ "k": self.key("tc", &[s(jid)]), "jid": jid, "ts": sender_timestamp }),
        )
        .await
    }

    async fn store_received_tc_token(
        &self,
        jid: &str,
        token: &[u8],
        token_timestamp: i64,
    ) -> Result<()> {
        // Newer wins: a stale write does not replace a fresher real token; the sender timestamp stays.
        self.exec(
            "BEGIN; \
             LET $cur = (SELECT v, tts FROM ONLY type::record('wa_state', $k)); \
             IF $cur = NONE OR $cur.v = '' OR $ts >= $cur.tts { \
               UPSERT type::record('wa_state', $k) SET jid = $jid, tts = $ts, v = $tok RETURN NONE; \
             }; \
             COMMIT;",
            json!({ "k": self.key("tc", &[s(jid)]), "jid": jid, "ts": token_timestamp, "tok": b64(token) }),
        )
        .await
    }

    async fn store_sent_message(
        &self,
        chat_jid: &str,
        message_id: &str,
        payload: &[u8],
    ) -> Result<()> {
        self.put(
            "sent",
            &[s(chat_jid), s(message_id)],
            json!({ "v": b64(payload), "ts": whatsapp_rust::wacore::time::now_secs() }),
        )
        .await
    }

    async fn take_sent_message(&self, chat_jid: &str, message_id: &str) -> Result<Option<Vec<u8>>> {
        // One statement: of two concurrent takes, only one gets the payload.
        let taken: Vec<Row> = self
            .db
            .rows(
                "DELETE type::record('wa_state', $k) RETURN BEFORE",
                json!({ "k": self.key("sent", &[s(chat_jid), s(message_id)]) }),
            )
            .await
            .map_err(db_error)?;
        match taken.into_iter().next() {
            Some(row) => unb64("sent message", &row.v).map(Some),
            None => Ok(None),
        }
    }

    async fn delete_expired_sent_messages(&self, cutoff_timestamp: i64) -> Result<u32> {
        self.delete_where(
            "sent",
            "ts < $cutoff",
            json!({ "cutoff": cutoff_timestamp }),
        )
        .await
    }

    async fn store_pending_inbound(
        &self,
        chat: &str,
        sender: &str,
        id: &str,
        message: &[u8],
    ) -> Result<()> {
        self.put(
            "pin",
            &[s(chat), s(sender), s(id)],
            json!({ "v": b64(message), "ts": whatsapp_rust::wacore::time::now_secs() }),
        )
        .await
    }

    async fn get_pending_inbound(
        &self,
        chat: &str,
        sender: &str,
        id: &str,
    ) -> Result<Option<Vec<u8>>> {
        self.get_bytes("pin", &[s(chat), s(sender), s(id)]).await
    }

    async fn delete_pending_inbound(&self, chat: &str, sender: &str, id: &str) -> Result<()> {
        self.delete("pin", &[s(chat), s(sender), s(id)]).await
    }

    async fn store_pending_inbound_batch(&self, rows: &[PendingInboundRow<'_>]) -> Result<()> {
        let now = whatsapp_rust::wacore::time::now_secs();
        let rows = rows
            .iter()
            .map(|r| {
                (
                    self.key("pin", &[s(r.chat), s(r.sender), s(r.id)]),
                    json!({ "v": b64(r.message), "ts": now }),
                )
            })
            .collect();
        self.put_many(rows).await
    }

    async fn delete_pending_inbound_batch(&self, keys: &[PendingInboundKey<'_>]) -> Result<()> {
        if keys.is_empty() {
            return Ok(());
        }
        let keys: Vec<Value> = keys
            .iter()
            .map(|k| self.key("pin", &[s(k.chat), s(k.sender), s(k.id)]))
            .collect();
        self.exec(
            "BEGIN; FOR $k IN $keys { DELETE type::record('wa_state', $k); }; COMMIT;",
            json!({ "keys": keys }),
        )
        .await
    }

    async fn delete_expired_pending_inbound(&self, cutoff_timestamp: i64) -> Result<u32> {
        self.delete_where("pin", "ts < $cutoff", json!({ "cutoff": cutoff_timestamp }))
            .await
    }
}

#[async_trait]
impl MsgSecretStore for WaStore {
    async fn put_msg_secrets(&self, entries: Vec<MsgSecretEntry>) -> Result<usize> {
        let stored = entries.len();
        if stored == 0 {
            return Ok(0);
        }
        let rows: Vec<Value> = entries
            .iter()
            .map(|e| {
                json!({
                    "k": self.key("msec", &[s(&e.chat), s(&e.sender), s(&e.msg_id)]),
                    "v": b64(&e.secret),
                    "exp": e.expires_at,
                    "mts": e.message_ts,
                })
            })
            .collect();
        // The merge rules of `merge_msg_secret_expiry` (0 means never, and wins) and
        // `merge_msg_secret_message_ts` (the later).
        self.exec(
            "BEGIN; FOR $e IN $rows { \
               UPSERT type::record('wa_state', $e.k) SET v = $e.v, \
                 exp = IF exp = NONE { $e.exp } ELSE IF exp = 0 OR $e.exp = 0 { 0 } ELSE { math::max([exp, $e.exp]) }, \
                 mts = math::max([mts ?? $e.mts, $e.mts]) RETURN NONE; \
             }; COMMIT;",
            json!({ "rows": rows }),
        )
        .await?;
        Ok(stored)
    }

    async fn get_msg_secret(
        &self,
        chat: &str,
        sender: &str,
        msg_id: &str,
    ) -> Result<Option<Vec<u8>>> {
        Ok(self
            .get_msg_secret_with_ts(chat, sender, msg_id)
            .await?
            .map(|(secret, _)| secret))
    }

    async fn get_msg_secret_with_ts(
        &self,
        chat: &str,
        sender: &str,
        msg_id: &str,
    ) -> Result<Option<(Vec<u8>, i64)>> {
        #[derive(serde::Deserialize)]
        struct Secret {
            v: String,
            mts: i64,
        }
        let row: Option<Option<Secret>> = self
            .db
            .row(
                "SELECT v, mts FROM ONLY type::record('wa_state', $k)",
                json!({ "k": self.key("msec", &[s(chat), s(sender), s(msg_id)]) }),
            )
            .await
            .map_err(db_error)?;
        match row.flatten() {
            Some(secret) => {
                let bytes: MessageSecret =
                    fixed("message secret", unb64("message secret", &secret.v)?)?;
                Ok(Some((bytes.to_vec(), secret.mts)))
            }
            None => Ok(None),
        }
    }

    async fn delete_expired_msg_secrets(&self, cutoff_timestamp: i64) -> Result<u32> {
        // Kept: no deadline (0) or one still ahead.
        self.delete_where(
            "msec",
            "exp != 0 AND exp <= $cutoff",
            json!({ "cutoff": cutoff_timestamp }),
        )
        .await
    }
}

#[async_trait]
impl DeviceStore for WaStore {
    async fn save(&self, device: &Device) -> Result<()> {
        self.put("meta", &[s("device")], json!({ "v": to_json(device)? }))
            .await
    }

    async fn load(&self) -> Result<Option<Device>> {
        self.get_json("meta", &[s("device")]).await
    }

    async fn exists(&self) -> Result<bool> {
        Ok(self.get("meta", &[s("device")]).await?.is_some())
    }

    async fn create(&self) -> Result<i32> {
        // A channel has one device; the ids count up as the reference's do. The device is
        // materialised, so `exists` is true after `create`.
        if !self.exists().await? {
            self.save(&Device::new()).await?;
        }
        let _open = self.writable().await?;
        let id: Vec<i32> = self
            .query(
                "UPSERT type::record('wa_state', [$c, 'meta', 'device_seq']) SET v = '', n = (n ?? 0) + 1 RETURN VALUE n",
                json!({}),
            )
            .await?;
        id.into_iter()
            .next()
            .ok_or_else(|| StoreError::Validation("the device counter returned nothing".into()))
    }
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
