//! What templates see: pages, sections, the sidebar, breadcrumbs and
//! previous/next links, as JSON values built once per build.

use serde::Serialize;
use serde_json::Value;

use crate::content::{Content, PageId};
use crate::templates::functions::Urls;

use super::render::RenderedPage;

/// A sidebar entry.
#[derive(Debug, Clone, Serialize)]
pub struct NavNode {
    pub title: String,
    pub url: String,
    pub roles: Vec<&'static str>,
    pub is_section: bool,
    pub active: bool,
    pub open: bool,
    pub weight: Option<i64>,
    pub children: Vec<NavNode>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkView {
    pub title: String,
    pub url: String,
}

pub fn roles_of(content: &Content, id: PageId) -> Vec<&'static str> {
    content.page(id).roles.iter().map(|r| r.as_str()).collect()
}

/// A page or section without its content: what listings and lookups need.
/// What templates get for a page in lists (`section.pages`, `get_page`'s
/// base, term pages): its metadata, summary and upkeep, not its whole
/// HTML. Made once per page and kept for the build as this struct, a
/// fifth of the size of the JSON value templates get, which is made from
/// it where a template needs it ([`Summary::value`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    kind: &'static str,
    title: String,
    description: String,
    summary: Option<String>,
    url: String,
    permalink: String,
    path: String,
    relative_path: String,
    date: Option<String>,
    updated: Option<String>,
    weight: Option<i64>,
    draft: bool,
    tags: Vec<String>,
    roles: Vec<&'static str>,
    extra: serde_json::Map<String, Value>,
    word_count: usize,
    reading_time: usize,
    toc_enabled: bool,
    edit_url: Option<String>,
    depth: usize,
    checklist: bool,
    #[serde(flatten)]
    upkeep: crate::upkeep::UpkeepView,
}

impl Summary {
    /// The view templates get.
    pub fn value(&self) -> Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

pub fn summary_view(
    content: &Content,
    id: PageId,
    rendered: &RenderedPage,
    urls: &Urls,
    edit_url: Option<&str>,
    (upkeep, owners_href): (&crate::upkeep::Upkeep, &str),
) -> Summary {
    let page = content.page(id);
    let r = &rendered.rendered;
    Summary {
        kind: if page.is_section() { "section" } else { "page" },
        title: page.title.clone(),
        description: page.meta.description.clone().unwrap_or_default(),
        summary: r.summary.clone(),
        url: urls.href(&page.url_path),
        permalink: urls.permalink(&page.url_path),
        path: page.url_path.clone(),
        relative_path: page.rel_path.clone(),
        date: page.date.map(|d| d.day_string()),
        updated: page.updated.map(|d| d.day_string()),
        weight: page.meta.weight,
        draft: page.meta.draft,
        tags: page.meta.tags.clone(),
        roles: roles_of(content, id),
        extra: page.meta.extra.clone(),
        word_count: r.word_count,
        reading_time: r.word_count.div_ceil(220).max(1),
        toc_enabled: page.meta.toc.unwrap_or(true),
        edit_url: edit_url
            .filter(|_| !page.implicit)
            .map(|base| format!("{base}{}", page.rel_path)),
        depth: page.depth,
        checklist: page.meta.checklist,
        upkeep: upkeep.view(id, owners_href),
    }
}

/// What the full view of a page adds to its summary ([`SummaryView`]):
/// its content and table of contents.
#[derive(Serialize)]
struct Body<'a> {
    content: &'a str,
    toc: &'a [crate::markdown::TocEntry],
}

/// What templates get as `page`, `section` and `current`, and from
/// `get_page`: the page's summary (made once per build) with its `Body`;
/// a section's adds the summaries of its `pages` and `subsections`.
///
/// `own` is the page's rendered Markdown and summary; `summaries` gives a
/// section its pages' (a page's own file may be written before the other
/// pages' Markdown is rendered).
pub fn full_view(
    content: &Content,
    id: PageId,
    own: (&RenderedPage, &Summary),
    summaries: &[std::sync::Arc<Summary>],
) -> Value {
    let page = content.page(id);
    let (r, summary) = own;
    let mut view = summary.value();
    let body = Body {
        content: &r.html.get(),
        toc: &r.rendered.toc,
    };
    if let (Value::Object(map), Ok(Value::Object(body))) = (&mut view, serde_json::to_value(body)) {
        map.extend(body);
        if page.is_section() {
            let list = |ids: &[PageId]| ids.iter().map(|&p| summaries[p].value()).collect();
            map.insert("pages".into(), Value::Array(list(&page.pages)));
            map.insert("subsections".into(), Value::Array(list(&page.subsections)));
        }
    }
    view
}

/// The view of a page without a Markdown file (a data item, a taxonomy or
/// term page, 404, the print page, the site map, the owners and changes
/// pages): the fields of a page's view, most of them empty.
#[derive(Serialize)]
pub struct VirtualView<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub content: &'a str,
    pub url: String,
    pub permalink: String,
    pub path: &'a str,
    pub relative_path: Option<&'a str>,
    pub toc: [(); 0],
    pub roles: [(); 0],
    pub tags: [(); 0],
    pub extra: serde_json::Map<String, Value>,
    pub date: Option<&'a str>,
    pub updated: Option<&'a str>,
    pub toc_enabled: bool,
    pub edit_url: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub word_count: usize,
    pub reading_time: usize,
    pub weight: Option<i64>,
    pub draft: bool,
}

/// A term of a taxonomy: each of `taxonomy.terms`, and `term` on a term
/// page, where it also has `pages`, the summaries of its pages (added to
/// the value by [`TermView::with_pages`]).
#[derive(Serialize)]
pub struct TermView<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub count: usize,
    pub url: String,
}

impl TermView<'_> {
    /// The view as a value, with `pages` when given.
    pub fn with_pages(&self, pages: Option<Vec<Value>>) -> Value {
        let mut view = serde_json::to_value(self).unwrap_or_default();
        if let (Value::Object(map), Some(pages)) = (&mut view, pages) {
            map.insert("pages".into(), Value::Array(pages));
        }
        view
    }
}

/// A taxonomy with its terms: `taxonomy` on taxonomy and term pages, and
/// what `get_taxonomy` gives (its terms then with their pages).
#[derive(Serialize)]
pub struct TaxonomyView<'a> {
    pub name: &'a str,
    pub path: &'a str,
    pub url: String,
    pub terms: Vec<Value>,
}

/// How much of the tree `nav` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NavShape {
    /// Every section open: small sites.
    Full,
    /// The top level and the open branch: big sites whose theme draws the
    /// sidebar from `nav` in every page.
    TopAndOpen,
    /// The sections above the page only: big sites whose theme renders
    /// `sidebar.html` once per section and loads the whole tree from the
    /// navigation script (`navfile`).
    OpenPath,
    /// No template names `nav`: it is not made at all.
    Unused,
}

impl NavShape {
    /// The shape for a site: big or not, and what its templates use.
    pub fn of(big: bool, templates: &crate::templates::Templates) -> NavShape {
        if !templates.mentions("nav") {
            NavShape::Unused
        } else if !big {
            NavShape::Full
        } else if templates.has("sidebar.html") {
            NavShape::OpenPath
        } else {
            NavShape::TopAndOpen
        }
    }
}

/// The sidebar tree for a page in `branch`, shaped by `shape`.
/// `branch` is the page whose ancestors (and itself) are open; `active`
/// the one marked current, if any.
pub fn nav(
    content: &Content,
    branch: PageId,
    active: Option<PageId>,
    urls: &Urls,
    shape: NavShape,
) -> Vec<NavNode> {
    if shape == NavShape::Unused {
        return Vec::new();
    }
    let mut open: Vec<PageId> = content.ancestors(branch);
    open.push(branch);
    let root = content.page(content.root);
    root.children
        .iter()
        .filter(|c| shape != NavShape::OpenPath || open.contains(c))
        .map(|&c| nav_node(content, c, &open, active, urls, shape))
        .collect()
}

fn nav_node(
    content: &Content,
    id: PageId,
    open: &[PageId],
    active: Option<PageId>,
    urls: &Urls,
    shape: NavShape,
) -> NavNode {
    let page = content.page(id);
    let is_open = open.contains(&id);
    let children = if page.is_section() && (shape == NavShape::Full || is_open) {
        page.children
            .iter()
            .filter(|c| shape != NavShape::OpenPath || open.contains(c))
            .map(|&c| nav_node(content, c, open, active, urls, shape))
            .collect()
    } else {
        Vec::new()
    };
    NavNode {
        title: page.title.clone(),
        url: urls.href(&page.url_path),
        roles: roles_of(content, id),
        is_section: page.is_section(),
        active: Some(id) == active,
        open: is_open,
        weight: page.meta.weight,
        children,
    }
}

pub fn breadcrumbs(content: &Content, id: PageId, urls: &Urls) -> Vec<LinkView> {
    content
        .ancestors(id)
        .into_iter()
        .map(|a| LinkView {
            title: content.page(a).title.clone(),
            url: urls.href(&content.page(a).url_path),
        })
        .collect()
}

/// Previous and next in sidebar order, for every page (home excluded).
/// With `only`, just for those pages (the others get none).
pub fn neighbours(
    content: &Content,
    order: &[PageId],
    urls: &Urls,
    only: Option<&std::collections::HashSet<PageId>>,
) -> Vec<(Option<LinkView>, Option<LinkView>)> {
    let mut out = vec![(None, None); content.pages.len()];
    let link = |id: PageId| LinkView {
        title: content.page(id).title.clone(),
        url: urls.href(&content.page(id).url_path),
    };
    for (i, &id) in order.iter().enumerate() {
        if only.is_some_and(|o| !o.contains(&id)) {
            continue;
        }
        let prev = i.checked_sub(1).map(|j| link(order[j]));
        let next = order.get(i + 1).map(|&j| link(j));
        out[id] = (prev, next);
    }
    out
}
