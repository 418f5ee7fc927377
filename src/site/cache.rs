//! Reusing rendered Markdown between builds of one `serve` session.
//!
//! A page's HTML depends on its own text and on the rest of the site only
//! through links (URLs of other pages and assets), shortcodes (templates,
//! data) and the Markdown options (config). The cache keys each page by a
//! hash of its text, and the whole cache by a hash of all the rest but the
//! data, so an edit to one page re-renders that page's Markdown alone, a
//! data edit the pages that link to data items or run shortcodes, and a
//! change to the config, a shortcode template or the set of pages all again.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};

use super::render::RenderedPage;
use crate::error::Diagnostics;

#[derive(Default)]
pub struct RenderCache {
    state: Mutex<State>,
    /// Pages whose Markdown the last build rendered (not reused).
    rendered: std::sync::atomic::AtomicUsize,
}

impl std::fmt::Debug for RenderCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RenderCache")
    }
}

#[derive(Default)]
struct State {
    env: u64,
    /// The data files the pages were rendered with.
    data: u64,
    pages: HashMap<String, (u64, Arc<RenderedPage>, Diagnostics)>,
}

pub fn hash_of(value: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

impl RenderCache {
    pub fn new() -> Self {
        RenderCache::default()
    }

    /// The entries still valid under `env` with data files `data`: rel
    /// path -> (text hash, page, diagnostics). Pages that read data are
    /// dropped when the data changed.
    pub fn take(
        &self,
        env: u64,
        data: u64,
    ) -> HashMap<String, (u64, Arc<RenderedPage>, Diagnostics)> {
        let Ok(mut state) = self.state.lock() else {
            return HashMap::new();
        };
        if state.env != env {
            state.pages.clear();
        }
        let mut pages = std::mem::take(&mut state.pages);
        if state.data != data {
            pages.retain(|_, (_, page, _)| !page.reads_data);
        }
        pages
    }

    /// How many pages the last build had to render.
    pub fn last_rendered(&self) -> usize {
        self.rendered.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Keeps this build's pages for the next one; `rendered` counts those
    /// that were not reused.
    pub fn store(
        &self,
        (env, data): (u64, u64),
        pages: HashMap<String, (u64, Arc<RenderedPage>, Diagnostics)>,
        rendered: usize,
    ) {
        self.rendered
            .store(rendered, std::sync::atomic::Ordering::Relaxed);
        if let Ok(mut state) = self.state.lock() {
            state.env = env;
            state.data = data;
            state.pages = pages;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::RenderCache;
    use crate::site::{BuildOptions, Project, build};

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("rolebook.toml", "title = \"t\"\n");
        write("templates/page.html", "{{ page.content | safe }}");
        write("templates/section.html", "{{ section.content | safe }}");
        write(
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\nSee [a](@/a.md).\n",
        );
        write(
            "content/a.md",
            "+++\ntitle = \"A\"\n+++\nAlpha, see [b](b.md#two).\n",
        );
        write(
            "content/b.md",
            "+++\ntitle = \"B\"\n+++\n## One\n\n## Two\n",
        );
        dir
    }

    #[test]
    fn an_edit_renders_only_that_page_again() {
        let dir = site();
        let project = Project::new(dir.path());
        let cache = Arc::new(RenderCache::new());
        let opts = BuildOptions {
            cache: Some(cache.clone()),
            ..BuildOptions::default()
        };
        build(&project, &opts).unwrap();
        assert_eq!(cache.last_rendered(), 3);
        std::fs::write(
            dir.path().join("content/a.md"),
            "+++\ntitle = \"A\"\n+++\nAlpha changed, see [b](b.md#two).\n",
        )
        .unwrap();
        let built = build(&project, &opts).unwrap();
        assert_eq!(cache.last_rendered(), 1, "only the edited page");
        let a = String::from_utf8(built.output.get("a/index.html").unwrap().to_vec()).unwrap();
        assert!(a.contains("Alpha changed"), "{a}");
        // A change that moves URLs invalidates everything.
        std::fs::write(
            dir.path().join("content/c.md"),
            "+++\ntitle = \"C\"\n+++\nNew.\n",
        )
        .unwrap();
        build(&project, &opts).unwrap();
        assert_eq!(cache.last_rendered(), 4);
        // A page template is not used by Markdown: nothing to render again.
        std::fs::write(
            dir.path().join("templates/page.html"),
            "<main>{{ page.content | safe }}</main>",
        )
        .unwrap();
        let built = build(&project, &opts).unwrap();
        assert_eq!(cache.last_rendered(), 0, "a page template keeps the cache");
        let a = String::from_utf8(built.output.get("a/index.html").unwrap().to_vec()).unwrap();
        assert!(a.starts_with("<main>"), "{a}");
        // A shortcode is.
        std::fs::create_dir_all(dir.path().join("templates/shortcodes")).unwrap();
        std::fs::write(
            dir.path().join("templates/shortcodes/note.html"),
            "<aside>{{ body }}</aside>",
        )
        .unwrap();
        build(&project, &opts).unwrap();
        assert_eq!(cache.last_rendered(), 4, "a shortcode renders all again");
        // A broken anchor is still found with the cache.
        std::fs::write(
            dir.path().join("content/b.md"),
            "+++\ntitle = \"B\"\n+++\n## One\n",
        )
        .unwrap();
        let err = build(&project, &opts).unwrap_err();
        assert!(
            err.render(false).contains("broken anchor"),
            "{}",
            err.render(false)
        );
    }
}
