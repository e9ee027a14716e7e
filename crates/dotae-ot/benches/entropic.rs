//! Entropic OT timings on the inputs POT is timed on (`python3
//! benches/reference/pot_entropic.py --time`): Sinkhorn on the 40 × 50 fixture problem, and
//! convolutional barycentres of the four 32 × 32 and 64 × 64 shapes for a fixed 200
//! iterations.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use dotae_ot::{BarycentreConfig, Silent, SinkhornConfig, convolutional_barycentre, sinkhorn_with};
use ndarray::{Array, Array1, Array2, Array3, Dimension, array};
use ndarray_npy::{ReadableElement, read_npy};

fn fixture<D: Dimension>(name: &str) -> Array<f64, D>
where
    f64: ReadableElement,
{
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reference/entropic")
        .join(format!("{name}.npy"));
    read_npy(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn sinkhorn_bench(c: &mut Criterion) {
    let a: Array1<f64> = fixture("sinkhorn_a");
    let b: Array1<f64> = fixture("sinkhorn_b");
    let cost: Array2<f64> = fixture("sinkhorn_cost");
    // The settings of POT's timing: reg 0.05, stopThr 1e-9, numItermax 1000.
    let config = SinkhornConfig {
        epsilon: 0.05,
        max_iterations: 1000,
        tolerance: 1e-9,
    };
    c.bench_function("sinkhorn 40x50 eps=0.05", |bench| {
        bench.iter(|| {
            sinkhorn_with(
                black_box(a.view()),
                black_box(b.view()),
                black_box(cost.view()),
                &config,
                &mut Silent,
            )
            .expect("valid problem")
        })
    });
}

fn barycentre_bench(c: &mut Criterion) {
    let weights = array![0.1, 0.2, 0.3, 0.4];
    // POT's timing: reg 0.004, exactly 200 iterations (stopThr 0).
    let config = BarycentreConfig {
        epsilon: 0.004,
        max_iterations: 200,
        stop_threshold: f64::MIN_POSITIVE,
    };
    for n in [32, 64] {
        let images: Array3<f64> = fixture(&format!("shapes{n}"));
        c.bench_function(
            &format!("convolutional barycentre 4x{n}x{n} 200 iterations"),
            |bench| {
                bench.iter(|| {
                    convolutional_barycentre(
                        black_box(images.view()),
                        black_box(weights.view()),
                        &config,
                    )
                    .expect("valid images")
                })
            },
        );
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = sinkhorn_bench, barycentre_bench
}
criterion_main!(benches);
