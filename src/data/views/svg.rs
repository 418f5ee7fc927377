//! Small building blocks for the inline SVG charts: a figure with its
//! title, description, legend and data table; a linear scale with round
//! ticks; text. Output is well-formed XML (every value escaped) and sized
//! by its viewBox, so CSS can scale it down to a phone.

use std::fmt::Write as _;

use super::{escape, fmt_num};

/// One chart: the SVG and its text alternatives.
pub(crate) struct Figure<'a> {
    /// Unique on the page; ids of `<title>` and `<desc>` derive from it.
    pub id: &'a str,
    /// Extra class on the figure, e.g. `rb-velocity`.
    pub class: &'a str,
    pub title: String,
    pub desc: String,
    pub width: f64,
    pub height: f64,
    pub body: String,
    /// (series class, label): the legend, as HTML under the chart.
    pub legend: Vec<(&'a str, &'a str)>,
    /// The data as an HTML table (already escaped).
    pub table: String,
}

impl Figure<'_> {
    pub fn render(&self) -> String {
        let id = escape(self.id);
        let title = escape(&self.title);
        let mut out = String::new();
        let _ = write!(
            out,
            "<figure class=\"rb-view rb-chart {class}\">\n\
             <figcaption><span class=\"rb-chart-title\">{title}</span>{legend}</figcaption>\n\
             <div class=\"rb-scroll\" tabindex=\"0\" role=\"group\" aria-label=\"{title}\"><svg xmlns=\"http://www.w3.org/2000/svg\" class=\"rb-svg\" viewBox=\"0 0 {w} {h}\" \
             width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" \
             font-size=\"12\" fill=\"currentColor\">\n\
             <title id=\"{id}-title\">{title}</title>\n<desc id=\"{id}-desc\">{desc}</desc>\n{body}</svg></div>\n",
            legend = self.legend_html(),
            class = escape(self.class),
            w = fmt_num(self.width),
            h = fmt_num(self.height),
            desc = escape(&self.desc),
            body = self.body,
        );
        let _ = write!(
            out,
            "<details class=\"rb-data\"><summary>Data table</summary>\n{}</details>\n</figure>\n",
            self.table
        );
        out
    }

    fn legend_html(&self) -> String {
        let mut out = String::new();
        if !self.legend.is_empty() {
            out.push_str("<ul class=\"rb-legend\">");
            for (class, label) in &self.legend {
                let _ = write!(
                    out,
                    "<li><span class=\"rb-swatch {}\" aria-hidden=\"true\"></span>{}</li>",
                    escape(class),
                    escape(label)
                );
            }
            out.push_str("</ul>");
        }
        out
    }
}

/// The most ticks a scale has; a round step gives four to ten.
pub(crate) const MAX_TICKS: usize = 16;

/// Maps values in `lo..=hi` to pixels from `bottom` (lo) up to `top` (hi).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scale {
    pub lo: f64,
    pub hi: f64,
    pub top: f64,
    pub bottom: f64,
}

impl Scale {
    /// A scale over round numbers covering `lo..=hi`, and its ticks.
    /// Total: any input, NaN and infinities included, gives a usable scale
    /// with at most [`MAX_TICKS`] ticks.
    pub fn nice(lo: f64, hi: f64, top: f64, bottom: f64) -> (Scale, Vec<f64>) {
        // Far past any real value, but leaves room to pad without overflow.
        const LIMIT: f64 = 1e300;
        let clean = |v: f64, or: f64| {
            if v.is_nan() {
                or
            } else {
                v.clamp(-LIMIT, LIMIT)
            }
        };
        let (lo, hi) = (clean(lo, 0.0), clean(hi, 1.0));
        let (lo, hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
        let (lo, hi) = if hi - lo < 1e-9 {
            let pad = (lo.abs() * 0.1).max(1.0);
            (lo - pad, hi + pad)
        } else {
            (lo, hi)
        };
        let step = nice_step((hi - lo) / 4.0);
        let lo = (lo / step).floor() * step;
        let hi = (hi / step).ceil() * step;
        let count = ((hi - lo) / step).round();
        let count = if count.is_finite() {
            count.clamp(1.0, (MAX_TICKS - 1) as f64) as usize
        } else {
            1
        };
        let ticks = (0..=count).map(|i| lo + step * i as f64).collect();
        (
            Scale {
                lo,
                hi,
                top,
                bottom,
            },
            ticks,
        )
    }

    pub fn y(&self, value: f64) -> f64 {
        let span = (self.hi - self.lo).max(1e-9);
        self.bottom - (value - self.lo) / span * (self.bottom - self.top)
    }
}

/// 1, 2, 2.5 or 5 times a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    let raw = if raw.is_finite() { raw.max(1e-9) } else { 1.0 };
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= raw - 1e-12)
        .unwrap_or(10.0 * power)
}

/// A coordinate with one decimal.
pub(crate) fn c(value: f64) -> String {
    let v = (value * 10.0).round() / 10.0;
    fmt_num(v)
}

/// Horizontal grid lines with their labels on the left.
pub(crate) fn y_axis(scale: &Scale, ticks: &[f64], left: f64, right: f64) -> String {
    let mut out = String::from("<g class=\"rb-axis\">\n");
    for tick in ticks {
        let y = c(scale.y(*tick));
        let _ = writeln!(
            out,
            "<line class=\"rb-grid\" x1=\"{l}\" y1=\"{y}\" x2=\"{r}\" y2=\"{y}\" stroke=\"#8884\"/>\
             <text x=\"{tx}\" y=\"{y}\" dy=\"4\" text-anchor=\"end\">{label}</text>",
            l = c(left),
            r = c(right),
            tx = c(left - 6.0),
            label = escape(&fmt_num(*tick)),
        );
    }
    out.push_str("</g>\n");
    out
}

/// A text label at (x, y).
pub(crate) fn label(x: f64, y: f64, anchor: &str, class: &str, text: &str) -> String {
    format!(
        "<text class=\"{class}\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>\n",
        c(x),
        c(y),
        escape(text)
    )
}

/// A polyline through points, with a dot on each, in series `class`.
pub(crate) fn line(points: &[(f64, f64)], class: &str, color: &str, dashed: bool) -> String {
    if points.is_empty() {
        return String::new();
    }
    let coords: Vec<String> = points
        .iter()
        .map(|(x, y)| format!("{},{}", c(*x), c(*y)))
        .collect();
    let dash = if dashed {
        " stroke-dasharray=\"6 4\""
    } else {
        ""
    };
    let mut out = format!(
        "<polyline class=\"rb-line {class}\" points=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"{dash}/>\n",
        coords.join(" ")
    );
    for (x, y) in points {
        let _ = writeln!(
            out,
            "<circle class=\"rb-dot {class}\" cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{color}\"/>",
            c(*x),
            c(*y)
        );
    }
    out
}

/// A text alternative table: a header row and rows of already-escaped cells.
pub(crate) fn table(caption: &str, head: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!(
        "<table class=\"rb-table\">\n<caption>{}</caption>\n<thead><tr>",
        escape(caption)
    );
    for h in head {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            if i == 0 {
                let _ = write!(out, "<th scope=\"row\">{cell}</th>");
            } else {
                let _ = write!(out, "<td>{cell}</td>");
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_scale_has_round_ticks() {
        let (scale, ticks) = Scale::nice(0.0, 37.0, 10.0, 210.0);
        assert_eq!(ticks, vec![0.0, 10.0, 20.0, 30.0, 40.0]);
        assert_eq!(scale.y(0.0), 210.0);
        assert_eq!(scale.y(40.0), 10.0);
        let (_, ticks) = Scale::nice(5.0, 5.0, 0.0, 100.0);
        assert!(ticks.len() >= 2 && ticks[0] <= 4.0 && *ticks.last().unwrap_or(&0.0) >= 6.0);
    }

    #[test]
    fn nice_scale_is_total() {
        let odd = [
            0.0,
            -0.0,
            1e308,
            -1e308,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            1e15 + 0.5,
        ];
        for lo in odd {
            for hi in odd {
                let (scale, ticks) = Scale::nice(lo, hi, 10.0, 210.0);
                assert!(
                    (2..=MAX_TICKS).contains(&ticks.len()),
                    "{lo} {hi}: {ticks:?}"
                );
                assert!(scale.lo.is_finite() && scale.hi.is_finite() && scale.lo < scale.hi);
                assert!(scale.y(scale.lo).is_finite(), "{lo} {hi}");
            }
        }
        let (_, ticks) = Scale::nice(0.0, 1e308, 10.0, 210.0);
        assert_eq!(ticks.len(), 5);
    }
}
