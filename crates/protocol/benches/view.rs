//! STUB: the fast-path benchmark lands with issue 2.
fn main() {}
