//! Contact imports through the bundled importer plugins, with the fixtures in `plugins/fixtures`
//! (their README lists what each file holds).

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Caller, urlencode};
use crate::plugins::{app_with_plugins, repo_path};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(repo_path(&format!("plugins/fixtures/{name}"))).unwrap()
}

async fn start(
    caller: &Caller,
    ws: &str,
    file_name: &str,
    bytes: Vec<u8>,
    extra: &[(&str, String)],
) -> (StatusCode, Value) {
    let mut form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()),
    );
    for (name, value) in extra {
        form = form.text(name.to_string(), value.clone());
    }
    caller
        .send(
            caller
                .request(
                    reqwest::Method::POST,
                    &format!("/api/v1/workspaces/{ws}/contacts/imports"),
                )
                .multipart(form),
        )
        .await
}

/// Follows the job's event stream to its end and returns the last state it carried.
async fn follow(caller: &Caller, ws: &str, id: &str) -> Value {
    let response = caller
        .request(
            reqwest::Method::GET,
            &format!("/api/v1/workspaces/{ws}/contacts/imports/{id}/events"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let text = response.text().await.unwrap();
    let last = text
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("data: "))
        .expect("at least one event");
    let job: Value = serde_json::from_str(last).unwrap();
    let (status, stored) = caller
        .get(&format!("/api/v1/workspaces/{ws}/contacts/imports/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stored["status"], job["status"]);
    assert_eq!(stored["counts"], job["counts"]);
    job
}

async fn import(caller: &Caller, ws: &str, file_name: &str, extra: &[(&str, String)]) -> Value {
    let (status, job) = start(caller, ws, file_name, fixture(file_name), extra).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    assert_eq!(job["status"], "queued");
    follow(caller, ws, job["id"].as_str().unwrap()).await
}

async fn contact(caller: &Caller, ws: &str, phone_digits: &str) -> Value {
    let (status, body) = caller
        .get(&format!("/api/v1/workspaces/{ws}/contacts/{phone_digits}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{phone_digits}: {body}");
    body
}

fn counts(job: &Value) -> [u64; 5] {
    let c = &job["counts"];
    ["read", "created", "updated", "skipped", "failed"].map(|k| c[k].as_u64().unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_csv_with_turkish_characters_imports_with_bad_rows_reported() {
    let app = app_with_plugins(|_| {}).await;
    let (owner, _) = app.signed_up("owner@example.com").await;
    let ws = owner.first_workspace().await;

    // No importer named: the extension picks csv-importer.
    let job = import(&owner, &ws, "contacts.csv", &[]).await;
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["importer"], "csv-importer");
    // 6 records: 3 new, row 7 repeats row 2's phone, rows 5 and 6 are bad.
    assert_eq!(counts(&job), [6, 3, 0, 1, 2], "{job}");
    let errors: Vec<(u64, String)> = job["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|(row, m)| *row == 5 && m.contains("`12`")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|(row, m)| *row == 6 && m.contains("no phone")),
        "{errors:?}"
    );

    let ayse = contact(&owner, &ws, "905321234567").await;
    assert_eq!(ayse["first_name"], "Ayşe");
    assert_eq!(ayse["last_name"], "Yılmaz");
    assert_eq!(ayse["email"], "ayse.yilmaz@example.com");
    assert_eq!(ayse["custom_fields"]["şehir"], "İstanbul");
    // Row 7 (same phone) adds its tag to row 2's contact.
    assert_eq!(ayse["tags"], json!(["müşteri", "vip", "yeni"]));
    let caglar = contact(&owner, &ws, "905337654321").await;
    assert_eq!(caglar["first_name"], "Çağlar");
    assert_eq!(caglar["tags"], json!(["bayi"]));
    let ilkay = contact(&owner, &ws, "905449876543").await;
    assert_eq!(ilkay["custom_fields"]["şehir"], "Ankara");

    // Imported contacts are searchable like any other, and their custom field is a template variable.
    let (_, found) = owner
        .get(&format!(
            "/api/v1/workspaces/{ws}/contacts?search={}",
            urlencode("caglar")
        ))
        .await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    let (status, body) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/templates/render"),
            json!({ "body": "%ad%, %şehir%", "contact_id": "905337654321" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["text"], "Çağlar, İzmir");

    // The error report lists every bad row.
    let response = owner
        .request(
            reqwest::Method::GET,
            &format!(
                "/api/v1/workspaces/{ws}/contacts/imports/{}/errors.csv",
                job["id"].as_str().unwrap()
            ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let report = response.text().await.unwrap();
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines[0], "row,message");
    assert_eq!(lines.len(), 3, "{report}");

    // The same data in Windows-1254 with commas: detected, and now every phone exists already.
    let job = import(&owner, &ws, "contacts-1254.csv", &[]).await;
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(counts(&job), [6, 0, 3, 1, 2], "{job}");
    let caglar = contact(&owner, &ws, "905337654321").await;
    assert_eq!(caglar["first_name"], "Çağlar");
    assert_eq!(caglar["custom_fields"]["şehir"], "İzmir");

    let (status, list) = owner
        .get(&format!("/api/v1/workspaces/{ws}/contacts/imports"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 2);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn vcard_and_xlsx_files_import_through_their_plugins() {
    let app = app_with_plugins(|_| {}).await;
    let (owner, _) = app.signed_up("owner@example.com").await;
    let ws = owner.first_workspace().await;

    let job = import(&owner, &ws, "contacts.vcf", &[]).await;
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["importer"], "vcard-importer");
    assert_eq!(counts(&job), [7, 6, 0, 0, 1], "{job}");
    let ilkay = contact(&owner, &ws, "905449876543").await;
    assert_eq!(ilkay["first_name"], "İlkay");
    assert_eq!(ilkay["last_name"], "Şahin");
    assert_eq!(ilkay["email"], "ilkay.sahin@example.com");
    assert_eq!(ilkay["tags"], json!(["müşteri", "vip"]));
    assert_eq!(ilkay["custom_fields"]["company"], "Şahin Gıda, Ltd.");
    // The card's NOTE is the contact's notes, not a custom field.
    assert_eq!(
        ilkay["notes"],
        "Toplantı notu: Salı günü arayın, öğleden sonra."
    );
    assert_eq!(job["columns"]["notes"], "notes", "{job}");
    let caglar_work = contact(&owner, &ws, "902125556677").await;
    assert_eq!(caglar_work["first_name"], "Çağlar");
    assert_eq!(
        contact(&owner, &ws, "905351112233").await["last_name"],
        "Ünal"
    );

    // XLSX, naming the importer and adding a tag to every contact.
    let job = import(
        &owner,
        &ws,
        "contacts.xlsx",
        &[
            ("importer", "xlsx-importer".into()),
            ("options", json!({ "tags": ["excel"] }).to_string()),
        ],
    )
    .await;
    assert_eq!(job["status"], "done", "{job}");
    // Ayşe (905321112233) is new; Çağlar, İlkay and Gülşen's number (now Mehmet Ali's) exist.
    assert_eq!(counts(&job), [5, 1, 3, 0, 1], "{job}");
    let ayse = contact(&owner, &ws, "905321112233").await;
    assert_eq!(ayse["first_name"], "Ayşe");
    assert_eq!(ayse["custom_fields"]["doğum_tarihi"], "1990-05-12");
    assert_eq!(ayse["tags"], json!(["excel", "müşteri", "vip"]));
    let mehmet = contact(&owner, &ws, "905351112233").await;
    assert_eq!(mehmet["first_name"], "Mehmet Ali");
    assert_eq!(mehmet["custom_fields"]["şehir"], "Antalya");

    // A sheet that does not exist fails the job, naming the plugin; nothing else breaks.
    let job = import(
        &owner,
        &ws,
        "contacts.xlsx",
        &[("options", json!({ "sheet": "Yok" }).to_string())],
    )
    .await;
    assert_eq!(job["status"], "failed", "{job}");
    let failure = job["failure"].as_str().unwrap();
    assert!(
        failure.contains("xlsx-importer") && failure.contains("Yok"),
        "{failure}"
    );
    // Not a spreadsheet at all.
    let (status, job) = start(&owner, &ws, "contacts.xlsx", fixture("contacts.csv"), &[]).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let job = follow(&owner, &ws, job["id"].as_str().unwrap()).await;
    assert_eq!(job["status"], "failed", "{job}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dry_run_counts_without_writing_and_bad_requests_are_refused() {
    let app = app_with_plugins(|_| {}).await;
    let (owner, _) = app.signed_up("owner@example.com").await;
    let ws = owner.first_workspace().await;

    let job = import(&owner, &ws, "contacts.csv", &[("dry_run", "true".into())]).await;
    assert_eq!(job["dry_run"], true);
    assert_eq!(counts(&job), [6, 3, 0, 1, 2], "{job}");
    let (_, list) = owner
        .get(&format!("/api/v1/workspaces/{ws}/contacts"))
        .await;
    assert_eq!(list["items"], json!([]));

    // With update_existing off, known phones are left alone.
    import(&owner, &ws, "contacts.csv", &[]).await;
    let job = import(
        &owner,
        &ws,
        "contacts-1254.csv",
        &[("options", json!({ "update_existing": false }).to_string())],
    )
    .await;
    assert_eq!(counts(&job), [6, 0, 0, 4, 2], "{job}");

    let path = format!("/api/v1/workspaces/{ws}/contacts/imports");
    for (extra, code) in [
        (vec![("importer", "nope".to_owned())], "no_such_plugin"),
        (
            vec![("importer", "greeting".to_owned())],
            "wrong_plugin_kind",
        ),
        (vec![("options", "[1]".to_owned())], "validation_failed"),
        (vec![("dry_run", "maybe".to_owned())], "validation_failed"),
        (
            vec![(
                "options",
                json!({ "default_region": "Türkiye" }).to_string(),
            )],
            "validation_failed",
        ),
    ] {
        let (status, body) =
            start(&owner, &ws, "contacts.csv", fixture("contacts.csv"), &extra).await;
        assert!(status.is_client_error(), "{extra:?}: {status} {body}");
        assert_eq!(body["code"], code, "{extra:?}: {body}");
    }
    let (status, body) = start(&owner, &ws, "notes.txt.exe", b"x".to_vec(), &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["details"]["field"], "importer");
    let (status, body) = start(&owner, &ws, "empty.csv", Vec::new(), &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = owner.post(&path, json!({})).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // Roles and workspaces.
    let viewer = app.bearer(&owner.token(&ws, Some("viewer")).await);
    let (status, _) = start(&viewer, &ws, "contacts.csv", fixture("contacts.csv"), &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, jobs) = viewer.get(&path).await;
    assert_eq!(status, StatusCode::OK);
    let id = jobs[0]["id"].as_str().unwrap().to_owned();
    let (stranger, _) = app.signed_up("stranger@example.com").await;
    let (status, _) = stranger.get(&format!("{path}/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, theirs) = stranger
        .post("/api/v1/workspaces", json!({ "name": "Başka" }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{theirs}");
    let their_ws = theirs["id"].as_str().unwrap().to_owned();
    let (status, _) = stranger
        .get(&format!(
            "/api/v1/workspaces/{their_ws}/contacts/imports/{id}"
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = stranger
        .get(&format!(
            "/api/v1/workspaces/{their_ws}/contacts/imports/{id}/errors.csv"
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    app.stop().await;
}

/// What `%sayın%` says for a contact.
async fn salutation(caller: &Caller, ws: &str, template: &str, contact: &str) -> String {
    let (status, preview) = caller
        .post(
            &format!("/api/v1/workspaces/{ws}/templates/{template}/preview"),
            json!({ "contact_id": contact }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    preview["text"].as_str().unwrap().to_owned()
}

async fn sayin_template(caller: &Caller, ws: &str) -> String {
    let (status, template) = caller
        .post(
            &format!("/api/v1/workspaces/{ws}/templates"),
            json!({ "name": "Hitap", "body": "%sayın%" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{template}");
    template["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn gender_and_honorific_columns_give_sayin_its_forms_from_csv_1254_and_xlsx() {
    let app = app_with_plugins(|_| {}).await;
    let (owner, _) = app.signed_up("owner@example.com").await;
    for file in [
        "salutations.csv",
        "salutations-1254.csv",
        "salutations.xlsx",
    ] {
        let (status, created) = owner
            .post("/api/v1/workspaces", json!({ "name": file }))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let ws = created["id"].as_str().unwrap().to_owned();
        let template = sayin_template(&owner, &ws).await;

        // The dry run shows what the columns became before anything is written.
        let dry = import(&owner, &ws, file, &[("dry_run", "true".into())]).await;
        assert_eq!(dry["status"], "done", "{file}: {dry}");
        assert_eq!(
            dry["columns"],
            json!({ "Cinsiyet": "gender", "Hitap": "honorific" }),
            "{file}"
        );
        assert_eq!(counts(&dry), [5, 4, 0, 0, 1], "{file}: {dry}");
        let (_, none) = owner
            .get(&format!("/api/v1/workspaces/{ws}/contacts"))
            .await;
        assert_eq!(none["items"], json!([]), "{file}: a dry run wrote contacts");

        let job = import(&owner, &ws, file, &[]).await;
        assert_eq!(job["status"], "done", "{file}: {job}");
        assert_eq!(counts(&job), [5, 4, 0, 0, 1], "{file}: {job}");
        let error = &job["errors"][0];
        assert_eq!(error["row"], 5, "{file}: {job}");
        let message = error["message"].as_str().unwrap();
        assert!(
            message.contains("`X`") && message.contains("Cinsiyet") && message.contains("E/K"),
            "{file}: {message}"
        );
        let report = owner
            .request(
                reqwest::Method::GET,
                &format!(
                    "/api/v1/workspaces/{ws}/contacts/imports/{}/errors.csv",
                    job["id"].as_str().unwrap()
                ),
            )
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(report.lines().nth(1).unwrap().starts_with("5,"), "{report}");

        let ayse = contact(&owner, &ws, "905321112233").await;
        assert_eq!(ayse["gender"], "female", "{file}: {ayse}");
        assert_eq!(ayse["honorific"], Value::Null, "{file}");
        assert!(ayse["custom_fields"].get("cinsiyet").is_none(), "{ayse}");
        let ali = contact(&owner, &ws, "905443334455").await;
        assert_eq!(
            (&ali["gender"], &ali["honorific"]),
            (&json!("male"), &json!("Dr."))
        );
        for (id, expected) in [
            ("905321112233", "Sayın Ayşe Hanım"),
            ("905332223344", "Sayın Mehmet Bey"),
            ("905443334455", "Sayın Dr. Ali Kaya"),
            ("905365556677", "Sayın İrem Hanım"),
        ] {
            assert_eq!(
                salutation(&owner, &ws, &template, id).await,
                expected,
                "{file}"
            );
        }
    }
}

/// Once a group finds its contacts there already, the next group is read before it is inserted
/// (a re-import): contacts new in such a group are still created and indexed, and the others are
/// merged, not written twice.
#[tokio::test(flavor = "multi_thread")]
async fn a_reimport_that_reads_first_still_creates_and_indexes_new_contacts() {
    let app = app_with_plugins(|s| {
        s.imports.batch_rows = 2;
        s.imports.parallel_writes = 1;
    })
    .await;
    let (owner, _) = app.signed_up("owner@example.com").await;
    let ws = owner.first_workspace().await;
    let file = |rows: &[(&str, &str, &str)]| {
        let mut text = String::from("Ad;Telefon;Etiketler\r\n");
        for (name, phone, tag) in rows {
            text.push_str(&format!("{name};{phone};{tag}\r\n"));
        }
        text.into_bytes()
    };
    let old: Vec<(String, String)> = (0..6)
        .map(|i| (format!("Eski{i}"), format!("0532 000 00 0{i}")))
        .collect();
    let first: Vec<(&str, &str, &str)> = old
        .iter()
        .map(|(n, p)| (n.as_str(), p.as_str(), "eski"))
        .collect();
    let (status, job) = start(&owner, &ws, "ilk.csv", file(&first), &[]).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let job = follow(&owner, &ws, job["id"].as_str().unwrap()).await;
    assert_eq!(counts(&job), [6, 6, 0, 0, 0], "{job}");
    // Groups of two: two of known contacts, then one known and one new (read first), then new.
    let mut second: Vec<(&str, &str, &str)> = old
        .iter()
        .take(5)
        .map(|(n, p)| (n.as_str(), p.as_str(), "yeni"))
        .collect();
    second.extend([
        ("Yeniay", "0533 000 00 01", "yeni"),
        ("Yeniay", "0533 000 00 02", "yeni"),
        (old[5].0.as_str(), old[5].1.as_str(), "yeni"),
        ("Yeniay", "0533 000 00 03", "yeni"),
        ("Yeniay", "0533 000 00 04", "yeni"),
    ]);
    let (status, job) = start(&owner, &ws, "ikinci.csv", file(&second), &[]).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let job = follow(&owner, &ws, job["id"].as_str().unwrap()).await;
    assert_eq!(counts(&job), [10, 4, 6, 0, 0], "{job}");
    let contacts = format!("/api/v1/workspaces/{ws}/contacts");
    let ids = |page: &Value| -> Vec<String> {
        let mut ids: Vec<String> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids
    };
    let (_, found) = owner.get(&format!("{contacts}?search=yeniay")).await;
    assert_eq!(
        ids(&found),
        [
            "905330000001",
            "905330000002",
            "905330000003",
            "905330000004"
        ]
    );
    // The known contacts kept their tag and gained the file's.
    let (_, both) = owner.get(&format!("{contacts}/count?tag=eski")).await;
    assert_eq!(both["count"], 6, "{both}");
    let (_, yeni) = owner.get(&format!("{contacts}/count?tag=yeni")).await;
    assert_eq!(yeni["count"], 10, "{yeni}");
    let (_, all) = owner.get(&format!("{contacts}/count")).await;
    assert_eq!(all["count"], 10, "{all}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reimport_fills_missing_fields_and_overwrites_only_when_told() {
    let app = app_with_plugins(|_| {}).await;
    let (owner, _) = app.signed_up("owner@example.com").await;
    let ws = owner.first_workspace().await;
    let template = sayin_template(&owner, &ws).await;
    let contacts = format!("/api/v1/workspaces/{ws}/contacts");
    // Set by hand: Ayşe's honorific; Zeynep without gender; Can opted out by replying İPTAL.
    for body in [
        json!({ "phone": "0532 111 22 33", "first_name": "Ayşe", "last_name": "Yılmaz",
                "honorific": "Prof. Dr." }),
        json!({ "phone": "0535 444 55 66", "first_name": "Zeynep", "last_name": "Arslan" }),
        json!({ "phone": "0537 666 77 88", "first_name": "Can", "opted_out": true,
                "opt_out_reason": "İPTAL yazdı" }),
    ] {
        let (status, created) = owner.post(&contacts, body).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
    }
    let file = "Ad Soyad;Telefon;Cinsiyet;Hitap;İzin;Dil\r\n\
                Ayşe Yılmaz;0532 111 22 33;Kadın;Av.;evet;Türkçe\r\n\
                Zeynep Arslan;0535 444 55 66;k;;Hayır;en\r\n\
                Can Öz;0537 666 77 88;E;;evet;\r\n"
        .as_bytes()
        .to_vec();
    let run = |extra: Vec<(&'static str, String)>| {
        let owner = &owner;
        let ws = &ws;
        let file = file.clone();
        async move {
            let (status, job) = start(owner, ws, "tekrar.csv", file, &extra).await;
            assert_eq!(status, StatusCode::ACCEPTED, "{job}");
            let job = follow(owner, ws, job["id"].as_str().unwrap()).await;
            assert_eq!(job["status"], "done", "{job}");
            job
        }
    };

    // Not told: the hand-set honorific and the opt-out stay; what was missing is filled.
    let job = run(Vec::new()).await;
    assert_eq!(counts(&job), [3, 0, 3, 0, 0], "{job}");
    assert_eq!(
        job["columns"],
        json!({ "Cinsiyet": "gender", "Hitap": "honorific", "İzin": "consent", "Dil": "language" })
    );
    let ayse = contact(&owner, &ws, "905321112233").await;
    assert_eq!(
        (&ayse["honorific"], &ayse["gender"], &ayse["language"]),
        (&json!("Prof. Dr."), &json!("female"), &json!("tr"))
    );
    assert_eq!(
        salutation(&owner, &ws, &template, "905321112233").await,
        "Sayın Prof. Dr. Ayşe Yılmaz"
    );
    let zeynep = contact(&owner, &ws, "905354445566").await;
    assert_eq!(zeynep["gender"], "female");
    // "İzin: Hayır" — no consent — is an opt-out.
    assert_eq!(zeynep["opted_out"], true, "{zeynep}");
    assert_eq!(
        salutation(&owner, &ws, &template, "905354445566").await,
        "Dear Ms Arslan"
    );
    let can = contact(&owner, &ws, "905376667788").await;
    assert_eq!(
        can["opted_out"], true,
        "a file's consent undid an opt-out: {can}"
    );
    assert_eq!(can["gender"], "male");

    // `true` is the default spelled out: the same again, nothing overwritten.
    let job = run(vec![(
        "options",
        json!({ "update_existing": true }).to_string(),
    )])
    .await;
    assert_eq!(counts(&job), [3, 0, 3, 0, 0], "{job}");
    assert_eq!(
        contact(&owner, &ws, "905321112233").await["honorific"],
        "Prof. Dr."
    );
    assert_eq!(
        contact(&owner, &ws, "905376667788").await["opted_out"],
        true
    );

    // Told to overwrite: the file's values replace, including the consent.
    let job = run(vec![(
        "options",
        json!({ "update_existing": "overwrite" }).to_string(),
    )])
    .await;
    assert_eq!(counts(&job), [3, 0, 3, 0, 0], "{job}");
    assert_eq!(
        contact(&owner, &ws, "905321112233").await["honorific"],
        "Av."
    );
    let can = contact(&owner, &ws, "905376667788").await;
    assert_eq!(
        (
            &can["opted_out"],
            &can["opted_out_at"],
            &can["opt_out_reason"]
        ),
        (&json!(false), &Value::Null, &Value::Null),
        "{can}"
    );
    assert_eq!(
        contact(&owner, &ws, "905354445566").await["opted_out"],
        true
    );

    // `false`: existing contacts are left alone.
    let job = run(vec![(
        "options",
        json!({ "update_existing": false, "mapping": { "Hitap": "custom.hitap" } }).to_string(),
    )])
    .await;
    assert_eq!(counts(&job), [3, 0, 0, 3, 0], "{job}");
    // The importer names the field after the dot; the host keeps it custom.
    assert_eq!(job["columns"]["hitap"], "custom.hitap", "{job}");
    let ayse = contact(&owner, &ws, "905321112233").await;
    assert_eq!(ayse["honorific"], "Av.");
    assert!(ayse["custom_fields"].get("hitap").is_none(), "{ayse}");
    assert_eq!(
        contact(&owner, &ws, "905376667788").await["opted_out"],
        false
    );

    // A phone twice in one file: the second row's opt-out and gender are not lost.
    let twice = "Ad Soyad;Telefon;Cinsiyet;İzin\r\n\
                 Deniz Ak;0538 111 00 00;;evet\r\n\
                 Deniz Ak;0538 111 00 00;E;hayır\r\n"
        .as_bytes()
        .to_vec();
    let (status, job) = start(&owner, &ws, "iki.csv", twice, &[]).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let job = follow(&owner, &ws, job["id"].as_str().unwrap()).await;
    assert_eq!(counts(&job), [2, 1, 0, 1, 0], "{job}");
    let deniz = contact(&owner, &ws, "905381110000").await;
    assert_eq!(
        (&deniz["gender"], &deniz["opted_out"]),
        (&json!("male"), &json!(true))
    );

    // Once more with nothing to change: counted as updated, nothing written. Every import above
    // left each contact indexed once, so counts are exact.
    let before = contact(&owner, &ws, "905354445566").await;
    let job = run(Vec::new()).await;
    assert_eq!(counts(&job), [3, 0, 3, 0, 0], "{job}");
    let after = contact(&owner, &ws, "905354445566").await;
    assert_eq!(before["updated_at"], after["updated_at"], "not rewritten");
    for (query, expected) in [("", 4), ("search=zeynep", 1), ("search=a", 3)] {
        let (status, counted) = owner.get(&format!("{contacts}/count?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{counted}");
        assert_eq!(counted["count"], expected, "{query}: {counted}");
    }
}
