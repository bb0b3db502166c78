//! Which contact field an importer's column goes to, when the importer hands it over as a custom
//! field: gender, honorific, language, e-mail, notes and opt-out, named by the `mapping` option or
//! guessed from the header (`Cinsiyet`, `Hitap`, `Unvan`, `Dil`, `Not`, `İzin`, `Gender`, `Title` …),
//! and how their values are read (`E`/`K`, `Erkek`/`Kadın`, `Bay`/`Bayan`, `evet`/`hayır` …).
//!
//! Importers report phone, names, e-mail and tags in fields of their own and everything else as
//! custom fields named by the column; this module is why a spreadsheet's `Cinsiyet` column makes
//! `%sayın%` say "Sayın Ayşe Hanım" with any importer, bundled or not.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::model::{ContactInput, Gender, search_key};

/// A contact field a column may fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContactColumn {
    Email,
    Gender,
    Honorific,
    Language,
    Notes,
    /// Yes means the contact opted out.
    OptedOut,
    /// Yes means the contact agreed to messages (İzin): the opposite of `OptedOut`.
    Consent,
    OptOutReason,
}

impl ContactColumn {
    const ALL: [ContactColumn; 8] = [
        ContactColumn::Email,
        ContactColumn::Gender,
        ContactColumn::Honorific,
        ContactColumn::Language,
        ContactColumn::Notes,
        ContactColumn::OptedOut,
        ContactColumn::Consent,
        ContactColumn::OptOutReason,
    ];

    /// The spelling in the `mapping` option and in a job's `columns`.
    pub fn target(self) -> &'static str {
        match self {
            ContactColumn::Email => "email",
            ContactColumn::Gender => "gender",
            ContactColumn::Honorific => "honorific",
            ContactColumn::Language => "language",
            ContactColumn::Notes => "notes",
            ContactColumn::OptedOut => "opted_out",
            ContactColumn::Consent => "consent",
            ContactColumn::OptOutReason => "opt_out_reason",
        }
    }

    fn from_target(target: &str) -> Option<Self> {
        let target = target.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|c| c.target() == target)
    }

    /// The field a column goes to by its header alone; takes a [`fold`]ed header.
    fn guess(folded: &str) -> Option<Self> {
        Some(match folded {
            "eposta" | "epostaadresi" | "email" | "emailaddress" | "mail" => ContactColumn::Email,
            "cinsiyet" | "cinsiyeti" | "cins" | "gender" | "sex" => ContactColumn::Gender,
            "hitap" | "hitapsekli" | "unvan" | "unvani" | "title" | "honorific" | "salutation" => {
                ContactColumn::Honorific
            }
            "dil" | "dili" | "lisan" | "language" | "lang" => ContactColumn::Language,
            "not" | "notlar" | "notu" | "aciklama" | "note" | "notes" | "comment" | "comments" => {
                ContactColumn::Notes
            }
            // `İptal`, `Onay` and `Ret` also head order columns: not guessed.
            "optout" | "optedout" | "unsubscribed" | "listedencikti" => ContactColumn::OptedOut,
            "izin" | "izinli" | "iletiizni" | "iletisimizni" | "ticariiletiizni" | "consent"
            | "optin" | "optedin" | "subscribed" => ContactColumn::Consent,
            "optoutreason" | "iptalnedeni" | "cikisnedeni" => ContactColumn::OptOutReason,
            _ => return None,
        })
    }
}

/// Where one column (a custom field name from the importer) goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    /// Chosen by the `mapping` option (or named so by the importer).
    Contact(ContactColumn),
    /// Guessed from the header: a value that does not look like this field stays a custom field
    /// with this key (an `Unvan` column of job titles, say) rather than becoming it.
    Guessed(ContactColumn, Option<String>),
    /// A custom field with this key.
    Custom(String),
    /// A header that gives no usable field name (only punctuation, say).
    Drop,
}

impl Column {
    /// How a job's `columns` shows it: `gender`, `custom.şehir`.
    pub fn describe(&self) -> Option<String> {
        match self {
            Column::Contact(c) | Column::Guessed(c, _) => Some(c.target().to_owned()),
            Column::Custom(key) => Some(format!("custom.{key}")),
            Column::Drop => None,
        }
    }
}

/// Compares headers and mapping keys: Turkish-folded, letters and digits only (`E-Posta`,
/// `e posta` and `EPOSTA` are one header).
fn fold(text: &str) -> String {
    search_key(text)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// The host's reading of the `mapping` option: the columns it sends to contact fields, and those
/// the user made custom fields on purpose (which are then never guessed).
#[derive(Debug, Default)]
pub struct Mapping {
    chosen: HashMap<String, ContactColumn>,
    custom: HashSet<String>,
}

impl Mapping {
    /// Reads the entries of `options.mapping` it understands; the others (`phone`, `first_name` …)
    /// are the importer's, which also reports a malformed mapping.
    pub fn read(options: &Map<String, Value>) -> Self {
        let mut mapping = Mapping::default();
        let Some(Value::Object(entries)) = options.get("mapping") else {
            return mapping;
        };
        for (header, target) in entries {
            let Some(target) = target.as_str() else {
                continue;
            };
            if let Some(column) = ContactColumn::from_target(target) {
                mapping.chosen.insert(fold(header), column);
            } else if let Some(name) = target.trim().strip_prefix("custom.") {
                // The importer names the field after the dot; a header equal to that name must
                // not be guessed any more than the column itself.
                mapping.custom.insert(fold(name));
                mapping.custom.insert(fold(header));
            }
        }
        mapping
    }

    /// Where the custom field `name` an importer produced goes.
    pub fn column(&self, name: &str) -> Column {
        let folded = fold(name);
        if let Some(column) = self.chosen.get(&folded) {
            return Column::Contact(*column);
        }
        // The importer's own names for these fields (`gender` from a mapping or a vCard).
        if let Some(column) = ContactColumn::ALL
            .into_iter()
            .find(|c| fold(c.target()) == folded)
        {
            return Column::Contact(column);
        }
        let key = super::imports::field_key(name);
        if !self.custom.contains(&folded)
            && let Some(column) = ContactColumn::guess(&folded)
            // A field the user mapped a column to is not also guessed from another header.
            && !self.chosen.values().any(|chosen| *chosen == column)
        {
            return Column::Guessed(column, key);
        }
        key.map_or(Column::Drop, Column::Custom)
    }
}

/// Puts a column's value into the contact being imported. `Ok(false)` when the contact already
/// has that field from another column (a second e-mail column, say), or when a `guessed` column's
/// value does not look like the field (a job title under `Unvan`): the caller keeps the value as a
/// custom field rather than losing it. Values that say "unknown" (`-`, `?`, `Bilinmiyor`, `Diğer`)
/// leave a gender or yes/no unset.
pub fn apply(
    column: ContactColumn,
    guessed: bool,
    name: &str,
    value: &str,
    input: &mut ContactInput,
) -> Result<bool, String> {
    let value = value.trim();
    if guessed && column == ContactColumn::Honorific && !looks_like_honorific(value) {
        return Ok(false);
    }
    let text = || Some(value.to_owned());
    let slot_free = match column {
        ContactColumn::Email => input.email.is_none(),
        ContactColumn::Gender => input.gender.is_none(),
        ContactColumn::Honorific => input.honorific.is_none(),
        ContactColumn::Language => input.language.is_none(),
        ContactColumn::Notes => input.notes.is_none(),
        ContactColumn::OptedOut | ContactColumn::Consent => input.opted_out.is_none(),
        ContactColumn::OptOutReason => input.opt_out_reason.is_none(),
    };
    if !slot_free {
        return Ok(false);
    }
    match column {
        ContactColumn::Email => input.email = text(),
        ContactColumn::Gender => input.gender = gender(name, value)?,
        ContactColumn::Honorific => input.honorific = text(),
        ContactColumn::Language => input.language = Some(language(value)),
        ContactColumn::Notes => input.notes = text(),
        ContactColumn::OptedOut => input.opted_out = yes(name, value)?,
        ContactColumn::Consent => input.opted_out = yes(name, value)?.map(|consent| !consent),
        ContactColumn::OptOutReason => input.opt_out_reason = text(),
    }
    Ok(true)
}

/// Whether a value reads as a form of address: every word a title (`Dr.`, `Prof.`, `Av.`, `Mr`)
/// or an address (`Bey`, `Hanım`).
fn looks_like_honorific(value: &str) -> bool {
    const TITLES: &[&str] = &[
        "bey",
        "beyefendi",
        "efendi",
        "hanim",
        "hanimefendi",
        "bay",
        "bayan",
        "sayin",
        "dr",
        "prof",
        "doc",
        "av",
        "muh",
        "ecz",
        "dt",
        "uzm",
        "op",
        "yrd",
        "arsgor",
        "ogr",
        "gor",
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "sir",
        "dame",
        "rev",
        "hon",
    ];
    let words: Vec<&str> = value.split([' ', ',']).filter(|w| !w.is_empty()).collect();
    !words.is_empty()
        && words.len() <= 4
        && words.iter().all(|w| TITLES.contains(&word(w).as_str()))
}

/// The word in a cell as it is compared: Turkish-folded, letters and digits only (which also drops
/// the combining marks of decomposed letters).
fn word(value: &str) -> String {
    fold(value)
}

/// Values that say the cell is unknown rather than something unreadable.
fn unknown(word: &str) -> bool {
    matches!(
        word,
        "" | "diger"
            | "other"
            | "o"
            | "u"
            | "unknown"
            | "bilinmiyor"
            | "belirtilmemis"
            | "na"
            | "none"
    )
}

/// A value quoted in a row error: at most 40 characters.
fn quoted(value: &str) -> String {
    let mut shown: String = value.chars().take(40).collect();
    if shown.len() < value.len() {
        shown.push('…');
    }
    shown
}

/// `E`/`K`, `Erkek`/`Kadın`, `Bay`/`Bayan`, `Bey`/`Hanım`, `M`/`F`, `Male`/`Female`, any case;
/// `None` for "unknown" values.
pub fn gender(column: &str, value: &str) -> Result<Option<Gender>, String> {
    match word(value).as_str() {
        "e" | "erkek" | "bay" | "bey" | "m" | "male" | "man" => Ok(Some(Gender::Male)),
        "k" | "kadin" | "bayan" | "hanim" | "f" | "female" | "woman" => Ok(Some(Gender::Female)),
        w if unknown(w) || w == "yok" => Ok(None),
        _ => Err(format!(
            "`{}` in column {} is not a gender: use E/K, Erkek/Kadın, Bay/Bayan, M/F or Male/Female",
            quoted(value),
            quoted(column)
        )),
    }
}

/// `evet`/`hayır`, `yes`/`no`, `1`/`0`, `true`/`false` (and `e`/`h`, `y`/`n`), any case; `None`
/// for "unknown" values.
pub fn yes(column: &str, value: &str) -> Result<Option<bool>, String> {
    match word(value).as_str() {
        "evet" | "e" | "yes" | "y" | "1" | "true" | "dogru" | "var" => Ok(Some(true)),
        "hayir" | "h" | "no" | "n" | "0" | "false" | "yanlis" | "yok" => Ok(Some(false)),
        w if unknown(w) => Ok(None),
        _ => Err(format!(
            "`{}` in column {} is neither yes nor no: use evet/hayır, yes/no, 1/0 or true/false",
            quoted(value),
            quoted(column)
        )),
    }
}

/// A language tag, or the tag of a language written out (`Türkçe`, `English`); anything else is
/// kept for the contact checks, which say what a tag looks like.
fn language(value: &str) -> String {
    let tag = match word(value).as_str() {
        "turkce" | "turkish" => "tr",
        "ingilizce" | "english" => "en",
        "almanca" | "german" | "deutsch" => "de",
        "fransizca" | "french" => "fr",
        "arapca" | "arabic" => "ar",
        "rusca" | "russian" => "ru",
        "farsca" | "persian" => "fa",
        "kurtce" | "kurdish" => "ku",
        _ => return value.to_owned(),
    };
    tag.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping(json: Value) -> Mapping {
        Mapping::read(json.as_object().unwrap())
    }

    #[test]
    fn turkish_and_english_headers_are_guessed() {
        let m = Mapping::default();
        for (header, expected) in [
            ("Cinsiyet", ContactColumn::Gender),
            ("CİNSİYET", ContactColumn::Gender),
            ("Gender", ContactColumn::Gender),
            ("Hitap", ContactColumn::Honorific),
            ("Ünvan", ContactColumn::Honorific),
            ("UNVANI", ContactColumn::Honorific),
            ("Title", ContactColumn::Honorific),
            ("Dil", ContactColumn::Language),
            ("Language", ContactColumn::Language),
            ("Not", ContactColumn::Notes),
            ("Notlar", ContactColumn::Notes),
            ("Açıklama", ContactColumn::Notes),
            ("İzin", ContactColumn::Consent),
            ("İleti İzni", ContactColumn::Consent),
            ("Opt-out", ContactColumn::OptedOut),
            ("İptal Nedeni", ContactColumn::OptOutReason),
            ("E-Posta", ContactColumn::Email),
        ] {
            // A header spelled like the field (`Gender`) is taken as chosen, the others guessed.
            assert!(
                matches!(m.column(header), Column::Guessed(c, _) | Column::Contact(c) if c == expected),
                "{header}"
            );
        }
        // Order exports use these for other things.
        for header in ["İptal", "Onay", "Ret"] {
            assert!(matches!(m.column(header), Column::Custom(_)), "{header}");
        }
        assert_eq!(m.column("Şehir"), Column::Custom("şehir".into()));
        assert_eq!(
            m.column("Doğum Tarihi"),
            Column::Custom("doğum_tarihi".into())
        );
        assert_eq!(m.column("--"), Column::Drop);
    }

    #[test]
    fn the_mapping_option_chooses_and_can_keep_a_column_custom() {
        let m = mapping(serde_json::json!({ "mapping": {
            "Kod": "honorific", "column4": "gender", "Cinsiyet": "custom.cinsiyet",
            "Telefon": "phone", "Başka": null, "Dil": 3 } }));
        assert_eq!(m.column("kod"), Column::Contact(ContactColumn::Honorific));
        assert_eq!(m.column("column4"), Column::Contact(ContactColumn::Gender));
        assert_eq!(m.column("cinsiyet"), Column::Custom("cinsiyet".into()));
        // `Dil: 3` is not a target: the header is guessed as ever.
        assert!(matches!(
            m.column("Dil"),
            Column::Guessed(ContactColumn::Language, _)
        ));
        // The importer's own names for the fields.
        assert_eq!(
            m.column("opted_out"),
            Column::Contact(ContactColumn::OptedOut)
        );
        // A field mapped from one column is not guessed from another header.
        assert_eq!(m.column("Hitap"), Column::Custom("hitap".into()));
    }

    #[test]
    fn genders_and_yes_no_are_read_with_turkish_rules() {
        for male in [
            "E", "e", "Erkek", "ERKEK", "Bay", "bey", "M", "male", "Male.",
        ] {
            assert_eq!(gender("Cinsiyet", male), Ok(Some(Gender::Male)), "{male}");
        }
        for female in [
            "K", "k", "Kadın", "KADIN", "kadin", "Bayan", "HANIM", "F", "Female",
        ] {
            assert_eq!(
                gender("Cinsiyet", female),
                Ok(Some(Gender::Female)),
                "{female}"
            );
        }
        for unknown in ["-", "?", "Diğer", "Bilinmiyor", "n/a", "U", "yok"] {
            assert_eq!(gender("Cinsiyet", unknown), Ok(None), "{unknown}");
        }
        let error = gender("Cinsiyet", "X").unwrap_err();
        assert!(
            error.contains("`X`") && error.contains("Cinsiyet"),
            "{error}"
        );
        let long = "x".repeat(5000);
        assert!(gender(&long, &long).unwrap_err().len() < 300);
        for y in ["evet", "EVET", "Yes", "1", "true", "E", "Var"] {
            assert_eq!(yes("İzin", y), Ok(Some(true)), "{y}");
        }
        for n in ["hayır", "HAYIR", "hayir", "no", "0", "FALSE", "H", "Yok"] {
            assert_eq!(yes("İzin", n), Ok(Some(false)), "{n}");
        }
        assert_eq!(yes("İzin", "-"), Ok(None));
        assert!(yes("İzin", "belki").is_err());
        // Decomposed letters (as macOS writes them) read like composed ones.
        assert_eq!(language("Tu\u{308}rkc\u{327}e"), "tr");
        assert_eq!(gender("Cinsiyet", "Kadi\u{307}n"), Ok(Some(Gender::Female)));
    }

    #[test]
    fn values_fill_the_contact_and_a_taken_slot_is_reported() {
        let set = |column, value: &str, input: &mut ContactInput| {
            apply(column, false, "Sütun", value, input)
        };
        let mut input = ContactInput::default();
        assert_eq!(set(ContactColumn::Gender, "K", &mut input), Ok(true));
        assert_eq!(set(ContactColumn::Honorific, " Dr. ", &mut input), Ok(true));
        assert_eq!(set(ContactColumn::Language, "Türkçe", &mut input), Ok(true));
        assert_eq!(set(ContactColumn::Consent, "hayır", &mut input), Ok(true));
        assert_eq!(set(ContactColumn::OptedOut, "evet", &mut input), Ok(false));
        assert_eq!(input.gender, Some(Gender::Female));
        assert_eq!(input.honorific.as_deref(), Some("Dr."));
        assert_eq!(input.language.as_deref(), Some("tr"));
        assert_eq!(input.opted_out, Some(true));
        input.email = Some("a@example.com".into());
        assert_eq!(
            set(ContactColumn::Email, "b@example.com", &mut input),
            Ok(false)
        );

        // A guessed honorific column takes forms of address only; a job title stays custom.
        let guessed = |value: &str| {
            let mut input = ContactInput::default();
            apply(ContactColumn::Honorific, true, "Unvan", value, &mut input)
        };
        for title in ["Satış Müdürü", "ABC Ltd. Şti."] {
            assert_eq!(guessed(title), Ok(false), "{title}");
        }
        for honorific in ["Bey", "Hanım", "Prof. Dr.", "Av.", "Mr"] {
            assert_eq!(guessed(honorific), Ok(true), "{honorific}");
        }
        let mut input = ContactInput::default();
        assert_eq!(
            set(ContactColumn::Honorific, "Satış Müdürü", &mut input),
            Ok(true)
        );
    }
}
