//! The one edge between the wire and the call domain: a parsed Vapi message
//! ([`calltap_protocol::model`]) becomes a [`CallEvent`].
//!
//! Everything else in `calls/` works on the small owned types of
//! [`super::event`] and never sees a wire type; this module is where Vapi's
//! quirks are absorbed: the history may come as `messages`, as
//! `messagesOpenAIFormatted`, or in the undocumented `conversation` field; the
//! `call` object's `status` is a stale snapshot and is never read; tool-call
//! arguments may be JSON text or an object.
//!
//! **Pieces.** The log stores the parts of a body that repeat across
//! deliveries (the `call`, `assistant`, `customer` and `phoneNumber` objects
//! and each history entry) once, as content-addressed pieces
//! (`store::body`). The projector need not parse them again for every
//! delivery: it parses the body with each piece replaced by a *placeholder*
//! object (the *skeleton*), and [`call_event_with`] asks a [`Pieces`] for
//! what a placeholder stands for, which [`read_piece`] computes once per
//! distinct piece. For a body whose pieces all read, the event is the one
//! [`call_event`] gives for the whole body; a piece that does not read makes
//! [`call_event_with`] fail, and the caller converts the whole body instead.

use std::ops::{Deref, Range};
use std::sync::Arc;

use calltap_protocol::model::{
    ArtifactMessage, Assistant, Call, Customer, Destination, MessageType, OpenAiMessage,
    PhoneNumber, ServerMessage,
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::event::{
    CallEvent, CallInfo, EndOfCallReport, EventKind, HistoryMessage, Role, SpeechStatus, ToolCall,
    ToolResult, TransferKind, TransferTarget,
};

/// The call a message belongs to (`message.call.id`), if it names one.
pub fn call_id(message: &ServerMessage) -> Option<&str> {
    message.call().and_then(|call| call.id.as_deref())
}

/// Whether converting a message of this type reads its `artifact`. Only
/// the end-of-call report does (its history, recordings and performance
/// metrics); the live artifact that status, speech, conversation and
/// transfer updates carry changes nothing in their events, so the projector
/// need not parse it.
pub fn reads_artifact(message_type: &str) -> bool {
    !matches!(
        MessageType::from(message_type),
        MessageType::StatusUpdate
            | MessageType::SpeechUpdate
            | MessageType::ConversationUpdate
            | MessageType::TransferUpdate
    )
}

/// Converts one stored message into the call event the projection folds.
///
/// `seq` is the message's log sequence number. `received_at_ms` stands in for
/// the message timestamp when a message carries none, so that every event has
/// a place in time.
pub fn call_event(seq: i64, received_at_ms: i64, message: &ServerMessage) -> CallEvent {
    let mut reading = Reading {
        pieces: &mut NoPieces,
        failed: false,
    };
    reading.call_event(seq, received_at_ms, message)
}

/// [`call_event`] for a message parsed from a skeleton: each placeholder
/// object is replaced by what `pieces` says its piece holds.
pub fn call_event_with(
    seq: i64,
    received_at_ms: i64,
    message: &ServerMessage,
    pieces: &mut dyn Pieces,
) -> Result<CallEvent, UnreadablePiece> {
    let mut reading = Reading {
        pieces,
        failed: false,
    };
    let event = reading.call_event(seq, received_at_ms, message);
    if reading.failed {
        Err(UnreadablePiece)
    } else {
        Ok(event)
    }
}

/// A placeholder's piece could not be read in the role its place gives it
/// (missing, or not of the type expected there); convert the whole body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a piece of the body could not be read where it stands")]
pub struct UnreadablePiece;

/// What the placeholders of a skeleton stand for.
pub trait Pieces {
    /// The indices of the pieces that `object` stands for (one piece, or a
    /// run of consecutive array elements), or `None` when `object` is not a
    /// placeholder.
    fn placeholder(&self, object: &Map<String, Value>) -> Option<Range<usize>>;
    /// What piece `index` holds when read as `role` (see [`read_piece`]);
    /// `None` when it is missing or does not read so.
    fn resolve(&mut self, index: usize, role: PieceRole) -> Option<Resolved>;
}

/// No placeholders: a whole body.
struct NoPieces;

impl Pieces for NoPieces {
    fn placeholder(&self, _: &Map<String, Value>) -> Option<Range<usize>> {
        None
    }

    fn resolve(&mut self, _: usize, _: PieceRole) -> Option<Resolved> {
        None
    }
}

/// Where a piece stands, which says how to read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PieceRole {
    /// `message.call`.
    Call,
    /// `message.assistant`.
    Assistant,
    /// `message.customer`.
    Customer,
    /// `message.phoneNumber`.
    PhoneNumber,
    /// An entry of a history in Vapi's format (`messages`, `artifact.messages`).
    VapiHistory,
    /// An entry of a history in OpenAI's format (`messagesOpenAIFormatted`).
    OpenAiHistory,
    /// An entry of a history kept as raw JSON (`conversation`, a report's
    /// top-level `messages`).
    RawHistory,
}

/// What a piece holds, read in its role; shared, so a cache can hand it out
/// for every delivery that repeats the piece.
#[derive(Clone, Debug, PartialEq)]
pub enum Resolved {
    /// A `call` object.
    Call(Arc<Call>),
    /// An `assistant` object.
    Assistant(Arc<Assistant>),
    /// A `customer` object.
    Customer(Arc<Customer>),
    /// A `phoneNumber` object.
    PhoneNumber(Arc<PhoneNumber>),
    /// A history entry, already converted.
    History(Arc<HistoryMessage>),
}

/// Reads a piece's bytes in `role`, as the whole-body parse would read the
/// same value in that place; `None` when they do not read so.
pub fn read_piece(role: PieceRole, bytes: &[u8]) -> Option<Resolved> {
    fn typed<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
        // Through `Value`, as the envelope parses nested values.
        let value: Value = serde_json::from_slice(bytes).ok()?;
        serde_json::from_value(value).ok()
    }
    let history = |entry: HistoryMessage| Some(Resolved::History(Arc::new(entry)));
    match role {
        PieceRole::Call => typed(bytes).map(|c| Resolved::Call(Arc::new(c))),
        PieceRole::Assistant => typed(bytes).map(|a| Resolved::Assistant(Arc::new(a))),
        PieceRole::Customer => typed(bytes).map(|c| Resolved::Customer(Arc::new(c))),
        PieceRole::PhoneNumber => typed(bytes).map(|p| Resolved::PhoneNumber(Arc::new(p))),
        PieceRole::VapiHistory => history(artifact_message(&typed(bytes)?)),
        PieceRole::OpenAiHistory => history(open_ai_message(&typed(bytes)?)),
        PieceRole::RawHistory => history(raw_history_entry(&typed(bytes)?)),
    }
}

/// A value of the message itself, or the one a placeholder stood for.
enum Held<'a, T> {
    Here(&'a T),
    Piece(Arc<T>),
}

impl<T> Deref for Held<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        match self {
            Held::Here(value) => value,
            Held::Piece(value) => value,
        }
    }
}

/// One conversion: the pieces to ask, and whether one failed to read.
struct Reading<'p> {
    pieces: &'p mut dyn Pieces,
    failed: bool,
}

impl Reading<'_> {
    fn call_event(&mut self, seq: i64, received_at_ms: i64, message: &ServerMessage) -> CallEvent {
        let at_ms = message
            .timestamp()
            .map_or(received_at_ms, |timestamp| timestamp.epoch_ms());
        CallEvent {
            seq,
            at_ms,
            call: self.call_info(message),
            kind: self.event_kind(message),
        }
    }

    /// What the placeholder `object` stands for, read as `role`: `None`
    /// when `object` is no placeholder, `Some(None)` (and the reading
    /// failed) when it does not stand for one piece that reads so.
    fn piece(&mut self, object: &Map<String, Value>, role: PieceRole) -> Option<Option<Resolved>> {
        let range = self.pieces.placeholder(object)?;
        let resolved = if range.len() == 1 {
            self.pieces.resolve(range.start, role)
        } else {
            None
        };
        self.failed |= resolved.is_none();
        Some(resolved)
    }

    /// `value`, or what it stands for when it is a placeholder (`extra`
    /// holds its unknown keys, where a placeholder's key lands).
    fn held<'a, T>(
        &mut self,
        value: &'a T,
        extra: Option<&Map<String, Value>>,
        role: PieceRole,
        unwrap: impl Fn(Resolved) -> Option<Arc<T>>,
    ) -> Option<Held<'a, T>> {
        match extra.and_then(|extra| self.piece(extra, role)) {
            None => Some(Held::Here(value)),
            Some(resolved) => {
                let piece = resolved.and_then(unwrap);
                self.failed |= piece.is_none();
                piece.map(Held::Piece)
            }
        }
    }

    /// Appends the history entry `object`, or the entries it stands for
    /// when it is a placeholder; `convert` reads a real entry.
    fn push_entry<T>(
        &mut self,
        out: &mut Vec<HistoryMessage>,
        entry: &T,
        object: Option<&Map<String, Value>>,
        role: PieceRole,
        convert: impl Fn(&T) -> HistoryMessage,
    ) {
        let Some(range) = object.and_then(|object| self.pieces.placeholder(object)) else {
            out.push(convert(entry));
            return;
        };
        for index in range {
            match self.pieces.resolve(index, role) {
                Some(Resolved::History(entry)) => out.push(HistoryMessage::clone(&entry)),
                _ => self.failed = true,
            }
        }
    }

    fn event_kind(&mut self, message: &ServerMessage) -> EventKind {
        match message {
            ServerMessage::StatusUpdate(update) => EventKind::Status {
                status: update
                    .status
                    .as_ref()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
                ended_reason: update.ended_reason.as_ref().map(|r| r.as_str().to_owned()),
                destination: update.destination.as_ref().map(transfer_target),
            },
            ServerMessage::SpeechUpdate(update) => EventKind::Speech {
                role: update
                    .role
                    .as_ref()
                    .map_or(Role::Other(String::new()), |r| Role::parse(r.as_str())),
                status: update
                    .status
                    .as_ref()
                    .map_or(SpeechStatus::Other(String::new()), |s| {
                        SpeechStatus::parse(s.as_str())
                    }),
                turn: update.turn_index(),
            },
            ServerMessage::ConversationUpdate(update) => EventKind::Conversation {
                messages: self.history(
                    update.messages.as_deref(),
                    update.messages_open_ai_formatted.as_deref(),
                    update.extra.get("conversation"),
                ),
            },
            ServerMessage::TransferUpdate(update) => EventKind::Transfer {
                destination: update.destination.as_ref().map_or(
                    TransferTarget {
                        kind: TransferKind::Other(String::new()),
                        assistant_name: None,
                        number: None,
                        sip_uri: None,
                    },
                    transfer_target,
                ),
                from_assistant: update.from_assistant.as_ref().and_then(|a| a.name.clone()),
                to_assistant: update.to_assistant.as_ref().and_then(|a| a.name.clone()),
                to_step_record: update.to_step_record.clone(),
                from_step_record: update.from_step_record.clone(),
            },
            ServerMessage::EndOfCallReport(report) => {
                let artifact = report.artifact.as_deref();
                let artifact_history = artifact.map(|a| {
                    self.history(
                        a.messages.as_deref(),
                        a.messages_open_ai_formatted.as_deref(),
                        None,
                    )
                });
                // Real reports also repeat the history at the top level
                // (`messages`, undocumented); use it when the artifact has none.
                let messages = match artifact_history {
                    Some(messages) if !messages.is_empty() => messages,
                    _ => report
                        .extra
                        .get("messages")
                        .map(|raw| self.history_from_raw(raw))
                        .unwrap_or_default(),
                };
                EventKind::EndOfCallReport(EndOfCallReport {
                    ended_reason: report.ended_reason.as_ref().map(|r| r.as_str().to_owned()),
                    started_at_ms: report.started_at.as_ref().map(|t| t.epoch_ms()),
                    ended_at_ms: report.ended_at.as_ref().map(|t| t.epoch_ms()),
                    cost: report.cost.as_ref().and_then(serde_json::Number::as_f64),
                    performance_metrics: artifact.and_then(|a| a.performance_metrics.clone()),
                    messages,
                })
            }
            // Every other type, typed by the protocol crate or not, changes
            // nothing the projection reads.
            other => EventKind::Other {
                message_type: other.message_type().to_owned(),
            },
        }
    }

    /// The call-level facts: the message's own `assistant`, `customer` and
    /// `phoneNumber` first, then the copies inside `call`.
    fn call_info(&mut self, message: &ServerMessage) -> Option<CallInfo> {
        let call = message.call().and_then(|call| {
            self.held(call, Some(&call.extra), PieceRole::Call, |r| match r {
                Resolved::Call(call) => Some(call),
                _ => None,
            })
        });
        let call = call.as_deref();
        // Only the five types the projection follows lend their own
        // assistant, customer and phone number; the others lend their call.
        let follows = matches!(
            message,
            ServerMessage::StatusUpdate(_)
                | ServerMessage::SpeechUpdate(_)
                | ServerMessage::ConversationUpdate(_)
                | ServerMessage::TransferUpdate(_)
                | ServerMessage::EndOfCallReport(_)
        );
        let own_assistant = message
            .assistant()
            .filter(|_| follows)
            .and_then(|assistant| {
                self.held(
                    assistant,
                    Some(&assistant.extra),
                    PieceRole::Assistant,
                    |r| match r {
                        Resolved::Assistant(assistant) => Some(assistant),
                        _ => None,
                    },
                )
            });
        let own_customer = message.customer().filter(|_| follows).and_then(|customer| {
            self.held(
                customer,
                Some(&customer.extra),
                PieceRole::Customer,
                |r| match r {
                    Resolved::Customer(customer) => Some(customer),
                    _ => None,
                },
            )
        });
        let own_phone_number =
            message
                .phone_number()
                .filter(|_| follows)
                .and_then(|phone_number| {
                    // A placeholder names no provider, so it is always `Other`.
                    let extra = match phone_number {
                        PhoneNumber::Other(map) => Some(map),
                        _ => None,
                    };
                    self.held(phone_number, extra, PieceRole::PhoneNumber, |r| match r {
                        Resolved::PhoneNumber(phone_number) => Some(phone_number),
                        _ => None,
                    })
                });
        let assistant: Option<&Assistant> = own_assistant
            .as_deref()
            .or_else(|| call.and_then(|c| c.assistant.as_deref()));
        let customer: Option<&Customer> = own_customer
            .as_deref()
            .or_else(|| call.and_then(|c| c.customer.as_ref()));
        let phone_number: Option<&PhoneNumber> = own_phone_number
            .as_deref()
            .or_else(|| call.and_then(|c| c.phone_number.as_ref()));
        let info = CallInfo {
            call_type: call
                .and_then(|c| c.r#type.as_ref())
                .map(|t| t.as_str().to_owned()),
            assistant_id: assistant
                .and_then(|a| a.id.clone())
                .or_else(|| call.and_then(|c| c.assistant_id.clone())),
            assistant_name: assistant.and_then(|a| a.name.clone()),
            customer_number: customer.and_then(|c| c.number.clone()),
            phone_number: phone_number.and_then(phone_number_text),
        };
        (info != CallInfo::default()).then_some(info)
    }

    /// A conversation history from whichever form the message carries:
    /// Vapi's `messages`, else `messagesOpenAIFormatted`, else (when that is
    /// empty, as in real deliveries) the undocumented `conversation` field.
    fn history(
        &mut self,
        messages: Option<&[ArtifactMessage]>,
        open_ai: Option<&[OpenAiMessage]>,
        conversation: Option<&Value>,
    ) -> Vec<HistoryMessage> {
        let mut out = Vec::new();
        if let Some(messages) = messages {
            for message in messages {
                // A placeholder names no role, so it is always `Other`.
                let object = match message {
                    ArtifactMessage::Other(map) => Some(map),
                    _ => None,
                };
                self.push_entry(
                    &mut out,
                    message,
                    object,
                    PieceRole::VapiHistory,
                    artifact_message,
                );
            }
            return out;
        }
        match open_ai {
            Some(open_ai) if !open_ai.is_empty() => {
                for message in open_ai {
                    let object = Some(&message.extra);
                    self.push_entry(
                        &mut out,
                        message,
                        object,
                        PieceRole::OpenAiHistory,
                        open_ai_message,
                    );
                }
                out
            }
            _ => conversation
                .map(|raw| self.history_from_raw(raw))
                .unwrap_or_default(),
        }
    }

    /// A history kept as raw JSON; see [`raw_history_entry`].
    fn history_from_raw(&mut self, value: &Value) -> Vec<HistoryMessage> {
        let Some(entries) = value.as_array() else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(entries.len());
        for entry in entries {
            self.push_entry(
                &mut out,
                entry,
                entry.as_object(),
                PieceRole::RawHistory,
                raw_history_entry,
            );
        }
        out
    }
}

fn phone_number_text(phone_number: &PhoneNumber) -> Option<String> {
    let (typed, extra) = match phone_number {
        PhoneNumber::Byo(p) => (p.number.as_ref(), &p.extra),
        PhoneNumber::Twilio(p) => (p.number.as_ref(), &p.extra),
        PhoneNumber::Vonage(p) => (p.number.as_ref(), &p.extra),
        PhoneNumber::Telnyx(p) => (p.number.as_ref(), &p.extra),
        // The Vapi DTO documents no `number` (Vapi assigns it); read it when sent.
        PhoneNumber::Vapi(p) => (None, &p.extra),
        PhoneNumber::Other(map) => (None, map),
        // A provider variant added to the protocol crate after this match.
        _ => return None,
    };
    typed.cloned().or_else(|| string_field(extra, "number"))
}

fn transfer_target(destination: &Destination) -> TransferTarget {
    let mut target = TransferTarget {
        kind: TransferKind::parse(destination.kind().as_ref().map_or("", |k| k.as_str())),
        assistant_name: None,
        number: None,
        sip_uri: None,
    };
    match destination {
        Destination::Assistant(d) => target.assistant_name = d.assistant_name.clone(),
        Destination::Number(d) => target.number = d.number.clone(),
        Destination::Sip(d) => target.sip_uri = d.sip_uri.clone(),
        Destination::Other(map) => {
            target.assistant_name = string_field(map, "assistantName");
            target.number = string_field(map, "number");
            target.sip_uri = string_field(map, "sipUri");
        }
        // A destination variant added to the protocol crate after this match.
        _ => {}
    }
    target
}

fn artifact_message(message: &ArtifactMessage) -> HistoryMessage {
    let mut out = HistoryMessage {
        role: message
            .kind()
            .map(|role| role.as_str().to_owned())
            .unwrap_or_default(),
        text: message.text().map(str::to_owned),
        at_ms: message.time().map(|t| t.epoch_ms()),
        ..HistoryMessage::default()
    };
    match message {
        ArtifactMessage::Bot(m) => out.end_at_ms = m.end_time.as_ref().map(|t| t.epoch_ms()),
        ArtifactMessage::User(m) => out.end_at_ms = m.end_time.as_ref().map(|t| t.epoch_ms()),
        ArtifactMessage::ToolCalls(m) => out.tool_calls = tool_calls(m.tool_calls.as_ref()),
        ArtifactMessage::ToolCallResult(m) => {
            out.tool_result = Some(ToolResult {
                tool_call_id: m.tool_call_id.clone(),
                name: m.name.clone(),
                result: m.result.clone(),
            });
        }
        ArtifactMessage::System(_) => {}
        ArtifactMessage::Other(map) => {
            out.text = out
                .text
                .or_else(|| string_field(map, "message"))
                .or_else(|| string_field(map, "content"));
        }
        // A role variant added to the protocol crate after this match.
        _ => {}
    }
    out
}

fn open_ai_message(message: &OpenAiMessage) -> HistoryMessage {
    let role = message
        .role
        .as_ref()
        .map(|r| r.as_str().to_owned())
        .unwrap_or_default();
    let tool_result = (role == "tool").then(|| ToolResult {
        tool_call_id: message.tool_call_id.clone(),
        name: message.name.clone(),
        result: message.content.clone(),
    });
    HistoryMessage {
        role,
        text: message.content.clone(),
        tool_calls: tool_calls(message.tool_calls.as_ref()),
        tool_result,
        ..HistoryMessage::default()
    }
}

/// One entry of a history kept as raw JSON (the `conversation` field, the
/// report's top-level `messages`). Both formats share `role`, so an entry is
/// read as Vapi's format when it has Vapi's keys (`message`, `time`,
/// `toolCalls`, `result`) and as OpenAI's (`content`, `tool_calls`) otherwise.
fn raw_history_entry(entry: &Value) -> HistoryMessage {
    let vapi_format = ["message", "time", "toolCalls", "result"]
        .iter()
        .any(|key| entry.get(key).is_some());
    let parsed = if vapi_format {
        serde_json::from_value::<ArtifactMessage>(entry.clone())
            .map(|message| artifact_message(&message))
    } else {
        serde_json::from_value::<OpenAiMessage>(entry.clone())
            .map(|message| open_ai_message(&message))
    };
    // An entry of the wrong shape still holds its place in the history.
    parsed.unwrap_or_else(|_| HistoryMessage {
        role: entry
            .get("role")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        ..HistoryMessage::default()
    })
}

/// `toolCalls` / `tool_calls`: `[{id, type, function: {name, arguments}}]`,
/// where `arguments` is JSON text or (in some deliveries) an object.
fn tool_calls(value: Option<&Value>) -> Vec<ToolCall> {
    let Some(calls) = value.and_then(Value::as_array) else {
        return Vec::new();
    };
    calls
        .iter()
        .map(|call| {
            let function = call.get("function");
            ToolCall {
                id: call.get("id").and_then(Value::as_str).map(str::to_owned),
                name: function
                    .and_then(|f| f.get("name"))
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                arguments: function
                    .and_then(|f| f.get("arguments"))
                    .map(|args| match args {
                        Value::String(text) => text.clone(),
                        other => other.to_string(),
                    }),
            }
        })
        .collect()
}

fn string_field(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).and_then(Value::as_str).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use calltap_protocol::model::Envelope;

    use super::*;

    fn convert(body: &[u8]) -> CallEvent {
        let envelope = Envelope::from_slice(body).expect("fixture parses");
        call_event(1, 0, &envelope.message)
    }

    fn real(name: &str) -> Vec<u8> {
        calltap_protocol::fixtures::real_deliveries()
            .into_iter()
            .find(|(file, _)| file == name)
            .map(|(_, body)| body)
            .expect("real fixture exists")
    }

    #[test]
    fn the_artifact_changes_no_event_of_a_type_said_not_to_read_it() {
        let mut checked = 0;
        for (name, body) in calltap_protocol::fixtures::all_deliveries() {
            let mut envelope = Envelope::from_slice(&body).expect("fixture parses");
            let message_type = envelope.message.message_type().to_owned();
            let with = call_event(1, 0, &envelope.message);
            let had = match &mut envelope.message {
                ServerMessage::StatusUpdate(m) => m.artifact.take(),
                ServerMessage::SpeechUpdate(m) => m.artifact.take(),
                ServerMessage::ConversationUpdate(m) => m.artifact.take(),
                ServerMessage::TransferUpdate(m) => m.artifact.take(),
                _ => {
                    assert!(reads_artifact(&message_type), "{name}: {message_type}");
                    continue;
                }
            };
            assert!(!reads_artifact(&message_type), "{name}: {message_type}");
            checked += usize::from(had.is_some());
            assert_eq!(call_event(1, 0, &envelope.message), with, "{name}");
        }
        assert!(checked > 500, "the fixtures carry artifacts: {checked}");
    }

    #[test]
    fn a_real_status_update_gives_its_status_time_and_call_info() {
        let event = convert(&real("json_20250619_062706_299.json"));
        assert_eq!(event.at_ms, 1_750_314_425_773);
        assert!(matches!(&event.kind, EventKind::Status { status, .. } if status == "in-progress"));
        let info = event.call.expect("call info");
        assert_eq!(info.call_type.as_deref(), Some("webCall"));
        assert_eq!(info.assistant_name.as_deref(), Some("test_vapi_assistant"));
        assert_eq!(
            info.assistant_id.as_deref(),
            Some("7a338cbe-2c73-4f65-b6d0-7326db57c06c")
        );
    }

    #[test]
    fn a_real_end_of_call_report_gives_iso_times_as_epoch_ms_and_the_history() {
        let event = convert(&real("json_20250619_062714_903.json"));
        let EventKind::EndOfCallReport(report) = event.kind else {
            panic!("expected an end-of-call report, got {:?}", event.kind);
        };
        assert_eq!(report.ended_reason.as_deref(), Some("customer-ended-call"));
        // endedAt - startedAt is the report's own durationMs (4135).
        let (started, ended) = (report.started_at_ms, report.ended_at_ms);
        assert_eq!(ended.zip(started).map(|(e, s)| e - s), Some(4135));
        let roles: Vec<_> = report.messages.iter().map(|m| m.role.as_str()).collect();
        assert_eq!(roles, ["system", "bot"]);
        assert_eq!(report.messages[1].end_at_ms, Some(1_750_314_425_487));
    }

    #[test]
    fn an_empty_open_ai_history_falls_back_to_the_undocumented_conversation_field() {
        let body = br#"{"message":{"type":"conversation-update","timestamp":5,
            "messagesOpenAIFormatted":[],
            "conversation":[{"role":"system","content":"Be brief."},{"role":"assistant","content":"Hello."}]}}"#;
        let EventKind::Conversation { messages } = convert(body).kind else {
            panic!("expected a conversation event");
        };
        let texts: Vec<_> = messages.iter().map(|m| m.text.as_deref()).collect();
        assert_eq!(texts, [Some("Be brief."), Some("Hello.")]);
    }

    #[test]
    fn tool_calls_and_results_are_kept_with_arguments_as_text() {
        let body = br#"{"message":{"type":"conversation-update","timestamp":5,
            "messagesOpenAIFormatted":[],
            "messages":[
              {"role":"tool_calls","time":1,"secondsFromStart":0,"message":"",
               "toolCalls":[{"id":"c1","type":"function","function":{"name":"book","arguments":{"day":"Mon"}}}]},
              {"role":"tool_call_result","time":2,"secondsFromStart":0,"toolCallId":"c1","name":"book","result":"ok"}]}}"#;
        let EventKind::Conversation { messages } = convert(body).kind else {
            panic!("expected a conversation event");
        };
        assert_eq!(messages[0].tool_calls[0].name.as_deref(), Some("book"));
        assert_eq!(
            messages[0].tool_calls[0].arguments.as_deref(),
            Some(r#"{"day":"Mon"}"#)
        );
        let result = messages[1].tool_result.as_ref().expect("a tool result");
        assert_eq!(result.tool_call_id.as_deref(), Some("c1"));
        assert_eq!(result.result.as_deref(), Some("ok"));
    }

    #[test]
    fn a_sip_transfer_names_its_uri_and_a_message_without_timestamp_uses_receipt_time() {
        let body = br#"{"message":{"type":"transfer-update",
            "destination":{"type":"sip","sipUri":"sip:desk@example.com"}}}"#;
        let envelope = Envelope::from_slice(body).expect("parses");
        let event = call_event(7, 42, &envelope.message);
        assert_eq!((event.seq, event.at_ms), (7, 42));
        let EventKind::Transfer { destination, .. } = event.kind else {
            panic!("expected a transfer");
        };
        assert_eq!(destination.kind, TransferKind::Sip);
        assert_eq!(destination.sip_uri.as_deref(), Some("sip:desk@example.com"));
    }
}
