//! The live-reload script injected into every page in serve mode, and the
//! server-sent events it listens to.
//!
//! The server adds the script to each HTML page as it answers (see
//! `http::page_body`), so it exists only in serve mode, never in any build
//! output, and a page that did not change keeps its bytes. It knows the
//! generation of the build the page was served from and opens an EventSource on
//! `/__rolebook/events?since=GEN` on the same port as the pages. Events:
//!
//! - `reload` `{generation, changed}`: a build finished; `changed` lists the
//!   URL paths whose output changed (or is `"all"`). The page reloads when
//!   its own path is listed, or when it is showing a build error.
//! - `css` `{generation}`: only stylesheets changed; the script fetches its
//!   own page again and swaps the `<link rel="stylesheet">` elements in place.
//! - `failed` `{message}`: the last change did not build; an overlay shows the
//!   diagnostics over the last good page.
//!
//! A hidden tab closes its connection (browsers allow about six per host) and
//! reopens it when shown again, with the generation it last saw, so the
//! server can replay what it missed. `reload` and `css` events carry that
//! generation as their `id`: a stream the server closes to make room for a
//! newer one (see `State::stream_opened`) is reopened by the EventSource
//! itself, which sends it back as `Last-Event-ID`.

use serde_json::json;

/// Where the script connects, and the status endpoint beside it.
pub const EVENTS_PATH: &str = "/__rolebook/events";
pub const STATUS_PATH: &str = "/__rolebook/status";
/// Every path the server keeps for itself starts with this.
pub const RESERVED_PREFIX: &str = "/__rolebook/";

/// The `<script>` for pages of build `generation`, served under `base`
/// (`/`, `/handbook/`): events name pages by their path under it.
pub fn script(generation: u64, base: &str) -> String {
    SCRIPT
        .replace("__GENERATION__", &generation.to_string())
        // `<` escaped: a base path cannot close the script.
        .replace("__BASE__", &json!(base).to_string().replace('<', "\\u003c"))
}

/// A server-sent event, ready to write.
pub fn event(name: &str, data: &serde_json::Value) -> String {
    format!("event: {name}\ndata: {data}\n\n")
}

/// An event that ends build `generation`: its id is the generation, which
/// an EventSource sends back as `Last-Event-ID` when it reconnects.
fn build_event(name: &str, generation: u64, data: &serde_json::Value) -> String {
    format!("event: {name}\ndata: {data}\nid: {generation}\n\n")
}

pub fn reload_event(generation: u64, changed: &Changed) -> String {
    let changed = match changed {
        Changed::All => json!("all"),
        Changed::Paths(paths) => json!(paths),
    };
    build_event(
        "reload",
        generation,
        &json!({ "generation": generation, "changed": changed }),
    )
}

pub fn css_event(generation: u64) -> String {
    build_event("css", generation, &json!({ "generation": generation }))
}

pub fn failed_event(message: &str) -> String {
    event("failed", &json!({ "message": message }))
}

/// Which URL paths a build changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    All,
    Paths(Vec<String>),
}

const SCRIPT: &str = r#"<script data-rolebook-live-reload>
(() => {
  "use strict";
  let generation = __GENERATION__;
  const base = __BASE__;
  let source = null;
  let overlay = null;
  const here = () => {
    let path = location.pathname;
    try { path = decodeURIComponent(path); } catch (_) {}
    if (path.startsWith(base)) path = "/" + path.slice(base.length);
    return path.replace(/index\.html$/, "");
  };
  const showError = (message) => {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:1.5rem 2rem;" +
        "background:rgba(24,24,27,.95);color:#fafafa;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;";
      const title = document.createElement("p");
      title.style.cssText = "margin:0 0 1rem;font-weight:bold;color:#fca5a5";
      title.textContent = "rolebook: the last change did not build. This is the last good version; fix the file and the page reloads.";
      const hide = document.createElement("button");
      hide.textContent = "Hide";
      hide.style.cssText = "float:right;font:inherit";
      hide.onclick = () => { overlay.style.display = "none"; };
      const pre = document.createElement("pre");
      pre.style.cssText = "margin:0;white-space:pre-wrap";
      overlay.append(hide, title, pre);
      document.body.appendChild(overlay);
    }
    overlay.style.display = "block";
    overlay.querySelector("pre").textContent = message;
  };
  const swapStylesheets = () => {
    fetch(location.href, { cache: "no-store" }).then((r) => r.text()).then((html) => {
      const selector = 'link[rel~="stylesheet"]';
      const fresh = new DOMParser().parseFromString(html, "text/html").querySelectorAll(selector);
      const old = document.querySelectorAll(selector);
      if (fresh.length !== old.length) { location.reload(); return; }
      old.forEach((link, i) => {
        let href = fresh[i].getAttribute("href");
        if (href === link.getAttribute("href")) {
          const url = new URL(href, location.href);
          url.searchParams.set("rolebook", String(generation));
          href = url.href;
        }
        const next = link.cloneNode();
        next.setAttribute("href", href);
        next.onload = () => link.remove();
        link.after(next);
      });
    }).catch(() => location.reload());
  };
  const connect = () => {
    if (source) return;
    source = new EventSource("/__rolebook/events?since=" + generation);
    source.addEventListener("reload", (e) => {
      const d = JSON.parse(e.data);
      generation = d.generation;
      if (overlay || d.changed === "all" || d.changed.includes(here())) location.reload();
    });
    source.addEventListener("css", (e) => {
      generation = JSON.parse(e.data).generation;
      if (overlay) location.reload(); else swapStylesheets();
    });
    source.addEventListener("failed", (e) => showError(JSON.parse(e.data).message));
  };
  const disconnect = () => {
    if (source) { source.close(); source = null; }
  };
  document.addEventListener("visibilitychange", () => (document.hidden ? disconnect() : connect()));
  if (!document.hidden) connect();
})();
</script>
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_carries_its_generation() {
        let s = script(42, "/handbook/");
        assert!(s.contains("let generation = 42;"));
        assert!(s.contains("const base = \"/handbook/\";"), "{s}");
        let odd = script(1, "/a</script>b/");
        assert_eq!(odd.matches("</script>").count(), 1, "{odd}");
        assert!(
            odd.contains("const base = \"/a\\u003c/script>b/\";"),
            "{odd}"
        );
        assert!(s.contains(EVENTS_PATH));
        assert!(!s.contains("__GENERATION__"));
    }

    #[test]
    fn events_are_one_json_line() {
        let e = failed_event("content/a.md:2:1: error: bad\nline two");
        assert!(e.starts_with("event: failed\ndata: {"));
        assert_eq!(e.matches('\n').count(), 3, "{e}");
        let r = reload_event(3, &Changed::Paths(vec!["/a/".into()]));
        assert_eq!(
            r,
            "event: reload\ndata: {\"changed\":[\"/a/\"],\"generation\":3}\nid: 3\n\n"
        );
    }
}
