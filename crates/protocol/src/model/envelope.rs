//! [`Envelope`]: a whole delivery body, `{"message": {...}}`, read losslessly.
//!
//! Parsing goes through a [`serde_json::Value`] (key order preserved), records
//! its [`Layout`], then deserialises the typed models with
//! `serde_path_to_error` so a bad field is reported with its JSON pointer.
//! Serialising re-applies the layout, so the output is the input JSON.

use serde::de::Error as _;
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::{Layout, ServerMessage};
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
        let value: Value =
            serde_json::from_slice(body).map_err(|err| ParseError::from_json_error(body, &err))?;
        Envelope::from_value(value)
    }

    /// Reads a delivery body already parsed as JSON, recording its layout.
    pub fn from_value(value: Value) -> Result<Self, ParseError> {
        let layout = Layout::capture(&value);
        let mut root = match value {
            Value::Object(root) => root,
            other => {
                return Err(ParseError::NotAnObject {
                    found: json_type_name(&other),
                })
            }
        };
        let message = match root.shift_remove(MESSAGE) {
            None => return Err(ParseError::MissingMessage),
            Some(Value::Object(message)) => message,
            Some(other) => {
                return Err(ParseError::InvalidField {
                    path: "/message".to_owned(),
                    reason: format!("expected an object, found {}", json_type_name(&other)),
                })
            }
        };
        Ok(Envelope {
            message: ServerMessage::from_map(message)?,
            extra: root,
            layout: Some(layout),
        })
    }

    /// The envelope as JSON: the layout it was parsed with re-applied (key
    /// order, explicit nulls), keys it did not have last.
    ///
    /// Serialising the models cannot fail in practice (string keys, finite
    /// numbers); the `Result` only carries serde_json's error type through.
    pub fn to_value(&self) -> Result<Value, serde_json::Error> {
        let mut root = Map::with_capacity(self.extra.len() + 1);
        root.insert(MESSAGE.to_owned(), serde_json::to_value(&self.message)?);
        root.extend(self.extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        let root = Value::Object(root);
        Ok(match &self.layout {
            Some(layout) => layout.apply(root),
            None => root,
        })
    }

    /// The envelope as compact JSON bytes (see [`Envelope::to_value`]).
    ///
    /// Not the original bytes (whitespace differs): keep those for signature
    /// checks.
    pub fn to_vec(&self) -> Result<Vec<u8>, serde_json::Error> {
        serde_json::to_vec(&self.to_value()?)
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
}

impl Serialize for Envelope {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_value()
            .map_err(S::Error::custom)?
            .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Envelope {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Envelope::from_value(Value::deserialize(deserializer)?).map_err(D::Error::custom)
    }
}
