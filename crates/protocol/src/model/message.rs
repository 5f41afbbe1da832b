//! [`ServerMessage`]: the value of an envelope's `message`, told apart by its
//! `type`. Five types are typed; every other one, known or not, is kept
//! untouched as an [`OtherMessage`].

use serde::de::{DeserializeOwned, Error as _};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::tagged::{self, serialize_tagged};
use super::{
    Artifact, Assistant, Call, ConversationUpdate, Customer, EndOfCallReport, MessageType,
    PhoneNumber, SpeechUpdate, StatusUpdate, TransferUpdate,
};
use crate::error::json_type_name;
use crate::{ParseError, Timestamp};

/// The key of a message that holds its type.
const TYPE: &str = "type";

/// A Vapi server message, told apart by its `type`.
///
/// The typed variants' structs do not hold `type`: the variant implies it,
/// and it is written first when serialising. They are boxed: the structs
/// are large and most code moves messages around whole.
#[derive(Clone, Debug, PartialEq)]
pub enum ServerMessage {
    /// `status-update`
    StatusUpdate(Box<StatusUpdate>),
    /// `speech-update`
    SpeechUpdate(Box<SpeechUpdate>),
    /// `conversation-update`
    ConversationUpdate(Box<ConversationUpdate>),
    /// `transfer-update`
    TransferUpdate(Box<TransferUpdate>),
    /// `end-of-call-report`
    EndOfCallReport(Box<EndOfCallReport>),
    /// Any other type (`tool-calls`, `transcript`, ..., or one this version
    /// has never heard of), kept untouched.
    Other(OtherMessage),
}

/// Applies `$body` to the typed message struct of a [`ServerMessage`], or
/// evaluates `$other` with the [`OtherMessage`].
macro_rules! with_typed {
    ($message:expr, $m:ident => $body:expr, $o:ident => $other:expr) => {
        match $message {
            ServerMessage::StatusUpdate($m) => $body,
            ServerMessage::SpeechUpdate($m) => $body,
            ServerMessage::ConversationUpdate($m) => $body,
            ServerMessage::TransferUpdate($m) => $body,
            ServerMessage::EndOfCallReport($m) => $body,
            ServerMessage::Other($o) => $other,
        }
    };
}

impl ServerMessage {
    /// Reads a message object (the value of an envelope's `message`).
    ///
    /// Error paths point into the envelope (`/message/status`), as if `map`
    /// were its `message`.
    pub fn from_map(mut map: Map<String, Value>) -> Result<Self, ParseError> {
        let message_type = match map.shift_remove(TYPE) {
            None => return Err(ParseError::MissingType),
            Some(Value::String(message_type)) => message_type,
            Some(other) => {
                return Err(ParseError::InvalidField {
                    path: "/message/type".to_owned(),
                    reason: format!("expected a string, found {}", json_type_name(&other)),
                })
            }
        };
        Ok(match MessageType::from(message_type.as_str()) {
            MessageType::StatusUpdate => ServerMessage::StatusUpdate(Box::new(body(map)?)),
            MessageType::SpeechUpdate => ServerMessage::SpeechUpdate(Box::new(body(map)?)),
            MessageType::ConversationUpdate => {
                ServerMessage::ConversationUpdate(Box::new(body(map)?))
            }
            MessageType::TransferUpdate => ServerMessage::TransferUpdate(Box::new(body(map)?)),
            MessageType::EndOfCallReport => ServerMessage::EndOfCallReport(Box::new(body(map)?)),
            _ => ServerMessage::Other(OtherMessage::new(message_type, map)),
        })
    }

    /// The message's `type` as sent, e.g. `"status-update"`.
    pub fn message_type(&self) -> &str {
        match self {
            ServerMessage::Other(other) => other.message_type(),
            ServerMessage::StatusUpdate(_) => "status-update",
            ServerMessage::SpeechUpdate(_) => "speech-update",
            ServerMessage::ConversationUpdate(_) => "conversation-update",
            ServerMessage::TransferUpdate(_) => "transfer-update",
            ServerMessage::EndOfCallReport(_) => "end-of-call-report",
        }
    }

    /// The message's `type` as a [`MessageType`].
    pub fn kind(&self) -> MessageType {
        match self {
            ServerMessage::StatusUpdate(_) => MessageType::StatusUpdate,
            ServerMessage::SpeechUpdate(_) => MessageType::SpeechUpdate,
            ServerMessage::ConversationUpdate(_) => MessageType::ConversationUpdate,
            ServerMessage::TransferUpdate(_) => MessageType::TransferUpdate,
            ServerMessage::EndOfCallReport(_) => MessageType::EndOfCallReport,
            ServerMessage::Other(other) => other.kind(),
        }
    }

    /// The `call` snapshot the message carries, if any (for [`OtherMessage`],
    /// if it parses as a [`Call`]).
    ///
    /// It is taken when the call was created: its `status` is stale. Call
    /// state comes from the messages.
    pub fn call(&self) -> Option<&Call> {
        with_typed!(self, m => m.call.as_deref(), o => o.call())
    }

    /// When the message was sent (`timestamp`), if it says (for
    /// [`OtherMessage`], if it parses as a [`Timestamp`]).
    pub fn timestamp(&self) -> Option<&Timestamp> {
        with_typed!(self, m => m.timestamp.as_ref(), o => o.timestamp())
    }

    /// The live artifact of a typed message, if it carries one.
    pub fn artifact(&self) -> Option<&Artifact> {
        with_typed!(self, m => m.artifact.as_deref(), _o => None)
    }

    /// The active assistant of a typed message, if it carries one.
    pub fn assistant(&self) -> Option<&Assistant> {
        with_typed!(self, m => m.assistant.as_deref(), _o => None)
    }

    /// The customer of a typed message, if it carries one.
    pub fn customer(&self) -> Option<&Customer> {
        with_typed!(self, m => m.customer.as_ref(), _o => None)
    }

    /// The phone number of a typed message, if it carries one.
    pub fn phone_number(&self) -> Option<&PhoneNumber> {
        with_typed!(self, m => m.phone_number.as_ref(), _o => None)
    }
}

/// Deserialises a typed message body, with `/message`-rooted error paths.
fn body<T: DeserializeOwned>(map: Map<String, Value>) -> Result<T, ParseError> {
    serde_path_to_error::deserialize(Value::Object(map)).map_err(|err| {
        let (pointer, reason) = tagged::located(err);
        ParseError::InvalidField {
            path: format!("/message{pointer}"),
            reason,
        }
    })
}

impl Serialize for ServerMessage {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let kind = self.message_type();
        with_typed!(self, m => serialize_tagged(serializer, TYPE, kind, m), o => o.serialize(serializer))
    }
}

impl<'de> Deserialize<'de> for ServerMessage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = tagged::object(deserializer)?;
        ServerMessage::from_map(map).map_err(D::Error::custom)
    }
}

/// A message of a type this crate does not type: its `type` and the rest of
/// its object, untouched.
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

impl Serialize for OtherMessage {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.body.len() + 1))?;
        map.serialize_entry(TYPE, &self.message_type)?;
        for (key, value) in &self.body {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}
