//! `calltap rebuild`: recomputes every call projection from the log.
//!
//! The projections are emptied and the projector runs from the first event
//! to the last, in its usual batches, so the result is exactly what the
//! incremental projector maintains (the integration tests check that).
//! It refuses a database that a `calltap serve` is using (a server would
//! go on projecting into the tables it empties, and serve a partial call
//! list meanwhile), and a server refuses to start while it runs.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;

use crate::project::{self, Projector};
use crate::store::open::Store;
use crate::store::{Access, Durability, StoreError};

/// Recompute the call projections from the log.
#[derive(Debug, Args)]
pub struct RebuildArgs {
    /// SQLite database file.
    #[arg(long, env = "CALLTAP_DB", default_value = "calltap.db")]
    pub db: PathBuf,
}

/// Runs the rebuild; prints what it did.
pub fn run(args: RebuildArgs) -> ExitCode {
    match rebuild(&args.db) {
        Ok((events, seq)) => {
            println!("rebuilt the call projections from {events} events (log seq {seq})");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("calltap rebuild: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Empties the projections and projects the whole log; returns the number
/// of events read and the seq reached.
pub fn rebuild(db: &std::path::Path) -> anyhow::Result<(u64, i64)> {
    if !db.exists() {
        anyhow::bail!("{} does not exist", db.display());
    }
    let _alone = Store::claim(db, Access::Exclusive).map_err(|err| match err {
        StoreError::InUse { .. } => anyhow::anyhow!(
            "refusing to rebuild {db}: {err}; stop `calltap serve` on {db} (or wait for the \
             other rebuild to finish), run `calltap rebuild --db {db}` again, then start serve",
            db = db.display()
        ),
        other => anyhow::Error::new(other).context(format!("locking {}", db.display())),
    })?;
    // Opening the store runs pending migrations, so an old database gets
    // its projection tables first.
    let store =
        Store::open(db, Durability::Full).with_context(|| format!("opening {}", db.display()))?;
    let started = Instant::now();
    let mut projector = Projector::open(&store, project::DEFAULT_BATCH, project::DEFAULT_CACHE)
        .context("opening the projector")?;
    projector.reset().context("emptying the projections")?;
    let events = projector.catch_up().context("projecting the log")?;
    tracing::info!(events, elapsed = ?started.elapsed(), "rebuild done");
    Ok((events, projector.position().get()))
}
