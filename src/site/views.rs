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
/// base, term pages): its metadata and summary, not its whole HTML.
#[derive(Serialize)]
struct SummaryView<'a> {
    kind: &'static str,
    title: &'a str,
    description: &'a str,
    summary: Option<&'a str>,
    url: String,
    permalink: String,
    path: &'a str,
    relative_path: &'a str,
    date: Option<String>,
    updated: Option<String>,
    weight: Option<i64>,
    draft: bool,
    tags: &'a [String],
    roles: Vec<&'static str>,
    extra: &'a serde_json::Map<String, Value>,
    word_count: usize,
    reading_time: usize,
    toc_enabled: bool,
    edit_url: Option<String>,
    depth: usize,
    checklist: bool,
}

pub fn summary_view(
    content: &Content,
    id: PageId,
    rendered: &RenderedPage,
    urls: &Urls,
    edit_url: Option<&str>,
    upkeep: Option<(&crate::upkeep::Upkeep, &str)>,
) -> Value {
    let page = content.page(id);
    let r = &rendered.rendered;
    let summary = SummaryView {
        kind: if page.is_section() { "section" } else { "page" },
        title: &page.title,
        description: page.meta.description.as_deref().unwrap_or_default(),
        summary: r.summary.as_deref(),
        url: urls.href(&page.url_path),
        permalink: urls.permalink(&page.url_path),
        path: &page.url_path,
        relative_path: &page.rel_path,
        date: page.date.map(|d| d.day_string()),
        updated: page.updated.map(|d| d.day_string()),
        weight: page.meta.weight,
        draft: page.meta.draft,
        tags: &page.meta.tags,
        roles: roles_of(content, id),
        extra: &page.meta.extra,
        word_count: r.word_count,
        reading_time: r.word_count.div_ceil(220).max(1),
        toc_enabled: page.meta.toc.unwrap_or(true),
        edit_url: edit_url
            .filter(|_| !page.implicit)
            .map(|base| format!("{base}{}", page.rel_path)),
        depth: page.depth,
        checklist: page.meta.checklist,
    };
    let mut view = serde_json::to_value(summary).unwrap_or_default();
    if let Some((upkeep, owners_href)) = upkeep {
        add_upkeep(&mut view, upkeep, id, owners_href);
    }
    view
}

/// Adds a page's owners, review dates and history link to its view.
pub fn add_upkeep(view: &mut Value, upkeep: &crate::upkeep::Upkeep, id: PageId, owners_href: &str) {
    if let (Value::Object(map), Value::Object(extra)) = (view, upkeep.view(id, owners_href)) {
        map.extend(extra);
    }
}

/// The full view: the summary plus content, TOC, and for sections their
/// pages and subsections.
pub fn full_view(
    content: &Content,
    id: PageId,
    rendered: &[std::sync::Arc<RenderedPage>],
    summaries: &[std::sync::Arc<Value>],
) -> Value {
    let page = content.page(id);
    let r = &rendered[id].rendered;
    let mut view = Value::clone(&summaries[id]);
    if let Value::Object(map) = &mut view {
        map.insert("content".into(), Value::String(r.html.clone()));
        map.insert(
            "toc".into(),
            serde_json::to_value(&r.toc).unwrap_or(Value::Null),
        );
        if page.is_section() {
            map.insert(
                "pages".into(),
                Value::Array(
                    page.pages
                        .iter()
                        .map(|&p| Value::clone(&summaries[p]))
                        .collect(),
                ),
            );
            map.insert(
                "subsections".into(),
                Value::Array(
                    page.subsections
                        .iter()
                        .map(|&p| Value::clone(&summaries[p]))
                        .collect(),
                ),
            );
        }
    }
    view
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
