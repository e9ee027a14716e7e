//! The `ot` example end to end on two disks 16 pixels apart: the exact W₂² is 16² (the disks are
//! the same shape), the geodesic's W₂² agrees with it, the barycentre costs at least the exact
//! midpoint's W₂²/4, and each subcommand writes what it says.

mod common;

use std::path::Path;
use std::process::Command;

use common::{binary, scratch};
use dotae::data::write_gray_png;
use ndarray::Array2;

fn disk(centre_col: f64) -> Array2<f64> {
    Array2::from_shape_fn((24, 32), |(i, j)| {
        let d = (i as f64 - 12.0).hypot(j as f64 - centre_col);
        f64::from(u8::from(d <= 4.0))
    })
}

/// Runs `ot` with `args`; its JSON report.
fn ot(args: &[&str]) -> serde_json::Value {
    let output = Command::new(binary("ot")).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{args:?}: {stderr}");
    serde_json::from_slice(&output.stdout).unwrap()
}

fn path(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

#[test]
fn emd_barycentre_and_geodesic_of_two_disks() {
    let dir = scratch("ot");
    write_gray_png(&dir.join("a.png"), &disk(8.0)).unwrap();
    write_gray_png(&dir.join("b.png"), &disk(24.0)).unwrap();
    let (a, b) = (path(&dir, "a.png"), path(&dir, "b.png"));

    let exact = ot(&["emd", &a, &b])["w2_squared"].as_f64().unwrap();
    assert!((exact - 256.0).abs() < 1e-9, "{exact}");

    let out = path(&dir, "geodesic");
    let geodesic = ot(&["geodesic", &a, &b, "--steps", "8", "--out", &out]);
    let w2 = geodesic["w2_squared"].as_f64().unwrap();
    assert!(geodesic["converged"].as_bool().unwrap());
    assert!((w2 / exact - 1.0).abs() < 0.02, "{w2} against {exact}");
    for name in ["geodesic.npy", "geodesic.png", "geodesic.gif"] {
        assert!(dir.join("geodesic").join(name).is_file(), "{name}");
    }

    let out = path(&dir, "barycentre");
    let barycentre = ot(&[
        "barycentre",
        &a,
        &b,
        "--weights",
        "0.5",
        "0.5",
        "--out",
        &out,
    ]);
    assert!(barycentre["converged"].as_bool().unwrap());
    // The exact midpoint disk costs W₂²/4; the entropic blur can only add to it.
    let cost = barycentre["cost"].as_f64().unwrap();
    assert!(
        cost >= exact / 4.0 - 1e-9 && cost < exact / 4.0 * 1.1,
        "{cost}"
    );
    assert!(dir.join("barycentre/barycentre.npy").is_file());
    let _ = std::fs::remove_dir_all(&dir);
}
