//! The build: from a site folder to an [`Output`], stage by stage.
//!
//! `build` reads like a table of contents; each stage takes values and
//! returns new ones (most are in `stages`; the site value, [`Site`], and its
//! rendering are here). Errors are collected, not thrown at the first one,
//! and a stage whose input is broken stops the build before anything
//! reaches the output folder (files are written into a staging folder,
//! swapped in when the build succeeds).

pub mod cache;
pub mod cancel;
pub mod changes;
pub mod deps;
mod extras;
pub mod live;
mod navfile;
pub mod render;
mod stages;
mod upkeep_pages;
pub mod views;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;
use serde_json::{Value, json};
use tera::Context;

use crate::config::{self, SiteConfig};
use crate::content::{self, Content, PageId};
use crate::data::DataSet;
use crate::error::{Diagnostic, Diagnostics, Kind};
use crate::output::Output;
use crate::templates::functions::{Reads, Urls};
use crate::templates::{Renderer, Templates, Theme};
use deps::{Deps, Fact, Other};
use render::RenderedPage;
use stages::{
    add_statics, cancelled, check_anchors, fix_anchors, link_anchors, load_data, load_templates,
    load_upkeep, needed_statics, open_output, render_markdown, render_pages_and_search,
    stop_if_cancelled, stop_on_errors, take_texts, with_functions,
};

/// A site folder on disk.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
}

impl Project {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Project { root: root.into() }
    }
    pub fn config_path(&self) -> PathBuf {
        self.root.join(config::FILE_NAME)
    }
    /// Where the Markdown is: `content_dir` of the config under the root.
    pub fn content_dir(&self, config: &SiteConfig) -> PathBuf {
        let shown = config.content_display();
        if shown.as_os_str().is_empty() {
            self.root.clone()
        } else {
            self.root.join(shown)
        }
    }
    pub fn templates_dir(&self) -> PathBuf {
        self.root.join("templates")
    }
    pub fn static_dir(&self) -> PathBuf {
        self.root.join("static")
    }
    pub fn output_dir(&self, config: &SiteConfig) -> PathBuf {
        self.root.join(&config.output_dir)
    }
    /// How the site's files are found: which links are followed.
    pub fn sources(&self, config: &SiteConfig) -> crate::sources::Sources {
        crate::sources::Sources::new(&self.root, config.follow_outside_links)
    }
}

/// Options of one build, as one value. What differs between a build and
/// serve is said here as data; no stage asks which command runs it.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub drafts: bool,
    pub base_url: Option<String>,
    pub relative_links: Option<bool>,
    pub target: Target,
    /// Stylesheets and scripts are named by a hash of their bytes, so
    /// browsers may keep them for ever. serve names them plainly: editing
    /// one then changes no page.
    pub fingerprint: bool,
    /// Every theme file is written, also those no page needs yet (the
    /// diagram scripts of a site without diagrams): serve, where an edit
    /// can add a diagram without a full build.
    pub every_theme_file: bool,
    /// Each page's Markdown, and the anchors links are checked against,
    /// stay in the built site, for serve to compare edits with and check
    /// again ([`live::Live`]); a build lets them go once used.
    pub keep_sources: bool,
    /// Pages get serve's live-reload script (the server adds it): templates
    /// see `rolebook.live_reload`.
    pub live_reload_script: bool,
    /// Rendered Markdown kept between builds (serve).
    pub cache: Option<Arc<cache::RenderCache>>,
    /// Set by serve when a newer edit makes this build's result useless.
    pub cancel: cancel::Cancel,
    /// Warn about pages overdue for review or without an owner (check).
    pub review_warnings: bool,
}

impl Default for BuildOptions {
    /// A build as `rolebook build` makes it, kept in memory.
    fn default() -> Self {
        BuildOptions {
            drafts: false,
            base_url: None,
            relative_links: None,
            target: Target::default(),
            fingerprint: true,
            every_theme_file: false,
            keep_sources: false,
            live_reload_script: false,
            cache: None,
            cancel: cancel::Cancel::default(),
            review_warnings: false,
        }
    }
}

impl BuildOptions {
    /// serve's builds: kept in memory, stylesheets and scripts named
    /// plainly, the Markdown kept for in-place updates and reused from one
    /// rebuild to the next, and pages that get the live-reload script.
    pub fn serve() -> Self {
        BuildOptions {
            target: Target::Memory,
            fingerprint: false,
            every_theme_file: true,
            keep_sources: true,
            live_reload_script: true,
            cache: Some(Arc::new(cache::RenderCache::new())),
            ..BuildOptions::default()
        }
    }
}

/// Where a build's files go.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Target {
    /// Kept in memory (serve).
    #[default]
    Memory,
    /// Checked and dropped (check).
    Discard,
    /// Written to a staging folder as they are made, swapped into this folder
    /// (or the config's `output_dir`) by `Output::write_atomic`.
    Folder(Option<PathBuf>),
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Stats {
    pub pages: usize,
    pub sections: usize,
    pub data_files: usize,
    pub files: usize,
    pub millis: u128,
}

/// A finished build: the files, the warnings, and counts for the summary.
#[derive(Debug)]
pub struct Built {
    pub config: SiteConfig,
    pub output: Output,
    /// The folder the output is for, with `Target::Folder`.
    pub dest: Option<PathBuf>,
    /// The site as built, which serve starts from ([`live::Live::new`]).
    pub site: live::Kept,
    pub warnings: Diagnostics,
    /// Things worth knowing that are not problems (no Git history).
    pub notes: Vec<String>,
    pub stats: Stats,
}

pub fn load_config(project: &Project, opts: &BuildOptions) -> Result<SiteConfig, Diagnostics> {
    let path = project.config_path();
    let shown = Path::new(config::FILE_NAME);
    let text = crate::sources::read_site_file(&project.root, &path).map_err(|e| {
        Diagnostics::from(
            Diagnostic::error(
                Kind::Config,
                format!("cannot read {}: {e}", config::FILE_NAME),
            )
            .in_file(shown)
            .with_help("run rolebook in a site folder, or create one with `rolebook init`"),
        )
    })?;
    let text = content::decode(shown, text)?;
    let mut config = SiteConfig::parse(shown, &text)?;
    let content_dir = project.content_dir(&config);
    if config.content_dir != "content" && !content_dir.is_dir() {
        return Err(Diagnostic::error(
            Kind::Config,
            format!(
                "`content_dir = {:?}`: there is no such folder in the site",
                config.content_dir
            ),
        )
        .at_offset(shown, &text, config::key_offset(&text, "content_dir"))
        .with_help("name the folder that holds the Markdown, relative to rolebook.toml (`.` for this folder)")
        .into());
    }
    if let Some(url) = &opts.base_url {
        config.base_url = if url.ends_with('/') {
            url.clone()
        } else {
            format!("{url}/")
        };
    }
    if let Some(relative) = opts.relative_links {
        config.relative_links = relative;
    }
    // The theme's `[extra]` gives defaults; the site's own keys win.
    if let Ok(theme) = Theme::find(&project.root, &config.theme) {
        for (key, value) in theme.extra(&project.sources(&config)) {
            config.extra.entry(key).or_insert(value);
        }
    }
    Ok(config)
}

/// Reads the content folder as a build does: the pages and files found,
/// and every problem with them.
pub fn load_content(
    project: &Project,
    config: &SiteConfig,
    opts: &BuildOptions,
) -> (Content, Diagnostics) {
    let output_dir = match &opts.target {
        Target::Folder(Some(dir)) => dir.clone(),
        _ => project.output_dir(config),
    };
    content::load(
        &project.content_dir(config),
        config.content_display(),
        &content::LoadOptions {
            drafts: opts.drafts,
            sources: project.sources(config),
            skip: vec![output_dir],
            is_site_root: config.content_display().as_os_str().is_empty(),
        },
    )
}

/// Builds the whole site, stage by stage.
pub fn build(project: &Project, opts: &BuildOptions) -> Result<Built, Diagnostics> {
    let start = Instant::now();
    let config = load_config(project, opts)?;
    let (mut content, mut diags) = timed("content", || load_content(project, &config, opts));
    let (upkeep, notes) = timed("upkeep and history", || {
        load_upkeep(project, &config, &mut content, opts, &mut diags)
    });
    let data = load_data(&content.data, &mut diags);
    let templates = load_templates(project, &config, &mut diags);
    let statics = extras::collect_static(project, &config, opts.fingerprint, &mut diags);
    // Broken pages or data still let the other pages be checked, so one run
    // reports every independent error; without templates nothing can render.
    let templates = templates.ok_or_else(|| finish(std::mem::take(&mut diags)))?;
    let markdown = with_functions(templates, &config, &content, &statics, data);
    let texts = take_texts(&mut content, opts.keep_sources);
    let site = timed("navigation", || {
        Site::new(config, content, &markdown, upkeep, opts)
    });
    let (mut output, dest) = open_output(project, &site, &opts.target)?;
    let pages = timed("markdown", || {
        render_markdown(&site, texts, &markdown, opts, &mut output, &mut diags)
    })
    .ok_or_else(cancelled)?;
    let rendered = link_anchors(
        &site.content,
        pages.rendered,
        &site.config,
        opts.keep_sources,
        &mut diags,
    );
    stop_on_errors(&mut diags)?;
    diags.extend(pages.page_errors);
    let statics = needed_statics(statics, &site.config, &site.content, &rendered, opts);
    let site = timed("views", || site.with_rendered(rendered));
    let (deps, search_docs, search) = timed("pages, extras and search", || {
        render_pages_and_search(&site, pages.written, pages.index, &mut output, &mut diags)
    });
    output.extend(search);
    stop_if_cancelled(&opts.cancel)?;
    let site = site.with_deps(deps);
    let statics = add_statics(statics, &mut output, &site.content, &mut diags);
    diags.extend(output.take_errors());
    stop_on_errors(&mut diags)?;
    let kept = live::Kept::new(site, project, opts, search_docs, statics, &output);
    Ok(Built::new(kept, output, dest, finish(diags), notes, start))
}

impl Built {
    fn new(
        site: live::Kept,
        output: Output,
        dest: Option<PathBuf>,
        warnings: Diagnostics,
        notes: Vec<String>,
        start: Instant,
    ) -> Built {
        let content = &site.site().content;
        let stats = Stats {
            pages: content.pages.iter().filter(|p| !p.is_section()).count(),
            sections: content.pages.iter().filter(|p| p.is_section()).count(),
            data_files: content.data.len(),
            files: output.len(),
            millis: start.elapsed().as_millis(),
        };
        Built {
            config: site.site().config.clone(),
            output,
            dest,
            site,
            warnings,
            notes,
            stats,
        }
    }
}

fn finish(mut diags: Diagnostics) -> Diagnostics {
    diags.sort();
    diags
}

/// A built site: every input of the rendering stages and what they
/// derive once per build. serve keeps it between rebuilds (see `live`).
///
/// A site value is cheap to copy: every part is shared until changed, and
/// serve makes its next value from a copy (`live`), keeping this one when
/// the next fails.
#[derive(Clone)]
pub struct Site {
    config: SiteConfig,
    /// The pages, their tree and the data and asset files.
    content: Arc<Content>,
    /// The data files, read and checked.
    data: Arc<DataSet>,
    /// The templates with functions over this value's index: page and
    /// taxonomy look-ups see this value's pages (`Site::relink`).
    renderer: Renderer,
    urls: Urls,
    /// Each page's rendered Markdown, by page id.
    rendered: Arc<Vec<Arc<RenderedPage>>>,
    /// Each page's summary, by page id (see [`views::Summary`]).
    summaries: Arc<Vec<Arc<views::Summary>>>,
    /// Every page in sidebar order.
    order: Vec<PageId>,
    /// What every render's context starts from: the config.
    base_context: Context,
    /// What templates see as `rolebook.live_reload`.
    live_reload: bool,
    /// Every page's HTML stays after its file is written (serve, where an
    /// edit renders pages again); a build lets go of what nothing else
    /// reads ([`Site::read_later`]).
    keep_html: bool,
    /// Checked between chunks of pages.
    cancel: cancel::Cancel,
    /// How much of the tree `nav` holds (see [`views::NavShape`]).
    nav_shape: views::NavShape,
    /// The theme's `sidebar.html`, rendered once per open branch.
    sidebars: Arc<HashMap<PageId, String>>,
    /// The `nav` tree of each open branch, no page marked active.
    navs: Arc<HashMap<PageId, Value>>,
    /// The whole navigation as one script, on sites above
    /// `sidebar_full_limit` pages (see `navfile`).
    nav_file: Option<Arc<navfile::NavFile>>,
    /// What each page's render read (by page id), as last rendered.
    deps: Arc<Vec<Deps>>,
    /// What every other render (sidebars, data pages, taxonomies, 404,
    /// aliases, print page) looked up.
    other_reads: OtherReads,
    /// Taxonomy terms and their pages, made on first use.
    terms: std::sync::OnceLock<Arc<extras::TermLists>>,
    /// Owners, review dates and dates from Git.
    upkeep: Arc<crate::upkeep::Upkeep>,
}

/// What the templates of outputs without a Markdown file looked up, by
/// output: noted while they render (in parallel, hence the lock), merged
/// when one is rendered again. A copy of a site value starts with what the
/// value it came from had noted.
#[derive(Debug, Default)]
pub struct OtherReads(std::sync::Mutex<HashMap<Other, Reads>>);

impl OtherReads {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Other, Reads>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn merge(&self, key: Other, reads: Reads) {
        if !reads.is_empty() {
            self.lock().entry(key).or_default().merge(reads);
        }
    }

    /// What the output `key` looked up, as last rendered.
    pub fn of(&self, key: &Other) -> Reads {
        self.lock().get(key).cloned().unwrap_or_default()
    }
}

impl Clone for OtherReads {
    fn clone(&self) -> Self {
        OtherReads(std::sync::Mutex::new(self.lock().clone()))
    }
}

/// The outputs a serve update renders again; see `live`.
#[derive(Debug, Default)]
pub struct Only {
    pub pages: std::collections::HashSet<PageId>,
    /// `(taxonomy name, term slug)`.
    pub terms: std::collections::HashSet<(String, String)>,
    /// Sections whose Atom feed is made again.
    pub feeds: std::collections::HashSet<PageId>,
    pub print: bool,
    pub data_pages: bool,
    /// The taxonomy list pages (`/tags/`), whose terms or counts changed.
    pub taxonomy_lists: bool,
    /// The sitemap, when the order or the dates of pages changed.
    pub sitemap: bool,
    /// The owners and changes pages (titles or dates they list changed).
    pub upkeep_pages: bool,
    /// Every page without a Markdown file: data item pages, taxonomy
    /// pages, feeds, the print page, 404 and aliases.
    pub virtual_pages: bool,
}

/// Which outputs a render makes: every one (a build), or those a serve
/// update names.
#[derive(Debug, Clone, Copy)]
pub enum Selection<'a> {
    All,
    Only(&'a Only),
}

impl<'a> Selection<'a> {
    /// The pages to render, when not all of them.
    pub fn pages(self) -> Option<&'a std::collections::HashSet<PageId>> {
        match self {
            Selection::All => None,
            Selection::Only(only) => Some(&only.pages),
        }
    }

    fn has(self, named: impl FnOnce(&Only) -> bool) -> bool {
        match self {
            Selection::All => true,
            Selection::Only(only) => only.virtual_pages || named(only),
        }
    }

    pub fn taxonomy_lists(self) -> bool {
        self.has(|o| o.taxonomy_lists)
    }

    pub fn term(self, taxonomy: &str, slug: &str) -> bool {
        self.has(|o| o.terms.contains(&(taxonomy.to_string(), slug.to_string())))
    }

    pub fn feed(self, section: PageId) -> bool {
        self.has(|o| o.feeds.contains(&section))
    }

    pub fn print(self) -> bool {
        self.has(|o| o.print)
    }

    pub fn upkeep_pages(self) -> bool {
        self.has(|o| o.upkeep_pages)
    }
}

impl Site {
    /// The site value before any Markdown is rendered: its navigation,
    /// sidebars and upkeep facts, and no page views yet ([`Site::with_rendered`]
    /// adds them). Pages whose file needs no other page's Markdown can be
    /// written with it ([`Site::writes_early`]). `markdown` is what the
    /// Markdown is rendered with: the templates and the index without page
    /// look-ups.
    fn new(
        config: SiteConfig,
        content: Content,
        markdown: &Renderer,
        upkeep: crate::upkeep::Upkeep,
        opts: &BuildOptions,
    ) -> Self {
        let mut base_context = Context::new();
        base_context.insert("config", &config);
        let order = content.in_order();
        let big = navfile::is_big(&content, &config);
        let nav_file = big.then(|| Arc::new(navfile::NavFile::new(&content, opts.fingerprint)));
        let nav_shape = views::NavShape::of(big, markdown.templates());
        let mut site = Site {
            config,
            content: Arc::new(content),
            data: markdown.index().data(),
            renderer: markdown.clone(),
            urls: markdown.index().urls.clone(),
            rendered: Arc::default(),
            summaries: Arc::default(),
            order,
            base_context,
            live_reload: opts.live_reload_script,
            // A render cache hands the same pages to the next build.
            keep_html: opts.keep_sources || opts.cache.is_some(),
            cancel: opts.cancel.clone(),
            nav_shape,
            sidebars: Arc::default(),
            navs: Arc::default(),
            nav_file,
            deps: Arc::default(),
            other_reads: OtherReads::default(),
            terms: std::sync::OnceLock::new(),
            upkeep: Arc::new(upkeep),
        };
        if nav_shape != views::NavShape::Unused {
            site.navs = Arc::new(
                site.branches()
                    .into_par_iter()
                    .map(|b| {
                        let nav = views::nav(&site.content, b, None, &site.urls, nav_shape);
                        (b, serde_json::to_value(nav).unwrap_or_default())
                    })
                    .collect(),
            );
        }
        if !site.looks_up_pages() {
            site.sidebars = Arc::new(site.render_sidebars());
        }
        site
    }

    /// The site with every page's rendered Markdown, by page id, and the
    /// views made of it.
    fn with_rendered(mut self, rendered: Vec<Arc<RenderedPage>>) -> Site {
        let owners_href = self.urls.href("owners/");
        let summaries: Vec<Arc<views::Summary>> = (0..self.content.pages.len())
            .into_par_iter()
            .map(|id| Arc::new(self.summary_of(id, &rendered[id], &owners_href)))
            .collect();
        self.rendered = Arc::new(rendered);
        self.summaries = Arc::new(summaries);
        self.relink();
        if self.looks_up_pages() {
            self.sidebars = Arc::new(self.render_sidebars());
        }
        self
    }

    /// The summary view of page `id`, with its upkeep facts.
    fn summary_of(&self, id: PageId, rendered: &RenderedPage, owners_href: &str) -> views::Summary {
        views::summary_view(
            &self.content,
            id,
            rendered,
            &self.urls,
            self.config.edit_url.as_deref(),
            (&self.upkeep, owners_href),
        )
    }

    /// Whether a template may look up other pages' views, which exist once
    /// every page's Markdown is rendered.
    fn looks_up_pages(&self) -> bool {
        self.templates().may_look_up_pages() || self.templates().may_look_up_taxonomies()
    }

    /// The templates of this site.
    pub fn templates(&self) -> &Templates {
        self.renderer.templates()
    }

    /// Gives this value a renderer of its own whose `get_page`,
    /// `get_section` and `get_taxonomy` see this value's pages, data and
    /// terms (views made on demand). Called whenever a value is made, never
    /// changed afterwards: the value it came from keeps its own.
    fn relink(&mut self) {
        let content = self.content.clone();
        let rendered = self.rendered.clone();
        let summaries = self.summaries.clone();
        let pages: crate::templates::functions::PageLookup = Box::new(move |rel: &str| {
            let &id = content.by_rel.get(rel)?;
            let own = (&**rendered.get(id)?, &**summaries.get(id)?);
            Some(views::full_view(&content, id, own, &summaries))
        });
        let index = self
            .renderer
            .index()
            .with_data(self.data.clone())
            .with_lookups(Some((pages, self.taxonomy_lookup())));
        self.renderer = self.renderer.with_index(Arc::new(index));
    }

    /// This value's index without page look-ups: what Markdown renders
    /// with, as in a build.
    pub fn markdown_renderer(&self) -> Renderer {
        let index = self.renderer.index().with_lookups(None);
        self.renderer.with_index(Arc::new(index))
    }

    /// The site with what each page read as it was rendered.
    fn with_deps(mut self, rendered: Vec<(PageId, Deps)>) -> Site {
        let mut deps = vec![Deps::default(); self.content.pages.len()];
        for (id, d) in rendered {
            deps[id] = d;
        }
        self.deps = Arc::new(deps);
        self
    }

    /// The facts of the site that the context of page `id` holds: its
    /// own view, its ancestors' (breadcrumbs), a section's pages, its
    /// branch of the navigation, its neighbours; on the home page, the
    /// recent changes (the role terms it links to are there while their
    /// pages are: one appearing or going makes a full build).
    fn page_facts(&self, id: PageId) -> Vec<Fact> {
        let page = self.content.page(id);
        let mut facts = vec![
            Fact::Source(id),
            Fact::Content(id),
            Fact::Summary(id),
            Fact::Nav(self.branch_of(id)),
            Fact::Neighbours(id),
        ];
        facts.extend(self.content.ancestors(id).into_iter().map(Fact::Summary));
        if page.is_section() {
            facts.extend(
                page.pages
                    .iter()
                    .chain(&page.subsections)
                    .map(|&c| Fact::Summary(c)),
            );
        }
        if id == self.content.root {
            facts.push(Fact::Listing);
        }
        facts
    }

    /// Whether page `id` has a term in any taxonomy.
    pub fn has_terms(&self, id: PageId) -> bool {
        let page = self.content.page(id);
        self.config
            .taxonomies
            .iter()
            .any(|tax| !extras::terms_of(page, tax.source()).is_empty())
    }

    /// Every taxonomy's terms with their pages, made on first use.
    pub fn term_lists(&self) -> Arc<extras::TermLists> {
        self.terms
            .get_or_init(|| Arc::new(self.taxa().terms()))
            .clone()
    }

    /// Every output without a Markdown file: data item and taxonomy
    /// pages, feeds, the print page, 404, aliases, the sitemap.
    fn render_rest(&self, output: &mut Output, diags: &mut Diagnostics) {
        self.render_data_pages(output, diags);
        self.render_taxonomies(Selection::All, output, diags);
        self.render_extras(output, diags);
    }

    /// Every open branch a sidebar can have: one per section.
    fn branches(&self) -> Vec<PageId> {
        let mut branches: Vec<PageId> = (0..self.content.pages.len())
            .map(|id| self.branch_of(id))
            .collect();
        branches.sort_unstable();
        branches.dedup();
        branches
    }

    /// The section whose branch is open in the sidebar of page `id`.
    pub fn branch_of(&self, id: PageId) -> PageId {
        let page = self.content.page(id);
        if page.is_section() {
            id
        } else {
            page.parent.unwrap_or(self.content.root)
        }
    }

    /// Pages of one section share a sidebar but for the current link, so a
    /// theme's `sidebar.html` is rendered once per section, not per page.
    fn render_sidebars(&self) -> HashMap<PageId, String> {
        if !self.templates().has("sidebar.html") {
            return HashMap::new();
        }
        self.branches()
            .into_par_iter()
            .filter_map(|branch| self.render_sidebar(branch).map(|html| (branch, html)))
            .collect()
    }

    /// The sidebar of the pages in `branch`; `None` when the theme has no
    /// `sidebar.html` or it fails (pages then get `nav`).
    fn render_sidebar(&self, branch: PageId) -> Option<String> {
        if !self.templates().has("sidebar.html") {
            return None;
        }
        let mut ctx = self.base_context.clone();
        ctx.insert("nav", &self.navs.get(&branch));
        ctx.insert(
            "rolebook",
            &self.rolebook_vars(&output_path(&self.content.page(branch).url_path)),
        );
        self.render_other(Other::Sidebars, "sidebar.html", &ctx)
            .ok()
    }

    /// Sidebar and nav variables for a page in `branch`, `active` marked.
    ///
    /// A theme with `sidebar.html` gets the sidebar as HTML, made once per
    /// section; `nav`, the tree, then comes only on sites up to
    /// `sidebar_full_limit` pages, where copying it into every page is cheap.
    pub fn insert_nav(&self, ctx: &mut Context, branch: PageId, active: Option<PageId>) {
        let active_href = active.map(|id| self.urls.href(&self.content.page(id).url_path));
        let per_page = self.sidebars.is_empty() || self.nav_shape == views::NavShape::Full;
        if per_page && self.nav_shape != views::NavShape::Unused {
            let mut nav = match self.navs.get(&branch) {
                Some(nav) => nav.clone(),
                None => serde_json::to_value(views::nav(
                    &self.content,
                    branch,
                    None,
                    &self.urls,
                    self.nav_shape,
                ))
                .unwrap_or_default(),
            };
            if let Some(href) = &active_href {
                mark_active(&mut nav, href);
            }
            put(ctx, "nav", nav);
        }
        if let Some(html) = self.sidebars.get(&branch) {
            let html = match &active_href {
                Some(href) => {
                    let attr = format!("href=\"{href}\"");
                    html.replacen(&attr, &format!("{attr} aria-current=\"page\""), 1)
                }
                None => html.clone(),
            };
            put(ctx, "sidebar", Value::String(html));
        }
    }

    /// `rolebook` variables for a page at output path `out_path`.
    fn rolebook_vars(&self, out_path: &str) -> Value {
        let relative = self.config.relative_links;
        let root = if relative {
            "../".repeat(out_path.matches('/').count())
        } else {
            self.urls.base_path.clone()
        };
        let mut vars = json!({
            "version": env!("CARGO_PKG_VERSION"),
            "root": if root.is_empty() { "./".to_string() } else { root },
            "relative": relative,
            "live_reload": self.live_reload,
            "search": self.config.build_search_index,
            "print_page": self.writes_print_page(),
        });
        if let Some(file) = &self.nav_file {
            vars["nav_file"] = Value::String(self.urls.href(&file.path));
            if self.templates().has("site_map.html") {
                vars["site_map"] = Value::String(self.urls.href(navfile::SITE_MAP_PATH));
            }
        }
        vars
    }

    /// Context for rendering the page or section `id`.
    fn page_context(
        &self,
        id: PageId,
        own: (&RenderedPage, &views::Summary),
        neighbours: &Neighbours,
    ) -> Context {
        let page = self.content.page(id);
        let view = views::full_view(&self.content, id, own, &self.summaries);
        let mut ctx = self.base_context.clone();
        let out = output_path(&page.url_path);
        ctx.insert("rolebook", &self.rolebook_vars(&out));
        put(
            &mut ctx,
            if page.is_section() { "section" } else { "page" },
            view.clone(),
        );
        put(&mut ctx, "current", view);
        self.insert_nav(&mut ctx, self.branch_of(id), Some(id));
        ctx.insert(
            "breadcrumbs",
            &views::breadcrumbs(&self.content, id, &self.urls),
        );
        ctx.insert("previous", &neighbours.0);
        ctx.insert("next", &neighbours.1);
        if id == self.content.root {
            put(&mut ctx, "role_pages", Value::Object(self.role_pages()));
            ctx.insert("recent_changes", &self.recent_changes());
            if self.has_changes_page() {
                ctx.insert("changes_url", &self.urls.href("changes/"));
            }
        }
        ctx
    }

    fn template_for(&self, id: PageId) -> Result<String, String> {
        let page = self.content.page(id);
        if let Some(t) = &page.meta.template {
            return Ok(t.clone());
        }
        let names: &[&str] = if id == self.content.root {
            &["index.html", "section.html"]
        } else if page.is_section() {
            &["section.html"]
        } else {
            &["page.html"]
        };
        if !page.is_section()
            && let Some(t) = page
                .parent
                .and_then(|p| self.content.page(p).meta.page_template.clone())
        {
            return Ok(t);
        }
        self.templates()
            .pick(names)
            .map(str::to_string)
            .ok_or_else(|| format!("the theme has no `{}` template", names.join("` or `")))
    }

    /// Renders a template that is not a page's, noting what it looked up
    /// under `key`, the output it is for.
    fn render_other(&self, key: Other, name: &str, ctx: &Context) -> tera::Result<String> {
        let (result, reads) = self.renderer.render(name, ctx);
        self.other_reads.merge(key, reads);
        result
    }

    /// Renders the pages in `selected`; returns what each read.
    fn render_pages(
        &self,
        selected: Selection,
        output: &mut Output,
        diags: &mut Diagnostics,
    ) -> Vec<(PageId, Deps)> {
        let neighbours =
            views::neighbours(&self.content, &self.order, &self.urls, selected.pages());
        let ids: Vec<PageId> = match selected.pages() {
            None => (0..self.content.pages.len()).collect(),
            Some(pages) => {
                let mut ids: Vec<PageId> = pages.iter().copied().collect();
                ids.sort_unstable();
                ids
            }
        };
        let read_later = self.read_later();
        // In chunks, so a spilling output holds at most one chunk of pages.
        let mut reads = Vec::new();
        for chunk in ids.chunks(256) {
            if self.cancel.requested() {
                break;
            }
            let chunk = self.render_chunk(chunk, &neighbours, &read_later, output, diags);
            reads.extend(chunk);
        }
        reads
    }

    /// Which pages' HTML is read after their own file is written: by a
    /// feed, the print page, a template that looks pages up, or serve's
    /// next update. `None`: every page's may be.
    fn read_later(&self) -> Option<Vec<bool>> {
        if self.keep_html || self.writes_print_page() || self.templates().may_look_up_pages() {
            return None;
        }
        let mut later = vec![false; self.content.pages.len()];
        for (_, entries) in self.feeds() {
            for id in entries {
                later[id] = true;
            }
        }
        Some(later)
    }

    fn render_chunk(
        &self,
        chunk: &[PageId],
        neighbours: &[Neighbours],
        read_later: &Option<Vec<bool>>,
        output: &mut Output,
        diags: &mut Diagnostics,
    ) -> Vec<(PageId, Deps)> {
        let files: Vec<PageFile> = chunk
            .par_iter()
            .map(|&id| {
                let own = (&*self.rendered[id], &*self.summaries[id]);
                let file = self.page_file(id, own, &neighbours[id]);
                if read_later.as_ref().is_some_and(|later| !later[id]) {
                    self.rendered[id].html.release();
                }
                file
            })
            .collect();
        write_pages(files, output, diags)
    }

    /// Renders the file of page `id` from its own rendered Markdown and
    /// summary (`own`).
    fn page_file(
        &self,
        id: PageId,
        own: (&RenderedPage, &views::Summary),
        neighbours: &Neighbours,
    ) -> PageFile {
        let page = self.content.page(id);
        let path = output_path(&page.url_path);
        let name = match self.template_for(id) {
            Ok(name) if self.templates().has(&name) => name,
            Ok(name) => {
                let message = format!("template `{name}` not found");
                let error = Err(missing_template(page, message));
                return PageFile {
                    id,
                    path,
                    html: error,
                    deps: Deps::default(),
                };
            }
            Err(m) => {
                let error = Err(missing_template(page, m));
                return PageFile {
                    id,
                    path,
                    html: error,
                    deps: Deps::default(),
                };
            }
        };
        let ctx = self.page_context(id, own, neighbours);
        let (result, reads) = self.renderer.render(&name, &ctx);
        let html =
            result.map_err(|e| render_error(&e, &name, self.templates(), &page.display_path));
        let deps = Deps {
            facts: self.page_facts(id),
            template: name,
            reads,
        };
        PageFile {
            id,
            path,
            html,
            deps,
        }
    }

    /// Which pages' files can be written as soon as their own Markdown is
    /// rendered, before the other pages' (see `stages::render_markdown`):
    /// pages, not sections (which list their pages' summaries), whose HTML
    /// nothing reads later, on a site whose templates look no page up.
    /// `None` when there are none.
    fn writes_early(&self) -> Option<Vec<bool>> {
        if self.looks_up_pages() {
            return None;
        }
        let mut early = self.read_later()?;
        for (id, page) in self.content.pages.iter().enumerate() {
            early[id] = !early[id] && !page.is_section();
        }
        Some(early)
    }
}

/// Where a page's previous and next links go.
pub type Neighbours = (Option<views::LinkView>, Option<views::LinkView>);

/// A page's file as rendered: its HTML or why it failed, and what the
/// render read.
struct PageFile {
    id: PageId,
    path: String,
    html: Result<String, Diagnostic>,
    deps: Deps,
}

/// Adds rendered pages to `output`, their errors to `diags`; returns what
/// each read.
fn write_pages(
    files: Vec<PageFile>,
    output: &mut Output,
    diags: &mut Diagnostics,
) -> Vec<(PageId, Deps)> {
    let mut read = Vec::with_capacity(files.len());
    for file in files {
        match file.html {
            Ok(html) => {
                output.insert(file.path, html);
            }
            Err(d) => diags.push(d),
        }
        read.push((file.id, file.deps));
    }
    read
}

fn missing_template(page: &content::Page, message: String) -> Diagnostic {
    Diagnostic::error(Kind::Template, message)
        .in_file(&page.display_path)
        .with_help("add the template to templates/ or the theme, or fix the `template` key")
}

/// A render error, naming the template and the page being rendered.
pub fn render_error(
    err: &tera::Error,
    name: &str,
    templates: &Templates,
    page: &Path,
) -> Diagnostic {
    let chain = crate::templates::error_chain(err);
    let detail = chain.last().cloned().unwrap_or_default();
    let template = templates
        .origin
        .get(name)
        .map_or_else(|| name.to_string(), |p| p.display().to_string());
    Diagnostic::error(
        Kind::Template,
        format!("template `{template}` failed while rendering this page: {detail}"),
    )
    .in_file(page)
}

/// Moves `value` into the context under `key`: `Context::insert` would
/// copy it, and page views and sidebars are large.
fn put(ctx: &mut Context, key: &str, value: Value) {
    let mut map = serde_json::Map::new();
    map.insert(key.to_string(), value);
    ctx.extend(Context::from_value(Value::Object(map)).expect("an object is a context"));
}

/// `roles/comparison/` -> `roles/comparison/index.html`.
pub fn output_path(url_path: &str) -> String {
    format!("{url_path}index.html")
}

/// Runs one stage; its time goes to stderr with `ROLEBOOK_TIMINGS` set.
fn timed<T>(stage: &str, run: impl FnOnce() -> T) -> T {
    let lap = Lap::new();
    let value = run();
    lap.mark(stage);
    value
}

/// Stage timings on stderr when `ROLEBOOK_TIMINGS` is set (for profiling).
struct Lap {
    start: std::cell::Cell<Instant>,
    on: bool,
}

impl Lap {
    fn new() -> Self {
        Lap {
            start: std::cell::Cell::new(Instant::now()),
            on: std::env::var_os("ROLEBOOK_TIMINGS").is_some(),
        }
    }

    fn mark(&self, stage: &str) {
        if self.on {
            eprintln!(
                "timing: {stage}: {} ms",
                self.start.get().elapsed().as_millis()
            );
        }
        self.start.set(Instant::now());
    }
}

/// Sets `active` on the nav node whose `url` is `href` (the first found).
fn mark_active(nodes: &mut Value, href: &str) -> bool {
    let Some(list) = nodes.as_array_mut() else {
        return false;
    };
    for node in list {
        if node.get("url").and_then(Value::as_str) == Some(href) {
            node["active"] = Value::Bool(true);
            return true;
        }
        if let Some(children) = node.get_mut("children")
            && mark_active(children, href)
        {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A site of two sections, one with a feed, and its pages.
    fn site(config: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut all = vec![
            ("rolebook.toml", config),
            (
                "content/_index.md",
                "+++\ntitle = \"Home\"\n+++\nWelcome.\n",
            ),
            (
                "content/news/_index.md",
                "+++\ntitle = \"News\"\nfeed = true\n+++\n",
            ),
            (
                "content/news/launch.md",
                "+++\ntitle = \"Launch\"\ndate = 2026-01-02\n+++\nLaunch body.\n",
            ),
            ("content/guide/_index.md", "+++\ntitle = \"Guide\"\n+++\n"),
            (
                "content/guide/setup.md",
                "+++\ntitle = \"Setup\"\n+++\nSetup body.\n",
            ),
        ];
        all.extend_from_slice(files);
        for (rel, text) in all {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        dir
    }

    fn released(built: &Built, rel: &str) -> bool {
        let site = built.site.site();
        site.rendered[site.content.by_rel[rel]].html.is_released()
    }

    const NO_PRINT: &str =
        "title = \"T\"\nbase_url = \"https://example.org/\"\nprint_page = false\n";

    #[test]
    fn a_build_lets_go_of_html_nothing_reads_again() {
        let dir = site(NO_PRINT, &[]);
        let built = build(&Project::new(dir.path()), &BuildOptions::default()).expect("build");
        assert!(released(&built, "guide/setup.md"));
        assert!(released(&built, "guide/_index.md"));
        // Its feed reads the news page after the page's own file is written.
        assert!(!released(&built, "news/launch.md"));
        let feed = built.output.get("news/atom.xml").expect("feed");
        assert!(String::from_utf8_lossy(feed).contains("Launch body."));
        // The search index read each page's text as it was rendered.
        assert!(search_text(&built, "guide/setup.md").is_empty());
        let index = built.output.paths().filter(|p| p.starts_with("search/d-"));
        let chunks: String = index
            .map(|p| String::from_utf8_lossy(built.output.get(p).expect("chunk")).into_owned())
            .collect();
        assert!(chunks.contains("Setup body."), "{chunks}");
        // Without an index, nothing reads the text at all.
        let dir = site(&format!("{NO_PRINT}build_search_index = false\n"), &[]);
        let built = build(&Project::new(dir.path()), &BuildOptions::default()).expect("build");
        assert!(search_text(&built, "guide/setup.md").is_empty());
        assert!(!built.output.paths().any(|p| p.starts_with("search/")));
    }

    /// What templates get for a page in lists: every key, null where a
    /// page has nothing to say (the summary is kept typed, and this is
    /// the value made of it).
    #[test]
    fn a_summary_gives_templates_every_key_of_a_page_in_a_list() {
        let config = format!(
            "{NO_PRINT}edit_url = \"https://example.org/edit/\"\n\
             [owners]\n\"Ana Ruiz\" = {{ team = \"Checkout\", role = \"Product owner\" }}\n"
        );
        let setup = "+++\ntitle = \"Setup\"\nweight = 3\ntags = [\"tools\"]\nowner = \"Ana Ruiz\"\n\
                     reviewed = 2026-06-01\n[extra]\nlevel = 2\n+++\nFirst words.\n<!-- more -->\nThe rest.\n";
        let dir = site(&config, &[("content/guide/setup.md", setup)]);
        let built = build(&Project::new(dir.path()), &BuildOptions::default()).expect("build");
        let site = built.site.site();
        let value = |rel: &str| site.summaries[site.content.by_rel[rel]].value();
        let mut setup = value("guide/setup.md");
        // The review's wording and status depend on the day the test runs.
        let review = setup["review"].take();
        assert_eq!(review["due"], "2026-11-28", "{review}");
        assert!(
            review["status"].is_string() && review["overdue"].is_boolean(),
            "{review}"
        );
        assert_eq!(
            setup,
            serde_json::json!({
                "kind": "page",
                "title": "Setup",
                "description": "",
                "summary": "<p>First words.</p>\n",
                "url": "/guide/setup/",
                "permalink": "https://example.org/guide/setup/",
                "path": "guide/setup/",
                "relative_path": "guide/setup.md",
                "date": null,
                "updated": null,
                "weight": 3,
                "draft": false,
                "tags": ["tools"],
                "roles": [],
                "extra": { "level": 2 },
                "word_count": 4,
                "reading_time": 1,
                "toc_enabled": true,
                "edit_url": "https://example.org/edit/guide/setup.md",
                "depth": 2,
                "checklist": false,
                "owners": [{
                    "name": "Ana Ruiz",
                    "slug": "ana-ruiz",
                    "url": "/owners/#owner-ana-ruiz",
                    "team": "Checkout",
                    "contact": null,
                    "role": "Product owner",
                }],
                "reviewed": "2026-06-01",
                "review": null,
                "history_url": null,
            })
        );
        let section = value("guide/_index.md");
        assert_eq!(section["kind"], "section");
        assert_eq!(section["owners"], serde_json::json!([]));
        assert_eq!(section["review"], serde_json::Value::Null);
    }

    fn search_text(built: &Built, rel: &str) -> std::sync::Arc<Vec<(String, String)>> {
        let site = built.site.site();
        site.rendered[site.content.by_rel[rel]]
            .rendered
            .text_by_heading
            .clone()
    }

    #[test]
    fn html_stays_where_the_print_page_a_look_up_or_serve_may_read_it() {
        let with_print = site("title = \"T\"\nbase_url = \"https://example.org/\"\n", &[]);
        let look_up = site(
            NO_PRINT,
            &[(
                "templates/404.html",
                "{% set p = get_page(path=\"guide/setup.md\") %}{{ p.content | safe }}",
            )],
        );
        for dir in [&with_print, &look_up] {
            let built = build(&Project::new(dir.path()), &BuildOptions::default()).expect("build");
            assert!(!released(&built, "guide/setup.md"));
        }
        let built = build(&Project::new(look_up.path()), &BuildOptions::default()).expect("build");
        let page = built.output.get("404.html").expect("404");
        assert!(String::from_utf8_lossy(page).contains("Setup body."));
        let plain = site(NO_PRINT, &[]);
        let served = build(&Project::new(plain.path()), &BuildOptions::serve()).expect("build");
        assert!(!released(&served, "guide/setup.md"));
        // serve indexes an edited page again from its text.
        assert!(!search_text(&served, "guide/setup.md").is_empty());
    }

    /// Every output file of a build, by path.
    fn files(built: &Built) -> std::collections::BTreeMap<String, Vec<u8>> {
        let paths: Vec<String> = built.output.paths().cloned().collect();
        paths
            .into_iter()
            .map(|p| {
                let bytes = built.output.get(&p).expect("listed file").to_vec();
                (p, bytes)
            })
            .collect()
    }

    const STEPS: [(&str, &str); 2] = [
        (
            "content/guide/steps.md",
            "+++\ntitle = \"Steps\"\n+++\n## First step\n\nDo this.\n",
        ),
        (
            "content/guide/refs.md",
            "+++\ntitle = \"Refs\"\n+++\nSee [the first step](steps.md#First-Step).\n",
        ),
    ];

    #[test]
    fn pages_written_with_their_markdown_match_pages_written_after_it() {
        let plain = site(NO_PRINT, &STEPS);
        let built = build(&Project::new(plain.path()), &BuildOptions::default()).expect("build");
        let value = built.site.site();
        let early = value.writes_early().expect("pages are written early");
        let by_rel = |rel: &str| early[value.content.by_rel[rel]];
        assert!(by_rel("guide/setup.md") && by_rel("guide/steps.md") && by_rel("guide/refs.md"));
        // Sections list their pages; the feed reads its entries.
        assert!(!by_rel("guide/_index.md") && !by_rel("_index.md"));
        assert!(!by_rel("news/launch.md"));
        // A template that may look pages up makes every file wait for all
        // the Markdown; the files are the same either way.
        let mut steps = STEPS.to_vec();
        steps.push(("templates/unused.html", "{# get_taxonomy #}"));
        let waiting = site(NO_PRINT, &steps);
        let later = build(&Project::new(waiting.path()), &BuildOptions::default()).expect("build");
        assert!(later.site.site().writes_early().is_none());
        assert_eq!(files(&built), files(&later));
        // The link to another page's anchor was made that anchor.
        let refs =
            String::from_utf8_lossy(built.output.get("guide/refs/index.html").expect("refs"))
                .into_owned();
        assert!(refs.contains("steps/#first-step"), "{refs}");
    }

    #[test]
    fn a_page_written_early_reports_its_template_error_only_when_the_markdown_has_none() {
        let odd = [
            (
                "content/guide/odd.md",
                "+++\ntitle = \"Odd\"\ntemplate = \"odd.html\"\n+++\nOdd.\n",
            ),
            ("templates/odd.html", "{{ page.no_such_key.inner }}"),
        ];
        let mut broken = odd.to_vec();
        broken.push((
            "content/guide/broken.md",
            "+++\ntitle = \"B\"\n+++\n{{ no_such_shortcode() }}\n",
        ));
        let dir = site(NO_PRINT, &broken);
        let errors = build(&Project::new(dir.path()), &BuildOptions::default())
            .expect_err("broken Markdown")
            .render(false);
        assert!(errors.contains("no_such_shortcode"), "{errors}");
        assert!(!errors.contains("odd.html"), "{errors}");
        let dir = site(NO_PRINT, &odd);
        let errors = build(&Project::new(dir.path()), &BuildOptions::default())
            .expect_err("broken template")
            .render(false);
        assert!(
            errors.contains("odd.html") && errors.contains("guide/odd.md"),
            "{errors}"
        );
    }
}
