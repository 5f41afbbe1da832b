//! Strict validation of a file of deliveries against Vapi's schemas: one
//! JSON body per file, or one per line (JSONL). Prints one line per
//! violation, with its JSON path, and exits 1 if there was any.
//!
//! ```text
//! cargo run -p calltap-protocol --example validate_file -- deliveries.jsonl
//! ```
//! Lenient mode (what breaks a receiver today, not what Vapi added since):
//! pass `--lenient` after the file.

use std::process::ExitCode;

use calltap_protocol::validate::{validate, Mode, Violation};

fn main() -> Result<ExitCode, Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: validate_file FILE [--lenient]")?;
    let mode = match args.next().as_deref() {
        Some("--lenient") => Mode::Lenient,
        _ => Mode::Strict,
    };
    let text = std::fs::read(&path)?;
    // A file that is one JSON document is one delivery; otherwise one per line.
    let bodies: Vec<&[u8]> = if serde_json::from_slice::<serde_json::Value>(&text).is_ok() {
        vec![&text]
    } else {
        text.split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .collect()
    };
    let mut invalid = 0;
    for (line, body) in bodies.iter().enumerate() {
        let violations =
            validate(body, mode).unwrap_or_else(|err| vec![Violation::not_an_envelope(&err)]);
        for violation in &violations {
            println!("{path}:{}: {violation}", line + 1);
        }
        invalid += usize::from(!violations.is_empty());
    }
    println!("{} deliveries, {invalid} with violations", bodies.len());
    Ok(if invalid == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
