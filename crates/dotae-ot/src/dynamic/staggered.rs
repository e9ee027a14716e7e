//! The space-time variables of the splitting and the interpolation between its two grids.
//!
//! *Staggered* variables `U` live where the continuity equation is exact: densities `f` on the
//! `T + 1` time levels at cell centres, vertical flux `m¹` on vertical-flux faces and
//! horizontal flux `m²` on horizontal-flux faces, both at the `T` time midpoints (dotae-grid's
//! face layout, one plane per step). *Centred* variables `V` live at cell centres and time
//! midpoints, where the kinetic energy is pointwise. `I` maps `U` to `V` by averaging the two
//! neighbours along the variable's staggered axis.

use ndarray::{Array2, Array3, Axis, Zip};

/// The size of a space-time problem: `steps` time steps on a `rows × cols` image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SpaceTime {
    pub steps: usize,
    pub rows: usize,
    pub cols: usize,
}

/// Densities on time levels, fluxes on faces at time midpoints.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Staggered {
    /// `(T + 1, rows, cols)`.
    pub density: Array3<f64>,
    /// `(T, rows + 1, cols)`.
    pub vertical: Array3<f64>,
    /// `(T, rows, cols + 1)`.
    pub horizontal: Array3<f64>,
}

/// Densities and fluxes at cell centres and time midpoints, each `(T, rows, cols)`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Centred {
    pub density: Array3<f64>,
    pub vertical: Array3<f64>,
    pub horizontal: Array3<f64>,
}

/// A point of the splitting's product space `(U, V)`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Point {
    pub staggered: Staggered,
    pub centred: Centred,
}

impl Staggered {
    pub fn zeros(size: SpaceTime) -> Self {
        let SpaceTime { steps, rows, cols } = size;
        Self {
            density: Array3::zeros((steps + 1, rows, cols)),
            vertical: Array3::zeros((steps, rows + 1, cols)),
            horizontal: Array3::zeros((steps, rows, cols + 1)),
        }
    }
}

impl Centred {
    pub fn zeros(size: SpaceTime) -> Self {
        let shape = (size.steps, size.rows, size.cols);
        Self {
            density: Array3::zeros(shape),
            vertical: Array3::zeros(shape),
            horizontal: Array3::zeros(shape),
        }
    }
}

impl Point {
    pub fn zeros(size: SpaceTime) -> Self {
        Self {
            staggered: Staggered::zeros(size),
            centred: Centred::zeros(size),
        }
    }

    fn parts(&self) -> [&Array3<f64>; 6] {
        let (u, v) = (&self.staggered, &self.centred);
        [
            &u.density,
            &u.vertical,
            &u.horizontal,
            &v.density,
            &v.vertical,
            &v.horizontal,
        ]
    }

    fn parts_mut(&mut self) -> [&mut Array3<f64>; 6] {
        let (u, v) = (&mut self.staggered, &mut self.centred);
        [
            &mut u.density,
            &mut u.vertical,
            &mut u.horizontal,
            &mut v.density,
            &mut v.vertical,
            &mut v.horizontal,
        ]
    }

    /// `self = a·x + b·y`.
    pub fn assign_combination(&mut self, a: f64, x: &Point, b: f64, y: &Point) {
        for ((out, x), y) in self.parts_mut().into_iter().zip(x.parts()).zip(y.parts()) {
            Zip::from(out)
                .and(x)
                .and(y)
                .for_each(|o, &x, &y| *o = a * x + b * y);
        }
    }

    /// `self += a·(x − y)`.
    pub fn add_scaled_difference(&mut self, a: f64, x: &Point, y: &Point) {
        for ((out, x), y) in self.parts_mut().into_iter().zip(x.parts()).zip(y.parts()) {
            Zip::from(out)
                .and(x)
                .and(y)
                .for_each(|o, &x, &y| *o += a * (x - y));
        }
    }

    /// `‖self‖²`, the Euclidean norm of every variable.
    pub fn norm_squared(&self) -> f64 {
        self.parts()
            .into_iter()
            .map(|p| p.iter().map(|v| v * v).sum::<f64>())
            .sum()
    }

    /// `‖self − other‖²`.
    pub fn distance_squared(&self, other: &Point) -> f64 {
        self.parts()
            .into_iter()
            .zip(other.parts())
            .map(|(a, b)| a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f64>())
            .sum()
    }
}

/// `V = I U`: each centred value is the mean of its two staggered neighbours.
pub(crate) fn interpolate(u: &Staggered, v: &mut Centred) {
    average_pairs(&u.density, Axis(0), &mut v.density);
    average_pairs(&u.vertical, Axis(1), &mut v.vertical);
    average_pairs(&u.horizontal, Axis(2), &mut v.horizontal);
}

fn average_pairs(staggered: &Array3<f64>, axis: Axis, centred: &mut Array3<f64>) {
    let n = staggered.len_of(axis);
    let lower = staggered.slice_axis(axis, (0..n - 1).into());
    let upper = staggered.slice_axis(axis, (1..n).into());
    Zip::from(centred)
        .and(lower)
        .and(upper)
        .for_each(|c, &a, &b| *c = 0.5 * (a + b));
}

/// `U += Iᵀ V`: the adjoint of [`interpolate`] spreads each centred value half to each
/// neighbour.
fn add_interpolate_adjoint(v: &Centred, u: &mut Staggered) {
    spread_pairs(&v.density, Axis(0), &mut u.density);
    spread_pairs(&v.vertical, Axis(1), &mut u.vertical);
    spread_pairs(&v.horizontal, Axis(2), &mut u.horizontal);
}

fn spread_pairs(centred: &Array3<f64>, axis: Axis, staggered: &mut Array3<f64>) {
    let n = staggered.len_of(axis);
    Zip::from(staggered.slice_axis_mut(axis, (0..n - 1).into()))
        .and(centred)
        .for_each(|s, &c| *s += 0.5 * c);
    Zip::from(staggered.slice_axis_mut(axis, (1..n).into()))
        .and(centred)
        .for_each(|s, &c| *s += 0.5 * c);
}

/// The symmetric tridiagonal matrix `Id + IᵀI` of one axis of `n + 1` staggered points,
/// factorised once (Thomas algorithm): diagonal `5/4` at the ends and `3/2` inside,
/// off-diagonal `1/4`.
#[derive(Debug, Clone)]
struct Tridiagonal {
    /// `c'_i` of the forward sweep.
    upper: Vec<f64>,
    /// `1 / (b_i − a c'_{i−1})`.
    inverse_pivot: Vec<f64>,
}

const OFF_DIAGONAL: f64 = 0.25;

impl Tridiagonal {
    fn new(points: usize) -> Self {
        let diagonal = |i: usize| if i == 0 || i + 1 == points { 1.25 } else { 1.5 };
        let mut upper = Vec::with_capacity(points);
        let mut inverse_pivot = Vec::with_capacity(points);
        let mut previous = 0.0;
        for i in 0..points {
            // Pivots stay >= 1 because the matrix is the identity plus a positive
            // semi-definite one, so no division by zero can occur.
            let inverse = 1.0 / (diagonal(i) - OFF_DIAGONAL * previous);
            previous = OFF_DIAGONAL * inverse;
            upper.push(previous);
            inverse_pivot.push(inverse);
        }
        Self {
            upper,
            inverse_pivot,
        }
    }

    /// Solves along `axis` for every line at once, sweeping whole hyperplanes so the inner
    /// loops run over contiguous memory.
    fn solve_along(&self, array: &mut Array3<f64>, axis: Axis) {
        let n = array.len_of(axis);
        array
            .index_axis_mut(axis, 0)
            .mapv_inplace(|x| x * self.inverse_pivot[0]);
        for i in 1..n {
            let (before, mut after) = array.view_mut().split_at(axis, i);
            let previous = before.index_axis(axis, i - 1);
            let inverse = self.inverse_pivot[i];
            Zip::from(after.index_axis_mut(axis, 0))
                .and(previous)
                .for_each(|x, &p| *x = (*x - OFF_DIAGONAL * p) * inverse);
        }
        for i in (0..n.saturating_sub(1)).rev() {
            let (mut before, after) = array.view_mut().split_at(axis, i + 1);
            let next = after.index_axis(axis, 0);
            let upper = self.upper[i];
            Zip::from(before.index_axis_mut(axis, i))
                .and(next)
                .for_each(|x, &q| *x -= upper * q);
        }
    }
}

/// The orthogonal projection onto the graph `{(U, V) : V = I U}`:
/// `U* = (Id + IᵀI)⁻¹ (U + Iᵀ V)`, `V* = I U*`. `IᵀI` couples values along one axis only per
/// variable, so the solve is one tridiagonal system per line.
#[derive(Debug, Clone)]
pub(crate) struct GraphProjection {
    time: Tridiagonal,
    rows: Tridiagonal,
    cols: Tridiagonal,
}

impl GraphProjection {
    pub fn new(size: SpaceTime) -> Self {
        Self {
            time: Tridiagonal::new(size.steps + 1),
            rows: Tridiagonal::new(size.rows + 1),
            cols: Tridiagonal::new(size.cols + 1),
        }
    }

    /// `out = projection of input`.
    pub fn project(&self, input: &Point, out: &mut Point) {
        let u = &mut out.staggered;
        u.density.assign(&input.staggered.density);
        u.vertical.assign(&input.staggered.vertical);
        u.horizontal.assign(&input.staggered.horizontal);
        add_interpolate_adjoint(&input.centred, u);
        self.time.solve_along(&mut u.density, Axis(0));
        self.rows.solve_along(&mut u.vertical, Axis(1));
        self.cols.solve_along(&mut u.horizontal, Axis(2));
        interpolate(&out.staggered, &mut out.centred);
    }
}

/// The densities `f_t`, `t = 0..=T`, linearly interpolated between two frames.
pub(crate) fn linear_densities(
    size: SpaceTime,
    source: &Array2<f64>,
    target: &Array2<f64>,
) -> Array3<f64> {
    let mut density = Array3::zeros((size.steps + 1, size.rows, size.cols));
    for (t, mut frame) in density.outer_iter_mut().enumerate() {
        let s = t as f64 / size.steps as f64;
        Zip::from(&mut frame)
            .and(source)
            .and(target)
            .for_each(|f, &a, &b| *f = (1.0 - s) * a + s * b);
    }
    density
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dynamic::test_values as pseudo_random;

    fn random_point(size: SpaceTime, seed: u64) -> Point {
        let mut p = Point::zeros(size);
        for (k, part) in p.parts_mut().into_iter().enumerate() {
            let shape = part.dim();
            *part = pseudo_random(shape, seed + k as u64);
        }
        p
    }

    fn dot(a: &Array3<f64>, b: &Array3<f64>) -> f64 {
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }

    #[test]
    fn adjoint_of_interpolation() {
        let size = SpaceTime {
            steps: 3,
            rows: 4,
            cols: 5,
        };
        let p = random_point(size, 1);
        let mut iu = Centred::zeros(size);
        interpolate(&p.staggered, &mut iu);
        let mut itv = Staggered::zeros(size);
        add_interpolate_adjoint(&p.centred, &mut itv);
        let left = dot(&iu.density, &p.centred.density)
            + dot(&iu.vertical, &p.centred.vertical)
            + dot(&iu.horizontal, &p.centred.horizontal);
        let u = &p.staggered;
        let right = dot(&itv.density, &u.density)
            + dot(&itv.vertical, &u.vertical)
            + dot(&itv.horizontal, &u.horizontal);
        assert!((left - right).abs() < 1e-12 * left.abs().max(1.0));
    }

    #[test]
    fn projection_lands_on_the_graph_and_is_orthogonal() {
        for (steps, rows, cols) in [(1, 1, 1), (2, 3, 4), (5, 2, 7)] {
            let size = SpaceTime { steps, rows, cols };
            let input = random_point(size, 7);
            let mut projected = Point::zeros(size);
            GraphProjection::new(size).project(&input, &mut projected);
            let mut iu = Centred::zeros(size);
            interpolate(&projected.staggered, &mut iu);
            assert_eq!(iu, projected.centred);
            // Orthogonality: the residual input − P(input) is orthogonal to every point of
            // the graph, e.g. (W, I W) for a random W.
            let other = random_point(size, 99);
            let mut on_graph = Point::zeros(size);
            on_graph.staggered = other.staggered.clone();
            interpolate(&other.staggered, &mut on_graph.centred);
            let mut residual = Point::zeros(size);
            residual.assign_combination(1.0, &input, -1.0, &projected);
            let inner: f64 = residual
                .parts()
                .into_iter()
                .zip(on_graph.parts())
                .map(|(a, b)| dot(a, b))
                .sum();
            assert!(inner.abs() < 1e-12, "{inner}");
        }
    }
}
