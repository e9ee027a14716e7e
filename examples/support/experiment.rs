//! What the comparison experiments (`mnist`, `lines`) share: choosing methods, building each one
//! on the same architecture, seed and schedule, training it through the shared interface, and
//! decoding its interpolations. Nothing here looks at which method it holds.

use std::error::Error;
use std::path::Path;

use clap::ValueEnum;
use dotae::baselines::{Acai, AcaiConfig, Aeai, AeaiConfig, Vae, VaeConfig};
use dotae::data::{Series, write_line_plot};
use dotae::energy::Variant;
use dotae::models::burn::prelude::*;
use dotae::models::{
    AutoencoderConfig, InterpolationMethod, PathEnergyLossConfig, TrainLog, Trainer,
    TrainingConfig, from_array, interpolate_pairs, to_array, train_epoch,
};
use indicatif::{ProgressBar, ProgressStyle};
use ndarray::{Array4, Array5, Ix5};

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
