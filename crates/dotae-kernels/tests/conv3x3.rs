//! The slice kernels against direct loops written from the definition, and their gradients
//! against central finite differences, in f64; and the subnormal gradients they flush.

use dotae_kernels::conv3x3::{ConvGradients, ConvShape, conv3x3_backward, conv3x3_forward};
use dotae_kernels::{Activation, Element, flush_subnormals};
use proptest::prelude::*;

/// `z[n][co][y][x] = b[co] + Σ w[co][ci][ky][kx] · x[n][ci][y+ky−1][x+kx−1]`, zero outside.
fn direct_preactivation(shape: ConvShape, x: &[f64], w: &[f64], b: &[f64]) -> Vec<f64> {
    let ConvShape {
        batch,
        in_channels: cin,
        out_channels: cout,
        rows,
        cols,
    } = shape;
    let mut z = vec![0.0; shape.output_len()];
    for n in 0..batch {
        for co in 0..cout {
            for y in 0..rows {
                for xx in 0..cols {
                    let mut sum = b[co];
                    for ci in 0..cin {
                        for ky in 0..3 {
                            for kx in 0..3 {
                                let (sy, sx) = (y + ky, xx + kx);
                                if sy == 0 || sx == 0 || sy > rows || sx > cols {
                                    continue;
                                }
                                let value = x[((n * cin + ci) * rows + sy - 1) * cols + sx - 1];
                                sum += w[((co * cin + ci) * 3 + ky) * 3 + kx] * value;
                            }
                        }
                    }
                    z[((n * cout + co) * rows + y) * cols + xx] = sum;
                }
            }
        }
    }
    z
}

fn activate(z: f64, activation: Activation) -> f64 {
    match activation {
        Activation::Identity => z,
        Activation::LeakyRelu { slope } => match z < 0.0 {
            true => slope * z,
            false => z,
        },
        Activation::Sigmoid => 1.0 / (1.0 + (-z).exp()),
    }
}

fn direct_forward(shape: ConvShape, x: &[f64], w: &[f64], b: &[f64], a: Activation) -> Vec<f64> {
    direct_preactivation(shape, x, w, b)
        .into_iter()
        .map(|z| activate(z, a))
        .collect()
}

fn forward(shape: ConvShape, x: &[f64], w: &[f64], b: &[f64], a: Activation) -> Vec<f64> {
    let mut y = vec![f64::NAN; shape.output_len()];
    conv3x3_forward(shape, x, w, b, a, &mut y);
    y
}

struct Grads {
    x: Vec<f64>,
    w: Vec<f64>,
    b: Vec<f64>,
}

fn backward(shape: ConvShape, x: &[f64], w: &[f64], b: &[f64], a: Activation, r: &[f64]) -> Grads {
    let y = forward(shape, x, w, b, a);
    let [x, w, b] = gradients(shape, x, w, &y, r, a);
    Grads { x, w, b }
}

/// The input, weight and bias gradients of `Σ r ⊙ y` from the kernel, for the outputs `y` of
/// inputs `x` and weights `w`.
fn gradients<T: Element>(
    shape: ConvShape,
    x: &[T],
    w: &[T],
    y: &[T],
    r: &[T],
    a: Activation,
) -> [Vec<T>; 3] {
    let nan = T::from_f64(f64::NAN);
    let (mut dx, mut dw, mut db) = (
        vec![nan; shape.input_len()],
        vec![nan; shape.weight_len()],
        vec![nan; shape.out_channels],
    );
    conv3x3_backward(
        shape,
        x,
        w,
        y,
        r,
        a,
        ConvGradients {
            input: Some(&mut dx),
            weight: &mut dw,
            bias: &mut db,
        },
    );
    [dx, dw, db]
}

/// The gradients of `Σ r ⊙ f(z)` by the chain rule written out with direct loops.
fn direct_backward(
    shape: ConvShape,
    x: &[f64],
    w: &[f64],
    b: &[f64],
    a: Activation,
    r: &[f64],
) -> Grads {
    let ConvShape {
        batch,
        in_channels: cin,
        out_channels: cout,
        rows,
        cols,
    } = shape;
    let z = direct_preactivation(shape, x, w, b);
    let dz: Vec<f64> = z
        .iter()
        .zip(r)
        .map(|(&z, &r)| {
            r * match a {
                Activation::Identity => 1.0,
                Activation::LeakyRelu { slope } => match z < 0.0 {
                    true => slope,
                    false => 1.0,
                },
                Activation::Sigmoid => {
                    let s = 1.0 / (1.0 + (-z).exp());
                    s * (1.0 - s)
                }
            }
        })
        .collect();
    let mut grads = Grads {
        x: vec![0.0; shape.input_len()],
        w: vec![0.0; shape.weight_len()],
        b: vec![0.0; cout],
    };
    for n in 0..batch {
        for co in 0..cout {
            for y in 0..rows {
                for xx in 0..cols {
                    let g = dz[((n * cout + co) * rows + y) * cols + xx];
                    grads.b[co] += g;
                    for ci in 0..cin {
                        for ky in 0..3 {
                            for kx in 0..3 {
                                let (sy, sx) = (y + ky, xx + kx);
                                if sy == 0 || sx == 0 || sy > rows || sx > cols {
                                    continue;
                                }
                                let xi = ((n * cin + ci) * rows + sy - 1) * cols + sx - 1;
                                let wi = ((co * cin + ci) * 3 + ky) * 3 + kx;
                                grads.w[wi] += g * x[xi];
                                grads.x[xi] += g * w[wi];
                            }
                        }
                    }
                }
            }
        }
    }
    grads
}

fn assert_close(what: &str, actual: &[f64], expected: &[f64], tolerance: f64) {
    assert_eq!(actual.len(), expected.len(), "{what}: lengths");
    for (i, (&a, &e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            (a - e).abs() <= tolerance * (1.0 + e.abs()),
            "{what}[{i}]: {a} vs {e}"
        );
    }
}

/// The f64 kernels' output and gradients against the definition.
fn check_f64(shape: ConvShape, x: &[f64], w: &[f64], b: &[f64], a: Activation, r: &[f64]) {
    let output = forward(shape, x, w, b, a);
    assert_close("output", &output, &direct_forward(shape, x, w, b, a), 1e-12);
    let fast = backward(shape, x, w, b, a, r);
    let direct = direct_backward(shape, x, w, b, a, r);
    assert_close("input gradient", &fast.x, &direct.x, 1e-11);
    assert_close("weight gradient", &fast.w, &direct.w, 1e-11);
    assert_close("bias gradient", &fast.b, &direct.b, 1e-11);
}

fn activations() -> impl Strategy<Value = Activation> {
    prop_oneof![
        Just(Activation::Identity),
        Just(Activation::LeakyRelu { slope: 0.2 }),
        Just(Activation::LeakyRelu { slope: 0.0 }),
        Just(Activation::Sigmoid),
    ]
}

type Problem = (ConvShape, Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>);

/// A shape in the given ranges and data for it: input, weight, bias, output gradient.
fn problems_in(
    batch: std::ops::RangeInclusive<usize>,
    channels: std::ops::RangeInclusive<usize>,
    rows: std::ops::RangeInclusive<usize>,
    cols: std::ops::RangeInclusive<usize>,
) -> impl Strategy<Value = Problem> {
    (batch, channels.clone(), channels, rows, cols).prop_flat_map(
        |(batch, in_channels, out_channels, rows, cols)| {
            let shape = ConvShape {
                batch,
                in_channels,
                out_channels,
                rows,
                cols,
            };
            let values = |n: usize| prop::collection::vec(-1.0f64..1.0, n);
            (
                Just(shape),
                values(shape.input_len()),
                values(shape.weight_len()),
                values(out_channels),
                values(shape.output_len()),
            )
        },
    )
}

/// Small images, the batch up to 14 so that they span several chunks.
fn problems() -> impl Strategy<Value = Problem> {
    problems_in(1..=14, 1..=5, 1..=9, 1..=9)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn values_and_gradients_match_the_definition((shape, x, w, b, r) in problems(), a in activations()) {
        check_f64(shape, &x, &w, &b, a, &r);
    }

    /// Smooth activations only: finite differences straddle the LeakyReLU's kink.
    #[test]
    fn gradients_match_central_differences(
        (shape, x, w, b, r) in problems(),
        sigmoid in any::<bool>(),
        pick in any::<prop::sample::Index>(),
    ) {
        let a = if sigmoid { Activation::Sigmoid } else { Activation::Identity };
        let loss = |x: &[f64], w: &[f64], b: &[f64]| -> f64 {
            forward(shape, x, w, b, a).iter().zip(&r).map(|(y, r)| y * r).sum()
        };
        let grads = backward(shape, &x, &w, &b, a, &r);
        let h = 1e-6;
        let central = |f: &dyn Fn(f64) -> f64| (f(h) - f(-h)) / (2.0 * h);
        let i = pick.index(x.len());
        let dx = central(&|e| { let mut x = x.clone(); x[i] += e; loss(&x, &w, &b) });
        prop_assert!((dx - grads.x[i]).abs() < 1e-6 * (1.0 + dx.abs()), "x[{i}]: {dx} vs {}", grads.x[i]);
        let i = pick.index(w.len());
        let dw = central(&|e| { let mut w = w.clone(); w[i] += e; loss(&x, &w, &b) });
        prop_assert!((dw - grads.w[i]).abs() < 1e-6 * (1.0 + dw.abs()), "w[{i}]: {dw} vs {}", grads.w[i]);
        let i = pick.index(b.len());
        let db = central(&|e| { let mut b = b.clone(); b[i] += e; loss(&x, &w, &b) });
        prop_assert!((db - grads.b[i]).abs() < 1e-6 * (1.0 + db.abs()), "b[{i}]: {db} vs {}", grads.b[i]);
    }
}

/// The f32 kernels (on x86-64 with AVX2 and FMA, images this wide take the direct kernels)
/// against the f64 definition.
fn check_f32(shape: ConvShape, x: &[f64], w: &[f64], b: &[f64], a: Activation, r: &[f64]) {
    let single = |v: &[f64]| v.iter().map(|&v| v as f32).collect::<Vec<f32>>();
    let double = |v: &[f32]| v.iter().map(|&v| v as f64).collect::<Vec<f64>>();
    let (xs, ws, bs, rs) = (single(x), single(w), single(b), single(r));
    let mut y = vec![f32::NAN; shape.output_len()];
    conv3x3_forward(shape, &xs, &ws, &bs, a, &mut y);
    // Round the inputs the same way before the f64 reference.
    let (x, w, b, r) = (double(&xs), double(&ws), double(&bs), double(&rs));
    assert_close(
        "f32 output",
        &double(&y),
        &direct_forward(shape, &x, &w, &b, a),
        1e-5,
    );
    let [dx, dw, db] = gradients(shape, &xs, &ws, &y, &rs, a);
    let direct = direct_backward(shape, &x, &w, &b, a, &r);
    let scale = |v: &[f64]| v.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    let tolerance = |v: &[f64]| 1e-5 * scale(v) * (shape.pixels() * shape.batch) as f64;
    for (what, fast, exact) in [
        ("f32 input gradient", double(&dx), &direct.x),
        ("f32 weight gradient", double(&dw), &direct.w),
        ("f32 bias gradient", double(&db), &direct.b),
    ] {
        let t = tolerance(exact);
        for (i, (f, e)) in fast.iter().zip(exact.iter()).enumerate() {
            assert!(
                (f - e).abs() <= t,
                "{what}[{i}]: {f} vs {e} (tolerance {t})"
            );
        }
    }
}

/// Wide images: the shapes the direct kernels take, with channel counts that leave partial
/// register tiles (blocks of 6 and 4 channels).
fn wide_problems() -> impl Strategy<Value = Problem> {
    problems_in(1..=3, 1..=9, 1..=5, 12..=40)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn f32_kernels_on_wide_images_match_the_definition(
        (shape, x, w, b, r) in wide_problems(),
        a in activations(),
    ) {
        check_f32(shape, &x, &w, &b, a, &r);
    }
}

#[test]
fn f32_kernels_match_the_definition_at_the_models_shapes() {
    for (in_channels, out_channels, side) in [
        (1, 16, 32),
        (16, 32, 32),
        (32, 16, 16),
        (16, 1, 32),
        (8, 8, 8),
    ] {
        let shape = ConvShape {
            batch: 2,
            in_channels,
            out_channels,
            rows: side,
            cols: side,
        };
        let [x, w, b, r] = waves(shape);
        check_f32(shape, &x, &w, &b, Activation::LeakyRelu { slope: 0.2 }, &r);
    }
}

/// Smooth deterministic data for `shape`: input, weight, bias, output gradient.
fn waves(shape: ConvShape) -> [Vec<f64>; 4] {
    let wave = |n: usize, phase: f64| {
        (0..n)
            .map(|i| ((i as f64) * 0.37 + phase).sin())
            .collect::<Vec<_>>()
    };
    [
        wave(shape.input_len(), 0.1),
        wave(shape.weight_len(), 0.2),
        wave(shape.out_channels, 0.3),
        wave(shape.output_len(), 0.4),
    ]
}

/// Large images (one per chunk) and many small ones (several chunks, more than one gradient
/// group): the chunking must not change the result.
#[test]
fn chunking_is_invisible() {
    // Bands of 4 rows of 32, bands of one row of 200 plus a shorter last band, several
    // 8×8 images per chunk, many 2×2 images per chunk.
    for (batch, rows, cols) in [(3, 32, 32), (2, 3, 200), (37, 8, 8), (130, 2, 2)] {
        let shape = ConvShape {
            batch,
            in_channels: 3,
            out_channels: 4,
            rows,
            cols,
        };
        let [x, w, b, r] = waves(shape);
        check_f64(shape, &x, &w, &b, Activation::LeakyRelu { slope: 0.2 }, &r);
    }
}

#[test]
fn the_weight_gradient_does_not_depend_on_the_thread_count() {
    let shape = ConvShape {
        batch: 64,
        in_channels: 4,
        out_channels: 8,
        rows: 8,
        cols: 8,
    };
    let [x, w, b, r] = waves(shape);
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| backward(shape, &x, &w, &b, Activation::Identity, &r))
    };
    let (one, three) = (run(1), run(3));
    assert_eq!(one.w, three.w);
    assert_eq!(one.b, three.b);
    assert_eq!(one.x, three.x);
}

#[test]
fn f32_gradients_on_wide_images_do_not_depend_on_the_thread_count() {
    let shape = ConvShape {
        batch: 24,
        in_channels: 5,
        out_channels: 7,
        rows: 16,
        cols: 16,
    };
    let single = |v: Vec<f64>| v.into_iter().map(|v| v as f32).collect::<Vec<f32>>();
    let [x, w, b, r] = waves(shape).map(single);
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let mut y = vec![0.0f32; shape.output_len()];
            conv3x3_forward(shape, &x, &w, &b, Activation::Sigmoid, &mut y);
            let mut grads = (
                vec![0.0f32; shape.input_len()],
                vec![0.0f32; shape.weight_len()],
                vec![0.0f32; shape.out_channels],
            );
            conv3x3_backward(
                shape,
                &x,
                &w,
                &y,
                &r,
                Activation::Sigmoid,
                ConvGradients {
                    input: Some(&mut grads.0),
                    weight: &mut grads.1,
                    bias: &mut grads.2,
                },
            );
            (y, grads)
        })
    };
    assert_eq!(run(1), run(3));
}

// Gradients are flushed to zero where they are subnormal, before a convolution's backward pass
// reads them: each would change a weight by less than f32 resolves, and every multiply-add
// that reads one runs about a hundred times slower.

proptest! {
    #[test]
    fn flushing_zeroes_the_subnormals_and_keeps_every_other_value(
        values in prop::collection::vec(any::<f32>(), 1..64),
    ) {
        let mut flushed = values.clone();
        flush_subnormals(&mut flushed);
        for (&value, &kept) in values.iter().zip(&flushed) {
            if value.is_subnormal() || value == 0.0 {
                prop_assert_eq!(kept.to_bits(), 0, "{:e}", value);
            } else {
                prop_assert_eq!(kept.to_bits(), value.to_bits());
            }
        }
    }
}

/// A sigmoid output pushed below f32's normal range, as a decoder's black background is: its
/// gradients `r · y (1 − y)` are subnormal, and every gradient of the layer is exactly zero.
#[test]
fn gradients_of_subnormal_sigmoid_outputs_are_zero() {
    let shape = ConvShape {
        batch: 2,
        in_channels: 3,
        out_channels: 4,
        rows: 8,
        cols: 24,
    };
    let x: Vec<f32> = (0..shape.input_len())
        .map(|i| (i % 7) as f32 / 7.0)
        .collect();
    let w = vec![0.0f32; shape.weight_len()];
    // e^88.5 is about 2.7e38, so every output is about 3.7e-39, below 1.2e-38.
    let b = vec![-88.5f32; shape.out_channels];
    let mut y = vec![f32::NAN; shape.output_len()];
    conv3x3_forward(shape, &x, &w, &b, Activation::Sigmoid, &mut y);
    assert!(y.iter().all(|v| v.is_subnormal()), "{:e}", y[0]);
    let r = vec![1e-3f32; shape.output_len()];
    let [dx, dw, db] = gradients(shape, &x, &w, &y, &r, Activation::Sigmoid);
    for (what, gradient) in [("input", &dx), ("weight", &dw), ("bias", &db)] {
        assert!(
            gradient.iter().all(|g| g.to_bits() == 0),
            "{what} gradient: {:e}",
            gradient.iter().fold(0.0f32, |m, g| m.max(g.abs()))
        );
    }
}
