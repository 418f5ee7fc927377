//! Serve's rebuilds: the built site kept in memory, and each edit made
//! into the next site value.
//!
//! A full build is a function of the site folder alone. Serve keeps the
//! [`Site`] value it made; an edit makes the next value from a copy of it
//! (every part shared until changed) with the change applied, and only
//! when the next value is whole and rendered does it replace the last. A
//! failed edit drops the next value: the last good one stays, with nothing
//! to undo.
//!
//! What to render again follows one model ([`super::deps`]): each output
//! noted what it read when it was last rendered (the facts of the site its
//! context held, and what its template looked up), [`Changed::between`]
//! says which facts differ between the last value and the next, and the
//! outputs that read one of them are rendered again, and no others. An
//! edit whose Markdown gives the same HTML and summary renders nothing but
//! the page it edits.
//!
//! What a change is comes from the kinds the watcher gave its paths
//! ([`ChangeSet`]), applied as it is:
//!
//! - page edits (text or front matter of pages that exist): their Markdown
//!   is rendered again, their summaries made again, their sections put in
//!   order again and the navigation made again where it shows them;
//! - data edits: the data set is made again, and the Markdown of every page
//!   that reads data (it links to data items or runs shortcodes); pages
//!   whose template read data are rendered again;
//! - template edits (shortcodes aside: they make Markdown): the pages whose
//!   template is, extends, includes or imports a changed one, every page
//!   without a Markdown file; a changed `sidebar.html`, every page;
//! - static file edits just replace theirs: serve builds without
//!   fingerprinted names, so no page names their bytes.
//!
//! The search documents of the edited pages are made again too; serve
//! builds the index from them after telling the browser ([`Live::search_docs`]),
//! as it is part of no page.
//!
//! A change that adds or removes outputs, or that a value cannot be made
//! from in place, answers [`Update::Full`], and serve makes a full build,
//! which still reuses the Markdown of unchanged pages (see `cache`): a mix
//! of kinds in one burst, the config, a shortcode, a page, data file,
//! template or static file added, removed or renamed, a section's front
//! matter, a new URL or redirect, a term appearing or going, new owners or
//! review dates (worked out once per build), or a sidebar whose template
//! looked up what changed. The tests compare
//! every file of an updated site with a build from scratch
//! (`tests/it/live.rs`, and random edits in `tests/it/live_prop.rs`).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::changes::{ChangeKind, ChangeSet};
use super::deps::{self, Changed, Other};
use super::{
    BuildOptions, Only, Selection, Site, check_anchors, finish, fix_anchors, render, views,
};
use crate::content::{self, PageId};
use crate::error::Diagnostics;
use crate::output::Output;
use crate::search::SearchDoc;
use crate::templates::Renderer;
use serde_json::Value;

/// A built site with what serve needs to update it.
pub struct Live {
    site: Site,
    /// The site folder.
    root: PathBuf,
    drafts: bool,
    /// Warnings about each page's file (front matter, Markdown), by id.
    page_warnings: Vec<Diagnostics>,
    /// Every other warning of the build.
    other_warnings: Diagnostics,
    /// Search documents in sidebar order (empty with search off), and the
    /// place of each page among them.
    search_docs: Vec<Arc<SearchDoc>>,
    search_place: HashMap<PageId, usize>,
    /// What the sitemap lists after the pages (see `extras`).
    sitemap_others: Vec<String>,
    statics: StaticFiles,
}

/// The static files of a build.
pub(super) struct StaticFiles {
    /// The output paths of the static files with a hash of their bytes.
    pub hashes: std::collections::BTreeMap<String, u64>,
    /// The paths a page or a content asset does not hide.
    pub shown: HashSet<String>,
}

/// What a build returns for serve to start from ([`Live::new`]): the site
/// and what an update needs of the output. A build that does not keep it
/// lets it go on another thread: freeing every page of a big site takes
/// a while, and nobody waits for it.
pub struct Kept(Option<Box<KeptParts>>);

struct KeptParts {
    site: Site,
    root: PathBuf,
    drafts: bool,
    search_docs: Vec<Arc<SearchDoc>>,
    sitemap_others: Vec<String>,
    statics: StaticFiles,
}

impl Kept {
    pub(super) fn new(
        site: Site,
        project: &super::Project,
        opts: &BuildOptions,
        search_docs: Vec<Arc<SearchDoc>>,
        statics: StaticFiles,
        output: &Output,
    ) -> Kept {
        Kept(Some(Box::new(KeptParts {
            sitemap_others: site.sitemap_others(output),
            site,
            root: project.root.clone(),
            drafts: opts.drafts,
            search_docs,
            statics,
        })))
    }

    pub(super) fn site(&self) -> &Site {
        match &self.0 {
            Some(parts) => &parts.site,
            None => unreachable!("only `Live::new` and `drop` take the parts"),
        }
    }
}

impl Drop for Kept {
    fn drop(&mut self) {
        if let Some(parts) = self.0.take() {
            // Without a thread to spare, the parts are freed here.
            let _ = std::thread::Builder::new().spawn(move || drop(parts));
        }
    }
}

impl std::fmt::Debug for Kept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kept")
            .field("pages", &self.site().content.pages.len())
            .finish()
    }
}

impl std::fmt::Debug for Live {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Live")
            .field("pages", &self.site.content.pages.len())
            .finish()
    }
}

/// What an update did.
#[derive(Debug)]
pub enum Update {
    /// The change needs a full build.
    Full,
    /// The change does not build; the site is as it was.
    Failed(Diagnostics),
    Done(Patch),
}

/// The outputs an update rendered again, and the site's warnings now.
#[derive(Debug)]
pub struct Patch {
    /// Output path and bytes, whether or not they differ from before.
    pub files: Files,
    /// Pages whose text changed.
    pub edited: usize,
    /// What was rendered again, in words: `1 edited page`.
    pub what: String,
    /// What was done to `files`: "rendered", or "copied" for static files.
    pub verb: &'static str,
    pub warnings: Diagnostics,
}

impl Default for Patch {
    fn default() -> Self {
        Patch {
            files: Files::new(),
            edited: 0,
            // A file saved as it was: serve says `Rebuilt nothing after ...`.
            what: "nothing".to_string(),
            verb: "rendered",
            warnings: Diagnostics::new(),
        }
    }
}

fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// Output files as an update renders them.
pub type Files = Vec<(String, Arc<Vec<u8>>)>;

/// A page edit read from disk, not yet applied.
struct Edit {
    id: PageId,
    text: std::sync::Arc<str>,
    body_offset: usize,
    warnings: Diagnostics,
    /// The page as read, when its front matter (or title) changed too.
    front: Option<Box<content::Page>>,
}

impl Live {
    /// Serve's site, from what a build made with `keep_sources` returned,
    /// and the build's warnings.
    pub fn new(mut kept: Kept, warnings: &Diagnostics) -> Live {
        let Some(parts) = kept.0.take() else {
            unreachable!("a `Kept` holds its parts until taken here");
        };
        let KeptParts {
            mut site,
            root,
            drafts,
            search_docs,
            sitemap_others,
            statics,
        } = *parts;
        // Later updates of the kept site are never cut short.
        site.cancel = super::cancel::Cancel::default();
        let mut page_warnings = vec![Diagnostics::new(); site.content.pages.len()];
        let by_path: HashMap<&Path, PageId> = site
            .content
            .pages
            .iter()
            .enumerate()
            .map(|(id, p)| (p.display_path.as_path(), id))
            .collect();
        let mut other_warnings = Diagnostics::new();
        for d in warnings.iter() {
            let page = d
                .location
                .as_ref()
                .and_then(|l| by_path.get(l.path.as_path()));
            match page {
                Some(&id) => page_warnings[id].push(d.clone()),
                None => other_warnings.push(d.clone()),
            }
        }
        let search_place = site
            .order
            .iter()
            .enumerate()
            .map(|(place, &id)| (id, place))
            .collect();
        Live {
            site,
            root,
            drafts,
            page_warnings,
            other_warnings,
            search_docs,
            search_place,
            sitemap_others,
            statics,
        }
    }

    /// Applies a burst of changes when they edit existing pages, data
    /// files, templates or static files only, each kind as the watcher
    /// classified it; [`Update::Full`] for anything else.
    pub fn update(&mut self, changes: &ChangeSet) -> Update {
        let changed: Vec<PathBuf> = changes.changes.keys().cloned().collect();
        let mut kinds = changes.changes.values();
        let kind = kinds.next();
        if changes.rescan || kinds.any(|k| Some(k) != kind) {
            return Update::Full;
        }
        match kind {
            None | Some(ChangeKind::Content) => self.update_pages(&changed),
            Some(ChangeKind::Data) => self.update_data(&changed),
            Some(ChangeKind::Template) => self.update_templates(),
            Some(ChangeKind::Static) => self.update_static(),
            Some(ChangeKind::Config | ChangeKind::Theme) => Update::Full,
        }
    }

    /// Applies edits to the text of existing pages.
    fn update_pages(&mut self, changed: &[PathBuf]) -> Update {
        let lap = super::Lap::new();
        let edits = match self.read_edits(changed) {
            Ok(Some(edits)) => edits,
            Ok(None) => return Update::Full,
            Err(diags) => return Update::Failed(finish(diags)),
        };
        if edits.is_empty() {
            return Update::Done(Patch {
                warnings: self.warnings(),
                ..Patch::default()
            });
        }
        let edited = edits.len();
        lap.mark("update: read");
        let next = self.site.clone();
        lap.mark("update: copy");
        match self.apply(next, edits, false) {
            Ok(Some(files)) => Update::Done(Patch {
                files,
                edited,
                what: plural(edited, "edited page"),
                warnings: self.warnings(),
                ..Patch::default()
            }),
            Ok(None) => Update::Full,
            Err(diags) => Update::Failed(finish(diags)),
        }
    }

    /// The search documents of the site as it is now, for
    /// `search::build_index` (cheap to clone: they are shared).
    pub fn search_docs(&self) -> Vec<Arc<SearchDoc>> {
        self.search_docs.clone()
    }

    pub fn warnings(&self) -> Diagnostics {
        let mut all = self.other_warnings.clone();
        for w in &self.page_warnings {
            all.extend(w.iter().cloned());
        }
        finish(all)
    }

    /// Applies edits to templates that Markdown does not use (shortcodes
    /// need a full build): the pages whose template is one of the changed
    /// ones, or extends, includes or imports one, are rendered again, and
    /// every page without a Markdown file.
    fn update_templates(&mut self) -> Update {
        let project = super::Project::new(&self.root);
        let mut diags = Diagnostics::new();
        let Some(mut templates) = super::load_templates(&project, &self.site.config, &mut diags)
        else {
            return Update::Failed(finish(diags));
        };
        if templates.markdown_hash != self.site.templates().markdown_hash {
            return Update::Full;
        }
        let Some(changed) = templates.changed_since(self.site.templates()) else {
            return Update::Full;
        };
        if changed.is_empty() {
            return Update::Done(Patch {
                warnings: self.warnings(),
                ..Patch::default()
            });
        }
        templates.max_output = self.site.templates().max_output;
        // The next site value: the same but for the templates. On an error
        // it is dropped and this one stays.
        let mut next = self.site.clone();
        next.renderer = Renderer::new(Arc::new(templates), self.site.renderer.index().clone());
        next.relink();
        if changed.contains("sidebar.html") {
            next.sidebars = Arc::new(next.render_sidebars());
        }
        // The pages rendered with a changed template, or whose sidebar
        // differs now; every page without a Markdown file.
        let mut facts = Changed::between(&self.site, &next, false);
        facts.templates = changed.clone();
        let Some(mut only) = self.outputs(&next, &facts) else {
            return Update::Full;
        };
        only.virtual_pages = true;
        let pages = only.pages.len();
        let files = self.render(&mut next, only, &mut diags);
        if diags.has_errors() {
            return Update::Failed(finish(diags));
        }
        self.site = next;
        let names: Vec<&str> = changed.iter().map(String::as_str).take(3).collect();
        Update::Done(Patch {
            files,
            edited: 0,
            what: format!(
                "{} using {}{}",
                plural(pages, "page"),
                names.join(", "),
                if changed.len() > names.len() {
                    "..."
                } else {
                    ""
                }
            ),
            warnings: self.warnings(),
            ..Patch::default()
        })
    }

    /// Applies edits to existing static files: their new bytes, when no
    /// file was added or removed (that can change what Markdown links to).
    /// Serve names stylesheets and scripts without a fingerprint, so no
    /// page changes.
    fn update_static(&mut self) -> Update {
        let project = super::Project::new(&self.root);
        let mut diags = Diagnostics::new();
        let statics = super::extras::collect_static(&project, &self.site.config, false, &mut diags);
        let hashes = statics.hashes();
        if diags.has_errors() || !hashes.keys().eq(self.statics.hashes.keys()) {
            return Update::Full;
        }
        let changed = |path: &String| {
            self.statics.shown.contains(path) && hashes.get(path) != self.statics.hashes.get(path)
        };
        let edited = hashes.keys().filter(|p| changed(p)).count();
        let files: Files = statics
            .into_files(&mut diags)
            .into_iter()
            .filter(|(path, _)| changed(path))
            .map(|(path, bytes)| (path, Arc::new(bytes)))
            .collect();
        // A big file (served from disk, left out of `into_files`) changed:
        // a full build decides again how each file is held.
        if files.len() != edited {
            return Update::Full;
        }
        self.statics.hashes = hashes;
        Update::Done(Patch {
            what: plural(files.len(), "static file"),
            files,
            verb: "copied",
            warnings: self.warnings(),
            ..Patch::default()
        })
    }

    /// The place in `content.data` of the data file at `path` (relative to
    /// the site root).
    fn data_source(&self, path: &Path) -> Option<usize> {
        let rel = content::rel_string(path.strip_prefix(self.site.config.content_display()).ok()?);
        self.site
            .content
            .data
            .iter()
            .position(|d| d.rel_path == rel)
    }

    /// Applies edits to existing data files: the data set is made again and
    /// every page that reads data is rendered again, with what shows it.
    fn update_data(&mut self, changed: &[PathBuf]) -> Update {
        let mut sources = self.site.content.data.clone();
        let mut any = false;
        // Data files are published too (links to them work): their bytes.
        let mut published: Files = Vec::new();
        for path in changed {
            let Some(place) = self.data_source(path) else {
                return Update::Full;
            };
            let source = &mut sources[place];
            // A file that became a link is checked by a full build.
            let file = self.root.join(path);
            if file.is_symlink() {
                return Update::Full;
            }
            let Ok(bytes) = crate::sources::read(&file) else {
                return Update::Full;
            };
            if bytes == source.text.as_bytes() {
                continue;
            }
            let copy = Arc::new(bytes.clone());
            source.text = match content::decode(&source.display_path, bytes) {
                Ok(text) => text,
                Err(diags) => return Update::Failed(finish(diags)),
            };
            let assets = &self.site.content.assets;
            if let Some(asset) = assets.iter().find(|a| a.rel_path == source.rel_path) {
                published.push((asset.dest.clone(), copy));
            }
            any = true;
        }
        if !any {
            return Update::Done(Patch {
                warnings: self.warnings(),
                ..Patch::default()
            });
        }
        let mut diags = Diagnostics::new();
        let data = Arc::new(super::load_data(&sources, &mut diags));
        if diags.has_errors() {
            return Update::Failed(finish(diags));
        }
        // The next site value has the new data; this one stays as it is
        // until the next is made whole.
        let mut next = self.site.clone();
        next.data = data;
        Arc::make_mut(&mut next.content).data = sources.clone();
        next.relink();
        // Every page that reads data, its text as it is.
        let mut edits = Vec::new();
        for (id, r) in next.rendered.iter().enumerate() {
            let page = next.content.page(id);
            if !r.reads_data || page.implicit {
                continue;
            }
            let warnings = content::parse_page(
                &page.rel_path,
                &page.display_path,
                &page.source_path,
                page.text.to_string(),
            )
            .map(|(_, w)| w)
            .unwrap_or_default();
            edits.push(Edit {
                id,
                text: page.text.clone(),
                body_offset: page.body_offset,
                warnings,
                front: None,
            });
        }
        let edited = edits.len();
        match self.apply(next, edits, true) {
            Ok(Some(mut files)) => {
                files.extend(published);
                // The data files' own warnings, made again.
                let data_paths: HashSet<&Path> =
                    sources.iter().map(|d| d.display_path.as_path()).collect();
                let mut others = Diagnostics::new();
                for d in self.other_warnings.iter() {
                    let in_data = d
                        .location
                        .as_ref()
                        .is_some_and(|l| data_paths.contains(l.path.as_path()));
                    if !in_data {
                        others.push(d.clone());
                    }
                }
                others.extend(diags.iter().cloned());
                self.other_warnings = others;
                Update::Done(Patch {
                    files,
                    edited,
                    what: plural(edited, "page") + " reading data",
                    warnings: self.warnings(),
                    ..Patch::default()
                })
            }
            Ok(None) => Update::Full,
            Err(d) => Update::Failed(finish(d)),
        }
    }

    /// The edits, or `None` when a change is not a body edit of a page.
    fn read_edits(&self, changed: &[PathBuf]) -> Result<Option<Vec<Edit>>, Diagnostics> {
        let content = &self.site.content;
        let mut edits = Vec::new();
        for path in changed {
            let Ok(under) = path.strip_prefix(self.site.config.content_display()) else {
                return Ok(None);
            };
            let rel = content::rel_string(under);
            let Some(&id) = content.by_rel.get(&rel) else {
                return Ok(None);
            };
            let old = content.page(id);
            if old.implicit {
                return Ok(None);
            }
            // A file that became a link is checked by a full build.
            if old.source_path.is_symlink() {
                return Ok(None);
            }
            let Ok(bytes) = crate::sources::read(&old.source_path) else {
                return Ok(None);
            };
            if bytes == old.text.as_bytes() {
                continue;
            }
            let text = content::decode(&old.display_path, bytes)?;
            let (page, warnings) =
                content::parse_page(&rel, &old.display_path, &old.source_path, text)?;
            if page.meta.draft && !self.drafts {
                return Ok(None);
            }
            let front = page.text[..page.body_offset] != old.text[..old.body_offset]
                || page.title != old.title;
            // New front matter is applied in place when the page keeps its
            // URL and redirects; a section's needs a full build.
            // Titles and dates show on the owners and changes pages and the
            // home page too: those are rendered again. New owners or review
            // dates change what the build worked out: a full build.
            let listed = front && self.listed_elsewhere(id, &page);
            let relist = listed
                && crate::upkeep::listing_key(&old.meta, &old.title)
                    != crate::upkeep::listing_key(&page.meta, &page.title);
            if front
                && (old.is_section()
                    || page.meta.slug != old.meta.slug
                    || page.meta.aliases != old.meta.aliases
                    || (listed
                        && crate::upkeep::review_key(&old.meta)
                            != crate::upkeep::review_key(&page.meta))
                    || (relist && self.changes_page_flips(id, &page)))
            {
                return Ok(None);
            }
            edits.push(Edit {
                id,
                text: page.text.clone(),
                body_offset: page.body_offset,
                warnings,
                front: front.then(|| Box::new(page)),
            });
        }
        Ok(Some(edits))
    }

    /// Whether page `id` (as it was, or as `new` reads) is listed on the
    /// owners page, the changes page or the home page's recent changes.
    fn listed_elsewhere(&self, id: PageId, new: &content::Page) -> bool {
        let upkeep = &self.site.upkeep;
        let owners_page =
            !upkeep.owners.is_empty() || upkeep.pages.iter().any(|p| !p.owners.is_empty());
        let old = self.site.content.page(id);
        let dated =
            |p: &content::Page| p.date.is_some() || p.updated.is_some() || p.meta.owner.is_some();
        let git = upkeep.page(id).is_some_and(|u| u.git_added.is_some());
        owners_page || git || dated(old) || dated(new)
    }

    /// Whether page `id` is on the list of changes (has a date).
    fn dated(&self, id: PageId, page: &content::Page) -> bool {
        let git = self
            .site
            .upkeep
            .page(id)
            .is_some_and(|u| u.git_added.is_some());
        git || page.date.is_some() || page.updated.is_some()
    }

    /// Whether the changes page would appear or go, were page `id` as `new`.
    fn changes_page_flips(&self, id: PageId, new: &content::Page) -> bool {
        let others = self.site.changes().iter().any(|c| c.id != id);
        let before = others || self.dated(id, self.site.content.page(id));
        let after = others || self.dated(id, new);
        before != after
    }

    /// Makes the site value with `edits` from `next` (this value, or one
    /// with new data), renders the edited pages and what shows them, and
    /// keeps it. On an error `next` is dropped: this value stays as it was,
    /// with nothing to undo.
    fn apply(
        &mut self,
        mut next: Site,
        edits: Vec<Edit>,
        data_changed: bool,
    ) -> Result<Option<Files>, Diagnostics> {
        let lap = super::Lap::new();
        let mut diags = Diagnostics::new();
        // Markdown first, as a build renders it: no page look-ups.
        let markdown = next.markdown_renderer();
        let mut fresh = Vec::with_capacity(edits.len());
        for edit in &edits {
            let mut page = next.content.page(edit.id).clone();
            page.text = edit.text.clone();
            page.body_offset = edit.body_offset;
            if let Some(read) = &edit.front {
                page.meta = read.meta.clone();
                page.title = read.title.clone();
                page.date = read.date;
                // Front matter wins; a date from Git stays otherwise.
                page.updated = read
                    .updated
                    .or_else(|| next.upkeep.page(edit.id).and_then(|u| u.git_updated));
                page.roles = read.roles.clone();
            }
            let (rendered, d) = render::render_page(
                &page,
                &page.text,
                &next.content,
                &next.data,
                &markdown,
                &next.urls,
                &next.config,
            );
            diags.extend(d.iter().filter(|d| d.is_error()).cloned());
            let mut warnings = edit.warnings.clone();
            warnings.extend(d.iter().filter(|d| !d.is_error()).cloned());
            fresh.push((page, rendered, warnings, edit.front.is_some()));
        }
        if diags.has_errors() {
            return Err(diags);
        }
        lap.mark("update: markdown");
        let fronts: Vec<PageId> = fresh
            .iter()
            .filter(|f| f.3)
            .map(|f| next.content.by_rel[&f.0.rel_path])
            .collect();

        // The next value: the new pages, their summaries, the order and
        // navigation they give the site, anchors checked again.
        let mut new_warnings = Vec::with_capacity(fresh.len());
        {
            let content = Arc::make_mut(&mut next.content);
            let rendered = Arc::make_mut(&mut next.rendered);
            for (page, r, warnings, _) in fresh {
                let id = content.by_rel[page.rel_path.as_str()];
                content.pages[id] = page;
                rendered[id] = Arc::new(r);
                new_warnings.push((id, warnings));
            }
        }
        let owners_href = next.urls.href("owners/");
        let summaries: Vec<(PageId, super::views::Summary)> = new_warnings
            .iter()
            .map(|&(id, _)| (id, next.summary_of(id, &next.rendered[id], &owners_href)))
            .collect();
        let all = Arc::make_mut(&mut next.summaries);
        for (id, view) in summaries {
            all[id] = Arc::new(view);
        }
        let branches = if fronts.is_empty() {
            HashSet::new()
        } else {
            restructure(&mut next, &fronts)
        };
        let fixes = check_anchors(
            &next.content,
            &next.rendered,
            next.config.links.broken,
            &mut diags,
        );
        fix_anchors(Arc::make_mut(&mut next.rendered).as_mut_slice(), fixes);
        next.relink();
        rerender_sidebars(&mut next, &branches);
        // What differs between the two values, and the outputs that read it.
        let changed = Changed::between(&self.site, &next, data_changed);
        let Some(only) = self.outputs(&next, &changed) else {
            return Ok(None);
        };
        if diags.has_errors() {
            return Err(diags);
        }
        lap.mark("update: next value");
        if diags.has_errors() {
            return Err(diags);
        }
        let files = self.render(&mut next, only, &mut diags);
        lap.mark("update: render");
        if diags.has_errors() {
            return Err(diags);
        }
        let old = std::mem::replace(&mut self.site, next);
        let _ = std::thread::Builder::new().spawn(move || drop(old));
        if changed.reordered() {
            self.reorder_search_docs();
        }
        for (id, warnings) in new_warnings {
            self.page_warnings[id] = warnings;
            if let Some(&place) = self.search_place.get(&id)
                && place < self.search_docs.len()
            {
                self.search_docs[place] = Arc::new(self.site.search_doc(id));
            }
        }
        // The data's documents follow the pages'; data edits change them.
        if !self.search_docs.is_empty() {
            self.search_docs.truncate(self.search_place.len());
            self.search_docs.extend(self.site.data_search_docs());
        }
        lap.mark("update: keep");
        Ok(Some(files))
    }

    /// The outputs of `next` that read something `changed` names: the
    /// pages, by what each noted when it was last rendered, and the outputs
    /// without a Markdown file, by what they read ([`deps::others`]).
    /// `None` when a full build is needed: a term appears or goes (which
    /// adds or removes a page), or a sidebar's template looked up what
    /// changed (sidebars are part of the site value, made before pages).
    fn outputs(&self, next: &Site, changed: &Changed) -> Option<Only> {
        let old = &self.site;
        let sidebars = old.other_reads.of(&Other::Sidebars);
        if changed.touches_reads(&sidebars) || changed.terms_appear_or_go(old, next) {
            return None;
        }
        let mut only = Only::default();
        for (id, deps) in old.deps.iter().enumerate() {
            if changed.touches(deps) {
                only.pages.insert(id);
            }
        }
        for (other, facts) in deps::others(old) {
            let read = facts.iter().any(|f| changed.facts.contains(f))
                || changed.touches_reads(&old.other_reads.of(&other));
            if !read {
                continue;
            }
            match other {
                Other::TaxonomyList => only.taxonomy_lists = true,
                Other::TermPage(taxonomy, slug) => {
                    only.terms.insert((taxonomy, slug));
                }
                Other::Feed(section) => {
                    only.feeds.insert(section);
                }
                Other::Print => only.print = true,
                Other::Upkeep => only.upkeep_pages = true,
                Other::DataPages => only.data_pages = true,
                Other::Sitemap => only.sitemap = true,
                Other::Fallbacks => only.virtual_pages = true,
                Other::Sidebars => return None,
            }
        }
        Some(only)
    }

    /// Puts the search documents in the site's order again.
    fn reorder_search_docs(&mut self) {
        if self.search_docs.is_empty() {
            return;
        }
        let mut by_id: HashMap<PageId, Arc<SearchDoc>> = self
            .search_place
            .iter()
            .map(|(&id, &place)| (id, self.search_docs[place].clone()))
            .collect();
        self.search_docs = self
            .site
            .order
            .iter()
            .filter_map(|id| by_id.remove(id))
            .collect();
        self.search_place = self
            .site
            .order
            .iter()
            .enumerate()
            .map(|(place, &id)| (id, place))
            .collect();
    }

    /// Renders the outputs of `site` in `only`, noting what its pages
    /// looked up.
    fn render(&self, site: &mut Site, only: Only, diags: &mut Diagnostics) -> Files {
        let data_pages = only.data_pages || only.virtual_pages;
        let fallbacks = only.virtual_pages;
        let sitemap = (only.sitemap || only.virtual_pages) && site.config.generate_sitemap;
        // The navigation script and site map list what the sitemap lists.
        let nav_files = only.sitemap || only.virtual_pages;
        let selected = Selection::Only(&only);
        let filter = site.html_filter();
        let scratch = || {
            let mut out = Output::new();
            if let Some(filter) = &filter {
                out.set_html_filter(filter.clone());
            }
            (out, Diagnostics::new())
        };
        let shared = &*site;
        // Pages and term pages at once: a term page can list many pages.
        let ((reads, (mut out, mut d1)), (listed, d2)) = rayon::join(
            || {
                let (mut out, mut d) = scratch();
                let reads = shared.render_pages(selected, &mut out, &mut d);
                if data_pages {
                    shared.render_data_pages(&mut out, &mut d);
                }
                (reads, (out, d))
            },
            || {
                let (mut out, mut d) = scratch();
                shared.render_taxonomies(selected, &mut out, &mut d);
                shared.render_listings(selected, &mut out, &mut d);
                if fallbacks {
                    shared.render_fallbacks(&mut out, &mut d);
                }
                if nav_files {
                    shared.render_nav_files(selected, &mut out, &mut d);
                }
                (out, d)
            },
        );
        for (path, bytes) in listed.into_files() {
            out.put(path, bytes);
        }
        if sitemap {
            out.insert("sitemap.xml", site.sitemap_with(&self.sitemap_others));
        }
        d1.extend(d2);
        let scratch = d1;
        diags.extend(scratch.errors().cloned());
        // A render that failed may have stopped before some look-ups: its
        // reads are kept only with its output.
        if !scratch.has_errors() {
            for (id, r) in reads {
                Arc::make_mut(&mut site.deps)[id] = r;
            }
        }
        out.into_files()
    }
}

/// After new front matter on pages `ids` of the next value `site`: puts
/// their sections' pages in order again, and makes again the order and
/// the navigation of every branch that shows them. Returns the branches
/// whose navigation changed, whose sidebars are rendered again once the
/// value is linked ([`rerender_sidebars`]).
fn restructure(site: &mut Site, ids: &[PageId]) -> HashSet<PageId> {
    let content = Arc::make_mut(&mut site.content);
    let mut parents: Vec<PageId> = ids
        .iter()
        .filter_map(|&id| content.pages[id].parent)
        .collect();
    parents.sort_unstable();
    parents.dedup();
    for &p in &parents {
        content::tree::sort_children(&mut content.pages, p);
    }
    site.order = site.content.in_order();
    site.terms = std::sync::OnceLock::new();
    let shows = |branch: PageId| {
        site.nav_shape == views::NavShape::Full
            || parents
                .iter()
                .any(|&p| p == branch || site.content.ancestors(branch).contains(&p))
    };
    let navs: Vec<(PageId, Value)> = site
        .branches()
        .into_iter()
        .filter(|&b| site.nav_shape != views::NavShape::Unused && shows(b))
        .filter_map(|b| {
            let nav = views::nav(&site.content, b, None, &site.urls, site.nav_shape);
            let nav = serde_json::to_value(nav).unwrap_or_default();
            (site.navs.get(&b) != Some(&nav)).then_some((b, nav))
        })
        .collect();
    let branches: HashSet<PageId> = navs.iter().map(|(b, _)| *b).collect();
    Arc::make_mut(&mut site.navs).extend(navs);
    branches
}

/// Renders again the sidebars of `branches` of a linked site value.
fn rerender_sidebars(site: &mut Site, branches: &HashSet<PageId>) {
    let fresh: Vec<(PageId, Option<String>)> = branches
        .iter()
        .map(|&b| (b, site.render_sidebar(b)))
        .collect();
    let sidebars = Arc::make_mut(&mut site.sidebars);
    for (branch, html) in fresh {
        match html {
            Some(html) => sidebars.insert(branch, html),
            None => sidebars.remove(&branch),
        };
    }
}
