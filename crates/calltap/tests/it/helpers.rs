//! `spawn_app()` and friends: a server per test, in process, on port 0.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Once;

use calltap::config::Config;
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running server and what a test needs to talk to it.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The bound address.
    #[allow(dead_code)]
    pub addr: SocketAddr,
    /// A client with no default headers.
    pub client: reqwest::Client,
    /// The temporary directory holding the database.
    pub dir: TempDir,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
}

fn init_logging() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            calltap::cli::serve::init_logging(calltap::config::LogFormat::Text);
        }
    });
}

/// A server with the default configuration and a fresh database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// A server with a fresh database and the configuration adjusted by `tweak`.
pub async fn spawn_app_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    spawn_app_in(dir, tweak).await
}

/// A server over the database in `dir` (e.g. to restart on the same data).
pub async fn spawn_app_in(dir: TempDir, tweak: impl FnOnce(&mut Config)) -> TestApp {
    init_logging();
    let mut config = Config {
        db: db_path(&dir),
        ..Config::default()
    };
    tweak(&mut config);
    // As `calltap serve` binds: the backlog as deep as the kernel allows.
    let listener = calltap::conn::bind(([127, 0, 0, 1], 0).into()).expect("bind port 0");
    let addr = listener.local_addr().expect("local addr");
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(calltap::server::run(config, listener, async move {
        let _ = stopped.await;
    }));
    let app = TestApp {
        base: format!("http://{addr}"),
        addr,
        client: reqwest::Client::new(),
        dir,
        stop: Some(stop),
        task: Some(task),
    };
    app.wait_ready().await;
    app
}

/// The database file inside a test directory.
pub fn db_path(dir: &TempDir) -> PathBuf {
    dir.path().join("calltap.db")
}

impl TestApp {
    async fn wait_ready(&self) {
        for _ in 0..200 {
            if let Ok(r) = self
                .client
                .get(format!("{}/healthz", self.base))
                .send()
                .await
            {
                if r.status().is_success() {
                    return;
                }
            }
            if self.task.as_ref().is_some_and(|t| t.is_finished()) {
                panic!("the server stopped during start-up");
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("the server did not become healthy");
    }

    /// POSTs `body` to `/` with extra headers.
    pub async fn post_with(
        &self,
        body: impl Into<reqwest::Body>,
        headers: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(format!("{}/", self.base))
            .header("content-type", "application/json")
            .body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("POST reaches the server")
    }

    /// POSTs `body` to `/`.
    pub async fn post(&self, body: impl Into<reqwest::Body>) -> reqwest::Response {
        self.post_with(body, &[]).await
    }

    /// GETs a path, with an optional bearer token.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET reaches the server")
    }

    /// GETs a path and parses the JSON answer, asserting 200.
    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.expect("JSON answer")
    }

    /// Stops the server gracefully and returns its directory.
    pub async fn stop(mut self) -> TempDir {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await
                .expect("server task")
                .expect("server ran cleanly");
        }
        self.dir
    }
}

/// A small valid delivery, unique per `id`.
pub fn status_update(id: &str) -> String {
    format!(
        r#"{{"message":{{"type":"status-update","status":"in-progress","timestamp":1750314425773,"call":{{"id":"{id}"}}}}}}"#
    )
}

/// The realistic sample corpus.
pub fn corpus() -> Vec<Vec<u8>> {
    calltap_protocol::fixtures::sample_deliveries()
}
