//! Every experiment of the `paper` binary runs in its quick form, writes what docs/paper.md
//! reads (figure, GIFs, paths, reference, results.json) and scores each row against the
//! reference.

use std::process::Command;

mod common;

use common::{binary, scratch};

/// Runs `paper EXPERIMENT --quick` into a scratch folder and returns its `results.json`.
fn quick(experiment: &str) -> (common::Scratch, serde_json::Value) {
    let dir = scratch(&format!("paper-{experiment}"));
    let out = dir.join("out");
    let output = Command::new(binary("paper"))
        .args([experiment, "--quick", "--out"])
        .arg(&out)
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{experiment}: {stderr}");
    for file in ["figure.png", "loss.png", "reference.npy", "reference.gif"] {
        assert!(out.join(file).is_file(), "{experiment}: {file} is missing");
    }
    let results: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
    for row in results["rows"].as_array().unwrap() {
        let key = row["key"].as_str().unwrap();
        assert!(out.join(key).join("path.npy").is_file(), "{key}");
        assert!(out.join(format!("{key}.gif")).is_file(), "{key}");
        for score in [
            "energy_ratio",
            "peak_ratio",
            "mass_deviation",
            "floor_share",
        ] {
            assert!(row[score].is_number(), "{key}: {score} in {row}");
        }
    }
    // The reference scored against itself.
    assert_eq!(results["reference_scores"]["energy_ratio"], 1.0);
    (dir, results)
}

/// The `key` of every row of `results`, in order.
fn row_keys(results: &serde_json::Value) -> Vec<&str> {
    results["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect()
}

#[test]
fn boundary_trains_each_boundary_and_the_plain_autoencoder() {
    let (_dir, results) = quick("boundary");
    let keys = row_keys(&results);
    assert_eq!(keys, ["neumann", "dirichlet", "periodic", "plain"]);
}

#[test]
fn steps_trains_every_t_and_decodes_each_at_the_same_frames() {
    let (_dir, results) = quick("steps");
    let trained: Vec<u64> = results["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["trained_steps"].as_u64().unwrap())
        .collect();
    assert_eq!(trained, [2, 5, 10, 20, 40, 10]);
    assert_eq!(results["setup"]["decoded_steps"], 20);
}

#[test]
fn labyrinth_solves_its_reference_around_the_walls_and_reports_mass_on_them() {
    let (_dir, results) = quick("labyrinth");
    assert!(results["setup"]["geodesic_w2_squared"].as_f64().unwrap() > 0.0);
    for row in results["rows"].as_array().unwrap() {
        let on_walls = row["mass_on_walls"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&on_walls), "{row}");
    }
}

#[test]
fn ot_vs_uot_trains_balanced_unbalanced_and_plain_rows() {
    let (_dir, results) = quick("ot-vs-uot");
    let keys = row_keys(&results);
    assert_eq!(
        keys,
        [
            "balanced",
            "unbalanced-tau0.1",
            "unbalanced-tau1",
            "unbalanced-tau10",
            "plain"
        ]
    );
    // The reference is drawn between the two images' masses: its ends are the images.
    assert!(
        results["reference_scores"]["reconstruction_mse"]
            .as_f64()
            .unwrap()
            < 1e-3
    );
}

#[test]
fn barycentres_scores_three_grids_of_each_problem_by_their_exact_cost() {
    let dir = scratch("paper-barycentres");
    let out = dir.join("out");
    let output = Command::new(binary("paper"))
        .args(["barycentres", "--quick", "--out"])
        .arg(&out)
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    // 10 epochs on 16×16 train nothing, and the run says so (probe 21, X06).
    assert!(stderr.contains("an undertrained decoder"), "{stderr}");
    let results: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
    for (problem, key) in results["problems"]
        .as_array()
        .unwrap()
        .iter()
        .zip(["disks", "shapes"])
    {
        assert!(out.join(key).join("grids.png").is_file(), "{key}");
        let methods: Vec<&str> = problem["grids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["method"].as_str().unwrap())
            .collect();
        assert_eq!(
            methods,
            ["path energy", "convolutional barycentre", "plain AE"]
        );
        for grid in problem["grids"].as_array().unwrap() {
            // No image costs less than the pairwise bound.
            let cost = grid["cost_over_bound"]["mean"].as_f64().unwrap();
            assert!(cost >= 1.0 - 1e-9, "{grid}");
            assert!(grid["edge_energy_ratio"]["mean"].is_number(), "{grid}");
            assert!(grid["reconstruction_mse"].is_number(), "{grid}");
        }
        // Each trained model beside the others at the top of --out, where a failed run keeps
        // its checkpoint.
        for method in ["path_energy", "plain"] {
            assert!(out.join(format!("{key}-{method}/model.bpk")).is_file());
        }
    }
}

#[test]
fn auxiliary_measures_both_runs_along_the_way() {
    let dir = scratch("paper-auxiliary");
    let out = dir.join("out");
    let output = Command::new(binary("paper"))
        .args(["auxiliary", "--quick", "--out"])
        .arg(&out)
        .output()
        .expect("the binary runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for file in ["figure.png", "curves.png", "reference.npy"] {
        assert!(out.join(file).is_file(), "{file} is missing");
    }
    let results: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
    let runs = results["runs"].as_array().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(runs[0]["images"], 2);
    // --quick: a 6×6 lattice of disk positions.
    assert_eq!(runs[1]["images"], 36);
    for run in runs {
        let checkpoints = run["checkpoints"].as_array().unwrap();
        let epochs = run["epochs"].as_u64().unwrap();
        assert_eq!(checkpoints.last().unwrap()["epoch"].as_u64(), Some(epochs));
        for checkpoint in checkpoints {
            assert!(checkpoint["energy_ratio"].is_number(), "{checkpoint}");
        }
        // Probe 23: a run whose decoder ends missing the two images said nothing.
        let last = checkpoints.last().unwrap();
        if last["missed_ends"] == true {
            let warning = format!("warning: {}, epoch {epochs}", run["run"].as_str().unwrap());
            assert!(stderr.contains(&warning), "no `{warning}` in: {stderr}");
        }
    }
}
