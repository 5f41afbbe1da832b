//! The input of the call projection: one small, owned, typed event per
//! stored Vapi server message.
//!
//! This module knows nothing of HTTP, SQL or the wire format. The conversion
//! from a parsed wire message to a [`CallEvent`] lives in one place,
//! [`super::convert`]; everything here is what it must fill in. Timestamps
//! are whole milliseconds since the Unix epoch; the wire's ISO-8601 times
//! are converted before they get here.
//!
//! The types a [`super::CallState`] keeps are `Serialize`/`Deserialize`
//! only so that the projector can keep a call's state frozen in fewer bytes
//! (`project/cache.rs`); they are not a wire or API format.

use serde::{Deserialize, Serialize};

use crate::ids::Seq;

/// One stored message of one call, reduced to what call state needs.
///
/// `seq` identifies the event: the log gives every accepted delivery a
/// unique, increasing `seq`, so two events with the same `seq` are the same
/// event and the second is ignored. `at_ms` is the message's own `timestamp`
/// (when Vapi sent it), not when calltap received it.
#[derive(Clone, Debug, PartialEq)]
pub struct CallEvent {
    /// The log sequence number: the event's identity.
    pub seq: Seq,
    /// The message `timestamp`, epoch milliseconds.
    pub at_ms: i64,
    /// The call, assistant, customer and phone number the message carries
    /// (every Vapi message repeats them); `None` when it carried none.
    pub call: Option<CallInfo>,
    /// What happened.
    pub kind: EventKind,
}

/// What one message says about the call.
#[derive(Clone, Debug, PartialEq)]
pub enum EventKind {
    /// A `status-update`: `call.status` changed.
    Status {
        /// The new status, as sent. Open: unknown values are kept.
        status: String,
        /// `endedReason`, sent with `ended`.
        ended_reason: Option<String>,
        /// `destination`, sent with `forwarding`.
        destination: Option<TransferTarget>,
    },
    /// A `speech-update`: someone started or stopped speaking.
    Speech {
        /// Who.
        role: Role,
        /// Started or stopped.
        status: SpeechStatus,
        /// `turn`, 0-indexed, counted per role by Vapi.
        turn: Option<u32>,
    },
    /// A `conversation-update`: the whole conversation history so far.
    Conversation {
        /// The history (`messages`, or the undocumented `conversation`
        /// field when `messages` is missing), oldest first.
        messages: Vec<HistoryMessage>,
    },
    /// A `transfer-update`: the call was transferred.
    Transfer {
        /// Where to (`destination`).
        destination: TransferTarget,
        /// `fromAssistant.name`, sent for assistant transfers.
        from_assistant: Option<String>,
        /// `toAssistant.name`, sent for assistant transfers.
        to_assistant: Option<String>,
        /// `toStepRecord`, free-form, kept as sent.
        to_step_record: Option<serde_json::Value>,
        /// `fromStepRecord`, free-form, kept as sent.
        from_step_record: Option<serde_json::Value>,
    },
    /// An `end-of-call-report`.
    EndOfCallReport(EndOfCallReport),
    /// Any other message type (`tool-calls`, `transcript`, `hang`, tomorrow's
    /// types, ...): it counts as an event of the call and nothing more.
    Other {
        /// The message `type`, as sent.
        message_type: String,
    },
}

/// The call-level facts every message repeats (`call`, `assistant`,
/// `customer`, `phoneNumber`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CallInfo {
    /// `call.type`: `inboundPhoneCall`, `outboundPhoneCall`, `webCall`, ...
    pub call_type: Option<String>,
    /// `assistant.id`, else `call.assistantId`.
    pub assistant_id: Option<String>,
    /// `assistant.name`.
    pub assistant_name: Option<String>,
    /// `customer.number`, else `call.customer.number`.
    pub customer_number: Option<String>,
    /// `phoneNumber.number`.
    pub phone_number: Option<String>,
}

/// Who a speech update is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    /// The caller / callee (`user`).
    User,
    /// The voice assistant (`assistant`; Vapi's histories say `bot`).
    Assistant,
    /// Any other role, as sent.
    Other(String),
}

impl Role {
    /// The role as the API writes it: `user`, `assistant`, or as sent.
    pub fn as_str(&self) -> &str {
        match self {
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Other(s) => s,
        }
    }
}

/// The `status` of a speech update.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum SpeechStatus {
    /// `started`.
    Started,
    /// `stopped`.
    Stopped,
    /// Anything else, as sent; ignored by the projection.
    Other(String),
}

/// One entry of a conversation history (`messages[]` of a
/// `conversation-update`, or `artifact.messages` of an end-of-call report).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HistoryMessage {
    /// `role` as sent: `system`, `user`, `bot`/`assistant`, `tool_calls`,
    /// `tool_call_result`, ...; the projection writes `bot` as `assistant`.
    pub role: String,
    /// `message` (or `content`); `None` when absent.
    pub text: Option<String>,
    /// `time`, epoch ms.
    pub at_ms: Option<i64>,
    /// `endTime`, epoch ms.
    pub end_at_ms: Option<i64>,
    /// `toolCalls[]` of a `tool_calls` entry.
    pub tool_calls: Vec<ToolCall>,
    /// The result carried by a `tool_call_result` entry.
    pub tool_result: Option<ToolResult>,
}

/// One tool call the assistant made.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    /// `id`, which the result refers to.
    pub id: Option<String>,
    /// `function.name`.
    pub name: Option<String>,
    /// `function.arguments`, the JSON text as sent.
    pub arguments: Option<String>,
}

/// The result of one tool call.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ToolResult {
    /// `toolCallId`.
    pub tool_call_id: Option<String>,
    /// `name` of the tool.
    pub name: Option<String>,
    /// `result`, the text as sent.
    pub result: Option<String>,
}

/// The kind of a transfer destination (`destination.type`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum TransferKind {
    /// `assistant`: handed to another assistant of a squad.
    Assistant,
    /// `number`: forwarded to a phone number.
    Number,
    /// `sip`: forwarded to a SIP URI.
    Sip,
    /// Anything else, as sent.
    Other(String),
}

impl TransferKind {
    /// The kind as the API writes it.
    pub fn as_str(&self) -> &str {
        match self {
            TransferKind::Assistant => "assistant",
            TransferKind::Number => "number",
            TransferKind::Sip => "sip",
            TransferKind::Other(s) => s,
        }
    }
}

/// Where a call was transferred (`destination` of a transfer-update or of a
/// `forwarding` status-update).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TransferTarget {
    /// `type`.
    pub kind: TransferKind,
    /// `assistantName`, for assistant destinations.
    pub assistant_name: Option<String>,
    /// `number`, for number destinations.
    pub number: Option<String>,
    /// `sipUri`, for SIP destinations.
    pub sip_uri: Option<String>,
}

/// What an `end-of-call-report` says.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EndOfCallReport {
    /// `endedReason`.
    pub ended_reason: Option<String>,
    /// `startedAt`, converted to epoch ms.
    pub started_at_ms: Option<i64>,
    /// `endedAt`, converted to epoch ms.
    pub ended_at_ms: Option<i64>,
    /// `cost`, in USD.
    pub cost: Option<f64>,
    /// `artifact.performanceMetrics`, kept as sent for display.
    #[serde(with = "json_text")]
    pub performance_metrics: Option<serde_json::Value>,
    /// `artifact.messages` (or top-level `messages`): the final history, a
    /// transcript candidate like any conversation-update's.
    pub messages: Vec<HistoryMessage>,
}

/// Serde for a free-form JSON value kept in a call's state, as its JSON
/// text: compact formats without self-description (the projector's frozen
/// states) cannot read a `serde_json::Value` back, and the text gives back
/// the same value (`serde_json`'s `float_roundtrip` and `preserve_order`).
pub(crate) mod json_text {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Writes the value as its JSON text.
    pub fn serialize<S: Serializer>(
        value: &Option<serde_json::Value>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value
            .as_ref()
            .map(serde_json::Value::to_string)
            .serialize(serializer)
    }

    /// Reads the value back from its JSON text.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<serde_json::Value>, D::Error> {
        Option::<String>::deserialize(deserializer)?
            .map(|text| serde_json::from_str(&text).map_err(serde::de::Error::custom))
            .transpose()
    }
}
