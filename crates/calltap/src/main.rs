//! The `calltap` command line: `serve`, `validate` and friends.

use clap::Parser;

fn main() -> std::process::ExitCode {
    calltap::cli::Cli::parse().run()
}
