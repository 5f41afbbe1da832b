//! The call-state projection: [`CallState`] folds a call's events into
//! ordered facts, and [`CallState::detail`] derives the [`CallDetail`] from
//! them. This module knows nothing of HTTP or SQL.
//!
//! # Order does not matter
//!
//! The same *set* of events gives the same detail whatever the arrival
//! order, and an event seen twice (the same `seq`) is ignored; so is a
//! fact equal to one already kept at its timestamp (the same status,
//! speech or transfer update delivered again under other bytes), which is
//! kept once, with the lower seq. This holds
//! by construction: every fact is either stored in a [`Timeline`] ordered
//! by `(timestamp, content, seq)` (status, speech and transfer updates), or
//! is the minimum or maximum of the events under such a total order over
//! what it keeps (call info: by its value; transcript: by its messages;
//! end-of-call report: by the report; first and last timestamps). Nothing
//! depends on which event came first *to calltap*: the log numbers events
//! in arrival order, so `seq` breaks a tie only between facts of equal
//! timestamp and equal content, whose order changes nothing derived.
//!
//! Content is compared (as a [`Fingerprint`]) only between facts that share
//! a timestamp, and only what a fact keeps is hashed, never a whole event:
//! an event's history can be long, and most events have a timestamp of
//! their own.
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
use std::mem::size_of;

use serde::{Deserialize, Serialize};

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

/// A hash of what a fact says (not its time or seq): the tie-break between
/// facts of one timestamp that does not depend on the order they arrived
/// in. blake3 over the `Debug` text, streamed into the hasher with no
/// allocation; it only has to be the same for the same content within one
/// build (a changed order between builds is a change of the projection
/// format, `calls::detail::PROJECTION_FORMAT`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
struct Fingerprint([u8; 16]);

impl Fingerprint {
    fn of(content: &impl std::fmt::Debug) -> Fingerprint {
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
        let _ = write!(hashing, "{content:?}");
        let mut out = [0u8; 16];
        out.copy_from_slice(&hashing.0.finalize().as_bytes()[..16]);
        Fingerprint(out)
    }
}

/// The order of two contents by [`Fingerprint`]: equal contents are equal
/// without hashing either (a redelivered history or report ties with the
/// one kept, and hashing both was most of folding it in).
fn content_order<T: PartialEq + std::fmt::Debug + ?Sized>(a: &T, b: &T) -> std::cmp::Ordering {
    if a == b {
        std::cmp::Ordering::Equal
    } else {
        Fingerprint::of(&a).cmp(&Fingerprint::of(&b))
    }
}

/// Facts of one kind in time order; facts of one timestamp ordered by
/// their [`Fingerprint`], then seq. A fingerprint is computed only when a
/// second, different fact arrives at a timestamp (the facts are kept, so
/// the first's can be computed then), not for every fact, and once per
/// fact: it is kept beside the fact.
///
/// A fact equal to one already at its timestamp is the same fact delivered
/// again (the same event under another envelope: a retry with new bytes,
/// a second server URL), not a second event of the call: it is kept once,
/// with the lower seq, so that a status, a speech turn or a transfer is
/// not counted twice, and a call redelivered again and again keeps a state
/// (and a detail) the size of the call. Which copy arrived first changes
/// nothing: the lower seq is kept whatever the order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Timeline<F> {
    by_time: BTreeMap<i64, Vec<Timed<F>>>,
}

/// A fact in its timeline: its fingerprint once a second fact shares its
/// timestamp (`None` while it is alone there, so a state's shape does not
/// depend on arrival order).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Timed<F> {
    fingerprint: Option<Fingerprint>,
    seq: Seq,
    fact: F,
}

impl<F> Default for Timeline<F> {
    fn default() -> Self {
        Timeline {
            by_time: BTreeMap::new(),
        }
    }
}

impl<F: std::fmt::Debug + PartialEq> Timeline<F> {
    fn insert(&mut self, at: i64, seq: Seq, fact: F) {
        let same_time = self.by_time.entry(at).or_default();
        if same_time.is_empty() {
            same_time.push(Timed {
                fingerprint: None,
                seq,
                fact,
            });
            return;
        }
        // Compared before anything is hashed: a redelivery is found by
        // equality, and only a new fact needs its fingerprint. Its place
        // does not move: the facts of one timestamp are all different, so
        // no other shares its fingerprint.
        if let Some(same) = same_time.iter_mut().find(|t| t.fact == fact) {
            same.seq = same.seq.min(seq);
            return;
        }
        for alone in same_time.iter_mut().filter(|t| t.fingerprint.is_none()) {
            alone.fingerprint = Some(Fingerprint::of(&alone.fact));
        }
        let key = (Some(Fingerprint::of(&fact)), seq);
        let place = same_time.partition_point(|t| (t.fingerprint, t.seq) < key);
        same_time.insert(
            place,
            Timed {
                fingerprint: key.0,
                seq,
                fact,
            },
        );
    }

    /// Every fact with its timestamp, in order.
    fn iter(&self) -> impl Iterator<Item = (i64, &F)> {
        self.by_time
            .iter()
            .flat_map(|(at, facts)| facts.iter().map(move |t| (*at, &t.fact)))
    }

    fn values(&self) -> impl Iterator<Item = &F> {
        self.iter().map(|(_, fact)| fact)
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallState {
    id: CallId,
    seen: BTreeSet<Seq>,
    first_at: Option<i64>,
    last_at: Option<i64>,
    info: InfoFacts,
    statuses: Timeline<StatusFact>,
    speech: Timeline<SpeechFact>,
    transfers: Timeline<TransferFact>,
    /// The longest history: its length, then the latest timestamp, then
    /// its content, then seq rank it.
    history: Option<((usize, i64, Seq), Vec<HistoryMessage>)>,
    /// The latest end-of-call report: timestamp, then content, then seq.
    report: Option<((i64, Seq), EndOfCallReport)>,
}

/// Per field, the earliest value: by timestamp, then the value itself,
/// then seq.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct InfoFacts {
    call_type: Option<(i64, Seq, String)>,
    assistant_id: Option<(i64, Seq, String)>,
    assistant_name: Option<(i64, Seq, String)>,
    customer_number: Option<(i64, Seq, String)>,
    phone_number: Option<(i64, Seq, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct StatusFact {
    status: String,
    ended_reason: Option<String>,
    destination: Option<TransferTarget>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct SpeechFact {
    role: Role,
    status: SpeechStatus,
    turn: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct TransferFact {
    destination: TransferTarget,
    from_assistant: Option<String>,
    to_assistant: Option<String>,
    #[serde(with = "super::event::json_text")]
    to_step_record: Option<serde_json::Value>,
    #[serde(with = "super::event::json_text")]
    from_step_record: Option<serde_json::Value>,
}

/// Keeps `slot` as the earliest value (by timestamp, then value, then seq).
fn keep_earliest(slot: &mut Option<(i64, Seq, String)>, at: i64, seq: Seq, value: &Option<String>) {
    if let Some(v) = value {
        if slot
            .as_ref()
            .is_none_or(|(k_at, k_seq, k_v)| (at, v.as_str(), seq) < (*k_at, k_v.as_str(), *k_seq))
        {
            *slot = Some((at, seq, v.clone()));
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
            statuses: Timeline::default(),
            speech: Timeline::default(),
            transfers: Timeline::default(),
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
            state.apply(event.clone());
        }
        state
    }

    /// Folds one event in, keeping what it says without copying it (a
    /// history can be long). Returns `false` (and changes nothing) when an
    /// event with the same `seq` was already applied.
    pub fn apply(&mut self, event: CallEvent) -> bool {
        let CallEvent {
            seq,
            at_ms: at,
            call,
            kind,
        } = event;
        if !self.seen.insert(seq) {
            return false;
        }
        self.first_at = Some(self.first_at.map_or(at, |t| t.min(at)));
        self.last_at = Some(self.last_at.map_or(at, |t| t.max(at)));
        if let Some(info) = &call {
            self.apply_info(at, seq, info);
        }
        match kind {
            EventKind::Status {
                status,
                ended_reason,
                destination,
            } => self.statuses.insert(
                at,
                seq,
                StatusFact {
                    status,
                    ended_reason,
                    destination,
                },
            ),
            EventKind::Speech { role, status, turn } => {
                self.speech
                    .insert(at, seq, SpeechFact { role, status, turn })
            }
            EventKind::Conversation { messages } => {
                if self.history_ranks_higher(at, seq, &messages) {
                    self.history = Some(((messages.len(), at, seq), messages));
                }
            }
            EventKind::Transfer {
                destination,
                from_assistant,
                to_assistant,
                to_step_record,
                from_step_record,
            } => self.transfers.insert(
                at,
                seq,
                TransferFact {
                    destination,
                    from_assistant,
                    to_assistant,
                    to_step_record,
                    from_step_record,
                },
            ),
            EventKind::EndOfCallReport(report) => {
                if self.history_ranks_higher(at, seq, &report.messages) {
                    self.history =
                        Some(((report.messages.len(), at, seq), report.messages.clone()));
                }
                let later = self.report.as_ref().is_none_or(|((k_at, k_seq), kept)| {
                    at.cmp(k_at)
                        .then_with(|| content_order(&report, kept))
                        .then_with(|| seq.cmp(k_seq))
                        .is_gt()
                });
                if later {
                    self.report = Some(((at, seq), report));
                }
            }
            EventKind::Other { .. } => {}
        }
        true
    }

    fn apply_info(&mut self, at: i64, seq: Seq, info: &CallInfo) {
        let facts = &mut self.info;
        keep_earliest(&mut facts.call_type, at, seq, &info.call_type);
        keep_earliest(&mut facts.assistant_id, at, seq, &info.assistant_id);
        keep_earliest(&mut facts.assistant_name, at, seq, &info.assistant_name);
        keep_earliest(&mut facts.customer_number, at, seq, &info.customer_number);
        keep_earliest(&mut facts.phone_number, at, seq, &info.phone_number);
    }

    /// Whether `messages` would be the kept history: the longest, then
    /// the latest, then by content (fingerprinted only when two of one
    /// length share a timestamp), then seq.
    fn history_ranks_higher(&self, at: i64, seq: Seq, messages: &[HistoryMessage]) -> bool {
        !messages.is_empty()
            && self
                .history
                .as_ref()
                .is_none_or(|((len, k_at, k_seq), kept)| {
                    (messages.len(), at)
                        .cmp(&(*len, *k_at))
                        .then_with(|| content_order(messages, kept.as_slice()))
                        .then_with(|| seq.cmp(k_seq))
                        .is_gt()
                })
    }

    /// The call id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// How many distinct events were applied.
    pub fn event_count(&self) -> u64 {
        self.seen.len() as u64
    }

    /// An estimate of the heap this state holds, in bytes: the capacity of
    /// each of its strings and vectors, the nodes of its ordered maps and
    /// sets, and the allocator's overhead per allocation. The projector's
    /// cache weighs a state by it; the serialised detail, which it used
    /// before, counted about a third of what a state holds (commit
    /// `af45048`). O(the state), as serialising its detail is.
    pub fn heap_bytes(&self) -> usize {
        use heap::{btree, HeapSize};
        btree::<Seq, ()>(self.seen.len())
            + self.info.heap()
            + self.statuses.heap()
            + self.speech.heap()
            + self.transfers.heap()
            + self
                .history
                .as_ref()
                .map_or(0, |(_, messages)| messages.heap())
            + self.report.as_ref().map_or(0, |(_, report)| report.heap())
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
                .map(|(at, _)| at)
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
            analytics::speech_intervals(self.speech.iter().map(|(at, f)| SpeechUpdate {
                at,
                role: &f.role,
                status: &f.status,
                turn: f.turn,
            }));
        let turns = analytics::turns(&intervals);
        let metrics = analytics::call_metrics(&intervals, &turns, started_at);
        let value = |slot: &Option<(i64, Seq, String)>| slot.as_ref().map(|(_, _, v)| v.clone());

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
                .map(|(at, f)| StatusChange {
                    status: f.status.clone(),
                    at,
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
            .map(|(at, t)| TransferEntry {
                at,
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
        for (at, f) in self.statuses.iter() {
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
                    entry.forwarding_at = Some(at);
                }
                continue;
            }
            let d = f.destination.as_ref();
            out.push(TransferEntry {
                at,
                source: "forwarding".to_owned(),
                forwarding_at: Some(at),
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

/// What the parts of a [`CallState`] hold on the heap, for
/// [`CallState::heap_bytes`].
mod heap {
    use super::*;
    use crate::calls::event::{EndOfCallReport, ToolCall, ToolResult, TransferKind};

    /// What an allocation costs beyond the bytes asked for: the allocator's
    /// header or size-class rounding, about this much with glibc's malloc
    /// and with mimalloc.
    const PER_ALLOCATION: usize = 16;

    /// One allocation of `bytes` (none for 0).
    fn alloc(bytes: usize) -> usize {
        if bytes == 0 {
            0
        } else {
            bytes + PER_ALLOCATION
        }
    }

    /// A `BTreeMap<K, V>` (or set) of `len` entries: nodes of 11 slots,
    /// about 6 of them used when entries arrive in increasing order (a
    /// full node splits 6 / 5 and the right half takes the new ones), plus
    /// the inner nodes above them.
    pub(super) fn btree<K, V>(len: usize) -> usize {
        let leaf = 16 + 11 * (size_of::<K>() + size_of::<V>());
        let leaves = len.div_ceil(6);
        leaves * alloc(leaf) + leaves.div_ceil(6) * alloc(leaf + 12 * 8)
    }

    /// The heap a value holds (not counting the value itself).
    pub(super) trait HeapSize {
        fn heap(&self) -> usize;
    }

    impl HeapSize for String {
        fn heap(&self) -> usize {
            alloc(self.capacity())
        }
    }

    impl<T: HeapSize> HeapSize for Option<T> {
        fn heap(&self) -> usize {
            self.as_ref().map_or(0, HeapSize::heap)
        }
    }

    impl<T: HeapSize> HeapSize for Vec<T> {
        fn heap(&self) -> usize {
            alloc(self.capacity() * size_of::<T>()) + self.iter().map(HeapSize::heap).sum::<usize>()
        }
    }

    impl<A, B, T: HeapSize> HeapSize for (A, B, T) {
        fn heap(&self) -> usize {
            self.2.heap()
        }
    }

    impl HeapSize for serde_json::Value {
        fn heap(&self) -> usize {
            use serde_json::Value;
            match self {
                Value::Null | Value::Bool(_) | Value::Number(_) => 0,
                Value::String(s) => s.heap(),
                Value::Array(items) => items.heap(),
                // An ordered map: its entries (hash, key, value) in one
                // vector, and an index of them.
                Value::Object(map) => {
                    let entry = 8 + size_of::<String>() + size_of::<Value>();
                    alloc(map.len() * entry)
                        + alloc(map.len() * 9)
                        + map.iter().map(|(k, v)| k.heap() + v.heap()).sum::<usize>()
                }
            }
        }
    }

    impl HeapSize for HistoryMessage {
        fn heap(&self) -> usize {
            self.role.heap() + self.text.heap() + self.tool_calls.heap() + self.tool_result.heap()
        }
    }

    impl HeapSize for ToolCall {
        fn heap(&self) -> usize {
            self.id.heap() + self.name.heap() + self.arguments.heap()
        }
    }

    impl HeapSize for ToolResult {
        fn heap(&self) -> usize {
            self.tool_call_id.heap() + self.name.heap() + self.result.heap()
        }
    }

    impl HeapSize for TransferTarget {
        fn heap(&self) -> usize {
            let kind = match &self.kind {
                TransferKind::Other(s) => s.heap(),
                _ => 0,
            };
            kind + self.assistant_name.heap() + self.number.heap() + self.sip_uri.heap()
        }
    }

    impl HeapSize for EndOfCallReport {
        fn heap(&self) -> usize {
            self.ended_reason.heap() + self.performance_metrics.heap() + self.messages.heap()
        }
    }

    impl HeapSize for InfoFacts {
        fn heap(&self) -> usize {
            self.call_type.heap()
                + self.assistant_id.heap()
                + self.assistant_name.heap()
                + self.customer_number.heap()
                + self.phone_number.heap()
        }
    }

    impl HeapSize for StatusFact {
        fn heap(&self) -> usize {
            self.status.heap() + self.ended_reason.heap() + self.destination.heap()
        }
    }

    impl HeapSize for SpeechFact {
        fn heap(&self) -> usize {
            let role = match &self.role {
                Role::Other(s) => s.heap(),
                _ => 0,
            };
            let status = match &self.status {
                SpeechStatus::Other(s) => s.heap(),
                _ => 0,
            };
            role + status
        }
    }

    impl HeapSize for TransferFact {
        fn heap(&self) -> usize {
            self.destination.heap()
                + self.from_assistant.heap()
                + self.to_assistant.heap()
                + self.to_step_record.heap()
                + self.from_step_record.heap()
        }
    }

    impl<F: HeapSize> HeapSize for Timed<F> {
        fn heap(&self) -> usize {
            self.fact.heap()
        }
    }

    impl<F: HeapSize> HeapSize for Timeline<F> {
        fn heap(&self) -> usize {
            btree::<i64, Vec<Timed<F>>>(self.by_time.len())
                + self.by_time.values().map(HeapSize::heap).sum::<usize>()
        }
    }
}
