//! One time step: `J_t = b_tᵀ A_t⁻¹ b_t` and its gradient with respect to both frames.

use dotae_grid::Grid;
use faer::dyn_stack::MemStack;
use faer::linalg::cholesky::llt::factor::LltRegularization;
use faer::sparse::SparseColMatRef;
use faer::sparse::SymbolicSparseColMatRef;
use faer::sparse::linalg::cholesky::LltRef;
use faer::{ColMut, Conj, Par, Side};

use crate::system::{NONE, StepSystem};
use crate::workspace::Workspace;
use crate::{EnergyError, PathEnergyConfig};

/// Flow of one step on the full face layout, with the source term of the unbalanced variant.
pub(crate) struct StepFlow {
    pub(crate) momentum: Vec<f64>,
    pub(crate) source: Vec<f64>,
    pub(crate) residual: f64,
}

pub(crate) struct StepProblem<'a> {
    pub(crate) grid: &'a Grid,
    pub(crate) system: &'a StepSystem,
    pub(crate) config: &'a PathEnergyConfig,
}

impl StepProblem<'_> {
    /// Energy of the step from `start` to `end`; writes `∂J_t/∂ρ_t` and `∂J_t/∂ρ_{t+1}`.
    pub(crate) fn solve(
        &self,
        step: usize,
        start: &[f64],
        end: &[f64],
        ws: &mut Workspace,
        grad_start: &mut [f64],
        grad_end: &mut [f64],
        want_flow: bool,
    ) -> Result<(f64, Option<StepFlow>), EnergyError> {
        let grid = self.grid;
        let system = self.system;
        let inverse_tau = self.config.inverse_tau();

        self.config
            .time_weights
            .step_density(start, end, &mut ws.density);
        grid.face_weights(&ws.density, &mut ws.u)?;
        for ((b, &s), &e) in ws.b.iter_mut().zip(start).zip(end) {
            *b = s - e;
        }
        self.project_onto_conserved(step, start, end, &mut ws.b)?;

        ws.values.fill(0.0);
        for (slots, &u) in system.face_slots.iter().zip(&ws.u) {
            for (k, &slot) in slots.iter().enumerate() {
                if slot != NONE {
                    ws.values[slot as usize] += if k == 2 { -u } else { u };
                }
            }
        }
        if let Some(inv_tau) = inverse_tau {
            for (&slot, &cell) in system.diagonal_slot.iter().zip(&system.cell_of_unknown) {
                ws.values[slot as usize] += ws.density[cell] * inv_tau;
            }
        }
        for (r, &cell) in ws.rhs.iter_mut().zip(&system.cell_of_unknown) {
            *r = ws.b[cell];
        }
        if let Some(symbolic) = &system.symbolic {
            let n = system.unknowns();
            let pattern =
                SymbolicSparseColMatRef::new_checked(n, n, &system.col_ptr, None, &system.row_idx);
            let matrix = SparseColMatRef::new(pattern, &ws.values);
            let stack = MemStack::new(&mut ws.stack);
            symbolic
                .factorize_numeric_llt(
                    &mut ws.factor,
                    matrix,
                    Side::Upper,
                    LltRegularization::default(),
                    Par::Seq,
                    stack,
                    Default::default(),
                )
                .map_err(|_| EnergyError::NotPositiveDefinite { step })?;
            let llt = LltRef::new(symbolic, &ws.factor);
            let stack = MemStack::new(&mut ws.stack);
            llt.solve_in_place_with_conj(
                Conj::No,
                ColMut::from_slice_mut(&mut ws.rhs).as_mat_mut(),
                Par::Seq,
                stack,
            );
        }
        for (c, y) in ws.y.iter_mut().enumerate() {
            let k = system.unknown_of_cell[c];
            *y = if k == NONE { 0.0 } else { ws.rhs[k as usize] };
        }
        // On a grounded region the potential is defined up to a constant; the zero-mean
        // representative is the gradient tangent to the conserved-mass constraint.
        for region in &system.grounded {
            let mean =
                region.cells.iter().map(|&c| ws.y[c]).sum::<f64>() / region.cells.len() as f64;
            for &c in &region.cells {
                ws.y[c] -= mean;
            }
        }
        let energy: f64 = ws.b.iter().zip(&ws.y).map(|(b, y)| b * y).sum();

        grid.divergence_transpose(&ws.y, &mut ws.dty)?;
        let flow = if want_flow {
            Some(self.flow(ws, inverse_tau)?)
        } else {
            None
        };

        // ∂J/∂u_f = −(Dᵀy)_f², carried back to the step density.
        for d in ws.dty.iter_mut() {
            *d = -*d * *d;
        }
        ws.grad_density.fill(0.0);
        grid.face_weights_adjoint(&ws.dty, &mut ws.grad_density)?;
        if let Some(inv_tau) = inverse_tau {
            for (g, &y) in ws.grad_density.iter_mut().zip(&ws.y) {
                *g -= y * y * inv_tau;
            }
        }
        for ((gs, ge), &y) in grad_start.iter_mut().zip(grad_end.iter_mut()).zip(&ws.y) {
            *gs = 2.0 * y;
            *ge = -2.0 * y;
        }
        self.config
            .time_weights
            .step_density_adjoint(&ws.grad_density, grad_start, grad_end);
        Ok((energy, flow))
    }

    /// Checks mass conservation of `b = ρ_t − ρ_{t+1}` on every grounded region and removes
    /// the tolerated imbalance, so the reduced system is solved exactly.
    fn project_onto_conserved(
        &self,
        step: usize,
        start: &[f64],
        end: &[f64],
        b: &mut [f64],
    ) -> Result<(), EnergyError> {
        for region in &self.system.grounded {
            let imbalance: f64 = region.cells.iter().map(|&c| b[c]).sum();
            let mass: f64 = region
                .cells
                .iter()
                .map(|&c| 0.5 * (start[c] + end[c]))
                .sum();
            let tolerance = self.config.mass_tolerance;
            if imbalance.abs() > tolerance * mass {
                return Err(EnergyError::MassNotConserved {
                    step,
                    region: region.index,
                    cells: region.cells.len(),
                    imbalance,
                    mass,
                    tolerance,
                    boundary: self.grid.boundary(),
                });
            }
            let shift = imbalance / region.cells.len() as f64;
            for &c in &region.cells {
                b[c] -= shift;
            }
        }
        Ok(())
    }

    /// Momentum `m = diag(u) Dᵀ y`, source `ζ = −diag(ρ̄/τ) y` (mass created during the step),
    /// and the relative residual of the continuity equation `D m − ζ = ρ_t − ρ_{t+1}`.
    fn flow(&self, ws: &Workspace, inverse_tau: Option<f64>) -> Result<StepFlow, EnergyError> {
        let grid = self.grid;
        let kept: Vec<f64> = ws.u.iter().zip(&ws.dty).map(|(u, d)| u * d).collect();
        let mut momentum = vec![0.0; grid.face_layout().len()];
        grid.scatter_faces(&kept, &mut momentum)?;
        let mut source = vec![0.0; grid.cells()];
        if let Some(inv_tau) = inverse_tau {
            for ((s, &rho), &y) in source.iter_mut().zip(&ws.density).zip(&ws.y) {
                *s = -rho * inv_tau * y;
            }
        }
        let mut divergence = vec![0.0; grid.cells()];
        grid.divergence(&kept, &mut divergence)?;
        let (mut residual, mut norm) = (0.0, 0.0);
        for c in (0..grid.cells()).filter(|&c| !grid.is_obstacle(c)) {
            residual += (divergence[c] - source[c] - ws.b[c]).powi(2);
            norm += ws.b[c].powi(2);
        }
        let residual = if norm > 0.0 {
            (residual / norm).sqrt()
        } else {
            residual.sqrt()
        };
        Ok(StepFlow {
            momentum,
            source,
            residual,
        })
    }
}
