//! Contact values and their validation: E.164 phones parsed against the workspace's region, names,
//! gender and honorific, language, email, tags, custom fields. Invalid input is a 400 naming the field.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::error::ApiError;

pub const MAX_TAGS: usize = 50;
pub const MAX_TAG_CHARS: usize = 50;
pub const MAX_CUSTOM_FIELDS: usize = 100;
pub const MAX_FIELD_NAME_CHARS: usize = 64;
pub const MAX_TEXT_CHARS: usize = 200;
pub const MAX_NOTES_CHARS: usize = 10_000;

/// A phone number in E.164 form (`+905321234567`), with the digits of its national form for search.
/// Only [`Phone::parse`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    e164: String,
    national_digits: String,
}

impl Phone {
    /// Parses what people type (`0532 123 45 67`, `+90 (532) 123-45-67`, `00905321234567`) against the
    /// workspace's default region; numbers with a `+` or `00` prefix keep their own country.
    pub fn parse(field: &str, raw: &str, region: &str) -> Result<Self, ApiError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(ApiError::invalid_field(field, "must not be empty"));
        }
        if trimmed.chars().count() > 40 {
            return Err(ApiError::invalid_field(
                field,
                "is too long to be a phone number",
            ));
        }
        let normalised = match trimmed.strip_prefix("00") {
            Some(rest) => format!("+{rest}"),
            None => trimmed.to_owned(),
        };
        let country: Option<phonenumber::country::Id> = region.parse().ok();
        let number = phonenumber::parse(country, &normalised)
            .map_err(|e| ApiError::invalid_field(field, format!("not a phone number ({e})")))?;
        if !phonenumber::is_valid(&number) {
            return Err(ApiError::invalid_field(
                field,
                format!("`{trimmed}` is not a valid number (default region {region})"),
            ));
        }
        let e164 = number.format().mode(phonenumber::Mode::E164).to_string();
        // The national significant number is what follows `+` and the country code; with the
        // country's trunk prefix it is what people dial at home (`0532…`). Built from the metadata
        // rather than formatted: national formatting runs the country's regexes, a sixth of the
        // cost of reading a number in a large import.
        let code = number.code().value();
        let significant = e164.get(1 + code.to_string().len()..).unwrap_or_default();
        let mut national_digits = String::with_capacity(16);
        if let Some(prefix) = phonenumber::metadata::DATABASE
            .by_code(&code)
            .and_then(|all| all.first().and_then(|m| m.national_prefix()))
        {
            national_digits.push_str(prefix);
        }
        national_digits.push_str(significant);
        Ok(Phone {
            national_digits,
            e164,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.e164
    }

    /// The digits of the national form (`05321234567` for a Turkish mobile), for search.
    pub fn national_digits(&self) -> &str {
        &self.national_digits
    }

    /// The contact id: the E.164 digits without the `+`, safe in URLs.
    pub fn id(&self) -> String {
        self.e164.trim_start_matches('+').to_owned()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    Female,
    Male,
}

/// A contact as the API shows it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Contact {
    /// The E.164 digits without `+`; changes when the phone changes.
    #[schema(example = "905321234567")]
    pub id: String,
    #[schema(example = "+905321234567")]
    pub phone: String,
    #[schema(example = "Ayşe")]
    pub first_name: Option<String>,
    #[schema(example = "Yılmaz")]
    pub last_name: Option<String>,
    /// Used by `%sayın%`: "Sayın Ayşe Hanım", "Dear Ms Yılmaz".
    pub gender: Option<Gender>,
    /// Overrides the gender-based form of address, e.g. "Dr.".
    #[schema(example = "Dr.")]
    pub honorific: Option<String>,
    /// BCP 47 language, e.g. `tr` or `en`.
    #[schema(example = "tr")]
    pub language: Option<String>,
    #[schema(example = "ayse@example.com")]
    pub email: Option<String>,
    #[schema(example = json!(["vip", "istanbul"]))]
    pub tags: Vec<String>,
    /// Field name → string, number or boolean (dates as `YYYY-MM-DD` strings).
    #[schema(example = json!({"city": "İzmir", "last_order": "2026-11-02", "orders": 7}))]
    pub custom_fields: BTreeMap<String, Value>,
    pub opted_out: bool,
    pub opted_out_at: Option<DateTime<Utc>>,
    pub opt_out_reason: Option<String>,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Where the contact index lists it (not shown).
    #[serde(skip)]
    pub posted: super::index::Posted,
}

/// Writable fields; on create every field but `phone` is optional, on update every field is.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    #[schema(example = "0532 123 45 67")]
    pub phone: Option<String>,
    #[schema(example = "Ayşe")]
    pub first_name: Option<String>,
    #[schema(example = "Yılmaz")]
    pub last_name: Option<String>,
    pub gender: Option<Gender>,
    pub honorific: Option<String>,
    #[schema(example = "tr")]
    pub language: Option<String>,
    pub email: Option<String>,
    pub tags: Option<Vec<String>>,
    pub custom_fields: Option<BTreeMap<String, Value>>,
    pub opted_out: Option<bool>,
    pub opt_out_reason: Option<String>,
    pub notes: Option<String>,
}

/// Validated optional text: trimmed, empty becomes `None`, length-capped, no control characters
/// (but new lines in notes).
pub fn clean_text(
    field: &str,
    raw: Option<&str>,
    max_chars: usize,
    multiline: bool,
) -> Result<Option<String>, ApiError> {
    let Some(raw) = raw else { return Ok(None) };
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > max_chars {
        return Err(ApiError::invalid_field(
            field,
            format!("at most {max_chars} characters"),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !(multiline && (c == '\n' || c == '\r' || c == '\t')))
    {
        return Err(ApiError::invalid_field(
            field,
            "contains control characters",
        ));
    }
    Ok(Some(text.to_owned()))
}

pub fn clean_language(raw: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(language) = clean_text("language", raw, 35, false)? else {
        return Ok(None);
    };
    let valid = language.split('-').all(|part| {
        !part.is_empty() && part.len() <= 8 && part.chars().all(|c| c.is_ascii_alphanumeric())
    });
    if !valid {
        return Err(ApiError::invalid_field(
            "language",
            "use a language tag such as `tr` or `en-GB`",
        ));
    }
    Ok(Some(language.to_ascii_lowercase()))
}

/// Tags keep the case they were typed in; two tags that differ only by case or Turkish letters
/// (`VIP`, `vıp`) are the same tag, the first spelling wins.
pub fn clean_tags(raw: Vec<String>) -> Result<Vec<String>, ApiError> {
    let mut tags: Vec<(String, String)> = Vec::new();
    for (index, tag) in raw.iter().enumerate() {
        let field = format!("tags[{index}]");
        let tag = clean_text(&field, Some(tag), MAX_TAG_CHARS, false)?
            .ok_or_else(|| ApiError::invalid_field(&field, "must not be empty"))?;
        let key = search_key(&tag);
        if !tags.iter().any(|(k, _)| *k == key) {
            tags.push((key, tag));
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(ApiError::invalid_field(
            "tags",
            format!("at most {MAX_TAGS} tags"),
        ));
    }
    tags.sort();
    Ok(tags.into_iter().map(|(_, tag)| tag).collect())
}

/// A custom field name: Unicode letters, digits and `_`, starting with a letter (so `%alan_adı%` works).
pub fn valid_field_name(name: &str) -> bool {
    let mut chars = name.chars();
    name.chars().count() <= MAX_FIELD_NAME_CHARS
        && chars.next().is_some_and(char::is_alphabetic)
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

pub fn clean_custom_fields(
    raw: BTreeMap<String, Value>,
) -> Result<BTreeMap<String, Value>, ApiError> {
    if raw.len() > MAX_CUSTOM_FIELDS {
        return Err(ApiError::invalid_field(
            "custom_fields",
            format!("at most {MAX_CUSTOM_FIELDS} fields"),
        ));
    }
    let mut fields = BTreeMap::new();
    for (name, value) in raw {
        let field = format!("custom_fields.{name}");
        if !valid_field_name(&name) {
            return Err(ApiError::invalid_field(
                &field,
                "names use letters, digits and _, starting with a letter",
            ));
        }
        match &value {
            Value::Null => continue,
            Value::String(text) => {
                if let Some(text) = clean_text(&field, Some(text), MAX_TEXT_CHARS * 5, true)? {
                    fields.insert(name, Value::String(text));
                }
            }
            Value::Number(_) | Value::Bool(_) => {
                fields.insert(name, value);
            }
            Value::Array(_) | Value::Object(_) => {
                return Err(ApiError::invalid_field(
                    &field,
                    "must be a string, a number or a boolean",
                ));
            }
        }
    }
    Ok(fields)
}

/// Lower case by Turkish rules: `I` → `ı`, `İ` → `i`, then the usual mapping.
pub fn turkish_lowercase(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            'I' => out.push('ı'),
            'İ' => out.push('i'),
            other => out.extend(other.to_lowercase()),
        }
    }
    // `to_lowercase` of "İ" elsewhere yields "i̇" (with a combining dot); drop that dot.
    out.replace('\u{307}', "")
}

/// The key search compares on: Turkish lower case with the Turkish letters folded to their base
/// (`ı`→`i`, `ş`→`s`, `ğ`→`g`, `ü`→`u`, `ö`→`o`, `ç`→`c`), so "ISIK", "ışık" and "Işık" all match.
pub fn search_key(text: &str) -> String {
    turkish_lowercase(text)
        .chars()
        .map(|c| match c {
            'ı' => 'i',
            'ş' => 's',
            'ğ' => 'g',
            'ü' => 'u',
            'ö' => 'o',
            'ç' => 'c',
            'â' => 'a',
            'î' => 'i',
            'û' => 'u',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turkish_numbers_become_e164() {
        for raw in [
            "0532 123 45 67",
            "+90 (532) 123-45-67",
            "00905321234567",
            "5321234567",
        ] {
            assert_eq!(
                Phone::parse("phone", raw, "TR").unwrap().as_str(),
                "+905321234567",
                "{raw}"
            );
        }
        assert_eq!(
            Phone::parse("phone", "+44 20 7946 0958", "TR")
                .unwrap()
                .as_str(),
            "+442079460958"
        );
        let phone = Phone::parse("phone", "0532 123 45 67", "TR").unwrap();
        assert_eq!(phone.id(), "905321234567");
        assert_eq!(phone.national_digits(), "05321234567");
    }

    /// The national digits are what people dial at home: the trunk prefix where the country has
    /// one, the country code's own where it has several regions.
    #[test]
    fn national_digits_are_what_people_dial_at_home() {
        for (raw, national) in [
            ("+44 20 7946 0958", "02079460958"),
            ("+49 30 1234567", "0301234567"),
            ("+33 1 23 45 67 89", "0123456789"),
            ("+1 202 555 0143", "12025550143"),
            ("+971 50 123 4567", "0501234567"),
        ] {
            let phone = Phone::parse("phone", raw, "TR").unwrap();
            assert_eq!(phone.national_digits(), national, "{raw}");
        }
    }

    #[test]
    fn invalid_numbers_name_the_field() {
        for raw in ["", "12", "not a number", "0532 123", "+90 999 999 99 99 99"] {
            let err = Phone::parse("phone", raw, "TR").unwrap_err();
            assert_eq!(err.code(), "validation_failed", "{raw}");
            assert!(err.to_string().starts_with("phone:"), "{raw}: {err}");
        }
    }

    #[test]
    fn search_keys_fold_turkish_case_and_letters() {
        assert_eq!(search_key("IŞIK"), "isik");
        assert_eq!(search_key("ışık"), "isik");
        assert_eq!(search_key("İstanbul"), "istanbul");
        assert_eq!(search_key("ÇAĞLAR Gündüz"), "caglar gunduz");
        assert_eq!(turkish_lowercase("DİYARBAKIR"), "diyarbakır");
    }

    #[test]
    fn tags_keep_their_spelling_and_are_deduplicated_by_search_key() {
        let tags = clean_tags(vec![
            "VIP".into(),
            " vıp ".into(),
            "İzmir".into(),
            "vip".into(),
        ])
        .unwrap();
        assert_eq!(tags, vec!["İzmir", "VIP"]);
        assert!(clean_tags(vec!["  ".into()]).is_err());
    }

    #[test]
    fn custom_field_names_are_unicode_identifiers() {
        assert!(valid_field_name("alan_adı"));
        assert!(valid_field_name("şehir2"));
        assert!(!valid_field_name("2field"));
        assert!(!valid_field_name("a-b"));
        assert!(!valid_field_name(""));
    }
}
