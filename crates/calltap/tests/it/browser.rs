//! The console in a real headless Chromium, driven over WebDriver
//! (fantoccini and Debian's `chromedriver`), against a real `calltap
//! serve` fed by `calltap simulate`: the calls page lists every call and
//! takes new ones live; a call page's timeline has one bar per speech
//! interval and each latency as the API reports it; transcript and
//! timeline select each other; the fleet, quarantine and login pages work;
//! no page logs a console error; the keyboard reaches every control.
//! Screenshots of every page at 1440×900 and 390×844 go to
//! `target/ui-screenshots/`.
//!
//! They run when `CALLTAP_TEST_CHROMEDRIVER` names a chromedriver (`.ci/run`
//! installs Chromium and sets it); without it they say so and pass.

use std::collections::{BTreeSet, HashSet};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;
use serde_json::{json, Value};
use tempfile::TempDir;

use crate::process::free_port;

/// One Chromium at a time: the machine has two cores.
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The two window sizes every page is shot at: a laptop and a phone.
const SIZES: [(u32, u32); 2] = [(1440, 900), (390, 844)];

/// A process killed with its whole group when dropped (Chromium's
/// children too), also when a test panics.
struct Group(Child);

impl Drop for Group {
    fn drop(&mut self) {
        let _ = killpg(Pid::from_raw(self.0.id() as i32), Signal::SIGKILL);
        let _ = self.0.wait();
    }
}

/// `POST /session/{id}/se/log`: the browser's console since the last call.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(r#"{"type":"browser"}"#.to_owned()))
    }
}

/// A served calltap, a browser, and where screenshots go.
struct Console {
    base: String,
    api_token: Option<String>,
    client: Client,
    http: reqwest::Client,
    _dir: TempDir,
    _server: Group,
    _driver: Group,
    _one: tokio::sync::MutexGuard<'static, ()>,
}

impl Console {
    /// A `calltap serve` (with `--api-token` when given) and a Chromium;
    /// `None` (and a line on stderr) when no chromedriver is configured.
    async fn start(api_token: Option<&str>) -> Option<Console> {
        let Some(driver_bin) = std::env::var_os("CALLTAP_TEST_CHROMEDRIVER") else {
            eprintln!("CALLTAP_TEST_CHROMEDRIVER is not set: the browser tests do not run");
            return None;
        };
        let one = ONE_BROWSER.lock().await;
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let mut serve = Command::new(env!("CARGO_BIN_EXE_calltap"));
        serve
            .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--db"])
            .arg(dir.path().join("calltap.db"))
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(if std::env::var_os("TEST_LOG").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .process_group(0);
        if let Some(token) = api_token {
            serve.args(["--api-token", token]);
        }
        let server = Group(serve.spawn().expect("start calltap serve"));
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        wait_until("calltap answers /healthz", Duration::from_secs(20), || {
            let url = format!("{base}/healthz");
            let http = http.clone();
            async move {
                http.get(url)
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success())
            }
        })
        .await;

        let driver_port = free_port();
        let driver = Group(
            Command::new(driver_bin)
                .arg(format!("--port={driver_port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .process_group(0)
                .spawn()
                .expect("start chromedriver"),
        );
        let profile = dir.path().join("chromium-profile");
        let capabilities = json!({
            "goog:chromeOptions": {
                "binary": std::env::var("CALLTAP_TEST_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned()),
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--hide-scrollbars",
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
            "goog:loggingPrefs": { "browser": "ALL" },
        });
        let capabilities = match capabilities {
            Value::Object(map) => map,
            _ => unreachable!("a JSON object"),
        };
        let driver_url = format!("http://127.0.0.1:{driver_port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities.clone())
                .connect(&driver_url)
                .await
            {
                Ok(client) => break client,
                Err(err) if Instant::now() > deadline => panic!("no WebDriver session: {err}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        let console = Console {
            base,
            api_token: api_token.map(str::to_owned),
            client,
            http,
            _dir: dir,
            _server: server,
            _driver: driver,
            _one: one,
        };
        console.resize(SIZES[0]).await;
        Some(console)
    }

    /// Plays `calls` simulated calls into the server, as fast as it takes them.
    async fn simulate(&self, calls: u32, seed: u32, extra: &[&str]) {
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_calltap"))
            .args(["simulate", "--to", &format!("{}/", self.base), "--calls"])
            .arg(calls.to_string())
            .args([
                "--max-speed",
                "--no-progress",
                "--concurrency",
                "8",
                "--seed",
            ])
            .arg(seed.to_string())
            .args(extra)
            .output()
            .await
            .expect("calltap simulate runs");
        assert!(
            out.status.success(),
            "simulate failed: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }

    /// `GET` an API path as JSON (with the token when there is one).
    async fn api(&self, path: &str) -> Value {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(token) = &self.api_token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("API answers");
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.expect("JSON")
    }

    /// The ids of every call the API lists, once the projector has them all.
    async fn call_ids(&self, expected: usize) -> BTreeSet<String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let page = self.api("/api/v1/calls?limit=1000").await;
            let ids: BTreeSet<String> = page["calls"]
                .as_array()
                .expect("calls")
                .iter()
                .filter_map(|c| c["id"].as_str().map(str::to_owned))
                .collect();
            let ended = page["calls"]
                .as_array()
                .expect("calls")
                .iter()
                .all(|c| c["status"] == "ended");
            if ids.len() >= expected && ended {
                return ids;
            }
            assert!(
                Instant::now() < deadline,
                "only {} calls projected",
                ids.len()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn open(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .expect("the page loads");
    }

    async fn js(&self, script: &str) -> Value {
        self.client
            .execute(script, Vec::new())
            .await
            .unwrap_or_else(|err| panic!("script failed: {err}\n{script}"))
    }

    /// Waits until `script` returns `true`.
    async fn wait_js(&self, what: &str, script: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while self.js(script).await != Value::Bool(true) {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clicks the first `selector` (a row's "Open") and returns the text of
    /// the bytes the viewer dialog shows.
    async fn open_in_viewer(&self, selector: &str) -> String {
        self.client
            .find(Locator::Css(selector))
            .await
            .expect("something to open")
            .click()
            .await
            .expect("open it");
        self.wait_js(
            "the viewer",
            "return !!document.querySelector('#viewer[open] pre.json')",
        )
        .await;
        self.js("return document.querySelector('#viewer pre.json').textContent")
            .await
            .as_str()
            .expect("text")
            .to_owned()
    }

    /// The console's error-level entries since the last call.
    async fn console_errors(&self) -> Vec<String> {
        let log = self
            .client
            .issue_cmd(BrowserLog)
            .await
            .expect("browser log");
        log.as_array()
            .map(|entries| {
                entries
                    .iter()
                    .filter(|e| e["level"] == "SEVERE")
                    .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    async fn assert_no_console_errors(&self, page: &str) {
        let errors = self.console_errors().await;
        assert!(errors.is_empty(), "console errors on {page}: {errors:#?}");
    }

    /// Sets the viewport (not the window) to `size`.
    async fn resize(&self, (width, height): (u32, u32)) {
        self.client
            .set_window_size(width, height)
            .await
            .expect("window size");
        let inner = self
            .js("return [window.innerWidth, window.innerHeight]")
            .await;
        let dw = width as i64 - inner[0].as_i64().unwrap_or(width as i64);
        let dh = height as i64 - inner[1].as_i64().unwrap_or(height as i64);
        if dw != 0 || dh != 0 {
            self.client
                .set_window_size((width as i64 + dw) as u32, (height as i64 + dh) as u32)
                .await
                .expect("window size");
        }
    }

    /// Screenshots of the page at both sizes, to `target/ui-screenshots/`.
    async fn screenshots(&self, name: &str) {
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        self.js("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); return true")
            .await;
        for size in SIZES {
            self.resize(size).await;
            // Let the page lay itself out for the new width (the timeline
            // refits on resize).
            tokio::time::sleep(Duration::from_millis(300)).await;
            let png = self.client.screenshot().await.expect("screenshot");
            assert!(png.starts_with(b"\x89PNG"), "a PNG");
            std::fs::write(dir.join(format!("{name}-{}x{}.png", size.0, size.1)), png)
                .expect("write screenshot");
        }
        self.resize(SIZES[0]).await;
    }

    /// Types `token` into the login form and submits it with Enter.
    async fn sign_in(&self, token: &str) {
        let field = self
            .client
            .find(Locator::Id("token"))
            .await
            .expect("the token field");
        field.send_keys(token).await.expect("type");
        field
            .send_keys(&char::from(Key::Enter).to_string())
            .await
            .expect("submit");
    }

    /// What every page must be: no console error, every control reached
    /// by the keyboard; then its screenshots, as `shot`.
    async fn assert_sound(&self, page: &str, shot: &str) {
        self.assert_no_console_errors(page).await;
        self.assert_keyboard_reaches_every_control(page).await;
        self.screenshots(shot).await;
    }

    /// Presses Tab until focus comes back round and checks that every
    /// visible control of the page was reached. A live page may replace a
    /// row (and its link) between the marking and the walk, so a walk that
    /// misses controls is made once more over controls marked again: a
    /// control the keyboard cannot reach is missed both times.
    async fn assert_keyboard_reaches_every_control(&self, page: &str) {
        let mut missed = self.keyboard_walk(page).await;
        if !missed.is_empty() {
            missed = self.keyboard_walk(page).await;
        }
        assert!(
            missed.is_empty(),
            "the keyboard does not reach these controls of {page}: {missed:#?}"
        );
    }

    /// One walk: marks the visible controls, presses Tab until all were
    /// focused or the presses run out, and returns those never focused.
    async fn keyboard_walk(&self, page: &str) -> Vec<Value> {
        let controls = self
            .js(
                r#"const sel = 'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea, summary, [tabindex]:not([tabindex="-1"])';
                   const all = [...document.querySelectorAll(sel)].filter((e) => e.getClientRects().length > 0 && !e.closest('dialog:not([open])'));
                   all.forEach((e, i) => { e.dataset.kb = String(i); });
                   document.activeElement && document.activeElement.blur();
                   window.scrollTo(0, 0);
                   return all.map((e) => e.outerHTML.slice(0, 80));"#,
            )
            .await;
        let controls = controls.as_array().cloned().unwrap_or_default();
        assert!(!controls.is_empty(), "{page} has controls");
        let mut reached = HashSet::new();
        // Scrollable boxes and the page itself are tab stops too, so allow
        // for more presses than controls.
        for _ in 0..2 * controls.len() + 20 {
            let tab = KeyActions::new("keyboard".to_owned())
                .then(KeyAction::Down {
                    value: Key::Tab.into(),
                })
                .then(KeyAction::Up {
                    value: Key::Tab.into(),
                });
            self.client.perform_actions(tab).await.expect("Tab");
            let focused = self
                .js("return document.activeElement && document.activeElement.dataset.kb || null")
                .await;
            if let Some(index) = focused.as_str() {
                reached.insert(index.to_owned());
            }
            if reached.len() == controls.len() {
                break;
            }
        }
        controls
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !reached.contains(&i.to_string()))
            .map(|(_, c)| c)
            .collect()
    }
}

fn screenshot_dir() -> PathBuf {
    // `CARGO_TARGET_TMPDIR` is `<target>/tmp`.
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map_or_else(|| PathBuf::from("target"), PathBuf::from)
        .join("ui-screenshots")
}

async fn wait_until<F, Fut>(what: &str, timeout: Duration, mut ready: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + timeout;
    while !ready().await {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_calls_page_lists_every_simulated_call_and_shows_a_new_one_without_reload() {
    let Some(console) = Console::start(None).await else {
        return;
    };
    console.simulate(12, 7, &[]).await;
    let ids = console.call_ids(12).await;

    console.open("/ui/").await;
    let shown = console
        .js("return [...document.querySelectorAll('#call-rows tr')].map((tr) => tr.dataset.id)")
        .await;
    let shown: BTreeSet<String> = shown
        .as_array()
        .expect("ids")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    assert_eq!(shown, ids, "the page lists exactly the API's calls");
    console.assert_no_console_errors("the calls page").await;
    console
        .wait_js(
            "the live stream",
            "return document.getElementById('live-state').textContent === 'Live'",
        )
        .await;

    // A call started after the page opened appears, and the page was not
    // reloaded (a mark left on `window` survives).
    console.js("window.__stillHere = true; return true").await;
    console.simulate(1, 4242, &[]).await;
    let all = console.call_ids(13).await;
    let new_id = all.difference(&ids).next().expect("a new call").clone();
    console
        .wait_js(
            "the new call's row",
            &format!(
                "return !!document.getElementById({:?})",
                format!("call-{new_id}")
            ),
        )
        .await;
    assert_eq!(
        console.js("return window.__stillHere === true").await,
        json!(true)
    );
    assert_eq!(
        console
            .js("return document.querySelectorAll('#call-rows tr').length")
            .await,
        json!(13)
    );
    console.assert_sound("the calls page", "calls").await;

    // Filters live in the URL and select what the API selects.
    console.open("/ui/?status=ended&assistant=nobody").await;
    assert_eq!(
        console
            .js("return document.querySelectorAll('#call-rows tr').length")
            .await,
        json!(0)
    );
    assert_eq!(
        console
            .js("return !document.getElementById('no-calls').hidden")
            .await,
        json!(true)
    );
    console
        .assert_no_console_errors("a filtered calls page")
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_page_draws_a_bar_per_speech_interval_each_latency_as_the_api_reports_it_and_selects_both_ways(
) {
    let Some(console) = Console::start(None).await else {
        return;
    };
    console
        .simulate(
            6,
            11,
            &[
                "--interruption-rate",
                "0.4",
                "--tool-call-rate",
                "0.5",
                "--transfer-updates",
                "--min-turns",
                "5",
                "--max-turns",
                "9",
            ],
        )
        .await;
    let ids = console.call_ids(6).await;
    // The call with the most speech.
    let mut best: Option<Value> = None;
    for id in &ids {
        let detail = console.api(&format!("/api/v1/calls/{id}")).await;
        let len = detail["speech"].as_array().map_or(0, Vec::len);
        if best
            .as_ref()
            .is_none_or(|b| b["speech"].as_array().map_or(0, Vec::len) < len)
        {
            best = Some(detail);
        }
    }
    let detail = best.expect("a call");
    let id = detail["id"].as_str().expect("id");

    console.open(&format!("/ui/calls/{id}")).await;
    console
        .wait_js(
            "the timeline",
            "return document.getElementById('timeline').dataset.drawn === 'true'",
        )
        .await;

    // One bar per speech interval of the API.
    let bars = console
        .js("return document.querySelectorAll('#timeline .speech-bar').length")
        .await;
    let speech = detail["speech"].as_array().expect("speech").len();
    assert!(speech > 4, "a call with speech");
    assert_eq!(bars, json!(speech));

    // Each turn's latency, as the API reports it and written as the
    // console writes durations.
    let expected: Vec<Value> = detail["turns"]
        .as_array()
        .expect("turns")
        .iter()
        .filter_map(|t| t["latency_ms"].as_i64())
        .map(|ms| json!([ms.to_string(), calltap::ui::format::duration(ms)]))
        .collect();
    assert!(!expected.is_empty(), "a call with measured turns");
    let shown = console
        .js("return [...document.querySelectorAll('#timeline .latency')].map((g) => [g.dataset.latencyMs, g.querySelector('text').textContent])")
        .await;
    assert_eq!(shown, Value::Array(expected));
    assert!(
        console
            .js("return [...document.querySelectorAll('#timeline .latency text')].some((t) => !t.classList.contains('hidden'))")
            .await
            == json!(true),
        "some latency labels are visible at the fitted zoom"
    );

    // Selecting a transcript line highlights its interval on the timeline.
    let line = console
        .client
        .find(Locator::Css("#transcript li[data-role='user'][data-at]"))
        .await
        .expect("a user line");
    line.click().await.expect("click");
    let selection = console
        .js(r##"const line = document.querySelector("#transcript [aria-selected='true']");
               const bars = [...document.querySelectorAll('#timeline .speech-bar.selected')];
               const d = JSON.parse(document.getElementById('call-data').textContent);
               return { role: line && line.dataset.role, at: Number(line.dataset.at), end: Number(line.dataset.end),
                        bars: bars.map((b) => d.speech[Number(b.dataset.index)]),
                        band: document.querySelector('#timeline .band').getAttribute('visibility') };"##)
        .await;
    assert_eq!(selection["role"], "user");
    assert_eq!(selection["band"], "visible");
    let selected = selection["bars"].as_array().expect("bars");
    assert!(!selected.is_empty(), "a bar is highlighted: {selection}");
    let (at, end) = (
        selection["at"].as_i64().expect("at"),
        selection["end"].as_i64().expect("end"),
    );
    for bar in selected {
        assert_eq!(bar["role"], "user");
        let (start, stop) = (
            bar["started_at"].as_i64().unwrap_or(i64::MIN),
            bar["stopped_at"].as_i64().unwrap_or(i64::MAX),
        );
        assert!(start <= end && at <= stop, "{bar} overlaps {at}..{end}");
    }

    // And back: selecting an assistant bar selects its line.
    console
        .js("document.querySelector(\"#timeline .speech-bar.assistant\").dispatchEvent(new MouseEvent('click', {bubbles: true})); return true")
        .await;
    assert_eq!(
        console
            .js("const l = document.querySelector(\"#transcript [aria-selected='true']\"); return l && l.dataset.role")
            .await,
        json!("assistant")
    );

    // The keyboard moves through the transcript and selects with Enter.
    line.send_keys(&format!(
        "{}{}",
        char::from(Key::Down),
        char::from(Key::Enter)
    ))
    .await
    .expect("keys");
    assert_eq!(
        console
            .js("return document.activeElement.getAttribute('aria-selected')")
            .await,
        json!("true")
    );

    // A delivery opens with its bytes and kept headers.
    let body = console.open_in_viewer("#delivery-rows [data-open]").await;
    assert!(body.contains("\"message\": {"), "pretty-printed: {body}");
    console.screenshots("delivery").await;
    console
        .js("document.getElementById('viewer').close(); return true")
        .await;

    console.assert_sound("a call page", "call").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fleet_and_quarantine_pages_show_the_fleet_and_the_refused_bodies() {
    let Some(console) = Console::start(None).await else {
        return;
    };
    console.simulate(8, 3, &["--transfer-updates"]).await;
    console.call_ids(8).await;
    let refused = console
        .http
        .post(format!("{}/", console.base))
        .header("content-type", "application/json")
        .body("{\"message\": not json")
        .send()
        .await
        .expect("POST");
    assert_eq!(refused.status(), 400);

    console.open("/ui/stats").await;
    let calls = console
        .js("return [...document.querySelectorAll('.kpis > div')].find((d) => d.querySelector('dt').textContent === 'Calls').querySelector('dd').textContent")
        .await;
    assert_eq!(calls, json!("8"));
    assert!(
        console
            .js("return document.querySelectorAll('svg.chart').length")
            .await
            .as_u64()
            >= Some(3),
        "calls, latency and ended-reason charts"
    );
    console.assert_sound("the fleet page", "stats").await;

    console.open("/ui/quarantine").await;
    assert_eq!(
        console.open_in_viewer("[data-open]").await,
        "{\"message\": not json"
    );
    console.screenshots("quarantine-body").await;
    console
        .js("document.getElementById('viewer').close(); return true")
        .await;
    console
        .assert_sound("the quarantine page", "quarantine")
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_an_api_token_the_console_asks_once_and_its_cookie_opens_pages_and_streams() {
    let token = "console-test-token-1234";
    let Some(console) = Console::start(Some(token)).await else {
        return;
    };
    console.simulate(3, 5, &[]).await;
    console.call_ids(3).await;

    // Asked for the token, and a wrong one is refused.
    console.open("/ui/?status=ended").await;
    let url = console.client.current_url().await.expect("url");
    assert_eq!(url.path(), "/ui/login");
    console.screenshots("login").await;
    console.sign_in("wrong").await;
    console
        .wait_js(
            "the refusal",
            "return !!document.querySelector('.error[role=alert]')",
        )
        .await;
    let _ = console.console_errors().await; // the 401 of the wrong try

    // The right one lands on the page asked for, and the live stream
    // connects with the cookie.
    console.sign_in(token).await;
    console
        .wait_js(
            "the calls",
            "return document.querySelectorAll('#call-rows tr').length === 3",
        )
        .await;
    let url = console.client.current_url().await.expect("url");
    assert_eq!((url.path(), url.query()), ("/ui/", Some("status=ended")));
    console
        .wait_js(
            "the live stream",
            "return document.getElementById('live-state').textContent === 'Live'",
        )
        .await;
    // The page's own fetches pass with the cookie, which scripts cannot read.
    console
        .wait_js("an API fetch", "if (!window.__api) { window.__api = 'pending'; fetch('/api/v1/calls').then((r) => { window.__api = r.status; }); } return window.__api === 200")
        .await;
    assert_eq!(
        console
            .js("return document.cookie.includes('calltap_api_token')")
            .await,
        json!(false)
    );
    console
        .assert_no_console_errors("the calls page, signed in")
        .await;

    // Without the cookie, the API and the console stay closed.
    let anonymous = console
        .http
        .get(format!("{}/ui/", console.base))
        .header("accept", "text/html")
        .send()
        .await
        .expect("GET");
    assert_eq!(
        anonymous.url().path(),
        "/ui/login",
        "sent to the login page"
    );
    let api = console
        .http
        .get(format!("{}/api/v1/calls", console.base))
        .send()
        .await
        .expect("GET");
    assert_eq!(api.status(), 401);
    console
        .assert_keyboard_reaches_every_control("the calls page, signed in")
        .await;
}
