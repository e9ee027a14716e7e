//! When a long loop's pace is judged for its "this will take minutes" note: after its first few
//! units (steps, epochs), or sooner when those units are slow.
// Each binary notes the pace it has, so each uses some of these.
#![allow(dead_code)]

/// Seconds after which a loop's pace is judged even before its planned count of timed units:
/// one unit of a large run can take longer than a user waits in silence (probe 23: a path-energy
/// batch of 1 024 images took 14 s a step, and the note that waited for 5 steps came at 70 s).
pub const JUDGE_WITHIN_SECONDS: f64 = 10.0;

/// Judges a loop's pace once: at its `paced`th unit (half a shorter loop's units), or at the
/// first unit that ends after [`JUDGE_WITHIN_SECONDS`]. Past the first unit the pace leaves it
/// out: it pays for warm-up (probe 23 saw estimates up to 10× the real time).
pub struct PaceGate {
    paced: usize,
    judged: bool,
    /// Seconds the first unit took.
    first: Option<f64>,
}

impl PaceGate {
    /// A gate that trusts the pace after `paced` units.
    pub fn new(paced: usize) -> Self {
        Self {
            paced,
            judged: false,
            first: None,
        }
    }

    /// Call after every unit: `done` of `planned` units have taken `seconds`. Returns the
    /// seconds per unit once, when the pace is due; `None` before and after.
    pub fn judge(&mut self, done: usize, planned: usize, seconds: f64) -> Option<f64> {
        if done == 1 {
            self.first = Some(seconds);
        }
        let due = done >= self.paced.min(planned.div_ceil(2)) || seconds >= JUDGE_WITHIN_SECONDS;
        if self.judged || done == 0 || !due {
            return None;
        }
        self.judged = true;
        Some(match (done, self.first) {
            (2.., Some(first)) => (seconds - first) / (done - 1) as f64,
            _ => seconds / done as f64,
        })
    }
}

/// The units a pace judged after `done` was timed on, as [`PaceGate::judge`] times them:
/// `"first step"`, or `"steps 2 to 5"` (the first left out).
pub fn timed(done: usize, unit: &str) -> String {
    match done {
        0 | 1 => format!("first {unit}"),
        2 => format!("second {unit}"),
        n => format!("{unit}s 2 to {n}"),
    }
}
