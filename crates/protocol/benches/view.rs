//! The ingest fast path against the obvious alternative: the whole sample
//! corpus (638 bodies, stored back to back in one buffer) read per iteration,
//! extracting the same fields each way.
//!
//! - `view`: [`DeliveryView::parse`], the fast path.
//! - `serde_json_value`: the baseline, `serde_json::from_slice::<Value>` and
//!   the same fields read from the `Value`.
//! - `serde_derive_borrowed`: for comparison only, a `#[derive(Deserialize)]`
//!   struct with borrowed fields and serde's default skipping of unknown keys.
//!   It is not a drop-in: its `Option<&str>` fields reject escaped strings and
//!   it accepts an array as the root.
//! - `utf8_check`: `std::str::from_utf8` alone, the share of `view` spent on
//!   checking that skipped strings are UTF-8.

use std::borrow::Cow;
use std::hint::black_box;
use std::ops::Range;

use calltap_protocol::view::DeliveryView;
use calltap_protocol::Timestamp;
use criterion::{Criterion, SamplingMode, Throughput};
use serde::Deserialize;
use serde_json::Value;

/// The sample corpus, concatenated, with each body's range.
struct Corpus {
    bytes: Vec<u8>,
    bodies: Vec<Range<usize>>,
}

impl Corpus {
    fn load() -> Self {
        let mut bytes = Vec::new();
        let mut bodies = Vec::new();
        for body in calltap_protocol::fixtures::sample_deliveries() {
            let start = bytes.len();
            bytes.extend_from_slice(&body);
            bodies.push(start..bytes.len());
        }
        Corpus { bytes, bodies }
    }

    fn iter(&self) -> impl Iterator<Item = &[u8]> {
        self.bodies.iter().map(|range| &self.bytes[range.clone()])
    }
}

/// The fields every variant extracts, as `(type, call id, timestamp, status,
/// role, turn, endedReason, destination.type)`.
type Fields<'a> = (
    &'a str,
    Option<&'a str>,
    Option<i64>,
    Option<&'a str>,
    Option<&'a str>,
    Option<u64>,
    Option<&'a str>,
    Option<&'a str>,
);

fn from_view(body: &[u8]) {
    let view = DeliveryView::parse(body).expect("the corpus parses");
    let fields: Fields<'_> = (
        &view.message_type,
        view.call_id.as_deref(),
        view.timestamp_ms,
        view.status.as_deref(),
        view.role.as_deref(),
        view.turn.map(u64::from),
        view.ended_reason.as_deref(),
        view.destination_type.as_deref(),
    );
    black_box(fields);
}

fn from_value(body: &[u8]) {
    let value: Value = serde_json::from_slice(body).expect("the corpus parses");
    let message = &value["message"];
    let fields: Fields<'_> = (
        message["type"].as_str().expect("the corpus has types"),
        message["call"]["id"].as_str(),
        message["timestamp"].as_i64(),
        message["status"].as_str(),
        message["role"].as_str(),
        message["turn"].as_u64(),
        message["endedReason"].as_str(),
        message["destination"]["type"].as_str(),
    );
    black_box(fields);
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    message: Message<'a>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Message<'a> {
    #[serde(rename = "type", borrow)]
    message_type: Cow<'a, str>,
    #[serde(borrow)]
    call: Option<Call<'a>>,
    timestamp: Option<Timestamp>,
    status: Option<&'a str>,
    role: Option<&'a str>,
    turn: Option<u32>,
    ended_reason: Option<&'a str>,
    #[serde(borrow)]
    destination: Option<Destination<'a>>,
}

#[derive(Deserialize)]
struct Call<'a> {
    id: Option<&'a str>,
}

#[derive(Deserialize)]
struct Destination<'a> {
    #[serde(rename = "type")]
    destination_type: Option<&'a str>,
}

fn from_derive(body: &[u8]) {
    let envelope: Envelope<'_> = serde_json::from_slice(body).expect("the corpus parses");
    let message = envelope.message;
    let fields: Fields<'_> = (
        &message.message_type,
        message.call.as_ref().and_then(|call| call.id),
        message.timestamp.as_ref().map(Timestamp::epoch_ms),
        message.status,
        message.role,
        message.turn.map(u64::from),
        message.ended_reason,
        message
            .destination
            .as_ref()
            .and_then(|d| d.destination_type),
    );
    black_box(fields);
}

fn ingest(c: &mut Criterion) {
    let corpus = Corpus::load();
    // Every variant must read the same fields, or the comparison is void.
    for body in corpus.iter() {
        let view = DeliveryView::parse(body).expect("the corpus parses");
        let value: Value = serde_json::from_slice(body).expect("the corpus parses");
        assert_eq!(Some(&*view.message_type), value["message"]["type"].as_str());
        assert_eq!(
            view.call_id.as_deref(),
            value["message"]["call"]["id"].as_str()
        );
        assert_eq!(view.timestamp_ms, value["message"]["timestamp"].as_i64());
        assert_eq!(view.turn.map(u64::from), value["message"]["turn"].as_u64());
    }

    let mut group = c.benchmark_group("ingest");
    // One iteration reads ~the whole corpus: few, long samples.
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(20);
    group.throughput(Throughput::Bytes(corpus.bytes.len() as u64));
    group.bench_function("view", |b| b.iter(|| corpus.iter().for_each(from_view)));
    group.bench_function("serde_json_value", |b| {
        b.iter(|| corpus.iter().for_each(from_value))
    });
    group.bench_function("serde_derive_borrowed", |b| {
        b.iter(|| corpus.iter().for_each(from_derive))
    });
    group.bench_function("utf8_check", |b| {
        b.iter(|| {
            corpus.iter().for_each(|body| {
                black_box(std::str::from_utf8(body).is_ok());
            })
        })
    });
    group.finish();
}

// What `criterion_group!`/`criterion_main!` expand to, written out because
// the macro's generated `pub fn` trips the workspace's `missing_docs` lint.
fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    ingest(&mut criterion);
    criterion.final_summary();
}
