//! `evaluate` reports what a path's interior frames keep of its endpoints: a translated disk
//! keeps its peak and sharpness, a cross-dissolve between two apart disks fades its peak.

mod common;

use std::process::Command;

use common::{binary, scratch};
use dotae::data::synthetic::disk;
use dotae::data::write_npy;
use ndarray::{Array5, Axis};

const STEPS: usize = 4;

/// One path `(1, T + 1, 1, 32, 32)` from `frame(s)` at `s = t/T`.
fn path(frame: impl Fn(f64) -> ndarray::Array2<f64>) -> Array5<f64> {
    let frames: Vec<_> = (0..=STEPS)
        .map(|t| frame(t as f64 / STEPS as f64))
        .collect();
    let views: Vec<_> = frames.iter().map(|f| f.view()).collect();
    ndarray::stack(Axis(0), &views)
        .unwrap()
        .insert_axis(Axis(1))
        .insert_axis(Axis(0))
}

fn profile_of(paths: &Array5<f64>, name: &str) -> serde_json::Value {
    let dir = scratch(name);
    let file = dir.join("paths.npy");
    write_npy(&file, paths).unwrap();
    let output = Command::new(binary("evaluate"))
        .arg(&file)
        .output()
        .expect("the binary runs");
    assert!(output.status.success(), "{output:?}");
    let _ = std::fs::remove_dir_all(&dir);
    let report: serde_json::Value =
        serde_json::from_str(&String::from_utf8_lossy(&output.stdout)).unwrap();
    report["profile"].clone()
}

#[test]
fn a_translation_keeps_its_peak_and_a_dissolve_fades_it() {
    let at = |col: f64| disk(32, 32, (16.0, col), 4.0).unwrap();
    let moving = profile_of(&path(|s| at(8.0 + 16.0 * s)), "profile-translation");
    let dissolving = profile_of(
        &path(|s| at(8.0) * (1.0 - s) + at(24.0) * s),
        "profile-dissolve",
    );
    let mean = |v: &serde_json::Value, key: &str| v[key]["mean"].as_f64().unwrap();
    assert!((mean(&moving, "peak_ratio") - 1.0).abs() < 1e-9, "{moving}");
    assert!(
        (mean(&moving, "sharpness_ratio") - 1.0).abs() < 0.05,
        "{moving}"
    );
    assert!(mean(&moving, "mass_deviation") < 0.02, "{moving}");
    let faded = (STEPS - 1) as f64 / STEPS as f64;
    assert!(
        (mean(&dissolving, "peak_ratio") - faded).abs() < 1e-9,
        "{dissolving}"
    );
    assert!(mean(&dissolving, "mass_deviation") < 1e-12, "{dissolving}");
}
