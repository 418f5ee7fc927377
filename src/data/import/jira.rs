//! Jira's CSV export: "Issue key", "Summary", "Issue Type", "Status" (or
//! its "Status Category"), "Priority", story points, the repeated "Sprint"
//! and "Labels" columns, "Epic Link" / "Parent" / "Parent id", "Assignee".

use std::collections::BTreeMap;

use super::{
    ImportResult, Outcome, Row, Table, cell, missing, nonempty, points, priority, trailing_number,
};
use crate::data::{ItemKind, Priority, Status};
use crate::error::Diagnostic;

fn jira_status(status: &str, category: &str) -> Option<(Status, bool)> {
    let exact = match status.to_ascii_lowercase().as_str() {
        "to do" | "todo" | "open" | "backlog" | "new" | "reopened" => Some(Status::Backlog),
        "selected for development" | "ready" | "ready for development" | "ready for dev" => {
            Some(Status::Ready)
        }
        "in progress" | "in development" | "doing" => Some(Status::InProgress),
        "in review" | "code review" | "review" | "in qa" | "qa" | "testing" => Some(Status::Review),
        "done" | "closed" | "resolved" => Some(Status::Done),
        _ => None,
    };
    if let Some(s) = exact {
        return Some((s, false));
    }
    let guessed = match category.to_ascii_lowercase().as_str() {
        "to do" | "new" => Some(Status::Backlog),
        "in progress" | "indeterminate" => Some(Status::InProgress),
        "done" | "complete" => Some(Status::Done),
        _ => None,
    };
    guessed.map(|s| (s, true))
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

/// Imports a Jira CSV export ("Export Excel CSV (all fields)" or the
/// current-fields export).
pub fn import_jira_csv(text: &str, team: Option<&str>) -> Result<ImportResult, Diagnostic> {
    let table = Table::read(text)?;
    let (key, summary) = match (table.col(&["Issue key"]), table.col(&["Summary"])) {
        (Some(k), Some(s)) => (k, s),
        _ => return Err(missing(&["Issue key", "Summary"], &table)),
    };
    let kind_col = table.col(&["Issue Type"]);
    let status_col = table.col(&["Status"]);
    let category_col = table.col(&["Status Category"]);
    let priority_col = table.col(&["Priority"]);
    let points_col = table.col(&[
        "Custom field (Story Points)",
        "Story Points",
        "Custom field (Story point estimate)",
        "Story point estimate",
    ]);
    let sprint_cols = table.cols(&["Sprint", "Custom field (Sprint)"]);
    let epic_col = table.col(&[
        "Custom field (Epic Link)",
        "Epic Link",
        "Parent",
        "Parent key",
    ]);
    let parent_id_col = table.col(&["Parent id"]);
    let issue_id_col = table.col(&["Issue id"]);
    let owner_col = table.col(&["Assignee"]);
    let label_cols = table.cols(&["Labels"]);
    // Jira's "Parent id" is the parent's numeric id, not its key.
    let keys_by_id: BTreeMap<&str, &str> = table
        .records
        .iter()
        .map(|(_, r)| (cell(r, issue_id_col), cell(r, Some(key))))
        .filter(|(id, _)| !id.is_empty())
        .collect();
    let mut out = Outcome::default();
    for (line, record) in &table.records {
        let line = *line;
        if record.iter().all(String::is_empty) {
            continue;
        }
        let id = cell(record, Some(key));
        let title = cell(record, Some(summary));
        if id.is_empty() || title.is_empty() {
            let what = if id.is_empty() {
                "Issue key"
            } else {
                "Summary"
            };
            out.skipped.push((line, format!("no {what}")));
            continue;
        }
        let raw_status = cell(record, status_col);
        let Some((status, guessed)) = jira_status(raw_status, cell(record, category_col)) else {
            out.skipped.push((
                line,
                format!("{id}: status \"{raw_status}\" has no match (expected To Do, Selected for Development, In Progress, In Review, Done, or a Status Category)"),
            ));
            continue;
        };
        if guessed {
            let note = format!(
                "{id}: status \"{raw_status}\" mapped to {} by its category",
                status.as_str()
            );
            out.notes.push((line, note));
        }
        let raw_kind = cell(record, kind_col);
        let kind = jira_kind(raw_kind).unwrap_or_else(|| {
            out.notes.push((
                line,
                format!("{id}: issue type \"{raw_kind}\" imported as a story"),
            ));
            ItemKind::Story
        });
        let sprint_text = sprint_cols
            .iter()
            .map(|c| cell(record, Some(*c)))
            .rfind(|s| !s.is_empty())
            .unwrap_or("");
        let sprint = trailing_number(sprint_text);
        if sprint.is_none() && !sprint_text.is_empty() {
            out.notes.push((
                line,
                format!("{id}: sprint \"{sprint_text}\" has no number; left out"),
            ));
        }
        let mut epic = cell(record, epic_col).to_owned();
        if epic.is_empty() {
            let parent = cell(record, parent_id_col);
            epic = keys_by_id
                .get(parent)
                .map_or(String::new(), |k| (*k).to_owned());
        }
        let raw_priority = cell(record, priority_col);
        let row = Row {
            id: id.to_owned(),
            title: title.to_owned(),
            kind: kind.as_str(),
            status: status.as_str(),
            rank: 0,
            points: points(cell(record, points_col), line, &mut out.notes),
            epic: nonempty(&epic),
            sprint,
            priority: priority(raw_priority).map(Priority::as_str),
            owner: nonempty(cell(record, owner_col)),
            labels: label_cols
                .iter()
                .map(|c| cell(record, Some(*c)))
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            line,
        };
        if row.priority.is_none() && !raw_priority.is_empty() {
            out.notes.push((
                line,
                format!("{id}: priority \"{raw_priority}\" has no match; left out"),
            ));
        }
        out.push(row);
    }
    out.finish(team, "Jira")
}
