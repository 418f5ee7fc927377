//! Tests of the Jira and Linear imports, on a realistic Jira export.

use std::path::Path;

use super::*;
use crate::data::{DataSet, Schema, parse};
use crate::data::{ItemKind, Priority, Status};

const JIRA: &str = include_str!("../../../tests/fixtures/data-import/jira-export.csv");

fn backlog_of(result: &ImportResult) -> crate::data::Backlog {
    let file = parse(
        "team/backlog.toml",
        Path::new("team/backlog.toml"),
        &result.toml,
    )
    .unwrap_or_else(|d| {
        panic!(
            "imported TOML is invalid:\n{}\n{}",
            d.render(false),
            result.toml
        )
    });
    let (set, diags) = DataSet::new(vec![file.clone()]);
    assert!(diags.is_empty(), "{}", diags.render(false));
    assert!(set.get("team/backlog.toml").is_some());
    match file.schema {
        Some(Schema::Backlog(b)) => b,
        _ => panic!("not a backlog"),
    }
}

#[test]
fn jira_export_becomes_a_valid_backlog() {
    let result = import_jira_csv(JIRA, Some("Checkout squad")).expect("imports");
    assert_eq!(result.items, 12);
    let b = backlog_of(&result);
    assert_eq!(b.team.as_deref(), Some("Checkout squad"));
    let ids: Vec<&str> = b.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "CHK-10", "CHK-11", "CHK-12", "CHK-13", "CHK-14", "CHK-15", "CHK-16", "CHK-17",
            "CHK-18", "CHK-19", "CHK-20", "CHK-24"
        ]
    );
    let ranks: Vec<u32> = b.items.iter().map(|i| i.rank).collect();
    assert_eq!(ranks, (1..=12).collect::<Vec<_>>());
    let item = |id: &str| b.items.iter().find(|i| i.id == id).expect(id);
    let saved = item("CHK-11");
    assert_eq!((saved.kind, saved.status), (ItemKind::Story, Status::Done));
    assert_eq!((saved.points, saved.sprint), (Some(5), Some(24)));
    assert_eq!(saved.epic.as_deref(), Some("CHK-10"));
    assert_eq!(saved.labels, ["payments", "web"]);
    assert_eq!(saved.owner.as_deref(), Some("Omar Haddad"));
    assert_eq!(item("CHK-10").kind, ItemKind::Epic);
    assert_eq!(item("CHK-12").status, Status::Review);
    assert_eq!(item("CHK-13").status, Status::Ready);
    assert_eq!(item("CHK-14").priority, Some(Priority::Highest));
    assert_eq!(item("CHK-15").points, Some(3));
    assert_eq!(item("CHK-16").kind, ItemKind::Chore);
    assert_eq!(item("CHK-16").priority, Some(Priority::Low));
    assert_eq!(item("CHK-17").epic, None);
    assert_eq!(item("CHK-18").status, Status::InProgress);
    assert_eq!(item("CHK-20").kind, ItemKind::Story);
    assert_eq!(
        item("CHK-24").title,
        "Escape <b>bold</b> & \"quotes\" in titles"
    );
    assert_eq!(item("CHK-24").status, Status::Done);
}

#[test]
fn jira_rows_that_cannot_be_mapped_are_reported_with_their_line() {
    let result = import_jira_csv(JIRA, None).expect("imports");
    let skipped: Vec<(usize, &str)> = result
        .skipped
        .iter()
        .map(|(l, r)| (*l, r.as_str()))
        .collect();
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    assert_eq!(skipped[0].0, 15);
    assert!(
        skipped[0]
            .1
            .starts_with("CHK-21: status \"Parked\" has no match")
    );
    assert_eq!(skipped[1], (16, "no Summary"));
    assert_eq!(
        skipped[2],
        (17, "CHK-12: the key appears twice; kept the first")
    );
    let notes: Vec<(usize, &str)> = result.notes.iter().map(|(l, r)| (*l, r.as_str())).collect();
    assert_eq!(
        notes,
        [
            (9, "story points 2.5 rounded to 3"),
            (
                11,
                "CHK-17: epic/parent CHK-11 is not an epic in this export; left out"
            ),
            (
                12,
                "CHK-18: epic/parent CHK-3 is not an epic in this export; left out"
            ),
            (
                12,
                "CHK-18: status \"Blocked\" mapped to in-progress by its category"
            ),
            (14, "CHK-20: issue type \"Incident\" imported as a story"),
            (
                14,
                "CHK-20: sprint \"Backlog grooming\" has no number; left out"
            ),
            (14, "story points \"three\" are not a number; left out"),
        ]
    );
}

#[test]
fn missing_required_columns_are_named_with_the_columns_present() {
    let err = import_jira_csv("Key,Title,Status\nA-1,One,Done\n", None).expect_err("no key");
    assert_eq!(err.message, "the CSV has no columns `Issue key`, `Summary`");
    assert_eq!(
        err.help.as_deref(),
        Some("columns present: Key, Title, Status")
    );
    let err = import_jira_csv("Issue key,Status\n", None).expect_err("no summary");
    assert_eq!(err.message, "the CSV has no column `Summary`");
    assert!(import_jira_csv("", None).is_err());
}

#[test]
fn an_export_with_only_a_header_gives_an_empty_backlog() {
    let result = import_jira_csv("Issue key,Summary\n", None).expect("imports");
    assert_eq!(result.items, 0);
    assert!(backlog_of(&result).items.is_empty());
}

#[test]
fn sprint_numbers_come_from_the_end_of_the_name() {
    assert_eq!(trailing_number("Team Sprint 24"), Some(24));
    assert_eq!(trailing_number("S7"), Some(7));
    assert_eq!(trailing_number("24"), Some(24));
    assert_eq!(trailing_number("Sprint 3 (hardening)"), Some(3));
    assert_eq!(trailing_number("Backlog"), None);
}

const LINEAR: &str = "ID,Team,Title,Status,Estimate,Priority,Labels,Cycle Number,Project,Assignee
ENG-1,Web,Checkout redesign,In Progress,5,High,\"Feature, Web\",12,Checkout,ana@example.org
ENG-2,Web,Crash on empty cart,Todo,2,Urgent,Bug,12,Checkout,
ENG-3,Web,Old flow,Canceled,,No priority,,,,
ENG-4,Web,Docs,Backlog,,Low,,,,
";

#[test]
fn linear_export_becomes_a_valid_backlog() {
    let result = import_linear_csv(LINEAR, Some("Web")).expect("imports");
    assert_eq!(result.items, 3);
    assert_eq!(
        result.skipped,
        [(4, "ENG-3: status \"Canceled\" is not imported".to_owned())]
    );
    let b = backlog_of(&result);
    assert_eq!(b.items[0].labels, ["Feature", "Web"]);
    assert_eq!(b.items[0].sprint, Some(12));
    assert_eq!(b.items[1].kind, ItemKind::Bug);
    assert_eq!(b.items[1].status, Status::Ready);
    assert_eq!(b.items[1].priority, Some(Priority::Highest));
    assert_eq!(b.items[2].priority, Some(Priority::Low));
}

#[test]
fn import_csv_detects_the_tracker() {
    assert_eq!(import_csv(JIRA, None).map(|r| r.items), Ok(12));
    assert_eq!(import_csv(LINEAR, None).map(|r| r.items), Ok(3));
    assert!(import_csv("a,b\n1,2\n", None).is_err());
}

#[test]
fn imported_toml_is_commented_and_ordered() {
    let result = import_jira_csv(JIRA, None).expect("imports");
    assert!(
        result
            .toml
            .starts_with("# Imported from a Jira CSV export by `rolebook import`.")
    );
    assert!(result.toml.contains("schema = \"backlog\"\n"));
    let first = result.toml.find("[[item]]\nid = \"CHK-10\"\ntitle = \"Saved cards\"\nkind = \"epic\"\nstatus = \"in-progress\"\nrank = 1\n");
    assert!(first.is_some(), "{}", result.toml);
}
