//! The dev server: answers from the in-memory output; only static files
//! too big to hold (see `output::ON_DISK_FROM`) are read from disk, each
//! one a file the build found, checked again when it is sent.
//!
//! The public socket belongs to `front`, which bounds connections and
//! request sizes and hands each complete request to tiny_http on a private
//! loopback port ([`Backend`]). A few worker threads pull requests from
//! tiny_http; an event stream gets a thread of its own (a bounded pool,
//! see [`State::stream_opened`]), so held-open streams never block pages.
//! Request paths are percent-decoded once and must be plain relative paths:
//! `..` and `.` segments, backslashes, NUL bytes, empty segments and bad
//! escapes are refused with 400 before any lookup; everything else is looked
//! up in the output map, so nothing outside the site can be served.
//!
//! Responses are written by hand through `Request::into_writer` so they can
//! say `Connection: close`, which tiny_http does not let a `Response` set.
//! tiny_http gives every open connection a thread of its own and, when
//! several connections arrive at once, may queue some behind connections
//! that are still open; an idle keep-alive connection would then hold a
//! browser's stylesheet request for minutes. Closing after each answer
//! (cheap on loopback) frees those threads at once; only live-reload
//! streams stay open.

use std::fmt::Write as _;
use std::io::Write;
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde_json::json;
use tiny_http::{Method, Request, Server};

use super::front;
use super::livereload::{self, EVENTS_PATH, RESERVED_PREFIX, STATUS_PATH};
use super::state::State;
use crate::error::{Diagnostic, Kind};

const WORKERS: usize = 4;
/// Open live-reload streams kept at once (each holds a thread and a
/// connection); a newer one closes the oldest, whose page reconnects.
pub const MAX_STREAMS: usize = 64;
/// A comment line on idle streams, so closed connections are noticed.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// Listens on `bind:port`; port 0 picks a free one.
pub fn bind(bind: &str, port: u16) -> Result<(TcpListener, SocketAddr), Diagnostic> {
    let shown = if bind.contains(':') {
        format!("[{bind}]:{port}")
    } else {
        format!("{bind}:{port}")
    };
    let cannot = |message: String| {
        Diagnostic::error(Kind::Io, format!("cannot serve on {shown}: {message}"))
    };
    let addrs: Vec<SocketAddr> = (bind, port)
        .to_socket_addrs()
        .map_err(|e| {
            cannot(e.to_string())
                .with_help("pass an IP address or host name with --bind, e.g. --bind 127.0.0.1")
        })?
        .collect();
    let listener = TcpListener::bind(addrs.as_slice()).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            let next = port.checked_add(1).unwrap_or(1111);
            cannot(
                "the port is already in use (another `rolebook serve`, or another server?)".into(),
            )
            .with_help(format!(
                "stop the other server, or pick another port: rolebook serve --port {next}"
            ))
        } else {
            cannot(e.to_string())
        }
    })?;
    let addr = listener.local_addr().map_err(|e| cannot(e.to_string()))?;
    Ok((listener, addr))
}

/// tiny_http on a private loopback port, behind the front door
/// (`front`), which alone connects to it.
pub struct Backend {
    listener: TcpListener,
    addr: SocketAddr,
    state: Arc<State>,
    loopback: bool,
    restarts: Mutex<(usize, Option<Instant>)>,
}

/// A stopped tiny_http is started again at most this often, this many times.
const RESTART_GAP: Duration = Duration::from_secs(10);
const MAX_RESTARTS: usize = 32;

impl Backend {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Starts a tiny_http server on the private listener, with its
    /// workers. A server whose accept thread stopped is left as it is
    /// (its workers idle); the new one takes the connections.
    fn start_server(self: &Arc<Self>) -> std::io::Result<()> {
        let listener = self.listener.try_clone()?;
        let server = Server::from_listener(listener, None)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        let server = Arc::new(server);
        for i in 0..WORKERS {
            let server = server.clone();
            let me = self.clone();
            std::thread::Builder::new()
                .name(format!("serve-http-{i}"))
                .spawn(move || {
                    while let Ok(request) = server.recv() {
                        // A bug in answering one request must not cost a
                        // worker: tiny_http answers a dropped request 500.
                        let answered = std::panic::catch_unwind(AssertUnwindSafe(|| {
                            handle(request, &me.state, me.loopback);
                        }));
                        if answered.is_err() {
                            eprintln!("serve: answering a request failed unexpectedly");
                        }
                    }
                    // The accept thread stopped with an error.
                    me.restart();
                })?;
        }
        Ok(())
    }

    /// Starts a new tiny_http server when one seems to have stopped,
    /// unless one was started a moment ago.
    pub fn restart(self: &Arc<Self>) {
        let mut restarts = self.restarts.lock().unwrap_or_else(PoisonError::into_inner);
        let (count, last) = &mut *restarts;
        if *count >= MAX_RESTARTS || last.is_some_and(|t| t.elapsed() < RESTART_GAP) {
            return;
        }
        *count += 1;
        *last = Some(Instant::now());
        drop(restarts);
        if let Err(e) = self.start_server() {
            eprintln!("serve: cannot restart the HTTP server: {e}");
        }
    }
}

/// Serves `listener` until the process ends. `loopback` says the server
/// listens on a loopback address only: it then answers only requests whose
/// `Host` is a loopback name, so a web page elsewhere cannot read the site
/// through DNS rebinding.
pub fn spawn(
    listener: TcpListener,
    state: Arc<State>,
    loopback: bool,
    limits: front::Limits,
) -> std::io::Result<()> {
    let private = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))
        .or_else(|_| TcpListener::bind((std::net::Ipv6Addr::LOCALHOST, 0)))?;
    let backend = Arc::new(Backend {
        addr: private.local_addr()?,
        listener: private,
        state,
        loopback,
        restarts: Mutex::new((0, None)),
    });
    backend.start_server()?;
    front::spawn(listener, backend, limits);
    Ok(())
}

fn handle(request: Request, state: &Arc<State>, loopback: bool) {
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or_default();
    super::guard::test_panic_request(path);
    let get = matches!(request.method(), Method::Get | Method::Head);
    let host = request.headers().iter().find(|h| h.field.equiv("Host"));
    let reply = if loopback && host.is_some_and(|h| !is_loopback_host(h.value.as_str())) {
        Reply::text(
            403,
            "this server answers only to localhost, 127.0.0.1 or [::1]; use --bind to serve other names",
        )
    } else if !get {
        Reply::text(405, "method not allowed").with("Allow", "GET, HEAD")
    } else if path == EVENTS_PATH && *request.method() == Method::Get {
        return open_stream(request, &url, state);
    } else if path == STATUS_PATH {
        let snap = state.snapshot();
        let building = state.building.load(std::sync::atomic::Ordering::Relaxed);
        let body = json!({
            "generation": snap.generation,
            "error": snap.error.as_deref(),
            "building": building,
            "streams": state.open_streams(),
        });
        Reply::new(200, body.to_string().into_bytes(), "application/json")
    } else if path.starts_with(RESERVED_PREFIX) {
        Reply::text(404, "not found")
    } else {
        site_reply(&url, state)
    };
    reply.send(request);
}

/// `localhost`, `x.localhost`, `127.0.0.1`, `[::1]`, with or without a port.
pub fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => host.split(':').next().unwrap_or_default(),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// An HTTP response, sent with `Connection: close` and `Cache-Control: no-store`.
struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    /// A big static file sent from disk instead of `body`, with its length.
    file: Option<(std::fs::File, u64)>,
    headers: Vec<(&'static str, String)>,
}

impl Reply {
    fn new(status: u16, body: Vec<u8>, content_type: &'static str) -> Self {
        Reply {
            status,
            content_type,
            body,
            file: None,
            headers: Vec::new(),
        }
    }

    fn text(status: u16, message: &str) -> Self {
        Reply::new(
            status,
            format!("{message}\n").into_bytes(),
            "text/plain; charset=utf-8",
        )
    }

    /// Adds a header; values come from constants or [`encode_non_ascii`],
    /// so they hold no line breaks.
    fn with(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }

    fn head(&self) -> String {
        let reason = match self.status {
            200 => "OK",
            301 => "Moved Permanently",
            302 => "Found",
            400 => "Bad Request",
            403 => "Forbidden",
            404 => "Not Found",
            405 => "Method Not Allowed",
            500 => "Internal Server Error",
            503 => "Service Unavailable",
            _ => "",
        };
        let mut head = format!("HTTP/1.1 {} {reason}\r\n", self.status);
        for (name, value) in &self.headers {
            let _ = write!(head, "{name}: {value}\r\n");
        }
        let _ = write!(
            head,
            "Content-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\
             X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
            self.content_type,
            self.file
                .as_ref()
                .map_or(self.body.len() as u64, |(_, len)| *len)
        );
        head
    }

    fn send(self, request: Request) {
        let head_only = *request.method() == Method::Head;
        let mut writer = request.into_writer();
        let head = self.head();
        let write = move || -> std::io::Result<()> {
            writer.write_all(head.as_bytes())?;
            if !head_only {
                match self.file {
                    // In small pieces: never the whole file in memory. No
                    // more than the length sent, should the file grow.
                    Some((file, len)) => {
                        std::io::copy(&mut std::io::Read::take(file, len), &mut writer)?;
                    }
                    None => writer.write_all(&self.body)?,
                }
            }
            writer.flush()
        };
        // A client that went away is no error of ours.
        let _ = write();
    }
}

/// What a request path names in the output.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    File(String),
    /// `/dir` when `dir/index.html` exists: redirect to this location.
    Redirect(String),
    NotFound,
    /// Not a plain relative path: traversal, bad escapes, NUL, backslashes.
    Bad,
}

/// Resolves the request target `url` (path and query, as sent) against the
/// files for which `exists` is true.
pub fn resolve(url: &str, exists: impl Fn(&str) -> bool) -> Target {
    let (raw, query) = url
        .split_once('?')
        .map_or((url, None), |(p, q)| (p, Some(q)));
    let raw = raw.split('#').next().unwrap_or_default();
    let Some(decoded) = crate::text::percent_decode(raw) else {
        return Target::Bad;
    };
    let Some(rel) = decoded.strip_prefix('/') else {
        return Target::Bad;
    };
    if rel.contains(['\\', '\0']) {
        return Target::Bad;
    }
    let segments: Vec<&str> = rel.split('/').collect();
    let last = segments.len() - 1;
    let bad_segment = segments
        .iter()
        .enumerate()
        .any(|(i, s)| *s == ".." || *s == "." || (s.is_empty() && i != last));
    if bad_segment {
        return Target::Bad;
    }
    let file = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if !crate::output::is_safe(&file) {
        return Target::Bad;
    }
    if exists(&file) {
        return Target::File(file);
    }
    if !rel.ends_with('/') && exists(&format!("{rel}/index.html")) {
        let query = query.map(|q| format!("?{q}")).unwrap_or_default();
        return Target::Redirect(encode_non_ascii(&format!("{raw}/{query}")));
    }
    Target::NotFound
}

/// Percent-encodes the bytes a `Location` header may not carry raw.
fn encode_non_ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_graphic() {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Where a request target stands with respect to the path the site is
/// served under (its base_url's path, as when it is published).
#[derive(Debug, PartialEq, Eq)]
pub enum Scope {
    /// Inside the site: the target with the base path taken off (`/guide/?q=1`).
    Inside(String),
    /// The server root or the base path without its slash: where to go.
    ToBase(String),
    /// Elsewhere on the server, where the published site has nothing.
    Outside,
}

/// Places `url` (path and query, as sent) under `base` (`/` or `/handbook/`).
pub fn scope(url: &str, base: &str) -> Scope {
    if base == "/" {
        return Scope::Inside(url.to_string());
    }
    let base = encode_non_ascii(base);
    if let Some(rest) = url.strip_prefix(base.as_str()) {
        return Scope::Inside(format!("/{rest}"));
    }
    let at = url.find(['?', '#']).unwrap_or(url.len());
    let (path, query) = url.split_at(at);
    if path == "/" || path == base.trim_end_matches('/') {
        let query = query.split('#').next().unwrap_or_default();
        return Scope::ToBase(format!("{base}{query}"));
    }
    Scope::Outside
}

fn site_reply(url: &str, state: &State) -> Reply {
    let snap = state.snapshot();
    if snap.generation == 0 {
        return not_built(snap.error.as_deref());
    }
    let base = &*snap.base_path;
    let output = &snap.output;
    let target = match scope(url, base) {
        Scope::Inside(inside) => resolve(&inside, |p| output.contains(p)),
        Scope::ToBase(location) => {
            return Reply::text(302, "the site is at its base path").with("Location", &location);
        }
        Scope::Outside => Target::NotFound,
    };
    match target {
        Target::File(path) => {
            if let Some(opened) = output.open_on_disk(&path) {
                return match opened {
                    Ok(file) => {
                        let mut reply = Reply::new(200, Vec::new(), content_type(&path));
                        reply.file = Some(file);
                        reply
                    }
                    Err(_) => Reply::text(404, "not found"),
                };
            }
            let body = output.get(&path).unwrap_or_default();
            Reply::new(
                200,
                page_body(&path, body, snap.generation, base),
                content_type(&path),
            )
        }
        Target::Redirect(location) => {
            let location = format!("{}{location}", encode_non_ascii(base.trim_end_matches('/')));
            Reply::text(301, "moved").with("Location", &location)
        }
        Target::NotFound => match output.get("404.html") {
            Some(page) => Reply::new(
                404,
                page_body("404.html", page, snap.generation, base),
                content_type("404.html"),
            ),
            None => Reply::text(404, "not found"),
        },
        Target::Bad => Reply::text(400, "bad request: not a path inside the site"),
    }
}

/// A file's bytes as served: HTML pages get the live-reload script of the
/// generation they come from, before their last `</body>`. It is added here,
/// not by the build, so the output holds no generation number and a page
/// that did not change keeps the same bytes from one rebuild to the next.
fn page_body(path: &str, bytes: &[u8], generation: u64, base: &str) -> Vec<u8> {
    if !(path.ends_with(".html") || path.ends_with(".htm")) {
        return bytes.to_vec();
    }
    let script = livereload::script(generation, base);
    let at = memchr_last(bytes, b"</body>").unwrap_or(bytes.len());
    let mut body = Vec::with_capacity(bytes.len() + script.len());
    body.extend_from_slice(&bytes[..at]);
    body.extend_from_slice(script.as_bytes());
    body.extend_from_slice(&bytes[at..]);
    body
}

fn memchr_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// Before the first good build there is nothing to serve: a page that shows
/// the error and reloads when the site builds.
fn not_built(error: Option<&str>) -> Reply {
    let message = error.unwrap_or("The site is being built.");
    let escaped = message
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let page = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>rolebook: the site did not build</title></head>\
         <body><h1>The site did not build</h1><pre>{escaped}</pre>{}</body></html>\n",
        livereload::script(0, "/")
    );
    Reply::new(500, page.into_bytes(), "text/html; charset=utf-8")
}

/// Holds the connection open and writes events as builds finish. An
/// EventSource that reconnects by itself names the last event it saw in
/// `Last-Event-ID`, which wins over the `since` of its URL.
fn open_stream(request: Request, url: &str, state: &Arc<State>) {
    let last_event = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Last-Event-ID"))
        .and_then(|h| h.value.as_str().trim().parse::<u64>().ok());
    let since = last_event.or_else(|| {
        url.split_once("since=")
            .and_then(|(_, v)| v.split('&').next())
            .and_then(|v| v.parse::<u64>().ok())
    });
    let state = state.clone();
    let spawned = std::thread::Builder::new()
        .name("serve-events".into())
        .spawn(move || {
            let stream = OpenStream {
                id: state.stream_opened(),
                state: &state,
            };
            let mut writer = request.into_writer();
            let _ = stream_events(&mut *writer, since, stream.state, stream.id);
        });
    if let Err(e) = spawned {
        eprintln!("cannot start a live-reload stream: {e}");
    }
}

/// A live-reload stream's place in the pool, given back however its
/// thread ends.
struct OpenStream<'a> {
    id: u64,
    state: &'a State,
}

impl Drop for OpenStream<'_> {
    fn drop(&mut self) {
        self.state.stream_closed(self.id);
    }
}

fn stream_events(
    writer: &mut dyn Write,
    since: Option<u64>,
    state: &State,
    id: u64,
) -> std::io::Result<()> {
    writer.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
          Connection: keep-alive\r\nX-Accel-Buffering: no\r\n\r\nretry: 1000\n\n",
    )?;
    let (text, mut seq) = state.greeting(since);
    writer.write_all(text.as_bytes())?;
    writer.flush()?;
    // `None`: closed to make room for a newer stream; the page reconnects.
    while let Some((text, next)) = state.wait_events(seq, KEEPALIVE, id) {
        seq = next;
        let text = if text.is_empty() {
            ": keepalive\n\n".to_string()
        } else {
            text
        };
        writer.write_all(text.as_bytes())?;
        writer.flush()?;
    }
    Ok(())
}

/// The content type of an output file, by extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(path: &str) -> bool {
        [
            "index.html",
            "roles/index.html",
            "roles/po/index.html",
            "css/a.css",
            "a b.txt",
        ]
        .contains(&path)
    }

    #[test]
    fn resolves_files_directories_and_redirects() {
        assert_eq!(resolve("/", site), Target::File("index.html".into()));
        assert_eq!(
            resolve("/roles/", site),
            Target::File("roles/index.html".into())
        );
        assert_eq!(
            resolve("/roles/po/?x=1", site),
            Target::File("roles/po/index.html".into())
        );
        assert_eq!(
            resolve("/css/a.css", site),
            Target::File("css/a.css".into())
        );
        assert_eq!(resolve("/a%20b.txt", site), Target::File("a b.txt".into()));
        assert_eq!(resolve("/roles", site), Target::Redirect("/roles/".into()));
        assert_eq!(
            resolve("/roles/po?x=1", site),
            Target::Redirect("/roles/po/?x=1".into())
        );
        let accented = |p: &str| p == "caf\u{e9}/index.html";
        assert_eq!(
            resolve("/caf\u{e9}", accented),
            Target::Redirect("/caf%C3%A9/".into())
        );
        assert_eq!(resolve("/nope", site), Target::NotFound);
        assert_eq!(resolve("/C:/Windows", site), Target::NotFound);
        assert_eq!(
            resolve("/%252e%252e/index.html", site),
            Target::NotFound,
            "decoded once only"
        );
    }

    #[test]
    fn requests_are_placed_under_the_base_path() {
        let base = "/handbook/";
        assert_eq!(scope("/handbook/", base), Scope::Inside("/".into()));
        assert_eq!(
            scope("/handbook/roles/po/?x=1", base),
            Scope::Inside("/roles/po/?x=1".into())
        );
        assert_eq!(scope("/", base), Scope::ToBase("/handbook/".into()));
        assert_eq!(scope("/?q=a", base), Scope::ToBase("/handbook/?q=a".into()));
        assert_eq!(scope("/handbook", base), Scope::ToBase("/handbook/".into()));
        assert_eq!(scope("/handbookx/", base), Scope::Outside);
        assert_eq!(scope("/roles/po/", base), Scope::Outside);
        assert_eq!(scope("/favicon.ico", base), Scope::Outside);
        // Traversal out of the base is still refused after the base is taken off.
        let Scope::Inside(inside) = scope("/handbook/../Cargo.toml", base) else {
            panic!("inside");
        };
        assert_eq!(resolve(&inside, site), Target::Bad);
        assert_eq!(scope("/x/y", "/"), Scope::Inside("/x/y".into()));
        assert_eq!(
            scope("/caf%C3%A9/a/", "/caf\u{e9}/"),
            Scope::Inside("/a/".into())
        );
    }

    #[test]
    fn refuses_traversal() {
        for url in [
            "/../Cargo.toml",
            "/%2e%2e/Cargo.toml",
            "/%2E%2E/%2E%2E/etc/passwd",
            "/..%2f..%2fetc/passwd",
            "/roles/..",
            "/roles/../../x",
            "/./index.html",
            "/%5c..%5cCargo.toml",
            "/\\..\\x",
            "/%00",
            "/index.html%00.css",
            "//etc/passwd",
            "/roles//po/",
            "/%zz",
            "/%e2%28",
            "/%",
            "http://evil.example/",
            "*",
            "",
        ] {
            assert_eq!(resolve(url, site), Target::Bad, "{url}");
        }
    }

    #[test]
    fn only_loopback_hosts_pass() {
        for ok in [
            "localhost",
            "localhost:1111",
            "127.0.0.1:1111",
            "127.1.2.3",
            "[::1]:8080",
            "docs.localhost:1",
            "LOCALHOST.",
        ] {
            assert!(is_loopback_host(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:1111",
            "127.0.0.1.evil.example",
            "[::2]:1",
            "192.168.1.2:1111",
            "",
        ] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("css/x.1a2b.css"), "text/css; charset=utf-8");
        assert_eq!(
            content_type("sitemap.xml"),
            "application/xml; charset=utf-8"
        );
        assert_eq!(content_type("img/LOGO.PNG"), "image/png");
        assert_eq!(content_type("fonts/x.woff2"), "font/woff2");
        assert_eq!(content_type("blob"), "application/octet-stream");
    }
}
