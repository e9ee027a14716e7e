//! Summaries of a sample of per-path scores: quartiles, and mean, spread and quartiles together
//! for scores whose mean a few paths can carry.

use serde::{Deserialize, Serialize};

use crate::MeanStd;

/// Lower quartile, median and upper quartile of a sample, each by linear interpolation between
/// order statistics (numpy's default `percentile` method).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Quartiles {
    /// 25th percentile.
    pub lower: f64,
    /// 50th percentile.
    pub median: f64,
    /// 75th percentile.
    pub upper: f64,
}

impl Quartiles {
    /// Quartiles of `values`, or `None` if it is empty. NaN values sort last.
    pub fn of(values: &[f64]) -> Option<Quartiles> {
        if values.is_empty() {
            return None;
        }
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let at = |q: f64| {
            let position = q * (sorted.len() - 1) as f64;
            let below = position.floor() as usize;
            let above = (below + 1).min(sorted.len() - 1);
            let weight = position - below as f64;
            sorted[below] + weight * (sorted[above] - sorted[below])
        };
        Some(Quartiles {
            lower: at(0.25),
            median: at(0.5),
            upper: at(0.75),
        })
    }

    /// Interquartile range `upper − lower`; smaller means a more consistent estimate.
    pub fn iqr(&self) -> f64 {
        self.upper - self.lower
    }
}

/// Mean, population standard deviation and quartiles of a sample.
///
/// For a score whose mean a few outliers can carry: an energy ratio `J(path) / J(reference)`
/// over 100 paths, where one path far costlier than its reference moves the mean more than the
/// other 99 together, while the median and quartiles describe the typical path. Serialised as
/// `{"mean", "std", "quartiles": {"lower", "median", "upper"}}`, so a reader of [`MeanStd`]'s
/// fields reads this too.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Mean and population standard deviation.
    #[serde(flatten)]
    pub mean_std: MeanStd,
    /// Lower quartile, median and upper quartile.
    pub quartiles: Quartiles,
}

impl Summary {
    /// The summary of `values`, or `None` if it is empty. NaN or infinite values propagate into
    /// the mean and spread and sort last for the quartiles.
    pub fn of(values: &[f64]) -> Option<Summary> {
        Some(Summary {
            mean_std: MeanStd::of(values)?,
            quartiles: Quartiles::of(values)?,
        })
    }

    /// The median.
    pub fn median(&self) -> f64 {
        self.quartiles.median
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_outlier_moves_the_mean_not_the_median() {
        let mut ratios = vec![0.5; 99];
        ratios.push(1000.0);
        let summary = Summary::of(&ratios).unwrap();
        assert!(summary.mean_std.mean > 10.0);
        assert_eq!(summary.median(), 0.5);
        assert_eq!(
            (summary.quartiles.lower, summary.quartiles.upper),
            (0.5, 0.5)
        );
        assert_eq!(Summary::of(&[]), None);
    }

    #[test]
    fn serialises_mean_and_std_at_the_top_level() {
        let summary = Summary::of(&[1.0, 2.0, 3.0, 4.0]).unwrap();
        let json = serde_json::to_value(summary).unwrap();
        assert_eq!(json["mean"], 2.5);
        assert_eq!(json["quartiles"]["median"], 2.5);
        assert_eq!(json["quartiles"]["lower"], 1.75);
        let back: Summary = serde_json::from_value(json).unwrap();
        assert_eq!(back, summary);
    }
}
