//! PNG images in and out. Pixel values are mapped to `[0, 1]`.

use std::io::BufReader;
use std::path::Path;

use ndarray::{Array2, Array3, Axis};

use crate::error::check_limit;
use crate::{DataError, write_atomically};

/// The most samples (pixels × channels, alpha included) a PNG read may hold, and the most a
/// path's frames may hold together: 2^28, i.e. 2 GiB once read as `f64`. A PNG's header is
/// checked against it, and against the file's length, before its pixels are allocated.
pub const MAX_PNG_SAMPLES: u64 = 1 << 28;

/// Deflate's greatest expansion: a 258-byte match coded in 2 bits. Image data that would need
/// more than this many bytes per byte of file cannot be in the file.
const DEFLATE_MAX_RATIO: u128 = 1032;

/// Reads a PNG as `(channels, rows, cols)` in `[0, 1]`: 1 channel for gray images, 3 for
/// colour; palettes are expanded. An alpha channel (or `tRNS` transparency) must be opaque
/// everywhere and is then dropped: gray levels are read as mass, which a transparent pixel's
/// hidden colour would carry. The image may hold at most [`MAX_PNG_SAMPLES`] samples.
pub fn read_png(path: &Path) -> Result<Array3<f64>, DataError> {
    let invalid = |reason: String| DataError::Png {
        path: path.to_path_buf(),
        reason,
    };
    let read_err = |source| DataError::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = crate::open::open_regular(path)?;
    let file_len = file.metadata().map_err(read_err)?.len();
    let mut decoder = checked_decoder(file);
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder
        .read_info()
        .map_err(|e| invalid(decoding_reason(&e)))?;
    let (width, height) = reader.info().size();
    let pixels = u128::from(width) * u128::from(height);
    let packed_bytes = (pixels * reader.info().bits_per_pixel() as u128).div_ceil(8);
    if packed_bytes > u128::from(file_len) * DEFLATE_MAX_RATIO {
        return Err(invalid(format!(
            "its header declares {width}x{height} pixels, {packed_bytes} bytes of image data, \
             more than a {file_len}-byte file can hold compressed"
        )));
    }
    let (output, _) = reader.output_color_type();
    check_limit(
        path,
        "samples (pixels x channels)",
        pixels * output.samples() as u128,
        MAX_PNG_SAMPLES,
        "MAX_PNG_SAMPLES",
    )?;
    let (info, buffer) = next_frame(path, &mut reader)?;
    // A truecolour image may carry a PLTE too, a suggested palette for display that indexes
    // nothing.
    if let (png::ColorType::Indexed, Some(palette)) =
        (reader.info().color_type, &reader.info().palette)
    {
        check_palette_indices(path, palette.len() / 3)?;
    }
    let (rows, cols) = (info.height as usize, info.width as usize);
    let (stored, color) = match info.color_type {
        png::ColorType::Grayscale => (1, 1),
        png::ColorType::GrayscaleAlpha => (2, 1),
        png::ColorType::Rgb => (3, 3),
        png::ColorType::Rgba => (4, 3),
        png::ColorType::Indexed => return Err(invalid("palette was not expanded".into())),
    };
    let wide = info.bit_depth == png::BitDepth::Sixteen;
    let max = if wide { 65535.0 } else { 255.0 };
    let bytes_per_sample = if wide { 2 } else { 1 };
    let data = &buffer[..info.buffer_size()];
    let sample = |i: usize, j: usize, c: usize| {
        let at = i * info.line_size + (j * stored + c) * bytes_per_sample;
        if wide {
            f64::from(u16::from_be_bytes([data[at], data[at + 1]]))
        } else {
            f64::from(data[at])
        }
    };
    // Gray levels are mass: a transparent pixel would carry the mass of its hidden colour.
    if stored > color {
        let transparent = (0..rows)
            .flat_map(|i| (0..cols).map(move |j| (i, j)))
            .find(|&(i, j)| sample(i, j, color) < max);
        if let Some((i, j)) = transparent {
            return Err(DataError::PngContent {
                path: path.to_path_buf(),
                reason: format!(
                    "pixel (row {i}, column {j}) is not opaque: transparency has no meaning for a gray level (read as mass in an image, as wall or free in an obstacle mask), so flatten the image onto its background first"
                ),
            });
        }
    }
    Ok(Array3::from_shape_fn((color, rows, cols), |(c, i, j)| {
        sample(i, j, c) / max
    }))
}

/// The next frame of `reader`, decoding the file at `path`, with its layout.
fn next_frame<R: std::io::BufRead + std::io::Seek>(
    path: &Path,
    reader: &mut png::Reader<R>,
) -> Result<(png::OutputInfo, Vec<u8>), DataError> {
    let invalid = |reason: String| DataError::Png {
        path: path.to_path_buf(),
        reason,
    };
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| invalid("image too large".into()))?;
    let mut buffer = vec![0u8; size];
    let info = reader
        .next_frame(&mut buffer)
        .map_err(|e| invalid(decoding_reason(&e)))?;
    Ok((info, buffer))
}

/// The decoder's message in words: the png crate names chunks by their `Debug` form
/// (`ChunkType { type: IHDR, critical: true, … }`), which is shortened to the chunk's name.
fn decoding_reason(error: &png::DecodingError) -> String {
    if matches!(error, png::DecodingError::LimitsExceeded) {
        return format!(
            "its header declares an image too large to decode: decoding may allocate at most {} MiB (the png crate's default limit)",
            png::Limits::default().bytes >> 20
        );
    }
    let mut text = error.to_string();
    const DEBUG_CHUNK: &str = "ChunkType { type: ";
    while let Some(start) = text.find(DEBUG_CHUNK) {
        let name_start = start + DEBUG_CHUNK.len();
        let Some(end) = text[start..].find('}').map(|e| start + e + 1) else {
            break;
        };
        let name: String = text[name_start..end]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        text.replace_range(start..end, &name);
    }
    text
}

/// A decoder of `file` that verifies every chunk's CRC and the image data's Adler-32, which the
/// png crate skips by default: a file damaged inside its compressed data must be refused, not
/// decoded into other pixels.
fn checked_decoder(file: std::fs::File) -> png::Decoder<BufReader<std::fs::File>> {
    let mut decoder = png::Decoder::new(BufReader::new(file));
    decoder.ignore_checksums(false);
    decoder
}

/// Every palette index of the indexed PNG at `path` must name one of its `entries` colours:
/// the decoder turns an index past the palette into black, which would read as an image
/// without mass instead of a broken file.
fn check_palette_indices(path: &Path, entries: usize) -> Result<(), DataError> {
    let invalid = |reason: String| DataError::Png {
        path: path.to_path_buf(),
        reason,
    };
    let file = crate::open::open_regular(path)?;
    let mut reader = checked_decoder(file)
        .read_info()
        .map_err(|e| invalid(decoding_reason(&e)))?;
    let (info, buffer) = next_frame(path, &mut reader)?;
    let bits = info.bit_depth as usize;
    let per_byte = 8 / bits;
    let mask: u8 = if bits == 8 { 0xFF } else { (1u8 << bits) - 1 };
    for row in buffer[..info.buffer_size()].chunks(info.line_size) {
        for col in 0..info.width as usize {
            let byte = row[col / per_byte];
            let shift = 8 - bits * (col % per_byte + 1);
            let index = (byte >> shift) & mask;
            if usize::from(index) >= entries {
                return Err(invalid(format!(
                    "palette index {index} at column {col} lies past its {entries}-colour palette"
                )));
            }
        }
    }
    Ok(())
}

/// Reads a PNG as one gray channel: the mean of its colour channels. For a mask, where only
/// brightness matters; a density is read by [`read_density_png`], which refuses colour.
pub fn read_gray_png(path: &Path) -> Result<Array2<f64>, DataError> {
    let image = read_png(path)?;
    Ok(image
        .mean_axis(Axis(0))
        .unwrap_or_else(|| Array2::zeros((0, 0))))
}

/// The most a pixel's channels may differ and still read as gray: half an 8-bit level.
pub const GRAY_WITHIN: f64 = 0.5 / 255.0;

/// Reads a PNG as one gray density: a gray PNG, or a colour one whose channels agree within
/// [`GRAY_WITHIN`] at every pixel. A coloured pixel is an error ([`DataError::Png`]): averaged,
/// different colours would become one density, and two different images the same one.
pub fn read_density_png(path: &Path) -> Result<Array2<f64>, DataError> {
    gray_channel(path, read_png(path)?)
}

/// The one channel of `image` `(channels, rows, cols)` read from `path`, refusing a coloured
/// pixel (see [`read_density_png`]).
pub(crate) fn gray_channel(path: &Path, image: Array3<f64>) -> Result<Array2<f64>, DataError> {
    let (_, rows, cols) = image.dim();
    for i in 0..rows {
        for j in 0..cols {
            let pixel = image.slice(ndarray::s![.., i, j]);
            let low = pixel.iter().copied().fold(f64::INFINITY, f64::min);
            let high = pixel.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            if high - low > GRAY_WITHIN {
                let channels: Vec<String> = pixel.iter().map(|v| format!("{v:.3}")).collect();
                return Err(DataError::PngContent {
                    path: path.to_path_buf(),
                    reason: format!(
                        "pixel (row {i}, column {j}) is coloured (channels {}): it is read here as one gray density, and averaging its channels would make different colours one density; save it as gray, or read it as RGB where the tool offers it",
                        channels.join(", ")
                    ),
                });
            }
        }
    }
    Ok(image.index_axis_move(Axis(0), 0))
}

/// Reads every `*.png` in `dir`, in file-name order, as the gray frames `(T + 1, H, W)` of a
/// path (each by [`read_density_png`]: a coloured frame is an error). Names order as people number frames: a run of digits compares as a number, so
/// `f2.png` comes before `f10.png` with or without zero padding. Hidden files (a name that
/// starts with `.`) are skipped. The frames together may hold at most [`MAX_PNG_SAMPLES`]
/// samples.
pub fn read_png_frames(dir: &Path) -> Result<Array3<f64>, DataError> {
    let files = png_frame_files(dir)?;
    let Some(first) = files.first() else {
        return Err(DataError::NoFrames {
            path: dir.to_path_buf(),
        });
    };
    let first_frame = read_density_png(first)?;
    let (rows, cols) = first_frame.dim();
    check_limit(
        dir,
        "samples in all frames",
        files.len() as u128 * rows as u128 * cols as u128,
        MAX_PNG_SAMPLES,
        "MAX_PNG_SAMPLES",
    )?;
    let mut frames = Array3::zeros((files.len(), rows, cols));
    frames.index_axis_mut(Axis(0), 0).assign(&first_frame);
    for (t, file) in files.iter().enumerate().skip(1) {
        let frame = read_density_png(file)?;
        if frame.dim() != (rows, cols) {
            return Err(DataError::FrameSize {
                path: file.clone(),
                rows: frame.nrows(),
                cols: frame.ncols(),
                first_rows: rows,
                first_cols: cols,
            });
        }
        frames.index_axis_mut(Axis(0), t).assign(&frame);
    }
    Ok(frames)
}

/// Writes `(channels, rows, cols)` values in `[0, 1]` (clamped) as an 8-bit gray (1 channel) or
/// RGB (3 channels) PNG, atomically.
pub fn write_png(path: &Path, image: &Array3<f64>) -> Result<(), DataError> {
    let (channels, rows, cols) = image.dim();
    let color = match channels {
        1 => png::ColorType::Grayscale,
        3 => png::ColorType::Rgb,
        _ => {
            return Err(DataError::InvalidArgument {
                what: "image channels",
                reason: format!("{channels} channels: a PNG is written from 1 (gray) or 3 (RGB)"),
            });
        }
    };
    let mut bytes = Vec::with_capacity(channels * rows * cols);
    for i in 0..rows {
        for j in 0..cols {
            for c in 0..channels {
                bytes.push((image[[c, i, j]].clamp(0.0, 1.0) * 255.0).round() as u8);
            }
        }
    }
    write_png_bytes(path, &bytes, cols, rows, color)
}

/// Writes 8-bit samples, row-major with interleaved channels, as a PNG, atomically.
pub(crate) fn write_png_bytes(
    path: &Path,
    bytes: &[u8],
    cols: usize,
    rows: usize,
    color: png::ColorType,
) -> Result<(), DataError> {
    write_atomically(path, |w| {
        let encode_err = |e: png::EncodingError| DataError::Png {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        let mut encoder = png::Encoder::new(w, cols as u32, rows as u32);
        encoder.set_color(color);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(encode_err)?;
        writer.write_image_data(bytes).map_err(encode_err)?;
        writer.finish().map_err(encode_err)
    })
}

/// Writes a gray image in `[0, 1]` as an 8-bit PNG.
pub fn write_gray_png(path: &Path, image: &Array2<f64>) -> Result<(), DataError> {
    write_png(path, &image.view().insert_axis(Axis(0)).to_owned())
}

/// The `(rows, cols)` a PNG's header declares, read without decoding its pixels: for checking
/// a caller's own size limit before [`read_png`] allocates the image.
pub fn png_size(path: &Path) -> Result<(usize, usize), DataError> {
    let file = crate::open::open_regular(path)?;
    let reader = checked_decoder(file)
        .read_info()
        .map_err(|e| DataError::Png {
            path: path.to_path_buf(),
            reason: decoding_reason(&e),
        })?;
    let (width, height) = reader.info().size();
    Ok((height as usize, width as usize))
}

/// Image formats a folder of frames may not hold beside its PNGs: each would be a frame left out.
const OTHER_IMAGE_FORMATS: [&str; 10] = [
    "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "webp", "pgm", "ppm", "npy",
];

/// The PNG files [`read_png_frames`] reads from `dir`, in the order it reads them: frame `t` of
/// the path is `png_frame_files(dir)[t]`. Another image file in `dir` (`f1.jpg`) is an error,
/// since the path would be measured without it.
pub fn png_frame_files(dir: &Path) -> Result<Vec<std::path::PathBuf>, DataError> {
    let entries = std::fs::read_dir(dir).map_err(|source| DataError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    // Hidden files are left out: editors' and macOS's `._name.png` companions are no frames.
    let paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| !n.as_encoded_bytes().starts_with(b"."))
        })
        .collect();
    // A frame in another image format would be skipped and the path measured without it.
    if let Some(other) = paths.iter().find(|p| {
        p.extension().is_some_and(|x| {
            OTHER_IMAGE_FORMATS
                .iter()
                .any(|known| x.eq_ignore_ascii_case(known))
        })
    }) {
        return Err(DataError::FrameNotPng {
            path: other.clone(),
        });
    }
    let mut files: Vec<_> = paths
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("png")))
        .collect();
    let stems: Vec<&[u8]> = files
        .iter()
        .filter_map(|f| Some(f.file_stem()?.as_encoded_bytes()))
        .collect();
    if let Some(error) = files.iter().find_map(|file| number_not_whole(file, &stems)) {
        return Err(error);
    }
    files.sort_by(|a, b| natural_order(a.as_os_str(), b.as_os_str()));
    // `f1.png` and `f01.png` number one frame: which comes first would be a guess.
    if let Some(pair) = files.windows(2).find(|pair| {
        let (a, b) = (pair[0].as_os_str(), pair[1].as_os_str());
        numbered_order(a, b, false).is_eq()
    }) {
        return Err(DataError::SameFrameNumber {
            first: pair[0].clone(),
            second: pair[1].clone(),
        });
    }
    Ok(files)
}

/// The error for a frame name whose number the natural order would misread: one with a
/// decimal point (`f1.5`, read as `f1` then `.5`), or a minus sign where another frame has a
/// number without one at the same place (`f-2`, `f-1`, `f0`: read as 2, 1, 0). A dash before
/// every frame's number (`frame-1`, `frame-2`) is a separator and orders as meant.
fn number_not_whole(file: &Path, stems: &[&[u8]]) -> Option<DataError> {
    let stem = file.file_stem()?.as_encoded_bytes();
    let digit_at = |name: &[u8], i: usize| name.get(i).is_some_and(u8::is_ascii_digit);
    let (what, example) = (0..stem.len()).find_map(|i| match stem[i] {
        b'-' if digit_at(stem, i + 1)
            && stems
                .iter()
                .any(|other| other.starts_with(&stem[..i]) && digit_at(other, i)) =>
        {
            Some(("minus sign", "f-2 after f-1"))
        }
        b'.' if i > 0 && digit_at(stem, i - 1) && digit_at(stem, i + 1) => {
            Some(("decimal point", "f1.5 before f1"))
        }
        _ => None,
    })?;
    Some(DataError::FrameNumberNotWhole {
        path: file.to_path_buf(),
        what,
        example,
    })
}

/// Orders names by their text, except that runs of ASCII digits compare by their value (then,
/// for equal values, the shorter run first: `f2` before `f02`).
fn natural_order(a: &std::ffi::OsStr, b: &std::ffi::OsStr) -> std::cmp::Ordering {
    numbered_order(a, b, true)
}

/// [`natural_order`], with equal numbers written differently (`f2`, `f02`) told apart by
/// their length when `by_length`, and equal otherwise.
fn numbered_order(a: &std::ffi::OsStr, b: &std::ffi::OsStr, by_length: bool) -> std::cmp::Ordering {
    let (mut a, mut b) = (a.as_encoded_bytes(), b.as_encoded_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let (run_a, rest_a) = digit_run(a);
                let (run_b, rest_b) = digit_run(b);
                let (value_a, value_b) = (trim_zeros(run_a), trim_zeros(run_b));
                let by_value = value_a
                    .len()
                    .cmp(&value_b.len())
                    .then_with(|| value_a.cmp(value_b))
                    .then_with(|| match by_length {
                        true => run_a.len().cmp(&run_b.len()),
                        false => std::cmp::Ordering::Equal,
                    });
                if by_value.is_ne() {
                    return by_value;
                }
                (a, b) = (rest_a, rest_b);
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(y);
                }
                (a, b) = (&a[1..], &b[1..]);
            }
        }
    }
}

/// The leading run of ASCII digits of `bytes`, and the rest.
fn digit_run(bytes: &[u8]) -> (&[u8], &[u8]) {
    let end = bytes
        .iter()
        .position(|c| !c.is_ascii_digit())
        .unwrap_or(bytes.len());
    bytes.split_at(end)
}

fn trim_zeros(digits: &[u8]) -> &[u8] {
    let start = digits
        .iter()
        .position(|&c| c != b'0')
        .unwrap_or(digits.len());
    &digits[start..]
}
