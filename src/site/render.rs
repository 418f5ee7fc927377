//! Rendering every page's Markdown with the site behind it: links resolved
//! to URLs (`@/x.md`, relative `.md`, `@backlog/ID`), shortcodes run from
//! templates or the data views.

use std::cell::RefCell;
use std::collections::BTreeMap;

use tera::Context;

use crate::content::{Content, Page};
use crate::data::{DataSet, ViewContext};
use crate::markdown::shortcodes::Call;
use crate::markdown::{self, Hooks, LinkResult, Rendered, Source};
use crate::templates::Renderer;
use crate::templates::functions::Urls;

/// The site's answer to links and shortcodes on one page.
pub struct PageHooks<'a> {
    pub page: &'a Page,
    pub content: &'a Content,
    pub data: &'a DataSet,
    pub renderer: &'a Renderer,
    pub urls: &'a Urls,
    pub config: &'a crate::config::SiteConfig,
    /// Data items this page links to: (kind, id).
    pub data_refs: RefCell<Vec<(String, String)>>,
    /// Whether it ran a shortcode (which may show data).
    pub shortcodes: std::cell::Cell<bool>,
}

impl PageHooks<'_> {
    /// A link to a content file by its path under content (`relative`: it
    /// was written relative to this page, so hints are too).
    fn content_link(&self, rel: &str, fragment: Option<&str>, relative: bool) -> LinkResult {
        let rel = crate::text::percent_decode_or_keep(rel);
        let Some(target) = self.content.get(&rel) else {
            if self.content.unreadable.contains(&rel) {
                return LinkResult::Rewrite("#".into());
            }
            if self.content.drafts.contains(&rel) {
                return LinkResult::Warn {
                    href: "#".into(),
                    message: format!(
                        "`{rel}` is a draft, left out of this build (build with --drafts to include it)"
                    ),
                    help: None,
                };
            }
            let known = self
                .content
                .pages
                .iter()
                .filter(|p| !p.implicit)
                .map(|p| p.rel_path.as_str());
            let help = match closest(&rel, known) {
                Some(best) if relative => format!(
                    "did you mean `{}`?",
                    relative_path(self.page.source_dir(), best)
                ),
                Some(best) => format!("did you mean `@/{best}`?"),
                None => "links name a Markdown file, relative to this one (`../guide/page.md`) or from the content folder (`@/guide/page.md`)".into(),
            };
            return LinkResult::Broken {
                message: format!("broken link: there is no content file `{rel}`"),
                help: Some(help),
            };
        };
        self.page_link(target, fragment)
    }

    /// A link to `target`'s URL, its anchor checked once every page is rendered.
    fn page_link(&self, target: &Page, fragment: Option<&str>) -> LinkResult {
        let href = self.urls.href(&target.url_path);
        match fragment {
            Some(f) if !f.is_empty() => LinkResult::RewriteWithAnchor {
                href: format!("{href}#{f}"),
                target: target.rel_path.clone(),
                fragment: crate::text::percent_decode_or_keep(f),
            },
            _ => LinkResult::Rewrite(href),
        }
    }
}

impl Hooks for PageHooks<'_> {
    fn link(&self, dest: &str, is_image: bool) -> LinkResult {
        match self.resolve(dest, is_image) {
            LinkResult::Broken { message, help } if self.broken_links_warn() => LinkResult::Warn {
                href: dest.to_string(),
                message,
                help,
            },
            result => result,
        }
    }

    fn broken_links_warn(&self) -> bool {
        self.config.links.broken == crate::config::BrokenLinks::Warn
    }

    fn page_title(&self) -> Option<&str> {
        Some(&self.page.title)
    }

    fn shortcode(&self, call: &Call, body: Option<&str>) -> Result<String, String> {
        self.run_shortcode(call, body)
    }
}

impl PageHooks<'_> {
    fn resolve(&self, dest: &str, is_image: bool) -> LinkResult {
        // Template syntax of another generator (`{{ site.baseurl }}/x`) is
        // warned about where it is written; the link is left alone.
        if dest.contains("{{") || dest.contains("{%") {
            return LinkResult::Keep;
        }
        let (path, fragment) = match dest.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (dest, None),
        };
        if let Some(rel) = path.strip_prefix("@/") {
            return self.content_link(rel, fragment, false);
        }
        if let Some(rest) = path.strip_prefix('@')
            && let Some((kind, id)) = rest.split_once('/')
        {
            self.data_refs
                .borrow_mut()
                .push((kind.to_string(), id.to_string()));
            return match self.data.resolve_link(kind, id) {
                Some(url) => LinkResult::Rewrite(self.urls.href(&url)),
                None => LinkResult::Broken {
                    message: format!("broken link: no {kind} item `{id}` in the data files"),
                    help: Some(format!(
                        "`@{kind}/ID` links need an item with that id in a `schema = \"{kind}\"` file"
                    )),
                },
            };
        }
        if path.is_empty() || path.contains("://") || path.contains(':') && !path.starts_with('.') {
            return LinkResult::Keep;
        }
        if let Some(rest) = path.strip_prefix('/') {
            return self.root_relative_link(path, rest, fragment);
        }
        let (path, query) = path
            .split_once('?')
            .map_or((path, None), |(p, q)| (p, Some(q)));
        let Some(rel) = join(
            self.page.source_dir(),
            &crate::text::percent_decode_or_keep(path),
        ) else {
            return self.outside_link(path, fragment);
        };
        if rel.ends_with(".md") || rel.ends_with(".markdown") {
            return self.content_link(&rel, fragment, true);
        }
        if let Some(target) = self.content.folder_page(&rel) {
            return self.page_link(target, fragment);
        }
        if let Some(asset) = self.content.assets.iter().find(|a| a.rel_path == rel) {
            let mut href = self.urls.href(&asset.dest);
            if let Some(q) = query {
                href.push('?');
                href.push_str(q);
            }
            return LinkResult::Rewrite(with_fragment(href, fragment));
        }
        if is_image {
            return LinkResult::Warn {
                href: dest.to_string(),
                message: format!("image `{path}` not found next to this page"),
                help: None,
            };
        }
        self.missing(&rel, path)
    }

    /// `/x/` or `/docs/guide.md`: site URLs get the base path; on GitHub,
    /// `/docs/guide.md` names a file from the repository's root, the site
    /// folder, so it links to that page.
    fn root_relative_link(&self, path: &str, rest: &str, fragment: Option<&str>) -> LinkResult {
        if rest.ends_with(".md") || rest.ends_with(".markdown") {
            let content = self
                .config
                .content_display()
                .to_string_lossy()
                .replace('\\', "/");
            let under = if content.is_empty() {
                Some(rest)
            } else {
                rest.strip_prefix(&format!("{content}/"))
            };
            if let Some(rel) = under {
                return self.content_link(rel, fragment, true);
            }
        }
        if path.starts_with(&self.urls.base_path) || self.urls.base_path == "/" {
            return LinkResult::Keep;
        }
        LinkResult::Rewrite(with_fragment(self.urls.href(rest), fragment))
    }

    /// A relative link to `rel` (written `path`) that is no page, folder
    /// page or asset: kept when the file is there (a data file, a file
    /// rolebook does not copy), else broken with the closest name.
    fn missing(&self, rel: &str, path: &str) -> LinkResult {
        let on_disk = self.content.dir.join(rel);
        if path.ends_with('/') || on_disk.is_dir() {
            if self.content.data.iter().any(|d| d.rel_path == rel) {
                return LinkResult::Keep;
            }
            let folders = self.content.by_dir.keys().map(String::as_str);
            let help = match closest(rel, folders) {
                Some(best) => format!(
                    "did you mean `{}/`?",
                    relative_path(self.page.source_dir(), best)
                ),
                None if on_disk.is_dir() => {
                    "give the folder a `README.md` or `index.md`, or link to a page in it".into()
                }
                None => {
                    "link to a folder that holds a `README.md`, `index.md` or `_index.md`".into()
                }
            };
            let message = if on_disk.is_dir() {
                format!(
                    "broken link: the folder `{rel}/` has no page (no `README.md`, `index.md` or `_index.md`)"
                )
            } else {
                format!("broken link: there is no folder `{rel}/`")
            };
            return LinkResult::Broken {
                message,
                help: Some(help),
            };
        }
        let known = self.content.data.iter().map(|d| d.rel_path.as_str());
        if on_disk.exists() || self.content.data.iter().any(|d| d.rel_path == rel) {
            return LinkResult::Keep;
        }
        let assets = self.content.assets.iter().map(|a| a.rel_path.as_str());
        let pages = self
            .content
            .pages
            .iter()
            .filter(|p| !p.implicit)
            .map(|p| p.rel_path.as_str());
        let help = closest(rel, assets.chain(pages).chain(known)).map(|best| {
            format!(
                "did you mean `{}`?",
                relative_path(self.page.source_dir(), best)
            )
        });
        LinkResult::Broken {
            message: format!("broken link: there is no file `{rel}`"),
            help,
        }
    }

    /// A relative link that leaves the content folder (`../LICENSE` from
    /// `docs/`): a file of the repository, not of the site. It links into
    /// the repository when `repository` is set, and is a warning (left as
    /// written) when not; a file that does not exist is broken.
    fn outside_link(&self, path: &str, fragment: Option<&str>) -> LinkResult {
        let content = self.config.content_display();
        let from = format!(
            "{}/{}",
            content.to_string_lossy().replace('\\', "/"),
            self.page.source_dir()
        );
        let decoded = crate::text::percent_decode_or_keep(path);
        let Some(site_rel) = join(&from, &decoded) else {
            return LinkResult::Broken {
                message: format!("broken link: `{path}` points above the site folder"),
                help: None,
            };
        };
        let mut root = self.content.dir.clone();
        for _ in content.components() {
            root.pop();
        }
        if !root.join(&site_rel).exists() {
            return LinkResult::Broken {
                message: format!("broken link: there is no file `{site_rel}`"),
                help: None,
            };
        }
        match &self.config.repository {
            Some(repo) => LinkResult::Rewrite(with_fragment(
                format!("{}/blob/HEAD/{site_rel}", repo.trim_end_matches('/')),
                fragment,
            )),
            None => LinkResult::Warn {
                href: with_fragment(path.to_string(), fragment),
                message: format!(
                    "`{site_rel}` is outside the content folder, so it is not part of the site"
                ),
                help: Some(
                    "set `repository` in rolebook.toml to link to it in the repository, or link to it with a full URL".into(),
                ),
            },
        }
    }

    fn run_shortcode(&self, call: &Call, body: Option<&str>) -> Result<String, String> {
        self.shortcodes.set(true);
        let template = format!("shortcodes/{}.html", call.name);
        if self.renderer.templates().has(&template) {
            let mut ctx = Context::new();
            for (k, v) in &call.args {
                ctx.insert(k.as_str(), v);
            }
            if let Some(body) = body {
                ctx.insert("body", body);
                ctx.insert("raw_body", call.body.as_deref().unwrap_or(""));
            }
            ctx.insert("config", self.config);
            ctx.insert(
                "page",
                &serde_json::json!({
                    "title": self.page.title,
                    "relative_path": self.page.rel_path,
                    "url": self.urls.href(&self.page.url_path),
                }),
            );
            return self
                .renderer
                .render(&template, &ctx)
                .0
                .map(|html| html.trim().to_string())
                .map_err(|e| {
                    let chain = crate::templates::error_chain(&e);
                    format!(
                        "shortcode `{}` failed: {}",
                        call.name,
                        chain.last().cloned().unwrap_or_default()
                    )
                });
        }
        let href = |p: &str| self.urls.href(p);
        let ctx = ViewContext { url: &href };
        match self.data.render_view(&call.name, &call.args, &ctx) {
            Some(result) => result.map_err(|m| format!("{}: {m}", call.name)),
            None => {
                let mut names: Vec<String> = self
                    .renderer
                    .templates()
                    .tera
                    .get_template_names()
                    .filter_map(|n| {
                        n.strip_prefix("shortcodes/")?
                            .strip_suffix(".html")
                            .map(str::to_string)
                    })
                    .collect();
                names.extend(
                    crate::data::VIEW_NAMES
                        .iter()
                        .chain(crate::data::FACT_NAMES)
                        .map(|n| n.to_string()),
                );
                names.sort();
                let hint = crate::error::did_you_mean(&call.name, names.iter().map(String::as_str))
                    .map(|b| format!(" (did you mean `{b}`?)"))
                    .unwrap_or_default();
                Err(format!(
                    "unknown shortcode `{}`{hint}; available: {}",
                    call.name,
                    names.join(", ")
                ))
            }
        }
    }
}

fn with_fragment(mut href: String, fragment: Option<&str>) -> String {
    if let Some(f) = fragment {
        href.push('#');
        href.push_str(f);
    }
    href
}

/// The candidate closest to `word`: one that differs only in case, else
/// the nearest by edit distance.
fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let mut list: Vec<&str> = candidates.collect();
    list.sort_unstable();
    if let Some(same) = list.iter().find(|c| c.eq_ignore_ascii_case(word)) {
        return Some(same);
    }
    crate::error::did_you_mean(word, list.iter().copied())
}

/// `target` (a path under content) as written from a file in `from_dir`:
/// `relative_path("onboarding", "careers/README.md")` is `../careers/README.md`.
pub fn relative_path(from_dir: &str, target: &str) -> String {
    let from: Vec<&str> = from_dir.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = target.split('/').filter(|s| !s.is_empty()).collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(&to[common..]);
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// `dir` + relative `path`, with `.` and `..` resolved; None above the root.
pub fn join(dir: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// One page's Markdown, rendered, with the data items it links to.
#[derive(Clone)]
pub struct RenderedPage {
    /// The HTML, which a build lets go once nothing left to render reads
    /// it (see [`Html`]).
    pub html: Html,
    /// The rest of what the Markdown gave: summary, table of contents,
    /// anchors, text. Its `html` is empty: the HTML is in `html`.
    pub rendered: Rendered,
    pub data_refs: Vec<(String, String)>,
    /// Whether the HTML may depend on the data files: the page links to
    /// data items or runs shortcodes (data views, or templates that may
    /// load data).
    pub reads_data: bool,
    /// Whether the HTML holds a diagram (the theme's diagram scripts are
    /// written only for a site that has one).
    pub diagrams: bool,
}

/// Renders the Markdown of `page`, whose file's text is `text` (a build
/// takes the text out of the page and lets it go once rendered).
pub fn render_page(
    page: &Page,
    text: &str,
    content: &Content,
    data: &DataSet,
    renderer: &Renderer,
    urls: &Urls,
    config: &crate::config::SiteConfig,
) -> (RenderedPage, crate::error::Diagnostics) {
    let hooks = PageHooks {
        page,
        content,
        data,
        renderer,
        urls,
        config,
        data_refs: RefCell::new(Vec::new()),
        shortcodes: std::cell::Cell::new(false),
    };
    let src = Source {
        display_path: &page.display_path,
        file_text: text,
        offset: page.body_offset,
        len: text.len() - page.body_offset,
    };
    let (mut rendered, diags) = markdown::render(src, &config.markdown, &hooks);
    let reads_data = hooks.shortcodes.get() || !hooks.data_refs.borrow().is_empty();
    let data_refs = hooks.data_refs.into_inner();
    let diagrams = rendered.html.contains(markdown::highlight::DIAGRAM_MARKER);
    (
        RenderedPage {
            html: Html::new(std::mem::take(&mut rendered.html)),
            rendered,
            data_refs,
            reads_data,
            diagrams,
        },
        diags,
    )
}

/// A page's HTML, shared by every reader. A big site cannot hold the HTML
/// of all its pages until the last file is written: a build lets a page's
/// go ([`Html::release`]) once its own file is written, unless a feed, the
/// print page or a template's page look-up will read it later (see
/// `Site::read_later`). Reading it after that is a bug.
#[derive(Debug, Default)]
pub struct Html(std::sync::Mutex<Option<std::sync::Arc<str>>>);

impl Html {
    pub fn new(html: String) -> Html {
        Html(std::sync::Mutex::new(Some(std::sync::Arc::from(html))))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<std::sync::Arc<str>>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The HTML; empty (and a failed assertion in debug builds) once let go.
    pub fn get(&self) -> std::sync::Arc<str> {
        let html = self.lock().clone();
        debug_assert!(html.is_some(), "a page's HTML was read after it was let go");
        html.unwrap_or_else(|| std::sync::Arc::from(""))
    }

    pub fn set(&mut self, html: String) {
        let cell = self.0.get_mut();
        *cell.unwrap_or_else(std::sync::PoisonError::into_inner) = Some(std::sync::Arc::from(html));
    }

    /// Lets the HTML go: nothing will read it again.
    pub fn release(&self) {
        self.lock().take();
    }

    #[cfg(test)]
    pub fn is_released(&self) -> bool {
        self.lock().is_none()
    }
}

impl Clone for Html {
    fn clone(&self) -> Self {
        Html(std::sync::Mutex::new(self.lock().clone()))
    }
}

impl PartialEq for Html {
    fn eq(&self, other: &Self) -> bool {
        *self.lock() == *other.lock()
    }
}

/// Guide pages by the data items they link to, for "referenced by" lists:
/// URL paths without the base, which the item pages add.
pub fn referrers(
    content: &Content,
    rendered: &[std::sync::Arc<RenderedPage>],
) -> crate::data::Referrers {
    let mut map: crate::data::Referrers = BTreeMap::new();
    for (id, r) in rendered.iter().enumerate() {
        let page = content.page(id);
        for (kind, item) in &r.data_refs {
            let list = map.entry((kind.clone(), item.clone())).or_default();
            let entry = (page.title.clone(), page.url_path.clone());
            if !list.contains(&entry) {
                list.push(entry);
            }
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::join;

    #[test]
    fn joins_relative_paths() {
        assert_eq!(
            join("roles", "comparison.md").as_deref(),
            Some("roles/comparison.md")
        );
        assert_eq!(
            join("roles", "../team/backlog.md").as_deref(),
            Some("team/backlog.md")
        );
        assert_eq!(join("", "./a.md").as_deref(), Some("a.md"));
        assert_eq!(join("", "../a.md"), None);
        assert_eq!(join("a/b", "../").as_deref(), Some("a"));
        assert_eq!(join("a", "./").as_deref(), Some("a"));
    }

    #[test]
    fn relative_paths_from_a_folder() {
        use super::relative_path;
        assert_eq!(
            relative_path("onboarding", "careers/README.md"),
            "../careers/README.md"
        );
        assert_eq!(relative_path("", "careers"), "careers");
        assert_eq!(relative_path("a/b", "a/c.md"), "../c.md");
        assert_eq!(relative_path("a", "a"), ".");
    }
}
