//! The one typed configuration of `calltap serve`.
//!
//! Layers, lowest first: built-in defaults, a TOML file (`--config`),
//! `CALLTAP_*` environment variables, command-line flags. Clap resolves the
//! last two (a flag wins over its variable); [`FileConfig`] is the file; and
//! [`Config::resolve`] merges them into a [`Config`] that is validated before
//! any socket is bound. Secrets are [`Secret`]s, so `Debug` never prints them.
//!
//! This module knows nothing of HTTP or SQL: it only describes settings.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context};
use serde::Deserialize;

pub use calltap_protocol::auth::Secret;
use calltap_protocol::auth::{BearerPlan, VapiSecretPlan, Verifier};
use calltap_protocol::model::MessageType;

pub use crate::forward::nats::NatsConfig;
pub use crate::forward::ForwardConfig;
use crate::forward::{Deadlines, Fallbacks, RetryPolicy};
use crate::memory;
use crate::store::body::MemoBytes;

/// The largest `stream_capacity`: the feed keeps this many events in memory.
pub const MAX_STREAM_CAPACITY: usize = 1 << 20;

/// Parses a secret from a flag or variable (clap value parser).
pub fn parse_secret(text: &str) -> Result<Secret, std::convert::Infallible> {
    Ok(Secret::new(text))
}

/// How hard the store works to keep a commit; a setting of the store.
pub use crate::store::Durability;

/// The log line format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Everything `calltap serve` needs, resolved and validated.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where to listen (default `127.0.0.1:4242`).
    pub listen: SocketAddr,
    /// The SQLite database file (default `./calltap.db`).
    pub db: PathBuf,
    /// SQLite durability (default [`Durability::Full`]).
    pub durability: Durability,
    /// The paths that accept deliveries (default `/` and `/webhook`).
    pub ingest_paths: Vec<String>,
    /// The largest body accepted, in bytes (default 16 MiB).
    pub body_limit: usize,
    /// The deepest JSON nesting accepted (default 128).
    pub max_depth: usize,
    /// The longest expected wait for a commit at which ingest still admits a
    /// delivery, counting the wait for the body budget (default 15 s, inside
    /// Vapi's 20 s timeout); beyond it, 503.
    pub queue_max_wait: Duration,
    /// The most body bytes queued for the writer (default 64 MiB); beyond it, 503.
    pub queue_max_bytes: usize,
    /// The one memory budget of what grows with load (default 112 MiB),
    /// split by [`memory::Shares`] into the defaults of the byte budgets
    /// below and the log writer's memos; a budget set on its own overrides
    /// its share.
    pub memory_bytes: usize,
    /// The most body bytes ingest holds at once, read or queued (default
    /// 3/16 of `memory_bytes`, raised to `body_limit` if smaller); past it,
    /// a request waits with its body unread, for up to `queue_max_wait`.
    pub body_budget_bytes: usize,
    /// The bytes of call states the projector keeps in memory, hot (by the
    /// heap they hold) or frozen (packed; default 6/16 of `memory_bytes`);
    /// a call dropped is reloaded from the log.
    pub projector_cache_bytes: usize,
    /// The body bytes the writer hands to the projector and the outboxes in
    /// memory, all handoffs together, split evenly among them (default 2/16
    /// of `memory_bytes`); past them, a reader reads the log instead.
    pub handoff_bytes: usize,
    /// The body bytes the live feed holds for streams that are behind
    /// (default 1/16 of `memory_bytes`); past them, a stream reads the
    /// bodies from the log.
    pub feed_bytes: usize,
    /// The log writer's memos: known pieces, each call's latest recipe, a
    /// piece per kind (4/16 of `memory_bytes`; no setting of their own).
    pub writer_memos: MemoBytes,
    /// The longest wait for a request's complete headers, and for the next
    /// request on an idle keep-alive connection (default 10 s); then the
    /// connection is closed.
    pub header_read_timeout: Duration,
    /// The longest a request's body may take to arrive whole (default
    /// 20 s, Vapi's own timeout); then 408 and the connection is closed.
    pub body_read_timeout: Duration,
    /// The most connections open at once, served or parked (default
    /// 65,536, lowered to fit the open-file limit); past it, new
    /// connections wait in the kernel's backlog to be accepted, and each
    /// response closes its connection to make room (`conn`). Each costs
    /// about 25 KB while its request waits.
    pub max_connections: usize,
    /// How many ingest requests waiting for their answer (for their share
    /// of the body budget, their body, their commit; a question forwarded
    /// to the app, for its answer) make ingest backed up (default 256, 0:
    /// never): then new connections are parked, accepted but not read (a
    /// few hundred bytes each, against about 45 KB for a request waiting
    /// with its 19 KB body), and served oldest first once fewer wait
    /// (`conn`). 256 are one of the writer's batches (`max_batch`).
    pub max_waiting_requests: usize,
    /// The most connections served at once (default 256, 0: no cap): past
    /// it, new connections are parked too, and served as served ones
    /// close. Each served connection costs about 25 KB (its buffers and
    /// task) whether its request waits, was answered or has not come.
    /// Half as many are the most kept alive: while more are open, each
    /// response closes its connection, so that a sender's idle pool
    /// leaves room for new connections (a health probe, the console).
    pub max_served_connections: usize,
    /// The largest request head, request line and headers, in bytes
    /// (default 8 KiB, as nginx's and Apache's per-line limit; Vapi's heads
    /// are a few hundred bytes); past it, 431. It also bounds each
    /// connection's read buffer (but for the few wide readers of `conn`):
    /// under a burst of 10,000 calls, before the served cap, the peak
    /// resident set was 668 MB at 8 KiB, 873 MB at 16 and 1,135 MB at 64.
    pub max_header_bytes: usize,
    /// The most deliveries committed in one transaction (default 256).
    pub max_batch: usize,
    /// The `Retry-After` seconds sent with every 503 (default 1).
    pub retry_after: Duration,
    /// Ingest checks (`calltap_protocol::auth` plans). A delivery passing
    /// ANY one is accepted; with none, every delivery is.
    pub auth: Vec<Verifier>,
    /// The public base URL Vapi posts to (`https://hooks.example.com`), for
    /// HMAC templates that sign `{url}`; default: `http://` + the Host header.
    pub public_url: Option<String>,
    /// The bearer token that protects `/api/*` (none: the API is open).
    pub api_token: Option<Secret>,
    /// Committed deliveries kept for live streams that fall behind (default
    /// 1024); a stream further behind is told it lagged and catches up from
    /// the log.
    pub stream_capacity: usize,
    /// The longest a live stream stays silent before a keep-alive comment
    /// (default 15 s), so proxies do not close idle streams.
    pub stream_keep_alive: Duration,
    /// Serve on a non-loopback address with no ingest auth.
    pub allow_unauthenticated: bool,
    /// Parse and answer, but store nothing (a no-op baseline for benchmarks).
    pub dry_run: bool,
    /// The log line format.
    pub log_format: LogFormat,
    /// The longest a stop (SIGTERM, SIGINT) takes once asked (default
    /// 10 s): in-flight requests finish, the writer flushes and the
    /// projector makes a last step within it; whatever is still running
    /// then (a request that never finishes, a store that keeps failing) is
    /// abandoned, and what was not projected is projected at the next start.
    pub shutdown_timeout: Duration,
    /// The team's app calltap stands in front of (`[forward]`,
    /// `--forward-to`): questions proxied, everything else sent from the
    /// outbox. `None`: nothing is forwarded and questions are answered `{}`.
    pub forward: Option<ForwardConfig>,
    /// The NATS JetStream stream every committed delivery is published to
    /// (`[nats]`, `--nats-url`); `None`: nothing is published.
    pub nats: Option<NatsConfig>,
}

impl Default for Config {
    fn default() -> Self {
        let shares = memory::Shares::of(memory::DEFAULT_BYTES);
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 4242)),
            db: PathBuf::from("calltap.db"),
            durability: Durability::Full,
            ingest_paths: vec!["/".to_owned(), "/webhook".to_owned()],
            body_limit: 16 * 1024 * 1024,
            max_depth: 128,
            queue_max_wait: crate::store::admission::DEFAULT_MAX_WAIT,
            queue_max_bytes: crate::store::admission::DEFAULT_MAX_BYTES,
            memory_bytes: memory::DEFAULT_BYTES,
            body_budget_bytes: shares.body_budget,
            projector_cache_bytes: shares.projector_cache,
            handoff_bytes: shares.handoffs,
            feed_bytes: shares.feed,
            writer_memos: shares.writer_memos,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(20),
            max_connections: crate::conn::DEFAULT_MAX_CONNECTIONS,
            max_waiting_requests: 256,
            max_served_connections: 256,
            max_header_bytes: 8 << 10,
            max_batch: 256,
            retry_after: Duration::from_secs(1),
            auth: Vec::new(),
            public_url: None,
            api_token: None,
            stream_capacity: 1024,
            stream_keep_alive: Duration::from_secs(15),
            allow_unauthenticated: false,
            dry_run: false,
            log_format: LogFormat::Text,
            shutdown_timeout: Duration::from_secs(10),
            forward: None,
            nats: None,
        }
    }
}

impl Config {
    /// Checks the settings against each other and against the address
    /// actually bound; called before serving.
    pub fn validate(&self, bound: SocketAddr) -> anyhow::Result<()> {
        if self.auth.is_empty() && !bound.ip().is_loopback() && !self.allow_unauthenticated {
            bail!(
                "refusing to listen on {bound} with no ingest auth: anyone could write to the log. \
                 Configure --vapi-secret, --bearer-token, --hmac-secret or \
                 --standard-webhooks-secret, or pass --allow-unauthenticated"
            );
        }
        if self.ingest_paths.is_empty() {
            bail!(
                "at least one ingest path is needed ({})",
                how_to_set("ingest_paths", "[ingest] paths")
            );
        }
        if self.memory_bytes < memory::MIN_BYTES {
            bail!(
                "memory_bytes must be at least {} (1 MiB) ({})",
                memory::MIN_BYTES,
                how_to_set("memory_bytes", "[memory] budget_bytes")
            );
        }
        for path in &self.ingest_paths {
            if !path.starts_with('/') {
                bail!("ingest path {path:?} must start with '/'");
            }
            if path.starts_with("/api/")
                || ["/healthz", "/readyz", "/metrics"].contains(&path.as_str())
            {
                bail!("ingest path {path:?} collides with calltap's own routes");
            }
        }
        for (value, id, file_key) in [
            (self.body_limit, "body_limit", "[ingest] body_limit"),
            (self.max_depth, "max_depth", "[ingest] max_depth"),
            (
                self.queue_max_bytes,
                "queue_max_bytes",
                "[ingest] queue_max_bytes",
            ),
            (
                usize::try_from(self.queue_max_wait.as_millis()).unwrap_or(usize::MAX),
                "queue_max_wait_ms",
                "[ingest] queue_max_wait_ms",
            ),
            (
                self.body_budget_bytes,
                "body_budget_bytes",
                "[ingest] body_budget_bytes",
            ),
            (self.memory_bytes, "memory_bytes", "[memory] budget_bytes"),
            (self.max_batch, "max_batch", "[ingest] max_batch"),
            (
                self.projector_cache_bytes,
                "projector_cache_bytes",
                "[memory] projector_cache_bytes",
            ),
            (
                self.handoff_bytes,
                "handoff_bytes",
                "[memory] handoff_bytes",
            ),
            (self.feed_bytes, "feed_bytes", "[memory] feed_bytes"),
            (
                self.max_connections,
                "max_connections",
                "[http] max_connections",
            ),
            (
                self.max_header_bytes,
                "max_header_bytes",
                "[http] max_header_bytes",
            ),
            (
                usize::try_from(self.header_read_timeout.as_secs()).unwrap_or(usize::MAX),
                "header_read_timeout_secs",
                "[http] header_read_timeout_secs",
            ),
            (
                usize::try_from(self.body_read_timeout.as_secs()).unwrap_or(usize::MAX),
                "body_read_timeout_secs",
                "[http] body_read_timeout_secs",
            ),
        ] {
            if value == 0 {
                bail!("{id} must be positive ({})", how_to_set(id, file_key));
            }
        }
        for verifier in &self.auth {
            verifier
                .validate()
                .with_context(|| format!("ingest auth `{}`", verifier.scheme().as_str()))?;
        }
        if !(1..=MAX_STREAM_CAPACITY).contains(&self.stream_capacity) {
            bail!(
                "stream_capacity must be between 1 and {MAX_STREAM_CAPACITY} ({})",
                how_to_set("stream_capacity", "[api] stream_capacity")
            );
        }
        if self.stream_keep_alive.is_zero() {
            bail!(
                "the stream keep-alive interval must be positive ({})",
                how_to_set("stream_keep_alive_secs", "[api] stream_keep_alive_secs")
            );
        }
        if self.shutdown_timeout.is_zero() {
            bail!(
                "the shutdown timeout must be positive ({})",
                how_to_set("shutdown_timeout_secs", "shutdown_timeout_secs")
            );
        }
        if matches!(&self.api_token, Some(t) if t.is_empty()) {
            bail!(
                "the API token is empty ({})",
                how_to_set("api_token", "[api] token")
            );
        }
        if let Some(url) = &self.public_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                bail!(
                    "public_url {url:?} must start with http:// or https:// ({})",
                    how_to_set("public_url", "public_url")
                );
            }
        }
        if let Some(forward) = &self.forward {
            validate_forward(forward)?;
        }
        if let Some(nats) = &self.nats {
            nats.validate()
                .context("the NATS settings ([nats], --nats-url, --nats-stream, --nats-subject)")?;
        }
        Ok(())
    }

    /// Merges the layers: `overrides` (flags and env, already merged by clap)
    /// over `file` over the defaults.
    pub fn resolve(file: FileConfig, overrides: Overrides) -> anyhow::Result<Config> {
        let d = Config::default();
        let ingest = file.ingest.unwrap_or_default();
        let api = file.api.unwrap_or_default();
        let memory = file.memory.unwrap_or_default();
        let http = file.http.unwrap_or_default();
        let auth_file = file.auth.unwrap_or_default();

        let auth = resolve_auth(auth_file, &overrides)?;
        let forward = resolve_forward(file.forward, overrides.forward_to.clone())?;
        let nats = resolve_nats(file.nats, &overrides)?;

        let memory_bytes = overrides
            .memory_bytes
            .or(memory.budget_bytes)
            .unwrap_or(d.memory_bytes);
        let shares = memory::Shares::of(memory_bytes);

        let listen = match overrides.listen.or(file.listen) {
            Some(text) => parse_addr(&text)?,
            None => d.listen,
        };

        Ok(Config {
            listen,
            db: overrides.db.or(file.db).unwrap_or(d.db),
            durability: overrides
                .durability
                .or(file.durability)
                .unwrap_or(d.durability),
            ingest_paths: overrides
                .ingest_paths
                .filter(|p| !p.is_empty())
                .or(ingest.paths)
                .unwrap_or(d.ingest_paths),
            body_limit: overrides
                .body_limit
                .or(ingest.body_limit)
                .unwrap_or(d.body_limit),
            max_depth: overrides
                .max_depth
                .or(ingest.max_depth)
                .unwrap_or(d.max_depth),
            queue_max_wait: overrides
                .queue_max_wait_ms
                .or(ingest.queue_max_wait_ms)
                .map_or(d.queue_max_wait, Duration::from_millis),
            queue_max_bytes: overrides
                .queue_max_bytes
                .or(ingest.queue_max_bytes)
                .unwrap_or(d.queue_max_bytes),
            memory_bytes,
            body_budget_bytes: overrides
                .body_budget_bytes
                .or(ingest.body_budget_bytes)
                .unwrap_or(shares.body_budget),
            projector_cache_bytes: overrides
                .projector_cache_bytes
                .or(memory.projector_cache_bytes)
                .unwrap_or(shares.projector_cache),
            handoff_bytes: overrides
                .handoff_bytes
                .or(memory.handoff_bytes)
                .unwrap_or(shares.handoffs),
            feed_bytes: overrides
                .feed_bytes
                .or(memory.feed_bytes)
                .unwrap_or(shares.feed),
            writer_memos: shares.writer_memos,
            header_read_timeout: overrides
                .header_read_timeout_secs
                .or(http.header_read_timeout_secs)
                .map_or(d.header_read_timeout, Duration::from_secs),
            body_read_timeout: overrides
                .body_read_timeout_secs
                .or(http.body_read_timeout_secs)
                .map_or(d.body_read_timeout, Duration::from_secs),
            max_connections: overrides
                .max_connections
                .or(http.max_connections)
                .unwrap_or(d.max_connections),
            max_waiting_requests: overrides
                .max_waiting_requests
                .or(http.max_waiting_requests)
                .unwrap_or(d.max_waiting_requests),
            max_served_connections: overrides
                .max_served_connections
                .or(http.max_served_connections)
                .unwrap_or(d.max_served_connections),
            max_header_bytes: overrides
                .max_header_bytes
                .or(http.max_header_bytes)
                .unwrap_or(d.max_header_bytes),
            max_batch: overrides
                .max_batch
                .or(ingest.max_batch)
                .unwrap_or(d.max_batch),
            retry_after: overrides
                .retry_after_secs
                .or(ingest.retry_after_secs)
                .map_or(d.retry_after, Duration::from_secs),
            auth,
            public_url: overrides
                .public_url
                .or(file.public_url)
                .map(|u| u.trim_end_matches('/').to_owned()),
            api_token: overrides.api_token.or(api.token),
            stream_capacity: api.stream_capacity.unwrap_or(d.stream_capacity),
            stream_keep_alive: api
                .stream_keep_alive_secs
                .map_or(d.stream_keep_alive, Duration::from_secs),
            allow_unauthenticated: overrides.allow_unauthenticated
                || file.allow_unauthenticated.unwrap_or(false),
            dry_run: overrides.dry_run || file.dry_run.unwrap_or(false),
            log_format: overrides
                .log_format
                .or(file.log_format)
                .unwrap_or(d.log_format),
            shutdown_timeout: overrides
                .shutdown_timeout_secs
                .or(file.shutdown_timeout_secs)
                .map_or(d.shutdown_timeout, Duration::from_secs),
            forward,
            nats,
        })
    }
}

/// Checks the forwarding settings: the URL, the headers, the credentials,
/// the limits, and that each fixed fallback is an answer Vapi reads.
fn validate_forward(forward: &ForwardConfig) -> anyhow::Result<()> {
    let url = &forward.url;
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        bail!(
            "the forward URL {url:?} must start with http:// or https:// ({})",
            how_to_set("forward_to", "[forward] url")
        );
    }
    for (name, value) in &forward.headers {
        if http::HeaderName::from_bytes(name.as_bytes()).is_err() {
            bail!("[forward.headers]: {name:?} is not a valid HTTP header name");
        }
        if http::HeaderValue::from_str(value).is_err() {
            bail!("[forward.headers]: the value of {name:?} is not a valid HTTP header value");
        }
    }
    for credential in &forward.credentials {
        credential
            .validate()
            .with_context(|| format!("forward credential `{}`", credential.scheme().as_str()))?;
    }
    for (value, key) in [
        (forward.max_in_flight, "[forward] max_in_flight"),
        (forward.max_answer_bytes, "[forward] max_answer_bytes"),
    ] {
        if value == 0 {
            bail!("{key} must be positive");
        }
    }
    if forward.retry.first.is_zero() || forward.retry.max < forward.retry.first {
        bail!("[forward.retry]: first_retry_ms must be positive and at most max_retry_ms");
    }
    for (message_type, answer) in &forward.fallbacks.fixed {
        let violations = calltap_protocol::validate::validate_response(
            message_type,
            answer,
            calltap_protocol::validate::Mode::Lenient,
        )
        .unwrap_or_default();
        if let Some(first) = violations.first() {
            bail!(
                "[forward.fallback] {}: not an answer Vapi reads: {} at {:?}",
                message_type.as_str().replace('-', "_"),
                first.message,
                first.path
            );
        }
    }
    Ok(())
}

/// The forwarding settings: `[forward]` with `--forward-to` over its URL.
/// Without a URL from either, nothing is forwarded (and any other key of
/// `[forward]` is an error, so that a half-written section is not ignored).
fn resolve_forward(
    file: Option<ForwardFile>,
    url_flag: Option<String>,
) -> anyhow::Result<Option<ForwardConfig>> {
    let file = file.unwrap_or_default();
    let Some(url) = url_flag.or(file.url.clone()) else {
        if !file.is_blank() {
            bail!("[forward] needs a url (or --forward-to) for its other settings to apply");
        }
        return Ok(None);
    };
    let mut forward = ForwardConfig::new(url);
    let d = ForwardConfig::new("");
    forward.headers = file.headers.unwrap_or_default().into_iter().collect();
    forward.credentials = resolve_auth(file.auth.unwrap_or_default(), &Overrides::default())
        .context("[forward.auth]")?;
    forward.types = file.types;
    let ms = Duration::from_millis;
    let deadlines = Deadlines::default();
    forward.deadlines = Deadlines {
        assistant_request: file
            .assistant_request_deadline_ms
            .map_or(deadlines.assistant_request, ms),
        default_question: file
            .question_timeout_secs
            .map_or(deadlines.default_question, Duration::from_secs),
        margin: file.deadline_margin_ms.map_or(deadlines.margin, ms),
    };
    let retry = file.retry.unwrap_or_default();
    let policy = RetryPolicy::default();
    forward.retry = RetryPolicy {
        first: retry.first_retry_ms.map_or(policy.first, ms),
        max: retry.max_retry_ms.map_or(policy.max, ms),
        give_up_after: retry
            .give_up_after_secs
            .map_or(policy.give_up_after, Duration::from_secs),
    };
    forward.max_in_flight = file.max_in_flight.unwrap_or(d.max_in_flight);
    forward.max_answer_bytes = file.max_answer_bytes.unwrap_or(d.max_answer_bytes);
    forward.attempt_timeout = file.attempt_timeout_ms.map_or(d.attempt_timeout, ms);
    let fallback = file.fallback.unwrap_or_default();
    let mut fixed = Vec::new();
    for (message_type, table) in [
        (MessageType::AssistantRequest, fallback.assistant_request),
        (
            MessageType::TransferDestinationRequest,
            fallback.transfer_destination_request,
        ),
        (
            MessageType::KnowledgeBaseRequest,
            fallback.knowledge_base_request,
        ),
        (
            MessageType::HandoffDestinationRequest,
            fallback.handoff_destination_request,
        ),
    ] {
        if let Some(table) = table {
            let answer = serde_json::to_value(table)
                .with_context(|| format!("[forward.fallback] for {message_type}"))?;
            fixed.push((message_type, answer));
        }
    }
    forward.fallbacks = Fallbacks {
        tool_calls: fallback.tool_calls,
        fixed,
    };
    Ok(Some(forward))
}

/// The NATS settings: `[nats]` with the `--nats-*` flags over it. Without
/// a URL from either, nothing is published (and any other setting is an
/// error, so that a half-written section is not ignored).
fn resolve_nats(file: Option<NatsFile>, o: &Overrides) -> anyhow::Result<Option<NatsConfig>> {
    let file = file.unwrap_or_default();
    let Some(url) = o.nats_url.clone().or(file.url.clone()) else {
        if !file.is_blank() || o.nats_stream.is_some() || o.nats_subject.is_some() {
            bail!("[nats] needs a url (or --nats-url) for its other settings to apply");
        }
        return Ok(None);
    };
    let mut nats = NatsConfig::new(url);
    let d = NatsConfig::new("");
    if let Some(stream) = o.nats_stream.clone().or(file.stream) {
        nats.stream = stream;
    }
    if let Some(subjects) = file.subjects {
        nats.subjects = subjects;
    }
    if let Some(subject) = o.nats_subject.clone().or(file.subject) {
        nats.subject = subject.parse().context("[nats] subject")?;
    }
    nats.types = file.types;
    nats.max_in_flight = file.max_in_flight.unwrap_or(d.max_in_flight);
    nats.attempt_timeout = file
        .attempt_timeout_ms
        .map_or(d.attempt_timeout, Duration::from_millis);
    let retry = file.retry.unwrap_or_default();
    let ms = Duration::from_millis;
    nats.retry = RetryPolicy {
        first: retry.first_retry_ms.map_or(d.retry.first, ms),
        max: retry.max_retry_ms.map_or(d.retry.max, ms),
        give_up_after: retry
            .give_up_after_secs
            .map_or(d.retry.give_up_after, Duration::from_secs),
    };
    Ok(Some(nats))
}

/// Builds the ingest checks: each from its file section (Vapi's credential
/// JSON field names) with the flags' secrets, if given, taking precedence.
/// Every scheme takes several secrets (repeated flags, or a TOML list where
/// a string also does), one check each, with the same settings: a delivery
/// verified by any one is accepted, which is how a secret is rotated
/// (configure the new beside the old, move the sender, drop the old).
fn resolve_auth(file: AuthFile, o: &Overrides) -> anyhow::Result<Vec<Verifier>> {
    let mut verifiers = Vec::new();
    let vapi_secrets = overriding(&o.vapi_secret, file.vapi_secret, "[auth] vapi_secret")?;
    verifiers.extend(
        vapi_secrets
            .into_iter()
            .map(|secret| VapiSecretPlan::new(secret).into()),
    );
    let bearer_file = file.bearer.unwrap_or_default();
    for token in overriding(&o.bearer_token, bearer_file.token, "[auth.bearer] token")? {
        let mut plan = BearerPlan::new(token);
        if let Some(header) = o.bearer_header.clone().or(bearer_file.header_name.clone()) {
            plan.header_name = header.to_ascii_lowercase();
        }
        if let Some(enabled) = o
            .bearer_prefix_enabled
            .or(bearer_file.bearer_prefix_enabled)
        {
            plan.bearer_prefix_enabled = enabled;
        }
        verifiers.push(plan.into());
    }
    verifiers.extend(plans_from(
        file.hmac,
        "hmac",
        "secretKey",
        &o.hmac_secret,
        &[("algorithm", "sha256")],
    )?);
    verifiers.extend(plans_from(
        file.standard_webhooks,
        "standard-webhooks",
        "secret",
        &o.standard_webhooks_secret,
        &[],
    )?);
    Ok(verifiers)
}

/// The flags' secrets if any were given, else the file's (at `key`, where
/// an empty list is an error rather than no check at all).
fn overriding(flags: &[Secret], file: Option<Secrets>, key: &str) -> anyhow::Result<Vec<Secret>> {
    if !flags.is_empty() {
        return Ok(flags.to_vec());
    }
    let secrets = file.map(Secrets::into_vec);
    if secrets.as_ref().is_some_and(Vec::is_empty) {
        bail!("`{key}` is an empty list: give at least one secret, or leave the key out");
    }
    Ok(secrets.unwrap_or_default())
}

/// The plans of one scheme from its TOML table, tagged with `kind`: one per
/// secret (the flags', else the table's `secret_field`, a string or a
/// list), each with the table's other fields and `defaults` for required
/// fields left out.
fn plans_from(
    table: Option<toml::Table>,
    kind: &str,
    secret_field: &str,
    flags: &[Secret],
    defaults: &[(&str, &str)],
) -> anyhow::Result<Vec<Verifier>> {
    if table.is_none() && flags.is_empty() {
        return Ok(Vec::new());
    }
    let section = format!("[auth.{}]", kind.replace('-', "_"));
    let mut table = table.unwrap_or_default();
    let secrets: Vec<toml::Value> = if flags.is_empty() {
        match table.remove(secret_field) {
            Some(toml::Value::Array(list)) if list.is_empty() => bail!(
                "`{section} {secret_field}` is an empty list: give at least one secret, \
                 or leave the section out"
            ),
            Some(toml::Value::Array(list)) => list,
            Some(one) => vec![one],
            // Left to the plan's own error, which names the missing field.
            None => vec![],
        }
    } else {
        flags
            .iter()
            .map(|secret| toml::Value::String(secret.expose().to_owned()))
            .collect()
    };
    for (key, value) in defaults {
        table
            .entry(key.to_string())
            .or_insert_with(|| toml::Value::String(value.to_string()));
    }
    table.insert("type".to_owned(), toml::Value::String(kind.to_owned()));
    let plan = |secret: Option<toml::Value>| {
        let mut table = table.clone();
        if let Some(secret) = secret {
            table.insert(secret_field.to_owned(), secret);
        }
        toml::Value::Table(table)
            .try_into::<Verifier>()
            // The message names the field at fault; it never echoes values.
            .map_err(|err| anyhow::anyhow!("{section}: {}", err.message()))
    };
    if secrets.is_empty() {
        return Ok(vec![plan(None)?]);
    }
    secrets
        .into_iter()
        .map(|secret| plan(Some(secret)))
        .collect()
}

/// Where the setting behind argument `id` of [`Overrides`] comes from, for
/// an error message that must say what to change: its flag and variable
/// (read from their one definition, the clap attributes) and its key in
/// the config file. A setting with no flag gets only the key.
fn how_to_set(id: &str, file_key: &str) -> String {
    let command = <Overrides as clap::Args>::augment_args(clap::Command::new("serve"));
    let arg = command.get_arguments().find(|a| a.get_id() == id);
    let mut ways: Vec<String> = Vec::new();
    if let Some(long) = arg.and_then(clap::Arg::get_long) {
        ways.push(format!("--{long}"));
    }
    if let Some(env) = arg.and_then(clap::Arg::get_env) {
        ways.push(env.to_string_lossy().into_owned());
    }
    ways.push(format!("`{file_key}` in the config file"));
    format!("set by {}", ways.join(", "))
}

/// Accepts `host:port`, with `localhost` meaning `127.0.0.1`.
fn parse_addr(text: &str) -> anyhow::Result<SocketAddr> {
    let normalised = text.replacen("localhost:", "127.0.0.1:", 1);
    normalised
        .parse()
        .with_context(|| format!("listen address {text:?} is not HOST:PORT"))
}

/// Values from flags and `CALLTAP_*` variables (clap merges those two);
/// `None` means "not given", so lower layers apply. `calltap serve`
/// flattens these into its arguments, so each doc comment is the flag's
/// help; `cli::serve` appends each default, taken from [`Config::default`].
#[derive(Debug, Default, clap::Args)]
pub struct Overrides {
    /// Address to listen on.
    #[arg(long, env = "CALLTAP_LISTEN")]
    pub listen: Option<String>,
    /// SQLite database file, created if missing.
    #[arg(long, env = "CALLTAP_DB")]
    pub db: Option<PathBuf>,
    /// `full` survives power loss, `normal` survives a killed process.
    #[arg(long, env = "CALLTAP_DURABILITY", value_enum)]
    pub durability: Option<Durability>,
    /// Ingest path; repeat for several.
    #[arg(
        long = "path",
        env = "CALLTAP_PATHS",
        value_delimiter = ',',
        value_name = "PATHS"
    )]
    pub ingest_paths: Option<Vec<String>>,
    /// Largest body in bytes; over it: 413.
    #[arg(long, env = "CALLTAP_BODY_LIMIT")]
    pub body_limit: Option<usize>,
    /// Deepest JSON nesting; deeper: 400.
    #[arg(long, env = "CALLTAP_MAX_DEPTH")]
    pub max_depth: Option<usize>,
    /// Longest expected wait for a commit (queued bytes over the measured
    /// commit rate, plus the wait for the body budget) at which a delivery
    /// is still admitted; beyond it: 503.
    #[arg(long, env = "CALLTAP_QUEUE_MAX_WAIT_MS", value_name = "MS")]
    pub queue_max_wait_ms: Option<u64>,
    /// Most body bytes queued for the writer; beyond it: 503.
    #[arg(long, env = "CALLTAP_QUEUE_MAX_BYTES", value_name = "BYTES")]
    pub queue_max_bytes: Option<usize>,
    /// Most body bytes held at once, read or queued (at least the body
    /// limit); past it, a request waits with its body unread.
    #[arg(long, env = "CALLTAP_BODY_BUDGET_BYTES", value_name = "BYTES")]
    pub body_budget_bytes: Option<usize>,
    /// Most deliveries per transaction.
    #[arg(long, env = "CALLTAP_MAX_BATCH")]
    pub max_batch: Option<usize>,
    /// One memory budget for what grows with load, split into the defaults
    /// of the body budget (3/16), the projector's cache (6/16), the
    /// handoffs (2/16), the feed (1/16) and the log writer's memos (4/16);
    /// each budget set on its own overrides its share.
    #[arg(long, env = "CALLTAP_MEMORY_BYTES", value_name = "BYTES")]
    pub memory_bytes: Option<usize>,
    /// Bytes of call states the projector caches, hot or frozen (a call
    /// dropped is reloaded from the log).
    #[arg(long, env = "CALLTAP_PROJECTOR_CACHE_BYTES", value_name = "BYTES")]
    pub projector_cache_bytes: Option<usize>,
    /// Body bytes handed from the writer to the projector and the outboxes
    /// in memory, shared evenly (past them a reader reads the log).
    #[arg(long, env = "CALLTAP_HANDOFF_BYTES", value_name = "BYTES")]
    pub handoff_bytes: Option<usize>,
    /// Body bytes the live feed holds for streams that are behind (past
    /// them a stream reads the bodies from the log).
    #[arg(long, env = "CALLTAP_FEED_BYTES", value_name = "BYTES")]
    pub feed_bytes: Option<usize>,
    /// Seconds a request's headers may take to arrive whole, and an idle
    /// keep-alive connection may wait for its next request; then closed.
    #[arg(
        long = "header-read-timeout",
        env = "CALLTAP_HEADER_READ_TIMEOUT",
        value_name = "SECS"
    )]
    pub header_read_timeout_secs: Option<u64>,
    /// Seconds a request's body may take to arrive whole; then 408.
    #[arg(
        long = "body-read-timeout",
        env = "CALLTAP_BODY_READ_TIMEOUT",
        value_name = "SECS"
    )]
    pub body_read_timeout_secs: Option<u64>,
    /// Most connections open at once, served or parked (kept below the
    /// open-file limit); past it, new ones wait in the kernel's backlog,
    /// and responses close their connections to make room.
    #[arg(long, env = "CALLTAP_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Ingest requests waiting for their answer (body budget, body,
    /// commit) past which new connections are parked (accepted, not read)
    /// until fewer wait; 0: never.
    #[arg(long, env = "CALLTAP_MAX_WAITING_REQUESTS")]
    pub max_waiting_requests: Option<usize>,
    /// Most connections served at once; past it, new ones are parked
    /// (accepted, not read) until a served one closes; half as many are
    /// kept alive (past it, answers close theirs); 0: no cap.
    #[arg(long, env = "CALLTAP_MAX_SERVED_CONNECTIONS")]
    pub max_served_connections: Option<usize>,
    /// Largest request line and headers, in bytes; past it: 431.
    #[arg(long, env = "CALLTAP_MAX_HEADER_BYTES", value_name = "BYTES")]
    pub max_header_bytes: Option<usize>,
    /// `Retry-After` seconds on every 503 (overload, a busy or failing database, `/readyz`).
    #[arg(
        long = "retry-after",
        env = "CALLTAP_RETRY_AFTER",
        value_name = "RETRY_AFTER"
    )]
    pub retry_after_secs: Option<u64>,
    /// Shared secret expected in `x-vapi-secret` (repeat the flag for
    /// several, e.g. the old and the new one while rotating).
    #[arg(long, env = "CALLTAP_VAPI_SECRET", hide_env_values = true, value_parser = parse_secret)]
    pub vapi_secret: Vec<Secret>,
    /// Bearer token expected from Vapi.
    #[arg(long, env = "CALLTAP_BEARER_TOKEN", hide_env_values = true, value_parser = parse_secret)]
    pub bearer_token: Vec<Secret>,
    /// Header carrying the bearer token.
    #[arg(long, env = "CALLTAP_BEARER_HEADER")]
    pub bearer_header: Option<String>,
    /// Whether Vapi sends `Bearer <token>` rather than the bare token
    /// (Vapi's `bearerPrefixEnabled`; both forms are accepted).
    #[arg(long, env = "CALLTAP_BEARER_PREFIX_ENABLED")]
    pub bearer_prefix_enabled: Option<bool>,
    /// HMAC secret (algorithm, headers, template... in the config file's
    /// `[auth.hmac]`; repeat the flag for several).
    #[arg(long, env = "CALLTAP_HMAC_SECRET", hide_env_values = true, value_parser = parse_secret)]
    pub hmac_secret: Vec<Secret>,
    /// Standard Webhooks signing secret (`whsec_...`; repeat the flag for
    /// several).
    #[arg(long, env = "CALLTAP_STANDARD_WEBHOOKS_SECRET", hide_env_values = true, value_parser = parse_secret)]
    pub standard_webhooks_secret: Vec<Secret>,
    /// Bearer token that protects `/api/*`.
    #[arg(long, env = "CALLTAP_API_TOKEN", hide_env_values = true, value_parser = parse_secret)]
    pub api_token: Option<Secret>,
    /// Public base URL Vapi posts to, for HMAC templates with `{url}`.
    #[arg(long, env = "CALLTAP_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Listen on a non-loopback address with no ingest auth.
    #[arg(long, env = "CALLTAP_ALLOW_UNAUTHENTICATED")]
    pub allow_unauthenticated: bool,
    /// Parse and answer deliveries but store nothing (benchmark baseline).
    #[arg(long, env = "CALLTAP_DRY_RUN")]
    pub dry_run: bool,
    /// Log line format.
    #[arg(long, env = "CALLTAP_LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,
    /// Seconds a stop (SIGTERM, SIGINT) may take; then what still runs is
    /// abandoned (what was not projected is projected at the next start).
    #[arg(
        long = "shutdown-timeout",
        env = "CALLTAP_SHUTDOWN_TIMEOUT",
        value_name = "SECS"
    )]
    pub shutdown_timeout_secs: Option<u64>,
    /// The team's app to forward to: questions are answered by it, every
    /// other delivery is sent to it from the outbox (more in `[forward]`).
    #[arg(long, env = "CALLTAP_FORWARD_TO", value_name = "URL")]
    pub forward_to: Option<String>,
    /// NATS server(s) to publish every committed delivery to, on JetStream
    /// (`nats://host:4222`; more in `[nats]`).
    #[arg(
        long,
        env = "CALLTAP_NATS_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub nats_url: Option<String>,
    /// The JetStream stream, created when missing (default `CALLTAP`, with
    /// the subjects `vapi.>`).
    #[arg(long, env = "CALLTAP_NATS_STREAM", value_name = "NAME")]
    pub nats_stream: Option<String>,
    /// The subject of each delivery, with `{type}` and `{call_id}` (default
    /// `vapi.{type}.{call_id}`).
    #[arg(long, env = "CALLTAP_NATS_SUBJECT", value_name = "TEMPLATE")]
    pub nats_subject: Option<String>,
}

/// The TOML config file. Every key is optional; unknown keys are errors so
/// that a typo does not silently leave a default (or no auth) in place.
/// The README shows the same example (keep the two alike).
///
/// ```toml
/// listen = "127.0.0.1:4242"
/// db = "calltap.db"
/// durability = "full"          # or "normal"
/// log_format = "text"          # or "json"
/// allow_unauthenticated = false
/// dry_run = false
/// public_url = "https://hooks.example.com"  # for HMAC templates with {url}
/// shutdown_timeout_secs = 10   # the longest a stop takes
///
/// [ingest]
/// paths = ["/", "/webhook"]
/// body_limit = 16777216
/// max_depth = 128
/// queue_max_wait_ms = 15000    # admit while the expected wait for a commit is under this
/// queue_max_bytes = 67108864   # and the bytes queued for the writer under this
/// body_budget_bytes = 22020096 # bodies held at once; past it a request waits, body unread
/// max_batch = 256
/// retry_after_secs = 1
///
/// [auth]                      # any one passing check accepts a delivery
/// vapi_secret = "..."          # each secret may also be a list: ["new", "old"] while rotating
/// [auth.bearer]                # Vapi's BearerAuthenticationPlan
/// token = "..."
/// headerName = "authorization"
/// bearerPrefixEnabled = true
/// [auth.hmac]                  # Vapi's HMACAuthenticationPlan
/// secretKey = "..."
/// algorithm = "sha256"         # sha512, sha1
/// signatureHeader = "x-signature"
/// timestampHeader = "x-timestamp"
/// messageIdHeader = "svix-id"  # the dedup key when payloadFormat signs {svix-id}
/// signaturePrefix = "sha256="
/// payloadFormat = "{timestamp}.{body}"
/// signatureEncoding = "hex"    # or "base64"
/// secretIsBase64 = false
/// toleranceSeconds = 300
/// [auth.standard_webhooks]
/// secret = ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_c2VjcmV0LWtleS1mb3ItdGVzdHM="]  # whsec_ + base64; any one verifies
/// toleranceSeconds = 300
///
/// [http]                     # limits on every connection
/// header_read_timeout_secs = 10  # headers whole within it; also the idle keep-alive timeout
/// body_read_timeout_secs = 20  # a body whole within it, else 408
/// max_connections = 65536      # open at once (lowered to fit the open-file limit); the rest wait in the kernel's backlog
/// max_waiting_requests = 256   # ingest requests waiting for their answer past which new connections are parked, unread; 0: never
/// max_served_connections = 256 # connections served at once, past which new ones are parked; half as many kept alive; 0: no cap
/// max_header_bytes = 8192      # request line and headers, else 431 (also each connection's read buffer, but 64 connections' 32 KiB)
///
/// [memory]                   # one budget for what grows with load; a budget set on its own overrides its share
/// budget_bytes = 117440512     # split: bodies 3/16 ([ingest] body_budget_bytes), call states 6/16, handoffs 2/16, feed 1/16, the log writer's memos 4/16
/// projector_cache_bytes = 44040192  # call states kept by the projector
/// handoff_bytes = 14680064     # committed bodies handed to the projector and the outboxes, shared evenly
/// feed_bytes = 7340032         # committed bodies kept for live streams that lag
///
/// [api]
/// token = "..."
/// stream_capacity = 1024       # deliveries kept for live streams that lag
/// stream_keep_alive_secs = 15
///
/// [forward]                    # calltap in front of your app (or --forward-to)
/// url = "http://127.0.0.1:3000/vapi"
/// types = ["tool-calls", "assistant-request", "status-update", "end-of-call-report"]  # default: all
/// max_in_flight = 64           # outbox deliveries in flight at once
/// max_answer_bytes = 1048576   # longer answers count as failed
/// attempt_timeout_ms = 10000   # one outbox attempt
/// assistant_request_deadline_ms = 6000
/// question_timeout_secs = 20   # when the message names no server timeout
/// deadline_margin_ms = 1000    # taken off a question's server timeout
/// [forward.headers]
/// x-team = "voice"
/// [forward.auth]               # what calltap presents to the app: same keys as [auth]
/// vapi_secret = "..."
/// [forward.retry]
/// first_retry_ms = 1000
/// max_retry_ms = 600000
/// give_up_after_secs = 86400   # then dead-lettered
/// [forward.fallback]           # answered when the app times out, is down or answers 5xx
/// tool_calls = "That is not available right now."  # one result per tool call
/// assistant_request = { assistantId = "5b0a4a08-133c-4146-9315-0984f8c6be80" }
/// transfer_destination_request = { error = "no destination available" }
///
/// [nats]                       # every committed delivery to JetStream (or --nats-url)
/// url = "nats://127.0.0.1:4222"
/// stream = "CALLTAP"           # created when missing
/// subjects = ["vapi.>"]        # the stream's subjects, when calltap creates it
/// subject = "vapi.{type}.{call_id}"  # each value made subject-safe; no call id: _
/// types = ["status-update", "end-of-call-report"]  # default: all
/// max_in_flight = 256          # publishes awaiting their ack at once
/// attempt_timeout_ms = 10000   # one publish, its ack included
/// [nats.retry]
/// first_retry_ms = 1000
/// max_retry_ms = 600000
/// give_up_after_secs = 86400   # then dead-lettered
/// ```
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)] // The fields are documented by the example above and by `Config`.
pub struct FileConfig {
    pub listen: Option<String>,
    pub db: Option<PathBuf>,
    pub durability: Option<Durability>,
    pub log_format: Option<LogFormat>,
    pub allow_unauthenticated: Option<bool>,
    pub dry_run: Option<bool>,
    pub public_url: Option<String>,
    pub shutdown_timeout_secs: Option<u64>,
    pub ingest: Option<IngestFile>,
    pub auth: Option<AuthFile>,
    pub api: Option<ApiFile>,
    pub memory: Option<MemoryFile>,
    pub http: Option<HttpFile>,
    pub forward: Option<ForwardFile>,
    pub nats: Option<NatsFile>,
}

/// `[ingest]` of the config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct IngestFile {
    pub paths: Option<Vec<String>>,
    pub body_limit: Option<usize>,
    pub max_depth: Option<usize>,
    pub queue_max_wait_ms: Option<u64>,
    pub queue_max_bytes: Option<usize>,
    pub body_budget_bytes: Option<usize>,
    pub max_batch: Option<usize>,
    pub retry_after_secs: Option<u64>,
}

/// `[forward]` of the config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct ForwardFile {
    pub url: Option<String>,
    pub types: Option<Vec<String>>,
    pub max_in_flight: Option<usize>,
    pub max_answer_bytes: Option<usize>,
    pub attempt_timeout_ms: Option<u64>,
    pub assistant_request_deadline_ms: Option<u64>,
    pub question_timeout_secs: Option<u64>,
    pub deadline_margin_ms: Option<u64>,
    pub headers: Option<BTreeMap<String, String>>,
    pub auth: Option<AuthFile>,
    pub retry: Option<RetryFile>,
    pub fallback: Option<FallbackFile>,
}

impl ForwardFile {
    /// Whether no key is set.
    fn is_blank(&self) -> bool {
        let ForwardFile {
            url,
            types,
            max_in_flight,
            max_answer_bytes,
            attempt_timeout_ms,
            assistant_request_deadline_ms,
            question_timeout_secs,
            deadline_margin_ms,
            headers,
            auth,
            retry,
            fallback,
        } = self;
        url.is_none()
            && types.is_none()
            && max_in_flight.is_none()
            && max_answer_bytes.is_none()
            && attempt_timeout_ms.is_none()
            && assistant_request_deadline_ms.is_none()
            && question_timeout_secs.is_none()
            && deadline_margin_ms.is_none()
            && headers.is_none()
            && auth.is_none()
            && retry.is_none()
            && fallback.is_none()
    }
}

/// `[nats]` of the config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct NatsFile {
    pub url: Option<String>,
    pub stream: Option<String>,
    pub subjects: Option<Vec<String>>,
    pub subject: Option<String>,
    pub types: Option<Vec<String>>,
    pub max_in_flight: Option<usize>,
    pub attempt_timeout_ms: Option<u64>,
    pub retry: Option<RetryFile>,
}

impl NatsFile {
    /// Whether no key is set.
    fn is_blank(&self) -> bool {
        let NatsFile {
            url,
            stream,
            subjects,
            subject,
            types,
            max_in_flight,
            attempt_timeout_ms,
            retry,
        } = self;
        url.is_none()
            && stream.is_none()
            && subjects.is_none()
            && subject.is_none()
            && types.is_none()
            && max_in_flight.is_none()
            && attempt_timeout_ms.is_none()
            && retry.is_none()
    }
}

/// `[forward.retry]` (and `[nats.retry]`) of the config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RetryFile {
    pub first_retry_ms: Option<u64>,
    pub max_retry_ms: Option<u64>,
    pub give_up_after_secs: Option<u64>,
}

/// `[forward.fallback]` of the config file: the text of the `tool-calls`
/// results, and the fixed answer (a table, sent as JSON) of each other
/// question type.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct FallbackFile {
    pub tool_calls: Option<String>,
    pub assistant_request: Option<toml::Table>,
    pub transfer_destination_request: Option<toml::Table>,
    pub knowledge_base_request: Option<toml::Table>,
    pub handoff_destination_request: Option<toml::Table>,
}

/// `[auth]` of the config file. The plan sections take the field names of
/// Vapi's credential JSON (`secretKey`, `signatureHeader`, ...), so a
/// credential's `authenticationPlan` can be pasted in as TOML.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct AuthFile {
    pub vapi_secret: Option<Secrets>,
    pub bearer: Option<BearerFile>,
    pub hmac: Option<toml::Table>,
    pub standard_webhooks: Option<toml::Table>,
}

/// `[auth.bearer]` of the config file (Vapi's `BearerAuthenticationPlan`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct BearerFile {
    pub token: Option<Secrets>,
    pub header_name: Option<String>,
    pub bearer_prefix_enabled: Option<bool>,
}

/// One secret or several, as the config file gives them: a string, or a
/// list of strings (every one of them verifies).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Secrets {
    /// `key = "..."`.
    One(Secret),
    /// `key = ["...", "..."]`.
    Several(Vec<Secret>),
}

impl Secrets {
    /// The secrets, in the order given.
    pub fn into_vec(self) -> Vec<Secret> {
        match self {
            Secrets::One(secret) => vec![secret],
            Secrets::Several(secrets) => secrets,
        }
    }
}

/// `[api]` of the config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct ApiFile {
    pub token: Option<Secret>,
    pub stream_capacity: Option<usize>,
    pub stream_keep_alive_secs: Option<u64>,
}

/// `[http]` of the config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct HttpFile {
    pub header_read_timeout_secs: Option<u64>,
    pub body_read_timeout_secs: Option<u64>,
    pub max_connections: Option<usize>,
    pub max_waiting_requests: Option<usize>,
    pub max_served_connections: Option<usize>,
    pub max_header_bytes: Option<usize>,
}

/// `[memory]` of the config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct MemoryFile {
    pub budget_bytes: Option<usize>,
    pub projector_cache_bytes: Option<usize>,
    pub handoff_bytes: Option<usize>,
    pub feed_bytes: Option<usize>,
}

impl FileConfig {
    /// Reads and parses a TOML config file.
    pub fn load(path: &Path) -> anyhow::Result<FileConfig> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading config file {}", path.display()))?;
        FileConfig::parse(&text).with_context(|| format!("in config file {}", path.display()))
    }

    /// Parses TOML text.
    pub fn parse(text: &str) -> anyhow::Result<FileConfig> {
        Ok(toml::from_str(text)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_layers_give_the_documented_defaults() {
        let config =
            Config::resolve(FileConfig::default(), Overrides::default()).expect("resolves");
        assert_eq!(config.listen.to_string(), "127.0.0.1:4242");
        assert_eq!(config.db, PathBuf::from("calltap.db"));
        assert_eq!(config.durability, Durability::Full);
        assert_eq!(config.ingest_paths, ["/", "/webhook"]);
        assert_eq!(config.body_limit, 16 * 1024 * 1024);
        assert_eq!(config.max_depth, 128);
        assert!(config.auth.is_empty());
        assert_eq!(config.stream_capacity, 1024);
        assert_eq!(config.stream_keep_alive, Duration::from_secs(15));
    }

    #[test]
    fn the_stream_settings_come_from_the_api_section_and_are_checked() {
        let file = FileConfig::parse("[api]\nstream_capacity = 8\nstream_keep_alive_secs = 2")
            .expect("parses");
        let mut config = Config::resolve(file, Overrides::default()).expect("resolves");
        assert_eq!(config.stream_capacity, 8);
        assert_eq!(config.stream_keep_alive, Duration::from_secs(2));
        config.validate(config.listen).expect("valid");
        config.stream_capacity = 0;
        assert!(config.validate(config.listen).is_err());
        config.stream_capacity = 8;
        config.stream_keep_alive = Duration::ZERO;
        assert!(config.validate(config.listen).is_err());
    }

    #[test]
    fn the_parking_settings_come_from_the_http_section_and_a_flag_wins() {
        let file =
            FileConfig::parse("[http]\nmax_waiting_requests = 0\nmax_served_connections = 64")
                .expect("parses");
        let config = Config::resolve(file, Overrides::default()).expect("resolves");
        assert_eq!(config.max_waiting_requests, 0);
        assert_eq!(config.max_served_connections, 64);
        let file = FileConfig::parse("[http]\nmax_served_connections = 64").expect("parses");
        let flags = Overrides {
            max_served_connections: Some(0),
            ..Overrides::default()
        };
        let config = Config::resolve(file, flags).expect("resolves");
        assert_eq!(config.max_served_connections, 0);
        assert_eq!(config.max_waiting_requests, 256, "the default");
    }

    #[test]
    fn one_memory_budget_sizes_every_holder_and_a_holders_own_budget_wins() {
        let file = FileConfig::parse("[memory]\nbudget_bytes = 16777216\nfeed_bytes = 1000")
            .expect("parses");
        let config = Config::resolve(file, Overrides::default()).expect("resolves");
        let shares = memory::Shares::of(16 << 20);
        assert_eq!(config.memory_bytes, 16 << 20);
        assert_eq!(config.body_budget_bytes, 3 << 20);
        assert_eq!(config.projector_cache_bytes, shares.projector_cache);
        assert_eq!(config.handoff_bytes, 2 << 20);
        assert_eq!(config.feed_bytes, 1000, "its own budget, not its share");
        assert_eq!(config.writer_memos, shares.writer_memos);
        assert_eq!(config.writer_memos.known_pieces, 1 << 20);

        // The flag wins over the file, and sizes what the file leaves out.
        let overrides = Overrides {
            memory_bytes: Some(64 << 20),
            ..Overrides::default()
        };
        let file = FileConfig::parse("[memory]\nbudget_bytes = 16777216").expect("parses");
        let config = Config::resolve(file, overrides).expect("resolves");
        assert_eq!(config.body_budget_bytes, 12 << 20);
        assert_eq!(config.writer_memos.latest_recipes, 8 << 20);

        let defaults = Config::default();
        assert_eq!(defaults.memory_bytes, 112 << 20);
        assert!(
            defaults.body_budget_bytes
                + defaults.projector_cache_bytes
                + defaults.handoff_bytes
                + defaults.feed_bytes
                + defaults.writer_memos.known_pieces
                + defaults.writer_memos.latest_recipes
                + defaults.writer_memos.similar_pieces
                <= defaults.memory_bytes,
            "{defaults:?}"
        );
    }

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let file = FileConfig::parse(
            r#"
            listen = "0.0.0.0:9000"
            durability = "normal"
            [ingest]
            max_depth = 10
            [auth.hmac]
            secretKey = "from-file"
            algorithm = "sha512"
            messageIdHeader = "svix-id"
            "#,
        )
        .expect("parses");
        let overrides = Overrides {
            listen: Some("127.0.0.1:1".to_owned()),
            hmac_secret: vec![Secret::new("from-flag")],
            ..Overrides::default()
        };
        let config = Config::resolve(file, overrides).expect("resolves");
        assert_eq!(config.listen.to_string(), "127.0.0.1:1");
        assert_eq!(config.durability, Durability::Normal);
        assert_eq!(config.max_depth, 10);
        let [Verifier::Hmac(hmac)] = &config.auth[..] else {
            panic!("one HMAC plan expected: {:?}", config.auth);
        };
        assert_eq!(hmac.secret_key.expose(), "from-flag");
        assert_eq!(
            hmac.algorithm,
            calltap_protocol::auth::HmacAlgorithm::Sha512
        );
        assert_eq!(hmac.signature_header, "x-signature");
        assert_eq!(hmac.message_id_header.as_deref(), Some("svix-id"));
    }

    #[test]
    fn nats_takes_its_flags_over_its_section_and_refuses_what_cannot_work() {
        let file = FileConfig::parse(
            r#"
            [nats]
            url = "nats://user:pw@127.0.0.1:4222"
            stream = "EVENTS"
            subjects = ["ev.>"]
            subject = "ev.{type}"
            [nats.retry]
            first_retry_ms = 20
            "#,
        )
        .expect("parses");
        let overrides = Overrides {
            nats_subject: Some("ev.{type}.{call_id}".to_owned()),
            ..Overrides::default()
        };
        let config = Config::resolve(file, overrides).expect("resolves");
        config.validate(config.listen).expect("valid");
        let nats = config.nats.as_ref().expect("publishing");
        assert_eq!(nats.stream, "EVENTS");
        assert_eq!(
            nats.subject.render("end-of-call-report", None),
            "ev.end-of-call-report._"
        );
        assert_eq!(nats.retry.first, Duration::from_millis(20));
        assert!(
            !format!("{config:?}").contains("pw@"),
            "the URL's password stays out of logs"
        );

        let only_url = Overrides {
            nats_url: Some("nats://127.0.0.1:4222".to_owned()),
            ..Overrides::default()
        };
        let nats = Config::resolve(FileConfig::default(), only_url)
            .expect("resolves")
            .nats
            .expect("publishing");
        assert_eq!(
            (nats.stream.as_str(), &nats.subjects[..]),
            ("CALLTAP", &["vapi.>".to_owned()][..])
        );
        assert_eq!(nats.subject.as_str(), "vapi.{type}.{call_id}");

        let no_url = Overrides {
            nats_stream: Some("S".to_owned()),
            ..Overrides::default()
        };
        let err = Config::resolve(FileConfig::default(), no_url).expect_err("no url");
        assert!(format!("{err:#}").contains("--nats-url"), "{err:#}");

        let bad_template = Overrides {
            nats_url: Some("nats://127.0.0.1:4222".to_owned()),
            nats_subject: Some("vapi.{kind}".to_owned()),
            ..Overrides::default()
        };
        let err = Config::resolve(FileConfig::default(), bad_template).expect_err("bad");
        assert!(format!("{err:#}").contains("{kind}"), "{err:#}");

        let elsewhere = Overrides {
            nats_url: Some("nats://127.0.0.1:4222".to_owned()),
            nats_subject: Some("events.{type}".to_owned()),
            ..Overrides::default()
        };
        let config = Config::resolve(FileConfig::default(), elsewhere).expect("resolves");
        let err = config
            .validate(config.listen)
            .expect_err("the stream would not take it");
        assert!(format!("{err:#}").contains("vapi.>"), "{err:#}");
    }

    #[test]
    fn a_secret_flag_alone_configures_its_scheme_with_defaults() {
        let overrides = Overrides {
            hmac_secret: vec![Secret::new("h")],
            standard_webhooks_secret: vec![Secret::new("whsec_c2VjcmV0")],
            bearer_token: vec![Secret::new("b")],
            vapi_secret: vec![Secret::new("v")],
            ..Overrides::default()
        };
        let config = Config::resolve(FileConfig::default(), overrides).expect("resolves");
        assert_eq!(config.auth.len(), 4);
        config.validate(config.listen).expect("valid");
    }

    #[test]
    fn every_scheme_takes_several_secrets_from_a_list_or_repeated_flags() {
        let file = FileConfig::parse(
            r#"
            [auth]
            vapi_secret = ["v-old", "v-new"]
            [auth.bearer]
            token = "b-one"
            headerName = "x-api-key"
            [auth.hmac]
            secretKey = ["h-old", "h-new"]
            algorithm = "sha512"
            [auth.standard_webhooks]
            secret = "whsec_c2VjcmV0"
            "#,
        )
        .expect("parses");
        let overrides = Overrides {
            standard_webhooks_secret: vec![Secret::new("whsec_b2xk"), Secret::new("whsec_bmV3")],
            ..Overrides::default()
        };

        let config = Config::resolve(file, overrides).expect("resolves");

        let secrets: Vec<(&str, String)> = config
            .auth
            .iter()
            .map(|verifier| match verifier {
                Verifier::VapiSecret(p) => ("vapi", p.secret.expose().to_owned()),
                Verifier::Bearer(p) => {
                    ("bearer", format!("{} {}", p.header_name, p.token.expose()))
                }
                Verifier::Hmac(p) => (
                    "hmac",
                    format!("{:?} {}", p.algorithm, p.secret_key.expose()),
                ),
                Verifier::StandardWebhooks(_) => ("standard-webhooks", String::new()),
                _ => ("other", String::new()),
            })
            .collect();
        assert_eq!(
            secrets,
            [
                ("vapi", "v-old".to_owned()),
                ("vapi", "v-new".to_owned()),
                ("bearer", "x-api-key b-one".to_owned()),
                ("hmac", "Sha512 h-old".to_owned()),
                ("hmac", "Sha512 h-new".to_owned()),
                ("standard-webhooks", String::new()),
                ("standard-webhooks", String::new()),
            ],
            "one check per secret, the flags' replacing the file's"
        );
        config.validate(config.listen).expect("valid");
    }

    #[test]
    fn an_empty_list_of_secrets_is_an_error_not_an_open_door() {
        for text in [
            "[auth]\nvapi_secret = []",
            "[auth.bearer]\ntoken = []",
            "[auth.hmac]\nsecretKey = []",
            "[auth.standard_webhooks]\nsecret = []",
        ] {
            let file = FileConfig::parse(text).expect("parses");
            let err = Config::resolve(file, Overrides::default()).expect_err(text);
            assert!(format!("{err:#}").contains("empty list"), "{err:#}");
        }
    }

    /// The first ```` ```toml ```` block after `marker` in `text`.
    fn toml_block<'a>(text: &'a str, marker: &str) -> &'a str {
        let from = text.find(marker).expect("the marker is there");
        let start = text[from..].find("```toml\n").expect("a toml block") + from + 8;
        let end = text[start..].find("```").expect("the block ends") + start;
        &text[start..end]
    }

    #[test]
    fn the_readmes_config_file_is_the_documented_one_and_resolves() {
        let readme = toml_block(include_str!("../../../README.md"), "### Config file");
        let source = include_str!("config.rs");
        let documented: String = toml_block(source, "/// The TOML config file.")
            .lines()
            .map(|line| line.trim_start_matches("/// ").trim_start_matches("///"))
            .map(|line| format!("{line}\n"))
            .collect();
        assert_eq!(
            readme.trim_end(),
            documented.trim_end_matches(['\n', '/']).trim_end(),
            "the README's config file and FileConfig's doc differ"
        );
        let file = FileConfig::parse(readme).expect("every key is known");
        let config = Config::resolve(file, Overrides::default()).expect("resolves");
        assert_eq!(
            config.auth.len(),
            5,
            "two Standard Webhooks secrets: {:?}",
            config.auth
        );
        config.validate(config.listen).expect("valid");
    }

    #[test]
    fn an_unknown_key_in_the_file_is_an_error() {
        let err = FileConfig::parse("[auth]\nvapi_secrt = \"x\"\n").expect_err("typo");
        assert!(format!("{err:#}").contains("vapi_secrt"), "{err:#}");
    }

    #[test]
    fn secrets_never_appear_in_debug_output() {
        let file = FileConfig::parse("[auth]\nvapi_secret = \"hunter2\"\n[api]\ntoken = \"tok3n\"")
            .expect("parses");
        let overrides = Overrides {
            bearer_token: vec![Secret::new("b3arer")],
            ..Overrides::default()
        };
        let config = Config::resolve(file, overrides).expect("resolves");
        let debug = format!("{config:?}");
        for secret in ["hunter2", "tok3n", "b3arer"] {
            assert!(!debug.contains(secret), "{secret} leaked: {debug}");
        }
    }

    #[test]
    fn no_auth_on_a_public_address_is_refused_unless_allowed() {
        let mut config = Config::default();
        let public: SocketAddr = "0.0.0.0:4242".parse().expect("addr");
        assert!(config.validate(public).is_err());
        assert!(config.validate(config.listen).is_ok());
        config.allow_unauthenticated = true;
        assert!(config.validate(public).is_ok());
        config.allow_unauthenticated = false;
        config.auth.push(VapiSecretPlan::new("s").into());
        assert!(config.validate(public).is_ok());
    }

    #[test]
    fn a_refused_setting_is_named_by_its_flag_variable_and_config_key() {
        let refused = [
            (
                Config {
                    ingest_paths: Vec::new(),
                    ..Config::default()
                },
                "--path, CALLTAP_PATHS, `[ingest] paths`",
            ),
            (
                Config {
                    max_depth: 0,
                    ..Config::default()
                },
                "max_depth must be positive (set by --max-depth, CALLTAP_MAX_DEPTH, `[ingest] max_depth`",
            ),
            (
                Config::resolve(
                    FileConfig::parse("[memory]\nbudget_bytes = 10").expect("parses"),
                    Overrides::default(),
                )
                .expect("resolves"),
                "memory_bytes must be at least 1048576 (1 MiB) (set by --memory-bytes, CALLTAP_MEMORY_BYTES, `[memory] budget_bytes`",
            ),
            (
                Config {
                    api_token: Some(Secret::new("")),
                    ..Config::default()
                },
                "--api-token, CALLTAP_API_TOKEN, `[api] token`",
            ),
            (
                Config {
                    public_url: Some("hooks.example.com".to_owned()),
                    ..Config::default()
                },
                "--public-url, CALLTAP_PUBLIC_URL, `public_url`",
            ),
            (
                Config {
                    stream_capacity: 0,
                    ..Config::default()
                },
                "(set by `[api] stream_capacity` in the config file)",
            ),
        ];
        for (config, named) in refused {
            let err = config.validate(config.listen).expect_err("refused");
            assert!(format!("{err:#}").contains(named), "{err:#}");
        }
    }

    #[test]
    fn ingest_paths_may_not_shadow_the_api() {
        let config = Config {
            ingest_paths: vec!["/api/v1/events".to_owned()],
            ..Config::default()
        };
        assert!(config.validate(config.listen).is_err());
    }
}
