use dotae_grid::{Boundary, Grid, GridError, TimeWeights};
use ndarray::Array2;
use proptest::prelude::*;

fn boundary() -> impl Strategy<Value = Boundary> {
    prop::sample::select(Boundary::ALL.to_vec())
}

/// A grid of 1..7 × 1..7 cells, with a random obstacle mask on about a fifth of the cells.
fn grid() -> impl Strategy<Value = Grid> {
    (1usize..7, 1usize..7, boundary(), any::<bool>()).prop_flat_map(|(rows, cols, b, with_mask)| {
        prop::collection::vec(prop::bool::weighted(0.2), rows * cols).prop_map(move |flags| {
            let mask = Array2::from_shape_vec((rows, cols), flags).unwrap();
            if with_mask && !mask.iter().all(|&o| o) {
                Grid::with_obstacles(rows, cols, b, mask.view()).unwrap()
            } else {
                Grid::new(rows, cols, b).unwrap()
            }
        })
    })
}

fn values(len: usize) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(-1.0f64..1.0, len)
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

proptest! {
    #[test]
    fn divergence_transpose_is_the_adjoint((grid, m, y) in grid().prop_flat_map(|g| {
        let (f, c) = (g.faces().len(), g.cells());
        (Just(g), values(f), values(c))
    })) {
        let mut dm = vec![0.0; grid.cells()];
        grid.divergence(&m, &mut dm).unwrap();
        let mut dty = vec![0.0; grid.faces().len()];
        grid.divergence_transpose(&y, &mut dty).unwrap();
        prop_assert!((dot(&dm, &y) - dot(&m, &dty)).abs() < 1e-12);
    }

    #[test]
    fn divergence_matrix_matches_the_operator((grid, m) in grid().prop_flat_map(|g| {
        let f = g.faces().len();
        (Just(g), values(f))
    })) {
        let mut full = vec![0.0; grid.face_layout().len()];
        grid.scatter_faces(&m, &mut full).unwrap();
        let d = grid.divergence_matrix().unwrap();
        let mut expected = vec![0.0; grid.cells()];
        grid.divergence(&m, &mut expected).unwrap();
        let mut via_matrix = vec![0.0; grid.cells()];
        let col_ptr = d.symbolic().col_ptr();
        let row_idx = d.symbolic().row_idx();
        for col in 0..d.ncols() {
            for k in col_ptr[col]..col_ptr[col + 1] {
                via_matrix[row_idx[k]] += d.val()[k] * full[col];
            }
        }
        for (a, b) in expected.iter().zip(&via_matrix) {
            prop_assert!((a - b).abs() < 1e-12);
        }
    }

    #[test]
    fn divergence_sums_to_zero_on_unanchored_regions((grid, m) in grid().prop_flat_map(|g| {
        let f = g.faces().len();
        (Just(g), values(f))
    })) {
        let mut dm = vec![0.0; grid.cells()];
        grid.divergence(&m, &mut dm).unwrap();
        for region in grid.regions().iter().filter(|r| !r.anchored) {
            let total: f64 = region.cells.iter().map(|&c| dm[c]).sum();
            prop_assert!(total.abs() < 1e-12);
        }
    }

    #[test]
    fn face_weight_adjoint_matches((grid, rho, g) in grid().prop_flat_map(|g| {
        let (f, c) = (g.faces().len(), g.cells());
        (Just(g), values(c), values(f))
    })) {
        let mut u = vec![0.0; grid.faces().len()];
        grid.face_weights(&rho, &mut u).unwrap();
        let mut back = vec![0.0; grid.cells()];
        grid.face_weights_adjoint(&g, &mut back).unwrap();
        prop_assert!((dot(&u, &g) - dot(&rho, &back)).abs() < 1e-12);
    }

    #[test]
    fn time_weight_adjoint_matches(
        (a, b, g) in (1usize..20).prop_flat_map(|n| (values(n), values(n), values(n))),
        weights in prop::sample::select(TimeWeights::ALL.to_vec()),
    ) {
        let n = a.len();
        let mut bar = vec![0.0; n];
        weights.step_density(&a, &b, &mut bar);
        let (mut ga, mut gb) = (vec![0.0; n], vec![0.0; n]);
        weights.step_density_adjoint(&g, &mut ga, &mut gb);
        prop_assert!((dot(&bar, &g) - dot(&a, &ga) - dot(&b, &gb)).abs() < 1e-12);
    }

    #[test]
    fn no_kept_face_touches_an_obstacle(grid in grid()) {
        for face in grid.faces() {
            for c in [face.lo, face.hi].into_iter().flatten() {
                prop_assert!(!grid.is_obstacle(c));
            }
        }
        let covered: usize = grid.regions().iter().map(|r| r.cells.len()).sum();
        prop_assert_eq!(covered, grid.free_cells());
    }
}

#[test]
fn face_counts_per_boundary() {
    let (rows, cols) = (3, 4);
    let count = |b| Grid::new(rows, cols, b).unwrap().faces().len();
    assert_eq!(
        count(Boundary::Dirichlet),
        (rows + 1) * cols + rows * (cols + 1)
    );
    assert_eq!(
        count(Boundary::Neumann),
        (rows - 1) * cols + rows * (cols - 1)
    );
    assert_eq!(count(Boundary::Periodic), 2 * rows * cols);
}

#[test]
fn anchoring_follows_the_boundary() {
    assert!(Grid::new(3, 3, Boundary::Dirichlet).unwrap().regions()[0].anchored);
    assert!(!Grid::new(3, 3, Boundary::Neumann).unwrap().regions()[0].anchored);
    assert!(!Grid::new(3, 3, Boundary::Periodic).unwrap().regions()[0].anchored);
}

#[test]
fn a_wall_splits_the_domain_into_two_regions() {
    let mut mask = Array2::from_elem((5, 5), false);
    mask.column_mut(2).fill(true);
    let grid = Grid::with_obstacles(5, 5, Boundary::Neumann, mask.view()).unwrap();
    assert_eq!(grid.regions().len(), 2);
    assert!(
        grid.regions()
            .iter()
            .all(|r| r.cells.len() == 10 && !r.anchored)
    );
    // A ring of obstacles inside a Dirichlet grid encloses an unanchored region.
    let mut ring = Array2::from_elem((5, 5), false);
    for k in 1..4 {
        ring[[1, k]] = true;
        ring[[3, k]] = true;
        ring[[k, 1]] = true;
        ring[[k, 3]] = true;
    }
    let grid = Grid::with_obstacles(5, 5, Boundary::Dirichlet, ring.view()).unwrap();
    let anchored: Vec<bool> = grid.regions().iter().map(|r| r.anchored).collect();
    assert_eq!(anchored, vec![true, false]);
}

#[test]
fn bad_grids_are_typed_errors() {
    assert_eq!(
        Grid::new(0, 3, Boundary::Dirichlet).unwrap_err(),
        GridError::EmptyGrid { rows: 0, cols: 3 }
    );
    let wrong = Array2::from_elem((2, 3), false);
    let err = Grid::with_obstacles(3, 3, Boundary::Dirichlet, wrong.view()).unwrap_err();
    assert!(err.to_string().contains("obstacle mask has shape 2x3"));
    let full = Array2::from_elem((3, 3), true);
    let err = Grid::with_obstacles(3, 3, Boundary::Dirichlet, full.view()).unwrap_err();
    assert_eq!(err, GridError::MaskCoversGrid { cells: 9 });
    let grid = Grid::new(2, 2, Boundary::Dirichlet).unwrap();
    assert!(grid.face_weights(&[1.0; 3], &mut [0.0; 12]).is_err());
}
