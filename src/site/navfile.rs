//! The navigation of a big site, written once instead of into every page.
//!
//! On sites with more pages than `sidebar_full_limit`, the whole tree is
//! one script, `nav.<hash>.js`, that every page loads and the theme's
//! script turns into the sidebar; each page carries only what readers
//! without JavaScript need (the handbook theme: the sections above the
//! page and a link to the site map). A script rather than a JSON file
//! fetched at run time, so that it works from `file://` too. The generated
//! site map page lists every page.
//!
//! This module owns those two outputs; what a page's sidebar shows is the
//! theme's business (`sidebar.html`, given `views::nav`).

use super::deps::Other;
use std::path::Path;

use serde_json::Value;

use super::{Selection, Site, render_error};
use crate::content::{Content, PageId};
use crate::error::{Diagnostic, Diagnostics, Kind};
use crate::output::Output;

/// Whether the site has more pages (sections included) than
/// `sidebar_full_limit`: then its navigation is written once.
pub fn is_big(content: &Content, config: &crate::config::SiteConfig) -> bool {
    content.pages.len() > config.sidebar_full_limit
}

/// Where the site map page is written.
pub const SITE_MAP_PATH: &str = "site-map/";

/// The navigation script of a big site: its output path and text.
#[derive(Debug, Clone)]
pub struct NavFile {
    pub path: String,
    pub text: String,
}

impl NavFile {
    /// The script for `content`; named by its bytes with `fingerprint`
    /// (a build), plainly `nav.js` otherwise (serve, where a title edit
    /// then changes this file and no page).
    pub fn new(content: &Content, fingerprint: bool) -> NavFile {
        let text = script(content);
        let path = if fingerprint {
            format!("nav.{}.js", super::extras::fingerprint(text.as_bytes()))
        } else {
            "nav.js".to_string()
        };
        NavFile { path, text }
    }
}

/// `window.rolebookNav = [...]`: the tree under the home page in sidebar
/// order. Each node is `[title, path, roles]` for a page and `[title, path,
/// roles, children]` for a section; `path` is the URL path without the
/// base (`guides/setup/`), `roles` the role slugs joined by spaces. Paths,
/// not hrefs: the script makes the href for the page it runs in, with or
/// without relative links.
pub fn script(content: &Content) -> String {
    let tree = children(content, content.root);
    format!(
        "/* The sidebar of every page, written once (see docs/themes.md). */\nwindow.rolebookNav = {};\n",
        serde_json::to_string(&tree).unwrap_or_else(|_| "[]".into())
    )
}

fn children(content: &Content, id: PageId) -> Value {
    Value::Array(
        content
            .page(id)
            .children
            .iter()
            .map(|&c| node(content, c))
            .collect(),
    )
}

fn node(content: &Content, id: PageId) -> Value {
    let page = content.page(id);
    let roles = super::views::roles_of(content, id).join(" ");
    let mut node = vec![
        Value::String(page.title.clone()),
        Value::String(page.url_path.clone()),
        Value::String(roles),
    ];
    if page.is_section() {
        node.push(children(content, id));
    }
    Value::Array(node)
}

impl Site {
    /// The navigation script and the site map page, on a big site; a serve
    /// update asks for them again when titles or the order changed.
    pub(super) fn render_nav_files(
        &self,
        selected: Selection,
        output: &mut Output,
        diags: &mut Diagnostics,
    ) {
        let Some(file) = &self.nav_file else {
            return;
        };
        let text = match selected {
            Selection::All => file.text.clone(),
            // A serve update: the tree may have changed since the build.
            Selection::Only(_) => script(&self.content),
        };
        if !output.insert(file.path.clone(), text) {
            diags.push(Diagnostic::warning(
                Kind::Output,
                format!(
                    "a page has the path /{}; the navigation script is not written",
                    file.path
                ),
            ));
        }
        self.render_site_map(output, diags);
    }

    /// Every page in sidebar order, for readers without JavaScript, in
    /// parts of about [`SITE_MAP_PART`] entries (whole top-level sections,
    /// so no part is huge): `/site-map/`, `/site-map/2/`... The theme's
    /// `site_map.html` gets `tree`, the sidebar's nodes of its part with
    /// every branch present, and `parts`, `[{ url, first, last, current }]`.
    fn render_site_map(&self, output: &mut Output, diags: &mut Diagnostics) {
        if !self.templates().has("site_map.html") {
            return;
        }
        let tree = super::views::nav(
            &self.content,
            self.content.root,
            None,
            &self.urls,
            super::views::NavShape::Full,
        );
        let sizes: Vec<usize> = tree.iter().map(entries).collect();
        let ranges = parts(&sizes, SITE_MAP_PART);
        let paths: Vec<String> = (0..ranges.len()).map(part_path).collect();
        let list: Vec<Value> = ranges
            .iter()
            .zip(&paths)
            .map(|(range, path)| {
                serde_json::json!({
                    "url": self.urls.href(path),
                    "first": tree.get(range.start).map(|n| n.title.as_str()),
                    "last": range.end.checked_sub(1).and_then(|i| tree.get(i)).map(|n| n.title.as_str()),
                    "current": false,
                })
            })
            .collect();
        let mut tree: Vec<Option<super::views::NavNode>> = tree.into_iter().map(Some).collect();
        for (n, (range, path)) in ranges.iter().zip(&paths).enumerate() {
            let nodes: Vec<_> = tree[range.clone()]
                .iter_mut()
                .filter_map(Option::take)
                .collect();
            let mut list = list.clone();
            list[n]["current"] = Value::Bool(true);
            let title = if n == 0 {
                "Site map".to_string()
            } else {
                format!("Site map ({} of {})", n + 1, ranges.len())
            };
            let view = self.virtual_view("site_map", &title, "", path, "");
            let out = super::output_path(path);
            let extra = [
                ("tree", serde_json::to_value(nodes).unwrap_or_default()),
                ("parts", Value::Array(list)),
            ];
            let root = self.content.root;
            match self.render_virtual(Other::Sitemap, "site_map.html", root, &view, &extra, &out) {
                Ok(html) => {
                    if !output.insert(out, html) {
                        diags.push(Diagnostic::warning(
                            Kind::Output,
                            format!("a page has the URL /{path}; the site map page is not written"),
                        ));
                    }
                }
                Err(e) => diags.push(render_error(
                    &e,
                    "site_map.html",
                    self.templates(),
                    Path::new("site_map.html"),
                )),
            }
        }
    }
}

/// About how many entries one site map page lists (some 90 KB of HTML).
const SITE_MAP_PART: usize = 1000;

/// The URL path of site map part `n` (from 0).
fn part_path(n: usize) -> String {
    if n == 0 {
        SITE_MAP_PATH.to_string()
    } else {
        format!("{SITE_MAP_PATH}{}/", n + 1)
    }
}

/// How many entries a node lists: itself and everything below it.
fn entries(node: &super::views::NavNode) -> usize {
    1 + node.children.iter().map(entries).sum::<usize>()
}

/// Consecutive top-level nodes, by their sizes, grouped into parts of at
/// most `limit` entries; a node bigger than that is a part of its own.
/// Always at least one part.
fn parts(sizes: &[usize], limit: usize) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let (mut start, mut count) = (0, 0);
    for (i, &size) in sizes.iter().enumerate() {
        if count > 0 && count + size > limit {
            out.push(start..i);
            (start, count) = (i, 0);
        }
        count += size;
    }
    if start < sizes.len() || out.is_empty() {
        out.push(start..sizes.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A content folder with a section of two pages, loaded for real.
    fn content() -> Content {
        let dir = tempfile::tempdir().unwrap();
        let files = [
            ("_index.md", "+++\ntitle = \"Home\"\n+++\n"),
            ("guides/_index.md", "+++\ntitle = \"Guides\"\n+++\n"),
            (
                "guides/setup.md",
                "+++\ntitle = \"Set up\"\nweight = 2\nroles = \"po\"\n+++\n",
            ),
            (
                "guides/a\"b.md",
                "+++\ntitle = \"Quote \\\" </script>\"\nweight = 1\n+++\n",
            ),
            ("about.md", "+++\ntitle = \"About\"\n+++\n"),
        ];
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let (content, diags) = crate::content::load(
            dir.path(),
            Path::new("content"),
            &crate::content::LoadOptions {
                drafts: false,
                sources: crate::sources::Sources::new(dir.path(), false),
                skip: Vec::new(),
                is_site_root: false,
            },
        );
        assert!(!diags.has_errors(), "{diags:?}");
        content
    }

    #[test]
    fn script_holds_the_tree_in_sidebar_order() {
        let text = script(&content());
        let json = text
            .split_once("window.rolebookNav = ")
            .and_then(|(_, rest)| rest.strip_suffix(";\n"))
            .unwrap();
        let tree: Value = serde_json::from_str(json).unwrap();
        assert_eq!(
            tree,
            serde_json::json!([
                ["About", "about/", ""],
                [
                    "Guides",
                    "guides/",
                    "",
                    [
                        ["Quote \" </script>", "guides/a-b/", ""],
                        ["Set up", "guides/setup/", "po"]
                    ]
                ]
            ])
        );
    }

    #[test]
    fn site_map_parts_hold_whole_sections_up_to_the_limit() {
        let ranges = |pairs: &[(usize, usize)]| -> Vec<std::ops::Range<usize>> {
            pairs.iter().map(|&(a, b)| a..b).collect()
        };
        assert_eq!(parts(&[], 10), ranges(&[(0, 0)]));
        assert_eq!(parts(&[3], 10), ranges(&[(0, 1)]));
        assert_eq!(parts(&[4, 6, 1], 10), ranges(&[(0, 2), (2, 3)]));
        assert_eq!(
            parts(&[12, 1, 2, 30, 5], 10),
            ranges(&[(0, 1), (1, 3), (3, 4), (4, 5)])
        );
        assert_eq!(parts(&[1; 25], 10), ranges(&[(0, 10), (10, 20), (20, 25)]));
        assert_eq!(part_path(0), "site-map/");
        assert_eq!(part_path(2), "site-map/3/");
    }

    #[test]
    fn script_is_named_by_its_bytes_only_when_fingerprinting() {
        let content = content();
        let built = NavFile::new(&content, true);
        let hash = super::super::extras::fingerprint(built.text.as_bytes());
        assert_eq!(built.path, format!("nav.{hash}.js"));
        assert_eq!(NavFile::new(&content, false).path, "nav.js");
    }
}
