//! `end-of-call-report`: the summary Vapi sends once a call has ended.

// Struct definitions in this file were generated once from the specs'
// schemas (both trimmed specs under `crates/protocol/schemas/`, plus the full
// specs for nested schemas they lack) by a one-off Python script, and are
// now `model_struct!` lists; doc comments are the schemas' descriptions.
// Hand-written code follows the structs. Keep `tests/models.rs` (spec
// coverage) green when editing by hand.

use super::{
    Analysis, Artifact, Assistant, Call, Cost, Customer, Destination, EndedReason, PhoneNumber,
};
use crate::Timestamp;
use serde_json::{Number, Value};

model_struct! {
    /// An `end-of-call-report` message: how the call ended, what it cost, what was said.
    ///
    /// Real reports carry about nine top-level fields the spec lacks (`costBreakdown`, `durationMs`, `durationSeconds`, `durationMinutes`, `messages`, `recordingUrl`, `stereoRecordingUrl`, `summary`, `transcript`); they are kept in `extra`.
    ///
    /// Schema: `ServerMessageEndOfCallReport` (the `type` tag is implied by the enum variant holding it).
    EndOfCallReport {
        /// This is the phone number that the message is associated with.
        phone_number: PhoneNumber = "phoneNumber",
        /// This is the reason the call ended. This can also be found at `call.endedReason` on GET /call/:id.
        ended_reason: EndedReason = "endedReason",
        /// This is the cost of the call in USD. This can also be found at `call.cost` on GET /call/:id.
        cost: Number = "cost",
        /// These are the costs of individual components of the call in USD. This can also be found at `call.costs` on GET /call/:id.
        costs: Vec<Cost> = "costs",
        /// This is the timestamp of the message.
        timestamp: Timestamp = "timestamp",
        /// These are the artifacts from the call. This can also be found at `call.artifact` on GET /call/:id.
        artifact: Box<Artifact> = "artifact",
        /// This is the assistant that the message is associated with.
        assistant: Box<Assistant> = "assistant",
        /// This is the customer that the message is associated with.
        customer: Customer = "customer",
        /// This is the call that the message is associated with.
        call: Box<Call> = "call",
        /// This is the chat object.
        chat: Value = "chat",
        /// This is the analysis of the call. This can also be found at `call.analysis` on GET /call/:id.
        analysis: Analysis = "analysis",
        /// This is the ISO 8601 date-time string of when the call started. This can also be found at `call.startedAt` on GET /call/:id.
        started_at: Timestamp = "startedAt",
        /// This is the ISO 8601 date-time string of when the call ended. This can also be found at `call.endedAt` on GET /call/:id.
        ended_at: Timestamp = "endedAt",
        /// This is the version label (e.g. `v3`) of the assistant the call was
        /// configured with. `null` for inline assistants, squad/workflow calls,
        /// pre-resolution assistant-request messages, and orgs not on
        /// assistant versioning.
        ///
        /// Only in the 2026-08 spec.
        assistant_version: String = "assistantVersion",
        /// This is the destination the call was transferred to, if the call was forwarded.
        /// This can also be found at `call.destination` on GET /call/:id.
        ///
        /// Only in the 2026-08 spec.
        destination: Destination = "destination",
        /// This is the compliance result of the call. This can also be found at `call.compliance` on GET /call/:id.
        ///
        /// Only in the 2026-08 spec.
        compliance: Value = "compliance",
    }
}
