//! The renderer shared by previews and campaigns: a body is compiled once against the workspace's
//! variables (every name resolved, unknown ones reported with their position) and rendered many times,
//! one contact at a time. Plain bodies take a fast path of string pushes; bodies with Handlebars blocks
//! render through Handlebars with the placeholders' values in its context.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;
use handlebars::Handlebars;
use serde_json::{Value, json};

use super::blocks::{self, CappedWriter, RenderFailure};
use super::syntax::{self, ParsedBody, Segment, TemplateIssue};
use crate::contacts::model::{Contact, Gender};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Turkish,
    English,
}

impl Language {
    pub fn from_tag(tag: &str) -> Option<Self> {
        match tag
            .split('-')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
            .as_str()
        {
            "tr" => Some(Language::Turkish),
            "en" => Some(Language::English),
            _ => None,
        }
    }
}

/// What a workspace variable is (see the variables module); already validated.
#[derive(Debug, Clone)]
pub enum VariableKind {
    Static(String),
    /// A contact field or custom field, by its name.
    Field(String),
    /// The current date and time in a format.
    DateTime(String),
    /// Resolved by a variable-resolver plugin: the plugin and the variable it provides.
    Plugin {
        plugin: String,
        variable: String,
    },
}

#[derive(Debug, Clone)]
pub struct VariableDef {
    pub kind: VariableKind,
    pub fallback: Option<String>,
}

/// What a placeholder reads, decided once at compile time.
#[derive(Debug, Clone)]
enum Source {
    FirstName,
    LastName,
    FullName,
    Salutation,
    Phone,
    Email,
    Date,
    Time,
    Weekday,
    CustomField(String),
    Static(String),
    Now(String),
    /// The value a plugin resolved before rendering, by its slot in [`CompiledTemplate::plugin_calls`].
    Plugin(usize),
}

/// A placeholder a plugin resolves: called in batches before rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginCall {
    pub plugin: String,
    pub variable: String,
    pub arguments: Vec<String>,
}

impl PluginCall {
    /// The placeholder as written: `%burç%`, `%kur:USD%`.
    pub fn placeholder(&self) -> String {
        if self.arguments.is_empty() {
            format!("%{}%", self.variable)
        } else {
            format!("%{}:{}%", self.variable, self.arguments.join(","))
        }
    }
}

/// Built-in names, Turkish and English alike.
fn builtin(name: &str) -> Option<Source> {
    Some(match name {
        "ad" | "first_name" | "isim" => Source::FirstName,
        "soyad" | "last_name" => Source::LastName,
        "ad_soyad" | "full_name" => Source::FullName,
        "sayın" | "salutation" => Source::Salutation,
        "telefon" | "phone" => Source::Phone,
        "eposta" | "email" => Source::Email,
        "tarih" | "date" => Source::Date,
        "saat" | "time" => Source::Time,
        "gün" | "weekday" => Source::Weekday,
        _ => return None,
    })
}

/// The contact field a built-in name reads (`ad` → `first_name`), for the names that read one
/// directly: a single send's `variables` override those on the contact.
pub fn contact_field(name: &str) -> Option<&'static str> {
    match builtin(name)? {
        Source::FirstName => Some("first_name"),
        Source::LastName => Some("last_name"),
        Source::Phone => Some("phone"),
        Source::Email => Some("email"),
        _ => None,
    }
}

/// Every built-in name, for the UI and the docs.
pub const BUILTIN_NAMES: &[&str] = &[
    "ad",
    "first_name",
    "soyad",
    "last_name",
    "ad_soyad",
    "full_name",
    "sayın",
    "salutation",
    "telefon",
    "phone",
    "eposta",
    "email",
    "tarih",
    "date",
    "saat",
    "time",
    "gün",
    "weekday",
];

/// The workspace-wide facts a template is compiled against.
pub struct Scope<'a> {
    pub variables: &'a BTreeMap<String, VariableDef>,
    /// Custom field names seen on the workspace's contacts.
    pub custom_fields: &'a BTreeSet<String>,
    /// Variable-resolver plugins enabled in the workspace, with the variables each provides.
    pub plugins: &'a BTreeMap<String, Vec<String>>,
}

#[derive(Debug)]
struct CompiledPlaceholder {
    source: Source,
    fallback: Option<String>,
    format: Option<String>,
}

pub struct CompiledTemplate {
    parsed: ParsedBody,
    placeholders: Vec<CompiledPlaceholder>,
    handlebars: Option<Handlebars<'static>>,
    plugin_calls: Vec<PluginCall>,
    limits: RenderLimits,
}

/// Four times WhatsApp's 4,096-character text limit, in bytes.
pub const DEFAULT_MAX_OUTPUT_BYTES: usize = 16 * 1024;

/// What one render may cost.
#[derive(Debug, Clone, Copy)]
pub struct RenderLimits {
    /// The rendered text's largest size in bytes; a render that grows past it stops.
    pub max_output_bytes: usize,
    /// The longest one render may take.
    pub time_limit: std::time::Duration,
}

impl Default for RenderLimits {
    fn default() -> Self {
        Self {
            max_output_bytes: DEFAULT_MAX_OUTPUT_BYTES,
            time_limit: std::time::Duration::from_millis(250),
        }
    }
}

/// Per-render facts: who, where, when.
pub struct RenderInput<'a> {
    pub contact: &'a Contact,
    pub language: Language,
    pub time_zone: Tz,
    pub now: DateTime<Utc>,
    /// This contact's plugin values, by slot (see [`CompiledTemplate::plugin_calls`]); `None` where
    /// the plugin gave no value, so the fallback applies.
    pub plugin_values: &'a [Option<String>],
    /// Chooses among `{{pick …}}` variants; the message's idempotency key, so a retry renders the
    /// same text.
    pub seed: &'a str,
}

/// What a placeholder resolves to before plugin calls are given their slots.
enum Resolved {
    Source(Source),
    Plugin { plugin: String, variable: String },
}

fn provided_by<'s>(scope: &'s Scope<'_>, variable: &str) -> Option<&'s String> {
    scope
        .plugins
        .iter()
        .find(|(_, variables)| variables.iter().any(|v| v == variable))
        .map(|(plugin, _)| plugin)
}

fn resolve(name: &str, scope: &Scope<'_>) -> Result<(Resolved, Option<String>), String> {
    // Contact fields first (built-in contact fields, then custom fields), then workspace variables,
    // then the other built-ins.
    if let Some(source @ (Source::FirstName | Source::LastName | Source::Phone | Source::Email)) =
        builtin(name)
    {
        return Ok((Resolved::Source(source), None));
    }
    if scope.custom_fields.contains(name) {
        return Ok((Resolved::Source(Source::CustomField(name.to_owned())), None));
    }
    if let Some(variable) = scope.variables.get(name) {
        let source = match &variable.kind {
            VariableKind::Static(value) => Source::Static(value.clone()),
            VariableKind::Field(field) => builtin(field)
                .filter(|s| {
                    matches!(
                        s,
                        Source::FirstName | Source::LastName | Source::Phone | Source::Email
                    )
                })
                .unwrap_or_else(|| Source::CustomField(field.clone())),
            VariableKind::DateTime(format) => Source::Now(format.clone()),
            VariableKind::Plugin {
                plugin,
                variable: provided,
            } => {
                if !scope
                    .plugins
                    .get(plugin)
                    .is_some_and(|vars| vars.contains(provided))
                {
                    return Err(format!(
                        "`%{name}%` needs `%{provided}%` from the plugin `{plugin}`, which is not installed or not enabled in this workspace"
                    ));
                }
                return Ok((
                    Resolved::Plugin {
                        plugin: plugin.clone(),
                        variable: provided.clone(),
                    },
                    variable.fallback.clone(),
                ));
            }
        };
        return Ok((Resolved::Source(source), variable.fallback.clone()));
    }
    if let Some(source) = builtin(name) {
        return Ok((Resolved::Source(source), None));
    }
    if let Some(plugin) = provided_by(scope, name) {
        return Ok((
            Resolved::Plugin {
                plugin: plugin.clone(),
                variable: name.to_owned(),
            },
            None,
        ));
    }
    Err(format!("unknown variable `%{name}%`"))
}

impl CompiledTemplate {
    /// Parses and resolves every placeholder; all problems are returned together.
    pub fn compile(body: &str, scope: &Scope<'_>) -> Result<Self, Vec<TemplateIssue>> {
        let parsed = syntax::parse(body)?;
        let mut issues = Vec::new();
        let mut placeholders = Vec::with_capacity(parsed.placeholders.len());
        let mut plugin_calls: Vec<PluginCall> = Vec::new();
        for p in &parsed.placeholders {
            match resolve(&p.name, scope) {
                Ok((resolved, variable_fallback)) => {
                    let (source, format) = match resolved {
                        Resolved::Source(source) => (source, p.format.clone()),
                        Resolved::Plugin { plugin, variable } => {
                            // After the colon come the plugin's arguments, not a date format.
                            let call = PluginCall {
                                plugin,
                                variable,
                                arguments: p
                                    .format
                                    .as_deref()
                                    .map(|f| f.split(',').map(|a| a.trim().to_owned()).collect())
                                    .unwrap_or_default(),
                            };
                            let slot = match plugin_calls.iter().position(|c| *c == call) {
                                Some(slot) => slot,
                                None => {
                                    plugin_calls.push(call);
                                    plugin_calls.len() - 1
                                }
                            };
                            (Source::Plugin(slot), None)
                        }
                    };
                    placeholders.push(CompiledPlaceholder {
                        source,
                        fallback: p.fallback.clone().or(variable_fallback),
                        format,
                    })
                }
                Err(message) => issues.push(TemplateIssue {
                    kind: "unknown_variable".into(),
                    message,
                    variable: Some(p.name.clone()),
                    position: p.position,
                }),
            }
        }
        let handlebars = if parsed.uses_handlebars {
            match blocks::build(&parsed, body) {
                Ok(hb) => Some(hb),
                Err(found) => {
                    issues.extend(found);
                    None
                }
            }
        } else {
            None
        };
        if !issues.is_empty() {
            return Err(issues);
        }
        Ok(Self {
            parsed,
            placeholders,
            handlebars,
            plugin_calls,
            limits: RenderLimits::default(),
        })
    }

    /// Renders under these limits instead of the defaults.
    pub fn with_limits(mut self, limits: RenderLimits) -> Self {
        self.limits = limits;
        self
    }

    /// The distinct plugin values this template needs per contact; slot `i` of
    /// [`RenderInput::plugin_values`] holds the answer to call `i`.
    pub fn plugin_calls(&self) -> &[PluginCall] {
        &self.plugin_calls
    }

    /// Whether every placeholder that reads plugin call `slot` has a fallback (then a failed call
    /// renders the fallback rather than nothing).
    pub fn slot_has_fallback(&self, slot: usize) -> bool {
        self.placeholders
            .iter()
            .filter(|p| matches!(p.source, Source::Plugin(s) if s == slot))
            .all(|p| p.fallback.is_some())
    }

    /// Renders for one contact. Stops with [`RenderFailure::TooLong`] as soon as the text outgrows
    /// the output limit, and with [`RenderFailure::TimedOut`] past the time limit.
    pub fn render(&self, input: &RenderInput<'_>) -> Result<String, RenderFailure> {
        let cap = self.limits.max_output_bytes;
        match &self.handlebars {
            None => {
                let mut out = String::with_capacity(256.min(cap));
                for segment in &self.parsed.segments {
                    match segment {
                        Segment::Text(text) => out.push_str(text),
                        Segment::Placeholder(index) => {
                            if let Some(p) = self.placeholders.get(*index) {
                                push_value(&mut out, p, input);
                            }
                        }
                    }
                    if out.len() > cap {
                        return Err(RenderFailure::TooLong(cap));
                    }
                }
                Ok(out)
            }
            Some(hb) => {
                let started = std::time::Instant::now();
                let mut context = serde_json::Map::new();
                // Every value may appear in the text; a context far larger than the text may be
                // is refused before Handlebars sees it.
                let mut values_bytes = 0;
                for (index, p) in self.placeholders.iter().enumerate() {
                    let mut value = String::new();
                    push_value(&mut value, p, input);
                    values_bytes += value.len();
                    if values_bytes > cap.saturating_mul(4) {
                        return Err(RenderFailure::TooLong(cap));
                    }
                    context.insert(format!("__v{index}"), Value::String(value));
                }
                let c = input.contact;
                context.insert("first_name".into(), json!(c.first_name));
                context.insert("last_name".into(), json!(c.last_name));
                context.insert("phone".into(), json!(c.phone));
                context.insert("email".into(), json!(c.email));
                context.insert("tags".into(), json!(c.tags));
                context.insert("custom".into(), json!(c.custom_fields));
                context.insert("opted_out".into(), json!(c.opted_out));
                context.insert(blocks::SEED_KEY.into(), json!(input.seed));
                let mut writer = CappedWriter::new(cap, Some(started + self.limits.time_limit));
                match hb.render_to_write(
                    blocks::TEMPLATE_NAME,
                    &Value::Object(context),
                    &mut writer,
                ) {
                    Ok(()) => String::from_utf8(writer.text)
                        .map_err(|_| RenderFailure::Failed("the text is not UTF-8".into())),
                    Err(e) => Err(writer
                        .failure
                        .take()
                        .unwrap_or_else(|| RenderFailure::Failed(e.to_string()))),
                }
            }
        }
    }
}

fn push_value(out: &mut String, p: &CompiledPlaceholder, input: &RenderInput<'_>) {
    let start = out.len();
    write_source(out, p, input);
    if out.len() == start
        && let Some(fallback) = &p.fallback
    {
        out.push_str(fallback);
    }
}

fn write_source(out: &mut String, p: &CompiledPlaceholder, input: &RenderInput<'_>) {
    let c = input.contact;
    let local = || input.now.with_timezone(&input.time_zone);
    let language = c
        .language
        .as_deref()
        .and_then(Language::from_tag)
        .unwrap_or(input.language);
    match &p.source {
        Source::FirstName => out.push_str(c.first_name.as_deref().unwrap_or("")),
        Source::LastName => out.push_str(c.last_name.as_deref().unwrap_or("")),
        Source::FullName => {
            let parts: Vec<&str> = [c.first_name.as_deref(), c.last_name.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            out.push_str(&parts.join(" "));
        }
        Source::Salutation => salutation(out, c, language),
        Source::Phone => out.push_str(&c.phone),
        Source::Email => out.push_str(c.email.as_deref().unwrap_or("")),
        Source::Date => format_date(
            out,
            &local(),
            p.format.as_deref().unwrap_or("d MMMM yyyy, dddd"),
            input.language,
        ),
        Source::Time => format_date(
            out,
            &local(),
            p.format.as_deref().unwrap_or("HH:mm"),
            input.language,
        ),
        Source::Weekday => format_date(
            out,
            &local(),
            p.format.as_deref().unwrap_or("dddd"),
            input.language,
        ),
        Source::Now(format) => format_date(
            out,
            &local(),
            p.format.as_deref().unwrap_or(format),
            input.language,
        ),
        Source::Static(value) => out.push_str(value),
        Source::Plugin(slot) => {
            if let Some(Some(value)) = input.plugin_values.get(*slot) {
                out.push_str(value);
            }
        }
        Source::CustomField(name) => match c.custom_fields.get(name) {
            Some(Value::String(text)) => {
                match (&p.format, NaiveDate::parse_from_str(text, "%Y-%m-%d")) {
                    (Some(format), Ok(date)) => {
                        if let Some(at) = date.and_hms_opt(0, 0, 0) {
                            format_date(
                                out,
                                &at.and_utc().with_timezone(&chrono_tz::UTC),
                                format,
                                input.language,
                            );
                        }
                    }
                    _ => out.push_str(text),
                }
            }
            Some(Value::Null) | None => {}
            Some(other) => out.push_str(&other.to_string()),
        },
    }
}

/// A contact's honorific read for placement: Turkish puts Bey, Hanım and Efendi after the given
/// name ("Ahmet Bey") and titles such as Dr., Prof. Dr., Doç. Dr., Av. and Müh. before the full name
/// ("Dr. Ahmet Yılmaz"); both can combine ("Dr. Ayşe Hanım"). Titles are kept as written.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Honorific {
    /// Titles before the name, as written ("Prof. Dr.").
    pub title: Option<String>,
    /// The form of address after the given name, as written ("Hanım").
    pub address: Option<String>,
}

/// Forms of address that follow the given name, by their search key, with the English equivalent.
const ADDRESS_FORMS: &[(&str, Gender)] = &[
    ("bey", Gender::Male),
    ("beyefendi", Gender::Male),
    ("efendi", Gender::Male),
    ("hanim", Gender::Female),
    ("hanimefendi", Gender::Female),
];

impl Honorific {
    pub fn parse(raw: Option<&str>) -> Self {
        let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
            return Self::default();
        };
        let mut titles = Vec::new();
        let mut address = None;
        for word in raw.split([' ', ',']).filter(|w| !w.is_empty()) {
            let key = crate::contacts::model::search_key(word.trim_end_matches('.'));
            if address.is_none() && ADDRESS_FORMS.iter().any(|(form, _)| *form == key) {
                address = Some(word.to_owned());
            } else {
                titles.push(word);
            }
        }
        Self {
            title: (!titles.is_empty()).then(|| titles.join(" ")),
            address,
        }
    }

    /// The gender an address form implies ("Hanım" → female).
    fn address_gender(&self) -> Option<Gender> {
        let key = crate::contacts::model::search_key(self.address.as_deref()?);
        ADDRESS_FORMS
            .iter()
            .find(|(form, _)| *form == key)
            .map(|(_, gender)| *gender)
    }
}

/// "Sayın Ayşe Hanım", "Sayın Dr. Ahmet Yılmaz", "Sayın Dr. Ayşe Hanım", "Dear Ms Smith",
/// "Dear Dr. Smith", or a neutral form when nothing tells how to address the contact.
fn salutation(out: &mut String, c: &Contact, language: Language) {
    let first = c.first_name.as_deref().unwrap_or("");
    let last = c.last_name.as_deref().unwrap_or("");
    let full = [first, last].join(" ");
    let full = full.trim();
    let honorific = Honorific::parse(c.honorific.as_deref());
    match language {
        Language::Turkish => {
            if full.is_empty() {
                out.push_str("Değerli müşterimiz");
                return;
            }
            let given = if first.is_empty() { last } else { first };
            let address =
                honorific
                    .address
                    .clone()
                    .or_else(|| match (&honorific.title, c.gender) {
                        // A title alone goes with the full name: "Sayın Dr. Ali Kaya".
                        (Some(_), _) | (None, None) => None,
                        (None, Some(Gender::Male)) => Some("Bey".to_owned()),
                        (None, Some(Gender::Female)) => Some("Hanım".to_owned()),
                    });
            out.push_str("Sayın ");
            if let Some(title) = &honorific.title {
                out.push_str(title);
                out.push(' ');
            }
            match address {
                Some(address) => {
                    out.push_str(given);
                    out.push(' ');
                    out.push_str(&address);
                }
                None => out.push_str(full),
            }
        }
        Language::English => {
            let gender = honorific.address_gender().or(c.gender);
            let title = honorific.title.clone().or(match gender {
                Some(Gender::Male) => Some("Mr".to_owned()),
                Some(Gender::Female) => Some("Ms".to_owned()),
                None => None,
            });
            match (title, last.is_empty(), first.is_empty()) {
                (Some(t), false, _) => out.push_str(&format!("Dear {t} {last}")),
                (_, _, false) => out.push_str(&format!("Dear {first}")),
                (_, false, true) => out.push_str(&format!("Dear {last}")),
                _ => out.push_str("Dear customer"),
            }
        }
    }
}

const TR_MONTHS: [&str; 12] = [
    "Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim",
    "Kasım", "Aralık",
];
const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const TR_DAYS: [&str; 7] = [
    "Pazartesi",
    "Salı",
    "Çarşamba",
    "Perşembe",
    "Cuma",
    "Cumartesi",
    "Pazar",
];
const EN_DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn short(name: &str) -> String {
    name.chars().take(3).collect()
}

/// Date formats with CLDR-style letters: d dd ddd dddd, M MM MMM MMMM, yy yyyy, H HH h hh, m mm, s ss,
/// EEE EEEE; text in single quotes is literal, other characters are copied.
pub fn format_date<T: Datelike + Timelike>(
    out: &mut String,
    at: &T,
    format: &str,
    language: Language,
) {
    let (months, days) = match language {
        Language::Turkish => (&TR_MONTHS, &TR_DAYS),
        Language::English => (&EN_MONTHS, &EN_DAYS),
    };
    let month = months[at.month0() as usize % 12];
    let day = days[at.weekday().num_days_from_monday() as usize % 7];
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            for c in chars.by_ref() {
                if c == '\'' {
                    break;
                }
                out.push(c);
            }
            continue;
        }
        if !matches!(c, 'd' | 'M' | 'y' | 'H' | 'h' | 'm' | 's' | 'E') {
            out.push(c);
            continue;
        }
        let mut run = 1;
        while chars.peek() == Some(&c) {
            chars.next();
            run += 1;
        }
        let hour12 = match at.hour() % 12 {
            0 => 12,
            h => h,
        };
        let text = match (c, run) {
            ('d', 1) => at.day().to_string(),
            ('d', 2) => format!("{:02}", at.day()),
            ('d', 3) | ('E', 1..=3) => short(day),
            ('d', _) | ('E', _) => day.to_owned(),
            ('M', 1) => at.month().to_string(),
            ('M', 2) => format!("{:02}", at.month()),
            ('M', 3) => short(month),
            ('M', _) => month.to_owned(),
            ('y', 2) => format!("{:02}", at.year().rem_euclid(100)),
            ('y', _) => at.year().to_string(),
            ('H', 1) => at.hour().to_string(),
            ('H', _) => format!("{:02}", at.hour()),
            ('h', 1) => hour12.to_string(),
            ('h', _) => format!("{hour12:02}"),
            ('m', 1) => at.minute().to_string(),
            ('m', _) => format!("{:02}", at.minute()),
            ('s', 1) => at.second().to_string(),
            (_, _) => format!("{:02}", at.second()),
        };
        out.push_str(&text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn contact(first: &str, last: &str, gender: Option<Gender>, language: Option<&str>) -> Contact {
        Contact {
            id: "905321234567".into(),
            phone: "+905321234567".into(),
            first_name: Some(first.into()).filter(|s: &String| !s.is_empty()),
            last_name: Some(last.into()).filter(|s: &String| !s.is_empty()),
            gender,
            honorific: None,
            language: language.map(str::to_owned),
            email: None,
            tags: vec!["VIP".into()],
            custom_fields: BTreeMap::from([
                ("şehir".to_owned(), json!("İzmir")),
                ("son_sipariş".to_owned(), json!("2026-11-02")),
                ("puan".to_owned(), json!(42)),
            ]),
            opted_out: false,
            opted_out_at: None,
            opt_out_reason: None,
            notes: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            posted: Default::default(),
        }
    }

    fn render(body: &str, c: &Contact) -> String {
        let variables = BTreeMap::from([(
            "kampanya_kodu".to_owned(),
            VariableDef {
                kind: VariableKind::Static("KASIM50".into()),
                fallback: None,
            },
        )]);
        let fields = BTreeSet::from([
            "şehir".to_owned(),
            "son_sipariş".to_owned(),
            "puan".to_owned(),
        ]);
        let scope = Scope {
            variables: &variables,
            custom_fields: &fields,
            plugins: &Default::default(),
        };
        let template = CompiledTemplate::compile(body, &scope).unwrap();
        let input = RenderInput {
            contact: c,
            language: Language::Turkish,
            time_zone: chrono_tz::Europe::Istanbul,
            now: Utc.with_ymd_and_hms(2026, 11, 24, 7, 30, 0).unwrap(),
            plugin_values: &[],
            seed: "",
        };
        template.render(&input).unwrap()
    }

    #[test]
    fn turkish_dates_follow_the_workspace_time_zone() {
        let c = contact("Ayşe", "Yılmaz", Some(Gender::Female), None);
        assert_eq!(render("%tarih%", &c), "24 Kasım 2026, Salı");
        assert_eq!(
            render("%saat% %gün% %date:dd.MM.yy%", &c),
            "10:30 Salı 24.11.26"
        );
        assert_eq!(render("%son_sipariş:d MMMM yyyy%", &c), "2 Kasım 2026");
    }

    #[test]
    fn salutations_by_language_and_gender() {
        assert_eq!(
            render(
                "%sayın%",
                &contact("Ayşe", "Yılmaz", Some(Gender::Female), None)
            ),
            "Sayın Ayşe Hanım"
        );
        assert_eq!(
            render(
                "%sayın%",
                &contact("Ahmet", "Kaya", Some(Gender::Male), Some("tr"))
            ),
            "Sayın Ahmet Bey"
        );
        assert_eq!(
            render(
                "%salutation%",
                &contact("John", "Smith", Some(Gender::Male), Some("en"))
            ),
            "Dear Mr Smith"
        );
        assert_eq!(
            render("%sayın%", &contact("", "", None, None)),
            "Değerli müşterimiz"
        );
    }

    #[test]
    fn honorifics_go_where_turkish_and_english_put_them() {
        let with = |first: &str, last: &str, gender, honorific: &str, language| {
            let mut c = contact(first, last, gender, language);
            c.honorific = Some(honorific.to_owned()).filter(|h| !h.is_empty());
            c
        };
        for (first, last, gender, honorific, language, expected) in [
            ("Ahmet", "Yılmaz", None, "Bey", None, "Sayın Ahmet Bey"),
            ("Ayşe", "Kaya", None, "hanım", None, "Sayın Ayşe hanım"),
            (
                "Ali",
                "Kaya",
                Some(Gender::Male),
                "Dr.",
                None,
                "Sayın Dr. Ali Kaya",
            ),
            (
                "Ali",
                "Kaya",
                None,
                "Prof. Dr.",
                None,
                "Sayın Prof. Dr. Ali Kaya",
            ),
            (
                "Ayşe",
                "Kaya",
                None,
                "Dr. Hanım",
                None,
                "Sayın Dr. Ayşe Hanım",
            ),
            (
                "Ayşe",
                "Kaya",
                Some(Gender::Male),
                "Av., Hanımefendi",
                None,
                "Sayın Av. Ayşe Hanımefendi",
            ),
            ("Mehmet", "Öz", None, "Efendi", None, "Sayın Mehmet Efendi"),
            (
                "Ayşe",
                "Yılmaz",
                Some(Gender::Female),
                "",
                None,
                "Sayın Ayşe Hanım",
            ),
            (
                "",
                "Yılmaz",
                Some(Gender::Male),
                "Bey",
                None,
                "Sayın Yılmaz Bey",
            ),
            (
                "Ayşe",
                "Kaya",
                None,
                "Dr. Hanım",
                Some("en"),
                "Dear Dr. Kaya",
            ),
            ("Ahmet", "Kaya", None, "Bey", Some("en"), "Dear Mr Kaya"),
            ("Ayşe", "Kaya", None, "Hanım", Some("en"), "Dear Ms Kaya"),
            (
                "John",
                "Smith",
                Some(Gender::Male),
                "Prof.",
                Some("en"),
                "Dear Prof. Smith",
            ),
        ] {
            let c = with(first, last, gender, honorific, language);
            let body = if language == Some("en") {
                "%salutation%"
            } else {
                "%sayın%"
            };
            assert_eq!(render(body, &c), expected, "{first} {last} {honorific:?}");
        }
    }

    #[test]
    fn fallbacks_custom_fields_variables_and_blocks() {
        let c = contact("", "Yılmaz", None, None);
        assert_eq!(
            render(
                "%ad|Değerli müşterimiz%, kodunuz %kampanya_kodu% (%şehir%, %puan%)",
                &c
            ),
            "Değerli müşterimiz, kodunuz KASIM50 (İzmir, 42)"
        );
        assert_eq!(
            render(
                "{{#if (has_tag \"vip\")}}VIP %soyad%{{else}}normal{{/if}} <&>",
                &c
            ),
            "VIP Yılmaz <&>"
        );
    }

    /// Property: no body, however malformed, makes parsing, compiling or rendering panic; every body
    /// either compiles and renders or yields issues with positions inside the body.
    #[test]
    fn no_generated_body_panics() {
        use rand::{Rng, SeedableRng};
        const PIECES: &[&str] = &[
            "%",
            "%%",
            "ad",
            "soyad",
            "şehir",
            "tarih",
            ":",
            "|",
            "d MMMM yyyy",
            "{{",
            "}}",
            "{{#if",
            "(has_tag \"vip\")",
            "{{/if}}",
            "{{else}}",
            "\n",
            " ",
            "İ",
            "ı",
            "\u{0}",
            "😀",
            "'",
            "E",
            "y",
            "kampanya_kodu",
            "x",
        ];
        let c = contact("Ayşe", "Yılmaz", Some(Gender::Female), None);
        let variables = BTreeMap::from([(
            "kampanya_kodu".to_owned(),
            VariableDef {
                kind: VariableKind::Static("K".into()),
                fallback: Some("f".into()),
            },
        )]);
        let fields = BTreeSet::from(["şehir".to_owned()]);
        let scope = Scope {
            variables: &variables,
            custom_fields: &fields,
            plugins: &Default::default(),
        };
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for _ in 0..20_000 {
            let len = rng.random_range(0..16);
            let body: String = (0..len)
                .map(|_| PIECES[rng.random_range(0..PIECES.len())])
                .collect();
            match CompiledTemplate::compile(&body, &scope) {
                Ok(template) => {
                    let input = RenderInput {
                        contact: &c,
                        language: Language::English,
                        time_zone: chrono_tz::Asia::Kolkata,
                        now: Utc::now(),
                        plugin_values: &[],
                        seed: "k",
                    };
                    let _ = template.render(&input);
                }
                Err(issues) => {
                    assert!(!issues.is_empty());
                    for issue in issues {
                        assert!(issue.position.offset <= body.len(), "{body:?}: {issue:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn unknown_variables_are_named_with_positions() {
        let variables = BTreeMap::new();
        let fields = BTreeSet::new();
        let scope = Scope {
            variables: &variables,
            custom_fields: &fields,
            plugins: &Default::default(),
        };
        let issues = CompiledTemplate::compile("Merhaba %ad%,\n%soyadi% %x|y%", &scope)
            .err()
            .unwrap();
        let named: Vec<(Option<&str>, usize, usize)> = issues
            .iter()
            .map(|i| (i.variable.as_deref(), i.position.line, i.position.column))
            .collect();
        assert_eq!(named, vec![(Some("soyadi"), 2, 1), (Some("x"), 2, 10)]);
    }
}
