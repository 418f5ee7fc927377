//! Site-wide files and code blocks on the `assets` fixture: `extra_css`
//! and `extra_js` in both themes, under a sub-path and with relative
//! links; Mermaid diagrams and the script that draws them; Gherkin
//! highlighting and the languages shown plain without a warning.

use std::path::Path;

use crate::support::Site;

fn plain_theme(site: &Site) {
    crate::support::copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/plain"),
        &site.path().join("themes/plain"),
    );
    let config = site.read("rolebook.toml");
    site.write("rolebook.toml", format!("theme = \"plain\"\n{config}"));
}

/// The output name of a fingerprinted static file: `css/brand.css` ->
/// `css/brand.1a2b3c4d.css`, checked to hold the same bytes.
fn fingerprinted(site: &Site, rel: &str) -> String {
    let (stem, ext) = rel.rsplit_once('.').expect("extension");
    let dir = Path::new(rel).parent().expect("folder");
    let name = std::fs::read_dir(site.path().join("public").join(dir))
        .expect("static folder in the output")
        .filter_map(Result::ok)
        .map(|e| format!("{}/{}", dir.display(), e.file_name().to_string_lossy()))
        .find(|p| {
            p.strip_prefix(&format!("{stem}."))
                .and_then(|rest| rest.strip_suffix(&format!(".{ext}")))
                .is_some_and(|hash| hash.len() == 8 && hash.chars().all(|c| c.is_ascii_hexdigit()))
        })
        .unwrap_or_else(|| panic!("no fingerprinted copy of {rel}"));
    assert_eq!(
        std::fs::read(site.path().join("public").join(&name)).expect("copy"),
        std::fs::read(site.path().join("static").join(rel)).expect("source"),
        "{name}"
    );
    name
}

/// Every HTML page of the output (alias redirects aside), by output path.
fn pages(site: &Site) -> Vec<(String, String)> {
    let public = site.path().join("public");
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(&public).sort_by_file_name() {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(&public).expect("prefix");
        if entry.path().extension().is_some_and(|e| e == "html") {
            let html = std::fs::read_to_string(entry.path()).expect("read");
            out.push((rel.display().to_string(), html));
        }
    }
    assert!(out.len() >= 5, "{} pages", out.len());
    out
}

#[track_caller]
fn assert_extra_files_linked(site: &Site, prefix: impl Fn(&str) -> String) {
    let css = fingerprinted(site, "css/brand.css");
    let js = fingerprinted(site, "js/analytics-opt-in.js");
    for (path, html) in pages(site) {
        let root = prefix(&path);
        let link = format!("\n<link rel=\"stylesheet\" href=\"{root}{css}\">\n");
        let script = format!("\n<script src=\"{root}{js}\" defer></script>\n");
        assert_eq!(html.matches(&link).count(), 1, "{path}: {link}\n{html}");
        assert_eq!(html.matches(&script).count(), 1, "{path}: {script}\n{html}");
        let head = html.split("</head>").next().unwrap_or_default();
        assert!(head.contains(&link) && head.contains(&script), "{path}");
    }
}

#[test]
fn extra_css_and_js_are_on_every_page_fingerprinted_under_the_base_path() {
    let site = Site::fixture("assets");
    site.build().success();
    assert_extra_files_linked(&site, |_| "/handbook/".into());
    // The site's stylesheet comes after the theme's, so it wins.
    let html = site.read("public/index.html");
    let theme = html.find("css/views.").expect("theme css");
    let brand = html.find("css/brand.").expect("brand css");
    assert!(theme < brand);
}

#[test]
fn extra_css_and_js_in_the_plain_theme() {
    let site = Site::fixture("assets");
    plain_theme(&site);
    site.build().success();
    assert_extra_files_linked(&site, |_| "/handbook/".into());
}

#[test]
fn extra_css_and_js_with_relative_links() {
    for theme in ["handbook", "plain"] {
        let site = Site::fixture("assets");
        if theme == "plain" {
            plain_theme(&site);
        }
        site.run(&["build", "--relative-links"]).success();
        assert_extra_files_linked(&site, |path| "../".repeat(path.matches('/').count()));
        let flow = site.read("public/guide/flow/index.html");
        assert!(flow.contains("href=\"../../css/brand."), "{theme}: {flow}");
    }
}

#[test]
fn a_missing_extra_file_names_the_config_line_and_key() {
    let site = Site::fixture("assets");
    site.write(
        "rolebook.toml",
        "title = \"Checkout squad handbook\"\nbase_url = \"https://example.org/handbook/\"\nextra_css = [\"css/brand.css\", \"css/print.css\"]\nextra_js = [\n  \"js/analytics-opt-in.js\",\n  \"/js/missing.js\",\n]\n",
    );
    site.write("content/guide/broken.md", "+++\ntitle = 3\n+++\n");
    let run = site.build();
    run.failure();
    let expected_css = "rolebook.toml:3:31: error: `extra_css` lists `css/print.css`, which is not a file in static/\n  |\n3 | extra_css = [\"css/brand.css\", \"css/print.css\"]\n  |                               ^\n  = help: add static/css/print.css or remove it from `extra_css`; entries are paths under static/, like \"css/brand.css\"\n";
    let expected_js = "rolebook.toml:6:3: error: `extra_js` lists `/js/missing.js`, which is not a file in static/\n  |\n6 |   \"/js/missing.js\",\n  |   ^\n  = help: add static/js/missing.js or remove it from `extra_js`; entries are paths under static/, like \"css/brand.css\"\n";
    run.stderr_has(expected_css).stderr_has(expected_js);
    // The content error is reported in the same run.
    run.stderr_has("content/guide/broken.md:2:");
    assert!(!site.exists("public"), "nothing written");
}

#[test]
fn mermaid_blocks_keep_their_source_and_load_the_script_only_where_needed() {
    let site = Site::fixture("assets");
    site.write(
        "content/guide/markup.md",
        "+++\ntitle = \"Markup\"\n+++\n\nThe marker shown as code does not count:\n\n```html\n<div data-diagram=\"mermaid\"></div>\n```\n",
    );
    let run = site.build();
    run.success();
    let flow = site.read("public/guide/flow/index.html");
    let diagram = "<div class=\"diagram\" data-diagram=\"mermaid\">\n<pre class=\"code diagram-source\" data-lang=\"mermaid\"><code class=\"language-mermaid\">flowchart LR\n  idea[&quot;Idea&quot;] --&gt; refined{&quot;Refined?&quot;}\n  refined -- &quot;yes&quot; --&gt; sprint[&quot;Sprint backlog&quot;]\n  refined -- &quot;no&quot; --&gt; idea\n</code></pre>\n</div>\n";
    assert!(flow.contains(diagram), "{flow}");
    let bundle = fingerprinted_theme_file(&site, "js/mermaid/mermaid.min.");
    let init = fingerprinted_theme_file(&site, "js/mermaid-init.");
    let scripts = format!(
        "<script src=\"/handbook/{bundle}\" defer></script>\n<script src=\"/handbook/{init}\" defer></script>\n"
    );
    assert!(flow.contains(&scripts), "{flow}");
    let print = site.read("public/print/index.html");
    assert!(print.contains(&scripts), "the print page holds the diagram");
    for page in [
        "public/index.html",
        "public/guide/index.html",
        "public/guide/acceptance/index.html",
        "public/guide/markup/index.html",
        "public/404.html",
    ] {
        let html = site.read(page);
        assert!(!html.contains("mermaid-init"), "{page}");
        assert!(!html.contains("mermaid.min"), "{page}");
    }
    // Shipped with its licence, and no warning for the block.
    assert!(
        site.read("public/js/mermaid/LICENSE")
            .contains("MIT License")
    );
    assert!(!run.stderr.contains("mermaid"), "{}", run.stderr);
}

/// The output path of a theme file given as `stem.` (`js/mermaid-init.`).
fn fingerprinted_theme_file(site: &Site, stem: &str) -> String {
    let dir = Path::new(stem).parent().expect("folder");
    std::fs::read_dir(site.path().join("public").join(dir))
        .expect("folder")
        .filter_map(Result::ok)
        .map(|e| format!("{}/{}", dir.display(), e.file_name().to_string_lossy()))
        .find(|p| p.starts_with(stem) && p.matches('.').count() == stem.matches('.').count() + 1)
        .unwrap_or_else(|| panic!("no fingerprinted {stem}"))
}

#[test]
fn plain_theme_shows_mermaid_source_as_code_without_a_script() {
    let site = Site::fixture("assets");
    plain_theme(&site);
    site.build().success();
    let flow = site.read("public/guide/flow/index.html");
    assert!(
        flow.contains("<pre class=\"code diagram-source\" data-lang=\"mermaid\"><code class=\"language-mermaid\">flowchart LR\n"),
        "{flow}"
    );
    assert!(!flow.contains("mermaid-init"), "{flow}");
    assert!(!flow.contains("mermaid.min"), "{flow}");
}

#[test]
fn gherkin_is_highlighted_and_known_languages_are_plain_without_warnings() {
    let site = Site::fixture("assets");
    let run = site.build();
    run.success();
    let html = site.read("public/guide/acceptance/index.html");
    assert!(
        html.contains("<span class=\"hl-keyword hl-other hl-section hl-gherkin\">Feature</span>"),
        "{html}"
    );
    assert!(
        html.contains("<span class=\"hl-keyword hl-control hl-step hl-gherkin\">Given</span>"),
        "{html}"
    );
    assert!(html.contains("<span class=\"hl-entity hl-name hl-tag hl-gherkin\">@checkout</span>"));
    let handlebars = "<pre class=\"code\" data-lang=\"handlebars\"><code class=\"language-handlebars\">&lt;p&gt;Thanks, {{customer.firstName}}!&lt;/p&gt;\n{{#if savedCard}}&lt;p&gt;Your card ending {{savedCard.last4}} is saved.&lt;/p&gt;{{/if}}\n</code></pre>";
    assert!(html.contains(handlebars), "{html}");
    assert!(html.contains(
        "<pre class=\"code\" data-lang=\"plantuml\"><code class=\"language-plantuml\">@startuml\n"
    ));
    // One warning: the language nobody knows.
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("warning:"))
        .collect();
    assert_eq!(
        warnings,
        [
            "content/guide/acceptance.md:32:1: warning: unknown code language `klingon`; the block is shown without highlighting"
        ],
        "{}",
        run.stderr
    );
}
