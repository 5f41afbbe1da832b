//! [`Envelope`]: a whole delivery body, `{"message": {...}}`, read losslessly.
//!
//! Parsing first finds the message's `type` (a pass that skips what it does
//! not need and stops at the `type`), then reads the body once, straight
//! into the typed structs, recording the key order as a [`Layout`]. Should
//! that fail (bad JSON, a wrong field, a key given twice), the general path
//! reads the body as a `serde_json::Value` and then the structs from it,
//! tracking the JSON pointer of a bad field and letting the last of a
//! repeated key win, as a `Value` does. Serialising writes each object's
//! keys back in the recorded order, so the output is the input JSON.

use std::borrow::Cow;
use std::cell::Cell;

use serde::de::{DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, Visitor};
use serde::ser::{Error as _, SerializeMap};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use super::codec::{self, Laid, Lay, NoRecord, Recorder, Slot, Tape, TapeBuilder, WriteObject};
use super::message::MessageSeed;
use super::{tagged, Layout, ServerMessage};
use crate::error::json_type_name;
use crate::ParseError;

/// The key of the envelope that holds the message.
const MESSAGE: &str = "message";

/// A delivery body: `{"message": {...}}`.
#[derive(Clone, Debug)]
pub struct Envelope {
    /// The message.
    pub message: ServerMessage,
    /// Any other top-level key of the body, kept as sent (Vapi sends none).
    pub extra: Map<String, Value>,
    /// The key order and nulls of the body this was parsed from; `None` for
    /// an envelope built in code.
    layout: Option<Layout>,
}

impl PartialEq for Envelope {
    /// Equal messages and extras; the layout (a serialisation detail) is
    /// ignored.
    fn eq(&self, other: &Self) -> bool {
        self.message == other.message && self.extra == other.extra
    }
}

impl Envelope {
    /// An envelope around `message`, with no layout: it serialises in the
    /// models' declaration order.
    pub fn new(message: ServerMessage) -> Self {
        Envelope {
            message,
            extra: Map::new(),
            layout: None,
        }
    }

    /// Reads a delivery body. Never panics; every failure is a [`ParseError`]
    /// saying where (a byte offset for bad JSON, a JSON pointer for a bad
    /// field).
    pub fn from_slice(body: &[u8]) -> Result<Self, ParseError> {
        if let Some(message_type) = message_type(body) {
            let mut rec = TapeBuilder::default();
            if let Ok((message, extra)) = read(body, &message_type, &mut rec) {
                return Ok(Envelope {
                    message,
                    extra,
                    layout: Some(Layout::recorded(rec.finish())),
                });
            }
        }
        let value: Value =
            serde_json::from_slice(body).map_err(|err| ParseError::from_json_error(body, &err))?;
        Envelope::from_value(value)
    }

    /// Reads a delivery body already parsed as JSON, recording its layout.
    pub fn from_value(value: Value) -> Result<Self, ParseError> {
        let message_type = checked_type(&value)?.to_owned();
        let mut rec = TapeBuilder::default();
        let mut track = serde_path_to_error::Track::new();
        let read = EnvelopeSeed {
            message_type: &message_type,
            rec: &mut rec,
        }
        .deserialize(serde_path_to_error::Deserializer::new(value, &mut track));
        match read {
            Ok((message, extra)) => Ok(Envelope {
                message,
                extra,
                layout: Some(Layout::recorded(rec.finish())),
            }),
            Err(err) => {
                let (path, reason) = tagged::located(&track.path(), &err);
                Err(ParseError::InvalidField { path, reason })
            }
        }
    }

    /// The envelope as JSON: the layout it was parsed with re-applied (key
    /// order, explicit nulls), keys it did not have last.
    ///
    /// Serialising the models cannot fail in practice (string keys, finite
    /// numbers); the `Result` only carries serde_json's error type through.
    pub fn to_value(&self) -> Result<Value, serde_json::Error> {
        match &self.layout {
            Some(layout) if layout.is_captured() => {
                Ok(layout.apply(serde_json::to_value(self.laid(None))?))
            }
            _ => serde_json::to_value(self.laid(self.tape())),
        }
    }

    /// The envelope as compact JSON bytes (see [`Envelope::to_value`]),
    /// written straight from the models.
    ///
    /// Not the original bytes (whitespace differs): keep those for signature
    /// checks.
    pub fn to_vec(&self) -> Result<Vec<u8>, serde_json::Error> {
        match &self.layout {
            Some(layout) if layout.is_captured() => serde_json::to_vec(&self.to_value()?),
            _ => serde_json::to_vec(&self.laid(self.tape())),
        }
    }

    /// The layout captured when parsing, if any.
    pub fn layout(&self) -> Option<&Layout> {
        self.layout.as_ref()
    }

    /// Sets the layout re-applied when serialising (`None`: declaration
    /// order, no re-inserted nulls).
    pub fn set_layout(&mut self, layout: Option<Layout>) {
        self.layout = layout;
    }

    /// The key order recorded by the parse, if that is the layout.
    fn tape(&self) -> Option<&Tape> {
        self.layout.as_ref().and_then(Layout::tape)
    }

    fn laid<'a>(&'a self, tape: Option<&'a Tape>) -> Written<'a> {
        Written {
            envelope: self,
            tape,
        }
    }
}

impl ServerMessage {
    /// Reads an envelope body (`{"message": {...}}`) whose message is of
    /// type `message_type`, for its message only: straight into the
    /// type's struct, without recording the key order (see
    /// [`ServerMessage::from_envelope_of_type`]).
    pub(super) fn read_envelope_of_type(message_type: &str, body: &[u8]) -> Option<Self> {
        read(body, message_type, &mut NoRecord)
            .ok()
            .map(|(message, _)| message)
    }
}

/// Reads `body` with the message's type known, in one pass.
fn read<R: Recorder>(
    body: &[u8],
    message_type: &str,
    rec: &mut R,
) -> Result<(ServerMessage, Map<String, Value>), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let read = EnvelopeSeed { message_type, rec }.deserialize(&mut de)?;
    de.end()?;
    Ok(read)
}

/// The message type of a body that is an object whose `message` is an
/// object with a string `type` (else the [`ParseError`] saying which is
/// not).
fn checked_type(value: &Value) -> Result<&str, ParseError> {
    let root = match value {
        Value::Object(root) => root,
        other => {
            return Err(ParseError::NotAnObject {
                found: json_type_name(other),
            })
        }
    };
    let message = match root.get(MESSAGE) {
        None => return Err(ParseError::MissingMessage),
        Some(Value::Object(message)) => message,
        Some(other) => {
            return Err(ParseError::InvalidField {
                path: "/message".to_owned(),
                reason: format!("expected an object, found {}", json_type_name(other)),
            })
        }
    };
    match message.get("type") {
        None => Err(ParseError::MissingType),
        Some(Value::String(message_type)) => Ok(message_type),
        Some(other) => Err(ParseError::InvalidField {
            path: "/message/type".to_owned(),
            reason: format!("expected a string, found {}", json_type_name(other)),
        }),
    }
}

/// Reads the envelope object around a message of a known type.
struct EnvelopeSeed<'a, R> {
    message_type: &'a str,
    rec: &'a mut R,
}

impl<'de, R: Recorder> DeserializeSeed<'de> for EnvelopeSeed<'_, R> {
    type Value = (ServerMessage, Map<String, Value>);

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_map(self)
    }
}

impl<'de, R: Recorder> Visitor<'de> for EnvelopeSeed<'_, R> {
    type Value = (ServerMessage, Map<String, Value>);

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mark = self
            .rec
            .begin(Slot::ROOT, std::any::TypeId::of::<Envelope>());
        let mut message = None;
        let mut extra = Map::new();
        while let Some(key) = codec::next_key(&mut map)? {
            if key == MESSAGE {
                if message.is_some() {
                    return Err(A::Error::duplicate_field(MESSAGE));
                }
                let seed = MessageSeed::new(self.message_type, self.rec, Slot::field(0));
                message = Some(map.next_value_seed(seed)?);
                self.rec.key(0);
            } else {
                let value: Value = map.next_value()?;
                if extra.insert(key.into_owned(), value).is_none() {
                    self.rec.key(codec::EXTRA);
                }
            }
        }
        self.rec.end(mark);
        let message = message.ok_or_else(|| A::Error::missing_field(MESSAGE))?;
        Ok((message, extra))
    }
}

/// The message's `type`, found by skipping what comes before it and
/// stopping there: `None` when the body is not an object whose `message`
/// has a string `type` before anything unreadable.
fn message_type(body: &[u8]) -> Option<Cow<'_, str>> {
    let mut found = None;
    let mut de = serde_json::Deserializer::from_slice(body);
    // It ends in an error once found (to stop reading); the error is moot.
    let _ = Find {
        path: &[MESSAGE, "type"],
        found: &mut found,
    }
    .deserialize(&mut de);
    found
}

/// Looks for the string at `path` (object keys), skipping everything else.
struct Find<'a, 'de> {
    path: &'a [&'a str],
    found: &'a mut Option<Cow<'de, str>>,
}

impl<'de> DeserializeSeed<'de> for Find<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Find<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((&first, rest)) = self.path.split_first() else {
            return Ok(());
        };
        while let Some(key) = codec::next_key(&mut map)? {
            if key != first {
                map.next_value::<IgnoredAny>()?;
            } else if rest.is_empty() {
                *self.found = Some(codec::next_str(&mut map)?);
                return Err(A::Error::custom("found"));
            } else {
                return map.next_value_seed(Find {
                    path: rest,
                    found: self.found,
                });
            }
        }
        Ok(())
    }
}

/// An envelope being written, with the key order of `tape` (or in
/// declaration order).
struct Written<'a> {
    envelope: &'a Envelope,
    tape: Option<&'a Tape>,
}

impl Serialize for Written<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let next = Cell::new(0);
        let lay = match self.tape {
            Some(tape) => Lay::root(tape, &next),
            None => Lay::NONE,
        };
        codec::write_object(self, serializer, None, lay)
    }
}

impl WriteObject for Written<'_> {
    const FIELDS: &'static [&'static str] = &[MESSAGE];

    fn kind() -> std::any::TypeId {
        std::any::TypeId::of::<Envelope>()
    }

    fn write_field<M: SerializeMap>(
        &self,
        i: usize,
        map: &mut M,
        lay: Lay<'_>,
    ) -> Result<bool, M::Error> {
        if i != 0 {
            return Ok(false);
        }
        map.serialize_entry(MESSAGE, &Laid::new(&self.envelope.message, lay))?;
        Ok(true)
    }

    fn extra(&self) -> &Map<String, Value> {
        &self.envelope.extra
    }
}

impl Serialize for Envelope {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.layout {
            Some(layout) if layout.is_captured() => self
                .to_value()
                .map_err(S::Error::custom)?
                .serialize(serializer),
            _ => self.laid(self.tape()).serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Envelope {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Envelope::from_value(Value::deserialize(deserializer)?).map_err(D::Error::custom)
    }
}
