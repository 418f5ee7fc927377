//! Linear's CSV export: "ID", "Title", "Status", "Estimate", "Priority",
//! "Labels" (comma-separated in one cell), "Cycle Number", "Assignee".

use super::{
    ImportResult, Outcome, Row, Table, cell, missing, nonempty, points, priority, trailing_number,
};
use crate::data::{ItemKind, Priority, Status};
use crate::error::Diagnostic;

/// Imports a Linear CSV export. Linear has no epics: `Project` is noted,
/// not mapped; a `Bug` label makes the item a bug.
pub fn import_linear_csv(text: &str, team: Option<&str>) -> Result<ImportResult, Diagnostic> {
    let table = Table::read(text)?;
    let (key, title_col) = match (table.col(&["ID"]), table.col(&["Title"])) {
        (Some(k), Some(t)) => (k, t),
        _ => return Err(missing(&["ID", "Title"], &table)),
    };
    let status_col = table.col(&["Status"]);
    let estimate_col = table.col(&["Estimate"]);
    let priority_col = table.col(&["Priority"]);
    let labels_col = table.col(&["Labels"]);
    let cycle_col = table.col(&["Cycle Number", "Cycle", "Cycle Name"]);
    let owner_col = table.col(&["Assignee"]);
    let mut out = Outcome::default();
    for (line, record) in &table.records {
        let line = *line;
        let (id, title) = (cell(record, Some(key)), cell(record, Some(title_col)));
        if id.is_empty() || title.is_empty() {
            out.skipped.push((line, "no ID or Title".to_owned()));
            continue;
        }
        let raw = cell(record, status_col);
        let status = match raw.to_ascii_lowercase().as_str() {
            "backlog" | "triage" => Status::Backlog,
            "todo" | "to do" | "unstarted" => Status::Ready,
            "in progress" | "started" => Status::InProgress,
            "in review" => Status::Review,
            "done" | "completed" => Status::Done,
            _ => {
                out.skipped
                    .push((line, format!("{id}: status \"{raw}\" is not imported")));
                continue;
            }
        };
        let labels: Vec<String> = cell(record, labels_col)
            .split(',')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        let kind = if labels.iter().any(|l| l.eq_ignore_ascii_case("bug")) {
            ItemKind::Bug
        } else {
            ItemKind::Story
        };
        let points = points(cell(record, estimate_col), line, &mut out.notes);
        out.push(Row {
            id: id.to_owned(),
            title: title.to_owned(),
            kind: kind.as_str(),
            status: status.as_str(),
            rank: 0,
            points,
            epic: None,
            sprint: trailing_number(cell(record, cycle_col)),
            priority: priority(cell(record, priority_col)).map(Priority::as_str),
            owner: nonempty(cell(record, owner_col)),
            labels,
            line,
        });
    }
    out.finish(team, "Linear")
}
