//! Gathering the rows of one import: keys seen twice, relations resolved
//! against the whole export, the sprints worked out from the rows, and the
//! two TOML files written and checked.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::values::{Mapped, sprint_number, toml_day};
use super::{Dropped, ImportResult, Row, shorten};
use crate::data::{DataSet, Status};
use crate::error::{Diagnostic, Kind};

#[derive(Default)]
pub(super) struct Outcome {
    pub rows: Vec<Row>,
    /// Key -> line of the row that has it, kept or dropped.
    seen: BTreeMap<String, usize>,
    pub dropped: Vec<Dropped>,
    pub skipped: Vec<(usize, String)>,
    pub notes: Vec<(usize, String)>,
    /// Column indexes read.
    pub used: BTreeSet<usize>,
}

impl Outcome {
    /// Whether `key` was met before; a repeated key is listed as skipped.
    pub fn repeated(&mut self, key: &str, line: usize) -> bool {
        if let Some(first) = self.seen.get(key) {
            self.skipped.push((
                line,
                format!("{key} appears again (first at line {first}); this row is left out"),
            ));
            return true;
        }
        self.seen.insert(key.to_owned(), line);
        false
    }

    pub fn note(&mut self, line: usize, key: &str, what: impl std::fmt::Display) {
        self.notes.push((line, format!("{key}: {what}")));
    }

    /// A row's status and whether it is blocked, or `None` when the status
    /// map drops the row (listed with its reason). How a status was guessed
    /// is noted, in the words `note` gives it, when `note` gives any.
    pub fn status(
        &mut self,
        line: usize,
        key: &str,
        mapped: Mapped,
        note: impl FnOnce(String) -> Option<String>,
    ) -> Option<(Status, bool)> {
        match mapped {
            Mapped::Dropped(reason) => {
                self.drop_row(line, key, reason);
                None
            }
            Mapped::Kept {
                status,
                blocked,
                note: guess,
            } => {
                if let Some(text) = guess.and_then(note) {
                    self.note(line, key, text);
                }
                Some((status, blocked))
            }
        }
    }

    /// The date in cell `raw` of column `what` (`Created`), noted and left
    /// out when it is not one.
    pub fn date(&mut self, line: usize, key: &str, raw: &str, what: &str) -> Option<NaiveDate> {
        let day = super::values::day(raw);
        if day.is_none() && !raw.is_empty() {
            self.note(
                line,
                key,
                format!("{what} date \"{raw}\" is not a date; left out"),
            );
        }
        day
    }

    pub fn drop_row(&mut self, line: usize, key: &str, reason: String) {
        self.dropped.push(Dropped {
            line,
            key: key.to_owned(),
            reason,
        });
    }

    /// Resolves relations, works out the sprints and writes both files.
    pub fn finish(
        mut self,
        header: &[String],
        (first_line, last_line): (usize, usize),
        team: Option<&str>,
        tracker: &str,
    ) -> Result<ImportResult, Vec<Diagnostic>> {
        self.resolve();
        let sprints = self.sprints();
        for (i, row) in self.rows.iter_mut().enumerate() {
            row.rank = u32::try_from(i + 1).unwrap_or(u32::MAX);
        }
        let done_points = self
            .rows
            .iter()
            .filter(|r| !r.is_epic() && r.status == Status::Done.as_str())
            .map(|r| u64::from(r.points.unwrap_or(0)))
            .sum();
        let items = self.rows.len();
        let doc = Doc {
            schema: "backlog",
            team,
            item: &self.rows,
        };
        let body = toml::to_string(&doc).map_err(|e| vec![internal(e)])?;
        let toml = format!(
            "# Imported from a {tracker} CSV export by `rolebook import`.\n\
             # Rank is the export's row order; rolebook checks this file on every build.\n{body}"
        );
        let mut check_by_hand = Vec::new();
        let sprints_toml = if sprints.is_empty() {
            None
        } else {
            check_by_hand.push(
                "sprint start and end dates are estimated from the resolved dates of each \
                 sprint's items (the export has no sprint dates): correct them from the tracker"
                    .to_owned(),
            );
            check_by_hand.push("each sprint's goal is its name: write the real goal".to_owned());
            check_by_hand.push(
                "committed points are the points of every item that was in the sprint, \
                 carried over or not, as they are now (the export keeps no history)"
                    .to_owned(),
            );
            let doc = SprintsDoc {
                schema: "sprints",
                sprint: &sprints,
            };
            let body = toml::to_string(&doc).map_err(|e| vec![internal(e)])?;
            Some(format!(
                "# Worked out from a {tracker} CSV export by `rolebook import`: dates are\n\
                 # estimated and goals are the sprint names; check them by hand.\n{body}"
            ))
        };
        validate(&toml, sprints_toml.as_deref())?;
        let (columns_used, columns_ignored) = columns(header, &self.used);
        self.notes.sort();
        self.skipped.sort();
        Ok(ImportResult {
            toml,
            sprints_toml,
            items,
            sprints: sprints.len(),
            rows: items + self.dropped.len() + self.skipped.len(),
            first_line,
            last_line,
            dropped: self.dropped,
            skipped: self.skipped,
            notes: self.notes,
            columns_used,
            columns_ignored,
            check_by_hand,
            done_points,
        })
    }

    /// Turns epic and parent references into `epic` and `parent`, noting
    /// every one that cannot be kept.
    fn resolve(&mut self) {
        let kinds: BTreeMap<String, bool> = self
            .rows
            .iter()
            .map(|r| (r.id.clone(), r.is_epic()))
            .collect();
        let dropped: BTreeMap<String, String> = self
            .dropped
            .iter()
            .map(|d| (d.key.clone(), d.reason.clone()))
            .collect();
        let mut notes = Vec::new();
        for row in &mut self.rows {
            let mut note = |what: String| notes.push((row.line, format!("{}: {what}", row.id)));
            let explain = |key: &str, column: &str| -> String {
                match dropped.get(key) {
                    Some(reason) => format!("{column} {key} is dropped ({reason}); link left out"),
                    None => format!(
                        "{column} {key} is not in this export (no row has it as key or Issue id); link left out"
                    ),
                }
            };
            for (key, column) in std::mem::take(&mut row.epic_refs) {
                match kinds.get(&key) {
                    _ if key == row.id => note(format!("{column} names the item itself; left out")),
                    Some(true) => match &row.epic {
                        None => row.epic = Some(key),
                        Some(e) if *e == key => {}
                        Some(e) => note(format!(
                            "{column} {key} differs from epic {e}, kept from an earlier column; {key} left out"
                        )),
                    },
                    Some(false) => note(format!("{column} {key} is not an epic; left out")),
                    None => note(explain(&key, column)),
                }
            }
            for (key, column) in std::mem::take(&mut row.parent_refs) {
                match kinds.get(&key) {
                    _ if key == row.id => note(format!("{column} names the item itself; left out")),
                    Some(true) => match &row.epic {
                        None => row.epic = Some(key),
                        Some(e) if *e == key => {}
                        Some(e) => note(format!(
                            "{column} {key} is an epic other than the Epic Link {e}; kept {e}"
                        )),
                    },
                    Some(false) => match &row.parent {
                        None => row.parent = Some(key),
                        Some(p) if *p == key => {}
                        Some(p) => {
                            note(format!("{column} {key} differs from parent {p}; kept {p}"))
                        }
                    },
                    None => note(explain(&key, column)),
                }
            }
        }
        self.notes.extend(notes);
    }

    /// The sprints named by the rows, numbered from their names, with
    /// committed and completed points and estimated dates.
    fn sprints(&mut self) -> Vec<SprintOut> {
        // number -> (name first seen, line)
        let mut names: BTreeMap<u32, (String, usize)> = BTreeMap::new();
        let mut notes = Vec::new();
        for row in &mut self.rows {
            let mut numbers = Vec::new();
            for name in &row.sprint_names {
                let Some(n) = sprint_number(name) else {
                    notes.push((
                        row.line,
                        format!("{}: sprint \"{name}\" has no number; left out", row.id),
                    ));
                    continue;
                };
                match names.get(&n) {
                    Some((other, first)) if other != name => notes.push((
                        row.line,
                        format!(
                            "{}: sprint \"{name}\" has the number {n} of \"{other}\" (line {first}); both are sprint {n}",
                            row.id
                        ),
                    )),
                    Some(_) => {}
                    None => {
                        names.insert(n, (name.clone(), row.line));
                    }
                }
                numbers.retain(|m| *m != n);
                numbers.push(n);
            }
            row.sprint = numbers.pop();
            row.earlier_sprints = numbers;
        }
        self.notes.extend(notes);
        if names.is_empty() {
            return Vec::new();
        }
        let work: Vec<&Row> = self.rows.iter().filter(|r| !r.is_epic()).collect();
        let mut out: Vec<SprintOut> = names
            .iter()
            .map(|(n, (name, _))| {
                let mine = |r: &&&Row| r.sprint == Some(*n);
                let committed = work
                    .iter()
                    .filter(|r| r.sprint == Some(*n) || r.earlier_sprints.contains(n))
                    .map(|r| r.points.unwrap_or(0))
                    .sum();
                let done: Vec<&&Row> = work
                    .iter()
                    .filter(mine)
                    .filter(|r| r.status == Status::Done.as_str())
                    .collect();
                SprintOut {
                    number: *n,
                    start: None,
                    end: None,
                    goal: name.clone(),
                    committed,
                    completed: done.iter().map(|r| r.points.unwrap_or(0)).sum(),
                    scope: None,
                    last_resolved: done.iter().filter_map(|r| r.days.resolved).max(),
                    first_created: work
                        .iter()
                        .filter(mine)
                        .filter_map(|r| r.days.created)
                        .min(),
                }
            })
            .collect();
        estimate_dates(&mut out);
        let created: Vec<(NaiveDate, u32)> = work
            .iter()
            .filter_map(|r| Some((r.days.created?, r.points.unwrap_or(0))))
            .collect();
        if !created.is_empty() {
            for s in &mut out {
                let end = s.end_day();
                s.scope = Some(
                    created
                        .iter()
                        .filter(|(d, _)| *d <= end)
                        .map(|(_, p)| p)
                        .sum(),
                );
            }
        }
        out
    }
}

#[derive(Serialize)]
struct Doc<'a> {
    schema: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    team: Option<&'a str>,
    item: &'a [Row],
}

#[derive(Serialize)]
struct SprintsDoc<'a> {
    schema: &'static str,
    sprint: &'a [SprintOut],
}

#[derive(Debug, Serialize)]
struct SprintOut {
    number: u32,
    #[serde(serialize_with = "as_toml_day")]
    start: Option<NaiveDate>,
    #[serde(serialize_with = "as_toml_day")]
    end: Option<NaiveDate>,
    goal: String,
    committed: u32,
    completed: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<u32>,
    #[serde(skip)]
    last_resolved: Option<NaiveDate>,
    #[serde(skip)]
    first_created: Option<NaiveDate>,
}

impl SprintOut {
    fn end_day(&self) -> NaiveDate {
        self.end.unwrap_or_default()
    }
}

fn as_toml_day<S: serde::Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
    match d.and_then(toml_day) {
        Some(d) => d.serialize(s),
        None => s.serialize_str(""),
    }
}

/// Sprint dates from what the export tells: a sprint ends on the last day
/// one of its items was resolved; it starts the day after the sprint
/// before it ends. Sprints with nothing resolved, and the first sprint's
/// start, take the usual sprint length (the median of the others, else two
/// weeks).
fn estimate_dates(sprints: &mut [SprintOut]) {
    let ends: Vec<NaiveDate> = sprints.iter().filter_map(|s| s.last_resolved).collect();
    let mut gaps: Vec<i64> = ends
        .windows(2)
        .map(|w| (w[1] - w[0]).num_days())
        .filter(|d| (5..=35).contains(d))
        .collect();
    gaps.sort_unstable();
    let length = gaps.get(gaps.len() / 2).copied().unwrap_or(14);
    let anchor = sprints
        .iter()
        .find_map(|s| s.last_resolved.or(s.first_created))
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let mut previous_end: Option<NaiveDate> = None;
    for s in sprints.iter_mut() {
        let start = match previous_end {
            Some(e) => e + Duration::days(1),
            None => s.last_resolved.unwrap_or(anchor) - Duration::days(length - 1),
        };
        let end = match s.last_resolved {
            Some(r) if r >= start => r,
            _ => start + Duration::days(length - 1),
        };
        s.start = Some(start);
        s.end = Some(end);
        previous_end = Some(end);
    }
}

/// Columns used and ignored, repeated names once with their count.
fn columns(header: &[String], used: &BTreeSet<usize>) -> (Vec<String>, Vec<String>) {
    let mut counts: Vec<(String, usize, bool)> = Vec::new();
    let mut at: std::collections::HashMap<(String, bool), usize> = std::collections::HashMap::new();
    for (i, name) in header.iter().enumerate() {
        let is_used = used.contains(&i);
        let key = (name.to_lowercase(), is_used);
        match at.get(&key) {
            Some(&k) => counts[k].1 += 1,
            None => {
                at.insert(key, counts.len());
                counts.push((name.clone(), 1, is_used));
            }
        }
    }
    let show = |(n, c, _): &(String, usize, bool)| {
        let n = if n.is_empty() {
            "(no name)"
        } else {
            n.as_str()
        };
        if *c > 1 {
            format!("{n} ×{c}")
        } else {
            n.to_owned()
        }
    };
    let used = counts.iter().filter(|c| c.2).map(show).collect();
    let ignored: Vec<String> = counts.iter().filter(|c| !c.2).map(show).collect();
    (used, ignored)
}

/// The columns list for the report, short enough to read.
pub fn column_list(names: &[String]) -> String {
    shorten(names, 40)
}

fn internal(e: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(Kind::Data, format!("cannot write the backlog: {e}"))
}

/// Reads the files back as a build would: an import never writes a file
/// that fails the next build.
fn validate(backlog: &str, sprints: Option<&str>) -> Result<(), Vec<Diagnostic>> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut add = |rel: &str, text: &str| match crate::data::parse(rel, Path::new(rel), text) {
        Ok(f) => files.push(f),
        Err(d) => errors.extend(d),
    };
    add("import/backlog.toml", backlog);
    if let Some(s) = sprints {
        add("import/sprints.toml", s);
    }
    let (_, diags) = DataSet::new(files);
    errors.extend(diags.into_iter().filter(Diagnostic::is_error));
    if errors.is_empty() {
        return Ok(());
    }
    Err(errors
        .into_iter()
        .map(|d| {
            Diagnostic::error(
                Kind::Data,
                format!("the imported data would not build: {}", d.message),
            )
            .with_help("nothing was written; please report this with the export's shape")
        })
        .collect())
}
