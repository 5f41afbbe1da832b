//! The OpenAPI document of every HTTP endpoint under `/api`, plus the
//! health and metrics routes, generated from the handlers' `#[utoipa::path]`
//! attributes and the wire types' `ToSchema` derives, served at
//! `/api/openapi.json` (without the API token: it describes the API and
//! holds no data).
//!
//! The document is checked in at `crates/calltap/openapi.json`; a test
//! compares it with the generated one byte for byte, so any change to the
//! API contract shows up in review. Regenerate with
//! `UPDATE_OPENAPI=1 cargo test -p calltap --lib openapi`.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The aggregated document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "calltap",
        description = "The query API of calltap, the receiver of Vapi server messages: the event log, the quarantine, call state (eventually consistent with the log: every calls answer carries `x-calltap-projected-seq`), fleet statistics and live streams. Times are epoch milliseconds. When the server has an API token, every `/api/v1` route needs `Authorization: Bearer <token>`."
    ),
    paths(
        super::events::list,
        super::events::one,
        super::events::raw,
        super::events::response_raw,
        super::stream::stream,
        super::quarantine::list,
        super::quarantine::raw,
        super::calls::list,
        super::calls::detail,
        super::calls::events,
        super::calls::tool_calls,
        super::call_stream::stream,
        super::stats::stats,
        super::forward::status,
        super::forward::dead,
        super::forward::retry,
        super::health::healthz,
        super::health::readyz,
        super::metrics::render,
    ),
    // Query-string enums are referenced by name but not collected by
    // `IntoParams`: list them here so no `$ref` dangles.
    components(schemas(super::stats::GroupByIn)),
    modifiers(&ApiToken),
    tags(
        (name = "events", description = "The log: every accepted delivery, byte for byte."),
        (name = "quarantine", description = "Rejected bodies and why."),
        (name = "calls", description = "Call state rebuilt from the log, and fleet statistics."),
        (name = "forward", description = "The outboxes that pass deliveries on to the team's app: counts, dead letters, retries."),
        (name = "ops", description = "Health, readiness and Prometheus metrics; never behind the API token."),
    )
)]
pub struct ApiDoc;

/// Declares the `api_token` bearer scheme the paths refer to.
struct ApiToken;

impl Modify for ApiToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The server's `--api-token`, when one is set. The web console's \
                         `calltap_api_token` cookie (set by its login) is accepted in its place.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The document as served and checked in: pretty JSON and a final newline.
pub fn document() -> String {
    let mut text = ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|err| format!("{{\"error\": \"{err}\"}}"));
    text.push('\n');
    text
}

/// `GET /api/openapi.json` (never behind the API token: the document
/// describes the API without revealing any of its data); no state.
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/api/openapi.json", get(serve))
}

/// `GET /api/openapi.json`.
pub async fn serve() -> impl IntoResponse {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    (
        [(header::CONTENT_TYPE, "application/json")],
        DOCUMENT.get_or_init(document).clone(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_checked_in_openapi_document_is_the_generated_one() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
        let generated = super::document();
        if std::env::var_os("UPDATE_OPENAPI").is_some() {
            std::fs::write(&path, &generated).expect("write openapi.json");
        }
        let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            checked_in == generated,
            "{} differs from the generated OpenAPI document; if the API change is \
             intended, regenerate it with `UPDATE_OPENAPI=1 cargo test -p calltap --lib openapi` \
             and commit it",
            path.display()
        );
    }

    /// OpenAPI requires each `operationId` to be unique; client generators
    /// name their methods after it. utoipa's default is the handler's
    /// function name, which several modules share (`list`, `raw`, `stream`).
    #[test]
    fn every_operation_has_its_own_operation_id() {
        let document: serde_json::Value =
            serde_json::from_str(&super::document()).expect("the document is JSON");
        let mut ids = Vec::new();
        for (path, methods) in document["paths"].as_object().expect("paths") {
            for (method, operation) in methods.as_object().expect("methods") {
                let id = operation["operationId"].as_str();
                assert!(id.is_some(), "{method} {path} has no operationId");
                ids.extend(id.map(str::to_owned));
            }
        }
        let count = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), count, "repeated operationIds among {ids:?}");
    }

    /// Whether `value` is of a type `schema` names (a schema naming no
    /// type takes any value).
    fn type_allows(schema: &serde_json::Value, value: &serde_json::Value) -> bool {
        use serde_json::Value;
        let named = |name: &str| match value {
            Value::Null => name == "null",
            Value::Bool(_) => name == "boolean",
            Value::Number(n) => name == "number" || (name == "integer" && n.is_i64()),
            Value::String(_) => name == "string",
            Value::Array(_) => name == "array",
            Value::Object(_) => name == "object",
        };
        match &schema["type"] {
            Value::String(name) => named(name),
            Value::Array(names) => names.iter().filter_map(Value::as_str).any(named),
            _ => true,
        }
    }

    /// Vapi sends a tool call's arguments as an object or as a string of
    /// JSON (OpenAI's form), and `GET /api/v1/calls/{id}/tool-calls` passes
    /// them on as they came, so its document must take both (it said
    /// object or null, and schemathesis caught a string in a response).
    #[test]
    fn a_tool_calls_documented_arguments_take_an_object_and_a_string_of_json() {
        let document: serde_json::Value =
            serde_json::from_str(&super::document()).expect("the document is JSON");
        let arguments =
            &document["components"]["schemas"]["AnsweredToolCall"]["properties"]["arguments"];
        assert!(arguments.is_object(), "no schema for the arguments");
        for sent in [
            serde_json::json!({"orderNumber": "NW-9908418"}),
            serde_json::json!("{\"orderNumber\":\"NW-9908418\"}"),
            serde_json::Value::Null,
        ] {
            assert!(type_allows(arguments, &sent), "{arguments} refuses {sent}");
        }
    }
}
