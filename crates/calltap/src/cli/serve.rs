//! `calltap serve`: flags and `CALLTAP_*` variables, merged over the config
//! file into a [`Config`]; then logging, the runtime, the socket, and
//! [`server::run`] until SIGINT or SIGTERM.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use calltap_protocol::auth::BearerPlan;
use clap::{Args, ValueEnum};

use crate::config::{Config, FileConfig, LogFormat, Overrides};
use crate::server;

/// Receive deliveries and serve the log.
///
/// Settings come from defaults < the `--config` TOML file < `CALLTAP_*`
/// variables < flags. Prefer the variables for secrets: flags show in `ps`.
#[derive(Debug, Args)]
#[command(mut_args(with_default_in_help))]
pub struct ServeArgs {
    /// TOML config file (every key: the README's "Config file" section).
    #[arg(long, env = "CALLTAP_CONFIG")]
    pub config: Option<PathBuf>,
    /// The settings given as flags or variables.
    #[command(flatten)]
    pub overrides: Overrides,
}

/// Each setting's default as its flag would take it, by argument id, from
/// [`Config::default`] (and, for the bearer header and prefix, from the
/// bearer plan's own defaults). The flags themselves have no clap default:
/// an absent flag must leave the config file's value in place.
fn defaults() -> Vec<(&'static str, String)> {
    let d = Config::default();
    let bearer = BearerPlan::new("");
    let name = |v: Option<clap::builder::PossibleValue>| {
        v.map(|v| v.get_name().to_owned()).unwrap_or_default()
    };
    vec![
        ("listen", d.listen.to_string()),
        ("db", d.db.display().to_string()),
        ("durability", name(d.durability.to_possible_value())),
        ("ingest_paths", d.ingest_paths.join(",")),
        ("body_limit", d.body_limit.to_string()),
        ("max_depth", d.max_depth.to_string()),
        (
            "queue_max_wait_ms",
            d.queue_max_wait.as_millis().to_string(),
        ),
        ("queue_max_bytes", d.queue_max_bytes.to_string()),
        ("memory_bytes", d.memory_bytes.to_string()),
        ("body_budget_bytes", d.body_budget_bytes.to_string()),
        ("max_batch", d.max_batch.to_string()),
        ("projector_cache_bytes", d.projector_cache_bytes.to_string()),
        ("handoff_bytes", d.handoff_bytes.to_string()),
        ("feed_bytes", d.feed_bytes.to_string()),
        (
            "header_read_timeout_secs",
            d.header_read_timeout.as_secs().to_string(),
        ),
        (
            "body_read_timeout_secs",
            d.body_read_timeout.as_secs().to_string(),
        ),
        ("max_connections", d.max_connections.to_string()),
        ("max_waiting_requests", d.max_waiting_requests.to_string()),
        (
            "max_served_connections",
            d.max_served_connections.to_string(),
        ),
        ("max_header_bytes", d.max_header_bytes.to_string()),
        ("retry_after_secs", d.retry_after.as_secs().to_string()),
        ("bearer_header", bearer.header_name),
        (
            "bearer_prefix_enabled",
            bearer.bearer_prefix_enabled.to_string(),
        ),
        ("log_format", name(d.log_format.to_possible_value())),
        (
            "shutdown_timeout_secs",
            d.shutdown_timeout.as_secs().to_string(),
        ),
    ]
}

/// Appends `[default: ...]` to the help of a flag that has a default.
fn with_default_in_help(arg: clap::Arg) -> clap::Arg {
    let Some((_, value)) = defaults().into_iter().find(|(id, _)| arg.get_id() == *id) else {
        return arg;
    };
    let suffix = |help: &clap::builder::StyledStr| format!("{help} [default: {value}]");
    let help = arg.get_help().map(suffix).unwrap_or_default();
    match arg.get_long_help().map(suffix) {
        Some(long_help) => arg.help(help).long_help(long_help),
        None => arg.help(help),
    }
}

impl ServeArgs {
    /// Merges flags, env and the config file into a [`Config`].
    pub fn resolve(self) -> anyhow::Result<Config> {
        let file = match &self.config {
            Some(path) => FileConfig::load(path)?,
            None => FileConfig::default(),
        };
        Config::resolve(file, self.overrides)
    }

    /// Runs the server until SIGINT or SIGTERM. An error is printed once,
    /// on stderr, whether it comes before logging starts or after: plain
    /// text, so that no `RUST_LOG` filter can hide why the server stopped.
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
                eprintln!("calltap serve: {err:#}");
                ExitCode::FAILURE
            }
        }
    }
}

fn serve(config: Config) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let result = runtime.block_on(async move {
        // Validate before binding, so a refused configuration never opens a port.
        config.validate(config.listen)?;
        let listener = crate::conn::bind(config.listen)
            .with_context(|| format!("binding {}", config.listen))?;
        server::run(config, listener, shutdown_signal()).await
    });
    // `run` has joined everything, or given up on it at the shutdown
    // timeout: dropping the runtime would wait for abandoned blocking work
    // without end, so leave it to the process's exit.
    runtime.shutdown_background();
    result
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

#[cfg(test)]
mod tests {
    use calltap_protocol::auth::BearerPlan;
    use clap::{CommandFactory, Parser};

    use crate::cli::{Cli, Command};
    use crate::config::Config;

    /// `calltap serve ARGS`, resolved, as `Debug` text (secrets hidden).
    fn resolved(args: &[&str]) -> String {
        let cli = Cli::try_parse_from(["calltap", "serve"].iter().chain(args)).expect("parses");
        let Command::Serve(serve) = cli.command else {
            panic!("not serve");
        };
        format!("{:?}", serve.resolve().expect("resolves"))
    }

    #[test]
    fn every_default_in_the_help_given_as_its_flag_resolves_to_config_default() {
        // The bearer header and prefix only matter with a bearer token.
        let base = ["--bearer-token", "t"];
        let expected = format!(
            "{:?}",
            Config {
                auth: vec![BearerPlan::new("t").into()],
                ..Config::default()
            }
        );
        assert_eq!(resolved(&base), expected, "no flag resolves to the default");
        let command = Cli::command();
        let serve = command.find_subcommand("serve").expect("serve");
        let mut shown = Vec::new();
        for arg in serve.get_arguments() {
            let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
            let Some((_, rest)) = help.split_once("[default: ") else {
                continue;
            };
            let value = rest.strip_suffix(']').expect("the default ends the line");
            let flag = format!("--{}", arg.get_long().expect("a long flag"));
            let args: Vec<&str> = base.iter().copied().chain([flag.as_str(), value]).collect();
            assert_eq!(resolved(&args), expected, "{flag} {value}");
            shown.push(arg.get_id().to_string());
        }
        let mut with_default: Vec<String> = super::defaults()
            .iter()
            .map(|(id, _)| id.to_string())
            .collect();
        shown.sort();
        with_default.sort();
        assert_eq!(
            shown, with_default,
            "every default is shown, on a flag that exists"
        );
    }
}
