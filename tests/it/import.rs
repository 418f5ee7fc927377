//! `rolebook import`: generated Jira and Linear exports imported and checked
//! field by field against what the generator put in them, malformed and
//! odd files, and the never-overwrite and all-or-nothing rules.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::Site;

/// A small deterministic generator (a linear congruential one).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }

    /// Up to `max` distinct values of `pool`, in pool order.
    fn some(&mut self, pool: &[&str], max: usize) -> Vec<String> {
        let n = self.below(max + 1);
        let mut picked: Vec<usize> = Vec::new();
        while picked.len() < n {
            let i = self.below(pool.len());
            if !picked.contains(&i) {
                picked.push(i);
            }
        }
        picked.sort_unstable();
        picked.iter().map(|i| pool[*i].to_owned()).collect()
    }
}

fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// What the generator expects of one issue after the import.
#[derive(Debug, Default, Clone)]
struct Expected {
    key: String,
    line: usize,
    title: String,
    kind: &'static str,
    /// The reason the report gives, when the row is dropped.
    dropped: Option<String>,
    status: &'static str,
    points: Option<i64>,
    epic: Option<String>,
    /// An epic the row names that is dropped: the report says so.
    dropped_epic: Option<String>,
    parent: Option<String>,
    sprint: Option<i64>,
    earlier: Vec<i64>,
    labels: Vec<String>,
    fix_versions: Vec<String>,
    components: Vec<String>,
    created: String,
    resolved: Option<String>,
    description: Option<String>,
}

struct Export {
    text: String,
    issues: Vec<Expected>,
    last_line: usize,
}

impl Export {
    fn done_points(&self) -> i64 {
        self.issues
            .iter()
            .filter(|e| e.dropped.is_none() && e.kind != "epic" && e.status == "done")
            .filter_map(|e| e.points)
            .sum()
    }

    fn kept(&self) -> impl Iterator<Item = &Expected> {
        self.issues.iter().filter(|e| e.dropped.is_none())
    }
}

const JIRA_HEADER: &str = "Summary,Issue key,Issue id,Parent,Parent summary,Issue Type,Status,Status Category,Resolution,Priority,Assignee,Reporter,Created,Updated,Resolved,Sprint,Sprint,Sprint,Labels,Labels,Labels,Fix Version/s,Fix Version/s,Component/s,Component/s,Watchers,Watchers,Watchers,Custom field (Epic Link),Custom field (Story Points),Custom field (Story point estimate),Description";

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `day` days after 2025-09-01, in Jira's English format or the ISO-like
/// one other locales give, and as YYYY-MM-DD.
fn jira_date(day: u32, hour: u32, english: bool) -> (String, String) {
    let lengths = [30, 31, 30, 31, 31, 28, 31, 30, 31, 30, 31, 31];
    let (mut year, mut month, mut d) = (2025, 9, day + 1);
    let mut m = 0;
    while d > lengths[m % 12] {
        d -= lengths[m % 12];
        m += 1;
        month += 1;
        if month > 12 {
            month = 1;
            year += 1;
        }
    }
    let iso = format!("{year}-{month:02}-{d:02}");
    let shown = if english {
        let (h12, half) = match hour {
            0 => (12, "AM"),
            1..=11 => (hour, "AM"),
            12 => (12, "PM"),
            _ => (hour - 12, "PM"),
        };
        format!(
            "{d:02}/{}/{:02} {h12}:07 {half}",
            MONTHS[month - 1],
            year % 100
        )
    } else {
        format!("{iso} {hour:02}:07")
    };
    (shown, iso)
}

const EPICS: usize = 25;
const DROPPED_EPICS: [usize; 2] = [3, 17];

/// A Jira Cloud export of `n` issues with every field shape: repeated
/// columns, Parent as an issue id, Epic Link on some rows, both points
/// columns, two date formats, multi-line descriptions, CRLF row ends and a
/// BOM. Statuses follow `--status-map "Won't Do=dropped,Waiting for customer=blocked"`.
fn jira_export(n: usize) -> Export {
    let mut rng = Rng(12);
    let mut text = String::from("\u{feff}");
    text.push_str(JIRA_HEADER);
    text.push_str("\r\n");
    let mut line = 2;
    let mut issues: Vec<Expected> = Vec::new();
    let mut ids: Vec<u32> = Vec::new();
    for i in 0..n {
        let key = format!("CHK-{}", 100 + i);
        let id = 20_000 + i as u32 * 7;
        let mut e = Expected {
            key: key.clone(),
            line,
            ..Expected::default()
        };
        let kind_word = if i < EPICS {
            "Epic"
        } else {
            match i % 10 {
                0..=3 | 9 => "Story",
                4 => "Bug",
                5 | 6 => "Task",
                7 => "Sub-task",
                _ => "Spike",
            }
        };
        e.kind = match kind_word {
            "Epic" => "epic",
            "Bug" => "bug",
            "Task" | "Sub-task" => "chore",
            "Spike" => "spike",
            _ => "story",
        };
        e.title = match i % 4 {
            0 => format!("Item {i}: make \"checkout\" faster, please"),
            1 => format!("Item {i} – café ümlaut"),
            _ => format!("Item {i}"),
        };
        // Status, Status Category, Resolution -> expected status or dropping.
        let (status, category, resolution) = if i < EPICS {
            if DROPPED_EPICS.contains(&i) {
                ("Won't Do", "Done", "Won't Do")
            } else {
                *[
                    ("To Do", "To Do", ""),
                    ("In Progress", "In Progress", ""),
                    ("Done", "Done", "Done"),
                ]
                .get(rng.below(3))
                .unwrap_or(&("To Do", "To Do", ""))
            }
        } else {
            *[
                ("To Do", "To Do", ""),
                ("Selected for Development", "To Do", ""),
                ("In Progress", "In Progress", ""),
                ("In Review", "In Progress", ""),
                ("Done", "Done", "Done"),
                ("Done", "Done", "Done"),
                ("Waiting for customer", "", ""),
                ("Won't Do", "Done", "Won't Do"),
                ("Done", "Done", "Duplicate"),
                ("Closed", "Done", "Cannot Reproduce"),
                ("Ready for QA", "In Progress", ""),
            ]
            .get(rng.below(11))
            .unwrap_or(&("To Do", "To Do", ""))
        };
        let mut blocked = false;
        match (status, resolution) {
            ("Won't Do", _) => {
                e.dropped = Some("status \"Won't Do\" is mapped to dropped by --status-map".into());
            }
            (_, "Duplicate" | "Cannot Reproduce") => {
                e.dropped = Some(format!(
                    "resolution \"{resolution}\" is cancelled work (keep it with --status-map \"{resolution}=done\")"
                ));
            }
            ("Waiting for customer", _) => {
                e.status = "in-progress";
                blocked = true;
            }
            ("To Do", _) => e.status = "backlog",
            ("Selected for Development", _) => e.status = "ready",
            ("In Progress" | "Ready for QA", _) => e.status = "in-progress",
            ("In Review", _) => e.status = "review",
            _ => e.status = "done",
        }
        // Relations.
        let (mut parent_cell, mut parent_summary, mut epic_link) =
            (String::new(), String::new(), String::new());
        if kind_word == "Sub-task" {
            let candidates: Vec<&Expected> = issues
                .iter()
                .filter(|x| x.kind != "epic" && x.dropped.is_none() && x.parent.is_none())
                .collect();
            let p = candidates[rng.below(candidates.len())];
            let pid = ids[issues.iter().position(|x| x.key == p.key).unwrap_or(0)];
            parent_cell = pid.to_string();
            parent_summary = p.title.clone();
            e.parent = Some(p.key.clone());
        } else if i >= EPICS {
            let epic = rng.below(EPICS);
            let epic_key = format!("CHK-{}", 100 + epic);
            let way = rng.below(5);
            if way != 3 {
                if DROPPED_EPICS.contains(&epic) {
                    e.dropped_epic = Some(epic_key.clone());
                } else {
                    e.epic = Some(epic_key.clone());
                }
            }
            if matches!(way, 0 | 2) {
                epic_link = epic_key.clone();
            }
            if matches!(way, 1 | 2 | 4) {
                parent_cell = ids[epic].to_string();
                parent_summary = issues[epic].title.clone();
            }
        }
        // Points in one of the two points columns; some written "5.0".
        let (mut sp, mut spe) = (String::new(), String::new());
        if e.kind != "epic" {
            let p = [None, Some(1), Some(2), Some(3), Some(5), Some(8), Some(13)][rng.below(7)];
            e.points = p;
            if let Some(p) = p {
                let shown = if i % 7 == 0 {
                    format!("{p}.0")
                } else {
                    p.to_string()
                };
                if i % 2 == 0 { sp = shown } else { spe = shown }
            }
        }
        // Sprints, filled from the left; the last is the current one.
        let mut sprints = vec![String::new(); 3];
        if e.kind != "epic" {
            let count = rng.below(4);
            let first = 30 + rng.below(10) as i64;
            for (k, s) in sprints.iter_mut().enumerate().take(count) {
                *s = format!("CHK Sprint {}", first + k as i64);
            }
            if count > 0 {
                e.sprint = Some(first + count as i64 - 1);
                e.earlier = (0..count as i64 - 1).map(|k| first + k).collect();
            }
        }
        let mut labels = rng.some(
            &["a11y", "customer", "mobile", "payments", "tech-debt", "web"],
            3,
        );
        let label_cells = {
            let mut cells = labels.clone();
            cells.resize(3, String::new());
            cells
        };
        if blocked {
            labels.push("blocked".into());
        }
        e.labels = labels;
        e.fix_versions = rng.some(&["2025.11", "2025.12", "2026.1"], 2);
        e.components = rng.some(&["API", "Billing", "Frontend"], 2);
        let (created, created_iso) = jira_date(i as u32 / 3, (i % 24) as u32, i % 2 == 0);
        e.created = created_iso;
        let (resolved, updated) = if !resolution.is_empty() {
            let (shown, iso) = jira_date(i as u32 / 3 + 5 + rng.below(15) as u32, 15, i % 3 != 0);
            e.resolved = Some(iso);
            (shown.clone(), shown)
        } else {
            (String::new(), jira_date(i as u32 / 3 + 1, 9, true).0)
        };
        let description = match i % 3 {
            0 => String::new(),
            1 => format!("Line one, with a comma\nSecond \"quoted\" line\n\nThird for {key}"),
            _ => format!("Steps, notes and {key}"),
        };
        e.description = (!description.is_empty()).then(|| description.clone());
        let fix = {
            let mut f = e.fix_versions.clone();
            f.resize(2, String::new());
            f
        };
        let comp = {
            let mut c = e.components.clone();
            c.resize(2, String::new());
            c
        };
        let cells: Vec<String> = vec![
            e.title.clone(),
            key.clone(),
            id.to_string(),
            parent_cell,
            parent_summary,
            kind_word.into(),
            status.into(),
            category.into(),
            resolution.into(),
            rng.pick(&["Highest", "High", "Medium", "Low", "Lowest"])
                .into(),
            rng.pick(&["Ana Ruiz", "Omar Haddad", ""]).into(),
            "Maya Lind".into(),
            created,
            updated,
            resolved,
            sprints[0].clone(),
            sprints[1].clone(),
            sprints[2].clone(),
            label_cells[0].clone(),
            label_cells[1].clone(),
            label_cells[2].clone(),
            fix[0].clone(),
            fix[1].clone(),
            comp[0].clone(),
            comp[1].clone(),
            "Maya Lind".into(),
            rng.pick(&["Ana Ruiz", ""]).into(),
            String::new(),
            epic_link,
            sp,
            spe,
            description,
        ];
        let row: Vec<String> = cells.iter().map(|c| field(c)).collect();
        let row = row.join(",");
        line += row.matches('\n').count() + 1;
        text.push_str(&row);
        text.push_str("\r\n");
        ids.push(id);
        issues.push(e);
    }
    Export {
        text,
        issues,
        last_line: line - 1,
    }
}

/// The backlog's items by id, as plain TOML values.
fn items(site: &Site, rel: &str) -> BTreeMap<String, toml::Table> {
    let doc: toml::Table = site.read(rel).parse().expect("valid TOML");
    assert_eq!(doc["schema"].as_str(), Some("backlog"));
    doc["item"]
        .as_array()
        .expect("items")
        .iter()
        .map(|v| {
            let t = v.as_table().expect("table").clone();
            (t["id"].as_str().expect("id").to_owned(), t)
        })
        .collect()
}

fn string(t: &toml::Table, key: &str) -> Option<String> {
    t.get(key).map(|v| match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

fn strings(t: &toml::Table, key: &str) -> Vec<String> {
    t.get(key)
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn ints(t: &toml::Table, key: &str) -> Vec<i64> {
    t.get(key)
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(toml::Value::as_integer).collect())
        .unwrap_or_default()
}

/// Every kept issue's fields are in the file; every dropped one is listed.
fn assert_round_trip(site: &Site, export: &Export, stdout: &str, stderr: &str) {
    let items = items(site, "content/team/backlog.toml");
    assert_eq!(items.len(), export.kept().count());
    for e in &export.issues {
        if let Some(reason) = &e.dropped {
            assert!(!items.contains_key(&e.key), "{} is dropped", e.key);
            let listed = format!("line {}: {}: {reason}\n", e.line, e.key);
            assert!(
                stdout.contains(&listed),
                "report lacks {listed:?}:\n{stdout}"
            );
            continue;
        }
        let t = items
            .get(&e.key)
            .unwrap_or_else(|| panic!("{} (line {}) missing", e.key, e.line));
        let what = format!("{} at line {}", e.key, e.line);
        assert_eq!(string(t, "title"), Some(e.title.clone()), "{what}");
        assert_eq!(string(t, "kind").as_deref(), Some(e.kind), "{what}");
        assert_eq!(string(t, "status").as_deref(), Some(e.status), "{what}");
        assert_eq!(
            t.get("points").and_then(toml::Value::as_integer),
            e.points,
            "{what}"
        );
        assert_eq!(string(t, "epic"), e.epic, "{what}");
        assert_eq!(string(t, "parent"), e.parent, "{what}");
        assert_eq!(
            t.get("sprint").and_then(toml::Value::as_integer),
            e.sprint,
            "{what}"
        );
        assert_eq!(ints(t, "earlier_sprints"), e.earlier, "{what}");
        assert_eq!(strings(t, "labels"), e.labels, "{what}");
        assert_eq!(strings(t, "fix_versions"), e.fix_versions, "{what}");
        assert_eq!(strings(t, "components"), e.components, "{what}");
        assert_eq!(string(t, "created"), Some(e.created.clone()), "{what}");
        assert_eq!(string(t, "resolved"), e.resolved, "{what}");
        assert_eq!(string(t, "description"), e.description, "{what}");
        if let Some(epic) = &e.dropped_epic {
            let note = format!("export.csv:{}: warning: {}: ", e.line, e.key);
            let found = stderr
                .lines()
                .any(|l| l.starts_with(&note) && l.contains(&format!(" {epic} is dropped (")));
            assert!(
                found,
                "no note on {what} naming dropped epic {epic}:\n{stderr}"
            );
        }
    }
    let done: i64 = items
        .values()
        .filter(|t| string(t, "status").as_deref() == Some("done"))
        .filter(|t| string(t, "kind").as_deref() != Some("epic"))
        .filter_map(|t| t.get("points").and_then(toml::Value::as_integer))
        .sum();
    assert_eq!(done, export.done_points(), "done points in the file");
}

/// The sprints file's points, worked out from the export.
fn assert_sprints(site: &Site, export: &Export) {
    let doc: toml::Table = site
        .read("content/team/sprints.toml")
        .parse()
        .expect("valid TOML");
    let mut expected: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    for e in export.kept().filter(|e| e.kind != "epic") {
        for n in e.earlier.iter().chain(e.sprint.iter()) {
            expected.entry(*n).or_default().0 += e.points.unwrap_or(0);
        }
        if let (Some(n), "done") = (e.sprint, e.status) {
            expected.entry(n).or_default().1 += e.points.unwrap_or(0);
        }
    }
    let got: BTreeMap<i64, (i64, i64)> = doc["sprint"]
        .as_array()
        .expect("sprints")
        .iter()
        .map(|s| {
            let int = |k: &str| s[k].as_integer().unwrap_or(-1);
            (int("number"), (int("committed"), int("completed")))
        })
        .collect();
    assert_eq!(got, expected);
}

const MAP: &str = "Won't Do=dropped,Waiting for customer=blocked";

#[test]
fn a_generated_jira_export_of_500_issues_round_trips() {
    let export = jira_export(500);
    let site = Site::fixture("data-import");
    site.write("export.csv", &export.text);
    let run = site.run(&["import", "jira", "export.csv", "--status-map", MAP]);
    run.success();
    let dropped = export.issues.len() - export.kept().count();
    let summary = format!(
        "Read 500 rows (lines 2-{}): {} imported, {dropped} dropped, 0 skipped; {} done points\n",
        export.last_line,
        export.kept().count(),
        export.done_points()
    );
    assert!(
        run.stdout.contains(&summary),
        "{summary:?} not in:\n{}",
        run.stdout
    );
    assert!(
        dropped > 40 && export.done_points() > 100,
        "the export exercises both"
    );
    assert_round_trip(&site, &export, &run.stdout, &run.stderr);
    assert_sprints(&site, &export);
    assert!(
        run.stdout
            .contains("Columns ignored: Parent summary, Reporter, Watchers ×3\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("Check by hand:\n  - sprint start and end dates are estimated")
    );
    // The files build, and the sprint views work at once.
    site.write(
        "content/velocity.md",
        "+++\ntitle = \"Velocity\"\n+++\n\n{{ velocity() }}\n\n{{ burnup() }}\n",
    );
    site.build().success();
    let page = site.read("public/velocity/index.html");
    assert!(
        page.contains("rb-velocity") && page.contains("rb-burnup"),
        "{page}"
    );
}

/// A Linear export with every column Linear writes.
fn linear_export(n: usize) -> Export {
    let mut rng = Rng(7);
    let mut text = String::from(
        "ID,Team,Title,Description,Status,Estimate,Priority,Project,Creator,Assignee,Labels,Cycle Number,Cycle Name,Due Date,Created,Updated,Started,Triaged,Completed,Canceled,Archived,Parent issue,Initiatives,Project Milestone,Related to,Blocked by,Duplicate of\n",
    );
    let mut line = 2;
    let mut issues: Vec<Expected> = Vec::new();
    for i in 0..n {
        let key = format!("ENG-{}", i + 1);
        let mut e = Expected {
            key: key.clone(),
            line,
            title: format!("Linear issue {i}, \"quoted\""),
            ..Expected::default()
        };
        let (status, completed, canceled) = match rng.below(9) {
            0 => ("Backlog", false, false),
            1 => ("Todo", false, false),
            2 => ("In Progress", false, false),
            3 => ("In Review", false, false),
            4 | 5 => ("Done", true, false),
            6 => ("Duplicate", false, true),
            7 => ("Triage", false, false),
            _ => ("Canceled", false, true),
        };
        e.status = match status {
            "Backlog" => "backlog",
            "Todo" => "ready",
            "In Progress" => "in-progress",
            "In Review" => "review",
            "Triage" => "backlog",
            _ => "done",
        };
        if canceled {
            e.dropped = Some(format!(
                "status \"{status}\" is cancelled work (keep it with --status-map \"{status}=done\")"
            ));
        }
        let labels = rng.some(&["Bug", "Feature", "Web"], 2);
        e.kind = if labels.iter().any(|l| l == "Bug") {
            "bug"
        } else {
            "story"
        };
        e.labels = labels.clone();
        e.points = [None, Some(1), Some(2), Some(3), Some(5)][rng.below(5)];
        let cycle = rng.below(4);
        if cycle > 0 {
            e.sprint = Some(40 + cycle as i64);
        }
        if i > 5 && rng.below(4) == 0 {
            let p = &issues[rng.below(issues.len())];
            if p.dropped.is_none() {
                e.parent = Some(p.key.clone());
            }
        }
        let day = 1 + (i % 28);
        e.created = format!("2025-10-{day:02}");
        if completed {
            e.resolved = Some(format!("2025-11-{day:02}"));
        }
        e.description = (i % 2 == 0).then(|| format!("Why:\n- reason one, {key}\n- \"two\""));
        let cells = vec![
            key.clone(),
            "Web".into(),
            e.title.clone(),
            e.description.clone().unwrap_or_default(),
            status.into(),
            e.points.map(|p| p.to_string()).unwrap_or_default(),
            rng.pick(&["Urgent", "High", "Medium", "Low", "No priority"])
                .into(),
            rng.pick(&["Checkout", ""]).into(),
            "maya@example.org".into(),
            rng.pick(&["ana@example.org", ""]).into(),
            labels.join(", "),
            e.sprint.map(|s| s.to_string()).unwrap_or_default(),
            e.sprint.map(|s| format!("Cycle {s}")).unwrap_or_default(),
            String::new(),
            format!("2025-10-{day:02}T09:30:00.000Z"),
            format!("2025-11-{day:02}T10:00:00.000Z"),
            String::new(),
            String::new(),
            if completed {
                format!("2025-11-{day:02}T16:00:00.000Z")
            } else {
                String::new()
            },
            if canceled {
                format!("2025-11-{day:02}T16:00:00.000Z")
            } else {
                String::new()
            },
            String::new(),
            e.parent.clone().unwrap_or_default(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ];
        let row = cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(",");
        line += row.matches('\n').count() + 1;
        text.push_str(&row);
        text.push('\n');
        issues.push(e);
    }
    Export {
        text,
        issues,
        last_line: line - 1,
    }
}

#[test]
fn a_generated_linear_export_round_trips() {
    let export = linear_export(120);
    assert!(export.issues.iter().any(|e| {
        e.dropped
            .as_deref()
            .is_some_and(|d| d.contains("Duplicate"))
    }));
    let site = Site::fixture("data-import");
    site.write("export.csv", &export.text);
    let run = site.run(&["import", "linear", "export.csv", "--team", "Web"]);
    run.success();
    let summary = format!(
        "Read 120 rows (lines 2-{}): {} imported, {} dropped, 0 skipped; {} done points\n",
        export.last_line,
        export.kept().count(),
        120 - export.kept().count(),
        export.done_points()
    );
    assert!(
        run.stdout.contains(&summary),
        "{summary:?} not in:\n{}",
        run.stdout
    );
    assert_round_trip(&site, &export, &run.stdout, &run.stderr);
    assert_sprints(&site, &export);
    site.build().success();
}

/// 100 rows, the 40th with an unbalanced quote.
fn broken_export() -> String {
    let mut text = String::from("Issue key,Summary,Issue Type,Status,Description\n");
    for i in 1..=100 {
        match i {
            40 => text.push_str("CHK-40,\"Summary with a stray quote,Story,To Do,\n"),
            10 => text.push_str("CHK-10,Ten,Story,Done,\"two\nlines, \"\"quoted\"\"\"\n"),
            _ => text.push_str(&format!("CHK-{i},Item {i},Story,To Do,plain\n")),
        }
    }
    text
}

#[test]
fn an_unbalanced_quote_is_an_error_at_its_line_and_nothing_is_written() {
    let site = Site::fixture("data-import");
    site.write("content/team/backlog.toml", "# the team's own file\n");
    site.write("broken.csv", broken_export());
    let run = site.run(&["import", "jira", "broken.csv", "--force"]);
    run.failure()
        .stderr_has(
            "broken.csv:42: error: malformed CSV row: a quote opened on this row is never closed",
        )
        .stderr_has("pass --skip-bad-rows to import the other rows");
    assert_eq!(
        run.stderr.matches("error: malformed").count(),
        1,
        "{}",
        run.stderr
    );
    assert_eq!(
        site.read("content/team/backlog.toml"),
        "# the team's own file\n"
    );
    assert!(!site.exists("content/team/sprints.toml"));

    let run = site.run(&["import", "jira", "broken.csv", "--force", "--skip-bad-rows"]);
    run.success().stderr_has(
        "broken.csv:42: warning: row skipped: malformed row: a quote opened on this row is never closed",
    );
    assert!(
        run.stdout
            .contains("Read 100 rows (lines 2-102): 99 imported, 0 dropped, 1 skipped"),
        "{}",
        run.stdout
    );
    let items = items(&site, "content/team/backlog.toml");
    assert_eq!(items.len(), 99);
    assert!(items.contains_key("CHK-41") && items.contains_key("CHK-100"));
    assert_eq!(
        string(&items["CHK-10"], "description").as_deref(),
        Some("two\nlines, \"quoted\"")
    );
}

#[test]
fn utf16_and_bom_exports_import_like_utf8() {
    let text = "Issue key,Summary,Status\nCHK-1,Café crème,Done\nCHK-2,Naïve,To Do\n";
    for (name, bytes) in [
        ("le.csv", {
            let mut b = vec![0xFF, 0xFE];
            b.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            b
        }),
        ("be.csv", {
            let mut b = vec![0xFE, 0xFF];
            b.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
            b
        }),
        (
            "bom.csv",
            [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        ),
    ] {
        let site = Site::fixture("data-import");
        site.write(name, bytes);
        site.run(&["import", "jira", name]).success();
        let items = items(&site, "content/team/backlog.toml");
        assert_eq!(
            string(&items["CHK-1"], "title").as_deref(),
            Some("Café crème"),
            "{name}"
        );
    }
    let site = Site::fixture("data-import");
    site.write("latin1.csv", b"Issue key,Summary\nCHK-1,Caf\xe9\n");
    site.run(&["import", "jira", "latin1.csv"])
        .failure()
        .stderr_has("latin1.csv:2:10: error: the file is not valid UTF-8 or UTF-16");
}

#[test]
fn empty_files_missing_keys_and_repeated_keys_are_named_with_lines() {
    let site = Site::fixture("data-import");
    site.write("empty.csv", "");
    site.run(&["import", "jira", "empty.csv"])
        .failure()
        .stderr_has("empty.csv:1: error: the CSV file is empty");
    site.write("nokey.csv", "Key,Title\nA-1,One\n");
    site.run(&["import", "jira", "nokey.csv"])
        .failure()
        .stderr_has("nokey.csv:1: error: the CSV has no columns `Issue key`, `Summary`")
        .stderr_has("columns present: Key, Title");
    site.write(
        "twice.csv",
        "Issue key,Summary,Status,Description\nCHK-1,One,Done,\"a\nb\"\nCHK-1,Again,To Do,\n",
    );
    site.run(&["import", "jira", "twice.csv"])
        .success()
        .stderr_has("twice.csv:4: warning: row skipped: CHK-1 appears again (first at line 2); this row is left out");
    assert!(
        !site.exists("content/team/sprints.toml"),
        "no sprints named"
    );
}

#[test]
fn existing_files_are_kept_without_force_and_replaced_together_with_it() {
    let site = Site::fixture("data-import");
    site.write("content/team/sprints.toml", "# kept\n");
    let run = site.run(&["import", "jira", "jira-export.csv"]);
    run.failure()
        .stderr_has("sprints.toml: error: the file exists; nothing was written");
    assert!(!site.exists("content/team/backlog.toml"), "all or nothing");
    assert_eq!(site.read("content/team/sprints.toml"), "# kept\n");
    site.run(&["import", "jira", "jira-export.csv", "--force"])
        .success();
    assert!(
        site.read("content/team/sprints.toml")
            .contains("schema = \"sprints\"")
    );
    let names: Vec<String> = std::fs::read_dir(site.path().join("content/team"))
        .expect("lists")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "no temporary files: {names:?}");
    site.run(&[
        "import",
        "jira",
        "jira-export.csv",
        "--no-sprints",
        "-o",
        "exports/backlog.toml",
    ])
    .success();
    assert!(!site.exists("exports/sprints.toml"));
}

#[test]
fn the_fixture_import_reports_rows_columns_and_checks() {
    let site = Site::fixture("data-import");
    let run = site.run(&[
        "import",
        "jira",
        "jira-export.csv",
        "--team",
        "Checkout squad",
        "--status-map",
        "Parked=ready, Nope=done",
    ]);
    run.success()
        .stderr_has("jira-export.csv:16: warning: row skipped: CHK-22: no Summary")
        .stderr_has("jira-export.csv:9: warning: CHK-15: story points 2.5 rounded to 3")
        .stderr_has(
            "warning: --status-map entry \"nope\" matched no status or resolution in the export",
        );
    let expected = "Imported 13 items into ./content/team/backlog.toml and 3 sprints into ./content/team/sprints.toml
Read 15 rows (lines 2-18): 13 imported, 0 dropped, 2 skipped; 9 done points
Check by hand:
  - sprint start and end dates are estimated from the resolved dates of each sprint's items (the export has no sprint dates): correct them from the tracker
  - each sprint's goal is its name: write the real goal
  - committed points are the points of every item that was in the sprint, carried over or not, as they are now (the export keeps no history)
Columns used: Summary, Issue key, Issue id, Issue Type, Status, Priority, Resolution, Assignee, Created, Updated, Labels ×2, Sprint ×2, Custom field (Story Points), Custom field (Epic Link), Parent id, Status Category, Description
Columns ignored: Project key, Project name, Reporter
";
    assert_eq!(run.stdout, expected);
    let items = items(&site, "content/team/backlog.toml");
    assert_eq!(string(&items["CHK-21"], "status").as_deref(), Some("ready"));
    site.build().success();
    assert!(
        site.read("public/team/backlog/chk-10/index.html")
            .contains("CHK-10: Saved cards")
    );
    site.run(&[
        "import",
        "jira",
        "jira-export.csv",
        "--status-map",
        "Parked=later",
    ])
    .failure()
    .stderr_has("error: --status-map target `later` for \"Parked\" is not known");
    site.run(&[
        "import",
        "jira",
        "jira-export.csv",
        "-o",
        "content/team/backlog.yaml",
    ])
    .failure()
    .stderr_has("error: the backlog is written as TOML, so -o must name a .toml file");
}

/// The JSON a `rolebookSearchData("name", JSON);` index file carries.
fn index_payload(text: &str) -> serde_json::Value {
    let start = text.find(',').expect("comma") + 1;
    let end = text.rfind(");").expect("end");
    serde_json::from_str(&text[start..end]).expect("json")
}

#[test]
fn imported_items_are_in_the_search_index_with_their_type() {
    let site = Site::fixture("data-import");
    site.run(&["import", "jira", "jira-export.csv"]).success();
    site.build().success();
    let meta = index_payload(&site.read("public/search/meta.js"));
    let ids = meta["ids"].as_object().expect("ids");
    assert_eq!(ids.len(), 13, "every item: {ids:?}");
    let doc_of = |id: &str| {
        let n = ids[id].as_u64().expect("doc number") as usize;
        let mut seen = 0;
        for i in 0.. {
            let chunk = index_payload(&site.read(&format!("public/search/d-{i}.js")));
            let docs = chunk.as_array().expect("chunk").clone();
            if n < seen + docs.len() {
                return docs[n - seen].clone();
            }
            seen += docs.len();
        }
        unreachable!()
    };
    let story = doc_of("chk-11");
    assert_eq!(story[0], "team/backlog/chk-10/#chk-11");
    assert_eq!(story[1], "CHK-11: Save a card at checkout");
    assert_eq!(story[4], "item");
    let epic = doc_of("chk-10");
    assert_eq!(
        (epic[0].as_str(), epic[4].as_str()),
        (Some("team/backlog/chk-10/"), Some("epic"))
    );
    // The description is searchable: "successful" is only in CHK-11's.
    let shard = index_payload(&site.read("public/search/t-s.js"));
    let postings = shard["successful"].as_array().expect("term indexed");
    assert_eq!(postings[0], 1, "one document has it");
    // The generated pages are results too.
    let all: Vec<serde_json::Value> = (0..)
        .map_while(|i| {
            let path = format!("public/search/d-{i}.js");
            site.exists(&path).then(|| index_payload(&site.read(&path)))
        })
        .flat_map(|c| c.as_array().cloned().unwrap_or_default())
        .collect();
    let pages: Vec<(&str, &str)> = all
        .iter()
        .filter(|d| d[4] == "data")
        .map(|d| (d[0].as_str().unwrap_or(""), d[1].as_str().unwrap_or("")))
        .collect();
    assert_eq!(
        pages,
        [("team/backlog/", "Backlog"), ("team/sprints/", "Sprints")]
    );
}

#[test]
fn a_stray_quote_in_the_last_column_costs_one_row_not_the_next() {
    let mut text = String::from("Issue key,Summary,Status,Description\n");
    for i in 1..=100 {
        if i == 40 {
            text.push_str("CHK-40,Forty,To Do,\"Stray quote, never closed\n");
        } else {
            text.push_str(&format!(
                "CHK-{i},Item {i},To Do,\"Said \"\"{i}\"\", twice\"\n"
            ));
        }
    }
    let site = Site::fixture("data-import");
    site.write("stray.csv", &text);
    site.run(&["import", "jira", "stray.csv"])
        .failure()
        .stderr_has("stray.csv:41: error: malformed CSV row: a quoted cell closes at line 42");
    assert!(!site.exists("content/team/backlog.toml"));
    let run = site.run(&["import", "jira", "stray.csv", "--skip-bad-rows"]);
    run.success();
    assert!(
        run.stdout
            .contains("Read 100 rows (lines 2-101): 99 imported, 0 dropped, 1 skipped"),
        "{}",
        run.stdout
    );
    let items = items(&site, "content/team/backlog.toml");
    assert_eq!(
        string(&items["CHK-41"], "description").as_deref(),
        Some("Said \"41\", twice")
    );
}

#[test]
fn a_second_sprints_file_in_the_folder_is_refused() {
    let site = Site::fixture("data-import");
    site.write(
        "content/team/iterations.yaml",
        "schema: sprints\nsprint:\n  - number: 1\n    start: 2026-01-05\n    end: 2026-01-16\n    goal: First\n    committed: 3\n    completed: 3\n",
    );
    site.run(&["import", "jira", "jira-export.csv"])
        .failure()
        .stderr_has("content/team/iterations.yaml already holds a sprints file; a second one in the same folder would clash")
        .stderr_has("pass --no-sprints to keep that file");
    assert!(!site.exists("content/team/backlog.toml"));
    // Without the sprints file, the site's sprints lack the items' numbers.
    site.run(&["import", "jira", "jira-export.csv", "--no-sprints"])
        .failure()
        .stderr_has("backlog.toml:26:10: error: item CHK-11 names sprint 24, which is not in any sprints file")
        .stderr_has("nothing was written: the site would not build with this file");
    assert!(!site.exists("content/team/backlog.toml"));
    // Into a folder of a site without sprints, --no-sprints leaves a reminder.
    let site = Site::fixture("data-import");
    let run = site.run(&["import", "jira", "jira-export.csv", "--no-sprints"]);
    run.success();
    assert!(run.stdout.contains(
        "Check by hand:\n  - items name 3 sprints and no sprints file was written (--no-sprints)"
    ), "{}", run.stdout);
    site.build().success();
}

#[test]
fn ids_another_backlog_of_the_site_has_are_refused_before_writing() {
    let site = Site::fixture("data-import");
    site.write(
        "content/web/backlog.toml",
        "schema = \"backlog\"\n\n[[item]]\nid = \"CHK-12\"\ntitle = \"Taken\"\nkind = \"story\"\nstatus = \"ready\"\nrank = 1\n",
    );
    let run = site.run(&["import", "jira", "jira-export.csv"]);
    run.failure()
        .stderr_has("CHK-12")
        .stderr_has("nothing was written: the site would not build with this file");
    assert!(!site.exists("content/team/backlog.toml"));
    assert!(!site.exists("content/team/sprints.toml"));
    // Outside the content folder the file is not part of the site.
    site.run(&[
        "import",
        "jira",
        "jira-export.csv",
        "-o",
        "exports/backlog.toml",
    ])
    .success();
    assert!(site.exists("exports/sprints.toml"));
}

#[test]
fn a_new_site_takes_an_import_in_place_of_its_sample_backlog() {
    let site = Site::empty();
    site.run(&["init"]).success();
    let export =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/data-import/jira-export.csv");
    std::fs::copy(export, site.path().join("jira-export.csv")).expect("copy");
    let sample = site.read("content/team/backlog.toml");
    site.run(&["import", "jira", "jira-export.csv"])
        .failure()
        .stderr_has("content/team/backlog.toml: error: the file exists; nothing was written");
    assert_eq!(site.read("content/team/backlog.toml"), sample);
    site.run(&["import", "jira", "jira-export.csv", "--force"])
        .success();
    // The starter's backlog page now shows the team's items, and the
    // site builds with one backlog and its sprints.
    site.build().success();
    let page = site.read("public/guide/backlog/index.html");
    let backlog = site.read("content/team/backlog.toml");
    let first = backlog
        .lines()
        .find_map(|l| l.strip_prefix("id = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("an item id");
    assert!(page.contains(first), "{first} not on the page");
    assert!(!page.contains("PB-1"), "the sample is gone");
}
