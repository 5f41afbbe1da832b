//! The log in SQLite: appending a batch with dedup (the writer's
//! connection, [`SqliteLog`]), and reading pages and bodies back
//! ([`LogRead`] and [`PieceRead`] for [`SqliteReader`]).
//!
//! Bodies: `events.format` says how `events.body` holds the delivery: 0, the
//! raw bytes; 1, a recipe ([`body`]) naming content-addressed rows of
//! `pieces`; 2, such a recipe packed with LZ4 ([`body::pack`]); 3, such a
//! recipe written against the recipe of an earlier delivery of the same
//! call ([`body::encode_delta`]), which may itself be one. Reads rebuild the
//! exact bytes either way, so callers only ever see raw bodies.

use std::borrow::Cow;
use std::collections::HashMap;

use bytes::Bytes;
use rusqlite::{params, CachedStatement, Connection, OptionalExtension, TransactionBehavior};

use super::checkpointer::WalGrowth;
use super::connection::SqliteReader;
use super::schema::call_events_up_to;
use super::turns::WriteTurns;
use super::{forward, quarantine};
use crate::ids::{DedupKey, Seq};
use crate::store::backend::{LogAppend, LogRead, NewPieces, PieceRead};
use crate::store::body::{self, Latest, LatestRecipes, PieceHash, RecentRecipes, SimilarPieces};
use crate::store::{
    Event, EventFilter, Job, NewEvent, Outcome, StoreError, StoredBody, StoredEvent,
};

/// The log's write connection: the one the group-commit writer appends
/// through.
pub struct SqliteLog {
    conn: Connection,
    /// Taken around each batch, shared with the projections' connection.
    turns: WriteTurns,
    /// Told of every commit, so that it copies the WAL back off this thread.
    checkpointer: Option<WalGrowth>,
    /// What new recipes and pieces are written against.
    memo: Memo,
}

/// What the log's writer remembers across batches to write new bytes
/// against: each call's latest recipe, and a whole piece per kind.
#[derive(Debug)]
struct Memo {
    recipes: LatestRecipes,
    pieces: SimilarPieces,
    /// Keys [`body::piece_kind`] and [`body::broad_piece_kind`].
    seed: foldhash::fast::RandomState,
}

impl Default for Memo {
    fn default() -> Memo {
        Memo::within(body::MemoBytes::default())
    }
}

impl Memo {
    fn within(bytes: body::MemoBytes) -> Memo {
        Memo {
            recipes: LatestRecipes::within(bytes.latest_recipes),
            pieces: SimilarPieces::within(bytes.similar_pieces),
            seed: foldhash::fast::RandomState::default(),
        }
    }

    fn commit(&mut self) {
        self.recipes.commit();
        self.pieces.commit();
    }

    fn rollback(&mut self) {
        self.recipes.rollback();
        self.pieces.rollback();
    }
}

impl std::fmt::Debug for SqliteLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteLog")
    }
}

impl SqliteLog {
    /// The log over a write connection (see
    /// [`open_writer`](super::connection::open_writer)), taking `turns`
    /// around each batch and telling `checkpointer` of each commit; its
    /// memos of what to write new bytes against are bounded by `memos`.
    pub fn new(
        conn: Connection,
        turns: WriteTurns,
        checkpointer: Option<WalGrowth>,
        memos: body::MemoBytes,
    ) -> SqliteLog {
        SqliteLog {
            conn,
            turns,
            checkpointer,
            memo: Memo::within(memos),
        }
    }
}

impl LogAppend for SqliteLog {
    fn append_batch(
        &mut self,
        jobs: &[&Job],
        inserted: &mut NewPieces,
    ) -> Result<Vec<Outcome>, StoreError> {
        let turn = self.turns.take();
        let memo = &mut self.memo;
        let conn = &mut self.conn;
        let committed = (|| {
            // IMMEDIATE takes the write lock up front, so a lock conflict
            // fails here (after the busy timeout) instead of half-way through.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut outcomes = Vec::with_capacity(jobs.len());
            {
                let mut statements = EventStatements::prepare(&tx)?;
                for job in jobs {
                    outcomes.push(match job {
                        Job::Event(event) => {
                            append_event_with(&tx, &mut statements, event, inserted, memo)?
                        }
                        Job::Quarantine(row) => Outcome::Quarantined(quarantine::append(&tx, row)?),
                        Job::Answer(answer) => {
                            Outcome::Answered(forward::append_answer(&tx, answer)?)
                        }
                    });
                }
            }
            tx.commit()?;
            Ok(outcomes)
        })();
        drop(turn);
        let outcomes = match committed {
            Ok(outcomes) => {
                memo.commit();
                outcomes
            }
            Err(err) => {
                memo.rollback();
                return Err(err);
            }
        };
        if let Some(checkpointer) = &self.checkpointer {
            checkpointer.committed();
        }
        Ok(outcomes)
    }

    fn last_seq(&mut self) -> Result<Seq, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT coalesce(max(seq), 0) FROM events", [], |row| {
                row.get(0)
            })?)
    }
}

/// `events.format` of a raw body.
const FORMAT_RAW: i64 = 0;
/// `events.format` of a recipe over `pieces`.
const FORMAT_RECIPE: i64 = 1;
/// `events.format` of a recipe packed with LZ4 ([`body::pack`]).
const FORMAT_PACKED_RECIPE: i64 = 2;
/// `events.format` of a recipe written against an earlier one of the same
/// call ([`body::encode_delta`]).
const FORMAT_DELTA: i64 = 3;

/// The statements [`append_event`] runs for every delivery, taken from the
/// connection's cache once per batch rather than once per delivery (a
/// lookup hashes the SQL text: about 6k instructions a delivery).
struct EventStatements<'c> {
    /// The stored event with a key.
    existing: CachedStatement<'c>,
    /// A piece, unless stored.
    piece: CachedStatement<'c>,
    /// The event.
    insert: CachedStatement<'c>,
}

impl<'c> EventStatements<'c> {
    fn prepare(conn: &'c Connection) -> Result<EventStatements<'c>, StoreError> {
        Ok(EventStatements {
            existing: conn.prepare_cached("SELECT seq, body, format FROM events WHERE key = ?1")?,
            piece: conn.prepare_cached(
                "INSERT OR IGNORE INTO pieces (hash, data, base) VALUES (?1, ?2, ?3)",
            )?,
            insert: conn.prepare_cached(
                "INSERT OR IGNORE INTO events
                 (received_at, call_id, type, timestamp, key, body, headers, format, conflicts_with)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?,
        })
    }
}

/// Appends a delivery through the batch's `statements`, unless its key is
/// already stored; its pieces not marked known are inserted unless stored
/// (`INSERT OR IGNORE`), and `inserted` collects them (the caller marks
/// them known once the transaction has committed). Run inside the writer's
/// batch transaction: the writer is the only one appending, so the
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
///
/// A message-id key promises nothing about the bytes, so a stored event
/// with the same one is a duplicate only when its body rebuilds to the
/// same bytes; otherwise the delivery is stored under its body's hash and
/// flagged ([`Outcome::StoredConflicting`]). A body-hash key needs no such
/// check.
///
/// A recipe is written against its call's latest recipe in `memo` (a
/// delta, format 3) when that is at most half the recipe (then the recipe
/// is not packed at all) or shorter than the recipe packed or not,
/// and staged there as the call's latest; a new piece, against the whole
/// piece of its kind there (`pieces.base`), or else of its broad kind,
/// when that halves it, else it is stored whole and staged as the one of
/// both its kinds (the caller commits or rolls back `memo` with the
/// transaction).
fn append_event_with(
    conn: &Connection,
    statements: &mut EventStatements<'_>,
    event: &NewEvent,
    inserted: &mut NewPieces,
    memo: &mut Memo,
) -> Result<Outcome, StoreError> {
    let found: Option<(Seq, Vec<u8>, i64)> = statements
        .existing
        .query_row([&event.key], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .optional()?;
    let mut conflict = None;
    if let Some((seq, stored, format)) = found {
        let mut recent = RecentRecipes::default();
        if !event.key.is_message_id()
            || rebuilt(
                conn,
                stored_body(conn, seq, stored, format, &mut recent)?,
                &mut PieceCache::new(),
            )? == event.body
        {
            return Ok(Outcome::Duplicate(seq));
        }
        let key = DedupKey::body_hash(&event.body);
        let mut by_body = conn.prepare_cached("SELECT seq FROM events WHERE key = ?1")?;
        if let Some(again) = by_body.query_row([&key], |row| row.get(0)).optional()? {
            return Ok(Outcome::Duplicate(again));
        }
        conflict = Some((seq, key));
    }
    let mut depth = 0;
    let (format, stored): (i64, Cow<'_, [u8]>) = match &event.split {
        Some(split) => {
            let piece = &mut statements.piece;
            for p in split.pieces.iter().filter(|p| !p.known) {
                // A piece repeated within the batch is inserted once.
                if !inserted.first_in_batch(p.hash) {
                    continue;
                }
                let data = event
                    .body
                    .get(p.range.clone())
                    .ok_or(body::CorruptRecipe("a piece lies outside its body"))?;
                let kind = body::piece_kind(&memo.seed, data);
                let broad = body::broad_piece_kind(&memo.seed, data);
                let similar = [Some(kind), broad].into_iter().flatten().find_map(|kind| {
                    let base = memo.pieces.get(&kind)?;
                    let delta = body::encode_delta(base.seq as u64, &base.recipe, data);
                    (delta.len() * 2 <= data.len()).then_some((base.seq, delta))
                });
                let stored = match &similar {
                    Some((base, delta)) => piece.execute(params![&p.hash.0[..], delta, base])?,
                    None => piece.execute(params![&p.hash.0[..], data, None::<i64>])?,
                };
                if stored == 1 && similar.is_none() {
                    let whole = Latest {
                        seq: conn.last_insert_rowid(),
                        // A copy: a slice would keep the whole body alive.
                        recipe: Bytes::copy_from_slice(data),
                        depth: 0,
                    };
                    if let Some(broad) = broad {
                        memo.pieces.stage(broad, whole.clone());
                    }
                    memo.pieces.stage(kind, whole);
                }
                inserted.push(p.key, p.hash, event.body.slice(p.range.clone()));
            }
            let base = event
                .call_id
                .as_ref()
                .and_then(|call| memo.recipes.get(call))
                .filter(|base| base.depth < body::MAX_DEPTH);
            let delta = base.map(|base| {
                (
                    base.depth + 1,
                    body::encode_delta(base.seq as u64, &base.recipe, &split.recipe),
                )
            });
            match delta {
                // Packing rarely gets a recipe below half its length, so a
                // delta that does is taken without packing the recipe at all.
                Some((delta_depth, delta)) if delta.len() * 2 <= split.recipe.len() => {
                    depth = delta_depth;
                    (FORMAT_DELTA, Cow::Owned(delta))
                }
                delta => {
                    let whole = match body::pack(&split.recipe) {
                        Some(packed) => (FORMAT_PACKED_RECIPE, Cow::Owned(packed)),
                        None => (FORMAT_RECIPE, Cow::Borrowed(&split.recipe[..])),
                    };
                    match delta {
                        Some((delta_depth, delta)) if delta.len() < whole.1.len() => {
                            depth = delta_depth;
                            (FORMAT_DELTA, Cow::Owned(delta))
                        }
                        _ => whole,
                    }
                }
            }
        }
        None => (FORMAT_RAW, Cow::Borrowed(&event.body[..])),
    };
    let inserted = statements.insert.execute(params![
        event.received_at,
        event.call_id,
        event.message_type,
        event.timestamp,
        conflict.as_ref().map_or(&event.key, |(_, key)| key),
        &stored[..],
        event.headers,
        format,
        conflict.as_ref().map(|(first, _)| *first),
    ])?;
    if inserted != 1 {
        // The key was looked up above and nothing else constrains a row.
        return Err(StoreError::Backend(
            rusqlite::Error::StatementChangedRows(inserted).into(),
        ));
    }
    let seq = Seq::new(conn.last_insert_rowid());
    if let (Some(split), Some(call)) = (&event.split, &event.call_id) {
        memo.recipes.stage(
            call.clone(),
            Latest {
                seq: seq.get(),
                recipe: split.recipe.clone(),
                depth,
            },
        );
    }
    Ok(match conflict {
        Some((first, key)) => Outcome::StoredConflicting { seq, first, key },
        None => Outcome::Stored(seq),
    })
}

/// [`append_event_with`] with statements of its own (for tests that append
/// one delivery alone).
#[cfg(test)]
fn append_event(
    conn: &Connection,
    event: &NewEvent,
    inserted: &mut NewPieces,
    memo: &mut Memo,
) -> Result<Outcome, StoreError> {
    append_event_with(
        conn,
        &mut EventStatements::prepare(conn)?,
        event,
        inserted,
        memo,
    )
}

impl LogRead for SqliteReader {
    /// Events matching the filter, by seq.
    fn events(&self, filter: &EventFilter) -> Result<Vec<Event>, StoreError> {
        let stored = self.stored_events(filter)?;
        self.with(|conn| {
            let mut cache = PieceCache::new();
            stored
                .into_iter()
                .map(|event| event.try_map_body(|body| rebuilt(conn, body, &mut cache)))
                .collect()
        })
    }

    /// Like [`LogRead::events`], with the bodies as stored, not rebuilt.
    fn stored_events(&self, filter: &EventFilter) -> Result<Vec<StoredEvent>, StoreError> {
        self.with(|conn| {
            let mut stmt = conn.prepare_cached(events_query(filter))?;
            let after = filter.after.unwrap_or(Seq::ZERO);
            let up_to = filter.up_to.unwrap_or(Seq::new(i64::MAX));
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
            let rows = stmt
                .query_map(&params[..], |row| {
                    let stored: Vec<u8> = row.get(6)?;
                    let format: i64 = row.get(7)?;
                    Ok((
                        StoredEvent {
                            seq: row.get(0)?,
                            received_at: row.get(1)?,
                            call_id: row.get(2)?,
                            message_type: row.get(3)?,
                            timestamp: row.get(4)?,
                            key: row.get(5)?,
                            conflicts_with: row.get(8)?,
                            body: StoredBody::Whole(Bytes::new()),
                        },
                        stored,
                        format,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let mut recent = self.recent_recipes();
            rows.into_iter()
                .map(|(mut event, stored, format)| {
                    event.body = stored_body(conn, event.seq, stored, format, &mut recent)?;
                    Ok(event)
                })
                .collect()
        })
    }

    /// The exact bytes of a stored body.
    fn rebuild(&self, body: StoredBody) -> Result<Bytes, StoreError> {
        self.with(|conn| rebuilt(conn, body, &mut PieceCache::new()))
    }

    /// The exact body stored at `seq`.
    fn event_body(&self, seq: Seq) -> Result<Option<Vec<u8>>, StoreError> {
        self.with(|conn| {
            let mut stmt = conn.prepare_cached("SELECT body, format FROM events WHERE seq = ?1")?;
            let row: Option<(Vec<u8>, i64)> = stmt
                .query_row([seq], |row| Ok((row.get(0)?, row.get(1)?)))
                .optional()?;
            row.map(|(stored, format)| {
                let body = stored_body(conn, seq, stored, format, &mut self.recent_recipes())?;
                Ok(rebuilt(conn, body, &mut PieceCache::new())?.to_vec())
            })
            .transpose()
        })
    }

    /// The request headers kept with the delivery at `seq`.
    fn event_headers(&self, seq: Seq) -> Result<Option<String>, StoreError> {
        self.with(|conn| {
            let mut stmt = conn.prepare_cached("SELECT headers FROM events WHERE seq = ?1")?;
            Ok(stmt.query_row([seq], |row| row.get(0)).optional()?)
        })
    }

    /// The seq of the newest event, [`Seq::ZERO`] for an empty log.
    fn last_seq(&self) -> Result<Seq, StoreError> {
        self.with(|conn| {
            Ok(conn.query_row("SELECT coalesce(max(seq), 0) FROM events", [], |r| r.get(0))?)
        })
    }

    /// The number of stored events (for tests and tools).
    fn count_events(&self) -> Result<i64, StoreError> {
        self.with(|conn| Ok(conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?))
    }

    fn calls_indexed_up_to(&self) -> Result<Seq, StoreError> {
        self.with(|conn| {
            Ok(conn.query_row(concat!("SELECT ", call_events_up_to!()), [], |r| r.get(0))?)
        })
    }
}

impl PieceRead for SqliteReader {
    /// The bytes of the piece named `hash`, if stored.
    fn piece(&self, hash: &PieceHash) -> Result<Option<Vec<u8>>, StoreError> {
        self.with(|conn| piece_bytes(conn, hash))
    }
}

/// The events of the call `:call_id` in `(:after, :up_to]`, at most
/// `:limit`, by seq, with `$filter` (on `events`' columns) besides: those
/// `call_events` indexes, then those after
/// [`call_events_up_to`](super::schema::call_events_up_to) by the log's
/// order. The two parts never overlap, so `UNION ALL` repeats none.
macro_rules! call_events_query {
    ($filter:literal) => {
        concat!(
            "SELECT c.seq AS seq, e.received_at, e.call_id, e.type, e.timestamp, e.key, e.body, e.format, e.conflicts_with
             FROM call_events c CROSS JOIN events e ON e.seq = c.seq
             WHERE c.call_id = :call_id AND c.seq > :after
               AND c.seq <= min(:up_to, ",
            call_events_up_to!(),
            ") ",
            $filter,
            " UNION ALL
             SELECT seq, received_at, call_id, type, timestamp, key, body, format, conflicts_with FROM events
             WHERE seq > max(:after, ",
            call_events_up_to!(),
            ") AND seq <= :up_to AND call_id = :call_id ",
            $filter,
            " ORDER BY seq LIMIT :limit"
        )
    };
}

/// The events query for the filters given. Only the given filters become
/// conditions, each combination its own statement naming its index: a
/// catch-all `(?2 IS NULL OR call_id = ?2)` hides the indexes from the
/// planner, which then walks the whole log by seq.
///
/// A call's deliveries are read in two parts that meet at
/// [`call_events_up_to`](super::schema::call_events_up_to): up to it from
/// `call_events`, the index the projector keeps (see the schema's
/// migration 10), and after it from the log itself, by seq (the few
/// deliveries the projector has not reached yet, or every one in a log no
/// projector has indexed).
fn events_query(filter: &EventFilter) -> &'static str {
    match (filter.call_id.is_some(), filter.message_type.is_some()) {
        (false, false) => {
            "SELECT seq, received_at, call_id, type, timestamp, key, body, format, conflicts_with FROM events
             WHERE seq > :after AND seq <= :up_to ORDER BY seq LIMIT :limit"
        }
        (true, false) => call_events_query!(""),
        (false, true) => {
            // No index by type (migration 3 dropped it): walk by seq.
            "SELECT seq, received_at, call_id, type, timestamp, key, body, format, conflicts_with FROM events
             WHERE seq > :after AND seq <= :up_to AND type = :type ORDER BY seq LIMIT :limit"
        }
        (true, true) => call_events_query!("AND type = :type"),
    }
}

/// Pieces already fetched while reading one page of events: the events of
/// a call repeat the same pieces (each `conversation-update` carries the
/// whole history), so each is read from the table once per page.
type PieceCache = HashMap<PieceHash, Vec<u8>>;

/// `events.body` of the event at `seq` as its `events.format` says it is
/// stored: the bytes, or the recipe (a delta's rebuilt over its base's, which
/// `recent` may hold).
fn stored_body(
    conn: &Connection,
    seq: Seq,
    stored: Vec<u8>,
    format: i64,
    recent: &mut RecentRecipes,
) -> Result<StoredBody, StoreError> {
    match format {
        FORMAT_RAW => Ok(StoredBody::Whole(Bytes::from(stored))),
        FORMAT_DELTA => Ok(StoredBody::Recipe(delta_recipe(conn, seq, stored, recent)?)),
        _ => Ok(StoredBody::Recipe(whole_recipe(stored, format)?)),
    }
}

/// The recipe of a row stored whole (format 1 or 2).
fn whole_recipe(stored: Vec<u8>, format: i64) -> Result<Bytes, StoreError> {
    match format {
        FORMAT_RECIPE => Ok(Bytes::from(stored)),
        FORMAT_PACKED_RECIPE => Ok(Bytes::from(body::unpack(&stored)?)),
        _ => Err(body::CorruptRecipe("unknown body format").into()),
    }
}

/// The recipe of the delta stored at `seq`: back along its bases to a
/// recipe stored whole or rebuilt lately, then each delta applied in turn.
/// `recent` keeps the last [`RecentRecipes::CHAIN_KEPT`] of them (the
/// call's next delivery applies one delta; its previous ones none).
fn delta_recipe(
    conn: &Connection,
    seq: Seq,
    delta: Vec<u8>,
    recent: &mut RecentRecipes,
) -> Result<Bytes, StoreError> {
    if let Some(recipe) = recent.get(seq.get()) {
        return Ok(recipe);
    }
    let mut base_row = conn.prepare_cached("SELECT body, format FROM events WHERE seq = ?1")?;
    let mut chain = vec![(seq.get(), delta)];
    let mut recipe = loop {
        let (at, delta) = chain
            .last()
            .ok_or(body::CorruptRecipe("an empty delta chain"))?;
        let base = i64::try_from(body::delta_base(delta)?)
            .ok()
            .filter(|base| (1..*at).contains(base))
            .ok_or(body::CorruptRecipe(
                "a delta's base is not an earlier event",
            ))?;
        if chain.len() > body::MAX_DEPTH as usize {
            return Err(body::CorruptRecipe("a chain of deltas is too deep").into());
        }
        if let Some(recipe) = recent.get(base) {
            break recipe;
        }
        let (stored, format): (Vec<u8>, i64) = base_row
            .query_row([base], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?
            .ok_or(body::CorruptRecipe("a delta's base is missing"))?;
        if format == FORMAT_DELTA {
            chain.push((base, stored));
        } else {
            let recipe = whole_recipe(stored, format)
                .map_err(|_| body::CorruptRecipe("a delta's base holds no recipe"))?;
            recent.insert(base, recipe.clone());
            break recipe;
        }
    };
    while let Some((at, delta)) = chain.pop() {
        recipe = Bytes::from(body::apply_delta(&recipe, &delta)?);
        if chain.len() < RecentRecipes::CHAIN_KEPT {
            recent.insert(at, recipe.clone());
        }
    }
    Ok(recipe)
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
    body::assemble::<StoreError>(&recipe, |hash, out| {
        if let Some(bytes) = cache.get(hash) {
            out.extend_from_slice(bytes);
            return Ok(true);
        }
        match piece_bytes(conn, hash)? {
            Some(bytes) => {
                out.extend_from_slice(&bytes);
                cache.insert(*hash, bytes);
                Ok(true)
            }
            None => Ok(false),
        }
    })
    .map(Bytes::from)
}

/// The bytes of the piece named `hash`, if stored: as stored, or rebuilt
/// over its base (`pieces.base`, a piece stored whole).
fn piece_bytes(conn: &Connection, hash: &PieceHash) -> Result<Option<Vec<u8>>, StoreError> {
    let mut by_hash = conn.prepare_cached("SELECT data, base FROM pieces WHERE hash = ?1")?;
    let row: Option<(Vec<u8>, Option<i64>)> = by_hash
        .query_row([&hash.0[..]], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    let Some((data, base)) = row else {
        return Ok(None);
    };
    let Some(base) = base else {
        return Ok(Some(data));
    };
    let mut by_id = conn.prepare_cached("SELECT data, base FROM pieces WHERE id = ?1")?;
    let (whole, nested): (Vec<u8>, Option<i64>) = by_id
        .query_row([base], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?
        .ok_or(body::CorruptRecipe("a piece's base is missing"))?;
    if nested.is_some() {
        return Err(body::CorruptRecipe("a piece's base is itself written against another").into());
    }
    Ok(Some(body::apply_delta(&whole, &data)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::CallId;
    use crate::store::backend::NewPieces;
    use crate::store::sqlite::connection::open_writer;
    use crate::store::sqlite::schema::MIGRATIONS;
    use crate::store::Durability;

    fn event(key: &str) -> NewEvent {
        NewEvent {
            received_at: 1,
            call_id: Some("c1".into()),
            message_type: "status-update".to_owned(),
            timestamp: Some(2),
            key: crate::ids::DedupKey::stored(key),
            body: bytes::Bytes::from_static(b"{\"message\":{}}"),
            headers: "{}".to_owned(),
            split: None,
        }
    }

    #[test]
    fn a_call_filter_reads_the_call_index_and_the_log_only_after_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let conn = open_writer(&dir.path().join("t.db"), Durability::Normal).expect("open");
        let by_seq = "SEARCH events USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)";
        // The indexed part by the call's key, then the rest by seq (both
        // in order, merged: no sort), never a walk of the whole log.
        let by_call: &[&str] = &[
            "MERGE (UNION ALL)",
            "LEFT; SEARCH c USING PRIMARY KEY (call_id=? AND seq>? AND seq<?)",
            "RIGHT; SEARCH events USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)",
        ];
        let filters: [(Option<&str>, Option<&str>, &[&str]); 4] = [
            (None, None, &[by_seq]),
            (Some("c"), None, by_call),
            (None, Some("t"), &[by_seq]),
            (Some("c"), Some("t"), by_call),
        ];
        for (call_id, message_type, expected) in filters {
            let filter = EventFilter {
                call_id: call_id.map(CallId::new),
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
            for part in expected {
                assert!(plan.contains(part), "{filter:?}: {plan}");
            }
            assert!(!plan.contains("USE TEMP B-TREE"), "{filter:?}: {plan}");
        }
    }

    #[test]
    fn a_message_id_is_a_duplicate_only_with_the_same_bytes_even_cut_into_pieces() {
        // Arrange: two corpus bodies, each cut into pieces, sent with one id.
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.db");
        let conn = open_writer(&path, Durability::Normal).expect("open");
        let mut corpus = calltap_protocol::fixtures::sample_deliveries();
        let with_id = |body: Vec<u8>| {
            let mut new = event("id:msg_1");
            new.split = body::split(&body, &body::KnownPieces::default());
            new.body = bytes::Bytes::from(body);
            new
        };
        let (a, b) = (
            with_id(corpus.pop().expect("a body")),
            with_id(corpus.pop().expect("another body")),
        );
        assert!(a.split.is_some() && b.split.is_some());
        let append = |e: &NewEvent| {
            append_event(&conn, e, &mut NewPieces::default(), &mut Memo::default()).expect("append")
        };

        // Act
        let first = append(&a);
        let redelivered = append(&a);
        let other = append(&b);
        let other_again = append(&b);

        // Assert
        let hash_key = DedupKey::body_hash(&b.body);
        assert_eq!(first, Outcome::Stored(Seq::new(1)));
        assert_eq!(redelivered, Outcome::Duplicate(Seq::new(1)));
        assert_eq!(
            other,
            Outcome::StoredConflicting {
                seq: Seq::new(2),
                first: Seq::new(1),
                key: hash_key.clone(),
            }
        );
        assert_eq!(other_again, Outcome::Duplicate(Seq::new(2)));
        let reader = SqliteReader::open(&path).expect("reader");
        let events = reader
            .events(&EventFilter {
                limit: 10,
                ..EventFilter::default()
            })
            .expect("read");
        assert_eq!(events.len(), 2);
        assert_eq!(
            (events[0].conflicts_with, events[1].conflicts_with),
            (None, Some(Seq::new(1)))
        );
        assert_eq!(events[1].key, hash_key);
        assert_eq!(events[1].body, b.body, "stored byte-identical");
    }

    /// A stored delivery's seq, call and type.
    type Delivery = (Seq, Option<CallId>, String);

    /// 13 deliveries: calls c0, c1 and c2 in turn, every third a
    /// `speech-update`, the seventh naming no call; an answer to each of
    /// c1's. Returns the store and, per seq, its call and type.
    fn calls_in_turn() -> (
        tempfile::TempDir,
        crate::store::sqlite::Sqlite,
        Vec<Delivery>,
    ) {
        use crate::store::backend::LogAppend;
        use crate::store::{AnswerRecord, Job};
        let dir = tempfile::tempdir().expect("tempdir");
        let sqlite =
            crate::store::sqlite::Sqlite::open(&dir.path().join("t.db"), Durability::Normal)
                .expect("open");
        let mut log = sqlite.log().expect("log");
        let mut stored = Vec::new();
        for i in 1..=13_i64 {
            let mut new = event(&format!("k{i}"));
            new.call_id = (i != 7).then(|| CallId::new(&format!("c{}", i % 3)));
            if i % 3 == 0 {
                new.message_type = "speech-update".to_owned();
            }
            let outcomes = log
                .append_batch(&[&Job::Event(new.clone())], &mut NewPieces::default())
                .expect("append");
            let seq = outcomes[0].stored_seq().expect("stored");
            stored.push((seq, new.call_id.clone(), new.message_type.clone()));
        }
        for (seq, call, _) in &stored {
            if call.as_ref().is_some_and(|c| c.as_str() == "c1") {
                let answer = Job::Answer(AnswerRecord {
                    seq: *seq,
                    answered_at: 1,
                    outcome: "app".to_owned(),
                    status: 200,
                    latency_ms: 1,
                    headers: "{}".to_owned(),
                    body: bytes::Bytes::from_static(b"{}"),
                    error: None,
                });
                log.append_batch(&[&answer], &mut NewPieces::default())
                    .expect("answer");
            }
        }
        (dir, sqlite, stored)
    }

    #[test]
    fn a_call_s_deliveries_read_the_same_wherever_the_call_index_ends() {
        use crate::store::backend::{AnswerRead, ProjectionWrite};
        let (_dir, sqlite, stored) = calls_in_turn();
        let reader = sqlite.reader().expect("reader");
        let mut projections = sqlite.projections().expect("projections");
        let named: Vec<(CallId, Seq)> = stored
            .iter()
            .filter_map(|(seq, call, _)| Some((call.clone()?, *seq)))
            .collect();
        let read =
            |call: &str, after: i64, up_to: i64, limit: u32, kind: Option<&str>| -> Vec<i64> {
                reader
                    .events(&EventFilter {
                        call_id: Some(CallId::new(call)),
                        message_type: kind.map(str::to_owned),
                        after: Some(Seq::new(after)),
                        up_to: Some(Seq::new(up_to)),
                        limit,
                    })
                    .expect("read")
                    .iter()
                    .map(|e| e.seq.get())
                    .collect()
            };
        let expected =
            |call: &str, after: i64, up_to: i64, limit: u32, kind: Option<&str>| -> Vec<i64> {
                stored
                    .iter()
                    .filter(|(seq, c, t)| {
                        c.as_ref().is_some_and(|c| c.as_str() == call)
                            && seq.get() > after
                            && seq.get() <= up_to
                            && kind.is_none_or(|k| k == t)
                    })
                    .map(|(seq, _, _)| seq.get())
                    .take(limit as usize)
                    .collect()
            };

        let answered = |after: i64, up_to: i64| -> Vec<i64> {
            reader
                .answers_of_call(&CallId::new("c1"), Seq::new(after)..=Seq::new(up_to))
                .expect("answers")
                .iter()
                .map(|a| a.seq.get())
                .collect()
        };
        let check = |end: &str| {
            for call in ["c0", "c1", "c2", "c9"] {
                for (after, up_to, limit) in [(0, 13, 100), (0, 13, 2), (4, 11, 100), (7, 8, 100)] {
                    for kind in [None, Some("speech-update")] {
                        assert_eq!(
                            read(call, after, up_to, limit, kind),
                            expected(call, after, up_to, limit, kind),
                            "{call} in ({after}, {up_to}], at most {limit}, {kind:?}, {end}"
                        );
                    }
                }
            }
            assert_eq!(answered(0, 13), expected("c1", 0, 13, 100, None), "{end}");
            assert_eq!(answered(5, 10), expected("c1", 4, 10, 100, None), "{end}");
        };
        let index_state = || -> (i64, i64) {
            let rows = reader
                .with(|conn| {
                    Ok(conn.query_row("SELECT count(*) FROM call_events", [], |row| row.get(0))?)
                })
                .expect("index rows");
            (reader.calls_indexed_up_to().expect("up to").get(), rows)
        };

        // The index ends before the first delivery (none indexed), in the
        // middle of the log (just after the seventh, which names no call),
        // and at its end.
        check("nothing indexed");
        let mut from = 0;
        for up_to in [7_i64, 8, 13] {
            let step: Vec<(CallId, Seq)> = named
                .iter()
                .filter(|(_, seq)| seq.get() > from && seq.get() <= up_to)
                .cloned()
                .collect();
            projections
                .write_batch(&[], &step, Seq::new(up_to))
                .expect("index");
            from = up_to;
            assert_eq!(index_state().0, up_to);
            check(&format!("indexed up to {up_to}"));
        }

        // A rebuild empties the projections and starts again from the
        // beginning: the index neither moves back nor takes a row twice.
        projections.reset(1).expect("reset");
        projections
            .write_batch(&[], &named[..2], Seq::new(2))
            .expect("a rebuild's first step");
        assert_eq!(index_state(), (13, 12));
        check("during a rebuild");
    }

    #[test]
    fn a_missing_index_checkpoint_is_written_again_by_the_next_step() {
        use crate::store::backend::ProjectionWrite;
        let (dir, sqlite, stored) = calls_in_turn();
        Connection::open(dir.path().join("t.db"))
            .expect("open")
            .execute(
                "DELETE FROM projection_checkpoint WHERE name = 'call_events'",
                [],
            )
            .expect("lose the row");
        let reader = sqlite.reader().expect("reader");
        assert_eq!(reader.calls_indexed_up_to().expect("up to"), Seq::ZERO);

        let step: Vec<(CallId, Seq)> = stored
            .iter()
            .filter_map(|(seq, call, _)| Some((call.clone()?, *seq)))
            .collect();
        sqlite
            .projections()
            .expect("projections")
            .write_batch(&[], &step, Seq::new(13))
            .expect("a step");

        assert_eq!(reader.calls_indexed_up_to().expect("up to"), Seq::new(13));
    }

    #[test]
    fn migration_10_indexes_every_stored_delivery_of_a_call_and_drops_the_writer_s_index() {
        // Arrange: a database at schema version 9 with three deliveries,
        // two of call c and one naming no call.
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.db");
        let mut old = Connection::open(&path).expect("open");
        let tx = old.transaction().expect("tx");
        for sql in &MIGRATIONS[..9] {
            tx.execute_batch(sql).expect("an older schema");
        }
        tx.pragma_update(None, "user_version", 9).expect("version");
        tx.commit().expect("commit");
        for (key, call) in [("k1", Some("c")), ("k2", None), ("k3", Some("c"))] {
            old.execute(
                "INSERT INTO events (received_at, call_id, type, timestamp, key, body, headers)
                 VALUES (1, ?1, 'status-update', 2, ?2, x'7b7d', '{}')",
                params![call, key],
            )
            .expect("old row");
        }
        drop(old);

        // Act
        drop(open_writer(&path, Durability::Normal).expect("migrates"));

        // Assert
        let conn = Connection::open(&path).expect("open");
        let indexed: Vec<(String, i64)> = conn
            .prepare("SELECT call_id, seq FROM call_events ORDER BY call_id, seq")
            .expect("prepare")
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(indexed, [("c".to_owned(), 1), ("c".to_owned(), 3)]);
        let up_to: i64 = conn
            .query_row(concat!("SELECT ", call_events_up_to!()), [], |row| {
                row.get(0)
            })
            .expect("checkpoint");
        assert_eq!(up_to, 3);
        let writer_index: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name = 'events_by_call'",
                [],
                |row| row.get(0),
            )
            .expect("schema");
        assert_eq!(writer_index, 0, "appends no longer pay for events_by_call");
        let reader = SqliteReader::open(&path).expect("reader");
        let read: Vec<i64> = reader
            .events(&EventFilter {
                call_id: Some(CallId::new("c")),
                limit: 10,
                ..EventFilter::default()
            })
            .expect("read")
            .iter()
            .map(|e| e.seq.get())
            .collect();
        assert_eq!(read, [1, 3]);
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
        append_event(&conn, &new, &mut NewPieces::default(), &mut Memo::default()).expect("append");

        // Assert
        let reader = SqliteReader::open(&path).expect("reader");
        assert_eq!(
            reader.event_body(Seq::new(1)).expect("read").as_deref(),
            Some(&b"{\"message\":{\"type\":\"status-update\"}}"[..])
        );
        assert_eq!(
            reader.event_body(Seq::new(2)).expect("read"),
            Some(body.clone())
        );
        let page = reader
            .events(&EventFilter {
                limit: 10,
                ..EventFilter::default()
            })
            .expect("page");
        assert_eq!(page[1].body, body);
    }

    #[test]
    fn a_body_hash_key_stored_as_text_before_migration_8_still_finds_its_redelivery() {
        // Arrange: a database at schema 7 holding a delivery under its
        // body-hash key as text.
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.db");
        let body = b"{\"message\":{\"type\":\"status-update\"}}";
        let key = DedupKey::body_hash(body);
        let old = Connection::open(&path).expect("open");
        for sql in &MIGRATIONS[..7] {
            old.execute_batch(sql).expect("older schema");
        }
        old.pragma_update(None, "user_version", 7).expect("version");
        old.execute(
            "INSERT INTO events (received_at, call_id, type, timestamp, key, body, headers)
             VALUES (1, 'c', 'status-update', 2, ?1, ?2, '{}')",
            rusqlite::params![key.as_str(), &body[..]],
        )
        .expect("old row");
        drop(old);

        // Act: migrate, and append the same delivery again.
        let conn = open_writer(&path, Durability::Normal).expect("migrates");
        let mut again = event("unused");
        again.key = key.clone();
        again.body = bytes::Bytes::from_static(body);
        let outcome = append_event(
            &conn,
            &again,
            &mut NewPieces::default(),
            &mut Memo::default(),
        )
        .expect("append");

        // Assert
        assert_eq!(outcome, Outcome::Duplicate(Seq::new(1)));
        let (stored_type, read_back): (String, DedupKey) = conn
            .query_row("SELECT typeof(key), key FROM events", [], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .expect("row");
        assert_eq!((stored_type.as_str(), read_back), ("blob", key));
    }

    #[test]
    fn a_call_s_deliveries_are_stored_as_deltas_and_read_back_byte_identical() {
        // Arrange: one call's deliveries, each repeating the history so far
        // and a call object that changes its status.
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.db");
        let conn = open_writer(&path, Durability::Normal).expect("open");
        let known = body::KnownPieces::default();
        let entry = |i: usize| {
            format!(
                r#"{{"role":"user","message":"turn {i}: {}","time":{i}}}"#,
                "words ".repeat(30)
            )
        };
        let delivery = |n: usize| {
            let history: Vec<String> = (0..n).map(entry).collect();
            let status = if n < 20 { "in-progress" } else { "ended" };
            format!(
                r#"{{"message":{{"type":"conversation-update","call":{{"id":"c1","pad":"{}","status":"{status}"}},"messages":[{}],"n":{n}}}}}"#,
                "p".repeat(300),
                history.join(",")
            )
            .into_bytes()
        };
        let mut memo = Memo::default();

        // Act
        let mut stored = Vec::new();
        for n in 1..=30 {
            let body = delivery(n);
            let mut new = event(&format!("k{n}"));
            new.split = body::split(&body, &known);
            new.body = bytes::Bytes::from(body.clone());
            append_event(&conn, &new, &mut NewPieces::default(), &mut memo).expect("append");
            memo.commit();
            stored.push(body);
        }

        // Assert: each read back exactly, alone and as a page, from a fresh
        // reader (nothing rebuilt lately) and a warm one.
        let reader = SqliteReader::open(&path).expect("reader");
        for (seq, body) in stored.iter().enumerate().rev() {
            let seq = Seq::new(seq as i64 + 1);
            assert_eq!(reader.event_body(seq).expect("read").as_ref(), Some(body));
        }
        let page = SqliteReader::open(&path)
            .expect("reader")
            .events(&EventFilter {
                limit: 100,
                ..EventFilter::default()
            })
            .expect("page");
        let bodies: Vec<&[u8]> = page.iter().map(|e| &e.body[..]).collect();
        assert_eq!(bodies, stored.iter().map(Vec::as_slice).collect::<Vec<_>>());
        let (deltas, recipe_bytes): (i64, i64) = conn
            .query_row(
                "SELECT count(*) FILTER (WHERE format = 3), sum(length(body)) FROM events",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .expect("formats");
        assert_eq!(deltas, 29, "all but the first");
        // Each delta holds its new entry (~200 bytes) and a few ops, not
        // the history again.
        assert!(recipe_bytes < 30 * 400, "{recipe_bytes} bytes of recipes");
        let written_against: i64 = conn
            .query_row(
                "SELECT count(*) FROM pieces WHERE base IS NOT NULL",
                [],
                |row| row.get(0),
            )
            .expect("pieces");
        assert!(written_against >= 1, "the ended call object is a delta");
    }

    #[test]
    fn each_call_s_call_object_is_written_against_the_previous_call_s() {
        // Arrange: the first delivery of each of five calls, whose call
        // objects differ in their ids (so in the start of each) and agree
        // in the rest.
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.db");
        let conn = open_writer(&path, Durability::Normal).expect("open");
        let config = r#""orgId":"org-1","type":"inboundPhoneCall","status":"queued","monitor":{"listenUrl":"wss://example.vapi.ai/listen"}"#;
        let delivery = |n: usize| {
            format!(
                r#"{{"message":{{"type":"status-update","call":{{"id":"call-{n}-{n}{n}{n}{n}","pad":"{}",{}}},"n":{n}}}}}"#,
                "p".repeat(400),
                config
            )
        };
        let mut memo = Memo::default();

        // Act
        let mut stored = Vec::new();
        for n in 1..=5 {
            let body = delivery(n);
            let mut new = event(&format!("k{n}"));
            new.call_id = Some(CallId::new(&format!("call-{n}")));
            new.split = body::split(body.as_bytes(), &body::KnownPieces::default());
            assert_eq!(new.split.as_ref().map(|s| s.pieces.len()), Some(1));
            new.body = bytes::Bytes::from(body.clone().into_bytes());
            append_event(&conn, &new, &mut NewPieces::default(), &mut memo).expect("append");
            memo.commit();
            stored.push(body);
        }

        // Assert: the first stored whole, the others as deltas of it that
        // read back exactly.
        let pieces: Vec<(Option<i64>, usize)> = conn
            .prepare("SELECT base, length(data) FROM pieces ORDER BY id")
            .expect("query")
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("pieces");
        assert_eq!(pieces.len(), 5);
        assert_eq!(pieces[0].0, None);
        for (base, len) in &pieces[1..] {
            assert_eq!(*base, Some(1));
            assert!(*len < 100, "a call object's delta of {len} bytes");
        }
        let reader = SqliteReader::open(&path).expect("reader");
        for (seq, body) in stored.iter().enumerate() {
            let read = reader.event_body(Seq::new(seq as i64 + 1)).expect("read");
            assert_eq!(read.as_deref(), Some(body.as_bytes()));
        }
    }

    /// Appends one delivery of call `c1` per status, each committed: a
    /// padded call object that differs only in its status and counter, so
    /// each after the first is stored as a delta on the one before. The
    /// last body.
    fn append_call_objects(conn: &Connection, statuses: &[impl AsRef<str>]) -> Vec<u8> {
        let pad = "x".repeat(300);
        let mut memo = Memo::default();
        let mut last = Vec::new();
        for (n, status) in statuses.iter().enumerate() {
            let status = status.as_ref();
            let body = format!(
                r#"{{"message":{{"call":{{"id":"c1","pad":"{pad}","status":"{status}"}},"n":{n}}}}}"#
            );
            let mut new = event(&format!("k{n}"));
            new.split = body::split(body.as_bytes(), &body::KnownPieces::default());
            new.body = bytes::Bytes::from(body.clone().into_bytes());
            append_event(conn, &new, &mut NewPieces::default(), &mut memo).expect("append");
            memo.commit();
            last = body.into_bytes();
        }
        last
    }

    #[test]
    fn a_walk_down_a_long_chain_of_deltas_keeps_only_the_recipes_nearest_the_one_read() {
        // Arrange: one call of 200 deliveries, each a delta on the one
        // before, the first stored whole.
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.db");
        let conn = open_writer(&path, Durability::Normal).expect("open");
        let statuses: Vec<String> = (0..200).map(|n| format!("s{n}")).collect();
        let last = append_call_objects(&conn, &statuses);
        let deltas: i64 = conn
            .query_row("SELECT count(*) FROM events WHERE format = 3", [], |row| {
                row.get(0)
            })
            .expect("formats");
        assert_eq!(deltas, 199, "a chain 199 deltas deep");

        // Act: the last delivery, from a reader that rebuilt nothing yet.
        let reader = SqliteReader::open(&path).expect("reader");
        let body = reader.event_body(Seq::new(200)).expect("read");

        // Assert: read exactly; kept are the 64 recipes nearest it and the
        // recipe stored whole at the chain's foot, not the 134 in between.
        assert_eq!(body, Some(last));
        let recent = reader.recent_recipes();
        let chain_kept = RecentRecipes::CHAIN_KEPT as i64;
        assert_eq!(recent.len(), RecentRecipes::CHAIN_KEPT + 1);
        assert!(recent.get(1).is_some(), "the whole recipe");
        assert!((201 - chain_kept..=200).all(|seq| recent.get(seq).is_some()));
        assert!((2..201 - chain_kept).all(|seq| recent.get(seq).is_none()));
    }

    #[test]
    fn a_delta_or_piece_whose_base_is_gone_is_reported_corrupt() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.db");
        let conn = open_writer(&path, Durability::Normal).expect("open");
        append_call_objects(&conn, &["queued", "ended"]);
        let reader = SqliteReader::open(&path).expect("reader");
        assert!(reader.event_body(Seq::new(2)).is_ok());
        conn.execute("DELETE FROM pieces WHERE base IS NULL", [])
            .expect("lose the whole piece");
        assert!(matches!(
            SqliteReader::open(&path)
                .expect("reader")
                .event_body(Seq::new(2)),
            Err(StoreError::Corrupt(_))
        ));
        conn.execute("DELETE FROM events WHERE seq = 1", [])
            .expect("lose the base recipe");
        assert!(matches!(
            SqliteReader::open(&path)
                .expect("reader")
                .event_body(Seq::new(2)),
            Err(StoreError::Corrupt(_))
        ));
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
        // A body whose recipe LZ4 cannot shorten: one piece amid noise.
        let mut state = 17u64;
        let noise: String = (0..200)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                char::from(b'a' + ((state >> 33) % 26) as u8)
            })
            .collect();
        let incompressible = format!(
            r#"{{"noise":"{noise}","message":{{"call":{{"id":"{}"}}}}}}"#,
            &noise[..body::MIN_PIECE]
        )
        .into_bytes();
        let unpackable = body::split(&incompressible, &body::KnownPieces::default()).expect("cut");
        assert_eq!(body::pack(&unpackable.recipe), None);
        let rows = [
            ("whole", &body, None),
            ("recipe", &incompressible, Some(unpackable)),
            ("packed", &body, Some(cut)),
        ];
        for (key, bytes, split) in rows.clone() {
            let mut new = event(key);
            new.body = bytes::Bytes::from(bytes.clone());
            new.split = split;
            append_event(&conn, &new, &mut NewPieces::default(), &mut Memo::default())
                .expect("append");
        }
        let formats: Vec<i64> = conn
            .prepare("SELECT format FROM events ORDER BY seq")
            .and_then(|mut s| s.query_map([], |row| row.get(0))?.collect())
            .expect("formats");
        assert_eq!(formats, [FORMAT_RAW, FORMAT_RECIPE, FORMAT_PACKED_RECIPE]);

        let reader = SqliteReader::open(&path).expect("reader");
        for (seq, (_, bytes, _)) in (1..).zip(rows) {
            assert_eq!(
                reader.event_body(Seq::new(seq)).expect("read"),
                Some(bytes.clone()),
                "{seq}"
            );
        }
        conn.execute(
            "UPDATE events SET body = substr(body, 1, 40) WHERE seq = 3",
            [],
        )
        .expect("cut the packed row short");
        assert!(matches!(
            reader.event_body(Seq::new(3)),
            Err(StoreError::Corrupt(_))
        ));
    }

    #[test]
    fn a_recipe_naming_a_missing_piece_is_reported_corrupt() {
        let (_dir, path, conn, body) = db_and_corpus_body();
        let mut new = event("k");
        new.body = bytes::Bytes::from(body.clone());
        new.split = body::split(&body, &body::KnownPieces::default());
        append_event(&conn, &new, &mut NewPieces::default(), &mut Memo::default()).expect("append");
        conn.execute("DELETE FROM pieces WHERE id = 1", [])
            .expect("lose a piece");

        let reader = SqliteReader::open(&path).expect("reader");
        assert!(matches!(
            reader.event_body(Seq::new(1)),
            Err(StoreError::Corrupt(_))
        ));
    }

    #[test]
    fn a_page_ends_at_up_to() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.db");
        let conn = open_writer(&path, Durability::Normal).expect("open");
        for key in ["a", "b", "c", "d"] {
            let mut new = event(key);
            new.call_id = Some("c".into());
            append_event(&conn, &new, &mut NewPieces::default(), &mut Memo::default())
                .expect("append");
        }
        let reader = SqliteReader::open(&path).expect("reader");
        for call_id in [None, Some(CallId::new("c"))] {
            let page = reader
                .stored_events(&EventFilter {
                    call_id,
                    after: Some(Seq::new(1)),
                    up_to: Some(Seq::new(3)),
                    limit: 10,
                    ..EventFilter::default()
                })
                .expect("page");
            let seqs: Vec<i64> = page.iter().map(|e| e.seq.get()).collect();
            assert_eq!(seqs, [2, 3]);
        }
    }

    #[test]
    fn the_same_key_is_stored_once_and_reads_back_byte_identical() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.db");
        let conn = open_writer(&path, Durability::Full).expect("open");
        assert_eq!(
            append_event(
                &conn,
                &event("k"),
                &mut NewPieces::default(),
                &mut Memo::default()
            )
            .expect("append"),
            Outcome::Stored(Seq::new(1))
        );
        assert_eq!(
            append_event(
                &conn,
                &event("k"),
                &mut NewPieces::default(),
                &mut Memo::default()
            )
            .expect("append"),
            Outcome::Duplicate(Seq::new(1))
        );
        assert_eq!(
            append_event(
                &conn,
                &event("k2"),
                &mut NewPieces::default(),
                &mut Memo::default()
            )
            .expect("append"),
            Outcome::Stored(Seq::new(2))
        );
        let reader = SqliteReader::open(&path).expect("reader");
        assert_eq!(reader.count_events().expect("count"), 2);
        assert_eq!(
            reader.event_body(Seq::new(1)).expect("read").as_deref(),
            Some(&b"{\"message\":{}}"[..])
        );
        let page = reader
            .events(&EventFilter {
                after: Some(Seq::new(1)),
                limit: 10,
                ..EventFilter::default()
            })
            .expect("page");
        assert_eq!(page.len(), 1);
        assert_eq!(page[0].seq, Seq::new(2));
    }
}
