//! Each metric's edge cases, on small calls built by hand and on known data.

use super::super::analytics::{
    fleet_series, fleet_stats, latency_stats, percentile, union_ms, FleetQuery, GroupBy,
};
use super::super::detail::{AssistantRef, CallDetail, CallSummary, LatencyStats};
use super::super::event::{Role, SpeechStatus};
use super::super::state::CallState;
use super::{Events, T0};

fn detail(events: Events) -> CallDetail {
    CallState::from_events("c", &events.build()).detail()
}

fn latencies(d: &CallDetail) -> Vec<Option<i64>> {
    d.turns.iter().map(|t| t.latency_ms).collect()
}

#[test]
fn nearest_rank_percentiles_match_the_textbook_example() {
    let data = [15, 20, 35, 40, 50];
    assert_eq!(percentile(&data, 5), Some(15));
    assert_eq!(percentile(&data, 30), Some(20));
    assert_eq!(percentile(&data, 40), Some(20));
    assert_eq!(percentile(&data, 50), Some(35));
    assert_eq!(percentile(&data, 100), Some(50));
}

#[test]
fn nearest_rank_percentiles_of_one_to_ten_are_values_of_the_data() {
    let data: Vec<i64> = (1..=10).collect();
    assert_eq!(percentile(&data, 50), Some(5));
    assert_eq!(percentile(&data, 90), Some(9));
    assert_eq!(percentile(&data, 95), Some(10));
    assert_eq!(percentile(&data, 99), Some(10));
}

#[test]
fn percentiles_of_nothing_are_none_not_zero() {
    assert_eq!(percentile(&[], 50), None);
    assert_eq!(latency_stats(&[]), None);
}

#[test]
fn latency_stats_of_one_value_are_that_value() {
    let one = LatencyStats {
        count: 1,
        mean: 700,
        p50: 700,
        p90: 700,
        p95: 700,
        p99: 700,
        max: 700,
    };
    assert_eq!(latency_stats(&[700]), Some(one));
}

#[test]
fn latency_stats_sort_their_input_and_round_the_mean() {
    let stats = latency_stats(&[3, 1, 2, 2]);
    let expected = LatencyStats {
        count: 4,
        mean: 2,
        p50: 2,
        p90: 3,
        p95: 3,
        p99: 3,
        max: 3,
    };
    assert_eq!(stats, Some(expected));
    assert_eq!(latency_stats(&[1, 2]).map(|s| s.mean), Some(2));
}

#[test]
fn union_counts_overlapping_and_nested_spans_once_and_ignores_reversed_ones() {
    assert_eq!(union_ms(&[]), 0);
    assert_eq!(union_ms(&[(0, 10), (5, 15)]), 15);
    assert_eq!(union_ms(&[(0, 100), (10, 20)]), 100);
    assert_eq!(union_ms(&[(0, 10), (10, 20)]), 20);
    assert_eq!(union_ms(&[(30, 40), (0, 10)]), 20);
    assert_eq!(union_ms(&[(10, 0)]), 0);
}

#[test]
fn a_call_without_turns_has_null_latency_and_silence_not_zero() {
    let d = detail(
        Events::new()
            .status(0, "in-progress")
            .speaks(Role::User, 0, 100, 900),
    );
    assert_eq!(d.metrics.turn_count, 0);
    assert_eq!(d.metrics.latency_ms, None);
    assert_eq!(d.metrics.greeting_latency_ms, None);
    assert_eq!(d.metrics.user_talk_ms, 800);
    assert_eq!(d.metrics.silence_ms, Some(0));

    let empty = detail(Events::new().status(0, "queued"));
    assert_eq!(empty.metrics.silence_ms, None);
    assert_eq!(empty.metrics.latency_ms, None);
}

#[test]
fn a_single_turn_gives_one_latency() {
    let d = detail(
        Events::new()
            .status(0, "in-progress")
            .speaks(Role::Assistant, 0, 200, 1000)
            .speaks(Role::User, 0, 1500, 2000)
            .speaks(Role::Assistant, 1, 2450, 3000),
    );
    assert_eq!(latencies(&d), vec![None, Some(450)]);
    assert_eq!(
        d.metrics.latency_ms.map(|s| (s.count, s.p50, s.max)),
        Some((1, 450, 450))
    );
    assert_eq!(d.metrics.greeting_latency_ms, Some(200));
}

#[test]
fn when_the_user_speaks_first_the_first_assistant_speech_is_a_turn_with_latency() {
    let d = detail(Events::new().speaks(Role::User, 0, 0, 1000).speaks(
        Role::Assistant,
        0,
        1300,
        2000,
    ));
    assert_eq!(latencies(&d), vec![Some(300)]);
}

#[test]
fn latency_is_measured_from_the_latest_user_stop_before_the_answer() {
    let d = detail(
        Events::new()
            .speaks(Role::Assistant, 0, 0, 500)
            .speaks(Role::User, 0, 1000, 1500)
            .speaks(Role::User, 1, 2000, 2600)
            .speaks(Role::Assistant, 1, 3000, 3500),
    );
    assert_eq!(latencies(&d), vec![None, Some(400)]);
    assert_eq!(d.turns[1].user_stopped_at, Some(T0 + 2600));
}

#[test]
fn an_assistant_continuation_without_user_speech_has_no_latency() {
    let d = detail(
        Events::new()
            .speaks(Role::Assistant, 0, 0, 500)
            .speaks(Role::User, 0, 1000, 1500)
            .speaks(Role::Assistant, 1, 2000, 2500)
            .speaks(Role::Assistant, 2, 4000, 4500),
    );
    assert_eq!(latencies(&d), vec![None, Some(500), None]);
}

#[test]
fn two_barge_ins_in_one_utterance_count_twice_and_flag_one_turn() {
    let d = detail(
        Events::new()
            .speaks(Role::Assistant, 0, 0, 5000)
            .speaks(Role::User, 0, 1000, 1200)
            .speaks(Role::User, 1, 3000, 3200),
    );
    assert_eq!(d.metrics.interruptions_by_user, 2);
    assert_eq!(d.metrics.interruptions_by_assistant, 0);
    assert_eq!(d.turns.iter().filter(|t| t.interrupted).count(), 1);
    assert_eq!(d.summary().interrupted_turns, 1);
}

#[test]
fn speech_that_starts_exactly_when_the_other_stops_is_not_an_interruption() {
    let d = detail(
        Events::new()
            .speaks(Role::Assistant, 0, 0, 1000)
            .speaks(Role::User, 0, 1000, 2000)
            .speaks(Role::Assistant, 1, 2000, 3000),
    );
    assert_eq!(d.metrics.interruptions_by_user, 0);
    assert_eq!(d.metrics.interruptions_by_assistant, 0);
    assert_eq!(latencies(&d), vec![None, Some(0)]);
    assert_eq!(d.metrics.silence_ms, Some(0));
}

#[test]
fn incomplete_speech_counts_for_turns_but_not_for_talk_time_or_interruptions() {
    let d = detail(
        Events::new()
            .started(0, Role::Assistant, 0)
            .speaks(Role::User, 0, 1000, 2000)
            .speech(2500, Role::Assistant, SpeechStatus::Stopped, Some(1)),
    );
    assert_eq!(d.metrics.assistant_talk_ms, 0);
    assert_eq!(d.metrics.interruptions_by_user, 0);
    assert_eq!(d.metrics.incomplete_speech, 2);
    assert_eq!(d.metrics.turn_count, 1);
}

#[test]
fn greeting_latency_is_null_without_a_start_and_may_be_negative_with_skewed_clocks() {
    let no_start = detail(Events::new().speaks(Role::Assistant, 0, 100, 200));
    assert_eq!(no_start.metrics.greeting_latency_ms, None);
    let skewed = detail(
        Events::new()
            .speaks(Role::Assistant, 0, 100, 200)
            .status(300, "in-progress"),
    );
    assert_eq!(skewed.metrics.greeting_latency_ms, Some(-200));
}

fn summary(id: &str, assistant: &str, started: i64, latencies: &[i64]) -> CallSummary {
    CallSummary {
        id: id.into(),
        call_type: Some("inboundPhoneCall".to_owned()),
        status: Some("ended".to_owned()),
        ended_reason: Some("customer-ended-call".to_owned()),
        assistant: AssistantRef {
            id: Some(assistant.to_owned()),
            name: None,
        },
        customer_number: None,
        phone_number: None,
        started_at: Some(started),
        ended_at: Some(started + 60_000),
        duration_ms: Some(60_000),
        cost: None,
        event_count: 10,
        first_event_at: Some(started),
        last_event_at: Some(started + 60_000),
        turn_count: latencies.len() as u64 + 1,
        turn_latencies_ms: latencies.to_vec(),
        interruptions_by_user: 0,
        interruptions_by_assistant: 0,
        interrupted_turns: 0,
        transfer_count: 0,
    }
}

const DAY: i64 = 86_400_000;

fn fleet() -> Vec<CallSummary> {
    // 2023-11-14 and 2023-11-15 (UTC); T0 is 22:13:20 on the 14th.
    vec![
        summary("a", "asst-1", T0, &[400, 600]),
        CallSummary {
            interrupted_turns: 1,
            transfer_count: 1,
            ended_reason: Some("assistant-forwarded-call".to_owned()),
            ..summary("b", "asst-1", T0 + 1000, &[800])
        },
        CallSummary {
            started_at: None,
            duration_ms: None,
            ended_reason: None,
            ..summary("c", "asst-2", T0 + DAY, &[])
        },
        // Out of range: exactly at the exclusive upper bound.
        summary("d", "asst-2", T0 + 2 * DAY, &[5000]),
        // No time at all: left out.
        CallSummary {
            started_at: None,
            first_event_at: None,
            ..summary("e", "asst-2", T0, &[9000])
        },
    ]
}

#[test]
fn fleet_stats_by_assistant_pool_turn_latencies_and_count_rates() {
    let stats = fleet_stats(
        &fleet(),
        &FleetQuery {
            from_ms: T0,
            to_ms: T0 + 2 * DAY,
            group_by: GroupBy::Assistant,
        },
    );
    assert_eq!(stats.total.calls, 3);
    assert_eq!(
        stats
            .total
            .latency_ms
            .as_ref()
            .map(|l| (l.count, l.p50, l.max)),
        Some((3, 600, 800))
    );
    insta::assert_json_snapshot!("fleet_by_assistant", stats);
}

#[test]
fn fleet_stats_by_day_use_utc_days_of_the_start_or_first_event() {
    let stats = fleet_stats(
        &fleet(),
        &FleetQuery {
            from_ms: 0,
            to_ms: i64::MAX,
            group_by: GroupBy::Day,
        },
    );
    let keys: Vec<(&str, u64)> = stats
        .groups
        .iter()
        .map(|g| (g.key.as_str(), g.calls))
        .collect();
    assert_eq!(
        keys,
        vec![("2023-11-14", 2), ("2023-11-15", 1), ("2023-11-16", 1)]
    );
}

#[test]
fn fleet_stats_of_no_calls_are_nulls_not_zeros() {
    let stats = fleet_stats(
        &[],
        &FleetQuery {
            from_ms: 0,
            to_ms: 1,
            group_by: GroupBy::Day,
        },
    );
    assert!(stats.groups.is_empty());
    assert_eq!(stats.total.calls, 0);
    assert_eq!(stats.total.latency_ms, None);
    assert_eq!(stats.total.mean_duration_ms, None);
    assert_eq!(stats.total.interruption_rate, None);
    assert_eq!(stats.total.transfer_rate, None);
}

#[test]
fn a_fleet_series_has_every_bucket_from_the_first_call_to_the_last_empty_ones_included() {
    const HOUR: i64 = 3_600_000;
    let series = fleet_series(&fleet(), T0, T0 + 2 * DAY, HOUR);
    // T0 is 22:13:20: buckets start on the hour, from 22:00 on the 14th to
    // 22:00 on the 15th (call "c"); "d" is at the exclusive bound.
    let first = T0 - T0.rem_euclid(HOUR);
    assert_eq!(series.len(), 25);
    assert_eq!(series[0].start_ms, first);
    assert_eq!(series[24].start_ms, first + DAY);
    let counts: Vec<u64> = series.iter().map(|b| b.group.calls).collect();
    assert_eq!((counts[0], counts[1], counts[24]), (2, 0, 1));
    assert_eq!(counts.iter().sum::<u64>(), 3);
    assert_eq!(series[0].group.interrupted_turns, 1);
    assert_eq!(
        series[0].group.latency_ms.as_ref().map(|l| l.count),
        Some(3)
    );
    assert_eq!(
        series[1].group.latency_ms, None,
        "an empty bucket has no latency"
    );
    assert!(fleet_series(&[], 0, i64::MAX, HOUR).is_empty());
}

/// The turns and metrics as the module documentation defines them, written
/// as the direct quadratic scans they were before binary search: the
/// oracle the fast versions are checked against.
mod by_definition {
    use super::super::super::analytics::SpeechInterval;
    use super::super::super::event::Role;

    /// Per assistant interval with a start: (start, latency, interrupted,
    /// talked over the user).
    pub fn turns(intervals: &[SpeechInterval]) -> Vec<(i64, Option<i64>, bool, bool)> {
        let of = |role: Role| -> Vec<&SpeechInterval> {
            intervals.iter().filter(|i| i.role == role).collect()
        };
        let (assistant, user) = (of(Role::Assistant), of(Role::User));
        let mut out = Vec::new();
        for (idx, a) in assistant.iter().enumerate() {
            let Some(s) = a.start else { continue };
            let prev_stop = assistant
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != idx)
                .filter_map(|(_, b)| b.stop.or(b.start))
                .filter(|&p| p <= s)
                .max();
            let user_stopped_at = user
                .iter()
                .filter_map(|i| i.stop)
                .filter(|&u| u <= s && prev_stop.is_none_or(|p| u > p))
                .max();
            let interrupted = a
                .complete()
                .is_some_and(|(s, e)| user.iter().filter_map(|i| i.start).any(|u| s < u && u < e));
            let talked_over = user
                .iter()
                .filter_map(|i| i.complete())
                .any(|(us, ue)| us < s && s < ue);
            out.push((s, user_stopped_at.map(|u| s - u), interrupted, talked_over));
        }
        out.sort_unstable();
        out
    }

    /// Starts of `starter` strictly inside a complete interval of `other`.
    pub fn interruptions(intervals: &[SpeechInterval], starter: Role, other: Role) -> u64 {
        let spans: Vec<(i64, i64)> = intervals
            .iter()
            .filter(|i| i.role == other)
            .filter_map(SpeechInterval::complete)
            .collect();
        intervals
            .iter()
            .filter(|i| i.role == starter)
            .filter_map(|i| i.start)
            .filter(|&t| spans.iter().any(|&(s, e)| s < t && t < e))
            .count() as u64
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    /// Times from a narrow range, so that equal and nested times are common.
    #[test]
    fn turns_and_interruptions_equal_their_definitions(
        spans in proptest::collection::vec(
            (proptest::bool::ANY, proptest::option::of(0i64..30), proptest::option::of(0i64..30)),
            0..24,
        )
    ) {
        use super::super::analytics::{call_metrics, turns, SpeechInterval};
        use super::super::event::Role;
        let intervals: Vec<SpeechInterval> = spans
            .iter()
            .map(|&(user, start, stop)| SpeechInterval {
                role: if user { Role::User } else { Role::Assistant },
                turn: None,
                start,
                stop,
            })
            .collect();
        let fast = turns(&intervals);
        let mut got: Vec<(i64, Option<i64>, bool, bool)> = fast
            .iter()
            .map(|t| (t.assistant_started_at, t.latency_ms, t.interrupted, t.talked_over_user))
            .collect();
        got.sort_unstable();
        proptest::prop_assert_eq!(got, by_definition::turns(&intervals));
        let metrics = call_metrics(&intervals, &fast, None);
        proptest::prop_assert_eq!(
            metrics.interruptions_by_user,
            by_definition::interruptions(&intervals, Role::User, Role::Assistant)
        );
        proptest::prop_assert_eq!(
            metrics.interruptions_by_assistant,
            by_definition::interruptions(&intervals, Role::Assistant, Role::User)
        );
    }
}
