//! A small seeded random generator, so that every run and data set drawn with the same seed is
//! the same on every platform, without a dependency on `rand`'s changing streams.

/// A small seeded generator (SplitMix64): runs with the same seed shuffle and pick pairs the
/// same way on every platform.
#[derive(Debug, Clone)]
pub struct SeededRng(u64);

impl SeededRng {
    /// A generator whose whole stream is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The generator of the stream `name` of a run seeded with `seed`: every random stream of a
    /// run (training data, test pairs, shuffling, …) gets its own, so that no two replay the
    /// same sequence, and each depends on nothing but the seed and its name.
    pub fn stream(seed: u64, name: &str) -> Self {
        // FNV-1a of the name, then one SplitMix step so that nearby seeds land far apart.
        let hash = name.bytes().fold(0xCBF2_9CE4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3)
        });
        Self(Self(seed ^ hash).next_u64())
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`, by rejection so that no value is favoured; 0 when `n` is 0.
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        let n = n as u64;
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next_u64();
            if x < zone {
                return (x % n) as usize;
            }
        }
    }

    /// Uniform in `[0, 1)` with 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal, by the Box–Muller transform (one of the pair is discarded, which keeps
    /// the generator state a single word).
    pub fn normal(&mut self) -> f64 {
        // 1 - u lies in (0, 1], so the logarithm is finite.
        let radius = (-2.0 * (1.0 - self.uniform()).ln()).sqrt();
        radius * (std::f64::consts::TAU * self.uniform()).cos()
    }

    /// Fisher–Yates shuffle.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_covers_its_range() {
        let mut rng = SeededRng::new(3);
        let mut seen = [0usize; 5];
        for _ in 0..5000 {
            seen[rng.below(5)] += 1;
        }
        assert!(seen.iter().all(|&c| (800..1200).contains(&c)), "{seen:?}");
    }

    #[test]
    fn uniform_stays_in_the_unit_interval() {
        let mut rng = SeededRng::new(11);
        let draws: Vec<f64> = (0..10_000).map(|_| rng.uniform()).collect();
        assert!(draws.iter().all(|u| (0.0..1.0).contains(u)));
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        assert!((mean - 0.5).abs() < 0.02, "{mean}");
    }

    #[test]
    fn streams_of_one_seed_differ_and_repeat() {
        let first = |mut rng: SeededRng| rng.next_u64();
        let names = ["train", "test pairs", "epoch order", "steps"];
        let draws: Vec<u64> = names
            .iter()
            .map(|n| first(SeededRng::stream(7, n)))
            .collect();
        for (i, a) in draws.iter().enumerate() {
            assert!(draws[i + 1..].iter().all(|b| a != b), "{draws:?}");
            assert_ne!(*a, first(SeededRng::new(7)));
        }
        assert_eq!(draws[0], first(SeededRng::stream(7, "train")));
        assert_ne!(draws[0], first(SeededRng::stream(8, "train")));
    }

    #[test]
    fn normal_has_unit_variance() {
        let mut rng = SeededRng::new(5);
        let draws: Vec<f64> = (0..20_000).map(|_| rng.normal()).collect();
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        let var = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / draws.len() as f64;
        assert!(
            mean.abs() < 0.03 && (var - 1.0).abs() < 0.05,
            "{mean} {var}"
        );
    }
}
