//! The console over HTTP, without a browser: every page renders from a
//! real server's data; a browser's `GET /` goes to the console while other
//! clients keep the ingest path's 405; the assets are cached for a year;
//! the token's cookie opens the console and the API; without a token the
//! console is open on loopback only; the live rows arrive as SSE.

use std::time::Duration;

use calltap::config::Secret;
use calltap_protocol::auth::VapiSecretPlan;
use reqwest::header::{
    ACCEPT, CACHE_CONTROL, CONTENT_SECURITY_POLICY, COOKIE, LOCATION, SET_COOKIE,
};
use reqwest::redirect::Policy;

use calltap::config::ForwardConfig;

use crate::calls::{post_all, wait_projected};
use crate::forward::{tool_calls, Behaviour, Upstream};
use crate::helpers::{corpus, spawn_app, spawn_app_with, status_update, TestApp};

const HTML: &str = "text/html,application/xhtml+xml";

/// A client that does not follow redirects, to see them.
fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .expect("client")
}

async fn page(app: &TestApp, path: &str) -> (u16, String) {
    let response = app
        .client
        .get(format!("{}{path}", app.base))
        .header(ACCEPT, HTML)
        .send()
        .await
        .expect("GET");
    let status = response.status().as_u16();
    (status, response.text().await.expect("text"))
}

#[tokio::test]
async fn a_browsers_get_of_the_root_goes_to_the_console_and_other_clients_still_get_405() {
    let app = spawn_app().await;
    let client = no_redirects();

    let browser = client
        .get(format!("{}/", app.base))
        .header(ACCEPT, HTML)
        .send()
        .await
        .expect("GET");
    let curl = client
        .get(format!("{}/", app.base))
        .send()
        .await
        .expect("GET");

    assert_eq!(browser.status(), 303);
    assert_eq!(browser.headers()[LOCATION], "/ui/");
    assert_eq!(curl.status(), 405);
    assert_eq!(curl.headers()["allow"], "POST");
    assert_eq!(app.post(status_update("still-ingest")).await.status(), 200);
}

#[tokio::test]
async fn when_the_root_is_not_an_ingest_path_it_is_only_the_way_in_to_the_console() {
    let app = spawn_app_with(|c| c.ingest_paths = vec!["/webhook".into()]).await;
    let client = no_redirects();

    let browser = client
        .get(format!("{}/", app.base))
        .send()
        .await
        .expect("GET");
    let post = client
        .post(format!("{}/", app.base))
        .body(status_update("nowhere"))
        .send()
        .await
        .expect("POST");

    assert_eq!(browser.status(), 303);
    assert_eq!(browser.headers()[LOCATION], "/ui/");
    assert_eq!(post.status(), 404);
}

#[tokio::test]
async fn the_calls_lists_guessable_addresses_lead_to_it_with_their_filters() {
    let app = spawn_app().await;
    let client = no_redirects();

    for (path, location) in [
        ("/ui", "/ui/"),
        ("/ui/calls", "/ui/"),
        ("/ui/calls/", "/ui/"),
        ("/ui/calls?status=ended", "/ui/?status=ended"),
    ] {
        let response = client
            .get(format!("{}{path}", app.base))
            .header(ACCEPT, HTML)
            .send()
            .await
            .expect("GET");
        assert_eq!(response.status(), 308, "{path}");
        assert_eq!(response.headers()[LOCATION], location, "{path}");
    }
}

#[tokio::test]
async fn every_page_renders_from_the_recorded_calls_and_a_missing_one_is_a_clear_404() {
    let app = spawn_app().await;
    let last = post_all(&app, corpus()).await;
    wait_projected(&app, last).await;
    let calls = app.get_json("/api/v1/calls?limit=1000").await;
    let call = &calls["calls"][0];
    let id = call["id"].as_str().expect("id");

    let (status, list) = page(&app, "/ui/").await;
    assert_eq!(status, 200);
    for c in calls["calls"].as_array().expect("calls") {
        let id = c["id"].as_str().expect("id");
        assert!(
            list.contains(&format!("id=\"call-{id}\"")),
            "{id} is listed"
        );
    }
    let (status, detail) = page(&app, &format!("/ui/calls/{id}")).await;
    assert_eq!(status, 200);
    assert!(detail.contains("id=\"call-data\""), "the timeline's data");
    assert!(detail.contains("id=\"transcript"), "the transcript");
    assert!(
        detail.contains("data-open=\"/ui/deliveries/"),
        "the deliveries"
    );
    let (status, delivery) = page(&app, &format!("/ui/deliveries/{last}")).await;
    assert_eq!(status, 200);
    assert!(delivery.contains("Headers kept"));
    assert_eq!(page(&app, "/ui/stats").await.0, 200);
    assert_eq!(page(&app, "/ui/stats?range=24h").await.0, 200);
    assert_eq!(page(&app, "/ui/quarantine").await.0, 200);

    let (status, missing) = page(&app, "/ui/calls/no-such-call").await;
    assert_eq!(status, 404);
    assert!(
        missing.contains("No call with id no-such-call has been recorded."),
        "{missing}"
    );
    let (status, bad) = page(&app, "/ui/?since=yesterday").await;
    assert_eq!(status, 400);
    assert!(bad.contains("since must be epoch milliseconds or an RFC 3339 time"));
    assert_eq!(page(&app, "/ui/deliveries/x").await.0, 400);
    assert_eq!(page(&app, "/ui/stats?range=forever").await.0, 400);
}

#[tokio::test]
async fn a_forwarded_questions_answer_shows_beside_its_delivery() {
    let upstream = Upstream::start(Behaviour::ToolServer).await;
    let url = upstream.url.clone();
    let app = spawn_app_with(move |c| c.forward = Some(ForwardConfig::new(&url))).await;
    let response = app.post(tool_calls("c-tools", 1, None)).await;
    assert_eq!(response.status(), 200);
    let seq = response.headers()["x-calltap-seq"]
        .to_str()
        .expect("ascii")
        .to_owned();
    wait_projected(&app, seq.parse().expect("a seq")).await;
    // The answer is written after it is sent, in a commit of its own.
    crate::forward::json_when(&app, &format!("/api/v1/events/{seq}"), |event| {
        !event["answer"].is_null()
    })
    .await;

    let (status, call) = page(&app, "/ui/calls/c-tools").await;
    let (_, delivery) = page(&app, &format!("/ui/deliveries/{seq}")).await;

    assert_eq!(status, 200);
    assert!(call.contains("answered: app 200"), "{call}");
    assert!(delivery.contains("Answer sent back"), "{delivery}");
    assert!(delivery.contains("done:"), "the app's answer: {delivery}");
}

#[tokio::test]
async fn pages_forbid_foreign_scripts_and_assets_are_cached_for_a_year_under_hashed_names() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(format!("{}/ui/", app.base))
        .send()
        .await
        .expect("GET");
    let csp = response.headers()[CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("ascii")
        .to_owned();
    let html = response.text().await.expect("text");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    let css = html
        .split("href=\"")
        .find_map(|rest| rest.split('"').next().filter(|h| h.ends_with(".css")))
        .expect("a stylesheet")
        .to_owned();
    assert!(css.starts_with("/ui/assets/console."), "{css}");

    let asset = app.get(&css).await;
    assert_eq!(asset.status(), 200);
    assert_eq!(
        asset.headers()[CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    let etag = asset.headers()["etag"].clone();
    let again = app
        .client
        .get(format!("{}{css}", app.base))
        .header("if-none-match", etag)
        .send()
        .await
        .expect("GET");
    assert_eq!(again.status(), 304);
    assert_eq!(app.get("/ui/assets/console.css").await.status(), 404);
}

#[tokio::test]
async fn with_an_api_token_the_console_asks_for_it_and_its_cookie_opens_the_console_and_the_api() {
    let app = spawn_app_with(|c| c.api_token = Some(Secret::new("ui-token"))).await;
    let client = no_redirects();
    let get = |path: &str, cookie: Option<&str>| {
        let mut request = client
            .get(format!("{}{path}", app.base))
            .header(ACCEPT, HTML);
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, cookie);
        }
        request.send()
    };

    let asked = get("/ui/stats?range=7d", None).await.expect("GET");
    assert_eq!(asked.status(), 303);
    assert_eq!(
        asked.headers()[LOCATION],
        "/ui/login?next=%2Fui%2Fstats%3Frange%3D7d"
    );
    let wrong = client
        .post(format!("{}/ui/login", app.base))
        .form(&[("token", "nope"), ("next", "/ui/stats")])
        .send()
        .await
        .expect("POST");
    assert_eq!(wrong.status(), 401);
    assert!(wrong.headers().get(SET_COOKIE).is_none());
    let right = client
        .post(format!("{}/ui/login", app.base))
        .form(&[
            ("token", "ui-token"),
            ("next", "https://elsewhere.example/"),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(right.status(), 303);
    assert_eq!(right.headers()[LOCATION], "/ui/", "never to another site");
    let set = right.headers()[SET_COOKIE]
        .to_str()
        .expect("ascii")
        .to_owned();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set.contains(attribute), "{set}");
    }
    assert!(!set.contains("ui-token"), "the token is encoded: {set}");
    let cookie = set.split(';').next().expect("name=value");

    assert_eq!(get("/ui/", Some(cookie)).await.expect("GET").status(), 200);
    assert_eq!(
        get("/api/v1/calls", Some(cookie))
            .await
            .expect("GET")
            .status(),
        200
    );
    let forged = "calltap_api_token=bm9wZQ";
    assert_eq!(
        get("/api/v1/calls", Some(forged))
            .await
            .expect("GET")
            .status(),
        401
    );
    let fetch = client
        .get(format!("{}/ui/live/calls", app.base))
        .header(ACCEPT, "text/event-stream")
        .send()
        .await
        .expect("GET");
    assert_eq!(fetch.status(), 401, "a stream is refused, not redirected");
}

#[tokio::test]
async fn without_a_token_on_a_non_loopback_address_the_console_is_closed() {
    // Bound to every interface (reached over loopback), with ingest auth so
    // that the server starts, and no API token.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = calltap::config::Config {
        db: dir.path().join("calltap.db"),
        ..calltap::config::Config::default()
    };
    config
        .auth
        .push(VapiSecretPlan::new("ingest-secret").into());
    let listener = tokio::net::TcpListener::bind("0.0.0.0:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(calltap::server::run(config, listener, async move {
        let _ = stopped.await;
    }));
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut closed = None;
    for _ in 0..200 {
        if let Ok(response) = client.get(format!("{base}/ui/")).send().await {
            closed = Some(response);
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let closed = closed.expect("the server answers");

    assert_eq!(closed.status(), 403);
    assert!(closed
        .text()
        .await
        .expect("text")
        .contains("Start calltap with --api-token"));
    let _ = stop.send(());
    server.await.expect("task").expect("clean stop");
}

#[tokio::test]
async fn the_live_rows_of_the_calls_page_arrive_as_server_sent_events() {
    let app = spawn_app().await;
    let mut stream = app
        .client
        .get(format!("{}/ui/live/calls?status=in-progress", app.base))
        .send()
        .await
        .expect("stream opens");
    assert_eq!(stream.headers()["content-type"], "text/event-stream");

    assert_eq!(app.post(status_update("live-1")).await.status(), 200);
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !text.contains("\n\n") {
        let chunk = tokio::time::timeout_at(deadline, stream.chunk())
            .await
            .expect("a row in time")
            .expect("readable")
            .expect("not ended");
        text.push_str(&String::from_utf8_lossy(&chunk));
    }

    assert!(text.starts_with("id: "), "{text}");
    assert!(
        text.contains("event: row\ndata: {\"id\":\"live-1\""),
        "{text}"
    );
    assert!(text.contains("<tr id=\\\"call-live-1\\\""), "{text}");
}
