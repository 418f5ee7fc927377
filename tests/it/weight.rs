//! How heavy the output is: big sites write the navigation once (a script
//! every page loads, the page's own branch, a site map page), the diagram
//! scripts are written only for sites with diagrams, and the home page
//! links only the role pages that exist.

use serde_json::{Value, json};

use crate::serve::Served;
use crate::support::Site;

const SECTIONS: usize = 8;
const PER_SECTION: usize = 40;

fn front(title: &str, weight: usize, extra: &str) -> String {
    format!("+++\ntitle = \"{title}\"\nweight = {weight}\n{extra}+++\n\nText of {title}.\n")
}

/// A site of 334 pages and sections (over the default `sidebar_full_limit`
/// of 300): a top-level page, eight sections of forty pages, and a
/// subsection of three pages in the first section.
fn big_site() -> Site {
    let site = Site::empty();
    site.write("rolebook.toml", "title = \"Big\"\n");
    site.write(
        "content/_index.md",
        "+++\ntitle = \"Home\"\n+++\n\nWelcome.\n",
    );
    site.write("content/about.md", front("About", 1, ""));
    for s in 1..=SECTIONS {
        site.write(
            &format!("content/s{s}/_index.md"),
            front(&format!("Section {s}"), s + 1, ""),
        );
        for p in 1..=PER_SECTION {
            let roles = if p % 2 == 0 { "roles = \"po\"\n" } else { "" };
            site.write(
                &format!("content/s{s}/p{p:02}.md"),
                front(&format!("Page {s}.{p}"), p, roles),
            );
        }
    }
    site.write("content/s1/deep/_index.md", front("Deep", 50, ""));
    for d in 1..=3 {
        site.write(
            &format!("content/s1/deep/d{d}.md"),
            front(&format!("Deep {d}"), d, ""),
        );
    }
    site
}

/// Every page and section of [`big_site`] below home, in sidebar order,
/// as `[title, url path, roles, children?]`.
fn expected_tree() -> Value {
    let mut top = vec![json!(["About", "about/", ""])];
    for s in 1..=SECTIONS {
        let mut children: Vec<Value> = (1..=PER_SECTION)
            .map(|p| {
                let roles = if p % 2 == 0 { "po" } else { "" };
                json!([format!("Page {s}.{p}"), format!("s{s}/p{p:02}/"), roles])
            })
            .collect();
        if s == 1 {
            let deep: Vec<Value> = (1..=3)
                .map(|d| json!([format!("Deep {d}"), format!("s1/deep/d{d}/"), ""]))
                .collect();
            children.push(json!(["Deep", "s1/deep/", "", deep]));
        }
        top.push(json!([
            format!("Section {s}"),
            format!("s{s}/"),
            "",
            children
        ]));
    }
    Value::Array(top)
}

/// Every page's URL path (home aside).
fn all_paths() -> Vec<String> {
    let mut paths = vec!["about/".to_string()];
    for s in 1..=SECTIONS {
        paths.push(format!("s{s}/"));
        paths.extend((1..=PER_SECTION).map(|p| format!("s{s}/p{p:02}/")));
    }
    paths.push("s1/deep/".into());
    paths.extend((1..=3).map(|d| format!("s1/deep/d{d}/")));
    paths
}

/// The one `nav.<hash>.js` of `dir` (under the site), by name.
fn nav_script(site: &Site, dir: &str) -> String {
    let names: Vec<String> = std::fs::read_dir(site.path().join(dir))
        .expect("output folder")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("nav.") && n.ends_with(".js"))
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    names[0].clone()
}

/// The tree a navigation script sets.
fn tree_of(script: &str) -> Value {
    let json = script
        .split_once("window.rolebookNav = ")
        .and_then(|(_, rest)| rest.trim_end().strip_suffix(';'))
        .unwrap_or_else(|| panic!("not a navigation script:\n{script}"));
    serde_json::from_str(json).expect("the tree is JSON")
}

/// The sidebar of a page: from `<nav id="sidebar"` to its `</nav>`.
fn sidebar(html: &str) -> &str {
    let start = html.find("<nav id=\"sidebar\"").expect("a sidebar");
    let end = html[start..].find("</nav>").expect("its end") + start;
    &html[start..end]
}

/// The hrefs of the sidebar's page links.
fn nav_links(sidebar: &str) -> Vec<&str> {
    sidebar
        .split("<a class=\"nav-link\" href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect()
}

/// The output path of a theme file given as `stem.` (`js/nav-tree.`),
/// fingerprinted; `None` when it is not written.
fn fingerprinted(site: &Site, stem: &str) -> Option<String> {
    let dir = std::path::Path::new(stem).parent().expect("folder");
    std::fs::read_dir(site.path().join("public").join(dir))
        .ok()?
        .filter_map(Result::ok)
        .map(|e| format!("{}/{}", dir.display(), e.file_name().to_string_lossy()))
        .find(|p| p.starts_with(stem) && p.matches('.').count() == stem.matches('.').count() + 1)
}

#[test]
fn big_site_writes_the_navigation_once() {
    let site = big_site();
    site.build().success();
    let name = nav_script(&site, "public");
    assert_eq!(
        tree_of(&site.read(&format!("public/{name}"))),
        expected_tree()
    );
    let builder = fingerprinted(&site, "js/nav-tree.").expect("the theme's tree script");

    // Both scripts before the theme's own, which wires the toggles.
    let scripts = format!(
        "<script src=\"/{name}\" defer></script>\n<script src=\"/{builder}\" defer></script>\n<script src=\"/js/handbook."
    );
    let site_map_link = "<a class=\"nav-link\" href=\"/site-map/\">Site map</a>";
    for path in all_paths().iter().chain([&String::new()]) {
        let html = site.read(&format!("public/{path}index.html"));
        assert!(html.contains(&scripts), "{path}: no navigation script");
        let side = sidebar(&html);
        assert!(side.contains(site_map_link), "{path}: no site map link");
        // What the tree script marks as the current page.
        assert!(
            side.starts_with(&format!(
                "<nav id=\"sidebar\" class=\"sidebar\" aria-label=\"Handbook\" data-nav-current=\"{path}\">"
            )),
            "{path}: {side}"
        );
        // No page carries another section's pages.
        let other = if path.starts_with("s5/") {
            "/s6/p01/"
        } else {
            "/s5/p01/"
        };
        assert!(!html.contains(other), "{path} links {other}");
    }

    // A page's sidebar: the sections above it, open, and the site map.
    let page = site.read("public/s3/p07/index.html");
    let side = sidebar(&page);
    assert_eq!(nav_links(side), ["/s3/", "/site-map/"]);
    assert!(
        side.contains("<li class=\"nav-item nav-section is-open\" data-roles=\"\">\n<div class=\"nav-row\">\n<a class=\"nav-link\" href=\"/s3/\">Section 3</a>"),
        "{side}"
    );
    assert!(!side.contains("nav-toggle"), "no toggles without the tree");
    // The breadcrumbs lead back up; previous and next lead along.
    assert!(
        page.contains("<li><a href=\"/s3/\">Section 3</a></li>"),
        "{page}"
    );
    assert!(page.contains("href=\"/s3/p06/\""), "{page}");
    assert!(page.contains("href=\"/s3/p08/\""), "{page}");

    // A section's own link is marked in its sidebar.
    let section = site.read("public/s3/index.html");
    assert!(
        sidebar(&section)
            .contains("<a class=\"nav-link\" href=\"/s3/\" aria-current=\"page\">Section 3</a>"),
        "{section}"
    );

    // A page in a subsection: every section above it open.
    let deep = site.read("public/s1/deep/d2/index.html");
    let side = sidebar(&deep);
    assert_eq!(nav_links(side), ["/s1/", "/s1/deep/", "/site-map/"]);
    assert_eq!(side.matches(" is-open\"").count(), 2, "{side}");

    // The home page: the site map only.
    let home = site.read("public/index.html");
    assert_eq!(nav_links(sidebar(&home)), ["/site-map/"]);
}

#[test]
fn pages_link_the_print_page_only_when_it_is_written() {
    let site = Site::empty();
    site.write("rolebook.toml", "title = \"Print\"\n");
    site.write("content/_index.md", "+++\ntitle = \"Home\"\n+++\n");
    site.write("content/a.md", "+++\ntitle = \"A\"\n+++\n");
    site.build().success();
    let link = "<a class=\"icon-button print-link\" href=\"/print/\">";
    assert!(site.read("public/a/index.html").contains(link));
    assert!(site.exists("public/print/index.html"));

    site.write(
        "rolebook.toml",
        "title = \"Print\"\nprint_page_max_pages = 1\n",
    );
    let run = site.build();
    run.success();
    run.stderr_has("the print page is left out");
    assert!(!site.exists("public/print"));
    assert!(!site.read("public/a/index.html").contains("print-link"));
}

#[test]
fn site_map_lists_every_page_in_sidebar_order() {
    let site = big_site();
    site.build().success();
    let map = site.read("public/site-map/index.html");
    let body = &map[map
        .find("<div class=\"content site-map\">")
        .expect("the list")..];
    let body = &body[..body.find("</article>").expect("its end")];
    let links: Vec<String> = body
        .split("<a href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|href| href.trim_start_matches('/').to_string())
        .collect();
    // Sidebar order: About, then each section and its pages (Deep last in
    // section 1, by weight).
    let mut expected = vec!["about/".to_string()];
    for s in 1..=SECTIONS {
        expected.push(format!("s{s}/"));
        expected.extend((1..=PER_SECTION).map(|p| format!("s{s}/p{p:02}/")));
        if s == 1 {
            expected.push("s1/deep/".into());
            expected.extend((1..=3).map(|d| format!("s1/deep/d{d}/")));
        }
    }
    assert_eq!(links, expected);
    assert!(
        map.contains("<h2 id=\"s2\"><a href=\"/s2/\">Section 2</a></h2>"),
        "{map}"
    );
    assert!(map.contains("<title>Site map · Big</title>"), "{map}");
    // The site map is listed in sitemap.xml like other generated pages.
    assert!(
        site.read("public/sitemap.xml")
            .contains("<loc>/site-map/</loc>")
    );
}

#[test]
fn small_site_keeps_the_whole_sidebar_in_every_page() {
    let site = big_site();
    site.write(
        "rolebook.toml",
        "title = \"Big\"\nsidebar_full_limit = 400\n",
    );
    site.build().success();
    let out = site.path().join("public");
    let scripts: Vec<_> = std::fs::read_dir(&out)
        .expect("output")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("nav."))
        .collect();
    assert!(scripts.is_empty(), "{scripts:?}");
    assert!(!site.exists("public/site-map"));
    let page = site.read("public/s3/p07/index.html");
    let side = sidebar(&page);
    for path in all_paths() {
        assert!(side.contains(&format!("href=\"/{path}\"")), "{path}");
    }
    assert!(!side.contains("nav-site-map"), "{side}");
    assert!(
        !page.contains("rolebookNav") && !page.contains("/nav."),
        "{page}"
    );
}

#[test]
fn navigation_script_and_site_map_follow_the_base_path_and_relative_links() {
    let site = big_site();
    site.run(&["build", "--base-url", "https://example.org/docs/"])
        .success();
    let name = nav_script(&site, "public");
    let page = site.read("public/s2/p05/index.html");
    assert!(
        page.contains(&format!("<script src=\"/docs/{name}\" defer></script>")),
        "{page}"
    );
    assert!(
        page.contains("href=\"/docs/site-map/\">Site map</a>"),
        "{page}"
    );
    // Paths in the tree are without the base: the script adds it.
    assert_eq!(
        tree_of(&site.read(&format!("public/{name}"))),
        expected_tree()
    );

    site.run(&["build", "--relative-links", "-o", "rel"])
        .success();
    let name = nav_script(&site, "rel");
    let page = site.read("rel/s2/p05/index.html");
    assert!(
        page.contains(&format!("<script src=\"../../{name}\" defer></script>")),
        "{page}"
    );
    assert!(
        page.contains("href=\"../../site-map/index.html\">Site map</a>"),
        "{page}"
    );
    assert!(
        page.contains("<a class=\"nav-link\" href=\"../../s2/index.html\">Section 2</a>"),
        "{page}"
    );
    assert!(page.contains("<script src=\"../../js/nav-tree."), "{page}");
    assert!(page.contains("data-nav-current=\"s2/p05/\""), "{page}");
    let map = site.read("rel/site-map/index.html");
    assert!(
        map.contains("<a href=\"../s1/deep/d3/index.html\">Deep 3</a>"),
        "{map}"
    );
}

#[test]
fn a_page_at_the_site_map_url_wins_with_a_warning() {
    let site = big_site();
    site.write("content/site-map.md", front("Our map", 99, ""));
    let run = site.build();
    run.success();
    run.stderr_has("a page has the URL /site-map/; the site map page is not written");
    assert!(
        site.read("public/site-map/index.html")
            .contains("Text of Our map.")
    );
}

#[test]
fn serve_updates_the_navigation_script_when_a_title_or_weight_changes() {
    let served = Served::start(big_site());
    let first = served.wait_for("/nav.js", 200, "window.rolebookNav");
    assert_eq!(tree_of(&first.text()), expected_tree());
    let page = served.get("/s2/p03/").text();
    assert!(
        page.contains(
            "<script src=\"/nav.js\" defer></script>\n<script src=\"/js/nav-tree.js\" defer></script>"
        ),
        "{page}"
    );
    assert_eq!(served.get("/js/nav-tree.js").status, 200);

    served.write(
        "content/s4/p10.md",
        &front("Renamed page", 10, "roles = \"po\"\n"),
    );
    let renamed = served.wait_for("/nav.js", 200, "Renamed page");
    let mut tree = expected_tree();
    tree[4][3][9][0] = json!("Renamed page");
    assert_eq!(tree_of(&renamed.text()), tree);

    // Weight 0 puts the page first in its section.
    served.write(
        "content/s4/p10.md",
        &front("Renamed page", 0, "roles = \"po\"\n"),
    );
    let moved = served.wait_for("/nav.js", 200, "[[\"Renamed page\"");
    let children = tree[4][3].as_array_mut().expect("children");
    let page = children.remove(9);
    children.insert(0, page);
    assert_eq!(tree_of(&moved.text()), tree);
    let map = served.wait_for(
        "/site-map/",
        200,
        "<li><a href=\"/s4/p10/\">Renamed page</a>",
    );
    assert!(
        map.text().find("/s4/p10/") < map.text().find("/s4/p01/"),
        "the site map follows the new order"
    );
}

/// A site with one page, a diagram on it or not.
fn diagram_site(diagram: bool) -> Site {
    let site = Site::empty();
    site.write("rolebook.toml", "title = \"Diagrams\"\n");
    site.write("content/_index.md", "+++\ntitle = \"Home\"\n+++\n");
    let body = if diagram {
        "```mermaid\nflowchart LR\n  a --> b\n```\n"
    } else {
        // The marker as code is not a diagram.
        "```html\n<div data-diagram=\"mermaid\"></div>\n```\n"
    };
    site.write(
        "content/flow.md",
        format!("+++\ntitle = \"Flow\"\n+++\n\n{body}"),
    );
    site
}

/// The output files under `public/js` whose names start with `mermaid`.
fn mermaid_files(site: &Site) -> Vec<String> {
    let js = site.path().join("public/js");
    let mut names: Vec<String> = std::fs::read_dir(&js)
        .expect("js folder")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("mermaid"))
        .collect();
    names.sort();
    names
}

#[test]
fn diagram_scripts_are_written_only_for_a_site_with_a_diagram() {
    let plain = diagram_site(false);
    plain.build().success();
    assert_eq!(mermaid_files(&plain), Vec::<String>::new());
    assert!(plain.exists("public/js/handbook.js"));

    let drawn = diagram_site(true);
    drawn.build().success();
    let files = mermaid_files(&drawn);
    assert_eq!(files.len(), 3, "{files:?}");
    assert_eq!(files[0], "mermaid");
    assert!(
        files[1].starts_with("mermaid-init.") && files[2] == "mermaid-init.js",
        "{files:?}"
    );
    assert!(drawn.exists("public/js/mermaid/LICENSE"));
    assert!(drawn.exists("public/js/mermaid/mermaid.min.js"));

    // The site's own file of that name is its own: always written.
    let own = diagram_site(false);
    own.write("static/js/mermaid-init.js", "/* the site's own */\n");
    own.build().success();
    assert_eq!(
        own.read("public/js/mermaid-init.js"),
        "/* the site's own */\n"
    );
    assert!(!own.exists("public/js/mermaid"));
}

#[test]
fn serve_serves_the_diagram_scripts_for_a_diagram_added_while_editing() {
    let served = Served::start(diagram_site(false));
    let bundle = served.get("/js/mermaid/mermaid.min.js");
    assert_eq!(bundle.status, 200);
    assert!(bundle.text().len() > 100_000);
    served.write(
        "content/flow.md",
        "+++\ntitle = \"Flow\"\n+++\n\n```mermaid\nflowchart LR\n  a --> b\n```\n",
    );
    served.wait_for(
        "/flow/",
        200,
        "<script src=\"/js/mermaid/mermaid.min.js\" defer></script>",
    );
    assert_eq!(served.get("/js/mermaid-init.js").status, 200);
    assert_eq!(served.get("/js/mermaid/mermaid.min.js").status, 200);
}

/// The role cards of a home page: the hrefs they link, in order.
fn role_cards(html: &str) -> Vec<String> {
    html.split("<a class=\"role-card ")
        .skip(1)
        .filter_map(|s| s.split("href=\"").nth(1))
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}

#[test]
fn home_links_only_the_role_pages_that_exist() {
    let site = Site::empty();
    site.write("rolebook.toml", "title = \"Roles\"\n");
    site.write("content/_index.md", "+++\ntitle = \"Home\"\n+++\n");
    site.write("content/plain.md", "+++\ntitle = \"Plain\"\n+++\n");
    site.build().success();
    let home = site.read("public/index.html");
    assert_eq!(role_cards(&home), Vec::<String>::new());
    assert!(!home.contains("role-cards"), "{home}");
    assert!(!site.exists("public/role"));

    site.write(
        "content/po.md",
        "+++\ntitle = \"For POs\"\nroles = \"po\"\n+++\n",
    );
    site.build().success();
    assert_eq!(role_cards(&site.read("public/index.html")), ["/role/po/"]);
    assert!(site.exists("public/role/po/index.html"));
    assert!(!site.exists("public/role/pm"));

    site.write(
        "content/pm.md",
        "+++\ntitle = \"For PMs\"\nroles = \"pm\"\n+++\n",
    );
    site.run(&["build", "--base-url", "https://example.org/hb/"])
        .success();
    assert_eq!(
        role_cards(&site.read("public/index.html")),
        ["/hb/role/po/", "/hb/role/pm/"]
    );
}

/// The page links of a site map page's list, in order.
fn site_map_links(html: &str) -> Vec<String> {
    let body = &html[html
        .find("<div class=\"content site-map\">")
        .expect("the list")..];
    let body = &body[..body.find("</article>").expect("its end")];
    body.split("<a href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}

#[test]
fn a_site_map_of_more_than_a_thousand_pages_comes_in_parts() {
    let site = Site::empty();
    site.write("rolebook.toml", "title = \"Huge\"\n");
    site.write("content/_index.md", "+++\ntitle = \"Home\"\n+++\n");
    let mut expected = Vec::new();
    for s in 1..=3 {
        site.write(
            &format!("content/s{s}/_index.md"),
            front(&format!("Section {s}"), s, ""),
        );
        expected.push(format!("/s{s}/"));
        for p in 1..=400 {
            site.write(
                &format!("content/s{s}/p{p:03}.md"),
                format!("+++\ntitle = \"P{s}.{p}\"\nweight = {p}\n+++\n"),
            );
            expected.push(format!("/s{s}/p{p:03}/"));
        }
    }
    site.build().success();
    // 401 entries a section: the first two make one part, the third another.
    let first = site.read("public/site-map/index.html");
    let second = site.read("public/site-map/2/index.html");
    assert!(!site.exists("public/site-map/3"));
    let mut links = site_map_links(&first);
    assert_eq!(links.len(), 802);
    links.extend(site_map_links(&second));
    assert_eq!(links, expected);
    let parts = |current: usize| {
        let names = ["Section 1 to Section 2", "Section 3"];
        let urls = ["/site-map/", "/site-map/2/"];
        let items: Vec<String> = (0..2)
            .map(|i| {
                if i == current {
                    format!("<li><span aria-current=\"page\">{}</span></li>", names[i])
                } else {
                    format!("<li><a href=\"{}\">{}</a></li>", urls[i], names[i])
                }
            })
            .collect();
        format!(
            "<nav class=\"site-map-parts\" aria-label=\"Parts of the site map\">\n<ol>\n{}\n</ol>\n</nav>",
            items.join("\n")
        )
    };
    assert!(first.contains(&parts(0)), "{first}");
    assert!(second.contains(&parts(1)), "{second}");
    assert!(second.contains("<h1 class=\"article-title\">Site map (2 of 2)</h1>"));
    // Every page links the first part.
    let page = site.read("public/s3/p200/index.html");
    assert!(page.contains("<a class=\"nav-link\" href=\"/site-map/\">Site map</a>"));
}
