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
use crate::templates::Templates;
use crate::templates::functions::Urls;

/// The site's answer to links and shortcodes on one page.
pub struct PageHooks<'a> {
    pub page: &'a Page,
    pub content: &'a Content,
    pub data: &'a DataSet,
    pub templates: &'a Templates,
    pub urls: &'a Urls,
    pub config: &'a crate::config::SiteConfig,
    /// Data items this page links to: (kind, id).
    pub data_refs: RefCell<Vec<(String, String)>>,
    /// Whether it ran a shortcode (which may show data).
    pub shortcodes: std::cell::Cell<bool>,
}

impl PageHooks<'_> {
    fn content_link(&self, rel: &str, fragment: Option<&str>) -> LinkResult {
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
                };
            }
            let mut known: Vec<&str> = self.content.by_rel.keys().map(String::as_str).collect();
            known.sort();
            let help = crate::error::did_you_mean(&rel, known.iter().copied())
                .map(|best| format!("did you mean `@/{best}`?"))
                .unwrap_or_else(|| {
                    "links name a file under content/, e.g. `@/roles/comparison.md`".into()
                });
            return LinkResult::Broken {
                message: format!("broken link: there is no content file `{rel}`"),
                help: Some(help),
            };
        };
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
        let (path, fragment) = match dest.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (dest, None),
        };
        if let Some(rel) = path.strip_prefix("@/") {
            return self.content_link(rel, fragment);
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
            if path.starts_with(&self.urls.base_path) || self.urls.base_path == "/" {
                return LinkResult::Keep;
            }
            return LinkResult::Rewrite(with_fragment(self.urls.href(rest), fragment));
        }
        let (path, query) = path
            .split_once('?')
            .map_or((path, None), |(p, q)| (p, Some(q)));
        let Some(rel) = join(
            self.page.source_dir(),
            &crate::text::percent_decode_or_keep(path),
        ) else {
            return LinkResult::Broken {
                message: format!("broken link: `{path}` points above the content folder"),
                help: None,
            };
        };
        if rel.ends_with(".md") || rel.ends_with(".markdown") {
            return self.content_link(&rel, fragment);
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
            };
        }
        LinkResult::Keep
    }

    fn shortcode(&self, call: &Call, body: Option<&str>) -> Result<String, String> {
        self.shortcodes.set(true);
        let template = format!("shortcodes/{}.html", call.name);
        if self.templates.has(&template) {
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
                .templates
                .tera
                .render(&template, &ctx)
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
                    .templates
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
    pub rendered: Rendered,
    pub data_refs: Vec<(String, String)>,
    /// Whether the HTML may depend on the data files: the page links to
    /// data items or runs shortcodes (data views, or templates that may
    /// load data).
    pub reads_data: bool,
}

pub fn render_page(
    page: &Page,
    content: &Content,
    data: &DataSet,
    templates: &Templates,
    urls: &Urls,
    config: &crate::config::SiteConfig,
) -> (RenderedPage, crate::error::Diagnostics) {
    let hooks = PageHooks {
        page,
        content,
        data,
        templates,
        urls,
        config,
        data_refs: RefCell::new(Vec::new()),
        shortcodes: std::cell::Cell::new(false),
    };
    let src = Source {
        display_path: &page.display_path,
        file_text: &page.text,
        offset: page.body_offset,
        len: page.text.len() - page.body_offset,
    };
    let (rendered, diags) = markdown::render(src, &config.markdown, &hooks);
    let reads_data = hooks.shortcodes.get() || !hooks.data_refs.borrow().is_empty();
    let data_refs = hooks.data_refs.into_inner();
    (
        RenderedPage {
            rendered,
            data_refs,
            reads_data,
        },
        diags,
    )
}

/// Guide pages by the data items they link to, for "referenced by" lists:
/// URL paths without the base, which the item pages add.
pub fn referrers(content: &Content, rendered: &[RenderedPage]) -> crate::data::Referrers {
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
    }
}
