//! Tests of the Jira and Linear imports on hand-written exports in the
//! trackers' shapes.

use std::path::Path;

use super::*;
use crate::data::{DataSet, Priority, Schema, Status, parse};

const JIRA: &str = include_str!("../../../tests/fixtures/data-import/jira-export.csv");

fn options() -> ImportOptions {
    ImportOptions::default()
}

fn with_map(map: &str) -> ImportOptions {
    ImportOptions {
        status_map: ImportOptions::parse_status_map(&[map.to_owned()]).expect("map"),
        ..ImportOptions::default()
    }
}

fn backlog_of(result: &ImportResult) -> crate::data::Backlog {
    let file = parse(
        "team/backlog.toml",
        Path::new("team/backlog.toml"),
        &result.toml,
    )
    .unwrap_or_else(|d| panic!("invalid TOML:\n{}\n{}", d.render(false), result.toml));
    let mut files = vec![file.clone()];
    if let Some(s) = &result.sprints_toml {
        files.push(parse("team/sprints.toml", Path::new("team/sprints.toml"), s).expect("sprints"));
    }
    let (_, diags) = DataSet::new(files);
    assert!(diags.is_empty(), "{}", diags.render(false));
    match file.schema {
        Some(Schema::Backlog(b)) => b,
        _ => panic!("not a backlog"),
    }
}

fn item<'a>(b: &'a crate::data::Backlog, id: &str) -> &'a crate::data::Item {
    b.items
        .iter()
        .find(|i| i.id == id)
        .unwrap_or_else(|| panic!("{id} missing"))
}

fn notes(result: &ImportResult) -> Vec<(usize, &str)> {
    result.notes.iter().map(|(l, n)| (*l, n.as_str())).collect()
}

#[test]
fn jira_fixture_keeps_every_field_with_real_lines() {
    let result = import_jira_csv(
        JIRA,
        &ImportOptions {
            team: Some("Checkout squad".into()),
            ..options()
        },
    )
    .expect("imports");
    assert_eq!((result.items, result.rows, result.last_line), (13, 15, 18));
    let b = backlog_of(&result);
    assert_eq!(b.team.as_deref(), Some("Checkout squad"));
    let saved = item(&b, "CHK-11");
    assert_eq!((saved.kind, saved.status), (ItemKind::Story, Status::Done));
    assert_eq!((saved.points, saved.sprint), (Some(5), Some(24)));
    assert_eq!(saved.earlier_sprints, [23]);
    assert_eq!(saved.epic.as_deref(), Some("CHK-10"));
    assert_eq!(saved.labels, ["payments", "web"]);
    assert_eq!(
        saved.created.map(|d| d.to_string()).as_deref(),
        Some("2026-07-02")
    );
    assert_eq!(
        saved.updated.map(|d| d.to_string()).as_deref(),
        Some("2026-09-18")
    );
    assert_eq!(
        saved.description.as_deref(),
        Some("Given a successful payment, the card is stored.")
    );
    assert_eq!(
        item(&b, "CHK-14").description.as_deref(),
        Some("Steps:\n1. Save a card\n2. Open the wallet")
    );
    assert_eq!(item(&b, "CHK-14").priority, Some(Priority::Highest));
    // Sub-task: "Parent id" 10011 is CHK-11's Issue id, a story.
    let sub = item(&b, "CHK-17");
    assert_eq!(
        (sub.parent.as_deref(), sub.epic.as_deref()),
        (Some("CHK-11"), None)
    );
    assert_eq!(
        item(&b, "CHK-24").title,
        "Escape <b>bold</b> & \"quotes\" in titles"
    );
    assert_eq!(item(&b, "CHK-21").status, Status::Backlog);
    assert_eq!(
        result.skipped,
        [
            (16, "CHK-22: no Summary".to_owned()),
            (
                17,
                "CHK-12 appears again (first at line 4); this row is left out".to_owned()
            ),
        ]
    );
    assert_eq!(
        notes(&result),
        [
            (9, "CHK-15: story points 2.5 rounded to 3"),
            (
                12,
                "CHK-18: Epic Link CHK-3 is not in this export (no row has it as key or Issue id); link left out"
            ),
            (
                12,
                "CHK-18: status \"Blocked\" mapped to in-progress by its Status Category \"In Progress\""
            ),
            (14, "CHK-20: issue type \"Incident\" imported as a story"),
            (
                14,
                "CHK-20: sprint \"Backlog grooming\" has no number; left out"
            ),
            (
                14,
                "CHK-20: story points \"three\" are not a number ≥ 0; left out"
            ),
            (
                15,
                "CHK-21: status \"Parked\" is not known and has no Status Category; imported as \
                 backlog because it has no resolution (map it with --status-map \"Parked=...\")"
            ),
        ]
    );
    assert_eq!(
        result.columns_ignored,
        ["Project key", "Project name", "Reporter"]
    );
    assert!(result.columns_used.contains(&"Sprint ×2".to_owned()));
}

/// The shape that lost 13 of 23 epic links: both Epic Link and Parent
/// columns, Epic Link empty on some rows, Parent holding the epic's Issue id.
const CLOUD: &str = "\u{feff}Summary,Issue key,Issue id,Issue Type,Status,Status Category,Resolution,Parent,Parent summary,Custom field (Epic Link),Custom field (Story point estimate),Sprint,Sprint,Sprint,Created,Resolved,Description
Checkout,PAY-1,10001,Epic,In Progress,In Progress,,,,,,,,,12/Nov/25 3:14 PM,,
Wallet,PAY-2,10002,Epic,Won't Do,Done,Won't Do,,,,,,,,12/Nov/25 3:15 PM,20/Nov/25 9:00 AM,
Card form,PAY-3,10003,Story,Done,Done,Done,10001,Checkout,PAY-1,5,PAY Sprint 1,PAY Sprint 2,,2025-11-12 15:14,2025-11-28 10:00,\"Multi-line, with \"\"quotes\"\"
and a second line\"
Card list,PAY-4,10004,Story,Done,Done,Done,10001,Checkout,,3,PAY Sprint 2,,,2025-11-12 15:14,2025-11-27 10:00,
Apple Pay,PAY-5,10005,Story,To Do,To Do,,10002,Wallet,,2,,,,2025-11-12 15:14,,
Old idea,PAY-6,10006,Story,Done,Done,Duplicate,10001,Checkout,,8,PAY Sprint 1,,,2025-11-12 15:14,2025-11-14 10:00,
Check the copy,PAY-7,10007,Sub-task,Waiting for customer,,,10003,Card form,,1,PAY Sprint 2,,,2025-11-13 15:14,,
Refactor,PAY-8,10008,Task,Won't Do,Done,Won't Do,10001,Checkout,,5,PAY Sprint 2,,,2025-11-13 15:14,2025-11-28 10:00,
Cut scope,PAY-9,10009,Story,Done,Done,Won't Do,,,PAY-1,13,PAY Sprint 3,,,2025-11-13 15:14,2025-12-12 10:00,
";

#[test]
fn parent_ids_and_epic_links_are_both_read_on_every_row() {
    let result =
        import_jira_csv(CLOUD, &with_map("Waiting for customer=blocked")).expect("imports");
    let b = backlog_of(&result);
    assert_eq!(item(&b, "PAY-3").epic.as_deref(), Some("PAY-1"));
    // Epic Link empty: Parent 10001 is PAY-1's Issue id.
    assert_eq!(item(&b, "PAY-4").epic.as_deref(), Some("PAY-1"));
    assert_eq!(item(&b, "PAY-7").parent.as_deref(), Some("PAY-3"));
    assert_eq!(item(&b, "PAY-7").status, Status::InProgress);
    assert_eq!(item(&b, "PAY-7").labels, ["blocked"]);
    assert_eq!(item(&b, "PAY-5").epic, None);
    assert_eq!(
        item(&b, "PAY-3").description.as_deref(),
        Some("Multi-line, with \"quotes\"\nand a second line")
    );
    let dropped: Vec<(usize, &str, &str)> = result
        .dropped
        .iter()
        .map(|d| (d.line, d.key.as_str(), d.reason.as_str()))
        .collect();
    assert_eq!(
        dropped,
        [
            (
                3,
                "PAY-2",
                "status \"Won't Do\" is cancelled work (keep it with --status-map \"Won't Do=done\")"
            ),
            (
                8,
                "PAY-6",
                "resolution \"Duplicate\" is cancelled work (keep it with --status-map \"Duplicate=done\")"
            ),
            (
                10,
                "PAY-8",
                "status \"Won't Do\" is cancelled work (keep it with --status-map \"Won't Do=done\")"
            ),
            (
                11,
                "PAY-9",
                "resolution \"Won't Do\" is cancelled work (keep it with --status-map \"Won't Do=done\")"
            ),
        ]
    );
    assert!(notes(&result).contains(&(
        7,
        "PAY-5: Parent PAY-2 is dropped (status \"Won't Do\" is cancelled work (keep it with --status-map \"Won't Do=done\")); link left out"
    )));
    // Won't Do is not done: only PAY-3 and PAY-4 count.
    assert_eq!(result.done_points, 8);
    assert_eq!((result.items, result.dropped.len(), result.rows), (5, 4, 9));
}

#[test]
fn an_epic_link_may_hold_the_epic_issue_id() {
    let text = "Issue key,Issue id,Summary,Issue Type,Status,Custom field (Epic Link),Parent\n\
        E-1,501,Epic,Epic,To Do,,\n\
        S-1,502,Story,Story,To Do,501,\n\
        S-2,503,Story,Story,To Do,,77777\n";
    let result = import_jira_csv(text, &options()).expect("imports");
    let b = backlog_of(&result);
    assert_eq!(item(&b, "S-1").epic.as_deref(), Some("E-1"));
    assert_eq!(
        notes(&result),
        [(
            4,
            "S-2: Parent 77777 is not in this export (no row has it as key or Issue id); link left out"
        )]
    );
}

#[test]
fn the_sprints_file_has_committed_and_completed_points() {
    let result =
        import_jira_csv(CLOUD, &with_map("Waiting for customer=blocked")).expect("imports");
    let sprints = result.sprints_toml.as_deref().expect("a sprints file");
    let body: String = sprints
        .lines()
        .filter(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(
        body,
        "schema = \"sprints\"

[[sprint]]
number = 1
start = 2025-11-15
end = 2025-11-28
goal = \"PAY Sprint 1\"
committed = 5
completed = 0
scope = 11

[[sprint]]
number = 2
start = 2025-11-29
end = 2025-12-12
goal = \"PAY Sprint 2\"
committed = 9
completed = 8
scope = 11"
    );
}

#[test]
fn the_status_map_can_keep_cancelled_work() {
    let result = import_jira_csv(
        CLOUD,
        &with_map("Won't Do=done,duplicate=done,Waiting for customer=review"),
    )
    .expect("imports");
    assert!(result.dropped.is_empty());
    let b = backlog_of(&result);
    assert_eq!(item(&b, "PAY-7").status, Status::Review);
    assert_eq!(result.done_points, 5 + 3 + 8 + 5 + 13);
}

#[test]
fn unknown_statuses_are_kept_with_a_warning() {
    let result = import_jira_csv(CLOUD, &options()).expect("imports");
    assert_eq!(item(&backlog_of(&result), "PAY-7").status, Status::Backlog);
    assert!(notes(&result).contains(&(
        9,
        "PAY-7: status \"Waiting for customer\" is not known and has no Status Category; imported as backlog because it has no resolution (map it with --status-map \"Waiting for customer=...\")"
    )));
}

#[test]
fn unused_status_map_entries_are_reported() {
    let result = import_jira_csv(CLOUD, &with_map("Parked=backlog")).expect("imports");
    assert!(notes(&result).contains(&(
        0,
        "--status-map entry \"parked\" matched no status or resolution in the export"
    )));
}

#[test]
fn a_malformed_row_is_an_error_at_its_line_unless_skipped() {
    let mut rows = String::from("Issue key,Summary,Status,Description\n");
    for i in 1..=100 {
        if i == 40 {
            rows.push_str("A-40,\"Broken summary,To Do,\n");
        } else if i == 10 {
            rows.push_str("A-10,Ten,Done,\"two\nlines\"\n");
        } else {
            rows.push_str(&format!("A-{i},Item {i},To Do,\"said \"\"{i}\"\"\"\n"));
        }
    }
    let errors = import_jira_csv(&rows, &options()).expect_err("malformed");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].location.as_ref().map(|l| l.line), Some(42));
    assert!(
        errors[0].message.starts_with("malformed CSV row: "),
        "{}",
        errors[0].message
    );
    let result = import_jira_csv(
        &rows,
        &ImportOptions {
            skip_bad_rows: true,
            ..options()
        },
    )
    .expect("imports the rest");
    assert_eq!(
        (result.items, result.skipped.len(), result.rows),
        (99, 1, 100)
    );
    assert_eq!(result.skipped[0].0, 42);
    assert_eq!((result.first_line, result.last_line), (2, 102));
    let many: String = (0..150).map(|i| format!("A-{i},\"x,y,z\n")).collect();
    let errors =
        import_jira_csv(&format!("Issue key,Summary\n{many}"), &options()).expect_err("bad");
    assert_eq!(errors.len(), 101);
    assert_eq!(
        errors[100].message,
        "50 more malformed rows, the first at line 102"
    );
}

#[test]
fn missing_columns_and_empty_files_are_errors_at_line_one() {
    let e = import_jira_csv("Issue key,Status\nA-1,Done\n", &options()).expect_err("no summary");
    assert_eq!(e[0].message, "the CSV has no column `Summary`");
    let e = import_jira_csv("Id,Title,Status\nA-1,One,Done\n", &options()).expect_err("no key");
    assert_eq!(
        e[0].message,
        "the CSV has no columns `Issue key`, `Summary`"
    );
    assert_eq!(
        e[0].help.as_deref(),
        Some("columns present: Id, Title, Status")
    );
    assert_eq!(e[0].location.as_ref().map(|l| l.line), Some(1));
    let e = import_jira_csv("", &options()).expect_err("empty");
    assert_eq!(e[0].message, "the CSV file is empty");
    let result =
        import_jira_csv("Issue key,Summary\nA-1,One\nA-2,Two\n", &options()).expect("bare");
    assert_eq!(
        notes(&result),
        [
            (
                1,
                "the export has no `Issue Type` column: every item is imported as a story"
            ),
            (
                1,
                "the export has no `Status` column: every item is imported as backlog (or done, if it has a resolution)"
            ),
        ]
    );
    let result = import_jira_csv("Issue key,Summary\n", &options()).expect("header only");
    assert_eq!((result.items, result.rows), (0, 0));
    assert!(backlog_of(&result).items.is_empty());
    assert!(result.sprints_toml.is_none());
}

#[test]
fn ten_thousand_columns_are_read_and_summarised() {
    let mut header: Vec<String> = (0..10_000).map(|i| format!("Custom field ({i})")).collect();
    header[3] = "Issue key".into();
    header[7] = "Summary".into();
    let mut row = vec![String::new(); 10_000];
    row[3] = "A-1".into();
    row[7] = "Wide".into();
    let text = format!("{}\n{}\n", header.join(","), row.join(","));
    let result = import_jira_csv(&text, &options()).expect("imports");
    assert_eq!(result.items, 1);
    assert_eq!(result.columns_used, ["Issue key", "Summary"]);
    assert_eq!(result.columns_ignored.len(), 9_998);
    let shown = column_list(&result.columns_ignored);
    assert!(
        shown.ends_with(", Custom field (41) and 9958 more"),
        "{shown}"
    );
    let e = import_jira_csv(&header[8..].join(","), &options()).expect_err("no key");
    assert!(e[0].help.as_deref().is_some_and(|h| h.len() < 600));
}

/// Soup of the characters CSV cares about never panics, and every row is
/// accounted for: imported, dropped or skipped.
#[test]
fn random_csv_soup_never_panics_and_loses_no_row() {
    let pieces = [
        ",", "\"", "\"\"", "\n", "\r\n", "\r", "A-1", "A-2", "Done", "To Do", "é", "€", " ", "x",
        "\u{feff}", "Won't Do",
    ];
    let mut seed: u64 = 99;
    for _ in 0..3000 {
        let mut text = String::from("Issue key,Summary,Status\n");
        let n = (seed % 40) as usize;
        for _ in 0..n {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            text.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
        }
        let skipping = ImportOptions {
            skip_bad_rows: true,
            ..options()
        };
        for opts in [&options(), &skipping] {
            match import_jira_csv(&text, opts) {
                Ok(r) => {
                    assert_eq!(r.rows, r.items + r.dropped.len() + r.skipped.len());
                    for (line, _) in r.notes.iter().chain(&r.skipped) {
                        assert!(*line <= text.lines().count() + 1, "{text:?}");
                    }
                }
                Err(errors) => assert!(!errors.is_empty()),
            }
            let _ = import_linear_csv(
                &text.replace("Issue key", "ID").replace("Summary", "Title"),
                opts,
            );
        }
    }
}

const LINEAR: &str = "ID,Team,Title,Description,Status,Estimate,Priority,Labels,Cycle Number,Cycle Name,Project,Parent issue,Assignee,Created,Updated,Completed,Canceled
ENG-1,Web,Checkout redesign,\"Redo it,
all of it\",In Progress,5,High,\"Feature, Web\",12,Cycle 12,Checkout,,ana@example.org,2025-11-03T09:00:00.000Z,2025-11-10T09:00:00.000Z,,
ENG-2,Web,Crash on empty cart,,Todo,2,Urgent,Bug,12,Cycle 12,Checkout,ENG-1,,2025-11-03T09:00:00.000Z,,,
ENG-3,Web,Old flow,,Canceled,3,No priority,,,,,,,2025-11-03T09:00:00.000Z,,,2025-11-05T09:00:00.000Z
ENG-4,Web,Docs,,Done,1,Low,,11,Cycle 11,,,,2025-10-20T09:00:00.000Z,,2025-10-30T09:00:00.000Z,
ENG-5,Web,Waiting,,On hold,1,Low,,,,,,,2025-10-20T09:00:00.000Z,,,
";

#[test]
fn linear_export_becomes_a_valid_backlog() {
    let result = import_linear_csv(
        LINEAR,
        &ImportOptions {
            team: Some("Web".into()),
            ..options()
        },
    )
    .expect("imports");
    assert_eq!((result.items, result.rows), (4, 5));
    assert_eq!(result.dropped.len(), 1);
    assert_eq!(
        (result.dropped[0].line, result.dropped[0].key.as_str()),
        (5, "ENG-3")
    );
    let b = backlog_of(&result);
    let first = item(&b, "ENG-1");
    assert_eq!(first.labels, ["Feature", "Web"]);
    assert_eq!(first.sprint, Some(12));
    assert_eq!(first.description.as_deref(), Some("Redo it,\nall of it"));
    assert_eq!(item(&b, "ENG-2").kind, ItemKind::Bug);
    assert_eq!(item(&b, "ENG-2").parent.as_deref(), Some("ENG-1"));
    assert_eq!(item(&b, "ENG-2").status, Status::Ready);
    assert_eq!(item(&b, "ENG-2").priority, Some(Priority::Highest));
    assert_eq!(
        item(&b, "ENG-4").resolved.map(|d| d.to_string()).as_deref(),
        Some("2025-10-30")
    );
    assert_eq!(item(&b, "ENG-5").status, Status::Backlog);
    assert!(
        notes(&result)
            .iter()
            .any(|(l, n)| *l == 7 && n.starts_with("ENG-5: status \"On hold\""))
    );
    assert_eq!(result.sprints, 2);
    assert_eq!(result.done_points, 1);
    assert_eq!(result.columns_ignored, ["Team", "Project"]);
}

#[test]
fn import_csv_detects_the_tracker() {
    assert_eq!(import_csv(JIRA, &options()).map(|r| r.items), Ok(13));
    assert_eq!(import_csv(LINEAR, &options()).map(|r| r.items), Ok(4));
    assert!(import_csv("a,b\n1,2\n", &options()).is_err());
}

#[test]
fn imported_toml_is_commented_and_ordered() {
    let result = import_jira_csv(JIRA, &options()).expect("imports");
    assert!(
        result
            .toml
            .starts_with("# Imported from a Jira CSV export by `rolebook import`.")
    );
    let first = result.toml.find("[[item]]\nid = \"CHK-10\"\ntitle = \"Saved cards\"\nkind = \"epic\"\nstatus = \"in-progress\"\nrank = 1\n");
    assert!(first.is_some(), "{}", result.toml);
}
