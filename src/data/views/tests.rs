//! Tests of the views: structure, filters, argument errors, escaping, and
//! SVG that parses as XML.

use serde_json::{Map, Value, json};

use crate::data::tests::{BACKLOG, METRICS, ROADMAP, SPRINTS, team};
use crate::data::{DataSet, Referrers, ViewContext, parse};

fn args(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn with_ctx<T>(f: impl FnOnce(&ViewContext) -> T) -> T {
    let url = |p: &str| format!("/handbook{p}");
    f(&ViewContext { url: &url })
}

fn view(set: &DataSet, name: &str, a: Value) -> String {
    with_ctx(|ctx| match set.render_view(name, &args(a), ctx) {
        Some(Ok(html)) => html,
        other => panic!("{name}: {other:?}"),
    })
}

fn view_err(set: &DataSet, name: &str, a: Value) -> String {
    with_ctx(|ctx| match set.render_view(name, &args(a), ctx) {
        Some(Err(e)) => e,
        other => panic!("{name} should fail: {other:?}"),
    })
}

/// Fails unless `xml` is well-formed: tags balanced, attributes quoted,
/// `&` only in entities, no raw `<` in text or attribute values.
pub(crate) fn assert_well_formed(xml: &str) {
    fn check_text(text: &str) {
        let mut rest = text;
        while let Some(i) = rest.find('&') {
            rest = &rest[i + 1..];
            let end = rest
                .find(';')
                .unwrap_or_else(|| panic!("bare & in {text:?}"));
            let entity = &rest[..end];
            let ok = matches!(entity, "amp" | "lt" | "gt" | "quot" | "apos")
                || entity
                    .strip_prefix('#')
                    .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty());
            assert!(ok, "bad entity &{entity}; in {text:?}");
        }
    }
    let mut stack: Vec<String> = Vec::new();
    let mut rest = xml;
    while let Some(open) = rest.find('<') {
        check_text(&rest[..open]);
        rest = &rest[open + 1..];
        let close = rest
            .find('>')
            .unwrap_or_else(|| panic!("unclosed tag in {xml}"));
        let tag = &rest[..close];
        rest = &rest[close + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name.trim()),
                "mismatched </{name}>"
            );
            continue;
        }
        let self_closing = tag.ends_with('/');
        let body = tag.trim_end_matches('/');
        let name_end = body.find(char::is_whitespace).unwrap_or(body.len());
        let name = &body[..name_end];
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
            "tag {tag:?}"
        );
        let mut attrs = body[name_end..].trim();
        while !attrs.is_empty() {
            let eq = attrs
                .find("=\"")
                .unwrap_or_else(|| panic!("unquoted attribute in <{tag}>"));
            let attr = attrs[..eq].trim();
            assert!(
                attr.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':'),
                "attr {attr:?}"
            );
            let value_end = attrs[eq + 2..]
                .find('"')
                .unwrap_or_else(|| panic!("open value in <{tag}>"));
            let value = &attrs[eq + 2..eq + 2 + value_end];
            assert!(!value.contains('<'), "< in attribute of <{tag}>");
            check_text(value);
            attrs = attrs[eq + 2 + value_end + 1..].trim_start();
        }
        if !self_closing {
            stack.push(name.to_owned());
        }
    }
    check_text(rest);
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

/// Every `<svg>...</svg>` in `html`.
fn svgs(html: &str) -> Vec<&str> {
    html.match_indices("<svg")
        .map(|(i, _)| {
            let end = html[i..].find("</svg>").expect("closed svg") + i + 6;
            &html[i..end]
        })
        .collect()
}

fn assert_chart(html: &str) {
    assert_well_formed(html);
    let charts = svgs(html);
    assert!(!charts.is_empty(), "no svg in {html}");
    for svg in charts {
        assert_well_formed(svg);
        assert!(svg.contains("role=\"img\""));
        let labelled = svg
            .split("aria-labelledby=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("labelledby");
        for id in labelled.split(' ') {
            assert!(svg.contains(&format!("id=\"{id}\"")), "no element #{id}");
        }
        assert!(svg.contains("<title id=") && svg.contains("<desc id="));
    }
    assert!(
        html.contains("<details class=\"rb-data\">") && html.contains("<table"),
        "no text alternative"
    );
    assert!(
        !html.contains("<script") && !html.contains(" onclick"),
        "no JavaScript"
    );
}

#[test]
fn well_formed_checker_rejects_broken_xml() {
    for bad in [
        "<a><b></a></b>",
        "<a x=1></a>",
        "<a>&</a>",
        "<a title=\"<\"></a>",
        "<a>",
    ] {
        assert!(
            std::panic::catch_unwind(|| assert_well_formed(bad)).is_err(),
            "{bad}"
        );
    }
    assert_well_formed("<a x=\"&amp;\"><b/>t &lt; &#39;</a>");
}

#[test]
fn names_that_are_not_data_views_pass_through() {
    let set = team();
    with_ctx(|ctx| assert!(set.render_view("youtube", &Map::new(), ctx).is_none()));
}

#[test]
fn backlog_lists_items_in_rank_order_with_links() {
    let html = view(&team(), "backlog", json!({}));
    assert_well_formed(&html);
    let order: Vec<usize> = ["PB-90<", "PB-101<", "PB-102<", "PB-120<"]
        .iter()
        .map(|id| html.find(id).expect(id))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{html}");
    assert!(html.contains("<caption>Backlog: Checkout squad</caption>"));
    assert!(
        html.contains("href=\"/handbook/team/backlog/pb-90/#pb-101\""),
        "{html}"
    );
    assert!(html.contains("href=\"/handbook/team/roadmap/ep-7/\">EP-7</a>"));
    assert!(html.contains("4 items · 10 points (5 done)"), "{html}");
    assert!(
        html.contains("<tr class=\"rb-item rb-kind-story rb-status-done\" id=\"pb-101\">"),
        "{html}"
    );
    let filtered = view(&team(), "backlog", json!({"status": "done"}));
    assert!(
        !filtered.contains(" id=\""),
        "only the whole list carries anchors"
    );
}

#[test]
fn backlog_filters_by_status_kind_epic_and_sprint() {
    let set = team();
    let rows = |a: Value| {
        view(&set, "backlog", a)
            .matches("<tr class=\"rb-item")
            .count()
    };
    assert_eq!(rows(json!({"status": "ready"})), 1);
    assert_eq!(rows(json!({"status": "ready,done"})), 2);
    assert_eq!(rows(json!({"kind": "story"})), 2);
    assert_eq!(rows(json!({"epic": "EP-7"})), 3);
    assert_eq!(rows(json!({"epic": "PB-90"})), 1);
    assert_eq!(rows(json!({"sprint": 24})), 1);
    assert_eq!(rows(json!({"sprint": "24, 25"})), 2);
    assert_eq!(rows(json!({"limit": 2})), 2);
    let none = view(&set, "backlog", json!({"status": "review"}));
    assert!(none.contains("No items match status: review."), "{none}");
}

#[test]
fn bad_view_arguments_say_what_is_allowed() {
    let set = team();
    assert_eq!(
        view_err(&set, "backlog", json!({"status": "doing"})),
        "`status` cannot be \"doing\"; did you mean `done`? allowed: backlog, ready, in-progress, review, done"
    );
    assert!(
        view_err(&set, "board", json!({"stauts": "done"}))
            .starts_with("unknown argument `stauts`; did you mean `status`?")
    );
    assert_eq!(
        view_err(&set, "backlog", json!({"file": "team/backlg.toml"})),
        "no data file \"team/backlg.toml\" under content/ (did you mean \"team/backlog.toml\"?)"
    );
    assert_eq!(
        view_err(&set, "backlog", json!({"file": "team/roadmap.toml"})),
        "\"team/roadmap.toml\" is a roadmap file, not backlog"
    );
    assert!(
        view_err(&set, "backlog", json!({"epic": "EP-99"}))
            .contains("names no roadmap initiative or epic")
    );
    assert!(view_err(&set, "velocity", json!({"last": "x"})).contains("must be a whole number"));
    assert!(view_err(&set, "metrics", json!({"id": "churn"})).contains("no metric `churn`"));
    let (empty, _) = DataSet::new(Vec::new());
    assert!(view_err(&empty, "roadmap", json!({})).contains("no roadmap data file"));
}

#[test]
fn file_argument_accepts_content_prefix_and_several_files_need_it() {
    let other = parse(
        "web/backlog.toml",
        "content/web/backlog.toml".as_ref(),
        "schema = \"backlog\"\n",
    )
    .expect("valid");
    let first = parse(
        "team/backlog.toml",
        "content/team/backlog.toml".as_ref(),
        BACKLOG,
    )
    .expect("valid");
    let (set, _) = DataSet::new(vec![first, other]);
    assert!(view_err(&set, "backlog", json!({})).contains("several backlog files"));
    let html = view(
        &set,
        "backlog",
        json!({"file": "content/team/backlog.toml"}),
    );
    assert!(html.contains("PB-101"));
}

#[test]
fn board_has_a_column_per_status_in_flow_order() {
    let html = view(&team(), "board", json!({}));
    assert_well_formed(&html);
    let columns: Vec<&str> = html
        .split("<div role=\"group\" class=\"rb-column rb-status-")
        .skip(1)
        .map(|s| s.split('"').next().unwrap_or(""))
        .collect();
    assert_eq!(
        columns,
        ["backlog", "ready", "in-progress", "review", "done"]
    );
    assert!(html.contains("<span class=\"rb-count\">1 · 5 pts</span>"));
    assert_eq!(html.matches("<li class=\"rb-card").count(), 4);
}

#[test]
fn roadmap_has_now_next_later_with_progress() {
    let html = view(&team(), "roadmap", json!({}));
    assert_well_formed(&html);
    let now = html.find("rb-horizon-now").expect("now");
    let next = html.find("rb-horizon-next").expect("next");
    let later = html.find("rb-horizon-later").expect("later");
    assert!(now < next && next < later);
    assert!(
        html.contains("<progress max=\"8\" value=\"5\">62%</progress> 5 of 8 points done"),
        "{html}"
    );
    assert!(html.contains("href=\"/handbook/team/roadmap/ep-7/\">Frictionless checkout</a>"));
    let filtered = view(&team(), "roadmap", json!({"horizon": "next"}));
    assert!(!filtered.contains("EP-7") && filtered.contains("EP-8"));
}

#[test]
fn timeline_is_an_accessible_svg_by_quarter() {
    let html = view(&team(), "timeline", json!({}));
    assert_chart(&html);
    for q in ["Q3 2026", "Q4 2026", "Q1 2027"] {
        assert!(html.contains(&format!(">{q}</text>")), "{q}");
    }
    assert_eq!(html.matches("<rect class=\"rb-bar").count(), 2);
    assert!(
        html.contains("2 initiatives from Q3 2026 to Q1 2027: 1 planned, 1 on track."),
        "{html}"
    );
}

#[test]
fn velocity_shows_committed_completed_and_rolling_average() {
    let html = view(&team(), "velocity", json!({"window": 2}));
    assert_chart(&html);
    assert_eq!(
        html.matches("<rect class=\"rb-bar rb-series-committed\"")
            .count(),
        2
    );
    assert_eq!(
        html.matches("<rect class=\"rb-bar rb-series-completed\"")
            .count(),
        2
    );
    assert!(html.contains("<polyline class=\"rb-line rb-series-average\""));
    assert!(
        html.contains("<td>30</td><td>31</td><td>30.5</td>"),
        "{html}"
    );
    assert!(html.contains("completed 31 of 30 committed points"));
    assert!(html.contains("<span id=\"sprint-24\">Sprint 24</span>"));
    let last = view(&team(), "velocity", json!({"last": 1}));
    assert!(!last.contains(">S24<") && last.contains(">S25<"));
    assert!(!last.contains("id=\"sprint-25\""));
}

#[test]
fn burnup_sums_completed_points_against_scope() {
    let html = view(&team(), "burnup", json!({}));
    assert_chart(&html);
    assert!(
        html.contains(
            "After sprint 25, 61 points completed in total of a scope of 124 points (49%)."
        ),
        "{html}"
    );
    assert!(html.contains("<td>31</td><td>61</td><td>124</td>"));
    assert!(html.contains("rb-series-scope"));
}

#[test]
fn metrics_trend_against_target() {
    let html = view(&team(), "metrics", json!({}));
    assert_chart(&html);
    assert!(html.contains("<polyline class=\"rb-line rb-series-target\""));
    assert!(
        html.contains("Latest value 46, with no target set."),
        "{html}"
    );
    assert!(html.contains("<th scope=\"row\">2025-Q3</th><td>38.5</td><td>45</td><td>Missed</td>"));
    let down = METRICS
        .replace("direction = \"up\"", "direction = \"down\"")
        .replace("value = 46 }", "value = 40, target = 45 }");
    let file = parse("m.toml", "m.toml".as_ref(), &down).expect("valid");
    let (set, _) = DataSet::new(vec![file]);
    assert!(view(&set, "metrics", json!({"id": "nps"})).contains("which meets its target of 45."));
}

#[test]
fn ids_are_stable_and_differ_between_views() {
    let a = view(&team(), "velocity", json!({}));
    let b = view(&team(), "velocity", json!({}));
    let c = view(&team(), "velocity", json!({"last": 1}));
    assert_eq!(a, b);
    let id = |h: &str| {
        h.split("<title id=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .map(str::to_owned)
    };
    assert_ne!(id(&a), id(&c));
}

#[test]
fn values_from_data_are_escaped_everywhere() {
    let evil = "<script>alert(1)</script>";
    let backlog = BACKLOG
        .replace("Save a card at checkout", evil)
        .replace("Checkout squad", "A&B \\\"squad\\\"")
        .replace("Saved cards", "<b>Saved</b>");
    let roadmap = ROADMAP
        .replace("Frictionless checkout", evil)
        .replace("Checkout conversion up 3 points", "<i>up</i>");
    let sprints = SPRINTS.replace("Saved cards behind a flag", evil);
    let metrics = METRICS
        .replace("Net Promoter Score", evil)
        .replace("unit = \"points\"", "unit = \"<u>\"");
    let files = [
        ("team/backlog.toml", backlog),
        ("team/roadmap.toml", roadmap),
        ("team/sprints.toml", sprints),
        ("team/metrics.toml", metrics),
    ]
    .iter()
    .map(|(rel, text)| parse(rel, rel.as_ref(), text).expect("valid"))
    .collect();
    let (set, diags) = DataSet::new(files);
    assert!(diags.is_empty());
    let mut all = String::new();
    for name in crate::data::views::VIEW_NAMES {
        all.push_str(&view(&set, name, json!({})));
    }
    let mut refs = Referrers::new();
    refs.insert(
        ("roadmap".into(), "EP-7".into()),
        vec![(evil.to_owned(), "/guide/".to_owned())],
    );
    with_ctx(|ctx| {
        for page in set.item_pages(ctx, &refs) {
            all.push_str(&page.html);
        }
    });
    assert!(
        !all.contains("<script")
            && !all.contains("<b>")
            && !all.contains("<i>")
            && !all.contains("<u>")
    );
    assert!(all.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(all.contains("A&amp;B &quot;squad&quot;"));
    assert_well_formed(&all.replace("<!DOCTYPE html>", ""));
}

#[test]
fn item_pages_cover_initiatives_epics_and_overviews() {
    let set = team();
    let mut refs = Referrers::new();
    refs.insert(
        ("roadmap".into(), "EP-7".into()),
        vec![
            ("Writing outcomes".into(), "/roles/outcomes/".into()),
            ("Writing outcomes".into(), "/roles/outcomes/".into()),
        ],
    );
    let pages = with_ctx(|ctx| set.item_pages(ctx, &refs));
    let urls: Vec<&str> = pages.iter().map(|p| p.url_path.as_str()).collect();
    assert_eq!(
        urls,
        [
            "/team/backlog/",
            "/team/backlog/pb-90/",
            "/team/metrics/",
            "/team/roadmap/",
            "/team/roadmap/ep-7/",
            "/team/roadmap/ep-8/",
            "/team/sprints/",
        ]
    );
    let ep7 = &pages[4];
    assert_eq!(ep7.title, "EP-7: Frictionless checkout");
    assert_eq!(ep7.description, "Checkout conversion up 3 points");
    assert_eq!(ep7.source, "team/roadmap.toml");
    assert_well_formed(&ep7.html);
    for id in ["pb-90", "pb-101", "pb-102"] {
        assert!(ep7.html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(ep7.html.contains("5 of 8 points done"));
    assert!(ep7.html.contains("<time datetime=\"2026-07-01\">1 Jul 2026</time> to <time datetime=\"2026-10-31\">31 Oct 2026</time>"));
    assert_eq!(
        ep7.html
            .matches("<li><a href=\"/handbook/roles/outcomes/\">Writing outcomes</a></li>")
            .count(),
        1
    );
    let ep8 = &pages[5];
    assert!(ep8.html.contains("No guide page links here yet."));
    assert!(ep8.html.contains("No items."));
    let epic = &pages[1];
    assert!(epic.html.contains("id=\"pb-101\""));
    assert!(
        epic.html
            .contains("Sprint 24 (<time datetime=\"2026-09-07\">"),
        "{}",
        epic.html
    );
    assert!(
        epic.html
            .contains("href=\"/handbook/team/roadmap/ep-7/\">EP-7</a> Frictionless checkout")
    );
    let backlog = &pages[0];
    assert_eq!(backlog.title, "Backlog: Checkout squad");
    for id in ["pb-90", "pb-101", "pb-102", "pb-120"] {
        assert_eq!(
            backlog.html.matches(&format!("id=\"{id}\"")).count(),
            1,
            "{id} once"
        );
    }
    assert!(pages[6].html.contains("<tr id=\"sprint-24\">"));
    assert!(
        pages[2]
            .html
            .contains("<section class=\"rb-metric\" id=\"metric-nps\">")
    );
    for page in &pages {
        assert_well_formed(&page.html);
    }
    assert_chart(&pages[3].html);
    assert_chart(&pages[6].html);
}

#[test]
fn every_link_target_is_a_generated_page_or_anchor() {
    let set = team();
    let pages = with_ctx(|ctx| set.item_pages(ctx, &Referrers::new()));
    for (kind, id) in [
        ("backlog", "PB-90"),
        ("backlog", "PB-101"),
        ("backlog", "PB-102"),
        ("backlog", "PB-120"),
        ("roadmap", "EP-8"),
        ("sprints", "25"),
        ("metrics", "nps"),
    ] {
        let link = set.resolve_link(kind, id).expect("resolves");
        let (page, anchor) = link
            .split_once('#')
            .map_or((link.as_str(), None), |(p, a)| (p, Some(a)));
        let target = pages
            .iter()
            .find(|p| p.url_path == page)
            .unwrap_or_else(|| panic!("no page {page}"));
        if let Some(anchor) = anchor {
            assert!(target.html.contains(&format!("id=\"{anchor}\"")), "{link}");
        }
    }
}

#[test]
fn fmt_num_trims_and_rounds() {
    assert_eq!(super::fmt_num(5.0), "5");
    assert_eq!(super::fmt_num(8.10), "8.1");
    assert_eq!(super::fmt_num(1.0 / 3.0), "0.33");
    assert_eq!(super::fmt_num(-0.001), "0");
}

#[test]
fn views_css_covers_dark_mode_and_print() {
    let css = super::VIEWS_CSS;
    assert!(css.contains("prefers-color-scheme: dark") && css.contains("[data-theme=\"dark\"]"));
    assert!(css.contains("@media print"));
    assert_eq!(css.matches('{').count(), css.matches('}').count());
}

#[test]
fn empty_files_render_empty_views() {
    let files = ["backlog", "roadmap", "sprints", "metrics"]
        .iter()
        .map(|s| {
            let rel = format!("{s}.toml");
            parse(&rel, rel.as_ref(), &format!("schema = \"{s}\"\n")).expect("valid")
        })
        .collect();
    let (set, _) = DataSet::new(files);
    for name in crate::data::views::VIEW_NAMES {
        let html = view(&set, name, json!({}));
        assert_well_formed(&html);
        assert!(html.contains("rb-empty"), "{name}: {html}");
    }
}

#[test]
fn long_timelines_use_narrow_quarters_with_short_labels() {
    let roadmap = ROADMAP.replace("end = 2027-03-31", "end = 2030-12-31");
    let file = parse("r.toml", "r.toml".as_ref(), &roadmap).expect("valid");
    let (set, _) = DataSet::new(vec![file]);
    let html = view(&set, "timeline", json!({}));
    assert_chart(&html);
    assert!(html.contains(">Q4 \u{2019}30</text>"), "{html}");
    let width: f64 = html
        .split("viewBox=\"0 0 ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|w| w.parse().ok())
        .expect("width");
    assert!(width < 1200.0, "{width}");
}

#[test]
fn every_view_name_calls_its_own_view() {
    use super::View;
    let names: Vec<&str> = super::VIEW_NAMES
        .iter()
        .chain(super::FACT_NAMES)
        .copied()
        .collect();
    let views: Vec<View> = names
        .iter()
        .map(|n| View::named(n).expect("known"))
        .collect();
    for (i, a) in views.iter().enumerate() {
        assert!(!views[i + 1..].contains(a), "{} is named twice", names[i]);
    }
    assert_eq!(names.len(), 14);
    assert_eq!(View::named("backlogs"), None);
    assert_eq!(View::named("Item"), None);
}
