//! The SQLite schema: every table and index, as the migrations that
//! build them, run in order (`PRAGMA user_version` counts those run).
//!
//! Dialect-specific on purpose, so it lives with the SQLite backend
//! rather than above it: `INTEGER PRIMARY KEY AUTOINCREMENT` seqs, `BLOB`
//! bodies, `INDEXED BY` names the reads rely on, and `user_version` as the
//! schema's version are SQLite's; a PostgreSQL backend keeps the same
//! tables in its own dialect (`bigserial`, `bytea`) and its own version
//! table.
//!
//! The tables: `events` (the log; `format` says how `body` holds the
//! delivery, see [`log`](super::log)), `pieces` (content-addressed parts
//! of cut bodies), `quarantine`, `calls`, `detail_parts` and
//! `projection_checkpoint` (the call projections, see
//! [`projections`](super::projections)), `call_events` (each call's
//! deliveries, kept by the projector beside them), `answers`,
//! `outbox_cursor` and `outbox_pending` (forwarding, see
//! [`forward`](super::forward)).

use rusqlite::Connection;

use crate::store::StoreError;

/// The migrations, in order; `PRAGMA user_version` is how many have run.
pub const MIGRATIONS: &[&str] = &[
    // 1: the event log and the quarantine.
    "CREATE TABLE events (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        received_at INTEGER NOT NULL,
        call_id     TEXT,
        type        TEXT NOT NULL,
        timestamp   INTEGER,
        key         TEXT NOT NULL UNIQUE,
        body        BLOB NOT NULL,
        headers     TEXT NOT NULL
    );
    CREATE INDEX events_by_call ON events (call_id, seq);
    CREATE INDEX events_by_type ON events (type, seq);
    CREATE TABLE quarantine (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        received_at INTEGER NOT NULL,
        kind        TEXT NOT NULL,
        reason      TEXT NOT NULL,
        body        BLOB NOT NULL,
        headers     TEXT NOT NULL
    );",
    // 2: the call projections (see `projections`).
    MIGRATION_CALLS,
    // 3: content-addressed bodies. Rows written before keep format 0 (raw).
    // `events_by_type` goes: no read uses it (the listing's optional
    // filters scan by seq), and every append paid for it (~10% of the
    // writer's time per delivery, `cargo bench --bench ingest -- --phases`).
    "ALTER TABLE events ADD COLUMN format INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE pieces (
        id          INTEGER PRIMARY KEY,
        hash        BLOB NOT NULL UNIQUE,
        data        BLOB NOT NULL
    );
    DROP INDEX events_by_type;",
    // 4: LZ4-packed recipes (`events.format = 2`). Nothing to change in the
    // tables; the version moves so that an older calltap, which would take
    // those rows for corrupt ones, refuses the file as too new instead.
    "UPDATE events SET format = format WHERE 0;",
    // 5: forwarding (see `forward`): the answers given to questions, and
    // each outbox's cursor and the deliveries it has not finished.
    MIGRATION_FORWARD,
    // 6: a delivery whose signed message id was stored before with other
    // bytes names that first delivery (see `Outcome::StoredConflicting`).
    "ALTER TABLE events ADD COLUMN conflicts_with INTEGER;",
    // 7: the projection format the `calls` rows were written in
    // (`calls::detail::PROJECTION_FORMAT`); rows from before are format 1.
    // A server that writes another format rebuilds them at start.
    "ALTER TABLE projection_checkpoint ADD COLUMN format INTEGER NOT NULL DEFAULT 1;",
    // 8: recipes written against the previous recipe of their call
    // (`events.format = 3`): rows written before keep their format and read
    // as before, and an older calltap, which would take the new rows for
    // corrupt ones, refuses the file as too new. And body-hash keys as
    // their 32 bytes (see `ids`), the older rows' converted so that a
    // redelivery of one is still found. And pieces written against a whole
    // piece of their kind (`pieces.base`, its id; NULL: stored whole, as
    // every older row is).
    "UPDATE events SET key = unhex(substr(key, 4))
     WHERE key LIKE 'b3:%' AND length(key) = 67 AND key = lower(key)
       AND unhex(substr(key, 4)) IS NOT NULL;
    ALTER TABLE pieces ADD COLUMN base INTEGER;",
    // 9: a stretch of a call's detail that other calls' details repeat (its
    // system prompt) kept once in `detail_parts` and cut out of the stored
    // detail (`calls.detail_part`, its id; `calls.detail_part_at`, the byte
    // offset it goes back in at). Rows written before keep NULL, whole.
    "CREATE TABLE detail_parts (
        id          INTEGER PRIMARY KEY,
        hash        BLOB NOT NULL UNIQUE,
        data        TEXT NOT NULL
    );
    ALTER TABLE calls ADD COLUMN detail_part INTEGER;
    ALTER TABLE calls ADD COLUMN detail_part_at INTEGER;",
    // 10: each call's deliveries indexed by the projector, a step at a
    // time, rather than by the log's writer, a delivery at a time.
    MIGRATION_CALL_EVENTS,
];

/// Migration 10: `call_events`, the seqs of each call's deliveries, written
/// by the projector with its rows (see
/// [`projections`](super::projections)), in place of the index
/// `events_by_call`, which every append had to update on the log writer's
/// one thread: a random 1 KiB leaf a delivery, written to the WAL and
/// copied again at checkpoint. A step's deliveries of one call share a
/// leaf. The checkpoint row `call_events` says up to which seq the table
/// is complete; a per-call read finds the deliveries after it by the log's
/// order ([`log`](super::log)). A rebuild of the projections leaves both
/// alone. The backfill indexes every stored delivery.
const MIGRATION_CALL_EVENTS: &str = "CREATE TABLE call_events (
        call_id TEXT NOT NULL,
        seq     INTEGER NOT NULL,
        PRIMARY KEY (call_id, seq)
    ) WITHOUT ROWID;
    INSERT INTO call_events (call_id, seq)
        SELECT call_id, seq FROM events INDEXED BY events_by_call
        WHERE call_id IS NOT NULL ORDER BY call_id, seq;
    INSERT INTO projection_checkpoint (name, seq)
        SELECT 'call_events', coalesce(max(seq), 0) FROM events;
    DROP INDEX events_by_call;";

/// The seq up to which `call_events` holds every delivery of every call
/// (0 where no projector has indexed any), as an SQL expression: a per-call
/// read takes what is after it from the log itself.
macro_rules! call_events_up_to {
    () => {
        "coalesce((SELECT seq FROM projection_checkpoint WHERE name = 'call_events'), 0)"
    };
}
pub(super) use call_events_up_to;

/// Migration 5: `answers` (one per answered question, by the question's
/// seq), `outbox_cursor` (per destination, the seq up to which every
/// delivery is done or has a row) and `outbox_pending` (those rows).
const MIGRATION_FORWARD: &str = "CREATE TABLE answers (
        seq         INTEGER PRIMARY KEY,
        answered_at INTEGER NOT NULL,
        outcome     TEXT NOT NULL,
        status      INTEGER NOT NULL,
        latency_ms  INTEGER NOT NULL,
        headers     TEXT NOT NULL,
        body        BLOB NOT NULL,
        error       TEXT
    );
    CREATE TABLE outbox_cursor (
        destination TEXT PRIMARY KEY,
        seq         INTEGER NOT NULL
    );
    CREATE TABLE outbox_pending (
        destination      TEXT NOT NULL,
        seq              INTEGER NOT NULL,
        call_id          TEXT,
        state            TEXT NOT NULL,
        attempts         INTEGER NOT NULL,
        first_attempt_at INTEGER,
        next_attempt_at  INTEGER,
        last_error       TEXT,
        PRIMARY KEY (destination, seq)
    );";

/// Migration 2: the call tables. Each filter of the list has an index
/// ending in the list's order, `(sort_at DESC, id DESC)`, so a filtered page
/// is an index range scan that stops after `limit` rows.
const MIGRATION_CALLS: &str = "CREATE TABLE calls (
        id             TEXT PRIMARY KEY,
        status         TEXT,
        ended_reason   TEXT,
        assistant_id   TEXT,
        assistant_name TEXT,
        call_type      TEXT,
        started_at     INTEGER,
        ended_at       INTEGER,
        sort_at        INTEGER NOT NULL,
        last_event_at  INTEGER,
        event_count    INTEGER NOT NULL,
        last_seq       INTEGER NOT NULL,
        summary        TEXT NOT NULL,
        detail         TEXT NOT NULL
    );
    CREATE INDEX calls_by_time ON calls (sort_at DESC, id DESC);
    CREATE INDEX calls_by_status ON calls (status, sort_at DESC, id DESC);
    CREATE INDEX calls_by_assistant_id ON calls (assistant_id, sort_at DESC, id DESC);
    CREATE INDEX calls_by_assistant_name ON calls (assistant_name, sort_at DESC, id DESC);
    CREATE INDEX calls_by_ended_reason ON calls (ended_reason, sort_at DESC, id DESC);
    CREATE TABLE projection_checkpoint (
        name TEXT PRIMARY KEY,
        seq  INTEGER NOT NULL
    );
    INSERT INTO projection_checkpoint (name, seq) VALUES ('calls', 0);";

/// The secondary indexes of `calls`, by name (for the list benchmark's
/// baseline, which drops them).
pub const FILTER_INDEXES: [&str; 5] = [
    "calls_by_time",
    "calls_by_status",
    "calls_by_assistant_id",
    "calls_by_assistant_name",
    "calls_by_ended_reason",
];

/// Runs the migrations the file has not seen yet, each in its own transaction.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    let supported = MIGRATIONS.len() as i64;
    if version > supported {
        return Err(StoreError::SchemaTooNew {
            found: version,
            supported,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}
