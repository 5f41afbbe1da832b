//! Ingest throughput and latency: a load generator on loopback against the
//! real `calltap serve` binary, posting the fixture corpus at a fixed
//! concurrency, first to a `--dry-run` server (parse and answer, no store:
//! the no-op baseline), then to durable servers (`--durability full` and
//! `normal`). Each request carries a unique `webhook-id`, so every delivery
//! is really stored (no dedup shortcut).
//!
//! Run: `cargo bench -p calltap --bench ingest -- [--concurrency 64] [--seconds 10]`

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Options {
    concurrency: usize,
    seconds: u64,
}

fn options() -> Options {
    let mut options = Options {
        concurrency: 64,
        seconds: 10,
    };
    let args: Vec<String> = std::env::args().collect();
    let mut i = 1;
    while i < args.len() {
        let value = args.get(i + 1).and_then(|v| v.parse().ok());
        match (args[i].as_str(), value) {
            ("--concurrency", Some(v)) => options.concurrency = v as usize,
            ("--seconds", Some(v)) => options.seconds = v,
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
    let child = Command::new(env!("CARGO_BIN_EXE_calltap"))
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
}

async fn load(base: &str, corpus: Arc<Vec<bytes::Bytes>>, options: &Options, tag: &str) -> Run {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(options.concurrency)
        .build()
        .expect("client");
    wait_healthy(&client, base).await;
    let counter = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let measure_from = Instant::now() + Duration::from_secs(1); // warm-up
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
                    let body = corpus[(n as usize) % corpus.len()].clone();
                    let started = Instant::now();
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
    let mut latencies_us = Vec::new();
    for task in tasks {
        latencies_us.extend(task.await.expect("load task"));
    }
    latencies_us.sort_unstable();
    Run {
        ok: latencies_us.len() as u64,
        failed: failed.load(Ordering::Relaxed),
        elapsed: Duration::from_secs(options.seconds),
        latencies_us,
    }
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index] as f64 / 1000.0
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
    println!(
        "ingest bench: {} corpus bodies (mean {} bytes), concurrency {}, {} s per mode after 1 s warm-up",
        corpus.len(),
        mean,
        options.concurrency,
        options.seconds
    );
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let modes: [(&str, &[&str]); 3] = [
        ("no-op (--dry-run)", &["--dry-run"]),
        ("durable, --durability full", &["--durability", "full"]),
        ("durable, --durability normal", &["--durability", "normal"]),
    ];
    let mut baseline = None;
    println!("| mode | deliveries/s | p50 ms | p99 ms | non-200 | vs no-op |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (i, (name, extra)) in modes.iter().enumerate() {
        let server = start(&dir.path().join(format!("bench-{i}.db")), extra);
        let run = runtime.block_on(load(&server.base, corpus.clone(), &options, &i.to_string()));
        drop(server);
        let rate = run.ok as f64 / run.elapsed.as_secs_f64();
        let ratio = baseline.map_or("1.00".to_owned(), |b: f64| format!("{:.2}", rate / b));
        baseline.get_or_insert(rate);
        println!(
            "| {name} | {rate:.0} | {:.2} | {:.2} | {} | {ratio} |",
            percentile(&run.latencies_us, 0.50),
            percentile(&run.latencies_us, 0.99),
            run.failed,
        );
    }
}
