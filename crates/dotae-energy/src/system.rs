//! The sparsity structure shared by every step's system `A_t = D diag(u_t) Dᵀ (+ diag(ρ̄_t/τ))`.
//!
//! The pattern depends only on the grid, the boundary, the obstacles and whether unanchored
//! regions need grounding, never on the densities. It is analysed once: unknowns are numbered
//! in faer's fill-reducing (AMD) order so that numeric factorisations need no permutation,
//! every face knows the three value slots it adds its weight to, and the factor's structure
//! is prepared for [`BatchedCholesky`].

use dotae_grid::Grid;
use faer::Side;
use faer::sparse::linalg::SupernodalThreshold;
use faer::sparse::linalg::cholesky::{
    CholeskySymbolicParams, SymmetricOrdering, factorize_symbolic_cholesky,
};
use faer::sparse::{Pair, SymbolicSparseColMat};

use crate::EnergyError;
use crate::cholesky::{BatchedCholesky, csc_pattern};

pub(crate) const NONE: u32 = u32::MAX;

/// A region whose Laplacian is singular: one of its cells is grounded (its potential fixed to
/// zero), which makes the reduced system positive definite without changing the energy.
#[derive(Debug, Clone)]
pub(crate) struct GroundedRegion {
    pub(crate) index: usize,
    pub(crate) cells: Vec<usize>,
}

#[derive(Debug)]
pub(crate) struct StepSystem {
    /// Unknown (in elimination order) of each cell; `NONE` for obstacle and grounded cells.
    pub(crate) unknown_of_cell: Vec<u32>,
    /// Cell of each unknown.
    pub(crate) cell_of_unknown: Vec<usize>,
    /// For each kept face: value slots of `A[lo,lo]`, `A[hi,hi]` and `A[lo,hi]` in the
    /// lower-triangular pattern (`NONE` when that side is a ghost or grounded cell).
    pub(crate) face_slots: Vec<[u32; 3]>,
    /// Value slot of the diagonal of each unknown.
    pub(crate) diagonal_slot: Vec<u32>,
    pub(crate) grounded: Vec<GroundedRegion>,
    pub(crate) cholesky: BatchedCholesky,
}

impl StepSystem {
    pub(crate) fn new(grid: &Grid, ground_unanchored: bool) -> Result<Self, EnergyError> {
        let cells = grid.cells();
        let grounded: Vec<GroundedRegion> = if ground_unanchored {
            grid.regions()
                .iter()
                .enumerate()
                .filter(|(_, r)| !r.anchored)
                .map(|(index, r)| GroundedRegion {
                    index,
                    cells: r.cells.clone(),
                })
                .collect()
        } else {
            Vec::new()
        };
        let mut is_unknown: Vec<bool> = (0..cells).map(|c| !grid.is_obstacle(c)).collect();
        for region in &grounded {
            is_unknown[region.cells[0]] = false;
        }
        // Natural numbering first, to compute the ordering.
        let mut natural = vec![NONE; cells];
        let mut n = 0usize;
        for c in (0..cells).filter(|&c| is_unknown[c]) {
            natural[c] = n as u32;
            n += 1;
        }
        let order = elimination_order(n, &upper_entries(grid, &natural, n))?;

        let mut unknown_of_cell = vec![NONE; cells];
        let mut cell_of_unknown = vec![0usize; n];
        for c in 0..cells {
            if natural[c] != NONE {
                let k = order[natural[c] as usize];
                unknown_of_cell[c] = k as u32;
                cell_of_unknown[k] = c;
            }
        }
        // Lower-triangular pattern in elimination order: (row ≥ col), sorted by column, then row.
        let lower = upper_entries(grid, &unknown_of_cell, n)
            .into_iter()
            .map(|(r, c)| (c, r))
            .collect();
        let (col_ptr, row_idx) = csc_pattern(n, lower);
        let slot = |a: usize, b: usize| -> u32 {
            let (r, c) = (a.max(b), a.min(b));
            let column = &row_idx[col_ptr[c]..col_ptr[c + 1]];
            // Every (r, c) asked for was inserted by `upper_entries`.
            (col_ptr[c] + column.partition_point(|&x| (x as usize) < r)) as u32
        };
        let unknown = |cell: Option<usize>| cell.map(|c| unknown_of_cell[c]).filter(|&k| k != NONE);
        let face_slots = grid
            .faces()
            .iter()
            .map(|face| {
                let (lo, hi) = (unknown(face.lo), unknown(face.hi));
                let diag = |k: Option<u32>| k.map_or(NONE, |k| slot(k as usize, k as usize));
                let off = match (lo, hi) {
                    (Some(a), Some(b)) => slot(a as usize, b as usize),
                    _ => NONE,
                };
                [diag(lo), diag(hi), off]
            })
            .collect();
        let diagonal_slot = (0..n).map(|k| slot(k, k)).collect();
        let cholesky = BatchedCholesky::new(n, col_ptr, row_idx)?;
        Ok(Self {
            unknown_of_cell,
            cell_of_unknown,
            face_slots,
            diagonal_slot,
            grounded,
            cholesky,
        })
    }

    pub(crate) fn unknowns(&self) -> usize {
        self.cell_of_unknown.len()
    }
}

/// `(row, col)` with `row ≤ col` of every structural nonzero, given a numbering of unknowns.
fn upper_entries(grid: &Grid, unknown_of_cell: &[u32], n: usize) -> Vec<(usize, usize)> {
    let mut entries: Vec<(usize, usize)> = (0..n).map(|k| (k, k)).collect();
    for face in grid.faces() {
        if let (Some(lo), Some(hi)) = (face.lo, face.hi) {
            let (a, b) = (unknown_of_cell[lo], unknown_of_cell[hi]);
            if a != NONE && b != NONE {
                let (a, b) = (a as usize, b as usize);
                entries.push((a.min(b), a.max(b)));
            }
        }
    }
    entries
}

/// AMD elimination order: `order[natural] = position`.
fn elimination_order(n: usize, entries: &[(usize, usize)]) -> Result<Vec<usize>, EnergyError> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let pairs: Vec<Pair<usize, usize>> = entries
        .iter()
        .map(|&(row, col)| Pair { row, col })
        .collect();
    let (pattern, _) = SymbolicSparseColMat::try_new_from_indices(n, n, &pairs).map_err(|e| {
        EnergyError::Symbolic {
            reason: format!("{e:?}"),
        }
    })?;
    let analysed = factorize_symbolic_cholesky(
        pattern.as_ref(),
        Side::Upper,
        SymmetricOrdering::Amd,
        CholeskySymbolicParams {
            supernodal_flop_ratio_threshold: SupernodalThreshold::FORCE_SIMPLICIAL,
            ..Default::default()
        },
    )
    .map_err(|e| EnergyError::Symbolic {
        reason: format!("{e:?}"),
    })?;
    Ok(match analysed.perm() {
        Some(perm) => perm.arrays().1.to_vec(),
        None => (0..n).collect(),
    })
}
