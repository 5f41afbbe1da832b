//! Parses the whole sample corpus (the 12-call sample and the six real
//! deliveries) with three parsers, in alternating rounds, and prints MB/s
//! for each plus how many bodies each accepted:
//!
//! - `calltap-protocol`: `Envelope::from_slice` (typed, lossless, key order
//!   captured);
//! - `vapi-client` 0.4: `serde_json::from_slice::<vapi_client::models::ServerMessage>`
//!   (the generated models the seeds come from; an untagged union of closed
//!   structs);
//! - `serde_json::Value`: the untyped floor;
//! - `calltap-protocol` without the key-order capture: `ServerMessage`'s own
//!   `Deserialize` (typed, lossless values, keys in declaration order);
//! - `calltap-protocol` when the type is read first: `DeliveryView::parse`,
//!   then `ServerMessage::from_envelope_of_type` reads the body straight
//!   into that type's struct (what calltap's projector does).
//!
//! Usage: `bench-vapi-client [ROUNDS]` (default 7); each round parses the
//! corpus once per parser, in rotating order, and the best round counts.
//!
//! Speed alone flatters vapi-client: its union is `#[serde(untagged)]` and
//! every member's `type` is the shared enum of all types, so its first
//! member (`assistant-request`) accepts every message and serde drops the
//! fields that member lacks. After the timing, an untimed pass counts how
//! many deliveries each typed parser put in the variant of their own type,
//! and how many of the 30 hand-built 2026-08 bodies of
//! `crates/protocol/tests/messages/` (one per message type) each accepts.

use std::hint::black_box;
use std::time::{Duration, Instant};

use calltap_protocol::model::{Envelope, ServerMessage};
use calltap_protocol::view::DeliveryView;
use vapi_client::models::ServerMessageMessage as VapiMessage;

type Parser = (&'static str, fn(&[u8]) -> bool);

/// An envelope read for its message only (no key-order capture).
#[derive(serde::Deserialize)]
struct Root {
    #[allow(dead_code)]
    message: ServerMessage,
}

const PARSERS: [Parser; 5] = [
    ("calltap-protocol Envelope::from_slice", |b| {
        Envelope::from_slice(b).is_ok()
    }),
    ("vapi-client 0.4 models::ServerMessage", |b| {
        serde_json::from_slice::<vapi_client::models::ServerMessage>(b).is_ok()
    }),
    ("serde_json::Value", |b| {
        serde_json::from_slice::<serde_json::Value>(b).is_ok()
    }),
    ("calltap-protocol ServerMessage, no layout", |b| {
        serde_json::from_slice::<Root>(b).is_ok()
    }),
    ("calltap-protocol view + struct of its type", |b| {
        DeliveryView::parse(b).is_ok_and(|view| {
            ServerMessage::from_envelope_of_type(&view.message_type, b).is_ok()
        })
    }),
];

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(7);
    let corpus: Vec<Vec<u8>> = calltap_protocol::fixtures::all_deliveries()
        .into_iter()
        .map(|(_, body)| body)
        .collect();
    let bytes: usize = corpus.iter().map(Vec::len).sum();
    println!(
        "corpus: {} deliveries, {:.1} MB; {rounds} rounds, best counts",
        corpus.len(),
        bytes as f64 / 1e6
    );
    let mut best = [Duration::MAX; PARSERS.len()];
    let mut accepted = [0usize; PARSERS.len()];
    for round in 0..rounds {
        for k in 0..PARSERS.len() {
            let i = (round + k) % PARSERS.len();
            let parse = PARSERS[i].1;
            let start = Instant::now();
            let ok = corpus.iter().filter(|b| black_box(parse(black_box(b)))).count();
            best[i] = best[i].min(start.elapsed());
            accepted[i] = ok;
        }
    }
    let own_type = [
        corpus.iter().filter(|b| calltap_typed_as_sent(b)).count().to_string(),
        corpus.iter().filter(|b| vapi_typed_as_sent(b)).count().to_string(),
        "-".to_owned(),
        "-".to_owned(),
        "-".to_owned(),
    ];
    let newer = newer_bodies();
    println!(
        "2026-08 bodies accepted: calltap-protocol {}/{n}, in own type {}; vapi-client {}/{n}, in own type {}",
        newer.iter().filter(|b| (PARSERS[0].1)(b)).count(),
        newer.iter().filter(|b| calltap_typed_as_sent(b)).count(),
        newer.iter().filter(|b| (PARSERS[1].1)(b)).count(),
        newer.iter().filter(|b| vapi_typed_as_sent(b)).count(),
        n = newer.len(),
    );
    let refused: Vec<String> = newer
        .iter()
        .filter(|b| !vapi_typed_as_sent(b))
        .map(|b| {
            let verdict = if (PARSERS[1].1)(b) { "mistyped" } else { "rejected" };
            format!("{} ({verdict})", sent_type(b))
        })
        .collect();
    println!("2026-08 bodies vapi-client does not type as sent: {refused:?}");
    for (i, (name, _)) in PARSERS.iter().enumerate() {
        let mb_s = bytes as f64 / 1e6 / best[i].as_secs_f64();
        println!(
            "{name:<40} {mb_s:>8.1} MB/s  {:>7.1} ms  accepted {}/{}  in its own type's variant {}",
            best[i].as_secs_f64() * 1e3,
            accepted[i],
            corpus.len(),
            own_type[i],
        );
    }
}

/// The one-per-type 2026-08 bodies of the protocol crate's tests.
fn newer_bodies() -> Vec<Vec<u8>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../crates/protocol/tests/messages");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files.iter().filter_map(|f| std::fs::read(f).ok()).collect()
}

/// The `type` the body says it is.
fn sent_type(body: &[u8]) -> String {
    let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    value["message"]["type"].as_str().unwrap_or_default().to_owned()
}

/// Whether calltap-protocol typed the body as the type it says it is.
fn calltap_typed_as_sent(body: &[u8]) -> bool {
    Envelope::from_slice(body).is_ok_and(|envelope| {
        !matches!(envelope.message, ServerMessage::Other(_))
            && envelope.message.message_type() == sent_type(body)
    })
}

/// Whether vapi-client put the body in the variant of the type it says it is.
fn vapi_typed_as_sent(body: &[u8]) -> bool {
    let Ok(parsed) = serde_json::from_slice::<vapi_client::models::ServerMessage>(body) else {
        return false;
    };
    let variant = match parsed.message {
        VapiMessage::ServerMessageAssistantRequest(_) => "assistant-request",
        VapiMessage::ServerMessageConversationUpdate(_) => "conversation-update",
        VapiMessage::ServerMessageEndOfCallReport(_) => "end-of-call-report",
        VapiMessage::ServerMessageHang(_) => "hang",
        VapiMessage::ServerMessageKnowledgeBaseRequest(_) => "knowledge-base-request",
        VapiMessage::ServerMessageModelOutput(_) => "model-output",
        VapiMessage::ServerMessagePhoneCallControl(_) => "phone-call-control",
        VapiMessage::ServerMessageSpeechUpdate(_) => "speech-update",
        VapiMessage::ServerMessageStatusUpdate(_) => "status-update",
        VapiMessage::ServerMessageToolCalls(_) => "tool-calls",
        VapiMessage::ServerMessageTransferDestinationRequest(_) => "transfer-destination-request",
        VapiMessage::ServerMessageTransferUpdate(_) => "transfer-update",
        VapiMessage::ServerMessageTranscript(_) => "transcript",
        VapiMessage::ServerMessageUserInterrupted(_) => "user-interrupted",
        VapiMessage::ServerMessageLanguageChangeDetected(_) => "language-change-detected",
        VapiMessage::ServerMessageVoiceInput(_) => "voice-input",
        VapiMessage::ServerMessageVoiceRequest(_) => "voice-request",
    };
    variant == sent_type(body)
}
