//! Finding and reading the site's own files (content/, static/, templates/,
//! themes/): which symbolic links are followed and which files are never
//! read.
//!
//! A site folder may come from someone else (a contributed branch built in
//! CI), so a link that leads out of the site folder is not followed unless
//! the config says so (`follow_outside_links = true`): otherwise
//! `ln -s /proc/self/environ content/env.txt` would publish the build's
//! environment. Files that are not regular files (fifos, sockets, devices)
//! and files under /proc, /sys and /dev are never read, whatever the config
//! says. Each file left out is named in a warning. This module does not
//! decide what a file is for (`content`, `templates`, `site::extras` do).

use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, Diagnostics, Kind};

/// The site folder and how links leaving it are treated.
#[derive(Debug, Clone)]
pub struct Sources {
    /// The site folder, with every link in its path resolved.
    root: PathBuf,
    follow_outside: bool,
}

/// A regular file found under a folder.
#[derive(Debug, Clone)]
pub struct Found {
    /// The path as walked (through links), to read it from.
    pub path: PathBuf,
    /// `/`-separated path under the walked folder.
    pub rel: String,
}

/// Folders of the running system whose files are never read: they hold
/// the process's environment, keys and devices, not site files.
const SYSTEM_FOLDERS: [&str; 3] = ["/proc", "/sys", "/dev"];

impl Sources {
    pub fn new(site_root: &Path, follow_outside: bool) -> Sources {
        let root = site_root
            .canonicalize()
            .or_else(|_| std::path::absolute(site_root))
            .unwrap_or_else(|_| site_root.to_path_buf());
        Sources {
            root,
            follow_outside,
        }
    }

    /// Why the file or folder at `path` (reached through a link) must not
    /// be read, if it must not.
    fn refusal(&self, path: &Path) -> Option<String> {
        let Ok(real) = path.canonicalize() else {
            return None;
        };
        // A folder whose own name is no link is reached through one above.
        let leads = if path.is_symlink() {
            "is a link to"
        } else {
            "is reached through a link, to"
        };
        if SYSTEM_FOLDERS.iter().any(|dir| real.starts_with(dir)) {
            return Some(format!(
                "{leads} {}, a file of the running system; it is never read",
                real.display()
            ));
        }
        if !self.follow_outside && !real.starts_with(&self.root) {
            return Some(format!(
                "{leads} {}, outside the site folder; it is left out",
                real.display()
            ));
        }
        None
    }

    /// Reads one file named by the site (`theme.toml`), refusing what
    /// [`Sources::walk`] would leave out.
    pub fn read_one(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        if let Some(why) = self.refusal(path) {
            return Err(std::io::Error::other(format!("this {why}")));
        }
        read(path)
    }

    /// Opens one file the way [`Sources::read_one`] reads it, with its
    /// length: for serving a big file without holding it in memory.
    pub fn open(&self, path: &Path) -> std::io::Result<(std::fs::File, u64)> {
        if let Some(why) = self.refusal(path) {
            return Err(std::io::Error::other(format!("this {why}")));
        }
        let meta = std::fs::metadata(path)?;
        if !meta.is_file() {
            return Err(std::io::Error::other("not a regular file"));
        }
        let file = std::fs::File::open(path)?;
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(std::io::Error::other("not a regular file"));
        }
        Ok((file, meta.len()))
    }

    /// Every regular file under `dir` (shown as `display` in messages),
    /// sorted, without hidden and editor files. What is left out and why
    /// goes to `diags`: links out of the site and special files as
    /// warnings, link loops and unreadable names as errors.
    pub fn walk(&self, dir: &Path, display: &Path, diags: &mut Diagnostics) -> Vec<Found> {
        self.walk_except(dir, display, &|_| false, diags)
    }

    /// [`Sources::walk`], leaving out every file and folder (with all it
    /// holds) for which `left_out` says so, without a word.
    pub fn walk_except(
        &self,
        dir: &Path,
        display: &Path,
        left_out: &dyn Fn(&walkdir::DirEntry) -> bool,
        diags: &mut Diagnostics,
    ) -> Vec<Found> {
        let mut found = Vec::new();
        if !dir.is_dir() {
            return found;
        }
        let shown = |path: &Path| -> PathBuf {
            path.strip_prefix(dir)
                .map(|rel| display.join(rel))
                .unwrap_or_else(|_| path.to_path_buf())
        };
        let mut refused = Vec::new();
        let walker = walkdir::WalkDir::new(dir)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                if e.depth() > 0
                    && (crate::content::is_ignored(&e.file_name().to_string_lossy()) || left_out(e))
                {
                    return false;
                }
                // The folder itself is checked too: `themes/x` may be a
                // link while `themes/x/static` is not. Followed out of the
                // site, every folder is: a link to `/` must not reach /proc.
                let outside_folder = self.follow_outside && e.file_type().is_dir();
                if e.depth() > 0 && !e.path_is_symlink() && !outside_folder {
                    return true;
                }
                match self.refusal(e.path()) {
                    Some(why) => {
                        refused.push((e.path().to_path_buf(), why));
                        false
                    }
                    None => true,
                }
            });
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    let path = err.path().map(Path::to_path_buf).unwrap_or_default();
                    diags.push(walk_error(&err, shown(&path)));
                    continue;
                }
            };
            let file_type = entry.file_type();
            if file_type.is_dir() {
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(dir) else {
                continue;
            };
            let shown = display.join(rel);
            if !file_type.is_file() {
                diags.push(
                    Diagnostic::warning(
                        Kind::Io,
                        format!(
                            "{} is not a regular file; it is never read",
                            special(&file_type)
                        ),
                    )
                    .in_file(shown),
                );
                continue;
            }
            let Some(rel) = rel.to_str() else {
                diags.push(
                    Diagnostic::error(Kind::Io, "the file name is not valid UTF-8")
                        .in_file(shown)
                        .with_help("rename it: names become URLs, which must be UTF-8"),
                );
                continue;
            };
            if rel.contains('\\') {
                diags.push(
                    Diagnostic::warning(
                        Kind::Io,
                        "the file name has a backslash, which cannot be part of a URL path; it is left out",
                    )
                    .in_file(shown)
                    .with_help("rename it without `\\` (use `/` folders or `-`)"),
                );
                continue;
            }
            found.push(Found {
                path: entry.path().to_path_buf(),
                rel: crate::content::rel_string(Path::new(rel)),
            });
        }
        for (path, why) in refused {
            let warning =
                Diagnostic::warning(Kind::Io, format!("this {why}")).in_file(shown(&path));
            diags.push(if why.ends_with("left out") {
                warning.with_help(
                    "links inside the site folder are followed; set `follow_outside_links = true` in rolebook.toml to follow links you trust",
                )
            } else {
                warning
            });
        }
        found
    }
}

/// Reads `rolebook.toml`, which says whether links out are followed: a
/// link out of the site folder or a special file is refused, with a
/// message saying why (its text could otherwise show in error messages).
pub fn read_site_file(site_root: &Path, path: &Path) -> std::io::Result<Vec<u8>> {
    Sources::new(site_root, false).read_one(path)
}

/// Reads a file found by [`Sources::walk`], refusing anything that is not
/// a regular file now (a file swapped for a fifo would block the build).
pub fn read(path: &Path) -> std::io::Result<Vec<u8>> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::other(format!(
            "{} is not a regular file",
            special(&meta.file_type())
        )));
    }
    std::fs::read(path)
}

fn walk_error(err: &walkdir::Error, shown: PathBuf) -> Diagnostic {
    if err.loop_ancestor().is_some() {
        return Diagnostic::error(
            Kind::Io,
            "symbolic link loop: this link points to a folder that contains it",
        )
        .in_file(shown)
        .with_help("remove the link, or point it at a folder outside this one");
    }
    let dangling = err
        .io_error()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound)
        && err.path().is_some_and(|p| p.is_symlink());
    if dangling {
        let target = err
            .path()
            .and_then(|p| std::fs::read_link(p).ok())
            .map(|t| t.display().to_string())
            .unwrap_or_default();
        return Diagnostic::warning(
            Kind::Io,
            format!("this is a link to {target}, which does not exist; it is left out"),
        )
        .in_file(shown);
    }
    Diagnostic::error(Kind::Io, format!("cannot read: {err}")).in_file(shown)
}

/// What kind of special file this is, for messages.
fn special(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "this is a fifo (named pipe), which";
        }
        if file_type.is_socket() {
            return "this is a socket, which";
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return "this is a device, which";
        }
    }
    let _ = file_type;
    "this"
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn messages(diags: &Diagnostics) -> Vec<String> {
        diags
            .iter()
            .map(|d| {
                let path = d
                    .location
                    .as_ref()
                    .map(|l| l.path.display().to_string())
                    .unwrap_or_default();
                format!("{path}: {}", d.message)
            })
            .collect()
    }

    #[test]
    fn links_inside_are_followed_and_links_outside_are_not() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "s").unwrap();
        let site = tempfile::tempdir().unwrap();
        let dir = site.path().join("static");
        std::fs::create_dir_all(dir.join("a")).unwrap();
        std::fs::write(dir.join("a/real.txt"), "r").unwrap();
        symlink(dir.join("a/real.txt"), dir.join("inside.txt")).unwrap();
        symlink(outside.path().join("secret.txt"), dir.join("secret.txt")).unwrap();
        symlink(outside.path(), dir.join("elsewhere")).unwrap();

        let mut diags = Diagnostics::new();
        let found = Sources::new(site.path(), false).walk(&dir, Path::new("static"), &mut diags);
        let rels: Vec<&str> = found.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["a/real.txt", "inside.txt"]);
        let outside_real = outside.path().canonicalize().unwrap();
        assert_eq!(
            messages(&diags),
            [
                format!(
                    "static/elsewhere: this is a link to {}, outside the site folder; it is left out",
                    outside_real.display()
                ),
                format!(
                    "static/secret.txt: this is a link to {}, outside the site folder; it is left out",
                    outside_real.join("secret.txt").display()
                ),
            ]
        );
        assert!(!diags.has_errors());

        let mut diags = Diagnostics::new();
        let found = Sources::new(site.path(), true).walk(&dir, Path::new("static"), &mut diags);
        let rels: Vec<&str> = found.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(
            rels,
            [
                "a/real.txt",
                "elsewhere/secret.txt",
                "inside.txt",
                "secret.txt"
            ]
        );
        assert!(diags.is_empty());
    }

    #[test]
    fn system_files_are_never_read_even_when_trusted() {
        let site = tempfile::tempdir().unwrap();
        let dir = site.path().join("content");
        std::fs::create_dir_all(&dir).unwrap();
        symlink("/proc/self/environ", dir.join("env.txt")).unwrap();
        let mut diags = Diagnostics::new();
        let found = Sources::new(site.path(), true).walk(&dir, Path::new("content"), &mut diags);
        assert!(found.is_empty());
        let shown = messages(&diags);
        assert_eq!(shown.len(), 1);
        assert!(
            shown[0].starts_with("content/env.txt: this is a link to /proc/"),
            "{shown:?}"
        );
        assert!(shown[0].ends_with("a file of the running system; it is never read"));
    }

    #[test]
    fn a_file_swapped_for_a_link_out_is_not_opened() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("key"), "secret").unwrap();
        let site = tempfile::tempdir().unwrap();
        let file = site.path().join("static/big.bin");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "video").unwrap();
        let sources = Sources::new(site.path(), false);
        let (_, len) = sources.open(&file).unwrap();
        assert_eq!(len, 5);
        std::fs::remove_file(&file).unwrap();
        symlink(outside.path().join("key"), &file).unwrap();
        let err = sources.open(&file).unwrap_err().to_string();
        assert!(
            err.ends_with("outside the site folder; it is left out"),
            "{err}"
        );
        std::fs::remove_file(&file).unwrap();
        symlink("/proc/self/environ", &file).unwrap();
        assert!(sources.open(&file).is_err());
        assert!(
            read(Path::new("/dev/null")).is_err(),
            "a device is never read"
        );
    }

    #[test]
    fn system_folders_are_refused_however_they_are_reached() {
        let site = tempfile::tempdir().unwrap();
        let trusted = Sources::new(site.path(), true);
        let why = trusted.refusal(Path::new("/proc/1")).unwrap();
        assert_eq!(
            why,
            "is reached through a link, to /proc/1, a file of the running system; it is never read"
        );
        assert!(trusted.refusal(site.path()).is_none());
    }
}
