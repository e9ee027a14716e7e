//! Structural similarity (SSIM) of Wang et al. 2004, computed exactly as scikit-image's
//! `structural_similarity(a, b, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
//! data_range=1.0, channel_axis=0)`:
//!
//! 1. local means, variances and covariance come from a normalised Gaussian window applied with
//!    `scipy.ndimage.gaussian_filter` semantics: radius `int(3.5 * sigma + 0.5)`, separable
//!    (axis 0, down the columns, then axis 1, along the rows), boundary mode `reflect` (`d c b a | a b c d`);
//! 2. the pointwise map is `(2 μa μb + C1)(2 σab + C2) / ((μa² + μb² + C1)(σa² + σb² + C2))`
//!    with population (co)variances, `C1 = (K1 L)²`, `C2 = (K2 L)²`;
//! 3. the map is averaged over the interior that remains after cropping `radius` pixels from
//!    every side, and the per-channel means are averaged over channels.

use ndarray::{
    Array2, ArrayView1, ArrayView2, ArrayView3, ArrayViewMut1, ArrayViewMut2, Axis, Zip,
};

use crate::{MetricsError, check};

/// scipy's `truncate` for the Gaussian window. scikit-image fixes it at 3.5 so that the default
/// sigma of 1.5 gives the 11-tap window of Wang et al.
const TRUNCATE: f64 = 3.5;

/// Parameters of SSIM. [`Default`] gives Wang et al. 2004 for images in `[0, 1]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SsimConfig {
    /// Standard deviation of the Gaussian window in pixels (default 1.5). It also sets the
    /// window side `2 * int(3.5 * sigma + 0.5) + 1` (default 11), the smallest image side accepted.
    pub sigma: f64,
    /// Stabilises the luminance term: `C1 = (k1 * data_range)²` (default 0.01).
    pub k1: f64,
    /// Stabilises the contrast-structure term: `C2 = (k2 * data_range)²` (default 0.03).
    pub k2: f64,
    /// Dynamic range `L` of the pixel values (default 1.0, for images in `[0, 1]`).
    pub data_range: f64,
}

impl Default for SsimConfig {
    fn default() -> Self {
        Self {
            sigma: 1.5,
            k1: 0.01,
            k2: 0.03,
            data_range: 1.0,
        }
    }
}

impl SsimConfig {
    /// Radius of the Gaussian window in pixels, `int(3.5 * sigma + 0.5)` as in
    /// `scipy.ndimage.gaussian_filter`; 5 for the default sigma.
    ///
    /// Meaningful only for a finite, positive `sigma` (which [`ssim_with`] checks); a huge sigma
    /// saturates at `usize::MAX` rather than wrapping.
    pub fn radius(&self) -> usize {
        // `as` saturates for out-of-range floats, which turns an absurd sigma into an
        // "image too small" error instead of an overflow.
        (TRUNCATE * self.sigma + 0.5).floor() as usize
    }

    /// Side of the square window, `2 * radius + 1`; 11 for the default sigma. Images must have
    /// at least this many rows and columns.
    pub fn window_size(&self) -> usize {
        self.radius().saturating_mul(2).saturating_add(1)
    }

    /// Checks every field against its rule. K1 and K2 may be zero, as in scikit-image.
    pub(crate) fn validate(&self) -> Result<(), MetricsError> {
        let rules: [(&'static str, f64, bool, &'static str); 4] = [
            ("sigma", self.sigma, self.sigma > 0.0, "finite and > 0"),
            ("k1", self.k1, self.k1 >= 0.0, "finite and >= 0"),
            ("k2", self.k2, self.k2 >= 0.0, "finite and >= 0"),
            (
                "data_range",
                self.data_range,
                self.data_range > 0.0,
                "finite and > 0",
            ),
        ];
        for (field, value, in_range, rule) in rules {
            if !(value.is_finite() && in_range) {
                return Err(MetricsError::InvalidConfig { field, value, rule });
            }
        }
        // C1 and C2 must stay finite, or the map becomes inf / inf = NaN everywhere.
        if !((self.k1.max(self.k2) * self.data_range).powi(2)).is_finite() {
            return Err(MetricsError::InvalidConfig {
                field: "data_range",
                value: self.data_range,
                rule: "small enough that (k1 * data_range)² and (k2 * data_range)² are finite",
            });
        }
        Ok(())
    }
}

/// SSIM of two images of shape `(channels, rows, cols)` with the default [`SsimConfig`]
/// (sigma 1.5, K1 0.01, K2 0.03, data range 1): the mean over channels of each channel's SSIM
/// map averaged over its interior. Equal images give exactly 1.
///
/// # Errors
/// [`MetricsError::ShapeMismatch`] if the shapes differ, [`MetricsError::TooSmall`] if an image
/// has fewer than 11 rows or columns, [`MetricsError::Empty`] if it has no channels, and
/// [`MetricsError::NonFinite`] if a pixel is NaN or infinite.
pub fn ssim(a: ArrayView3<f64>, b: ArrayView3<f64>) -> Result<f64, MetricsError> {
    ssim_with(a, b, &SsimConfig::default())
}

/// SSIM of two images of shape `(channels, rows, cols)` with explicit parameters; see [`ssim`].
///
/// Allocates the kernel and seven `rows x cols` scratch planes once per call, reused for every
/// channel.
///
/// # Errors
/// As [`ssim`], with the window side taken from `config`, plus
/// [`MetricsError::InvalidConfig`] if a field of `config` breaks its rule.
pub fn ssim_with(
    a: ArrayView3<f64>,
    b: ArrayView3<f64>,
    config: &SsimConfig,
) -> Result<f64, MetricsError> {
    config.validate()?;
    // Shapes first, so a mismatch is reported the same way whatever the images hold.
    check::same_shape("a", a.shape(), "b", b.shape())?;
    let (channels, rows, cols) = a.dim();
    check_plane_size("a", a.shape(), rows, cols, channels, config)?;
    check::finite("a", &a)?;
    check::finite("b", &b)?;
    let mut evaluator = SsimEvaluator::new(config, rows, cols);
    Ok(evaluator.mean_ssim(a, b))
}

/// Fails unless one image plane is at least the window size in both directions and there is at
/// least one channel. `shape` is only used to report an empty input.
pub(crate) fn check_plane_size(
    input: &'static str,
    shape: &[usize],
    rows: usize,
    cols: usize,
    channels: usize,
    config: &SsimConfig,
) -> Result<(), MetricsError> {
    let min = config.window_size();
    if rows < min || cols < min {
        return Err(MetricsError::TooSmall {
            input,
            rows,
            cols,
            min,
        });
    }
    if channels == 0 {
        return Err(MetricsError::Empty {
            input,
            shape: shape.to_vec(),
        });
    }
    Ok(())
}

/// Everything one SSIM evaluation needs besides the images: the kernel, the stabilising
/// constants and the scratch planes. Built once for a given plane size so that a path of many
/// frames and channels allocates nothing per frame.
pub(crate) struct SsimEvaluator {
    /// Normalised Gaussian taps, `2 * radius + 1` of them.
    kernel: Vec<f64>,
    c1: f64,
    c2: f64,
    planes: Planes,
}

/// Scratch planes, all `rows x cols`, in standard layout.
struct Planes {
    /// Pointwise product of two planes, the input of the second-moment filters.
    product: Array2<f64>,
    /// Result of the first filter pass, along axis 0.
    pass: Array2<f64>,
    mean_a: Array2<f64>,
    mean_b: Array2<f64>,
    mean_aa: Array2<f64>,
    mean_bb: Array2<f64>,
    mean_ab: Array2<f64>,
}

impl SsimEvaluator {
    /// Allocates the kernel and the scratch planes for `rows x cols` images. `config` must
    /// already be validated.
    pub(crate) fn new(config: &SsimConfig, rows: usize, cols: usize) -> Self {
        let zeros = || Array2::<f64>::zeros((rows, cols));
        let c1 = (config.k1 * config.data_range).powi(2);
        let c2 = (config.k2 * config.data_range).powi(2);
        Self {
            kernel: gaussian_kernel(config.sigma, config.radius()),
            c1,
            c2,
            planes: Planes {
                product: zeros(),
                pass: zeros(),
                mean_a: zeros(),
                mean_b: zeros(),
                mean_aa: zeros(),
                mean_bb: zeros(),
                mean_ab: zeros(),
            },
        }
    }

    /// Mean over channels of the per-channel SSIM. The images must have equal shapes, at
    /// least one channel and planes of the size this evaluator was built for.
    pub(crate) fn mean_ssim(&mut self, a: ArrayView3<f64>, b: ArrayView3<f64>) -> f64 {
        let channels = a.len_of(Axis(0));
        let total: f64 = a
            .outer_iter()
            .zip(b.outer_iter())
            .map(|(pa, pb)| self.plane_ssim(pa, pb))
            .sum();
        total / channels as f64
    }

    /// SSIM of one pair of 2-D planes: filter the five moments, then average the map.
    fn plane_ssim(&mut self, a: ArrayView2<f64>, b: ArrayView2<f64>) -> f64 {
        let k = &self.kernel;
        let p = &mut self.planes;
        gaussian_filter_2d(a, k, p.pass.view_mut(), p.mean_a.view_mut());
        gaussian_filter_2d(b, k, p.pass.view_mut(), p.mean_b.view_mut());
        for (x, y, out) in [
            (a, a, &mut p.mean_aa),
            (b, b, &mut p.mean_bb),
            (a, b, &mut p.mean_ab),
        ] {
            Zip::from(&mut p.product)
                .and(x)
                .and(y)
                .for_each(|q, &u, &v| *q = u * v);
            gaussian_filter_2d(p.product.view(), k, p.pass.view_mut(), out.view_mut());
        }
        interior_mean_ssim(p, self.kernel.len() / 2, self.c1, self.c2)
    }
}

/// Normalised 1-D Gaussian taps `exp(-x² / (2 sigma²))` for `x` in `-radius..=radius`, as
/// `scipy.ndimage._gaussian_kernel1d` builds them (same expression order, so the taps are
/// exactly symmetric, which the filter relies on).
fn gaussian_kernel(sigma: f64, radius: usize) -> Vec<f64> {
    if radius == 0 {
        // A one-tap window is the identity; the formula would give NaN for a sigma so small
        // that sigma² underflows (-inf * 0).
        return vec![1.0];
    }
    let scale = -0.5 / (sigma * sigma);
    let r = radius as f64;
    let mut taps: Vec<f64> = (0..=2 * radius)
        .map(|i| {
            let x = i as f64 - r;
            (scale * (x * x)).exp()
        })
        .collect();
    let sum: f64 = taps.iter().sum();
    for t in &mut taps {
        *t /= sum;
    }
    taps
}

/// Index of the pixel that scipy's `reflect` (half-sample symmetric) boundary mode reads for
/// position `i` of a line of length `n > 0`: `d c b a | a b c d | d c b a`, periodic with
/// period `2n`, so it stays correct even for offsets beyond one reflection.
fn reflect_index(i: isize, n: usize) -> usize {
    let period = 2 * n as isize;
    let m = i.rem_euclid(period);
    if m < n as isize {
        m as usize
    } else {
        (period - 1 - m) as usize
    }
}

/// Correlates one line with a symmetric kernel under reflect boundaries, writing into `dst`.
///
/// The sum runs in the order of scipy's `NI_Correlate1D` for symmetric kernels (centre tap,
/// then pairs from the outermost inwards) so results agree with scikit-image to rounding.
fn correlate_line(src: ArrayView1<f64>, kernel: &[f64], mut dst: ArrayViewMut1<f64>) {
    let n = src.len();
    let radius = kernel.len() / 2;
    for (i, out) in dst.iter_mut().enumerate() {
        let centre = i as isize;
        let mut acc = src[i] * kernel[radius];
        for j in (1..=radius).rev() {
            let before = src[reflect_index(centre - j as isize, n)];
            let after = src[reflect_index(centre + j as isize, n)];
            acc += (before + after) * kernel[radius - j];
        }
        *out = acc;
    }
}

/// Separable Gaussian filter of one 2-D plane into `out`, using `pass` (same shape) for the
/// intermediate result; allocates nothing. Filters along axis 0 (down each column) first, then
/// along axis 1 (across each row), the axis order of `scipy.ndimage.gaussian_filter`.
fn gaussian_filter_2d(
    input: ArrayView2<f64>,
    kernel: &[f64],
    mut pass: ArrayViewMut2<f64>,
    mut out: ArrayViewMut2<f64>,
) {
    Zip::from(pass.lanes_mut(Axis(0)))
        .and(input.lanes(Axis(0)))
        .for_each(|dst, src| correlate_line(src, kernel, dst));
    Zip::from(out.lanes_mut(Axis(1)))
        .and(pass.lanes(Axis(1)))
        .for_each(|dst, src| correlate_line(src, kernel, dst));
}

/// The SSIM map at one pixel from the filtered moments, written in scikit-image's expression
/// order (population (co)variances, `cov_norm = 1`).
fn ssim_at(
    mean_a: f64,
    mean_b: f64,
    mean_aa: f64,
    mean_bb: f64,
    mean_ab: f64,
    c1: f64,
    c2: f64,
) -> f64 {
    let var_a = mean_aa - mean_a * mean_a;
    let var_b = mean_bb - mean_b * mean_b;
    let cov = mean_ab - mean_a * mean_b;
    let a1 = 2.0 * mean_a * mean_b + c1;
    let a2 = 2.0 * cov + c2;
    let b1 = mean_a * mean_a + mean_b * mean_b + c1;
    let b2 = var_a + var_b + c2;
    (a1 * a2) / (b1 * b2)
}

/// Mean of the SSIM map over the interior left after cropping `pad` pixels from every side,
/// as scikit-image does to drop the pixels whose window reaches past the border.
///
/// The planes are at least `2 * pad + 1` in each direction (checked by the callers), so the
/// interior is never empty. Because `pad` equals the window radius, no interior window reaches
/// past the border: the reflect boundary shapes only the cropped-away strip, exactly as in
/// scikit-image, where it matters only for the full map (`full=True`).
fn interior_mean_ssim(p: &Planes, pad: usize, c1: f64, c2: f64) -> f64 {
    let (rows, cols) = p.mean_a.dim();
    let interior = ndarray::s![pad..rows - pad, pad..cols - pad];
    let mut sum = 0.0;
    Zip::from(p.mean_a.slice(interior))
        .and(p.mean_b.slice(interior))
        .and(p.mean_aa.slice(interior))
        .and(p.mean_bb.slice(interior))
        .and(p.mean_ab.slice(interior))
        .for_each(|&ma, &mb, &maa, &mbb, &mab| sum += ssim_at(ma, mb, maa, mbb, mab, c1, c2));
    sum / ((rows - 2 * pad) * (cols - 2 * pad)) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, Array3};

    #[test]
    fn default_window_is_eleven_taps_normalised_and_symmetric() {
        let config = SsimConfig::default();
        assert_eq!(config.radius(), 5);
        assert_eq!(config.window_size(), 11);
        let k = gaussian_kernel(config.sigma, config.radius());
        assert_eq!(k.len(), 11);
        assert!((k.iter().sum::<f64>() - 1.0).abs() < 1e-15);
        for i in 0..k.len() {
            assert_eq!(k[i], k[k.len() - 1 - i]);
        }
        // Centre tap of a sigma = 1.5 Gaussian truncated at 5 pixels.
        assert!((k[5] - 0.266_011_724_861_684_6).abs() < 1e-12);
    }

    #[test]
    fn radius_follows_scipy_rounding() {
        let radius = |sigma| {
            SsimConfig {
                sigma,
                ..SsimConfig::default()
            }
            .radius()
        };
        assert_eq!(radius(1.0), 4);
        assert_eq!(radius(2.0), 7);
        assert_eq!(radius(0.1), 0);
        assert_eq!(
            SsimConfig {
                sigma: 1e300,
                ..SsimConfig::default()
            }
            .window_size(),
            usize::MAX
        );
    }

    #[test]
    fn reflect_index_is_half_sample_symmetric() {
        // d c b a | a b c d | d c b a for n = 4.
        let got: Vec<usize> = (-4..8).map(|i| reflect_index(i, 4)).collect();
        assert_eq!(got, vec![3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0]);
        // Offsets beyond one reflection keep bouncing.
        assert_eq!(reflect_index(-3, 2), 1);
        assert_eq!(reflect_index(5, 2), 1);
        assert_eq!(reflect_index(-1, 1), 0);
    }

    #[test]
    fn separable_filter_matches_explicit_padding() {
        let (rows, cols) = (7, 9);
        let input =
            Array2::from_shape_fn((rows, cols), |(r, c)| ((r * 31 + c * 17) % 11) as f64 / 7.0);
        let kernel = gaussian_kernel(1.0, 3);
        let mut pass = Array2::zeros((rows, cols));
        let mut out = Array2::zeros((rows, cols));
        gaussian_filter_2d(input.view(), &kernel, pass.view_mut(), out.view_mut());
        let n = kernel.len() as isize;
        for r in 0..rows {
            for c in 0..cols {
                let mut expect = 0.0;
                for i in 0..n {
                    for j in 0..n {
                        let rr = reflect_index(r as isize + i - 3, rows);
                        let cc = reflect_index(c as isize + j - 3, cols);
                        expect += kernel[i as usize] * kernel[j as usize] * input[[rr, cc]];
                    }
                }
                assert!((out[[r, c]] - expect).abs() < 1e-14, "({r}, {c})");
            }
        }
    }

    #[test]
    fn rejects_invalid_config() {
        let a = Array3::<f64>::zeros((1, 16, 16));
        let bad = [
            (
                SsimConfig {
                    sigma: 0.0,
                    ..SsimConfig::default()
                },
                "sigma",
            ),
            (
                SsimConfig {
                    sigma: f64::NAN,
                    ..SsimConfig::default()
                },
                "sigma",
            ),
            (
                SsimConfig {
                    k1: -0.1,
                    ..SsimConfig::default()
                },
                "k1",
            ),
            (
                SsimConfig {
                    k2: f64::INFINITY,
                    ..SsimConfig::default()
                },
                "k2",
            ),
            (
                SsimConfig {
                    data_range: 0.0,
                    ..SsimConfig::default()
                },
                "data_range",
            ),
        ];
        for (config, name) in bad {
            match ssim_with(a.view(), a.view(), &config) {
                Err(MetricsError::InvalidConfig { field, .. }) => assert_eq!(field, name),
                other => panic!("{name}: expected InvalidConfig, got {other:?}"),
            }
        }
    }

    #[test]
    fn tiny_sigma_is_a_one_pixel_window() {
        let config = SsimConfig {
            sigma: 1e-200,
            ..SsimConfig::default()
        };
        assert_eq!(config.window_size(), 1);
        assert_eq!(gaussian_kernel(config.sigma, config.radius()), vec![1.0]);
        let a = Array3::from_shape_fn((1, 2, 3), |(_, r, c)| (r + c) as f64 / 3.0);
        let b = a.mapv(|v| 1.0 - v);
        let s = ssim_with(a.view(), b.view(), &config).unwrap();
        assert!(s.is_finite());
    }

    #[test]
    fn rejects_constants_that_overflow() {
        let a = Array3::<f64>::zeros((1, 16, 16));
        let config = SsimConfig {
            data_range: 1e300,
            ..SsimConfig::default()
        };
        assert!(matches!(
            ssim_with(a.view(), a.view(), &config),
            Err(MetricsError::InvalidConfig {
                field: "data_range",
                ..
            })
        ));
    }

    #[test]
    fn rejects_images_smaller_than_the_window() {
        let a = Array3::<f64>::zeros((1, 10, 11));
        let err = ssim(a.view(), a.view()).unwrap_err();
        assert_eq!(
            err,
            MetricsError::TooSmall {
                input: "a",
                rows: 10,
                cols: 11,
                min: 11
            }
        );
        let msg = err.to_string();
        assert!(msg.contains("10x11") && msg.contains("11 pixels"), "{msg}");
        // 11 x 11 is the smallest accepted size.
        let a = Array3::<f64>::zeros((1, 11, 11));
        assert_eq!(ssim(a.view(), a.view()), Ok(1.0));
    }

    #[test]
    fn rejects_no_channels_and_non_finite_pixels() {
        let a = Array3::<f64>::zeros((0, 12, 12));
        assert_eq!(
            ssim(a.view(), a.view()),
            Err(MetricsError::Empty {
                input: "a",
                shape: vec![0, 12, 12]
            })
        );
        let a = Array3::<f64>::zeros((2, 12, 12));
        let mut b = a.clone();
        b[[1, 3, 4]] = f64::NAN;
        match ssim(a.view(), b.view()) {
            Err(MetricsError::NonFinite {
                input: "b", index, ..
            }) => assert_eq!(index, vec![1, 3, 4]),
            other => panic!("expected NonFinite, got {other:?}"),
        }
    }

    #[test]
    fn accepts_non_standard_layouts() {
        let a = Array3::from_shape_fn((2, 13, 12), |(k, r, c)| ((k + r * c) % 5) as f64 / 4.0);
        let b = Array3::from_shape_fn((2, 13, 12), |(k, r, c)| ((k * 3 + r + c) % 7) as f64 / 6.0);
        let expect = ssim(a.view(), b.view()).unwrap();
        // Same logical images stored column-major.
        let af = a.t().as_standard_layout().into_owned().reversed_axes();
        let bf = b.t().as_standard_layout().into_owned().reversed_axes();
        assert!(!af.is_standard_layout());
        assert_eq!(ssim(af.view(), bf.view()).unwrap(), expect);
    }
}
