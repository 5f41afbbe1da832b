//! POSTing calls to a server URL, as Vapi would: each call's messages in
//! order, calls overlapping, every request signed, paced by the call's own
//! timeline (scaled) or as fast as the target answers, with a global rate
//! cap, a bound on calls in flight, a progress bar and a report.
//!
//! Why it holds thousands of requests in flight without running out of
//! anything: the soft `RLIMIT_NOFILE` is raised to the hard limit first
//! ([`raise_fd_limit`]); one [`reqwest::Client`] (one connection pool) is
//! shared by all calls; a semaphore bounds the calls in flight, and each
//! call has at most one request outstanding (its messages go in order), so
//! requests in flight never exceed `--concurrency`; a call's messages are
//! rendered one at a time, so memory is one body per call in flight.
//!
//! Failures (non-2xx, connection errors, timeouts) are counted, never fatal,
//! unless `fail_fast` asks to stop at the first; the report quotes the first
//! few with the reason the target gave, and the commands exit 1 if any
//! delivery failed ([`Report::all_acked`]).

use std::collections::BTreeMap;
use std::fmt;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use calltap_protocol::auth::{format_timestamp, SignInput, TimestampFormat, Verifier};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::sync::Semaphore;

use super::answers::{check_tool_calls, is_tool_calls, ToolAnswer, ToolAnswers};
use super::render::Renderer;

/// Where calls come from: the simulator, or stored deliveries to replay.
pub trait CallSource: Send + Sync + 'static {
    /// How many sequences of deliveries: each is sent in order, side by
    /// side with the others. Usually one per call.
    fn calls(&self) -> u64;
    /// Sequence `index`'s deliveries in order, as (message timestamp, body),
    /// produced lazily.
    fn deliveries(&self, index: u64) -> Box<dyn Iterator<Item = (i64, Bytes)> + Send>;
    /// How many distinct calls sequence `index` holds (a replay in stored
    /// order sends every call in one sequence), for the report.
    fn calls_in(&self, _index: u64) -> u64 {
        1
    }
}

/// The simulator as a [`CallSource`]: call `i` is generated when it starts
/// and rendered one message at a time.
#[derive(Debug)]
pub struct SimSource {
    renderer: Arc<Renderer>,
    calls: u64,
}

impl SimSource {
    /// Calls `0..calls` of `renderer`'s run.
    pub fn new(renderer: Arc<Renderer>, calls: u64) -> Self {
        SimSource { renderer, calls }
    }
}

impl CallSource for SimSource {
    fn calls(&self) -> u64 {
        self.calls
    }

    fn deliveries(&self, index: u64) -> Box<dyn Iterator<Item = (i64, Bytes)> + Send> {
        let mut call = self.renderer.call(index);
        Box::new(std::iter::from_fn(move || {
            call.next_body().map(|(at, b)| (at, Bytes::from(b)))
        }))
    }
}

/// Stored deliveries grouped for sending, as a [`CallSource`].
#[derive(Debug, Default)]
pub struct StoredSource {
    /// Sent side by side: one per call, or all calls in stored order.
    pub sequences: Vec<Sequence>,
}

/// Deliveries sent one after another, and how many calls they belong to.
#[derive(Debug, Default)]
pub struct Sequence {
    /// (message timestamp, body), in sending order.
    pub deliveries: Vec<(i64, Bytes)>,
    /// Distinct calls among them, for the report.
    pub calls: u64,
}

impl StoredSource {
    fn sequence(&self, index: u64) -> Option<&Sequence> {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.sequences.get(i))
    }
}

impl CallSource for StoredSource {
    fn calls(&self) -> u64 {
        self.sequences.len() as u64
    }

    fn deliveries(&self, index: u64) -> Box<dyn Iterator<Item = (i64, Bytes)> + Send> {
        let deliveries = self
            .sequence(index)
            .map(|s| s.deliveries.clone())
            .unwrap_or_default();
        Box::new(deliveries.into_iter())
    }

    fn calls_in(&self, index: u64) -> u64 {
        self.sequence(index).map_or(1, |s| s.calls)
    }
}

/// How fast a call's messages follow each other.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pace {
    /// The call's own timeline divided by this factor (1 = real time).
    Speed(f64),
    /// Each message as soon as the previous one is answered.
    Max,
}

/// How to send.
#[derive(Debug, Clone)]
pub struct SendOptions {
    /// The URL every delivery is POSTed to.
    pub url: String,
    /// Each credential signs every request (their headers are all attached).
    pub signers: Vec<Verifier>,
    /// Calls in flight at once (and so requests in flight, at most).
    pub concurrency: usize,
    /// A cap on deliveries per second, over all calls.
    pub rate: Option<f64>,
    /// The pacing within a call.
    pub pace: Pace,
    /// Stop at the first failed delivery.
    pub fail_fast: bool,
    /// Show a progress bar (only drawn when stderr is a terminal).
    pub progress: bool,
    /// Per-request timeout (Vapi's default is 20 s).
    pub timeout: Duration,
}

impl Default for SendOptions {
    fn default() -> Self {
        SendOptions {
            url: String::new(),
            signers: Vec::new(),
            concurrency: 50,
            rate: None,
            pace: Pace::Max,
            fail_fast: false,
            progress: true,
            timeout: Duration::from_secs(20),
        }
    }
}

/// Raises the soft limit on open files to the hard limit (a no-op where
/// there is none) and returns the new soft limit, if known.
pub fn raise_fd_limit() -> Option<u64> {
    rlimit::increase_nofile_limit(u64::MAX).ok()
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// Calls started (a replay in stored order starts all of its calls at
    /// once).
    pub calls: u64,
    /// Deliveries sent (answered or failed).
    pub sent: u64,
    /// Deliveries answered 2xx.
    pub acked: u64,
    /// Deliveries that got a non-2xx answer or no answer.
    pub failed: u64,
    /// Answers by status code.
    pub by_status: BTreeMap<u16, u64>,
    /// Failures without an answer, by kind (`connect`, `timeout`, `other`).
    pub errors: BTreeMap<String, u64>,
    /// The first few failure descriptions, for the summary.
    pub samples: Vec<String>,
    /// Wall time of the run.
    pub elapsed: Duration,
    /// The target's response latency in microseconds, sorted ascending.
    pub latencies_us: Vec<u64>,
    /// The run stopped early (`fail_fast`).
    pub stopped: bool,
    /// How the target answered the `tool-calls` deliveries.
    pub tool_answers: ToolAnswers,
}

impl Report {
    /// Whether every delivery sent was acknowledged (2xx): the commands
    /// exit 0 only then.
    pub fn all_acked(&self) -> bool {
        self.failed == 0
    }

    /// Deliveries per second over the run.
    pub fn rate(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.sent as f64 / secs
        } else {
            0.0
        }
    }

    /// The nearest-rank `p`-th percentile of the response latency, in µs.
    pub fn latency_us(&self, p: f64) -> Option<u64> {
        let n = self.latencies_us.len();
        if n == 0 {
            return None;
        }
        let rank = ((p / 100.0) * n as f64).ceil().max(1.0) as usize;
        self.latencies_us.get(rank.min(n) - 1).copied()
    }

    fn merge(&mut self, other: CallStats) {
        self.sent += other.sent;
        self.acked += other.acked;
        self.failed += other.failed;
        for (code, n) in other.by_status {
            *self.by_status.entry(code).or_default() += n;
        }
        for (kind, n) in other.errors {
            *self.errors.entry(kind).or_default() += n;
        }
        for s in other.samples {
            if self.samples.len() < 5 && !self.samples.contains(&s) {
                self.samples.push(s);
            }
        }
        self.latencies_us.extend(other.latencies_us);
        self.tool_answers.merge(other.tools);
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "calls:       {}", self.calls)?;
        writeln!(
            f,
            "deliveries:  {} sent, {} acked (2xx), {} failed",
            self.sent, self.acked, self.failed
        )?;
        if !self.by_status.is_empty() {
            let codes: Vec<String> = self
                .by_status
                .iter()
                .map(|(c, n)| format!("{c}: {n}"))
                .collect();
            writeln!(f, "by status:   {}", codes.join(", "))?;
        }
        if !self.errors.is_empty() {
            let errs: Vec<String> = self
                .errors
                .iter()
                .map(|(k, n)| format!("{k}: {n}"))
                .collect();
            writeln!(f, "no answer:   {}", errs.join(", "))?;
        }
        for s in &self.samples {
            writeln!(f, "  e.g. {s}")?;
        }
        writeln!(
            f,
            "throughput:  {:.1} deliveries/s over {:.2} s",
            self.rate(),
            self.elapsed.as_secs_f64()
        )?;
        let ms = |p: f64| {
            self.latency_us(p)
                .map_or("-".to_owned(), |us| format!("{:.1} ms", us as f64 / 1000.0))
        };
        writeln!(
            f,
            "latency:     p50 {}, p90 {}, p99 {}, max {}",
            ms(50.0),
            ms(90.0),
            ms(99.0),
            ms(100.0)
        )?;
        if self.tool_answers.questions > 0 {
            write!(f, "{}", self.tool_answers)?;
        }
        if self.stopped {
            writeln!(f, "stopped at the first failure (--fail-fast)")?;
        }
        Ok(())
    }
}

/// One call's tally, merged into the report when the call is done.
#[derive(Debug, Default)]
struct CallStats {
    sent: u64,
    acked: u64,
    failed: u64,
    by_status: BTreeMap<u16, u64>,
    errors: BTreeMap<String, u64>,
    samples: Vec<String>,
    latencies_us: Vec<u64>,
    tools: ToolAnswers,
}

/// Spaces deliveries `1/rate` apart over all calls.
#[derive(Debug)]
struct RateLimiter {
    interval: Duration,
    next: Mutex<Instant>,
}

impl RateLimiter {
    async fn wait(&self) {
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let slot = (*next).max(now);
            *next = slot + self.interval;
            slot
        };
        tokio::time::sleep_until(slot.into()).await;
    }
}

/// What every call task shares.
struct Shared {
    client: reqwest::Client,
    options: SendOptions,
    limiter: Option<RateLimiter>,
    stop: AtomicBool,
    sent: AtomicU64,
    failed: AtomicU64,
    report: Mutex<Report>,
}

/// Sends every call of `source` to `options.url` and reports.
///
/// Fails only when the HTTP client cannot be built; every delivery failure
/// is in the report.
pub async fn run(source: Arc<dyn CallSource>, options: SendOptions) -> reqwest::Result<Report> {
    raise_fd_limit();
    let concurrency = options.concurrency.max(1);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .timeout(options.timeout)
        .tcp_nodelay(true)
        .build()?;
    let limiter = options.rate.filter(|r| *r > 0.0).map(|r| RateLimiter {
        interval: Duration::from_secs_f64(1.0 / r),
        next: Mutex::new(Instant::now()),
    });
    let total = source.calls();
    let bar = if options.progress && std::io::stderr().is_terminal() {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} calls  {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let shared = Arc::new(Shared {
        client,
        options,
        limiter,
        stop: AtomicBool::new(false),
        sent: AtomicU64::new(0),
        failed: AtomicU64::new(0),
        report: Mutex::new(Report::default()),
    });
    // The counters are drawn from a ticker rather than per delivery, so the
    // bar costs nothing at 50k deliveries/s.
    let ticker = {
        let (bar, shared) = (bar.clone(), Arc::clone(&shared));
        tokio::spawn(async move {
            let started = Instant::now();
            loop {
                tokio::time::sleep(Duration::from_millis(200)).await;
                let sent = shared.sent.load(Ordering::Relaxed);
                let rate = sent as f64 / started.elapsed().as_secs_f64().max(1e-3);
                bar.set_message(format!(
                    "{sent} deliveries, {} failed, {rate:.0}/s",
                    shared.failed.load(Ordering::Relaxed)
                ));
            }
        })
    };

    let started = Instant::now();
    let permits = Arc::new(Semaphore::new(concurrency));
    let mut calls = 0;
    for index in 0..total {
        let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
            break;
        };
        if shared.stop.load(Ordering::Relaxed) {
            break;
        }
        calls += source.calls_in(index);
        let (shared, source, bar) = (Arc::clone(&shared), Arc::clone(&source), bar.clone());
        tokio::spawn(async move {
            let stats = play_call(&shared, source.deliveries(index), index).await;
            shared
                .report
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .merge(stats);
            bar.inc(1);
            drop(permit);
        });
    }
    // Every call task holds a permit until it is done: taking them all back
    // waits for the last one.
    let all = u32::try_from(concurrency).unwrap_or(u32::MAX);
    let _ = permits.acquire_many(all).await;
    ticker.abort();
    bar.finish_and_clear();

    let mut report = std::mem::take(&mut *shared.report.lock().unwrap_or_else(|e| e.into_inner()));
    report.calls = calls;
    report.elapsed = started.elapsed();
    report.stopped = shared.stop.load(Ordering::Relaxed);
    report.latencies_us.sort_unstable();
    report.tool_answers.latencies_us.sort_unstable();
    Ok(report)
}

/// Sends one call's deliveries in order, paced.
async fn play_call(
    shared: &Shared,
    deliveries: Box<dyn Iterator<Item = (i64, Bytes)> + Send>,
    index: u64,
) -> CallStats {
    let mut stats = CallStats::default();
    let start = Instant::now();
    let mut first_at = None;
    for (n, (at, body)) in deliveries.enumerate() {
        if shared.stop.load(Ordering::Relaxed) {
            break;
        }
        if let Pace::Speed(speed) = shared.options.pace {
            let first = *first_at.get_or_insert(at);
            let offset_ms = (at - first).max(0) as f64 / speed.max(1e-6);
            let due = start + Duration::from_secs_f64(offset_ms / 1000.0);
            tokio::time::sleep_until(due.into()).await;
        }
        if let Some(limiter) = &shared.limiter {
            limiter.wait().await;
        }
        let ok = post(shared, &mut stats, body, &format!("msg_{index}_{n}")).await;
        shared.sent.fetch_add(1, Ordering::Relaxed);
        if !ok {
            shared.failed.fetch_add(1, Ordering::Relaxed);
            if shared.options.fail_fast {
                shared.stop.store(true, Ordering::Relaxed);
            }
        }
    }
    stats
}

/// POSTs one signed delivery; returns whether it was acknowledged (2xx).
async fn post(shared: &Shared, stats: &mut CallStats, body: Bytes, message_id: &str) -> bool {
    let url = &shared.options.url;
    // A question whose answer is checked: kept to read the answer against.
    let question = is_tool_calls(&body).then(|| body.clone());
    let mut request = shared
        .client
        .post(url)
        .header(http::header::CONTENT_TYPE, "application/json");
    let timestamp = format_timestamp(SystemTime::now(), TimestampFormat::Seconds);
    for signer in &shared.options.signers {
        let input = SignInput {
            method: "POST",
            url,
            body: &body,
            timestamp: &timestamp,
            message_id: Some(message_id),
        };
        match signer.sign(&input) {
            Ok(headers) => {
                for (name, value) in headers {
                    request = request.header(name, value);
                }
            }
            Err(e) => {
                stats.sent += 1;
                stats.failed += 1;
                if question.is_some() {
                    stats.tools.record(None, None);
                }
                *stats.errors.entry("signing".to_owned()).or_default() += 1;
                if stats.samples.len() < 5 {
                    stats.samples.push(format!("signing: {e}"));
                }
                return false;
            }
        }
    }
    let sent_at = Instant::now();
    let result = request.body(body).send().await;
    stats.sent += 1;
    match result {
        Ok(response) => {
            let status = response.status();
            // Read the answer so the connection goes back to the pool, and
            // for the reason a refusal gives.
            let answer = response.bytes().await.unwrap_or_default();
            let us = u64::try_from(sent_at.elapsed().as_micros()).unwrap_or(u64::MAX);
            stats.latencies_us.push(us);
            *stats.by_status.entry(status.as_u16()).or_default() += 1;
            if let Some(question) = &question {
                let checked =
                    check_tool_calls(question, status.as_u16(), &answer).unwrap_or_else(|| {
                        ToolAnswer::Incomplete(
                            "the question is not a readable tool-calls".to_owned(),
                        )
                    });
                stats.tools.record(Some(checked), Some(us));
            }
            if status.is_success() {
                stats.acked += 1;
                true
            } else {
                stats.failed += 1;
                if stats.samples.len() < 5 {
                    stats.samples.push(refusal(status, url, &answer));
                }
                false
            }
        }
        Err(e) => {
            stats.failed += 1;
            if question.is_some() {
                stats.tools.record(None, None);
            }
            let kind = if e.is_connect() {
                "connect"
            } else if e.is_timeout() {
                "timeout"
            } else {
                "other"
            };
            *stats.errors.entry(kind.to_owned()).or_default() += 1;
            if stats.samples.len() < 5 {
                stats.samples.push(format!("{kind}: {e}"));
            }
            false
        }
    }
}

/// Longest reason quoted from a refusal's body.
const MAX_REASON: usize = 200;

/// `HTTP 401 Unauthorized from URL: <the answer's body>`, the body on one
/// line and cut at [`MAX_REASON`] characters, so that the summary says why
/// the target refused (calltap answers with its reason).
fn refusal(status: http::StatusCode, url: &str, answer: &[u8]) -> String {
    let text = String::from_utf8_lossy(answer);
    let reason: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(MAX_REASON)
        .collect();
    if reason.is_empty() {
        format!("HTTP {status} from {url}")
    } else {
        format!("HTTP {status} from {url}: {reason}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_quotes_the_answer_on_one_line_and_cut_short() {
        let url = "http://x/webhook";
        assert_eq!(
            refusal(
                http::StatusCode::UNAUTHORIZED,
                url,
                b"{\"error\":\n  \"bad secret\"}"
            ),
            "HTTP 401 Unauthorized from http://x/webhook: {\"error\": \"bad secret\"}"
        );
        assert_eq!(
            refusal(http::StatusCode::BAD_GATEWAY, url, b""),
            "HTTP 502 Bad Gateway from http://x/webhook"
        );
        let long = refusal(http::StatusCode::BAD_REQUEST, url, &[b'a'; 1000]);
        assert!(long.ends_with(&"a".repeat(MAX_REASON)), "{long}");
        assert!(!long.ends_with(&"a".repeat(MAX_REASON + 1)), "{long}");
    }

    #[test]
    fn percentiles_are_nearest_rank_over_the_sorted_latencies() {
        let report = Report {
            latencies_us: (1..=100).collect(),
            ..Report::default()
        };
        assert_eq!(report.latency_us(50.0), Some(50));
        assert_eq!(report.latency_us(90.0), Some(90));
        assert_eq!(report.latency_us(99.0), Some(99));
        assert_eq!(report.latency_us(100.0), Some(100));
        assert_eq!(Report::default().latency_us(50.0), None);
    }
}
