//! `rolebook import jekyll|mdbook|hugo|docusaurus SRC`: another generator's
//! site made into a rolebook site in a new folder.
//!
//! Each reader (one module per generator) turns the source into a
//! [`Site`]: pages with their new place under `content/`, their front
//! matter mapped to rolebook's, their old URLs (kept as aliases) and the
//! files to copy. The shared steps then rewrite links (Liquid and Hugo
//! references, relative `.md` links, absolute URLs of other pages) into
//! checked `@/` links, write the new site and check it. The source is only
//! ever read; nothing in the output folder is overwritten.

mod docusaurus;
mod front;
mod hugo;
mod jekyll;
mod jsobj;
mod links;
mod mdbook;
mod report;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use front::Front;
pub use report::{Note, Report};

use crate::error::{Diagnostic, Diagnostics, Kind};

/// The generators rolebook imports from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Jekyll,
    Mdbook,
    Hugo,
    Docusaurus,
}

impl Source {
    pub const ALL: [Source; 4] = [
        Source::Jekyll,
        Source::Mdbook,
        Source::Hugo,
        Source::Docusaurus,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Source::Jekyll => "jekyll",
            Source::Mdbook => "mdbook",
            Source::Hugo => "hugo",
            Source::Docusaurus => "docusaurus",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Source::Jekyll => "Jekyll site",
            Source::Mdbook => "mdBook",
            Source::Hugo => "Hugo site",
            Source::Docusaurus => "Docusaurus site",
        }
    }

    /// The config files that mark a site of this kind.
    fn markers(self) -> &'static [&'static str] {
        match self {
            Source::Jekyll => &["_config.yml", "_config.yaml", "_config.toml"],
            Source::Mdbook => &["book.toml"],
            Source::Hugo => &[
                "hugo.toml",
                "hugo.yaml",
                "hugo.yml",
                "hugo.json",
                "config.toml",
                "config/_default/hugo.toml",
                "config/_default/config.toml",
            ],
            Source::Docusaurus => &[
                "docusaurus.config.js",
                "docusaurus.config.ts",
                "docusaurus.config.mjs",
            ],
        }
    }

    /// The marker file of this kind found in `src`.
    fn marker_in(self, src: &Path) -> Option<&'static str> {
        self.markers()
            .iter()
            .copied()
            .find(|m| src.join(m).is_file())
    }
}

/// What the user asked for.
#[derive(Debug, Clone)]
pub struct Options {
    pub source: Source,
    pub src: PathBuf,
    /// Default: a sibling folder named `SRC-rolebook`.
    pub out: Option<PathBuf>,
}

/// A source site as rolebook will lay it out.
#[derive(Debug, Default)]
pub struct Site {
    pub config: SiteSettings,
    pub pages: Vec<Page>,
    /// Files copied as they are: (source path, path relative to the new site).
    pub files: Vec<(PathBuf, String)>,
}

/// What the source's config says that rolebook.toml can hold.
#[derive(Debug, Default)]
pub struct SiteSettings {
    pub title: Option<String>,
    pub description: Option<String>,
    pub base_url: Option<String>,
    pub repository: Option<String>,
    pub edit_url: Option<String>,
}

/// One page of the new site.
#[derive(Debug, Clone)]
pub struct Page {
    /// The source file, relative to the source folder (for messages and
    /// relative links).
    pub source: PathBuf,
    /// Where it goes, relative to `content/`: `guide/install.md`,
    /// `guide/_index.md`.
    pub dest: String,
    pub front: Front,
    pub body: String,
    /// The line of the source file the body starts on, for notes.
    pub body_line: usize,
    /// The page's URL paths in the source generator (`/guide/install.html`),
    /// kept as aliases where they differ from the new URL.
    pub old_urls: Vec<String>,
}

impl Page {
    /// The URL rolebook gives the page (without a `slug`).
    pub fn url(&self) -> String {
        url_of_dest(&self.dest)
    }
}

/// `guide/install.md` -> `/guide/install/`, `guide/_index.md` -> `/guide/`.
pub fn url_of_dest(dest: &str) -> String {
    let stem = dest
        .strip_suffix(".md")
        .unwrap_or(dest)
        .trim_end_matches("_index")
        .trim_end_matches('/');
    let mut url = String::from("/");
    for part in stem.split('/').filter(|p| !p.is_empty()) {
        url.push_str(&crate::content::slugify(part));
        url.push('/');
    }
    url
}

/// A URL path made comparable: leading slash, no `index.html`, no `.html`,
/// a trailing slash.
pub fn normal_url(url: &str) -> String {
    let path = url.split(['#', '?']).next().unwrap_or("");
    let mut path = path.trim_start_matches('/').to_string();
    for end in [
        "index.html",
        "index.htm",
        ".html",
        ".htm",
        "index.md",
        "README.md",
    ] {
        if let Some(stripped) = path.strip_suffix(end) {
            path = stripped.to_string();
            break;
        }
    }
    let path = path.trim_end_matches('/');
    if path.is_empty() {
        "/".to_string()
    } else {
        format!("/{path}/")
    }
}

/// Imports the site and returns what was done; errors leave nothing behind.
pub fn run(opts: &Options) -> Result<Report, Diagnostics> {
    let src = check_source(opts)?;
    let out = match &opts.out {
        Some(out) => out.clone(),
        None => default_out(&src)?,
    };
    check_out(&src, &out)?;
    let mut report = Report::new(opts.source, &src, &out);
    let mut site = match opts.source {
        Source::Jekyll => jekyll::read(&src, &mut report),
        Source::Mdbook => mdbook::read(&src, &mut report),
        Source::Hugo => hugo::read(&src, &mut report),
        Source::Docusaurus => docusaurus::read(&src, &mut report),
    }?;
    resolve_collisions(&mut site, &mut report);
    links::rewrite(&mut site, &src, &mut report);
    add_aliases(&mut site, &mut report);
    write(&site, &out, &mut report)?;
    report.check_result = Some(check(&out));
    Ok(report)
}

fn check_source(opts: &Options) -> Result<PathBuf, Diagnostics> {
    let src = &opts.src;
    if !src.is_dir() {
        return Err(Diagnostic::error(Kind::Io, "no such folder")
            .in_file(src)
            .with_help("give the folder of the site to import")
            .into());
    }
    let src = src
        .canonicalize()
        .map_err(|e| crate::error::io_error(src, &e))?;
    if opts.source.marker_in(&src).is_some() {
        return Ok(src);
    }
    let wanted = opts.source.markers()[0];
    let mut message = format!("no {wanted} here: this is not a {}", opts.source.label());
    let mut help = format!("run the import on the folder that holds {wanted}",);
    if let Some((other, marker)) = Source::ALL
        .iter()
        .filter(|s| **s != opts.source)
        .find_map(|s| s.marker_in(&src).map(|m| (*s, m)))
    {
        message.push_str(&format!("; it has a {marker}"));
        help = format!(
            "try `rolebook import {} {}`",
            other.name(),
            opts.src.display()
        );
    }
    Err(Diagnostic::error(Kind::Io, message)
        .in_file(&opts.src)
        .with_help(help)
        .into())
}

fn default_out(src: &Path) -> Result<PathBuf, Diagnostics> {
    let name = src
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    let parent = src.parent().ok_or_else(|| {
        Diagnostics::from(
            Diagnostic::error(Kind::Io, "the source folder has no parent to write beside")
                .in_file(src)
                .with_help("name the output folder with -o"),
        )
    })?;
    Ok(parent.join(format!("{name}-rolebook")))
}

/// The output must be new or empty and must not lie inside the source.
fn check_out(src: &Path, out: &Path) -> Result<(), Diagnostics> {
    if out.exists() {
        let empty = std::fs::read_dir(out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !out.is_dir() || !empty {
            return Err(Diagnostic::error(
                Kind::Io,
                "the output folder exists and is not empty; nothing was written",
            )
            .in_file(out)
            .with_help("choose a new folder with -o, or empty this one")
            .into());
        }
    }
    let absolute = absolute(out);
    if absolute.starts_with(src) {
        return Err(Diagnostic::error(
            Kind::Io,
            "the output folder lies inside the source folder, which an import never writes to",
        )
        .in_file(out)
        .with_help("choose a folder outside the source with -o")
        .into());
    }
    Ok(())
}

/// `path` made absolute through its nearest existing ancestor, so links
/// and `..` in the part that exists are resolved.
fn absolute(path: &Path) -> PathBuf {
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut existing = path.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    resolved
}

/// A page at `x.md` beside a folder `x/` of other pages becomes that
/// folder's `_index.md` (one URL, one page); two pages that would land on
/// one file: the later one moves aside.
fn resolve_collisions(site: &mut Site, report: &mut Report) {
    let dests: std::collections::HashSet<String> =
        site.pages.iter().map(|p| p.dest.to_lowercase()).collect();
    for page in &mut site.pages {
        let Some(stem) = page
            .dest
            .strip_suffix(".md")
            .filter(|s| !s.ends_with("_index"))
        else {
            continue;
        };
        let folder = format!("{}/", stem.to_lowercase());
        let index = format!("{stem}/_index.md");
        if dests.iter().any(|d| d.starts_with(&folder)) && !dests.contains(&index.to_lowercase()) {
            page.dest = index;
        }
    }
    let mut taken: BTreeMap<String, PathBuf> = BTreeMap::new();
    for page in &mut site.pages {
        let lower = page.dest.to_lowercase();
        if let Some(first) = taken.get(&lower) {
            let stem = page.dest.trim_end_matches(".md").to_string();
            let mut n = 2;
            while taken.contains_key(&format!("{stem}-{n}.md").to_lowercase()) {
                n += 1;
            }
            let moved = format!("{stem}-{n}.md");
            report.note(
                &page.source,
                0,
                format!(
                    "would be content/{} like {}; written as content/{moved}",
                    page.dest,
                    first.display()
                ),
            );
            page.dest = moved;
        }
        taken.insert(page.dest.to_lowercase(), page.source.clone());
    }
}

/// Old URLs that differ from the new ones become aliases, so links from
/// elsewhere keep working.
fn add_aliases(site: &mut Site, report: &mut Report) {
    let taken: std::collections::HashSet<String> =
        site.pages.iter().map(|p| normal_url(&p.url())).collect();
    for page in &mut site.pages {
        let new = normal_url(&page.url());
        for old in std::mem::take(&mut page.old_urls) {
            let old_trimmed = old.trim();
            if old_trimmed.is_empty() || old_trimmed.contains("://") {
                continue;
            }
            let exact = format!("/{}", old_trimmed.trim_start_matches('/'));
            // Hosts serve `/x` and `/x/` alike; only other paths need a redirect.
            if normal_url(&exact) == new && !exact.ends_with(".html") {
                continue;
            }
            if exact.ends_with(".html")
                && normal_url(&exact) == new
                && exact.ends_with("/index.html")
            {
                continue;
            }
            if normal_url(&exact) != new && taken.contains(&normal_url(&exact)) {
                report.note(
                    &page.source,
                    0,
                    format!("old URL {exact} is now another page's; no redirect made"),
                );
                continue;
            }
            if !page.front.aliases.contains(&exact) {
                page.front.aliases.push(exact);
                report.mapped("old URLs kept as aliases (redirects)");
            }
        }
    }
}

fn write(site: &Site, out: &Path, report: &mut Report) -> Result<(), Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut put = |rel: &str, bytes: &[u8]| {
        let path = out.join(rel);
        if let Some(parent) = path.parent()
            && let Err(e) = std::fs::create_dir_all(parent)
        {
            diags.push(crate::error::io_error(parent, &e));
            return;
        }
        // A file is never replaced: create_new fails if it exists.
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path);
        if let Err(e) = file.and_then(|mut f| std::io::Write::write_all(&mut f, bytes)) {
            diags.push(crate::error::io_error(&path, &e));
        }
    };
    put(
        crate::config::FILE_NAME,
        config_text(site, report.source, !report.broken.is_empty()).as_bytes(),
    );
    for page in &site.pages {
        put(&format!("content/{}", page.dest), page.text().as_bytes());
        report.pages += 1;
    }
    for (from, to) in &site.files {
        match std::fs::read(from) {
            Ok(bytes) => {
                put(to, &bytes);
                report.files += 1;
            }
            Err(e) => report.note(from, 0, format!("not copied: {e}")),
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(())
}

impl Page {
    /// The file as written: TOML front matter, then the body.
    pub fn text(&self) -> String {
        format!(
            "+++\n{}+++\n\n{}",
            self.front.to_toml(),
            self.body.trim_start_matches('\n')
        )
    }
}

/// rolebook.toml for the new site. A source with broken links gets
/// `[links] broken = "warn"`, so the site builds while they are fixed.
fn config_text(site: &Site, source: Source, broken_links: bool) -> String {
    let c = &site.config;
    let mut table = toml::Table::new();
    let mut set = |key: &str, value: &Option<String>| {
        if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            table.insert(key.into(), toml::Value::String(v.to_string()));
        }
    };
    set("title", &c.title);
    set("description", &c.description);
    set("base_url", &c.base_url);
    set("repository", &c.repository);
    set("edit_url", &c.edit_url);
    let body = toml::to_string(&table).unwrap_or_default();
    let links = if broken_links {
        "\n# Links already broken in the source (the import report lists them) are\n# warnings, not errors, until they are fixed; then remove this table.\n[links]\nbroken = \"warn\"\n"
    } else {
        ""
    };
    format!(
        "# Imported from a {} by `rolebook import {}`.\n# Every key: see the README's configuration table.\n{body}{links}",
        source.label(),
        source.name()
    )
}

/// `rolebook check` on the new site, in words.
fn check(out: &Path) -> report::Checked {
    let opts = crate::site::BuildOptions {
        target: crate::site::Target::Discard,
        ..crate::site::BuildOptions::default()
    };
    match crate::site::build(&crate::site::Project::new(out), &opts) {
        Ok(built) => report::Checked {
            errors: Vec::new(),
            warnings: built.warnings.len(),
        },
        Err(diags) => report::Checked {
            errors: diags.errors().cloned().collect(),
            warnings: diags.warnings().count(),
        },
    }
}

/// Reads a source file as text; a file that cannot be read or is not UTF-8
/// is listed and skipped.
fn read_text(src: &Path, rel: &Path, report: &mut Report) -> Option<String> {
    match std::fs::read(src.join(rel)) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(text.trim_start_matches('\u{feff}').replace("\r\n", "\n")),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let line = e.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() + 1;
                report.note(rel, line, format!("not UTF-8 (byte {at}); not imported"));
                None
            }
        },
        Err(e) => {
            report.note(rel, 0, format!("cannot be read ({e}); not imported"));
            None
        }
    }
}

/// The files under `dir` (relative to `root`), sorted, without hidden
/// files, build output and dependency folders.
fn walk(root: &Path, dir: &Path, skip_dir: &dyn Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let start = root.join(dir);
    let walker = walkdir::WalkDir::new(&start)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0
                || !(name.starts_with('.')
                    || matches!(name.as_ref(), "node_modules" | "target")
                    || e.file_type().is_dir() && skip_dir(&name))
        });
    for entry in walker.flatten() {
        if entry.file_type().is_file()
            && let Ok(rel) = entry.path().strip_prefix(root)
        {
            files.push(rel.to_path_buf());
        }
    }
    files
}

fn is_markdown(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("md" | "markdown" | "mdx" | "mkd" | "mkdn")
    )
}

/// `a/b/c.md` as a string with forward slashes.
fn slash(path: &Path) -> String {
    crate::content::rel_string(path)
}
