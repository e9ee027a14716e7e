/// A face of the staggered grid that carries flux.
///
/// `lo` is the cell on the lower-index side (row `i - 1` for a vertical-flux face at row `i`,
/// column `j - 1` for a horizontal-flux face at column `j`), `hi` the other one. `None` is a
/// ghost cell of density zero outside a Dirichlet border. With the divergence of docs/design.md,
/// `(∇·m)_lo` gains `+m_f` and `(∇·m)_hi` gains `-m_f`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Face {
    /// Position of the face in the full face layout (see [`FaceLayout`]).
    pub index: usize,
    /// Cell on the lower-index side, `None` for a ghost cell.
    pub lo: Option<usize>,
    /// Cell on the higher-index side, `None` for a ghost cell.
    pub hi: Option<usize>,
}

/// Indexing of every face position of an `rows × cols` grid, kept or not.
///
/// Vertical-flux faces `(i, j)`, `i = 0..=rows`, `j = 0..cols`, come first in row-major order,
/// then horizontal-flux faces `(i, j)`, `i = 0..rows`, `j = 0..=cols`. Fields on faces (momentum,
/// face gradients) use this layout so they can be reshaped to `(rows + 1) × cols` and
/// `rows × (cols + 1)` images.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaceLayout {
    /// Number of cell rows of the grid.
    pub rows: usize,
    /// Number of cell columns of the grid.
    pub cols: usize,
}

impl FaceLayout {
    /// Number of vertical-flux face positions, `(rows + 1) · cols`.
    pub fn vertical_len(&self) -> usize {
        (self.rows + 1) * self.cols
    }

    /// Number of horizontal-flux face positions, `rows · (cols + 1)`.
    pub fn horizontal_len(&self) -> usize {
        self.rows * (self.cols + 1)
    }

    /// Total number of face positions.
    pub fn len(&self) -> usize {
        self.vertical_len() + self.horizontal_len()
    }

    /// Whether the layout has no face position (never true for a valid grid).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Index of the vertical-flux face `(i, j)`, `i ≤ rows`.
    pub fn vertical(&self, i: usize, j: usize) -> usize {
        i * self.cols + j
    }

    /// Index of the horizontal-flux face `(i, j)`, `j ≤ cols`.
    pub fn horizontal(&self, i: usize, j: usize) -> usize {
        self.vertical_len() + i * (self.cols + 1) + j
    }
}
