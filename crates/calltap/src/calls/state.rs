//! The call-state projection: [`CallState`] folds a call's events into
//! ordered facts, and [`CallState::detail`] derives the [`CallDetail`] from
//! them. This module knows nothing of HTTP or SQL.
//!
//! # Order does not matter
//!
//! The same *set* of events gives the same detail whatever the arrival
//! order, and an event seen twice (the same `seq`) is ignored. This holds
//! by construction: every fact is either stored in a map keyed by
//! `(timestamp, content, seq)` (status, speech and transfer updates), or is
//! the minimum or maximum of the events under that total order (call info,
//! transcript, end-of-call report, first and last timestamps). Nothing
//! depends on which event came first *to calltap*: the log numbers events
//! in arrival order, so `seq` breaks a tie only between events of equal
//! timestamp and equal content, whose order changes nothing derived.
//! Everything derived is computed from the facts in `detail()`. (Two
//! different events sharing one `seq` would break this; the log never
//! produces them.)
//!
//! # Decisions
//!
//! - **Status** is the highest-ranked known status seen, on the ladder
//!   `scheduled < queued < ringing < in-progress < forwarding < ended`, so
//!   it only moves forward and `ended` is terminal whatever the timestamps
//!   say (a late `ringing` cannot undo `ended`). Unknown statuses are kept in
//!   the history and never move it. An end-of-call report counts as `ended`
//!   even when the `ended` status-update was lost (Vapi does not retry by
//!   default), but adds nothing to the history.
//! - **Ended reason**: the end-of-call report's (the final record, written
//!   after the call), else that of the earliest `ended` status-update that
//!   has one.
//! - **Start and end times**: the report's `startedAt` / `endedAt` (Vapi's
//!   own record of the call; the `ended` status-update is sent seconds after
//!   the call really ended), else the timestamp of the earliest `in-progress`
//!   / `ended` status-update.
//! - **Call info** (type, assistant, customer, phone number): per field, the
//!   value of the earliest event (by timestamp, then content) that carries one,
//!   so `assistant` is the assistant the call started with; later
//!   assistants of a squad appear in `transfers`.
//! - **Transcript**: the longest history of any conversation-update or
//!   end-of-call report; ties go to the latest timestamp, then content.
//! - **Transfers**: one entry per transfer-update. A `forwarding`
//!   status-update usually accompanies a number or SIP transfer-update with
//!   the same destination; to count each transfer once, forwarding updates
//!   are matched to transfer-updates with an equal destination (type,
//!   assistant name, number, SIP URI), the k-th of each in time order, and a
//!   matched one only adds `forwarding_at`. Unmatched forwarding updates are
//!   entries of their own (`source: "forwarding"`).
//! - **Performance metrics and cost** come from the latest end-of-call
//!   report (by timestamp, then content).

use std::collections::{BTreeMap, BTreeSet};

use crate::ids::{CallId, Seq};

use super::analytics::{self, SpeechUpdate};
use super::detail::{
    AssistantRef, CallDetail, SpeechSpan, StatusChange, ToolCallEntry, ToolResultEntry,
    TranscriptEntry, TransferEntry,
};
use super::event::{
    CallEvent, CallInfo, EndOfCallReport, EventKind, HistoryMessage, Role, SpeechStatus,
    TransferTarget,
};

/// Where an event sorts: message timestamp, then its content's
/// [`Fingerprint`], then seq (which decides only between equal contents).
type Key = (i64, Fingerprint, Seq);

/// A hash of what an event says (its call info and kind, not its time or
/// seq): the tie-break between events of one timestamp that does not depend
/// on the order they arrived in. blake3 over the `Debug` text, streamed
/// into the hasher with no allocation; it only has to be the same for the
/// same content within one build (a changed order between builds is a
/// change of the projection format, `calls::detail::PROJECTION_FORMAT`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Fingerprint([u8; 16]);

impl Fingerprint {
    fn of(event: &CallEvent) -> Fingerprint {
        use std::fmt::Write;
        struct Hashing(blake3::Hasher);
        impl Write for Hashing {
            fn write_str(&mut self, s: &str) -> std::fmt::Result {
                self.0.update(s.as_bytes());
                Ok(())
            }
        }
        let mut hashing = Hashing(blake3::Hasher::new());
        // Writing into a hasher cannot fail.
        let _ = write!(hashing, "{:?}|{:?}", event.call, event.kind);
        let mut out = [0u8; 16];
        out.copy_from_slice(&hashing.0.finalize().as_bytes()[..16]);
        Fingerprint(out)
    }
}

/// The statuses that move a call forward, in order; anything else is
/// unknown and only recorded.
pub const STATUS_LADDER: [&str; 6] = [
    "scheduled",
    "queued",
    "ringing",
    "in-progress",
    "forwarding",
    "ended",
];

/// The rank of a known status on [`STATUS_LADDER`].
pub fn status_rank(status: &str) -> Option<usize> {
    STATUS_LADDER.iter().position(|s| *s == status)
}

/// The state of one call: the facts derived from each of its events, kept
/// in ordered collections so that the result does not depend on arrival
/// order. Build it with [`CallState::from_events`] or incrementally with
/// [`CallState::apply`]; read it with [`CallState::detail`].
#[derive(Clone, Debug, PartialEq)]
pub struct CallState {
    id: CallId,
    seen: BTreeSet<Seq>,
    first_at: Option<i64>,
    last_at: Option<i64>,
    info: InfoFacts,
    statuses: BTreeMap<Key, StatusFact>,
    speech: BTreeMap<Key, SpeechFact>,
    transfers: BTreeMap<Key, TransferFact>,
    /// The longest history: (length, key) ranks it.
    history: Option<((usize, Key), Vec<HistoryMessage>)>,
    /// The latest end-of-call report.
    report: Option<(Key, EndOfCallReport)>,
}

/// Per field, the earliest (key, value).
#[derive(Clone, Debug, Default, PartialEq)]
struct InfoFacts {
    call_type: Option<(Key, String)>,
    assistant_id: Option<(Key, String)>,
    assistant_name: Option<(Key, String)>,
    customer_number: Option<(Key, String)>,
    phone_number: Option<(Key, String)>,
}

#[derive(Clone, Debug, PartialEq)]
struct StatusFact {
    status: String,
    ended_reason: Option<String>,
    destination: Option<TransferTarget>,
}

#[derive(Clone, Debug, PartialEq)]
struct SpeechFact {
    role: Role,
    status: SpeechStatus,
    turn: Option<u32>,
}

#[derive(Clone, Debug, PartialEq)]
struct TransferFact {
    destination: TransferTarget,
    from_assistant: Option<String>,
    to_assistant: Option<String>,
    to_step_record: Option<serde_json::Value>,
    from_step_record: Option<serde_json::Value>,
}

/// Keeps `slot` as the earliest-keyed value.
fn keep_earliest(slot: &mut Option<(Key, String)>, key: Key, value: &Option<String>) {
    if let Some(v) = value {
        if slot.as_ref().is_none_or(|(k, _)| key < *k) {
            *slot = Some((key, v.clone()));
        }
    }
}

impl CallState {
    /// An empty state for the call `id`.
    pub fn new(id: impl Into<CallId>) -> Self {
        CallState {
            id: id.into(),
            seen: BTreeSet::new(),
            first_at: None,
            last_at: None,
            info: InfoFacts::default(),
            statuses: BTreeMap::new(),
            speech: BTreeMap::new(),
            transfers: BTreeMap::new(),
            history: None,
            report: None,
        }
    }

    /// The state of call `id` after all of `events`, in any order.
    pub fn from_events<'a>(
        id: impl Into<CallId>,
        events: impl IntoIterator<Item = &'a CallEvent>,
    ) -> Self {
        let mut state = CallState::new(id);
        for event in events {
            state.apply(event);
        }
        state
    }

    /// Folds one event in. Returns `false` (and changes nothing) when an
    /// event with the same `seq` was already applied.
    pub fn apply(&mut self, event: &CallEvent) -> bool {
        if !self.seen.insert(event.seq) {
            return false;
        }
        let key = (event.at_ms, Fingerprint::of(event), event.seq);
        self.first_at = Some(self.first_at.map_or(event.at_ms, |t| t.min(event.at_ms)));
        self.last_at = Some(self.last_at.map_or(event.at_ms, |t| t.max(event.at_ms)));
        if let Some(info) = &event.call {
            self.apply_info(key, info);
        }
        match &event.kind {
            EventKind::Status {
                status,
                ended_reason,
                destination,
            } => {
                self.statuses.insert(
                    key,
                    StatusFact {
                        status: status.clone(),
                        ended_reason: ended_reason.clone(),
                        destination: destination.clone(),
                    },
                );
            }
            EventKind::Speech { role, status, turn } => {
                self.speech.insert(
                    key,
                    SpeechFact {
                        role: role.clone(),
                        status: status.clone(),
                        turn: *turn,
                    },
                );
            }
            EventKind::Conversation { messages } => self.offer_history(key, messages),
            EventKind::Transfer {
                destination,
                from_assistant,
                to_assistant,
                to_step_record,
                from_step_record,
            } => {
                self.transfers.insert(
                    key,
                    TransferFact {
                        destination: destination.clone(),
                        from_assistant: from_assistant.clone(),
                        to_assistant: to_assistant.clone(),
                        to_step_record: to_step_record.clone(),
                        from_step_record: from_step_record.clone(),
                    },
                );
            }
            EventKind::EndOfCallReport(report) => {
                self.offer_history(key, &report.messages);
                if self.report.as_ref().is_none_or(|(k, _)| key > *k) {
                    self.report = Some((key, report.clone()));
                }
            }
            EventKind::Other { .. } => {}
        }
        true
    }

    fn apply_info(&mut self, key: Key, info: &CallInfo) {
        keep_earliest(&mut self.info.call_type, key, &info.call_type);
        keep_earliest(&mut self.info.assistant_id, key, &info.assistant_id);
        keep_earliest(&mut self.info.assistant_name, key, &info.assistant_name);
        keep_earliest(&mut self.info.customer_number, key, &info.customer_number);
        keep_earliest(&mut self.info.phone_number, key, &info.phone_number);
    }

    fn offer_history(&mut self, key: Key, messages: &[HistoryMessage]) {
        let rank = (messages.len(), key);
        if !messages.is_empty() && self.history.as_ref().is_none_or(|(r, _)| rank > *r) {
            self.history = Some((rank, messages.to_vec()));
        }
    }

    /// The call id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// How many distinct events were applied.
    pub fn event_count(&self) -> u64 {
        self.seen.len() as u64
    }

    /// Everything known about the call, derived from the facts.
    pub fn detail(&self) -> CallDetail {
        let report = self.report.as_ref().map(|(_, r)| r);
        let status_rank_max = self
            .statuses
            .values()
            .filter_map(|f| status_rank(&f.status))
            .chain(report.and_then(|_| status_rank("ended")))
            .max();
        let first_with = |status: &str| {
            self.statuses
                .iter()
                .find(|(_, f)| f.status == status)
                .map(|((at, _, _), _)| *at)
        };
        let ended_reason = report.and_then(|r| r.ended_reason.clone()).or_else(|| {
            self.statuses
                .values()
                .filter(|f| f.status == "ended")
                .find_map(|f| f.ended_reason.clone())
        });
        let started_at = report
            .and_then(|r| r.started_at_ms)
            .or_else(|| first_with("in-progress"));
        let ended_at = report
            .and_then(|r| r.ended_at_ms)
            .or_else(|| first_with("ended"));

        let intervals =
            analytics::speech_intervals(self.speech.iter().map(|((at, _, _), f)| SpeechUpdate {
                at: *at,
                role: &f.role,
                status: &f.status,
                turn: f.turn,
            }));
        let turns = analytics::turns(&intervals);
        let metrics = analytics::call_metrics(&intervals, &turns, started_at);
        let value = |slot: &Option<(Key, String)>| slot.as_ref().map(|(_, v)| v.clone());

        CallDetail {
            id: self.id.clone(),
            call_type: value(&self.info.call_type),
            status: status_rank_max
                .and_then(|r| STATUS_LADDER.get(r))
                .map(|s| (*s).to_owned()),
            ended_reason,
            assistant: AssistantRef {
                id: value(&self.info.assistant_id),
                name: value(&self.info.assistant_name),
            },
            customer_number: value(&self.info.customer_number),
            phone_number: value(&self.info.phone_number),
            started_at,
            ended_at,
            duration_ms: started_at.zip(ended_at).map(|(s, e)| e - s),
            cost: report.and_then(|r| r.cost),
            status_history: self
                .statuses
                .iter()
                .map(|((at, _, _), f)| StatusChange {
                    status: f.status.clone(),
                    at: *at,
                    ended_reason: f.ended_reason.clone(),
                })
                .collect(),
            speech: intervals
                .iter()
                .map(|i| SpeechSpan {
                    role: i.role.as_str().to_owned(),
                    turn: i.turn,
                    started_at: i.start,
                    stopped_at: i.stop,
                })
                .collect(),
            turns,
            metrics,
            transcript: self
                .history
                .as_ref()
                .map(|(_, messages)| messages.iter().map(transcript_entry).collect())
                .unwrap_or_default(),
            transfers: self.transfers(),
            vapi_performance_metrics: report.and_then(|r| r.performance_metrics.clone()),
            event_count: self.event_count(),
            first_event_at: self.first_at,
            last_event_at: self.last_at,
        }
    }

    fn transfers(&self) -> Vec<TransferEntry> {
        let mut out: Vec<TransferEntry> = self
            .transfers
            .iter()
            .map(|((at, _, _), t)| TransferEntry {
                at: *at,
                source: "transfer-update".to_owned(),
                forwarding_at: None,
                destination_type: Some(t.destination.kind.as_str().to_owned()),
                assistant_name: t.destination.assistant_name.clone(),
                number: t.destination.number.clone(),
                sip_uri: t.destination.sip_uri.clone(),
                from_assistant: t.from_assistant.clone(),
                to_assistant: t.to_assistant.clone(),
                to_step_record: t.to_step_record.clone(),
                from_step_record: t.from_step_record.clone(),
            })
            .collect();
        // Transfer destinations in time order, for matching forwarding updates.
        let targets: Vec<&TransferTarget> =
            self.transfers.values().map(|t| &t.destination).collect();
        let mut used = vec![false; targets.len()];
        for ((at, _, _), f) in &self.statuses {
            if f.status != "forwarding" {
                continue;
            }
            let matched = f
                .destination
                .as_ref()
                .and_then(|d| (0..targets.len()).find(|&i| !used[i] && targets[i] == d));
            if let Some(i) = matched {
                // Entries 0..targets.len() are the transfer-updates, in order.
                used[i] = true;
                if let Some(entry) = out.get_mut(i) {
                    entry.forwarding_at = Some(*at);
                }
                continue;
            }
            let d = f.destination.as_ref();
            out.push(TransferEntry {
                at: *at,
                source: "forwarding".to_owned(),
                forwarding_at: Some(*at),
                destination_type: d.map(|d| d.kind.as_str().to_owned()),
                assistant_name: d.and_then(|d| d.assistant_name.clone()),
                number: d.and_then(|d| d.number.clone()),
                sip_uri: d.and_then(|d| d.sip_uri.clone()),
                from_assistant: None,
                to_assistant: None,
                to_step_record: None,
                from_step_record: None,
            });
        }
        out.sort_by(|a, b| (a.at, &a.source).cmp(&(b.at, &b.source)));
        out
    }
}

fn transcript_entry(m: &HistoryMessage) -> TranscriptEntry {
    TranscriptEntry {
        role: match m.role.as_str() {
            "bot" => "assistant".to_owned(),
            other => other.to_owned(),
        },
        text: m.text.clone(),
        at: m.at_ms,
        end_at: m.end_at_ms,
        tool_calls: m
            .tool_calls
            .iter()
            .map(|c| ToolCallEntry {
                id: c.id.clone(),
                name: c.name.clone(),
                arguments: c.arguments.clone(),
            })
            .collect(),
        tool_result: m.tool_result.as_ref().map(|r| ToolResultEntry {
            tool_call_id: r.tool_call_id.clone(),
            name: r.name.clone(),
            result: r.result.clone(),
        }),
    }
}
