//! [`DeliveryView::parse`] and [`repeated_spans`](crate::raw::repeated_spans)
//! in one pass over the body, for the ingest hot path, which needs both.
//!
//! Why: each of the two walks the whole body, and at 19 KB a delivery the
//! walks were most of ingest's own CPU. This pass checks the JSON syntax
//! itself (as strictly as `serde_json` skipping a value, or more), finds the
//! repeated spans and the depth on the way, and notes where the routing
//! fields' values lie; only those few small values are then read with
//! `serde_json`, by the same visitors as the two-pass view.
//!
//! Strings are most of a body's bytes, so their scan is most of the cost.
//! A [`Survey`] of every byte comes first (`survey.rs`): a body of ASCII is
//! UTF-8 without a check, and in a body without control characters (compact
//! JSON, as Vapi and `calltap simulate` send) a string ends at its first
//! `"` not escaped, which the survey's bitmap gives in a few bit
//! operations. Other bodies (pretty-printed ones) and other targets than
//! x86-64 test eight bytes at a time as a `u64`.
//!
//! It vouches only for bodies it reads without doubt: anything unusual (not
//! UTF-8, not JSON, a JSON type or a key it would have to unescape where a
//! routing field is read, a value `serde_json` refuses, nesting past the
//! limit) gives `None`, and the caller runs the two passes, which give the
//! exact answer and error. So its result, when there is one, is exactly
//! theirs (the tests check it on every fixture, on mutated fixtures, on
//! random bytes and on generated envelopes).

use std::ops::Range;

use serde::de::DeserializeSeed;

use super::survey::{next_quote_or_backslash, Survey};
use super::{DeliveryView, Leaf, LeafSeed, Object, RawMessage};
use crate::raw::spans::{ARTIFACT_HISTORIES, HISTORIES, WHOLE};

/// See the [module documentation](self).
pub(super) fn view_and_spans(
    body: &[u8],
    max_depth: usize,
    min_len: usize,
) -> Option<(DeliveryView<'_>, Vec<Range<usize>>)> {
    // One look at every byte first: a body of ASCII is UTF-8 already, and
    // in one without control characters a string ends at the first `"`
    // not escaped, which is found many bytes at a time.
    let survey = Survey::of(body);
    if survey.most >= 0x80 {
        std::str::from_utf8(body).ok()?;
    }
    let mut pass = Pass {
        bytes: body,
        specials: survey.specials.filter(|_| survey.least >= 0x20),
        at: 0,
        depth: 0,
        max_depth,
        min_len,
        spans: Vec::new(),
        open: Vec::new(),
    };
    let message = pass.root()?;
    pass.skip_ws();
    if pass.at != body.len() {
        return None;
    }
    let root = Object::Map(match message {
        None => None,
        Some(Found::Map(fields)) => Some(Object::Map(fields.read(body)?)),
        Some(Found::Null) => Some(Object::Null),
        Some(Found::Other(kind)) => Some(Object::Other(kind)),
    });
    let view = root.into_view().ok()?;
    Some((view, pass.spans))
}

/// A value where an object was expected, as found.
enum Found<T> {
    Null,
    Map(T),
    Other(&'static str),
}

/// An object of which one field is read: where that field's value lies.
type Child = Found<Option<Range<usize>>>;

/// Where the routing fields of one `message` lie, each as last seen.
#[derive(Default)]
struct MessageSpans {
    message_type: Option<Range<usize>>,
    call: Option<Child>,
    timestamp: Option<Range<usize>>,
    status: Option<Range<usize>>,
    role: Option<Range<usize>>,
    turn: Option<Range<usize>>,
    ended_reason: Option<Range<usize>>,
    destination: Option<Child>,
    server_timeout: Option<Range<usize>>,
}

impl MessageSpans {
    /// The values, read from `body` (UTF-8) as the two-pass view reads
    /// them; `None` if `serde_json` refuses one.
    fn read(self, body: &[u8]) -> Option<RawMessage<'_>> {
        let leaf = |span: Option<Range<usize>>| match span {
            None => Some(None),
            Some(span) => leaf(body, span).map(Some),
        };
        let child = |found: Option<Child>| {
            Some(match found {
                None => None,
                Some(Found::Null) => Some(Object::Null),
                Some(Found::Other(kind)) => Some(Object::Other(kind)),
                Some(Found::Map(field)) => Some(Object::Map(leaf(field)?)),
            })
        };
        let server_timeout_seconds = match leaf(self.server_timeout)? {
            Some(Leaf::U64(n)) => Some(n as f64),
            Some(Leaf::I64(n)) => Some(n as f64),
            Some(Leaf::F64(n)) => Some(n),
            _ => None,
        };
        Some(RawMessage {
            message_type: leaf(self.message_type)?,
            call: child(self.call)?,
            timestamp: leaf(self.timestamp)?,
            status: leaf(self.status)?,
            role: leaf(self.role)?,
            turn: leaf(self.turn)?,
            ended_reason: leaf(self.ended_reason)?,
            destination: child(self.destination)?,
            server_timeout_seconds,
        })
    }
}

/// One value of `body`, read as the two-pass view reads a leaf.
fn leaf(body: &[u8], span: Range<usize>) -> Option<Leaf<'_>> {
    let text = std::str::from_utf8(body.get(span)?).ok()?;
    let mut de = serde_json::Deserializer::from_str(text);
    LeafSeed.deserialize(&mut de).ok()
}

/// The pass: a validating forward scanner. Every method returns `None` on
/// anything it does not vouch for.
struct Pass<'a> {
    bytes: &'a [u8],
    /// Where the body's `"` and `\\` lie (see [`Survey`]), when no byte
    /// of it is a control character, so that none is in a string.
    specials: Option<Vec<u64>>,
    at: usize,
    /// Open `[` and `{` around `at`.
    depth: usize,
    max_depth: usize,
    /// Repeated spans shorter than this are not kept.
    min_len: usize,
    spans: Vec<Range<usize>>,
    /// The containers open inside the value [`Pass::value`] skips
    /// (`true`: an object), kept to reuse its allocation.
    open: Vec<bool>,
}

impl<'a> Pass<'a> {
    fn skip_ws(&mut self) {
        self.at = skip_ws(self.bytes, self.at);
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.bytes.get(self.at).copied()
    }

    /// At `{` or `[`: one level deeper, within the limit.
    fn open(&mut self) -> Option<()> {
        self.at += 1;
        self.deeper()
    }

    fn close(&mut self) {
        self.at += 1;
        self.depth -= 1;
    }

    /// At `"` (after whitespace): past the string; its content if it has
    /// no escape, else `Some(None)` (checked all the same).
    #[inline(always)]
    fn string(&mut self) -> Option<Option<&'a [u8]>> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.at + 1;
        let (end, escaped) = self.string_end_from(start)?;
        self.at = end;
        Some((!escaped).then(|| &self.bytes[start..end - 1]))
    }

    /// An object key the caller compares: one with an escape would have
    /// to be unescaped first, so it is not vouched for.
    fn key(&mut self) -> Option<&'a [u8]> {
        let key = self.string()??;
        (self.peek()? == b':').then(|| self.at += 1)?;
        Some(key)
    }

    /// After a member or an element: `Some(true)` past a `,`, `Some(false)`
    /// at (and past) the closing `close`.
    fn next(&mut self, close: u8) -> Option<bool> {
        match self.peek()? {
            b',' => {
                self.at += 1;
                Some(true)
            }
            byte if byte == close => {
                self.close();
                Some(false)
            }
            _ => None,
        }
    }

    /// At `{`: calls `member` with each key, which must consume the value.
    fn object(&mut self, mut member: impl FnMut(&mut Self, &'a [u8]) -> Option<()>) -> Option<()> {
        self.open()?;
        if self.peek()? == b'}' {
            self.close();
            return Some(());
        }
        loop {
            let key = self.key()?;
            member(self, key)?;
            if !self.next(b'}')? {
                return Some(());
            }
        }
    }

    /// Any value, checked and skipped; its span. Iterative, so that a
    /// deep body costs no stack.
    ///
    /// Most of a body's tokens pass through here, so the cursor is a local
    /// (kept in a register rather than written back through `self` at
    /// every token) and each token is looked at once: a value's first byte
    /// picks its kind, a string is ended from just past its `"`, and
    /// whitespace is skipped once before each token.
    fn value(&mut self) -> Option<Range<usize>> {
        let bytes = self.bytes;
        let mut at = skip_ws(bytes, self.at);
        let start = at;
        let outer = self.open.len();
        loop {
            // A value begins at `at`.
            match *bytes.get(at)? {
                b'"' => at = self.string_from(at + 1)?,
                b'{' => {
                    self.deeper()?;
                    at = skip_ws(bytes, at + 1);
                    if *bytes.get(at)? == b'}' {
                        self.depth -= 1;
                        at += 1;
                    } else {
                        at = self.member_key(at)?;
                        self.open.push(true);
                        continue;
                    }
                }
                b'[' => {
                    self.deeper()?;
                    at = skip_ws(bytes, at + 1);
                    if *bytes.get(at)? == b']' {
                        self.depth -= 1;
                        at += 1;
                    } else {
                        self.open.push(false);
                        continue;
                    }
                }
                b't' => at = literal_end(bytes, at, b"true")?,
                b'f' => at = literal_end(bytes, at, b"false")?,
                b'n' => at = literal_end(bytes, at, b"null")?,
                b'-' | b'0'..=b'9' => at = number_end(bytes, at)?,
                _ => return None,
            }
            // Then the separators and closings after it.
            loop {
                if self.open.len() <= outer {
                    self.at = at;
                    return Some(start..at);
                }
                let object = *self.open.last()?;
                at = skip_ws(bytes, at);
                match *bytes.get(at)? {
                    b',' => {
                        at = skip_ws(bytes, at + 1);
                        if object {
                            at = self.member_key(at)?;
                        }
                        break;
                    }
                    b'}' if object => {}
                    b']' if !object => {}
                    _ => return None,
                }
                at += 1;
                self.depth -= 1;
                self.open.pop();
            }
        }
    }

    /// One level deeper, within the limit.
    #[inline(always)]
    fn deeper(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= self.max_depth).then_some(())
    }

    /// From just inside a string: just past its closing quote.
    #[inline(always)]
    fn string_from(&self, start: usize) -> Option<usize> {
        self.string_end_from(start).map(|(end, _)| end)
    }

    /// From just inside a string: just past its closing quote, and whether
    /// it holds an escape (through the survey's bitmap when there is one).
    #[inline(always)]
    fn string_end_from(&self, start: usize) -> Option<(usize, bool)> {
        match &self.specials {
            Some(specials) => plain_string_end(self.bytes, specials, start),
            None => string_end(self.bytes, start),
        }
    }

    /// At a member's key (`at` past any whitespace): past the key, its
    /// `:` and the whitespace after, where the member's value begins.
    #[inline(always)]
    fn member_key(&self, at: usize) -> Option<usize> {
        let bytes = self.bytes;
        if *bytes.get(at)? != b'"' {
            return None;
        }
        let at = skip_ws(bytes, self.string_from(at + 1)?);
        if *bytes.get(at)? != b':' {
            return None;
        }
        Some(skip_ws(bytes, at + 1))
    }

    /// A value whose JSON type is all that is read: its span and what it is.
    fn kind(&mut self) -> Option<(Range<usize>, Found<()>)> {
        let first = self.peek()?;
        let span = self.value()?;
        let found = match first {
            b'n' => Found::Null,
            b'{' => Found::Map(()),
            b'"' => Found::Other("string"),
            b'[' => Found::Other("array"),
            b't' | b'f' => Found::Other("boolean"),
            _ => Found::Other("number"),
        };
        Some((span, found))
    }

    /// A repeated part: kept if it is long enough.
    fn part(&mut self, span: Range<usize>) {
        if span.len() >= self.min_len {
            self.spans.push(span);
        }
    }

    /// The root object; what its last `message` was.
    fn root(&mut self) -> Option<Option<Found<MessageSpans>>> {
        if self.peek()? != b'{' {
            return None;
        }
        let mut message = None;
        self.object(|pass, key| {
            if key != b"message" {
                return pass.value().map(drop);
            }
            message = Some(if pass.peek()? == b'{' {
                Found::Map(pass.message()?)
            } else {
                match pass.kind()?.1 {
                    Found::Null => Found::Null,
                    Found::Other(kind) => Found::Other(kind),
                    Found::Map(()) => return None,
                }
            });
            Some(())
        })?;
        Some(message)
    }

    /// At `message`'s `{`.
    fn message(&mut self) -> Option<MessageSpans> {
        let mut fields = MessageSpans::default();
        self.object(|pass, key| {
            match key {
                b"type" => fields.message_type = Some(pass.value()?),
                b"timestamp" => fields.timestamp = Some(pass.value()?),
                b"status" => fields.status = Some(pass.value()?),
                b"role" => fields.role = Some(pass.value()?),
                b"turn" => fields.turn = Some(pass.value()?),
                b"endedReason" => fields.ended_reason = Some(pass.value()?),
                b"call" => {
                    let (span, found) = pass.child(b"id")?;
                    pass.part(span);
                    fields.call = Some(found);
                }
                b"destination" => fields.destination = Some(pass.child(b"type")?.1),
                b"assistant" => {
                    let start = pass.peek().map(|_| pass.at)?;
                    fields.server_timeout = pass.server_timeout()?;
                    pass.part(start..pass.at);
                }
                key if WHOLE.contains(&key) => {
                    let span = pass.value()?;
                    pass.part(span);
                }
                key if HISTORIES.contains(&key) && pass.peek()? == b'[' => pass.history()?,
                b"artifact" if pass.peek()? == b'{' => pass.object(|pass, key| {
                    if ARTIFACT_HISTORIES.contains(&key) && pass.peek()? == b'[' {
                        pass.history()
                    } else {
                        pass.value().map(drop)
                    }
                })?,
                _ => {
                    pass.value()?;
                }
            }
            Some(())
        })?;
        Some(fields)
    }

    /// An object of which one field is read (`call.id`,
    /// `destination.type`): its span, and the field's value as last seen.
    fn child(&mut self, field: &[u8]) -> Option<(Range<usize>, Child)> {
        if self.peek()? != b'{' {
            let (span, found) = self.kind()?;
            return Some(match found {
                Found::Null => (span, Found::Null),
                Found::Other(kind) => (span, Found::Other(kind)),
                Found::Map(()) => return None,
            });
        }
        let start = self.at;
        let mut value = None;
        self.object(|pass, key| {
            let span = pass.value()?;
            if key == field {
                value = Some(span);
            }
            Some(())
        })?;
        Some((start..self.at, Found::Map(value)))
    }

    /// `assistant`: where `server.timeoutSeconds` lies, the last `server`
    /// deciding, as the two-pass view reads it (anything but objects on
    /// the way: none).
    fn server_timeout(&mut self) -> Option<Option<Range<usize>>> {
        if self.peek()? != b'{' {
            return self.value().map(|_| None);
        }
        let mut timeout = None;
        self.object(|pass, key| {
            if key != b"server" {
                return pass.value().map(drop);
            }
            timeout = None;
            if pass.peek()? != b'{' {
                return pass.value().map(drop);
            }
            pass.object(|pass, key| {
                let span = pass.value()?;
                if key == b"timeoutSeconds" {
                    timeout = Some(span);
                }
                Some(())
            })
        })?;
        Some(timeout)
    }

    /// At `[`: each element is a repeated part.
    fn history(&mut self) -> Option<()> {
        self.open()?;
        if self.peek()? == b']' {
            self.close();
            return Some(());
        }
        loop {
            let span = self.value()?;
            self.part(span);
            if !self.next(b']')? {
                return Some(());
            }
        }
    }
}

/// From `at`: past any whitespace.
#[inline(always)]
fn skip_ws(bytes: &[u8], mut at: usize) -> usize {
    while let Some(b' ' | b'\n' | b'\r' | b'\t') = bytes.get(at) {
        at += 1;
    }
    at
}

/// At the first byte of `word`: just past it, if it is there whole.
fn literal_end(bytes: &[u8], at: usize, word: &[u8]) -> Option<usize> {
    let end = at + word.len();
    (bytes.get(at..end)? == word).then_some(end)
}

/// At a JSON number: just past it. `-`, then `0` or digits not starting
/// with 0, then an optional fraction and exponent, each with at least one
/// digit.
fn number_end(bytes: &[u8], mut at: usize) -> Option<usize> {
    if bytes.get(at) == Some(&b'-') {
        at += 1;
    }
    match bytes.get(at)? {
        b'0' => at += 1,
        b'1'..=b'9' => at = digits_end(bytes, at)?,
        _ => return None,
    }
    if bytes.get(at) == Some(&b'.') {
        at = digits_end(bytes, at + 1)?;
    }
    if let Some(b'e' | b'E') = bytes.get(at) {
        at += 1;
        if let Some(b'+' | b'-') = bytes.get(at) {
            at += 1;
        }
        at = digits_end(bytes, at)?;
    }
    Some(at)
}

/// Past at least one digit.
fn digits_end(bytes: &[u8], mut at: usize) -> Option<usize> {
    let start = at;
    while let Some(b'0'..=b'9') = bytes.get(at) {
        at += 1;
    }
    (at > start).then_some(at)
}

/// From just inside a string: just past its closing quote, and whether it
/// holds an escape. `None` for what `serde_json` refuses in a string: a
/// control character, a bad escape, no closing quote.
fn string_end(bytes: &[u8], mut at: usize) -> Option<(usize, bool)> {
    let mut escaped = false;
    loop {
        at = next_special(bytes, at);
        match *bytes.get(at)? {
            b'"' => return Some((at + 1, escaped)),
            b'\\' => {}
            _ => return None,
        }
        escaped = true;
        at = escape_end(bytes, at)?;
    }
}

/// [`string_end`] in a body without control characters, whose `"` and
/// `\\` are marked in `specials`: only those end a run, and the next one is
/// a few bit operations away.
#[inline(always)]
fn plain_string_end(bytes: &[u8], specials: &[u64], mut at: usize) -> Option<(usize, bool)> {
    let mut escaped = false;
    loop {
        at = next_quote_or_backslash(specials, at)?;
        if *bytes.get(at)? == b'"' {
            return Some((at + 1, escaped));
        }
        escaped = true;
        at = escape_end(bytes, at)?;
    }
}

/// At a `\\`: just past the escape it begins, if it is one JSON has.
fn escape_end(bytes: &[u8], at: usize) -> Option<usize> {
    match bytes.get(at + 1)? {
        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some(at + 2),
        b'u' => {
            let hex = bytes.get(at + 2..at + 6)?;
            hex.iter().all(u8::is_ascii_hexdigit).then_some(at + 6)
        }
        _ => None,
    }
}

/// The first byte from `at` on that ends a plain run of string content
/// (`"`, `\\`, or a control character), or the length of `bytes`.
///
/// Strings are most of a body's bytes (prompts, transcripts), and most
/// strings are short (keys, ids). Eight bytes are tested at once as one
/// `u64` (the test `serde_json` uses too), and the position of the first
/// hit is read off the result rather than found again byte by byte.
fn next_special(bytes: &[u8], mut at: usize) -> usize {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES << 7;
    /// The bytes of `word` equal to zero get their high bit set (bytes
    /// above the lowest such one may get it too, wrongly; the lowest is
    /// always right, and only it is used).
    fn zeros(word: u64) -> u64 {
        word.wrapping_sub(ONES) & !word
    }
    while let Some(chunk) = bytes
        .get(at..at + 8)
        .and_then(|chunk| <[u8; 8]>::try_from(chunk).ok())
    {
        let word = u64::from_le_bytes(chunk);
        let control = word.wrapping_sub(ONES * 0x20) & !word;
        let hits = (control
            | zeros(word ^ (ONES * u64::from(b'"')))
            | zeros(word ^ (ONES * u64::from(b'\\'))))
            & HIGH;
        if hits != 0 {
            return at + (hits.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while let Some(&byte) = bytes.get(at) {
        if byte < 0x20 || byte == b'"' || byte == b'\\' {
            break;
        }
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// String content: mostly plain bytes, some of what ends or escapes a
    /// run, and non-ASCII, at any position relative to a vector's bounds.
    fn content() -> impl Strategy<Value = Vec<u8>> {
        let byte = prop_oneof![
            8 => b' '..=b'~',
            1 => Just(b'"'),
            1 => Just(b'\\'),
            1 => prop::sample::select(b"nrtu0aF/".to_vec()),
            1 => 0x80u8..=0xff,
        ];
        prop::collection::vec(byte, 0..200)
    }

    /// The one pass's answer for `body`, checked against the two passes
    /// it stands in for.
    fn vouched(body: &[u8], max_depth: usize) -> bool {
        let Some((view, spans)) = view_and_spans(body, max_depth, 0) else {
            return false;
        };
        assert_eq!(Ok(view), DeliveryView::parse(body));
        assert_eq!(Some(spans), crate::raw::repeated_spans(body, max_depth, 0));
        true
    }

    #[test]
    fn a_skipped_value_is_read_token_by_token_whatever_the_whitespace_around_them() {
        // Every kind of value, nested, in a skipped field and in a history,
        // with whitespace (and none) before and after every token.
        let compact = r#"{"message":{"type":"t","x":{"a":[1,-0.5e+3,2E-1,0,true,false,null,"s\"\u00e9",{},[],{"b":[[{}]]}],"c":""},"artifact":{"messages":[{"m":1},[2],"3"]}}}"#;
        let spaced = r#" { "message" : { "type" : "t" , "x" : { "a" : [ 1 , -0.5e+3 , 2E-1 , 0 , true , false , null , "s\"\u00e9" , { } , [ ] , { "b" : [ [ { } ] ] } ] , "c" : "" } , "artifact" : { "messages" : [ { "m" : 1 } , [ 2 ] , "3" ] } } } "#;
        let pretty = spaced.replace(" ", "\n\t ").replace("\n\t \n\t ", "\r\n");
        for body in [compact, spaced, &pretty] {
            assert!(vouched(body.as_bytes(), 128), "{body}");
        }
    }

    #[test]
    fn a_skipped_value_nested_to_the_limit_is_vouched_for_and_one_deeper_is_not() {
        // The root and `message` are two levels; `x` adds one per bracket.
        for (depth, inner) in [
            (2, "1"),
            (3, "[1]"),
            (4, "[{\"a\":1}]"),
            (5, "[{\"a\":[]}]"),
        ] {
            let body = format!(r#"{{"message":{{"type":"t","x":{inner}}}}}"#);
            assert!(vouched(body.as_bytes(), depth), "{body} within {depth}");
            assert!(
                !vouched(body.as_bytes(), depth - 1),
                "{body} past {}",
                depth - 1
            );
        }
    }

    #[test]
    fn a_skipped_value_that_is_not_json_is_not_vouched_for() {
        for x in [
            "[1 2]",
            "{\"a\" 1}",
            "{\"a\":1,}",
            "{1:2}",
            "[1,]",
            "-",
            "1.",
            "1e",
            "01",
            "tru",
            "nul",
            "[",
            "{\"a\":",
            "\"abc",
            "]",
            "[}",
            "{]",
            "+1",
            ".5",
        ] {
            let body = format!(r#"{{"message":{{"type":"t","x":{x}}}}}"#);
            assert!(!vouched(body.as_bytes(), 128), "{body}");
        }
    }

    proptest! {
        #[test]
        fn a_string_ends_where_it_ends_whichever_way_it_is_searched(
            body in content(),
            start in 0usize..40,
        ) {
            let start = start.min(body.len());
            let mut specials = vec![0u64; body.len().div_ceil(64)];
            for (i, &byte) in body.iter().enumerate() {
                if byte == b'"' || byte == b'\\' {
                    specials[i / 64] |= 1 << (i % 64);
                }
            }
            prop_assert_eq!(
                plain_string_end(&body, &specials, start),
                string_end(&body, start)
            );
        }
    }
}
