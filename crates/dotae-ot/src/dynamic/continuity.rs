//! The projection onto the continuity equation with its boundary conditions.
//!
//! The constraint set `C` of the staggered variables: `f_0` = source, `f_T` = target, zero
//! density on obstacle cells, zero flux on removed faces (image border, obstacles), and on
//! every step `t` and free cell `T (f_{t+1} − f_t) + (D m_t) = 0` (time step `1/T`, cell size
//! 1, dotae-grid's divergence `D`). The fixed values are set directly; the free values are
//! moved by `Aᵀλ`, where `A` is the continuity operator on them and `A Aᵀ λ = −A U` is the
//! space-time Poisson equation of [`SpaceTimePoisson`].

use dotae_grid::Grid;
use ndarray::{Array2, Array3, Axis, Zip, s};

use super::poisson::SpaceTimePoisson;
use super::staggered::{SpaceTime, Staggered};
use crate::OtError;

/// The orthogonal projection onto `C`, with its scratch space.
#[derive(Debug)]
pub(crate) struct ContinuityProjection {
    size: SpaceTime,
    source: Array2<f64>,
    target: Array2<f64>,
    free_cell: Array2<bool>,
    /// Whether each vertical-flux face `(rows + 1, cols)` carries flux.
    vertical_kept: Array2<bool>,
    /// Whether each horizontal-flux face `(rows, cols + 1)` carries flux.
    horizontal_kept: Array2<bool>,
    poisson: SpaceTimePoisson,
    multiplier: Array3<f64>,
}

impl ContinuityProjection {
    /// The projection for paths from `source` to `target` (already scaled and checked) in
    /// `steps` steps on `grid` (Neumann border).
    pub fn new(
        grid: &Grid,
        steps: usize,
        source: Array2<f64>,
        target: Array2<f64>,
    ) -> Result<Self, OtError> {
        let (rows, cols) = (grid.rows(), grid.cols());
        let layout = grid.face_layout();
        let mut kept = vec![false; layout.len()];
        for face in grid.faces() {
            kept[face.index] = true;
        }
        let vertical_kept =
            Array2::from_shape_fn((rows + 1, cols), |(i, j)| kept[layout.vertical(i, j)]);
        let horizontal_kept =
            Array2::from_shape_fn((rows, cols + 1), |(i, j)| kept[layout.horizontal(i, j)]);
        Ok(Self {
            size: SpaceTime { steps, rows, cols },
            source,
            target,
            free_cell: grid.obstacle_mask().mapv(|o| !o),
            vertical_kept,
            horizontal_kept,
            poisson: SpaceTimePoisson::new(grid, steps)?,
            multiplier: Array3::zeros((steps, rows, cols)),
        })
    }

    /// Projects `u` onto `C` in place.
    pub fn project(&mut self, u: &mut Staggered) {
        let steps = self.size.steps;
        u.density.index_axis_mut(Axis(0), 0).assign(&self.source);
        u.density
            .index_axis_mut(Axis(0), steps)
            .assign(&self.target);
        for mut level in u.density.outer_iter_mut() {
            Zip::from(&mut level)
                .and(&self.free_cell)
                .for_each(|f, &free| *f = if free { *f } else { 0.0 });
        }
        mask(&mut u.vertical, &self.vertical_kept);
        mask(&mut u.horizontal, &self.horizontal_kept);

        continuity_residual(u, &mut self.multiplier);
        self.multiplier.mapv_inplace(|r| -r);
        self.poisson.solve_in_place(&mut self.multiplier);
        let lambda = &self.multiplier;

        // f_s += T (λ_{s−1} − λ_s) for the interior levels.
        let weight = steps as f64;
        Zip::from(u.density.slice_mut(s![1..steps, .., ..]))
            .and(lambda.slice(s![..steps - 1, .., ..]))
            .and(lambda.slice(s![1.., .., ..]))
            .for_each(|f, &before, &after| *f += weight * (before - after));
        // m += Dᵀλ = λ_lo − λ_hi on kept faces (border faces are never kept).
        let rows = self.size.rows;
        let cols = self.size.cols;
        for t in 0..steps {
            let l = lambda.index_axis(Axis(0), t);
            let mut vertical = u.vertical.index_axis_mut(Axis(0), t);
            Zip::from(vertical.slice_mut(s![1..rows, ..]))
                .and(self.vertical_kept.slice(s![1..rows, ..]))
                .and(l.slice(s![..rows - 1, ..]))
                .and(l.slice(s![1.., ..]))
                .for_each(|m, &kept, &lo, &hi| {
                    if kept {
                        *m += lo - hi;
                    }
                });
            let mut horizontal = u.horizontal.index_axis_mut(Axis(0), t);
            Zip::from(horizontal.slice_mut(s![.., 1..cols]))
                .and(self.horizontal_kept.slice(s![.., 1..cols]))
                .and(l.slice(s![.., ..cols - 1]))
                .and(l.slice(s![.., 1..]))
                .for_each(|m, &kept, &lo, &hi| {
                    if kept {
                        *m += lo - hi;
                    }
                });
        }
    }
}

fn mask(flux: &mut Array3<f64>, kept: &Array2<bool>) {
    for mut plane in flux.outer_iter_mut() {
        Zip::from(&mut plane)
            .and(kept)
            .for_each(|m, &k| *m = if k { *m } else { 0.0 });
    }
}

/// `out_t = T (f_{t+1} − f_t) + D m_t` for every step and cell: zero when `u` satisfies the
/// continuity equation.
pub(crate) fn continuity_residual(u: &Staggered, out: &mut Array3<f64>) {
    let steps = out.len_of(Axis(0));
    let weight = steps as f64;
    let (_, rows, cols) = out.dim();
    Zip::from(&mut *out)
        .and(u.density.slice(s![1.., .., ..]))
        .and(u.density.slice(s![..steps, .., ..]))
        .and(u.vertical.slice(s![.., 1.., ..]))
        .and(u.vertical.slice(s![.., ..rows, ..]))
        .and(u.horizontal.slice(s![.., .., 1..]))
        .for_each(|o, &next, &now, &down, &up, &right| {
            *o = weight * (next - now) + down - up + right;
        });
    Zip::from(&mut *out)
        .and(u.horizontal.slice(s![.., .., ..cols]))
        .for_each(|o, &left| *o -= left);
}

#[cfg(test)]
mod tests {
    use dotae_grid::Boundary;

    use super::*;

    /// Uniform in [0, 1).
    fn pseudo_random(shape: (usize, usize, usize), seed: u64) -> Array3<f64> {
        crate::dynamic::test_values(shape, seed) + 0.5
    }

    #[test]
    fn projection_satisfies_the_constraints_and_is_idempotent() {
        let mut mask = Array2::from_elem((5, 6), false);
        mask[[1, 2]] = true;
        mask[[3, 4]] = true;
        let obstacles = Grid::with_obstacles(5, 6, Boundary::Neumann, mask.view()).unwrap();
        let open = Grid::new(5, 6, Boundary::Neumann).unwrap();
        for (grid, steps) in [(&open, 1), (&open, 4), (&obstacles, 3)] {
            let free = grid.obstacle_mask().mapv(|o| if o { 0.0 } else { 1.0 });
            let normalised = |image: Array2<f64>| {
                let image = image * &free;
                let total = image.sum();
                image / total
            };
            let source = normalised(pseudo_random((1, 5, 6), 1).index_axis_move(Axis(0), 0));
            let target = normalised(pseudo_random((1, 5, 6), 2).index_axis_move(Axis(0), 0));
            let mut projection =
                ContinuityProjection::new(grid, steps, source.clone(), target.clone()).unwrap();
            let size = SpaceTime {
                steps,
                rows: 5,
                cols: 6,
            };
            let mut u = Staggered::zeros(size);
            u.density = pseudo_random(u.density.dim(), 3);
            u.vertical = pseudo_random(u.vertical.dim(), 4) - 0.5;
            u.horizontal = pseudo_random(u.horizontal.dim(), 5) - 0.5;
            projection.project(&mut u);

            let mut residual = Array3::zeros((steps, 5, 6));
            continuity_residual(&u, &mut residual);
            assert!(residual.iter().all(|r| r.abs() < 1e-12), "{residual}");
            assert_eq!(u.density.index_axis(Axis(0), 0), source);
            assert_eq!(u.density.index_axis(Axis(0), steps), target);
            let kept: Vec<usize> = grid.faces().iter().map(|f| f.index).collect();
            let layout = grid.face_layout();
            for t in 0..steps {
                let mut full = u
                    .vertical
                    .index_axis(Axis(0), t)
                    .iter()
                    .copied()
                    .collect::<Vec<_>>();
                full.extend(u.horizontal.index_axis(Axis(0), t).iter().copied());
                assert_eq!(full.len(), layout.len());
                for (index, value) in full.iter().enumerate() {
                    if !kept.contains(&index) {
                        assert_eq!(*value, 0.0, "removed face {index} carries flux");
                    }
                }
            }
            let once = u.clone();
            projection.project(&mut u);
            let moved = (&u.density - &once.density)
                .iter()
                .chain((&u.vertical - &once.vertical).iter())
                .fold(0.0f64, |m, v| m.max(v.abs()));
            assert!(moved < 1e-12, "projecting twice moved {moved}");
        }
    }
}
