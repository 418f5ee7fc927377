//! Checks across data files, and the index of ids they build.
//!
//! Ids are looked up in every file of a schema, so an id found in two
//! files is an error (reported at the second, naming the first). Items'
//! `epic` must name a roadmap initiative or an item of kind epic (without a
//! cycle of epics), `parent` another backlog item, and `sprint` a sprint
//! when any sprints file exists. Two
//! files of one schema in one folder would share their generated pages'
//! URLs, so that is an error too.

use std::collections::BTreeMap;

use super::{DataFile, ItemKind, Schema, base_url, slug};
use crate::error::{Diagnostic, Diagnostics, Kind, did_you_mean};

/// Where each id lives: (file rel path, index in its list).
#[derive(Debug, Default)]
pub(crate) struct Index {
    pub items: BTreeMap<String, (String, usize)>,
    pub initiatives: BTreeMap<String, (String, usize)>,
    pub sprints: BTreeMap<u32, (String, usize)>,
    pub metrics: BTreeMap<String, (String, usize)>,
    /// Initiative or epic id -> ids of the items whose `epic` names it.
    pub children: BTreeMap<String, Vec<String>>,
}

fn error_at(file: &DataFile, at: usize, message: String, help: String) -> Diagnostic {
    file.locate(Diagnostic::error(Kind::Data, message), at)
        .with_help(help)
}

fn place(file: &DataFile, at: usize) -> String {
    let (line, col) = file.line_col(at);
    format!("{}:{line}:{col}", file.display_path.display())
}

/// Records `key` in `map`, or reports it if another file already has it.
/// Repeats inside one file were reported when that file was parsed.
fn insert<K: Ord + Clone + std::fmt::Display>(
    map: &mut BTreeMap<K, (String, usize)>,
    files: &BTreeMap<String, DataFile>,
    key: &K,
    (file, index, at): (&DataFile, usize, usize),
    diags: &mut Diagnostics,
) {
    match map.get(key) {
        Some((other, i)) if *other != file.rel_path => {
            if let Some(first) = files.get(other) {
                let message = format!("duplicate id `{key}`: it is also defined in another file");
                let help = format!(
                    "first defined at {}; ids are looked up across all {} files, so each must be unique",
                    place(first, id_at(first, *i)),
                    first.schema.as_ref().map_or("data", Schema::name)
                );
                diags.push(error_at(file, at, message, help));
            }
        }
        Some(_) => {}
        None => {
            map.insert(key.clone(), (file.rel_path.clone(), index));
        }
    }
}

impl Index {
    pub fn build(files: &BTreeMap<String, DataFile>) -> (Index, Diagnostics) {
        let mut index = Index::default();
        let mut diags = Diagnostics::new();
        let mut bases: BTreeMap<String, &DataFile> = BTreeMap::new();
        for file in files.values() {
            let Some(schema) = &file.schema else { continue };
            let base = base_url(file, schema.name());
            if let Some(other) = bases.get(&base) {
                let message = format!(
                    "two {} files in one folder: this one and {}",
                    schema.name(),
                    other.display_path.display()
                );
                let help = format!(
                    "their generated pages would share {base}; merge them or move one to its own folder"
                );
                diags.push(
                    Diagnostic::error(Kind::Data, message)
                        .in_file(&file.display_path)
                        .with_help(help),
                );
            } else {
                bases.insert(base, file);
            }
            index.add(files, file, schema, &mut diags);
        }
        index.check_pages(files, &mut diags);
        index.check_references(files, &mut diags);
        (index, diags)
    }

    fn add(
        &mut self,
        files: &BTreeMap<String, DataFile>,
        file: &DataFile,
        schema: &Schema,
        diags: &mut Diagnostics,
    ) {
        match schema {
            Schema::Backlog(b) => {
                for (i, item) in b.items.iter().enumerate() {
                    insert(
                        &mut self.items,
                        files,
                        &item.id,
                        (file, i, item.at.id),
                        diags,
                    );
                    if let Some(parent) = &item.epic {
                        let children = self.children.entry(parent.clone()).or_default();
                        children.push(item.id.clone());
                    }
                }
            }
            Schema::Roadmap(r) => {
                for (i, x) in r.initiatives.iter().enumerate() {
                    insert(
                        &mut self.initiatives,
                        files,
                        &x.id,
                        (file, i, x.at.id),
                        diags,
                    );
                }
            }
            Schema::Sprints(s) => {
                for (i, x) in s.sprints.iter().enumerate() {
                    insert(
                        &mut self.sprints,
                        files,
                        &x.number,
                        (file, i, x.at.id),
                        diags,
                    );
                }
            }
            Schema::Metrics(m) => {
                for (i, x) in m.metrics.iter().enumerate() {
                    insert(&mut self.metrics, files, &x.id, (file, i, x.at.id), diags);
                }
            }
        }
    }

    /// Ids that differ only in case or punctuation would share a page URL.
    fn check_pages(&self, files: &BTreeMap<String, DataFile>, diags: &mut Diagnostics) {
        let mut urls: BTreeMap<String, (String, String)> = BTreeMap::new();
        let pages = self
            .initiatives
            .iter()
            .map(|(id, loc)| ("roadmap", id, loc))
            .chain(
                self.items
                    .iter()
                    .filter(|(id, _)| self.item_kind(files, id) == Some(ItemKind::Epic))
                    .map(|(id, loc)| ("backlog", id, loc)),
            );
        for (schema, id, (path, i)) in pages {
            let Some(file) = files.get(path) else {
                continue;
            };
            let url = format!("{}{}/", base_url(file, schema), slug(id));
            if let Some((other, _)) = urls.get(&url) {
                let at = id_at(file, *i);
                let message = format!("`{id}` and `{other}` would share the page {url}");
                let help = "page URLs are ids in lowercase; give them ids that differ in more than case or punctuation";
                diags.push(error_at(file, at, message, help.to_owned()));
            } else {
                urls.insert(url, (id.clone(), path.clone()));
            }
        }
    }

    fn item_kind(&self, files: &BTreeMap<String, DataFile>, id: &str) -> Option<ItemKind> {
        let (path, i) = self.items.get(id)?;
        match &files.get(path)?.schema {
            Some(Schema::Backlog(b)) => b.items.get(*i).map(|x| x.kind),
            _ => None,
        }
    }

    fn check_references(&self, files: &BTreeMap<String, DataFile>, diags: &mut Diagnostics) {
        let has_sprints = files
            .values()
            .any(|f| matches!(f.schema, Some(Schema::Sprints(_))));
        let epics: Vec<&str> = self
            .items
            .keys()
            .filter(|id| self.item_kind(files, id) == Some(ItemKind::Epic))
            .map(String::as_str)
            .collect();
        for file in files.values() {
            let Some(Schema::Backlog(backlog)) = &file.schema else {
                continue;
            };
            for item in &backlog.items {
                if let Some(epic) = &item.epic {
                    self.check_epic(files, file, item, epic, &epics, diags);
                }
                match item.sprint {
                    Some(n) if has_sprints && !self.sprints.contains_key(&n) => {
                        let known: Vec<String> = self.sprints.keys().map(u32::to_string).collect();
                        let message = format!(
                            "item {} names sprint {n}, which is not in any sprints file",
                            item.id
                        );
                        let help = format!("sprints defined: {}", known.join(", "));
                        diags.push(error_at(file, item.at.sprint, message, help));
                    }
                    _ => {}
                }
                if let Some(n) = item
                    .earlier_sprints
                    .iter()
                    .find(|n| has_sprints && !self.sprints.contains_key(n))
                {
                    let known: Vec<String> = self.sprints.keys().map(u32::to_string).collect();
                    let message = format!(
                        "item {} names earlier sprint {n}, which is not in any sprints file",
                        item.id
                    );
                    let help = format!("sprints defined: {}", known.join(", "));
                    diags.push(error_at(file, item.at.earlier_sprints, message, help));
                }
                if let Some(parent) = &item.parent {
                    self.check_parent(file, item, parent, diags);
                }
            }
        }
    }

    /// `parent` names another backlog item (a sub-task's story).
    fn check_parent(
        &self,
        file: &DataFile,
        item: &super::Item,
        parent: &str,
        diags: &mut Diagnostics,
    ) {
        let message = if parent == item.id {
            format!("item {} names itself as its parent", item.id)
        } else if !self.items.contains_key(parent) {
            format!(
                "item {} names parent `{parent}`, which is no backlog item",
                item.id
            )
        } else {
            return;
        };
        let hint = did_you_mean(parent, self.items.keys().map(String::as_str));
        let help = match hint {
            Some(h) if h != item.id => format!("did you mean `{h}`?"),
            _ => "`parent` is the id of another backlog item".to_owned(),
        };
        diags.push(error_at(file, item.at.parent, message, help));
    }

    fn check_epic(
        &self,
        files: &BTreeMap<String, DataFile>,
        file: &DataFile,
        item: &super::Item,
        epic: &str,
        epics: &[&str],
        diags: &mut Diagnostics,
    ) {
        let allowed =
            "an item's `epic` is the id of a roadmap initiative or of a backlog item of kind epic";
        if self.initiatives.contains_key(epic) {
            return;
        }
        match self.item_kind(files, epic) {
            Some(ItemKind::Epic) => {
                if let Some(cycle) = self.cycle(files, &item.id) {
                    let message = format!("epic cycle: {}", cycle.join(" -> "));
                    let help = "an epic cannot be inside itself; one of these must name an initiative or nothing";
                    diags.push(error_at(file, item.at.epic, message, help.to_owned()));
                }
            }
            Some(kind) => {
                let message = format!(
                    "`epic` names {epic}, which is a {}, not an epic",
                    kind.as_str()
                );
                diags.push(error_at(file, item.at.epic, message, allowed.to_owned()));
            }
            None => {
                let candidates = self
                    .initiatives
                    .keys()
                    .map(String::as_str)
                    .chain(epics.iter().copied());
                let hint = did_you_mean(epic, candidates)
                    .map_or(String::new(), |m| format!("did you mean `{m}`? "));
                let known: Vec<&str> = self
                    .initiatives
                    .keys()
                    .map(String::as_str)
                    .chain(epics.iter().copied())
                    .collect();
                let list = if known.is_empty() {
                    "none are defined".to_owned()
                } else {
                    format!("known: {}", known.join(", "))
                };
                let message = format!(
                    "item {} names epic `{epic}`, which is no initiative or epic",
                    item.id
                );
                diags.push(error_at(
                    file,
                    item.at.epic,
                    message,
                    format!("{hint}{allowed}; {list}"),
                ));
            }
        }
    }

    /// The chain of epics from `id` back to itself, if following `epic`
    /// fields from it comes round again.
    fn cycle(&self, files: &BTreeMap<String, DataFile>, id: &str) -> Option<Vec<String>> {
        let mut chain = vec![id.to_owned()];
        let mut current = id.to_owned();
        for _ in 0..=self.items.len() {
            let (path, i) = self.items.get(&current)?;
            let Some(Schema::Backlog(b)) = &files.get(path)?.schema else {
                return None;
            };
            let next = b.items.get(*i)?.epic.clone()?;
            chain.push(next.clone());
            if next == id {
                return Some(chain);
            }
            if chain[..chain.len() - 1].contains(&next) {
                return None; // a cycle further up, reported at its own members
            }
            current = next;
        }
        None
    }
}

/// Where the id of entry `i` of a schema file starts.
fn id_at(file: &DataFile, i: usize) -> usize {
    let at = match &file.schema {
        Some(Schema::Backlog(b)) => b.items.get(i).map(|x| x.at.id),
        Some(Schema::Roadmap(r)) => r.initiatives.get(i).map(|x| x.at.id),
        Some(Schema::Sprints(s)) => s.sprints.get(i).map(|x| x.at.id),
        Some(Schema::Metrics(m)) => m.metrics.get(i).map(|x| x.at.id),
        None => None,
    };
    at.unwrap_or(0)
}
