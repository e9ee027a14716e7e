//! The spanning tree of the network simplex on the bipartite transport graph: which arcs are
//! basic, the flow they carry, and the dual potentials that make them tight.
//!
//! Nodes `0..rows` are the sources, `rows..rows + cols` the targets; every arc runs from a
//! source to a target. The tree is stored by node: `parent`, the preorder `thread` (circular,
//! with its inverse), the `depth`, and for every node but the root the `flow` on the arc to its
//! parent. Because the graph is bipartite without parallel arcs, a node and its parent name
//! their arc, so no arc index is stored, and arcs outside the tree carry no flow (they are
//! uncapacitated): the whole state is `O(rows + cols)`.
//!
//! Potentials use one symmetric convention: `potential[i]` is the source potential `u_i`,
//! `potential[rows + j]` the target potential `v_j`, and every tree arc is tight,
//! `u_i + v_j = C_ij`. A node's potential is always recomputed from its parent's (never shifted
//! by accumulated differences), so tree arcs stay tight to rounding and can never look
//! profitable to the pricing.
//!
//! The tree is kept *strongly feasible*: every arc without flow points towards the root, so a
//! little flow could be sent from any node up to the root. That,
//! together with the leaving-arc rule of [`SpanningTree::pivot`], rules out cycling on
//! degenerate pivots (Cunningham, 1976).

use super::cost::ArcCosts;

/// No node: the root's parent.
const NONE: usize = usize::MAX;

/// The basis of the network simplex (see the module documentation).
#[derive(Debug, Clone)]
pub(super) struct SpanningTree {
    rows: usize,
    root: usize,
    parent: Vec<usize>,
    thread: Vec<usize>,
    rev_thread: Vec<usize>,
    depth: Vec<usize>,
    flow: Vec<f64>,
    potential: Vec<f64>,
    /// Scratch for the stem of a pivot, kept to avoid an allocation per pivot.
    stem: Vec<StemNode>,
}

/// A node on the path re-rooted by a pivot, with its place in the old preorder.
#[derive(Debug, Clone, Copy)]
struct StemNode {
    node: usize,
    /// The node before it in the old thread.
    before: usize,
    /// The last node of its old subtree.
    last: usize,
    /// The node after its old subtree.
    after: usize,
}

impl SpanningTree {
    /// The north-west-corner basis of sources `supply` and targets `demand` (equal totals, all
    /// entries positive), rooted at source 0.
    ///
    /// It moves right (to the next target) only when the target is used up and the source is
    /// not, so every arc it adds downwards (source → new target) carries flow; when both are
    /// used up at once it moves down, adding an arc without flow from the new source up to the
    /// current target, towards the root: the start is strongly feasible. The last target takes
    /// what is left of every source (and the last source what is left for every target), which
    /// absorbs the rounding of the totals.
    pub(super) fn north_west_corner(supply: &[f64], demand: &[f64], costs: &impl ArcCosts) -> Self {
        let (rows, cols) = (supply.len(), demand.len());
        let nodes = rows + cols;
        let mut tree = Self {
            rows,
            root: 0,
            parent: vec![NONE; nodes],
            thread: vec![0; nodes],
            rev_thread: vec![0; nodes],
            depth: vec![0; nodes],
            flow: vec![0.0; nodes],
            potential: vec![0.0; nodes],
            stem: Vec::new(),
        };
        let mut left_in_source = supply[0];
        let mut left_in_target = demand[0];
        let (mut i, mut j) = (0, 0);
        // The root, then the nodes in the order they join: each joins below the current source
        // or target, both on the path to the newest node, so this order is a preorder.
        let mut previous = 0;
        tree.attach(rows, 0, previous, costs);
        previous = rows;
        loop {
            let amount = if j + 1 == cols {
                left_in_source
            } else if i + 1 == rows {
                left_in_target
            } else {
                left_in_source.min(left_in_target)
            };
            // The arc (i, j) joined the tree with its lower end, the newest node.
            tree.flow[previous] = amount;
            left_in_source -= amount;
            left_in_target -= amount;
            if i + 1 == rows && j + 1 == cols {
                break;
            }
            let move_right =
                j + 1 < cols && (i + 1 == rows || (left_in_target <= 0.0 && left_in_source > 0.0));
            if move_right {
                j += 1;
                left_in_target = demand[j];
                tree.attach(rows + j, i, previous, costs);
                previous = rows + j;
            } else {
                i += 1;
                left_in_source = supply[i];
                tree.attach(i, rows + j, previous, costs);
                previous = i;
            }
        }
        tree.thread[previous] = tree.root;
        tree.rev_thread[tree.root] = previous;
        tree
    }

    /// Adds `node` below `parent`, after `previous` in the thread (north-west corner only).
    fn attach(&mut self, node: usize, parent: usize, previous: usize, costs: &impl ArcCosts) {
        self.parent[node] = parent;
        self.depth[node] = self.depth[parent] + 1;
        self.potential[node] = self.arc_cost(node, parent, costs) - self.potential[parent];
        self.thread[previous] = node;
        self.rev_thread[node] = previous;
    }

    /// The cost of the arc between two adjacent nodes (one source, one target).
    fn arc_cost(&self, a: usize, b: usize, costs: &impl ArcCosts) -> f64 {
        let (source, target) = if a < self.rows { (a, b) } else { (b, a) };
        costs.cost(source, target - self.rows)
    }

    /// Source potentials `u` (one per source).
    pub(super) fn source_potentials(&self) -> &[f64] {
        &self.potential[..self.rows]
    }

    /// Target potentials `v` (one per target).
    pub(super) fn target_potentials(&self) -> &[f64] {
        &self.potential[self.rows..]
    }

    /// Whether the arc (source `i`, target `j`) is in the tree.
    pub(super) fn contains(&self, i: usize, j: usize) -> bool {
        let target = self.rows + j;
        self.parent[i] == target || self.parent[target] == i
    }

    /// The tree's arcs as (source, target, flow), including those without flow.
    pub(super) fn arcs(&self) -> impl Iterator<Item = (usize, usize, f64)> + '_ {
        (0..self.parent.len())
            .filter(|&node| node != self.root)
            .map(|node| {
                let parent = self.parent[node];
                let (source, target) = if node < self.rows {
                    (node, parent)
                } else {
                    (parent, node)
                };
                (source, target - self.rows, self.flow[node])
            })
    }

    /// Brings the arc (source `i`, target `j`) into the tree: pushes the most flow the cycle it
    /// closes allows around that cycle, and removes the arc of the cycle that runs dry.
    ///
    /// Leaving-arc rule (for strong feasibility): of the arcs that run dry, the last one met
    /// when walking the cycle in the direction of the flow, starting at the apex (the join of
    /// the two tree paths), leaves. Walking up from `i` that is the first blocking arc found
    /// (strict comparison), walking up from `j` the last one (non-strict), and the `j` side
    /// wins ties because it comes later on the cycle.
    pub(super) fn pivot(&mut self, i: usize, j: usize, costs: &impl ArcCosts) {
        let target = self.rows + j;
        // On the path from i up to the apex flow moves down, so arcs hanging from a source
        // (source → parent target) lose flow; on the path from j up it moves up, so arcs
        // hanging from a target (parent source → target) lose flow.
        let (mut from_source, mut from_target) = (i, target);
        let (mut source_side_min, mut source_side_out) = (f64::INFINITY, NONE);
        let (mut target_side_min, mut target_side_out) = (f64::INFINITY, NONE);
        while from_source != from_target {
            if self.depth[from_source] >= self.depth[from_target] {
                if from_source < self.rows && self.flow[from_source] < source_side_min {
                    source_side_min = self.flow[from_source];
                    source_side_out = from_source;
                }
                from_source = self.parent[from_source];
            } else {
                if from_target >= self.rows && self.flow[from_target] <= target_side_min {
                    target_side_min = self.flow[from_target];
                    target_side_out = from_target;
                }
                from_target = self.parent[from_target];
            }
        }
        let apex = from_source;
        let (delta, leaving, entering_below, entering_above) = if target_side_min <= source_side_min
        {
            (target_side_min, target_side_out, target, i)
        } else {
            (source_side_min, source_side_out, i, target)
        };
        if delta > 0.0 {
            self.push_flow(i, apex, delta, true);
            self.push_flow(target, apex, delta, false);
        }
        self.reroot(entering_below, leaving, entering_above, delta, costs);
    }

    /// Adds `delta` along the tree path from `start` up to `apex`: flow moves down it when
    /// `downwards`, up it otherwise.
    fn push_flow(&mut self, start: usize, apex: usize, delta: f64, downwards: bool) {
        let mut node = start;
        while node != apex {
            // An arc hanging from a source points up; it loses flow when flow moves down.
            let points_up = node < self.rows;
            if points_up == downwards {
                self.flow[node] -= delta;
            } else {
                self.flow[node] += delta;
            }
            node = self.parent[node];
        }
    }

    /// Cuts the arc above `leaving` and hangs the cut-off subtree from `new_parent` by the
    /// entering arc at `below` (which carries `entering_flow`): the path from `below` up to
    /// `leaving` (the stem) is reversed, the preorder respliced, and the subtree's depths and
    /// potentials recomputed from their new parents.
    fn reroot(
        &mut self,
        below: usize,
        leaving: usize,
        new_parent: usize,
        entering_flow: f64,
        costs: &impl ArcCosts,
    ) {
        // The stem with each node's place in the old preorder. A node's old subtree contains
        // the one before it on the stem, so its last node is found by scanning only the part
        // after that one: the whole walk is linear in the size of the cut subtree.
        self.stem.clear();
        let mut node = below;
        let mut last = self.subtree_last(node, node);
        loop {
            self.stem.push(StemNode {
                node,
                before: self.rev_thread[node],
                last,
                after: self.thread[last],
            });
            if node == leaving {
                break;
            }
            let up = self.parent[node];
            let after = self.thread[last];
            if self.depth[after] > self.depth[up] {
                last = self.subtree_last(up, after);
            }
            node = up;
        }

        // Cut the subtree out of the thread.
        let cut = self.stem[self.stem.len() - 1];
        self.link(cut.before, cut.after);
        // Its new preorder: the entering node's old subtree, then each stem node followed by
        // what its old subtree holds besides the previous stem node's.
        let resume = self.thread[new_parent];
        let first = self.stem[0];
        self.link(new_parent, first.node);
        let mut tail = first.last;
        for k in 1..self.stem.len() {
            let (lower, upper) = (self.stem[k - 1], self.stem[k]);
            self.link(tail, upper.node);
            tail = lower.before;
            if upper.last != lower.last {
                self.link(tail, lower.after);
                tail = upper.last;
            }
        }
        self.link(tail, resume);

        // Reverse the stem: each arc moves from the lower node to the upper one, with its flow.
        for k in (1..self.stem.len()).rev() {
            let (lower, upper) = (self.stem[k - 1].node, self.stem[k].node);
            self.parent[upper] = lower;
            self.flow[upper] = self.flow[lower];
        }
        self.parent[below] = new_parent;
        self.flow[below] = entering_flow;

        // Depths and potentials of the moved subtree, parents before children.
        let mut node = below;
        while node != resume {
            let parent = self.parent[node];
            self.depth[node] = self.depth[parent] + 1;
            self.potential[node] = self.arc_cost(node, parent, costs) - self.potential[parent];
            node = self.thread[node];
        }
    }

    /// The last node, in preorder, of the subtree of `node`, scanning from `from` (a node of
    /// that subtree).
    fn subtree_last(&self, node: usize, from: usize) -> usize {
        let depth = self.depth[node];
        let mut last = from;
        while self.depth[self.thread[last]] > depth {
            last = self.thread[last];
        }
        last
    }

    fn link(&mut self, before: usize, after: usize) {
        self.thread[before] = after;
        self.rev_thread[after] = before;
    }
}

#[cfg(test)]
mod tests {
    use ndarray::Array2;

    use super::super::cost::DenseCosts;
    use super::*;

    /// Every invariant of the tree: the thread is a preorder of parent/depth, the flows meet the
    /// supplies and demands, zero flows point to the root, and tree arcs are tight.
    fn assert_consistent(
        tree: &SpanningTree,
        supply: &[f64],
        demand: &[f64],
        costs: &impl ArcCosts,
    ) {
        let nodes = supply.len() + demand.len();
        let mut seen = vec![false; nodes];
        let mut node = tree.root;
        for _ in 0..nodes {
            assert!(!seen[node], "the thread revisits {node}");
            seen[node] = true;
            let next = tree.thread[node];
            assert_eq!(tree.rev_thread[next], node);
            if next != tree.root {
                // A preorder: the next node is a child of this one or of one of its ancestors.
                assert!(seen[tree.parent[next]]);
                assert_eq!(tree.depth[next], tree.depth[tree.parent[next]] + 1);
                assert!(tree.depth[next] <= tree.depth[node] + 1);
            }
            node = next;
        }
        assert_eq!(node, tree.root);
        let mut out = supply.to_vec();
        let mut inflow = vec![0.0; demand.len()];
        for (i, j, flow) in tree.arcs() {
            assert!(flow >= 0.0);
            out[i] -= flow;
            inflow[j] += flow;
            let slack = costs.cost(i, j) - tree.potential[i] - tree.potential[tree.rows + j];
            assert!(
                slack.abs() < 1e-12,
                "tree arc ({i}, {j}) not tight: {slack}"
            );
            if flow == 0.0 {
                assert_eq!(
                    tree.parent[i],
                    tree.rows + j,
                    "an empty arc must point to the root"
                );
            }
        }
        assert!(out.iter().all(|r| r.abs() < 1e-12));
        assert!(
            inflow
                .iter()
                .zip(demand)
                .all(|(f, d)| (f - d).abs() < 1e-12)
        );
    }

    #[test]
    fn pivots_keep_the_tree_consistent() {
        let mut seed = 11u64;
        let mut random = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for (n, m) in [(1, 1), (1, 4), (4, 1), (3, 3), (5, 7), (8, 6)] {
            // Uniform masses make every step degenerate; random costs with few values tie.
            let supply = vec![1.0 / n as f64; n];
            let demand = vec![1.0 / m as f64; m];
            let cost = Array2::from_shape_fn((n, m), |_| (random() * 4.0).floor());
            let costs = DenseCosts::new(cost.view(), None, None);
            let mut tree = SpanningTree::north_west_corner(&supply, &demand, &costs);
            assert_consistent(&tree, &supply, &demand, &costs);
            for _ in 0..200 {
                let (i, j) = (
                    (random() * n as f64) as usize,
                    (random() * m as f64) as usize,
                );
                if tree.contains(i, j) {
                    continue;
                }
                tree.pivot(i, j, &costs);
                assert_consistent(&tree, &supply, &demand, &costs);
            }
        }
    }
}
