//! The ACAI-like convolutional autoencoder of docs/design.md.
//!
//! Encoder: conv3×3 to `width` channels, then `blocks` × [conv3×3, LeakyReLU(0.2), conv3×3,
//! LeakyReLU(0.2), avg-pool 2×2] doubling the channels, then conv3×3 → `bottleneck`, LeakyReLU,
//! conv3×3 → `latent_channels`. A 32×32 image with 3 blocks becomes a 16×4×4 latent. The decoder
//! mirrors it with nearest-neighbour upsampling and halving channels, and ends with conv3×3 →
//! image channels and a sigmoid, so decoded images are valid non-negative densities; ACAI's own
//! decoder ends linearly instead ([`OutputActivation::Linear`]), its images clipped to `[0, 1]`
//! when decoded for use.
//!
//! Each convolution runs together with its activation through
//! [`conv2d_activated`](dotae_kernels::conv2d_activated): one fused kernel with its own backward
//! pass on burn-flex, burn's standard operations on the other backends. The modules are
//! burn-nn's, so checkpoints do not depend on the backend.

use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::pool::{AvgPool2d, AvgPool2dConfig};
use burn::nn::{Initializer, LeakyRelu, LeakyReluConfig, PaddingConfig2d};
use burn::prelude::*;
use dotae_kernels::{Activation, avg_pool2d, conv2d_activated, upsample_nearest2d};

use crate::ModelError;
use crate::config_checks::at_least_one;
use crate::weights::{WeightStream, draw_weights};

/// Shape of the autoencoder.
#[derive(Config, Debug, PartialEq)]
pub struct AutoencoderConfig {
    /// 1 for gray images, 3 for RGB.
    #[config(default = 1)]
    pub image_channels: usize,
    /// Channels after the first convolution; each block doubles them.
    #[config(default = 16)]
    pub width: usize,
    /// Number of down-sampling blocks; the image side must be divisible by `2^blocks`.
    #[config(default = 3)]
    pub blocks: usize,
    /// Channels of the convolution before the latent.
    #[config(default = 256)]
    pub bottleneck: usize,
    /// Channels of the latent code.
    #[config(default = 16)]
    pub latent_channels: usize,
    /// Negative slope of the LeakyReLU activations.
    #[config(default = 0.2)]
    pub negative_slope: f64,
    /// How the weights are drawn.
    #[config(default = "WeightInit::He")]
    pub init: WeightInit,
    /// What ends the decoder.
    #[config(default = "OutputActivation::Sigmoid")]
    pub output_activation: OutputActivation,
    /// The bias every output channel of the decoder's last convolution starts at, in place of
    /// the drawn one; `None` keeps the draw. A linear output starts near its bias, so the
    /// training data's mean starts it where a sigmoid's ½ starts the others (docs/experiments.md:
    /// started near 0, AEAI's linear output collapsed on the mid-gray pole scenes).
    #[config(default = "None")]
    pub output_bias: Option<f64>,
}

/// What ends the decoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputActivation {
    /// A sigmoid: every decoded image is in `(0, 1)`, a density the path energy can measure and
    /// a probability BCE can score. The default.
    #[default]
    Sigmoid,
    /// None, as ACAI's decoder on `[−1, 1]` images: trained with MSE on the raw output, whose
    /// gradient never vanishes (MSE through a sigmoid has none left for a pixel saturated dark,
    /// and ACAI's decoders went black; docs/experiments.md). Decoded images are clipped to
    /// `[0, 1]` when the model is used ([`LatentModel::decode`](crate::LatentModel::decode)).
    Linear,
}

/// How the convolutions' weights and biases are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum WeightInit {
    /// He (Kaiming) initialisation for the LeakyReLU: uniform with standard deviation
    /// `√(2 / (1 + slope²)) / √fan_in`, so activations keep their scale through the network's
    /// convolutions (18 with 3 blocks) at initialisation and the decoded image depends on the
    /// code from the first step. The default: with [`WeightInit::Torch`] the lines and pole autoencoders stay
    /// collapsed on the mean image for the whole CPU budget (docs/experiments.md).
    He,
    /// PyTorch's (and Burn's) default, standard deviation `1 / √(3 · fan_in)`, which the papers'
    /// PyTorch code used. Each convolution with LeakyReLU then shrinks the activations' second
    /// moment about 6×.
    Torch,
}

impl WeightInit {
    fn initializer(self, negative_slope: f64) -> Initializer {
        let gain = match self {
            WeightInit::He => (2.0 / (1.0 + negative_slope * negative_slope)).sqrt(),
            WeightInit::Torch => 1.0 / 3.0f64.sqrt(),
        };
        Initializer::KaimingUniform {
            gain,
            fan_out_only: false,
        }
    }
}

fn conv(input: usize, output: usize, initializer: &Initializer, device: &Device) -> Conv2d {
    Conv2dConfig::new([input, output], [3, 3])
        .with_padding(PaddingConfig2d::Same)
        .with_initializer(initializer.clone())
        .init(device)
}

/// Two 3×3 convolutions, each followed by LeakyReLU.
#[derive(Module, Debug)]
pub struct ConvPair {
    first: Conv2d,
    second: Conv2d,
    activation: LeakyRelu,
}

impl ConvPair {
    fn new(
        input: usize,
        output: usize,
        slope: f64,
        initializer: &Initializer,
        device: &Device,
    ) -> Self {
        Self {
            first: conv(input, output, initializer, device),
            second: conv(output, output, initializer, device),
            activation: LeakyReluConfig::new().with_negative_slope(slope).init(),
        }
    }

    fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let leaky = leaky(&self.activation);
        let x = conv2d_activated(&self.first, x, leaky);
        conv2d_activated(&self.second, x, leaky)
    }
}

fn leaky(activation: &LeakyRelu) -> Activation {
    Activation::LeakyRelu {
        slope: activation.negative_slope,
    }
}

/// Image `(N, C, H, W)` to latent `(N, latent_channels, H / 2^blocks, W / 2^blocks)`.
#[derive(Module, Debug)]
pub struct Encoder {
    stem: Conv2d,
    blocks: Vec<ConvPair>,
    pool: AvgPool2d,
    bottleneck: Conv2d,
    latent: Conv2d,
    activation: LeakyRelu,
}

impl Encoder {
    /// Checks that `images`, the shape of `what`, is a non-empty `(N, C, H, W)` batch this
    /// encoder accepts: the channels of its first convolution, both sides multiples of
    /// `2^blocks`. Encoding other channels panics and other sides would decode to another size,
    /// so everything that encodes user input checks it first.
    pub fn check_images(&self, what: &'static str, images: &Tensor<4>) -> Result<(), ModelError> {
        let [_, channels, _, _] = self.stem.weight.dims();
        check_images(what, images.dims(), channels, self.blocks.len())
    }

    /// Encodes images `(N, C, H, W)` to latents `(N, latent_channels, H / 2^blocks, W / 2^blocks)`.
    pub fn forward(&self, image: Tensor<4>) -> Tensor<4> {
        let mut x = conv2d_activated(&self.stem, image, Activation::Identity);
        for block in &self.blocks {
            x = avg_pool2d(&self.pool, block.forward(x));
        }
        let x = conv2d_activated(&self.bottleneck, x, leaky(&self.activation));
        conv2d_activated(&self.latent, x, Activation::Identity)
    }
}

/// Latent to image, mirroring the encoder.
#[derive(Module, Debug)]
pub struct Decoder {
    stem: Conv2d,
    blocks: Vec<ConvPair>,
    bottleneck: Conv2d,
    output: Conv2d,
    activation: LeakyRelu,
    #[module(skip)]
    output_activation: OutputActivation,
}

impl Decoder {
    /// Decodes latents to images, each side `2^blocks` times larger: the output as trained, in
    /// `(0, 1)` after a sigmoid, unbounded after a linear output.
    pub fn forward(&self, latent: Tensor<4>) -> Tensor<4> {
        let leaky = leaky(&self.activation);
        let mut x = conv2d_activated(&self.stem, latent, leaky);
        x = conv2d_activated(&self.bottleneck, x, leaky);
        for block in &self.blocks {
            x = block.forward(upsample_nearest2d(x));
        }
        let last = match self.output_activation {
            OutputActivation::Sigmoid => Activation::Sigmoid,
            OutputActivation::Linear => Activation::Identity,
        };
        conv2d_activated(&self.output, x, last)
    }

    /// Decoded images in `[0, 1]`: [`Decoder::forward`], clipped when the output is linear.
    pub fn images(&self, latent: Tensor<4>) -> Tensor<4> {
        let output = self.forward(latent);
        match self.output_activation {
            OutputActivation::Sigmoid => output,
            OutputActivation::Linear => output.clamp(0.0, 1.0),
        }
    }
}

/// Encoder and decoder.
#[derive(Module, Debug)]
pub struct Autoencoder {
    /// Images to latents.
    pub encoder: Encoder,
    /// Latents back to images.
    pub decoder: Decoder,
}

impl AutoencoderConfig {
    /// Builds the autoencoder on `device`, with freshly initialised weights.
    pub fn init(&self, device: &Device) -> Result<Autoencoder, ModelError> {
        Ok(Autoencoder {
            encoder: self.init_encoder(device)?,
            decoder: self.init_decoder(device)?,
        })
    }

    /// Builds the autoencoder on `device` with every weight drawn now from the encoder and
    /// decoder streams of `seed` ([`draw_weights`]): the same weights for every method that
    /// uses this architecture and seed.
    pub fn init_seeded(&self, device: &Device, seed: u64) -> Result<Autoencoder, ModelError> {
        Ok(Autoencoder {
            encoder: draw_weights(device, seed, WeightStream::Encoder, || {
                self.init_encoder(device)
            })?,
            decoder: draw_weights(device, seed, WeightStream::Decoder, || {
                self.init_decoder(device)
            })?,
        })
    }

    /// The encoder alone, with freshly initialised weights.
    pub fn init_encoder(&self, device: &Device) -> Result<Encoder, ModelError> {
        self.validate()?;
        let slope = self.negative_slope;
        let init = &self.init.initializer(slope);
        let widths = self.widths();
        Ok(Encoder {
            stem: conv(self.image_channels, self.width, init, device),
            blocks: (0..self.blocks)
                .map(|b| ConvPair::new(widths[b], widths[b + 1], slope, init, device))
                .collect(),
            pool: AvgPool2dConfig::new([2, 2]).init(),
            bottleneck: conv(widths[self.blocks], self.bottleneck, init, device),
            latent: conv(self.bottleneck, self.latent_channels, init, device),
            activation: self.activation(),
        })
    }

    /// The decoder alone, with freshly initialised weights.
    pub fn init_decoder(&self, device: &Device) -> Result<Decoder, ModelError> {
        self.validate()?;
        let slope = self.negative_slope;
        let init = &self.init.initializer(slope);
        let widths = self.widths();
        let mut output = conv(self.width, self.image_channels, init, device);
        if let Some(bias) = self.output_bias {
            // Replaced after the draw, so that every other weight is the one the seed gives.
            output.bias = Some(burn::module::Param::from_tensor(Tensor::full(
                [self.image_channels],
                bias,
                device,
            )));
        }
        Ok(Decoder {
            stem: conv(self.latent_channels, self.bottleneck, init, device),
            bottleneck: conv(self.bottleneck, widths[self.blocks], init, device),
            blocks: (0..self.blocks)
                .rev()
                .map(|b| ConvPair::new(widths[b + 1], widths[b], slope, init, device))
                .collect(),
            output,
            activation: self.activation(),
            output_activation: self.output_activation,
        })
    }

    /// The channels after the stem and after each block.
    fn widths(&self) -> Vec<usize> {
        (0..=self.blocks).map(|b| self.width << b).collect()
    }

    fn activation(&self) -> LeakyRelu {
        LeakyReluConfig::new()
            .with_negative_slope(self.negative_slope)
            .init()
    }

    /// Checks that `batch` is a non-empty `(B, C, H, W)` batch of images the network accepts.
    pub fn check_batch(&self, batch: &Tensor<4>) -> Result<(), ModelError> {
        check_images(
            "training batch",
            batch.dims(),
            self.image_channels,
            self.blocks,
        )
    }

    /// Checks that the configuration describes a buildable network.
    pub fn validate(&self) -> Result<(), ModelError> {
        at_least_one("image_channels", self.image_channels)?;
        at_least_one("width", self.width)?;
        at_least_one("bottleneck", self.bottleneck)?;
        at_least_one("latent_channels", self.latent_channels)?;
        if let Some(bias) = self.output_bias
            && !bias.is_finite()
        {
            return Err(ModelError::InvalidConfig {
                field: "output_bias",
                reason: format!("{bias} is not a finite number"),
            });
        }
        if self.blocks > 8 {
            return Err(ModelError::InvalidConfig {
                field: "blocks",
                reason: format!(
                    "{} blocks would shrink any practical image below one pixel",
                    self.blocks
                ),
            });
        }
        Ok(())
    }

    /// Checks that `rows × cols` images fit the network: both sides divisible by `2^blocks`.
    pub fn check_image_size(&self, rows: usize, cols: usize) -> Result<(), ModelError> {
        check_sides(rows, cols, self.blocks)
    }

    /// The code `[latent_channels, rows / 2^blocks, cols / 2^blocks]` of one `rows × cols`
    /// image (sides that [`AutoencoderConfig::check_image_size`] accepts).
    pub fn latent_shape(&self, rows: usize, cols: usize) -> [usize; 3] {
        let step = self.downsampling();
        [self.latent_channels, rows / step, cols / step]
    }

    /// How many pixels of a side one latent cell spans: `2^blocks`.
    fn downsampling(&self) -> usize {
        downsampling(self.blocks)
    }
}

/// How many pixels of a side one latent cell of a network with `blocks` blocks spans.
fn downsampling(blocks: usize) -> usize {
    1usize << blocks
}

/// Checks that `rows × cols` images fit a network with `blocks` downsampling blocks.
fn check_sides(rows: usize, cols: usize, blocks: usize) -> Result<(), ModelError> {
    let step = downsampling(blocks);
    if rows == 0 || cols == 0 || !rows.is_multiple_of(step) || !cols.is_multiple_of(step) {
        return Err(ModelError::ImageSize {
            rows,
            cols,
            blocks,
            multiple: step,
        });
    }
    Ok(())
}

/// Checks that `dims` `(N, C, H, W)`, the shape of `what`, is a non-empty batch of images a
/// network of `channels` input channels and `blocks` blocks encodes.
fn check_images(
    what: &'static str,
    dims: [usize; 4],
    channels: usize,
    blocks: usize,
) -> Result<(), ModelError> {
    let [n, c, rows, cols] = dims;
    if n == 0 || c != channels {
        return Err(ModelError::Shape {
            what,
            actual: dims.to_vec(),
            expected: format!(
                "(N >= 1, {channels}, H, W): at least one image with the model's channels"
            ),
        });
    }
    check_sides(rows, cols, blocks)
}

impl Autoencoder {
    /// The decoder's output of the encoder's codes, as trained ([`Decoder::forward`]: not
    /// clipped after a linear output).
    pub fn reconstruct(&self, images: Tensor<4>) -> Tensor<4> {
        self.decoder.forward(self.encoder.forward(images))
    }
}
