//! A path goes through the user's route: files on disk, the reader, the operator.

use dotae::data::synthetic::{gaussian, translation};
use dotae::data::{read_paths_npy, read_png_frames, write_gray_png, write_npy};
use dotae::energy::{Boundary, Grid, PathEnergy, PathEnergyConfig, Request};
use ndarray::Axis;

mod common;

use common::scratch;

#[test]
fn a_translation_saved_as_npy_measures_its_squared_distance() {
    let dir = scratch("npy");
    let path = translation(6, (12.0, 9.0), (12.0, 15.0), |c| gaussian(24, 24, c, 2.5)).unwrap();
    let file = dir.join("path.npy");
    write_npy(&file, &path.mapv(|v| v as f32)).unwrap();
    let paths = read_paths_npy(&file).unwrap();
    let operator = PathEnergy::unit_mass(24, 24).unwrap();
    let out = operator
        .evaluate_batch(paths.view(), Request::GRADIENT)
        .unwrap();
    assert_eq!(out.len(), 1);
    let w2 = out[0].w2_estimate();
    assert!((w2 - 36.0).abs() < 0.03 * 36.0, "T·J = {w2}");
    // Unit mass frames: the gradient is tangent to the mass constraint of each frame.
    let gradient = out[0].gradient.as_ref().unwrap();
    for (frame, grad) in paths
        .index_axis(Axis(0), 0)
        .outer_iter()
        .zip(gradient.outer_iter())
    {
        let along_frame: f64 = (&frame * &grad).sum();
        assert!(along_frame.abs() < 1e-9 * grad.iter().map(|g| g.abs()).sum::<f64>().max(1.0));
    }
}

#[test]
fn png_frames_give_the_energy_of_the_same_frames_in_memory() {
    let dir = scratch("png");
    let path = translation(4, (8.0, 5.0), (8.0, 11.0), |c| gaussian(16, 16, c, 2.0)).unwrap();
    for (t, frame) in path.outer_iter().enumerate() {
        write_gray_png(&dir.join(format!("{t:03}.png")), &frame.to_owned()).unwrap();
    }
    let frames = read_png_frames(&dir).unwrap();
    // 8-bit frames are exactly zero far from the blob: a floor keeps every cell crossable.
    let config = PathEnergyConfig::default().normalized(1.0).floor(1e-3);
    let operator =
        PathEnergy::new(Grid::new(16, 16, Boundary::Dirichlet).unwrap(), config).unwrap();
    let from_files = operator.energy(frames.view()).unwrap();
    let in_memory = operator
        .energy(frames.mapv(|v| (v * 255.0).round() / 255.0).view())
        .unwrap();
    assert_eq!(from_files, in_memory);
    let exact = operator.energy(path.view()).unwrap();
    // 8-bit quantisation of the frames changes the energy only a little.
    assert!(
        (from_files - exact).abs() < 0.05 * exact,
        "{from_files} vs {exact}"
    );
}
