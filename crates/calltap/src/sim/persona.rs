//! The simulated businesses: five assistants (long system prompts, tools,
//! transfer destinations) with the lines their callers and they say, and the
//! Vapi phone numbers of the five providers.
//!
//! The data (`assets/personas.json`) was extracted from the sample corpus of
//! generated calls (`fixtures/sample-12-calls.jsonl.gz`) and is embedded in
//! the binary: the simulator reads no file at run time.

use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

const PERSONAS_JSON: &str = include_str!("assets/personas.json");

/// Everything the simulator draws from.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Catalog {
    /// The assistants and their scripts.
    pub personas: Vec<Persona>,
    /// One phone number per provider (`twilio`, `telnyx`, `vonage`, `vapi`,
    /// `byo-phone-number`), as the `phoneNumber` of a message.
    pub phone_numbers: Vec<Value>,
}

/// One assistant and what is said on its calls.
#[derive(Debug, Deserialize)]
pub struct Persona {
    /// The assistant object (`CreateAssistantDTO`) as Vapi sends it.
    pub assistant: Value,
    /// What callers say.
    pub user: Vec<String>,
    /// What the assistant says after its greeting.
    pub bot: Vec<String>,
    /// Tool calls the assistant makes, with a plausible result.
    pub tools: Vec<ToolScript>,
}

/// One tool call and its result.
#[derive(Debug, Deserialize)]
pub struct ToolScript {
    /// The function name.
    pub name: String,
    /// The arguments, JSON text.
    pub arguments: String,
    /// The result, text.
    pub result: String,
}

impl Persona {
    /// `assistant.name`.
    pub fn name(&self) -> &str {
        self.assistant["name"].as_str().unwrap_or("Assistant")
    }

    /// `assistant.firstMessage`: the greeting.
    pub fn first_message(&self) -> &str {
        self.assistant["firstMessage"].as_str().unwrap_or("Hello.")
    }

    /// The system prompt (`assistant.model.messages[0].content`).
    pub fn system_prompt(&self) -> &str {
        self.assistant["model"]["messages"][0]["content"]
            .as_str()
            .unwrap_or("")
    }

    /// The `transferCall` tool's destinations, as Vapi sends them.
    pub fn destinations(&self) -> Vec<&Value> {
        self.assistant["model"]["tools"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t["destinations"].as_array())
            .flatten()
            .collect()
    }
}

/// The embedded catalog, parsed once.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        // The asset is part of the binary and checked by a unit test, so a
        // parse failure is a build defect, not an input error.
        #[allow(clippy::expect_used)]
        serde_json::from_str(PERSONAS_JSON).expect("sim/assets/personas.json is valid")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_catalog_has_personas_with_lines_tools_and_all_three_destination_types() {
        let c = catalog();
        assert!(c.personas.len() >= 3);
        assert_eq!(c.phone_numbers.len(), 5);
        for p in &c.personas {
            assert!(!p.user.is_empty() && !p.bot.is_empty(), "{}", p.name());
            assert!(!p.tools.is_empty(), "{}", p.name());
            assert!(p.system_prompt().len() > 1000, "{}", p.name());
            let types: Vec<&str> = p
                .destinations()
                .iter()
                .filter_map(|d| d["type"].as_str())
                .collect();
            for t in ["assistant", "number", "sip"] {
                assert!(types.contains(&t), "{} lacks a {t} destination", p.name());
            }
        }
    }
}
