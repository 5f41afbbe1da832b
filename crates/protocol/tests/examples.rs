//! The examples under `examples/`, built by `cargo test` and run here as a
//! user would run them: the servers on a free port against real HTTP
//! requests, the file tools on the message bodies of `tests/messages/`.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::SystemTime;

use calltap_protocol::auth::{format_timestamp, SignInput, TimestampFormat, Verifier};
use serde_json::{json, Value};

/// The binary of example `name`, next to this test's own binary's folder.
fn example(name: &str) -> Command {
    let mut path = std::env::current_exe().expect("the test binary");
    path.pop();
    if path.ends_with("deps") {
        path.pop();
    }
    let binary = path.join("examples").join(name);
    assert!(
        binary.exists(),
        "{} is missing: `cargo test` builds the examples (a `--test` filter does not)",
        binary.display()
    );
    Command::new(binary)
}

fn message_body(file: &str) -> Vec<u8> {
    std::fs::read(body_path(file)).expect("a message body")
}

fn body_path(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/messages")
        .join(file)
}

/// A running example server, killed when dropped.
struct Server {
    child: Child,
    url: String,
    output: BufReader<std::process::ChildStdout>,
}

impl Server {
    /// Starts `command` on a free port and reads the URL it prints.
    fn start(mut command: Command) -> Server {
        let mut child = command
            .arg("127.0.0.1:0")
            .stdout(Stdio::piped())
            .spawn()
            .expect("the example starts");
        let mut output = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        output.read_line(&mut line).expect("the example prints");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        Server { child, url, output }
    }

    fn next_line(&mut self) -> String {
        let mut line = String::new();
        self.output.read_line(&mut line).expect("a line");
        line.trim().to_owned()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const WEBHOOK_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// Signs `body` for `url` with the Standard Webhooks plan of `secret`.
fn signed_headers(secret: &str, url: &str, body: &[u8]) -> reqwest::header::HeaderMap {
    let verifier: Verifier =
        serde_json::from_value(json!({"type": "standard-webhooks", "secret": secret}))
            .expect("a plan");
    let timestamp = format_timestamp(SystemTime::now(), TimestampFormat::Seconds);
    let input = SignInput {
        method: "POST",
        url,
        body,
        timestamp: &timestamp,
        message_id: Some("msg_2xZQ8kV1"),
    };
    verifier.sign(&input).expect("signs").into_iter().collect()
}

async fn post(url: &str, headers: reqwest::header::HeaderMap, body: Vec<u8>) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(url)
        .headers(headers)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("the server answers");
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON answer"))
}

#[tokio::test]
async fn the_tool_server_answers_every_tool_call_of_a_signed_delivery_and_refuses_an_unsigned_one()
{
    let mut command = example("tool_server");
    command.env(
        "VAPI_AUTH",
        json!({"type": "standard-webhooks", "secret": WEBHOOK_SECRET}).to_string(),
    );
    let server = Server::start(command);
    let body = message_body("tool-calls.json");

    let headers = signed_headers(WEBHOOK_SECRET, &server.url, &body);
    let (status, answer) = post(&server.url, headers, body.clone()).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer,
        json!({"results": [
            {"name": "book_appointment", "toolCallId": "call_7QmWc2hR8kXvN3pL",
             "result": "Booked for 2026-08-18 at 10:30."},
            {"name": "check_insurance", "toolCallId": "call_Zt4bY9uE1sDf6GhJ",
             "error": "unknown tool Some(\"check_insurance\")"}
        ]})
    );

    let (status, answer) = post(&server.url, Default::default(), body).await;
    assert_eq!(status, 401);
    assert_eq!(answer["kind"], json!("missing_header"));

    let status_update = message_body("status-update.json");
    let headers = signed_headers(WEBHOOK_SECRET, &server.url, &status_update);
    assert_eq!(
        post(&server.url, headers, status_update).await,
        (200, json!({}))
    );
}

#[tokio::test]
async fn the_hand_written_verifier_accepts_a_signed_delivery_and_names_what_is_wrong_with_a_tampered_one(
) {
    let mut command = example("verify_standard_webhooks");
    command.env("WEBHOOK_SECRET", WEBHOOK_SECRET);
    let mut server = Server::start(command);
    let body = message_body("transcript.json");

    let headers = signed_headers(WEBHOOK_SECRET, &server.url, &body);
    assert_eq!(
        post(&server.url, headers.clone(), body.clone()).await,
        (200, json!({}))
    );
    assert_eq!(server.next_line(), "msg_2xZQ8kV1: transcript");

    let mut tampered = body.clone();
    tampered.extend_from_slice(b" ");
    let (status, answer) = post(&server.url, headers, tampered).await;
    assert_eq!(status, 401);
    assert_eq!(
        answer,
        json!({"error": "credential or signature does not match"})
    );

    let other_secret = signed_headers("whsec_c2Vjb25kLXNlY3JldC1rZXk=", &server.url, &body);
    assert_eq!(post(&server.url, other_secret, body).await.0, 401);
}

fn run(mut command: Command) -> Output {
    command.output().expect("the example runs")
}

#[test]
fn validate_file_passes_a_valid_body_and_names_the_path_of_each_violation() {
    let mut valid = example("validate_file");
    valid.arg(body_path("status-update.json"));
    let output = run(valid);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.ends_with("1 deliveries, 0 with violations\n"),
        "{stdout}"
    );

    let dir = std::env::temp_dir().join(format!("calltap-validate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let file = dir.join("bad.jsonl");
    let lines = [
        json!({"message": {"type": "speech-update", "status": "started", "role": "user"}}),
        json!({"message": {"type": "speech-update", "status": "paused", "role": 7}}),
    ];
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&file, text).expect("writes");
    let mut invalid = example("validate_file");
    invalid.arg(&file);
    let output = run(invalid);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(":2: /message/status: unknown_enum_value"),
        "{stdout}"
    );
    assert!(stdout.contains(":2: /message/role: wrong_type"), "{stdout}");
    assert!(
        stdout.ends_with("2 deliveries, 1 with violations\n"),
        "{stdout}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_fallback_answer_carries_the_configured_message_for_every_tool_call_id() {
    let mut command = example("fallback_answer");
    command
        .arg(body_path("tool-calls.json"))
        .arg("Bookings are down; offer a callback.");
    let output = run(command);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let answer: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let results = answer["results"].as_array().expect("results");
    let ids: Vec<&str> = results
        .iter()
        .map(|r| r["toolCallId"].as_str().expect("an id"))
        .collect();
    assert_eq!(ids, ["call_7QmWc2hR8kXvN3pL", "call_Zt4bY9uE1sDf6GhJ"]);
    assert!(results
        .iter()
        .all(|r| r["error"] == json!("Bookings are down; offer a callback.")));
}

#[test]
fn the_readme_shows_the_tool_server_example_as_it_is_and_it_stays_under_60_lines() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let example = std::fs::read_to_string(root.join("examples/tool_server.rs")).expect("reads");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("reads");
    let code = &example[example.find("use axum::").expect("the code")..];
    assert!(
        readme.contains(code),
        "README.md's tool server differs from the example"
    );
    assert!(example.lines().count() < 60);
}
