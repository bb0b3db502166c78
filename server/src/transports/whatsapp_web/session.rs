//! What a WhatsApp Web channel shows and does after each connection or pairing event of the
//! client: the seam between `whatsapp-rust` and the channel. Events in, one [`Step`] out; the
//! connection task applies it (stores the state and reason, keeps the QR code, restarts or stops
//! the client). Pure, so it is tested with the crate's own `Event` values.

use std::time::Duration;

use whatsapp_rust::types::events::{ConnectFailure, ConnectFailureReason, Event};

use crate::channels::ChannelState;

/// What the connection task does after an event.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Nothing the channel shows changes (messages, receipts and the like go elsewhere).
    Ignore,
    /// A QR code to show until the next one: the raw string, scanned by the phone's "Link a device".
    Qr { code: String, valid_for: Duration },
    /// The code to type on the phone when pairing by phone number.
    PairCode { code: String, valid_for: Duration },
    /// The phone accepted the pairing: its number and, when the account is a business, its name.
    Paired {
        number: String,
        business_name: String,
    },
    /// A new state, with the reason a person reads, and what the client does next.
    State {
        state: ChannelState,
        reason: Option<String>,
        then: Then,
    },
}

/// What happens to the client after a state change.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Then {
    /// It keeps going (it reconnects by itself, with backoff).
    Continue,
    /// Stop it and start a new one after this long (the crate's `connect` after `disconnect`
    /// never fires `Connected` again in 0.7.0, so a restart is always a new client).
    RestartAfter(Duration),
    /// Stop it; a person acts (pairs again, updates Ulak).
    Stop,
    /// Stop it and delete the device's keys: the phone removed it, only a new pairing helps.
    StopAndForget,
}

fn state(state: ChannelState, reason: impl Into<Option<String>>, then: Then) -> Step {
    Step::State {
        state,
        reason: reason.into(),
        then,
    }
}

/// The step for one event.
pub fn step(event: &Event) -> Step {
    match event {
        Event::PairingQrCode(qr) => Step::Qr {
            code: qr.code.clone(),
            valid_for: qr.timeout,
        },
        Event::PairingCode(code) => Step::PairCode {
            code: code.code.clone(),
            valid_for: code.timeout,
        },
        Event::PairSuccess(paired) => Step::Paired {
            number: paired.id.user.to_string(),
            business_name: paired.business_name.clone(),
        },
        Event::PairError(failed) => state(
            ChannelState::Error,
            format!("pairing failed: {}", failed.error),
            Then::Stop,
        ),
        Event::PairingCodeError(failed) => state(
            ChannelState::Pairing,
            format!("the phone-number code was refused: {}", failed.error),
            Then::Continue,
        ),
        // Without a disconnect, a phone-number code is still outstanding on the same connection.
        Event::PairingQrCodesExhausted(exhausted) if !exhausted.disconnected => Step::Ignore,
        Event::PairingQrCodesExhausted(_) => state(
            ChannelState::LoggedOut,
            "no phone scanned the QR codes in time; start pairing again".to_owned(),
            Then::Stop,
        ),
        Event::QrScannedWithoutMultidevice(_) => state(
            ChannelState::Pairing,
            "the phone that scanned the code does not support linked devices; update WhatsApp on it"
                .to_owned(),
            Then::Continue,
        ),
        Event::Connected(_) => state(ChannelState::Active, None, Then::Continue),
        Event::Disconnected(gone) => state(
            ChannelState::Disconnected,
            format!("connection lost ({}); reconnecting", gone.reason),
            Then::Continue,
        ),
        // The crate reports only the stream errors it rides out, keeping the socket open; a real
        // drop arrives as `Disconnected`.
        Event::StreamError(_) => Step::Ignore,
        Event::LoggedOut(out) => state(
            ChannelState::LoggedOut,
            format!(
                "the phone removed this device ({}); pair again",
                failure_reason(&out.reason)
            ),
            Then::StopAndForget,
        ),
        Event::StreamReplaced(_) => state(
            ChannelState::Error,
            "another client connected with this device's session; this one stopped so the two do \
             not take turns"
                .to_owned(),
            Then::Stop,
        ),
        Event::TemporaryBan(ban) => {
            let ban_secs = u64::try_from(ban.expire.num_seconds()).unwrap_or(0);
            state(
            ChannelState::Error,
            format!(
                "WhatsApp banned this number temporarily ({:?}) for {} s{}",
                ban.code,
                ban_secs,
                ban.message
                    .as_deref()
                    .map(|m| format!(": {m}"))
                    .unwrap_or_default()
            ),
            // Try again once the ban is over (and a little after).
            Then::RestartAfter(Duration::from_secs(ban_secs + 60)),
        )
        }
        Event::ConnectFailure(failure) if failure.reason.is_logged_out() => state(
            ChannelState::LoggedOut,
            format!(
                "WhatsApp refused the session ({}); pair again",
                failure_reason(&failure.reason)
            ),
            Then::StopAndForget,
        ),
        Event::ConnectFailure(failure) if matches!(failure.reason, ConnectFailureReason::ClientOutdated) => {
            outdated()
        }
        // The crate reconnects by itself only after these (503, 500).
        Event::ConnectFailure(failure) if failure.reason.should_reconnect() => state(
            ChannelState::Disconnected,
            format!("{}; retrying", refused(failure)),
            Then::Continue,
        ),
        // Any other refusal: the crate stops; a new client tries again later, with the reason shown
        // meanwhile.
        Event::ConnectFailure(failure) => state(
            ChannelState::Error,
            refused(failure),
            Then::RestartAfter(Duration::from_secs(300)),
        ),
        Event::ClientOutdated(_) => outdated(),
        _ => Step::Ignore,
    }
}

/// "WhatsApp refused the connection (reason: its message)".
fn refused(failure: &ConnectFailure) -> String {
    format!(
        "WhatsApp refused the connection ({}{})",
        failure_reason(&failure.reason),
        failure
            .message
            .as_deref()
            .map(|m| format!(": {m}"))
            .unwrap_or_default()
    )
}

fn outdated() -> Step {
    state(
        ChannelState::Error,
        "WhatsApp considers this client version outdated; update Ulak".to_owned(),
        Then::Stop,
    )
}

fn failure_reason(reason: &ConnectFailureReason) -> String {
    match reason {
        ConnectFailureReason::Unknown(code) => format!("code {code}"),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use whatsapp_rust::types::events::*;
    use whatsapp_rust::wacore::net::DisconnectReason;

    fn expect_state(event: Event, want: ChannelState, then: Then, says: &str) {
        match step(&event) {
            Step::State {
                state,
                reason,
                then: got,
            } => {
                assert_eq!(state, want, "{event:?}");
                assert_eq!(got, then, "{event:?}");
                let reason = reason.unwrap_or_default();
                assert!(reason.contains(says), "{reason:?} does not say {says:?}");
            }
            other => panic!("{other:?} for {event:?}"),
        }
    }

    #[test]
    fn pairing_events_give_codes_and_the_number() {
        let qr = Event::PairingQrCode(
            PairingQrCode::builder()
                .code("2@abc,def,ghi,jkl".to_owned())
                .timeout(Duration::from_secs(60))
                .build(),
        );
        assert_eq!(
            step(&qr),
            Step::Qr {
                code: "2@abc,def,ghi,jkl".into(),
                valid_for: Duration::from_secs(60)
            }
        );
        let code = Event::PairingCode(
            PairingCode::builder()
                .code("ABCD1234".to_owned())
                .timeout(Duration::from_secs(180))
                .build(),
        );
        assert_eq!(
            step(&code),
            Step::PairCode {
                code: "ABCD1234".into(),
                valid_for: Duration::from_secs(180)
            }
        );
        let paired = Event::PairSuccess(
            PairSuccess::builder()
                .id("905551112233:12@s.whatsapp.net".parse().unwrap())
                .lid("100000000000001:12@lid".parse().unwrap())
                .business_name("Ulak Test".to_owned())
                .platform("android".to_owned())
                .build(),
        );
        assert_eq!(
            step(&paired),
            Step::Paired {
                number: "905551112233".into(),
                business_name: "Ulak Test".into()
            }
        );
        // A phone-number code still outstanding on the same connection: nothing stops.
        assert_eq!(
            step(&Event::PairingQrCodesExhausted(
                PairingQrCodesExhausted::builder()
                    .disconnected(false)
                    .build()
            )),
            Step::Ignore
        );
        expect_state(
            Event::PairingQrCodesExhausted(
                PairingQrCodesExhausted::builder()
                    .disconnected(true)
                    .build(),
            ),
            ChannelState::LoggedOut,
            Then::Stop,
            "start pairing again",
        );
        expect_state(
            Event::QrScannedWithoutMultidevice(QrScannedWithoutMultidevice::builder().build()),
            ChannelState::Pairing,
            Then::Continue,
            "linked devices",
        );
    }

    #[test]
    fn connection_events_give_a_state_a_reason_and_what_follows() {
        expect_state(
            Event::Connected(Connected::builder().build()),
            ChannelState::Active,
            Then::Continue,
            "",
        );
        expect_state(
            Event::Disconnected(
                Disconnected::builder()
                    .reason(DisconnectReason::StreamEnded)
                    .build(),
            ),
            ChannelState::Disconnected,
            Then::Continue,
            "stream ended",
        );
        expect_state(
            Event::LoggedOut(
                LoggedOut::builder()
                    .on_connect(true)
                    .reason(ConnectFailureReason::LoggedOut)
                    .build(),
            ),
            ChannelState::LoggedOut,
            Then::StopAndForget,
            "removed this device (LoggedOut)",
        );
        expect_state(
            Event::StreamReplaced(StreamReplaced::builder().build()),
            ChannelState::Error,
            Then::Stop,
            "another client",
        );
        expect_state(
            Event::TemporaryBan(
                TemporaryBan::builder()
                    .code(TempBanReason::SentToTooManyPeople)
                    .expire(whatsapp_rust::wacore::chrono::Duration::seconds(3600))
                    .build(),
            ),
            ChannelState::Error,
            Then::RestartAfter(Duration::from_secs(3660)),
            "SentToTooManyPeople) for 3600 s",
        );
        expect_state(
            Event::ConnectFailure(
                ConnectFailure::builder()
                    .reason(ConnectFailureReason::UnknownLogout)
                    .build(),
            ),
            ChannelState::LoggedOut,
            Then::StopAndForget,
            "refused the session (UnknownLogout)",
        );
        expect_state(
            Event::ConnectFailure(
                ConnectFailure::builder()
                    .reason(ConnectFailureReason::ServiceUnavailable)
                    .message("try later".to_owned())
                    .build(),
            ),
            ChannelState::Disconnected,
            Then::Continue,
            "ServiceUnavailable: try later",
        );
        expect_state(
            Event::ConnectFailure(
                ConnectFailure::builder()
                    .reason(ConnectFailureReason::ClientOutdated)
                    .build(),
            ),
            ChannelState::Error,
            Then::Stop,
            "update Ulak",
        );
        expect_state(
            Event::ClientOutdated(ClientOutdated::builder().build()),
            ChannelState::Error,
            Then::Stop,
            "outdated",
        );
        assert_eq!(
            step(&Event::StreamError(
                StreamError::builder().code("503".to_owned()).build()
            )),
            Step::Ignore
        );
        expect_state(
            Event::ConnectFailure(
                ConnectFailure::builder()
                    .reason(ConnectFailureReason::BadUserAgent)
                    .build(),
            ),
            ChannelState::Error,
            Then::RestartAfter(Duration::from_secs(300)),
            "refused the connection (BadUserAgent)",
        );
        expect_state(
            Event::ConnectFailure(
                ConnectFailure::builder()
                    .reason(ConnectFailureReason::Unknown(499))
                    .build(),
            ),
            ChannelState::Error,
            Then::RestartAfter(Duration::from_secs(300)),
            "code 499",
        );
        expect_state(
            Event::PairError(
                PairError::builder()
                    .id("905551112233:12@s.whatsapp.net".parse().unwrap())
                    .lid("100000000000001:12@lid".parse().unwrap())
                    .business_name(String::new())
                    .platform("android".to_owned())
                    .error("bad signature".to_owned())
                    .build(),
            ),
            ChannelState::Error,
            Then::Stop,
            "bad signature",
        );
    }

    #[test]
    fn other_events_change_nothing_here() {
        assert_eq!(
            step(&Event::OfflineSyncCompleted(
                OfflineSyncCompleted::builder().count(3).build()
            )),
            Step::Ignore
        );
    }
}
