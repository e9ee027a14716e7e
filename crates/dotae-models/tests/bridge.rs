//! The loss bridge's gradient through a small decoder equals finite differences.

use burn::prelude::*;
use burn::tensor::FloatDType;
use dotae_models::{AutoencoderConfig, PathEnergyLossConfig};

/// The autodiff ndarray device in f64, configured once per process (burn allows one
/// configuration per device).
#[allow(deprecated)] // burn 0.22 deprecates ndarray in favour of flex; DESIGN asks for ndarray.
fn f64_device() -> Device {
    static DEVICE: std::sync::OnceLock<Device> = std::sync::OnceLock::new();
    DEVICE
        .get_or_init(|| {
            let mut device = Device::ndarray();
            device
                .configure(FloatDType::F64)
                .expect("ndarray supports f64");
            device.autodiff()
        })
        .clone()
}

/// Decodes `(1 - s) z0 + s z1` for `s = t/T` and builds the path with data endpoints.
fn path_loss(
    decoder: &dotae_models::Decoder,
    bridge: &dotae_models::PathEnergyLoss,
    z: Tensor<4>,
    x0: Tensor<4>,
    x1: Tensor<4>,
    steps: usize,
) -> Tensor<1> {
    let [_, c, h, w] = z.dims();
    let z0 = z.clone().slice([0..1, 0..c, 0..h, 0..w]);
    let z1 = z.slice([1..2, 0..c, 0..h, 0..w]);
    let latents: Vec<Tensor<4>> = (1..steps)
        .map(|t| {
            let s = t as f64 / steps as f64;
            z0.clone().mul_scalar(1.0 - s) + z1.clone().mul_scalar(s)
        })
        .collect();
    let decoded = decoder.forward(Tensor::cat(latents, 0));
    let frames = Tensor::cat(vec![x0, decoded, x1], 0);
    let [f, ch, r, q] = frames.dims();
    bridge
        .forward(frames.reshape([1, f, ch, r, q]))
        .unwrap()
        .loss
}

#[test]
fn gradient_through_a_decoder_matches_finite_differences() {
    let device = f64_device();
    let config = AutoencoderConfig::new()
        .with_width(2)
        .with_blocks(1)
        .with_bottleneck(4)
        .with_latent_channels(2);
    let model = config.init(&device).unwrap();
    let bridge = PathEnergyLossConfig {
        energy_size: [5, 5],
        epsilon: 1e-3,
        ..Default::default()
    }
    .init()
    .unwrap();
    // 8×8 images measured on a 5×5 energy grid: the gradient also crosses the area averaging,
    // at a fractional factor.
    let x0 = Tensor::<4>::random(
        [1, 1, 8, 8],
        burn::tensor::Distribution::Uniform(0.1, 1.0),
        &device,
    );
    let x1 = Tensor::<4>::random(
        [1, 1, 8, 8],
        burn::tensor::Distribution::Uniform(0.1, 1.0),
        &device,
    );
    let z = Tensor::<4>::random(
        [2, 2, 4, 4],
        burn::tensor::Distribution::Normal(0.0, 1.0),
        &device,
    )
    .require_grad();
    let steps = 4;
    let loss = path_loss(
        &model.decoder,
        &bridge,
        z.clone(),
        x0.clone(),
        x1.clone(),
        steps,
    );
    let grads = loss.backward();
    let analytic: Vec<f64> = z
        .grad(&grads)
        .unwrap()
        .into_data()
        .try_into_vec_as::<f64>()
        .unwrap();
    let base: Vec<f64> = z
        .clone()
        .detach()
        .into_data()
        .try_into_vec_as::<f64>()
        .unwrap();

    let h = 1e-6;
    let energy_at = |values: Vec<f64>| -> f64 {
        let zz = Tensor::<4>::from_data(TensorData::new(values, [2, 2, 4, 4]), &device);
        let loss = path_loss(&model.decoder, &bridge, zz, x0.clone(), x1.clone(), steps);
        loss.into_data().try_into_vec_as::<f64>().unwrap()[0]
    };
    let scale = analytic.iter().map(|g| g * g).sum::<f64>().sqrt();
    for k in (0..base.len()).step_by(5) {
        let (mut plus, mut minus) = (base.clone(), base.clone());
        plus[k] += h;
        minus[k] -= h;
        let numeric = (energy_at(plus) - energy_at(minus)) / (2.0 * h);
        assert!(
            (numeric - analytic[k]).abs() <= 1e-5 * scale + 1e-8,
            "dJ/dz[{k}]: analytic {}, numeric {numeric}",
            analytic[k]
        );
    }
}

#[test]
fn loss_value_is_the_path_energy() {
    let device = f64_device();
    let bridge = PathEnergyLossConfig {
        energy_size: [8, 8],
        ..Default::default()
    }
    .init()
    .unwrap();
    let paths = Tensor::<5>::random(
        [2, 3, 1, 16, 16],
        burn::tensor::Distribution::Uniform(0.2, 1.0),
        &device,
    );
    let out = bridge.forward(paths).unwrap();
    let energy = out.energy();
    let value = out.loss.into_data().try_into_vec_as::<f64>().unwrap()[0];
    assert!((value - energy).abs() <= 1e-12 * energy);
    assert_eq!(out.per_path.len(), 2);
}

/// A one-pixel line crossing 64×64 frames, measured on an 8×8 grid: the bridge measures the
/// area averages of the frames, so the line's mass reaches the coarse grid wherever it is.
/// Bilinear sampling at this factor reads 2 of every 8 columns and would miss it in most frames.
#[test]
fn the_energy_grid_sees_the_area_averages_of_the_frames() {
    let device = f64_device();
    let bridge = PathEnergyLossConfig {
        energy_size: [8, 8],
        ..Default::default()
    }
    .init()
    .unwrap();
    let (frames, side) = (5, 64);
    let columns = [1, 14, 30, 45, 62];
    let path = ndarray::Array3::from_shape_fn((frames, side, side), |(t, _, j)| {
        if j == columns[t] { 1.0 } else { 0.0 }
    });
    let values: Vec<f64> = path.iter().copied().collect();
    let paths =
        Tensor::<5>::from_data(TensorData::new(values, [1, frames, 1, side, side]), &device);
    let energy = bridge.forward(paths).unwrap().energy();

    let averaged = ndarray::Array3::from_shape_fn((frames, 8, 8), |(t, i, j)| {
        let frame = path.slice(ndarray::s![t..t + 1, .., ..]);
        dotae_data::resize(frame, 8, 8).unwrap()[[0, i, j]]
    });
    let expected = bridge.operator().energy(averaged.view()).unwrap();
    assert!(
        (energy - expected).abs() <= 1e-9 * expected,
        "bridge {energy}, area-averaged frames {expected}"
    );
    // The line crosses the grid, so the energy is far above a still path's 0.
    assert!(expected > 1.0, "energy {expected}");
}

#[test]
fn an_energy_grid_larger_than_the_images_is_an_error() {
    let device = f64_device();
    let bridge = PathEnergyLossConfig::default().init().unwrap();
    let paths = Tensor::<5>::ones([1, 3, 1, 16, 16], &device);
    let err = bridge.forward(paths).unwrap_err();
    assert!(err.to_string().contains("larger than the images"), "{err}");
}
