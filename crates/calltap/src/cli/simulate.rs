//! `calltap simulate`: play realistic, signed whole calls into a server URL
//! and/or a JSON Lines file, and write the truth of every call.
//!
//! The flags map onto [`SimConfig`] (what the calls are like) and
//! [`SendOptions`] (how they are sent); the work is in [`crate::sim`].

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use calltap_protocol::auth::{
    BearerPlan, HmacAlgorithm, HmacPlan, StandardWebhooksPlan, VapiSecretPlan, Verifier,
};
use clap::{ArgGroup, Args};

use crate::sim::send::{self, Pace, SendOptions, SimSource};
use crate::sim::{jsonl, CallMix, CallScript, CallTruth, MessageTypes, Renderer, SimConfig};

/// The write buffer of `--out`: large, because every line is written in a
/// few dozen pieces and lines are 3-55 KB.
const OUT_BUFFER: usize = 8 * 1024 * 1024;

/// Credentials to sign requests with, as Vapi would; several may be given
/// and all their headers are sent.
#[derive(Debug, Clone, Args, Default)]
pub struct SignArgs {
    /// Send `x-vapi-secret: SECRET` (the legacy shared secret).
    #[arg(long, value_name = "SECRET", env = "CALLTAP_SIM_VAPI_SECRET")]
    pub vapi_secret: Option<String>,
    /// Send `Authorization: Bearer TOKEN`.
    #[arg(long, value_name = "TOKEN", env = "CALLTAP_SIM_BEARER_TOKEN")]
    pub bearer_token: Option<String>,
    /// Sign with Vapi's HMAC plan and this key (`x-signature` over
    /// `{timestamp}.{body}`, `x-timestamp`).
    #[arg(long, value_name = "KEY", env = "CALLTAP_SIM_HMAC_SECRET")]
    pub hmac_secret: Option<String>,
    /// The HMAC hash: sha256, sha512 or sha1.
    #[arg(long, value_name = "ALG", default_value = "sha256")]
    pub hmac_algorithm: String,
    /// Sign as a Standard Webhooks sender with this secret (`whsec_...`).
    #[arg(
        long,
        value_name = "SECRET",
        env = "CALLTAP_SIM_STANDARD_WEBHOOKS_SECRET"
    )]
    pub standard_webhooks_secret: Option<String>,
}

impl SignArgs {
    /// The signers the flags ask for, each checked.
    pub fn signers(&self) -> anyhow::Result<Vec<Verifier>> {
        let mut out: Vec<Verifier> = Vec::new();
        if let Some(s) = &self.vapi_secret {
            out.push(VapiSecretPlan::new(s.as_str()).into());
        }
        if let Some(t) = &self.bearer_token {
            out.push(BearerPlan::new(t.as_str()).into());
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
            out.push(HmacPlan::new(k.as_str(), algorithm).into());
        }
        if let Some(s) = &self.standard_webhooks_secret {
            out.push(StandardWebhooksPlan::new(s.as_str()).into());
        }
        for v in &out {
            v.validate()
                .with_context(|| format!("the {} credential", v.scheme().as_str()))?;
        }
        Ok(out)
    }
}

/// `calltap simulate`.
#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("destination").required(true).multiple(true).args(["to", "out"])))]
pub struct SimulateArgs {
    /// POST every message to this URL (each call's messages in order).
    #[arg(long, value_name = "URL")]
    pub to: Option<String>,
    /// Write every delivery to this JSON Lines file (one body per line, in
    /// timestamp order), instead of or as well as sending.
    #[arg(long, value_name = "FILE.jsonl")]
    pub out: Option<PathBuf>,
    /// Write the ground truth of every call (status path, ended reason,
    /// turns, latencies, interruptions, transfers) as a JSON array, in the
    /// call API's field names.
    #[arg(long, value_name = "FILE.json")]
    pub truth: Option<PathBuf>,
    /// How many calls.
    #[arg(long, default_value_t = 10)]
    pub calls: u64,
    /// Calls in flight at once (each has at most one request outstanding).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub concurrency: u32,
    /// At most this many deliveries per second over all calls.
    #[arg(long, value_name = "R/s")]
    pub rate: Option<f64>,
    /// Play each call's timeline at this speed (1 = real time, 10 = ten
    /// times faster).
    #[arg(long, default_value_t = 1.0, conflicts_with = "max_speed")]
    pub speed: f64,
    /// Send each message as soon as the previous one of its call is
    /// answered.
    #[arg(long)]
    pub max_speed: bool,
    /// The seed: the same seed gives the same calls, byte for byte.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
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
    /// Ask for `transfer-update` messages (opt-in in `serverMessages`).
    #[arg(long)]
    pub transfer_updates: bool,
    /// Ask for final `transcript` messages (opt-in in `serverMessages`).
    #[arg(long)]
    pub transcripts: bool,
    /// Median response latency, ms.
    #[arg(long, default_value_t = 900.0)]
    pub latency_p50_ms: f64,
    /// 95th-percentile response latency, ms.
    #[arg(long, default_value_t = 2500.0)]
    pub latency_p95_ms: f64,
    /// Share of assistant utterances the user barges into.
    #[arg(long, default_value_t = 0.15)]
    pub interruption_rate: f64,
    /// Share of user turns answered with a tool call.
    #[arg(long, default_value_t = 0.2)]
    pub tool_call_rate: f64,
    /// Share of answered calls that end in a transfer.
    #[arg(long, default_value_t = 0.15)]
    pub transfer_rate: f64,
    /// Share of outbound calls never answered.
    #[arg(long, default_value_t = 0.2)]
    pub no_answer_rate: f64,
    /// Fewest user turns per answered call.
    #[arg(long, default_value_t = 2)]
    pub min_turns: u32,
    /// Most user turns per answered call.
    #[arg(long, default_value_t = 8)]
    pub max_turns: u32,
    /// Weights of inbound, outbound and web calls, e.g. `5,3,2`.
    #[arg(long, default_value = "5,3,2", value_name = "IN,OUT,WEB")]
    pub mix: String,
    /// When call 0 is created, epoch ms (fixed by default, so output depends
    /// on the seed alone).
    #[arg(long)]
    pub epoch_ms: Option<i64>,
    /// Credentials.
    #[command(flatten)]
    pub sign: SignArgs,
}

impl SimulateArgs {
    /// The simulator configuration the flags describe, checked.
    pub fn config(&self) -> Result<SimConfig, String> {
        for (name, p) in [
            ("--interruption-rate", self.interruption_rate),
            ("--tool-call-rate", self.tool_call_rate),
            ("--transfer-rate", self.transfer_rate),
            ("--no-answer-rate", self.no_answer_rate),
        ] {
            if !(0.0..=1.0).contains(&p) {
                return Err(format!("{name} {p} is not between 0 and 1"));
            }
        }
        if !positive(self.latency_p50_ms) || self.latency_p95_ms < self.latency_p50_ms {
            return Err("latencies need 0 < --latency-p50-ms <= --latency-p95-ms".to_owned());
        }
        if self.min_turns == 0 || self.max_turns < self.min_turns {
            return Err("turns need 1 <= --min-turns <= --max-turns".to_owned());
        }
        let mix: Vec<f64> = self
            .mix
            .split(',')
            .map(|w| w.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| format!("--mix {:?}: three numbers, e.g. 5,3,2", self.mix))?;
        let [inbound, outbound, web] = mix[..] else {
            return Err(format!("--mix {:?}: three numbers, e.g. 5,3,2", self.mix));
        };
        if mix.iter().any(|w| *w < 0.0) || mix.iter().sum::<f64>() <= 0.0 {
            return Err(format!(
                "--mix {:?}: weights must be >= 0, not all 0",
                self.mix
            ));
        }
        let defaults = SimConfig::default();
        Ok(SimConfig {
            seed: self.seed,
            epoch_ms: self.epoch_ms.unwrap_or(defaults.epoch_ms),
            mix: CallMix {
                inbound,
                outbound,
                web,
            },
            no_answer_rate: self.no_answer_rate,
            latency_p50_ms: self.latency_p50_ms,
            latency_p95_ms: self.latency_p95_ms,
            interruption_rate: self.interruption_rate,
            tool_call_rate: self.tool_call_rate,
            transfer_rate: self.transfer_rate,
            min_turns: self.min_turns,
            max_turns: self.max_turns,
            messages: MessageTypes {
                transfer_update: self.transfer_updates,
                transcript: self.transcripts,
            },
            ..defaults
        })
    }

    fn pace(&self) -> Result<Pace, String> {
        if self.max_speed {
            Ok(Pace::Max)
        } else if self.speed > 0.0 && self.speed.is_finite() {
            Ok(Pace::Speed(self.speed))
        } else {
            Err(format!("--speed {} must be a positive number", self.speed))
        }
    }
}

/// Whether `x` is a finite number above zero.
pub fn positive(x: f64) -> bool {
    x > 0.0 && x.is_finite()
}

/// A usage error: exit 2, like clap's own.
fn usage(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

/// Runs `calltap simulate`.
pub fn run(args: SimulateArgs) -> ExitCode {
    let (config, pace) = match (args.config(), args.pace()) {
        (Ok(c), Ok(p)) => (c, p),
        (Err(e), _) | (_, Err(e)) => return usage(&e),
    };
    if args.rate.is_some_and(|r| !positive(r)) || !positive(args.timeout) {
        return usage("--rate and --timeout must be positive");
    }
    match simulate(&args, config, pace) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn simulate(args: &SimulateArgs, config: SimConfig, pace: Pace) -> anyhow::Result<ExitCode> {
    let signers = args.sign.signers()?;
    let renderer = Arc::new(Renderer::new(&config));
    let mut truths: Vec<CallTruth> = Vec::new();
    let want_truth = args.truth.is_some();

    if let Some(path) = &args.out {
        let started = Instant::now();
        let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
        let mut out = BufWriter::with_capacity(OUT_BUFFER, file);
        let written = jsonl::write_calls(&renderer, args.calls, &mut out, |s| {
            if want_truth {
                truths.push(s.truth.clone());
            }
        })
        .and_then(|n| out.flush().map(|()| n))
        .with_context(|| format!("writing {}", path.display()))?;
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "wrote {written} deliveries of {} calls to {} in {secs:.2} s ({:.0} deliveries/s)",
            args.calls,
            path.display(),
            written as f64 / secs.max(1e-9)
        );
    } else if want_truth {
        truths = (0..args.calls)
            .map(|i| CallScript::generate(&config, i).truth)
            .collect();
    }
    if let Some(path) = &args.truth {
        write_truth(path, &truths)?;
    }

    let Some(url) = &args.to else {
        return Ok(ExitCode::SUCCESS);
    };
    let options = SendOptions {
        url: url.clone(),
        signers,
        concurrency: usize::try_from(args.concurrency).unwrap_or(1),
        rate: args.rate,
        pace,
        fail_fast: args.fail_fast,
        progress: !args.no_progress,
        timeout: Duration::from_secs_f64(args.timeout),
    };
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let source = Arc::new(SimSource::new(renderer, args.calls));
    let report = runtime
        .block_on(send::run(source, options))
        .context("building the HTTP client")?;
    print!("{report}");
    Ok(if report.all_acked() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Writes the truths as a JSON array, one call per line.
fn write_truth(path: &Path, truths: &[CallTruth]) -> anyhow::Result<()> {
    let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut out = BufWriter::new(file);
    let write = |out: &mut BufWriter<File>| -> anyhow::Result<()> {
        out.write_all(b"[\n")?;
        for (i, t) in truths.iter().enumerate() {
            if i > 0 {
                out.write_all(b",\n")?;
            }
            serde_json::to_writer(&mut *out, t)?;
        }
        out.write_all(b"\n]\n")?;
        out.flush()?;
        Ok(())
    };
    write(&mut out).with_context(|| format!("writing {}", path.display()))
}
