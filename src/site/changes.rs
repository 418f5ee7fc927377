//! What changed in a site folder: each changed path with the part of the
//! site it belongs to ([`ChangeKind`]), as one [`ChangeSet`] per burst of
//! edits. The watcher (`serve::watch`) makes it and the in-place update
//! (`site::live`) reads the kinds as they are: one classification for the
//! whole program. It does not watch anything or read any file.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use crate::content;

/// What part of the site a changed file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    Config,
    /// A Markdown page or section, a folder of them, or a page's asset.
    Content,
    Data,
    Template,
    /// A theme's `theme.toml` or another theme file that is not a template or static.
    Theme,
    Static,
}

/// The changes of one burst, by path relative to the site root.
#[derive(Debug, Clone, Default)]
pub struct ChangeSet {
    pub changes: BTreeMap<PathBuf, ChangeKind>,
    /// The watcher lost events (queue overflow): everything may have changed.
    pub rescan: bool,
}

impl ChangeSet {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && !self.rescan
    }

    /// The changes of `paths` (relative to the site root), classified as
    /// the watcher does; `output_dir` and `content` as for [`classify`].
    pub fn of<P: AsRef<Path>>(
        paths: impl IntoIterator<Item = P>,
        output_dir: &Path,
        content: &Path,
    ) -> ChangeSet {
        let mut set = ChangeSet::default();
        for path in paths {
            set.add(path.as_ref(), output_dir, content);
        }
        set
    }

    /// Adds the change of `rel` with its kind, unless a build does not read
    /// it; returns the kind.
    pub fn add(&mut self, rel: &Path, output_dir: &Path, content: &Path) -> Option<ChangeKind> {
        let kind = classify(rel, output_dir, content)?;
        self.changes.insert(rel.to_path_buf(), kind);
        Some(kind)
    }

    /// Adds the changes of a later burst.
    pub fn merge(&mut self, later: ChangeSet) {
        self.changes.extend(later.changes);
        self.rescan |= later.rescan;
    }

    /// Only stylesheets under `static/` or a theme's `static/` changed:
    /// the browser can swap them without a reload.
    pub fn is_css_only(&self) -> bool {
        !self.rescan
            && !self.changes.is_empty()
            && self
                .changes
                .iter()
                .all(|(p, k)| *k == ChangeKind::Static && p.extension().is_some_and(|e| e == "css"))
    }

    /// `1 change (content/a.md)`, `3 changes (content/a.md, static/x.css and 1 more)`.
    pub fn describe(&self) -> String {
        if self.rescan {
            return "a rescan of the site folder".to_string();
        }
        let n = self.changes.len();
        let shown: Vec<String> = self
            .changes
            .keys()
            .take(2)
            .map(|p| content::rel_string(p))
            .collect();
        let mut list = shown.join(", ");
        if n > shown.len() {
            list.push_str(&format!(" and {} more", n - shown.len()));
        }
        format!("{n} change{} ({list})", if n == 1 { "" } else { "s" })
    }
}

/// The kind of the file at `rel` (relative to the site root), or `None` when
/// a build does not read it. `content` is the content folder relative to
/// the root (empty when it is the root).
pub fn classify(rel: &Path, output_dir: &Path, content: &Path) -> Option<ChangeKind> {
    if rel.starts_with(output_dir) || rel.as_os_str().is_empty() {
        return None;
    }
    let mut names = Vec::new();
    for component in rel.components() {
        let Component::Normal(name) = component else {
            return None;
        };
        let name = name.to_string_lossy();
        if content::is_ignored(&name) || content::is_tool_folder(&name) {
            return None;
        }
        names.push(name);
    }
    let last = &names[names.len() - 1];
    let is_data = || crate::data::is_data_file(last);
    let is_markdown = last.ends_with(".md") || last.ends_with(".markdown");
    let at_root = content.as_os_str().is_empty();
    let in_content = !at_root && rel.starts_with(content);
    match (names[0].as_ref(), names.len()) {
        (crate::config::FILE_NAME, 1) => Some(ChangeKind::Config),
        _ if in_content && is_data() => Some(ChangeKind::Data),
        _ if in_content => Some(ChangeKind::Content),
        ("templates", _) if at_root && is_markdown => Some(ChangeKind::Content),
        ("templates", _) => Some(ChangeKind::Template),
        ("static", _) => Some(ChangeKind::Static),
        ("themes", n) if n > 2 && names[2] == "templates" => Some(ChangeKind::Template),
        ("themes", n) if n > 2 && names[2] == "static" => Some(ChangeKind::Static),
        ("themes", _) => Some(ChangeKind::Theme),
        _ if at_root && is_data() => Some(ChangeKind::Data),
        _ if at_root => Some(ChangeKind::Content),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(p: &str) -> Option<ChangeKind> {
        classify(Path::new(p), Path::new("public"), Path::new("content"))
    }

    #[test]
    fn classifies_site_files() {
        assert_eq!(kind("rolebook.toml"), Some(ChangeKind::Config));
        assert_eq!(kind("content/roles/po.md"), Some(ChangeKind::Content));
        assert_eq!(kind("content/roles"), Some(ChangeKind::Content));
        assert_eq!(kind("content/team/backlog.toml"), Some(ChangeKind::Data));
        assert_eq!(kind("content/img/a.png"), Some(ChangeKind::Content));
        assert_eq!(kind("templates/page.html"), Some(ChangeKind::Template));
        assert_eq!(
            kind("themes/x/templates/base.html"),
            Some(ChangeKind::Template)
        );
        assert_eq!(kind("themes/x/static/css/a.css"), Some(ChangeKind::Static));
        assert_eq!(kind("themes/x/theme.toml"), Some(ChangeKind::Theme));
        assert_eq!(kind("static/css/a.css"), Some(ChangeKind::Static));
    }

    #[test]
    fn ignores_output_hidden_swap_and_other_files() {
        for p in [
            "public/index.html",
            "content/.a.md.swp",
            "content/a.md~",
            "content/4913",
            "content/.git/x",
            "content/#a.md#",
            ".git/index",
            "target/debug/x",
            "node_modules/x/y.js",
            "README.md",
            "data/x.toml",
            "content/drafts.tmp",
            "",
        ] {
            assert_eq!(kind(p), None, "{p}");
        }
        assert_eq!(
            classify(
                Path::new("content/out/a.html"),
                Path::new("content/out"),
                Path::new("content")
            ),
            None
        );
    }

    #[test]
    fn classifies_by_the_configured_content_folder() {
        let at = |p: &str, content: &str| {
            classify(Path::new(p), Path::new("public"), Path::new(content))
        };
        assert_eq!(
            at("docs/guide/README.md", "docs"),
            Some(ChangeKind::Content)
        );
        assert_eq!(at("docs/team/backlog.toml", "docs"), Some(ChangeKind::Data));
        assert_eq!(at("content/a.md", "docs"), None);
        assert_eq!(at("README.md", ""), Some(ChangeKind::Content));
        assert_eq!(at("careers/ladder.md", ""), Some(ChangeKind::Content));
        assert_eq!(at("templates/user-story.md", ""), Some(ChangeKind::Content));
        assert_eq!(at("templates/page.html", ""), Some(ChangeKind::Template));
        assert_eq!(at("static/a.css", ""), Some(ChangeKind::Static));
        assert_eq!(at("rolebook.toml", ""), Some(ChangeKind::Config));
        for ignored in [
            "public/index.html",
            "node_modules/x/README.md",
            "guide/node_modules/x.md",
            "target/doc/a.md",
            ".github/CONTRIBUTING.md",
        ] {
            assert_eq!(at(ignored, ""), None, "{ignored}");
        }
    }

    #[test]
    fn a_change_set_keeps_what_a_build_reads_with_its_kind() {
        let set = ChangeSet::of(
            [
                "content/a.md",
                "static/x.css",
                "public/index.html",
                "content/.a.md.swp",
            ],
            Path::new("public"),
            Path::new("content"),
        );
        let changes: Vec<(PathBuf, ChangeKind)> = set.changes.into_iter().collect();
        assert_eq!(
            changes,
            vec![
                ("content/a.md".into(), ChangeKind::Content),
                ("static/x.css".into(), ChangeKind::Static),
            ]
        );
    }

    #[test]
    fn css_only_and_description() {
        let mut set = ChangeSet::default();
        set.changes
            .insert("static/css/a.css".into(), ChangeKind::Static);
        assert!(set.is_css_only());
        assert_eq!(set.describe(), "1 change (static/css/a.css)");
        set.changes
            .insert("content/a.md".into(), ChangeKind::Content);
        set.changes
            .insert("content/b.md".into(), ChangeKind::Content);
        assert!(!set.is_css_only());
        assert_eq!(
            set.describe(),
            "3 changes (content/a.md, content/b.md and 1 more)"
        );
    }
}
