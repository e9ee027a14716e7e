use dotae_data::DataError;
use dotae_data::pole::{
    PLANE_LEVEL, POLE_LEVEL, PoleDataset, PoleGrid, PoleParams, SHADOW_LEVEL, pole_dataset,
    pole_path, render_pole,
};
use ndarray::{Array2, ArrayView2, Axis};
use proptest::prelude::*;

fn light(elevation_deg: f64, azimuth_deg: f64) -> PoleParams {
    PoleParams {
        elevation_deg,
        azimuth_deg,
    }
}

fn mse(a: ArrayView2<'_, f64>, b: ArrayView2<'_, f64>) -> f64 {
    (&a - &b).mapv(|d| d * d).mean().unwrap()
}

fn nearest(dataset: &PoleDataset, image: &Array2<f64>) -> PoleParams {
    let (k, _) = dataset
        .images
        .outer_iter()
        .map(|x| mse(x.index_axis(Axis(0), 0), image.view()))
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap();
    dataset.params[k]
}

/// Pixels clearly in shadow: nearer the shadow level than the plane's.
fn dark_pixels(image: &Array2<f64>) -> usize {
    let threshold = (PLANE_LEVEL + SHADOW_LEVEL) / 2.0;
    image.iter().filter(|&&v| v < threshold).count()
}

/// Direction (degrees, counter-clockwise from +col) of the shadow's darkness-weighted centroid.
fn shadow_direction(image: &Array2<f64>) -> f64 {
    let centre = (image.nrows() as f64 - 1.0) / 2.0;
    let (mut up, mut right) = (0.0, 0.0);
    for ((i, j), &v) in image.indexed_iter() {
        let darkness = (PLANE_LEVEL - v).max(0.0);
        up += darkness * (centre - i as f64);
        right += darkness * (j as f64 - centre);
    }
    up.atan2(right).to_degrees()
}

fn angle_gap(a: f64, b: f64) -> f64 {
    let d = (a - b).rem_euclid(360.0);
    d.min(360.0 - d)
}

#[test]
fn default_grid_is_the_papers_576_scenes() {
    let grid = PoleGrid::default();
    assert_eq!(grid.elevations_deg.len(), 8);
    assert_eq!(grid.azimuths_deg.len(), 72);
    assert_eq!(grid.elevations_deg.first(), Some(&45.0));
    assert_eq!(grid.elevations_deg.last(), Some(&80.0));
    assert_eq!(grid.azimuths_deg.last(), Some(&355.0));
    let params = grid.params();
    assert_eq!(params.len(), 576);
    assert_eq!(params[1], light(45.0, 5.0), "elevation-major order");
    assert_eq!(params[72], light(50.0, 0.0));
}

#[test]
fn default_scenes_are_pairwise_distinct_and_retrievable() {
    let dataset = pole_dataset(32, &PoleGrid::default()).unwrap();
    assert_eq!(dataset.images.dim(), (576, 1, 32, 32));
    assert_eq!(dataset.params, PoleGrid::default().params());
    let images: Vec<ArrayView2<'_, f64>> = dataset
        .images
        .outer_iter()
        .map(|x| x.index_axis_move(Axis(0), 0))
        .collect();
    for (a, x) in images.iter().enumerate() {
        for (b, y) in images.iter().enumerate().skip(a + 1) {
            let gap = (x - y).iter().fold(0.0f64, |m, d| m.max(d.abs()));
            assert!(
                gap > 1e-3,
                "{:?} and {:?} differ by {gap}",
                dataset.params[a],
                dataset.params[b]
            );
        }
    }
    for (k, &params) in dataset.params.iter().enumerate() {
        let render = render_pole(32, params).unwrap();
        assert_eq!(render.view(), images[k]);
        assert_eq!(nearest(&dataset, &render), params);
    }
}

#[test]
fn scenes_between_grid_points_retrieve_a_neighbour() {
    let dataset = pole_dataset(32, &PoleGrid::default()).unwrap();
    for elevation in [46.0, 52.5, 58.0, 63.0, 71.5, 78.0] {
        for azimuth in [1.0, 62.5, 123.0, 184.0, 247.5, 358.0] {
            let off_grid = light(elevation, azimuth);
            let found = nearest(&dataset, &render_pole(32, off_grid).unwrap());
            // A neighbour is a corner of the grid cell holding the light.
            assert!(
                (found.elevation_deg - elevation).abs() < 5.0
                    && angle_gap(found.azimuth_deg, azimuth) < 5.0,
                "{off_grid:?} retrieved {found:?}"
            );
        }
    }
}

#[test]
fn lower_light_casts_a_longer_shadow() {
    for azimuth in [0.0, 45.0, 200.0] {
        let dark: Vec<usize> = PoleGrid::default()
            .elevations_deg
            .iter()
            .map(|&e| dark_pixels(&render_pole(32, light(e, azimuth)).unwrap()))
            .collect();
        assert!(dark.windows(2).all(|w| w[0] > w[1]), "{dark:?}");
    }
    let long = dark_pixels(&render_pole(64, light(45.0, 0.0)).unwrap());
    let short = dark_pixels(&render_pole(64, light(80.0, 0.0)).unwrap());
    assert!(long > 3 * short, "{long} vs {short}");
}

#[test]
fn shadow_points_away_from_the_light() {
    for azimuth in (0..12).map(|k| 30.0 * k as f64) {
        for elevation in [45.0, 80.0] {
            let image = render_pole(32, light(elevation, azimuth)).unwrap();
            let direction = shadow_direction(&image);
            assert!(
                angle_gap(direction, azimuth + 180.0) < 2.0,
                "light at {azimuth}, shadow towards {direction}"
            );
        }
    }
    // Light from the right (0°): the shadow lies in the left half, not the right.
    let image = render_pole(32, light(45.0, 0.0)).unwrap();
    let left = dark_pixels(&image.slice(ndarray::s![.., ..16]).to_owned());
    let right = dark_pixels(&image.slice(ndarray::s![.., 16..]).to_owned());
    assert!(left > 10 && right == 0, "{left} {right}");
}

#[test]
fn scene_levels_and_layout() {
    let image = render_pole(32, light(60.0, 90.0)).unwrap();
    assert!(image.iter().all(|&v| (0.0..=1.0).contains(&v)));
    // Corners are bare plane, the centre is the pole top, just below the pole is plane (the
    // light is above, so the shadow falls downwards).
    let at = |i: usize, j: usize, level: f64| (image[[i, j]] - level).abs() < 1e-12;
    assert!(at(0, 0, PLANE_LEVEL) && at(31, 31, PLANE_LEVEL));
    assert!(at(15, 15, POLE_LEVEL) && at(16, 16, POLE_LEVEL));
    assert!(at(10, 15, PLANE_LEVEL));
    assert!(at(20, 15, SHADOW_LEVEL));
}

#[test]
fn shadows_stay_inside_the_image_at_every_size() {
    for size in [16, 17, 24, 32, 33, 64] {
        let border = |image: &Array2<f64>| {
            let n = image.nrows() - 1;
            image
                .indexed_iter()
                .filter(|((i, j), _)| *i == 0 || *j == 0 || *i == n || *j == n)
                .all(|(_, &v)| v == PLANE_LEVEL)
        };
        for azimuth in [0.0, 45.0, 90.0, 135.0, 180.0, 225.0, 270.0, 315.0] {
            let image = render_pole(size, light(45.0, azimuth)).unwrap();
            assert!(border(&image), "size {size}, azimuth {azimuth}");
        }
    }
    // A low light casts a shadow that the border cuts: the check above can fail.
    let low = render_pole(32, light(20.0, 0.0)).unwrap();
    assert!(low[[15, 0]] < PLANE_LEVEL);
}

#[test]
fn lerp_takes_the_short_way_round() {
    let (a, b) = (light(45.0, 350.0), light(65.0, 10.0));
    let mid = a.lerp(&b, 0.5);
    assert!((mid.elevation_deg - 55.0).abs() < 1e-12);
    assert!(mid.azimuth_deg.abs() < 1e-12, "{mid:?}");
    let quarter = a.lerp(&b, 0.25);
    assert!((quarter.azimuth_deg - 355.0).abs() < 1e-12, "{quarter:?}");
    let back = b.lerp(&a, 0.75);
    assert!((back.azimuth_deg - 355.0).abs() < 1e-12, "{back:?}");
    assert_eq!(
        light(50.0, 10.0).lerp(&light(50.0, 10.0), 0.3).azimuth_deg,
        10.0
    );
    assert_eq!(
        light(50.0, -30.0)
            .lerp(&light(50.0, -30.0), 0.0)
            .azimuth_deg,
        330.0
    );
}

#[test]
fn distance_wraps_the_azimuth() {
    assert!((light(45.0, 350.0).distance(&light(45.0, 10.0)) - 20.0).abs() < 1e-12);
    assert!((light(45.0, 0.0).distance(&light(48.0, 364.0)) - 5.0).abs() < 1e-12);
    assert!((light(45.0, 0.0).distance(&light(45.0, 180.0)) - 180.0).abs() < 1e-12);
    assert!((light(45.0, 90.0).distance(&light(45.0, 270.0)) - 180.0).abs() < 1e-12);
}

#[test]
fn pole_path_frames_follow_the_lerp() {
    let (from, to) = (light(45.0, 350.0), light(80.0, 370.0));
    let (frames, params) = pole_path(32, from, to, 5).unwrap();
    assert_eq!(frames.dim(), (5, 1, 32, 32));
    assert_eq!(params.len(), 5);
    assert_eq!(params[0], from);
    assert_eq!(params[4], light(80.0, 10.0));
    for (k, (frame, &p)) in frames.outer_iter().zip(&params).enumerate() {
        let alpha = k as f64 / 4.0;
        let expected = from.lerp(&to, alpha);
        assert!(p.distance(&expected) < 1e-9, "{p:?} vs {expected:?}");
        assert_eq!(frame.index_axis(Axis(0), 0), render_pole(32, p).unwrap());
    }
    assert!(
        params[2].azimuth_deg.abs() < 1e-9,
        "passes 0°: {:?}",
        params[2]
    );
    assert!(pole_path(32, from, to, 1).is_err());
}

#[test]
fn bad_pole_arguments_are_errors() {
    let err = render_pole(15, light(45.0, 0.0)).unwrap_err();
    assert!(err.to_string().contains("at least 16"), "{err}");
    for elevation in [0.0, 90.0, -10.0, 120.0, f64::NAN, f64::INFINITY] {
        let err = render_pole(32, light(elevation, 0.0)).unwrap_err();
        assert!(matches!(
            err,
            DataError::InvalidArgument {
                what: "light elevation",
                ..
            }
        ));
        assert!(err.to_string().contains("between 0 and 90"), "{err}");
    }
    assert!(render_pole(32, light(45.0, f64::NAN)).is_err());
    assert!(render_pole(32, light(45.0, f64::NEG_INFINITY)).is_err());
    let empty = PoleGrid {
        elevations_deg: vec![],
        azimuths_deg: vec![0.0],
    };
    let err = pole_dataset(32, &empty).unwrap_err();
    assert!(
        err.to_string().contains("0 elevations x 1 azimuths"),
        "{err}"
    );
    let bad = PoleGrid {
        elevations_deg: vec![45.0, 95.0],
        azimuths_deg: vec![0.0],
    };
    assert!(pole_dataset(32, &bad).is_err());
    assert!(pole_dataset(8, &PoleGrid::default()).is_err());
    assert!(pole_path(32, light(45.0, 0.0), light(0.0, 0.0), 4).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn lerp_stays_between_its_endpoints(
        e0 in 1.0..89.0f64, a0 in -720.0..720.0f64,
        e1 in 1.0..89.0f64, a1 in -720.0..720.0f64,
        alpha in 0.0..=1.0f64,
    ) {
        let (p, q) = (light(e0, a0), light(e1, a1));
        let m = p.lerp(&q, alpha);
        prop_assert!((0.0..360.0).contains(&m.azimuth_deg));
        // On the shorter path, the distances from both ends add up to the whole.
        let whole = p.distance(&q);
        prop_assert!((p.distance(&m) + m.distance(&q) - whole).abs() < 1e-6);
        prop_assert!((p.distance(&m) - alpha * whole).abs() < 1e-6);
    }

    #[test]
    fn nearby_lights_give_nearby_scenes(
        e in 45.0..80.0f64, a in 0.0..360.0f64, de in -0.01..0.01f64, da in -0.01..0.01f64,
    ) {
        let x = render_pole(32, light(e, a)).unwrap();
        let y = render_pole(32, light(e + de, a + da)).unwrap();
        let gap = (&x - &y).iter().fold(0.0f64, |m, d| m.max(d.abs()));
        prop_assert!(gap < 0.02, "{gap}");
    }
}
