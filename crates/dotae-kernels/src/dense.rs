//! A dense (fully connected) layer, `y = x·W + b`, on row-major slices: the forward pass, the
//! adjoint `g·Wᵀ` that carries a gradient from the layer's output to its input, and the weight
//! and bias gradients.
//!
//! burn-flex multiplies on one thread below 192³ multiply-adds, so each 256 × 128 × 128 product
//! of the neural-OT networks ran on one of two cores. Here every product is cut into blocks of
//! 32 output rows (`ROWS_PER_BLOCK`) that run in parallel. The blocks are the same whatever the
//! number of threads, and each output row is computed by one block alone, so results do not
//! depend on how many threads ran.

use rayon::prelude::*;

use crate::Element;
use crate::matmul::{MatMut, MatRef, matmul};

/// Output rows per parallel block: about 0.5 M multiply-adds at width 128, enough to pay for a
/// task switch.
const ROWS_PER_BLOCK: usize = 32;

/// Sizes of one dense layer applied to a batch: `rows` points of `inputs` numbers to `outputs`
/// numbers. The weight is `inputs × outputs`, row-major, as burn-nn's `Linear` stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DenseShape {
    /// Points in the batch.
    pub rows: usize,
    /// Numbers per input point.
    pub inputs: usize,
    /// Numbers per output point.
    pub outputs: usize,
}

impl DenseShape {
    fn check(&self, what: &str, len: usize, expected: usize) {
        assert_eq!(
            len, expected,
            "dense {self:?}: {what} has {len} elements, expected {expected}"
        );
    }

    /// `data` as a batch of inputs, `rows × inputs`, its length checked.
    fn input_rows<'a, T>(&self, what: &str, data: &'a [T]) -> MatRef<'a, T> {
        self.check(what, data.len(), self.rows * self.inputs);
        MatRef::row_major(data, self.rows, self.inputs)
    }

    /// `data` as a batch of outputs, `rows × outputs`, its length checked.
    fn output_rows<'a, T>(&self, what: &str, data: &'a [T]) -> MatRef<'a, T> {
        self.check(what, data.len(), self.rows * self.outputs);
        MatRef::row_major(data, self.rows, self.outputs)
    }

    /// `data` as the weight, `inputs × outputs`, its length checked.
    fn weight<'a, T>(&self, what: &str, data: &'a [T]) -> MatRef<'a, T> {
        self.check(what, data.len(), self.inputs * self.outputs);
        MatRef::row_major(data, self.inputs, self.outputs)
    }
}

/// `dst = lhs · rhs` with `dst` row-major and dense, in parallel blocks of output rows.
fn product_by_row_blocks<T: Element>(dst: &mut [T], lhs: MatRef<'_, T>, rhs: MatRef<'_, T>) {
    let cols = rhs.cols();
    if cols == 0 {
        return;
    }
    dst.par_chunks_mut(ROWS_PER_BLOCK * cols)
        .enumerate()
        .for_each(|(block, dst)| {
            let rows = dst.len() / cols;
            let first = block * ROWS_PER_BLOCK;
            matmul(
                MatMut::row_major(dst, rows, cols),
                lhs.row_range(first, rows),
                rhs,
                false,
            );
        });
}

/// `y = x·W + b`: `x` is `rows × inputs`, `weight` `inputs × outputs`, `bias` `outputs` long
/// (or absent), `y` `rows × outputs`.
///
/// # Panics
/// When a slice's length does not match `shape`.
pub fn dense_forward<T: Element>(
    shape: DenseShape,
    x: &[T],
    weight: &[T],
    bias: Option<&[T]>,
    y: &mut [T],
) {
    let outputs = shape.outputs;
    let (x, weight) = (shape.input_rows("x", x), shape.weight("weight", weight));
    shape.check("y", y.len(), shape.rows * outputs);
    if let Some(bias) = bias {
        shape.check("bias", bias.len(), outputs);
    }
    product_by_row_blocks(y, x, weight);
    if let Some(bias) = bias.filter(|_| outputs > 0) {
        for row in y.chunks_exact_mut(outputs) {
            for (value, &b) in row.iter_mut().zip(bias) {
                *value += b;
            }
        }
    }
}

/// `x_grad = g·Wᵀ`: `g` is `rows × outputs`, `weight` `inputs × outputs`, `x_grad`
/// `rows × inputs`. The layer's input gradient, and the adjoint the value function's
/// derivatives are built from.
///
/// # Panics
/// When a slice's length does not match `shape`.
pub fn dense_adjoint<T: Element>(shape: DenseShape, g: &[T], weight: &[T], x_grad: &mut [T]) {
    let (g, weight) = (shape.output_rows("g", g), shape.weight("weight", weight));
    shape.check("x_grad", x_grad.len(), shape.rows * shape.inputs);
    product_by_row_blocks(x_grad, g, weight.t());
}

/// `weight_grad = xᵀ·g`: `x` is `rows × inputs`, `g` `rows × outputs`, `weight_grad`
/// `inputs × outputs`.
///
/// # Panics
/// When a slice's length does not match `shape`.
pub fn dense_weight_gradient<T: Element>(
    shape: DenseShape,
    x: &[T],
    g: &[T],
    weight_grad: &mut [T],
) {
    let (x, g) = (shape.input_rows("x", x), shape.output_rows("g", g));
    shape.check(
        "weight_grad",
        weight_grad.len(),
        shape.inputs * shape.outputs,
    );
    product_by_row_blocks(weight_grad, x.t(), g);
}

/// `bias_grad[j] = Σᵢ g[i][j]`, summed in row order.
///
/// # Panics
/// When a slice's length does not match `shape`.
pub fn dense_bias_gradient<T: Element>(shape: DenseShape, g: &[T], bias_grad: &mut [T]) {
    shape.check("g", g.len(), shape.rows * shape.outputs);
    shape.check("bias_grad", bias_grad.len(), shape.outputs);
    bias_grad.fill(T::ZERO);
    if shape.outputs == 0 {
        return;
    }
    for row in g.chunks_exact(shape.outputs) {
        for (sum, &value) in bias_grad.iter_mut().zip(row) {
            *sum += value;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(a: &[f64], b: &[f64], n: usize, k: usize, m: usize) -> Vec<f64> {
        let mut c = vec![0.0; n * m];
        for i in 0..n {
            for j in 0..m {
                c[i * m + j] = (0..k).map(|l| a[i * k + l] * b[l * m + j]).sum();
            }
        }
        c
    }

    fn transpose(a: &[f64], rows: usize, cols: usize) -> Vec<f64> {
        (0..cols * rows)
            .map(|idx| a[(idx % rows) * cols + idx / rows])
            .collect()
    }

    fn values(len: usize, seed: u64) -> Vec<f64> {
        (0..len)
            .map(|i| ((i as u64 * 2654435761 + seed * 97) % 1000) as f64 / 500.0 - 1.0)
            .collect()
    }

    #[test]
    fn every_product_matches_the_definition_across_row_blocks() {
        // 70 rows: two full blocks and a partial one.
        for (rows, inputs, outputs) in [(70, 5, 3), (1, 2, 4), (33, 7, 1), (0, 3, 2)] {
            let shape = DenseShape {
                rows,
                inputs,
                outputs,
            };
            let (x, w, b, g) = (
                values(rows * inputs, 1),
                values(inputs * outputs, 2),
                values(outputs, 3),
                values(rows * outputs, 4),
            );
            let mut y = vec![f64::NAN; rows * outputs];
            dense_forward(shape, &x, &w, Some(&b), &mut y);
            let expected = naive(&x, &w, rows, inputs, outputs);
            for (i, (&got, &want)) in y.iter().zip(&expected).enumerate() {
                assert!((got - (want + b[i % outputs])).abs() < 1e-12);
            }
            let mut xg = vec![f64::NAN; rows * inputs];
            dense_adjoint(shape, &g, &w, &mut xg);
            let expected = naive(&g, &transpose(&w, inputs, outputs), rows, outputs, inputs);
            assert!(xg.iter().zip(&expected).all(|(a, b)| (a - b).abs() < 1e-12));
            let mut wg = vec![f64::NAN; inputs * outputs];
            dense_weight_gradient(shape, &x, &g, &mut wg);
            let expected = naive(&transpose(&x, rows, inputs), &g, inputs, rows, outputs);
            assert!(wg.iter().zip(&expected).all(|(a, b)| (a - b).abs() < 1e-12));
            let mut bg = vec![f64::NAN; outputs];
            dense_bias_gradient(shape, &g, &mut bg);
            for (j, &sum) in bg.iter().enumerate() {
                let want: f64 = (0..rows).map(|i| g[i * outputs + j]).sum();
                assert!((sum - want).abs() < 1e-12);
            }
        }
    }
}
