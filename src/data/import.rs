//! Turning an issue tracker's CSV export into a backlog file.
//!
//! [`import_jira_csv`] maps Jira's usual columns (Issue key, Summary, Issue
//! Type, Status, Priority, Story Points, Sprint, Epic Link / Parent,
//! Assignee, Labels) to backlog fields; [`import_linear_csv`] does the same
//! for Linear (ID, Title, Status, Estimate, Priority, Labels, Cycle). Rank is
//! the export's row order. Rows that cannot become an item (no key, an
//! unknown status, a repeated key) are listed in `skipped` with their CSV
//! line; values dropped or guessed on rows that were kept are in `notes`.
//! The result is TOML text for the caller to write; this module does no I/O.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{ItemKind, Priority, Status};
use crate::error::{Diagnostic, Kind};

/// A backlog file made from an export, and what could not be mapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportResult {
    /// The backlog as TOML (`schema = "backlog"`, one `[[item]]` per row).
    pub toml: String,
    /// How many items it holds.
    pub items: usize,
    /// Rows left out: (CSV line, reason).
    pub skipped: Vec<(usize, String)>,
    /// Rows kept with a value dropped or guessed: (CSV line, what happened).
    pub notes: Vec<(usize, String)>,
}

/// Detects the tracker by its header (Jira: `Issue key`; Linear: `ID` and
/// `Title`) and imports accordingly.
pub fn import_csv(text: &str, team: Option<&str>) -> Result<ImportResult, Diagnostic> {
    let table = Table::read(text)?;
    if table.col(&["Issue key"]).is_some() {
        import_jira_csv(text, team)
    } else if table.col(&["ID"]).is_some() && table.col(&["Title"]).is_some() {
        import_linear_csv(text, team)
    } else {
        Err(missing(&["Issue key", "Summary"], &table))
    }
}

#[derive(Serialize)]
struct Doc<'a> {
    schema: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    team: Option<&'a str>,
    item: Vec<Row>,
}

#[derive(Debug, Serialize)]
struct Row {
    id: String,
    title: String,
    kind: &'static str,
    status: &'static str,
    rank: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    points: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    epic: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sprint: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    priority: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    labels: Vec<String>,
    #[serde(skip)]
    line: usize,
}

/// The CSV's header and records, each record with its line.
struct Table {
    header: Vec<String>,
    records: Vec<(usize, Vec<String>)>,
}

impl Table {
    fn read(text: &str) -> Result<Table, Diagnostic> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| Diagnostic::error(Kind::Data, format!("invalid CSV: {e}")))?;
            let line = record.position().map_or(0, |p| p.line() as usize);
            rows.push((line, record.iter().map(|f| f.trim().to_owned()).collect::<Vec<_>>()));
        }
        let mut rows = rows.into_iter();
        let Some((_, header)) = rows.next() else {
            return Err(Diagnostic::error(Kind::Data, "the CSV file is empty")
                .with_help("export the issues with their header row"));
        };
        Ok(Table {
            header,
            records: rows.collect(),
        })
    }

    /// The first column named any of `names` (case-insensitive).
    fn col(&self, names: &[&str]) -> Option<usize> {
        names
            .iter()
            .find_map(|n| self.header.iter().position(|h| h.eq_ignore_ascii_case(n)))
    }

    /// Every column named `name`: Jira repeats Sprint and Labels.
    fn cols(&self, names: &[&str]) -> Vec<usize> {
        (0..self.header.len())
            .filter(|i| names.iter().any(|n| self.header[*i].eq_ignore_ascii_case(n)))
            .collect()
    }
}

fn missing(required: &[&str], table: &Table) -> Diagnostic {
    let absent: Vec<String> = required
        .iter()
        .filter(|r| table.col(&[r]).is_none())
        .map(|r| format!("`{r}`"))
        .collect();
    let noun = if absent.len() == 1 { "column" } else { "columns" };
    Diagnostic::error(Kind::Data, format!("the CSV has no {noun} {}", absent.join(", ")))
        .with_help(format!("columns present: {}", table.header.join(", ")))
}

fn cell(record: &[String], col: Option<usize>) -> &str {
    col.and_then(|i| record.get(i)).map_or("", String::as_str)
}

fn nonempty(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}

/// The last run of digits in `text`: "Team Sprint 24" -> 24.
fn trailing_number(text: &str) -> Option<u32> {
    let end = text.rfind(|c: char| c.is_ascii_digit())? + 1;
    let start = text[..end]
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    text[start..end].parse().ok()
}

/// Story points as a whole number, rounding halves up.
fn points(text: &str, line: usize, notes: &mut Vec<(usize, String)>) -> Option<u32> {
    if text.is_empty() {
        return None;
    }
    match text.parse::<f64>() {
        Ok(p) if p >= 0.0 && p.is_finite() => {
            let whole = p.round() as u32;
            if p.fract() != 0.0 {
                notes.push((line, format!("story points {text} rounded to {whole}")));
            }
            Some(whole)
        }
        _ => {
            notes.push((line, format!("story points \"{text}\" are not a number; left out")));
            None
        }
    }
}

fn jira_status(status: &str, category: &str) -> Option<(Status, bool)> {
    let exact = match status.to_ascii_lowercase().as_str() {
        "to do" | "todo" | "open" | "backlog" | "new" | "reopened" => Some(Status::Backlog),
        "selected for development" | "ready" | "ready for development" | "ready for dev" => Some(Status::Ready),
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

fn priority(word: &str) -> Option<Priority> {
    match word.to_ascii_lowercase().as_str() {
        "highest" | "blocker" | "critical" | "urgent" => Some(Priority::Highest),
        "high" | "major" => Some(Priority::High),
        "medium" | "normal" => Some(Priority::Medium),
        "low" | "minor" => Some(Priority::Low),
        "lowest" | "trivial" => Some(Priority::Lowest),
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
    let epic_col = table.col(&["Custom field (Epic Link)", "Epic Link", "Parent", "Parent key"]);
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
            let what = if id.is_empty() { "Issue key" } else { "Summary" };
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
            let note = format!("{id}: status \"{raw_status}\" mapped to {} by its category", status.as_str());
            out.notes.push((line, note));
        }
        let raw_kind = cell(record, kind_col);
        let kind = jira_kind(raw_kind).unwrap_or_else(|| {
            out.notes.push((line, format!("{id}: issue type \"{raw_kind}\" imported as a story")));
            ItemKind::Story
        });
        let sprint_text = sprint_cols
            .iter()
            .map(|c| cell(record, Some(*c)))
            .rfind(|s| !s.is_empty())
            .unwrap_or("");
        let sprint = trailing_number(sprint_text);
        if sprint.is_none() && !sprint_text.is_empty() {
            out.notes.push((line, format!("{id}: sprint \"{sprint_text}\" has no number; left out")));
        }
        let mut epic = cell(record, epic_col).to_owned();
        if epic.is_empty() {
            let parent = cell(record, parent_id_col);
            epic = keys_by_id.get(parent).map_or(String::new(), |k| (*k).to_owned());
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
            out.notes.push((line, format!("{id}: priority \"{raw_priority}\" has no match; left out")));
        }
        out.push(row);
    }
    out.finish(team, "Jira")
}

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
                out.skipped.push((line, format!("{id}: status \"{raw}\" is not imported")));
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

#[derive(Default)]
struct Outcome {
    rows: Vec<Row>,
    seen: BTreeSet<String>,
    skipped: Vec<(usize, String)>,
    notes: Vec<(usize, String)>,
}

impl Outcome {
    fn push(&mut self, mut row: Row) {
        if !self.seen.insert(row.id.clone()) {
            self.skipped.push((row.line, format!("{}: the key appears twice; kept the first", row.id)));
            return;
        }
        row.rank = u32::try_from(self.rows.len() + 1).unwrap_or(u32::MAX);
        self.rows.push(row);
    }

    /// Drops epic links that name no epic of the export (the backlog would
    /// not validate) and writes the TOML.
    fn finish(mut self, team: Option<&str>, tracker: &str) -> Result<ImportResult, Diagnostic> {
        let epics: BTreeSet<String> = self
            .rows
            .iter()
            .filter(|r| r.kind == ItemKind::Epic.as_str())
            .map(|r| r.id.clone())
            .collect();
        for row in &mut self.rows {
            if let Some(epic) = row.epic.take_if(|e| !epics.contains(e.as_str())) {
                let note = format!("{}: epic/parent {epic} is not an epic in this export; left out", row.id);
                self.notes.push((row.line, note));
            }
        }
        let items = self.rows.len();
        let doc = Doc {
            schema: "backlog",
            team,
            item: self.rows,
        };
        let body = toml::to_string(&doc)
            .map_err(|e| Diagnostic::error(Kind::Data, format!("cannot write the backlog: {e}")))?;
        let toml = format!(
            "# Imported from a {tracker} CSV export by `rolebook import`.\n\
             # Rank is the export's row order; rolebook checks this file on every build.\n{body}"
        );
        self.notes.sort();
        Ok(ImportResult {
            toml,
            items,
            skipped: self.skipped,
            notes: self.notes,
        })
    }
}

#[cfg(test)]
#[path = "import_tests.rs"]
mod tests;
