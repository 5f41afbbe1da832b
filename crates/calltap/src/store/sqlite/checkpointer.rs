//! The WAL checkpointer: one thread with its own connection that copies the
//! write-ahead log back into the database file, so that the group-commit
//! writer never does it inline.
//!
//! Why: with SQLite's default auto-checkpoint, the connection whose commit
//! pushes the WAL past 1,000 pages copies the whole WAL into the database
//! (and, with `synchronous` NORMAL or FULL, fsyncs it) before that commit
//! returns. On the writer thread that stalls every request of the batch.
//! Here the write connections keep only a far backstop
//! ([`BACKSTOP_PAGES`], for a checkpointer that cannot keep up) and this
//! thread runs `PRAGMA wal_checkpoint(PASSIVE)` at most every [`INTERVAL`]
//! while commits arrive. PASSIVE never waits for readers or writers: it
//! copies what it can and leaves the rest for the next round, and SQLite
//! restarts the WAL from its beginning once a round has copied all of it.

use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rusqlite::Connection;

use crate::store::StoreError;

/// The auto-checkpoint size, in pages, left on the write connections: only
/// reached when this thread falls far behind (or is not running, as in tests
/// that drive a writer directly), so the WAL stays bounded either way.
/// 16 times SQLite's default.
pub const BACKSTOP_PAGES: i64 = 16_000;

/// The least time between two rounds. A round copies every page of the WAL
/// once, however many commits rewrote it, so rounds far apart copy less in
/// all; this one keeps the WAL to a few tens of MB at full ingest speed.
pub const INTERVAL: Duration = Duration::from_millis(100);

/// The size, in bytes, the WAL file is cut back to whenever a checkpoint
/// lets SQLite start it over (`PRAGMA journal_size_limit`): without it the
/// file keeps its peak size for as long as the database is open.
pub const WAL_SIZE_LIMIT: i64 = 16 << 20;

/// Sets the backstop auto-checkpoint and the WAL size limit on a write
/// connection.
pub fn configure_write_connection(conn: &Connection) -> Result<(), StoreError> {
    conn.pragma_update(None, "wal_autocheckpoint", BACKSTOP_PAGES)?;
    let _limit: i64 = conn.query_row(
        &format!("PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}"),
        [],
        |row| row.get(0),
    )?;
    Ok(())
}

/// How long the clean stop's checkpoint waits for a reader still inside a
/// transaction.
const TRUNCATE_WAIT: Duration = Duration::from_secs(5);

/// Copies every frame of the WAL of the database at `path` into the file
/// and truncates the WAL to 0 bytes (`PRAGMA wal_checkpoint(TRUNCATE)`).
/// For a clean stop, after the process's write connections have closed:
/// a server stopped with SIGTERM leaves the database whole in its file.
pub fn truncate(path: &Path) -> Result<(), StoreError> {
    let conn = open(path)?;
    conn.busy_timeout(TRUNCATE_WAIT)?;
    // The pragma answers (busy, frames in the WAL, frames copied); busy
    // means a reader or writer kept it from finishing.
    let (busy, frames, copied): (i64, i64, i64) =
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?;
    if busy != 0 {
        return Err(StoreError::Busy(
            format!("the WAL was still in use: {copied} of {frames} frames copied").into(),
        ));
    }
    Ok(())
}

/// Tells the checkpointer that a commit grew the WAL; cheap to clone.
#[derive(Clone, Debug)]
pub struct WalGrowth {
    tx: mpsc::SyncSender<()>,
}

impl WalGrowth {
    /// Notes a commit; never blocks (a note already pending covers this one).
    pub fn committed(&self) {
        let _ = self.tx.try_send(());
    }
}

/// Opens the checkpointer's own connection to the database at `path`.
pub fn open(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    // A round that finds a lock taken copies less; it never waits.
    conn.busy_timeout(Duration::ZERO)?;
    // FULL whatever the ingest durability: a round fsyncs the database file
    // before SQLite may reuse the WAL frames it copied, so a power cut
    // cannot lose pages that were committed.
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(conn)
}

/// Starts the checkpointer thread on a connection from [`open`]. It ends
/// once every [`WalGrowth`] is dropped, after a last round.
pub fn spawn(conn: Connection) -> std::io::Result<(WalGrowth, std::thread::JoinHandle<()>)> {
    let (tx, rx) = mpsc::sync_channel(1);
    let thread = std::thread::Builder::new()
        .name("calltap-checkpoint".to_owned())
        .spawn(move || run(&conn, &rx))?;
    Ok((WalGrowth { tx }, thread))
}

/// Waits for a commit, then for the rest of [`INTERVAL`] since the last
/// round, then runs a round; a last one when the writer has gone.
fn run(conn: &Connection, commits: &mpsc::Receiver<()>) {
    let mut last_round = Instant::now();
    while commits.recv().is_ok() {
        let due = last_round + INTERVAL;
        let now = Instant::now();
        if due > now {
            std::thread::sleep(due - now);
        }
        // Commits during the wait are covered by this round.
        let _ = commits.try_recv();
        round(conn);
        last_round = Instant::now();
    }
    round(conn);
}

/// One PASSIVE checkpoint: copies what no reader still needs, never waits.
fn round(conn: &Connection) {
    // The pragma answers (busy, frames in the WAL, frames copied).
    let result = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
        Ok((row.get::<_, i64>(1)?, row.get::<_, i64>(2)?))
    });
    match result {
        Ok((frames, copied)) => {
            metrics::counter!("calltap_wal_checkpoints_total").increment(1);
            metrics::gauge!("calltap_wal_frames_after_checkpoint").set((frames - copied) as f64);
        }
        Err(err) => tracing::warn!(error = %err, "WAL checkpoint failed; the next round retries"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::backend::{LogAppend, NewPieces};
    use crate::store::sqlite::{connection, turns::WriteTurns, SqliteLog};
    use crate::store::{Durability, Job, NewEvent};

    fn event(i: usize) -> Job {
        Job::Event(NewEvent {
            call_id: Some(format!("call-{}", i % 7).into()),
            ..NewEvent::for_test(
                &format!("k{i}"),
                bytes::Bytes::from(format!("{{\"pad\":\"{}\"}}", "x".repeat(3000 + i))),
            )
        })
    }

    fn file_len(path: &Path) -> u64 {
        std::fs::metadata(path).expect("metadata").len()
    }

    #[test]
    fn the_checkpointer_syncs_the_database_file_after_each_round() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("s.db");
        drop(connection::open_writer(&path, Durability::Normal).expect("create"));
        let conn = open(&path).expect("open");
        let synchronous: i64 = conn
            .query_row("PRAGMA synchronous", [], |row| row.get(0))
            .expect("pragma");
        // 2 is FULL (1, NORMAL, would sync after a round too; 0 would not).
        assert_eq!(synchronous, 2);
    }

    #[test]
    fn write_connections_keep_only_the_far_backstop() {
        let dir = tempfile::tempdir().expect("tempdir");
        let conn =
            connection::open_writer(&dir.path().join("b.db"), Durability::Full).expect("open");
        let pages: i64 = conn
            .query_row("PRAGMA wal_autocheckpoint", [], |row| row.get(0))
            .expect("pragma");
        assert_eq!(pages, BACKSTOP_PAGES);
    }

    #[test]
    fn committed_pages_reach_the_database_file_without_the_writer_copying_them() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.db");
        let conn = connection::open_writer(&path, Durability::Normal).expect("open");
        // An idle connection stays open throughout, so that closing the
        // others does not checkpoint the WAL as SQLite's last close does.
        let bystander = Connection::open(&path).expect("bystander");
        let _: i64 = bystander
            .query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))
            .expect("read");
        let (growth, thread) = spawn(open(&path).expect("open")).expect("spawn");
        let mut log = SqliteLog::new(
            conn,
            WriteTurns::default(),
            Some(growth),
            Default::default(),
        );
        let jobs: Vec<Job> = (0..300).map(event).collect();
        for batch in jobs.chunks(50) {
            log.append_batch(&batch.iter().collect::<Vec<_>>(), &mut NewPieces::default())
                .expect("commit");
        }
        drop(log);
        thread.join().expect("checkpoint thread");
        let (pages, page_size): (u64, u64) = bystander
            .query_row(
                "SELECT (SELECT page_count FROM pragma_page_count), (SELECT page_size FROM pragma_page_size)",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .expect("page count");
        // 300 bodies of over 3 KB: hundreds of pages, far below the backstop,
        // so only the checkpointer can have put them into the file.
        assert!(pages > 300, "{pages} pages");
        assert_eq!(file_len(&path), pages * page_size);
        assert!(path.with_extension("db-wal").exists(), "the WAL was kept");
    }
}
