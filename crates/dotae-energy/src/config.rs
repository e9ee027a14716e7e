use dotae_grid::TimeWeights;
use serde::{Deserialize, Serialize};

use crate::EnergyError;

/// Which kinetic energy is measured.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Variant {
    /// Mass moves, never appears: `A_t = D diag(u_t) Dᵀ`.
    #[default]
    Balanced,
    /// Mass may also appear or vanish at a cost weighted by `tau`:
    /// `A_t = D diag(u_t) Dᵀ + diag(ρ̄_t / tau)`. `tau → ∞` recovers the balanced energy.
    Unbalanced {
        /// Source weight: larger values make creating or destroying mass costlier. Must be
        /// finite and positive.
        tau: f64,
    },
}

/// How a [`PathEnergy`](crate::PathEnergy) measures a path. The grid (size, boundary,
/// obstacles) is given separately.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathEnergyConfig {
    /// Balanced or unbalanced transport.
    pub variant: Variant,
    /// Density the face weights of a step are computed from.
    pub time_weights: TimeWeights,
    /// When set, every frame is rescaled to carry this mass on the free cells before the
    /// energy is measured (and the gradient is chained through the rescaling). With `1.0`,
    /// `T·J` estimates W₂² in pixels².
    pub mass: Option<f64>,
    /// When set, densities below this value are raised to it (the paper's threshold ε) before
    /// any rescaling, so that mass never has to cross cells of zero density. Raised cells get
    /// zero gradient.
    pub floor: Option<f64>,
    /// Relative tolerance on mass conservation for balanced steps on regions without a
    /// Dirichlet border: `|Σ b| ≤ tolerance · mass` per region.
    pub mass_tolerance: f64,
}

impl Default for PathEnergyConfig {
    fn default() -> Self {
        Self {
            variant: Variant::Balanced,
            time_weights: TimeWeights::Midpoint,
            mass: None,
            floor: None,
            mass_tolerance: 1e-6,
        }
    }
}

impl PathEnergyConfig {
    /// The unbalanced variant with source weight `tau`.
    pub fn unbalanced(mut self, tau: f64) -> Self {
        self.variant = Variant::Unbalanced { tau };
        self
    }

    /// Face weights from the given time weights.
    pub fn time_weights(mut self, time_weights: TimeWeights) -> Self {
        self.time_weights = time_weights;
        self
    }

    /// Rescale every frame to `mass` before measuring.
    pub fn normalized(mut self, mass: f64) -> Self {
        self.mass = Some(mass);
        self
    }

    /// Raise densities below `floor` to `floor` before measuring.
    pub fn floor(mut self, floor: f64) -> Self {
        self.floor = Some(floor);
        self
    }

    /// Relative tolerance for mass conservation on unanchored regions.
    pub fn mass_tolerance(mut self, tolerance: f64) -> Self {
        self.mass_tolerance = tolerance;
        self
    }

    /// `1 / tau` for the unbalanced variant, `None` for the balanced one.
    pub(crate) fn inverse_tau(&self) -> Option<f64> {
        match self.variant {
            Variant::Balanced => None,
            Variant::Unbalanced { tau } => Some(1.0 / tau),
        }
    }

    pub(crate) fn validate(&self) -> Result<(), EnergyError> {
        if let Variant::Unbalanced { tau } = self.variant
            && !(tau.is_finite() && tau > 0.0)
        {
            return Err(EnergyError::InvalidTau { tau });
        }
        if let Some(mass) = self.mass
            && !(mass.is_finite() && mass > 0.0)
        {
            return Err(EnergyError::InvalidMass { mass });
        }
        if let Some(floor) = self.floor
            && !(floor.is_finite() && floor > 0.0)
        {
            return Err(EnergyError::InvalidFloor { floor });
        }
        if !(self.mass_tolerance.is_finite() && self.mass_tolerance >= 0.0) {
            return Err(EnergyError::InvalidTolerance {
                tolerance: self.mass_tolerance,
            });
        }
        Ok(())
    }
}
