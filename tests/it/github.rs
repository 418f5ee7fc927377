//! Handbooks written to be read on GitHub: README.md and index.md as a
//! folder's page, relative links to folders, GitHub's heading ids,
//! `content_dir`, every unknown key in one run, foreign template syntax,
//! `[links] broken = "warn"` and `--strict`.

use crate::support::Site;

/// Every `index.html` under `public/`, sorted.
fn pages(site: &Site) -> Vec<String> {
    let root = site.path().join("public");
    let mut out: Vec<String> = walkdir::WalkDir::new(&root)
        .into_iter()
        .flatten()
        .filter(|e| e.file_name() == "index.html")
        .map(|e| {
            e.path()
                .strip_prefix(&root)
                .expect("under public")
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    out.sort();
    out
}

/// The `href`s of the links written in the page's Markdown, in order
/// (heading anchors and the section listings left out).
fn article_links(html: &str) -> Vec<String> {
    let start = html
        .find("<div class=\"content\">")
        .expect("a content block");
    let rest = &html[start..];
    let end = [
        "<h2 class=\"listing-title\"",
        "<footer",
        "<nav",
        "</article>",
    ]
    .iter()
    .filter_map(|m| rest.find(m))
    .min()
    .unwrap_or(rest.len());
    let mut region = rest[..end].to_string();
    while let (Some(a), Some(b)) = (region.find("<!--"), region.find("-->")) {
        if b < a {
            break;
        }
        region.replace_range(a..b + 3, "");
    }
    region
        .split("<a ")
        .skip(1)
        .filter(|tag| !tag.starts_with("class=\"anchor\""))
        .filter_map(|tag| tag.split("href=\"").nth(1)?.split('"').next())
        .map(str::to_string)
        .collect()
}

#[test]
fn readme_folders_build_as_on_github() {
    let site = Site::fixture("github-root");
    let run = site.build();
    run.success();
    assert_eq!(run.problems(), "", "no warning on a clean handbook");
    assert_eq!(
        pages(&site),
        vec![
            "company/careers/index.html",
            "company/careers/ladder/index.html",
            "company/index.html",
            "company/onboarding/first-week/index.html",
            "company/onboarding/index.html",
            "company/onboarding/plans/index.html",
            "company/policies/expenses/index.html",
            "company/policies/index.html",
            "company/policies/travel/index.html",
            "company/values/index.html",
            "index.html",
            "print/index.html",
            "proposals/0001-remote-first/index.html",
            "proposals/index.html",
            "templates/index.html",
            "templates/user-story/index.html",
        ]
    );
    // node_modules, target and dot-folders are not content; neither is the output.
    for gone in [
        "public/node_modules",
        "public/target",
        "public/.github",
        "public/public",
    ] {
        assert!(!site.exists(gone), "{gone}");
    }
    // A site built elsewhere before is not read back as content.
    site.run(&["build", "-o", "preview"]).success();
    let again = site.build();
    again.success();
    assert_eq!(again.problems(), "");
    assert!(!site.exists("public/preview"));
    // Assets stay beside their page, bundle or section.
    assert!(site.exists("public/company/onboarding/plans/plan.svg"));
    assert!(site.exists("public/proposals/0001-remote-first/map.svg"));

    let home = site.read("public/index.html");
    assert_eq!(
        article_links(&home),
        vec![
            "/company/",
            "/company/careers/",
            "/company/onboarding/",
            "/proposals/0001-remote-first/#decision",
            "#who-decides----po-or-pm",
            "#kubectl-kuberc-set---section-defaults",
            "#whats-done",
            "#who-decides----po-or-pm",
            "/templates/user-story/",
            "#top",
        ]
    );
    // The title is shown once (by the theme); the heading's id stays.
    assert_eq!(home.matches("<h1").count(), 1, "{home}");
    assert!(home.contains("<span id=\"acme-handbook\"></span>"));
    for id in [
        "who-decides----po-or-pm",
        "kubectl-kuberc-set---section-defaults",
        "whats-done",
    ] {
        assert!(
            home.contains(&format!("<h2 id=\"{id}\">"))
                || home.contains(&format!("<h3 id=\"{id}\">")),
            "{id}"
        );
    }
    assert!(home.contains("<h1 class=\"article-title\">Acme Handbook</h1>"));

    let values = site.read("public/company/values/index.html");
    assert_eq!(
        article_links(&values),
        vec![
            "/company/",
            "/company/careers/",
            "/company/careers/#levels",
            "/company/careers/ladder/#senior--staff",
        ]
    );
    // `policies.md` beside a folder `policies/` of pages is that folder's page.
    let policies = site.read("public/company/policies/index.html");
    assert_eq!(
        article_links(&policies),
        vec!["/company/policies/travel/", "/company/policies/expenses/"]
    );
    assert!(
        policies.contains("<h2 class=\"listing-title\" id=\"pages\">Pages</h2>"),
        "{policies}"
    );
    assert_eq!(
        article_links(&site.read("public/company/policies/travel/index.html")),
        vec!["/company/policies/"]
    );
    // Raw HTML links and images are resolved like Markdown ones; comments are left alone.
    assert!(
        values.contains(
            "<img src=\"/proposals/0001-remote-first/map.svg\" alt=\"Where we work\" width=\"200\">"
        ),
        "{values}"
    );
    assert!(
        values.contains("<!-- An old link, kept for later: <a href=\"nowhere.md\">gone</a> -->")
    );
    let ladder = site.read("public/company/careers/ladder/index.html");
    assert_eq!(
        article_links(&ladder),
        vec!["/company/careers/", "/company/", "/#top"]
    );
    let first_week = site.read("public/company/onboarding/first-week/index.html");
    assert_eq!(
        article_links(&first_week),
        vec!["/company/onboarding/#onboarding"]
    );
    // The lower-case readme.md alone in its folder is a page (a bundle).
    let plans = site.read("public/company/onboarding/plans/index.html");
    assert!(
        plans.contains("src=\"/company/onboarding/plans/plan.svg\""),
        "{plans}"
    );
}

#[test]
fn docs_folder_is_the_content_and_the_rest_is_left_alone() {
    let site = Site::fixture("github-docs");
    let run = site.build();
    run.success();
    assert_eq!(run.problems(), "");
    assert_eq!(
        pages(&site),
        vec![
            "guide/index.html",
            "guide/setup/index.html",
            "index.html",
            "print/index.html",
            "reference/index.html",
        ]
    );
    assert!(!site.exists("public/src"));
    assert_eq!(
        article_links(&site.read("public/index.html")),
        vec!["/guide/", "/guide/setup/#install-the-cli", "/reference/"]
    );
    assert_eq!(
        article_links(&site.read("public/guide/setup/index.html")),
        vec![
            "/guide/",
            "https://github.com/acme/widget/blob/HEAD/LICENSE",
            "https://github.com/acme/widget/blob/HEAD/src/main.rs#L1",
        ]
    );
    assert_eq!(
        article_links(&site.read("public/guide/index.html")),
        vec!["/guide/setup/", "/reference/"]
    );
    assert_eq!(
        article_links(&site.read("public/reference/index.html")),
        vec!["/", "/guide/setup/#install-the-cli"]
    );
    site.run(&["check"]).success();

    // Without `repository`, links out of the content folder are warnings;
    // a file that is not there at all is broken.
    site.write(
        "rolebook.toml",
        "title = \"Widget docs\"\ncontent_dir = \"docs\"\n",
    );
    site.write(
        "docs/guide/more.md",
        "# More\n\n[gone](../../CHANGELOG.md) [up](../../../x.md)\n",
    );
    let run = site.run(&["check"]);
    run.failure();
    let lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains(": warning: ") || l.contains(": error: "))
        .collect();
    assert_eq!(
        lines,
        vec![
            "docs/guide/more.md:3:1: error: broken link: there is no file `CHANGELOG.md`",
            "docs/guide/more.md:3:28: error: broken link: `../../../x.md` points above the site folder",
            "docs/guide/setup.md:7:20: warning: `LICENSE` is outside the content folder, so it is not part of the site",
            "docs/guide/setup.md:7:65: warning: `src/main.rs` is outside the content folder, so it is not part of the site",
        ]
    );
}

#[test]
fn every_folder_and_key_error_in_one_run() {
    let site = Site::fixture("github-errors");
    let run = site.build();
    run.failure();
    assert!(!site.exists("public"));
    let expected = r#"handbook/README.md:3:24: error: broken link: the folder `images/` has no page (no `README.md`, `index.md` or `_index.md`)
  |
3 | See [the team](team/), [pictures](images/), [the tema](tema/) and [roles](roles/#people).
  |                        ^
  = help: give the folder a `README.md` or `index.md`, or link to a page in it

handbook/README.md:3:45: error: broken link: there is no folder `tema/`
  |
3 | See [the team](team/), [pictures](images/), [the tema](tema/) and [roles](roles/#people).
  |                                             ^
  = help: did you mean `team/`?

handbook/README.md:3:67: error: broken anchor: `roles/_index.md` has no heading or anchor `#people`
  |
3 | See [the team](team/), [pictures](images/), [the tema](tema/) and [roles](roles/#people).
  |                                                                   ^
  = help: the page has no headings

handbook/roles/README.md: error: the folder `roles/` has two pages of its own: handbook/roles/_index.md and handbook/roles/README.md
  = help: a folder's page is its `_index.md`, else `index.md`, else `README.md`; rename or merge one of them

handbook/roles/po.md:3:1: warning: unknown key `layout` is ignored
  |
3 | layout: page
  | ^
  = help: rolebook chooses the template; set `template = "NAME.html"` for another one

handbook/roles/po.md:4:1: warning: unknown key `nav_order` is ignored
  |
4 | nav_order: 2
  | ^
  = help: write `weight`: low comes first in the sidebar

handbook/roles/po.md:5:1: error: unknown key `wieght`
  |
5 | wieght: 3
  | ^
  = help: did you mean `weight`? allowed keys: title, description, date, updated, weight, draft, slug, aliases, tags, roles, template, toc, extra, taxonomies, sort_by, feed, page_template, owner, reviewed, review_every, checklist

handbook/team/Readme.md: error: the folder `team/` has two pages of its own: handbook/team/index.md and handbook/team/Readme.md
  = help: a folder's page is its `_index.md`, else `index.md`, else `README.md`; rename or merge one of them

error: 6 errors; nothing was written
"#;
    assert_eq!(run.stderr, expected);
}

#[test]
fn content_dir_that_is_missing_or_outside_is_an_error_on_its_line() {
    let site = Site::empty();
    site.write(
        "rolebook.toml",
        "title = \"x\"\ncontent_dir = \"handbook\"\n",
    );
    site.write("docs/README.md", "# Docs\n");
    let run = site.build();
    run.failure();
    assert_eq!(
        run.stderr,
        "rolebook.toml:2:1: error: `content_dir = \"handbook\"`: there is no such folder in the site\n  |\n2 | content_dir = \"handbook\"\n  | ^\n  = help: name the folder that holds the Markdown, relative to rolebook.toml (`.` for this folder)\n\nerror: 1 error; nothing was written\n"
    );
    site.write(
        "rolebook.toml",
        "title = \"x\"\n\ncontent_dir = \"../docs\"\n[markdown]\nsmart_punct = false\n",
    );
    let run = site.run(&["check"]);
    run.failure();
    assert_eq!(
        run.stderr,
        "rolebook.toml:5:1: error: [markdown]: unknown key `smart_punct`\n  |\n5 | smart_punct = false\n  | ^\n  = help: did you mean `smart_punctuation`? allowed keys: highlight_code, highlight_theme, highlight_theme_dark, line_numbers, smart_punctuation, external_links_new_tab, toc_depth\n\nerror: 1 error; nothing was written\n"
    );
    site.write(
        "rolebook.toml",
        "title = \"x\"\n\ncontent_dir = \"../docs\"\n",
    );
    let run = site.run(&["check"]);
    run.failure();
    run.stderr_has("rolebook.toml:3:1: error: `content_dir = \"../docs\"` lies outside the site: `..` leaves the folder of rolebook.toml");
}

#[test]
fn broken_links_warn_and_strict_fails_on_warnings() {
    let site = Site::fixture("github-warn");
    let run = site.build();
    run.success();
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains(": warning: "))
        .collect();
    assert_eq!(
        warnings,
        vec![
            "docs/README.md:3:12: warning: broken link: there is no content file `guide.md`",
            "docs/README.md:3:35: warning: there is no heading or anchor `#nowhere` on this page",
            "docs/README.md:3:58: warning: broken link: there is no folder `archive/`",
            "docs/README.md:4:27: warning: Liquid template code `{{ site.baseurl }}` is not run: rolebook does not run templates in Markdown, and shows it as written",
            "docs/README.md:4:58: warning: Liquid tag `{% include footer.html %}` is not run: rolebook does not run templates in Markdown, and shows it as written",
        ]
    );
    // Broken links are left as written; the good one is made a URL.
    let home = site.read("public/index.html");
    assert_eq!(
        article_links(&home),
        vec!["guide.md", "#nowhere", "archive/", "/setup/#steps",]
    );
    assert!(
        home.contains("[about]({{ site.baseurl }}/about/) and {% include footer.html %}"),
        "{home}"
    );

    let strict = site.run(&["check", "--strict"]);
    strict.failure();
    assert_eq!(
        strict.stderr.matches(": error: ").count(),
        5,
        "{}",
        strict.stderr
    );
    assert!(
        strict
            .stderr
            .ends_with("error: 5 errors; nothing was written\n")
    );

    std::fs::remove_dir_all(site.path().join("public")).expect("remove output");
    let strict = site.run(&["build", "--strict"]);
    strict.failure();
    assert!(!site.exists("public"));

    // The same links fail the build when broken links are errors (the default).
    site.write("rolebook.toml", "title = \"x\"\ncontent_dir = \"docs\"\n");
    let run = site.build();
    run.failure();
    run.stderr_has("docs/README.md:3:12: error: broken link: there is no content file `guide.md`");
    run.stderr_has("error: 3 errors; nothing was written");
}

#[test]
fn rolebook_shortcodes_still_run_and_a_misspelt_one_is_an_error() {
    let site = Site::empty();
    site.write("rolebook.toml", "title = \"x\"\ncontent_dir = \".\"\n");
    site.write(
        "README.md",
        "# Home\n\n{{ figure(src=\"a.svg\", alt=\"A\") }} and {{ page.title }}\n\n{{ figuer(src=\"a.svg\") }}\n",
    );
    let run = site.build();
    run.failure();
    run.stderr_has("README.md:3:40: warning: Liquid template code `{{ page.title }}` is not run");
    run.stderr_has("README.md:5:1: error: unknown shortcode `figuer` (did you mean `figure`?)");
    site.write(
        "README.md",
        "# Home\n\n{{ figure(src=\"a.svg\", alt=\"A\") }}\n\n`{{ site.baseurl }}` in code is an example.\n",
    );
    let run = site.build();
    run.success();
    assert_eq!(run.problems(), "");
    assert!(site.read("public/index.html").contains("<figure"));
}

#[test]
fn init_beside_existing_markdown_writes_only_the_config() {
    let site = Site::empty();
    site.write("README.md", "# Team handbook\n\nSee [careers](careers/).\n");
    site.write("careers/README.md", "# Careers\n");
    site.write("node_modules/x/README.md", "# not content\n");
    let run = site.run(&["init"]);
    run.success();
    assert!(run.stdout.starts_with("Found 2 Markdown files in .: wrote only ./rolebook.toml with content_dir = \".\", and no starter pages."), "{}", run.stdout);
    assert!(!site.exists("content"));
    let config = site.read("rolebook.toml");
    assert!(config.contains("content_dir = \".\"\n"), "{config}");
    site.build().success();
    assert_eq!(
        pages(&site),
        vec!["careers/index.html", "index.html", "print/index.html"]
    );
    // A second init writes nothing.
    site.run(&["init"])
        .failure()
        .stderr_has("rolebook.toml: error: this file exists already");

    let docs = Site::empty();
    docs.write("README.md", "# Widget\n");
    docs.write("docs/index.md", "# Docs\n");
    docs.run(&["init"]).success();
    assert!(
        docs.read("rolebook.toml")
            .contains("content_dir = \"docs\"\n")
    );
    docs.build().success();
}

#[test]
fn a_proposal_folder_links_its_metadata_file_and_folders_without_a_page_nest() {
    // The shape of a design-proposals repository: numbered folders, each a
    // README.md with a metadata file beside it, grouped in folders that
    // have no page of their own.
    let site = Site::empty();
    site.write(
        "rolebook.toml",
        "title = \"Proposals\"\ncontent_dir = \".\"\n",
    );
    site.write(
        "README.md",
        "# Proposals\n\nSee [remote first](proposals/people/0001-remote-first/).\n",
    );
    site.write("package.json", "{\"private\": true}\n");
    site.write(
        "proposals/people/0001-remote-first/README.md",
        "# Remote first\n\n## Summary\n\nWe work remotely. Status is in [the metadata](proposal.yaml).\n",
    );
    site.write(
        "proposals/people/0001-remote-first/proposal.yaml",
        "title: Remote first\nnumber: 1\nstatus: accepted\n",
    );
    let run = site.build();
    run.success();
    assert_eq!(run.problems(), "");
    assert_eq!(
        pages(&site),
        vec![
            "index.html",
            "print/index.html",
            "proposals/index.html",
            "proposals/people/0001-remote-first/index.html",
            "proposals/people/index.html",
        ]
    );
    let page = site.read("public/proposals/people/0001-remote-first/index.html");
    assert!(
        page.contains("href=\"/proposals/people/0001-remote-first/proposal.yaml\""),
        "{page}"
    );
    assert_eq!(
        site.read("public/proposals/people/0001-remote-first/proposal.yaml"),
        "title: Remote first\nnumber: 1\nstatus: accepted\n"
    );
    // The repository's tool files are neither data nor published.
    assert!(!site.exists("public/package.json"));
}
