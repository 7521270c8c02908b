//! PNG chart of median throughput per case and client (horizontal bars, log scale).
//!
//! Plotters' bitmap backend needs a TrueType font for labels; it is read at run time from
//! `$CASSIA_BENCH_FONT` or the usual DejaVu location, and without one the chart is skipped
//! with that reason (the Markdown report does not depend on it).

use std::path::Path;

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use crate::report::client_row;
use crate::runner::CaseResult;

const FONT_CANDIDATES: [&str; 3] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
];

fn load_font() -> Result<(), String> {
    let path = std::env::var("CASSIA_BENCH_FONT")
        .ok()
        .or_else(|| {
            FONT_CANDIDATES
                .iter()
                .find(|p| Path::new(p).exists())
                .map(|p| p.to_string())
        })
        .ok_or("no TrueType font found (set CASSIA_BENCH_FONT)")?;
    let bytes = std::fs::read(&path).map_err(|e| format!("{path}: {e}"))?;
    // Plotters keeps fonts for the life of the process; the chart is drawn once per run.
    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    register_font("sans-serif", FontStyle::Normal, bytes)
        .map_err(|_| format!("{path}: not a usable font"))
}

fn colour(client: &str) -> RGBColor {
    match client {
        "cassia" => RGBColor(200, 40, 40),
        "scylla" => RGBColor(40, 90, 200),
        "python" => RGBColor(40, 150, 60),
        _ => RGBColor(110, 110, 110),
    }
}

/// Draws the chart to `path`; `Err` carries why it could not be drawn.
pub(crate) fn draw(
    path: &Path,
    clients: &[&'static str],
    results: &[CaseResult],
) -> Result<(), String> {
    load_font()?;
    let mut bars: Vec<(String, &'static str, f64)> = Vec::new();
    for r in results {
        for &c in clients {
            if let Some(ops) = client_row(r, c).ops.filter(|o| *o > 0.0) {
                bars.push((format!("{} {c}", r.case), c, ops));
            }
        }
    }
    if bars.is_empty() {
        return Err("no trial produced a throughput".into());
    }
    let max = bars.iter().map(|b| b.2).fold(1.0, f64::max) * 2.0;
    let n = bars.len() as u32;
    let height = 120 + 22 * n;
    let root = BitMapBackend::new(path, (1100, height)).into_drawing_area();
    let e = |e: DrawingAreaErrorKind<_>| format!("drawing chart: {e}");
    root.fill(&WHITE).map_err(e)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "cassia-bench: median throughput (ops/s, log scale)",
            ("sans-serif", 22),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(330)
        .build_cartesian_2d((1.0..max).log_scale(), (0u32..n).into_segmented())
        .map_err(e)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(n as usize)
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => {
                bars.get(*i as usize).map_or(String::new(), |b| b.0.clone())
            }
            _ => String::new(),
        })
        .x_desc("operations per second")
        .label_style(("sans-serif", 13))
        .draw()
        .map_err(e)?;
    chart
        .draw_series(bars.iter().enumerate().map(|(i, (_, c, ops))| {
            let i = n - 1 - i as u32;
            Rectangle::new(
                [
                    (1.0, SegmentValue::Exact(i)),
                    (*ops, SegmentValue::Exact(i + 1)),
                ],
                colour(c).filled(),
            )
        }))
        .map_err(e)?;
    root.present().map_err(e)?;
    Ok(())
}
