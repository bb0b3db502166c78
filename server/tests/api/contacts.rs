use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Caller, TestApp, urlencode};

async fn owner_with_workspace(app: &TestApp) -> (Caller, String) {
    let (owner, _) = app.signed_up("contacts-owner@example.com").await;
    let ws = owner.first_workspace().await;
    (owner, ws)
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_turkish_national_number_is_stored_in_e164_and_read_back() {
    let app = TestApp::spawn().await;
    let (owner, ws) = owner_with_workspace(&app).await;
    let contacts = format!("/api/v1/workspaces/{ws}/contacts");
    let (status, created) = owner
        .post(&contacts, json!({
            "phone": "0532 123 45 67", "first_name": "Ayşe", "last_name": "Yılmaz", "gender": "female",
            "language": "tr", "email": "Ayse@Example.com", "tags": ["VIP", "vıp", "İzmir"],
            "custom_fields": {"şehir": "İzmir", "siparişler": 7, "son_sipariş": "2026-11-02"}
        }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["phone"], "+905321234567");
    assert_eq!(created["id"], "905321234567");
    assert_eq!(created["email"], "ayse@example.com");
    assert_eq!(created["tags"], json!(["İzmir", "VIP"]));
    assert_eq!(created["custom_fields"]["siparişler"], 7);
    assert_eq!(created["opted_out"], false);
    let (status, fetched) = owner.get(&format!("{contacts}/905321234567")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fetched, created);
}

/// Lists read contacts field by field from the store's lists (not through JSON, as a single read
/// does): every field, each with a value of its own, reads the same both ways, and a filtered list
/// (contacts fetched by id) too.
#[tokio::test(flavor = "multi_thread")]
async fn a_listed_contact_reads_the_same_as_the_contact_alone() {
    let app = TestApp::spawn().await;
    let (owner, ws) = owner_with_workspace(&app).await;
    let contacts = format!("/api/v1/workspaces/{ws}/contacts");
    let (status, created) = owner
        .post(
            &contacts,
            json!({
                "phone": "0532 765 43 21", "first_name": "Gülşen", "last_name": "Işık",
                "gender": "female", "honorific": "Dr.", "language": "tr", "email": "g@example.com",
                "tags": ["vip", "müşteri"], "custom_fields": {"şehir": "İzmir", "adet": 7, "aktif": true, "oran": 2.5},
                "opted_out": true, "opt_out_reason": "İPTAL", "notes": "not"
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (_, alone) = owner.get(&format!("{contacts}/905327654321")).await;
    assert!(alone["opted_out_at"].is_string(), "{alone}");
    for query in ["", "?tag=vip", "?search=isik", "?opted_out=true"] {
        let (status, page) = owner.get(&format!("{contacts}{query}")).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page["items"], json!([alone.clone()]), "{query}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invalid_phone_is_a_400_naming_phone_and_a_duplicate_a_409() {
    let app = TestApp::spawn().await;
    let (owner, ws) = owner_with_workspace(&app).await;
    let contacts = format!("/api/v1/workspaces/{ws}/contacts");
    for phone in ["12", "0532 123", "hello", ""] {
        let (status, body) = owner.post(&contacts, json!({"phone": phone})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{phone}: {body}");
        assert_eq!(body["details"]["field"], "phone", "{phone}");
    }
    let (status, body) = owner
        .post(&contacts, json!({"first_name": "No phone"}))
        .await;
    assert_eq!(
        (status, body["details"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("phone"))
    );

    owner
        .post(&contacts, json!({"phone": "+905321234567"}))
        .await;
    let (status, body) = owner
        .post(&contacts, json!({"phone": "0 (532) 123 45 67"}))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("contact_exists"))
    );
    assert_eq!(body["details"]["id"], "905321234567");
}

#[tokio::test(flavor = "multi_thread")]
async fn other_fields_are_validated_by_name() {
    let app = TestApp::spawn().await;
    let (owner, ws) = owner_with_workspace(&app).await;
    let contacts = format!("/api/v1/workspaces/{ws}/contacts");
    for (body, field) in [
        (json!({"phone": "05321234567", "email": "nope"}), "email"),
        (
            json!({"phone": "05321234567", "language": "not a tag!"}),
            "language",
        ),
        (json!({"phone": "05321234567", "tags": [" "]}), "tags[0]"),
        (
            json!({"phone": "05321234567", "custom_fields": {"2bad": "x"}}),
            "custom_fields.2bad",
        ),
        (
            json!({"phone": "05321234567", "custom_fields": {"nested": {"a": 1}}}),
            "custom_fields.nested",
        ),
        (
            json!({"phone": "05321234567", "first_name": "x".repeat(500)}),
            "first_name",
        ),
    ] {
        let (status, response) = owner.post(&contacts, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{response}");
        assert_eq!(response["details"]["field"], field, "{response}");
    }
    let (status, body) = owner
        .post(
            &contacts,
            json!({"phone": "05321234567", "gender": "other"}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("validation_failed"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn updates_change_only_what_is_sent_and_a_new_phone_moves_the_contact() {
    let app = TestApp::spawn().await;
    let (owner, ws) = owner_with_workspace(&app).await;
    let contacts = format!("/api/v1/workspaces/{ws}/contacts");
    let (_, created) = owner
        .post(
            &contacts,
            json!({"phone": "05321234567", "first_name": "Mehmet", "tags": ["a"]}),
        )
        .await;
    owner.post(&contacts, json!({"phone": "05329999999"})).await;

    let (status, updated) = owner
        .patch(
            &format!("{contacts}/905321234567"),
            json!({"last_name": "Öztürk", "opted_out": true, "opt_out_reason": "İPTAL"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["first_name"], "Mehmet");
    assert_eq!(updated["last_name"], "Öztürk");
    assert_eq!(updated["opted_out"], true);
    assert!(updated["opted_out_at"].is_string());
    assert_eq!(updated["created_at"], created["created_at"]);

    let (status, body) = owner
        .patch(
            &format!("{contacts}/905321234567"),
            json!({"phone": "05329999999"}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("contact_exists"))
    );

    let (status, moved) = owner
        .patch(
            &format!("{contacts}/905321234567"),
            json!({"phone": "+90 533 000 00 01"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["id"], "905330000001");
    assert_eq!(moved["last_name"], "Öztürk");
    assert_eq!(moved["created_at"], created["created_at"]);
    assert_eq!(
        owner.get(&format!("{contacts}/905321234567")).await.0,
        StatusCode::NOT_FOUND
    );

    let (status, back) = owner
        .patch(
            &format!("{contacts}/905330000001"),
            json!({"opted_out": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        back["opted_out_at"].is_null() && back["opt_out_reason"].is_null(),
        "{back}"
    );
    assert_eq!(
        owner.delete(&format!("{contacts}/905330000001")).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        owner.delete(&format!("{contacts}/905330000001")).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_paginate_by_cursor_and_filter_with_turkish_case_folding() {
    let app = TestApp::spawn().await;
    let (owner, ws) = owner_with_workspace(&app).await;
    let contacts = format!("/api/v1/workspaces/{ws}/contacts");
    let people = [
        (
            "05320000001",
            "Işık",
            "Çağlar",
            vec!["vip"],
            json!({"şehir": "İstanbul"}),
            false,
        ),
        (
            "05320000002",
            "İlkay",
            "Şahin",
            vec!["VIP", "bayi"],
            json!({"şehir": "Ankara"}),
            false,
        ),
        (
            "05320000003",
            "ilker",
            "Güneş",
            vec![],
            json!({"şehir": "İstanbul"}),
            true,
        ),
        (
            "05320000004",
            "Isabel",
            "Smith",
            vec!["bayi"],
            json!({}),
            false,
        ),
    ];
    for (phone, first, last, tags, custom, opted_out) in people {
        let (status, body) = owner
            .post(&contacts, json!({"phone": phone, "first_name": first, "last_name": last, "tags": tags, "custom_fields": custom, "opted_out": opted_out}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (_, page1) = owner.get(&format!("{contacts}?limit=3")).await;
    assert_eq!(
        ids(&page1),
        vec!["905320000001", "905320000002", "905320000003"]
    );
    let cursor = page1["next_cursor"].as_str().unwrap();
    let (_, page2) = owner
        .get(&format!("{contacts}?limit=3&cursor={cursor}"))
        .await;
    assert_eq!(ids(&page2), vec!["905320000004"]);
    assert!(page2["next_cursor"].is_null());

    let search = |q: &str| format!("{contacts}?search={}", urlencode(q));
    assert_eq!(
        ids(&owner.get(&search("ISIK")).await.1),
        vec!["905320000001"]
    );
    assert_eq!(
        ids(&owner.get(&search("caglar")).await.1),
        vec!["905320000001"]
    );
    assert_eq!(
        ids(&owner.get(&search("İLK")).await.1),
        vec!["905320000002", "905320000003"]
    );
    assert_eq!(
        ids(&owner.get(&search("05320000004")).await.1),
        vec!["905320000004"],
        "national form"
    );
    assert_eq!(
        ids(&owner.get(&search("5320000004")).await.1),
        vec!["905320000004"]
    );
    assert_eq!(
        ids(&owner.get(&format!("{contacts}?tag=VIP")).await.1),
        vec!["905320000001", "905320000002"]
    );
    assert_eq!(
        ids(&owner.get(&format!("{contacts}?opted_out=true")).await.1),
        vec!["905320000003"]
    );
    let istanbul = format!(
        "{contacts}?custom.{}={}",
        urlencode("şehir"),
        urlencode("İstanbul")
    );
    assert_eq!(
        ids(&owner.get(&istanbul).await.1),
        vec!["905320000001", "905320000003"]
    );
    let both = format!("{istanbul}&opted_out=false");
    assert_eq!(ids(&owner.get(&both).await.1), vec!["905320000001"]);

    let (status, body) = owner.get(&format!("{contacts}?colour=red")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_query"))
    );
    let (status, _) = owner.get(&format!("{contacts}?opted_out=maybe")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_actions_work_on_a_filter_and_refuse_an_empty_one() {
    let app = TestApp::spawn().await;
    let (owner, ws) = owner_with_workspace(&app).await;
    let contacts = format!("/api/v1/workspaces/{ws}/contacts");
    for (i, tag) in ["a", "a", "b"].iter().enumerate() {
        owner
            .post(
                &contacts,
                json!({"phone": format!("0532000000{i}"), "tags": [tag]}),
            )
            .await;
    }
    let bulk = format!("{contacts}/bulk");
    let (status, body) = owner
        .post(&bulk, json!({"action": "delete", "filter": {}}))
        .await;
    assert_eq!(
        (status, body["details"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("filter"))
    );

    let (_, result) = owner
        .post(
            &bulk,
            json!({"action": "tag", "tags": ["Kasım"], "filter": {"tag": "a"}}),
        )
        .await;
    assert_eq!(result["affected"], 2);
    let (_, again) = owner
        .post(
            &bulk,
            json!({"action": "tag", "tags": ["KASIM"], "filter": {"tag": "a"}}),
        )
        .await;
    assert_eq!(again["affected"], 0, "same tag by search key");
    assert_eq!(
        ids(&owner.get(&format!("{contacts}?tag=kasim")).await.1).len(),
        2
    );

    let (_, result) = owner
        .post(
            &bulk,
            json!({"action": "untag", "tags": ["kasım"], "filter": {"all": true}}),
        )
        .await;
    assert_eq!(result["affected"], 2);
    let (_, result) = owner
        .post(&bulk, json!({"action": "delete", "filter": {"tag": "a"}}))
        .await;
    assert_eq!(result["affected"], 2);
    let (_, rest) = owner.get(&contacts).await;
    assert_eq!(ids(&rest), vec!["905320000002"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn csv_export_has_a_column_per_custom_field_and_defuses_formulas() {
    let app = TestApp::spawn().await;
    let (owner, ws) = owner_with_workspace(&app).await;
    let contacts = format!("/api/v1/workspaces/{ws}/contacts");
    owner
        .post(&contacts, json!({"phone": "05321234567", "first_name": "=HYPERLINK(\"x\")", "last_name": "Doğan", "tags": ["a", "b"], "custom_fields": {"şehir": "Van"}}))
        .await;
    owner
        .post(
            &contacts,
            json!({"phone": "05321234568", "first_name": "Can", "custom_fields": {"puan": 4.5}}),
        )
        .await;
    let response = owner
        .request(reqwest::Method::GET, &format!("{contacts}/export.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = response.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "phone,first_name,last_name,gender,honorific,language,email,tags,opted_out,opted_out_at,opt_out_reason,notes,puan,şehir"
    );
    assert!(
        lines[1].starts_with("+905321234567,\"'=HYPERLINK(\"\"x\"\")\",Doğan,"),
        "{}",
        lines[1]
    );
    assert!(lines[1].ends_with(",a;b,false,,,,,Van"), "{}", lines[1]);
    assert!(lines[2].ends_with(",4.5,"), "{}", lines[2]);
    assert_eq!(lines.len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn contacts_are_workspace_scoped_and_role_checked() {
    let app = TestApp::spawn().await;
    let (owner, ws) = owner_with_workspace(&app).await;
    let contacts = format!("/api/v1/workspaces/{ws}/contacts");
    owner.post(&contacts, json!({"phone": "05321234567"})).await;

    let (other, _) = app.signed_up("other@example.com").await;
    let (_, created) = other
        .post("/api/v1/workspaces", json!({"name": "Other"}))
        .await;
    let other_ws = created["id"].as_str().unwrap();
    let (status, _) = other
        .get(&format!(
            "/api/v1/workspaces/{other_ws}/contacts/905321234567"
        ))
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another workspace's contact id is 404"
    );
    assert_eq!(
        other.get(&format!("{contacts}/905321234567")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(other.get(&contacts).await.0, StatusCode::NOT_FOUND);

    let viewer = app.bearer(&owner.token(&ws, Some("viewer")).await);
    assert_eq!(viewer.get(&contacts).await.0, StatusCode::OK);
    assert_eq!(
        viewer
            .post(&contacts, json!({"phone": "05321234568"}))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        viewer.delete(&format!("{contacts}/905321234567")).await.0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_workspace_region_decides_how_national_numbers_are_read() {
    let app = TestApp::spawn().await;
    let (owner, ws) = owner_with_workspace(&app).await;
    let (status, body) = owner
        .patch(
            &format!("/api/v1/workspaces/{ws}"),
            json!({"default_region": "xx"}),
        )
        .await;
    assert_eq!(
        (status, body["details"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("default_region"))
    );
    let (status, body) = owner
        .patch(
            &format!("/api/v1/workspaces/{ws}"),
            json!({"default_region": "de"}),
        )
        .await;
    assert_eq!(
        (status, body["default_region"].as_str()),
        (StatusCode::OK, Some("DE"))
    );
    let (status, created) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/contacts"),
            json!({"phone": "030 123456"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["phone"], "+4930123456");
}

/// Search reads the contact index: words by prefix (Turkish letters folded), numbers by the prefix
/// of any form people type, tags and custom fields exactly; pages go on by cursor without repeats,
/// and every kind of write (update, move, bulk, opt-out, delete) is reflected at once.
#[tokio::test(flavor = "multi_thread")]
async fn search_finds_word_and_number_prefixes_and_follows_every_write() {
    let app = TestApp::spawn().await;
    let (owner, ws) = owner_with_workspace(&app).await;
    let contacts = format!("/api/v1/workspaces/{ws}/contacts");
    for (phone, first, last, email, tags, custom) in [
        (
            "05321110001",
            "Ayşe Nur",
            "Yılmaz",
            Some("ayse.nur@example.com"),
            vec![],
            json!({}),
        ),
        ("05321110002", "Ayşegül", "Aydın", None, vec![], json!({})),
        // Two words starting with "ayş": listed once.
        ("05321110003", "Ayşen", "Aysel", None, vec![], json!({})),
        (
            "05421110004",
            "Mehmet",
            "Öztürk",
            None,
            vec!["VIP"],
            json!({"şehir": "İzmir", "adet": 7}),
        ),
    ] {
        let (status, body) = owner
            .post(&contacts, json!({"phone": phone, "first_name": first, "last_name": last, "email": email, "tags": tags, "custom_fields": custom}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let find = |q: String| {
        let owner = &owner;
        async move { ids(&owner.get(&q).await.1) }
    };
    let search = |q: &str| format!("{contacts}?search={}", urlencode(q));
    let (a1, a2, a3, m4) = (
        "905321110001",
        "905321110002",
        "905321110003",
        "905421110004",
    );
    assert_eq!(find(search("ayş")).await, vec![a1, a2, a3]);
    assert_eq!(find(search("AYS")).await, vec![a1, a2, a3], "folded");
    assert_eq!(find(search("ayşe")).await, vec![a1, a2, a3]);
    assert_eq!(find(search("aysel")).await, vec![a3]);
    assert_eq!(find(search("ayşe yıl")).await, vec![a1], "every word");
    assert_eq!(find(search("nur@examp")).await, vec![a1], "e-mail words");
    assert_eq!(find(search("0532 111")).await, vec![a1, a2, a3], "national");
    assert_eq!(find(search("+90 542")).await, vec![m4], "international");
    assert_eq!(
        find(search("542 111")).await,
        vec![m4],
        "without the trunk 0"
    );
    assert_eq!(
        find(search("nur 0532")).await,
        vec![a1],
        "a word and a number"
    );
    assert!(find(search("nur 0542")).await.is_empty());
    assert!(find(search("zzzz")).await.is_empty());
    assert!(
        find(search("ılmaz")).await.is_empty(),
        "prefixes, not inner parts"
    );
    assert_eq!(
        find(format!("{contacts}?tag=vip&search=meh")).await,
        vec![m4]
    );
    assert!(
        find(format!("{contacts}?tag=vip&search=ayş"))
            .await
            .is_empty()
    );
    let izmir = format!(
        "{contacts}?custom.{}={}",
        urlencode("şehir"),
        urlencode("İzmir")
    );
    assert_eq!(find(izmir.clone()).await, vec![m4]);
    assert_eq!(find(format!("{contacts}?custom.adet=7")).await, vec![m4]);

    // One at a time, by cursor: every match once.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let (status, page) = owner
            .get(&format!("{}&limit=1&cursor={cursor}", search("ayş")))
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        seen.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen, vec![a1, a2, a3]);
    let (status, body) = owner.get(&format!("{contacts}?cursor=nonsense")).await;
    assert_eq!(
        (status, body["details"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("cursor"))
    );

    // Writes: a rename, a move to a new number, a bulk untag, an opt-out, a delete.
    owner
        .patch(&format!("{contacts}/{m4}"), json!({"first_name": "Ahmet"}))
        .await;
    assert!(find(search("meh")).await.is_empty());
    assert_eq!(find(search("ahm")).await, vec![m4]);
    let (status, moved) = owner
        .patch(&format!("{contacts}/{m4}"), json!({"phone": "05421119999"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(find(search("ahm")).await, vec!["905421119999"]);
    assert_eq!(
        find(format!("{contacts}?tag=VIP")).await,
        vec!["905421119999"]
    );
    assert_eq!(find(izmir.clone()).await, vec!["905421119999"]);
    let (_, untagged) = owner
        .post(
            &format!("{contacts}/bulk"),
            json!({"action": "untag", "tags": ["vip"], "filter": {"tag": "vip"}}),
        )
        .await;
    assert_eq!(untagged["affected"], 1);
    assert!(find(format!("{contacts}?tag=vip")).await.is_empty());
    owner
        .patch(&format!("{contacts}/{a2}"), json!({"opted_out": true}))
        .await;
    assert_eq!(find(format!("{contacts}?opted_out=true")).await, vec![a2]);
    assert_eq!(
        find(format!("{}&opted_out=false", search("ayş"))).await,
        vec![a1, a3]
    );
    owner.delete(&format!("{contacts}/905421119999")).await;
    assert!(find(search("ahm")).await.is_empty());
    assert!(find(izmir).await.is_empty());
}

/// Counts take the list's filters and say when they are exact.
#[tokio::test(flavor = "multi_thread")]
async fn counts_take_the_filters_and_say_whether_they_are_exact() {
    let app = TestApp::spawn().await;
    let (owner, ws) = owner_with_workspace(&app).await;
    let contacts = format!("/api/v1/workspaces/{ws}/contacts");
    for (i, (first, tags, opted_out, city)) in [
        ("Ayşe", vec!["vip"], false, "İzmir"),
        ("Aysel Ayşen", vec!["vip"], true, "İzmir"),
        ("Mehmet", vec![], false, "İzmir"),
    ]
    .into_iter()
    .enumerate()
    {
        let (status, body) = owner
            .post(&contacts, json!({"phone": format!("0532111000{i}"), "first_name": first, "tags": tags, "opted_out": opted_out, "custom_fields": {"şehir": city}}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let count = |q: &str| {
        let url = format!("{contacts}/count?{q}");
        let owner = &owner;
        async move {
            let (status, body) = owner.get(&url).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            (
                body["count"].as_u64().unwrap(),
                body["exact"].as_bool().unwrap(),
            )
        }
    };
    assert_eq!(count("").await, (3, true));
    assert_eq!(count("tag=VIP").await, (2, true));
    assert_eq!(count("opted_out=true").await, (1, true));
    assert_eq!(count("opted_out=false").await, (2, true));
    assert_eq!(
        count(&format!("search={}", urlencode("0532 111"))).await,
        (3, true)
    );
    // "Aysel Ayşen" has two words beginning with "ays": an estimate.
    assert_eq!(count("search=ays").await, (3, false));
    assert_eq!(count("search=ays&tag=vip&opted_out=false").await, (1, true));
    // Criteria that are all index terms are counted by intersecting them.
    let izmir = format!("custom.{}={}", urlencode("şehir"), urlencode("İzmir"));
    assert_eq!(count(&izmir).await, (3, true));
    assert_eq!(count(&format!("{izmir}&tag=vip")).await, (2, true));
    assert_eq!(
        count(&format!("{izmir}&tag=vip&opted_out=true")).await,
        (1, true)
    );
    assert_eq!(
        count(&format!("{izmir}&tag=vip&opted_out=false")).await,
        (1, true)
    );
    assert_eq!(count(&format!("{izmir}&opted_out=false")).await, (2, true));
    assert_eq!(count("tag=vip&custom.x=1").await, (0, true));
    owner
        .patch(
            &format!("{contacts}/905321110000"),
            json!({"custom_fields": {"şehir": "Ankara"}}),
        )
        .await;
    assert_eq!(count(&format!("{izmir}&tag=vip")).await, (1, true));
    let (status, _) = owner.get(&format!("{contacts}/count?colour=red")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// A search with nothing to look for, an oversized one, and a cursor from another filter are 400s
/// naming the field, never "every contact".
#[tokio::test(flavor = "multi_thread")]
async fn searches_without_a_letter_or_digit_and_foreign_cursors_are_refused() {
    let app = TestApp::spawn().await;
    let (owner, ws) = owner_with_workspace(&app).await;
    let contacts = format!("/api/v1/workspaces/{ws}/contacts");
    for i in 0..3 {
        owner
            .post(
                &contacts,
                json!({"phone": format!("0532111000{i}"), "first_name": "Ayşe", "tags": ["vip"]}),
            )
            .await;
    }
    for search in ["-", "!!!", "00", "+", "🙂", "a b c d e f g h i"] {
        let (status, body) = owner
            .get(&format!("{contacts}?search={}", urlencode(search)))
            .await;
        assert_eq!(
            (status, body["details"]["field"].as_str()),
            (StatusCode::BAD_REQUEST, Some("search")),
            "{search}: {body}"
        );
    }
    let (status, body) = owner
        .post(
            &format!("{contacts}/bulk"),
            json!({"action": "delete", "filter": {"search": "-"}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (_, all) = owner.get(&format!("{contacts}/count")).await;
    assert_eq!(all["count"], 3, "nothing deleted");
    // The export streams: a refused filter is answered before its first byte, not by a cut.
    let (status, body) = owner
        .get(&format!("{contacts}/export.csv?search={}", urlencode(":")))
        .await;
    assert_eq!(
        (status, body["details"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("search")),
        "{body}"
    );
    let long = "a".repeat(201);
    let (status, _) = owner.get(&format!("{contacts}?search={long}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // A cursor of a tag list does not go on a word search.
    let (_, page) = owner.get(&format!("{contacts}?tag=vip&limit=1")).await;
    let cursor = page["next_cursor"].as_str().unwrap();
    let (status, body) = owner
        .get(&format!("{contacts}?search=ayse&limit=1&cursor={cursor}"))
        .await;
    assert_eq!(
        (status, body["details"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("cursor")),
        "{body}"
    );
    let (status, _) = owner
        .get(&format!("{contacts}?tag=vip&limit=1&cursor={cursor}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = owner
        .get(&format!("{contacts}?cursor={}", "ab".repeat(1500)))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
