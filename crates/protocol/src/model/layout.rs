//! The shape of a JSON document that typed models forget: the order of every
//! object's keys and which keys held an explicit `null`.
//!
//! Typed structs serialise their fields in declaration order and turn
//! `"key": null` into `None`, which is then skipped. A [`Layout`] puts both
//! back, so a parsed delivery serialises to the JSON it came from, key order
//! included. [`Envelope::from_slice`](super::Envelope::from_slice) records
//! one while it reads (compactly: per typed object, its keys as small
//! codes); [`Layout::capture`] takes one from any `serde_json::Value`, by
//! key name.

use serde_json::{Map, Value};

use super::codec::Tape;
use super::Envelope;

/// The key order and explicit nulls of a JSON value, recursively through
/// objects and arrays.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout(Kind);

#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    /// Taken from a `Value` by [`Layout::capture`].
    Captured(Node),
    /// Recorded by the typed parse of an envelope.
    Recorded(Tape),
}

impl Default for Layout {
    /// The layout of a scalar: nothing to rearrange.
    fn default() -> Self {
        Layout(Kind::Captured(Node::Scalar))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
enum Node {
    /// A string, number or boolean: nothing to remember.
    #[default]
    Scalar,
    /// An explicit `null`.
    Null,
    /// An object: its keys in order, each with the layout of its value.
    Object(Vec<(String, Node)>),
    /// An array: the layout of each element.
    Array(Vec<Node>),
}

impl Layout {
    /// Records the layout of `value`.
    pub fn capture(value: &Value) -> Self {
        Layout(Kind::Captured(Node::capture(value)))
    }

    /// Rearranges `value` to this layout: keys this layout knows come first,
    /// in its order; keys it saw as `null` and that `value` lacks are put back
    /// as `null`; keys it does not know follow in `value`'s own order.
    /// Arrays are rearranged element by element.
    ///
    /// A layout recorded by [`Envelope::from_slice`] knows the typed
    /// objects of an envelope: `value` is read as one and written with it
    /// (a `value` that does not read as an envelope is returned as is).
    pub fn apply(&self, value: Value) -> Value {
        match &self.0 {
            Kind::Captured(node) => node.apply(value),
            Kind::Recorded(_) => match Envelope::from_value(value.clone()) {
                Ok(mut envelope) => {
                    envelope.set_layout(Some(self.clone()));
                    envelope.to_value().unwrap_or(value)
                }
                Err(_) => value,
            },
        }
    }

    /// The layout a typed parse recorded.
    pub(super) fn recorded(tape: Tape) -> Self {
        Layout(Kind::Recorded(tape))
    }

    /// Whether this layout was captured from a `Value` (and is applied to
    /// one).
    pub(super) fn is_captured(&self) -> bool {
        matches!(self.0, Kind::Captured(_))
    }

    /// The key order a typed parse recorded, if that is this layout.
    pub(super) fn tape(&self) -> Option<&Tape> {
        match &self.0 {
            Kind::Recorded(tape) => Some(tape),
            Kind::Captured(_) => None,
        }
    }
}

impl Node {
    fn capture(value: &Value) -> Self {
        match value {
            Value::Null => Node::Null,
            Value::Bool(_) | Value::Number(_) | Value::String(_) => Node::Scalar,
            Value::Array(items) => Node::Array(items.iter().map(Node::capture).collect()),
            Value::Object(map) => Node::Object(
                map.iter()
                    .map(|(key, value)| (key.clone(), Node::capture(value)))
                    .collect(),
            ),
        }
    }

    fn apply(&self, value: Value) -> Value {
        match (self, value) {
            (Node::Object(entries), Value::Object(mut rest)) => {
                let mut out = Map::with_capacity(rest.len().max(entries.len()));
                for (key, node) in entries {
                    // `shift_remove` keeps the order of the keys left in `rest`.
                    match rest.shift_remove(key) {
                        Some(value) => {
                            out.insert(key.clone(), node.apply(value));
                        }
                        None if *node == Node::Null => {
                            out.insert(key.clone(), Value::Null);
                        }
                        None => {}
                    }
                }
                out.extend(rest);
                Value::Object(out)
            }
            (Node::Array(nodes), Value::Array(items)) => Value::Array(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| match nodes.get(i) {
                        Some(node) => node.apply(item),
                        None => item,
                    })
                    .collect(),
            ),
            (_, value) => value,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_come_back_in_the_captured_order_with_nulls_and_new_keys_last() {
        let input = json!({"b": 1, "a": null, "c": [{"y": 1, "x": null}]});
        let layout = Layout::capture(&input);
        let typed = json!({"new": true, "c": [{"y": 1}], "b": 1});
        let out = layout.apply(typed);
        assert_eq!(
            serde_json::to_string(&out).expect("serialises"),
            r#"{"b":1,"a":null,"c":[{"y":1,"x":null}],"new":true}"#
        );
    }
}
