//! A stand-in for WhatsApp's chat server on loopback, as far as a client can be taken without
//! WhatsApp's keys: the WebSocket with WhatsApp's framing (the `WA` header, 3-byte length
//! prefixes), the Noise XX handshake as the responder (its certificate chain is not signed by
//! WhatsApp, so the client under test is built with the crate's `danger-skip-cert-chain-verify`,
//! in test builds only), then encrypted binary stanzas: it hands out pairing refs the way the real
//! server does for a device that is not registered (`<iq xmlns="md"><pair-device><ref/>…`), and
//! reads what the client sends back.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::{SinkExt, StreamExt};
use sha2::{Digest, Sha256};
use whatsapp_rust::wacore::framing::{FrameDecoder, encode_frame};
use whatsapp_rust::wacore::libsignal::core::curve::{KeyPair, PrivateKey};
use whatsapp_rust::wacore::noise::{NoiseCipher, NoiseHandshake};
use whatsapp_rust::wacore_binary::builder::NodeBuilder;
use whatsapp_rust::wacore_binary::consts::{NOISE_PATTERN_IK, NOISE_PATTERN_XX, WA_CONN_HEADER};
use whatsapp_rust::wacore_binary::marshal::{marshal, unmarshal_ref};
use whatsapp_rust::wacore_binary::util::unpack;
use whatsapp_rust::waproto::buffa::Message as _;
use whatsapp_rust::waproto::whatsapp as wa;

/// The refs handed out in one `<pair-device>`, as WhatsApp does (six codes, then none).
pub const REFS: [&str; 6] = [
    "2@ulakfake0AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "2@ulakfake1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "2@ulakfake2AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "2@ulakfake3AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "2@ulakfake4AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "2@ulakfake5AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
];

/// What the server saw.
#[derive(Default)]
pub struct Seen {
    /// WebSocket connections accepted.
    pub connections: AtomicUsize,
    /// Noise handshakes completed (the client's static key decrypted and the payload read).
    pub handshakes: AtomicUsize,
    /// Tags of the stanzas the client sent after the handshake (decrypted), in order.
    pub stanzas: parking_lot::Mutex<Vec<String>>,
    /// Handshakes of a registered device logging in (after pairing).
    pub logins: AtomicUsize,
    /// The client's `pair-device-sign` carried a device signature that verifies with the identity
    /// key of its QR code.
    pub signed: std::sync::atomic::AtomicBool,
    /// The numbers (digits) this WhatsApp has accounts for.
    pub registered: parking_lot::Mutex<std::collections::HashSet<String>>,
    /// Numbers asked about in "is on WhatsApp" queries, in order.
    pub asked: parking_lot::Mutex<Vec<String>>,
    /// QR codes to "scan": the phone's answer goes to the connection that is pairing.
    scans: parking_lot::Mutex<Option<tokio::sync::mpsc::UnboundedSender<String>>>,
}

impl Seen {
    /// What a phone does when it scans `qr`: WhatsApp sends the device its signed identity.
    pub fn scan(&self, qr: &str) {
        if let Some(scans) = self.scans.lock().as_ref() {
            let _ = scans.send(qr.to_owned());
        }
    }
}

/// The number the "phone" that scans has.
pub const PHONE: &str = "905551112233";
const ADV_ACCOUNT_SIGNATURE: &[u8] = &[6, 0];
const ADV_DEVICE_SIGNATURE: &[u8] = &[6, 1];

/// The `<pair-success>` a phone's scan of `qr` makes WhatsApp send: the device identity signed
/// with the phone's account key, wrapped in an HMAC with the QR code's ADV secret. Also returns
/// the identity key and the account key, to check the client's answer with.
fn pair_success(
    qr: &str,
) -> (
    whatsapp_rust::wacore_binary::Node,
    Vec<u8>,
    [u8; 32],
    Vec<u8>,
) {
    use base64::Engine as _;
    use hmac::Mac as _;
    let parts: Vec<&str> = qr.split(',').collect();
    let b64 = |s: &str| {
        base64::engine::general_purpose::STANDARD
            .decode(s)
            .expect("base64")
    };
    let identity = b64(parts[2]);
    let adv_secret = b64(parts[3]);
    let details = wa::ADVDeviceIdentity {
        raw_id: Some(7),
        timestamp: Some(chrono::Utc::now().timestamp() as u64),
        key_index: Some(1),
        ..Default::default()
    }
    .encode_to_vec();
    let account = key_pair("phone account");
    let message = [ADV_ACCOUNT_SIGNATURE, &details, &identity].concat();
    let signature = account
        .private_key
        .calculate_signature(&message, &mut rand10::make_rng::<rand10::rngs::StdRng>())
        .expect("signed");
    let signed = wa::ADVSignedDeviceIdentity {
        details: Some(details.clone()),
        account_signature_key: Some(public(&account).to_vec()),
        account_signature: Some(signature.to_vec()),
        device_signature: None,
    }
    .encode_to_vec();
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&adv_secret).expect("a key");
    mac.update(&signed);
    let container = wa::ADVSignedDeviceIdentityHMAC {
        details: Some(signed),
        hmac: Some(mac.finalize().into_bytes().to_vec()),
        account_type: None,
    }
    .encode_to_vec();
    let node = NodeBuilder::new("iq")
        .attrs([
            ("from", "s.whatsapp.net"),
            ("type", "set"),
            ("id", "pair-2"),
        ])
        .children([NodeBuilder::new("pair-success")
            .children([
                NodeBuilder::new("device-identity").bytes(container).build(),
                NodeBuilder::new("device")
                    .attrs([
                        ("jid", format!("{PHONE}:7@s.whatsapp.net")),
                        ("lid", "100000000000001:7@lid".to_owned()),
                    ])
                    .build(),
                NodeBuilder::new("platform")
                    .attrs([("name", "android")])
                    .build(),
                NodeBuilder::new("biz")
                    .attrs([("name", "Ulak Test")])
                    .build(),
            ])
            .build()])
        .build();
    (node, identity, public(&account), details)
}

/// Whether the client's `pair-device-sign` carries a device signature over what the phone sent.
fn device_signature_holds(
    node: &whatsapp_rust::wacore_binary::NodeRef<'_>,
    identity: &[u8],
    account: &[u8; 32],
) -> bool {
    let Some(bytes) = node
        .get_optional_child_by_tag(&["pair-device-sign", "device-identity"])
        .and_then(|n| n.content_bytes())
    else {
        return false;
    };
    let Ok(signed) = wa::ADVSignedDeviceIdentity::decode_from_slice(bytes) else {
        return false;
    };
    let (Some(details), Some(signature)) = (signed.details, signed.device_signature) else {
        return false;
    };
    let message = [ADV_DEVICE_SIGNATURE, &details, identity, account].concat();
    whatsapp_rust::wacore::libsignal::core::curve::PublicKey::from_djb_public_key_bytes(identity)
        .is_ok_and(|key| key.verify_signature(&message, &signature))
}

/// A key pair from fixed bytes (the test needs no randomness of its own).
fn key_pair(label: &str) -> KeyPair {
    let mut bytes: [u8; 32] = Sha256::digest(label.as_bytes()).into();
    // X25519 clamping, as key generation does.
    bytes[0] &= 248;
    bytes[31] &= 127;
    bytes[31] |= 64;
    let private = PrivateKey::deserialize(&bytes).expect("a private key");
    KeyPair::new(private.public_key().expect("its public key"), private)
}

fn public(kp: &KeyPair) -> [u8; 32] {
    kp.public_key
        .public_key_bytes()
        .try_into()
        .expect("32 bytes")
}

/// A certificate chain whose leaf is the server's static key, in WhatsApp's format; the
/// signatures are zeros (the client under test does not check them).
fn cert_chain(server_static: &[u8; 32]) -> Vec<u8> {
    use wa::cert_chain::{NoiseCertificate, noise_certificate::Details};
    let details = |serial, issuer, key: Vec<u8>| {
        Details {
            serial: Some(serial),
            issuer_serial: Some(issuer),
            key: Some(key),
            not_before: Some(1_700_000_000),
            not_after: Some(4_000_000_000),
        }
        .encode_to_vec()
    };
    wa::CertChain {
        leaf: whatsapp_rust::waproto::buffa::MessageField::some(NoiseCertificate {
            details: Some(details(2, 1, server_static.to_vec())),
            signature: Some(vec![0u8; 64]),
        }),
        intermediate: whatsapp_rust::waproto::buffa::MessageField::some(NoiseCertificate {
            details: Some(details(1, 0, vec![0xCC; 32])),
            signature: Some(vec![0u8; 64]),
        }),
    }
    .encode_to_vec()
}

/// Starts the server; its `ws://` URL and what it sees.
pub async fn start() -> (String, Arc<Seen>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/ws/chat", listener.local_addr().unwrap());
    let seen = Arc::new(Seen::default());
    let serving = seen.clone();
    tokio::spawn(async move {
        let mut n = 0usize;
        while let Ok((socket, _)) = listener.accept().await {
            n += 1;
            serving.connections.fetch_add(1, Ordering::SeqCst);
            let seen = serving.clone();
            tokio::spawn(async move {
                if let Err(e) = serve(socket, seen, n).await {
                    eprintln!("fake WhatsApp server: connection {n} ended: {e}");
                }
            });
        }
    });
    (url, seen)
}

/// What the server answers to an `<iq>` a logged-in client sends: "is on WhatsApp" queries from
/// [`Seen::registered`]; the app-state sync with a conflict for each collection (nothing new,
/// which the client counts as synced); the switch to active mode with its result and the end of
/// the (empty) offline queue; anything else with an empty result.
fn answer(
    iq: &whatsapp_rust::wacore_binary::NodeRef<'_>,
    seen: &Seen,
) -> Vec<whatsapp_rust::wacore_binary::Node> {
    let attr = |name: &str| iq.get_attr(name).map(|v| v.as_str().into_owned());
    if !matches!(attr("type").as_deref(), Some("get" | "set")) {
        return Vec::new();
    }
    let id = attr("id").unwrap_or_default();
    let xmlns = attr("xmlns").unwrap_or_default();
    let result = NodeBuilder::new("iq").attrs([
        ("from", "s.whatsapp.net".to_owned()),
        ("type", "result".to_owned()),
        ("id", id),
    ]);
    let asks_contacts = iq
        .get_optional_child_by_tag(&["usync", "query", "contact"])
        .is_some();
    if xmlns == "usync" && asks_contacts {
        let users = iq
            .get_optional_child_by_tag(&["usync", "list"])
            .map(|list| {
                list.get_children_by_tag("user")
                    .filter_map(|u| u.get_optional_child("contact")?.content_as_string())
                    .map(|number| number.trim_start_matches('+').to_owned())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        seen.asked.lock().extend(users.iter().cloned());
        let registered = seen.registered.lock();
        let list = users.iter().map(|digits| {
            let kind = if registered.contains(digits) {
                "in"
            } else {
                "out"
            };
            NodeBuilder::new("user")
                .attrs([("jid", format!("{digits}@s.whatsapp.net"))])
                .children([NodeBuilder::new("contact").attrs([("type", kind)]).build()])
                .build()
        });
        return vec![
            result
                .children([NodeBuilder::new("usync")
                    .children([NodeBuilder::new("list").children(list).build()])
                    .build()])
                .build(),
        ];
    }
    if xmlns == "w:sync:app:state" {
        let collections = iq
            .get_optional_child("sync")
            .map(|sync| {
                sync.get_children_by_tag("collection")
                    .filter_map(|c| c.get_attr("name").map(|n| n.as_str().into_owned()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let answered = collections.into_iter().map(|name| {
            NodeBuilder::new("collection")
                .attrs([("name", name), ("type", "error".to_owned())])
                .children([NodeBuilder::new("error")
                    .attrs([("code", "409"), ("text", "conflict")])
                    .build()])
                .build()
        });
        return vec![
            result
                .children([NodeBuilder::new("sync").children(answered).build()])
                .build(),
        ];
    }
    if xmlns == "passive" && iq.get_optional_child("active").is_some() {
        return vec![
            result.build(),
            NodeBuilder::new("ib")
                .attrs([("from", "s.whatsapp.net")])
                .children([NodeBuilder::new("offline").attrs([("count", "0")]).build()])
                .build(),
        ];
    }
    vec![result.build()]
}

/// The server's half of the handshake: its ephemeral key, its static key (encrypted; none when
/// the client resumes with IK, knowing it) and its certificate chain (encrypted).
async fn send_hello(
    ws: &mut tokio_websockets::WebSocketStream<tokio::net::TcpStream>,
    ephemeral: &KeyPair,
    encrypted_static: Option<Vec<u8>>,
    encrypted_chain: Vec<u8>,
) -> Result<(), String> {
    let server_hello = wa::HandshakeMessage {
        server_hello: whatsapp_rust::waproto::buffa::MessageField::some(
            wa::handshake_message::ServerHello {
                ephemeral: Some(public(ephemeral).to_vec()),
                r#static: encrypted_static,
                payload: Some(encrypted_chain),
                ..Default::default()
            },
        ),
        ..Default::default()
    };
    let framed = encode_frame(&server_hello.encode_to_vec(), None).map_err(|e| e.to_string())?;
    ws.send(tokio_websockets::Message::binary(framed))
        .await
        .map_err(|e| e.to_string())
}

/// Sends one stanza, encrypted with the next counter.
async fn send(
    ws: &mut tokio_websockets::WebSocketStream<tokio::net::TcpStream>,
    write: &NoiseCipher,
    written: &mut u32,
    node: &whatsapp_rust::wacore_binary::Node,
) -> Result<(), String> {
    let plain = marshal(node).map_err(|e| e.to_string())?;
    let sealed = write
        .encrypt_with_counter(*written, &plain)
        .map_err(|e| e.to_string())?;
    *written += 1;
    let framed = encode_frame(&sealed, None).map_err(|e| e.to_string())?;
    ws.send(tokio_websockets::Message::binary(framed))
        .await
        .map_err(|e| e.to_string())
}

async fn serve(socket: tokio::net::TcpStream, seen: Arc<Seen>, n: usize) -> Result<(), String> {
    let (_, mut ws) = tokio_websockets::ServerBuilder::new()
        .accept(socket)
        .await
        .map_err(|e| e.to_string())?;
    let mut decoder = FrameDecoder::new();
    let mut first = true;
    // Reads the next whole frame from the client.
    macro_rules! next_frame {
        () => {
            loop {
                if let Some(frame) = decoder.decode_frame() {
                    break frame.to_vec();
                }
                let message = ws
                    .next()
                    .await
                    .ok_or("the client closed")?
                    .map_err(|e| e.to_string())?;
                if !message.is_binary() {
                    continue;
                }
                let bytes: Vec<u8> = message.as_payload().to_vec();
                if first {
                    first = false;
                    if !bytes.starts_with(&WA_CONN_HEADER) {
                        return Err("no WA header".into());
                    }
                    decoder.feed(&bytes[WA_CONN_HEADER.len()..]);
                } else {
                    decoder.feed(&bytes);
                }
            }
        };
    }

    // ← e
    let hello =
        wa::HandshakeMessage::decode_from_slice(&next_frame!()).map_err(|e| e.to_string())?;
    let client_hello = hello.client_hello.into_option().ok_or("no client hello")?;
    let client_ephemeral: [u8; 32] = client_hello
        .ephemeral
        .clone()
        .ok_or("no client ephemeral")?
        .try_into()
        .map_err(|_| "a client ephemeral of the wrong length")?;
    // A registered device that kept the server's certificate resumes with IK.
    let (read, write, login) = if let (Some(encrypted_static), Some(encrypted_payload)) =
        (client_hello.r#static.clone(), client_hello.payload.clone())
    {
        let static_kp = key_pair("server static");
        let mut noise =
            NoiseHandshake::new(NOISE_PATTERN_IK, &WA_CONN_HEADER).map_err(|e| e.to_string())?;
        noise.authenticate(&public(&static_kp));
        noise.authenticate(&client_ephemeral);
        noise
            .mix_shared_secret(static_kp.private_key.serialize(), &client_ephemeral)
            .map_err(|e| e.to_string())?;
        let client_static: [u8; 32] = noise
            .decrypt(&encrypted_static)
            .map_err(|e| e.to_string())?
            .try_into()
            .map_err(|_| "a client static of the wrong length")?;
        noise
            .mix_shared_secret(static_kp.private_key.serialize(), &client_static)
            .map_err(|e| e.to_string())?;
        noise
            .decrypt(&encrypted_payload)
            .map_err(|e| e.to_string())?;
        let ephemeral = key_pair(&format!("server ephemeral {n}"));
        noise.authenticate(&public(&ephemeral));
        noise
            .mix_shared_secret(ephemeral.private_key.serialize(), &client_ephemeral)
            .map_err(|e| e.to_string())?;
        noise
            .mix_shared_secret(ephemeral.private_key.serialize(), &client_static)
            .map_err(|e| e.to_string())?;
        let encrypted_chain = noise
            .encrypt(&cert_chain(&public(&static_kp)))
            .map_err(|e| e.to_string())?;
        send_hello(&mut ws, &ephemeral, None, encrypted_chain).await?;
        let (client_write, client_read): (NoiseCipher, NoiseCipher) =
            noise.finish().map_err(|e| e.to_string())?;
        // The initiator's write key is this side's read key, and the other way round.
        (client_write, client_read, true)
    } else {
        let mut noise =
            NoiseHandshake::new(NOISE_PATTERN_XX, &WA_CONN_HEADER).map_err(|e| e.to_string())?;
        noise.authenticate(&client_ephemeral);
        // → e, ee, s, es
        let ephemeral = key_pair(&format!("server ephemeral {n}"));
        let static_kp = key_pair("server static");
        noise.authenticate(&public(&ephemeral));
        noise
            .mix_shared_secret(ephemeral.private_key.serialize(), &client_ephemeral)
            .map_err(|e| e.to_string())?;
        let encrypted_static = noise
            .encrypt(&public(&static_kp))
            .map_err(|e| e.to_string())?;
        noise
            .mix_shared_secret(static_kp.private_key.serialize(), &client_ephemeral)
            .map_err(|e| e.to_string())?;
        let encrypted_chain = noise
            .encrypt(&cert_chain(&public(&static_kp)))
            .map_err(|e| e.to_string())?;
        send_hello(&mut ws, &ephemeral, Some(encrypted_static), encrypted_chain).await?;
        // ← s, se, payload
        let finish =
            wa::HandshakeMessage::decode_from_slice(&next_frame!()).map_err(|e| e.to_string())?;
        let finish = finish
            .client_finish
            .into_option()
            .ok_or("no client finish")?;
        let client_static: [u8; 32] = noise
            .decrypt(&finish.r#static.ok_or("no client static")?)
            .map_err(|e| e.to_string())?
            .try_into()
            .map_err(|_| "a client static of the wrong length")?;
        noise
            .mix_shared_secret(ephemeral.private_key.serialize(), &client_static)
            .map_err(|e| e.to_string())?;
        let payload = noise
            .decrypt(&finish.payload.ok_or("no client payload")?)
            .map_err(|e| e.to_string())?;
        let (client_write, client_read): (NoiseCipher, NoiseCipher) =
            noise.finish().map_err(|e| e.to_string())?;
        let login = wa::ClientPayload::decode_from_slice(&payload)
            .map_err(|e| e.to_string())?
            .device_pairing_data
            .as_option()
            .is_none();
        (client_write, client_read, login)
    };
    let mut written = 0u32;
    seen.handshakes.fetch_add(1, Ordering::SeqCst);

    if login {
        // A registered device logging in: WhatsApp lets it in.
        seen.logins.fetch_add(1, Ordering::SeqCst);
        let success = NodeBuilder::new("success")
            .attrs([
                ("t", chrono::Utc::now().timestamp().to_string()),
                ("lid", "100000000000001@lid".to_owned()),
            ])
            .build();
        send(&mut ws, &write, &mut written, &success).await?;
    } else {
        // A device that is not registered gets pairing refs.
        let pair_device = NodeBuilder::new("iq")
            .attrs([
                ("from", "s.whatsapp.net"),
                ("type", "set"),
                ("id", "pair-1"),
                ("xmlns", "md"),
            ])
            .children([NodeBuilder::new("pair-device")
                .children(
                    REFS.iter()
                        .map(|r| NodeBuilder::new("ref").bytes(r.as_bytes().to_vec()).build()),
                )
                .build()])
            .build();
        send(&mut ws, &write, &mut written, &pair_device).await?;
    }
    let (scans_tx, mut scans) = tokio::sync::mpsc::unbounded_channel();
    *seen.scans.lock() = Some(scans_tx);
    let mut scanned: Option<(Vec<u8>, [u8; 32])> = None;
    // Reads (and records) what the client says until it goes; answers a scan.
    let mut counter = 0u32;
    loop {
        while let Some(mut frame) = decoder.decode_frame().map(|f| f.to_vec()) {
            read.decrypt_in_place_with_counter(counter, &mut frame)
                .map_err(|e| e.to_string())?;
            counter += 1;
            let unpacked = unpack(&frame).map_err(|e| e.to_string())?;
            let node = unmarshal_ref(&unpacked).map_err(|e| e.to_string())?;
            seen.stanzas.lock().push(node.tag.to_string());
            if node.tag == "iq" {
                for reply in answer(&node, &seen) {
                    send(&mut ws, &write, &mut written, &reply).await?;
                }
            }
            if let Some((identity, account)) = &scanned
                && node
                    .get_optional_child_by_tag(&["pair-device-sign"])
                    .is_some()
            {
                seen.signed.store(
                    device_signature_holds(&node, identity, account),
                    Ordering::SeqCst,
                );
                // As WhatsApp does after pairing (stream error 515): the client reconnects and
                // logs in as the new device.
                return Ok(());
            }
        }
        tokio::select! {
            message = ws.next() => {
                let message = message.ok_or("the client closed")?.map_err(|e| e.to_string())?;
                if message.is_binary() {
                    decoder.feed(message.as_payload());
                }
            }
            Some(qr) = scans.recv() => {
                let (node, identity, account, _) = pair_success(&qr);
                scanned = Some((identity, account));
                send(&mut ws, &write, &mut written, &node).await?;
            }
        }
    }
}
