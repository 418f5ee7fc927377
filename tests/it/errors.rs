//! Bad input: every message names the file and line, all independent
//! errors come in one run, and the previous output is left untouched.

use crate::support::Site;

/// Builds the fixture once (good), breaks it with `edit`, builds again and
/// checks the failure left the first output as it was.
fn broken(edit: impl FnOnce(&Site)) -> (Site, crate::support::Run) {
    let site = Site::fixture("site-basic");
    site.build().success();
    let before = site.read("public/index.html");
    edit(&site);
    let run = site.build();
    run.failure();
    assert_eq!(
        site.read("public/index.html"),
        before,
        "the previous site must stay"
    );
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    (site, run)
}

#[test]
fn malformed_toml_front_matter_points_at_the_line() {
    let (_, run) = broken(|s| {
        s.write(
            "content/guide/bad.md",
            "+++\ntitle = \"Bad\"\nweight = = 3\n+++\nText\n",
        );
    });
    run.stderr_has("content/guide/bad.md:3:")
        .stderr_has("weight = = 3");
}

#[test]
fn malformed_yaml_front_matter_points_at_the_line() {
    let (_, run) = broken(|s| {
        s.write(
            "content/guide/bad.md",
            "---\ntitle: Bad\ntags: [a, b\n---\nText\n",
        );
    });
    run.stderr_has("content/guide/bad.md:");
}

#[test]
fn unknown_key_suggests_the_right_one() {
    let (_, run) = broken(|s| {
        s.write(
            "content/guide/bad.md",
            "+++\ntitle = \"Bad\"\nwieght = 3\n+++\nText\n",
        );
    });
    run.stderr_has("content/guide/bad.md:3:1: error: unknown key `wieght`")
        .stderr_has("did you mean `weight`?");
}

#[test]
fn invalid_utf8_names_file_and_line() {
    let (_, run) = broken(|s| {
        s.write(
            "content/guide/bad.md",
            b"+++\ntitle = \"x\"\n+++\nok\nbad \xff byte\n",
        );
    });
    run.stderr_has("content/guide/bad.md:5:5: error: the file is not valid UTF-8");
}

#[test]
fn missing_template_is_reported_with_the_page() {
    let (_, run) = broken(|s| {
        s.write(
            "content/guide/bad.md",
            "+++\ntitle = \"Bad\"\ntemplate = \"nope.html\"\n+++\nText\n",
        );
    });
    run.stderr_has("content/guide/bad.md")
        .stderr_has("template `nope.html` not found");
}

#[test]
fn template_syntax_error_names_template_and_line() {
    let (_, run) = broken(|s| {
        s.write(
            "templates/page.html",
            "<html>\n<body>\n{{ page.title | }}\n</body></html>\n",
        );
    });
    run.stderr_has("templates/page.html:3:")
        .stderr_has("template syntax error");
}

#[test]
fn template_runtime_error_names_template_and_page() {
    let (_, run) = broken(|s| {
        s.write(
            "templates/page.html",
            "<html>{{ page.nothing.here }}</html>\n",
        );
    });
    run.stderr_has("content/guide/first.md")
        .stderr_has("templates/page.html");
}

#[test]
fn broken_link_and_anchor_point_at_the_line() {
    let (_, run) = broken(|s| {
        s.write(
            "content/guide/bad.md",
            "+++\ntitle = \"Bad\"\n+++\n\nSee [x](@/guide/frist.md).\n\nAnd [y](@/guide/links.md#section-three).\n\n[z](#nowhere)\n",
        );
    });
    run.stderr_has(
        "content/guide/bad.md:5:5: error: broken link: there is no content file `guide/frist.md`",
    )
    .stderr_has("did you mean `@/guide/first.md`?")
    .stderr_has("content/guide/bad.md:7:5: error: broken anchor")
    .stderr_has("content/guide/bad.md:9:1: error: there is no heading or anchor `#nowhere`");
}

#[test]
fn duplicate_urls_are_an_error() {
    let (_, run) = broken(|s| {
        s.write(
            "content/guide/other.md",
            "+++\ntitle = \"Other\"\nslug = \"first\"\n+++\n",
        );
    });
    run.stderr_has("two files have the URL /guide/first/");
}

#[test]
fn every_independent_error_in_one_run() {
    let (_, run) = broken(|s| {
        s.write("content/a.md", "+++\ntitel = \"A\"\n+++\n");
        s.write(
            "content/b.md",
            "+++\ntitle = \"B\"\n+++\n[x](@/missing.md)\n",
        );
        s.write("content/c.md", "+++\ndate = \"yesterday\"\n+++\n");
    });
    run.stderr_has("content/a.md:2:1")
        .stderr_has("content/c.md:2:1")
        .stderr_has("3 errors");
}

#[test]
fn unknown_shortcode_points_at_the_call() {
    let (_, run) = broken(|s| {
        s.write(
            "content/bad.md",
            "+++\ntitle = \"x\"\n+++\n\n{{ badg(role=\"po\") }}\n",
        );
    });
    run.stderr_has("content/bad.md:5:1: error: unknown shortcode `badg` (did you mean `badge`?)");
}

#[test]
fn config_misspelling_is_located() {
    let (_, run) = broken(|s| {
        s.write(
            "rolebook.toml",
            "title = \"x\"\nbase_ulr = \"https://e.org/\"\n",
        );
    });
    run.stderr_has("rolebook.toml:2:1: error: unknown key `base_ulr`")
        .stderr_has("did you mean `base_url`?");
}

#[test]
fn empty_and_odd_files_build() {
    let site = Site::fixture("site-basic");
    site.write("content/guide/empty.md", "");
    site.write("content/guide/only front.md", "+++\n+++\n");
    let run = site.build();
    run.success();
    run.stderr_has("content/guide/empty.md: warning: the file is empty");
    assert!(site.exists("public/guide/empty/index.html"));
    assert!(site.exists("public/guide/only-front/index.html"));
}

#[test]
fn unknown_code_language_is_a_warning() {
    let site = Site::fixture("site-basic");
    site.write(
        "content/guide/code.md",
        "+++\ntitle = \"c\"\n+++\n\n```klingon\nqapla'\n```\n",
    );
    site.build()
        .success()
        .stderr_has("content/guide/code.md:5:1: warning: unknown code language `klingon`");
    assert!(
        site.read("public/guide/code/index.html")
            .contains("qapla&#39;")
            || site.read("public/guide/code/index.html").contains("qapla'")
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_not_followed_forever() {
    let site = Site::fixture("site-basic");
    std::os::unix::fs::symlink("..", site.path().join("content/guide/loop")).unwrap();
    site.build().failure().stderr_has("symbolic link loop");
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_create() {
    let site = Site::fixture("site-basic");
    site.write("public/precious.txt", "mine");
    site.build().failure().stderr_has("did not write");
    assert_eq!(site.read("public/precious.txt"), "mine");
}
