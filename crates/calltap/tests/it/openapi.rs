//! The OpenAPI document against the server: each bound it states for a
//! query parameter is the bound the server keeps (the value at the bound
//! is taken, the one past it refused with a 400 and a reason), and what it
//! allows without a bound is taken. A property-based tester drives the
//! whole document (`tools/schemathesis.sh`); this is its fast, offline core.

use serde_json::Value;

use super::helpers::spawn_app;

/// A value the parameter's schema allows, for the requests that vary
/// another parameter: its documented default or minimum, else none.
fn neutral(schema: &Value) -> Option<String> {
    schema
        .get("default")
        .or_else(|| schema.get("minimum"))
        .map(Value::to_string)
}

#[tokio::test]
async fn every_documented_bound_of_a_query_parameter_is_the_servers() {
    let app = spawn_app().await;
    let doc: Value = app
        .client
        .get(format!("{}/api/openapi.json", app.base))
        .send()
        .await
        .expect("document")
        .json()
        .await
        .expect("JSON");
    let mut checked = 0;
    for (path, operations) in doc["paths"].as_object().expect("paths") {
        let Some(get) = operations.get("get") else {
            continue;
        };
        // Path parameters get a value of their type; an unknown id or
        // seq is a 404, which is not what is checked here.
        let path = path.replace("{seq}", "1").replace("{id}", "1");
        let params: Vec<&Value> = get["parameters"]
            .as_array()
            .map(|p| p.iter().filter(|p| p["in"] == "query").collect())
            .unwrap_or_default();
        for param in &params {
            let name = param["name"].as_str().expect("a name");
            let schema = &param["schema"];
            if schema["type"] != "integer" {
                continue;
            }
            let mut cases = Vec::new();
            match schema.get("minimum").and_then(Value::as_i64) {
                Some(min) => {
                    cases.push((min, true));
                    cases.push((min - 1, false));
                }
                None => cases.push((-1, true)),
            }
            if let Some(max) = schema.get("maximum").and_then(Value::as_i64) {
                cases.push((max, true));
                cases.push((max + 1, false));
            }
            for (value, allowed) in cases {
                let mut query = vec![format!("{name}={value}")];
                for other in &params {
                    if other["name"] != param["name"] {
                        if let Some(v) = neutral(&other["schema"]) {
                            query.push(format!("{}={v}", other["name"].as_str().expect("name")));
                        }
                    }
                }
                let url = format!("{}{path}?{}", app.base, query.join("&"));
                let answer = app.client.get(&url).send().await.expect("GET");
                let status = answer.status().as_u16();
                if allowed {
                    assert_ne!(status, 400, "{url}: the document allows it");
                    assert!(status < 500, "{url}: {status}");
                } else {
                    assert_eq!(status, 400, "{url}: the document forbids it");
                    let body: Value = answer.json().await.expect("a JSON error");
                    assert!(
                        body["error"].as_str().is_some_and(|e| e.contains(name)),
                        "{url}: the reason names {name}: {body}"
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 20, "checked {checked} bounds");
}

#[tokio::test]
async fn times_and_cursors_of_the_documented_forms_are_taken_and_others_refused() {
    let app = spawn_app().await;
    let get = |query: &str| {
        let url = format!("{}/api/v1/{query}", app.base);
        let client = app.client.clone();
        async move {
            let status = client.get(&url).send().await.expect("GET").status();
            (url, status.as_u16())
        }
    };
    for ok in [
        "calls?since=0&until=-1",
        "calls?since=2025-06-19T06:27:05.773Z&until=2025-06-19T08:27:05%2B02:00",
        "calls?cursor=0.",
        "calls?cursor=-17.00ff",
        "stats?since=9223372036854775807",
        "stats?until=0001-01-01T00:00:00Z",
    ] {
        let (url, status) = get(ok).await;
        assert_eq!(status, 200, "{url}");
    }
    for bad in [
        "calls?since=",
        "calls?until=yesterday",
        "stats?since=",
        "calls?cursor=",
        "calls?cursor=abc",
        "calls?cursor=1.f",
    ] {
        let (url, status) = get(bad).await;
        assert_eq!(status, 400, "{url}");
    }
}

#[tokio::test]
async fn the_lowest_seq_in_a_path_is_not_found_rather_than_a_dropped_connection() {
    // Found by schemathesis: `seq - 1` overflowed and the handler panicked.
    let app = spawn_app().await;
    app.post(super::helpers::status_update("c1")).await;
    for path in [
        "/api/v1/events/-9223372036854775808",
        "/api/v1/events/-9223372036854775808/raw",
        "/api/v1/events/-9223372036854775808/response/raw",
        "/ui/deliveries/-9223372036854775808",
    ] {
        let answer = app
            .client
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap_or_else(|err| panic!("{path}: {err}"));
        assert_eq!(answer.status(), 404, "{path}");
    }
}

#[tokio::test]
async fn a_retry_body_is_taken_exactly_when_its_documented_schema_allows_it() {
    // Found by schemathesis: `{"seq": 5.0}` is a JSON Schema integer, and
    // `{"all": true, "seq": 0}` was allowed by the document. Nothing is
    // forwarded here, so a body that is taken gets 404 (no outbox).
    let app = spawn_app().await;
    let cases = [
        (r#"{"seq": 5}"#, 404),
        (r#"{"seq": 5.0}"#, 404),
        (r#"{"seq": 5, "all": false, "destination": null}"#, 404),
        (r#"{"all": true}"#, 404),
        (r#"{"all": true, "seq": 0}"#, 400),
        (r#"{"all": false}"#, 400),
        (r#"{}"#, 400),
        (r#"{"seq": 5.5}"#, 400),
        (r#"{"seq": 5, "extra": 1}"#, 400),
    ];
    for (body, status) in cases {
        let answer = app
            .client
            .post(format!("{}/api/v1/forward/retry", app.base))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("POST");
        assert_eq!(answer.status(), status, "{body}");
    }
}
