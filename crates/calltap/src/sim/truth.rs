//! The ground truth of a simulated call, written by `--truth` and used by
//! tests as the oracle for calltap's call state.
//!
//! Field names and meanings are those of the call API ([`CallDetail`]), and
//! the nested types are the API's own ([`StatusChange`], [`Turn`],
//! [`TransferEntry`]), so a test compares the truth with the served call
//! field for field. The values are computed by the simulator from the
//! timeline it generated, not by running `calls/`: latency is assistant
//! start minus the user stop it answers (none for the greeting or for an
//! assistant that follows another without user speech), an utterance is
//! `interrupted` when the user started strictly inside it, and transfers are
//! listed as the messages sent show them (a transfer to an assistant is only
//! visible with `transfer-update` enabled).
//!
//! [`CallDetail`]: crate::calls::CallDetail

use serde::Serialize;

use crate::calls::detail::{StatusChange, TransferEntry, Turn};

/// What the simulator knows about one call it played.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CallTruth {
    /// The call id.
    pub id: String,
    /// `call.type`.
    #[serde(rename = "type")]
    pub call_type: String,
    /// The final status: always `ended`.
    pub status: String,
    /// The ended reason sent in the `ended` status-update and the report.
    pub ended_reason: String,
    /// The report's `startedAt` (epoch ms); `null` for unanswered calls.
    pub started_at: Option<i64>,
    /// The report's `endedAt` (epoch ms).
    pub ended_at: Option<i64>,
    /// Every status-update sent, in order.
    pub status_history: Vec<StatusChange>,
    /// Every assistant utterance, in order.
    pub turns: Vec<Turn>,
    /// The transfers, as the messages sent reveal them.
    pub transfers: Vec<TransferEntry>,
    /// Counts derived from the turns.
    pub metrics: TruthMetrics,
    /// How many deliveries the call made.
    pub deliveries: u64,
}

/// The subset of [`crate::calls::detail::CallMetrics`] the simulator decides.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TruthMetrics {
    /// Assistant utterances, greeting included.
    pub turn_count: u64,
    /// User starts strictly inside an assistant utterance.
    pub interruptions_by_user: u64,
    /// Assistant starts strictly inside a user utterance (the simulator
    /// never makes any).
    pub interruptions_by_assistant: u64,
}
