//! What the server answers from: the last good output, its generation, the
//! current build error, and the log of live-reload events.
//!
//! The rebuild thread swaps a new `Arc<Output>` in when a build is complete
//! (with its event, under the same lock);
//! request threads clone the `Arc` under a short lock and answer from it, so
//! no request ever waits for a build. Event-stream threads sleep on a condvar
//! and wake when an event is published.

use std::collections::{BTreeSet, VecDeque};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rayon::prelude::*;

use super::livereload::{self, Changed};
use crate::output::Output;

/// Events kept for clients that reconnect (a tab shown again).
const LOG_LEN: usize = 64;
/// More changed paths than this are sent as `"all"`.
const MAX_LISTED: usize = 500;

#[derive(Debug)]
pub struct State {
    inner: Mutex<Inner>,
    wake: Condvar,
    /// Live-reload streams kept open at once; see [`State::stream_opened`].
    max_streams: usize,
    /// True while a rebuild runs; shown by the status endpoint.
    pub building: AtomicBool,
}

#[derive(Debug)]
struct Inner {
    output: Arc<Output>,
    /// The path the site is served under (`/`, `/handbook/`): its base_url's.
    base_path: Arc<str>,
    /// Bumped by every successful build; 0 until the first one.
    generation: u64,
    error: Option<Arc<str>>,
    /// Bumped by every published event.
    seq: u64,
    log: VecDeque<Entry>,
    /// Open live-reload streams, oldest first.
    streams: VecDeque<u64>,
    next_stream: u64,
    /// Streams told to close to make room for newer ones.
    evicted: BTreeSet<u64>,
}

#[derive(Debug, Clone)]
struct Entry {
    seq: u64,
    /// The generation a successful build produced; `None` for a failure.
    generation: Option<u64>,
    text: Arc<str>,
}

/// A consistent view for one request.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub output: Arc<Output>,
    pub base_path: Arc<str>,
    pub generation: u64,
    pub error: Option<Arc<str>>,
}

impl Default for State {
    fn default() -> Self {
        State::new(64)
    }
}

impl State {
    /// A state that keeps at most `max_streams` live-reload streams open.
    pub fn new(max_streams: usize) -> Self {
        State {
            inner: Mutex::new(Inner {
                output: Arc::new(Output::new()),
                base_path: Arc::from("/"),
                generation: 0,
                error: None,
                seq: 0,
                log: VecDeque::new(),
                streams: VecDeque::new(),
                next_stream: 0,
                evicted: BTreeSet::new(),
            }),
            wake: Condvar::new(),
            max_streams: max_streams.max(1),
            building: AtomicBool::new(false),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn snapshot(&self) -> Snapshot {
        let inner = self.lock();
        Snapshot {
            output: inner.output.clone(),
            base_path: inner.base_path.clone(),
            generation: inner.generation,
            error: inner.error.clone(),
        }
    }

    /// Swaps in the output of build `generation`, served under `base_path`,
    /// clears the error and tells every browser what changed, all in one
    /// step: a request or stream sees either the old state or the new one,
    /// never a mix.
    pub fn publish_success(&self, output: Output, base_path: &str, generation: u64, event: String) {
        let mut inner = self.lock();
        inner.output = Arc::new(output);
        if *inner.base_path != *base_path {
            inner.base_path = Arc::from(base_path);
        }
        inner.generation = generation;
        inner.error = None;
        push(&mut inner, Some(generation), event);
        drop(inner);
        self.wake.notify_all();
    }

    /// Makes build `generation` from the current output and `files` (the
    /// outputs an update rendered again), and tells every browser which of
    /// them changed. Under the lock, so a search index being swapped in at
    /// the same time is not lost. Returns the output paths that changed.
    pub fn publish_patch(
        &self,
        files: Vec<(String, Arc<Vec<u8>>)>,
        generation: u64,
        css_only: bool,
    ) -> Vec<String> {
        let mut inner = self.lock();
        let mut output = inner.output.share();
        let mut changed = Vec::new();
        for (path, bytes) in files {
            if inner.output.get(&path) != Some(bytes.as_slice()) {
                changed.push(path.clone());
                output.put(path, bytes);
            }
        }
        let event = if css_only {
            livereload::css_event(generation)
        } else {
            livereload::reload_event(generation, &urls_of(&changed))
        };
        inner.output = Arc::new(output);
        inner.generation = generation;
        inner.error = None;
        push(&mut inner, Some(generation), event);
        drop(inner);
        self.wake.notify_all();
        changed
    }

    /// Swaps in the search index made for build `generation`, unless a
    /// later build is being served. The index shows on no page: no event.
    pub fn publish_search(&self, files: Vec<(String, Vec<u8>)>, generation: u64) -> bool {
        let mut inner = self.lock();
        if inner.generation != generation {
            return false;
        }
        let fresh: std::collections::BTreeSet<&str> =
            files.iter().map(|(p, _)| p.as_str()).collect();
        let mut output = inner.output.share();
        let stale: Vec<String> = inner
            .output
            .paths()
            .filter(|p| p.starts_with("search/") && !fresh.contains(p.as_str()))
            .cloned()
            .collect();
        for path in &stale {
            output.remove(path);
        }
        for (path, bytes) in files {
            if inner.output.get(&path) != Some(bytes.as_slice()) {
                output.put(path, Arc::new(bytes));
            }
        }
        inner.output = Arc::new(output);
        true
    }

    pub fn publish_failure(&self, message: String) {
        let mut inner = self.lock();
        push(&mut inner, None, livereload::failed_event(&message));
        inner.error = Some(message.into());
        drop(inner);
        self.wake.notify_all();
    }

    /// What a client that last saw build `since` needs now, and the
    /// sequence number to follow from.
    pub fn greeting(&self, since: Option<u64>) -> (String, u64) {
        let inner = self.lock();
        let mut text = String::new();
        let since = since.unwrap_or(inner.generation);
        if since != inner.generation {
            let missed: Vec<&Entry> = inner
                .log
                .iter()
                .filter(|e| e.generation.is_some_and(|g| g > since))
                .collect();
            let complete = missed.first().and_then(|e| e.generation) == Some(since + 1)
                && since < inner.generation;
            if complete {
                missed.iter().for_each(|e| text.push_str(&e.text));
            } else {
                text.push_str(&livereload::reload_event(inner.generation, &Changed::All));
            }
        }
        if let Some(error) = &inner.error {
            text.push_str(&livereload::failed_event(error));
        }
        (text, inner.seq)
    }

    /// Waits up to `timeout` for events after `seq` for stream `stream`.
    /// Returns their text (empty on timeout) and the new sequence number;
    /// `None` when the stream was told to close to make room.
    pub fn wait_events(&self, seq: u64, timeout: Duration, stream: u64) -> Option<(String, u64)> {
        let inner = self.lock();
        let (inner, _) = self
            .wake
            .wait_timeout_while(inner, timeout, |i| {
                i.seq == seq && !i.evicted.contains(&stream)
            })
            .unwrap_or_else(PoisonError::into_inner);
        if inner.evicted.contains(&stream) {
            return None;
        }
        let oldest = inner.log.front().map_or(inner.seq + 1, |e| e.seq);
        let text = if oldest > seq + 1 {
            // Fell behind the log: start over.
            livereload::reload_event(inner.generation, &Changed::All)
        } else {
            inner
                .log
                .iter()
                .filter(|e| e.seq > seq)
                .map(|e| &*e.text)
                .collect()
        };
        Some((text, inner.seq))
    }

    /// Registers a live-reload stream and returns its id. When more than
    /// the limit are open, the oldest is told to close: its page's
    /// EventSource reconnects a second later with the id of the last event
    /// it saw and is sent what it missed, so no page stays without live
    /// reload and none misses a build.
    pub fn stream_opened(&self) -> u64 {
        let mut inner = self.lock();
        let id = inner.next_stream;
        inner.next_stream += 1;
        inner.streams.push_back(id);
        let mut evicted = false;
        while inner.streams.len() > self.max_streams {
            if let Some(oldest) = inner.streams.pop_front() {
                inner.evicted.insert(oldest);
                evicted = true;
            }
        }
        drop(inner);
        if evicted {
            self.wake.notify_all();
        }
        id
    }

    pub fn stream_closed(&self, stream: u64) {
        let mut inner = self.lock();
        inner.streams.retain(|s| *s != stream);
        inner.evicted.remove(&stream);
    }

    /// Open live-reload streams.
    pub fn open_streams(&self) -> usize {
        self.lock().streams.len()
    }
}

fn push(inner: &mut Inner, generation: Option<u64>, text: String) {
    inner.seq += 1;
    let seq = inner.seq;
    inner.log.push_back(Entry {
        seq,
        generation,
        text: text.into(),
    });
    if inner.log.len() > LOG_LEN {
        inner.log.pop_front();
    }
}

/// The URL paths whose bytes differ between two outputs. Files that share
/// their bytes (an output made from the previous one) are not compared.
pub fn changed_paths(old: &Output, new: &Output) -> Changed {
    let files: Vec<(&String, &[u8])> = new.iter().collect();
    let mut changed: Vec<&String> = files
        .par_iter()
        .filter(|(path, bytes)| match old.get(path) {
            None => true,
            Some(before) => !std::ptr::eq(before, *bytes) && before != *bytes,
        })
        .map(|(path, _)| *path)
        .collect();
    changed.extend(old.paths().filter(|p| !new.contains(p)));
    urls_of(changed)
}

/// The URL paths of changed output files; `All` past [`MAX_LISTED`], or
/// when a file that pages load changed (a stylesheet, script, image or
/// font): any page may show it.
pub fn urls_of<S: AsRef<str>>(paths: impl IntoIterator<Item = S>) -> Changed {
    let mut urls = Vec::new();
    for path in paths {
        let path = path.as_ref();
        if loaded_by_pages(path) {
            return Changed::All;
        }
        urls.push(url_of(path));
    }
    if urls.len() > MAX_LISTED {
        return Changed::All;
    }
    urls.sort();
    urls.dedup();
    Changed::Paths(urls)
}

/// Whether an output file is one that pages load rather than a page, a
/// feed or the search index, which nothing shows but itself.
fn loaded_by_pages(path: &str) -> bool {
    let own = [".html", ".xml", ".txt", ".json"];
    !own.iter().any(|ext| path.ends_with(ext)) && !path.starts_with("search/")
}

/// `roles/po/index.html` -> `/roles/po/`; `404.html` -> `/404.html`.
pub fn url_of(output_path: &str) -> String {
    match output_path.strip_suffix("index.html") {
        Some(dir) if dir.is_empty() || dir.ends_with('/') => format!("/{dir}"),
        _ => format!("/{output_path}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(files: &[(&str, &str)]) -> Output {
        let mut o = Output::new();
        for (p, b) in files {
            o.insert(*p, *b);
        }
        o
    }

    #[test]
    fn changed_paths_compare_bytes() {
        let old = output(&[
            ("index.html", "<p>home</p></body>"),
            ("a/index.html", "<p>a</p></body>"),
            ("gone/index.html", "x"),
            ("css/x.css", "a{}"),
        ]);
        let new = output(&[
            ("index.html", "<p>home</p></body>"),
            ("a/index.html", "<p>A</p></body>"),
            ("b/index.html", "<p>b</p></body>"),
            ("css/x.css", "a{}"),
        ]);
        assert_eq!(
            changed_paths(&old, &new),
            Changed::Paths(vec!["/a/".into(), "/b/".into(), "/gone/".into()])
        );
    }

    #[test]
    fn url_of_output_paths() {
        assert_eq!(url_of("index.html"), "/");
        assert_eq!(url_of("roles/po/index.html"), "/roles/po/");
        assert_eq!(url_of("404.html"), "/404.html");
        assert_eq!(url_of("myindex.html"), "/myindex.html");
    }

    #[test]
    fn greeting_replays_what_a_client_missed() {
        let state = State::default();
        for g in 1..=3 {
            state.publish_success(
                Output::new(),
                "/",
                g,
                format!("event: reload\ndata: {g}\n\n"),
            );
        }
        let (text, seq) = state.greeting(Some(1));
        assert_eq!(text, "event: reload\ndata: 2\n\nevent: reload\ndata: 3\n\n");
        assert_eq!(seq, 3);
        assert_eq!(state.greeting(Some(3)).0, "");
        assert!(
            state.greeting(Some(9)).0.contains("\"all\""),
            "a restarted server reloads everyone"
        );
        state.publish_failure("content/a.md:2: error: bad".into());
        assert!(state.greeting(Some(3)).0.starts_with("event: failed"));
        let stream = state.stream_opened();
        let (text, _) = state
            .wait_events(3, Duration::from_millis(1), stream)
            .expect("not evicted");
        assert!(text.starts_with("event: failed"), "{text}");
    }

    #[test]
    fn a_full_stream_pool_closes_its_oldest_stream() {
        let state = State::new(2);
        let first = state.stream_opened();
        let second = state.stream_opened();
        assert!(state.wait_events(0, Duration::ZERO, first).is_some());
        let third = state.stream_opened();
        assert_eq!(state.wait_events(0, Duration::from_secs(5), first), None);
        assert!(state.wait_events(0, Duration::ZERO, second).is_some());
        assert!(state.wait_events(0, Duration::ZERO, third).is_some());
        assert_eq!(state.open_streams(), 2);
        state.stream_closed(first);
        state.stream_closed(second);
        assert_eq!(state.open_streams(), 1);
    }
}
