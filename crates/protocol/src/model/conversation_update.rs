//! `conversation-update`: sent whenever the conversation history grows.

// Struct definitions in this file were generated once from the specs'
// schemas (both trimmed specs under `crates/protocol/schemas/`, plus the full
// specs for nested schemas they lack) by a one-off Python script, and are
// now `model_struct!` lists; doc comments are the schemas' descriptions.
// Hand-written code follows the structs. Keep `tests/models.rs` (spec
// coverage) green when editing by hand.

use super::{Artifact, ArtifactMessage, Assistant, Call, Customer, OpenAiMessage, PhoneNumber};
use crate::Timestamp;
use serde_json::Value;

model_struct! {
    /// A `conversation-update` message: the whole history so far.
    ///
    /// A real delivery sent `messagesOpenAIFormatted` empty, with the history in an undocumented `conversation` field (kept in `extra`).
    ///
    /// Schema: `ServerMessageConversationUpdate` (the `type` tag is implied by the enum variant holding it).
    ConversationUpdate {
        /// This is the phone number that the message is associated with.
        phone_number: PhoneNumber = "phoneNumber",
        /// This is the most up-to-date conversation history at the time the message is sent.
        messages: Vec<ArtifactMessage> = "messages",
        /// This is the most up-to-date conversation history at the time the message is sent, formatted for OpenAI.
        messages_open_ai_formatted: Vec<OpenAiMessage> = "messagesOpenAIFormatted",
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
        /// This is the version label (e.g. `v3`) of the assistant the call was
        /// configured with. `null` for inline assistants, squad/workflow calls,
        /// pre-resolution assistant-request messages, and orgs not on
        /// assistant versioning.
        ///
        /// Only in the 2026-08 spec.
        assistant_version: String = "assistantVersion",
    }
}
