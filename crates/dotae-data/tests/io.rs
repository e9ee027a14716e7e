use dotae_data::synthetic::{cross_dissolve, cross_dissolve_pairs, disk, gaussian, translation};
use dotae_data::{
    DataError, read_gray_png, read_image_paths_npy, read_paths_npy, read_png_frames,
    write_gray_png, write_npy, write_png,
};
use ndarray::{Array2, Array3, Array4, Array5, ArrayView2, Axis, s, stack};

/// A fresh folder under the temporary directory, removed with everything in it when dropped
/// (also when a test fails), so that runs leave nothing behind.
struct Scratch(std::path::PathBuf);

impl std::ops::Deref for Scratch {
    type Target = std::path::Path;

    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("dotae-data-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Scratch(dir)
}

#[test]
fn npy_paths_round_trip_in_f64_and_f32() {
    let dir = scratch("npy");
    let single = Array3::from_shape_fn((3, 4, 5), |(t, i, j)| (t * 20 + i * 5 + j) as f64);
    write_npy(&dir.join("one.npy"), &single).unwrap();
    let read = read_paths_npy(&dir.join("one.npy")).unwrap();
    assert_eq!(read, single.clone().insert_axis(Axis(0)));

    let batch: Array4<f32> =
        Array4::from_shape_fn((2, 3, 4, 5), |(p, t, i, j)| (p + t + i + j) as f32 * 0.5);
    write_npy(&dir.join("two.npy"), &batch).unwrap();
    assert_eq!(
        read_paths_npy(&dir.join("two.npy")).unwrap(),
        batch.mapv(f64::from)
    );
}

#[test]
fn gray_image_paths_read_as_density_paths_without_their_channel_axis() {
    let dir = scratch("gray-npy");
    let batch = Array5::from_shape_fn((2, 4, 1, 3, 5), |(p, t, _, i, j)| (p + t * i + j) as f64);
    write_npy(&dir.join("methods.npy"), &batch).unwrap();
    assert_eq!(
        read_paths_npy(&dir.join("methods.npy")).unwrap(),
        batch.remove_axis(Axis(2))
    );
    // quickstart's one path of 11 gray frames, not 11 paths of one frame.
    let single = Array4::from_shape_fn((11, 1, 3, 5), |(t, _, i, j)| (t + i + j) as f64);
    write_npy(&dir.join("quickstart.npy"), &single).unwrap();
    assert_eq!(
        read_paths_npy(&dir.join("quickstart.npy")).unwrap(),
        single.remove_axis(Axis(1)).insert_axis(Axis(0))
    );
    // Colour has no single density.
    write_npy(&dir.join("rgb.npy"), &Array5::<f64>::zeros((2, 4, 3, 3, 5))).unwrap();
    let err = read_paths_npy(&dir.join("rgb.npy")).unwrap_err();
    assert!(
        err.to_string().contains("[2, 4, 3, 3, 5]")
            && err.to_string().contains("(paths, frames, 1, H, W)"),
        "{err}"
    );
}

#[test]
fn image_paths_gain_a_path_axis_and_keep_their_channels() {
    let dir = scratch("image-npy");
    let single = Array4::from_shape_fn((4, 3, 2, 5), |(t, c, i, j)| (t + 2 * c + i * j) as f64);
    write_npy(&dir.join("one.npy"), &single).unwrap();
    assert_eq!(
        read_image_paths_npy(&dir.join("one.npy")).unwrap(),
        single.clone().insert_axis(Axis(0))
    );
    let batch = Array5::from_shape_fn((2, 4, 1, 3, 3), |(p, t, _, i, j)| (p * t + i + j) as f64);
    write_npy(&dir.join("two.npy"), &batch).unwrap();
    assert_eq!(read_image_paths_npy(&dir.join("two.npy")).unwrap(), batch);
    // A density path has no channel axis: it is not an image path.
    write_npy(&dir.join("density.npy"), &Array3::<f64>::zeros((3, 4, 4))).unwrap();
    let err = read_image_paths_npy(&dir.join("density.npy")).unwrap_err();
    assert!(
        err.to_string()
            .contains("(frames, C, H, W) or (paths, frames, C, H, W)"),
        "{err}"
    );
}

#[test]
fn malformed_npy_files_are_errors() {
    let dir = scratch("bad-npy");
    std::fs::write(dir.join("junk.npy"), b"not an array").unwrap();
    assert!(matches!(
        read_paths_npy(&dir.join("junk.npy")),
        Err(DataError::Npy { .. })
    ));
    write_npy(&dir.join("flat.npy"), &ndarray::Array1::<f64>::zeros(4)).unwrap();
    let err = read_paths_npy(&dir.join("flat.npy")).unwrap_err();
    assert!(
        err.to_string()
            .contains("(frames, H, W) or (paths, frames, H, W)"),
        "{err}"
    );
    write_npy(&dir.join("int.npy"), &Array3::<i32>::zeros((2, 2, 2))).unwrap();
    let err = read_paths_npy(&dir.join("int.npy")).unwrap_err();
    assert!(
        err.to_string().contains("'<f4', '>f4', '<f8' and '>f8'"),
        "{err}"
    );
    assert!(matches!(
        read_paths_npy(&dir.join("missing.npy")),
        Err(DataError::Read { .. })
    ));
}

#[test]
fn png_round_trip_is_exact_on_8_bit_levels() {
    let dir = scratch("png");
    let gray = Array2::from_shape_fn((6, 7), |(i, j)| ((i * 7 + j) * 6) as f64 / 255.0);
    write_gray_png(&dir.join("gray.png"), &gray).unwrap();
    let back = read_gray_png(&dir.join("gray.png")).unwrap();
    assert!(back.iter().zip(&gray).all(|(a, b)| (a - b).abs() < 1e-12));

    let rgb = Array3::from_shape_fn((3, 4, 4), |(c, i, j)| {
        ((c * 16 + i * 4 + j) * 5) as f64 / 255.0
    });
    write_png(&dir.join("rgb.png"), &rgb).unwrap();
    let back = dotae_data::read_png(&dir.join("rgb.png")).unwrap();
    assert!(back.iter().zip(&rgb).all(|(a, b)| (a - b).abs() < 1e-12));
}

/// A truecolour PNG may carry a suggested palette (PLTE) that indexes nothing: it reads as
/// its colours, not as palette indices past a short palette.
#[test]
fn an_rgb_png_with_a_suggested_palette_reads_as_its_colours() {
    let dir = scratch("rgb-plte");
    let file = dir.join("rgb.png");
    let mut encoder = png::Encoder::new(std::fs::File::create(&file).unwrap(), 2, 1);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_palette(vec![0u8, 0, 0, 255, 255, 255]);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&[200, 100, 50, 0, 0, 255]).unwrap();
    writer.finish().unwrap();
    let image = dotae_data::read_png(&file).unwrap();
    assert_eq!(image.dim(), (3, 1, 2));
    assert_eq!(image[[0, 0, 0]], 200.0 / 255.0);
    assert_eq!(image[[2, 0, 1]], 1.0);
}

/// CRC-32 of PNG chunks (ISO 3309), bit by bit.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG whose compressed image data is damaged (its Adler-32 no longer matches) while every
/// chunk CRC is right is refused, naming the file: the png crate skips the Adler-32 by default.
#[test]
fn a_png_with_a_wrong_adler32_is_refused() {
    let dir = scratch("adler");
    let file = dir.join("gray.png");
    write_gray_png(
        &file,
        &Array2::from_shape_fn((4, 4), |(i, j)| (i + j) as f64 / 6.0),
    )
    .unwrap();
    let mut bytes = std::fs::read(&file).unwrap();
    let idat = bytes.windows(4).position(|w| w == b"IDAT").unwrap();
    let len = u32::from_be_bytes(bytes[idat - 4..idat].try_into().unwrap()) as usize;
    let end = idat + 4 + len;
    bytes[end - 1] ^= 0x55;
    let crc = crc32(&bytes[idat..end]);
    bytes[end..end + 4].copy_from_slice(&crc.to_be_bytes());
    std::fs::write(&file, &bytes).unwrap();
    let err = read_gray_png(&file).unwrap_err().to_string();
    assert!(
        err.contains("gray.png") && err.contains("Checksum"),
        "{err}"
    );
}

#[test]
fn png_frames_order_numbers_by_value_and_skip_hidden_files() {
    let dir = scratch("numbered");
    // Unpadded numbers (f0 … f11) and a hidden companion that is no frame.
    for t in 0..12 {
        let frame = Array2::from_elem((2, 2), t as f64 / 20.0);
        write_gray_png(&dir.join(format!("f{t}.png")), &frame).unwrap();
    }
    write_gray_png(&dir.join("._f0.png"), &Array2::from_elem((2, 2), 1.0)).unwrap();
    let frames = read_png_frames(&dir).unwrap();
    assert_eq!(frames.dim(), (12, 2, 2));
    for t in 0..12 {
        let expected = (t as f64 / 20.0 * 255.0).round() / 255.0;
        assert!((frames[[t, 0, 0]] - expected).abs() < 1e-12, "frame {t}");
    }
    // Mixed padding: numbers compare by value, text as text.
    let order = ["a2.png", "a03.png", "a10.png", "b1.png"];
    let numbered = scratch("mixed");
    for (k, name) in order.iter().rev().enumerate() {
        let frame = Array2::from_elem((2, 2), (3 - k) as f64 / 3.0);
        write_gray_png(&numbered.join(name), &frame).unwrap();
    }
    let frames = read_png_frames(&numbered).unwrap();
    let levels: Vec<f64> = frames.outer_iter().map(|f| f[[0, 0]]).collect();
    let expected = [0.0, 1.0, 2.0, 3.0].map(|v: f64| (v / 3.0 * 255.0).round() / 255.0);
    assert_eq!(levels, expected);
    // One number written twice (`a2`, `a02`) claims one frame twice: refused, naming both.
    write_gray_png(&numbered.join("a02.png"), &Array2::from_elem((2, 2), 0.5)).unwrap();
    let err = read_png_frames(&numbered).unwrap_err().to_string();
    assert!(
        err.contains("a2.png") && err.contains("a02.png") && err.contains("same frame"),
        "{err}"
    );
}

/// Numbers the natural order would misread are refused, naming the file (probe 12): a decimal
/// point (`f1.5` would come before `f1`) and a minus sign beside unsigned numbers (`f-2`, `f-1`,
/// `f0` would read 2, 1, 0). A dash before every frame's number is a separator.
#[test]
fn png_frame_numbers_must_be_whole() {
    let frame = Array2::from_elem((2, 2), 0.5);
    let folder = |name: &str, files: &[&str]| {
        let dir = scratch(name);
        for file in files {
            write_gray_png(&dir.join(file), &frame).unwrap();
        }
        dir
    };
    let decimal = folder("decimal", &["f1.png", "f1.5.png", "f2.png"]);
    let err = read_png_frames(&decimal).unwrap_err().to_string();
    assert!(
        err.contains("f1.5.png") && err.contains("decimal point"),
        "{err}"
    );
    let signed = folder("signed", &["f-2.png", "f-1.png", "f0.png"]);
    let err = read_png_frames(&signed).unwrap_err().to_string();
    assert!(err.contains("f-") && err.contains("minus sign"), "{err}");
    let dashed = folder("dashed", &["frame-1.png", "frame-2.png", "frame-10.png"]);
    assert_eq!(read_png_frames(&dashed).unwrap().dim(), (3, 2, 2));
    // A frame in another format would be left out of the path (probe 13).
    std::fs::write(dashed.join("frame-3.jpg"), b"not read").unwrap();
    let err = read_png_frames(&dashed).unwrap_err().to_string();
    assert!(
        err.contains("frame-3.jpg") && err.contains("not a PNG"),
        "{err}"
    );
}

#[test]
fn png_frames_are_read_in_name_order_and_must_share_a_size() {
    let dir = scratch("frames");
    for t in 0..3 {
        let frame = Array2::from_elem((4, 4), t as f64 / 4.0);
        write_gray_png(&dir.join(format!("frame_{t:02}.png")), &frame).unwrap();
    }
    let frames = read_png_frames(&dir).unwrap();
    assert_eq!(frames.dim(), (3, 4, 4));
    assert!((frames[[2, 0, 0]] - 0.5).abs() < 1e-2);

    write_gray_png(&dir.join("frame_03.png"), &Array2::zeros((5, 4))).unwrap();
    let err = read_png_frames(&dir).unwrap_err();
    assert!(
        matches!(
            err,
            DataError::FrameSize {
                rows: 5,
                cols: 4,
                first_rows: 4,
                first_cols: 4,
                ..
            }
        ),
        "{err}"
    );

    let empty = scratch("empty");
    assert!(matches!(
        read_png_frames(&empty),
        Err(DataError::NoFrames { .. })
    ));
    std::fs::write(empty.join("broken.png"), b"\x89PNG junk").unwrap();
    assert!(matches!(
        read_gray_png(&empty.join("broken.png")),
        Err(DataError::Png { .. })
    ));
}

#[test]
fn synthetic_images_follow_their_parameters() {
    let g = gaussian(9, 9, (4.0, 4.0), 1.5).unwrap();
    assert_eq!(g[[4, 4]], 1.0);
    assert!((g[[4, 5]] - (-1.0f64 / (2.0 * 2.25)).exp()).abs() < 1e-15);
    let d = disk(9, 9, (4.0, 4.0), 2.0).unwrap();
    assert_eq!(d[[4, 4]], 1.0);
    assert_eq!(d[[0, 0]], 0.0);
    // Anti-aliased: a half-pixel shift changes edge pixels continuously.
    let shifted = disk(9, 9, (4.0, 4.25), 2.0).unwrap();
    assert!((shifted[[4, 6]] - 0.75).abs() < 1e-12 && (d[[4, 6]] - 0.5).abs() < 1e-12);

    let path = translation(4, (2.0, 2.0), (2.0, 6.0), |c| disk(5, 9, c, 1.0)).unwrap();
    assert_eq!(path.dim(), (5, 5, 9));
    assert_eq!(
        path.index_axis(Axis(0), 2),
        disk(5, 9, (2.0, 4.0), 1.0).unwrap()
    );
    let dissolve =
        cross_dissolve(path.index_axis(Axis(0), 0), path.index_axis(Axis(0), 4), 2).unwrap();
    assert_eq!(
        dissolve.index_axis(Axis(0), 1),
        (&path.index_axis(Axis(0), 0) + &path.index_axis(Axis(0), 4)) * 0.5
    );

    // Many pairs at once: each path is the single-pair dissolve of its own endpoints.
    let sources = stack_images(&[path.index_axis(Axis(0), 0), path.index_axis(Axis(0), 1)]);
    let targets = stack_images(&[path.index_axis(Axis(0), 4), path.index_axis(Axis(0), 3)]);
    let pairs = cross_dissolve_pairs(sources.view(), targets.view(), 2).unwrap();
    assert_eq!(pairs.dim(), (2, 3, 1, 5, 9));
    assert_eq!(pairs.slice(s![0, .., 0, .., ..]), dissolve);
    assert!(matches!(
        cross_dissolve_pairs(sources.view(), targets.slice(s![..1, .., .., ..]), 2),
        Err(DataError::InvalidArgument { .. })
    ));
    assert!(cross_dissolve_pairs(sources.view(), targets.view(), 0).is_err());

    assert!(gaussian(0, 3, (0.0, 0.0), 1.0).is_err());
    assert!(disk(3, 3, (0.0, 0.0), -1.0).is_err());
    assert!(translation(0, (0.0, 0.0), (0.0, 0.0), |c| disk(3, 3, c, 1.0)).is_err());
}

/// Single-channel images `(H, W)` as a batch `(N, 1, H, W)`.
fn stack_images(images: &[ArrayView2<'_, f64>]) -> Array4<f64> {
    stack(Axis(0), images).unwrap().insert_axis(Axis(1))
}
