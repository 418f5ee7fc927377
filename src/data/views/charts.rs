//! The chart views: sprint velocity, burn-up, metric trends against
//! target (the roadmap timeline is `timeline.rs`). Each is a [`Figure`]:
//! inline SVG with a `<title>`, a `<desc>` that says what the chart shows
//! in words, a legend and the numbers as a table.

use std::fmt::Write as _;

use super::svg::{Figure, Scale, c, label, line, table, y_axis};
use super::{escape, fmt_num, time_tag};
use crate::data::{Direction, Metric, Sprint, slug};

pub(crate) fn empty(class: &str, what: &str) -> String {
    format!("<div class=\"rb-view {class}\"><p class=\"rb-empty\">{what}</p></div>\n")
}

/// Geometry shared by the per-sprint charts.
struct Columns {
    left: f64,
    step: f64,
    width: f64,
    height: f64,
    scale: Scale,
    ticks: Vec<f64>,
}

impl Columns {
    fn new(count: usize, max: f64) -> Columns {
        let (left, top, bottom, height) = (44.0, 12.0, 32.0, 240.0);
        let step = (560.0 / count.max(1) as f64).clamp(36.0, 120.0);
        let width = left + step * count as f64 + 12.0;
        let (scale, ticks) = Scale::nice(0.0, max.max(1.0), top, height - bottom);
        Columns {
            left,
            step,
            width,
            height,
            scale,
            ticks,
        }
    }

    fn center(&self, i: usize) -> f64 {
        self.left + self.step * (i as f64 + 0.5)
    }

    fn frame(&self, labels: impl Iterator<Item = String>) -> String {
        let mut out = y_axis(&self.scale, &self.ticks, self.left, self.width - 12.0);
        for (i, text) in labels.enumerate() {
            out.push_str(&label(
                self.center(i),
                self.height - 12.0,
                "middle",
                "rb-axis",
                &text,
            ));
        }
        out
    }
}

fn rolling(sprints: &[&Sprint], window: usize) -> Vec<f64> {
    (0..sprints.len())
        .map(|i| {
            let from = (i + 1).saturating_sub(window);
            let slice = &sprints[from..=i];
            slice.iter().map(|s| f64::from(s.completed)).sum::<f64>() / slice.len() as f64
        })
        .collect()
}

fn sprint_dates(s: &Sprint) -> String {
    format!("{} – {}", time_tag(s.start), time_tag(s.end))
}

/// Committed and completed points per sprint, with a rolling average;
/// `anchors` gives each sprint's table row its `sprint-N` id.
pub(crate) fn velocity(sprints: &[&Sprint], window: usize, id: &str, anchors: bool) -> String {
    let (Some(first), Some(last)) = (sprints.first(), sprints.last()) else {
        return empty("rb-velocity", "No sprints to show.");
    };
    let max = sprints
        .iter()
        .map(|s| s.committed.max(s.completed))
        .max()
        .unwrap_or(0);
    let cols = Columns::new(sprints.len(), f64::from(max));
    let mut body = cols.frame(sprints.iter().map(|s| format!("S{}", s.number)));
    let bar_w = cols.step * 0.34;
    let base = cols.scale.y(0.0);
    for (i, s) in sprints.iter().enumerate() {
        let x = cols.center(i) - bar_w;
        for (offset, value, class, color) in [
            (0.0, s.committed, "rb-series-committed", "#93c5fd"),
            (bar_w, s.completed, "rb-series-completed", "#2563eb"),
        ] {
            let y = cols.scale.y(f64::from(value));
            let _ = writeln!(
                body,
                "<rect class=\"rb-bar {class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{color}\"/>",
                c(x + offset),
                c(y),
                c(bar_w),
                c(base - y)
            );
        }
    }
    let averages = rolling(sprints, window);
    let points: Vec<(f64, f64)> = averages
        .iter()
        .enumerate()
        .map(|(i, a)| (cols.center(i), cols.scale.y(*a)))
        .collect();
    body.push_str(&line(&points, "rb-series-average", "#d97706", false));
    let latest = averages.last().copied().unwrap_or(0.0);
    let desc = format!(
        "Points committed and completed in sprints {} to {}. The latest sprint completed {} of {} committed points; \
         the rolling average of completed points over {window} sprints is {}.",
        first.number,
        last.number,
        last.completed,
        last.committed,
        fmt_num(latest)
    );
    let avg_head = format!("Rolling average ({window})");
    let rows: Vec<Vec<String>> = sprints
        .iter()
        .zip(&averages)
        .map(|(s, a)| {
            let name = if anchors {
                format!("<span id=\"sprint-{n}\">Sprint {n}</span>", n = s.number)
            } else {
                format!("Sprint {}", s.number)
            };
            vec![
                name,
                sprint_dates(s),
                escape(&s.goal),
                s.committed.to_string(),
                s.completed.to_string(),
                fmt_num(*a),
            ]
        })
        .collect();
    Figure {
        id,
        class: "rb-velocity",
        title: "Sprint velocity".to_owned(),
        desc,
        width: cols.width,
        height: cols.height,
        body,
        legend: vec![
            ("rb-series-committed", "Committed"),
            ("rb-series-completed", "Completed"),
            ("rb-series-average", "Rolling average"),
        ],
        table: table(
            "Velocity by sprint",
            &[
                "Sprint",
                "Dates",
                "Goal",
                "Committed",
                "Completed",
                &avg_head,
            ],
            &rows,
        ),
    }
    .render()
}

/// Completed points summed over the sprints, against the scope.
pub(crate) fn burnup(sprints: &[&Sprint], id: &str) -> String {
    let Some(last) = sprints.last() else {
        return empty("rb-burnup", "No sprints to show.");
    };
    let mut total = 0u64;
    let cumulative: Vec<u64> = sprints
        .iter()
        .map(|s| {
            total += u64::from(s.completed);
            total
        })
        .collect();
    let max_scope = sprints.iter().filter_map(|s| s.scope).max().unwrap_or(0);
    let max = (total.max(u64::from(max_scope))) as f64;
    let cols = Columns::new(sprints.len(), max);
    let mut body = cols.frame(sprints.iter().map(|s| format!("S{}", s.number)));
    let scope: Vec<(f64, f64)> = sprints
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            s.scope
                .map(|v| (cols.center(i), cols.scale.y(f64::from(v))))
        })
        .collect();
    body.push_str(&line(&scope, "rb-series-scope", "#64748b", true));
    let done: Vec<(f64, f64)> = cumulative
        .iter()
        .enumerate()
        .map(|(i, v)| (cols.center(i), cols.scale.y(*v as f64)))
        .collect();
    body.push_str(&line(&done, "rb-series-completed", "#2563eb", false));
    let mut desc = format!(
        "After sprint {}, {total} points completed in total",
        last.number
    );
    match sprints.iter().rev().find_map(|s| s.scope) {
        Some(scope) if scope > 0 => {
            let pct = total * 100 / u64::from(scope);
            let _ = write!(desc, " of a scope of {scope} points ({pct}%).");
        }
        _ => desc.push_str(" (no scope recorded)."),
    }
    let rows: Vec<Vec<String>> = sprints
        .iter()
        .zip(&cumulative)
        .map(|(s, cum)| {
            vec![
                format!("Sprint {}", s.number),
                time_tag(s.end),
                s.completed.to_string(),
                cum.to_string(),
                s.scope.map_or(String::new(), |v| v.to_string()),
            ]
        })
        .collect();
    let mut legend = vec![("rb-series-completed", "Completed (total)")];
    if !scope.is_empty() {
        legend.push(("rb-series-scope", "Scope"));
    }
    Figure {
        id,
        class: "rb-burnup",
        title: "Burn-up".to_owned(),
        desc,
        width: cols.width,
        height: cols.height,
        body,
        legend,
        table: table(
            "Burn-up by sprint",
            &[
                "Sprint",
                "Ended",
                "Completed",
                "Completed in total",
                "Scope",
            ],
            &rows,
        ),
    }
    .render()
}

/// Whether `value` meets `target` for a metric going in `direction`.
fn meets(direction: Direction, value: f64, target: f64) -> bool {
    match direction {
        Direction::Up => value >= target,
        Direction::Down => value <= target,
    }
}

/// One trend chart per metric; `anchors` gives each an id (its own slug).
pub(crate) fn metrics(metrics: &[&Metric], id: &str, anchors: bool) -> String {
    if metrics.is_empty() {
        return empty("rb-metrics", "No metrics to show.");
    }
    let mut out = String::from("<div class=\"rb-view rb-metrics\">\n");
    for m in metrics {
        let anchor = if anchors {
            format!(" id=\"metric-{}\"", escape(&slug(&m.id)))
        } else {
            String::new()
        };
        let _ = writeln!(out, "<section class=\"rb-metric\"{anchor}>");
        if let Some(d) = &m.description {
            let _ = writeln!(out, "<p class=\"rb-description\">{}</p>", escape(d));
        }
        out.push_str(&metric_chart(m, &format!("{id}-{}", slug(&m.id))));
        out.push_str("</section>\n");
    }
    out.push_str("</div>\n");
    out
}

fn metric_chart(m: &Metric, id: &str) -> String {
    let title = format!("{} ({})", m.title, m.unit);
    let (Some(first), Some(last)) = (m.points.first(), m.points.last()) else {
        return format!(
            "<p class=\"rb-empty\">{}: no values yet.</p>\n",
            escape(&title)
        );
    };
    let values = m
        .points
        .iter()
        .flat_map(|p| std::iter::once(p.value).chain(p.target));
    let lo = values.clone().fold(f64::INFINITY, f64::min);
    let hi = values.fold(f64::NEG_INFINITY, f64::max);
    let pad = (hi - lo) * 0.1;
    let (left, top, bottom, height) = (52.0, 12.0, 32.0, 220.0);
    let step = (560.0 / m.points.len() as f64).clamp(48.0, 100.0);
    let width = left + step * m.points.len() as f64 + 12.0;
    let (scale, ticks) = Scale::nice(lo - pad, hi + pad, top, height - bottom);
    let x = |i: usize| left + step * (i as f64 + 0.5);
    let mut body = y_axis(&scale, &ticks, left, width - 12.0);
    for (i, p) in m.points.iter().enumerate() {
        body.push_str(&label(
            x(i),
            height - 12.0,
            "middle",
            "rb-axis",
            &p.period.to_string(),
        ));
    }
    let targets: Vec<(f64, f64)> = m
        .points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.target.map(|t| (x(i), scale.y(t))))
        .collect();
    body.push_str(&line(&targets, "rb-series-target", "#64748b", true));
    let values: Vec<(f64, f64)> = m
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| (x(i), scale.y(p.value)))
        .collect();
    body.push_str(&line(&values, "rb-series-value", "#2563eb", false));
    let mut desc = format!(
        "{} in {}, from {} to {} ({}). Latest value {}",
        m.title,
        m.unit,
        first.period,
        last.period,
        m.direction.label().to_lowercase(),
        fmt_num(last.value)
    );
    match last.target {
        Some(t) if meets(m.direction, last.value, t) => {
            let _ = write!(desc, ", which meets its target of {}.", fmt_num(t));
        }
        Some(t) => {
            let _ = write!(desc, ", which misses its target of {}.", fmt_num(t));
        }
        None => desc.push_str(", with no target set."),
    }
    let rows: Vec<Vec<String>> = m
        .points
        .iter()
        .map(|p| {
            let verdict = match p.target {
                Some(t) if meets(m.direction, p.value, t) => "Met",
                Some(_) => "Missed",
                None => "",
            };
            vec![
                p.period.to_string(),
                fmt_num(p.value),
                p.target.map_or(String::new(), fmt_num),
                verdict.to_owned(),
            ]
        })
        .collect();
    let mut legend = vec![("rb-series-value", "Value")];
    if !targets.is_empty() {
        legend.push(("rb-series-target", "Target"));
    }
    let caption = format!("{} by period", m.title);
    Figure {
        id,
        class: "rb-metric-chart",
        title,
        desc,
        width,
        height,
        body,
        legend,
        table: table(
            &caption,
            &["Period", "Value", "Target", "Against target"],
            &rows,
        ),
    }
    .render()
}
