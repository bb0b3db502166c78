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
use whatsapp_rust::wacore_binary::consts::{NOISE_PATTERN_XX, WA_CONN_HEADER};
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
    let client_ephemeral: [u8; 32] = hello
        .client_hello
        .into_option()
        .and_then(|h| h.ephemeral)
        .ok_or("no client ephemeral")?
        .try_into()
        .map_err(|_| "a client ephemeral of the wrong length")?;
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
    let server_hello = wa::HandshakeMessage {
        server_hello: whatsapp_rust::waproto::buffa::MessageField::some(
            wa::handshake_message::ServerHello {
                ephemeral: Some(public(&ephemeral).to_vec()),
                r#static: Some(encrypted_static),
                payload: Some(encrypted_chain),
                ..Default::default()
            },
        ),
        ..Default::default()
    };
    let framed = encode_frame(&server_hello.encode_to_vec(), None).map_err(|e| e.to_string())?;
    ws.send(tokio_websockets::Message::binary(framed))
        .await
        .map_err(|e| e.to_string())?;
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
    wa::ClientPayload::decode_from_slice(&payload).map_err(|e| e.to_string())?;
    let (client_write, client_read): (NoiseCipher, NoiseCipher) =
        noise.finish().map_err(|e| e.to_string())?;
    // The initiator's write key is this side's read key, and the other way round.
    let (read, write) = (client_write, client_read);
    seen.handshakes.fetch_add(1, Ordering::SeqCst);

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
    let plain = marshal(&pair_device).map_err(|e| e.to_string())?;
    let sealed = write
        .encrypt_with_counter(0, &plain)
        .map_err(|e| e.to_string())?;
    let framed = encode_frame(&sealed, None).map_err(|e| e.to_string())?;
    ws.send(tokio_websockets::Message::binary(framed))
        .await
        .map_err(|e| e.to_string())?;

    // Reads (and records) what the client says until it goes.
    let mut counter = 0u32;
    loop {
        let mut frame = next_frame!();
        read.decrypt_in_place_with_counter(counter, &mut frame)
            .map_err(|e| e.to_string())?;
        counter += 1;
        let unpacked = unpack(&frame).map_err(|e| e.to_string())?;
        let node = unmarshal_ref(&unpacked).map_err(|e| e.to_string())?;
        seen.stanzas.lock().push(node.tag.to_string());
    }
}
