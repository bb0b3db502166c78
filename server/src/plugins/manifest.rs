//! `plugin.toml`: what a plugin is, what it may reach, and the shape of its configuration. Parsed and
//! validated once at install; configuration values are checked against it before they are stored.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PluginKind {
    VariableResolver,
    ContactImporter,
    Transport,
}

impl PluginKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PluginKind::VariableResolver => "variable-resolver",
            PluginKind::ContactImporter => "contact-importer",
            PluginKind::Transport => "transport",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ConfigType {
    String,
    Integer,
    Number,
    Boolean,
}

/// One configuration key a plugin accepts.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigField {
    #[serde(rename = "type")]
    pub kind: ConfigType,
    #[serde(default)]
    pub required: bool,
    /// Never shown again once set (API tokens, signing secrets).
    #[serde(default)]
    pub secret: bool,
    /// Any JSON value of the setting's type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    #[serde(default)]
    pub description: String,
    /// For strings: the fewest characters accepted (a signing secret's strength).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<usize>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Permissions {
    /// Hosts `http-fetch` may reach: `api.example.com`, `*.example.com`, or `{config.url}` for the
    /// host of a configured URL. Empty: no HTTP at all.
    #[serde(default)]
    pub http_hosts: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Lower-case letters, digits and dashes; unique on the server.
    pub name: String,
    /// Semantic version (`1.2.0`).
    pub version: String,
    pub kind: PluginKind,
    pub description: String,
    /// Variable resolvers: the variable names they provide (`selamlama`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variables: Vec<String>,
    /// Contact importers: file extensions they read, without the dot.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub file_extensions: Vec<String>,
    #[serde(default)]
    pub permissions: Permissions,
    #[serde(default)]
    pub config: BTreeMap<String, ConfigField>,
    /// Whether workspaces have it enabled until they turn it off (default false: a workspace
    /// enables an uploaded plugin before it runs there; the bundled ones opt in).
    #[serde(default)]
    pub enabled_by_default: bool,
}

/// Why a manifest or a configuration was refused, naming the key.
#[derive(Debug, thiserror::Error)]
#[error("{field}: {message}")]
pub struct Invalid {
    pub field: String,
    pub message: String,
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> Invalid {
    Invalid {
        field: field.into(),
        message: message.into(),
    }
}

pub fn valid_plugin_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && name.starts_with(|c: char| c.is_ascii_lowercase())
}

fn valid_variable_name(name: &str) -> bool {
    (1..=64).contains(&name.chars().count())
        && name.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// Most variables one resolver declares.
const MAX_VARIABLES: usize = 100;

fn valid_host_pattern(pattern: &str, config: &BTreeMap<String, ConfigField>) -> bool {
    if let Some(key) = pattern
        .strip_prefix("{config.")
        .and_then(|p| p.strip_suffix('}'))
    {
        return config
            .get(key)
            .is_some_and(|f| f.kind == ConfigType::String);
    }
    let host = pattern.strip_prefix("*.").unwrap_or(pattern);
    !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == ':')
}

impl Manifest {
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        let manifest: Manifest =
            toml::from_str(text).map_err(|e| invalid("manifest", e.message().to_owned()))?;
        manifest.validate()?;
        Ok(manifest)
    }

    fn validate(&self) -> Result<(), Invalid> {
        if !valid_plugin_name(&self.name) {
            return Err(invalid(
                "name",
                "must be 1–64 lower-case letters, digits or dashes, starting with a letter",
            ));
        }
        semver::Version::parse(&self.version)
            .map_err(|e| invalid("version", format!("not a semantic version: {e}")))?;
        let description = self.description.trim();
        if description.is_empty() || description.chars().count() > 500 {
            return Err(invalid("description", "must be 1–500 characters"));
        }
        match self.kind {
            PluginKind::VariableResolver if self.variables.is_empty() => {
                return Err(invalid(
                    "variables",
                    "a variable resolver must name at least one variable",
                ));
            }
            PluginKind::VariableResolver => {}
            _ if !self.variables.is_empty() => {
                return Err(invalid(
                    "variables",
                    "only variable resolvers provide variables",
                ));
            }
            _ => {}
        }
        if let Some(bad) = self.variables.iter().find(|v| !valid_variable_name(v)) {
            return Err(invalid(
                "variables",
                format!("`{bad}` is not a valid variable name (letters, digits, _)"),
            ));
        }
        if let Some(bad) = self
            .file_extensions
            .iter()
            .find(|e| e.is_empty() || e.len() > 10 || !e.chars().all(|c| c.is_ascii_alphanumeric()))
        {
            return Err(invalid(
                "file_extensions",
                format!("`{bad}` is not a file extension"),
            ));
        }
        if let Some(bad) = self
            .permissions
            .http_hosts
            .iter()
            .find(|p| !valid_host_pattern(p, &self.config))
        {
            return Err(invalid(
                "permissions.http_hosts",
                format!(
                    "`{bad}` is neither a host name, `*.domain`, nor `{{config.KEY}}` naming a string setting"
                ),
            ));
        }
        for (key, field) in &self.config {
            if !valid_variable_name(key) || !key.is_ascii() {
                return Err(invalid(
                    format!("config.{key}"),
                    "keys are ASCII letters, digits and _",
                ));
            }
            if let Some(default) = &field.default {
                if field.secret {
                    return Err(invalid(
                        format!("config.{key}"),
                        "a secret cannot have a default: every workspace would share it, and the \
                         manifest is readable by every user",
                    ));
                }
                check_type(key, field, default)?;
            }
        }
        if self.variables.len() > MAX_VARIABLES {
            return Err(invalid(
                "variables",
                format!("at most {MAX_VARIABLES} variables"),
            ));
        }
        Ok(())
    }

    /// Checks a workspace's configuration: known keys, right types, required ones present. Defaults
    /// are filled in; a secret sent as [`SECRET_MASK`] keeps its stored value from `previous`,
    /// unless a setting naming where the plugin connects (`{config.KEY}` in its hosts) changed: a
    /// stored secret never follows a new address without being entered again.
    pub fn validate_config(
        &self,
        given: &Map<String, Value>,
        previous: &Map<String, Value>,
    ) -> Result<Map<String, Value>, Invalid> {
        let moved = self.permissions.http_hosts.iter().find_map(|pattern| {
            let key = pattern.strip_prefix("{config.")?.strip_suffix('}')?;
            let before = previous.get(key);
            (before.is_some() && given.get(key).is_some_and(|now| Some(now) != before))
                .then_some(key)
        });
        let mut out = Map::new();
        for key in given.keys() {
            if !self.config.contains_key(key) {
                return Err(invalid(
                    format!("config.{key}"),
                    "is not a setting of this plugin",
                ));
            }
        }
        for (key, field) in &self.config {
            let value = match given.get(key) {
                Some(Value::String(s)) if field.secret && s == SECRET_MASK => {
                    if let Some(moved) = moved
                        && previous.contains_key(key)
                    {
                        return Err(invalid(
                            format!("config.{key}"),
                            format!("enter it again: `{moved}` changed"),
                        ));
                    }
                    previous.get(key).cloned()
                }
                Some(Value::Null) | None => None,
                Some(v) => Some(v.clone()),
            };
            match value {
                Some(v) => {
                    check_type(key, field, &v)?;
                    out.insert(key.clone(), v);
                }
                None if field.required => {
                    return Err(invalid(format!("config.{key}"), "is required"));
                }
                None => {}
            }
        }
        Ok(out)
    }

    /// The configuration a plugin sees: stored values over defaults.
    pub fn effective_config(&self, stored: &Map<String, Value>) -> Map<String, Value> {
        let mut out = Map::new();
        for (key, field) in &self.config {
            if let Some(v) = stored.get(key).or(field.default.as_ref()) {
                out.insert(key.clone(), v.clone());
            }
        }
        out
    }

    /// The configuration as the API shows it: only what this manifest declares (a setting an
    /// older version kept, perhaps a secret then, is not shown), secrets replaced by
    /// [`SECRET_MASK`].
    pub fn masked_config(&self, stored: &Map<String, Value>) -> Map<String, Value> {
        let mut out = Map::new();
        for (key, field) in &self.config {
            if let Some(value) = stored.get(key) {
                let shown = if field.secret {
                    Value::String(SECRET_MASK.into())
                } else {
                    value.clone()
                };
                out.insert(key.clone(), shown);
            }
        }
        out
    }

    /// Whether a configuration holds every required setting (a plugin missing one is not usable).
    pub fn is_configured(&self, stored: &Map<String, Value>) -> bool {
        self.config
            .iter()
            .all(|(key, f)| !f.required || stored.contains_key(key) || f.default.is_some())
    }
}

/// Shown instead of a secret; sending it back unchanged keeps the stored secret.
pub const SECRET_MASK: &str = "********";

fn check_type(key: &str, field: &ConfigField, value: &Value) -> Result<(), Invalid> {
    let ok = match field.kind {
        ConfigType::String => value.as_str().is_some_and(|s| s.len() <= 4096),
        ConfigType::Integer => value.is_i64() || value.is_u64(),
        ConfigType::Number => value.is_number(),
        ConfigType::Boolean => value.is_boolean(),
    };
    if let (Some(min), Some(s)) = (field.min_length, value.as_str())
        && s.chars().count() < min
    {
        return Err(invalid(
            format!("config.{key}"),
            format!("must be at least {min} characters"),
        ));
    }
    if ok {
        Ok(())
    } else {
        Err(invalid(
            format!("config.{key}"),
            format!("must be a {:?}", field.kind).to_lowercase(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const GOOD: &str = r#"
name = "greeting"
version = "0.1.0"
kind = "variable-resolver"
description = "Greets"
variables = ["selamlama"]
[permissions]
http_hosts = ["api.example.com", "*.example.org", "{config.url}"]
[config.url]
type = "string"
required = true
[config.token]
type = "string"
secret = true
[config.hour]
type = "integer"
default = 12
"#;

    #[test]
    fn a_good_manifest_parses_and_bad_ones_name_the_key() {
        let m = Manifest::parse(GOOD).unwrap();
        assert_eq!(m.kind, PluginKind::VariableResolver);
        assert!(!m.enabled_by_default);
        for (bad, field) in [
            (GOOD.replace("\"greeting\"", "\"Greeting!\""), "name"),
            (GOOD.replace("\"0.1.0\"", "\"one\""), "version"),
            (GOOD.replace("[\"selamlama\"]", "[]"), "variables"),
            (
                GOOD.replace("{config.url}", "{config.hour}"),
                "permissions.http_hosts",
            ),
            (
                GOOD.replace("default = 12", "default = \"x\""),
                "config.hour",
            ),
            (format!("{GOOD}\nsurprise = 1"), "manifest"),
            // A secret with a default would be shared by every workspace, and readable.
            (
                GOOD.replace("secret = true", "secret = true\ndefault = \"ortak\""),
                "config.token",
            ),
        ] {
            let err = Manifest::parse(&bad).unwrap_err();
            assert_eq!(err.field, field, "{bad}: {err}");
        }
    }

    #[test]
    fn configuration_is_checked_defaulted_and_masked() {
        let m = Manifest::parse(GOOD).unwrap();
        let empty = Map::new();
        let given = json!({"url": "https://x.test", "token": "s3cret"});
        let stored = m
            .validate_config(given.as_object().unwrap(), &empty)
            .unwrap();
        assert_eq!(m.effective_config(&stored)["hour"], json!(12));
        assert_eq!(m.masked_config(&stored)["token"], json!(SECRET_MASK));
        // A setting the manifest no longer declares (a secret of an older version) is not shown.
        let mut older = stored.clone();
        older.insert("old_token".into(), json!("eski-sir"));
        assert!(!m.masked_config(&older).contains_key("old_token"));
        let again = json!({"url": "https://x.test", "token": SECRET_MASK});
        let kept = m
            .validate_config(again.as_object().unwrap(), &stored)
            .unwrap();
        assert_eq!(kept["token"], json!("s3cret"));
        // A kept secret must not follow the configuration to a new address.
        let moved = json!({"url": "https://y.test", "token": SECRET_MASK});
        assert!(
            m.validate_config(moved.as_object().unwrap(), &stored)
                .is_err()
        );
        let missing = json!({"token": "x"});
        assert_eq!(
            m.validate_config(missing.as_object().unwrap(), &empty)
                .unwrap_err()
                .field,
            "config.url"
        );
        let unknown = json!({"url": "u", "colour": "red"});
        assert_eq!(
            m.validate_config(unknown.as_object().unwrap(), &empty)
                .unwrap_err()
                .field,
            "config.colour"
        );
        let wrong = json!({"url": 5});
        assert!(
            m.validate_config(wrong.as_object().unwrap(), &empty)
                .is_err()
        );
    }
}
