//! Edit-to-reload time of `rolebook serve`: starts the server on a free port
//! of 127.0.0.1, opens the live-reload stream as a browser would, edits one
//! page several times and prints the time from each write to the `reload`
//! event naming that page. The debounce quiet time is included: this is
//! what a writer waits for.
//!
//! ```text
//! python3 /work/shared/bench/gen_corpus.py --pages 10000 --out /tmp/serve-bench-10k --flavor rolebook --clean
//! cargo build --release
//! cargo run --release --example serve_edit -- /tmp/serve-bench-10k [target/release/rolebook] [runs] [text|title]
//! ```
//!
//! The site is edited in place (one page gets a line appended, or with
//! `title` a new title, then is put back), so point it at a generated copy.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let site = PathBuf::from(args.next().unwrap_or_else(|| "/tmp/serve-bench-10k".into()));
    let binary = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "target/release/rolebook".into()),
    );
    let runs: usize = args.next().map_or(Ok(7), |r| r.parse())?;
    let retitle = match args.next().as_deref() {
        None | Some("text") => false,
        Some("title") => true,
        Some(other) => return Err(format!("edit `text` or `title`, not `{other}`").into()),
    };
    let binary =
        std::fs::canonicalize(&binary).map_err(|e| format!("{}: {e}", binary.display()))?;
    let page = pick_page(&site.join("content"))?;
    let original = std::fs::read_to_string(&page)?;
    let rel = page.strip_prefix(site.join("content"))?.with_extension("");
    let url = format!("\"/{}/\"", rel.to_string_lossy().replace('\\', "/"));

    let started = Instant::now();
    let mut child = Command::new(&binary)
        .args(["serve", "--port", "0"])
        .current_dir(&site)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let _server = Server(child);
    let (lines_tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout)
            .lines()
            .map_while(std::result::Result::ok)
        {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let first = lines.recv_timeout(Duration::from_secs(120))?;
    println!("{first}  [{} ms from spawn]", started.elapsed().as_millis());
    let port: u16 = first
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .ok_or("no port in the start line")?
        .parse()?;

    let mut events = TcpStream::connect(("127.0.0.1", port))?;
    events.set_read_timeout(Some(Duration::from_secs(120)))?;
    write!(
        events,
        "GET /__rolebook/events?since=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )?;
    read_until(&mut events, "retry: 1000\n\n")?;

    let mut times = Vec::new();
    for run in 0..runs {
        std::thread::sleep(Duration::from_millis(300));
        let start = Instant::now();
        let edited = if retitle {
            original.replacen("title = \"", &format!("title = \"Edit {run}: "), 1)
        } else {
            format!("{original}\nEdit number {run}.\n")
        };
        std::fs::write(&page, edited)?;
        loop {
            let event = read_until(&mut events, "\n\n")?;
            if event.contains("event: failed") {
                return Err(format!("the edit did not build: {event}").into());
            }
            if event.contains("event: reload")
                && (event.contains(&url) || event.contains("\"all\""))
            {
                break;
            }
        }
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        let message = lines
            .recv_timeout(Duration::from_secs(5))
            .unwrap_or_default();
        println!("edit {run}: reload event after {ms:.0} ms  | {message}");
        times.push(ms);
    }
    std::fs::write(&page, &original)?;
    times.sort_by(f64::total_cmp);
    println!(
        "{} edits of {}: median {:.0} ms, min {:.0} ms, max {:.0} ms (edit to reload event)",
        times.len(),
        page.display(),
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
    Ok(())
}

/// A page, not a section, deep in the tree.
fn pick_page(content: &Path) -> Result<PathBuf> {
    let mut dirs = vec![content.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        if let Some(page) = entries
            .iter()
            .find(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("_index.md"))
        {
            return Ok(page.clone());
        }
        dirs.extend(entries.into_iter().filter(|p| p.is_dir()));
    }
    Err(format!("no page under {}", content.display()).into())
}

fn read_until(stream: &mut TcpStream, end: &str) -> Result<String> {
    let mut text = Vec::new();
    let mut byte = [0u8; 1];
    while !text.ends_with(end.as_bytes()) {
        if stream.read(&mut byte)? == 0 {
            return Err("the event stream closed".into());
        }
        text.push(byte[0]);
    }
    Ok(String::from_utf8_lossy(&text).into_owned())
}
