//! The end-to-end proof of issues 13 and 16: the protocol crate's axum
//! tool-server example (`crates/protocol/examples/tool_server.rs`), run as
//! its users run it, answers every tool call of simulated calls with a
//! result per id, both when `calltap simulate` talks to it directly and
//! when calltap stands in front of it (`serve --forward-to`); and through
//! calltap, each answer is the app's, recorded with its question.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use calltap::config::ForwardConfig;
use calltap_protocol::auth::VapiSecretPlan;
use serde_json::{json, Value};

use crate::helpers::spawn_app_with;

const SECRET: &str = "tool-server-secret";

/// The binary of the protocol crate's example `name`: built by `cargo
/// test` (the workspace's), else built here with cargo, into the same
/// target directory this test binary is in.
fn example_binary(name: &str) -> PathBuf {
    let mut profile = std::env::current_exe().expect("the test binary");
    profile.pop();
    if profile.ends_with("deps") {
        profile.pop();
    }
    let binary = profile.join("examples").join(name);
    if binary.exists() {
        return binary;
    }
    let target = profile.parent().expect("the target directory");
    let mut build = Command::new(env!("CARGO"));
    build
        .args([
            "build",
            "--quiet",
            "-p",
            "calltap-protocol",
            "--features",
            "axum",
            "--example",
            name,
            "--target-dir",
        ])
        .arg(target);
    if profile.ends_with("release") {
        build.arg("--release");
    }
    let status = build.status().expect("cargo runs");
    assert!(status.success(), "building the example {name} failed");
    assert!(binary.exists(), "{} is missing", binary.display());
    binary
}

/// The example tool server on a free port, killed when dropped.
struct ToolServer {
    child: Child,
    url: String,
}

impl ToolServer {
    fn start() -> ToolServer {
        let mut child = Command::new(example_binary("tool_server"))
            .arg("127.0.0.1:0")
            .env(
                "VAPI_AUTH",
                json!({"type": "vapi-secret", "secret": SECRET}).to_string(),
            )
            .stdout(Stdio::piped())
            .spawn()
            .expect("the example starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the example prints its URL");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        ToolServer { child, url }
    }
}

impl Drop for ToolServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What `simulate` said of the tool calls: (questions, answered with a
/// result for every id, results, errors among them, not answered).
#[derive(Debug, PartialEq)]
struct ToolLine {
    questions: u64,
    complete: u64,
    results: u64,
    errors: u64,
    incomplete: u64,
}

/// Reads the report's `tool calls:` line.
fn tool_line(stdout: &str) -> ToolLine {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("tool calls:"))
        .unwrap_or_else(|| panic!("no tool calls line in:\n{stdout}"));
    let numbers: Vec<u64> = line
        .split_whitespace()
        .filter_map(|word| word.trim_start_matches('(').parse().ok())
        .collect();
    let [questions, complete, results, errors, incomplete] = numbers[..] else {
        panic!("unexpected tool calls line {line:?}");
    };
    ToolLine {
        questions,
        complete,
        results,
        errors,
        incomplete,
    }
}

/// Plays the same simulated calls (fixed seed, many tool calls) into
/// `url`, signed with the example's secret; returns the report.
async fn simulate(url: &str) -> String {
    let run = tokio::process::Command::new(env!("CARGO_BIN_EXE_calltap"))
        .args([
            "simulate",
            "--to",
            url,
            "--calls",
            "30",
            "--tool-call-rate",
            "0.6",
            "--concurrency",
            "10",
            "--max-speed",
            "--seed",
            "1613",
            "--vapi-secret",
            SECRET,
            "--no-progress",
        ])
        .output()
        .await
        .expect("calltap simulate runs");
    let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
    assert!(
        run.status.success(),
        "simulate failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_tool_server_answers_every_simulated_tool_call_directly_and_through_calltap() {
    let server = ToolServer::start();

    // Straight to the app.
    let direct = tool_line(&simulate(&server.url).await);
    assert!(direct.questions >= 10, "too few tool calls: {direct:?}");
    assert_eq!(direct.complete, direct.questions, "{direct:?}");
    assert_eq!(direct.incomplete, 0, "{direct:?}");
    assert!(direct.results >= direct.questions, "{direct:?}");

    // Through calltap, which presents the app's secret as Vapi would.
    let app = spawn_app_with(|config| {
        let mut forward = ForwardConfig::new(&server.url);
        forward.credentials = vec![VapiSecretPlan::new(SECRET).into()];
        config.forward = Some(forward);
    })
    .await;
    let through = tool_line(&simulate(&format!("{}/", app.base)).await);
    assert_eq!(
        through, direct,
        "the same questions, answered alike through calltap"
    );

    // Each answer was the app's own, recorded with its question, and
    // names every one of its tool calls.
    let events = app
        .get_json("/api/v1/events?type=tool-calls&limit=1000")
        .await;
    let events = events["events"].as_array().expect("events").clone();
    assert_eq!(events.len() as u64, direct.questions);
    for event in events {
        let seq = event["seq"].as_i64().expect("seq");
        let recorded = crate::forward::json_when(&app, &format!("/api/v1/events/{seq}"), |e| {
            !e["answer"].is_null()
        })
        .await;
        let answer = &recorded["answer"];
        assert_eq!(answer["outcome"], "app", "{recorded}");
        assert_eq!(answer["status"], 200, "{recorded}");
        let asked: Vec<Value> = recorded["body"]["message"]["toolCallList"]
            .as_array()
            .expect("tool calls")
            .iter()
            .map(|call| call["id"].clone())
            .collect();
        let answered: Vec<Value> = answer["body"]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|result| result["toolCallId"].clone())
            .collect();
        assert_eq!(answered, asked, "{recorded}");
    }
}
