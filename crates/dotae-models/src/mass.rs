//! MassLoss of the main paper: how far each decoded frame's mass strays from the straight
//! line between the endpoint masses.

use burn::prelude::*;

use crate::interpolation::path_times;

/// `Σ_paths Σ_{t=1}^{T-1} |Mass(ρ_t) − ((1 − t/T)·Mass(ρ_0) + (t/T)·Mass(ρ_T))|` for paths
/// `(P, T + 1, C, H, W)`, with `Mass(x) = Σ |x|` over every pixel of every channel.
///
/// The paper prints the endpoint weights the other way round (`t·Mass(x_i) + (1 − t)·Mass(x_j)`),
/// which would ask the first interior frame to carry the target's mass; docs/design.md's linear
/// interpolation from source to target is used.
pub fn mass_loss(paths: Tensor<5>) -> Tensor<1> {
    let [p, frames, _, _, _] = paths.dims();
    let steps = frames - 1;
    let masses: Tensor<2> = paths.abs().sum_dims_squeeze(&[2, 3, 4]);
    let first = masses.clone().slice([0..p, 0..1]);
    let last = masses.clone().slice([0..p, steps..frames]);
    let interior = masses.slice([0..p, 1..steps]);
    let device = interior.device();
    let s = path_times(1..steps, steps);
    let s = Tensor::<2>::from_data(
        TensorData::new(s, [1, steps - 1]),
        (&device, interior.dtype()),
    );
    let target = first.clone() + (last - first) * s;
    (interior - target).abs().sum()
}
