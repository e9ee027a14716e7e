//! Line charts of training curves (loss against epoch and the like) as PNG images, drawn
//! directly so that no plotting or font dependency is needed.

use std::path::Path;

use ndarray::{Array2, Array3};

use crate::font::{draw_text, text_height, text_width};
use crate::{DataError, write_png};

/// One named curve of a line plot: `values[k]` is plotted at x = k + 1.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend label.
    pub name: String,
    /// The curve's values, one per x position starting at 1.
    pub values: Vec<f64>,
}

/// Colours of successive series (the Tableau 10 palette, chosen to stay distinguishable for
/// common colour-vision deficiencies); series beyond ten reuse them in order.
const COLOURS: [[u8; 3]; 10] = [
    [31, 119, 180],
    [255, 127, 14],
    [44, 160, 44],
    [214, 39, 40],
    [148, 103, 189],
    [140, 86, 75],
    [227, 119, 194],
    [127, 127, 127],
    [188, 189, 34],
    [23, 190, 207],
];
const BLACK: [f64; 3] = [0.0, 0.0, 0.0];
const GRID: [f64; 3] = [0.9, 0.9, 0.9];

/// Largest accepted width or height, so a typo cannot ask for gigabytes of canvas.
const MAX_SIDE: usize = 1 << 12;

/// Writes `series` as a `width × height` RGB PNG line chart: x is the 1-based index of each
/// value, y its value (log10 scale with `log_y`). The chart has a white background, `title` at
/// the top, axes with 4 to 6 labelled ticks each, and a legend of series colours and names at
/// the right. Non-finite values, and with `log_y` non-positive ones, are skipped and break
/// the line. It is an error when no series has a value to plot or the size leaves no room for
/// the axes.
pub fn write_line_plot(
    path: &Path,
    title: &str,
    series: &[Series],
    log_y: bool,
    width: usize,
    height: usize,
) -> Result<(), DataError> {
    if !(1..=MAX_SIDE).contains(&width) || !(1..=MAX_SIDE).contains(&height) {
        return Err(plot_error(format!(
            "size {width}x{height}: both sides must be between 1 and {MAX_SIDE} pixels"
        )));
    }
    let curves: Vec<Vec<Option<f64>>> = series
        .iter()
        .map(|s| s.values.iter().map(|&v| plotted(v, log_y)).collect())
        .collect();
    let (lo, hi) = curves
        .iter()
        .flatten()
        .flatten()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    if lo > hi {
        let reason = if series.iter().all(|s| s.values.is_empty()) {
            format!("all {} series are empty", series.len())
        } else if log_y {
            "no series has a finite positive value to plot on a log scale".into()
        } else {
            "no series has a finite value to plot".into()
        };
        return Err(plot_error(reason));
    }
    if !(hi - lo).is_finite() {
        return Err(plot_error(format!(
            "values from {lo} to {hi} span too wide a range to plot"
        )));
    }
    let count = curves.iter().map(Vec::len).max().unwrap_or(1);
    let x_axis = PlotAxis::linear(1.0, count.max(2) as f64, true);
    let y_axis = if log_y {
        PlotAxis::log(lo, hi)
    } else {
        PlotAxis::linear(lo, hi, false)
    };

    let m = Metrics::new(width, height);
    let names: Vec<String> = series
        .iter()
        .map(|s| fit_text(&s.name, m.scale, width / 3))
        .collect();
    let legend_width = names
        .iter()
        .map(|n| 3 * m.gap + m.swatch + text_width(n, m.scale))
        .max()
        .unwrap_or(0);
    let y_label_width = y_axis
        .ticks
        .iter()
        .map(|(_, l)| text_width(l, m.scale))
        .max()
        .unwrap_or(0);
    let last_x_label = x_axis
        .ticks
        .last()
        .map_or(0, |(_, l)| text_width(l, m.scale));
    let title_scale = m.scale + 1;
    let title = fit_text(title, title_scale, width.saturating_sub(2 * m.pad));
    let title_height = if title.is_empty() {
        0
    } else {
        text_height(title_scale) + m.pad
    };
    let area = Area {
        left: m.pad + y_label_width + m.gap + m.tick,
        // Room for the legend, and for half the last x label centred under its tick.
        right: width
            .saturating_sub(m.pad + legend_width)
            .min(width.saturating_sub(m.pad + last_x_label / 2 + 1)),
        top: m.pad + title_height + m.line / 2,
        bottom: height.saturating_sub(m.pad + m.line + m.gap + m.tick + 1),
    };
    if area.right < area.left + 16 || area.bottom < area.top + 16 {
        return Err(plot_error(format!(
            "size {width}x{height} leaves no room for the plot beside its title, labels and legend"
        )));
    }

    let mut canvas = Canvas::new(height, width);
    draw_grid(&mut canvas, &area, &x_axis, &y_axis);
    let half_width = 0.8 * m.scale as f64;
    for (k, curve) in curves.iter().enumerate() {
        let points: Vec<Option<(f64, f64)>> = curve
            .iter()
            .enumerate()
            .map(|(n, v)| v.map(|y| (area.y(&y_axis, y), area.x(&x_axis, (n + 1) as f64))))
            .collect();
        let coverage = stroke(&points, half_width, &area, height, width);
        canvas.composite(&coverage, colour(k));
    }
    draw_axes(&mut canvas, &area, &x_axis, &y_axis, &m);
    if !title.is_empty() {
        let left = (width - text_width(&title, title_scale)) / 2;
        canvas.text(&title, title_scale, m.pad, left, BLACK);
    }
    for (k, name) in names.iter().enumerate() {
        let top = area.top + k * (m.line + 2 * m.gap);
        let left = area.right + 2 * m.gap;
        let middle = top + m.line / 2;
        let thickness = 2 * m.scale;
        canvas.fill(
            middle - thickness / 2..middle - thickness / 2 + thickness,
            left..left + m.swatch,
            colour(k),
        );
        canvas.text(name, m.scale, top, left + m.swatch + m.gap, BLACK);
    }
    write_png(path, &canvas.pixels)
}

/// Sizes of text and decorations in pixels, grown with the image so labels stay legible.
struct Metrics {
    /// Font scale of labels.
    scale: usize,
    /// Margin around the figure.
    pad: usize,
    /// Tick mark length.
    tick: usize,
    /// Space between a tick and its label, and between legend parts.
    gap: usize,
    /// Height of a line of label text.
    line: usize,
    /// Length of a legend colour sample.
    swatch: usize,
}

impl Metrics {
    fn new(width: usize, height: usize) -> Self {
        let scale = (width.min(height) / 300).max(1);
        Self {
            scale,
            pad: 6 * scale,
            tick: 4 * scale,
            gap: 3 * scale,
            line: text_height(scale),
            swatch: 14 * scale,
        }
    }
}

/// Light lines across the plot area at every tick.
fn draw_grid(canvas: &mut Canvas, area: &Area, x_axis: &PlotAxis, y_axis: &PlotAxis) {
    for &(x, _) in &x_axis.ticks {
        let j = area.x(x_axis, x).round() as usize;
        canvas.fill(area.top..area.bottom, j..j + 1, GRID);
    }
    for &(y, _) in &y_axis.ticks {
        let i = area.y(y_axis, y).round() as usize;
        canvas.fill(i..i + 1, area.left..area.right + 1, GRID);
    }
}

/// The left and bottom axes with outward tick marks and their labels.
fn draw_axes(canvas: &mut Canvas, area: &Area, x_axis: &PlotAxis, y_axis: &PlotAxis, m: &Metrics) {
    let (scale, tick, gap) = (m.scale, m.tick, m.gap);
    canvas.fill(
        area.top..area.bottom + 1,
        area.left..area.left + scale,
        BLACK,
    );
    canvas.fill(
        area.bottom + 1 - scale..area.bottom + 1,
        area.left..area.right + 1,
        BLACK,
    );
    for (y, label) in &y_axis.ticks {
        let i = area.y(y_axis, *y).round() as usize;
        canvas.fill(i..i + scale, area.left - tick..area.left, BLACK);
        let left = area.left - tick - gap - text_width(label, scale);
        // Centred on the glyphs above the descender row, where digits sit.
        let top = i.saturating_sub((m.line - scale) / 2);
        canvas.text(label, scale, top, left, BLACK);
    }
    for (x, label) in &x_axis.ticks {
        let j = area.x(x_axis, *x).round() as usize;
        canvas.fill(area.bottom + 1..area.bottom + 1 + tick, j..j + scale, BLACK);
        let left = j.saturating_sub(text_width(label, scale) / 2);
        canvas.text(label, scale, area.bottom + 1 + tick + gap, left, BLACK);
    }
}

/// A value's position on the y axis: itself, or its log10; `None` where it cannot be drawn.
fn plotted(value: f64, log_y: bool) -> Option<f64> {
    match (value.is_finite(), log_y) {
        (true, false) => Some(value),
        (true, true) if value > 0.0 => Some(value.log10()),
        _ => None,
    }
}

fn colour(k: usize) -> [f64; 3] {
    COLOURS[k % COLOURS.len()].map(|c| f64::from(c) / 255.0)
}

fn plot_error(reason: String) -> DataError {
    DataError::InvalidArgument {
        what: "line plot",
        reason,
    }
}

/// `text`, shortened with `..` when wider than `max_width` pixels at `scale`.
fn fit_text(text: &str, scale: usize, max_width: usize) -> String {
    if text_width(text, scale) <= max_width {
        return text.to_string();
    }
    let mut kept: Vec<char> = text.chars().collect();
    while !kept.is_empty() {
        kept.pop();
        let candidate: String = kept.iter().chain(&['.', '.']).collect();
        if text_width(&candidate, scale) <= max_width {
            return candidate;
        }
    }
    String::new()
}

/// One axis: its range in plotted units (log10 on a log axis) and labelled ticks within it.
struct PlotAxis {
    lo: f64,
    hi: f64,
    ticks: Vec<(f64, String)>,
}

impl PlotAxis {
    /// A linear axis covering `[lo, hi]`, widened to whole multiples of a round tick step;
    /// `integer` restricts ticks to whole numbers (for indices).
    fn linear(lo: f64, hi: f64, integer: bool) -> Self {
        let TickRange { first, last, step } = round_ticks(lo, hi, integer);
        let decimals = decimals(step);
        let scientific =
            step < 1e-3 || (first as f64 * step).abs().max((last as f64 * step).abs()) >= 1e6;
        let ticks = (first..=last)
            .map(|k| {
                let value = k as f64 * step;
                let label = if scientific {
                    scientific_label(value)
                } else {
                    format!("{:.*}", decimals, if k == 0 { 0.0 } else { value })
                };
                (value, label)
            })
            .collect();
        Self {
            lo: first as f64 * step,
            hi: last as f64 * step,
            ticks,
        }
    }

    /// A log10 axis for plotted (log10) values in `[lo, hi]`, widened to whole decades. Ticks
    /// sit at 1, 2 and 5 times powers of ten across one decade, 1 and 3 across two, and at
    /// round steps of whole decades beyond that, so there are always 4 to 6 of them.
    fn log(lo: f64, hi: f64) -> Self {
        let first = (lo + 1e-9).floor() as i32;
        let last = ((hi - 1e-9).ceil() as i32).max(first + 1);
        let powers: Vec<(u32, i32)> = match last - first {
            1 | 2 => {
                let mantissas: &[u32] = if last - first == 1 {
                    &[1, 2, 5]
                } else {
                    &[1, 3]
                };
                (first..last)
                    .flat_map(|e| mantissas.iter().map(move |&m| (m, e)))
                    .chain([(1, last)])
                    .collect()
            }
            _ => {
                let TickRange { first, last, step } =
                    round_ticks(f64::from(first), f64::from(last), true);
                (first..=last)
                    .map(|k| (1, (k as f64 * step) as i32))
                    .collect()
            }
        };
        // One notation for the whole axis, so labels compare at a glance.
        let plain = powers.iter().all(|&(_, e)| (-3..=5).contains(&e));
        let ticks: Vec<(f64, String)> = powers
            .into_iter()
            .map(|(m, e)| {
                (
                    f64::from(m).log10() + f64::from(e),
                    power_label(m, e, plain),
                )
            })
            .collect();
        Self {
            lo: ticks.first().map_or(f64::from(first), |t| t.0),
            hi: ticks.last().map_or(f64::from(last), |t| t.0),
            ticks,
        }
    }
}

/// Ticks at `first · step ..= last · step`.
#[derive(Clone, Copy)]
struct TickRange {
    first: i64,
    last: i64,
    step: f64,
}

/// Ticks covering `[lo, hi]` with a step of 1, 2, 2.5 or 5 times a power of ten, preferring 4
/// to 6 ticks and then the tightest cover; `integer` allows whole-number steps only.
fn round_ticks(lo: f64, hi: f64, integer: bool) -> TickRange {
    let pad = if integer { 1.0 } else { 0.1 * lo.abs() };
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else if lo - pad < hi + pad {
        (lo - pad, hi + pad)
    } else {
        // Zero or subnormal: 10 % of it is no range at all.
        (lo - 1.0, hi + 1.0)
    };
    let magnitude = 10f64.powf(((hi - lo) / 5.0).log10().floor());
    let mut best: Option<(usize, f64, TickRange)> = None;
    for power in [magnitude / 10.0, magnitude, magnitude * 10.0] {
        for m in [1.0, 2.0, 2.5, 5.0] {
            let step = m * power;
            if integer && (step < 1.0 || step.fract() != 0.0) {
                continue;
            }
            // The slack keeps rounding error (0.3 / 0.1 = 2.999…) from adding a tick.
            let first = (lo / step + 1e-9).floor() as i64;
            let last = ((hi / step - 1e-9).ceil() as i64).max(first);
            let count = usize::try_from(last.saturating_sub(first)).map_or(usize::MAX, |n| n + 1);
            let miss = if (4..=6).contains(&count) {
                0
            } else {
                count.abs_diff(5)
            };
            let span = (last - first) as f64 * step;
            if best.is_none_or(|(b_miss, b_span, _)| (miss, span) < (b_miss, b_span)) {
                best = Some((miss, span, TickRange { first, last, step }));
            }
        }
    }
    let mut ticks = best.map_or(
        TickRange {
            first: 0,
            last: 4,
            step: 1.0,
        },
        |(_, _, ticks)| ticks,
    );
    // Whole-number steps cannot split a short range finely enough, so extend it instead.
    ticks.last = ticks.last.max(ticks.first.saturating_add(3));
    ticks
}

/// Decimal places that show every multiple of `step` exactly.
fn decimals(step: f64) -> usize {
    (0..10)
        .find(|&d| {
            let scaled = step * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
        })
        .unwrap_or(10)
}

/// `value` as `1.5e-4`, without trailing zeros in the mantissa.
fn scientific_label(value: f64) -> String {
    if value == 0.0 {
        return "0".into();
    }
    let text = format!("{value:.2e}");
    match text.split_once('e') {
        Some((mantissa, exponent)) if mantissa.contains('.') => {
            let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
            format!("{mantissa}e{exponent}")
        }
        _ => text,
    }
}

/// `m · 10^e` as a plain decimal, or as `me{e}`.
fn power_label(m: u32, e: i32, plain: bool) -> String {
    if plain {
        format!("{:.*}", (-e).max(0) as usize, f64::from(m) * 10f64.powi(e))
    } else {
        format!("{m}e{e}")
    }
}

/// The plot area in pixels; the axes run along `left` and `bottom`.
struct Area {
    left: usize,
    right: usize,
    top: usize,
    bottom: usize,
}

impl Area {
    fn x(&self, axis: &PlotAxis, x: f64) -> f64 {
        self.left as f64 + (x - axis.lo) / (axis.hi - axis.lo) * (self.right - self.left) as f64
    }

    fn y(&self, axis: &PlotAxis, y: f64) -> f64 {
        self.bottom as f64 - (y - axis.lo) / (axis.hi - axis.lo) * (self.bottom - self.top) as f64
    }
}

/// Anti-aliased coverage in `[0, 1]` of a polyline through `points` (`(row, col)` pixel
/// positions; `None` breaks the line), `half_width` pixels thick, clipped to `area`. Points
/// with no neighbour are drawn as dots so they stay visible.
fn stroke(
    points: &[Option<(f64, f64)>],
    half_width: f64,
    area: &Area,
    rows: usize,
    cols: usize,
) -> Array2<f64> {
    let mut coverage = Array2::zeros((rows, cols));
    let mut cover = |a: (f64, f64), b: (f64, f64), radius: f64| {
        let reach = radius + 1.0;
        let clip = |v: f64, lo: usize, hi: usize| (v.max(lo as f64) as usize).min(hi);
        let (i0, i1) = (
            clip(a.0.min(b.0) - reach, area.top, area.bottom),
            clip(a.0.max(b.0) + reach, area.top, area.bottom),
        );
        let (j0, j1) = (
            clip(a.1.min(b.1) - reach, area.left, area.right),
            clip(a.1.max(b.1) + reach, area.left, area.right),
        );
        for i in i0..=i1 {
            for j in j0..=j1 {
                let d = segment_distance((i as f64, j as f64), a, b);
                let c: &mut f64 = &mut coverage[[i, j]];
                *c = c.max((radius + 0.5 - d).clamp(0.0, 1.0));
            }
        }
    };
    for (n, point) in points.iter().enumerate() {
        let Some(p) = *point else { continue };
        match points.get(n + 1).copied().flatten() {
            Some(q) => cover(p, q, half_width),
            None if n == 0 || points[n - 1].is_none() => cover(p, p, 2.0 * half_width + 0.5),
            None => {}
        }
    }
    coverage
}

fn segment_distance(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let length = dx * dx + dy * dy;
    let t = if length > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / length).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (p.0 - a.0 - t * dx).hypot(p.1 - a.1 - t * dy)
}

/// An RGB image `(3, rows, cols)`; drawing outside it is clipped.
struct Canvas {
    pixels: Array3<f64>,
}

impl Canvas {
    fn new(rows: usize, cols: usize) -> Self {
        Self {
            pixels: Array3::ones((3, rows, cols)),
        }
    }

    fn fill(&mut self, rows: std::ops::Range<usize>, cols: std::ops::Range<usize>, rgb: [f64; 3]) {
        let (_, height, width) = self.pixels.dim();
        for i in rows.start..rows.end.min(height) {
            for j in cols.start..cols.end.min(width) {
                for (c, &v) in rgb.iter().enumerate() {
                    self.pixels[[c, i, j]] = v;
                }
            }
        }
    }

    fn text(&mut self, text: &str, scale: usize, top: usize, left: usize, rgb: [f64; 3]) {
        draw_text(text, scale, |i, j| {
            self.fill(top + i..top + i + 1, left + j..left + j + 1, rgb);
        });
    }

    /// Paints `rgb` over the canvas with opacity `alpha` per pixel.
    fn composite(&mut self, alpha: &Array2<f64>, rgb: [f64; 3]) {
        for ((i, j), &a) in alpha.indexed_iter() {
            if a > 0.0 {
                for (c, &v) in rgb.iter().enumerate() {
                    let p = &mut self.pixels[[c, i, j]];
                    *p += a * (v - *p);
                }
            }
        }
    }
}
