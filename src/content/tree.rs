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
    let dir = page.folder_dir();
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

pub fn assemble(mut pages: Vec<Page>, display_root: &Path, diags: &mut Diagnostics) -> Content {
    pages.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    let dropped = settle_folder_pages(&mut pages, diags);

    let mut section_of: BTreeMap<String, PageId> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.is_section())
        .map(|(id, p)| (p.folder_dir().to_string(), id))
        .collect();

    // Every folder above a page needs a section, also above a folder that
    // has a page of its own (`a/b/README.md` with nothing in `a/`).
    let mut needed: Vec<String> = pages
        .iter()
        .map(|p| match p.kind {
            PageKind::Section => parent_dir(container_dir(p)),
            PageKind::Page => container_dir(p),
        })
        .map(str::to_string)
        .collect();
    needed.push(String::new());
    while let Some(dir) = needed.pop() {
        if section_of.contains_key(&dir) {
            continue;
        }
        let id = pages.len();
        pages.push(implicit_section(&dir, display_root));
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
    let mut by_dir = HashMap::new();
    for (id, page) in pages.iter().enumerate() {
        by_rel.insert(page.rel_path.clone(), id);
        if page.is_section() || page.bundle {
            by_dir.insert(page.folder_dir().to_string(), id);
        }
        if let Some(&other) = by_url.get(&page.url_path) {
            let first = &pages[other];
            let (this, that) = if page.implicit {
                (first, page)
            } else {
                (page, first)
            };
            let that_shown = if that.implicit {
                format!("the folder {}", that.display_path.display())
            } else {
                that.display_path.display().to_string()
            };
            diags.push(
                Diagnostic::error(
                    Kind::Content,
                    format!(
                        "two files have the URL /{}: this one and {that_shown}",
                        page.url_path,
                    ),
                )
                .in_file(&this.display_path)
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
        by_dir,
        unreadable: dropped,
        ..Content::default()
    }
}

/// A folder's own page: `_index.md`, else `index.md`, else `README.md` in
/// any case. Lower ranks win.
pub fn folder_page_rank(file_name: &str) -> Option<u8> {
    let lower = file_name.to_ascii_lowercase();
    match lower.as_str() {
        "_index.md" if file_name == "_index.md" => Some(0),
        "index.md" | "index.markdown" => Some(1),
        "readme.md" | "readme.markdown" => Some(2),
        _ => None,
    }
}

/// Picks each folder's page and decides what it is. Two candidates in one
/// folder are an error naming both; the lower-ranked one is left out (its
/// rel path is returned, so links to it add no second error). A folder's
/// page is a section when the folder holds other pages (or folders of
/// them), and a page bundle when it stands alone with its files; a `_index.md`
/// is always a section, and so is the root's page.
fn settle_folder_pages(pages: &mut Vec<Page>, diags: &mut Diagnostics) -> Vec<String> {
    let mut best: BTreeMap<String, usize> = BTreeMap::new();
    let mut dropped = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let Some(rank) = folder_page_rank(page.file_name()) else {
            continue;
        };
        let dir = page.source_dir().to_string();
        match best.get(&dir) {
            None => {
                best.insert(dir, i);
            }
            Some(&j) => {
                let other = &pages[j];
                let other_rank = folder_page_rank(other.file_name()).unwrap_or(u8::MAX);
                let (keep, drop) = if rank < other_rank { (i, j) } else { (j, i) };
                let folder = if dir.is_empty() {
                    "the site root".to_string()
                } else {
                    format!("the folder `{dir}/`")
                };
                diags.push(
                    Diagnostic::error(
                        Kind::Content,
                        format!(
                            "{folder} has two pages of its own: {} and {}",
                            pages[keep].display_path.display(),
                            pages[drop].display_path.display()
                        ),
                    )
                    .in_file(&pages[drop].display_path)
                    .with_help(
                        "a folder's page is its `_index.md`, else `index.md`, else `README.md`; rename or merge one of them",
                    ),
                );
                best.insert(dir, keep);
                dropped.push(drop);
            }
        }
    }
    dropped.sort_unstable();
    let mut dropped_rels = Vec::new();
    for i in dropped.into_iter().rev() {
        dropped_rels.push(pages.remove(i).rel_path);
    }
    dropped_rels.reverse();
    // Folders that hold a page other than their own.
    let mut busy: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for page in pages.iter() {
        let own = folder_page_rank(page.file_name()).is_some();
        let mut dir = page.source_dir();
        if own {
            if dir.is_empty() {
                continue;
            }
            dir = parent_dir(dir);
        }
        loop {
            if !busy.insert(dir) || dir.is_empty() {
                break;
            }
            dir = parent_dir(dir);
        }
    }
    let busy: std::collections::HashSet<String> = busy.into_iter().map(str::to_string).collect();
    for page in pages.iter_mut() {
        let Some(rank) = folder_page_rank(page.file_name()) else {
            // `guide.md` beside a folder `guide/` of pages with no page of
            // its own is that folder's page (the mdBook and GitHub habit),
            // not a second page at the same URL.
            let stem = page
                .file_name()
                .trim_end_matches(".md")
                .trim_end_matches(".markdown");
            let folder = match page.source_dir() {
                "" => stem.to_string(),
                dir => format!("{dir}/{stem}"),
            };
            if busy.contains(&folder) && !best.contains_key(&folder) {
                page.kind = PageKind::Section;
                page.folder = Some(folder);
            }
            continue;
        };
        let dir = page.source_dir();
        if rank == 0 || dir.is_empty() || busy.contains(dir) {
            page.kind = PageKind::Section;
            page.bundle = false;
        } else {
            page.kind = PageKind::Page;
            page.bundle = true;
        }
    }
    dropped_rels
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

fn implicit_section(dir: &str, display_root: &Path) -> Page {
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
        display_path: display_root.join(if dir.is_empty() { "." } else { dir }),
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
        folder: None,
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
            PageKind::Section => last_segment(page.folder_dir()),
            PageKind::Page if page.bundle => last_segment(page.folder_dir()),
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
    let by_weight = || match (
        a.meta.weight.or_else(|| order_prefix(a)),
        b.meta.weight.or_else(|| order_prefix(b)),
    ) {
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

/// The number a file or folder name starts with (`01-welcome.md`,
/// `0002-remote-first/`), which orders pages without a `weight` as they are
/// listed on GitHub. Dates (`2026-09-launch.md`) are not such numbers.
fn order_prefix(page: &Page) -> Option<i64> {
    let name = if page.is_section() || page.bundle {
        last_segment(page.folder_dir())
    } else {
        page.file_name()
    };
    let digits = name.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &name[digits..];
    let is_date = digits == 4
        && rest.len() > 3
        && rest.as_bytes()[0] == b'-'
        && rest.as_bytes()[1..3].iter().all(u8::is_ascii_digit);
    if !(1..=4).contains(&digits) || is_date || !rest.starts_with(['-', '_', '.', ' ']) {
        return None;
    }
    name[..digits].parse().ok()
}

/// Output paths of the non-Markdown files: beside their page for bundles,
/// else under the slugified folder they are in, so relative links from the
/// page keep working.
pub fn place_assets(content: &Content, content_dir: &Path, files: Vec<String>) -> Vec<Asset> {
    let mut url_of_dir: HashMap<&str, &str> = HashMap::new();
    for page in &content.pages {
        if page.is_section() || page.bundle {
            url_of_dir.insert(page.folder_dir(), &page.url_path);
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn assemble_files(files: &[(&str, &str)]) -> (Content, Diagnostics) {
        let pages = files
            .iter()
            .map(|(rel, text)| {
                let display = Path::new(rel);
                super::super::parse_page(rel, display, display, text.to_string())
                    .expect("parses")
                    .0
            })
            .collect();
        let mut diags = Diagnostics::new();
        let content = assemble(pages, Path::new(""), &mut diags);
        (content, diags)
    }

    fn described(content: &Content) -> Vec<String> {
        let mut out: Vec<String> = content
            .pages
            .iter()
            .map(|p| {
                let kind = match (p.kind, p.bundle, p.implicit) {
                    (PageKind::Section, _, true) => "implicit",
                    (PageKind::Section, _, false) => "section",
                    (PageKind::Page, true, _) => "bundle",
                    (PageKind::Page, false, _) => "page",
                };
                format!("/{} {kind} {}", p.url_path, p.rel_path)
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn a_folder_with_pages_only_in_subfolders_gets_a_section() {
        let (content, diags) = assemble_files(&[
            ("README.md", "# Home"),
            ("docs/guides/README.md", "# Guides"),
            ("docs/guides/onboarding.md", "# Onboarding"),
            ("a/b/_index.md", "+++\ntitle = \"B\"\n+++\n"),
            ("a/b/c/d.md", "# D"),
        ]);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            described(&content),
            vec![
                "/ section README.md",
                "/a/ implicit a/_index.md",
                "/a/b/ section a/b/_index.md",
                "/a/b/c/ implicit a/b/c/_index.md",
                "/a/b/c/d/ page a/b/c/d.md",
                "/docs/ implicit docs/_index.md",
                "/docs/guides/ section docs/guides/README.md",
                "/docs/guides/onboarding/ page docs/guides/onboarding.md",
            ]
        );
    }

    #[test]
    fn folder_pages_follow_github() {
        let (content, diags) = assemble_files(&[
            ("README.md", "# Home"),
            ("careers/README.md", "# Careers"),
            ("careers/ladder.md", "# Ladder"),
            ("guide/index.md", "# Guide"),
            ("guide/deep/setup.md", "# Setup"),
            ("plans/readme.md", "# Plans"),
            ("notes/a.md", "# A"),
            ("policies.md", "# Policies"),
            ("policies/travel.md", "# Travel"),
        ]);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            described(&content),
            vec![
                "/ section README.md",
                "/careers/ section careers/README.md",
                "/careers/ladder/ page careers/ladder.md",
                "/guide/ section guide/index.md",
                "/guide/deep/ implicit guide/deep/_index.md",
                "/guide/deep/setup/ page guide/deep/setup.md",
                "/notes/ implicit notes/_index.md",
                "/notes/a/ page notes/a.md",
                "/plans/ bundle plans/readme.md",
                "/policies/ section policies.md",
                "/policies/travel/ page policies/travel.md",
            ]
        );
        assert_eq!(
            content.folder_page("policies").map(|p| p.rel_path.as_str()),
            Some("policies.md")
        );
        assert_eq!(
            content.folder_page("").map(|p| p.rel_path.as_str()),
            Some("README.md")
        );
    }

    #[test]
    fn two_pages_for_one_folder_name_both_files() {
        let (content, diags) = assemble_files(&[
            ("a/_index.md", "x"),
            ("a/README.md", "x"),
            ("b/Readme.md", "x"),
            ("b/index.md", "x"),
        ]);
        let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "the folder `a/` has two pages of its own: a/_index.md and a/README.md",
                "the folder `b/` has two pages of its own: b/index.md and b/Readme.md",
            ]
        );
        assert_eq!(content.unreadable, vec!["a/README.md", "b/Readme.md"]);
    }

    #[test]
    fn numbered_names_order_pages_without_weight() {
        let (content, _) = assemble_files(&[
            ("guide/10-faq.md", "# FAQ"),
            ("guide/02-setup.md", "# Setup"),
            ("guide/01-welcome.md", "# Welcome"),
            ("guide/2026-09-launch.md", "# Launch"),
            ("guide/zebra.md", "# Aardvark"),
            ("guide/weighted.md", "+++\nweight = 5\n+++\n# Weighted"),
        ]);
        let guide = content.folder_page("guide").expect("guide");
        let titles: Vec<&str> = guide
            .children
            .iter()
            .map(|&id| content.page(id).title.as_str())
            .collect();
        assert_eq!(
            titles,
            vec!["Welcome", "Setup", "Weighted", "FAQ", "Aardvark", "Launch"]
        );
    }
}
