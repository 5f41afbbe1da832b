//! Writes a [`CallScript`] as the bodies Vapi would POST, fast.
//!
//! Every message repeats the call, customer, phone number and assistant
//! (8-10 KB with the system prompt), and its artifact repeats the whole
//! history so far, twice (Vapi's format and OpenAI's); a conversation-update
//! carries the history twice more. Re-serialising all of that per message
//! would make the simulator the bottleneck of any load test, so:
//!
//! - [`Renderer`] renders what is constant for a run once (each persona's
//!   assistant with this run's `serverMessages`, the phone numbers);
//! - [`CallRender`] renders what is constant for a call once (the message
//!   tail `"call":…,"phoneNumber":…,"customer":…,"assistant":…}}`);
//! - each history entry is rendered once, when it is committed, and
//!   appended to running byte buffers for both history formats and the
//!   transcript;
//! - a message is then a handful of small writes plus a few large
//!   `write_all`s of those buffers.
//!
//! Key order follows real deliveries: `timestamp`, `type`, the type's own
//! fields, `artifact`, `call`, `phoneNumber`, `customer`, `assistant`.
//! `call.status` is the stale `queued` snapshot real deliveries carry.

use std::io::{self, Write};
use std::sync::Arc;

use serde_json::{json, Value};

use super::config::SimConfig;
use super::persona::catalog;
use super::rng::SimRng;
use super::script::{CallKind, CallScript, Entry, StepKind, ORG_ID};

/// What is constant for a whole run, rendered once.
#[derive(Debug)]
pub struct Renderer {
    config: SimConfig,
    /// Each persona's assistant JSON.
    assistants: Vec<Vec<u8>>,
    /// Each persona's id (`call.assistantId`).
    assistant_ids: Vec<String>,
    /// Each phone number's JSON.
    phone_numbers: Vec<Vec<u8>>,
    /// Each phone number's id (`call.phoneNumberId`).
    phone_number_ids: Vec<String>,
}

/// Writes `s` as a JSON string (quotes and escapes).
fn json_str(out: &mut Vec<u8>, s: &str) {
    // Writing a str to a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

fn to_bytes(value: &Value) -> Vec<u8> {
    // A Value with string keys always serialises.
    serde_json::to_vec(value).unwrap_or_default()
}

/// Epoch ms as ISO-8601 with milliseconds, as Vapi writes `createdAt`.
pub fn iso_ms(ms: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// `ms` milliseconds as seconds (`12.345`, `12.3`, `0`).
fn seconds(out: &mut Vec<u8>, ms: i64) {
    decimal(out, ms, 3);
}

/// `units / 10^scale` (non-negative) as the shortest decimal that reads
/// back as the same `f64` and that serde_json writes back identically:
/// no trailing zeros (`0.04944`, `12.3`, `7`, `0`).
fn decimal(out: &mut Vec<u8>, units: i64, scale: u32) {
    let units = units.max(0);
    let div = 10i64.pow(scale);
    let (whole, frac) = (units / div, units % div);
    if frac == 0 {
        let _ = write!(out, "{whole}");
    } else {
        let digits = format!("{frac:0width$}", width = scale as usize);
        let _ = write!(out, "{whole}.{}", digits.trim_end_matches('0'));
    }
}

impl Renderer {
    /// Renders the run-constant parts for `config`.
    pub fn new(config: &SimConfig) -> Self {
        let catalog = catalog();
        let server_messages = config.messages.server_messages();
        let assistants = catalog
            .personas
            .iter()
            .map(|p| {
                let mut a = p.assistant.clone();
                a["serverMessages"] = json!(server_messages);
                to_bytes(&a)
            })
            .collect();
        let assistant_ids = (0..catalog.personas.len() as u64)
            .map(|i| SimRng::new(0xA551_57A7, i).uuid())
            .collect();
        let phone_numbers = catalog.phone_numbers.iter().map(to_bytes).collect();
        let phone_number_ids = (0..catalog.phone_numbers.len() as u64)
            .map(|i| SimRng::new(0x9404_E000, i).uuid())
            .collect();
        Renderer {
            config: config.clone(),
            assistants,
            assistant_ids,
            phone_numbers,
            phone_number_ids,
        }
    }

    /// The configuration this renderer was built for.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// Generates call `index` and prepares it for rendering.
    pub fn call(self: &Arc<Self>, index: u64) -> CallRender {
        CallRender::new(Arc::clone(self), CallScript::generate(&self.config, index))
    }

    fn call_json(&self, s: &CallScript) -> Value {
        let created = iso_ms(s.created_ms);
        let monitor = json!({
            "listenUrl": format!("wss://phone-call-websocket.example.vapi.ai/{}/listen", s.id),
            "controlUrl": format!("https://phone-call-websocket.example.vapi.ai/{}/control", s.id),
        });
        let assistant_id = &self.assistant_ids[s.persona];
        match (s.kind, s.phone_number) {
            (CallKind::Web, _) | (_, None) => {
                let url = format!("https://vapi.daily.co/{}", &s.provider_call_id[2..22]);
                json!({
                    "id": s.id, "orgId": ORG_ID, "createdAt": created, "updatedAt": created,
                    "type": s.kind.as_str(), "status": "queued", "assistantId": assistant_id,
                    "monitor": monitor,
                    "transport": {"provider": "daily", "assistantVideoEnabled": false, "callUrl": url},
                    "webCallUrl": url,
                })
            }
            (_, Some(pn)) => {
                let provider = catalog().phone_numbers[pn]["provider"]
                    .as_str()
                    .unwrap_or("vapi");
                let (call_provider, transport) = match provider {
                    "byo-phone-number" => ("vapi", "sip"),
                    p => (p, "pstn"),
                };
                json!({
                    "id": s.id, "orgId": ORG_ID, "createdAt": created, "updatedAt": created,
                    "type": s.kind.as_str(), "status": "queued", "assistantId": assistant_id,
                    "phoneNumberId": self.phone_number_ids[pn],
                    "phoneCallProvider": call_provider, "phoneCallTransport": transport,
                    "phoneCallProviderId": s.provider_call_id,
                    "customer": {"number": s.customer_number, "name": s.customer_name},
                    "monitor": monitor,
                    "transport": {"provider": call_provider, "assistantVideoEnabled": false},
                })
            }
        }
    }
}

/// One call being rendered, message by message, with its history rendered
/// incrementally.
#[derive(Debug)]
pub struct CallRender {
    script: CallScript,
    /// The message tail per active assistant (0: the call's own, 1: the
    /// one transferred to), from `,"call"` to the closing `}}`.
    tails: [Vec<u8>; 2],
    /// Assistant JSON per active assistant, for transfer-updates.
    assistants: [Vec<u8>; 2],
    /// `artifact.messages` entries so far, comma-separated.
    history: Vec<u8>,
    /// `messagesOpenAIFormatted` entries so far, comma-separated.
    openai: Vec<u8>,
    /// The transcript so far, JSON-escaped, without quotes.
    transcript: Vec<u8>,
    /// How many history entries are rendered.
    rendered: usize,
    /// The next step.
    next: usize,
}

impl CallRender {
    /// Prepares `script` for rendering with the run's constant parts.
    pub fn new(renderer: Arc<Renderer>, script: CallScript) -> Self {
        let persona = &catalog().personas[script.persona];
        let call = to_bytes(&renderer.call_json(&script));
        let first = renderer.assistants[script.persona].clone();
        let second = match &script.second_assistant {
            Some(name) => {
                let mut a = persona.assistant.clone();
                a["name"] = json!(name);
                a["firstMessage"] = json!(format!("Hi, this is {name}. How can I help?"));
                a["serverMessages"] = json!(renderer.config.messages.server_messages());
                to_bytes(&a)
            }
            None => Vec::new(),
        };
        let tail = |assistant: &[u8]| {
            let mut t = Vec::with_capacity(call.len() + assistant.len() + 512);
            t.extend_from_slice(b",\"call\":");
            t.extend_from_slice(&call);
            if let Some(pn) = script.phone_number {
                t.extend_from_slice(b",\"phoneNumber\":");
                t.extend_from_slice(&renderer.phone_numbers[pn]);
                t.extend_from_slice(b",\"customer\":{\"number\":");
                json_str(&mut t, &script.customer_number);
                t.extend_from_slice(b",\"name\":");
                json_str(&mut t, &script.customer_name);
                t.push(b'}');
            }
            t.extend_from_slice(b",\"assistant\":");
            t.extend_from_slice(assistant);
            t.extend_from_slice(b"}}");
            t
        };
        let tails = [tail(&first), tail(&second)];
        CallRender {
            tails,
            assistants: [first, second],
            history: Vec::with_capacity(16 * 1024),
            openai: Vec::with_capacity(16 * 1024),
            transcript: Vec::with_capacity(2 * 1024),
            rendered: 0,
            next: 0,
            script,
        }
    }

    /// The call being rendered.
    pub fn script(&self) -> &CallScript {
        &self.script
    }

    /// The timestamp of the next message, if any is left.
    pub fn peek_at(&self) -> Option<i64> {
        self.script.steps.get(self.next).map(|s| s.at_ms)
    }

    /// Writes the next message's body to `out` and returns its timestamp;
    /// `Ok(None)` when the call is over.
    pub fn write_next<W: Write>(&mut self, out: &mut W) -> io::Result<Option<i64>> {
        let Some(step) = self.script.steps.get(self.next) else {
            return Ok(None);
        };
        let (at, len, assistant) = (step.at_ms, step.history_len, step.assistant.min(1));
        let kind = step.kind.clone();
        self.next += 1;
        while self.rendered < len {
            self.render_entry(self.rendered);
            self.rendered += 1;
        }
        write!(out, "{{\"message\":{{\"timestamp\":{at},\"type\":")?;
        match &kind {
            StepKind::Status {
                status,
                ended_reason,
                destination,
            } => {
                write!(out, "\"status-update\",\"status\":\"{status}\"")?;
                if let Some(reason) = ended_reason {
                    write!(out, ",\"endedReason\":\"{reason}\"")?;
                }
                if let Some(d) = destination.and_then(|d| self.script.destinations.get(d)) {
                    out.write_all(b",\"destination\":")?;
                    out.write_all(&to_bytes(d))?;
                }
            }
            StepKind::Speech {
                role,
                started,
                turn,
            } => {
                let status = if *started { "started" } else { "stopped" };
                write!(
                    out,
                    "\"speech-update\",\"status\":\"{status}\",\"role\":\"{}\",\"turn\":{turn}",
                    role.as_str()
                )?;
            }
            StepKind::Conversation => {
                out.write_all(b"\"conversation-update\",\"messages\":[")?;
                out.write_all(&self.history)?;
                out.write_all(b"],\"messagesOpenAIFormatted\":[")?;
                out.write_all(&self.openai)?;
                out.write_all(b"]")?;
            }
            StepKind::ToolCalls { entry } => {
                out.write_all(b"\"tool-calls\",\"toolCallList\":[")?;
                if let Some(Entry::ToolCalls {
                    id,
                    name,
                    arguments,
                    ..
                }) = self.script.history.get(*entry).map(|h| &h.entry)
                {
                    let mut b = Vec::with_capacity(256);
                    tool_call_json(&mut b, id, name, arguments);
                    out.write_all(&b)?;
                }
                out.write_all(b"]")?;
            }
            StepKind::UserInterrupted => out.write_all(b"\"user-interrupted\"")?,
            StepKind::Transfer { destination } => {
                out.write_all(b"\"transfer-update\"")?;
                if let Some(d) = self.script.destinations.get(*destination) {
                    out.write_all(b",\"destination\":")?;
                    out.write_all(&to_bytes(d))?;
                    if d["type"] == "assistant" {
                        out.write_all(b",\"toAssistant\":")?;
                        out.write_all(&self.assistants[1])?;
                        out.write_all(b",\"fromAssistant\":")?;
                        out.write_all(&self.assistants[0])?;
                    }
                }
            }
            StepKind::Transcript { entry } => {
                let (role, text) = match self.script.history.get(*entry).map(|h| &h.entry) {
                    Some(Entry::User { text, .. }) => ("user", text.as_str()),
                    Some(Entry::Bot { text, .. }) => ("assistant", text.as_str()),
                    _ => ("assistant", ""),
                };
                let mut b = Vec::with_capacity(text.len() + 64);
                write!(
                    b,
                    "\"transcript\",\"role\":\"{role}\",\"transcriptType\":\"final\",\"transcript\":"
                )?;
                json_str(&mut b, text);
                out.write_all(&b)?;
            }
            StepKind::EndOfCallReport => {
                let mut b = Vec::with_capacity(1024);
                self.report_fields(&mut b);
                out.write_all(&b)?;
            }
        }
        out.write_all(b",\"artifact\":{\"messages\":[")?;
        out.write_all(&self.history)?;
        out.write_all(b"],\"messagesOpenAIFormatted\":[")?;
        out.write_all(&self.openai)?;
        out.write_all(b"],\"transcript\":\"")?;
        out.write_all(&self.transcript)?;
        out.write_all(b"\"")?;
        if matches!(kind, StepKind::EndOfCallReport) {
            let url = self.recording_url();
            write!(
                out,
                ",\"recordingUrl\":\"{url}-mono.wav\",\"stereoRecordingUrl\":\"{url}-stereo.wav\""
            )?;
        }
        out.write_all(b"}")?;
        out.write_all(&self.tails[assistant])?;
        Ok(Some(at))
    }

    /// Renders the next message into a fresh buffer.
    pub fn next_body(&mut self) -> Option<(i64, Vec<u8>)> {
        let mut body = Vec::with_capacity(self.size_hint());
        match self.write_next(&mut body) {
            Ok(Some(at)) => Some((at, body)),
            _ => None,
        }
    }

    /// A capacity that fits the next message without reallocating, usually.
    pub fn size_hint(&self) -> usize {
        self.tails[0].len().max(self.tails[1].len())
            + 3 * (self.history.len() + self.openai.len())
            + self.transcript.len()
            + 4096
    }

    fn recording_url(&self) -> String {
        format!(
            "https://storage.example.vapi.ai/{}-{}",
            self.script.id, self.script.ended_at
        )
    }

    fn report_fields(&self, b: &mut Vec<u8>) {
        let s = &self.script;
        let _ = write!(
            b,
            "\"end-of-call-report\",\"endedReason\":\"{}\",\"cost\":",
            s.ended_reason
        );
        decimal(b, s.cost_micros, 6);
        let answered = s.started_at.is_some();
        let summary = if answered {
            "The caller spoke with the assistant about their request."
        } else {
            "The call was not answered."
        };
        b.extend_from_slice(b",\"analysis\":{\"summary\":");
        json_str(b, summary);
        let _ = write!(b, ",\"successEvaluation\":\"{answered}\"}}");
        if let Some(started) = s.started_at {
            let _ = write!(b, ",\"startedAt\":\"{}\"", iso_ms(started));
        }
        let _ = write!(b, ",\"endedAt\":\"{}\"", iso_ms(s.ended_at));
        let duration = s.started_at.map_or(0, |st| s.ended_at - st);
        let _ = write!(b, ",\"durationMs\":{duration},\"durationSeconds\":");
        seconds(b, duration);
        b.extend_from_slice(b",\"summary\":");
        json_str(b, summary);
    }

    /// Appends history entry `i` to the running history, OpenAI history and
    /// transcript buffers.
    fn render_entry(&mut self, i: usize) {
        let Some(item) = self.script.history.get(i) else {
            return;
        };
        let start = self.script.started_at.unwrap_or(self.script.created_ms);
        if i > 0 {
            self.history.push(b',');
            self.openai.push(b',');
        }
        let h = &mut self.history;
        let o = &mut self.openai;
        match &item.entry {
            Entry::System { text, time } => {
                h.extend_from_slice(b"{\"role\":\"system\",\"message\":");
                json_str(h, text);
                let _ = write!(h, ",\"time\":{time},\"secondsFromStart\":");
                seconds(h, time - start);
                h.push(b'}');
                o.extend_from_slice(b"{\"role\":\"system\",\"content\":");
                json_str(o, text);
                o.push(b'}');
            }
            Entry::Bot { text, time, end } | Entry::User { text, time, end } => {
                let user = matches!(item.entry, Entry::User { .. });
                let role = if user { "user" } else { "bot" };
                let _ = write!(h, "{{\"role\":\"{role}\",\"message\":");
                json_str(h, text);
                let _ = write!(
                    h,
                    ",\"time\":{time},\"endTime\":{end},\"secondsFromStart\":"
                );
                seconds(h, time - start);
                // Artifact `duration` is in ms on the wire (documented as s).
                let _ = write!(h, ",\"duration\":{}", end - time);
                if !user {
                    h.extend_from_slice(b",\"source\":\"\"");
                }
                h.push(b'}');
                let role = if user { "user" } else { "assistant" };
                let _ = write!(o, "{{\"role\":\"{role}\",\"content\":");
                json_str(o, text);
                o.push(b'}');
                self.transcript
                    .extend_from_slice(if user { b"User: " } else { b"AI: " });
                let mut escaped = Vec::with_capacity(text.len() + 2);
                json_str(&mut escaped, text);
                // Strip the quotes: the transcript is one JSON string.
                if escaped.len() >= 2 {
                    self.transcript
                        .extend_from_slice(&escaped[1..escaped.len() - 1]);
                }
                self.transcript.extend_from_slice(b"\\n");
            }
            Entry::ToolCalls {
                id,
                name,
                arguments,
                time,
            } => {
                h.extend_from_slice(b"{\"role\":\"tool_calls\",\"toolCalls\":[");
                tool_call_json(h, id, name, arguments);
                let _ = write!(
                    h,
                    "],\"message\":\"\",\"time\":{time},\"secondsFromStart\":"
                );
                seconds(h, time - start);
                h.push(b'}');
                o.extend_from_slice(b"{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[");
                tool_call_json(o, id, name, arguments);
                o.extend_from_slice(b"]}");
            }
            Entry::ToolResult {
                id,
                name,
                result,
                time,
            } => {
                h.extend_from_slice(b"{\"role\":\"tool_call_result\",\"toolCallId\":");
                json_str(h, id);
                h.extend_from_slice(b",\"name\":");
                json_str(h, name);
                h.extend_from_slice(b",\"result\":");
                json_str(h, result);
                let _ = write!(h, ",\"time\":{time},\"secondsFromStart\":");
                seconds(h, time - start);
                h.push(b'}');
                o.extend_from_slice(b"{\"role\":\"tool\",\"tool_call_id\":");
                json_str(o, id);
                o.extend_from_slice(b",\"content\":");
                json_str(o, result);
                o.push(b'}');
            }
        }
    }
}

fn tool_call_json(out: &mut Vec<u8>, id: &str, name: &str, arguments: &str) {
    out.extend_from_slice(b"{\"id\":");
    json_str(out, id);
    out.extend_from_slice(b",\"type\":\"function\",\"function\":{\"name\":");
    json_str(out, name);
    out.extend_from_slice(b",\"arguments\":");
    json_str(out, arguments);
    out.extend_from_slice(b"}}");
}
