//! The rendered site as an in-memory map of files, and writing it out.
//!
//! Writing is atomic from the reader's side: everything goes to a staging
//! folder beside the output, which is swapped into place only when complete,
//! so a failed build leaves the previous site as it was. rolebook never
//! replaces a folder it did not create (it marks its own).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::error::{Diagnostic, Kind};

/// Marks an output folder as rolebook's, so it may be replaced.
pub const MARKER: &str = ".rolebook-output";

/// Applied to every HTML file as it is added (relative links, live reload).
pub type HtmlFilter = Arc<dyn Fn(&str, String) -> String + Send + Sync>;

/// The files of a build. In memory (serve answers from it), or spilled: each
/// file goes straight to a staging folder as it is added and only its path
/// is kept, so a big site is never held in memory whole.
#[derive(Default)]
pub struct Output {
    /// Shared, so serve can make the next output from this one cheaply.
    files: BTreeMap<String, Arc<Vec<u8>>>,
    spill: Option<PathBuf>,
    /// Keep paths only, write nothing (`check`).
    discard: bool,
    filter: Option<HtmlFilter>,
    errors: Vec<Diagnostic>,
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Output")
            .field("files", &self.files.len())
            .field("spill", &self.spill)
            .finish()
    }
}

impl Output {
    pub fn new() -> Self {
        Output::default()
    }

    /// An output that writes each file into a staging folder beside `dest`
    /// as it is added; `write_atomic(dest)` then swaps it into place.
    pub fn spilling_to(dest: &Path) -> Result<Output, Diagnostic> {
        check_replaceable(dest)?;
        let staging = staging_path(dest, "staging");
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::create_dir_all(&staging).map_err(|e| io(&staging, &e))?;
        let mut output = Output::default();
        output.spill = Some(staging);
        Ok(output)
    }

    /// An output that keeps paths but no bytes: for checking a site.
    pub fn discarding() -> Output {
        let mut output = Output::default();
        output.discard = true;
        output
    }

    pub fn set_html_filter(&mut self, filter: HtmlFilter) {
        self.filter = Some(filter);
    }

    /// Errors met while spilling files to disk.
    pub fn take_errors(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.errors)
    }

    /// Adds a file at `path` (relative, `/`-separated). Returns false, and
    /// keeps the first, when the path is taken or would leave the folder.
    pub fn insert(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> bool {
        let path = path.into();
        if !is_safe(&path) || self.files.contains_key(&path) {
            return false;
        }
        let bytes = self.prepare(&path, bytes.into());
        self.files.insert(path, Arc::new(bytes));
        true
    }

    /// Adds or replaces.
    pub fn set(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        let path = path.into();
        if is_safe(&path) {
            let bytes = self.prepare(&path, bytes.into());
            self.files.insert(path, Arc::new(bytes));
        }
    }

    /// Filters HTML, and in spill mode writes the file and keeps nothing.
    fn prepare(&mut self, path: &str, bytes: Vec<u8>) -> Vec<u8> {
        let bytes = match (&self.filter, path.ends_with(".html")) {
            (Some(filter), true) => match String::from_utf8(bytes) {
                Ok(html) => filter(path, html).into_bytes(),
                Err(e) => e.into_bytes(),
            },
            _ => bytes,
        };
        if self.discard {
            return Vec::new();
        }
        let Some(dir) = &self.spill else { return bytes };
        let target = dir.join(path);
        let written = target
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&target, &bytes));
        if let Err(e) = written {
            self.errors.push(io(&target, &e));
        }
        Vec::new()
    }

    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(|b| b.as_slice())
    }

    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    pub fn remove(&mut self, path: &str) -> Option<Arc<Vec<u8>>> {
        self.files.remove(path)
    }

    /// The files, taken out.
    pub fn into_files(mut self) -> Vec<(String, Arc<Vec<u8>>)> {
        std::mem::take(&mut self.files).into_iter().collect()
    }

    /// Adds or replaces a file as it is, unfiltered.
    pub fn put(&mut self, path: String, bytes: Arc<Vec<u8>>) {
        if is_safe(&path) {
            self.files.insert(path, bytes);
        }
    }

    /// An in-memory copy sharing every file's bytes with this one: the
    /// start of the next output when only a few files change.
    pub fn share(&self) -> Output {
        let mut output = Output::default();
        output.files = self.files.clone();
        output
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &[u8])> {
        self.files.iter().map(|(p, b)| (p, b.as_slice()))
    }

    pub fn paths(&self) -> impl Iterator<Item = &String> {
        self.files.keys()
    }

    /// Writes every file under `dest` through a staging folder, then swaps.
    pub fn write_atomic(&mut self, dest: &Path) -> Result<(), Diagnostic> {
        check_replaceable(dest)?;
        let old = staging_path(dest, "old");
        match self.spill.take() {
            Some(staging) => {
                let marked =
                    std::fs::write(staging.join(MARKER), MARKER_TEXT).map_err(|e| io(&staging, &e));
                let result = marked.and_then(|()| swap(&staging, dest, &old));
                if result.is_err() {
                    let _ = std::fs::remove_dir_all(&staging);
                }
                result
            }
            None => {
                let staging = staging_path(dest, "staging");
                let _ = std::fs::remove_dir_all(&staging);
                let result = self
                    .write_all(&staging)
                    .and_then(|()| swap(&staging, dest, &old));
                if result.is_err() {
                    let _ = std::fs::remove_dir_all(&staging);
                }
                result
            }
        }
    }

    fn write_all(&self, dir: &Path) -> Result<(), Diagnostic> {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, &e))?;
        let mut folders: Vec<PathBuf> = self
            .files
            .keys()
            .filter_map(|p| Path::new(p).parent().map(|d| dir.join(d)))
            .collect();
        folders.dedup();
        for folder in &folders {
            std::fs::create_dir_all(folder).map_err(|e| io(folder, &e))?;
        }
        self.files.par_iter().try_for_each(|(path, bytes)| {
            let target = dir.join(path);
            std::fs::write(&target, bytes.as_slice()).map_err(|e| io(&target, &e))
        })?;
        std::fs::write(dir.join(MARKER), MARKER_TEXT).map_err(|e| io(dir, &e))
    }
}

impl Drop for Output {
    /// A spilled build that never reached `write_atomic` leaves nothing behind.
    fn drop(&mut self) {
        if let Some(staging) = &self.spill {
            let _ = std::fs::remove_dir_all(staging);
        }
    }
}

const MARKER_TEXT: &str = "This folder is written by rolebook and replaced on every build.\n";

/// `.public.rolebook-staging-PID` beside `public`.
fn staging_path(dest: &Path, what: &str) -> PathBuf {
    let parent = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    parent.join(format!(".{name}.rolebook-{what}-{}", std::process::id()))
}

fn io(path: &Path, err: &std::io::Error) -> Diagnostic {
    Diagnostic::error(Kind::Output, format!("cannot write the output: {err}")).in_file(path)
}

/// An output path must be relative and stay inside the folder.
pub fn is_safe(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.contains('\0')
        && path
            .split('/')
            .all(|seg| !seg.is_empty() && seg != "." && seg != "..")
}

/// The folder may be replaced when it does not exist, is empty, or was
/// written by rolebook.
fn check_replaceable(dest: &Path) -> Result<(), Diagnostic> {
    if !dest.exists() {
        return Ok(());
    }
    if !dest.is_dir() {
        return Err(
            Diagnostic::error(Kind::Output, "the output path exists and is not a folder")
                .in_file(dest)
                .with_help("choose another folder with -o, or move the file away"),
        );
    }
    if dest.join(MARKER).exists() {
        return Ok(());
    }
    let empty = std::fs::read_dir(dest)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false);
    if empty {
        return Ok(());
    }
    Err(Diagnostic::error(
        Kind::Output,
        "the output folder has files rolebook did not write; it will not replace them",
    )
    .in_file(dest)
    .with_help("choose another folder with -o, or empty this one"))
}

fn swap(staging: &Path, dest: &Path, old: &Path) -> Result<(), Diagnostic> {
    let had_old = dest.exists();
    if had_old {
        let _ = std::fs::remove_dir_all(old);
        std::fs::rename(dest, old).map_err(|e| io(dest, &e))?;
    }
    if let Err(e) = std::fs::rename(staging, dest) {
        if had_old {
            let _ = std::fs::rename(old, dest);
        }
        return Err(io(dest, &e));
    }
    if had_old {
        let _ = std::fs::remove_dir_all(old);
    }
    Ok(())
}

/// Rewrites the root-relative links of an HTML file at `path` (output
/// path) so they are relative and name `index.html`: the site then works
/// from `file://`.
pub fn relativize(html: &str, path: &str, base_path: &str) -> String {
    let depth = path.matches('/').count();
    let up = "../".repeat(depth);
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    loop {
        let next = ["href=\"", "src=\"", "content=\"", "action=\""]
            .iter()
            .filter_map(|attr| rest.find(attr).map(|i| (i, attr.len())))
            .min();
        let Some((i, len)) = next else {
            out.push_str(rest);
            break;
        };
        out.push_str(&rest[..i + len]);
        rest = &rest[i + len..];
        let end = rest.find('"').unwrap_or(rest.len());
        let value = &rest[..end];
        match value.strip_prefix(base_path) {
            Some(tail) if value.starts_with('/') => {
                let (tail, fragment) = tail
                    .split_once('#')
                    .map_or((tail, None), |(t, f)| (t, Some(f)));
                let mut link = format!("{up}{tail}");
                if link.is_empty() || link.ends_with('/') {
                    link.push_str("index.html");
                }
                out.push_str(&link);
                if let Some(f) = fragment {
                    out.push('#');
                    out.push_str(f);
                }
            }
            _ => out.push_str(value),
        }
        rest = &rest[end..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_paths_are_refused() {
        let mut o = Output::new();
        for bad in [
            "../x",
            "/etc/passwd",
            "a/../../b",
            "a\\b",
            "",
            "a//b",
            "./a",
        ] {
            assert!(!o.insert(bad, "x"), "{bad}");
        }
        assert!(o.insert("a/b.html", "x"));
        assert!(!o.insert("a/b.html", "y"), "first write wins");
    }

    #[test]
    fn safe_paths_never_leave_the_folder() {
        let parts = ["..", ".", "a", "", "/", "\\", "b.html", "%2e", "\0", "C:"];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            let mut path = String::new();
            for _ in 0..(x % 7) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                path.push_str(parts[(x % parts.len() as u64) as usize]);
            }
            x = x.wrapping_add(1);
            if is_safe(&path) {
                let joined = Path::new("/out").join(&path);
                assert!(joined.starts_with("/out"), "{path:?}");
                assert!(
                    joined.components().all(|c| matches!(
                        c,
                        std::path::Component::Normal(_) | std::path::Component::RootDir
                    )),
                    "{path:?}"
                );
            }
        }
    }

    #[test]
    fn relative_links_for_file_urls() {
        let html = r#"<a href="/hb/roles/x/#top">x</a><img src="/hb/img/a.png"><a href="https://e.org/">e</a><a href="/hb/">h</a>"#;
        let out = relativize(html, "roles/index.html", "/hb/");
        assert_eq!(
            out,
            r#"<a href="../roles/x/index.html#top">x</a><img src="../img/a.png"><a href="https://e.org/">e</a><a href="../index.html">h</a>"#
        );
    }

    #[test]
    fn refuses_to_replace_a_foreign_folder() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out");
        std::fs::create_dir_all(&dest).unwrap();
        std::fs::write(dest.join("mine.txt"), "keep me").unwrap();
        let mut o = Output::new();
        o.insert("index.html", "hi");
        assert!(o.write_atomic(&dest).is_err());
        assert_eq!(
            std::fs::read_to_string(dest.join("mine.txt")).unwrap(),
            "keep me"
        );
    }

    #[test]
    fn replaces_its_own_folder() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("public");
        let mut o = Output::new();
        o.insert("a.html", "1");
        o.write_atomic(&dest).unwrap();
        let mut o2 = Output::new();
        o2.insert("b.html", "2");
        o2.write_atomic(&dest).unwrap();
        assert!(!dest.join("a.html").exists());
        assert_eq!(std::fs::read_to_string(dest.join("b.html")).unwrap(), "2");
    }
}
