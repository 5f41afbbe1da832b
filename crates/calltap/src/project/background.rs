//! A thread that runs the projector's computing only on CPU time nothing
//! else wants: Linux's `SCHED_IDLE` policy.
//!
//! Under load the two cores of a small machine sit idle part of the time
//! while every stage waits on another (the writer's commit, the HTTP
//! workers' parsing). The projector's parsing and folding needs no lock and
//! holds nothing others wait for, so it can use exactly that idle time
//! instead of taking turns with ingest; its row writes, which hold the
//! database's write turn, stay at normal priority on the blocking pool, so
//! that a starved projector never stalls the log's writer behind that turn.
//!
//! An unprivileged thread cannot leave `SCHED_IDLE` again, so the policy
//! belongs to a thread of its own that does nothing else. Where the policy
//! cannot be set (another OS, a sandbox refusing it), the thread runs at
//! normal priority and says so once.

use std::sync::mpsc;

use tokio::sync::oneshot;

type Job = Box<dyn FnOnce() + Send + 'static>;

/// The thread and the queue of work it runs, in order.
#[derive(Debug)]
pub struct Background {
    jobs: mpsc::Sender<Job>,
    idle: bool,
}

/// The background thread has gone: a job it ran panicked.
#[derive(Debug, thiserror::Error)]
#[error("the projector's background thread stopped (a step panicked)")]
pub struct Stopped;

impl Background {
    /// Starts the thread, named `name`, at `SCHED_IDLE` where the OS allows.
    /// It stops once this handle is dropped and its queue is done.
    pub fn spawn(name: &str) -> std::io::Result<Background> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let (set_tx, set_rx) = mpsc::channel();
        std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                let _ = set_tx.send(lower_own_priority());
                while let Ok(job) = queue.recv() {
                    job();
                }
            })?;
        let idle = match set_rx.recv() {
            Ok(Ok(())) => true,
            Ok(Err(reason)) => {
                tracing::info!(%reason, "the projector computes at normal priority");
                false
            }
            Err(_) => false,
        };
        Ok(Background { jobs, idle })
    }

    /// Whether the thread runs at `SCHED_IDLE` (false: at normal priority).
    pub fn is_idle_priority(&self) -> bool {
        self.idle
    }

    /// Runs `job` on the thread, after the jobs queued before it, and gives
    /// its result; [`Stopped`] if the thread has gone (a job panicked).
    pub async fn run<R, F>(&self, job: F) -> Result<R, Stopped>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let (done, result) = oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                // The waiter may be gone (the server stopping): nothing to tell.
                let _ = done.send(job());
            }))
            .map_err(|_| Stopped)?;
        result.await.map_err(|_| Stopped)
    }
}

/// Puts the calling thread at `SCHED_IDLE`.
#[cfg(target_os = "linux")]
fn lower_own_priority() -> Result<(), String> {
    use thread_priority::{
        set_thread_priority_and_policy, thread_native_id, NormalThreadSchedulePolicy,
        ThreadPriority, ThreadSchedulePolicy,
    };
    set_thread_priority_and_policy(
        thread_native_id(),
        ThreadPriority::Min,
        ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle),
    )
    .map_err(|err| format!("SCHED_IDLE refused: {err:?}"))
}

/// Only Linux has `SCHED_IDLE`.
#[cfg(not(target_os = "linux"))]
fn lower_own_priority() -> Result<(), String> {
    Err("SCHED_IDLE is Linux's".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn jobs_run_in_order_on_one_thread_at_idle_priority() {
        let background = Background::spawn("bg-test").expect("spawn");
        let first = background
            .run(|| (std::thread::current().id(), own_policy()))
            .await
            .expect("first job");
        let second = background
            .run(|| std::thread::current().id())
            .await
            .expect("second job");
        assert_eq!(first.0, second, "every job runs on the one thread");
        assert_ne!(first.0, std::thread::current().id());
        if cfg!(target_os = "linux") {
            assert!(background.is_idle_priority());
            assert_eq!(first.1.as_deref(), Some("Idle"));
        }
    }

    #[tokio::test]
    async fn a_job_that_panics_stops_the_thread_and_later_jobs_say_so() {
        let background = Background::spawn("bg-panic").expect("spawn");
        let panicked = background.run(|| -> u8 { panic!("a step panicked") }).await;
        assert!(matches!(panicked, Err(Stopped)));
        let after = background.run(|| 1u8).await;
        assert!(matches!(after, Err(Stopped)));
    }

    /// The calling thread's policy, as the OS reports it.
    fn own_policy() -> Option<String> {
        #[cfg(target_os = "linux")]
        {
            use thread_priority::{thread_schedule_policy, ThreadSchedulePolicy};
            match thread_schedule_policy() {
                Ok(ThreadSchedulePolicy::Normal(policy)) => Some(format!("{policy:?}")),
                _ => None,
            }
        }
        #[cfg(not(target_os = "linux"))]
        None
    }
}
