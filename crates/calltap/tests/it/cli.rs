//! The command line as a user meets it, run as the real binary: no secret
//! shows in any `--help` or in the output of a whole run, a start-up error
//! is printed once, and an error about a setting names how to set it.

use std::fs::File;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use clap::CommandFactory;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

use crate::process::free_port;

/// Every environment variable of the command line that holds a secret
/// (its name says SECRET or TOKEN), each with a value easy to spot.
fn secret_env() -> Vec<(String, String)> {
    let mut vars: Vec<String> = calltap::cli::Cli::command()
        .get_subcommands()
        .flat_map(|sub| sub.get_arguments())
        .filter_map(|arg| arg.get_env())
        .map(|env| env.to_string_lossy().into_owned())
        .filter(|env| env.contains("SECRET") || env.contains("TOKEN"))
        .collect();
    vars.sort();
    vars.dedup();
    vars.into_iter()
        .map(|name| {
            let value = if name.contains("STANDARD_WEBHOOKS") {
                // A usable `whsec_` secret: base64 of a recognisable string.
                "whsec_bGVhay1zdGFuZGFyZC13ZWJob29rcy1zZWNyZXQ=".to_owned()
            } else {
                format!("leak-{}-value", name.to_ascii_lowercase())
            };
            (name, value)
        })
        .collect()
}

/// The secret values of `env` and the parts of them that could be printed
/// on their own (the base64 of a `whsec_` secret).
fn needles(env: &[(String, String)]) -> Vec<String> {
    let mut out: Vec<String> = env.iter().map(|(_, v)| v.clone()).collect();
    out.extend(
        env.iter()
            .filter_map(|(_, v)| v.strip_prefix("whsec_").map(str::to_owned)),
    );
    out.sort();
    out.dedup();
    out
}

fn assert_no_secret(what: &str, text: &str, needles: &[String]) {
    for needle in needles {
        assert!(
            !text.contains(needle.as_str()),
            "{what} shows {needle:?}:\n{text}"
        );
    }
}

fn calltap(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_calltap"));
    command.args(args).env_remove("RUST_LOG");
    command
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn no_help_text_shows_a_secret_set_in_the_environment() {
    // Arrange
    let env = secret_env();
    for expected in [
        "CALLTAP_VAPI_SECRET",
        "CALLTAP_API_TOKEN",
        "CALLTAP_SIM_VAPI_SECRET",
        "CALLTAP_SIM_HMAC_SECRET",
        "CALLTAP_SIM_BEARER_TOKEN",
        "CALLTAP_SIM_STANDARD_WEBHOOKS_SECRET",
    ] {
        assert!(
            env.iter().any(|(name, _)| name == expected),
            "{expected} is not among {env:?}"
        );
    }
    let needles = needles(&env);
    let mut invocations = vec![vec!["--help".to_owned()], vec!["-h".to_owned()]];
    for sub in calltap::cli::Cli::command().get_subcommands() {
        for flag in ["--help", "-h"] {
            invocations.push(vec![sub.get_name().to_owned(), flag.to_owned()]);
        }
    }

    for args in invocations {
        // Act
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = calltap(&args)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .output()
            .expect("calltap runs");

        // Assert
        assert!(output.status.success(), "{args:?}: {}", text(&output));
        assert_no_secret(&format!("calltap {args:?}"), &text(&output), &needles);
    }
}

/// Polls `/healthz` until it answers 200.
async fn wait_healthy(base: &str, client: &reqwest::Client, serve: &mut std::process::Child) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok(r) = client.get(format!("{base}/healthz")).send().await {
            if r.status().is_success() {
                return;
            }
        }
        if let Ok(Some(status)) = serve.try_wait() {
            panic!("calltap serve exited during start-up: {status}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("calltap serve did not become healthy");
}

/// Runs a client subcommand with `env`, and returns what it printed.
async fn run_client(args: Vec<String>, env: Vec<(String, String)>) -> String {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_calltap"))
        .args(&args)
        .envs(env)
        .env("RUST_LOG", "debug")
        .output()
        .await
        .expect("calltap runs");
    let printed = text(&output);
    assert!(output.status.success(), "{args:?}: {printed}");
    printed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_run_with_every_secret_set_prints_none_of_them() {
    // Arrange: serve with every ingest secret and an API token, logging at
    // debug level into a file.
    let env = secret_env();
    let needles = needles(&env);
    let dir = tempfile::tempdir().expect("a temp dir");
    let db = dir.path().join("calltap.db");
    let log_path = dir.path().join("serve.log");
    let log = File::create(&log_path).expect("a log file");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut serve = Command::new(env!("CARGO_BIN_EXE_calltap"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--db"])
        .arg(&db)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .env("RUST_LOG", "debug")
        .stdout(log.try_clone().expect("the log twice"))
        .stderr(log)
        .stdin(Stdio::null())
        .spawn()
        .expect("calltap serve starts");
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("a client");
    wait_healthy(&base, &client, &mut serve).await;
    let value = |name: &str| {
        env.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .expect("the variable is set")
    };
    // The simulator signs with the server's own secrets.
    let client_env: Vec<(String, String)> = [
        ("CALLTAP_SIM_VAPI_SECRET", "CALLTAP_VAPI_SECRET"),
        ("CALLTAP_SIM_BEARER_TOKEN", "CALLTAP_BEARER_TOKEN"),
        ("CALLTAP_SIM_HMAC_SECRET", "CALLTAP_HMAC_SECRET"),
        (
            "CALLTAP_SIM_STANDARD_WEBHOOKS_SECRET",
            "CALLTAP_STANDARD_WEBHOOKS_SECRET",
        ),
    ]
    .into_iter()
    .map(|(sim, serve)| (sim.to_owned(), value(serve)))
    .collect();
    let to = format!("{base}/webhook");

    // Act: simulate, read the API, replay from the log, stop.
    let mut printed = run_client(
        [
            "simulate",
            "--to",
            &to,
            "--calls",
            "3",
            "--max-speed",
            "--no-progress",
        ]
        .map(str::to_owned)
        .to_vec(),
        client_env.clone(),
    )
    .await;
    let events = client
        .get(format!("{base}/api/v1/events"))
        .bearer_auth(value("CALLTAP_API_TOKEN"))
        .send()
        .await
        .expect("the API answers");
    assert_eq!(events.status(), 200, "the API token is the one set");
    printed += &run_client(
        vec![
            "replay".to_owned(),
            "--to".to_owned(),
            to.clone(),
            "--db".to_owned(),
            db.to_string_lossy().into_owned(),
            "--no-progress".to_owned(),
        ],
        client_env,
    )
    .await;
    kill(Pid::from_raw(serve.id() as i32), Signal::SIGTERM).expect("SIGTERM");
    let status = tokio::task::spawn_blocking(move || serve.wait())
        .await
        .expect("join")
        .expect("wait");

    // Assert
    assert!(status.success(), "calltap serve exited with {status}");
    assert!(printed.contains(" 0 failed"), "{printed}");
    let log = std::fs::read_to_string(&log_path).expect("the log");
    assert!(log.contains("calltap serving"), "the log is there: {log}");
    assert_no_secret("the serve log", &log, &needles);
    assert_no_secret("the client output", &printed, &needles);
}

/// Runs `calltap serve ARGS` (which fails before serving) and returns its stderr.
fn failed_start(args: &[&str], db: &Path) -> String {
    let output = calltap(&["serve", "--db"])
        .arg(db)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("calltap runs");
    assert!(!output.status.success(), "{args:?} started");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_start_up_error_is_printed_once() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let db = dir.path().join("calltap.db");
    let public = format!("0.0.0.0:{}", free_port());
    let missing_dir = dir.path().join("no-such-dir").join("calltap.db");
    for (args, db, what) in [
        (vec!["--listen", public.as_str()], &db, "refusing to listen"),
        (vec!["--body-limit", "0"], &db, "must be positive"),
        (vec![], &missing_dir, "no-such-dir"),
    ] {
        let stderr = failed_start(&args, db);
        let lines = stderr.lines().filter(|l| l.contains(what)).count();
        assert_eq!(
            lines, 1,
            "{args:?}: {what:?} printed {lines} times:\n{stderr}"
        );
    }
}

#[test]
fn a_setting_that_must_be_positive_is_named_by_its_flag_variable_and_config_key() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let db = dir.path().join("calltap.db");
    for (flag, env, key, other) in [
        (
            "--body-limit",
            "CALLTAP_BODY_LIMIT",
            "body_limit",
            "max_depth",
        ),
        (
            "--max-depth",
            "CALLTAP_MAX_DEPTH",
            "max_depth",
            "body_limit",
        ),
        (
            "--queue-max-bytes",
            "CALLTAP_QUEUE_MAX_BYTES",
            "queue_max_bytes",
            "max_batch",
        ),
        (
            "--queue-max-wait-ms",
            "CALLTAP_QUEUE_MAX_WAIT_MS",
            "queue_max_wait_ms",
            "max_batch",
        ),
        (
            "--body-budget-bytes",
            "CALLTAP_BODY_BUDGET_BYTES",
            "body_budget_bytes",
            "queue_max_bytes",
        ),
        (
            "--max-batch",
            "CALLTAP_MAX_BATCH",
            "max_batch",
            "queue_max_bytes",
        ),
    ] {
        let stderr = failed_start(&[flag, "0"], &db);
        for name in [flag, env, key] {
            assert!(stderr.contains(name), "{flag} 0: no {name} in {stderr}");
        }
        assert!(!stderr.contains(other), "{flag} 0 blames {other}: {stderr}");
    }
}

#[test]
fn a_client_flag_that_must_be_positive_is_the_one_named() {
    for command in ["simulate", "replay"] {
        for (flag, other) in [("--rate", "--timeout"), ("--timeout", "--rate")] {
            let output = calltap(&[command, "--to", "http://127.0.0.1:9/", flag, "0"])
                .args(if command == "replay" {
                    ["--from", "/dev/null"]
                } else {
                    ["--calls", "1"]
                })
                .output()
                .expect("calltap runs");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(
                output.status.code(),
                Some(2),
                "{command} {flag} 0: {stderr}"
            );
            assert!(stderr.contains(flag), "{command} {flag} 0: {stderr}");
            assert!(!stderr.contains(other), "{command} {flag} 0: {stderr}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rebuild_refuses_a_database_that_serve_is_using_and_says_what_to_do() {
    // Arrange: a server on a database with one delivery.
    let app = crate::helpers::spawn_app().await;
    assert_eq!(
        app.post(crate::helpers::status_update("in-use"))
            .await
            .status(),
        200
    );
    let db = crate::helpers::db_path(&app.dir);
    let db_arg = db.to_str().expect("a UTF-8 path").to_owned();

    // Act
    let refused = calltap(&["rebuild", "--db", &db_arg])
        .output()
        .expect("run calltap rebuild");
    let dir = app.stop().await;
    let after_stop = calltap(&["rebuild", "--db", &db_arg])
        .output()
        .expect("run calltap rebuild");

    // Assert
    let said = text(&refused);
    assert_eq!(refused.status.code(), Some(1), "{said}");
    assert!(said.contains(&db_arg), "names the database: {said}");
    assert!(said.contains("calltap serve"), "says what to stop: {said}");
    assert_eq!(after_stop.status.code(), Some(0), "{}", text(&after_stop));
    drop(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_secrets_per_scheme_from_a_toml_list_or_repeated_flags_each_verify() {
    use calltap_protocol::auth::{format_timestamp, SignInput, StandardWebhooksPlan, Verifier};
    // Arrange: old and new secrets side by side, as during a rotation.
    let (old_whsec, new_whsec, stranger) = (
        "whsec_b2xkLXN0YW5kYXJkLXdlYmhvb2tzLXNlY3JldA==",
        "whsec_bmV3LXN0YW5kYXJkLXdlYmhvb2tzLXNlY3JldA==",
        "whsec_c3RyYW5nZXItc3RhbmRhcmQtd2ViaG9va3M=",
    );
    let dir = tempfile::tempdir().expect("a temp dir");
    let config = dir.path().join("calltap.toml");
    std::fs::write(
        &config,
        format!(
            "[auth]\nvapi_secret = [\"old-vapi\", \"new-vapi\"]\n\
             [auth.standard_webhooks]\nsecret = [\"{old_whsec}\", \"{new_whsec}\"]\n"
        ),
    )
    .expect("write the config");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut serve = calltap(&["serve", "--listen", &format!("127.0.0.1:{port}")])
        .arg("--db")
        .arg(dir.path().join("calltap.db"))
        .arg("--config")
        .arg(&config)
        .args([
            "--bearer-token",
            "old-bearer",
            "--bearer-token",
            "new-bearer",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("calltap serve starts");
    let client = reqwest::Client::new();
    wait_healthy(&base, &client, &mut serve).await;
    let post = |headers: Vec<(String, String)>, n: usize| {
        let mut request = client
            .post(format!("{base}/webhook"))
            .body(crate::helpers::status_update(&format!("rotation-{n}")));
        for (name, value) in headers {
            request = request.header(name, value);
        }
        async move { request.send().await.expect("POST").status().as_u16() }
    };
    let signed = |secret: &str, n: usize| {
        let body = crate::helpers::status_update(&format!("rotation-{n}"));
        let timestamp = format_timestamp(std::time::SystemTime::now(), Default::default());
        let id = format!("msg-{n}");
        Verifier::from(StandardWebhooksPlan::new(secret))
            .sign(&SignInput {
                method: "POST",
                url: "",
                body: body.as_bytes(),
                timestamp: &timestamp,
                message_id: Some(&id),
            })
            .expect("sign")
            .into_iter()
            .map(|(name, value)| {
                let value = value.to_str().expect("ascii").to_owned();
                (name.to_string(), value)
            })
            .collect::<Vec<_>>()
    };
    let header = |name: &str, value: &str| vec![(name.to_owned(), value.to_owned())];

    // Act
    let answers = [
        post(header("x-vapi-secret", "old-vapi"), 1).await,
        post(header("x-vapi-secret", "new-vapi"), 2).await,
        post(header("authorization", "Bearer old-bearer"), 3).await,
        post(header("authorization", "Bearer new-bearer"), 4).await,
        post(signed(old_whsec, 5), 5).await,
        post(signed(new_whsec, 6), 6).await,
    ];
    let refused = [
        post(header("x-vapi-secret", "other-vapi"), 7).await,
        post(header("authorization", "Bearer other-bearer"), 8).await,
        post(signed(stranger, 9), 9).await,
    ];
    kill(Pid::from_raw(serve.id() as i32), Signal::SIGTERM).expect("SIGTERM");
    let output = tokio::task::spawn_blocking(move || serve.wait_with_output())
        .await
        .expect("join")
        .expect("wait");

    // Assert
    assert_eq!(answers, [200; 6], "{}", text(&output));
    assert_eq!(refused, [401; 3]);
    assert!(output.status.success(), "{}", text(&output));
}
