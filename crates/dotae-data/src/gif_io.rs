//! Paths as looping animated GIFs.

use std::borrow::Cow;
use std::path::Path;

use ndarray::{ArrayView3, ArrayView4, Axis};

use crate::{DataError, write_atomically};

/// Levels per channel of the fixed RGB palette: 6 · 7 · 6 = 252 colours fit GIF's 256, with the
/// extra level on green, where the eye resolves most detail.
const RGB_LEVELS: [usize; 3] = [6, 7, 6];

/// Writes a path `(frames, channels, rows, cols)` in `[0, 1]` (clamped) as an animated GIF that
/// plays forward and loops forever, showing each frame for `frame_delay_ms` and the last one
/// twice as long, so the end of the path stands out before the loop restarts. Each frame is
/// enlarged `scale` times with nearest-neighbour sampling. Gray paths (1 channel) use 256 gray
/// levels; RGB paths (3 channels) a fixed 6 × 7 × 6 colour cube.
///
/// GIF delays count hundredths of a second, so `frame_delay_ms` is rounded to 10 ms, and raised
/// to 20 ms because viewers replace shorter delays with a slow default.
pub fn write_gif(
    path: &Path,
    path_frames: ArrayView4<'_, f64>,
    frame_delay_ms: u16,
    scale: usize,
) -> Result<(), DataError> {
    let (frames, channels, rows, cols) = path_frames.dim();
    let invalid = |what, reason| DataError::InvalidArgument { what, reason };
    if frames == 0 || rows == 0 || cols == 0 {
        return Err(invalid(
            "GIF path",
            format!("shape {:?} has no frames or no pixels", path_frames.dim()),
        ));
    }
    if !matches!(channels, 1 | 3) {
        return Err(invalid(
            "GIF path",
            format!("{channels} channels: a GIF is written from 1 (gray) or 3 (RGB)"),
        ));
    }
    if scale == 0 {
        return Err(invalid(
            "GIF scale",
            "0: frames are enlarged at least 1 time".into(),
        ));
    }
    let side = |n: usize| {
        n.checked_mul(scale)
            .and_then(|s| u16::try_from(s).ok())
            .ok_or_else(|| {
                invalid(
                    "GIF scale",
                    format!("{rows}x{cols} frames scaled {scale} times exceed GIF's 65535 pixels per side"),
                )
            })
    };
    let (height, width) = (side(rows)?, side(cols)?);
    let palette = if channels == 1 {
        gray_palette()
    } else {
        rgb_palette()
    };
    let delay = ((u32::from(frame_delay_ms) + 5) / 10).max(2) as u16;

    let gif_err = |e: gif::EncodingError| match e {
        gif::EncodingError::Io(source) => DataError::Write {
            path: path.to_path_buf(),
            source,
        },
        other => DataError::Gif {
            path: path.to_path_buf(),
            reason: other.to_string(),
        },
    };
    write_atomically(path, |w| {
        let mut encoder = gif::Encoder::new(w, width, height, &palette).map_err(gif_err)?;
        encoder.set_repeat(gif::Repeat::Infinite).map_err(gif_err)?;
        for (t, frame) in path_frames.axis_iter(Axis(0)).enumerate() {
            let last = t + 1 == frames;
            encoder
                .write_frame(&gif::Frame {
                    delay: if last { delay.saturating_mul(2) } else { delay },
                    width,
                    height,
                    buffer: Cow::Owned(indices(frame, scale)),
                    ..gif::Frame::default()
                })
                .map_err(gif_err)?;
        }
        encoder
            .into_inner()
            .map(drop)
            .map_err(|e| gif_err(e.into()))
    })
}

/// Palette indices of one `(channels, rows, cols)` frame enlarged `scale` times.
fn indices(frame: ArrayView3<'_, f64>, scale: usize) -> Vec<u8> {
    let (channels, rows, cols) = frame.dim();
    let level = |v: f64, levels: usize| (v.clamp(0.0, 1.0) * (levels - 1) as f64).round() as usize;
    let mut out = Vec::with_capacity(rows * cols * scale * scale);
    for i in 0..rows {
        let line: Vec<u8> = (0..cols)
            .flat_map(|j| {
                let index = if channels == 1 {
                    level(frame[[0, i, j]], 256)
                } else {
                    let [r, g, b] = [0, 1, 2].map(|c| level(frame[[c, i, j]], RGB_LEVELS[c]));
                    (r * RGB_LEVELS[1] + g) * RGB_LEVELS[2] + b
                };
                std::iter::repeat_n(index as u8, scale)
            })
            .collect();
        for _ in 0..scale {
            out.extend_from_slice(&line);
        }
    }
    out
}

fn gray_palette() -> Vec<u8> {
    (0..=255u8).flat_map(|v| [v, v, v]).collect()
}

fn rgb_palette() -> Vec<u8> {
    let value = |l: usize, levels: usize| (l * 255 / (levels - 1)) as u8;
    let [nr, ng, nb] = RGB_LEVELS;
    let mut palette = Vec::with_capacity(256 * 3);
    for r in 0..nr {
        for g in 0..ng {
            for b in 0..nb {
                palette.extend([value(r, nr), value(g, ng), value(b, nb)]);
            }
        }
    }
    palette
}
