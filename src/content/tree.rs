//! Assembling parsed pages into the section tree: implicit sections for
//! folders without `_index.md`, parents, URLs, ordering, duplicate URLs and
//! where each asset lands.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Asset, Content, Page, PageId, PageKind, SortBy, humanize, slugify};
use crate::error::{Diagnostic, Diagnostics, Kind};

/// The folder a page belongs to: its own folder for a section, the folder
/// above for a bundle's `index.md`, else the folder it is in.
fn container_dir(page: &Page) -> &str {
    let dir = page.source_dir();
    match page.kind {
        PageKind::Section => dir,
        PageKind::Page if page.bundle => parent_dir(dir),
        PageKind::Page => dir,
    }
}

fn parent_dir(dir: &str) -> &str {
    dir.rfind('/').map_or("", |i| &dir[..i])
}

fn last_segment(dir: &str) -> &str {
    dir.rsplit('/').next().unwrap_or(dir)
}

pub fn assemble(mut pages: Vec<Page>, diags: &mut Diagnostics) -> Content {
    pages.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));

    // Folders that are sections, with an `_index.md` or made up.
    let mut section_of: BTreeMap<String, PageId> = BTreeMap::new();
    for (id, page) in pages.iter().enumerate() {
        if page.is_section() {
            section_of.insert(page.source_dir().to_string(), id);
        }
    }
    let mut bundle_conflicts = Vec::new();
    for page in pages.iter().filter(|p| p.bundle) {
        if section_of.contains_key(page.source_dir()) {
            bundle_conflicts.push(page.display_path.clone());
        }
    }
    for path in bundle_conflicts {
        diags.push(
            Diagnostic::error(
                Kind::Content,
                "a folder cannot be both a section (`_index.md`) and a page bundle (`index.md`)",
            )
            .in_file(path)
            .with_help("rename `index.md`, or remove the folder's `_index.md`"),
        );
    }
    pages.retain(|p| !(p.bundle && section_of.contains_key(p.source_dir())));
    let section_of_after: BTreeMap<String, PageId> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.is_section())
        .map(|(id, p)| (p.source_dir().to_string(), id))
        .collect();
    section_of = section_of_after;

    let mut needed: Vec<String> = pages.iter().map(|p| container_dir(p).to_string()).collect();
    needed.push(String::new());
    while let Some(dir) = needed.pop() {
        if section_of.contains_key(&dir) {
            continue;
        }
        let id = pages.len();
        pages.push(implicit_section(&dir));
        section_of.insert(dir.clone(), id);
        if !dir.is_empty() {
            needed.push(parent_dir(&dir).to_string());
        }
    }
    for id in 0..pages.len() {
        let page = &pages[id];
        let dir = container_dir(page);
        let parent_dir = match page.kind {
            PageKind::Section if dir.is_empty() => None,
            PageKind::Section => Some(parent_dir(dir)),
            PageKind::Page => Some(dir),
        };
        let parent = parent_dir.and_then(|d| section_of.get(d).copied());
        pages[id].parent = parent;
        if let Some(p) = parent {
            pages[p].children.push(id);
        }
    }
    let root = section_of.get("").copied().unwrap_or(0);

    assign_urls(&mut pages, root, 0, "");
    check_url_names(&pages, diags);
    for id in 0..pages.len() {
        if pages[id].is_section() {
            sort_children(&mut pages, id);
        }
    }

    let mut by_rel = HashMap::new();
    let mut by_url: HashMap<String, PageId> = HashMap::new();
    for (id, page) in pages.iter().enumerate() {
        by_rel.insert(page.rel_path.clone(), id);
        if let Some(&other) = by_url.get(&page.url_path) {
            let first = &pages[other];
            diags.push(
                Diagnostic::error(
                    Kind::Content,
                    format!(
                        "two files have the URL /{}: this one and {}",
                        page.url_path,
                        first.display_path.display()
                    ),
                )
                .in_file(&page.display_path)
                .with_help("give one of them another `slug`, or rename it"),
            );
        } else {
            by_url.insert(page.url_path.clone(), id);
        }
    }
    Content {
        pages,
        root,
        by_rel,
        by_url,
        ..Content::default()
    }
}

/// Puts the children of section `id` in order, and its `pages` and
/// `subsections` with them.
pub fn sort_children(pages: &mut [Page], id: PageId) {
    let sort_by = pages[id].meta.sort_by.unwrap_or_default();
    let mut children = std::mem::take(&mut pages[id].children);
    children.sort_by(|&a, &b| compare(&pages[a], &pages[b], sort_by));
    pages[id].pages = children
        .iter()
        .copied()
        .filter(|&c| !pages[c].is_section())
        .collect();
    pages[id].subsections = children
        .iter()
        .copied()
        .filter(|&c| pages[c].is_section())
        .collect();
    pages[id].children = children;
}

fn implicit_section(dir: &str) -> Page {
    let rel_path = if dir.is_empty() {
        "_index.md".to_string()
    } else {
        format!("{dir}/_index.md")
    };
    let title = if dir.is_empty() {
        "Home".to_string()
    } else {
        humanize(last_segment(dir))
    };
    Page {
        kind: PageKind::Section,
        display_path: Path::new("content").join(&rel_path),
        source_path: PathBuf::new(),
        rel_path,
        text: Arc::from(""),
        body_offset: 0,
        meta: Default::default(),
        title,
        date: None,
        updated: None,
        roles: Vec::new(),
        url_path: String::new(),
        parent: None,
        pages: Vec::new(),
        subsections: Vec::new(),
        children: Vec::new(),
        implicit: true,
        bundle: false,
        depth: 0,
    }
}

/// Each URL segment becomes a folder name in the output, and file systems
/// allow names of at most 255 bytes: the page that makes a longer one is
/// named (not the folder the build would fail to write).
fn check_url_names(pages: &[Page], diags: &mut Diagnostics) {
    let max = crate::output::MAX_NAME;
    for page in pages {
        let own = page
            .url_path
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("");
        // A long `slug` is reported where it is written.
        if own.len() <= max || page.meta.slug.is_some() {
            continue;
        }
        diags.push(
            Diagnostic::error(
                Kind::Content,
                format!(
                    "the page's URL segment, made from its file or folder name, is {} bytes long; a file or folder name can be at most {max} bytes",
                    own.len()
                ),
            )
            .in_file(&page.display_path)
            .with_help("rename it, or set a shorter `slug` in the front matter"),
        );
    }
}

fn assign_urls(pages: &mut [Page], id: PageId, depth: usize, url: &str) {
    pages[id].url_path = url.to_string();
    pages[id].depth = depth;
    let children = pages[id].children.clone();
    for child in children {
        let page = &pages[child];
        let name = match page.kind {
            PageKind::Section => last_segment(page.source_dir()),
            PageKind::Page if page.bundle => last_segment(page.source_dir()),
            PageKind::Page => {
                let file = page.rel_path.rsplit('/').next().unwrap_or(&page.rel_path);
                file.trim_end_matches(".md").trim_end_matches(".markdown")
            }
        };
        let segment = page.meta.slug.clone().unwrap_or_else(|| slugify(name));
        let child_url = format!("{url}{segment}/");
        assign_urls(pages, child, depth + 1, &child_url);
    }
}

/// Weight first (pages without one last), then date (newest first), then title.
fn compare(a: &Page, b: &Page, sort_by: SortBy) -> Ordering {
    let by_weight = || match (a.meta.weight, b.meta.weight) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    let by_date = || b.date.cmp(&a.date);
    let by_title = || {
        a.title
            .to_lowercase()
            .cmp(&b.title.to_lowercase())
            .then_with(|| a.rel_path.cmp(&b.rel_path))
    };
    match sort_by {
        SortBy::Weight => by_weight().then_with(by_date).then_with(by_title),
        SortBy::Date => by_date().then_with(by_weight).then_with(by_title),
        SortBy::Title => by_title(),
    }
}

/// Output paths of the non-Markdown files: beside their page for bundles,
/// else under the slugified folder they are in, so relative links from the
/// page keep working.
pub fn place_assets(content: &Content, content_dir: &Path, files: Vec<String>) -> Vec<Asset> {
    let mut url_of_dir: HashMap<&str, &str> = HashMap::new();
    for page in &content.pages {
        if page.is_section() || page.bundle {
            url_of_dir.insert(page.source_dir(), &page.url_path);
        }
    }
    files
        .into_iter()
        .map(|rel| {
            let (dir, file) = rel.rsplit_once('/').unwrap_or(("", &rel));
            let dest = match url_of_dir.get(dir) {
                Some(url) => format!("{url}{file}"),
                None => {
                    let folder: Vec<String> = dir
                        .split('/')
                        .filter(|s| !s.is_empty())
                        .map(slugify)
                        .collect();
                    let mut dest = folder.join("/");
                    if !dest.is_empty() {
                        dest.push('/');
                    }
                    dest.push_str(file);
                    dest
                }
            };
            Asset {
                source: content_dir.join(&rel),
                rel_path: rel.clone(),
                dest,
            }
        })
        .collect()
}
