//! `transfer-update`: sent whenever the call is transferred.

// Struct definitions in this file were generated once from the specs'
// schemas (both trimmed specs under `crates/protocol/schemas/`, plus the full
// specs for nested schemas they lack) by a one-off Python script, and are
// now `model_struct!` lists; doc comments are the schemas' descriptions.
// Hand-written code follows the structs. Keep `tests/models.rs` (spec
// coverage) green when editing by hand.

use super::{Artifact, Assistant, Call, Customer, Destination, PhoneNumber};
use crate::Timestamp;
use serde_json::Value;

model_struct! {
    /// A `transfer-update` message: the call is being transferred.
    ///
    /// Schema: `ServerMessageTransferUpdate` (the `type` tag is implied by the enum variant holding it).
    TransferUpdate {
        /// This is the phone number that the message is associated with.
        phone_number: PhoneNumber = "phoneNumber",
        /// This is the destination of the transfer.
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
        /// This is the assistant that the call is being transferred to. This is only sent if `destination.type` is "assistant".
        to_assistant: Box<Assistant> = "toAssistant",
        /// This is the assistant that the call is being transferred from. This is only sent if `destination.type` is "assistant".
        from_assistant: Box<Assistant> = "fromAssistant",
        /// This is the step that the conversation moved to.
        to_step_record: Value = "toStepRecord",
        /// This is the step that the conversation moved from. =
        from_step_record: Value = "fromStepRecord",
        /// This is the version label (e.g. `v3`) of the assistant the call was
        /// configured with. `null` for inline assistants, squad/workflow calls,
        /// pre-resolution assistant-request messages, and orgs not on
        /// assistant versioning.
        ///
        /// Only in the 2026-08 spec.
        assistant_version: String = "assistantVersion",
    }
}
