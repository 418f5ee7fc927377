//! Keeping a handbook alive: owners and review dates (`rolebook check`,
//! `rolebook review`, the owner line and the overdue notice, `/owners/`),
//! dates from Git, the changes page and feed, checklist pages, and every
//! way the input can be wrong.

use std::process::Command;

use crate::support::{Run, Site};

const TODAY: (&str, &str) = ("ROLEBOOK_TODAY", "2026-11-30");

/// The fixture, in a Git repository of its own so the one that holds the
/// tests gives it no dates.
fn fixture() -> Site {
    let site = Site::fixture("upkeep");
    git(&site, &["init", "-q"], "2026-01-01T00:00:00Z");
    site
}

fn today_run(site: &Site, args: &[&str]) -> Run {
    site.run_env(&[TODAY], args)
}

/// Runs git in the site with a fixed author and commit date.
fn git(site: &Site, args: &[&str], date: &str) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(site.path())
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn commit_all(site: &Site, message: &str, date: &str) {
    git(site, &["add", "-A"], date);
    git(site, &["commit", "-q", "-m", message], date);
}

fn warning_lines(run: &Run) -> Vec<&str> {
    run.stderr
        .lines()
        .filter(|l| l.contains("warning:") || l.contains("error:") || l.contains("= help"))
        .collect()
}

#[test]
fn check_warns_about_overdue_and_ownerless_pages() {
    let site = fixture();
    let run = today_run(&site, &["check"]);
    run.success();
    // A repository without commits has no history, and that is no news.
    assert!(!run.stderr.contains("note:"), "{}", run.stderr);
    assert_eq!(
        warning_lines(&run),
        [
            "content/faq.md: warning: the page has no `owner`",
            "  = help: add `owner = \"Name\"` to its front matter ([review] require_owner is on)",
            "content/faq.md:3:1: warning: review overdue: last reviewed 2026-08-20, due 2026-11-18",
            "  = help: review the page and set `reviewed = 2026-11-30`",
            "content/guide/old.md:4:1: warning: review overdue: last reviewed 2026-03-01, due 2026-09-01",
            "  = help: review the page and set `reviewed = 2026-11-30`",
        ]
    );
    assert!(
        run.stdout.contains("no errors, 3 warnings"),
        "{}",
        run.stdout
    );
    // On the FAQ's due date it is not overdue yet.
    let earlier = site.run_env(&[("ROLEBOOK_TODAY", "2026-11-18")], &["check"]);
    assert!(
        earlier.stdout.contains("no errors, 2 warnings"),
        "{}",
        earlier.stderr
    );
    // A build does not nag: the warnings are check's.
    let build = today_run(&site, &["build"]);
    build.success();
    assert!(!build.stderr.contains("warning"), "{}", build.stderr);
}

#[test]
fn review_groups_due_pages_by_owner_as_table_csv_and_json() {
    let site = fixture();
    let table = today_run(&site, &["review"]);
    table.success();
    assert_eq!(
        table.stdout,
        "Ana Ruiz (Checkout): 1 page
  overdue     content/guide/old.md  reviewed 2026-03-01  due 2026-09-01  Old ways

Ben Cho (Growth): 2 pages
  overdue     content/guide/old.md  reviewed 2026-03-01  due 2026-09-01  Old ways
  due         content/soon.md       reviewed 2026-09-15  due 2026-12-14  Due soon

No owner: 1 page
  overdue     content/faq.md        reviewed 2026-08-20  due 2026-11-18  FAQ
"
    );
    let csv = today_run(&site, &["review", "--format", "csv"]);
    assert_eq!(
        csv.stdout,
        "owner,team,contact,status,path,title,url,reviewed,due
Ana Ruiz,Checkout,ana@example.org,overdue,content/guide/old.md,Old ways,/guide/old/,2026-03-01,2026-09-01
Ben Cho,Growth,,overdue,content/guide/old.md,Old ways,/guide/old/,2026-03-01,2026-09-01
Ben Cho,Growth,,due,content/soon.md,Due soon,/soon/,2026-09-15,2026-12-14
,,,overdue,content/faq.md,FAQ,/faq/,2026-08-20,2026-11-18
"
    );
    let json = today_run(&site, &["review", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(doc["today"], "2026-11-30");
    let owners: Vec<(serde_json::Value, usize)> = doc["owners"]
        .as_array()
        .expect("owners")
        .iter()
        .map(|o| {
            (
                o["owner"].clone(),
                o["pages"].as_array().expect("pages").len(),
            )
        })
        .collect();
    assert_eq!(
        owners,
        [
            (serde_json::json!("Ana Ruiz"), 1),
            (serde_json::json!("Ben Cho"), 2),
            (serde_json::Value::Null, 1)
        ]
    );
    assert_eq!(doc["owners"][0]["contact"], "ana@example.org");
    assert_eq!(doc["owners"][1]["contact"], serde_json::Value::Null);
    assert_eq!(doc["owners"][1]["pages"][1]["due"], "2026-12-14");
    assert_eq!(doc["owners"][1]["pages"][1]["status"], "due");
    // `--all` lists the current pages too.
    let all = today_run(&site, &["review", "--all", "--format", "csv"]);
    assert_eq!(all.stdout.lines().count(), 1 + 8, "{}", all.stdout);
    assert!(all.stdout.contains(
        "Ana Ruiz,Checkout,ana@example.org,current,content/guide/setup.md,Setup,/guide/setup/,2026-06-01,2027-06-01"
    ));
}

#[test]
fn pages_show_owner_review_date_and_a_notice_when_overdue() {
    let site = fixture();
    today_run(&site, &["build"]).success();
    let setup = site.read("public/guide/setup/index.html");
    assert!(
        setup.contains(r#"<p class="page-upkeep"><span class="page-owner"><a href="/owners/#owner-ana-ruiz">Ana Ruiz</a></span> · <span class="page-reviewed">reviewed <time datetime="2026-06-01">1 Jun 2026</time></span></p>"#),
        "{setup}"
    );
    assert!(!setup.contains("review-notice"));
    let old = site.read("public/guide/old/index.html");
    assert!(old.contains(r#"<a href="/owners/#owner-ana-ruiz">Ana Ruiz</a>, <a href="/owners/#owner-ben-cho">Ben Cho</a>"#), "{old}");
    assert!(
        old.contains(r#"<p class="review-notice" role="note">This page was due for review on <time datetime="2026-09-01">1 Sep 2026</time>; some of it may be out of date.</p>"#),
        "{old}"
    );
    let faq = site.read("public/faq/index.html");
    assert!(faq.contains(r#"<p class="page-upkeep"><span class="page-reviewed">reviewed <time datetime="2026-08-20">20 Aug 2026</time></span></p>"#), "{faq}");
}

#[test]
fn the_owners_page_lists_owners_with_their_pages_and_due_dates() {
    let site = fixture();
    today_run(&site, &["build"]).success();
    let html = site.read("public/owners/index.html");
    let start = html
        .find("<h2 id=\"owner-ana-ruiz\">")
        .expect("Ana's section");
    let ana = &html[start
        ..html[start..]
            .find("</section>")
            .map_or(html.len(), |e| start + e)];
    assert!(ana.contains("<p class=\"owner-meta\">Product owner, Checkout · <a href=\"mailto:ana@example.org\">ana@example.org</a></p>"), "{ana}");
    let rows: Vec<&str> = ana.lines().filter(|l| l.starts_with("<tr class")).collect();
    assert_eq!(
        rows,
        [
            "<tr class=\"review-current\"><td><a href=\"/\">Home</a></td>",
            "<tr class=\"review-overdue\"><td><a href=\"/guide/old/\">Old ways</a></td>",
            "<tr class=\"review-current\"><td><a href=\"/guide/setup/\">Setup</a></td>",
            "<tr class=\"review-current\"><td><a href=\"/launch/\">Launch checklist</a></td>",
        ]
    );
    assert!(ana.contains("<td><time datetime=\"2026-09-01\">1 Sep 2026</time> (overdue)</td>"));
    assert!(
        ana.contains("<p class=\"owner-count\">4 pages, 1 overdue for review.</p>"),
        "{ana}"
    );
    assert!(html.contains("<h2 id=\"owner-ben-cho\">Ben Cho</h2>"));
    assert!(html.contains("<h2 id=\"owner-none\">No owner</h2>"));
    assert!(site.read("public/sitemap.xml").contains("/owners/</loc>"));
}

#[test]
fn checklist_pages_load_their_script_and_others_do_not() {
    let site = fixture();
    today_run(&site, &["build"]).success();
    let launch = site.read("public/launch/index.html");
    let script =
        regex::Regex::new(r#"<script src="/js/checklist\.[0-9a-f]{8}\.js" defer></script>"#)
            .expect("regex");
    assert!(script.is_match(&launch), "{launch}");
    assert!(!site.read("public/faq/index.html").contains("checklist.js"));
}

#[test]
fn dates_come_from_git_history_in_one_pass() {
    let site = fixture();
    commit_all(&site, "first", "2026-09-01T10:00:00Z");
    site.write(
        "content/guide/setup.md",
        "+++\ntitle = \"Setup\"\nowner = \"Ana Ruiz\"\nreviewed = 2026-06-01\n+++\nWhat to install, now with a list.\n",
    );
    commit_all(&site, "setup grows", "2026-10-05T08:00:00Z");
    site.write(
        "content/faq.md",
        "+++\ntitle = \"FAQ\"\nupdated = 2026-09-20\nowner = \"Ben Cho\"\nreviewed = 2026-11-20\n+++\nQuestions.\n",
    );
    site.write(
        "content/new.md",
        "+++\ntitle = \"New page\"\nowner = \"Ben Cho\"\n+++\nFresh.\n",
    );
    commit_all(&site, "faq and new", "2026-11-10T12:00:00Z");
    let run = today_run(&site, &["build"]);
    run.success();
    assert!(!run.stderr.contains("note:"), "{}", run.stderr);
    let setup = site.read("public/guide/setup/index.html");
    assert!(
        setup.contains(r#"<a href="https://github.com/example/handbook/commits/HEAD/content/guide/setup.md">Updated <time datetime="2026-10-05">2026-10-05</time></a>"#),
        "{setup}"
    );
    // Front matter wins over Git.
    let faq = site.read("public/faq/index.html");
    assert!(
        faq.contains(r#"Updated <time datetime="2026-09-20">2026-09-20</time>"#),
        "{faq}"
    );

    let changes = site.read("public/changes/index.html");
    let items: Vec<&str> = changes
        .lines()
        .filter(|l| l.starts_with("<li><time"))
        .collect();
    assert_eq!(
        items,
        [
            r#"<li><time datetime="2026-11-10">10 Nov 2026</time> <span class="change-kind change-added">Added</span> <a href="/new/">New page</a></li>"#,
            r#"<li><time datetime="2026-10-05">5 Oct 2026</time> <span class="change-kind change-updated">Updated</span> <a href="/guide/setup/">Setup</a></li>"#,
            r#"<li><time datetime="2026-09-20">20 Sep 2026</time> <span class="change-kind change-updated">Updated</span> <a href="/faq/">FAQ</a></li>"#,
            // The same day: in sidebar order.
            r#"<li><time datetime="2026-09-01">1 Sep 2026</time> <span class="change-kind change-added">Added</span> <a href="/soon/">Due soon</a></li>"#,
            r#"<li><time datetime="2026-09-01">1 Sep 2026</time> <span class="change-kind change-added">Added</span> <a href="/guide/">Guide</a></li>"#,
            r#"<li><time datetime="2026-09-01">1 Sep 2026</time> <span class="change-kind change-added">Added</span> <a href="/guide/old/">Old ways</a></li>"#,
            r#"<li><time datetime="2026-09-01">1 Sep 2026</time> <span class="change-kind change-added">Added</span> <a href="/launch/">Launch checklist</a></li>"#,
        ]
    );
    // The home page shows the newest five.
    let home = site.read("public/index.html");
    let recent: Vec<&str> = home
        .lines()
        .filter(|l| l.starts_with("<li><time"))
        .collect();
    assert_eq!(recent, items[..5]);
    assert!(home.contains(r#"<p><a href="/changes/">All changes</a></p>"#));

    let feed = site.read("public/changes/atom.xml");
    let titles: Vec<&str> = feed
        .lines()
        .filter_map(|l| l.strip_prefix("<title>"))
        .collect();
    assert_eq!(
        titles,
        [
            "Upkeep test - What changed</title>",
            "Added: New page</title>",
            "Updated: Setup</title>",
            "Updated: FAQ</title>",
            "Added: Due soon</title>",
            "Added: Guide</title>",
            "Added: Old ways</title>",
            "Added: Launch checklist</title>",
        ]
    );
    assert!(
        feed.contains("<updated>2026-11-10T12:00:00Z</updated>"),
        "{feed}"
    );
}

#[test]
fn without_git_history_there_are_no_dates_and_one_note() {
    // Not a repository.
    let plain = Site::fixture("upkeep");
    let run = today_run(&plain, &["build"]);
    run.success();
    let notes: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("note:"))
        .collect();
    assert_eq!(
        notes,
        ["note: the site is not in a Git repository: pages' dates come from front matter only"]
    );
    assert!(
        !plain.exists("public/changes/index.html"),
        "no dates, no changes page"
    );

    // A shallow clone.
    let origin = fixture();
    commit_all(&origin, "one", "2026-09-01T10:00:00Z");
    origin.write(
        "content/soon.md",
        "+++\ntitle = \"Due soon\"\nowner = \"Ben Cho\"\nreviewed = 2026-09-15\n+++\nMore.\n",
    );
    commit_all(&origin, "two", "2026-10-01T10:00:00Z");
    let clone = Site::empty();
    let url = format!("file://{}", origin.path().display());
    let status = Command::new("git")
        .args(["clone", "-q", "--depth", "1", &url, "."])
        .current_dir(clone.path())
        .status()
        .expect("git clone");
    assert!(status.success());
    let run = clone.run_env(&[TODAY], &["build"]);
    run.success();
    run.stderr_has("note: the Git repository is a shallow clone");
    run.stderr_has("fetch-depth: 0");
    assert!(!clone.read("public/soon/index.html").contains("Updated"));

    // No git on the machine.
    let nogit = fixture();
    let run = nogit.run_env(&[TODAY, ("PATH", "/nonexistent")], &["build"]);
    run.success();
    run.stderr_has("note: `git` was not found");

    // A corrupt repository: a note, the build goes on.
    let corrupt = fixture();
    commit_all(&corrupt, "one", "2026-09-01T10:00:00Z");
    corrupt.write(".git/HEAD", "this is not a ref\n");
    corrupt.write(".git/refs/heads/main", "0000\n");
    let run = today_run(&corrupt, &["build"]);
    run.success();
    let notes: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("note:"))
        .collect();
    assert_eq!(notes.len(), 1, "{}", run.stderr);
    assert!(corrupt.exists("public/index.html"));
}

#[test]
fn every_bad_owner_and_review_date_is_an_error_with_its_place() {
    let site = fixture();
    site.write(
        "content/guide/setup.md",
        "+++\ntitle = \"Setup\"\nowner = \"Ana Ruis\"\nreviewed = 2026-06-01\n+++\nText.\n",
    );
    site.write(
        "content/faq.md",
        "+++\ntitle = \"FAQ\"\nowner = \"Ben Cho\"\nreviewed = 2026-12-24\n+++\nText.\n",
    );
    site.write(
        "content/soon.md",
        "+++\ntitle = \"Soon\"\nowner = \"Ben Cho\"\nreviewed = \"last week\"\n+++\nText.\n",
    );
    site.write(
        "content/launch.md",
        "+++\ntitle = \"Launch\"\nowner = \"Zed\"\nreviewed = 2026-11-01\nreview_every = \"quarterly\"\n+++\nText.\n",
    );
    let run = today_run(&site, &["check"]);
    run.failure();
    assert_eq!(
        warning_lines(&run),
        [
            "content/faq.md:4:1: error: `reviewed = 2026-12-24` is in the future (today is 2026-11-30)",
            "  = help: write the day the page was last reviewed",
            "content/guide/old.md:4:1: warning: review overdue: last reviewed 2026-03-01, due 2026-09-01",
            "  = help: review the page and set `reviewed = 2026-11-30`",
            "content/guide/setup.md:3:1: error: unknown owner `Ana Ruis`",
            "  = help: did you mean `Ana Ruiz`?",
            "content/launch.md:3:1: error: unknown owner `Zed`",
            "  = help: owners are listed in [owners] in rolebook.toml: Ana Ruiz, Ben Cho",
            "content/launch.md:5:1: error: `review_every = \"quarterly\"` is not a review interval",
            "  = help: write a number and a unit: \"90 days\", \"6 weeks\", \"6 months\" or \"1 year\"",
            "content/soon.md:4:1: error: `reviewed` is not a valid date",
            "  = help: write a date like 2026-10-01",
            "error: 5 errors; nothing was written",
        ]
    );
}

#[test]
fn a_bad_review_interval_in_the_config_names_its_line_and_the_forms() {
    let site = fixture();
    site.write(
        "rolebook.toml",
        "title = \"Upkeep test\"\n\n[review]\nrequire_owner = true\nevery = \"every spring\"\n",
    );
    let run = today_run(&site, &["build"]);
    run.failure();
    assert_eq!(
        warning_lines(&run),
        [
            "rolebook.toml:5:1: error: `every = \"every spring\"` is not a review interval",
            "  = help: write a number and a unit: \"90 days\", \"6 weeks\", \"6 months\" or \"1 year\"",
            "error: 1 error; nothing was written",
        ]
    );
    // An unknown key in [owners] entries is caught too.
    site.write(
        "rolebook.toml",
        "title = \"Upkeep test\"\n\n[owners]\n\"Ana Ruiz\" = { teem = \"Checkout\" }\n",
    );
    let run = today_run(&site, &["build"]);
    run.failure();
    run.stderr_has("rolebook.toml:4:");
    run.stderr_has("did you mean `team`?");
    // Two names that make the same anchor on /owners/.
    site.write(
        "rolebook.toml",
        "title = \"Upkeep test\"\n\n[owners]\n\"Ana Ruiz\" = {}\n\"ana ruiz\" = {}\n",
    );
    let run = today_run(&site, &["build"]);
    run.failure();
    run.stderr_has("rolebook.toml:3:1: error: owners \"Ana Ruiz\" and \"ana ruiz\" differ only in case or punctuation");
    // And a clock that is not a date.
    site.write("rolebook.toml", "title = \"Upkeep test\"\n");
    let run = site.run_env(&[("ROLEBOOK_TODAY", "tomorrow")], &["check"]);
    run.failure();
    run.stderr_has("error: ROLEBOOK_TODAY=\"tomorrow\" is not a date");
}

#[test]
fn an_empty_owner_list_is_no_owner() {
    let site = fixture();
    site.write(
        "content/faq.md",
        "+++\ntitle = \"FAQ\"\nowner = []\nreviewed = 2026-11-20\n+++\nQuestions.\n",
    );
    let run = today_run(&site, &["check"]);
    run.success();
    assert_eq!(
        warning_lines(&run)[..2],
        [
            "content/faq.md: warning: the page has no `owner`",
            "  = help: add `owner = \"Name\"` to its front matter ([review] require_owner is on)",
        ]
    );
}

#[test]
fn yaml_front_matter_has_owners_and_review_dates_too() {
    let site = fixture();
    site.write(
        "content/faq.md",
        "---\ntitle: FAQ\nowner: Ben Cho\nreviewed: 2026-03-02\n---\nQuestions.\n",
    );
    let run = today_run(&site, &["check"]);
    run.success();
    run.stderr_has(
        "content/faq.md:4:1: warning: review overdue: last reviewed 2026-03-02, due 2026-05-31",
    );
    site.write(
        "content/faq.md",
        "---\ntitle: FAQ\nowner: Ben Co\n---\nQuestions.\n",
    );
    let run = today_run(&site, &["check"]);
    run.failure();
    run.stderr_has("content/faq.md:3:1: error: unknown owner `Ben Co`");
    run.stderr_has("did you mean `Ben Cho`?");
}

#[test]
fn a_site_in_a_subfolder_of_its_repository_links_the_right_history() {
    let repo = Site::empty();
    crate::support::copy_tree(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/upkeep"),
        &repo.path().join("docs/handbook"),
    );
    git(&repo, &["init", "-q"], "2026-09-01T10:00:00Z");
    commit_all(&repo, "the handbook", "2026-09-01T10:00:00Z");
    let run = repo.run_env(&[TODAY], &["--root", "docs/handbook", "build"]);
    run.success();
    assert!(!run.stderr.contains("note:"), "{}", run.stderr);
    let setup = repo.read("docs/handbook/public/guide/setup/index.html");
    assert!(
        setup.contains(r#"<a href="https://github.com/example/handbook/commits/HEAD/docs/handbook/content/guide/setup.md">Updated <time datetime="2026-09-01">2026-09-01</time></a>"#),
        "{setup}"
    );
}

#[test]
fn a_mass_edit_in_the_ignore_list_does_not_date_every_page() {
    let site = fixture();
    commit_all(&site, "first", "2026-09-01T10:00:00Z");
    site.write(
        "content/guide/setup.md",
        "+++\ntitle = \"Setup\"\nowner = \"Ana Ruiz\"\nreviewed = 2026-06-01\n+++\nWhat to install, now with a list.\n",
    );
    commit_all(&site, "setup grows", "2026-10-05T08:00:00Z");
    // Metadata added to every page, in one commit listed as a mass edit.
    for rel in ["content/guide/setup.md", "content/soon.md"] {
        let text = site.read(rel);
        site.write(rel, text.replacen("+++\n", "+++\ntags = [\"kept\"]\n", 1));
    }
    commit_all(&site, "tags on every page", "2026-11-20T09:00:00Z");
    let mass = git(&site, &["rev-parse", "HEAD"], "2026-11-20T09:00:00Z");
    let run = today_run(&site, &["build"]);
    run.success();
    let dated = |rel: &str| {
        let html = site.read(rel);
        let at = html.find("Updated <time datetime=\"").expect("a date") + 24;
        html[at..at + 10].to_string()
    };
    assert_eq!(dated("public/guide/setup/index.html"), "2026-11-20");
    site.write(
        ".git-blame-ignore-revs",
        format!("# tags added everywhere\n{mass}"),
    );
    let run = today_run(&site, &["build"]);
    run.success();
    assert_eq!(dated("public/guide/setup/index.html"), "2026-10-05");
    assert_eq!(dated("public/soon/index.html"), "2026-09-01");
}
