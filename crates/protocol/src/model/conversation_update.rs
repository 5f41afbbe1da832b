//! `conversation-update`: sent whenever the conversation history grows.

// Struct definitions in this file were generated once from the specs'
// schemas (both trimmed specs under `crates/protocol/schemas/`, plus the full
// specs for nested schemas they lack) by a one-off Python script; doc comments
// are the schemas' descriptions. Hand-written code follows the structs. Keep
// `tests/models.rs` (spec coverage) green when editing by hand.

use super::{
    Artifact, ArtifactMessage, Assistant, Call, Customer, Model, OpenAiMessage, PhoneNumber,
};
use crate::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A `conversation-update` message: the whole history so far.
///
/// A real delivery sent `messagesOpenAIFormatted` empty, with the history in an undocumented `conversation` field (kept in `extra`).
///
/// Schema: `ServerMessageConversationUpdate` (the `type` tag is implied by the enum variant holding it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConversationUpdate {
    /// This is the phone number that the message is associated with.
    #[serde(
        rename = "phoneNumber",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub phone_number: Option<PhoneNumber>,
    /// This is the most up-to-date conversation history at the time the message is sent.
    #[serde(rename = "messages", default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<ArtifactMessage>>,
    /// This is the most up-to-date conversation history at the time the message is sent, formatted for OpenAI.
    #[serde(
        rename = "messagesOpenAIFormatted",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub messages_open_ai_formatted: Option<Vec<OpenAiMessage>>,
    /// This is the timestamp of the message.
    #[serde(rename = "timestamp", default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<Timestamp>,
    /// This is a live version of the `call.artifact`.
    ///
    /// This matches what is stored on `call.artifact` after the call.
    #[serde(rename = "artifact", default, skip_serializing_if = "Option::is_none")]
    pub artifact: Option<Box<Artifact>>,
    /// This is the assistant that the message is associated with.
    #[serde(rename = "assistant", default, skip_serializing_if = "Option::is_none")]
    pub assistant: Option<Box<Assistant>>,
    /// This is the customer that the message is associated with.
    #[serde(rename = "customer", default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<Customer>,
    /// This is the call that the message is associated with.
    #[serde(rename = "call", default, skip_serializing_if = "Option::is_none")]
    pub call: Option<Box<Call>>,
    /// This is the chat object.
    #[serde(rename = "chat", default, skip_serializing_if = "Option::is_none")]
    pub chat: Option<Value>,
    /// This is the version label (e.g. `v3`) of the assistant the call was
    /// configured with. `null` for inline assistants, squad/workflow calls,
    /// pre-resolution assistant-request messages, and orgs not on
    /// assistant versioning.
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "assistantVersion",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub assistant_version: Option<String>,
    /// Every property this model does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Model for ConversationUpdate {
    const FIELDS: &'static [&'static str] = &[
        "phoneNumber",
        "messages",
        "messagesOpenAIFormatted",
        "timestamp",
        "artifact",
        "assistant",
        "customer",
        "call",
        "chat",
        "assistantVersion",
    ];

    fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    fn extra_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.extra
    }
}
