//! The value function's forward-mode derivatives, which the HJB regulariser trains on, equal
//! central finite differences of its value, and its value equals the plain forward pass.

use dotae_diotm::ValueFunctionConfig;
use dotae_models::burn::prelude::*;
use dotae_models::{cpu_device, to_array};
use proptest::prelude::*;

fn column(values: &[f64], device: &Device) -> Tensor<2> {
    Tensor::<1>::from_data(TensorData::new(values.to_vec(), [values.len()]), device)
        .reshape([values.len(), 1])
}

fn points(values: &[(f64, f64)], device: &Device) -> Tensor<2> {
    let flat: Vec<f64> = values.iter().flat_map(|&(a, b)| [a, b]).collect();
    Tensor::<1>::from_data(TensorData::new(flat, [2 * values.len()]), device)
        .reshape([values.len(), 2])
}

fn host(t: Tensor<2>) -> Vec<f64> {
    to_array(t).unwrap().iter().copied().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn derivatives_match_central_differences(
        seed in any::<u64>(),
        // Times beyond [0, 1] make the embedding's higher frequencies, and so ∂V/∂t, large
        // enough to check to a fraction of a percent.
        batch in prop::collection::vec((0.0f64..20.0, -4.0f64..4.0, -4.0f64..4.0), 1..6),
    ) {
        let device = cpu_device();
        device.seed(seed);
        let value = ValueFunctionConfig::new().with_hidden(32).init(&device);
        let times: Vec<f64> = batch.iter().map(|b| b.0).collect();
        let xy: Vec<(f64, f64)> = batch.iter().map(|b| (b.1, b.2)).collect();
        let at = |dt: f64, dx: f64, dy: f64| {
            let t: Vec<f64> = times.iter().map(|t| t + dt).collect();
            let p: Vec<(f64, f64)> = xy.iter().map(|&(x, y)| (x + dx, y + dy)).collect();
            host(value.forward(column(&t, &device), points(&p, &device)))
        };
        let d = value.forward_with_derivatives(column(&times, &device), points(&xy, &device));
        let (v, dt, grad) = (host(d.value), host(d.time), host(d.gradient));

        // f32 network: h = 1e-2 keeps the rounding (~1e-7/h) and the truncation (~h²) near 1e-5.
        let h = 1e-2;
        let plain = at(0.0, 0.0, 0.0);
        let fd_t: Vec<f64> = at(h, 0.0, 0.0).iter().zip(at(-h, 0.0, 0.0)).map(|(a, b)| (a - b) / (2.0 * h)).collect();
        let fd_x: Vec<f64> = at(0.0, h, 0.0).iter().zip(at(0.0, -h, 0.0)).map(|(a, b)| (a - b) / (2.0 * h)).collect();
        let fd_y: Vec<f64> = at(0.0, 0.0, h).iter().zip(at(0.0, 0.0, -h)).map(|(a, b)| (a - b) / (2.0 * h)).collect();
        // Central differences in f32 carry about 1e-6 of rounding at h = 1e-2.
        let close = |a: f64, e: f64| (a - e).abs() <= 2e-3 * e.abs() + 5e-6;
        for i in 0..times.len() {
            prop_assert!((v[i] - plain[i]).abs() < 1e-5 * (1.0 + plain[i].abs()));
            prop_assert!(close(dt[i], fd_t[i]), "∂t {} vs {}", dt[i], fd_t[i]);
            prop_assert!(close(grad[2 * i], fd_x[i]), "∂x {} vs {}", grad[2 * i], fd_x[i]);
            prop_assert!(close(grad[2 * i + 1], fd_y[i]), "∂y {} vs {}", grad[2 * i + 1], fd_y[i]);
        }
    }
}
