//! Input checks shared by the metrics, so every metric reports a broken rule the same way.

use ndarray::{ArrayView, Dimension};

use crate::MetricsError;

/// Fails with [`MetricsError::ShapeMismatch`] unless the two shapes are equal.
pub(crate) fn same_shape(
    left_name: &'static str,
    left: &[usize],
    right_name: &'static str,
    right: &[usize],
) -> Result<(), MetricsError> {
    if left == right {
        Ok(())
    } else {
        Err(MetricsError::ShapeMismatch {
            left_name,
            left: left.to_vec(),
            right_name,
            right: right.to_vec(),
        })
    }
}

/// Fails with [`MetricsError::Empty`] if the array holds no values.
pub(crate) fn non_empty<D: Dimension>(
    input: &'static str,
    values: &ArrayView<f64, D>,
) -> Result<(), MetricsError> {
    if values.is_empty() {
        Err(MetricsError::Empty {
            input,
            shape: values.shape().to_vec(),
        })
    } else {
        Ok(())
    }
}

/// Fails with [`MetricsError::NonFinite`] at the first NaN or infinity, in logical (row-major)
/// order, so the reported index does not depend on the memory layout of the view.
pub(crate) fn finite<D: Dimension>(
    input: &'static str,
    values: &ArrayView<f64, D>,
) -> Result<(), MetricsError> {
    match values.iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(flat) => {
            let index = unravel(flat, values.shape());
            let value = values.iter().nth(flat).copied().unwrap_or(f64::NAN);
            Err(MetricsError::NonFinite {
                input,
                index,
                value,
            })
        }
    }
}

/// Fails with [`MetricsError::NonFinite`] at the first NaN or infinity of a list.
pub(crate) fn finite_slice(input: &'static str, values: &[f64]) -> Result<(), MetricsError> {
    match values.iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(i) => Err(MetricsError::NonFinite {
            input,
            index: vec![i],
            value: values[i],
        }),
    }
}

/// Fails with [`MetricsError::TooFewFrames`] unless a path has at least `min` frames.
pub(crate) fn min_frames(
    input: &'static str,
    frames: usize,
    min: usize,
) -> Result<(), MetricsError> {
    if frames >= min {
        Ok(())
    } else {
        Err(MetricsError::TooFewFrames { input, frames, min })
    }
}

/// Fails with [`MetricsError::LengthMismatch`] unless a list has `expected` entries.
pub(crate) fn length(
    input: &'static str,
    len: usize,
    expected: usize,
    rule: &'static str,
) -> Result<(), MetricsError> {
    if len == expected {
        Ok(())
    } else {
        Err(MetricsError::LengthMismatch {
            input,
            len,
            expected,
            rule,
        })
    }
}

/// Fails with [`MetricsError::AxesMismatch`] unless the last `count` axes of the two shapes are
/// equal (e.g. the `(channels, rows, cols)` of frames and of a bank of images).
pub(crate) fn trailing_axes(
    left_name: &'static str,
    left: &[usize],
    right_name: &'static str,
    right: &[usize],
    count: usize,
    rule: &'static str,
) -> Result<(), MetricsError> {
    let tail = |s: &[usize]| s[s.len().saturating_sub(count)..].to_vec();
    if left.len() >= count && right.len() >= count && tail(left) == tail(right) {
        Ok(())
    } else {
        Err(MetricsError::AxesMismatch {
            left_name,
            left: left.to_vec(),
            right_name,
            right: right.to_vec(),
            rule,
        })
    }
}

/// Fails with [`MetricsError::InvalidValue`] unless `valid` holds for `value`.
pub(crate) fn value(
    name: &'static str,
    value: f64,
    valid: bool,
    rule: &'static str,
) -> Result<(), MetricsError> {
    if valid {
        Ok(())
    } else {
        Err(MetricsError::InvalidValue { name, value, rule })
    }
}

/// Turns a row-major flat position into one index per axis.
fn unravel(mut flat: usize, shape: &[usize]) -> Vec<usize> {
    let mut index = vec![0; shape.len()];
    for (slot, &len) in index.iter_mut().zip(shape).rev() {
        // len > 0 here: a position was found, so no axis is empty.
        *slot = flat % len;
        flat /= len;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array3;

    #[test]
    fn unravel_is_row_major() {
        assert_eq!(unravel(0, &[2, 3, 4]), vec![0, 0, 0]);
        assert_eq!(unravel(5, &[2, 3, 4]), vec![0, 1, 1]);
        assert_eq!(unravel(23, &[2, 3, 4]), vec![1, 2, 3]);
    }

    #[test]
    fn finite_reports_the_first_bad_value_in_logical_order() {
        let mut a = Array3::<f64>::zeros((2, 3, 4));
        a[[1, 0, 2]] = f64::INFINITY;
        a[[1, 2, 0]] = f64::NAN;
        // A transposed view must still report the same logical index of its own axes.
        let err = finite("a", &a.view()).unwrap_err();
        assert_eq!(
            err,
            MetricsError::NonFinite {
                input: "a",
                index: vec![1, 0, 2],
                value: f64::INFINITY
            }
        );
        let t = a.view().reversed_axes();
        match finite("t", &t).unwrap_err() {
            MetricsError::NonFinite { index, .. } => {
                assert!(!t[[index[0], index[1], index[2]]].is_finite());
            }
            other => panic!("unexpected error {other}"),
        }
    }
}
