//! One interface for every interpolation method — the path-energy autoencoder and each
//! baseline — so that training loops, interpolation, metrics and experiments run any of them
//! unchanged.

use std::ops::ControlFlow;

use burn::prelude::*;

use crate::{ModelError, SeededRng};

/// The loss terms of one training step of any method, by name, as plain numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainLog {
    /// 1-based index of the step.
    pub step: usize,
    /// `(name, value)` pairs; the first is the minimised total of the autoencoder's loss.
    pub terms: Vec<(&'static str, f64)>,
}

impl TrainLog {
    /// The value of the term called `name`, if the method reports one.
    pub fn term(&self, name: &str) -> Option<f64> {
        self.terms.iter().find(|(n, _)| *n == name).map(|&(_, v)| v)
    }

    /// The first term: the total the autoencoder minimises.
    pub fn loss(&self) -> f64 {
        self.terms.first().map_or(f64::NAN, |&(_, v)| v)
    }
}

/// Anything that maps images to latent codes and back: a trained method, or an autoencoder
/// loaded from a checkpoint. Interpolation ([`interpolate_pairs`](crate::interpolate_pairs),
/// [`barycentre_grid`](crate::barycentre_grid)) needs nothing more.
pub trait LatentModel {
    /// Checks that `images`, the shape of `what` (named in the error), is a batch
    /// [`LatentModel::encode`] accepts. Networks panic on a shape they were not built for, as
    /// Burn's modules do, so the interpolation functions check their input here first.
    ///
    /// # Errors
    /// [`ModelError::Shape`] or [`ModelError::ImageSize`] naming `what` and the rule it broke.
    fn check_images(&self, what: &'static str, images: &Tensor<4>) -> Result<(), ModelError>;

    /// Latent codes `(N, c, h, w)` of images `(N, C, H, W)`: the codes interpolation mixes (a
    /// VAE returns its posterior means). Panics on images that
    /// [`LatentModel::check_images`] refuses.
    fn encode(&self, images: Tensor<4>) -> Tensor<4>;

    /// Images `(N, C, H, W)` in `[0, 1]` of latent codes `(N, c, h, w)`.
    fn decode(&self, latents: Tensor<4>) -> Tensor<4>;

    /// The decoder's output as a loss sees it in training: [`LatentModel::decode`] itself,
    /// except for a decoder that ends linearly, whose raw output is returned before its clip to
    /// `[0, 1]`, so that a pixel outside `[0, 1]` keeps its gradient.
    fn decode_raw(&self, latents: Tensor<4>) -> Tensor<4> {
        self.decode(latents)
    }
}

/// An autoencoder-based interpolation method: it trains on batches of images, and it
/// interpolates by decoding convex combinations of latent codes.
///
/// Implementors provide the encoder, the decoder and one training step; epochs
/// ([`train_epoch`]), interpolation and barycentres are written once on top of them, so an
/// experiment runs every method through the same code.
pub trait InterpolationMethod: LatentModel {
    /// Short name for tables, file names and logs, such as `"vae"`.
    fn name(&self) -> &str;

    /// One optimisation step (for adversarial methods: the critic's and the autoencoder's) on
    /// `batch` `(B, C, H, W)` with values in `[0, 1]`. A non-finite loss is an error naming the
    /// step, and leaves the weights as they were.
    fn train_step(&mut self, batch: Tensor<4>) -> Result<TrainLog, ModelError>;

    /// Steps taken so far.
    fn steps_taken(&self) -> usize;

    /// The order of the next epoch over `n` images, shuffled by the run's seeded generator, so
    /// that one seed fixes the whole run.
    fn epoch_order(&mut self, n: usize) -> Vec<usize>;

    /// The method's whole configuration as pretty-printed JSON, for the record of a run.
    fn config_json(&self) -> String;

    /// Writes the weights of the networks that interpolate (not an adversary's) to `path` in
    /// Burn's burnpack format, atomically.
    fn save_checkpoint(&self, path: &std::path::Path) -> Result<(), ModelError>;
}

/// `0..n` in an order shuffled by `rng`: the order of one epoch.
pub fn shuffled_order(n: usize, rng: &mut SeededRng) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut order);
    order
}

/// One pass over `images` `(N, C, H, W)` in the given `order` (see [`shuffled_order`]), in
/// batches of `batch_size`; `on_step` sees each step's log as it completes, and ends the pass
/// early (after that step) by returning [`ControlFlow::Break`]: a caller stops cleanly between
/// steps, on a signal for example.
///
/// # Errors
/// [`ModelError::InvalidConfig`] for a zero batch size, [`ModelError::Shape`] for an index
/// outside the images, otherwise the first error of a step.
pub fn train_epoch(
    method: &mut dyn InterpolationMethod,
    images: &Tensor<4>,
    order: &[usize],
    batch_size: usize,
    mut on_step: impl FnMut(&TrainLog) -> ControlFlow<()>,
) -> Result<Vec<TrainLog>, ModelError> {
    if batch_size == 0 {
        return Err(ModelError::InvalidConfig {
            field: "batch_size",
            reason: "must be at least 1".into(),
        });
    }
    let n = images.dims()[0];
    if let Some(&bad) = order.iter().find(|&&i| i >= n) {
        return Err(ModelError::Shape {
            what: "epoch order",
            actual: vec![bad],
            expected: format!("indices below the {n} images"),
        });
    }
    let mut logs = Vec::with_capacity(order.len().div_ceil(batch_size));
    for chunk in order.chunks(batch_size) {
        let batch = images
            .clone()
            .select(0, index_tensor(chunk, &images.device()));
        let log = method.train_step(batch)?;
        let flow = on_step(&log);
        logs.push(log);
        if flow.is_break() {
            break;
        }
    }
    Ok(logs)
}

/// `values` as an integer index tensor on `device`, for `select`.
pub fn index_tensor(values: &[usize], device: &Device) -> Tensor<1, Int> {
    let shape = [values.len()];
    let values: Vec<i64> = values.iter().map(|&i| i as i64).collect();
    Tensor::<1, Int>::from_data(TensorData::new(values, shape), device)
}
