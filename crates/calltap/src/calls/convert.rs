//! The one edge between the wire and the call domain: a parsed Vapi message
//! ([`calltap_protocol::model`]) becomes a [`CallEvent`].
//!
//! Everything else in `calls/` works on the small owned types of
//! [`super::event`] and never sees a wire type; this module is where Vapi's
//! quirks are absorbed, through the protocol crate's typed accessors: the
//! history may come in Vapi's format, in OpenAI's, or in an undocumented
//! field as raw entries of either; the `call` object's `status` is a stale
//! snapshot and is never read; tool-call arguments may be JSON text or an
//! object.
//!
//! **Shared parts.** A call's messages repeat its parts (the call, the
//! assistant, the customer, the phone number) and each history entry so
//! far. A caller that has already read those parts may hand the conversion
//! a message holding stand-ins for them, with a [`SharedParts`] that says
//! what each stand-in stands for ([`call_event_with`]); where a part comes
//! from, and how a stand-in looks, is the caller's business. For a message
//! whose stand-ins all stand for the parts themselves, the event is the one
//! [`call_event`] gives for the whole message.

use std::sync::Arc;

use calltap_protocol::model::{
    self as wire, ArtifactMessage, Assistant, Call, ConversationUpdate, Customer, Destination,
    DestinationType, EndOfCallReport, HistoryEntry, ListedToolCall, MessageType, OpenAiMessage,
    OpenAiRole, PhoneNumber, ServerMessage, SpeechRole, SpeechUpdate, StatusUpdate, TransferUpdate,
};
use serde_json::Value;

use crate::ids::Seq;

use super::event::{
    self, CallEvent, CallInfo, EventKind, HistoryMessage, Role, SpeechStatus, ToolCall, ToolResult,
    TransferKind, TransferTarget,
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

/// Converts one message into the call event the projection folds.
///
/// `seq` is the message's log sequence number. `received_at_ms` stands in for
/// the message timestamp when a message carries none, so that every event has
/// a place in time.
pub fn call_event(seq: Seq, received_at_ms: i64, message: &ServerMessage) -> CallEvent {
    call_event_with(seq, received_at_ms, message, &mut WholeMessage)
}

/// [`call_event`] for a message whose parts may be stand-ins: each value
/// that `parts` says stands for a shared part is read as that part.
pub fn call_event_with<P: SharedParts>(
    seq: Seq,
    received_at_ms: i64,
    message: &ServerMessage,
    parts: &mut P,
) -> CallEvent {
    let at_ms = message
        .timestamp()
        .map_or(received_at_ms, |timestamp| timestamp.epoch_ms());
    CallEvent {
        seq,
        at_ms,
        call: call_info(message, parts),
        kind: event_kind(message, parts),
    }
}

/// What the stand-ins of a message stand for: the parts a call's messages
/// share, read once by the caller. Each method is asked about one value of
/// the message and answers `None` when that value is the part itself.
/// Every answer defaults to `None`: a whole message. A source that cannot
/// read what a stand-in stands for also answers `None`, and must tell its
/// owner, who then discards the event: the conversion reads the stand-in
/// as a (meaningless) part and goes on.
pub trait SharedParts {
    /// The call that `call` stands for.
    fn call(&mut self, _call: &Call) -> Option<Arc<Call>> {
        None
    }
    /// The assistant that `assistant` stands for.
    fn assistant(&mut self, _assistant: &Assistant) -> Option<Arc<Assistant>> {
        None
    }
    /// The customer that `customer` stands for.
    fn customer(&mut self, _customer: &Customer) -> Option<Arc<Customer>> {
        None
    }
    /// The phone number that `phone_number` stands for.
    fn phone_number(&mut self, _phone_number: &PhoneNumber) -> Option<Arc<PhoneNumber>> {
        None
    }
    /// The history entries, already converted ([`history_message`]), that
    /// `entry` stands for (one entry, or a run of consecutive ones).
    fn history_entries(&mut self, _entry: Entry<'_>) -> Option<Vec<Arc<HistoryMessage>>> {
        None
    }
}

/// A whole message: every value is itself.
struct WholeMessage;

impl SharedParts for WholeMessage {}

/// One history entry as a message holds it.
#[derive(Clone, Copy, Debug)]
pub enum Entry<'a> {
    /// In Vapi's format (`messages`, `artifact.messages`).
    Vapi(&'a ArtifactMessage),
    /// In OpenAI's format (`messagesOpenAIFormatted`).
    OpenAi(&'a OpenAiMessage),
    /// Raw, in either format (the undocumented `conversation`, a report's
    /// top-level `messages`).
    Raw(&'a Value),
}

/// The history message of one entry.
pub fn history_message(entry: Entry<'_>) -> HistoryMessage {
    match entry {
        Entry::Vapi(message) => artifact_message(message),
        Entry::OpenAi(message) => open_ai_message(message),
        Entry::Raw(value) => match HistoryEntry::read(value) {
            HistoryEntry::Vapi(message) => artifact_message(&message),
            HistoryEntry::OpenAi(message) => open_ai_message(&message),
            // An entry of the wrong shape still holds its place in the history.
            HistoryEntry::Unreadable { role } => HistoryMessage {
                role: role.unwrap_or_default(),
                ..HistoryMessage::default()
            },
        },
    }
}

fn event_kind<P: SharedParts>(message: &ServerMessage, parts: &mut P) -> EventKind {
    match message {
        ServerMessage::StatusUpdate(update) => status_event(update),
        ServerMessage::SpeechUpdate(update) => speech_event(update),
        ServerMessage::ConversationUpdate(update) => conversation_event(update, parts),
        ServerMessage::TransferUpdate(update) => transfer_event(update),
        ServerMessage::EndOfCallReport(report) => end_of_call_event(report, parts),
        // Every other type changes nothing the projection reads.
        other => EventKind::Other {
            message_type: other.message_type().to_owned(),
        },
    }
}

fn status_event(update: &StatusUpdate) -> EventKind {
    EventKind::Status {
        status: update
            .status
            .as_ref()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        ended_reason: update.ended_reason.as_ref().map(|r| r.as_str().to_owned()),
        destination: update.destination.as_ref().map(transfer_target),
    }
}

fn speech_event(update: &SpeechUpdate) -> EventKind {
    EventKind::Speech {
        role: speech_role(update.role.as_ref()),
        status: speech_status(update.status.as_ref()),
        turn: update.turn_index(),
    }
}

/// Who spoke. Vapi's histories call the assistant `bot`, so a
/// speech-update that did would mean the assistant too; any other role is
/// kept as sent, a missing one as empty.
fn speech_role(role: Option<&SpeechRole>) -> Role {
    match role {
        Some(SpeechRole::User) => Role::User,
        Some(SpeechRole::Assistant) => Role::Assistant,
        Some(SpeechRole::Unknown(other)) if other == "bot" => Role::Assistant,
        Some(other) => Role::Other(other.as_str().to_owned()),
        None => Role::Other(String::new()),
    }
}

/// Started or stopped; any other status kept as sent, a missing one as empty.
fn speech_status(status: Option<&wire::SpeechStatus>) -> SpeechStatus {
    match status {
        Some(wire::SpeechStatus::Started) => SpeechStatus::Started,
        Some(wire::SpeechStatus::Stopped) => SpeechStatus::Stopped,
        Some(other) => SpeechStatus::Other(other.as_str().to_owned()),
        None => SpeechStatus::Other(String::new()),
    }
}

fn conversation_event<P: SharedParts>(update: &ConversationUpdate, parts: &mut P) -> EventKind {
    EventKind::Conversation {
        messages: history(
            parts,
            update.messages.as_deref(),
            update.messages_open_ai_formatted.as_deref(),
            update.conversation(),
        ),
    }
}

fn transfer_event(update: &TransferUpdate) -> EventKind {
    EventKind::Transfer {
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
    }
}

fn end_of_call_event<P: SharedParts>(report: &EndOfCallReport, parts: &mut P) -> EventKind {
    let artifact = report.artifact.as_deref();
    let artifact_history = artifact.map(|a| {
        history(
            parts,
            a.messages.as_deref(),
            a.messages_open_ai_formatted.as_deref(),
            None,
        )
    });
    // Real reports also repeat the history at the top level (undocumented);
    // use it when the artifact has none.
    let messages = match artifact_history {
        Some(messages) if !messages.is_empty() => messages,
        _ => report
            .top_level_messages()
            .map(|raw| raw_history(parts, raw))
            .unwrap_or_default(),
    };
    EventKind::EndOfCallReport(event::EndOfCallReport {
        ended_reason: report.ended_reason.as_ref().map(|r| r.as_str().to_owned()),
        started_at_ms: report.started_at.as_ref().map(|t| t.epoch_ms()),
        ended_at_ms: report.ended_at.as_ref().map(|t| t.epoch_ms()),
        cost: report.cost.as_ref().and_then(serde_json::Number::as_f64),
        performance_metrics: artifact.and_then(|a| a.performance_metrics.clone()),
        messages,
    })
}

/// The call-level facts: the message's own `assistant`, `customer` and
/// phone number first, then the copies inside `call`.
fn call_info<P: SharedParts>(message: &ServerMessage, parts: &mut P) -> Option<CallInfo> {
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
    let own_assistant = message.assistant().filter(|_| follows);
    let own_customer = message.customer().filter(|_| follows);
    let own_phone_number = message.phone_number().filter(|_| follows);
    // The parts as the message holds them, or what they stand for.
    let shared_call = message.call().and_then(|call| parts.call(call));
    let shared_assistant = own_assistant.and_then(|a| parts.assistant(a));
    let shared_customer = own_customer.and_then(|c| parts.customer(c));
    let shared_phone_number = own_phone_number.and_then(|p| parts.phone_number(p));
    let call = shared_call.as_deref().or(message.call());
    let assistant: Option<&Assistant> = shared_assistant
        .as_deref()
        .or(own_assistant)
        .or_else(|| call.and_then(|c| c.assistant.as_deref()));
    let customer: Option<&Customer> = shared_customer
        .as_deref()
        .or(own_customer)
        .or_else(|| call.and_then(|c| c.customer.as_ref()));
    let phone_number: Option<&PhoneNumber> = shared_phone_number
        .as_deref()
        .or(own_phone_number)
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
        phone_number: phone_number
            .and_then(PhoneNumber::number)
            .map(str::to_owned),
    };
    (info != CallInfo::default()).then_some(info)
}

/// A conversation history from whichever form the message carries:
/// Vapi's `messages`, else `messagesOpenAIFormatted`, else (when that is
/// empty, as in real deliveries) the undocumented raw `conversation`.
fn history<P: SharedParts>(
    parts: &mut P,
    messages: Option<&[ArtifactMessage]>,
    open_ai: Option<&[OpenAiMessage]>,
    conversation: Option<&[Value]>,
) -> Vec<HistoryMessage> {
    let mut out = Vec::new();
    if let Some(messages) = messages {
        for message in messages {
            push_entry(parts, &mut out, Entry::Vapi(message));
        }
        return out;
    }
    match open_ai {
        Some(open_ai) if !open_ai.is_empty() => {
            for message in open_ai {
                push_entry(parts, &mut out, Entry::OpenAi(message));
            }
            out
        }
        _ => conversation
            .map(|raw| raw_history(parts, raw))
            .unwrap_or_default(),
    }
}

/// A history kept as raw entries; see [`HistoryEntry::read`].
fn raw_history<P: SharedParts>(parts: &mut P, entries: &[Value]) -> Vec<HistoryMessage> {
    let mut out = Vec::with_capacity(entries.len());
    for entry in entries {
        push_entry(parts, &mut out, Entry::Raw(entry));
    }
    out
}

/// Appends the history entry `entry`, or the entries it stands for.
fn push_entry<P: SharedParts>(parts: &mut P, out: &mut Vec<HistoryMessage>, entry: Entry<'_>) {
    match parts.history_entries(entry) {
        Some(shared) => out.extend(shared.iter().map(|entry| HistoryMessage::clone(entry))),
        None => out.push(history_message(entry)),
    }
}

fn transfer_target(destination: &Destination) -> TransferTarget {
    TransferTarget {
        kind: transfer_kind(destination.kind().as_ref()),
        assistant_name: destination.assistant_name().map(str::to_owned),
        number: destination.number().map(str::to_owned),
        sip_uri: destination.sip_uri().map(str::to_owned),
    }
}

/// Where a transfer went; any other destination type kept as sent, a
/// missing one as empty.
fn transfer_kind(kind: Option<&DestinationType>) -> TransferKind {
    match kind {
        Some(DestinationType::Assistant) => TransferKind::Assistant,
        Some(DestinationType::Number) => TransferKind::Number,
        Some(DestinationType::Sip) => TransferKind::Sip,
        Some(other) => TransferKind::Other(other.as_str().to_owned()),
        None => TransferKind::Other(String::new()),
    }
}

fn artifact_message(message: &ArtifactMessage) -> HistoryMessage {
    let mut out = HistoryMessage {
        role: message
            .kind()
            .map(|role| role.as_str().to_owned())
            .unwrap_or_default(),
        text: message.text_or_content().map(str::to_owned),
        at_ms: message.time().map(|t| t.epoch_ms()),
        ..HistoryMessage::default()
    };
    match message {
        ArtifactMessage::Bot(m) => out.end_at_ms = m.end_time.as_ref().map(|t| t.epoch_ms()),
        ArtifactMessage::User(m) => out.end_at_ms = m.end_time.as_ref().map(|t| t.epoch_ms()),
        ArtifactMessage::ToolCalls(m) => out.tool_calls = tool_calls(&m.listed_tool_calls()),
        ArtifactMessage::ToolCallResult(m) => {
            out.tool_result = Some(ToolResult {
                tool_call_id: m.tool_call_id.clone(),
                name: m.name.clone(),
                result: m.result.clone(),
            });
        }
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
    let tool_result = matches!(message.role, Some(OpenAiRole::Tool)).then(|| ToolResult {
        tool_call_id: message.tool_call_id.clone(),
        name: message.name.clone(),
        result: message.content.clone(),
    });
    HistoryMessage {
        role,
        text: message.content.clone(),
        tool_calls: tool_calls(&message.listed_tool_calls()),
        tool_result,
        ..HistoryMessage::default()
    }
}

fn tool_calls(listed: &[ListedToolCall<'_>]) -> Vec<ToolCall> {
    listed
        .iter()
        .map(|call| ToolCall {
            id: call.id.map(str::to_owned),
            name: call.name.map(str::to_owned),
            arguments: call.arguments_text(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use calltap_protocol::model::Envelope;

    use super::*;

    fn convert(body: &[u8]) -> CallEvent {
        let envelope = Envelope::from_slice(body).expect("fixture parses");
        call_event(Seq::new(1), 0, &envelope.message)
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
            let with = call_event(Seq::new(1), 0, &envelope.message);
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
            assert_eq!(
                call_event(Seq::new(1), 0, &envelope.message),
                with,
                "{name}"
            );
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
        let event = call_event(Seq::new(7), 42, &envelope.message);
        assert_eq!((event.seq, event.at_ms), (Seq::new(7), 42));
        let EventKind::Transfer { destination, .. } = event.kind else {
            panic!("expected a transfer");
        };
        assert_eq!(destination.kind, TransferKind::Sip);
        assert_eq!(destination.sip_uri.as_deref(), Some("sip:desk@example.com"));
    }
}
