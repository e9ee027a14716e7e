//! Which pairs of a batch are regularised, and the seeded generator that picks them.

/// A small seeded generator (SplitMix64): runs with the same seed shuffle and pick pairs the
/// same way on every platform.
#[derive(Debug, Clone)]
pub struct SeededRng(u64);

impl SeededRng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), by rejection so that no value is favoured.
    pub fn below(&mut self, n: usize) -> usize {
        let n = n as u64;
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next_u64();
            if x < zone {
                return (x % n) as usize;
            }
        }
    }

    /// Fisher–Yates shuffle.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// The unordered pairs `(i, j)`, `i < j`, of a batch of `batch` images that enter the path
/// energy: all of them when there are at most `limit`, otherwise `limit` distinct pairs drawn
/// at random. The midpoint path energy is symmetric, so `(j, i)` would add nothing.
pub fn select_pairs(batch: usize, limit: usize, rng: &mut SeededRng) -> Vec<(usize, usize)> {
    let mut pairs: Vec<(usize, usize)> = (0..batch)
        .flat_map(|i| (i + 1..batch).map(move |j| (i, j)))
        .collect();
    if pairs.len() > limit {
        // A partial Fisher–Yates: the first `limit` entries become a uniform sample.
        for k in 0..limit {
            let pick = k + rng.below(pairs.len() - k);
            pairs.swap(k, pick);
        }
        pairs.truncate(limit);
        pairs.sort_unstable();
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_batches_use_every_pair() {
        let mut rng = SeededRng::new(1);
        assert_eq!(select_pairs(3, 9, &mut rng), vec![(0, 1), (0, 2), (1, 2)]);
        assert!(select_pairs(1, 9, &mut rng).is_empty());
    }

    #[test]
    fn large_batches_draw_distinct_pairs() {
        let mut rng = SeededRng::new(7);
        let pairs = select_pairs(256, 9, &mut rng);
        assert_eq!(pairs.len(), 9);
        let mut unique = pairs.clone();
        unique.dedup();
        assert_eq!(unique.len(), 9);
        assert!(pairs.iter().all(|&(i, j)| i < j && j < 256));
        assert_ne!(pairs, select_pairs(256, 9, &mut rng));
    }

    #[test]
    fn below_covers_its_range() {
        let mut rng = SeededRng::new(3);
        let mut seen = [0usize; 5];
        for _ in 0..5000 {
            seen[rng.below(5)] += 1;
        }
        assert!(seen.iter().all(|&c| (800..1200).contains(&c)), "{seen:?}");
    }
}
