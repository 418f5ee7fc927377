//! The team's data: schema files in every format rendered as shortcode
//! views and generated pages, validation errors with their file:line:col,
//! escaping of data values.

use crate::support::Site;

/// Fails unless `xml` is well-formed: balanced tags, quoted attributes,
/// `&` only in entities, no raw `<` in text or attribute values.
fn assert_well_formed(xml: &str) {
    fn check_text(text: &str) {
        for (i, _) in text.match_indices('&') {
            let rest = &text[i + 1..];
            let entity = &rest[..rest
                .find(';')
                .unwrap_or_else(|| panic!("bare & in {text:?}"))];
            let ok = matches!(entity, "amp" | "lt" | "gt" | "quot" | "apos")
                || entity
                    .strip_prefix('#')
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            assert!(ok, "bad entity &{entity};");
        }
    }
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = xml;
    while let Some(open) = rest.find('<') {
        check_text(&rest[..open]);
        let close = rest[open..].find('>').expect("closed tag") + open;
        let tag = &rest[open + 1..close];
        rest = &rest[close + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                stack.pop(),
                Some(name.trim()),
                "mismatched </{name}> in {xml}"
            );
            continue;
        }
        let body = tag.trim_end_matches('/');
        let (name, mut attrs) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
        while let Some(eq) = attrs.find("=\"") {
            let end = attrs[eq + 2..].find('"').expect("closed attribute") + eq + 2;
            let value = &attrs[eq + 2..end];
            assert!(!value.contains('<'), "< in an attribute of <{tag}>");
            check_text(value);
            attrs = &attrs[end + 1..];
        }
        assert!(attrs.trim().is_empty(), "unquoted attribute in <{tag}>");
        if !tag.ends_with('/') {
            stack.push(name);
        }
    }
    check_text(rest);
    assert!(stack.is_empty(), "unclosed {stack:?}");
}

/// The data views' charts in a page: `<svg ... class="rb-svg" ...>...</svg>`.
fn charts(html: &str) -> Vec<&str> {
    html.match_indices("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"rb-svg\"")
        .map(|(i, _)| &html[i..i + html[i..].find("</svg>").expect("closed svg") + 6])
        .collect()
}

/// The text between the first `start` and the next `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).unwrap_or_else(|| panic!("no {start:?}"));
    let to = html[from..].find(end).map_or(html.len(), |i| from + i);
    &html[from..to]
}

fn views_site() -> Site {
    let site = Site::fixture("data-views");
    site.build().success();
    site
}

#[test]
fn data_views_render_in_a_page_from_every_format() {
    let site = views_site();
    let html = site.read("public/guide/index.html");
    for class in [
        "rb-backlog",
        "rb-board",
        "rb-roadmap",
        "rb-timeline",
        "rb-velocity",
        "rb-burnup",
        "rb-metrics",
    ] {
        assert!(
            html.contains(&format!("class=\"rb-view {class}"))
                || html.contains(&format!("rb-chart {class}")),
            "{class}"
        );
    }
    let svgs = charts(&html);
    assert_eq!(svgs.len(), 4, "timeline, velocity, burn-up, one metric");
    for svg in svgs {
        assert_well_formed(svg);
        assert!(
            svg.contains("role=\"img\"") && svg.contains("<title id=") && svg.contains("<desc id=")
        );
    }
    assert_eq!(
        html.matches("<details class=\"rb-data\">").count(),
        4,
        "every chart has a data table"
    );
    assert!(
        html.contains("W-1</a></td><td>Faster product pages, part one</td>"),
        "the CSV backlog renders"
    );
    assert!(
        html.contains("<li>Ada (PO)</li>") && html.contains("Sprint 25 completed 31 points."),
        "templates load data by path"
    );
}

#[test]
fn backlog_shortcode_arguments_filter_the_list() {
    let html = views_site().read("public/guide/index.html");
    let ready = between(&html, "<div class=\"rb-view rb-backlog\">", "</table>");
    assert!(ready.contains("(status: ready, in-progress)"));
    assert_eq!(ready.matches("<tr class=\"rb-item").count(), 2, "{ready}");
    assert!(ready.contains("PB-90") && ready.contains("PB-102") && !ready.contains("PB-120"));
}

#[test]
fn item_links_resolve_to_item_pages_and_anchors() {
    let site = views_site();
    let html = site.read("public/guide/index.html");
    assert!(
        html.contains("<a href=\"/team/backlog/pb-90/#pb-101\">PB-101</a>"),
        "an item under an epic"
    );
    assert!(
        html.contains("<a href=\"/team/roadmap/ep-7/\">EP-7</a>"),
        "an initiative"
    );
    assert!(
        html.contains("<a href=\"/team/backlog/#pb-120\">PB-120</a>"),
        "an item with no epic"
    );
    assert!(
        html.contains("<a href=\"/team/roadmap/ep-7/#w-1\">W-1</a>"),
        "an item of another backlog file"
    );
    assert!(
        site.read("public/team/backlog/pb-90/index.html")
            .contains("id=\"pb-101\"")
    );
    assert!(
        site.read("public/team/backlog/index.html")
            .contains("id=\"pb-120\"")
    );
    assert!(
        site.read("public/team/roadmap/ep-7/index.html")
            .contains("id=\"w-1\"")
    );
}

#[test]
fn referrers_carry_the_base_path_once() {
    let site = Site::fixture("data-views");
    site.run(&["build", "--base-url", "https://example.org/handbook/"])
        .success();
    let ep7 = site.read("public/team/roadmap/ep-7/index.html");
    let referrers = between(&ep7, "<h2 id=\"referenced-by\">", "</ul>");
    assert!(
        referrers.contains("<a href=\"/handbook/guide/\">Reading the team data</a>"),
        "{referrers}"
    );
}

#[test]
fn initiatives_and_epics_get_pages_with_progress_and_referrers() {
    let site = views_site();
    let ep7 = site.read("public/team/roadmap/ep-7/index.html");
    assert!(ep7.contains("EP-7: Frictionless checkout"));
    assert!(
        ep7.contains("5 of 11 points done"),
        "PB-101 done (5) of PB-101, PB-102 and W-1"
    );
    assert!(ep7.contains("<time datetime=\"2026-07-01\">1 Jul 2026</time> to <time datetime=\"2026-10-31\">31 Oct 2026</time>"));
    let referrers = between(&ep7, "<h2 id=\"referenced-by\">", "</ul>");
    assert!(
        referrers.contains("<a href=\"/guide/\">Reading the team data</a>"),
        "{referrers}"
    );
    let ep8 = site.read("public/team/roadmap/ep-8/index.html");
    assert!(ep8.contains("No guide page links here yet."));
    let epic = site.read("public/team/backlog/pb-90/index.html");
    assert!(epic.contains("PB-90: Saved cards") && epic.contains("5 of 5 points done"));
    assert!(
        epic.contains("Sprint 24 (<time datetime=\"2026-09-07\">"),
        "dates from the sprints of its items"
    );
    for page in [
        "team/backlog",
        "team/roadmap",
        "team/sprints",
        "team/metrics",
        "web/backlog",
    ] {
        let html = site.read(&format!("public/{page}/index.html"));
        assert!(html.contains("rb-item-page"), "{page}");
        for svg in charts(&html) {
            assert_well_formed(svg);
        }
    }
}

#[test]
fn the_same_data_builds_byte_identical_views() {
    let a = views_site().read("public/guide/index.html");
    let b = views_site().read("public/guide/index.html");
    assert_eq!(a, b);
}

#[test]
fn invalid_data_reports_every_error_with_its_place() {
    let site = Site::fixture("data-invalid");
    let run = site.build();
    run.failure()
        .stderr_has("content/team/backlog.toml:7:10: error: `status` cannot be \"doing\"")
        .stderr_has("help: did you mean `done`? allowed: backlog, ready, in-progress, review, done")
        .stderr_has("content/team/backlog.toml:11:6: error: duplicate id `PB-1`: another item has it")
        .stderr_has("content/team/backlog.toml:23:10: error: `points` must be a non-negative whole number, found \"five\"")
        .stderr_has("content/team/roadmap.json:5:15: error: `start` is not a real date: \"2026-02-30\"")
        .stderr_has("content/team/roadmap.json:7:36: error: `end` (2026-08-01) is before `start` (2026-09-01)")
        .stderr_has("content/team/sprints.yaml:7:5: error: unknown key `commited` in sprint 1")
        .stderr_has("help: did you mean `committed`?")
        .stderr_has("content/team/web.backlog.csv:1:1: error: missing column `status`")
        .stderr_has("the header has: id, title, kind, rank")
        .stderr_has("content/ops/backlog.toml:9:8: error: item OPS-1 names epic `EP-9`, which is no initiative or epic")
        .stderr_has("content/guide.md:5:15: error: broken link: no backlog item `PB-999`")
        .stderr_has("`status` cannot be \"doing\"; did you mean `done`?");
    assert!(
        run.stderr
            .contains("7 | status = \"doing\"\n  |          ^"),
        "shows the line and a caret:\n{}",
        run.stderr
    );
    site.run(&["check"])
        .failure()
        .stderr_has("content/team/web.backlog.csv:1:1: error: missing column `status`");
}

#[test]
fn data_values_are_escaped_wherever_they_land() {
    let site = Site::fixture("data-escape");
    site.build().success();
    let mut all = String::new();
    for page in [
        "guide",
        "team/backlog",
        "team/backlog/x-1",
        "team/roadmap",
        "team/roadmap/r-1",
    ] {
        all.push_str(&site.read(&format!("public/{page}/index.html")));
    }
    for evil in [
        "<script>alert(",
        "<img src=x",
        "<svg onload",
        "<iframe",
        "<i>label</i>",
        "<b>&</b>",
        "</td></tr></table><script>",
    ] {
        assert!(!all.contains(evil), "{evil} reached the HTML unescaped");
    }
    assert!(
        all.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the title shows as text"
    );
    assert!(all.contains("A &amp; B &lt; C &gt; D &quot; E &#39; F"));
    let guide = site.read("public/guide/index.html");
    for svg in charts(&guide) {
        assert_well_formed(svg);
    }
}
