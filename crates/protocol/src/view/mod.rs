//! The ingest fast path: a view of a delivery that borrows from the body and
//! reads only what routing and call state need, skipping every other subtree
//! (assistant, artifact, history...) without building it.
//!
//! # How it reads
//!
//! One pass of `serde_json` over the body with hand-written visitors: the eight
//! fields below are read, every other value is skipped with
//! [`serde::de::IgnoredAny`], which scans it without building strings, maps or
//! numbers. Strings without escapes are borrowed from the body; only strings
//! with JSON escapes are unescaped into an owned [`Cow`]. Those, and the
//! small stack `serde_json` grows in each body to skip nested arrays and
//! objects, are the only allocations on success. The body is checked to be
//! UTF-8 once up front, so that skipped strings are validated too.
//!
//! Hand-written rather than `#[derive(Deserialize)]` for three reasons: a
//! derived struct also accepts a JSON array in place of an object, it rejects
//! a repeated key where `serde_json::Value` keeps the last one, and its errors
//! are opaque `serde_json::Error`s from which the [`ParseError`] variant and
//! JSON path would have to be recovered by a second, path-tracking parse.
//! Speed is not among the reasons: both skip with the same `serde_json` code
//! and ran within noise of each other, at about 7× the speed of building a
//! `serde_json::Value` (`benches/view.rs`, `BENCHMARKS.md`).
//!
//! # Semantics, stated as the `serde_json::Value` it agrees with
//!
//! For any body that `serde_json::from_slice::<serde_json::Value>` accepts,
//! [`DeliveryView::parse`] gives what reading the same paths from that `Value`
//! gives (the tests check this on every fixture, on generated envelopes and
//! on random mutations of fixtures):
//!
//! - **Repeated keys**: the last occurrence wins, as in `serde_json::Value`
//!   (a derived struct would reject the body instead). An earlier occurrence
//!   is read but never checked, so it cannot cause an error.
//! - **`null`** in an optional field (`call`, `call.id`, `timestamp`, `status`,
//!   `role`, `turn`, `endedReason`, `destination`, `destination.type`) means
//!   absent. `message` and `message.type` are required: `null` there is an
//!   [`ParseError::InvalidField`], as is any other JSON type than expected.
//! - **Errors**, when several apply, are reported in this order: syntax
//!   (anywhere in the body, including trailing bytes after the document),
//!   root type, `message`, `type`, `call`, `call.id`, `timestamp`, `status`,
//!   `role`, `turn`, `endedReason`, `destination`, `destination.type`. A body
//!   that is not JSON gets the error, byte offset included, that parsing it
//!   into a `serde_json::Value` gives (a truncated body's offset is its length).
//!
//! Skipped subtrees are checked for JSON syntax only, not for the limits that
//! building a `Value` adds: a number too large for an `f64`, an unpaired
//! `\uD800` surrogate escape or nesting deeper than 128 levels inside, say,
//! `artifact` is accepted here and rejected by `serde_json::Value`. The raw body
//! is kept either way; strict checks belong to [`crate::validate`].

mod one_pass;
mod survey;

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::timestamp::iso_to_epoch_ms;
use crate::ParseError;

/// What ingest needs to know about one delivery, borrowed from its body.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryView<'a> {
    /// `message.type`, e.g. `status-update`.
    pub message_type: Cow<'a, str>,
    /// `message.call.id`, when the message belongs to a call.
    pub call_id: Option<Cow<'a, str>>,
    /// `message.timestamp` in milliseconds since the epoch (numbers and ISO-8601 strings).
    pub timestamp_ms: Option<i64>,
    /// `message.status` (status-update: call status; speech-update: started/stopped).
    pub status: Option<Cow<'a, str>>,
    /// `message.role` (speech-update: assistant/user).
    pub role: Option<Cow<'a, str>>,
    /// `message.turn` (speech-update, 0-indexed).
    pub turn: Option<u32>,
    /// `message.endedReason` (status-update `ended`, end-of-call-report).
    pub ended_reason: Option<Cow<'a, str>>,
    /// `message.destination.type` (transfer-update, forwarding status-update).
    pub destination_type: Option<Cow<'a, str>>,
    /// `message.assistant.server.timeoutSeconds`: how long Vapi waits for
    /// the answer to a question. Advisory, so read leniently: anything but
    /// a number there (or no such object) is `None`, never an error.
    pub server_timeout_seconds: Option<f64>,
}

impl<'a> DeliveryView<'a> {
    /// Reads the routing fields of a delivery body `{"message": {...}}`.
    ///
    /// Never panics. See the [module documentation](self) for how repeated
    /// keys, `null` and several errors at once are handled.
    pub fn parse(body: &'a [u8]) -> Result<Self, ParseError> {
        let text = match std::str::from_utf8(body) {
            Ok(text) => text,
            Err(err) => {
                return Err(not_json(
                    body,
                    ParseError::Syntax {
                        offset: err.valid_up_to(),
                        reason: "invalid UTF-8".to_owned(),
                    },
                ))
            }
        };
        match read_root(text) {
            Ok(raw) => raw.into_view(),
            Err(err) => Err(not_json(body, json_error(body, &err))),
        }
    }

    /// [`parse`](Self::parse) and
    /// [`repeated_spans`](crate::raw::repeated_spans)`(body, max_depth,
    /// min_len)` in one pass over the body, for a receiver that needs both
    /// (calltap's ingest), at about the cost of one of them.
    ///
    /// `None` when the pass does not vouch for the body: it is not JSON,
    /// nests deeper than `max_depth`, has a field the view would report, or
    /// spells a key it reads with an escape. The caller then runs the two
    /// separately, which give the exact answer (the error, with its offset
    /// or path). `Some` is exactly what they give, and, as with
    /// `repeated_spans`, says that no `[` or `{` nests deeper than
    /// `max_depth`.
    pub fn parse_with_spans(
        body: &'a [u8],
        max_depth: usize,
        min_len: usize,
    ) -> Option<(Self, Vec<Range<usize>>)> {
        one_pass::view_and_spans(body, max_depth, min_len)
    }
}

/// One pass over a UTF-8 body: the raw values of the fields we read, or a
/// syntax error. Shape errors come later, from [`RawRoot::into_view`].
fn read_root(text: &str) -> Result<RawRoot<'_>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let root = RootSeed.deserialize(&mut de)?;
    // Trailing bytes other than whitespace are a syntax error.
    de.end()?;
    Ok(root)
}

/// The error for a body that is not JSON, exactly as parsing it into a
/// `serde_json::Value` reports it.
///
/// The fast pass skips subtrees more leniently than building a `Value` (see
/// the module doc) and classifies some errors differently (a number cut short
/// in a skipped subtree is "invalid number" there, "EOF" here), so the first
/// problem in document order may not be the one it stopped at. Bad bodies are
/// rare and kept for later inspection, so they can afford a second parse;
/// `fast` is the answer should that parse, unexpectedly, succeed.
#[cold]
fn not_json(body: &[u8], fast: ParseError) -> ParseError {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Err(err) => json_error(body, &err),
        Ok(_) => fast,
    }
}

/// A `serde_json` error as a [`ParseError`] with a byte offset.
///
/// `serde_json` reports the end of input at the last byte read, or one past
/// it when that byte is a newline; truncation always happens at the end of
/// the body, so its offset is the body's length, whatever the last byte.
fn json_error(body: &[u8], err: &serde_json::Error) -> ParseError {
    match ParseError::from_json_error(body, err) {
        ParseError::Truncated { reason, .. } => ParseError::Truncated {
            offset: body.len(),
            reason,
        },
        other => other,
    }
}

// ---------------------------------------------------------------------------
// Raw values as read, before conversion. Each read key replaces the previous
// value of the same key, which gives `serde_json::Value`'s last-wins rule.
// ---------------------------------------------------------------------------

/// A value read where a string or number was expected.
#[derive(Debug)]
enum Leaf<'a> {
    Null,
    Str(Cow<'a, str>),
    U64(u64),
    I64(i64),
    F64(f64),
    /// Any other JSON type, by name (already skipped).
    Other(&'static str),
}

/// A value read where an object was expected.
#[derive(Debug)]
enum Object<T> {
    Null,
    Map(T),
    /// Any other JSON type, by name (already skipped).
    Other(&'static str),
}

/// The root of the body.
type RawRoot<'a> = Object<Option<Object<RawMessage<'a>>>>;

/// The fields of `message` that we read, each as last seen.
#[derive(Debug, Default)]
struct RawMessage<'a> {
    message_type: Option<Leaf<'a>>,
    call: Option<Object<Option<Leaf<'a>>>>,
    timestamp: Option<Leaf<'a>>,
    status: Option<Leaf<'a>>,
    role: Option<Leaf<'a>>,
    turn: Option<Leaf<'a>>,
    ended_reason: Option<Leaf<'a>>,
    destination: Option<Object<Option<Leaf<'a>>>>,
    server_timeout_seconds: Option<f64>,
}

// ---------------------------------------------------------------------------
// Conversion: raw values to the view, or the first shape error.
// ---------------------------------------------------------------------------

impl<'a> RawRoot<'a> {
    fn into_view(self) -> Result<DeliveryView<'a>, ParseError> {
        let message = match self {
            Object::Map(message) => message,
            Object::Null => return Err(ParseError::NotAnObject { found: "null" }),
            Object::Other(found) => return Err(ParseError::NotAnObject { found }),
        };
        let message = match message {
            None => return Err(ParseError::MissingMessage),
            Some(Object::Map(message)) => message,
            Some(Object::Null) => return Err(invalid("/message", expected("an object", "null"))),
            Some(Object::Other(found)) => {
                return Err(invalid("/message", expected("an object", found)))
            }
        };
        let message_type = match message.message_type {
            None => return Err(ParseError::MissingType),
            Some(Leaf::Str(s)) => s,
            Some(other) => {
                return Err(invalid("/message/type", expected("a string", other.name())))
            }
        };
        let call_id = sub_string(message.call, "/message/call", "/message/call/id")?;
        let timestamp_ms = timestamp(message.timestamp)?;
        let status = string(message.status, "/message/status")?;
        let role = string(message.role, "/message/role")?;
        let turn = turn(message.turn)?;
        let ended_reason = string(message.ended_reason, "/message/endedReason")?;
        let destination_type = sub_string(
            message.destination,
            "/message/destination",
            "/message/destination/type",
        )?;
        Ok(DeliveryView {
            message_type,
            call_id,
            timestamp_ms,
            status,
            role,
            turn,
            ended_reason,
            destination_type,
            server_timeout_seconds: message.server_timeout_seconds,
        })
    }
}

impl Leaf<'_> {
    /// The JSON type name, for "expected X, found Y".
    fn name(&self) -> &'static str {
        match self {
            Leaf::Null => "null",
            Leaf::Str(_) => "string",
            Leaf::U64(_) | Leaf::I64(_) | Leaf::F64(_) => "number",
            Leaf::Other(name) => name,
        }
    }
}

fn invalid(path: &str, reason: String) -> ParseError {
    ParseError::InvalidField {
        path: path.to_owned(),
        reason,
    }
}

fn expected(what: &str, found: &str) -> String {
    format!("expected {what}, found {found}")
}

/// An optional string field.
fn string<'a>(leaf: Option<Leaf<'a>>, path: &str) -> Result<Option<Cow<'a, str>>, ParseError> {
    match leaf {
        None | Some(Leaf::Null) => Ok(None),
        Some(Leaf::Str(s)) => Ok(Some(s)),
        Some(other) => Err(invalid(path, expected("a string", other.name()))),
    }
}

/// An optional string field of an optional object (`call.id`, `destination.type`).
fn sub_string<'a>(
    object: Option<Object<Option<Leaf<'a>>>>,
    object_path: &str,
    field_path: &str,
) -> Result<Option<Cow<'a, str>>, ParseError> {
    match object {
        None | Some(Object::Null) => Ok(None),
        Some(Object::Map(field)) => string(field, field_path),
        Some(Object::Other(found)) => Err(invalid(object_path, expected("an object", found))),
    }
}

/// `message.timestamp`: milliseconds (fractions floored, saturating like
/// [`crate::timestamp::number_to_epoch_ms`]) or an ISO-8601 string.
fn timestamp(leaf: Option<Leaf<'_>>) -> Result<Option<i64>, ParseError> {
    const PATH: &str = "/message/timestamp";
    match leaf {
        None | Some(Leaf::Null) => Ok(None),
        Some(Leaf::U64(ms)) => Ok(Some(i64::try_from(ms).unwrap_or(i64::MAX))),
        Some(Leaf::I64(ms)) => Ok(Some(ms)),
        // `as` saturates, which is what `number_to_epoch_ms` does too.
        Some(Leaf::F64(ms)) => Ok(Some(ms.floor() as i64)),
        Some(Leaf::Str(text)) => iso_to_epoch_ms(&text)
            .map(Some)
            .map_err(|err| invalid(PATH, err.to_string())),
        Some(other) => Err(invalid(
            PATH,
            expected(
                "a number of milliseconds or an ISO-8601 string",
                other.name(),
            ),
        )),
    }
}

/// `message.turn`: a non-negative integer that fits a `u32`. A float with no
/// fractional part (`3.0`, `1e2`) is that integer: JSON has no integer type.
fn turn(leaf: Option<Leaf<'_>>) -> Result<Option<u32>, ParseError> {
    const PATH: &str = "/message/turn";
    let out_of_range = |shown: &dyn fmt::Display| {
        invalid(
            PATH,
            format!("expected a non-negative integer that fits 32 bits, found {shown}"),
        )
    };
    match leaf {
        None | Some(Leaf::Null) => Ok(None),
        Some(Leaf::U64(n)) => u32::try_from(n).map(Some).map_err(|_| out_of_range(&n)),
        Some(Leaf::I64(n)) => Err(out_of_range(&n)),
        Some(Leaf::F64(f)) => {
            if f.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&f) {
                // Exact: `f` is a whole number within `u32`'s range.
                Ok(Some(f as u32))
            } else {
                Err(out_of_range(&f))
            }
        }
        Some(other) => Err(invalid(
            PATH,
            expected("a non-negative integer", other.name()),
        )),
    }
}

// ---------------------------------------------------------------------------
// Visitors. Each accepts every JSON type (`deserialize_any`), so that serde
// errors are only ever syntax errors; a wrong type is recorded as `Other` and
// turned into a `ParseError` with its path by the conversion above.
// ---------------------------------------------------------------------------

/// Skips the rest of an array that turned out to be the wrong type.
fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

/// Skips the rest of an object that turned out to be the wrong type.
fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// Implements the `Visitor` methods for every non-object JSON type as
/// `Object::Other(type name)`, and `null` as `Object::Null`.
macro_rules! not_an_object {
    () => {
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Object::Null)
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(Object::Other("boolean"))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(Object::Other("number"))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(Object::Other("number"))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(Object::Other("number"))
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok(Object::Other("string"))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            drain_seq(seq)?;
            Ok(Object::Other("array"))
        }
    };
}

/// The root object: reads `message`, skips everything else.
struct RootSeed;

impl<'de> DeserializeSeed<'de> for RootSeed {
    type Value = RawRoot<'de>;

    fn deserialize<D: de::Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RootSeed {
    type Value = RawRoot<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    not_an_object!();

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut message = None;
        while let Some(is_message) = map.next_key_seed(KeyIs("message"))? {
            if is_message {
                message = Some(map.next_value_seed(MessageSeed)?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Object::Map(message))
    }
}

/// The keys of `message` that we read.
enum MessageKey {
    Type,
    Call,
    Timestamp,
    Status,
    Role,
    Turn,
    EndedReason,
    Destination,
    Assistant,
    Other,
}

impl<'de> de::Deserialize<'de> for MessageKey {
    fn deserialize<D: de::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        de.deserialize_identifier(MessageKeyVisitor)
    }
}

struct MessageKeyVisitor;

impl Visitor<'_> for MessageKeyVisitor {
    type Value = MessageKey;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<MessageKey, E> {
        Ok(match key {
            "type" => MessageKey::Type,
            "call" => MessageKey::Call,
            "timestamp" => MessageKey::Timestamp,
            "status" => MessageKey::Status,
            "role" => MessageKey::Role,
            "turn" => MessageKey::Turn,
            "endedReason" => MessageKey::EndedReason,
            "destination" => MessageKey::Destination,
            "assistant" => MessageKey::Assistant,
            _ => MessageKey::Other,
        })
    }
}

/// `message`: reads the routing fields, skips everything else.
struct MessageSeed;

impl<'de> DeserializeSeed<'de> for MessageSeed {
    type Value = Object<RawMessage<'de>>;

    fn deserialize<D: de::Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for MessageSeed {
    type Value = Object<RawMessage<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    not_an_object!();

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut raw = RawMessage::default();
        while let Some(key) = map.next_key::<MessageKey>()? {
            match key {
                MessageKey::Type => raw.message_type = Some(map.next_value_seed(LeafSeed)?),
                MessageKey::Call => raw.call = Some(map.next_value_seed(ChildSeed("id"))?),
                MessageKey::Timestamp => raw.timestamp = Some(map.next_value_seed(LeafSeed)?),
                MessageKey::Status => raw.status = Some(map.next_value_seed(LeafSeed)?),
                MessageKey::Role => raw.role = Some(map.next_value_seed(LeafSeed)?),
                MessageKey::Turn => raw.turn = Some(map.next_value_seed(LeafSeed)?),
                MessageKey::EndedReason => raw.ended_reason = Some(map.next_value_seed(LeafSeed)?),
                MessageKey::Destination => {
                    raw.destination = Some(map.next_value_seed(ChildSeed("type"))?);
                }
                MessageKey::Assistant => {
                    raw.server_timeout_seconds =
                        map.next_value_seed(NumberAt(&["server", "timeoutSeconds"]))?;
                }
                MessageKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Object::Map(raw))
    }
}

/// An object of which one string field is read (`call.id`, `destination.type`).
struct ChildSeed(&'static str);

impl<'de> DeserializeSeed<'de> for ChildSeed {
    type Value = Object<Option<Leaf<'de>>>;

    fn deserialize<D: de::Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ChildSeed {
    type Value = Object<Option<Leaf<'de>>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    not_an_object!();

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut field = None;
        while let Some(is_field) = map.next_key_seed(KeyIs(self.0))? {
            if is_field {
                field = Some(map.next_value_seed(LeafSeed)?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Object::Map(field))
    }
}

/// A number at a path of keys under this value (`server.timeoutSeconds`
/// of `assistant`), read leniently: `None` for anything else on the way,
/// which is skipped. The last occurrence of a key wins, as everywhere.
struct NumberAt(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for NumberAt {
    type Value = Option<f64>;

    fn deserialize<D: de::Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NumberAt {
    type Value = Option<f64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
        Ok(self.0.is_empty().then_some(n as f64))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
        Ok(self.0.is_empty().then_some(n as f64))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Self::Value, E> {
        Ok(self.0.is_empty().then_some(n))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        drain_seq(seq)?;
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let Some((first, rest)) = self.0.split_first() else {
            drain_map(map)?;
            return Ok(None);
        };
        let mut found = None;
        while let Some(is_next) = map.next_key_seed(KeyIs(first))? {
            if is_next {
                found = map.next_value_seed(NumberAt(rest))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// An object key, compared with the one key we read at this level.
struct KeyIs(&'static str);

impl<'de> DeserializeSeed<'de> for KeyIs {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, de: D) -> Result<bool, D::Error> {
        de.deserialize_identifier(self)
    }
}

impl Visitor<'_> for KeyIs {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        Ok(key == self.0)
    }
}

/// A value where a string or a number is expected; any JSON type is accepted.
struct LeafSeed;

impl<'de> DeserializeSeed<'de> for LeafSeed {
    type Value = Leaf<'de>;

    fn deserialize<D: de::Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for LeafSeed {
    type Value = Leaf<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Leaf<'de>, E> {
        Ok(Leaf::Null)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Leaf<'de>, E> {
        Ok(Leaf::Other("boolean"))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Leaf<'de>, E> {
        Ok(Leaf::U64(n))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Leaf<'de>, E> {
        Ok(Leaf::I64(n))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Leaf<'de>, E> {
        Ok(Leaf::F64(n))
    }

    /// A string without escapes: borrowed from the body.
    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Leaf<'de>, E> {
        Ok(Leaf::Str(Cow::Borrowed(s)))
    }

    /// A string with escapes, unescaped by serde_json into its scratch buffer.
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Leaf<'de>, E> {
        Ok(Leaf::Str(Cow::Owned(s.to_owned())))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Leaf<'de>, A::Error> {
        drain_seq(seq)?;
        Ok(Leaf::Other("array"))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Leaf<'de>, A::Error> {
        drain_map(map)?;
        Ok(Leaf::Other("object"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_update_is_read_with_its_fields_borrowed() {
        let body = br#"{"message":{"type":"status-update","status":"ended","endedReason":"customer-ended-call","timestamp":1750314425773,"call":{"orgId":"o","id":"c1"},"destination":{"type":"number"}}}"#;
        let view = DeliveryView::parse(body).expect("a valid delivery");
        assert_eq!(view.message_type, "status-update");
        assert!(matches!(view.message_type, Cow::Borrowed(_)));
        assert_eq!(view.call_id.as_deref(), Some("c1"));
        assert_eq!(view.status.as_deref(), Some("ended"));
        assert_eq!(view.ended_reason.as_deref(), Some("customer-ended-call"));
        assert_eq!(view.destination_type.as_deref(), Some("number"));
        assert_eq!(view.timestamp_ms, Some(1_750_314_425_773));
    }

    #[test]
    fn the_assistants_server_timeout_is_read_when_it_is_a_number_and_ignored_otherwise() {
        let timeout = |body: &[u8]| {
            DeliveryView::parse(body)
                .expect("valid")
                .server_timeout_seconds
        };
        assert_eq!(
            timeout(br#"{"message":{"type":"tool-calls","assistant":{"model":{"x":[1]},"server":{"url":"u","timeoutSeconds":12.5}}}}"#),
            Some(12.5)
        );
        assert_eq!(
            timeout(br#"{"message":{"type":"tool-calls","assistant":{"server":{"timeoutSeconds":20}}}}"#),
            Some(20.0)
        );
        for lenient in [
            &br#"{"message":{"type":"tool-calls"}}"#[..],
            br#"{"message":{"type":"tool-calls","assistant":null}}"#,
            br#"{"message":{"type":"tool-calls","assistant":{"server":"x"}}}"#,
            br#"{"message":{"type":"tool-calls","assistant":{"server":{"timeoutSeconds":"20"}}}}"#,
            br#"{"message":{"type":"tool-calls","assistant":[{"server":{"timeoutSeconds":20}}]}}"#,
        ] {
            assert_eq!(
                timeout(lenient),
                None,
                "{}",
                String::from_utf8_lossy(lenient)
            );
        }
    }

    #[test]
    fn a_non_utf8_byte_after_an_earlier_syntax_error_reports_the_syntax_error() {
        let err = DeliveryView::parse(b"{x \xff}").expect_err("not JSON");
        assert!(
            matches!(err, ParseError::Syntax { offset: 1, .. }),
            "{err:?}"
        );
        let err = DeliveryView::parse(b"{\"a\": \"\xff\"}").expect_err("not UTF-8");
        assert!(
            matches!(err, ParseError::Syntax { offset: 7, .. }),
            "{err:?}"
        );
    }
}
