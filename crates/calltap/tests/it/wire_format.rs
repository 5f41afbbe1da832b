//! Vapi's wire format lives in `calltap-protocol` only: no code of
//! `crates/calltap/src` spells one of Vapi's field names as a string or
//! byte literal. Where calltap needs a value, the protocol crate has a
//! typed field or accessor; where it needs a span of raw bytes,
//! `calltap_protocol::raw` finds it.
//!
//! Tests (`#[cfg(test)]` items, `tests.rs`, `tests/` directories) and the
//! simulator (`sim/`, whose renderer writes messages as Vapi sends them)
//! are exempt.

use std::path::{Path, PathBuf};

/// Vapi field names, as they would be quoted in a lookup or a scanner.
/// Names that calltap also uses for its own JSON or as enum values
/// (`message`, `type`, `id`, `status`, `name`, `number`, `assistant`,
/// `destination`) are checked only as byte literals (below).
const FIELD_NAMES: &[&str] = &[
    "messagesOpenAIFormatted",
    "messages",
    "conversation",
    "artifact",
    "call",
    "customer",
    "phoneNumber",
    "squad",
    "workflow",
    "toolCalls",
    "tool_calls",
    "toolCallId",
    "tool_call_id",
    "toolCallList",
    "toolWithToolCallList",
    "function",
    "arguments",
    "content",
    "role",
    "time",
    "endTime",
    "secondsFromStart",
    "result",
    "sipUri",
    "assistantName",
    "endedReason",
    "timestamp",
    "provider",
    "turn",
    "transcript",
];

/// Byte literals of the generic names: a hand-written scanner of bodies.
const BYTE_LITERALS: &[&str] = &[
    "b\"message\"",
    "b\"type\"",
    "b\"assistant\"",
    "b\"number\"",
    "b\"status\"",
    "b\"id\"",
];

#[test]
fn no_vapi_field_name_is_spelled_in_calltap_outside_tests_and_the_simulator() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 30, "found {} source files", files.len());
    let needles: Vec<String> = FIELD_NAMES
        .iter()
        .map(|name| format!("\"{name}\""))
        .chain(BYTE_LITERALS.iter().map(|literal| (*literal).to_owned()))
        .collect();
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("a source file reads");
        for (number, line) in code_lines(&text) {
            for needle in &needles {
                if line.contains(needle.as_str()) {
                    let path = file.strip_prefix(&src).unwrap_or(file).display();
                    found.push(format!("src/{path}:{number}: {needle}: {}", line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "Vapi's wire format belongs in calltap-protocol (add a typed accessor there):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_sees_a_field_name_in_code_and_not_in_a_test_module() {
    let text = "fn a() {\n    map.get(\"artifact\");\n}\n\n#[cfg(test)]\nmod tests {\n    fn b() {\n        map.get(\"call\");\n    }\n}\n";
    let lines: Vec<_> = code_lines(text).collect();
    assert!(lines.contains(&(2, "    map.get(\"artifact\");")));
    assert!(lines.iter().all(|(_, line)| !line.contains("\"call\"")));
    let declared = "#[cfg(test)]\nmod tests;\nuse x::{\"call\"};\n";
    assert_eq!(
        code_lines(declared).count(),
        1,
        "only the declaration is skipped"
    );
}

/// Every `.rs` file under `dir`, but `sim/`, `tests/` and `tests.rs`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source directory reads") {
        let path = entry.expect("a directory entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if name != "sim" && name != "tests" {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") && name != "tests.rs" {
            out.push(path);
        }
    }
}

/// The lines of `text` (numbered from 1) outside `#[cfg(test)]` items: a
/// declaration (`mod tests;`) or an item up to its closing `}` at the
/// start of a line, as rustfmt writes it.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut lines = text.lines().enumerate().map(|(i, line)| (i + 1, line));
    std::iter::from_fn(move || loop {
        let (number, line) = lines.next()?;
        if line.trim() != "#[cfg(test)]" {
            return Some((number, line));
        }
        match lines.next() {
            Some((_, item)) if item.trim_end().ends_with(';') => {}
            Some(_) => {
                for (_, line) in lines.by_ref() {
                    if line.starts_with('}') {
                        break;
                    }
                }
            }
            None => return None,
        }
    })
}
