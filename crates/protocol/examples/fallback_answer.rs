//! Building a fallback answer: when your tool backend is down, answer a
//! `tool-calls` delivery with one result per call, each carrying a message
//! the model can act on, instead of letting Vapi time out.
//!
//! ```text
//! cargo run -p calltap-protocol --example fallback_answer -- tool-calls.json "The booking system is down."
//! ```
//! Reads the delivery body from the file, prints the answer's JSON.

use calltap_protocol::model::{Envelope, ServerMessage};
use calltap_protocol::response::{ToolCallResult, ToolCallsResponse};
use calltap_protocol::validate::{validate_response, Mode};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: fallback_answer FILE [MESSAGE]")?;
    let message = args
        .next()
        .unwrap_or("The tool is unavailable right now; apologise and offer a callback.".into());
    let envelope = Envelope::from_slice(&std::fs::read(path)?)?;
    let ServerMessage::ToolCalls(tool_calls) = &envelope.message else {
        return Err(format!(
            "not a tool-calls message: {}",
            envelope.message.message_type()
        )
        .into());
    };
    // One result per `toolCallList[].id`, each an error the model reads.
    let answer = ToolCallsResponse::for_each_call(tool_calls, |call| {
        ToolCallResult::failure(call, message.as_str())
    });
    assert!(answer.answers_every_call(tool_calls));
    // The answer is what the spec asks for.
    let json = serde_json::to_value(&answer)?;
    let violations = validate_response(&envelope.message.kind(), &json, Mode::Strict);
    assert_eq!(violations, Some(Vec::new()));
    println!("{json}");
    Ok(())
}
