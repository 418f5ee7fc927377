//! The shipped handbook agrees with its own data: every figure a page
//! states in plain text next to an item, initiative, sprint or metric
//! (points, "X of Y", statuses, dates, percentages, TOML examples) is
//! compared with content/team/*.toml. Figures written with the fact
//! shortcodes (`{{ item(...) }}`) come from the data by construction and
//! are not scanned. Also: every page but a section index has more than 400
//! words of body text, and `rolebook check` on the handbook is clean.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use regex::Regex;
use toml::Value;

use crate::support::Site;

/// The four data files, as tables keyed by id (sprints by number).
struct Data {
    items: BTreeMap<String, toml::Table>,
    initiatives: BTreeMap<String, toml::Table>,
    sprints: BTreeMap<i64, toml::Table>,
    metrics: BTreeMap<String, Vec<(String, f64, Option<f64>)>>,
}

impl Data {
    fn load(team: &Path) -> Data {
        let read = |name: &str| -> toml::Table {
            let path = team.join(name);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
            text.parse()
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        };
        let list = |table: &toml::Table, key: &str| -> Vec<toml::Table> {
            table
                .get(key)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|v| v.as_table().cloned()).collect())
                .unwrap_or_default()
        };
        let by_id = |entries: Vec<toml::Table>| -> BTreeMap<String, toml::Table> {
            entries.into_iter().map(|t| (text(&t, "id"), t)).collect()
        };
        let sprints = list(&read("sprints.toml"), "sprint")
            .into_iter()
            .map(|t| (int(&t, "number").expect("sprint number"), t))
            .collect();
        let metrics = list(&read("metrics.toml"), "metric")
            .into_iter()
            .map(|m| {
                let points = m
                    .get("points")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_table)
                    .map(|p| {
                        (
                            text(p, "period"),
                            num(p, "value").expect("value"),
                            num(p, "target"),
                        )
                    })
                    .collect();
                (text(&m, "id"), points)
            })
            .collect();
        Data {
            items: by_id(list(&read("backlog.toml"), "item")),
            initiatives: by_id(list(&read("roadmap.toml"), "initiative")),
            sprints,
            metrics,
        }
    }

    fn sprint_dates(&self, n: i64) -> Option<(NaiveDate, NaiveDate)> {
        let s = self.sprints.get(&n)?;
        Some((date(s, "start")?, date(s, "end")?))
    }
}

fn text(t: &toml::Table, key: &str) -> String {
    t.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn int(t: &toml::Table, key: &str) -> Option<i64> {
    t.get(key).and_then(Value::as_integer)
}

fn num(t: &toml::Table, key: &str) -> Option<f64> {
    match t.get(key)? {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn date(t: &toml::Table, key: &str) -> Option<NaiveDate> {
    match t.get(key)? {
        Value::Datetime(d) => d.to_string().parse().ok(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Something a sentence is about, at a byte position in it.
#[derive(Debug, Clone)]
enum Mention {
    Item(String),
    Initiative(String),
    Sprint(i64),
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

const METRIC_WORDS: &[(&str, &str)] = &[
    ("conversion", "checkout-conversion"),
    ("payment failure", "payment-failures"),
    ("failure rate", "payment-failures"),
    ("csat", "csat"),
    ("satisfaction", "csat"),
    ("market share", "market-share"),
    ("share of online", "market-share"),
    ("revenue growth", "revenue-growth"),
];

const DONE_WORDS: &str =
    r"\b(done|accepted|shipped|delivered|finished|released|went live|is live|are live|upgraded)\b";

struct Patterns {
    item: Regex,
    initiative: Regex,
    sprint: Regex,
    points: Regex,
    x_of_y: Regex,
    sprint_verb: Regex,
    done: Regex,
    done_in_sprint: Regex,
    carried: Regex,
    date: Regex,
    iso: Regex,
    percent: Regex,
    quarter: Regex,
    year: Regex,
    initiative_status: Regex,
    item_status: Regex,
    shortcode: Regex,
}

impl Patterns {
    fn new() -> Patterns {
        let re = |p: &str| Regex::new(p).expect("pattern");
        let month = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
        Patterns {
            item: re(r"\bPB-\d+\b"),
            initiative: re(r"\bEP-\d+\b"),
            sprint: re(r"(?i)\bsprint (\d+)\b"),
            points: re(r"(?i)\b(\d+|one|two|three|five|eight|thirteen)[ -]points?\b"),
            x_of_y: re(r"\b(\d+) of (\d+)\b"),
            sprint_verb: re(r"(?i)\b(finished|completed|forecast|committed)(?: to)? (\d+)\b"),
            done: re(&format!("(?i){DONE_WORDS}")),
            done_in_sprint: re(&format!(r"(?i){DONE_WORDS}[^.;]*?\bin sprint (\d+)")),
            carried: re(r"(?i)\bcarried over\b"),
            date: re(&format!(
                r"(?i)\b(\d{{1,2}})(?:\s?[-–]\s?(\d{{1,2}})| to (\d{{1,2}}))? {month}\b(?: (\d{{4}}))?"
            )),
            iso: re(r"\b(\d{4})-(\d{2})-(\d{2})\b"),
            percent: re(r"(\d+(?:\.\d+)?)\s?%"),
            quarter: re(
                r"(?i)\b(?:(first|second|third|fourth) quarter(?: of (\d{4}))?|Q([1-4])(?: (\d{4}))?|(\d{4})-Q([1-4]))\b",
            ),
            year: re(r"\b(20\d\d)\b"),
            initiative_status: re(
                r"(?i)\b(?:is|was|are|stays|remains|now|marked)\s+(at risk|on track|done|planned)\b",
            ),
            item_status: re(
                r"(?i)\b(?:is|was|are|now|still)\s+(in progress|in review|ready|in the backlog)\b",
            ),
            shortcode: re(r"\{\{.*?\}\}"),
        }
    }
}

fn word_number(w: &str) -> Option<i64> {
    Some(match w.to_lowercase().as_str() {
        "one" => 1,
        "two" => 2,
        "three" => 3,
        "five" => 5,
        "eight" => 8,
        "thirteen" => 13,
        n => n.parse().ok()?,
    })
}

/// Problems in one page, as `path:line: message`.
fn check_page(display: &str, source: &str, data: &Data, p: &Patterns) -> Vec<String> {
    let mut problems = Vec::new();
    let body_start = front_matter_lines(source);
    let mut fence: Option<(String, usize, String)> = None;
    for (index, line) in source.lines().enumerate().skip(body_start) {
        let number = index + 1;
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            match fence.take() {
                Some((lang, start, block)) => {
                    if lang == "toml" {
                        check_toml(display, start, &block, data, &mut problems);
                    }
                }
                None => {
                    let lang = trimmed.trim_start_matches('`').trim().to_owned();
                    fence = Some((lang, number, String::new()));
                }
            }
            continue;
        }
        if let Some((lang, _, block)) = &mut fence {
            block.push_str(line);
            block.push('\n');
            if lang == "toml" {
                continue;
            }
        }
        let line = p.shortcode.replace_all(line, " ");
        for unit in units(&line) {
            for message in check_unit(unit, data, p) {
                problems.push(format!("{display}:{number}: {message}"));
            }
        }
    }
    problems
}

/// The number of lines the front matter takes, fences included.
fn front_matter_lines(source: &str) -> usize {
    let mut lines = source.lines();
    match lines.next() {
        Some(fence @ ("+++" | "---")) => lines.position(|l| l == fence).map_or(0, |i| i + 2),
        _ => 0,
    }
}

/// A line cut into sentences; a table row stays whole.
fn units(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    // A table row is one statement: its cells name the thing and its figures.
    if line.trim_start().starts_with('|') {
        return vec![line];
    }
    for cell in [line] {
        let mut start = 0;
        let bytes = cell.as_bytes();
        for i in 0..bytes.len() {
            let end_of_sentence = matches!(bytes[i], b'.' | b'?' | b'!' | b';')
                && bytes.get(i + 1) == Some(&b' ')
                && bytes
                    .get(i + 2)
                    .is_some_and(|c| c.is_ascii_uppercase() || *c == b'[');
            if end_of_sentence {
                out.push(&cell[start..=i]);
                start = i + 1;
            }
        }
        out.push(&cell[start..]);
    }
    out
}

fn mentions(unit: &str, p: &Patterns) -> Vec<(usize, Mention)> {
    let mut found: Vec<(usize, Mention)> = Vec::new();
    // `[PB-126](@backlog/PB-126)` names PB-126 once, at the link text.
    let visible = Regex::new(r"\]\(@[^)]*\)").expect("pattern");
    let text = visible.replace_all(unit, |c: &regex::Captures| " ".repeat(c[0].len()));
    for m in p.item.find_iter(&text) {
        found.push((m.start(), Mention::Item(m.as_str().to_owned())));
    }
    for m in p.initiative.find_iter(&text) {
        found.push((m.start(), Mention::Initiative(m.as_str().to_owned())));
    }
    for c in p.sprint.captures_iter(&text) {
        let n = c[1].parse().unwrap_or(-1);
        found.push((c.get(0).map_or(0, |m| m.start()), Mention::Sprint(n)));
    }
    found.sort_by_key(|(at, _)| *at);
    found
}

/// What a points figure at `at` belongs to: the nearest mention before
/// it, except that "in sprint 24" after an item says when, not whose.
fn points_owner<'a>(unit: &str, found: &'a [(usize, Mention)], at: usize) -> Option<&'a Mention> {
    let mut earlier = found.iter().rev().filter(|(pos, _)| *pos < at);
    let (pos, nearest) = earlier.next()?;
    let adverbial = matches!(nearest, Mention::Sprint(_))
        && ["in ", "into ", "from "]
            .iter()
            .any(|w| unit[..*pos].ends_with(w));
    if adverbial {
        if let Some((_, item @ Mention::Item(_))) = earlier.next() {
            return Some(item);
        }
    }
    Some(nearest)
}

/// The mention nearest before `at`, if any.
fn before(found: &[(usize, Mention)], at: usize) -> Option<&Mention> {
    found
        .iter()
        .rev()
        .find(|(pos, _)| *pos < at)
        .map(|(_, m)| m)
}

fn check_unit(unit: &str, data: &Data, p: &Patterns) -> Vec<String> {
    let found = mentions(unit, p);
    let mut out = Vec::new();
    let metric = metric_named(unit);
    if found.is_empty() && metric.is_none() {
        return out;
    }
    for (_, m) in &found {
        let missing = match m {
            Mention::Item(id) => !data.items.contains_key(id),
            Mention::Initiative(id) => !data.initiatives.contains_key(id),
            Mention::Sprint(_) => false,
        };
        if missing {
            out.push(format!("{m:?} is not in the data"));
        }
    }
    check_points(unit, &found, data, p, &mut out);
    check_statuses(unit, &found, data, p, &mut out);
    check_dates(unit, &found, data, p, &mut out);
    if let Some(metric) = metric {
        check_percentages(unit, metric, data, p, &mut out);
    }
    out
}

fn check_points(
    unit: &str,
    found: &[(usize, Mention)],
    data: &Data,
    p: &Patterns,
    out: &mut Vec<String>,
) {
    for c in p.points.captures_iter(unit) {
        let at = c.get(0).map_or(0, |m| m.start());
        let Some(n) = word_number(&c[1]) else {
            continue;
        };
        let preceded_by_change = unit[..at].trim_end().to_lowercase().ends_with("up")
            || unit[..at].trim_end().to_lowercase().ends_with("by");
        // "30 points a sprint" is a rate, not the size of what came before.
        let after = &unit[c.get(0).map_or(0, |m| m.end())..];
        let rate = [" a sprint", " per sprint", " a week", " an hour"]
            .iter()
            .any(|w| after.starts_with(w));
        if preceded_by_change || rate {
            continue;
        }
        match points_owner(unit, found, at) {
            Some(Mention::Item(id)) => {
                let Some(item) = data.items.get(id) else {
                    continue;
                };
                match int(item, "points") {
                    Some(points) if points == n => {}
                    Some(points) => out.push(format!(
                        "{id} is quoted at {n} points; the backlog says {points}"
                    )),
                    None => out.push(format!(
                        "{id} is quoted at {n} points; the backlog gives it none"
                    )),
                }
            }
            Some(Mention::Sprint(s)) => {
                let Some(sprint) = data.sprints.get(s) else {
                    continue;
                };
                let known = ["committed", "completed", "scope"].map(|k| int(sprint, k));
                if !known.contains(&Some(n)) {
                    out.push(format!(
                        "sprint {s} is quoted with {n} points; sprints.toml has committed {}, completed {}",
                        int(sprint, "committed").unwrap_or(0),
                        int(sprint, "completed").unwrap_or(0)
                    ));
                }
            }
            _ => {}
        }
    }
    for c in p.sprint_verb.captures_iter(unit) {
        let at = c.get(0).map_or(0, |m| m.start());
        // "finished 28 of 32" is the "X of Y" check's.
        if unit[c.get(0).map_or(0, |m| m.end())..].starts_with(" of ") {
            continue;
        }
        let n: i64 = c[2].parse().unwrap_or(-1);
        if let Some(Mention::Sprint(s)) = before(found, at) {
            let Some(sprint) = data.sprints.get(s) else {
                continue;
            };
            let verb = c[1].to_lowercase();
            let key = if verb == "finished" || verb == "completed" {
                "completed"
            } else {
                "committed"
            };
            if int(sprint, key) != Some(n) {
                out.push(format!(
                    "sprint {s} is quoted as {verb} {n}; sprints.toml has {key} = {}",
                    int(sprint, key).unwrap_or(0)
                ));
            }
        }
    }
    for c in p.x_of_y.captures_iter(unit) {
        let at = c.get(0).map_or(0, |m| m.start());
        let (x, y): (i64, i64) = (c[1].parse().unwrap_or(-1), c[2].parse().unwrap_or(-1));
        if let Some(Mention::Sprint(s)) = before(found, at) {
            let Some(sprint) = data.sprints.get(s) else {
                continue;
            };
            let (done, planned) = (int(sprint, "completed"), int(sprint, "committed"));
            if (Some(x), Some(y)) != (done, planned) {
                out.push(format!(
                    "sprint {s} is quoted as {x} of {y}; sprints.toml has {} of {} points",
                    done.unwrap_or(0),
                    planned.unwrap_or(0)
                ));
            }
        }
    }
}

fn check_statuses(
    unit: &str,
    found: &[(usize, Mention)],
    data: &Data,
    p: &Patterns,
    out: &mut Vec<String>,
) {
    let negated = |at: usize| {
        let head = unit[..at].to_lowercase();
        head.ends_with("not ") || head.ends_with("not yet ") || head.ends_with("no longer ")
    };
    for m in p.done.find_iter(unit) {
        if negated(m.start()) {
            continue;
        }
        if let Some(Mention::Item(id)) = before(found, m.start()) {
            let Some(item) = data.items.get(id) else {
                continue;
            };
            let status = text(item, "status");
            if status != "done" {
                out.push(format!(
                    "{id} is quoted as {}; the backlog says {status}",
                    m.as_str()
                ));
            }
        }
    }
    for c in p.item_status.captures_iter(unit) {
        let at = c.get(1).map_or(0, |m| m.start());
        if let Some(Mention::Item(id)) = before(found, at) {
            let Some(item) = data.items.get(id) else {
                continue;
            };
            let want = match c[1].to_lowercase().as_str() {
                "in progress" => "in-progress",
                "in review" => "review",
                "ready" => "ready",
                _ => "backlog",
            };
            let status = text(item, "status");
            if status != want {
                out.push(format!(
                    "{id} is quoted as {}; the backlog says {status}",
                    &c[1]
                ));
            }
        }
    }
    for c in p.done_in_sprint.captures_iter(unit) {
        let at = c.get(0).map_or(0, |m| m.start());
        let n: i64 = c[2].parse().unwrap_or(-1);
        if let Some(Mention::Item(id)) = before(found, at) {
            let Some(item) = data.items.get(id) else {
                continue;
            };
            if int(item, "sprint") != Some(n) {
                out.push(format!(
                    "{id} is quoted as {} in sprint {n}; the backlog puts it in sprint {}",
                    &c[1],
                    int(item, "sprint").map_or("none".to_owned(), |s| s.to_string())
                ));
            }
        }
    }
    for m in p.carried.find_iter(unit) {
        let ids = found.iter().filter_map(|(_, x)| match x {
            Mention::Item(id) => Some(id),
            _ => None,
        });
        for id in ids {
            let Some(item) = data.items.get(id) else {
                continue;
            };
            let (Some(sprint), Some(points)) = (int(item, "sprint"), int(item, "points")) else {
                out.push(format!(
                    "{id} is said to be {} but has no sprint or points",
                    m.as_str()
                ));
                continue;
            };
            let Some(before) = data.sprints.get(&(sprint - 1)) else {
                continue;
            };
            let left =
                int(before, "committed").unwrap_or(0) - int(before, "completed").unwrap_or(0);
            if points > left {
                out.push(format!(
                    "{id} ({points} points) is said to be carried over into sprint {sprint}, \
                     but sprint {} left only {left} committed points unfinished",
                    sprint - 1
                ));
            }
        }
    }
    for c in p.initiative_status.captures_iter(unit) {
        let at = c.get(1).map_or(0, |m| m.start());
        if negated(at) {
            continue;
        }
        if let Some(Mention::Initiative(id)) = before(found, at) {
            let Some(i) = data.initiatives.get(id) else {
                continue;
            };
            let want = c[1].to_lowercase().replace(' ', "-");
            let status = text(i, "status");
            if status != want {
                out.push(format!(
                    "{id} is quoted as {}; the roadmap says {status}",
                    &c[1]
                ));
            }
        }
    }
}

fn check_dates(
    unit: &str,
    found: &[(usize, Mention)],
    data: &Data,
    p: &Patterns,
    out: &mut Vec<String>,
) {
    let year_of_unit = p
        .year
        .captures(unit)
        .and_then(|c| c[1].parse().ok())
        .unwrap_or(2026);
    let mut dates: Vec<(usize, NaiveDate, Option<NaiveDate>)> = Vec::new();
    for c in p.date.captures_iter(unit) {
        let month = MONTHS
            .iter()
            .position(|m| c[4].to_lowercase().starts_with(m))
            .map_or(1, |i| i as u32 + 1);
        let year = c
            .get(5)
            .and_then(|y| y.as_str().parse().ok())
            .unwrap_or(year_of_unit);
        let day = |s: &str| NaiveDate::from_ymd_opt(year, month, s.parse().unwrap_or(0));
        let Some(first) = day(&c[1]) else { continue };
        let second = c.get(2).or(c.get(3)).and_then(|d| day(d.as_str()));
        dates.push((c.get(0).map_or(0, |m| m.start()), first, second));
    }
    for c in p.iso.captures_iter(unit) {
        let parts: Vec<u32> = (1..=3).map(|i| c[i].parse().unwrap_or(0)).collect();
        if let Some(d) = NaiveDate::from_ymd_opt(parts[0] as i32, parts[1], parts[2]) {
            dates.push((c.get(0).map_or(0, |m| m.start()), d, None));
        }
    }
    for (at, first, second) in dates {
        match before(found, at) {
            Some(Mention::Sprint(n)) => {
                let Some((start, end)) = data.sprint_dates(*n) else {
                    continue;
                };
                let ok = match second {
                    Some(second) => (first.day(), second) == (start.day(), end),
                    None => first == start || first == end,
                };
                if !ok {
                    out.push(format!(
                        "sprint {n} is dated {first}; sprints.toml has {start} to {end}"
                    ));
                }
            }
            Some(Mention::Initiative(id)) => {
                let Some(i) = data.initiatives.get(id) else {
                    continue;
                };
                let (start, end) = (date(i, "start"), date(i, "end"));
                if second.is_none() && Some(first) != start && Some(first) != end {
                    out.push(format!(
                        "{id} is dated {first}; the roadmap has {} to {}",
                        start.map_or("?".into(), |d| d.to_string()),
                        end.map_or("?".into(), |d| d.to_string())
                    ));
                }
            }
            Some(Mention::Item(id)) => {
                let Some(item) = data.items.get(id) else {
                    continue;
                };
                let Some(n) = int(item, "sprint") else {
                    continue;
                };
                let Some((start, end)) = data.sprint_dates(n) else {
                    continue;
                };
                let last = second.unwrap_or(first);
                if first < start || last > end {
                    out.push(format!(
                        "{id} is dated {first}, outside its sprint {n} ({start} to {end})"
                    ));
                }
            }
            None => {}
        }
    }
}

/// The metric a sentence talks about, by its words.
fn metric_named(unit: &str) -> Option<&'static str> {
    let lower = unit.to_lowercase();
    METRIC_WORDS
        .iter()
        .filter_map(|(word, id)| lower.find(word).map(|at| (at, *id)))
        .min()
        .map(|(_, id)| id)
}

fn check_percentages(unit: &str, metric: &str, data: &Data, p: &Patterns, out: &mut Vec<String>) {
    let Some(points) = data.metrics.get(metric) else {
        return;
    };
    let periods: Vec<String> = p
        .quarter
        .captures_iter(unit)
        .filter_map(|c| {
            let (q, year) = if let Some(word) = c.get(1) {
                let q = ["first", "second", "third", "fourth"]
                    .iter()
                    .position(|w| w.eq_ignore_ascii_case(word.as_str()))?
                    + 1;
                (q, c.get(2).map(|y| y.as_str().to_owned()))
            } else if let Some(q) = c.get(3) {
                (
                    q.as_str().parse().ok()?,
                    c.get(4).map(|y| y.as_str().to_owned()),
                )
            } else {
                (c[6].parse().ok()?, Some(c[5].to_owned()))
            };
            let year = year.or_else(|| p.year.captures(unit).map(|y| y[1].to_owned()))?;
            Some(format!("{year}-Q{q}"))
        })
        .collect();
    // A percentage an initiative's outcome or description states is a
    // figure of the data too (a baseline or target of a segment).
    let outcomes: String = data
        .initiatives
        .values()
        .flat_map(|i| [text(i, "outcome"), text(i, "description")])
        .collect::<Vec<_>>()
        .join(" ");
    for c in p.percent.captures_iter(unit) {
        let Ok(value) = c[1].parse::<f64>() else {
            continue;
        };
        if outcomes.contains(&c[0]) {
            continue;
        }
        let in_period = |period: &String| periods.is_empty() || periods.contains(period);
        let known = points
            .iter()
            .filter(|(period, ..)| in_period(period))
            .any(|(_, v, t)| {
                (v - value).abs() < 0.05 || t.is_some_and(|t| (t - value).abs() < 0.05)
            });
        if !known {
            let scope = if periods.is_empty() {
                "any quarter".to_owned()
            } else {
                periods.join(", ")
            };
            out.push(format!(
                "{} is quoted for {metric}, but no value or target of {scope} is {}",
                &c[0], &c[1]
            ));
        }
    }
}

/// A ```toml block of `[[item]]`, `[[initiative]]` or `[[sprint]]` entries
/// must repeat the data: every key it shows has the value the file has.
fn check_toml(display: &str, start: usize, block: &str, data: &Data, out: &mut Vec<String>) {
    let Ok(table) = block.parse::<toml::Table>() else {
        return;
    };
    for (key, entries) in &table {
        let Some(entries) = entries.as_array() else {
            continue;
        };
        for entry in entries.iter().filter_map(Value::as_table) {
            let real = match key.as_str() {
                "item" => data.items.get(&text(entry, "id")),
                "initiative" => data.initiatives.get(&text(entry, "id")),
                "sprint" => int(entry, "number").and_then(|n| data.sprints.get(&n)),
                _ => continue,
            };
            let Some(real) = real else {
                out.push(format!(
                    "{display}:{start}: a [[{key}]] example names no entry of the data"
                ));
                continue;
            };
            for (field, value) in entry {
                if real.get(field) != Some(value) {
                    out.push(format!(
                        "{display}:{start}: the [[{key}]] example shows {field} = {value}; the data has {}",
                        real.get(field).map_or("nothing".to_owned(), Value::to_string)
                    ));
                }
            }
        }
    }
}

/// Every Markdown page under `content`, as (display path, text).
fn pages(content: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = walkdir::WalkDir::new(content)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(content.parent().unwrap_or(content))
                .unwrap_or(e.path());
            let text = std::fs::read_to_string(e.path()).expect("read page");
            (rel.display().to_string(), text)
        })
        .collect();
    out.sort();
    out
}

fn problems_in(root: &Path) -> Vec<String> {
    let data = Data::load(&root.join("content/team"));
    let patterns = Patterns::new();
    pages(&root.join("content"))
        .iter()
        .flat_map(|(display, text)| check_page(display, text, &data, &patterns))
        .collect()
}

/// Words of body text: the Markdown after the front matter, without code
/// blocks, shortcodes, HTML comments, link targets and table rules.
fn body_words(source: &str) -> usize {
    let body: Vec<&str> = source.lines().skip(front_matter_lines(source)).collect();
    let mut in_code = false;
    let mut words = 0;
    let strip = Regex::new(r"\{\{.*?\}\}|\{%.*?%\}|<!--.*?-->|\]\([^)]*\)").expect("pattern");
    for line in body {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        let line = strip.replace_all(line, " ");
        words += line
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count();
    }
    words
}

fn handbook_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn handbook_figures_agree_with_the_team_data() {
    let problems = problems_in(handbook_root());
    assert!(
        problems.is_empty(),
        "pages contradict content/team/*.toml:\n{}",
        problems.join("\n")
    );
}

#[test]
fn contradictions_of_each_kind_are_caught_with_their_line() {
    let site = Site::fixture("handbook-coherence");
    let problems = problems_in(site.path());
    let want = [
        "content/claims.md:8: PB-126 is dated 2026-11-03, outside its sprint 26 (2026-11-09 to 2026-11-20)",
        "content/claims.md:10: PB-131 is quoted at 13 points; the backlog says 5",
        "content/claims.md:12: PB-121 is quoted as is live; the backlog says review",
        "content/claims.md:14: PB-130 (8 points) is said to be carried over into sprint 26, but sprint 25 left only 2 committed points unfinished",
        "content/claims.md:16: sprint 25 is quoted as 28 of 32; sprints.toml has 30 of 32 points",
        "content/claims.md:18: 61.5% is quoted for checkout-conversion, but no value or target of 2026-Q3 is 61.5",
        "content/claims.md:20: EP-6 is quoted as on track; the roadmap says at-risk",
        "content/claims.md:22: PB-110 is quoted as done in sprint 23; the backlog puts it in sprint 24",
        "content/claims.md:24: sprint 26 is dated 2026-11-02; sprints.toml has 2026-11-09 to 2026-11-20",
        "content/claims.md:26: the [[item]] example shows acceptance = [\"Signed-in customers can change the slot\"]; the data has [\"Signed-in customers can change the slot\", \"The new slot is confirmed by email\"]",
        "content/claims.md:32: sprint 25 is quoted as finished 31; sprints.toml has completed = 30",
        "content/claims.md:34: sprint 26 is dated 2026-11-02; sprints.toml has 2026-11-09 to 2026-11-20",
    ];
    assert_eq!(problems, want);
}

#[test]
fn true_sentences_in_the_fixture_pass() {
    let site = Site::fixture("handbook-coherence");
    std::fs::remove_file(site.path().join("content/claims.md")).expect("remove");
    assert_eq!(problems_in(site.path()), Vec::<String>::new());
}

#[test]
fn every_page_but_a_section_index_has_over_400_words() {
    let short: Vec<String> = pages(&handbook_root().join("content"))
        .iter()
        .filter(|(path, _)| !path.ends_with("_index.md"))
        .map(|(path, text)| (path, body_words(text)))
        .filter(|(_, words)| *words <= 400)
        .map(|(path, words)| format!("{path}: {words} words"))
        .collect();
    assert!(
        short.is_empty(),
        "pages at 400 words or fewer:\n{}",
        short.join("\n")
    );
}

#[test]
fn body_words_skip_front_matter_code_and_shortcodes() {
    let page = "+++\ntitle = \"A B C\"\n+++\n\nOne two [three](@/x.md).\n\n```toml\na = 1\n```\n\
                {{ item(id=\"PB-1\", field=\"points\") }} four | --- |\n<!-- more -->\n";
    assert_eq!(body_words(page), 4);
}

#[test]
fn the_handbook_checks_without_errors_or_warnings() {
    let site = Site::empty();
    crate::support::copy_tree(
        &handbook_root().join("content"),
        &site.path().join("content"),
    );
    crate::support::copy_tree(&handbook_root().join("themes"), &site.path().join("themes"));
    std::fs::copy(
        handbook_root().join("rolebook.toml"),
        site.path().join("rolebook.toml"),
    )
    .expect("copy config");
    let run = site.run(&["check"]);
    run.success();
    assert!(
        !run.stderr.contains("warning:") && !run.stdout.contains("warning:"),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
}
