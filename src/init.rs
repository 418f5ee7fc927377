//! `rolebook init`: a new site that builds at once with the built-in theme.
//!
//! Never overwrites: if any file it would write exists, it writes nothing.
//! In a folder that already holds Markdown (a repository's handbook), it
//! writes only `rolebook.toml`, with `content_dir` pointing at the Markdown.

use std::path::Path;

use crate::error::{Diagnostic, Kind};

const FILES: &[(&str, &str)] = &[
    (
        "rolebook.toml",
        r#"title = "Our product handbook"
description = "How we work: roles, rituals and the team's plans."
base_url = "https://example.org/"
theme = "handbook"
language = "en"

[markdown]
highlight_theme = "Coldark-Cold"
highlight_theme_dark = "Coldark-Dark"
"#,
    ),
    (
        "content/_index.md",
        r#"+++
title = "Welcome"
description = "Start here."
+++

This handbook is built with rolebook. Edit `content/_index.md` and the page
reloads by itself while `rolebook serve` runs.

- New here? Read [the guide](@/guide/_index.md).
- See what the team is working on in [the backlog](@/guide/backlog.md).
"#,
    ),
    (
        "content/guide/_index.md",
        r#"+++
title = "Guide"
description = "How this handbook is organised."
weight = 1
+++

Each folder with an `_index.md` is a section of the sidebar. Pages are
ordered by `weight`, then date, then title.
"#,
    ),
    (
        "content/guide/writing.md",
        r#"+++
title = "Writing pages"
description = "Front matter, links and alerts."
weight = 1
roles = "both"
tags = ["writing"]
+++

## Front matter

Every page starts with TOML between `+++` lines. `roles` says who the page
is for: `"po"`, `"pm"` or `"both"`.

## Links

Link to another page by its file: [the backlog page](@/guide/backlog.md).
A broken link stops the build and names the file and line.

> [!TIP]
> Run `rolebook check` before you push.
"#,
    ),
    (
        "content/guide/backlog.md",
        r#"+++
title = "Our backlog"
description = "The team's backlog, drawn from content/team/backlog.toml."
weight = 2
roles = "po"
+++

The list below is rendered at build time from a data file,
`content/team/backlog.toml`. To show your team's real backlog, export it from
Jira or Linear as CSV and run `rolebook import jira export.csv --force` (or
`import linear`): it replaces this sample and writes the sprints beside it.

{{ backlog() }}
"#,
    ),
    (
        "content/team/backlog.toml",
        r#"schema = "backlog"
team = "Our team"

[[item]]
id = "PB-1"
title = "Write the first page of the handbook"
kind = "story"
status = "in-progress"
rank = 1
points = 2
acceptance = ["The page builds", "A colleague has read it"]

[[item]]
id = "PB-2"
title = "Import the backlog from the tracker"
kind = "chore"
status = "backlog"
rank = 2
points = 3
"#,
    ),
];

/// What `create` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Created {
    /// The starter site: this many files.
    Site(usize),
    /// Only rolebook.toml, for the Markdown found in `content_dir`.
    ConfigFor { content_dir: String, pages: usize },
}

/// Writes the starter site into `dir`, or only a config when `dir` holds
/// Markdown already.
pub fn create(dir: &Path) -> Result<Created, Diagnostic> {
    if let Some((content_dir, pages)) = existing_markdown(dir) {
        let path = dir.join(crate::config::FILE_NAME);
        if path.exists() {
            return Err(Diagnostic::error(
                Kind::Io,
                "this file exists already; `init` writes nothing over existing files",
            )
            .in_file(path)
            .with_help("this folder is a rolebook site already: run `rolebook serve`"));
        }
        let title = dir
            .canonicalize()
            .ok()
            .and_then(|d| {
                d.file_name()
                    .map(|n| crate::content::humanize(&n.to_string_lossy()))
            })
            .unwrap_or_else(|| "Handbook".to_string());
        let text = format!(
            "title = {title:?}\n# The Markdown stays where it is; this folder is the site.\ncontent_dir = {content_dir:?}\n\n[links]\n# \"warn\" reports broken links without failing the build while they are fixed.\nbroken = \"error\"\n"
        );
        std::fs::write(&path, text).map_err(|e| crate::error::io_error(&path, &e))?;
        return Ok(Created::ConfigFor { content_dir, pages });
    }
    for (rel, _) in FILES {
        if let Some(link) = link_on_the_way(dir, rel) {
            let target = std::fs::read_link(&link)
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            return Err(Diagnostic::error(
                Kind::Io,
                format!(
                    "this is a symbolic link (to {target}); `init` does not write through links"
                ),
            )
            .in_file(link)
            .with_help("remove the link, or run `rolebook init NEW-FOLDER`"));
        }
        let path = dir.join(rel);
        if path.exists() {
            return Err(Diagnostic::error(
                Kind::Io,
                "this file exists already; `init` writes nothing over existing files",
            )
            .in_file(path)
            .with_help("run `rolebook init NEW-FOLDER`, or move the file away"));
        }
    }
    for (rel, text) in FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| crate::error::io_error(parent, &e))?;
        }
        // `create_new` fails on anything there, a link to nowhere included.
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
            .map_err(|e| crate::error::io_error(&path, &e))?;
    }
    Ok(Created::Site(FILES.len()))
}

/// Where the Markdown of `dir` is, and how many files: `content/` when it
/// holds some; `docs/` when it does and the rest of the folder has
/// Markdown only beside rolebook.toml (a code repository's README); else
/// the folder itself. `None` when there is none (a new site).
fn existing_markdown(dir: &Path) -> Option<(String, usize)> {
    let content = markdown_files(&dir.join("content"), 0);
    if content > 0 {
        return Some(("content".to_string(), content));
    }
    let docs = markdown_files(&dir.join("docs"), 0);
    // Markdown in folders other than docs/ (the root's own files aside).
    let elsewhere = markdown_files(dir, 2) - if dir.join("docs").is_dir() { docs } else { 0 };
    if docs > 0 && elsewhere == 0 {
        return Some(("docs".to_string(), docs));
    }
    let all = markdown_files(dir, 0);
    (all > 0).then(|| (".".to_string(), all))
}

/// How many Markdown files lie under `root` at depth `min_depth` or more,
/// hidden and tool folders (`node_modules`, `target`) left out.
fn markdown_files(root: &Path, min_depth: usize) -> usize {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0
                || !(crate::content::is_ignored(&name) || crate::content::is_tool_folder(&name))
        })
        .flatten()
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() >= min_depth
                && e.file_type().is_file()
                && (name.ends_with(".md") || name.ends_with(".markdown"))
        })
        .count()
}

/// The first symbolic link, dangling or not, among the paths `init` would
/// make or write for `rel` under `dir`.
fn link_on_the_way(dir: &Path, rel: &str) -> Option<std::path::PathBuf> {
    let mut path = dir.to_path_buf();
    for part in rel.split('/') {
        path.push(part);
        if path.is_symlink() {
            return Some(path);
        }
    }
    None
}
