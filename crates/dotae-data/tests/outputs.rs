use std::path::{Path, PathBuf};

use dotae_data::synthetic::disk;
use dotae_data::{
    Channels, DataError, DiskProblem, Series, one_to_two_disks, read_image, read_png,
    resampling_matrix, resize, write_gif, write_line_plot, write_line_plot_from, write_png,
    write_png_grid, write_png_image_grid,
};
use ndarray::{Array3, Array4, ArrayView4, Axis, s};

/// A per-test directory under the system temp dir, removed when the test ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("dotae-data-outputs-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn shrinking_averages_blocks_and_overlaps() {
    let image = Array3::from_shape_fn((2, 4, 4), |(c, i, j)| (c * 16 + i * 4 + j) as f64);
    let small = resize(image.view(), 2, 2).unwrap();
    assert_eq!(small.dim(), (2, 2, 2));
    for ((c, i, j), &v) in small.indexed_iter() {
        let block = image.slice(s![c, 2 * i..2 * i + 2, 2 * j..2 * j + 2]);
        assert!(close(v, block.mean().unwrap(), 1e-12), "{v} at {c},{i},{j}");
    }

    // 3 → 2 pixels: each output covers 1.5 inputs, the middle one split in half.
    let row = Array3::from_shape_vec((1, 1, 3), vec![1.0, 2.0, 4.0]).unwrap();
    let shrunk = resize(row.view(), 1, 2).unwrap();
    assert!(close(shrunk[[0, 0, 0]], (1.0 + 0.5 * 2.0) / 1.5, 1e-12));
    assert!(close(shrunk[[0, 0, 1]], (0.5 * 2.0 + 4.0) / 1.5, 1e-12));

    // Mass scales by the area ratio for fractional factors too.
    let image = Array3::from_shape_fn((3, 7, 9), |(c, i, j)| {
        ((c + 2 * i + 3 * j) % 5) as f64 / 4.0
    });
    let shrunk = resize(image.view(), 4, 6).unwrap();
    let ratio = (7.0 * 9.0) / (4.0 * 6.0);
    assert!(close(shrunk.sum() * ratio, image.sum(), 1e-9));
    assert!(shrunk.iter().all(|v| (0.0..=1.0).contains(v)));
}

#[test]
fn the_resampling_matrix_is_resize_along_one_axis() {
    for (from, to) in [(8, 4), (28, 16), (64, 20), (5, 3), (6, 6), (3, 7)] {
        let matrix = resampling_matrix(from, to);
        let image = Array3::from_shape_fn((1, 1, from), |(_, _, j)| ((7 * j) % 5) as f64 / 4.0);
        let resized = resize(image.view(), 1, to).unwrap();
        for k in 0..to {
            let row = &matrix[k * from..(k + 1) * from];
            let applied: f64 = row.iter().zip(image.iter()).map(|(w, v)| w * v).sum();
            assert!(
                close(applied, resized[[0, 0, k]], 1e-12),
                "{from} -> {to}, row {k}"
            );
            assert!(
                close(row.iter().sum(), 1.0, 1e-12),
                "{from} -> {to}, row {k}"
            );
        }
        if to <= from {
            // Every input pixel gives all its mass, scaled by the length ratio.
            for i in 0..from {
                let column: f64 = (0..to).map(|k| matrix[k * from + i]).sum();
                let expected = to as f64 / from as f64;
                assert!(close(column, expected, 1e-12), "{from} -> {to}, column {i}");
            }
        }
    }
}

#[test]
fn enlarging_interpolates_between_pixel_centres() {
    let row = Array3::from_shape_vec((1, 1, 2), vec![0.0, 1.0]).unwrap();
    let grown = resize(row.view(), 1, 4).unwrap();
    let expected = [0.0, 0.25, 0.75, 1.0];
    assert!(
        grown.iter().zip(expected).all(|(a, b)| close(*a, b, 1e-12)),
        "{grown}"
    );

    let image = Array3::from_shape_fn((1, 3, 5), |(_, i, j)| (i * 5 + j) as f64 / 14.0);
    assert_eq!(resize(image.view(), 3, 5).unwrap(), image);
    assert!(matches!(
        resize(image.view(), 0, 5),
        Err(DataError::InvalidArgument { .. })
    ));
    assert!(resize(Array3::zeros((1, 0, 3)).view(), 2, 2).is_err());
}

#[test]
fn enlarging_then_shrinking_by_an_integer_factor_keeps_smooth_images() {
    // Bilinear enlargement followed by block means is the identity on images that are affine
    // (away from the clamped border) and preserves mass everywhere; it smooths sharper detail.
    for factor in [2, 3, 4] {
        let constant = Array3::from_elem((2, 5, 6), 0.3);
        let round_trip = resize(
            resize(constant.view(), 5 * factor, 6 * factor)
                .unwrap()
                .view(),
            5,
            6,
        )
        .unwrap();
        assert!(round_trip.iter().all(|&v| close(v, 0.3, 1e-12)));

        let ramp = Array3::from_shape_fn((1, 6, 7), |(_, i, j)| 0.1 * i as f64 + 0.05 * j as f64);
        let round_trip = resize(
            resize(ramp.view(), 6 * factor, 7 * factor).unwrap().view(),
            6,
            7,
        )
        .unwrap();
        let inner = s![.., 1..5, 1..6];
        assert!(
            round_trip
                .slice(inner)
                .iter()
                .zip(ramp.slice(inner))
                .all(|(a, b)| close(*a, *b, 1e-12)),
            "factor {factor}"
        );

        let bumpy = Array3::from_shape_fn((1, 5, 5), |(_, i, j)| ((i * 3 + j * 7) % 4) as f64);
        let round_trip = resize(
            resize(bumpy.view(), 5 * factor, 5 * factor).unwrap().view(),
            5,
            5,
        )
        .unwrap();
        assert!(
            close(round_trip.sum(), bumpy.sum(), 1e-9),
            "factor {factor}"
        );
    }
}

#[test]
fn read_image_converts_channels_and_resizes() {
    let dir = Scratch::new("read-image");
    let rgb = Array3::from_shape_fn((3, 4, 6), |(c, i, j)| {
        ((c * 24 + i * 6 + j) * 3) as f64 / 255.0
    });
    let rgb_file = dir.file("rgb.png");
    write_png(&rgb_file, &rgb).unwrap();

    // A coloured image is no gray density: averaging its channels would hide its colours.
    let err = read_image(&rgb_file, Channels::Gray, None).unwrap_err();
    assert!(
        matches!(&err, DataError::PngContent { reason, .. } if reason.contains("is coloured")),
        "{err}"
    );
    assert_eq!(
        read_image(&rgb_file, Channels::Rgb, None).unwrap().dim(),
        (3, 4, 6)
    );
    // A gray image stored as RGB reads as its one channel.
    let mean = rgb.mean_axis(Axis(0)).unwrap();
    let gray_rgb = ndarray::stack(Axis(0), &[mean.view(), mean.view(), mean.view()]).unwrap();
    let gray_rgb_file = dir.file("gray-rgb.png");
    write_png(&gray_rgb_file, &gray_rgb).unwrap();
    let gray = read_image(&gray_rgb_file, Channels::Gray, None).unwrap();
    assert_eq!(gray.dim(), (1, 4, 6));
    // 8-bit storage rounds each value to the nearest of 256 levels.
    assert!(
        gray.iter()
            .zip(&mean)
            .all(|(a, b)| close(*a, *b, 0.5 / 255.0))
    );

    let small = read_image(&gray_rgb_file, Channels::Gray, Some([2, 3])).unwrap();
    assert_eq!(small.dim(), (1, 2, 3));
    assert!(close(
        small[[0, 0, 0]],
        gray.slice(s![0, 0..2, 0..2]).mean().unwrap(),
        1e-12
    ));

    let gray_file = dir.file("gray.png");
    write_png(&gray_file, &mean.clone().insert_axis(Axis(0))).unwrap();
    let spread = read_image(&gray_file, Channels::Rgb, Some([8, 12])).unwrap();
    assert_eq!(spread.dim(), (3, 8, 12));
    assert_eq!(spread.index_axis(Axis(0), 0), spread.index_axis(Axis(0), 2));

    assert!(read_image(&gray_file, Channels::Gray, Some([0, 3])).is_err());
}

#[test]
fn read_image_errors_name_the_file() {
    let dir = Scratch::new("read-image-errors");
    let missing = dir.file("missing.png");
    let err = read_image(&missing, Channels::Gray, None).unwrap_err();
    assert!(matches!(err, DataError::Read { .. }), "{err}");
    assert!(
        err.to_string().contains(&missing.display().to_string()),
        "{err}"
    );

    let corrupt = dir.file("corrupt.png");
    std::fs::write(&corrupt, b"these bytes are not a PNG image").unwrap();
    let err = read_image(&corrupt, Channels::Rgb, Some([4, 4])).unwrap_err();
    assert!(matches!(err, DataError::Png { .. }), "{err}");
    assert!(
        err.to_string().contains(&corrupt.display().to_string()),
        "{err}"
    );
}

#[test]
fn corner_to_corner_matches_the_paper() {
    let problem = DiskProblem::corner_to_corner(32);
    assert_eq!(problem.size, 32);
    assert_eq!(problem.radius, 5.0);
    assert_eq!(problem.from, (7.0, 7.0));
    assert_eq!(problem.to, (24.0, 24.0));

    let source = problem.source().unwrap();
    let target = problem.target().unwrap();
    assert_eq!(source.dim(), (1, 32, 32));
    assert_eq!(source[[0, 7, 7]], 1.0);
    assert_eq!(target[[0, 24, 24]], 1.0);
    assert_eq!(
        source.index_axis(Axis(0), 0),
        disk(32, 32, (7.0, 7.0), 5.0).unwrap()
    );

    let path = problem.exact_path(8).unwrap();
    assert_eq!(path.dim(), (9, 1, 32, 32));
    assert_eq!(path.index_axis(Axis(0), 0), source);
    assert_eq!(path.index_axis(Axis(0), 8), target);
    // Translation keeps the mass of every frame.
    let masses: Vec<f64> = path.axis_iter(Axis(0)).map(|f| f.sum()).collect();
    assert!(
        masses
            .iter()
            .all(|m| close(*m, masses[0], 1e-2 * masses[0])),
        "{masses:?}"
    );

    assert!(problem.exact_path(0).is_err());
    let broken = DiskProblem {
        to: (f64::NAN, 3.0),
        ..problem
    };
    assert!(broken.target().is_err());
}

#[test]
fn one_disk_splits_into_two_of_equal_total_mass() {
    let (source, target) = one_to_two_disks(32).unwrap();
    assert_eq!(source.dim(), (1, 32, 32));
    assert_eq!(target.dim(), (1, 32, 32));
    let (a, b) = (source.sum(), target.sum());
    assert!((a - b).abs() <= 0.02 * a, "masses {a} and {b}");
    // One disk in the middle; two in the top-left and bottom-right corners.
    assert_eq!(source[[0, 16, 16]], 1.0);
    assert_eq!(target[[0, 16, 16]], 0.0);
    assert!(target[[0, 6, 6]] > 0.9 && target[[0, 25, 25]] > 0.9);
    assert_eq!(target[[0, 6, 25]], 0.0);
    assert!(target.iter().all(|v| (0.0..=1.0).contains(v)));

    assert!(one_to_two_disks(8).is_ok());
    assert!(matches!(
        one_to_two_disks(7),
        Err(DataError::InvalidArgument { .. })
    ));
}

#[test]
fn png_grid_lays_out_paths_row_by_row() {
    let dir = Scratch::new("png-grid");
    let long = Array4::from_shape_fn((3, 1, 4, 5), |(t, _, i, j)| {
        (t * 20 + i * 5 + j) as f64 / 60.0
    });
    let mut short = Array4::from_elem((2, 1, 4, 5), 0.2);
    short[[0, 0, 0, 0]] = -1.0;
    short[[1, 0, 3, 4]] = 2.0;
    let file = dir.file("grid.png");
    write_png_grid(&file, &[long.view(), short.view()], 2).unwrap();

    let grid = read_png(&file).unwrap();
    // 3 frames of 5 columns and 2 rows of 4, with 2 pixels around and between them.
    assert_eq!(grid.dim(), (1, 2 * 4 + 3 * 2, 3 * 5 + 4 * 2));
    assert_eq!(grid[[0, 0, 0]], 1.0);
    let at = |t: usize, i: usize, j: usize| long[[t, 0, i, j]];
    assert!(close(grid[[0, 2 + 1, 2 + 7 + 2]], at(1, 1, 2), 0.5 / 255.0));
    // Row 1 starts at 2 + 4 + 2 = 8; values are clamped.
    assert_eq!(grid[[0, 8, 2]], 0.0);
    assert_eq!(grid[[0, 8 + 3, 2 + 7 + 4]], 1.0);
    assert!(close(grid[[0, 8 + 1, 2 + 1]], 0.2, 0.5 / 255.0));
    // The missing third frame of the short row is white.
    assert!(grid.slice(s![0, 8..12, 16..21]).iter().all(|&v| v == 1.0));

    let rgb = Array4::from_shape_fn((2, 3, 3, 3), |(t, c, _, _)| if c == t { 1.0 } else { 0.0 });
    write_png_grid(&dir.file("rgb.png"), &[rgb.view()], 0).unwrap();
    let back = read_png(&dir.file("rgb.png")).unwrap();
    assert_eq!(back.dim(), (3, 3, 6));
    assert_eq!(back.slice(s![.., 1, 4]).to_vec(), vec![0.0, 1.0, 0.0]);
}

#[test]
fn png_image_grid_wraps_images_into_rows() {
    let dir = Scratch::new("png-image-grid");
    let images = Array4::from_shape_fn((5, 1, 3, 4), |(n, _, _, _)| n as f64 / 4.0);
    let file = dir.file("barycentres.png");
    write_png_image_grid(&file, images.view(), 2, 1).unwrap();
    let grid = read_png(&file).unwrap();
    assert_eq!(grid.dim(), (1, 3 * 3 + 4, 2 * 4 + 3));
    // Image 3 sits in grid row 1, column 1.
    assert!(close(grid[[0, 1 + 3 + 1, 1 + 4 + 1]], 0.75, 0.5 / 255.0));
    // The fifth image leaves the second slot of the last row white.
    assert!(close(grid[[0, 1 + 2 * 4, 1]], 1.0, 0.0));
    assert!(close(grid[[0, 1 + 2 * 4, 1 + 4 + 1]], 1.0, 0.0));
    assert!(close(grid[[0, 1 + 2 * 4 + 1, 1 + 1]], 1.0, 0.0));

    assert!(write_png_image_grid(&file, images.view(), 0, 1).is_err());
}

#[test]
fn png_grid_rejects_inconsistent_rows() {
    let dir = Scratch::new("png-grid-errors");
    let file = dir.file("bad.png");
    let a = Array4::<f64>::zeros((2, 1, 4, 4));
    let b = Array4::<f64>::zeros((2, 1, 4, 5));
    let err = write_png_grid(&file, &[a.view(), a.view(), b.view()], 1).unwrap_err();
    assert!(err.to_string().contains("row 2"), "{err}");

    let two = Array4::<f64>::zeros((2, 2, 4, 4));
    assert!(write_png_grid(&file, &[two.view()], 1).is_err());
    let rows: [ArrayView4<'_, f64>; 0] = [];
    assert!(write_png_grid(&file, &rows, 1).is_err());
    let empty = Array4::<f64>::zeros((0, 1, 4, 4));
    let err = write_png_grid(&file, &[a.view(), empty.view()], 1).unwrap_err();
    assert!(err.to_string().contains("row 1"), "{err}");
    assert!(write_png_image_grid(&file, two.view(), 2, 1).is_err());
    assert!(!file.exists());
}

/// Decodes a GIF into `(width, height, frames as RGBA, delays in 10 ms)`.
fn decode_gif(path: &Path) -> (u16, u16, Vec<Vec<u8>>, Vec<u16>) {
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options
        .read_info(std::fs::File::open(path).unwrap())
        .unwrap();
    let (width, height) = (decoder.width(), decoder.height());
    let (mut frames, mut delays) = (Vec::new(), Vec::new());
    while let Some(frame) = decoder.read_next_frame().unwrap() {
        frames.push(frame.buffer.to_vec());
        delays.push(frame.delay);
    }
    assert_eq!(decoder.repeat(), gif::Repeat::Infinite);
    (width, height, frames, delays)
}

#[test]
fn gif_plays_the_path_forward_and_holds_the_last_frame() {
    let dir = Scratch::new("gif");
    let path = DiskProblem::corner_to_corner(16).exact_path(4).unwrap();
    let mut path = path;
    path.slice_mut(s![1, 0, 0, 0]).fill(0.5);
    let file = dir.file("gray.gif");
    write_gif(&file, path.view(), 80, 3).unwrap();
    let (width, height, frames, delays) = decode_gif(&file);
    assert_eq!((width, height), (48, 48));
    assert_eq!(frames.len(), 5);
    assert_eq!(delays, vec![8, 8, 8, 8, 16]);
    // Frame 1's top-left pixel, 0.5 gray, covers a 3 × 3 block.
    let pixel = |frame: &[u8], i: usize, j: usize| frame[(i * 48 + j) * 4];
    assert_eq!(pixel(&frames[1], 2, 2), 128);
    assert_eq!(pixel(&frames[1], 0, 3), 0);
    // Pixel (4, 4), inside the source disk of radius 2.5 at (3.5, 3.5), becomes rows and
    // columns 12..15.
    assert_eq!(pixel(&frames[0], 13, 13), 255);

    let rgb = Array4::from_shape_fn((3, 3, 2, 2), |(t, c, _, _)| if c == t { 1.0 } else { 0.0 });
    let file = dir.file("rgb.gif");
    write_gif(&file, rgb.view(), 100, 1).unwrap();
    let (width, height, frames, delays) = decode_gif(&file);
    assert_eq!((width, height, frames.len()), (2, 2, 3));
    assert_eq!(delays, vec![10, 10, 20]);
    assert_eq!(&frames[0][..3], &[255, 0, 0]);
    assert_eq!(&frames[2][..3], &[0, 0, 255]);
}

#[test]
fn gif_rejects_bad_paths() {
    let dir = Scratch::new("gif-errors");
    let file = dir.file("bad.gif");
    let two_channels = Array4::<f64>::zeros((3, 2, 4, 4));
    let err = write_gif(&file, two_channels.view(), 100, 1).unwrap_err();
    assert!(err.to_string().contains("2 channels"), "{err}");
    assert!(write_gif(&file, Array4::<f64>::zeros((0, 1, 4, 4)).view(), 100, 1).is_err());
    assert!(write_gif(&file, Array4::<f64>::zeros((2, 1, 4, 4)).view(), 100, 0).is_err());
    assert!(
        write_gif(
            &file,
            Array4::<f64>::zeros((2, 1, 4, 4)).view(),
            100,
            20_000
        )
        .is_err()
    );
    assert!(!file.exists());
}

fn curves() -> Vec<Series> {
    vec![
        Series {
            name: "train loss".into(),
            values: (1..=40).map(|e| 2.0 / e as f64 + 0.01).collect(),
        },
        Series {
            name: "validation loss".into(),
            values: (1..=30)
                .map(|e| {
                    if e == 7 {
                        f64::NAN
                    } else {
                        2.5 / e as f64 + 0.05
                    }
                })
                .collect(),
        },
        Series {
            name: "path energy".into(),
            values: vec![0.0, -1.0, 0.3, 0.2],
        },
    ]
}

#[test]
fn line_plot_has_the_requested_size_and_series_colours() {
    let dir = Scratch::new("plot");
    for (log_y, name) in [(false, "linear.png"), (true, "log.png")] {
        let file = dir.file(name);
        write_line_plot(&file, "Training curves", &curves(), log_y, 640, 480).unwrap();
        let image = read_png(&file).unwrap();
        assert_eq!(image.dim(), (3, 480, 640));
        assert_eq!(image.slice(s![.., 0, 0]).to_vec(), vec![1.0; 3]);
        let has = |rgb: [u8; 3]| {
            (0..480).any(|i| {
                (0..640).any(|j| (0..3).all(|c| image[[c, i, j]] == f64::from(rgb[c]) / 255.0))
            })
        };
        assert!(
            has([31, 119, 180]) && has([255, 127, 14]) && has([44, 160, 44]),
            "{name}"
        );
        assert!(has([0, 0, 0]), "{name} has no axes or text");
    }

    let single = [Series {
        name: "one point".into(),
        values: vec![3.0],
    }];
    write_line_plot(&dir.file("single.png"), "", &single, false, 200, 150).unwrap();
    assert_eq!(
        read_png(&dir.file("single.png")).unwrap().dim(),
        (3, 150, 200)
    );
}

/// Curves whose first value is the state before training start at x = 0: the same plot with its
/// x labels shifted by one, and at the default start, `write_line_plot`'s to the byte.
#[test]
fn line_plot_from_sets_the_first_x() {
    let dir = Scratch::new("plot-from");
    let (default, one, zero) = (dir.file("d.png"), dir.file("1.png"), dir.file("0.png"));
    write_line_plot(&default, "t", &curves(), true, 640, 480).unwrap();
    write_line_plot_from(&one, "t", &curves(), 1, true, 640, 480).unwrap();
    write_line_plot_from(&zero, "t", &curves(), 0, true, 640, 480).unwrap();
    assert_eq!(
        std::fs::read(&default).unwrap(),
        std::fs::read(&one).unwrap()
    );
    let (from_one, from_zero) = (read_png(&one).unwrap(), read_png(&zero).unwrap());
    assert_eq!(from_zero.dim(), from_one.dim());
    assert_ne!(from_zero, from_one, "the x labels did not move");
}

#[test]
fn line_plot_rejects_nothing_to_draw() {
    let dir = Scratch::new("plot-errors");
    let file = dir.file("bad.png");
    let empty = [
        Series {
            name: "a".into(),
            values: vec![],
        },
        Series {
            name: "b".into(),
            values: vec![],
        },
    ];
    let err = write_line_plot(&file, "t", &empty, false, 640, 480).unwrap_err();
    assert!(err.to_string().contains("empty"), "{err}");
    assert!(write_line_plot(&file, "t", &[], false, 640, 480).is_err());
    let non_positive = [Series {
        name: "a".into(),
        values: vec![0.0, -1.0, f64::INFINITY],
    }];
    assert!(write_line_plot(&file, "t", &non_positive, false, 640, 480).is_ok());
    std::fs::remove_file(&file).unwrap();
    assert!(write_line_plot(&file, "t", &non_positive, true, 640, 480).is_err());
    assert!(write_line_plot(&file, "t", &curves(), false, 40, 30).is_err());
    assert!(write_line_plot(&file, "t", &curves(), false, 0, 480).is_err());
    assert!(!file.exists());
}

#[test]
fn scatter_panels_draw_each_cloud_in_its_panel_and_refuse_what_cannot_be_drawn() {
    use dotae_data::{Cloud, ScatterPanel, write_scatter_panels};
    let dir = Scratch::new("scatter");
    let ring = |r: f64| -> Vec<(f64, f64)> {
        (0..200)
            .map(|k| {
                let a = k as f64 * std::f64::consts::TAU / 200.0;
                (r * a.cos(), r * a.sin())
            })
            .collect()
    };
    let panel = |title: &str, colour: usize| ScatterPanel {
        title: title.into(),
        clouds: vec![Cloud {
            name: "ring".into(),
            points: ring(3.0),
            colour,
        }],
        segments: vec![((0.0, 0.0), (3.0, 0.0))],
    };
    let file = dir.file("scatter.png");
    write_scatter_panels(&file, &[panel("blue", 0), panel("orange", 1)], 2, 200).unwrap();
    let image = read_png(&file).unwrap();
    assert_eq!(image.dim(), (3, 200, 400));
    // Blue dots (the palette's first colour) only in the left panel, orange only in the right.
    let count = |columns: std::ops::Range<usize>, test: &dyn Fn(f64, f64, f64) -> bool| {
        (0..200)
            .flat_map(|i| columns.clone().map(move |j| (i, j)))
            .filter(|&(i, j)| test(image[[0, i, j]], image[[1, i, j]], image[[2, i, j]]))
            .count()
    };
    let blue = |r: f64, _g: f64, b: f64| b > r + 0.2;
    let orange = |r: f64, _g: f64, b: f64| r > b + 0.3;
    assert!(count(0..200, &blue) > 50 && count(200..400, &blue) == 0);
    assert!(count(200..400, &orange) > 50 && count(0..200, &orange) == 0);

    let refused = |panels: &[ScatterPanel], columns: usize, side: usize| {
        write_scatter_panels(&dir.file("refused.png"), panels, columns, side).unwrap_err()
    };
    assert!(refused(&[], 1, 200).to_string().contains("panels"));
    assert!(
        refused(&[panel("a", 0)], 2, 200)
            .to_string()
            .contains("columns")
    );
    assert!(
        refused(&[panel("a", 0)], 1, 100_000)
            .to_string()
            .contains("side")
    );
    let empty = ScatterPanel {
        title: "nothing".into(),
        clouds: vec![Cloud {
            name: "nan".into(),
            points: vec![(f64::NAN, 0.0)],
            colour: 0,
        }],
        segments: Vec::new(),
    };
    assert!(refused(&[empty], 1, 200).to_string().contains("nothing"));
    assert!(!dir.file("refused.png").exists());
}
