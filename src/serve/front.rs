//! The front door: accepts connections itself, bounds them, and hands each
//! complete request head to tiny_http.
//!
//! tiny_http reads request heads without a size limit or a timeout, gives
//! every connection a thread and a duplicated descriptor, and its accept
//! thread stops for good on the first accept error (or panics when the
//! descriptor cannot be duplicated): enough idle connections to run out of
//! descriptors left serve refusing every connection until restarted. Its
//! API takes only a listener, never an accepted stream, so the public
//! socket is ours and tiny_http listens on a private loopback port:
//!
//! - At most [`Limits::max_connections`] connections are open at once,
//!   worked out from the descriptor limit (raised towards the hard limit at
//!   start). When they are all taken, the oldest connection that has been
//!   sending its request head for a second makes room; when every one is
//!   being answered, new connections wait in the kernel's queue.
//! - A request head must arrive whole within [`Limits::head_timeout`]
//!   (idle and slowloris connections are closed) and fit in
//!   [`MAX_HEAD`] bytes (431), its request line in [`MAX_REQUEST_LINE`]
//!   (414): a huge header costs at most that much memory.
//! - Accept errors (out of descriptors, aborted handshakes) never stop the
//!   listener: it makes room and waits a moment.
//! - The head, with whatever arrived with it, is written to tiny_http,
//!   which parses it and answers; its answer is copied back. Every answer
//!   closes the connection (see `http`), so one request per connection is
//!   all there is.
//!   Should tiny_http's accept thread stop, a new server is started on the
//!   same private listener.

use std::collections::BTreeMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// A request head (request line and headers) may take this many bytes.
pub const MAX_HEAD: usize = 64 * 1024;
/// The request line alone may take this many.
pub const MAX_REQUEST_LINE: usize = 8 * 1024;
/// Test seam and escape hatch: milliseconds a connection gets to send its
/// request head, and a write to a client may block. Tests set it low.
pub const TIMEOUT_VAR: &str = "ROLEBOOK_SERVE_TIMEOUT_MS";
/// Descriptors one connection may hold: the client's socket, our end of
/// the private connection, and tiny_http's end and its duplicate.
const FDS_PER_CONNECTION: u64 = 4;
/// The soft descriptor limit serve asks for at start.
const WANTED_FDS: u64 = 8192;
/// Connections never exceed this, however many descriptors there are.
const MOST_CONNECTIONS: usize = 512;
/// The time tiny_http gets to start its answer.
const BACKEND_FIRST_BYTE: Duration = Duration::from_secs(10);
/// Event streams write every 15 s; silence for this long means trouble.
const BACKEND_IDLE: Duration = Duration::from_secs(60);
/// A connection must have been sending its head this long before it is
/// closed to make room: a browser sends its request at once.
const GRACE: Duration = Duration::from_secs(1);
/// Stack of a connection's thread: it only reads, scans and copies.
const THREAD_STACK: usize = 256 * 1024;

/// What the front door allows.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_connections: usize,
    pub head_timeout: Duration,
    pub write_timeout: Duration,
}

impl Limits {
    /// Raises the soft descriptor limit where the hard limit allows and
    /// sizes the connection cap to fit; timeouts come from [`TIMEOUT_VAR`]
    /// or the defaults (20 s for a request head, 30 s for a write).
    pub fn from_environment() -> Limits {
        let fds = descriptor_limit();
        let timeout = std::env::var(TIMEOUT_VAR)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|ms| *ms > 0)
            .map(Duration::from_millis);
        Limits {
            max_connections: connections_for(fds),
            head_timeout: timeout.unwrap_or(Duration::from_secs(20)),
            write_timeout: timeout.unwrap_or(Duration::from_secs(30)),
        }
    }
}

/// The soft limit on open descriptors, raised towards the hard one.
#[cfg(unix)]
fn descriptor_limit() -> u64 {
    rlimit::increase_nofile_limit(WANTED_FDS)
        .or_else(|_| rlimit::getrlimit(rlimit::Resource::NOFILE).map(|(soft, _)| soft))
        .unwrap_or(1024)
}

#[cfg(not(unix))]
fn descriptor_limit() -> u64 {
    WANTED_FDS
}

/// Connections that fit in `fds` descriptors, a quarter (at least 64) kept
/// for the rest of serve: the watcher, the files a rebuild reads.
pub fn connections_for(fds: u64) -> usize {
    let reserve = (fds / 4).max(64);
    let spare = fds.saturating_sub(reserve) / FDS_PER_CONNECTION;
    usize::try_from(spare)
        .unwrap_or(MOST_CONNECTIONS)
        .clamp(4, MOST_CONNECTIONS)
}

/// Where a request head stands after the bytes read so far.
#[derive(Debug, PartialEq, Eq)]
pub enum Head {
    /// Complete: the head is `buf[..len]`.
    Complete(usize),
    Incomplete,
    LineTooLong,
    TooLarge,
}

/// Looks for the blank line that ends a request head in `buf`, whose
/// first `scanned` bytes were already looked at.
pub fn scan_head(buf: &[u8], scanned: usize) -> Head {
    let from = scanned.saturating_sub(3);
    let end = buf[from..]
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| from + i + 4);
    let line_end = buf.iter().position(|b| *b == b'\n');
    if line_end.map_or(buf.len(), |i| i + 1) > MAX_REQUEST_LINE {
        return Head::LineTooLong;
    }
    match end {
        Some(len) if len <= MAX_HEAD => Head::Complete(len),
        _ if buf.len() > MAX_HEAD => Head::TooLarge,
        Some(_) => Head::TooLarge,
        None => Head::Incomplete,
    }
}

/// Open connections; those still sending their head can be closed to
/// make room.
#[derive(Default)]
struct Registry {
    open: usize,
    next_id: u64,
    /// Connections still sending their head, oldest first, with the time
    /// they were taken on.
    waiting: BTreeMap<u64, (Instant, Arc<TcpStream>)>,
}

pub struct Front {
    limits: Limits,
    registry: Mutex<Registry>,
    backend: Arc<super::http::Backend>,
}

impl Front {
    fn registry(&self) -> MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Closes the oldest connection still sending its head; false when
    /// there is none.
    fn evict_oldest_waiting(&self) -> bool {
        let oldest = self.registry().waiting.pop_first();
        match oldest {
            Some((_, (_, stream))) => {
                let _ = stream.shutdown(Shutdown::Both);
                true
            }
            None => false,
        }
    }
}

/// Accepts connections on `listener` until the process ends.
pub fn spawn(listener: TcpListener, backend: Arc<super::http::Backend>, limits: Limits) {
    let front = Arc::new(Front {
        limits,
        registry: Mutex::new(Registry::default()),
        backend,
    });
    let spawned = std::thread::Builder::new()
        .name("serve-accept".into())
        .spawn(move || accept_loop(&listener, &front));
    if let Err(e) = spawned {
        eprintln!("cannot start the HTTP listener: {e}");
    }
}

fn accept_loop(listener: &TcpListener, front: &Arc<Front>) {
    let mut last_report: Option<Instant> = None;
    loop {
        match listener.accept() {
            Ok((stream, _)) => admit(stream, front),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if e.kind() == ErrorKind::ConnectionAborted => {}
            Err(e) => {
                // Out of descriptors or memory: free what can be freed and
                // wait a moment, listening on.
                front.evict_oldest_waiting();
                if last_report.is_none_or(|t| t.elapsed() > Duration::from_secs(10)) {
                    eprintln!("serve: cannot accept a connection ({e}); still listening");
                    last_report = Some(Instant::now());
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

/// Takes a connection on when there is room. At the cap, the oldest
/// connection that has been sending its head for [`GRACE`] is closed to
/// make room; without one, accepting waits (new connections queue in the
/// kernel, costing no descriptor of ours) until a connection ends.
fn admit(stream: TcpStream, front: &Arc<Front>) {
    let mut registry = front.registry();
    while registry.open >= front.limits.max_connections {
        let stale = registry
            .waiting
            .first_key_value()
            .is_some_and(|(_, (since, _))| since.elapsed() >= GRACE);
        if stale && let Some((_, (_, oldest))) = registry.waiting.pop_first() {
            let _ = oldest.shutdown(Shutdown::Both);
            break;
        }
        drop(registry);
        std::thread::sleep(Duration::from_millis(10));
        registry = front.registry();
    }
    registry.open += 1;
    let id = registry.next_id;
    registry.next_id += 1;
    let stream = Arc::new(stream);
    registry
        .waiting
        .insert(id, (Instant::now(), stream.clone()));
    drop(registry);
    let mine = front.clone();
    let spawned = std::thread::Builder::new()
        .name("serve-conn".into())
        .stack_size(THREAD_STACK)
        .spawn(move || {
            let _slot = Slot { front: &mine, id };
            serve_connection(&stream, id, &mine);
        });
    if spawned.is_err() {
        let mut registry = front.registry();
        if let Some((_, stream)) = registry.waiting.remove(&id) {
            answer(&stream, 503, "Service Unavailable", "too many connections");
        }
        registry.open -= 1;
    }
}

/// A connection's place in the registry, given back when its thread ends,
/// however it ends.
struct Slot<'a> {
    front: &'a Front,
    id: u64,
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut registry = self.front.registry();
        registry.waiting.remove(&self.id);
        registry.open -= 1;
    }
}

/// Answers with a short plain-text error and closes.
fn refuse(stream: &TcpStream, status: u16, reason: &str, message: &str) {
    answer(stream, status, reason, message);
    close_gently(stream);
}

/// Writes a short plain-text answer; the caller closes.
fn answer(stream: &TcpStream, status: u16, reason: &str, message: &str) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let body = format!("{message}\n");
    let reply = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut writer = stream;
    let _ = writer.write_all(reply.as_bytes());
}

/// Ends the answer, then reads (a bounded amount, for a bounded time)
/// what the client may still be sending: closing with unread bytes would
/// reset the connection and could drop the answer before it is read.
fn close_gently(stream: &TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let deadline = Instant::now() + Duration::from_millis(500);
    let mut reader = stream;
    let mut sink = [0u8; 4096];
    let mut left = 1usize << 20;
    while left > 0 {
        let time = deadline.saturating_duration_since(Instant::now());
        if time.is_zero() || stream.set_read_timeout(Some(time)).is_err() {
            break;
        }
        match reader.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => left = left.saturating_sub(n),
        }
    }
}

fn serve_connection(stream: &Arc<TcpStream>, id: u64, front: &Front) {
    let limits = front.limits;
    let head = match read_head(stream, limits.head_timeout) {
        Ok(head) => head,
        Err(HeadError::Closed) => return,
        Err(HeadError::TimedOut) => {
            return refuse(stream, 408, "Request Timeout", "the request took too long");
        }
        Err(HeadError::LineTooLong) => {
            return refuse(stream, 414, "URI Too Long", "the request line is too long");
        }
        Err(HeadError::TooLarge) => {
            return refuse(
                stream,
                431,
                "Request Header Fields Too Large",
                "the request headers are too large",
            );
        }
    };
    // Made room for another meanwhile? Then the client was closed on.
    if front.registry().waiting.remove(&id).is_none() {
        return;
    }
    let _ = stream.set_write_timeout(Some(limits.write_timeout));
    let _ = stream.set_nodelay(true);
    if !relay(&head, stream, &front.backend) {
        refuse(
            stream,
            503,
            "Service Unavailable",
            "the server is busy; try again",
        );
    }
}

enum HeadError {
    Closed,
    TimedOut,
    LineTooLong,
    TooLarge,
}

/// Reads until the end of the request head, within `timeout` in all;
/// returns the head and whatever came with it.
fn read_head(stream: &TcpStream, timeout: Duration) -> Result<Vec<u8>, HeadError> {
    let deadline = Instant::now() + timeout;
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    let mut reader = stream;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(if buf.is_empty() {
                HeadError::Closed
            } else {
                HeadError::TimedOut
            });
        }
        let _ = stream.set_read_timeout(Some(left));
        let n = match reader.read(&mut chunk) {
            Ok(0) => return Err(HeadError::Closed),
            Ok(n) => n,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => continue,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(_) => return Err(HeadError::Closed),
        };
        let scanned = buf.len();
        buf.extend_from_slice(&chunk[..n]);
        match scan_head(&buf, scanned) {
            // What came after the head (a short body) goes along: tiny_http
            // reads a small body before it hands the request on.
            Head::Complete(_) => return Ok(buf),
            Head::Incomplete => {}
            Head::LineTooLong => return Err(HeadError::LineTooLong),
            Head::TooLarge => return Err(HeadError::TooLarge),
        }
    }
}

/// Sends `head` to tiny_http and copies its answer to `client`. False when
/// tiny_http could not be reached or did not answer in time, before
/// anything was sent to the client.
fn relay(head: &[u8], client: &TcpStream, backend: &Arc<super::http::Backend>) -> bool {
    let Ok(mut inner) = TcpStream::connect_timeout(&backend.addr(), Duration::from_secs(5)) else {
        return false;
    };
    let _ = inner.set_nodelay(true);
    if inner.write_all(head).is_err() {
        return false;
    }
    // No second request follows: tiny_http stops reading after this one.
    let _ = inner.shutdown(Shutdown::Write);
    let _ = inner.set_read_timeout(Some(BACKEND_FIRST_BYTE));
    let mut buf = vec![0u8; 16 * 1024];
    let mut sent_any = false;
    let mut writer = client;
    loop {
        let n = match inner.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                if !sent_any {
                    // tiny_http is stuck (its accept thread may have stopped).
                    backend.restart();
                }
                return sent_any;
            }
            Err(_) => return sent_any,
        };
        if n == 0 {
            close_gently(client);
            return true;
        }
        if !sent_any {
            sent_any = true;
            let _ = inner.set_read_timeout(Some(BACKEND_IDLE));
        }
        if writer.write_all(&buf[..n]).is_err() {
            return true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_cap_fits_the_descriptor_limit() {
        assert_eq!(connections_for(256), 48);
        assert_eq!(connections_for(1024), 192);
        assert_eq!(connections_for(8192), 512);
        assert_eq!(connections_for(20), 4);
        for fds in [64, 100, 256, 1024, 4096] {
            let used = connections_for(fds) as u64 * FDS_PER_CONNECTION;
            assert!(used + 16 <= fds || fds < 100, "{fds}: {used}");
        }
    }

    #[test]
    fn heads_are_found_across_reads() {
        let head = b"GET / HTTP/1.1\r\nHost: x\r\n\r\nbody";
        assert_eq!(scan_head(head, 0), Head::Complete(head.len() - 4));
        assert_eq!(scan_head(&head[..20], 0), Head::Incomplete);
        // The blank line split over two reads.
        assert_eq!(scan_head(&head[..27], 24), Head::Complete(27));
        assert_eq!(scan_head(&head[..26], 24), Head::Incomplete);
        assert_eq!(scan_head(b"GET / HTTP/1.1\r\n", 0), Head::Incomplete);
    }

    #[test]
    fn long_lines_and_heads_are_refused() {
        let mut line = b"GET /".to_vec();
        line.extend(std::iter::repeat_n(b'a', MAX_REQUEST_LINE));
        assert_eq!(scan_head(&line, 0), Head::LineTooLong);
        let mut head = b"GET / HTTP/1.1\r\nCookie: ".to_vec();
        head.extend(std::iter::repeat_n(b'a', MAX_HEAD));
        assert_eq!(scan_head(&head, 0), Head::TooLarge);
        let mut big_but_whole = b"GET / HTTP/1.1\r\nCookie: ".to_vec();
        big_but_whole.extend(std::iter::repeat_n(b'a', MAX_HEAD / 2));
        big_but_whole.extend(b"\r\n\r\n");
        assert_eq!(
            scan_head(&big_but_whole, 0),
            Head::Complete(big_but_whole.len())
        );
    }
}
