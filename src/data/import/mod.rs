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

use std::collections::BTreeSet;

use serde::Serialize;

use super::{ItemKind, Priority};
use crate::error::{Diagnostic, Kind};

mod jira;
mod linear;

pub use jira::import_jira_csv;
pub use linear::import_linear_csv;

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
pub(super) struct Row {
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
pub(super) struct Table {
    header: Vec<String>,
    records: Vec<(usize, Vec<String>)>,
}

impl Table {
    pub(super) fn read(text: &str) -> Result<Table, Diagnostic> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut rows = Vec::new();
        for record in reader.records() {
            let record =
                record.map_err(|e| Diagnostic::error(Kind::Data, format!("invalid CSV: {e}")))?;
            let line = record.position().map_or(0, |p| p.line() as usize);
            rows.push((
                line,
                record
                    .iter()
                    .map(|f| f.trim().to_owned())
                    .collect::<Vec<_>>(),
            ));
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
    pub(super) fn col(&self, names: &[&str]) -> Option<usize> {
        names
            .iter()
            .find_map(|n| self.header.iter().position(|h| h.eq_ignore_ascii_case(n)))
    }

    /// Every column named `name`: Jira repeats Sprint and Labels.
    pub(super) fn cols(&self, names: &[&str]) -> Vec<usize> {
        (0..self.header.len())
            .filter(|i| {
                names
                    .iter()
                    .any(|n| self.header[*i].eq_ignore_ascii_case(n))
            })
            .collect()
    }
}

pub(super) fn missing(required: &[&str], table: &Table) -> Diagnostic {
    let absent: Vec<String> = required
        .iter()
        .filter(|r| table.col(&[r]).is_none())
        .map(|r| format!("`{r}`"))
        .collect();
    let noun = if absent.len() == 1 {
        "column"
    } else {
        "columns"
    };
    Diagnostic::error(
        Kind::Data,
        format!("the CSV has no {noun} {}", absent.join(", ")),
    )
    .with_help(format!("columns present: {}", table.header.join(", ")))
}

pub(super) fn cell(record: &[String], col: Option<usize>) -> &str {
    col.and_then(|i| record.get(i)).map_or("", String::as_str)
}

pub(super) fn nonempty(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}

/// The last run of digits in `text`: "Team Sprint 24" -> 24.
pub(super) fn trailing_number(text: &str) -> Option<u32> {
    let end = text.rfind(|c: char| c.is_ascii_digit())? + 1;
    let start = text[..end]
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    text[start..end].parse().ok()
}

/// Story points as a whole number, rounding halves up.
pub(super) fn points(text: &str, line: usize, notes: &mut Vec<(usize, String)>) -> Option<u32> {
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
            notes.push((
                line,
                format!("story points \"{text}\" are not a number; left out"),
            ));
            None
        }
    }
}

pub(super) fn priority(word: &str) -> Option<Priority> {
    match word.to_ascii_lowercase().as_str() {
        "highest" | "blocker" | "critical" | "urgent" => Some(Priority::Highest),
        "high" | "major" => Some(Priority::High),
        "medium" | "normal" => Some(Priority::Medium),
        "low" | "minor" => Some(Priority::Low),
        "lowest" | "trivial" => Some(Priority::Lowest),
        _ => None,
    }
}

#[derive(Default)]
pub(super) struct Outcome {
    rows: Vec<Row>,
    seen: BTreeSet<String>,
    skipped: Vec<(usize, String)>,
    notes: Vec<(usize, String)>,
}

impl Outcome {
    pub(super) fn push(&mut self, mut row: Row) {
        if !self.seen.insert(row.id.clone()) {
            self.skipped.push((
                row.line,
                format!("{}: the key appears twice; kept the first", row.id),
            ));
            return;
        }
        row.rank = u32::try_from(self.rows.len() + 1).unwrap_or(u32::MAX);
        self.rows.push(row);
    }

    /// Drops epic links that name no epic of the export (the backlog would
    /// not validate) and writes the TOML.
    pub(super) fn finish(
        mut self,
        team: Option<&str>,
        tracker: &str,
    ) -> Result<ImportResult, Diagnostic> {
        let epics: BTreeSet<String> = self
            .rows
            .iter()
            .filter(|r| r.kind == ItemKind::Epic.as_str())
            .map(|r| r.id.clone())
            .collect();
        for row in &mut self.rows {
            if let Some(epic) = row.epic.take_if(|e| !epics.contains(e.as_str())) {
                let note = format!(
                    "{}: epic/parent {epic} is not an epic in this export; left out",
                    row.id
                );
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
mod tests;
