//! The team's data files: loading, typed schemas, validation, views.
//!
//! Any `.toml`, `.json`, `.yaml`/`.yml` or `.csv` file under `content/` is a
//! data file. [`parse`] reads one (pure: text in, value out) and, when it
//! declares `schema = "backlog" | "roadmap" | "sprints" | "metrics"` (or is
//! named `*.backlog.csv`), checks it against that schema. [`DataSet::new`]
//! gathers every parsed file and checks what spans files: ids found twice,
//! item → epic / initiative / sprint references, page URLs that collide.
//! Templates see each file's value by path ([`DataSet::to_json`]); links
//! such as `@backlog/PB-101` resolve through [`DataSet::resolve_link`]; the
//! views (shortcodes and generated pages) are in `views/`. Reading files
//! from disk and wiring into the build are the engine's, not this module's.

mod check;
mod csv;
mod decode;
pub mod import;
mod node;
mod read;
mod schema;
mod views;
mod yaml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use schema::{
    Backlog, Direction, Heading, Horizon, Initiative, InitiativeStatus, Item, ItemKind, Metric,
    MetricPoint, Metrics, Period, Priority, Roadmap, Schema, Sprint, Sprints, Status,
};
pub use views::{FACT_NAMES, ItemPage, Referrers, VIEW_NAMES, VIEWS_CSS, ViewContext, escape};

use crate::error::{Diagnostic, Diagnostics, Kind, did_you_mean};
use decode::Decoder;

/// One data file, parsed and (if it declares a schema) validated.
#[derive(Debug, Clone)]
pub struct DataFile {
    /// Path below `content/` with `/` separators, e.g. `team/backlog.toml`.
    pub rel_path: String,
    /// What templates see: the file's data, or for a schema file its
    /// normalised form (`{"schema": "backlog", "item": [...]}`).
    pub value: serde_json::Value,
    pub schema: Option<Schema>,
    /// The path diagnostics name, e.g. `content/team/backlog.toml`.
    pub display_path: PathBuf,
    /// The file's text, kept so cross-file errors can show their line.
    text: String,
}

/// Whether `rel_path` names a data file by its extension.
pub fn is_data_file(rel_path: &str) -> bool {
    format_of(rel_path).is_some()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Toml,
    Json,
    Yaml,
    Csv,
}

fn format_of(rel_path: &str) -> Option<Format> {
    let (_, ext) = rel_path.rsplit_once('.')?;
    match ext.to_ascii_lowercase().as_str() {
        "toml" => Some(Format::Toml),
        "json" => Some(Format::Json),
        "yaml" | "yml" => Some(Format::Yaml),
        "csv" => Some(Format::Csv),
        _ => None,
    }
}

/// Parses and validates one data file; every error of the file at once.
pub fn parse(rel_path: &str, display_path: &Path, text: &str) -> Result<DataFile, Diagnostics> {
    match parse_lenient(rel_path, display_path, text) {
        (Some(file), diags) if !diags.has_errors() => Ok(file),
        (_, diags) => Err(diags),
    }
}

/// Like [`parse`], but a file whose syntax is sound comes back even when
/// some entries are invalid: entries with an id are kept (their bad fields
/// defaulted), so [`DataSet::new`] does not report every reference to a
/// broken file as dangling. Give the engine's `DataSet::new` these files and
/// report the diagnostics of both.
pub fn parse_lenient(
    rel_path: &str,
    display_path: &Path,
    text: &str,
) -> (Option<DataFile>, Diagnostics) {
    let path = display_path;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let file = |value, schema| DataFile {
        rel_path: rel_path.to_owned(),
        value,
        schema,
        display_path: display_path.to_owned(),
        text: text.to_owned(),
    };
    let root = match format_of(rel_path) {
        Some(Format::Csv) if is_backlog_csv(rel_path) => {
            let (root, mut diags) =
                csv::schema_rows(path, text, "item", read::ITEM_KEYS, read::ITEM_REQUIRED);
            let Some(root) = root else {
                return (None, diags);
            };
            let mut dec = Decoder::new(path, text, true);
            let schema = read::read(&mut dec, &root, "backlog");
            diags.extend(dec.diags);
            return (Some(file(schema.to_json(), Some(schema))), diags);
        }
        Some(Format::Csv) => {
            return match csv::plain(path, text) {
                Ok(value) => (Some(file(value, None)), Diagnostics::new()),
                Err(diags) => (None, diags),
            };
        }
        Some(Format::Json) => node::parse_json(path, text),
        Some(Format::Yaml) => yaml::parse_yaml(path, text),
        Some(Format::Toml) => node::parse_toml(path, text),
        None => {
            let d = Diagnostic::error(Kind::Data, "not a data file")
                .in_file(path)
                .with_help("data files end in .toml, .json, .yaml, .yml or .csv");
            return (None, d.into());
        }
    };
    let root = match root {
        Ok(root) => root,
        Err(diags) => return (None, diags),
    };
    let Some(entry) = root.entry("schema") else {
        return (Some(file(root.to_json(), None)), Diagnostics::new());
    };
    let mut dec = Decoder::new(path, text, false);
    let name = match &entry.node.value {
        node::Value::Str(name) if read::SCHEMAS.contains(&name.as_str()) => name.clone(),
        other => {
            let shown = match other {
                node::Value::Str(s) => format!("\"{s}\""),
                _ => entry.node.type_name().to_owned(),
            };
            let hint = match other {
                node::Value::Str(s) => did_you_mean(s, read::SCHEMAS.iter().copied())
                    .map_or(String::new(), |m| format!("did you mean `{m}`? ")),
                _ => String::new(),
            };
            let message = format!("unknown schema {shown}");
            let help = format!(
                "{hint}allowed: {} (leave `schema` out for plain data)",
                read::SCHEMAS.join(", ")
            );
            dec.error(entry.node.at, message, help);
            return (None, dec.diags);
        }
    };
    let schema = read::read(&mut dec, &root, &name);
    (Some(file(schema.to_json(), Some(schema))), dec.diags)
}

fn is_backlog_csv(rel_path: &str) -> bool {
    rel_path.to_ascii_lowercase().ends_with(".backlog.csv")
}

/// Every data file of the site, checked together.
#[derive(Debug, Default)]
pub struct DataSet {
    files: BTreeMap<String, DataFile>,
    index: check::Index,
}

impl DataSet {
    /// Indexes `files` and checks what spans files: ids defined twice,
    /// references from items to epics, initiatives and sprints, page URLs
    /// that collide. The set is usable even when there are errors.
    pub fn new(files: Vec<DataFile>) -> (DataSet, Diagnostics) {
        let files: BTreeMap<String, DataFile> =
            files.into_iter().map(|f| (f.rel_path.clone(), f)).collect();
        let (index, mut diags) = check::Index::build(&files);
        diags.sort();
        (DataSet { files, index }, diags)
    }

    pub fn get(&self, rel_path: &str) -> Option<&DataFile> {
        self.files.get(rel_path)
    }

    pub fn files(&self) -> impl Iterator<Item = &DataFile> {
        self.files.values()
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// `{"team/backlog.toml": value, ...}`, for templates.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::Value::Object(
            self.files
                .iter()
                .map(|(k, f)| (k.clone(), f.value.clone()))
                .collect(),
        )
    }

    /// The root-relative URL path that `@KIND/ID` links to, or None when no
    /// such entry exists. Kinds: `backlog` (an epic's own page; any other
    /// item's row on the page of its epic or initiative, else on its
    /// backlog's page), `roadmap` (the initiative's page), `sprints`
    /// (`/team/sprints/#sprint-24`) and `metrics` (`/team/metrics/#metric-nps`).
    pub fn resolve_link(&self, kind: &str, id: &str) -> Option<String> {
        match kind {
            "backlog" => self.item(id).map(|(file, item)| self.item_url(file, item)),
            "roadmap" => self
                .initiative(id)
                .map(|(file, i)| format!("{}{}/", base_url(file, "roadmap"), slug(&i.id))),
            "sprints" => {
                let number: u32 = id.trim_start_matches(['S', 's']).parse().ok()?;
                let (file, _) = self.index.sprints.get(&number)?;
                Some(format!(
                    "{}#sprint-{number}",
                    base_url(self.get(file)?, "sprints")
                ))
            }
            "metrics" => {
                let (file, _) = self.index.metrics.get(id)?;
                Some(format!(
                    "{}#metric-{}",
                    base_url(self.get(file)?, "metrics"),
                    slug(id)
                ))
            }
            _ => None,
        }
    }

    pub(crate) fn item(&self, id: &str) -> Option<(&DataFile, &Item)> {
        let (path, i) = self.index.items.get(id)?;
        let file = self.files.get(path)?;
        match &file.schema {
            Some(Schema::Backlog(b)) => b.items.get(*i).map(|item| (file, item)),
            _ => None,
        }
    }

    pub(crate) fn initiative(&self, id: &str) -> Option<(&DataFile, &Initiative)> {
        let (path, i) = self.index.initiatives.get(id)?;
        let file = self.files.get(path)?;
        match &file.schema {
            Some(Schema::Roadmap(r)) => r.initiatives.get(*i).map(|x| (file, x)),
            _ => None,
        }
    }

    pub(crate) fn sprint(&self, number: u32) -> Option<&Sprint> {
        let (path, i) = self.index.sprints.get(&number)?;
        match &self.files.get(path)?.schema {
            Some(Schema::Sprints(s)) => s.sprints.get(*i),
            _ => None,
        }
    }

    /// The page (with anchor) where an item is shown; see [`Self::resolve_link`].
    pub(crate) fn item_url(&self, file: &DataFile, item: &Item) -> String {
        if item.kind == ItemKind::Epic {
            return format!("{}{}/", base_url(file, "backlog"), slug(&item.id));
        }
        let anchor = slug(&item.id);
        if let Some(parent) = &item.epic {
            if let Some(url) = self.parent_url(parent) {
                return format!("{url}#{anchor}");
            }
        }
        format!("{}#{anchor}", base_url(file, "backlog"))
    }

    /// The page of an initiative or epic item named `id`.
    pub(crate) fn parent_url(&self, id: &str) -> Option<String> {
        if let Some((file, i)) = self.initiative(id) {
            return Some(format!("{}{}/", base_url(file, "roadmap"), slug(&i.id)));
        }
        match self.item(id) {
            Some((file, item)) if item.kind == ItemKind::Epic => {
                Some(format!("{}{}/", base_url(file, "backlog"), slug(&item.id)))
            }
            _ => None,
        }
    }

    /// Items under `id` (an initiative or epic), directly or through epics,
    /// in rank order per file; each at most once, cycles cut.
    pub(crate) fn descendants(&self, id: &str) -> Vec<(&DataFile, &Item)> {
        let mut out: Vec<(&DataFile, &Item)> = Vec::new();
        let mut queue = vec![id.to_owned()];
        let mut seen = std::collections::BTreeSet::from([id.to_owned()]);
        while let Some(parent) = queue.pop() {
            for child in self.index.children.get(&parent).into_iter().flatten() {
                if let Some((file, item)) = self.item(child) {
                    if seen.insert(item.id.clone()) {
                        out.push((file, item));
                        queue.push(item.id.clone());
                    }
                }
            }
        }
        out.sort_by(|a, b| (&a.0.rel_path, a.1.rank).cmp(&(&b.0.rel_path, b.1.rank)));
        out
    }
}

/// `/team/backlog/` for `team/anything.toml` holding a backlog.
pub(crate) fn base_url(file: &DataFile, schema: &str) -> String {
    match file.rel_path.rsplit_once('/') {
        Some((folder, _)) => format!("/{folder}/{schema}/"),
        None => format!("/{schema}/"),
    }
}

/// An id as a URL segment and HTML anchor: lowercase, runs of anything but
/// letters, digits, `-` and `_` replaced by `-`.
pub(crate) fn slug(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for c in id.trim().chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out
}

#[cfg(test)]
mod tests;
