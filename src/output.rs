//! The rendered site as an in-memory map of files, and writing it out.
//!
//! Writing is atomic from the reader's side: everything goes to a staging
//! folder beside the output, which is swapped into place only when complete,
//! so a failed build leaves the previous site as it was. rolebook never
//! replaces a folder it did not create (it marks its own, listing the
//! files it wrote), and carries over what users keep in it: hidden files
//! and folders at any depth (`.git`, `.nojekyll`, `.well-known`), the
//! paths of the config's `keep` list, and any file the previous build did
//! not write (named in a warning). When the folder cannot be renamed (a
//! mount point), its contents are swapped instead.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::error::{Diagnostic, Diagnostics, Kind};

mod folder;
pub use folder::{Keep, check_not_inside, copy_streaming};
use folder::{MARKER_TEXT, Rename, check_replaceable, manifest, remove_stale, swap};

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
    /// Big files of an in-memory output: read from disk when asked for.
    on_disk: BTreeMap<String, Arc<OnDisk>>,
    /// What files on disk may be read (set before adding them).
    sources: Option<crate::sources::Sources>,
    spill: Option<PathBuf>,
    /// The folder a spilling output is for, to name files in messages.
    dest: Option<PathBuf>,
    keep: Keep,
    /// Keep paths only, write nothing (`check`).
    discard: bool,
    filter: Option<HtmlFilter>,
    errors: Vec<Diagnostic>,
}

impl Extend<(String, Vec<u8>)> for Output {
    /// Inserts each file as [`Output::insert`] does.
    fn extend<I: IntoIterator<Item = (String, Vec<u8>)>>(&mut self, files: I) {
        for (path, bytes) in files {
            self.insert(path, bytes);
        }
    }
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
    pub fn spilling_to(dest: &Path, keep: Keep) -> Result<Output, Diagnostic> {
        check_replaceable(dest, &keep)?;
        let stale = remove_stale(dest);
        let staging = staging_path(dest, "staging");
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::create_dir_all(&staging).map_err(|e| io(&staging, &e))?;
        // Marked from the start, so that a killed build's folder is known
        // as rolebook's and removed by the next build.
        std::fs::write(staging.join(MARKER), MARKER_TEXT).map_err(|e| io(&staging, &e))?;
        let mut output = Output::default();
        output.spill = Some(staging);
        output.dest = Some(dest.to_path_buf());
        output.keep = keep;
        output.errors.extend(stale);
        Ok(output)
    }

    /// What a build keeps in the output folder (for an in-memory output
    /// written with `write_atomic`).
    pub fn set_keep(&mut self, keep: Keep) {
        self.keep = keep;
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
        if self.spill.is_none() {
            return bytes;
        }
        self.spill_file(path, &bytes);
        Vec::new()
    }

    /// Writes a file into the staging folder of a spilling output.
    fn spill_file(&mut self, path: &str, bytes: &[u8]) {
        let Some(dir) = &self.spill else { return };
        let target = dir.join(path);
        if let Some(error) = self.name_too_long(path) {
            self.errors.push(error);
            return;
        }
        let written = target
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&target, bytes));
        if let Err(e) = written {
            let shown = self.shown(path);
            self.errors.push(io(&shown, &e));
        }
    }

    /// Adds a file as [`Output::insert`] does, from bytes it borrows: a
    /// spilling output writes them without a copy.
    pub fn insert_slice(&mut self, path: &str, bytes: &[u8]) -> bool {
        let filtered = self.filter.is_some() && path.ends_with(".html");
        if self.spill.is_none() || self.discard || filtered {
            return self.insert(path, bytes);
        }
        if !is_safe(path) || self.files.contains_key(path) {
            return false;
        }
        self.spill_file(path, bytes);
        self.files.insert(path.to_string(), Arc::default());
        true
    }

    /// Where the file at `path` ends up, for messages (not the staging folder).
    fn shown(&self, path: &str) -> PathBuf {
        self.dest.as_deref().unwrap_or(Path::new("")).join(path)
    }

    /// File systems allow names of at most [`MAX_NAME`] bytes.
    fn name_too_long(&self, path: &str) -> Option<Diagnostic> {
        let long = path.split('/').find(|seg| seg.len() > MAX_NAME)?;
        let start: String = long.chars().take(40).collect();
        Some(
            Diagnostic::error(
                Kind::Output,
                format!(
                    "the output path has a name of {} bytes (`{start}...`); file systems allow at most {MAX_NAME}",
                    long.len(),
                ),
            )
            .in_file(self.shown(path))
            .with_help("give the page a shorter `slug`, or rename its file"),
        )
    }

    /// Adds the file at `source` under `path` without holding it in memory
    /// when the output spills (it is streamed to the staging folder).
    /// Returns false, and keeps the first, when the path is taken.
    pub fn insert_file(&mut self, path: String, source: &Path) -> std::io::Result<bool> {
        if !is_safe(&path) || self.files.contains_key(&path) {
            return Ok(false);
        }
        if self.discard {
            self.files.insert(path, Arc::default());
            return Ok(true);
        }
        let filtered = self.filter.is_some() && path.ends_with(".html");
        let Some(dir) = self.spill.as_ref().filter(|_| !filtered) else {
            if let Some(sources) = self.sources.as_ref().filter(|_| !filtered) {
                let len = std::fs::metadata(source)?.len();
                if len > ON_DISK_FROM {
                    let file = OnDisk {
                        path: source.to_path_buf(),
                        sources: sources.clone(),
                    };
                    self.on_disk.insert(path, Arc::new(file));
                    return Ok(true);
                }
            }
            let bytes = crate::sources::read(source)?;
            return Ok(self.insert(path, bytes));
        };
        let target = dir.join(&path);
        if let Some(error) = self.name_too_long(&path) {
            self.errors.push(error);
            return Ok(true);
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        copy_streaming(source, &target)?;
        self.files.insert(path, Arc::default());
        Ok(true)
    }

    /// Adds or replaces with the file at `source`.
    pub fn replace_with_file(&mut self, path: String, source: &Path) -> std::io::Result<()> {
        self.files.remove(&path);
        self.insert_file(path, source).map(|_| ())
    }

    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(|b| b.as_slice())
    }

    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path) || self.on_disk.contains_key(path)
    }

    pub fn remove(&mut self, path: &str) -> Option<Arc<Vec<u8>>> {
        self.on_disk.remove(path);
        self.files.remove(path)
    }

    /// Sets what files added with [`Output::insert_file`] may be read:
    /// an in-memory output keeps big ones on disk, and reads them again
    /// when asked, through the same checks.
    pub fn set_sources(&mut self, sources: crate::sources::Sources) {
        self.sources = Some(sources);
    }

    /// A big file kept on disk, opened now with its current length: checked
    /// again, so a file swapped for a link out of the site since the build
    /// is refused. `None` when `path` is not such a file.
    pub fn open_on_disk(&self, path: &str) -> Option<std::io::Result<(std::fs::File, u64)>> {
        let file = self.on_disk.get(path)?;
        Some(file.sources.open(&file.path))
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
        output.on_disk = self.on_disk.clone();
        output
    }

    pub fn len(&self) -> usize {
        self.files.len() + self.on_disk.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && self.on_disk.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &[u8])> {
        self.files.iter().map(|(p, b)| (p, b.as_slice()))
    }

    pub fn paths(&self) -> impl Iterator<Item = &String> {
        self.files.keys()
    }

    /// Writes every file under `dest` through a staging folder, then swaps,
    /// carrying over what users keep there. Returns warnings: files kept
    /// that rolebook did not write, kept files a build replaced.
    pub fn write_atomic(&mut self, dest: &Path) -> Result<Diagnostics, Diagnostic> {
        self.write_atomic_with(dest, &|from, to| std::fs::rename(from, to))
    }

    /// [`Output::write_atomic`] with the rename to use: tests make it fail
    /// the way it does for a mount point.
    fn write_atomic_with(
        &mut self,
        dest: &Path,
        rename: &Rename<'_>,
    ) -> Result<Diagnostics, Diagnostic> {
        check_replaceable(dest, &self.keep)?;
        let mut stale = Diagnostics::new();
        let staging = match self.spill.take() {
            Some(staging) => staging,
            None => {
                stale = remove_stale(dest);
                let staging = staging_path(dest, "staging");
                let _ = std::fs::remove_dir_all(&staging);
                if let Err(e) = self.write_all(&staging) {
                    let _ = std::fs::remove_dir_all(&staging);
                    return Err(e);
                }
                staging
            }
        };
        let mut written: Vec<&String> = self.files.keys().chain(self.on_disk.keys()).collect();
        written.sort();
        let manifest = manifest(written.into_iter());
        let result = std::fs::write(staging.join(MARKER), manifest)
            .map_err(|e| io(&staging, &e))
            .and_then(|()| swap(&staging, dest, &self.keep, rename));
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&staging);
        }
        result.map(|warnings| {
            stale.extend(warnings);
            stale
        })
    }

    fn write_all(&self, dir: &Path) -> Result<(), Diagnostic> {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, &e))?;
        let mut folders: Vec<PathBuf> = self
            .files
            .keys()
            .chain(self.on_disk.keys())
            .filter_map(|p| Path::new(p).parent().map(|d| dir.join(d)))
            .collect();
        folders.dedup();
        for folder in &folders {
            std::fs::create_dir_all(folder).map_err(|e| io(folder, &e))?;
        }
        if let Some(error) = self.files.keys().find_map(|p| self.name_too_long(p)) {
            return Err(error);
        }
        self.files.par_iter().try_for_each(|(path, bytes)| {
            let target = dir.join(path);
            std::fs::write(&target, bytes.as_slice()).map_err(|e| io(&target, &e))
        })?;
        for (path, file) in &self.on_disk {
            let target = dir.join(path);
            copy_streaming(&file.path, &target).map_err(|e| io(&target, &e))?;
        }
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

/// An in-memory output (serve) keeps files bigger than this on disk.
pub const ON_DISK_FROM: u64 = 8 << 20;

/// A big file of an in-memory output, and what may be read.
#[derive(Debug)]
struct OnDisk {
    path: PathBuf,
    sources: crate::sources::Sources,
}

/// The longest file or folder name file systems allow, in bytes.
pub const MAX_NAME: usize = 255;

/// `.public.rolebook-staging-PID` beside `public`.
fn staging_path(dest: &Path, what: &str) -> PathBuf {
    let (parent, prefix) = staging_prefix(dest, what);
    parent.join(format!("{prefix}{}", std::process::id()))
}

/// The folder beside which `dest`'s `what` folders are made, and their
/// names up to the process id: `.public.rolebook-staging-`.
fn staging_prefix<'a>(dest: &'a Path, what: &str) -> (&'a Path, String) {
    let parent = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    (parent, format!(".{name}.rolebook-{what}-"))
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

    /// Borrowed bytes go straight to the staging folder of a spilling
    /// output, with the same rules as owned ones.
    #[test]
    fn borrowed_files_are_written_as_owned_ones() {
        let dir = tempfile::tempdir().expect("temp dir");
        let dest = dir.path().join("public");
        let mut spilling = Output::spilling_to(&dest, Keep::default()).expect("output");
        let mut memory = Output::new();
        for o in [&mut spilling, &mut memory] {
            assert!(o.insert_slice("js/app.js", b"let a;"));
            assert!(!o.insert_slice("js/app.js", b"let b;"), "first write wins");
            assert!(!o.insert_slice("../x.js", b"x"));
        }
        assert_eq!(memory.get("js/app.js"), Some(&b"let a;"[..]));
        assert!(spilling.paths().any(|p| p == "js/app.js"));
        spilling.write_atomic(&dest).expect("written");
        assert_eq!(
            std::fs::read(dest.join("js/app.js")).expect("file"),
            b"let a;"
        );
        assert!(!dir.path().join("x.js").exists());
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
