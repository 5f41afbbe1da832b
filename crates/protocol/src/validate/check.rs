//! The walk: one delivery value against one schema [`Node`], collecting
//! violations with their JSON pointers. Knows nothing of where the schemas
//! come from (see `schema`) or of the envelope (see the module root).

use serde_json::Value;

use super::schema::{Node, Schemas, Union};
use super::{Mode, Violation, ViolationKind};

/// Deeper than any schema goes; a guard against a cyclic `$ref`, not a limit
/// on input (serde_json already refuses documents nested over 128 levels).
const MAX_DEPTH: usize = 256;

/// How many enum values a message lists before it stops.
const LISTED_VALUES: usize = 6;

/// Collects the violations of one value.
pub(super) struct Checker<'s> {
    schemas: &'s Schemas,
    mode: Mode,
    /// The JSON pointer of the value being checked.
    path: String,
    found: Vec<Violation>,
}

impl<'s> Checker<'s> {
    pub(super) fn new(schemas: &'s Schemas, mode: Mode, path: &str) -> Self {
        Checker {
            schemas,
            mode,
            path: path.to_owned(),
            found: Vec::new(),
        }
    }

    pub(super) fn into_violations(self) -> Vec<Violation> {
        self.found
    }

    /// Records a violation at the current path, unless the mode ignores its kind.
    pub(super) fn report(&mut self, kind: ViolationKind, message: String) {
        if self.mode == Mode::Lenient && kind.is_strict_only() {
            return;
        }
        self.found.push(Violation {
            path: self.path.clone(),
            kind,
            message,
        });
    }

    /// Runs `f` with `segment` appended to the path.
    fn at(&mut self, segment: &str, f: impl FnOnce(&mut Self)) {
        let len = self.path.len();
        push_segment(&mut self.path, segment);
        f(self);
        self.path.truncate(len);
    }

    /// Checks `value` against `node` and everything it references.
    pub(super) fn check(&mut self, node: &Node, value: &Value, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        if value.is_null() && node.nullable {
            return;
        }
        if !node.types.is_empty() && !node.types.iter().any(|t| t.accepts(value)) {
            let expected = node
                .types
                .iter()
                .map(|t| t.name())
                .collect::<Vec<_>>()
                .join(" or ");
            self.report(
                ViolationKind::WrongType,
                format!("expected {expected}, found {}", describe(value)),
            );
            // Nothing below a value of the wrong type can be checked.
            return;
        }
        if node.iso_date_time {
            if let Value::String(text) = value {
                if crate::timestamp::iso_to_epoch_ms(text).is_err() {
                    self.report(
                        ViolationKind::WrongType,
                        format!(
                            "expected a number or an ISO-8601 date-time, found {}",
                            describe(value)
                        ),
                    );
                }
            }
        }
        if let Some(allowed) = &node.enum_values {
            if !allowed.contains(value) {
                self.report(
                    ViolationKind::UnknownEnumValue,
                    format!("{} is not one of {}", show(value), list(allowed)),
                );
            }
        }
        match value {
            Value::Object(object) => {
                for (key, child) in object {
                    if let Some(prop) = node.properties.get(key) {
                        // A `null` for an optional property reads as "absent" to
                        // most receivers; only strict mode calls it a wrong type.
                        let optional = !node.required.iter().any(|r| r == key);
                        if child.is_null() && optional && self.mode == Mode::Lenient {
                            continue;
                        }
                        self.at(key, |c| c.check(prop, child, depth + 1));
                    } else if let Some(additional) = &node.additional {
                        self.at(key, |c| c.check(additional, child, depth + 1));
                    }
                }
                for name in &node.required {
                    if !object.contains_key(name) {
                        self.at(name, |c| {
                            c.report(
                                ViolationKind::MissingRequired,
                                format!("required property `{name}` is missing"),
                            );
                        });
                    }
                }
            }
            Value::Array(elements) => {
                if let Some(items) = &node.items {
                    for (i, element) in elements.iter().enumerate() {
                        self.at(&i.to_string(), |c| c.check(items, element, depth + 1));
                    }
                }
            }
            _ => {}
        }
        for name in &node.refs {
            if let Some(schema) = self.schemas.schemas.get(name) {
                self.check(schema, value, depth + 1);
            }
        }
        if let Some(union) = &node.union {
            self.check_union(union, value, depth + 1);
        }
    }

    /// A discriminated union checks the member its property names; any other
    /// union accepts a value one member accepts, else reports the member that
    /// came closest.
    fn check_union(&mut self, union: &Union, value: &Value, depth: usize) {
        let Some(discriminator) = &union.discriminator else {
            let mut best: Option<Vec<Violation>> = None;
            for member in &union.members {
                let mut trial = Checker::new(self.schemas, self.mode, &self.path);
                trial.check(member, value, depth);
                if trial.found.is_empty() {
                    return;
                }
                if best.as_ref().is_none_or(|b| trial.found.len() < b.len()) {
                    best = Some(trial.found);
                }
            }
            self.found.extend(best.into_iter().flatten());
            return;
        };
        let Value::Object(object) = value else {
            self.report(
                ViolationKind::WrongType,
                format!("expected object, found {}", describe(value)),
            );
            return;
        };
        let property = discriminator.property.as_str();
        let names = || {
            discriminator
                .values
                .iter()
                .map(|(v, _)| Value::from(v.as_str()))
        };
        match object.get(property) {
            None if discriminator.required => self.at(property, |c| {
                c.report(
                    ViolationKind::MissingRequired,
                    format!(
                        "required property `{property}` is missing (one of {})",
                        list(&names().collect::<Vec<_>>())
                    ),
                );
            }),
            None => {}
            Some(Value::String(tag)) => match discriminator.values.iter().find(|(v, _)| v == tag) {
                Some((_, name)) => {
                    if let Some(schema) = self.schemas.schemas.get(name) {
                        self.check(schema, value, depth + 1);
                    }
                }
                None => self.at(property, |c| {
                    c.report(
                        ViolationKind::UnknownUnionMember,
                        format!(
                            "{} is not a known `{property}` (one of {})",
                            show(&Value::from(tag.as_str())),
                            list(&names().collect::<Vec<_>>())
                        ),
                    );
                }),
            },
            Some(other) => self.at(property, |c| {
                c.report(
                    ViolationKind::WrongType,
                    format!("expected string, found {}", describe(other)),
                );
            }),
        }
    }
}

/// Appends `/segment` to a JSON pointer, escaping `~` and `/` (RFC 6901).
pub(super) fn push_segment(path: &mut String, segment: &str) {
    path.push('/');
    for c in segment.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            c => path.push(c),
        }
    }
}

/// A value as a message shows it: its type, and the value when short.
pub(super) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Array(_) => "array".to_owned(),
        Value::Object(_) => "object".to_owned(),
        _ => format!("{} {}", crate::error::json_type_name(value), show(value)),
    }
}

/// A scalar as JSON, cut at 60 characters.
pub(super) fn show(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(60) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text,
    }
}

/// `a, b, c, ... (N values)`: the first few allowed values, unquoted.
pub(super) fn list(values: &[Value]) -> String {
    let shown: Vec<String> = values
        .iter()
        .take(LISTED_VALUES)
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
        .collect();
    if values.len() > LISTED_VALUES {
        format!("{}, ... ({} values)", shown.join(", "), values.len())
    } else {
        shown.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_segments_escape_tilde_and_slash() {
        let mut path = String::from("/message");
        push_segment(&mut path, "a/b~c");
        assert_eq!(path, "/message/a~1b~0c");
    }

    #[test]
    fn long_strings_are_cut_on_a_char_boundary() {
        let shown = show(&Value::from("é".repeat(100)));
        assert!(shown.ends_with("..."), "{shown}");
        assert_eq!(shown.chars().count(), 63);
    }
}
