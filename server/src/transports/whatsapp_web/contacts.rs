//! The phone's contacts, as WhatsApp syncs them to a linked device after pairing: there is no
//! "list my contacts" call, so they are kept per channel as they arrive (`ContactUpdate` from the
//! address book, `PushNameUpdate` and the push names and chats of `HistorySync`), and that is what
//! an import from WhatsApp offers.
//!
//! One record per number: `wa_contact:[channel, digits]` with `number` (E.164), `name` (the phone's
//! address book), `first_name`, `push_name` (what the person calls themself) and `updated_at`.
//! Contacts known only by a LID are kept once the LID's number is known (the channel's LID
//! mappings); groups, newsletters and broadcast lists are not contacts.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;
use whatsapp_rust::Jid;
use whatsapp_rust::types::events::Event;
use whatsapp_rust::wacore::store::traits::ProtocolStore;

use super::store::WaStore;
use crate::db::{Db, DbError};

/// A contact as the phone knows it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WaContact {
    /// E.164, with the plus.
    #[schema(example = "+905551112233")]
    pub number: String,
    /// The name in the phone's address book.
    #[schema(example = "Ayşe Yılmaz")]
    pub name: Option<String>,
    #[schema(example = "Ayşe")]
    pub first_name: Option<String>,
    /// The name the person set in WhatsApp.
    #[schema(example = "Ayşe Y.")]
    pub push_name: Option<String>,
}

/// What one event says about one number.
#[derive(Debug, Default, PartialEq)]
struct Seen {
    digits: String,
    name: Option<String>,
    first_name: Option<String>,
    push_name: Option<String>,
}

/// The longest name kept (names are free text typed on a phone).
const MAX_NAME: usize = 200;

/// Characters a name from a phone must not carry: controls, and the invisible ones that reorder
/// or hide text (bidirectional overrides and isolates, zero-width characters, line and paragraph
/// separators, the byte-order mark).
fn unwanted(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

fn clean(name: Option<&str>) -> Option<String> {
    let name: String = name?
        .chars()
        .filter(|c| !unwanted(*c))
        .take(MAX_NAME)
        .collect();
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_owned())
}

/// The number of a phone-number JID (`905551112233@s.whatsapp.net`, any device).
fn pn_digits(jid: &Jid) -> Option<String> {
    let user = jid.user.as_str();
    (jid.is_pn()
        && !user.is_empty()
        && user.len() <= 15
        && user.bytes().all(|b| b.is_ascii_digit()))
    .then(|| user.to_owned())
}

fn parse_digits(jid: Option<&str>) -> Option<String> {
    pn_digits(&jid?.parse::<Jid>().ok()?)
}

impl WaStore {
    /// The number behind a JID: its own for a phone-number JID, the mapped one for a LID.
    async fn digits_of(&self, jid: &Jid) -> Option<String> {
        if let Some(digits) = pn_digits(jid) {
            return Some(digits);
        }
        if jid.is_lid() {
            let mapping = self.get_lid_mapping(jid.user.as_str()).await.ok()??;
            return parse_digits(Some(&format!("{}@s.whatsapp.net", mapping.phone_number)));
        }
        None
    }
}

/// What an event says about contacts (nothing, for most events).
async fn seen(store: &WaStore, event: &Event) -> Vec<Seen> {
    match event {
        Event::ContactUpdate(update) => {
            let action = &update.action;
            let digits = match parse_digits(action.pn_jid.as_deref()) {
                Some(digits) => Some(digits),
                None => store.digits_of(&update.jid).await,
            };
            digits
                .map(|digits| Seen {
                    digits,
                    name: clean(action.full_name.as_deref()),
                    first_name: clean(action.first_name.as_deref()),
                    push_name: None,
                })
                .into_iter()
                .collect()
        }
        Event::PushNameUpdate(update) => match store.digits_of(&update.jid).await {
            Some(digits) => vec![Seen {
                digits,
                push_name: clean(Some(&update.new_push_name)),
                ..Seen::default()
            }],
            None => Vec::new(),
        },
        Event::HistorySync(history) => {
            let Some(sync) = history.get() else {
                return Vec::new();
            };
            let mut found = Vec::new();
            for pushname in &sync.pushnames {
                let Some(jid) = pushname.id.as_deref().and_then(|id| id.parse::<Jid>().ok()) else {
                    continue;
                };
                if let Some(digits) = store.digits_of(&jid).await {
                    found.push(Seen {
                        digits,
                        push_name: clean(pushname.pushname.as_deref()),
                        ..Seen::default()
                    });
                }
            }
            for chat in &sync.conversations {
                let digits = match parse_digits(chat.pn_jid.as_deref()) {
                    Some(digits) => Some(digits),
                    None => match chat.id.parse::<Jid>() {
                        Ok(jid) => store.digits_of(&jid).await,
                        Err(_) => None,
                    },
                };
                if let Some(digits) = digits {
                    found.push(Seen {
                        digits,
                        name: clean(chat.name.as_deref().or(chat.display_name.as_deref())),
                        ..Seen::default()
                    });
                }
            }
            found
        }
        _ => Vec::new(),
    }
}

/// Keeps what an event says about contacts; returns how many numbers it touched. A name the event
/// does not carry is left as it was.
pub async fn record(
    db: &Db,
    store: &WaStore,
    channel: &str,
    event: &Event,
) -> Result<usize, DbError> {
    let seen = seen(store, event).await;
    if seen.is_empty() {
        return Ok(0);
    }
    let rows: Vec<Value> = seen
        .iter()
        .map(|s| {
            json!({
                "k": [channel, s.digits],
                "number": format!("+{}", s.digits),
                "name": s.name,
                "first_name": s.first_name,
                "push_name": s.push_name,
                "name_key": s.name.as_deref().map(crate::contacts::model::search_key),
                "push_key": s.push_name.as_deref().map(crate::contacts::model::search_key),
            })
        })
        .collect();
    db.exec(
        "FOR $r IN $rows { \
           UPSERT type::record('wa_contact', $r.k) SET number = $r.number, \
             name = $r.name ?? name, first_name = $r.first_name ?? first_name, \
             push_name = $r.push_name ?? push_name, name_key = $r.name_key ?? name_key, \
             push_key = $r.push_key ?? push_key, updated_at = time::now() RETURN NONE; \
         };",
        json!({ "rows": rows }),
    )
    .await?;
    Ok(seen.len())
}

/// A page of a channel's contacts in number order, after `after` (a number's digits), matching
/// `search` (in the number or either name, case-insensitive) when given.
pub async fn list(
    db: &Db,
    channel: &str,
    search: Option<&str>,
    after: Option<&str>,
    limit: usize,
) -> Result<Vec<WaContact>, DbError> {
    let search = search.map(str::trim).filter(|s| !s.is_empty());
    // Names compare with the contacts' Turkish folding ("isik" finds "Işık"), numbers by digits.
    let key = search.map(crate::contacts::model::search_key);
    let digits = search
        .filter(|s| {
            s.chars()
                .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')'))
        })
        .map(|s| s.chars().filter(char::is_ascii_digit).collect::<String>())
        .filter(|d| !d.is_empty());
    db.rows(
        "SELECT number, name, first_name, push_name FROM array::first([wa_contact:[$ch, $after]..[$ch, {}]]) \
         WHERE record::id(id)[1] != $after AND ($q = NONE \
            OR ($digits != NONE AND string::contains(number, $digits)) \
            OR string::contains(name_key ?? string::lowercase(name ?? ''), $q) \
            OR string::contains(push_key ?? string::lowercase(push_name ?? ''), $q)) \
         LIMIT $limit",
        crate::db::without_nulls(json!({
            "ch": channel,
            "after": after.unwrap_or(""),
            "q": key,
            "digits": digits,
            "limit": limit,
        })),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;
    use whatsapp_rust::bytes::Bytes;
    use whatsapp_rust::types::events::{ContactUpdate, LazyHistorySync, PushNameUpdate};
    use whatsapp_rust::waproto::whatsapp as wa;

    async fn setup() -> (Db, WaStore) {
        let mut settings = Settings::for_tests().unwrap();
        settings.database.url = "mem://".into();
        let db = Db::connect(&settings).await.unwrap();
        let store = WaStore::new(db.clone(), "ch1");
        (db, store)
    }

    fn contact_update(jid: &str, full: &str, first: &str, pn: Option<&str>) -> Event {
        let action = wa::sync_action_value::ContactAction {
            full_name: Some(full.into()),
            first_name: Some(first.into()),
            pn_jid: pn.map(Into::into),
            ..Default::default()
        };
        Event::ContactUpdate(
            ContactUpdate::builder()
                .jid(jid.parse().unwrap())
                .timestamp(chrono::Utc::now())
                .action(Box::new(action))
                .from_full_sync(true)
                .build(),
        )
    }

    fn history(pushnames: &[(&str, &str)], chats: &[(&str, &str)]) -> Event {
        let sync = wa::HistorySync {
            pushnames: pushnames
                .iter()
                .map(|(id, name)| wa::Pushname {
                    id: Some((*id).into()),
                    pushname: Some((*name).into()),
                })
                .collect(),
            conversations: chats
                .iter()
                .map(|(id, name)| wa::Conversation {
                    id: (*id).into(),
                    name: Some((*name).into()),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        };
        let mut raw = Vec::new();
        whatsapp_rust::waproto::codec::history_sync_encode_into(&sync, &mut raw);
        let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut zlib, &raw).unwrap();
        let compressed = zlib.finish().unwrap();
        Event::HistorySync(Box::new(LazyHistorySync::new(
            Bytes::from(compressed),
            raw.len(),
            0,
            Some(1),
            Some(100),
        )))
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn contacts_come_from_the_address_book_push_names_and_history() {
        let (db, store) = setup().await;
        // The LID of one contact is known from an earlier mapping.
        store
            .put_lid_mapping(&whatsapp_rust::wacore::store::traits::LidPnMappingEntry {
                lid: "100000000000009".into(),
                phone_number: "905559998877".into(),
                created_at: 1,
                updated_at: 1,
                learning_source: "usync".into(),
            })
            .await
            .unwrap();

        let touched = record(
            &db,
            &store,
            "ch1",
            &contact_update("905551112233@s.whatsapp.net", "Ayşe Yılmaz", "Ayşe", None),
        )
        .await
        .unwrap();
        assert_eq!(touched, 1);
        // A LID-addressed contact with its number in the action, and one known by mapping.
        record(
            &db,
            &store,
            "ch1",
            &contact_update(
                "100000000000001@lid",
                "Mehmet Öz",
                "Mehmet",
                Some("905550000001@s.whatsapp.net"),
            ),
        )
        .await
        .unwrap();
        record(
            &db,
            &store,
            "ch1",
            &contact_update(
                "100000000000009@lid",
                "Can\u{7} \u{202e}Demir\u{200b}",
                "Can",
                None,
            ),
        )
        .await
        .unwrap();
        // A LID nobody mapped, and a group: not contacts.
        assert_eq!(
            record(
                &db,
                &store,
                "ch1",
                &contact_update("100000000000777@lid", "Bilinmeyen", "B", None)
            )
            .await
            .unwrap(),
            0
        );
        assert_eq!(
            record(
                &db,
                &store,
                "ch1",
                &contact_update("120363000000000001@g.us", "Grup", "G", None)
            )
            .await
            .unwrap(),
            0
        );

        let message = whatsapp_rust::types::message::MessageInfo::default();
        let push = Event::PushNameUpdate(
            PushNameUpdate::builder()
                .jid("905551112233:3@s.whatsapp.net".parse().unwrap())
                .message(Box::new(message))
                .old_push_name(String::new())
                .new_push_name("Ayşe Y.".into())
                .build(),
        );
        record(&db, &store, "ch1", &push).await.unwrap();

        let synced = history(
            &[
                ("905557776655@s.whatsapp.net", "Zeynep"),
                ("120363000000000001@g.us", "Grup"),
            ],
            &[
                ("905557776655@s.whatsapp.net", "Zeynep Kaya"),
                ("905551112233@s.whatsapp.net", ""),
            ],
        );
        assert_eq!(record(&db, &store, "ch1", &synced).await.unwrap(), 3);

        let all = list(&db, "ch1", None, None, 100).await.unwrap();
        let want =
            |number: &str, name: Option<&str>, first: Option<&str>, push: Option<&str>| WaContact {
                number: number.into(),
                name: name.map(Into::into),
                first_name: first.map(Into::into),
                push_name: push.map(Into::into),
            };
        assert_eq!(
            all,
            vec![
                want("+905550000001", Some("Mehmet Öz"), Some("Mehmet"), None),
                // The push name joined the address-book name; the chat without a name changed nothing.
                want(
                    "+905551112233",
                    Some("Ayşe Yılmaz"),
                    Some("Ayşe"),
                    Some("Ayşe Y.")
                ),
                want("+905557776655", Some("Zeynep Kaya"), None, Some("Zeynep")),
                // Control, direction and zero-width characters are dropped from names.
                want("+905559998877", Some("Can Demir"), Some("Can"), None),
            ]
        );

        // Search by name (any case, Turkish letters folded as for contacts) or number; pages by
        // number.
        let found = list(&db, "ch1", Some("ZEYNEP"), None, 100).await.unwrap();
        assert_eq!(found.len(), 1);
        for folded in ["ayse yilmaz", "AYŞE YILMAZ", "yılmaz", "mehmet oz"] {
            assert_eq!(
                list(&db, "ch1", Some(folded), None, 100)
                    .await
                    .unwrap()
                    .len(),
                1,
                "{folded}"
            );
        }
        assert_eq!(
            list(&db, "ch1", Some("+90 555 999"), None, 100)
                .await
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            list(&db, "ch1", Some("ayşe y."), None, 100)
                .await
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            list(&db, "ch1", Some("5550000"), None, 100)
                .await
                .unwrap()
                .len(),
            1
        );
        let first_page = list(&db, "ch1", None, None, 2).await.unwrap();
        assert_eq!(first_page.len(), 2);
        let second_page = list(&db, "ch1", None, Some("905551112233"), 2)
            .await
            .unwrap();
        assert_eq!(second_page[0].number, "+905557776655");
        // Another channel sees none of them; the channel's removal takes them.
        assert!(list(&db, "ch2", None, None, 100).await.unwrap().is_empty());
        crate::channels::purge_data(&db, "ch1").await.unwrap();
        assert!(list(&db, "ch1", None, None, 100).await.unwrap().is_empty());
    }
}
