//! `rolebook serve`: build, serve from memory, watch, rebuild, reload.
//!
//! Owns the dev server loop: the first build, the HTTP server (`http`), the
//! watcher and its change classifier (`watch`), the shared state requests
//! answer from (`state`) and the live-reload script and events
//! (`livereload`). It does not build anything itself: an edit to the text
//! of existing pages is applied to the kept build by [`site::live`], and
//! anything else is a [`site::build`] in memory; either is swapped in only
//! when it succeeds, and the search index after an update is made by
//! `indexer`. Nothing is written to disk, so stopping with Ctrl-C (the default SIGINT exit) can
//! never leave a half-written output folder.
//!
//! The site is served at the root of `http://BIND:PORT/` whatever the path
//! of its `base_url`: serve builds with `base_url` overridden to that
//! address, as Zola does, so links work locally.

mod http;
mod indexer;
pub mod livereload;
mod state;
pub mod watch;

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use crate::cli::Printer;
use crate::error::Diagnostics;
use crate::site::live::{Live, Update};
use crate::site::{self, BuildOptions, Built, Project};
use livereload::Changed;
use state::State;
use watch::{ChangeSet, SiteWatcher};

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub port: u16,
    pub bind: String,
    pub open: bool,
    pub drafts: bool,
    pub poll: bool,
}

pub fn run(project: &Project, opts: ServeOptions, printer: Printer) -> Result<(), Diagnostics> {
    let root = std::fs::canonicalize(&project.root)
        .map_err(|e| Diagnostics::from(crate::error::io_error(&project.root, &e)))?;
    let project = Project::new(root.clone());
    if !project.config_path().is_file() {
        // Not a site folder: fail with the message a build gives.
        site::load_config(&project, &BuildOptions::default())?;
    }
    let (server, addr) = http::bind(&opts.bind, opts.port)?;
    let url = local_url(addr);
    let mut watcher = SiteWatcher::new(&root, opts.poll)?;
    let state = Arc::new(State::default());
    let base = BuildOptions {
        drafts: opts.drafts,
        base_url: Some(url.clone()),
        live_reload: true,
        relative_links: None,
        target: crate::site::Target::Memory,
        // Markdown of unchanged pages is reused from one rebuild to the next.
        cache: Some(Arc::new(crate::site::cache::RenderCache::new())),
        review_warnings: false,
    };
    let mut session = Session::new(project, base, state.clone(), printer);
    let first = session.rebuild(None);
    http::spawn(server, state, addr.ip().is_loopback());
    match first {
        Some((title, pages, millis)) => printer.info(&format!(
            "Serving {title} at {url} (built {pages} pages in {millis} ms). Press Ctrl-C to stop."
        )),
        None => printer.info(&format!(
            "Serving at {url}: the site did not build; the errors are shown above and in the browser. Press Ctrl-C to stop."
        )),
    }
    if !addr.ip().is_loopback() {
        printer.info(&format!(
            "Listening on {addr}: other machines on your network can see the site."
        ));
    }
    if opts.open {
        open_browser(&url);
    }
    while let Some(changes) = watcher.next_batch(&session.output_dir) {
        session.rebuild(Some(&changes));
    }
    Ok(())
}

/// The address to show and to build links with: a wildcard bind is
/// reached through loopback from this machine.
fn local_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}/", SocketAddr::new(ip, addr.port()))
}

/// The rebuild loop's memory: the last good generation and what was
/// last printed.
struct Session {
    project: Project,
    base: BuildOptions,
    state: Arc<State>,
    printer: Printer,
    generation: u64,
    /// The output folder relative to the root, never watched.
    output_dir: PathBuf,
    warnings: Diagnostics,
    /// The last good build, updated in place when only page text changes.
    live: Option<Live>,
    /// Changed files a failed update has not applied yet.
    pending: BTreeSet<PathBuf>,
    /// Makes the search index after an update, off the rebuild loop.
    indexer: indexer::Indexer,
}

impl Session {
    fn new(project: Project, base: BuildOptions, state: Arc<State>, printer: Printer) -> Self {
        Session {
            project,
            base,
            state: state.clone(),
            printer,
            generation: 0,
            output_dir: PathBuf::from("public"),
            warnings: Diagnostics::new(),
            live: None,
            pending: BTreeSet::new(),
            indexer: indexer::Indexer::start(state.clone()),
        }
    }

    /// Builds the site and swaps the result in; tells the browsers. Returns
    /// the title, page count and time of a successful build.
    fn rebuild(&mut self, changes: Option<&ChangeSet>) -> Option<(String, usize, u128)> {
        self.state.building.store(true, Ordering::Relaxed);
        let result = self.rebuild_inner(changes);
        self.state.building.store(false, Ordering::Relaxed);
        result
    }

    /// The rebuild itself; [`Session::rebuild`] marks it as running.
    fn rebuild_inner(&mut self, changes: Option<&ChangeSet>) -> Option<(String, usize, u128)> {
        let start = Instant::now();
        if let Some(changes) = changes
            && !changes.rescan
            && self.update(changes, start)
        {
            return None;
        }
        self.pending.clear();
        let generation = self.generation + 1;
        let built = match site::build(&self.project, &self.base) {
            Ok(built) => built,
            Err(diags) => {
                // Later updates must start from a build of the files as they are.
                self.live = None;
                self.failed(&diags, changes, start);
                return None;
            }
        };
        let Built {
            config,
            output,
            warnings,
            stats,
            live,
            notes,
            ..
        } = built;
        if self.generation == 0 {
            self.printer.notes(&notes);
        }
        self.live = live;
        self.output_dir = relative_output_dir(&self.project, &self.project.output_dir(&config));
        let css_only = changes.is_some_and(ChangeSet::is_css_only);
        let changed = if self.generation == 0 {
            Changed::All
        } else {
            let old = self.state.snapshot().output;
            state::changed_paths(&old, &output)
        };
        let event = if css_only {
            livereload::css_event(generation)
        } else {
            livereload::reload_event(generation, &changed)
        };
        self.state.publish_success(output, generation, event);
        self.generation = generation;
        if warnings != self.warnings {
            self.printer.diagnostics(&warnings);
            self.warnings = warnings;
        }
        if let Some(changes) = changes {
            let effect = match (&changed, css_only) {
                (_, true) => "stylesheets swapped".to_string(),
                (Changed::All, _) => "many files changed, every page reloads".to_string(),
                (Changed::Paths(p), _) if p.is_empty() => "the output did not change".to_string(),
                (Changed::Paths(p), _) => format!(
                    "{} file{} changed",
                    p.len(),
                    if p.len() == 1 { "" } else { "s" }
                ),
            };
            self.printer.info(&format!(
                "Rebuilt the site ({} pages) after {} in {} ms; {effect}",
                stats.pages + stats.sections,
                changes.describe(),
                start.elapsed().as_millis()
            ));
        }
        Some((config.title, stats.pages, stats.millis))
    }

    /// Applies changes that only edit the text of pages to the last good
    /// build; false when they need a full build.
    fn update(&mut self, changes: &ChangeSet, start: Instant) -> bool {
        let Some(live) = &mut self.live else {
            return false;
        };
        let mut paths: BTreeSet<PathBuf> = changes.changes.keys().cloned().collect();
        paths.extend(self.pending.iter().cloned());
        let paths: Vec<PathBuf> = paths.into_iter().collect();
        let patch = match live.update(&paths) {
            Update::Full => return false,
            Update::Failed(diags) => {
                self.pending.extend(paths);
                self.failed(&diags, Some(changes), start);
                return true;
            }
            Update::Done(patch) => patch,
        };
        self.pending.clear();
        let rendered = patch.files.len();
        let generation = self.generation + 1;
        let css_only = changes.is_css_only();
        let changed = self.state.publish_patch(patch.files, generation, css_only);
        self.generation = generation;
        let millis = start.elapsed().as_millis();
        self.indexer.send(generation, live.search_docs());
        if patch.warnings != self.warnings {
            self.printer.diagnostics(&patch.warnings);
            self.warnings = patch.warnings;
        }
        let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        let effect = if css_only {
            "stylesheets swapped".to_string()
        } else {
            format!("{} changed", plural(changed.len(), "file"))
        };
        self.printer.info(&format!(
            "Rebuilt {} after {} in {millis} ms: {} {}, {effect}",
            patch.what,
            changes.describe(),
            plural(rendered, "file"),
            patch.verb,
        ));
        true
    }

    fn failed(&mut self, diags: &Diagnostics, changes: Option<&ChangeSet>, start: Instant) {
        for d in diags.iter() {
            eprintln!("{}\n", d.render(self.printer.color));
        }
        let errors = diags.errors().count();
        let after = changes
            .map(|c| format!(" after {}", c.describe()))
            .unwrap_or_default();
        eprintln!(
            "Build failed{after} in {} ms: {errors} error{}; {}",
            start.elapsed().as_millis(),
            if errors == 1 { "" } else { "s" },
            if self.generation == 0 {
                "fix it and the site appears"
            } else {
                "still serving the last good build"
            }
        );
        self.warnings = Diagnostics::new();
        self.state.publish_failure(diags.render(false));
    }
}

/// `output_dir` as a path under the root without `.` parts, for the
/// watcher to skip.
fn relative_output_dir(project: &Project, dir: &Path) -> PathBuf {
    let rel = dir.strip_prefix(&project.root).unwrap_or(dir);
    rel.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

/// Best effort: the site is served either way.
fn open_browser(url: &str) {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    command
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    match command.spawn() {
        Ok(mut child) => {
            // Reap it, so no zombie is left behind.
            std::thread::spawn(move || child.wait());
        }
        Err(e) => eprintln!("cannot open a browser ({e}); open {url} yourself"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_binds_are_shown_as_loopback() {
        let any: SocketAddr = "0.0.0.0:1111".parse().unwrap();
        assert_eq!(local_url(any), "http://127.0.0.1:1111/");
        let v6: SocketAddr = "[::]:8000".parse().unwrap();
        assert_eq!(local_url(v6), "http://[::1]:8000/");
        let lan: SocketAddr = "192.168.1.4:1111".parse().unwrap();
        assert_eq!(local_url(lan), "http://192.168.1.4:1111/");
    }

    #[test]
    fn output_dir_is_made_relative() {
        let p = Project::new("/site");
        assert_eq!(
            relative_output_dir(&p, Path::new("/site/./public")),
            PathBuf::from("public")
        );
        assert_eq!(
            relative_output_dir(&p, Path::new("/elsewhere/out")),
            PathBuf::from("/elsewhere/out")
        );
    }
}
