//! Activations fused into the convolution's output pass.

use crate::Element;

/// The pointwise function applied to a convolution's output (bias included).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Activation {
    /// `y = z`: no activation.
    Identity,
    /// `max(z, 0) + slope · min(z, 0)`, for a slope `≥ 0` (its gradient is read off the output).
    LeakyRelu {
        /// Factor applied to negative inputs.
        slope: f64,
    },
    /// `1 / (1 + e^{−z})`.
    Sigmoid,
}

impl Activation {
    /// `y = f(z)` for every element.
    pub fn apply<T: Element>(self, values: &mut [T]) {
        match self {
            Activation::Identity => {}
            Activation::LeakyRelu { slope } => {
                let slope = T::from_f64(slope);
                for v in values {
                    if *v < T::ZERO {
                        *v = *v * slope;
                    }
                }
            }
            Activation::Sigmoid => {
                for v in values {
                    *v = (T::ONE + (-*v).exp()).recip();
                }
            }
        }
    }

    /// `gradient[i] *= f′(z_i)`, written in terms of the output `y_i = f(z_i)`: a positive
    /// slope keeps the sign of `z` (a zero slope maps every `z ≤ 0` to `y = 0`), and the
    /// sigmoid's derivative is `y (1 − y)`.
    ///
    /// No subnormal number enters or leaves: subnormal gradients are zero on the way in and on
    /// the way out ([`flush_subnormals`]), and a sigmoid output below the smallest normal
    /// passes no gradient, as if it were 0. What is dropped is below 1.2e-38 in magnitude, or,
    /// through such a sigmoid output, below 1.2e-38 times the incoming gradient.
    pub fn chain<T: Element>(self, outputs: &[T], gradient: &mut [T]) {
        flush_subnormals(gradient);
        match self {
            Activation::Identity => {}
            Activation::LeakyRelu { slope: 0.0 } => {
                for (g, &y) in gradient.iter_mut().zip(outputs) {
                    if y <= T::ZERO {
                        *g = T::ZERO;
                    }
                }
            }
            Activation::LeakyRelu { slope } => {
                let slope = T::from_f64(slope);
                for (g, &y) in gradient.iter_mut().zip(outputs) {
                    if y < T::ZERO {
                        *g = *g * slope;
                    }
                }
            }
            Activation::Sigmoid => {
                for (g, &y) in gradient.iter_mut().zip(outputs) {
                    // Zeroed before the product, so that no multiply reads a subnormal.
                    let y = if y < T::MIN_POSITIVE { T::ZERO } else { y };
                    *g = *g * y * (T::ONE - y);
                }
            }
        }
        flush_subnormals(gradient);
    }
}

/// Sets every subnormal value (magnitude below the smallest normal) to zero.
///
/// Every gradient entering a convolution's backward pass goes through here. A sigmoid decoder
/// trained towards black backgrounds outputs values far below 1 (on ACAI's lines a trained
/// baseline decodes 8 % of its pixels between 0 and 1e-33), so `y (1 − y)` turns their
/// gradients subnormal, and every fused multiply-add that reads a subnormal takes a microcode
/// assist, about a hundred times slower on x86. Each value flushed is below 1.2e-38, far below
/// what a weight update resolves.
pub fn flush_subnormals<T: Element>(values: &mut [T]) {
    for v in values {
        if v.abs() < T::MIN_POSITIVE {
            *v = T::ZERO;
        }
    }
}
