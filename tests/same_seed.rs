//! Same seed, same numbers: two runs of one experiment command give the same scores, the same
//! learning curves and the same decoded paths, byte for byte (issue 12's acceptance), and a
//! different seed gives different ones, so the comparison can fail. The checkpoints are not
//! compared as files: Burn names each parameter with a random id, which differs between runs.

use std::path::Path;
use std::process::Command;

mod common;

use common::{binary, scratch};

/// Every method, so the adversarial critics (ACAI, AEAI) and the VAE's noise are covered.
const METHODS: [&str; 5] = ["baseline", "vae", "acai", "aeai", "path-energy"];

/// Runs `pole --quick --seed SEED` for every method into `out`.
fn pole_quick(out: &Path, seed: u64) {
    let output = Command::new(binary("pole"))
        .args(["--quick", "--seed", &seed.to_string(), "--method"])
        .args(METHODS)
        .arg("--out")
        .arg(out)
        .output()
        .expect("the binary runs");
    assert!(
        output.status.success(),
        "pole --quick --seed {seed}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `value` without its wall-clock fields (`train_seconds`, `seconds_per_step`,
/// `seconds_total`), the only ones a run may not repeat.
fn without_timings(value: &serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => map
            .iter()
            .filter(|(key, _)| !key.contains("seconds"))
            .map(|(key, value)| (key.clone(), without_timings(value)))
            .collect(),
        serde_json::Value::Array(items) => items.iter().map(without_timings).collect(),
        other => other.clone(),
    }
}

fn results(out: &Path) -> serde_json::Value {
    let bytes = std::fs::read(out.join("results.json")).expect("the run wrote results.json");
    without_timings(&serde_json::from_slice(&bytes).expect("results.json is JSON"))
}

fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_same_seed_repeats_every_number_and_another_seed_does_not() {
    let dir = scratch("same-seed");
    let (first, second, other) = (dir.join("first"), dir.join("second"), dir.join("other"));
    pole_quick(&first, 0);
    pole_quick(&second, 0);
    pole_quick(&other, 1);

    let (first_results, other_results) = (results(&first), results(&other));
    assert_eq!(first_results, results(&second));
    assert!(
        first_results["methods"]
            .as_array()
            .expect("results.json lists its methods")
            .len()
            == METHODS.len()
    );
    for (index, method) in METHODS.iter().enumerate() {
        let paths = Path::new(method).join("paths.npy");
        assert!(
            bytes(&first.join(&paths)) == bytes(&second.join(&paths)),
            "{method}: its decoded test paths differ between two runs of seed 0"
        );
        assert_ne!(
            first_results["methods"][index]["test_mse_per_epoch"],
            other_results["methods"][index]["test_mse_per_epoch"],
            "{method}: seeds 0 and 1 trained alike"
        );
        // The energy ratios carry their quartiles beside the mean a few paths can carry.
        for ratio in ["energy_vs_dissolve", "energy_vs_exact"] {
            let summary = &first_results["methods"][index]["paths"][ratio];
            let quartile = |name: &str| {
                summary["quartiles"][name].as_f64().unwrap_or_else(|| {
                    panic!("{method}: {ratio} has no {name} quartile: {summary}")
                })
            };
            assert!(
                quartile("lower") <= quartile("median") && quartile("median") <= quartile("upper"),
                "{method}: {ratio}: {summary}"
            );
        }
    }
}
