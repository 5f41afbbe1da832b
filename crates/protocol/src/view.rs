//! The ingest fast path: a view of a delivery that borrows from the body and
//! reads only what routing and call state need, skipping every other subtree
//! (assistant, artifact, history...) without allocating.
//!
//! STUB: the interface is fixed; the implementation lands with issue 2.

use std::borrow::Cow;

use crate::ParseError;

/// What ingest needs to know about one delivery, borrowed from its body.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryView<'a> {
    /// `message.type`, e.g. `status-update`.
    pub message_type: Cow<'a, str>,
    /// `message.call.id`, when the message belongs to a call.
    pub call_id: Option<Cow<'a, str>>,
    /// `message.timestamp` in milliseconds since the epoch (numbers and ISO-8601 strings).
    pub timestamp_ms: Option<i64>,
    /// `message.status` (status-update: call status; speech-update: started/stopped).
    pub status: Option<Cow<'a, str>>,
    /// `message.role` (speech-update: assistant/user).
    pub role: Option<Cow<'a, str>>,
    /// `message.turn` (speech-update, 0-indexed).
    pub turn: Option<u32>,
    /// `message.endedReason` (status-update `ended`, end-of-call-report).
    pub ended_reason: Option<Cow<'a, str>>,
    /// `message.destination.type` (transfer-update, forwarding status-update).
    pub destination_type: Option<Cow<'a, str>>,
}

impl<'a> DeliveryView<'a> {
    /// Reads the routing fields of a delivery body `{"message": {...}}`.
    pub fn parse(body: &'a [u8]) -> Result<Self, ParseError> {
        let _ = body;
        unimplemented!("issue 2: fast path view")
    }
}
