//! Metrics over a call's speech and over many calls: speech intervals,
//! turns and response latency, interruptions, talk time and silence, and
//! fleet aggregates. Pure functions; this module knows nothing of HTTP or
//! SQL, nor of how events arrived.
//!
//! # Definitions (exactly as implemented)
//!
//! - **Speech interval**: the `started` and `stopped` speech-updates of one
//!   (role, turn). With a turn number, the interval runs from the earliest
//!   `started` to the latest `stopped` of that (role, turn). Without one,
//!   the role's updates are paired in timestamp order, each `started` with
//!   the next `stopped`. Either half may be missing. An interval is
//!   *complete* when both halves are known and it does not stop before it
//!   starts; only complete intervals count for talk time, silence and
//!   interruptions.
//! - **Turn**: one assistant interval with a known start (the greeting
//!   included), in start order.
//! - **Response latency** of a turn starting at `s`: `s - u`, where `u` is
//!   the latest user `stopped` with `p < u <= s`, and `p` is the end of the
//!   previous assistant speech: the latest `stopped` (or `started`, for an
//!   interval whose `stopped` was lost) of another assistant interval with
//!   `p <= s`; no lower bound when there is none. No such `u` (the greeting,
//!   or an assistant utterance that follows another without user speech in
//!   between): no latency. Latency is therefore never negative.
//! - **Interruption by the user** (barge-in): a user `started` strictly
//!   inside a complete assistant interval; the turn of that interval is
//!   flagged `interrupted`. **Interruption by the assistant**: an assistant
//!   `started` strictly inside a complete user interval; that turn is flagged
//!   `talked_over_user`. Counts are numbers of such starts.
//! - **Talk time** of a role: the length of the union of its complete
//!   intervals (overlaps counted once).
//! - **Silence**: from the earliest start to the latest stop of the complete
//!   user and assistant intervals, the time covered by none of them.
//! - **Greeting latency**: the earliest assistant `started` minus the call's
//!   `started_at`; may be negative if the two clocks disagree.
//! - **Percentiles**: nearest rank (see [`percentile`]).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use utoipa::ToSchema;

use super::detail::{CallMetrics, CallSummary, LatencyStats, Turn};
use super::event::{Role, SpeechStatus};

/// One speech-update, as the analytics need it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpeechUpdate<'a> {
    /// The message timestamp, epoch ms.
    pub at: i64,
    /// Who.
    pub role: &'a Role,
    /// Started, stopped or other (ignored).
    pub status: &'a SpeechStatus,
    /// The turn number, when sent.
    pub turn: Option<u32>,
}

/// A speech interval; either half may be missing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpeechInterval {
    /// Who.
    pub role: Role,
    /// The turn number, when the updates carried one.
    pub turn: Option<u32>,
    /// Start, epoch ms.
    pub start: Option<i64>,
    /// Stop, epoch ms.
    pub stop: Option<i64>,
}

impl SpeechInterval {
    /// `(start, stop)` when both are known and `stop >= start`.
    pub fn complete(&self) -> Option<(i64, i64)> {
        match (self.start, self.stop) {
            (Some(a), Some(b)) if b >= a => Some((a, b)),
            _ => None,
        }
    }
}

/// Builds speech intervals from speech-updates given in (timestamp, seq)
/// order. The result is ordered by first known time, then role, then turn.
pub fn speech_intervals<'a>(
    updates: impl IntoIterator<Item = SpeechUpdate<'a>>,
) -> Vec<SpeechInterval> {
    // (start, stop) per (role, turn). Hashed, not ordered: this runs over
    // a call's every speech update for each row written, and the sort
    // below orders the result whatever order the map gives, since no two
    // of its intervals share a (role, turn), which the sort key holds.
    type Halves = (Option<i64>, Option<i64>);
    let mut by_turn: HashMap<(&Role, u32), Halves, foldhash::fast::RandomState> =
        HashMap::default();
    let mut open: BTreeMap<&Role, i64> = BTreeMap::new();
    let mut out = Vec::new();
    for u in updates {
        match (u.turn, u.status) {
            (_, SpeechStatus::Other(_)) => {}
            (Some(turn), SpeechStatus::Started) => {
                let e = by_turn.entry((u.role, turn)).or_default();
                e.0 = Some(e.0.map_or(u.at, |s| s.min(u.at)));
            }
            (Some(turn), SpeechStatus::Stopped) => {
                let e = by_turn.entry((u.role, turn)).or_default();
                e.1 = Some(e.1.map_or(u.at, |s| s.max(u.at)));
            }
            (None, SpeechStatus::Started) => {
                // A second start before a stop: the first lost its stop.
                if let Some(prev) = open.insert(u.role, u.at) {
                    out.push(interval(u.role, None, Some(prev), None));
                }
            }
            (None, SpeechStatus::Stopped) => {
                let start = open.remove(u.role);
                out.push(interval(u.role, None, start, Some(u.at)));
            }
        }
    }
    for (role, start) in open {
        out.push(interval(role, None, Some(start), None));
    }
    for ((role, turn), (start, stop)) in by_turn {
        out.push(interval(role, Some(turn), start, stop));
    }
    out.sort_by(|a, b| {
        let ka = (a.start.or(a.stop), &a.role, a.turn, a.stop);
        let kb = (b.start.or(b.stop), &b.role, b.turn, b.stop);
        ka.cmp(&kb)
    });
    out
}

fn interval(
    role: &Role,
    turn: Option<u32>,
    start: Option<i64>,
    stop: Option<i64>,
) -> SpeechInterval {
    SpeechInterval {
        role: role.clone(),
        turn,
        start,
        stop,
    }
}

/// The turns of a call: one per assistant interval with a known start, in
/// start order, with latency and interruption flags as defined in the
/// module documentation.
///
/// Each turn's bounds are found by binary search over sorted times, so a
/// call costs O(n log n) in its speech intervals: the projector derives a
/// touched call's detail at every step, and a quadratic scan made long
/// calls the projector's largest cost.
pub fn turns(intervals: &[SpeechInterval]) -> Vec<Turn> {
    let assistant: Vec<&SpeechInterval> = intervals
        .iter()
        .filter(|i| i.role == Role::Assistant)
        .collect();
    let talking_user = Cover::new(&complete_of(intervals, &Role::User));
    let mut user_starts: Vec<i64> = starts_of(intervals, &Role::User);
    user_starts.sort_unstable();
    let mut user_stops: Vec<i64> = intervals
        .iter()
        .filter(|i| i.role == Role::User)
        .filter_map(|i| i.stop)
        .collect();
    user_stops.sort_unstable();
    // Where each assistant interval ends, with its index: a lost `stopped`
    // falls back to the `started`, so a continuation after it is not
    // mistaken for an answer to older user speech.
    let mut assistant_ends: Vec<(i64, usize)> = assistant
        .iter()
        .enumerate()
        .filter_map(|(j, b)| b.stop.or(b.start).map(|p| (p, j)))
        .collect();
    assistant_ends.sort_unstable();

    let mut out: Vec<Turn> = Vec::new();
    for (idx, a) in assistant.iter().enumerate() {
        let Some(s) = a.start else { continue };
        // The latest end at or before `s` of another interval (each index
        // is in the list once, so at most one entry is skipped).
        let ended = assistant_ends.partition_point(|&(p, _)| p <= s);
        let prev_stop = assistant_ends[..ended]
            .iter()
            .rev()
            .find(|&&(_, j)| j != idx)
            .map(|&(p, _)| p);
        let stopped = user_stops.partition_point(|&u| u <= s);
        let user_stopped_at = stopped
            .checked_sub(1)
            .and_then(|k| user_stops.get(k).copied())
            .filter(|&u| prev_stop.is_none_or(|p| u > p));
        let started = user_starts.partition_point(|&u| u <= s);
        let interrupted = a
            .complete()
            .is_some_and(|(_, e)| user_starts.get(started).is_some_and(|&u| u < e));
        out.push(Turn {
            turn: a.turn,
            user_stopped_at,
            assistant_started_at: s,
            assistant_stopped_at: a.stop,
            latency_ms: user_stopped_at.map(|u| s - u),
            interrupted,
            talked_over_user: talking_user.covers(s),
        });
    }
    out.sort_by_key(|t| (t.assistant_started_at, t.turn, t.assistant_stopped_at));
    out
}

/// Spans indexed to answer "does any of them strictly contain `t`"
/// (`s < t < e`) by binary search: the spans sorted by start, with the
/// furthest end reached by each prefix.
struct Cover {
    starts: Vec<i64>,
    reach: Vec<i64>,
}

impl Cover {
    fn new(spans: &[(i64, i64)]) -> Cover {
        let mut sorted = spans.to_vec();
        sorted.sort_unstable();
        let mut furthest = i64::MIN;
        let reach = sorted
            .iter()
            .map(|&(_, e)| {
                furthest = furthest.max(e);
                furthest
            })
            .collect();
        Cover {
            starts: sorted.into_iter().map(|(s, _)| s).collect(),
            reach,
        }
    }

    /// Whether some span starts before `t` and ends after it.
    fn covers(&self, t: i64) -> bool {
        let before = self.starts.partition_point(|&s| s < t);
        before
            .checked_sub(1)
            .and_then(|k| self.reach.get(k))
            .is_some_and(|&e| e > t)
    }
}

fn complete_of(intervals: &[SpeechInterval], role: &Role) -> Vec<(i64, i64)> {
    intervals
        .iter()
        .filter(|i| &i.role == role)
        .filter_map(SpeechInterval::complete)
        .collect()
}

fn starts_of(intervals: &[SpeechInterval], role: &Role) -> Vec<i64> {
    intervals
        .iter()
        .filter(|i| &i.role == role)
        .filter_map(|i| i.start)
        .collect()
}

/// The per-call metrics, from the call's intervals, its turns (as returned
/// by [`turns`]) and its `started_at`.
pub fn call_metrics(
    intervals: &[SpeechInterval],
    turns: &[Turn],
    started_at: Option<i64>,
) -> CallMetrics {
    let user = complete_of(intervals, &Role::User);
    let assistant = complete_of(intervals, &Role::Assistant);
    let user_starts = starts_of(intervals, &Role::User);
    let assistant_starts = starts_of(intervals, &Role::Assistant);
    let inside = |starts: &[i64], spans: &[(i64, i64)]| {
        let cover = Cover::new(spans);
        starts.iter().filter(|&&t| cover.covers(t)).count() as u64
    };
    let both: Vec<(i64, i64)> = user.iter().chain(assistant.iter()).copied().collect();
    let silence_ms = match (
        both.iter().map(|&(s, _)| s).min(),
        both.iter().map(|&(_, e)| e).max(),
    ) {
        (Some(first), Some(last)) => Some(last - first - union_ms(&both)),
        _ => None,
    };
    let latencies: Vec<i64> = turns.iter().filter_map(|t| t.latency_ms).collect();
    CallMetrics {
        turn_count: turns.len() as u64,
        latency_ms: latency_stats(&latencies),
        user_talk_ms: union_ms(&user),
        assistant_talk_ms: union_ms(&assistant),
        silence_ms,
        interruptions_by_user: inside(&user_starts, &assistant),
        interruptions_by_assistant: inside(&assistant_starts, &user),
        greeting_latency_ms: match (assistant_starts.iter().min(), started_at) {
            (Some(first), Some(start)) => Some(first - start),
            _ => None,
        },
        incomplete_speech: intervals.iter().filter(|i| i.complete().is_none()).count() as u64,
    }
}

/// The total length of the union of `[start, stop]` spans; overlapping
/// spans are counted once.
pub fn union_ms(spans: &[(i64, i64)]) -> i64 {
    let mut sorted: Vec<(i64, i64)> = spans.iter().copied().filter(|(s, e)| e >= s).collect();
    sorted.sort_unstable();
    let mut total = 0;
    let mut current: Option<(i64, i64)> = None;
    for (s, e) in sorted {
        current = match current {
            Some((cs, ce)) if s <= ce => Some((cs, ce.max(e))),
            Some((cs, ce)) => {
                total += ce - cs;
                Some((s, e))
            }
            None => Some((s, e)),
        };
    }
    total + current.map_or(0, |(s, e)| e - s)
}

/// The p-th percentile (0 < p <= 100) of ascending `sorted` values by the
/// nearest-rank method: the value at 1-based rank `ceil(p / 100 * n)`.
/// `None` for no values.
pub fn percentile(sorted: &[i64], p: u32) -> Option<i64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let rank = (p as usize * n).div_ceil(100).clamp(1, n);
    sorted.get(rank - 1).copied()
}

/// Count, rounded mean, nearest-rank p50/p90/p95/p99 and max of `values`
/// (any order); `None` for no values, never zeros.
pub fn latency_stats(values: &[i64]) -> Option<LatencyStats> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    let max = *sorted.last()?;
    let sum: i128 = sorted.iter().map(|&v| i128::from(v)).sum();
    let mean = (sum as f64 / n as f64).round() as i64;
    Some(LatencyStats {
        count: n as u64,
        mean,
        p50: percentile(&sorted, 50)?,
        p90: percentile(&sorted, 90)?,
        p95: percentile(&sorted, 95)?,
        p99: percentile(&sorted, 99)?,
        max,
    })
}

/// How fleet statistics group calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// By the assistant the call started with: its id, else its name, else
    /// `unknown`.
    Assistant,
    /// By the UTC calendar day (`YYYY-MM-DD`) of the call's time.
    Day,
}

/// Which calls fleet statistics cover and how they are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FleetQuery {
    /// Inclusive lower bound on the call's time, epoch ms.
    pub from_ms: i64,
    /// Exclusive upper bound on the call's time, epoch ms.
    pub to_ms: i64,
    /// How to group.
    pub group_by: GroupBy,
}

/// Fleet statistics: one group per key, plus the total over all of them.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct FleetStats {
    /// As queried.
    pub from_ms: i64,
    /// As queried.
    pub to_ms: i64,
    /// As queried.
    pub group_by: GroupBy,
    /// Groups ordered by key.
    pub groups: Vec<FleetGroup>,
    /// All calls in range together.
    pub total: FleetGroup,
}

/// Aggregates over one group of calls.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct FleetGroup {
    /// The group key (assistant id/name, or day); `all` for the total.
    pub key: String,
    /// When grouped by assistant, the assistant's name (the first in
    /// sort order, should its calls disagree); otherwise `null`.
    pub assistant_name: Option<String>,
    /// Calls in the group.
    pub calls: u64,
    /// Sum of known call durations.
    pub total_duration_ms: i64,
    /// Mean of known call durations, rounded; `null` when none is known.
    pub mean_duration_ms: Option<i64>,
    /// Calls per ended reason; calls without one (not ended, or the reason
    /// was lost) are not counted here.
    pub ended_reasons: BTreeMap<String, u64>,
    /// Statistics over every turn latency of every call in the group,
    /// pooled (not an average of per-call percentiles).
    pub latency_ms: Option<LatencyStats>,
    /// Sum of the calls' turn counts.
    pub turns: u64,
    /// Turns flagged `interrupted` or `talked_over_user`, over all the
    /// calls (divided by `calls`: interruptions per call).
    pub interrupted_turns: u64,
    /// Interrupted turns (flagged `interrupted` or `talked_over_user`) per
    /// turn; `null` without turns.
    pub interruption_rate: Option<f64>,
    /// Calls with at least one transfer per call; `null` without calls.
    pub transfer_rate: Option<f64>,
}

/// The time that places a call in a range and a day: `started_at`, else
/// its first event's timestamp.
pub fn call_time(summary: &CallSummary) -> Option<i64> {
    summary.started_at.or(summary.first_event_at)
}

/// Aggregates the calls whose [`call_time`] lies in
/// `[query.from_ms, query.to_ms)`, grouped as asked. Calls without a time
/// are left out.
pub fn fleet_stats(summaries: &[CallSummary], query: &FleetQuery) -> FleetStats {
    let in_range: Vec<(&CallSummary, i64)> = summaries
        .iter()
        .filter_map(|s| call_time(s).map(|t| (s, t)))
        .filter(|&(_, t)| query.from_ms <= t && t < query.to_ms)
        .collect();
    let mut groups: BTreeMap<String, Vec<&CallSummary>> = BTreeMap::new();
    for &(s, t) in &in_range {
        let key = match query.group_by {
            GroupBy::Assistant => assistant_key(s),
            GroupBy::Day => day_of(t),
        };
        groups.entry(key).or_default().push(s);
    }
    let all: Vec<&CallSummary> = in_range.iter().map(|&(s, _)| s).collect();
    FleetStats {
        from_ms: query.from_ms,
        to_ms: query.to_ms,
        group_by: query.group_by,
        groups: groups
            .into_iter()
            .map(|(key, calls)| {
                let mut group = fleet_group(key, &calls);
                if query.group_by == GroupBy::Assistant {
                    group.assistant_name =
                        calls.iter().filter_map(|c| c.assistant.name.clone()).min();
                }
                group
            })
            .collect(),
        total: fleet_group("all".to_owned(), &all),
    }
}

/// The key of a call's assistant in fleet statistics: its id, else its
/// name, else `unknown`.
pub fn assistant_key(summary: &CallSummary) -> String {
    summary
        .assistant
        .id
        .clone()
        .or_else(|| summary.assistant.name.clone())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// One time bucket of a [`fleet_series`].
#[derive(Clone, Debug, PartialEq)]
pub struct FleetBucket {
    /// The bucket's start, epoch ms (a multiple of the bucket width).
    pub start_ms: i64,
    /// The calls whose [`call_time`] falls in the bucket.
    pub group: FleetGroup,
}

/// Fleet statistics over time: the calls in `[from_ms, to_ms)` cut into
/// buckets of `bucket_ms` (aligned to multiples of it since the epoch),
/// every bucket from the first call's to the last call's, empty ones
/// included, so that a chart's axis is continuous. Calls without a time
/// are left out; a `bucket_ms` below one is taken as one.
pub fn fleet_series(
    summaries: &[CallSummary],
    from_ms: i64,
    to_ms: i64,
    bucket_ms: i64,
) -> Vec<FleetBucket> {
    let width = bucket_ms.max(1);
    let mut buckets: BTreeMap<i64, Vec<&CallSummary>> = BTreeMap::new();
    for s in summaries {
        if let Some(t) = call_time(s).filter(|&t| from_ms <= t && t < to_ms) {
            buckets
                .entry(t.div_euclid(width) * width)
                .or_default()
                .push(s);
        }
    }
    let (Some(&first), Some(&last)) = (buckets.keys().next(), buckets.keys().next_back()) else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(((last - first) / width + 1) as usize);
    let mut start = first;
    while start <= last {
        let calls = buckets.get(&start).map(Vec::as_slice).unwrap_or_default();
        out.push(FleetBucket {
            start_ms: start,
            group: fleet_group(start.to_string(), calls),
        });
        start += width;
    }
    out
}

fn day_of(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map_or_else(
        || "invalid".to_owned(),
        |d| d.format("%Y-%m-%d").to_string(),
    )
}

fn fleet_group(key: String, calls: &[&CallSummary]) -> FleetGroup {
    let durations: Vec<i64> = calls.iter().filter_map(|c| c.duration_ms).collect();
    let total_duration_ms: i64 = durations.iter().sum();
    let mut ended_reasons = BTreeMap::new();
    for reason in calls.iter().filter_map(|c| c.ended_reason.as_ref()) {
        *ended_reasons.entry(reason.clone()).or_insert(0) += 1;
    }
    let latencies: Vec<i64> = calls
        .iter()
        .flat_map(|c| c.turn_latencies_ms.iter().copied())
        .collect();
    let turns: u64 = calls.iter().map(|c| c.turn_count).sum();
    let interrupted: u64 = calls.iter().map(|c| c.interrupted_turns).sum();
    let transferred = calls.iter().filter(|c| c.transfer_count > 0).count();
    FleetGroup {
        key,
        assistant_name: None,
        calls: calls.len() as u64,
        total_duration_ms,
        mean_duration_ms: (!durations.is_empty())
            .then(|| (total_duration_ms as f64 / durations.len() as f64).round() as i64),
        ended_reasons,
        latency_ms: latency_stats(&latencies),
        turns,
        interrupted_turns: interrupted,
        interruption_rate: (turns > 0).then(|| interrupted as f64 / turns as f64),
        transfer_rate: (!calls.is_empty()).then(|| transferred as f64 / calls.len() as f64),
    }
}
