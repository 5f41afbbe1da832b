//! Forwarding in SQLite: the `answers` table (appended by the log's
//! writer, in its batches, read by [`SqliteReader`]) and each outbox's
//! `outbox_cursor` row and `outbox_pending` rows, written by the outbox's
//! own connection ([`SqliteOutbox`]); the tables are in
//! [`schema`](super::schema).
//!
//! The outbox's connection runs at `synchronous=NORMAL`: a save lost to a
//! power cut leaves the cursor and the rows as they were before it (they
//! move in one transaction), so the deliveries after the older cursor are
//! read from the log and sent again, which at-least-once allows.

use std::ops::RangeInclusive;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::connection::SqliteReader;
use super::schema::call_events_up_to;
use super::turns::WriteTurns;
use crate::ids::{CallId, Seq};
use crate::store::backend::{AnswerRead, OutboxRead, OutboxWrite};
use crate::store::{AnswerRecord, OutboxSnapshot, PendingRow, PendingState, StoreError};

/// Records an answer inside the writer's batch transaction; returns the
/// question's seq.
pub fn append_answer(conn: &Connection, answer: &AnswerRecord) -> Result<Seq, StoreError> {
    let mut insert = conn.prepare_cached(
        "INSERT OR REPLACE INTO answers
         (seq, answered_at, outcome, status, latency_ms, headers, body, error)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    insert.execute(params![
        answer.seq,
        answer.answered_at,
        answer.outcome,
        answer.status,
        answer.latency_ms,
        answer.headers,
        &answer.body[..],
        answer.error,
    ])?;
    Ok(answer.seq)
}

const ANSWER_COLUMNS: &str =
    "a.seq, a.answered_at, a.outcome, a.status, a.latency_ms, a.headers, a.body, a.error";

fn answer_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<AnswerRecord> {
    Ok(AnswerRecord {
        seq: row.get(0)?,
        answered_at: row.get(1)?,
        outcome: row.get(2)?,
        status: row.get(3)?,
        latency_ms: row.get(4)?,
        headers: row.get(5)?,
        body: bytes::Bytes::from(row.get::<_, Vec<u8>>(6)?),
        error: row.get(7)?,
    })
}

impl AnswerRead for SqliteReader {
    fn answer(&self, seq: Seq) -> Result<Option<AnswerRecord>, StoreError> {
        self.with(|conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {ANSWER_COLUMNS} FROM answers a WHERE a.seq = ?1"
            ))?;
            Ok(stmt.query_row([seq], answer_row).optional()?)
        })
    }

    fn answers_of_call(
        &self,
        call_id: &CallId,
        seqs: RangeInclusive<Seq>,
    ) -> Result<Vec<AnswerRecord>, StoreError> {
        self.with(|conn| {
            // The call's seqs as the log's per-call reads find them.
            let up_to = call_events_up_to!();
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {ANSWER_COLUMNS} FROM answers a WHERE a.seq IN (
                     SELECT seq FROM call_events
                     WHERE call_id = ?1 AND seq BETWEEN ?2 AND min(?3, {up_to})
                     UNION ALL
                     SELECT seq FROM events
                     WHERE seq BETWEEN max(?2, {up_to} + 1) AND ?3 AND call_id = ?1
                 ) ORDER BY a.seq"
            ))?;
            let rows = stmt.query_map(params![call_id, seqs.start(), seqs.end()], answer_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}

const PENDING_COLUMNS: &str =
    "seq, call_id, state, attempts, first_attempt_at, next_attempt_at, last_error";

fn pending_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Result<PendingRow, StoreError>> {
    let state: String = row.get(2)?;
    let Some(state) = PendingState::parse(&state) else {
        return Ok(Err(StoreError::Backend(
            format!("unknown outbox state {state:?}").into(),
        )));
    };
    Ok(Ok(PendingRow {
        seq: row.get(0)?,
        call_id: row.get(1)?,
        state,
        attempts: row.get(3)?,
        first_attempt_at: row.get(4)?,
        next_attempt_at: row.get(5)?,
        last_error: row.get(6)?,
    }))
}

impl OutboxRead for SqliteReader {
    fn pending(
        &self,
        destination: &str,
        state: Option<PendingState>,
        after: Option<Seq>,
        limit: u32,
    ) -> Result<Vec<PendingRow>, StoreError> {
        self.with(|conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {PENDING_COLUMNS} FROM outbox_pending
                 WHERE destination = ?1 AND seq > ?2 AND (?3 IS NULL OR state = ?3)
                 ORDER BY seq LIMIT ?4"
            ))?;
            let rows = stmt.query_map(
                params![
                    destination,
                    after.unwrap_or(Seq::ZERO),
                    state.map(PendingState::as_str),
                    limit
                ],
                pending_row,
            )?;
            rows.map(|row| row?).collect()
        })
    }
}

/// An outbox's own write connection to its cursor and pending rows.
#[derive(Debug)]
pub struct SqliteOutbox {
    conn: Connection,
    /// Taken around each transaction, shared with the log's writer.
    turns: WriteTurns,
}

impl SqliteOutbox {
    /// The outbox over its write connection, taking `turns` around each
    /// transaction.
    pub fn new(conn: Connection, turns: WriteTurns) -> SqliteOutbox {
        SqliteOutbox { conn, turns }
    }
}

impl OutboxWrite for SqliteOutbox {
    fn load(&mut self, destination: &str) -> Result<OutboxSnapshot, StoreError> {
        let _turn = self.turns.take();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT OR IGNORE INTO outbox_cursor (destination, seq)
             SELECT ?1, coalesce(max(seq), 0) FROM events",
            [destination],
        )?;
        let cursor = tx.query_row(
            "SELECT seq FROM outbox_cursor WHERE destination = ?1",
            [destination],
            |row| row.get(0),
        )?;
        let rows = {
            let mut stmt = tx.prepare(&format!(
                "SELECT {PENDING_COLUMNS} FROM outbox_pending WHERE destination = ?1 ORDER BY seq"
            ))?;
            let rows = stmt.query_map([destination], pending_row)?;
            rows.map(|row| row?)
                .collect::<Result<Vec<_>, StoreError>>()?
        };
        tx.commit()?;
        Ok(OutboxSnapshot { cursor, rows })
    }

    fn save(
        &mut self,
        destination: &str,
        cursor: Seq,
        rows: &[PendingRow],
        done: &[Seq],
    ) -> Result<(), StoreError> {
        let _turn = self.turns.take();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut upsert = tx.prepare_cached(
                "INSERT OR REPLACE INTO outbox_pending
                 (destination, seq, call_id, state, attempts, first_attempt_at, next_attempt_at, last_error)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for row in rows {
                upsert.execute(params![
                    destination,
                    row.seq,
                    row.call_id,
                    row.state.as_str(),
                    row.attempts,
                    row.first_attempt_at,
                    row.next_attempt_at,
                    row.last_error,
                ])?;
            }
            let mut delete = tx
                .prepare_cached("DELETE FROM outbox_pending WHERE destination = ?1 AND seq = ?2")?;
            for seq in done {
                delete.execute(params![destination, seq])?;
            }
            tx.execute(
                "INSERT OR REPLACE INTO outbox_cursor (destination, seq) VALUES (?1, ?2)",
                params![destination, cursor],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sqlite::Sqlite;
    use crate::store::Durability;

    fn row(seq: i64, state: PendingState) -> PendingRow {
        PendingRow {
            seq: Seq::new(seq),
            call_id: Some(CallId::new("c")),
            state,
            attempts: 2,
            first_attempt_at: Some(10),
            next_attempt_at: Some(20),
            last_error: Some("down".to_owned()),
        }
    }

    #[test]
    fn an_outbox_starts_at_the_end_of_the_log_and_keeps_what_it_saves() {
        let dir = tempfile::tempdir().expect("tempdir");
        let sqlite = Sqlite::open(&dir.path().join("o.db"), Durability::Normal).expect("open");
        let mut outbox = sqlite.outbox().expect("outbox");
        assert_eq!(outbox.load("app").expect("load"), OutboxSnapshot::default());

        outbox
            .save(
                "app",
                Seq::new(7),
                &[row(3, PendingState::Retrying), row(5, PendingState::Dead)],
                &[],
            )
            .expect("save");
        outbox
            .save(
                "app",
                Seq::new(9),
                &[row(6, PendingState::Waiting)],
                &[Seq::new(3)],
            )
            .expect("save");

        let mut again = sqlite.outbox().expect("outbox");
        let snapshot = again.load("app").expect("load");
        assert_eq!(snapshot.cursor, Seq::new(9));
        assert_eq!(
            snapshot.rows,
            [row(5, PendingState::Dead), row(6, PendingState::Waiting)]
        );
        assert_eq!(again.load("other").expect("load").cursor, Seq::ZERO);
        let reader = sqlite.reader().expect("reader");
        let dead = reader
            .pending("app", Some(PendingState::Dead), None, 10)
            .expect("read");
        assert_eq!(dead, [row(5, PendingState::Dead)]);
        assert_eq!(
            reader
                .pending("app", None, Some(Seq::new(5)), 10)
                .expect("read")
                .len(),
            1
        );
    }
}
