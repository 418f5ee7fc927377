//! Single figures from the data, written inline in a sentence:
//! `{{ item(id="PB-126", field="points") }}` renders `3`, so a page that
//! quotes the data cannot drift from it. Also the `goals` view: every
//! sprint's goal and whether it was met, with the count of goals met.
//!
//! A fact is plain text in a `<span class="rb-fact">`; an unknown id, field
//! or empty value is an error naming what exists, never an empty string.

use std::fmt::Write as _;

use super::lists::{FILTER_ARGS, ItemFilter};
use super::{Args, escape, fmt_date, fmt_num, progress};
use crate::data::{DataSet, Schema, Sprint};

/// The inline facts, each rendering one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fact {
    Item,
    Initiative,
    Sprint,
    Metric,
    SprintTotals,
    ItemTotals,
}

const FACTS: [(&str, Fact); 6] = [
    ("item", Fact::Item),
    ("initiative", Fact::Initiative),
    ("sprint", Fact::Sprint),
    ("metric", Fact::Metric),
    ("sprint_totals", Fact::SprintTotals),
    ("item_totals", Fact::ItemTotals),
];

/// The shortcodes answered here, each rendering one value inline.
pub const FACT_NAMES: &[&str] = &{
    let mut names = [""; 6];
    let mut i = 0;
    while i < FACTS.len() {
        names[i] = FACTS[i].0;
        i += 1;
    }
    names
};

impl Fact {
    /// The fact a shortcode name calls, if it is one.
    pub fn named(name: &str) -> Option<Fact> {
        FACTS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, fact)| fact)
    }
}

const ITEM_FIELDS: &[&str] = &[
    "title", "kind", "status", "rank", "points", "epic", "sprint", "priority", "owner",
];
const INITIATIVE_FIELDS: &[&str] = &[
    "title", "horizon", "status", "start", "end", "outcome", "owner", "progress",
];
const SPRINT_FIELDS: &[&str] = &[
    "start",
    "end",
    "dates",
    "goal",
    "committed",
    "completed",
    "scope",
    "goal_met",
    "reliability",
];
const METRIC_FIELDS: &[&str] = &["value", "target", "title", "unit"];
const TOTAL_FIELDS: &[&str] = &[
    "committed",
    "completed",
    "reliability",
    "average",
    "goals_met",
    "count",
];

impl DataSet {
    /// One fact as inline HTML, or what was wrong with the call.
    pub(super) fn fact(&self, fact: Fact, args: &Args<'_>) -> Result<String, String> {
        let text = match fact {
            Fact::Item => self.item_fact(args)?,
            Fact::Initiative => self.initiative_fact(args)?,
            Fact::Sprint => self.sprint_fact(args)?,
            Fact::Metric => self.metric_fact(args)?,
            Fact::SprintTotals => self.sprint_totals(args)?,
            Fact::ItemTotals => self.item_totals(args)?,
        };
        Ok(format!("<span class=\"rb-fact\">{}</span>", escape(&text)))
    }

    fn item_fact(&self, args: &Args<'_>) -> Result<String, String> {
        args.allow(&["id", "field"])?;
        let id = required(args, "id")?;
        let field = field(args, ITEM_FIELDS)?;
        let Some((_, item)) = self.item(&id) else {
            return Err(format!("no backlog item `{id}`"));
        };
        let missing = || format!("{id} has no `{field}`");
        Ok(match field.as_str() {
            "title" => item.title.clone(),
            "kind" => item.kind.as_str().to_owned(),
            "status" => item.status.label().to_lowercase(),
            "rank" => item.rank.to_string(),
            "points" => item.points.ok_or_else(missing)?.to_string(),
            "epic" => item.epic.clone().ok_or_else(missing)?,
            "sprint" => item.sprint.ok_or_else(missing)?.to_string(),
            "priority" => item.priority.ok_or_else(missing)?.as_str().to_owned(),
            _ => item.owner.clone().ok_or_else(missing)?,
        })
    }

    fn initiative_fact(&self, args: &Args<'_>) -> Result<String, String> {
        args.allow(&["id", "field"])?;
        let id = required(args, "id")?;
        let field = field(args, INITIATIVE_FIELDS)?;
        let Some((_, i)) = self.initiative(&id) else {
            return Err(format!("no roadmap initiative `{id}`"));
        };
        Ok(match field.as_str() {
            "title" => i.title.clone(),
            "horizon" => i.horizon.as_str().to_owned(),
            "status" => i.status.label().to_lowercase(),
            "start" => fmt_date(i.start),
            "end" => fmt_date(i.end),
            "outcome" => i.outcome.clone(),
            "owner" => i
                .owner
                .clone()
                .ok_or_else(|| format!("{id} has no `owner`"))?,
            _ => {
                let (done, total) = progress(&self.descendants(&id));
                format!("{done} of {total} points")
            }
        })
    }

    fn sprint_fact(&self, args: &Args<'_>) -> Result<String, String> {
        args.allow(&["number", "field"])?;
        let number = args
            .uint("number")?
            .ok_or("needs `number`, the sprint's number")?;
        let field = field(args, SPRINT_FIELDS)?;
        let Some(s) = self.sprint(number) else {
            return Err(format!("no sprint {number}"));
        };
        Ok(match field.as_str() {
            "start" => fmt_date(s.start),
            "end" => fmt_date(s.end),
            "dates" => date_range(s),
            "goal" => s.goal.clone(),
            "committed" => s.committed.to_string(),
            "completed" => s.completed.to_string(),
            "scope" => s
                .scope
                .ok_or_else(|| format!("sprint {number} has no `scope`"))?
                .to_string(),
            "goal_met" => goal_word(s.goal_met).to_owned(),
            _ => percent(u64::from(s.completed), u64::from(s.committed))?,
        })
    }

    fn metric_fact(&self, args: &Args<'_>) -> Result<String, String> {
        args.allow(&["id", "period", "field"])?;
        let id = required(args, "id")?;
        let field = args.text("field")?.unwrap_or_else(|| "value".to_owned());
        if !METRIC_FIELDS.contains(&field.as_str()) {
            return Err(unknown_field(&field, METRIC_FIELDS));
        }
        let metric = self
            .files()
            .filter_map(|f| match &f.schema {
                Some(Schema::Metrics(m)) => Some(m),
                _ => None,
            })
            .flat_map(|m| &m.metrics)
            .find(|m| m.id == id)
            .ok_or_else(|| format!("no metric `{id}`"))?;
        match field.as_str() {
            "title" => return Ok(metric.title.clone()),
            "unit" => return Ok(metric.unit.clone()),
            _ => {}
        }
        let point = match args.text("period")? {
            Some(period) => metric
                .points
                .iter()
                .find(|p| p.period.to_string() == period)
                .ok_or_else(|| {
                    let known: Vec<String> =
                        metric.points.iter().map(|p| p.period.to_string()).collect();
                    format!("{id} has no period {period}; it has {}", known.join(", "))
                })?,
            None => metric
                .points
                .last()
                .ok_or_else(|| format!("{id} has no points"))?,
        };
        let value = if field == "value" {
            point.value
        } else {
            point
                .target
                .ok_or_else(|| format!("{id} has no target for {}", point.period))?
        };
        Ok(with_unit(&fmt_num(value), &metric.unit))
    }

    fn sprint_totals(&self, args: &Args<'_>) -> Result<String, String> {
        args.allow(&["from", "to", "field"])?;
        let field = field(args, TOTAL_FIELDS)?;
        let from = args.uint("from")?.unwrap_or(0);
        let to = args.uint("to")?.unwrap_or(u32::MAX);
        let sprints = self.sprints_between(from, to);
        if sprints.is_empty() {
            return Err(format!("no sprints numbered {from} to {to}"));
        }
        let committed: u64 = sprints.iter().map(|s| u64::from(s.committed)).sum();
        let completed: u64 = sprints.iter().map(|s| u64::from(s.completed)).sum();
        Ok(match field.as_str() {
            "committed" => committed.to_string(),
            "completed" => completed.to_string(),
            "reliability" => percent(completed, committed)?,
            "average" => fmt_num((completed as f64 / sprints.len() as f64 * 10.0).round() / 10.0),
            "goals_met" => {
                let (met, judged) = goals_met(&sprints);
                format!("{met} of {judged}")
            }
            _ => sprints.len().to_string(),
        })
    }

    fn item_totals(&self, args: &Args<'_>) -> Result<String, String> {
        let mut known = FILTER_ARGS.to_vec();
        known.push("field");
        args.allow(&known)?;
        let field = field(args, &["count", "points"])?;
        let file = self.select("backlog", args.text("file")?)?;
        let items = ItemFilter::from_args(self, args)?.apply(file);
        Ok(if field == "count" {
            items.len().to_string()
        } else {
            let sum: u64 = items
                .iter()
                .filter_map(|(_, i)| i.points)
                .map(u64::from)
                .sum();
            sum.to_string()
        })
    }

    /// Every sprint numbered `from..=to`, in number order.
    fn sprints_between(&self, from: u32, to: u32) -> Vec<&Sprint> {
        let mut out: Vec<&Sprint> = self
            .files()
            .filter_map(|f| match &f.schema {
                Some(Schema::Sprints(s)) => Some(s),
                _ => None,
            })
            .flat_map(|s| &s.sprints)
            .filter(|s| (from..=to).contains(&s.number))
            .collect();
        out.sort_by_key(|s| s.number);
        out
    }
}

/// The `goals` view: a table of sprint goals with a met / missed badge and,
/// above it, how many of the judged sprints met their goal.
pub(super) fn goals(sprints: &[&Sprint]) -> String {
    if sprints.is_empty() {
        return "<div class=\"rb-view rb-goals\"><p class=\"rb-empty\">No sprints yet.</p></div>\n"
            .to_owned();
    }
    let (met, judged) = goals_met(sprints);
    let mut out = String::from("<div class=\"rb-view rb-goals\">\n");
    let summary = if judged == 0 {
        "No sprint goal has been judged yet.".to_owned()
    } else {
        let open = sprints.len() - judged;
        let rest = match open {
            0 => String::new(),
            1 => " One sprint is not judged yet.".to_owned(),
            n => format!(" {n} sprints are not judged yet."),
        };
        format!(
            "Sprint goal met in {met} of {judged} sprints ({}).{rest}",
            percent(met as u64, judged as u64).unwrap_or_default()
        )
    };
    let _ = writeln!(out, "<p class=\"rb-goals-summary\">{summary}</p>");
    out.push_str(
        "<div class=\"rb-scroll\"><table class=\"rb-table\">\n<thead><tr><th scope=\"col\" class=\"rb-num\">Sprint</th>\
         <th scope=\"col\">Dates</th><th scope=\"col\">Goal</th><th scope=\"col\">Goal met</th>\
         <th scope=\"col\" class=\"rb-num\">Points done of forecast</th></tr></thead>\n<tbody>\n",
    );
    for s in sprints {
        let badge = match s.goal_met {
            Some(true) => "<span class=\"rb-badge rb-goal-met\">Met</span>",
            Some(false) => "<span class=\"rb-badge rb-goal-missed\">Missed</span>",
            None => "<span class=\"rb-badge rb-goal-open\">Not judged yet</span>",
        };
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\" class=\"rb-num\">{}</th><td><time datetime=\"{}\">{}</time></td>\
             <td>{}</td><td>{badge}</td><td class=\"rb-num\">{} of {}</td></tr>",
            s.number,
            s.start,
            date_range(s),
            escape(&s.goal),
            s.completed,
            s.committed,
        );
    }
    out.push_str("</tbody>\n</table></div>\n</div>\n");
    out
}

/// (goals met, sprints whose goal was judged).
fn goals_met(sprints: &[&Sprint]) -> (usize, usize) {
    let judged = sprints.iter().filter(|s| s.goal_met.is_some()).count();
    let met = sprints.iter().filter(|s| s.goal_met == Some(true)).count();
    (met, judged)
}

fn goal_word(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "met",
        Some(false) => "missed",
        None => "not judged yet",
    }
}

/// `9–20 Nov 2026`, `31 Aug – 11 Sep 2026`, `28 Dec 2026 – 8 Jan 2027`.
fn date_range(s: &Sprint) -> String {
    use chrono::Datelike as _;
    if s.start.year() != s.end.year() {
        return format!("{} – {}", fmt_date(s.start), fmt_date(s.end));
    }
    if s.start.month() != s.end.month() {
        return format!(
            "{} – {}",
            s.start.format("%-d %b"),
            s.end.format("%-d %b %Y")
        );
    }
    format!("{}–{}", s.start.format("%-d"), s.end.format("%-d %b %Y"))
}

/// `91%`: the whole percentage, rounded half up.
fn percent(part: u64, whole: u64) -> Result<String, String> {
    if whole == 0 {
        return Err("a percentage of zero is undefined".to_owned());
    }
    Ok(format!("{}%", (part * 200 + whole) / (2 * whole)))
}

/// `62.3%` for a unit of `%`, `4.2 points` for any other.
fn with_unit(number: &str, unit: &str) -> String {
    match unit.trim() {
        "" => number.to_owned(),
        "%" => format!("{number}%"),
        u => format!("{number} {u}"),
    }
}

fn required(args: &Args<'_>, key: &str) -> Result<String, String> {
    args.text(key)?
        .filter(|t| !t.is_empty())
        .ok_or_else(|| format!("needs `{key}`"))
}

fn field(args: &Args<'_>, allowed: &[&str]) -> Result<String, String> {
    let field = required(args, "field")
        .map_err(|_| format!("needs `field`, one of: {}", allowed.join(", ")))?;
    if allowed.contains(&field.as_str()) {
        Ok(field)
    } else {
        Err(unknown_field(&field, allowed))
    }
}

fn unknown_field(field: &str, allowed: &[&str]) -> String {
    let hint = crate::error::did_you_mean(field, allowed.iter().copied())
        .map_or(String::new(), |m| format!("did you mean `{m}`? "));
    format!("no field `{field}`; {hint}allowed: {}", allowed.join(", "))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::{Map, Value, json};

    use crate::data::tests::{BACKLOG, METRICS, ROADMAP};
    use crate::data::{DataSet, ViewContext, parse};

    const SPRINTS: &str = r#"schema = "sprints"

[[sprint]]
number = 24
start = 2026-09-07
end = 2026-09-18
goal = "Saved cards behind a flag"
committed = 34
completed = 30
goal_met = true

[[sprint]]
number = 25
start = 2026-09-21
end = 2026-10-02
goal = "Saved cards for everyone"
committed = 30
completed = 25
goal_met = false

[[sprint]]
number = 26
start = 2026-10-05
end = 2026-10-16
goal = "Guests <b>check out</b>"
committed = 32
completed = 9
"#;

    fn set() -> DataSet {
        let files = [
            ("team/backlog.toml", BACKLOG),
            ("team/roadmap.toml", ROADMAP),
            ("team/sprints.toml", SPRINTS),
            ("team/metrics.toml", METRICS),
        ]
        .iter()
        .map(|(rel, text)| parse(rel, Path::new(rel), text).expect("valid"))
        .collect();
        let (set, diags) = DataSet::new(files);
        assert!(diags.is_empty(), "{}", diags.render(false));
        set
    }

    fn render(set: &DataSet, name: &str, args: Value) -> Result<String, String> {
        let url = |p: &str| p.to_owned();
        let ctx = ViewContext { url: &url };
        let Value::Object(map) = args else {
            panic!("args must be an object")
        };
        let map: Map<String, Value> = map;
        set.render_view(name, &map, &ctx).expect("a known view")
    }

    /// The text of a fact, without its span.
    fn fact(set: &DataSet, name: &str, args: Value) -> String {
        let html = render(set, name, args).unwrap_or_else(|e| panic!("{name}: {e}"));
        html.strip_prefix("<span class=\"rb-fact\">")
            .and_then(|h| h.strip_suffix("</span>"))
            .unwrap_or_else(|| panic!("not a fact: {html}"))
            .to_owned()
    }

    #[test]
    fn facts_quote_the_data() {
        let s = set();
        let cases = [
            ("item", json!({"id": "PB-101", "field": "points"}), "5"),
            ("item", json!({"id": "PB-102", "field": "status"}), "ready"),
            ("item", json!({"id": "PB-101", "field": "sprint"}), "24"),
            (
                "initiative",
                json!({"id": "EP-7", "field": "status"}),
                "on track",
            ),
            (
                "initiative",
                json!({"id": "EP-7", "field": "end"}),
                "31 Oct 2026",
            ),
            (
                "initiative",
                json!({"id": "EP-7", "field": "progress"}),
                "5 of 8 points",
            ),
            (
                "sprint",
                json!({"number": 25, "field": "dates"}),
                "21 Sep – 2 Oct 2026",
            ),
            (
                "sprint",
                json!({"number": 24, "field": "dates"}),
                "7–18 Sep 2026",
            ),
            (
                "sprint",
                json!({"number": 25, "field": "goal_met"}),
                "missed",
            ),
            (
                "sprint",
                json!({"number": 26, "field": "goal_met"}),
                "not judged yet",
            ),
            (
                "sprint",
                json!({"number": 24, "field": "reliability"}),
                "88%",
            ),
            (
                "metric",
                json!({"id": "nps", "period": "2025-Q3", "field": "value"}),
                "38.5 points",
            ),
            (
                "metric",
                json!({"id": "nps", "field": "value"}),
                "46 points",
            ),
            (
                "metric",
                json!({"id": "nps", "period": "2025-Q4", "field": "target"}),
                "45 points",
            ),
            (
                "sprint_totals",
                json!({"from": 24, "to": 25, "field": "committed"}),
                "64",
            ),
            (
                "sprint_totals",
                json!({"from": 24, "to": 25, "field": "reliability"}),
                "86%",
            ),
            ("sprint_totals", json!({"field": "average"}), "21.3"),
            ("sprint_totals", json!({"field": "goals_met"}), "1 of 2"),
            (
                "item_totals",
                json!({"status": "ready,backlog", "field": "count"}),
                "2",
            ),
            (
                "item_totals",
                json!({"status": "ready,backlog", "field": "points"}),
                "5",
            ),
        ];
        for (name, args, want) in cases {
            assert_eq!(fact(&s, name, args.clone()), want, "{name}({args})");
        }
    }

    #[test]
    fn fact_values_are_escaped() {
        let s = set();
        assert_eq!(
            fact(&s, "sprint", json!({"number": 26, "field": "goal"})),
            "Guests &lt;b&gt;check out&lt;/b&gt;"
        );
    }

    #[test]
    fn wrong_facts_say_what_exists() {
        let s = set();
        let cases = [
            (
                "item",
                json!({"id": "PB-999", "field": "points"}),
                "no backlog item `PB-999`",
            ),
            (
                "item",
                json!({"id": "PB-90", "field": "points"}),
                "PB-90 has no `points`",
            ),
            (
                "item",
                json!({"id": "PB-101", "field": "pionts"}),
                "no field `pionts`; did you mean `points`? allowed: title, kind, status, rank, \
                 points, epic, sprint, priority, owner",
            ),
            ("item", json!({"field": "points"}), "needs `id`"),
            (
                "sprint",
                json!({"field": "goal"}),
                "needs `number`, the sprint's number",
            ),
            (
                "sprint",
                json!({"number": 3, "field": "goal"}),
                "no sprint 3",
            ),
            (
                "metric",
                json!({"id": "nps", "period": "2024-Q1"}),
                "nps has no period 2024-Q1; it has 2025-Q3, 2025-Q4, 2026-Q1",
            ),
            (
                "metric",
                json!({"id": "nps", "period": "2026-Q1", "field": "target"}),
                "nps has no target for 2026-Q1",
            ),
            (
                "sprint_totals",
                json!({"from": 30, "field": "count"}),
                "no sprints numbered 30 to 4294967295",
            ),
            (
                "item",
                json!({"id": "PB-101", "field": "points", "colour": "red"}),
                "unknown argument `colour`; item takes: id, field",
            ),
        ];
        for (name, args, want) in cases {
            assert_eq!(
                render(&s, name, args.clone()),
                Err(want.to_owned()),
                "{name}({args})"
            );
        }
    }

    #[test]
    fn goals_view_counts_only_judged_sprints() {
        let html = render(&set(), "goals", json!({})).expect("renders");
        let want = "<div class=\"rb-view rb-goals\">\n\
<p class=\"rb-goals-summary\">Sprint goal met in 1 of 2 sprints (50%). One sprint is not judged yet.</p>\n\
<div class=\"rb-scroll\"><table class=\"rb-table\">\n<thead><tr><th scope=\"col\" class=\"rb-num\">Sprint</th>\
<th scope=\"col\">Dates</th><th scope=\"col\">Goal</th><th scope=\"col\">Goal met</th>\
<th scope=\"col\" class=\"rb-num\">Points done of forecast</th></tr></thead>\n<tbody>\n\
<tr><th scope=\"row\" class=\"rb-num\">24</th><td><time datetime=\"2026-09-07\">7–18 Sep 2026</time></td>\
<td>Saved cards behind a flag</td><td><span class=\"rb-badge rb-goal-met\">Met</span></td><td class=\"rb-num\">30 of 34</td></tr>\n\
<tr><th scope=\"row\" class=\"rb-num\">25</th><td><time datetime=\"2026-09-21\">21 Sep – 2 Oct 2026</time></td>\
<td>Saved cards for everyone</td><td><span class=\"rb-badge rb-goal-missed\">Missed</span></td><td class=\"rb-num\">25 of 30</td></tr>\n\
<tr><th scope=\"row\" class=\"rb-num\">26</th><td><time datetime=\"2026-10-05\">5–16 Oct 2026</time></td>\
<td>Guests &lt;b&gt;check out&lt;/b&gt;</td><td><span class=\"rb-badge rb-goal-open\">Not judged yet</span></td><td class=\"rb-num\">9 of 32</td></tr>\n\
</tbody>\n</table></div>\n</div>\n";
        assert_eq!(html, want);
        let last = render(&set(), "goals", json!({"last": 1})).expect("renders");
        assert!(
            last.contains("No sprint goal has been judged yet."),
            "{last}"
        );
    }

    #[test]
    fn goal_met_reads_from_yaml_and_json_too() {
        let yaml = "schema: sprints\nsprint:\n  - number: 1\n    start: 2026-01-05\n    end: 2026-01-16\n    \
                    goal: Pay\n    committed: 5\n    completed: 5\n    goal_met: true\n";
        let json = r#"{"schema": "sprints", "sprint": [{"number": 1, "start": "2026-01-05",
            "end": "2026-01-16", "goal": "Pay", "committed": 5, "completed": 4, "goal_met": false}]}"#;
        for (rel, text, want) in [("s.yaml", yaml, true), ("s.json", json, false)] {
            let file = parse(rel, Path::new(rel), text).expect("valid");
            assert_eq!(
                file.value["sprint"][0]["goal_met"],
                Value::Bool(want),
                "{rel}"
            );
        }
    }

    #[test]
    fn goal_met_must_be_true_or_false() {
        let text = SPRINTS.replace("goal_met = false", "goal_met = \"no\"");
        let diags = parse("s.toml", Path::new("content/s.toml"), &text).expect_err("invalid");
        let d = diags.iter().next().expect("one error");
        let loc = d.location.as_ref().expect("a location");
        assert_eq!(
            (loc.line, loc.column, d.message.as_str()),
            (19, 12, "`goal_met` must be true or false, found \"no\"")
        );
    }
}
