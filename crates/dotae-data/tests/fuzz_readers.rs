//! Hostile input for the readers of untrusted bytes (`.npy`, PNG and IDX): whatever a file
//! holds, they return `Ok` or an error that names the file, and never panic or abort. Random
//! bytes, valid files with mutated bytes and hand-built files with mutated headers, plus one
//! test per failure seen before the readers checked declared sizes.

use std::io::Write;
use std::path::Path;

use dotae_data::{
    Channels, DataError, MAX_IDX_BYTES, MAX_NPY_BYTES, MAX_NPY_HEADER_BYTES, MAX_PNG_SAMPLES,
    load_mnist, read_gray_png, read_idx_images, read_idx_labels, read_image, read_image_paths_npy,
    read_npy, read_paths_npy, read_png, read_png_frames, write_gray_png, write_npy, write_png,
};
use flate2::Compression;
use flate2::write::ZlibEncoder;
use ndarray::{Array2, Array3, ArrayD, Dimension, IxDyn, ShapeBuilder};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::FileFailurePersistence;

mod common;
use common::{IMAGES, LABELS, Scratch, gzip, idx, idx_reason};

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Any outcome but a panic is a pass, as long as an error names `path`.
fn named<T>(path: &Path, result: Result<T, DataError>) {
    if let Err(err) = result {
        let message = err.to_string();
        assert!(
            message.contains(&path.display().to_string()),
            "the error does not name {}: {message}",
            path.display()
        );
    }
}

fn error_of<T: std::fmt::Debug>(result: Result<T, DataError>) -> DataError {
    result.expect_err("hostile input must be refused")
}

fn read_all_npy(bytes: &[u8]) {
    let scratch = Scratch::new("fuzz");
    let path = scratch.write("hostile.npy", bytes);
    named(&path, read_npy(&path));
    named(&path, read_paths_npy(&path));
    named(&path, read_image_paths_npy(&path));
}

/// Reads the bytes as a PNG on its own, and as the first of a path's frames.
fn read_all_png(bytes: &[u8]) {
    let scratch = Scratch::new("fuzz");
    let path = scratch.write("frame_00.png", bytes);
    named(&path, read_png(&path));
    named(&path, read_gray_png(&path));
    named(&path, read_image(&path, Channels::Rgb, Some([3, 5])));
    write_gray_png(&scratch.0.join("frame_01.png"), &Array2::zeros((2, 2))).unwrap();
    named(&scratch.0, read_png_frames(&scratch.0));
}

/// Reads the bytes as images and labels, and as the training images of an otherwise valid
/// MNIST directory.
fn read_all_idx(bytes: &[u8]) {
    let scratch = Scratch::new("fuzz");
    let path = scratch.write("train-images-idx3-ubyte", bytes);
    named(&path, read_idx_images(&path));
    named(&path, read_idx_labels(&path));
    scratch.write("train-labels-idx1-ubyte", &idx(LABELS, &[2], &[0, 1]));
    scratch.write(
        "t10k-images-idx3-ubyte",
        &idx(IMAGES, &[1, 28, 28], &[0; 784]),
    );
    scratch.write("t10k-labels-idx1-ubyte", &idx(LABELS, &[1], &[3]));
    named(&path, load_mnist(&scratch.0, 28));
}

/// An `.npy` file of format `version` with the header dictionary `dict` (padded as NumPy pads
/// it) and the data bytes `data`.
fn npy(version: u8, dict: &str, data: &[u8]) -> Vec<u8> {
    let prefix = if version == 1 { 10 } else { 12 };
    let mut dict = dict.to_string();
    while !(prefix + dict.len() + 1).is_multiple_of(64) {
        dict.push(' ');
    }
    dict.push('\n');
    let mut bytes = b"\x93NUMPY".to_vec();
    bytes.extend([version, 0]);
    if version == 1 {
        bytes.extend((dict.len() as u16).to_le_bytes());
    } else {
        bytes.extend((dict.len() as u32).to_le_bytes());
    }
    bytes.extend(dict.as_bytes());
    bytes.extend(data);
    bytes
}

fn npy_dict(descr: &str, fortran_order: &str, shape: &[String]) -> String {
    let trailing = if shape.len() == 1 { "," } else { "" };
    format!(
        "{{'descr': '{descr}', 'fortran_order': {fortran_order}, 'shape': ({}{trailing}), }}",
        shape.join(", ")
    )
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(bytes);
    crc.sum()
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    chunk.extend(kind);
    chunk.extend(data);
    chunk.extend(crc32(&chunk[4..]).to_be_bytes());
    chunk
}

/// A PNG with the given header fields and pixel bytes (filter bytes included), whose chunk
/// checksums are right whatever the fields.
fn png_file(width: u32, height: u32, depth: u8, color: u8, interlace: u8, raw: &[u8]) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([depth, color, 0, 0, interlace]);
    let mut zlib = ZlibEncoder::new(Vec::new(), Compression::fast());
    zlib.write_all(raw).unwrap();
    let mut bytes = PNG_SIGNATURE.to_vec();
    bytes.extend(png_chunk(b"IHDR", &ihdr));
    if color == 3 {
        bytes.extend(png_chunk(b"PLTE", &[0, 0, 0, 255, 255, 255]));
    }
    bytes.extend(png_chunk(b"IDAT", &zlib.finish().unwrap()));
    bytes.extend(png_chunk(b"IEND", &[]));
    bytes
}

/// Recomputes the checksum of every whole chunk, so that mutations reach the decoder's later
/// stages instead of all failing its CRC check.
fn fix_png_crcs(bytes: &mut [u8]) {
    let mut at = PNG_SIGNATURE.len();
    while let Some(len) = bytes.get(at..at + 4) {
        let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
        let Some(end) = at.checked_add(8 + len).filter(|end| end + 4 <= bytes.len()) else {
            return;
        };
        let crc = crc32(&bytes[at + 4..end]);
        bytes[end..end + 4].copy_from_slice(&crc.to_be_bytes());
        at = end + 4;
    }
}

/// One edit of a valid file.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(Index, u8),
    Insert(Index, u8),
    Remove(Index),
    Truncate(Index),
    Overwrite(Index, [u8; 4]),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<Index>(), 0..8u8).prop_map(|(at, bit)| Mutation::Flip(at, bit)),
        (any::<Index>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Insert(at, byte)),
        any::<Index>().prop_map(Mutation::Remove),
        any::<Index>().prop_map(Mutation::Truncate),
        (any::<Index>(), any::<[u8; 4]>()).prop_map(|(at, word)| Mutation::Overwrite(at, word)),
    ]
}

fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for mutation in mutations {
        if bytes.is_empty() {
            break;
        }
        match mutation {
            Mutation::Flip(at, bit) => {
                let at = at.index(bytes.len());
                bytes[at] ^= 1 << bit;
            }
            Mutation::Insert(at, byte) => bytes.insert(at.index(bytes.len() + 1), *byte),
            Mutation::Remove(at) => {
                bytes.remove(at.index(bytes.len()));
            }
            Mutation::Truncate(at) => bytes.truncate(at.index(bytes.len())),
            Mutation::Overwrite(at, word) => {
                let at = at.index(bytes.len());
                let end = (at + 4).min(bytes.len());
                bytes[at..end].copy_from_slice(&word[..end - at]);
            }
        }
    }
    bytes
}

fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    prop::collection::vec(mutation(), 1..5)
}

/// Random bytes, sometimes behind the format's magic so that they reach its later checks.
fn random_file(magic: &'static [u8]) -> impl Strategy<Value = Vec<u8>> {
    (any::<bool>(), prop::collection::vec(any::<u8>(), 0..600)).prop_map(move |(lead, tail)| {
        if lead { [magic, &tail].concat() } else { tail }
    })
}

/// A dimension as a header writes it: mostly small, sometimes huge, negative or not a number.
fn npy_dim() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => (0..5u64).prop_map(|d| d.to_string()),
        1 => Just("3L".to_string()),
        1 => Just(u64::MAX.to_string()),
        1 => Just((1u64 << 40).to_string()),
        1 => Just("340282366920938463463374607431768211456".to_string()),
        1 => (-3..0i64).prop_map(|d| d.to_string()),
        1 => "[a-z.+]{0,3}",
    ]
}

/// A PNG side: mostly small, sometimes empty, huge or anything.
fn png_side() -> impl Strategy<Value = u32> {
    prop_oneof![
        8 => 1..8u32,
        1 => Just(0),
        1 => Just(u32::MAX),
        1 => Just(1 << 31),
        1 => Just(100_000),
        1 => any::<u32>(),
    ]
}

/// An IDX dimension: mostly small, sometimes huge or anything.
fn idx_dim() -> impl Strategy<Value = u32> {
    prop_oneof![
        8 => 0..30u32,
        2 => Just(28),
        1 => Just(u32::MAX),
        1 => Just(1 << 20),
        1 => any::<u32>(),
    ]
}

fn npy_descr() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(vec!["<f8", ">f8", "<f4", ">f4"]).prop_map(String::from),
        2 => prop::sample::select(vec!["<i4", "|b1", "<f16", "", "<c16", "|u1", "=f8"])
            .prop_map(String::from),
        1 => "[<>|=]?[a-z]?[0-9]{0,2}",
    ]
}

/// A valid `.npy` array: shape (axes up to 3 long), Fortran order or not, f32 or not.
fn npy_array() -> impl Strategy<Value = (Vec<usize>, bool, bool)> {
    (
        prop::collection::vec(0..4usize, 0..5),
        any::<bool>(),
        any::<bool>(),
    )
}

fn write_array(path: &Path, shape: &[usize], fortran: bool, single: bool) -> ArrayD<f64> {
    let values = ArrayD::from_shape_fn(IxDyn(shape), |i| {
        i.slice().iter().fold(0.5, |acc, &k| acc * 3.0 + k as f64)
    });
    // ndarray-npy writes an array laid out in Fortran order as such.
    let stored = if fortran {
        let mut f = ArrayD::zeros(IxDyn(shape).f());
        f.assign(&values);
        f
    } else {
        values.clone()
    };
    if single {
        write_npy(path, &stored.mapv(|v| v as f32)).unwrap();
    } else {
        write_npy(path, &stored).unwrap();
    }
    values
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/fuzz_readers.proptest-regressions",
        ))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn npy_random_bytes(bytes in random_file(b"\x93NUMPY\x01\x00")) {
        read_all_npy(&bytes);
    }

    #[test]
    fn png_random_bytes(bytes in random_file(PNG_SIGNATURE)) {
        read_all_png(&bytes);
    }

    #[test]
    fn idx_random_bytes(bytes in random_file(&[0, 0, 8, 3]), zipped in any::<bool>()) {
        read_all_idx(&if zipped { gzip(&bytes) } else { bytes });
    }

    /// Valid arrays, including Fortran order, read back exactly; mutated, they are refused or
    /// read, never a panic.
    #[test]
    fn npy_mutated_files((shape, fortran, single) in npy_array(), edits in mutations()) {
        let scratch = Scratch::new("fuzz");
        let path = scratch.0.join("valid.npy");
        let values = write_array(&path, &shape, fortran, single);
        let read = read_npy(&path).unwrap();
        prop_assert!(read.is_standard_layout());
        let tolerance = if single { 1e-6 } else { 0.0 };
        prop_assert!(read.shape() == values.shape());
        prop_assert!(read.iter().zip(&values).all(|(a, b)| (a - b).abs() <= tolerance * b.abs()));
        read_all_npy(&mutate(std::fs::read(&path).unwrap(), &edits));
    }

    #[test]
    fn png_mutated_files(
        rows in 1..6usize,
        cols in 1..6usize,
        rgb in any::<bool>(),
        edits in mutations(),
        fix_crcs in any::<bool>(),
    ) {
        let scratch = Scratch::new("fuzz");
        let path = scratch.0.join("valid.png");
        let image = Array3::from_shape_fn((if rgb { 3 } else { 1 }, rows, cols), |(c, i, j)| {
            ((c * 7 + i * 3 + j) % 10) as f64 / 9.0
        });
        write_png(&path, &image).unwrap();
        let mut bytes = mutate(std::fs::read(&path).unwrap(), &edits);
        if fix_crcs {
            fix_png_crcs(&mut bytes);
        }
        read_all_png(&bytes);
    }

    #[test]
    fn idx_mutated_files(
        n in 0..3u32,
        rows in 0..6u32,
        cols in 0..6u32,
        zipped in any::<bool>(),
        edits in mutations(),
    ) {
        let data: Vec<u8> = (0..n * rows * cols).map(|k| (k * 37) as u8).collect();
        let file = idx(IMAGES, &[n, rows, cols], &data);
        let file = if zipped { gzip(&file) } else { file };
        read_all_idx(&mutate(file, &edits));
    }

    /// Headers as a hostile writer could make them: any version, element type, order and
    /// shape, a header length that may lie, data of the declared length or not, cut anywhere.
    #[test]
    fn npy_mutated_headers(
        version in prop_oneof![8 => 1..=3u8, 1 => any::<u8>()],
        descr in npy_descr(),
        fortran in prop_oneof![
            8 => prop::sample::select(vec!["True", "False"]),
            1 => prop::sample::select(vec!["1", "None", "true", ""]),
        ],
        shape in prop::collection::vec(npy_dim(), 0..5),
        exact in prop::bool::weighted(0.8),
        noise in prop::collection::vec(any::<u8>(), 0..64),
        header_len in prop::option::weighted(0.1, any::<u32>()),
        cut in prop::option::weighted(0.1, any::<Index>()),
    ) {
        let elements = shape
            .iter()
            .try_fold(1usize, |acc, d| acc.checked_mul(d.parse::<usize>().ok()?));
        let item: usize = descr.get(2..).and_then(|size| size.parse().ok()).unwrap_or(8);
        let data = match elements {
            Some(n) if exact && n <= 512 => vec![0x3f; n * item],
            _ => noise,
        };
        let mut bytes = npy(version, &npy_dict(&descr, fortran, &shape), &data);
        if let Some(len) = header_len {
            let field = if version == 1 { 8..10 } else { 8..12 };
            let len = len.to_le_bytes();
            bytes[field.clone()].copy_from_slice(&len[..field.len()]);
        }
        if let Some(cut) = cut {
            bytes.truncate(cut.index(bytes.len() + 1));
        }
        read_all_npy(&bytes);
    }

    #[test]
    fn png_mutated_headers(
        width in png_side(),
        height in png_side(),
        (color, depth) in prop_oneof![
            8 => prop::sample::select(vec![
                (0u8, 1u8), (0, 2), (0, 4), (0, 8), (0, 16), (2, 8), (2, 16), (3, 1), (3, 2),
                (3, 4), (3, 8), (4, 8), (4, 16), (6, 8), (6, 16),
            ]),
            1 => (any::<u8>(), any::<u8>()),
        ],
        interlace in prop_oneof![8 => 0..2u8, 1 => any::<u8>()],
        exact in prop::bool::weighted(0.8),
        noise in prop::collection::vec(any::<u8>(), 1..64),
    ) {
        // Pixel bytes for the declared size when it is small, each row behind a valid filter
        // type, so that decoding proceeds past the header.
        let samples = [1, 0, 3, 1, 2, 0, 4][usize::from(color.min(6))];
        let row = (width as usize * samples * usize::from(depth)).div_ceil(8) + 1;
        let len = if exact && row * height as usize <= 1 << 16 {
            row * height as usize
        } else {
            noise.len()
        };
        let raw: Vec<u8> = (0..len)
            .map(|k| {
                let byte = noise[k % noise.len()];
                if k % row == 0 { byte % 5 } else { byte }
            })
            .collect();
        read_all_png(&png_file(width, height, depth, color, interlace, &raw));
    }

    #[test]
    fn idx_mutated_headers(
        magic in prop_oneof![4 => Just(IMAGES), 2 => Just(LABELS), 1 => any::<u32>()],
        dims in prop_oneof![
            4 => prop::collection::vec(idx_dim(), 3),
            2 => prop::collection::vec(idx_dim(), 1),
            1 => prop::collection::vec(idx_dim(), 0..5),
        ],
        exact in prop::bool::weighted(0.8),
        noise in prop::collection::vec(any::<u8>(), 0..64),
        zipped in any::<bool>(),
    ) {
        let elements = dims.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d as usize));
        let data = match elements {
            Some(n) if exact && n <= 4096 => vec![7; n],
            _ => noise,
        };
        let file = idx(magic, &dims, &data);
        read_all_idx(&if zipped { gzip(&file) } else { file });
    }
}

/// The reason inside an error of the expected variant.
fn npy_reason(err: DataError) -> String {
    match err {
        DataError::Npy { reason, .. } => reason,
        other => panic!("expected an .npy error, got {other}"),
    }
}

/// A file shorter than 200 bytes claiming a terabyte used to abort the process in the
/// allocator; its shape is now checked against the bytes that follow the header.
#[test]
fn huge_npy_shape_is_an_error_naming_the_file() {
    let scratch = Scratch::new("fuzz");
    let dict = npy_dict(
        "<f8",
        "False",
        &[(1u64 << 20).to_string(), (1u64 << 20).to_string()],
    );
    let path = scratch.write("huge.npy", &npy(1, &dict, &[0; 64]));
    assert!(std::fs::metadata(&path).unwrap().len() < 200);
    let err = error_of(read_npy(&path));
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
    assert_eq!(
        npy_reason(err),
        "shape [1048576, 1048576] of '<f8' needs 8796093022208 data bytes, but 64 follow the \
         128-byte header"
    );

    let dict = npy_dict(
        "<f8",
        "False",
        &[u64::MAX.to_string(), u64::MAX.to_string()],
    );
    let path = scratch.write("overflow.npy", &npy(2, &dict, &[0; 8]));
    let reason = npy_reason(error_of(read_paths_npy(&path)));
    assert!(reason.contains("overflows the address space"), "{reason}");

    let dict = npy_dict("<f8", "False", &["-3".to_string()]);
    let path = scratch.write("negative.npy", &npy(1, &dict, &[]));
    let reason = npy_reason(error_of(read_npy(&path)));
    assert!(reason.contains("non-negative integers"), "{reason}");
    assert!(reason.contains("\"-3\""), "{reason}");
}

/// A header longer than NumPy writes, and data beyond the limit (a sparse file, so the test
/// writes nothing), are refused as too large before anything is allocated.
#[test]
fn npy_limits_are_named() {
    let scratch = Scratch::new("fuzz");
    let long = format!(
        "{{'descr': '<f8', 'fortran_order': False, 'shape': (1,), {:1$}}}",
        "", 10_000
    );
    let path = scratch.write("long-header.npy", &npy(2, &long, &[0; 8]));
    let err = error_of(read_npy(&path));
    assert!(
        matches!(
            &err,
            DataError::TooLarge { limit_name: "MAX_NPY_HEADER_BYTES", limit, .. }
                if *limit == MAX_NPY_HEADER_BYTES
        ),
        "{err}"
    );
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );

    let count = MAX_NPY_BYTES / 8 + 1;
    let header = npy(1, &npy_dict("<f8", "False", &[count.to_string()]), &[]);
    let path = scratch.write("big.npy", &header);
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.set_len(header.len() as u64 + count * 8).unwrap();
    let err = error_of(read_npy(&path));
    assert!(
        matches!(
            &err,
            DataError::TooLarge {
                limit_name: "MAX_NPY_BYTES",
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string().ends_with(&format!(
            "is too large: {} .npy data bytes, over the limit MAX_NPY_BYTES = {MAX_NPY_BYTES}",
            count * 8
        )),
        "{err}"
    );
}

/// Fortran-order files used to fail with an internal layout error; they read in standard
/// layout, in either byte order and either float width, as NumPy's own files do.
#[test]
fn fortran_order_npy_reads_transposed_into_standard_layout() {
    let scratch = Scratch::new("fuzz");
    let expected = Array3::from_shape_fn((2, 3, 4), |(t, i, j)| (t * 100 + i * 10 + j) as f64);
    let column_major: Vec<f64> = expected.t().iter().copied().collect();
    let shape = ["2", "3", "4"].map(String::from);

    let data: Vec<u8> = column_major.iter().flat_map(|v| v.to_le_bytes()).collect();
    let path = scratch.write("f8.npy", &npy(1, &npy_dict("<f8", "True", &shape), &data));
    assert_eq!(
        read_paths_npy(&path).unwrap(),
        expected.clone().insert_axis(ndarray::Axis(0))
    );

    let data: Vec<u8> = column_major
        .iter()
        .flat_map(|&v| (v as f32).to_be_bytes())
        .collect();
    let path = scratch.write("f4.npy", &npy(3, &npy_dict(">f4", "True", &shape), &data));
    let read = read_npy(&path).unwrap();
    assert!(read.is_standard_layout());
    assert_eq!(read, expected.into_dyn());
}

/// A gzip stream whose deflate data inflates past what the header promises, with a checksum
/// that does not match, used to be reported as "bytes after the data".
#[test]
fn corrupt_gzip_is_reported_as_such() {
    let scratch = Scratch::new("fuzz");
    let promised = idx(LABELS, &[3], &[1, 2, 3]);
    let inflated = [&promised[..], &[4]].concat();
    // A stored deflate block holding the inflated bytes, behind a trailer for the promised
    // ones: what a flipped bit in real compressed data can produce.
    let mut file = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    file.push(1);
    file.extend((inflated.len() as u16).to_le_bytes());
    file.extend((!(inflated.len() as u16)).to_le_bytes());
    file.extend(&inflated);
    file.extend(crc32(&promised).to_le_bytes());
    file.extend((promised.len() as u32).to_le_bytes());
    let path = scratch.write("labels.gz", &file);
    let err = error_of(read_idx_labels(&path));
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
    let reason = idx_reason(err);
    assert!(
        reason.starts_with("gzip stream is corrupt or truncated"),
        "{reason}"
    );

    // The same bytes with a checksum that matches really are one byte too many.
    let at = file.len() - 8;
    file[at..at + 4].copy_from_slice(&crc32(&inflated).to_le_bytes());
    file[at + 4..].copy_from_slice(&(inflated.len() as u32).to_le_bytes());
    let path = scratch.write("long.gz", &file);
    let reason = idx_reason(error_of(read_idx_labels(&path)));
    assert!(reason.starts_with("bytes after the data"), "{reason}");
}

/// Dimensions promising more than the file holds are truncated data, raw or gzipped; a stream
/// that really is longer than the limit (a sparse file here) is too large.
#[test]
fn idx_declared_size_is_checked_against_the_data() {
    let scratch = Scratch::new("fuzz");
    let file = idx(IMAGES, &[1000, 28, 28], &[0; 10]);
    for (name, bytes) in [("raw", file.clone()), ("gz", gzip(&file))] {
        let path = scratch.write(name, &bytes);
        let err = error_of(read_idx_images(&path));
        assert!(
            err.to_string().contains(&path.display().to_string()),
            "{err}"
        );
        assert_eq!(
            idx_reason(err),
            "truncated data: 10 bytes, but the header's dimensions [1000, 28, 28] need 784000"
        );
    }

    let dims = [1025, 1024, 1024];
    let path = scratch.write("huge", &idx(IMAGES, &dims, &[]));
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.set_len(16 + MAX_IDX_BYTES + 1).unwrap();
    let err = error_of(read_idx_images(&path));
    assert!(
        matches!(&err, DataError::TooLarge { limit_name: "MAX_IDX_BYTES", amount, .. }
            if *amount == 1025 << 20),
        "{err}"
    );
}

/// A small PNG cannot hold a huge image; a file long enough to hold one is still refused past
/// the limit, before its pixels are allocated.
#[test]
fn png_transparency_is_refused_and_opaque_alpha_ignored() {
    let scratch = Scratch::new("alpha");
    // Gray + alpha, one row of two pixels: (200, opaque), (100, transparent).
    let path = scratch.write(
        "gray-alpha.png",
        &png_file(2, 1, 8, 4, 0, &[0, 200, 255, 100, 0]),
    );
    let err = error_of(read_png(&path));
    assert!(
        matches!(&err, DataError::PngContent { reason, .. } if reason.contains("(row 0, column 1) is not opaque")),
        "{err}"
    );
    // RGBA, both pixels opaque: read as RGB.
    let raw = [0, 255, 0, 0, 255, 0, 0, 255, 255];
    let path = scratch.write("rgba.png", &png_file(2, 1, 8, 6, 0, &raw));
    let image = read_png(&path).unwrap();
    assert_eq!(image.dim(), (3, 1, 2));
    assert_eq!(
        image.iter().copied().collect::<Vec<_>>(),
        [1.0, 0.0, 0.0, 0.0, 0.0, 1.0]
    );
}

#[test]
fn png_sizes_are_checked_before_allocating() {
    let scratch = Scratch::new("fuzz");
    let path = scratch.write("wide.png", &png_file(100_000, 100_000, 8, 2, 0, &[0; 16]));
    let err = error_of(read_png(&path));
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
    assert!(
        matches!(&err, DataError::Png { reason, .. } if reason.contains("can hold compressed")),
        "{err}"
    );

    // Trailing bytes after IEND make the file long enough for the header's claim.
    let (width, height) = (20_000u32, 20_000u32);
    let mut file = png_file(width, height, 8, 2, 0, &[0; 16]);
    file.resize(1 << 21, 0);
    let path = scratch.write("large.png", &file);
    let err = error_of(read_png(&path));
    assert!(
        matches!(&err, DataError::TooLarge { limit_name: "MAX_PNG_SAMPLES", amount, limit, .. }
            if *amount == 3 * 20_000 * 20_000 && *limit == MAX_PNG_SAMPLES),
        "{err}"
    );
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
    // One row of 2³¹ − 1 pixels passes the compression bound only with padding, and then the
    // decoder's own allocation limit refuses it: the message says which limit.
    let mut file = png_file(u32::MAX >> 1, 1, 8, 0, 0, &[0; 16]);
    file.resize(1 << 25, 0);
    let path = scratch.write("long-row.png", &file);
    let err = error_of(read_png(&path));
    assert!(
        matches!(&err, DataError::Png { reason, .. } if reason.contains("at most 64 MiB")),
        "{err}"
    );
}
