//! Exact costs of barycentres by the network simplex, within bounds on the solver's time:
//! what `ot barycentre` and `paper barycentres` report of a barycentre.

// `ot` uses every item; `paper` only the costs.
#![allow(dead_code)]

use std::error::Error;

use dotae::ot::w2_squared_images;
use ndarray::{Array1, Array2};

use crate::interrupt;

/// The most pairs of pixels with mass the binary gives the network simplex. `EMD_MAX_ARCS`
/// (2^27) bounds its memory, but not its time, which grows steeply with the pairs: images with
/// mass everywhere took 10 s at 64×64 (2^24 pairs) and 40 s at 80×80 (2^25.3) with a training
/// run sharing the machine, and more than 90 s at 107×107 (2^27); `ot emd a.npy b.npy`, random
/// positive images.
pub const EXACT_PAIRS: usize = 1 << 25;

/// The side of the largest square images with mass everywhere within [`EXACT_PAIRS`].
pub const EXACT_SIDE: usize = 76;

/// The most pairs of pixels with mass that a barycentre's exact costs may hold together (its
/// cost to every image and the pairwise bound): one problem's worth, about 40 s. Probe 8 gave
/// 1 024 images of 128×128 with 200 pixels of mass each, every problem small: 1 024 costs to
/// the barycentre and 523 776 pairs ran for more than 10 minutes.
pub const EXACT_COST_PAIRS: usize = EXACT_PAIRS;

/// The most pixels with mass one image of a barycentre's exact costs may hold: 256×256 with
/// mass everywhere, about 4 s against a 2-pixel image (probe 9).
pub const EXACT_NODES: usize = 1 << 16;

/// Whether the exact costs of `barycentre` against `images` (to each image, and between every
/// two) stay within [`EXACT_NODES`] pixels with mass per image, [`EXACT_PAIRS`] each and
/// [`EXACT_COST_PAIRS`] together.
pub fn exact_costs_fit(barycentre: &Array2<f64>, images: &[Array2<f64>]) -> bool {
    let with_mass: Vec<usize> = images.iter().map(pixels_with_mass).collect();
    let on_barycentre = pixels_with_mass(barycentre);
    // The network simplex's time grows with the nodes too: a 512×512 barycentre against
    // images of 2 pixels each (2^19 pairs) took more than 100 s (probe 9), 256×256 3.9 s.
    if std::iter::once(on_barycentre)
        .chain(with_mass.iter().copied())
        .any(|count| count > EXACT_NODES)
    {
        return false;
    }
    let mut total = 0usize;
    for (i, &count) in with_mass.iter().enumerate() {
        let problems = std::iter::once(on_barycentre).chain(with_mass[i + 1..].iter().copied());
        for other in problems {
            let pairs = count.saturating_mul(other);
            if pairs > EXACT_PAIRS {
                return false;
            }
            total = total.saturating_add(pairs);
            if total > EXACT_COST_PAIRS {
                return false;
            }
        }
    }
    true
}

/// The pairs of pixels with mass between `a` and `b`, the size of their transport problem.
pub fn exact_pairs(a: &Array2<f64>, b: &Array2<f64>) -> usize {
    pixels_with_mass(a).saturating_mul(pixels_with_mass(b))
}

pub fn pixels_with_mass(image: &Array2<f64>) -> usize {
    image.iter().filter(|&&v| v > 0.0).count()
}

/// A barycentre's cost `Σ_k w_k W₂²(barycentre, image_k)`, and each exact `W₂²`.
#[derive(serde::Serialize)]
pub struct BarycentreCost {
    pub cost: f64,
    pub w2_squared_to_images: Vec<f64>,
}

/// The barycentre's [`BarycentreCost`], where the network simplex can hold the images and
/// the costs' total time is bounded ([`exact_costs_fit`]); `None` otherwise.
pub fn barycentre_cost(
    barycentre: &Array2<f64>,
    images: &[Array2<f64>],
    weights: &Array1<f64>,
) -> Result<Option<BarycentreCost>, Box<dyn Error>> {
    if !exact_costs_fit(barycentre, images) {
        return Ok(None);
    }
    let mut to_images = Vec::with_capacity(images.len());
    for image in images {
        interrupt::check("computing the exact costs")?;
        to_images.push(w2_squared_images(barycentre.view(), image.view())?);
    }
    let cost = to_images.iter().zip(weights).map(|(w2, w)| w * w2).sum();
    Ok(Some(BarycentreCost {
        cost,
        w2_squared_to_images: to_images,
    }))
}

/// `Σ_{i<j} wᵢ wⱼ W₂²(aᵢ, aⱼ)`, the least any barycentre of `images` with `weights` (their
/// sum is 1) can cost: its cost is `½ Σ_{i,j} wᵢ wⱼ E|xᵢ − xⱼ|²` under a coupling of all the
/// images, whose pairwise marginals each cost at least `W₂²(aᵢ, aⱼ)`. A blend of the images
/// costs at most twice it (W₂² is convex in each argument), and for two images it is the
/// optimum. Called where [`exact_costs_fit`] holds, which bounds every pair's problem.
pub fn pairwise_cost(images: &[Array2<f64>], weights: &Array1<f64>) -> Result<f64, Box<dyn Error>> {
    let mut bound = 0.0;
    for i in 0..images.len() {
        for j in i + 1..images.len() {
            interrupt::check("computing the exact costs")?;
            bound +=
                weights[i] * weights[j] * w2_squared_images(images[i].view(), images[j].view())?;
        }
    }
    Ok(bound)
}
