//! A Docusaurus site: `docusaurus.config.js`, `docs/` with `sidebars.js`
//! and `_category_.json` files, `blog/`, Markdown pages in `src/pages/`,
//! `static/`, admonitions and MDX in the text.
//!
//! Docs keep their URLs (`/docs/guides/setup`), with number prefixes
//! dropped from names as Docusaurus drops them; the sidebar's order
//! becomes weights and category labels the titles of their folders.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::front::{self, Front};
use super::report::Report;
use super::{Page, Site, slash};
use crate::error::Diagnostics;

pub fn read(src: &Path, report: &mut Report) -> Result<Site, Diagnostics> {
    let mut site = Site::default();
    let route = config(src, &mut site, report);
    let mut ids: HashMap<String, usize> = HashMap::new();
    docs(src, &route, &mut site, &mut ids, report);
    categories(src, &route, &mut site, report);
    sidebars(src, &mut site, &ids, report);
    blog(src, &mut site, report);
    for rel in super::walk(src, Path::new("src/pages"), &|_| false) {
        if super::is_markdown(&rel) {
            let inner = rel.strip_prefix("src/pages").unwrap_or(&rel).to_path_buf();
            if let Some(page) = doc_page(src, &rel, &inner, "", report) {
                site.pages.push(page.0);
            }
        } else {
            report.note(&rel, 0, "a React page: not imported");
        }
    }
    for rel in super::walk(src, Path::new("static"), &|_| false) {
        site.files.push((src.join(&rel), slash(&rel)));
    }
    home(&mut site, report);
    Ok(site)
}

/// Settings read from the config's plain strings; returns the docs'
/// route (`docs`, or empty when they are served at the root).
fn config(src: &Path, site: &mut Site, report: &mut Report) -> String {
    let Some(name) = [
        "docusaurus.config.js",
        "docusaurus.config.ts",
        "docusaurus.config.mjs",
    ]
    .into_iter()
    .find(|n| src.join(n).is_file()) else {
        return "docs".into();
    };
    let Some(text) = super::read_text(src, Path::new(name), report) else {
        return "docs".into();
    };
    let get = |k: &str| string_value(&text, k);
    site.config.title = get("title");
    site.config.description = get("tagline");
    if let Some(url) = get("url") {
        let base = get("baseUrl").unwrap_or_else(|| "/".into());
        site.config.base_url = Some(format!(
            "{}/{}",
            url.trim_end_matches('/'),
            base.trim_start_matches('/')
        ));
    }
    if let (Some(org), Some(project)) = (get("organizationName"), get("projectName")) {
        site.config.repository = Some(format!("https://github.com/{org}/{project}"));
    }
    if let Some(edit) = get("editUrl") {
        report.note(
            Path::new(name),
            0,
            format!(
                "editUrl {edit} not mapped: set edit_url by hand (pages are now under content/)"
            ),
        );
    }
    get("routeBasePath")
        .unwrap_or_else(|| "docs".into())
        .trim_matches('/')
        .to_string()
}

/// The first `key: 'value'` (or `"value"`, `` `value` ``) in the text.
fn string_value(text: &str, key: &str) -> Option<String> {
    let mut from = 0;
    while let Some(i) = text[from..].find(key) {
        let at = from + i;
        from = at + key.len();
        let before = text[..at].chars().next_back().unwrap_or(' ');
        if before.is_alphanumeric() || before == '_' {
            continue;
        }
        let rest = text[from..].trim_start_matches(['"', '\'']).trim_start();
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        let rest = rest.trim_start();
        let quote = rest.chars().next()?;
        if !matches!(quote, '"' | '\'' | '`') {
            continue;
        }
        let end = rest[1..].find(quote)?;
        return Some(rest[1..1 + end].to_string());
    }
    None
}

/// `01-intro` -> (`intro`, Some(1)).
fn strip_number(name: &str) -> (String, Option<i64>) {
    let digits = name.chars().take_while(char::is_ascii_digit).count();
    if digits > 0
        && let Some(sep) = name[digits..].chars().next()
        && matches!(sep, '-' | '_' | '.' | ' ')
        && name.len() > digits + 1
    {
        return (
            name[digits + 1..].trim_start().to_string(),
            name[..digits].parse().ok(),
        );
    }
    (name.to_string(), None)
}

/// A folder path with number prefixes dropped from each part.
fn clean_dir(dir: &Path) -> String {
    dir.components()
        .map(|c| strip_number(&c.as_os_str().to_string_lossy()).0)
        .collect::<Vec<_>>()
        .join("/")
}

fn docs(
    src: &Path,
    route: &str,
    site: &mut Site,
    ids: &mut HashMap<String, usize>,
    report: &mut Report,
) {
    for rel in super::walk(src, Path::new("docs"), &|_| false) {
        let inner = rel.strip_prefix("docs").unwrap_or(&rel).to_path_buf();
        let name = inner
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with("_category_") {
            continue;
        }
        if !super::is_markdown(&rel) {
            let dir = clean_dir(inner.parent().unwrap_or(Path::new("")));
            let to = [route, &dir, &name]
                .iter()
                .filter(|p| !p.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join("/");
            site.files.push((src.join(&rel), format!("content/{to}")));
            continue;
        }
        if let Some((page, id)) = doc_page(src, &rel, &inner, route, report) {
            ids.insert(id, site.pages.len());
            site.pages.push(page);
        }
    }
}

/// A Markdown file of `docs/` (or `src/pages/`): its page and doc id.
fn doc_page(
    src: &Path,
    rel: &Path,
    inner: &Path,
    route: &str,
    report: &mut Report,
) -> Option<(Page, String)> {
    let text = super::read_text(src, rel, report)?;
    let parsed = front::parse(&text, rel, report);
    let mut front = Front::from_map(&parsed.map, report);
    let dir = clean_dir(inner.parent().unwrap_or(Path::new("")));
    let stem = inner
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (name, number) = strip_number(&stem);
    if front.weight.is_none() {
        front.weight = number;
    }
    let name = parsed.map.get("id").and_then(front::text).unwrap_or(name);
    let id = if dir.is_empty() {
        name.clone()
    } else {
        format!("{dir}/{name}")
    };
    let is_index = name.eq_ignore_ascii_case("index") || name.eq_ignore_ascii_case("readme");
    let join = |parts: &[&str]| {
        parts
            .iter()
            .filter(|p| !p.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join("/")
    };
    let (dest, mut old) = if is_index {
        let folder = join(&[route, &dir]);
        let dest = if folder.is_empty() {
            "_index.md".to_string()
        } else {
            format!("{folder}/_index.md")
        };
        (dest, format!("/{folder}"))
    } else {
        (
            format!("{}.md", join(&[route, &dir, &name])),
            format!("/{}", join(&[route, &dir, &name])),
        )
    };
    let mut dest = dest;
    if let Some(slug) = parsed.map.get("slug").and_then(front::text) {
        let url = if slug.starts_with('/') {
            format!("/{}", join(&[route, slug.trim_matches('/')]))
        } else {
            format!("/{}", join(&[route, &dir, slug.trim_matches('/')]))
        };
        let stem = url.trim_matches('/');
        dest = if stem.is_empty() {
            "_index.md".into()
        } else {
            format!("{stem}.md")
        };
        old = url;
        report.mapped("`slug` to the page's place (its URL is kept)");
    }
    let body = mdx(&admonitions(&parsed.body, report), rel, report);
    let page = Page {
        source: rel.to_path_buf(),
        dest,
        front,
        body,
        body_line: parsed.body_line,
        old_urls: vec![old],
    };
    Some((page, id))
}

/// `_category_.json` / `.yml`: a folder's title, position and description.
fn categories(src: &Path, route: &str, site: &mut Site, report: &mut Report) {
    for rel in super::walk(src, Path::new("docs"), &|_| false) {
        let name = rel
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !name.starts_with("_category_") {
            continue;
        }
        let Some(text) = super::read_text(src, &rel, report) else {
            continue;
        };
        let value: Value = match if name.ends_with(".json") {
            serde_json::from_str(&text).map_err(|e| e.to_string())
        } else {
            serde_norway::from_str(&text).map_err(|e| e.to_string())
        } {
            Ok(v) => v,
            Err(e) => {
                report.note(&rel, 0, format!("does not parse ({e}); not used"));
                continue;
            }
        };
        let inner = rel.strip_prefix("docs").unwrap_or(&rel);
        let dir = inner.parent().unwrap_or(Path::new(""));
        let (_, number) = strip_number(&dir.file_name().unwrap_or_default().to_string_lossy());
        let folder = [route.to_string(), clean_dir(dir)]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("/");
        let label = value.get("label").and_then(front::text);
        let position = value.get("position").and_then(front::number).or(number);
        let description = value.pointer("/link/description").and_then(front::text);
        let page = section(site, &folder, &rel);
        if page.front.title.is_none() {
            page.front.title = label;
        }
        if page.front.weight.is_none() {
            page.front.weight = position;
        }
        if page.front.description.is_none() {
            page.front.description = description;
        }
        report.mapped("`_category_` files to section titles and weights");
    }
}

/// The `_index.md` page of a folder, made if the folder has none.
fn section<'a>(site: &'a mut Site, folder: &str, source: &Path) -> &'a mut Page {
    let dest = format!("{folder}/_index.md");
    if let Some(i) = site.pages.iter().position(|p| p.dest == dest) {
        return &mut site.pages[i];
    }
    site.pages.push(Page {
        source: source.to_path_buf(),
        dest,
        front: Front::default(),
        body: String::new(),
        body_line: 1,
        old_urls: Vec::new(),
    });
    let last = site.pages.len() - 1;
    &mut site.pages[last]
}

/// sidebars.js: the order of its items becomes weights.
fn sidebars(src: &Path, site: &mut Site, ids: &HashMap<String, usize>, report: &mut Report) {
    let Some(name) = [
        "sidebars.js",
        "sidebars.ts",
        "sidebars.mjs",
        "sidebars.json",
    ]
    .into_iter()
    .find(|n| src.join(n).is_file()) else {
        return;
    };
    let rel = Path::new(name);
    let Some(text) = super::read_text(src, rel, report) else {
        return;
    };
    let value = match super::jsobj::parse_after(
        &text,
        &[
            "const sidebars: SidebarsConfig =",
            "const sidebars =",
            "module.exports =",
            "export default",
            "sidebars =",
        ],
    ) {
        Ok(v) => v,
        Err(e) => {
            report.note(rel, 0, format!(
                "not a plain object literal ({e}); pages are ordered by sidebar_position, number prefixes, then alphabetically"
            ));
            return;
        }
    };
    let mut ordered = vec![false; site.pages.len()];
    if let Value::Object(bars) = value {
        for items in bars.values() {
            order(items, site, ids, &mut ordered, report);
        }
    }
}

fn order(
    items: &Value,
    site: &mut Site,
    ids: &HashMap<String, usize>,
    ordered: &mut Vec<bool>,
    report: &mut Report,
) {
    let list: Vec<Value> = match items {
        Value::Array(list) => list.clone(),
        // `{ 'Label': ['a', 'b'] }` shorthand categories.
        Value::Object(map) => map
            .iter()
            .map(|(label, items)| serde_json::json!({"type": "category", "label": label, "items": items}))
            .collect(),
        _ => return,
    };
    for (n, item) in list.iter().enumerate() {
        let weight = (n as i64 + 1) * 10;
        let id = match item {
            Value::String(id) => Some(id.clone()),
            Value::Object(o)
                if matches!(o.get("type").and_then(Value::as_str), Some("doc" | "ref")) =>
            {
                o.get("id").and_then(front::text)
            }
            _ => None,
        };
        if let Some(id) = id {
            if let Some(&i) = ids.get(&id)
                && !ordered[i]
            {
                ordered[i] = true;
                site.pages[i].front.weight = Some(weight);
                if let Some(label) = item.get("label").and_then(front::text)
                    && site.pages[i].front.title.is_none()
                {
                    site.pages[i].front.title = Some(label);
                }
                report.mapped("sidebars.js entries to weights");
            }
            continue;
        }
        if item.get("type").and_then(Value::as_str) == Some("category") {
            let children = item.get("items").cloned().unwrap_or(Value::Null);
            // A category whose docs share a folder names that folder.
            let folder = folder_of(&children, ids, site);
            if let Some(folder) = folder {
                let page = section(site, &folder, Path::new("sidebars.js"));
                if let Some(label) = item.get("label").and_then(front::text) {
                    page.front.title = Some(label);
                }
                page.front.weight = Some(weight);
                ordered.resize(site.pages.len(), false);
                report.mapped("sidebars.js categories to section titles and weights");
            }
            order(&children, site, ids, ordered, report);
        }
    }
}

fn folder_of(children: &Value, ids: &HashMap<String, usize>, site: &Site) -> Option<String> {
    let Value::Array(list) = children else {
        return None;
    };
    let mut folders = list.iter().filter_map(|c| {
        let id = c
            .as_str()
            .map(str::to_string)
            .or_else(|| c.get("id").and_then(front::text))?;
        let page = &site.pages[*ids.get(&id)?];
        let dest = page.dest.trim_end_matches("/_index.md");
        Some(
            dest.rsplit_once('/')
                .map_or(String::new(), |(d, _)| d.to_string()),
        )
    });
    let first = folders.next()?;
    (!first.is_empty() && folders.all(|f| f == first)).then_some(first)
}

fn blog(src: &Path, site: &mut Site, report: &mut Report) {
    let mut any = false;
    for rel in super::walk(src, Path::new("blog"), &|_| false) {
        let inner = rel.strip_prefix("blog").unwrap_or(&rel).to_path_buf();
        if !super::is_markdown(&rel) {
            let name = inner
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !name.starts_with("authors") && !name.starts_with("tags") {
                site.files
                    .push((src.join(&rel), format!("content/blog/{}", slash(&inner))));
            }
            continue;
        }
        // `2024-03-05-launch.md` or `2024-03-05-launch/index.md`.
        let named = if inner.file_stem().is_some_and(|s| s == "index") {
            inner.parent().map(Path::to_path_buf).unwrap_or_default()
        } else {
            inner.with_extension("")
        };
        let stem = named.to_string_lossy().into_owned();
        let (date, slug) = match stem
            .get(..10)
            .filter(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok())
        {
            Some(d) => (
                Some(d.to_string()),
                stem[10..].trim_start_matches(['-', '/']).to_string(),
            ),
            None => (None, stem.clone()),
        };
        let Some(text) = super::read_text(src, &rel, report) else {
            continue;
        };
        let parsed = front::parse(&text, &rel, report);
        let mut front = Front::from_map(&parsed.map, report);
        if front.date.is_none() {
            front.date = date.clone();
        }
        let slug = parsed.map.get("slug").and_then(front::text).unwrap_or(slug);
        let old = match &date {
            Some(d) => format!("/blog/{}/{slug}", d.replace('-', "/")),
            None => format!("/blog/{slug}"),
        };
        let body = mdx(&admonitions(&parsed.body, report), &rel, report);
        site.pages.push(Page {
            source: rel.clone(),
            dest: format!("blog/{}.md", slug.trim_matches('/')),
            front,
            body,
            body_line: parsed.body_line,
            old_urls: vec![old],
        });
        any = true;
    }
    if any {
        site.pages.push(Page {
            source: PathBuf::from("blog"),
            dest: "blog/_index.md".into(),
            front: Front {
                title: Some("Blog".into()),
                sort_by: Some("date".into()),
                feed: true,
                ..Front::default()
            },
            body: "Every post, newest first.\n".into(),
            body_line: 1,
            old_urls: vec!["/blog".into()],
        });
        report.mapped("blog posts to the blog section, with a feed");
    }
}

/// The home page of a Docusaurus site is usually React: a Markdown home
/// page with the title, the tagline and the way in takes its place.
fn home(site: &mut Site, report: &mut Report) {
    if site.pages.iter().any(|p| p.dest == "_index.md") {
        return;
    }
    // The docs' own index, else the first of the shallowest docs.
    let first = site
        .pages
        .iter()
        .filter(|p| !p.dest.starts_with("blog/") && !p.body.trim().is_empty())
        .min_by_key(|p| {
            let depth = p.dest.trim_end_matches("_index.md").matches('/').count();
            (depth, p.front.weight.unwrap_or(i64::MAX), p.dest.clone())
        })
        .and_then(|p| p.old_urls.first().cloned());
    let mut body = site
        .config
        .description
        .clone()
        .map(|d| format!("{d}\n\n"))
        .unwrap_or_default();
    if let Some(first) = first {
        // The old URL: links are resolved once every page has its place.
        body.push_str(&format!("Start with [the documentation]({first}).\n"));
    }
    site.pages.push(Page {
        source: PathBuf::from("src/pages/index.js"),
        dest: "_index.md".into(),
        front: Front {
            title: site.config.title.clone(),
            ..Front::default()
        },
        body,
        body_line: 1,
        old_urls: vec!["/".into()],
    });
    report.note(
        Path::new("src/pages"),
        0,
        "the React home page is not imported; a Markdown home page takes its place",
    );
}

/// Docusaurus admonitions (`:::note`, `:::tip Title`, `:::warning[Title]`)
/// as rolebook alerts; code blocks are left alone.
pub fn admonitions(body: &str, report: &mut Report) -> String {
    let mut out = String::with_capacity(body.len());
    let lines: Vec<&str> = body.split_inclusive('\n').collect();
    let mut i = 0;
    let mut fence: Option<String> = None;
    while i < lines.len() {
        let line = lines[i];
        let t = line.trim();
        if let Some(f) = &fence {
            if t.starts_with(f.as_str()) {
                fence = None;
            }
            out.push_str(line);
            i += 1;
            continue;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = Some(t.chars().take_while(|c| *c == '`' || *c == '~').collect());
            out.push_str(line);
            i += 1;
            continue;
        }
        let colons = t.chars().take_while(|c| *c == ':').count();
        let rest = &t[colons..];
        if colons >= 3 && rest.chars().next().is_some_and(char::is_alphabetic) {
            let kind: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
            let after = rest[kind.len()..].trim();
            let title = after
                .strip_prefix('[')
                .and_then(|a| a.strip_suffix(']'))
                .unwrap_or(after)
                .trim();
            let close = ":".repeat(colons);
            let mut inner = String::new();
            let mut j = i + 1;
            while j < lines.len() && lines[j].trim() != close {
                inner.push_str(lines[j]);
                j += 1;
            }
            if j < lines.len() {
                let inner = admonitions(&inner, report);
                out.push_str(&alert(&kind, (!title.is_empty()).then_some(title), &inner));
                report.mapped("admonitions (:::note and others) to alerts");
                i = j + 1;
                continue;
            }
        }
        out.push_str(line);
        i += 1;
    }
    out
}

/// A GitHub-style alert, the form rolebook draws.
pub fn alert(kind: &str, title: Option<&str>, inner: &str) -> String {
    let label = match kind.to_ascii_lowercase().as_str() {
        "tip" | "success" | "hint" => "TIP",
        "important" => "IMPORTANT",
        "warning" | "caution" | "warn" => "WARNING",
        "danger" | "error" | "attention" => "CAUTION",
        _ => "NOTE",
    };
    let mut out = format!("> [!{label}]\n");
    if let Some(title) = title {
        out.push_str(&format!("> **{title}**\n>\n"));
    }
    for line in inner.trim_matches('\n').lines() {
        if line.trim().is_empty() {
            out.push_str(">\n");
        } else {
            out.push_str(&format!("> {line}\n"));
        }
    }
    out.push('\n');
    out
}

/// MDX: `import`/`export` lines go (they are code); JSX components stay as
/// HTML and are listed, since nothing will run them.
fn mdx(body: &str, rel: &Path, report: &mut Report) -> String {
    let mut out = String::with_capacity(body.len());
    let mut in_code = false;
    let mut components = Vec::new();
    for line in body.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_code = !in_code;
        }
        if !in_code && (t.starts_with("import ") || t.starts_with("export ")) {
            report.mapped("MDX import/export lines dropped");
            continue;
        }
        if !in_code
            && let Some(tag) = t.strip_prefix('<')
            && tag.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        {
            let name: String = tag.chars().take_while(|c| c.is_alphanumeric()).collect();
            if !components.contains(&name) {
                components.push(name);
            }
        }
        out.push_str(line);
    }
    if !components.is_empty() {
        report.note(
            rel,
            0,
            format!(
                "MDX components kept as HTML, which nothing runs: <{}>",
                components.join(">, <")
            ),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_prefixes_are_dropped_like_docusaurus_does() {
        assert_eq!(strip_number("01-intro"), ("intro".into(), Some(1)));
        assert_eq!(strip_number("2_setup"), ("setup".into(), Some(2)));
        assert_eq!(strip_number("2024"), ("2024".into(), None));
        assert_eq!(strip_number("intro"), ("intro".into(), None));
    }

    #[test]
    fn config_strings_are_found_by_key() {
        let text = "const config = {\n  title: 'Acme Docs',\n  tagline: \"Ship it\",\n  url: 'https://docs.acme.io',\n  baseUrl: '/handbook/',\n};";
        assert_eq!(string_value(text, "title").as_deref(), Some("Acme Docs"));
        assert_eq!(string_value(text, "tagline").as_deref(), Some("Ship it"));
        assert_eq!(
            string_value(text, "url").as_deref(),
            Some("https://docs.acme.io")
        );
        assert_eq!(string_value(text, "baseUrl").as_deref(), Some("/handbook/"));
    }
}
