//! Unfolding 3×3 neighbourhoods into matrix rows, so a convolution becomes a matrix product.

use std::ops::Range;

use crate::Element;

/// Where one image's unfolded neighbourhoods go: the columns `offset ..` of a row-major matrix
/// with `stride` elements per row.
#[derive(Debug, Clone, Copy)]
pub struct ColumnBlock {
    pub stride: usize,
    pub offset: usize,
}

/// Writes the 3×3 neighbourhoods of the output rows `band` of an image with `channels` planes
/// of `rows × cols` (plane `c` starts at `c · plane_stride` in `image`) into `columns`: row
/// `c·9 + ky·3 + kx` holds plane `c` shifted by `(ky − 1, kx − 1)`, zero outside the image
/// (padding 1), for the `band.len() · cols` pixels of the band.
///
/// Each of the nine shifts of a plane is one contiguous copy (a shift by `dy` rows and `dx`
/// columns moves every pixel by `dy · cols + dx` in row-major order), after which the column
/// that wrapped around the image's edge is zeroed: narrow images cost a few long copies rather
/// than many short ones.
pub fn im2col_3x3<T: Element>(
    image: &[T],
    plane_stride: usize,
    [channels, rows, cols]: [usize; 3],
    band: Range<usize>,
    columns: &mut [T],
    block: ColumnBlock,
) {
    let pixels = rows * cols;
    let first = band.start * cols;
    let len = band.len() * cols;
    for c in 0..channels {
        let plane = &image[c * plane_stride..c * plane_stride + pixels];
        for ky in 0..3 {
            for kx in 0..3 {
                let start = (c * 9 + ky * 3 + kx) * block.stride + block.offset;
                let row = &mut columns[start..start + len];
                shifted_plane(plane, [rows, cols], [ky, kx], first, row);
            }
        }
    }
}

/// `row[i] = plane[first + i + (ky − 1)·cols + (kx − 1)]` where that pixel lies inside the
/// image (in the same image row, for the column shift), zero elsewhere.
#[inline]
fn shifted_plane<T: Element>(
    plane: &[T],
    [rows, cols]: [usize; 2],
    [ky, kx]: [usize; 2],
    first: usize,
    row: &mut [T],
) {
    let pixels = (rows * cols) as isize;
    let shift = (ky as isize - 1) * cols as isize + kx as isize - 1;
    let (first, len) = (first as isize, row.len() as isize);
    // Destination positions whose source index falls inside the plane.
    let lo = (-shift - first).clamp(0, len);
    let hi = (pixels - shift - first).clamp(lo, len);
    let (lo, hi) = (lo as usize, hi as usize);
    row[..lo].fill(T::ZERO);
    row[hi..].fill(T::ZERO);
    if hi > lo {
        let source = (first + lo as isize + shift) as usize;
        row[lo..hi].copy_from_slice(&plane[source..source + (hi - lo)]);
    }
    // A column shift wraps the first or last column around to the neighbouring image row.
    let edge = match kx {
        0 => 0,
        2 => cols - 1,
        _ => return,
    };
    let offset = (first as usize) % cols;
    let mut i = (edge + cols - offset) % cols;
    while i < row.len() {
        row[i] = T::ZERO;
        i += cols;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unfold(image: &[f64], [rows, cols]: [usize; 2], band: Range<usize>) -> Vec<f64> {
        let len = band.len() * cols;
        let mut columns = vec![f64::NAN; 9 * len];
        let block = ColumnBlock {
            stride: len,
            offset: 0,
        };
        im2col_3x3(
            image,
            rows * cols,
            [1, rows, cols],
            band,
            &mut columns,
            block,
        );
        columns
    }

    #[test]
    fn unfolds_a_single_channel_with_zero_padding() {
        // 2×3 image 1..6; row 4 (ky = 1, kx = 1) is the image itself.
        let image: Vec<f64> = (1..=6).map(f64::from).collect();
        let columns = unfold(&image, [2, 3], 0..2);
        let row = |r: usize| &columns[r * 6..(r + 1) * 6];
        assert_eq!(row(4), &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        // ky = 0, kx = 0: the pixel above-left.
        assert_eq!(row(0), &[0.0, 0.0, 0.0, 0.0, 1.0, 2.0]);
        // ky = 2, kx = 2: the pixel below-right.
        assert_eq!(row(8), &[5.0, 6.0, 0.0, 0.0, 0.0, 0.0]);
        // ky = 1, kx = 0 and kx = 2: left and right neighbours in the same row.
        assert_eq!(row(3), &[0.0, 1.0, 2.0, 0.0, 4.0, 5.0]);
        assert_eq!(row(5), &[2.0, 3.0, 0.0, 5.0, 6.0, 0.0]);
    }

    #[test]
    fn a_band_is_the_same_rows_of_the_whole_unfolding() {
        let (rows, cols) = (5, 4);
        let image: Vec<f64> = (0..rows * cols).map(|v| v as f64 + 1.0).collect();
        let whole = unfold(&image, [rows, cols], 0..rows);
        let band = unfold(&image, [rows, cols], 1..4);
        for r in 0..9 {
            assert_eq!(
                &band[r * 12..(r + 1) * 12],
                &whole[r * 20 + 4..r * 20 + 16],
                "row {r}"
            );
        }
    }
}
