use thiserror::Error;

/// Everything that can go wrong when building or using a [`Grid`](crate::Grid).
#[derive(Debug, Error, Clone, PartialEq)]
pub enum GridError {
    /// A grid needs at least one row and one column.
    #[error("grid size {rows}x{cols} is empty: a grid needs at least one row and one column")]
    EmptyGrid { rows: usize, cols: usize },

    /// The obstacle mask does not have the grid's shape.
    #[error("obstacle mask has shape {mask_rows}x{mask_cols}, but the grid is {rows}x{cols}")]
    MaskShape {
        mask_rows: usize,
        mask_cols: usize,
        rows: usize,
        cols: usize,
    },

    /// The obstacle mask leaves no free cell.
    #[error("obstacle mask covers all {cells} cells of the grid: at least one cell must stay free")]
    MaskCoversGrid { cells: usize },

    /// A field passed to a grid operator has the wrong length.
    #[error("{what} has length {actual}, but the grid needs {expected}")]
    LengthMismatch {
        what: &'static str,
        expected: usize,
        actual: usize,
    },

    /// faer could not build a sparse matrix.
    #[error("building the sparse {what} matrix failed: {reason}")]
    Sparse { what: &'static str, reason: String },
}
