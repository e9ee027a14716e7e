/// A connected set of free cells, linked by kept faces.
///
/// A region is *anchored* when one of its faces leads to a Dirichlet ghost cell: then mass may
/// leave it and the weighted Laplacian restricted to it is positive definite. An unanchored
/// region (Neumann, periodic, or enclosed by obstacles) conserves mass and its Laplacian is
/// singular by the constants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// Free cells of the region, in increasing order.
    pub cells: Vec<usize>,
    /// Whether a face of the region touches a Dirichlet ghost cell.
    pub anchored: bool,
}

/// Union–find over cells, with path halving.
pub(crate) struct DisjointSets {
    parent: Vec<usize>,
}

impl DisjointSets {
    pub(crate) fn new(len: usize) -> Self {
        Self {
            parent: (0..len).collect(),
        }
    }

    pub(crate) fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    pub(crate) fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
    }
}
