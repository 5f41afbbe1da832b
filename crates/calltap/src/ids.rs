//! The identities that cross calltap's modules: a delivery's place in the
//! log ([`Seq`]), a call ([`CallId`]) and a delivery's dedup key
//! ([`DedupKey`]).
//!
//! Why newtypes: as bare `i64`s and strings they were easy to swap (a seq
//! for a received-at time, a call id for a message type) and said nothing
//! about where they came from. Each is made once where it enters calltap
//! (the log assigns seqs, ingest reads the call id and makes the key, the
//! HTTP edge parses them from paths and query strings) and passes through
//! the store, the projector and `calls/` unchanged. They cost nothing: each
//! is `#[repr(transparent)]` over one value, and serialises as that value,
//! so the JSON is what it was with the bare types.
//!
//! This module imports nothing of calltap: every layer may use it.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A delivery's position in the log: strictly increasing, never reused,
/// assigned by the log when it stores the delivery. The first delivery is
/// 1; [`Seq::ZERO`] is the position before it (an empty log, a projector
/// that has projected nothing). As a cursor (`after=`), any integer is
/// accepted; one below zero is before the first delivery, as zero is.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
#[repr(transparent)]
pub struct Seq(i64);

impl Seq {
    /// Before the first delivery.
    pub const ZERO: Seq = Seq(0);

    /// The seq `n` (as the log stores it, or as a client sent it).
    pub const fn new(n: i64) -> Seq {
        Seq(n)
    }

    /// The number.
    pub const fn get(self) -> i64 {
        self.0
    }

    /// The seq right before this one (the lowest stays itself: a seq read
    /// from a client may be any 64-bit integer).
    pub const fn prev(self) -> Seq {
        Seq(self.0.saturating_sub(1))
    }
}

impl fmt::Display for Seq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for Seq {
    type Err = std::num::ParseIntError;

    /// A seq as text (a path segment, `Last-Event-ID`): an integer.
    fn from_str(text: &str) -> Result<Seq, Self::Err> {
        text.parse().map(Seq)
    }
}

/// A call's id (`message.call.id`), as Vapi sent it; any string.
///
/// Shared (`Arc<str>`): the same id is cloned into the live feed, the
/// projector's handoff, its cache and each published update, and a clone
/// is a reference count, not a copy.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(transparent)]
pub struct CallId(Arc<str>);

impl CallId {
    /// The call id `id` (from a delivery, a path segment, a query string or
    /// the store): every string is one.
    pub fn new(id: &str) -> CallId {
        CallId(Arc::from(id))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for CallId {
    fn from(id: String) -> CallId {
        CallId(Arc::from(id))
    }
}

impl From<&str> for CallId {
    fn from(id: &str) -> CallId {
        CallId::new(id)
    }
}

impl std::ops::Deref for CallId {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for CallId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for CallId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for CallId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for CallId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for CallId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<CallId, D::Error> {
        String::deserialize(deserializer).map(CallId::from)
    }
}

/// What makes two deliveries the same delivery: `id:<message id>` when a
/// verified signature covers the id the request named, else `b3:<hex>`,
/// the blake3 hash of the body. The log stores each key once.
///
/// Shared (`Arc<str>`) for the same reason as [`CallId`]: each stored
/// delivery's key is cloned into the live feed and the projector's handoff.
#[derive(Clone, PartialEq, Eq, Hash)]
#[repr(transparent)]
pub struct DedupKey(Arc<str>);

impl DedupKey {
    /// The key of a delivery the request names `id` (a message id).
    pub fn message_id(id: &str) -> DedupKey {
        DedupKey(Arc::from(format!("id:{id}")))
    }

    /// The key of a delivery that names no message id: its body's hash.
    pub fn body_hash(body: &[u8]) -> DedupKey {
        let hex = blake3::hash(body).to_hex();
        let mut key = String::with_capacity(3 + hex.len());
        key.push_str("b3:");
        key.push_str(&hex);
        DedupKey(Arc::from(key))
    }

    /// A key as the log stored it (made by [`DedupKey::message_id`] or
    /// [`DedupKey::body_hash`] when it was stored).
    pub fn stored(key: &str) -> DedupKey {
        DedupKey(Arc::from(key))
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this key is a message id rather than a body's hash: two
    /// deliveries with the same such key need not have the same bytes.
    pub fn is_message_id(&self) -> bool {
        self.0.starts_with("id:")
    }
}

impl fmt::Debug for DedupKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for DedupKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for DedupKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl PartialEq<str> for DedupKey {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for DedupKey {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_identity_serialises_as_its_bare_value() {
        assert_eq!(
            serde_json::to_string(&Seq::new(42)).ok().as_deref(),
            Some("42")
        );
        assert_eq!(
            serde_json::to_string(&CallId::new("c-1")).ok().as_deref(),
            Some("\"c-1\"")
        );
        assert_eq!(
            serde_json::to_string(&DedupKey::message_id("m"))
                .ok()
                .as_deref(),
            Some("\"id:m\"")
        );
        assert_eq!(
            serde_json::from_str::<CallId>("\"c-1\"").ok(),
            Some(CallId::new("c-1"))
        );
        assert_eq!(serde_json::from_str::<Seq>("-3").ok(), Some(Seq::new(-3)));
    }

    #[test]
    fn a_seq_parses_from_an_integer_and_nothing_else() {
        assert_eq!("17".parse::<Seq>().ok(), Some(Seq::new(17)));
        assert!("17a".parse::<Seq>().is_err());
        assert!("".parse::<Seq>().is_err());
        assert_eq!(Seq::new(5).prev(), Seq::new(4));
        assert_eq!(Seq::new(i64::MIN).prev(), Seq::new(i64::MIN));
        assert_eq!(Seq::new(5).to_string(), "5");
    }

    #[test]
    fn the_body_key_is_the_blake3_hex_of_the_body() {
        let key = DedupKey::body_hash(b"{}");
        assert_eq!(key.as_str(), format!("b3:{}", blake3::hash(b"{}").to_hex()));
    }
}
