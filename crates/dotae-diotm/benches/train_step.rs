//! One training iteration of OTM and DIOTM at the experiments' defaults (batch 256 on the
//! 8 Gaussians), beside `benches/reference/pytorch_diotm_step.py`; and the scoring of a map
//! on 1000 test points (the exact assignment is solved once per run, the W₂ at every score).

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use dotae_diotm::{Benchmark, Diotm, ExactMap, MapTrainingConfig, NeuralMap, Otm};
use dotae_models::{SeededRng, cpu_device};

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("diotm");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10))
        .warm_up_time(Duration::from_secs(2));
    let device = cpu_device().autodiff();
    let benchmark = Benchmark::EightGaussians;
    let mut data = SeededRng::new(0);
    let (x, y) = (
        benchmark.source(256, &mut data),
        benchmark.target(256, &mut data),
    );
    let mut otm = Otm::new(MapTrainingConfig::new(), &device).unwrap();
    group.bench_function("otm_train_step/256", |b| {
        b.iter(|| otm.train_step(x.view(), y.view()).unwrap())
    });
    let mut diotm = Diotm::new(MapTrainingConfig::new(), &device).unwrap();
    group.bench_function("diotm_train_step/256", |b| {
        b.iter(|| diotm.train_step(x.view(), y.view()).unwrap())
    });
    let mut test = SeededRng::new(1);
    let (tx, ty) = (
        benchmark.source(1000, &mut test),
        benchmark.target(1000, &mut test),
    );
    let exact = ExactMap::new(tx.view(), ty.view()).unwrap();
    group.bench_function("score/1000", |b| {
        b.iter(|| {
            exact
                .score(diotm.transport(tx.view()).unwrap().view())
                .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
