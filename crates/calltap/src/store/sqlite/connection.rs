//! Opening SQLite connections: the write connections (the log's, in WAL
//! mode with the chosen durability, migrating the schema; the
//! projections'), the read connection behind [`SqliteReader`], and how a
//! rusqlite error becomes a [`StoreError`].
//!
//! Concurrency: WAL mode, so the write connections and the readers never
//! block each other; reads keep working while the writer is stalled or
//! failing. The process's two write connections take turns at SQLite's one
//! write lock ([`turns`](super::turns)).

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::checkpointer;
use super::schema;
use crate::store::body::RecentRecipes;
use crate::store::{Durability, StoreError};

/// How long a connection waits for a lock held by another before failing.
/// Short on purpose: a stuck writer should turn into 503s, not hung requests.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(2);

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        match err.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Busy(err.into())
            }
            Some(rusqlite::ErrorCode::DiskFull) => StoreError::Full(err.into()),
            _ => StoreError::Backend(err.into()),
        }
    }
}

/// The page size of a new database. Each commit writes every page it
/// touched to the WAL whole, and a batch touches about one page per
/// delivery in each index with random or per-call keys (the dedup key;
/// the per-call index, which a projector's step writes a call's leaf of
/// once for all its deliveries): with 1 KiB pages rather than SQLite's
/// 4 KiB, the WAL (and the checkpoint's copy) took 6-7 KB a delivery
/// rather than 10 (commit `ffc86e7`, when the writer kept both indexes).
const PAGE_SIZE: i64 = 1024;

/// The log writer's page cache, in KiB (as a negative `cache_size`): the
/// indexes' pages a batch updates are read from it rather than through a
/// system call each (SQLite's default is 2 MiB).
const WRITER_CACHE_KIB: i64 = -16 * 1024;

/// Opens (creating if missing) the database for writing, in WAL mode with the
/// chosen durability, and runs pending migrations.
pub fn open_writer(path: &Path, durability: Durability) -> Result<Connection, StoreError> {
    let mut conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Only a new database takes it (before WAL mode and the first table);
    // an existing one keeps its own.
    conn.pragma_update(None, "page_size", PAGE_SIZE)?;
    conn.pragma_update(None, "cache_size", WRITER_CACHE_KIB)?;
    // journal_mode returns a row, so it is read with query_row.
    let _mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |row| row.get(0))?;
    let sync = match durability {
        Durability::Normal => "NORMAL",
        Durability::Full => "FULL",
    };
    conn.pragma_update(None, "synchronous", sync)?;
    // Statement journals (SQLite's undo log for one statement inside the
    // batch transaction) stay in memory instead of a temporary file.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    checkpointer::configure_write_connection(&conn)?;
    schema::migrate(&mut conn)?;
    Ok(conn)
}

/// Opens the projections' write connection to a database the log's writer
/// has migrated. `synchronous=NORMAL`: a projection lost to a power cut is
/// rebuilt from the log, which is the durable truth, so the projector need
/// not pay for an fsync per batch.
pub fn open_projection_writer(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let _mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |row| row.get(0))?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    checkpointer::configure_write_connection(&conn)?;
    Ok(conn)
}

/// A read-only connection: the read side of every trait of
/// [`backend`](crate::store::backend) (the log, pieces, quarantine and
/// projections each implement theirs in their own module).
///
/// One connection behind a mutex: reads are short indexed range scans, and
/// WAL lets them run beside the writer. A pool is the next step if reads
/// ever contend.
pub struct SqliteReader {
    conn: Mutex<Connection>,
    /// Recipes rebuilt from deltas lately (see [`log`](super::log)).
    recent: Mutex<RecentRecipes>,
}

impl std::fmt::Debug for SqliteReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteReader")
    }
}

impl SqliteReader {
    /// Opens a read-only connection to a database the writer has created.
    pub fn open(path: &Path) -> Result<SqliteReader, StoreError> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        Ok(SqliteReader {
            conn: Mutex::new(conn),
            recent: Mutex::default(),
        })
    }

    /// The recipes this reader rebuilt from deltas lately. Take it inside
    /// [`with`](Self::with), never the other way round.
    pub(super) fn recent_recipes(&self) -> std::sync::MutexGuard<'_, RecentRecipes> {
        // A cache: whatever a panic left in it is still valid recipes.
        self.recent.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` on the connection.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        // A panic while holding the lock leaves the connection usable: the
        // statements are read-only, so there is no half-done state to fear.
        let conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        f(&conn)
    }
}
