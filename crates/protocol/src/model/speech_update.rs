//! `speech-update`: sent whenever the assistant or the user starts or stops speaking.

// Struct definitions in this file were generated once from the specs'
// schemas (both trimmed specs under `crates/protocol/schemas/`, plus the full
// specs for nested schemas they lack) by a one-off Python script, and are
// now `model_struct!` lists; doc comments are the schemas' descriptions.
// Hand-written code follows the structs. Keep `tests/models.rs` (spec
// coverage) green when editing by hand.

use super::{Artifact, Assistant, Call, Customer, PhoneNumber, SpeechRole, SpeechStatus};
use crate::Timestamp;
use serde_json::{Number, Value};

model_struct! {
    /// A `speech-update` message: someone started or stopped speaking.
    ///
    /// Schema: `ServerMessageSpeechUpdate` (the `type` tag is implied by the enum variant holding it).
    SpeechUpdate {
        /// This is the phone number that the message is associated with.
        phone_number: PhoneNumber = "phoneNumber",
        /// This is the status of the speech update.
        status: SpeechStatus = "status",
        /// This is the role which the speech update is for.
        role: SpeechRole = "role",
        /// This is the turn number of the speech update (0-indexed).
        turn: Number = "turn",
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

impl SpeechUpdate {
    /// The turn number (0-indexed) as an integer, if `turn` is a
    /// non-negative whole number that fits (`3` and `3.0` both give 3).
    pub fn turn_index(&self) -> Option<u32> {
        let turn = self.turn.as_ref()?;
        if let Some(n) = turn.as_u64() {
            return u32::try_from(n).ok();
        }
        let f = turn.as_f64()?;
        // Whole, non-negative and in range: the cast is exact.
        (f.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&f)).then_some(f as u32)
    }
}
