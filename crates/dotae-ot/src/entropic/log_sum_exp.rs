//! The two soft-minimum passes of log-domain Sinkhorn over a dense matrix stored row-major:
//! log-sum-exp along rows and along columns, each stabilised by its maximum so no exponential
//! overflows and only terms negligible next to the largest one underflow.

/// For each row `i` of the `rows × cols` row-major `matrix`, writes
/// `log Σ_j exp(matrix[i, j] + shift[j])` into `out[i]`.
pub(super) fn rows(matrix: &[f64], shift: &[f64], out: &mut [f64]) {
    let cols = shift.len();
    for (row, out) in matrix.chunks_exact(cols).zip(out.iter_mut()) {
        let max = row
            .iter()
            .zip(shift)
            .fold(f64::NEG_INFINITY, |max, (m, s)| max.max(m + s));
        *out = if max == f64::NEG_INFINITY {
            // Every term is exp(−∞) = 0: the sum is 0 and its logarithm −∞.
            f64::NEG_INFINITY
        } else {
            let sum: f64 = row
                .iter()
                .zip(shift)
                .map(|(m, s)| (m + s - max).exp())
                .sum();
            max + sum.ln()
        };
    }
}

/// For each column `j` of the row-major `matrix` (with `shift.len()` rows), writes
/// `log Σ_i exp(matrix[i, j] + shift[i])` into `out[j]`. Walks the matrix row by row (the
/// order it is stored in), keeping a running maximum and sum per column; `max` is scratch
/// space of the same length as `out`.
pub(super) fn columns(matrix: &[f64], shift: &[f64], max: &mut [f64], out: &mut [f64]) {
    let cols = out.len();
    max.fill(f64::NEG_INFINITY);
    for (row, &s) in matrix.chunks_exact(cols).zip(shift) {
        for (max, m) in max.iter_mut().zip(row) {
            *max = max.max(m + s);
        }
    }
    out.fill(0.0);
    for (row, &s) in matrix.chunks_exact(cols).zip(shift) {
        if s == f64::NEG_INFINITY {
            continue; // a row without mass adds exp(−∞) = 0 to every column
        }
        for ((sum, m), max) in out.iter_mut().zip(row).zip(max.iter()) {
            *sum += (m + s - max).exp();
        }
    }
    for (out, &max) in out.iter_mut().zip(max.iter()) {
        *out = if max == f64::NEG_INFINITY {
            f64::NEG_INFINITY
        } else {
            max + out.ln()
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(terms: impl Iterator<Item = f64>) -> f64 {
        terms.map(f64::exp).sum::<f64>().ln()
    }

    #[test]
    fn rows_and_columns_match_the_naive_sums() {
        let matrix = [0.1, -2.0, 3.0, 0.5, 1.5, -0.25];
        let (r, c) = (2, 3);
        let row_shift = [0.3, -1.0];
        let col_shift = [-0.5, 0.0, 2.0];
        let mut by_row = [0.0; 2];
        rows(&matrix, &col_shift, &mut by_row);
        for i in 0..r {
            let expected = naive((0..c).map(|j| matrix[i * c + j] + col_shift[j]));
            assert!((by_row[i] - expected).abs() < 1e-14);
        }
        let mut by_col = [0.0; 3];
        let mut max = [0.0; 3];
        columns(&matrix, &row_shift, &mut max, &mut by_col);
        for j in 0..c {
            let expected = naive((0..r).map(|i| matrix[i * c + j] + row_shift[i]));
            assert!((by_col[j] - expected).abs() < 1e-14);
        }
    }

    #[test]
    fn large_arguments_do_not_overflow_and_zero_rows_are_skipped() {
        let matrix = [1000.0, 999.0, -1000.0, -1001.0];
        let mut out = [0.0; 2];
        rows(&matrix, &[0.0, 0.0], &mut out);
        let expected = 1000.0 + (1.0 + (-1.0f64).exp()).ln();
        assert!((out[0] - expected).abs() < 1e-12);
        let mut max = [0.0; 2];
        columns(&matrix, &[f64::NEG_INFINITY, 0.0], &mut max, &mut out);
        assert_eq!(out, [-1000.0, -1001.0]);
    }
}
