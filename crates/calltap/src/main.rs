//! The `calltap` command line: `serve`, `validate` and friends.

use clap::Parser;

/// mimalloc instead of glibc's malloc: every delivery allocates and frees
/// buffers of tens of KB on several threads (the body, its recipe, the
/// projector's parse), where glibc's arenas spent ~10% of the durable
/// server's CPU. It keeps freed pages for reuse, so the peak resident set
/// under the ingest bench rose from ~110 to ~150-170 MB (commit `3851222`,
/// issue 3's fifth round). Built with its `no_thp` feature (workspace
/// `Cargo.toml`): mimalloc 3 otherwise asks for transparent huge pages on
/// its arenas, which makes each 2 MiB region resident as a whole once a
/// byte of it is touched (14 of the dry run's 25 MB of heap were huge
/// pages; commit `04d3006`).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    calltap::cli::Cli::parse().run()
}
