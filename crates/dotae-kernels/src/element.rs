//! The floating-point types the kernels run in.

use core::fmt::Debug;
use core::ops::{Add, AddAssign, Mul, Neg, Sub};

use crate::scratch::Pooled;

/// `f32` or `f64`: what the kernels compute in. Matrix products go through the `gemm` crate,
/// which dispatches on the concrete type.
pub trait Element:
    Copy
    + Debug
    + Default
    + PartialOrd
    + Send
    + Sync
    + 'static
    + Add<Output = Self>
    + AddAssign
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Neg<Output = Self>
    + Pooled
{
    /// The additive identity, `0.0`.
    const ZERO: Self;
    /// The multiplicative identity, `1.0`.
    const ONE: Self;
    /// The smallest positive normal value; below it are the subnormals.
    const MIN_POSITIVE: Self;

    /// `value` converted with `as` (rounded to the nearest `f32` for `f32`).
    fn from_f64(value: f64) -> Self;

    /// `e^self`.
    fn exp(self) -> Self;

    /// `1 / self`.
    fn recip(self) -> Self;

    /// `|self|`.
    fn abs(self) -> Self;

    /// The values as `f32`, when they are: the direct kernels run in `f32` only.
    fn as_f32(values: &[Self]) -> Option<&[f32]>;

    /// Like [`Element::as_f32`], for writing.
    fn as_f32_mut(values: &mut [Self]) -> Option<&mut [f32]>;
}

macro_rules! element {
    ($t:ty, $as_f32:expr, $as_f32_mut:expr) => {
        impl Element for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const MIN_POSITIVE: Self = <$t>::MIN_POSITIVE;

            #[inline(always)]
            fn from_f64(value: f64) -> Self {
                value as $t
            }

            #[inline(always)]
            fn exp(self) -> Self {
                <$t>::exp(self)
            }

            #[inline(always)]
            fn recip(self) -> Self {
                1.0 / self
            }

            #[inline(always)]
            fn abs(self) -> Self {
                <$t>::abs(self)
            }

            fn as_f32(values: &[Self]) -> Option<&[f32]> {
                $as_f32(values)
            }

            fn as_f32_mut(values: &mut [Self]) -> Option<&mut [f32]> {
                $as_f32_mut(values)
            }
        }
    };
}

element!(f32, Some, Some);
element!(f64, |_| None, |_| None);
