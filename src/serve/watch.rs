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
//! folder, wherever it is configured: [`ChangeSet::add`] says which paths matter
//! and what kind of change each is.
//!
//! Events are debounced: after the first one, events are collected until
//! the folder has been quiet for [`QUIET`] (at most [`MAX_WAIT`]), and the
//! whole burst makes one [`ChangeSet`] and one rebuild.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::{EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};

use crate::content;
use crate::error::{Diagnostic, Kind};
use crate::site::changes::{ChangeKind, ChangeSet};

/// Quiet time that ends a burst of events. Editors save in a few system calls, microseconds apart: a short quiet
/// time is enough, and every millisecond of it is waited on each edit.
pub const QUIET: Duration = Duration::from_millis(20);
/// The longest a burst may delay a rebuild.
pub const MAX_WAIT: Duration = Duration::from_millis(500);
/// How often `--poll` looks at the files.
const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// Top-level folders a build reads besides the content folder.
const WATCHED_DIRS: [&str; 3] = ["templates", "themes", "static"];

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
            if let Some(kind) = set.add(rel, output_dir, &self.content) {
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
