//! The team's data as search documents: one per backlog item (landing on
//! its row, or an epic's own page), one per roadmap initiative, and one per
//! generated overview page (backlog, roadmap, sprints, metrics). The text
//! is built from the typed values, not from rendered HTML, so indexing
//! costs no second rendering.

use std::fmt::Write as _;

use super::{DataFile, DataSet, Item, ItemKind, Schema, base_url, slug};
use crate::search::SearchDoc;

/// A search document and the data file it comes from (`team/backlog.toml`).
pub struct DataDoc {
    pub source: String,
    pub doc: SearchDoc,
}

fn doc(path: &str, title: String, description: String, body: String, kind: &str) -> SearchDoc {
    SearchDoc {
        path: path.trim_start_matches('/').to_owned(),
        title,
        description,
        body,
        kind: kind.to_owned(),
        ..SearchDoc::default()
    }
}

/// The first line of a long text, for a result's snippet.
fn first_words(text: &str) -> String {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut out: String = line.chars().take(200).collect();
    if line.chars().count() > 200 {
        out.push('…');
    }
    out
}

impl DataSet {
    /// Every search document of the data, file by file in path order.
    pub fn search_docs(&self) -> Vec<DataDoc> {
        let mut out = Vec::new();
        for file in self.files() {
            let mut push = |doc: SearchDoc| {
                out.push(DataDoc {
                    source: file.rel_path.clone(),
                    doc,
                })
            };
            match &file.schema {
                Some(Schema::Backlog(b)) => {
                    let title = b.heading.title.clone().unwrap_or_else(|| match &b.team {
                        Some(team) => format!("Backlog: {team}"),
                        None => "Backlog".to_owned(),
                    });
                    let about = b.heading.description.clone().unwrap_or_else(|| {
                        format!("Board and ranked list of {} items", b.items.len())
                    });
                    push(doc(
                        &base_url(file, "backlog"),
                        title,
                        about,
                        String::new(),
                        "data",
                    ));
                    for item in &b.items {
                        push(self.item_doc(file, item));
                    }
                }
                Some(Schema::Roadmap(r)) => {
                    let title = r
                        .heading
                        .title
                        .clone()
                        .unwrap_or_else(|| "Roadmap".to_owned());
                    let about = r.heading.description.clone().unwrap_or_else(|| {
                        format!("Now, next and later: {} initiatives", r.initiatives.len())
                    });
                    push(doc(
                        &base_url(file, "roadmap"),
                        title,
                        about,
                        String::new(),
                        "data",
                    ));
                    for i in &r.initiatives {
                        let mut body = i.description.clone().unwrap_or_default();
                        let _ = write!(
                            body,
                            "\n{} {} {} {}",
                            i.status.label(),
                            i.horizon.label(),
                            i.owner.as_deref().unwrap_or(""),
                            i.start.format("%Y %B")
                        );
                        let path = format!("{}{}/", base_url(file, "roadmap"), slug(&i.id));
                        let mut d = doc(
                            &path,
                            format!("{}: {}", i.id, i.title),
                            i.outcome.clone(),
                            body,
                            "initiative",
                        );
                        d.id = i.id.clone();
                        push(d);
                    }
                }
                Some(Schema::Sprints(s)) => {
                    let title = s
                        .heading
                        .title
                        .clone()
                        .unwrap_or_else(|| "Sprints".to_owned());
                    let about = s.heading.description.clone().unwrap_or_else(|| {
                        format!("Velocity and burn-up over {} sprints", s.sprints.len())
                    });
                    let body = s
                        .sprints
                        .iter()
                        .map(|x| format!("Sprint {}: {}", x.number, x.goal))
                        .collect::<Vec<_>>()
                        .join("\n");
                    push(doc(&base_url(file, "sprints"), title, about, body, "data"));
                }
                Some(Schema::Metrics(m)) => {
                    let title = m
                        .heading
                        .title
                        .clone()
                        .unwrap_or_else(|| "Metrics".to_owned());
                    let names: Vec<&str> = m.metrics.iter().map(|x| x.title.as_str()).collect();
                    let about =
                        m.heading.description.clone().unwrap_or_else(|| {
                            format!("Trends against target: {}", names.join(", "))
                        });
                    let body = m
                        .metrics
                        .iter()
                        .map(|x| format!("{} {}", x.title, x.description.as_deref().unwrap_or("")))
                        .collect::<Vec<_>>()
                        .join("\n");
                    push(doc(&base_url(file, "metrics"), title, about, body, "data"));
                }
                None => {}
            }
        }
        out
    }

    /// An item: its id and title, description, epic (id and title),
    /// status, kind and the other words a reader may search by.
    fn item_doc(&self, file: &DataFile, item: &Item) -> SearchDoc {
        let mut body = item.description.clone().unwrap_or_default();
        if let Some(epic) = &item.epic {
            let title = self
                .item(epic)
                .map(|(_, e)| e.title.as_str())
                .or_else(|| self.initiative(epic).map(|(_, i)| i.title.as_str()))
                .unwrap_or("");
            let _ = write!(body, "\nEpic {epic} {title}");
        }
        let _ = write!(body, "\n{} {}", item.status.label(), item.kind.label());
        for word in item
            .labels
            .iter()
            .chain(&item.fix_versions)
            .chain(&item.components)
            .chain(item.owner.as_slice())
            .chain(item.parent.as_slice())
        {
            let _ = write!(body, " {word}");
        }
        if let Some(n) = item.sprint {
            let _ = write!(body, " Sprint {n}");
        }
        let kind = if item.kind == ItemKind::Epic {
            "epic"
        } else {
            "item"
        };
        let about = match &item.description {
            Some(d) => first_words(d),
            None => format!("{} · {}", item.kind.label(), item.status.label()),
        };
        let mut d = doc(
            &self.item_url(file, item),
            format!("{}: {}", item.id, item.title),
            about,
            body,
            kind,
        );
        d.id = item.id.clone();
        d
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn items_initiatives_and_pages_become_documents() {
        let backlog = "schema = \"backlog\"\nteam = \"Checkout\"\n\n\
            [[item]]\nid = \"CHK-10\"\ntitle = \"Saved cards\"\nkind = \"epic\"\nstatus = \"in-progress\"\nrank = 1\nepic = \"EP-1\"\n\n\
            [[item]]\nid = \"CHK-13\"\ntitle = \"Delete a saved card\"\nkind = \"story\"\nstatus = \"ready\"\nrank = 2\n\
            epic = \"CHK-10\"\ndescription = \"Remove a card\\nfrom the wallet\"\nlabels = [\"wallet\"]\n";
        let roadmap = "schema = \"roadmap\"\n\n[[initiative]]\nid = \"EP-1\"\ntitle = \"Pay faster\"\n\
            horizon = \"now\"\nstatus = \"on-track\"\nstart = 2026-01-01\nend = 2026-03-31\noutcome = \"Fewer drop-offs\"\n";
        let files = vec![
            crate::data::parse("team/backlog.toml", Path::new("b"), backlog).expect("backlog"),
            crate::data::parse("team/roadmap.toml", Path::new("r"), roadmap).expect("roadmap"),
        ];
        let (set, diags) = DataSet::new(files);
        assert!(diags.is_empty(), "{}", diags.render(false));
        let docs = set.search_docs();
        let shown: Vec<(&str, &str, &str, &str)> = docs
            .iter()
            .map(|d| {
                (
                    d.doc.path.as_str(),
                    d.doc.title.as_str(),
                    d.doc.kind.as_str(),
                    d.doc.id.as_str(),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                ("team/backlog/", "Backlog: Checkout", "data", ""),
                (
                    "team/backlog/chk-10/",
                    "CHK-10: Saved cards",
                    "epic",
                    "CHK-10"
                ),
                (
                    "team/backlog/chk-10/#chk-13",
                    "CHK-13: Delete a saved card",
                    "item",
                    "CHK-13"
                ),
                ("team/roadmap/", "Roadmap", "data", ""),
                (
                    "team/roadmap/ep-1/",
                    "EP-1: Pay faster",
                    "initiative",
                    "EP-1"
                ),
            ]
        );
        let item = &docs[2].doc;
        assert_eq!(item.description, "Remove a card");
        assert_eq!(
            item.body,
            "Remove a card\nfrom the wallet\nEpic CHK-10 Saved cards\nReady Story wallet"
        );
        assert_eq!(docs[2].source, "team/backlog.toml");
    }
}
