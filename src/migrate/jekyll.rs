//! A Jekyll site: `_config.yml`, pages anywhere, `_posts/`, collections,
//! navigation lists in `_data/`, Liquid in the text.
//!
//! Each page lands where its old URL says (`permalink: /discover/` becomes
//! `content/discover.md`), so its address stays; the old URL (`about.html`)
//! is kept as an alias. Files without front matter that are not Markdown
//! are copied to `static/`, which keeps their URLs.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::front::{self, Front};
use super::report::Report;
use super::{Page, Site, normal_url, slash};
use crate::error::Diagnostics;

/// Jekyll's own folders: never content.
const SKIPPED: [&str; 10] = [
    "_site",
    "_includes",
    "_layouts",
    "_sass",
    "_plugins",
    "vendor",
    ".jekyll-cache",
    ".sass-cache",
    ".bundle",
    "_data",
];
const SKIPPED_FILES: [&str; 8] = [
    "Gemfile",
    "Gemfile.lock",
    "Rakefile",
    "package.json",
    "package-lock.json",
    "_config.yml",
    "_config.yaml",
    "_config.toml",
];

struct Config {
    base_path: String,
    pretty: bool,
    /// Collection name -> its permalink pattern, if any.
    collections: HashMap<String, Option<String>>,
    exclude: Vec<String>,
}

pub fn read(src: &Path, report: &mut Report) -> Result<Site, Diagnostics> {
    let mut site = Site::default();
    let config = read_config(src, &mut site, report);
    let files = super::walk(src, Path::new(""), &|name| {
        SKIPPED.contains(&name) || name == "node_modules"
    });
    let mut has_index = false;
    for rel in files {
        let name = rel.to_string_lossy().into_owned();
        let top = slash(&rel).split('/').next().unwrap_or("").to_string();
        if SKIPPED_FILES.contains(&name.as_str())
            || config.exclude.iter().any(|e| excluded(&slash(&rel), e))
        {
            continue;
        }
        let collection = top
            .strip_prefix('_')
            .filter(|_| rel.components().count() > 1)
            .map(str::to_string);
        if let Some(c) = &collection
            && c != "posts"
            && c != "drafts"
            && !config.collections.contains_key(c)
        {
            report.note(
                &rel,
                0,
                format!("in _{c}/, which is no collection in _config.yml; not imported"),
            );
            continue;
        }
        let markdown = super::is_markdown(&rel);
        let html = matches!(
            rel.extension().and_then(|e| e.to_str()),
            Some("html" | "htm")
        );
        if !markdown && !html {
            site.files
                .push((src.join(&rel), format!("static/{}", slash(&rel))));
            continue;
        }
        let Some(text) = super::read_text(src, &rel, report) else {
            continue;
        };
        let parsed = front::parse(&text, &rel, report);
        if html && parsed.map.is_empty() && !text.starts_with("---") {
            // Jekyll copies HTML without front matter as it is.
            site.files
                .push((src.join(&rel), format!("static/{}", slash(&rel))));
            continue;
        }
        let page = page(&rel, parsed, collection.as_deref(), &config, report);
        has_index |= normal_url(page.old_urls.first().map_or("", |u| u.as_str())) == "/";
        site.pages.push(page);
    }
    site.pages.retain(|p| {
        let url = normal_url(p.old_urls.first().map_or("", |u| u.as_str()));
        if url == "/404/" {
            report.note(
                &p.source,
                0,
                "a 404 page: rolebook makes its own; not imported",
            );
            return false;
        }
        let readme = p
            .source
            .to_str()
            .is_some_and(|s| s.eq_ignore_ascii_case("README.md"));
        if readme && has_index {
            report.note(
                &p.source,
                0,
                "the repository's README beside the site's index: not imported",
            );
            return false;
        }
        true
    });
    if !has_index
        && let Some(readme) = site.pages.iter_mut().find(|p| {
            p.source
                .to_str()
                .is_some_and(|s| s.eq_ignore_ascii_case("README.md"))
        })
    {
        // GitHub Pages serves the root README as the home page.
        readme.old_urls.insert(0, "/".into());
    }
    place(&mut site.pages, report);
    navigation(src, &config, &mut site.pages, report);
    if site.pages.iter().any(|p| p.dest.starts_with("posts/")) {
        site.pages.push(posts_section());
    }
    Ok(site)
}

fn read_config(src: &Path, site: &mut Site, report: &mut Report) -> Config {
    let rel = Path::new("_config.yml");
    let value = super::read_text(src, rel, report)
        .and_then(|t| match serde_norway::from_str::<Value>(&t) {
            Ok(v) => Some(v),
            Err(e) => {
                let line = e.location().map_or(0, |l| l.line());
                report.note(
                    rel,
                    line,
                    format!("does not parse ({e}); its settings are not imported"),
                );
                None
            }
        })
        .unwrap_or(Value::Null);
    let get = |k: &str| value.get(k).and_then(front::text);
    let base_path = get("baseurl").unwrap_or_default();
    let base_path = base_path.trim_end_matches('/').to_string();
    site.config.title = get("title");
    site.config.description = get("description");
    if let Some(url) = get("url") {
        site.config.base_url = Some(format!("{}{}/", url.trim_end_matches('/'), base_path));
    }
    site.config.repository = get("repository").map(|r| {
        if r.contains("://") {
            r
        } else {
            format!("https://github.com/{r}")
        }
    });
    let mut collections = HashMap::new();
    if let Some(Value::Object(map)) = value.get("collections") {
        for (name, settings) in map {
            let permalink = settings.get("permalink").and_then(front::text);
            collections.insert(name.clone(), permalink);
        }
    } else if let Some(Value::Array(names)) = value.get("collections") {
        for name in names.iter().filter_map(front::text) {
            collections.insert(name, None);
        }
    }
    let exclude = value.get("exclude").map(front::strings).unwrap_or_default();
    Config {
        base_path,
        // `pretty`, or a pattern like `/:title/`: page URLs end in a slash.
        pretty: get("permalink").is_some_and(|p| p == "pretty" || p.ends_with('/')),
        collections,
        exclude,
    }
}

fn excluded(rel: &str, pattern: &str) -> bool {
    let pattern = pattern.trim_end_matches('/');
    rel == pattern
        || rel.starts_with(&format!("{pattern}/"))
        || pattern
            .strip_prefix('*')
            .is_some_and(|ext| rel.ends_with(ext))
}

fn page(
    rel: &Path,
    parsed: front::Parsed,
    collection: Option<&str>,
    config: &Config,
    report: &mut Report,
) -> Page {
    let mut front = Front::from_map(&parsed.map, report);
    let stem = rel
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let permalink = parsed.map.get("permalink").and_then(front::text);
    let mut dest = None;
    let old_url = match collection {
        Some("posts" | "drafts") => {
            let (date, slug) = post_name(&stem);
            if front.date.is_none() {
                front.date = date.clone();
            }
            front.draft |= collection == Some("drafts");
            let day = date.unwrap_or_default().replace('-', "/");
            let categories = parsed
                .map
                .get("categories")
                .or_else(|| parsed.map.get("category"))
                .map(front::strings)
                .unwrap_or_default()
                .join("/");
            dest = Some(format!("posts/{slug}.md"));
            report.mapped("posts to the posts section, dated by their file name");
            match &permalink {
                Some(p) => expand(p, rel, &slug, collection),
                None if config.pretty => format!("/{categories}/{day}/{slug}/"),
                None => format!("/{categories}/{day}/{slug}.html"),
            }
        }
        Some(c) => {
            let path = slash(rel);
            let inner = path.split_once('/').map_or("", |(_, r)| r);
            let inner = inner.rsplit_once('.').map_or(inner, |(s, _)| s);
            match (&permalink, config.collections.get(c)) {
                (Some(p), _) => expand(p, rel, &stem, collection),
                (None, Some(Some(p))) => expand(p, Path::new(inner), &stem, collection),
                _ => format!("/{c}/{inner}.html"),
            }
        }
        None => match &permalink {
            Some(p) => expand(p, rel, &stem, None),
            None => default_url(rel, config.pretty),
        },
    };
    if permalink.is_some() {
        report.mapped("`permalink` to the page's place (its URL is kept)");
    }
    let old = old_url;
    let body = transform(&parsed.body, rel, parsed.body_line, report);
    Page {
        source: rel.to_path_buf(),
        dest: dest.unwrap_or_default(),
        front,
        body,
        body_line: parsed.body_line,
        old_urls: vec![old],
    }
}

/// `2024-03-05-a-title` -> (`2024-03-05`, `a-title`).
fn post_name(stem: &str) -> (Option<String>, String) {
    let date = stem
        .get(..10)
        .filter(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok());
    match date {
        Some(d) => (
            Some(d.to_string()),
            stem[10..].trim_start_matches('-').to_string(),
        ),
        None => (None, stem.to_string()),
    }
}

/// A page's URL without a permalink: `about.md` -> `/about.html`,
/// `docs/index.md` -> `/docs/`.
fn default_url(rel: &Path, pretty: bool) -> String {
    let path = slash(rel);
    let stem = path.rsplit_once('.').map_or(path.as_str(), |(s, _)| s);
    if stem == "index" || stem.ends_with("/index") {
        return format!("/{}", stem.trim_end_matches("index"));
    }
    if pretty {
        format!("/{stem}/")
    } else {
        format!("/{stem}.html")
    }
}

/// A permalink with its placeholders filled in.
fn expand(pattern: &str, rel: &Path, title: &str, collection: Option<&str>) -> String {
    let path = slash(rel);
    let path = path.rsplit_once('.').map_or(path.as_str(), |(s, _)| s);
    let url = pattern
        .replace(":path", path)
        .replace(":basename", title)
        .replace(":name", title)
        .replace(":title", title)
        .replace(":slug", title)
        .replace(":collection", collection.unwrap_or(""))
        .replace(":output_ext", ".html")
        .replace(":categories", "");
    let mut clean = String::from("/");
    for part in url.split('/').filter(|p| !p.is_empty()) {
        clean.push_str(part);
        clean.push('/');
    }
    if !url.ends_with('/') && clean.len() > 1 {
        clean.pop();
    }
    clean
}

/// Each page's file under content/ from its old URL; a page whose URL is
/// a prefix of others' becomes their section's `_index.md`.
fn place(pages: &mut [Page], report: &mut Report) {
    let urls: Vec<String> = pages
        .iter()
        .map(|p| normal_url(p.old_urls.first().map_or("", |u| u.as_str())))
        .collect();
    for (i, page) in pages.iter_mut().enumerate() {
        if !page.dest.is_empty() {
            continue;
        }
        let url = &urls[i];
        let stem = url.trim_matches('/');
        let parent_of_others = urls
            .iter()
            .enumerate()
            .any(|(j, u)| j != i && u.starts_with(url.as_str()) && u != url);
        page.dest = if stem.is_empty() {
            "_index.md".into()
        } else if parent_of_others {
            format!("{stem}/_index.md")
        } else {
            format!("{stem}.md")
        };
        let from = slash(&page.source);
        if from.trim_start_matches('_') != page.dest && from != page.dest {
            report.mapped("pages placed where their old URL was");
        }
    }
}

/// Navigation lists in `_data/`: their order becomes weights, their
/// titles the titles of pages without one.
fn navigation(src: &Path, config: &Config, pages: &mut [Page], report: &mut Report) {
    let data = src.join("_data");
    let Ok(entries) = std::fs::read_dir(&data) else {
        return;
    };
    let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    files.sort();
    let by_url: BTreeMap<String, usize> = pages
        .iter()
        .enumerate()
        .flat_map(|(i, p)| p.old_urls.iter().map(move |u| (normal_url(u), i)))
        .collect();
    let mut placed = vec![false; pages.len()];
    for file in files {
        let rel = PathBuf::from("_data").join(file.file_name().unwrap_or_default());
        let is_yaml = matches!(
            file.extension().and_then(|e| e.to_str()),
            Some("yml" | "yaml")
        );
        if !is_yaml {
            continue;
        }
        let Some(text) = super::read_text(src, &rel, report) else {
            continue;
        };
        let Ok(value) = serde_norway::from_str::<Value>(&text) else {
            report.note(&rel, 0, "does not parse as YAML; not read for navigation");
            continue;
        };
        let mut found = 0;
        nav_lists(&value, &mut |list| {
            for (n, entry) in list.iter().enumerate() {
                let url = nav_url(entry).map(|u| {
                    let u = u.trim_start_matches(&config.base_path).to_string();
                    normal_url(&u)
                });
                let Some(&i) = url.as_ref().and_then(|u| by_url.get(u)) else {
                    continue;
                };
                if placed[i] {
                    continue;
                }
                placed[i] = true;
                found += 1;
                let page = &mut pages[i];
                page.front.weight = Some((n as i64 + 1) * 10);
                if page.front.title.is_none() {
                    page.front.title = nav_title(entry);
                }
            }
        });
        if found > 0 {
            for page in pages.iter_mut() {
                if page.front.extra.remove("sidenav").is_some() {
                    report.extra_keys.remove("sidenav");
                }
            }
            for _ in 0..found {
                report.mapped(&format!("navigation entries in {} to weights", slash(&rel)));
            }
        }
    }
}

/// Calls `f` on every list of navigation entries, nested ones included.
fn nav_lists(value: &Value, f: &mut dyn FnMut(&[Value])) {
    match value {
        Value::Array(items) => {
            if items
                .iter()
                .any(|i| nav_url(i).is_some() || nav_title(i).is_some())
            {
                f(items);
            }
            for item in items {
                nav_lists(item, f);
            }
        }
        Value::Object(map) => {
            for v in map.values() {
                nav_lists(v, f);
            }
        }
        _ => {}
    }
}

fn nav_url(entry: &Value) -> Option<String> {
    ["url", "href", "link", "path"]
        .iter()
        .find_map(|k| entry.get(k).and_then(front::text))
}

fn nav_title(entry: &Value) -> Option<String> {
    ["title", "text", "name", "label"]
        .iter()
        .find_map(|k| entry.get(k).and_then(front::text))
}

fn posts_section() -> Page {
    Page {
        source: PathBuf::from("_posts"),
        dest: "posts/_index.md".into(),
        front: Front {
            title: Some("Posts".into()),
            sort_by: Some("date".into()),
            feed: true,
            ..Front::default()
        },
        body: "Every post, newest first.\n".into(),
        body_line: 1,
        old_urls: Vec::new(),
    }
}

/// Jekyll's Markdown habits: `{% highlight %}` blocks become fenced code,
/// kramdown's `{:toc}` and attribute lists go (the theme has a table of
/// contents; rolebook does not read them).
fn transform(body: &str, rel: &Path, body_line: usize, report: &mut Report) -> String {
    let mut out = String::with_capacity(body.len());
    let mut in_highlight = false;
    for (n, line) in body.split_inclusive('\n').enumerate() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("{%").and_then(|r| r.strip_suffix("%}")) {
            let words: Vec<&str> = rest.split_whitespace().collect();
            if words.first() == Some(&"highlight") {
                let lang = words.get(1).copied().unwrap_or("");
                out.push_str(&format!("```{lang}\n"));
                in_highlight = true;
                report.mapped("`{% highlight %}` blocks to fenced code");
                continue;
            }
            if words.first() == Some(&"endhighlight") && in_highlight {
                out.push_str("```\n");
                in_highlight = false;
                continue;
            }
        }
        if in_highlight {
            out.push_str(line);
            continue;
        }
        if t == "{:toc}" || t == "{:toc }" || t == "* TOC" || t == "1. TOC" {
            if t == "{:toc}" {
                report.mapped("kramdown `{:toc}` dropped (the theme shows a table of contents)");
            }
            continue;
        }
        if t.starts_with("{:") && t.ends_with('}') {
            report.note(
                rel,
                body_line + n,
                format!("kramdown attribute list `{t}` dropped"),
            );
            continue;
        }
        out.push_str(line);
    }
    out
}
