//! Where the parts of a delivery that repeat across a call's deliveries
//! lie: the raw byte spans of the values of `message.call`,
//! `message.assistant`, `message.customer`, `message.phoneNumber`,
//! `message.squad`, `message.workflow`, and of each entry of the history
//! arrays `message.messages`, `message.messagesOpenAIFormatted`,
//! `message.conversation`, `message.artifact.messages` and
//! `message.artifact.messagesOpenAIFormatted`.
//!
//! Every Vapi message repeats the `call`, `assistant`, `customer` and
//! `phoneNumber` objects, and each `conversation-update` repeats the whole
//! history so far, so most of a body's bytes were in an earlier delivery of
//! its call. The spans say only where to look for repeats, never what the
//! JSON means: a body the scanner cannot follow has no spans.

use std::ops::Range;

use super::depth::{close_of, skip_string};

/// `message.*` values that repeat whole across a call's deliveries.
pub(crate) const WHOLE: [&[u8]; 6] = [
    b"call",
    b"assistant",
    b"customer",
    b"phoneNumber",
    b"squad",
    b"workflow",
];

/// `message.*` history arrays, whose entries repeat across a call's
/// deliveries (`conversation` is the undocumented history field of real
/// deliveries).
pub(crate) const HISTORIES: [&[u8]; 3] = [b"messages", b"messagesOpenAIFormatted", b"conversation"];

/// `message.artifact.*` history arrays.
pub(crate) const ARTIFACT_HISTORIES: [&[u8]; 2] = [b"messages", b"messagesOpenAIFormatted"];

/// The spans of the parts of `body` that repeat across a call's deliveries
/// (see the module docs), each at least `min_len` bytes long (shorter ones
/// are not worth looking up), in body order; or `None` when the scanner
/// cannot follow `body` to its end (it is not the JSON object of a
/// delivery) or it nests deeper than `max_depth`.
///
/// `Some` also says that no `[` or `{` outside a string nests deeper than
/// `max_depth`, as [`check_depth`](super::check_depth) counts them, so a
/// caller that has the spans need not check the depth again.
pub fn repeated_spans(body: &[u8], max_depth: usize, min_len: usize) -> Option<Vec<Range<usize>>> {
    let mut scanner = Scanner::new(body, max_depth, min_len);
    scanner.object(Scanner::root_member)?;
    scanner.skip_ws();
    (scanner.at == body.len()).then_some(scanner.spans)
}

/// Replaces the value of `message.artifact` in `body` (an envelope,
/// `{"message": {...}}`) with `null`, when it has one the scanner can
/// follow to; returns whether it did.
///
/// For a reader that does not use the artifact: the live artifact that
/// status, speech, conversation and transfer updates carry is most of
/// their bytes, and skipping it before the parse saves parsing it.
pub fn blank_artifact(body: &mut Vec<u8>) -> bool {
    match message_value_span(body, b"artifact") {
        Some(span) => {
            body.splice(span, *b"null");
            true
        }
        None => false,
    }
}

/// The byte span of the value of `message.<key>` in a body (the first, if
/// the key repeats), or `None` when it has none or is not the JSON object
/// the scanner follows. Keys are compared as written: an escaped spelling
/// of `key` is not found.
fn message_value_span(body: &[u8], key: &[u8]) -> Option<Range<usize>> {
    let mut scanner = Scanner::new(body, usize::MAX, usize::MAX);
    scanner.open(b'{')?;
    while scanner.peek()? != b'}' {
        let name = scanner.string()?;
        scanner.expect(b':')?;
        if name == b"message" && scanner.peek()? == b'{' {
            scanner.open(b'{')?;
            while scanner.peek()? != b'}' {
                let name = scanner.string()?;
                scanner.expect(b':')?;
                let span = scanner.value()?;
                if name == key {
                    return Some(span);
                }
                scanner.member_separator()?;
            }
            return None;
        }
        scanner.value()?;
        scanner.member_separator()?;
    }
    None
}

/// A forward-only scanner that follows strings and brackets to find value
/// boundaries and the nesting depth, and checks little else (the parser
/// validates the JSON). Any surprise stops it (`None`).
struct Scanner<'a> {
    bytes: &'a [u8],
    at: usize,
    /// Open `[` and `{` around `at`.
    depth: usize,
    max_depth: usize,
    /// Spans shorter than this are not kept.
    min_len: usize,
    spans: Vec<Range<usize>>,
}

impl<'a> Scanner<'a> {
    fn new(bytes: &'a [u8], max_depth: usize, min_len: usize) -> Scanner<'a> {
        Scanner {
            bytes,
            at: 0,
            depth: 0,
            max_depth,
            min_len,
            spans: Vec::new(),
        }
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.bytes.get(self.at).copied()
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// At `"`: skips the string, returns its content (escapes untouched).
    fn string(&mut self) -> Option<&'a [u8]> {
        let bytes = self.bytes;
        self.expect(b'"')?;
        let start = self.at;
        self.at = skip_string(bytes, start)?;
        Some(&bytes[start..self.at - 1])
    }

    /// At `{` or `[`: one level deeper, within the limit.
    fn open(&mut self, byte: u8) -> Option<()> {
        self.expect(byte)?;
        self.depth += 1;
        (self.depth <= self.max_depth).then_some(())
    }

    fn close(&mut self) {
        self.at += 1;
        self.depth -= 1;
    }

    /// After an object member: past its `,`, or at the closing `}`.
    fn member_separator(&mut self) -> Option<()> {
        match self.peek()? {
            b',' => {
                self.at += 1;
                Some(())
            }
            b'}' => Some(()),
            _ => None,
        }
    }

    /// Skips one value of any kind, returns its span.
    fn value(&mut self) -> Option<Range<usize>> {
        let start = match self.peek()? {
            b'"' => {
                let start = self.at;
                self.string()?;
                start
            }
            b'{' | b'[' => self.container()?,
            _ => {
                let start = self.at;
                while let Some(&byte) = self.bytes.get(self.at) {
                    if matches!(
                        byte,
                        b',' | b']' | b'}' | b'[' | b'{' | b'"' | b' ' | b'\n' | b'\r' | b'\t'
                    ) {
                        break;
                    }
                    self.at += 1;
                }
                (self.at > start).then_some(start)?
            }
        };
        Some(start..self.at)
    }

    /// At `{` or `[`: skips to the matching bracket, returns the start.
    fn container(&mut self) -> Option<usize> {
        let start = self.at;
        self.at = close_of(self.bytes, start, self.depth, self.depth, self.max_depth).ok()??;
        Some(start)
    }

    /// At `{`: calls `member` with each key; it must consume the value.
    fn object(&mut self, member: fn(&mut Self, &[u8]) -> Option<()>) -> Option<()> {
        self.open(b'{')?;
        if self.peek()? == b'}' {
            self.close();
            return Some(());
        }
        loop {
            let key = self.string()?;
            self.expect(b':')?;
            member(self, key)?;
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.close();
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// At `[`: each element is a repeated part.
    fn history(&mut self) -> Option<()> {
        self.open(b'[')?;
        if self.peek()? == b']' {
            self.close();
            return Some(());
        }
        loop {
            self.part()?;
            match self.peek()? {
                b',' => self.at += 1,
                b']' => {
                    self.close();
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// One value, a repeated part: kept if it is long enough.
    fn part(&mut self) -> Option<()> {
        let range = self.value()?;
        if range.len() >= self.min_len {
            self.spans.push(range);
        }
        Some(())
    }

    fn root_member(&mut self, key: &[u8]) -> Option<()> {
        if key == b"message" && self.peek()? == b'{' {
            self.object(Scanner::message_member)
        } else {
            self.value().map(drop)
        }
    }

    fn message_member(&mut self, key: &[u8]) -> Option<()> {
        let next = self.peek()?;
        if WHOLE.contains(&key) {
            self.part()
        } else if next == b'[' && HISTORIES.contains(&key) {
            self.history()
        } else if next == b'{' && key == b"artifact" {
            self.object(Scanner::artifact_member)
        } else {
            self.value().map(drop)
        }
    }

    fn artifact_member(&mut self, key: &[u8]) -> Option<()> {
        if self.peek()? == b'[' && ARTIFACT_HISTORIES.contains(&key) {
            self.history()
        } else {
            self.value().map(drop)
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::{Map, Value};

    use super::*;
    use crate::raw::check_depth;

    /// The spans with no minimum length and no depth limit.
    fn all_spans(body: &[u8]) -> Option<Vec<Range<usize>>> {
        repeated_spans(body, usize::MAX, 0)
    }

    fn texts<'a>(body: &'a [u8], spans: &[Range<usize>]) -> Vec<&'a str> {
        spans
            .iter()
            .map(|span| std::str::from_utf8(&body[span.clone()]).expect("UTF-8"))
            .collect()
    }

    #[test]
    fn the_call_parts_and_each_history_entry_are_found_and_nothing_else() {
        let body = br#"{"x":{"call":1},"message":{"type":"conversation-update","call":{"id":"c"},
            "assistant":{"name":"a"},"customer":{"number":"+1"},"phoneNumber":{"id":"p"},
            "squad":{"s":1},"workflow":{"w":1},"other":{"call":2},
            "messages":[{"role":"bot"}, "short"],"messagesOpenAIFormatted":[{"role":"user"}],
            "conversation":[{"content":"c"}],
            "artifact":{"messages":[{"m":1}],"messagesOpenAIFormatted":[{"m":2}],"call":{"not":"this"}}}}"#;
        let spans = all_spans(body).expect("followed");
        assert_eq!(
            texts(body, &spans),
            [
                r#"{"id":"c"}"#,
                r#"{"name":"a"}"#,
                r#"{"number":"+1"}"#,
                r#"{"id":"p"}"#,
                r#"{"s":1}"#,
                r#"{"w":1}"#,
                r#"{"role":"bot"}"#,
                r#""short""#,
                r#"{"role":"user"}"#,
                r#"{"content":"c"}"#,
                r#"{"m":1}"#,
                r#"{"m":2}"#,
            ]
        );
        // `{"role":"bot"}` is 14 bytes: one short of the minimum.
        let long = repeated_spans(body, usize::MAX, 15).expect("followed");
        assert_eq!(
            texts(body, &long),
            [
                r#"{"number":"+1"}"#,
                r#"{"role":"user"}"#,
                r#"{"content":"c"}"#
            ]
        );
    }

    #[test]
    fn bodies_the_scanner_cannot_follow_have_no_spans() {
        for body in [
            &b""[..],
            b"[1,2]",
            b"{\"message\":{\"call\":",
            b"{\"message\":{\"call\":\"unterminated",
            b"\xff\xfe{}",
            b"{\"message\":{\"call\":{}}} trailing",
            b"{\"message\":{\"messages\":[1 2]}}",
            b"{\"message\":{\"call\":1,,\"x\":2}}",
        ] {
            assert_eq!(all_spans(body), None, "{body:?}");
        }
        assert_eq!(all_spans(b" { } "), Some(Vec::new()));
    }

    // The corpus is the repository's, outside the published package.
    #[cfg(feature = "fixtures")]
    #[test]
    fn the_corpus_is_followed_within_the_default_depth_and_refused_beyond_a_small_one() {
        for body in crate::fixtures::sample_deliveries() {
            let spans = repeated_spans(&body, 128, 128).expect("followed");
            assert!(!spans.is_empty());
            for span in &spans {
                serde_json::from_slice::<Value>(&body[span.clone()]).expect("a span is JSON");
            }
            assert_eq!(repeated_spans(&body, 3, 128), None);
        }
    }

    #[test]
    fn the_span_of_a_message_member_is_found_and_nothing_else_is() {
        let body = br#"{"other":{"artifact":1}, "message" : {"type":"x","artifact" : {"a":[1,"}"]} ,"b":2}}"#;
        let span = message_value_span(body, b"artifact").expect("found");
        assert_eq!(&body[span], br#"{"a":[1,"}"]}"#);
        assert_eq!(&body[message_value_span(body, b"b").expect("found")], b"2");
        assert_eq!(message_value_span(body, b"missing"), None);
        for bad in [
            &br#"{"message":{"artifact":"#[..],
            br#"{"message":{"b":2,,"artifact":1}}"#,
            br#"["message"]"#,
            br#"{"message":{"artif\u0061ct":1}}"#,
            b"",
        ] {
            assert_eq!(message_value_span(bad, b"artifact"), None, "{bad:?}");
        }
        // A later `message` key is not looked into, as serde would reject
        // the duplicate anyway.
        assert_eq!(
            message_value_span(br#"{"message":{},"message":{"artifact":1}}"#, b"artifact"),
            None
        );
    }

    #[test]
    fn blanking_the_artifact_leaves_every_other_byte_as_it_was() {
        let mut body = br#"{"message":{"type":"speech-update", "artifact" : {"messages":[{"a":"]"}]} ,"turn":2}}"#.to_vec();
        assert!(blank_artifact(&mut body));
        assert_eq!(
            body,
            br#"{"message":{"type":"speech-update", "artifact" : null ,"turn":2}}"#
        );
        let mut without = br#"{"message":{"type":"speech-update"}}"#.to_vec();
        assert!(!blank_artifact(&mut without));
        assert_eq!(without, br#"{"message":{"type":"speech-update"}}"#);
    }

    /// The values a body's spans must hold, in order, read from its parse.
    fn expected_parts(root: &Map<String, Value>) -> Vec<Value> {
        let mut parts = Vec::new();
        let Some(Value::Object(message)) = root.get("message") else {
            return parts;
        };
        let entries = |value: &Value, parts: &mut Vec<Value>| {
            if let Value::Array(entries) = value {
                parts.extend(entries.iter().cloned());
            }
        };
        for (key, value) in message {
            if WHOLE.contains(&key.as_bytes()) {
                parts.push(value.clone());
            } else if HISTORIES.contains(&key.as_bytes()) {
                entries(value, &mut parts);
            } else if let ("artifact", Value::Object(artifact)) = (key.as_str(), value) {
                for (key, value) in artifact {
                    if ARTIFACT_HISTORIES.contains(&key.as_bytes()) {
                        entries(value, &mut parts);
                    }
                }
            }
        }
        parts
    }

    /// Keys that mostly hit the ones the scanner looks for.
    fn key() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("message".to_owned()),
            Just("call".to_owned()),
            Just("assistant".to_owned()),
            Just("phoneNumber".to_owned()),
            Just("messages".to_owned()),
            Just("messagesOpenAIFormatted".to_owned()),
            Just("conversation".to_owned()),
            Just("artifact".to_owned()),
            "[a-z\"\\\\{}\\[\\]: ,]{0,6}",
        ]
    }

    fn json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            "[a-z\"\\\\{}\\[\\]: ,\u{e9}\u{1f600}\u{1}]{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(6, 64, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                proptest::collection::vec((key(), inner), 0..6)
                    .prop_map(|members| Value::Object(members.into_iter().collect())),
            ]
        })
    }

    fn envelope() -> impl Strategy<Value = Map<String, Value>> {
        (
            proptest::collection::vec((key(), json()), 0..4),
            proptest::collection::vec((key(), json()), 0..8),
        )
            .prop_map(|(root, message)| {
                let mut root: Map<String, Value> = root.into_iter().collect();
                root.insert(
                    "message".to_owned(),
                    Value::Object(message.into_iter().collect()),
                );
                root
            })
    }

    proptest! {
        #[test]
        fn the_spans_of_any_delivery_are_in_order_in_bounds_and_hold_its_parts(
            root in envelope(),
            pretty in any::<bool>(),
        ) {
            let body = if pretty {
                serde_json::to_vec_pretty(&root)
            } else {
                serde_json::to_vec(&root)
            }
            .expect("serialises");
            let spans = all_spans(&body).expect("any JSON object is followed");
            let mut end = 0;
            for span in &spans {
                prop_assert!(end <= span.start && span.start < span.end && span.end <= body.len());
                end = span.end;
            }
            let found: Vec<Value> = spans
                .iter()
                .map(|span| serde_json::from_slice(&body[span.clone()]).expect("a span is JSON"))
                .collect();
            prop_assert_eq!(found, expected_parts(&root));
        }

        #[test]
        fn any_delivery_is_followed_within_a_depth_exactly_when_the_depth_check_passes(
            root in envelope(),
            limit in 1usize..9,
        ) {
            let body = serde_json::to_vec(&root).expect("serialises");
            prop_assert_eq!(
                repeated_spans(&body, limit, 0).is_some(),
                check_depth(&body, limit).is_ok()
            );
        }

        #[test]
        fn a_followed_body_passes_the_depth_check_it_stood_in_for(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just(&b"{\"message\":{\"call\":"[..]),
                    Just(&b"{\"messages\":["[..]),
                    Just(&b"["[..]),
                    Just(&b"{"[..]),
                    Just(&b"]"[..]),
                    Just(&b"}"[..]),
                    Just(&b"\""[..]),
                    Just(&b"\\"[..]),
                    Just(&b":"[..]),
                    Just(&b","[..]),
                    Just(&b"1"[..]),
                    Just(&b"\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\""[..]),
                ],
                0..60,
            ),
            limit in 1usize..8,
        ) {
            let body = parts.concat();
            if repeated_spans(&body, limit, 128).is_some() {
                prop_assert_eq!(check_depth(&body, limit), Ok(()));
            }
        }

        #[test]
        fn any_bytes_are_scanned_without_a_panic_and_spans_stay_in_bounds(
            body in proptest::collection::vec(any::<u8>(), 0..300),
        ) {
            if let Some(spans) = all_spans(&body) {
                for span in spans {
                    prop_assert!(span.start < span.end && span.end <= body.len());
                }
            }
            let mut blanked = body.clone();
            blank_artifact(&mut blanked);
        }
    }
}
