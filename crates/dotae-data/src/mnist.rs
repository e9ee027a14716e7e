//! MNIST in the IDX format of LeCun et al.: a big-endian header (a magic number, then one
//! `u32` per dimension) followed by the unsigned bytes. Files may be gzip-compressed; that is
//! decided by their first two bytes (`1f 8b`), not by their name.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::bufread::MultiGzDecoder;
use ndarray::{Array3, Array4, s};

use crate::DataError;
use crate::error::check_limit;

/// The side of an MNIST digit, in pixels.
pub const MNIST_SIDE: usize = 28;

/// The most data bytes (after the header, decompressed) an IDX file may hold to be read:
/// 1 GiB, twenty times the MNIST training images. The header's dimensions are checked against
/// it, and against the length of the (decompressed) stream, before the data is kept in memory.
pub const MAX_IDX_BYTES: u64 = 1 << 30;

/// The most pixels one split may hold once padded to `size × size` and read as `f64`: 2^26
/// (512 MiB), the full 60 000 training digits at 32×32 and a little more. The IDX limit alone
/// would let a 1 MB gzip file declare 1.4 million digits, 11 GB once padded; at 2^28 a 990 KB
/// pair of files still asked the benchmarks for more than 8 GB, with their copies.
pub const MAX_MNIST_VALUES: u64 = 1 << 26;

const IMAGES_MAGIC: u32 = 0x0000_0803;
const LABELS_MAGIC: u32 = 0x0000_0801;
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// The MNIST training and test sets as `(N, 1, size, size)` images in `[0, 1]` (byte / 255),
/// each 28×28 digit zero-padded to the centre.
#[derive(Debug, Clone, PartialEq)]
pub struct Mnist {
    /// `(N, 1, size, size)`, values in `[0, 1]`.
    pub train_images: Array4<f64>,
    /// `train_labels[k]` in `0..=9` is the digit of `train_images[k]`.
    pub train_labels: Vec<u8>,
    /// `(M, 1, size, size)`, values in `[0, 1]`.
    pub test_images: Array4<f64>,
    /// `test_labels[k]` in `0..=9` is the digit of `test_images[k]`.
    pub test_labels: Vec<u8>,
}

/// Reads an IDX image file (magic `0x00000803`) as its raw bytes, `(N, rows, cols)`. Bytes
/// rather than `f64` keep a full MNIST set at an eighth of the memory until it is padded.
/// The data may hold at most [`MAX_IDX_BYTES`] bytes.
pub fn read_idx_images(path: &Path) -> Result<Array3<u8>, DataError> {
    read_idx_images_within(path, |_| Ok(()))
}

/// [`read_idx_images`] with `check` run on the declared dimensions before any data is read.
fn read_idx_images_within(
    path: &Path,
    check: impl Fn(&[usize]) -> Result<(), DataError>,
) -> Result<Array3<u8>, DataError> {
    let invalid = |reason: String| DataError::Idx {
        path: path.to_path_buf(),
        reason,
    };
    let (dims, data) = read_idx(path, IMAGES_MAGIC, "IDX unsigned-byte images", 3, check)?;
    let &[n, rows, cols] = dims.as_slice() else {
        return Err(invalid(format!("{} dimensions, images need 3", dims.len())));
    };
    Array3::from_shape_vec((n, rows, cols), data).map_err(|e| invalid(e.to_string()))
}

/// Reads an IDX label file (magic `0x00000801`), one byte per label, at most
/// [`MAX_IDX_BYTES`] of them.
pub fn read_idx_labels(path: &Path) -> Result<Vec<u8>, DataError> {
    Ok(read_idx(
        path,
        LABELS_MAGIC,
        "IDX unsigned-byte labels",
        1,
        |_| Ok(()),
    )?
    .1)
}

/// Loads MNIST from `dir`: `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
/// `t10k-images-idx3-ubyte` and `t10k-labels-idx1-ubyte`, each raw or with a `.gz` suffix (not
/// both: [`DataError::AmbiguousFile`]). Digits are zero-padded to `size × size` (at least 28),
/// centred; when `size − 28` is odd the extra row goes at the bottom and the extra column at
/// the right. Images must be 28×28, each split must hold at least one, every image file must
/// have as many labels as images, and every label must be a digit `0..=9`.
pub fn load_mnist(dir: &Path, size: usize) -> Result<Mnist, DataError> {
    if size < MNIST_SIDE {
        return Err(DataError::InvalidArgument {
            what: "MNIST image size",
            reason: format!("{size}: digits are {MNIST_SIDE}x{MNIST_SIDE}, so use at least 28"),
        });
    }
    if !dir.is_dir() {
        return Err(DataError::InvalidArgument {
            what: "MNIST directory",
            reason: match (dir.exists(), std::fs::symlink_metadata(dir).is_ok()) {
                (true, _) => format!("{} is not a directory", dir.display()),
                (false, true) => format!(
                    "{} is a link that leads nowhere (broken, or a loop)",
                    dir.display()
                ),
                (false, false) => format!("{} does not exist", dir.display()),
            },
        });
    }
    let (train_images, train_labels) = load_split(
        dir,
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        size,
    )?;
    let (test_images, test_labels) = load_split(
        dir,
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
        size,
    )?;
    Ok(Mnist {
        train_images,
        train_labels,
        test_images,
        test_labels,
    })
}

fn load_split(
    dir: &Path,
    images_name: &'static str,
    labels_name: &'static str,
    size: usize,
) -> Result<(Array4<f64>, Vec<u8>), DataError> {
    let images_path = find(dir, images_name)?;
    let labels_path = find(dir, labels_name)?;
    // The padded f64 digits take `8 · size² / 784` times the IDX bytes (10× at 32×32): bounded
    // from the header, before a 1 GiB stream is inflated to find out (probe 8, T7).
    let padded_within = |dims: &[usize]| {
        check_limit(
            &images_path,
            "padded MNIST pixels (digits x size x size)",
            dims.first().copied().unwrap_or(0) as u128 * (size * size) as u128,
            MAX_MNIST_VALUES,
            "MAX_MNIST_VALUES",
        )
    };
    let images = read_idx_images_within(&images_path, padded_within)?;
    let labels = read_idx_labels(&labels_path)?;
    let (n, rows, cols) = images.dim();
    if n == 0 {
        return Err(DataError::Mnist {
            path: images_path,
            reason: "holds no images: each split needs at least one digit".into(),
        });
    }
    if (rows, cols) != (MNIST_SIDE, MNIST_SIDE) {
        return Err(DataError::Mnist {
            path: images_path,
            reason: format!("images are {rows}x{cols}, MNIST digits are 28x28"),
        });
    }
    if labels.len() != n {
        return Err(DataError::Mnist {
            path: labels_path,
            reason: format!(
                "{} labels, but {} holds {n} images: there must be one label per image",
                labels.len(),
                images_path.display()
            ),
        });
    }
    if let Some((index, label)) = labels.iter().enumerate().find(|(_, l)| **l > 9) {
        return Err(DataError::Mnist {
            path: labels_path,
            reason: format!("label {label} at index {index}: labels must be digits 0..=9"),
        });
    }
    let top = (size - MNIST_SIDE) / 2;
    let mut padded = Array4::zeros((n, 1, size, size));
    padded
        .slice_mut(s![.., 0, top..top + rows, top..top + cols])
        .zip_mut_with(&images, |out, &byte| *out = f64::from(byte) / 255.0);
    Ok((padded, labels))
}

fn find(dir: &Path, name: &'static str) -> Result<PathBuf, DataError> {
    // Whichever exists is read, and the reader names it if it is no file. A link counts even
    // when it leads nowhere (dangling, or a loop): opening it then says why.
    let present = |path: &Path| std::fs::symlink_metadata(path).is_ok();
    let raw = dir.join(name);
    let gz = dir.join(format!("{name}.gz"));
    match (present(&raw), present(&gz)) {
        (true, true) => Err(DataError::AmbiguousFile {
            dir: dir.to_path_buf(),
            name,
        }),
        (true, false) => Ok(raw),
        (false, true) => Ok(gz),
        (false, false) => Err(DataError::MissingFile {
            dir: dir.to_path_buf(),
            name,
        }),
    }
}

/// The dimensions and the data bytes of an IDX file with magic number `magic` and `ndims`
/// dimensions.
fn read_idx(
    path: &Path,
    magic: u32,
    kind: &str,
    ndims: usize,
    check_dims: impl Fn(&[usize]) -> Result<(), DataError>,
) -> Result<(Vec<usize>, Vec<u8>), DataError> {
    let invalid = |reason: String| DataError::Idx {
        path: path.to_path_buf(),
        reason,
    };
    let read_err = |source| DataError::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = crate::open::open_regular(path)?;
    let mut file = BufReader::new(file);
    let gzipped = file.fill_buf().map_err(read_err)?.starts_with(&GZIP_MAGIC);
    let mut reader: Box<dyn Read> = if gzipped {
        Box::new(MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let stream_err = |e: std::io::Error| {
        if gzipped {
            invalid(format!("gzip stream is corrupt or truncated: {e}"))
        } else {
            read_err(e)
        }
    };

    // The magic number is checked before the dimensions are read, so that a file of the
    // wrong kind is reported as such even when it is shorter than the expected header.
    let header_len = 4 * (1 + ndims);
    let mut header = Vec::with_capacity(header_len);
    let truncated = |got: usize| {
        invalid(format!(
            "truncated header: {got} bytes, but the header of {kind} has {header_len}"
        ))
    };
    fill(&mut reader, &mut header, 4).map_err(stream_err)?;
    if header.len() < 4 {
        return Err(truncated(header.len()));
    }
    let word = |w: &[u8]| u32::from_be_bytes([w[0], w[1], w[2], w[3]]);
    let found = header.get(..4).map(word).unwrap_or_default();
    if found != magic {
        // A `.gz` name on a file that is not gzip hides the real fault behind the magic
        // number of whatever it holds (probe 27).
        let named_gz = path.extension().is_some_and(|e| e == "gz");
        let wrong_magic = format!("magic number 0x{found:08X}, expected 0x{magic:08X} ({kind})");
        return Err(invalid(match named_gz && !gzipped {
            true => format!(
                "it is named .gz but is not gzip-compressed (a gzip stream starts with bytes 1F 8B, this file with {:02X} {:02X}); read as raw IDX, it has {wrong_magic}",
                header[0], header[1]
            ),
            false => wrong_magic,
        }));
    }
    fill(&mut reader, &mut header, header_len).map_err(stream_err)?;
    if header.len() < header_len {
        return Err(truncated(header.len()));
    }
    let dims: Vec<usize> = header
        .chunks_exact(4)
        .skip(1)
        .map(|w| word(w) as usize)
        .collect();
    let expected = dims
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| invalid(format!("dimensions {dims:?} overflow the address space")))?;
    let short = |got: u64| {
        invalid(format!(
            "truncated data: {got} bytes, but the header's dimensions {dims:?} need {expected}"
        ))
    };
    // A caller's bound on the dimensions holds before any data is kept; a header promising
    // more than the stream holds is still reported as truncated (counted into a sink).
    if let Err(too_large) = check_dims(&dims) {
        let got = std::io::copy(
            &mut (&mut reader).take(expected as u64),
            &mut std::io::sink(),
        )
        .map_err(stream_err)?;
        return Err(match got < expected as u64 {
            true => short(got),
            false => too_large,
        });
    }

    // The stream's real length is compared first, so that a header promising more than the
    // file holds is reported as truncated; only a stream that really reaches the limit is
    // too large. Counting into a sink keeps that check from allocating.
    if expected as u64 > MAX_IDX_BYTES {
        let got = std::io::copy(
            &mut (&mut reader).take(MAX_IDX_BYTES + 1),
            &mut std::io::sink(),
        )
        .map_err(stream_err)?;
        if got <= MAX_IDX_BYTES {
            return Err(short(got));
        }
    }
    check_limit(
        path,
        "IDX data bytes",
        expected as u128,
        MAX_IDX_BYTES,
        "MAX_IDX_BYTES",
    )?;

    // Read at most one byte past the promised data: enough to tell a file that is too long.
    // The buffer grows with the bytes that really arrive, not with what the header promises.
    let mut data = Vec::new();
    (&mut reader)
        .take(expected as u64 + 1)
        .read_to_end(&mut data)
        .map_err(stream_err)?;
    if data.len() < expected {
        return Err(short(data.len() as u64));
    }
    if data.len() > expected {
        // A corrupt deflate stream can inflate past the promised data, and gzip's checksum is
        // only checked at its end: read on (bounded, into a sink) so that corruption is
        // reported as such rather than as extra data.
        if gzipped {
            std::io::copy(&mut reader.take(MAX_IDX_BYTES), &mut std::io::sink())
                .map_err(stream_err)?;
        }
        return Err(invalid(format!(
            "bytes after the data: the header's dimensions {dims:?} need {expected}, the file \
             holds more"
        )));
    }
    Ok((dims, data))
}

/// Reads from `reader` until `buffer` holds `len` bytes or the input ends.
fn fill(reader: &mut dyn Read, buffer: &mut Vec<u8>, len: usize) -> std::io::Result<()> {
    let missing = len.saturating_sub(buffer.len()) as u64;
    reader.take(missing).read_to_end(buffer).map(|_| ())
}
