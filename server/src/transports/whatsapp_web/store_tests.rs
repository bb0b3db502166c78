//! The store's backend against the crate's reference, `InMemoryBackend`: the same operations on
//! both, every answer compared; then what the reference cannot show (one transaction per batch,
//! an atomic take, a restart, the channel's removal).

use std::sync::Arc;

use serde_json::json;
use whatsapp_rust::bytes::Bytes;
use whatsapp_rust::wacore::appstate::hash::HashState;
use whatsapp_rust::wacore::appstate::processor::AppStateMutationMAC;
use whatsapp_rust::wacore::store::traits::*;
use whatsapp_rust::wacore::store::{Device, InMemoryBackend};

use super::WaStore;
use crate::config::Settings;
use crate::db::Db;

async fn memory_db() -> Db {
    let mut settings = Settings::for_tests().unwrap();
    settings.database.url = "mem://".into();
    Db::connect(&settings).await.unwrap()
}

fn sorted<T: std::fmt::Debug>(items: impl IntoIterator<Item = T>) -> String {
    let mut lines: Vec<String> = items.into_iter().map(|i| format!("{i:?}")).collect();
    lines.sort();
    format!("{lines:?}")
}

/// Calls every method of the backend in an order that exercises its edge cases, and writes down
/// every answer (sorted where the trait leaves the order open).
async fn script<B: Backend>(b: &B, device: &Device) -> Vec<String> {
    let mut log = Vec::new();
    macro_rules! say {
        ($label:expr, $value:expr) => {
            log.push(format!("{}: {:?}", $label, $value))
        };
    }
    let arc = |s: &str| -> Arc<str> { Arc::from(s) };
    let now = whatsapp_rust::wacore::time::now_secs();

    // --- Identities and sessions.
    say!(
        "identity none",
        b.load_identity("905551112233:0@s.whatsapp.net")
            .await
            .unwrap()
    );
    b.put_identity("905551112233:0@s.whatsapp.net", [1; 32])
        .await
        .unwrap();
    b.put_identities_batch(&[
        (arc("905551112233:2@s.whatsapp.net"), [2; 32]),
        (arc("905559998877@s.whatsapp.net"), [3; 32]),
        (arc("905551112233:0@s.whatsapp.net"), [4; 32]),
    ])
    .await
    .unwrap();
    say!(
        "identity replaced",
        b.load_identity("905551112233:0@s.whatsapp.net")
            .await
            .unwrap()
    );
    say!(
        "identity 2",
        b.load_identity("905551112233:2@s.whatsapp.net")
            .await
            .unwrap()
    );
    b.delete_identity("905551112233:2@s.whatsapp.net")
        .await
        .unwrap();
    say!(
        "identity deleted",
        b.load_identity("905551112233:2@s.whatsapp.net")
            .await
            .unwrap()
    );

    say!(
        "session none",
        b.get_session("905551112233.0:1").await.unwrap()
    );
    say!(
        "has session none",
        b.has_session("905551112233.0:1").await.unwrap()
    );
    b.put_session("905551112233.0:1", b"first").await.unwrap();
    b.put_sessions_batch(&[
        (arc("905551112233.0:1"), Bytes::from_static(b"updated")),
        (
            arc("905550000000:3@s.whatsapp.net"),
            Bytes::from_static(b"other"),
        ),
    ])
    .await
    .unwrap();
    say!(
        "session updated",
        b.get_session("905551112233.0:1").await.unwrap()
    );
    say!(
        "has session",
        b.has_session("905550000000:3@s.whatsapp.net")
            .await
            .unwrap()
    );
    b.delete_session("905550000000:3@s.whatsapp.net")
        .await
        .unwrap();
    say!(
        "session deleted",
        b.has_session("905550000000:3@s.whatsapp.net")
            .await
            .unwrap()
    );
    b.put_session("905557777777:5@lid", b"lid session")
        .await
        .unwrap();
    for user in [
        "905551112233",
        "905559998877",
        "905557777777",
        "90555777777",
        "905550000000",
        "9055",
    ] {
        say!(
            format!("signal state for {user}"),
            b.has_signal_state_for_user(user).await.unwrap()
        );
    }

    // --- Pre-keys.
    say!("max prekey empty", b.get_max_prekey_id().await.unwrap());
    b.store_prekey(7, b"seven", false).await.unwrap();
    b.store_prekeys_batch(
        &[
            (8, Bytes::from_static(b"eight")),
            (300, Bytes::from_static(b"many")),
        ],
        true,
    )
    .await
    .unwrap();
    say!("max prekey", b.get_max_prekey_id().await.unwrap());
    say!("prekey 8", b.load_prekey(8).await.unwrap());
    say!(
        "prekeys batch",
        b.load_prekeys_batch(&[300, 9, 7]).await.unwrap()
    );
    say!(
        "prekeys batch empty",
        b.load_prekeys_batch(&[]).await.unwrap()
    );
    b.remove_prekey(8).await.unwrap();
    // Marking a removed key uploaded must not bring it back.
    b.mark_prekeys_uploaded(&[7, 8]).await.unwrap();
    say!("prekey 8 stays removed", b.load_prekey(8).await.unwrap());
    say!("prekey 7 kept", b.load_prekey(7).await.unwrap());
    b.remove_prekey(300).await.unwrap();
    say!(
        "max prekey after removal",
        b.get_max_prekey_id().await.unwrap()
    );

    b.store_signed_prekey(1, b"signed one").await.unwrap();
    b.store_signed_prekey(2, b"signed two").await.unwrap();
    say!("signed 1", b.load_signed_prekey(1).await.unwrap());
    say!("signed none", b.load_signed_prekey(3).await.unwrap());
    b.remove_signed_prekey(1).await.unwrap();
    say!(
        "all signed",
        sorted(b.load_all_signed_prekeys().await.unwrap())
    );

    // --- Sender keys.
    b.put_sender_key("120363000000000001@g.us::905551112233:0", b"sk1")
        .await
        .unwrap();
    b.put_sender_keys_batch(&[
        (
            arc("120363000000000001@g.us::905551112233:0"),
            Bytes::from_static(b"sk1 new"),
        ),
        (
            arc("120363000000000001@g.us::905559998877:0"),
            Bytes::from_static(b"sk2"),
        ),
    ])
    .await
    .unwrap();
    say!(
        "sender key",
        b.get_sender_key("120363000000000001@g.us::905551112233:0")
            .await
            .unwrap()
    );
    b.delete_sender_key("120363000000000001@g.us::905559998877:0")
        .await
        .unwrap();
    say!(
        "sender key deleted",
        b.get_sender_key("120363000000000001@g.us::905559998877:0")
            .await
            .unwrap()
    );

    // --- App state sync.
    say!("sync key none", b.get_sync_key(&[9, 9]).await.unwrap());
    say!(
        "latest sync key none",
        b.get_latest_sync_key_id().await.unwrap()
    );
    let key = |n: u8| AppStateSyncKey {
        key_data: vec![n; 32],
        fingerprint: vec![n, 1],
        timestamp: 1_700_000_000 + i64::from(n),
    };
    b.set_sync_key(&[0, 1], key(1)).await.unwrap();
    b.set_sync_key(&[0, 2], key(2)).await.unwrap();
    say!("sync key", b.get_sync_key(&[0, 1]).await.unwrap());
    say!("latest sync key", b.get_latest_sync_key_id().await.unwrap());
    say!("version none", b.get_version("regular_high").await.unwrap());
    let mut state = HashState {
        version: 42,
        hash: [7; 128],
        ..Default::default()
    };
    state.index_value_map.insert("aW5kZXg=".into(), vec![5; 32]);
    b.set_version("regular_high", state).await.unwrap();
    say!("version", b.get_version("regular_high").await.unwrap());
    let mac = |i: u8, v: u8| AppStateMutationMAC {
        index_mac: vec![i; 32],
        value_mac: vec![v; 32],
    };
    b.put_mutation_macs("regular_high", 42, &[mac(1, 10), mac(2, 20), mac(3, 30)])
        .await
        .unwrap();
    b.put_mutation_macs("regular_low", 1, &[mac(1, 11)])
        .await
        .unwrap();
    say!(
        "mac",
        b.get_mutation_mac("regular_high", &[1; 32]).await.unwrap()
    );
    say!(
        "mac other collection",
        b.get_mutation_mac("regular_low", &[1; 32]).await.unwrap()
    );
    say!(
        "macs",
        sorted(
            b.get_mutation_macs("regular_high", &[[1; 32], [4; 32], [3; 32]])
                .await
                .unwrap()
        )
    );
    b.delete_mutation_macs("regular_high", &[vec![1; 32]])
        .await
        .unwrap();
    say!(
        "mac deleted",
        b.get_mutation_mac("regular_high", &[1; 32]).await.unwrap()
    );
    b.clear_mutation_macs("regular_high").await.unwrap();
    say!(
        "macs cleared",
        sorted(
            b.get_mutation_macs("regular_high", &[[2; 32], [3; 32]])
                .await
                .unwrap()
        )
    );
    say!(
        "other collection kept",
        b.get_mutation_mac("regular_low", &[1; 32]).await.unwrap()
    );

    // --- Sender-key devices.
    let g1 = "120363000000000001@g.us";
    let g2 = "120363000000000002@g.us";
    b.set_sender_key_status(
        g1,
        &[
            ("905551112233:0@s.whatsapp.net", true),
            ("905559998877:1@s.whatsapp.net", false),
        ],
    )
    .await
    .unwrap();
    b.set_sender_key_status(g1, &[("905559998877:1@s.whatsapp.net", true)])
        .await
        .unwrap();
    b.set_sender_key_status(
        g2,
        &[
            ("905559998877:1@s.whatsapp.net", false),
            ("905550000000:0@s.whatsapp.net", true),
        ],
    )
    .await
    .unwrap();
    say!(
        "devices g1",
        sorted(b.get_sender_key_devices(g1).await.unwrap())
    );
    b.delete_sender_key_device_rows(&["905559998877:1@s.whatsapp.net"])
        .await
        .unwrap();
    say!(
        "devices g1 after row delete",
        sorted(b.get_sender_key_devices(g1).await.unwrap())
    );
    say!(
        "devices g2 after row delete",
        sorted(b.get_sender_key_devices(g2).await.unwrap())
    );
    b.clear_sender_key_devices(g1).await.unwrap();
    say!(
        "devices g1 cleared",
        sorted(b.get_sender_key_devices(g1).await.unwrap())
    );
    say!(
        "devices g2 kept",
        sorted(b.get_sender_key_devices(g2).await.unwrap())
    );
    b.clear_all_sender_key_devices().await.unwrap();
    say!(
        "devices all cleared",
        sorted(b.get_sender_key_devices(g2).await.unwrap())
    );

    // --- LID and phone numbers.
    let lid = |lid: &str, pn: &str, at: i64| LidPnMappingEntry {
        lid: lid.into(),
        phone_number: pn.into(),
        created_at: at,
        updated_at: at,
        learning_source: "usync".into(),
    };
    say!(
        "lid none",
        b.get_lid_mapping("100000000000001").await.unwrap()
    );
    b.put_lid_mapping(&lid("100000000000001", "905551112233", 1))
        .await
        .unwrap();
    b.put_lid_mappings(&[
        lid("100000000000002", "905559998877", 2),
        lid("100000000000003", "905550000000", 3),
    ])
    .await
    .unwrap();
    say!("lid", b.get_lid_mapping("100000000000002").await.unwrap());
    say!("pn", b.get_pn_mapping("905551112233").await.unwrap());
    // The LID moves to another number: the old number no longer maps.
    b.put_lid_mapping(&lid("100000000000001", "905554444444", 4))
        .await
        .unwrap();
    say!(
        "old pn after move",
        b.get_pn_mapping("905551112233").await.unwrap()
    );
    say!(
        "new pn after move",
        b.get_pn_mapping("905554444444").await.unwrap()
    );
    let mut all = b.get_all_lid_mappings().await.unwrap();
    all.sort_by(|a, b| a.lid.cmp(&b.lid));
    say!("all lids", all);

    // --- Base keys.
    b.save_base_key("905551112233.0:1", "3EB0AA", b"base")
        .await
        .unwrap();
    say!(
        "same base key",
        b.has_same_base_key("905551112233.0:1", "3EB0AA", b"base")
            .await
            .unwrap()
    );
    say!(
        "other base key",
        b.has_same_base_key("905551112233.0:1", "3EB0AA", b"else")
            .await
            .unwrap()
    );
    say!(
        "no base key",
        b.has_same_base_key("905551112233.0:1", "3EB0BB", b"base")
            .await
            .unwrap()
    );
    b.delete_base_key("905551112233.0:1", "3EB0AA")
        .await
        .unwrap();
    say!(
        "base key deleted",
        b.has_same_base_key("905551112233.0:1", "3EB0AA", b"base")
            .await
            .unwrap()
    );

    // --- Device lists and group metadata.
    let record = |user: &str, n: u32| DeviceListRecord {
        user: user.into(),
        devices: (0..n)
            .map(|d| DeviceInfo::new(d, Some(d + 1)).with_hosting(d == 2))
            .collect(),
        timestamp: 1_700_000_000,
        phash: Some(format!("2:{n}")),
        raw_id: if n > 1 { Some(n) } else { None },
    };
    b.update_device_list(record("905551112233", 1))
        .await
        .unwrap();
    b.update_device_lists(vec![record("905559998877", 3), record("905551112233", 2)])
        .await
        .unwrap();
    say!("devices", b.get_devices("905551112233").await.unwrap());
    b.delete_devices("905559998877").await.unwrap();
    say!(
        "devices deleted",
        b.get_devices("905559998877").await.unwrap()
    );
    say!(
        "group metadata none",
        b.get_group_metadata(g1).await.unwrap()
    );
    b.put_group_metadata(g1, b"metadata").await.unwrap();
    say!("group metadata", b.get_group_metadata(g1).await.unwrap());
    b.delete_group_metadata(g1).await.unwrap();
    say!(
        "group metadata deleted",
        b.get_group_metadata(g1).await.unwrap()
    );

    // --- Trusted-contact tokens.
    say!(
        "tc none",
        b.get_tc_token("905551112233@s.whatsapp.net").await.unwrap()
    );
    b.put_tc_token(
        "905551112233@s.whatsapp.net",
        &TcTokenEntry {
            token: b"t1".to_vec(),
            token_timestamp: 100,
            sender_timestamp: None,
        },
    )
    .await
    .unwrap();
    b.store_received_tc_token("905551112233@s.whatsapp.net", b"stale", 50)
        .await
        .unwrap();
    say!(
        "tc keeps the fresher",
        b.get_tc_token("905551112233@s.whatsapp.net").await.unwrap()
    );
    b.store_received_tc_token("905551112233@s.whatsapp.net", b"fresh", 150)
        .await
        .unwrap();
    b.touch_tc_token_sender_timestamp("905551112233@s.whatsapp.net", 160)
        .await
        .unwrap();
    b.touch_tc_token_sender_timestamp("905551112233@s.whatsapp.net", 155)
        .await
        .unwrap();
    say!(
        "tc fresh and touched",
        b.get_tc_token("905551112233@s.whatsapp.net").await.unwrap()
    );
    b.touch_tc_token_sender_timestamp("905559998877@s.whatsapp.net", 120)
        .await
        .unwrap();
    say!(
        "tc placeholder",
        b.get_tc_token("905559998877@s.whatsapp.net").await.unwrap()
    );
    b.store_received_tc_token("905559998877@s.whatsapp.net", b"first real", 10)
        .await
        .unwrap();
    say!(
        "tc placeholder never blocks a real one",
        b.get_tc_token("905559998877@s.whatsapp.net").await.unwrap()
    );
    b.store_received_tc_token("905550000000@s.whatsapp.net", b"only token", 90)
        .await
        .unwrap();
    b.put_tc_token(
        "905553333333@s.whatsapp.net",
        &TcTokenEntry {
            token: Vec::new(),
            token_timestamp: 1,
            sender_timestamp: Some(1),
        },
    )
    .await
    .unwrap();
    say!("tc jids", sorted(b.get_all_tc_token_jids().await.unwrap()));
    say!(
        "tc expired",
        b.delete_expired_tc_tokens(95, 130).await.unwrap()
    );
    say!(
        "tc jids after expiry",
        sorted(b.get_all_tc_token_jids().await.unwrap())
    );
    b.delete_tc_token("905551112233@s.whatsapp.net")
        .await
        .unwrap();
    say!(
        "tc deleted",
        b.get_tc_token("905551112233@s.whatsapp.net").await.unwrap()
    );

    // --- Sent messages (retry receipts) and the pending inbound buffer.
    b.store_sent_message("905551112233@s.whatsapp.net", "3EB0AA", b"payload")
        .await
        .unwrap();
    b.store_sent_message("905551112233@s.whatsapp.net", "3EB0BB", b"payload 2")
        .await
        .unwrap();
    say!(
        "take",
        b.take_sent_message("905551112233@s.whatsapp.net", "3EB0AA")
            .await
            .unwrap()
    );
    say!(
        "take again",
        b.take_sent_message("905551112233@s.whatsapp.net", "3EB0AA")
            .await
            .unwrap()
    );
    say!(
        "sent expired none",
        b.delete_expired_sent_messages(now - 3600).await.unwrap()
    );
    say!(
        "sent expired all",
        b.delete_expired_sent_messages(now + 3600).await.unwrap()
    );
    say!(
        "take expired",
        b.take_sent_message("905551112233@s.whatsapp.net", "3EB0BB")
            .await
            .unwrap()
    );

    b.store_pending_inbound("chat", "sender", "m1", b"inbound")
        .await
        .unwrap();
    b.store_pending_inbound_batch(&[
        PendingInboundRow {
            chat: "chat",
            sender: "sender",
            id: "m2",
            message: b"two",
        },
        PendingInboundRow {
            chat: "chat",
            sender: "sender2",
            id: "m1",
            message: b"three",
        },
    ])
    .await
    .unwrap();
    say!(
        "pending",
        b.get_pending_inbound("chat", "sender", "m1").await.unwrap()
    );
    say!(
        "pending other sender",
        b.get_pending_inbound("chat", "sender2", "m1")
            .await
            .unwrap()
    );
    b.delete_pending_inbound("chat", "sender", "m1")
        .await
        .unwrap();
    say!(
        "pending deleted",
        b.get_pending_inbound("chat", "sender", "m1").await.unwrap()
    );
    b.delete_pending_inbound_batch(&[PendingInboundKey {
        chat: "chat",
        sender: "sender",
        id: "m2",
    }])
    .await
    .unwrap();
    say!(
        "pending batch deleted",
        b.get_pending_inbound("chat", "sender", "m2").await.unwrap()
    );
    say!(
        "pending expired none",
        b.delete_expired_pending_inbound(now - 3600).await.unwrap()
    );
    say!(
        "pending expired all",
        b.delete_expired_pending_inbound(now + 3600).await.unwrap()
    );

    // --- Message secrets.
    b.put_msg_secret("chat@g.us", "905551112233@s.whatsapp.net", "M1", &[1; 32])
        .await
        .unwrap();
    say!(
        "secrets stored",
        b.put_msg_secrets(vec![
            MsgSecretEntry {
                chat: arc("chat@g.us"),
                sender: arc("905551112233@s.whatsapp.net"),
                msg_id: arc("M1"),
                secret: [2; 32],
                expires_at: 500,
                message_ts: 40
            },
            MsgSecretEntry {
                chat: arc("chat@g.us"),
                sender: arc("905559998877@s.whatsapp.net"),
                msg_id: arc("M2"),
                secret: [3; 32],
                expires_at: 300,
                message_ts: 30
            },
            MsgSecretEntry {
                chat: arc("chat@g.us"),
                sender: arc("905559998877@s.whatsapp.net"),
                msg_id: arc("M2"),
                secret: [4; 32],
                expires_at: 400,
                message_ts: 20
            },
            MsgSecretEntry {
                chat: arc("chat@g.us"),
                sender: arc("905550000000@s.whatsapp.net"),
                msg_id: arc("M3"),
                secret: [5; 32],
                expires_at: 100,
                message_ts: 10
            },
        ])
        .await
        .unwrap()
    );
    say!(
        "secret",
        b.get_msg_secret("chat@g.us", "905559998877@s.whatsapp.net", "M2")
            .await
            .unwrap()
    );
    say!(
        "secret with ts",
        b.get_msg_secret_with_ts("chat@g.us", "905559998877@s.whatsapp.net", "M2")
            .await
            .unwrap()
    );
    say!(
        "secret never expires",
        b.get_msg_secret_with_ts("chat@g.us", "905551112233@s.whatsapp.net", "M1")
            .await
            .unwrap()
    );
    say!(
        "secret none",
        b.get_msg_secret("chat@g.us", "905551112233@s.whatsapp.net", "M9")
            .await
            .unwrap()
    );
    say!(
        "secrets expired",
        b.delete_expired_msg_secrets(400).await.unwrap()
    );
    say!(
        "secret M2 gone",
        b.get_msg_secret("chat@g.us", "905559998877@s.whatsapp.net", "M2")
            .await
            .unwrap()
    );
    say!(
        "secret M1 kept",
        b.get_msg_secret("chat@g.us", "905551112233@s.whatsapp.net", "M1")
            .await
            .unwrap()
    );

    // --- The device.
    say!("device exists", b.exists().await.unwrap());
    say!("device none", b.load().await.unwrap().is_none());
    say!("create", b.create().await.unwrap());
    say!("device exists after create", b.exists().await.unwrap());
    say!("create again", b.create().await.unwrap());
    b.save(device).await.unwrap();
    let loaded = b.load().await.unwrap().unwrap();
    say!(
        "device round trip",
        serde_json::to_string(&loaded).unwrap() == serde_json::to_string(device).unwrap()
    );
    log
}

#[tokio::test(flavor = "multi_thread")]
async fn every_method_answers_as_the_reference_does() {
    let db = memory_db().await;
    let device = Device::new();
    let reference = script(&InMemoryBackend::new(), &device).await;
    // Another channel's state is in the store first: whole-range reads, clears and sweeps of the
    // channel under test must neither see nor touch it.
    let neighbour = WaStore::new(db.clone(), "ch0");
    assert_eq!(script(&neighbour, &device).await, reference);
    let ours = script(&WaStore::new(db.clone(), "ch1"), &device).await;
    for (expected, got) in reference.iter().zip(&ours) {
        assert_eq!(expected, got);
    }
    assert_eq!(reference.len(), ours.len());
    assert_eq!(neighbour.get_all_lid_mappings().await.unwrap().len(), 3);
    assert_eq!(neighbour.get_max_prekey_id().await.unwrap(), 7);
    assert!(
        neighbour
            .get_msg_secret("chat@g.us", "905551112233@s.whatsapp.net", "M1")
            .await
            .unwrap()
            .is_some()
    );
    // Marking a removed pre-key uploaded wrote no record at all (not just none that reads back).
    let raw: Vec<serde_json::Value> = db
        .rows("SELECT * FROM wa_state:['ch1', 'pk', 8]", json!({}))
        .await
        .unwrap();
    assert!(raw.is_empty(), "{raw:?}");
    // A channel with nothing stored sees none of it.
    let other = WaStore::new(db, "ch2");
    assert!(!other.exists().await.unwrap());
    assert_eq!(other.get_session("905551112233.0:1").await.unwrap(), None);
    assert!(
        !other
            .has_signal_state_for_user("905551112233")
            .await
            .unwrap()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_is_one_transaction() {
    let db = memory_db().await;
    let store = WaStore::new(db.clone(), "ch1");
    // A payload the store refuses, in the middle of a batch: nothing of the batch is written.
    db.exec(
        "DEFINE FIELD v ON wa_state ASSERT $value != 'cmVmdXNlZA=='",
        json!({}),
    )
    .await
    .unwrap();
    let batch = [
        (Arc::from("a"), Bytes::from_static(b"kept out")),
        (Arc::from("b"), Bytes::from_static(b"refused")),
        (Arc::from("c"), Bytes::from_static(b"kept out too")),
    ];
    assert!(store.put_sessions_batch(&batch).await.is_err());
    for address in ["a", "b", "c"] {
        assert_eq!(store.get_session(address).await.unwrap(), None, "{address}");
    }
    let prekeys = [
        (1, Bytes::from_static(b"one")),
        (2, Bytes::from_static(b"refused")),
    ];
    assert!(store.store_prekeys_batch(&prekeys, false).await.is_err());
    assert_eq!(store.load_prekey(1).await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sent_message_is_taken_once() {
    let db = memory_db().await;
    let store = WaStore::new(db, "ch1");
    for round in 0..5 {
        let id = format!("3EB0{round}");
        store
            .store_sent_message("905551112233@s.whatsapp.net", &id, b"payload")
            .await
            .unwrap();
        let takes: Vec<_> = (0..16)
            .map(|_| {
                let store = store.clone();
                let id = id.clone();
                tokio::spawn(async move {
                    // A lost write conflict is the store refusing a second take, as good as None.
                    store
                        .take_sent_message("905551112233@s.whatsapp.net", &id)
                        .await
                        .unwrap_or(None)
                })
            })
            .collect();
        let mut got = 0;
        for take in takes {
            got += usize::from(take.await.unwrap().is_some());
        }
        assert_eq!(got, 1, "round {round}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_state_survives_a_restart_and_goes_with_the_channel() {
    let mut settings = Settings::for_tests().unwrap();
    let dir = settings.storage.data_dir.join("store");
    settings.database.url = format!("surrealkv://{}", dir.display());
    let device = Device::new();
    {
        let db = Db::connect(&settings).await.unwrap();
        let store = WaStore::new(db, "ch1");
        store.save(&device).await.unwrap();
        store
            .put_session("905551112233.0:1", b"session")
            .await
            .unwrap();
        store
            .store_prekeys_batch(&[(5, Bytes::from_static(b"five"))], true)
            .await
            .unwrap();
        WaStore::new(store.db.clone(), "ch2")
            .put_identity("x", [9; 32])
            .await
            .unwrap();
    }
    // The previous instance's store may still be closing: the lock is freed when it is.
    let mut reopened = None;
    for _ in 0..100 {
        match Db::connect(&settings).await {
            Ok(db) => {
                reopened = Some(db);
                break;
            }
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    }
    let db = reopened.expect("the store reopens");
    let store = WaStore::new(db.clone(), "ch1");
    let loaded = store.load().await.unwrap().unwrap();
    assert_eq!(
        serde_json::to_string(&loaded).unwrap(),
        serde_json::to_string(&device).unwrap()
    );
    assert_eq!(
        store.get_session("905551112233.0:1").await.unwrap(),
        Some(Bytes::from_static(b"session"))
    );
    assert_eq!(store.get_max_prekey_id().await.unwrap(), 5);

    crate::channels::purge_data(&db, "ch1").await.unwrap();
    assert!(!store.exists().await.unwrap());
    assert_eq!(store.get_session("905551112233.0:1").await.unwrap(), None);
    assert_eq!(store.get_max_prekey_id().await.unwrap(), 0);
    // The other channel's state stays.
    assert_eq!(
        WaStore::new(db, "ch2").load_identity("x").await.unwrap(),
        Some([9; 32])
    );
    let _ = std::fs::remove_dir_all(&settings.storage.data_dir);
}
