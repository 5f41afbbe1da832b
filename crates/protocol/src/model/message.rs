//! [`ServerMessage`]: the value of an envelope's `message`, told apart by its
//! `type`. Every type of both specs is typed; a type this version does not
//! know is kept untouched as an [`OtherMessage`].

use serde::de::{DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use super::codec::{self, Field, Lay, NoRecord, Recorder, Slot, Untyped, WriteObject};
use super::tagged;
use super::{
    Artifact, Assistant, AssistantRequest, AssistantSpeechStarted, Call, CallArtifactUpload,
    CallDeleteFailed, CallDeleted, CallEndpointingRequest, CampaignPredial, ChatCreated,
    ChatDeleted, ConversationUpdate, Customer, EndOfCallReport, HandoffDestinationRequest, Hang,
    KnowledgeBaseRequest, LanguageChangeDetected, MessageType, ModelOutput, PhoneCallControl,
    PhoneNumber, SessionCreated, SessionDeleted, SessionUpdated, SpeechUpdate, StatusUpdate,
    ToolCalls, Transcript, TransferDestinationRequest, TransferUpdate, UserInterrupted, VoiceInput,
    VoiceRequest,
};
use crate::error::json_type_name;
use crate::{ParseError, Timestamp};

/// The key of a message that holds its type.
const TYPE: &str = "type";

/// Defines [`ServerMessage`] from its typed variants, each named as its
/// [`MessageType`] variant and holding that type's struct, with the wire
/// name of the type.
macro_rules! server_messages {
    ( $( $variant:ident($ty:ty) = $wire:literal, )* ) => {
        /// A Vapi server message, told apart by its `type`.
        ///
        /// Every message type of both specs has a variant holding its struct;
        /// a type this version does not know is kept untouched as
        /// [`ServerMessage::Other`]. The structs do not hold `type`: the
        /// variant implies it, and it is written first when serialising. They
        /// are boxed: the structs are large and most code moves messages
        /// around whole.
        ///
        /// Non-exhaustive: Vapi adds message types, and a later version of
        /// this crate types them; until then they arrive as `Other`. Match
        /// with a wildcard arm.
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum ServerMessage {
            $(
                #[doc = concat!("`", $wire, "`")]
                $variant(Box<$ty>),
            )*
            /// A type this version has never heard of, kept untouched.
            Other(OtherMessage),
        }

        impl ServerMessage {
            /// Reads a message object (the value of an envelope's `message`).
            ///
            /// Error paths point into the envelope (`/message/status`), as if
            /// `map` were its `message`.
            pub fn from_map(map: Map<String, Value>) -> Result<Self, ParseError> {
                let message_type = match map.get(TYPE) {
                    None => return Err(ParseError::MissingType),
                    Some(Value::String(message_type)) => message_type.clone(),
                    Some(other) => {
                        return Err(ParseError::InvalidField {
                            path: "/message/type".to_owned(),
                            reason: format!("expected a string, found {}", json_type_name(other)),
                        })
                    }
                };
                let mut track = serde_path_to_error::Track::new();
                let read = MessageSeed::new(&message_type, &mut NoRecord, Slot::ROOT)
                    .deserialize(serde_path_to_error::Deserializer::new(Value::Object(map), &mut track));
                read.map_err(|err| {
                    let (pointer, reason) = tagged::located(&track.path(), &err);
                    ParseError::InvalidField {
                        path: format!("/message{pointer}"),
                        reason,
                    }
                })
            }

            /// Reads the rest of a message object into the struct of
            /// `message_type`, its `type` (equal to it) just read.
            fn finish<'de, A: MapAccess<'de>, R: Recorder>(
                map: &mut A,
                rec: &mut R,
                slot: Slot,
                message_type: &str,
                before: codec::Before,
            ) -> Result<Self, A::Error> {
                Ok(match MessageType::from(message_type) {
                    $( MessageType::$variant => ServerMessage::$variant(Box::new(
                        codec::finish_tagged(map, rec, slot, TYPE, before)?,
                    )), )*
                    _ => {
                        let body = codec::finish_tagged::<_, Untyped, _>(map, rec, slot, TYPE, before)?;
                        ServerMessage::Other(OtherMessage::new(message_type, body.0))
                    }
                })
            }

            /// Reads a message object whose `type` is known to be
            /// `message_type` (it must say so).
            fn read_known<'de, A: MapAccess<'de>, R: Recorder>(
                map: &mut A,
                rec: &mut R,
                slot: Slot,
                message_type: &str,
            ) -> Result<Self, A::Error> {
                Ok(match MessageType::from(message_type) {
                    $( MessageType::$variant => ServerMessage::$variant(Box::new(
                        codec::read_known(map, rec, slot, TYPE, $wire)?,
                    )), )*
                    _ => {
                        let body = codec::read_known::<_, Untyped, _>(map, rec, slot, TYPE, message_type)?;
                        ServerMessage::Other(OtherMessage::new(message_type, body.0))
                    }
                })
            }

            /// The message's `type` as sent, e.g. `"status-update"`.
            pub fn message_type(&self) -> &str {
                match self {
                    $( ServerMessage::$variant(_) => $wire, )*
                    ServerMessage::Other(other) => other.message_type(),
                }
            }

            /// The message's `type` as a [`MessageType`].
            pub fn kind(&self) -> MessageType {
                match self {
                    $( ServerMessage::$variant(_) => MessageType::$variant, )*
                    ServerMessage::Other(other) => other.kind(),
                }
            }

            /// The properties every typed message shares; `None` for `Other`.
            fn common(&self) -> Option<Common<'_>> {
                match self {
                    $( ServerMessage::$variant(m) => Some(Common {
                        call: m.call.as_deref(),
                        timestamp: m.timestamp.as_ref(),
                        artifact: m.artifact.as_deref(),
                        assistant: m.assistant.as_deref(),
                        customer: m.customer.as_ref(),
                        phone_number: m.phone_number.as_ref(),
                    }), )*
                    ServerMessage::Other(_) => None,
                }
            }
        }

        impl ServerMessage {
            /// Writes the message, in the key order `lay` finds for it.
            pub(super) fn write<S: Serializer>(&self, ser: S, lay: Lay<'_>) -> Result<S::Ok, S::Error> {
                match self {
                    $( ServerMessage::$variant(m) => codec::write_object(&**m, ser, Some((TYPE, $wire)), lay), )*
                    ServerMessage::Other(other) => {
                        codec::write_object(other, ser, Some((TYPE, other.message_type())), lay)
                    }
                }
            }
        }
    };
}

server_messages! {
    StatusUpdate(StatusUpdate) = "status-update",
    SpeechUpdate(SpeechUpdate) = "speech-update",
    ConversationUpdate(ConversationUpdate) = "conversation-update",
    TransferUpdate(TransferUpdate) = "transfer-update",
    EndOfCallReport(EndOfCallReport) = "end-of-call-report",
    AssistantRequest(AssistantRequest) = "assistant-request",
    Hang(Hang) = "hang",
    KnowledgeBaseRequest(KnowledgeBaseRequest) = "knowledge-base-request",
    ModelOutput(ModelOutput) = "model-output",
    PhoneCallControl(PhoneCallControl) = "phone-call-control",
    ToolCalls(ToolCalls) = "tool-calls",
    TransferDestinationRequest(TransferDestinationRequest) = "transfer-destination-request",
    Transcript(Transcript) = "transcript",
    UserInterrupted(UserInterrupted) = "user-interrupted",
    LanguageChangeDetected(LanguageChangeDetected) = "language-change-detected",
    VoiceInput(VoiceInput) = "voice-input",
    VoiceRequest(VoiceRequest) = "voice-request",
    HandoffDestinationRequest(HandoffDestinationRequest) = "handoff-destination-request",
    AssistantSpeechStarted(AssistantSpeechStarted) = "assistant.speechStarted",
    CallEndpointingRequest(CallEndpointingRequest) = "call.endpointing.request",
    ChatCreated(ChatCreated) = "chat.created",
    ChatDeleted(ChatDeleted) = "chat.deleted",
    SessionCreated(SessionCreated) = "session.created",
    SessionUpdated(SessionUpdated) = "session.updated",
    SessionDeleted(SessionDeleted) = "session.deleted",
    CallDeleted(CallDeleted) = "call.deleted",
    CallDeleteFailed(CallDeleteFailed) = "call.delete.failed",
    CallArtifactUpload(CallArtifactUpload) = "call.artifact.upload",
    CampaignPredial(CampaignPredial) = "campaign.predial",
    TranscriptFinal(Transcript) = "transcript[transcriptType=\"final\"]",
}

/// References to the properties every typed message shares.
struct Common<'a> {
    call: Option<&'a Call>,
    timestamp: Option<&'a Timestamp>,
    artifact: Option<&'a Artifact>,
    assistant: Option<&'a Assistant>,
    customer: Option<&'a Customer>,
    phone_number: Option<&'a PhoneNumber>,
}

impl ServerMessage {
    /// The `call` snapshot the message carries, if any (for [`OtherMessage`],
    /// if it parses as a [`Call`]).
    ///
    /// It is taken when the call was created: its `status` is stale. Call
    /// state comes from the messages.
    pub fn call(&self) -> Option<&Call> {
        match self {
            ServerMessage::Other(other) => other.call(),
            typed => typed.common()?.call,
        }
    }

    /// When the message was sent (`timestamp`), if it says (for
    /// [`OtherMessage`], if it parses as a [`Timestamp`]).
    pub fn timestamp(&self) -> Option<&Timestamp> {
        match self {
            ServerMessage::Other(other) => other.timestamp(),
            typed => typed.common()?.timestamp,
        }
    }

    /// The live artifact of a typed message, if it carries one.
    pub fn artifact(&self) -> Option<&Artifact> {
        self.common()?.artifact
    }

    /// The active assistant of a typed message, if it carries one.
    pub fn assistant(&self) -> Option<&Assistant> {
        self.common()?.assistant
    }

    /// The customer of a typed message, if it carries one.
    pub fn customer(&self) -> Option<&Customer> {
        self.common()?.customer
    }

    /// The phone number of a typed message, if it carries one.
    pub fn phone_number(&self) -> Option<&PhoneNumber> {
        self.common()?.phone_number
    }
}

/// Reads a message object whose `type` is known (an envelope's reader
/// found it first), so that nothing before the `type` is buffered.
pub(super) struct MessageSeed<'a, R> {
    message_type: &'a str,
    rec: &'a mut R,
    slot: Slot,
}

impl<'a, R> MessageSeed<'a, R> {
    pub(super) fn new(message_type: &'a str, rec: &'a mut R, slot: Slot) -> Self {
        MessageSeed {
            message_type,
            rec,
            slot,
        }
    }
}

impl<'de, R: Recorder> DeserializeSeed<'de> for MessageSeed<'_, R> {
    type Value = ServerMessage;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<ServerMessage, D::Error> {
        de.deserialize_map(self)
    }
}

impl<'de, R: Recorder> Visitor<'de> for MessageSeed<'_, R> {
    type Value = ServerMessage;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ServerMessage, A::Error> {
        ServerMessage::read_known(&mut map, self.rec, self.slot, self.message_type)
    }
}

impl Field for ServerMessage {
    /// Reads a message of any type: the entries before `type` are
    /// buffered, then read with the rest into the struct of the type.
    fn read<'de, D: Deserializer<'de>, R: Recorder>(
        de: D,
        rec: &mut R,
        slot: Slot,
    ) -> Result<Self, D::Error> {
        struct MessageVisitor<'a, R> {
            rec: &'a mut R,
            slot: Slot,
        }

        impl<'de, R: Recorder> Visitor<'de> for MessageVisitor<'_, R> {
            type Value = ServerMessage;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a message object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ServerMessage, A::Error> {
                let mut before = codec::Before::new();
                while let Some(key) = codec::next_key(&mut map)? {
                    if key == TYPE {
                        let message_type = codec::next_str(&mut map)?;
                        return ServerMessage::finish(
                            &mut map,
                            self.rec,
                            self.slot,
                            &message_type,
                            before,
                        );
                    }
                    let value: Value = map.next_value()?;
                    before.push((key.into_owned(), value));
                }
                Err(serde::de::Error::missing_field(TYPE))
            }
        }

        de.deserialize_map(MessageVisitor { rec, slot })
    }

    fn write<S: Serializer>(&self, ser: S, lay: Lay<'_>) -> Result<S::Ok, S::Error> {
        ServerMessage::write(self, ser, lay)
    }
}

serde_via_field!(ServerMessage);

/// A message of a type this version does not know: its `type` and the rest
/// of its object, untouched.
///
/// For the convenience of call-state code, `call` and `timestamp` are also
/// read on construction when they parse; the body stays the truth and is
/// what serialises.
#[derive(Clone, Debug, PartialEq)]
pub struct OtherMessage {
    message_type: String,
    body: Map<String, Value>,
    call: Option<Box<Call>>,
    timestamp: Option<Timestamp>,
}

impl OtherMessage {
    /// A message of type `message_type` with the properties `body` (a `type`
    /// key in `body` is dropped: `message_type` is the type).
    pub fn new(message_type: impl Into<String>, mut body: Map<String, Value>) -> Self {
        body.shift_remove(TYPE);
        let call = body
            .get("call")
            .and_then(|call| Call::deserialize(call).ok())
            .map(Box::new);
        let timestamp = body
            .get("timestamp")
            .and_then(|ts| Timestamp::deserialize(ts).ok());
        OtherMessage {
            message_type: message_type.into(),
            body,
            call,
            timestamp,
        }
    }

    /// The message's `type` as sent.
    pub fn message_type(&self) -> &str {
        &self.message_type
    }

    /// The message's `type` as a [`MessageType`] (known or `Unknown`).
    pub fn kind(&self) -> MessageType {
        MessageType::from(self.message_type.as_str())
    }

    /// Every property of the message but `type`, as sent.
    pub fn body(&self) -> &Map<String, Value> {
        &self.body
    }

    /// The type and the body.
    pub fn into_parts(self) -> (String, Map<String, Value>) {
        (self.message_type, self.body)
    }

    /// `call`, if the body has one that parses as a [`Call`].
    pub fn call(&self) -> Option<&Call> {
        self.call.as_deref()
    }

    /// `timestamp`, if the body has one that parses as a [`Timestamp`].
    pub fn timestamp(&self) -> Option<&Timestamp> {
        self.timestamp.as_ref()
    }
}

impl WriteObject for OtherMessage {
    /// It is read as an untyped object.
    fn kind() -> std::any::TypeId {
        std::any::TypeId::of::<Untyped>()
    }

    fn extra(&self) -> &Map<String, Value> {
        &self.body
    }
}

impl Serialize for OtherMessage {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        codec::write_object(
            self,
            serializer,
            Some((TYPE, &self.message_type)),
            Lay::NONE,
        )
    }
}
