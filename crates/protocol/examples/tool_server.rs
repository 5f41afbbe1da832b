//! A complete Vapi tool server: checks each delivery's credential, answers
//! `tool-calls` with one result per call, acknowledges every other message.
//! `VAPI_AUTH` is one credential check as JSON: `vapi-secret`, `bearer`,
//! `hmac` (Vapi's plan, pasted as is) or `standard-webhooks`.
//! ```text
//! VAPI_AUTH='{"type": "vapi-secret", "secret": "change-me"}' \
//!     cargo run -p calltap-protocol --features axum --example tool_server -- 127.0.0.1:3000
//! ```
use axum::response::{IntoResponse, Response};
use axum::{routing::post, Json, Router};
use calltap_protocol::auth::Verifier;
use calltap_protocol::axum::{Receiver, Vapi};
use calltap_protocol::model::{ServerMessage, ToolCall};
use calltap_protocol::response::{ToolCallResult, ToolCallsResponse};
use serde::Deserialize;

/// The arguments of the `book_appointment` tool.
#[derive(Deserialize)]
struct Booking {
    date: String,
    time: String,
}

/// Runs one tool call; what it returns is read to the model.
fn run(call: &ToolCall) -> ToolCallResult {
    let arguments = call.function.as_ref().map(|f| f.arguments_as::<Booking>());
    match (call.name(), arguments) {
        (Some("book_appointment"), Some(Ok(b))) => {
            ToolCallResult::success(call, format!("Booked for {} at {}.", b.date, b.time))
        }
        (Some("book_appointment"), _) => ToolCallResult::failure(call, "date and time needed"),
        (name, _) => ToolCallResult::failure(call, format!("unknown tool {name:?}")),
    }
}

/// Every message of the assistant arrives here, verified and typed.
async fn webhook(vapi: Vapi) -> Response {
    match vapi.message {
        ServerMessage::ToolCalls(message) => {
            ToolCallsResponse::for_each_call(&message, run).into_response()
        }
        _ => Json(serde_json::json!({})).into_response(),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let verifier: Verifier = serde_json::from_str(&std::env::var("VAPI_AUTH")?)?;
    verifier.validate()?;
    let receiver = Receiver::new([verifier]);
    let app = Router::new()
        .route("/vapi", post(webhook))
        .with_state(receiver);
    let address = std::env::args().nth(1).unwrap_or("127.0.0.1:3000".into());
    let listener = tokio::net::TcpListener::bind(address).await?;
    println!("listening on http://{}/vapi", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
