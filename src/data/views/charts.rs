//! The chart views: roadmap timeline by quarter, sprint velocity, burn-up,
//! metric trends against target. Each is a [`Figure`]: inline SVG with a
//! `<title>`, a `<desc>` that says what the chart shows in words, a legend
//! and the numbers as a table.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};

use super::svg::{Figure, Scale, c, label, line, table, y_axis};
use super::{ViewContext, escape, fmt_num, time_tag};
use crate::data::{DataFile, DataSet, Direction, Initiative, InitiativeStatus, Metric, Sprint, base_url, slug};

fn empty(class: &str, what: &str) -> String {
    format!("<div class=\"rb-view {class}\"><p class=\"rb-empty\">{what}</p></div>\n")
}

fn quarter(date: NaiveDate) -> i32 {
    date.year() * 4 + (date.month0() / 3) as i32
}

fn quarter_start(q: i32) -> NaiveDate {
    let month = (q.rem_euclid(4) * 3 + 1) as u32;
    NaiveDate::from_ymd_opt(q.div_euclid(4), month, 1).unwrap_or_default()
}

fn quarter_name(q: i32) -> String {
    format!("Q{} {}", q.rem_euclid(4) + 1, q.div_euclid(4))
}

fn status_color(status: InitiativeStatus) -> &'static str {
    match status {
        InitiativeStatus::Planned => "#94a3b8",
        InitiativeStatus::OnTrack => "#16a34a",
        InitiativeStatus::AtRisk => "#d97706",
        InitiativeStatus::Done => "#2563eb",
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

/// Initiatives as bars across the quarters they span.
pub(crate) fn timeline(
    _data: &DataSet,
    ctx: &ViewContext,
    file: &DataFile,
    initiatives: &[&Initiative],
    id: &str,
) -> String {
    let mut rows: Vec<&Initiative> = initiatives.to_vec();
    rows.sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
    let (Some(first), Some(last)) = (
        rows.iter().map(|i| quarter(i.start)).min(),
        rows.iter().map(|i| quarter(i.end.max(i.start))).max(),
    ) else {
        return empty("rb-timeline", "No initiatives to show.");
    };
    let (left, qw, top, row_h) = (230.0, 110.0, 34.0, 30.0);
    let quarters = last - first + 1;
    let plot_w = f64::from(quarters) * qw;
    let width = left + plot_w + 10.0;
    let height = top + rows.len() as f64 * row_h + 8.0;
    let range_start = quarter_start(first);
    let days = (quarter_start(last + 1) - range_start).num_days().max(1) as f64;
    let x = |d: NaiveDate| left + (d - range_start).num_days() as f64 / days * plot_w;
    let mut body = String::new();
    for (i, q) in (first..=last).enumerate() {
        let qx = left + i as f64 * qw;
        let _ = writeln!(
            body,
            "<rect class=\"rb-band rb-band-{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#8881\"/>",
            i % 2,
            c(qx),
            c(top - 6.0),
            c(qw),
            c(height - top)
        );
        body.push_str(&label(qx + qw / 2.0, 20.0, "middle", "rb-axis", &quarter_name(q)));
    }
    for (row, i) in rows.iter().enumerate() {
        let y = top + row as f64 * row_h;
        let text = format!("{} {}", i.id, truncate(&i.title, 28));
        body.push_str(&label(8.0, y + row_h / 2.0 + 4.0, "start", "rb-label", &text));
        let x0 = x(i.start);
        let x1 = x(i.end.succ_opt().unwrap_or(i.end)).max(x0 + 3.0);
        let _ = writeln!(
            body,
            "<rect class=\"rb-bar rb-status-{word}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"{color}\">\
             <title>{}</title></rect>",
            c(x0),
            c(y + 6.0),
            c(x1 - x0),
            c(row_h - 12.0),
            escape(&format!("{}: {}, {} to {}", i.id, i.title, i.start, i.end)),
            word = i.status.as_str(),
            color = status_color(i.status),
        );
    }
    let mut counts = Vec::new();
    let mut legend = Vec::new();
    for status in InitiativeStatus::all() {
        let n = rows.iter().filter(|i| i.status == *status).count();
        if n > 0 {
            counts.push(format!("{n} {}", status.label().to_lowercase()));
            legend.push((legend_class(*status), status.label()));
        }
    }
    let desc = format!(
        "{} initiatives from {} to {}: {}.",
        rows.len(),
        quarter_name(first),
        quarter_name(last),
        counts.join(", ")
    );
    let base = base_url(file, "roadmap");
    let table_rows: Vec<Vec<String>> = rows
        .iter()
        .map(|i| {
            let href = ctx.href(&format!("{base}{}/", slug(&i.id)));
            vec![
                format!("<a href=\"{}\">{}</a> {}", escape(&href), escape(&i.id), escape(&i.title)),
                i.horizon.label().to_owned(),
                i.status.label().to_owned(),
                time_tag(i.start),
                time_tag(i.end),
            ]
        })
        .collect();
    Figure {
        id,
        class: "rb-timeline",
        title: "Roadmap timeline by quarter".to_owned(),
        desc,
        width,
        height,
        body,
        legend,
        table: table(
            "Roadmap initiatives",
            &["Initiative", "Horizon", "Status", "Start", "End"],
            &table_rows,
        ),
    }
    .render()
}

fn legend_class(status: InitiativeStatus) -> &'static str {
    match status {
        InitiativeStatus::Planned => "rb-status-planned",
        InitiativeStatus::OnTrack => "rb-status-on-track",
        InitiativeStatus::AtRisk => "rb-status-at-risk",
        InitiativeStatus::Done => "rb-status-done",
    }
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
        let step = (560.0 / count.max(1) as f64).clamp(36.0, 80.0);
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
            out.push_str(&label(self.center(i), self.height - 12.0, "middle", "rb-axis", &text));
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

/// Committed and completed points per sprint, with a rolling average.
pub(crate) fn velocity(sprints: &[&Sprint], window: usize, id: &str) -> String {
    let (Some(first), Some(last)) = (sprints.first(), sprints.last()) else {
        return empty("rb-velocity", "No sprints to show.");
    };
    let max = sprints.iter().map(|s| s.committed.max(s.completed)).max().unwrap_or(0);
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
            vec![
                format!("Sprint {}", s.number),
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
            &["Sprint", "Dates", "Goal", "Committed", "Completed", &avg_head],
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
        .filter_map(|(i, s)| s.scope.map(|v| (cols.center(i), cols.scale.y(f64::from(v)))))
        .collect();
    body.push_str(&line(&scope, "rb-series-scope", "#64748b", true));
    let done: Vec<(f64, f64)> = cumulative
        .iter()
        .enumerate()
        .map(|(i, v)| (cols.center(i), cols.scale.y(*v as f64)))
        .collect();
    body.push_str(&line(&done, "rb-series-completed", "#2563eb", false));
    let mut desc = format!("After sprint {}, {total} points completed in total", last.number);
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
            &["Sprint", "Ended", "Completed", "Completed in total", "Scope"],
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
        let anchor = if anchors { format!(" id=\"{}\"", escape(&slug(&m.id))) } else { String::new() };
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
        return format!("<p class=\"rb-empty\">{}: no values yet.</p>\n", escape(&title));
    };
    let values = m.points.iter().flat_map(|p| std::iter::once(p.value).chain(p.target));
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
        body.push_str(&label(x(i), height - 12.0, "middle", "rb-axis", &p.period.to_string()));
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
        table: table(&caption, &["Period", "Value", "Target", "Against target"], &rows),
    }
    .render()
}
