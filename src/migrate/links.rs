//! Links of an imported site, made into rolebook's checked links.
//!
//! In prose (never in code blocks or code spans): Liquid's `site.baseurl`,
//! `relative_url`, `absolute_url`, `link` and `post_url` and Hugo's
//! `ref`/`relref` are resolved first; then every Markdown link to another
//! page (a relative `.md` file, a folder, an `.html` URL, an absolute URL
//! path of the old site) becomes an `@/` link that `rolebook check`
//! follows. A link whose target the source lacks too is kept as written and
//! listed as already broken. Other template syntax is kept and listed.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use super::report::Report;
use super::{Site, normal_url, slash};

/// Where things are in the source and where they went.
pub struct Resolver {
    /// Source file (relative to the source folder) -> destination under content/.
    by_source: HashMap<String, String>,
    /// Old URL (see `normal_url`) -> destination.
    by_url: HashMap<String, String>,
    /// Jekyll posts by file name without extension (`2024-01-05-launch`).
    posts: HashMap<String, String>,
    /// Every file of the source, to tell assets from broken links.
    files: HashSet<String>,
    /// The old site's path prefix (`/handbook` for Jekyll's baseurl).
    base_path: String,
    /// Hugo: the content folder, for `ref`.
    content_root: String,
}

/// What a link target turned out to be.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// A page of the new site: `@/dest#fragment`.
    Page(String),
    /// Left as it is (external, an anchor, an asset that exists).
    Keep,
    Broken(String),
}

impl Resolver {
    pub fn new(site: &Site, src: &Path, base_path: &str, content_root: &str) -> Resolver {
        let mut by_source = HashMap::new();
        let mut by_url = HashMap::new();
        let mut posts = HashMap::new();
        for page in &site.pages {
            let source = slash(&page.source);
            by_source.insert(source.clone(), page.dest.clone());
            for url in page.old_urls.iter().chain(std::iter::once(&page.url())) {
                by_url
                    .entry(normal_url(url))
                    .or_insert_with(|| page.dest.clone());
            }
            for alias in &page.front.aliases {
                by_url
                    .entry(normal_url(alias))
                    .or_insert_with(|| page.dest.clone());
            }
            if source.starts_with("_posts/")
                && let Some(stem) = page.source.file_stem()
            {
                posts.insert(stem.to_string_lossy().into_owned(), page.dest.clone());
            }
        }
        let files = super::walk(src, Path::new(""), &|_| false)
            .iter()
            .map(|p| slash(p))
            .collect();
        Resolver {
            by_source,
            by_url,
            posts,
            files,
            base_path: base_path.trim_end_matches('/').to_string(),
            content_root: content_root.trim_matches('/').to_string(),
        }
    }

    fn page(dest: &str, fragment: Option<&str>) -> Target {
        match fragment {
            Some(f) if !f.is_empty() => Target::Page(format!("@/{dest}#{f}")),
            _ => Target::Page(format!("@/{dest}")),
        }
    }

    /// The destination of a source file given relative to the source root.
    fn source_page(&self, rel: &str) -> Option<&String> {
        let rel = rel.trim_start_matches("./").trim_end_matches('/');
        if let Some(d) = self.by_source.get(rel) {
            return Some(d);
        }
        for index in [
            "README.md",
            "readme.md",
            "index.md",
            "_index.md",
            "index.mdx",
        ] {
            let candidate = if rel.is_empty() {
                index.to_string()
            } else {
                format!("{rel}/{index}")
            };
            if let Some(d) = self.by_source.get(&candidate) {
                return Some(d);
            }
        }
        None
    }

    /// Resolves a link target written in the page whose source is `from`
    /// and whose old URL is `from_url`.
    pub fn resolve(&self, target: &str, from: &Path, from_url: &str) -> Target {
        let target = target.trim();
        let (path, fragment) = match target.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (target, None),
        };
        let path = path.split('?').next().unwrap_or("");
        if path.is_empty()
            || target.starts_with('@')
            || target.contains("://")
            || target.starts_with("//")
            || path.contains(':')
        {
            return Target::Keep;
        }
        let decoded = crate::text::percent_decode_or_keep(path);
        if let Some(rest) = decoded.strip_prefix('/') {
            let rest = match self.base_path.trim_start_matches('/') {
                "" => rest,
                base => rest.strip_prefix(base).unwrap_or(rest),
            };
            if let Some(dest) = self.by_url.get(&normal_url(rest)) {
                return Self::page(dest, fragment);
            }
            if self.asset_exists(rest) {
                return Target::Keep;
            }
            return Target::Broken(format!("no page or file at {path} in the source"));
        }
        let from_dir = from.parent().map(slash).unwrap_or_default();
        let joined = join(&from_dir, &decoded);
        if super::is_markdown(Path::new(&decoded)) {
            return match joined.as_deref().and_then(|j| self.source_page(j)) {
                Some(dest) => Self::page(dest, fragment),
                None => Target::Broken(format!("{path} does not exist in the source")),
            };
        }
        if let Some(j) = joined.as_deref() {
            if self.files.contains(j) {
                return Target::Keep;
            }
            if Path::new(j).extension().is_none()
                && let Some(dest) = self.source_page(j)
            {
                return Self::page(dest, fragment);
            }
        }
        // A URL relative to the old page's URL (`../discover/`, `intro.html`).
        let base_dir = if from_url.ends_with('/') {
            from_url.to_string()
        } else {
            from_url
                .rsplit_once('/')
                .map(|(d, _)| format!("{d}/"))
                .unwrap_or_else(|| "/".into())
        };
        if let Some(url) = join(base_dir.trim_start_matches('/'), &decoded)
            && let Some(dest) = self.by_url.get(&normal_url(&url))
        {
            return Self::page(dest, fragment);
        }
        Target::Broken(format!("{path} does not exist in the source"))
    }

    fn asset_exists(&self, rel: &str) -> bool {
        let rel = rel.trim_end_matches('/');
        let roots = ["", "static/", "assets/", "public/", "src/"];
        roots
            .iter()
            .any(|r| self.files.contains(&format!("{r}{rel}")))
            || !self.content_root.is_empty()
                && self.files.contains(&format!("{}/{rel}", self.content_root))
    }

    /// Hugo's `ref "x"`: a path from the content folder or from the page,
    /// with or without `.md`, or a unique file name.
    fn hugo_ref(&self, target: &str, from: &Path) -> Option<String> {
        let (path, fragment) = match target.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (target, None),
        };
        if path.is_empty() {
            return Some(format!("#{}", fragment.unwrap_or("")));
        }
        let root = &self.content_root;
        let from_dir = from.parent().map(slash).unwrap_or_default();
        let mut bases = vec![];
        if let Some(abs) = path.strip_prefix('/') {
            bases.push(join(root, abs));
        } else {
            bases.push(join(&from_dir, path));
            bases.push(join(root, path));
        }
        for base in bases.into_iter().flatten() {
            let base = base.trim_end_matches('/');
            for candidate in [
                base.to_string(),
                format!("{base}.md"),
                format!("{base}/_index.md"),
                format!("{base}/index.md"),
            ] {
                if let Some(dest) = self.by_source.get(&candidate) {
                    let Target::Page(link) = Self::page(dest, fragment) else {
                        continue;
                    };
                    return Some(link);
                }
            }
        }
        let name = path.trim_end_matches(".md");
        let mut by_name = self
            .by_source
            .iter()
            .filter(|(s, _)| s.trim_end_matches(".md").rsplit('/').next() == Some(name));
        match (by_name.next(), by_name.next()) {
            (Some((_, dest)), None) => match Self::page(dest, fragment) {
                Target::Page(link) => Some(link),
                _ => None,
            },
            _ => None,
        }
    }
}

/// `dir` joined with a relative path, `..` resolved; `None` above the root.
pub fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<String> = dir
        .split('/')
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    for component in Path::new(rel).components() {
        match component {
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            Component::ParentDir => {
                parts.pop()?;
            }
            _ => {}
        }
    }
    let mut joined = parts.join("/");
    if rel.ends_with('/') && !joined.is_empty() {
        joined.push('/');
    }
    Some(joined)
}

/// Rewrites the links of every page of the site.
pub fn rewrite(site: &mut Site, src: &Path, report: &mut Report) {
    let resolver = Resolver::new(site, src, &site_base_path(site), &content_root(report));
    for page in &mut site.pages {
        let from_url = page.old_urls.first().cloned().unwrap_or_else(|| page.url());
        let ctx = Ctx {
            resolver: &resolver,
            source: page.source.clone(),
            from_url,
            body_line: page.body_line,
        };
        let body = map_prose(&page.body, |chunk, offset| {
            ctx.expressions(chunk, &page.body, offset, report)
        });
        let body = map_prose(&body, |chunk, offset| {
            ctx.links(chunk, &body, offset, report)
        });
        page.body = body;
    }
}

fn site_base_path(site: &Site) -> String {
    site.config
        .base_url
        .as_deref()
        .map(|u| {
            let path = u
                .split("://")
                .nth(1)
                .map_or(u, |rest| rest.find('/').map_or("/", |i| &rest[i..]));
            path.to_string()
        })
        .unwrap_or_default()
}

fn content_root(report: &Report) -> String {
    match report.source {
        super::Source::Hugo => "content".into(),
        _ => String::new(),
    }
}

struct Ctx<'a> {
    resolver: &'a Resolver,
    source: PathBuf,
    from_url: String,
    body_line: usize,
}

impl Ctx<'_> {
    fn line(&self, body: &str, offset: usize) -> usize {
        self.body_line + body[..offset.min(body.len())].matches('\n').count()
    }

    /// Liquid and Hugo expressions in a prose chunk, resolved or listed.
    fn expressions(&self, chunk: &str, body: &str, offset: usize, report: &mut Report) -> String {
        let mut out = String::with_capacity(chunk.len());
        let mut rest = chunk;
        let mut at = offset;
        while let Some(start) = rest.find(['{']) {
            let open = &rest[start..];
            let close = if open.starts_with("{{<") {
                ">}}"
            } else if open.starts_with("{{%") {
                "%}}"
            } else if open.starts_with("{{") {
                "}}"
            } else if open.starts_with("{%") {
                "%}"
            } else {
                out.push_str(&rest[..=start]);
                at += start + 1;
                rest = &rest[start + 1..];
                continue;
            };
            let Some(end) = open.find(close) else {
                out.push_str(rest);
                return out;
            };
            let whole = &open[..end + close.len()];
            let inner = &open[open
                .find(|c: char| c != '{' && c != '<' && c != '%')
                .unwrap_or(0)..end];
            out.push_str(&rest[..start]);
            let line = self.line(body, at + start);
            match self.expression(inner.trim(), whole) {
                Expr::Replace(text) => {
                    out.push_str(&text);
                    report.mapped(&expr_label(whole));
                }
                Expr::Keep => out.push_str(whole),
                Expr::Unmapped(why) => {
                    out.push_str(whole);
                    report.note(&self.source, line, format!("`{}` {why}", short(whole)));
                }
                Expr::Broken(why) => {
                    out.push_str(whole);
                    report.broken_link(&self.source, line, why);
                }
            }
            at += start + whole.len();
            rest = &open[whole.len()..];
        }
        out.push_str(rest);
        out
    }

    fn expression(&self, inner: &str, whole: &str) -> Expr {
        if inner.starts_with('#') {
            // mdBook's `{{#include}}` and friends: its reader reports them.
            return Expr::Keep;
        }
        let words: Vec<&str> = inner.split_whitespace().collect();
        let first = words.first().copied().unwrap_or("");
        let unquote = |s: &str| s.trim_matches(|c| c == '"' || c == '\'').to_string();
        if whole.starts_with("{{<") || whole.starts_with("{{%") {
            return match first {
                "ref" | "relref" => {
                    let arg = words.get(1).copied().unwrap_or("");
                    let target = unquote(arg.strip_prefix("path=").unwrap_or(arg));
                    match self.resolver.hugo_ref(&target, &self.source) {
                        Some(link) => Expr::Replace(link),
                        None => Expr::Broken(format!(
                            "`{}` names {target}, which is no page of the source",
                            short(whole)
                        )),
                    }
                }
                _ => Expr::Unmapped(
                    "is a Hugo shortcode rolebook has no equivalent for; kept as text".into(),
                ),
            };
        }
        if whole.starts_with("{%") {
            return match first {
                "link" => {
                    let path = words.get(1).copied().unwrap_or("");
                    match self.resolver.source_page(path) {
                        Some(dest) => Expr::Replace(format!("@/{dest}")),
                        None => Expr::Unmapped(format!("names {path}, which is not in the source")),
                    }
                }
                "post_url" => {
                    let name = words.get(1).copied().unwrap_or("");
                    match self.resolver.posts.get(name.trim_start_matches("_posts/")) {
                        Some(dest) => Expr::Replace(format!("@/{dest}")),
                        None => Expr::Unmapped(format!("names the post {name}, which is not in _posts/")),
                    }
                }
                "raw" | "endraw" => Expr::Replace(String::new()),
                "comment" | "endcomment" => Expr::Replace(
                    if first == "comment" { "<!--" } else { "-->" }.to_string(),
                ),
                "include" | "include_relative" => Expr::Unmapped(
                    "includes a Liquid template, which rolebook does not run; kept as text (a rolebook shortcode can take its place)".into(),
                ),
                _ if is_rolebook_shortcode(inner) => Expr::Keep,
                _ => Expr::Unmapped("is Liquid, which rolebook does not run; kept as text".into()),
            };
        }
        // `{{ ... }}`
        let compact: String = inner.chars().filter(|c| !c.is_whitespace()).collect();
        if compact == "site.baseurl"
            || compact == "site.url"
            || compact == "site.url}}{{site.baseurl"
        {
            return Expr::Replace(String::new());
        }
        if let Some((value, filter)) = inner.split_once('|') {
            let filter = filter.trim();
            let value = value.trim();
            let quoted = (value.starts_with('"') && value.ends_with('"'))
                || (value.starts_with('\'') && value.ends_with('\''));
            if (filter == "relative_url" || filter == "absolute_url") && quoted {
                let url = unquote(value);
                return Expr::Replace(if url.starts_with('/') || url.contains("://") {
                    url
                } else {
                    format!("/{url}")
                });
            }
            if filter.starts_with("relative_url") || filter.starts_with("absolute_url") {
                return Expr::Unmapped("computes a URL from a variable; kept as written".into());
            }
        }
        if is_rolebook_shortcode(inner) {
            return Expr::Keep;
        }
        Expr::Unmapped("is Liquid, which rolebook does not run; kept as text".into())
    }

    /// Markdown link targets in a prose chunk: inline links and images,
    /// and reference definitions.
    fn links(&self, chunk: &str, body: &str, offset: usize, report: &mut Report) -> String {
        let mut out = String::with_capacity(chunk.len());
        let mut i = 0;
        let bytes = chunk.as_bytes();
        while i < bytes.len() {
            let target = if bytes[i] == b']' && bytes.get(i + 1) == Some(&b'(') {
                out.push_str("](");
                i += 2;
                inline_target(&chunk[i..])
            } else if bytes[i] == b']'
                && bytes.get(i + 1) == Some(&b':')
                && line_start_is_label(chunk, i)
            {
                out.push_str("]:");
                i += 2;
                let ws = chunk[i..].len() - chunk[i..].trim_start_matches([' ', '\t']).len();
                out.push_str(&chunk[i..i + ws]);
                i += ws;
                let end = chunk[i..]
                    .find(char::is_whitespace)
                    .unwrap_or(chunk.len() - i);
                Some((0, end))
            } else {
                let c = chunk[i..].chars().next().unwrap_or(' ');
                out.push(c);
                i += c.len_utf8();
                continue;
            };
            let Some((skip, len)) = target else {
                continue;
            };
            out.push_str(&chunk[i..i + skip]);
            let dest = &chunk[i + skip..i + skip + len];
            let template = dest.starts_with("{{") || dest.starts_with("{%");
            let target = if template {
                // Template syntax that could not be resolved: reported already.
                Target::Keep
            } else {
                self.resolver.resolve(dest, &self.source, &self.from_url)
            };
            match target {
                Target::Page(link) => {
                    out.push_str(&link);
                    report.mapped("links to pages made into checked @/ links");
                }
                Target::Keep => out.push_str(dest),
                Target::Broken(why) => {
                    out.push_str(dest);
                    let line = self.line(body, offset + i);
                    report.broken_link(&self.source, line, format!("link to {dest}: {why}"));
                }
            }
            i += skip + len;
        }
        out
    }
}

enum Expr {
    Replace(String),
    Keep,
    Unmapped(String),
    /// A reference to a page the source lacks too.
    Broken(String),
}

/// A rolebook shortcode call (`name(args)`) passes through untouched.
fn is_rolebook_shortcode(inner: &str) -> bool {
    let inner = inner.trim();
    let name_end = inner.find('(').unwrap_or(0);
    name_end > 0
        && inner.ends_with(')')
        && inner[..name_end]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
        || inner == "end"
}

fn expr_label(whole: &str) -> String {
    let inner = whole
        .trim_start_matches(['{', '<', '%', ' '])
        .split_whitespace()
        .next()
        .unwrap_or("");
    let what = match inner {
        "link" | "post_url" | "ref" | "relref" => inner.to_string(),
        "raw" | "endraw" => "raw".into(),
        "comment" | "endcomment" => "comment".into(),
        _ if whole.contains("relative_url") => "relative_url".into(),
        _ if whole.contains("absolute_url") => "absolute_url".into(),
        _ => "site.baseurl".into(),
    };
    format!("template expression `{what}` resolved")
}

fn short(s: &str) -> String {
    let one_line = s.replace('\n', " ");
    if one_line.chars().count() > 60 {
        format!("{}...", one_line.chars().take(57).collect::<String>())
    } else {
        one_line
    }
}

/// Whether the `]` at `i` closes a `[label]` that starts its line (a
/// reference definition).
fn line_start_is_label(chunk: &str, i: usize) -> bool {
    let line_start = chunk[..i].rfind('\n').map_or(0, |n| n + 1);
    let line = &chunk[line_start..i];
    let trimmed = line.trim_start_matches(' ');
    line.len() - trimmed.len() <= 3 && trimmed.starts_with('[') && !trimmed[1..].contains(']')
}

/// The destination of an inline link after `](`: (bytes before it, its
/// length), `<...>` or up to whitespace or the unbalanced `)`.
fn inline_target(rest: &str) -> Option<(usize, usize)> {
    let lead = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    let r = &rest[lead..];
    if let Some(inner) = r.strip_prefix('<') {
        let end = inner.find(['>', '\n'])?;
        return Some((lead + 1, end));
    }
    let mut depth = 0usize;
    for (i, c) in r.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => return Some((lead, i)),
            ')' => depth -= 1,
            c if c.is_whitespace() => return Some((lead, i)),
            _ => {}
        }
    }
    Some((lead, r.len()))
}

/// Calls `f` on each stretch of prose (with its byte offset) and keeps
/// fenced code blocks and code spans as they are.
pub fn map_prose(text: &str, mut f: impl FnMut(&str, usize) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prose_start = 0;
    let mut pos = 0;
    let mut fence: Option<(char, usize)> = None;
    let flush =
        |out: &mut String, from: usize, to: usize, f: &mut dyn FnMut(&str, usize) -> String| {
            if from < to {
                spans(&text[from..to], from, out, f);
            }
        };
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        let marker = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
        let run = marker.map_or(0, |m| trimmed.chars().take_while(|c| *c == m).count());
        match fence {
            None if indent <= 3 && run >= 3 => {
                flush(&mut out, prose_start, pos, &mut f);
                fence = marker.map(|m| (m, run));
                out.push_str(line);
                prose_start = pos + line.len();
            }
            Some((m, n)) => {
                out.push_str(line);
                prose_start = pos + line.len();
                if marker == Some(m) && run >= n && trimmed[run..].trim().is_empty() {
                    fence = None;
                }
            }
            None => {}
        }
        pos += line.len();
    }
    flush(&mut out, prose_start, text.len(), &mut f);
    out
}

/// Prose with code spans kept out of `f`.
fn spans(text: &str, offset: usize, out: &mut String, f: &mut dyn FnMut(&str, usize) -> String) {
    let mut start = 0;
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < bytes.len() {
        if bytes[i] != b'`' {
            i += 1;
            continue;
        }
        let run = bytes[i..].iter().take_while(|b| **b == b'`').count();
        let after = i + run;
        // The closing run has exactly the same length.
        let mut j = after;
        let mut close = None;
        while j < bytes.len() {
            if bytes[j] == b'`' {
                let r = bytes[j..].iter().take_while(|b| **b == b'`').count();
                if r == run {
                    close = Some(j + r);
                    break;
                }
                j += r;
            } else {
                j += 1;
            }
        }
        match close {
            Some(end) => {
                out.push_str(&f(&text[start..i], offset + start));
                out.push_str(&text[i..end]);
                start = end;
                i = end;
            }
            None => i = after,
        }
    }
    out.push_str(&f(&text[start..], offset + start));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prose_only(text: &str) -> String {
        map_prose(text, |chunk, _| chunk.to_uppercase())
    }

    #[test]
    fn code_blocks_and_spans_are_not_prose() {
        let text = "a `b` c\n```\nd\n```\ne ``f ` g`` h\n~~~~\n```\ni\n~~~~\nj `unclosed\n";
        assert_eq!(
            prose_only(text),
            "A `b` C\n```\nd\n```\nE ``f ` g`` H\n~~~~\n```\ni\n~~~~\nJ `UNCLOSED\n"
        );
    }

    #[test]
    fn inline_targets_stop_at_spaces_and_unbalanced_parens() {
        assert_eq!(inline_target("a.md)"), Some((0, 4)));
        assert_eq!(inline_target("a.md \"Title\")"), Some((0, 4)));
        assert_eq!(inline_target("<a b.md>)"), Some((1, 6)));
        assert_eq!(inline_target("wiki/A_(b))"), Some((0, 10)));
    }

    #[test]
    fn joins_resolve_parents_and_refuse_to_leave_the_root() {
        assert_eq!(
            join("docs/guide", "../intro.md").as_deref(),
            Some("docs/intro.md")
        );
        assert_eq!(join("docs", "./a/").as_deref(), Some("docs/a/"));
        assert_eq!(join("", "../x.md"), None);
    }

    fn page(source: &str, dest: &str, old: &str) -> super::super::Page {
        super::super::Page {
            source: source.into(),
            dest: dest.into(),
            front: Default::default(),
            body: String::new(),
            body_line: 1,
            old_urls: vec![old.into()],
        }
    }

    #[test]
    fn targets_resolve_by_file_folder_and_old_url() {
        let site = Site {
            pages: vec![
                page("docs/guide/README.md", "guide/_index.md", "/guide/"),
                page("docs/guide/setup.md", "guide/setup.md", "/guide/setup.html"),
                page("docs/intro.md", "intro.md", "/intro.html"),
            ],
            ..Site::default()
        };
        let r = Resolver::new(&site, Path::new("/nonexistent-source"), "/base", "");
        let from = Path::new("docs/guide/setup.md");
        let url = "/guide/setup.html";
        let page = |s: &str| Target::Page(s.to_string());
        assert_eq!(
            r.resolve("../intro.md#why", from, url),
            page("@/intro.md#why")
        );
        assert_eq!(r.resolve("./", from, url), page("@/guide/_index.md"));
        assert_eq!(r.resolve("README.md", from, url), page("@/guide/_index.md"));
        assert_eq!(r.resolve("../guide", from, url), page("@/guide/_index.md"));
        assert_eq!(r.resolve("/base/intro.html", from, url), page("@/intro.md"));
        assert_eq!(r.resolve("../intro.html", from, url), page("@/intro.md"));
        assert_eq!(r.resolve("https://x.org/a.md", from, url), Target::Keep);
        assert_eq!(r.resolve("#local", from, url), Target::Keep);
        assert_eq!(r.resolve("mailto:a@b.c", from, url), Target::Keep);
        assert!(matches!(r.resolve("gone.md", from, url), Target::Broken(_)));
        assert!(matches!(
            r.resolve("/nowhere/", from, url),
            Target::Broken(_)
        ));
    }
}
