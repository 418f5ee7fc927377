//! Tests of parsing, validation and link resolution, each error checked
//! with its exact `file:line:col`.

use std::path::Path;

use super::*;

/// `path:line:col: message` of every diagnostic, in order.
fn errors_of(diags: &Diagnostics) -> Vec<String> {
    let mut diags = diags.clone();
    diags.sort();
    diags
        .iter()
        .map(|d| {
            let loc = d.location.as_ref().map_or(String::new(), |l| {
                format!("{}:{}:{}: ", l.path.display(), l.line, l.column)
            });
            format!("{loc}{}", d.message)
        })
        .collect()
}

fn errors(rel: &str, text: &str) -> Vec<String> {
    let display = format!("content/{rel}");
    match parse(rel, Path::new(&display), text) {
        Ok(_) => Vec::new(),
        Err(d) => errors_of(&d),
    }
}

fn help_of(rel: &str, text: &str) -> Vec<String> {
    let display = format!("content/{rel}");
    let diags = parse(rel, Path::new(&display), text).expect_err("invalid");
    diags.iter().filter_map(|d| d.help.clone()).collect()
}

fn file(rel: &str, text: &str) -> DataFile {
    let display = format!("content/{rel}");
    match parse(rel, Path::new(&display), text) {
        Ok(f) => f,
        Err(d) => panic!("{rel} should parse:\n{}", d.render(false)),
    }
}

pub(crate) const BACKLOG: &str = r#"schema = "backlog"
team = "Checkout squad"

[[item]]
id = "PB-90"
title = "Saved cards"
kind = "epic"
status = "in-progress"
rank = 1
epic = "EP-7"

[[item]]
id = "PB-101"
title = "Save a card at checkout"
kind = "story"
status = "done"
rank = 2
points = 5
epic = "PB-90"
sprint = 24
priority = "high"
acceptance = ["Card is saved after a successful payment"]
labels = ["payments"]

[[item]]
id = "PB-102"
title = "Show saved cards"
kind = "story"
status = "ready"
rank = 3
points = 3
epic = "EP-7"
sprint = 25

[[item]]
id = "PB-120"
title = "Fix rounding in totals"
kind = "bug"
status = "backlog"
rank = 4
points = 2
"#;

pub(crate) const ROADMAP: &str = r#"schema = "roadmap"

[[initiative]]
id = "EP-7"
title = "Frictionless checkout"
horizon = "now"
status = "on-track"
start = 2026-07-01
end = 2026-10-31
outcome = "Checkout conversion up 3 points"

[[initiative]]
id = "EP-8"
title = "Loyalty"
horizon = "next"
status = "planned"
start = 2026-11-01
end = 2027-03-31
outcome = "Repeat purchases up 10%"
"#;

pub(crate) const SPRINTS: &str = r#"schema = "sprints"

[[sprint]]
number = 24
start = 2026-09-07
end = 2026-09-18
goal = "Saved cards behind a flag"
committed = 34
completed = 30
scope = 120

[[sprint]]
number = 25
start = 2026-09-21
end = 2026-10-02
goal = "Saved cards for everyone"
committed = 30
completed = 31
scope = 124
"#;

pub(crate) const METRICS: &str = r#"schema = "metrics"

[[metric]]
id = "nps"
title = "Net Promoter Score"
unit = "points"
direction = "up"
points = [
  { period = "2025-Q4", value = 41, target = 45 },
  { period = "2025-Q3", value = 38.5, target = 45 },
  { period = "2026-Q1", value = 46 },
]
"#;

pub(crate) fn team() -> DataSet {
    let files = vec![
        file("team/backlog.toml", BACKLOG),
        file("team/roadmap.toml", ROADMAP),
        file("team/sprints.toml", SPRINTS),
        file("team/metrics.toml", METRICS),
    ];
    let (set, diags) = DataSet::new(files);
    assert!(diags.is_empty(), "{}", diags.render(false));
    set
}

#[test]
fn recognises_data_files_by_extension() {
    for yes in [
        "a.toml",
        "b/c.json",
        "d.yaml",
        "e.YML",
        "f.csv",
        "g.backlog.csv",
    ] {
        assert!(is_data_file(yes), "{yes}");
    }
    for no in ["a.md", "toml", "b.txt", "c.toml.bak"] {
        assert!(!is_data_file(no), "{no}");
    }
}

#[test]
fn valid_backlog_becomes_typed_and_plain() {
    let f = file("team/backlog.toml", BACKLOG);
    let Some(Schema::Backlog(b)) = &f.schema else {
        panic!("backlog")
    };
    assert_eq!(b.team.as_deref(), Some("Checkout squad"));
    assert_eq!(b.items.len(), 4);
    assert_eq!(b.items[1].status, Status::Done);
    assert_eq!(b.items[1].priority, Some(Priority::High));
    assert_eq!(f.value["schema"], "backlog");
    assert_eq!(f.value["item"][1]["status"], "done");
    assert_eq!(
        f.value["item"][1]["acceptance"][0],
        "Card is saved after a successful payment"
    );
}

#[test]
fn plain_data_needs_no_schema() {
    let f = file(
        "team/people.toml",
        "[[person]]\nname = \"Ada\"\nsince = 2024-01-02\n",
    );
    assert!(f.schema.is_none());
    assert_eq!(
        f.value,
        serde_json::json!({"person": [{"name": "Ada", "since": "2024-01-02"}]})
    );
    let j = file("x.json", "[1, {\"a\": null}]");
    assert_eq!(j.value, serde_json::json!([1, {"a": null}]));
    let y = file("x.yaml", "a: [1, two]\n");
    assert_eq!(y.value, serde_json::json!({"a": [1, "two"]}));
}

#[test]
fn wrong_enum_names_the_allowed_values() {
    let text = BACKLOG.replace("status = \"ready\"", "status = \"doing\"");
    assert_eq!(
        errors("team/backlog.toml", &text),
        ["content/team/backlog.toml:29:10: `status` cannot be \"doing\""]
    );
    let help = help_of("team/backlog.toml", &text);
    assert_eq!(
        help,
        ["did you mean `done`? allowed: backlog, ready, in-progress, review, done"]
    );
}

#[test]
fn near_miss_enum_gets_a_suggestion() {
    let text = BACKLOG.replace("kind = \"bug\"", "kind = \"bugg\"");
    let help = help_of("team/backlog.toml", &text);
    assert_eq!(
        help,
        ["did you mean `bug`? allowed: epic, story, bug, spike, chore"]
    );
}

#[test]
fn duplicate_id_points_at_the_second_and_names_the_first() {
    let text = BACKLOG.replace("id = \"PB-120\"", "id = \"PB-101\"");
    assert_eq!(
        errors("team/backlog.toml", &text),
        ["content/team/backlog.toml:36:6: duplicate id `PB-101`: another item has it"]
    );
    let help = help_of("team/backlog.toml", &text);
    assert!(
        help[0].starts_with("first used at line 13, column 6"),
        "{help:?}"
    );
}

#[test]
fn duplicate_rank_is_an_error() {
    let text = BACKLOG.replace("rank = 4", "rank = 2");
    assert_eq!(
        errors("team/backlog.toml", &text),
        ["content/team/backlog.toml:40:8: duplicate rank `2`: another item has it"]
    );
}

#[test]
fn unknown_key_suggests_the_right_one() {
    let text = BACKLOG.replace(
        "title = \"Fix rounding in totals\"",
        "titel = \"Fix rounding in totals\"",
    );
    assert_eq!(
        errors("team/backlog.toml", &text),
        [
            "content/team/backlog.toml:35:1: item PB-120 has no `title`",
            "content/team/backlog.toml:37:1: unknown key `titel` in item PB-120",
        ]
    );
    let help = help_of("team/backlog.toml", &text);
    assert!(
        help.iter()
            .any(|h| h.starts_with("did you mean `title`? allowed keys: id, title")),
        "{help:?}"
    );
}

#[test]
fn wrong_types_and_negative_counts_are_errors() {
    let text = BACKLOG
        .replace("points = 3", "points = \"three\"")
        .replace("points = 2", "points = -2")
        .replace("rank = 1", "rank = 0");
    assert_eq!(
        errors("team/backlog.toml", &text),
        [
            "content/team/backlog.toml:9:8: `rank` must be a positive whole number, found 0",
            "content/team/backlog.toml:31:10: `points` must be a non-negative whole number, found \"three\"",
            "content/team/backlog.toml:41:10: `points` must be a non-negative whole number, found -2",
        ]
    );
}

#[test]
fn every_error_of_a_file_is_reported_in_one_run() {
    let text = BACKLOG
        .replace("status = \"done\"", "status = \"finished\"")
        .replace("kind = \"bug\"", "kind = 3")
        .replace("labels = [\"payments\"]", "labels = \"payments\"");
    assert_eq!(
        errors("team/backlog.toml", &text).len(),
        3,
        "{:?}",
        errors("team/backlog.toml", &text)
    );
}

#[test]
fn unknown_schema_is_an_error_with_a_hint() {
    let text = "schema = \"backlogs\"\n";
    assert_eq!(
        errors("b.toml", text),
        ["content/b.toml:1:10: unknown schema \"backlogs\""]
    );
    assert!(help_of("b.toml", text)[0].starts_with("did you mean `backlog`?"));
}

#[test]
fn toml_syntax_errors_carry_the_parser_position() {
    let text = ROADMAP.replace("start = 2026-07-01", "start = 2026-02-30");
    let errs = errors("team/roadmap.toml", &text);
    assert_eq!(errs.len(), 1);
    assert!(
        errs[0].starts_with("content/team/roadmap.toml:8:9: invalid TOML: invalid date"),
        "{errs:?}"
    );
}

#[test]
fn dates_must_be_real_and_in_order() {
    let text = ROADMAP.replace("end = 2026-10-31", "end = 2026-06-30");
    assert_eq!(
        errors("team/roadmap.toml", &text),
        ["content/team/roadmap.toml:9:7: `end` (2026-06-30) is before `start` (2026-07-01)"]
    );
    let text = ROADMAP.replace("end = 2027-03-31", "end = 2027-03-31T10:00:00");
    assert_eq!(
        errors("team/roadmap.toml", &text),
        [
            "content/team/roadmap.toml:18:7: `end` must be a date without a time, found 2027-03-31T10:00:00"
        ]
    );
    let text = ROADMAP.replace("end = 2027-03-31", "end = true");
    assert_eq!(
        errors("team/roadmap.toml", &text),
        ["content/team/roadmap.toml:18:7: `end` must be a date, found a boolean"]
    );
}

#[test]
fn missing_required_key_points_at_the_entry() {
    let text = ROADMAP.replace("outcome = \"Repeat purchases up 10%\"\n", "");
    assert_eq!(
        errors("team/roadmap.toml", &text),
        ["content/team/roadmap.toml:12:1: initiative EP-8 has no `outcome`"]
    );
}

#[test]
fn sprints_are_checked() {
    let text = SPRINTS
        .replace("number = 25", "number = 24")
        .replace("completed = 31", "completed = -1");
    assert_eq!(
        errors("team/sprints.toml", &text),
        [
            "content/team/sprints.toml:13:10: duplicate number `24`: another sprint has it",
            "content/team/sprints.toml:18:13: `completed` must be a non-negative whole number, found -1",
        ]
    );
}

#[test]
fn metric_points_are_sorted_and_checked() {
    let f = file("team/metrics.toml", METRICS);
    let Some(Schema::Metrics(m)) = &f.schema else {
        panic!("metrics")
    };
    let periods: Vec<String> = m.metrics[0]
        .points
        .iter()
        .map(|p| p.period.to_string())
        .collect();
    assert_eq!(periods, ["2025-Q3", "2025-Q4", "2026-Q1"]);
    assert_eq!(m.metrics[0].points[2].target, None);
    let bad = METRICS
        .replace("\"2025-Q3\"", "\"2025-Q5\"")
        .replace("\"2026-Q1\"", "\"2025-Q4\"")
        .replace("direction = \"up\"", "direction = \"upward\"");
    assert_eq!(
        errors("team/metrics.toml", &bad),
        [
            "content/team/metrics.toml:7:13: `direction` cannot be \"upward\"",
            "content/team/metrics.toml:10:14: `period` cannot be \"2025-Q5\"",
            "content/team/metrics.toml:11:14: duplicate period 2025-Q4 in metric nps",
        ]
    );
    let mixed = METRICS.replace("\"2025-Q3\"", "\"2025-09\"");
    assert_eq!(
        errors("team/metrics.toml", &mixed),
        ["content/team/metrics.toml:10:14: period 2025-09 mixes months and quarters in one metric"]
    );
}

#[test]
fn metric_values_must_be_in_range_and_finite() {
    let huge = METRICS
        .replace("value = 41,", "value = 1e308,")
        .replace(
            "value = 38.5, target = 45",
            "value = 38.5, target = -2_000_000_000_000_000",
        )
        .replace("value = 46", "value = inf");
    assert_eq!(
        errors("team/metrics.toml", &huge),
        [
            "content/team/metrics.toml:9:33: `value` must be between -1e15 and 1e15, found 1e308",
            "content/team/metrics.toml:10:48: `target` must be between -1e15 and 1e15, found -2e15",
            "content/team/metrics.toml:11:33: `value` must be a finite number, found inf",
        ]
    );
    let edge = METRICS.replace("value = 41,", "value = -1e15,");
    assert!(errors("team/metrics.toml", &edge).is_empty());
}

const BACKLOG_JSON: &str = r#"{
  "schema": "backlog",
  "item": [
    {"id": "A-1", "title": "One", "kind": "story", "status": "ready", "rank": 1},
    {"id": "A-2", "title": "Two", "kind": "story", "status": "sideways", "rank": 2.5,
     "start": "2026-01-01"}
  ]
}
"#;

#[test]
fn json_errors_point_at_values_and_keys() {
    assert_eq!(
        errors("b.json", BACKLOG_JSON),
        [
            "content/b.json:5:62: `status` cannot be \"sideways\"",
            "content/b.json:5:82: `rank` must be a positive whole number, found a decimal number",
            "content/b.json:6:6: unknown key `start` in item A-2",
        ]
    );
    let ok = BACKLOG_JSON
        .replace("\"sideways\"", "\"done\"")
        .replace("2.5", "2")
        .replace(",\n     \"start\": \"2026-01-01\"", "");
    assert!(
        errors("b.json", &ok).is_empty(),
        "{:?}",
        errors("b.json", &ok)
    );
}

#[test]
fn json_dates_are_strings_and_checked() {
    let text = r#"{"schema": "sprints", "sprint": [
 {"number": 1, "start": "2026-02-30", "end": "2026-03-10", "goal": "g", "committed": 1, "completed": 1}
]}"#;
    assert_eq!(
        errors("s.json", text),
        ["content/s.json:2:25: `start` is not a real date: \"2026-02-30\""]
    );
}

const BACKLOG_YAML: &str = "schema: backlog
team: Web
item:
  - id: Y-1
    title: First
    kind: story
    status: ready
    rank: 1
    labels: [a, b]
  - id: Y-2
    title: Second
    kind: epik
    status: done
    rank: 2
    acceptance:
      - works
      - 7
";

#[test]
fn yaml_errors_point_at_the_value() {
    assert_eq!(
        errors("b.yaml", BACKLOG_YAML),
        [
            "content/b.yaml:12:11: `kind` cannot be \"epik\"",
            "content/b.yaml:17:9: `acceptance` must hold only strings, found 7",
        ]
    );
    let ok = BACKLOG_YAML
        .replace("epik", "epic")
        .replace("- 7", "- \"7\"");
    let f = file("b.yaml", &ok);
    assert_eq!(f.value["item"][0]["labels"], serde_json::json!(["a", "b"]));
}

#[test]
fn yaml_syntax_error_has_its_line() {
    let errs = errors("b.yaml", "schema: backlog\nitem: [\n");
    assert_eq!(errs.len(), 1);
    assert!(
        errs[0].starts_with("content/b.yaml:3:1: invalid YAML"),
        "{errs:?}"
    );
}

const BACKLOG_CSV: &str = "id,title,kind,status,rank,points,labels
C-1,\"Export, then import\",story,ready,1,3,a; b
C-2,Second,bug,done,2,,
";

#[test]
fn backlog_csv_is_a_backlog() {
    let f = file("team/web.backlog.csv", BACKLOG_CSV);
    let Some(Schema::Backlog(b)) = &f.schema else {
        panic!("backlog")
    };
    assert_eq!(b.items[0].title, "Export, then import");
    assert_eq!(b.items[0].points, Some(3));
    assert_eq!(b.items[0].labels, ["a", "b"]);
    assert_eq!(b.items[1].points, None);
}

#[test]
fn backlog_csv_with_a_missing_column_names_it() {
    let text = "id,title,kind,rank\nC-1,One,story,1\n";
    assert_eq!(
        errors("team/web.backlog.csv", text),
        ["content/team/web.backlog.csv:1:1: missing column `status`"]
    );
    assert_eq!(
        help_of("team/web.backlog.csv", text),
        ["required columns: id, title, kind, status, rank; the header has: id, title, kind, rank"]
    );
}

#[test]
fn backlog_csv_cells_are_located() {
    let text = "id,title,kind,status,rank,pionts\nC-1,One,story,ready,x,1\nC-2,Two,story\n";
    assert_eq!(
        errors("w.backlog.csv", text),
        [
            "content/w.backlog.csv:1:27: unknown column `pionts`",
            "content/w.backlog.csv:2:21: `rank` must be a positive whole number, found \"x\"",
            "content/w.backlog.csv:3:1: this row has 3 fields but the header has 6",
        ]
    );
}

#[test]
fn plain_csv_is_a_list_of_rows() {
    let f = file("people.csv", "name,role\nAda,PO\n");
    assert_eq!(f.value, serde_json::json!([{"name": "Ada", "role": "PO"}]));
}

#[test]
fn lenient_parse_keeps_entries_with_ids() {
    let text = BACKLOG.replace("status = \"ready\"", "status = \"doing\"");
    let (f, diags) = parse_lenient("b.toml", Path::new("b.toml"), &text);
    assert!(diags.has_errors());
    let Some(Schema::Backlog(b)) = f.and_then(|f| f.schema) else {
        panic!("backlog kept")
    };
    assert_eq!(b.items.len(), 4);
}

#[test]
fn dangling_references_are_errors_across_files() {
    let backlog = BACKLOG
        .replace(
            "epic = \"EP-7\"\n\n[[item]]\nid = \"PB-101\"",
            "epic = \"EP-77\"\n\n[[item]]\nid = \"PB-101\"",
        )
        .replace("sprint = 25", "sprint = 26")
        .replace("epic = \"PB-90\"", "epic = \"PB-120\"");
    let files = vec![
        file("team/backlog.toml", &backlog),
        file("team/roadmap.toml", ROADMAP),
        file("team/sprints.toml", SPRINTS),
    ];
    let (_, diags) = DataSet::new(files);
    assert_eq!(
        errors_of(&diags),
        [
            "content/team/backlog.toml:10:8: item PB-90 names epic `EP-77`, which is no initiative or epic",
            "content/team/backlog.toml:19:8: `epic` names PB-120, which is a bug, not an epic",
            "content/team/backlog.toml:33:10: item PB-102 names sprint 26, which is not in any sprints file",
        ]
    );
    let helps: Vec<String> = diags.iter().filter_map(|d| d.help.clone()).collect();
    assert!(helps[0].starts_with("did you mean `EP-7`?"), "{helps:?}");
    assert_eq!(helps[2], "sprints defined: 24, 25");
}

#[test]
fn sprints_are_not_checked_without_a_sprints_file() {
    let files = vec![
        file("team/backlog.toml", BACKLOG),
        file("team/roadmap.toml", ROADMAP),
    ];
    let (_, diags) = DataSet::new(files);
    assert!(diags.is_empty(), "{}", diags.render(false));
}

#[test]
fn an_id_in_two_files_is_an_error() {
    let other = "schema = \"roadmap\"\n\n[[initiative]]\nid = \"EP-8\"\ntitle = \"t\"\nhorizon = \"later\"\n\
                 status = \"planned\"\nstart = 2027-01-01\nend = 2027-02-01\noutcome = \"o\"\n";
    let files = vec![
        file("a/roadmap.toml", ROADMAP),
        file("b/roadmap.toml", other),
    ];
    let (_, diags) = DataSet::new(files);
    assert_eq!(
        errors_of(&diags),
        ["content/b/roadmap.toml:4:6: duplicate id `EP-8`: it is also defined in another file"]
    );
    assert!(diags.iter().any(|d| {
        d.help
            .as_deref()
            .is_some_and(|h| h.contains("content/a/roadmap.toml:13:6"))
    }));
}

#[test]
fn two_files_of_a_schema_in_one_folder_collide() {
    let files = vec![
        file("team/roadmap.toml", ROADMAP),
        file("team/later.toml", "schema = \"roadmap\"\n"),
    ];
    let (_, diags) = DataSet::new(files);
    let errs = errors_of(&diags);
    assert_eq!(errs.len(), 1);
    assert!(
        errs[0].contains("two roadmap files in one folder"),
        "{errs:?}"
    );
}

#[test]
fn epic_cycles_are_errors() {
    let text = "schema = \"backlog\"\n[[item]]\nid = \"E-1\"\ntitle = \"a\"\nkind = \"epic\"\nstatus = \"ready\"\nrank = 1\nepic = \"E-2\"\n\
                [[item]]\nid = \"E-2\"\ntitle = \"b\"\nkind = \"epic\"\nstatus = \"ready\"\nrank = 2\nepic = \"E-1\"\n";
    let (_, diags) = DataSet::new(vec![file("b.toml", text)]);
    assert_eq!(
        errors_of(&diags),
        [
            "content/b.toml:8:8: epic cycle: E-1 -> E-2 -> E-1",
            "content/b.toml:15:8: epic cycle: E-2 -> E-1 -> E-2",
        ]
    );
}

#[test]
fn links_resolve_to_pages_and_anchors() {
    let set = team();
    assert_eq!(
        set.resolve_link("roadmap", "EP-7").as_deref(),
        Some("/team/roadmap/ep-7/")
    );
    assert_eq!(
        set.resolve_link("backlog", "PB-90").as_deref(),
        Some("/team/backlog/pb-90/")
    );
    assert_eq!(
        set.resolve_link("backlog", "PB-101").as_deref(),
        Some("/team/backlog/pb-90/#pb-101")
    );
    assert_eq!(
        set.resolve_link("backlog", "PB-102").as_deref(),
        Some("/team/roadmap/ep-7/#pb-102")
    );
    assert_eq!(
        set.resolve_link("backlog", "PB-120").as_deref(),
        Some("/team/backlog/#pb-120")
    );
    assert_eq!(
        set.resolve_link("sprints", "24").as_deref(),
        Some("/team/sprints/#sprint-24")
    );
    assert_eq!(
        set.resolve_link("metrics", "nps").as_deref(),
        Some("/team/metrics/#metric-nps")
    );
    assert_eq!(set.resolve_link("backlog", "PB-999"), None);
    assert_eq!(set.resolve_link("roadmap", "PB-90"), None);
    assert_eq!(set.resolve_link("nope", "EP-7"), None);
}

#[test]
fn files_at_the_content_root_get_root_urls() {
    let (set, _) = DataSet::new(vec![file("roadmap.toml", ROADMAP)]);
    assert_eq!(
        set.resolve_link("roadmap", "EP-8").as_deref(),
        Some("/roadmap/ep-8/")
    );
}

#[test]
fn templates_see_every_file_by_path() {
    let set = team();
    let json = set.to_json();
    assert_eq!(
        json["team/roadmap.toml"]["initiative"][0]["start"],
        "2026-07-01"
    );
    assert_eq!(json["team/sprints.toml"]["sprint"][1]["completed"], 31);
    assert_eq!(
        json["team/metrics.toml"]["metric"][0]["points"][0]["period"],
        "2025-Q3"
    );
    assert!(set.get("team/backlog.toml").is_some());
}

#[test]
fn progress_counts_items_under_initiatives_through_epics() {
    let set = team();
    let ids: Vec<&str> = set
        .descendants("EP-7")
        .iter()
        .map(|(_, i)| i.id.as_str())
        .collect();
    assert_eq!(ids, ["PB-90", "PB-101", "PB-102"]);
    assert_eq!(views::progress(&set.descendants("EP-7")), (5, 8));
}

#[test]
fn slugs_are_lowercase_url_segments() {
    assert_eq!(slug("PB-101"), "pb-101");
    assert_eq!(slug("Q3 goal / NPS"), "q3-goal-nps");
}

#[test]
fn a_table_where_a_list_belongs_is_explained() {
    let text = "schema = \"backlog\"\n[item]\nid = \"A\"\n";
    assert_eq!(
        errors("b.toml", text),
        ["content/b.toml:2:1: `item` must be a list of tables, found a table"]
    );
    assert_eq!(
        help_of("b.toml", text),
        ["write each entry as [[item]] followed by its keys"]
    );
}

#[test]
fn yaml_flow_mappings_in_lists_are_located() {
    let text = "schema: metrics
metric:
  - id: nps
    title: NPS
    unit: points
    direction: up
    points:
      - {period: 2025-Q3, value: 38}
      - {period: 2025-Q9, value: 41, target: 45}
";
    assert_eq!(
        errors("m.yaml", text),
        ["content/m.yaml:9:18: `period` cannot be \"2025-Q9\""]
    );
}

#[test]
fn no_prefix_of_a_valid_file_makes_the_parser_panic() {
    let docs = [
        ("b.toml", BACKLOG.to_owned()),
        ("r.toml", ROADMAP.to_owned()),
        ("m.toml", METRICS.to_owned()),
        ("b.json", BACKLOG_JSON.to_owned()),
        (
            "b.yaml",
            BACKLOG_YAML.replace("kind: story", "kind: störy ünïcode"),
        ),
        (
            "w.backlog.csv",
            BACKLOG_CSV.replace("Second", "Zwëite, \"quoted\""),
        ),
        ("p.csv", "a,b\n\"x\ny\",ü\n".to_owned()),
    ];
    for (rel, text) in docs {
        for (cut, _) in text.char_indices() {
            let _ = parse_lenient(rel, Path::new(rel), &text[..cut]);
        }
    }
}

#[test]
fn imported_item_fields_are_typed_and_checked() {
    let items = r#"schema = "backlog"

[[item]]
id = "A-1"
title = "One"
kind = "story"
status = "done"
rank = 1
parent = "A-9"
earlier_sprints = [23, 99]
sprint = 24
fix_versions = ["2026.1"]
components = ["API"]
created = 2026-01-05
updated = "2026-01-06"
resolved = 2026-01-31
description = "Two\nlines"

[[item]]
id = "A-2"
title = "Two"
kind = "story"
status = "ready"
rank = 2
parent = "A-2"
created = "2026-02-30"
earlier_sprints = "soon"
"#;
    assert_eq!(
        errors("team/backlog.toml", items),
        [
            "content/team/backlog.toml:26:11: `created` is not a real date: \"2026-02-30\"",
            "content/team/backlog.toml:27:19: `earlier_sprints` must hold sprint numbers, found \"soon\"",
        ]
    );
    let valid = items
        .replace("created = \"2026-02-30\"\n", "")
        .replace("earlier_sprints = \"soon\"\n", "");
    let backlog = file("team/backlog.toml", &valid);
    let Some(Schema::Backlog(b)) = &backlog.schema else {
        panic!("a backlog");
    };
    let one = &b.items[0];
    assert_eq!(one.earlier_sprints, [23, 99]);
    assert_eq!(
        one.created.map(|d| d.to_string()).as_deref(),
        Some("2026-01-05")
    );
    assert_eq!(
        one.updated.map(|d| d.to_string()).as_deref(),
        Some("2026-01-06")
    );
    assert_eq!(one.description.as_deref(), Some("Two\nlines"));
    assert_eq!(backlog.value["item"][0]["resolved"], "2026-01-31");
    let sprints = file("team/sprints.toml", SPRINTS);
    let (_, diags) = DataSet::new(vec![backlog, sprints]);
    assert_eq!(
        errors_of(&diags),
        [
            "content/team/backlog.toml:9:10: item A-1 names parent `A-9`, which is no backlog item",
            "content/team/backlog.toml:10:19: item A-1 names earlier sprint 23, which is not in any sprints file",
            "content/team/backlog.toml:25:10: item A-2 names itself as its parent",
        ]
    );
}
