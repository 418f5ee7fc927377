//! The content tree: pages and sections read from `content/`.
//!
//! Owns walking the folder, splitting and checking front matter, the section
//! tree, URLs, ordering, drafts and page bundles. It does not render
//! Markdown (`markdown`) or read data files (`data`); it only lists them.

pub mod front_matter;
pub mod tree;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::error::{Diagnostic, Diagnostics, Kind};
pub use front_matter::{Date, FrontMatter, Role, SortBy};

pub type PageId = usize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    Page,
    Section,
}

/// A page or a section (a folder's `_index.md`) with everything known
/// before its Markdown is rendered.
#[derive(Debug, Clone)]
pub struct Page {
    pub kind: PageKind,
    /// Path under content/ with `/` separators: `roles/comparison.md`.
    pub rel_path: String,
    /// Path shown in messages: `content/roles/comparison.md`.
    pub display_path: PathBuf,
    pub source_path: PathBuf,
    /// The whole file, for locating errors.
    pub text: Arc<str>,
    pub body_offset: usize,
    pub meta: FrontMatter,
    pub title: String,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    pub roles: Vec<Role>,
    /// URL path without the base path: `roles/comparison/`, `""` for home.
    pub url_path: String,
    pub parent: Option<PageId>,
    /// Sections: their pages, in order.
    pub pages: Vec<PageId>,
    /// Sections: their subsections, in order.
    pub subsections: Vec<PageId>,
    /// Sections: pages and subsections merged in one order, as the sidebar
    /// shows them.
    pub children: Vec<PageId>,
    /// A section made for a folder that has pages but no page of its own.
    pub implicit: bool,
    /// A folder's own page (`index.md`, `README.md`) in a folder with no
    /// other pages: a page whose files are its assets.
    pub bundle: bool,
    /// Depth in the tree: 0 for home.
    pub depth: usize,
    /// The folder a section stands for when it is not the one its file is
    /// in: `guide` for `guide.md` beside a folder `guide/` of pages.
    pub folder: Option<String>,
}

impl Page {
    pub fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }

    pub fn is_section(&self) -> bool {
        self.kind == PageKind::Section
    }

    /// The folder a section or bundle is the page of (for other pages,
    /// the folder they are in).
    pub fn folder_dir(&self) -> &str {
        self.folder.as_deref().unwrap_or_else(|| self.source_dir())
    }

    /// `README.md` for `careers/README.md`.
    pub fn file_name(&self) -> &str {
        self.rel_path.rsplit('/').next().unwrap_or(&self.rel_path)
    }

    /// The folder under content/ this file's relative links start from.
    pub fn source_dir(&self) -> &str {
        self.rel_path.rfind('/').map_or("", |i| &self.rel_path[..i])
    }

    pub fn weight(&self) -> Option<i64> {
        self.meta.weight
    }
}

/// A file under content/ that is neither Markdown nor data, copied to `dest`.
#[derive(Debug, Clone)]
pub struct Asset {
    pub source: PathBuf,
    /// Path under content/ (`roles/img/a.png`).
    pub rel_path: String,
    /// Output path without base (`roles/img/a.png`).
    pub dest: String,
}

/// A data file found under content/, not yet parsed.
#[derive(Debug, Clone)]
pub struct DataSource {
    pub rel_path: String,
    pub display_path: PathBuf,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct Content {
    pub pages: Vec<Page>,
    pub root: PageId,
    pub by_rel: HashMap<String, PageId>,
    pub by_url: HashMap<String, PageId>,
    /// Each folder's own page (a section or a bundle), by the folder's path
    /// under content (`""` for the root).
    pub by_dir: HashMap<String, PageId>,
    /// Rel paths of drafts left out of this build, for clearer link errors.
    pub drafts: Vec<String>,
    /// Rel paths of files that could not be read or parsed (already
    /// reported), so links to them do not add a second error.
    pub unreadable: Vec<String>,
    pub assets: Vec<Asset>,
    pub data: Vec<DataSource>,
    /// The content folder on disk.
    pub dir: PathBuf,
}

impl Content {
    /// The tree without page texts, assets or data: what lookups need.
    pub fn clone_tree(&self) -> Content {
        Content {
            pages: self
                .pages
                .iter()
                .map(|p| Page {
                    text: Arc::from(""),
                    body_offset: 0,
                    ..p.clone()
                })
                .collect(),
            root: self.root,
            by_rel: self.by_rel.clone(),
            by_url: self.by_url.clone(),
            by_dir: self.by_dir.clone(),
            dir: self.dir.clone(),
            ..Content::default()
        }
    }

    pub fn page(&self, id: PageId) -> &Page {
        &self.pages[id]
    }

    pub fn get(&self, rel_path: &str) -> Option<&Page> {
        self.by_rel.get(rel_path).map(|&id| &self.pages[id])
    }

    /// The page of a folder (`careers`, `""` for the root): its section or
    /// bundle, made up or written.
    pub fn folder_page(&self, dir: &str) -> Option<&Page> {
        self.by_dir.get(dir).map(|&id| &self.pages[id])
    }

    /// Every page and section in sidebar order (depth first from home).
    pub fn in_order(&self) -> Vec<PageId> {
        let mut out = Vec::with_capacity(self.pages.len());
        self.walk(self.root, &mut out);
        out
    }

    fn walk(&self, id: PageId, out: &mut Vec<PageId>) {
        out.push(id);
        for &child in &self.pages[id].children {
            if self.pages[child].is_section() {
                self.walk(child, out);
            } else {
                out.push(child);
            }
        }
    }

    /// Home, then each ancestor down to the parent of `id`.
    pub fn ancestors(&self, id: PageId) -> Vec<PageId> {
        let mut out = Vec::new();
        let mut cur = self.pages[id].parent;
        while let Some(p) = cur {
            out.push(p);
            cur = self.pages[p].parent;
        }
        out.reverse();
        out
    }
}

/// What `load` needs to know beyond the folder.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    pub drafts: bool,
    /// Which links are followed, which files are never read.
    pub sources: crate::sources::Sources,
    /// Folders never read as content wherever they are: the output folder.
    pub skip: Vec<PathBuf>,
    /// The content folder is the site folder itself: `rolebook.toml`,
    /// `static/` and `themes/` are not content there, and `templates/`
    /// gives its Markdown only (its other files are templates).
    pub is_site_root: bool,
}

/// Reads `content_dir` (shown as `display_root` in messages, usually
/// `content`). Returns the tree and every problem found; the tree holds
/// what could be read even when there are errors.
pub fn load(content_dir: &Path, display_root: &Path, opts: &LoadOptions) -> (Content, Diagnostics) {
    let mut diags = Diagnostics::new();
    let files = walk(content_dir, display_root, opts, &mut diags);

    let parsed: Vec<Result<(Page, Diagnostics), Diagnostics>> = files
        .markdown
        .par_iter()
        .map(|rel| {
            let source = content_dir.join(rel);
            let display = display_root.join(rel);
            let bytes = crate::sources::read(&source)
                .map_err(|e| Diagnostics::from(crate::error::io_error(&display, &e)))?;
            let text = decode(&display, bytes)?;
            parse_page(rel, &display, &source, text)
        })
        .collect();

    let mut pages = Vec::new();
    let mut drafts = Vec::new();
    let mut unreadable = Vec::new();
    for (result, rel) in parsed.into_iter().zip(&files.markdown) {
        match result {
            Ok((page, _)) if page.meta.draft && !opts.drafts => drafts.push(page.rel_path),
            Ok((page, warnings)) => {
                diags.extend(warnings);
                pages.push(page);
            }
            Err(d) => {
                diags.extend(d);
                unreadable.push(rel.clone());
            }
        }
    }

    let data = files
        .data
        .par_iter()
        .filter_map(|rel| {
            let display = display_root.join(rel);
            let bytes = crate::sources::read(&content_dir.join(rel));
            match bytes
                .map_err(|e| crate::error::io_error(&display, &e).into())
                .and_then(|b| decode(&display, b))
            {
                Ok(text) => Some(Ok(DataSource {
                    rel_path: rel.clone(),
                    display_path: display,
                    text,
                })),
                Err(d) => Some(Err(d)),
            }
        })
        .collect::<Vec<_>>();
    let mut data_sources = Vec::new();
    for d in data {
        match d {
            Ok(source) => data_sources.push(source),
            Err(e) => diags.extend(e),
        }
    }

    let mut content = tree::assemble(pages, display_root, &mut diags);
    content.drafts = drafts;
    content.unreadable.extend(unreadable);
    content.data = data_sources;
    content.dir = content_dir.to_path_buf();
    content.assets = tree::place_assets(&content, content_dir, files.other);
    (content, diags)
}

/// Files found under content/, by kind, as `/`-separated relative paths.
#[derive(Debug, Default)]
struct Files {
    markdown: Vec<String>,
    data: Vec<String>,
    other: Vec<String>,
}

fn walk(
    content_dir: &Path,
    display_root: &Path,
    opts: &LoadOptions,
    diags: &mut Diagnostics,
) -> Files {
    let mut files = Files::default();
    if !content_dir.is_dir() {
        diags.push(
            Diagnostic::error(Kind::Content, "there is no content folder")
                .in_file(display_root)
                .with_help(
                    "create it with a `_index.md` for the home page, or set `content_dir` in rolebook.toml to the folder that holds the Markdown (`.` for the site folder itself)",
                ),
        );
        return files;
    }
    let skip: Vec<PathBuf> = opts
        .skip
        .iter()
        .filter_map(|p| p.canonicalize().ok())
        .collect();
    let left_out = |e: &walkdir::DirEntry| {
        let name = e.file_name().to_string_lossy();
        let is_dir = e.file_type().is_dir();
        if is_dir && is_tool_folder(&name) {
            return true;
        }
        if opts.is_site_root
            && e.depth() == 1
            && (name == crate::config::FILE_NAME
                || (is_dir && (name == "static" || name == "themes")))
        {
            return true;
        }
        // Any folder rolebook wrote a site into (`build -o elsewhere`).
        is_dir
            && (e.path().join(crate::output::MARKER).exists()
                || (!skip.is_empty() && e.path().canonicalize().is_ok_and(|p| skip.contains(&p))))
    };
    for found in opts
        .sources
        .walk_except(content_dir, display_root, &left_out, diags)
    {
        let rel = found.rel;
        let is_markdown = rel.ends_with(".md") || rel.ends_with(".markdown");
        if opts.is_site_root && !is_markdown && rel.starts_with("templates/") {
            continue;
        }
        if is_markdown {
            files.markdown.push(rel);
        } else if crate::data::is_data_file(&rel) {
            // A repository's tool configuration is not the team's data:
            // known names anywhere, and every data file at the top of a
            // content folder that is the site folder itself.
            let name = rel.rsplit('/').next().unwrap_or(&rel);
            if is_tool_file(name) || (opts.is_site_root && !rel.contains('/')) {
                continue;
            }
            // Read as data, and published beside its pages as GitHub
            // shows it, so a link to it (`[metadata](kep.yaml)`) works.
            files.other.push(rel.clone());
            files.data.push(rel);
        } else {
            files.other.push(rel);
        }
    }
    files
}

/// `/`-separated form of a relative path.
pub fn rel_string(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Folders of build tools and dependencies, never content wherever they are.
pub fn is_tool_folder(name: &str) -> bool {
    name == "node_modules" || name == "target"
}

/// Configuration files of common tools, never read as data or copied.
pub fn is_tool_file(name: &str) -> bool {
    matches!(
        name,
        "package.json"
            | "package-lock.json"
            | "pnpm-lock.yaml"
            | "composer.json"
            | "Cargo.toml"
            | "pyproject.toml"
            | "mkdocs.yml"
            | "_config.yml"
            | "book.toml"
            | "docker-compose.yml"
            | "netlify.toml"
            | "vercel.json"
            | "renovate.json"
            | "lerna.json"
    ) || (name.starts_with("tsconfig") || name.starts_with("jsconfig")) && name.ends_with(".json")
}

/// Hidden files, editor swap and backup files: never content.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.starts_with('#')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name == "4913"
        || name == "Thumbs.db"
}

/// UTF-8 text, or an error pointing at the first invalid byte.
pub fn decode(display: &Path, bytes: Vec<u8>) -> Result<String, Diagnostics> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
        let (line, column) = crate::error::line_col(&prefix, valid);
        Diagnostics::from(
            Diagnostic::error(Kind::Content, "the file is not valid UTF-8")
                .at(crate::error::Location::new(display, line, column))
                .with_help("save the file as UTF-8"),
        )
    })
}

/// Pure: one Markdown file's front matter, title, dates and roles, with
/// any warnings about it.
pub fn parse_page(
    rel: &str,
    display: &Path,
    source: &Path,
    text: String,
) -> Result<(Page, Diagnostics), Diagnostics> {
    let file_name = rel.rsplit('/').next().unwrap_or(rel);
    // A folder's page is taken for a section until the tree is assembled,
    // which makes it a bundle when it stands alone in its folder.
    let kind = if tree::folder_page_rank(file_name).is_some() {
        PageKind::Section
    } else {
        PageKind::Page
    };
    let split = front_matter::split(display, &text).map_err(Diagnostics::from)?;
    let mut diags = front_matter::check_keys(display, &text, &split);
    let mut meta = match front_matter::parse(display, &text, &split) {
        Ok(meta) => meta,
        Err(e) => {
            diags.push(e);
            return Err(diags);
        }
    };
    // Zola's form, `[taxonomies] tags = [...]`, means the tags.
    if let Some(tags) = meta.taxonomies.remove("tags") {
        meta.tags.extend(tags);
    }
    let mut date_of = |key: &str, input: &Option<front_matter::DateInput>| {
        let input = input.as_ref()?;
        let date = input.to_date();
        if date.is_none() {
            diags.push(
                Diagnostic::error(Kind::FrontMatter, format!("`{key}` is not a valid date"))
                    .at_offset(display, &text, front_matter::key_offset(&split, key))
                    .with_help("write a date like 2026-10-01 or 2026-10-01T09:30:00Z"),
            );
        }
        date
    };
    let date = date_of("date", &meta.date);
    let updated = date_of("updated", &meta.updated);
    let roles = match meta.roles.as_ref().map(front_matter::RolesInput::to_roles) {
        None => Vec::new(),
        Some(Ok(roles)) => roles,
        Some(Err(bad)) => {
            diags.push(
                Diagnostic::error(Kind::FrontMatter, format!("unknown role `{bad}`"))
                    .at_offset(display, &text, front_matter::key_offset(&split, "roles"))
                    .with_help("roles are \"po\", \"pm\" or \"both\""),
            );
            Vec::new()
        }
    };
    if let Some(slug) = &meta.slug
        && (slug.is_empty() || slug.contains('/') || slug == "." || slug == "..")
    {
        diags.push(
            Diagnostic::error(
                Kind::FrontMatter,
                format!("`slug = {slug:?}` is not a single URL segment"),
            )
            .at_offset(display, &text, front_matter::key_offset(&split, "slug")),
        );
    }
    if let Some(slug) = &meta.slug
        && slug.len() > crate::output::MAX_NAME
    {
        diags.push(
            Diagnostic::error(
                Kind::FrontMatter,
                format!(
                    "the `slug` is {} bytes long; a file or folder name can be at most {} bytes",
                    slug.len(),
                    crate::output::MAX_NAME
                ),
            )
            .at_offset(display, &text, front_matter::key_offset(&split, "slug"))
            .with_help("choose a shorter slug"),
        );
    }
    if text.trim().is_empty() {
        diags.push(
            Diagnostic::warning(
                Kind::Content,
                "the file is empty; it is built as a page with no text",
            )
            .in_file(display),
        );
    }
    if diags.has_errors() {
        return Err(diags);
    }
    let body_offset = split.body_offset;
    let title = meta
        .title
        .clone()
        .or_else(|| first_heading(&text[body_offset..]))
        .unwrap_or_else(|| humanize(file_stem_for_title(rel)));
    let page = Page {
        kind,
        rel_path: rel.to_string(),
        display_path: display.to_path_buf(),
        source_path: source.to_path_buf(),
        text: Arc::from(text),
        body_offset,
        meta,
        title,
        date,
        updated,
        roles,
        url_path: String::new(),
        parent: None,
        pages: Vec::new(),
        subsections: Vec::new(),
        children: Vec::new(),
        implicit: false,
        bundle: false,
        depth: 0,
        folder: None,
    };
    Ok((page, diags))
}

/// The name a title is made from when there is none: the folder for a
/// folder's page (`_index.md`, `index.md`, `README.md`), else the file stem.
fn file_stem_for_title(rel: &str) -> &str {
    let mut parts = rel.rsplit('/');
    let file = parts.next().unwrap_or(rel);
    if tree::folder_page_rank(file).is_some() {
        return parts.next().unwrap_or("Home");
    }
    file.trim_end_matches(".md").trim_end_matches(".markdown")
}

/// The text of the page's first heading when it is a level-1 heading
/// (`# Title`, or `Title` over a line of `=`), its inline markup taken out.
/// Text before it (badges, a logo) is passed over; code blocks are skipped.
/// A line scan, not a parse: it runs for every page without a title.
pub fn first_heading(body: &str) -> Option<String> {
    let mut fence: Option<&str> = None;
    let mut previous: Option<&str> = None;
    for line in body.lines() {
        let line = line.trim_end();
        let text = line.trim_start();
        let indent = line.len() - text.len();
        if let Some(f) = fence {
            if text.starts_with(f) {
                fence = None;
            }
            continue;
        }
        if indent > 3 {
            previous = None;
            continue;
        }
        if text.starts_with("```") || text.starts_with("~~~") {
            fence = Some(&text[..3]);
            previous = None;
            continue;
        }
        let hashes = text.chars().take_while(|&c| c == '#').count();
        let rest = &text[hashes..];
        if (1..=6).contains(&hashes) && (rest.is_empty() || rest.starts_with([' ', '\t'])) {
            return if hashes == 1 {
                heading_text(rest)
            } else {
                None
            };
        }
        if !text.is_empty() && previous.is_some() {
            if text.chars().all(|c| c == '=') {
                return previous.and_then(heading_text);
            }
            if text.chars().all(|c| c == '-') {
                return None;
            }
        }
        previous = (!text.is_empty()).then_some(text);
    }
    None
}

/// The plain text of a heading's source: closing `#`s and a `{#id}`
/// dropped, emphasis and code markers taken out, link text kept.
fn heading_text(source: &str) -> Option<String> {
    let mut text = source.trim();
    if let Some(i) = text.rfind(" {")
        && text.ends_with('}')
    {
        text = text[..i].trim_end();
    }
    let closing = text.trim_end_matches('#');
    if closing.len() < text.len() && (closing.is_empty() || closing.ends_with([' ', '\t'])) {
        text = closing.trim_end();
    }
    let mut plain = String::new();
    let mut in_image = 0usize;
    for event in
        pulldown_cmark::Parser::new_ext(text, pulldown_cmark::Options::ENABLE_STRIKETHROUGH)
    {
        match event {
            pulldown_cmark::Event::Start(pulldown_cmark::Tag::Image { .. }) => in_image += 1,
            pulldown_cmark::Event::End(pulldown_cmark::TagEnd::Image) => {
                in_image = in_image.saturating_sub(1)
            }
            pulldown_cmark::Event::Text(t) | pulldown_cmark::Event::Code(t) if in_image == 0 => {
                plain.push_str(&t)
            }
            _ => {}
        }
    }
    let plain = plain.trim();
    (!plain.is_empty()).then(|| plain.to_string())
}

/// `getting-started` -> `Getting started`.
pub fn humanize(name: &str) -> String {
    let words = name.replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Home".to_string(),
    }
}

/// A URL segment from a file or folder name: ASCII, lowercase, hyphens.
pub fn slugify(name: &str) -> String {
    let slug = slug::slugify(name);
    if slug.is_empty() {
        "-".to_string()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::first_heading;

    #[test]
    fn titles_come_from_the_first_level_one_heading() {
        for (body, title) in [
            ("# Careers\n\nText", Some("Careers")),
            ("\n\n#   Spaced out   #\n", Some("Spaced out")),
            (
                "# The **big** `rolebook` [guide](x.md)\n",
                Some("The big rolebook guide"),
            ),
            ("# Custom id {#custom}\n", Some("Custom id")),
            ("Setext title\n============\n\nBody", Some("Setext title")),
            (
                "[![CI](badge.svg)](ci)\n\n<p align=\"center\"><img src=\"logo.png\"></p>\n\n# Acme\n",
                Some("Acme"),
            ),
            ("```md\n# not a title\n```\n\n# Real\n", Some("Real")),
            ("## Second level first\n\n# Late title\n", None),
            ("Intro\n-----\n\n# Late\n", None),
            ("    # indented code\n", None),
            ("#hashtag is not a heading\n", None),
            ("# ![logo](x.png)\n", None),
            ("", None),
        ] {
            assert_eq!(first_heading(body).as_deref(), title, "{body:?}");
        }
    }
}
