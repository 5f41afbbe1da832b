//! How every model reads itself from JSON in one pass and writes itself
//! back, keys in the order they came.
//!
//! Why: going through a `serde_json::Value` first (to find a message's
//! `type`, keep unknown keys and remember the key order) and then moving it
//! into the structs made the typed parse slower than the untyped one. Here
//! each struct reads its keys straight from the deserializer: a typed key
//! goes into its field, any other into `extra`; a union reads its tag and
//! then the rest into the variant's struct, buffering only the keys that
//! came before the tag.
//!
//! The key order is recorded on the way by a [`Recorder`]: [`NoRecord`]
//! when nobody will re-serialise (it compiles away), a [`TapeBuilder`] for
//! [`Envelope`](super::Envelope). A [`Tape`] holds, for every typed object
//! in document order, its keys as small codes (a field's index, "the next
//! extra key", "the tag"; a bit for an explicit `null`), and where its
//! children end. Untyped values (`Value`, `extra`) need nothing: they keep
//! their own order. Writing with a tape ([`Lay`]) puts each object's keys
//! back in that order; each object finds its record by where it sits in its
//! parent (field and array index), so an envelope changed after parsing
//! still serialises every value it holds.

use std::any::TypeId;
use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;
use serde_json::{Map, Number, Value};

/// The code of a key that held an explicit `null` (or'ed into a field's).
pub(crate) const NULL: u16 = 0x8000;
/// The code of a key kept in `extra`: the next one, in `extra`'s order.
pub(crate) const EXTRA: u16 = 0x7fff;
/// The code of a union's tag key (or a message's `type`).
const TAG: u16 = 0x7ffe;

/// Where an object sits in its parent: the index of the field holding it
/// and, in an array, its index there (0 otherwise).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Slot {
    field: u16,
    index: usize,
}

impl Slot {
    /// The outermost object.
    pub(crate) const ROOT: Slot = Slot {
        field: u16::MAX,
        index: 0,
    };

    /// The value of field `i`.
    pub(crate) fn field(i: usize) -> Slot {
        Slot {
            field: code(i),
            index: 0,
        }
    }

    fn at(self, index: usize) -> Slot {
        Slot { index, ..self }
    }
}

/// A field index as a key code (model structs have at most 128 fields).
fn code(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(EXTRA - 1).min(EXTRA - 1)
}

/// The key order of every typed object of a document, in document order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Tape {
    objects: Vec<Record>,
    codes: Vec<u16>,
}

/// One typed object of a [`Tape`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Record {
    slot: Slot,
    /// What was read there ([`WriteObject::kind`]): a value replaced by
    /// one of another type since does not take its key order.
    kind: TypeId,
    /// Its key codes: `codes[start..start + len]`.
    start: usize,
    len: usize,
    /// The index of the first record after its subtree.
    end: usize,
}

/// Takes note of the keys of each typed object as it is read.
pub(crate) trait Recorder {
    /// What `begin` hands to `end`.
    type Mark: Copy;
    /// An object of `kind` ([`WriteObject::kind`]) at `slot` starts.
    fn begin(&mut self, slot: Slot, kind: TypeId) -> Self::Mark;
    /// The current object's next key.
    fn key(&mut self, code: u16);
    /// The object begun at `mark` ends.
    fn end(&mut self, mark: Self::Mark);
}

/// Records nothing: for readers that never re-serialise.
pub(crate) struct NoRecord;

impl Recorder for NoRecord {
    type Mark = ();

    #[inline(always)]
    fn begin(&mut self, _: Slot, _: TypeId) {}

    #[inline(always)]
    fn key(&mut self, _: u16) {}

    #[inline(always)]
    fn end(&mut self, _: ()) {}
}

/// Records a [`Tape`]. Keys of the objects being read wait on a stack
/// (an object's children finish before it does, so each object's keys stay
/// together on top of it) and move to the tape when their object ends.
#[derive(Default)]
pub(crate) struct TapeBuilder {
    tape: Tape,
    pending: Vec<u16>,
}

impl TapeBuilder {
    /// The tape of everything read.
    pub(crate) fn finish(self) -> Tape {
        self.tape
    }
}

impl Recorder for TapeBuilder {
    type Mark = (usize, usize);

    fn begin(&mut self, slot: Slot, kind: TypeId) -> (usize, usize) {
        self.tape.objects.push(Record {
            slot,
            kind,
            start: 0,
            len: 0,
            end: 0,
        });
        (self.tape.objects.len() - 1, self.pending.len())
    }

    fn key(&mut self, code: u16) {
        self.pending.push(code);
    }

    fn end(&mut self, (index, from): (usize, usize)) {
        let start = self.tape.codes.len();
        let keys = self.pending.get(from..).unwrap_or_default();
        self.tape.codes.extend_from_slice(keys);
        let len = keys.len();
        self.pending.truncate(from);
        let end = self.tape.objects.len();
        if let Some(record) = self.tape.objects.get_mut(index) {
            *record = Record {
                start,
                len,
                end,
                ..*record
            };
        }
    }
}

// ------------------------------------------------------------ values

/// A type a model field can hold: read with a recorder, written with a
/// layout. Leaves (strings, numbers, `Value`, open enums) use their serde
/// impls; structs, unions, `Option`, `Box` and `Vec` pass the recorder and
/// the layout down.
pub(crate) trait Field: Sized {
    /// Reads a value at `slot` of the object being read.
    fn read<'de, D: Deserializer<'de>, R: Recorder>(
        de: D,
        rec: &mut R,
        slot: Slot,
    ) -> Result<Self, D::Error>;

    /// Writes the value, in the key order `lay` finds for it.
    fn write<S: Serializer>(&self, ser: S, lay: Lay<'_>) -> Result<S::Ok, S::Error>;
}

/// Implements [`Field`] for types with nothing typed inside: their own
/// serde impls.
macro_rules! leaf_field {
    ($($ty:ty),* $(,)?) => {
        $(
            impl $crate::model::codec::Field for $ty {
                #[inline]
                fn read<'de, D: serde::Deserializer<'de>, R: $crate::model::codec::Recorder>(
                    de: D,
                    _: &mut R,
                    _: $crate::model::codec::Slot,
                ) -> Result<Self, D::Error> {
                    <$ty as serde::Deserialize>::deserialize(de)
                }

                #[inline]
                fn write<S: serde::Serializer>(
                    &self,
                    ser: S,
                    _: $crate::model::codec::Lay<'_>,
                ) -> Result<S::Ok, S::Error> {
                    serde::Serialize::serialize(self, ser)
                }
            }
        )*
    };
}

leaf_field!(String, bool, Number, Value, crate::Timestamp);

/// Implements `Serialize` and `Deserialize` for a [`Field`] type through
/// its `Field` impl: declaration order, no recording.
macro_rules! serde_via_field {
    ($name:ty) => {
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                $crate::model::codec::Field::write(
                    self,
                    serializer,
                    $crate::model::codec::Lay::NONE,
                )
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::model::codec::deserialize(deserializer)
            }
        }
    };
}

/// Reads a `T` through a recorder, as a serde seed.
pub(crate) struct Seed<'a, T, R> {
    rec: &'a mut R,
    slot: Slot,
    value: PhantomData<fn() -> T>,
}

impl<'a, T, R> Seed<'a, T, R> {
    pub(crate) fn new(rec: &'a mut R, slot: Slot) -> Self {
        Seed {
            rec,
            slot,
            value: PhantomData,
        }
    }
}

impl<'de, T: Field, R: Recorder> DeserializeSeed<'de> for Seed<'_, T, R> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<T, D::Error> {
        T::read(de, self.rec, self.slot)
    }
}

impl<T: Field> Field for Option<T> {
    fn read<'de, D: Deserializer<'de>, R: Recorder>(
        de: D,
        rec: &mut R,
        slot: Slot,
    ) -> Result<Self, D::Error> {
        de.deserialize_option(OptionVisitor(Seed::<T, R>::new(rec, slot)))
    }

    fn write<S: Serializer>(&self, ser: S, lay: Lay<'_>) -> Result<S::Ok, S::Error> {
        match self {
            Some(value) => value.write(ser, lay),
            None => ser.serialize_none(),
        }
    }
}

struct OptionVisitor<'a, T, R>(Seed<'a, T, R>);

impl<'de, T: Field, R: Recorder> Visitor<'de> for OptionVisitor<'_, T, R> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<Option<T>, D::Error> {
        self.0.deserialize(de).map(Some)
    }
}

impl<T: Field> Field for Box<T> {
    fn read<'de, D: Deserializer<'de>, R: Recorder>(
        de: D,
        rec: &mut R,
        slot: Slot,
    ) -> Result<Self, D::Error> {
        T::read(de, rec, slot).map(Box::new)
    }

    fn write<S: Serializer>(&self, ser: S, lay: Lay<'_>) -> Result<S::Ok, S::Error> {
        (**self).write(ser, lay)
    }
}

impl<T: Field> Field for Vec<T> {
    fn read<'de, D: Deserializer<'de>, R: Recorder>(
        de: D,
        rec: &mut R,
        slot: Slot,
    ) -> Result<Self, D::Error> {
        de.deserialize_seq(VecVisitor(Seed::<T, R>::new(rec, slot)))
    }

    fn write<S: Serializer>(&self, ser: S, lay: Lay<'_>) -> Result<S::Ok, S::Error> {
        let mut seq = ser.serialize_seq(Some(self.len()))?;
        for (i, item) in self.iter().enumerate() {
            seq.serialize_element(&Laid::new(item, lay.at(i)))?;
        }
        seq.end()
    }
}

struct VecVisitor<'a, T, R>(Seed<'a, T, R>);

impl<'de, T: Field, R: Recorder> Visitor<'de> for VecVisitor<'_, T, R> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let Seed { rec, slot, .. } = self.0;
        // A hint from the input bounds nothing: cap what it reserves.
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(256));
        while let Some(item) =
            seq.next_element_seed(Seed::<T, R>::new(rec, slot.at(items.len())))?
        {
            items.push(item);
        }
        Ok(items)
    }
}

/// A key as read: borrowed from the input when it has no escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Cow<'de, str>, D::Error> {
        de.deserialize_str(StrVisitor)
    }
}

struct StrVisitor;

impl<'de> Visitor<'de> for StrVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v))
    }
}

/// The next key of `map`, if any.
pub(crate) fn next_key<'de, A: MapAccess<'de>>(
    map: &mut A,
) -> Result<Option<Cow<'de, str>>, A::Error> {
    map.next_key_seed(KeySeed)
}

/// The next value of `map`, which must be a string.
pub(crate) fn next_str<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Cow<'de, str>, A::Error> {
    map.next_value_seed(KeySeed)
}

/// Where a field's value comes from: the map being read, or a value read
/// before the union's tag told which struct it belongs to.
pub(crate) trait Next<'de> {
    /// The error of the source.
    type Error: de::Error;
    /// Reads the value as a `T` at `slot`.
    fn value<T: Field, R: Recorder>(self, rec: &mut R, slot: Slot) -> Result<T, Self::Error>;
}

impl<'de, A: MapAccess<'de>> Next<'de> for &mut A {
    type Error = A::Error;

    fn value<T: Field, R: Recorder>(self, rec: &mut R, slot: Slot) -> Result<T, A::Error> {
        self.next_value_seed(Seed::<T, R>::new(rec, slot))
    }
}

/// The value of `key`, buffered as JSON before the tag was read. An error
/// keeps the JSON pointer from `key` down (see [`super::tagged::marked`]),
/// which the caller's path tracking cannot see into.
struct Buffered<'k> {
    key: &'k str,
    value: Value,
}

impl<'de> Next<'de> for Buffered<'_> {
    type Error = serde_json::Error;

    fn value<T: Field, R: Recorder>(self, rec: &mut R, slot: Slot) -> Result<T, serde_json::Error> {
        let mut track = serde_path_to_error::Track::new();
        let read = T::read(
            serde_path_to_error::Deserializer::new(self.value, &mut track),
            rec,
            slot,
        );
        read.map_err(|err| {
            let (inner, reason) = super::tagged::located(&track.path(), &err);
            let pointer = format!("/{}{inner}", super::tagged::escape(self.key));
            serde_json::Error::custom(super::tagged::marked(&pointer, &reason))
        })
    }
}

// ------------------------------------------------------------ objects

/// An object with typed fields and an `extra` map, as written.
pub(crate) trait WriteObject {
    /// The JSON keys of the typed fields, in declaration order (none by
    /// default: an object kept whole).
    const FIELDS: &'static [&'static str] = &[];

    /// What a layout records this object as: the type it is read as.
    fn kind() -> TypeId;

    /// Writes field `i` as an entry of `map` if it has a value; whether it
    /// had one (none by default).
    fn write_field<M: SerializeMap>(
        &self,
        _i: usize,
        _map: &mut M,
        _lay: Lay<'_>,
    ) -> Result<bool, M::Error> {
        Ok(false)
    }

    /// The keys not typed, in their order.
    fn extra(&self) -> &Map<String, Value>;
}

/// An object with typed fields and an `extra` map, as read.
pub(crate) trait ReadObject: WriteObject + Default {
    /// The index of the typed field named `key`.
    fn index(key: &str) -> Option<usize>;

    /// Reads field `i` from `next`; whether it was not `null`.
    fn read_field<'de, N: Next<'de>, R: Recorder>(
        &mut self,
        i: usize,
        next: N,
        rec: &mut R,
    ) -> Result<bool, N::Error>;

    /// The keys not typed.
    fn extra_mut(&mut self) -> &mut Map<String, Value>;
}

/// An object being read.
struct Reading<T> {
    value: T,
    /// The typed fields already read (at most 128 per struct).
    seen: u128,
}

impl<T: ReadObject> Reading<T> {
    fn new() -> Self {
        Reading {
            value: T::default(),
            seen: 0,
        }
    }

    /// The entry of `key`, its value next in `map`.
    fn entry<'de, A: MapAccess<'de>, R: Recorder>(
        &mut self,
        key: Cow<'de, str>,
        map: &mut A,
        rec: &mut R,
    ) -> Result<(), A::Error> {
        match T::index(&key) {
            Some(i) => self.typed(i, map, rec),
            None => {
                let value: Value = map.next_value()?;
                self.untyped(key.into_owned(), value, rec);
                Ok(())
            }
        }
    }

    /// The entry of `key`, its value buffered.
    fn buffered<R: Recorder>(
        &mut self,
        key: String,
        value: Value,
        rec: &mut R,
    ) -> Result<(), serde_json::Error> {
        match T::index(&key) {
            Some(i) => self.typed(i, Buffered { key: &key, value }, rec),
            None => {
                self.untyped(key, value, rec);
                Ok(())
            }
        }
    }

    fn typed<'de, N: Next<'de>, R: Recorder>(
        &mut self,
        i: usize,
        next: N,
        rec: &mut R,
    ) -> Result<(), N::Error> {
        let bit = 1u128
            .checked_shl(u32::try_from(i).unwrap_or(u32::MAX))
            .unwrap_or(0);
        if self.seen & bit != 0 {
            // Last-wins, as in a `Value`, is the general path's business.
            let name = T::FIELDS.get(i).copied().unwrap_or_default();
            return Err(N::Error::custom(format_args!("duplicate field `{name}`")));
        }
        self.seen |= bit;
        let present = self.value.read_field(i, next, rec)?;
        rec.key(code(i) | if present { 0 } else { NULL });
        Ok(())
    }

    fn untyped<R: Recorder>(&mut self, key: String, value: Value, rec: &mut R) {
        // A repeated key keeps its first place and its last value, as in a `Value`.
        if self.value.extra_mut().insert(key, value).is_none() {
            rec.key(EXTRA);
        }
    }
}

/// Reads a model struct (an object) at `slot`.
pub(crate) fn read_struct<'de, D: Deserializer<'de>, T: ReadObject, R: Recorder>(
    de: D,
    rec: &mut R,
    slot: Slot,
) -> Result<T, D::Error> {
    de.deserialize_map(StructVisitor(Seed::<T, R>::new(rec, slot)))
}

struct StructVisitor<'a, T, R>(Seed<'a, T, R>);

impl<'de, T: ReadObject, R: Recorder> Visitor<'de> for StructVisitor<'_, T, R> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let Seed { rec, slot, .. } = self.0;
        let mark = rec.begin(slot, T::kind());
        let mut reading = Reading::<T>::new();
        while let Some(key) = next_key(&mut map)? {
            reading.entry(key, &mut map, rec)?;
        }
        rec.end(mark);
        Ok(reading.value)
    }
}

/// The entries of a tagged object read before its tag.
pub(crate) type Before = Vec<(String, Value)>;

/// Reads the rest of a tagged object into `T`, its tag (key `tag`) just
/// read: the entries read before it first, then the tag's place, then the
/// rest of `map`.
pub(crate) fn finish_tagged<'de, A: MapAccess<'de>, T: ReadObject, R: Recorder>(
    map: &mut A,
    rec: &mut R,
    slot: Slot,
    tag: &str,
    before: Before,
) -> Result<T, A::Error> {
    let mark = rec.begin(slot, T::kind());
    let mut reading = Reading::<T>::new();
    for (key, value) in before {
        reading
            .buffered(key, value, rec)
            .map_err(A::Error::custom)?;
    }
    rec.key(TAG);
    while let Some(key) = next_key(map)? {
        if key == tag {
            return Err(A::Error::custom(format_args!("duplicate field `{tag}`")));
        }
        reading.entry(key, map, rec)?;
    }
    rec.end(mark);
    Ok(reading.value)
}

/// Reads the rest of a tagged object whose tag this version does not type
/// (it is in `before`): the whole object, kept as sent.
pub(crate) fn finish_untyped<'de, A: MapAccess<'de>>(
    map: &mut A,
    tag: &str,
    before: Before,
) -> Result<Map<String, Value>, A::Error> {
    let mut object: Map<String, Value> = before.into_iter().collect();
    while let Some(key) = next_key(map)? {
        if key == tag {
            return Err(A::Error::custom(format_args!("duplicate field `{tag}`")));
        }
        let value: Value = map.next_value()?;
        object.insert(key.into_owned(), value);
    }
    Ok(object)
}

/// Reads an object into `T` whose tag (key `tag`) is known to be `wire`:
/// the tag must be there, once, with that value.
pub(crate) fn read_known<'de, A: MapAccess<'de>, T: ReadObject, R: Recorder>(
    map: &mut A,
    rec: &mut R,
    slot: Slot,
    tag: &str,
    wire: &str,
) -> Result<T, A::Error> {
    let mark = rec.begin(slot, T::kind());
    let mut reading = Reading::<T>::new();
    let mut tagged = false;
    while let Some(key) = next_key(map)? {
        if key != tag {
            reading.entry(key, map, rec)?;
            continue;
        }
        if tagged {
            return Err(A::Error::custom(format_args!("duplicate field `{tag}`")));
        }
        let sent = next_str(map)?;
        if sent != wire {
            return Err(A::Error::custom(format_args!(
                "expected \"{wire}\", found \"{sent}\""
            )));
        }
        tagged = true;
        rec.key(TAG);
    }
    if !tagged {
        return Err(A::Error::missing_field("type"));
    }
    rec.end(mark);
    Ok(reading.value)
}

/// An object of no typed field: every key kept as sent.
#[derive(Default)]
pub(crate) struct Untyped(pub(crate) Map<String, Value>);

impl WriteObject for Untyped {
    fn kind() -> TypeId {
        TypeId::of::<Untyped>()
    }

    fn extra(&self) -> &Map<String, Value> {
        &self.0
    }
}

impl ReadObject for Untyped {
    fn index(_: &str) -> Option<usize> {
        None
    }

    fn read_field<'de, N: Next<'de>, R: Recorder>(
        &mut self,
        _: usize,
        _: N,
        _: &mut R,
    ) -> Result<bool, N::Error> {
        Ok(false)
    }

    fn extra_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.0
    }
}

// ------------------------------------------------------------ writing

/// Where a value being written finds its key order: the records of its
/// parent's children still to be claimed, and its own slot. `Lay::NONE`:
/// declaration order.
#[derive(Clone, Copy)]
pub(crate) struct Lay<'a> {
    scope: Option<Scope<'a>>,
    slot: Slot,
}

#[derive(Clone, Copy)]
struct Scope<'a> {
    tape: &'a Tape,
    /// The first record not yet claimed.
    next: &'a Cell<usize>,
    /// The end of the parent's subtree.
    end: usize,
}

impl<'a> Lay<'a> {
    /// No layout: declaration order, nothing re-inserted.
    pub(crate) const NONE: Lay<'static> = Lay {
        scope: None,
        slot: Slot::ROOT,
    };

    /// The layout of the outermost object recorded in `tape`; `next` is
    /// scratch space, starting at 0.
    pub(crate) fn root(tape: &'a Tape, next: &'a Cell<usize>) -> Lay<'a> {
        Lay {
            scope: Some(Scope {
                tape,
                next,
                end: tape.objects.len(),
            }),
            slot: Slot::ROOT,
        }
    }

    fn at(self, index: usize) -> Lay<'a> {
        Lay {
            slot: self.slot.at(index),
            ..self
        }
    }

    /// Claims the record of the object of `kind` at this slot, if the
    /// tape has one (skipping records of values no longer there).
    fn claim(self, kind: TypeId) -> Option<(&'a Tape, usize, &'a Record)> {
        let scope = self.scope?;
        let mut i = scope.next.get();
        while i < scope.end {
            let record = scope.tape.objects.get(i)?;
            if record.slot == self.slot {
                scope.next.set(record.end.max(i + 1));
                return (record.kind == kind).then_some((scope.tape, i, record));
            }
            i = record.end.max(i + 1);
        }
        None
    }
}

/// A value with its layout, as `Serialize`.
pub(crate) struct Laid<'a, T> {
    value: &'a T,
    lay: Lay<'a>,
}

impl<'a, T> Laid<'a, T> {
    pub(crate) fn new(value: &'a T, lay: Lay<'a>) -> Self {
        Laid { value, lay }
    }
}

impl<T: Field> Serialize for Laid<'_, T> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        self.value.write(ser, self.lay)
    }
}

/// Writes an object: `tag` (key and value) first, then the typed fields in
/// declaration order, then `extra`; or, when `lay` finds a record, the keys
/// in the recorded order (with `null` where a recorded `null` still has no
/// value), then whatever the record does not cover, in that same order.
pub(crate) fn write_object<S: Serializer, T: WriteObject>(
    object: &T,
    ser: S,
    tag: Option<(&str, &str)>,
    lay: Lay<'_>,
) -> Result<S::Ok, S::Error> {
    let mut map = ser.serialize_map(None)?;
    let tag_key = tag.map(|(key, _)| key);
    let mut extras = object
        .extra()
        .iter()
        .filter(|(key, _)| Some(key.as_str()) != tag_key);
    let mut written: u128 = 0;
    let mut tag_left = tag;
    let claimed = lay.claim(T::kind());
    let next = Cell::new(claimed.map_or(0, |(_, i, _)| i + 1));
    let child = |i: usize| match claimed {
        Some((tape, _, record)) => Lay {
            scope: Some(Scope {
                tape,
                next: &next,
                end: record.end,
            }),
            slot: Slot::field(i),
        },
        None => Lay::NONE,
    };
    if let Some((tape, _, record)) = claimed {
        let codes = tape
            .codes
            .get(record.start..record.start + record.len)
            .unwrap_or_default();
        for &key in codes {
            match key & !NULL {
                TAG => {
                    if let Some((key, value)) = tag_left.take() {
                        map.serialize_entry(key, value)?;
                    }
                }
                EXTRA => {
                    if let Some((key, value)) = extras.next() {
                        map.serialize_entry(key, value)?;
                    }
                }
                field => {
                    let i = usize::from(field);
                    let bit = 1u128.checked_shl(u32::from(field)).unwrap_or(0);
                    if written & bit != 0 {
                        continue;
                    }
                    if object.write_field(i, &mut map, child(i))? {
                        written |= bit;
                    } else if key & NULL != 0 {
                        if let Some(name) = T::FIELDS.get(i) {
                            map.serialize_entry(name, &())?;
                            written |= bit;
                        }
                    }
                }
            }
        }
    }
    if let Some((key, value)) = tag_left {
        map.serialize_entry(key, value)?;
    }
    for i in 0..T::FIELDS.len() {
        let bit = 1u128
            .checked_shl(u32::try_from(i).unwrap_or(u32::MAX))
            .unwrap_or(0);
        if written & bit == 0 {
            object.write_field(i, &mut map, child(i))?;
        }
    }
    for (key, value) in extras {
        map.serialize_entry(key, value)?;
    }
    map.end()
}

/// Reads `T` from `de` with serde's `Deserialize` signature: no recording.
pub(crate) fn deserialize<'de, D: Deserializer<'de>, T: Field>(de: D) -> Result<T, D::Error> {
    T::read(de, &mut NoRecord, Slot::ROOT)
}
