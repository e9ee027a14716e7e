//! The measuring flags every binary that scores paths shares (`#[command(flatten)]`), turned
//! into the one [`MeasureConfig`] of dotae-metrics.

use std::error::Error;
use std::path::Path;

use clap::Args;
use dotae::energy::EnergyError;
use dotae::energy::{Boundary, Floor, TimeWeights, Variant};
use dotae::metrics::{
    DEFAULT_RELATIVE_FLOOR, FLOOR_CHECK_FACTOR, FloorCheck, FloorShare, MeasureConfig, MetricsError,
};
use ndarray::{ArrayView5, Axis};

use crate::limits::{
    ABSOLUTE_FLOOR, MASS, MAX_IMAGE_SIDE, MAX_STEPS, RELATIVE_FLOOR, TAU, check_real,
};

/// How paths are measured (see docs/metrics.md, "One way to measure").
#[derive(Debug, Clone, Args)]
pub struct MeasureArgs {
    /// Boundary of the measuring grid: neumann (no mass crosses the border), dirichlet (mass may
    /// leave and re-enter through it) or periodic.
    #[arg(long, default_value_t = Boundary::Neumann)]
    pub boundary: Boundary,
    /// Face weights from the midpoint of each step or from its first frame (explicit).
    #[arg(long, default_value = "midpoint")]
    pub time_weights: TimeWeights,
    /// Measure the unbalanced energy (mass may also appear or vanish) with this source weight τ.
    #[arg(long, allow_hyphen_values = true)]
    pub tau: Option<f64>,
    /// Mass every frame of every channel is rescaled to before measuring (1 makes T·J an
    /// estimate of W₂² in pixels²).
    #[arg(long, default_value_t = 1.0, allow_hyphen_values = true)]
    pub mass: f64,
    /// Measure the frames as given, without rescaling them to --mass.
    #[arg(long, conflicts_with = "mass")]
    pub no_normalize: bool,
    /// Relative density floor: densities of a frame below FLOOR × its mean density are raised
    /// to it, so that mass never crosses empty cells. It adds at most FLOOR × the frame's mass;
    /// the default 1e-6 moves a calibrated measurement by less than 1e-6. A frame without mass
    /// is an error.
    #[arg(
        long,
        default_value_t = DEFAULT_RELATIVE_FLOOR,
        conflicts_with = "absolute_floor",
        allow_hyphen_values = true
    )]
    pub floor: f64,
    /// Absolute density floor instead (in the frames' units, the training's ε): densities below
    /// it are raised to it, whatever the frame's brightness.
    #[arg(long, allow_hyphen_values = true)]
    pub absolute_floor: Option<f64>,
}

/// A relative floor from which the energy of every path changes by 5 % or more: the exact
/// translation of `path_energy`'s probe input measured 568.0 at the default floor, 561.6 at
/// 0.01, 537.2 at 0.05, 509.1 at 0.1 and 350.9 at 0.5 (`path_energy path3.npy --floor F`).
const DISTORTING_FLOOR: f64 = 0.05;

impl MeasureArgs {
    /// The measurement on a `rows × cols` grid.
    pub fn config(&self, rows: usize, cols: usize) -> MeasureConfig {
        MeasureConfig {
            grid: [rows, cols],
            boundary: self.boundary,
            variant: match self.tau {
                Some(tau) => Variant::Unbalanced { tau },
                None => Variant::Balanced,
            },
            time_weights: self.time_weights,
            mass: (!self.no_normalize).then_some(self.mass),
            floor: Some(match self.absolute_floor {
                Some(value) => Floor::Absolute(value),
                None => Floor::Relative(self.floor),
            }),
        }
    }

    /// Says on stderr that the floor check (`floor_share`, `floor_set_paths`) is left out, and
    /// why, when `check` is `None` (probe 19: `--floor 0.5` dropped it without a word); and
    /// warns when a relative floor is high enough to change the energy of any path.
    pub fn note_unchecked_floor(&self, check: Option<&FloorCheck>) {
        if self.absolute_floor.is_none() && self.floor >= DISTORTING_FLOOR {
            crate::support::print_to_stderr(&format!(
                "warning: --floor {} raises every density below {} of a frame's mean, which changes the energy of any path, not only of one whose mass fades: a translated disk's W₂² estimate falls 5 % at --floor 0.05, 10 % at 0.1 and 38 % at 0.5 (probe 24); keep the default {DEFAULT_RELATIVE_FLOOR:e} to measure the frames themselves",
                self.floor, self.floor
            ));
        }
        if check.is_some() {
            return;
        }
        let why = match self.absolute_floor {
            Some(floor) => format!(
                "--absolute-floor {floor}: only a relative --floor is raised, since a raised absolute one could flatten faint frames"
            ),
            None => format!(
                "--floor {}: raised {FLOOR_CHECK_FACTOR}x it would reach the frames' mean density",
                self.floor
            ),
        };
        crate::support::print_to_stderr(&format!(
            "note: no check of how much of the energy the density floor sets, with {why}; energies of paths whose mass vanishes and reappears are then not flagged"
        ));
    }

    /// Refuses flags outside their documented ranges (`limits`), naming the flag.
    pub fn check_flags(&self) -> Result<(), Box<dyn Error>> {
        check_real("--floor", self.floor, &RELATIVE_FLOOR)?;
        check_real("--mass", self.mass, &MASS)?;
        if let Some(floor) = self.absolute_floor {
            check_real("--absolute-floor", floor, &ABSOLUTE_FLOOR)?;
        }
        if let Some(tau) = self.tau {
            check_real("--tau", tau, &TAU)?;
        }
        Ok(())
    }

    /// `error` of a measurement, naming the density floor in use when a step's system was
    /// singular: too small a floor against the frames' densities is then the cause.
    pub fn explain(&self, error: MetricsError) -> String {
        let singular = matches!(
            &error,
            MetricsError::Energy {
                source: EnergyError::NotPositiveDefinite { .. },
                ..
            }
        );
        if !singular {
            return error.to_string();
        }
        let floor = match self.absolute_floor {
            Some(floor) => format!("--absolute-floor {floor:e}"),
            None => format!("--floor {:e}", self.floor),
        };
        format!("{error}; the floor in use, {floor}, is too small for these frames: raise it")
    }

    /// Refuses paths `(P, frames, C, H, W)` read from `file` that would measure nothing: frames
    /// of fewer than 2×2 cells (no mass can move), or an absolute floor at or above a frame's
    /// mean density (the floor would flatten it).
    pub fn check_paths(&self, file: &Path, paths: ArrayView5<f64>) -> Result<(), Box<dyn Error>> {
        let (count, frames, channels, rows, cols) = paths.dim();
        if count == 0 {
            return Err(format!(
                "{} holds no paths: there is nothing to measure",
                file.display()
            )
            .into());
        }
        if frames < 2 || channels == 0 {
            return Err(format!(
                "{}: paths of {frames} frame(s) of {channels} channel(s) cannot be measured: a path needs at least 2 frames of at least 1 channel",
                file.display()
            )
            .into());
        }
        // The flags' bounds hold for files too: a path that big would measure for hours.
        if frames > MAX_STEPS + 1 || rows.max(cols) > MAX_IMAGE_SIDE {
            return Err(format!(
                "{}: paths of {frames} frames of {rows}x{cols} are too large to measure here: at most {} frames of at most {MAX_IMAGE_SIDE}x{MAX_IMAGE_SIDE}",
                file.display(),
                MAX_STEPS + 1
            )
            .into());
        }
        if rows < 2 || cols < 2 {
            return Err(format!(
                "{}: frames of {rows}x{cols} cannot be measured: mass needs at least 2x2 cells to move",
                file.display()
            )
            .into());
        }
        // Each path is measured twice: once more for the floor check.
        let per_value = seconds_per_value(rows * cols);
        let estimate = 2.0 * paths.len() as f64 * per_value;
        if estimate > LONG_MEASURE_SECONDS {
            crate::support::print_to_stderr(&format!(
                "warning: {}: {count} paths of {frames} frames of {channels}x{rows}x{cols} may take about {:.0} min to measure (about {per_value:.1e} s per value, twice: once more at a raised floor); measure fewer paths or smaller frames to shorten it",
                file.display(),
                estimate / 60.0
            ));
        }
        let Some(floor) = self.absolute_floor else {
            return Ok(());
        };
        for (p, path) in paths.outer_iter().enumerate() {
            for (t, frame) in path.outer_iter().enumerate() {
                for (c, channel) in frame.axis_iter(Axis(0)).enumerate() {
                    let mean = channel.mean().unwrap_or(0.0);
                    // The relative --floor's own bound, so that neither way of giving a floor
                    // flattens a frame more than the other allows (probe 23: at 84 % of the mean
                    // density the energy halved without a word).
                    let largest = RELATIVE_FLOOR.max * mean;
                    // Raised to the floor, a frame without mass would measure the floor alone
                    // (probe 24: the floor was blamed, with an impossible bound of 0).
                    if mean <= 0.0 {
                        return Err(format!(
                            "{}, path {p}, frame {t}, channel {c} has no mass (every value is 0): there is nothing to transport, and --absolute-floor {floor} would measure the floor alone",
                            file.display()
                        )
                        .into());
                    }
                    if floor > largest {
                        return Err(format!(
                            "--absolute-floor {floor} is above {} × the mean density {mean:.3e} of {}, path {p}, frame {t}, channel {c} (the largest relative --floor): the floor would flatten the frame; use a value well below {largest:.3e} (or the relative --floor)",
                            RELATIVE_FLOOR.max,
                            file.display()
                        )
                        .into());
                    }
                }
            }
        }
        Ok(())
    }
}

/// The measured paths whose energy the density floor sets (`dotae_metrics::FloorCheck`),
/// gathered while measuring and reported once (probe 18: a cross-dissolve-like path measured
/// 83 735, 4.1e7 or 2.6e9 at floors of 1e-3, 1e-6 and 1e-9, without a word).
#[derive(Debug, Default)]
pub struct FloorSetPaths {
    checked: usize,
    /// Index and [`FloorShare::share`] of each floor-set path.
    floor_set: Vec<(usize, f64)>,
}

impl FloorSetPaths {
    /// Records path `p`'s share.
    pub fn note(&mut self, p: usize, share: &FloorShare) {
        self.checked += 1;
        if share.floor_set() {
            self.floor_set.push((p, share.share()));
        }
    }

    /// How many floor-set paths were noted.
    #[allow(dead_code)] // path_energy reports each path's share instead
    pub fn count(&self) -> usize {
        self.floor_set.len()
    }

    /// Warns on stderr about the floor-set paths of `input`, if any, measured with the
    /// unbalanced energy when `unbalanced`.
    pub fn warn(&self, input: &Path, unbalanced: bool) {
        let (paths, shares): (Vec<usize>, Vec<f64>) = self.floor_set.iter().copied().unzip();
        let which = match paths.as_slice() {
            [] => return,
            [p] => format!("path {p} has"),
            _ => format!(
                "{} of {} paths {} have",
                paths.len(),
                self.checked,
                crate::support::first_indices(&paths)
            ),
        };
        let lowest = 100.0 * shares.iter().copied().fold(f64::INFINITY, f64::min);
        let highest = 100.0 * shares.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let by = if highest - lowest < 0.5 {
            format!("{highest:.0} %")
        } else {
            format!("{lowest:.0} to {highest:.0} %")
        };
        // Probe 20: with --tau the warning spoke of infinite energy; the unbalanced energy may
        // create mass, but prices it by the density where it appears, here only the floor.
        let why = match unbalanced {
            false => {
                "which in the continuum costs infinite energy, so the number (and its w2 estimate)"
            }
            true => {
                "and the unbalanced energy prices mass created or destroyed by the density where that happens, here only the floor, so the number"
            }
        };
        crate::support::print_to_stderr(&format!(
            "warning: {}: {which} an energy set by the density floor, not by a motion: a {FLOOR_CHECK_FACTOR}x higher floor lowers it by {by} (a path that moves its mass barely changes). Mass vanishes in one place and reappears in another along it, {why} compares only with energies measured under the same floor",
            input.display(),
        ));
    }
}

/// Measuring a path of 512×512 frames costs about this much per value (probe 8: 8 paths of 3
/// frames, 6.3 million values, took 43 s at nice 19 beside a training run).
const SECONDS_PER_VALUE_AT_512: f64 = 7e-6;

/// Seconds per value of measuring frames of `pixels` cells. A sparse Cholesky of a grid of n
/// cells costs about n^1.5, so a value costs about √n: a flat 7e-6 s announced 8 min for 3 000
/// paths of 11 frames at 32×32, which took 8 to 15 s (probe 29; this model says 30 s).
fn seconds_per_value(pixels: usize) -> f64 {
    SECONDS_PER_VALUE_AT_512 * (pixels as f64 / (512.0 * 512.0)).sqrt()
}

/// A measurement estimated to take longer than this is announced before it starts.
const LONG_MEASURE_SECONDS: f64 = 60.0;
