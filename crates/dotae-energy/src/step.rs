//! A group of up to [`LANES`] time steps: `J_t = b_tᵀ A_t⁻¹ b_t` and its gradient with respect
//! to both frames of each step. The steps' systems are factorised together, one per lane.

use dotae_grid::Grid;

use crate::cholesky::LANES;
use crate::system::{NONE, StepSystem};
use crate::workspace::Workspace;
use crate::{EnergyError, PathEnergyConfig};

/// One step to solve: its index in the path, its two frames, and where its gradients go
/// (`∂J_t/∂ρ_t` then `∂J_t/∂ρ_{t+1}`, one cell field each).
pub(crate) struct StepInput<'a> {
    pub(crate) step: usize,
    pub(crate) start: &'a [f64],
    pub(crate) end: &'a [f64],
    pub(crate) grads: &'a mut [f64],
}

/// Flow of one step on the full face layout, with the source term of the unbalanced variant.
pub(crate) struct StepFlow {
    pub(crate) momentum: Vec<f64>,
    pub(crate) source: Vec<f64>,
    pub(crate) residual: f64,
}

pub(crate) type StepResult = Result<(f64, Option<StepFlow>), EnergyError>;

pub(crate) struct StepProblem<'a> {
    pub(crate) grid: &'a Grid,
    pub(crate) system: &'a StepSystem,
    pub(crate) config: &'a PathEnergyConfig,
}

impl StepProblem<'_> {
    /// Solves up to [`LANES`] steps at once.
    pub(crate) fn solve_group(
        &self,
        steps: &mut [StepInput<'_>],
        ws: &mut Workspace,
        want_flow: bool,
    ) -> Vec<StepResult> {
        let (cells, faces) = (self.grid.cells(), self.grid.faces().len());
        let mut assembled: Vec<Result<(), EnergyError>> = Vec::with_capacity(LANES);
        for lane in 0..LANES {
            let result = match steps.get(lane) {
                Some(input) => self.assemble(lane, input, ws, cells, faces),
                None => Ok(()),
            };
            if result.is_err() || lane >= steps.len() {
                self.assemble_identity(lane, ws);
            }
            assembled.push(result);
        }
        let chol = &self.system.cholesky;
        let positive = chol.factorize(&ws.values, &mut ws.factor, &mut ws.work);
        chol.solve_in_place(&ws.factor, &mut ws.rhs);
        steps
            .iter_mut()
            .enumerate()
            .zip(assembled)
            .map(|((lane, input), assembled)| {
                assembled?;
                if !positive[lane] {
                    return Err(EnergyError::NotPositiveDefinite { step: input.step });
                }
                self.finish(lane, input, ws, cells, faces, want_flow)
            })
            .collect()
    }

    /// Step density, face weights and right-hand side of one step, written into `lane`.
    fn assemble(
        &self,
        lane: usize,
        input: &StepInput<'_>,
        ws: &mut Workspace,
        cells: usize,
        faces: usize,
    ) -> Result<(), EnergyError> {
        let system = self.system;
        let density = &mut ws.density[lane * cells..(lane + 1) * cells];
        let u = &mut ws.u[lane * faces..(lane + 1) * faces];
        let b = &mut ws.b[lane * cells..(lane + 1) * cells];
        self.config
            .time_weights
            .step_density(input.start, input.end, density);
        self.grid.face_weights(density, u)?;
        for ((b, &s), &e) in b.iter_mut().zip(input.start).zip(input.end) {
            *b = s - e;
        }
        self.project_onto_conserved(input.step, input.start, input.end, b)?;

        for v in ws.values.iter_mut() {
            v[lane] = 0.0;
        }
        for (slots, &w) in system.face_slots.iter().zip(u.iter()) {
            let [lo, hi, off] = *slots;
            if lo != NONE {
                ws.values[lo as usize][lane] += w;
            }
            if hi != NONE {
                ws.values[hi as usize][lane] += w;
            }
            if off != NONE {
                ws.values[off as usize][lane] -= w;
            }
        }
        if let Some(inv_tau) = self.config.inverse_tau() {
            for (&slot, &cell) in system.diagonal_slot.iter().zip(&system.cell_of_unknown) {
                ws.values[slot as usize][lane] += density[cell] * inv_tau;
            }
        }
        for (r, &cell) in ws.rhs.iter_mut().zip(&system.cell_of_unknown) {
            r[lane] = b[cell];
        }
        Ok(())
    }

    /// An identity system in an unused or failed lane, so the group still factorises.
    fn assemble_identity(&self, lane: usize, ws: &mut Workspace) {
        for v in ws.values.iter_mut() {
            v[lane] = 0.0;
        }
        for &slot in &self.system.diagonal_slot {
            ws.values[slot as usize][lane] = 1.0;
        }
        for r in ws.rhs.iter_mut() {
            r[lane] = 0.0;
        }
    }

    /// Energy, gradients and (on request) flow of the step in `lane`, from its solution.
    fn finish(
        &self,
        lane: usize,
        input: &mut StepInput<'_>,
        ws: &mut Workspace,
        cells: usize,
        faces: usize,
        want_flow: bool,
    ) -> StepResult {
        let (grid, system) = (self.grid, self.system);
        let inverse_tau = self.config.inverse_tau();
        for (c, y) in ws.y.iter_mut().enumerate() {
            let k = system.unknown_of_cell[c];
            *y = if k == NONE {
                0.0
            } else {
                ws.rhs[k as usize][lane]
            };
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
        let density = &ws.density[lane * cells..(lane + 1) * cells];
        let u = &ws.u[lane * faces..(lane + 1) * faces];
        let b = &ws.b[lane * cells..(lane + 1) * cells];
        let energy: f64 = b.iter().zip(&ws.y).map(|(b, y)| b * y).sum();

        grid.divergence_transpose(&ws.y, &mut ws.dty)?;
        let flow = if want_flow {
            Some(self.flow(density, u, b, &ws.y, &ws.dty, inverse_tau)?)
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
        let (grad_start, grad_end) = input.grads.split_at_mut(cells);
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
    fn flow(
        &self,
        density: &[f64],
        u: &[f64],
        b: &[f64],
        y: &[f64],
        dty: &[f64],
        inverse_tau: Option<f64>,
    ) -> Result<StepFlow, EnergyError> {
        let grid = self.grid;
        let kept: Vec<f64> = u.iter().zip(dty).map(|(u, d)| u * d).collect();
        let mut momentum = vec![0.0; grid.face_layout().len()];
        grid.scatter_faces(&kept, &mut momentum)?;
        let mut source = vec![0.0; grid.cells()];
        if let Some(inv_tau) = inverse_tau {
            for ((s, &rho), &y) in source.iter_mut().zip(density).zip(y) {
                *s = -rho * inv_tau * y;
            }
        }
        let mut divergence = vec![0.0; grid.cells()];
        grid.divergence(&kept, &mut divergence)?;
        let (mut residual, mut norm) = (0.0, 0.0);
        for c in (0..grid.cells()).filter(|&c| !grid.is_obstacle(c)) {
            residual += (divergence[c] - source[c] - b[c]).powi(2);
            norm += b[c].powi(2);
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
