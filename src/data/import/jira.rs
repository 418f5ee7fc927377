//! Jira's CSV export (Cloud and Data Center): "Issue key", "Issue id",
//! "Summary", "Issue Type", "Status", "Status Category", "Resolution",
//! "Priority", story points, the repeated "Sprint", "Labels", "Fix
//! Version/s" and "Component/s" columns, "Custom field (Epic Link)",
//! "Parent" (a key or, in Cloud, the parent's issue id), "Assignee",
//! "Created", "Updated", "Resolved" and "Description".

use std::collections::BTreeMap;

use super::outcome::Outcome;
use super::values::{StatusCells, is_whole, map_status, points, priority, toml_day};
use super::{Days, ImportOptions, ImportResult, Row, Table, bad_rows, missing};
use crate::data::{ItemKind, Priority, Status};
use crate::error::Diagnostic;

fn jira_status(status: &str) -> Option<Status> {
    match status {
        "to do" | "todo" | "open" | "backlog" | "new" | "reopened" => Some(Status::Backlog),
        "selected for development" | "ready" | "ready for development" | "ready for dev" => {
            Some(Status::Ready)
        }
        "in progress" | "in development" | "doing" => Some(Status::InProgress),
        "in review" | "code review" | "review" | "in qa" | "qa" | "testing" => Some(Status::Review),
        "done" | "closed" | "resolved" => Some(Status::Done),
        _ => None,
    }
}

fn jira_kind(kind: &str) -> Option<ItemKind> {
    match kind.to_ascii_lowercase().as_str() {
        "epic" => Some(ItemKind::Epic),
        "story" | "user story" | "new feature" | "improvement" | "feature" => Some(ItemKind::Story),
        "bug" | "defect" => Some(ItemKind::Bug),
        "spike" | "research" => Some(ItemKind::Spike),
        "task" | "sub-task" | "subtask" | "chore" | "technical task" => Some(ItemKind::Chore),
        _ => None,
    }
}

/// The columns a Jira export may carry, each under its usual names.
struct Columns {
    key: usize,
    summary: usize,
    issue_id: Option<usize>,
    kind: Option<usize>,
    status: Option<usize>,
    category: Option<usize>,
    resolution: Option<usize>,
    priority: Option<usize>,
    points: Vec<usize>,
    sprints: Vec<usize>,
    epic_links: Vec<usize>,
    parents: Vec<usize>,
    owner: Option<usize>,
    labels: Vec<usize>,
    fix_versions: Vec<usize>,
    components: Vec<usize>,
    created: Option<usize>,
    updated: Option<usize>,
    resolved: Option<usize>,
    description: Option<usize>,
}

impl Columns {
    fn find(table: &Table) -> Option<Columns> {
        Some(Columns {
            key: table.col(&["Issue key", "Key"])?,
            summary: table.col(&["Summary"])?,
            issue_id: table.col(&["Issue id"]),
            kind: table.col(&["Issue Type"]),
            status: table.col(&["Status"]),
            category: table.col(&["Status Category"]),
            resolution: table.col(&["Resolution"]),
            priority: table.col(&["Priority"]),
            points: table.cols(&[
                "Custom field (Story Points)",
                "Story Points",
                "Custom field (Story point estimate)",
                "Story point estimate",
            ]),
            sprints: table.cols(&["Sprint", "Custom field (Sprint)"]),
            epic_links: table.cols(&["Custom field (Epic Link)", "Epic Link"]),
            parents: table.cols(&[
                "Parent",
                "Parent id",
                "Parent key",
                "Custom field (Parent)",
                "Custom field (Parent Link)",
            ]),
            owner: table.col(&["Assignee"]),
            labels: table.cols(&["Labels"]),
            fix_versions: table.cols(&["Fix Version/s", "Fix versions", "Fix Version"]),
            components: table.cols(&["Component/s", "Components", "Component"]),
            created: table.col(&["Created"]),
            updated: table.col(&["Updated"]),
            resolved: table.col(&["Resolved", "Resolution date"]),
            description: table.col(&["Description"]),
        })
    }

    fn all(&self) -> Vec<usize> {
        let ones = [
            Some(self.key),
            Some(self.summary),
            self.issue_id,
            self.kind,
            self.status,
            self.category,
            self.resolution,
            self.priority,
            self.owner,
            self.created,
            self.updated,
            self.resolved,
            self.description,
        ];
        let many = [
            &self.points,
            &self.sprints,
            &self.epic_links,
            &self.parents,
            &self.labels,
            &self.fix_versions,
            &self.components,
        ];
        ones.into_iter()
            .flatten()
            .chain(many.into_iter().flatten().copied())
            .collect()
    }
}

fn cell(cells: &[String], col: Option<usize>) -> &str {
    col.and_then(|i| cells.get(i)).map_or("", String::as_str)
}

/// Every non-empty value of the columns, each once, in column order.
fn values(cells: &[String], cols: &[usize]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in cols.iter().map(|c| cell(cells, Some(*c))) {
        if !v.is_empty() && !out.iter().any(|o| o == v) {
            out.push(v.to_owned());
        }
    }
    out
}

/// Imports a Jira CSV export ("Export Excel CSV (all fields)" or the
/// current-fields export).
pub fn import_jira_csv(
    text: &str,
    options: &ImportOptions,
) -> Result<ImportResult, Vec<Diagnostic>> {
    let table = Table::read(text).map_err(|d| vec![d])?;
    let Some(cols) = Columns::find(&table) else {
        return Err(vec![missing(&["Issue key", "Summary"], &table)]);
    };
    let mut out = Outcome::default();
    bad_rows(&table, options, &mut out)?;
    out.used.extend(cols.all());
    // Jira Cloud's "Parent" is the parent's issue id; older exports give its key.
    let keys: BTreeMap<&str, ()> = table
        .records
        .iter()
        .map(|r| (cell(&r.cells, Some(cols.key)), ()))
        .collect();
    let key_of_id: BTreeMap<&str, &str> = table
        .records
        .iter()
        .map(|r| {
            (
                cell(&r.cells, cols.issue_id),
                cell(&r.cells, Some(cols.key)),
            )
        })
        .filter(|(id, key)| !id.is_empty() && !key.is_empty())
        .collect();
    let mut map_used = vec![false; options.status_map.len()];
    let header_line = table.first_line.saturating_sub(1).max(1);
    if cols.status.is_none() {
        out.notes.push((
            header_line,
            "the export has no `Status` column: every item is imported as backlog (or done, if it has a resolution)".to_owned(),
        ));
    }
    if cols.kind.is_none() {
        out.notes.push((
            header_line,
            "the export has no `Issue Type` column: every item is imported as a story".to_owned(),
        ));
    }
    for record in &table.records {
        let (line, c) = (record.line, &record.cells);
        let id = cell(c, Some(cols.key));
        let title = cell(c, Some(cols.summary));
        if id.is_empty() {
            out.skipped.push((line, "no Issue key".to_owned()));
            continue;
        }
        if out.repeated(id, line) {
            continue;
        }
        if title.is_empty() {
            out.skipped.push((line, format!("{id}: no Summary")));
            continue;
        }
        let cells = StatusCells {
            status: cell(c, cols.status),
            category: cell(c, cols.category),
            resolution: cell(c, cols.resolution),
        };
        let mapped = map_status(&cells, options, jira_status, &mut map_used);
        // Without a Status column the one note at the header says it.
        let has_status = cols.status.is_some();
        let Some((status, blocked)) =
            out.status(line, id, mapped, |note| has_status.then_some(note))
        else {
            continue;
        };
        let raw_kind = cell(c, cols.kind);
        let kind = jira_kind(raw_kind).unwrap_or_else(|| {
            let what = if raw_kind.is_empty() {
                "no issue type; imported as a story".to_owned()
            } else {
                format!("issue type \"{raw_kind}\" imported as a story")
            };
            if cols.kind.is_some() {
                out.note(line, id, what);
            }
            ItemKind::Story
        });
        let mut points_value = None;
        for col in &cols.points {
            let raw = cell(c, Some(*col));
            match points(raw) {
                Ok(Some(p)) => {
                    if !is_whole(raw) {
                        out.note(line, id, format!("story points {raw} rounded to {p}"));
                    }
                    points_value = Some(p);
                    break;
                }
                Ok(None) => {}
                Err(why) => out.note(line, id, why),
            }
        }
        let raw_priority = cell(c, cols.priority);
        let priority = priority(raw_priority);
        if priority.is_none() && !raw_priority.is_empty() {
            out.note(
                line,
                id,
                format!("priority \"{raw_priority}\" has no match; left out"),
            );
        }
        let mut date = |col: Option<usize>, what: &str| out.date(line, id, cell(c, col), what);
        let days = Days {
            created: date(cols.created, "Created"),
            resolved: date(cols.resolved, "Resolved"),
        };
        let updated = date(cols.updated, "Updated");
        let mut labels = values(c, &cols.labels);
        if blocked && !labels.iter().any(|l| l == "blocked") {
            labels.push("blocked".to_owned());
        }
        // Either column may hold a key or (Jira Cloud) an Issue id.
        let as_key = |v: String| -> String {
            if keys.contains_key(v.as_str()) {
                v
            } else {
                key_of_id.get(v.as_str()).map_or(v, |k| (*k).to_owned())
            }
        };
        let epic_refs = values(c, &cols.epic_links)
            .into_iter()
            .map(|k| (as_key(k), "Epic Link"))
            .collect();
        let parent_refs = values(c, &cols.parents)
            .into_iter()
            .map(|p| (as_key(p), "Parent"))
            .collect();
        out.rows.push(Row {
            id: id.to_owned(),
            title: title.to_owned(),
            kind: kind.as_str(),
            status: status.as_str(),
            points: points_value,
            priority: priority.map(Priority::as_str),
            owner: nonempty(cell(c, cols.owner)),
            labels,
            fix_versions: values(c, &cols.fix_versions),
            components: values(c, &cols.components),
            created: days.created.and_then(toml_day),
            updated: updated.and_then(toml_day),
            resolved: days.resolved.and_then(toml_day),
            description: nonempty(&cell(c, cols.description).replace("\r\n", "\n")),
            line,
            epic_refs,
            parent_refs,
            sprint_names: cols
                .sprints
                .iter()
                .map(|s| cell(c, Some(*s)))
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            days,
            ..Row::default()
        });
    }
    unused_map_entries(options, &map_used, &mut out);
    out.finish(
        &table.header,
        (table.first_line, table.last_line),
        options.team.as_deref(),
        "Jira",
    )
}

pub(super) fn nonempty(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}

/// A `--status-map` entry no row used is most likely a typo: say so.
pub(super) fn unused_map_entries(options: &ImportOptions, used: &[bool], out: &mut Outcome) {
    for ((name, _), used) in options.status_map.iter().zip(used) {
        if !used {
            out.notes.push((
                0,
                format!(
                    "--status-map entry \"{name}\" matched no status or resolution in the export"
                ),
            ));
        }
    }
}
