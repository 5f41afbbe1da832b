//! The projector: keeps the call projections (`store::projections`) up to
//! date with the log, and tells live subscribers what changed.
//!
//! It tails the log after its checkpoint, in batches the writer hands over
//! in memory as it commits them ([`Handoff`]), or, when the handoff does
//! not hold them all (at startup, after a failed step, when it fell too far
//! behind), read through the store's read API; parses each body's skeleton
//! into the typed model (skipping the live artifact where the event does
//! not read it), reading each repeated piece once ([`pieces`]); converts
//! it with [`calls::convert`]; folds it into the call's [`CallState`] (held
//! in a cache bounded by bytes, hot or frozen, rebuilt from the log
//! when dropped from both); and writes the touched
//! calls' rows and the new checkpoint in one transaction on its own
//! connection. It adds nothing of its own: a row's detail is exactly
//! `CallState::detail()` over the call's events.
//!
//! **Consistency.** Ingest answers 200 once a delivery is in the log and
//! does not wait for the projector, so call state is eventually consistent:
//! it trails the log by one batch, normally milliseconds. The projector's
//! position is published on a `watch` ([`Projection::position`]) and the
//! API reports it in the `x-calltap-projected-seq` header.
//!
//! What it must not know: HTTP, and SQL (both sides of it are `store/`).
//! Tests drive it step by step with [`Projector::process_once`] and
//! [`Projector::catch_up`]; `serve` runs it with [`Projector::spawn`].

pub mod background;
mod cache;
pub mod pieces;
pub mod shared;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use calltap_protocol::model::{Envelope, ServerMessage};
use tokio::sync::{broadcast, watch};

use crate::calls::{self, CallEvent, CallState, EventKind};
use crate::ids::{CallId, Seq};
use crate::store::backend::{ProjectionWrite, Reader};
use crate::store::body;
use crate::store::handoff::Handoff;
use crate::store::open::Store;
use crate::store::projections::CallRow;
use crate::store::{Event, EventFilter, Logged, StoreError, StoredBody, StoredEvent};
use background::{Background, Stopped};
use cache::CallCache;
use pieces::{PieceMemo, Placeholder, SkeletonPieces};
use shared::SharedTexts;

/// Events read and projected per transaction. Big enough that a burst costs
/// few transactions (the ingest writer waits for none of them for long),
/// small enough that one transaction stays short.
pub const DEFAULT_BATCH: u32 = 512;
/// The most calls one step writes; the rest of its batch waits for the
/// next step. A step holds every call it touches hot and builds each one's
/// row (tens of KB of detail) at once: after the log writer stalls, a
/// batch of 512 deliveries touches about as many calls, and its rows and
/// hot states came to some 20 MB held at once. In steady traffic a step
/// of 50 ms touches fewer (about 60 at 1,200 deliveries a second).
pub const STEP_CALLS: usize = 128;
/// The bytes of call states kept in memory, hot or frozen (see
/// `project/cache.rs`); a call dropped from both is rebuilt from its events
/// in the log.
pub const DEFAULT_CACHE: usize = cache::DEFAULT_BYTES;
/// Updates buffered for live subscribers; a subscriber further behind is
/// told it lagged and re-reads the current state. Each buffered update
/// holds one detail shared by every subscriber, so this bounds the memory
/// that slow clients can pin (256 details, whatever the number of clients).
pub const UPDATES_CAPACITY: usize = 256;
/// The least time between two projection steps of the running server.
/// A step writes each call it touched once, whole (its summary and detail),
/// so steps after every commit would rewrite a busy call's detail for each
/// of its deliveries; steps this far apart fold a burst of deliveries into
/// one write per call, and call state trails the log by at most this much
/// more.
pub const STEP_INTERVAL: Duration = Duration::from_millis(50);
/// How far the running server's projector may trail the log (in
/// deliveries) and still compute at background priority
/// ([`background`]); further behind, it computes at normal priority
/// until it is back within this, so that a machine busy from end to end
/// still moves call state on. Half of what the writer's handoff holds by
/// count, so that a projector this far behind still takes its batches
/// from memory.
pub const BACKGROUND_LAG: i64 = (crate::store::handoff::DEFAULT_MAX_EVENTS / 2) as i64;
/// The longest a step of the running server may take at background
/// priority: after one that took longer, steps compute at normal priority
/// for [`BACKGROUND_RETRY`]. `SCHED_IDLE` yields to every other process of
/// the machine, not only to ingest, so when a busy neighbour (a build, the
/// team's own app) leaves no core idle, call state falls back by about one
/// starved step every [`BACKGROUND_RETRY`], however few the deliveries.
pub const BACKGROUND_PATIENCE: Duration = Duration::from_millis(500);
/// How long steps compute at normal priority after one starved at
/// background priority, before the next is tried there again.
pub const BACKGROUND_RETRY: Duration = Duration::from_secs(5);

/// Where the running server's projector computes its next step: at
/// background priority while it trails the log by at most
/// [`BACKGROUND_LAG`] deliveries, unless a step there took over
/// [`BACKGROUND_PATIENCE`] less than [`BACKGROUND_RETRY`] ago.
#[derive(Debug, Default)]
struct Placement {
    /// Set by a starved step: until then, steps compute at normal priority.
    normal_until: Option<std::time::Instant>,
}

impl Placement {
    /// Whether the next step computes at background priority.
    fn background(&self, behind: i64, now: std::time::Instant) -> bool {
        behind <= BACKGROUND_LAG && self.normal_until.is_none_or(|until| now >= until)
    }

    /// Notes that a step at background priority took `took`, ending `now`.
    fn took(&mut self, took: Duration, now: std::time::Instant) {
        if took > BACKGROUND_PATIENCE {
            self.normal_until = Some(now + BACKGROUND_RETRY);
        }
    }
}

/// One call's new state, as published to live subscribers after the
/// transaction that stored it committed.
#[derive(Clone, Debug, PartialEq)]
pub struct CallUpdate {
    /// The call id.
    pub id: CallId,
    /// The highest log seq folded into this state.
    pub seq: Seq,
    /// The call's detail, JSON (the same text as the stored row).
    pub detail: Arc<str>,
    /// The call's summary, JSON (the same text as the stored row), for
    /// live lists.
    pub summary: Arc<str>,
}

/// What the rest of the server sees of the projector: how far it is, and
/// the stream of updated calls.
#[derive(Clone, Debug)]
pub struct Projection {
    /// The highest log seq projected ([`Seq::ZERO`] before any).
    pub position: watch::Receiver<Seq>,
    /// Updated calls; subscribe for a live stream.
    pub updates: broadcast::Sender<CallUpdate>,
    /// Set when this server found the projections in another format and
    /// rebuilds them from the log ([`Projector::upgrade`]): the log's last
    /// seq at start, which the rebuild is done once `position` reaches.
    pub rebuild_until: Option<Seq>,
}

impl Projection {
    /// While a format upgrade's rebuild runs: how far it is and where it
    /// ends (`(position, until)`); `None` once done, or when there was none.
    pub fn rebuilding(&self) -> Option<(Seq, Seq)> {
        let until = self.rebuild_until?;
        let position = *self.position.borrow();
        (position < until).then_some((position, until))
    }

    /// Waits until the projections cover the log up to `seq` (or the
    /// projector stopped); returns the position reached.
    pub async fn wait_for(&self, seq: Seq) -> Seq {
        let mut position = self.position.clone();
        let reached = position.wait_for(|p| *p >= seq).await.map(|p| *p);
        reached.unwrap_or_else(|_| *position.borrow())
    }
}

/// Why a projection step failed. The log is untouched; the step is retried.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    /// Reading the log or writing the projections failed.
    #[error("the store failed")]
    Store(#[from] StoreError),
    /// A state could not be serialised (a bug).
    #[error("serialising a call failed")]
    Json(#[from] serde_json::Error),
}

/// A step computed and not yet written ([`Projector::prepare_step`]): the
/// touched calls' rows, each delivery that names a call (for the store's
/// per-call index), the last seq they fold in, and the events of the
/// batch left for the next step.
#[derive(Debug)]
pub struct Step {
    rows: Vec<CallRow>,
    deliveries: Vec<(CallId, Seq)>,
    last: Seq,
    events: usize,
    rest: Vec<StoredEvent>,
}

/// The projector: its store handles, its cache and its position.
pub struct Projector {
    store: Box<dyn ProjectionWrite>,
    reader: Reader,
    handoff: Option<Handoff>,
    /// Events read back from the log rather than handed over.
    read_back: u64,
    /// Calls whose state was read from the log: seen for the first time,
    /// or no longer in the cache.
    loaded: u64,
    cache: CallCache,
    placeholder: Placeholder,
    memo: PieceMemo,
    /// The system prompts of the details written lately, serialised.
    shared: SharedTexts,
    position: Seq,
    batch: u32,
    /// The most calls a step touches ([`STEP_CALLS`]).
    step_calls: usize,
    /// Events taken (from the handoff or the log) past a step's last call,
    /// in seq order after `position`: the next step's, before any other.
    pending: Vec<StoredEvent>,
    position_tx: watch::Sender<Seq>,
    updates: broadcast::Sender<CallUpdate>,
    /// A format upgrade's rebuild, until done: where it ends, and when it
    /// started.
    rebuilding: Option<(Seq, std::time::Instant)>,
}

/// What [`Projector::upgrade`] found and did: the stored projections were
/// in format `from`; they are emptied and rebuilt in format `to` from the
/// log, up to seq `until` (the log's end at the time) and on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Upgrade {
    /// The format the rows were written in.
    pub from: u32,
    /// The format this build writes ([`calls::detail::PROJECTION_FORMAT`]).
    pub to: u32,
    /// The log's last seq when the rebuild began.
    pub until: Seq,
}

impl std::fmt::Debug for Projector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Projector")
            .field("position", &self.position)
            .field("cached", &self.cache.len())
            .field("frozen", &self.cache.frozen_len())
            .finish()
    }
}

impl Projector {
    /// A projector over `store`, with its own projection writer (taking
    /// turns at the database with the log's writer) and read handle,
    /// starting from the stored checkpoint, caching up to `cache` bytes of
    /// call states.
    pub fn open(store: &Store, batch: u32, cache: usize) -> Result<Projector, StoreError> {
        Projector::new(store.projection_writer()?, store.reader()?, batch, cache)
    }

    /// A projector writing through `store` and reading through `reader`
    /// (handles on the same database), starting from the stored checkpoint.
    pub fn new(
        store: Box<dyn ProjectionWrite>,
        reader: Reader,
        batch: u32,
        cache: usize,
    ) -> Result<Projector, StoreError> {
        let position = store.checkpoint()?;
        let (position_tx, _) = watch::channel(position);
        let (updates, _) = broadcast::channel(UPDATES_CAPACITY);
        Ok(Projector {
            store,
            reader,
            handoff: None,
            read_back: 0,
            loaded: 0,
            cache: CallCache::new(cache),
            placeholder: Placeholder::new(),
            memo: PieceMemo::default(),
            shared: SharedTexts::default(),
            position,
            batch: batch.max(1),
            step_calls: STEP_CALLS,
            pending: Vec::new(),
            position_tx,
            updates,
            rebuilding: None,
        })
    }

    /// Takes the batches the writer of the same database hands over in
    /// memory (see [`Handoff`]) instead of reading them back from the log.
    pub fn with_handoff(mut self, handoff: Handoff) -> Projector {
        self.handoff = Some(handoff);
        self
    }

    /// The handles the API uses.
    pub fn projection(&self) -> Projection {
        Projection {
            position: self.position_tx.subscribe(),
            updates: self.updates.clone(),
            rebuild_until: self.rebuilding.map(|(until, _)| until),
        }
    }

    /// How many events it has read back from the log because the writer's
    /// handoff did not hold them (all of them without a handoff).
    pub fn events_read_back(&self) -> u64 {
        self.read_back
    }

    /// How many times a call's state was read from the log: once per call
    /// seen, and again each time the cache held it neither hot nor frozen.
    pub fn calls_loaded(&self) -> u64 {
        self.loaded
    }

    /// The highest log seq projected.
    pub fn position(&self) -> Seq {
        self.position
    }

    /// Empties the projections and starts again from the beginning of the
    /// log (the first step of `calltap rebuild`).
    pub fn reset(&mut self) -> Result<(), StoreError> {
        self.store.reset(calls::detail::PROJECTION_FORMAT)?;
        self.cache.clear();
        self.pending.clear();
        self.position = Seq::ZERO;
        self.position_tx.send_replace(Seq::ZERO);
        Ok(())
    }

    /// Brings projections written in another format up to this build's
    /// ([`calls::detail::PROJECTION_FORMAT`]): empties them and starts from
    /// the beginning of the log, recording the new format in the same
    /// transaction. Called once at start, before [`Projector::spawn`], which
    /// then rebuilds them in the background while the server answers (the
    /// calls API from the calls rebuilt so far). `None` when the format is
    /// this build's, or nothing had been projected yet (then only the
    /// format is recorded). A rebuild cut short by a stop resumes from its
    /// checkpoint in the new format at the next start.
    pub fn upgrade(&mut self) -> Result<Option<Upgrade>, StoreError> {
        let from = self.store.format()?;
        let to = calls::detail::PROJECTION_FORMAT;
        if from == to {
            return Ok(None);
        }
        let had = self.position;
        self.reset()?;
        if had == Seq::ZERO {
            return Ok(None);
        }
        let until = self.reader.last_seq()?;
        self.rebuilding = Some((until, std::time::Instant::now()));
        Ok(Some(Upgrade { from, to, until }))
    }

    /// Logs the end of a format upgrade's rebuild once the position passed
    /// its end.
    fn note_rebuild_progress(&mut self) {
        if let Some((until, started)) = self.rebuilding {
            if self.position >= until {
                self.rebuilding = None;
                tracing::info!(
                    events = until.get(),
                    elapsed = ?started.elapsed(),
                    format = calls::detail::PROJECTION_FORMAT,
                    "projections rebuilt: the calls API is complete again"
                );
            }
        }
    }

    /// Projects the next batch of the log, if any: one read, one
    /// transaction. Returns how many events it consumed (0: caught up).
    pub fn process_once(&mut self) -> Result<usize, ProjectError> {
        match self.prepare_step()? {
            Some(step) => self.commit_step(step),
            None => Ok(0),
        }
    }

    /// The computing half of a step: reads the next batch (handed over, or
    /// from the log), folds it into the touched calls' states and builds
    /// their rows; `None` when the log holds nothing after the position.
    /// Nothing is written and the position does not move until
    /// [`Projector::commit_step`]; a step never committed is read again by
    /// the next one (folding an event twice changes no state).
    #[tracing::instrument(level = "debug", skip(self), fields(after = self.position.get()))]
    pub fn prepare_step(&mut self) -> Result<Option<Step>, ProjectError> {
        // Taken, so that a failed step leaves none: the next one reads the
        // log after the position (the handoff, past them, cannot vouch).
        let pending = std::mem::take(&mut self.pending);
        let handed = if pending.is_empty() {
            self.handoff
                .as_ref()
                .and_then(|handoff| handoff.take_after(self.position, self.batch as usize))
        } else {
            Some(pending)
        };
        let mut events = match handed {
            Some(events) => events,
            None => {
                let events = self.reader.stored_events(&EventFilter {
                    after: Some(self.position),
                    limit: self.batch,
                    ..EventFilter::default()
                })?;
                self.read_back += events.len() as u64;
                metrics::counter!("calltap_projection_read_back_total")
                    .increment(events.len() as u64);
                events
            }
        };
        let mut touched = BTreeSet::new();
        let mut deliveries = Vec::with_capacity(events.len());
        let mut consumed = 0;
        self.cache.begin_step();
        for event in &events {
            // Events that name no call (e.g. an assistant-request before the
            // call exists) belong to no call's state.
            let Some(id) = &event.call_id else {
                consumed += 1;
                continue;
            };
            if touched.len() >= self.step_calls && !touched.contains(id) {
                break;
            }
            consumed += 1;
            deliveries.push((id.clone(), event.seq));
            let call_event = self.call_event(event)?;
            if !self.cache.warm(id) {
                let (state, last_seq) = self.load(id)?;
                self.cache.insert(id, state, last_seq);
            }
            if let Some(cached) = self.cache.get_mut(id) {
                cached.apply(call_event);
                touched.insert(id.clone());
            }
        }
        // In the index's order: one call's deliveries share its leaves.
        deliveries.sort_unstable();
        let rest = events.split_off(consumed);
        let Some(last) = events.last().map(|e| e.seq) else {
            return Ok(None);
        };
        let mut rows = Vec::with_capacity(touched.len());
        for id in &touched {
            if let Some(cached) = self.cache.get(id) {
                rows.push(row(cached.state(), cached.last_seq(), &mut self.shared)?);
                self.cache.reweigh(id);
            }
        }
        Ok(Some(Step {
            rows,
            deliveries,
            last,
            events: events.len(),
            rest,
        }))
    }

    /// The writing half of a step: stores its rows and the new checkpoint
    /// in one transaction, then moves the position and tells live
    /// subscribers. Returns how many events the step consumed.
    pub fn commit_step(&mut self, step: Step) -> Result<usize, ProjectError> {
        let Step {
            rows,
            deliveries,
            last,
            events,
            rest,
        } = step;
        self.store.write_batch(&rows, &deliveries, last)?;
        self.position = last;
        self.pending = rest;
        self.cache.evict();
        metrics::gauge!("calltap_projection_cache_bytes").set(self.cache.bytes() as f64);
        metrics::gauge!("calltap_projection_cache_frozen_bytes")
            .set(self.cache.frozen_bytes() as f64);
        self.position_tx.send_replace(last);
        // Copies of the rows for live subscribers, only when there are
        // any: a step after a stall touches hundreds of calls, and each
        // detail copied is tens of KB. Counted after the commit, so that a
        // subscriber counted out subscribed after it and reads these rows
        // from the store.
        if self.updates.receiver_count() > 0 {
            for row in &rows {
                // A subscriber gone since is fine: nobody is watching.
                let _ = self.updates.send(CallUpdate {
                    id: row.id.clone(),
                    seq: row.last_seq,
                    detail: Arc::from(row.detail.as_str()),
                    summary: Arc::from(row.summary.as_str()),
                });
            }
        }
        metrics::counter!("calltap_projected_events_total").increment(events as u64);
        metrics::gauge!("calltap_projection_position").set(last.get() as f64);
        Ok(events)
    }

    /// Projects batches until the log has no more; returns how many events
    /// that took.
    pub fn catch_up(&mut self) -> Result<u64, ProjectError> {
        let mut total = 0;
        loop {
            let step = self.process_once();
            self.note_rebuild_progress();
            match step? {
                0 => return Ok(total),
                n => total += n as u64,
            }
        }
    }

    /// A call's state from its events already projected (seq up to the
    /// position); later ones are folded in by the batches that read them.
    fn load(&mut self, id: &CallId) -> Result<(CallState, Seq), StoreError> {
        self.loaded += 1;
        metrics::counter!("calltap_projection_loads_total").increment(1);
        let mut state = CallState::new(id.clone());
        let mut last_seq = Seq::ZERO;
        let mut after = Seq::ZERO;
        loop {
            // Only what is projected: a new call's events after the
            // position are in the batch being projected, not to be read
            // (and unpacked) twice.
            let page = self.reader.stored_events(&EventFilter {
                call_id: Some(id.clone()),
                after: Some(after),
                up_to: Some(self.position),
                limit: self.batch,
                ..EventFilter::default()
            })?;
            for event in &page {
                state.apply(self.call_event(event)?);
                last_seq = event.seq;
            }
            match page.last() {
                Some(last) if page.len() == self.batch as usize => after = last.seq,
                _ => break,
            }
        }
        Ok((state, last_seq))
    }

    /// The call event of one stored delivery: from its skeleton and the
    /// pieces it names when the body is cut, else from the whole body.
    fn call_event(&mut self, event: &StoredEvent) -> Result<CallEvent, StoreError> {
        let recipe = match &event.body {
            StoredBody::Whole(bytes) => return Ok(whole_call_event(event, bytes)),
            StoredBody::Recipe(recipe) => recipe,
        };
        let placeholder = &self.placeholder;
        let (skeleton, hashes) =
            body::skeleton(recipe, |range, out| placeholder.write(range, out))?;
        let skeleton = without_unread_artifact(&event.message_type, skeleton);
        // A skeleton that does not parse, or a piece that does not read
        // where it stands: the whole body decides, as for any body.
        if let Ok(message) = ServerMessage::from_envelope_of_type(&event.message_type, &skeleton) {
            let mut pieces = SkeletonPieces {
                placeholder,
                hashes: &hashes,
                memo: &mut self.memo,
                reader: &self.reader,
                unreadable: false,
                error: None,
            };
            let converted = calls::convert::call_event_with(
                event.seq,
                event.received_at,
                &message,
                &mut pieces,
            );
            if let Some(err) = pieces.error {
                return Err(err);
            }
            if !pieces.unreadable {
                return Ok(converted);
            }
        }
        metrics::counter!("calltap_projection_whole_body_fallbacks_total").increment(1);
        let bytes = self.reader.rebuild(event.body.clone())?;
        Ok(whole_call_event(event, &bytes))
    }

    /// Runs the projector until the writer stops (`committed` closes),
    /// computing on a background thread and writing on the blocking pool
    /// (see [`Projector::catch_up_beside_ingest`]): a catch-up at start,
    /// then one after each commit but no sooner than [`STEP_INTERVAL`]
    /// after the last; a last one once the writer has flushed, so that a
    /// clean shutdown leaves the projections complete. A failed step is
    /// logged and retried a second later, until the writer stops: then one
    /// last attempt, whatever it gives, so that a stop never waits on a
    /// store that keeps failing (a full disk); what is left is projected at
    /// the next start. The log is never affected.
    pub fn spawn(self, mut committed: watch::Receiver<Seq>) -> tokio::task::JoinHandle<()> {
        let background = match Background::spawn("calltap-projector") {
            Ok(background) => Some(background),
            Err(err) => {
                tracing::warn!(error = %err, "no background thread for the projector: it computes on the blocking pool");
                None
            }
        };
        tokio::spawn(async move {
            let mut projector = self;
            let mut placement = Placement::default();
            loop {
                let step_started = tokio::time::Instant::now();
                let result;
                (projector, result) = match projector
                    .catch_up_beside_ingest(background.as_ref(), &committed, &mut placement)
                    .await
                {
                    Ok(done) => done,
                    Err(Stopped) => {
                        tracing::error!("the projector panicked; call state stops here");
                        return;
                    }
                };
                if let Err(err) = result {
                    tracing::error!(error = %err, cause = ?std::error::Error::source(&err), "projection step failed; retrying");
                    metrics::counter!("calltap_projection_failures_total").increment(1);
                    tokio::select! {
                        () = tokio::time::sleep(Duration::from_secs(1)) => continue,
                        () = stopped(&mut committed) => {
                            final_catch_up(projector).await;
                            return;
                        }
                    }
                }
                if committed.changed().await.is_err() {
                    // The writer has stopped: one last catch-up, then done.
                    final_catch_up(projector).await;
                    return;
                }
                // Commits that land meanwhile join the next step.
                tokio::time::sleep_until(step_started + STEP_INTERVAL).await;
            }
        })
    }

    /// [`Projector::catch_up`] for the running server: each step computed
    /// on `background` while `placement` says so (else on the blocking
    /// pool, at normal priority), and written on the blocking pool, at
    /// normal priority, because the write holds the database's write turn,
    /// which the log's writer waits for. `placement` is kept from one
    /// catch-up to the next. Gives the projector back with the catch-up's
    /// result; [`Stopped`] if a step panicked (the projector is lost with
    /// it).
    async fn catch_up_beside_ingest(
        mut self,
        background: Option<&Background>,
        committed: &watch::Receiver<Seq>,
        placement: &mut Placement,
    ) -> Result<(Projector, Result<u64, ProjectError>), Stopped> {
        let mut total = 0;
        loop {
            let behind = committed.borrow().get().saturating_sub(self.position.get());
            metrics::gauge!("calltap_projection_lag_seqs").set(behind.max(0) as f64);
            let background =
                background.filter(|_| placement.background(behind, std::time::Instant::now()));
            let priority = if background.is_some() {
                "background"
            } else {
                "normal"
            };
            metrics::counter!("calltap_projection_steps_total", "priority" => priority)
                .increment(1);
            let prepared;
            (self, prepared) = match background {
                Some(background) => {
                    let started = std::time::Instant::now();
                    let done = background
                        .run(move || {
                            let prepared = self.prepare_step();
                            (self, prepared)
                        })
                        .await?;
                    placement.took(started.elapsed(), std::time::Instant::now());
                    done
                }
                None => tokio::task::spawn_blocking(move || {
                    let prepared = self.prepare_step();
                    (self, prepared)
                })
                .await
                .map_err(|_| Stopped)?,
            };
            let step = match prepared {
                Ok(Some(step)) => step,
                Ok(None) => return Ok((self, Ok(total))),
                Err(err) => return Ok((self, Err(err))),
            };
            let written;
            (self, written) = tokio::task::spawn_blocking(move || {
                let written = self.commit_step(step);
                (self, written)
            })
            .await
            .map_err(|_| Stopped)?;
            self.note_rebuild_progress();
            match written {
                Ok(events) => total += events as u64,
                Err(err) => return Ok((self, Err(err))),
            }
        }
    }
}

/// Resolves once the writer has stopped (its committed seq's sender is
/// gone); the changes before that are of no interest here.
async fn stopped(committed: &mut watch::Receiver<Seq>) {
    while committed.changed().await.is_ok() {}
}

/// The projector's last step, once the writer has stopped: one attempt.
/// A failure leaves the rest to the next start, which resumes from the
/// checkpoint.
async fn final_catch_up(mut projector: Projector) {
    let _ = tokio::task::spawn_blocking(move || match projector.catch_up() {
        Ok(_) => {}
        Err(err) => tracing::error!(
            error = %err,
            position = projector.position().get(),
            "the final projection step failed; the rest is projected at the next start"
        ),
    })
    .await;
}

/// The skeleton with `message.artifact` replaced by `null` when converting
/// its type does not read the artifact ([`calls::convert::reads_artifact`]).
/// Why: speech-updates, most of a call's deliveries, carry the whole live
/// artifact, and parsing it was about 40% of the skeleton's parse. As for
/// any part of a body its event does not use, an ill-typed artifact then no
/// longer sends the event to the whole-body path.
pub fn without_unread_artifact(message_type: &str, mut skeleton: Vec<u8>) -> Vec<u8> {
    if !calls::convert::reads_artifact(message_type) {
        calltap_protocol::raw::blank_artifact(&mut skeleton);
    }
    skeleton
}

/// The call event of one stored delivery, from its whole body. A body that
/// fails typed parsing was still accepted by ingest, so it is never dropped:
/// it is counted, logged and projected as an `Other` event of its type.
pub fn call_event(event: &Event) -> CallEvent {
    whole_call_event(event, &event.body)
}

/// The call event of a logged delivery from `body`, its bytes.
fn whole_call_event<B>(event: &Logged<B>, body: &[u8]) -> CallEvent {
    let seq = event.seq;
    match Envelope::from_slice(body) {
        Ok(envelope) => calls::convert::call_event(seq, event.received_at, &envelope.message),
        Err(err) => {
            tracing::warn!(seq = seq.get(), error = %err, "stored body fails typed parsing; projected as an opaque event");
            metrics::counter!("calltap_projection_unparsed_total").increment(1);
            CallEvent {
                seq,
                at_ms: event.timestamp.unwrap_or(event.received_at),
                call: None,
                kind: EventKind::Other {
                    message_type: event.message_type.clone(),
                },
            }
        }
    }
}

/// The stored row of a call's state. The one place where the row's filter
/// and sort columns are taken, each from the call's summary; the detail's
/// system prompt is serialised through `shared`, once per distinct prompt.
pub fn row(
    state: &CallState,
    last_seq: Seq,
    shared: &mut SharedTexts,
) -> Result<CallRow, serde_json::Error> {
    let detail = state.detail();
    let summary = detail.summary();
    let summary_json = serde_json::to_string(&summary)?;
    let detail = shared.serialise(detail)?;
    Ok(CallRow {
        id: summary.id.clone(),
        status: summary.status.clone(),
        ended_reason: summary.ended_reason.clone(),
        assistant_id: summary.assistant.id.clone(),
        assistant_name: summary.assistant.name.clone(),
        call_type: summary.call_type.clone(),
        started_at: summary.started_at,
        ended_at: summary.ended_at,
        // Every stored call has at least one event, so one of the two is
        // known; 0 is unreachable.
        sort_at: calls::analytics::call_time(&summary).unwrap_or(0),
        last_event_at: summary.last_event_at,
        event_count: summary.event_count as i64,
        last_seq,
        summary: summary_json,
        detail: detail.json,
        detail_shared: detail.shared,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::backend::LogAppend;
    use crate::store::projections::CallFilter;
    use crate::store::writer::Writer;
    use crate::store::{Durability, Job, NewEvent};

    /// A temporary database.
    fn temp_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("p.db"), Durability::Normal).expect("open");
        (dir, store)
    }

    /// The store's log writer, committing up to `batch` jobs at a time.
    fn writer(store: &Store, batch: usize) -> Writer<Box<dyn LogAppend>> {
        let (log, _checkpoints) = store.log_writer().expect("log writer");
        Writer::new(log, batch)
    }

    fn job(i: usize, call_id: Option<&str>, message_type: &str, body: Vec<u8>) -> Job {
        // Cut as ingest cuts it, so the projector reads rebuilt bodies.
        let split = crate::store::body::split(&body, &Default::default());
        Job::Event(NewEvent {
            received_at: 1_000 + i as i64,
            call_id: call_id.map(CallId::new),
            message_type: message_type.to_owned(),
            timestamp: None,
            key: crate::ids::DedupKey::stored(&format!("k{i}")),
            body: body.into(),
            headers: "{}".to_owned(),
            split,
        })
    }

    /// A database holding the sample corpus (call id and type read from
    /// each body, as ingest would).
    fn corpus_db() -> (tempfile::TempDir, Store) {
        db_of(calltap_protocol::fixtures::sample_deliveries())
    }

    /// A job per body, call id and type read from each, as ingest would.
    fn jobs_of(bodies: Vec<Vec<u8>>) -> Vec<Job> {
        bodies
            .into_iter()
            .enumerate()
            .map(|(i, body)| {
                let envelope = Envelope::from_slice(&body).expect("sample parses");
                let id = calls::convert::call_id(&envelope.message).map(str::to_owned);
                let kind = envelope.message.message_type().to_owned();
                job(i, id.as_deref(), &kind, body)
            })
            .collect()
    }

    fn db_of(bodies: Vec<Vec<u8>>) -> (tempfile::TempDir, Store) {
        let (dir, store) = temp_store();
        let jobs = jobs_of(bodies);
        writer(&store, 1024)
            .process_batch(&jobs.iter().collect::<Vec<_>>())
            .expect("commit");
        (dir, store)
    }

    fn all_rows(store: &Store) -> Vec<(CallId, String)> {
        let reader = store.reader().expect("reader");
        let rows = reader
            .calls(&CallFilter {
                limit: 1000,
                ..CallFilter::default()
            })
            .expect("list");
        rows.into_iter()
            .map(|r| {
                let detail = reader.call_detail(&r.id).expect("read").expect("a detail");
                (r.id, detail.detail)
            })
            .collect()
    }

    #[test]
    fn a_one_call_cache_and_tiny_batches_give_the_same_rows_as_a_large_cache() {
        let (_a, small) = corpus_db();
        let (_b, large) = corpus_db();
        let mut evicting = Projector::open(&small, 7, 1).expect("open");
        let mut roomy = Projector::open(&large, 512, DEFAULT_CACHE).expect("open");

        let n = evicting.catch_up().expect("catch up");
        roomy.catch_up().expect("catch up");

        assert!(n > 600, "read the corpus: {n}");
        assert!(evicting.cache.len() <= 1);
        let rows = all_rows(&small);
        assert_eq!(rows.len(), 12);
        assert_eq!(rows, all_rows(&large));
        assert_eq!(evicting.process_once().expect("step"), 0, "caught up");
    }

    #[test]
    fn calls_frozen_and_thawed_give_the_same_rows_as_a_large_cache_and_are_not_reloaded() {
        let (_a, small) = corpus_db();
        let (_b, large) = corpus_db();
        // Large batches: too few steps for a call to go idle and be frozen.
        let mut roomy = Projector::open(&large, 512, DEFAULT_CACHE).expect("open");
        roomy.catch_up().expect("catch up");
        let all_hot = roomy.cache.bytes();
        assert_eq!(roomy.cache.frozen_len(), 0);
        // A budget whose hot share (five sixteenths) holds a few of the
        // corpus's calls, and whose frozen tier holds the rest.
        let mut freezing = Projector::open(&small, 7, all_hot).expect("open");

        freezing.catch_up().expect("catch up");

        assert_eq!(all_rows(&small), all_rows(&large));
        assert!(freezing.cache.frozen_len() > 0, "states were frozen");
        assert_eq!(freezing.cache.len(), 12, "and none dropped");
        assert_eq!(
            freezing.calls_loaded(),
            12,
            "each call was read from the log once, when first seen"
        );
        let mut evicting = Projector::open(&small, 7, 1).expect("open");
        evicting.reset().expect("reset");
        evicting.catch_up().expect("catch up");
        assert!(evicting.calls_loaded() > 12, "{}", evicting.calls_loaded());
    }

    #[test]
    fn projections_of_another_format_are_emptied_and_rebuilt_in_this_one() {
        let (_dir, store) = corpus_db();
        let mut older = Projector::open(&store, 512, 4096).expect("open");
        // As an older calltap would leave them: projected, in format 1.
        older.store.reset(1).expect("mark format 1");
        older.catch_up().expect("catch up");
        let expected = all_rows(&store);
        let logged = older.position();

        let mut projector = Projector::open(&store, 64, 4096).expect("open");
        let upgrade = projector.upgrade().expect("upgrade");

        assert_eq!(
            upgrade,
            Some(Upgrade {
                from: 1,
                to: calls::detail::PROJECTION_FORMAT,
                until: logged,
            })
        );
        assert!(all_rows(&store).is_empty(), "the old rows are gone");
        let projection = projector.projection();
        assert_eq!(projection.rebuilding(), Some((Seq::ZERO, logged)));
        projector.catch_up().expect("catch up");
        assert_eq!(projection.rebuilding(), None, "done");
        assert_eq!(all_rows(&store), expected);
        let mut reopened = Projector::open(&store, 64, 4096).expect("open");
        assert_eq!(reopened.upgrade().expect("upgrade"), None, "recorded");
        assert_eq!(reopened.position(), logged);
    }

    #[test]
    fn a_fresh_database_records_the_format_without_a_rebuild() {
        let (_dir, store) = temp_store();
        let mut projector = Projector::open(&store, 64, 4096).expect("open");
        assert_eq!(projector.upgrade().expect("upgrade"), None);
        assert_eq!(
            projector.store.format().expect("format"),
            calls::detail::PROJECTION_FORMAT
        );
        assert_eq!(projector.projection().rebuilding(), None);
    }

    #[test]
    fn a_step_computes_in_the_background_only_while_the_projector_keeps_up() {
        let start = std::time::Instant::now();
        let mut placement = Placement::default();
        assert!(placement.background(0, start));
        assert!(placement.background(BACKGROUND_LAG, start));
        assert!(!placement.background(BACKGROUND_LAG + 1, start));
        // A step that kept within its patience changes nothing.
        placement.took(BACKGROUND_PATIENCE, start);
        assert!(placement.background(0, start));
        // A starved one sends the steps of the next few seconds to normal
        // priority, then the background is tried again.
        placement.took(BACKGROUND_PATIENCE + Duration::from_millis(1), start);
        assert!(!placement.background(0, start));
        assert!(!placement.background(0, start + BACKGROUND_RETRY - Duration::from_millis(1)));
        assert!(placement.background(0, start + BACKGROUND_RETRY));
    }

    #[tokio::test]
    async fn the_servers_catch_up_gives_the_rows_of_catch_up_computed_in_the_background_or_not() {
        let (_dir, reference) = corpus_db();
        let mut plain = Projector::open(&reference, 50, DEFAULT_CACHE).expect("open");
        let total = plain.catch_up().expect("catch up");
        let expected = all_rows(&reference);
        assert_eq!(expected.len(), 12);

        let background = Background::spawn("calltap-test-projector").expect("thread");
        // Keeping up (computed on the background thread), far behind
        // (computed on the blocking pool) and with no background thread.
        for (behind, background) in [
            (0, Some(&background)),
            (BACKGROUND_LAG + 1, Some(&background)),
            (0, None),
        ] {
            let (_dir, store) = corpus_db();
            let projector = Projector::open(&store, 50, DEFAULT_CACHE).expect("open");
            let (_tx, committed) = watch::channel(Seq::new(total as i64 + behind));
            let (projector, result) = projector
                .catch_up_beside_ingest(background, &committed, &mut Placement::default())
                .await
                .expect("no step panicked");
            assert_eq!(result.expect("catch up"), total);
            assert_eq!(projector.position(), Seq::new(total as i64));
            assert_eq!(all_rows(&store), expected);
        }
    }

    #[test]
    fn batches_handed_over_by_the_writer_give_the_rows_the_log_gives() {
        let (_dir, store) = temp_store();
        let handoff = Handoff::default();
        let mut writer = writer(&store, 1024).with_handoff(handoff.clone());
        // Small batches and a one-call cache: a call evicted mid-way is
        // loaded back from the log while later batches are handed over.
        let mut projector = Projector::open(&store, 7, 1)
            .expect("open")
            .with_handoff(handoff);
        let jobs = jobs_of(calltap_protocol::fixtures::sample_deliveries());
        for chunk in jobs.chunks(50) {
            writer
                .process_batch(&chunk.iter().collect::<Vec<_>>())
                .expect("commit");
            projector.catch_up().expect("catch up");
        }
        assert_eq!(projector.position(), Seq::new(jobs.len() as i64));
        assert_eq!(
            projector.events_read_back(),
            0,
            "every batch was handed over"
        );

        let (_dir, reference) = corpus_db();
        let mut from_log = Projector::open(&reference, 512, DEFAULT_CACHE).expect("open");
        from_log.catch_up().expect("catch up");
        assert_eq!(from_log.events_read_back(), jobs.len() as u64);
        let rows = all_rows(&store);
        assert_eq!(rows.len(), 12);
        assert_eq!(rows, all_rows(&reference));
    }

    #[test]
    fn steps_of_one_call_each_give_the_same_rows_and_keep_the_rest_for_the_next() {
        let (_dir, store) = temp_store();
        let handoff = Handoff::default();
        let mut writer = writer(&store, 1024).with_handoff(handoff.clone());
        let mut projector = Projector::open(&store, 512, DEFAULT_CACHE)
            .expect("open")
            .with_handoff(handoff);
        projector.step_calls = 1;
        let jobs = jobs_of(calltap_protocol::fixtures::sample_deliveries());
        writer
            .process_batch(&jobs.iter().collect::<Vec<_>>())
            .expect("commit");

        // The first step takes the whole batch and projects the first
        // call's deliveries up to the next call's; the rest waits.
        let first = projector.process_once().expect("step");
        assert!(first < jobs.len(), "one step took all {first}");
        assert!(!projector.pending.is_empty());
        let steps = 1 + std::iter::from_fn(|| match projector.process_once().expect("step") {
            0 => None,
            n => Some(n),
        })
        .count();

        assert!(steps > 12, "{steps} steps for 12 interleaved calls");
        assert_eq!(projector.position(), Seq::new(jobs.len() as i64));
        assert_eq!(projector.events_read_back(), 0, "the rest waited in memory");
        // Each step indexed the deliveries it took: up to the position,
        // every call's deliveries read from the index alone, as in the log.
        let reader = store.reader().expect("reader");
        assert_eq!(
            reader.calls_indexed_up_to().expect("index"),
            projector.position()
        );
        let everything = reader
            .stored_events(&EventFilter {
                limit: 10_000,
                ..EventFilter::default()
            })
            .expect("the log");
        let calls: BTreeSet<&CallId> = everything
            .iter()
            .filter_map(|e| e.call_id.as_ref())
            .collect();
        assert_eq!(calls.len(), 12);
        for call in calls {
            let of_call = |events: &[StoredEvent]| -> Vec<Seq> {
                events
                    .iter()
                    .filter(|e| e.call_id.as_ref() == Some(call))
                    .map(|e| e.seq)
                    .collect()
            };
            let indexed = reader
                .stored_events(&EventFilter {
                    call_id: Some(call.clone()),
                    limit: 10_000,
                    ..EventFilter::default()
                })
                .expect("the call's deliveries");
            assert_eq!(of_call(&indexed), of_call(&everything), "{call}");
            assert_eq!(indexed.len(), of_call(&everything).len(), "{call}");
        }
        let (_dir, reference) = corpus_db();
        let mut whole = Projector::open(&reference, 512, DEFAULT_CACHE).expect("open");
        whole.catch_up().expect("catch up");
        assert_eq!(all_rows(&store), all_rows(&reference));
    }

    #[test]
    fn a_projector_behind_the_handoff_reads_the_gap_from_the_log() {
        let (_dir, store) = corpus_db();
        let handoff = Handoff::default();
        let mut writer = writer(&store, 16).with_handoff(handoff.clone());
        let mut projector = Projector::open(&store, 512, DEFAULT_CACHE)
            .expect("open")
            .with_handoff(handoff);
        let logged = projector.reader.last_seq().expect("last seq").get();
        let late = |i: usize, status: &str| {
            let body = format!(
                r#"{{"message":{{"type":"status-update","status":"{status}","call":{{"id":"late-call"}}}}}}"#
            );
            job(i, Some("late-call"), "status-update", body.into_bytes())
        };
        writer
            .process_batch(&[&late(10_000, "queued")])
            .expect("commit");

        projector.catch_up().expect("catch up");
        // The corpus came from the log (and so may the late event, if the
        // last page read reached it).
        assert_eq!(projector.position(), Seq::new(logged + 1));
        let read_back = projector.events_read_back();
        assert!(read_back >= logged as u64, "{read_back}");

        writer
            .process_batch(&[&late(10_001, "ended")])
            .expect("commit");
        projector.catch_up().expect("catch up");
        assert_eq!(projector.position(), Seq::new(logged + 2));
        assert_eq!(projector.events_read_back(), read_back, "handed over again");
        let rows = all_rows(&store);
        assert_eq!(rows.len(), 13, "the corpus's 12 calls and the late one");
        let (_, detail) = rows
            .iter()
            .find(|(id, _)| id.as_str() == "late-call")
            .expect("the late call");
        assert!(detail.contains(r#""status":"ended""#), "{detail}");
    }

    /// Every call's detail folded from whole bodies, the reference the
    /// skeleton path must equal.
    fn details_from_whole_bodies(store: &Store) -> Vec<(CallId, String)> {
        let reader = store.reader().expect("reader");
        let events = reader
            .events(&EventFilter {
                limit: u32::MAX,
                ..EventFilter::default()
            })
            .expect("read");
        let mut states = std::collections::BTreeMap::new();
        for event in &events {
            if let Some(id) = &event.call_id {
                states
                    .entry(id.clone())
                    .or_insert_with(|| CallState::new(id.clone()))
                    .apply(call_event(event));
            }
        }
        states
            .into_iter()
            .map(|(id, state)| {
                let detail = serde_json::to_string(&state.detail()).expect("JSON");
                (id, detail)
            })
            .collect()
    }

    #[test]
    fn projecting_skeletons_gives_what_whole_bodies_give_and_reads_each_piece_once() {
        // The sample corpus, then the real deliveries (their own calls; one
        // report repeats its history at the top level, one conversation
        // comes in the undocumented `conversation` field).
        let mut bodies = calltap_protocol::fixtures::sample_deliveries();
        bodies.extend(
            calltap_protocol::fixtures::real_deliveries()
                .into_iter()
                .map(|(_, body)| body),
        );
        let (_dir, store) = db_of(bodies);
        let mut projector = Projector::open(&store, 64, DEFAULT_CACHE).expect("open");

        projector.catch_up().expect("catch up");

        let mut projected = all_rows(&store);
        projected.sort();
        assert_eq!(projected, details_from_whole_bodies(&store));
        let memo = projector.memo.len();
        assert!(memo > 100, "pieces were read through the memo: {memo}");
    }

    #[test]
    fn simulated_calls_with_every_feature_project_from_skeletons_as_from_whole_bodies() {
        use crate::sim::{MessageTypes, Renderer, SimConfig};
        let cfg = SimConfig {
            seed: 29,
            transfer_rate: 0.5,
            tool_call_rate: 0.5,
            interruption_rate: 0.3,
            messages: MessageTypes {
                transfer_update: true,
                transcript: true,
            },
            ..SimConfig::default()
        };
        let renderer = Arc::new(Renderer::new(&cfg));
        let mut bodies = Vec::new();
        for i in 0..40 {
            let mut call = renderer.call(i);
            while let Some((_, body)) = call.next_body() {
                bodies.push(body);
            }
        }
        let (_dir, store) = db_of(bodies);
        // A small batch and a one-call cache: states are reloaded from the
        // log through the skeleton path too.
        let mut projector = Projector::open(&store, 16, 1).expect("open");

        projector.catch_up().expect("catch up");

        let mut projected = all_rows(&store);
        projected.sort();
        assert_eq!(projected.len(), 40);
        assert_eq!(projected, details_from_whole_bodies(&store));
        assert!(!projector.memo.is_empty(), "the skeleton path was taken");
    }

    /// A speech-update whose `call` and one artifact entry are pieces, with
    /// `bad_call` or `bad_entry` making that piece ill-typed.
    fn speech_update(bad_call: bool, bad_entry: bool) -> Vec<u8> {
        let call_type = if bad_call { "5" } else { r#""webCall""# };
        let seconds = if bad_entry { r#""soon""# } else { "0" };
        let pad = "x".repeat(200);
        format!(
            r#"{{"message":{{"type":"speech-update","timestamp":9,"role":"user","status":"started",
              "artifact":{{"messages":[{{"role":"user","message":"{pad}","time":1,"secondsFromStart":{seconds}}}]}},
              "call":{{"id":"c","type":{call_type},"assistantId":"a-{pad}"}}}}}}"#
        )
        .into_bytes()
    }

    fn project_one(body: Vec<u8>) -> (CallEvent, CallEvent) {
        let (_dir, store) = temp_store();
        let stored = job(0, Some("c"), "speech-update", body);
        let Job::Event(new) = &stored else {
            unreachable!("job() makes events")
        };
        assert!(new.split.is_some(), "the body must be cut");
        writer(&store, 8).process_batch(&[&stored]).expect("commit");
        let mut projector = Projector::open(&store, 8, 8).expect("open");
        let event = projector
            .reader
            .stored_events(&EventFilter {
                limit: 1,
                ..EventFilter::default()
            })
            .expect("read")
            .remove(0);
        let from_skeleton = projector.call_event(&event).expect("converts");
        let whole = projector
            .reader
            .rebuild(event.body.clone())
            .expect("rebuild");
        (from_skeleton, whole_call_event(&event, &whole))
    }

    #[test]
    fn a_piece_that_does_not_read_where_it_stands_leaves_the_decision_to_the_whole_body() {
        let (from_skeleton, whole) = project_one(speech_update(true, false));

        assert_eq!(from_skeleton, whole);
        assert!(
            matches!(&whole.kind, EventKind::Other { message_type } if message_type == "speech-update"),
            "an ill-typed call makes the body opaque: {whole:?}"
        );
    }

    #[test]
    fn a_well_formed_body_gives_the_same_event_from_its_skeleton_as_whole() {
        let (from_skeleton, whole) = project_one(speech_update(false, false));

        assert_eq!(from_skeleton, whole);
        assert!(matches!(from_skeleton.kind, EventKind::Speech { .. }));
        let info = from_skeleton.call.expect("call info from the call piece");
        assert_eq!(info.call_type.as_deref(), Some("webCall"));
    }

    #[test]
    fn an_ill_typed_piece_the_event_does_not_use_no_longer_hides_the_event() {
        // The artifact's history is not part of a speech event, so its
        // piece is never read; the whole-body parse fails on it.
        let (from_skeleton, whole) = project_one(speech_update(false, true));

        assert!(matches!(whole.kind, EventKind::Other { .. }));
        assert!(
            matches!(from_skeleton.kind, EventKind::Speech { .. }),
            "{from_skeleton:?}"
        );
    }

    #[test]
    fn a_body_that_fails_typed_parsing_is_still_an_event_of_its_call() {
        let (_dir, store) = temp_store();
        let body = br#"{"message":{"type":"status-update","status":{"not":"a string"},"call":{"id":"odd"}}}"#;
        assert!(
            Envelope::from_slice(body).is_err(),
            "the body must fail typed parsing"
        );
        let event = job(0, Some("odd"), "status-update", body.to_vec());
        writer(&store, 8).process_batch(&[&event]).expect("commit");
        let mut projector = Projector::open(&store, 8, 8).expect("open");
        let mut position = projector.projection().position;

        projector.catch_up().expect("catch up");

        let stored = store
            .reader()
            .expect("reader")
            .call_detail(&CallId::new("odd"))
            .expect("read")
            .expect("the call exists");
        let detail: serde_json::Value = serde_json::from_str(&stored.detail).expect("JSON");
        assert_eq!(detail["event_count"], 1);
        assert_eq!(
            detail["last_event_at"], 1_000,
            "received_at stands in for the time"
        );
        assert_eq!(*position.borrow_and_update(), Seq::new(1));
    }
}
