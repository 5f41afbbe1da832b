//! The full-disk campaign (issue 14): the database on a small filesystem
//! made for the test (a size-limited tmpfs mounted over the test's
//! directory; the suite runs as root here). When the disk fills, ingest
//! answers 503 with `Retry-After` and keeps nothing it acknowledged from
//! being lost, reads keep working, and once space is freed ingest resumes
//! by itself; the database is intact at the end.
//!
//! Mounting needs root (CAP_SYS_ADMIN): as root a failed mount fails the
//! test; otherwise the test says why it cannot run and passes.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::helpers::{db_path, spawn_app_in};

/// A tmpfs of `size` mounted on `dir` until dropped.
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(dir: &Path, size: &str) -> Option<Mount> {
        let output = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .expect("mount runs");
        if output.status.success() {
            return Some(Mount(dir.to_owned()));
        }
        let uid = Command::new("id").arg("-u").output().expect("id runs");
        let root = String::from_utf8_lossy(&uid.stdout).trim() == "0";
        assert!(
            !root,
            "mount failed as root: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        eprintln!(
            "full_disk: not root, cannot mount a tmpfs ({}); not run",
            String::from_utf8_lossy(&output.stderr).trim()
        );
        None
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        // Lazily: a test that failed may leave the server's files open.
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        let _ = std::fs::remove_dir(&self.0);
    }
}

/// Writes a file until the filesystem is full; returns its path.
fn fill(dir: &Path) -> PathBuf {
    use std::io::Write;
    let path = dir.join("filler");
    let mut file = std::fs::File::create(&path).expect("create the filler");
    let chunk = vec![0xa5u8; 64 << 10];
    while file.write_all(&chunk).is_ok() {}
    // What is left is less than a chunk: fill it byte by byte.
    while file.write_all(&[0]).is_ok() {}
    let _ = file.flush();
    path
}

/// A delivery of about `size` bytes that no other shares (so nothing of
/// it is stored already as a piece).
fn large_delivery(id: &str, size: usize) -> String {
    let filler: String = (0..size / 64)
        .map(|i| {
            blake3::hash(format!("{id}-{i}").as_bytes())
                .to_hex()
                .to_string()
        })
        .collect();
    format!(
        r#"{{"message":{{"type":"status-update","status":"in-progress","timestamp":1750314425773,"note":"{filler}","call":{{"id":"{id}"}}}}}}"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_answers_503_keeps_reads_and_resumes_once_space_is_freed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(_mount) = Mount::tmpfs(dir.path(), "8m") else {
        return;
    };
    let app = spawn_app_in(dir, |c| c.retry_after = Duration::from_secs(4)).await;
    let mut acked = Vec::new();
    for i in 0..3 {
        let body = large_delivery(&format!("before-{i}"), 4 << 10);
        let response = app.post(body.clone()).await;
        assert_eq!(response.status(), 200);
        acked.push((seq_of(&response), body));
    }

    // Fill the disk; deliveries are then refused with 503, soon if not at
    // once (the WAL may have room left from before).
    let filler = fill(app.dir.path());
    let mut refused = None;
    for i in 0..200 {
        let body = large_delivery(&format!("full-{i}"), 64 << 10);
        let response = app.post(body.clone()).await;
        match response.status().as_u16() {
            200 => acked.push((seq_of(&response), body)),
            503 => {
                refused = Some(response);
                break;
            }
            other => panic!("unexpected status {other} on a full disk"),
        }
    }
    let refused = refused.expect("a full disk never refused a delivery");
    assert_eq!(refused.headers()["retry-after"], "4");
    let answer: serde_json::Value = refused.json().await.expect("JSON");
    assert!(
        ["store_unavailable", "store_busy"].contains(&answer["kind"].as_str().unwrap_or("")),
        "{answer}"
    );

    // Reads keep working.
    assert_eq!(app.get("/healthz").await.status(), 200);
    let events = app.get_json("/api/v1/events?limit=1000").await;
    assert_eq!(
        events["events"].as_array().expect("events").len(),
        acked.len()
    );

    // Space freed: ingest resumes by itself.
    std::fs::remove_file(&filler).expect("free the space");
    let mut resumed = false;
    for i in 0..100 {
        let body = large_delivery(&format!("after-{i}"), 4 << 10);
        let response = app.post(body.clone()).await;
        if response.status() == 200 {
            acked.push((seq_of(&response), body));
            resumed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(resumed, "ingest did not resume after space was freed");

    // Nothing acknowledged is lost, byte for byte, and the file is sound.
    for (seq, body) in &acked {
        let raw = app.get(&format!("/api/v1/events/{seq}/raw")).await;
        assert_eq!(raw.status(), 200, "seq {seq}");
        assert_eq!(&raw.text().await.expect("text"), body, "seq {seq}");
    }
    let dir = app.stop().await;
    let integrity: String = rusqlite::Connection::open(db_path(&dir))
        .expect("open")
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check");
    assert_eq!(integrity, "ok");
    // `dir` (inside the mount) goes before the mount does.
    drop(dir);
}

fn seq_of(response: &reqwest::Response) -> i64 {
    response.headers()["x-calltap-seq"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("a seq")
}
