use thiserror::Error;

/// Everything that can go wrong when building or using a [`Grid`](crate::Grid).
#[derive(Debug, Error, Clone, PartialEq)]
pub enum GridError {
    /// A grid needs at least one row and one column.
    #[error("grid size {rows}x{cols} is empty: a grid needs at least one row and one column")]
    EmptyGrid {
        /// The requested number of rows.
        rows: usize,
        /// The requested number of columns.
        cols: usize,
    },

    /// The obstacle mask does not have the grid's shape.
    #[error("obstacle mask has shape {mask_rows}x{mask_cols}, but the grid is {rows}x{cols}")]
    MaskShape {
        /// The mask's number of rows.
        mask_rows: usize,
        /// The mask's number of columns.
        mask_cols: usize,
        /// The grid's number of rows, which the mask must match.
        rows: usize,
        /// The grid's number of columns, which the mask must match.
        cols: usize,
    },

    /// The obstacle mask leaves no free cell.
    #[error("obstacle mask covers all {cells} cells of the grid: at least one cell must stay free")]
    MaskCoversGrid {
        /// The grid's total number of cells, all of them obstacles.
        cells: usize,
    },

    /// A field passed to a grid operator has the wrong length.
    #[error("{what} has length {actual}, but the grid needs {expected}")]
    LengthMismatch {
        /// Which field was passed, e.g. `"full face field"`.
        what: &'static str,
        /// The length the grid needs (its number of cells or faces).
        expected: usize,
        /// The length that was passed.
        actual: usize,
    },

    /// faer could not build a sparse matrix.
    #[error("building the sparse {what} matrix failed: {reason}")]
    Sparse {
        /// Which matrix was being built, e.g. `"divergence"`.
        what: &'static str,
        /// faer's error, in its debug form.
        reason: String,
    },
}
