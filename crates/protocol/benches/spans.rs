//! Reading the raw bytes of the whole sample corpus (638 bodies) per
//! iteration, as the ingest handler does to each delivery before it parses
//! it:
//!
//! - `repeated_spans`: [`raw::repeated_spans`] with calltap's settings
//!   (depth 128, parts of at least 128 bytes), the span finder that also
//!   stands in for the depth check.
//! - `check_depth`: [`raw::check_depth`] alone, what a body the span finder
//!   cannot follow costs on top.
//! - `blank_artifact`: [`raw::blank_artifact`] on a copy of each body (the
//!   copy included), what the projector does to a skeleton whose artifact
//!   it does not read.

use std::hint::black_box;

use calltap_protocol::raw;
use criterion::{Criterion, SamplingMode, Throughput};

fn raw_bytes(c: &mut Criterion) {
    let corpus = calltap_protocol::fixtures::sample_deliveries();
    let bytes: usize = corpus.iter().map(Vec::len).sum();
    let mut group = c.benchmark_group("raw");
    // One iteration reads the whole corpus: few, long samples.
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(30);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("repeated_spans", |b| {
        b.iter(|| {
            for body in &corpus {
                black_box(raw::repeated_spans(black_box(body), 128, 128));
            }
        })
    });
    group.bench_function("check_depth", |b| {
        b.iter(|| {
            for body in &corpus {
                let _ = black_box(raw::check_depth(black_box(body), 128));
            }
        })
    });
    group.bench_function("blank_artifact", |b| {
        b.iter(|| {
            for body in &corpus {
                let mut copy = body.to_vec();
                black_box(raw::blank_artifact(&mut copy));
                black_box(copy);
            }
        })
    });
    group.finish();
}

// What `criterion_group!`/`criterion_main!` expand to, written out because
// the macro's generated `pub fn` trips the workspace's `missing_docs` lint.
fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    raw_bytes(&mut criterion);
    criterion.final_summary();
}
