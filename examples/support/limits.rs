//! The upper bounds of the size flags, checked before any work starts so that no flag can
//! ask for more memory or time than a run on one machine can give (docs/reliability.md).
// Each binary checks the flags it has, so each uses some of these.
#![allow(dead_code)]

use std::error::Error;

/// The largest image side (`--size`): a 512×512 path of 257 frames is 540 MB as f64.
pub const MAX_IMAGE_SIDE: usize = 512;

/// A PNG's declared sides must be at most [`MAX_IMAGE_SIDE`], checked from its header before its
/// pixels are decoded: the readers' own limit (2^28 samples) lets a 261 KB file take 4 GB.
/// Returns the declared `(rows, cols)`.
pub fn check_png_side(file: &std::path::Path) -> Result<(usize, usize), Box<dyn Error>> {
    let (rows, cols) = dotae::data::png_size(file)?;
    if rows.max(cols) > MAX_IMAGE_SIDE {
        return Err(format!(
            "{} is {rows}x{cols}: images must have sides of at most {MAX_IMAGE_SIDE} pixels",
            file.display()
        )
        .into());
    }
    Ok((rows, cols))
}

/// The most time steps of a path (`--steps`, `--frames`).
pub const MAX_STEPS: usize = 256;

/// The most training epochs (`--epochs`): a million of quickstart's 0.1 s epochs is a day
/// and more; the bound keeps step counts (epochs × steps per epoch) far from overflow.
pub const MAX_EPOCHS: usize = 1_000_000;

/// The largest training batch (`--batch-size`): about 1 MB of activations per 32×32 image, so a
/// batch of 1 024 takes about 1 GB (a batch of 8 000 MNIST digits took 7.7 GB and aborted).
pub const MAX_BATCH_SIZE: usize = 1024;

/// The most interpolation pairs scored or drawn (`--pairs`).
pub const MAX_PAIRS: usize = 10_000;

/// The most pairs of a training batch a regulariser sees (`--pairs` of `mnist`, `lines`,
/// `pole`): each pair decodes and differentiates its whole line, about 11 MB per pair on 32×32
/// images (probe 7: 150 pairs peaked at 1.84 GB, 496 aborted under 4 GB). The paper uses 9.
pub const MAX_TRAINED_PAIRS: usize = 64;

/// The most pixels of the path quickstart trains on, `(--steps + 1) × side² × channels`: it
/// decodes and differentiates the whole path every step, about 0.7 KB per pixel (`quickstart
/// --size 128 --steps 40 --epochs 1`: 474 MB; `--size 256 --steps 10`: 596 MB; `/usr/bin/time`),
/// so 2^21 pixels take about 1.5 GB (512×512 with 256 steps asked for 2 GB in one allocation).
pub const MAX_TRAINED_PIXELS: usize = 1 << 21;

/// The most test pairs an experiment decodes and scores (`--test-pairs`): 400 pairs took
/// 4.2 GB on MNIST (docs/reliability.md), and MNIST's 1 000 test digits make 500 disjoint pairs.
pub const MAX_TEST_PAIRS: usize = 500;

/// `value` of `flag` must lie in `min..=max` (`usize::MAX`: no upper bound); the message names
/// the flag and the rule.
pub fn check_range(flag: &str, value: usize, min: usize, max: usize) -> Result<(), Box<dyn Error>> {
    if (min..=max).contains(&value) {
        return Ok(());
    }
    let rule = match max {
        usize::MAX => format!("it must be at least {min}"),
        _ => format!("it must be at least {min} and at most {max}"),
    };
    Err(format!("{flag} {value} is out of range: {rule}").into())
}

/// The most values (pairs × frames × pixels) one set of paths may hold: 2^26 f64 are 512 MiB,
/// and a run keeps a few such sets (decoded, cross-dissolve, exact) at once.
pub const MAX_PATH_VALUES: usize = 1 << 26;

/// [`MAX_PATH_VALUES`] as the `.npy` readers take it: files read by `path_energy` and `evaluate`
/// hold at most as many values as the experiments' paths, checked from the header.
pub const MAX_FILE_VALUES: u64 = MAX_PATH_VALUES as u64;

/// The product of `factors`, or `None` where it overflows (which no limit admits).
pub fn checked_product(factors: &[usize]) -> Option<usize> {
    factors
        .iter()
        .try_fold(1usize, |acc, &n| acc.checked_mul(n))
}

/// Paths of `pairs × frames` frames of `side × side` pixels must hold at most
/// [`MAX_PATH_VALUES`] values; `flags` names the flags that set them.
pub fn check_path_values(
    flags: &str,
    pairs: usize,
    frames: usize,
    side: usize,
) -> Result<(), Box<dyn Error>> {
    match checked_product(&[pairs, frames, side, side]) {
        Some(values) if values <= MAX_PATH_VALUES => Ok(()),
        _ => Err(format!(
            "{flags} ask for {pairs} paths of {frames} frames of {side}x{side} pixels, more than {MAX_PATH_VALUES} values ({} MiB of f64) in all: lower one of them",
            (MAX_PATH_VALUES * 8) >> 20
        )
        .into()),
    }
}

/// The documented range `[min, max]` of a real-valued flag, and why it has one.
pub struct RealRange {
    pub min: f64,
    pub max: f64,
    pub why: &'static str,
}

/// `--learning-rate`: below 1e-8 Adam's f32 steps vanish, so nothing trains.
pub const LEARNING_RATE: RealRange = RealRange {
    min: 1e-8,
    max: 1.0,
    why: "below it the networks' f32 updates vanish and nothing trains; above it no network here learns",
};

/// `--alpha`, `--beta`: loss weights, which overflow the networks' f32 loss above 1e6.
pub const LOSS_WEIGHT: RealRange = RealRange {
    min: 0.0,
    max: 1e6,
    why: "a larger weight overflows the networks' f32 loss",
};

/// `--tau`: the unbalanced source weight; outside this range the step's system is too badly
/// conditioned to solve.
pub const TAU: RealRange = RealRange {
    min: 1e-6,
    max: 1e6,
    why: "outside it the unbalanced system is too badly conditioned to solve (1e6 is already balanced in effect)",
};

/// `--mass`: the mass frames are rescaled to; outside this range energies overflow or vanish.
pub const MASS: RealRange = RealRange {
    min: 1e-6,
    max: 1e6,
    why: "outside it the energies overflow or vanish in f64 (1 makes T·J an estimate of W₂² in pixels²)",
};

/// `--floor`: the relative density floor; below 1e-12 it no longer keeps the system definite.
pub const RELATIVE_FLOOR: RealRange = RealRange {
    min: 1e-12,
    max: 0.5,
    why: "below it the floor no longer keeps the step systems definite; above it the floor flattens the frames",
};

/// `--absolute-floor`, `--epsilon`: density floors in the frames' own units.
pub const ABSOLUTE_FLOOR: RealRange = RealRange {
    min: 1e-12,
    max: 1e6,
    why: "below it the floor no longer keeps the step systems definite",
};

/// `--w2`: a squared distance in pixels² between images of at most 512×512 pixels.
pub const W2: RealRange = RealRange {
    min: 1e-9,
    max: 1e9,
    why: "it is a squared distance in pixels², and no images read here are more than 512 a side (2 × 512² pixels² corner to corner; smaller images bound it lower, which is checked once they are read)",
};

/// `value` of `flag` must lie in `range`; the message names the flag, the range and its reason.
pub fn check_real(flag: &str, value: f64, range: &RealRange) -> Result<(), Box<dyn Error>> {
    if value >= range.min && value <= range.max {
        return Ok(());
    }
    Err(format!(
        "{flag} {value:?} is out of range: it must lie in [{:e}, {:e}] ({})",
        range.min, range.max, range.why
    )
    .into())
}

/// The smallest positive loss weight: the losses are f32, where a weight below this vanishes
/// next to the reconstruction term (below 1.4e-45 it is 0 outright), so the run would train the
/// unregularised network under the regulariser's name (probe 24: `quickstart --alpha 1e-46`).
pub const MIN_POSITIVE_WEIGHT: f64 = 1e-12;

/// A loss weight: within [`LOSS_WEIGHT`], and 0 or at least [`MIN_POSITIVE_WEIGHT`].
pub fn check_loss_weight(flag: &str, value: f64) -> Result<(), Box<dyn Error>> {
    check_real(flag, value, &LOSS_WEIGHT)?;
    if value != 0.0 && value < MIN_POSITIVE_WEIGHT {
        return Err(format!(
            "{flag} {value:e} is positive but below {MIN_POSITIVE_WEIGHT:e}: in the f32 losses it weighs nothing next to the reconstruction, so the run would train without it under its name; give 0 to leave the term out, or a weight of at least {MIN_POSITIVE_WEIGHT:e}"
        )
        .into());
    }
    Ok(())
}

/// Seconds per space-time cell and iteration of the geodesic solver, about the largest measured
/// on grids within `ot`'s bound of 2^21 cells: the time of `--max-iterations 30` less that of `10`
/// (of `15` less `5`, `8` less `2` for the larger grids) over the extra iterations, `ot
/// geodesic A B --steps T --tolerance 1e-12`, disks, on 2 cores beside two training runs:
/// 2.0e-7 at 32×32 and 16 steps, 2.8e-7 at 64×64, 2.9e-7 at 128×128, 2.5e-7 at 2×128 and 256
/// steps, 2.6e-7 at 64×64 and 256 steps, 3.1e-7 at 128×128 and 127 steps.
pub const SECONDS_PER_CELL_ITERATION: f64 = 3e-7;
