//! Drawing initial weights by seed, one stream per network, so that one seed gives every method
//! the same autoencoder whatever else it builds.

use burn::module::{Module, ModuleVisitor, Param};
use burn::prelude::*;

/// Which network a set of weights belongs to. Each has its own stream of the run's seed, so a
/// method's extra networks (a critic) or a differently shaped layer (the VAE's wider latent)
/// do not shift the weights drawn for the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightStream {
    /// The encoder's weights.
    Encoder,
    /// The decoder's weights, the same for every method with one seed.
    Decoder,
    /// The weights of a method's extra network, such as a critic.
    Adversary,
}

impl WeightStream {
    /// The device seed of this stream for the run's `seed`.
    fn seed(self, seed: u64) -> u64 {
        let stream = match self {
            WeightStream::Encoder => 0u64,
            WeightStream::Decoder => 1,
            WeightStream::Adversary => 2,
        };
        // Distinct odd multiples keep the streams of nearby seeds apart.
        seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
}

/// Builds a network with `build` and draws all its weights now, from `device`'s generator
/// seeded for `stream` of `seed`. Burn draws a weight at its first use; drawing them here fixes
/// them by the seed alone, whatever runs on the device before the first step. The device's
/// generator is shared by every thread, so calls from several threads take turns here (two
/// tests building networks at once drew from each other's seeds); other draws from the same
/// generator on another thread meanwhile (`Tensor::random`) would still change the weights.
pub fn draw_weights<M: Module, E>(
    device: &Device,
    seed: u64,
    stream: WeightStream,
    build: impl FnOnce() -> Result<M, E>,
) -> Result<M, E> {
    static DRAWING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    // A panic in another thread's `build` leaves no state behind to distrust.
    let _turn = DRAWING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    device.seed(stream.seed(seed));
    let module = build()?;
    materialize(&module);
    Ok(module)
}

/// Forces every lazily initialised weight of `module` to be drawn.
fn materialize<M: Module>(module: &M) {
    struct Touch;
    impl ModuleVisitor for Touch {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            let _ = param.val();
        }
    }
    module.visit(&mut Touch);
}
