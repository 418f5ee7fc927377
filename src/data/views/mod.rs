//! Views of the team's data as HTML and inline SVG, with no JavaScript.
//!
//! Each view is a shortcode usable on any page (`{{ backlog(status="ready") }}`)
//! and a part of the generated pages (`pages.rs`). Everything a data file
//! says is escaped with [`escape`] wherever it lands; links go through the
//! engine's [`ViewContext::url`] so base paths and relative output work.
//! Classes start with `rb-`; colours come from [`VIEWS_CSS`] through CSS
//! variables so a theme can restyle them for dark mode and print. Every
//! chart carries `<title>`, `<desc>` and a data table as its text alternative.

mod charts;
mod css;
mod facts;
mod lists;
mod pages;
pub(crate) mod svg;
mod timeline;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Map, Value};

pub use css::VIEWS_CSS;
pub use facts::FACT_NAMES;

use super::decode::Choice;
use super::{DataFile, DataSet, Item, ItemKind, Priority, Schema, Status};
use lists::ItemFilter;

/// What views need from the engine: how a root-relative path such as
/// `/team/roadmap/ep-7/` becomes an href on the page being rendered (base
/// path, or relative links for `file://`). Views split off any `#anchor`
/// before calling it and put it back after.
pub struct ViewContext<'a> {
    pub url: &'a dyn Fn(&str) -> String,
}

impl ViewContext<'_> {
    /// The href for `path`, which may end in `#anchor`.
    pub(crate) fn href(&self, path: &str) -> String {
        match path.split_once('#') {
            Some((page, anchor)) => format!("{}#{anchor}", (self.url)(page)),
            None => (self.url)(path),
        }
    }
}

/// Pages that link each entry: `("backlog" | "roadmap", id)` to
/// `[(page title, page URL path)]`, gathered by the engine from `@kind/id` links.
pub type Referrers = BTreeMap<(String, String), Vec<(String, String)>>;

/// A page generated from data: an initiative, an epic, or a data file's
/// overview (`/team/backlog/`). `html` is the body; the engine wraps it in
/// the page template with `title` as the heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemPage {
    pub url_path: String,
    pub title: String,
    pub description: String,
    pub html: String,
    /// The data file's rel path, e.g. `team/roadmap.toml`.
    pub source: String,
}

/// Every data view a page can call, block views and inline facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Backlog,
    Board,
    Roadmap,
    Timeline,
    Velocity,
    Burnup,
    Goals,
    Metrics,
    /// One value written inline in a sentence (`facts`).
    Fact(facts::Fact),
}

/// The block views by their shortcode names; the inline ones are
/// [`FACT_NAMES`].
const VIEWS: [(&str, View); 8] = [
    ("backlog", View::Backlog),
    ("board", View::Board),
    ("roadmap", View::Roadmap),
    ("timeline", View::Timeline),
    ("velocity", View::Velocity),
    ("burnup", View::Burnup),
    ("goals", View::Goals),
    ("metrics", View::Metrics),
];

/// The block views `render_view` answers to; it also answers to the inline
/// [`FACT_NAMES`].
pub const VIEW_NAMES: &[&str] = &{
    let mut names = [""; 8];
    let mut i = 0;
    while i < VIEWS.len() {
        names[i] = VIEWS[i].0;
        i += 1;
    }
    names
};

impl View {
    /// The view a shortcode name calls, if it is one.
    pub fn named(name: &str) -> Option<View> {
        VIEWS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, view)| view)
            .or_else(|| facts::Fact::named(name).map(View::Fact))
    }
}

impl DataSet {
    /// Renders the data view `name` as a shortcode would: None if `name` is
    /// no data view, `Some(Err(message))` for bad arguments (the message
    /// does not repeat the view's name; callers say which call failed).
    pub fn render_view(
        &self,
        name: &str,
        args: &Map<String, Value>,
        ctx: &ViewContext,
    ) -> Option<Result<String, String>> {
        let view = View::named(name)?;
        let args = Args {
            name,
            view,
            map: args,
        };
        Some(self.view(&args, ctx))
    }

    fn view(&self, args: &Args<'_>, ctx: &ViewContext) -> Result<String, String> {
        let id = view_id(args.name, args.map);
        match args.view {
            View::Backlog | View::Board => {
                args.allow(lists::FILTER_ARGS)?;
                let file = self.select("backlog", args.text("file")?)?;
                let filter = ItemFilter::from_args(self, args)?;
                let items = filter.apply(file);
                // The whole list of a file, unfiltered, is where `@backlog/ID`
                // links land when the file's overview page is replaced by a
                // writer's page holding this view: it carries the anchors.
                let view = lists::ListView {
                    data: self,
                    ctx,
                    anchors: args.view == View::Backlog && filter.is_empty(),
                };
                Ok(if args.view == View::Backlog {
                    view.backlog(file, &items, &filter.describe())
                } else {
                    view.board(&items, &filter.describe())
                })
            }
            View::Roadmap | View::Timeline => {
                args.allow(&["file", "horizon", "status"])?;
                let file = self.select("roadmap", args.text("file")?)?;
                let horizons = args.choices("horizon")?;
                let statuses = args.choices("status")?;
                let Some(Schema::Roadmap(roadmap)) = &file.schema else {
                    return Err("internal: not a roadmap".into());
                };
                let initiatives: Vec<_> = roadmap
                    .initiatives
                    .iter()
                    .filter(|i| horizons.as_ref().is_none_or(|h| h.contains(&i.horizon)))
                    .filter(|i| statuses.as_ref().is_none_or(|s| s.contains(&i.status)))
                    .collect();
                let view = lists::ListView {
                    data: self,
                    ctx,
                    anchors: false,
                };
                Ok(if args.view == View::Roadmap {
                    view.roadmap(file, &initiatives)
                } else {
                    timeline::timeline(ctx, file, &initiatives, &id)
                })
            }
            View::Velocity | View::Burnup | View::Goals => {
                let known: &[&str] = if args.view == View::Velocity {
                    &["file", "last", "window"]
                } else {
                    &["file", "last"]
                };
                args.allow(known)?;
                let file = self.select("sprints", args.text("file")?)?;
                let Some(Schema::Sprints(s)) = &file.schema else {
                    return Err("internal: not a sprints file".into());
                };
                let mut sprints: Vec<_> = s.sprints.iter().collect();
                sprints.sort_by_key(|s| s.number);
                if let Some(last) = args.uint("last")? {
                    let skip = sprints.len().saturating_sub(last as usize);
                    sprints.drain(..skip);
                }
                Ok(if args.view == View::Goals {
                    facts::goals(&sprints)
                } else if args.view == View::Velocity {
                    let window = args.uint("window")?.unwrap_or(3).max(1) as usize;
                    let anchors = args.map.get("last").is_none();
                    charts::velocity(&sprints, window, &id, anchors)
                } else {
                    charts::burnup(&sprints, &id)
                })
            }
            View::Metrics => {
                args.allow(&["file", "id"])?;
                let file = self.select("metrics", args.text("file")?)?;
                let Some(Schema::Metrics(m)) = &file.schema else {
                    return Err("internal: not a metrics file".into());
                };
                let wanted = args.words("id")?;
                if let Some(ids) = &wanted {
                    for id in ids {
                        if !m.metrics.iter().any(|x| &x.id == id) {
                            let known: Vec<&str> =
                                m.metrics.iter().map(|x| x.id.as_str()).collect();
                            return Err(format!(
                                "no metric `{id}` in {}; known: {}",
                                file.rel_path,
                                known.join(", ")
                            ));
                        }
                    }
                }
                let metrics: Vec<_> = m
                    .metrics
                    .iter()
                    .filter(|x| wanted.as_ref().is_none_or(|w| w.contains(&x.id)))
                    .collect();
                Ok(charts::metrics(&metrics, &id, wanted.is_none()))
            }
            View::Fact(fact) => self.fact(fact, args),
        }
    }

    /// The file a view shows: the one named by `file=` (with or without a
    /// leading `content/`), else the only file of `schema`.
    fn select(&self, schema: &str, file: Option<String>) -> Result<&DataFile, String> {
        let of_schema = |f: &&DataFile| f.schema.as_ref().is_some_and(|s| s.name() == schema);
        if let Some(name) = file {
            let key = name.trim_start_matches("@/").trim_start_matches('/');
            let key = key.strip_prefix("content/").unwrap_or(key);
            let Some(found) = self.get(key) else {
                let paths = self.files().filter(of_schema).map(|f| f.rel_path.as_str());
                let hint = crate::error::did_you_mean(key, paths)
                    .map_or(String::new(), |m| format!(" (did you mean \"{m}\"?)"));
                return Err(format!("no data file \"{key}\" under content/{hint}"));
            };
            return match &found.schema {
                Some(s) if s.name() == schema => Ok(found),
                Some(s) => Err(format!("\"{key}\" is a {} file, not {schema}", s.name())),
                None => Err(format!(
                    "\"{key}\" declares no schema; expected schema = \"{schema}\""
                )),
            };
        }
        let mut all = self.files().filter(of_schema);
        match (all.next(), all.next()) {
            (Some(one), None) => Ok(one),
            (None, _) => Err(format!(
                "no {schema} data file: add one under content/ with schema = \"{schema}\""
            )),
            (Some(a), Some(b)) => {
                let more: Vec<&str> = [a, b]
                    .into_iter()
                    .chain(all)
                    .map(|f| f.rel_path.as_str())
                    .collect();
                Err(format!(
                    "there are several {schema} files ({}); choose one with file=\"...\"",
                    more.join(", ")
                ))
            }
        }
    }
}

/// A view's arguments, checked against what it accepts.
pub(crate) struct Args<'a> {
    /// The name it was called by, for messages and chart ids.
    name: &'a str,
    view: View,
    map: &'a Map<String, Value>,
}

impl Args<'_> {
    fn allow(&self, known: &[&str]) -> Result<(), String> {
        for key in self.map.keys() {
            if !known.contains(&key.as_str()) {
                let hint = crate::error::did_you_mean(key, known.iter().copied())
                    .map_or(String::new(), |m| format!("did you mean `{m}`? "));
                return Err(format!(
                    "unknown argument `{key}`; {hint}{} takes: {}",
                    self.name,
                    known.join(", ")
                ));
            }
        }
        Ok(())
    }

    pub(crate) fn text(&self, key: &str) -> Result<Option<String>, String> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(_) => Err(format!("`{key}` must be a string or a number")),
        }
    }

    /// A comma-separated list (`status="ready,review"`) or an array.
    pub(crate) fn words(&self, key: &str) -> Result<Option<Vec<String>>, String> {
        if let Some(Value::Array(items)) = self.map.get(key) {
            let words = items.iter().map(|v| match v {
                Value::String(s) => Ok(s.trim().to_owned()),
                Value::Number(n) => Ok(n.to_string()),
                _ => Err(format!("`{key}` must hold strings or numbers")),
            });
            return words.collect::<Result<Vec<_>, _>>().map(Some);
        }
        Ok(self.text(key)?.map(|t| {
            t.split(',')
                .map(str::trim)
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect()
        }))
    }

    pub(crate) fn choices<C: Choice>(&self, key: &str) -> Result<Option<Vec<C>>, String> {
        let Some(words) = self.words(key)? else {
            return Ok(None);
        };
        let parsed = words.iter().map(|w| {
            C::parse(w).ok_or_else(|| {
                let hint = crate::error::did_you_mean(w, C::ALL.iter().map(|c| c.as_str()))
                    .map_or(String::new(), |m| format!("did you mean `{m}`? "));
                format!("`{key}` cannot be \"{w}\"; {hint}allowed: {}", C::allowed())
            })
        });
        parsed.collect::<Result<Vec<_>, _>>().map(Some)
    }

    pub(crate) fn uint(&self, key: &str) -> Result<Option<u32>, String> {
        match self.text(key)? {
            None => Ok(None),
            Some(t) => t
                .parse()
                .map(Some)
                .map_err(|_| format!("`{key}` must be a whole number, not \"{t}\"")),
        }
    }
}

/// HTML- and XML-safe text: every data value goes through this.
pub use crate::text::escape_html as escape;

/// A number as people write it: `5`, `8.1`, `0.25` (at most two decimals).
pub(crate) fn fmt_num(value: f64) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// `1 Jul 2026`.
pub(crate) fn fmt_date(date: chrono::NaiveDate) -> String {
    date.format("%-d %b %Y").to_string()
}

/// `<time datetime="2026-07-01">1 Jul 2026</time>`.
pub(crate) fn time_tag(date: chrono::NaiveDate) -> String {
    format!("<time datetime=\"{date}\">{}</time>", fmt_date(date))
}

/// A stable id prefix for one view's SVG title and description: the same
/// shortcode gives the same ids on every build.
pub(crate) fn view_id(view: &str, args: &Map<String, Value>) -> String {
    let text = format!("{view}{}", Value::Object(args.clone()));
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("rb-{view}-{:08x}", hash & 0xffff_ffff)
}

/// `<span class="rb-badge rb-status-ready">Ready</span>`.
pub(crate) fn badge(prefix: &str, word: &str, label: &str) -> String {
    format!(
        "<span class=\"rb-badge rb-{prefix}-{word}\">{}</span>",
        escape(label)
    )
}

/// Points done of total for items (epics' own points not counted).
pub(crate) fn progress(items: &[(&DataFile, &Item)]) -> (u32, u32) {
    items
        .iter()
        .filter(|(_, i)| i.kind != ItemKind::Epic)
        .fold((0, 0), |(done, total), (_, i)| {
            let p = i.points.unwrap_or(0);
            let d = if i.status == Status::Done { p } else { 0 };
            (done + d, total + p)
        })
}

/// A `<progress>` bar with its numbers written out beside it.
pub(crate) fn progress_html(done: u32, total: u32) -> String {
    if total == 0 {
        return "<span class=\"rb-progress rb-muted\">no estimated items yet</span>".to_owned();
    }
    let percent = u64::from(done) * 100 / u64::from(total);
    let mut out = String::new();
    let _ = write!(
        out,
        "<span class=\"rb-progress\"><progress max=\"{total}\" value=\"{done}\">{percent}%</progress> \
         {done} of {total} points done ({percent}%)</span>"
    );
    out
}

pub(crate) fn priority_label(p: Option<Priority>) -> &'static str {
    p.map_or("", Priority::label)
}

#[cfg(test)]
mod tests;
