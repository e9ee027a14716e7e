//! Scatter plots of 2-D point clouds, several panels side by side in one PNG: samples of
//! distributions, where a transport map sends them, and the lines between.

use std::path::Path;

use plotters::prelude::*;

use crate::DataError;
use crate::plot::{COLOURS, FAMILY, register_font};
use crate::png_io::write_png_bytes;

/// One named set of points, drawn as dots in one colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Cloud {
    /// Legend label.
    pub name: String,
    /// The points `(x, y)`.
    pub points: Vec<(f64, f64)>,
    /// Index into the palette (the line plots' Tableau 10), so a cloud keeps its colour across
    /// panels.
    pub colour: usize,
}

/// One panel: a title, clouds, and grey segments drawn beneath them (a map's arrows).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScatterPanel {
    /// Shown above the panel.
    pub title: String,
    /// Drawn in order, later clouds on top.
    pub clouds: Vec<Cloud>,
    /// Line segments `((x0, y0), (x1, y1))`, drawn first.
    pub segments: Vec<((f64, f64), (f64, f64))>,
}

/// Largest accepted panel side and number of panels, so a typo cannot ask for gigabytes.
const MAX_PANEL_SIDE: usize = 2048;
const MAX_PANELS: usize = 64;

/// Writes `panels` as a PNG grid of `columns` panels per row, each `side × side` pixels, every
/// panel with its own square axes fitted to its points. Non-finite points are skipped; it is
/// an error when a panel has no finite point, or the sizes are out of range.
pub fn write_scatter_panels(
    path: &Path,
    panels: &[ScatterPanel],
    columns: usize,
    side: usize,
) -> Result<(), DataError> {
    let error = |reason: String| DataError::Draw {
        path: path.to_path_buf(),
        reason,
    };
    if panels.is_empty() || panels.len() > MAX_PANELS {
        return Err(error(format!(
            "{} panels: between 1 and {MAX_PANELS} can be drawn",
            panels.len()
        )));
    }
    if !(1..=panels.len()).contains(&columns) {
        return Err(error(format!(
            "{columns} columns for {} panels: between 1 and the number of panels",
            panels.len()
        )));
    }
    if !(160..=MAX_PANEL_SIDE).contains(&side) {
        return Err(error(format!(
            "panel side {side}: between 160 and {MAX_PANEL_SIDE} pixels"
        )));
    }
    let rows = panels.len().div_ceil(columns);
    let (width, height) = (columns * side, rows * side);
    let mut pixels = vec![0; 3 * width * height];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (width as u32, height as u32))
            .into_drawing_area();
        let drawn = register_font()
            .map_err(|e| e.to_string())
            .and_then(|()| root.fill(&WHITE).map_err(|e| e.to_string()))
            .and_then(|()| {
                let areas = root.split_evenly((rows, columns));
                panels
                    .iter()
                    .zip(&areas)
                    .try_for_each(|(panel, area)| draw_panel(panel, area, side))
            })
            .and_then(|()| root.present().map_err(|e| e.to_string()));
        drawn.map_err(error)?;
    }
    write_png_bytes(path, &pixels, width, height, png::ColorType::Rgb)
}

fn draw_panel(
    panel: &ScatterPanel,
    area: &DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>,
    side: usize,
) -> Result<(), String> {
    let finite = |&(x, y): &(f64, f64)| x.is_finite() && y.is_finite();
    let (lo, hi) = panel
        .clouds
        .iter()
        .flat_map(|c| c.points.iter().copied())
        .filter(finite)
        .fold(
            (
                (f64::INFINITY, f64::INFINITY),
                (f64::NEG_INFINITY, f64::NEG_INFINITY),
            ),
            |((x0, y0), (x1, y1)), (x, y)| ((x0.min(x), y0.min(y)), (x1.max(x), y1.max(y))),
        );
    if lo.0 > hi.0 {
        return Err(format!(
            "panel `{}` has no finite point to draw",
            panel.title
        ));
    }
    // Square axes around the points' centre, so distances read the same both ways.
    let half = 0.55 * (hi.0 - lo.0).max(hi.1 - lo.1).max(1e-9);
    let centre = (0.5 * (lo.0 + hi.0), 0.5 * (lo.1 + hi.1));
    let text = (side / 28).clamp(10, 40) as u32;
    let mut chart = ChartBuilder::on(area)
        .margin(text / 2)
        .caption(&panel.title, (FAMILY, text * 5 / 4))
        .x_label_area_size(0)
        .y_label_area_size(0)
        .build_cartesian_2d(
            centre.0 - half..centre.0 + half,
            centre.1 - half..centre.1 + half,
        )
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_mesh()
        .draw()
        .map_err(|e| e.to_string())?;
    let grey = RGBColor(190, 190, 190).stroke_width(1);
    chart
        .draw_series(
            panel
                .segments
                .iter()
                .filter(|(a, b)| finite(a) && finite(b))
                .map(|&(a, b)| PathElement::new(vec![a, b], grey)),
        )
        .map_err(|e| e.to_string())?;
    let dot = (side / 200).max(1) as i32;
    for cloud in &panel.clouds {
        let colour = COLOURS[cloud.colour % COLOURS.len()];
        chart
            .draw_series(
                cloud
                    .points
                    .iter()
                    .copied()
                    .filter(finite)
                    .map(|p| Circle::new(p, dot, colour.mix(0.6).filled())),
            )
            .map_err(|e| e.to_string())?
            .label(&cloud.name)
            .legend(move |(x, y)| Circle::new((x + 5, y), 4, colour.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font((FAMILY, text))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(|e| e.to_string())
}
