//! `rolebook serve`: build, serve from memory, watch, rebuild, reload.
//!
//! Owns the dev server loop: the first build, the HTTP server (`front`,
//! which bounds connections, and `http`), the
//! watcher and its change classifier (`watch`), the shared state requests
//! answer from (`state`) and the live-reload script and events
//! (`livereload`). It does not build anything itself: an edit to the text
//! of existing pages is applied to the kept build by [`site::live`], and
//! anything else is a [`site::build`] in memory; either is swapped in only
//! when it succeeds, and the search index after an update is made by
//! `indexer`. Builds run on a rebuild thread of their own, under a guard
//! that turns a panic into a build error (`guard`); a change that arrives
//! during a full build cuts it short. Nothing is written to disk, so stopping with Ctrl-C (the default SIGINT exit) can
//! never leave a half-written output folder.
//!
//! The site is served under the path of its `base_url`, as it will be
//! published: with `base_url = "https://x.org/handbook/"` it is at
//! `http://BIND:PORT/handbook/`, and `/` redirects there. serve builds with
//! `base_url` overridden to that local address, so links and permalinks
//! work locally; the path is read from the config before each full build,
//! so an edited `base_url` moves the site.

mod front;
mod guard;
mod http;
mod indexer;
pub mod livereload;
mod state;
pub mod watch;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use crate::cli::Printer;
use crate::error::Diagnostics;
use crate::site::cancel::Cancel;
use crate::site::changes::ChangeSet;
use crate::site::live::{Live, Update};
use crate::site::{self, BuildOptions, Built, Project};
use livereload::Changed;
use state::State;
use watch::SiteWatcher;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub port: u16,
    pub bind: String,
    pub open: bool,
    pub drafts: bool,
    pub poll: bool,
}

/// Stack of the rebuild thread and of the build's worker threads: deep
/// enough that the build's own depth limits (nested data, includes,
/// shortcodes) stop a runaway input long before the stack would.
const BUILD_STACK: usize = 64 * 1024 * 1024;
/// Builds cut short in a row before one is let run to its end.
const MAX_CUT_SHORT: u32 = 3;

pub fn run(project: &Project, opts: ServeOptions, printer: Printer) -> Result<(), Diagnostics> {
    let root = std::fs::canonicalize(&project.root)
        .map_err(|e| Diagnostics::from(crate::error::io_error(&project.root, &e)))?;
    let project = Project::new(root.clone());
    if !project.config_path().is_file() {
        // Not a site folder: fail with the message a build gives.
        site::load_config(&project, &BuildOptions::default())?;
    }
    let (listener, addr) = http::bind(&opts.bind, opts.port)?;
    let url = local_url(addr);
    let mut watcher = SiteWatcher::new(&root, opts.poll)?;
    let limits = front::Limits::from_environment();
    let state = Arc::new(State::new(
        http::MAX_STREAMS.min(limits.max_connections / 2),
    ));
    guard::install_panic_hook();
    // Fails only when a pool already exists, whose threads then serve.
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(BUILD_STACK)
        .thread_name(|i| format!("{}{i}", guard::WORKER_THREAD_PREFIX))
        .build_global();
    let base = BuildOptions {
        drafts: opts.drafts,
        base_url: Some(url.clone()),
        ..BuildOptions::serve()
    };
    let mut session = Session::new(project, base, url, state.clone(), printer);
    // Where the site will be: the server's root plus the base path.
    session.follow_base_path();
    let url = session.site_url();
    let output_dir = session.output_dir.clone();
    let rebuilds = Rebuilds::start(session)?;
    let first = rebuilds.first.recv().ok().flatten();
    http::spawn(listener, state, addr.ip().is_loopback(), limits).map_err(|e| {
        Diagnostics::from(crate::error::Diagnostic::error(
            crate::error::Kind::Io,
            format!("cannot start the HTTP server: {e}"),
        ))
    })?;
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
    loop {
        let dir = output_dir
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let Some(changes) = watcher.next_batch(&dir) else {
            break;
        };
        if !rebuilds.send(changes) {
            return Err(Diagnostics::from(crate::error::Diagnostic::error(
                crate::error::Kind::Io,
                "the rebuild thread stopped unexpectedly; restart `rolebook serve`",
            )));
        }
    }
    Ok(())
}

/// The rebuild thread and how to reach it: change sets go in, and the
/// build they interrupt is cut short.
struct Rebuilds {
    changes: Sender<ChangeSet>,
    /// The cancellation value of the build running now.
    running: Arc<Mutex<Cancel>>,
    /// The outcome of the first build.
    first: Receiver<Option<(String, usize, u128)>>,
}

impl Rebuilds {
    fn start(mut session: Session) -> Result<Rebuilds, Diagnostics> {
        let (changes, queue) = channel::<ChangeSet>();
        let (first_tx, first) = channel();
        let running = Arc::new(Mutex::new(Cancel::default()));
        let shared = running.clone();
        std::thread::Builder::new()
            .name(guard::REBUILD_THREAD.into())
            .stack_size(BUILD_STACK)
            .spawn(move || {
                let outcome = session.rebuild(None, Cancel::default());
                let _ = first_tx.send(match outcome {
                    Outcome::Done(done) => done,
                    Outcome::Cancelled => None,
                });
                rebuild_loop(&mut session, &queue, &shared);
            })
            .map_err(|e| {
                Diagnostics::from(crate::error::Diagnostic::error(
                    crate::error::Kind::Io,
                    format!("cannot start the rebuild thread: {e}"),
                ))
            })?;
        Ok(Rebuilds {
            changes,
            running,
            first,
        })
    }

    /// Queues `changes` and cuts short the build running now, which the
    /// rebuild thread then starts again with every change since the last
    /// good build. False when the rebuild thread has stopped.
    fn send(&self, changes: ChangeSet) -> bool {
        let sent = self.changes.send(changes).is_ok();
        self.running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .request();
        sent
    }
}

/// Takes change sets until the watcher stops; a burst that arrives while
/// a build runs is merged with the change set of that build, which is
/// cut short and started again.
fn rebuild_loop(session: &mut Session, queue: &Receiver<ChangeSet>, running: &Mutex<Cancel>) {
    let mut unfinished: Option<ChangeSet> = None;
    let mut cut_short = 0;
    loop {
        let mut changes = match unfinished.take() {
            Some(changes) => changes,
            None => match queue.recv() {
                Ok(changes) => changes,
                Err(_) => return,
            },
        };
        // Edits that never stop (a tool writing a file every moment) would
        // cut every build short: after a few, one runs to its end.
        let cancel = if cut_short < MAX_CUT_SHORT {
            Cancel::new()
        } else {
            Cancel::default()
        };
        *running.lock().unwrap_or_else(PoisonError::into_inner) = cancel.clone();
        while let Ok(more) = queue.try_recv() {
            changes.merge(more);
        }
        if let Outcome::Cancelled = session.rebuild(Some(&changes), cancel) {
            session.printer.info(&format!(
                "Cut short the rebuild after {}: a newer change came in",
                changes.describe()
            ));
            unfinished = Some(changes);
            cut_short += 1;
        } else {
            cut_short = 0;
        }
    }
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
    /// The output folder relative to the root, never watched; read by
    /// the watcher on its own thread.
    output_dir: Arc<Mutex<PathBuf>>,
    warnings: Diagnostics,
    /// The last good build, updated in place when only page text changes.
    live: Option<Live>,
    /// Changes a failed update has not applied yet.
    pending: ChangeSet,
    /// Makes the search index after an update, off the rebuild loop.
    indexer: indexer::Indexer,
    /// `http://127.0.0.1:1111/`: the server's root URL.
    server_root: String,
    /// The path of the config's base_url, which the site is served under.
    base_path: String,
}

impl Session {
    fn new(
        project: Project,
        base: BuildOptions,
        server_root: String,
        state: Arc<State>,
        printer: Printer,
    ) -> Self {
        Session {
            project,
            base,
            state: state.clone(),
            printer,
            generation: 0,
            output_dir: Arc::new(Mutex::new(PathBuf::from("public"))),
            warnings: Diagnostics::new(),
            live: None,
            pending: ChangeSet::default(),
            indexer: indexer::Indexer::start(state.clone()),
            server_root,
            base_path: "/".into(),
        }
    }

    /// The site's address on this server: the root plus the base path.
    fn site_url(&self) -> String {
        format!(
            "{}{}",
            self.server_root.trim_end_matches('/'),
            self.base_path
        )
    }

    /// Reads the base path from the config and builds for it. A config that
    /// does not load keeps the last path: the build reports the error.
    fn follow_base_path(&mut self) {
        if let Ok(config) = site::load_config(&self.project, &BuildOptions::default()) {
            self.base_path = config.base_path();
        }
        self.base.base_url = Some(self.site_url());
    }

    /// Builds the site and swaps the result in; tells the browsers. A
    /// panic anywhere in the rebuild is caught and shown like a build
    /// error; the last good site stays served.
    fn rebuild(&mut self, changes: Option<&ChangeSet>, cancel: Cancel) -> Outcome {
        let start = Instant::now();
        self.base.cancel = cancel;
        self.state.building.store(true, Ordering::Relaxed);
        let result = guard::catch(|| {
            guard::test_panic(changes);
            self.rebuild_inner(changes, start)
        });
        self.state.building.store(false, Ordering::Relaxed);
        match result {
            Ok(outcome) => outcome,
            Err(panic) => {
                self.panicked(&panic, changes);
                Outcome::Done(None)
            }
        }
    }

    /// The rebuild itself; [`Session::rebuild`] marks it as running.
    fn rebuild_inner(&mut self, changes: Option<&ChangeSet>, start: Instant) -> Outcome {
        if let Some(changes) = changes
            && !changes.rescan
            && self.update(changes, start)
        {
            return Outcome::Done(None);
        }
        let generation = self.generation + 1;
        self.follow_base_path();
        let result = site::build(&self.project, &self.base);
        if result.is_err() && self.base.cancel.requested() {
            // The next build starts from the files as they are then.
            self.live = None;
            self.pending = ChangeSet::default();
            return Outcome::Cancelled;
        }
        self.pending = ChangeSet::default();
        let built = match result {
            Ok(built) => built,
            Err(diags) => {
                // Later updates must start from a build of the files as they are.
                self.live = None;
                self.failed(&diags, changes, start);
                return Outcome::Done(None);
            }
        };
        let Built {
            config,
            output,
            warnings,
            stats,
            site,
            notes,
            ..
        } = built;
        if self.generation == 0 {
            self.printer.notes(&notes);
        }
        self.live = Some(Live::new(site, &warnings));
        *self
            .output_dir
            .lock()
            .unwrap_or_else(PoisonError::into_inner) =
            relative_output_dir(&self.project, &self.project.output_dir(&config));
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
        self.state
            .publish_success(output, &self.base_path, generation, event);
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
        Outcome::Done(Some((config.title, stats.pages, stats.millis)))
    }

    /// Applies changes that only edit the text of pages to the last good
    /// build; false when they need a full build.
    fn update(&mut self, changes: &ChangeSet, start: Instant) -> bool {
        let Some(live) = &mut self.live else {
            return false;
        };
        let mut all = std::mem::take(&mut self.pending);
        all.merge(changes.clone());
        let patch = match live.update(&all) {
            Update::Full => return false,
            Update::Failed(diags) => {
                self.pending = all;
                self.failed(&diags, Some(changes), start);
                return true;
            }
            Update::Done(patch) => patch,
        };
        self.pending = ChangeSet::default();
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

    /// A rebuild panicked: nothing it made is kept (serve writes nothing to
    /// disk, and the output is swapped in only at the end), and what it may
    /// have left half done, the kept build and the Markdown cache, is
    /// dropped so the next change makes a full build.
    fn panicked(&mut self, panic: &guard::Panic, changes: Option<&ChangeSet>) {
        // An update may have been published before the panic.
        self.generation = self.generation.max(self.state.snapshot().generation);
        self.live = None;
        self.pending = ChangeSet::default();
        self.base.cache = Some(Arc::new(crate::site::cache::RenderCache::new()));
        self.warnings = Diagnostics::new();
        let message = panic.describe(changes.map(ChangeSet::describe));
        eprintln!("{message}\n");
        eprintln!(
            "Build failed{}: rolebook stopped unexpectedly; {}",
            changes
                .map(|c| format!(" after {}", c.describe()))
                .unwrap_or_default(),
            if self.generation == 0 {
                "fix it and the site appears"
            } else {
                "still serving the last good build"
            }
        );
        self.state.publish_failure(message);
    }
}

/// How a rebuild ended.
enum Outcome {
    /// Finished, well or not: the title, page count and time of a
    /// successful full build.
    Done(Option<(String, usize, u128)>),
    /// Cut short by a newer change.
    Cancelled,
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
