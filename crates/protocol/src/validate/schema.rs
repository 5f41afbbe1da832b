//! The schema set the validator checks against: both trimmed Vapi specs,
//! compiled into a small tree of [`Node`]s and merged into one "union" spec,
//! plus the few patches the seeds call for (see [`patch`]).
//!
//! This module knows the OpenAPI flavour of JSON Schema that Vapi's specs use
//! and nothing of deliveries; `check` walks a delivery against what it builds.

use std::collections::{BTreeMap, HashSet};
use std::sync::LazyLock;

use serde_json::Value;

/// The spec of the seeds' era.
const SPEC_2025_06: &str = include_str!("../../schemas/vapi-2025-06.trimmed.json");
/// The newest spec.
const SPEC_2026_08: &str = include_str!("../../schemas/vapi-2026-08.trimmed.json");

/// The merged schema set, built once on first use.
pub(super) static SCHEMAS: LazyLock<Schemas> = LazyLock::new(|| {
    // The specs are compiled into the binary, so a parse failure is a build
    // defect, not bad input; the unit tests below make it impossible to ship.
    let older = Spec::parse(SPEC_2025_06).expect("vapi-2025-06.trimmed.json is a trimmed spec");
    let newer = Spec::parse(SPEC_2026_08).expect("vapi-2026-08.trimmed.json is a trimmed spec");
    let mut merged = Spec::union(older, newer);
    patch(&mut merged);
    Schemas::finish(merged)
});

/// A JSON type as OpenAPI names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum JsonType {
    Boolean,
    Integer,
    Number,
    String,
    Array,
    Object,
}

impl JsonType {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "boolean" => JsonType::Boolean,
            "integer" => JsonType::Integer,
            "number" => JsonType::Number,
            "string" => JsonType::String,
            "array" => JsonType::Array,
            "object" => JsonType::Object,
            _ => return None,
        })
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            JsonType::Boolean => "boolean",
            JsonType::Integer => "integer",
            JsonType::Number => "number",
            JsonType::String => "string",
            JsonType::Array => "array",
            JsonType::Object => "object",
        }
    }

    /// Whether `value` is of this type (`null` is never; see `Node::nullable`).
    pub(super) fn accepts(self, value: &Value) -> bool {
        match (self, value) {
            (JsonType::Boolean, Value::Bool(_)) => true,
            (JsonType::Number, Value::Number(_)) => true,
            (JsonType::Integer, Value::Number(n)) => {
                n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            (JsonType::String, Value::String(_)) => true,
            (JsonType::Array, Value::Array(_)) => true,
            (JsonType::Object, Value::Object(_)) => true,
            _ => false,
        }
    }
}

/// One schema, reduced to the constraints the validator checks. A default
/// `Node` has none and accepts any value (an untyped subtree).
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Node {
    /// Accepted JSON types; empty means any.
    pub types: Vec<JsonType>,
    /// Whether `null` is accepted (`nullable: true`).
    pub nullable: bool,
    /// A string must be an ISO-8601 date-time (a patch; the specs only say `format`).
    pub iso_date_time: bool,
    /// The allowed values, when the schema lists them.
    pub enum_values: Option<Vec<Value>>,
    /// Known properties (others are allowed and not checked).
    pub properties: BTreeMap<String, Node>,
    /// Properties that must be present.
    pub required: Vec<String>,
    /// The schema of every array element.
    pub items: Option<Box<Node>>,
    /// The schema of every property value of a map-like object.
    pub additional: Option<Box<Node>>,
    /// Named (kept) schemas this one must also satisfy (`allOf`/`$ref`).
    pub refs: Vec<String>,
    /// A `oneOf`/`anyOf` union whose members are all typed.
    pub union: Option<Union>,
}

/// A `oneOf` union.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Union {
    /// The members, in spec order.
    pub members: Vec<Node>,
    /// How to pick the member, when every member is a named schema that fixes
    /// one property to its own values (provider, type, role).
    pub discriminator: Option<Discriminator>,
}

/// Picks a union member by the value of one property.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Discriminator {
    /// The property, e.g. `provider`.
    pub property: String,
    /// Each value of the property and the named schema it selects.
    pub values: Vec<(String, String)>,
    /// Whether every member requires the property.
    pub required: bool,
}

impl Node {
    fn is_any(&self) -> bool {
        *self == Node::default()
    }

    /// Compiles an OpenAPI schema object; `kept` are the named schemas the
    /// spec carries (a `$ref` to any other name is an untyped subtree).
    fn compile(schema: &Value, kept: &HashSet<String>) -> Node {
        let mut node = Node::default();
        let Some(schema) = schema.as_object() else {
            return node;
        };
        if let Some(name) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(ref_name)
        {
            if kept.contains(name) {
                node.refs.push(name.to_owned());
            }
        }
        match schema.get("type") {
            Some(Value::String(t)) => node.types.extend(JsonType::parse(t)),
            Some(Value::Array(ts)) => node.types.extend(
                ts.iter()
                    .filter_map(Value::as_str)
                    .filter_map(JsonType::parse),
            ),
            _ => {}
        }
        node.nullable = schema.get("nullable").and_then(Value::as_bool) == Some(true);
        node.enum_values = schema.get("enum").and_then(Value::as_array).cloned();
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (name, prop) in props {
                node.properties
                    .insert(name.clone(), Node::compile(prop, kept));
            }
        }
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            node.required = required
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
        }
        if let Some(items) = schema.get("items") {
            node.items = Some(Box::new(Node::compile(items, kept))).filter(|n| !n.is_any());
        }
        // Vapi's specs (NestJS-generated) repeat an array's item enum on the
        // array itself (`clientMessages`, `serverMessages`); read literally it
        // would reject every array. It belongs to the items.
        if node.types == [JsonType::Array] {
            if let Some(values) = node.enum_values.take() {
                let items = node.items.get_or_insert_with(Box::default);
                items.enum_values.get_or_insert(values);
            }
        }
        if let Some(additional) = schema.get("additionalProperties").filter(|v| v.is_object()) {
            node.additional =
                Some(Box::new(Node::compile(additional, kept))).filter(|n| !n.is_any());
        }
        // The specs only use `allOf` with one `$ref` (a described reference);
        // each member's own constraints are folded in as references.
        for member in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            node.refs.extend(Node::compile(member, kept).refs);
        }
        let members = ["oneOf", "anyOf"]
            .iter()
            .filter_map(|key| schema.get(*key).and_then(Value::as_array))
            .flatten()
            .map(|member| Node::compile(member, kept))
            .collect::<Vec<_>>();
        // A member we cannot type (a `$ref` to a schema that is not kept)
        // accepts anything, and so does the union: only all-typed unions check.
        if !members.is_empty() && !members.iter().any(Node::is_any) {
            node.union = Some(Union {
                members,
                discriminator: None,
            });
        }
        node
    }

    /// The node that accepts what either spec accepts, field by field: a
    /// constraint both specs state is widened (types, enum values and union
    /// members are joined, `required` is intersected, nested schemas merge),
    /// and a constraint only one spec states is kept (a property, items or a
    /// union known in one spec is checked against that spec).
    fn union(older: Node, newer: Node) -> Node {
        fn both<T>(a: Option<T>, b: Option<T>, f: impl FnOnce(T, T) -> T) -> Option<T> {
            match (a, b) {
                (Some(a), Some(b)) => Some(f(a, b)),
                (a, b) => a.or(b),
            }
        }
        let mut properties = older.properties;
        for (name, prop) in newer.properties {
            let merged = match properties.remove(&name) {
                Some(old) => Node::union(old, prop),
                None => prop,
            };
            properties.insert(name, merged);
        }
        Node {
            types: if older.types.is_empty() || newer.types.is_empty() {
                Vec::new()
            } else {
                join(older.types, newer.types)
            },
            nullable: older.nullable || newer.nullable,
            iso_date_time: older.iso_date_time && newer.iso_date_time,
            enum_values: both(older.enum_values, newer.enum_values, join),
            properties,
            required: older
                .required
                .into_iter()
                .filter(|name| newer.required.contains(name))
                .collect(),
            items: both(older.items, newer.items, |a, b| {
                Box::new(Node::union(*a, *b))
            }),
            additional: both(older.additional, newer.additional, |a, b| {
                Box::new(Node::union(*a, *b))
            }),
            refs: if older.refs.is_empty() {
                newer.refs
            } else if newer.refs.is_empty() {
                older.refs
            } else {
                // Both name schemas: only those named by both bind (none differ today).
                older
                    .refs
                    .into_iter()
                    .filter(|name| newer.refs.contains(name))
                    .collect()
            },
            union: both(older.union, newer.union, |a, b| Union {
                members: join(a.members, b.members),
                discriminator: None,
            }),
        }
    }

    /// Visits this node and every node below it (not through `refs`).
    fn for_each_mut(&mut self, f: &mut impl FnMut(&mut Node)) {
        f(self);
        for prop in self.properties.values_mut() {
            prop.for_each_mut(f);
        }
        if let Some(items) = &mut self.items {
            items.for_each_mut(f);
        }
        if let Some(additional) = &mut self.additional {
            additional.for_each_mut(f);
        }
        if let Some(union) = &mut self.union {
            for member in &mut union.members {
                member.for_each_mut(f);
            }
        }
    }
}

/// `a` followed by the elements of `b` it lacks.
fn join<T: PartialEq>(mut a: Vec<T>, b: Vec<T>) -> Vec<T> {
    for item in b {
        if !a.contains(&item) {
            a.push(item);
        }
    }
    a
}

/// `#/components/schemas/Call` -> `Call`.
fn ref_name(reference: &str) -> Option<&str> {
    reference.rsplit('/').next()
}

/// One trimmed spec (or the union of both), compiled.
#[derive(Debug, Default)]
struct Spec {
    /// Message type name -> schema name, for every member of the union.
    message_types: BTreeMap<String, String>,
    /// Kept schema name -> schema.
    schemas: BTreeMap<String, Node>,
}

impl Spec {
    fn parse(text: &str) -> Result<Spec, String> {
        let doc: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let message_types = doc
            .get("messageTypes")
            .and_then(Value::as_object)
            .ok_or("no messageTypes")?
            .iter()
            .filter_map(|(ty, name)| Some((ty.clone(), name.as_str()?.to_owned())))
            .collect();
        let raw = doc
            .get("schemas")
            .and_then(Value::as_object)
            .ok_or("no schemas")?;
        let kept: HashSet<String> = raw.keys().cloned().collect();
        let schemas = raw
            .iter()
            .map(|(name, schema)| (name.clone(), Node::compile(schema, &kept)))
            .collect();
        Ok(Spec {
            message_types,
            schemas,
        })
    }

    /// See [`Node::union`]; message types and schema names are joined.
    fn union(older: Spec, newer: Spec) -> Spec {
        let mut message_types = older.message_types;
        message_types.extend(newer.message_types);
        let mut schemas = older.schemas;
        for (name, schema) in newer.schemas {
            let merged = match schemas.remove(&name) {
                Some(old) => Node::union(old, schema),
                None => schema,
            };
            schemas.insert(name, merged);
        }
        Spec {
            message_types,
            schemas,
        }
    }
}

/// What the seeds and the real deliveries say that the specs do not.
fn patch(spec: &mut Spec) {
    // The conversation-message union (`artifact.messages[]` and friends) is
    // told apart by `role`, but the specs type `role` as a bare string. These
    // are the values Vapi sends (every fixture delivery agrees), so the union
    // can be discriminated like the phone-number and destination unions.
    for (schema, role) in [
        ("SystemMessage", "system"),
        ("BotMessage", "bot"),
        ("UserMessage", "user"),
        ("ToolCallMessage", "tool_calls"),
        ("ToolCallResultMessage", "tool_call_result"),
    ] {
        if let Some(prop) = spec
            .schemas
            .get_mut(schema)
            .and_then(|s| s.properties.get_mut("role"))
        {
            prop.enum_values = Some(vec![Value::from(role)]);
        }
    }
    // The transfer-update seed (the Rust model doc) documents `timestamp` as an
    // ISO-8601 string where the JSON schema says number: accept both.
    if let Some(ts) = spec
        .schemas
        .get_mut("ServerMessageTransferUpdate")
        .and_then(|s| s.properties.get_mut("timestamp"))
    {
        ts.types = vec![JsonType::Number, JsonType::String];
        ts.iso_date_time = true;
    }
}

/// The merged, patched schema set, with union discriminators worked out.
#[derive(Debug)]
pub(super) struct Schemas {
    /// Message type name -> schema name, known in either spec.
    pub message_types: BTreeMap<String, String>,
    /// Schema name -> schema.
    pub schemas: BTreeMap<String, Node>,
}

impl Schemas {
    fn finish(spec: Spec) -> Schemas {
        let Spec {
            message_types,
            mut schemas,
        } = spec;
        // Discriminators depend on the member schemas, so compute them from a
        // read-only copy of the set, then fill them in.
        let lookup = schemas.clone();
        for schema in schemas.values_mut() {
            schema.for_each_mut(&mut |node| {
                if let Some(union) = &mut node.union {
                    union.discriminator = discriminator(&union.members, &lookup);
                }
            });
        }
        Schemas {
            message_types,
            schemas,
        }
    }

    /// The schema of a message type, when calltap types it fully.
    pub(super) fn message_schema(&self, message_type: &str) -> Option<&Node> {
        self.schemas.get(self.message_types.get(message_type)?)
    }
}

/// The property that tells a union's members apart: every member is a named
/// schema that fixes it to string values no other member uses. `provider`,
/// `type` and `role` are tried first (the specs' conventions), then any other.
fn discriminator(members: &[Node], schemas: &BTreeMap<String, Node>) -> Option<Discriminator> {
    let named: Vec<(&String, &Node)> = members
        .iter()
        .map(|member| match member.refs.as_slice() {
            [name] if member.types.is_empty() && member.union.is_none() => {
                Some((name, schemas.get(name)?))
            }
            _ => None,
        })
        .collect::<Option<_>>()?;
    let (_, first) = named.first()?;
    let preferred = ["provider", "type", "role"];
    let candidates = preferred
        .iter()
        .map(|p| p.to_string())
        .chain(first.properties.keys().cloned());
    for property in candidates {
        let mut values: Vec<(String, String)> = Vec::new();
        let mut ok = true;
        for (name, schema) in &named {
            let fixed = schema
                .properties
                .get(&property)
                .and_then(|p| p.enum_values.as_ref());
            let Some(fixed) = fixed else {
                ok = false;
                break;
            };
            for value in fixed {
                match value.as_str() {
                    Some(v) if !values.iter().any(|(seen, _)| seen == v) => {
                        values.push((v.to_owned(), (*name).clone()));
                    }
                    _ => ok = false,
                }
            }
        }
        if ok {
            let required = named
                .iter()
                .all(|(_, schema)| schema.required.contains(&property));
            return Some(Discriminator {
                property,
                values,
                required,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_checked_in_specs_parse_and_keep_the_five_message_schemas() {
        for text in [SPEC_2025_06, SPEC_2026_08] {
            let spec = Spec::parse(text).expect("spec parses");
            for ty in [
                "status-update",
                "speech-update",
                "conversation-update",
                "transfer-update",
                "end-of-call-report",
            ] {
                let name = spec.message_types.get(ty).expect("type is in the union");
                assert!(spec.schemas.contains_key(name), "{name} kept");
            }
        }
    }

    #[test]
    fn the_union_joins_message_types_enums_and_intersects_required() {
        let schemas = &*SCHEMAS;
        assert_eq!(schemas.message_types.len(), 29);
        let status = schemas
            .message_schema("status-update")
            .and_then(|s| s.properties.get("status"))
            .and_then(|s| s.enum_values.as_ref())
            .expect("status has an enum");
        assert!(status.contains(&Value::from("not-found")));
        assert!(status.contains(&Value::from("queued")));
    }

    /// A one-schema spec for the merge tests.
    fn spec(schema: serde_json::Value) -> Spec {
        let doc = serde_json::json!({
            "messageTypes": {"ping": "Ping"},
            "schemas": {"Ping": schema},
        });
        Spec::parse(&doc.to_string()).expect("test spec parses")
    }

    #[test]
    fn merging_two_specs_widens_what_both_say_and_keeps_what_one_says() {
        let older = spec(serde_json::json!({
            "type": "object",
            "required": ["a", "b"],
            "properties": {
                "a": {"type": "string", "enum": ["x", "y"]},
                "b": {"type": "number"},
                "old": {"type": "boolean"}
            }
        }));
        let newer = spec(serde_json::json!({
            "type": "object",
            "required": ["a", "new"],
            "properties": {
                "a": {"type": "string", "enum": ["y", "z"]},
                "b": {"type": "string"},
                "new": {"type": "array", "items": {"type": "integer"}}
            }
        }));

        let merged = Spec::union(older, newer);

        let ping = &merged.schemas["Ping"];
        assert_eq!(ping.required, ["a"], "required only where both require");
        assert_eq!(
            ping.properties["a"].enum_values,
            Some(vec!["x".into(), "y".into(), "z".into()])
        );
        assert_eq!(
            ping.properties["b"].types,
            [JsonType::Number, JsonType::String]
        );
        assert_eq!(ping.properties["old"].types, [JsonType::Boolean]);
        assert!(ping.properties["new"].items.is_some());
    }

    #[test]
    fn integer_accepts_whole_numbers_only() {
        let accepts = |v: serde_json::Value| JsonType::Integer.accepts(&v);
        assert!(accepts(serde_json::json!(3)));
        assert!(accepts(serde_json::json!(3.0)));
        assert!(!accepts(serde_json::json!(3.5)));
        assert!(!accepts(serde_json::json!("3")));
    }

    #[test]
    fn an_enum_on_an_array_constrains_its_items() {
        let spec = spec(serde_json::json!({
            "type": "object",
            "properties": {"tags": {"type": "array", "enum": ["a"], "items": {"type": "string"}}}
        }));

        let tags = &spec.schemas["Ping"].properties["tags"];

        assert_eq!(tags.enum_values, None);
        assert_eq!(
            tags.items.as_ref().and_then(|i| i.enum_values.clone()),
            Some(vec!["a".into()])
        );
    }

    #[test]
    fn the_three_unions_of_the_brief_are_discriminated_by_their_property() {
        let schemas = &*SCHEMAS;
        let transfer = schemas
            .message_schema("transfer-update")
            .expect("transfer-update is typed");
        let by = |prop: &str| {
            transfer
                .properties
                .get(prop)
                .and_then(|p| p.union.as_ref())
                .and_then(|u| u.discriminator.as_ref())
                .map(|d| d.property.clone())
        };
        assert_eq!(by("destination").as_deref(), Some("type"));
        assert_eq!(by("phoneNumber").as_deref(), Some("provider"));
        let messages = schemas.schemas["Artifact"].properties["messages"]
            .items
            .as_ref()
            .and_then(|i| i.union.as_ref())
            .and_then(|u| u.discriminator.as_ref())
            .map(|d| d.property.clone());
        assert_eq!(messages.as_deref(), Some("role"));
    }
}
