//! `rolebook serve`: the real binary on a free port of 127.0.0.1, a copy of
//! `tests/fixtures/serve-basic` edited while it runs, and a small HTTP
//! client over `TcpStream`. Every wait is bounded (poll every 50 ms, give up
//! after [`LIMIT`]); every server is killed when its test ends.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::{Site, collect, page};

const LIMIT: Duration = Duration::from_secs(20);

/// A running `rolebook serve`, killed on drop.
pub(crate) struct Served {
    child: Child,
    port: u16,
    site: Site,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Served {
    pub(crate) fn start(site: Site) -> Served {
        Served::start_with(site, &[])
    }

    fn start_with(site: Site, args: &[&str]) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rolebook"))
            .args(["serve", "--port", "0"])
            .args(args)
            .current_dir(site.path())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start rolebook serve");
        let stdout = collect(child.stdout.take().expect("stdout"));
        let stderr = collect(child.stderr.take().expect("stderr"));
        let mut served = Served {
            child,
            port: 0,
            site,
            stdout,
            stderr,
        };
        served.port = served.wait("the start line", || {
            let out = served.stdout();
            let line = out.lines().find(|l| l.starts_with("Serving"))?;
            let rest = line.split("http://127.0.0.1:").nth(1)?;
            rest.split('/').next()?.parse().ok()
        });
        served
    }

    fn stdout(&self) -> String {
        self.stdout.lock().expect("lock").clone()
    }

    fn stderr(&self) -> String {
        self.stderr.lock().expect("lock").clone()
    }

    pub(crate) fn get(&self, target: &str) -> Reply {
        request(self.port, "GET", target)
    }

    /// Polls `check` every 50 ms until it gives a value; fails after [`LIMIT`].
    #[track_caller]
    fn wait<T>(&self, what: &str, mut check: impl FnMut() -> Option<T>) -> T {
        let start = Instant::now();
        loop {
            if let Some(v) = check() {
                return v;
            }
            if start.elapsed() > LIMIT {
                panic!(
                    "gave up waiting for {what} after {LIMIT:?}\nstdout:\n{}\nstderr:\n{}",
                    self.stdout(),
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until GET `target` answers `status` with a body containing `needle`.
    #[track_caller]
    pub(crate) fn wait_for(&self, target: &str, status: u16, needle: &str) -> Reply {
        self.wait(
            &format!("{target} to answer {status} with {needle:?}"),
            || {
                let reply = self.get(target);
                (reply.status == status && reply.text().contains(needle)).then_some(reply)
            },
        )
    }

    fn status(&self) -> serde_json::Value {
        let reply = self.get("/__rolebook/status");
        assert_eq!(reply.status, 200);
        serde_json::from_slice(&reply.body).expect("status JSON")
    }

    fn generation(&self) -> u64 {
        self.status()["generation"].as_u64().expect("generation")
    }

    fn rebuilt_lines(&self) -> Vec<String> {
        self.stdout()
            .lines()
            .filter(|l| l.starts_with("Rebuilt"))
            .map(str::to_string)
            .collect()
    }

    /// Waits for the first `Rebuilt ...` line and returns it.
    #[track_caller]
    fn first_rebuilt_line(&self) -> String {
        self.wait("the rebuild message", || {
            self.rebuilt_lines().into_iter().next()
        })
    }

    pub(crate) fn write(&self, rel: &str, text: &str) {
        self.site.write(rel, text);
    }

    fn remove(&self, rel: &str) {
        std::fs::remove_file(self.site.path().join(rel)).expect("remove");
    }

    fn rename(&self, from: &str, to: &str) {
        std::fs::rename(self.site.path().join(from), self.site.path().join(to)).expect("rename");
    }

    /// Opens the live-reload stream.
    fn events(&self, since: u64) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .expect("timeout");
        write!(
            stream,
            "GET /__rolebook/events?since={since} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        )
        .expect("send");
        Events {
            stream,
            seen: String::new(),
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Events {
    stream: TcpStream,
    seen: String,
}

impl Events {
    /// Reads until the next event named `name`, skipping others, and
    /// returns its data.
    #[track_caller]
    fn next(&mut self, name: &str) -> String {
        let start = Instant::now();
        let mut buf = [0u8; 4096];
        loop {
            while let Some(end) = self.seen.find("\n\n") {
                let block: String = self.seen.drain(..end + 2).collect();
                let mut lines = block.lines();
                if lines.next() == Some(&format!("event: {name}")) {
                    return lines
                        .next()
                        .unwrap_or_default()
                        .trim_start_matches("data: ")
                        .to_string();
                }
            }
            assert!(
                start.elapsed() < LIMIT,
                "no {name:?} event on the stream; left:\n{}",
                self.seen
            );
            match self.stream.read(&mut buf) {
                Ok(0) => panic!("event stream closed; left:\n{}", self.seen),
                Ok(n) => self.seen.push_str(&String::from_utf8_lossy(&buf[..n])),
                Err(_) => {} // read timeout: try again
            }
        }
    }

    /// Reads until the stream's headers and first line are in.
    #[track_caller]
    fn opened(&mut self) {
        let start = Instant::now();
        let mut buf = [0u8; 4096];
        while !self.seen.contains("retry: 1000\n\n") {
            assert!(
                start.elapsed() < LIMIT,
                "event stream did not open: {}",
                self.seen
            );
            match self.stream.read(&mut buf) {
                Ok(0) => panic!("event stream closed: {}", self.seen),
                Ok(n) => self.seen.push_str(&String::from_utf8_lossy(&buf[..n])),
                Err(_) => {}
            }
        }
        assert!(
            self.seen.starts_with("HTTP/1.1 200 OK\r\n"),
            "{}",
            self.seen
        );
        assert!(
            self.seen.contains("Content-Type: text/event-stream\r\n"),
            "{}",
            self.seen
        );
    }
}

pub(crate) struct Reply {
    pub(crate) status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One request on a fresh connection, `target` sent exactly as given.
fn request(port: u16, method: &str, target: &str) -> Reply {
    request_to(port, "127.0.0.1", method, target)
}

/// A request naming `host` in its `Host` header.
fn request_to(port: u16, host: &str, method: &str, target: &str) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "{method} {target} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read reply");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

#[test]
fn serves_pages_with_the_live_reload_script() {
    let s = Served::start(Site::fixture("serve-basic"));
    assert!(
        s.stdout()
            .contains("Serving Serve test at http://127.0.0.1:"),
        "{}",
        s.stdout()
    );
    let home = s.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(home.header("Cache-Control"), Some("no-store"));
    let html = home.text();
    assert!(html.contains("Welcome to the serve test"), "{html}");
    assert!(
        html.contains("/__rolebook/events"),
        "live reload script missing"
    );
    assert!(
        html.contains(&format!("href=\"http://127.0.0.1:{}/\"", s.port)),
        "permalinks name the local server, not example.org: {html}"
    );
    assert!(html.contains("href=\"/guide/\""), "{html}");
    assert!(
        s.get("/guide/")
            .text()
            .contains("The first version of the guide.")
    );
}

#[test]
fn build_output_has_no_live_reload_script() {
    let site = Site::fixture("serve-basic");
    site.build().success();
    for page in [
        "public/index.html",
        "public/guide/index.html",
        "public/404.html",
    ] {
        let html = site.read(page);
        assert!(
            !html.contains("__rolebook"),
            "{page} has the live reload script"
        );
        assert!(
            !html.contains("EventSource"),
            "{page} has the live reload script"
        );
    }
}

#[test]
fn text_edit_updates_in_place_then_the_search_index_follows() {
    let s = Served::start(Site::fixture("serve-basic"));
    let generation = s.generation();
    let mut events = s.events(generation);
    events.opened();
    s.write(
        "content/guide.md",
        "+++\ntitle = \"Guide\"\nweight = 1\n+++\n\nThe zanzibarquux version of the guide.\n",
    );
    let reload = events.next("reload");
    assert!(reload.contains("\"/guide/\""), "{reload}");
    assert!(!reload.contains("\"/roles/po/\""), "{reload}");
    let page = s.get("/guide/");
    assert!(page.text().contains("The zanzibarquux version"));
    let line = s.first_rebuilt_line();
    assert!(
        line.starts_with("Rebuilt 1 edited page after 1 change (content/guide.md) in "),
        "{line}"
    );
    // The index is made after the reload event, with no event of its own.
    s.wait_for("/search/t-z.js", 200, "zanzibarquux");
    assert_eq!(s.generation(), generation + 1);
}

#[test]
fn edited_page_is_served_after_rebuild() {
    let s = Served::start(Site::fixture("serve-basic"));
    s.write(
        "content/guide.md",
        &page("Guide", "The second version of the guide."),
    );
    s.wait_for("/guide/", 200, "The second version of the guide.");
    let line = s.first_rebuilt_line();
    assert!(
        line.contains("after 1 change (content/guide.md) in "),
        "{line}"
    );
}

#[test]
fn created_page_is_served_and_deleted_page_is_404() {
    let s = Served::start(Site::fixture("serve-basic"));
    assert_eq!(s.get("/new/").status, 404);
    s.write("content/new.md", &page("New page", "Freshly written."));
    s.wait_for("/new/", 200, "Freshly written.");
    s.remove("content/new.md");
    let gone = s.wait_for("/new/", 404, "Page not found");
    assert_eq!(
        gone.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
}

#[test]
fn renamed_page_moves_to_its_new_url() {
    let s = Served::start(Site::fixture("serve-basic"));
    s.rename("content/roles/po.md", "content/roles/product-owner.md");
    s.wait_for("/roles/product-owner/", 200, "Owns the backlog.");
    assert_eq!(s.get("/roles/po/").status, 404);
}

#[test]
fn renamed_folder_keeps_being_watched() {
    let s = Served::start(Site::fixture("serve-basic"));
    s.rename("content/roles", "content/people");
    s.wait_for("/people/po/", 200, "Owns the backlog.");
    assert_eq!(s.get("/roles/po/").status, 404);
    s.write(
        "content/people/po.md",
        &page("Product owner", "Edited after the move."),
    );
    s.wait_for("/people/po/", 200, "Edited after the move.");
}

#[test]
fn replaced_content_folder_is_watched_again() {
    let s = Served::start(Site::fixture("serve-basic"));
    // As a branch switch or a sync tool might: a new folder in its place.
    s.rename("content", "content-old");
    crate::support::copy_tree(
        &s.site.path().join("content-old"),
        &s.site.path().join("content"),
    );
    // Wait for the rebuild that saw the swap, so the edit below can only be
    // seen through a watch on the new folder.
    s.wait("a rebuild after the swap", || {
        (!s.rebuilt_lines().is_empty() && s.status()["error"].is_null()).then_some(())
    });
    s.write(
        "content/guide.md",
        &page("Guide", "Written into the new folder."),
    );
    s.wait_for("/guide/", 200, "Written into the new folder.");
}

#[test]
fn editor_saves_with_swap_and_backup_files() {
    let s = Served::start(Site::fixture("serve-basic"));
    // What vim does on :w with backups on: probe file, backup by rename,
    // write the new file, drop the backup; a swap file stays open beside it.
    s.write("content/.guide.md.swp", "swap");
    s.write("content/4913", "");
    s.remove("content/4913");
    s.rename("content/guide.md", "content/guide.md~");
    s.write("content/guide.md", &page("Guide", "Saved by an editor."));
    s.remove("content/guide.md~");
    s.write("content/#guide.md#", "emacs autosave");
    s.wait_for("/guide/", 200, "Saved by an editor.");
    for line in s.rebuilt_lines() {
        assert!(
            !line.contains("swp")
                && !line.contains("4913")
                && !line.contains('~')
                && !line.contains('#'),
            "{line}"
        );
    }
    assert_eq!(s.status()["error"], serde_json::Value::Null);
}

#[test]
fn burst_of_changes_makes_one_rebuild() {
    let s = Served::start(Site::fixture("serve-basic"));
    for i in 0..20 {
        s.write(
            &format!("content/many/p{i:02}.md"),
            &page(&format!("Page {i}"), &format!("Body {i}.")),
        );
    }
    s.wait_for("/many/p19/", 200, "Body 19.");
    s.wait_for("/many/p00/", 200, "Body 0.");
    let lines = s.rebuilt_lines();
    // The writes take a millisecond or two; a loaded machine may pause the
    // test between two of them for longer than the quiet time, hence <= 2.
    // (Files written into a brand-new folder before its watch is set up are
    // not reported one by one; the rebuild reads them anyway.)
    assert!(!lines.is_empty() && lines.len() <= 2, "{lines:?}");
}

#[test]
fn new_folder_is_served_and_deleted_folder_disappears() {
    let s = Served::start(Site::fixture("serve-basic"));
    s.write("content/teams/_index.md", &page("Teams", "All the teams."));
    s.write(
        "content/teams/checkout/_index.md",
        &page("Checkout", "The checkout squad."),
    );
    s.write(
        "content/teams/checkout/charter.md",
        &page("Charter", "Why we exist."),
    );
    s.wait_for("/teams/checkout/charter/", 200, "Why we exist.");
    s.wait_for("/teams/", 200, "All the teams.");
    std::fs::remove_dir_all(s.site.path().join("content/teams")).expect("remove folder");
    s.wait_for("/teams/checkout/charter/", 404, "Page not found");
    assert_eq!(s.get("/teams/").status, 404);
}

#[test]
fn broken_front_matter_keeps_the_last_good_page_until_fixed() {
    let s = Served::start(Site::fixture("serve-basic"));
    let generation = s.generation();
    let mut events = s.events(generation);
    s.write("content/guide.md", "+++\ntitle = Guide\"\n+++\n\nBroken.\n");
    let error = s.wait("the error on the status endpoint", || {
        s.status()["error"].as_str().map(str::to_string)
    });
    assert!(error.contains("content/guide.md:2:"), "{error}");
    let failed = events.next("failed");
    assert!(failed.contains("content/guide.md:2:"), "{failed}");
    assert_eq!(
        s.generation(),
        generation,
        "a failed build is not swapped in"
    );
    let old = s.get("/guide/");
    assert_eq!(old.status, 200);
    assert!(old.text().contains("The first version of the guide."));

    // A page loaded now gets the error on connect too.
    let mut late = s.events(generation);
    late.next("failed");

    s.write("content/guide.md", &page("Guide", "Fixed again."));
    s.wait_for("/guide/", 200, "Fixed again.");
    assert_eq!(s.status()["error"], serde_json::Value::Null);
    events.next("reload");
    assert!(s.stderr().contains("content/guide.md:2:"), "{}", s.stderr());
}

#[test]
fn link_to_a_deleted_page_becomes_an_error() {
    let s = Served::start(Site::fixture("serve-basic"));
    s.remove("content/guide.md");
    let error = s.wait("the broken link error", || {
        s.status()["error"].as_str().map(str::to_string)
    });
    assert!(error.contains("content/_index.md"), "{error}");
    assert!(error.contains("guide.md"), "{error}");
    s.write("content/guide.md", &page("Guide", "Back again."));
    s.wait_for("/guide/", 200, "Back again.");
    assert_eq!(s.status()["error"], serde_json::Value::Null);
}

#[test]
fn event_stream_names_the_changed_pages() {
    let s = Served::start(Site::fixture("serve-basic"));
    let generation = s.generation();
    let mut events = s.events(generation);
    events.opened();
    s.write(
        "content/roles/po.md",
        &page("Product owner", "Owns the backlog and the roadmap."),
    );
    let reload = events.next("reload");
    assert!(reload.contains("\"/roles/po/\""), "{reload}");
    assert!(
        reload.contains(&format!("\"generation\":{}", generation + 1)),
        "{reload}"
    );

    // A tab that was hidden comes back with the generation it last saw and
    // is told what it missed.
    let mut missed = s.events(generation);
    let replay = missed.next("reload");
    assert!(replay.contains("\"/roles/po/\""), "{replay}");
}

#[test]
fn stylesheet_change_swaps_css_without_reload() {
    let s = Served::start(Site::fixture("serve-basic"));
    let mut events = s.events(s.generation());
    s.write("static/css/custom.css", "body { color: #111; }\n");
    events.next("css");
    s.wait_for("/css/custom.css", 200, "#111");
    let line = s.first_rebuilt_line();
    assert!(line.contains("stylesheets swapped"), "{line}");
}

#[test]
fn markdown_under_templates_in_a_root_content_folder_is_served_as_a_page_edit() {
    // With `content_dir = "."`, `templates/user-story.md` is a page: the
    // watcher says so once, and the update applies it as a page edit.
    let s = Served::start(Site::fixture("github-root"));
    s.write(
        "templates/user-story.md",
        "# User story template\n\nAs a {{ role }}, I want it served at once.\n",
    );
    s.wait_for("/templates/user-story/", 200, "served at once");
    let line = s.first_rebuilt_line();
    assert!(
        line.starts_with("Rebuilt 1 edited page after 1 change (templates/user-story.md)"),
        "{line}"
    );
}

#[test]
fn traversal_attempts_are_refused() {
    let s = Served::start(Site::fixture("serve-basic"));
    let attempts = [
        "/../SECRET.txt",
        "/../rolebook.toml",
        "/%2e%2e/SECRET.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2fSECRET.txt",
        "/..%2f..%2fetc/passwd",
        "/css/..%2f..%2fSECRET.txt",
        "/%5c..%5cSECRET.txt",
        "/..\\SECRET.txt",
        "/%252e%252e/SECRET.txt",
        "/%00",
        "/index.html%00.txt",
        "//etc/passwd",
        "/C:/Windows/win.ini",
        "/C:%5cWindows%5cwin.ini",
        "/etc/passwd",
        "/SECRET.txt",
        "/rolebook.toml",
        "/content/guide.md",
        "/static/css/custom.css",
        "/./SECRET.txt",
        "/%",
        "/%zz",
    ];
    for target in attempts {
        let reply = s.get(target);
        let body = reply.text();
        assert!(
            reply.status == 400 || reply.status == 404,
            "{target}: status {}",
            reply.status
        );
        assert!(
            !body.contains("Not part of the site"),
            "{target} served SECRET.txt"
        );
        assert!(!body.contains("base_url"), "{target} served rolebook.toml");
        assert!(!body.contains("root:"), "{target} served /etc/passwd");
        assert!(
            !body.contains("The first version of the guide"),
            "{target} served a source file"
        );
    }
}

#[test]
fn head_content_types_redirects_and_404() {
    let s = Served::start(Site::fixture("serve-basic"));
    let head = request(s.port, "HEAD", "/guide/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty(), "HEAD has a body");
    let length: usize = head
        .header("Content-Length")
        .and_then(|v| v.parse().ok())
        .expect("length");
    assert_eq!(length, s.get("/guide/").body.len());

    for (target, kind) in [
        ("/css/custom.css", "text/css; charset=utf-8"),
        ("/img/dot.svg", "image/svg+xml"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/404.html", "text/html; charset=utf-8"),
    ] {
        let reply = s.get(target);
        assert_eq!(reply.status, 200, "{target}");
        assert_eq!(reply.header("Content-Type"), Some(kind), "{target}");
    }

    let moved = s.get("/roles?tab=1");
    assert_eq!(moved.status, 301);
    assert_eq!(moved.header("Location"), Some("/roles/?tab=1"));

    let missing = s.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.text().contains("Page not found"),
        "the site's 404 page"
    );

    assert_eq!(request(s.port, "POST", "/").status, 405);
}

#[test]
fn other_host_names_are_refused_on_loopback() {
    let s = Served::start(Site::fixture("serve-basic"));
    assert_eq!(request_to(s.port, "localhost", "GET", "/").status, 200);
    let rebound = request_to(s.port, "attacker.example", "GET", "/guide/");
    assert_eq!(rebound.status, 403);
    assert!(!rebound.text().contains("The first version of the guide"));
}

#[test]
fn page_requests_do_not_wait_for_open_event_streams() {
    let s = Served::start(Site::fixture("serve-basic"));
    let generation = s.generation();
    // More streams than the server has workers, as from a dozen open tabs.
    let streams: Vec<Events> = (0..12)
        .map(|_| {
            let mut e = s.events(generation);
            e.opened();
            e
        })
        .collect();
    // A page load: the HTML and its assets on parallel connections at once.
    let targets = [
        "/",
        "/guide/",
        "/roles/",
        "/css/custom.css",
        "/img/dot.svg",
        "/roles/po/",
    ];
    let start = Instant::now();
    std::thread::scope(|scope| {
        let port = s.port;
        let loads: Vec<_> = targets
            .iter()
            .map(|t| scope.spawn(move || request(port, "GET", t).status))
            .collect();
        for load in loads {
            assert_eq!(load.join().expect("request thread"), 200);
        }
    });
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "pages waited on streams"
    );
    drop(streams);
}

#[test]
fn output_folder_and_hidden_files_never_trigger_a_rebuild() {
    let s = Served::start(Site::fixture("serve-basic"));
    s.write("public/index.html", "written by someone else");
    s.write("content/.notes.md", "hidden");
    s.write("notes.txt", "not part of the site");
    s.write("content/guide.md", &page("Guide", "Only this counts."));
    s.wait_for("/guide/", 200, "Only this counts.");
    let lines = s.rebuilt_lines();
    assert!(
        lines
            .iter()
            .all(|l| l.contains("after 1 change (content/guide.md)")),
        "{lines:?}"
    );
}

#[test]
fn config_saved_by_rename_rebuilds() {
    let s = Served::start(Site::fixture("serve-basic"));
    s.write(
        "rolebook.toml.tmp",
        "title = \"Renamed site\"\nbase_url = \"https://example.org/\"\n",
    );
    s.rename("rolebook.toml.tmp", "rolebook.toml");
    s.wait_for("/", 200, "<title>Renamed site</title>");
}

#[test]
fn poll_watcher_sees_changes() {
    let s = Served::start_with(Site::fixture("serve-basic"), &["--poll"]);
    s.write("content/guide.md", &page("Guide", "Seen by polling."));
    s.wait_for("/guide/", 200, "Seen by polling.");
}

#[test]
fn failed_first_build_serves_the_error_until_fixed() {
    let site = Site::fixture("serve-basic");
    site.write("content/guide.md", "+++\ntitle = \n+++\n");
    let s = Served::start(site);
    assert!(
        s.stdout().contains("the site did not build"),
        "{}",
        s.stdout()
    );
    let reply = s.get("/guide/");
    assert_eq!(reply.status, 500);
    assert!(
        reply.text().contains("content/guide.md:2"),
        "{}",
        reply.text()
    );
    assert!(
        reply.text().contains("/__rolebook/events"),
        "the error page reloads when fixed"
    );
    s.write("content/guide.md", &page("Guide", "Now it builds."));
    s.wait_for("/guide/", 200, "Now it builds.");
}

#[test]
fn port_in_use_is_a_clear_error() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let site = Site::fixture("serve-basic");
    let run = site.run(&["serve", "--port", &port]);
    run.failure();
    run.stderr_has(&format!("cannot serve on 127.0.0.1:{port}"));
    run.stderr_has("already in use");
    run.stderr_has("--port");
}

#[test]
fn requests_are_answered_while_a_rebuild_runs() {
    // Enough pages, with code to highlight, that a full build of a debug
    // binary takes a while: the config edit below makes one.
    let site = Site::fixture("serve-basic");
    let code =
        "```rust\nfn main() { let x = vec![1, 2, 3]; println!(\"{x:?}\"); }\n```\n".repeat(8);
    for i in 0..1500 {
        site.write(
            &format!("content/many/p{i}.md"),
            page(&format!("Page {i}"), &format!("Text {i}.\n\n{code}")),
        );
    }
    let s = Served::start(site);
    let before = s.get("/many/p7/");
    assert_eq!(before.status, 200);
    let rebuilt = s.rebuilt_lines().len();
    let config = std::fs::read_to_string(s.site.path().join("rolebook.toml")).expect("config");
    s.write("rolebook.toml", &format!("{config}\n# edited\n"));
    s.wait("the rebuild to start", || {
        s.status()["building"]
            .as_bool()
            .unwrap_or(false)
            .then_some(())
    });
    // A page asked for mid-build is answered from the last good build; the
    // status asked for after it proves the build was still running.
    let mut answered_during = 0;
    while s.status()["building"].as_bool() == Some(true) && answered_during < 5 {
        let reply = s.get("/many/p7/");
        assert_eq!(reply.status, 200);
        assert_eq!(reply.body, before.body, "the old page, whole");
        if s.status()["building"].as_bool() == Some(true) {
            answered_during += 1;
        }
    }
    assert!(
        answered_during >= 5,
        "only {answered_during} requests were answered during the rebuild"
    );
    s.wait("the rebuild to end", || {
        (s.rebuilt_lines().len() > rebuilt).then_some(())
    });
    assert_eq!(s.status()["building"], false);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_and_leaves_nothing_behind() {
    use std::os::unix::process::ExitStatusExt;

    let mut s = Served::start(Site::fixture("serve-basic"));
    assert_eq!(s.get("/").status, 200);
    let sent = Command::new("kill")
        .args(["-INT", &s.child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(sent.success());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = s.child.try_wait().expect("wait") {
            break status;
        }
        assert!(start.elapsed() < LIMIT, "serve did not stop on SIGINT");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        status.signal() == Some(2) || matches!(status.code(), Some(0 | 130)),
        "{status:?}"
    );
    assert!(
        TcpStream::connect(("127.0.0.1", s.port)).is_err(),
        "the port is closed"
    );
    assert!(
        !s.site.path().join("public").exists(),
        "serve writes no output folder"
    );
}

#[test]
fn a_new_title_shows_in_every_sidebar_without_a_full_build() {
    let s = Served::start(Site::fixture("serve-basic"));
    s.write(
        "content/roles/po.md",
        "+++\ntitle = \"The Product Owner\"\n+++\n\nWhat a PO does.\n",
    );
    // The guide's sidebar lists the page by its new title.
    s.wait_for("/guide/", 200, ">The Product Owner</a>");
    s.wait_for(
        "/roles/po/",
        200,
        "<h1 class=\"article-title\">The Product Owner</h1>",
    );
    let line = s.first_rebuilt_line();
    assert!(line.starts_with("Rebuilt 1 edited page after"), "{line}");
}

#[test]
fn an_image_change_reloads_every_page() {
    let s = Served::start(Site::fixture("serve-basic"));
    let mut events = s.events(s.generation());
    events.opened();
    s.write(
        "static/img/dot.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><g/></svg>",
    );
    let data = events.next("reload");
    assert!(data.contains("\"changed\":\"all\""), "{data}");
    s.wait_for("/img/dot.svg", 200, "<g/>");
    let line = s.first_rebuilt_line();
    assert!(
        line.starts_with("Rebuilt 1 static file after") && line.contains(": 1 file copied, "),
        "{line}"
    );
}

#[cfg(unix)]
#[test]
fn a_page_replaced_by_a_link_out_of_the_site_is_not_served() {
    let s = Served::start(Site::fixture("serve-basic"));
    s.wait_for("/roles/po/", 200, "<h1");
    let outside = tempfile::tempdir().expect("temp dir");
    let secret = outside.path().join("po.md");
    std::fs::write(&secret, "# Secret\n\ndeploy-key-0451\n").expect("write");
    let page = s.site.path().join("content/roles/po.md");
    let moved = s.site.path().join("po.md.old");
    std::fs::rename(&page, &moved).expect("move the page away");
    std::os::unix::fs::symlink(&secret, &page).expect("link");
    let reply = s.wait("the rebuild without the page", || {
        let reply = s.get("/roles/po/");
        (reply.status == 404).then_some(reply)
    });
    assert!(!reply.text().contains("deploy-key-0451"));
    s.wait("the warning", || {
        s.stderr()
            .contains("content/roles/po.md: warning: this is a link to ")
            .then_some(())
    });
    assert!(
        s.stderr()
            .contains("outside the site folder; it is left out")
    );
}

/// The highest resident memory of process `pid` so far, in KiB.
fn peak_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

#[test]
fn a_huge_static_file_is_served_from_disk_not_memory() {
    let site = Site::fixture("serve-basic");
    let size: u64 = 1_200 * 1024 * 1024;
    let video = std::fs::File::create(site.path().join("static/launch.mp4")).expect("create");
    // Sparse: no disk, and reads as zeros.
    video.set_len(size).expect("grow");
    drop(video);
    let s = Served::start(site);
    let mut stream = TcpStream::connect(("127.0.0.1", s.port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    stream
        .write_all(b"GET /launch.mp4 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .expect("send");
    // The head and the first megabyte, then the client goes away.
    let mut seen = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    let start = Instant::now();
    while seen.len() < (1 << 20) && start.elapsed() < LIMIT {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
            Err(_) => {}
        }
    }
    drop(stream);
    let head = String::from_utf8_lossy(&seen[..seen.len().min(512)]).into_owned();
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert!(
        head.contains(&format!("Content-Length: {size}\r\n")),
        "{head}"
    );
    assert!(seen.len() >= 1 << 20, "only {} bytes came", seen.len());
    // The site is served while the file is not in memory.
    assert_eq!(s.get("/").status, 200);
    let peak = peak_kib(s.child.id());
    assert!(peak > 0 && peak < 300 * 1024, "peak memory {peak} KiB");

    // A small file that grows big is then sent from disk, whole.
    let grown: u64 = 9 << 20;
    std::fs::OpenOptions::new()
        .write(true)
        .open(s.site.path().join("static/img/dot.svg"))
        .expect("open")
        .set_len(grown)
        .expect("grow");
    s.wait("the grown file", || {
        let reply = s.get("/img/dot.svg");
        (reply.body.len() as u64 == grown).then_some(())
    });
}

#[test]
fn content_dir_at_the_root_is_watched_and_tool_folders_are_not() {
    let site = Site::empty();
    site.write(
        "rolebook.toml",
        "title = \"Handbook\"\ncontent_dir = \".\"\n",
    );
    site.write("README.md", "# Handbook\n\nSee [careers](careers/).\n");
    site.write("careers/README.md", "# Careers\n\nThe first version.\n");
    site.write("node_modules/x/README.md", "# Not content\n");
    let s = Served::start(site);
    s.wait_for("/careers/", 200, "The first version.");
    assert_eq!(s.get("/node_modules/x/").status, 404);
    s.write("careers/README.md", "# Careers\n\nThe second version.\n");
    s.wait_for("/careers/", 200, "The second version.");
    // A new top-level folder is content too, and is watched from then on.
    s.write("guides/README.md", "# Guides\n\nNew folder.\n");
    s.wait_for("/guides/", 200, "New folder.");
    s.write(
        "guides/README.md",
        "# Guides\n\nEdited in the new folder.\n",
    );
    s.wait_for("/guides/", 200, "Edited in the new folder.");
    assert!(
        s.rebuilt_lines()
            .iter()
            .all(|l| !l.contains("node_modules") && !l.contains("public")),
        "{:?}",
        s.rebuilt_lines()
    );
}

#[test]
fn content_dir_docs_is_watched() {
    let site = Site::empty();
    site.write(
        "rolebook.toml",
        "title = \"Widget\"\ncontent_dir = \"docs\"\n",
    );
    site.write("README.md", "# Not part of the site\n");
    site.write("docs/README.md", "# Widget docs\n\nFirst words.\n");
    site.write("docs/guide/index.md", "# Guide\n\nThe guide.\n");
    let s = Served::start(site);
    s.wait_for("/", 200, "First words.");
    s.write("docs/guide/index.md", "# Guide\n\nThe guide, edited.\n");
    s.wait_for("/guide/", 200, "The guide, edited.");
    let line = s.first_rebuilt_line();
    assert!(line.contains("(docs/guide/index.md)"), "{line}");
    s.write("docs/guide/more.md", "# More\n\nA new page.\n");
    s.wait_for("/guide/more/", 200, "A new page.");
}

/// Every root-relative `href` and `src` of a page.
fn local_links(html: &str) -> Vec<String> {
    let mut links = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for part in html.split(attr).skip(1) {
            let value = part.split('"').next().unwrap_or_default();
            if value.starts_with('/') && !value.starts_with("//") {
                links.push(value.replace("&amp;", "&"));
            }
        }
    }
    links.sort();
    links.dedup();
    links
}

#[test]
fn serves_the_site_under_its_base_url_path() {
    let site = Site::fixture("serve-basic");
    site.write(
        "rolebook.toml",
        "title = \"Serve test\"\nbase_url = \"https://x.org/handbook/\"\nextra_css = [\"css/custom.css\"]\n",
    );
    // The home page's role cards link the role pages: give them pages.
    site.write(
        "content/roles/po.md",
        "+++\ntitle = \"Product owner\"\nroles = [\"po\", \"pm\"]\n+++\n\nOwns the backlog.\n",
    );
    let s = Served::start(site);
    let at = format!("http://127.0.0.1:{}/handbook/", s.port);
    assert!(s.stdout().contains(&format!(" at {at} ")), "{}", s.stdout());

    let root = s.get("/?from=bookmark");
    assert_eq!(root.status, 302);
    assert_eq!(root.header("Location"), Some("/handbook/?from=bookmark"));
    assert_eq!(s.get("/handbook").header("Location"), Some("/handbook/"));
    let moved = s.get("/handbook/roles");
    assert_eq!(moved.status, 301);
    assert_eq!(moved.header("Location"), Some("/handbook/roles/"));

    let home = s.get("/handbook/");
    assert_eq!(home.status, 200);
    let html = home.text();
    assert!(html.contains("Welcome to the serve test"), "{html}");
    assert!(
        html.contains(&format!("<link rel=\"canonical\" href=\"{at}\">")),
        "{html}"
    );
    assert!(html.contains("const base = \"/handbook/\";"), "{html}");
    // Every link of the home page and of the pages it links works here,
    // as it will when published.
    let mut seen = std::collections::BTreeSet::new();
    let mut queue = local_links(&html);
    while let Some(link) = queue.pop() {
        let target = link.split('#').next().unwrap_or_default().to_string();
        if !seen.insert(target.clone()) {
            continue;
        }
        assert!(
            target.starts_with("/handbook/"),
            "{target} is outside the site"
        );
        let reply = s.get(&target);
        assert_eq!(reply.status, 200, "{target}");
        if reply.header("Content-Type") == Some("text/html; charset=utf-8") {
            queue.extend(local_links(&reply.text()));
        }
    }
    for page in [
        "/handbook/guide/",
        "/handbook/roles/po/",
        "/handbook/css/custom.css",
    ] {
        assert!(seen.contains(page), "{page} not reached: {seen:?}");
    }

    // Outside the base path is the site's own 404 page, whose links work.
    for target in ["/guide/", "/handbookx/", "/handbook/no/such/page/"] {
        let missing = s.get(target);
        assert_eq!(missing.status, 404, "{target}");
        assert!(missing.text().contains("Page not found"), "{target}");
        assert!(
            missing.text().contains("href=\"/handbook/guide/\""),
            "{target}"
        );
    }
    assert_eq!(s.get("/handbook/../SECRET.txt").status, 400);

    // Live reload names pages by their path under the base.
    let mut events = s.events(s.generation());
    events.opened();
    s.write(
        "content/guide.md",
        &page("Guide", "The second version of the guide."),
    );
    let data = events.next("reload");
    assert!(data.contains("\"/guide/\""), "{data}");
    s.wait_for("/handbook/guide/", 200, "The second version of the guide.");

    // Another base_url moves the site.
    s.write(
        "rolebook.toml",
        "title = \"Serve test\"\nbase_url = \"https://x.org/docs/\"\n",
    );
    s.wait_for("/docs/guide/", 200, "The second version of the guide.");
    assert_eq!(s.get("/handbook/guide/").status, 404);
    assert_eq!(s.get("/").header("Location"), Some("/docs/"));
}
