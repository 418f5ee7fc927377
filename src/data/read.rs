//! Reading one schema file's tree into its typed [`Schema`], with the
//! checks that need only that file: required keys, types, allowed values,
//! real dates with start on or before end, unique ids, ranks and periods.
//! Checks across files (references, ids found twice) are `check.rs`.

use std::collections::BTreeMap;
use std::fmt::Display;

use super::decode::{Decoder, Fields, value_at};
use super::node::{Node, Value};
use super::schema::{
    Backlog, Heading, Initiative, Item, Metric, MetricPoint, Metrics, Offsets, Period, Roadmap,
    Schema, Sprint, Sprints,
};
use crate::error::line_col;

/// The schema names a file may declare.
pub(crate) const SCHEMAS: &[&str] = &["backlog", "roadmap", "sprints", "metrics"];

pub(crate) const ITEM_KEYS: &[&str] = &[
    "id",
    "title",
    "kind",
    "status",
    "rank",
    "points",
    "epic",
    "sprint",
    "priority",
    "owner",
    "acceptance",
    "labels",
    "notes",
];
pub(crate) const ITEM_REQUIRED: &[&str] = &["id", "title", "kind", "status", "rank"];
const INITIATIVE_KEYS: &[&str] = &[
    "id",
    "title",
    "horizon",
    "status",
    "start",
    "end",
    "outcome",
    "owner",
    "description",
];
const INITIATIVE_REQUIRED: &[&str] = &[
    "id", "title", "horizon", "status", "start", "end", "outcome",
];
const SPRINT_KEYS: &[&str] = &[
    "number",
    "start",
    "end",
    "goal",
    "committed",
    "completed",
    "scope",
    "goal_met",
];
const SPRINT_REQUIRED: &[&str] = &["number", "start", "end", "goal", "committed", "completed"];
const METRIC_KEYS: &[&str] = &["id", "title", "unit", "direction", "description", "points"];
const METRIC_REQUIRED: &[&str] = &["id", "title", "unit", "direction"];
const POINT_KEYS: &[&str] = &["period", "value", "target"];
const POINT_REQUIRED: &[&str] = &["period", "value"];

/// Reads `root` as the schema `name` (one of [`SCHEMAS`]).
pub(crate) fn read(dec: &mut Decoder<'_>, root: &Node, name: &str) -> Schema {
    let (list_key, extra) = match name {
        "backlog" => ("item", Some("team")),
        "roadmap" => ("initiative", None),
        "sprints" => ("sprint", None),
        _ => ("metric", None),
    };
    let mut known = vec!["schema", "title", "description", list_key];
    known.extend(extra);
    let what = format!("the {name} file");
    let Some(f) = dec.table(root, what, &known, &[]) else {
        return empty(name);
    };
    let heading = Heading {
        title: dec.opt_str(&f, "title"),
        description: dec.opt_str(&f, "description"),
    };
    let entries: &[Node] = match f.get(list_key) {
        Some(list) => dec.list(list, list_key),
        None => &[],
    };
    match name {
        "backlog" => {
            let team = dec.opt_str(&f, "team");
            let items: Vec<Item> = entries
                .iter()
                .enumerate()
                .filter_map(|(i, n)| item(dec, n, i))
                .collect();
            unique(dec, items.iter().map(|i| (&i.id, i.at.id)), "id", "item");
            let ranks = items.iter().map(|i| (i.rank, i.at.rank));
            unique(dec, ranks.filter(|(r, _)| *r > 0), "rank", "item");
            Schema::Backlog(Backlog {
                heading,
                team,
                items,
            })
        }
        "roadmap" => {
            let initiatives: Vec<Initiative> = entries
                .iter()
                .enumerate()
                .filter_map(|(i, n)| initiative(dec, n, i))
                .collect();
            unique(
                dec,
                initiatives.iter().map(|i| (&i.id, i.at.id)),
                "id",
                "initiative",
            );
            Schema::Roadmap(Roadmap {
                heading,
                initiatives,
            })
        }
        "sprints" => {
            let sprints: Vec<Sprint> = entries
                .iter()
                .enumerate()
                .filter_map(|(i, n)| sprint(dec, n, i))
                .collect();
            unique(
                dec,
                sprints.iter().map(|s| (s.number, s.at.id)),
                "number",
                "sprint",
            );
            Schema::Sprints(Sprints { heading, sprints })
        }
        _ => {
            let metrics: Vec<Metric> = entries
                .iter()
                .enumerate()
                .filter_map(|(i, n)| metric(dec, n, i))
                .collect();
            unique(
                dec,
                metrics.iter().map(|m| (&m.id, m.at.id)),
                "id",
                "metric",
            );
            Schema::Metrics(Metrics { heading, metrics })
        }
    }
}

fn empty(name: &str) -> Schema {
    match name {
        "backlog" => Schema::Backlog(Backlog::default()),
        "roadmap" => Schema::Roadmap(Roadmap::default()),
        "sprints" => Schema::Sprints(Sprints::default()),
        _ => Schema::Metrics(Metrics::default()),
    }
}

/// "item PB-101" when the entry has a string id, else "item 3" (1-based).
fn name_of(node: &Node, noun: &str, key: &str, index: usize) -> String {
    match node.entry(key).map(|e| &e.node.value) {
        Some(Value::Str(id)) if !id.trim().is_empty() => format!("{noun} {id}"),
        Some(Value::Int(n)) => format!("{noun} {n}"),
        _ => format!("{noun} {}", index + 1),
    }
}

fn offsets(f: &Fields<'_>, id_key: &str) -> Offsets {
    Offsets {
        id: value_at(f, id_key),
        epic: value_at(f, "epic"),
        sprint: value_at(f, "sprint"),
        rank: value_at(f, "rank"),
    }
}

fn item(dec: &mut Decoder<'_>, node: &Node, index: usize) -> Option<Item> {
    let what = name_of(node, "item", "id", index);
    let f = dec.table(node, what, ITEM_KEYS, ITEM_REQUIRED)?;
    let id = dec.req_str(&f, "id");
    let item = Item {
        title: dec.req_str(&f, "title").unwrap_or_default(),
        kind: dec.req_choice(&f, "kind").unwrap_or_default(),
        status: dec.req_choice(&f, "status").unwrap_or_default(),
        rank: dec.req_uint(&f, "rank", 1).unwrap_or_default(),
        points: dec.opt_uint(&f, "points", 0),
        epic: dec.opt_str(&f, "epic"),
        sprint: dec.opt_uint(&f, "sprint", 0),
        priority: dec.opt_choice(&f, "priority"),
        owner: dec.opt_str(&f, "owner"),
        acceptance: dec.opt_strings(&f, "acceptance"),
        labels: dec.opt_strings(&f, "labels"),
        notes: dec.opt_str(&f, "notes"),
        at: offsets(&f, "id"),
        id: String::new(),
    };
    Some(Item { id: id?, ..item })
}

fn dates(
    dec: &mut Decoder<'_>,
    f: &Fields<'_>,
    noun: &str,
) -> (chrono::NaiveDate, chrono::NaiveDate) {
    let start = dec.req_date(f, "start");
    let end = dec.req_date(f, "end");
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            let at = value_at(f, "end");
            let message = format!("`end` ({e}) is before `start` ({s})");
            dec.error(
                at,
                message,
                format!("{noun} must end on or after the day it starts"),
            );
        }
    }
    (start.unwrap_or_default(), end.unwrap_or_default())
}

fn initiative(dec: &mut Decoder<'_>, node: &Node, index: usize) -> Option<Initiative> {
    let what = name_of(node, "initiative", "id", index);
    let f = dec.table(node, what, INITIATIVE_KEYS, INITIATIVE_REQUIRED)?;
    let id = dec.req_str(&f, "id");
    let title = dec.req_str(&f, "title").unwrap_or_default();
    let horizon = dec.req_choice(&f, "horizon").unwrap_or_default();
    let status = dec.req_choice(&f, "status").unwrap_or_default();
    let (start, end) = dates(dec, &f, "an initiative");
    Some(Initiative {
        id: id?,
        title,
        horizon,
        status,
        start,
        end,
        outcome: dec.req_str(&f, "outcome").unwrap_or_default(),
        owner: dec.opt_str(&f, "owner"),
        description: dec.opt_str(&f, "description"),
        at: offsets(&f, "id"),
    })
}

fn sprint(dec: &mut Decoder<'_>, node: &Node, index: usize) -> Option<Sprint> {
    let what = name_of(node, "sprint", "number", index);
    let f = dec.table(node, what, SPRINT_KEYS, SPRINT_REQUIRED)?;
    let number = dec.req_uint(&f, "number", 0);
    let (start, end) = dates(dec, &f, "a sprint");
    Some(Sprint {
        start,
        end,
        goal: dec.req_str(&f, "goal").unwrap_or_default(),
        committed: dec.req_uint(&f, "committed", 0).unwrap_or_default(),
        completed: dec.req_uint(&f, "completed", 0).unwrap_or_default(),
        scope: dec.opt_uint(&f, "scope", 0),
        goal_met: dec.opt_bool(&f, "goal_met"),
        at: offsets(&f, "number"),
        number: number?,
    })
}

fn metric(dec: &mut Decoder<'_>, node: &Node, index: usize) -> Option<Metric> {
    let what = name_of(node, "metric", "id", index);
    let f = dec.table(node, what.clone(), METRIC_KEYS, METRIC_REQUIRED)?;
    let id = dec.req_str(&f, "id");
    let mut metric = Metric {
        title: dec.req_str(&f, "title").unwrap_or_default(),
        unit: dec.req_str(&f, "unit").unwrap_or_default(),
        direction: dec.req_choice(&f, "direction").unwrap_or_default(),
        description: dec.opt_str(&f, "description"),
        at: offsets(&f, "id"),
        ..Metric::default()
    };
    let list: &[Node] = match f.get("points") {
        Some(n) => dec.list(n, "points"),
        None => &[],
    };
    let mut seen: Vec<(Period, usize)> = Vec::new();
    for (i, node) in list.iter().enumerate() {
        let Some(pf) = dec.table(
            node,
            format!("point {} of {what}", i + 1),
            POINT_KEYS,
            POINT_REQUIRED,
        ) else {
            continue;
        };
        let period = dec.req(&pf, "period").and_then(|n| period(dec, n));
        let value = dec.req(&pf, "value").and_then(|n| dec.number(n, "value"));
        let target = pf.get("target").and_then(|n| dec.number(n, "target"));
        let (Some(period), Some(value)) = (period, value) else {
            continue;
        };
        let at = value_at(&pf, "period");
        if let Some((first, first_at)) = seen.first().copied() {
            if first.quarterly != period.quarterly {
                let kinds = if first.quarterly {
                    "quarters"
                } else {
                    "months"
                };
                let (line, _) = line_col(dec.text, first_at);
                let message = format!("period {period} mixes months and quarters in one metric");
                dec.error(
                    at,
                    message,
                    format!("this metric counts in {kinds} (line {line})"),
                );
                continue;
            }
        }
        if let Some((_, prev)) = seen.iter().find(|(p, _)| *p == period) {
            let (line, _) = line_col(dec.text, *prev);
            let message = format!("duplicate period {period} in {what}");
            dec.error(at, message, format!("first given at line {line}"));
            continue;
        }
        seen.push((period, at));
        metric.points.push(MetricPoint {
            period,
            value,
            target,
        });
    }
    metric.points.sort_by_key(|p| p.period);
    Some(Metric { id: id?, ..metric })
}

fn period(dec: &mut Decoder<'_>, node: &Node) -> Option<Period> {
    let Value::Str(text) = &node.value else {
        let found = super::decode::found(node);
        let message = format!("`period` must be a string, found {found}");
        dec.error(
            node.at,
            message,
            "write \"2025-Q3\" for a quarter or \"2025-09\" for a month",
        );
        return None;
    };
    let period = Period::parse(text);
    if period.is_none() {
        let message = format!("`period` cannot be \"{text}\"");
        dec.error(
            node.at,
            message,
            "expected a quarter as YYYY-Qn (2025-Q3) or a month as YYYY-MM (2025-09)",
        );
    }
    period
}

/// Reports every value seen a second time, at its own place.
fn unique<K: Ord + Display>(
    dec: &mut Decoder<'_>,
    values: impl Iterator<Item = (K, usize)>,
    key: &str,
    noun: &str,
) {
    let mut first: BTreeMap<K, usize> = BTreeMap::new();
    let mut dupes = Vec::new();
    for (value, at) in values {
        match first.get(&value) {
            Some(&prev) => dupes.push((format!("{value}"), at, prev)),
            None => {
                first.insert(value, at);
            }
        }
    }
    for (value, at, prev) in dupes {
        let (line, col) = line_col(dec.text, prev);
        let message = format!("duplicate {key} `{value}`: another {noun} has it");
        let help =
            format!("first used at line {line}, column {col}; each {noun} needs its own {key}");
        dec.error(at, message, help);
    }
}
