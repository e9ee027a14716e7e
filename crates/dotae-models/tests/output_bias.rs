//! `AutoencoderConfig::output_bias` sets the decoder's last bias and nothing else.

use burn::prelude::*;
use dotae_models::{AutoencoderConfig, Backend, ModelError, OutputActivation};

fn linear(bias: Option<f64>) -> AutoencoderConfig {
    AutoencoderConfig::new()
        .with_width(4)
        .with_blocks(2)
        .with_bottleneck(8)
        .with_latent_channels(4)
        .with_output_activation(OutputActivation::Linear)
        .with_output_bias(bias)
}

/// The raw outputs of `config`'s seeded decoder on one fixed latent.
fn decoded(config: &AutoencoderConfig, device: &Device) -> Vec<f32> {
    let decoder = config.init_seeded(device, 3).unwrap().decoder;
    let values: Vec<f32> = (0..4 * 4 * 4).map(|i| (i as f32 * 0.37).sin()).collect();
    let latent = Tensor::<4>::from_data(TensorData::new(values, [1, 4, 4, 4]), device);
    decoder
        .forward(latent)
        .into_data()
        .try_to_vec::<f32>()
        .unwrap()
}

#[test]
fn the_output_bias_shifts_every_pixel_by_its_difference_and_keeps_every_weight() {
    let device = Backend::Flex.device().unwrap();
    let low = decoded(&linear(Some(0.25)), &device);
    let high = decoded(&linear(Some(0.75)), &device);
    let drawn = decoded(&linear(None), &device);
    assert_eq!(low.len(), 16 * 16);
    for (l, h) in low.iter().zip(&high) {
        assert!((h - l - 0.5).abs() < 1e-5, "{h} - {l}");
    }
    // The drawn bias differs from 0.25 by one constant: the convolution weights are the draw.
    let shift = low[0] - drawn[0];
    assert!(shift.abs() > 1e-6, "the drawn bias was 0.25");
    for (l, d) in low.iter().zip(&drawn) {
        assert!((l - d - shift).abs() < 1e-5, "{l} - {d} against {shift}");
    }
}

#[test]
fn a_non_finite_output_bias_is_refused_by_name() {
    let device = Backend::Flex.device().unwrap();
    for bias in [f64::NAN, f64::INFINITY] {
        match linear(Some(bias)).init(&device) {
            Err(ModelError::InvalidConfig { field, .. }) => assert_eq!(field, "output_bias"),
            other => panic!("{bias}: {other:?}"),
        }
    }
}
