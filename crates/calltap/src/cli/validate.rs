//! `calltap validate [--format text|json] [--lenient] FILE...`: checks files
//! of deliveries against Vapi's schemas with
//! [`calltap_protocol::validate`] and prints one line per violation.
//!
//! This module only reads inputs, splits them into deliveries and formats
//! what the protocol crate reports; what counts as a violation lives there.
//!
//! An input (`-` is standard input) holds either one JSON document, possibly
//! pretty-printed over many lines, or JSON Lines (one delivery per line,
//! blank lines skipped). If the whole input parses as one JSON value it is
//! one document. Otherwise it is JSON Lines when at least one line parses on
//! its own as a delivery (an object with a `message`); if none does, it is a
//! single broken document and its parse error is reported once, with the
//! line it occurs on.
//!
//! Exit code: 0 when every delivery is valid, 1 when any violation is found
//! (including JSON that is not an envelope `{"message": {"type": ...}}`), 2
//! when an input cannot be read or a document or line is not JSON. An empty
//! (or blank) input is not JSON and exits 2 with kind `empty_body`: it holds
//! no delivery, so passing it would let a truncated export or a wrong path
//! look valid. Every input is checked; the worst code wins.

use std::io::{self, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use calltap_protocol::validate::{validate_value, Mode, Violation};
use calltap_protocol::ParseError;
use clap::{Args, ValueEnum};
use serde_json::Value;

/// The arguments of `calltap validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// How to print violations: one line of text each, or one JSON object
    /// each (`{"file","line","path","kind","message"}`).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Report only missing required fields and wrong JSON types; accept
    /// unknown enum values, union members and message types (and `null` for
    /// optional fields), as Vapi adds them.
    #[arg(long)]
    pub lenient: bool,
    /// Files of deliveries: one JSON document or JSON Lines; `-` reads
    /// standard input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// The output format of `calltap validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `file:line: path: kind: message`, one line per violation.
    Text,
    /// One JSON object per violation per line.
    Json,
}

/// How an input (or all of them) went; the worst wins. The order is the
/// order of severity, and the discriminant is the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Valid = 0,
    Violations = 1,
    Unreadable = 2,
}

/// One line of the report.
struct Finding<'a> {
    /// The input as named on the command line (`<stdin>` for `-`).
    file: &'a str,
    /// 1-based line of the delivery (or of the syntax error); none when the
    /// input could not be read at all.
    line: Option<usize>,
    /// JSON pointer into the delivery; empty for the root or the whole input.
    path: &'a str,
    /// A stable snake_case kind: a violation kind, `not_json`,
    /// `truncated_json`, `empty_body` or `unreadable`.
    kind: &'a str,
    message: &'a str,
}

/// Counts for the summary line.
#[derive(Debug, Default)]
struct Tally {
    inputs: usize,
    deliveries: usize,
    invalid: usize,
    violations: usize,
    unreadable: usize,
}

/// Writes findings in the chosen format and keeps the tally.
struct Report<'w> {
    format: Format,
    mode: Mode,
    out: &'w mut dyn Write,
    tally: Tally,
}

/// Runs `calltap validate` on the process's stdin, stdout and stderr.
pub fn run(args: ValidateArgs) -> ExitCode {
    let mut out = BufWriter::new(io::stdout().lock());
    let result =
        check_all(&args, &mut io::stdin().lock(), &mut out).and_then(|(outcome, tally)| {
            out.flush().context("writing the report")?;
            Ok((outcome, tally))
        });
    match result {
        Ok((outcome, tally)) => {
            eprintln!("{}", summary(&tally));
            ExitCode::from(outcome as u8)
        }
        Err(err) => {
            eprintln!("calltap validate: {err:#}");
            ExitCode::from(Outcome::Unreadable as u8)
        }
    }
}

/// Checks every input and reports to `out`; `Err` only when `out` fails.
fn check_all(
    args: &ValidateArgs,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
) -> anyhow::Result<(Outcome, Tally)> {
    let mut report = Report {
        format: args.format,
        mode: if args.lenient {
            Mode::Lenient
        } else {
            Mode::Strict
        },
        out,
        tally: Tally::default(),
    };
    let mut worst = Outcome::Valid;
    for path in &args.files {
        let stdin_name = path.as_os_str() == "-";
        let name = if stdin_name {
            "<stdin>".to_owned()
        } else {
            path.display().to_string()
        };
        let bytes = if stdin_name {
            let mut bytes = Vec::new();
            stdin
                .read_to_end(&mut bytes)
                .context("cannot read standard input")
                .map(|_| bytes)
        } else {
            std::fs::read(path).with_context(|| format!("cannot read {name}"))
        };
        report.tally.inputs += 1;
        let outcome = match bytes {
            Ok(bytes) => report.input(&name, &bytes)?,
            Err(err) => {
                report.tally.unreadable += 1;
                let message = format!("{err:#}");
                report.write(&Finding {
                    file: &name,
                    line: None,
                    path: "",
                    kind: "unreadable",
                    message: &message,
                })?;
                Outcome::Unreadable
            }
        };
        worst = worst.max(outcome);
    }
    Ok((worst, report.tally))
}

impl Report<'_> {
    /// Checks one input: one document, or JSON Lines.
    fn input(&mut self, name: &str, bytes: &[u8]) -> anyhow::Result<Outcome> {
        let Some(first_line) = first_content_line(bytes) else {
            // Empty or blank: not JSON, so nothing was validated; as the
            // server quarantines an empty body, this is no valid delivery.
            return self.not_json(name, 1, &ParseError::Empty);
        };
        let whole_err = match serde_json::from_slice::<Value>(bytes) {
            Ok(document) => return self.delivery(name, first_line, &document),
            Err(err) => err,
        };
        if !is_json_lines(bytes) {
            let err = ParseError::from_json_error(bytes, &whole_err);
            return self.not_json(name, whole_err.line().max(1), &err);
        }
        let mut worst = Outcome::Valid;
        for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let outcome = match serde_json::from_slice::<Value>(line) {
                Ok(delivery) => self.delivery(name, i + 1, &delivery)?,
                Err(err) => self.not_json(name, i + 1, &ParseError::from_json_error(line, &err))?,
            };
            worst = worst.max(outcome);
        }
        Ok(worst)
    }

    /// Validates one parsed delivery and reports its violations.
    fn delivery(&mut self, name: &str, line: usize, delivery: &Value) -> anyhow::Result<Outcome> {
        self.tally.deliveries += 1;
        let violations = match validate_value(delivery, self.mode) {
            Ok(violations) => violations,
            Err(err) => vec![Violation::not_an_envelope(&err)],
        };
        if violations.is_empty() {
            return Ok(Outcome::Valid);
        }
        self.tally.invalid += 1;
        self.tally.violations += violations.len();
        for violation in &violations {
            self.write(&Finding {
                file: name,
                line: Some(line),
                path: &violation.path,
                kind: violation.kind.as_str(),
                message: &violation.message,
            })?;
        }
        Ok(Outcome::Violations)
    }

    /// Reports a document or line that is not JSON.
    fn not_json(&mut self, name: &str, line: usize, err: &ParseError) -> anyhow::Result<Outcome> {
        self.tally.unreadable += 1;
        let message = err.to_string();
        self.write(&Finding {
            file: name,
            line: Some(line),
            path: "",
            kind: err.kind(),
            message: &message,
        })?;
        Ok(Outcome::Unreadable)
    }

    fn write(&mut self, finding: &Finding<'_>) -> anyhow::Result<()> {
        match self.format {
            Format::Text => {
                let mut text = finding.file.to_owned();
                if let Some(line) = finding.line {
                    text.push_str(&format!(":{line}"));
                }
                if !finding.path.is_empty() {
                    text.push_str(&format!(": {}", finding.path));
                }
                writeln!(self.out, "{text}: {}: {}", finding.kind, finding.message)
            }
            Format::Json => {
                let object = serde_json::json!({
                    "file": finding.file,
                    "line": finding.line,
                    "path": finding.path,
                    "kind": finding.kind,
                    "message": finding.message,
                });
                writeln!(self.out, "{object}")
            }
        }
        .context("writing the report")
    }
}

/// The 1-based number of the first line with anything but whitespace.
fn first_content_line(bytes: &[u8]) -> Option<usize> {
    let first = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    Some(1 + bytes[..first].iter().filter(|b| **b == b'\n').count())
}

/// Whether some line parses on its own as a delivery: then the input is JSON
/// Lines. The lines of a pretty-printed document never do (its opening line is
/// `{`), so a broken document is reported once instead of line by line.
fn is_json_lines(bytes: &[u8]) -> bool {
    bytes.split(|b| *b == b'\n').any(|line| {
        serde_json::from_slice::<Value>(line)
            .is_ok_and(|value| value.as_object().is_some_and(|o| o.contains_key("message")))
    })
}

/// The summary line printed on stderr.
fn summary(tally: &Tally) -> String {
    let mut text = format!(
        "calltap validate: {} input(s), {} deliveries checked, {} with violations ({} violations)",
        tally.inputs, tally.deliveries, tally.invalid, tally.violations
    );
    if tally.unreadable > 0 {
        text.push_str(&format!(", {} unreadable or not JSON", tally.unreadable));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_content_line_skips_leading_blank_lines() {
        assert_eq!(first_content_line(b"\n  \n {}"), Some(3));
        assert_eq!(first_content_line(b" \n\t"), None);
    }

    #[test]
    fn a_pretty_printed_document_is_not_taken_for_json_lines() {
        let broken = b"{\n \"message\": {\n  \"type\": \"status-update\"\n";
        assert!(!is_json_lines(broken));
        let lines = b"{\"message\": {}}\n{\"message\": ";
        assert!(is_json_lines(lines));
    }
}
