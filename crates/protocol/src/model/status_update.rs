//! `status-update`: sent whenever the call's status changes.

// Struct definitions in this file were generated once from the specs'
// schemas (both trimmed specs under `crates/protocol/schemas/`, plus the full
// specs for nested schemas they lack) by a one-off Python script; doc comments
// are the schemas' descriptions. Hand-written code follows the structs. Keep
// `tests/models.rs` (spec coverage) green when editing by hand.

use super::{
    Artifact, ArtifactMessage, Assistant, Call, CallStatus, Customer, Destination, EndedReason,
    Model, OpenAiMessage, PhoneNumber,
};
use crate::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A `status-update` message: the call moved to a new status.
///
/// Schema: `ServerMessageStatusUpdate` (the `type` tag is implied by the enum variant holding it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StatusUpdate {
    /// This is the phone number that the message is associated with.
    #[serde(
        rename = "phoneNumber",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub phone_number: Option<PhoneNumber>,
    /// This is the status of the call.
    #[serde(rename = "status", default, skip_serializing_if = "Option::is_none")]
    pub status: Option<CallStatus>,
    /// This is the reason the call ended. This is only sent if the status is "ended".
    #[serde(
        rename = "endedReason",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ended_reason: Option<EndedReason>,
    /// These are the conversation messages of the call. This is only sent if the status is "forwarding".
    #[serde(rename = "messages", default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<ArtifactMessage>>,
    /// These are the conversation messages of the call. This is only sent if the status is "forwarding".
    #[serde(
        rename = "messagesOpenAIFormatted",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub messages_open_ai_formatted: Option<Vec<OpenAiMessage>>,
    /// This is the destination the call is being transferred to. This is only sent if the status is "forwarding".
    #[serde(
        rename = "destination",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub destination: Option<Destination>,
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
    /// This is the transcript of the call. This is only sent if the status is "forwarding".
    #[serde(
        rename = "transcript",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub transcript: Option<String>,
    /// This is the summary of the call. This is only sent if the status is "forwarding".
    #[serde(rename = "summary", default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// This is the inbound phone call debugging artifacts. This is only sent if the status is "ended" and there was an error accepting the inbound phone call.
    ///
    /// This will include any errors related to the "assistant-request" if one was made.
    #[serde(
        rename = "inboundPhoneCallDebuggingArtifacts",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub inbound_phone_call_debugging_artifacts: Option<Value>,
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

impl Model for StatusUpdate {
    const FIELDS: &'static [&'static str] = &[
        "phoneNumber",
        "status",
        "endedReason",
        "messages",
        "messagesOpenAIFormatted",
        "destination",
        "timestamp",
        "artifact",
        "assistant",
        "customer",
        "call",
        "chat",
        "transcript",
        "summary",
        "inboundPhoneCallDebuggingArtifacts",
        "assistantVersion",
    ];

    fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    fn extra_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.extra
    }
}
