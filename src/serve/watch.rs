//! Watching the site folder: which changes matter, and when a burst is over.
//!
//! Only what a build reads is watched: `rolebook.toml` and the content folder
//! (`content_dir`: pages, assets and data files), `templates`, `themes` and
//! `static` folders. When the content folder is the site folder itself, every
//! top-level folder but the hidden ones, `node_modules` and `target` is watched. The site root itself
//! is watched without recursion, so a folder created later or a config saved
//! by rename-and-replace is seen, while the output folder, `.git`, `target`
//! and `node_modules` never get a watch. Hidden, swap and backup files are
//! dropped ([`content::is_ignored`]), and so is anything under the output
//! folder, wherever it is configured.
//!
//! Events are debounced: after the first one, events are collected until
//! the folder has been quiet for [`QUIET`] (at most [`MAX_WAIT`]), and the
//! whole burst makes one [`ChangeSet`] and one rebuild.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::{EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};

use crate::content;
use crate::error::{Diagnostic, Kind};

/// Quiet time that ends a burst of events. Editors save in a few system calls, microseconds apart: a short quiet
/// time is enough, and every millisecond of it is waited on each edit.
pub const QUIET: Duration = Duration::from_millis(20);
/// The longest a burst may delay a rebuild.
pub const MAX_WAIT: Duration = Duration::from_millis(500);
/// How often `--poll` looks at the files.
const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// Top-level folders a build reads besides the content folder.
const WATCHED_DIRS: [&str; 3] = ["templates", "themes", "static"];

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

/// The content folder of the site at `root`, relative to it, as the
/// config says (`content` when it cannot be read: the build reports why).
fn content_of(root: &Path) -> PathBuf {
    let project = crate::site::Project::new(root);
    crate::site::load_config(&project, &crate::site::BuildOptions::default())
        .map(|c| c.content_display().to_path_buf())
        .unwrap_or_else(|_| PathBuf::from("content"))
}

/// A notify watcher on the parts of a site a build reads.
pub struct SiteWatcher {
    watcher: Box<dyn Watcher + Send>,
    events: Receiver<notify::Result<notify::Event>>,
    root: PathBuf,
    /// The content folder relative to `root` (empty: the root itself).
    content: PathBuf,
}

impl SiteWatcher {
    /// Watches the site at `root` (an absolute, canonical path) with native
    /// file events, or by polling when `poll` is set.
    pub fn new(root: &Path, poll: bool) -> Result<SiteWatcher, Diagnostic> {
        let (tx, events) = channel();
        let cannot = |e: notify::Error| {
            Diagnostic::error(Kind::Io, format!("cannot watch the site folder: {e}"))
                .in_file(root)
                .with_help("try `rolebook serve --poll`, which looks for changes instead of waiting for file events")
        };
        let watcher: Box<dyn Watcher + Send> = if poll {
            // notify's poller keeps modification times in whole seconds, so
            // a second save within the same second would go unseen; comparing
            // contents costs a read of every file per poll but never misses.
            let config = notify::Config::default()
                .with_poll_interval(POLL_INTERVAL)
                .with_compare_contents(true);
            Box::new(PollWatcher::new(tx, config).map_err(cannot)?)
        } else {
            Box::new(RecommendedWatcher::new(tx, notify::Config::default()).map_err(cannot)?)
        };
        let mut me = SiteWatcher {
            watcher,
            events,
            root: root.to_path_buf(),
            content: content_of(root),
        };
        me.watcher
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(cannot)?;
        for dir in WATCHED_DIRS {
            me.watch_dir(Path::new(dir));
        }
        me.watch_content();
        Ok(me)
    }

    /// Watches the content folder; at the site root, each top-level folder
    /// a build may read.
    fn watch_content(&mut self) {
        if !self.content.as_os_str().is_empty() {
            self.watch_dir(&self.content.clone());
            return;
        }
        let Ok(entries) = std::fs::read_dir(&self.root) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !content::is_ignored(&name)
                && !content::is_tool_folder(&name)
                && !WATCHED_DIRS.contains(&name.as_str())
            {
                self.watch_dir(Path::new(&name));
            }
        }
    }

    /// Whether the folder at `rel` (relative to the root) is one to watch
    /// when it appears.
    fn wants(&self, rel: &Path) -> bool {
        let top = rel.to_string_lossy();
        (rel.components().count() == 1
            && (WATCHED_DIRS.contains(&top.as_ref()) || self.content.as_os_str().is_empty()))
            || rel == self.content
    }

    /// (Re)watches a folder, e.g. after it was created or replaced.
    fn watch_dir(&mut self, name: &Path) {
        let dir = self.root.join(name);
        if dir.is_dir() {
            // A folder removed meanwhile is seen again when it comes back.
            let _ = self.watcher.watch(&dir, RecursiveMode::Recursive);
        }
    }

    /// Blocks until a change that matters, then collects the rest of the
    /// burst. `None` when the watcher has stopped.
    pub fn next_batch(&mut self, output_dir: &Path) -> Option<ChangeSet> {
        let mut set = ChangeSet::default();
        while set.is_empty() {
            let event = self.events.recv().ok()?;
            self.add(&mut set, event, output_dir);
        }
        let start = Instant::now();
        loop {
            let left = MAX_WAIT.saturating_sub(start.elapsed());
            if left.is_zero() {
                break;
            }
            match self.events.recv_timeout(QUIET.min(left)) {
                Ok(event) => self.add(&mut set, event, output_dir),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        Some(set)
    }

    fn add(
        &mut self,
        set: &mut ChangeSet,
        event: notify::Result<notify::Event>,
        output_dir: &Path,
    ) {
        let event = match event {
            Ok(event) => event,
            Err(_) => {
                set.rescan = true;
                return;
            }
        };
        if event.need_rescan() {
            set.rescan = true;
        }
        // Reads (including the build's own) are not changes.
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        for path in &event.paths {
            let Ok(rel) = path.strip_prefix(&self.root) else {
                continue;
            };
            if let Some(kind) = classify(rel, output_dir, &self.content) {
                set.changes.insert(rel.to_path_buf(), kind);
                if kind == ChangeKind::Config {
                    let content = content_of(&self.root);
                    if content != self.content {
                        self.content = content;
                        self.watch_content();
                    }
                } else if self.wants(rel) {
                    self.watch_dir(rel);
                }
            } else if self.wants(rel) && !rel.starts_with(output_dir) {
                // The content folder (e.g. `docs`) appeared.
                self.watch_dir(rel);
            }
        }
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
