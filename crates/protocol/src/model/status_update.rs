//! `status-update`: sent whenever the call's status changes.

// Struct definitions in this file were generated once from the specs'
// schemas (both trimmed specs under `crates/protocol/schemas/`, plus the full
// specs for nested schemas they lack) by a one-off Python script, and are
// now `model_struct!` lists; doc comments are the schemas' descriptions.
// Hand-written code follows the structs. Keep `tests/models.rs` (spec
// coverage) green when editing by hand.

use super::{
    Artifact, ArtifactMessage, Assistant, Call, CallStatus, Customer, Destination, EndedReason,
    OpenAiMessage, PhoneNumber,
};
use crate::Timestamp;
use serde_json::Value;

model_struct! {
    /// A `status-update` message: the call moved to a new status.
    ///
    /// Schema: `ServerMessageStatusUpdate` (the `type` tag is implied by the enum variant holding it).
    StatusUpdate {
        /// This is the phone number that the message is associated with.
        phone_number: PhoneNumber = "phoneNumber",
        /// This is the status of the call.
        status: CallStatus = "status",
        /// This is the reason the call ended. This is only sent if the status is "ended".
        ended_reason: EndedReason = "endedReason",
        /// These are the conversation messages of the call. This is only sent if the status is "forwarding".
        messages: Vec<ArtifactMessage> = "messages",
        /// These are the conversation messages of the call. This is only sent if the status is "forwarding".
        messages_open_ai_formatted: Vec<OpenAiMessage> = "messagesOpenAIFormatted",
        /// This is the destination the call is being transferred to. This is only sent if the status is "forwarding".
        destination: Destination = "destination",
        /// This is the timestamp of the message.
        timestamp: Timestamp = "timestamp",
        /// This is a live version of the `call.artifact`.
        ///
        /// This matches what is stored on `call.artifact` after the call.
        artifact: Box<Artifact> = "artifact",
        /// This is the assistant that the message is associated with.
        assistant: Box<Assistant> = "assistant",
        /// This is the customer that the message is associated with.
        customer: Customer = "customer",
        /// This is the call that the message is associated with.
        call: Box<Call> = "call",
        /// This is the chat object.
        chat: Value = "chat",
        /// This is the transcript of the call. This is only sent if the status is "forwarding".
        transcript: String = "transcript",
        /// This is the summary of the call. This is only sent if the status is "forwarding".
        summary: String = "summary",
        /// This is the inbound phone call debugging artifacts. This is only sent if the status is "ended" and there was an error accepting the inbound phone call.
        ///
        /// This will include any errors related to the "assistant-request" if one was made.
        inbound_phone_call_debugging_artifacts: Value = "inboundPhoneCallDebuggingArtifacts",
        /// This is the version label (e.g. `v3`) of the assistant the call was
        /// configured with. `null` for inline assistants, squad/workflow calls,
        /// pre-resolution assistant-request messages, and orgs not on
        /// assistant versioning.
        ///
        /// Only in the 2026-08 spec.
        assistant_version: String = "assistantVersion",
    }
}
