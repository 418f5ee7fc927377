//! Cutting a build short: serve asks for it when a newer edit arrives
//! while a full build runs, so the newer change set is built at once
//! instead of after a build whose result would be thrown away.
//!
//! A build checks [`Cancel::requested`] between its stages and before
//! each page's Markdown. A cancelled build returns an error that serve
//! drops; nothing it made is kept, so the last good site stays served.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// A flag shared by a build and whoever may cut it short. The default
/// can never be set: `build` and `check` run to the end.
#[derive(Debug, Clone, Default)]
pub struct Cancel {
    flag: Option<Arc<AtomicBool>>,
    /// Test seam: a pause before each page (see [`PAGE_DELAY_VAR`]).
    page_delay: Option<Duration>,
}

/// Test seam, read by serve only: milliseconds to wait before rendering
/// each page's Markdown, so that tests can make a full build last long
/// enough to be cut short. Never set it outside tests.
pub const PAGE_DELAY_VAR: &str = "ROLEBOOK_TEST_PAGE_DELAY_MS";

impl Cancel {
    /// A flag that [`Cancel::request`] on any clone sets.
    pub fn new() -> Cancel {
        let page_delay = std::env::var(PAGE_DELAY_VAR)
            .ok()
            .and_then(|v| v.parse().ok())
            .map(Duration::from_millis);
        Cancel {
            flag: Some(Arc::new(AtomicBool::new(false))),
            page_delay,
        }
    }

    pub fn request(&self) {
        if let Some(flag) = &self.flag {
            flag.store(true, Ordering::Relaxed);
        }
    }

    pub fn requested(&self) -> bool {
        self.flag
            .as_ref()
            .is_some_and(|flag| flag.load(Ordering::Relaxed))
    }

    /// Checked before each page: true when the build should stop.
    pub fn before_page(&self) -> bool {
        if let Some(delay) = self.page_delay
            && !self.requested()
        {
            std::thread::sleep(delay);
        }
        self.requested()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_reaches_every_clone() {
        let cancel = Cancel::new();
        let seen_by_build = cancel.clone();
        assert!(!seen_by_build.requested());
        cancel.request();
        assert!(seen_by_build.requested());
        assert!(seen_by_build.before_page());
    }

    #[test]
    fn the_default_is_never_cancelled() {
        let never = Cancel::default();
        never.request();
        assert!(!never.requested());
        assert!(!never.before_page());
    }
}
