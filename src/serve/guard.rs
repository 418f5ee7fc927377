//! Surviving a panic in a rebuild: serve catches it, names it like a build
//! error (in the terminal and over the page in the browser) and keeps the
//! last good site.
//!
//! The panic hook is the process's: while a rebuild runs it keeps the
//! place of the first panic on the rebuild thread or one of the build's
//! worker threads (whose panics reach the rebuild thread) instead of
//! printing it; other panics print as usual.

use std::any::Any;
use std::panic::{AssertUnwindSafe, PanicHookInfo};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use crate::site::changes::ChangeSet;

static REBUILDING: AtomicBool = AtomicBool::new(false);
static PLACE: Mutex<Option<String>> = Mutex::new(None);

/// Test seam: a rebuild whose change set names this file (relative to the
/// site root, e.g. `content/boom.md`) panics on a build worker thread, as
/// a bug in the build would; a request for this path (e.g. `/boom/`)
/// panics while it is answered. Never set it outside tests.
pub const PANIC_VAR: &str = "ROLEBOOK_TEST_PANIC_ON";

fn panic_trigger() -> Option<&'static std::ffi::OsStr> {
    static TRIGGER: std::sync::OnceLock<Option<std::ffi::OsString>> = std::sync::OnceLock::new();
    TRIGGER
        .get_or_init(|| std::env::var_os(PANIC_VAR))
        .as_deref()
}

/// See [`PANIC_VAR`].
pub fn test_panic_request(path: &str) {
    if panic_trigger().is_some_and(|t| t == path) {
        panic!("test panic on a request for {path}");
    }
}

/// A caught panic: its message and, when known, where in rolebook it was.
#[derive(Debug)]
pub struct Panic {
    pub message: String,
    pub place: Option<String>,
}

impl Panic {
    /// The error shown in the terminal and the browser; `after` says which
    /// change the rebuild was for.
    pub fn describe(&self, after: Option<String>) -> String {
        let when = after.map_or("while building the site".to_string(), |a| {
            format!("while rebuilding after {a}")
        });
        let place = self
            .place
            .as_ref()
            .map(|p| format!("\n  = note: {p}"))
            .unwrap_or_default();
        format!(
            "error: rolebook stopped unexpectedly {when}: {}{place}\n  \
             = help: this is a bug in rolebook, not in the site: please report it with \
             the file named above",
            self.message
        )
    }
}

/// Where a panic happened: the innermost rolebook function on the stack
/// (the panic itself may be in the standard library) and the panic's place.
fn place_of(info: &PanicHookInfo<'_>) -> String {
    let at = info
        .location()
        .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
    let trace = std::backtrace::Backtrace::force_capture().to_string();
    let function = trace
        .lines()
        .filter_map(|line| line.trim().split_once(": ").map(|(_, f)| f.trim()))
        .find(|f| f.starts_with("rolebook::") && !f.starts_with("rolebook::serve::guard"))
        .map(str::to_string);
    match (function, at) {
        (Some(f), Some(at)) => format!("in {f} (panicked at {at})"),
        (Some(f), None) => format!("in {f}"),
        (None, Some(at)) => format!("panicked at {at}"),
        (None, None) => "at an unknown place".to_string(),
    }
}

pub fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info: &PanicHookInfo<'_>| {
        if REBUILDING.load(Ordering::SeqCst) && on_build_thread() {
            let mut place = PLACE.lock().unwrap_or_else(PoisonError::into_inner);
            if place.is_none() {
                *place = Some(place_of(info));
            }
        } else {
            default(info);
        }
    }));
}

/// Names of the threads a build runs on: the rebuild thread and the
/// build's worker threads (see `serve::run`).
pub const REBUILD_THREAD: &str = "rolebook-rebuild";
pub const WORKER_THREAD_PREFIX: &str = "rolebook-build-";

fn on_build_thread() -> bool {
    std::thread::current()
        .name()
        .is_some_and(|n| n == REBUILD_THREAD || n.starts_with(WORKER_THREAD_PREFIX))
}

/// Runs `f`, turning a panic into a [`Panic`].
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, Panic> {
    *PLACE.lock().unwrap_or_else(PoisonError::into_inner) = None;
    REBUILDING.store(true, Ordering::SeqCst);
    // Nothing `f` touched is used after a panic without being reset: see
    // `Session::panicked`.
    let result = std::panic::catch_unwind(AssertUnwindSafe(f));
    REBUILDING.store(false, Ordering::SeqCst);
    result.map_err(|payload| Panic {
        message: message_of(payload.as_ref()),
        place: PLACE.lock().unwrap_or_else(PoisonError::into_inner).take(),
    })
}

fn message_of(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

/// See [`PANIC_VAR`].
pub fn test_panic(changes: Option<&ChangeSet>) {
    let Some(changes) = changes else { return };
    let Some(trigger) = panic_trigger() else {
        return;
    };
    if changes.changes.keys().any(|p| p.as_os_str() == trigger) {
        // On a worker thread, as a panic in a parallel stage would be.
        rayon::join(
            || panic!("test panic on {}", trigger.to_string_lossy()),
            || (),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_with_its_message() {
        let caught = catch(|| -> u32 { panic!("capacity overflow") });
        let panic = caught.expect_err("it panicked");
        assert_eq!(panic.message, "capacity overflow");
        let text = panic.describe(Some("1 change (content/team/metrics.toml)".into()));
        assert!(
            text.starts_with(
                "error: rolebook stopped unexpectedly while rebuilding after 1 change \
                 (content/team/metrics.toml): capacity overflow"
            ),
            "{text}"
        );
        assert_eq!(catch(|| 7).expect("no panic"), 7);
    }
}
