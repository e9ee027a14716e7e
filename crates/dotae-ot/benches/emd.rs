//! The network simplex on the inputs POT is timed on (benches/reference/pot_emd.py --time):
//! the 32×32 image pairs (1024 × 1024 when strictly positive) and the 1000-point clouds.

use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use dotae_ot::{emd, squared_euclidean_cost, w2_squared_images, w2_squared_points};
use ndarray::{Array1, Array2};
use ndarray_npy::read_npy;

fn fixture(name: &str) -> Array2<f64> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/reference/emd/{name}.npy"));
    read_npy(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run benches/reference/pot_emd.py)", path.display()))
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("emd");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5))
        .warm_up_time(Duration::from_secs(1));
    for name in ["image_positive", "image_sparse"] {
        let (a, b) = (fixture(&format!("{name}_a")), fixture(&format!("{name}_b")));
        group.bench_function(format!("w2_squared_images/{name}"), |bench| {
            bench.iter(|| w2_squared_images(a.view(), b.view()).unwrap())
        });
    }
    let (x, y) = (fixture("points_x"), fixture("points_y"));
    group.bench_function("w2_squared_points/1000", |bench| {
        bench.iter(|| w2_squared_points(x.view(), y.view()).unwrap())
    });
    // The same problem through the dense API, with the cost built beforehand (as POT's timing).
    let cost = squared_euclidean_cost(x.view(), y.view()).unwrap();
    let uniform = Array1::from_elem(1000, 1e-3);
    group.bench_function("emd_dense_cost/points_1000", |bench| {
        bench.iter(|| {
            emd(uniform.view(), uniform.view(), cost.view())
                .unwrap()
                .cost
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
