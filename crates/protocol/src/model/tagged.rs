//! Serde plumbing for the `oneOf` unions told apart by a tag key
//! (`provider`, `type`, `role`): the `tagged_union!` macro, and the helpers
//! that keep a JSON path through a union (a union deserialises its variant
//! from an owned object, which `serde_path_to_error` cannot see into, so the
//! inner path travels inside the error message and [`crate::model::Envelope`]
//! splices it back).

use serde::de::{DeserializeOwned, Error as _};
use serde::ser::{Error as _, SerializeMap};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

/// Marks an error message that carries a JSON pointer relative to the value
/// being deserialised: `MARK pointer MARK reason`. A control character that a
/// serde error message never otherwise starts with.
const MARK: char = '\u{1f}';

/// Deserialises a union variant (or a message body) from an owned object,
/// keeping the JSON path of any error in the message (see [`split_nested`]).
pub(crate) fn from_map<T: DeserializeOwned, E: serde::de::Error>(
    map: Map<String, Value>,
) -> Result<T, E> {
    serde_path_to_error::deserialize(Value::Object(map)).map_err(|err| {
        let (pointer, reason) = located(err);
        E::custom(format!("{MARK}{pointer}{MARK}{reason}"))
    })
}

/// The full JSON pointer (relative to the deserialised value) and the bare
/// reason of a tracked error, following nested unions.
pub(crate) fn located(err: serde_path_to_error::Error<serde_json::Error>) -> (String, String) {
    let outer = pointer(err.path());
    let (inner, reason) = split_nested(&err.into_inner().to_string());
    (outer + &inner, reason)
}

/// Splits a message built by [`from_map`] into its relative pointer and
/// reason; any other message has an empty pointer.
fn split_nested(message: &str) -> (String, String) {
    if let Some((pointer, reason)) = message
        .strip_prefix(MARK)
        .and_then(|rest| rest.split_once(MARK))
    {
        return (pointer.to_owned(), reason.to_owned());
    }
    (String::new(), message.to_owned())
}

/// A JSON pointer (RFC 6901) from a `serde_path_to_error` path.
pub(crate) fn pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => {
                out.push('/');
                out.push_str(&index.to_string());
            }
            Segment::Map { key } => {
                out.push('/');
                out.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Enum { variant } => {
                out.push('/');
                out.push_str(variant);
            }
            // Only non-string map keys give `Unknown`; JSON has none.
            Segment::Unknown => {}
        }
    }
    out
}

/// Serialises `body` (a struct that serialises to an object) with
/// `key: tag` written first. A `key` inside `body` (say, in its `extra`) is
/// skipped: the variant decides the tag.
pub(crate) fn serialize_tagged<S: Serializer, T: Serialize>(
    serializer: S,
    key: &str,
    tag: &str,
    body: &T,
) -> Result<S::Ok, S::Error> {
    let Value::Object(body) = serde_json::to_value(body).map_err(S::Error::custom)? else {
        return Err(S::Error::custom(
            "a tagged variant must serialise to an object",
        ));
    };
    let mut map = serializer.serialize_map(Some(body.len() + 1))?;
    map.serialize_entry(key, tag)?;
    for (k, v) in &body {
        if k != key {
            map.serialize_entry(k, v)?;
        }
    }
    map.end()
}

/// Reads the object of a union from any deserializer.
pub(crate) fn object<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Map<String, Value>, D::Error> {
    match <Value as serde::Deserialize>::deserialize(deserializer)? {
        Value::Object(map) => Ok(map),
        other => Err(D::Error::custom(format!(
            "expected an object, found {}",
            crate::error::json_type_name(&other)
        ))),
    }
}

/// Defines a `oneOf` union told apart by a tag key: one variant per known
/// tag value holding its model struct (without the tag), plus `Other`
/// holding any other object untouched. Serialises with the tag first.
/// Non-exhaustive: a member Vapi adds becomes a variant in a later version.
macro_rules! tagged_union {
    (
        $(#[$meta:meta])*
        $name:ident, tag = $tag:literal, kind = $kind:ident {
            $( $(#[$vmeta:meta])* $variant:ident($ty:ty) = $kvariant:ident, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant($ty), )*
            /// An object whose tag is missing, not a string or not known to
            /// this version: kept as sent, tag included.
            Other(serde_json::Map<String, serde_json::Value>),
        }

        impl $name {
            /// The key whose value tells the variants apart.
            pub const TAG: &'static str = $tag;

            /// The tag value, if the object has one that is a string.
            pub fn kind(&self) -> Option<$kind> {
                match self {
                    $( $name::$variant(_) => Some($kind::$kvariant), )*
                    $name::Other(map) => map
                        .get($tag)
                        .and_then(serde_json::Value::as_str)
                        .map($kind::from),
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $( $name::$variant(body) => $crate::model::tagged::serialize_tagged(
                        serializer,
                        $tag,
                        $kind::$kvariant.as_str(),
                        body,
                    ), )*
                    $name::Other(map) => serde::Serialize::serialize(map, serializer),
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let mut map = $crate::model::tagged::object(deserializer)?;
                let kind = match map.get($tag) {
                    Some(serde_json::Value::String(tag)) => $kind::from(tag.as_str()),
                    _ => return Ok($name::Other(map)),
                };
                match kind {
                    $( $kind::$kvariant => {
                        map.shift_remove($tag);
                        $crate::model::tagged::from_map(map).map($name::$variant)
                    } )*
                    _ => Ok($name::Other(map)),
                }
            }
        }
    };
}
