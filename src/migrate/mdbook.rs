//! An mdBook: `book.toml`, `SUMMARY.md` for order, nesting and titles,
//! `{{#include}}` and friends in the text.
//!
//! Chapters keep their files; `README.md` becomes its folder's
//! `_index.md` (mdBook serves it as `index.html`); the order of
//! `SUMMARY.md` becomes weights and its link texts the titles. Old
//! `.html` URLs are kept as aliases.

use std::path::{Path, PathBuf};

use super::front::{self, Front};
use super::report::Report;
use super::{Page, Site, slash};
use crate::error::{Diagnostic, Diagnostics, Kind};

/// One entry of SUMMARY.md.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// `[Title](path.md)`, with its list depth (0 for prefix chapters).
    Chapter {
        title: String,
        path: Option<String>,
        depth: usize,
        line: usize,
    },
    /// `# Part title`.
    Part {
        title: String,
        line: usize,
    },
    Separator {
        line: usize,
    },
}

/// Reads SUMMARY.md's entries in order.
pub fn parse_summary(text: &str) -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut in_code = false;
    // The indents of the open list levels: nesting may use 2 or 4 spaces.
    let mut levels: Vec<usize> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code || trimmed.is_empty() {
            continue;
        }
        if trimmed.chars().all(|c| c == '-' || c == ' ') && trimmed.matches('-').count() >= 3
            || trimmed == "***"
        {
            entries.push(Entry::Separator { line: line_no });
            continue;
        }
        if let Some(title) = trimmed.strip_prefix('#') {
            let title = title.trim_start_matches('#').trim().to_string();
            // The first heading names the summary itself.
            if !entries.is_empty() || !title.eq_ignore_ascii_case("summary") {
                entries.push(Entry::Part {
                    title,
                    line: line_no,
                });
            }
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let (item, depth) = match trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
            .or_else(|| trimmed.strip_prefix("+ "))
        {
            Some(rest) => {
                while levels.last().is_some_and(|l| *l > indent) {
                    levels.pop();
                }
                if levels.last() != Some(&indent) {
                    levels.push(indent);
                }
                (rest, levels.len())
            }
            None => {
                levels.clear();
                (trimmed, 0)
            }
        };
        if let Some((title, path)) = link(item) {
            entries.push(Entry::Chapter {
                title,
                path: (!path.is_empty()).then_some(path),
                depth,
                line: line_no,
            });
        }
    }
    entries
}

/// `[Title](path)` -> (title, path).
fn link(item: &str) -> Option<(String, String)> {
    let item = item.trim();
    let close = item.rfind("](")?;
    let title = item.strip_prefix('[')?[..close - 1].to_string();
    let path = item[close + 2..].strip_suffix(')')?.trim();
    let path = path
        .strip_prefix('<')
        .and_then(|p| p.strip_suffix('>'))
        .unwrap_or(path);
    Some((title, path.to_string()))
}

pub fn read(src: &Path, report: &mut Report) -> Result<Site, Diagnostics> {
    let mut site = Site::default();
    let book_dir = config(src, &mut site, report);
    let summary_rel = book_dir.join("SUMMARY.md");
    let Some(summary) = super::read_text(src, &summary_rel, report) else {
        return Err(Diagnostic::error(
            Kind::Io,
            "no SUMMARY.md: an mdBook lists its chapters there",
        )
        .in_file(src.join(&summary_rel))
        .with_help("check `src` under [book] in book.toml")
        .into());
    };
    let entries = parse_summary(&summary);
    let mut weight = 0;
    let mut listed = std::collections::HashSet::new();
    let mut part: Option<String> = None;
    let mut parents: Vec<PathBuf> = Vec::new();
    for entry in &entries {
        match entry {
            Entry::Part { title, line } => {
                report.note(
                    &summary_rel,
                    *line,
                    format!("part title \"{title}\" is not shown: the sidebar follows folders"),
                );
                part = Some(title.clone());
            }
            Entry::Separator { line } => {
                report.note(&summary_rel, *line, "separator left out");
            }
            Entry::Chapter {
                title,
                path: None,
                line,
                ..
            } => {
                report.note(
                    &summary_rel,
                    *line,
                    format!("draft chapter \"{title}\" has no file; left out"),
                );
            }
            Entry::Chapter {
                title,
                path: Some(path),
                line,
                depth,
            } => {
                let rel = book_dir.join(path.split('#').next().unwrap_or(path));
                if !listed.insert(rel.clone()) {
                    continue;
                }
                weight += 10;
                let Some(text) = super::read_text(src, &rel, report) else {
                    report.note(
                        &summary_rel,
                        *line,
                        format!("chapter {path} cannot be read; left out"),
                    );
                    continue;
                };
                let mut page = chapter(src, &book_dir, &rel, &text, report);
                page.front.weight = Some(weight);
                page.front.title = Some(title.clone());
                parents.truncate(depth.saturating_sub(1));
                let folder = rel.parent().map(Path::to_path_buf).unwrap_or_default();
                if let Some(parent) = parents.last()
                    && !folder.starts_with(parent)
                {
                    report.note(&summary_rel, *line, format!(
                        "\"{title}\" is nested in SUMMARY.md but its file is in another folder: the sidebar follows folders"
                    ));
                }
                if *depth > 0 {
                    parents.push(folder);
                }
                if let Some(p) = &part {
                    page.front.extra.insert("part".into(), p.clone().into());
                }
                report.mapped("SUMMARY.md entries to weights and titles");
                site.pages.push(page);
            }
        }
    }
    make_home(&mut site, report);
    copy_assets(src, &book_dir, &listed, &mut site, report);
    Ok(site)
}

/// book.toml's settings; returns the chapters' folder (`src`).
fn config(src: &Path, site: &mut Site, report: &mut Report) -> PathBuf {
    let rel = Path::new("book.toml");
    let table: toml::Table = super::read_text(src, rel, report)
        .and_then(|t| match toml::from_str(&t) {
            Ok(t) => Some(t),
            Err(e) => {
                report.note(
                    rel,
                    0,
                    format!(
                        "does not parse ({}); its settings are not imported",
                        e.message()
                    ),
                );
                None
            }
        })
        .unwrap_or_default();
    let book = table.get("book");
    let get = |t: Option<&toml::Value>, k: &str| {
        t.and_then(|t| t.get(k))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    site.config.title = get(book, "title");
    site.config.description = get(book, "description");
    let html = table.get("output").and_then(|o| o.get("html"));
    site.config.repository = get(html, "git-repository-url");
    site.config.base_url = get(html, "site-url").filter(|u| u.contains("://"));
    if let Some(edit) = get(html, "edit-url-template") {
        report.note(
            rel,
            0,
            format!(
                "edit-url-template {edit} not mapped: pages keep their paths, set edit_url by hand"
            ),
        );
    }
    PathBuf::from(get(book, "src").unwrap_or_else(|| "src".into()))
}

fn chapter(src: &Path, book_dir: &Path, rel: &Path, text: &str, report: &mut Report) -> Page {
    let parsed = front::parse(text, rel, report);
    let front = Front::from_map(&parsed.map, report);
    let inner = rel.strip_prefix(book_dir).unwrap_or(rel);
    let path = slash(inner);
    let stem = path.rsplit_once('.').map_or(path.as_str(), |(s, _)| s);
    let (dest, old) = match stem.rsplit_once('/') {
        Some((dir, name)) if name.eq_ignore_ascii_case("readme") || name == "index" => {
            (format!("{dir}/_index.md"), format!("/{dir}/index.html"))
        }
        None if stem.eq_ignore_ascii_case("readme") || stem == "index" => {
            ("_index.md".into(), "/index.html".into())
        }
        _ => (format!("{stem}.md"), format!("/{stem}.html")),
    };
    let body = includes(src, rel, &parsed.body, parsed.body_line, report, 0);
    Page {
        source: rel.to_path_buf(),
        dest,
        front,
        body,
        body_line: parsed.body_line,
        old_urls: vec![old],
    }
}

/// Without a README at the top, mdBook shows the first chapter as the home
/// page: it becomes `_index.md`.
fn make_home(site: &mut Site, report: &mut Report) {
    if site.pages.iter().any(|p| p.dest == "_index.md") {
        return;
    }
    if let Some(first) = site.pages.iter_mut().find(|p| !p.dest.contains('/')) {
        report.mapped("the first chapter to the home page");
        first.old_urls.push("/index.html".into());
        first.dest = "_index.md".into();
    }
}

/// Images and other files in the book's folder, copied beside the chapters.
fn copy_assets(
    src: &Path,
    book_dir: &Path,
    listed: &std::collections::HashSet<PathBuf>,
    site: &mut Site,
    report: &mut Report,
) {
    for rel in super::walk(src, book_dir, &|_| false) {
        let inner = rel.strip_prefix(book_dir).unwrap_or(&rel);
        if super::is_markdown(&rel) {
            if !listed.contains(&rel) && inner != Path::new("SUMMARY.md") {
                report.note(
                    &rel,
                    0,
                    "not in SUMMARY.md, so not in the book; not imported (includes still read it)",
                );
            }
            continue;
        }
        site.files
            .push((src.join(&rel), format!("content/{}", slash(inner))));
    }
}

/// `{{#include file}}`, `{{#include file:2:10}}`, `{{#include file:anchor}}`,
/// `{{#rustdoc_include ...}}` and `{{#playground file}}` replaced by the
/// file's text, as mdBook does before rendering (code blocks included).
pub fn includes(
    src: &Path,
    rel: &Path,
    body: &str,
    body_line: usize,
    report: &mut Report,
    depth: usize,
) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    let mut consumed = 0;
    while let Some(start) = rest.find("{{#") {
        let escaped = start > 0 && rest.as_bytes()[start - 1] == b'\\';
        let Some(end) = rest[start..].find("}}") else {
            break;
        };
        let call = &rest[start + 3..start + end];
        let line = body_line + body[..consumed + start].matches('\n').count();
        if escaped {
            out.push_str(&rest[..start - 1]);
            out.push_str(&rest[start..start + end + 2]);
        } else {
            out.push_str(&rest[..start]);
            out.push_str(&expand(src, rel, call.trim(), line, report, depth));
        }
        consumed += start + end + 2;
        rest = &rest[start + end + 2..];
    }
    out.push_str(rest);
    out
}

fn expand(
    src: &Path,
    rel: &Path,
    call: &str,
    line: usize,
    report: &mut Report,
    depth: usize,
) -> String {
    let (command, arg) = call.split_once(char::is_whitespace).unwrap_or((call, ""));
    let arg = arg.trim();
    match command {
        "include" | "rustdoc_include" | "playground" => {}
        "title" => {
            report.note(
                rel,
                line,
                format!("{{{{#title {arg}}}}} dropped: set `title` in the front matter"),
            );
            return String::new();
        }
        _ => {
            report.note(
                rel,
                line,
                format!("{{{{#{command}}}}} is not mapped; kept as text"),
            );
            return format!("{{{{#{call}}}}}");
        }
    }
    if depth > 8 {
        report.note(rel, line, "includes nested more than 8 deep; kept as text");
        return format!("{{{{#{call}}}}}");
    }
    let arg = arg.split_whitespace().next().unwrap_or("");
    let (file, selector) = match arg.split_once(':') {
        Some((f, s)) => (f, Some(s)),
        None => (arg, None),
    };
    let dir = rel.parent().unwrap_or(Path::new(""));
    let target = dir.join(file);
    let text = match std::fs::read_to_string(src.join(&target)) {
        Ok(t) => t.replace("\r\n", "\n"),
        Err(e) => {
            report.note(
                rel,
                line,
                format!(
                    "{{{{#{command} {file}}}}}: {} ({e}); kept as text",
                    slash(&target)
                ),
            );
            return format!("{{{{#{call}}}}}");
        }
    };
    let Some(selected) = select(&text, selector) else {
        report.note(
            rel,
            line,
            format!("{{{{#{command} {arg}}}}}: no such anchor or lines in {file}; kept as text"),
        );
        return format!("{{{{#{call}}}}}");
    };
    if command == "rustdoc_include" && selector.is_some() {
        report.note(rel, line, "rustdoc_include: only the selected lines are shown (rustdoc's hidden lines are left out)");
    }
    report.mapped(&format!("{{{{#{command}}}}} replaced by the included text"));
    let selected = includes(src, &target, &selected, 1, report, depth + 1);
    if command == "playground" {
        let lang = Path::new(file)
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("");
        let lang = if lang == "rs" { "rust" } else { lang };
        return format!("```{lang}\n{}\n```", selected.trim_end_matches('\n'));
    }
    selected.trim_end_matches('\n').to_string()
}

/// The lines a selector names: `2`, `2:10`, `2:`, `:10` (1-based, inclusive)
/// or an anchor between `ANCHOR: name` and `ANCHOR_END: name`. Lines
/// holding anchor markers are left out.
pub fn select(text: &str, selector: Option<&str>) -> Option<String> {
    let is_marker = |l: &str| l.contains("ANCHOR:") || l.contains("ANCHOR_END:");
    let lines: Vec<&str> = text.lines().collect();
    let keep = |range: &[&str]| {
        range
            .iter()
            .filter(|l| !is_marker(l))
            .copied()
            .collect::<Vec<_>>()
            .join("\n")
    };
    let Some(selector) = selector.filter(|s| !s.is_empty()) else {
        return Some(keep(&lines));
    };
    let number = |s: &str| s.trim().parse::<usize>().ok();
    let bounded = |from: usize, to: usize| {
        let from = from.max(1) - 1;
        let to = to.min(lines.len());
        (from < to).then(|| keep(&lines[from..to]))
    };
    match selector.split_once(':') {
        Some((a, b))
            if number(a).is_some() || number(b).is_some() || (a.is_empty() && b.is_empty()) =>
        {
            bounded(number(a).unwrap_or(1), number(b).unwrap_or(lines.len()))
        }
        None if number(selector).is_some() => {
            let n = number(selector)?;
            bounded(n, n)
        }
        _ => {
            let name = selector;
            let start = lines.iter().position(|l| {
                l.split("ANCHOR:")
                    .nth(1)
                    .is_some_and(|r| r.split_whitespace().next() == Some(name))
            })?;
            let end = lines[start..]
                .iter()
                .position(|l| {
                    l.split("ANCHOR_END:")
                        .nth(1)
                        .is_some_and(|r| r.split_whitespace().next() == Some(name))
                })
                .map_or(lines.len(), |e| start + e);
            Some(keep(&lines[start + 1..end]))
        }
    }
}
