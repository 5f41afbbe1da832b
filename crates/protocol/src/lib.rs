//! Vapi server messages as Rust types: receive them, verify them, answer
//! them.
//!
//! [Vapi](https://vapi.ai) POSTs a JSON "server message" to your server for
//! every event of a call, and waits for an answer to a few of them
//! (`tool-calls`, `assistant-request`, ...). This crate gives a receiver:
//!
//! - [`model`]: every message type of Vapi's 2025-06 and 2026-08 specs as a
//!   typed struct, read **leniently** (every enum is open, an unknown message
//!   type or union member is kept whole, nothing required is enforced) and
//!   **losslessly** (parse → serialise gives back the input JSON, key order
//!   included: properties this version does not type live in each struct's
//!   `extra` map).
//! - [`response`]: the answers, typed, with builders.
//! - [`auth`]: the credential checks Vapi's senders use (`x-vapi-secret`,
//!   bearer token, Vapi's HMAC plan, Standard Webhooks), constant-time, over
//!   the raw body bytes.
//! - [`validate`]: **strict** validation on demand against both specs, with a
//!   JSON path per violation, for messages and answers.
//! - [`view`]: a zero-copy view of the routing fields (type, call id,
//!   timestamp, ...) for hot paths that do not need the whole message.
//! - [`raw`]: the JSON depth check, and where the parts that repeat across
//!   a call's deliveries lie, read from the raw bytes without a parse (for
//!   receivers that keep bodies byte for byte).
//! - `axum` (feature): an extractor that does all of the above per request,
//!   and `IntoResponse` for the answers.
//!
//! # Quick start
//!
//! ```
//! use calltap_protocol::model::{Envelope, ServerMessage};
//! use calltap_protocol::response::{ToolCallResult, ToolCallsResponse};
//!
//! let body = br#"{"message": {"type": "tool-calls", "timestamp": 1786699810250,
//!     "toolCallList": [{"id": "call_1", "type": "function",
//!         "function": {"name": "get_weather", "arguments": {"city": "Oslo"}}}],
//!     "assistantVersion": "v3", "somethingNew": true}}"#;
//!
//! let envelope = Envelope::from_slice(body)?;
//! match &envelope.message {
//!     ServerMessage::ToolCalls(message) => {
//!         let answer = ToolCallsResponse::for_each_call(message, |call| {
//!             ToolCallResult::success(call, "14 degrees and raining")
//!         });
//!         let json = serde_json::to_string(&answer)?; // the HTTP response body
//!         assert!(json.contains(r#""toolCallId":"call_1""#));
//!     }
//!     ServerMessage::StatusUpdate(update) => println!("status: {:?}", update.status),
//!     other => println!("{} (not handled here)", other.message_type()),
//! }
//! // Lossless: what this version does not type is kept and written back.
//! let input: serde_json::Value = serde_json::from_slice(body)?;
//! assert_eq!(envelope.to_value()?, input);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Verify the credential before parsing, over the bytes as received:
//!
//! ```
//! use std::time::SystemTime;
//! use calltap_protocol::auth::{verify_any, SignedRequest, VapiSecretPlan, Verifier};
//!
//! let verifiers: Vec<Verifier> = vec![VapiSecretPlan::new("my-server-secret").into()];
//! let mut headers = http::HeaderMap::new();
//! headers.insert("x-vapi-secret", "my-server-secret".parse()?);
//! let body = br#"{"message": {"type": "hang"}}"#;
//! let request = SignedRequest::new("POST", "https://example.com/vapi", &headers, body);
//! assert!(verify_any(&verifiers, &request, SystemTime::now()).is_ok());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! With the `axum` feature, the `axum` module's `Vapi` extractor does both
//! (and enforces body and depth limits); `examples/tool_server.rs` is a
//! complete tool server in under 60 lines.
//!
//! # Features
//!
//! - `axum`: the `axum` module (the `Vapi` extractor, `Receiver`,
//!   `Rejection`) and `IntoResponse` for the answers. Adds axum (without its
//!   server features), `bytes` and `http-body-util`. Without it the crate has
//!   no I/O and no async.
//! - `fixtures`: the sample corpus of the calltap repository, for its tests
//!   and benchmarks; it reads files outside this package.
//!
//! # Stability
//!
//! Vapi adds message types, properties, enum values and union members all
//! the time. A new one never breaks parsing (it lands in `Other`, `Unknown`
//! or `extra`), and the types that a later version will extend are
//! `#[non_exhaustive]`: [`model::ServerMessage`], the open enums, the
//! tagged unions, the model and answer structs (build those from `Default`,
//! or with the builders, and set fields). The minimum supported Rust version
//! is 1.85 (the `rust-version` clippy's `incompatible_msrv` lint checks
//! against); raising it is a minor-version change.

#![deny(missing_docs)]

pub mod auth;
#[cfg(feature = "axum")]
pub mod axum;
pub mod error;
#[cfg(feature = "fixtures")]
pub mod fixtures;
#[macro_use]
pub mod model;
pub mod raw;
pub mod response;
pub mod timestamp;
pub mod validate;
pub mod view;

pub use error::ParseError;
pub use timestamp::Timestamp;

/// The examples of `README.md`, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
