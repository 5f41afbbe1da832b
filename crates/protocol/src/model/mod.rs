//! Typed, lossless models of Vapi server messages.
//!
//! [`Envelope::from_slice`] reads a delivery body (`{"message": {...}}`) into a
//! [`ServerMessage`]: each of the 29 message types of both specs (2025-06 and
//! 2026-08) has a variant holding its struct; a type not yet invented is kept
//! untouched in [`ServerMessage::Other`].
//!
//! Nothing is dropped. Every model struct has an `extra` map holding the
//! properties it does not type, every `oneOf` union has an `Other` variant
//! holding the raw object, and every enum is open (an `Unknown(String)`
//! variant keeps values this version does not know). Numbers that are not
//! timestamps are [`serde_json::Number`], so `0` and `0.0` stay apart. The
//! [`Layout`] captured while parsing puts keys back in the order they came and
//! re-inserts explicit `null`s, so parse-then-serialise gives back the input
//! JSON, key order included.
//!
//! This module knows JSON and the Vapi schemas; it knows nothing of HTTP,
//! storage or call state.

#[macro_use]
pub(crate) mod codec;
#[macro_use]
mod open_enum;
#[macro_use]
mod tagged;
#[macro_use]
mod model_struct;

mod artifact;
mod assistant;
mod call;
mod conversation_update;
mod destination;
mod end_of_call_report;
mod ended_reason;
mod enums;
mod envelope;
mod exchange;
mod layout;
mod lenient;
mod lifecycle;
mod live;
mod message;
mod of_type;
mod phone_number;
mod requests;
mod speech_update;
mod status_update;
mod tool_calls;
mod transfer_update;

pub use artifact::{
    Artifact, ArtifactMessage, BotMessage, MonoRecording, OpenAiMessage, Recording, SystemMessage,
    ToolCallMessage, ToolCallResultMessage, UserMessage,
};
pub use assistant::Assistant;
pub use call::{Analysis, Call, Cost, Customer};
pub use conversation_update::ConversationUpdate;
pub use destination::{AssistantDestination, Destination, NumberDestination, SipDestination};
pub use end_of_call_report::EndOfCallReport;
pub use ended_reason::EndedReason;
pub use enums::{
    ArtifactMessageRole, ArtifactUploadType, CallStatus, CallType, CostType, DestinationType,
    FirstMessageMode, MessageType, OpenAiRole, PhoneCallProvider, PhoneCallTransport,
    PhoneNumberProvider, SessionStatus, SpeechRole, SpeechStatus, TransferMode,
};
pub use envelope::Envelope;
pub use layout::Layout;
pub use lenient::{HistoryEntry, ListedToolCall};
pub use lifecycle::{
    CallArtifactUpload, CallArtifactUploadItem, CallDeleteFailed, CallDeleted, CampaignContact,
    CampaignPredial, ChatCreated, ChatDeleted, Session, SessionCreated, SessionDeleted,
    SessionUpdated,
};
pub use live::{
    AssistantSpeechSource, AssistantSpeechStarted, AssistantSpeechTiming,
    AssistantSpeechTimingType, Hang, LanguageChangeDetected, ModelOutput, Transcript,
    TranscriptType, UserInterrupted, VoiceInput, WordAlignmentTiming, WordProgressTiming,
};
pub use message::{OtherMessage, ServerMessage};
pub use phone_number::{
    ByoPhoneNumber, PhoneNumber, TelnyxPhoneNumber, TwilioPhoneNumber, VapiPhoneNumber,
    VonagePhoneNumber,
};
pub use requests::{
    AssistantRequest, CallEndpointingRequest, HandoffDestinationRequest, KnowledgeBaseRequest,
    PhoneCallControl, PhoneCallRequest, TransferDestinationRequest, VoiceRequest,
};
pub use speech_update::SpeechUpdate;
pub use status_update::StatusUpdate;
pub use tool_calls::{ToolCall, ToolCallFunction, ToolCalls, ToolWithToolCall};
pub use transfer_update::TransferUpdate;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

/// A model struct: a JSON object with some properties typed and the rest
/// kept in an `extra` map.
///
/// `FIELDS` lists the JSON keys the struct types; a test checks that each
/// one really is typed (it never lands in `extra`) and that every property
/// of the matching schema in both Vapi specs is listed, so a spec update
/// that adds a property fails a test instead of silently going untyped.
pub trait Model: Serialize + DeserializeOwned {
    /// The JSON keys this struct types, in declaration order (a union's tag
    /// key is not listed: the enum variant holding the struct implies it).
    const FIELDS: &'static [&'static str];

    /// The properties this struct does not type, kept as sent.
    fn extra(&self) -> &Map<String, Value>;

    /// Mutable access to the untyped properties.
    fn extra_mut(&mut self) -> &mut Map<String, Value>;
}
