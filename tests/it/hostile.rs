//! Hostile input: files shaped to crash, exhaust or stall a build. Each case
//! runs the binary under a watchdog, so a regression fails here instead of
//! hanging the run; big inputs are made in the temporary site, never kept
//! in the repository.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Run, Site};

/// Far longer than any case takes (a few seconds in a debug build), far
/// shorter than the quadratic versions these inputs once hit.
const WATCHDOG: Duration = Duration::from_secs(180);

/// Runs `rolebook ARGS` in the site, killing it past [`WATCHDOG`].
fn bounded(site: &Site, args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rolebook"))
        .args(args)
        .current_dir(site.path())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run rolebook");
    // Drained on threads, so a chatty run cannot stall on a full pipe.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let deadline = Instant::now() + WATCHDOG;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "watchdog: `rolebook {}` ran past {WATCHDOG:?}",
                args.join(" ")
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let output = std::process::Output {
        status,
        stdout: stdout.join().expect("stdout"),
        stderr: stderr.join().expect("stderr"),
    };
    Run::from(output, site.path())
}

/// A site with a home page and `files`.
fn site(files: &[(&str, &str)]) -> Site {
    let site = Site::empty();
    site.write("rolebook.toml", "title = \"Hostile\"\n");
    site.write("content/_index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n");
    for (path, text) in files {
        site.write(path, text);
    }
    site
}

fn page(body: &str) -> String {
    format!("+++\ntitle = \"Page\"\n+++\n{body}")
}

/// A failed build wrote nothing and left no staging folder behind.
#[track_caller]
fn nothing_left(site: &Site, run: &Run) {
    run.failure().stderr_has("nothing was written");
    assert!(!site.exists("public"), "no output expected");
    let leftovers: Vec<String> = std::fs::read_dir(site.path())
        .expect("read site")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("rolebook-"))
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
}

/// Lines of stderr that say `error:`, long source lines aside.
fn errors(run: &Run) -> Vec<&str> {
    run.stderr
        .lines()
        .filter(|l| l.contains(": error: "))
        .collect()
}

#[test]
fn deeply_nested_data_files_are_errors_naming_the_limit() {
    let depth = 30_000;
    let json = format!("{{\"a\":\n{}{}}}\n", "[".repeat(depth), "]".repeat(depth));
    let toml = format!("{} = 1\n", vec!["k"; depth].join("."));
    let yaml = format!("a: {}1{}\n", "[".repeat(depth), "]".repeat(depth));
    let s = site(&[
        ("content/deep.json", &json),
        ("content/deep.toml", &toml),
        ("content/deep.yaml", &yaml),
    ]);
    let run = bounded(&s, &["build"]);
    nothing_left(&s, &run);
    assert_eq!(
        errors(&run),
        [
            "content/deep.json:2:128: error: lists and tables are nested more than 128 levels deep here",
            "content/deep.toml:1:1: error: invalid TOML: recursion limit",
            "content/deep.yaml:1:131: error: invalid YAML: recursion limit exceeded",
        ]
    );
    run.stderr_has("help: a data file may nest at most 128 levels");
    // The 60,000-character line is shown cut around the caret.
    assert!(run.stderr.lines().all(|l| l.chars().count() < 200));
}

#[test]
fn a_template_that_includes_itself_is_refused_before_rendering() {
    let s = site(&[
        ("content/a.md", &page("Body.\n")),
        (
            "templates/page.html",
            "<main>\n{{ page.content | safe }}\n{% include \"page.html\" %}\n</main>\n",
        ),
        ("templates/one.html", "{% include \"two.html\" %}"),
        ("templates/two.html", "{% import \"one.html\" as one %}"),
    ]);
    let run = bounded(&s, &["build"]);
    nothing_left(&s, &run);
    assert_eq!(
        errors(&run),
        [
            "templates/one.html:1:12: error: templates include each other in a loop: one.html -> two.html -> one.html",
            "templates/page.html:3:12: error: templates include each other in a loop: page.html -> page.html",
        ]
    );
}

#[test]
fn a_macro_that_calls_itself_without_end_is_an_error_not_a_crash() {
    let s = site(&[
        ("content/a.md", &page("Body.\n")),
        (
            "templates/tree.html",
            "{% macro branch(n) %}<ul><li>{{ n }}{{ self::branch(n=n+1) }}</li></ul>{% endmacro branch %}\n",
        ),
        (
            "templates/page.html",
            "{% import \"tree.html\" as tree %}<main>{{ page.content | safe }}{{ tree::branch(n=1) }}</main>\n",
        ),
    ]);
    let run = bounded(&s, &["build"]);
    nothing_left(&s, &run);
    assert_eq!(
        errors(&run),
        [
            "content/a.md: error: template `templates/page.html` failed while rendering this page: macro `branch` of tree.html is called more than 200 levels deep: a macro that calls itself needs a condition that stops it"
        ]
    );
}

#[test]
fn a_thousand_nested_shortcode_bodies_are_an_error() {
    let depth = 1000;
    let body = format!(
        "Before.\n\n{}deep{}\n",
        "{% note() %}\n".repeat(depth),
        "\n{% end %}".repeat(depth)
    );
    let s = site(&[
        ("content/a.md", &page(&body)),
        (
            "templates/shortcodes/note.html",
            "<aside>{{ body | safe }}</aside>",
        ),
    ]);
    let run = bounded(&s, &["build"]);
    nothing_left(&s, &run);
    assert_eq!(
        errors(&run),
        ["content/a.md:38:1: error: shortcode `note` is nested more than 32 bodies deep"]
    );
}

#[test]
fn yaml_aliases_cannot_expand_a_small_file_into_gigabytes() {
    let big = "x".repeat(100_000);
    // About 1 MB of aliases, each repeating 100 KB: 100 GB once expanded.
    let data = format!(
        "big: &big \"{big}\"\nlist:\n{}",
        "  - *big\n".repeat(100_000)
    );
    let front = format!(
        "---\ntitle: Aliases\nextra:\n  a: &a \"{}\"\n  b: [{}]\n---\nBody.\n",
        "y".repeat(10_000),
        vec!["*a"; 9_000].join(", ")
    );
    let s = site(&[("content/bomb.yaml", &data), ("content/bomb.md", &front)]);
    let run = bounded(&s, &["build"]);
    nothing_left(&s, &run);
    assert_eq!(
        errors(&run),
        [
            "content/bomb.md:2:1: error: with its aliases expanded this YAML holds more than 16 MiB of values",
            "content/bomb.yaml: error: with its aliases expanded this YAML holds more than 16 MiB of values",
        ]
    );
    run.stderr_has("a YAML block may expand to 16 MiB or 8 times its own size");
}

#[test]
fn a_data_file_past_the_size_limit_is_refused() {
    let row = "PB-1,A title that is long enough,story,ready,1\n";
    let csv = format!(
        "id,title,kind,status,rank\n{}",
        row.repeat((33 << 20) / row.len())
    );
    let s = site(&[("content/huge.csv", &csv)]);
    let run = bounded(&s, &["build"]);
    nothing_left(&s, &run);
    assert_eq!(
        errors(&run),
        ["content/huge.csv: error: this data file is 33.0 MiB; data files may be at most 32 MiB"]
    );
}

const METRICS: &str = "schema = \"metrics\"

[[metric]]
id = \"reach\"
title = \"Reach\"
unit = \"people\"
direction = \"up\"
points = [
  { period = \"2026-Q1\", value = VALUE },
  { period = \"2026-Q2\", value = 2, target = -1e15 },
]
";

#[test]
fn huge_metric_values_are_located_errors_not_panics() {
    let s = site(&[
        (
            "content/team/metrics.toml",
            &METRICS.replace("VALUE", "1e308"),
        ),
        ("content/team/m.md", &page("{{ metrics() }}\n")),
    ]);
    let run = bounded(&s, &["build"]);
    nothing_left(&s, &run);
    assert_eq!(
        errors(&run),
        [
            "content/team/metrics.toml:9:33: error: `value` must be between -1e15 and 1e15, found 1e308"
        ]
    );
}

#[test]
fn metric_values_at_the_limit_are_charted() {
    let s = site(&[
        (
            "content/team/metrics.toml",
            &METRICS.replace("VALUE", "1e15"),
        ),
        ("content/team/m.md", &page("{{ metrics() }}\n")),
    ]);
    bounded(&s, &["build"]).success();
    let html = s.read("public/team/m/index.html");
    assert!(html.contains("<svg"), "no chart");
    assert!(
        !html.contains("NaN") && !html.contains("inf"),
        "bad numbers"
    );
}

/// Builds `body` as one page; the build must succeed under the watchdog.
fn builds(body: String, shortcode: bool) -> Site {
    let mut files = vec![("content/big.md", page(&body))];
    if shortcode {
        files.push(("templates/shortcodes/s.html", "<i>{{ n }}</i>".to_owned()));
    }
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let s = site(&files);
    bounded(&s, &["build"]).success();
    s
}

#[test]
fn sixteen_thousand_equal_headings_build() {
    let s = builds("## Same\n\ntext\n\n".repeat(16_000), false);
    let html = s.read("public/big/index.html");
    assert!(html.contains("<h2 id=\"same\">") && html.contains("<h2 id=\"same-15999\">"));
}

#[test]
fn a_hundred_thousand_headings_build_and_are_searchable() {
    let body: String = (0..100_000)
        .map(|i| format!("## Part {i}\n\nword{i} text\n\n"))
        .collect();
    let s = builds(body, false);
    assert!(
        s.read("public/big/index.html")
            .contains("<h2 id=\"part-99999\">")
    );
    assert!(s.exists("public/search"), "a search index is written");
}

#[test]
fn a_hundred_thousand_shortcode_calls_build() {
    let body: String = (0..100_000)
        .map(|i| format!("{{{{ s(n={i}) }}}}\n"))
        .collect();
    let s = builds(body, true);
    let html = s.read("public/big/index.html");
    assert!(html.contains("<i>0</i>") && html.contains("<i>99999</i>"));
}

#[test]
fn a_shortcode_after_many_code_spans_builds() {
    let body = format!(
        "{}\n\n{{{{ s(n=7) }}}} and `{{{{ s(n=8) }}}}`\n",
        "`x` ".repeat(160_000)
    );
    let s = builds(body, true);
    let html = s.read("public/big/index.html");
    assert!(
        html.contains("<i>7</i> and <code>{{ s(n=8) }}</code>"),
        "call placed"
    );
}

#[test]
fn a_runaway_template_loop_stops_with_an_error() {
    let s = site(&[
        ("content/a.md", &page("Body.\n")),
        (
            "templates/page.html",
            "{% for i in range(end=100000000) %}{{ i }}{% endfor %}",
        ),
    ]);
    let run = bounded(&s, &["build"]);
    nothing_left(&s, &run);
    run.stderr_has("`range` would give 100000000 numbers; the most it gives is 1000000");

    // Loops within the range bound, nested: the page size bound stops them.
    s.write(
        "rolebook.toml",
        "title = \"Hostile\"\nmax_page_size_mb = 2\n",
    );
    s.write(
        "templates/page.html",
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{{ i }}{% endfor %}{% endfor %}",
    );
    let run = bounded(&s, &["build"]);
    nothing_left(&s, &run);
    run.stderr_has(
        "the output passed 2 MiB, the most one page may be (`max_page_size_mb` in rolebook.toml)",
    );
}

#[test]
fn a_template_nested_twenty_thousand_deep_is_an_error() {
    let ifs = format!(
        "{}x{}",
        "{% if true %}".repeat(20_000),
        "{% endif %}".repeat(20_000)
    );
    let s = site(&[
        ("content/a.md", &page("Body.\n")),
        ("templates/page.html", &ifs),
    ]);
    let run = bounded(&s, &["build"]);
    nothing_left(&s, &run);
    assert_eq!(
        errors(&run),
        ["templates/page.html:1:1301: error: the template nests more than 100 levels deep here"]
    );
}

#[test]
fn many_shortcodes_without_an_end_are_each_reported() {
    let n = 20_000;
    let body = format!(
        "{}{{{{ s(n={}1{}) }}}}\n",
        "{% s() %}\n\n".repeat(n),
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    let s = site(&[
        ("content/a.md", &page(&body)),
        ("templates/shortcodes/s.html", "<i>{{ n }}</i>"),
    ]);
    let run = bounded(&s, &["build"]);
    nothing_left(&s, &run);
    let errors = errors(&run);
    assert_eq!(errors.len(), n + 1);
    assert_eq!(
        errors[0],
        "content/a.md:4:1: error: shortcode `s` has a body but no `{% end %}`"
    );
    assert_eq!(
        errors[n],
        format!(
            "content/a.md:{}:40: error: lists in an argument may nest at most 32 levels",
            4 + 2 * n
        )
    );
}

#[test]
fn thousands_of_broken_anchors_are_each_reported() {
    let n = 3000;
    let own: String = (0..n)
        .map(|i| format!("## Part {i}\n\n[x](#part-{i}x)\n\n"))
        .collect();
    let other: String = (0..n)
        .map(|i| format!("[y](@/p.md#nope-{i})\n\n"))
        .collect();
    let s = site(&[
        ("content/p.md", &page(&own)),
        ("content/q.md", &page(&other)),
    ]);
    let run = bounded(&s, &["build"]);
    nothing_left(&s, &run);
    let errors = errors(&run);
    assert_eq!(errors.len(), 2 * n);
    run.stderr_has(
        "content/p.md:6:1: error: there is no heading or anchor `#part-0x` on this page\n  |\n6 | [x](#part-0x)\n  | ^\n  = help: did you mean `#part-0`?",
    );
    run.stderr_has(&format!(
        "help: the page has {n} anchors (suggestions are given for the first 20 broken ones only)"
    ));
    run.stderr_has(
        "content/q.md:4:1: error: broken anchor: `p.md` has no heading or anchor `#nope-0`",
    );
}

#[test]
fn thousands_of_duplicate_ids_are_each_reported() {
    let n = 20_000;
    let rows: String = (0..n)
        .map(|i| format!("PB-1,Title {i},story,ready,{}\n", i + 1))
        .collect();
    let csv = format!("id,title,kind,status,rank\n{rows}");
    let s = site(&[("content/team/a.backlog.csv", &csv)]);
    let run = bounded(&s, &["build"]);
    nothing_left(&s, &run);
    let errors = errors(&run);
    assert_eq!(errors.len(), n - 1);
    assert_eq!(
        errors[n - 2],
        format!(
            "content/team/a.backlog.csv:{}:1: error: duplicate id `PB-1`: another item has it",
            n + 1
        )
    );
    run.stderr_has("help: first used at line 2, column 1; each item needs its own id");
}
