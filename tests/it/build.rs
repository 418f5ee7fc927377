//! The build engine on the `site-basic` fixture: URLs under a sub-path,
//! links, TOC, code, shortcodes, ordering, drafts, taxonomies, feeds,
//! aliases, sitemap and deterministic output.

use crate::support::Site;

fn built() -> Site {
    let site = Site::fixture("site-basic");
    site.build().success();
    site
}

#[test]
fn pretty_urls_and_links_under_a_sub_path() {
    let site = built();
    let html = site.read("public/guide/links/index.html");
    assert!(
        html.contains(r#"<a href="/handbook/guide/first/">relative link</a>"#),
        "{html}"
    );
    assert!(html.contains(r#"<a href="/handbook/guide/second/">absolute one</a>"#));
    assert!(html.contains(r##"<a href="#section-two">same-page anchor</a>"##));
    let second = site.read("public/guide/second/index.html");
    assert!(second.contains(r##"href="/handbook/guide/links/#section-two""##));
    assert!(
        html.contains(r#"<a href="/handbook/guide/">Guide</a>"#),
        "nav and breadcrumbs use the base path"
    );
    assert!(
        site.exists("public/my-notes/uber-uns/index.html"),
        "spaces and Unicode in file names make clean URLs"
    );
}

#[test]
fn bare_urls_become_links() {
    let html = built().read("public/guide/links/index.html");
    assert!(
        html.contains(r#"<a href="https://example.com/docs">https://example.com/docs</a>."#),
        "{html}"
    );
}

#[test]
fn headings_get_unique_ids_anchor_links_and_a_toc() {
    let html = built().read("public/guide/links/index.html");
    assert!(
        html.contains(
            r##"<h2 id="section-one">Section one <a class="anchor" href="#section-one""##
        )
    );
    assert!(
        html.contains(r#"<h2 id="section-one-1">"#),
        "a repeated heading gets a suffix"
    );
    assert!(
        html.contains(r#"<h2 id="section-two">"#),
        "a custom id wins"
    );
    assert!(html.contains(r#"<ul class="toc"><li>section-one=Section one</li><li>section-two=Section two<li>deeper=Deeper</li></li><li>section-one-1=Section one</li></ul>"#), "{html}");
}

#[test]
fn code_is_highlighted_with_numbers_and_marked_lines() {
    let site = built();
    let html = site.read("public/guide/links/index.html");
    assert!(html.contains(r#"<pre class="code numbered" data-lang="toml">"#));
    assert!(
        html.contains("hl-entity hl-name hl-table hl-toml"),
        "classes, not inline styles"
    );
    assert_eq!(html.matches("line marked").count(), 1, "one marked line");
    let css = std::fs::read_dir(site.path().join("public/css"))
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().starts_with("syntax."))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .expect("a fingerprinted syntax stylesheet");
    assert!(
        css.contains("html[data-theme=\"dark\"]") && css.contains("prefers-color-scheme: dark")
    );
}

#[test]
fn shortcodes_inline_and_with_body_but_not_in_code() {
    let html = built().read("public/guide/links/index.html");
    assert!(
        html.contains(r#"<code>{{ badge(role="po") }}</code>"#),
        "a call in code is text"
    );
    assert!(
        html.contains(r#"<span class="badge badge-pm">PM</span>."#),
        "{html}"
    );
    assert!(html.contains(
        r#"<aside class="note" data-title="Heads up"><p>A <strong>body</strong> in Markdown.</p>"#
    ));
}

#[test]
fn markdown_extensions_render() {
    let html = built().read("public/guide/links/index.html");
    assert!(html.contains(r#"<div class="alert alert-warning" role="note">"#));
    assert!(html.contains(r#"<div class="table-wrap"><table>"#));
    assert!(html.contains(r#"<input type="checkbox" disabled checked aria-label="Done">"#));
    assert!(html.contains(r#"<input type="checkbox" disabled aria-label="Not done">"#));
    assert!(html.contains("<dt>Term</dt>"));
    assert!(html.contains(r#"class="footnote-definition""#));
}

#[test]
fn pages_are_ordered_by_weight_then_title() {
    let html = built().read("public/guide/index.html");
    let order: Vec<usize> = ["First", "Second", "Links and more", "Alpha without weight"]
        .iter()
        .map(|t| {
            html.find(&format!(">{t}</a>"))
                .unwrap_or_else(|| panic!("{t} missing"))
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    let first = built().read("public/guide/first/index.html");
    assert!(first.contains(r#"<a rel="next" href="/handbook/guide/second/">Second</a>"#));
}

#[test]
fn summaries_stop_at_the_more_marker_or_first_paragraph() {
    let html = built().read("public/guide/index.html");
    assert!(html.contains("<p>This is the first paragraph, used as the summary.</p>"));
    assert!(!html.contains("Another paragraph"));
}

#[test]
fn drafts_are_left_out_unless_asked() {
    let site = Site::fixture("site-basic");
    site.build().success();
    assert!(!site.exists("public/guide/draft/index.html"));
    site.run(&["build", "--drafts"]).success();
    assert!(site.exists("public/guide/draft/index.html"));
}

#[test]
fn taxonomies_get_term_pages() {
    let site = built();
    let tag = site.read("public/tags/basics/index.html");
    assert!(
        tag.contains("First") && tag.contains("Alpha without weight"),
        "{tag}"
    );
    assert!(site.exists("public/tags/backlog-craft/index.html"));
    assert_eq!(
        site.read("public/role/po/index.html").trim(),
        "po: [First][Links and more][Alpha without weight]"
    );
    assert_eq!(
        site.read("public/role/pm/index.html").trim(),
        "pm: [Links and more][Alpha without weight]"
    );
}

#[test]
fn aliases_redirect_to_the_page() {
    let site = built();
    for path in ["public/old/first/index.html", "public/legacy/first.html"] {
        let html = site.read(path);
        assert!(html.contains(r#"url=/handbook/guide/first/"#), "{html}");
    }
}

#[test]
fn sitemap_robots_feed_and_404() {
    let site = built();
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains(
        "<loc>https://example.org/handbook/guide/first/</loc><lastmod>2026-09-01</lastmod>"
    ));
    assert!(!sitemap.contains("draft"));
    assert!(
        site.read("public/robots.txt")
            .contains("Sitemap: https://example.org/handbook/sitemap.xml")
    );
    let feed = site.read("public/news/atom.xml");
    let newer = feed.find("Newer news").unwrap();
    let older = feed.find("Older news").unwrap();
    assert!(newer < older, "newest first");
    assert!(
        feed.contains("Old &lt;b&gt;news&lt;/b&gt;"),
        "content is escaped in XML"
    );
    assert!(site.exists("public/404.html"));
}

#[test]
fn bundle_assets_are_copied_beside_the_page() {
    let site = built();
    assert!(site.exists("public/bundle/diagram.svg"));
    assert!(
        site.read("public/bundle/index.html")
            .contains(r#"src="/handbook/bundle/diagram.svg""#)
    );
}

#[test]
fn same_input_gives_identical_output() {
    let a = built();
    let b = built();
    let list = |s: &Site| {
        let root = s.path().join("public");
        let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(&root)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                (rel, std::fs::read(e.path()).unwrap())
            })
            .collect();
        files.sort();
        files
    };
    let (la, lb) = (list(&a), list(&b));
    assert_eq!(la.len(), lb.len());
    for (x, y) in la.iter().zip(&lb) {
        assert_eq!(x, y, "{} differs", x.0);
    }
}

#[test]
fn relative_links_work_from_disk() {
    let site = Site::fixture("site-basic");
    site.run(&["build", "--relative-links"]).success();
    let html = site.read("public/guide/links/index.html");
    assert!(
        html.contains(r#"<a href="../../guide/first/index.html">relative link</a>"#),
        "{html}"
    );
    assert!(html.contains(r#"href="../../css/syntax."#));
}

#[test]
fn base_url_can_be_overridden() {
    let site = Site::fixture("site-basic");
    site.run(&["build", "--base-url", "https://preview.example.org/"])
        .success();
    assert!(
        site.read("public/guide/links/index.html")
            .contains(r#"<a href="/guide/first/">relative link</a>"#)
    );
}

#[test]
fn output_folder_option_and_summary_line() {
    let site = Site::fixture("site-basic");
    let run = site.run(&["build", "-o", "out"]);
    run.success();
    assert!(site.exists("out/index.html"));
    assert!(
        run.stdout
            .starts_with("Built 8 pages, 4 sections, 0 data files"),
        "{}",
        run.stdout
    );
    assert!(site.run(&["build", "--quiet"]).stdout.is_empty());
}

#[test]
fn check_writes_nothing() {
    let site = Site::fixture("site-basic");
    site.run(&["check"]).success();
    assert!(!site.exists("public"));
}

#[test]
fn init_makes_a_site_that_builds_and_never_overwrites() {
    let site = Site::empty();
    site.run(&["init", "new"]).success();
    let built = site.run(&["--root", "new", "build"]);
    built.success();
    assert!(site.exists("new/public/guide/backlog/index.html"));
    site.run(&["init", "new"])
        .failure()
        .stderr_has("exists already");
}

#[test]
fn default_theme_renders_every_kind_of_page() {
    let site = Site::fixture("site-basic");
    for t in ["page.html", "section.html", "taxonomy_single.html"] {
        std::fs::remove_file(site.path().join("templates").join(t)).unwrap();
    }
    site.build().success();
    let page = site.read("public/guide/first/index.html");
    assert!(page.contains("<title>") && page.contains("First"));
    assert!(site.exists("public/print/index.html"));
    assert!(
        site.exists("public/search/meta.js")
            || site.exists("public/search-index.js")
            || site.path().join("public/search").is_dir()
    );
}

#[test]
fn aliases_redirect_without_an_alias_template() {
    let site = Site::fixture("site-basic");
    site.write(
        "rolebook.toml",
        "title = \"Basic site\"\nbase_url = \"https://example.org/handbook/\"\ntheme = \"plain\"\n\n[extra]\nmotto = \"x\"\n",
    );
    crate::support::copy_tree(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/plain"),
        &site.path().join("themes/plain"),
    );
    site.build().success();
    let html = site.read("public/old/first/index.html");
    assert!(
        html.contains(r#"<meta http-equiv="refresh" content="0; url=/handbook/guide/first/">"#),
        "{html}"
    );
    assert!(html.contains(r#"<meta name="robots" content="noindex">"#));
}

#[test]
fn a_taxonomy_of_the_sites_own_takes_terms_in_every_form() {
    let site = Site::empty();
    site.write(
        "rolebook.toml",
        "title = \"T\"\n\n[[taxonomies]]\nname = \"tags\"\n\n[[taxonomies]]\nname = \"squads\"\n",
    );
    site.write("content/_index.md", "+++\ntitle = \"Home\"\n+++\n");
    site.write(
        "content/a.md",
        "+++\ntitle = \"A\"\n[taxonomies]\nsquads = [\"checkout\", \"growth\"]\ntags = [\"zola-style\"]\n+++\nA.\n",
    );
    site.write(
        "content/b.md",
        "---\ntitle: B\ntaxonomies:\n  squads: checkout\n---\nB.\n",
    );
    site.write(
        "content/c.md",
        "+++\ntitle = \"C\"\n[extra]\nsquads = \"growth\"\n+++\nC.\n",
    );
    let run = site.build();
    run.success();
    assert_eq!(run.problems(), "");
    let titles = |path: &str| -> Vec<String> {
        let html = site.read(path);
        let mut found: Vec<String> = html
            .split("class=\"page-card-title\" href=\"")
            .skip(1)
            .filter_map(|rest| rest.split('>').nth(1))
            .filter_map(|rest| rest.split('<').next())
            .map(str::to_string)
            .collect();
        found.sort();
        found
    };
    assert_eq!(titles("public/squads/checkout/index.html"), ["A", "B"]);
    assert_eq!(titles("public/squads/growth/index.html"), ["A", "C"]);
    assert_eq!(titles("public/tags/zola-style/index.html"), ["A"]);
}
