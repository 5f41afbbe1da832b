//! `DeliveryView::parse` against an oracle: the same paths read from a
//! `serde_json::Value` of the same body.

// Everything sits in `mod view` so that `cargo test -p calltap-protocol view`
// selects these tests by name.
mod view {
    use std::borrow::Cow;
    use std::sync::LazyLock;

    use calltap_protocol::error::json_type_name;
    use calltap_protocol::raw::repeated_spans;
    use calltap_protocol::timestamp::{iso_to_epoch_ms, number_to_epoch_ms};
    use calltap_protocol::view::DeliveryView;
    use calltap_protocol::ParseError;
    use proptest::prelude::*;
    use proptest::sample::Index;
    use serde_json::{Map, Value};

    static DELIVERIES: LazyLock<Vec<(String, Vec<u8>)>> =
        LazyLock::new(calltap_protocol::fixtures::all_deliveries);

    // ---- the oracle ----------------------------------------------------

    fn invalid(path: &str) -> ParseError {
        ParseError::InvalidField {
            path: path.to_owned(),
            reason: String::new(),
        }
    }

    fn string(value: Option<&Value>, path: &str) -> Result<Option<Cow<'static, str>>, ParseError> {
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(Cow::Owned(s.clone()))),
            Some(_) => Err(invalid(path)),
        }
    }

    fn sub_string(
        message: &Map<String, Value>,
        object: &str,
        field: &str,
    ) -> Result<Option<Cow<'static, str>>, ParseError> {
        let object_path = format!("/message/{object}");
        match message.get(object) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(map)) => string(map.get(field), &format!("{object_path}/{field}")),
            Some(_) => Err(invalid(&object_path)),
        }
    }

    /// What the view must give for a body that parses as `value`, written
    /// from the spec of `DeliveryView::parse` with `Value` accessors.
    /// `InvalidField` reasons are left empty: [`same`] compares paths only.
    fn oracle(value: &Value) -> Result<DeliveryView<'static>, ParseError> {
        let root = value.as_object().ok_or(ParseError::NotAnObject {
            found: json_type_name(value),
        })?;
        let message = root.get("message").ok_or(ParseError::MissingMessage)?;
        let message = message.as_object().ok_or_else(|| invalid("/message"))?;
        let message_type = match message.get("type") {
            None => return Err(ParseError::MissingType),
            Some(Value::String(s)) => Cow::Owned(s.clone()),
            Some(_) => return Err(invalid("/message/type")),
        };
        let call_id = sub_string(message, "call", "id")?;
        let timestamp_ms = match message.get("timestamp") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => Some(number_to_epoch_ms(n)),
            Some(Value::String(s)) => {
                Some(iso_to_epoch_ms(s).map_err(|_| invalid("/message/timestamp"))?)
            }
            Some(_) => return Err(invalid("/message/timestamp")),
        };
        let status = string(message.get("status"), "/message/status")?;
        let role = string(message.get("role"), "/message/role")?;
        let turn = match message.get("turn") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => {
                let from_int = n.as_u64().and_then(|u| u32::try_from(u).ok());
                let from_float = n
                    .as_f64()
                    .filter(|f| {
                        n.is_f64() && f.fract() == 0.0 && *f >= 0.0 && *f <= 4_294_967_295.0
                    })
                    .map(|f| f as u32);
                Some(
                    from_int
                        .or(from_float)
                        .ok_or_else(|| invalid("/message/turn"))?,
                )
            }
            Some(_) => return Err(invalid("/message/turn")),
        };
        let ended_reason = string(message.get("endedReason"), "/message/endedReason")?;
        let destination_type = sub_string(message, "destination", "type")?;
        let server_timeout_seconds = message
            .get("assistant")
            .and_then(|a| a.get("server"))
            .and_then(|s| s.get("timeoutSeconds"))
            .and_then(Value::as_f64);
        Ok(DeliveryView {
            message_type,
            call_id,
            timestamp_ms,
            status,
            role,
            turn,
            ended_reason,
            destination_type,
            server_timeout_seconds,
        })
    }

    /// Views must be equal; errors must be the same variant with the same
    /// path (or offset).
    fn same(
        actual: &Result<DeliveryView<'_>, ParseError>,
        expected: &Result<DeliveryView<'_>, ParseError>,
    ) -> bool {
        fn shape(err: &ParseError) -> ParseError {
            match err {
                ParseError::InvalidField { path, .. } => invalid(path),
                ParseError::Syntax { offset, .. } => ParseError::Syntax {
                    offset: *offset,
                    reason: String::new(),
                },
                ParseError::Truncated { offset, .. } => ParseError::Truncated {
                    offset: *offset,
                    reason: String::new(),
                },
                other => other.clone(),
            }
        }
        match (actual, expected) {
            (Ok(a), Ok(e)) => a == e,
            (Err(a), Err(e)) => shape(a) == shape(e),
            _ => false,
        }
    }

    /// Checks the view of any body against the oracle: for JSON, the fields
    /// (or the shape error) read from its `Value`; for anything else, the
    /// error `serde_json` gives, with the same offset.
    fn check_against_oracle(body: &[u8]) -> Result<(), TestCaseError> {
        check_one_pass(body)?;
        let view = DeliveryView::parse(body);
        match serde_json::from_slice::<Value>(body) {
            Ok(value) => {
                let expected = oracle(&value);
                prop_assert!(same(&view, &expected), "view {view:?}\noracle {expected:?}");
            }
            Err(json_err) => {
                let expected = match ParseError::from_json_error(body, &json_err) {
                    // Truncation is reported at the end of the body.
                    ParseError::Truncated { reason, .. } => ParseError::Truncated {
                        offset: body.len(),
                        reason,
                    },
                    other => other,
                };
                match &view {
                    Err(
                        ParseError::Empty
                        | ParseError::Syntax { .. }
                        | ParseError::Truncated { .. },
                    ) => {
                        prop_assert_eq!(view, Err(expected));
                    }
                    // Skipped subtrees are scanned, not built: these are the
                    // limits that only building a `Value` enforces.
                    _ => prop_assert!(
                        [
                            "number out of range",
                            "lone leading surrogate",
                            "recursion limit"
                        ]
                        .iter()
                        .any(|lenient| json_err.to_string().contains(lenient)),
                        "view {view:?} but serde_json: {json_err}"
                    ),
                }
            }
        }
        Ok(())
    }

    /// The one pass, wherever it vouches for a body, gives exactly what
    /// the view and the span finder give apart.
    fn check_one_pass(body: &[u8]) -> Result<(), TestCaseError> {
        for (max_depth, min_len) in [(128, 0), (128, 128), (4, 16)] {
            if let Some((view, spans)) = DeliveryView::parse_with_spans(body, max_depth, min_len) {
                prop_assert_eq!(Ok(view), DeliveryView::parse(body));
                prop_assert_eq!(Some(spans), repeated_spans(body, max_depth, min_len));
            }
        }
        Ok(())
    }

    fn parse_err(body: &str) -> ParseError {
        DeliveryView::parse(body.as_bytes()).expect_err("input is deliberately bad")
    }

    fn invalid_path(body: &str) -> String {
        match parse_err(body) {
            ParseError::InvalidField { path, .. } => path,
            other => panic!("{body}: expected InvalidField, got {other:?}"),
        }
    }

    // ---- fixtures ------------------------------------------------------

    #[test]
    fn every_fixture_delivery_gives_the_view_the_value_oracle_gives() {
        assert!(
            DELIVERIES.len() >= 644,
            "only {} fixtures",
            DELIVERIES.len()
        );
        for (name, body) in DELIVERIES.iter() {
            let view = DeliveryView::parse(body);
            let value: Value = serde_json::from_slice(body).expect("fixtures are JSON");
            let expected = oracle(&value);
            assert!(expected.is_ok(), "{name}: oracle {expected:?}");
            assert!(
                same(&view, &expected),
                "{name}: view {view:?}\noracle {expected:?}"
            );
        }
    }

    #[test]
    fn every_fixture_delivery_is_read_in_one_pass_as_the_view_and_the_span_finder_read_it() {
        for (name, body) in DELIVERIES.iter() {
            for (max_depth, min_len) in [(128, 0), (128, 128)] {
                let (view, spans) = DeliveryView::parse_with_spans(body, max_depth, min_len)
                    .unwrap_or_else(|| panic!("{name}: not vouched for"));
                assert_eq!(Ok(view), DeliveryView::parse(body), "{name}");
                assert_eq!(
                    Some(spans),
                    repeated_spans(body, max_depth, min_len),
                    "{name}"
                );
            }
        }
    }

    #[test]
    fn the_one_pass_leaves_to_the_two_passes_what_it_cannot_vouch_for() {
        for body in [
            // Not JSON deep inside a skipped subtree, or a control character.
            &br#"{"message":{"type":"t","artifact":{"x":tru}}}"#[..],
            b"{\"message\":{\"type\":\"t\",\"x\":\"a\x01b\"}}",
            br#"{"message":{"type":"t","x":"\q"}}"#,
            br#"{"message":{"type":"t","x":01}}"#,
            br#"{"message":{"type":"t","x":[1,]}}"#,
            // A key it reads, spelled with an escape.
            br#"{"message":{"typ\u0065":"t"}}"#,
            // Too deep for the limit; a field the view reports.
            br#"{"message":{"type":"t","x":[[[[[1]]]]]}}"#,
            br#"{"message":{"type":7}}"#,
            br#"{"message":{"type":"t","timestamp":1e999}}"#,
            b"[1]",
            b"{\"message\":{\"type\":\"t\"}} x",
            b"{\"message\":{\"type\":\"\xff\"}}",
        ] {
            let text = String::from_utf8_lossy(body);
            assert!(
                DeliveryView::parse_with_spans(body, 5, 0).is_none(),
                "{text}"
            );
        }
        // Escapes elsewhere, repeated keys, odd types where the view allows them.
        for body in [
            &br#"{"message":{"type":"a\"b\u00e9","x":"\ud800","call":{"id":"c","id":"d"},"call":{"x":1}}}"#[..],
            br#" {"message":null,"message":{"type":"t","destination":null,"assistant":{"server":{"timeoutSeconds":2},"server":3}}} "#,
        ] {
            let (view, spans) =
                DeliveryView::parse_with_spans(body, 5, 0).expect("vouched for");
            assert_eq!(Ok(view), DeliveryView::parse(body));
            assert_eq!(Some(spans), repeated_spans(body, 5, 0));
        }
    }

    #[test]
    fn every_fixture_delivery_carries_a_call_id_and_a_timestamp() {
        for (name, body) in DELIVERIES.iter() {
            let view = DeliveryView::parse(body).expect("fixtures parse");
            assert!(view.call_id.is_some(), "{name}");
            assert!(
                view.timestamp_ms.is_some_and(|ms| ms > 1_700_000_000_000),
                "{name}"
            );
        }
    }

    #[test]
    fn speech_updates_in_the_fixtures_have_a_role_a_status_and_a_turn() {
        let speech: Vec<_> = DELIVERIES
            .iter()
            .filter_map(|(_, body)| DeliveryView::parse(body).ok())
            .filter(|view| view.message_type == "speech-update")
            .collect();
        assert!(speech.len() >= 360, "{}", speech.len());
        for view in &speech {
            assert!(
                view.role.is_some() && view.status.is_some() && view.turn.is_some(),
                "{view:?}"
            );
        }
    }

    #[test]
    fn view_fields_of_plain_strings_borrow_from_the_body() {
        for (name, body) in DELIVERIES.iter() {
            let view = DeliveryView::parse(body).expect("fixtures parse");
            assert!(matches!(view.message_type, Cow::Borrowed(_)), "{name}");
            assert!(matches!(view.call_id, Some(Cow::Borrowed(_))), "{name}");
        }
        let body = br#"{"message":{"type":"speech-update","status":"started","role":"user","endedReason":"x","destination":{"type":"sip"}}}"#;
        let view = DeliveryView::parse(body).expect("valid");
        for field in [
            &view.status,
            &view.role,
            &view.ended_reason,
            &view.destination_type,
        ] {
            assert!(matches!(field, Some(Cow::Borrowed(_))), "{field:?}");
        }
    }

    #[test]
    fn view_fields_with_json_escapes_are_unescaped_into_owned_strings() {
        let body = br#"{"message":{"type":"status\u002dupdate","status":"a\"b","call":{"id":"c\\d\n"},"role":"caf\u00e9"}}"#;
        let view = DeliveryView::parse(body).expect("valid");
        assert_eq!(view.message_type, "status-update");
        assert!(matches!(view.message_type, Cow::Owned(_)));
        assert_eq!(view.status.as_deref(), Some("a\"b"));
        assert_eq!(view.call_id.as_deref(), Some("c\\d\n"));
        assert_eq!(view.role.as_deref(), Some("café"));
    }

    #[test]
    fn escaped_keys_are_matched_by_their_unescaped_text() {
        let body = br#"{"m\u0065ssage":{"typ\u0065":"x","c\u0061ll":{"\u0069d":"c"}}}"#;
        let view = DeliveryView::parse(body).expect("valid");
        assert_eq!(view.message_type, "x");
        assert_eq!(view.call_id.as_deref(), Some("c"));
    }

    // ---- timestamps and turns ------------------------------------------

    fn timestamp_of(json: &str) -> Result<Option<i64>, ParseError> {
        let body = format!(r#"{{"message":{{"type":"x","timestamp":{json}}}}}"#);
        DeliveryView::parse(body.as_bytes()).map(|view| view.timestamp_ms)
    }

    #[test]
    fn view_timestamps_accept_iso_strings_with_z_an_offset_or_no_zone() {
        for iso in [
            r#""2025-06-19T06:27:05.773Z""#,
            r#""2025-06-19T08:27:05.773+02:00""#,
            r#""2025-06-19T06:27:05.773""#,
        ] {
            assert_eq!(timestamp_of(iso), Ok(Some(1_750_314_425_773)), "{iso}");
        }
    }

    #[test]
    fn view_timestamps_floor_fractional_milliseconds() {
        assert_eq!(timestamp_of("1750314425773"), Ok(Some(1_750_314_425_773)));
        assert_eq!(timestamp_of("1750314425773.9"), Ok(Some(1_750_314_425_773)));
        assert_eq!(timestamp_of("-1.5"), Ok(Some(-2)));
        assert_eq!(timestamp_of("null"), Ok(None));
    }

    #[test]
    fn a_view_timestamp_that_is_not_a_date_names_the_field_and_the_value() {
        let err = timestamp_of(r#""yesterday""#).expect_err("not a date");
        let ParseError::InvalidField { path, reason } = err else {
            panic!("{err:?}");
        };
        assert_eq!(path, "/message/timestamp");
        assert!(reason.contains("yesterday"), "{reason}");
        assert_eq!(
            timestamp_of("true").map_err(|e| e.kind()),
            Err("invalid_field")
        );
    }

    fn turn_of(json: &str) -> Result<Option<u32>, ParseError> {
        let body = format!(r#"{{"message":{{"type":"speech-update","turn":{json}}}}}"#);
        DeliveryView::parse(body.as_bytes()).map(|view| view.turn)
    }

    #[test]
    fn a_view_turn_must_be_a_non_negative_integer_that_fits_32_bits() {
        assert_eq!(turn_of("0"), Ok(Some(0)));
        assert_eq!(turn_of("4294967295"), Ok(Some(u32::MAX)));
        assert_eq!(turn_of("3.0"), Ok(Some(3)), "JSON has no integer type");
        for bad in ["-1", "1.5", "4294967296", r#""one""#, "[1]", "true"] {
            let err = turn_of(bad).expect_err(bad);
            assert!(
                matches!(&err, ParseError::InvalidField { path, .. } if path == "/message/turn"),
                "{bad}: {err:?}"
            );
        }
    }

    // ---- bad input -----------------------------------------------------

    #[test]
    fn a_body_that_is_not_json_is_a_syntax_error_where_it_stops_being_json() {
        assert!(
            matches!(parse_err("not json"), ParseError::Syntax { offset: 1, .. }),
            "{:?}",
            parse_err("not json")
        );
        assert!(matches!(
            parse_err("<html>"),
            ParseError::Syntax { offset: 0, .. }
        ));
    }

    #[test]
    fn a_truncated_body_is_reported_truncated_at_its_end() {
        let body = r#"{"message": {"type": "status-upd"#;
        assert!(
            matches!(parse_err(body), ParseError::Truncated { offset, .. } if offset == body.len()),
            "{:?}",
            parse_err(body)
        );
        // Nothing at all is not JSON cut short but no body.
        assert_eq!(parse_err(""), ParseError::Empty);
    }

    #[test]
    fn bytes_after_the_document_are_a_syntax_error_where_they_start() {
        let body = r#"{"message":{"type":"x"}} x"#;
        assert!(
            matches!(parse_err(body), ParseError::Syntax { offset: 25, .. }),
            "{:?}",
            parse_err(body)
        );
        assert!(DeliveryView::parse(b"{\"message\":{\"type\":\"x\"}} \n").is_ok());
    }

    #[test]
    fn a_body_that_is_not_utf8_is_a_syntax_error_at_the_bad_byte() {
        // In a skipped string, which serde_json's skipping would not check.
        let body = b"{\"message\":{\"type\":\"x\",\"artifact\":\"\xc3\x28\"}}";
        assert_eq!(
            DeliveryView::parse(body).map_err(|e| e.kind()),
            Err("not_json")
        );
        let bad = body.iter().position(|b| *b == 0xc3);
        assert!(
            matches!(DeliveryView::parse(body), Err(ParseError::Syntax { offset, .. }) if Some(offset) == bad),
            "{:?}",
            DeliveryView::parse(body)
        );
    }

    #[test]
    fn a_root_that_is_not_an_object_names_its_type() {
        for (body, found) in [
            ("[]", "array"),
            (r#""x""#, "string"),
            ("3", "number"),
            ("true", "boolean"),
            ("null", "null"),
            (r#"[{"message":{"type":"x"}}]"#, "array"),
        ] {
            assert_eq!(parse_err(body), ParseError::NotAnObject { found }, "{body}");
        }
    }

    #[test]
    fn a_body_without_message_or_without_type_gets_its_own_variant() {
        assert_eq!(parse_err("{}"), ParseError::MissingMessage);
        assert_eq!(
            parse_err(r#"{"type":"status-update"}"#),
            ParseError::MissingMessage
        );
        assert_eq!(parse_err(r#"{"message": {}}"#), ParseError::MissingType);
        assert_eq!(
            parse_err(r#"{"message": {"call": {"id": "c"}}}"#),
            ParseError::MissingType
        );
    }

    #[test]
    fn a_read_field_of_the_wrong_json_type_is_reported_with_its_json_pointer() {
        for (body, path) in [
            (r#"{"message": 3}"#, "/message"),
            (r#"{"message": null}"#, "/message"),
            (r#"{"message": {"type": 7}}"#, "/message/type"),
            (r#"{"message": {"type": null}}"#, "/message/type"),
            (
                r#"{"message":{"type":"speech-update","turn":"one"}}"#,
                "/message/turn",
            ),
            (
                r#"{"message":{"type":"x","call":{"id":5}}}"#,
                "/message/call/id",
            ),
            (r#"{"message":{"type":"x","call":"c"}}"#, "/message/call"),
            (r#"{"message":{"type":"x","status":{}}}"#, "/message/status"),
            (r#"{"message":{"type":"x","role":[]}}"#, "/message/role"),
            (
                r#"{"message":{"type":"x","endedReason":false}}"#,
                "/message/endedReason",
            ),
            (
                r#"{"message":{"type":"x","destination":[1]}}"#,
                "/message/destination",
            ),
            (
                r#"{"message":{"type":"x","destination":{"type":1}}}"#,
                "/message/destination/type",
            ),
        ] {
            assert_eq!(invalid_path(body), path, "{body}");
        }
    }

    #[test]
    fn an_invalid_field_reason_says_what_was_expected_and_found() {
        let err = parse_err(r#"{"message":{"type":"x","call":{"id":5}}}"#);
        assert_eq!(
            err.to_string(),
            "/message/call/id: expected a string, found number"
        );
    }

    #[test]
    fn a_syntax_error_after_a_wrong_field_type_is_reported_first() {
        let body = r#"{"message":{"type":7}} trailing"#;
        assert!(
            matches!(parse_err(body), ParseError::Syntax { offset: 23, .. }),
            "{:?}",
            parse_err(body)
        );
    }

    // ---- absent, null and repeated fields -------------------------------

    #[test]
    fn a_message_without_call_or_without_call_id_has_no_call_id() {
        for body in [
            r#"{"message":{"type":"assistant-request"}}"#,
            r#"{"message":{"type":"x","call":null}}"#,
            r#"{"message":{"type":"x","call":{"orgId":"o"}}}"#,
            r#"{"message":{"type":"x","call":{"id":null}}}"#,
        ] {
            let view = DeliveryView::parse(body.as_bytes()).expect(body);
            assert_eq!(view.call_id, None, "{body}");
        }
    }

    #[test]
    fn a_repeated_key_takes_its_last_value_as_serde_json_value_does() {
        let body = r#"{"message":{"type":7,"type":"b","call":{"id":"c1","id":"c2"},"call":{"orgId":"o"}},"x":1}"#;
        let view = DeliveryView::parse(body.as_bytes()).expect("last values are valid");
        assert_eq!(view.message_type, "b");
        assert_eq!(view.call_id, None, "the last `call` has no id");
        let value: Value = serde_json::from_str(body).expect("JSON");
        assert!(same(&Ok(view), &oracle(&value)));

        let body = r#"{"message":{"type":"a"},"message":{"call":{"id":"c"}}}"#;
        assert_eq!(
            parse_err(body),
            ParseError::MissingType,
            "the last `message` has no type"
        );
    }

    #[test]
    fn unread_subtrees_are_skipped_whatever_their_type() {
        let body = r#"{"a":[1,{"b":[null,true,-2.5e3,"\u00e9"]}],"message":{"artifact":{"messages":[{"role":"user"}]},"type":"x","turn":null,"z":{}}}"#;
        let view = DeliveryView::parse(body.as_bytes()).expect("valid");
        assert_eq!(view.message_type, "x");
        assert_eq!(view.role, None, "a nested role is not message.role");
        assert_eq!(view.turn, None);
    }

    // ---- properties ----------------------------------------------------

    #[derive(Debug, Clone)]
    enum Mutation {
        Insert(Index, u8),
        Delete(Index),
        Flip(Index, u8),
        Truncate(Index),
    }

    fn mutation() -> impl Strategy<Value = Mutation> {
        prop_oneof![
            (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
            any::<Index>().prop_map(Mutation::Delete),
            (any::<Index>(), 0u8..8).prop_map(|(i, bit)| Mutation::Flip(i, bit)),
            any::<Index>().prop_map(Mutation::Truncate),
        ]
    }

    fn mutate(mut body: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
        for m in mutations {
            let len = body.len();
            match m {
                Mutation::Insert(i, b) => body.insert(i.index(len + 1), *b),
                Mutation::Delete(i) if len > 0 => {
                    body.remove(i.index(len));
                }
                Mutation::Flip(i, bit) if len > 0 => body[i.index(len)] ^= 1 << bit,
                Mutation::Truncate(i) => body.truncate(i.index(len + 1)),
                Mutation::Delete(_) | Mutation::Flip(..) => {}
            }
        }
        body
    }

    fn leaf() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("null".to_owned()),
            Just("true".to_owned()),
            any::<i64>().prop_map(|n| n.to_string()),
            (0u64..10).prop_map(|n| n.to_string()),
            Just("4294967296".to_owned()),
            Just("3.0".to_owned()),
            Just("1750314425773.5".to_owned()),
            Just("-0.0".to_owned()),
            Just(r#""2025-06-19T06:27:05.773Z""#.to_owned()),
            Just(r#""2025-06-19T06:27:05""#.to_owned()),
            Just(r#""status\u002dupdate""#.to_owned()),
            "[a-z-]{0,12}".prop_map(|s| format!("\"{s}\"")),
        ]
    }

    /// A JSON object written by hand, so that keys can repeat.
    fn object(entries: Vec<(&str, String)>) -> String {
        let entries: Vec<_> = entries
            .iter()
            .map(|(k, v)| format!("\"{k}\":{v}"))
            .collect();
        format!("{{{}}}", entries.join(","))
    }

    /// What may sit at a key of `message`: a leaf, an array, or an object with
    /// the keys of `call` and `destination`.
    fn field_value() -> impl Strategy<Value = String> {
        let key = prop::sample::select(vec!["id", "type", "x"]);
        prop_oneof![
            4 => leaf(),
            1 => prop::collection::vec(leaf(), 0..3).prop_map(|items| format!("[{}]", items.join(","))),
            3 => prop::collection::vec((key, leaf()), 0..4).prop_map(object),
        ]
    }

    /// A `message` object with the keys the view reads, repeated at times,
    /// and a plausible `type` first in most cases so that later fields matter.
    fn message() -> impl Strategy<Value = String> {
        let key = prop::sample::select(vec![
            "type",
            "call",
            "timestamp",
            "status",
            "role",
            "turn",
            "endedReason",
            "destination",
            "artifact",
        ]);
        (
            prop::option::weighted(0.8, "[a-z-]{1,16}"),
            prop::collection::vec((key, field_value()), 0..8),
        )
            .prop_map(|(message_type, mut entries)| {
                if let Some(t) = message_type {
                    entries.insert(0, ("type", format!("\"{t}\"")));
                }
                object(entries)
            })
    }

    /// Any JSON, with the keys the view reads, for the root and odd places.
    fn any_json() -> impl Strategy<Value = String> {
        let key = prop::sample::select(vec!["message", "type", "call", "id", "turn", "x"]);
        leaf().prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4)
                    .prop_map(|items| format!("[{}]", items.join(","))),
                prop::collection::vec((key.clone(), inner), 0..6).prop_map(object),
            ]
        })
    }

    fn envelope() -> impl Strategy<Value = String> {
        prop_oneof![
            8 => message().prop_map(|m| object(vec![("message", m)])),
            1 => (message(), message()).prop_map(|(a, b)| object(vec![("message", a), ("message", b)])),
            1 => any_json(),
            1 => any_json().prop_map(|m| object(vec![("message", m)])),
        ]
    }

    proptest! {
        #[test]
        fn view_of_random_bytes_never_panics_and_agrees_with_the_oracle(
            body in prop::collection::vec(any::<u8>(), 0..256)
        ) {
            check_against_oracle(&body)?;
        }

        #[test]
        fn view_of_mutated_fixture_deliveries_never_panics_and_agrees_with_the_oracle(
            which in any::<Index>(),
            mutations in prop::collection::vec(mutation(), 1..5),
        ) {
            let (_, body) = which.get(&DELIVERIES);
            check_against_oracle(&mutate(body.clone(), &mutations))?;
        }

        #[test]
        fn view_of_a_fixture_delivery_cut_short_is_truncated_at_the_cut(
            which in any::<Index>(),
            cut in any::<Index>(),
        ) {
            let (_, body) = which.get(&DELIVERIES);
            // At least one byte kept: nothing at all is `Empty`, not cut short
            // (`an_empty_body_is_empty_not_truncated` below).
            let cut = 1 + cut.index(body.len() - 1);
            let err = DeliveryView::parse(&body[..cut]);
            prop_assert!(
                matches!(err, Err(ParseError::Truncated { offset, .. }) if offset == cut),
                "cut at {cut}: {err:?}"
            );
        }
    }

    #[test]
    fn an_empty_body_is_empty_not_truncated() {
        assert!(matches!(DeliveryView::parse(b""), Err(ParseError::Empty)));
    }

    proptest! {
        // Small inputs, and the one property that reaches every shape error.
        #![proptest_config(ProptestConfig::with_cases(2048))]

        #[test]
        fn view_of_generated_envelopes_agrees_with_the_oracle(body in envelope()) {
            check_against_oracle(body.as_bytes())?;
        }
    }
}
