//! Command-line parsing and dispatch. Each subcommand lives in its own module
//! and returns the process exit code.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod rebuild;
pub mod replay;
pub mod send;
pub mod serve;
pub mod simulate;
pub mod validate;

/// calltap: the receiving end of Vapi's server messages.
#[derive(Debug, Parser)]
#[command(name = "calltap", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Receive deliveries: verify, record durably and exactly once, serve the log.
    Serve(Box<serve::ServeArgs>),
    /// Check files of deliveries against Vapi's schemas (strict unless --lenient).
    ///
    /// Exit 0: every delivery is valid. 1: violations were found. 2: an input
    /// is unreadable, not JSON, or empty: an empty input holds no delivery,
    /// and "nothing checked" must not pass for "all valid".
    Validate(validate::ValidateArgs),
    /// Recompute the call projections from the log (stop `serve` first).
    Rebuild(rebuild::RebuildArgs),
    /// Play realistic, signed whole calls into a server URL and/or a JSON Lines file.
    Simulate(simulate::SimulateArgs),
    /// Re-send stored deliveries byte for byte, re-signed.
    Replay(replay::ReplayArgs),
}

impl Cli {
    /// Runs the chosen subcommand and returns the process exit code.
    pub fn run(self) -> ExitCode {
        match self.command {
            Command::Serve(args) => args.run(),
            Command::Validate(args) => validate::run(args),
            Command::Rebuild(args) => rebuild::run(args),
            Command::Simulate(args) => simulate::run(args),
            Command::Replay(args) => replay::run(args),
        }
    }
}
