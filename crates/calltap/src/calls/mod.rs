//! Call state: the domain core that turns a call's events into its status
//! timeline, speech, turns and latency, transcript, transfers and metrics,
//! and many calls into fleet statistics.
//!
//! Pure functions over events: this module knows nothing of HTTP, SQL, the
//! wire format or arrival order, with one exception kept at the edge:
//! [`convert`], the only place that reads wire messages and turns them into
//! [`CallEvent`], the input of everything else. The output,
//! [`CallDetail`], [`CallSummary`] and [`analytics::FleetStats`], is the
//! API's JSON contract.
//!
//! - [`convert`]: wire message → [`CallEvent`] (the one edge).
//! - [`event`]: the input type.
//! - [`state`]: the order-independent projection, [`CallState`].
//! - [`analytics`]: turns, latency, interruptions, talk time, fleet stats.
//! - [`detail`]: the output types.

pub mod analytics;
pub mod convert;
pub mod detail;
pub mod event;
pub mod state;

#[cfg(test)]
pub(crate) mod tests;

pub use analytics::{fleet_stats, FleetGroup, FleetQuery, FleetStats, GroupBy};
pub use detail::{CallDetail, CallSummary};
pub use event::{
    CallEvent, CallInfo, EndOfCallReport, EventKind, HistoryMessage, Role, SpeechStatus, ToolCall,
    ToolResult, TransferKind, TransferTarget,
};
pub use state::CallState;
