//! Images whose optimal-transport geodesics are known in closed form.

use ndarray::{Array2, Array3, Array5, ArrayView2, ArrayView4, Axis, stack};

use crate::DataError;
use crate::error::check_not_empty;

/// A point on the image plane in pixel units: `(row, col)`, cell `(i, j)` has its centre at
/// `(i, j)`.
pub type Point = (f64, f64);

/// An isotropic Gaussian blob (unnormalised, peak 1) centred at `center` with standard
/// deviation `sigma` pixels.
pub fn gaussian(
    rows: usize,
    cols: usize,
    center: Point,
    sigma: f64,
) -> Result<Array2<f64>, DataError> {
    check_not_empty("image size", rows, cols)?;
    if !(sigma.is_finite() && sigma > 0.0) {
        return Err(DataError::InvalidArgument {
            what: "sigma",
            reason: format!("{sigma} must be finite and > 0"),
        });
    }
    let inv = 1.0 / (2.0 * sigma * sigma);
    Ok(Array2::from_shape_fn((rows, cols), |(i, j)| {
        let (di, dj) = (i as f64 - center.0, j as f64 - center.1);
        (-(di * di + dj * dj) * inv).exp()
    }))
}

/// An anti-aliased disk of value 1 and radius `radius` pixels: each pixel holds the clamped
/// signed distance `clamp(radius − d + 1/2, 0, 1)`, so the image varies continuously with a
/// sub-pixel centre.
pub fn disk(
    rows: usize,
    cols: usize,
    center: Point,
    radius: f64,
) -> Result<Array2<f64>, DataError> {
    check_not_empty("image size", rows, cols)?;
    if !(radius.is_finite() && radius > 0.0) {
        return Err(DataError::InvalidArgument {
            what: "radius",
            reason: format!("{radius} must be finite and > 0"),
        });
    }
    Ok(Array2::from_shape_fn((rows, cols), |(i, j)| {
        let d = (i as f64 - center.0).hypot(j as f64 - center.1);
        (radius - d + 0.5).clamp(0.0, 1.0)
    }))
}

/// `steps + 1` frames of a shape drawn by `draw` at centres moving linearly from `from` to `to`:
/// the exact optimal-transport geodesic of a translation.
pub fn translation(
    steps: usize,
    from: Point,
    to: Point,
    mut draw: impl FnMut(Point) -> Result<Array2<f64>, DataError>,
) -> Result<Array3<f64>, DataError> {
    check_steps(steps)?;
    let frames = (0..=steps)
        .map(|t| {
            let s = t as f64 / steps as f64;
            draw((from.0 + s * (to.0 - from.0), from.1 + s * (to.1 - from.1)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    stack_frames(&frames)
}

/// `steps + 1` frames of the pixel-wise blend `(1 − s) a + s b`: mass fades instead of moving.
pub fn cross_dissolve(
    a: ArrayView2<'_, f64>,
    b: ArrayView2<'_, f64>,
    steps: usize,
) -> Result<Array3<f64>, DataError> {
    check_steps(steps)?;
    if a.dim() != b.dim() {
        return Err(DataError::InvalidArgument {
            what: "cross-dissolve endpoints",
            reason: format!("shapes {:?} and {:?} differ", a.dim(), b.dim()),
        });
    }
    let frames: Vec<Array2<f64>> = (0..=steps)
        .map(|t| {
            let s = t as f64 / steps as f64;
            &a * (1.0 - s) + &b * s
        })
        .collect();
    stack_frames(&frames)
}

/// The cross-dissolve of every pair, `(P, steps + 1, C, H, W)`: frame `t` of path `p` is
/// `(1 − s) sources[p] + s targets[p]` with `s = t / steps`, for `sources` and `targets` of one
/// shape `(P, C, H, W)`.
pub fn cross_dissolve_pairs(
    sources: ArrayView4<'_, f64>,
    targets: ArrayView4<'_, f64>,
    steps: usize,
) -> Result<Array5<f64>, DataError> {
    check_steps(steps)?;
    if sources.dim() != targets.dim() {
        return Err(DataError::InvalidArgument {
            what: "cross-dissolve targets",
            reason: format!(
                "shape {:?} differs from the sources' {:?}",
                targets.dim(),
                sources.dim()
            ),
        });
    }
    let (p, c, h, w) = sources.dim();
    Ok(Array5::from_shape_fn(
        (p, steps + 1, c, h, w),
        |(i, t, ch, r, col)| {
            let s = t as f64 / steps as f64;
            (1.0 - s) * sources[(i, ch, r, col)] + s * targets[(i, ch, r, col)]
        },
    ))
}

fn stack_frames(frames: &[Array2<f64>]) -> Result<Array3<f64>, DataError> {
    let views: Vec<ArrayView2<'_, f64>> = frames.iter().map(|f| f.view()).collect();
    stack(Axis(0), &views).map_err(|e| DataError::InvalidArgument {
        what: "frames",
        reason: e.to_string(),
    })
}

fn check_steps(steps: usize) -> Result<(), DataError> {
    if steps == 0 {
        return Err(DataError::InvalidArgument {
            what: "steps",
            reason: "a path needs at least 1 step".into(),
        });
    }
    Ok(())
}
