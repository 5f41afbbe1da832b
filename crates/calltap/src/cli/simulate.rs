//! `calltap simulate`: play realistic, signed whole calls into a server URL
//! and/or a JSON Lines file, and write the truth of every call.
//!
//! The flags map onto [`SimConfig`] (what the calls are like) and
//! [`SendOptions`](crate::sim::send::SendOptions) (how they are sent, through
//! [`super::send`], shared with `replay`); the work is in [`crate::sim`].

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use clap::{ArgGroup, Args};

use super::send::{finish, positive, send_and_report, usage, SendArgs};
use crate::sim::send::{Pace, SimSource};
use crate::sim::{jsonl, CallMix, CallScript, CallTruth, MessageTypes, Renderer, SimConfig};

/// The write buffer of `--out`: large, because every line is written in a
/// few dozen pieces and lines are 3-55 KB.
const OUT_BUFFER: usize = 8 * 1024 * 1024;

/// `calltap simulate`. The tuning flags take their defaults from
/// [`SimConfig::default`].
#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("destination").required(true).multiple(true).args(["to", "out"])))]
#[command(mut_arg("concurrency", |a| a.default_value("50")))]
pub struct SimulateArgs {
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
    /// Play each call's timeline at this speed (1 = real time, 10 = ten
    /// times faster).
    #[arg(long, default_value_t = 1.0, conflicts_with = "max_speed")]
    pub speed: f64,
    /// Send each message as soon as the previous one of its call is
    /// answered.
    #[arg(long)]
    pub max_speed: bool,
    /// The seed: the same seed gives the same calls, byte for byte.
    #[arg(long, default_value_t = SimConfig::default().seed)]
    pub seed: u64,
    /// Ask for `transfer-update` messages (opt-in in `serverMessages`).
    #[arg(long)]
    pub transfer_updates: bool,
    /// Ask for final `transcript` messages (opt-in in `serverMessages`).
    #[arg(long)]
    pub transcripts: bool,
    /// Median response latency, ms.
    #[arg(long, default_value_t = SimConfig::default().latency_p50_ms)]
    pub latency_p50_ms: f64,
    /// 95th-percentile response latency, ms.
    #[arg(long, default_value_t = SimConfig::default().latency_p95_ms)]
    pub latency_p95_ms: f64,
    /// Share of assistant utterances the user barges into.
    #[arg(long, default_value_t = SimConfig::default().interruption_rate)]
    pub interruption_rate: f64,
    /// Share of user turns answered with a tool call.
    #[arg(long, default_value_t = SimConfig::default().tool_call_rate)]
    pub tool_call_rate: f64,
    /// Share of answered calls that end in a transfer.
    #[arg(long, default_value_t = SimConfig::default().transfer_rate)]
    pub transfer_rate: f64,
    /// Share of outbound calls never answered.
    #[arg(long, default_value_t = SimConfig::default().no_answer_rate)]
    pub no_answer_rate: f64,
    /// Fewest user turns per answered call.
    #[arg(long, default_value_t = SimConfig::default().min_turns)]
    pub min_turns: u32,
    /// Most user turns per answered call.
    #[arg(long, default_value_t = SimConfig::default().max_turns)]
    pub max_turns: u32,
    /// Weights of inbound, outbound and web calls, e.g. `5,3,2`.
    #[arg(long, default_value = "5,3,2", value_name = "IN,OUT,WEB")]
    pub mix: String,
    /// When call 0 is created, epoch ms (fixed by default, so output depends
    /// on the seed alone).
    #[arg(long)]
    pub epoch_ms: Option<i64>,
    /// Where and how to send.
    #[command(flatten)]
    pub send: SendArgs,
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

/// Runs `calltap simulate`.
pub fn run(args: SimulateArgs) -> ExitCode {
    let checked = args
        .send
        .check()
        .and_then(|()| Ok((args.config()?, args.pace()?)));
    match checked {
        Ok((config, pace)) => finish(simulate(&args, config, pace)),
        Err(e) => usage(&e),
    }
}

fn simulate(args: &SimulateArgs, config: SimConfig, pace: Pace) -> anyhow::Result<ExitCode> {
    let options = args.send.options(pace)?;
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

    let Some(options) = options else {
        return Ok(ExitCode::SUCCESS);
    };
    send_and_report(Arc::new(SimSource::new(renderer, args.calls)), options)
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

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::cli::{Cli, Command};
    use crate::sim::SimConfig;

    #[test]
    fn no_tuning_flags_give_the_simulators_own_defaults() {
        let cli =
            Cli::try_parse_from(["calltap", "simulate", "--out", "calls.jsonl"]).expect("parses");
        let Command::Simulate(args) = cli.command else {
            panic!("not simulate");
        };
        let config = args.config().expect("the defaults are valid");
        let defaults = SimConfig::default();
        // `--mix 5,3,2` stays as it was (the weights feed the draws as
        // given), in the default proportions.
        let total = config.mix.inbound + config.mix.outbound + config.mix.web;
        for (weight, share) in [
            (config.mix.inbound, defaults.mix.inbound),
            (config.mix.outbound, defaults.mix.outbound),
            (config.mix.web, defaults.mix.web),
        ] {
            assert!((weight / total - share).abs() < 1e-12, "{weight}/{total}");
        }
        assert_eq!(
            SimConfig {
                mix: defaults.mix,
                ..config
            },
            defaults
        );
    }
}
