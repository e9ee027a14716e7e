use std::path::Path;

use dotae_data::{
    DataError, MAX_MNIST_VALUES, MNIST_SIDE, load_mnist, read_idx_images, read_idx_labels,
};
use ndarray::{Array3, s};

mod common;
use common::{IMAGES, LABELS, Scratch, gzip, idx, idx_reason};

/// `n` distinct 28x28 digits: image k holds `(k * 31 + i * 9 + j) % 256` at (i, j).
fn digits(n: usize) -> Array3<u8> {
    Array3::from_shape_fn((n, 28, 28), |(k, i, j)| ((k * 31 + i * 9 + j) % 256) as u8)
}

fn image_file(images: &Array3<u8>) -> Vec<u8> {
    let (n, rows, cols) = images.dim();
    let data: Vec<u8> = images.iter().copied().collect();
    idx(IMAGES, &[n as u32, rows as u32, cols as u32], &data)
}

fn label_file(labels: &[u8]) -> Vec<u8> {
    idx(LABELS, &[labels.len() as u32], labels)
}

/// A complete MNIST directory: 3 training and 2 test digits, training files gzipped, test
/// files raw.
fn fake_mnist(scratch: &Scratch) {
    scratch.write("train-images-idx3-ubyte.gz", &gzip(&image_file(&digits(3))));
    scratch.write("train-labels-idx1-ubyte.gz", &gzip(&label_file(&[5, 0, 9])));
    scratch.write("t10k-images-idx3-ubyte", &image_file(&digits(2)));
    scratch.write("t10k-labels-idx1-ubyte", &label_file(&[7, 2]));
}

#[test]
fn idx_files_read_raw_and_gzipped_whatever_their_name() {
    let scratch = Scratch::new("read");
    let images = digits(4);
    let labels = [3, 1, 4, 1];
    let raw = scratch.write("images.gz", &image_file(&images));
    let packed = scratch.write("images", &gzip(&image_file(&images)));
    assert_eq!(read_idx_images(&raw).unwrap(), images);
    assert_eq!(read_idx_images(&packed).unwrap(), images);
    let raw = scratch.write("labels", &label_file(&labels));
    let packed = scratch.write("labels.bin", &gzip(&label_file(&labels)));
    assert_eq!(read_idx_labels(&raw).unwrap(), labels);
    assert_eq!(read_idx_labels(&packed).unwrap(), labels);

    // Two gzip members in one file (`gzip a > f; gzip b >> f`), which RFC 1952 allows.
    let file = image_file(&images);
    let (head, tail) = file.split_at(300);
    let members = scratch.write("members.gz", &[gzip(head), gzip(tail)].concat());
    assert_eq!(read_idx_images(&members).unwrap(), images);

    let odd = Array3::from_shape_fn((2, 3, 5), |(k, i, j)| (k + i + j) as u8);
    let path = scratch.write("odd", &image_file(&odd));
    assert_eq!(read_idx_images(&path).unwrap(), odd);
    let empty = scratch.write("empty", &label_file(&[]));
    assert!(read_idx_labels(&empty).unwrap().is_empty());
}

#[test]
fn mnist_loads_and_pads_to_the_centre() {
    let scratch = Scratch::new("load");
    fake_mnist(&scratch);
    let mnist = load_mnist(&scratch.0, 32).unwrap();
    assert_eq!(mnist.train_images.dim(), (3, 1, 32, 32));
    assert_eq!(mnist.test_images.dim(), (2, 1, 32, 32));
    assert_eq!(mnist.train_labels, [5, 0, 9]);
    assert_eq!(mnist.test_labels, [7, 2]);
    let expected = digits(3).mapv(|b| f64::from(b) / 255.0);
    assert_eq!(mnist.train_images.slice(s![.., 0, 2..30, 2..30]), expected);
    let expected = digits(2).mapv(|b| f64::from(b) / 255.0);
    assert_eq!(mnist.test_images.slice(s![.., 0, 2..30, 2..30]), expected);
    let mut border = mnist.train_images.clone();
    border.slice_mut(s![.., .., 2..30, 2..30]).fill(0.0);
    assert!(border.iter().all(|&v| v == 0.0));
    assert!(
        mnist.train_images.iter().any(|&v| v == 1.0),
        "255 maps to 1"
    );

    let exact = load_mnist(&scratch.0, MNIST_SIDE).unwrap();
    assert_eq!(
        exact.train_images.slice(s![.., 0, .., ..]),
        digits(3).mapv(|b| f64::from(b) / 255.0)
    );
}

#[test]
fn odd_padding_puts_the_extra_row_and_column_last() {
    let scratch = Scratch::new("odd");
    fake_mnist(&scratch);
    let mnist = load_mnist(&scratch.0, 31).unwrap();
    assert_eq!(mnist.train_images.dim(), (3, 1, 31, 31));
    let expected = digits(3).mapv(|b| f64::from(b) / 255.0);
    assert_eq!(mnist.train_images.slice(s![.., 0, 1..29, 1..29]), expected);
    assert!(
        mnist
            .train_images
            .slice(s![.., 0, 29.., ..])
            .iter()
            .all(|&v| v == 0.0)
    );
    assert!(
        mnist
            .train_images
            .slice(s![.., 0, .., 29..])
            .iter()
            .all(|&v| v == 0.0)
    );
}

#[test]
fn a_file_present_raw_and_gzipped_is_refused_by_both_names() {
    let scratch = Scratch::new("both");
    fake_mnist(&scratch);
    scratch.write("train-labels-idx1-ubyte", &label_file(&[1, 1, 1]));
    let err = load_mnist(&scratch.0, 28).unwrap_err();
    assert!(matches!(
        err,
        DataError::AmbiguousFile {
            name: "train-labels-idx1-ubyte",
            ..
        }
    ));
    let message = err.to_string();
    assert!(
        message.contains("both train-labels-idx1-ubyte and train-labels-idx1-ubyte.gz"),
        "{message}"
    );
    std::fs::remove_file(scratch.0.join("train-labels-idx1-ubyte.gz")).unwrap();
    let mnist = load_mnist(&scratch.0, 28).unwrap();
    assert_eq!(mnist.train_labels, [1, 1, 1]);
}

#[test]
fn wrong_magic_numbers_are_named() {
    let scratch = Scratch::new("magic");
    let labels = scratch.write("labels.gz", &gzip(&label_file(&[1, 2])));
    let reason = idx_reason(read_idx_images(&labels).unwrap_err());
    assert_eq!(
        reason,
        "magic number 0x00000801, expected 0x00000803 (IDX unsigned-byte images)"
    );
    let images = scratch.write("images", &image_file(&digits(1)));
    let err = read_idx_labels(&images).unwrap_err();
    assert!(err.to_string().contains("images"), "names the file: {err}");
    assert!(
        err.to_string()
            .contains("magic number 0x00000803, expected 0x00000801 (IDX unsigned-byte labels)"),
        "{err}"
    );
    let zeros = scratch.write("zeros", &[0u8; 16]);
    let reason = idx_reason(read_idx_images(&zeros).unwrap_err());
    assert!(reason.starts_with("magic number 0x00000000"), "{reason}");
    // Named .gz, not gzip: the name's promise is what broke (probe 27).
    let text = scratch.write("images.gz", b"not gzip at all, just text");
    let reason = idx_reason(read_idx_images(&text).unwrap_err());
    assert!(
        reason.starts_with("it is named .gz but is not gzip-compressed (a gzip stream starts with bytes 1F 8B, this file with 6E 6F)"),
        "{reason}"
    );
}

#[test]
fn truncated_and_overlong_files_are_errors() {
    let scratch = Scratch::new("truncated");
    let whole = image_file(&digits(2));

    let short_header = scratch.write("header", &whole[..10]);
    let reason = idx_reason(read_idx_images(&short_header).unwrap_err());
    assert_eq!(
        reason,
        "truncated header: 10 bytes, but the header of IDX unsigned-byte images has 16"
    );
    let nothing = scratch.write("nothing", &[]);
    assert!(idx_reason(read_idx_labels(&nothing).unwrap_err()).contains("truncated header"));

    let cut = &whole[..whole.len() - 1];
    for (name, bytes) in [("raw", cut.to_vec()), ("gz", gzip(cut))] {
        let path = scratch.write(name, &bytes);
        let reason = idx_reason(read_idx_images(&path).unwrap_err());
        assert!(reason.contains("truncated data: 1567 bytes"), "{reason}");
        assert!(reason.contains("[2, 28, 28] need 1568"), "{reason}");
    }

    let mut long = whole.clone();
    long.push(0);
    let path = scratch.write("long", &long);
    let reason = idx_reason(read_idx_images(&path).unwrap_err());
    assert!(reason.contains("bytes after the data"), "{reason}");

    // A gzip stream cut short fails in the decompressor, before the IDX checks.
    let packed = gzip(&whole);
    let path = scratch.write("cut.gz", &packed[..packed.len() / 2]);
    let reason = idx_reason(read_idx_images(&path).unwrap_err());
    assert!(
        reason.contains("gzip stream is corrupt or truncated"),
        "{reason}"
    );

    // A header promising far more than the file holds is refused without allocating it.
    let huge = scratch.write("huge", &idx(IMAGES, &[u32::MAX, 28, 28], &[0; 8]));
    let reason = idx_reason(read_idx_images(&huge).unwrap_err());
    assert!(reason.contains("truncated data: 8 bytes"), "{reason}");
    let absurd = scratch.write("absurd", &idx(IMAGES, &[u32::MAX; 3], &[0; 8]));
    let reason = idx_reason(read_idx_images(&absurd).unwrap_err());
    assert!(reason.contains("overflow"), "{reason}");
}

#[test]
fn missing_files_name_the_directory_and_both_names() {
    let scratch = Scratch::new("missing");
    fake_mnist(&scratch);
    std::fs::remove_file(scratch.0.join("t10k-labels-idx1-ubyte")).unwrap();
    let err = load_mnist(&scratch.0, 32).unwrap_err();
    assert!(matches!(
        err,
        DataError::MissingFile {
            name: "t10k-labels-idx1-ubyte",
            ..
        }
    ));
    let message = err.to_string();
    assert!(
        message.contains(&scratch.0.display().to_string()),
        "{message}"
    );
    assert!(
        message.contains("neither t10k-labels-idx1-ubyte nor t10k-labels-idx1-ubyte.gz"),
        "{message}"
    );
    // A directory that does not exist is named as such, not searched.
    let err = load_mnist(&scratch.0.join("absent"), 32).unwrap_err();
    assert!(matches!(
        err,
        DataError::InvalidArgument {
            what: "MNIST directory",
            ..
        }
    ));
    assert!(err.to_string().contains("does not exist"), "{err}");
    assert!(matches!(
        read_idx_labels(&scratch.0.join("absent")),
        Err(DataError::Read { .. })
    ));
}

#[test]
fn inconsistent_mnist_files_are_errors() {
    let scratch = Scratch::new("inconsistent");
    fake_mnist(&scratch);
    let err = load_mnist(&scratch.0, 27).unwrap_err();
    assert!(err.to_string().contains("at least 28"), "{err}");

    scratch.write("t10k-labels-idx1-ubyte", &label_file(&[7]));
    let err = load_mnist(&scratch.0, 32).unwrap_err();
    assert!(matches!(err, DataError::Mnist { .. }));
    assert!(err.to_string().contains("1 labels, but"), "{err}");
    assert!(err.to_string().contains("holds 2 images"), "{err}");

    scratch.write("t10k-labels-idx1-ubyte", &label_file(&[7, 10]));
    let err = load_mnist(&scratch.0, 32).unwrap_err();
    assert!(
        err.to_string()
            .contains("label 10 at index 1: labels must be digits 0..=9"),
        "{err}"
    );

    scratch.write("t10k-labels-idx1-ubyte", &label_file(&[7, 2]));
    let small = Array3::<u8>::zeros((2, 20, 20));
    scratch.write("t10k-images-idx3-ubyte", &image_file(&small));
    let err = load_mnist(&scratch.0, 32).unwrap_err();
    assert!(err.to_string().contains("images are 20x20"), "{err}");
}

/// The real (subsampled) MNIST set, from the directory in `DOTAE_MNIST_DIR`.
#[test]
fn real_mnist_loads_when_available() {
    let Some(dir) = std::env::var_os("DOTAE_MNIST_DIR") else {
        eprintln!(
            "skipped real_mnist_loads_when_available: DOTAE_MNIST_DIR is not set (point it at \
             a directory with the four MNIST IDX files to run it)"
        );
        return;
    };
    let mnist = load_mnist(Path::new(&dir), 32).unwrap();
    assert_eq!(mnist.train_images.dim(), (8000, 1, 32, 32));
    assert_eq!(mnist.test_images.dim(), (1000, 1, 32, 32));
    assert_eq!(mnist.train_labels.len(), 8000);
    assert_eq!(mnist.test_labels.len(), 1000);
    for images in [&mnist.train_images, &mnist.test_images] {
        assert!(images.iter().all(|v| (0.0..=1.0).contains(v)));
        let mut border = images.clone();
        border.slice_mut(s![.., .., 2..30, 2..30]).fill(0.0);
        assert!(border.iter().all(|&v| v == 0.0), "padding must be zero");
        // Digits are drawn: some ink in every image.
        assert!(
            images
                .outer_iter()
                .all(|image| image.iter().any(|&v| v > 0.5))
        );
    }
    for labels in [&mnist.train_labels, &mnist.test_labels] {
        let mut counts = [0usize; 10];
        for &label in labels.iter() {
            assert!(label <= 9, "label {label}");
            counts[label as usize] += 1;
        }
        assert!(
            counts.iter().all(|&c| c > 0),
            "every digit present: {counts:?}"
        );
    }
}

#[test]
fn padded_digits_are_bounded_before_they_are_allocated() {
    let scratch = Scratch::new("padded-limit");
    fake_mnist(&scratch);
    // 3 training digits at 10 000 × 10 000: 3e8 values, above the limit, never allocated.
    let err = load_mnist(&scratch.0, 10_000).unwrap_err();
    assert!(
        matches!(&err, DataError::TooLarge { limit_name: "MAX_MNIST_VALUES", amount, limit, .. }
            if *amount == 3 * 10_000 * 10_000 && *limit == MAX_MNIST_VALUES),
        "{err}"
    );
    assert!(err.to_string().contains("train-images-idx3-ubyte"), "{err}");
}

/// The padded-digit bound is checked from the header, before the data is kept; a header that
/// promises more digits than the file holds is still reported as truncated.
#[test]
fn a_header_beyond_the_padded_bound_is_truncated_when_the_data_is_short() {
    let scratch = Scratch::new("padded-header");
    fake_mnist(&scratch);
    // 70 000 digits at 32×32 are 71.7 million values, above MAX_MNIST_VALUES; 3 are present.
    let lying = idx(IMAGES, &[70_000, 28, 28], &vec![7; 3 * 784]);
    scratch.write("train-images-idx3-ubyte.gz", &gzip(&lying));
    let err = load_mnist(&scratch.0, 32).unwrap_err();
    assert!(
        matches!(&err, DataError::Idx { reason, .. } if reason.contains("truncated data: 2352 bytes")),
        "{err}"
    );
}
