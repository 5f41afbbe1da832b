//! `end-of-call-report`: the summary Vapi sends once a call has ended.

// Struct definitions in this file were generated once from the specs'
// schemas (both trimmed specs under `crates/protocol/schemas/`, plus the full
// specs for nested schemas they lack) by a one-off Python script; doc comments
// are the schemas' descriptions. Hand-written code follows the structs. Keep
// `tests/models.rs` (spec coverage) green when editing by hand.

use super::{
    Analysis, Artifact, Assistant, Call, Cost, Customer, Destination, EndedReason, Model,
    PhoneNumber,
};
use crate::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

/// An `end-of-call-report` message: how the call ended, what it cost, what was said.
///
/// Real reports carry about nine top-level fields the spec lacks (`costBreakdown`, `durationMs`, `durationSeconds`, `durationMinutes`, `messages`, `recordingUrl`, `stereoRecordingUrl`, `summary`, `transcript`); they are kept in `extra`.
///
/// Schema: `ServerMessageEndOfCallReport` (the `type` tag is implied by the enum variant holding it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EndOfCallReport {
    /// This is the phone number that the message is associated with.
    #[serde(
        rename = "phoneNumber",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub phone_number: Option<PhoneNumber>,
    /// This is the reason the call ended. This can also be found at `call.endedReason` on GET /call/:id.
    #[serde(
        rename = "endedReason",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ended_reason: Option<EndedReason>,
    /// This is the cost of the call in USD. This can also be found at `call.cost` on GET /call/:id.
    #[serde(rename = "cost", default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<Number>,
    /// These are the costs of individual components of the call in USD. This can also be found at `call.costs` on GET /call/:id.
    #[serde(rename = "costs", default, skip_serializing_if = "Option::is_none")]
    pub costs: Option<Vec<Cost>>,
    /// This is the timestamp of the message.
    #[serde(rename = "timestamp", default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<Timestamp>,
    /// These are the artifacts from the call. This can also be found at `call.artifact` on GET /call/:id.
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
    /// This is the analysis of the call. This can also be found at `call.analysis` on GET /call/:id.
    #[serde(rename = "analysis", default, skip_serializing_if = "Option::is_none")]
    pub analysis: Option<Analysis>,
    /// This is the ISO 8601 date-time string of when the call started. This can also be found at `call.startedAt` on GET /call/:id.
    #[serde(rename = "startedAt", default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Timestamp>,
    /// This is the ISO 8601 date-time string of when the call ended. This can also be found at `call.endedAt` on GET /call/:id.
    #[serde(rename = "endedAt", default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<Timestamp>,
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
    /// This is the destination the call was transferred to, if the call was forwarded.
    /// This can also be found at `call.destination` on GET /call/:id.
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "destination",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub destination: Option<Destination>,
    /// This is the compliance result of the call. This can also be found at `call.compliance` on GET /call/:id.
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "compliance",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub compliance: Option<Value>,
    /// Every property this model does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Model for EndOfCallReport {
    const FIELDS: &'static [&'static str] = &[
        "phoneNumber",
        "endedReason",
        "cost",
        "costs",
        "timestamp",
        "artifact",
        "assistant",
        "customer",
        "call",
        "chat",
        "analysis",
        "startedAt",
        "endedAt",
        "assistantVersion",
        "destination",
        "compliance",
    ];

    fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    fn extra_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.extra
    }
}
