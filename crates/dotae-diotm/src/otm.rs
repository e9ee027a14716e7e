//! OTM (Rout et al. 2022; Fan et al. 2022): the semi-dual of optimal transport as a max-min
//! game between a transport map `T` and a potential `v`:
//! `sup_v inf_T E_x[c(x, T(x)) − v(T(x))] + E_y[v(y)]`.
//!
//! As the DIOTM paper does for its baseline, the potential is DIOTM's value function held at
//! `t = 1`: OTM is DIOTM with every time drawn at 1 and no HJB term.

use burn::prelude::*;
use dotae_models::{WeightStream, draw_weights};
use ndarray::{Array2, ArrayView2};

use crate::networks::{TransportMap, ValueFunction};
use crate::neural_map::StepContext;
use crate::{DiotmError, MapTrainingConfig, NeuralMap, StepLosses};

/// An OTM transport map with its potential and their optimisers.
pub struct Otm {
    map: TransportMap,
    potential: ValueFunction,
    map_optimizer: burn::optim::ModuleOptimizer,
    potential_optimizer: burn::optim::ModuleOptimizer,
    context: StepContext,
}

impl Otm {
    /// Fresh networks on `device` (an autodiff device) with weights drawn from `config.seed`;
    /// the map's are those DIOTM's forward map starts from with the same seed.
    pub fn new(config: MapTrainingConfig, device: &Device) -> Result<Self, DiotmError> {
        let context = StepContext::new(config, device)?;
        let seed = context.config.seed;
        let map = draw_weights(device, seed, WeightStream::Encoder, || {
            Ok::<_, DiotmError>(context.config.map.init(device))
        })?;
        let potential = draw_weights(device, seed, WeightStream::Adversary, || {
            Ok::<_, DiotmError>(context.config.value.init(device))
        })?;
        Ok(Self {
            map,
            potential,
            map_optimizer: context.adam(),
            potential_optimizer: context.adam(),
            context,
        })
    }

    /// The potential `v(y)`: the value function at `t = 1`.
    fn potential_at(&self, potential: &ValueFunction, points: Tensor<2>) -> Tensor<2> {
        let [n, _] = points.dims();
        potential.forward(Tensor::ones([n, 1], &self.context.device), points)
    }
}

impl NeuralMap for Otm {
    fn name(&self) -> &'static str {
        "OTM"
    }

    fn train_step(
        &mut self,
        source: ArrayView2<'_, f64>,
        target: ArrayView2<'_, f64>,
    ) -> Result<StepLosses, DiotmError> {
        let x = self.context.upload(source, "source batch")?;
        let y = self.context.upload(target, "target batch")?;
        let [n, _] = x.dims();
        let config = self.context.config.clone();

        // The potential rises on the targets and falls on the map's images.
        // The map's images are constants here: no graph is built for them.
        let mapped = self.map.valid().forward(
            x.clone().without_autodiff(),
            self.context.noise(n).without_autodiff(),
        );
        let value_loss = self.potential_at(&self.potential, mapped).mean()
            - self.potential_at(&self.potential, y).mean();
        let value = self.context.checked(&value_loss, "value")?;
        self.potential = StepContext::descend(
            &mut self.potential_optimizer,
            config.value_learning_rate,
            self.potential.clone(),
            value_loss,
        );

        // The map moves each point cheaply to where the potential is high.
        let mapped = self.map.forward(x.clone(), self.context.noise(n));
        let map_loss = (self.context.cost(x, mapped.clone())
            - self.potential_at(&self.potential, mapped))
        .mean();
        let map = self.context.checked(&map_loss, "map")?;
        self.map = StepContext::descend(
            &mut self.map_optimizer,
            config.map_learning_rate,
            self.map.clone(),
            map_loss,
        );

        self.context.steps += 1;
        Ok(StepLosses {
            value,
            map,
            hjb: None,
        })
    }

    fn transport(&self, source: ArrayView2<'_, f64>) -> Result<Array2<f64>, DiotmError> {
        self.context.apply(&self.map, source, "source points")
    }

    fn steps_taken(&self) -> usize {
        self.context.steps
    }
}
