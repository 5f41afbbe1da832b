//! The real binary under signals: SIGTERM loses nothing that was answered
//! 200 and exits 0; SIGKILL mid-load loses nothing that was answered 200.

use std::collections::HashSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

/// A free port on loopback (bind, read, release; a small race we accept).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

struct Server {
    child: Child,
    base: String,
}

fn start(db: &Path) -> Server {
    let port = free_port();
    let log = if std::env::var_os("TEST_LOG").is_some() {
        Stdio::inherit()
    } else {
        Stdio::null()
    };
    let child = Command::new(env!("CARGO_BIN_EXE_calltap"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--db"])
        .arg(db)
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

async fn wait_healthy(server: &mut Server, client: &reqwest::Client) {
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
