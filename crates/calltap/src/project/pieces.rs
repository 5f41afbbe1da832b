//! Reading each stored piece once: the projector parses a delivery's
//! *skeleton* (its recipe with every piece replaced by a placeholder; see
//! `store::body::skeleton`) and, as the conversion meets each part of the
//! message ([`SharedParts`]), says what a placeholder stands for through a
//! bounded memo of pieces already read.
//!
//! Why: a Vapi delivery repeats the call, the assistant and the whole
//! history so far; the new bytes of a delivery are a few hundred. Parsing
//! the whole ~20 KB body for every delivery was most of the projector's
//! time; a skeleton is ~2 KB, and a piece is parsed once per role, however
//! many deliveries repeat it.
//!
//! A placeholder is `{"\u0000<nonce>":[S,E]}`: the pieces S..E of the recipe
//! (one for a `call`, a run for consecutive history entries). The nonce is
//! drawn per projector, so a body that happens to hold such an object cannot
//! pass it off as a placeholder. Parsed, a placeholder lands where the
//! model keeps keys it does not type: the `extra` map of a call, assistant,
//! customer or OpenAI-format entry, or the whole object of a phone number
//! or Vapi-format entry (it names no provider or role, so it is `Other`).

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::io::Write as _;
use std::ops::Range;
use std::sync::Arc;

use calltap_protocol::model::{ArtifactMessage, Assistant, Call, Customer, Model, PhoneNumber};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::calls::convert::{self, Entry, SharedParts};
use crate::calls::HistoryMessage;
use crate::store::backend::Reader;
use crate::store::body::PieceHash;
use crate::store::StoreError;

/// Piece bytes read into one generation of the memo before it becomes the
/// old one (and the old one is dropped): bounds the memo's memory to a few
/// times twice this, whatever the traffic. 2 MiB: the pieces read take
/// several times their bytes (≈ 15 MB at the paced peak with 4 MiB,
/// BENCHMARKS.md, "Who holds the paced peak"), thousands of live calls
/// touched in turn miss the memo whatever its size, and a few long calls'
/// pieces fit well within it.
pub const GENERATION_BYTES: usize = 2 << 20;

/// How placeholders are written and recognised, with this projector's nonce.
#[derive(Debug)]
pub struct Placeholder {
    /// `{"\u0000<nonce>":`, as written into a skeleton.
    prefix: Vec<u8>,
    /// The key as parsed: `"\0<nonce>"`.
    key: String,
}

impl Placeholder {
    /// Placeholders with a fresh random nonce.
    pub fn new() -> Placeholder {
        let nonce = RandomState::new().hash_one(std::process::id());
        Placeholder {
            prefix: format!("{{\"\\u0000{nonce:016x}\":").into_bytes(),
            key: format!("\u{0}{nonce:016x}"),
        }
    }

    /// Writes the placeholder of the pieces `range`.
    pub fn write(&self, range: Range<usize>, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.prefix);
        // Straight into `out`: writing to a `Vec` cannot fail.
        let _ = write!(out, "[{},{}]}}", range.start, range.end);
    }

    /// The piece indices `object` stands for, if it is a placeholder.
    fn range(&self, object: &Map<String, Value>) -> Option<Range<usize>> {
        let Value::Array(bounds) = object.get(&self.key)? else {
            return None;
        };
        let bound = |i: usize| usize::try_from(bounds.get(i)?.as_u64()?).ok();
        let range = bound(0)?..bound(1)?;
        (bounds.len() == 2 && !range.is_empty()).then_some(range)
    }
}

impl Default for Placeholder {
    fn default() -> Placeholder {
        Placeholder::new()
    }
}

/// Where a piece stands, which says how to read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PieceRole {
    /// The message's call.
    Call,
    /// The message's assistant.
    Assistant,
    /// The message's customer.
    Customer,
    /// The message's phone number.
    PhoneNumber,
    /// An entry of a history in Vapi's format.
    VapiHistory,
    /// An entry of a history in OpenAI's format.
    OpenAiHistory,
    /// An entry of a history kept as raw JSON.
    RawHistory,
}

impl PieceRole {
    /// The role of a history entry as the message holds it.
    fn of_entry(entry: Entry<'_>) -> PieceRole {
        match entry {
            Entry::Vapi(_) => PieceRole::VapiHistory,
            Entry::OpenAi(_) => PieceRole::OpenAiHistory,
            Entry::Raw(_) => PieceRole::RawHistory,
        }
    }
}

/// What a piece holds, read in its role; shared, so the memo can hand it out
/// for every delivery that repeats the piece.
#[derive(Clone, Debug, PartialEq)]
pub enum Resolved {
    /// A call.
    Call(Arc<Call>),
    /// An assistant.
    Assistant(Arc<Assistant>),
    /// A customer.
    Customer(Arc<Customer>),
    /// A phone number.
    PhoneNumber(Arc<PhoneNumber>),
    /// A history entry, already converted.
    History(Arc<HistoryMessage>),
}

/// Reads a piece's bytes in `role`, as the whole-body parse would read the
/// same value in that place; `None` when they do not read so.
pub fn read_piece(role: PieceRole, bytes: &[u8]) -> Option<Resolved> {
    fn typed<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
        // Through `Value`, as the envelope parses nested values.
        let value: Value = serde_json::from_slice(bytes).ok()?;
        serde_json::from_value(value).ok()
    }
    let history = |entry: HistoryMessage| Some(Resolved::History(Arc::new(entry)));
    match role {
        PieceRole::Call => typed(bytes).map(|c| Resolved::Call(Arc::new(c))),
        PieceRole::Assistant => typed(bytes).map(|a| Resolved::Assistant(Arc::new(a))),
        PieceRole::Customer => typed(bytes).map(|c| Resolved::Customer(Arc::new(c))),
        PieceRole::PhoneNumber => typed(bytes).map(|p| Resolved::PhoneNumber(Arc::new(p))),
        PieceRole::VapiHistory => history(convert::history_message(Entry::Vapi(&typed(bytes)?))),
        PieceRole::OpenAiHistory => {
            history(convert::history_message(Entry::OpenAi(&typed(bytes)?)))
        }
        PieceRole::RawHistory => history(convert::history_message(Entry::Raw(&typed(bytes)?))),
    }
}

/// Pieces already read, by hash and role; two generations, so that what
/// is still in use survives a turnover and the rest ages out.
#[derive(Debug, Default)]
pub struct PieceMemo {
    current: HashMap<(PieceHash, PieceRole), Resolved>,
    previous: HashMap<(PieceHash, PieceRole), Resolved>,
    current_bytes: usize,
}

impl PieceMemo {
    /// Entries held (both generations).
    pub fn len(&self) -> usize {
        self.current.len() + self.previous.len()
    }

    /// Whether the memo is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn get(&mut self, key: &(PieceHash, PieceRole)) -> Option<Resolved> {
        if let Some(found) = self.current.get(key) {
            return Some(found.clone());
        }
        let found = self.previous.remove(key)?;
        self.current.insert(*key, found.clone());
        Some(found)
    }

    fn insert(&mut self, key: (PieceHash, PieceRole), value: Resolved, bytes: usize) {
        if self.current_bytes + bytes > GENERATION_BYTES {
            self.previous = std::mem::take(&mut self.current);
            self.current_bytes = 0;
        }
        self.current_bytes += bytes;
        self.current.insert(key, value);
    }
}

/// The pieces of one delivery's skeleton, as the [`SharedParts`] of its
/// conversion: read through the memo, else from the log.
pub struct SkeletonPieces<'a> {
    /// The placeholders' form.
    pub placeholder: &'a Placeholder,
    /// The delivery's pieces, in recipe order.
    pub hashes: &'a [PieceHash],
    /// Pieces already read.
    pub memo: &'a mut PieceMemo,
    /// Where pieces not in the memo are read from.
    pub reader: &'a Reader,
    /// Whether a placeholder stood for pieces that do not read where it
    /// stands (missing, or not of the type expected there): the event the
    /// conversion gives is then not the body's, and the caller converts the
    /// whole body instead.
    pub unreadable: bool,
    /// The first store error met; the caller fails its step with it.
    pub error: Option<StoreError>,
}

impl SkeletonPieces<'_> {
    /// What piece `index` holds when read as `role`: from the memo, else
    /// read from the log and remembered.
    fn resolve(&mut self, index: usize, role: PieceRole) -> Option<Resolved> {
        let hash = *self.hashes.get(index)?;
        if let Some(found) = self.memo.get(&(hash, role)) {
            return Some(found);
        }
        let bytes = match self.reader.piece(&hash) {
            Ok(bytes) => bytes?,
            Err(err) => {
                self.error.get_or_insert(err);
                return None;
            }
        };
        let resolved = read_piece(role, &bytes)?;
        self.memo
            .insert((hash, role), resolved.clone(), bytes.len());
        Some(resolved)
    }

    /// The one piece that the placeholder in `object` (if it is one) stands
    /// for, unwrapped by `expect`; a placeholder whose piece does not read
    /// so marks the conversion unreadable.
    fn one<T>(
        &mut self,
        object: Option<&Map<String, Value>>,
        role: PieceRole,
        expect: impl FnOnce(Resolved) -> Option<Arc<T>>,
    ) -> Option<Arc<T>> {
        let range = self.placeholder.range(object?)?;
        let found = if range.len() == 1 {
            self.resolve(range.start, role).and_then(expect)
        } else {
            None
        };
        self.unreadable |= found.is_none();
        found
    }
}

impl SharedParts for SkeletonPieces<'_> {
    fn call(&mut self, call: &Call) -> Option<Arc<Call>> {
        self.one(Some(call.extra()), PieceRole::Call, |r| match r {
            Resolved::Call(call) => Some(call),
            _ => None,
        })
    }

    fn assistant(&mut self, assistant: &Assistant) -> Option<Arc<Assistant>> {
        self.one(Some(assistant.extra()), PieceRole::Assistant, |r| match r {
            Resolved::Assistant(assistant) => Some(assistant),
            _ => None,
        })
    }

    fn customer(&mut self, customer: &Customer) -> Option<Arc<Customer>> {
        self.one(Some(customer.extra()), PieceRole::Customer, |r| match r {
            Resolved::Customer(customer) => Some(customer),
            _ => None,
        })
    }

    fn phone_number(&mut self, phone_number: &PhoneNumber) -> Option<Arc<PhoneNumber>> {
        let object = match phone_number {
            PhoneNumber::Other(map) => Some(map),
            _ => None,
        };
        self.one(object, PieceRole::PhoneNumber, |r| match r {
            Resolved::PhoneNumber(phone_number) => Some(phone_number),
            _ => None,
        })
    }

    fn history_entries(&mut self, entry: Entry<'_>) -> Option<Vec<Arc<HistoryMessage>>> {
        let object = match entry {
            Entry::Vapi(ArtifactMessage::Other(map)) => Some(map),
            Entry::Vapi(_) => None,
            Entry::OpenAi(message) => Some(&message.extra),
            Entry::Raw(value) => value.as_object(),
        };
        let range = self.placeholder.range(object?)?;
        let role = PieceRole::of_entry(entry);
        let mut entries = Vec::with_capacity(range.len());
        for index in range {
            match self.resolve(index, role) {
                Some(Resolved::History(entry)) => entries.push(entry),
                _ => self.unreadable = true,
            }
        }
        Some(entries)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;

    use super::*;

    #[test]
    fn a_placeholder_reads_back_as_its_range_and_a_lookalike_does_not() {
        let placeholder = Placeholder::new();
        let mut text = Vec::new();
        placeholder.write(40..42, &mut text);
        let object: Map<String, Value> = serde_json::from_slice(&text).expect("JSON");
        assert_eq!(placeholder.range(&object), Some(40..42));

        let other = Placeholder::new();
        assert_ne!(other.key, placeholder.key, "each projector has its nonce");
        assert_eq!(other.range(&object), None);
        let lookalike: Map<String, Value> =
            serde_json::from_str(r#"{"\u00000000000000000000":[0,1]}"#).expect("JSON");
        assert_eq!(placeholder.range(&lookalike), None);
        let key = &placeholder.key;
        for bad in [
            json!([2, 2]),
            json!([3, 1]),
            json!([0]),
            json!(0),
            json!([0, 1, 2]),
        ] {
            let object: Map<String, Value> = [(key.clone(), bad)].into_iter().collect();
            assert_eq!(placeholder.range(&object), None, "{object:?}");
        }
    }

    #[test]
    fn the_memo_keeps_what_is_in_use_across_a_turnover_and_drops_the_rest() {
        let mut memo = PieceMemo::default();
        let entry = |n: u8| {
            (
                (PieceHash([n; 32]), PieceRole::RawHistory),
                Resolved::History(Arc::new(HistoryMessage::default())),
            )
        };
        let (a, value) = entry(1);
        memo.insert(a, value, GENERATION_BYTES / 2);
        let (b, value) = entry(2);
        memo.insert(b, value, GENERATION_BYTES / 2);
        let (c, value) = entry(3);
        memo.insert(c, value, 1); // the first generation is full: a, b age
        assert!(memo.get(&a).is_some(), "a is used, so it moves back");
        let (d, value) = entry(4);
        memo.insert(d, value, GENERATION_BYTES); // turns over again
        assert!(memo.get(&a).is_some() && memo.get(&c).is_some());
        assert!(memo.get(&b).is_none(), "b was not used and aged out");
        assert_eq!(memo.len(), 3);
    }
}
