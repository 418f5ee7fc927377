//! `rolebook init`: a new site that builds at once with the built-in theme.
//!
//! Never overwrites: if any file it would write exists, it writes nothing.

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
description = "The team's backlog, drawn from content/guide/backlog.toml."
weight = 2
roles = "po"
+++

The list below is rendered from a data file at build time.

{{ backlog() }}
"#,
    ),
    (
        "content/guide/backlog.toml",
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

/// Writes the starter site into `dir`; returns how many files it wrote.
pub fn create(dir: &Path) -> Result<usize, Diagnostic> {
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
    Ok(FILES.len())
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
