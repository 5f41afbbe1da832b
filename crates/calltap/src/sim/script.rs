//! The call model: one simulated call as a timeline of what happens
//! (status changes, who speaks when, history commits, tool calls,
//! transfers, the end) and the truth that follows from it.
//!
//! [`CallScript::generate`] draws everything from the call's own random
//! stream ([`SimRng`]), so call `k` of a seed is always the same call.
//! Times are epoch ms. This module decides *what* happens; `render` writes
//! it as Vapi's JSON. It knows nothing of JSON bytes, HTTP or files.

use serde_json::Value;

use super::config::SimConfig;
use super::persona::{catalog, Persona};
use super::rng::SimRng;
use super::truth::{CallTruth, TruthMetrics};
use crate::calls::detail::{StatusChange, TransferEntry, Turn};

/// The three kinds of call the simulator places.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// `inboundPhoneCall`: a customer calls the assistant's number.
    Inbound,
    /// `outboundPhoneCall`: the assistant calls the customer, who may not
    /// answer.
    Outbound,
    /// `webCall`: a browser session, no phone number.
    Web,
}

impl CallKind {
    /// `call.type` as Vapi writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            CallKind::Inbound => "inboundPhoneCall",
            CallKind::Outbound => "outboundPhoneCall",
            CallKind::Web => "webCall",
        }
    }
}

/// Who speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speaker {
    /// The customer.
    User,
    /// The assistant.
    Assistant,
}

impl Speaker {
    /// The speech-update `role`.
    pub fn as_str(self) -> &'static str {
        match self {
            Speaker::User => "user",
            Speaker::Assistant => "assistant",
        }
    }
}

/// One entry of the conversation history (`artifact.messages`).
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// The system prompt, at the start of the call.
    System {
        /// The prompt.
        text: String,
        /// `time`.
        time: i64,
    },
    /// An assistant utterance (`role: "bot"`).
    Bot {
        /// What was said.
        text: String,
        /// Start.
        time: i64,
        /// Stop.
        end: i64,
    },
    /// A user utterance.
    User {
        /// What was said.
        text: String,
        /// Start.
        time: i64,
        /// Stop.
        end: i64,
    },
    /// The assistant called a tool (`role: "tool_calls"`).
    ToolCalls {
        /// The tool-call id.
        id: String,
        /// The function name.
        name: String,
        /// The arguments, JSON text.
        arguments: String,
        /// When.
        time: i64,
    },
    /// The tool's result (`role: "tool_call_result"`).
    ToolResult {
        /// The tool-call id it answers.
        id: String,
        /// The function name.
        name: String,
        /// The result text.
        result: String,
        /// When.
        time: i64,
    },
}

/// A history entry and when it was committed (a conversation-update is
/// sent then).
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryItem {
    /// The entry.
    pub entry: Entry,
    /// When it joined the history.
    pub commit_at: i64,
}

/// One message the call sends.
#[derive(Debug, Clone, PartialEq)]
pub enum StepKind {
    /// `status-update`.
    Status {
        /// The status.
        status: &'static str,
        /// `endedReason`, with `ended`.
        ended_reason: Option<&'static str>,
        /// Index into [`CallScript::destinations`], with `forwarding`.
        destination: Option<usize>,
    },
    /// `speech-update`.
    Speech {
        /// Who.
        role: Speaker,
        /// Started (else stopped).
        started: bool,
        /// The per-role turn number.
        turn: u32,
    },
    /// `conversation-update` with the history so far.
    Conversation,
    /// `tool-calls`, for the history entry at this index.
    ToolCalls {
        /// Index of the [`Entry::ToolCalls`] in the history.
        entry: usize,
    },
    /// `user-interrupted`: the user barged in and the assistant stopped.
    UserInterrupted,
    /// `transfer-update`.
    Transfer {
        /// Index into [`CallScript::destinations`].
        destination: usize,
    },
    /// A final `transcript` of the history entry at this index.
    Transcript {
        /// Index of the utterance in the history.
        entry: usize,
    },
    /// `end-of-call-report`.
    EndOfCallReport,
}

/// One message of the call, at its time.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The message `timestamp`.
    pub at_ms: i64,
    /// How many history entries the artifact holds at this point.
    pub history_len: usize,
    /// Which assistant is active: 0 the call's own, 1 the one it was
    /// transferred to.
    pub assistant: usize,
    /// What is sent.
    pub kind: StepKind,
}

/// A whole simulated call.
#[derive(Debug, Clone)]
pub struct CallScript {
    /// The call's number in the run.
    pub index: u64,
    /// `call.id`.
    pub id: String,
    /// Inbound, outbound or web.
    pub kind: CallKind,
    /// Index into the catalog's personas.
    pub persona: usize,
    /// Index into the catalog's phone numbers (phone calls only).
    pub phone_number: Option<usize>,
    /// `call.createdAt`, epoch ms.
    pub created_ms: i64,
    /// `customer.number`.
    pub customer_number: String,
    /// `customer.name`.
    pub customer_name: String,
    /// `call.phoneCallProviderId`.
    pub provider_call_id: String,
    /// When the call was answered (`startedAt`); `None` if never.
    pub started_at: Option<i64>,
    /// When it ended (`endedAt`).
    pub ended_at: i64,
    /// Why it ended.
    pub ended_reason: &'static str,
    /// The cost in micro-USD.
    pub cost_micros: i64,
    /// The conversation history, in commit order.
    pub history: Vec<HistoryItem>,
    /// Transfer destinations used (as the persona's `transferCall` lists them).
    pub destinations: Vec<Value>,
    /// Name of the assistant transferred to, for an assistant transfer.
    pub second_assistant: Option<String>,
    /// The messages, in time order.
    pub steps: Vec<Step>,
    /// The ground truth.
    pub truth: CallTruth,
}

/// The organisation every simulated call belongs to.
pub const ORG_ID: &str = "5e1f0c2a-7b1d-4c1e-9a57-0d51a7c0ffee";

const NAMES: [&str; 12] = [
    "Amara Okafor",
    "Ethan Brooks",
    "Sofia Marquez",
    "Liam Chen",
    "Priya Natarajan",
    "Noah Fischer",
    "Hana Sato",
    "Mateo Rossi",
    "Chloe Dubois",
    "Omar Haddad",
    "Grace Kim",
    "Lucas Silva",
];

/// Ended reasons of answered calls that end normally, with weights; all are
/// values of Vapi's `endedReason` enum.
const NORMAL_ENDINGS: [(&str, f64); 6] = [
    ("customer-ended-call", 0.45),
    ("assistant-ended-call", 0.28),
    ("assistant-said-end-call-phrase", 0.1),
    ("silence-timed-out", 0.08),
    ("exceeded-max-duration", 0.03),
    (
        "call.in-progress.error-providerfault-anthropic-bedrock-500-server-error",
        0.06,
    ),
];

/// Every ended reason the simulator can send.
pub const ENDED_REASONS: [&str; 9] = [
    "customer-ended-call",
    "assistant-ended-call",
    "assistant-said-end-call-phrase",
    "silence-timed-out",
    "exceeded-max-duration",
    "call.in-progress.error-providerfault-anthropic-bedrock-500-server-error",
    "assistant-forwarded-call",
    "customer-did-not-answer",
    "customer-busy",
];

/// How long saying `text` takes: about 14 characters a second, at least
/// 0.6 s.
fn speech_ms(rng: &mut SimRng, text: &str) -> i64 {
    let base = i64::try_from(text.chars().count()).unwrap_or(200) * 70;
    (base + rng.range(-200, 400)).max(600)
}

/// What kind of transfer ends a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TransferPlan {
    None,
    Assistant,
    Number,
    Sip,
}

/// Accumulates the timeline and the truth while a call is generated.
struct Builder<'c> {
    cfg: &'c SimConfig,
    rng: SimRng,
    steps: Vec<Step>,
    history: Vec<HistoryItem>,
    statuses: Vec<StatusChange>,
    turns: Vec<Turn>,
    transfers: Vec<TransferEntry>,
    /// Transfer destinations used.
    destinations: Vec<Value>,
    /// Name of the assistant transferred to.
    second_assistant: Option<String>,
    assistant: usize,
    assistant_turn: u32,
    user_turn: u32,
    /// The latest user stop since the previous assistant utterance.
    pending_user_stop: Option<i64>,
}

impl<'c> Builder<'c> {
    fn step(&mut self, at_ms: i64, kind: StepKind) {
        self.steps.push(Step {
            at_ms,
            history_len: 0,
            assistant: self.assistant,
            kind,
        });
    }

    fn status(
        &mut self,
        at: i64,
        status: &'static str,
        ended_reason: Option<&'static str>,
        destination: Option<usize>,
    ) {
        self.step(
            at,
            StepKind::Status {
                status,
                ended_reason,
                destination,
            },
        );
        self.statuses.push(StatusChange {
            status: status.to_owned(),
            at,
            ended_reason: ended_reason.map(str::to_owned),
        });
    }

    /// Adds a history entry committed at `at`, with its conversation-update.
    fn commit(&mut self, at: i64, entry: Entry) -> usize {
        self.history.push(HistoryItem {
            entry,
            commit_at: at,
        });
        self.step(at, StepKind::Conversation);
        self.history.len() - 1
    }

    fn transcript(&mut self, at: i64, entry: usize) {
        if self.cfg.messages.transcript {
            self.step(at, StepKind::Transcript { entry });
        }
    }

    /// The assistant says `text` from `start`; when `barge_in`, the user
    /// starts strictly inside and the assistant stops shortly after.
    /// Returns (stop, the user's start if they barged in).
    fn assistant_says(&mut self, start: i64, text: &str, barge_in: bool) -> (i64, Option<i64>) {
        let full = speech_ms(&mut self.rng, text);
        let turn = self.assistant_turn;
        self.assistant_turn += 1;
        let (stop, user_start) = if barge_in && full >= 1_000 {
            let user_start = start + self.rng.range(300, full - 300);
            (user_start + self.rng.range(150, 290), Some(user_start))
        } else {
            (start + full, None)
        };
        self.step(
            start,
            StepKind::Speech {
                role: Speaker::Assistant,
                started: true,
                turn,
            },
        );
        self.step(
            stop,
            StepKind::Speech {
                role: Speaker::Assistant,
                started: false,
                turn,
            },
        );
        if user_start.is_some() {
            self.step(stop, StepKind::UserInterrupted);
        }
        let user_stop = self.pending_user_stop.take();
        self.turns.push(Turn {
            turn: Some(turn),
            user_stopped_at: user_stop,
            assistant_started_at: start,
            assistant_stopped_at: Some(stop),
            latency_ms: user_stop.map(|u| start - u),
            interrupted: user_start.is_some(),
            talked_over_user: false,
        });
        let commit_at = stop + self.rng.range(80, 250);
        let transcript_at = stop + self.rng.range(20, 70);
        self.transcript(transcript_at, self.history.len());
        self.commit(
            commit_at,
            Entry::Bot {
                text: text.to_owned(),
                time: start,
                end: stop,
            },
        );
        (stop, user_start)
    }

    /// The user says `text` from `start`; returns the stop.
    fn user_says(&mut self, start: i64, text: &str) -> i64 {
        let stop = start + self.rng.range(1_000, 8_000);
        let turn = self.user_turn;
        self.user_turn += 1;
        self.step(
            start,
            StepKind::Speech {
                role: Speaker::User,
                started: true,
                turn,
            },
        );
        self.step(
            stop,
            StepKind::Speech {
                role: Speaker::User,
                started: false,
                turn,
            },
        );
        self.pending_user_stop = Some(stop);
        let transcript_at = stop + self.rng.range(20, 70);
        self.transcript(transcript_at, self.history.len());
        let commit_at = stop + self.rng.range(100, 300);
        self.commit(
            commit_at,
            Entry::User {
                text: text.to_owned(),
                time: start,
                end: stop,
            },
        );
        stop
    }

    /// The assistant calls a tool after `after`; returns when the result
    /// came back.
    fn tool_call(&mut self, after: i64, persona: &Persona) -> i64 {
        let tool = &persona.tools[self.rng.index(persona.tools.len())];
        let id = format!("call_{}", self.rng.alnum(24));
        let at = after + self.rng.range(250, 700);
        let entry = self.commit(
            at,
            Entry::ToolCalls {
                id: id.clone(),
                name: tool.name.clone(),
                arguments: tool.arguments.clone(),
                time: at,
            },
        );
        self.step(at, StepKind::ToolCalls { entry });
        let done = at + self.rng.range(200, 1_200);
        self.commit(
            done,
            Entry::ToolResult {
                id,
                name: tool.name.clone(),
                result: tool.result.clone(),
                time: done,
            },
        );
        done
    }

    /// The assistant's response latency to the user stop at `user_stop`.
    fn response_start(&mut self, user_stop: i64) -> i64 {
        let latency = self
            .rng
            .lognormal(self.cfg.latency_p50_ms, self.cfg.latency_p95_ms)
            .round();
        // At least 120 ms: the assistant never starts before the user stops.
        user_stop + (latency as i64).clamp(120, 20_000)
    }

    /// `turns` user turns, each answered by the assistant; the first
    /// assistant utterance (`first`) starts at `start`. Ends with the user's
    /// last turn answered by `last`, which is never interrupted. Returns
    /// the stop of `last`.
    fn conversation(
        &mut self,
        persona: &Persona,
        mut start: i64,
        first: &str,
        turns: u32,
        last: &str,
    ) -> i64 {
        let mut text = first.to_owned();
        for _ in 0..turns {
            let barge_in = self.rng.chance(self.cfg.interruption_rate);
            let (stop, user_start) = self.assistant_says(start, &text, barge_in);
            let user_start = user_start.unwrap_or_else(|| stop + self.rng.range(400, 2_000));
            let line = persona.user[self.rng.index(persona.user.len())].clone();
            let user_stop = self.user_says(user_start, &line);
            start = self.response_start(user_stop);
            if !persona.tools.is_empty() && self.rng.chance(self.cfg.tool_call_rate) {
                let done = self.tool_call(user_stop, persona);
                start = start.max(done + self.rng.range(150, 400));
            }
            text = persona.bot[self.rng.index(persona.bot.len())].clone();
        }
        let (stop, _) = self.assistant_says(start, last, false);
        stop
    }
}

/// What is drawn for a call before its timeline: who calls whom, when,
/// how many turns, and how it is meant to end.
struct Outline {
    id: String,
    kind: CallKind,
    persona: usize,
    phone_number: Option<usize>,
    created_ms: i64,
    customer_number: String,
    customer_name: String,
    provider_call_id: String,
    turns: u32,
    transfer: TransferPlan,
    unanswered: bool,
}

impl Outline {
    /// Draws the outline of call `index`; these are the first draws of the
    /// call's stream, in this order.
    fn draw(cfg: &SimConfig, index: u64, rng: &mut SimRng) -> Outline {
        let catalog = catalog();
        let id = rng.uuid();
        let mix = [cfg.mix.inbound, cfg.mix.outbound, cfg.mix.web];
        let kind = [CallKind::Inbound, CallKind::Outbound, CallKind::Web][rng.weighted(&mix)];
        let persona = rng.index(catalog.personas.len());
        let phone_number = match kind {
            CallKind::Web => None,
            _ => Some(rng.index(catalog.phone_numbers.len())),
        };
        let spacing = cfg.call_spacing_ms.max(0);
        let created_ms = cfg.epoch_ms
            + i64::try_from(index)
                .unwrap_or(i64::MAX / 4)
                .saturating_mul(spacing)
            + rng.range(0, spacing);
        let customer_number = rng.phone();
        let customer_name = NAMES[rng.index(NAMES.len())].to_owned();
        let provider_call_id = format!("CA{}", rng.alnum(32));
        let turns = u32::try_from(rng.range(
            i64::from(cfg.min_turns.max(1)),
            i64::from(cfg.max_turns.max(cfg.min_turns.max(1))),
        ))
        .unwrap_or(1);
        let transfer = if rng.chance(cfg.transfer_rate) {
            [
                TransferPlan::Assistant,
                TransferPlan::Number,
                TransferPlan::Sip,
            ][rng.index(3)]
        } else {
            TransferPlan::None
        };
        let unanswered = kind == CallKind::Outbound && rng.chance(cfg.no_answer_rate);
        Outline {
            id,
            kind,
            persona,
            phone_number,
            created_ms,
            customer_number,
            customer_name,
            provider_call_id,
            turns,
            transfer,
            unanswered,
        }
    }
}

/// How a call ends: when, why, and when the `ended` status goes out.
struct Ending {
    ended_at: i64,
    reason: &'static str,
    status_at: i64,
}

/// The persona's transfer destination of type `kind`, if it lists one.
fn destination_of(persona: &Persona, kind: &str) -> Option<Value> {
    persona
        .destinations()
        .into_iter()
        .find(|d| d["type"] == kind)
        .cloned()
}

impl Builder<'_> {
    /// Queueing and ringing (outbound calls) up to the answer; `None` if
    /// the call is never answered.
    fn ring(&mut self, outline: &Outline) -> Option<i64> {
        let created_ms = outline.created_ms;
        match outline.kind {
            CallKind::Outbound => {
                let queued = created_ms + self.rng.range(10, 60);
                self.status(queued, "queued", None, None);
                let ringing = created_ms + self.rng.range(400, 1_500);
                self.status(ringing, "ringing", None, None);
                if outline.unanswered {
                    None
                } else {
                    Some(ringing + self.rng.range(2_000, 12_000))
                }
            }
            CallKind::Inbound => Some(created_ms + self.rng.range(60, 400)),
            CallKind::Web => Some(created_ms + self.rng.range(500, 2_000)),
        }
    }

    /// The end of a call nobody answered: no answer, or busy.
    fn no_answer(&mut self, created_ms: i64) -> Ending {
        let ringing_at = self.statuses.last().map_or(created_ms, |s| s.at);
        let (reason, ring_ms) = if self.rng.chance(0.75) {
            ("customer-did-not-answer", self.rng.range(20_000, 35_000))
        } else {
            ("customer-busy", self.rng.range(1_000, 4_000))
        };
        let ended_at = ringing_at + ring_ms;
        Ending {
            ended_at,
            reason,
            status_at: ended_at + self.rng.range(200, 1_500),
        }
    }

    /// An answered call from `started`: the system prompt, then the
    /// conversation and the ending its transfer plan calls for.
    fn answered(&mut self, persona: &Persona, started: i64, outline: &Outline) -> Ending {
        self.status(started, "in-progress", None, None);
        self.commit(
            started,
            Entry::System {
                text: persona.system_prompt().to_owned(),
                time: started,
            },
        );
        let greeting_at = started + self.rng.range(600, 1_500);
        match outline.transfer {
            TransferPlan::None => self.plain_ending(persona, greeting_at, outline.turns),
            TransferPlan::Number => {
                self.transfer_out(persona, greeting_at, outline.turns, "number")
            }
            TransferPlan::Sip => self.transfer_out(persona, greeting_at, outline.turns, "sip"),
            TransferPlan::Assistant => self.hand_over(persona, greeting_at, outline.turns),
        }
    }

    /// The `ended` status goes out a moment after an answered call ends.
    fn ended(&mut self, ended_at: i64, reason: &'static str) -> Ending {
        Ending {
            ended_at,
            reason,
            status_at: ended_at + self.rng.range(300, 2_000),
        }
    }

    /// The whole conversation, then a goodbye and one of the normal endings.
    fn plain_ending(&mut self, persona: &Persona, greeting_at: i64, turns: u32) -> Ending {
        let goodbye = persona.assistant["endCallMessage"]
            .as_str()
            .unwrap_or("Thanks for calling. Goodbye!")
            .to_owned();
        let last = self.conversation(
            persona,
            greeting_at,
            persona.first_message(),
            turns,
            &goodbye,
        );
        let weights: Vec<f64> = NORMAL_ENDINGS.iter().map(|(_, w)| *w).collect();
        let reason = NORMAL_ENDINGS[self.rng.weighted(&weights)].0;
        let tail = if reason == "silence-timed-out" {
            self.rng.range(10_000, 20_000)
        } else {
            self.rng.range(200, 1_500)
        };
        self.ended(last + tail, reason)
    }

    /// The whole conversation, then a transfer to a number or SIP URI
    /// (`kind`), which ends the call for the assistant.
    fn transfer_out(
        &mut self,
        persona: &Persona,
        greeting_at: i64,
        turns: u32,
        kind: &'static str,
    ) -> Ending {
        let dest =
            destination_of(persona, kind).unwrap_or_else(|| serde_json::json!({"type": kind}));
        let say = dest["message"]
            .as_str()
            .unwrap_or("Please hold while I transfer you.")
            .to_owned();
        self.destinations.push(dest.clone());
        let last = self.conversation(persona, greeting_at, persona.first_message(), turns, &say);
        let update_at = last + self.rng.range(100, 300);
        let forwarding_at = update_at + self.rng.range(50, 300);
        let transfer_update = self.cfg.messages.transfer_update;
        if transfer_update {
            self.step(update_at, StepKind::Transfer { destination: 0 });
        }
        self.status(forwarding_at, "forwarding", None, Some(0));
        self.transfers.push(TransferEntry {
            at: if transfer_update {
                update_at
            } else {
                forwarding_at
            },
            source: if transfer_update {
                "transfer-update"
            } else {
                "forwarding"
            }
            .to_owned(),
            forwarding_at: Some(forwarding_at),
            destination_type: Some(kind.to_owned()),
            assistant_name: None,
            number: dest["number"].as_str().map(str::to_owned),
            sip_uri: dest["sipUri"].as_str().map(str::to_owned),
            from_assistant: None,
            to_assistant: None,
            to_step_record: None,
            from_step_record: None,
        });
        let ended_at = forwarding_at + self.rng.range(5_000, 60_000);
        self.ended(ended_at, "assistant-forwarded-call")
    }

    /// Half the conversation, a hand-over to a second assistant, and the
    /// rest of it with that one, who ends the call.
    fn hand_over(&mut self, persona: &Persona, greeting_at: i64, turns: u32) -> Ending {
        let dest = destination_of(persona, "assistant").unwrap_or_else(
            || serde_json::json!({"type": "assistant", "assistantName": "Billing"}),
        );
        let say = dest["message"]
            .as_str()
            .unwrap_or("Let me hand you over.")
            .to_owned();
        let to_name = dest["assistantName"]
            .as_str()
            .unwrap_or("Billing")
            .to_owned();
        self.destinations.push(dest);
        let first_part = (turns / 2).max(1);
        let handover = self.conversation(
            persona,
            greeting_at,
            persona.first_message(),
            first_part,
            &say,
        );
        let update_at = handover + self.rng.range(100, 300);
        if self.cfg.messages.transfer_update {
            self.step(update_at, StepKind::Transfer { destination: 0 });
            self.transfers.push(TransferEntry {
                at: update_at,
                source: "transfer-update".to_owned(),
                forwarding_at: None,
                destination_type: Some("assistant".to_owned()),
                assistant_name: Some(to_name.clone()),
                number: None,
                sip_uri: None,
                from_assistant: Some(persona.name().to_owned()),
                to_assistant: Some(to_name.clone()),
                to_step_record: None,
                from_step_record: None,
            });
        }
        self.assistant = 1;
        let greeting = format!("Hi, this is {to_name}. How can I help?");
        let goodbye = "Thanks, you're all set. Goodbye!";
        let rest = turns.saturating_sub(first_part).max(1);
        let greeting_at = update_at + self.rng.range(500, 1_200);
        let last = self.conversation(persona, greeting_at, &greeting, rest, goodbye);
        self.second_assistant = Some(to_name);
        let ended_at = last + self.rng.range(200, 1_500);
        self.ended(ended_at, "assistant-ended-call")
    }

    /// The `ended` status and, after it, the end-of-call report.
    fn hang_up(&mut self, ending: &Ending) {
        self.status(ending.status_at, "ended", Some(ending.reason), None);
        let report_at = ending.status_at + self.rng.range(1_500, 5_000);
        self.step(report_at, StepKind::EndOfCallReport);
    }

    /// Puts the messages in time order (ties keep generation order) and
    /// notes at each how much of the history is committed. The history is
    /// put in commit order too, and the steps that name an entry of it
    /// (`tool-calls`, `transcript`) are pointed at its new place.
    fn order_timeline(&mut self) {
        self.steps.sort_by_key(|s| s.at_ms);
        let mut order: Vec<usize> = (0..self.history.len()).collect();
        order.sort_by_key(|&i| self.history[i].commit_at);
        let mut moved_to = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            moved_to[old] = new;
        }
        let mut slots: Vec<Option<HistoryItem>> = std::mem::take(&mut self.history)
            .into_iter()
            .map(Some)
            .collect();
        self.history = order.iter().filter_map(|&old| slots[old].take()).collect();
        for step in &mut self.steps {
            if let StepKind::ToolCalls { entry } | StepKind::Transcript { entry } = &mut step.kind {
                // A transcript may name the entry right after the last one.
                if let Some(&new) = moved_to.get(*entry) {
                    *entry = new;
                }
            }
        }
        let mut committed = 0;
        for step in &mut self.steps {
            while committed < self.history.len() && self.history[committed].commit_at <= step.at_ms
            {
                committed += 1;
            }
            step.history_len = committed;
        }
    }

    /// The finished script of `outline`'s call, with its truth.
    fn into_script(
        self,
        index: u64,
        outline: Outline,
        answered_at: Option<i64>,
        ending: &Ending,
    ) -> CallScript {
        let ended_at = ending.ended_at;
        let minutes_micros = (ended_at - answered_at.unwrap_or(ended_at)).max(0) * 2; // $0.12/min
        let cost_micros = minutes_micros + if answered_at.is_some() { 1_500 } else { 0 };
        let interruptions = self.turns.iter().filter(|t| t.interrupted).count() as u64;
        let truth = CallTruth {
            id: outline.id.clone(),
            call_type: outline.kind.as_str().to_owned(),
            status: "ended".to_owned(),
            ended_reason: ending.reason.to_owned(),
            started_at: answered_at,
            ended_at: Some(ended_at),
            status_history: self.statuses,
            metrics: TruthMetrics {
                turn_count: self.turns.len() as u64,
                interruptions_by_user: interruptions,
                interruptions_by_assistant: 0,
            },
            turns: self.turns,
            transfers: self.transfers,
            deliveries: self.steps.len() as u64,
        };
        CallScript {
            index,
            id: outline.id,
            kind: outline.kind,
            persona: outline.persona,
            phone_number: outline.phone_number,
            created_ms: outline.created_ms,
            customer_number: outline.customer_number,
            customer_name: outline.customer_name,
            provider_call_id: outline.provider_call_id,
            started_at: answered_at,
            ended_at,
            ended_reason: ending.reason,
            cost_micros,
            history: self.history,
            destinations: self.destinations,
            second_assistant: self.second_assistant,
            steps: self.steps,
            truth,
        }
    }
}

impl CallScript {
    /// Generates call `index` of the run described by `cfg`: its outline,
    /// then ringing, the conversation and ending, the hang-up, in the order
    /// their draws come from the call's random stream.
    pub fn generate(cfg: &SimConfig, index: u64) -> CallScript {
        let mut rng = SimRng::new(cfg.seed, index);
        let outline = Outline::draw(cfg, index, &mut rng);
        let persona = &catalog().personas[outline.persona];
        let mut b = Builder {
            cfg,
            rng,
            steps: Vec::new(),
            history: Vec::new(),
            statuses: Vec::new(),
            turns: Vec::new(),
            transfers: Vec::new(),
            destinations: Vec::new(),
            second_assistant: None,
            assistant: 0,
            assistant_turn: 0,
            user_turn: 0,
            pending_user_stop: None,
        };
        let answered_at = b.ring(&outline);
        let ending = match answered_at {
            None => b.no_answer(outline.created_ms),
            Some(started) => b.answered(persona, started, &outline),
        };
        b.hang_up(&ending);
        b.order_timeline();
        b.into_script(index, outline, answered_at, &ending)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calltap_protocol::model::EndedReason;

    #[test]
    fn every_ended_reason_the_simulator_sends_is_in_vapis_enum() {
        for reason in ENDED_REASONS {
            assert!(
                EndedReason::KNOWN.contains(&reason),
                "{reason} is not a known ended reason"
            );
        }
        for (reason, _) in NORMAL_ENDINGS {
            assert!(ENDED_REASONS.contains(&reason));
        }
    }

    #[test]
    fn steps_are_in_time_order_and_history_only_grows() {
        let cfg = SimConfig::default();
        for i in 0..200 {
            let s = CallScript::generate(&cfg, i);
            assert!(s.steps.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
            assert!(s
                .steps
                .windows(2)
                .all(|w| w[0].history_len <= w[1].history_len));
            assert_eq!(
                s.steps.last().map(|s| &s.kind),
                Some(&StepKind::EndOfCallReport)
            );
        }
    }

    #[test]
    fn an_unanswered_outbound_call_goes_queued_ringing_ended_without_speech() {
        let cfg = SimConfig {
            mix: crate::sim::config::CallMix {
                inbound: 0.0,
                outbound: 1.0,
                web: 0.0,
            },
            no_answer_rate: 1.0,
            ..SimConfig::default()
        };
        for i in 0..50 {
            let s = CallScript::generate(&cfg, i);
            let path: Vec<&str> = s
                .truth
                .status_history
                .iter()
                .map(|c| c.status.as_str())
                .collect();
            assert_eq!(path, ["queued", "ringing", "ended"]);
            assert!(["customer-did-not-answer", "customer-busy"].contains(&s.ended_reason));
            assert!(s.truth.turns.is_empty());
            assert_eq!(s.truth.started_at, None);
        }
    }

    #[test]
    fn the_interruption_rate_is_roughly_honoured() {
        let cfg = SimConfig {
            interruption_rate: 0.3,
            ..SimConfig::default()
        };
        let (mut interrupted, mut eligible) = (0u64, 0u64);
        for i in 0..500 {
            let s = CallScript::generate(&cfg, i);
            // Every assistant utterance but each conversation's last can be
            // interrupted; count over all answered turns with a latency or
            // the greeting, which is simpler: the last one of a call never is.
            let n = s.truth.turns.len() as u64;
            if n > 0 {
                eligible += n - 1 - u64::from(s.second_assistant.is_some());
            }
            interrupted += s.truth.metrics.interruptions_by_user;
        }
        let rate = interrupted as f64 / eligible as f64;
        assert!((0.22..0.36).contains(&rate), "rate {rate}");
    }

    #[test]
    fn barge_ins_start_strictly_inside_the_assistant_utterance() {
        let cfg = SimConfig {
            interruption_rate: 0.5,
            ..SimConfig::default()
        };
        for i in 0..100 {
            let s = CallScript::generate(&cfg, i);
            for t in s.truth.turns.iter().filter(|t| t.interrupted) {
                let stop = t.assistant_stopped_at.unwrap_or(i64::MIN);
                let user_start_inside = s.steps.iter().any(|st| {
                    matches!(
                        st.kind,
                        StepKind::Speech {
                            role: Speaker::User,
                            started: true,
                            ..
                        }
                    ) && st.at_ms > t.assistant_started_at
                        && st.at_ms < stop
                });
                assert!(user_start_inside, "call {i} turn {:?}", t.turn);
            }
        }
    }
}
