//! Which pairs of a batch are regularised.

pub use dotae_data::SeededRng;

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
}
