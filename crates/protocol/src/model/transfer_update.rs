//! `transfer-update`: sent whenever the call is transferred.

// Struct definitions in this file were generated once from the specs'
// schemas (both trimmed specs under `crates/protocol/schemas/`, plus the full
// specs for nested schemas they lack) by a one-off Python script; doc comments
// are the schemas' descriptions. Hand-written code follows the structs. Keep
// `tests/models.rs` (spec coverage) green when editing by hand.

use super::{Artifact, Assistant, Call, Customer, Destination, Model, PhoneNumber};
use crate::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A `transfer-update` message: the call is being transferred.
///
/// Schema: `ServerMessageTransferUpdate` (the `type` tag is implied by the enum variant holding it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TransferUpdate {
    /// This is the phone number that the message is associated with.
    #[serde(
        rename = "phoneNumber",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub phone_number: Option<PhoneNumber>,
    /// This is the destination of the transfer.
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
    /// This is the assistant that the call is being transferred to. This is only sent if `destination.type` is "assistant".
    #[serde(
        rename = "toAssistant",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub to_assistant: Option<Box<Assistant>>,
    /// This is the assistant that the call is being transferred from. This is only sent if `destination.type` is "assistant".
    #[serde(
        rename = "fromAssistant",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub from_assistant: Option<Box<Assistant>>,
    /// This is the step that the conversation moved to.
    #[serde(
        rename = "toStepRecord",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub to_step_record: Option<Value>,
    /// This is the step that the conversation moved from. =
    #[serde(
        rename = "fromStepRecord",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub from_step_record: Option<Value>,
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

impl Model for TransferUpdate {
    const FIELDS: &'static [&'static str] = &[
        "phoneNumber",
        "destination",
        "timestamp",
        "artifact",
        "assistant",
        "customer",
        "call",
        "chat",
        "toAssistant",
        "fromAssistant",
        "toStepRecord",
        "fromStepRecord",
        "assistantVersion",
    ];

    fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    fn extra_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.extra
    }
}
