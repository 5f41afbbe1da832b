//! Tests of call state: a data-driven snapshot table (`table`), property
//! tests of order independence (`props`) and each metric's edge cases
//! (`metrics`), over events built by hand with [`Events`].

mod corpus;
mod metrics;
pub(crate) mod props;
mod table;

use super::event::{
    CallEvent, CallInfo, EndOfCallReport, EventKind, HistoryMessage, Role, SpeechStatus, ToolCall,
    ToolResult, TransferKind, TransferTarget,
};

/// Test times are offsets from here (2023-11-14T22:13:20Z), so the last
/// digits of a snapshot's times read as milliseconds into the call.
pub(super) const T0: i64 = 1_700_000_000_000;

/// Builds a call's events in order, numbering them 1, 2, 3, ... and
/// stamping each at `T0 + offset`.
#[derive(Clone, Debug, Default)]
pub(super) struct Events {
    events: Vec<CallEvent>,
}

pub(super) fn info() -> CallInfo {
    CallInfo {
        call_type: Some("outboundPhoneCall".to_owned()),
        assistant_id: Some("asst-riley".to_owned()),
        assistant_name: Some("Riley".to_owned()),
        customer_number: Some("+15550100".to_owned()),
        phone_number: Some("+15550199".to_owned()),
    }
}

pub(super) fn number(n: &str) -> TransferTarget {
    TransferTarget {
        kind: TransferKind::Number,
        assistant_name: None,
        number: Some(n.to_owned()),
        sip_uri: None,
    }
}

pub(super) fn sip(uri: &str) -> TransferTarget {
    TransferTarget {
        kind: TransferKind::Sip,
        assistant_name: None,
        number: None,
        sip_uri: Some(uri.to_owned()),
    }
}

pub(super) fn to_assistant(name: &str) -> TransferTarget {
    TransferTarget {
        kind: TransferKind::Assistant,
        assistant_name: Some(name.to_owned()),
        number: None,
        sip_uri: None,
    }
}

/// A history entry `(role, text, at offset)`.
pub(super) fn said(role: &str, text: &str, at: i64) -> HistoryMessage {
    HistoryMessage {
        role: role.to_owned(),
        text: Some(text.to_owned()),
        at_ms: Some(T0 + at),
        ..HistoryMessage::default()
    }
}

impl Events {
    pub(super) fn new() -> Self {
        Events::default()
    }

    pub(super) fn push(mut self, at: i64, kind: EventKind) -> Self {
        let seq = crate::ids::Seq::new(self.events.len() as i64 + 1);
        self.events.push(CallEvent {
            seq,
            at_ms: T0 + at,
            call: Some(info()),
            kind,
        });
        self
    }

    pub(super) fn status(self, at: i64, status: &str) -> Self {
        self.push(
            at,
            EventKind::Status {
                status: status.to_owned(),
                ended_reason: None,
                destination: None,
            },
        )
    }

    pub(super) fn ended(self, at: i64, reason: &str) -> Self {
        self.push(
            at,
            EventKind::Status {
                status: "ended".to_owned(),
                ended_reason: Some(reason.to_owned()),
                destination: None,
            },
        )
    }

    pub(super) fn forwarding(self, at: i64, destination: Option<TransferTarget>) -> Self {
        self.push(
            at,
            EventKind::Status {
                status: "forwarding".to_owned(),
                ended_reason: None,
                destination,
            },
        )
    }

    pub(super) fn speech(
        self,
        at: i64,
        role: Role,
        status: SpeechStatus,
        turn: Option<u32>,
    ) -> Self {
        self.push(at, EventKind::Speech { role, status, turn })
    }

    pub(super) fn started(self, at: i64, role: Role, turn: u32) -> Self {
        self.speech(at, role, SpeechStatus::Started, Some(turn))
    }

    pub(super) fn stopped(self, at: i64, role: Role, turn: u32) -> Self {
        self.speech(at, role, SpeechStatus::Stopped, Some(turn))
    }

    /// A complete utterance: `started` at `from`, `stopped` at `to`.
    pub(super) fn speaks(self, role: Role, turn: u32, from: i64, to: i64) -> Self {
        self.started(from, role.clone(), turn)
            .stopped(to, role, turn)
    }

    pub(super) fn conversation(self, at: i64, messages: Vec<HistoryMessage>) -> Self {
        self.push(at, EventKind::Conversation { messages })
    }

    pub(super) fn transfer(
        self,
        at: i64,
        destination: TransferTarget,
        from_assistant: Option<&str>,
        to_assistant: Option<&str>,
    ) -> Self {
        self.push(
            at,
            EventKind::Transfer {
                destination,
                from_assistant: from_assistant.map(str::to_owned),
                to_assistant: to_assistant.map(str::to_owned),
                to_step_record: None,
                from_step_record: None,
            },
        )
    }

    pub(super) fn report(self, at: i64, report: EndOfCallReport) -> Self {
        self.push(at, EventKind::EndOfCallReport(report))
    }

    pub(super) fn other(self, at: i64, message_type: &str) -> Self {
        self.push(
            at,
            EventKind::Other {
                message_type: message_type.to_owned(),
            },
        )
    }

    /// Changes the last event's call info.
    pub(super) fn with_info(mut self, info: Option<CallInfo>) -> Self {
        if let Some(last) = self.events.last_mut() {
            last.call = info;
        }
        self
    }

    pub(super) fn build(self) -> Vec<CallEvent> {
        self.events
    }
}

pub(super) fn tool_calls(name: &str, id: &str, args: &str, at: i64) -> HistoryMessage {
    HistoryMessage {
        role: "tool_calls".to_owned(),
        text: Some(String::new()),
        at_ms: Some(T0 + at),
        tool_calls: vec![ToolCall {
            id: Some(id.to_owned()),
            name: Some(name.to_owned()),
            arguments: Some(args.to_owned()),
        }],
        ..HistoryMessage::default()
    }
}

pub(super) fn tool_result(name: &str, id: &str, result: &str, at: i64) -> HistoryMessage {
    HistoryMessage {
        role: "tool_call_result".to_owned(),
        text: None,
        at_ms: Some(T0 + at),
        tool_result: Some(ToolResult {
            tool_call_id: Some(id.into()),
            name: Some(name.to_owned()),
            result: Some(result.to_owned()),
        }),
        ..HistoryMessage::default()
    }
}
