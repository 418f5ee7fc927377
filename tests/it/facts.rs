//! Inline facts (`{{ item(id="PB-1", field="points") }}`) and the goals
//! view in a real build: the figure lands inside the sentence, a wrong id
//! fails the build at the call's file:line:col, and `goal_met` shows on the
//! generated sprints page.

use crate::support::Site;

const SPRINTS: &str = r#"schema = "sprints"

[[sprint]]
number = 1
start = 2026-01-05
end = 2026-01-16
goal = "Guests can pay"
committed = 20
completed = 18
goal_met = true

[[sprint]]
number = 2
start = 2026-01-19
end = 2026-01-30
goal = "Saved cards behind a flag"
committed = 22
completed = 15
goal_met = false

[[sprint]]
number = 3
start = 2026-02-02
end = 2026-02-13
goal = "Saved cards for everyone"
committed = 21
completed = 4
"#;

const BACKLOG: &str = r#"schema = "backlog"

[[item]]
id = "PB-1"
title = "Pay as a guest"
kind = "story"
status = "done"
rank = 1
points = 5
sprint = 1
"#;

fn site(page: &str) -> Site {
    let site = Site::empty();
    site.write(
        "rolebook.toml",
        "title = \"Facts\"\nbase_url = \"https://example.org/\"\n",
    )
    .write("content/_index.md", "+++\ntitle = \"Home\"\n+++\n")
    .write("content/team/sprints.toml", SPRINTS)
    .write("content/team/backlog.toml", BACKLOG)
    .write("content/report.md", page);
    site
}

#[test]
fn facts_render_inside_the_sentence() {
    let site = site(
        "+++\ntitle = \"Report\"\n+++\n\nGuest payment took {{ item(id=\"PB-1\", field=\"points\") }} points \
         and was {{ item(id=\"PB-1\", field=\"status\") }} in sprint {{ item(id=\"PB-1\", field=\"sprint\") }} \
         ({{ sprint(number=1, field=\"dates\") }}). Goals met: {{ sprint_totals(field=\"goals_met\") }}.\n",
    );
    site.build().success();
    let html = site.read("public/report/index.html");
    let want = "<p>Guest payment took <span class=\"rb-fact\">5</span> points and was \
                <span class=\"rb-fact\">done</span> in sprint <span class=\"rb-fact\">1</span> \
                (<span class=\"rb-fact\">5–16 Jan 2026</span>). Goals met: <span class=\"rb-fact\">1 of 2</span>.</p>";
    assert!(html.contains(want), "{html}");
}

#[test]
fn a_fact_about_a_missing_item_fails_at_the_call() {
    let site = site(
        "+++\ntitle = \"Report\"\n+++\n\nIt took {{ item(id=\"PB-9\", field=\"points\") }} points.\n",
    );
    let run = site.run(&["check"]);
    run.failure()
        .stderr_has("content/report.md:5:9: error: item: no backlog item `PB-9`");
}

#[test]
fn sprints_page_shows_which_goals_were_met() {
    let site = site("+++\ntitle = \"Report\"\n+++\n\n{{ goals() }}\n");
    site.build().success();
    let page = site.read("public/team/sprints/index.html");
    assert!(
        page.contains("<h2 id=\"sprint-goals\">Sprint goals</h2>"),
        "{page}"
    );
    assert!(
        page.contains("Sprint goal met in 1 of 2 sprints (50%). One sprint is not judged yet."),
        "{page}"
    );
    assert!(page.contains("<td>Missed</td></tr>"), "{page}");
    let report = site.read("public/report/index.html");
    assert!(
        report.contains("<span class=\"rb-badge rb-goal-missed\">Missed</span>"),
        "{report}"
    );
}
