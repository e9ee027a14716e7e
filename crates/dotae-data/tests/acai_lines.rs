//! ACAI's lines as its official renderer draws them: the images match `draw_line` of ACAI's
//! `lib/data.py` pixel for pixel, the evaluation bank has `closest_line`'s angles bit for bit,
//! and the documented properties (value range, mass, paths, errors) hold.
//!
//! The pinned numbers come from `python3 tests/reference/acai_lines.py
//! /work/.mirror/brain-research+acai/repo` (a mirror of github.com/brain-research/acai), which
//! runs the official functions themselves (keys `renders` and `bank` of its JSON).

use std::f64::consts::{FRAC_PI_2, FRAC_PI_4, PI, TAU};

use dotae_data::lines::{line_image, random_lines, shortest_arc};
use dotae_data::{
    ACAI_BANK_LINES, ACAI_MIN_SIZE, DataError, acai_bank_angles, acai_line, acai_line_bank,
    acai_line_image, acai_line_path, acai_to_unit, random_acai_lines, unit_to_acai,
};
use ndarray::{Array2, Axis};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

/// One official rendering: `draw_line(angle, size, size)`, values in `[−1, 1]`.
struct Render {
    size: usize,
    angle: f64,
    /// Sum over the whole image.
    sum: f64,
    /// Every pixel that is not background (−1), as `row,col,value` separated by whitespace.
    pixels: &'static str,
}

const RENDERS: &[Render] = &[
    Render {
        size: 32,
        angle: 0.0,
        sum: -964.0,
        pixels: "15,16,1.0 15,17,1.0 15,18,1.0 15,19,1.0 15,20,1.0 15,21,1.0 15,22,1.0 15,23,1.0
                 15,24,1.0 15,25,1.0 15,26,1.0 15,27,1.0 15,28,1.0 15,29,1.0 15,30,1.0 16,16,1.0
                 16,17,1.0 16,18,1.0 16,19,1.0 16,20,1.0 16,21,1.0 16,22,1.0 16,23,1.0 16,24,1.0
                 16,25,1.0 16,26,1.0 16,27,1.0 16,28,1.0 16,29,1.0 16,30,1.0",
    },
    Render {
        size: 32,
        angle: FRAC_PI_2,
        sum: -964.0,
        pixels: "1,15,1.0 1,16,1.0 2,15,1.0 2,16,1.0 3,15,1.0 3,16,1.0 4,15,1.0 4,16,1.0 5,15,1.0
                 5,16,1.0 6,15,1.0 6,16,1.0 7,15,1.0 7,16,1.0 8,15,1.0 8,16,1.0 9,15,1.0 9,16,1.0
                 10,15,1.0 10,16,1.0 11,15,1.0 11,16,1.0 12,15,1.0 12,16,1.0 13,15,1.0 13,16,1.0
                 14,15,1.0 14,16,1.0 15,15,1.0 15,16,1.0",
    },
    Render {
        size: 32,
        angle: FRAC_PI_4,
        sum: -980.0,
        pixels: "5,26,-3.552713678800501e-15 6,25,-3.552713678800501e-15 6,26,1.0
                 7,24,-3.552713678800501e-15 7,25,1.0 7,26,3.552713678800501e-15
                 8,23,-3.552713678800501e-15 8,24,1.0 8,25,3.552713678800501e-15 9,22,0.0 9,23,1.0
                 9,24,3.552713678800501e-15 10,21,0.0 10,22,1.0 10,23,3.552713678800501e-15 11,20,0.0
                 11,21,1.0 11,22,0.0 12,19,0.0 12,20,1.0 12,21,0.0 13,18,0.0 13,19,1.0 13,20,0.0
                 14,17,0.0 14,18,1.0 14,19,0.0 15,16,0.0 15,17,1.0 15,18,0.0 16,16,1.0 16,17,0.0
                 17,16,0.0",
    },
    Render {
        size: 32,
        angle: 1.0,
        sum: -973.5117409115262,
        pixels: "3,23,-0.5872604157413858 3,24,0.2441295442368947 3,25,-0.16861004002171953
                 4,23,0.9476846016417255 4,24,1.0 4,25,-0.9476846016417255 5,22,0.23186983351038748
                 5,23,1.0 5,24,-0.23186983351038748 6,21,-0.48394493462095056 6,22,1.0
                 6,23,0.48394493462095056 7,21,0.8002402972477114 7,22,1.0 7,23,-0.8002402972477114
                 8,20,0.08442552911637335 8,21,1.0 8,22,-0.08442552911637335 9,19,-0.6313892390149647
                 9,20,1.0 9,21,0.6313892390149647 10,19,0.6527959928536973 10,20,1.0
                 10,21,-0.6527959928536973 11,18,-0.06301877527764077 11,19,1.0
                 11,20,0.06301877527764077 12,17,-0.7788335434089788 12,18,1.0
                 12,19,0.7788335434089788 13,17,0.5053516884596831 13,18,1.0
                 13,19,-0.5053516884596831 14,16,-0.2104630796716549 14,17,1.0
                 14,18,0.2104630796716549 15,15,-0.9262778478029929 15,16,1.0
                 15,17,0.9262778478029929",
    },
    Render {
        size: 32,
        angle: 5.5,
        sum: -980.0,
        pixels: "14,16,-0.004415947786114316 15,16,1.0 15,17,0.004415947786114316
                 16,16,0.004415947786114316 16,17,1.0 16,18,0.013247843358342948
                 17,17,-0.004415947786114316 17,18,1.0 17,19,0.02207973893057158
                 18,18,-0.013247843358342948 18,19,1.0 18,20,0.030911634502807317
                 19,19,-0.02207973893057158 19,20,1.0 19,21,0.03974353007503595
                 20,20,-0.030911634502807317 20,21,1.0 20,22,0.04857542564726458
                 21,21,-0.03974353007503595 21,22,1.0 21,23,0.05740732121949321
                 22,22,-0.04857542564726458 22,23,1.0 22,24,0.06623921679172895
                 23,23,-0.05740732121949321 23,24,1.0 23,25,0.07507111236395758
                 24,24,-0.06623921679172895 24,25,1.0 24,26,0.08390300793618621
                 25,25,-0.07507111236395758 25,26,1.0 26,26,-0.08390300793618621",
    },
    Render {
        size: 32,
        angle: PI,
        sum: -964.0,
        pixels: "14,1,-0.9999999999999964 14,2,-0.9999999999999964 14,3,-0.9999999999999964
                 14,4,-0.9999999999999964 14,5,-0.9999999999999964 14,6,-0.9999999999999964
                 14,7,-0.9999999999999964 14,8,-0.9999999999999964 15,1,1.0 15,2,1.0 15,3,1.0
                 15,4,1.0 15,5,1.0 15,6,1.0 15,7,1.0 15,8,1.0 15,9,1.0 15,10,1.0 15,11,1.0 15,12,1.0
                 15,13,1.0 15,14,1.0 15,15,1.0 16,1,1.0 16,2,1.0 16,3,1.0 16,4,1.0 16,5,1.0 16,6,1.0
                 16,7,1.0 16,8,1.0 16,9,1.0 16,10,1.0 16,11,1.0 16,12,1.0 16,13,1.0 16,14,1.0
                 16,15,1.0",
    },
    Render {
        size: 32,
        angle: 3.0 * PI / 4.0,
        sum: -981.5735931288071,
        pixels: "5,3,-0.39339828220178885 5,4,0.21320343559642652 5,5,-0.39339828220178463
                 6,4,-3.552713678800501e-15 6,5,1.0 6,6,3.552713678800501e-15
                 7,5,-3.552713678800501e-15 7,6,1.0 7,7,3.552713678800501e-15
                 8,6,-3.552713678800501e-15 8,7,1.0 8,8,3.552713678800501e-15
                 9,7,-1.7763568394002505e-15 9,8,1.0 9,9,0.0 10,8,0.0 10,9,1.0 10,10,0.0 11,9,0.0
                 11,10,1.0 11,11,0.0 12,10,0.0 12,11,1.0 12,12,0.0 13,11,0.0 13,12,1.0 13,13,0.0
                 14,12,0.0 14,13,1.0 14,14,0.0 15,13,0.0 15,14,1.0 15,15,0.0",
    },
    Render {
        size: 32,
        angle: 2.0,
        sum: -969.4421543904591,
        pixels: "2,8,-0.18656092444349937 2,9,0.2789228047704526 2,10,-0.534516270786048
                 3,8,-0.6432460322722875 3,9,1.0 3,10,0.6432460322722875 4,9,0.4414388590071425
                 4,10,1.0 4,11,-0.4414388590071425 5,9,-0.47387624971342746 5,10,1.0
                 5,11,0.47387624971342746 6,10,0.610808641565999 6,11,1.0 6,12,-0.610808641565999
                 7,10,-0.30450646715457097 7,11,1.0 7,12,0.30450646715457097 8,11,0.7801784241248555
                 8,12,1.0 8,13,-0.7801784241248555 9,11,-0.13513668459571448 9,12,1.0
                 9,13,0.13513668459571448 10,12,0.9495482066837155 10,13,1.0
                 10,14,-0.9495482066837155 11,12,0.034233097963142 11,13,1.0 11,14,-0.034233097963142
                 12,12,-0.881082010757428 12,13,1.0 12,14,0.881082010757428 13,13,0.20360288052199849
                 13,14,1.0 13,15,-0.20360288052199849 14,13,-0.7117122281985715 14,14,1.0
                 14,15,0.7117122281985715 15,14,0.3729726630808585 15,15,1.0
                 15,16,-0.3729726630808585",
    },
    Render {
        size: 32,
        angle: 4.0,
        sum: -976.0,
        pixels: "16,15,0.13630884554938305 16,16,1.0 16,17,-0.1363088455493795
                 17,14,-0.13630884554938305 17,15,1.0 17,16,0.1363088455493795
                 18,13,-0.40892653664814915 18,14,1.0 18,15,0.40892653664814915
                 19,12,-0.6815442277469188 19,13,1.0 19,14,0.6815442277469188
                 20,11,-0.9541619188456849 20,12,1.0 20,13,0.9541619188456849 21,11,0.773220390055549
                 21,12,1.0 21,13,-0.773220390055549 22,10,0.5006026989567829 22,11,1.0
                 22,12,-0.5006026989567829 23,9,0.22798500785801679 23,10,1.0
                 23,11,-0.22798500785801679 24,8,-0.044632683240749316 24,9,1.0
                 24,10,0.044632683240749316 25,7,-0.3172503743395172 25,8,1.0 25,9,0.3172503743395154
                 26,6,-0.5898680654382851 26,7,1.0 26,8,0.5898680654382851 27,5,-0.8624857565370512
                 27,6,1.0 27,7,0.8624857565370512",
    },
    Render {
        size: 32,
        angle: -0.3,
        sum: -964.0,
        pixels: "14,16,-0.6906637503903781 15,16,1.0 15,17,0.6906637503903781
                 15,18,0.0719912511711307 15,19,-0.5466812480481167 16,16,0.6906637503903781
                 16,17,1.0 16,18,1.0 16,19,1.0 16,20,0.8346462527326395 16,21,0.21597375351338854
                 16,22,-0.4026987457058553 17,17,-0.6906637503903781 17,18,-0.07199125117112715
                 17,19,0.5466812480481167 17,20,1.0 17,21,1.0 17,22,1.0 17,23,0.9786287550748938
                 17,24,0.35995625585564994 17,25,-0.2587162433635939 17,26,-0.8773887425828377
                 18,20,-0.8346462527326395 18,21,-0.21597375351338854 18,22,0.4026987457058553
                 18,23,1.0 18,24,1.0 18,25,1.0 18,26,1.0 18,27,0.5039387581979113
                 18,28,-0.11473374102133249 18,29,-0.7334062402405834 19,23,-0.9786287550748938
                 19,24,-0.35995625585564994 19,25,0.2587162433635939 19,26,0.8773887425828377
                 19,27,1.0 19,28,1.0 19,29,1.0 19,30,0.6479212605401727 20,27,-0.5039387581979113
                 20,28,0.11473374102133249 20,29,0.7334062402405834 20,30,1.0
                 21,30,-0.6479212605401727",
    },
    Render {
        size: 33,
        angle: 1.0,
        sum: -1034.8287989419105,
        pixels: "3,24,-0.4455801438313697 3,25,0.0856005290447932 3,26,-0.4688193271238371
                 4,23,-0.6944080142925984 4,24,1.0 4,25,0.6944080142925984 5,23,0.5897772175760636
                 5,24,1.0 5,25,-0.5897772175760636 6,22,-0.12603755055527444 6,23,1.0
                 6,24,0.12603755055527444 7,21,-0.8418523186866125 7,22,1.0 7,23,0.8418523186866125
                 8,21,0.4423329131820424 8,22,1.0 8,23,-0.4423329131820424 9,20,-0.27348185494929567
                 9,21,1.0 9,22,0.27348185494929567 10,19,-0.9892966230806337 10,20,1.0
                 10,21,0.9892966230806337 11,19,0.29488860878802825 11,20,1.0
                 11,21,-0.29488860878802825 12,18,-0.4209261593433098 12,19,1.0
                 12,20,0.4209261593433098 13,18,0.8632590725253522 13,19,1.0
                 13,20,-0.8632590725253522 14,17,0.14744430439401413 14,18,1.0
                 14,19,-0.14744430439401413 15,16,-0.5683704637373239 15,17,1.0
                 15,18,0.5683704637373239 16,16,0.715814768131338 16,17,1.0 16,18,-0.715814768131338",
    },
    Render {
        size: 28,
        angle: 2.5,
        sum: -742.3405319915595,
        pixels: "4,3,-0.5098293115710844 5,3,-0.17026599577972235 5,4,0.6874682420118674
                 5,5,-0.8065763524654539 6,3,-0.660436684208638 6,4,1.0 6,5,1.0
                 6,6,-0.3006209469427752 7,4,-0.6874682420118674 7,5,0.8065763524654539 7,6,1.0
                 7,7,0.2053344585799053 8,6,0.3006209469427752 8,7,1.0 8,8,0.7112898641025858
                 8,9,-0.7827547303747373 9,7,-0.2053344585799053 9,8,1.0 9,9,1.0
                 9,10,-0.2767993248520568 10,8,-0.7112898641025858 10,9,0.7827547303747373 10,10,1.0
                 10,11,0.2291560806706201 11,10,0.2767993248520568 11,11,1.0 11,12,0.7351114861933041
                 11,13,-0.7589331082840189 12,11,-0.2291560806706201 12,12,1.0 12,13,1.0
                 13,12,-0.7351114861933041 13,13,0.7589331082840189",
    },
    Render {
        size: 10,
        angle: 0.8,
        sum: -88.52230254560763,
        pixels: "2,7,0.04461145617074003 2,8,0.7388487271961823 2,9,-0.3057627289745576
                 3,6,0.14392699674762888 3,7,1.0 3,8,-0.14392699674763065 4,5,0.08635619804857697
                 4,6,1.0 4,7,-0.08635619804857697",
    },
];

fn parse(pixels: &str) -> Vec<(usize, usize, f64)> {
    pixels
        .split_whitespace()
        .map(|triple| {
            let mut parts = triple.split(',');
            let mut next = || parts.next().unwrap();
            (
                next().parse().unwrap(),
                next().parse().unwrap(),
                next().parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_renderer_matches_the_official_one_pixel_for_pixel() {
    let mut worst = 0.0f64;
    for case in RENDERS {
        let image = acai_line(case.size, case.angle).unwrap();
        let mut expected = Array2::from_elem((case.size, case.size), -1.0);
        for (r, c, v) in parse(case.pixels) {
            expected[[r, c]] = v;
        }
        for ((index, &got), &want) in image.indexed_iter().zip(&expected) {
            let diff = (got - want).abs();
            worst = worst.max(diff);
            assert!(
                diff <= 1e-12,
                "size {} angle {} pixel {index:?}: {got} against the official {want}",
                case.size,
                case.angle
            );
        }
        assert!((image.sum() - case.sum).abs() < 1e-9, "{}", case.angle);
    }
    println!("largest pixel difference from the official renderer: {worst:e}");
}

#[test]
fn the_evaluation_bank_has_the_official_angles() {
    // `np.linspace(0, 2π − 2π/10000, 10000)` as closest_line builds it, bit for bit.
    let official = [
        (0, 0.0),
        (1, 0.0006283185307179586),
        (2, 0.0012566370614359172),
        (1234, 0.775345066905961),
        (5000, PI),
        (9998, 6.28192867011815),
        (9999, 6.282556988648868),
    ];
    let angles = acai_bank_angles(ACAI_BANK_LINES);
    assert_eq!(angles.len(), 10_000);
    for (k, angle) in official {
        assert_eq!(angles[k], angle, "bank angle {k}");
    }
    let bank = acai_line_bank(32, 12).unwrap();
    assert_eq!(bank.images.dim(), (12, 1, 32, 32));
    assert_eq!(bank.angles, acai_bank_angles(12));
    assert!((bank.angles[11] - (TAU - TAU / 12.0)).abs() < 1e-15);
    for (image, &angle) in bank.images.outer_iter().zip(&bank.angles) {
        let expected = acai_line_image(32, angle).unwrap();
        assert_eq!(image.index_axis(Axis(0), 0), expected);
    }
}

#[test]
fn lines_point_the_documented_way_and_stay_off_the_border() {
    let right = acai_line(32, 0.0).unwrap();
    // Rows 15 and 16, columns 16..=30: 15 pixels long, 2 wide, 1 inside.
    for r in [15, 16] {
        for c in 16..=30 {
            assert_eq!(right[[r, c]], 1.0);
        }
    }
    assert_eq!(right.iter().filter(|&&v| v > -1.0).count(), 30);
    let up = acai_line(32, FRAC_PI_2).unwrap();
    assert_eq!(up[[1, 15]], 1.0);
    assert_eq!(up[[0, 15]], -1.0);
    assert_eq!(up[[16, 15]], -1.0);
    let unit = acai_line_image(32, 1.0).unwrap();
    assert_eq!(unit, acai_to_unit(&acai_line(32, 1.0).unwrap()));
    assert!(unit.iter().all(|v| (0.0..=1.0).contains(v)));
    assert_eq!(unit[[0, 0]], 0.0);
}

/// The measurement quoted in the module docs: the mass (sum of the `[0, 1]` image) of an ACAI
/// line ranges over a factor √2 with the angle, against 2.5 % for dotae's tent lines.
#[test]
fn acai_line_mass_varies_by_a_factor_sqrt_two() {
    let angles: Vec<f64> = (0..3600).map(|k| k as f64 * TAU / 3600.0).collect();
    let extremes = |masses: &[f64]| {
        let min = masses.iter().copied().fold(f64::INFINITY, f64::min);
        let max = masses.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (min, max)
    };
    let acai: Vec<f64> = angles
        .iter()
        .map(|&a| acai_line_image(32, a).unwrap().sum())
        .collect();
    let (min, max) = extremes(&acai);
    let argmin = angles[acai.iter().position(|&m| m == min).unwrap()];
    println!(
        "ACAI lines, 32x32, 3600 angles: mass {min:.4} (at {argmin:.4} rad) to {max:.4}, \
         ratio {:.4}",
        max / min
    );
    assert!((min - 15.0 * 2f64.sqrt()).abs() < 1e-9, "{min}");
    assert!((max - 30.0).abs() < 1e-9, "{max}");
    assert!((argmin - 3.0 * FRAC_PI_4).abs() < 1e-9, "{argmin}");
    let tent: Vec<f64> = angles
        .iter()
        .step_by(10)
        .map(|&a| line_image(32, a).unwrap().sum())
        .collect();
    let (tmin, tmax) = extremes(&tent);
    println!(
        "dotae tent lines: mass {tmin:.4} to {tmax:.4}, ratio {:.4}",
        tmax / tmin
    );
    assert!(tmax / tmin < 1.05);
}

#[test]
fn every_index_stays_inside_from_the_minimum_size() {
    // Dense sweeps, plus angles just around every multiple of π/4 where the scan axis flips.
    let mut angles: Vec<f64> = (0..2000).map(|k| k as f64 * TAU / 2000.0).collect();
    for k in 0..8 {
        for d in [-1e-3, -1e-9, -1e-15, 0.0, 1e-15, 1e-9, 1e-3] {
            angles.push(k as f64 * FRAC_PI_4 + d);
        }
    }
    for size in ACAI_MIN_SIZE..=40 {
        for &angle in &angles {
            let image =
                acai_line(size, angle).unwrap_or_else(|e| panic!("size {size} angle {angle}: {e}"));
            assert!(image.iter().all(|v| (-1.0..=1.0).contains(v)));
        }
    }
}

#[test]
fn paths_rotate_along_the_shorter_arc() {
    let (from, to) = (5.9, 0.4);
    let path = acai_line_path(32, from, to, 16).unwrap();
    assert_eq!(path.dim(), (16, 1, 32, 32));
    let arc = shortest_arc(from, to);
    assert!(arc > 0.0 && arc < PI);
    for (k, frame) in path.outer_iter().enumerate() {
        let angle = if k == 15 {
            to
        } else {
            from + arc * k as f64 / 15.0
        };
        assert_eq!(
            frame.index_axis(Axis(0), 0),
            acai_line_image(32, angle).unwrap()
        );
    }
    assert_eq!(
        path.index_axis(Axis(0), 15).index_axis(Axis(0), 0),
        acai_line_image(32, to).unwrap()
    );
}

#[test]
fn random_acai_lines_share_random_lines_angles() {
    let a = random_acai_lines(16, 40, 9).unwrap();
    assert_eq!(a, random_acai_lines(16, 40, 9).unwrap());
    assert_ne!(a.angles, random_acai_lines(16, 40, 10).unwrap().angles);
    assert_eq!(a.angles, random_lines(16, 40, 9).unwrap().angles);
    assert_eq!(a.images.dim(), (40, 1, 16, 16));
    assert!(a.angles.iter().all(|t| (0.0..TAU).contains(t)));
    for (image, &angle) in a.images.outer_iter().zip(&a.angles) {
        assert_eq!(
            image.index_axis(Axis(0), 0),
            acai_line_image(16, angle).unwrap()
        );
    }
}

#[test]
fn bad_arguments_are_typed_errors() {
    let invalid = |r: Result<_, DataError>, name: &str| match r {
        Err(DataError::InvalidArgument { what, .. }) => assert_eq!(what, name),
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("accepted, expected an error about {name}"),
    };
    invalid(acai_line(9, 0.0).map(|_| ()), "ACAI line image size");
    invalid(acai_line(0, 0.0).map(|_| ()), "ACAI line image size");
    invalid(acai_line(32, f64::NAN).map(|_| ()), "ACAI line angle");
    invalid(
        acai_line_image(32, f64::INFINITY).map(|_| ()),
        "ACAI line angle",
    );
    invalid(acai_line_bank(32, 0).map(|_| ()), "line count");
    invalid(acai_line_bank(8, 10).map(|_| ()), "ACAI line image size");
    invalid(random_acai_lines(32, 0, 1).map(|_| ()), "line count");
    invalid(
        random_acai_lines(4, 3, 1).map(|_| ()),
        "ACAI line image size",
    );
    invalid(acai_line_path(32, 0.0, 1.0, 1).map(|_| ()), "frame count");
    invalid(
        acai_line_path(32, f64::NAN, 1.0, 4).map(|_| ()),
        "path start angle",
    );
    invalid(
        acai_line_path(32, 0.0, f64::NEG_INFINITY, 4).map(|_| ()),
        "path end angle",
    );
    invalid(
        acai_line_path(5, 0.0, 1.0, 4).map(|_| ()),
        "ACAI line image size",
    );
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/acai_lines.proptest-regressions",
        ))),
        ..ProptestConfig::default()
    })]

    /// Any finite angle on any size from the minimum draws without error, with values in
    /// `[−1, 1]`, and a mass of `2 · (⌈y₁⌉ − y₀)` within `[2L, 2L + 2)`.
    #[test]
    fn lines_are_in_range_with_the_documented_mass(
        size in ACAI_MIN_SIZE..80usize,
        angle in prop_oneof![-1e6f64..1e6, -10.0f64..10.0, (0..64i32).prop_map(|k| k as f64 * FRAC_PI_4)],
    ) {
        let image = acai_line(size, angle).unwrap();
        prop_assert!(image.iter().all(|v| v.is_finite() && (-1.0..=1.0).contains(v)));
        let mass = acai_to_unit(&image).sum();
        let major = (size as f64 / 2.0 - 1.0) * angle.cos().abs().max(angle.sin().abs());
        prop_assert!(mass >= 2.0 * major - 1e-9 && mass < 2.0 * major + 2.0 + 1e-9,
            "mass {} for L = {}", mass, major);
    }

    /// The two range maps invert each other up to rounding.
    #[test]
    fn range_maps_invert_each_other(values in prop::collection::vec(-1.0f64..=1.0, 1..50)) {
        let acai = ndarray::Array1::from(values);
        let back = unit_to_acai(&acai_to_unit(&acai));
        for (a, b) in acai.iter().zip(&back) {
            prop_assert!((a - b).abs() <= 4.0 * f64::EPSILON);
        }
    }
}
