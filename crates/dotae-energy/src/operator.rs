use dotae_grid::{Boundary, Grid};
use ndarray::{Array3, ArrayView3, ArrayView4, Axis};
use rayon::prelude::*;

use crate::cholesky::LANES;
use crate::frames::{PreparedPath, floor_adjoint, prepare, rescale_adjoint};
use crate::output::{Flow, PathEnergyOutput, Request};
use crate::step::{StepFlow, StepInput, StepProblem, StepResult};
use crate::system::StepSystem;
use crate::workspace::WorkspacePool;
use crate::{EnergyError, PathEnergyConfig, Variant};

/// The discrete path energy `J(ρ) = Σ_t (ρ_t − ρ_{t+1})ᵀ A_t⁻¹ (ρ_t − ρ_{t+1})` on one grid.
///
/// Building the operator analyses the sparsity pattern once (fill-reducing ordering and
/// elimination tree); every evaluation then runs only numeric factorisations, in parallel
/// over paths and steps, with scratch space reused across calls.
#[derive(Debug)]
pub struct PathEnergy {
    grid: Grid,
    config: PathEnergyConfig,
    system: StepSystem,
    pool: WorkspacePool,
}

impl PathEnergy {
    /// An operator for paths on `grid`, measured as `config` says.
    pub fn new(grid: Grid, config: PathEnergyConfig) -> Result<Self, EnergyError> {
        config.validate()?;
        let ground = matches!(config.variant, Variant::Balanced);
        let system = StepSystem::new(&grid, ground)?;
        let pool = WorkspacePool::new(grid.cells(), grid.faces().len());
        Ok(Self {
            grid,
            config,
            system,
            pool,
        })
    }

    /// The common case: balanced energy, Dirichlet boundary, midpoint weights, frames
    /// rescaled to unit mass, on an `rows × cols` grid.
    pub fn unit_mass(rows: usize, cols: usize) -> Result<Self, EnergyError> {
        Self::new(
            Grid::new(rows, cols, Boundary::Dirichlet)?,
            PathEnergyConfig::default().normalized(1.0),
        )
    }

    /// The grid the paths' frames live on.
    pub fn grid(&self) -> &Grid {
        &self.grid
    }

    /// How paths are measured.
    pub fn config(&self) -> &PathEnergyConfig {
        &self.config
    }

    /// Number of unknowns of each step's linear system.
    pub fn unknowns(&self) -> usize {
        self.system.unknowns()
    }

    /// Number of stored values in each step's Cholesky factor (a measure of fill-in).
    pub fn factor_nonzeros(&self) -> usize {
        self.system.cholesky.factor_len()
    }

    /// `J` of a path of shape `(T + 1, rows, cols)`.
    pub fn energy(&self, path: ArrayView3<'_, f64>) -> Result<f64, EnergyError> {
        Ok(self.evaluate(path, Request::ENERGY)?.energy)
    }

    /// `J` and `∂J/∂ρ` of a path of shape `(T + 1, rows, cols)`.
    pub fn energy_and_gradient(
        &self,
        path: ArrayView3<'_, f64>,
    ) -> Result<(f64, Array3<f64>), EnergyError> {
        let out = self.evaluate(path, Request::GRADIENT)?;
        let gradient = out.gradient.unwrap_or_default();
        Ok((out.energy, gradient))
    }

    /// Energy, per-step energies and whatever `request` asks for, for one path.
    pub fn evaluate(
        &self,
        path: ArrayView3<'_, f64>,
        request: Request,
    ) -> Result<PathEnergyOutput, EnergyError> {
        let mut outputs = self.evaluate_many(&[path], request).map_err(|e| match e {
            EnergyError::InPath { source, .. } => *source,
            other => other,
        })?;
        Ok(outputs.remove(0))
    }

    /// A batch of paths of shape `(P, T + 1, rows, cols)`.
    pub fn evaluate_batch(
        &self,
        paths: ArrayView4<'_, f64>,
        request: Request,
    ) -> Result<Vec<PathEnergyOutput>, EnergyError> {
        let views: Vec<ArrayView3<'_, f64>> = paths.outer_iter().collect();
        self.evaluate_many(&views, request)
    }

    /// Many paths, each `(T_p + 1, rows, cols)` with its own number of steps; any strides (a
    /// channel of a colour path is a valid view). All steps of all paths are solved in parallel.
    pub fn evaluate_many(
        &self,
        paths: &[ArrayView3<'_, f64>],
        request: Request,
    ) -> Result<Vec<PathEnergyOutput>, EnergyError> {
        let prepared: Vec<PreparedPath> = paths
            .par_iter()
            .enumerate()
            .map(|(p, path)| {
                prepare(
                    &self.grid,
                    path.view(),
                    self.config.mass,
                    self.config.floor_rule(),
                )
                .map_err(|e| EnergyError::InPath {
                    path: p,
                    source: Box::new(e),
                })
            })
            .collect::<Result<_, _>>()?;

        let cells = self.grid.cells();
        // Task k is step `t` of path `p`; its gradient pair lives in `step_grads[k]`.
        let tasks: Vec<(usize, usize)> = prepared
            .iter()
            .enumerate()
            .flat_map(|(p, path)| (0..path.frames - 1).map(move |t| (p, t)))
            .collect();
        let mut step_grads = vec![0.0; tasks.len() * 2 * cells];
        let problem = StepProblem {
            grid: &self.grid,
            system: &self.system,
            config: &self.config,
        };
        // Steps are solved in groups of LANES, one factorisation per group.
        let solved: Vec<Vec<StepResult>> = step_grads
            .par_chunks_mut(LANES * 2 * cells)
            .zip(tasks.par_chunks(LANES))
            .map_init(
                || self.pool.checkout(&self.system),
                |ws, (grads, group)| {
                    let mut inputs: Vec<StepInput<'_>> = grads
                        .chunks_mut(2 * cells)
                        .zip(group)
                        .map(|(grads, &(p, t))| {
                            let frames = &prepared[p].values;
                            StepInput {
                                step: t,
                                start: &frames[t * cells..(t + 1) * cells],
                                end: &frames[(t + 1) * cells..(t + 2) * cells],
                                grads,
                            }
                        })
                        .collect();
                    problem.solve_group(&mut inputs, ws, request.flow)
                },
            )
            .collect();
        let solved: Vec<(f64, Option<StepFlow>)> = solved
            .into_iter()
            .flatten()
            .zip(&tasks)
            .map(|(result, &(p, _))| {
                result.map_err(|e| EnergyError::InPath {
                    path: p,
                    source: Box::new(e),
                })
            })
            .collect::<Result<_, _>>()?;
        let mut solved = solved.into_iter().zip(step_grads.chunks_exact(2 * cells));
        let mut outputs = Vec::with_capacity(prepared.len());
        for path in &prepared {
            let steps = path.frames - 1;
            let mut per_step = Vec::with_capacity(steps);
            let mut flows = Vec::with_capacity(if request.flow { steps } else { 0 });
            let mut gradient = request.gradient.then(|| vec![0.0; path.frames * cells]);
            for ((energy, flow), grads) in solved.by_ref().take(steps) {
                let t = per_step.len();
                per_step.push(energy);
                flows.extend(flow);
                if let Some(g) = gradient.as_mut() {
                    let (start, end) = grads.split_at(cells);
                    accumulate(&mut g[t * cells..(t + 1) * cells], start);
                    accumulate(&mut g[(t + 1) * cells..(t + 2) * cells], end);
                }
            }
            let gradient = gradient
                .map(|g| self.to_raw_gradient(path, g))
                .transpose()?;
            let flow = request.flow.then(|| self.stack_flows(flows)).transpose()?;
            outputs.push(PathEnergyOutput {
                energy: per_step.iter().sum(),
                per_step,
                gradient,
                flow,
            });
        }
        Ok(outputs)
    }

    /// Chains a gradient with respect to the prepared frames back to the frames as given.
    fn to_raw_gradient(
        &self,
        path: &PreparedPath,
        mut g: Vec<f64>,
    ) -> Result<Array3<f64>, EnergyError> {
        let cells = self.grid.cells();
        let obstacle = self.grid.obstacle_flags();
        match (&path.raw_mass, self.config.mass) {
            (Some(raw), Some(target)) => {
                for ((grad, frame), &mass) in g
                    .chunks_exact_mut(cells)
                    .zip(path.values.chunks_exact(cells))
                    .zip(raw)
                {
                    rescale_adjoint(grad, frame, target, mass, obstacle);
                }
            }
            _ => {
                for grad in g.chunks_exact_mut(cells) {
                    for (v, &blocked) in grad.iter_mut().zip(obstacle) {
                        if blocked {
                            *v = 0.0;
                        }
                    }
                }
            }
        }
        if !path.floored.is_empty() {
            for (grad, floored) in g
                .chunks_exact_mut(cells)
                .zip(path.floored.chunks_exact(cells))
            {
                floor_adjoint(grad, floored, path.floor_slope, obstacle);
            }
        }
        Array3::from_shape_vec((path.frames, self.grid.rows(), self.grid.cols()), g)
            .map_err(|e| shape_bug(&e))
    }

    fn stack_flows(&self, flows: Vec<StepFlow>) -> Result<Flow, EnergyError> {
        let (rows, cols) = (self.grid.rows(), self.grid.cols());
        let steps = flows.len();
        let layout = self.grid.face_layout();
        let mut vertical = Vec::with_capacity(steps * layout.vertical_len());
        let mut horizontal = Vec::with_capacity(steps * layout.horizontal_len());
        let mut source = Vec::with_capacity(steps * rows * cols);
        let mut residual = Vec::with_capacity(steps);
        for flow in flows {
            let (v, h) = flow.momentum.split_at(layout.vertical_len());
            vertical.extend_from_slice(v);
            horizontal.extend_from_slice(h);
            source.extend_from_slice(&flow.source);
            residual.push(flow.residual);
        }
        Ok(Flow {
            vertical: Array3::from_shape_vec((steps, rows + 1, cols), vertical)
                .map_err(|e| shape_bug(&e))?,
            horizontal: Array3::from_shape_vec((steps, rows, cols + 1), horizontal)
                .map_err(|e| shape_bug(&e))?,
            source: Array3::from_shape_vec((steps, rows, cols), source)
                .map_err(|e| shape_bug(&e))?,
            residual,
        })
    }
}

fn accumulate(into: &mut [f64], from: &[f64]) {
    for (a, &b) in into.iter_mut().zip(from) {
        *a += b;
    }
}

fn shape_bug(e: &ndarray::ShapeError) -> EnergyError {
    EnergyError::Internal {
        reason: format!("output shape: {e}"),
    }
}

/// Energies of the channels of a colour path add: a path of shape `(T + 1, C, rows, cols)`
/// becomes `C` density paths.
/// Pass them all to [`PathEnergy::evaluate_many`] and add the energies.
pub fn channel_paths<'a>(path: ArrayView4<'a, f64>) -> Vec<ArrayView3<'a, f64>> {
    (0..path.len_of(Axis(1)))
        .map(|c| path.index_axis_move(Axis(1), c))
        .collect()
}
