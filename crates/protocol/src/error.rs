//! Why a delivery body could not be read, with where: a byte offset for
//! syntax errors, a JSON path for shape errors. Shared by [`crate::view`] and
//! [`crate::model`] so that ingest and the typed models report bad input alike.

/// A delivery body that is not a readable Vapi server message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The body is empty (or only whitespace): usually a sender that POSTed
    /// without its payload, worth telling apart from JSON cut short.
    #[error("body is empty, expected a JSON object like {{\"message\": {{...}}}}")]
    Empty,
    /// The bytes are not JSON (or not UTF-8).
    #[error("body is not valid JSON at byte {offset}: {reason}")]
    Syntax {
        /// Byte offset into the body where parsing failed.
        offset: usize,
        /// What the JSON parser expected.
        reason: String,
    },
    /// The JSON ends before the document is complete.
    #[error("body is truncated JSON (ends at byte {offset}): {reason}")]
    Truncated {
        /// Byte offset where the input ended.
        offset: usize,
        /// What the JSON parser expected.
        reason: String,
    },
    /// The root is valid JSON but not an object.
    #[error("body root is {found}, expected an object like {{\"message\": {{...}}}}")]
    NotAnObject {
        /// The JSON type found at the root (`array`, `string`, ...).
        found: &'static str,
    },
    /// The root object has no `message` field.
    #[error("body has no `message` field (expected {{\"message\": {{\"type\": ...}}}})")]
    MissingMessage,
    /// `message` is present but has no `type`.
    #[error("`/message` has no `type` field")]
    MissingType,
    /// A field has the wrong JSON type or an unusable value.
    #[error("{path}: {reason}")]
    InvalidField {
        /// JSON pointer to the offending value, e.g. `/message/call/id`.
        path: String,
        /// What was wrong with it.
        reason: String,
    },
}

impl ParseError {
    /// Classifies a `serde_json` syntax/EOF error, computing the byte offset
    /// from the line and column it reports.
    pub fn from_json_error(body: &[u8], err: &serde_json::Error) -> Self {
        if body.iter().all(u8::is_ascii_whitespace) {
            return ParseError::Empty;
        }
        let reason = strip_position(&err.to_string());
        match err.classify() {
            // serde_json points at the last byte it read; the input ended after it.
            serde_json::error::Category::Eof => ParseError::Truncated {
                offset: body.len(),
                reason,
            },
            _ => ParseError::Syntax {
                offset: byte_offset(body, err.line(), err.column()),
                reason,
            },
        }
    }

    /// The machine-readable class of the error, stable across releases
    /// (used for metrics labels and quarantine reasons).
    pub fn kind(&self) -> &'static str {
        match self {
            ParseError::Empty => "empty_body",
            ParseError::Syntax { .. } => "not_json",
            ParseError::Truncated { .. } => "truncated_json",
            ParseError::NotAnObject { .. } => "wrong_root_type",
            ParseError::MissingMessage => "missing_message",
            ParseError::MissingType => "missing_type",
            ParseError::InvalidField { .. } => "invalid_field",
        }
    }
}

/// Converts serde_json's 1-based line and column into a 0-based byte offset.
fn byte_offset(body: &[u8], line: usize, column: usize) -> usize {
    if line == 0 {
        return 0;
    }
    let line_start = body
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(line.saturating_sub(2))
        .map_or(0, |(i, _)| i + 1);
    let line_start = if line == 1 { 0 } else { line_start };
    (line_start + column.saturating_sub(1)).min(body.len())
}

/// serde_json appends " at line L column C"; we report a byte offset instead.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// Names the JSON type of a value for error messages.
pub fn json_type_name(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_err(body: &[u8]) -> ParseError {
        let err = serde_json::from_slice::<serde_json::Value>(body)
            .expect_err("input is deliberately malformed");
        ParseError::from_json_error(body, &err)
    }

    #[test]
    fn a_syntax_error_reports_the_byte_offset_on_the_first_line() {
        assert!(matches!(
            parse_err(b"{\"a\": x}"),
            ParseError::Syntax { offset: 6, .. }
        ));
    }

    #[test]
    fn a_syntax_error_on_a_later_line_counts_earlier_lines() {
        // Line 3 starts at byte 3 (after `{`, `\n`, `\n`); the `x` is 7 bytes further.
        assert!(matches!(
            parse_err(b"{\n\n \"a\": x}"),
            ParseError::Syntax { offset: 9, .. }
        ));
    }

    #[test]
    fn an_empty_body_is_named_as_such() {
        for body in [&b""[..], b"  \r\n"] {
            let err = parse_err(body);
            assert_eq!(err, ParseError::Empty, "{body:?}");
            assert_eq!(err.kind(), "empty_body");
        }
    }

    #[test]
    fn truncated_input_is_told_apart_from_a_syntax_error() {
        let body = b"{\"message\": {\"type\": \"status";
        let err = parse_err(body);
        assert!(
            matches!(err, ParseError::Truncated { offset, .. } if offset == body.len()),
            "{err:?}"
        );
        assert_eq!(err.kind(), "truncated_json");
    }
}
