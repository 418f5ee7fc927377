//! Tera set-up: the theme's templates, the site's overrides, and turning
//! Tera's errors into located diagnostics.
//!
//! Owns finding the theme (a folder under `themes/`, or the `handbook` theme
//! embedded in the binary), which template renders what, and template error
//! reporting; the bounds that keep a template from running away (include
//! loops refused when loading, `range()` and each page's output capped when
//! rendering). The functions templates call live in `functions`.

pub mod functions;
mod macro_depth;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use include_dir::{Dir, include_dir};
use tera::Tera;

use crate::error::{Diagnostic, Diagnostics, Kind, Location};
use crate::sources::Sources;
use functions::Reads;

/// The default theme, inside the binary so `rolebook init` and a site with no
/// `themes/` folder work anywhere.
pub static EMBEDDED_HANDBOOK: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/handbook");

pub const DEFAULT_THEME: &str = "handbook";

/// A file of a theme or site: its bytes (borrowed from the program for
/// the built-in theme) and where it came from.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub rel_path: String,
    pub display_path: PathBuf,
    pub bytes: std::borrow::Cow<'static, [u8]>,
}

/// Where a theme's files come from.
#[derive(Debug, Clone)]
pub enum Theme {
    Folder(PathBuf),
    Embedded,
}

impl Theme {
    /// `themes/NAME` under the site root, else the embedded default theme.
    pub fn find(site_root: &Path, name: &str) -> Result<Theme, Diagnostic> {
        let dir = site_root.join("themes").join(name);
        if dir.is_dir() {
            return Ok(Theme::Folder(dir));
        }
        if name == DEFAULT_THEME {
            return Ok(Theme::Embedded);
        }
        Err(Diagnostic::error(
            Kind::Config,
            format!("theme `{name}` not found in themes/{name}"),
        )
        .in_file(crate::config::FILE_NAME)
        .with_help(format!(
            "set `theme = \"{DEFAULT_THEME}\"` to use the built-in theme, or add the folder"
        )))
    }

    /// The `[extra]` table of the theme's `theme.toml`: defaults for
    /// `config.extra`.
    pub fn extra(&self, sources: &Sources) -> serde_json::Map<String, serde_json::Value> {
        let text = match self {
            Theme::Folder(dir) => sources
                .read_one(&dir.join("theme.toml"))
                .ok()
                .and_then(|b| String::from_utf8(b).ok()),
            Theme::Embedded => EMBEDDED_HANDBOOK
                .get_file("theme.toml")
                .and_then(|f| f.contents_utf8())
                .map(str::to_string),
        };
        #[derive(serde::Deserialize)]
        struct ThemeToml {
            #[serde(default)]
            extra: serde_json::Map<String, serde_json::Value>,
        }
        text.and_then(|t| toml::from_str::<ThemeToml>(&t).ok())
            .map(|t| t.extra)
            .unwrap_or_default()
    }

    /// Every file under the theme's `sub` folder (`templates`, `static`).
    pub fn files(&self, sub: &str, sources: &Sources, diags: &mut Diagnostics) -> Vec<SourceFile> {
        match self {
            Theme::Folder(dir) => read_tree(&dir.join(sub), &self.display(sub), sources, diags),
            Theme::Embedded => {
                let mut out = Vec::new();
                if let Some(d) = EMBEDDED_HANDBOOK.get_dir(sub) {
                    collect_embedded(d, sub, &mut out);
                }
                out.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
                out
            }
        }
    }
}

impl Theme {
    /// The theme's `sub` folder as messages show it.
    pub fn display(&self, sub: &str) -> PathBuf {
        match self {
            Theme::Folder(dir) => Path::new("themes")
                .join(dir.file_name().unwrap_or_default())
                .join(sub),
            Theme::Embedded => PathBuf::from(format!("<built-in handbook theme>/{sub}")),
        }
    }
}

fn collect_embedded(dir: &Dir<'static>, sub: &str, out: &mut Vec<SourceFile>) {
    for file in dir.files() {
        let path = file.path().to_string_lossy().replace('\\', "/");
        let rel = path
            .strip_prefix(&format!("{sub}/"))
            .unwrap_or(&path)
            .to_string();
        out.push(SourceFile {
            display_path: PathBuf::from(format!("<built-in handbook theme>/{path}")),
            rel_path: rel,
            bytes: std::borrow::Cow::Borrowed(file.contents()),
        });
    }
    for d in dir.dirs() {
        collect_embedded(d, sub, out);
    }
}

/// Every file under `dir` (missing is empty), hidden and swap files skipped.
pub fn read_tree(
    dir: &Path,
    display: &Path,
    sources: &Sources,
    diags: &mut Diagnostics,
) -> Vec<SourceFile> {
    let mut out = Vec::new();
    for found in sources.walk(dir, display, diags) {
        let display_path = display.join(&found.rel);
        match crate::sources::read(&found.path) {
            Ok(bytes) => out.push(SourceFile {
                display_path,
                rel_path: found.rel,
                bytes: bytes.into(),
            }),
            Err(e) => diags.push(crate::error::io_error(&display_path, &e)),
        }
    }
    out
}

/// The default for `max_page_size_mb`: the most one rendered page may be.
pub const DEFAULT_MAX_PAGE_MB: usize = 100;

/// The most numbers `range()` gives: a loop past this is a mistake, and
/// Tera builds the whole list before the loop starts.
pub const MAX_RANGE: usize = 1_000_000;

/// The loaded templates and where each came from, for error messages.
pub struct Templates {
    /// The most bytes one render may write (see [`Templates::render`]).
    pub max_output: usize,
    pub tera: Tera,
    pub origin: BTreeMap<String, PathBuf>,
    /// A hash of the templates Markdown can use: shortcodes and whatever
    /// template a shortcode names (to include, import or extend).
    pub markdown_hash: u64,
    /// Every template's text, by name.
    pub sources: BTreeMap<String, String>,
}

/// The templates with their functions (`get_url`, `get_page`, ...) over one
/// site value's index: what renders pages. Each render returns what it
/// looked up ([`Renderer::render`]).
#[derive(Clone)]
pub struct Renderer {
    templates: Arc<Templates>,
    index: Arc<functions::SiteIndex>,
    /// Copies of the templates whose functions note into a recorder of
    /// their own, lent to one render at a time: renders running at once
    /// never share a recorder. Made as renders need them (about one per
    /// worker thread), and shared by the renderers of the same templates
    /// ([`Renderer::with_index`]): a copy is bound to the index of the
    /// renderer it is lent to.
    lent: Arc<Mutex<Vec<Recording>>>,
}

/// The templates with functions bound to one recorder and one index.
struct Recording {
    tera: Tera,
    recorder: functions::Recorder,
    index: Arc<functions::SiteIndex>,
}

impl Renderer {
    pub fn new(templates: Arc<Templates>, index: Arc<functions::SiteIndex>) -> Renderer {
        Renderer {
            templates,
            index,
            lent: Arc::default(),
        }
    }

    /// The same templates over another index (a new site value's).
    pub fn with_index(&self, index: Arc<functions::SiteIndex>) -> Renderer {
        Renderer {
            index,
            ..self.clone()
        }
    }

    pub fn templates(&self) -> &Arc<Templates> {
        &self.templates
    }

    pub fn index(&self) -> &Arc<functions::SiteIndex> {
        &self.index
    }

    /// Renders `name` and returns what it looked up with it. The render
    /// borrows a copy of the templates whose functions note into a recorder
    /// of its own, so the reads are this render's alone, on any thread.
    /// Its size is capped at [`Templates::max_output`].
    pub fn render(&self, name: &str, ctx: &tera::Context) -> (tera::Result<String>, Reads) {
        let lent = self.lock().pop();
        let mut bound = lent.unwrap_or_else(|| {
            let mut tera = self.templates.tera.clone();
            let recorder = functions::Recorder::default();
            functions::register(&mut tera, self.index.clone(), &recorder);
            Recording {
                tera,
                recorder,
                index: self.index.clone(),
            }
        });
        if !Arc::ptr_eq(&bound.index, &self.index) {
            functions::register(&mut bound.tera, self.index.clone(), &bound.recorder);
            bound.index = self.index.clone();
        }
        let result = self.templates.render_with(&bound.tera, name, ctx);
        let reads = bound.recorder.take();
        self.lock().push(bound);
        (result, reads)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Recording>> {
        self.lent.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Templates {
    /// The theme's templates with the site's `templates/` laid over them.
    /// What was left out of the folders (see [`Sources::walk`]) goes to
    /// `warnings`.
    pub fn load(
        theme: &Theme,
        site_templates: &Path,
        sources: &Sources,
        warnings: &mut Diagnostics,
    ) -> Result<Templates, Diagnostics> {
        let mut diags = Diagnostics::new();
        let mut by_name: BTreeMap<String, SourceFile> = BTreeMap::new();
        for file in theme.files("templates", sources, &mut diags) {
            by_name.insert(file.rel_path.clone(), file);
        }
        // Markdown is never a template: a site whose content folder is
        // the site folder may keep pages in `templates/`.
        for file in read_tree(site_templates, Path::new("templates"), sources, &mut diags) {
            if !(file.rel_path.ends_with(".md") || file.rel_path.ends_with(".markdown")) {
                by_name.insert(file.rel_path.clone(), file);
            }
        }
        if !diags.has_errors() {
            warnings.extend(std::mem::take(&mut diags));
        }
        let mut sources = Vec::new();
        let mut origin = BTreeMap::new();
        for (name, file) in &by_name {
            match std::str::from_utf8(&file.bytes).map(str::to_owned) {
                Ok(text) => {
                    origin.insert(name.clone(), file.display_path.clone());
                    sources.push((name.clone(), text));
                }
                Err(_) => diags.push(
                    Diagnostic::error(Kind::Template, "the template is not valid UTF-8")
                        .in_file(&file.display_path),
                ),
            }
        }
        for (name, text) in &sources {
            if let Some(at) = too_deep(text) {
                let path = origin.get(name).cloned().unwrap_or_default();
                diags.push(
                    Diagnostic::error(
                        Kind::Template,
                        format!(
                            "the template nests more than {MAX_TEMPLATE_DEPTH} levels deep here"
                        ),
                    )
                    .at_offset(&path, text, at)
                    .with_help(format!(
                        "blocks (`if`, `for`, `block`, `macro`, `filter`) and brackets may nest \
                         at most {MAX_TEMPLATE_DEPTH} levels"
                    )),
                );
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml", ".htm"]);
        tera.set_escape_fn(crate::text::escape_html);
        if let Err(err) = tera.add_raw_templates(sources.clone()) {
            // Parse each on its own to report every broken template, not the first.
            for (name, text) in &sources {
                let mut single = Tera::default();
                if let Err(e) = single.add_raw_template(name, text)
                    && error_chain(&e).iter().any(|m| m.contains("--> "))
                {
                    diags.push(template_error(&e, name, origin.get(name), Some(text)));
                }
            }
            if !diags.has_errors() {
                let name = match &err.kind {
                    tera::ErrorKind::MissingParent { current, .. } => current.clone(),
                    _ => String::new(),
                };
                diags.push(template_error(&err, &name, origin.get(&name), None));
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        let loops = include_loops(&tera, &origin, &sources);
        if loops.has_errors() {
            return Err(loops);
        }
        tera.register_function("range", bounded_range);
        macro_depth::bound(&mut tera);
        let markdown_hash = markdown_hash(&sources);
        Ok(Templates {
            max_output: DEFAULT_MAX_PAGE_MB << 20,
            tera,
            origin,
            markdown_hash,
            sources: sources.into_iter().collect(),
        })
    }

    /// The templates whose text differs from `before`'s, and every
    /// template that names one of them (to extend, include or import it),
    /// and so on: what renders differently now. `None` when templates were
    /// added or removed.
    pub fn changed_since(&self, before: &Templates) -> Option<std::collections::BTreeSet<String>> {
        if self.sources.keys().ne(before.sources.keys()) {
            return None;
        }
        let mut changed: std::collections::BTreeSet<String> = self
            .sources
            .iter()
            .filter(|(name, text)| before.sources.get(*name) != Some(text))
            .map(|(name, _)| name.clone())
            .collect();
        loop {
            let more: Vec<String> = self
                .sources
                .iter()
                .filter(|(name, text)| {
                    !changed.contains(*name) && changed.iter().any(|c| text.contains(c.as_str()))
                })
                .map(|(name, _)| name.clone())
                .collect();
            if more.is_empty() {
                return Some(changed);
            }
            changed.extend(more);
        }
    }

    /// Renders `name` with `tera` (a copy of these templates lent by a
    /// [`Renderer`]). It stops with an error once the output passes
    /// [`Templates::max_output`]: a runaway loop fails fast instead of
    /// filling memory and the disk.
    fn render_with(&self, tera: &Tera, name: &str, ctx: &tera::Context) -> tera::Result<String> {
        let mut out = Bounded {
            buf: Vec::new(),
            limit: self.max_output,
            over: false,
        };
        match tera.render_to(name, ctx, &mut out) {
            Ok(()) => String::from_utf8(out.buf).map_err(tera::Error::msg),
            Err(_) if out.over => Err(tera::Error::msg(format!(
                "the output passed {} MiB, the most one page may be \
                 (`max_page_size_mb` in {}); a loop may run far longer than meant",
                self.max_output >> 20,
                crate::config::FILE_NAME
            ))),
            Err(e) => Err(e),
        }
    }

    /// Whether any template may read the variable `name`: its name stands
    /// alone somewhere (not inside `nav_tree`, `<nav>`, `.nav-list` or
    /// `page.nav`). What no template names need not be made; a mention in
    /// plain text only makes this answer yes, never wrongly no.
    pub fn mentions(&self, name: &str) -> bool {
        let part_of_name = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
        self.sources.values().any(|text| {
            text.match_indices(name).any(|(at, _)| {
                let before = text[..at].chars().next_back();
                let after = text[at + name.len()..].chars().next();
                !before.is_some_and(|c| part_of_name(c) || matches!(c, '<' | '/' | '.'))
                    && !after.is_some_and(part_of_name)
            })
        })
    }

    /// Whether a template may look another page up ([`functions::PAGE_LOOKUPS`]):
    /// a function is called by its name, so a template without the name
    /// cannot.
    pub fn may_look_up_pages(&self) -> bool {
        self.mention_any(&functions::PAGE_LOOKUPS)
    }

    /// Whether a template may call `get_taxonomy`, whose views list every
    /// page of a term.
    pub fn may_look_up_taxonomies(&self) -> bool {
        self.mention_any(&["get_taxonomy"])
    }

    fn mention_any(&self, names: &[&str]) -> bool {
        self.sources
            .values()
            .any(|text| names.iter().any(|f| text.contains(f)))
    }

    pub fn has(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| n == name)
    }

    /// The first of `names` that exists.
    pub fn pick<'a>(&self, names: &[&'a str]) -> Option<&'a str> {
        names.iter().copied().find(|n| self.has(n))
    }
}

/// How deep blocks and brackets may nest in a template. Tera's parser
/// recurses once per level and would exhaust the stack on a hostile
/// template; real ones nest a handful of levels.
pub const MAX_TEMPLATE_DEPTH: usize = 100;

/// The offset where `text` first nests blocks (`{% if %}`, `{% for %}`, ...)
/// or brackets inside a tag deeper than [`MAX_TEMPLATE_DEPTH`], if it does.
fn too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut blocks = 0usize;
    let mut i = 0;
    while let Some(found) = text.get(i..).and_then(|rest| rest.find('{')) {
        let start = i + found;
        let close = match bytes.get(start + 1) {
            Some(b'%') => "%}",
            Some(b'{') => "}}",
            Some(b'#') => "#}",
            _ => {
                i = start + 1;
                continue;
            }
        };
        let inner_start = start + 2;
        let end = text[inner_start..]
            .find(close)
            .map_or(text.len(), |e| inner_start + e);
        let inner = &text[inner_start..end];
        i = (end + 2).min(text.len());
        if close == "#}" {
            continue;
        }
        if let Some(at) = bracket_depth(inner) {
            return Some(inner_start + at);
        }
        if close == "%}" {
            let word = inner
                .trim_matches(|c: char| c.is_whitespace() || c == '-')
                .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .next()
                .unwrap_or("");
            match word {
                "raw" => {
                    // Nothing inside raw is parsed.
                    i = text[i..].find("endraw").map_or(text.len(), |e| i + e);
                }
                "if" | "for" | "block" | "macro" | "filter" => {
                    blocks += 1;
                    if blocks > MAX_TEMPLATE_DEPTH {
                        return Some(start);
                    }
                }
                w if w.starts_with("end") => blocks = blocks.saturating_sub(1),
                _ => {}
            }
        }
    }
    None
}

/// Where brackets outside strings first nest past [`MAX_TEMPLATE_DEPTH`].
fn bracket_depth(expr: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote = None;
    for (i, c) in expr.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '(' | '[' | '{') => {
                depth += 1;
                if depth > MAX_TEMPLATE_DEPTH {
                    return Some(i);
                }
            }
            (None, ')' | ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// A buffer that refuses to grow past `limit`.
struct Bounded {
    buf: Vec<u8>,
    limit: usize,
    over: bool,
}

impl std::io::Write for Bounded {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.buf.len() + bytes.len() > self.limit {
            self.over = true;
            return Err(std::io::Error::other("page output limit"));
        }
        self.buf.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Tera's `range(end, start=0, step_by=1)`, refusing a step of 0 (which
/// never ends) and more than [`MAX_RANGE`] numbers.
fn bounded_range(
    args: &std::collections::HashMap<String, serde_json::Value>,
) -> tera::Result<serde_json::Value> {
    let arg = |key: &str, default: Option<u64>| -> tera::Result<u64> {
        match args.get(key) {
            Some(v) => v.as_u64().ok_or_else(|| {
                tera::Error::msg(format!(
                    "`range` received {key}={v} but `{key}` must be a whole number of 0 or more"
                ))
            }),
            None => default.ok_or_else(|| tera::Error::msg("`range` needs an `end` argument")),
        }
    };
    let start = arg("start", Some(0))?;
    let end = arg("end", None)?;
    let step = arg("step_by", Some(1))?;
    if step == 0 {
        return Err(tera::Error::msg("`range` cannot count with step_by=0"));
    }
    if start > end {
        return Err(tera::Error::msg(format!(
            "`range` received start={start}, greater than end={end}"
        )));
    }
    let count = (end - start).div_ceil(step);
    if count > MAX_RANGE as u64 {
        return Err(tera::Error::msg(format!(
            "`range` would give {count} numbers; the most it gives is {MAX_RANGE}"
        )));
    }
    Ok((start..end)
        .step_by(step as usize)
        .collect::<Vec<u64>>()
        .into())
}

/// Templates that include, import or extend each other in a loop: each
/// render would recurse until the stack ran out. Every loop is one error, at
/// the first template (by name) in it, on the line naming the next.
fn include_loops(
    tera: &Tera,
    origin: &BTreeMap<String, PathBuf>,
    sources: &[(String, String)],
) -> Diagnostics {
    let mut edges: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for name in tera.get_template_names() {
        if let Ok(template) = tera.get_template(name) {
            let mut names = Vec::new();
            names.extend(template.parent.clone());
            names.extend(template.imported_macro_files.iter().map(|(f, _)| f.clone()));
            included(&template.ast, &mut names);
            names.retain(|n| tera.get_template(n).is_ok());
            names.sort();
            names.dedup();
            edges.insert(name, names);
        }
    }
    let mut diags = Diagnostics::new();
    for cycle in cycles(&edges) {
        let (first, next) = (&cycle[0], &cycle[1 % cycle.len()]);
        let path = origin
            .get(first)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(format!("templates/{first}")));
        let chain: Vec<&str> = cycle
            .iter()
            .chain(&cycle[..1])
            .map(String::as_str)
            .collect();
        let d = Diagnostic::error(
            Kind::Template,
            format!(
                "templates include each other in a loop: {}",
                chain.join(" -> ")
            ),
        )
        .with_help(
            "rendering would never end; break the loop (a part that repeats itself, such as a \
             tree, is written as a macro that calls itself)",
        );
        let text = sources.iter().find(|(n, _)| n == first).map(|(_, t)| t);
        let at = text.and_then(|t| {
            let quoted = [
                format!("\"{next}\""),
                format!("'{next}'"),
                format!("`{next}`"),
            ];
            quoted.iter().filter_map(|q| t.find(q.as_str())).min()
        });
        diags.push(match (text, at) {
            (Some(text), Some(at)) => d.at_offset(&path, text, at),
            _ => d.in_file(&path),
        });
    }
    diags
}

/// The templates named by `{% include %}` anywhere in `nodes`.
fn included(nodes: &[tera::ast::Node], out: &mut Vec<String>) {
    use tera::ast::Node;
    for node in nodes {
        match node {
            Node::Include(_, names, _) => out.extend(names.iter().cloned()),
            Node::ImportMacro(_, file, _) => out.push(file.clone()),
            Node::MacroDefinition(_, m, _) => included(&m.body, out),
            Node::FilterSection(_, f, _) => included(&f.body, out),
            Node::Block(_, b, _) => included(&b.body, out),
            Node::Forloop(_, f, _) => {
                included(&f.body, out);
                included(f.empty_body.as_deref().unwrap_or_default(), out);
            }
            Node::If(cond, _) => {
                for (_, _, body) in &cond.conditions {
                    included(body, out);
                }
                if let Some((_, body)) = &cond.otherwise {
                    included(body, out);
                }
            }
            _ => {}
        }
    }
}

/// Every cycle of the graph once, each starting at its smallest name.
/// Iterative, so a long chain of templates cannot exhaust the stack.
fn cycles(edges: &BTreeMap<&str, Vec<String>>) -> Vec<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut mark: BTreeMap<&str, Mark> = edges.keys().map(|k| (*k, Mark::New)).collect();
    let mut found = std::collections::BTreeSet::new();
    for &start in edges.keys() {
        if mark[start] != Mark::New {
            continue;
        }
        let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
        mark.insert(start, Mark::Open);
        while let Some((node, i)) = stack.last_mut() {
            let next = edges.get(*node).and_then(|e| e.get(*i));
            *i += 1;
            let Some(next) = next else {
                mark.insert(*node, Mark::Done);
                stack.pop();
                continue;
            };
            let Some((&next, _)) = edges.get_key_value(next.as_str()) else {
                continue;
            };
            match mark[next] {
                Mark::New => {
                    mark.insert(next, Mark::Open);
                    stack.push((next, 0));
                }
                Mark::Open => {
                    let from = stack.iter().position(|(n, _)| *n == next).unwrap_or(0);
                    let mut cycle: Vec<String> =
                        stack[from..].iter().map(|(n, _)| n.to_string()).collect();
                    let min = (0..cycle.len()).min_by_key(|&i| &cycle[i]).unwrap_or(0);
                    cycle.rotate_left(min);
                    found.insert(cycle);
                }
                Mark::Done => {}
            }
        }
    }
    found.into_iter().collect()
}

/// Every message in Tera's error chain, outermost first.
pub fn error_chain(err: &tera::Error) -> Vec<String> {
    let mut out = vec![err.to_string()];
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        out.push(s.to_string());
        source = s.source();
    }
    out
}

/// A located diagnostic from a Tera error: syntax errors carry `--> L:C`.
pub fn template_error(
    err: &tera::Error,
    name: &str,
    path: Option<&PathBuf>,
    text: Option<&str>,
) -> Diagnostic {
    let chain = error_chain(err);
    let path = path
        .cloned()
        .unwrap_or_else(|| PathBuf::from(format!("templates/{name}")));
    for message in &chain {
        if let Some(at) = message.find("--> ") {
            let coords = &message[at + 4..];
            let coords = coords.split_whitespace().next().unwrap_or("");
            let mut parts = coords.split(':');
            let line = parts.next().and_then(|l| l.parse().ok()).unwrap_or(0);
            let column = parts.next().and_then(|c| c.parse().ok()).unwrap_or(0);
            let expected = message
                .lines()
                .find_map(|l| l.trim().strip_prefix("= "))
                .unwrap_or("unexpected text")
                .to_string();
            let d = Diagnostic::error(Kind::Template, format!("template syntax error: {expected}"));
            return match text {
                Some(text) => d.at_line(&path, text, line, column),
                None => d.at(Location::new(&path, line, column)),
            };
        }
    }
    let message = chain.last().cloned().unwrap_or_default();
    Diagnostic::error(Kind::Template, message).in_file(path)
}

/// See [`Templates::markdown_hash`]. A template counts when a shortcode's
/// text names it anywhere, which may include a few more than needed.
fn markdown_hash(sources: &[(String, String)]) -> u64 {
    let shortcodes: Vec<&(String, String)> = sources
        .iter()
        .filter(|(name, _)| name.starts_with("shortcodes/"))
        .collect();
    let used: Vec<&(String, String)> = sources
        .iter()
        .filter(|(name, _)| {
            name.starts_with("shortcodes/")
                || shortcodes
                    .iter()
                    .any(|(_, text)| text.contains(name.as_str()))
        })
        .collect();
    crate::site::cache::hash_of(used)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Loads `files` as a theme's templates (no site overrides).
    fn load(files: &[(&str, &str)]) -> Result<Templates, Diagnostics> {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, text) in files {
            let path = dir.path().join("templates").join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        let mut warnings = Diagnostics::new();
        Templates::load(
            &Theme::Folder(dir.path().to_owned()),
            &dir.path().join("none"),
            &crate::sources::Sources::new(dir.path(), false),
            &mut warnings,
        )
    }

    fn messages(diags: &Diagnostics) -> Vec<String> {
        diags
            .iter()
            .map(|d| {
                let line = d.location.as_ref().map_or(0, |l| l.line);
                format!("{line}: {}", d.message)
            })
            .collect()
    }

    #[test]
    fn a_variable_is_mentioned_only_where_its_name_stands_alone() {
        let uses = |text: &str| load(&[("page.html", text)]).expect("loads").mentions("nav");
        assert!(uses("{{ m::nav_tree(nodes=nav) }}"));
        assert!(uses("{% for n in nav %}{{ n.title }}{% endfor %}"));
        assert!(uses("{% if nav | length > 0 %}x{% endif %}"));
        assert!(!uses(
            "<nav class=\"toc\"><a class=\"nav-link\">x</a></nav>"
        ));
        assert!(!uses("{{ page.nav }}{{ navigation }}{{ my_nav }}"));
    }

    #[test]
    fn include_loops_are_refused_at_the_naming_line() {
        let err = load(&[
            ("page.html", "<p>\n{% include \"page.html\" %}\n"),
            ("a.html", "{% import \"m.html\" as m %}\nA"),
            (
                "m.html",
                "{% macro x() %}{% include \"b.html\" %}{% endmacro %}",
            ),
            (
                "b.html",
                "{% if true %}\n\n{% include 'a.html' %}{% endif %}",
            ),
            (
                "fine.html",
                "{% include \"leaf.html\" %}{% include \"leaf.html\" %}",
            ),
            ("leaf.html", "leaf"),
        ])
        .err()
        .expect("loops");
        assert_eq!(
            messages(&err),
            [
                "1: templates include each other in a loop: a.html -> m.html -> b.html -> a.html",
                "2: templates include each other in a loop: page.html -> page.html",
            ]
        );
    }

    #[test]
    fn a_loop_through_a_parent_is_refused() {
        let err = load(&[
            (
                "base.html",
                "{% block main %}{% endblock %}{% include \"child.html\" %}",
            ),
            (
                "child.html",
                "{% extends \"base.html\" %}{% block main %}x{% endblock %}",
            ),
        ])
        .err()
        .expect("loop");
        assert_eq!(
            messages(&err),
            ["1: templates include each other in a loop: base.html -> child.html -> base.html"]
        );
    }

    #[test]
    fn deep_nesting_is_refused_before_tera_parses_it() {
        let ifs = format!(
            "a\n{}x{}",
            "{% if true %}".repeat(5000),
            "{% endif %}".repeat(5000)
        );
        let parens = format!("{{{{ {}1{} }}}}", "(".repeat(5000), ")".repeat(5000));
        let err = load(&[("ifs.html", &ifs), ("parens.html", &parens)])
            .err()
            .expect("too deep");
        assert_eq!(
            messages(&err),
            [
                "2: the template nests more than 100 levels deep here",
                "1: the template nests more than 100 levels deep here",
            ]
        );
        let fine = format!(
            "{}{{{{ \"((((\" }}}}{{{{ 1 + {}1{} }}}}{}{{% raw %}}{}{{% endraw %}}",
            "{% for i in [1] %}".repeat(MAX_TEMPLATE_DEPTH),
            "(".repeat(MAX_TEMPLATE_DEPTH),
            ")".repeat(MAX_TEMPLATE_DEPTH),
            "{% endfor %}".repeat(MAX_TEMPLATE_DEPTH),
            "{% if %}".repeat(500)
        );
        if let Err(e) = load(&[("fine.html", &fine)]) {
            panic!("{}", e.render(false));
        }
    }

    /// An index of a site with no pages, data or assets.
    fn empty_index() -> functions::SiteIndex {
        functions::SiteIndex {
            urls: functions::Urls {
                base_path: "/".into(),
                permalink_root: "/".into(),
            },
            url_of: Default::default(),
            assets: Default::default(),
            data: Default::default(),
            markdown: Default::default(),
            pages: None,
            taxonomies: None,
        }
    }

    /// `t` as pages are rendered with it, over a site without pages.
    fn renderer(t: Templates) -> Renderer {
        Renderer::new(Arc::new(t), Arc::new(empty_index()))
    }

    #[test]
    fn each_render_returns_its_own_reads_on_any_thread() {
        let t = load(&[
            ("a.html", "{{ get_page(path=name) }}"),
            ("b.html", "{{ get_taxonomy(kind='tags') }}"),
            ("plain.html", "{{ name }}"),
        ])
        .expect("loads");
        let page: functions::PageLookup =
            Box::new(|rel: &str| Some(serde_json::json!({ "kind": "page", "title": rel })));
        let terms: functions::TaxonomyLookup = Box::new(|_: &str| Some(serde_json::json!([])));
        let index = Arc::new(empty_index().with_lookups(Some((page, terms))));
        let t = Renderer::new(Arc::new(t), index);
        // Renders on two threads at once, many times: each render's reads
        // are its own, whatever else runs beside it.
        std::thread::scope(|scope| {
            for thread in 0..2 {
                let t = &t;
                scope.spawn(move || {
                    for i in 0..200 {
                        let name = format!("p{thread}-{i}.md");
                        let mut ctx = tera::Context::new();
                        ctx.insert("name", &name);
                        let (html, reads) = t.render("a.html", &ctx);
                        assert!(html.is_ok());
                        assert_eq!(reads.pages, vec![name.clone()]);
                        assert!(!reads.taxonomies && !reads.data);
                        let (_, reads) = t.render("b.html", &ctx);
                        assert!(reads.taxonomies && reads.pages.is_empty());
                        let (_, reads) = t.render("plain.html", &ctx);
                        assert!(reads.is_empty());
                    }
                });
            }
        });
    }

    #[test]
    fn range_is_bounded_and_never_steps_by_zero() {
        let t = load(&[
            (
                "ok.html",
                "{% for i in range(start=2, end=9, step_by=3) %}{{ i }},{% endfor %}",
            ),
            (
                "big.html",
                "{% for i in range(end=100000000) %}x{% endfor %}",
            ),
            (
                "zero.html",
                "{% for i in range(end=3, step_by=0) %}x{% endfor %}",
            ),
        ])
        .expect("loads");
        let t = renderer(t);
        let ctx = tera::Context::new();
        assert_eq!(t.render("ok.html", &ctx).0.expect("renders"), "2,5,8,");
        let chain = |name: &str| {
            let err = t.render(name, &ctx).0.expect_err("refused");
            error_chain(&err).last().cloned().unwrap_or_default()
        };
        assert_eq!(
            chain("big.html"),
            "`range` would give 100000000 numbers; the most it gives is 1000000"
        );
        assert_eq!(chain("zero.html"), "`range` cannot count with step_by=0");
    }

    #[test]
    fn output_past_the_limit_stops_the_render() {
        let mut t = load(&[(
            "loop.html",
            "{% for i in range(end=1000000) %}{% for j in range(end=1000000) %}0123456789{% endfor %}{% endfor %}",
        )])
        .expect("loads");
        t.max_output = 1 << 20;
        let err = renderer(t)
            .render("loop.html", &tera::Context::new())
            .0
            .expect_err("too big");
        assert_eq!(
            err.to_string(),
            "the output passed 1 MiB, the most one page may be (`max_page_size_mb` in rolebook.toml); a loop may run far longer than meant"
        );
    }
}
