//! The sample corpus checked in under `fixtures/`, for tests and benchmarks
//! (here and in `calltap`). Behind the `fixtures` feature: not part of the API
//! a receiver links against.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;

/// The repository's `fixtures/` directory.
pub fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// Every delivery of the 12-call sample, one raw POST body each, in delivery order.
pub fn sample_deliveries() -> Vec<Vec<u8>> {
    let path = dir().join("sample-12-calls.jsonl.gz");
    let file = std::fs::File::open(&path)
        .unwrap_or_else(|e| panic!("fixture {} is missing: {e}", path.display()));
    BufReader::new(flate2::read::GzDecoder::new(file))
        .split(b'\n')
        .map(|line| line.unwrap_or_else(|e| panic!("fixture {} is corrupt: {e}", path.display())))
        .filter(|line| !line.is_empty())
        .collect()
}

/// The six real deliveries of one web call, with their file names, in time order.
pub fn real_deliveries() -> Vec<(String, Vec<u8>)> {
    let dir = dir().join("real");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("fixture dir {} is missing: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    entries.sort();
    entries
        .into_iter()
        .map(|path| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (name, bytes)
        })
        .collect()
}

/// Every fixture delivery: the real ones first, then the sample corpus.
pub fn all_deliveries() -> Vec<(String, Vec<u8>)> {
    let mut all = real_deliveries();
    all.extend(
        sample_deliveries()
            .into_iter()
            .enumerate()
            .map(|(i, body)| (format!("sample-12-calls.jsonl:{}", i + 1), body)),
    );
    all
}
