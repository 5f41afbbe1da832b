//! `calltap validate`, run as the real binary on temporary files.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use calltap_protocol::fixtures;
use serde_json::{json, Value};

/// What a run of the binary gave.
struct Run {
    code: Option<i32>,
    stdout: Vec<String>,
    stderr: String,
}

/// Runs `calltap validate ARGS...`, feeding `stdin` when given.
fn validate(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_calltap"))
        .arg("validate")
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the calltap binary runs");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin is piped")
            .write_all(input)
            .expect("stdin takes the input");
    }
    let output = child.wait_with_output().expect("calltap finishes");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(str::to_owned)
            .collect(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Writes `contents` to `name` in `dir` and returns its path as a string.
fn file(dir: &Path, name: &str, contents: &[u8]) -> String {
    let path: PathBuf = dir.join(name);
    std::fs::write(&path, contents).expect("temp file is writable");
    path.to_string_lossy().into_owned()
}

/// The real status-update delivery, parsed.
fn status_update() -> Value {
    let (_, body) = fixtures::real_deliveries()
        .into_iter()
        .find(|(name, _)| name == "json_20250619_062706_299.json")
        .expect("real status-update fixture");
    serde_json::from_slice(&body).expect("fixture is JSON")
}

/// JSON Lines: a valid status-update on line 1, a `teleporting` one on line 2.
fn jsonl_with_teleporting_on_line_2() -> Vec<u8> {
    let valid = status_update();
    let mut bad = status_update();
    bad["message"]["status"] = json!("teleporting");
    format!("{valid}\n{bad}\n").into_bytes()
}

#[test]
fn a_pretty_printed_real_delivery_is_valid_with_exit_0_and_no_output() {
    // Arrange
    let dir = tempfile::tempdir().expect("temp dir");
    let (name, body) = fixtures::real_deliveries().pop().expect("a real fixture");
    let path = file(dir.path(), &name, &body);

    // Act
    let run = validate(&[&path], None);

    // Assert
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{:?}", run.stdout);
    assert!(
        run.stderr.contains("1 deliveries checked"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_jsonl_file_of_sample_deliveries_is_valid_and_blank_lines_are_skipped() {
    // Arrange
    let dir = tempfile::tempdir().expect("temp dir");
    let mut jsonl = Vec::new();
    for body in fixtures::sample_deliveries().iter().take(40) {
        jsonl.extend_from_slice(body);
        jsonl.extend_from_slice(b"\n\n");
    }
    let path = file(dir.path(), "sample.jsonl", &jsonl);

    // Act
    let run = validate(&[&path, "--format", "json"], None);

    // Assert
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{:?}", run.stdout);
    assert!(
        run.stderr.contains("40 deliveries checked"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_violation_on_line_2_exits_1_with_file_line_path_and_reason_in_text() {
    // Arrange
    let dir = tempfile::tempdir().expect("temp dir");
    let path = file(
        dir.path(),
        "deliveries.jsonl",
        &jsonl_with_teleporting_on_line_2(),
    );

    // Act
    let run = validate(&[&path], None);

    // Assert
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(
        run.stdout,
        [format!(
            "{path}:2: /message/status: unknown_enum_value: \"teleporting\" is not one of \
             scheduled, queued, ringing, in-progress, forwarding, ended, ... (8 values)"
        )]
    );
    assert!(run.stderr.contains("1 with violations"), "{}", run.stderr);
}

#[test]
fn a_violation_on_line_2_exits_1_with_one_json_object_per_violation() {
    // Arrange
    let dir = tempfile::tempdir().expect("temp dir");
    let path = file(
        dir.path(),
        "deliveries.jsonl",
        &jsonl_with_teleporting_on_line_2(),
    );

    // Act
    let run = validate(&["--format", "json", &path], None);

    // Assert
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(run.stdout.len(), 1, "{:?}", run.stdout);
    let finding: Value = serde_json::from_str(&run.stdout[0]).expect("a JSON line");
    assert_eq!(finding["file"], json!(path));
    assert_eq!(finding["line"], json!(2));
    assert_eq!(finding["path"], json!("/message/status"));
    assert_eq!(finding["kind"], json!("unknown_enum_value"));
    assert!(
        finding["message"]
            .as_str()
            .is_some_and(|m| m.contains("teleporting")),
        "{finding}"
    );
}

#[test]
fn lenient_mode_accepts_an_unknown_status() {
    // Arrange
    let dir = tempfile::tempdir().expect("temp dir");
    let path = file(
        dir.path(),
        "deliveries.jsonl",
        &jsonl_with_teleporting_on_line_2(),
    );

    // Act
    let run = validate(&["--lenient", &path], None);

    // Assert
    assert_eq!(run.code, Some(0), "{:?}", run.stdout);
    assert!(run.stdout.is_empty(), "{:?}", run.stdout);
}

#[test]
fn a_file_that_is_not_json_exits_2_with_kind_not_json() {
    // Arrange
    let dir = tempfile::tempdir().expect("temp dir");
    let path = file(dir.path(), "notes.txt", b"this is not JSON\nnor is this\n");

    // Act
    let run = validate(&["--format", "json", &path], None);

    // Assert
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert_eq!(run.stdout.len(), 1, "{:?}", run.stdout);
    let finding: Value = serde_json::from_str(&run.stdout[0]).expect("a JSON line");
    assert_eq!(finding["kind"], json!("not_json"));
    assert_eq!(finding["line"], json!(1));
}

#[test]
fn a_truncated_pretty_printed_document_is_reported_once_not_line_by_line() {
    // Arrange
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, body) = fixtures::real_deliveries().pop().expect("a real fixture");
    let path = file(dir.path(), "cut.json", &body[..body.len() / 2]);

    // Act
    let run = validate(&[&path], None);

    // Assert
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert_eq!(run.stdout.len(), 1, "{:?}", run.stdout);
    assert!(
        run.stdout[0].contains(": truncated_json: "),
        "{}",
        run.stdout[0]
    );
}

#[test]
fn a_bad_line_in_jsonl_exits_2_and_the_other_lines_are_still_checked() {
    // Arrange
    let dir = tempfile::tempdir().expect("temp dir");
    let mut bad = status_update();
    bad["message"]["status"] = json!(7);
    let contents = format!("{{\"message\": \n{bad}\n[1, 2]\n");
    let path = file(dir.path(), "mixed.jsonl", contents.as_bytes());

    // Act
    let run = validate(&[&path], None);

    // Assert
    assert_eq!(run.code, Some(2), "{:?}", run.stdout);
    assert_eq!(
        run.stdout.len(),
        3,
        "one finding per bad line: {:?}",
        run.stdout
    );
    assert!(run.stdout[0].starts_with(&format!("{path}:1: truncated_json:")));
    assert!(run.stdout[1].starts_with(&format!("{path}:2: /message/status: wrong_type:")));
    assert!(run.stdout[2].starts_with(&format!("{path}:3: not_an_envelope:")));
}

#[test]
fn a_missing_file_exits_2_and_the_other_files_are_still_checked() {
    // Arrange
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("nope.jsonl").to_string_lossy().into_owned();
    let path = file(
        dir.path(),
        "deliveries.jsonl",
        &jsonl_with_teleporting_on_line_2(),
    );

    // Act
    let run = validate(&["--format", "json", &missing, &path], None);

    // Assert
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let findings: Vec<Value> = run
        .stdout
        .iter()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    assert_eq!(findings.len(), 2, "{findings:?}");
    assert_eq!(findings[0]["file"], json!(missing));
    assert_eq!(findings[0]["kind"], json!("unreadable"));
    assert_eq!(findings[0]["line"], Value::Null);
    assert_eq!(findings[1]["kind"], json!("unknown_enum_value"));
}

#[test]
fn a_dash_reads_the_deliveries_from_stdin() {
    // Arrange
    let input = jsonl_with_teleporting_on_line_2();

    // Act
    let run = validate(&["-"], Some(&input));

    // Assert
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(run.stdout.len(), 1, "{:?}", run.stdout);
    assert!(
        run.stdout[0].starts_with("<stdin>:2: /message/status: unknown_enum_value:"),
        "{}",
        run.stdout[0]
    );
}

#[test]
fn an_empty_or_blank_input_exits_2_with_kind_empty_body_as_nothing_was_validated() {
    // Arrange
    let dir = tempfile::tempdir().expect("a temp dir");
    let empty = file(dir.path(), "empty.json", b"");
    let blank = file(dir.path(), "blank.jsonl", b"\n  \n\t\n");

    for input in [&empty, &blank] {
        // Act
        let run = validate(&["--format", "json", input], None);

        // Assert
        assert_eq!(run.code, Some(2), "{input}: {}", run.stderr);
        let findings: Vec<Value> = run
            .stdout
            .iter()
            .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
            .collect();
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0]["kind"], json!("empty_body"));
        assert_eq!(findings[0]["file"], json!(input));
    }
    let stdin = validate(&["-"], Some(b""));
    assert_eq!(stdin.code, Some(2), "{}", stdin.stderr);
    assert!(
        stdin.stdout[0].starts_with("<stdin>:1: empty_body:"),
        "{:?}",
        stdin.stdout
    );
}
