//! Lenient readings: what real deliveries carry outside the typed fields,
//! read so that a receiver never looks up Vapi's keys in raw JSON itself.
//!
//! - the undocumented histories: a `conversation-update`'s `conversation`
//!   and an `end-of-call-report`'s top-level `messages`
//!   ([`ConversationUpdate::conversation`],
//!   [`EndOfCallReport::top_level_messages`]), whose entries come in
//!   Vapi's format or OpenAI's ([`HistoryEntry`]);
//! - the tool calls a history entry lists, with arguments as JSON text or
//!   an object ([`ListedToolCall`]);
//! - the number, assistant name or SIP URI of a phone number or
//!   destination whatever its variant, including objects kept as sent, and
//!   the text of a history entry of unknown role.

use serde_json::{Map, Value};

use super::{
    ArtifactMessage, ConversationUpdate, Destination, EndOfCallReport, OpenAiMessage, PhoneNumber,
    ToolCallMessage,
};

impl ConversationUpdate {
    /// The undocumented `conversation` history of real deliveries (entries
    /// in either format, see [`HistoryEntry`]), when it is an array. Real
    /// deliveries send it where `messagesOpenAIFormatted` is empty.
    pub fn conversation(&self) -> Option<&[Value]> {
        array(&self.extra, "conversation")
    }
}

impl EndOfCallReport {
    /// The history real reports repeat at the top level (`messages`,
    /// undocumented; entries in either format, see [`HistoryEntry`]), when
    /// it is an array.
    pub fn top_level_messages(&self) -> Option<&[Value]> {
        array(&self.extra, "messages")
    }
}

/// One entry of a history kept as raw JSON, read in the format it is in.
#[derive(Clone, Debug, PartialEq)]
pub enum HistoryEntry {
    /// Vapi's format: the entry has one of Vapi's keys (`message`, `time`,
    /// `toolCalls`, `result`).
    Vapi(ArtifactMessage),
    /// OpenAI's format (`content`, `tool_calls`): it has none of them.
    OpenAi(OpenAiMessage),
    /// It does not read in its format; it still holds its place in the
    /// history, with its `role` when that is a string.
    Unreadable {
        /// `role`, if a string.
        role: Option<String>,
    },
}

impl HistoryEntry {
    /// Reads one entry. Both formats share `role`, so the keys only one of
    /// them has decide.
    pub fn read(entry: &Value) -> HistoryEntry {
        let vapi_format = ["message", "time", "toolCalls", "result"]
            .iter()
            .any(|key| entry.get(key).is_some());
        let parsed = if vapi_format {
            serde_json::from_value::<ArtifactMessage>(entry.clone()).map(HistoryEntry::Vapi)
        } else {
            serde_json::from_value::<OpenAiMessage>(entry.clone()).map(HistoryEntry::OpenAi)
        };
        parsed.unwrap_or_else(|_| HistoryEntry::Unreadable {
            role: entry.get("role").and_then(Value::as_str).map(str::to_owned),
        })
    }
}

/// One tool call as a history entry lists it (`toolCalls` in Vapi's
/// format, `tool_calls` in OpenAI's: `{id, type, function: {name,
/// arguments}}`), any part of which may be missing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ListedToolCall<'a> {
    /// `id`.
    pub id: Option<&'a str>,
    /// `function.name`.
    pub name: Option<&'a str>,
    /// `function.arguments`: JSON text, or (in some deliveries) an object.
    pub arguments: Option<&'a Value>,
}

impl ListedToolCall<'_> {
    /// The arguments as JSON text: as sent when a string, else serialised.
    pub fn arguments_text(&self) -> Option<String> {
        self.arguments.map(|arguments| match arguments {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        })
    }
}

impl ToolCallMessage {
    /// The tool calls this entry lists (`toolCalls`); none when it is not
    /// an array.
    pub fn listed_tool_calls(&self) -> Vec<ListedToolCall<'_>> {
        listed_tool_calls(self.tool_calls.as_ref())
    }
}

impl OpenAiMessage {
    /// The tool calls this entry lists (`tool_calls`); none when it is not
    /// an array.
    pub fn listed_tool_calls(&self) -> Vec<ListedToolCall<'_>> {
        listed_tool_calls(self.tool_calls.as_ref())
    }
}

fn listed_tool_calls(value: Option<&Value>) -> Vec<ListedToolCall<'_>> {
    let Some(calls) = value.and_then(Value::as_array) else {
        return Vec::new();
    };
    calls
        .iter()
        .map(|call| {
            let function = call.get("function");
            ListedToolCall {
                id: call.get("id").and_then(Value::as_str),
                name: function.and_then(|f| f.get("name")).and_then(Value::as_str),
                arguments: function.and_then(|f| f.get("arguments")),
            }
        })
        .collect()
}

impl ArtifactMessage {
    /// [`ArtifactMessage::text`], or for an entry of unknown role its
    /// `content` (OpenAI's key for it).
    pub fn text_or_content(&self) -> Option<&str> {
        match self {
            ArtifactMessage::Other(map) => self.text().or_else(|| string(map, "content")),
            _ => self.text(),
        }
    }
}

impl PhoneNumber {
    /// The phone number itself (`number`): typed for the providers whose
    /// DTO has it, else as sent (the Vapi DTO documents none, but Vapi
    /// assigns and may send one).
    pub fn number(&self) -> Option<&str> {
        let (typed, extra) = match self {
            PhoneNumber::Byo(p) => (p.number.as_deref(), &p.extra),
            PhoneNumber::Twilio(p) => (p.number.as_deref(), &p.extra),
            PhoneNumber::Vonage(p) => (p.number.as_deref(), &p.extra),
            PhoneNumber::Telnyx(p) => (p.number.as_deref(), &p.extra),
            PhoneNumber::Vapi(p) => (None, &p.extra),
            PhoneNumber::Other(map) => (None, map),
        };
        typed.or_else(|| string(extra, "number"))
    }
}

impl Destination {
    /// The assistant a transfer goes to (`assistantName`): an assistant
    /// destination's, or an unknown destination's that names one.
    pub fn assistant_name(&self) -> Option<&str> {
        match self {
            Destination::Assistant(d) => d.assistant_name.as_deref(),
            Destination::Other(map) => string(map, "assistantName"),
            _ => None,
        }
    }

    /// The number a transfer dials (`number`): a number destination's, or
    /// an unknown destination's that names one.
    pub fn number(&self) -> Option<&str> {
        match self {
            Destination::Number(d) => d.number.as_deref(),
            Destination::Other(map) => string(map, "number"),
            _ => None,
        }
    }

    /// The SIP URI a transfer goes to (`sipUri`): a SIP destination's, or
    /// an unknown destination's that names one.
    pub fn sip_uri(&self) -> Option<&str> {
        match self {
            Destination::Sip(d) => d.sip_uri.as_deref(),
            Destination::Other(map) => string(map, "sipUri"),
            _ => None,
        }
    }
}

fn string<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    map.get(key).and_then(Value::as_str)
}

fn array<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a [Value]> {
    map.get(key).and_then(Value::as_array).map(Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_raw_history_entry_is_read_in_the_format_its_keys_say() {
        let vapi = HistoryEntry::read(&json!({"role": "bot", "message": "Hi", "time": 1}));
        assert!(
            matches!(vapi, HistoryEntry::Vapi(ArtifactMessage::Bot(_))),
            "{vapi:?}"
        );
        let open_ai = HistoryEntry::read(&json!({"role": "assistant", "content": "Hi"}));
        assert!(matches!(&open_ai, HistoryEntry::OpenAi(m) if m.content.as_deref() == Some("Hi")));
        assert_eq!(
            HistoryEntry::read(&json!({"role": "bot", "time": "not a time"})),
            HistoryEntry::Unreadable {
                role: Some("bot".to_owned())
            }
        );
        assert_eq!(
            HistoryEntry::read(&json!([1])),
            HistoryEntry::Unreadable { role: None }
        );
    }

    #[test]
    fn listed_tool_calls_keep_their_arguments_as_text_whatever_form_they_came_in() {
        let message: OpenAiMessage =
            serde_json::from_value(json!({"role": "assistant", "tool_calls": [
                {"id": "a", "function": {"name": "book", "arguments": "{\"day\":\"Mon\"}"}},
                {"id": "b", "function": {"name": "book", "arguments": {"day": "Tue"}}},
                "not a call"
            ]}))
            .expect("parses");
        let calls = message.listed_tool_calls();
        let texts: Vec<_> = calls.iter().map(ListedToolCall::arguments_text).collect();
        assert_eq!(
            texts,
            [
                Some(r#"{"day":"Mon"}"#.to_owned()),
                Some(r#"{"day":"Tue"}"#.to_owned()),
                None
            ]
        );
        assert_eq!((calls[1].id, calls[1].name), (Some("b"), Some("book")));
        assert_eq!(
            calls[2],
            ListedToolCall {
                id: None,
                name: None,
                arguments: None
            }
        );
        let none: OpenAiMessage =
            serde_json::from_value(json!({"tool_calls": {"id": "a"}})).expect("parses");
        assert!(none.listed_tool_calls().is_empty());
    }

    #[test]
    fn numbers_names_and_uris_are_read_from_typed_and_unknown_variants_alike() {
        let vapi: PhoneNumber =
            serde_json::from_value(json!({"provider": "vapi", "number": "+1"})).expect("parses");
        let twilio: PhoneNumber =
            serde_json::from_value(json!({"provider": "twilio", "number": "+2"})).expect("parses");
        let other: PhoneNumber =
            serde_json::from_value(json!({"provider": "new", "number": "+3"})).expect("parses");
        assert_eq!(
            [vapi.number(), twilio.number(), other.number()],
            [Some("+1"), Some("+2"), Some("+3")]
        );
        let sip: Destination =
            serde_json::from_value(json!({"type": "sip", "sipUri": "sip:a@b", "number": "+4"}))
                .expect("parses");
        assert_eq!((sip.sip_uri(), sip.number()), (Some("sip:a@b"), None));
        let other: Destination = serde_json::from_value(
            json!({"type": "new", "assistantName": "Ann", "number": "+5", "sipUri": "sip:c@d"}),
        )
        .expect("parses");
        assert_eq!(
            (other.assistant_name(), other.number(), other.sip_uri()),
            (Some("Ann"), Some("+5"), Some("sip:c@d"))
        );
    }

    #[test]
    fn an_entry_of_unknown_role_reads_its_text_from_message_or_content() {
        let read = |value| serde_json::from_value::<ArtifactMessage>(value).expect("parses");
        assert_eq!(
            read(json!({"role": "new", "content": "c"})).text_or_content(),
            Some("c")
        );
        assert_eq!(
            read(json!({"role": "new", "message": "m", "content": "c"})).text_or_content(),
            Some("m")
        );
        assert_eq!(
            read(json!({"role": "bot", "content": "c"})).text_or_content(),
            None
        );
    }

    #[test]
    fn the_undocumented_histories_are_read_when_they_are_arrays() {
        let update: ConversationUpdate =
            serde_json::from_value(json!({"conversation": [{"role": "user"}]})).expect("parses");
        assert_eq!(update.conversation().map(<[Value]>::len), Some(1));
        let report: EndOfCallReport =
            serde_json::from_value(json!({"messages": "not a history"})).expect("parses");
        assert_eq!(report.top_level_messages(), None);
    }
}
