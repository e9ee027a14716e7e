//! The upper bounds of the size flags, checked before any work starts so that no flag can
//! ask for more memory or time than a run on one machine can give (docs/reliability.md).
// Each binary checks the flags it has, so each uses some of these.
#![allow(dead_code)]

use std::error::Error;

/// The largest image side (`--size`): a 512×512 path of 257 frames is 540 MB as f64.
pub const MAX_IMAGE_SIDE: usize = 512;

/// The most time steps of a path (`--steps`, `--frames`).
pub const MAX_STEPS: usize = 256;

/// The most interpolation pairs scored or drawn (`--pairs`, `--test-pairs`).
pub const MAX_PAIRS: usize = 10_000;

/// `value` of `flag` must lie in `min..=max` (`usize::MAX`: no upper bound); the message names
/// the flag and the rule.
pub fn check_range(flag: &str, value: usize, min: usize, max: usize) -> Result<(), Box<dyn Error>> {
    if (min..=max).contains(&value) {
        return Ok(());
    }
    let rule = match max {
        usize::MAX => format!("it must be at least {min}"),
        _ => format!("it must be at least {min} and at most {max}"),
    };
    Err(format!("{flag} {value} is out of range: {rule}").into())
}
