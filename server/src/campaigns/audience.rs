//! Who a campaign goes to: a filter over the workspace's contacts. Opted-out contacts are always
//! left out (recorded as skipped with that reason), and so are contacts without an address for the
//! channel's kind.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use utoipa::ToSchema;

use crate::contacts::model::{Contact, clean_tags, search_key, valid_field_name};
use crate::db::Db;
use crate::error::ApiError;
use crate::transports::AddressKind;

const MAX_CONTACT_IDS: usize = 10_000;

/// A filter over contacts; every criterion given must hold.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Audience {
    /// Every contact of the workspace (needed when no other criterion is given).
    #[serde(default)]
    pub all: bool,
    /// Contacts with at least one of these tags.
    #[serde(default)]
    #[schema(example = json!(["vip", "istanbul"]))]
    pub tags_any: Vec<String>,
    /// Contacts with all of these tags.
    #[serde(default)]
    pub tags_all: Vec<String>,
    /// Contacts with none of these tags.
    #[serde(default)]
    #[schema(example = json!(["test"]))]
    pub exclude_tags: Vec<String>,
    /// Custom field name → value it must equal.
    #[serde(default)]
    pub custom: BTreeMap<String, String>,
    /// Matches names, email and phone (Turkish letters and case fold).
    pub search: Option<String>,
    /// These contacts (ids are the E.164 digits).
    #[serde(default)]
    pub contact_ids: Vec<String>,
}

impl Audience {
    pub fn validate(&self) -> Result<(), ApiError> {
        let criteria = !self.tags_any.is_empty()
            || !self.tags_all.is_empty()
            || !self.custom.is_empty()
            || self.search.as_deref().is_some_and(|s| !s.trim().is_empty())
            || !self.contact_ids.is_empty();
        if !criteria && !self.all {
            return Err(ApiError::invalid_field(
                "audience",
                "give at least one criterion (tags, custom fields, search, contact ids), or `all: true`",
            ));
        }
        for (field, tags) in [
            ("audience.tags_any", &self.tags_any),
            ("audience.tags_all", &self.tags_all),
            ("audience.exclude_tags", &self.exclude_tags),
        ] {
            clean_tags(tags.clone()).map_err(|e| ApiError::invalid_field(field, e.message()))?;
        }
        if self.custom.len() > 20 {
            return Err(ApiError::invalid_field(
                "audience.custom",
                "at most 20 fields",
            ));
        }
        for (name, value) in &self.custom {
            if !valid_field_name(name) || value.chars().count() > 1000 {
                return Err(ApiError::invalid_field(
                    &format!("audience.custom.{name}"),
                    "a field name and a value of at most 1000 characters",
                ));
            }
        }
        if self
            .search
            .as_deref()
            .is_some_and(|s| s.chars().count() > 200)
        {
            return Err(ApiError::invalid_field(
                "audience.search",
                "at most 200 characters",
            ));
        }
        if self.contact_ids.len() > MAX_CONTACT_IDS {
            return Err(ApiError::invalid_field(
                "audience.contact_ids",
                format!("at most {MAX_CONTACT_IDS}; use tags for larger groups"),
            ));
        }
        if let Some(bad) = self.contact_ids.iter().position(|id| {
            id.is_empty() || id.len() > 20 || !id.chars().all(|c| c.is_ascii_digit())
        }) {
            return Err(ApiError::invalid_field(
                &format!("audience.contact_ids[{bad}]"),
                "contact ids are the E.164 digits of the phone",
            ));
        }
        Ok(())
    }

    /// The WHERE clause over contacts (scoped to the workspace by the scan) and its values.
    fn clause(&self) -> (String, Map<String, Value>) {
        let mut conditions = vec!["true".to_owned()];
        let mut params = Map::new();
        let keys = |tags: &[String]| -> Vec<String> {
            tags.iter().map(|t| search_key(t.trim())).collect()
        };
        if !self.tags_any.is_empty() {
            conditions.push("tag_keys CONTAINSANY $tags_any".into());
            params.insert("tags_any".into(), json!(keys(&self.tags_any)));
        }
        if !self.tags_all.is_empty() {
            conditions.push("tag_keys CONTAINSALL $tags_all".into());
            params.insert("tags_all".into(), json!(keys(&self.tags_all)));
        }
        if !self.exclude_tags.is_empty() {
            conditions.push("tag_keys CONTAINSNONE $exclude".into());
            params.insert("exclude".into(), json!(keys(&self.exclude_tags)));
        }
        if let Some(search) = self.search.as_deref().filter(|s| !s.trim().is_empty()) {
            conditions.push("string::contains(search, $search)".into());
            params.insert("search".into(), json!(search_key(search.trim())));
        }
        for (index, (name, value)) in self.custom.iter().enumerate() {
            conditions.push(format!(
                "<string>custom_fields[$field_{index}] = $value_{index}"
            ));
            params.insert(format!("field_{index}"), json!(name));
            params.insert(format!("value_{index}"), json!(value));
        }
        if !self.contact_ids.is_empty() {
            conditions.push("record::id(id)[1] IN $ids".into());
            params.insert("ids".into(), json!(self.contact_ids));
        }
        (conditions.join(" AND "), params)
    }

    /// The next page of the audience after contact `after`, by contact id.
    pub async fn page(
        &self,
        db: &Db,
        workspace: &str,
        after: &str,
        limit: usize,
    ) -> Result<Vec<Contact>, ApiError> {
        let (clause, params) = self.clause();
        crate::contacts::scan(db, workspace, &clause, params, after, limit).await
    }
}

/// Why a contact of the audience gets no message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    OptedOut,
    NoAddress,
}

impl Skip {
    pub fn as_str(self) -> &'static str {
        match self {
            Skip::OptedOut => "opted_out",
            Skip::NoAddress => "no_address",
        }
    }
}

/// The address a contact is reached at on a channel of this kind, or why it is not.
pub fn address_of(contact: &Contact, kind: AddressKind) -> Result<String, Skip> {
    if contact.opted_out {
        return Err(Skip::OptedOut);
    }
    match kind {
        AddressKind::Phone => Ok(contact.phone.clone()),
        AddressKind::Email => contact.email.clone().ok_or(Skip::NoAddress),
    }
}
