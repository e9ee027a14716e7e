//! Neural optimal-transport maps in Burn, scored against exact OT.
//!
//! - **OTM** (Rout et al. 2022; Fan et al. 2022): a transport map against a potential, the
//!   semi-dual of optimal transport as a max-min game ([`Otm`]).
//! - **DIOTM** (Choi, Chen and Choi, ICLR 2025): forward and backward maps against a
//!   time-dependent value function on every displacement interpolant, with the
//!   Hamilton–Jacobi–Bellman regulariser ([`Diotm`]).
//!
//! Both are [`NeuralMap`]s: the same loop trains them and the same [`ExactMap`] scores them
//! (W₂ to the target, L2 to the exact discrete OT map of dotae-ot's network simplex), on the
//! four 2-D [`Benchmark`]s of the DIOTM paper's Table 1.
//!
//! ```no_run
//! use dotae_diotm::{Benchmark, Diotm, ExactMap, MapTrainingConfig, NeuralMap};
//! use dotae_models::{SeededRng, cpu_device};
//!
//! let benchmark = Benchmark::EightGaussians;
//! let mut data = SeededRng::stream(0, "train");
//! let mut model = Diotm::new(MapTrainingConfig::new(), &cpu_device().autodiff())?;
//! for _ in 0..1000 {
//!     let (x, y) = (benchmark.source(256, &mut data), benchmark.target(256, &mut data));
//!     model.train_step(x.view(), y.view())?;
//! }
//! let mut test = SeededRng::stream(0, "test");
//! let (x, y) = (benchmark.source(1000, &mut test), benchmark.target(1000, &mut test));
//! let scores = ExactMap::new(x.view(), y.view())?.score(model.transport(x.view())?.view())?;
//! println!("W2 {:.2}, L2 {:.2}", scores.w2, scores.l2);
//! # Ok::<(), dotae_diotm::DiotmError>(())
//! ```

#![warn(missing_docs)]
mod benchmarks;
mod config;
mod diotm;
mod error;
mod networks;
mod neural_map;
mod otm;
mod scoring;

pub use benchmarks::{
    Benchmark, CIRCLE_NOISE, CIRCLE_RADII, EIGHT_GAUSSIANS_RADIUS, EIGHT_GAUSSIANS_VARIANCE,
    MOON_NOISE, MOON_SCALE, SPIRAL_NOISE, TWENTY_FIVE_GAUSSIANS_GRID,
    TWENTY_FIVE_GAUSSIANS_VARIANCE,
};
pub use config::MapTrainingConfig;
pub use diotm::{Diotm, MapPair};
pub use error::DiotmError;
pub use networks::{
    DATA_DIM, TIME_EMBEDDING, TransportMap, TransportMapConfig, ValueFunction, ValueFunctionConfig,
    ValueWithDerivatives,
};
pub use neural_map::{NeuralMap, StepLosses, displacement_interpolation};
pub use otm::Otm;
pub use scoring::{ExactMap, MapScores, exact_assignment};
