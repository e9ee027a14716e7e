//! What the comparison experiments (`mnist`, `lines`) share: choosing methods, building each one
//! on the same architecture, seed and schedule, training it through the shared interface, and
//! decoding its interpolations. Nothing here looks at which method it holds.

use std::error::Error;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

use clap::ValueEnum;
use dotae::baselines::{Acai, AcaiConfig, Aeai, AeaiConfig, Vae, VaeConfig};
use dotae::data::{DataError, Series, write_atomically, write_line_plot};
use dotae::energy::Variant;
use dotae::models::burn::prelude::*;
use dotae::models::{
    AutoencoderConfig, Backend, InterpolationMethod, PathEnergyLossConfig, TrainLog, Trainer,
    TrainingConfig, from_array, interpolate_pairs, to_array, train_epoch,
};
use indicatif::{ProgressBar, ProgressStyle};
use ndarray::{Array4, Array5, Ix5};
use serde::Serialize;

/// A method on the command line; `all` expands to every method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MethodName {
    All,
    Baseline,
    Vae,
    Acai,
    Aeai,
    PathEnergy,
}

impl MethodName {
    const EVERY: [MethodName; 5] = [
        MethodName::Baseline,
        MethodName::Vae,
        MethodName::Acai,
        MethodName::Aeai,
        MethodName::PathEnergy,
    ];
}

/// The methods named, `all` expanded, each once, in the order given.
pub fn selected(names: &[MethodName]) -> Vec<MethodName> {
    let mut chosen: Vec<MethodName> = Vec::new();
    for &name in names {
        let expanded: &[MethodName] = match name {
            MethodName::All => &MethodName::EVERY,
            _ => std::slice::from_ref(&name),
        };
        for &m in expanded {
            if !chosen.contains(&m) {
                chosen.push(m);
            }
        }
    }
    chosen
}

/// The flags every comparison shares, with the same defaults.
#[derive(clap::Args, Debug)]
pub struct CommonArgs {
    /// Methods to train; `all` runs every one.
    #[arg(long, value_enum, num_args = 1.., default_values_t = [MethodName::All])]
    pub method: Vec<MethodName>,
    #[arg(long, default_value_t = 64)]
    pub batch_size: usize,
    /// Interpolation pairs per batch for the path energy and AEAI (the paper: 9 of a batch of
    /// 256).
    #[arg(long, default_value_t = 9)]
    pub pairs: usize,
    /// Weight α of the path energy.
    #[arg(long, default_value_t = 1e-3)]
    pub alpha: f64,
    #[arg(long, default_value_t = 1e-3)]
    pub learning_rate: f64,
    #[arg(long, default_value = "flex")]
    pub backend: Backend,
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

impl CommonArgs {
    /// The schedule of these flags with the experiment's `epochs`, path time steps `steps` and
    /// unbalanced `tau` (balanced when `None`).
    pub fn schedule(&self, epochs: usize, steps: usize, tau: Option<f64>) -> Schedule {
        Schedule {
            model: AutoencoderConfig::new(),
            learning_rate: self.learning_rate,
            batch_size: self.batch_size,
            epochs,
            seed: self.seed,
            alpha: self.alpha,
            steps,
            pairs: self.pairs,
            tau,
        }
    }
}

/// What every method shares, and the path energy's own settings.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub model: AutoencoderConfig,
    pub learning_rate: f64,
    pub batch_size: usize,
    pub epochs: usize,
    pub seed: u64,
    /// Path energy: weight α, time steps T of the regularised paths, and τ of the unbalanced
    /// variant (balanced when `None`). `pairs` is the number of interpolation pairs per batch
    /// that a regulariser sees, the path energy's and AEAI's alike.
    pub alpha: f64,
    pub steps: usize,
    pub pairs: usize,
    pub tau: Option<f64>,
}

/// The named method, freshly initialised on `device` (an autodiff device).
pub fn build(
    name: MethodName,
    schedule: &Schedule,
    device: &Device,
) -> Result<Box<dyn InterpolationMethod>, Box<dyn Error>> {
    let s = schedule;
    let plain = TrainingConfig::new()
        .with_model(s.model.clone())
        .with_learning_rate(s.learning_rate)
        .with_batch_size(s.batch_size)
        .with_seed(s.seed)
        .with_alpha(0.0)
        .with_beta(0.0);
    Ok(match name {
        MethodName::Baseline | MethodName::All => Box::new(Trainer::new(plain, device)?),
        MethodName::PathEnergy => {
            let variant = match s.tau {
                Some(tau) => Variant::Unbalanced { tau },
                None => Variant::Balanced,
            };
            let config = plain
                .with_alpha(s.alpha)
                .with_steps(s.steps)
                .with_pairs_per_batch(s.pairs)
                .with_energy(PathEnergyLossConfig {
                    variant,
                    ..PathEnergyLossConfig::default()
                });
            Box::new(Trainer::new(config, device)?)
        }
        MethodName::Vae => Box::new(Vae::new(
            VaeConfig::new()
                .with_model(s.model.clone())
                .with_learning_rate(s.learning_rate)
                .with_seed(s.seed),
            device,
        )?),
        MethodName::Acai => Box::new(Acai::new(
            AcaiConfig::new()
                .with_model(s.model.clone())
                .with_learning_rate(s.learning_rate)
                .with_critic_learning_rate(s.learning_rate)
                .with_seed(s.seed),
            device,
        )?),
        MethodName::Aeai => Box::new(Aeai::new(
            AeaiConfig::new()
                .with_model(s.model.clone())
                .with_pairs_per_batch(s.pairs)
                .with_learning_rate(s.learning_rate)
                .with_discriminator_learning_rate(s.learning_rate)
                .with_seed(s.seed),
            device,
        )?),
    })
}

/// `results.json` of a comparison: the data set's description `data`, the schedule, and one
/// row per method.
#[derive(Debug, Serialize)]
pub struct Report<D, S> {
    #[serde(flatten)]
    pub data: D,
    pub epochs: usize,
    pub batch_size: usize,
    pub backend: String,
    pub seed: u64,
    pub seconds_total: f64,
    pub methods: Vec<MethodRow<S>>,
}

impl CommonArgs {
    /// The report of a run of these flags that started at `started`.
    pub fn report<D, S>(
        &self,
        data: D,
        epochs: usize,
        started: Instant,
        methods: Vec<MethodRow<S>>,
    ) -> Report<D, S> {
        Report {
            data,
            epochs,
            batch_size: self.batch_size,
            backend: self.backend.to_string(),
            seed: self.seed,
            seconds_total: started.elapsed().as_secs_f64(),
            methods,
        }
    }
}

/// One method's row of a comparison: its training cost and the experiment's `scores`.
#[derive(Debug, Serialize)]
pub struct MethodRow<S> {
    pub method: String,
    pub steps: usize,
    pub train_seconds: f64,
    pub seconds_per_step: f64,
    #[serde(flatten)]
    pub scores: S,
}

/// The comparison loop: builds each method `common` selects, trains it on `images`, plots its loss
/// terms to `<out>/<method>/loss.png`, and scores it with `evaluate` (given the method and its
/// own directory, for its files). Nothing here looks at which method it holds.
pub fn compare<S>(
    common: &CommonArgs,
    schedule: &Schedule,
    images: &Tensor<4>,
    out: &Path,
    device: &Device,
    mut evaluate: impl FnMut(&dyn InterpolationMethod, &Path) -> Result<S, Box<dyn Error>>,
) -> Result<Vec<MethodRow<S>>, Box<dyn Error>> {
    let mut rows = Vec::new();
    for name in selected(&common.method) {
        let mut method = build(name, schedule, device)?;
        let dir = out.join(method.name());
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let clock = Instant::now();
        let logs = train(method.as_mut(), images, schedule)?;
        let train_seconds = clock.elapsed().as_secs_f64();
        write_losses(&dir.join("loss.png"), method.name(), &logs)?;
        let steps = method.steps_taken();
        rows.push(MethodRow {
            method: method.name().to_string(),
            steps,
            train_seconds,
            seconds_per_step: train_seconds / steps.max(1) as f64,
            scores: evaluate(method.as_ref(), &dir)?,
        });
    }
    Ok(rows)
}

/// Writes `report` as `<out>/results.json` and `table` as `<out>/results.md`, each atomically,
/// and prints the table.
pub fn write_results(
    out: &Path,
    report: &impl Serialize,
    table: &str,
) -> Result<(), Box<dyn Error>> {
    let json = serde_json::to_string_pretty(report)?;
    for (name, text) in [("results.json", json.as_str()), ("results.md", table)] {
        write_atomically(&out.join(name), |file| {
            file.write_all(text.as_bytes())
                .map_err(|source| DataError::Write {
                    path: out.join(name),
                    source,
                })
        })?;
    }
    println!("{table}");
    println!("wrote {}", out.display());
    Ok(())
}

/// A markdown table with `header` columns and one line per row.
pub fn markdown_table(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let line = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    let rule: Vec<String> = header.iter().map(|_| "---".to_string()).collect();
    let mut table = line(&header) + &line(&rule);
    for row in rows {
        table += &line(&row);
    }
    table
}

/// `schedule.epochs` passes over `images` in the method's own epoch orders (the same for every
/// method with one seed), with a progress bar; returns every step's log.
pub fn train(
    method: &mut dyn InterpolationMethod,
    images: &Tensor<4>,
    schedule: &Schedule,
) -> Result<Vec<TrainLog>, Box<dyn Error>> {
    let count = images.dims()[0];
    let bar = ProgressBar::new(schedule.epochs as u64).with_prefix(method.name().to_string());
    bar.set_style(ProgressStyle::with_template(
        "{prefix:>12} [{bar:30}] {pos}/{len} epochs {elapsed_precise} {msg}",
    )?);
    let mut logs = Vec::new();
    for _ in 0..schedule.epochs {
        let order = method.epoch_order(count);
        logs.extend(train_epoch(
            method,
            images,
            &order,
            schedule.batch_size,
            |log| bar.set_message(format!("step {} loss {:.4}", log.step, log.loss())),
        )?);
        bar.inc(1);
    }
    bar.finish();
    Ok(logs)
}

/// The decoded interpolations `(P, steps + 1, C, H, W)` between `sources[p]` and `targets[p]`.
pub fn decode_paths(
    method: &dyn InterpolationMethod,
    sources: &Array4<f64>,
    targets: &Array4<f64>,
    steps: usize,
    device: &Device,
) -> Result<Array5<f64>, Box<dyn Error>> {
    let paths = interpolate_pairs(
        method,
        from_array(sources.view().into_dyn(), device)?,
        from_array(targets.view().into_dyn(), device)?,
        steps,
    )?;
    Ok(to_array(paths)?.into_dimensionality::<Ix5>()?)
}

/// A log-scale plot of the magnitude of every loss term the method reports, per step.
pub fn write_losses(path: &Path, name: &str, logs: &[TrainLog]) -> Result<(), Box<dyn Error>> {
    let names: Vec<&str> = logs
        .first()
        .map(|l| l.terms.iter().map(|(n, _)| *n).collect())
        .unwrap_or_default();
    let series: Vec<Series> = names
        .iter()
        .map(|&term| Series {
            name: term.to_string(),
            values: logs
                .iter()
                .map(|l| l.term(term).unwrap_or(f64::NAN).abs())
                .collect(),
        })
        .collect();
    write_line_plot(
        path,
        &format!("{name}: loss terms per step"),
        &series,
        true,
        720,
        420,
    )?;
    Ok(())
}
