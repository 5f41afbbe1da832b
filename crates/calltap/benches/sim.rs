//! How fast the simulator writes deliveries to a file (`simulate --out`),
//! against two baselines over the very same deliveries:
//!
//! - `serde_json::to_writer`: each envelope, pre-built as a
//!   `serde_json::Value`, serialised into the same kind of writer (what a
//!   simulator that builds JSON values per message would at best do);
//! - pre-rendered bytes: the bodies already in memory, only copied to the
//!   file (the ceiling: the cost of the write itself).
//!
//! A fourth line renders into a writer that discards the bytes: the
//! simulator's own cost, without the file system.
//!
//! Run: `cargo bench -p calltap --bench sim` (optional argument: the number
//! of calls, default 400). Each figure is the best of three runs.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use calltap::sim::jsonl::write_calls;
use calltap::sim::{Renderer, SimConfig};

const BUFFER: usize = 8 * 1024 * 1024;

/// A writer that only counts bytes.
struct CountingSink(u64);

impl Write for CountingSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn best_of_three(mut f: impl FnMut() -> (u64, u64)) -> (u64, u64, Duration) {
    let mut best = (0, 0, Duration::MAX);
    for _ in 0..3 {
        let start = Instant::now();
        let (n, bytes) = f();
        let took = start.elapsed();
        if took < best.2 {
            best = (n, bytes, took);
        }
    }
    best
}

fn report(name: &str, (n, bytes, took): (u64, u64, Duration)) {
    let secs = took.as_secs_f64();
    println!(
        "{name:<28} {n:>8} deliveries {:>8.1} MB in {:>6.3} s: {:>9.0} deliveries/s, {:>7.0} MB/s",
        bytes as f64 / 1e6,
        secs,
        n as f64 / secs,
        bytes as f64 / 1e6 / secs
    );
}

fn main() {
    let calls: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(400);
    let path = std::env::temp_dir().join(format!("calltap-sim-bench-{}.jsonl", std::process::id()));
    let renderer = Arc::new(Renderer::new(&SimConfig::default()));
    let open = || BufWriter::with_capacity(BUFFER, File::create(&path).expect("temp file"));

    // The simulator's fast path: generate, render and write.
    let sim = best_of_three(|| {
        let mut out = open();
        let n = write_calls(&renderer, calls, &mut out, |_| {}).expect("writes");
        out.flush().expect("flushes");
        (n, std::fs::metadata(&path).map_or(0, |m| m.len()))
    });

    // The same, rendered into a discarding writer: the simulator's own cost
    // without the file system's.
    let sim_sink = best_of_three(|| {
        let mut out = BufWriter::with_capacity(BUFFER, CountingSink(0));
        let n = write_calls(&renderer, calls, &mut out, |_| {}).expect("writes");
        out.flush().expect("flushes");
        (n, out.get_ref().0)
    });

    // The same deliveries, for the baselines.
    let bodies: Vec<Vec<u8>> = std::fs::read(&path)
        .expect("the file")
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect();
    let values: Vec<serde_json::Value> = bodies
        .iter()
        .map(|b| serde_json::from_slice(b).expect("JSON"))
        .collect();

    let to_writer = best_of_three(|| {
        let mut out = open();
        for v in &values {
            serde_json::to_writer(&mut out, v).expect("writes");
            out.write_all(b"\n").expect("writes");
        }
        out.flush().expect("flushes");
        (
            values.len() as u64,
            std::fs::metadata(&path).map_or(0, |m| m.len()),
        )
    });

    let prerendered = best_of_three(|| {
        let mut out = open();
        for b in &bodies {
            out.write_all(b).expect("writes");
            out.write_all(b"\n").expect("writes");
        }
        out.flush().expect("flushes");
        (
            bodies.len() as u64,
            std::fs::metadata(&path).map_or(0, |m| m.len()),
        )
    });

    println!("{calls} calls, file in {}", std::env::temp_dir().display());
    report("simulator (write_calls)", sim);
    report("simulator, no file (sink)", sim_sink);
    report("baseline: serde_json Value", to_writer);
    report("ceiling: pre-rendered bytes", prerendered);
    let _ = std::fs::remove_file(&path);
}
