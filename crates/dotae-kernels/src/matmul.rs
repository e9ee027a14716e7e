//! Row-major matrix views and one matrix product, through the `gemm` crate.

use crate::Element;

/// A read-only matrix inside a slice: element `(i, j)` is `data[i·row_stride + j·col_stride]`.
#[derive(Debug, Clone, Copy)]
pub struct MatRef<'a, T> {
    data: &'a [T],
    rows: usize,
    cols: usize,
    row_stride: usize,
    col_stride: usize,
}

/// A writable matrix inside a slice, laid out like [`MatRef`].
#[derive(Debug)]
pub struct MatMut<'a, T> {
    data: &'a mut [T],
    rows: usize,
    cols: usize,
    row_stride: usize,
    col_stride: usize,
}

/// Checks that a `rows × cols` view with these strides stays inside `len` elements.
fn check_view(len: usize, rows: usize, cols: usize, row_stride: usize, col_stride: usize) {
    let extent = match rows == 0 || cols == 0 {
        true => 0,
        false => (rows - 1) * row_stride + (cols - 1) * col_stride + 1,
    };
    assert!(
        extent <= len,
        "a {rows}×{cols} view with strides ({row_stride}, {col_stride}) needs more than {len} elements"
    );
}

impl<'a, T> MatRef<'a, T> {
    /// A view with explicit strides.
    ///
    /// # Panics
    /// If the view reaches past the end of `data`.
    pub fn strided(
        data: &'a [T],
        rows: usize,
        cols: usize,
        row_stride: usize,
        col_stride: usize,
    ) -> Self {
        check_view(data.len(), rows, cols, row_stride, col_stride);
        Self {
            data,
            rows,
            cols,
            row_stride,
            col_stride,
        }
    }

    /// A dense row-major `rows × cols` matrix at the start of `data`.
    pub fn row_major(data: &'a [T], rows: usize, cols: usize) -> Self {
        Self::strided(data, rows, cols, cols, 1)
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Rows `first .. first + rows`, without copying.
    ///
    /// # Panics
    /// If they reach past the last row.
    pub fn row_range(self, first: usize, rows: usize) -> Self {
        assert!(
            first + rows <= self.rows,
            "rows {first}..{} of a {}-row view",
            first + rows,
            self.rows
        );
        let offset = match rows {
            0 => 0,
            _ => first * self.row_stride,
        };
        Self::strided(
            &self.data[offset..],
            rows,
            self.cols,
            self.row_stride,
            self.col_stride,
        )
    }

    /// The transpose, without copying.
    pub fn t(self) -> Self {
        Self {
            rows: self.cols,
            cols: self.rows,
            row_stride: self.col_stride,
            col_stride: self.row_stride,
            ..self
        }
    }
}

impl<'a, T> MatMut<'a, T> {
    /// A view with explicit strides.
    ///
    /// # Panics
    /// If the view reaches past the end of `data`.
    pub fn strided(
        data: &'a mut [T],
        rows: usize,
        cols: usize,
        row_stride: usize,
        col_stride: usize,
    ) -> Self {
        check_view(data.len(), rows, cols, row_stride, col_stride);
        Self {
            data,
            rows,
            cols,
            row_stride,
            col_stride,
        }
    }

    /// A dense row-major `rows × cols` matrix at the start of `data`.
    pub fn row_major(data: &'a mut [T], rows: usize, cols: usize) -> Self {
        Self::strided(data, rows, cols, cols, 1)
    }
}

/// `dst = lhs · rhs`, or `dst += lhs · rhs` when `accumulate`, on the calling thread (the
/// kernels parallelise over images, not inside one product).
///
/// # Panics
/// If the shapes do not chain.
pub fn matmul<T: Element>(
    dst: MatMut<'_, T>,
    lhs: MatRef<'_, T>,
    rhs: MatRef<'_, T>,
    accumulate: bool,
) {
    assert!(
        lhs.rows == dst.rows && rhs.cols == dst.cols && lhs.cols == rhs.rows,
        "matmul of {}×{} by {}×{} into {}×{}",
        lhs.rows,
        lhs.cols,
        rhs.rows,
        rhs.cols,
        dst.rows,
        dst.cols
    );
    if dst.rows == 0 || dst.cols == 0 {
        return;
    }
    if lhs.cols == 0 {
        if !accumulate {
            for i in 0..dst.rows {
                for j in 0..dst.cols {
                    dst.data[i * dst.row_stride + j * dst.col_stride] = T::ZERO;
                }
            }
        }
        return;
    }
    // SAFETY: the constructors checked that every view stays inside its slice, the shapes chain
    // (asserted above), and `dst` is borrowed mutably, so it cannot alias `lhs` or `rhs`.
    unsafe {
        gemm::gemm(
            dst.rows,
            dst.cols,
            lhs.cols,
            dst.data.as_mut_ptr(),
            dst.col_stride as isize,
            dst.row_stride as isize,
            accumulate,
            lhs.data.as_ptr(),
            lhs.col_stride as isize,
            lhs.row_stride as isize,
            rhs.data.as_ptr(),
            rhs.col_stride as isize,
            rhs.row_stride as isize,
            T::ONE,
            T::ONE,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
}
