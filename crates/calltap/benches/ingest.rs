//! Ingest benchmark (filled in later).
fn main() {}
