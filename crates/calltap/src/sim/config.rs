//! What the simulator generates: the call mix, timing, and which message
//! types the simulated assistant asks for (`assistant.serverMessages`).
//!
//! Plain data with defaults that look like real traffic; the CLI fills it
//! from flags. Knows nothing of HTTP or files.

/// The knobs of the call model. Probabilities are in `[0, 1]`, times in ms.
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// The run seed: the same seed gives the same calls, byte for byte.
    pub seed: u64,
    /// When call 0 is created, epoch ms. Fixed by default (not "now") so
    /// that output depends on the seed alone.
    pub epoch_ms: i64,
    /// Mean gap between the creation of consecutive calls.
    pub call_spacing_ms: i64,
    /// Relative weights of inbound phone, outbound phone and web calls.
    pub mix: CallMix,
    /// Share of outbound calls that are never answered
    /// (`customer-did-not-answer` or `customer-busy`).
    pub no_answer_rate: f64,
    /// Median assistant response latency (user stop to assistant start).
    pub latency_p50_ms: f64,
    /// 95th percentile of the response latency (log-normal tail).
    pub latency_p95_ms: f64,
    /// Share of assistant utterances (after the greeting) the user barges
    /// into.
    pub interruption_rate: f64,
    /// Share of user turns answered with a tool call first.
    pub tool_call_rate: f64,
    /// Share of answered calls that end in a transfer (to an assistant, a
    /// number or a SIP URI, equally likely).
    pub transfer_rate: f64,
    /// Fewest user turns in an answered call.
    pub min_turns: u32,
    /// Most user turns in an answered call.
    pub max_turns: u32,
    /// The message types sent, beyond the defaults.
    pub messages: MessageTypes,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 0,
            // 2026-01-01T00:00:00Z.
            epoch_ms: 1_767_225_600_000,
            call_spacing_ms: 3_000,
            mix: CallMix::default(),
            no_answer_rate: 0.2,
            latency_p50_ms: 900.0,
            latency_p95_ms: 2_500.0,
            interruption_rate: 0.15,
            tool_call_rate: 0.2,
            transfer_rate: 0.15,
            min_turns: 2,
            max_turns: 8,
            messages: MessageTypes::default(),
        }
    }
}

/// Relative weights of the three call types.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CallMix {
    /// `inboundPhoneCall`.
    pub inbound: f64,
    /// `outboundPhoneCall`.
    pub outbound: f64,
    /// `webCall`.
    pub web: f64,
}

impl Default for CallMix {
    fn default() -> Self {
        CallMix {
            inbound: 0.5,
            outbound: 0.3,
            web: 0.2,
        }
    }
}

/// Which optional message types the simulated assistant subscribes to.
///
/// Vapi sends a message type only when it is in `assistant.serverMessages`.
/// Its default list has `status-update`, `speech-update`,
/// `conversation-update`, `end-of-call-report`, `tool-calls` and a few
/// request types; `transfer-update` and `transcript` must be asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MessageTypes {
    /// Send `transfer-update`.
    pub transfer_update: bool,
    /// Send final `transcript` messages.
    pub transcript: bool,
}

impl MessageTypes {
    /// The `assistant.serverMessages` list these choices amount to.
    pub fn server_messages(&self) -> Vec<&'static str> {
        let mut list = vec![
            "conversation-update",
            "end-of-call-report",
            "function-call",
            "hang",
            "speech-update",
            "status-update",
            "tool-calls",
            "transfer-destination-request",
            "user-interrupted",
        ];
        if self.transfer_update {
            list.push("transfer-update");
        }
        if self.transcript {
            list.push("transcript");
        }
        list
    }
}
