//! Hostile file-system input: links out of the site, special files, huge
//! files, an output folder users keep things in, what killed builds leave.
//! Every run is bounded in time, so a regression fails instead of hanging.

use std::io::Read;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Run, Site};

/// Longer than any of these builds takes on a loaded machine.
const LIMIT: Duration = Duration::from_secs(120);

/// Runs `rolebook ARGS` in the site folder with extra environment
/// variables, killing it at [`LIMIT`]. Also returns the highest resident
/// memory seen (`VmHWM`, in KiB), read while it runs.
fn run_watched(site: &Site, args: &[&str], env: &[(&str, &str)]) -> (Run, u64) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rolebook"))
        .args(args)
        .current_dir(site.path())
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run rolebook");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let status_file = format!("/proc/{}/status", child.id());
    let start = Instant::now();
    let mut peak_kib = 0;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file)
            && let Some(kib) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak_kib = peak_kib.max(kib);
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("rolebook {args:?} did not finish within {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let root = site.path().display().to_string();
    let clean = |b: Vec<u8>| String::from_utf8_lossy(&b).replace(&root, "[SITE]");
    let run = Run {
        status: status.code().unwrap_or(-1),
        stdout: clean(out.join().expect("stdout thread")),
        stderr: clean(err.join().expect("stderr thread")),
    };
    (run, peak_kib)
}

fn build(site: &Site) -> Run {
    run_watched(site, &["build"], &[]).0
}

/// Every file under `dir`, as sorted `/`-separated paths.
fn files_under(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| !e.file_type().is_dir())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .expect("prefix")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    out.sort();
    out
}

/// stderr with the build's summary line left out (it has a time in it).
fn messages(run: &Run) -> String {
    run.problems()
        .lines()
        .filter(|l| !l.starts_with("Built "))
        .collect::<Vec<_>>()
        .join("\n")
        .trim_end()
        .to_string()
}

#[test]
fn links_out_of_the_site_and_special_files_are_never_published() {
    let site = Site::fixture("hostile-fs");
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(outside.path().join("secret.txt"), "deploy-key-0451").expect("write");
    std::fs::write(
        outside.path().join("team.toml"),
        "schema = \"team\"\nname = \"stolen\"\n",
    )
    .expect("write");
    std::fs::create_dir_all(outside.path().join("theme")).expect("mkdir");
    std::fs::write(
        outside.path().join("theme/page.html"),
        "{{ get_env(name=\"HOME\") }}",
    )
    .expect("write");
    let root = site.path();
    symlink("/proc/self/environ", root.join("content/env.txt")).expect("link");
    symlink("/etc/passwd", root.join("content/passwd.md")).expect("link");
    symlink(
        outside.path().join("team.toml"),
        root.join("content/guide/team.toml"),
    )
    .expect("link");
    symlink("/proc/self/environ", root.join("static/env.txt")).expect("link");
    symlink(
        outside.path().join("secret.txt"),
        root.join("static/secret.txt"),
    )
    .expect("link");
    // Git keeps no empty folders, so the fixture's `templates/` is made here.
    std::fs::create_dir_all(root.join("templates")).expect("mkdir");
    symlink(outside.path().join("theme"), root.join("templates/stolen")).expect("link");
    // Links inside the site keep working.
    symlink("img/logo.svg", root.join("static/logo.svg")).expect("link");
    symlink("../../static/img", root.join("content/guide/pictures")).expect("link");
    let fifo = Command::new("mkfifo")
        .arg(root.join("content/guide/notes.md"))
        .status()
        .expect("run mkfifo");
    assert!(fifo.success());

    let secret = "ci-token-7b1e0c5d";
    let (run, _) = run_watched(&site, &["build"], &[("DEPLOY_TOKEN", secret)]);
    run.success();
    let shown = messages(&run).replace(
        &outside
            .path()
            .canonicalize()
            .expect("real")
            .display()
            .to_string(),
        "[OUTSIDE]",
    );
    let shown = regex_free_pid(&shown);
    let help = "  = help: links inside the site folder are followed; set `follow_outside_links = true` in rolebook.toml to follow links you trust";
    assert_eq!(
        shown,
        [
            "content/env.txt: warning: this is a link to /proc/[PID]/environ, a file of the running system; it is never read",
            "",
            "content/guide/notes.md: warning: this is a fifo (named pipe), which is not a regular file; it is never read",
            "",
            "content/guide/team.toml: warning: this is a link to [OUTSIDE]/team.toml, outside the site folder; it is left out",
            help,
            "",
            "content/passwd.md: warning: this is a link to /etc/passwd, outside the site folder; it is left out",
            help,
            "",
            "static/env.txt: warning: this is a link to /proc/[PID]/environ, a file of the running system; it is never read",
            "",
            "static/secret.txt: warning: this is a link to [OUTSIDE]/secret.txt, outside the site folder; it is left out",
            help,
            "",
            "templates/stolen: warning: this is a link to [OUTSIDE]/theme, outside the site folder; it is left out",
            help,
        ]
        .join("\n")
    );
    let public = root.join("public");
    let files = files_under(&public);
    for leaked in [
        "env.txt",
        "secret.txt",
        "passwd/index.html",
        "guide/team/index.html",
    ] {
        assert!(!files.iter().any(|f| f == leaked), "{leaked} published");
    }
    assert!(files.iter().any(|f| f == "logo.svg"), "{files:?}");
    assert!(
        files.iter().any(|f| f == "guide/pictures/logo.svg"),
        "{files:?}"
    );
    for file in &files {
        let bytes = std::fs::read(public.join(file)).expect("read");
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(secret), "{file} holds the environment");
        assert!(!text.contains("root:x:0:0"), "{file} holds /etc/passwd");
        assert!(
            !text.contains("deploy-key-0451"),
            "{file} holds the outside file"
        );
    }

    // Trusted set-ups may follow links out, but never into /proc.
    let config = std::fs::read_to_string(root.join("rolebook.toml")).expect("read");
    site.write(
        "rolebook.toml",
        format!("follow_outside_links = true\n{config}"),
    );
    std::fs::remove_file(root.join("content/passwd.md")).expect("rm");
    std::fs::remove_file(root.join("templates/stolen")).expect("rm");
    std::fs::remove_file(root.join("content/guide/team.toml")).expect("rm");
    let run = build(&site);
    run.success();
    assert_eq!(
        std::fs::read_to_string(public.join("secret.txt")).expect("followed"),
        "deploy-key-0451"
    );
    assert!(!public.join("env.txt").exists());
    assert!(
        run.stderr
            .contains("static/env.txt: warning: this is a link to /proc/")
    );
    assert!(!run.stderr.contains("static/secret.txt"), "{}", run.stderr);
}

/// `/proc/1234/environ` -> `/proc/[PID]/environ`.
fn regex_free_pid(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("/proc/") {
        out.push_str(&rest[..i + 6]);
        rest = &rest[i + 6..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 {
            out.push_str("[PID]");
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn a_huge_static_file_is_streamed_not_read_whole() {
    let site = Site::fixture("hostile-fs");
    let size: u64 = 1_200 * 1024 * 1024;
    let video = std::fs::File::create(site.path().join("static/launch.mp4")).expect("create");
    // Sparse: costs no disk, reads as zeros; a few real bytes at the end.
    video.set_len(size - 4).expect("grow");
    drop(video);
    let mut tail = std::fs::OpenOptions::new()
        .append(true)
        .open(site.path().join("static/launch.mp4"))
        .expect("open");
    std::io::Write::write_all(&mut tail, b"moov").expect("write");
    drop(tail);

    let (run, peak_kib) = run_watched(&site, &["build"], &[]);
    run.success();
    let copy = site.path().join("public/launch.mp4");
    let meta = std::fs::metadata(&copy).expect("copied");
    assert_eq!(meta.len(), size);
    let mut end = std::fs::File::open(&copy).expect("open");
    std::io::Seek::seek(&mut end, std::io::SeekFrom::End(-4)).expect("seek");
    let mut last = [0u8; 4];
    end.read_exact(&mut last).expect("read");
    assert_eq!(&last, b"moov");
    // Far below the file's 1.2 GB: the file was never held whole.
    assert!(
        peak_kib > 0 && peak_kib < 300 * 1024,
        "peak memory {peak_kib} KiB"
    );
    // Still sparse: the copy did not write 1.2 GB of zeros.
    use std::os::unix::fs::MetadataExt;
    assert!(
        meta.blocks() * 512 < 64 * 1024 * 1024,
        "{} blocks",
        meta.blocks()
    );
}

/// A `public/` that is a Git worktree of a `gh-pages` branch, with what
/// people keep there.
fn add_worktree_files(public: &Path) {
    let write = |rel: &str, text: &str| {
        let path = public.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write(".git", "gitdir: /work/handbook/.git/worktrees/public\n");
    write("CNAME", "handbook.example.org\n");
    write(".nojekyll", "");
    write(
        ".well-known/security.txt",
        "Contact: mailto:security@example.org\n",
    );
    write("downloads/handbook.pdf", "%PDF-1.7 fake\n");
    write("guide/.editorconfig", "root = true\n");
}

#[test]
fn a_rebuild_keeps_what_users_keep_in_the_output_folder() {
    let site = Site::fixture("hostile-fs");
    let config = std::fs::read_to_string(site.path().join("rolebook.toml")).expect("read");
    site.write(
        "rolebook.toml",
        format!("keep = [\"CNAME\", \"downloads/**\"]\n{config}"),
    );
    let public = site.path().join("public");
    // A fresh worktree: no rolebook marker, only kept files.
    add_worktree_files(&public);
    let first = build(&site);
    first.success();
    assert_eq!(messages(&first), "");
    site.write("public/notes.txt", "ideas for the next release\n");
    site.write("public/guide/draft-notes.txt", "half a page\n");
    let before = files_under(&public);
    let listed = std::fs::read_to_string(public.join(".rolebook-output")).expect("marker");

    // The page goes away: its file goes with it, nothing else does.
    std::fs::remove_file(site.path().join("content/guide/planning.md")).expect("rm");
    let second = build(&site);
    second.success();
    assert_eq!(
        messages(&second),
        "[SITE]/public: warning: files not written by rolebook are kept in the output folder: guide/draft-notes.txt, notes.txt\n  = help: add them to `keep` in rolebook.toml to silence this, or delete them"
            .replace("[SITE]/", "./")
    );
    let after = files_under(&public);
    // Only files the first build wrote (its marker lists them) are gone.
    let gone: Vec<&String> = before.iter().filter(|f| !after.contains(f)).collect();
    assert!(
        gone.iter().any(|f| *f == "guide/planning/index.html"),
        "{gone:?}"
    );
    for file in gone {
        assert!(
            listed.lines().any(|l| l == file),
            "{file} was not rolebook's"
        );
    }
    for kept in [
        ".git",
        "CNAME",
        ".nojekyll",
        ".well-known/security.txt",
        "downloads/handbook.pdf",
        "guide/.editorconfig",
        "notes.txt",
        "guide/draft-notes.txt",
    ] {
        assert!(after.iter().any(|f| f == kept), "{kept} lost: {after:?}");
    }
    assert_eq!(
        std::fs::read_to_string(public.join(".git")).expect("kept"),
        "gitdir: /work/handbook/.git/worktrees/public\n"
    );

    // A file the build now writes at a kept path: the build's wins, said so.
    site.write("static/CNAME", "docs.example.org\n");
    let third = build(&site);
    third.success();
    assert_eq!(
        messages(&third),
        "./public: warning: the build writes a file kept in the output folder, and replaces it: CNAME\n  = help: remove the path from `keep`, or the file from the site's sources\n\n./public: warning: files not written by rolebook are kept in the output folder: guide/draft-notes.txt, notes.txt\n  = help: add them to `keep` in rolebook.toml to silence this, or delete them"
    );
    // The same bytes again: nothing to say about CNAME.
    let fourth = build(&site);
    assert!(!fourth.stderr.contains("CNAME"), "{}", fourth.stderr);
    assert_eq!(site.read("public/CNAME"), "docs.example.org\n");
}

#[test]
fn a_folder_of_someone_elses_files_is_still_refused() {
    let site = Site::fixture("hostile-fs");
    site.write("public/index.html", "<h1>the old site, by hand</h1>");
    site.write("public/.git", "gitdir: elsewhere\n");
    let run = build(&site);
    run.failure();
    assert_eq!(
        messages(&run),
        "./public: error: the output folder has files rolebook did not write (index.html); it will not replace them\n  = help: choose another folder with -o, empty this one, or name what to keep in `keep` in rolebook.toml\n\nerror: 1 error; nothing was written"
    );
    assert_eq!(
        site.read("public/index.html"),
        "<h1>the old site, by hand</h1>"
    );
}

#[test]
fn folders_left_by_killed_builds_are_removed() {
    let site = Site::fixture("hostile-fs");
    // Processes that have ended: their ids name no running process.
    let ended = || {
        let mut child = Command::new("true").spawn().expect("run true");
        let id = child.id();
        child.wait().expect("wait");
        id
    };
    let dead = ended();
    let stale = format!(".public.rolebook-staging-{dead}");
    site.write(
        &format!("{stale}/.rolebook-output"),
        "# This folder is written by rolebook\n",
    );
    site.write(&format!("{stale}/guide/index.html"), "half written");
    let old = format!(".public.rolebook-old-{dead}");
    site.write(
        &format!("{old}/.rolebook-output"),
        "# This folder is written by rolebook\n",
    );
    // Not rolebook's (no marker), and one of a build still running: kept.
    let foreign = format!(".public.rolebook-staging-{}", ended());
    site.write(&format!("{foreign}/mine.txt"), "not rolebook's");
    let running = format!(".public.rolebook-staging-{}", std::process::id());
    site.write(&format!("{running}/.rolebook-output"), "# running\n");

    build(&site).success();
    assert!(!site.exists(&stale));
    assert!(!site.exists(&old));
    assert!(site.exists(&format!("{foreign}/mine.txt")));
    assert!(site.exists(&format!("{running}/.rolebook-output")));
    let left: Vec<String> = std::fs::read_dir(site.path())
        .expect("read")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("rolebook-"))
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");
}

#[test]
fn an_output_folder_inside_the_sources_is_refused() {
    let site = Site::fixture("hostile-fs");
    for (dir, name) in [
        ("content/pub", "content"),
        ("./static/../content/x", "content"),
        ("static/out", "static"),
        ("templates/out", "templates"),
        ("themes/out", "themes"),
    ] {
        let (run, _) = run_watched(&site, &["build", "-o", dir], &[]);
        run.failure();
        assert_eq!(
            run.stderr,
            format!(
                "error: the output folder {dir} is inside the {name} folder, so each build would read the last one\n  = help: choose an output folder outside content/, static/, templates/ and themes/ (the default is public/)\n\nerror: 1 error; nothing was written\n"
            )
        );
    }
    // Through a link too.
    symlink(site.path().join("content"), site.path().join("pages")).expect("link");
    let (run, _) = run_watched(&site, &["build", "-o", "pages/out"], &[]);
    run.failure();
    assert!(
        run.stderr
            .starts_with("error: the output folder pages/out is inside the content folder"),
        "{}",
        run.stderr
    );
    assert!(!site.exists("content/pub"));
    assert!(!site.exists("static/out"));
    build(&site).success();
    let (run, _) = run_watched(&site, &["build", "-o", "site-out"], &[]);
    run.success();
}

#[test]
fn a_static_link_loop_is_named() {
    let site = Site::fixture("hostile-fs");
    symlink("..", site.path().join("static/img/up")).expect("link");
    let run = build(&site);
    run.failure();
    let shown = messages(&run);
    assert!(
        shown.starts_with(
            "static/img/up: error: symbolic link loop: this link points to a folder that contains it\n  = help: remove the link, or point it at a folder outside this one\n"
        ),
        "{shown}"
    );
    assert!(!site.exists("public"));
}

#[test]
fn a_backslash_name_is_named_not_dropped_silently() {
    let site = Site::fixture("hostile-fs");
    site.write("static/img\\logo.png", "png");
    let run = build(&site);
    run.success();
    assert_eq!(
        messages(&run),
        "static/img\\logo.png: warning: the file name has a backslash, which cannot be part of a URL path; it is left out\n  = help: rename it without `\\` (use `/` folders or `-`)"
    );
}

#[test]
fn a_content_file_cannot_replace_a_generated_page() {
    let site = Site::fixture("hostile-fs");
    site.write("content/index.html", "<h1>hand-made home</h1>");
    site.write("content/guide/index.html", "<h1>hand-made guide</h1>");
    site.write("content/Team Photos/offsite.jpg", "jpeg 1");
    site.write("content/team-photos/offsite.jpg", "jpeg 2");
    let run = build(&site);
    run.failure();
    let shown = messages(&run);
    assert!(
        shown.contains(
            "content/team-photos/offsite.jpg: error: this file and content/Team Photos/offsite.jpg would both be written to /team-photos/offsite.jpg\n"
        ),
        "{shown}"
    );
    assert!(
        shown.starts_with(
            "content/guide/index.html: error: this file would replace /guide/index.html, the page made from content/guide/_index.md\n  = help: rename or move the file; pages come from Markdown files\n\ncontent/index.html: error: this file would replace /index.html, the page made from content/_index.md\n"
        ),
        "{shown}"
    );
}

#[test]
fn file_names_the_file_system_cannot_take_are_named() {
    use std::os::unix::ffi::OsStrExt;
    let site = Site::fixture("hostile-fs");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
    std::fs::write(site.path().join("content/guide").join(name), "# Caf\n").expect("write");
    let long = "a".repeat(300);
    site.write(
        "content/guide/long.md",
        format!("+++\ntitle = \"Long\"\nslug = \"{long}\"\n+++\n\nText.\n"),
    );
    let run = build(&site);
    run.failure();
    let shown = messages(&run);
    assert!(
        shown.starts_with(
            "content/guide/caf\u{FFFD}.md: error: the file name is not valid UTF-8\n  = help: rename it: names become URLs, which must be UTF-8\n\ncontent/guide/long.md:3:1: error: the `slug` is 300 bytes long; a file or folder name can be at most 255 bytes\n"
        ),
        "{shown}"
    );
    assert!(!shown.contains("staging"), "{shown}");
}

#[test]
fn init_does_not_write_through_a_dangling_link() {
    let dir = tempfile::tempdir().expect("temp dir");
    let target = dir.path().join("elsewhere/rolebook.toml");
    symlink(&target, dir.path().join("rolebook.toml")).expect("link");
    let site = Site { dir };
    let (run, _) = run_watched(&site, &["init"], &[]);
    run.failure();
    assert_eq!(
        run.stderr
            .replace(&site.path().display().to_string(), "[SITE]"),
        "./rolebook.toml: error: this is a symbolic link (to [SITE]/elsewhere/rolebook.toml); `init` does not write through links\n  = help: remove the link, or run `rolebook init NEW-FOLDER`\n\nerror: 1 error; nothing was written\n"
    );
    assert!(!target.exists());
    assert!(!site.exists("content"));

    // A link to a folder that exists, on the way to a file: refused too.
    std::fs::remove_file(site.path().join("rolebook.toml")).expect("rm");
    let elsewhere = tempfile::tempdir().expect("temp dir");
    symlink(elsewhere.path(), site.path().join("content")).expect("link");
    let (run, _) = run_watched(&site, &["init"], &[]);
    run.failure();
    assert!(
        run.stderr
            .starts_with("./content: error: this is a symbolic link (to "),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_dir(elsewhere.path()).expect("read").count(),
        0
    );
    assert!(!site.exists("rolebook.toml"), "nothing written at all");
}

#[test]
fn a_config_or_theme_linked_from_outside_is_refused() {
    let site = Site::fixture("hostile-fs");
    let outside = tempfile::tempdir().expect("temp dir");
    let theme = outside.path().join("theme");
    support_copy(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/handbook"),
        &theme,
    );
    std::fs::create_dir_all(site.path().join("themes")).expect("mkdir");
    symlink(&theme, site.path().join("themes/borrowed")).expect("link");
    let config = std::fs::read_to_string(site.path().join("rolebook.toml")).expect("read");
    site.write("rolebook.toml", format!("theme = \"borrowed\"\n{config}"));
    let run = build(&site);
    run.failure();
    let real = theme.canonicalize().expect("real").display().to_string();
    assert!(
        run.stderr.replace(&real, "[THEME]").contains(
            "themes/borrowed/templates/: warning: this is reached through a link, to [THEME]/templates, outside the site folder; it is left out"
        ),
        "{}",
        run.stderr
    );
    assert!(!site.exists("public"));

    // The config's text shows in its error messages: never /proc's.
    std::fs::remove_file(site.path().join("rolebook.toml")).expect("rm");
    symlink("/proc/self/environ", site.path().join("rolebook.toml")).expect("link");
    let (run, _) = run_watched(&site, &["build"], &[("DEPLOY_TOKEN", "ci-token-7b1e0c5d")]);
    run.failure();
    assert_eq!(
        regex_free_pid(&run.stderr),
        "rolebook.toml: error: cannot read rolebook.toml: this is a link to /proc/[PID]/environ, a file of the running system; it is never read\n  = help: run rolebook in a site folder, or create one with `rolebook init`\n\nerror: 1 error; nothing was written\n"
    );
}

fn support_copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    crate::support::copy_tree(from, to);
}
