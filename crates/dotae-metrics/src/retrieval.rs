//! Nearest-neighbour retrieval of images in a bank, by cosine distance or mean squared error.
//!
//! Distances are computed through matrix products on blocks of queries (`‖a − b‖² = ‖a‖² +
//! ‖b‖² − 2⟨a, b⟩` with the bank's norms computed once), in parallel over blocks; the winner of
//! each query is then re-measured directly from its pixels, so that an exact copy of a bank
//! image is reported at distance exactly 0 and near-ties are decided by the exact distance.

use ndarray::{Array1, Array2, ArrayView2, ArrayView4, ArrayView5, Axis};
use rayon::prelude::*;

use crate::{MetricsError, check};

/// Queries per matrix product: large enough to amortise packing the bank, small enough that
/// the `(block, bank)` distance matrix stays a few megabytes and the blocks spread over threads.
const BLOCK: usize = 128;

/// Relative slack, in units of the squared norms involved, within which candidates are
/// re-measured exactly; far above the rounding error of the expanded distance.
const SLACK: f64 = 1e-10;

/// How two images are compared; smaller is more similar for both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Distance {
    /// `1 − ⟨a, b⟩ / (‖a‖ ‖b‖)`, in `[0, 2]`: 0 for images that are positive multiples of each
    /// other, independent of brightness. An all-zero image has no direction: its distance to
    /// every image (another all-zero one included) is defined as 1, i.e. its cosine similarity
    /// is taken as 0, as scikit-learn's `cosine_distances` does.
    Cosine,
    /// Mean over all values (channels and pixels) of `(a − b)²`, in the pixels' squared units;
    /// 0 only for identical images. Ranks bank images exactly as the L2 distance does.
    SquaredError,
}

/// The bank image closest to one query image.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Nearest {
    /// Index of the bank image (the first axis of the bank). Ties go to the lowest index.
    pub index: usize,
    /// Its distance to the query under the searcher's [`Distance`]; lower is a closer match.
    pub distance: f64,
}

/// A bank of images of shape `(N, channels, rows, cols)`, validated once and prepared for
/// repeated nearest-neighbour queries.
///
/// ```
/// use dotae_metrics::{Distance, NearestNeighbours};
/// use ndarray::Array4;
///
/// // Bank image i is the constant i / 4.
/// let bank = Array4::from_shape_fn((5, 1, 3, 3), |(i, _, _, _)| i as f64 / 4.0);
/// let search = NearestNeighbours::new(bank.view(), Distance::SquaredError)?;
/// let query = Array4::from_elem((1, 1, 3, 3), 0.55);
/// let found = search.nearest(query.view())?;
/// assert_eq!(found[0].index, 2);
/// assert!((found[0].distance - 0.05f64.powi(2)).abs() < 1e-12);
/// # Ok::<(), dotae_metrics::MetricsError>(())
/// ```
#[derive(Debug, Clone)]
pub struct NearestNeighbours {
    /// Name of the bank in error messages.
    name: &'static str,
    distance: Distance,
    /// `(channels, rows, cols)` of every image.
    image: [usize; 3],
    /// One row per bank image: the pixels for [`Distance::SquaredError`], the pixels divided by
    /// their norm for [`Distance::Cosine`] (all-zero images stay zero).
    rows: Array2<f64>,
    /// Squared norms of the rows as stored (used by [`Distance::SquaredError`]).
    squared_norms: Array1<f64>,
    /// Largest of `squared_norms`.
    max_squared_norm: f64,
}

impl NearestNeighbours {
    /// Prepares `bank`, of shape `(N, channels, rows, cols)`, for searches under `distance`.
    ///
    /// # Errors
    /// [`MetricsError::Empty`] if the bank holds no image or its images hold no values,
    /// [`MetricsError::NonFinite`] for NaN or infinite values (reported against `"bank"`).
    pub fn new(bank: ArrayView4<f64>, distance: Distance) -> Result<Self, MetricsError> {
        Self::named("bank", bank, distance)
    }

    /// [`NearestNeighbours::new`] for a bank that errors call `name`.
    pub(crate) fn named(
        name: &'static str,
        bank: ArrayView4<f64>,
        distance: Distance,
    ) -> Result<Self, MetricsError> {
        check::non_empty(name, &bank)?;
        check::finite(name, &bank)?;
        let (n, c, h, w) = bank.dim();
        let mut rows = flatten(bank.into_dyn(), n, c * h * w);
        if distance == Distance::Cosine {
            for mut row in rows.outer_iter_mut() {
                let norm = row.dot(&row).sqrt();
                if norm > 0.0 {
                    row /= norm;
                }
            }
        }
        let squared_norms: Array1<f64> = rows.outer_iter().map(|r| r.dot(&r)).collect();
        let max_squared_norm = squared_norms.iter().copied().fold(0.0, f64::max);
        Ok(Self {
            name,
            distance,
            image: [c, h, w],
            rows,
            squared_norms,
            max_squared_norm,
        })
    }

    /// Number of bank images (at least 1).
    pub fn len(&self) -> usize {
        self.rows.nrows()
    }

    /// Always `false`: a bank holds at least one image.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// `(channels, rows, cols)` of the bank's images, which queries must share.
    pub fn image_shape(&self) -> [usize; 3] {
        self.image
    }

    /// The distance this searcher ranks by.
    pub fn distance(&self) -> Distance {
        self.distance
    }

    /// The nearest bank image of every frame of `frames`, shape `(Q, channels, rows, cols)`;
    /// one entry per frame, in order.
    ///
    /// # Errors
    /// [`MetricsError::AxesMismatch`] if the frames' `(channels, rows, cols)` differ from the
    /// bank's, [`MetricsError::NonFinite`] for NaN or infinite values (against `"frames"`).
    pub fn nearest(&self, frames: ArrayView4<f64>) -> Result<Vec<Nearest>, MetricsError> {
        self.check_queries("frames", frames.shape())?;
        check::finite("frames", &frames)?;
        let q = frames.len_of(Axis(0));
        Ok(self.search(flatten(frames.into_dyn(), q, self.dimension()).view()))
    }

    /// The nearest bank image of every frame of every path of `paths`, shape
    /// `(P, frames, channels, rows, cols)`: `result[p][t]` belongs to frame `t` of path `p`.
    ///
    /// # Errors
    /// As [`NearestNeighbours::nearest`], against the input `"paths"`.
    pub fn nearest_in_paths(
        &self,
        paths: ArrayView5<f64>,
    ) -> Result<Vec<Vec<Nearest>>, MetricsError> {
        self.nearest_in_named_paths("paths", paths)
    }

    /// [`NearestNeighbours::nearest_in_paths`] for paths that errors call `input`.
    pub(crate) fn nearest_in_named_paths(
        &self,
        input: &'static str,
        paths: ArrayView5<f64>,
    ) -> Result<Vec<Vec<Nearest>>, MetricsError> {
        self.check_queries(input, paths.shape())?;
        check::finite(input, &paths)?;
        let (p, f) = (paths.len_of(Axis(0)), paths.len_of(Axis(1)));
        let found = self.search(flatten(paths.into_dyn(), p * f, self.dimension()).view());
        Ok(if f == 0 {
            vec![Vec::new(); p]
        } else {
            found.chunks(f).map(<[Nearest]>::to_vec).collect()
        })
    }

    fn dimension(&self) -> usize {
        self.rows.ncols()
    }

    fn check_queries(&self, input: &'static str, shape: &[usize]) -> Result<(), MetricsError> {
        let mut bank_shape = vec![self.len()];
        bank_shape.extend(self.image);
        check::trailing_axes(
            input,
            shape,
            self.name,
            &bank_shape,
            3,
            "the (channels, rows, cols) of every image must equal the bank's",
        )
    }

    /// Nearest bank row of every row of `queries`, shape `(Q, D)`.
    fn search(&self, queries: ArrayView2<f64>) -> Vec<Nearest> {
        let blocks: Vec<ArrayView2<f64>> = queries.axis_chunks_iter(Axis(0), BLOCK).collect();
        blocks
            .into_par_iter()
            .flat_map_iter(|block| self.search_block(block))
            .collect()
    }

    fn search_block(&self, block: ArrayView2<f64>) -> Vec<Nearest> {
        // (B, N) inner products of every query with every (possibly normalised) bank row.
        let dots = block.dot(&self.rows.t());
        block
            .outer_iter()
            .zip(dots.outer_iter())
            .map(|(query, dots)| {
                let query_sq = query.dot(&query);
                // A score per bank row whose minimum is the nearest image, up to rounding.
                let score = |j: usize, dot: f64| match self.distance {
                    Distance::SquaredError => self.squared_norms[j] - 2.0 * dot,
                    Distance::Cosine => -dot,
                };
                let best = dots
                    .iter()
                    .enumerate()
                    .map(|(j, &d)| score(j, d))
                    .fold(f64::INFINITY, f64::min);
                let slack = SLACK
                    * match self.distance {
                        Distance::SquaredError => query_sq + self.max_squared_norm,
                        Distance::Cosine => query_sq.sqrt(),
                    };
                // Re-measure every candidate within rounding of the best, lowest index first.
                let mut found = Nearest {
                    index: 0,
                    distance: f64::INFINITY,
                };
                for (j, &d) in dots.iter().enumerate() {
                    if score(j, d) <= best + slack {
                        let exact = self.exact(query, j, query_sq);
                        if exact < found.distance {
                            found = Nearest {
                                index: j,
                                distance: exact,
                            };
                        }
                    }
                }
                found
            })
            .collect()
    }

    /// Distance of `query` to bank row `j`, computed directly from the values.
    fn exact(&self, query: ndarray::ArrayView1<f64>, j: usize, query_sq: f64) -> f64 {
        let row = self.rows.row(j);
        match self.distance {
            Distance::SquaredError => {
                let sum: f64 = query
                    .iter()
                    .zip(row.iter())
                    .map(|(a, b)| (a - b) * (a - b))
                    .sum();
                sum / query.len() as f64
            }
            Distance::Cosine => {
                let norm = query_sq.sqrt();
                if norm > 0.0 {
                    (1.0 - query.dot(&row) / norm).clamp(0.0, 2.0)
                } else {
                    1.0
                }
            }
        }
    }
}

/// The values of `images` (first axis `n`, the rest `d` values each) as a contiguous `(n, d)`
/// matrix, in logical order whatever the strides.
fn flatten(images: ndarray::ArrayViewD<f64>, n: usize, d: usize) -> Array2<f64> {
    let values: Vec<f64> = if images.is_standard_layout() {
        images.as_slice().map(<[f64]>::to_vec).unwrap_or_default()
    } else {
        images.iter().copied().collect()
    };
    // Both branches hold n·d values in row-major order.
    Array2::from_shape_vec((n, d), values).unwrap_or_else(|_| Array2::zeros((n, d)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array4;

    /// Brute-force reference: direct distances, lowest index among the minima.
    fn brute(bank: &Array4<f64>, query: &Array4<f64>, distance: Distance) -> Vec<Nearest> {
        query
            .outer_iter()
            .map(|q| {
                let mut best = Nearest {
                    index: 0,
                    distance: f64::INFINITY,
                };
                for (j, b) in bank.outer_iter().enumerate() {
                    let d = match distance {
                        Distance::SquaredError => {
                            q.iter()
                                .zip(b.iter())
                                .map(|(x, y)| (x - y).powi(2))
                                .sum::<f64>()
                                / q.len() as f64
                        }
                        Distance::Cosine => {
                            let dot: f64 = q.iter().zip(b.iter()).map(|(x, y)| x * y).sum();
                            let nq = q.iter().map(|x| x * x).sum::<f64>().sqrt();
                            let nb = b.iter().map(|x| x * x).sum::<f64>().sqrt();
                            if nq > 0.0 && nb > 0.0 {
                                1.0 - dot / (nq * nb)
                            } else {
                                1.0
                            }
                        }
                    };
                    if d < best.distance - 1e-12 {
                        best = Nearest {
                            index: j,
                            distance: d,
                        };
                    }
                }
                best
            })
            .collect()
    }

    fn pseudo_random(shape: (usize, usize, usize, usize), seed: u64) -> Array4<f64> {
        let mut state = seed;
        Array4::from_shape_fn(shape, |_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        })
    }

    #[test]
    fn matches_brute_force_over_several_blocks() {
        let bank = pseudo_random((37, 2, 3, 4), 1);
        let query = pseudo_random((2 * BLOCK + 5, 2, 3, 4), 2);
        for distance in [Distance::SquaredError, Distance::Cosine] {
            let search = NearestNeighbours::new(bank.view(), distance).unwrap();
            let found = search.nearest(query.view()).unwrap();
            let expected = brute(&bank, &query, distance);
            assert_eq!(found.len(), expected.len());
            for (f, e) in found.iter().zip(&expected) {
                assert_eq!(f.index, e.index, "{distance:?}");
                assert!((f.distance - e.distance).abs() < 1e-12, "{distance:?}");
            }
        }
    }

    #[test]
    fn exact_copies_are_found_at_distance_zero_lowest_index_first() {
        let mut bank = pseudo_random((6, 1, 4, 4), 3);
        let copy = bank.index_axis(Axis(0), 4).to_owned();
        bank.index_axis_mut(Axis(0), 5).assign(&copy);
        let query = copy.insert_axis(Axis(0));
        let search = NearestNeighbours::new(bank.view(), Distance::SquaredError).unwrap();
        assert_eq!(
            search.nearest(query.view()).unwrap(),
            vec![Nearest {
                index: 4,
                distance: 0.0
            }]
        );
    }

    #[test]
    fn all_zero_images_have_cosine_distance_one() {
        let mut bank = pseudo_random((3, 1, 2, 2), 4);
        bank.index_axis_mut(Axis(0), 0).fill(0.0);
        let search = NearestNeighbours::new(bank.view(), Distance::Cosine).unwrap();
        let zero = Array4::<f64>::zeros((1, 1, 2, 2));
        assert_eq!(
            search.nearest(zero.view()).unwrap(),
            vec![Nearest {
                index: 0,
                distance: 1.0
            }]
        );
        // A positive query is closer to any positive image than to the all-zero one.
        let one = Array4::<f64>::ones((1, 1, 2, 2));
        let found = search.nearest(one.view()).unwrap();
        assert_ne!(found[0].index, 0);
        assert!(found[0].distance < 1.0);
    }

    #[test]
    fn strided_views_and_errors() {
        let bank = pseudo_random((4, 3, 5, 5), 5);
        let search = NearestNeighbours::new(bank.view(), Distance::SquaredError).unwrap();
        // Frames given with reversed axes order in memory are read in logical order.
        let frames = bank.slice(ndarray::s![..;-1, .., .., ..]);
        let found = search.nearest(frames).unwrap();
        assert_eq!(
            found.iter().map(|n| n.index).collect::<Vec<_>>(),
            vec![3, 2, 1, 0]
        );
        let wrong = Array4::<f64>::zeros((2, 3, 5, 4));
        assert!(matches!(
            search.nearest(wrong.view()),
            Err(MetricsError::AxesMismatch {
                left_name: "frames",
                right_name: "bank",
                ..
            })
        ));
        let empty = Array4::<f64>::zeros((0, 1, 2, 2));
        assert!(matches!(
            NearestNeighbours::new(empty.view(), Distance::Cosine),
            Err(MetricsError::Empty { input: "bank", .. })
        ));
        let none = Array4::<f64>::zeros((0, 3, 5, 5));
        assert_eq!(search.nearest(none.view()), Ok(vec![]));
    }
}
