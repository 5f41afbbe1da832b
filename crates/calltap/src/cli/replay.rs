//! `calltap replay`: re-send stored deliveries to a URL, byte for byte,
//! re-signed with the given credentials, with the same progress bar and
//! report as `simulate`.
//!
//! Deliveries come from a JSON Lines file (`--from`, one body per line, as
//! `simulate --out` writes them, gzipped or not) or from calltap's own log
//! (`--db`, read through the store's read API, in seq order). With
//! `--concurrency 1` (the default) they go out in file order; with more,
//! calls are replayed side by side, each call's deliveries in file order.
//! Exit 1 if any delivery was not acknowledged.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use bytes::Bytes;
use calltap_protocol::auth::parse_timestamp;
use calltap_protocol::view::DeliveryView;
use clap::{ArgGroup, Args};

use super::send::{finish, send_and_report, usage, SendArgs};
use crate::ids::CallId;
use crate::sim::jsonl;
use crate::sim::send::{Pace, Sequence, StoredSource};
use crate::store::open::open_reader;
use crate::store::EventFilter;

/// `calltap replay`.
#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("source").required(true).args(["from", "db"])))]
#[command(mut_arg("to", |a| a.required(true)))]
pub struct ReplayArgs {
    /// Read deliveries from this JSON Lines file (one body per line;
    /// gzipped files are recognised and read through gunzip).
    #[arg(long, value_name = "FILE.jsonl")]
    pub from: Option<PathBuf>,
    /// Read deliveries from a calltap database (`calltap serve --db`), in
    /// log order.
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Only this call's deliveries.
    #[arg(long, value_name = "ID")]
    pub call: Option<String>,
    /// Only deliveries whose message timestamp is at or after this (epoch
    /// s or ms, or ISO-8601).
    #[arg(long, value_name = "TS")]
    pub since: Option<String>,
    /// Only deliveries whose message timestamp is before this.
    #[arg(long, value_name = "TS")]
    pub until: Option<String>,
    /// Where and how to send.
    #[command(flatten)]
    pub send: SendArgs,
}

/// One stored delivery with what filtering and grouping need.
#[derive(Debug, Clone)]
pub struct Stored {
    /// `message.call.id`.
    pub call_id: Option<CallId>,
    /// `message.timestamp`, epoch ms.
    pub timestamp_ms: Option<i64>,
    /// The exact body.
    pub body: Bytes,
}

impl Stored {
    /// Reads the routing fields of `body`; a body that is not an envelope
    /// is kept (and replayed) with neither.
    pub fn new(body: Bytes) -> Self {
        let (call_id, timestamp_ms) = match DeliveryView::parse(&body) {
            Ok(v) => (v.call_id.as_deref().map(CallId::new), v.timestamp_ms),
            Err(_) => (None, None),
        };
        Stored {
            call_id,
            timestamp_ms,
            body,
        }
    }
}

/// Keeps the deliveries the filters select and groups them for sending:
/// one group in stored order when `concurrency` is 1, else one per call.
pub fn plan(
    deliveries: Vec<Stored>,
    call: Option<&str>,
    since: Option<i64>,
    until: Option<i64>,
    concurrency: u32,
) -> StoredSource {
    let kept = deliveries.into_iter().filter(|d| {
        call.is_none_or(|c| d.call_id.as_deref() == Some(c))
            && since.is_none_or(|s| d.timestamp_ms.is_some_and(|t| t >= s))
            && until.is_none_or(|u| d.timestamp_ms.is_some_and(|t| t < u))
    });
    let mut source = StoredSource::default();
    if concurrency <= 1 {
        let mut calls = HashSet::new();
        let all: Vec<(i64, Bytes)> = kept
            .map(|d| {
                calls.insert(d.call_id);
                (d.timestamp_ms.unwrap_or(0), d.body)
            })
            .collect();
        if !all.is_empty() {
            source.sequences.push(Sequence {
                deliveries: all,
                calls: calls.len() as u64,
            });
        }
        return source;
    }
    let mut groups: HashMap<Option<CallId>, usize> = HashMap::new();
    for d in kept {
        let slot = *groups.entry(d.call_id.clone()).or_insert_with(|| {
            source.sequences.push(Sequence {
                deliveries: Vec::new(),
                calls: 1,
            });
            source.sequences.len() - 1
        });
        source.sequences[slot]
            .deliveries
            .push((d.timestamp_ms.unwrap_or(0), d.body));
    }
    source
}

fn timestamp_arg(flag: &str, value: Option<&String>) -> Result<Option<i64>, String> {
    value
        .map(|v| {
            parse_timestamp(v).ok_or_else(|| {
                format!("{flag} {v:?} is not a timestamp (epoch s or ms, or ISO-8601)")
            })
        })
        .transpose()
}

/// Runs `calltap replay`.
pub fn run(args: ReplayArgs) -> ExitCode {
    let checked = args.send.check().and_then(|()| {
        let since = timestamp_arg("--since", args.since.as_ref())?;
        Ok((since, timestamp_arg("--until", args.until.as_ref())?))
    });
    match checked {
        Ok((since, until)) => finish(replay(&args, since, until)),
        Err(e) => usage(&e),
    }
}

fn load(args: &ReplayArgs) -> anyhow::Result<Vec<Stored>> {
    if let Some(path) = &args.from {
        let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
        let lines = jsonl::read_deliveries(maybe_gunzip(file)?)
            .with_context(|| format!("reading {}", path.display()))?;
        return Ok(lines
            .into_iter()
            .map(|l| Stored::new(Bytes::from(l)))
            .collect());
    }
    let Some(path) = &args.db else {
        anyhow::bail!("give --from FILE.jsonl or --db PATH");
    };
    // A missing file would be created empty by SQLite's read-write open;
    // the reader opens read-only, but say plainly what is wrong.
    anyhow::ensure!(path.exists(), "{} does not exist", path.display());
    let reader = open_reader(path).with_context(|| format!("opening {}", path.display()))?;
    let mut out = Vec::new();
    let mut filter = EventFilter {
        call_id: args.call.as_deref().map(CallId::new),
        message_type: None,
        after: None,
        up_to: None,
        limit: DB_PAGE,
    };
    loop {
        let page = reader
            .events(&filter)
            .with_context(|| format!("reading {}", path.display()))?;
        let Some(last) = page.last().map(|e| e.seq) else {
            return Ok(out);
        };
        out.extend(page.into_iter().map(|e| Stored {
            call_id: e.call_id,
            timestamp_ms: e.timestamp,
            body: e.body,
        }));
        filter.after = Some(last);
    }
}

/// Reads `file` through a gzip decoder when it starts with gzip's magic
/// bytes (`calls.jsonl.gz`, as the sample fixtures are kept), else as is:
/// read as lines, compressed bytes would go out as thousands of bodies.
fn maybe_gunzip(file: File) -> anyhow::Result<Box<dyn BufRead>> {
    let mut input = BufReader::with_capacity(1 << 20, file);
    let gzipped = input
        .fill_buf()
        .context("reading")?
        .starts_with(&[0x1f, 0x8b]);
    Ok(if gzipped {
        Box::new(BufReader::with_capacity(
            1 << 20,
            flate2::bufread::MultiGzDecoder::new(input),
        ))
    } else {
        Box::new(input)
    })
}

/// Events read from the store per query.
const DB_PAGE: u32 = 1_000;

fn replay(args: &ReplayArgs, since: Option<i64>, until: Option<i64>) -> anyhow::Result<ExitCode> {
    let options = args.send.options(Pace::Max)?.context("--to is required")?;
    let deliveries = load(args)?;
    let source = plan(
        deliveries,
        args.call.as_deref(),
        since,
        until,
        args.send.concurrency,
    );
    send_and_report(Arc::new(source), options)
}
