use faer::sparse::{SparseColMat, Triplet};

use crate::grid::check_len;
use crate::{Grid, GridError};

impl Grid {
    /// The divergence `D` as a sparse `cells × faces` matrix over the full face layout
    /// ([`FaceLayout`](crate::FaceLayout)); columns of removed faces and rows of obstacle cells
    /// are empty. `(D m)_{i,j} = m¹_{i+1,j} − m¹_{i,j} + m²_{i,j+1} − m²_{i,j}`.
    pub fn divergence_matrix(&self) -> Result<SparseColMat<usize, f64>, GridError> {
        let mut entries = Vec::with_capacity(2 * self.faces().len());
        for face in self.faces() {
            if let Some(lo) = face.lo {
                entries.push(Triplet::new(lo, face.index, 1.0));
            }
            if let Some(hi) = face.hi {
                entries.push(Triplet::new(hi, face.index, -1.0));
            }
        }
        SparseColMat::try_new_from_triplets(self.cells(), self.face_layout().len(), &entries)
            .map_err(|e| GridError::Sparse {
                what: "divergence",
                reason: format!("{e:?}"),
            })
    }

    /// `out = D m` for a flux `m` given on the kept faces (one value per [`Grid::faces`] entry).
    pub fn divergence(&self, flux: &[f64], out: &mut [f64]) -> Result<(), GridError> {
        self.check_faces("flux", flux.len())?;
        self.check_cells("divergence output", out.len())?;
        out.fill(0.0);
        for (face, &m) in self.faces().iter().zip(flux) {
            if let Some(lo) = face.lo {
                out[lo] += m;
            }
            if let Some(hi) = face.hi {
                out[hi] -= m;
            }
        }
        Ok(())
    }

    /// `out = Dᵀ y` on the kept faces: `y_lo − y_hi`, with ghost cells at zero.
    ///
    /// This is minus the discrete gradient of a cell potential `y`; it is the adjoint of
    /// [`Grid::divergence`].
    pub fn divergence_transpose(
        &self,
        potential: &[f64],
        out: &mut [f64],
    ) -> Result<(), GridError> {
        self.check_cells("potential", potential.len())?;
        self.check_faces("face output", out.len())?;
        for (face, o) in self.faces().iter().zip(out.iter_mut()) {
            *o = face.lo.map_or(0.0, |c| potential[c]) - face.hi.map_or(0.0, |c| potential[c]);
        }
        Ok(())
    }

    /// Spreads a field on kept faces into the full face layout, zero on removed faces.
    pub fn scatter_faces(&self, kept: &[f64], full: &mut [f64]) -> Result<(), GridError> {
        self.check_faces("kept-face field", kept.len())?;
        check_len("full face field", self.face_layout().len(), full.len())?;
        full.fill(0.0);
        for (face, &v) in self.faces().iter().zip(kept) {
            full[face.index] = v;
        }
        Ok(())
    }
}
