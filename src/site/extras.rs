//! Everything a site has besides its pages: data item pages, taxonomies,
//! sitemap, robots.txt, 404, Atom feeds, alias redirects, the print page,
//! the search index, stylesheets and static files.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::{Value, json};

use super::deps::Other;
use super::views::{TaxonomyView, TermView};
use super::{Project, Selection, Site, output_path, render_error};
use crate::config::{SiteConfig, TermSource};
use crate::content::{Content, PageId, slugify};
use crate::data::ViewContext;
use crate::error::{Diagnostic, Diagnostics, Kind};
use crate::output::Output;
use crate::templates::{SourceFile, Theme};
use crate::text::escape_html;

/// Terms of one taxonomy: slug -> (term name, pages).
type Terms = BTreeMap<String, (String, Vec<PageId>)>;
/// Every taxonomy: (name, URL folder, terms).
pub type TermLists = Vec<(String, String, Terms)>;

/// Static files (theme first, site over it) and their fingerprinted names.
pub struct Statics {
    files: Vec<(String, StaticFile)>,
    sources: crate::sources::Sources,
    pub fingerprints: HashMap<String, String>,
    /// Output paths of the theme's files that only some sites need (see
    /// [`Statics::keep_needed`]).
    optional: HashMap<String, Need>,
}

/// What makes a site need one of the theme's optional files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// The Mermaid scripts, several megabytes: a page with a diagram.
    Diagrams,
    /// The script that puts the navigation script's tree in the sidebar:
    /// more pages than `sidebar_full_limit`.
    NavTree,
}

fn need_of(path: &str) -> Option<Need> {
    if path.starts_with("js/mermaid/") || path == "js/mermaid-init.js" {
        Some(Need::Diagrams)
    } else if path == "js/nav-tree.js" {
        Some(Need::NavTree)
    } else {
        None
    }
}

/// Whether some page's Markdown drew a diagram: what the theme loads the
/// diagram scripts for.
pub fn has_diagrams(rendered: &[std::sync::Arc<super::RenderedPage>]) -> bool {
    rendered.iter().any(|r| r.diagrams)
}

/// A static file's bytes, or where to copy them from: a big file is
/// streamed into the output, never held in memory whole.
#[derive(Clone)]
enum StaticFile {
    /// Made by the build, or read to be fingerprinted: shared by the file
    /// and its fingerprinted name.
    Bytes(Arc<[u8]>),
    /// A file of the built-in theme, whose bytes are in the program: never
    /// copied but to be written.
    Embedded(&'static [u8]),
    Disk {
        path: std::path::PathBuf,
        shown: std::path::PathBuf,
    },
}

impl StaticFile {
    fn from_bytes(bytes: Cow<'static, [u8]>) -> StaticFile {
        match bytes {
            Cow::Borrowed(bytes) => StaticFile::Embedded(bytes),
            Cow::Owned(bytes) => StaticFile::Bytes(bytes.into()),
        }
    }

    /// The file in memory: one on disk is read now.
    fn read(self) -> Result<StaticFile, Diagnostic> {
        match self {
            StaticFile::Disk { path, shown } => crate::sources::read(&path)
                .map(|bytes| StaticFile::Bytes(bytes.into()))
                .map_err(|e| crate::error::io_error(&shown, &e)),
            file => Ok(file),
        }
    }

    /// The bytes of a file in memory (none for one on disk).
    fn held(&self) -> &[u8] {
        match self {
            StaticFile::Bytes(bytes) => bytes,
            StaticFile::Embedded(bytes) => bytes,
            StaticFile::Disk { .. } => &[],
        }
    }

    /// The bytes to write or serve, read now for a file on disk.
    fn into_vec(self) -> Result<Vec<u8>, Diagnostic> {
        Ok(self.read()?.held().to_vec())
    }

    /// A hash that changes when the file does: of the bytes in memory, of
    /// size and modification time on disk (a big file is not read for it).
    fn hash(&self) -> u64 {
        match self {
            StaticFile::Bytes(_) | StaticFile::Embedded(_) => super::cache::hash_of(self.held()),
            StaticFile::Disk { path, .. } => {
                let meta = std::fs::metadata(path).ok();
                let stamp = meta.as_ref().map(|m| {
                    let modified = m
                        .modified()
                        .ok()
                        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                        .map_or(0, |d| d.as_nanos());
                    format!("{}:{modified}", m.len())
                });
                super::cache::hash_of(stamp.unwrap_or_default().as_bytes())
            }
        }
    }
}

/// A stable 64-bit FNV-1a hash: same bytes, same name, on every machine.
pub fn fingerprint(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:08x}", hash >> 32)
}

fn fingerprinted_name(path: &str, hash: &str) -> String {
    match path.rsplit_once('.') {
        Some((stem, ext)) if !stem.ends_with('/') && !stem.is_empty() => {
            format!("{stem}.{hash}.{ext}")
        }
        _ => format!("{path}.{hash}"),
    }
}

/// Static files of the theme and the site. With `fingerprint`, CSS and JS
/// files are also given names with a hash of their bytes, which
/// `asset_url` links to; serve does without, so that a stylesheet edit
/// changes no page.
pub fn collect_static(
    project: &Project,
    config: &SiteConfig,
    fingerprint: bool,
    diags: &mut Diagnostics,
) -> Statics {
    let sources = project.sources(config);
    let mut by_path: BTreeMap<String, StaticFile> = BTreeMap::new();
    let on_disk = |dir: &Path, shown: &Path, diags: &mut Diagnostics| {
        sources
            .walk(dir, shown, diags)
            .into_iter()
            .map(|found| {
                let shown = shown.join(&found.rel);
                let file = StaticFile::Disk {
                    path: found.path,
                    shown,
                };
                (found.rel, file)
            })
            .collect::<Vec<_>>()
    };
    match Theme::find(&project.root, &config.theme) {
        Ok(Theme::Folder(dir)) => {
            let shown = Theme::Folder(dir.clone()).display("static");
            by_path.extend(on_disk(&dir.join("static"), &shown, diags));
        }
        Ok(theme) => {
            for SourceFile {
                rel_path, bytes, ..
            } in theme.files("static", &sources, diags)
            {
                by_path.insert(rel_path, StaticFile::from_bytes(bytes));
            }
        }
        Err(_) => {}
    }
    match crate::markdown::highlight::stylesheet(
        &config.markdown.highlight_theme,
        &config.markdown.highlight_theme_dark,
    ) {
        Ok(css) => {
            by_path.insert(
                "css/syntax.css".into(),
                StaticFile::Bytes(css.into_bytes().into()),
            );
        }
        Err(message) => {
            diags.push(Diagnostic::error(Kind::Config, message).in_file(crate::config::FILE_NAME))
        }
    }
    by_path.insert(
        "css/views.css".into(),
        StaticFile::Embedded(crate::data::VIEWS_CSS.as_bytes()),
    );
    let own = on_disk(&project.static_dir(), Path::new("static"), diags);
    // A site's own file of the same name is its business: always written.
    let mut optional: HashMap<String, Need> = by_path
        .keys()
        .filter(|p| !own.iter().any(|(o, _)| o == *p))
        .filter_map(|p| need_of(p).map(|need| (p.clone(), need)))
        .collect();
    by_path.extend(own);
    check_extra_files(project, config, &by_path, diags);
    let mut fingerprints = HashMap::new();
    let mut files = Vec::new();
    for (path, file) in by_path {
        if fingerprint && (path.ends_with(".css") || path.ends_with(".js")) {
            // Stylesheets and scripts are read to name them by their bytes.
            let file = match file.read() {
                Ok(file) => file,
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            };
            let name = fingerprinted_name(&path, &self::fingerprint(file.held()));
            if let Some(&need) = optional.get(&path) {
                optional.insert(name.clone(), need);
            }
            fingerprints.insert(path.clone(), name.clone());
            // One copy of the bytes serves both names.
            files.push((name, file.clone()));
            files.push((path, file));
        } else {
            files.push((path, file));
        }
    }
    Statics {
        files,
        sources,
        fingerprints,
        optional,
    }
}

/// Every `extra_css` and `extra_js` entry must name a static file (the
/// site's or the theme's); a missing one is an error at its entry in
/// rolebook.toml.
fn check_extra_files(
    project: &Project,
    config: &SiteConfig,
    files: &BTreeMap<String, StaticFile>,
    diags: &mut Diagnostics,
) {
    let mut text: Option<String> = None;
    for (key, list) in [
        ("extra_css", &config.extra_css),
        ("extra_js", &config.extra_js),
    ] {
        for entry in list {
            let path = entry.get_ref();
            if files.contains_key(path.trim_start_matches('/')) {
                continue;
            }
            // Read again only to show the line: the config was parsed from it.
            let text = text.get_or_insert_with(|| {
                let shown = Path::new(crate::config::FILE_NAME);
                std::fs::read(project.config_path())
                    .ok()
                    .and_then(|bytes| crate::content::decode(shown, bytes).ok())
                    .unwrap_or_default()
            });
            diags.push(
                Diagnostic::error(
                    Kind::Config,
                    format!("`{key}` lists `{path}`, which is not a file in static/"),
                )
                .at_offset(crate::config::FILE_NAME, text, entry.span().start)
                .with_help(format!(
                    "add static/{} or remove it from `{key}`; entries are paths under static/, like \"css/brand.css\"",
                    path.trim_start_matches('/')
                )),
            );
        }
    }
}

impl Statics {
    /// Leaves out the theme's optional files the site does not need.
    /// serve keeps them all, so a diagram added while editing draws at once.
    pub fn keep_needed(&mut self, needed: impl Fn(Need) -> bool) {
        let optional = &self.optional;
        self.files
            .retain(|(path, _)| optional.get(path).is_none_or(|&need| needed(need)));
    }

    /// Every output path of these files, with a hash of what it holds.
    pub fn hashes(&self) -> BTreeMap<String, u64> {
        self.files
            .iter()
            .map(|(p, file)| (p.clone(), file.hash()))
            .collect()
    }

    /// The files, by output path, read into memory (serve); a file that
    /// cannot be read is reported and left out. Big files are left out too:
    /// serve reads them from disk when asked, so they are always fresh.
    pub fn into_files(self, diags: &mut Diagnostics) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::with_capacity(self.files.len());
        for (path, file) in self.files {
            if let StaticFile::Disk { path: source, .. } = &file
                && std::fs::metadata(source).is_ok_and(|m| m.len() > crate::output::ON_DISK_FROM)
            {
                continue;
            }
            match file.into_vec() {
                Ok(bytes) => out.push((path, bytes)),
                Err(d) => diags.push(d),
            }
        }
        out
    }

    /// Adds static files and content assets; a page always wins over a
    /// static file of the same path, with a warning, and an asset over a
    /// static file. A content file at the path of a generated page (a
    /// `content/index.html` beside `content/_index.md`) is an error.
    /// Files on disk are streamed to a spilling output. Returns the paths
    /// of the static files that show.
    pub fn add_to(
        self,
        output: &mut Output,
        content: &Content,
        diags: &mut Diagnostics,
    ) -> std::collections::HashSet<String> {
        let mut shown = std::collections::HashSet::new();
        output.set_sources(self.sources);
        for (path, file) in self.files {
            if output.contains(&path) {
                diags.push(Diagnostic::warning(
                    Kind::Output,
                    format!("static file `{path}` is hidden by a page of the same path"),
                ));
                continue;
            }
            let added = match file {
                StaticFile::Disk {
                    path: source,
                    shown,
                } => output
                    .insert_file(path.clone(), &source)
                    .map_err(|e| crate::error::io_error(&shown, &e)),
                file => Ok(output.insert_slice(&path, file.held())),
            };
            match added {
                Ok(true) => {
                    shown.insert(path);
                }
                Ok(false) => {}
                Err(d) => diags.push(d),
            }
        }
        let mut asset_at: HashMap<&str, &str> = HashMap::new();
        for asset in &content.assets {
            let source_shown = Path::new("content").join(&asset.rel_path);
            if let Some(first) = asset_at.insert(&asset.dest, &asset.rel_path) {
                diags.push(
                    Diagnostic::error(
                        Kind::Content,
                        format!(
                            "this file and content/{first} would both be written to /{}",
                            asset.dest
                        ),
                    )
                    .in_file(&source_shown)
                    .with_help(
                        "rename one of them (folder names are made lowercase, with hyphens)",
                    ),
                );
                continue;
            }
            if output.contains(&asset.dest) && !shown.contains(&asset.dest) {
                diags.push(generated_clash(content, &asset.dest, &source_shown));
                continue;
            }
            shown.remove(&asset.dest);
            if let Err(e) = output.replace_with_file(asset.dest.clone(), &asset.source) {
                diags.push(crate::error::io_error(&source_shown, &e));
            }
        }
        shown
    }
}

/// A content file that would replace a page rolebook makes at `dest`.
fn generated_clash(content: &Content, dest: &str, source: &Path) -> Diagnostic {
    let url = dest.strip_suffix("index.html").unwrap_or(dest);
    let made_by = match content.by_url.get(url).map(|&id| content.page(id)) {
        Some(page) if page.implicit => "the page rolebook makes for the folder".to_string(),
        Some(page) => format!("the page made from {}", page.display_path.display()),
        None => "a page rolebook makes".to_string(),
    };
    Diagnostic::error(
        Kind::Content,
        format!("this file would replace /{dest}, {made_by}"),
    )
    .in_file(source)
    .with_help("rename or move the file; pages come from Markdown files")
}

impl Site {
    /// The section a data file sits in: its folder's (`_index.md`,
    /// `index.md`, `README.md` or made up), else the nearest above, else home.
    pub(super) fn section_for(&self, rel: &str) -> PageId {
        let mut dir = rel.rsplit_once('/').map_or("", |(d, _)| d).to_string();
        loop {
            if let Some(&id) = self.content.by_dir.get(&dir)
                && self.content.page(id).is_section()
            {
                return id;
            }
            if dir.is_empty() {
                return self.content.root;
            }
            dir = dir
                .rsplit_once('/')
                .map_or(String::new(), |(d, _)| d.to_string());
        }
    }

    /// Renders a page that has no Markdown file (data items, taxonomy
    /// terms, 404) with `template`, inside section `parent` for the sidebar.
    pub(super) fn render_virtual(
        &self,
        key: Other,
        template: &str,
        parent: PageId,
        view: &super::views::VirtualView,
        extra: &[(&str, Value)],
        out_path: &str,
    ) -> Result<String, tera::Error> {
        let mut ctx = self.base_context.clone();
        ctx.insert("rolebook", &self.rolebook_vars(out_path));
        ctx.insert("page", view);
        ctx.insert("current", view);
        self.insert_nav(&mut ctx, parent, None);
        let mut crumbs = super::views::breadcrumbs(&self.content, parent, &self.urls);
        crumbs.push(super::views::LinkView {
            title: self.content.page(parent).title.clone(),
            url: self.urls.href(&self.content.page(parent).url_path),
        });
        if parent == self.content.root {
            crumbs.truncate(1);
        }
        ctx.insert("breadcrumbs", &crumbs);
        ctx.insert("previous", &Value::Null);
        ctx.insert("next", &Value::Null);
        for (k, v) in extra {
            ctx.insert(*k, v);
        }
        self.render_other(key, template, &ctx)
    }

    pub(super) fn virtual_view<'a>(
        &self,
        kind: &'a str,
        title: &'a str,
        description: &'a str,
        url_path: &'a str,
        content: &'a str,
    ) -> super::views::VirtualView<'a> {
        super::views::VirtualView {
            kind,
            title,
            description,
            content,
            url: self.urls.href(url_path),
            permalink: self.urls.permalink(url_path),
            path: url_path,
            relative_path: None,
            toc: [],
            roles: [],
            tags: [],
            extra: serde_json::Map::new(),
            date: None,
            updated: None,
            toc_enabled: false,
            edit_url: None,
            summary: None,
            word_count: 0,
            reading_time: 0,
            weight: None,
            draft: false,
        }
    }

    pub(super) fn render_data_pages(&self, output: &mut Output, diags: &mut Diagnostics) {
        let refs = super::render::referrers(&self.content, &self.rendered);
        let href = |p: &str| self.urls.href(p);
        let ctx = ViewContext { url: &href };
        let pages = self.data.item_pages(&ctx, &refs);
        let Some(template) = self.templates().pick(&["data_item.html", "page.html"]) else {
            return;
        };
        let results: Vec<_> = pages
            .par_iter()
            .map(|item| {
                let url_path = item.url_path.trim_start_matches('/');
                let view =
                    self.virtual_view("data", &item.title, &item.description, url_path, &item.html);
                let path = output_path(url_path);
                let parent = self.section_for(&item.source);
                let html =
                    self.render_virtual(Other::DataPages, template, parent, &view, &[], &path);
                (item, path, html)
            })
            .collect();
        for (item, path, html) in results {
            let shown = Path::new("content").join(&item.source);
            let url_path = item.url_path.trim_start_matches('/');
            if self.content.by_url.contains_key(url_path) {
                // A page the writers made at this URL wins over the generated one.
                continue;
            }
            match html {
                Ok(html) => {
                    if !output.insert(path.clone(), html) {
                        diags.push(
                            Diagnostic::error(
                                Kind::Data,
                                format!(
                                    "the page for `{}` would overwrite /{}",
                                    item.title, item.url_path
                                ),
                            )
                            .in_file(&shown),
                        );
                    }
                }
                Err(e) => diags.push(render_error(&e, template, self.templates(), &shown)),
            }
        }
    }

    pub(super) fn taxa(&self) -> Taxa<'_> {
        Taxa {
            taxonomies: &self.config.taxonomies,
            content: &self.content,
            order: &self.order,
            urls: &self.urls,
            summaries: &self.summaries,
        }
    }

    /// For `get_taxonomy`: every term of a taxonomy with its pages, made on
    /// the first call and kept for the rest of the build.
    pub(super) fn taxonomy_lookup(&self) -> crate::templates::functions::TaxonomyLookup {
        let taxonomies = self.config.taxonomies.clone();
        let content = self.content.clone();
        let order = self.order.clone();
        let urls = self.urls.clone();
        let summaries = self.summaries.clone();
        let views: std::sync::OnceLock<HashMap<String, Value>> = std::sync::OnceLock::new();
        Box::new(move |name: &str| {
            let views = views.get_or_init(|| {
                Taxa {
                    taxonomies: &taxonomies,
                    content: &content,
                    order: &order,
                    urls: &urls,
                    summaries: &summaries,
                }
                .views()
            });
            views.get(name).cloned()
        })
    }

    pub(super) fn render_taxonomies(
        &self,
        selected: Selection,
        output: &mut Output,
        diags: &mut Diagnostics,
    ) {
        let taxa = self.taxa();
        // A serve update that changes terms makes them again (see `live`).
        for (name, folder, terms) in self.term_lists().iter() {
            if terms.is_empty() {
                continue;
            }
            let taxonomy = serde_json::to_value(taxa.taxonomy_view(name, folder, terms, false))
                .unwrap_or_default();
            let list_path = format!("{folder}/");
            let title = crate::content::humanize(name);
            if selected.taxonomy_lists() && self.templates().has("taxonomy_list.html") {
                let view = self.virtual_view("taxonomy", &title, "", &list_path, "");
                let out = output_path(&list_path);
                match self.render_virtual(
                    Other::TaxonomyList,
                    "taxonomy_list.html",
                    self.content.root,
                    &view,
                    &[("taxonomy", taxonomy.clone())],
                    &out,
                ) {
                    Ok(html) => self.insert_unique(output, out, html, name, diags),
                    Err(e) => diags.push(render_error(
                        &e,
                        "taxonomy_list.html",
                        self.templates(),
                        Path::new(crate::config::FILE_NAME),
                    )),
                }
            }
            if !self.templates().has("taxonomy_single.html") {
                continue;
            }
            let rendered: Vec<_> = terms
                .par_iter()
                .filter(|(slug, _)| selected.term(name, slug))
                .map(|(slug, (term_name, pages))| {
                    let term = taxa.term_view(folder, slug, term_name, pages, true);
                    let path = format!("{folder}/{slug}/");
                    let view = self.virtual_view("taxonomy", term_name, "", &path, "");
                    let out = output_path(&path);
                    let extra = [("taxonomy", taxonomy.clone()), ("term", term)];
                    (
                        out.clone(),
                        self.render_virtual(
                            Other::TermPage(name.clone(), slug.clone()),
                            "taxonomy_single.html",
                            self.content.root,
                            &view,
                            &extra,
                            &out,
                        ),
                    )
                })
                .collect();
            for (out, result) in rendered {
                match result {
                    Ok(html) => self.insert_unique(output, out, html, name, diags),
                    Err(e) => diags.push(render_error(
                        &e,
                        "taxonomy_single.html",
                        self.templates(),
                        Path::new(crate::config::FILE_NAME),
                    )),
                }
            }
        }
    }

    /// The role term pages that are written, slug -> href: the home
    /// page links only these.
    pub(super) fn role_pages(&self) -> serde_json::Map<String, Value> {
        if !self.templates().has("taxonomy_single.html") {
            return serde_json::Map::new();
        }
        let lists = self.term_lists();
        lists
            .iter()
            .filter(|(name, _, _)| name == "roles")
            .flat_map(|(_, folder, terms)| {
                terms.keys().map(move |slug| {
                    let href = self.urls.href(&format!("{folder}/{slug}/"));
                    (slug.clone(), Value::String(href))
                })
            })
            .collect()
    }

    fn insert_unique(
        &self,
        output: &mut Output,
        path: String,
        html: String,
        what: &str,
        diags: &mut Diagnostics,
    ) {
        if !output.insert(path.clone(), html) {
            diags.push(
                Diagnostic::error(
                    Kind::Output,
                    format!("the `{what}` taxonomy page /{path} has the URL of another page"),
                )
                .in_file(crate::config::FILE_NAME)
                .with_help("set another `path` for the taxonomy in rolebook.toml"),
            );
        }
    }

    /// What lists pages with their text: Atom feeds and the print page
    /// (a serve update makes only these of the extras again).
    pub(super) fn render_listings(
        &self,
        selected: Selection,
        output: &mut Output,
        diags: &mut Diagnostics,
    ) {
        self.render_feeds(selected, output);
        self.render_print(selected, output, diags);
        self.render_upkeep_pages(selected, output, diags);
    }

    /// The 404 page and alias redirects.
    pub(super) fn render_fallbacks(&self, output: &mut Output, diags: &mut Diagnostics) {
        self.render_404(output, diags);
        self.render_aliases(output, diags);
    }

    pub(super) fn render_extras(&self, output: &mut Output, diags: &mut Diagnostics) {
        self.render_fallbacks(output, diags);
        self.render_listings(Selection::All, output, diags);
        self.render_nav_files(Selection::All, output, diags);
        if self.config.generate_sitemap {
            output.insert("sitemap.xml", self.sitemap(output));
        }
        if self.config.generate_robots_txt {
            output.insert(
                "robots.txt",
                format!(
                    "User-agent: *\nAllow: /\nSitemap: {}\n",
                    self.urls.permalink("sitemap.xml")
                ),
            );
        }
    }

    fn render_404(&self, output: &mut Output, diags: &mut Diagnostics) {
        let view = self.virtual_view("404", "Page not found", "", "404.html", "");
        let html = if self.templates().has("404.html") {
            let (root, key) = (self.content.root, Other::Fallbacks);
            match self.render_virtual(key, "404.html", root, &view, &[], "404.html") {
                Ok(html) => html,
                Err(e) => {
                    diags.push(render_error(
                        &e,
                        "404.html",
                        self.templates(),
                        Path::new("404.html"),
                    ));
                    return;
                }
            }
        } else {
            format!(
                "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>Page not found</title></head><body><h1>Page not found</h1><p><a href=\"{}\">Home</a></p></body></html>",
                escape_html(&self.config.language),
                self.urls.href("")
            )
        };
        output.insert("404.html", html);
    }

    fn render_aliases(&self, output: &mut Output, diags: &mut Diagnostics) {
        for page in &self.content.pages {
            for alias in &page.meta.aliases {
                let clean = alias.trim_start_matches('/');
                let clean = clean
                    .strip_prefix(self.urls.base_path.trim_start_matches('/'))
                    .filter(|_| self.urls.base_path != "/")
                    .unwrap_or(clean);
                let path = if clean.ends_with(".html") || clean.ends_with(".htm") {
                    clean.to_string()
                } else if clean.is_empty() || clean.ends_with('/') {
                    format!("{clean}index.html")
                } else {
                    format!("{clean}/index.html")
                };
                let target = self.urls.href(&page.url_path);
                let html = if self.templates().has("alias.html") {
                    let mut ctx = self.base_context.clone();
                    ctx.insert("url", &target);
                    ctx.insert("permalink", &self.urls.permalink(&page.url_path));
                    self.render_other(Other::Fallbacks, "alias.html", &ctx)
                        .unwrap_or_default()
                } else {
                    String::new()
                };
                let html = if html.is_empty() {
                    redirect_page(&target, &self.config.language)
                } else {
                    html
                };
                if !output.insert(path.clone(), html) {
                    diags.push(
                        Diagnostic::error(
                            Kind::Content,
                            format!(
                                "alias `{alias}` is the URL of another page (or an invalid path)"
                            ),
                        )
                        .in_file(&page.display_path),
                    );
                }
            }
        }
    }

    /// Each section with an Atom feed, and the pages the feed holds: the
    /// newest 50.
    pub(super) fn feeds(&self) -> impl Iterator<Item = (PageId, Vec<PageId>)> + '_ {
        let sections = self.content.pages.iter().enumerate();
        sections
            .filter(|(_, page)| page.is_section() && page.meta.feed)
            .map(|(id, page)| {
                let mut entries: Vec<PageId> = page.pages.clone();
                entries.sort_by_key(|&e| std::cmp::Reverse(self.content.page(e).date));
                entries.truncate(50);
                (id, entries)
            })
    }

    fn render_feeds(&self, selected: Selection, output: &mut Output) {
        for (id, entries) in self.feeds() {
            if !selected.feed(id) {
                continue;
            }
            let page = self.content.page(id);
            let updated = entries
                .iter()
                .filter_map(|&e| {
                    let p = self.content.page(e);
                    p.updated.or(p.date)
                })
                .max()
                .map(|d| d.rfc3339())
                .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
            let feed_url = self.urls.permalink(&format!("{}atom.xml", page.url_path));
            let mut xml = format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n<title>{} - {}</title>\n<link rel=\"self\" href=\"{}\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n<id>{}</id>\n<updated>{}</updated>\n",
                escape_html(&self.config.language),
                escape_html(&self.config.title),
                escape_html(&page.title),
                escape_html(&feed_url),
                escape_html(&self.urls.permalink(&page.url_path)),
                escape_html(&feed_url),
                updated
            );
            for &e in &entries {
                let p = self.content.page(e);
                let link = self.urls.permalink(&p.url_path);
                let when = p
                    .updated
                    .or(p.date)
                    .map(|d| d.rfc3339())
                    .unwrap_or_else(|| updated.clone());
                let body = self.rendered[e].html.get();
                xml.push_str(&format!(
                    "<entry>\n<title>{}</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n<id>{}</id>\n<updated>{}</updated>\n{}<content type=\"html\">{}</content>\n</entry>\n",
                    escape_html(&p.title),
                    escape_html(&link),
                    escape_html(&link),
                    when,
                    p.date.map(|d| format!("<published>{}</published>\n", d.rfc3339())).unwrap_or_default(),
                    escape_html(&body)
                ));
            }
            xml.push_str("</feed>\n");
            output.insert(format!("{}atom.xml", page.url_path), xml);
        }
    }

    /// Whether this build writes the print page, which pages then link.
    pub(super) fn writes_print_page(&self) -> bool {
        self.config.print_page
            && self.templates().has("print.html")
            && self.order.len() <= self.config.print_page_max_pages
    }

    fn render_print(&self, selected: Selection, output: &mut Output, diags: &mut Diagnostics) {
        if !self.config.print_page || !self.templates().has("print.html") || !selected.print() {
            return;
        }
        if self.order.len() > self.config.print_page_max_pages {
            diags.push(
                Diagnostic::warning(
                    Kind::Output,
                    format!(
                        "the print page is left out: {} pages is more than `print_page_max_pages` ({})",
                        self.order.len(),
                        self.config.print_page_max_pages
                    ),
                )
                .in_file(crate::config::FILE_NAME),
            );
            return;
        }
        let pages: Vec<Value> = self
            .order
            .iter()
            .map(|&id| {
                let p = self.content.page(id);
                let anchor = format!("p-{}", p.url_path.trim_end_matches('/').replace('/', "-"));
                json!({
                    "title": p.title, "url": self.urls.href(&p.url_path), "level": p.depth,
                    "roles": super::views::roles_of(&self.content, id), "is_section": p.is_section(),
                    "content": scope_ids(&self.rendered[id].html.get(), &anchor), "anchor": anchor,
                })
            })
            .collect();
        let view = self.virtual_view(
            "print",
            &self.config.title,
            &self.config.description,
            "print/",
            "",
        );
        match self.render_virtual(
            Other::Print,
            "print.html",
            self.content.root,
            &view,
            &[("pages", Value::Array(pages))],
            "print/index.html",
        ) {
            Ok(html) => {
                if !output.insert("print/index.html", html) {
                    diags.push(Diagnostic::warning(
                        Kind::Output,
                        "a page has the URL /print/; the print page is not written",
                    ));
                }
            }
            Err(e) => diags.push(render_error(
                &e,
                "print.html",
                self.templates(),
                Path::new("print.html"),
            )),
        }
    }

    fn sitemap(&self, output: &Output) -> String {
        self.sitemap_with(&self.sitemap_others(output))
    }

    /// Folders of `output` with an `index.html` that no page makes (data
    /// item and taxonomy pages), in output order: the sitemap lists them
    /// after the pages.
    pub(super) fn sitemap_others(&self, output: &Output) -> Vec<String> {
        let pages: std::collections::HashSet<&str> = self
            .order
            .iter()
            .map(|&id| self.content.page(id).url_path.as_str())
            .collect();
        output
            .paths()
            .filter_map(|path| path.strip_suffix("index.html"))
            .filter(|dir| !pages.contains(dir) && *dir != "print/")
            .map(str::to_string)
            .collect()
    }

    /// The sitemap: every page in sidebar order, then `others`.
    pub(super) fn sitemap_with(&self, others: &[String]) -> String {
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for &id in &self.order {
            let p = self.content.page(id);
            let lastmod = p
                .updated
                .or(p.date)
                .map(|d| format!("<lastmod>{}</lastmod>", d.day_string()))
                .unwrap_or_default();
            xml.push_str(&format!(
                "<url><loc>{}</loc>{lastmod}</url>\n",
                escape_html(&self.urls.permalink(&p.url_path))
            ));
        }
        for dir in others {
            xml.push_str(&format!(
                "<url><loc>{}</loc></url>\n",
                escape_html(&self.urls.permalink(dir))
            ));
        }
        xml.push_str("</urlset>\n");
        xml
    }

    /// The search documents of every page, in sidebar order; none when
    /// the config turns search off.
    pub(super) fn search_docs(&self) -> Vec<std::sync::Arc<crate::search::SearchDoc>> {
        if !self.config.build_search_index {
            return Vec::new();
        }
        let mut docs: Vec<_> = self
            .order
            .par_iter()
            .map(|&id| std::sync::Arc::new(self.search_doc(id)))
            .collect();
        docs.extend(self.data_search_docs());
        docs
    }

    /// The search documents of the team's data, after the pages'; an
    /// overview page the writers replaced is indexed as their page only.
    pub(super) fn data_search_docs(&self) -> Vec<std::sync::Arc<crate::search::SearchDoc>> {
        if !self.config.build_search_index {
            return Vec::new();
        }
        self.data
            .search_docs()
            .into_iter()
            .filter(|d| !(d.doc.kind == "data" && self.content.by_url.contains_key(&d.doc.path)))
            .map(|d| {
                let section = self.section_for(&d.source);
                let top = self.content.ancestors(section).get(1).copied().or((self
                    .content
                    .page(section)
                    .depth
                    == 1)
                    .then_some(section));
                let section = top.map(|t| self.content.page(t).title.clone());
                std::sync::Arc::new(crate::search::SearchDoc {
                    section: section.unwrap_or_default(),
                    ..d.doc
                })
            })
            .collect()
    }

    pub(super) fn search_doc(&self, id: PageId) -> crate::search::SearchDoc {
        self.search_doc_of(id, &self.rendered[id])
    }

    /// The search document of page `id`, rendered as `rendered`.
    pub(super) fn search_doc_of(
        &self,
        id: PageId,
        rendered: &super::RenderedPage,
    ) -> crate::search::SearchDoc {
        let p = self.content.page(id);
        let r = &rendered.rendered;
        let top = self
            .content
            .ancestors(id)
            .get(1)
            .copied()
            .or(if p.depth == 1 { Some(id) } else { None });
        crate::search::SearchDoc {
            path: p.url_path.clone(),
            title: p.title.clone(),
            section: top
                .map(|t| self.content.page(t).title.clone())
                .unwrap_or_default(),
            roles: p.roles.iter().map(|r| r.as_str().to_string()).collect(),
            description: p.meta.description.clone().unwrap_or_default(),
            headings: r.headings.clone(),
            // The index reads the text by heading; the whole body only when there is none.
            body: if r.text_by_heading.is_empty() {
                r.plain_text()
            } else {
                String::new()
            },
            body_by_heading: r.text_by_heading.clone(),
            ..crate::search::SearchDoc::default()
        }
    }

    /// Relative links, applied to every HTML file as it is added to the
    /// output.
    pub(super) fn html_filter(&self) -> Option<crate::output::HtmlFilter> {
        if !self.config.relative_links {
            return None;
        }
        let base = self.urls.base_path.clone();
        Some(std::sync::Arc::new(move |path: &str, html: String| {
            crate::output::relativize(&html, path, &base)
        }))
    }
}

/// Prefixes the ids of one page's HTML, and its links to them, so pages
/// joined on the print page keep unique anchors.
fn scope_ids(html: &str, prefix: &str) -> String {
    html.replace(" id=\"", &format!(" id=\"{prefix}--"))
        .replace(" href=\"#", &format!(" href=\"#{prefix}--"))
}

/// The redirect written for an alias when the theme has no `alias.html`.
fn redirect_page(target: &str, language: &str) -> String {
    let t = escape_html(target);
    let lang = escape_html(language);
    format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>Redirecting</title><meta name=\"robots\" content=\"noindex\"><link rel=\"canonical\" href=\"{t}\"><meta http-equiv=\"refresh\" content=\"0; url={t}\"></head><body><p>This page has moved to <a href=\"{t}\">{t}</a>.</p></body></html>\n"
    )
}

/// What taxonomy views are made from.
pub(super) struct Taxa<'a> {
    taxonomies: &'a [crate::config::TaxonomyConfig],
    content: &'a Content,
    order: &'a [PageId],
    urls: &'a crate::templates::functions::Urls,
    summaries: &'a [std::sync::Arc<super::views::Summary>],
}

impl Taxa<'_> {
    /// Terms of each taxonomy: (name, URL folder, slug -> (term name, pages)).
    pub(super) fn terms(&self) -> TermLists {
        let mut out = Vec::new();
        for tax in self.taxonomies {
            let mut terms: BTreeMap<String, (String, Vec<PageId>)> = BTreeMap::new();
            for &id in self.order {
                for name in terms_of(self.content.page(id), tax.source()) {
                    let slug = slugify(&name);
                    terms
                        .entry(slug)
                        .or_insert_with(|| (name, Vec::new()))
                        .1
                        .push(id);
                }
            }
            out.push((tax.name.clone(), tax.url_folder().to_string(), terms));
        }
        out
    }

    /// A taxonomy with its terms; with `with_pages`, each term with the
    /// summaries of its pages (`get_taxonomy`), else with counts only:
    /// what a taxonomy page needs, small whatever the size of the site.
    fn taxonomy_view<'a>(
        &'a self,
        name: &'a str,
        folder: &'a str,
        terms: &'a Terms,
        with_pages: bool,
    ) -> TaxonomyView<'a> {
        TaxonomyView {
            name,
            path: folder,
            url: self.urls.href(&format!("{folder}/")),
            terms: terms
                .iter()
                .map(|(slug, (term, pages))| self.term_view(folder, slug, term, pages, with_pages))
                .collect(),
        }
    }

    /// A term's view; with `with_pages`, with the summaries of its pages.
    fn term_view(
        &self,
        folder: &str,
        slug: &str,
        name: &str,
        pages: &[PageId],
        with_pages: bool,
    ) -> Value {
        let view = TermView {
            name,
            slug,
            count: pages.len(),
            url: self.urls.href(&format!("{folder}/{slug}/")),
        };
        let summaries = |ids: &[PageId]| ids.iter().map(|&p| self.summaries[p].value()).collect();
        view.with_pages(with_pages.then(|| summaries(pages)))
    }

    /// For `get_taxonomy`: every term with its pages.
    fn views(&self) -> HashMap<String, Value> {
        self.terms()
            .iter()
            .map(|(name, folder, terms)| {
                let view = self.taxonomy_view(name, folder, terms, true);
                (name.clone(), serde_json::to_value(view).unwrap_or_default())
            })
            .collect()
    }
}

/// The term names a page has in a taxonomy whose terms come from `source`.
pub(super) fn terms_of(page: &crate::content::Page, source: TermSource<'_>) -> Vec<String> {
    match source {
        TermSource::Roles => page.roles.iter().map(|r| r.as_str().to_string()).collect(),
        TermSource::Tags => page.meta.tags.clone(),
        TermSource::Own(name) => {
            if let Some(terms) = page.meta.taxonomies.get(name) {
                return terms.clone();
            }
            match page.meta.extra.get(name) {
                Some(Value::Array(items)) => items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect(),
                // `squad = "checkout"`: one term, as `tags = "x"` is.
                Some(Value::String(term)) => vec![term.clone()],
                _ => Vec::new(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in theme's files are the program's own bytes, and a
    /// fingerprinted file and its plain name share one copy.
    #[test]
    fn static_files_are_held_once() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        std::fs::write(root.join("rolebook.toml"), "title = \"T\"\n").expect("config");
        std::fs::create_dir_all(root.join("static/js")).expect("mkdir");
        std::fs::write(root.join("static/js/brand.js"), "let brand = 1;\n").expect("js");
        let project = Project::new(root);
        let config = super::super::load_config(&project, &Default::default()).expect("config");
        let mut diags = Diagnostics::new();
        let statics = collect_static(&project, &config, true, &mut diags);
        assert!(!diags.has_errors(), "{diags:?}");
        let file = |path: &str| {
            let found = statics.files.iter().find(|(p, _)| p == path);
            &found.unwrap_or_else(|| panic!("no {path}")).1
        };
        let theme_css = statics.fingerprints["css/handbook.css"].clone();
        for path in ["css/handbook.css", theme_css.as_str()] {
            assert!(matches!(file(path), StaticFile::Embedded(_)), "{path}");
        }
        let named = &statics.fingerprints["js/brand.js"];
        let (StaticFile::Bytes(plain), StaticFile::Bytes(hashed)) =
            (file("js/brand.js"), file(named))
        else {
            panic!("a site's script is read once it is fingerprinted");
        };
        assert!(Arc::ptr_eq(plain, hashed));
        assert_eq!(&**plain, b"let brand = 1;\n");
    }
}
