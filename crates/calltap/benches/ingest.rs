//! Ingest throughput and latency: a load generator on loopback against the
//! real `calltap serve` binary, posting the fixture corpus at a fixed
//! concurrency, first to a `--dry-run` server (parse and answer, no store:
//! the no-op baseline), then to durable servers (`--durability full` and
//! `normal`). Each request carries a unique `webhook-id`, so every delivery
//! is really stored (no dedup shortcut). Each pass over the corpus rewrites
//! the call ids in the bodies (same length), so that, as in real traffic,
//! every call is a new call with its own few dozen deliveries rather than
//! the same 12 calls collecting every delivery of the run.
//!
//! Each row also gives the CPU time of the server and of the load generator
//! per delivery, the bytes the server wrote to storage per delivery, and
//! how many stored deliveries the projector had not folded in when the
//! window closed (a projector that falls behind does less work inside the
//! window, which would flatter the durable figures).
//!
//! Run: `cargo bench -p calltap --bench ingest -- [--concurrency 64] [--seconds 10] [--rate N]`
//! (`--rate`: a fixed offered load instead of as fast as answered)
//! (`CALLTAP_BENCH_BIN=path/to/calltap` serves with another build).
//!
//! `-- --phases` instead times, on one thread and without HTTP, what a
//! handler does to each corpus body: the depth check, the fast-path parse,
//! the dedup key hash, and the durable path's cut into pieces (cold: every
//! piece hashed; warm: every piece already known), and both in one pass;
//! the projector's steps per delivery, batches read back from the log or
//! handed over by the writer; and the projector's typed parse of a whole
//! body and of its skeleton.
//!
//! `-- --storage` writes the corpus once through the store (batches of 64,
//! as the writer would commit them) twice, bodies whole and cut into
//! pieces, and prints the database file sizes.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Options {
    concurrency: usize,
    seconds: u64,
    /// Offered load, deliveries per second over all clients (open loop:
    /// latency counts from each request's scheduled start); `None` sends as
    /// fast as the server answers.
    rate: Option<u64>,
}

fn options() -> Options {
    let mut options = Options {
        concurrency: 64,
        seconds: 10,
        rate: None,
    };
    let args: Vec<String> = std::env::args().collect();
    let mut i = 1;
    while i < args.len() {
        let value = args.get(i + 1).and_then(|v| v.parse().ok());
        match (args[i].as_str(), value) {
            ("--concurrency", Some(v)) => options.concurrency = v as usize,
            ("--seconds", Some(v)) => options.seconds = v,
            ("--rate", Some(v)) => options.rate = Some(v),
            _ => {}
        }
        i += 1;
    }
    options
}

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(db: &Path, extra: &[&str]) -> Server {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    // `CALLTAP_BENCH_BIN` runs another build of the server (say, an older
    // commit's) under this same load, for before/after figures.
    let binary = std::env::var_os("CALLTAP_BENCH_BIN").map_or_else(
        || env!("CARGO_BIN_EXE_calltap").into(),
        std::path::PathBuf::from,
    );
    let child = Command::new(binary)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--db"])
        .arg(db)
        .args(extra)
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start calltap");
    Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    }
}

async fn wait_healthy(client: &reqwest::Client, base: &str) {
    for _ in 0..500 {
        if client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("calltap did not start");
}

struct Run {
    ok: u64,
    failed: u64,
    elapsed: Duration,
    latencies_us: Vec<u64>,
    /// CPU time the server and the load generator spent in the measured window.
    server_cpu: Duration,
    load_cpu: Duration,
    /// Bytes the server caused to be written to storage in that window.
    server_disk_bytes: u64,
    /// Stored deliveries not yet folded into the call projections when the
    /// window closed: how far the projector had fallen behind ingest.
    projector_behind: Option<u64>,
}

/// User plus system CPU time of a process so far, from `/proc/PID/stat`
/// (Linux; zero elsewhere).
fn cpu_time(pid: &str) -> Duration {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return Duration::ZERO;
    };
    // The fields after the `(comm)`, which may hold spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the whole line.
    let total = ticks(11) + ticks(12);
    // `/proc` counts in USER_HZ, which Linux fixes at 100 for user space.
    Duration::from_millis(total * 10)
}

/// Bytes a process has caused to be written to storage so far (the
/// `write_bytes` of `/proc/PID/io`; zero where that is not readable).
fn disk_writes(pid: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/io"))
        .ok()
        .and_then(|io| {
            io.lines()
                .find_map(|line| line.strip_prefix("write_bytes:"))
                .and_then(|n| n.trim().parse().ok())
        })
        .unwrap_or(0)
}

/// A corpus body and where its call id appears in it.
struct Body {
    bytes: bytes::Bytes,
    call_id_at: Vec<usize>,
    call_id_len: usize,
}

impl Body {
    fn new(bytes: bytes::Bytes) -> Body {
        let call_id = calltap_protocol::view::DeliveryView::parse(&bytes)
            .ok()
            .and_then(|view| view.call_id.map(|id| id.into_owned()))
            .unwrap_or_default();
        let call_id_at = if call_id.len() >= 8 {
            memchr::memmem::find_iter(&bytes, call_id.as_bytes()).collect()
        } else {
            Vec::new()
        };
        Body {
            bytes,
            call_id_at,
            call_id_len: call_id.len(),
        }
    }

    /// The body as sent in pass `round` over the corpus: the last 8
    /// characters of its call id replaced by the pass number in hex.
    fn for_round(&self, round: u64) -> bytes::Bytes {
        if round == 0 || self.call_id_at.is_empty() {
            return self.bytes.clone();
        }
        let mut out = self.bytes.to_vec();
        let suffix = format!("{:08x}", round as u32);
        for &at in &self.call_id_at {
            let end = at + self.call_id_len;
            out[end - 8..end].copy_from_slice(suffix.as_bytes());
        }
        bytes::Bytes::from(out)
    }
}

async fn load(server: &Server, corpus: Arc<Vec<Body>>, options: &Options, tag: &str) -> Run {
    let base = server.base.as_str();
    let server_pid = server.child.id().to_string();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(options.concurrency)
        .build()
        .expect("client");
    wait_healthy(&client, base).await;
    let counter = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let load_start = Instant::now();
    let rate = options.rate;
    let measure_from = load_start + Duration::from_secs(1); // warm-up
    let deadline = measure_from + Duration::from_secs(options.seconds);
    let tasks: Vec<_> = (0..options.concurrency)
        .map(|_| {
            let (client, corpus, counter, failed) = (
                client.clone(),
                corpus.clone(),
                counter.clone(),
                failed.clone(),
            );
            let url = format!("{base}/");
            let tag = tag.to_owned();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                loop {
                    let n = counter.fetch_add(1, Ordering::Relaxed);
                    let len = corpus.len() as u64;
                    let body = corpus[(n % len) as usize].for_round(n / len);
                    let started = match rate {
                        Some(rate) => {
                            let slot = load_start + Duration::from_secs_f64(n as f64 / rate as f64);
                            tokio::time::sleep_until(slot.into()).await;
                            slot
                        }
                        None => Instant::now(),
                    };
                    if started >= deadline {
                        break;
                    }
                    let response = client
                        .post(&url)
                        .header("content-type", "application/json")
                        .header("webhook-id", format!("bench-{tag}-{n}"))
                        .body(body)
                        .send()
                        .await;
                    let ok = matches!(&response, Ok(r) if r.status() == 200);
                    if started >= measure_from {
                        if ok {
                            latencies.push(started.elapsed().as_micros() as u64);
                        } else {
                            failed.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                latencies
            })
        })
        .collect();
    let sampler = {
        let server_pid = server_pid.clone();
        tokio::spawn(async move {
            tokio::time::sleep_until(measure_from.into()).await;
            let start = (
                cpu_time(&server_pid),
                cpu_time("self"),
                disk_writes(&server_pid),
            );
            tokio::time::sleep_until(deadline.into()).await;
            (
                cpu_time(&server_pid).saturating_sub(start.0),
                cpu_time("self").saturating_sub(start.1),
                disk_writes(&server_pid).saturating_sub(start.2),
            )
        })
    };
    let mut latencies_us = Vec::new();
    for task in tasks {
        latencies_us.extend(task.await.expect("load task"));
    }
    latencies_us.sort_unstable();
    let (server_cpu, load_cpu, server_disk_bytes) = sampler.await.expect("cpu sampler");
    let projector_behind = projector_behind(&client, base).await;
    Run {
        ok: latencies_us.len() as u64,
        failed: failed.load(Ordering::Relaxed),
        elapsed: Duration::from_secs(options.seconds),
        latencies_us,
        server_cpu,
        load_cpu,
        server_disk_bytes,
        projector_behind,
    }
}

/// Stored deliveries minus projected ones, from the server's `/metrics`.
async fn projector_behind(client: &reqwest::Client, base: &str) -> Option<u64> {
    let text = client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    let value = |name: &str| {
        text.lines().find_map(|line| {
            line.strip_prefix(name)?
                .strip_prefix(' ')?
                .parse::<f64>()
                .ok()
        })
    };
    let stored = value("calltap_deliveries_stored_total")?;
    let projected = value("calltap_projected_events_total").unwrap_or(0.0);
    Some((stored - projected).max(0.0) as u64)
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index] as f64 / 1000.0
}

/// Mean µs per corpus body of `f`, over enough rounds to take ~1 s.
fn time_per_body(corpus: &[bytes::Bytes], mut f: impl FnMut(&bytes::Bytes)) -> f64 {
    let started = Instant::now();
    let mut rounds = 0u32;
    while started.elapsed() < Duration::from_secs(1) {
        for body in corpus {
            f(body);
        }
        rounds += 1;
    }
    started.elapsed().as_secs_f64() * 1e6 / (f64::from(rounds) * corpus.len() as f64)
}

fn phases(corpus: &[bytes::Bytes]) {
    use calltap::store::body::{split, split_within, KnownPieces};
    let cold = KnownPieces::default();
    let warm = KnownPieces::default();
    for body in corpus {
        if let Some(cut) = split(body, &warm) {
            warm.insert_committed(
                cut.pieces
                    .iter()
                    .map(|p| (p.key, p.hash, &body[p.range.clone()])),
            );
        }
    }
    let dir = tempfile::tempdir().expect("tempdir");
    for (cut, batch) in [(false, 16), (true, 16), (true, 64)] {
        println!(
            "writer, {} bodies, batches of {batch}, --durability full: {:.1} µs per delivery (wall)",
            if cut { "cut" } else { "whole" },
            writer_cost(corpus, &dir.path().join(format!("w-{cut}-{batch}.db")), cut, batch)
        );
    }
    for handed_over in [false, true] {
        println!(
            "projector, batches of 64 {}: {:.1} µs per delivery (wall, its steps only)",
            if handed_over {
                "handed over by the writer"
            } else {
                "read back from the log"
            },
            projector_cost(
                corpus,
                &dir.path().join(format!("p-{handed_over}.db")),
                handed_over
            )
        );
    }
    let placeholder = calltap::project::pieces::Placeholder::new();
    let skeletons: Vec<bytes::Bytes> = corpus
        .iter()
        .map(|b| match split(b, &cold) {
            Some(cut) => {
                let (skeleton, _) = calltap::store::body::skeleton(&cut.recipe, |run, out| {
                    placeholder.write(run, out)
                })
                .expect("a fresh recipe walks");
                bytes::Bytes::from(skeleton)
            }
            None => b.clone(),
        })
        .collect();
    let skeleton_mean = skeletons.iter().map(|s| s.len()).sum::<usize>() / skeletons.len();
    println!("skeletons (pieces replaced by placeholders): mean {skeleton_mean} bytes");
    #[derive(serde::Deserialize)]
    struct Root {
        #[allow(dead_code)] // parsed for the timing only
        message: calltap_protocol::model::ServerMessage,
    }
    // The type the log records for each delivery, which picks the struct.
    let types: Vec<String> = corpus
        .iter()
        .map(|b| {
            calltap_protocol::view::DeliveryView::parse(b)
                .map(|view| view.message_type.into_owned())
                .unwrap_or_default()
        })
        .collect();
    let trimmed: Vec<bytes::Bytes> = skeletons
        .iter()
        .zip(&types)
        .map(|(s, t)| calltap::project::without_unread_artifact(t, s.to_vec()).into())
        .collect();
    let rows: [(&str, f64); 12] = [
        (
            "depth check (`calltap_protocol::raw::check_depth`)",
            time_per_body(corpus, |b| {
                std::hint::black_box(calltap_protocol::raw::check_depth(b, 128).is_ok());
            }),
        ),
        (
            "fast-path parse (`DeliveryView::parse`)",
            time_per_body(corpus, |b| {
                std::hint::black_box(calltap_protocol::view::DeliveryView::parse(b).is_ok());
            }),
        ),
        (
            "blake3 of the whole body (dedup key without an id header)",
            time_per_body(corpus, |b| {
                std::hint::black_box(blake3::hash(b));
            }),
        ),
        (
            "cut into pieces, cold (every piece hashed)",
            time_per_body(corpus, |b| {
                std::hint::black_box(split(b, &cold));
            }),
        ),
        (
            "cut into pieces, warm (every piece known)",
            time_per_body(corpus, |b| {
                std::hint::black_box(split(b, &warm));
            }),
        ),
        (
            "depth check and warm cut in one pass (durable handler)",
            time_per_body(corpus, |b| {
                std::hint::black_box(split_within(b, &warm, 128));
            }),
        ),
        (
            "projector: typed parse of the whole body (`Envelope::from_slice`)",
            time_per_body(corpus, |b| {
                std::hint::black_box(calltap_protocol::model::Envelope::from_slice(b).is_ok());
            }),
        ),
        (
            "projector: typed parse of the skeleton (`Envelope::from_slice`)",
            time_per_body(&skeletons, |b| {
                std::hint::black_box(calltap_protocol::model::Envelope::from_slice(b).is_ok());
            }),
        ),
        (
            "projector: the skeleton into `serde_json::Value` only",
            time_per_body(&skeletons, |b| {
                std::hint::black_box(serde_json::from_slice::<serde_json::Value>(b).is_ok());
            }),
        ),
        (
            "projector: the skeleton into `ServerMessage` (no key-order capture; what it ran)",
            time_per_body(&skeletons, |b| {
                std::hint::black_box(serde_json::from_slice::<Root>(b).is_ok());
            }),
        ),
        (
            "projector: the skeleton straight into its type's struct (`ServerMessage::from_envelope_of_type`; what it ran)",
            typed_skeleton_parse(&skeletons, &types),
        ),
        (
            "projector: the same, the artifact blanked where its type does not read it (`project::without_unread_artifact`, not timed; what it runs)",
            typed_skeleton_parse(&trimmed, &types),
        ),
    ];
    println!("| phase | µs per body |");
    println!("|---|---:|");
    for (name, us) in rows {
        println!("| {name} | {us:.1} |");
    }
}

/// A delivery as ingest records it (call id, type and timestamp read with
/// the fast path), cut into pieces when `known` is given.
fn delivery_job(
    bytes: bytes::Bytes,
    key: String,
    known: Option<&calltap::store::body::KnownPieces>,
) -> calltap::store::Job {
    let view = calltap_protocol::view::DeliveryView::parse(&bytes).expect("corpus parses");
    calltap::store::Job::Event(calltap::store::NewEvent {
        received_at: 0,
        call_id: view.call_id.as_deref().map(calltap::ids::CallId::new),
        message_type: view.message_type.into_owned(),
        timestamp: view.timestamp_ms,
        key: calltap::ids::DedupKey::stored(&key),
        headers: r#"{"content-type":"application/json"}"#.to_owned(),
        split: known.and_then(|known| calltap::store::body::split(&bytes, known)),
        body: bytes,
    })
}

/// µs per delivery the projector spends in its steps (one after each
/// committed batch of 64) while passes over the corpus are written, each
/// pass with new call ids (as the load does), its batches handed over by
/// the writer in memory (`handed_over`) or read back from the log.
fn projector_cost(corpus: &[bytes::Bytes], path: &Path, handed_over: bool) -> f64 {
    use calltap::project::Projector;
    use calltap::store::handoff::Handoff;
    use calltap::store::sqlite::{Sqlite, SqliteLog};
    use calltap::store::writer::Writer;
    use calltap::store::Job;

    let sqlite = Sqlite::open(path, calltap::store::Durability::Normal).expect("open the database");
    let handoff = Handoff::default();
    let mut writer = Writer::new(sqlite.log().expect("the log"), 64);
    let mut projector = Projector::new(
        Box::new(sqlite.projections().expect("the projections")),
        std::sync::Arc::new(sqlite.reader().expect("a reader")),
        calltap::project::DEFAULT_BATCH,
        calltap::project::DEFAULT_CACHE,
    )
    .expect("open the projector");
    if handed_over {
        writer = writer.with_handoff(handoff.clone());
        projector = projector.with_handoff(handoff);
    }
    let known = writer.known_pieces();
    let bodies: Vec<Body> = corpus.iter().cloned().map(Body::new).collect();
    let mut n = 0u64;
    let mut pass =
        |round: u64, writer: &mut Writer<SqliteLog>, projector: &mut Projector| -> Duration {
            let jobs: Vec<Job> = bodies
                .iter()
                .map(|b| {
                    n += 1;
                    delivery_job(b.for_round(round), format!("id:bench-{n}"), Some(&known))
                })
                .collect();
            let mut spent = Duration::ZERO;
            for chunk in jobs.chunks(64) {
                let refs: Vec<&Job> = chunk.iter().collect();
                writer.process_batch(&refs).expect("commit");
                let started = Instant::now();
                projector.catch_up().expect("project");
                spent += started.elapsed();
            }
            spent
        };
    pass(0, &mut writer, &mut projector);
    let mut spent = Duration::ZERO;
    let mut passes = 0u32;
    while spent < Duration::from_secs(2) {
        passes += 1;
        spent += pass(u64::from(passes), &mut writer, &mut projector);
    }
    let read_back = projector.events_read_back();
    assert!(
        !handed_over || read_back == 0,
        "the handoff missed {read_back} deliveries"
    );
    spent.as_secs_f64() * 1e6 / (f64::from(passes) * corpus.len() as f64)
}

/// µs per skeleton of `ServerMessage::from_envelope_of_type`, each parsed as the type
/// the log records for its body (`types`, in corpus order).
fn typed_skeleton_parse(skeletons: &[bytes::Bytes], types: &[String]) -> f64 {
    let mut next = 0;
    time_per_body(skeletons, |b| {
        // `time_per_body` walks the skeletons in order, round after round.
        let message_type = &types[next % types.len()];
        next += 1;
        std::hint::black_box(
            calltap_protocol::model::ServerMessage::from_envelope_of_type(message_type, b).is_ok(),
        );
    })
}

/// The corpus written once into a fresh database; returns its size in bytes
/// after a full checkpoint (WAL folded in and truncated).
fn stored_size(corpus: &[bytes::Bytes], path: &Path, cut: bool) -> u64 {
    use calltap::store::body;
    use calltap::store::sqlite::Sqlite;
    use calltap::store::writer::Writer;
    use calltap::store::Job;
    let sqlite = Sqlite::open(path, calltap::store::Durability::Normal).expect("open the database");
    let mut writer = Writer::new(sqlite.log().expect("the log"), 64);
    let known = body::KnownPieces::default();
    let jobs: Vec<Job> = corpus
        .iter()
        .map(|b| {
            let key = format!("b3:{}", blake3::hash(b).to_hex());
            delivery_job(b.clone(), key, cut.then_some(&known))
        })
        .collect();
    for batch in jobs.chunks(64) {
        let refs: Vec<&Job> = batch.iter().collect();
        writer.process_batch(&refs).expect("commit");
    }
    drop(writer);
    let conn = rusqlite::Connection::open(path).expect("reopen");
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .expect("checkpoint");
    drop(conn);
    std::fs::metadata(path).expect("size").len()
}

/// µs per delivery the writer thread spends committing the corpus in
/// batches of `batch` (unique keys, so every delivery is stored), after one
/// warm-up pass, bodies cut (`cut`) or whole.
fn writer_cost(corpus: &[bytes::Bytes], path: &Path, cut: bool, batch: usize) -> f64 {
    use calltap::store::sqlite::{Sqlite, SqliteLog};
    use calltap::store::writer::Writer;
    use calltap::store::{body, Job, NewEvent};
    let sqlite = Sqlite::open(path, calltap::store::Durability::Full).expect("open the database");
    let mut writer = Writer::new(sqlite.log().expect("the log"), batch);
    let known = writer.known_pieces();
    let mut n = 0u64;
    let mut pass = |writer: &mut Writer<SqliteLog>| -> Duration {
        let jobs: Vec<Job> = corpus
            .iter()
            .map(|b| {
                n += 1;
                Job::Event(NewEvent {
                    received_at: 0,
                    call_id: Some("c".into()),
                    message_type: "conversation-update".to_owned(),
                    timestamp: None,
                    key: calltap::ids::DedupKey::message_id(&format!("bench-{n}")),
                    body: b.clone(),
                    headers: r#"{"content-type":"application/json"}"#.to_owned(),
                    split: if cut { body::split(b, &known) } else { None },
                })
            })
            .collect();
        let started = Instant::now();
        for chunk in jobs.chunks(batch) {
            let refs: Vec<&Job> = chunk.iter().collect();
            writer.process_batch(&refs).expect("commit");
        }
        started.elapsed()
    };
    pass(&mut writer);
    let mut spent = Duration::ZERO;
    let mut passes = 0u32;
    while spent < Duration::from_secs(2) {
        spent += pass(&mut writer);
        passes += 1;
    }
    spent.as_secs_f64() * 1e6 / (f64::from(passes) * corpus.len() as f64)
}

fn storage(corpus: &[bytes::Bytes]) {
    let dir = tempfile::tempdir().expect("tempdir");
    let raw: usize = corpus.iter().map(|b| b.len()).sum();
    let calls: std::collections::HashSet<String> = corpus
        .iter()
        .filter_map(|b| calltap_protocol::view::DeliveryView::parse(b).ok()?.call_id)
        .map(|c| c.into_owned())
        .collect();
    println!(
        "corpus: {} deliveries of {} calls, {raw} bytes",
        corpus.len(),
        calls.len()
    );
    println!("| bodies | database bytes | per call | per delivery | vs raw corpus |");
    println!("|---|---:|---:|---:|---:|");
    for (name, cut) in [
        ("whole (format 0)", false),
        ("cut into pieces, recipes packed (formats 1, 2)", true),
    ] {
        let size = stored_size(corpus, &dir.path().join(format!("{cut}.db")), cut);
        println!(
            "| {name} | {size} | {} | {} | {:.2} |",
            size / calls.len() as u64,
            size / corpus.len() as u64,
            size as f64 / raw as f64
        );
    }
}

fn main() {
    let options = options();
    let corpus: Arc<Vec<bytes::Bytes>> = Arc::new(
        calltap_protocol::fixtures::sample_deliveries()
            .into_iter()
            .map(bytes::Bytes::from)
            .collect(),
    );
    let mean = corpus.iter().map(|b| b.len()).sum::<usize>() / corpus.len();
    if std::env::args().any(|a| a == "--storage") {
        storage(&corpus);
        return;
    }
    if std::env::args().any(|a| a == "--phases") {
        println!("{} corpus bodies, mean {mean} bytes", corpus.len());
        phases(&corpus);
        return;
    }
    println!(
        "ingest bench: {} corpus bodies (mean {} bytes), concurrency {}, {}, {} s per mode after 1 s warm-up",
        corpus.len(),
        mean,
        options.concurrency,
        options
            .rate
            .map_or("as fast as answered".to_owned(), |r| format!("offered {r}/s")),
        options.seconds
    );
    let bodies: Arc<Vec<Body>> = Arc::new(corpus.iter().cloned().map(Body::new).collect());
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let modes: [(&str, &[&str]); 3] = [
        ("no-op (--dry-run)", &["--dry-run"]),
        ("durable, --durability full", &["--durability", "full"]),
        ("durable, --durability normal", &["--durability", "normal"]),
    ];
    let mut baseline = None;
    println!("| mode | deliveries/s | p50 ms | p99 ms | non-200 | vs no-op | server CPU µs/delivery | load generator CPU µs/delivery | server disk writes KB/delivery | projector behind at end |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (i, (name, extra)) in modes.iter().enumerate() {
        let server = start(&dir.path().join(format!("bench-{i}.db")), extra);
        let run = runtime.block_on(load(&server, bodies.clone(), &options, &i.to_string()));
        drop(server);
        let rate = run.ok as f64 / run.elapsed.as_secs_f64();
        let ratio = baseline.map_or("1.00".to_owned(), |b: f64| format!("{:.2}", rate / b));
        baseline.get_or_insert(rate);
        let per_delivery = |cpu: Duration| cpu.as_secs_f64() * 1e6 / run.ok.max(1) as f64;
        println!(
            "| {name} | {rate:.0} | {:.2} | {:.2} | {} | {ratio} | {:.0} | {:.0} | {:.1} | {} |",
            percentile(&run.latencies_us, 0.50),
            percentile(&run.latencies_us, 0.99),
            run.failed,
            per_delivery(run.server_cpu),
            per_delivery(run.load_cpu),
            run.server_disk_bytes as f64 / 1024.0 / run.ok.max(1) as f64,
            run.projector_behind
                .map_or("n/a".to_owned(), |n| n.to_string()),
        );
    }
}
