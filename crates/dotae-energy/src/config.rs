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

/// The density floor of one frame: densities below it are raised to it, so that mass never
/// has to cross cells of zero density.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum Floor {
    /// The same floor for every frame, in the units of the frames as given (the paper's
    /// threshold ε on pixel values; what training uses).
    Absolute(f64),
    /// `factor ×` the frame's mean density over the free cells. Raising cells to it adds at
    /// most `factor ×` the frame's mass, whatever the frames' scale or size, so a measurement
    /// moves by a bounded relative amount; a frame without mass gets a zero floor and stays an
    /// error.
    Relative(f64),
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
    /// zero gradient. An absolute floor; see `relative_floor` for one that follows each frame's
    /// scale. At most one of the two may be set.
    pub floor: Option<f64>,
    /// When set, densities of a frame below `relative_floor ×` its mean density over the free
    /// cells are raised to that value before any rescaling (see [`Floor::Relative`]); the
    /// gradient includes the floor's dependence on the frame's mass. It must lie in (0, 1).
    #[serde(default)]
    pub relative_floor: Option<f64>,
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
            relative_floor: None,
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

    /// Raise densities below `floor` to `floor` before measuring (an absolute floor; replaces
    /// any relative one).
    pub fn floor(mut self, floor: f64) -> Self {
        self.floor = Some(floor);
        self.relative_floor = None;
        self
    }

    /// Raise the densities of each frame below `factor ×` its mean density over the free cells
    /// to that value before measuring (replaces any absolute floor).
    pub fn relative_floor(mut self, factor: f64) -> Self {
        self.relative_floor = Some(factor);
        self.floor = None;
        self
    }

    /// Sets the floor from a [`Floor`], or removes it with `None`.
    pub fn density_floor(mut self, floor: Option<Floor>) -> Self {
        (self.floor, self.relative_floor) = match floor {
            None => (None, None),
            Some(Floor::Absolute(value)) => (Some(value), None),
            Some(Floor::Relative(factor)) => (None, Some(factor)),
        };
        self
    }

    /// The floor in effect: absolute, relative or none. When both fields are set (which
    /// [`PathEnergy::new`](crate::PathEnergy::new) rejects) the absolute one is returned.
    pub fn floor_rule(&self) -> Option<Floor> {
        match (self.floor, self.relative_floor) {
            (Some(value), _) => Some(Floor::Absolute(value)),
            (None, Some(factor)) => Some(Floor::Relative(factor)),
            (None, None) => None,
        }
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
        if let Some(factor) = self.relative_floor
            && !(factor.is_finite() && factor > 0.0 && factor < 1.0)
        {
            return Err(EnergyError::InvalidRelativeFloor { factor });
        }
        if let (Some(floor), Some(factor)) = (self.floor, self.relative_floor) {
            return Err(EnergyError::ConflictingFloors { floor, factor });
        }
        if !(self.mass_tolerance.is_finite() && self.mass_tolerance >= 0.0) {
            return Err(EnergyError::InvalidTolerance {
                tolerance: self.mass_tolerance,
            });
        }
        Ok(())
    }
}
