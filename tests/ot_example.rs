//! The `ot` example end to end on two disks 16 pixels apart: the exact W₂² is 16² (the disks are
//! the same shape), the geodesic's W₂² agrees with it, the barycentre costs at least the exact
//! midpoint's W₂²/4, and each subcommand writes what it says. Then what the binary warns about
//! or refuses: geodesics too large or too long, too coarse for their images, blends beyond the
//! exact solver's size, and an `--out` that would replace an input.

mod common;

use std::path::Path;
use std::process::Command;

use common::{binary, scratch};
use dotae::data::write_gray_png;
use ndarray::Array2;

fn disk(centre_col: f64) -> Array2<f64> {
    disk_at((24, 32), (12.0, centre_col), 4.0)
}

/// An image of `shape` holding 1 within `radius` of `centre`.
fn disk_at(shape: (usize, usize), centre: (f64, f64), radius: f64) -> Array2<f64> {
    Array2::from_shape_fn(shape, |(i, j)| {
        let d = (i as f64 - centre.0).hypot(j as f64 - centre.1);
        f64::from(u8::from(d <= radius))
    })
}

/// Runs `ot` with `args`; its JSON report.
fn ot(args: &[&str]) -> serde_json::Value {
    ot_warning(args).0
}

/// Runs `ot` with `args`, which must succeed; its JSON report and its stderr.
fn ot_warning(args: &[&str]) -> (serde_json::Value, String) {
    let output = Command::new(binary("ot")).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{args:?}: {stderr}");
    (serde_json::from_slice(&output.stdout).unwrap(), stderr)
}

/// Runs `ot` with `args`, which must fail with exit code 1; its stderr.
fn ot_error(args: &[&str]) -> String {
    let output = Command::new(binary("ot")).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
    assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
    stderr
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
    let (geodesic, stderr) = ot_warning(&["geodesic", &a, &b, "--steps", "8", "--out", &out]);
    let w2 = geodesic["w2_squared"].as_f64().unwrap();
    assert!(geodesic["converged"].as_bool().unwrap());
    assert!((w2 / exact - 1.0).abs() < 0.02, "{w2} against {exact}");
    assert_eq!(geodesic["exact_w2_squared"].as_f64(), Some(exact));
    assert!(!stderr.contains("warning"), "{stderr}");
    for name in ["geodesic.npy", "geodesic.png", "geodesic.gif"] {
        assert!(dir.join("geodesic").join(name).is_file(), "{name}");
    }
    // The written frames re-score by `path_energy` to the T·J this run reported.
    let rescored = Command::new(binary("path_energy"))
        .arg(dir.join("geodesic/geodesic.npy"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&rescored.stderr);
    assert!(rescored.status.success(), "{stderr}");
    let rescored: serde_json::Value = serde_json::from_slice(&rescored.stdout).unwrap();
    let measured = geodesic["path_energy_w2_estimate"].as_f64().unwrap();
    let again = rescored["w2_estimate"].as_f64().unwrap();
    assert!(
        (again / measured - 1.0).abs() < 1e-6,
        "{again} against {measured}"
    );

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

/// A geodesic's space-time grid beyond the bound is refused before any work, naming `--steps`
/// and the images' size; one whose iteration limit could keep it running for minutes says so
/// before it starts, naming `--max-iterations` and `--steps` (these disks converge within a
/// second all the same).
#[test]
fn geodesic_refuses_a_huge_grid_and_warns_about_a_long_run() {
    let dir = scratch("ot-geodesic-time");
    let large = (path(&dir, "a128.png"), path(&dir, "b128.png"));
    write_gray_png(
        Path::new(&large.0),
        &disk_at((128, 128), (64.0, 32.0), 16.0),
    )
    .unwrap();
    write_gray_png(
        Path::new(&large.1),
        &disk_at((128, 128), (64.0, 96.0), 16.0),
    )
    .unwrap();
    let out = path(&dir, "refused");
    let stderr = ot_error(&[
        "geodesic", &large.0, &large.1, "--steps", "200", "--out", &out,
    ]);
    for words in ["128x128", "--steps 200", "space-time cells"] {
        assert!(stderr.contains(words), "{words}: {stderr}");
    }
    assert!(!Path::new(&out).exists());

    let small = (path(&dir, "a16.png"), path(&dir, "b16.png"));
    write_gray_png(Path::new(&small.0), &disk_at((16, 16), (8.0, 4.0), 2.0)).unwrap();
    write_gray_png(Path::new(&small.1), &disk_at((16, 16), (8.0, 12.0), 2.0)).unwrap();
    let out = path(&dir, "long");
    let (report, stderr) = ot_warning(&[
        "geodesic",
        &small.0,
        &small.1,
        "--steps",
        "8",
        "--max-iterations",
        "1000000",
        "--out",
        &out,
    ]);
    assert!(report["converged"].as_bool().unwrap(), "{report}");
    let warning = stderr
        .lines()
        .find(|line| line.contains("may run for up to about"))
        .unwrap_or_else(|| panic!("no warning about the time: {stderr}"));
    for words in ["--max-iterations 1000000", "--steps 8", "min"] {
        assert!(warning.contains(words), "{words}: {warning}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// One-pixel images on a 4×4 grid: the staggered grid smears them, so the geodesic's W₂² is
/// about 1.3x the exact 18 although it converged; the report gives the exact value and warns.
#[test]
fn geodesic_of_images_too_coarse_for_its_grid_warns_against_the_exact_w2() {
    let dir = scratch("ot-geodesic-coarse");
    let (a, b) = (path(&dir, "a.png"), path(&dir, "b.png"));
    let mut corner = Array2::zeros((4, 4));
    corner[[0, 0]] = 1.0;
    write_gray_png(Path::new(&a), &corner).unwrap();
    corner.swap([0, 0], [3, 3]);
    write_gray_png(Path::new(&b), &corner).unwrap();
    let out = path(&dir, "out");
    let (report, stderr) = ot_warning(&["geodesic", &a, &b, "--out", &out]);
    assert_eq!(report["exact_w2_squared"].as_f64(), Some(18.0), "{report}");
    let w2 = report["w2_squared"].as_f64().unwrap();
    assert!(w2 > 1.25 * 18.0, "{report}");
    assert!(
        stderr.contains("the exact W₂²") && stderr.contains("too coarse for these 4x4 images"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Two 128×128 disks hold more pairs of pixels with mass than the exact solver is given, so the
/// barycentre's costs are checked on 2×2 block sums: at ε = 2e-3 the result is close to a blend
/// (about 2x the optimum) and draws the warning, saying the optimum was estimated on a coarser
/// grid; at 7.5e-3 it is the midpoint disk and draws none. The exact costs stay null.
#[test]
fn barycentre_beyond_the_exact_solver_still_warns_about_a_blend() {
    let dir = scratch("ot-barycentre-coarse");
    let (a, b) = (path(&dir, "a.png"), path(&dir, "b.png"));
    write_gray_png(Path::new(&a), &disk_at((128, 128), (28.0, 28.0), 26.0)).unwrap();
    write_gray_png(Path::new(&b), &disk_at((128, 128), (99.0, 99.0), 26.0)).unwrap();
    for (epsilon, blend) in [("2e-3", true), ("7.5e-3", false)] {
        let out = path(&dir, epsilon);
        let (report, stderr) =
            ot_warning(&["barycentre", &a, &b, "--epsilon", epsilon, "--out", &out]);
        assert!(report["cost"].is_null(), "{report}");
        let coarse = &report["coarse_estimates"];
        assert_eq!(coarse["block_pixels"].as_u64(), Some(2), "{report}");
        let ratio = coarse["cost"].as_f64().unwrap() / coarse["optimal_cost"].as_f64().unwrap();
        assert_eq!(ratio > 1.5, blend, "ε {epsilon}: {ratio}");
        assert_eq!(
            stderr.contains("close to a blend"),
            blend,
            "ε {epsilon}: {stderr}"
        );
        if blend {
            assert!(
                stderr.contains("2x2-pixel block sums") && stderr.contains("coarser grid"),
                "{stderr}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// An input that is one of the files a run writes into `--out` (the `.npy` or a picture) is
/// refused before any work, naming the input, `--out` and the file; the input stays as it was.
#[test]
fn a_run_refuses_to_replace_its_own_input() {
    let dir = scratch("ot-own-input");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let b = path(&dir, "b.png");
    write_gray_png(Path::new(&b), &disk(24.0)).unwrap();
    for (command, name) in [
        ("barycentre", "barycentre.png"),
        ("geodesic", "geodesic.png"),
    ] {
        let input = out.join(name);
        write_gray_png(&input, &disk(8.0)).unwrap();
        let before = std::fs::read(&input).unwrap();
        let input = input.display().to_string();
        let out = out.display().to_string();
        let stderr = ot_error(&[command, &input, &b, "--out", &out]);
        for words in [input.as_str(), "--out", out.as_str(), name] {
            assert!(stderr.contains(words), "{command}: {words}: {stderr}");
        }
        assert_eq!(std::fs::read(&input).unwrap(), before, "{command}");
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1, "{command}");
        std::fs::remove_file(&input).unwrap();
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Many small images: each exact problem is small, but all of them together (each image's cost
/// to the barycentre and every pair's) would run for minutes, so the exact costs are skipped and
/// said so (probe 8: 1 024 images of 128×128 ran for 10 minutes and ignored a signal).
#[test]
fn barycentre_of_many_images_bounds_its_exact_costs() {
    let dir = scratch("ot-many");
    let image = path(&dir, "disk.npy");
    dotae::data::write_npy(Path::new(&image), &disk_at((16, 16), (8.0, 8.0), 4.0)).unwrap();
    let mut args = vec!["barycentre"];
    args.extend(std::iter::repeat_n(image.as_str(), 300));
    let out = path(&dir, "out");
    args.extend(["--out", out.as_str()]);
    let (report, stderr) = ot_warning(&args);
    assert!(report["cost"].is_null(), "{report}");
    assert!(
        stderr.contains("all the costs together at most 33554432 pairs"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A colour image is not a density: averaging its channels would make two different pictures
/// one (probe 8: a red and a blue disk had W₂² 0).
#[test]
fn a_colour_png_is_refused_as_a_density() {
    let dir = scratch("ot-colour");
    let mut colour = ndarray::Array3::zeros((3, 8, 8));
    colour
        .index_axis_mut(ndarray::Axis(0), 0)
        .assign(&disk_at((8, 8), (4.0, 4.0), 2.0));
    let red = path(&dir, "red.png");
    dotae::data::write_png(Path::new(&red), &colour).unwrap();
    let gray = path(&dir, "gray.png");
    write_gray_png(Path::new(&gray), &disk_at((8, 8), (4.0, 4.0), 2.0)).unwrap();
    let message = ot_error(&["emd", &red, &gray]);
    assert!(
        message.contains("red.png") && message.contains("is coloured"),
        "{message}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
