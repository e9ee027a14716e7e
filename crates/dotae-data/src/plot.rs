//! Line charts of training curves (loss against epoch and the like) as PNG images. `plotters`
//! draws into an RGB buffer that this crate's PNG writer encodes, so no image crate is needed,
//! and the text uses a bundled font, so no system font is either.

use std::error::Error;
use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;

use crate::DataError;
use crate::png_io::write_png_bytes;

/// One named curve of a line plot: `values[k]` is plotted at x = k + 1 ([`write_line_plot`])
/// or at x = `first_x` + k ([`write_line_plot_from`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend label.
    pub name: String,
    /// The curve's values, one per x position.
    pub values: Vec<f64>,
}

/// Colours of successive series (the Tableau 10 palette, chosen to stay distinguishable for
/// common colour-vision deficiencies); series beyond ten reuse them in order.
pub(crate) const COLOURS: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];
const GRID: RGBColor = RGBColor(225, 225, 225);
const MINOR_GRID: RGBColor = RGBColor(245, 245, 245);

/// Largest accepted width or height, so a typo cannot ask for gigabytes of canvas.
const MAX_SIDE: usize = 1 << 12;
/// Smallest plot area, in pixels per side, left after the title and tick labels.
const MIN_AREA: usize = 16;

/// DejaVu Sans (licence in `assets/LICENSE-DejaVu.txt`): bundled so that charts render the
/// same on machines without fonts installed.
static FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");
/// Registered as plotters' default family, so text it styles itself finds the font too.
pub(crate) const FAMILY: &str = "sans-serif";

/// Writes `series` as a `width × height` RGB PNG line chart: x is the 1-based index of each
/// value, y its value (log10 scale with `log_y`). The chart has a white background, `title` at
/// the top, labelled axes and a legend of series colours and names in the upper right corner.
/// Non-finite values, and with `log_y` non-positive ones, are skipped and break the line. It
/// is an error when no series has a value to plot or the size leaves no room for the axes.
pub fn write_line_plot(
    path: &Path,
    title: &str,
    series: &[Series],
    log_y: bool,
    width: usize,
    height: usize,
) -> Result<(), DataError> {
    write_line_plot_from(path, title, series, 1, log_y, width, height)
}

/// [`write_line_plot`] with `values[k]` at x = `first_x + k`: a curve whose first value is
/// the state before training (epoch 0) starts at 0.
pub fn write_line_plot_from(
    path: &Path,
    title: &str,
    series: &[Series],
    first_x: i64,
    log_y: bool,
    width: usize,
    height: usize,
) -> Result<(), DataError> {
    if !(1..=MAX_SIDE).contains(&width) || !(1..=MAX_SIDE).contains(&height) {
        return Err(plot_error(format!(
            "size {width}x{height}: both sides must be between 1 and {MAX_SIDE} pixels"
        )));
    }
    let curves: Vec<Vec<Vec<(i64, f64)>>> = series
        .iter()
        .map(|s| stretches(&s.values, first_x, log_y))
        .collect();
    let (lo, hi) = curves
        .iter()
        .flatten()
        .flatten()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &(_, v)| {
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
    let layout = Layout::new(width, height, title);
    if width < layout.margin + layout.right + layout.y_labels + MIN_AREA
        || height < 2 * layout.margin + layout.caption + layout.x_labels + MIN_AREA
    {
        return Err(plot_error(format!(
            "size {width}x{height} leaves no room for the plot beside its title and labels"
        )));
    }
    let too_wide = || {
        plot_error(format!(
            "values from {lo} to {hi} span too wide a range to plot"
        ))
    };
    let count = series.iter().map(|s| s.values.len()).max().unwrap_or(1);
    let x_range = first_x..first_x + count.max(2) as i64 - 1;
    let chart = Chart {
        title,
        series,
        curves: &curves,
        layout: &layout,
    };

    let mut pixels = vec![0; 3 * width * height];
    let root =
        BitMapBackend::with_buffer(&mut pixels, (width as u32, height as u32)).into_drawing_area();
    let drawn = if log_y {
        let (first, last) = decades(lo, hi).ok_or_else(too_wide)?;
        let (labelled, minor) = log_ticks(first, last);
        let range = (power(1, first)..power(1, last))
            .log_scale()
            .with_key_points(labelled)
            .with_light_points(minor);
        chart.draw(&root, x_range, range)
    } else {
        chart.draw(&root, x_range, padded(lo, hi).ok_or_else(too_wide)?)
    };
    drawn
        .and_then(|()| Ok(root.present()?))
        .map_err(|e| DataError::Draw {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
    drop(root);
    write_png_bytes(path, &pixels, width, height, png::ColorType::Rgb)
}

/// Sizes in pixels, grown with the image so text stays legible.
struct Layout {
    /// Font size of tick labels and the legend.
    text: u32,
    /// Font size of the title.
    title_text: u32,
    /// Space around the chart.
    margin: usize,
    /// Space right of the plot area, where half the last x label hangs over.
    right: usize,
    /// Height the title takes, 0 without one.
    caption: usize,
    /// Height of the x tick labels below the plot area.
    x_labels: usize,
    /// Width of the y tick labels left of the plot area (room for about seven characters).
    y_labels: usize,
    /// Thickness of the curves.
    line: u32,
}

impl Layout {
    fn new(width: usize, height: usize, title: &str) -> Self {
        let text = (width.min(height) / 30).clamp(10, 48);
        let title_text = text * 5 / 4;
        Self {
            text: text as u32,
            title_text: title_text as u32,
            margin: text / 2,
            right: 2 * text,
            // Plotters pads a caption by up to 5 pixels above and below.
            caption: if title.is_empty() { 0 } else { title_text + 10 },
            x_labels: 2 * text,
            y_labels: 5 * text,
            line: (text / 8).max(1) as u32,
        }
    }
}

/// What one chart shows, whichever y axis it gets.
struct Chart<'a> {
    title: &'a str,
    series: &'a [Series],
    curves: &'a [Vec<Vec<(i64, f64)>>],
    layout: &'a Layout,
}

impl Chart<'_> {
    fn draw<Y>(
        &self,
        root: &DrawingArea<BitMapBackend<'_>, Shift>,
        x_range: Range<i64>,
        y_range: Y,
    ) -> Result<(), Box<dyn Error>>
    where
        Y: AsRangedCoord<Value = f64>,
        Y::CoordDescType: ValueFormatter<f64>,
    {
        register_font()?;
        let layout = self.layout;
        let text = (FAMILY, layout.text);
        root.fill(&WHITE)?;
        let mut builder = ChartBuilder::on(root);
        builder
            .margin(layout.margin as u32)
            .margin_right(layout.right as u32)
            .x_label_area_size(layout.x_labels as u32)
            .y_label_area_size(layout.y_labels as u32);
        if !self.title.is_empty() {
            builder.caption(self.title, (FAMILY, layout.title_text));
        }
        let mut chart = builder.build_cartesian_2d(x_range, y_range)?;
        let (plot_width, _) = chart.plotting_area().dim_in_pixel();
        chart
            .configure_mesh()
            .x_labels((plot_width / (5 * layout.text)).max(2) as usize)
            .y_labels(6)
            .y_label_formatter(&|v| tick_label(*v))
            .label_style(text)
            .axis_style(BLACK)
            .bold_line_style(GRID)
            .light_line_style(MINOR_GRID)
            .draw()?;

        let half = layout.text as i32 / 4;
        let swatch = 2 * layout.text as i32;
        for (k, (s, stretches)) in self.series.iter().zip(self.curves).enumerate() {
            let colour = COLOURS[k % COLOURS.len()];
            let style = colour.stroke_width(layout.line);
            let (lines, dots): (Vec<_>, Vec<_>) =
                stretches.iter().partition(|stretch| stretch.len() > 1);
            chart
                .draw_series(
                    lines
                        .into_iter()
                        .map(|stretch| PathElement::new(stretch.clone(), style)),
                )?
                .label(&s.name)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - half), (x + swatch, y + half)], colour.filled())
                });
            // A value with no drawable neighbour has no line, so it gets a dot.
            chart.draw_series(
                dots.into_iter()
                    .map(|dot| Circle::new(dot[0], 2 * layout.line + 1, colour.filled())),
            )?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .legend_area_size(swatch + half)
            .label_font(text)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()?;
        Ok(())
    }
}

/// Registers the bundled font with plotters, once per process.
pub(crate) fn register_font() -> Result<(), &'static str> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let registered = *REGISTERED
        .get_or_init(|| plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    registered
        .then_some(())
        .ok_or("the bundled font DejaVuSans.ttf is not a valid TrueType font")
}

/// The stretches of consecutive drawable values as `(x, value)` points; a value that cannot
/// be drawn (non-finite, or non-positive on a log axis) ends a stretch.
fn stretches(values: &[f64], first_x: i64, log_y: bool) -> Vec<Vec<(i64, f64)>> {
    let points: Vec<(i64, f64)> = (first_x..).zip(values.iter().copied()).collect();
    points
        .split(|&(_, v)| !v.is_finite() || (log_y && v <= 0.0))
        .filter(|stretch| !stretch.is_empty())
        .map(<[_]>::to_vec)
        .collect()
}

/// `[lo, hi]` with 5 % of its span added on both sides, or around a single value 10 % of
/// it (1 for zero); `None` when that range overflows.
fn padded(lo: f64, hi: f64) -> Option<Range<f64>> {
    let pad = if hi > lo {
        0.05 * (hi - lo)
    } else {
        0.1 * lo.abs()
    };
    // Zero or subnormal: 10 % of it is no range at all.
    let pad = if lo - pad < hi + pad { pad } else { 1.0 };
    let range = lo - pad..hi + pad;
    (range.end - range.start).is_finite().then_some(range)
}

/// The powers of ten `(first, last)` around positive `[lo, hi]`, at least one decade apart;
/// `None` when they leave the range of `f64`.
fn decades(lo: f64, hi: f64) -> Option<(i32, i32)> {
    let first = lo.log10().floor() as i32;
    let last = (hi.log10().ceil() as i32).max(first + 1);
    (power(1, first) > 0.0 && power(1, last).is_finite()).then_some((first, last))
}

/// Labelled and minor ticks of a log axis from `10^first` to `10^last`. Labels sit at 1, 2
/// and 5 times powers of ten over up to two decades, at powers of ten beyond that (every few
/// when there are more than eight), so there are always 3 to 9 of them; up to three decades
/// also get minor ticks at 2 to 9 times each power.
fn log_ticks(first: i32, last: i32) -> (Vec<f64>, Vec<f64>) {
    let decades = last - first;
    let labelled = if decades <= 2 {
        (first..last)
            .flat_map(|e| [1, 2, 5].map(|m| power(m, e)))
            .chain([power(1, last)])
            .collect()
    } else {
        let step = decades.unsigned_abs().div_ceil(8) as usize;
        (first..=last).step_by(step).map(|e| power(1, e)).collect()
    };
    let minor = if decades <= 3 {
        (first..last)
            .flat_map(|e| (2..=9).map(move |m| power(m, e)))
            .collect()
    } else {
        Vec::new()
    };
    (labelled, minor)
}

fn power(mantissa: u32, exponent: i32) -> f64 {
    f64::from(mantissa) * 10f64.powi(exponent)
}

/// `value` to six significant digits without float noise (`0.3`, not `0.30000000000000004`):
/// plain between 0.001 and 100 000, else as `2.5e-4`.
fn tick_label(value: f64) -> String {
    let rounded: f64 = format!("{value:.5e}").parse().unwrap_or(value);
    if rounded == 0.0 || (1e-3..1e5).contains(&rounded.abs()) {
        format!("{rounded}")
    } else {
        format!("{rounded:e}")
    }
}

fn plot_error(reason: String) -> DataError {
    DataError::InvalidArgument {
        what: "line plot",
        reason,
    }
}
