//! Burn models for dotae: the convolutional autoencoder, the path-energy loss bridge, MassLoss,
//! and the trainer of Algorithm 1 (Feng & Strohmer), with checkpoints and interpolation.
//!
//! Tensors carry no backend type in burn 0.22: the backend is the [`Device`](burn::prelude::Device)
//! they live on. [`cpu_device`] is burn-ndarray; with the `wgpu` feature, [`Backend::Wgpu`] is
//! burn-wgpu. Training needs the autodiff form of the device ([`Backend::training_device`]).

#![warn(missing_docs)]
mod autoencoder;
mod backend;
mod bridge;
mod checkpoint;
pub mod config_checks;
mod error;
mod host;
mod interpolation;
mod mass;
mod method;
mod method_config;
mod method_core;
mod objective;
mod pair_lines;
mod pairs;
mod reconstruction;
mod trainer;
mod weights;

pub use autoencoder::{
    Autoencoder, AutoencoderConfig, ConvPair, Decoder, Encoder, OutputActivation, WeightInit,
};
pub use backend::{Backend, cpu_device};
pub use bridge::{PathEnergyLoss, PathEnergyLossConfig, PathLoss};
pub use error::ModelError;
pub use host::{from_array, to_array};
pub use interpolation::{barycentre_grid, interpolate_pairs};
pub use mass::mass_loss;
pub use method::{
    InterpolationMethod, LatentModel, TrainLog, index_tensor, shuffled_order, train_epoch,
};
pub use method_config::MethodConfig;
pub use method_core::MethodCore;
pub use objective::{Losses, NoAdversary, Objective, Schedule, Step, Term};
pub use pair_lines::{LineEnds, PairLines, decode_pair_lines};
pub use pairs::{SeededRng, select_pairs};
pub use reconstruction::{Reconstruction, binary_cross_entropy, mean_squared_error};
pub use trainer::{PathEnergyObjective, StepLog, Trainer, TrainingConfig};
pub use weights::{WeightStream, draw_weights};

/// The crate's dependency on burn, so users name the same tensor types.
pub use burn;
