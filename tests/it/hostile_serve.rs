//! `rolebook serve` under hostile load, one case per way it used to fail:
//! descriptors run out, slow and idle clients, a huge header, a panicking
//! rebuild, a slow rebuild overtaken by an edit, more live-reload clients
//! than the pool holds. Every client targets 127.0.0.1 only, every load
//! is bounded in count, every read has a timeout, and each case runs under
//! a watchdog that kills the server and fails the test after a bound.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::{Site, collect, page};

/// The longest one wait may take.
const LIMIT: Duration = Duration::from_secs(30);
/// The longest a whole case may take.
const WATCHDOG: Duration = Duration::from_secs(120);

/// A running `rolebook serve`, killed on drop.
struct Served {
    child: Arc<Mutex<Child>>,
    pid: u32,
    port: u16,
    site: Site,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

struct Start<'a> {
    env: &'a [(&'a str, &'a str)],
    /// Run under `ulimit -n` with this many descriptors (soft and hard).
    descriptors: Option<u32>,
    /// Run under `ulimit -S -n` with this many (the soft limit only).
    soft_descriptors: Option<u32>,
}

const PLAIN: Start<'static> = Start {
    env: &[],
    descriptors: None,
    soft_descriptors: None,
};

impl Served {
    fn start(site: Site, how: Start<'_>) -> Served {
        let bin = env!("CARGO_BIN_EXE_rolebook");
        let ulimit = match (how.descriptors, how.soft_descriptors) {
            (Some(n), _) => Some(format!("ulimit -n {n}")),
            (None, Some(n)) => Some(format!("ulimit -S -n {n}")),
            (None, None) => None,
        };
        let mut command = match ulimit {
            Some(ulimit) => {
                let mut c = Command::new("sh");
                c.args([
                    "-c",
                    &format!("{ulimit} && exec \"$0\" serve --port 0"),
                    bin,
                ]);
                c
            }
            None => {
                let mut c = Command::new(bin);
                c.args(["serve", "--port", "0"]);
                c
            }
        };
        command
            .current_dir(site.path())
            .env("NO_COLOR", "1")
            .env_remove("RUST_BACKTRACE")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in how.env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("start rolebook serve");
        let stdout = collect(child.stdout.take().expect("stdout"));
        let stderr = collect(child.stderr.take().expect("stderr"));
        let pid = child.id();
        let mut served = Served {
            child: Arc::new(Mutex::new(child)),
            pid,
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

    fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    fn stdout(&self) -> String {
        self.stdout.lock().expect("lock").clone()
    }

    fn stderr(&self) -> String {
        self.stderr.lock().expect("lock").clone()
    }

    fn kill(&self) {
        let mut child = self.child.lock().expect("lock");
        let _ = child.kill();
        let _ = child.wait();
    }

    fn alive(&self) -> bool {
        matches!(self.child.lock().expect("lock").try_wait(), Ok(None))
    }

    /// Polls `check` every 50 ms until it gives a value; fails after [`LIMIT`].
    #[track_caller]
    fn wait<T>(&self, what: &str, mut check: impl FnMut() -> Option<T>) -> T {
        let start = Instant::now();
        loop {
            if let Some(v) = check() {
                return v;
            }
            assert!(
                start.elapsed() < LIMIT,
                "gave up waiting for {what} after {LIMIT:?}\nstdout:\n{}\nstderr:\n{}",
                self.stdout(),
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn get(&self, target: &str) -> Reply {
        request(self.port, target).unwrap_or_else(|e| {
            panic!(
                "GET {target}: {e}\nstdout:\n{}\nstderr:\n{}",
                self.stdout(),
                self.stderr()
            )
        })
    }

    fn status(&self) -> serde_json::Value {
        let reply = self.get("/__rolebook/status");
        assert_eq!(reply.status, 200);
        serde_json::from_slice(&reply.body).expect("status JSON")
    }

    fn generation(&self) -> u64 {
        self.status()["generation"].as_u64().expect("generation")
    }

    #[track_caller]
    fn wait_for(&self, target: &str, status: u16, needle: &str) -> Reply {
        self.wait(
            &format!("{target} to answer {status} with {needle:?}"),
            || {
                let reply = request(self.port, target).ok()?;
                (reply.status == status && reply.text().contains(needle)).then_some(reply)
            },
        )
    }

    fn write(&self, rel: &str, text: &str) {
        self.site.write(rel, text);
    }

    /// The resident memory of the server, from /proc.
    fn rss_kib(&self) -> u64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid)).expect("proc status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS")
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Runs `case` on a thread; past [`WATCHDOG`] the server is killed (so
/// every blocked read ends) and the test fails.
fn watchdog<T: Send>(served: &Served, case: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        let handle = scope.spawn(case);
        let start = Instant::now();
        let mut fired = false;
        while !handle.is_finished() {
            if start.elapsed() > WATCHDOG {
                served.kill();
                fired = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let result = handle.join();
        assert!(
            !fired,
            "watchdog: the case did not end within {WATCHDOG:?}\nstdout:\n{}\nstderr:\n{}",
            served.stdout(),
            served.stderr()
        );
        result.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

struct Reply {
    status: u16,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One GET on a fresh connection.
fn request(port: u16, target: &str) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect_timeout(
        &SocketAddr::from(([127, 0, 0, 1], port)),
        Duration::from_secs(5),
    )?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    parse_reply(&raw).ok_or_else(|| std::io::Error::other(format!("not an HTTP reply: {raw:?}")))
}

fn parse_reply(raw: &[u8]) -> Option<Reply> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let status = head.lines().next()?.split(' ').nth(1)?.parse().ok()?;
    Some(Reply {
        status,
        body: raw[split + 4..].to_vec(),
    })
}

/// What a connection that the server closes has sent before closing.
fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<String> {
    stream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .expect("timeout");
    let start = Instant::now();
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while start.elapsed() < limit {
        match stream.read(&mut buf) {
            Ok(0) => return Some(String::from_utf8_lossy(&seen).into_owned()),
            Ok(n) => seen.extend_from_slice(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            // Reset after the answer: closed all the same.
            Err(_) => return Some(String::from_utf8_lossy(&seen).into_owned()),
        }
    }
    None
}

#[test]
fn more_idle_connections_than_descriptors_do_not_stop_the_server() {
    let s = Served::start(
        Site::fixture("serve-basic"),
        Start {
            env: &[],
            descriptors: Some(256),
            soft_descriptors: None,
        },
    );
    watchdog(&s, || {
        // More than the server's descriptors: before the front door, its
        // accept thread died at about half of them, for good.
        let mut idle = Vec::new();
        for _ in 0..400 {
            if let Ok(c) = TcpStream::connect_timeout(&s.addr(), Duration::from_secs(5)) {
                idle.push(c);
            }
            if idle.len() == 300 {
                break;
            }
        }
        assert_eq!(idle.len(), 300, "idle connections");
        let home = s.get("/");
        assert_eq!(home.status, 200, "{}", home.text());
        assert!(home.text().contains("Welcome to the serve test"));
        assert_eq!(s.get("/guide/").status, 200);
        drop(idle);
        for _ in 0..20 {
            assert_eq!(s.get("/roles/po/").status, 200);
        }
        assert!(s.alive());
        assert!(!s.stderr().contains("panicked"), "{}", s.stderr());
    });
}

/// The soft and hard limits on open files of process `pid`.
fn open_file_limits(pid: &str) -> (u64, u64) {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).expect("limits");
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .expect("open files line");
    let numbers: Vec<u64> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    (numbers[0], numbers[1])
}

#[test]
fn the_soft_descriptor_limit_is_raised_at_start() {
    let (_, hard) = open_file_limits("self");
    let s = Served::start(
        Site::fixture("serve-basic"),
        Start {
            env: &[],
            descriptors: None,
            soft_descriptors: Some(256),
        },
    );
    watchdog(&s, || {
        let (soft, served_hard) = open_file_limits(&s.pid.to_string());
        assert_eq!(served_hard, hard);
        assert_eq!(soft, hard.min(8192), "the soft limit was not raised");
        assert_eq!(s.get("/").status, 200);
    });
}

#[test]
fn slow_and_idle_clients_are_cut_off_after_the_timeout() {
    let s = Served::start(
        Site::fixture("serve-basic"),
        Start {
            env: &[("ROLEBOOK_SERVE_TIMEOUT_MS", "1000")],
            descriptors: None,
            soft_descriptors: None,
        },
    );
    watchdog(&s, || {
        // A slowloris client: a header byte every 100 ms, never the end.
        let mut slow = TcpStream::connect(s.addr()).expect("connect");
        slow.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            .expect("send");
        let dripping = slow.try_clone().expect("clone");
        let drip = std::thread::spawn(move || {
            let mut d = dripping;
            for _ in 0..300 {
                if d.write_all(b"a").is_err() {
                    return true;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            false
        });
        let mut idle = TcpStream::connect(s.addr()).expect("connect");
        let answer = read_until_closed(&mut slow, LIMIT).expect("the slow client was not cut off");
        assert!(
            answer.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
            "{answer:?}"
        );
        assert!(drip.join().expect("drip"), "writes kept succeeding");
        let nothing = read_until_closed(&mut idle, LIMIT).expect("the idle client was not cut off");
        assert_eq!(
            nothing, "",
            "an idle connection is closed without an answer"
        );
        // Meanwhile and after, a normal request is answered.
        assert_eq!(s.get("/").status, 200);
    });
}

#[test]
fn huge_headers_are_refused_early_without_growing_memory() {
    let s = Served::start(Site::fixture("serve-basic"), PLAIN);
    watchdog(&s, || {
        assert_eq!(s.get("/").status, 200);
        let before = s.rss_kib();
        let mut stream = TcpStream::connect(s.addr()).expect("connect");
        stream
            .set_write_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let writer = stream.try_clone().expect("clone");
        // 300 MB of one header, sent while the answer is read.
        let sending = std::thread::spawn(move || {
            let mut w = writer;
            let _ = w.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Huge: ");
            let chunk = vec![b'a'; 1 << 20];
            let mut sent = 0usize;
            while sent < 300 << 20 {
                if w.write_all(&chunk).is_err() {
                    break;
                }
                sent += chunk.len();
            }
            sent
        });
        let answer = read_until_closed(&mut stream, LIMIT).expect("no answer");
        assert!(
            answer.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"),
            "{answer:?}"
        );
        let sent = sending.join().expect("sender");
        assert!(sent < 300 << 20, "the server read all {sent} bytes");
        let after = s.rss_kib();
        assert!(
            after < before + 20 * 1024,
            "memory grew from {before} KiB to {after} KiB"
        );
        // A request line too long for any server is refused as well.
        let long = format!("/{}", "a".repeat(20_000));
        assert_eq!(s.get(&long).status, 414);
        assert_eq!(s.get("/").status, 200);
    });
}

#[test]
fn a_panicking_rebuild_keeps_the_last_good_site_and_shows_the_error() {
    let s = Served::start(
        Site::fixture("serve-basic"),
        Start {
            env: &[("ROLEBOOK_TEST_PANIC_ON", "content/boom.md")],
            descriptors: None,
            soft_descriptors: None,
        },
    );
    watchdog(&s, || {
        let generation = s.generation();
        let mut events = Events::open(s.port, Some(generation), None);
        s.write(
            "content/boom.md",
            &page("Boom", "This edit makes the build panic."),
        );
        let failed = events.next("failed").expect("a failed event");
        for needle in [
            "rolebook stopped unexpectedly while rebuilding after 1 change (content/boom.md)",
            "test panic on content/boom.md",
            "this is a bug in rolebook",
        ] {
            assert!(failed.contains(needle), "{needle:?} not in {failed}");
        }
        let status = s.status();
        assert!(
            status["error"]
                .as_str()
                .is_some_and(|e| e.contains("test panic on content/boom.md")),
            "{status}"
        );
        assert_eq!(status["building"], false);
        assert_eq!(s.generation(), generation, "nothing was swapped in");
        let guide = s.get("/guide/");
        assert_eq!(guide.status, 200);
        assert!(guide.text().contains("The first version of the guide."));
        assert!(
            s.stderr().contains("stopped unexpectedly"),
            "{}",
            s.stderr()
        );
        // Nothing half made is left: serve writes no output or staging folder.
        let names: Vec<String> = std::fs::read_dir(s.site.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names
                .iter()
                .all(|n| n != "public" && !n.contains("staging")),
            "{names:?}"
        );
        // The next edit builds the whole site again, the panicking page too.
        s.write(
            "content/guide.md",
            &page("Guide", "Written after the panic."),
        );
        events.next("reload").expect("a reload event");
        s.wait_for("/guide/", 200, "Written after the panic.");
        s.wait_for("/boom/", 200, "This edit makes the build panic.");
        assert_eq!(s.status()["error"], serde_json::Value::Null);
        assert!(s.alive());
    });
}

#[test]
fn a_panic_while_answering_costs_no_worker() {
    let s = Served::start(
        Site::fixture("serve-basic"),
        Start {
            env: &[("ROLEBOOK_TEST_PANIC_ON", "/boom/")],
            descriptors: None,
            soft_descriptors: None,
        },
    );
    watchdog(&s, || {
        // More panicking requests than the server has workers.
        for _ in 0..12 {
            match request(s.port, "/boom/") {
                Ok(reply) => assert_eq!(reply.status, 500),
                Err(e) => assert!(
                    matches!(
                        e.kind(),
                        std::io::ErrorKind::Other
                            | std::io::ErrorKind::ConnectionReset
                            | std::io::ErrorKind::UnexpectedEof
                    ),
                    "{e}"
                ),
            }
        }
        for _ in 0..8 {
            assert_eq!(s.get("/guide/").status, 200);
        }
        assert!(s.alive());
    });
}

#[test]
fn a_real_panic_in_a_data_view_does_not_stop_serve() {
    // A number so large that the metrics trend once panicked drawing it.
    // Whether the build reports it or renders it, serve keeps answering.
    let s = Served::start(Site::fixture("serve-basic"), PLAIN);
    watchdog(&s, || {
        s.write(
            "content/team/metrics.toml",
            "schema = \"metrics\"\n\n[[metric]]\nid = \"nps\"\ntitle = \"NPS\"\nunit = \"points\"\n\
             direction = \"up\"\npoints = [\n  { period = \"2026-Q1\", value = 1e308, target = 10.0 },\n  \
             { period = \"2026-Q2\", value = 12.0, target = 11.0 },\n]\n",
        );
        s.write("content/trend.md", &page("Trend", "{{ metrics() }}"));
        let generation = s.generation();
        s.wait("the rebuild to end", || {
            let status = s.status();
            (status["error"].is_string() || status["generation"].as_u64() > Some(generation))
                .then_some(())
        });
        assert!(s.alive());
        assert_eq!(s.get("/guide/").status, 200);
    });
}

#[test]
fn a_newer_edit_cuts_a_slow_rebuild_short() {
    let site = Site::fixture("serve-basic");
    for i in 0..24 {
        site.write(
            &format!("content/many/p{i:02}.md"),
            page(&format!("Page {i}"), &format!("Text {i}.")),
        );
    }
    // Each page's Markdown waits 500 ms in rebuilds (not in the first
    // build): a full rebuild takes seconds, time for a second edit.
    let s = Served::start(
        site,
        Start {
            env: &[("ROLEBOOK_TEST_PAGE_DELAY_MS", "500")],
            descriptors: None,
            soft_descriptors: None,
        },
    );
    watchdog(&s, || {
        let config = std::fs::read_to_string(s.site.path().join("rolebook.toml")).expect("read");
        s.write(
            "rolebook.toml",
            &config.replace("title = \"Serve test\"", "title = \"First edit\""),
        );
        s.wait("the slow rebuild to start", || {
            (s.status()["building"] == true).then_some(())
        });
        s.write(
            "rolebook.toml",
            &config.replace("title = \"Serve test\"", "title = \"Second edit\""),
        );
        s.write(
            "content/guide.md",
            &page("Guide", "Edited during the rebuild."),
        );
        s.wait_for("/", 200, "<title>Second edit</title>");
        s.wait_for("/guide/", 200, "Edited during the rebuild.");
        let out = s.stdout();
        assert!(
            out.contains(
                "Cut short the rebuild after 1 change (rolebook.toml): a newer change came in"
            ),
            "{out}"
        );
        assert!(
            !out.contains("First edit") && s.get("/").text().contains("Second edit"),
            "the first edit's build was never swapped in"
        );
        // The result equals what a fresh serve of the folder makes.
        let copy = Site::empty();
        crate::support::copy_tree(s.site.path(), copy.path());
        let fresh = Served::start(copy, PLAIN);
        for target in [
            "/",
            "/guide/",
            "/roles/",
            "/roles/po/",
            "/many/p07/",
            "/sitemap.xml",
            "/404.html",
        ] {
            let ours = normalise(&s.get(target).text(), s.port);
            let theirs = normalise(&fresh.get(target).text(), fresh.port);
            assert_eq!(ours, theirs, "{target} differs from a fresh build");
        }
    });
}

/// A page as served, without what differs between two servers: the port
/// and the live-reload script's generation.
fn normalise(html: &str, port: u16) -> String {
    let html = html.replace(&format!("127.0.0.1:{port}"), "127.0.0.1:PORT");
    match html.find("<script data-rolebook-live-reload>") {
        Some(start) => {
            let end = html[start..]
                .find("</script>")
                .map_or(html.len(), |e| start + e + "</script>".len());
            format!("{}{}", &html[..start], &html[end..])
        }
        None => html,
    }
}

#[test]
fn more_live_reload_clients_than_the_pool_all_get_the_reload() {
    // 1024 descriptors: a pool of 64 streams, fewer than the clients.
    let s = Served::start(
        Site::fixture("serve-basic"),
        Start {
            env: &[],
            descriptors: Some(1024),
            soft_descriptors: None,
        },
    );
    watchdog(&s, || {
        let generation = s.generation();
        let mut clients: Vec<Events> = (0..80)
            .map(|_| Events::open(s.port, Some(generation), None))
            .collect();
        s.wait("the pool to settle", || {
            (s.status()["streams"].as_u64() == Some(64)).then_some(())
        });
        s.write("content/guide.md", &page("Guide", "Seen by every tab."));
        for (i, client) in clients.iter_mut().enumerate() {
            let mut reconnects = 0;
            loop {
                match client.next("reload") {
                    Some(data) => {
                        assert!(
                            data.contains(&format!("\"generation\":{}", generation + 1)),
                            "client {i}: {data}"
                        );
                        break;
                    }
                    None => {
                        // Closed to make room: reconnect as an EventSource
                        // does, naming the last event seen.
                        reconnects += 1;
                        assert!(reconnects <= 5, "client {i} kept being closed");
                        let last = client.last_id.unwrap_or(generation);
                        *client = Events::open(s.port, None, Some(last));
                    }
                }
            }
        }
        assert_eq!(s.get("/guide/").status, 200);
        assert!(s.status()["streams"].as_u64() <= Some(64));
    });
}

/// A live-reload client, as the page's EventSource is.
struct Events {
    stream: TcpStream,
    seen: String,
    last_id: Option<u64>,
}

impl Events {
    /// Connects with `since` in the URL and/or a `Last-Event-ID` header;
    /// waits until the stream is open.
    fn open(port: u16, since: Option<u64>, last_id: Option<u64>) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .expect("timeout");
        let query = since.map(|g| format!("?since={g}")).unwrap_or_default();
        let header = last_id
            .map(|g| format!("Last-Event-ID: {g}\r\n"))
            .unwrap_or_default();
        write!(
            stream,
            "GET /__rolebook/events{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n{header}\r\n"
        )
        .expect("send");
        let mut events = Events {
            stream,
            seen: String::new(),
            last_id,
        };
        let start = Instant::now();
        while !events.seen.contains("retry: 1000\n\n") {
            assert!(
                start.elapsed() < LIMIT,
                "stream did not open: {}",
                events.seen
            );
            if !events.read_some() {
                break;
            }
        }
        events
    }

    /// Reads what is there; false when the server closed the stream.
    fn read_some(&mut self) -> bool {
        let mut buf = [0u8; 4096];
        match self.stream.read(&mut buf) {
            Ok(0) => false,
            Ok(n) => {
                self.seen.push_str(&String::from_utf8_lossy(&buf[..n]));
                true
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                true
            }
            Err(_) => false,
        }
    }

    /// The data of the next event named `name`; `None` when the server
    /// closed the stream first.
    fn next(&mut self, name: &str) -> Option<String> {
        let start = Instant::now();
        loop {
            while let Some(end) = self.seen.find("\n\n") {
                let block: String = self.seen.drain(..end + 2).collect();
                let mut event = None;
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(e) = line.strip_prefix("event: ") {
                        event = Some(e.to_string());
                    } else if let Some(d) = line.strip_prefix("data: ") {
                        data = d.to_string();
                    } else if let Some(id) = line.strip_prefix("id: ") {
                        self.last_id = id.parse().ok();
                    }
                }
                if event.as_deref() == Some(name) {
                    return Some(data);
                }
            }
            assert!(
                start.elapsed() < LIMIT,
                "no {name:?} event on the stream; left:\n{}",
                self.seen
            );
            if !self.read_some() {
                return None;
            }
        }
    }
}

#[test]
fn a_stop_asked_for_after_a_build_ends_does_not_stop_later_updates() {
    use rolebook::site::cancel::Cancel;
    use rolebook::site::live::Update;
    use rolebook::site::{BuildOptions, Project, build};

    // serve asks a running build to stop when an edit arrives; a build
    // that had already passed its last check finishes and is kept. The
    // updates of that kept site must still render.
    let site = Site::fixture("serve-basic");
    let cancel = Cancel::new();
    let opts = BuildOptions {
        cancel: cancel.clone(),
        ..BuildOptions::serve()
    };
    let built = build(&Project::new(site.path()), &opts).expect("build");
    cancel.request();
    let mut live = rolebook::site::live::Live::new(built.site, &built.warnings);
    site.write("content/guide.md", page("Guide", "Updated after the stop."));
    let Update::Done(patch) = live.update(&rolebook::site::changes::ChangeSet::of(
        ["content/guide.md"],
        "public".as_ref(),
        "content".as_ref(),
    )) else {
        panic!("the text edit was not applied in place");
    };
    let guide = patch
        .files
        .iter()
        .find(|(path, _)| path == "guide/index.html")
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .expect("the page was rendered again");
    assert!(guide.contains("Updated after the stop."), "{guide}");
}
