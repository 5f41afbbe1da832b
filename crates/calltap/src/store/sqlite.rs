//! The embedded SQLite backend: opening, schema migrations (`PRAGMA
//! user_version`), the append statements the writer runs, and reads.
//!
//! Bodies: `events.format` says how `events.body` holds the delivery: 0, the
//! raw bytes; 1, a recipe ([`body`]) naming content-addressed rows of
//! `pieces`; 2, such a recipe packed with LZ4 ([`body::pack`]). Reads rebuild the exact bytes either way, so callers only ever
//! see raw bodies.
//!
//! Concurrency: WAL mode, so one writer connection (owned by the
//! [`writer`](super::writer) thread) and reader connections never block each
//! other; reads keep working while the writer is stalled or failing.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};

use bytes::Bytes;

use super::body::{self, PieceHash};
use super::{
    Event, EventFilter, NewEvent, NewQuarantine, QuarantineFilter, Quarantined, StoreError,
    StoredBody, StoredEvent,
};
use crate::config::Durability;

/// How long a connection waits for a lock held by another before failing.
/// Short on purpose: a stuck writer should turn into 503s, not hung requests.
pub(super) const BUSY_TIMEOUT: Duration = Duration::from_secs(2);

/// The migrations, in order; `PRAGMA user_version` is how many have run.
const MIGRATIONS: &[&str] = &[
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
    super::projections::MIGRATION_CALLS,
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
];

/// `events.format` of a raw body.
const FORMAT_RAW: i64 = 0;
/// `events.format` of a recipe over `pieces`.
const FORMAT_RECIPE: i64 = 1;
/// `events.format` of a recipe packed with LZ4 ([`body::pack`]).
const FORMAT_PACKED_RECIPE: i64 = 2;

/// Opens (creating if missing) the database for writing, in WAL mode with the
/// chosen durability, and runs pending migrations.
pub fn open_writer(path: &Path, durability: Durability) -> Result<Connection, StoreError> {
    let mut conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
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
    super::checkpointer::configure_write_connection(&conn)?;
    migrate(&mut conn)?;
    Ok(conn)
}

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

/// The highest seq in the log, 0 when it is empty.
pub fn max_seq(conn: &Connection) -> Result<i64, StoreError> {
    Ok(
        conn.query_row("SELECT coalesce(max(seq), 0) FROM events", [], |row| {
            row.get(0)
        })?,
    )
}

/// What appending one delivery did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Appended {
    /// Stored at this seq.
    Stored(i64),
    /// Its key was already stored, at this seq.
    Duplicate(i64),
}

/// Appends a delivery unless its key is already stored; its pieces not
/// marked known are inserted unless stored (`INSERT OR IGNORE`), and
/// `inserted` collects them (the caller marks them known once the
/// transaction has committed). Run inside the
/// writer's batch transaction: the writer is the only one appending, so the
/// lookup and the insert cannot race. (Looking up first, rather than
/// letting the insert conflict, keeps seqs gap-free: a conflicting insert
/// would still consume an AUTOINCREMENT value.)
///
/// Both inserts are `INSERT OR IGNORE`: a statement that cannot abort half
/// way needs no statement journal (SQLite's undo log for one statement in
/// a larger transaction), which cost ~8% of the writer thread. Nothing is
/// ignored in practice: the key was looked up, a piece already stored is
/// the same bytes, and no column is ever NULL; an event row that still did
/// not go in fails the batch.
pub fn append_event(
    conn: &Connection,
    event: &NewEvent,
    inserted: &mut NewPieces,
) -> Result<Appended, StoreError> {
    let mut existing = conn.prepare_cached("SELECT seq FROM events WHERE key = ?1")?;
    if let Some(seq) = existing
        .query_row([&event.key], |row| row.get(0))
        .optional()?
    {
        return Ok(Appended::Duplicate(seq));
    }
    let (format, stored) = match &event.split {
        Some(split) => {
            let mut piece =
                conn.prepare_cached("INSERT OR IGNORE INTO pieces (hash, data) VALUES (?1, ?2)")?;
            for p in split.pieces.iter().filter(|p| !p.known) {
                // A piece repeated within the batch is inserted once.
                if !inserted.seen.insert(p.hash) {
                    continue;
                }
                let data = event
                    .body
                    .get(p.range.clone())
                    .ok_or(body::CorruptRecipe("a piece lies outside its body"))?;
                piece.execute(params![&p.hash.0[..], data])?;
                inserted
                    .pieces
                    .push((p.key, p.hash, event.body.slice(p.range.clone())));
            }
            match &split.packed {
                Some(packed) => (FORMAT_PACKED_RECIPE, &packed[..]),
                None => (FORMAT_RECIPE, &split.recipe[..]),
            }
        }
        None => (FORMAT_RAW, &event.body[..]),
    };
    let mut insert = conn.prepare_cached(
        "INSERT OR IGNORE INTO events
         (received_at, call_id, type, timestamp, key, body, headers, format)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    let inserted = insert.execute(params![
        event.received_at,
        event.call_id,
        event.message_type,
        event.timestamp,
        event.key,
        stored,
        event.headers,
        format,
    ])?;
    if inserted != 1 {
        // The key was looked up above and nothing else constrains a row.
        return Err(StoreError::Sqlite(rusqlite::Error::StatementChangedRows(
            inserted,
        )));
    }
    Ok(Appended::Stored(conn.last_insert_rowid()))
}

/// The pieces a batch inserted, to mark known once it has committed.
#[derive(Debug, Default)]
pub struct NewPieces {
    seen: HashSet<PieceHash>,
    /// `(key, name, bytes)` of each piece inserted.
    pub pieces: Vec<(u64, PieceHash, bytes::Bytes)>,
}

/// Appends a rejected body to the quarantine; returns its id.
pub fn append_quarantine(conn: &Connection, row: &NewQuarantine) -> Result<i64, StoreError> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO quarantine (received_at, kind, reason, body, headers)
         VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
    )?;
    Ok(insert.query_row(
        params![
            row.received_at,
            row.kind,
            row.reason,
            &row.body[..],
            row.headers
        ],
        |r| r.get(0),
    )?)
}

/// A read-only connection for the query API.
///
/// One connection behind a mutex: reads are short indexed range scans, and
/// WAL lets them run beside the writer. A pool is the next step if reads
/// ever contend.
pub struct Reader {
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Reader")
    }
}

impl Reader {
    /// Opens a read-only connection to a database the writer has created.
    pub fn open(path: &Path) -> Result<Reader, StoreError> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        Ok(Reader {
            conn: Mutex::new(conn),
        })
    }

    pub(super) fn with<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        // A panic while holding the lock leaves the connection usable: the
        // statements are read-only, so there is no half-done state to fear.
        let conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        f(&conn)
    }

    /// Events matching the filter, by seq.
    pub fn events(&self, filter: &EventFilter) -> Result<Vec<Event>, StoreError> {
        let stored = self.stored_events(filter)?;
        self.with(|conn| {
            let mut cache = PieceCache::new();
            stored
                .into_iter()
                .map(|event| event.try_map_body(|body| rebuilt(conn, body, &mut cache)))
                .collect()
        })
    }

    /// Like [`Reader::events`], with the bodies as stored, not rebuilt.
    pub fn stored_events(&self, filter: &EventFilter) -> Result<Vec<StoredEvent>, StoreError> {
        self.with(|conn| {
            let mut stmt = conn.prepare_cached(events_query(filter))?;
            let after = filter.after.unwrap_or(0);
            let up_to = filter.up_to.unwrap_or(i64::MAX);
            let mut params: Vec<(&str, &dyn rusqlite::ToSql)> = vec![
                (":after", &after),
                (":up_to", &up_to),
                (":limit", &filter.limit),
            ];
            if let Some(call_id) = &filter.call_id {
                params.push((":call_id", call_id));
            }
            if let Some(message_type) = &filter.message_type {
                params.push((":type", message_type));
            }
            let rows = stmt.query_map(&params[..], |row| {
                let body = match stored_body(row.get(6)?, row.get(7)?) {
                    Ok(body) => body,
                    Err(err) => return Ok(Err(err)),
                };
                Ok(Ok(StoredEvent {
                    seq: row.get(0)?,
                    received_at: row.get(1)?,
                    call_id: row.get(2)?,
                    message_type: row.get(3)?,
                    timestamp: row.get(4)?,
                    key: row.get(5)?,
                    body,
                }))
            })?;
            rows.map(|row| row?).collect()
        })
    }

    /// The bytes of the piece named `hash`, if stored.
    pub fn piece(&self, hash: &PieceHash) -> Result<Option<Vec<u8>>, StoreError> {
        self.with(|conn| {
            let mut stmt = conn.prepare_cached("SELECT data FROM pieces WHERE hash = ?1")?;
            Ok(stmt.query_row([&hash.0[..]], |row| row.get(0)).optional()?)
        })
    }

    /// The exact bytes of a stored body.
    pub fn rebuild(&self, body: StoredBody) -> Result<Bytes, StoreError> {
        self.with(|conn| rebuilt(conn, body, &mut PieceCache::new()))
    }

    /// The exact body stored at `seq`.
    pub fn event_body(&self, seq: i64) -> Result<Option<Vec<u8>>, StoreError> {
        self.with(|conn| {
            let mut stmt = conn.prepare_cached("SELECT body, format FROM events WHERE seq = ?1")?;
            let row: Option<(Vec<u8>, i64)> = stmt
                .query_row([seq], |row| Ok((row.get(0)?, row.get(1)?)))
                .optional()?;
            row.map(|(stored, format)| {
                let body = stored_body(stored, format)?;
                Ok(rebuilt(conn, body, &mut PieceCache::new())?.to_vec())
            })
            .transpose()
        })
    }

    /// Quarantined bodies matching the filter, by id.
    pub fn quarantine(&self, filter: &QuarantineFilter) -> Result<Vec<Quarantined>, StoreError> {
        self.with(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, received_at, kind, reason, headers, body FROM quarantine
                 WHERE id > ?1 AND (?2 IS NULL OR kind = ?2)
                 ORDER BY id LIMIT ?3",
            )?;
            let rows = stmt.query_map(
                params![filter.after.unwrap_or(0), filter.kind, filter.limit],
                |row| {
                    Ok(Quarantined {
                        id: row.get(0)?,
                        received_at: row.get(1)?,
                        kind: row.get(2)?,
                        reason: row.get(3)?,
                        headers: row.get(4)?,
                        body: row.get(5)?,
                    })
                },
            )?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// The exact body quarantined under `id`.
    pub fn quarantine_body(&self, id: i64) -> Result<Option<Vec<u8>>, StoreError> {
        self.with(|conn| {
            let mut stmt = conn.prepare_cached("SELECT body FROM quarantine WHERE id = ?1")?;
            Ok(stmt.query_row([id], |row| row.get(0)).optional()?)
        })
    }

    /// The seq of the newest event, 0 for an empty log.
    pub fn last_seq(&self) -> Result<i64, StoreError> {
        self.with(|conn| {
            Ok(conn.query_row("SELECT coalesce(max(seq), 0) FROM events", [], |r| r.get(0))?)
        })
    }

    /// The number of stored events (for tests and tools).
    pub fn count_events(&self) -> Result<i64, StoreError> {
        self.with(|conn| Ok(conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?))
    }
}

/// The events query for the filters given. Only the given filters become
/// conditions, each combination its own statement naming its index: a
/// catch-all `(?2 IS NULL OR call_id = ?2)` hides the indexes from the
/// planner, which then walks the whole log by seq.
fn events_query(filter: &EventFilter) -> &'static str {
    match (filter.call_id.is_some(), filter.message_type.is_some()) {
        (false, false) => {
            "SELECT seq, received_at, call_id, type, timestamp, key, body, format FROM events
             WHERE seq > :after AND seq <= :up_to ORDER BY seq LIMIT :limit"
        }
        (true, false) => {
            "SELECT seq, received_at, call_id, type, timestamp, key, body, format FROM events
             INDEXED BY events_by_call
             WHERE call_id = :call_id AND seq > :after AND seq <= :up_to ORDER BY seq LIMIT :limit"
        }
        (false, true) => {
            // No index by type (migration 3 dropped it): walk by seq.
            "SELECT seq, received_at, call_id, type, timestamp, key, body, format FROM events
             WHERE seq > :after AND seq <= :up_to AND type = :type ORDER BY seq LIMIT :limit"
        }
        (true, true) => {
            "SELECT seq, received_at, call_id, type, timestamp, key, body, format FROM events
             INDEXED BY events_by_call
             WHERE call_id = :call_id AND type = :type AND seq > :after AND seq <= :up_to ORDER BY seq LIMIT :limit"
        }
    }
}

/// Pieces already fetched while reading one page of events: the events of
/// a call repeat the same pieces (each `conversation-update` carries the
/// whole history), so each is read from the table once per page.
type PieceCache = HashMap<PieceHash, Vec<u8>>;

/// `events.body` as its `events.format` says it is stored.
fn stored_body(stored: Vec<u8>, format: i64) -> Result<StoredBody, StoreError> {
    match format {
        FORMAT_RAW => Ok(StoredBody::Whole(Bytes::from(stored))),
        FORMAT_RECIPE => Ok(StoredBody::Recipe(Bytes::from(stored))),
        FORMAT_PACKED_RECIPE => Ok(StoredBody::Recipe(Bytes::from(body::unpack(&stored)?))),
        _ => Err(StoreError::Corrupt(body::CorruptRecipe(
            "unknown body format",
        ))),
    }
}

/// The raw bytes of a stored body: as stored, or rebuilt from its recipe
/// and pieces.
fn rebuilt(
    conn: &Connection,
    body: StoredBody,
    cache: &mut PieceCache,
) -> Result<Bytes, StoreError> {
    let recipe = match body {
        StoredBody::Whole(bytes) => return Ok(bytes),
        StoredBody::Recipe(recipe) => recipe,
    };
    let mut piece = conn.prepare_cached("SELECT data FROM pieces WHERE hash = ?1")?;
    body::assemble::<StoreError>(&recipe, |hash, out| {
        if let Some(bytes) = cache.get(hash) {
            out.extend_from_slice(bytes);
            return Ok(true);
        }
        let mut rows = piece.query([&hash.0[..]])?;
        match rows.next()? {
            Some(row) => {
                let bytes = row.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?;
                out.extend_from_slice(bytes);
                cache.insert(*hash, bytes.to_vec());
                Ok(true)
            }
            None => Ok(false),
        }
    })
    .map(Bytes::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(key: &str) -> NewEvent {
        NewEvent {
            received_at: 1,
            call_id: Some("c1".to_owned()),
            message_type: "status-update".to_owned(),
            timestamp: Some(2),
            key: key.to_owned(),
            body: bytes::Bytes::from_static(b"{\"message\":{}}"),
            headers: "{}".to_owned(),
            split: None,
        }
    }

    #[test]
    fn a_call_filter_reads_the_calls_index_not_the_whole_log() {
        let dir = tempfile::tempdir().expect("tempdir");
        let conn = open_writer(&dir.path().join("t.db"), Durability::Normal).expect("open");
        let filters = [
            (
                None,
                None,
                "USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)",
            ),
            (
                Some("c"),
                None,
                "USING INDEX events_by_call (call_id=? AND seq>? AND seq<?)",
            ),
            (
                None,
                Some("t"),
                "USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)",
            ),
            (
                Some("c"),
                Some("t"),
                "USING INDEX events_by_call (call_id=? AND seq>? AND seq<?)",
            ),
        ];
        for (call_id, message_type, expected) in filters {
            let filter = EventFilter {
                call_id: call_id.map(str::to_owned),
                message_type: message_type.map(str::to_owned),
                ..EventFilter::default()
            };
            let mut plan = conn
                .prepare(&format!("EXPLAIN QUERY PLAN {}", events_query(&filter)))
                .expect("prepare");
            let detail: Vec<String> = plan
                .query_map(
                    rusqlite::named_params! {":after": 0, ":up_to": 9, ":limit": 10, ":call_id": "c", ":type": "t"}
                        .iter()
                        .filter(|(name, _)| events_query(&filter).contains(name))
                        .copied()
                        .collect::<Vec<_>>()
                        .as_slice(),
                    |row| row.get(3),
                )
                .expect("plan")
                .collect::<Result<_, _>>()
                .expect("rows");
            let plan = detail.join("; ");
            assert!(plan.contains(expected), "{filter:?}: {plan}");
            assert!(!plan.contains("USE TEMP B-TREE"), "{filter:?}: {plan}");
        }
    }

    #[test]
    fn migrating_twice_is_a_no_op_and_a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.db");
        drop(open_writer(&path, Durability::Normal).expect("first open"));
        let conn = open_writer(&path, Durability::Normal).expect("second open");
        conn.pragma_update(None, "user_version", 99).expect("bump");
        drop(conn);
        assert!(matches!(
            open_writer(&path, Durability::Normal),
            Err(StoreError::SchemaTooNew { found: 99, .. })
        ));
    }

    #[test]
    fn rows_written_before_content_addressing_still_read_back_byte_identical() {
        // Arrange: a database at schema version 1 with a raw row in it.
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.db");
        let old = Connection::open(&path).expect("open");
        old.execute_batch(MIGRATIONS[0]).expect("schema 1");
        old.pragma_update(None, "user_version", 1).expect("version");
        old.execute(
            "INSERT INTO events (received_at, call_id, type, timestamp, key, body, headers)
             VALUES (1, 'c', 'status-update', 2, 'k', ?1, '{}')",
            [&b"{\"message\":{\"type\":\"status-update\"}}"[..]],
        )
        .expect("old row");
        drop(old);

        // Act: migrate, and store a cut body beside it.
        let conn = open_writer(&path, Durability::Full).expect("migrates");
        let body = calltap_protocol::fixtures::sample_deliveries()
            .pop()
            .expect("a corpus body");
        let mut new = event("k2");
        new.body = bytes::Bytes::from(body.clone());
        new.split = body::split(&body, &body::KnownPieces::default());
        assert!(new.split.is_some());
        append_event(&conn, &new, &mut NewPieces::default()).expect("append");

        // Assert
        let reader = Reader::open(&path).expect("reader");
        assert_eq!(
            reader.event_body(1).expect("read").as_deref(),
            Some(&b"{\"message\":{\"type\":\"status-update\"}}"[..])
        );
        assert_eq!(reader.event_body(2).expect("read"), Some(body.clone()));
        let page = reader
            .events(&EventFilter {
                limit: 10,
                ..EventFilter::default()
            })
            .expect("page");
        assert_eq!(page[1].body, body);
    }

    /// A fresh database, its write connection, and a corpus body to store.
    fn db_and_corpus_body() -> (tempfile::TempDir, std::path::PathBuf, Connection, Vec<u8>) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.db");
        let conn = open_writer(&path, Durability::Normal).expect("open");
        let body = calltap_protocol::fixtures::sample_deliveries()
            .pop()
            .expect("a corpus body");
        (dir, path, conn, body)
    }

    #[test]
    fn whole_recipe_and_packed_rows_read_back_byte_identical_and_a_bad_pack_is_corrupt() {
        let (_dir, path, conn, body) = db_and_corpus_body();
        let cut = body::split(&body, &body::KnownPieces::default()).expect("cut");
        assert!(cut.packed.is_some());
        let unpacked = body::Split {
            packed: None,
            ..cut.clone()
        };
        for (key, split) in [
            ("whole", None),
            ("recipe", Some(unpacked)),
            ("packed", Some(cut)),
        ] {
            let mut new = event(key);
            new.body = bytes::Bytes::from(body.clone());
            new.split = split;
            append_event(&conn, &new, &mut NewPieces::default()).expect("append");
        }
        let formats: Vec<i64> = conn
            .prepare("SELECT format FROM events ORDER BY seq")
            .and_then(|mut s| s.query_map([], |row| row.get(0))?.collect())
            .expect("formats");
        assert_eq!(formats, [FORMAT_RAW, FORMAT_RECIPE, FORMAT_PACKED_RECIPE]);

        let reader = Reader::open(&path).expect("reader");
        for seq in 1..=3 {
            assert_eq!(
                reader.event_body(seq).expect("read"),
                Some(body.clone()),
                "{seq}"
            );
        }
        conn.execute(
            "UPDATE events SET body = substr(body, 1, 40) WHERE seq = 3",
            [],
        )
        .expect("cut the packed row short");
        assert!(matches!(reader.event_body(3), Err(StoreError::Corrupt(_))));
    }

    #[test]
    fn a_recipe_naming_a_missing_piece_is_reported_corrupt() {
        let (_dir, path, conn, body) = db_and_corpus_body();
        let mut new = event("k");
        new.body = bytes::Bytes::from(body.clone());
        new.split = body::split(&body, &body::KnownPieces::default());
        append_event(&conn, &new, &mut NewPieces::default()).expect("append");
        conn.execute("DELETE FROM pieces WHERE id = 1", [])
            .expect("lose a piece");

        let reader = Reader::open(&path).expect("reader");
        assert!(matches!(reader.event_body(1), Err(StoreError::Corrupt(_))));
    }

    #[test]
    fn a_page_ends_at_up_to() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.db");
        let conn = open_writer(&path, Durability::Normal).expect("open");
        for key in ["a", "b", "c", "d"] {
            let mut new = event(key);
            new.call_id = Some("c".to_owned());
            append_event(&conn, &new, &mut NewPieces::default()).expect("append");
        }
        let reader = Reader::open(&path).expect("reader");
        for call_id in [None, Some("c".to_owned())] {
            let page = reader
                .stored_events(&EventFilter {
                    call_id,
                    after: Some(1),
                    up_to: Some(3),
                    limit: 10,
                    ..EventFilter::default()
                })
                .expect("page");
            let seqs: Vec<i64> = page.iter().map(|e| e.seq).collect();
            assert_eq!(seqs, [2, 3]);
        }
    }

    #[test]
    fn the_same_key_is_stored_once_and_reads_back_byte_identical() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.db");
        let conn = open_writer(&path, Durability::Full).expect("open");
        assert_eq!(
            append_event(&conn, &event("k"), &mut NewPieces::default()).expect("append"),
            Appended::Stored(1)
        );
        assert_eq!(
            append_event(&conn, &event("k"), &mut NewPieces::default()).expect("append"),
            Appended::Duplicate(1)
        );
        assert_eq!(
            append_event(&conn, &event("k2"), &mut NewPieces::default()).expect("append"),
            Appended::Stored(2)
        );
        let reader = Reader::open(&path).expect("reader");
        assert_eq!(reader.count_events().expect("count"), 2);
        assert_eq!(
            reader.event_body(1).expect("read").as_deref(),
            Some(&b"{\"message\":{}}"[..])
        );
        let page = reader
            .events(&EventFilter {
                after: Some(1),
                limit: 10,
                ..EventFilter::default()
            })
            .expect("page");
        assert_eq!(page.len(), 1);
        assert_eq!(page[0].seq, 2);
    }
}
