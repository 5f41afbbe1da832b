//! `calltap_protocol::validate` against the fixture corpus and hand-made
//! deviations: each deviation is made on a real (or sample) delivery so that
//! the expected violation is the only one.

use calltap_protocol::fixtures;
use calltap_protocol::validate::{validate, validate_value, Mode, Violation, ViolationKind};
use calltap_protocol::ParseError;
use proptest::prelude::*;
use serde_json::{json, Value};

/// A real delivery by file name, parsed.
fn real(name: &str) -> Value {
    let (_, body) = fixtures::real_deliveries()
        .into_iter()
        .find(|(file, _)| file == name)
        .unwrap_or_else(|| panic!("no real fixture {name}"));
    serde_json::from_slice(&body).expect("real fixtures are JSON")
}

/// The real status-update `ringing`... `in-progress` delivery.
fn status_update() -> Value {
    real("json_20250619_062706_299.json")
}

/// A real speech-update.
fn speech_update() -> Value {
    real("json_20250619_062706_410.json")
}

/// The real conversation-update (its artifact holds system and bot messages).
fn conversation_update() -> Value {
    real("json_20250619_062707_085.json")
}

/// The first sample delivery of `message_type` for which `pick` holds.
fn sample(message_type: &str, pick: impl Fn(&Value) -> bool) -> Value {
    fixtures::sample_deliveries()
        .iter()
        .filter_map(|body| serde_json::from_slice::<Value>(body).ok())
        .find(|v| v["message"]["type"] == message_type && pick(v))
        .unwrap_or_else(|| panic!("no sample {message_type} delivery fits"))
}

/// A sample transfer-update (SIP destination, with a phone number).
fn transfer_update() -> Value {
    sample("transfer-update", |v| {
        v["message"]["phoneNumber"].is_object()
    })
}

/// Sets the value at a JSON pointer that must exist.
fn set(delivery: &mut Value, pointer: &str, value: Value) {
    *delivery
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("fixture has no {pointer}")) = value;
}

/// Removes the property at a JSON pointer that must exist.
fn remove(delivery: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').expect("pointer has a parent");
    delivery
        .pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .and_then(|object| object.remove(key))
        .unwrap_or_else(|| panic!("fixture has no {pointer}"));
}

/// Validates a delivery that must be a readable envelope.
fn check(delivery: &Value, mode: Mode) -> Vec<Violation> {
    validate_value(delivery, mode).expect("delivery is an envelope")
}

/// The (path, kind) pairs of a list of violations, for exact comparisons.
fn found(violations: &[Violation]) -> Vec<(&str, ViolationKind)> {
    violations
        .iter()
        .map(|v| (v.path.as_str(), v.kind))
        .collect()
}

#[test]
fn every_fixture_delivery_is_valid_in_strict_mode() {
    // Arrange
    let deliveries = fixtures::all_deliveries();
    assert_eq!(deliveries.len(), 6 + 638, "the corpus changed");

    // Act
    let failures: Vec<String> = deliveries
        .iter()
        .flat_map(|(name, body)| match validate(body, Mode::Strict) {
            Ok(violations) => violations
                .iter()
                .map(|v| format!("{name}: {v}"))
                .collect::<Vec<_>>(),
            Err(err) => vec![format!("{name}: {err}")],
        })
        .collect();

    // Assert
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_status_update_without_status_misses_a_required_field_in_both_modes() {
    // Arrange
    let mut delivery = status_update();
    remove(&mut delivery, "/message/status");

    // Act
    let strict = check(&delivery, Mode::Strict);
    let lenient = check(&delivery, Mode::Lenient);

    // Assert
    let expected = vec![("/message/status", ViolationKind::MissingRequired)];
    assert_eq!(found(&strict), expected);
    assert_eq!(found(&lenient), expected);
    assert!(strict[0].message.contains("`status`"), "{}", strict[0]);
}

#[test]
fn a_turn_given_as_a_word_is_a_wrong_type_naming_expected_and_found() {
    // Arrange
    let mut delivery = speech_update();
    set(&mut delivery, "/message/turn", json!("one"));

    // Act
    let strict = check(&delivery, Mode::Strict);
    let lenient = check(&delivery, Mode::Lenient);

    // Assert
    assert_eq!(
        found(&strict),
        vec![("/message/turn", ViolationKind::WrongType)]
    );
    assert_eq!(strict[0].message, r#"expected number, found string "one""#);
    assert_eq!(lenient, strict);
}

#[test]
fn an_unknown_call_status_is_a_violation_in_strict_mode_only() {
    // Arrange
    let mut delivery = status_update();
    set(&mut delivery, "/message/status", json!("teleporting"));

    // Act
    let strict = check(&delivery, Mode::Strict);
    let lenient = check(&delivery, Mode::Lenient);

    // Assert
    assert_eq!(
        found(&strict),
        vec![("/message/status", ViolationKind::UnknownEnumValue)]
    );
    // Both specs' values count (`not-found` is 2026-08 only); the list is cut.
    assert_eq!(
        strict[0].message,
        r#""teleporting" is not one of scheduled, queued, ringing, in-progress, forwarding, ended, ... (8 values)"#
    );
    assert!(lenient.is_empty(), "{lenient:?}");
}

#[test]
fn enum_values_of_either_spec_are_accepted() {
    // Arrange: `not-found` is new in 2026-08, `database-error` was removed in it.
    let mut newer = status_update();
    set(&mut newer, "/message/status", json!("not-found"));
    let mut older = real("json_20250619_062712_813.json");
    set(&mut older, "/message/endedReason", json!("database-error"));

    // Act
    let violations = [check(&newer, Mode::Strict), check(&older, Mode::Strict)];

    // Assert
    assert_eq!(violations, [vec![], vec![]]);
}

#[test]
fn an_unknown_message_type_is_a_violation_in_strict_mode_only() {
    // Arrange
    let delivery = json!({"message": {"type": "call.teleported", "timestamp": 1}});

    // Act
    let strict = check(&delivery, Mode::Strict);
    let lenient = check(&delivery, Mode::Lenient);

    // Assert
    assert_eq!(
        found(&strict),
        vec![("/message/type", ViolationKind::UnknownMessageType)]
    );
    assert!(
        strict[0].message.starts_with(r#""call.teleported" is not"#),
        "{}",
        strict[0]
    );
    assert!(lenient.is_empty(), "{lenient:?}");
}

#[test]
fn known_message_types_calltap_does_not_type_only_need_a_known_type() {
    // Arrange: `tool-calls` is in both specs, `call.deleted` only in 2026-08.
    let deliveries = [
        json!({"message": {"type": "tool-calls", "toolCallList": "not even a list"}}),
        json!({"message": {"type": "call.deleted"}}),
    ];

    // Act
    let violations: Vec<_> = deliveries.iter().map(|d| check(d, Mode::Strict)).collect();

    // Assert
    assert_eq!(violations, [vec![], vec![]]);
}

#[test]
fn a_destination_of_unknown_type_is_an_unknown_union_member_in_strict_mode_only() {
    // Arrange
    let mut delivery = transfer_update();
    set(
        &mut delivery,
        "/message/destination/type",
        json!("carrier-pigeon"),
    );

    // Act
    let strict = check(&delivery, Mode::Strict);
    let lenient = check(&delivery, Mode::Lenient);

    // Assert
    assert_eq!(
        found(&strict),
        vec![(
            "/message/destination/type",
            ViolationKind::UnknownUnionMember
        )]
    );
    assert!(
        strict[0].message.contains("assistant, number, sip"),
        "{}",
        strict[0]
    );
    assert!(lenient.is_empty(), "{lenient:?}");
}

#[test]
fn a_phone_number_of_unknown_provider_is_an_unknown_union_member() {
    // Arrange
    let mut delivery = transfer_update();
    set(
        &mut delivery,
        "/message/phoneNumber/provider",
        json!("tin-can"),
    );

    // Act
    let strict = check(&delivery, Mode::Strict);

    // Assert
    assert_eq!(
        found(&strict),
        vec![(
            "/message/phoneNumber/provider",
            ViolationKind::UnknownUnionMember
        )]
    );
    assert!(strict[0].message.contains("twilio"), "{}", strict[0]);
}

#[test]
fn the_union_member_picked_by_its_discriminator_is_checked_in_full() {
    // Arrange: a SIP destination needs `sipUri`; `number` belongs to another member.
    let mut delivery = transfer_update();
    remove(&mut delivery, "/message/destination/sipUri");
    set(&mut delivery, "/message/destination/description", json!(42));

    // Act
    let lenient = check(&delivery, Mode::Lenient);

    // Assert
    assert_eq!(
        found(&lenient),
        vec![
            ("/message/destination/description", ViolationKind::WrongType),
            (
                "/message/destination/sipUri",
                ViolationKind::MissingRequired
            ),
        ]
    );
}

#[test]
fn a_required_field_missing_inside_a_phone_number_dto_is_reported_at_its_path() {
    // Arrange
    let mut delivery = sample("status-update", |v| {
        v["message"]["phoneNumber"]["provider"] == "twilio"
    });
    remove(&mut delivery, "/message/phoneNumber/twilioAccountSid");

    // Act
    let lenient = check(&delivery, Mode::Lenient);

    // Assert
    assert_eq!(
        found(&lenient),
        vec![(
            "/message/phoneNumber/twilioAccountSid",
            ViolationKind::MissingRequired
        )]
    );
}

#[test]
fn a_required_field_missing_inside_the_call_is_reported_at_its_path() {
    // Arrange
    let mut delivery = conversation_update();
    remove(&mut delivery, "/message/call/orgId");

    // Act
    let strict = check(&delivery, Mode::Strict);

    // Assert
    assert_eq!(
        found(&strict),
        vec![("/message/call/orgId", ViolationKind::MissingRequired)]
    );
}

#[test]
fn a_wrong_type_deep_in_the_artifact_messages_is_reported_with_its_index() {
    // Arrange: message 1 is the bot's "Hello.".
    let mut delivery = conversation_update();
    set(
        &mut delivery,
        "/message/artifact/messages/1/time",
        json!("yesterday"),
    );

    // Act
    let lenient = check(&delivery, Mode::Lenient);

    // Assert
    assert_eq!(
        found(&lenient),
        vec![(
            "/message/artifact/messages/1/time",
            ViolationKind::WrongType
        )]
    );
}

#[test]
fn an_artifact_message_of_unknown_role_is_an_unknown_union_member() {
    // Arrange
    let mut delivery = conversation_update();
    set(
        &mut delivery,
        "/message/artifact/messages/1/role",
        json!("narrator"),
    );

    // Act
    let strict = check(&delivery, Mode::Strict);
    let lenient = check(&delivery, Mode::Lenient);

    // Assert
    assert_eq!(
        found(&strict),
        vec![(
            "/message/artifact/messages/1/role",
            ViolationKind::UnknownUnionMember
        )]
    );
    assert!(lenient.is_empty(), "{lenient:?}");
}

#[test]
fn a_bot_message_is_checked_as_a_bot_message() {
    // Arrange: only bot and user messages require `endTime`.
    let mut delivery = conversation_update();
    remove(&mut delivery, "/message/artifact/messages/1/endTime");
    remove(
        &mut delivery,
        "/message/artifact/messages/0/secondsFromStart",
    );

    // Act
    let strict = check(&delivery, Mode::Strict);

    // Assert
    assert_eq!(
        found(&strict),
        vec![
            (
                "/message/artifact/messages/0/secondsFromStart",
                ViolationKind::MissingRequired
            ),
            (
                "/message/artifact/messages/1/endTime",
                ViolationKind::MissingRequired
            ),
        ]
    );
}

#[test]
fn an_unknown_server_message_name_in_the_assistant_is_reported_at_its_index() {
    // Arrange: the specs put the item enum on the array too; only items count.
    let mut delivery = conversation_update();
    delivery["message"]["assistant"]["serverMessages"] = json!(["status-update", "gossip"]);

    // Act
    let strict = check(&delivery, Mode::Strict);

    // Assert
    assert_eq!(
        found(&strict),
        vec![(
            "/message/assistant/serverMessages/1",
            ViolationKind::UnknownEnumValue
        )]
    );
}

#[test]
fn unknown_extra_properties_are_accepted_at_every_level() {
    // Arrange
    let mut delivery = conversation_update();
    for pointer in [
        "/message",
        "/message/call",
        "/message/artifact",
        "/message/artifact/messages/1",
    ] {
        delivery
            .pointer_mut(pointer)
            .and_then(Value::as_object_mut)
            .expect("an object")
            .insert("flavour".to_owned(), json!({"from": "tomorrow"}));
    }

    // Act
    let strict = check(&delivery, Mode::Strict);

    // Assert
    assert!(strict.is_empty(), "{strict:?}");
}

#[test]
fn null_for_an_optional_string_is_a_wrong_type_in_strict_mode_only() {
    // Arrange
    let mut delivery = status_update();
    delivery["message"]["endedReason"] = Value::Null;

    // Act
    let strict = check(&delivery, Mode::Strict);
    let lenient = check(&delivery, Mode::Lenient);

    // Assert
    assert_eq!(
        found(&strict),
        vec![("/message/endedReason", ViolationKind::WrongType)]
    );
    assert_eq!(strict[0].message, "expected string, found null");
    assert!(lenient.is_empty(), "{lenient:?}");
}

#[test]
fn null_where_the_spec_says_nullable_is_accepted_in_strict_mode() {
    // Arrange: `assistantVersion` (2026-08) and OpenAI `content` are nullable.
    let mut delivery = conversation_update();
    delivery["message"]["assistantVersion"] = Value::Null;
    delivery["message"]["messagesOpenAIFormatted"] =
        json!([{"role": "assistant", "content": null}]);

    // Act
    let strict = check(&delivery, Mode::Strict);

    // Assert
    assert!(strict.is_empty(), "{strict:?}");
}

#[test]
fn null_for_a_required_field_is_a_wrong_type_even_in_lenient_mode() {
    // Arrange
    let mut delivery = status_update();
    set(&mut delivery, "/message/status", Value::Null);

    // Act
    let lenient = check(&delivery, Mode::Lenient);

    // Assert
    assert_eq!(
        found(&lenient),
        vec![("/message/status", ViolationKind::WrongType)]
    );
}

#[test]
fn a_transfer_update_timestamp_may_be_an_iso_string_but_not_any_string() {
    // Arrange: the seed's Rust model documents an ISO-8601 string.
    let mut iso = transfer_update();
    set(
        &mut iso,
        "/message/timestamp",
        json!("2025-06-19T06:27:05.773Z"),
    );
    let mut word = transfer_update();
    set(&mut word, "/message/timestamp", json!("yesterday"));

    // Act
    let iso = check(&iso, Mode::Strict);
    let word = check(&word, Mode::Strict);

    // Assert
    assert!(iso.is_empty(), "{iso:?}");
    assert_eq!(
        found(&word),
        vec![("/message/timestamp", ViolationKind::WrongType)]
    );
}

#[test]
fn bodies_that_are_not_json_give_a_parse_error_with_a_byte_offset() {
    // Arrange
    let garbage = b"hello, webhook".as_slice();
    let truncated = br#"{"message": {"type": "status-upd"#.as_slice();

    // Act
    let garbage = validate(garbage, Mode::Strict);
    let truncated = validate(truncated, Mode::Strict);

    // Assert
    assert!(
        matches!(garbage, Err(ParseError::Syntax { offset: 0, .. })),
        "{garbage:?}"
    );
    assert!(
        matches!(truncated, Err(ParseError::Truncated { .. })),
        "{truncated:?}"
    );
}

#[test]
fn json_that_is_not_an_envelope_gives_the_matching_parse_error() {
    // Arrange
    let cases: [(&[u8], ParseError); 5] = [
        (b"[1, 2]", ParseError::NotAnObject { found: "array" }),
        (br#"{"msg": {}}"#, ParseError::MissingMessage),
        (br#"{"message": {"call": {}}}"#, ParseError::MissingType),
        (
            br#"{"message": "status-update"}"#,
            ParseError::InvalidField {
                path: "/message".into(),
                reason: "expected an object, found string".into(),
            },
        ),
        (
            br#"{"message": {"type": 7}}"#,
            ParseError::InvalidField {
                path: "/message/type".into(),
                reason: "expected a string, found number".into(),
            },
        ),
    ];

    for (body, expected) in cases {
        // Act
        let result = validate(body, Mode::Lenient);

        // Assert
        assert_eq!(result, Err(expected));
    }
}

#[test]
fn a_parse_error_becomes_a_not_an_envelope_violation_at_the_path_it_names() {
    // Arrange
    let errors = [
        ParseError::NotAnObject { found: "array" },
        ParseError::MissingMessage,
        ParseError::MissingType,
    ];

    // Act
    let violations: Vec<Violation> = errors.iter().map(Violation::not_an_envelope).collect();

    // Assert
    assert_eq!(
        found(&violations),
        vec![
            ("", ViolationKind::NotAnEnvelope),
            ("/message", ViolationKind::NotAnEnvelope),
            ("/message/type", ViolationKind::NotAnEnvelope),
        ]
    );
    assert_eq!(violations[1].kind.as_str(), "not_an_envelope");
}

#[test]
fn a_violation_displays_path_kind_and_message_on_one_line() {
    // Arrange
    let mut delivery = speech_update();
    set(&mut delivery, "/message/turn", json!(true));

    // Act
    let shown = check(&delivery, Mode::Strict)
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>();

    // Assert
    assert_eq!(
        shown,
        ["/message/turn: wrong_type: expected number, found boolean true"]
    );
}

/// Every JSON pointer into a value (excluding the root).
fn pointers(value: &Value, prefix: String, out: &mut Vec<String>) {
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| (k.replace('~', "~0").replace('/', "~1"), v))
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => return,
    };
    for (key, child) in children {
        let pointer = format!("{prefix}/{key}");
        out.push(pointer.clone());
        pointers(child, pointer, out);
    }
}

/// A small random JSON value to put somewhere it does not belong.
fn any_json() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::from)),
        ".{0,12}".prop_map(Value::from),
        Just(json!([])),
        Just(json!({})),
        Just(json!([{"role": "narrator"}])),
        Just(json!({"type": "carrier-pigeon", "provider": 5})),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn random_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = validate(&body, Mode::Strict);
        let _ = validate(&body, Mode::Lenient);
    }

    #[test]
    fn replacing_any_value_of_a_real_delivery_never_panics_and_stays_under_message(
        which in 0usize..6,
        at in any::<prop::sample::Index>(),
        replacement in any_json(),
    ) {
        let (_, body) = &fixtures::real_deliveries()[which];
        let mut delivery: Value = serde_json::from_slice(body).expect("real fixture is JSON");
        let mut all = Vec::new();
        pointers(&delivery, String::new(), &mut all);
        let pointer = at.get(&all).clone();
        if let Some(slot) = delivery.pointer_mut(&pointer) {
            *slot = replacement;
        }
        for mode in [Mode::Strict, Mode::Lenient] {
            if let Ok(violations) = validate_value(&delivery, mode) {
                for v in violations {
                    prop_assert!(v.path.starts_with("/message"), "{v}");
                }
            }
        }
    }

    #[test]
    fn truncating_or_flipping_a_byte_of_a_real_delivery_never_panics(
        which in 0usize..6,
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
        truncate in any::<bool>(),
    ) {
        let (_, body) = &fixtures::real_deliveries()[which];
        let mut body = body.clone();
        let i = at.index(body.len());
        if truncate {
            body.truncate(i);
        } else {
            body[i] = byte;
        }
        let _ = validate(&body, Mode::Strict);
    }
}
