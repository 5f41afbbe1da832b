//! Strict validation of a delivery against Vapi's schemas: the explicit check
//! behind `calltap validate` (and an API flag), separate from ingest, which
//! accepts any well-formed envelope ("never reject tomorrow's message").
//!
//! [`validate`] reports every deviation as a [`Violation`] with a JSON
//! pointer, a stable [`ViolationKind`] and a message naming what was expected
//! and what was found. It knows the schemas and nothing of files or HTTP.
//!
//! # What is checked
//!
//! The schemas are the two trimmed specs checked in under `schemas/`
//! (2025-06, the seeds' era, and 2026-08), embedded in the binary and parsed
//! once. `status-update`, `speech-update`, `conversation-update`,
//! `transfer-update` and `end-of-call-report` are checked fully and
//! recursively: the artifact, call, assistant and customer, the phone-number
//! and transfer-destination unions, the conversation messages. Every other
//! message type of either spec (`tool-calls`, `assistant-request`, ...) only
//! has its `type` checked. A `$ref` to a schema the trimmed specs do not keep
//! (models, voices, costs...) is an untyped subtree: any value is accepted.
//!
//! [`validate_response`] checks the answers your server sends back
//! (`tool-calls`, `assistant-request`, ...) against the specs' response
//! schemas the same way.
//!
//! Checked: required properties, JSON types (`string`, `number`, `integer`,
//! `boolean`, `object`, `array`), enum values and union members. Properties the
//! schemas do not know are allowed, as the schemas allow them. Not checked:
//! `format`, lengths and numeric ranges.
//!
//! # Which spec: the union of both
//!
//! A delivery is checked against one schema set merged from both specs, field
//! by field, so that what either spec allows is valid: a property known in
//! either spec is checked (against the spec that knows it; when both do,
//! against the merge), an enum value or union member known in either is
//! accepted, a message type known in either is known, and a property is
//! required only when both specs require it. A delivery of 2025 and one of
//! 2026 both pass; a value neither spec knows does not.
//!
//! # `null`
//!
//! `null` is a value of its own JSON type: it is accepted where a schema says
//! `nullable: true` (or does not type the value at all) and is otherwise a
//! [`ViolationKind::WrongType`]. In [`Mode::Lenient`] a `null` for an
//! *optional* property is read as "absent", as most receivers read it; a
//! `null` for a required property is still a wrong type.
//!
//! # Unions
//!
//! A `oneOf` whose members each fix one property to their own values is
//! discriminated by it: `provider` for the five phone-number DTOs, `type` for
//! the transfer destinations, `role` for the conversation messages. The value
//! of that property picks the member, which is then checked; an unknown value
//! is a [`ViolationKind::UnknownUnionMember`] at that property's path. (The
//! specs type the conversation messages' `role` as a bare string; the
//! validator adds the values Vapi sends: `system`, `bot`, `user`,
//! `tool_calls`, `tool_call_result`.) A union without such a property accepts
//! a value that any member accepts, and otherwise reports the violations of the
//! member that came closest.
//!
//! # Strict and lenient
//!
//! Unknown enum values, unknown union members and unknown message types are
//! what Vapi adds all the time, so they are violations in [`Mode::Strict`]
//! only. [`Mode::Lenient`] still reports missing required properties and
//! wrong JSON types: what would break a receiver today.
//!
//! # Seed patches
//!
//! The transfer-update seed documents `timestamp` as an ISO-8601 string where
//! the JSON schema says number; both are accepted there.

mod check;
mod schema;

use std::fmt;

use serde_json::Value;

use crate::error::json_type_name;
use crate::ParseError;

use check::Checker;
use schema::SCHEMAS;

/// How much to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Mode {
    /// Every deviation from the union of both specs.
    #[default]
    Strict,
    /// Only what breaks a receiver today: missing required properties and
    /// wrong JSON types. Unknown enum values, union members and message types
    /// (tomorrow's messages) pass, and so does `null` for an optional property.
    Lenient,
}

/// What kind of deviation a [`Violation`] is. The snake_case names of
/// [`ViolationKind::as_str`] are stable (they appear in CLI and API output).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ViolationKind {
    /// A required property is absent (`missing_required`).
    MissingRequired,
    /// A value has the wrong JSON type, e.g. a string where a number belongs
    /// (`wrong_type`).
    WrongType,
    /// A string is not one of the schema's enum values (`unknown_enum_value`;
    /// strict mode only).
    UnknownEnumValue,
    /// A union's discriminating property (`provider`, `type`, `role`) names no
    /// known member (`unknown_union_member`; strict mode only).
    UnknownUnionMember,
    /// `message.type` is in neither spec (`unknown_message_type`; strict mode
    /// only).
    UnknownMessageType,
    /// The body is JSON but not an envelope `{"message": {"type": ...}}`
    /// (`not_an_envelope`). [`validate`] returns these as a [`ParseError`];
    /// [`Violation::not_an_envelope`] turns one into a violation for a report.
    NotAnEnvelope,
}

impl ViolationKind {
    /// The stable snake_case name, e.g. `unknown_enum_value`.
    pub fn as_str(self) -> &'static str {
        match self {
            ViolationKind::MissingRequired => "missing_required",
            ViolationKind::WrongType => "wrong_type",
            ViolationKind::UnknownEnumValue => "unknown_enum_value",
            ViolationKind::UnknownUnionMember => "unknown_union_member",
            ViolationKind::UnknownMessageType => "unknown_message_type",
            ViolationKind::NotAnEnvelope => "not_an_envelope",
        }
    }

    /// Whether only [`Mode::Strict`] reports this kind: the kinds that
    /// tomorrow's messages produce.
    pub fn is_strict_only(self) -> bool {
        matches!(
            self,
            ViolationKind::UnknownEnumValue
                | ViolationKind::UnknownUnionMember
                | ViolationKind::UnknownMessageType
        )
    }
}

impl fmt::Display for ViolationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One deviation of a delivery from the schemas.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Violation {
    /// JSON pointer to the offending (or missing) value, e.g.
    /// `/message/artifact/messages/3/role`; empty for the root.
    pub path: String,
    /// What kind of deviation it is.
    pub kind: ViolationKind,
    /// What was expected and what was found, for a human.
    pub message: String,
}

impl Violation {
    /// The violation a body that is not a readable envelope amounts to, for
    /// reports that list both: kind [`ViolationKind::NotAnEnvelope`], the path
    /// the error names (the root, `/message`, `/message/type`...) and the
    /// error as the message.
    pub fn not_an_envelope(err: &ParseError) -> Violation {
        let path = match err {
            ParseError::Empty
            | ParseError::Syntax { .. }
            | ParseError::Truncated { .. }
            | ParseError::NotAnObject { .. } => String::new(),
            ParseError::MissingMessage => "/message".to_owned(),
            ParseError::MissingType => "/message/type".to_owned(),
            ParseError::InvalidField { path, .. } => path.clone(),
        };
        Violation {
            path,
            kind: ViolationKind::NotAnEnvelope,
            message: err.to_string(),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "(root)"
        } else {
            &self.path
        };
        write!(f, "{path}: {}: {}", self.kind, self.message)
    }
}

/// Checks one delivery body against the union of both specs.
///
/// `Ok` holds every violation found (none: the delivery is valid), in
/// document order, missing properties after the properties present. `Err`
/// means the body is not a readable envelope: not JSON ([`ParseError::Syntax`],
/// [`ParseError::Truncated`], with a byte offset), not an object, no
/// `message` object, or no string `message.type`.
pub fn validate(body: &[u8], mode: Mode) -> Result<Vec<Violation>, ParseError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|err| ParseError::from_json_error(body, &err))?;
    validate_value(&value, mode)
}

/// [`validate`] for a body already parsed into a [`Value`].
pub fn validate_value(body: &Value, mode: Mode) -> Result<Vec<Violation>, ParseError> {
    let root = body.as_object().ok_or(ParseError::NotAnObject {
        found: json_type_name(body),
    })?;
    let message = root.get("message").ok_or(ParseError::MissingMessage)?;
    let fields = message
        .as_object()
        .ok_or_else(|| ParseError::InvalidField {
            path: "/message".to_owned(),
            reason: format!("expected an object, found {}", json_type_name(message)),
        })?;
    let message_type = fields.get("type").ok_or(ParseError::MissingType)?;
    let message_type = message_type
        .as_str()
        .ok_or_else(|| ParseError::InvalidField {
            path: "/message/type".to_owned(),
            reason: format!("expected a string, found {}", json_type_name(message_type)),
        })?;

    let schemas = &*SCHEMAS;
    let mut checker = Checker::new(schemas, mode, "/message");
    if let Some(schema) = schemas.message_schema(message_type) {
        checker.check(schema, message, 0);
    } else if !schemas.message_types.contains_key(message_type) {
        let mut type_checker = Checker::new(schemas, mode, "/message/type");
        let known: Vec<Value> = schemas
            .message_types
            .keys()
            .map(|t| Value::from(t.as_str()))
            .collect();
        type_checker.report(
            ViolationKind::UnknownMessageType,
            format!(
                "{} is not a message type of either spec (one of {})",
                check::show(&Value::from(message_type)),
                check::list(&known)
            ),
        );
        return Ok(type_checker.into_violations());
    }
    Ok(checker.into_violations())
}

/// Checks an answer to a message of type `message_type` (the JSON your
/// server sends back) against the union of both specs' response schema for
/// that type (`ServerMessageResponseToolCalls`, ...).
///
/// `None` when this crate types no answer for the type (see
/// [`crate::response::response_schema`]); otherwise every violation, with
/// paths from the answer's root.
pub fn validate_response(
    message_type: &crate::model::MessageType,
    answer: &Value,
    mode: Mode,
) -> Option<Vec<Violation>> {
    let schemas = &*SCHEMAS;
    let schema = schemas
        .schemas
        .get(crate::response::response_schema(message_type)?)?;
    let mut checker = Checker::new(schemas, mode, "");
    checker.check(schema, answer, 0);
    Some(checker.into_violations())
}
