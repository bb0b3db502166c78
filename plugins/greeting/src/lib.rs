//! `%selamlama%` / `%greeting%`: a greeting that fits the workspace's local time of day, in the
//! contact's language (or the workspace's). `%selamlama:en%` forces a language.

use ulak_plugin_sdk::{Context, VariableRequest, VariableResolver, export_variable_resolver, host};

struct Greeting;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartOfDay {
    Morning,
    Day,
    Evening,
}

/// Hours are local; `morning_until` and `evening_from` come from the configuration.
pub fn part_of_day(hour: u32, morning_until: u32, evening_from: u32) -> PartOfDay {
    // Before 05:00 it is still evening in everyday speech.
    if hour < 5 || hour >= evening_from {
        PartOfDay::Evening
    } else if hour < morning_until {
        PartOfDay::Morning
    } else {
        PartOfDay::Day
    }
}

pub fn greeting(part: PartOfDay, language: &str) -> &'static str {
    match (language, part) {
        ("en", PartOfDay::Morning) => "Good morning",
        ("en", PartOfDay::Day) => "Good afternoon",
        ("en", PartOfDay::Evening) => "Good evening",
        (_, PartOfDay::Morning) => "Günaydın",
        (_, PartOfDay::Day) => "İyi günler",
        (_, PartOfDay::Evening) => "İyi akşamlar",
    }
}

fn primary(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

impl VariableResolver for Greeting {
    fn resolve(ctx: Context, batch: Vec<VariableRequest>) -> Vec<Result<String, String>> {
        let morning_until = host::config_value::<u32>("morning_until").unwrap_or(12);
        let evening_from = host::config_value::<u32>("evening_from").unwrap_or(18);
        let part = part_of_day(ctx.local_time().hour, morning_until, evening_from);
        let workspace_language = ctx.language();
        batch
            .into_iter()
            .map(|request| {
                let language = request
                    .arguments
                    .first()
                    .map(|a| primary(a))
                    .or_else(|| request.contact.language.as_deref().map(primary))
                    .unwrap_or_else(|| workspace_language.clone());
                Ok(greeting(part, &language).to_owned())
            })
            .collect()
    }
}

export_variable_resolver!(Greeting);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_greeting_follows_the_local_hour() {
        assert_eq!(greeting(part_of_day(8, 12, 18), "tr"), "Günaydın");
        assert_eq!(greeting(part_of_day(12, 12, 18), "tr"), "İyi günler");
        assert_eq!(greeting(part_of_day(17, 12, 18), "tr"), "İyi günler");
        assert_eq!(greeting(part_of_day(18, 12, 18), "tr"), "İyi akşamlar");
        assert_eq!(greeting(part_of_day(2, 12, 18), "en"), "Good evening");
        assert_eq!(greeting(part_of_day(9, 10, 18), "en"), "Good morning");
        assert_eq!(greeting(part_of_day(11, 10, 18), "en"), "Good afternoon");
    }

    /// The whole resolver, natively, against the SDK's test host (configuration included).
    #[test]
    fn resolve_runs_natively_on_the_test_host() {
        use ulak_plugin_sdk::testing;
        testing::reset();
        // 09:30 in Istanbul: morning with the defaults.
        let request = |arguments: Vec<String>, language: Option<&str>| {
            let mut contact = testing::contact("+905321234567");
            contact.language = language.map(str::to_owned);
            VariableRequest {
                variable: "selamlama".into(),
                arguments,
                contact,
            }
        };
        let answers = Greeting::resolve(
            testing::context(),
            vec![
                request(vec![], None),
                request(vec![], Some("en-GB")),
                request(vec!["en".into()], Some("tr")),
            ],
        );
        assert_eq!(
            answers,
            vec![
                Ok("Günaydın".to_string()),
                Ok("Good morning".to_string()),
                Ok("Good morning".to_string())
            ]
        );
        // A workspace whose morning ends at 09:00.
        testing::set_config(serde_json::json!({ "morning_until": 9 }));
        let answers = Greeting::resolve(testing::context(), vec![request(vec![], None)]);
        assert_eq!(answers, vec![Ok("İyi günler".to_string())]);
    }
}
