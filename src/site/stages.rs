//! The stages of a build besides the site value's own rendering (see
//! [`Site`]): loading data, templates and upkeep, the Markdown, anchors
//! across pages, where the files go, pages with the search index, static
//! files. Each takes values and returns values; `build` lists them.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use super::deps::Deps;
use super::render::{self, RenderedPage};
use super::{BuildOptions, Project, Selection, Site, Target, cache, cancel, extras, finish, live};
use crate::config::{self, SiteConfig};
use crate::content::{self, Content, PageId};
use crate::data::{self, DataSet};
use crate::error::{Diagnostic, Diagnostics, Kind};
use crate::output::Output;
use crate::search::SearchDoc;
use crate::templates::functions::{SiteIndex, Urls};
use crate::templates::{Renderer, Templates, Theme};

/// Owners, review dates and dates from Git; with `review_warnings`,
/// warnings about pages overdue for review.
pub(super) fn load_upkeep(
    project: &Project,
    config: &SiteConfig,
    content: &mut Content,
    opts: &BuildOptions,
    diags: &mut Diagnostics,
) -> (crate::upkeep::Upkeep, Vec<String>) {
    let content_dir = project.content_dir(config);
    crate::upkeep::load(&content_dir, config, content, opts.review_warnings, diags)
}

/// Gives the templates their functions (`get_url`, `load_data`, ...) over
/// an index of the site without page look-ups: what the Markdown's
/// shortcodes render with. The site value gets its own once its pages are rendered
/// ([`Site::with_rendered`]).
pub(super) fn with_functions(
    mut templates: Templates,
    config: &SiteConfig,
    content: &Content,
    statics: &extras::Statics,
    data: DataSet,
) -> Renderer {
    let urls = Urls {
        base_path: config.base_path(),
        permalink_root: config.permalink_root(),
    };
    let index = SiteIndex {
        urls,
        url_of: Arc::new(
            content
                .pages
                .iter()
                .map(|p| (p.rel_path.clone(), p.url_path.clone()))
                .collect(),
        ),
        assets: Arc::new(statics.fingerprints.clone()),
        data: Arc::new(data),
        markdown: config.markdown.clone(),
        pages: None,
        taxonomies: None,
    };
    templates.max_output = config.max_page_size_mb.max(1).saturating_mul(1 << 20);
    Renderer::new(Arc::new(templates), Arc::new(index))
}

/// Anchors checked across pages, and fragments in another case made the
/// anchor they name. Nothing else reads the anchors and the links to
/// them but serve, which checks them again after an edit: unless `keep`,
/// they are let go here.
pub(super) fn link_anchors(
    content: &Content,
    mut rendered: Vec<Arc<RenderedPage>>,
    config: &SiteConfig,
    keep: bool,
    diags: &mut Diagnostics,
) -> Vec<Arc<RenderedPage>> {
    let fixes = check_anchors(content, &rendered, config.links.broken, diags);
    fix_anchors(&mut rendered, fixes);
    if !keep {
        rendered.par_iter_mut().for_each(|r| {
            if let Some(r) = Arc::get_mut(r) {
                r.rendered.anchors = Default::default();
                r.rendered.pending = Vec::new();
            }
        });
    }
    rendered
}

/// Where the files go, and the folder they are for with `Target::Folder`.
pub(super) fn open_output(
    project: &Project,
    site: &Site,
    target: &Target,
) -> Result<(Output, Option<PathBuf>), Diagnostics> {
    let (mut output, dest) = match target {
        Target::Memory => (Output::new(), None),
        Target::Discard => (Output::discarding(), None),
        Target::Folder(dir) => {
            let dir = dir
                .clone()
                .unwrap_or_else(|| project.output_dir(&site.config));
            let mut sources = vec![
                (project.static_dir(), "static"),
                (project.templates_dir(), "templates"),
                (project.root.join("themes"), "themes"),
            ];
            // A content folder that is the site folder holds the output
            // folder too; reading content leaves output folders out.
            if !site.config.content_display().as_os_str().is_empty() {
                sources.insert(0, (project.content_dir(&site.config), "content"));
            }
            crate::output::check_not_inside(&dir, &sources)?;
            let keep = crate::output::Keep::new(&site.config.keep).unwrap_or_default();
            let output = Output::spilling_to(&dir, keep).map_err(Diagnostics::from)?;
            (output, Some(dir))
        }
    };
    if let Some(filter) = site.html_filter() {
        output.set_html_filter(filter);
    }
    Ok((output, dest))
}

/// The search index's files, by output path.
pub(super) type SearchFiles = Vec<(String, Vec<u8>)>;

/// The search index needs only the rendered text: it is made while the
/// pages not `written` with their Markdown, and every output without a
/// Markdown file, are rendered and written. Returns what each page read,
/// the search documents and the index's files.
pub(super) fn render_pages_and_search(
    site: &Site,
    written: Vec<(PageId, Deps)>,
    mut index: crate::search::Index,
    output: &mut Output,
    diags: &mut Diagnostics,
) -> (Vec<(PageId, Deps)>, Vec<Arc<SearchDoc>>, SearchFiles) {
    // The pages not yet written with their Markdown.
    let mut rest = super::Only {
        pages: (0..site.content.pages.len()).collect(),
        ..Default::default()
    };
    for (id, _) in &written {
        rest.pages.remove(id);
    }
    let selection = if written.is_empty() {
        Selection::All
    } else {
        Selection::Only(&rest)
    };
    let (mut reads, (docs, files)) = rayon::join(
        || {
            let reads = site.render_pages(selection, output, diags);
            if !site.cancel.requested() {
                site.render_rest(output, diags);
            }
            reads
        },
        || {
            // The pages are in the index already; the data follows them.
            let docs = site.search_docs();
            let files = if docs.is_empty() {
                Vec::new()
            } else {
                let all: Vec<&SearchDoc> = docs.iter().map(|d| &**d).collect();
                let pages = site.order.len();
                index.add_from(pages, &all[pages..]);
                index.files(&all)
            };
            (docs, files)
        },
    );
    reads.extend(written);
    (reads, docs, files)
}

/// Leaves out the theme's files no page needs (unless `opts` asks for
/// every one): the diagram scripts when no page has a diagram, the tree
/// script on a site small enough to carry its whole sidebar in each page.
pub(super) fn needed_statics(
    mut statics: extras::Statics,
    config: &SiteConfig,
    content: &Content,
    rendered: &[Arc<RenderedPage>],
    opts: &BuildOptions,
) -> extras::Statics {
    if !opts.every_theme_file {
        let diagrams = extras::has_diagrams(rendered);
        let big = super::navfile::is_big(content, config);
        statics.keep_needed(|need| match need {
            extras::Need::Diagrams => diagrams,
            extras::Need::NavTree => big,
        });
    }
    statics
}

/// Adds the static files to the output; returns what serve needs of them.
pub(super) fn add_statics(
    statics: extras::Statics,
    output: &mut Output,
    content: &Content,
    diags: &mut Diagnostics,
) -> live::StaticFiles {
    let hashes = statics.hashes();
    let shown = statics.add_to(output, content, diags);
    live::StaticFiles { hashes, shown }
}

/// Stops the build when `diags` holds an error, with every diagnostic.
pub(super) fn stop_on_errors(diags: &mut Diagnostics) -> Result<(), Diagnostics> {
    if diags.has_errors() {
        return Err(finish(std::mem::take(diags)));
    }
    Ok(())
}

/// What a cut-short build returns; serve, which asked for it, drops it.
pub(super) fn cancelled() -> Diagnostics {
    Diagnostics::from(Diagnostic::error(
        Kind::Io,
        "the build was cut short by a newer change",
    ))
}

pub(super) fn stop_if_cancelled(cancel: &cancel::Cancel) -> Result<(), Diagnostics> {
    if cancel.requested() {
        return Err(cancelled());
    }
    Ok(())
}

pub(super) fn load_data(sources: &[content::DataSource], diags: &mut Diagnostics) -> DataSet {
    let parsed: Vec<_> = sources
        .par_iter()
        .map(|source| data::parse_lenient(&source.rel_path, &source.display_path, &source.text))
        .collect();
    // Entries of a file with errors are kept where they have an id, so
    // references to them do not add errors of their own.
    let mut files = Vec::new();
    for (file, d) in parsed {
        diags.extend(d);
        files.extend(file);
    }
    let (set, d) = DataSet::new(files);
    diags.extend(d);
    set
}

pub(super) fn load_templates(
    project: &Project,
    config: &SiteConfig,
    diags: &mut Diagnostics,
) -> Option<Templates> {
    let theme = match Theme::find(&project.root, &config.theme) {
        Ok(theme) => theme,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    match Templates::load(
        &theme,
        &project.templates_dir(),
        &project.sources(config),
        diags,
    ) {
        Ok(t) => Some(t),
        Err(d) => {
            diags.extend(d);
            None
        }
    }
}

/// What every page's Markdown depends on besides its own text and the data
/// (see [`data_hash`]): the config, the shortcode templates, static file
/// names and every URL.
pub(super) fn environment_hash(
    config: &SiteConfig,
    content: &Content,
    templates: &Templates,
    statics: &HashMap<String, String>,
) -> u64 {
    let mut urls: Vec<(&str, &str)> = content
        .pages
        .iter()
        .map(|p| (p.rel_path.as_str(), p.url_path.as_str()))
        .collect();
    urls.sort_unstable();
    let mut assets: Vec<&str> = content.assets.iter().map(|a| a.rel_path.as_str()).collect();
    assets.sort_unstable();
    let mut fingerprints: Vec<(&String, &String)> = statics.iter().collect();
    fingerprints.sort_unstable();
    cache::hash_of((
        serde_json::to_string(config).unwrap_or_default(),
        templates.markdown_hash,
        urls,
        assets,
        fingerprints,
        &content.drafts,
        &content.unreadable,
    ))
}

/// The data files' names and text: what pages that read data depend on.
pub(super) fn data_hash(content: &Content) -> u64 {
    let data: Vec<(&str, &str)> = content
        .data
        .iter()
        .map(|d| (d.rel_path.as_str(), d.text.as_str()))
        .collect();
    cache::hash_of(data)
}

/// Each page's Markdown, for [`render_markdown`]. Nothing reads it after
/// that stage but serve, which compares edits with it (`keep`): a build
/// takes each page's text out of the content and lets it go as soon as the
/// page is rendered, so a big site never holds all of its Markdown and all
/// of its HTML at once.
pub(super) fn take_texts(content: &mut Content, keep: bool) -> Vec<Arc<str>> {
    if keep {
        return content.pages.iter().map(|p| p.text.clone()).collect();
    }
    let empty: Arc<str> = Arc::from("");
    let pages = content.pages.iter_mut();
    pages
        .map(|p| std::mem::replace(&mut p.text, empty.clone()))
        .collect()
}

/// What the Markdown stage gives: every page's rendered Markdown, by page
/// id, and the pages written with it.
pub(super) struct Markdown {
    pub rendered: Vec<Arc<RenderedPage>>,
    /// The pages whose file is already in the output, with what each read.
    pub written: Vec<(PageId, Deps)>,
    /// The errors of rendering those files: reported only when the
    /// Markdown has none, as if the files were rendered after it.
    pub page_errors: Diagnostics,
    /// The search index of the pages (empty when search is off).
    pub index: crate::search::Index,
}

/// How many pages are rendered between two writes to the output: what a
/// build holds of the pages written as soon as their Markdown is rendered.
const CHUNK: usize = 256;

/// Every page's Markdown as HTML (`texts`, by page id); with a cache, only
/// the pages whose text or environment changed. `None` when the build was
/// cut short.
///
/// A page that nothing else reads ([`Site::writes_early`]) and that links
/// to no anchor of another page (checked once every page is rendered) is
/// rendered into its file at once, and its HTML let go: a big site never
/// holds the HTML of all its pages.
pub(super) fn render_markdown(
    site: &Site,
    texts: Vec<Arc<str>>,
    renderer: &Renderer,
    opts: &BuildOptions,
    output: &mut Output,
    diags: &mut Diagnostics,
) -> Option<Markdown> {
    let (config, content) = (&site.config, &*site.content);
    let index = renderer.index();
    let env = environment_hash(config, content, renderer.templates(), &index.assets);
    let (cache, cancel, data, urls) = (
        opts.cache.as_deref(),
        &opts.cancel,
        index.data(),
        &index.urls,
    );
    let data_hash = data_hash(content);
    let previous = cache.map(|c| c.take(env, data_hash)).unwrap_or_default();
    let fresh = std::sync::atomic::AtomicUsize::new(0);
    let early = site.writes_early();
    let neighbours = early
        .as_ref()
        .map(|_| super::views::neighbours(content, &site.order, &site.urls, None));
    let owners_href = site.urls.href("owners/");
    let write_early = |id: PageId, rendered: &RenderedPage, d: &Diagnostics| {
        let (early, neighbours) = (early.as_ref()?, neighbours.as_ref()?);
        if !early[id] || !rendered.rendered.pending.is_empty() || d.has_errors() {
            return None;
        }
        // Made again with the others' (`Site::with_rendered`): kept from
        // here, every summary would live through the whole Markdown stage,
        // where a big build's memory peaks.
        let summary = site.summary_of(id, rendered, &owners_href);
        let file = site.page_file(id, (rendered, &summary), &neighbours[id]);
        rendered.html.release();
        Some(file)
    };
    let mut out = Markdown {
        rendered: Vec::with_capacity(texts.len()),
        written: Vec::new(),
        page_errors: Diagnostics::new(),
        index: crate::search::Index::default(),
    };
    // Each page's place in the search index: its place in the sidebar.
    let mut places = vec![None; content.pages.len()];
    if config.build_search_index {
        for (place, &id) in site.order.iter().enumerate() {
            places[id] = u32::try_from(place).ok();
        }
    }
    let mut kept = HashMap::new();
    let render_chunk = |chunk: Vec<(PageId, Arc<str>)>| -> Option<Vec<_>> {
        chunk
            .into_par_iter()
            .map(|(id, text)| {
                let page = content.page(id);
                let text_hash = cache::hash_of((&*text, page.body_offset));
                if let Some((hash, rendered, d)) = previous.get(&page.rel_path)
                    && *hash == text_hash
                {
                    return Some((text_hash, rendered.clone(), d.clone(), None));
                }
                if cancel.before_page() {
                    return None;
                }
                fresh.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let (mut rendered, d) =
                    render::render_page(page, &text, content, &data, renderer, urls, config);
                let file = write_early(id, &rendered, &d);
                if file.is_some() {
                    // Nothing but the page's own file shows its contents list.
                    rendered.rendered.toc = Vec::new();
                }
                Some((text_hash, Arc::new(rendered), d, file))
            })
            .collect()
    };
    // The files of one chunk are written while the next chunk renders.
    let mut files: Vec<super::PageFile> = Vec::new();
    let mut texts = texts.into_iter().enumerate().peekable();
    while texts.peek().is_some() {
        let chunk: Vec<(PageId, Arc<str>)> = texts.by_ref().take(CHUNK).collect();
        let (written, results) = rayon::join(
            || super::write_pages(std::mem::take(&mut files), output, &mut out.page_errors),
            || render_chunk(chunk),
        );
        out.written.extend(written);
        let Some(results) = results else {
            // Cut short: what was cached stays for the next build.
            if let Some(cache) = cache {
                cache.store((env, data_hash), previous, 0);
            }
            return None;
        };
        let first = out.rendered.len();
        for (hash, rendered, d, file) in results {
            let page = content.page(out.rendered.len());
            diags.extend(d.clone());
            if cache.is_some() {
                kept.insert(page.rel_path.clone(), (hash, rendered.clone(), d));
            }
            out.rendered.push(rendered);
            files.extend(file);
        }
        index_pages(site, &mut out, first, &places, opts.keep_sources);
    }
    let written = super::write_pages(files, output, &mut out.page_errors);
    out.written.extend(written);
    if !opts.keep_sources {
        // The lines highlighting remembered are of no use to the rest of
        // a build, which holds the pages' HTML; serve keeps them.
        rayon::broadcast(|_| crate::markdown::highlight::forget());
    }
    if let Some(cache) = cache {
        cache.store((env, data_hash), kept, fresh.into_inner());
    }
    Some(out)
}

/// Adds the pages from `first` on to the search index, if the site has
/// one. Nothing else but serve reads the text the index reads (`keep`): a
/// build lets it go, with or without an index.
fn index_pages(site: &Site, out: &mut Markdown, first: PageId, places: &[Option<u32>], keep: bool) {
    let docs: Vec<(u32, SearchDoc)> = (first..out.rendered.len())
        .into_par_iter()
        .filter_map(|id| Some((places[id]?, site.search_doc_of(id, &out.rendered[id]))))
        .collect();
    if !docs.is_empty() {
        let numbered: Vec<(u32, &SearchDoc)> = docs.iter().map(|(n, d)| (*n, d)).collect();
        out.index.add(&numbered);
    }
    drop(docs);
    if !keep {
        for rendered in &mut out.rendered[first..] {
            if let Some(rendered) = Arc::get_mut(rendered) {
                rendered.rendered.text_by_heading = Arc::default();
                rendered.rendered.headings = Arc::default();
            }
        }
    }
}

/// Links to `page.md#anchor` on other pages, checked now that every page's
/// anchors are known.
/// A link whose fragment names an anchor in another case: (linking page,
/// fragment as written, the anchor's id).
pub(super) type AnchorFix = (PageId, String, String);

/// Checks links to anchors on other pages. A fragment that matches an
/// anchor in another case (`#Getting-Started`, which GitHub accepts) is not
/// an error: it is returned, to be made that anchor with [`fix_anchors`].
pub(super) fn check_anchors(
    content: &Content,
    rendered: &[Arc<RenderedPage>],
    severity: config::BrokenLinks,
    diags: &mut Diagnostics,
) -> Vec<AnchorFix> {
    let mut fixes = Vec::new();
    let mut by_case = std::collections::HashMap::new();
    for (id, r) in rendered.iter().enumerate() {
        let page = content.page(id);
        let mut broken = 0;
        // A build has let the page's text go: read again for a message.
        let text = std::cell::OnceCell::new();
        let text = || text.get_or_init(|| page_text(page)).clone();
        for pending in &r.rendered.pending {
            let Some(&target) = content.by_rel.get(&pending.target) else {
                continue;
            };
            let anchors = &rendered[target].rendered.anchors;
            if anchors.contains(&pending.fragment) {
                continue;
            }
            let folded = by_case
                .entry(target)
                .or_insert_with(|| crate::markdown::AnchorCase::new(anchors));
            if let Some(there) = folded.find(&pending.fragment) {
                fixes.push((id, pending.fragment.clone(), there.to_string()));
                continue;
            }
            let message = format!(
                "broken anchor: `{}` has no heading or anchor `#{}`",
                pending.target, pending.fragment
            );
            let d = match severity {
                config::BrokenLinks::Error => Diagnostic::error(Kind::Link, message),
                config::BrokenLinks::Warn => Diagnostic::warning(Kind::Link, message),
            };
            let text = text();
            diags.push(
                crate::error::Lines::new(&page.display_path, &text)
                    .at(d, pending.offset)
                    .with_help(crate::markdown::suggest(broken, &pending.fragment, anchors)),
            );
            broken += 1;
        }
    }
    fixes
}

/// The text of `page`'s file: as kept, or read again once a build has let
/// it go (empty if it cannot be read now).
fn page_text(page: &content::Page) -> Arc<str> {
    if !page.text.is_empty() {
        return page.text.clone();
    }
    crate::sources::read(&page.source_path)
        .ok()
        .and_then(|bytes| content::decode(&page.display_path, bytes).ok())
        .map_or_else(|| Arc::from(""), |text| Arc::from(text.as_str()))
}

/// Makes each fragment of `fixes` the anchor it names, in the linking
/// page's HTML and summary.
pub(super) fn fix_anchors(rendered: &mut [Arc<RenderedPage>], fixes: Vec<AnchorFix>) {
    let mut by_page: std::collections::BTreeMap<PageId, Vec<(String, String)>> =
        std::collections::BTreeMap::new();
    for (id, from, to) in fixes {
        by_page.entry(id).or_default().push((from, to));
    }
    for (id, fixes) in by_page {
        let page = Arc::make_mut(&mut rendered[id]);
        let html = crate::markdown::replace_fragments(&page.html.get(), &fixes);
        page.html.set(html);
        let r = &mut page.rendered;
        if let Some(summary) = &r.summary {
            r.summary = Some(crate::markdown::replace_fragments(summary, &fixes));
        }
    }
}
