//! The output of the call projection: [`CallDetail`] for one call and
//! [`CallSummary`] for lists and fleet statistics.
//!
//! **These structs are the API contract.** Their `Serialize` form is the JSON
//! the query API returns, field for field, so renaming or removing a field is
//! a breaking change (the snapshot tests under `calls/tests/snapshots/` show
//! it). All times are integer milliseconds since the Unix epoch and all
//! durations integer milliseconds; unknown values are `null`, never `0`.
//! This module knows nothing of HTTP or SQL; the `ToSchema` derives describe
//! the same JSON in the OpenAPI document. The fields the two share are
//! written once, in `call_structs!`, which declares both.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ids::CallId;

/// The version of the stored projections' format: bump it whenever what
/// `CallState::detail` writes for the same events changes (a field added,
/// renamed or computed differently, a tie broken another way). The
/// database records the format its `calls` rows were written in; a server
/// that finds another one rebuilds them from the log in the background at
/// start (`project::Projector::upgrade`), so an upgrade never serves rows
/// it cannot read. History: 1, unversioned; 2, ties between events of one
/// timestamp broken by content rather than arrival; 3, by the content of
/// the fact kept (a status, a history, a value) rather than the whole event;
/// 4, a status, speech or transfer fact equal to one of its timestamp kept
/// once.
pub const PROJECTION_FORMAT: u32 = 4;

/// Declares [`CallSummary`] and [`CallDetail`], writing each field they
/// share once: its name, type and attributes, with the summary's and the
/// detail's descriptions side by side (each struct's OpenAPI schema shows
/// its own). A struct holding the shared fields, flattened into both, would
/// say it once too, but would turn both schemas into `allOf`s.
///
/// The JSON keeps each struct's order: both open with the `first` fields;
/// the summary has the `counts` next and its own fields last; the detail
/// has its own fields next and the `counts` last. Each of the summary's own
/// fields says how it is computed from the detail (`= expression`), so
/// [`CallDetail::summary`] is written here too.
macro_rules! call_structs {
    (
        first {$(
            $(#[$($first_attr:tt)*])*
            $first:ident: $first_ty:ty,
            summary: { $(#[$($first_summary_doc:tt)*])* },
            detail: { $(#[$($first_detail_doc:tt)*])* };
        )*}
        counts {$(
            $count:ident: $count_ty:ty,
            summary: { $(#[$($count_summary_doc:tt)*])* },
            detail: { $(#[$($count_detail_doc:tt)*])* };
        )*}
        $(#[$($summary_attr:tt)*])*
        pub struct CallSummary from |$detail:ident| {$(
            $(#[$($own_attr:tt)*])*
            pub $own:ident: $own_ty:ty = $own_value:expr,
        )*}
        $(#[$($detail_attr:tt)*])*
        pub struct CallDetail { $($detail_own:tt)* }
    ) => {
        $(#[$($summary_attr)*])*
        pub struct CallSummary {
            $( $(#[$($first_summary_doc)*])* $(#[$($first_attr)*])* pub $first: $first_ty, )*
            $( $(#[$($count_summary_doc)*])* pub $count: $count_ty, )*
            $( $(#[$($own_attr)*])* pub $own: $own_ty, )*
        }

        $(#[$($detail_attr)*])*
        pub struct CallDetail {
            $( $(#[$($first_detail_doc)*])* $(#[$($first_attr)*])* pub $first: $first_ty, )*
            $($detail_own)*
            $( $(#[$($count_detail_doc)*])* pub $count: $count_ty, )*
        }

        impl CallDetail {
            /// The summary of this call: the fields it shares with the
            /// detail, and its own, computed from the detail.
            pub fn summary(&self) -> CallSummary {
                let $detail = self;
                CallSummary {
                    $( $first: $detail.$first.clone(), )*
                    $( $count: $detail.$count, )*
                    $( $own: $own_value, )*
                }
            }
        }
    };
}

call_structs! {
    // The fields both open with, in this order.
    first {
        #[schema(value_type = String)]
        id: CallId,
        summary: {
            /// The call id.
        },
        detail: {
            /// The call id.
        };

        #[serde(rename = "type")]
        call_type: Option<String>,
        summary: {
            /// `call.type`.
        },
        detail: {
            /// `call.type` (`inboundPhoneCall`, `outboundPhoneCall`, `webCall`, ...).
        };

        status: Option<String>,
        summary: {
            /// As in [`CallDetail::status`].
        },
        detail: {
            /// The furthest status reached (see `CallState` for the rule); `null`
            /// when no known status was seen.
        };

        ended_reason: Option<String>,
        summary: {
            /// As in [`CallDetail::ended_reason`].
        },
        detail: {
            /// Why the call ended: the end-of-call report's, else the `ended`
            /// status-update's.
        };

        assistant: AssistantRef,
        summary: {
            /// The assistant the call started with.
        },
        detail: {
            /// The assistant the call started with.
        };

        customer_number: Option<String>,
        summary: {
            /// The customer's phone number.
        },
        detail: {
            /// The customer's phone number.
        };

        phone_number: Option<String>,
        summary: {
            /// The Vapi phone number.
        },
        detail: {
            /// The Vapi phone number of the call.
        };

        started_at: Option<i64>,
        summary: {
            /// As in [`CallDetail::started_at`].
        },
        detail: {
            /// When the call started: the report's `startedAt`, else the first
            /// `in-progress` status-update.
        };

        ended_at: Option<i64>,
        summary: {
            /// As in [`CallDetail::ended_at`].
        },
        detail: {
            /// When the call ended: the report's `endedAt`, else the first `ended`
            /// status-update.
        };

        duration_ms: Option<i64>,
        summary: {
            /// As in [`CallDetail::duration_ms`].
        },
        detail: {
            /// `ended_at - started_at`, when both are known.
        };

        cost: Option<f64>,
        summary: {
            /// The report's cost (USD).
        },
        detail: {
            /// The end-of-call report's `cost` (USD).
        };
    }

    // The event counts: right after `first` in the summary, last in the
    // detail.
    counts {
        event_count: u64,
        summary: {
            /// Distinct events.
        },
        detail: {
            /// Distinct events (by seq) of this call.
        };

        first_event_at: Option<i64>,
        summary: {
            /// The earliest message timestamp.
        },
        detail: {
            /// The earliest message timestamp seen.
        };

        last_event_at: Option<i64>,
        summary: {
            /// The latest message timestamp.
        },
        detail: {
            /// The latest message timestamp seen.
        };
    }

    /// One call in a list, and the input of fleet statistics. (`Deserialize`:
    /// fleet statistics read summaries back from the projection.)
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
    pub struct CallSummary from |detail| {
        /// Assistant utterances.
        pub turn_count: u64 = detail.metrics.turn_count,
        /// Every turn latency of the call, in turn order, so that fleet
        /// percentiles pool turns instead of averaging per-call percentiles.
        pub turn_latencies_ms: Vec<i64> = detail.turns.iter().filter_map(|t| t.latency_ms).collect(),
        /// As in [`CallMetrics::interruptions_by_user`].
        pub interruptions_by_user: u64 = detail.metrics.interruptions_by_user,
        /// As in [`CallMetrics::interruptions_by_assistant`].
        pub interruptions_by_assistant: u64 = detail.metrics.interruptions_by_assistant,
        /// Turns flagged `interrupted` or `talked_over_user`.
        pub interrupted_turns: u64 = detail
            .turns
            .iter()
            .filter(|t| t.interrupted || t.talked_over_user)
            .count() as u64,
        /// Entries in [`CallDetail::transfers`].
        pub transfer_count: u64 = detail.transfers.len() as u64,
    }

    /// Everything calltap knows about one call, rebuilt from its events.
    // Deserialize: the console reads stored details back to render them.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
    pub struct CallDetail {
        /// Every status-update, ordered by message timestamp (then seq),
        /// including the ones that did not move the status.
        pub status_history: Vec<StatusChange>,
        /// Speech intervals, one per (role, turn), ordered by their first known
        /// time.
        pub speech: Vec<SpeechSpan>,
        /// One entry per assistant utterance, ordered by its start.
        pub turns: Vec<Turn>,
        /// Per-call metrics derived from `speech` and `turns`.
        pub metrics: CallMetrics,
        /// The most complete conversation history seen.
        pub transcript: Vec<TranscriptEntry>,
        /// Transfers, ordered by time.
        pub transfers: Vec<TransferEntry>,
        /// The end-of-call report's `artifact.performanceMetrics`, as Vapi sent
        /// it, for display beside the derived latency.
        pub vapi_performance_metrics: Option<serde_json::Value>,
    }
}

impl CallDetail {
    /// The system prompt the call's history opens with, if it has one:
    /// most of a short call's detail, and the same text in every call of
    /// its assistant (so the store keeps it once for all of them).
    pub fn system_prompt(&self) -> Option<&str> {
        self.transcript
            .iter()
            .find(|entry| entry.role == "system")?
            .text
            .as_deref()
    }

    /// The system prompt, to be changed in place (the one entry
    /// [`CallDetail::system_prompt`] reads).
    pub fn system_prompt_mut(&mut self) -> Option<&mut String> {
        self.transcript
            .iter_mut()
            .find(|entry| entry.role == "system")?
            .text
            .as_mut()
    }
}

/// An assistant, by id and name.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AssistantRef {
    /// The assistant id.
    pub id: Option<String>,
    /// The assistant name.
    pub name: Option<String>,
}

/// One status-update.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StatusChange {
    /// The status, as sent.
    pub status: String,
    /// The message timestamp.
    pub at: i64,
    /// `endedReason`, when the update carried one.
    pub ended_reason: Option<String>,
}

/// One speech interval of one role and turn; either half may be missing
/// when its speech-update was lost.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SpeechSpan {
    /// `user`, `assistant` or the role as sent.
    pub role: String,
    /// Vapi's turn number (per role, 0-indexed), when sent.
    pub turn: Option<u32>,
    /// The `started` update's timestamp.
    pub started_at: Option<i64>,
    /// The `stopped` update's timestamp.
    pub stopped_at: Option<i64>,
}

/// One assistant utterance and the user speech it answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Turn {
    /// The assistant's turn number, when sent.
    pub turn: Option<u32>,
    /// End of the user speech this utterance answers: the latest user
    /// `stopped` after the previous assistant `stopped` (its `started` if
    /// the `stopped` was lost) and not after
    /// `assistant_started_at`; `null` for the greeting and for an assistant
    /// utterance that follows another without user speech in between.
    pub user_stopped_at: Option<i64>,
    /// When the assistant started speaking.
    pub assistant_started_at: i64,
    /// When the assistant stopped speaking, when known.
    pub assistant_stopped_at: Option<i64>,
    /// `assistant_started_at - user_stopped_at`; `null` when
    /// `user_stopped_at` is.
    pub latency_ms: Option<i64>,
    /// The user started speaking while this utterance was under way
    /// (strictly between its start and stop): a barge-in.
    pub interrupted: bool,
    /// This utterance started while the user was speaking (strictly inside a
    /// complete user interval).
    pub talked_over_user: bool,
}

/// Per-call metrics. See `calls::analytics` for each exact definition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CallMetrics {
    /// Number of entries in `turns` (assistant utterances, greeting included).
    pub turn_count: u64,
    /// Statistics over the turns' `latency_ms`; `null` when no turn has one.
    pub latency_ms: Option<LatencyStats>,
    /// Union of the user's complete speech intervals.
    pub user_talk_ms: i64,
    /// Union of the assistant's complete speech intervals.
    pub assistant_talk_ms: i64,
    /// Time between the first start and the last stop of complete user and
    /// assistant intervals during which neither spoke; `null` without any
    /// complete interval.
    pub silence_ms: Option<i64>,
    /// User starts strictly inside a complete assistant interval.
    pub interruptions_by_user: u64,
    /// Assistant starts strictly inside a complete user interval.
    pub interruptions_by_assistant: u64,
    /// First assistant speech start minus the call's `started_at`.
    pub greeting_latency_ms: Option<i64>,
    /// Speech intervals missing a half (or stopping before they start),
    /// which talk time, silence and interruptions leave out.
    pub incomplete_speech: u64,
}

/// Summary statistics of a set of latencies, in ms.
///
/// Percentiles use the nearest-rank method: the p-th percentile of n sorted
/// values is the value at 1-based rank `ceil(p / 100 * n)`; it is always one
/// of the values. `mean` is rounded to the nearest millisecond.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LatencyStats {
    /// How many values.
    pub count: u64,
    /// Arithmetic mean, rounded.
    pub mean: i64,
    /// Median (nearest rank).
    pub p50: i64,
    /// 90th percentile (nearest rank).
    pub p90: i64,
    /// 95th percentile (nearest rank).
    pub p95: i64,
    /// 99th percentile (nearest rank).
    pub p99: i64,
    /// Largest value.
    pub max: i64,
}

/// One entry of the conversation history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TranscriptEntry {
    /// `system`, `user`, `assistant` (Vapi's `bot`), `tool_calls`,
    /// `tool_call_result`, or the role as sent.
    pub role: String,
    /// What was said (or the system prompt).
    pub text: Option<String>,
    /// When it started.
    pub at: Option<i64>,
    /// When it ended.
    pub end_at: Option<i64>,
    /// The tool calls of a `tool_calls` entry.
    pub tool_calls: Vec<ToolCallEntry>,
    /// The result of a `tool_call_result` entry.
    pub tool_result: Option<ToolResultEntry>,
}

/// A tool call in the transcript.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ToolCallEntry {
    /// The call id.
    pub id: Option<String>,
    /// The tool (function) name.
    pub name: Option<String>,
    /// The arguments, the JSON text as sent.
    pub arguments: Option<String>,
}

/// A tool result in the transcript.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ToolResultEntry {
    /// The id of the call it answers.
    pub tool_call_id: Option<String>,
    /// The tool name.
    pub name: Option<String>,
    /// The result text as sent.
    pub result: Option<String>,
}

/// One transfer of the call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TransferEntry {
    /// The transfer-update's timestamp, or the forwarding status-update's
    /// when there was no matching transfer-update.
    pub at: i64,
    /// `transfer-update`, or `forwarding` for a forwarding status-update
    /// that no transfer-update accounts for.
    pub source: String,
    /// The timestamp of the `forwarding` status-update matched to this
    /// transfer, if any.
    pub forwarding_at: Option<i64>,
    /// `assistant`, `number`, `sip`, or as sent; `null` when a forwarding
    /// status-update carried no destination.
    pub destination_type: Option<String>,
    /// Destination assistant name.
    pub assistant_name: Option<String>,
    /// Destination phone number.
    pub number: Option<String>,
    /// Destination SIP URI.
    pub sip_uri: Option<String>,
    /// The assistant transferred from.
    pub from_assistant: Option<String>,
    /// The assistant transferred to.
    pub to_assistant: Option<String>,
    /// `toStepRecord`, as sent.
    pub to_step_record: Option<serde_json::Value>,
    /// `fromStepRecord`, as sent.
    pub from_step_record: Option<serde_json::Value>,
}
