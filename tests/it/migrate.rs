//! `rolebook import jekyll|mdbook|hugo|docusaurus`: each fixture source
//! (tests/fixtures/import-KIND, written in that generator's shape) is
//! imported into a new folder, then the new site is built; the tests
//! assert on the files, front matter, links, aliases, order and the report.

use std::path::Path;
use std::process::Command;

use crate::support::{Run, Site};

/// The fixture source copied into a temp dir, imported into `out` beside it.
struct Imported {
    site: Site,
    run: Run,
}

impl Imported {
    fn new(kind: &str) -> Imported {
        let site = Site::empty();
        let src = site.path().join("src");
        std::fs::create_dir_all(&src).expect("mkdir");
        crate::support::copy_tree(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/import-{kind}")),
            &src,
        );
        let run = site.run(&["import", kind, "src", "-o", "out"]);
        Imported { site, run }
    }

    fn read(&self, rel: &str) -> String {
        self.site.read(&format!("out/{rel}"))
    }

    fn exists(&self, rel: &str) -> bool {
        self.site.exists(&format!("out/{rel}"))
    }

    /// `rolebook build` in the imported site.
    fn build(&self) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_rolebook"))
            .args(["build"])
            .current_dir(self.site.path().join("out"))
            .env("NO_COLOR", "1")
            .output()
            .expect("run rolebook");
        Run {
            status: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// The imported site with its already-broken links fixed, built.
    fn build_fixed(&self, fixes: &[(&str, &str, &str)]) -> Run {
        for (rel, from, to) in fixes {
            let path = self.site.path().join("out").join(rel);
            let text = std::fs::read_to_string(&path).expect("read");
            assert!(text.contains(from), "{rel} lacks {from}");
            std::fs::write(&path, text.replace(from, to)).expect("write");
        }
        self.build()
    }
}

/// The source is never written to: its files after the import equal the
/// fixture's.
fn assert_source_untouched(imported: &Imported, kind: &str) {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/import-{kind}"));
    let src = imported.site.path().join("src");
    let list = |root: &Path| -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(root)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(root).expect("prefix");
                (
                    rel.display().to_string(),
                    std::fs::read(e.path()).expect("read"),
                )
            })
            .collect();
        files.sort();
        files
    };
    assert_eq!(list(&src), list(&fixture), "the source was changed");
}

#[test]
fn a_jekyll_site_keeps_its_urls_order_and_links() {
    let i = Imported::new("jekyll");
    i.run.success();
    assert_source_untouched(&i, "jekyll");
    // Pages land where their permalinks were; a URL with pages under it is a section.
    for file in [
        "content/_index.md",
        "content/about.md",
        "content/discover/_index.md",
        "content/discover/interviews.md",
        "content/discover/synthesis.md",
        "content/posts/_index.md",
        "content/posts/new-handbook.md",
        "content/posts/hello.md",
        "static/assets/img/flow.png",
        "static/CNAME",
    ] {
        assert!(i.exists(file), "{file} missing:\n{}", i.run.stdout);
    }
    assert!(
        !i.exists("content/README.md"),
        "the repository README is no page"
    );
    assert!(
        !i.exists("static/Gemfile"),
        "Jekyll's own files are not copied"
    );
    assert!(!i.exists("static/_includes/alert.html"));
    let config = i.read("rolebook.toml");
    assert!(
        config.contains("title = \"Acme Product Handbook\""),
        "{config}"
    );
    assert!(
        config.contains("base_url = \"https://acme.github.io/handbook/\""),
        "{config}"
    );
    assert!(
        config.contains("repository = \"https://github.com/acme/handbook\""),
        "{config}"
    );

    let about = i.read("content/about.md");
    assert!(
        about.contains("aliases = [\"/team/\", \"/about-us.html\"]"),
        "{about}"
    );
    assert!(
        about.contains("[discovery](@/discover/_index.md)"),
        "{about}"
    );
    assert!(
        about.contains("[latest post](@/posts/new-handbook.md)"),
        "{about}"
    );
    assert!(
        about.contains("[interviews](@/discover/interviews.md#consent)"),
        "{about}"
    );
    assert!(
        !about.contains("{:toc}") && !about.contains("* TOC"),
        "{about}"
    );
    assert!(
        about.contains("layout = \"page\""),
        "unknown keys go to extra:\n{about}"
    );

    let discover = i.read("content/discover/_index.md");
    assert!(
        discover.contains("[Running interviews](@/discover/interviews.md)"),
        "{discover}"
    );
    assert!(
        discover.contains("[Making sense of it](@/discover/synthesis.md)"),
        "{discover}"
    );
    // The include is kept and listed; the link broken in the source is kept.
    assert!(discover.contains("{% include alert.html"), "{discover}");
    assert!(
        discover.contains("[The old research guide](/research-guide/)"),
        "{discover}"
    );

    let interviews = i.read("content/discover/interviews.md");
    assert!(interviews.contains("```ruby\ndef consent?"), "{interviews}");
    assert!(
        interviews.contains("![The interview flow](/assets/img/flow.png)"),
        "{interviews}"
    );
    assert!(
        interviews.contains("`{{ site.baseurl }}/templates/`"),
        "code spans keep Liquid as written:\n{interviews}"
    );
    assert!(
        interviews.contains("tags = [\"discovery\", \"research\", \"interviews\"]"),
        "{interviews}"
    );
    // The side navigation's order and the synthesis page's date.
    assert!(interviews.contains("weight = 20"), "{interviews}");
    assert!(
        i.read("content/discover/synthesis.md")
            .contains("weight = 30")
    );
    assert!(
        i.read("content/discover/synthesis.md")
            .contains("updated = \"2024-02-01T10:30:00+01:00\"")
    );
    assert!(i.read("content/old-process.md").contains("draft = true"));
    let post = i.read("content/posts/new-handbook.md");
    assert!(
        post.contains("aliases = [\"/news/2024/03/05/new-handbook/\"]"),
        "{post}"
    );
    assert!(post.contains("[first post](@/posts/hello.md)"), "{post}");

    let report = &i.run.stdout;
    for line in [
        "_pages/discover.md:10: `{% include alert.html",
        "Links already broken in the source (1)",
        "_pages/discover.md:14: link to /research-guide/",
        "404.html: a 404 page",
        "layout (8)",
        "rolebook check on the new site: no errors",
        "Next: cd out && rolebook check",
    ] {
        assert!(report.contains(line), "report lacks {line:?}:\n{report}");
    }
    let built = i.build();
    built.success();
    let site = |rel: &str| i.site.read(&format!("out/public/{rel}"));
    assert!(site("discover/interviews/index.html").contains("Running interviews"));
    // Old URLs redirect to the new place.
    assert!(site("team/index.html").contains("/handbook/about/"));
    assert!(site("about-us.html").contains("/handbook/about/"));
}

#[test]
fn an_mdbook_keeps_its_order_titles_and_includes() {
    let i = Imported::new("mdbook");
    i.run.success();
    assert_source_untouched(&i, "mdbook");
    let weight = |rel: &str| {
        let text = i.read(rel);
        text.lines()
            .find_map(|l| l.strip_prefix("weight = "))
            .and_then(|w| w.parse::<i64>().ok())
            .unwrap_or_else(|| panic!("{rel} has no weight:\n{text}"))
    };
    // SUMMARY.md's order, across folders.
    let order = [
        "content/_index.md",
        "content/guide/_index.md",
        "content/guide/input.md",
        "content/guide/writing.md",
        "content/guide/reviews.md",
        "content/reference/glossary.md",
        "content/reference/config.md",
        "content/contributors.md",
    ];
    let weights: Vec<i64> = order.iter().map(|r| weight(r)).collect();
    assert!(weights.windows(2).all(|w| w[0] < w[1]), "{weights:?}");
    assert!(
        !i.exists("content/unlisted.md"),
        "files outside SUMMARY.md are not in the book"
    );
    assert!(i.exists("content/img/cycle.png"));
    let input = i.read("content/guide/input.md");
    assert!(input.contains("title = \"Gathering input\""), "{input}");
    assert!(
        input.contains("aliases = [\"/guide/input.html\"]"),
        "{input}"
    );
    assert!(
        input.contains("```toml\n[[initiative]]\nid = \"EP-1\"\ntitle = \"Faster checkout\"\n```"),
        "the anchor's lines, without the markers:\n{input}"
    );
    let writing = i.read("content/guide/writing.md");
    assert!(
        writing.contains("    let reach = 400;\n    let impact = 2;\n```"),
        "{writing}"
    );
    assert!(
        writing.contains("`{{#include file.rs}}`"),
        "an escaped include stays:\n{writing}"
    );
    assert!(
        writing.contains("[reviews](@/guide/reviews.md)"),
        ".html links:\n{writing}"
    );
    let reviews = i.read("content/guide/reviews.md");
    assert!(reviews.contains("```rust\nfn main() {"), "{reviews}");
    let home = i.read("content/_index.md");
    assert!(
        home.contains("[glossary](@/reference/glossary.md#terms)"),
        "{home}"
    );
    assert!(
        home.contains("[the planning cycle](@/guide/_index.md)"),
        "{home}"
    );

    let report = &i.run.stdout;
    for line in [
        "src/SUMMARY.md:11: draft chapter \"Metrics we track\" has no file; left out",
        "src/SUMMARY.md:5: part title \"Planning\"",
        "src/SUMMARY.md:13: separator left out",
        "src/reference/config.md:3: {{#include ../../listings/missing.toml}}",
        "src/unlisted.md: not in SUMMARY.md",
        "src/guide/input.md:3: link to ../intake.md",
        "rolebook check on the new site: no errors, 2 warnings.",
        "rolebook.toml sets [links] broken = \"warn\"",
    ] {
        assert!(report.contains(line), "report lacks {line:?}:\n{report}");
    }
    // The link broken in the source is a warning, so the book builds.
    let config = i.read("rolebook.toml");
    assert!(config.contains("[links]\nbroken = \"warn\"\n"), "{config}");
    let first = i.build();
    first.success();
    assert!(
        first
            .stderr
            .contains("content/guide/input.md:12:36: warning: broken link: there is no content file `intake.md`"),
        "{}",
        first.stderr
    );
    // With the link that was broken in the source fixed, the book builds.
    i.build_fixed(&[(
        "content/guide/input.md",
        "[old intake form](../intake.md)",
        "old intake form",
    )])
    .success();
    assert!(
        i.site
            .read("out/public/guide/input.html")
            .contains("/guide/input/")
    );
}

#[test]
fn a_hugo_site_keeps_its_sections_and_shortcodes_become_rolebooks() {
    let i = Imported::new("hugo");
    i.run.success();
    assert_source_untouched(&i, "hugo");
    let launch = i.read("content/docs/launch/_index.md");
    assert!(
        launch.contains("[checklist](@/docs/launch/checklist.md#before-launch)"),
        "{launch}"
    );
    assert!(
        launch.contains("[flags](@/docs/launch/flags.md)"),
        "{launch}"
    );
    assert!(
        launch.contains("> [!WARNING]\n> **Launches freeze on Fridays.**\n> Plan for it."),
        "{launch}"
    );
    let checklist = i.read("content/docs/launch/checklist.md");
    assert!(
        checklist.contains("aliases = [\"/checklist/\", \"/docs/old-checklist/\"]"),
        "{checklist}"
    );
    assert!(
        checklist.contains("> [!NOTE]\n> Every item needs an owner."),
        "{checklist}"
    );
    assert!(
        checklist.contains("{{ figure(src=\"/images/launch.png\", alt=\"The launch timeline\", caption=\"A launch, week by week\") }}"),
        "{checklist}"
    );
    let flags = i.read("content/docs/launch/flags.md");
    assert!(flags.contains("```go\nif flags.Enabled"), "{flags}");
    assert!(flags.contains("updated = \"2024-05-02\""), "{flags}");
    let home = i.read("content/_index.md");
    assert!(
        home.contains("[launch guide](@/docs/launch/_index.md)"),
        "{home}"
    );
    assert!(
        home.contains("[checklist](@/docs/launch/checklist.md)"),
        "{home}"
    );
    // `url` moves a page to its address; the old one redirects.
    let news = i.read("content/news/launch-week.md");
    assert!(
        news.contains("aliases = [\"/posts/launch-week/\"]"),
        "{news}"
    );
    assert!(
        news.contains("[checklist](@/docs/launch/checklist.md)"),
        "{news}"
    );
    assert!(i.exists("static/images/launch.png"));
    let report = &i.run.stdout;
    for line in [
        "content/docs/launch/flags.md:16: `{{< youtube dQw4w9WgXcQ >}}`",
        "content/docs/launch/flags.md:18: `{{< ref \"nowhere.md\" >}}` names nowhere.md",
        "layouts: not imported",
        "bookFlatSection (1)",
    ] {
        assert!(report.contains(line), "report lacks {line:?}:\n{report}");
    }
    i.build_fixed(&[
        (
            "content/docs/launch/flags.md",
            "{{< youtube dQw4w9WgXcQ >}}",
            "",
        ),
        (
            "content/docs/launch/flags.md",
            "[missing page]({{< ref \"nowhere.md\" >}})",
            "missing page",
        ),
    ])
    .success();
    assert!(
        i.site
            .read("out/public/checklist/index.html")
            .contains("/docs/launch/checklist/")
    );
}

#[test]
fn a_docusaurus_site_keeps_its_sidebar_order_and_admonitions() {
    let i = Imported::new("docusaurus");
    i.run.success();
    assert_source_untouched(&i, "docusaurus");
    // `slug: /` made the intro the docs' index page.
    let intro = i.read("content/docs/_index.md");
    assert!(intro.contains("title = \"Introduction\""), "{intro}");
    assert!(
        intro.contains("> [!TIP]\n> **Read this first**\n>\n> The docs follow"),
        "{intro}"
    );
    assert!(
        intro.contains("[setup](@/docs/getting-started/setup.md)"),
        "{intro}"
    );
    let setup = i.read("content/docs/getting-started/setup.md");
    assert!(!setup.contains("import Tabs"), "{setup}");
    assert!(
        setup.contains("> [!WARNING]\n> Never commit secrets."),
        "{setup}"
    );
    assert!(
        setup.contains("```md\n:::note\n"),
        "admonitions in code stay:\n{setup}"
    );
    assert!(
        setup.contains("[your first release](@/docs/getting-started/first-release.md)"),
        "{setup}"
    );
    assert!(setup.contains("weight = 10"), "{setup}");
    let first = i.read("content/docs/getting-started/first-release.md");
    assert!(first.contains("weight = 20"), "{first}");
    assert!(
        first.contains("[writing specs](@/docs/guides/writing-specs.md)"),
        "{first}"
    );
    assert!(
        first.contains("[style guide](@/docs/guides/style.md#voice)"),
        "{first}"
    );
    assert!(
        first.contains("> [!CAUTION]\n> **Do not skip review**"),
        "{first}"
    );
    let category = i.read("content/docs/getting-started/_index.md");
    assert!(
        category.contains("title = \"Getting started\""),
        "{category}"
    );
    let guides = i.read("content/docs/guides/_index.md");
    assert!(guides.contains("title = \"Guides\""), "{guides}");
    assert!(
        guides.contains("description = \"How we write, review and ship.\""),
        "{guides}"
    );
    assert!(i.exists("content/docs/guides/img/spec.png"));
    let post = i.read("content/blog/welcome.md");
    assert!(
        post.contains("aliases = [\"/blog/2024/05/20/welcome\"]"),
        "{post}"
    );
    assert!(post.contains("[introduction](@/docs/_index.md)"), "{post}");
    assert!(
        i.read("content/_index.md")
            .contains("title = \"Acme Product Docs\"")
    );
    let config = i.read("rolebook.toml");
    assert!(
        config.contains("repository = \"https://github.com/acme/product-docs\""),
        "{config}"
    );
    assert!(
        config.contains("description = \"How product work is done at Acme\""),
        "{config}"
    );
    let report = &i.run.stdout;
    for line in [
        "MDX components kept as HTML, which nothing runs: <Tabs>, <TabItem>",
        "docs/02-guides/writing-specs.md:10: link to ./missing.md",
        "src/pages/index.js: a React page",
    ] {
        assert!(report.contains(line), "report lacks {line:?}:\n{report}");
    }
    i.build_fixed(&[(
        "content/docs/guides/writing-specs.md",
        "[missing page](./missing.md)",
        "missing page",
    )])
    .success();
    let page = i
        .site
        .read("out/public/docs/guides/writing-specs/index.html");
    assert!(page.contains("Writing specs"), "{page}");
}

#[test]
fn a_sidebar_that_is_code_falls_back_with_a_note() {
    let site = Site::empty();
    site.write(
        "src/docusaurus.config.js",
        "module.exports = { title: 'X' };\n",
    )
    .write(
        "src/sidebars.js",
        "module.exports = {\n  docs: require('./generated'),\n};\n",
    )
    .write("src/docs/b.md", "# B\n")
    .write("src/docs/a.md", "# A\n");
    let run = site.run(&["import", "docusaurus", "src", "-o", "out"]);
    run.success();
    assert!(
        run.stdout
            .contains("sidebars.js: not a plain object literal (line 2: `require` is code"),
        "{}",
        run.stdout
    );
    assert!(site.exists("out/content/docs/a.md") && site.exists("out/content/docs/b.md"));
}

#[test]
fn a_source_of_another_kind_is_named() {
    let site = Site::empty();
    site.write("book/book.toml", "[book]\ntitle = \"B\"\n");
    let run = site.run(&["import", "jekyll", "book"]);
    run.failure();
    run.stderr_has("no _config.yml here: this is not a Jekyll site; it has a book.toml")
        .stderr_has("try `rolebook import mdbook book`");
    assert!(!site.exists("book-rolebook"), "nothing is written");
}

#[test]
fn an_output_that_is_not_empty_is_refused_and_kept() {
    let site = Site::empty();
    site.write("src/book.toml", "[book]\ntitle = \"B\"\n")
        .write("src/src/SUMMARY.md", "- [A](a.md)\n")
        .write("src/src/a.md", "# A\n")
        .write("out/notes.txt", "mine");
    let run = site.run(&["import", "mdbook", "src", "-o", "out"]);
    run.failure();
    run.stderr_has("the output folder exists and is not empty; nothing was written");
    assert_eq!(site.read("out/notes.txt"), "mine");
    // Inside the source is refused too: an import never writes there.
    let inside = site.run(&["import", "mdbook", "src", "-o", "src/new"]);
    inside.failure();
    inside.stderr_has("lies inside the source folder");
    assert!(!site.exists("src/new"));
}

#[test]
fn the_default_output_is_a_sibling_folder() {
    let site = Site::empty();
    site.write("handbook/hugo.toml", "title = \"H\"\n").write(
        "handbook/content/_index.md",
        "---\ntitle: Home\n---\n\nHello.\n",
    );
    site.run(&["import", "hugo", "handbook"]).success();
    assert!(
        site.read("handbook-rolebook/content/_index.md")
            .contains("title = \"Home\"")
    );
    assert!(
        site.read("handbook-rolebook/rolebook.toml")
            .contains("title = \"H\"")
    );
}

#[test]
fn unreadable_and_non_utf8_files_are_listed_and_the_rest_imported() {
    let site = Site::empty();
    site.write("src/_config.yml", "title: T\n")
        .write("src/good.md", "---\ntitle: Good\n---\n\nFine.\n")
        .write(
            "src/latin1.md",
            b"---\ntitle: Caf\xe9\n---\n\nBad bytes.\n".as_slice(),
        )
        .write(
            "src/broken-front.md",
            "---\ntitle: [unclosed\n---\n\nText.\n",
        );
    let run = site.run(&["import", "jekyll", "src", "-o", "out"]);
    run.success();
    assert!(
        run.stdout
            .contains("latin1.md:2: not UTF-8 (byte 14); not imported"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("broken-front.md:1: front matter does not parse"),
        "{}",
        run.stdout
    );
    assert!(site.exists("out/content/good.md"));
    assert!(!site.exists("out/content/latin1.md"));
}
