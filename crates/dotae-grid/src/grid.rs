use ndarray::{Array2, ArrayView2};

use crate::regions::DisjointSets;
use crate::{Boundary, Face, FaceLayout, GridError, Region};

/// The staggered grid of docs/design.md: cells carry densities, faces carry flux.
///
/// A grid is built once per image size, boundary condition and obstacle mask; everything that
/// depends only on those (the kept faces, the connected regions) is computed here so that
/// operators can reuse it for every path.
#[derive(Debug, Clone)]
pub struct Grid {
    rows: usize,
    cols: usize,
    boundary: Boundary,
    obstacle: Vec<bool>,
    faces: Vec<Face>,
    regions: Vec<Region>,
    region_of_cell: Vec<Option<usize>>,
}

impl Grid {
    /// A grid of `rows × cols` cells without obstacles.
    pub fn new(rows: usize, cols: usize, boundary: Boundary) -> Result<Self, GridError> {
        if rows == 0 || cols == 0 {
            return Err(GridError::EmptyGrid { rows, cols });
        }
        Ok(Self::build(rows, cols, boundary, vec![false; rows * cols]))
    }

    /// A grid whose cells marked `true` in `mask` are obstacles: removed from the unknowns,
    /// and every face touching them carries no flux.
    pub fn with_obstacles(
        rows: usize,
        cols: usize,
        boundary: Boundary,
        mask: ArrayView2<'_, bool>,
    ) -> Result<Self, GridError> {
        if rows == 0 || cols == 0 {
            return Err(GridError::EmptyGrid { rows, cols });
        }
        let (mask_rows, mask_cols) = mask.dim();
        if (mask_rows, mask_cols) != (rows, cols) {
            return Err(GridError::MaskShape {
                mask_rows,
                mask_cols,
                rows,
                cols,
            });
        }
        let obstacle: Vec<bool> = mask.iter().copied().collect();
        if obstacle.iter().all(|&o| o) {
            return Err(GridError::MaskCoversGrid { cells: rows * cols });
        }
        Ok(Self::build(rows, cols, boundary, obstacle))
    }

    fn build(rows: usize, cols: usize, boundary: Boundary, obstacle: Vec<bool>) -> Self {
        let faces = kept_faces(rows, cols, boundary, &obstacle);
        let (regions, region_of_cell) = connected_regions(rows * cols, &obstacle, &faces);
        Self {
            rows,
            cols,
            boundary,
            obstacle,
            faces,
            regions,
            region_of_cell,
        }
    }

    /// Number of cell rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of cell columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Number of cells, `rows · cols` (obstacle cells included).
    pub fn cells(&self) -> usize {
        self.rows * self.cols
    }

    /// The condition at the grid's outer border.
    pub fn boundary(&self) -> Boundary {
        self.boundary
    }

    /// Row-major index of cell `(i, j)`.
    pub fn cell(&self, i: usize, j: usize) -> usize {
        i * self.cols + j
    }

    /// Whether cell `c` (row-major) is an obstacle.
    pub fn is_obstacle(&self, c: usize) -> bool {
        self.obstacle[c]
    }

    /// Obstacle flags of every cell, row-major.
    pub fn obstacle_flags(&self) -> &[bool] {
        &self.obstacle
    }

    /// The obstacle mask as an image.
    pub fn obstacle_mask(&self) -> Array2<bool> {
        Array2::from_shape_fn((self.rows, self.cols), |(i, j)| {
            self.obstacle[self.cell(i, j)]
        })
    }

    /// Number of free (non-obstacle) cells.
    pub fn free_cells(&self) -> usize {
        self.obstacle.iter().filter(|&&o| !o).count()
    }

    /// The layout of every face position, kept or not.
    pub fn face_layout(&self) -> FaceLayout {
        FaceLayout {
            rows: self.rows,
            cols: self.cols,
        }
    }

    /// The faces that carry flux, in increasing [`Face::index`].
    ///
    /// Removed faces are those on a Neumann border, those touching an obstacle, and on a
    /// periodic grid the far copy of each wrap-around face (its flux lives at index row 0 or
    /// column 0).
    pub fn faces(&self) -> &[Face] {
        &self.faces
    }

    /// Connected regions of free cells.
    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// The region of cell `c`, `None` for an obstacle cell.
    pub fn region_of(&self, c: usize) -> Option<usize> {
        self.region_of_cell[c]
    }

    /// Checks that a cell field has one value per cell.
    pub fn check_cells(&self, what: &'static str, len: usize) -> Result<(), GridError> {
        check_len(what, self.cells(), len)
    }

    /// Checks that a face field has one value per kept face.
    pub fn check_faces(&self, what: &'static str, len: usize) -> Result<(), GridError> {
        check_len(what, self.faces.len(), len)
    }
}

pub(crate) fn check_len(
    what: &'static str,
    expected: usize,
    actual: usize,
) -> Result<(), GridError> {
    if expected == actual {
        Ok(())
    } else {
        Err(GridError::LengthMismatch {
            what,
            expected,
            actual,
        })
    }
}

fn kept_faces(rows: usize, cols: usize, boundary: Boundary, obstacle: &[bool]) -> Vec<Face> {
    let layout = FaceLayout { rows, cols };
    let cell = |i: usize, j: usize| i * cols + j;
    let mut faces = Vec::with_capacity(layout.len());
    let mut push = |index: usize, lo: Option<usize>, hi: Option<usize>| {
        let touches_obstacle = lo.is_some_and(|c| obstacle[c]) || hi.is_some_and(|c| obstacle[c]);
        let self_loop = lo.is_some() && lo == hi;
        if !touches_obstacle && !self_loop {
            faces.push(Face { index, lo, hi });
        }
    };
    // A face between `n` cells along one axis sits at position `k = 0..=n`; `sides` names its
    // two cells, or `None` where it is removed.
    let sides = |k: usize, n: usize| -> Option<(Option<usize>, Option<usize>)> {
        let interior = k > 0 && k < n;
        match boundary {
            _ if interior => Some((Some(k - 1), Some(k))),
            Boundary::Dirichlet => Some(((k > 0).then(|| k - 1), (k < n).then_some(k))),
            Boundary::Neumann => None,
            Boundary::Periodic if k == 0 => Some((Some(n - 1), Some(0))),
            Boundary::Periodic => None,
        }
    };
    for i in 0..=rows {
        if let Some((lo, hi)) = sides(i, rows) {
            for j in 0..cols {
                push(
                    layout.vertical(i, j),
                    lo.map(|r| cell(r, j)),
                    hi.map(|r| cell(r, j)),
                );
            }
        }
    }
    for i in 0..rows {
        for j in 0..=cols {
            if let Some((lo, hi)) = sides(j, cols) {
                push(
                    layout.horizontal(i, j),
                    lo.map(|c| cell(i, c)),
                    hi.map(|c| cell(i, c)),
                );
            }
        }
    }
    faces.sort_by_key(|f| f.index);
    faces
}

fn connected_regions(
    cells: usize,
    obstacle: &[bool],
    faces: &[Face],
) -> (Vec<Region>, Vec<Option<usize>>) {
    let mut sets = DisjointSets::new(cells);
    for face in faces {
        if let (Some(lo), Some(hi)) = (face.lo, face.hi) {
            sets.union(lo, hi);
        }
    }
    let mut region_of_root = vec![usize::MAX; cells];
    let mut regions: Vec<Region> = Vec::new();
    let mut region_of_cell = vec![None; cells];
    for c in (0..cells).filter(|&c| !obstacle[c]) {
        let root = sets.find(c);
        if region_of_root[root] == usize::MAX {
            region_of_root[root] = regions.len();
            regions.push(Region {
                cells: Vec::new(),
                anchored: false,
            });
        }
        let r = region_of_root[root];
        regions[r].cells.push(c);
        region_of_cell[c] = Some(r);
    }
    for face in faces {
        if (face.lo.is_none() || face.hi.is_none())
            && let Some(c) = face.lo.or(face.hi)
        {
            let r = region_of_root[sets.find(c)];
            regions[r].anchored = true;
        }
    }
    (regions, region_of_cell)
}
