//! `calltap serve`: flags and `CALLTAP_*` variables, merged over the config
//! file into a [`Config`]; then logging, the runtime, the socket, and
//! [`server::run`] until SIGINT or SIGTERM.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use crate::config::{parse_secret, Config, Durability, FileConfig, LogFormat, Overrides, Secret};
use crate::server;

/// Receive deliveries and serve the log.
///
/// Settings come from defaults < the `--config` TOML file < `CALLTAP_*`
/// variables < flags. Prefer the variables for secrets: flags show in `ps`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// TOML config file (every key: the README's "Config file" section).
    #[arg(long, env = "CALLTAP_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:4242].
    #[arg(long, env = "CALLTAP_LISTEN")]
    pub listen: Option<String>,
    /// SQLite database file, created if missing [default: ./calltap.db].
    #[arg(long, env = "CALLTAP_DB")]
    pub db: Option<PathBuf>,
    /// `full` survives power loss, `normal` survives a killed process [default: full].
    #[arg(long, env = "CALLTAP_DURABILITY", value_enum)]
    pub durability: Option<Durability>,
    /// Ingest path; repeat for several [default: / and /webhook].
    #[arg(long = "path", env = "CALLTAP_PATHS", value_delimiter = ',')]
    pub paths: Vec<String>,
    /// Largest body in bytes; over it: 413 [default: 16777216, 16 MiB].
    #[arg(long, env = "CALLTAP_BODY_LIMIT")]
    pub body_limit: Option<usize>,
    /// Deepest JSON nesting; deeper: 400 [default: 128].
    #[arg(long, env = "CALLTAP_MAX_DEPTH")]
    pub max_depth: Option<usize>,
    /// Deliveries queued for the writer before 503 [default: 1024].
    #[arg(long, env = "CALLTAP_QUEUE_CAPACITY")]
    pub queue_capacity: Option<usize>,
    /// Most deliveries per transaction [default: 256].
    #[arg(long, env = "CALLTAP_MAX_BATCH")]
    pub max_batch: Option<usize>,
    /// `Retry-After` seconds on 503 [default: 1].
    #[arg(long, env = "CALLTAP_RETRY_AFTER")]
    pub retry_after: Option<u64>,
    /// Shared secret expected in `x-vapi-secret`.
    #[arg(long, env = "CALLTAP_VAPI_SECRET", hide_env_values = true, value_parser = parse_secret)]
    pub vapi_secret: Option<Secret>,
    /// Bearer token expected from Vapi.
    #[arg(long, env = "CALLTAP_BEARER_TOKEN", hide_env_values = true, value_parser = parse_secret)]
    pub bearer_token: Option<Secret>,
    /// Header carrying the bearer token [default: authorization].
    #[arg(long, env = "CALLTAP_BEARER_HEADER")]
    pub bearer_header: Option<String>,
    /// Whether Vapi sends `Bearer <token>` rather than the bare token
    /// (Vapi's `bearerPrefixEnabled`; both forms are accepted) [default: true].
    #[arg(long, env = "CALLTAP_BEARER_PREFIX_ENABLED")]
    pub bearer_prefix_enabled: Option<bool>,
    /// HMAC secret (algorithm, headers, template... in the config file's `[auth.hmac]`).
    #[arg(long, env = "CALLTAP_HMAC_SECRET", hide_env_values = true, value_parser = parse_secret)]
    pub hmac_secret: Option<Secret>,
    /// Standard Webhooks signing secret (`whsec_...`).
    #[arg(long, env = "CALLTAP_STANDARD_WEBHOOKS_SECRET", hide_env_values = true, value_parser = parse_secret)]
    pub standard_webhooks_secret: Option<Secret>,
    /// Bearer token that protects `/api/*`.
    #[arg(long, env = "CALLTAP_API_TOKEN", hide_env_values = true, value_parser = parse_secret)]
    pub api_token: Option<Secret>,
    /// Public base URL Vapi posts to, for HMAC templates with `{url}`.
    #[arg(long, env = "CALLTAP_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Listen on a non-loopback address with no ingest auth.
    #[arg(long, env = "CALLTAP_ALLOW_UNAUTHENTICATED")]
    pub allow_unauthenticated: bool,
    /// Parse and answer deliveries but store nothing (benchmark baseline).
    #[arg(long, env = "CALLTAP_DRY_RUN")]
    pub dry_run: bool,
    /// Log line format [default: text].
    #[arg(long, env = "CALLTAP_LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,
}

impl ServeArgs {
    /// Merges flags, env and the config file into a [`Config`].
    pub fn resolve(self) -> anyhow::Result<Config> {
        let file = match &self.config {
            Some(path) => FileConfig::load(path)?,
            None => FileConfig::default(),
        };
        let overrides = Overrides {
            listen: self.listen,
            db: self.db,
            durability: self.durability,
            ingest_paths: (!self.paths.is_empty()).then_some(self.paths),
            body_limit: self.body_limit,
            max_depth: self.max_depth,
            queue_capacity: self.queue_capacity,
            max_batch: self.max_batch,
            retry_after_secs: self.retry_after,
            vapi_secret: self.vapi_secret,
            bearer_token: self.bearer_token,
            bearer_header: self.bearer_header,
            bearer_prefix_enabled: self.bearer_prefix_enabled,
            hmac_secret: self.hmac_secret,
            standard_webhooks_secret: self.standard_webhooks_secret,
            api_token: self.api_token,
            public_url: self.public_url,
            allow_unauthenticated: self.allow_unauthenticated,
            dry_run: self.dry_run,
            log_format: self.log_format,
        };
        Config::resolve(file, overrides)
    }

    /// Runs the server until SIGINT or SIGTERM.
    pub fn run(self) -> ExitCode {
        let config = match self.resolve() {
            Ok(config) => config,
            Err(err) => {
                eprintln!("calltap serve: {err:#}");
                return ExitCode::from(2);
            }
        };
        init_logging(config.log_format);
        match serve(config) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                tracing::error!(error = format!("{err:#}"), "calltap serve failed");
                eprintln!("calltap serve: {err:#}");
                ExitCode::FAILURE
            }
        }
    }
}

fn serve(config: Config) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        // Validate before binding, so a refused configuration never opens a port.
        config.validate(config.listen)?;
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("binding {}", config.listen))?;
        server::run(config, listener, shutdown_signal()).await
    })
}

/// Resolves on the first SIGINT or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("SIGINT: shutting down"),
        () = term => tracing::info!("SIGTERM: shutting down"),
    }
}

/// Logs to stderr, filtered by `RUST_LOG` (default `info`); colours only
/// when stderr is a terminal, so log files and collectors get plain text.
pub fn init_logging(format: LogFormat) {
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    // `try_init`: a second call (tests) keeps the first subscriber.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}
