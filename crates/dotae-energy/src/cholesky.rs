//! Numeric Cholesky factorisation of several matrices of one sparsity pattern at once.
//!
//! Every step of every path has the same pattern, so matrices are factorised in groups of
//! [`LANES`]: each stored value is a `[f64; LANES]`, one lane per matrix, and every update of
//! the left-looking algorithm is one vector operation across the group. The symbolic structure
//! of the factor (fill-reducing order, elimination tree, row indices) comes from faer's
//! symbolic Cholesky analysis and is turned once into a flat update schedule, so a numeric
//! factorisation does no graph traversal and no allocation.

use faer::Side;
use faer::sparse::SymbolicSparseColMatRef;
use faer::sparse::linalg::SupernodalThreshold;
use faer::sparse::linalg::cholesky::{
    CholeskySymbolicParams, SymbolicCholeskyRaw, SymmetricOrdering, factorize_symbolic_cholesky,
};

use crate::EnergyError;

/// Matrices factorised together: four `f64` fill one 256-bit vector.
pub(crate) const LANES: usize = 4;
pub(crate) type Lanes = [f64; LANES];

/// The factor pattern of a symmetric positive definite matrix and the schedule of its
/// left-looking factorisation.
#[derive(Debug)]
pub(crate) struct BatchedCholesky {
    n: usize,
    /// Lower-triangular CSC pattern of `A` (diagonal first in each column).
    a_col_ptr: Vec<usize>,
    a_row_idx: Vec<u32>,
    /// Lower-triangular CSC pattern of `L` (diagonal first in each column).
    l_col_ptr: Vec<usize>,
    l_row_idx: Vec<u32>,
    /// For column `j`: the positions `p` in `L`'s values of the entries `L[j, k]`, `k < j`;
    /// column `k` from `p` to its end updates column `j`.
    update_ptr: Vec<usize>,
    update_pos: Vec<u32>,
    /// Column of each value of `L`.
    l_col_of: Vec<u32>,
}

impl BatchedCholesky {
    /// Analyses the lower-triangular CSC pattern `(col_ptr, row_idx)` of an `n × n` matrix whose
    /// unknowns are already in elimination order. Row indices must be sorted per column, with
    /// the diagonal present.
    pub(crate) fn new(
        n: usize,
        col_ptr: Vec<usize>,
        row_idx: Vec<u32>,
    ) -> Result<Self, EnergyError> {
        let symbolic_err = |reason: String| EnergyError::Symbolic { reason };
        // faer analyses the upper triangle: the transpose of our lower pattern.
        let (upper_ptr, upper_idx) = transpose(n, &col_ptr, &row_idx);
        let upper = SymbolicSparseColMatRef::new_checked(n, n, &upper_ptr, None, &upper_idx);
        let analysed = factorize_symbolic_cholesky(
            upper,
            Side::Upper,
            SymmetricOrdering::Identity,
            CholeskySymbolicParams {
                supernodal_flop_ratio_threshold: SupernodalThreshold::FORCE_SIMPLICIAL,
                ..Default::default()
            },
        )
        .map_err(|e| symbolic_err(format!("{e:?}")))?;
        let SymbolicCholeskyRaw::Simplicial(simplicial) = analysed.raw() else {
            return Err(symbolic_err("expected a simplicial factor".into()));
        };
        let l_col_ptr = simplicial.col_ptr().to_vec();
        let mut l_row_idx: Vec<u32> = simplicial.row_idx().iter().map(|&r| r as u32).collect();
        for j in 0..n {
            let column = &mut l_row_idx[l_col_ptr[j]..l_col_ptr[j + 1]];
            column.sort_unstable();
            if column.first() != Some(&(j as u32)) {
                return Err(symbolic_err(format!(
                    "column {j} of the factor lacks its diagonal"
                )));
            }
        }
        // Row structure of L: for each row j, the positions of L[j, k], k < j, in column order.
        let mut update_ptr = vec![0usize; n + 1];
        for &r in &l_row_idx {
            update_ptr[r as usize + 1] += 1;
        }
        for j in 0..n {
            // The diagonal is not an update.
            update_ptr[j + 1] += update_ptr[j];
            update_ptr[j + 1] -= 1;
        }
        let mut update_pos = vec![0u32; update_ptr[n]];
        let mut next = update_ptr.clone();
        let mut l_col_of = vec![0u32; l_row_idx.len()];
        for k in 0..n {
            for p in l_col_ptr[k]..l_col_ptr[k + 1] {
                l_col_of[p] = k as u32;
                let r = l_row_idx[p] as usize;
                if r != k {
                    update_pos[next[r]] = p as u32;
                    next[r] += 1;
                }
            }
        }
        Ok(Self {
            n,
            a_col_ptr: col_ptr,
            a_row_idx: row_idx,
            l_col_ptr,
            l_row_idx,
            update_ptr,
            update_pos,
            l_col_of,
        })
    }

    pub(crate) fn dim(&self) -> usize {
        self.n
    }

    /// Number of stored values of `A`'s lower triangle.
    pub(crate) fn matrix_len(&self) -> usize {
        self.a_row_idx.len()
    }

    /// Number of stored values of `L`.
    pub(crate) fn factor_len(&self) -> usize {
        self.l_row_idx.len()
    }

    /// Factorises the matrices in the lanes of `a` (values in the order of the lower pattern)
    /// into `l`, using `work` (length `n`, all zero on entry and on return) as scratch. Returns,
    /// per lane, whether that matrix was numerically positive definite.
    pub(crate) fn factorize(
        &self,
        a: &[Lanes],
        l: &mut [Lanes],
        work: &mut [Lanes],
    ) -> [bool; LANES] {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, the only requirement of the wrapper.
            return unsafe { self.factorize_avx2(a, l, work) };
        }
        self.factorize_portable(a, l, work)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn factorize_avx2(
        &self,
        a: &[Lanes],
        l: &mut [Lanes],
        work: &mut [Lanes],
    ) -> [bool; LANES] {
        self.factorize_portable(a, l, work)
    }

    #[inline(always)]
    fn factorize_portable(
        &self,
        a: &[Lanes],
        l: &mut [Lanes],
        work: &mut [Lanes],
    ) -> [bool; LANES] {
        let mut positive = [true; LANES];
        let l_row_idx = &self.l_row_idx[..];
        for j in 0..self.n {
            for q in self.a_col_ptr[j]..self.a_col_ptr[j + 1] {
                work[self.a_row_idx[q] as usize] = a[q];
            }
            for &p in &self.update_pos[self.update_ptr[j]..self.update_ptr[j + 1]] {
                let p = p as usize;
                let k = self.l_col_of[p] as usize;
                let ljk = l[p];
                let end = self.l_col_ptr[k + 1];
                for (&r, lq) in l_row_idx[p..end].iter().zip(&l[p..end]) {
                    let x = &mut work[r as usize];
                    for lane in 0..LANES {
                        x[lane] -= lq[lane] * ljk[lane];
                    }
                }
            }
            let start = self.l_col_ptr[j];
            let mut inverse = [0.0; LANES];
            for lane in 0..LANES {
                let pivot = work[j][lane];
                // False for NaN too.
                let definite = pivot > 0.0;
                positive[lane] &= definite;
                let root = if definite { pivot.sqrt() } else { 1.0 };
                l[start][lane] = root;
                inverse[lane] = 1.0 / root;
            }
            work[j] = [0.0; LANES];
            for q in start + 1..self.l_col_ptr[j + 1] {
                let x = &mut work[l_row_idx[q] as usize];
                for lane in 0..LANES {
                    l[q][lane] = x[lane] * inverse[lane];
                }
                *x = [0.0; LANES];
            }
        }
        positive
    }

    /// Solves `L Lᵀ x = b` in place, lane by lane.
    pub(crate) fn solve_in_place(&self, l: &[Lanes], x: &mut [Lanes]) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, the only requirement of the wrapper.
            return unsafe { self.solve_avx2(l, x) };
        }
        self.solve_portable(l, x)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn solve_avx2(&self, l: &[Lanes], x: &mut [Lanes]) {
        self.solve_portable(l, x)
    }

    #[inline(always)]
    fn solve_portable(&self, l: &[Lanes], x: &mut [Lanes]) {
        let rows = &self.l_row_idx[..];
        for j in 0..self.n {
            let start = self.l_col_ptr[j];
            let mut xj = x[j];
            for lane in 0..LANES {
                xj[lane] /= l[start][lane];
            }
            x[j] = xj;
            for q in start + 1..self.l_col_ptr[j + 1] {
                let target = &mut x[rows[q] as usize];
                for lane in 0..LANES {
                    target[lane] -= l[q][lane] * xj[lane];
                }
            }
        }
        for j in (0..self.n).rev() {
            let start = self.l_col_ptr[j];
            let mut xj = x[j];
            for q in start + 1..self.l_col_ptr[j + 1] {
                let source = x[rows[q] as usize];
                for lane in 0..LANES {
                    xj[lane] -= l[q][lane] * source[lane];
                }
            }
            for lane in 0..LANES {
                xj[lane] /= l[start][lane];
            }
            x[j] = xj;
        }
    }
}

/// The CSC pattern `(col_ptr, row_idx)` of `n × n` entries given as `(row, col)` pairs, sorted
/// by column then row, duplicates merged.
pub(crate) fn csc_pattern(n: usize, mut entries: Vec<(usize, usize)>) -> (Vec<usize>, Vec<u32>) {
    entries.sort_unstable_by_key(|&(r, c)| (c, r));
    entries.dedup();
    let mut col_ptr = vec![0usize; n + 1];
    for &(_, c) in &entries {
        col_ptr[c + 1] += 1;
    }
    for k in 0..n {
        col_ptr[k + 1] += col_ptr[k];
    }
    (col_ptr, entries.iter().map(|&(r, _)| r as u32).collect())
}

/// Transposes a CSC pattern (lower to upper), keeping rows sorted.
fn transpose(n: usize, col_ptr: &[usize], row_idx: &[u32]) -> (Vec<usize>, Vec<usize>) {
    let mut ptr = vec![0usize; n + 1];
    for &r in row_idx {
        ptr[r as usize + 1] += 1;
    }
    for k in 0..n {
        ptr[k + 1] += ptr[k];
    }
    let mut next = ptr.clone();
    let mut idx = vec![0usize; row_idx.len()];
    for c in 0..n {
        for &r in &row_idx[col_ptr[c]..col_ptr[c + 1]] {
            idx[next[r as usize]] = c;
            next[r as usize] += 1;
        }
    }
    (ptr, idx)
}

#[cfg(test)]
mod tests {
    use faer::Mat;
    use faer::prelude::Solve;
    use faer::sparse::{SparseColMat, Triplet};
    use proptest::prelude::*;

    use super::*;

    /// A random graph on `n` vertices: a weighted Laplacian plus a positive diagonal is SPD.
    fn spd_pattern() -> impl Strategy<Value = (usize, Vec<(usize, usize)>)> {
        (1usize..25).prop_flat_map(|n| {
            let edges = prop::collection::vec((0..n, 0..n), 0..3 * n).prop_map(|e| {
                e.into_iter()
                    .filter(|(a, b)| a != b)
                    .map(|(a, b)| (a.max(b), a.min(b)))
                    .collect()
            });
            (Just(n), edges)
        })
    }

    proptest! {
        #[test]
        fn matches_faer_on_every_lane(
            (n, mut edges) in spd_pattern(),
            seeds in prop::collection::vec(0.1f64..2.0, 4 * 200),
        ) {
            edges.sort_unstable_by_key(|&(r, c)| (c, r));
            edges.dedup();
            let (col_ptr, row_idx) = csc_pattern(n, (0..n).map(|k| (k, k)).chain(edges.iter().copied()).collect());
            let entries: Vec<(usize, usize)> = (0..n)
                .flat_map(|c| row_idx[col_ptr[c]..col_ptr[c + 1]].iter().map(move |&r| (r as usize, c)))
                .collect();
            let chol = BatchedCholesky::new(n, col_ptr, row_idx).unwrap();

            let mut seed = seeds.iter().cycle().copied();
            let mut values = vec![[0.0; LANES]; entries.len()];
            let mut rhs = vec![[0.0; LANES]; n];
            let mut reference = Vec::new();
            for lane in 0..LANES {
                let mut triplets = Vec::new();
                let mut diagonal = vec![seed.next().unwrap(); n];
                let weights: Vec<f64> = edges.iter().map(|_| seed.next().unwrap()).collect();
                for (&(r, c), &w) in edges.iter().zip(&weights) {
                    diagonal[r] += w;
                    diagonal[c] += w;
                    triplets.push(Triplet::new(r, c, -w));
                }
                for (k, &d) in diagonal.iter().enumerate() {
                    triplets.push(Triplet::new(k, k, d));
                }
                for (slot, &(r, c)) in entries.iter().enumerate() {
                    values[slot][lane] = if r == c {
                        diagonal[r]
                    } else {
                        -weights[edges.iter().position(|&e| e == (r, c)).unwrap()]
                    };
                }
                let b: Vec<f64> = (0..n).map(|_| seed.next().unwrap() - 1.0).collect();
                for (x, &v) in rhs.iter_mut().zip(&b) {
                    x[lane] = v;
                }
                let matrix = SparseColMat::<usize, f64>::try_new_from_triplets(n, n, &triplets).unwrap();
                let llt = matrix.sp_cholesky(Side::Lower).unwrap();
                let solution = llt.solve(Mat::from_fn(n, 1, |i, _| b[i]));
                reference.push((0..n).map(|i| solution[(i, 0)]).collect::<Vec<f64>>());
            }
            let mut factor = vec![[0.0; LANES]; chol.factor_len()];
            let mut work = vec![[0.0; LANES]; n];
            prop_assert_eq!(chol.factorize(&values, &mut factor, &mut work), [true; LANES]);
            prop_assert!(work.iter().all(|w| *w == [0.0; LANES]));
            chol.solve_in_place(&factor, &mut rhs);
            for (lane, expected) in reference.iter().enumerate() {
                for (x, e) in rhs.iter().zip(expected) {
                    prop_assert!((x[lane] - e).abs() <= 1e-10 * (1.0 + e.abs()), "lane {}: {} vs {}", lane, x[lane], e);
                }
            }
        }

        #[test]
        fn flags_lanes_that_are_not_positive_definite(n in 1usize..10, bad_lane in 0..LANES) {
            let col_ptr: Vec<usize> = (0..=n).collect();
            let row_idx: Vec<u32> = (0..n as u32).collect();
            let chol = BatchedCholesky::new(n, col_ptr, row_idx).unwrap();
            let mut values = vec![[1.0; LANES]; n];
            values[n - 1][bad_lane] = 0.0;
            let mut factor = vec![[0.0; LANES]; n];
            let mut work = vec![[0.0; LANES]; n];
            let mut expected = [true; LANES];
            expected[bad_lane] = false;
            prop_assert_eq!(chol.factorize(&values, &mut factor, &mut work), expected);
        }
    }
}
