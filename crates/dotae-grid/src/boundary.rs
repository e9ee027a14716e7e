use serde::{Deserialize, Serialize};

/// What happens to mass at the edge of the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Boundary {
    /// Mass may leave through the border into ghost cells of density zero (the paper's default).
    /// Every border face is kept, so the weighted Laplacian is positive definite.
    #[default]
    Dirichlet,
    /// No flux through the border: border faces are removed, mass is conserved per region.
    Neumann,
    /// The image wraps around: the top row neighbours the bottom row, the left column the right.
    Periodic,
}

impl Boundary {
    /// Every variant, for exhaustive tests and CLI help.
    pub const ALL: [Boundary; 3] = [Boundary::Dirichlet, Boundary::Neumann, Boundary::Periodic];

    /// Lower-case name as used in configs and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Boundary::Dirichlet => "dirichlet",
            Boundary::Neumann => "neumann",
            Boundary::Periodic => "periodic",
        }
    }
}

impl std::fmt::Display for Boundary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Boundary {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Boundary::ALL
            .into_iter()
            .find(|b| b.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!("unknown boundary `{s}`: expected dirichlet, neumann or periodic")
            })
    }
}
