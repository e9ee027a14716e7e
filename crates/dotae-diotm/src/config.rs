//! The training configuration both methods share.

use burn::prelude::*;

use crate::DiotmError;
use crate::networks::{TransportMapConfig, ValueFunctionConfig};

/// How OTM and DIOTM train. The defaults are those of Choi et al. (2024b)'s toy runs (batch
/// 256, Adam β = (0.5, 0.9), learning rates 1.6e-4 for the maps and 1e-4 for the potential,
/// cost `τ·|x − y|²` with τ = 1), because the DIOTM paper's own values did not survive its
/// text extraction; docs/diotm.md says so beside every table.
#[derive(Config, Debug)]
pub struct MapTrainingConfig {
    /// Points per batch, from each distribution.
    #[config(default = 256)]
    pub batch_size: usize,
    /// The cost intensity τ of `c(x, y) = τ·|x − y|²`.
    #[config(default = 1.0)]
    pub tau: f64,
    /// DIOTM's HJB regulariser weight λ (0 turns it off; OTM has none).
    #[config(default = 1.0)]
    pub lambda: f64,
    /// Adam's learning rate for the transport maps.
    #[config(default = 1.6e-4)]
    pub map_learning_rate: f64,
    /// Adam's learning rate for the potential (value function).
    #[config(default = 1.0e-4)]
    pub value_learning_rate: f64,
    /// Adam's β₁.
    #[config(default = 0.5)]
    pub beta_1: f64,
    /// Adam's β₂.
    #[config(default = 0.9)]
    pub beta_2: f64,
    /// The seed of the weights and of every draw of the steps (times and noise).
    #[config(default = 0)]
    pub seed: u64,
    /// The transport maps' architecture.
    #[config(default = "TransportMapConfig::new()")]
    pub map: TransportMapConfig,
    /// The value function's architecture.
    #[config(default = "ValueFunctionConfig::new()")]
    pub value: ValueFunctionConfig,
}

impl MapTrainingConfig {
    /// Every field within its range, or the first that is not, by name.
    pub fn check(&self) -> Result<(), DiotmError> {
        let invalid =
            |field: &'static str, reason: String| Err(DiotmError::InvalidConfig { field, reason });
        if self.batch_size == 0 {
            return invalid("batch_size", "must be at least 1".into());
        }
        for (field, value) in [
            ("tau", self.tau),
            ("map_learning_rate", self.map_learning_rate),
            ("value_learning_rate", self.value_learning_rate),
        ] {
            if !(value.is_finite() && value > 0.0) {
                return invalid(field, format!("must be positive and finite, got {value}"));
            }
        }
        if !(self.lambda.is_finite() && self.lambda >= 0.0) {
            return invalid(
                "lambda",
                format!("must be zero or positive and finite, got {}", self.lambda),
            );
        }
        for (field, value) in [("beta_1", self.beta_1), ("beta_2", self.beta_2)] {
            if !(0.0..1.0).contains(&value) {
                return invalid(field, format!("must lie in [0, 1), got {value}"));
            }
        }
        for (field, hidden) in [
            ("map.hidden", self.map.hidden),
            ("value.hidden", self.value.hidden),
        ] {
            if hidden == 0 {
                return invalid(field, "must be at least 1".into());
            }
        }
        Ok(())
    }
}
