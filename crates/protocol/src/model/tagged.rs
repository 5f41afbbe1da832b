//! The `oneOf` unions told apart by a tag key (`provider`, `type`, `role`):
//! the `tagged_union!` macro, and the helpers that keep a JSON path through
//! the values a union read before its tag (those are re-read from a
//! buffered `Value`, which the caller's path tracking cannot see into, so
//! the inner path travels inside the error message and the envelope's
//! reader splices it back).

use std::fmt::Display;

/// Marks an error message that carries a JSON pointer relative to the value
/// being deserialised: `MARK pointer MARK reason`. A control character that a
/// serde error message never otherwise starts with.
const MARK: char = '\u{1f}';

/// An error message carrying `pointer` (relative to the value being read)
/// and `reason`, for [`located`] to split.
pub(crate) fn marked(pointer: &str, reason: &str) -> String {
    format!("{MARK}{pointer}{MARK}{reason}")
}

/// The full JSON pointer (relative to the value `path` is tracked from) and
/// the bare reason of an error, following nested buffered values.
pub(crate) fn located(path: &serde_path_to_error::Path, err: &impl Display) -> (String, String) {
    let outer = pointer(path);
    let (inner, reason) = split_nested(&err.to_string());
    (outer + &inner, reason)
}

/// Splits a message built by [`marked`] into its relative pointer and
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

/// A key as a JSON pointer token (RFC 6901).
pub(crate) fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// A JSON pointer (RFC 6901) from a `serde_path_to_error` path.
fn pointer(path: &serde_path_to_error::Path) -> String {
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
                out.push_str(&escape(key));
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

/// Defines a `oneOf` union told apart by a tag key: one variant per known
/// tag value holding its model struct (without the tag), plus `Other`
/// holding any other object untouched. Serialises with the tag first (or
/// where it came, with a layout). Non-exhaustive: a member Vapi adds
/// becomes a variant in a later version.
///
/// Read in one pass: the entries before the tag are buffered, then read
/// into the variant's struct with the rest (see `codec::finish_tagged`).
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

        impl $crate::model::codec::Field for $name {
            fn read<'de, D: serde::Deserializer<'de>, R: $crate::model::codec::Recorder>(
                de: D,
                rec: &mut R,
                slot: $crate::model::codec::Slot,
            ) -> Result<Self, D::Error> {
                struct UnionVisitor<'a, R> {
                    rec: &'a mut R,
                    slot: $crate::model::codec::Slot,
                }

                impl<'de, R: $crate::model::codec::Recorder> serde::de::Visitor<'de> for UnionVisitor<'_, R> {
                    type Value = $name;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("an object")
                    }

                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<$name, A::Error> {
                        use $crate::model::codec;
                        let mut before = codec::Before::new();
                        while let Some(key) = codec::next_key(&mut map)? {
                            let value: serde_json::Value = map.next_value()?;
                            if key != $tag {
                                before.push((key.into_owned(), value));
                                continue;
                            }
                            if let serde_json::Value::String(tag) = &value {
                                #[allow(unreachable_patterns)]
                                match $kind::from(tag.as_str()) {
                                    $( $kind::$kvariant => {
                                        return codec::finish_tagged(&mut map, self.rec, self.slot, $tag, before)
                                            .map($name::$variant);
                                    } )*
                                    _ => {}
                                }
                            }
                            before.push((key.into_owned(), value));
                            return codec::finish_untyped(&mut map, $tag, before).map($name::Other);
                        }
                        Ok($name::Other(before.into_iter().collect()))
                    }
                }

                de.deserialize_map(UnionVisitor { rec, slot })
            }

            fn write<S: serde::Serializer>(
                &self,
                ser: S,
                lay: $crate::model::codec::Lay<'_>,
            ) -> Result<S::Ok, S::Error> {
                match self {
                    $( $name::$variant(body) => $crate::model::codec::write_object(
                        body,
                        ser,
                        Some(($tag, $kind::$kvariant.as_str())),
                        lay,
                    ), )*
                    $name::Other(map) => serde::Serialize::serialize(map, ser),
                }
            }
        }

        serde_via_field!($name);
    };
}
