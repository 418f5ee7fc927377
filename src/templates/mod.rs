//! Tera set-up: the theme's templates, the site's overrides, and turning
//! Tera's errors into located diagnostics.
//!
//! Owns finding the theme (a folder under `themes/`, or the `handbook` theme
//! embedded in the binary), which template renders what, and template error
//! reporting. The functions templates call live in `functions`.

pub mod functions;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use tera::Tera;

use crate::error::{Diagnostic, Diagnostics, Kind, Location};

/// The default theme, inside the binary so `rolebook init` and a site with no
/// `themes/` folder work anywhere.
pub static EMBEDDED_HANDBOOK: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/handbook");

pub const DEFAULT_THEME: &str = "handbook";

/// A file of a theme or site: its bytes and where it came from.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub rel_path: String,
    pub display_path: PathBuf,
    pub bytes: Vec<u8>,
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
    pub fn extra(&self) -> serde_json::Map<String, serde_json::Value> {
        let text = match self {
            Theme::Folder(dir) => std::fs::read_to_string(dir.join("theme.toml")).ok(),
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
    pub fn files(&self, sub: &str) -> Vec<SourceFile> {
        match self {
            Theme::Folder(dir) => read_tree(
                &dir.join(sub),
                &Path::new("themes")
                    .join(dir.file_name().unwrap_or_default())
                    .join(sub),
            ),
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
            bytes: file.contents().to_vec(),
        });
    }
    for d in dir.dirs() {
        collect_embedded(d, sub, out);
    }
}

/// Every file under `dir` (missing is empty), hidden and swap files skipped.
pub fn read_tree(dir: &Path, display: &Path) -> Vec<SourceFile> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return out;
    }
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !crate::content::is_ignored(&e.file_name().to_string_lossy())
        });
    for entry in walker.flatten() {
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let rel = crate::content::rel_string(rel);
        if let Ok(bytes) = std::fs::read(entry.path()) {
            out.push(SourceFile {
                display_path: display.join(&rel),
                rel_path: rel,
                bytes,
            });
        }
    }
    out
}

/// The loaded templates and where each came from, for error messages.
pub struct Templates {
    pub tera: Tera,
    pub origin: BTreeMap<String, PathBuf>,
    /// A hash of the templates Markdown can use: shortcodes and whatever
    /// template a shortcode names (to include, import or extend).
    pub markdown_hash: u64,
    /// Every template's text, by name.
    pub sources: BTreeMap<String, String>,
}

impl Templates {
    /// The theme's templates with the site's `templates/` laid over them.
    pub fn load(theme: &Theme, site_templates: &Path) -> Result<Templates, Diagnostics> {
        let mut by_name: BTreeMap<String, SourceFile> = BTreeMap::new();
        for file in theme.files("templates") {
            by_name.insert(file.rel_path.clone(), file);
        }
        // Markdown is never a template: a site whose content folder is
        // the site folder may keep pages in `templates/`.
        for file in read_tree(site_templates, Path::new("templates")) {
            if !(file.rel_path.ends_with(".md") || file.rel_path.ends_with(".markdown")) {
                by_name.insert(file.rel_path.clone(), file);
            }
        }
        let mut diags = Diagnostics::new();
        let mut sources = Vec::new();
        let mut origin = BTreeMap::new();
        for (name, file) in &by_name {
            match String::from_utf8(file.bytes.clone()) {
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
        let markdown_hash = markdown_hash(&sources);
        Ok(Templates {
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

    pub fn has(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| n == name)
    }

    /// The first of `names` that exists.
    pub fn pick<'a>(&self, names: &[&'a str]) -> Option<&'a str> {
        names.iter().copied().find(|n| self.has(n))
    }
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
