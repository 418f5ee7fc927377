//! `rolebook review`: the pages due or overdue for review, grouped by
//! owner, as a table, CSV or JSON.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::{DUE_WINDOW, Status, Upkeep};
use crate::content::Content;
use crate::error::Diagnostics;
use crate::site::{BuildOptions, Project};

/// How `rolebook review` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

/// `rolebook review`: reads the config and pages (no rendering) and
/// returns the report, or the errors that keep it from being made.
pub fn review(project: &Project, format: Format, all: bool) -> Result<String, Diagnostics> {
    let config = crate::site::load_config(project, &BuildOptions::default())?;
    let (content, mut diags) =
        crate::site::load_content(project, &config, &BuildOptions::default());
    let today = super::today().map_err(Diagnostics::from)?;
    let upkeep = super::assess(&config, &content, today, false, &mut diags);
    if diags.has_errors() {
        let mut diags = diags;
        diags.sort();
        return Err(diags);
    }
    let rows = rows(&content, &upkeep, today, all);
    Ok(match format {
        Format::Table => table(&rows, today),
        Format::Csv => csv(&rows),
        Format::Json => json(&rows, today),
    })
}

/// One page under one owner.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Row {
    /// The owner's name; empty for pages without one.
    pub owner: String,
    pub team: String,
    /// How to reach the owner (`[owners]`), for reminders.
    pub contact: String,
    pub path: String,
    pub title: String,
    pub url: String,
    pub reviewed: String,
    pub due: String,
    pub status: Status,
}

/// Rows of the pages to show (due and overdue, or every page with
/// `all`), grouped by owner (owner-less pages last), most overdue first.
pub fn rows(content: &Content, upkeep: &Upkeep, today: NaiveDate, all: bool) -> Vec<Row> {
    let mut groups: BTreeMap<(bool, String), Vec<Row>> = BTreeMap::new();
    for id in content.in_order() {
        let page = content.page(id);
        let Some(up) = upkeep.page(id) else { continue };
        if page.implicit {
            continue;
        }
        let status = up.status(today, DUE_WINDOW);
        if !all && !matches!(status, Status::Overdue | Status::Due) {
            continue;
        }
        let owners = if up.owners.is_empty() {
            vec![String::new()]
        } else {
            up.owners.clone()
        };
        for owner in owners {
            let config = upkeep.owners.get(&owner);
            let team = config.and_then(|o| o.team.clone()).unwrap_or_default();
            let contact = config.and_then(|o| o.contact.clone()).unwrap_or_default();
            groups
                .entry((owner.is_empty(), owner.clone()))
                .or_default()
                .push(Row {
                    owner,
                    team,
                    contact,
                    path: page.display_path.display().to_string().replace('\\', "/"),
                    title: page.title.clone(),
                    url: format!("/{}", page.url_path),
                    reviewed: up.reviewed.map(fmt).unwrap_or_default(),
                    due: up.due.map(fmt).unwrap_or_default(),
                    status,
                });
        }
    }
    groups
        .into_values()
        .flat_map(|mut rows| {
            rows.sort_by(|a, b| (a.status, &a.due).cmp(&(b.status, &b.due)));
            rows
        })
        .collect()
}

fn fmt(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// A table for people: a heading per owner, then a line per page.
pub fn table(rows: &[Row], today: NaiveDate) -> String {
    if rows.is_empty() {
        return format!("No page is due for review (today is {}).\n", fmt(today));
    }
    let path_width = rows
        .iter()
        .map(|r| r.path.chars().count())
        .max()
        .unwrap_or(4);
    let mut out = String::new();
    let mut owner: Option<&str> = None;
    for row in rows {
        if owner != Some(row.owner.as_str()) {
            if owner.is_some() {
                out.push('\n');
            }
            let count = rows.iter().filter(|r| r.owner == row.owner).count();
            let name = if row.owner.is_empty() {
                "No owner"
            } else {
                row.owner.as_str()
            };
            let team = if row.team.is_empty() {
                String::new()
            } else {
                format!(" ({})", row.team)
            };
            out.push_str(&format!(
                "{name}{team}: {count} page{}\n",
                if count == 1 { "" } else { "s" }
            ));
            owner = Some(row.owner.as_str());
        }
        let reviewed = if row.reviewed.is_empty() {
            "never".to_string()
        } else {
            row.reviewed.clone()
        };
        out.push_str(&format!(
            "  {:<10}  {:<path_width$}  reviewed {:<10}  due {:<10}  {}\n",
            row.status.as_str(),
            row.path,
            reviewed,
            if row.due.is_empty() { "-" } else { &row.due },
            row.title
        ));
    }
    out
}

/// CSV with a header row.
pub fn csv(rows: &[Row]) -> String {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record([
        "owner", "team", "contact", "status", "path", "title", "url", "reviewed", "due",
    ]);
    for r in rows {
        let _ = writer.write_record([
            r.owner.as_str(),
            &r.team,
            &r.contact,
            r.status.as_str(),
            &r.path,
            &r.title,
            &r.url,
            &r.reviewed,
            &r.due,
        ]);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// JSON: `{ "today": ..., "owners": [{ "owner", "team", "pages": [...] }] }`.
pub fn json(rows: &[Row], today: NaiveDate) -> String {
    let mut owners: Vec<serde_json::Value> = Vec::new();
    let mut start = 0;
    while start < rows.len() {
        let owner = &rows[start].owner;
        let end = rows[start..]
            .iter()
            .position(|r| &r.owner != owner)
            .map_or(rows.len(), |n| start + n);
        let pages: Vec<serde_json::Value> = rows[start..end]
            .iter()
            .map(|r| {
                serde_json::json!({
                    "path": r.path, "title": r.title, "url": r.url, "status": r.status,
                    "reviewed": (!r.reviewed.is_empty()).then_some(&r.reviewed),
                    "due": (!r.due.is_empty()).then_some(&r.due),
                })
            })
            .collect();
        owners.push(serde_json::json!({
            "owner": (!owner.is_empty()).then_some(owner),
            "team": (!rows[start].team.is_empty()).then_some(&rows[start].team),
            "contact": (!rows[start].contact.is_empty()).then_some(&rows[start].contact),
            "pages": pages,
        }));
        start = end;
    }
    let doc = serde_json::json!({ "today": fmt(today), "owners": owners });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_due_is_one_line() {
        let today = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
        assert_eq!(
            table(&[], today),
            "No page is due for review (today is 2026-10-01).\n"
        );
        assert_eq!(
            csv(&[]),
            "owner,team,contact,status,path,title,url,reviewed,due\n"
        );
        assert_eq!(
            json(&[], today),
            "{\n  \"owners\": [],\n  \"today\": \"2026-10-01\"\n}\n"
        );
    }
}
