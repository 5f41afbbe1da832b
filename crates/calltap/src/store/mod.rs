//! The event log: record types, errors, and the SQLite backend.
//!
//! This module knows SQL and nothing of HTTP. All SQL lives in [`sqlite`]
//! (the log) and [`projections`] (the call tables derived from it);
//! [`writer`] is the single group-commit writer thread in front of the log;
//! [`turns`] queues the process's writers fairly for SQLite's one write
//! lock; [`checkpointer`] copies the WAL into the database file off the
//! writer's thread; [`body`] cuts bodies into content-addressed pieces
//! (pure, no SQL); [`feed`] publishes what it commits to live subscribers,
//! and [`handoff`] to the projector.
//! Records cross this boundary as plain structs; the HTTP layer converts them.

pub mod body;
pub mod checkpointer;
pub mod feed;
pub mod handoff;
pub mod projections;
pub mod sqlite;
pub mod turns;
pub mod writer;

use bytes::Bytes;

/// A delivery to append to the log.
#[derive(Clone, Debug, PartialEq)]
pub struct NewEvent {
    /// When calltap received it (ms since the epoch).
    pub received_at: i64,
    /// `message.call.id`, if any.
    pub call_id: Option<String>,
    /// `message.type`.
    pub message_type: String,
    /// `message.timestamp` in ms since the epoch, if any.
    pub timestamp: Option<i64>,
    /// The dedup key: the message-id header or a hash of the body.
    pub key: String,
    /// The exact bytes received.
    pub body: Bytes,
    /// The relevant request headers, as a JSON object of strings.
    pub headers: String,
    /// The body cut into content-addressed pieces ([`body::split`], done by
    /// the handler so the writer thread only inserts); `None` stores it whole.
    pub split: Option<body::Split>,
}

/// A new database's write connection that fails at once on a held lock,
/// and a second connection holding the write lock: for tests of a batch
/// that cannot commit.
#[cfg(test)]
pub(crate) fn locked_out(path: &std::path::Path) -> (rusqlite::Connection, rusqlite::Connection) {
    let conn = sqlite::open_writer(path, crate::config::Durability::Normal).expect("open");
    conn.busy_timeout(std::time::Duration::ZERO)
        .expect("timeout");
    let holder = rusqlite::Connection::open(path).expect("second connection");
    holder
        .execute_batch("BEGIN IMMEDIATE")
        .expect("hold the write lock");
    (conn, holder)
}

#[cfg(test)]
impl NewEvent {
    /// A stored-whole `status-update` with no call, for store tests.
    pub(crate) fn for_test(key: &str, body: Bytes) -> NewEvent {
        NewEvent {
            received_at: 1,
            call_id: None,
            message_type: "status-update".to_owned(),
            timestamp: None,
            key: key.to_owned(),
            body,
            headers: "{}".to_owned(),
            split: None,
        }
    }
}

/// A rejected body to keep in quarantine.
#[derive(Clone, Debug, PartialEq)]
pub struct NewQuarantine {
    /// When calltap received it (ms since the epoch).
    pub received_at: i64,
    /// Machine-readable class of the rejection (`not_json`, `missing_type`, `too_deep`, ...).
    pub kind: String,
    /// The human-readable reason given to the sender.
    pub reason: String,
    /// The exact bytes received.
    pub body: Bytes,
    /// The relevant request headers, as a JSON object of strings.
    pub headers: String,
}

/// One stored delivery, its body rebuilt: the exact bytes received
/// (shared, cheap to clone: the live feed hands one event to every
/// subscriber).
pub type Event = Logged<Bytes>;

/// One stored delivery as the log keeps it, body not yet rebuilt: what the
/// projector reads, so that it can skip the pieces it has already read
/// (see [`body::skeleton`]).
pub type StoredEvent = Logged<StoredBody>;

/// One stored delivery with its body as `B` ([`Event`], [`StoredEvent`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Logged<B> {
    /// Position in the log, strictly increasing, never reused.
    pub seq: i64,
    /// When calltap received it (ms since the epoch).
    pub received_at: i64,
    /// `message.call.id`, if any.
    pub call_id: Option<String>,
    /// `message.type`.
    pub message_type: String,
    /// `message.timestamp` in ms since the epoch, if any.
    pub timestamp: Option<i64>,
    /// The dedup key.
    pub key: String,
    /// The body.
    pub body: B,
}

impl<B> Logged<B> {
    /// The same delivery with its body turned into a `C` by `f`.
    pub fn try_map_body<C, E>(self, f: impl FnOnce(B) -> Result<C, E>) -> Result<Logged<C>, E> {
        Ok(Logged {
            body: f(self.body)?,
            seq: self.seq,
            received_at: self.received_at,
            call_id: self.call_id,
            message_type: self.message_type,
            timestamp: self.timestamp,
            key: self.key,
        })
    }
}

/// A body as the log stores it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoredBody {
    /// The exact bytes.
    Whole(Bytes),
    /// A recipe over pieces ([`body`]; [`sqlite::Reader::rebuild`] gives the bytes).
    Recipe(Bytes),
}

/// One quarantined body.
#[derive(Clone, Debug, PartialEq)]
pub struct Quarantined {
    /// Position in the quarantine table.
    pub id: i64,
    /// When calltap received it (ms since the epoch).
    pub received_at: i64,
    /// Machine-readable class of the rejection.
    pub kind: String,
    /// The reason given to the sender.
    pub reason: String,
    /// The relevant request headers, as a JSON object of strings.
    pub headers: String,
    /// The exact bytes received.
    pub body: Vec<u8>,
}

/// A page request over the log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Only this call.
    pub call_id: Option<String>,
    /// Only this message type.
    pub message_type: Option<String>,
    /// Only events with a larger seq (a cursor).
    pub after: Option<i64>,
    /// Only events with a seq at most this.
    pub up_to: Option<i64>,
    /// At most this many.
    pub limit: u32,
}

/// A page request over the quarantine.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QuarantineFilter {
    /// Only this kind.
    pub kind: Option<String>,
    /// Only rows with a larger id (a cursor).
    pub after: Option<i64>,
    /// At most this many.
    pub limit: u32,
}

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database is locked by another writer beyond the busy timeout.
    #[error("the database is busy (locked by another connection)")]
    Busy(#[source] rusqlite::Error),
    /// The disk is full.
    #[error("the disk is full")]
    Full(#[source] rusqlite::Error),
    /// Any other SQLite failure.
    #[error("database error")]
    Sqlite(#[source] rusqlite::Error),
    /// A stored body does not rebuild (a recipe names a missing piece, or
    /// is cut short).
    #[error("a stored body is corrupt")]
    Corrupt(#[source] body::CorruptRecipe),
    /// The database file's schema is newer than this binary knows.
    #[error("database schema version {found} is newer than this calltap supports ({supported})")]
    SchemaTooNew {
        /// `PRAGMA user_version` in the file.
        found: i64,
        /// The newest version this binary knows.
        supported: i64,
    },
}

impl From<body::CorruptRecipe> for StoreError {
    fn from(err: body::CorruptRecipe) -> Self {
        StoreError::Corrupt(err)
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        match err.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Busy(err)
            }
            Some(rusqlite::ErrorCode::DiskFull) => StoreError::Full(err),
            _ => StoreError::Sqlite(err),
        }
    }
}
