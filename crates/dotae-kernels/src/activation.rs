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
    pub fn chain<T: Element>(self, outputs: &[T], gradient: &mut [T]) {
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
                    *g = *g * y * (T::ONE - y);
                }
            }
        }
    }
}
