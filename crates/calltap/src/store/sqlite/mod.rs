//! The SQLite backend: one database file in WAL mode, and every SQL
//! statement calltap runs.
//!
//! [`Sqlite`] opens the file (creating and migrating it) and hands out its
//! connections, each implementing the traits of
//! [`backend`](crate::store::backend): the log's write connection
//! ([`SqliteLog`], the writer's), the projections' ([`SqliteProjections`],
//! the projector's) and read connections ([`SqliteReader`]). The two write
//! connections take turns at SQLite's one write lock ([`turns`]), and a
//! thread of its own copies the WAL back into the file ([`checkpointer`]).
//!
//! - [`connection`]: opening connections, and rusqlite's errors as
//!   [`StoreError`]s; [`schema`]: every table, as migrations; `ids`: the
//!   identities (`Seq`, `CallId`, `DedupKey`) as column values.
//! - [`log`]: append with dedup, pages, bodies, pieces; [`quarantine`];
//!   [`projections`]: the `calls` table and its checkpoint; [`forward`]:
//!   the answers to questions and the outboxes.
//! - [`lock`]: who may use the file at once (servers share it, a rebuild
//!   wants it alone).

pub mod checkpointer;
pub mod connection;
pub mod forward;
mod ids;
pub mod lock;
pub mod log;
pub mod projections;
pub mod quarantine;
pub mod schema;
pub mod turns;

use std::path::{Path, PathBuf};

pub use connection::SqliteReader;
pub use forward::SqliteOutbox;
pub use log::SqliteLog;
pub use projections::SqliteProjections;

use turns::WriteTurns;

use crate::store::{Durability, StoreError};

/// One SQLite database: where it is, how hard its log's commits are kept,
/// and the queue its write connections share for the write lock.
#[derive(Clone, Debug)]
pub struct Sqlite {
    path: PathBuf,
    durability: Durability,
    turns: WriteTurns,
}

impl Sqlite {
    /// Opens (creating if missing) the database at `path` and runs pending
    /// migrations.
    pub fn open(path: &Path, durability: Durability) -> Result<Sqlite, StoreError> {
        drop(connection::open_writer(path, durability)?);
        Ok(Sqlite {
            path: path.to_owned(),
            durability,
            turns: WriteTurns::default(),
        })
    }

    /// The log's write connection, with no checkpointer: its own commits
    /// copy the WAL back at SQLite's far backstop (for tests and benches
    /// that drive a writer directly).
    pub fn log(&self) -> Result<SqliteLog, StoreError> {
        let conn = connection::open_writer(&self.path, self.durability)?;
        Ok(SqliteLog::new(
            conn,
            self.turns.clone(),
            None,
            Default::default(),
        ))
    }

    /// The log's write connection, and the checkpointer thread that copies
    /// the WAL back after its commits; the thread makes a last round and
    /// ends once the log is dropped.
    pub fn log_with_checkpointer(
        &self,
        memos: crate::store::body::MemoBytes,
    ) -> Result<(SqliteLog, std::thread::JoinHandle<()>), StoreError> {
        let conn = connection::open_writer(&self.path, self.durability)?;
        let (growth, thread) = checkpointer::spawn(checkpointer::open(&self.path)?)
            .map_err(|err| StoreError::Backend(err.into()))?;
        Ok((
            SqliteLog::new(conn, self.turns.clone(), Some(growth), memos),
            thread,
        ))
    }

    /// Copies the whole WAL into the database file and truncates it to 0
    /// bytes (`PRAGMA wal_checkpoint(TRUNCATE)`), for a clean stop once
    /// every write connection of this process is closed. It waits (up to the
    /// busy timeout) for readers still inside a transaction.
    pub fn truncate_wal(&self) -> Result<(), StoreError> {
        checkpointer::truncate(&self.path)
    }

    /// A read connection.
    pub fn reader(&self) -> Result<SqliteReader, StoreError> {
        SqliteReader::open(&self.path)
    }

    /// The queue the write connections share, for tests that hold it.
    #[cfg(test)]
    pub(crate) fn turns(&self) -> &WriteTurns {
        &self.turns
    }

    /// The projections' write connection, taking turns with the log's.
    pub fn projections(&self) -> Result<SqliteProjections, StoreError> {
        let conn = connection::open_projection_writer(&self.path)?;
        Ok(SqliteProjections::new(conn, self.turns.clone()))
    }

    /// An outbox's write connection, taking turns with the log's.
    pub fn outbox(&self) -> Result<SqliteOutbox, StoreError> {
        let conn = connection::open_projection_writer(&self.path)?;
        Ok(SqliteOutbox::new(conn, self.turns.clone()))
    }
}

/// A new database's log, failing at once on a held lock, and a second
/// connection holding the write lock: for tests of a batch that cannot
/// commit. `ROLLBACK` on the second lets go.
#[cfg(test)]
pub(crate) fn locked_out(path: &Path) -> (SqliteLog, rusqlite::Connection) {
    let conn = connection::open_writer(path, Durability::Normal).expect("open");
    conn.busy_timeout(std::time::Duration::ZERO)
        .expect("timeout");
    let holder = rusqlite::Connection::open(path).expect("second connection");
    holder
        .execute_batch("BEGIN IMMEDIATE")
        .expect("hold the write lock");
    (
        SqliteLog::new(conn, WriteTurns::default(), None, Default::default()),
        holder,
    )
}
