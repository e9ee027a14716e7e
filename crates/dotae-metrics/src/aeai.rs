//! The interpolation metrics of AEAI (Oring et al., "Autoencoder image interpolation by shaping
//! the latent space"), for data sets whose images are rendered from known parameters (pose
//! angles, positions, ...).
//!
//! See [`AeaiDataset`] for the definitions.

use ndarray::{Array2, ArrayView2, ArrayView4, ArrayView5, Axis};

use crate::{Distance, MeanStd, MetricsError, NearestNeighbours, Quartiles, check};

/// Default number of points of the grid on `[0, 1]` that the retrieved α is read from (spacing
/// 0.001).
pub const ALPHA_GRID_POINTS: usize = 1001;

/// The AEAI scores of a batch of paths, as defined at [`AeaiDataset`]. Vectors indexed by α have one entry per frame `k`, at `alphas[k]`.
#[derive(Debug, Clone, PartialEq)]
pub struct AeaiScore {
    /// `α_k = k/(F−1)` for each frame.
    pub alphas: Vec<f64>,
    /// MSE of decoded against ground-truth frame at each α: mean and population standard
    /// deviation over paths. Lower is better.
    pub mse: Vec<MeanStd>,
    /// MSE of each frame of each path, shape `(P, F)`.
    pub mse_per_path: Array2<f64>,
    /// Retrieved α at each α: quartiles over paths. Better: median equal to α, small
    /// interquartile range.
    pub retrieved_alpha: Vec<Quartiles>,
    /// Retrieved α of each frame of each path, shape `(P, F)`.
    pub retrieved_alpha_per_path: Array2<f64>,
    /// Index in the data set of each frame's nearest image, shape `(P, F)`.
    pub retrieved_index: Array2<usize>,
    /// Parameter distance of the retrieved image to the path's source at each α, mean over
    /// paths. Better: `α` times the endpoint distance.
    pub distance_to_source: Vec<f64>,
    /// Parameter distance of the retrieved image to the path's target at each α, mean over
    /// paths. Better: `1 − α` times the endpoint distance.
    pub distance_to_target: Vec<f64>,
    /// Parameter distance from source to target of each path.
    pub endpoint_distance: Vec<f64>,
}

/// A data set of images with the parameters they were rendered from, prepared once for
/// scoring many batches of paths.
///
/// Each of `P` paths interpolates from a source image to a target image in `F` frames at
/// `α_k = k/(F−1)`, and a ground-truth path renders the same scene at the same `α_k` (parameters
/// interpolated linearly, periodic ones along the shorter arc). Three measurements per `α`:
///
/// 1. **MSE** of the decoded frame against the ground-truth frame, mean and standard deviation
///    over paths (the paper's Figure 6 and 14). Lower is better.
/// 2. **Retrieved α**: the decoded frame's nearest data-set image by L2 distance (equivalently
///    [`Distance::SquaredError`]) gives parameters `p̂`; `α̂` is the point of a fine grid on
///    `[0, 1]` (1 001 points by default) whose interpolated parameters are closest to `p̂`. The
///    paper assigns α "according to the retrieved image" for one varying angle, i.e.
///    `(θ̂ − θ_i)/(θ_j − θ_i)`; projecting onto the interpolation segment is the same for one
///    parameter and extends it to several, clamped to `[0, 1]`. Reported as median and
///    interquartile range over paths (Figure 7 and 15). Better: median on the diagonal `α̂ = α`,
///    narrow range.
/// 3. **Parameter distance** of the retrieved image to the source and to the target, mean over
///    paths (Figure 8). Better: rising linearly from 0 to the endpoint distance (to the source)
///    and falling linearly to 0 (to the target).
///
/// Parameter distances are Euclidean over the parameters in their own units, with each periodic
/// parameter measured along the shorter way round its period.
#[derive(Debug, Clone)]
pub struct AeaiDataset {
    search: NearestNeighbours,
    parameters: Array2<f64>,
    periods: Vec<Option<f64>>,
    grid_points: usize,
}

impl AeaiDataset {
    /// Prepares `images`, shape `(N, channels, rows, cols)`, whose image `i` was rendered from
    /// `parameters.row(i)` (shape `(N, k)`). `periods[j]` is the period of parameter `j`
    /// (e.g. `Some(360.0)` for an azimuth in degrees) or `None` for a non-periodic one.
    ///
    /// # Errors
    /// As [`NearestNeighbours::new`], against the input `"images"`;
    /// [`MetricsError::LengthMismatch`] unless there is one parameter row per image and one
    /// period per parameter column, [`MetricsError::InvalidShape`] without any parameter
    /// column, [`MetricsError::NonFinite`] for a non-finite parameter,
    /// [`MetricsError::InvalidValue`] for a period that is not finite and > 0.
    pub fn new(
        images: ArrayView4<f64>,
        parameters: ArrayView2<f64>,
        periods: &[Option<f64>],
    ) -> Result<Self, MetricsError> {
        check::length(
            "parameters",
            parameters.nrows(),
            images.len_of(Axis(0)),
            "one row per image of images",
        )?;
        if parameters.ncols() == 0 {
            return Err(MetricsError::InvalidShape {
                input: "parameters",
                shape: parameters.shape().to_vec(),
                rule: "every image needs at least one parameter column",
            });
        }
        check::length(
            "periods",
            periods.len(),
            parameters.ncols(),
            "one per column of parameters",
        )?;
        for &period in periods.iter().flatten() {
            check::value(
                "periods",
                period,
                period.is_finite() && period > 0.0,
                "finite and > 0 (or None for a non-periodic parameter)",
            )?;
        }
        check::finite("parameters", &parameters)?;
        Ok(Self {
            search: NearestNeighbours::named("images", images, Distance::SquaredError)?,
            parameters: parameters.to_owned(),
            periods: periods.to_vec(),
            grid_points: ALPHA_GRID_POINTS,
        })
    }

    /// Reads the retrieved α from a grid of `points` evenly spaced values on `[0, 1]` instead of
    /// [`ALPHA_GRID_POINTS`].
    ///
    /// # Errors
    /// [`MetricsError::InvalidValue`] for fewer than 2 points.
    pub fn with_alpha_grid(mut self, points: usize) -> Result<Self, MetricsError> {
        check::value(
            "alpha grid points",
            points as f64,
            points >= 2,
            "at least 2",
        )?;
        self.grid_points = points;
        Ok(self)
    }

    /// Scores `decoded` paths against `truth` paths, both of shape `(P, F, channels, rows,
    /// cols)` with the data set's image shape; path `p` goes from parameters `source.row(p)` to
    /// `target.row(p)` (both of shape `(P, k)`).
    ///
    /// # Errors
    /// [`MetricsError::ShapeMismatch`] if `decoded` and `truth` differ in shape,
    /// [`MetricsError::Empty`] without paths, [`MetricsError::TooFewFrames`] with fewer than 2
    /// frames, [`MetricsError::AxesMismatch`] if the image shape differs from the data set's or
    /// `source`/`target` do not have `k` columns, [`MetricsError::LengthMismatch`] unless they
    /// have one row per path, [`MetricsError::NonFinite`] for non-finite values.
    pub fn score(
        &self,
        decoded: ArrayView5<f64>,
        truth: ArrayView5<f64>,
        source: ArrayView2<f64>,
        target: ArrayView2<f64>,
    ) -> Result<AeaiScore, MetricsError> {
        check::same_shape("decoded", decoded.shape(), "truth", truth.shape())?;
        let (p, f) = (decoded.len_of(Axis(0)), decoded.len_of(Axis(1)));
        if p == 0 {
            return Err(MetricsError::Empty {
                input: "decoded",
                shape: decoded.shape().to_vec(),
            });
        }
        check::min_frames("decoded", f, 2)?;
        for (name, ends) in [("source", &source), ("target", &target)] {
            check::length(name, ends.nrows(), p, "one row per path of decoded")?;
            check::trailing_axes(
                name,
                ends.shape(),
                "parameters",
                self.parameters.shape(),
                1,
                "the number of columns (parameters per image) must be equal",
            )?;
            check::finite(name, ends)?;
        }
        let found = self.search.nearest_in_named_paths("decoded", decoded)?;
        check::finite("truth", &truth)?;

        let alphas: Vec<f64> = (0..f).map(|k| k as f64 / (f - 1) as f64).collect();
        let mut mse_per_path = Array2::zeros((p, f));
        for (i, (d_path, t_path)) in decoded.outer_iter().zip(truth.outer_iter()).enumerate() {
            for (k, (d, t)) in d_path.outer_iter().zip(t_path.outer_iter()).enumerate() {
                let sum: f64 = d.iter().zip(t.iter()).map(|(a, b)| (a - b) * (a - b)).sum();
                mse_per_path[[i, k]] = sum / d.len().max(1) as f64;
            }
        }

        let grid: Vec<f64> = (0..self.grid_points)
            .map(|g| g as f64 / (self.grid_points - 1) as f64)
            .collect();
        let mut retrieved_alpha_per_path = Array2::zeros((p, f));
        let mut retrieved_index = Array2::zeros((p, f));
        let mut to_source = Array2::zeros((p, f));
        let mut to_target = Array2::zeros((p, f));
        let mut endpoint_distance = Vec::with_capacity(p);
        for i in 0..p {
            let (s, t) = (source.row(i).to_vec(), target.row(i).to_vec());
            let step = self.shortest_step(&s, &t);
            endpoint_distance.push(self.distance(&s, &t));
            for k in 0..f {
                let index = found[i][k].index;
                let retrieved = self.parameters.row(index).to_vec();
                retrieved_index[[i, k]] = index;
                to_source[[i, k]] = self.distance(&retrieved, &s);
                to_target[[i, k]] = self.distance(&retrieved, &t);
                retrieved_alpha_per_path[[i, k]] = self.project(&retrieved, &s, &step, &grid);
            }
        }

        let column = |a: &Array2<f64>, k: usize| a.column(k).to_vec();
        let mean = |v: Vec<f64>| v.iter().sum::<f64>() / v.len() as f64;
        let per_alpha =
            |a: &Array2<f64>| -> Vec<f64> { (0..f).map(|k| mean(column(a, k))).collect() };
        Ok(AeaiScore {
            mse: (0..f)
                .map(|k| MeanStd::of(&column(&mse_per_path, k)))
                .collect::<Option<_>>()
                .unwrap_or_default(),
            retrieved_alpha: (0..f)
                .map(|k| Quartiles::of(&column(&retrieved_alpha_per_path, k)))
                .collect::<Option<_>>()
                .unwrap_or_default(),
            distance_to_source: per_alpha(&to_source),
            distance_to_target: per_alpha(&to_target),
            alphas,
            mse_per_path,
            retrieved_alpha_per_path,
            retrieved_index,
            endpoint_distance,
        })
    }

    /// `target − source` per parameter, periodic ones wrapped to `(−period/2, period/2]` (the
    /// shorter arc; exactly half a period goes the positive way).
    fn shortest_step(&self, source: &[f64], target: &[f64]) -> Vec<f64> {
        source
            .iter()
            .zip(target)
            .zip(&self.periods)
            .map(|((s, t), period)| match period {
                None => t - s,
                Some(period) => {
                    let r = (t - s).rem_euclid(*period);
                    if r > period / 2.0 { r - period } else { r }
                }
            })
            .collect()
    }

    /// Euclidean distance of two parameter vectors, periodic parameters the shorter way round.
    fn distance(&self, a: &[f64], b: &[f64]) -> f64 {
        a.iter()
            .zip(b)
            .zip(&self.periods)
            .map(|((x, y), period)| {
                let d = match period {
                    None => (x - y).abs(),
                    Some(period) => {
                        let r = (x - y).rem_euclid(*period);
                        r.min(period - r)
                    }
                };
                d * d
            })
            .sum::<f64>()
            .sqrt()
    }

    /// The grid α whose interpolated parameters `source + α·step` are closest to `point`;
    /// the smallest such α on ties.
    fn project(&self, point: &[f64], source: &[f64], step: &[f64], grid: &[f64]) -> f64 {
        let mut best = (f64::INFINITY, 0.0);
        let mut at = vec![0.0; source.len()];
        for &alpha in grid {
            for ((a, s), d) in at.iter_mut().zip(source).zip(step) {
                *a = s + alpha * d;
            }
            let distance = self.distance(point, &at);
            if distance < best.0 {
                best = (distance, alpha);
            }
        }
        best.1
    }
}

/// [`AeaiDataset::new`] and [`AeaiDataset::score`] in one call, for a data set used once.
///
/// # Errors
/// As those two functions.
pub fn aeai_score(
    decoded: ArrayView5<f64>,
    truth: ArrayView5<f64>,
    images: ArrayView4<f64>,
    parameters: ArrayView2<f64>,
    periods: &[Option<f64>],
    source: ArrayView2<f64>,
    target: ArrayView2<f64>,
) -> Result<AeaiScore, MetricsError> {
    AeaiDataset::new(images, parameters, periods)?.score(decoded, truth, source, target)
}
