//! The call simulator and load generator behind `calltap simulate` and
//! `calltap replay`.
//!
//! It plays whole Vapi calls (inbound, outbound and web; turns with
//! realistic timing, barge-ins, tool calls, transfers, the end and the
//! end-of-call report) as the exact bodies Vapi POSTs, and knows the truth
//! of every call it plays, so tests can check calltap's call state against
//! it.
//!
//! - [`config`]: the knobs ([`SimConfig`]).
//! - [`rng`]: seeded per-call randomness; same seed, same bytes.
//! - [`persona`]: the embedded assistants, lines and phone numbers.
//! - [`script`]: the call model, a timeline per call ([`CallScript`]).
//! - [`truth`]: what the simulator knows of a call, in the call API's
//!   field names ([`CallTruth`]).
//! - [`render`]: the timeline as Vapi's JSON, spliced from pre-rendered
//!   bytes ([`Renderer`], [`CallRender`]).
//! - [`jsonl`]: deliveries to and from JSON Lines files.
//! - [`send`]: POSTing calls to a URL, signed, paced and bounded, with a
//!   progress bar and a latency report.
//! - [`answers`]: checking the answers to `tool-calls` (a result for every
//!   `toolCallId`) and timing them, for that report.
//!
//! The simulator never reads calltap's store or HTTP server: it only
//! produces bytes and sends them, like Vapi.

pub mod answers;
pub mod config;
pub mod jsonl;
pub mod persona;
pub mod render;
pub mod rng;
pub mod script;
pub mod send;
pub mod truth;

#[cfg(test)]
mod tests;

pub use config::{CallMix, MessageTypes, SimConfig};
pub use render::{CallRender, Renderer};
pub use script::{CallKind, CallScript};
pub use truth::CallTruth;
