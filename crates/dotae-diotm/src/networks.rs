//! The networks of the DIOTM paper's appendix B.1: the transport map of Choi et al. (2023) with
//! its auxiliary noise input, and the time-dependent value function, whose time and space
//! derivatives the HJB regulariser needs.

use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;
use dotae_kernels::{linear, linear_adjoint, silu, silu_slope};

/// The data's dimension: every benchmark is a transport in the plane.
pub const DATA_DIM: usize = 2;
/// The size of the sinusoidal time embedding.
pub const TIME_EMBEDDING: usize = 128;
/// The largest period of the time embedding, as in the transformer's positional encoding.
const MAX_PERIOD: f64 = 10_000.0;

/// `Linear → SiLU → Linear`: the embeddings' two-layer MLPs and the map's output head.
#[derive(Module, Debug)]
pub struct TwoLayer {
    first: Linear,
    second: Linear,
}

impl TwoLayer {
    fn init(input: usize, hidden: usize, output: usize, device: &Device) -> Self {
        Self {
            first: LinearConfig::new(input, hidden).init(device),
            second: LinearConfig::new(hidden, output).init(device),
        }
    }

    fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        linear(&self.second, silu(linear(&self.first, x)))
    }
}

/// Choi et al.'s `ResNet_FC`: a linear map to the hidden width, then residual blocks of three
/// `Linear → SiLU` layers, each added back and scaled by 1/√2.
#[derive(Module, Debug)]
pub struct ResidualMlp {
    input: Linear,
    blocks: Vec<Vec<Linear>>,
}

impl ResidualMlp {
    fn init(input: usize, hidden: usize, blocks: usize, device: &Device) -> Self {
        Self {
            input: LinearConfig::new(input, hidden).init(device),
            blocks: (0..blocks)
                .map(|_| {
                    (0..3)
                        .map(|_| LinearConfig::new(hidden, hidden).init(device))
                        .collect()
                })
                .collect(),
        }
    }

    fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let mut h = linear(&self.input, x);
        for block in &self.blocks {
            let update = block
                .iter()
                .fold(h.clone(), |a, layer| silu(linear(layer, a)));
            h = (h + update) * std::f64::consts::FRAC_1_SQRT_2;
        }
        h
    }
}

/// The transport map `T(x, z)`'s architecture.
#[derive(Config, Debug)]
pub struct TransportMapConfig {
    /// The hidden width (the paper: 128).
    #[config(default = 128)]
    pub hidden: usize,
    /// The residual blocks of the point's branch (Choi et al.: 3).
    #[config(default = 3)]
    pub blocks: usize,
}

/// A stochastic transport map `T(x, z)`: a residual MLP of the point `x` plus a two-layer MLP
/// of the auxiliary noise `z ~ N(0, I)`, then `Linear → SiLU → Linear` to a point.
#[derive(Module, Debug)]
pub struct TransportMap {
    point: ResidualMlp,
    noise: TwoLayer,
    head: TwoLayer,
}

impl TransportMapConfig {
    /// A map with freshly drawn weights.
    pub fn init(&self, device: &Device) -> TransportMap {
        TransportMap {
            point: ResidualMlp::init(DATA_DIM, self.hidden, self.blocks, device),
            noise: TwoLayer::init(DATA_DIM, self.hidden, self.hidden, device),
            head: TwoLayer::init(self.hidden, self.hidden, DATA_DIM, device),
        }
    }
}

impl TransportMap {
    /// `T(x, z)` for points `x` `(N, 2)` and noise `z` `(N, 2)`.
    pub fn forward(&self, x: Tensor<2>, z: Tensor<2>) -> Tensor<2> {
        self.head
            .forward(self.point.forward(x) + self.noise.forward(z))
    }
}

/// The value function `V(t, x)`'s architecture.
#[derive(Config, Debug)]
pub struct ValueFunctionConfig {
    /// The hidden width (the paper: 128).
    #[config(default = 128)]
    pub hidden: usize,
}

/// The time-dependent value function `V(t, x)`: a two-layer MLP of `x` plus a two-layer MLP of
/// the sinusoidal embedding of `t`, then a three-layer MLP to one number, SiLU throughout.
#[derive(Module, Debug)]
pub struct ValueFunction {
    point: TwoLayer,
    time: TwoLayer,
    hidden: Linear,
    second: Linear,
    out: Linear,
}

/// `V` at a batch of points with its derivatives in time and space.
#[derive(Debug, Clone)]
pub struct ValueWithDerivatives {
    /// `V(t, x)`, `(N, 1)`.
    pub value: Tensor<2>,
    /// `∂V/∂t`, `(N, 1)`.
    pub time: Tensor<2>,
    /// `∇ₓV`, `(N, 2)`.
    pub gradient: Tensor<2>,
}

impl ValueFunctionConfig {
    /// A value function with freshly drawn weights.
    pub fn init(&self, device: &Device) -> ValueFunction {
        let h = self.hidden;
        ValueFunction {
            point: TwoLayer::init(DATA_DIM, h, h, device),
            time: TwoLayer::init(TIME_EMBEDDING, h, h, device),
            hidden: LinearConfig::new(h, h).init(device),
            second: LinearConfig::new(h, h).init(device),
            out: LinearConfig::new(h, 1).init(device),
        }
    }
}

impl ValueFunction {
    /// `V(t, x)` `(N, 1)` for times `t` `(N, 1)` and points `x` `(N, 2)`.
    pub fn forward(&self, t: Tensor<2>, x: Tensor<2>) -> Tensor<2> {
        let embedding = time_embedding(t);
        let h = self.point.forward(x) + self.time.forward(embedding);
        let h = silu(linear(&self.hidden, h));
        let h = silu(linear(&self.second, h));
        linear(&self.out, h)
    }

    /// `V(t, x)` with `∂V/∂t` and `∇ₓV`, exact. The input gradient is a hand-written reverse
    /// pass through the network (`∂V/∂h = ∂V/∂h′·W′ᵀ` layer by layer, `silu′` at each
    /// activation, then the time embedding's analytic derivative), built from ordinary tensor
    /// operations of the weights: a loss on it trains by plain backpropagation, with no
    /// second-order autodiff, and it costs one pass over the batch for all three derivatives.
    pub fn forward_with_derivatives(&self, t: Tensor<2>, x: Tensor<2>) -> ValueWithDerivatives {
        let (embedding, embedding_rate) = time_embedding_with_rate(t);
        let time_pre = linear(&self.time.first, embedding);
        let point_pre = linear(&self.point.first, x);
        let h = linear(&self.time.second, silu(time_pre.clone()))
            + linear(&self.point.second, silu(point_pre.clone()));
        let hidden_pre = linear(&self.hidden, h);
        let second_pre = linear(&self.second, silu(hidden_pre.clone()));
        let value = linear(&self.out, silu(second_pre.clone()));

        // Reverse: ∂V/∂(each activation's input), from the output back to t and x.
        let [hidden, _] = self.out.weight.val().dims();
        let d_second = silu_slope(second_pre) * self.out.weight.val().reshape([1, hidden]);
        let d_hidden = linear_adjoint(&self.second, d_second) * silu_slope(hidden_pre);
        let d_h = linear_adjoint(&self.hidden, d_hidden);
        let d_point = linear_adjoint(&self.point.second, d_h.clone()) * silu_slope(point_pre);
        let gradient = linear_adjoint(&self.point.first, d_point);
        let d_time = linear_adjoint(&self.time.second, d_h) * silu_slope(time_pre);
        let time = (linear_adjoint(&self.time.first, d_time) * embedding_rate).sum_dim(1);
        ValueWithDerivatives {
            value,
            time,
            gradient,
        }
    }
}

/// The sinusoidal embedding of times `t` `(N, 1)`, `(N, TIME_EMBEDDING)`:
/// `[sin(ωₖt), cos(ωₖt)]` with `ωₖ = MAX_PERIOD^(−k/(K−1))`.
fn time_embedding(t: Tensor<2>) -> Tensor<2> {
    let (phase, _) = time_phase(t);
    Tensor::cat(vec![phase.clone().sin(), phase.cos()], 1)
}

/// [`time_embedding`] and its derivative in `t`, `[ωₖ·cos(ωₖt), −ωₖ·sin(ωₖt)]`, for the HJB
/// term only: the plain forward pass does not pay for the derivative.
fn time_embedding_with_rate(t: Tensor<2>) -> (Tensor<2>, Tensor<2>) {
    let (phase, rates) = time_phase(t);
    let (sin, cos) = (phase.clone().sin(), phase.cos());
    let embedding = Tensor::cat(vec![sin.clone(), cos.clone()], 1);
    let rate = Tensor::cat(vec![cos * rates.clone(), sin.neg() * rates], 1);
    (embedding, rate)
}

/// `ωₖt` `(N, K/2)` and the rates `ωₖ` `(1, K/2)`.
fn time_phase(t: Tensor<2>) -> (Tensor<2>, Tensor<2>) {
    let half = TIME_EMBEDDING / 2;
    let rates: Vec<f64> = (0..half)
        .map(|k| (-(MAX_PERIOD.ln()) * k as f64 / (half - 1) as f64).exp())
        .collect();
    let rates =
        Tensor::<1>::from_data(TensorData::new(rates, [half]), &t.device()).reshape([1, half]);
    (t.matmul(rates.clone()), rates)
}
