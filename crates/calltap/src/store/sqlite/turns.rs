//! Turns at the database's one write lock, taken in arrival order by the
//! connections of this process that write: the group-commit writer and
//! the projector.
//!
//! Why not leave it to SQLite: a connection that finds the write lock taken
//! waits in SQLite's busy handler, which sleeps (1, 2, 5, 10 ms and on) and
//! looks again. Under load the writer commits batch after batch and holds
//! the lock almost all the time, so the projector's looks kept finding it
//! taken: in the ingest bench it waited from 35 ms to 0.7 s for each of its
//! transactions and fell behind by most of the log. A fair mutex hands the
//! turn to whoever has waited longest, so the two alternate and neither
//! starves; SQLite's busy handler is then only for other processes.

use std::sync::Arc;

use parking_lot::{FairMutex, FairMutexGuard};

/// The queue for the write lock; cheap to clone, one per database.
#[derive(Clone, Debug, Default)]
pub struct WriteTurns(Arc<FairMutex<()>>);

/// A turn at the write lock, held until dropped; dropping it hands the turn
/// to the longest waiter, if any.
#[derive(Debug)]
pub struct WriteTurn<'a>(#[allow(dead_code)] FairMutexGuard<'a, ()>);

impl WriteTurns {
    /// Waits for this connection's turn to write.
    pub fn take(&self) -> WriteTurn<'_> {
        WriteTurn(self.0.lock())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[test]
    fn a_waiter_gets_the_next_turn_even_from_a_holder_that_takes_it_again_at_once() {
        let turns = WriteTurns::default();
        let waiter_done = Arc::new(AtomicUsize::new(usize::MAX));
        let turn = turns.take();
        let (ready_tx, ready) = std::sync::mpsc::channel();
        let waiter = {
            let (turns, waiter_done) = (turns.clone(), Arc::clone(&waiter_done));
            std::thread::spawn(move || {
                let _ = ready_tx.send(());
                let _turn = turns.take();
                waiter_done.store(0, Ordering::SeqCst);
            })
        };
        // Let the waiter queue up behind the held turn.
        ready.recv().expect("waiter started");
        std::thread::sleep(Duration::from_millis(100));
        // The holder lets go and at once wants the lock back, as the writer
        // does between batches: the waiter must have had its turn first.
        drop(turn);
        let again = turns.take();
        assert_eq!(waiter_done.load(Ordering::SeqCst), 0);
        drop(again);
        waiter.join().expect("waiter");
    }

    /// Both write connections of the server wait for the one shared turn:
    /// while it is held elsewhere neither writes, and both do once it is
    /// let go.
    #[test]
    fn the_writer_and_the_projection_writer_wait_for_the_shared_turn() {
        use crate::store::backend::{LogAppend, NewPieces, ProjectionWrite};
        use crate::store::sqlite::Sqlite;
        use crate::store::{Durability, Job, NewEvent};

        let dir = tempfile::tempdir().expect("tempdir");
        let sqlite = Sqlite::open(&dir.path().join("t.db"), Durability::Normal).expect("open");
        let mut log = sqlite.log().expect("log connection");
        let mut projection = sqlite.projections().expect("projection connection");

        let held = sqlite.turns().take();
        let (done_tx, done) = std::sync::mpsc::channel();
        let projector = {
            let done_tx = done_tx.clone();
            std::thread::spawn(move || {
                projection
                    .write_batch(&[], &[], crate::ids::Seq::ZERO)
                    .expect("projection write");
                let _ = done_tx.send("projection");
            })
        };
        let ingest = std::thread::spawn(move || {
            let job = Job::Event(NewEvent::for_test("k", bytes::Bytes::from_static(b"{}")));
            log.append_batch(&[&job], &mut NewPieces::default())
                .expect("commit");
            let _ = done_tx.send("writer");
        });
        assert!(
            done.recv_timeout(Duration::from_millis(200)).is_err(),
            "a connection wrote while the turn was held elsewhere"
        );
        drop(held);
        let mut finished = [
            done.recv_timeout(Duration::from_secs(10))
                .expect("first write"),
            done.recv_timeout(Duration::from_secs(10))
                .expect("second write"),
        ];
        finished.sort_unstable();
        assert_eq!(finished, ["projection", "writer"]);
        projector.join().expect("projector");
        ingest.join().expect("writer");
    }
}
