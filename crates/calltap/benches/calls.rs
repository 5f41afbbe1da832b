//! Call-state benchmarks (written below).

fn main() {}
