//! Serve's in-place updates (`site::live`): after each edit the updated
//! site must equal, file for file and byte for byte, a build from scratch
//! of the same folder, and an edit it cannot apply must say so.

use rolebook::output::Output;
use std::path::PathBuf;

use rolebook::site::changes::ChangeSet;
use rolebook::site::live::{Live, Update};
use rolebook::site::{BuildOptions, Project, build};

use crate::support::Site;

struct Kept {
    site: Site,
    opts: BuildOptions,
    live: Live,
    output: Output,
    /// The output and content folders, relative to the site folder.
    folders: (PathBuf, PathBuf),
}

impl Kept {
    fn start(site: Site) -> Kept {
        let opts = BuildOptions::serve();
        let built = build(&Project::new(site.path()), &opts).expect("first build");
        let config = &built.config;
        let folders = (
            PathBuf::from(&config.output_dir),
            config.content_display().to_path_buf(),
        );
        Kept {
            site,
            opts,
            live: Live::new(built.site, &built.warnings),
            output: built.output,
            folders,
        }
    }

    /// The changes of `paths` as serve's watcher classifies them.
    fn changes(&self, paths: &[&str]) -> ChangeSet {
        ChangeSet::of(paths, &self.folders.0, &self.folders.1)
    }

    /// Writes the files, then applies the change as serve does: the
    /// rendered files over the output, then the search index.
    fn edit(&mut self, files: &[(&str, &str)]) -> Update {
        for (rel, text) in files {
            self.site.write(rel, text);
        }
        let rels: Vec<&str> = files.iter().map(|(rel, _)| *rel).collect();
        let update = self.live.update(&self.changes(&rels));
        if let Update::Done(patch) = &update {
            let mut next = self.output.share();
            for (path, bytes) in &patch.files {
                next.put(path.clone(), bytes.clone());
            }
            let search = rolebook::search::build_index(&self.live.search_docs());
            let fresh: Vec<&String> = search.iter().map(|(p, _)| p).collect();
            let stale: Vec<String> = next
                .paths()
                .filter(|p| p.starts_with("search/") && !fresh.contains(p))
                .cloned()
                .collect();
            for path in stale {
                next.remove(&path);
            }
            for (path, bytes) in search {
                next.put(path, std::sync::Arc::new(bytes));
            }
            self.output = next;
        }
        update
    }

    fn page(&self, path: &str) -> String {
        String::from_utf8(self.output.get(path).expect(path).to_vec()).expect("UTF-8")
    }

    /// Every file equals what a build from scratch makes now.
    fn assert_fresh(&self) {
        let fresh = build(&Project::new(self.site.path()), &self.opts).expect("fresh build");
        let ours: Vec<&String> = self.output.paths().collect();
        let theirs: Vec<&String> = fresh.output.paths().collect();
        assert_eq!(ours, theirs, "the same files");
        for (path, bytes) in fresh.output.iter() {
            let kept = self.output.get(path).expect("listed above");
            assert!(
                kept == bytes,
                "{path} differs from a fresh build:\n--- updated\n{}\n--- fresh\n{}",
                String::from_utf8_lossy(kept),
                String::from_utf8_lossy(bytes)
            );
        }
        assert_eq!(
            self.live.warnings().render(false),
            fresh.warnings.render(false),
            "the same warnings"
        );
    }
}

const INTRO_FRONT: &str = "+++\ntitle = \"Introduction\"\ndate = 2026-01-10\ntags = [\"start\", \"basics\"]\nroles = \"po\"\n+++\n";

const SETUP: &str = "content/guide/setup.md";

fn done(update: &Update) -> &rolebook::site::live::Patch {
    match update {
        Update::Done(patch) => patch,
        other => panic!("expected an in-place update, got {other:?}"),
    }
}

fn rendered(patch: &rolebook::site::live::Patch) -> Vec<&str> {
    let mut paths: Vec<&str> = patch.files.iter().map(|(p, _)| p.as_str()).collect();
    paths.sort_unstable();
    paths
}

#[test]
fn a_body_edit_renders_what_shows_the_page_and_matches_a_fresh_build() {
    let mut kept = Kept::start(Site::fixture("live"));
    kept.assert_fresh();
    let update = kept.edit(&[(
        "content/guide/intro.md",
        &format!(
            "{INTRO_FRONT}\nA new summary, longer than the first one was.\n\n## First steps\n\nRead [PB-1](@backlog/PB-1) first.\n\n## Then\n\nMore words here.\n"
        ),
    )]);
    let patch = done(&update);
    assert_eq!(patch.edited, 1);
    let paths = rendered(patch);
    for expected in [
        "guide/intro/index.html",   // the page
        "guide/index.html",         // its section lists its summary
        "guide/related/index.html", // get_page
        "overview/index.html",      // get_taxonomy and get_section
        "tags/start/index.html",    // its terms
        "tags/basics/index.html",
        "role/po/index.html",
        "guide/atom.xml",   // its section's feed
        "print/index.html", // every page's text
    ] {
        assert!(paths.contains(&expected), "{expected} not in {paths:?}");
    }
    for untouched in [
        "guide/setup/index.html",
        "index.html",
        "404.html",
        "sitemap.xml",
    ] {
        assert!(!paths.contains(&untouched), "{untouched} in {paths:?}");
    }
    assert!(
        kept.page("guide/intro/index.html")
            .contains("More words here.")
    );
    assert!(
        kept.page("guide/related/index.html")
            .contains("A new summary")
    );
    kept.assert_fresh();
}

#[test]
fn section_edits_and_bursts_match_a_fresh_build() {
    let mut kept = Kept::start(Site::fixture("live"));
    done(&kept.edit(&[(
        "content/guide/_index.md",
        "+++\ntitle = \"Guide\"\nfeed = true\n+++\n\nHow the team works, in a new order.\n",
    )]));
    kept.assert_fresh();
    let update = kept.edit(&[
        (
            "content/guide/setup.md",
            "+++\ntitle = \"Setup\"\ndate = 2026-01-12\ntags = [\"basics\"]\n+++\n\nWhat to install, and why.\n\n## Before you start\n\nRead the [first steps](intro.md#first-steps).\n",
        ),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n\nStart [here](@/guide/intro.md).\n"),
    ]);
    assert_eq!(done(&update).edited, 2);
    kept.assert_fresh();
    // A save that changes nothing renders nothing.
    let update = kept.edit(&[(
        "content/_index.md",
        "+++\ntitle = \"Home\"\n+++\n\nStart [here](@/guide/intro.md).\n",
    )]);
    assert!(done(&update).files.is_empty());
}

#[test]
fn a_data_link_change_renders_the_data_pages() {
    let mut kept = Kept::start(Site::fixture("live"));
    let update = kept.edit(&[(
        "content/guide/intro.md",
        &format!("{INTRO_FRONT}\nThe first paragraph is the summary of this page.\n\n## First steps\n\nRead [PB-2](@backlog/PB-2) instead.\n"),
    )]);
    assert!(rendered(done(&update)).contains(&"team/backlog/index.html"));
    kept.assert_fresh();
}

#[test]
fn front_matter_and_file_changes_need_a_full_build() {
    // A new URL, a new redirect, a page leaving as a draft, a section's
    // front matter, a term no page had, a term only this page had.
    for (path, text) in [
        (
            SETUP,
            "+++\ntitle = \"Setup\"\nslug = \"install\"\n+++\n\nNew.\n",
        ),
        (
            SETUP,
            "+++\ntitle = \"Setup\"\naliases = [\"/old/\"]\n+++\n\nNew.\n",
        ),
        (SETUP, "+++\ntitle = \"Setup\"\ndraft = true\n+++\n\nNew.\n"),
        (
            "content/guide/_index.md",
            "+++\ntitle = \"The guide\"\nfeed = true\n+++\n\nNew.\n",
        ),
        (
            SETUP,
            "+++\ntitle = \"Setup\"\ntags = [\"basics\", \"fresh\"]\n+++\n\nNew.\n",
        ),
        (
            "content/guide/intro.md",
            "+++\ntitle = \"Introduction\"\ntags = [\"basics\"]\n+++\n\nNew.\n",
        ),
    ] {
        let mut kept = Kept::start(Site::fixture("live"));
        assert!(
            matches!(kept.edit(&[(path, text)]), Update::Full),
            "{path}: {text}"
        );
    }
    let mut kept = Kept::start(Site::fixture("live"));
    assert!(matches!(
        kept.edit(&[(
            "content/guide/new.md",
            "+++\ntitle = \"New\"\n+++\n\nNew.\n"
        )]),
        Update::Full
    ));
    let mut kept = Kept::start(Site::fixture("live"));
    std::fs::remove_file(kept.site.path().join("content/guide/setup.md")).expect("remove");
    assert!(matches!(
        kept.live.update(&kept.changes(&["content/guide/setup.md"])),
        Update::Full
    ));
    let mut kept = Kept::start(Site::fixture("live"));
    // A new static file: Markdown may link to it.
    kept.site.write("static/x.css", "a {}");
    for other in [
        "rolebook.toml",
        "static/x.css",
        "themes/handbook/theme.toml",
    ] {
        assert!(
            matches!(kept.live.update(&kept.changes(&[other])), Update::Full),
            "{other}"
        );
    }
    // A page and a data file at once.
    assert!(matches!(
        kept.live
            .update(&kept.changes(&["content/guide/setup.md", "content/team/backlog.toml"])),
        Update::Full
    ));
    // A data file saved unchanged.
    let update = kept
        .live
        .update(&kept.changes(&["content/team/backlog.toml"]));
    assert!(done(&update).files.is_empty());
    assert_eq!(done(&update).what, "nothing");
}

#[test]
fn a_broken_edit_fails_and_leaves_the_site_as_it_was() {
    let mut kept = Kept::start(Site::fixture("live"));
    let before = kept.page("guide/intro/index.html");
    // Removing the heading breaks the anchor `setup.md` links to.
    let update = kept.edit(&[(
        "content/guide/intro.md",
        &format!("{INTRO_FRONT}\nNo headings any more.\n"),
    )]);
    let Update::Failed(diags) = update else {
        panic!("expected a failure, got {update:?}");
    };
    let text = diags.render(false);
    assert!(text.contains("content/guide/setup.md:"), "{text}");
    assert!(text.contains("first-steps"), "{text}");
    assert_eq!(kept.page("guide/intro/index.html"), before);
    // A broken link in the page itself.
    let update = kept.edit(&[(
        "content/guide/intro.md",
        &format!("{INTRO_FRONT}\nSee [gone](@/guide/gone.md).\n\n## First steps\n"),
    )]);
    let Update::Failed(diags) = update else {
        panic!("expected a failure, got {update:?}");
    };
    assert!(
        diags.render(false).contains("content/guide/intro.md:8:"),
        "{}",
        diags.render(false)
    );
    // Fixed: the update applies and the site is whole again.
    done(&kept.edit(&[(
        "content/guide/intro.md",
        &format!("{INTRO_FRONT}\nFixed.\n\n## First steps\n\nAgain.\n"),
    )]));
    assert!(kept.page("guide/intro/index.html").contains("Again."));
    kept.assert_fresh();
}

#[test]
fn warnings_follow_the_edited_page() {
    let mut kept = Kept::start(Site::fixture("live"));
    assert_eq!(kept.live.warnings().iter().count(), 0);
    done(&kept.edit(&[(
        "content/guide/setup.md",
        "+++\ntitle = \"Setup\"\ndate = 2026-01-12\ntags = [\"basics\"]\n+++\n\n```klingon\nQapla'\n```\n\n## Before you start\n",
    )]));
    let warnings = kept.live.warnings().render(false);
    assert!(warnings.contains("content/guide/setup.md:"), "{warnings}");
    kept.assert_fresh();
    done(&kept.edit(&[(
        "content/guide/setup.md",
        "+++\ntitle = \"Setup\"\ndate = 2026-01-12\ntags = [\"basics\"]\n+++\n\nPlain again.\n\n## Before you start\n",
    )]));
    assert_eq!(kept.live.warnings().iter().count(), 0);
    kept.assert_fresh();
}

const BACKLOG: &str = "schema = \"backlog\"\nteam = \"Live squad\"\n\n[[item]]\nid = \"PB-1\"\ntitle = \"Write the introduction\"\nkind = \"story\"\nstatus = \"ready\"\nrank = 1\npoints = 2\n\n[[item]]\nid = \"PB-2\"\ntitle = \"Write the setup page\"\nkind = \"story\"\nstatus = \"backlog\"\nrank = 2\npoints = 3\n";

#[test]
fn a_data_edit_renders_the_pages_showing_data() {
    let mut kept = Kept::start(Site::fixture("live"));
    let edited = format!(
        "{BACKLOG}\n[[item]]\nid = \"PB-3\"\ntitle = \"Chart the roadmap\"\nkind = \"story\"\nstatus = \"ready\"\nrank = 3\npoints = 1\n"
    );
    let update = kept.edit(&[("content/team/backlog.toml", &edited)]);
    let patch = done(&update);
    let paths = rendered(patch);
    for expected in [
        "board/index.html",        // a data view in its Markdown
        "counts/index.html",       // load_data in its template
        "team/backlog/index.html", // the data page
    ] {
        assert!(paths.contains(&expected), "{expected} not in {paths:?}");
    }
    // The introduction links to PB-1, which is as it was: its Markdown is
    // rendered again, gives the same HTML, and the page is left alone.
    assert!(!paths.contains(&"guide/intro/index.html"), "{paths:?}");
    assert!(!paths.contains(&"guide/setup/index.html"), "{paths:?}");
    assert!(kept.page("board/index.html").contains("Chart the roadmap"));
    assert!(
        kept.page("counts/index.html")
            .contains("3 items for Live squad")
    );
    kept.assert_fresh();
}

#[test]
fn a_broken_data_edit_fails_and_a_removed_item_breaks_its_links() {
    let mut kept = Kept::start(Site::fixture("live"));
    let before = kept.page("board/index.html");
    let update = kept.edit(&[(
        "content/team/backlog.toml",
        "schema = \"backlog\"\n[[item]\n",
    )]);
    let Update::Failed(diags) = update else {
        panic!("expected a failure, got {update:?}");
    };
    assert!(
        diags.render(false).contains("content/team/backlog.toml:2:"),
        "{}",
        diags.render(false)
    );
    assert_eq!(kept.page("board/index.html"), before);
    // PB-1 gone: the introduction's link to it is now an error.
    let without_pb1 = BACKLOG.replacen("id = \"PB-1\"", "id = \"PB-9\"", 1);
    let update = kept.edit(&[("content/team/backlog.toml", &without_pb1)]);
    let Update::Failed(diags) = update else {
        panic!("expected a failure, got {update:?}");
    };
    assert!(
        diags.render(false).contains("content/guide/intro.md:"),
        "{}",
        diags.render(false)
    );
    assert_eq!(kept.page("board/index.html"), before);
    done(&kept.edit(&[("content/team/backlog.toml", BACKLOG)]));
    kept.assert_fresh();
}

#[test]
fn a_template_edit_renders_the_pages_using_it() {
    let mut kept = Kept::start(Site::fixture("live"));
    let related = "{% set other = get_page(path=\"guide/intro.md\") -%}\n<!doctype html><html lang=\"en\"><head><title>{{ page.title }}</title></head><body>\n<h1>See also</h1><p>{{ other.title }}</p>\n</body></html>\n";
    let update = kept.edit(&[("templates/related.html", related)]);
    let patch = done(&update);
    let paths = rendered(patch);
    assert!(paths.contains(&"guide/related/index.html"), "{paths:?}");
    for other in [
        "guide/intro/index.html",
        "overview/index.html",
        "index.html",
    ] {
        assert!(!paths.contains(&other), "{other} in {paths:?}");
    }
    assert!(
        patch.what.starts_with("1 page using related.html"),
        "{}",
        patch.what
    );
    assert!(kept.page("guide/related/index.html").contains("See also"));
    kept.assert_fresh();

    // A site template over the theme's: every page that uses it.
    let page = "{% extends \"base.html\" %}{% block content %}<article class=\"mine\">{{ page.content | safe }}</article>{% endblock content %}";
    let patch = kept.edit(&[("templates/page.html", page)]);
    let paths = rendered(done(&patch));
    assert!(paths.contains(&"guide/intro/index.html"), "{paths:?}");
    assert!(
        paths.contains(&"team/backlog/index.html"),
        "data pages use it too: {paths:?}"
    );
    assert!(!paths.contains(&"guide/related/index.html"), "{paths:?}");
    assert!(
        kept.page("guide/setup/index.html")
            .contains("class=\"mine\"")
    );
    kept.assert_fresh();
}

#[test]
fn a_broken_template_fails_and_a_shortcode_needs_a_full_build() {
    let mut kept = Kept::start(Site::fixture("live"));
    let before = kept.page("guide/related/index.html");
    let update = kept.edit(&[("templates/related.html", "{% if %}\n")]);
    let Update::Failed(diags) = update else {
        panic!("expected a failure, got {update:?}");
    };
    assert!(
        diags.render(false).contains("templates/related.html:1:"),
        "{}",
        diags.render(false)
    );
    assert_eq!(kept.page("guide/related/index.html"), before);
    // A runtime error: the page that uses it is named.
    let update = kept.edit(&[(
        "templates/related.html",
        "{% set p = get_page(path=\"nope.md\") %}{{ p.title }}\n",
    )]);
    let Update::Failed(diags) = update else {
        panic!("expected a failure, got {update:?}");
    };
    assert!(
        diags.render(false).contains("content/guide/related.md"),
        "{}",
        diags.render(false)
    );
    assert_eq!(kept.page("guide/related/index.html"), before);
    // Put back: what the page looks up is known again, so an edit to the
    // page it shows reaches it.
    let original = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/live/templates/related.html"),
    )
    .expect("fixture");
    done(&kept.edit(&[("templates/related.html", &original)]));
    assert_eq!(kept.page("guide/related/index.html"), before);
    let update = kept.edit(&[(
        "content/guide/intro.md",
        &format!("{INTRO_FRONT}\nA summary written after the fix.\n\n## First steps\n"),
    )]);
    assert!(rendered(done(&update)).contains(&"guide/related/index.html"));
    assert!(
        kept.page("guide/related/index.html")
            .contains("written after the fix")
    );
    kept.assert_fresh();
    // Shortcodes change Markdown: a full build.
    assert!(matches!(
        kept.edit(&[(
            "templates/shortcodes/note.html",
            "<aside>{{ body }}</aside>"
        )]),
        Update::Full
    ));
}

/// Front matter edits that keep the page's URL, each checked against a
/// fresh build: a new title, weight, date, role and terms.
fn front_matter_edits(kept: &mut Kept) -> Vec<Vec<String>> {
    let body = "\nWhat to install.\n\n## Before you start\n\nRead the [first steps](intro.md#first-steps).\n";
    let mut patches = Vec::new();
    for front in [
        // Newest first: Setup stays before Introduction.
        "title = \"Set up\"\ndate = 2026-01-12\ntags = [\"basics\"]",
        // Older than Introduction: it moves after it.
        "title = \"Set up\"\ndate = 2025-06-01\nupdated = 2026-02-01\ntags = [\"basics\"]",
        // A weight puts it first again.
        "title = \"Set up\"\nweight = 1\ndate = 2025-06-01\ntags = [\"basics\"]",
        "title = \"Set up\"\nweight = 1\nroles = \"po\"\ntags = [\"basics\", \"start\"]",
        // No weight or date: last, after Related.
        "title = \"Set up\"\ndescription = \"Tools first.\"\ntags = [\"start\"]",
    ] {
        let text = format!("+++\n{front}\n+++\n{body}");
        let update = kept.edit(&[(SETUP, &text)]);
        let patch = done(&update);
        patches.push(rendered(patch).into_iter().map(str::to_string).collect());
        kept.assert_fresh();
    }
    patches
}

#[test]
fn front_matter_edits_update_in_place_and_match_a_fresh_build() {
    let mut kept = Kept::start(Site::fixture("live"));
    let patches = front_matter_edits(&mut kept);
    let first = &patches[0];
    for path in [
        "guide/setup/index.html",
        "guide/index.html",
        "guide/atom.xml",
        "tags/basics/index.html",
        "tags/index.html",
        "sitemap.xml",
    ] {
        assert!(first.iter().any(|p| p == path), "{path} in {first:?}");
    }
    assert!(kept.page("guide/setup/index.html").contains("Set up"));
    // Without a weight or a date, the section lists the page last.
    let guide = kept.page("guide/index.html");
    assert!(guide.find(">Set up<").expect("listed") > guide.find(">Related<").expect("listed"));

    // A failed one leaves the order and sidebars as they were: the next
    // edit still matches a fresh build.
    let body = "\n## Before you start\n\nText.\n";
    let broken =
        format!("+++\ntitle = \"Aaa\"\nweight = 1\ntemplate = \"missing.html\"\n+++\n{body}");
    assert!(matches!(kept.edit(&[(SETUP, &broken)]), Update::Failed(_)));
    let intro =
        format!("{INTRO_FRONT}\nNew words.\n\n## First steps\n\nRead [PB-1](@backlog/PB-1).\n");
    done(&kept.edit(&[("content/guide/intro.md", &intro)]));
    let intro = kept.page("guide/intro/index.html");
    assert!(intro.contains("New words."));
    assert!(
        !intro.contains(">Aaa<"),
        "the sidebar of the last good build"
    );
    let fixed = format!("+++\ntitle = \"Setup\"\n+++\n{body}");
    done(&kept.edit(&[(SETUP, &fixed)]));
    kept.assert_fresh();
}

#[test]
fn front_matter_edits_on_a_big_site_render_only_the_branch() {
    let site = Site::fixture("live");
    // The sidebar of a big site shows only the open section's pages.
    site.write(
        "rolebook.toml",
        "title = \"Live test\"\nbase_url = \"https://example.org/\"\nsidebar_full_limit = 2\n",
    );
    let mut kept = Kept::start(site);
    let patches = front_matter_edits(&mut kept);
    for (i, patch) in patches.iter().enumerate() {
        assert!(
            !patch
                .iter()
                .any(|p| p == "counts/index.html" || p == "404.html"),
            "pages outside the guide keep their sidebar: {patch:?}"
        );
        // A new title or place changes the introduction's sidebar or its
        // next link; new roles and tags (edit 3) show on neither, so only
        // what lists them is rendered again.
        assert_eq!(
            patch.iter().any(|p| p == "guide/intro/index.html"),
            i != 3,
            "edit {i}: {patch:?}"
        );
    }
    assert!(patches[3].iter().any(|p| p == "role/po/index.html"));
}

#[test]
fn an_edit_renders_exactly_what_read_a_changed_fact() {
    let mut kept = Kept::start(Site::fixture("live"));
    let text = kept.site.read("content/guide/intro.md");
    // A blank line more: the same HTML, summary and word count. Only the
    // page whose file changed is rendered again; nothing that lists it.
    let patch = kept.edit(&[("content/guide/intro.md", &format!("{text}\n\n"))]);
    assert_eq!(rendered(done(&patch)), ["guide/intro/index.html"]);
    kept.assert_fresh();
    // Words added: the summary's word count changes, so what lists the
    // page follows (its section, its term pages, its feed), and nothing
    // whose facts stayed (the setup page, the pages of other sections).
    let patch = kept.edit(&[(
        "content/guide/intro.md",
        &format!("{text}\nMore words here.\n"),
    )]);
    let paths = rendered(done(&patch));
    for expected in [
        "guide/intro/index.html",
        "guide/index.html",
        "tags/basics/index.html",
    ] {
        assert!(paths.contains(&expected), "{expected} not in {paths:?}");
    }
    for left in ["guide/setup/index.html", "counts/index.html", "404.html"] {
        assert!(!paths.contains(&left), "{left} in {paths:?}");
    }
    kept.assert_fresh();
}

#[test]
fn an_output_without_markdown_that_looked_a_page_up_is_rendered_again_in_place() {
    let site = Site::fixture("live");
    site.write(
        "templates/404.html",
        "{% set p = get_page(path=\"guide/intro.md\") %}<p>Try {{ p.title }} ({{ p.word_count }} words)</p>\n",
    );
    let mut kept = Kept::start(site);
    assert!(kept.page("404.html").contains("Try Introduction"));
    let text = kept.site.read("content/guide/intro.md");
    let update = kept.edit(&[("content/guide/intro.md", &format!("{text}\nTwo more.\n"))]);
    // Applied in place, not a full build: the 404 page noted its look-up.
    let paths = rendered(done(&update));
    assert!(paths.contains(&"404.html"), "{paths:?}");
    assert!(!paths.contains(&"counts/index.html"), "{paths:?}");
    kept.assert_fresh();
}

#[test]
fn a_static_edit_replaces_the_file_and_changes_no_page() {
    let site = Site::fixture("live");
    site.write("static/css/site.css", "body { color: red; }\n");
    site.write(
        "static/img/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    let mut kept = Kept::start(site);
    let before = kept.page("guide/intro/index.html");
    let update = kept.edit(&[("static/css/site.css", "body { color: blue; }\n")]);
    let patch = done(&update);
    // Only the file whose bytes changed.
    assert_eq!(rendered(patch), ["css/site.css"]);
    assert_eq!(kept.page("css/site.css"), "body { color: blue; }\n");
    // Serve links the plain name: the page is the same.
    assert_eq!(kept.page("guide/intro/index.html"), before);
    assert!(
        before.contains("css/handbook.css\""),
        "no fingerprint in serve"
    );
    kept.assert_fresh();
    let update = kept.edit(&[(
        "static/img/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><g/></svg>",
    )]);
    assert_eq!(rendered(done(&update)), ["img/logo.svg"]);
    kept.assert_fresh();
}

#[test]
fn title_edits_update_the_owners_and_changes_pages_and_owner_edits_rebuild() {
    let site = Site::fixture("upkeep");
    // The fixture has no Git history of its own: a date makes /changes/.
    let dated = "+++\ntitle = \"Setup\"\nowner = \"Ana Ruiz\"\nreviewed = 2026-06-01\nupdated = 2026-10-05\n+++\nWhat to install.\n";
    site.write("content/guide/setup.md", dated);
    let mut kept = Kept::start(site);

    let retitled = dated.replace("title = \"Setup\"", "title = \"Installing\"");
    let update = kept.edit(&[("content/guide/setup.md", &retitled)]);
    let files = rendered(done(&update));
    for path in [
        "owners/index.html",
        "changes/index.html",
        "changes/atom.xml",
        "index.html",
    ] {
        assert!(files.contains(&path), "{path} in {files:?}");
    }
    assert!(kept.page("owners/index.html").contains(">Installing</a>"));
    assert!(kept.page("index.html").contains(">Installing</a></li>"));
    kept.assert_fresh();

    // A weight moves it before "Old ways" in the sidebar and in the lists.
    let first = retitled.replace("+++\ntitle", "+++\nweight = 1\ntitle");
    let update = kept.edit(&[("content/guide/setup.md", &first)]);
    assert!(rendered(done(&update)).contains(&"owners/index.html"));
    let owners = kept.page("owners/index.html");
    assert!(owners.find(">Installing<") < owners.find(">Old ways<"));
    kept.assert_fresh();

    // Without its date the page leaves /changes/, which then has nothing.
    let undated = retitled.replace("updated = 2026-10-05\n", "");
    assert!(matches!(
        kept.edit(&[("content/guide/setup.md", &undated)]),
        Update::Full
    ));

    // A new owner or review date changes what the build worked out.
    let moved = retitled.replace("owner = \"Ana Ruiz\"", "owner = \"Ben Cho\"");
    assert!(matches!(
        kept.edit(&[("content/guide/setup.md", &moved)]),
        Update::Full
    ));
    let reviewed = retitled.replace("reviewed = 2026-06-01", "reviewed = 2026-07-01");
    assert!(matches!(
        kept.edit(&[("content/guide/setup.md", &reviewed)]),
        Update::Full
    ));
}

#[test]
fn markdown_under_templates_in_a_root_content_folder_is_a_page_edit() {
    // With `content_dir = "."`, `templates/user-story.md` is a page, not a
    // template: the watcher classifies it as content, and the update takes
    // that kind as it is.
    let mut kept = Kept::start(Site::fixture("github-root"));
    let update = kept.edit(&[(
        "templates/user-story.md",
        "# User story template\n\nAs a {{ role }}, I want {{ goal }}: edited in place.\n",
    )]);
    assert_eq!(done(&update).edited, 1);
    assert!(
        kept.page("templates/user-story/index.html")
            .contains("edited in place"),
    );
    kept.assert_fresh();
}

#[test]
fn what_serve_builds_differently_is_each_one_option() {
    // A build names stylesheets by their bytes and tells templates of no
    // live reload; serve's options change exactly those two things, and
    // turning one of them alone changes only what it says.
    let site = Site::fixture("serve-basic");
    site.write(
        "templates/page.html",
        "{{ rolebook.live_reload }} {{ asset_url(path=\"css/custom.css\") }}",
    );
    let page = |opts: &BuildOptions| {
        let built = build(&Project::new(site.path()), opts).expect("build");
        let bytes = built.output.get("guide/index.html").expect("the page");
        String::from_utf8(bytes.to_vec()).expect("UTF-8")
    };
    let fingerprinted = page(&BuildOptions::default());
    let name = fingerprinted
        .strip_prefix("false /css/custom.")
        .and_then(|rest| rest.strip_suffix(".css"))
        .unwrap_or_else(|| panic!("a fingerprinted name: {fingerprinted}"));
    assert!(name.chars().all(|c| c.is_ascii_hexdigit()), "{name}");
    assert_eq!(page(&BuildOptions::serve()), "true /css/custom.css");
    let plain = BuildOptions {
        fingerprint: false,
        ..BuildOptions::default()
    };
    assert_eq!(page(&plain), "false /css/custom.css");
    let script = BuildOptions {
        live_reload_script: true,
        ..BuildOptions::default()
    };
    assert_eq!(page(&script), fingerprinted.replacen("false", "true", 1));
}
