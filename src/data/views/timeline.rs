//! The roadmap as a timeline: one bar per initiative across the quarters
//! it spans, coloured by status, with the initiatives as a table beside it.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};

use super::charts::empty;
use super::svg::{Figure, c, label, table};
use super::{ViewContext, escape, time_tag};
use crate::data::{DataFile, Initiative, InitiativeStatus, base_url, slug};

fn quarter(date: NaiveDate) -> i32 {
    date.year() * 4 + (date.month0() / 3) as i32
}

fn quarter_start(q: i32) -> NaiveDate {
    let month = (q.rem_euclid(4) * 3 + 1) as u32;
    NaiveDate::from_ymd_opt(q.div_euclid(4), month, 1).unwrap_or_default()
}

/// `Q3 ’26`.
fn short_quarter_name(q: i32) -> String {
    format!(
        "Q{} \u{2019}{:02}",
        q.rem_euclid(4) + 1,
        q.div_euclid(4).rem_euclid(100)
    )
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
    let (left, top, row_h) = (230.0, 34.0, 30.0);
    let quarters = last - first + 1;
    // Long roadmaps get narrower quarters (and short labels) rather than a
    // chart too wide to read once scaled down to the page.
    let qw = (880.0 / f64::from(quarters)).clamp(48.0, 110.0);
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
        body.push_str(&label(
            qx + qw / 2.0,
            20.0,
            "middle",
            "rb-axis",
            &if qw < 80.0 {
                short_quarter_name(q)
            } else {
                quarter_name(q)
            },
        ));
    }
    for (row, i) in rows.iter().enumerate() {
        let y = top + row as f64 * row_h;
        let text = format!("{} {}", i.id, truncate(&i.title, 28));
        body.push_str(&label(
            8.0,
            y + row_h / 2.0 + 4.0,
            "start",
            "rb-label",
            &text,
        ));
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
                format!(
                    "<a href=\"{}\">{}</a> {}",
                    escape(&href),
                    escape(&i.id),
                    escape(&i.title)
                ),
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
