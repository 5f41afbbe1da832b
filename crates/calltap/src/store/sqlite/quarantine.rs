//! The quarantine in SQLite: rejected bodies, appended in the writer's
//! batch (see [`log`](super::log)) and read back by id.

use rusqlite::{params, Connection, OptionalExtension};

use super::connection::SqliteReader;
use crate::store::backend::QuarantineRead;
use crate::store::{NewQuarantine, QuarantineFilter, Quarantined, StoreError};

/// Appends a rejected body to the quarantine; returns its id.
pub fn append(conn: &Connection, row: &NewQuarantine) -> Result<i64, StoreError> {
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

impl QuarantineRead for SqliteReader {
    /// Quarantined bodies matching the filter, by id.
    fn quarantine(&self, filter: &QuarantineFilter) -> Result<Vec<Quarantined>, StoreError> {
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
    fn quarantine_body(&self, id: i64) -> Result<Option<Vec<u8>>, StoreError> {
        self.with(|conn| {
            let mut stmt = conn.prepare_cached("SELECT body FROM quarantine WHERE id = ?1")?;
            Ok(stmt.query_row([id], |row| row.get(0)).optional()?)
        })
    }
}
