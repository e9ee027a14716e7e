//! The one trait both methods train and are scored through, and what their steps share: moving
//! points onto the device, the seeded draws of times and noise, and the cost.

use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use dotae_models::{SeededRng, from_array, to_array};
use ndarray::{Array2, ArrayView2};

use crate::networks::{DATA_DIM, TransportMap};
use crate::{DiotmError, MapTrainingConfig};

/// The losses of one training step, after the update.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepLosses {
    /// The potential's (value function's) loss, the quantity it minimises (for DIOTM without
    /// the HJB term).
    pub value: f64,
    /// The transport maps' loss.
    pub map: f64,
    /// DIOTM's HJB residual, mean square, when the regulariser is on.
    pub hjb: Option<f64>,
}

/// A neural optimal-transport map that learns from batches of source and target points.
///
/// The caller owns the loop, the data and the scoring ([`crate::ExactMap`]); the method owns
/// its networks, optimisers and the draws of its steps, all fixed by its seed.
pub trait NeuralMap {
    /// The method's name, as in the paper: `"OTM"` or `"DIOTM"`.
    fn name(&self) -> &'static str;

    /// One update of the potential, then one of the map(s), on a batch of `source` and one of
    /// `target` points (`(N, 2)` each). A non-finite loss is an error and leaves the weights
    /// of the networks not yet updated in this step as they were.
    fn train_step(
        &mut self,
        source: ArrayView2<'_, f64>,
        target: ArrayView2<'_, f64>,
    ) -> Result<StepLosses, DiotmError>;

    /// The learned forward map applied to `source` points `(N, 2)`. Its auxiliary noise comes
    /// from a stream of the seed that restarts at every call, so the same points always map
    /// to the same places.
    fn transport(&self, source: ArrayView2<'_, f64>) -> Result<Array2<f64>, DiotmError>;

    /// The training steps taken so far.
    fn steps_taken(&self) -> usize;
}

/// McCann's displacement interpolation between points and their images: `(1 − t)·x + t·T(x)`.
pub fn displacement_interpolation(
    source: ArrayView2<'_, f64>,
    mapped: ArrayView2<'_, f64>,
    t: f64,
) -> Result<Array2<f64>, DiotmError> {
    if source.dim() != mapped.dim() {
        return Err(DiotmError::Shape {
            what: "mapped points",
            actual: mapped.shape().to_vec(),
            expected: format!("the source's shape {:?}", source.shape()),
        });
    }
    Ok(&source * (1.0 - t) + &mapped * t)
}

/// What both methods hold besides their networks: the device, the configuration, the draws.
pub(crate) struct StepContext {
    pub device: Device,
    pub config: MapTrainingConfig,
    pub rng: SeededRng,
    pub steps: usize,
}

impl StepContext {
    pub fn new(config: MapTrainingConfig, device: &Device) -> Result<Self, DiotmError> {
        config.check()?;
        Ok(Self {
            device: device.clone(),
            rng: SeededRng::stream(config.seed, "neural-map steps"),
            config,
            steps: 0,
        })
    }

    pub fn adam(&self) -> ModuleOptimizer {
        AdamConfig::new()
            .with_beta_1(self.config.beta_1 as f32)
            .with_beta_2(self.config.beta_2 as f32)
            .init()
    }

    /// Checked points on the training device.
    pub fn upload(
        &self,
        points: ArrayView2<'_, f64>,
        what: &'static str,
    ) -> Result<Tensor<2>, DiotmError> {
        upload(points, what, &self.device)
    }

    /// `n` standard normal draws per data dimension, the maps' auxiliary noise.
    pub fn noise(&mut self, n: usize) -> Tensor<2> {
        normal_noise(n, &mut self.rng, &self.device)
    }

    /// `n` times uniform in `[0, 1)`, as a column.
    pub fn times(&mut self, n: usize) -> Tensor<2> {
        let values: Vec<f64> = (0..n).map(|_| self.rng.uniform()).collect();
        Tensor::<1>::from_data(TensorData::new(values, [n]), &self.device).reshape([n, 1])
    }

    /// The cost `τ·|a − b|²` of each row, as a column.
    pub fn cost(&self, a: Tensor<2>, b: Tensor<2>) -> Tensor<2> {
        (a - b).powi_scalar(2).sum_dim(1) * self.config.tau
    }

    /// The host value of a one-element loss; a non-finite one is the step's error.
    pub fn checked(&self, loss: &Tensor<1>, which: &'static str) -> Result<f64, DiotmError> {
        let value = to_array(loss.clone())?
            .iter()
            .copied()
            .next()
            .unwrap_or(f64::NAN);
        if value.is_finite() {
            Ok(value)
        } else {
            Err(DiotmError::NonFiniteLoss {
                step: self.steps + 1,
                loss: which,
                value,
            })
        }
    }

    /// `map` applied to `points` without autodiff, with the noise stream of
    /// [`NeuralMap::transport`], restarted at every call.
    pub fn apply(
        &self,
        map: &TransportMap,
        points: ArrayView2<'_, f64>,
        what: &'static str,
    ) -> Result<Array2<f64>, DiotmError> {
        let x = self.upload(points, what)?;
        let [n, _] = x.dims();
        let mut rng = SeededRng::stream(self.config.seed, "neural-map transport");
        let noise = normal_noise(n, &mut rng, &self.device);
        download(
            map.valid()
                .forward(x.without_autodiff(), noise.without_autodiff()),
        )
    }

    /// One Adam step of `module` down the gradient of `loss` at `rate`.
    pub fn descend<M: Module>(
        optimizer: &mut ModuleOptimizer,
        rate: f64,
        module: M,
        loss: Tensor<1>,
    ) -> M {
        let mut gradients = loss.backward();
        let gradients = GradientsParams::from_module(&mut gradients, &module);
        optimizer.step(rate, module, gradients)
    }
}

fn normal_noise(n: usize, rng: &mut SeededRng, device: &Device) -> Tensor<2> {
    let values: Vec<f64> = (0..n * DATA_DIM).map(|_| rng.normal()).collect();
    Tensor::<1>::from_data(TensorData::new(values, [n * DATA_DIM]), device).reshape([n, DATA_DIM])
}

/// Points `(N, 2)` with at least one row and only finite values, on `device`.
pub(crate) fn upload(
    points: ArrayView2<'_, f64>,
    what: &'static str,
    device: &Device,
) -> Result<Tensor<2>, DiotmError> {
    check_points(points, what)?;
    Ok(from_array::<2>(points.into_dyn(), device)?)
}

/// `(N, 2)` with N ≥ 1 and every value finite.
pub(crate) fn check_points(
    points: ArrayView2<'_, f64>,
    what: &'static str,
) -> Result<(), DiotmError> {
    if points.nrows() == 0 || points.ncols() != DATA_DIM {
        return Err(DiotmError::Shape {
            what,
            actual: points.shape().to_vec(),
            expected: format!("(N, {DATA_DIM}) with N ≥ 1"),
        });
    }
    if let Some(((row, column), _)) = points.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(DiotmError::NonFinite { what, row, column });
    }
    Ok(())
}

/// A `(N, 2)` tensor back on the host.
pub(crate) fn download(points: Tensor<2>) -> Result<Array2<f64>, DiotmError> {
    let [n, d] = points.dims();
    let values = to_array(points)?;
    Ok(values
        .into_shape_with_order((n, d))
        .map_err(|e| dotae_models::ModelError::TensorData {
            reason: e.to_string(),
        })?)
}
