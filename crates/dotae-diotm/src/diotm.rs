//! DIOTM (Choi, Chen and Choi, ICLR 2025): a forward map `T` (source → target), a backward map
//! `S` (target → source) and a time-dependent value function `V(t, x)`, trained on every
//! displacement interpolant at once.
//!
//! For `t ∈ (0, 1]` the interpolant `ρₜ` minimises `W(μ, ρ)/t + W(ρ, ν)/(1 − t)` (value
//! `W(μ, ν)` for every t), whose dual with the potential condition is
//! `sup_V E_x[inf_z c(x, z)/t − V(t, z)] + E_y[inf_z c(y, z)/(1 − t) + V(t, z)]`.
//! Writing the inner minimisers through the boundary maps, `xₜ = (1 − t)·x + t·T(x)` and
//! `yₜ = (1 − t)·S(y) + t·y`, with `c = τ|·|²`, gives the max-min objective
//! `E_t [ E_x[t·τ|T(x) − x|² − V(t, xₜ)] + E_y[(1 − t)·τ|S(y) − y|² + V(t, yₜ)] ]`,
//! which at `t = 1` is OTM's. The optimal V solves the Hamilton–Jacobi–Bellman equation
//! `∂ₜV + |∇ₓV|²/(4τ) = 0` (Hopf–Lax with the kernel `τ|x − z|²/t`); the regulariser is the
//! mean square of its residual on both generated interpolants, weighted by λ.
//!
//! The paper's equations (17)–(20) did not survive its text extraction; this derivation from
//! its Theorem 3.1, Corollary 3.2 and Theorem 3.3 is written out in docs/diotm.md.

use burn::prelude::*;
use dotae_models::{WeightStream, draw_weights};
use ndarray::{Array2, ArrayView2};

use crate::networks::{TransportMap, ValueFunction};
use crate::neural_map::StepContext;
use crate::{DiotmError, MapTrainingConfig, NeuralMap, StepLosses};

/// The forward map `T` and the backward map `S`, trained by one optimiser.
#[derive(Module, Debug)]
pub struct MapPair {
    /// Source → target.
    pub forward: TransportMap,
    /// Target → source.
    pub backward: TransportMap,
}

/// A DIOTM model: both maps, the value function and their optimisers.
pub struct Diotm {
    maps: MapPair,
    value: ValueFunction,
    map_optimizer: burn::optim::ModuleOptimizer,
    value_optimizer: burn::optim::ModuleOptimizer,
    context: StepContext,
}

/// The interpolants of one batch at its drawn times.
struct Interpolants {
    t_x: Tensor<2>,
    x_t: Tensor<2>,
    t_y: Tensor<2>,
    y_t: Tensor<2>,
    /// `t·τ|T(x) − x|²` and `(1 − t)·τ|S(y) − y|²`, per point.
    forward_cost: Tensor<2>,
    backward_cost: Tensor<2>,
}

impl Diotm {
    /// Fresh networks on `device` (an autodiff device) with weights drawn from `config.seed`.
    pub fn new(config: MapTrainingConfig, device: &Device) -> Result<Self, DiotmError> {
        let context = StepContext::new(config, device)?;
        let seed = context.config.seed;
        let forward = draw_weights(device, seed, WeightStream::Encoder, || {
            Ok::<_, DiotmError>(context.config.map.init(device))
        })?;
        let backward = draw_weights(device, seed, WeightStream::Decoder, || {
            Ok::<_, DiotmError>(context.config.map.init(device))
        })?;
        let value = draw_weights(device, seed, WeightStream::Adversary, || {
            Ok::<_, DiotmError>(context.config.value.init(device))
        })?;
        Ok(Self {
            maps: MapPair { forward, backward },
            value,
            map_optimizer: context.adam(),
            value_optimizer: context.adam(),
            context,
        })
    }

    /// The learned backward map applied to `target` points `(N, 2)`, with the noise of
    /// [`NeuralMap::transport`].
    pub fn transport_back(&self, target: ArrayView2<'_, f64>) -> Result<Array2<f64>, DiotmError> {
        self.context
            .apply(&self.maps.backward, target, "target points")
    }

    /// Fresh times and noise, and the interpolants they give; `fixed_maps` runs the maps
    /// without autodiff (no graph is built for them), as the value function's update needs
    /// their outputs only as constants.
    fn interpolants(&mut self, x: &Tensor<2>, y: &Tensor<2>, fixed_maps: bool) -> Interpolants {
        let ([nx, _], [ny, _]) = (x.dims(), y.dims());
        let (t_x, t_y) = (self.context.times(nx), self.context.times(ny));
        let (z_x, z_y) = (self.context.noise(nx), self.context.noise(ny));
        let (forward, backward) = match fixed_maps {
            true => (
                self.maps
                    .forward
                    .valid()
                    .forward(x.clone().without_autodiff(), z_x.without_autodiff()),
                self.maps
                    .backward
                    .valid()
                    .forward(y.clone().without_autodiff(), z_y.without_autodiff()),
            ),
            false => (
                self.maps.forward.forward(x.clone(), z_x),
                self.maps.backward.forward(y.clone(), z_y),
            ),
        };
        let (rest_x, rest_y) = (t_x.clone().neg() + 1.0, t_y.clone().neg() + 1.0);
        let x_t = x.clone() * rest_x + forward.clone() * t_x.clone();
        let y_t = backward.clone() * rest_y.clone() + y.clone() * t_y.clone();
        let forward_cost = self.context.cost(forward, x.clone()) * t_x.clone();
        let backward_cost = self.context.cost(backward, y.clone()) * rest_y;
        Interpolants {
            t_x,
            x_t,
            t_y,
            y_t,
            forward_cost,
            backward_cost,
        }
    }
}

impl Diotm {
    /// `V(t, xₜ)` and `V(t, yₜ)` from one pass of the value function over both interpolants.
    fn value_on_both(&self, p: Interpolants) -> (Tensor<2>, Tensor<2>) {
        let [nx, _] = p.x_t.dims();
        let v = self.value.forward(
            Tensor::cat(vec![p.t_x, p.t_y], 0),
            Tensor::cat(vec![p.x_t, p.y_t], 0),
        );
        let [n, _] = v.dims();
        (v.clone().slice([0..nx, 0..1]), v.slice([nx..n, 0..1]))
    }
}

impl NeuralMap for Diotm {
    fn name(&self) -> &'static str {
        "DIOTM"
    }

    fn train_step(
        &mut self,
        source: ArrayView2<'_, f64>,
        target: ArrayView2<'_, f64>,
    ) -> Result<StepLosses, DiotmError> {
        let x = self.context.upload(source, "source batch")?;
        let y = self.context.upload(target, "target batch")?;
        let [nx, _] = x.dims();
        let config = self.context.config.clone();

        // The value function falls on the forward interpolants and rises on the backward ones,
        // with the HJB residual on both.
        let p = self.interpolants(&x, &y, true);
        let (value_loss, hjb) = if config.lambda > 0.0 {
            let times = Tensor::cat(vec![p.t_x, p.t_y], 0);
            let points = Tensor::cat(vec![p.x_t, p.y_t], 0);
            let [n, _] = points.dims();
            let v = self.value.forward_with_derivatives(times, points);
            let residual = v.time + v.gradient.powi_scalar(2).sum_dim(1) / (4.0 * config.tau);
            let hjb = residual.powi_scalar(2).mean();
            let game =
                v.value.clone().slice([0..nx, 0..1]).mean() - v.value.slice([nx..n, 0..1]).mean();
            (game, Some(hjb))
        } else {
            let (on_x, on_y) = self.value_on_both(p);
            (on_x.mean() - on_y.mean(), None)
        };
        let value = self.context.checked(&value_loss, "value")?;
        let hjb_value = match &hjb {
            Some(h) => Some(self.context.checked(h, "HJB")?),
            None => None,
        };
        let total = match hjb {
            Some(h) => value_loss + h * config.lambda,
            None => value_loss,
        };
        self.value = StepContext::descend(
            &mut self.value_optimizer,
            config.value_learning_rate,
            self.value.clone(),
            total,
        );

        // The maps make each interpolant cheap to reach and where the value function favours it.
        let p = self.interpolants(&x, &y, false);
        let (forward_cost, backward_cost) = (p.forward_cost.clone(), p.backward_cost.clone());
        let (on_x, on_y) = self.value_on_both(p);
        let map_loss = (forward_cost - on_x).mean() + (backward_cost + on_y).mean();
        let map = self.context.checked(&map_loss, "map")?;
        self.maps = StepContext::descend(
            &mut self.map_optimizer,
            config.map_learning_rate,
            self.maps.clone(),
            map_loss,
        );

        self.context.steps += 1;
        Ok(StepLosses {
            value,
            map,
            hjb: hjb_value,
        })
    }

    fn transport(&self, source: ArrayView2<'_, f64>) -> Result<Array2<f64>, DiotmError> {
        self.context
            .apply(&self.maps.forward, source, "source points")
    }

    fn steps_taken(&self) -> usize {
        self.context.steps
    }
}
