//! Paths that cannot be scored as motions: frames too dark to hold anything a picture of them
//! would show, and paths whose frames never change.

use ndarray::{ArrayView4, ArrayView5, Axis};

use crate::{MetricsError, mse};

/// The brightest value an image (values in `[0, 1]`) needs to count as holding anything: half
/// of one 8-bit gray level. A darker image is black in any picture of it and its mass is
/// rounding noise, so the motion measured between such frames would be the motion of noise.
pub const BLANK_BELOW: f64 = 0.5 / 255.0;

/// The first `(frame, channel)` of `path` `(frames, C, H, W)` whose every value lies below
/// [`BLANK_BELOW`], if any: a collapsed decoder's output, which no path measure can score.
pub fn first_blank_frame(path: ArrayView4<f64>) -> Option<(usize, usize)> {
    path.outer_iter().enumerate().find_map(|(t, frame)| {
        frame
            .outer_iter()
            .position(|channel| channel.iter().all(|&v| v < BLANK_BELOW))
            .map(|c| (t, c))
    })
}

/// The largest change of a pixel (values in `[0, 1]`) along a path that still counts as no
/// motion: half of one 8-bit gray level, which no picture of the path would show.
pub const STILL_BELOW: f64 = 0.5 / 255.0;

/// The indices of the paths of `paths` `(P, frames, C, H, W)` whose every frame differs from
/// the first by less than [`STILL_BELOW`] at every pixel: no picture of them moves, and their
/// energy near 0 and adjacent SSIM near 1 are the scores of a still picture (a collapsed
/// decoder's), not of an interpolation. Paths without frames have none to compare and are not
/// listed.
pub fn still_paths(paths: ArrayView5<f64>) -> Vec<usize> {
    if paths.len_of(Axis(1)) == 0 {
        return Vec::new();
    }
    paths
        .outer_iter()
        .enumerate()
        .filter(|(_, path)| {
            let first = path.index_axis(Axis(0), 0);
            path.outer_iter().all(|frame| {
                frame
                    .iter()
                    .zip(&first)
                    .all(|(v, f)| (v - f).abs() < STILL_BELOW)
            })
        })
        .map(|(p, _)| p)
        .collect()
}

/// How far a path's ends may lie from the images it should join before it counts as a path
/// between other images: this fraction of the squared distance between those images.
pub const MISSED_ENDS_ABOVE: f64 = 0.5;

/// The indices of the paths of `paths` `(P, frames, C, H, W)` whose ends miss the images they
/// should join, `sources` and `targets` `(P, C, H, W)`: the mean squared error of the first
/// frame to the source and of the last to the target, averaged, exceeds [`MISSED_ENDS_ABOVE`]
/// times the mean squared error between source and target. Such a path (an untrained
/// decoder's) joins other images, so its energy against the cross-dissolve or the exact path
/// between the test images compares two different problems. Pairs of equal images (nothing to
/// miss by) are listed when their ends differ from the image at all.
///
/// # Errors
/// [`MetricsError::ShapeMismatch`] when `sources` and `targets` differ in shape or a path's
/// frames are not of their shape; the errors of [`mse`] for empty or non-finite values.
pub fn paths_missing_their_ends(
    paths: ArrayView5<f64>,
    sources: ArrayView4<f64>,
    targets: ArrayView4<f64>,
) -> Result<Vec<usize>, MetricsError> {
    crate::check::same_shape("sources", sources.shape(), "targets", targets.shape())?;
    let frames = paths.len_of(Axis(1));
    let shape = paths.shape();
    let path_ends = [shape[0], shape[2], shape[3], shape[4]];
    crate::check::same_shape("the paths' ends", &path_ends, "sources", sources.shape())?;
    if frames == 0 {
        return Ok(Vec::new());
    }
    let mut missing = Vec::new();
    for (p, path) in paths.outer_iter().enumerate() {
        let (source, target) = (
            sources.index_axis(Axis(0), p),
            targets.index_axis(Axis(0), p),
        );
        let first = mse(path.index_axis(Axis(0), 0), source)?;
        let last = mse(path.index_axis(Axis(0), frames - 1), target)?;
        let apart = mse(source, target)?;
        if (first + last) / 2.0 > MISSED_ENDS_ABOVE * apart {
            missing.push(p);
        }
    }
    Ok(missing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array4;

    #[test]
    fn a_frame_of_subnormal_values_is_blank_and_one_gray_level_is_not() {
        let mut path = Array4::from_elem((3, 2, 4, 4), 0.5);
        path.slice_mut(ndarray::s![1, 1, .., ..]).fill(1e-44);
        assert_eq!(first_blank_frame(path.view()), Some((1, 1)));
        path[[1, 1, 2, 3]] = 1.0 / 255.0;
        assert_eq!(first_blank_frame(path.view()), None);
    }

    #[test]
    fn only_paths_whose_frames_never_change_visibly_are_still() {
        let mut paths = ndarray::Array5::from_elem((3, 4, 1, 2, 2), 0.5);
        paths[[1, 3, 0, 1, 1]] = 0.5 + 1.01 * STILL_BELOW;
        paths[[2, 2, 0, 0, 1]] = 0.5 - 0.99 * STILL_BELOW;
        assert_eq!(still_paths(paths.view()), [0, 2]);
        let no_frames = ndarray::Array5::<f64>::zeros((3, 0, 1, 2, 2));
        assert!(still_paths(no_frames.view()).is_empty());
    }

    #[test]
    fn only_paths_whose_ends_lie_nearer_other_images_miss_them() {
        let sources = ndarray::Array4::from_elem((3, 1, 2, 2), 0.0);
        let targets = ndarray::Array4::from_elem((3, 1, 2, 2), 1.0);
        // Images 1 apart in every pixel: ends may miss by a squared error of 0.5 on average.
        let mut paths = ndarray::Array5::from_elem((3, 2, 1, 2, 2), 0.5);
        paths.slice_mut(ndarray::s![.., 0, .., .., ..]).fill(0.0);
        paths.slice_mut(ndarray::s![.., 1, .., .., ..]).fill(1.0);
        // Path 1: both ends 0.69 off (squared 0.48, within); path 2: 0.72 (0.52, beyond).
        paths.slice_mut(ndarray::s![1, 0, .., .., ..]).fill(0.69);
        paths.slice_mut(ndarray::s![1, 1, .., .., ..]).fill(0.31);
        paths.slice_mut(ndarray::s![2, 0, .., .., ..]).fill(0.72);
        paths.slice_mut(ndarray::s![2, 1, .., .., ..]).fill(0.28);
        let missing = paths_missing_their_ends(paths.view(), sources.view(), targets.view());
        assert_eq!(missing.unwrap(), [2]);
        let wrong = ndarray::Array4::from_elem((2, 1, 2, 2), 0.0);
        assert!(matches!(
            paths_missing_their_ends(paths.view(), wrong.view(), wrong.view()),
            Err(MetricsError::ShapeMismatch { .. })
        ));
    }
}
