//! Linear's CSV export: "ID", "Title", "Description", "Status", "Estimate",
//! "Priority", "Labels" (comma-joined in one cell), "Cycle Number" / "Cycle
//! Name", "Parent issue", "Assignee", "Created", "Updated", "Completed" and
//! "Canceled".

use super::jira::{nonempty, unused_map_entries};
use super::outcome::Outcome;
use super::values::{StatusCells, is_whole, map_status, points, priority, toml_day};
use super::{Days, ImportOptions, ImportResult, Row, Table, bad_rows, missing};
use crate::data::{ItemKind, Priority, Status};
use crate::error::Diagnostic;

fn linear_status(status: &str) -> Option<Status> {
    match status {
        "backlog" | "triage" => Some(Status::Backlog),
        "todo" | "to do" | "unstarted" => Some(Status::Ready),
        "in progress" | "started" => Some(Status::InProgress),
        "in review" => Some(Status::Review),
        "done" | "completed" => Some(Status::Done),
        _ => None,
    }
}

/// Imports a Linear CSV export. Linear's issues have no kind: a `Bug` label
/// makes a bug, anything else a story. `Parent issue` becomes `parent`;
/// `Project` is reported as not mapped (no epic in Linear's export).
pub fn import_linear_csv(
    text: &str,
    options: &ImportOptions,
) -> Result<ImportResult, Vec<Diagnostic>> {
    let table = Table::read(text).map_err(|d| vec![d])?;
    let (Some(key), Some(title_col)) = (table.col(&["ID"]), table.col(&["Title"])) else {
        return Err(vec![missing(&["ID", "Title"], &table)]);
    };
    let mut out = Outcome::default();
    bad_rows(&table, options, &mut out)?;
    let status_col = table.col(&["Status"]);
    let estimate_col = table.col(&["Estimate"]);
    let priority_col = table.col(&["Priority"]);
    let labels_col = table.col(&["Labels"]);
    let cycle_number = table.col(&["Cycle Number"]);
    let cycle_name = table.col(&["Cycle Name", "Cycle"]);
    let parent_col = table.col(&["Parent issue", "Parent"]);
    let owner_col = table.col(&["Assignee"]);
    let description_col = table.col(&["Description"]);
    let created_col = table.col(&["Created"]);
    let updated_col = table.col(&["Updated"]);
    let completed_col = table.col(&["Completed"]);
    let canceled_col = table.col(&["Canceled"]);
    out.used.extend(
        [
            Some(key),
            Some(title_col),
            status_col,
            estimate_col,
            priority_col,
            labels_col,
            cycle_number,
            cycle_name,
            parent_col,
            owner_col,
            description_col,
            created_col,
            updated_col,
            completed_col,
            canceled_col,
        ]
        .into_iter()
        .flatten(),
    );
    let mut map_used = vec![false; options.status_map.len()];
    if status_col.is_none() {
        out.notes.push((
            table.first_line.saturating_sub(1).max(1),
            "the export has no `Status` column: every item is imported as backlog (or done, if it has a Completed date)".to_owned(),
        ));
    }
    for record in &table.records {
        let (line, c) = (record.line, &record.cells);
        let cell = |col: Option<usize>| col.and_then(|i| c.get(i)).map_or("", String::as_str);
        let (id, title) = (cell(Some(key)), cell(Some(title_col)));
        if id.is_empty() {
            out.skipped.push((line, "no ID".to_owned()));
            continue;
        }
        if out.repeated(id, line) {
            continue;
        }
        if title.is_empty() {
            out.skipped.push((line, format!("{id}: no Title")));
            continue;
        }
        // Linear has no status category: a Completed or Canceled date says it.
        let category = if !cell(canceled_col).is_empty() {
            "canceled"
        } else if !cell(completed_col).is_empty() {
            "done"
        } else {
            ""
        };
        let cells = StatusCells {
            status: cell(status_col),
            category: if category == "canceled" { "" } else { category },
            resolution: if category == "canceled" {
                "Canceled"
            } else {
                ""
            },
        };
        let mapped = map_status(&cells, options, linear_status, &mut map_used);
        let has_status = status_col.is_some();
        let Some((status, blocked)) = out.status(line, id, mapped, |note| {
            has_status.then(|| note.replace("Status Category", "Completed date"))
        }) else {
            continue;
        };
        let mut labels: Vec<String> = Vec::new();
        for l in cell(labels_col)
            .split(',')
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            if !labels.iter().any(|o| o == l) {
                labels.push(l.to_owned());
            }
        }
        if blocked && !labels.iter().any(|l| l == "blocked") {
            labels.push("blocked".to_owned());
        }
        let kind = if labels.iter().any(|l| l.eq_ignore_ascii_case("bug")) {
            ItemKind::Bug
        } else {
            ItemKind::Story
        };
        let raw_estimate = cell(estimate_col);
        let points = match points(raw_estimate) {
            Ok(p) => {
                if p.is_some() && !is_whole(raw_estimate) {
                    out.note(
                        line,
                        id,
                        format!("estimate {raw_estimate} rounded to {}", p.unwrap_or(0)),
                    );
                }
                p
            }
            Err(why) => {
                out.note(line, id, why.replace("story points", "estimate"));
                None
            }
        };
        let mut date = |col: Option<usize>, what: &str| out.date(line, id, cell(col), what);
        let days = Days {
            created: date(created_col, "Created"),
            resolved: date(completed_col, "Completed"),
        };
        let updated = date(updated_col, "Updated");
        // "Cycle Number" is the number; "Cycle Name" names it for the goal.
        let (number, name) = (cell(cycle_number), cell(cycle_name));
        let sprint_name = match (number.is_empty(), name.is_empty()) {
            (true, true) => None,
            (false, true) => Some(format!("Cycle {number}")),
            (true, false) => Some(name.to_owned()),
            (false, false) if name.ends_with(number) => Some(name.to_owned()),
            (false, false) => Some(format!("{name} (cycle {number})")),
        };
        let raw_priority = cell(priority_col);
        let priority = priority(raw_priority);
        if priority.is_none()
            && !raw_priority.is_empty()
            && !raw_priority.eq_ignore_ascii_case("no priority")
        {
            out.note(
                line,
                id,
                format!("priority \"{raw_priority}\" has no match; left out"),
            );
        }
        out.rows.push(Row {
            id: id.to_owned(),
            title: title.to_owned(),
            kind: kind.as_str(),
            status: status.as_str(),
            points,
            priority: priority.map(Priority::as_str),
            owner: nonempty(cell(owner_col)),
            labels,
            created: days.created.and_then(toml_day),
            updated: updated.and_then(toml_day),
            resolved: days.resolved.and_then(toml_day),
            description: nonempty(&cell(description_col).replace("\r\n", "\n")),
            line,
            parent_refs: nonempty(cell(parent_col))
                .map(|p| (p, "Parent issue"))
                .into_iter()
                .collect(),
            sprint_names: sprint_name.into_iter().collect(),
            days,
            ..Row::default()
        });
    }
    unused_map_entries(options, &map_used, &mut out);
    out.finish(
        &table.header,
        (table.first_line, table.last_line),
        options.team.as_deref(),
        "Linear",
    )
}
