//! Opening the store: the one place above the backends that names them.
//!
//! [`Store::open`] opens (creating and migrating) the database and hands
//! out what the rest of calltap uses, typed by the traits of
//! [`backend`](super::backend) only: the writer's side of the log, read
//! handles, and the projector's writer. Today the database is a SQLite
//! file; a PostgreSQL backend is picked here too, from the configuration.

use std::path::Path;
use std::thread::JoinHandle;

use super::backend::{LogAppend, OutboxWrite, ProjectionWrite, Reader};
use super::body::MemoBytes;
use super::sqlite::{Sqlite, SqliteReader};
use super::{Access, Durability, StoreError};

/// An open store, of whichever backend.
#[derive(Clone, Debug)]
pub struct Store {
    sqlite: Sqlite,
}

/// The threads a backend runs beside its log writer (SQLite: the WAL
/// checkpointer), and its last step on a clean stop. The threads end once
/// the log writer is dropped; join them then, after every other writer of
/// the store (projector, outboxes) has stopped too.
#[derive(Debug)]
#[must_use = "join the store's threads after the log writer has stopped"]
pub struct Background {
    threads: Vec<JoinHandle<()>>,
    /// SQLite: the database whose WAL a clean stop empties.
    sqlite: Option<Sqlite>,
}

impl Background {
    /// Waits for the threads to end, then tidies the store for a clean stop
    /// (SQLite: copies the whole WAL into the database file and truncates
    /// it to 0 bytes, so a stopped server leaves no large WAL beside the
    /// file). `Err` if a thread panicked or the last step failed.
    pub fn join(self) -> Result<(), String> {
        for thread in self.threads {
            let name = thread
                .thread()
                .name()
                .unwrap_or("a store thread")
                .to_owned();
            thread.join().map_err(|_| format!("{name} panicked"))?;
        }
        if let Some(sqlite) = self.sqlite {
            sqlite
                .truncate_wal()
                .map_err(|err| format!("emptying the WAL: {err}"))?;
        }
        Ok(())
    }
}

/// A claim on a database (see [`Store::claim`]); dropping it lets go.
#[derive(Debug)]
#[must_use = "the claim ends when this is dropped"]
pub struct Claim {
    _file: super::sqlite::lock::FileClaim,
}

impl Store {
    /// Claims the database at `path` for `access` before opening it,
    /// failing at once with [`StoreError::InUse`] when another process's
    /// claim excludes it: servers share a database, a rebuild wants it
    /// alone. Hold the claim for as long as the store is used.
    pub fn claim(path: &Path, access: Access) -> Result<Claim, StoreError> {
        Ok(Claim {
            _file: super::sqlite::lock::claim(path, access)?,
        })
    }

    /// Opens (creating if missing) the database at `path` and brings its
    /// schema up to date.
    pub fn open(path: &Path, durability: Durability) -> Result<Store, StoreError> {
        Ok(Store {
            sqlite: Sqlite::open(path, durability)?,
        })
    }

    /// The writer's side of the log (there is one per store), and the
    /// threads that serve it, with the memos' default bounds.
    pub fn log_writer(&self) -> Result<(Box<dyn LogAppend>, Background), StoreError> {
        self.log_writer_within(MemoBytes::default())
    }

    /// [`log_writer`](Self::log_writer) with its memos bounded by `memos`.
    pub fn log_writer_within(
        &self,
        memos: MemoBytes,
    ) -> Result<(Box<dyn LogAppend>, Background), StoreError> {
        let (log, checkpointer) = self.sqlite.log_with_checkpointer(memos)?;
        Ok((
            Box::new(log),
            Background {
                threads: vec![checkpointer],
                sqlite: Some(self.sqlite.clone()),
            },
        ))
    }

    /// A read handle with a connection of its own.
    pub fn reader(&self) -> Result<Reader, StoreError> {
        Ok(std::sync::Arc::new(self.sqlite.reader()?))
    }

    /// The projector's writer of the call projections, taking turns at the
    /// database with the log's writer.
    pub fn projection_writer(&self) -> Result<Box<dyn ProjectionWrite>, StoreError> {
        Ok(Box::new(self.sqlite.projections()?))
    }

    /// An outbox's writer of its cursor and pending rows, taking turns at
    /// the database with the log's writer.
    pub fn outbox_writer(&self) -> Result<Box<dyn OutboxWrite>, StoreError> {
        Ok(Box::new(self.sqlite.outbox()?))
    }
}

/// A read handle on an existing database, without migrating or creating it
/// (for tools that only read, such as `calltap replay`).
pub fn open_reader(path: &Path) -> Result<Reader, StoreError> {
    Ok(std::sync::Arc::new(SqliteReader::open(path)?))
}
