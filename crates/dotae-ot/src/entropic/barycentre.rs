//! Convolutional Wasserstein barycentres of images (Solomon et al., 2015), as POT computes
//! them in `ot.bregman.convolutional_barycenter2d`.
//!
//! **The blur the kernel predicts.** At the fixed point each plan `πₖ = diag(Uₖ) K diag(Vₖ)`
//! carries `Aₖ` to the barycentre `b`, and `b = Π (K Uₖ)^wₖ` forces `Σ wₖ log Vₖ = 0`. For
//! Gaussians (per axis, away from the borders; the kernel is a Gaussian of variance σ²)
//! every factor is a Gaussian, and a Gaussian plan with marginal variances `s²`, `β` and
//! coupling precision `1/σ²` has precision matrix `[[A, −1/σ²], [−1/σ², B]]` with
//! `B = 1/σ² + q`, `q` the precision of `Vₖ`. With equal variances `s²`, symmetry makes `q`
//! the same for every image, so `Σ wₖ qₖ = 0` gives `q = 0`, `B = 1/σ²`; inverting the
//! precision matrix then gives `s² = 1 / (A − 1/σ²)` and `β = s² + σ²`. The means solve a
//! linear system whose solution is `Σ wₖ μₖ`. So the barycentre of `N(μₖ, s²I)` is
//! `N(Σ wₖ μₖ, (s² + σ²) I)`: the exact (ε → 0) displacement interpolation blurred once by the
//! kernel.

use std::ops::ControlFlow;

use ndarray::{Array2, ArrayView1, ArrayView3, Axis};
use serde::Serialize;

use super::gibbs::{GibbsKernel, pixel_variance};
use crate::{Observer, OtError, Progress, Silent, check};

/// The stopping rule is evaluated every `CHECK_EVERY` iterations (POT's schedule).
const CHECK_EVERY: usize = 10;

/// Added to each blurred scaling before its logarithm, as POT's `stabThr`: keeps the
/// geometric mean finite where a blur underflows to zero.
const STABILISER: f64 = 1e-30;

/// The relative difference allowed between the masses of the images, and between the sum of
/// the weights and 1.
const SUM_TOLERANCE: f64 = 1e-9;

/// Settings of [`convolutional_barycentre_with`]; the defaults are POT's
/// (`numItermax = 10000`, `stopThr = 1e-4`) with the ε of POT's barycentre example.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BarycentreConfig {
    /// The entropic regularisation ε > 0 in POT's units (`reg`): each image axis of `n`
    /// pixels spans [0, 1], so the Gibbs kernel is a Gaussian blur of standard deviation
    /// `σ = (n − 1) √(ε / 2)` pixels along it (and ε = 2σ² / (n − 1)² for a wanted σ).
    /// Default 0.004 (σ ≈ 2.8 px on 64 px).
    pub epsilon: f64,
    /// The most iterations to run. Default 10 000.
    pub max_iterations: usize,
    /// The stopping threshold on the change measure (see [`convolutional_barycentre_with`]),
    /// in units of the images' mass. Default 1e-4.
    pub stop_threshold: f64,
}

impl Default for BarycentreConfig {
    fn default() -> Self {
        Self {
            epsilon: 0.004,
            max_iterations: 10_000,
            stop_threshold: 1e-4,
        }
    }
}

impl BarycentreConfig {
    /// The default settings with regularisation `epsilon`.
    pub fn new(epsilon: f64) -> Self {
        Self {
            epsilon,
            ..Self::default()
        }
    }

    /// The standard deviation, in pixels, of the Gibbs kernel's blur along an axis of `n`
    /// pixels: `(n − 1) √(ε / 2)`.
    pub fn blur_pixels(&self, n: usize) -> f64 {
        pixel_variance(n, self.epsilon).sqrt()
    }
}

/// A convolutional Wasserstein barycentre.
#[derive(Debug, Clone, PartialEq)]
pub struct Barycentre {
    /// The barycentre, `height × width`, with the images' mass (to within the stopping rule).
    pub image: Array2<f64>,
    /// The iterations run.
    pub iterations: usize,
    /// The stopping rule's change measure when it was last evaluated (infinite if never).
    pub change: f64,
    /// Whether the stopping rule was met. `false` when the iteration limit was reached or an
    /// observer stopped the solver: the image is then the last iterate, not an error.
    pub converged: bool,
}

/// The entropic Wasserstein barycentre of the `k` images `images` (`k × height × width`, all of
/// the same mass) with barycentric `weights` (`k`, non-negative, summing to 1), for the
/// squared Euclidean cost, the Gibbs kernel applied as separable Gaussian blurs. Settings at
/// their [defaults](BarycentreConfig::default) but for `config`; see
/// [`convolutional_barycentre_with`].
pub fn convolutional_barycentre(
    images: ArrayView3<f64>,
    weights: ArrayView1<f64>,
    config: &BarycentreConfig,
) -> Result<Barycentre, OtError> {
    convolutional_barycentre_with(images, weights, config, &mut Silent)
}

/// The convolutional barycentre (see [`convolutional_barycentre`]) with an observer.
///
/// The iterations are exactly those of POT's `convolutional_barycenter2d(A, reg, weights,
/// method="sinkhorn")`, in the kernel domain: from `b = 𝟙/(h·w)`, `Uₖ = 𝟙`, each iteration sets
/// `Vₖ = b / K Uₖ`, `Uₖ = Aₖ / K Vₖ`, then `b = Π (K Uₖ + 10⁻³⁰)^wₖ`. What it converges to is
/// blurred by the kernel: with weights `(1, 0, …)` the result is `K (A₀ / K𝟙)`, the first image
/// blurred by σ (and renormalised at the borders), reached after two iterations; and the
/// barycentre of Gaussians `N(μₖ, s²I)` is `N(Σ wₖ μₖ, (s² + σ²) I)`, where σ² is the kernel's
/// variance in pixels (away from the borders).
///
/// **Stopping rule.** After every 10th iteration the solver computes the change measure
/// `Σ_pixels std_k(Vₖ · K Uₖ)` — how much the images' transport plans still disagree on the
/// barycentre they carry mass to (POT's `err`), in units of mass — reports it to `observer`,
/// and stops when it is below `config.stop_threshold`. It also stops after
/// `config.max_iterations`, or when the observer breaks: the result then has
/// `converged == false`.
///
/// Errors: `images` empty, non-finite or negative; an image without mass, or masses differing
/// by more than 1e-9 relative; `weights` not of length `k`, non-finite, negative or not summing
/// to 1 (within 1e-9); ε or the threshold not finite and > 0; no iterations allowed; ε so
/// small that the kernel-domain iteration underflows to zero and breaks down (like POT's; the
/// error says so).
pub fn convolutional_barycentre_with(
    images: ArrayView3<f64>,
    weights: ArrayView1<f64>,
    config: &BarycentreConfig,
    observer: &mut impl Observer,
) -> Result<Barycentre, OtError> {
    check_inputs(images, weights, config)?;
    let (count, height, width) = images.dim();
    let kernel = GibbsKernel::new(height, width, config.epsilon);
    let pixels = kernel.pixels();
    // Every per-image array below is interleaved by row (`height × count × width`), the
    // layout in which the kernel blurs all the images with one matrix product per axis.
    let targets: Vec<f64> = images
        .view()
        .permuted_axes([1, 0, 2])
        .iter()
        .copied()
        .collect();
    let weights = weights.to_vec();

    let mut barycentre = vec![1.0 / pixels as f64; pixels];
    let mut u = vec![1.0; count * pixels];
    let mut v = vec![0.0; count * pixels];
    let mut blurred_u = vec![0.0; count * pixels];
    let mut blurred_v = vec![0.0; count * pixels];
    let mut scratch = vec![0.0; count * pixels];
    kernel.apply(&u, &mut scratch, &mut blurred_u);

    let mut iterations = 0;
    let mut change = f64::INFINITY;
    let mut converged = false;
    while iterations < config.max_iterations {
        iterations += 1;
        for (row, (v, blurred_u)) in v
            .chunks_exact_mut(width)
            .zip(blurred_u.chunks_exact(width))
            .enumerate()
        {
            let image_row = row / count;
            let barycentre = &barycentre[image_row * width..(image_row + 1) * width];
            for ((v, b), ku) in v.iter_mut().zip(barycentre).zip(blurred_u) {
                *v = b / ku;
            }
        }
        kernel.apply(&v, &mut scratch, &mut blurred_v);
        for ((u, a), kv) in u.iter_mut().zip(&targets).zip(&blurred_v) {
            *u = a / kv;
        }
        kernel.apply(&u, &mut scratch, &mut blurred_u);
        geometric_mean(&blurred_u, &weights, width, &mut barycentre);
        if iterations % CHECK_EVERY != 0 {
            continue;
        }
        change = disagreement(&v, &blurred_u, count, width);
        if !change.is_finite() {
            return Err(underflow(config.epsilon));
        }
        if change < config.stop_threshold {
            converged = true;
            break;
        }
        let progress = Progress {
            iteration: iterations,
            max_iterations: config.max_iterations,
            residual: change,
            tolerance: config.stop_threshold,
        };
        if let ControlFlow::Break(()) = observer.observe(progress) {
            break;
        }
    }
    if barycentre.iter().any(|b| !b.is_finite()) {
        return Err(underflow(config.epsilon));
    }
    let image = Array2::from_shape_vec((height, width), barycentre)
        .expect("the barycentre has height × width pixels");
    Ok(Barycentre {
        image,
        iterations,
        change,
        converged,
    })
}

fn check_inputs(
    images: ArrayView3<f64>,
    weights: ArrayView1<f64>,
    config: &BarycentreConfig,
) -> Result<(), OtError> {
    check::non_negative("images", &images)?;
    let masses: Vec<f64> = images.axis_iter(Axis(0)).map(|image| image.sum()).collect();
    if masses.iter().any(|&m| m <= 0.0) {
        return Err(OtError::ZeroMass {
            what: "an image of images",
        });
    }
    for &mass in &masses[1..] {
        check::equal_mass("the images", masses[0], mass, SUM_TOLERANCE)?;
    }
    if weights.len() != masses.len() {
        return Err(OtError::Shape {
            what: "weights",
            found: weights.shape().to_vec(),
            rule: format!("it must have one weight per image ({})", masses.len()),
        });
    }
    check::non_negative("weights", &weights)?;
    let total = weights.sum();
    if (total - 1.0).abs() > SUM_TOLERANCE {
        return Err(OtError::Parameter {
            name: "weights (their sum)",
            value: total,
            rule: "barycentric weights must sum to 1 (within 1e-9)",
        });
    }
    check::positive("epsilon", config.epsilon)?;
    check::positive("stop_threshold", config.stop_threshold)?;
    if config.max_iterations == 0 {
        return Err(OtError::Parameter {
            name: "max_iterations",
            value: 0.0,
            rule: "it must be at least 1",
        });
    }
    Ok(())
}

/// `out = Π_k (blurred_k + STABILISER)^weight_k`, pixel by pixel, from images interleaved
/// by row (`height × count × width`, `count = weights.len()`).
fn geometric_mean(blurred: &[f64], weights: &[f64], width: usize, out: &mut [f64]) {
    out.fill(0.0);
    for (row, blurred) in blurred.chunks_exact(width).enumerate() {
        let (image_row, image) = (row / weights.len(), row % weights.len());
        let out = &mut out[image_row * width..(image_row + 1) * width];
        for (out, b) in out.iter_mut().zip(blurred) {
            *out += weights[image] * (b + STABILISER).ln();
        }
    }
    for out in out.iter_mut() {
        *out = out.exp();
    }
}

/// `Σ_pixels std_k(v_k · blurred_u_k)` (population standard deviation over the `count`
/// images, interleaved by row): the images' plans' second marginals, and how far they are
/// from one common barycentre.
fn disagreement(v: &[f64], blurred_u: &[f64], count: usize, width: usize) -> f64 {
    let images = count as f64;
    let mut total = 0.0;
    // One image row of every image at a time: the count values of a pixel are width apart.
    for (v, blurred_u) in v
        .chunks_exact(count * width)
        .zip(blurred_u.chunks_exact(count * width))
    {
        for column in 0..width {
            let marginal = |c: usize| v[c * width + column] * blurred_u[c * width + column];
            let mean = (0..count).map(marginal).sum::<f64>() / images;
            let variance = (0..count)
                .map(|c| (marginal(c) - mean).powi(2))
                .sum::<f64>()
                / images;
            total += variance.sqrt();
        }
    }
    total
}

fn underflow(epsilon: f64) -> OtError {
    OtError::Parameter {
        name: "epsilon",
        value: epsilon,
        rule: "it is too small for these images: the Gibbs kernel's blur underflowed to 0 and the kernel-domain iteration broke down (raise epsilon)",
    }
}
