//! `speech-update`: sent whenever the assistant or the user starts or stops speaking.

// Struct definitions in this file were generated once from the specs'
// schemas (both trimmed specs under `crates/protocol/schemas/`, plus the full
// specs for nested schemas they lack) by a one-off Python script; doc comments
// are the schemas' descriptions. Hand-written code follows the structs. Keep
// `tests/models.rs` (spec coverage) green when editing by hand.

use super::{Artifact, Assistant, Call, Customer, Model, PhoneNumber, SpeechRole, SpeechStatus};
use crate::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

/// A `speech-update` message: someone started or stopped speaking.
///
/// Schema: `ServerMessageSpeechUpdate` (the `type` tag is implied by the enum variant holding it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SpeechUpdate {
    /// This is the phone number that the message is associated with.
    #[serde(
        rename = "phoneNumber",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub phone_number: Option<PhoneNumber>,
    /// This is the status of the speech update.
    #[serde(rename = "status", default, skip_serializing_if = "Option::is_none")]
    pub status: Option<SpeechStatus>,
    /// This is the role which the speech update is for.
    #[serde(rename = "role", default, skip_serializing_if = "Option::is_none")]
    pub role: Option<SpeechRole>,
    /// This is the turn number of the speech update (0-indexed).
    #[serde(rename = "turn", default, skip_serializing_if = "Option::is_none")]
    pub turn: Option<Number>,
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

impl Model for SpeechUpdate {
    const FIELDS: &'static [&'static str] = &[
        "phoneNumber",
        "status",
        "role",
        "turn",
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
