//! k-means clustering (Lloyd's algorithm with k-means++ seeding and restarts) and the clustering
//! accuracy of its assignments under the best one-to-one matching of clusters to labels.

use std::collections::BTreeMap;

use ndarray::{Array1, Array2, ArrayView2, Axis};
use rayon::prelude::*;

use crate::{MetricsError, check, min_cost_assignment};
use dotae_data::SeededRng;

/// Parameters of [`kmeans`]. [`Default`] gives 10 clusters as in the representation benchmark
/// of docs/design.md, with scikit-learn's defaults otherwise (10 restarts, 300 iterations, tolerance
/// 1e-4).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KMeansConfig {
    /// Number of clusters, at least 1 and at most the number of points.
    pub k: usize,
    /// Independent runs from different k-means++ seedings; the one of lowest inertia is kept.
    /// At least 1.
    pub restarts: usize,
    /// Most Lloyd iterations per run, at least 1.
    pub max_iterations: usize,
    /// A run stops when the centroids move by at most this much in total (sum of squared
    /// shifts), relative to the mean per-feature variance of the data, as scikit-learn's `tol`.
    /// Finite and >= 0; 0 runs until the assignments stop changing.
    pub tolerance: f64,
    /// Seed of the k-means++ draws. Run `r` draws from a stream that depends only on `seed` and
    /// `r`, so adding restarts never changes the earlier ones (and never raises the inertia).
    pub seed: u64,
}

impl Default for KMeansConfig {
    fn default() -> Self {
        Self {
            k: 10,
            restarts: 10,
            max_iterations: 300,
            tolerance: 1e-4,
            seed: 0,
        }
    }
}

impl KMeansConfig {
    /// The defaults with `k` clusters.
    pub fn with_k(k: usize) -> Self {
        Self {
            k,
            ..Self::default()
        }
    }

    fn validate(&self) -> Result<(), MetricsError> {
        check::value("KMeansConfig.k", self.k as f64, self.k >= 1, ">= 1")?;
        check::value(
            "KMeansConfig.restarts",
            self.restarts as f64,
            self.restarts >= 1,
            ">= 1",
        )?;
        check::value(
            "KMeansConfig.max_iterations",
            self.max_iterations as f64,
            self.max_iterations >= 1,
            ">= 1",
        )?;
        check::value(
            "KMeansConfig.tolerance",
            self.tolerance,
            self.tolerance.is_finite() && self.tolerance >= 0.0,
            "finite and >= 0",
        )
    }
}

/// The best clustering found by [`kmeans`].
#[derive(Debug, Clone, PartialEq)]
pub struct KMeans {
    /// Cluster of each point, in `0..k`: the index of its nearest centroid.
    pub assignments: Vec<usize>,
    /// Centroids, shape `(k, D)`.
    pub centroids: Array2<f64>,
    /// Sum over points of the squared distance to their centroid; lower is a tighter clustering.
    pub inertia: f64,
    /// Lloyd iterations the kept run took.
    pub iterations: usize,
}

/// Clusters the rows of `x`, shape `(N, D)`, into `config.k` clusters: every restart seeds
/// centroids by k-means++ (Arthur & Vassilvitskii 2007; a uniform draw when all remaining
/// points coincide with chosen centroids) and runs Lloyd's algorithm; the run of lowest inertia
/// is returned (the earliest on ties). A cluster that loses all its points is moved to the point
/// farthest from its own centroid. Restarts run in parallel; the result does not depend on the
/// number of threads.
///
/// # Errors
/// [`MetricsError::InvalidValue`] for a bad `config`, [`MetricsError::Empty`] if `x` holds no
/// values, [`MetricsError::TooFewRows`] with fewer points than clusters,
/// [`MetricsError::NonFinite`] for NaN or infinite values (against the input `"x"`).
pub fn kmeans(x: ArrayView2<f64>, config: &KMeansConfig) -> Result<KMeans, MetricsError> {
    config.validate()?;
    check::non_empty("x", &x)?;
    if x.nrows() < config.k {
        return Err(MetricsError::TooFewRows {
            input: "x",
            rows: x.nrows(),
            min: config.k,
            rule: "k-means needs at least as many points as clusters (KMeansConfig.k)",
        });
    }
    check::finite("x", &x)?;
    let x = x.as_standard_layout();
    let x = x.view();
    let squared_norms: Array1<f64> = x.outer_iter().map(|r| r.dot(&r)).collect();
    let mean_variance = x.var_axis(Axis(0), 0.0).mean().unwrap_or(0.0);
    let threshold = config.tolerance * mean_variance;
    let mut seeds = SeededRng::new(config.seed);
    let seeds: Vec<u64> = (0..config.restarts).map(|_| seeds.next_u64()).collect();
    let runs: Vec<KMeans> = seeds
        .into_par_iter()
        .map(|seed| {
            let mut rng = SeededRng::new(seed);
            let centroids = seed_centroids(x, &squared_norms, config.k, &mut rng);
            lloyd(
                x,
                &squared_norms,
                centroids,
                config.max_iterations,
                threshold,
            )
        })
        .collect();
    let mut best: Option<KMeans> = None;
    for run in runs {
        if best.as_ref().is_none_or(|b| run.inertia < b.inertia) {
            best = Some(run);
        }
    }
    best.ok_or(MetricsError::InvalidValue {
        name: "KMeansConfig.restarts",
        value: 0.0,
        rule: ">= 1",
    })
}

/// k-means++ seeding: the first centroid uniformly, each next one with probability
/// proportional to the squared distance to the nearest centroid chosen so far.
fn seed_centroids(
    x: ArrayView2<f64>,
    squared_norms: &Array1<f64>,
    k: usize,
    rng: &mut SeededRng,
) -> Array2<f64> {
    let n = x.nrows();
    let mut centroids = Array2::zeros((k, x.ncols()));
    let first = rng.below(n);
    centroids.row_mut(0).assign(&x.row(first));
    let mut nearest: Vec<f64> = squared_distances(x, squared_norms, x.row(first));
    for c in 1..k {
        let total: f64 = nearest.iter().sum();
        let chosen = if total > 0.0 {
            let target = rng.uniform() * total;
            let mut cumulative = 0.0;
            // The last point of positive weight, should rounding leave `target` unreached.
            let mut chosen = nearest.iter().rposition(|&d| d > 0.0).unwrap_or(0);
            for (i, &d) in nearest.iter().enumerate() {
                cumulative += d;
                if d > 0.0 && cumulative > target {
                    chosen = i;
                    break;
                }
            }
            chosen
        } else {
            rng.below(n)
        };
        centroids.row_mut(c).assign(&x.row(chosen));
        let distances = squared_distances(x, squared_norms, x.row(chosen));
        for (d, new) in nearest.iter_mut().zip(distances) {
            *d = d.min(new);
        }
    }
    centroids
}

/// `‖x_i − c‖²` for every row, clamped at 0 against rounding.
fn squared_distances(
    x: ArrayView2<f64>,
    squared_norms: &Array1<f64>,
    c: ndarray::ArrayView1<f64>,
) -> Vec<f64> {
    let c_norm = c.dot(&c);
    x.dot(&c)
        .iter()
        .zip(squared_norms)
        .map(|(dot, n)| (n + c_norm - 2.0 * dot).max(0.0))
        .collect()
}

/// Nearest centroid of every point and its (expanded, clamped) squared distance.
fn assign(
    x: ArrayView2<f64>,
    squared_norms: &Array1<f64>,
    centroids: &Array2<f64>,
) -> (Vec<usize>, Vec<f64>) {
    let centroid_norms: Vec<f64> = centroids.outer_iter().map(|c| c.dot(&c)).collect();
    let dots = x.dot(&centroids.t());
    dots.outer_iter()
        .zip(squared_norms)
        .map(|(row, n)| {
            let mut best = (0, f64::INFINITY);
            for (j, (dot, cn)) in row.iter().zip(&centroid_norms).enumerate() {
                let d = (n + cn - 2.0 * dot).max(0.0);
                if d < best.1 {
                    best = (j, d);
                }
            }
            best
        })
        .unzip()
}

/// Lloyd's algorithm from the given centroids.
fn lloyd(
    x: ArrayView2<f64>,
    squared_norms: &Array1<f64>,
    mut centroids: Array2<f64>,
    max_iterations: usize,
    threshold: f64,
) -> KMeans {
    let (k, d) = centroids.dim();
    let mut assignments: Vec<usize> = Vec::new();
    let mut iterations = 0;
    while iterations < max_iterations {
        iterations += 1;
        let (new_assignments, distances) = assign(x, squared_norms, &centroids);
        let unchanged = new_assignments == assignments;
        assignments = new_assignments;
        if unchanged {
            break;
        }
        let mut sums = Array2::<f64>::zeros((k, d));
        let mut counts = vec![0usize; k];
        for (row, &a) in x.outer_iter().zip(&assignments) {
            let mut sum = sums.row_mut(a);
            sum += &row;
            counts[a] += 1;
        }
        // Empty clusters take the points farthest from their centroids.
        let mut farthest: Vec<usize> = Vec::new();
        if counts.contains(&0) {
            farthest = (0..x.nrows()).collect();
            farthest.sort_by(|&a, &b| distances[b].total_cmp(&distances[a]).then(a.cmp(&b)));
        }
        let mut donors = farthest.into_iter();
        let mut shift = 0.0;
        for (j, &count) in counts.iter().enumerate() {
            let new = if count > 0 {
                sums.row(j).mapv(|v| v / count as f64)
            } else {
                match donors.next() {
                    Some(i) => x.row(i).to_owned(),
                    None => centroids.row(j).to_owned(),
                }
            };
            shift += (&new - &centroids.row(j)).mapv(|v| v * v).sum();
            centroids.row_mut(j).assign(&new);
        }
        if shift <= threshold {
            assignments = assign(x, squared_norms, &centroids).0;
            break;
        }
    }
    if assignments.len() != x.nrows() {
        assignments = assign(x, squared_norms, &centroids).0;
    }
    let inertia = x
        .outer_iter()
        .zip(&assignments)
        .map(|(row, &a)| {
            row.iter()
                .zip(centroids.row(a))
                .map(|(p, c)| (p - c) * (p - c))
                .sum::<f64>()
        })
        .sum();
    KMeans {
        assignments,
        centroids,
        inertia,
        iterations,
    }
}

/// Fraction of points whose cluster, renamed by the best one-to-one matching of clusters to
/// labels, equals their label: `max over matchings of Σ matched counts / N`, the matching found
/// by [`min_cost_assignment`] on the negated contingency table. In `[0, 1]`, higher is better;
/// 1 means the clusters are the classes up to renaming. Cluster ids and labels are arbitrary
/// `usize` values and need not be contiguous; with more clusters than labels (or the reverse)
/// the surplus ones match nothing and count as errors.
///
/// # Errors
/// [`MetricsError::LengthMismatch`] unless there is one label per assignment,
/// [`MetricsError::Empty`] for no points.
pub fn clustering_accuracy(assignments: &[usize], labels: &[usize]) -> Result<f64, MetricsError> {
    check::length(
        "labels",
        labels.len(),
        assignments.len(),
        "one per entry of assignments",
    )?;
    if assignments.is_empty() {
        return Err(MetricsError::Empty {
            input: "assignments",
            shape: vec![0],
        });
    }
    let index = |values: &[usize]| -> BTreeMap<usize, usize> {
        let mut map = BTreeMap::new();
        for &v in values {
            let next = map.len();
            map.entry(v).or_insert(next);
        }
        map
    };
    let (clusters, classes) = (index(assignments), index(labels));
    let mut table = Array2::<f64>::zeros((clusters.len(), classes.len()));
    for (a, l) in assignments.iter().zip(labels) {
        table[[clusters[a], classes[l]]] += 1.0;
    }
    // Rows must not outnumber columns.
    let table = if table.nrows() <= table.ncols() {
        table
    } else {
        table.reversed_axes()
    };
    let matching = min_cost_assignment(table.mapv(|c| -c).view())?;
    let matched: f64 = matching
        .iter()
        .enumerate()
        .map(|(i, &j)| table[[i, j]])
        .sum();
    Ok(matched / assignments.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn accuracy_of_known_tables() {
        assert_eq!(clustering_accuracy(&[0, 0, 1, 1], &[5, 5, 7, 7]), Ok(1.0));
        assert_eq!(clustering_accuracy(&[1, 1, 0, 0], &[5, 5, 7, 7]), Ok(1.0));
        assert_eq!(clustering_accuracy(&[0, 0, 0, 0], &[1, 1, 2, 2]), Ok(0.5));
        assert_eq!(clustering_accuracy(&[0, 1, 2, 3], &[1, 1, 2, 2]), Ok(0.5));
        assert!(matches!(
            clustering_accuracy(&[0], &[0, 1]),
            Err(MetricsError::LengthMismatch {
                input: "labels",
                ..
            })
        ));
        assert!(matches!(
            clustering_accuracy(&[], &[]),
            Err(MetricsError::Empty { .. })
        ));
    }

    #[test]
    fn duplicate_points_and_k_equal_to_n() {
        let x = array![[1.0, 1.0], [1.0, 1.0], [1.0, 1.0], [3.0, 3.0]];
        let result = kmeans(x.view(), &KMeansConfig::with_k(3)).unwrap();
        assert_eq!(result.inertia, 0.0);
        assert_eq!(result.assignments[0], result.assignments[1]);
        let all = kmeans(x.view(), &KMeansConfig::with_k(4)).unwrap();
        assert_eq!(all.inertia, 0.0);
        assert!(matches!(
            kmeans(x.view(), &KMeansConfig::with_k(5)),
            Err(MetricsError::TooFewRows { input: "x", .. })
        ));
        assert!(matches!(
            kmeans(x.view(), &KMeansConfig::with_k(0)),
            Err(MetricsError::InvalidValue {
                name: "KMeansConfig.k",
                ..
            })
        ));
    }
}
