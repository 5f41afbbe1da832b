//! The console's charts, drawn on the server as SVG: bars over a sequence
//! (latency per turn, calls per hour), lines over time (latency
//! percentiles) and horizontal bars (ended reasons).
//!
//! Every chart is one `<svg>` with a `viewBox` (it scales with its box),
//! `role="img"` and a label; every mark has a `<title>` with its exact
//! value, which browsers show on hover. Colours come from CSS classes
//! (`assets/console.css`, the Okabe–Ito palette), so the dark theme and
//! print need no second drawing. Pure: values in, markup out.

use std::fmt::Write as _;

/// The drawing area's size in SVG units.
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 220.0;
/// Room for the axes' labels.
const LEFT: f64 = 56.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

/// Escapes text for SVG markup.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A round number at or above `max` for an axis, and its tick step
/// (whole steps for a whole-number axis: counts).
fn axis_max(max: f64, whole: bool) -> (f64, f64) {
    if max <= 0.0 || !max.is_finite() {
        return (1.0, if whole { 1.0 } else { 0.25 });
    }
    let magnitude = 10f64.powf(max.log10().floor());
    for step in [0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 2.5, 5.0, 10.0] {
        let step = step * magnitude;
        if whole && (step.fract() != 0.0 || step < 1.0) {
            continue;
        }
        if step * 5.0 >= max {
            return ((max / step).ceil() * step, step);
        }
    }
    (max, max / 4.0)
}

/// One bar of a [`bars`] chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// What the bar stands for, shown on hover (`turn 3`, a time).
    pub label: String,
    /// Its value; `None` leaves a gap.
    pub value: Option<f64>,
    /// Extra CSS class (`flag` marks an interrupted turn).
    pub class: &'static str,
}

/// A horizontal line across a chart (`p50`, `p95`).
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// Its name, written at the right end.
    pub name: String,
    /// Its value.
    pub value: f64,
    /// CSS class of the line.
    pub class: &'static str,
}

/// A vertical bar chart over a sequence. `value_text` writes a value for
/// the axis and the titles; `x_labels` are (index, markup) pairs written
/// under the axis (markup: a label may be a `<tspan>` the browser
/// localises); `whole` keeps the axis on whole numbers (counts).
pub fn bars(
    aria_label: &str,
    bars: &[Bar],
    rules: &[Rule],
    x_labels: &[(usize, String)],
    value_text: &dyn Fn(f64) -> String,
    whole: bool,
) -> String {
    let max = bars
        .iter()
        .filter_map(|b| b.value)
        .chain(rules.iter().map(|r| r.value))
        .fold(0.0, f64::max);
    let (top, step) = axis_max(max, whole);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let y = |v: f64| TOP + plot_h - v / top * plot_h;
    let n = bars.len().max(1) as f64;
    let slot = plot_w / n;
    let gap = if slot > 4.0 { slot * 0.2 } else { 0.0 };
    let mut svg = open(aria_label);
    grid(&mut svg, top, step, &y, value_text);
    for (i, bar) in bars.iter().enumerate() {
        let Some(value) = bar.value else { continue };
        // A few bars stay bars, not blocks.
        let w = (slot - gap).clamp(0.5, 48.0);
        let x = LEFT + i as f64 * slot + (slot - w) / 2.0;
        let h = (value / top * plot_h).max(if value > 0.0 { 1.0 } else { 0.0 });
        let _ = write!(
            svg,
            r#"<rect class="bar {class}" x="{x:.2}" y="{y:.2}" width="{w:.2}" height="{h:.2}"><title>{label}: {value}</title></rect>"#,
            class = bar.class,
            y = TOP + plot_h - h,
            label = esc(&bar.label),
            value = esc(&value_text(value)),
        );
    }
    for rule in rules {
        let ry = y(rule.value);
        let _ = write!(
            svg,
            r#"<line class="rule {class}" x1="{LEFT}" x2="{x2}" y1="{ry:.2}" y2="{ry:.2}"><title>{name}: {value}</title></line><text class="rule-label {class}" x="{x2}" y="{ty:.2}" text-anchor="end">{name} {value}</text>"#,
            class = rule.class,
            x2 = WIDTH - RIGHT,
            ty = ry - 4.0,
            name = esc(&rule.name),
            value = esc(&value_text(rule.value)),
        );
    }
    for (i, label) in x_labels {
        let x = LEFT + (*i as f64 + 0.5) * slot;
        let _ = write!(
            svg,
            r#"<text class="axis" x="{x:.2}" y="{ly}" text-anchor="middle">{label}</text>"#,
            ly = HEIGHT - 8.0,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// One line of a [`lines`] chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Its name, in the legend and the titles.
    pub name: String,
    /// CSS class of the line and its points.
    pub class: &'static str,
    /// One value per x position; `None` breaks the line.
    pub values: Vec<Option<f64>>,
}

/// A line chart over evenly spaced positions (time buckets), with a legend.
pub fn lines(
    aria_label: &str,
    series: &[Series],
    point_labels: &[String],
    x_labels: &[(usize, String)],
    value_text: &dyn Fn(f64) -> String,
) -> String {
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied())
        .fold(0.0, f64::max);
    let (top, step) = axis_max(max, false);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let y = |v: f64| TOP + plot_h - v / top * plot_h;
    let n = series.iter().map(|s| s.values.len()).max().unwrap_or(0);
    let x = |i: usize| {
        if n <= 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + i as f64 * plot_w / (n - 1) as f64
        }
    };
    let mut svg = open(aria_label);
    grid(&mut svg, top, step, &y, value_text);
    for s in series {
        let mut path = String::new();
        let mut pen_down = false;
        for (i, v) in s.values.iter().enumerate() {
            match v {
                Some(v) => {
                    let _ = write!(
                        path,
                        "{}{:.2},{:.2}",
                        if pen_down { " L" } else { " M" },
                        x(i),
                        y(*v)
                    );
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        if !path.is_empty() {
            let _ = write!(
                svg,
                r#"<path class="line {}" d="{}"/>"#,
                s.class,
                path.trim_start()
            );
        }
        for (i, v) in s.values.iter().enumerate() {
            if let Some(v) = v {
                let _ = write!(
                    svg,
                    r#"<circle class="point {class}" cx="{cx:.2}" cy="{cy:.2}" r="3"><title>{name} {at}: {value}</title></circle>"#,
                    class = s.class,
                    cx = x(i),
                    cy = y(*v),
                    name = esc(&s.name),
                    at = esc(point_labels.get(i).map_or("", String::as_str)),
                    value = esc(&value_text(*v)),
                );
            }
        }
    }
    let mut lx = LEFT + 8.0;
    for s in series {
        let _ = write!(
            svg,
            r#"<line class="line {class}" x1="{lx}" x2="{lx2}" y1="{ly}" y2="{ly}"/><text class="legend" x="{tx}" y="{ty}">{name}</text>"#,
            class = s.class,
            lx2 = lx + 18.0,
            ly = TOP + 6.0,
            tx = lx + 22.0,
            ty = TOP + 10.0,
            name = esc(&s.name),
        );
        lx += 36.0 + 7.0 * s.name.chars().count() as f64;
    }
    for (i, label) in x_labels {
        let _ = write!(
            svg,
            r#"<text class="axis" x="{x:.2}" y="{ly}" text-anchor="middle">{label}</text>"#,
            x = x(*i),
            ly = HEIGHT - 8.0,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Horizontal bars, one per labelled count (ended reasons), largest first
/// as given; the count is written at the end of each bar, a long label is
/// cut (whole in the bar's title).
pub fn hbars(aria_label: &str, items: &[(String, u64)]) -> String {
    let row = 22.0;
    let label_w = 300.0;
    let height = (items.len().max(1) as f64) * row + 8.0;
    let max = items.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as f64;
    let bar_w = WIDTH - label_w - 60.0;
    let mut svg = format!(
        r#"<svg class="chart hbars" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{}">"#,
        esc(aria_label)
    );
    for (i, (label, n)) in items.iter().enumerate() {
        let shown: String = if label.chars().count() > 40 {
            label.chars().take(39).chain(['…']).collect()
        } else {
            label.clone()
        };
        let y = 4.0 + i as f64 * row;
        let w = (*n as f64 / max * bar_w).max(1.0);
        let _ = write!(
            svg,
            r#"<text class="axis" x="{tx}" y="{ty:.1}" text-anchor="end">{shown}<title>{label}</title></text><rect class="bar" x="{label_w}" y="{y:.1}" width="{w:.2}" height="{h}"><title>{label}: {n}</title></rect><text class="value" x="{vx:.2}" y="{ty:.1}">{n}</text>"#,
            tx = label_w - 8.0,
            ty = y + 14.0,
            h = row - 6.0,
            vx = label_w + w + 6.0,
            shown = esc(&shown),
            label = esc(label),
        );
    }
    svg.push_str("</svg>");
    svg
}

fn open(aria_label: &str) -> String {
    format!(
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{}">"#,
        esc(aria_label)
    )
}

/// The horizontal grid lines and the value axis.
fn grid(
    svg: &mut String,
    top: f64,
    step: f64,
    y: &dyn Fn(f64) -> f64,
    value_text: &dyn Fn(f64) -> String,
) {
    let mut v = 0.0;
    while v <= top + step / 2.0 {
        let gy = y(v);
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{LEFT}" x2="{x2}" y1="{gy:.2}" y2="{gy:.2}"/><text class="axis" x="{tx}" y="{ty:.2}" text-anchor="end">{label}</text>"#,
            x2 = WIDTH - RIGHT,
            tx = LEFT - 6.0,
            ty = gy + 4.0,
            label = esc(&value_text(v)),
        );
        v += step;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(v: f64) -> String {
        format!("{v} ms")
    }

    #[test]
    fn a_bar_chart_draws_one_titled_bar_per_value_and_its_rules() {
        let bars_in = [
            Bar {
                label: "turn 1".into(),
                value: Some(500.0),
                class: "",
            },
            Bar {
                label: "turn 2".into(),
                value: None,
                class: "",
            },
            Bar {
                label: "turn 3".into(),
                value: Some(1_800.0),
                class: "flag",
            },
        ];
        let rules = [Rule {
            name: "p95".into(),
            value: 1_800.0,
            class: "p95",
        }];
        let svg = bars("latency per turn", &bars_in, &rules, &[], &ms, false);
        assert_eq!(svg.matches("<rect class=\"bar").count(), 2);
        assert!(svg.contains("<title>turn 3: 1800 ms</title>"));
        assert!(svg.contains("class=\"bar flag\""));
        assert!(svg.contains(">p95 1800 ms</text>"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    #[test]
    fn labels_are_escaped_and_axes_round_up() {
        let svg = hbars("reasons", &[("<b>&".into(), 3)]);
        assert!(svg.contains("&lt;b&gt;&amp;"));
        assert!(!svg.contains("<b>"));
        assert_eq!(axis_max(1_800.0, false), (2_000.0, 500.0));
        assert_eq!(axis_max(0.0, false), (1.0, 0.25));
        assert_eq!(axis_max(12.0, true), (15.0, 5.0));
        assert_eq!(axis_max(3.0, true), (3.0, 1.0));
    }

    #[test]
    fn a_line_breaks_where_a_value_is_missing() {
        let series = [Series {
            name: "p50".into(),
            class: "p50",
            values: vec![Some(1.0), None, Some(2.0), Some(3.0)],
        }];
        let svg = lines("latency", &series, &[], &[], &ms);
        let d = svg
            .split("d=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("a path");
        assert_eq!(d.matches('M').count(), 2, "{d}");
        assert_eq!(svg.matches("<circle").count(), 3);
    }
}
