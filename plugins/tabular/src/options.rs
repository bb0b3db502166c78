//! The options every table importer understands: `mapping` and `has_header`.

use std::str::FromStr;

use serde_json::{Map, Value};

use crate::fold;

/// The contact fields the host reads and checks itself, passed on as fields with these names.
pub const HOST_FIELDS: [&str; 7] = [
    "gender",
    "honorific",
    "language",
    "notes",
    "opted_out",
    "consent",
    "opt_out_reason",
];

/// Where a column's values go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Phone,
    FirstName,
    LastName,
    /// Split into first and last name (last word → last name).
    FullName,
    Email,
    /// Split on `,` `;` `|`.
    Tags,
    /// A contact field the host reads from a field of this name (`gender`, `honorific`,
    /// `language`, `notes`, `opted_out`, `consent`, `opt_out_reason`), as it reads the same
    /// headers (`Cinsiyet`, `Hitap` …) on its own.
    Contact(&'static str),
    Ignore,
    /// A custom field with this name.
    Custom(String),
}

impl FromStr for Target {
    type Err = String;

    /// The spelling in the `mapping` option: `phone`, `first_name`, …, `custom.<name>`.
    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let lower = text.to_ascii_lowercase();
        if lower.starts_with("custom.") {
            // The prefix is ASCII, so its byte length is the same in `text`.
            let name = text["custom.".len()..].trim();
            return if name.is_empty() {
                Err("`custom.` needs a field name after the dot".to_owned())
            } else {
                Ok(Target::Custom(name.to_owned()))
            };
        }
        Ok(match lower.as_str() {
            "phone" => Target::Phone,
            "first_name" => Target::FirstName,
            "last_name" => Target::LastName,
            "full_name" => Target::FullName,
            "email" => Target::Email,
            "tags" => Target::Tags,
            "ignore" => Target::Ignore,
            other => match HOST_FIELDS.iter().find(|f| **f == other) {
                Some(field) => Target::Contact(field),
                None => {
                    return Err(format!(
                        "`{text}` is not a target (phone, first_name, last_name, full_name, email, \
                         tags, {}, ignore or custom.<name>)",
                        HOST_FIELDS.join(", ")
                    ));
                }
            },
        })
    }
}

/// The parsed `mapping` and `has_header` options.
#[derive(Debug, Clone)]
pub struct TableOptions {
    /// Folded source header → target. A list: mappings are short and lookups happen once per column.
    mapping: Vec<(String, Target)>,
    pub has_header: bool,
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions {
            mapping: Vec::new(),
            has_header: true,
        }
    }
}

impl TableOptions {
    /// Reads `mapping` and `has_header` from the options object; other keys belong to the importer.
    pub fn from_object(options: &Map<String, Value>) -> Result<Self, String> {
        let mut parsed = TableOptions::default();
        match options.get("has_header") {
            None | Some(Value::Null) => {}
            Some(Value::Bool(has_header)) => parsed.has_header = *has_header,
            Some(other) => return Err(format!("`has_header` must be true or false, not {other}")),
        }
        match options.get("mapping") {
            None | Some(Value::Null) => {}
            Some(Value::Object(mapping)) => {
                for (header, target) in mapping {
                    let target = match target {
                        // `null` reads naturally as "this column maps to nothing".
                        Value::Null => Target::Ignore,
                        Value::String(target) => target
                            .parse()
                            .map_err(|e| format!("`mapping` of column \"{header}\": {e}"))?,
                        other => {
                            return Err(format!(
                                "`mapping` of column \"{header}\" must be a string, not {other}"
                            ));
                        }
                    };
                    parsed.mapping.push((fold(header), target));
                }
            }
            Some(other) => {
                return Err(format!(
                    "`mapping` must be an object from column header to target, not {other}"
                ));
            }
        }
        Ok(parsed)
    }

    /// The target the user chose for a column with this header, if any.
    pub fn mapped(&self, header: &str) -> Option<&Target> {
        let folded = fold(header);
        // The last entry wins, as it would in the JSON object the user wrote.
        self.mapping
            .iter()
            .rev()
            .find(|(key, _)| *key == folded)
            .map(|(_, target)| target)
    }
}

/// The importer options as a JSON object. The host sends `"{}"` when there are none; an empty string
/// or `null` is taken the same way.
pub fn options_object(text: &str) -> Result<Map<String, Value>, String> {
    if text.trim().is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_str(text) {
        Ok(Value::Object(options)) => Ok(options),
        Ok(Value::Null) => Ok(Map::new()),
        Ok(other) => Err(format!("the options must be a JSON object, not {other}")),
        Err(e) => Err(format!("the options are not valid JSON: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<TableOptions, String> {
        TableOptions::from_object(&options_object(json)?)
    }

    #[test]
    fn defaults() {
        for empty in ["{}", "", "null"] {
            let options = parse(empty).unwrap();
            assert!(options.has_header);
            assert_eq!(options.mapped("Telefon"), None);
        }
    }

    #[test]
    fn reads_mapping_with_folded_headers() {
        let options = parse(
            r#"{"has_header": false, "mapping": {
                "GSM No": "phone", "Şehir": "custom.il", "Not": "ignore", "X": null,
                "Adı": "full_name", "Üye": "TAGS"}}"#,
        )
        .unwrap();
        assert!(!options.has_header);
        assert_eq!(options.mapped("gsm no"), Some(&Target::Phone));
        assert_eq!(
            options.mapped(" ŞEHİR "),
            Some(&Target::Custom("il".into()))
        );
        assert_eq!(options.mapped("not"), Some(&Target::Ignore));
        assert_eq!(options.mapped("X"), Some(&Target::Ignore));
        assert_eq!(options.mapped("ADI"), Some(&Target::FullName));
        assert_eq!(options.mapped("üye"), Some(&Target::Tags));
        assert_eq!(options.mapped("Telefon"), None);
    }

    #[test]
    fn rejects_bad_options() {
        assert!(parse("[1]").unwrap_err().contains("JSON object"));
        assert!(parse("{").unwrap_err().contains("not valid JSON"));
        assert!(
            parse(r#"{"has_header": "yes"}"#)
                .unwrap_err()
                .contains("has_header")
        );
        assert!(
            parse(r#"{"mapping": ["a"]}"#)
                .unwrap_err()
                .contains("mapping")
        );
        let err = parse(r#"{"mapping": {"Tel": "telephone"}}"#).unwrap_err();
        assert!(
            err.contains("\"Tel\"") && err.contains("`telephone`"),
            "{err}"
        );
        assert!(parse(r#"{"mapping": {"Tel": "custom. "}}"#).is_err());
        assert!(parse(r#"{"mapping": {"Tel": 3}}"#).is_err());
    }
}
