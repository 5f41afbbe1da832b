//! What `calltap simulate` and `calltap replay` share: the flags that say
//! where and how deliveries are sent (target, credentials, rate, calls in
//! flight, timeout, fail-fast, progress) and the tail that sends them and
//! prints the report.
//!
//! The sending itself is [`crate::sim::send`]; this module only maps flags
//! onto its [`SendOptions`] and its [`Report`] onto an exit code.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use calltap_protocol::auth::{
    BearerPlan, HmacAlgorithm, HmacPlan, StandardWebhooksPlan, VapiSecretPlan, Verifier,
};
use clap::Args;

use crate::config::{parse_secret, Secret};
use crate::sim::send::{self, CallSource, Pace, Report, SendOptions};

/// Credentials to sign requests with, as Vapi would; several may be given
/// and all their headers are sent. Secrets, so neither `--help` (which
/// shows variables' values) nor `Debug` prints them.
#[derive(Debug, Clone, Args, Default)]
#[command(next_help_heading = "Credentials")]
pub struct SignArgs {
    /// Send `x-vapi-secret: SECRET` (the legacy shared secret).
    #[arg(long, value_name = "SECRET", env = "CALLTAP_SIM_VAPI_SECRET", hide_env_values = true, value_parser = parse_secret)]
    pub vapi_secret: Option<Secret>,
    /// Send `Authorization: Bearer TOKEN`.
    #[arg(long, value_name = "TOKEN", env = "CALLTAP_SIM_BEARER_TOKEN", hide_env_values = true, value_parser = parse_secret)]
    pub bearer_token: Option<Secret>,
    /// Sign with Vapi's HMAC plan and this key (`x-signature` over
    /// `{timestamp}.{body}`, `x-timestamp`).
    #[arg(long, value_name = "KEY", env = "CALLTAP_SIM_HMAC_SECRET", hide_env_values = true, value_parser = parse_secret)]
    pub hmac_secret: Option<Secret>,
    /// The HMAC hash: sha256, sha512 or sha1.
    #[arg(long, value_name = "ALG", default_value = "sha256")]
    pub hmac_algorithm: String,
    /// Sign as a Standard Webhooks sender with this secret (`whsec_...`).
    #[arg(long, value_name = "SECRET", env = "CALLTAP_SIM_STANDARD_WEBHOOKS_SECRET", hide_env_values = true, value_parser = parse_secret)]
    pub standard_webhooks_secret: Option<Secret>,
}

impl SignArgs {
    /// The signers the flags ask for, each checked.
    pub fn signers(&self) -> anyhow::Result<Vec<Verifier>> {
        let mut out: Vec<Verifier> = Vec::new();
        if let Some(s) = &self.vapi_secret {
            out.push(VapiSecretPlan::new(s.clone()).into());
        }
        if let Some(t) = &self.bearer_token {
            out.push(BearerPlan::new(t.clone()).into());
        }
        if let Some(k) = &self.hmac_secret {
            let algorithm: HmacAlgorithm =
                serde_json::from_value(serde_json::Value::from(self.hmac_algorithm.as_str()))
                    .with_context(|| {
                        format!(
                            "--hmac-algorithm {:?}: use sha256, sha512 or sha1",
                            self.hmac_algorithm
                        )
                    })?;
            out.push(HmacPlan::new(k.clone(), algorithm).into());
        }
        if let Some(s) = &self.standard_webhooks_secret {
            out.push(StandardWebhooksPlan::new(s.clone()).into());
        }
        for v in &out {
            v.validate()
                .with_context(|| format!("the {} credential", v.scheme().as_str()))?;
        }
        Ok(out)
    }
}

/// Where and how deliveries are sent. Each command sets its own default
/// for `--concurrency` (and whether `--to` is required) with clap's
/// `mut_arg`; everything else is the same for both.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Sending")]
pub struct SendArgs {
    /// POST every delivery to this URL (each call's deliveries in order).
    #[arg(long, value_name = "URL")]
    pub to: Option<String>,
    /// At most this many deliveries per second over all calls.
    #[arg(long, value_name = "R/s")]
    pub rate: Option<f64>,
    /// Calls in flight at once, each with at most one request outstanding
    /// (1: every delivery in turn, in order).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub concurrency: u32,
    /// Stop at the first failed delivery. Either way the exit code is 1
    /// if any delivery was not acknowledged (2xx).
    #[arg(long)]
    pub fail_fast: bool,
    /// No progress bar.
    #[arg(long)]
    pub no_progress: bool,
    /// Per-request timeout in seconds (Vapi's default is 20).
    #[arg(long, default_value_t = 20.0)]
    pub timeout: f64,
    /// Credentials.
    #[command(flatten)]
    pub sign: SignArgs,
}

impl SendArgs {
    /// Checks the numbers clap cannot, naming the flag at fault.
    pub fn check(&self) -> Result<(), String> {
        if let Some(rate) = self.rate.filter(|r| !positive(*r)) {
            return Err(format!("--rate {rate} must be a positive number"));
        }
        if !positive(self.timeout) {
            return Err(format!(
                "--timeout {} must be a positive number",
                self.timeout
            ));
        }
        Ok(())
    }

    /// The options to send with `pace`, or `None` without `--to`; the
    /// credentials are checked either way.
    pub fn options(&self, pace: Pace) -> anyhow::Result<Option<SendOptions>> {
        let signers = self.sign.signers()?;
        let Some(url) = &self.to else {
            return Ok(None);
        };
        Ok(Some(SendOptions {
            url: url.clone(),
            signers,
            concurrency: usize::try_from(self.concurrency).unwrap_or(1),
            rate: self.rate,
            pace,
            fail_fast: self.fail_fast,
            progress: !self.no_progress,
            timeout: Duration::from_secs_f64(self.timeout),
        }))
    }
}

/// Whether `x` is a finite number above zero.
pub fn positive(x: f64) -> bool {
    x > 0.0 && x.is_finite()
}

/// Sends every delivery of `source`, prints the report on stdout, and
/// returns exit code 0 if every delivery was acknowledged, else 1.
pub fn send_and_report(
    source: Arc<dyn CallSource>,
    options: SendOptions,
) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let report: Report = runtime
        .block_on(send::run(source, options))
        .context("building the HTTP client")?;
    print!("{report}");
    Ok(if report.all_acked() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// A usage error: printed, exit 2, like clap's own.
pub fn usage(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

/// The exit code of a command's work: its own, or 1 with the error printed.
pub fn finish(result: anyhow::Result<ExitCode>) -> ExitCode {
    result.unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        ExitCode::FAILURE
    })
}
