//! The real binary under signals: SIGTERM loses nothing that was answered
//! 200 and exits 0; SIGKILL mid-load loses nothing that was answered 200.
//! And its wiring as one process: the projector takes what the writer
//! commits in memory (process-wide metrics need a process of their own).

use std::collections::HashSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

/// A free port on loopback (bind, read, release; a small race we accept).
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) base: String,
}

fn start(db: &Path) -> Server {
    start_with(db, &[])
}

/// The binary serving `db` on a free port, with more `args`.
pub(crate) fn start_with(db: &Path, args: &[&str]) -> Server {
    start_on(db, free_port(), args)
}

/// The binary serving `db` on `port`, with more `args`.
pub(crate) fn start_on(db: &Path, port: u16, args: &[&str]) -> Server {
    let log = if std::env::var_os("TEST_LOG").is_some() {
        Stdio::inherit()
    } else {
        Stdio::null()
    };
    let child = Command::new(env!("CARGO_BIN_EXE_calltap"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--db"])
        .arg(db)
        .args(args)
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start calltap");
    Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    }
}

pub(crate) async fn wait_healthy(server: &mut Server, client: &reqwest::Client) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(r) = client.get(format!("{}/healthz", server.base)).send().await {
            if r.status().is_success() {
                return;
            }
        }
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!("calltap exited during start-up: {status}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("calltap did not become healthy");
}

fn body(tag: &str, worker: usize, i: usize) -> String {
    format!(
        r#"{{"message":{{"type":"status-update","status":"in-progress","timestamp":{i},"call":{{"id":"{tag}-{worker}-{i}"}}}}}}"#
    )
}

/// Sends from `workers` concurrent loops until the server stops answering;
/// returns the bodies that were answered 200.
fn load(
    base: &str,
    client: &reqwest::Client,
    tag: &str,
    workers: usize,
) -> (Arc<Mutex<Vec<String>>>, Vec<tokio::task::JoinHandle<()>>) {
    let acked = Arc::new(Mutex::new(Vec::new()));
    let tasks = (0..workers)
        .map(|w| {
            let (client, url, acked, tag) = (
                client.clone(),
                format!("{base}/"),
                acked.clone(),
                tag.to_owned(),
            );
            tokio::spawn(async move {
                for i in 0.. {
                    let body = body(&tag, w, i);
                    match client.post(&url).body(body.clone()).send().await {
                        Ok(r) if r.status() == 200 => acked.lock().expect("lock").push(body),
                        Ok(_) => {}
                        Err(_) => break,
                    }
                }
            })
        })
        .collect();
    (acked, tasks)
}

fn stored_bodies(db: &Path) -> HashSet<String> {
    let conn = rusqlite::Connection::open(db).expect("open the log");
    let mut stmt = conn.prepare("SELECT body FROM events").expect("query");
    stmt.query_map([], |row| row.get::<_, Vec<u8>>(0))
        .expect("rows")
        .map(|b| String::from_utf8(b.expect("row")).expect("utf-8"))
        .collect()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_in_flight_requests_loses_nothing_and_exits_0() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("calltap.db");
    let client = client();
    let mut server = start(&db);
    wait_healthy(&mut server, &client).await;

    let (acked, tasks) = load(&server.base, &client, "term", 16);
    tokio::time::sleep(Duration::from_millis(400)).await;
    kill(Pid::from_raw(server.child.id() as i32), Signal::SIGTERM).expect("SIGTERM");
    for task in tasks {
        task.await.expect("sender");
    }
    let status = tokio::task::spawn_blocking(move || server.child.wait())
        .await
        .expect("join")
        .expect("wait");

    assert!(status.success(), "calltap exited with {status}");
    let acked = acked.lock().expect("lock").clone();
    assert!(!acked.is_empty(), "nothing was acknowledged before SIGTERM");
    let stored = stored_bodies(&db);
    for body in &acked {
        assert!(stored.contains(body), "acknowledged but lost: {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_leaves_the_wal_empty_and_the_database_whole_in_its_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("calltap.db");
    let wal = dir.path().join("calltap.db-wal");
    let client = client();
    let mut server = start(&db);
    wait_healthy(&mut server, &client).await;
    // Bodies with pieces, and a projector writing each call's state: the
    // WAL grows by several MB before the stop.
    let corpus = calltap_protocol::fixtures::sample_deliveries();
    post_and_project(&server, &client, &corpus).await;
    let grown = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    assert!(grown > 0, "the WAL was in use before the stop");

    kill(Pid::from_raw(server.child.id() as i32), Signal::SIGTERM).expect("SIGTERM");
    let status = tokio::task::spawn_blocking(move || server.child.wait())
        .await
        .expect("join")
        .expect("wait");

    assert!(status.success(), "calltap exited with {status}");
    let left = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    assert_eq!(left, 0, "the WAL kept {left} bytes (it had {grown})");
    // Everything is in the database file itself: read it with the WAL gone.
    let conn =
        rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open");
    let events: usize = conn
        .query_row("SELECT count(*) FROM events", [], |row| row.get(0))
        .expect("count");
    assert_eq!(events, corpus.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_load_loses_nothing_that_was_answered_200() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("calltap.db");
    let client = client();
    let mut all_acked = Vec::new();

    for round in 0..4 {
        let mut server = start(&db);
        wait_healthy(&mut server, &client).await;
        let (acked, tasks) = load(&server.base, &client, &format!("kill{round}"), 16);
        tokio::time::sleep(Duration::from_millis(300 + 100 * round as u64)).await;
        server.child.kill().expect("SIGKILL");
        for task in tasks {
            task.await.expect("sender");
        }
        let _ = server.child.wait();
        let acked = acked.lock().expect("lock").clone();
        assert!(!acked.is_empty(), "round {round}: nothing acknowledged");
        all_acked.extend(acked);

        // Restarting recovers the WAL; everything answered so far is there.
        let mut server = start(&db);
        wait_healthy(&mut server, &client).await;
        server.child.kill().expect("SIGKILL");
        let _ = server.child.wait();
        let stored = stored_bodies(&db);
        for body in &all_acked {
            assert!(
                stored.contains(body),
                "round {round}: acknowledged but lost: {body}"
            );
        }
    }
}

/// The value of an unlabelled counter in a Prometheus text page (absent: 0).
pub(crate) async fn counter(server: &Server, client: &reqwest::Client, name: &str) -> f64 {
    let text = client
        .get(format!("{}/metrics", server.base))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("metrics text");
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

/// POSTs `bodies`, 8 at a time, each answered 200; then waits until the
/// projector has folded in that many events.
async fn post_and_project(server: &Server, client: &reqwest::Client, bodies: &[Vec<u8>]) {
    let before = counter(server, client, "calltap_projected_events_total").await;
    for chunk in bodies.chunks(8) {
        let responses = futures_util::future::join_all(chunk.iter().map(|b| {
            client
                .post(format!("{}/", server.base))
                .body(b.clone())
                .send()
        }))
        .await;
        for response in responses {
            assert_eq!(response.expect("answer").status(), 200);
        }
    }
    let wanted = before + bodies.len() as f64;
    for _ in 0..500 {
        if counter(server, client, "calltap_projected_events_total").await >= wanted {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the projector did not fold in {} events", bodies.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_projector_takes_what_the_writer_commits_without_reading_it_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("calltap.db");
    let client = client();
    let corpus = calltap_protocol::fixtures::sample_deliveries();
    let (first, second) = corpus.split_at(400);

    for (run, bodies) in [first, second].into_iter().enumerate() {
        // The second run starts on the first one's log, fully projected.
        let mut server = start(&db);
        wait_healthy(&mut server, &client).await;
        post_and_project(&server, &client, bodies).await;

        let projected = counter(&server, &client, "calltap_projected_events_total").await;
        let read_back = counter(&server, &client, "calltap_projection_read_back_total").await;
        assert_eq!(projected, bodies.len() as f64, "run {run}");
        assert_eq!(
            read_back, 0.0,
            "run {run}: every batch should be handed over"
        );
        kill(Pid::from_raw(server.child.id() as i32), Signal::SIGTERM).expect("SIGTERM");
        let _ = server.child.wait();
    }
}
