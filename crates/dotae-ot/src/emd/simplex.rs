//! The primal network simplex loop: block-search pricing and pivots on the spanning tree.

use super::EMD_PRICING_TOLERANCE;
use super::cost::ArcCosts;
use super::tree::SpanningTree;
use crate::{Observer, OtError, Progress};

/// The fewest arcs priced per block.
const MIN_BLOCK: usize = 16;

/// A solved (or interrupted) network simplex.
pub(super) struct Solved {
    pub(super) tree: SpanningTree,
    pub(super) pivots: usize,
}

/// Runs the network simplex from the north-west-corner basis of `supply` and `demand` (positive
/// entries, equal totals) until no arc prices as profitable.
///
/// Pricing is block search (as in LEMON and POT): the arcs are scanned row by row in blocks of
/// about `√(rows · cols)`, resuming where the last scan stopped, and the most negative reduced
/// cost of the first block that has a profitable one enters. Each scan is one evaluation of the
/// stopping rule and is reported to `observer` (residual: how far the entering arc's reduced
/// cost is below zero, relative to its scale; tolerance: [`EMD_PRICING_TOLERANCE`]).
pub(super) fn network_simplex(
    supply: &[f64],
    demand: &[f64],
    costs: &impl ArcCosts,
    max_iterations: usize,
    observer: &mut impl Observer,
) -> Result<Solved, OtError> {
    let (rows, cols) = (supply.len(), demand.len());
    let mut tree = SpanningTree::north_west_corner(supply, demand, costs);
    let arcs = rows * cols;
    let block = (arcs as f64).sqrt().ceil().max(MIN_BLOCK as f64) as usize;
    let mut pricing = Pricing {
        block,
        next: (0, 0),
    };
    let mut pivots = 0;
    while let Some(entering) = pricing.entering_arc(&tree, costs) {
        let report = Progress {
            iteration: pivots,
            max_iterations,
            residual: entering.violation,
            tolerance: EMD_PRICING_TOLERANCE,
        };
        let stop = observer.observe(report).is_break();
        if stop || pivots == max_iterations {
            return Err(OtError::NotConverged {
                solver: "the network simplex (emd)",
                iterations: pivots,
                residual: entering.violation,
                tolerance: EMD_PRICING_TOLERANCE,
            });
        }
        if tree.contains(entering.source, entering.target) {
            return Err(OtError::Internal {
                reason: format!(
                    "the network simplex priced the tree arc ({}, {}) as profitable",
                    entering.source, entering.target
                ),
            });
        }
        tree.pivot(entering.source, entering.target, costs);
        pivots += 1;
    }
    // The answer is final: a request to stop changes nothing.
    let _ = observer.observe(Progress {
        iteration: pivots,
        max_iterations,
        residual: 0.0,
        tolerance: EMD_PRICING_TOLERANCE,
    });
    Ok(Solved { tree, pivots })
}

/// An arc chosen to enter the tree.
struct Entering {
    source: usize,
    target: usize,
    /// `−(C_ij − u_i − v_j) / scale`.
    violation: f64,
}

/// Block-search pricing state: the block size and where the next scan starts.
struct Pricing {
    block: usize,
    next: (usize, usize),
}

impl Pricing {
    /// The arc with the lowest reduced cost in the first block (from where the last scan
    /// stopped) that has a profitable one, or `None` when no arc is profitable.
    fn entering_arc(&mut self, tree: &SpanningTree, costs: &impl ArcCosts) -> Option<Entering> {
        let u = tree.source_potentials();
        let v = tree.target_potentials();
        let (rows, cols) = (u.len(), v.len());
        let (mut i, mut j) = self.next;
        let mut best = (0.0, 0, 0);
        let mut left_in_block = self.block;
        let mut left_in_sweep = rows * cols;
        while left_in_sweep > 0 {
            let end = cols.min(j + left_in_block.min(left_in_sweep));
            let (reduced, target) = costs.cheapest_in_row(i, j..end, u[i], v);
            if reduced < best.0 {
                best = (reduced, i, target);
            }
            left_in_block -= end - j;
            left_in_sweep -= end - j;
            j = end;
            if j == cols {
                j = 0;
                i = if i + 1 == rows { 0 } else { i + 1 };
            }
            if left_in_block == 0 || left_in_sweep == 0 {
                if let Some(entering) = profitable(best, u, v, costs) {
                    self.next = (i, j);
                    return Some(entering);
                }
                left_in_block = self.block;
            }
        }
        None
    }
}

/// The candidate `(reduced cost, source, target)` as an entering arc, if it is profitable
/// beyond rounding.
fn profitable(
    (reduced, i, j): (f64, usize, usize),
    u: &[f64],
    v: &[f64],
    costs: &impl ArcCosts,
) -> Option<Entering> {
    if reduced >= 0.0 {
        return None;
    }
    let scale = costs.cost(i, j).abs().max(u[i].abs()).max(v[j].abs());
    let violation = -reduced / scale;
    (violation > EMD_PRICING_TOLERANCE).then_some(Entering {
        source: i,
        target: j,
        violation,
    })
}
