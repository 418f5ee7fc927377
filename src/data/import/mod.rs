//! Turning an issue tracker's CSV export into a backlog file and a sprints
//! file, losing nothing silently.
//!
//! [`import_jira_csv`] and [`import_linear_csv`] read every column that can
//! carry a value or a relation, on every row: epic links, parents (by key
//! or by issue id), sub-task parents, the repeated Sprint, Labels, Fix
//! Version/s and Component/s columns, dates and descriptions. Statuses map
//! through the user's `--status-map`, then the built-in names, then the
//! Status Category; cancelled work (Won't Do, Duplicate, Canceled...) is
//! dropped by default so it never counts as done. Every row ends up in the
//! backlog, in `dropped` (with its reason) or in `skipped` (malformed or
//! without a key), each with the real line of the file. Values dropped or
//! guessed on the rows kept are `notes`. The result is TOML text for the
//! caller to write; this module's only I/O is [`write`].

use serde::Serialize;

use super::decode::Choice;
use super::{ItemKind, Status};
use crate::error::{Diagnostic, Kind, Location};

mod jira;
mod linear;
mod outcome;
mod table;
mod values;
pub mod write;

pub use jira::import_jira_csv;
pub use linear::import_linear_csv;
pub use table::decode;

use outcome::Outcome;
pub use outcome::column_list;
use table::Table;

/// What the user asked for besides the file.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Written as the backlog's `team`.
    pub team: Option<String>,
    /// `--status-map` entries: tracker status (or resolution) name, lowercased,
    /// and where it goes.
    pub status_map: Vec<(String, Target)>,
    /// Skip malformed rows (listing each) instead of failing.
    pub skip_bad_rows: bool,
}

/// Where a `--status-map` entry sends a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Status(Status),
    /// In progress, with a `blocked` label: the board has no blocked column.
    Blocked,
    /// Left out of the backlog and listed in the report.
    Dropped,
}

impl ImportOptions {
    /// Parses `--status-map` values: `"Won't Do=dropped,Waiting for customer=blocked"`.
    /// Each flag may hold several entries separated by commas.
    pub fn parse_status_map(values: &[String]) -> Result<Vec<(String, Target)>, Diagnostic> {
        let allowed = "backlog, ready, in-progress, review, done, blocked, dropped";
        let mut out = Vec::new();
        for entry in values.iter().flat_map(|v| v.split(',')) {
            if entry.trim().is_empty() {
                continue;
            }
            let Some((name, target)) = entry.rsplit_once('=') else {
                return Err(Diagnostic::error(
                    Kind::Data,
                    format!("--status-map entry `{}` has no `=`", entry.trim()),
                )
                .with_help(format!(
                    "write `Tracker status=target`, e.g. \"Won't Do=dropped\"; targets: {allowed}"
                )));
            };
            let (name, word) = (name.trim(), target.trim().to_ascii_lowercase());
            let target = match word.as_str() {
                "dropped" | "drop" => Target::Dropped,
                "blocked" => Target::Blocked,
                w => match <Status as Choice>::parse(w) {
                    Some(s) => Target::Status(s),
                    None => {
                        return Err(Diagnostic::error(
                            Kind::Data,
                            format!(
                                "--status-map target `{}` for \"{name}\" is not known",
                                target.trim()
                            ),
                        )
                        .with_help(format!("targets: {allowed}")));
                    }
                },
            };
            if name.is_empty() {
                return Err(Diagnostic::error(
                    Kind::Data,
                    format!("--status-map entry `{}` has no status name", entry.trim()),
                ));
            }
            out.push((name.to_lowercase(), target));
        }
        Ok(out)
    }
}

/// One row left out of the backlog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    pub line: usize,
    pub key: String,
    pub reason: String,
}

/// A backlog file (and a sprints file) made from an export, and a full
/// account of what happened to each row and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportResult {
    /// The backlog as TOML (`schema = "backlog"`, one `[[item]]` per row).
    pub toml: String,
    /// The sprints as TOML, when any row names a numbered sprint.
    pub sprints_toml: Option<String>,
    /// How many items the backlog holds.
    pub items: usize,
    /// How many sprints the sprints file holds.
    pub sprints: usize,
    /// Data rows in the file: items + dropped + skipped.
    pub rows: usize,
    /// The first data line (after the header) and the last line that
    /// holds data.
    pub first_line: usize,
    pub last_line: usize,
    /// Rows left out on purpose (cancelled work, a status mapped to
    /// `dropped`), with their line, key and reason.
    pub dropped: Vec<Dropped>,
    /// Rows that could not be read or have no key: (line, reason).
    pub skipped: Vec<(usize, String)>,
    /// Rows kept with a value dropped or guessed: (line, what happened),
    /// each naming the issue key.
    pub notes: Vec<(usize, String)>,
    /// Columns read, in file order (repeated names once, with a count).
    pub columns_used: Vec<String>,
    /// Columns not read.
    pub columns_ignored: Vec<String>,
    /// What to check by hand in the files written.
    pub check_by_hand: Vec<String>,
    /// Done points in the backlog (items of kind other than epic).
    pub done_points: u64,
}

/// Detects the tracker by its header (Jira: `Issue key`; Linear: `ID` and
/// `Title`) and imports accordingly.
pub fn import_csv(text: &str, options: &ImportOptions) -> Result<ImportResult, Vec<Diagnostic>> {
    let table = Table::read(text).map_err(|d| vec![d])?;
    if table.col(&["Issue key"]).is_some() {
        import_jira_csv(text, options)
    } else if table.col(&["ID"]).is_some() && table.col(&["Title"]).is_some() {
        import_linear_csv(text, options)
    } else {
        Err(vec![missing(&["Issue key", "Summary"], &table)])
    }
}

/// A row as it will be written, with the relations still to resolve.
#[derive(Debug, Default, Serialize)]
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
    parent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sprint: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    earlier_sprints: Vec<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    priority: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    labels: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fix_versions: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    components: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created: Option<toml::value::Datetime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<toml::value::Datetime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resolved: Option<toml::value::Datetime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    /// The file line of the row.
    #[serde(skip)]
    line: usize,
    /// Epic keys named by the row (Epic Link), strongest first.
    #[serde(skip)]
    epic_refs: Vec<(String, &'static str)>,
    /// Parent keys named by the row (Parent, Parent id...), resolved from ids.
    #[serde(skip)]
    parent_refs: Vec<(String, &'static str)>,
    /// Sprint names in column order; the last is the current sprint.
    #[serde(skip)]
    sprint_names: Vec<String>,
    /// Dates as days, for the sprints file.
    #[serde(skip)]
    days: Days,
}

#[derive(Debug, Default, Clone, Copy)]
struct Days {
    created: Option<chrono::NaiveDate>,
    resolved: Option<chrono::NaiveDate>,
}

impl Row {
    fn is_epic(&self) -> bool {
        self.kind == ItemKind::Epic.as_str()
    }
}

/// The error for a missing required column, with the columns present.
fn missing(required: &[&str], table: &Table) -> Diagnostic {
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
    .at(Location::new("", 1, 0))
    .with_help(format!("columns present: {}", shorten(&table.header, 20)))
}

/// The first `n` names joined, then how many more.
fn shorten(names: &[String], n: usize) -> String {
    let shown: Vec<&str> = names.iter().take(n).map(String::as_str).collect();
    if names.len() > n {
        format!("{} and {} more", shown.join(", "), names.len() - n)
    } else {
        shown.join(", ")
    }
}

/// Malformed rows listed one by one before the rest are counted.
const MAX_ROW_ERRORS: usize = 100;

/// Malformed rows: errors at their lines, or skipped rows when the user
/// asked for that.
fn bad_rows(
    table: &Table,
    options: &ImportOptions,
    out: &mut Outcome,
) -> Result<(), Vec<Diagnostic>> {
    if table.bad.is_empty() {
        return Ok(());
    }
    if options.skip_bad_rows {
        for b in &table.bad {
            out.skipped
                .push((b.line, format!("malformed row: {}", b.reason)));
        }
        return Ok(());
    }
    let mut errors: Vec<Diagnostic> = table
        .bad
        .iter()
        .take(MAX_ROW_ERRORS)
        .map(|b| {
            Diagnostic::error(Kind::Data, format!("malformed CSV row: {}", b.reason))
                .at(Location::new("", b.line, 0))
                .with_help(
                    "fix the row, or pass --skip-bad-rows to import the other rows and list this one",
                )
        })
        .collect();
    if table.bad.len() > MAX_ROW_ERRORS {
        let more = table.bad.len() - MAX_ROW_ERRORS;
        errors.push(
            Diagnostic::error(
                Kind::Data,
                format!(
                    "{more} more malformed rows, the first at line {}",
                    table.bad[MAX_ROW_ERRORS].line
                ),
            )
            .with_help("is this file a CSV export? The rows above show the first problems"),
        );
    }
    Err(errors)
}

#[cfg(test)]
mod tests;
