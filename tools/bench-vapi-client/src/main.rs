//! Parses a corpus with several parsers, in alternating rounds, and prints
//! MB/s for each plus how many bodies each accepted:
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
//!   into that type's struct (what calltap's projector does);
//! - parse and re-serialise: `Envelope::from_slice` then `to_vec`, against
//!   `serde_json::Value` parse then `serde_json::to_vec`.
//!
//! Usage: `bench-vapi-client [--corpus FILE.jsonl] [--only N] [ROUNDS]`
//! (default 7 rounds). The corpus is the repository's sample (the 12-call
//! sample and the six real deliveries) unless `--corpus` names a JSON Lines
//! file of bodies (`calltap simulate --out`). Each round parses the corpus
//! once per parser, in rotating order, and the best round counts. `--only
//! N` runs parser N alone (numbered as printed), for `valgrind --tool=
//! callgrind`, which counts instructions whatever else the machine does.
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

const PARSERS: [Parser; 7] = [
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
    ("calltap-protocol from_slice + to_vec", |b| {
        Envelope::from_slice(b).is_ok_and(|envelope| {
            envelope.to_vec().is_ok_and(|out| black_box(out).len() > 1)
        })
    }),
    ("serde_json::Value parse + to_vec", |b| {
        serde_json::from_slice::<serde_json::Value>(b).is_ok_and(|value| {
            serde_json::to_vec(&value).is_ok_and(|out| black_box(out).len() > 1)
        })
    }),
];

/// The command line.
struct Args {
    rounds: usize,
    corpus: Option<String>,
    only: Option<usize>,
}

fn args() -> Args {
    let mut args = Args {
        rounds: 7,
        corpus: None,
        only: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--corpus" => args.corpus = it.next(),
            "--only" => args.only = it.next().and_then(|n| n.parse().ok()),
            n => args.rounds = n.parse().unwrap_or(args.rounds),
        }
    }
    args
}

#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn corpus(file: Option<&str>) -> Vec<Vec<u8>> {
    match file {
        Some(file) => std::fs::read(file)
            .unwrap_or_else(|err| panic!("{file}: {err}"))
            .split(|&b| b == b'\n')
            .filter(|line| !line.is_empty())
            .map(<[u8]>::to_vec)
            .collect(),
        None => calltap_protocol::fixtures::all_deliveries()
            .into_iter()
            .map(|(_, body)| body)
            .collect(),
    }
}

fn main() {
    let args = args();
    let corpus = corpus(args.corpus.as_deref());
    let bytes: usize = corpus.iter().map(Vec::len).sum();
    if let Some(i) = args.only {
        let (name, parse) = PARSERS[i];
        let mut ok = 0;
        for _ in 0..args.rounds {
            ok = corpus.iter().filter(|b| black_box(parse(black_box(b)))).count();
        }
        println!("{name}: {} rounds, accepted {ok}/{}", args.rounds, corpus.len());
        return;
    }
    let rounds = args.rounds;
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
    let mut own_type = vec!["-".to_owned(); PARSERS.len()];
    own_type[0] = corpus.iter().filter(|b| calltap_typed_as_sent(b)).count().to_string();
    own_type[1] = corpus.iter().filter(|b| vapi_typed_as_sent(b)).count().to_string();
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
    let mb_s = |i: usize| bytes as f64 / 1e6 / best[i].as_secs_f64();
    for (i, (name, _)) in PARSERS.iter().enumerate() {
        println!(
            "{i} {name:<44} {:>8.1} MB/s  {:>7.1} ms  accepted {}/{}  in its own type's variant {}",
            mb_s(i),
            best[i].as_secs_f64() * 1e3,
            accepted[i],
            corpus.len(),
            own_type[i],
        );
    }
    println!(
        "Envelope::from_slice / vapi-client {:.2}x, / Value {:.2}x; from_slice + to_vec / Value + to_vec {:.2}x",
        mb_s(0) / mb_s(1),
        mb_s(0) / mb_s(2),
        mb_s(5) / mb_s(6),
    );
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
