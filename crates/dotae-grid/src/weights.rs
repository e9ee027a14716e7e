use serde::{Deserialize, Serialize};

use crate::{Grid, GridError};

/// Which density a time step's face weights are computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeWeights {
    /// `ρ̄_t = (ρ_t + ρ_{t+1}) / 2`: the energy is symmetric under reversing the path.
    #[default]
    Midpoint,
    /// `ρ̄_t = ρ_t`, as printed in the paper.
    Explicit,
}

impl TimeWeights {
    /// Every variant, for exhaustive tests and CLI help.
    pub const ALL: [TimeWeights; 2] = [TimeWeights::Midpoint, TimeWeights::Explicit];

    /// `(a, b)` with `ρ̄_t = a ρ_t + b ρ_{t+1}`.
    pub fn coefficients(self) -> (f64, f64) {
        match self {
            TimeWeights::Midpoint => (0.5, 0.5),
            TimeWeights::Explicit => (1.0, 0.0),
        }
    }

    /// The lowercase name used by `Display`, `FromStr` (case-insensitively) and serde.
    pub fn name(self) -> &'static str {
        match self {
            TimeWeights::Midpoint => "midpoint",
            TimeWeights::Explicit => "explicit",
        }
    }

    /// `out = ρ̄_t` from the two frames of a step.
    pub fn step_density(self, start: &[f64], end: &[f64], out: &mut [f64]) {
        let (a, b) = self.coefficients();
        for ((o, &s), &e) in out.iter_mut().zip(start).zip(end) {
            *o = a * s + b * e;
        }
    }

    /// Adds the chain rule of [`TimeWeights::step_density`]: a gradient with respect to `ρ̄_t`
    /// becomes gradients with respect to `ρ_t` and `ρ_{t+1}`.
    pub fn step_density_adjoint(
        self,
        grad_density: &[f64],
        grad_start: &mut [f64],
        grad_end: &mut [f64],
    ) {
        let (a, b) = self.coefficients();
        for ((&g, s), e) in grad_density
            .iter()
            .zip(grad_start.iter_mut())
            .zip(grad_end.iter_mut())
        {
            *s += a * g;
            *e += b * g;
        }
    }
}

impl std::fmt::Display for TimeWeights {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for TimeWeights {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TimeWeights::ALL
            .into_iter()
            .find(|w| w.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown time weights `{s}`: expected midpoint or explicit"))
    }
}

impl Grid {
    /// Face inverse weights `u_f` (the paper's `1/w`): the mean of the two adjacent cell
    /// densities, a ghost cell counting as zero. One value per kept face.
    pub fn face_weights(&self, density: &[f64], out: &mut [f64]) -> Result<(), GridError> {
        self.check_cells("density", density.len())?;
        self.check_faces("face weights", out.len())?;
        for (face, u) in self.faces().iter().zip(out.iter_mut()) {
            *u = 0.5 * (face.lo.map_or(0.0, |c| density[c]) + face.hi.map_or(0.0, |c| density[c]));
        }
        Ok(())
    }

    /// Adds the adjoint of [`Grid::face_weights`]: each face gradient goes half to each of
    /// its two cells (nothing to a ghost cell).
    pub fn face_weights_adjoint(
        &self,
        grad_faces: &[f64],
        grad_density: &mut [f64],
    ) -> Result<(), GridError> {
        self.check_faces("face gradient", grad_faces.len())?;
        self.check_cells("density gradient", grad_density.len())?;
        for (face, &g) in self.faces().iter().zip(grad_faces) {
            for c in [face.lo, face.hi].into_iter().flatten() {
                grad_density[c] += 0.5 * g;
            }
        }
        Ok(())
    }
}
