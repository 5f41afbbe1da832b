//! The call projections in SQLite: the `calls` table (one row per call: the
//! columns the list filters and sorts on, the summary as JSON text and the
//! detail as JSON, packed with LZ4 when that is shorter, with its shared
//! part cut out), `detail_parts` (those parts, each kept once) and
//! `projection_checkpoint` (how far into the log they are, and the
//! projection format their JSON was written in), and `call_events` (each
//! call's seqs, the per-call index the log's reads use, with a checkpoint
//! row of its own);
//! the tables are in [`schema`](super::schema).
//!
//! Rows, index and checkpoints are written together in one transaction, so
//! neither table ever claims to be further than it is.

use std::collections::HashMap;

use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, Value, ValueRef};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, TransactionBehavior};

use super::connection::SqliteReader;
use super::schema::FILTER_INDEXES;
use super::turns::WriteTurns;
use crate::ids::{CallId, Seq};
use crate::store::backend::{ProjectionRead, ProjectionWrite};
use crate::store::projections::{CallFilter, CallListRow, CallRow, SharedPart, StoredDetail};
use crate::store::{body, StoreError};

/// The projector's own write connection to the projection tables: the only
/// way to change them, so the projector itself never touches SQL.
#[derive(Debug)]
pub struct SqliteProjections {
    conn: Connection,
    /// Taken around each transaction, shared with the ingest writer.
    turns: WriteTurns,
    /// The ids of committed `detail_parts` rows by hash, so that a row
    /// naming a part already stored costs no lookup.
    part_ids: HashMap<[u8; 32], i64>,
}

/// The most part ids [`SqliteProjections`] remembers; past it, it forgets
/// them all (each is looked up again once). There is one part per distinct
/// system prompt, so this is far more than a fleet holds.
const MAX_PART_IDS: usize = 4096;

impl SqliteProjections {
    /// The projections over their write connection (see
    /// [`open_projection_writer`](super::connection::open_projection_writer)),
    /// taking `turns` around each transaction, shared with the log's writer.
    pub fn new(conn: Connection, turns: WriteTurns) -> SqliteProjections {
        SqliteProjections {
            conn,
            turns,
            part_ids: HashMap::new(),
        }
    }

    /// Refreshes the query planner's statistics (`ANALYZE`), as after a bulk
    /// load.
    pub fn analyze(&self) -> Result<(), StoreError> {
        self.conn.execute_batch("ANALYZE")?;
        Ok(())
    }

    /// Drops the list's supporting indexes. Only the list benchmark calls
    /// this, to measure its baseline; nothing recreates them but a fresh
    /// database.
    pub fn drop_filter_indexes(&self) -> Result<(), StoreError> {
        for index in FILTER_INDEXES {
            self.conn
                .execute_batch(&format!("DROP INDEX IF EXISTS {index}"))?;
        }
        Ok(())
    }
}

impl ProjectionWrite for SqliteProjections {
    /// How far into the log the projections are.
    fn checkpoint(&self) -> Result<Seq, StoreError> {
        checkpoint(&self.conn)
    }

    /// Upserts `rows`, indexes `deliveries` in `call_events` and moves
    /// both checkpoints, in one transaction.
    fn write_batch(
        &mut self,
        rows: &[CallRow],
        deliveries: &[(CallId, Seq)],
        seq: Seq,
    ) -> Result<(), StoreError> {
        // Packed before the turn is taken: the ingest writer waits for the
        // write lock while this transaction holds it, so only SQL runs in it.
        let details: Vec<(Detail, Option<&SharedPart>)> = rows
            .iter()
            .map(|row| cut(&row.detail, row.detail_shared.as_ref()))
            .collect();
        // Parts inserted by this transaction, remembered once it commits.
        let mut added: Vec<([u8; 32], i64)> = Vec::new();
        let _turn = self.turns.take();
        // IMMEDIATE: a lock conflict with another process fails (after the
        // busy timeout) at BEGIN, not half-way through.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut upsert = tx.prepare_cached(
                "INSERT INTO calls (id, status, ended_reason, assistant_id, assistant_name,
                     call_type, started_at, ended_at, sort_at, last_event_at, event_count,
                     last_seq, summary, detail, detail_part, detail_part_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
                 ON CONFLICT (id) DO UPDATE SET
                     status = excluded.status, ended_reason = excluded.ended_reason,
                     assistant_id = excluded.assistant_id,
                     assistant_name = excluded.assistant_name,
                     call_type = excluded.call_type, started_at = excluded.started_at,
                     ended_at = excluded.ended_at, sort_at = excluded.sort_at,
                     last_event_at = excluded.last_event_at,
                     event_count = excluded.event_count, last_seq = excluded.last_seq,
                     summary = excluded.summary, detail = excluded.detail,
                     detail_part = excluded.detail_part,
                     detail_part_at = excluded.detail_part_at",
            )?;
            let mut find_part = tx.prepare_cached("SELECT id FROM detail_parts WHERE hash = ?1")?;
            let mut add_part =
                tx.prepare_cached("INSERT INTO detail_parts (hash, data) VALUES (?1, ?2)")?;
            for (row, (detail, part)) in rows.iter().zip(&details) {
                let part = match part {
                    None => None,
                    Some(part) => {
                        let hash = part.text.hash();
                        let known = self.part_ids.get(hash).copied();
                        let known = known
                            .or_else(|| added.iter().find(|(h, _)| h == hash).map(|&(_, id)| id));
                        let id: i64 = match known {
                            Some(id) => id,
                            None => {
                                let found =
                                    find_part.query_row([hash], |row| row.get(0)).optional()?;
                                let id = match found {
                                    Some(id) => id,
                                    None => {
                                        add_part.execute(params![hash, part.text.text()])?;
                                        tx.last_insert_rowid()
                                    }
                                };
                                added.push((*hash, id));
                                id
                            }
                        };
                        Some((id, part.at as i64))
                    }
                };
                upsert.execute(params![
                    row.id,
                    row.status,
                    row.ended_reason,
                    row.assistant_id,
                    row.assistant_name,
                    row.call_type,
                    row.started_at,
                    row.ended_at,
                    row.sort_at,
                    row.last_event_at,
                    row.event_count,
                    row.last_seq,
                    row.summary,
                    detail,
                    part.map(|(id, _)| id),
                    part.map(|(_, at)| at),
                ])?;
            }
            tx.execute(
                "UPDATE projection_checkpoint SET seq = ?1 WHERE name = 'calls'",
                [seq],
            )?;
            // Many rows a statement: a step indexes hundreds of deliveries,
            // and a statement's run costs about what a row's insert does.
            let mut chunk = tx.prepare_cached(&index_statement(INDEX_CHUNK))?;
            let mut one = tx.prepare_cached(&index_statement(1))?;
            let mut chunks = deliveries.chunks_exact(INDEX_CHUNK);
            for rows in &mut chunks {
                chunk.execute(params_from_iter(
                    rows.iter()
                        .flat_map(|(call, seq)| [call as &dyn ToSql, seq as &dyn ToSql]),
                ))?;
            }
            for (call, delivery) in chunks.remainder() {
                one.execute(params![call, delivery])?;
            }
            // Never back: after a rebuild's reset, `seq` starts again at
            // the beginning while the index stays complete up to where it was.
            // An upsert: a missing row would read as 0 for ever, and every
            // per-call read would walk the whole log.
            tx.execute(
                "INSERT INTO projection_checkpoint (name, seq) VALUES ('call_events', ?1)
                 ON CONFLICT (name) DO UPDATE SET seq = max(seq, excluded.seq)",
                [seq],
            )?;
        }
        tx.commit()?;
        if self.part_ids.len() + added.len() > MAX_PART_IDS {
            self.part_ids.clear();
        }
        self.part_ids.extend(added);
        Ok(())
    }

    /// The format recorded beside the checkpoint (1 before formats were).
    fn format(&self) -> Result<u32, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT format FROM projection_checkpoint WHERE name = 'calls'",
                [],
                |row| row.get(0),
            )
            .optional()?
            .unwrap_or(1))
    }

    /// Empties the projections, sets the checkpoint back to the start of
    /// the log and records `format`, in one transaction (the first step of
    /// a rebuild). The shared parts stay: the rebuilt rows name them again.
    fn reset(&mut self, format: u32) -> Result<(), StoreError> {
        let _turn = self.turns.take();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch("DELETE FROM calls;")?;
        tx.execute(
            "UPDATE projection_checkpoint SET seq = 0, format = ?1 WHERE name = 'calls'",
            [format],
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// The rows of `call_events` one statement of [`ProjectionWrite::write_batch`]
/// inserts (the rest of a step's one at a time).
const INDEX_CHUNK: usize = 64;

/// `INSERT OR IGNORE` of `rows` `(call_id, seq)` rows into `call_events`.
fn index_statement(rows: usize) -> String {
    let mut sql = String::from("INSERT OR IGNORE INTO call_events (call_id, seq) VALUES (?, ?)");
    for _ in 1..rows {
        sql.push_str(", (?, ?)");
    }
    sql
}

/// A shared part shorter than this stays in its detail: a row of its own
/// and a lookup at each write would cost about what it saves.
const MIN_SHARED_PART: usize = 256;

/// `detail` as stored: packed, and without its shared part when that is
/// long enough to be worth keeping apart and stands where the row says.
///
/// Why: a short call's detail is mostly its system prompt (2-8 KB of the
/// simulator's assistants, about 40% of a 10-turn call's packed detail),
/// which every call of its assistant repeats; kept once, it no longer
/// counts in each call's fixed cost.
fn cut<'a>(detail: &str, shared: Option<&'a SharedPart>) -> (Detail, Option<&'a SharedPart>) {
    let found = shared.filter(|part| {
        let text = part.text.text();
        text.len() >= MIN_SHARED_PART
            && part
                .at
                .checked_add(text.len())
                .and_then(|end| detail.get(part.at..end))
                == Some(text)
    });
    match found {
        None => (Detail::pack(detail), None),
        Some(part) => {
            let len = part.text.text().len();
            let mut rest = String::with_capacity(detail.len() - len);
            rest.push_str(&detail[..part.at]);
            rest.push_str(&detail[part.at + len..]);
            (Detail::pack(&rest), Some(part))
        }
    }
}

/// The detail a stored row stands for: `detail` with the shared part put
/// back at `at`, when the row has one.
fn uncut(detail: Detail, part: Option<(i64, String)>) -> Result<String, StoreError> {
    let mut detail = detail.unpack()?;
    if let Some((at, part)) = part {
        let at = usize::try_from(at)
            .ok()
            .filter(|&at| detail.is_char_boundary(at))
            .ok_or(body::CorruptRecipe(
                "a call detail's shared part lies outside it",
            ))?;
        detail.insert_str(at, &part);
    }
    Ok(detail)
}

/// `calls.detail` as stored: the JSON as TEXT, or packed with LZ4 as a
/// BLOB (`body::pack`) when that is shorter, as it is for all but the
/// smallest calls (2.5 times for ten turns, 5 times for three hundred: a
/// transcript and its turns repeat keys and words). Rows are rewritten
/// whole at each step, so the packed ones also write fewer pages.
enum Detail {
    Text(String),
    Packed(Vec<u8>),
}

impl Detail {
    fn pack(detail: &str) -> Detail {
        match body::pack(detail.as_bytes()) {
            Some(packed) => Detail::Packed(packed),
            None => Detail::Text(detail.to_owned()),
        }
    }

    fn unpack(self) -> Result<String, StoreError> {
        match self {
            Detail::Text(text) => Ok(text),
            Detail::Packed(packed) => String::from_utf8(body::unpack(&packed)?)
                .map_err(|_| body::CorruptRecipe("a packed call detail is not UTF-8").into()),
        }
    }
}

impl ToSql for Detail {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Detail::Text(text) => ToSqlOutput::from(text.as_str()),
            Detail::Packed(packed) => ToSqlOutput::from(&packed[..]),
        })
    }
}

impl FromSql for Detail {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Detail> {
        match value {
            ValueRef::Blob(packed) => Ok(Detail::Packed(packed.to_vec())),
            other => other.as_str().map(|text| Detail::Text(text.to_owned())),
        }
    }
}

/// How far into the log the projections are.
fn checkpoint(conn: &Connection) -> Result<Seq, StoreError> {
    Ok(conn
        .query_row(
            "SELECT seq FROM projection_checkpoint WHERE name = 'calls'",
            [],
            |row| row.get(0),
        )
        .optional()?
        .unwrap_or(Seq::ZERO))
}

impl ProjectionRead for SqliteReader {
    /// The stored detail of call `id`.
    fn call_detail(&self, id: &CallId) -> Result<Option<StoredDetail>, StoreError> {
        self.with(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT c.last_seq, c.detail, c.detail_part, c.detail_part_at, p.data
                 FROM calls c LEFT JOIN detail_parts p ON p.id = c.detail_part
                 WHERE c.id = ?1",
            )?;
            type Row = (Seq, Detail, Option<i64>, Option<i64>, Option<String>);
            let row: Option<Row> = stmt
                .query_row([id], |row| {
                    Ok((
                        row.get(0)?,
                        row.get(1)?,
                        row.get(2)?,
                        row.get(3)?,
                        row.get(4)?,
                    ))
                })
                .optional()?;
            row.map(|(last_seq, detail, part_id, at, part)| {
                let part = match (part_id, at, part) {
                    (None, None, None) => None,
                    (Some(_), Some(at), Some(part)) => Some((at, part)),
                    _ => {
                        return Err(
                            body::CorruptRecipe("a call detail's shared part is missing").into(),
                        )
                    }
                };
                Ok(StoredDetail {
                    last_seq,
                    detail: uncut(detail, part)?,
                })
            })
            .transpose()
        })
    }

    /// A page of calls matching the filter, newest first (`sort_at DESC,
    /// id DESC`).
    fn calls(&self, filter: &CallFilter) -> Result<Vec<CallListRow>, StoreError> {
        // Only the filters given become conditions: `?1 IS NULL OR ...`
        // would keep SQLite from choosing the filter's index.
        let mut sql = String::from("SELECT sort_at, id, summary FROM calls WHERE 1");
        let mut args: Vec<Value> = Vec::new();
        // Each `?` in `condition` is this argument.
        fn push(sql: &mut String, args: &mut Vec<Value>, condition: &str, value: Value) {
            args.push(value);
            sql.push_str(&condition.replace('?', &format!("?{}", args.len())));
        }
        if let Some(status) = &filter.status {
            push(
                &mut sql,
                &mut args,
                " AND status = ?",
                Value::Text(status.clone()),
            );
        }
        if let Some(reason) = &filter.ended_reason {
            let value = Value::Text(reason.clone());
            push(&mut sql, &mut args, " AND ended_reason = ?", value);
        }
        if let Some(since) = filter.since {
            push(
                &mut sql,
                &mut args,
                " AND sort_at >= ?",
                Value::Integer(since),
            );
        }
        if let Some(until) = filter.until {
            push(
                &mut sql,
                &mut args,
                " AND sort_at < ?",
                Value::Integer(until),
            );
        }
        if let Some(after) = &filter.after {
            // Spelled out rather than as a row value, so that SQLite uses the
            // index range on sort_at.
            let at = Value::Integer(after.sort_at);
            push(&mut sql, &mut args, " AND (sort_at < ?", at.clone());
            push(&mut sql, &mut args, " OR (sort_at = ?", at);
            let id = Value::Text(after.id.as_str().to_owned());
            push(&mut sql, &mut args, " AND id < ?))", id);
        }
        let order = " ORDER BY sort_at DESC, id DESC LIMIT ?";
        let limit = Value::Integer(i64::from(filter.limit));
        let sql = match &filter.assistant {
            None => {
                push(&mut sql, &mut args, order, limit);
                sql
            }
            // `assistant_id = ? OR assistant_name = ?` makes SQLite union
            // both indexes and sort every match. Instead: the first page of
            // each index, each an ordered range scan that stops after
            // `limit` rows, merged (UNION drops a call matched twice).
            Some(assistant) => {
                let (mut by_id, mut by_name) = (sql.clone(), sql);
                push(
                    &mut by_id,
                    &mut args,
                    " AND assistant_id = ?",
                    Value::Text(assistant.clone()),
                );
                let n = args.len();
                by_name.push_str(&format!(" AND assistant_name = ?{n}"));
                let mut outer = String::new();
                push(&mut outer, &mut args, order, limit);
                format!(
                    "SELECT sort_at, id, summary FROM (
                       SELECT * FROM ({by_id}{outer}) UNION SELECT * FROM ({by_name}{outer})
                     ){outer}"
                )
            }
        };
        self.with(|conn| {
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(params_from_iter(args), |row| {
                Ok(CallListRow {
                    sort_at: row.get(0)?,
                    id: row.get(1)?,
                    summary: row.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// The summaries (JSON) of every call with `since <= sort_at < until`,
    /// the input of fleet statistics.
    fn call_summaries(&self, since: i64, until: i64) -> Result<Vec<String>, StoreError> {
        self.with(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT summary FROM calls WHERE sort_at >= ?1 AND sort_at < ?2
                 ORDER BY sort_at, id",
            )?;
            let rows = stmt.query_map([since, until], |row| row.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use crate::store::projections::SharedText;
    use crate::store::sqlite::Sqlite;
    use crate::store::Durability;

    fn row(status: &str, sort_at: i64, detail: &str) -> CallRow {
        CallRow {
            id: CallId::new("c1"),
            status: Some(status.to_owned()),
            ended_reason: None,
            assistant_id: Some("a1".to_owned()),
            assistant_name: None,
            call_type: None,
            started_at: None,
            ended_at: None,
            sort_at,
            last_event_at: None,
            event_count: 1,
            last_seq: Seq::new(1),
            summary: format!(r#"{{"status":"{status}"}}"#),
            detail: detail.to_owned(),
            detail_shared: None,
        }
    }

    fn listed(reader: &SqliteReader, status: Option<&str>, since: Option<i64>) -> Vec<String> {
        reader
            .calls(&CallFilter {
                status: status.map(str::to_owned),
                since,
                limit: 10,
                ..CallFilter::default()
            })
            .expect("list")
            .into_iter()
            .map(|r| r.summary)
            .collect()
    }

    #[test]
    fn a_rewritten_row_is_listed_by_its_new_columns_and_keeps_its_new_detail() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("p.db");
        let sqlite = Sqlite::open(&path, Durability::Normal).expect("migrate");
        let mut store = sqlite.projections().expect("open");
        let reader = sqlite.reader().expect("reader");
        let detail = |reader: &SqliteReader| {
            reader
                .call_detail(&CallId::new("c1"))
                .expect("read")
                .expect("row")
                .detail
        };

        store
            .write_batch(&[row("queued", 10, "d1")], &[], Seq::new(1))
            .expect("write");
        assert_eq!(listed(&reader, Some("queued"), None).len(), 1);

        // Only unindexed columns change.
        store
            .write_batch(&[row("queued", 10, "d2")], &[], Seq::new(2))
            .expect("write");
        assert_eq!(detail(&reader), "d2");
        assert_eq!(listed(&reader, Some("queued"), Some(10)).len(), 1);

        // An indexed column changes: its index entries move.
        store
            .write_batch(&[row("ended", 10, "d3")], &[], Seq::new(3))
            .expect("write");
        assert_eq!(detail(&reader), "d3");
        assert!(listed(&reader, Some("queued"), None).is_empty());
        assert_eq!(
            listed(&reader, Some("ended"), None),
            [r#"{"status":"ended"}"#]
        );

        store
            .write_batch(&[row("ended", 20, "d4")], &[], Seq::new(4))
            .expect("write");
        assert_eq!(detail(&reader), "d4");
        assert_eq!(listed(&reader, None, Some(20)).len(), 1);
        assert!(listed(&reader, None, Some(21)).is_empty());
        assert_eq!(store.checkpoint().expect("checkpoint"), Seq::new(4));
    }

    #[test]
    fn a_shared_part_is_kept_once_outside_the_details_and_each_reads_back_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("p.db");
        let sqlite = Sqlite::open(&path, Durability::Normal).expect("migrate");
        let mut store = sqlite.projections().expect("open");
        let reader = sqlite.reader().expect("reader");
        let prompt = format!("\"{}\"", "You are Sam. Be brief, be kind. ".repeat(20));
        let shared = Arc::new(SharedText::new(prompt.clone()));
        let part = |detail: &str, text: &Arc<SharedText>| SharedPart {
            at: detail.find(text.text()).unwrap_or(1),
            text: Arc::clone(text),
        };
        let call = |id: &str, said: &str| {
            // Multi-byte text before the part: its offset counts bytes.
            let detail = format!(r#"{{"id":"{id}","said":"{said}","transcript":[{prompt}]}}"#);
            CallRow {
                id: CallId::new(id),
                detail_shared: Some(part(&detail, &shared)),
                ..row("ended", 10, &detail)
            }
        };
        let rows = [call("c1", "hello"), call("c2", "au revoir, ça va")];
        // A part too short to keep apart, one the detail does not hold,
        // and one said to stand where it does not.
        let hi = Arc::new(SharedText::new("\"hi\"".to_owned()));
        let short = CallRow {
            id: CallId::new("c3"),
            detail_shared: Some(part(r#"{"t":["hi"]}"#, &hi)),
            ..row("ended", 10, r#"{"t":["hi"]}"#)
        };
        let max = Arc::new(SharedText::new(prompt.replace("Sam", "Max")));
        let absent = CallRow {
            id: CallId::new("c4"),
            detail_shared: Some(part(&format!("[{prompt}]"), &max)),
            ..row("ended", 10, &format!("[{prompt}]"))
        };
        let misplaced = CallRow {
            id: CallId::new("c5"),
            detail_shared: Some(SharedPart {
                at: 2,
                text: Arc::clone(&shared),
            }),
            ..row("ended", 10, &format!("[{prompt}]"))
        };
        store
            .write_batch(&[rows[0].clone(), short.clone()], &[], Seq::new(1))
            .expect("write");
        store
            .write_batch(
                &[rows[1].clone(), absent.clone(), misplaced.clone()],
                &[],
                Seq::new(2),
            )
            .expect("write");

        for row in rows.iter().chain([&short, &absent, &misplaced]) {
            let stored = reader.call_detail(&row.id).expect("read").expect("row");
            assert_eq!(stored.detail, row.detail);
        }
        let conn = Connection::open(&path).expect("open");
        let parts: Vec<String> = conn
            .prepare("SELECT data FROM detail_parts")
            .expect("query")
            .query_map([], |r| r.get(0))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("parts");
        assert_eq!(parts, [prompt]);
        let cut: Vec<(String, Option<i64>, usize)> = conn
            .prepare("SELECT id, detail_part, length(CAST(detail AS BLOB)) FROM calls ORDER BY id")
            .expect("query")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("calls");
        for (id, part, stored_len) in &cut {
            let kept_apart = ["c1", "c2"].contains(&id.as_str());
            assert_eq!(part.is_some(), kept_apart, "{id}");
            if kept_apart {
                assert!(*stored_len < 64, "{id}: {stored_len} bytes stored");
            }
        }

        conn.execute(
            "UPDATE calls SET detail_part_at = 10000 WHERE id = 'c1'",
            [],
        )
        .expect("move the part out of the detail");
        assert!(matches!(
            reader.call_detail(&CallId::new("c1")),
            Err(StoreError::Corrupt(_))
        ));
        conn.execute("DELETE FROM detail_parts", [])
            .expect("lose the part");
        assert!(matches!(
            reader.call_detail(&CallId::new("c2")),
            Err(StoreError::Corrupt(_))
        ));
    }

    #[test]
    fn a_long_detail_is_stored_packed_and_reads_back_the_same_and_a_bad_pack_is_corrupt() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("p.db");
        let sqlite = Sqlite::open(&path, Durability::Normal).expect("migrate");
        let mut store = sqlite.projections().expect("open");
        let reader = sqlite.reader().expect("reader");
        let long = format!(
            "[{}]",
            vec![r#"{"role":"user","text":"the same words again"}"#; 200].join(",")
        );
        store
            .write_batch(&[row("ended", 10, &long)], &[], Seq::new(1))
            .expect("write");

        let stored = reader
            .call_detail(&CallId::new("c1"))
            .expect("read")
            .expect("row");
        assert_eq!(stored.detail, long);
        let conn = Connection::open(&path).expect("open");
        let (kind, len): (String, usize) = conn
            .query_row(
                "SELECT typeof(detail), length(detail) FROM calls",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .expect("row");
        assert_eq!(kind, "blob");
        assert!(len * 4 < long.len(), "{len} of {} bytes", long.len());

        conn.execute("UPDATE calls SET detail = substr(detail, 1, 20)", [])
            .expect("cut it short");
        assert!(matches!(
            reader.call_detail(&CallId::new("c1")),
            Err(StoreError::Corrupt(_))
        ));
    }
}
