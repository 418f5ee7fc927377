//! The output folder on disk: what a build keeps in it (hidden files,
//! the `keep` list, files rolebook did not write), the marker listing
//! what rolebook wrote, folders killed builds left, and the swap itself,
//! by rename or, for a folder that cannot be renamed, by contents.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::{MARKER, io, staging_path};
use crate::error::{Diagnostic, Diagnostics, Kind};

/// The second line of a marker that lists the files rolebook wrote; a
/// marker without it (older builds) claims every file but hidden ones.
const MANIFEST_LINE: &str =
    "# Files it wrote follow, one a line; on the next build, any other file here is kept.\n";

pub(super) const MARKER_TEXT: &str =
    "# This folder is written by rolebook and replaced on every build.\n";

pub(super) type Rename<'a> = dyn Fn(&Path, &Path) -> std::io::Result<()> + 'a;

/// The marker's text for a build that wrote `files`.
pub(super) fn manifest<'a>(files: impl Iterator<Item = &'a String>) -> String {
    let mut text = format!("{MARKER_TEXT}{MANIFEST_LINE}");
    for path in files {
        text.push_str(path);
        text.push('\n');
    }
    text
}

/// The files the build that wrote `dest` listed in its marker: `None`
/// when the marker lists none.
fn written_before(dest: &Path) -> Option<HashSet<String>> {
    let text = std::fs::read_to_string(dest.join(MARKER)).ok()?;
    let mut lines = text.lines();
    lines.next();
    if lines.next() != Some(MANIFEST_LINE.trim_end()) {
        return None;
    }
    Some(lines.map(str::to_string).collect())
}

/// Cleans up after builds that were killed: folders named by
/// [`staging_path`] beside `dest` (and the contents swap's inside it) of a
/// process that no longer runs, with rolebook's marker inside. A complete
/// staging folder (its marker lists its files) becomes the output folder
/// when that is missing (a build killed between the two renames of its
/// swap). Otherwise the files the marker lists are removed; what else is
/// there (a user's files, carried when the build was killed) is moved back
/// into the output folder, or named in a warning when it cannot be.
pub(super) fn remove_stale(dest: &Path) -> Diagnostics {
    let mut warnings = Diagnostics::new();
    let (parent, staging) = super::staging_prefix(dest, "staging");
    let beside = [staging.clone(), super::staging_prefix(dest, "old").1];
    let inside = [IN_PLACE_OLD.to_string()];
    for (dir, prefixes) in [(parent, &beside[..]), (dest, &inside[..])] {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut entries: Vec<_> = entries.flatten().collect();
        // Staging folders first: one may become the output folder.
        entries.sort_by_key(|e| !e.file_name().to_string_lossy().starts_with(&staging));
        for entry in entries {
            let file_name = entry.file_name();
            let Some(file_name) = file_name.to_str() else {
                continue;
            };
            let pid = prefixes
                .iter()
                .find_map(|p| file_name.strip_prefix(p.as_str()))
                .and_then(|pid| pid.parse::<u32>().ok());
            let Some(pid) = pid else { continue };
            let path = entry.path();
            let ours = path.join(MARKER).is_file() && !path.is_symlink();
            if !ours || pid == std::process::id() || process_alive(pid) {
                continue;
            }
            let listed = written_before(&path);
            if listed.is_some() && file_name.starts_with(&staging) && !dest.exists() {
                if std::fs::rename(&path, dest).is_ok() {
                    warnings.push(
                        Diagnostic::warning(
                            Kind::Output,
                            "a build was stopped while it swapped this folder; its complete output was put back",
                        )
                        .in_file(dest),
                    );
                }
                continue;
            }
            let Some(listed) = listed else {
                // Stopped while rendering: only rolebook's files are there.
                let _ = std::fs::remove_dir_all(&path);
                continue;
            };
            for rel in &listed {
                let _ = std::fs::remove_file(path.join(rel));
            }
            let _ = std::fs::remove_file(path.join(MARKER));
            let left = salvage(&path, dest);
            if left.is_empty() {
                let _ = std::fs::remove_dir_all(&path);
            } else {
                warnings.push(
                    Diagnostic::warning(
                        Kind::Output,
                        format!(
                            "a build that was stopped left files rolebook did not write here: {}",
                            list(&left)
                        ),
                    )
                    .in_file(&path)
                    .with_help(format!(
                        "move them back into {}, then delete this folder",
                        dest.display()
                    )),
                );
            }
        }
    }
    warnings
}

/// Moves the files left in a stale folder back into `dest` where nothing
/// is in their place; returns those that stay.
fn salvage(stale: &Path, dest: &Path) -> Vec<String> {
    let mut left = Vec::new();
    let walker = walkdir::WalkDir::new(stale)
        .min_depth(1)
        .contents_first(true);
    for entry in walker.into_iter().flatten() {
        let Ok(rel) = entry.path().strip_prefix(stale) else {
            continue;
        };
        let rel = crate::content::rel_string(rel);
        if entry.file_type().is_dir() {
            let _ = std::fs::remove_dir(entry.path());
            continue;
        }
        let target = dest.join(&rel);
        let moved = dest.is_dir()
            && target.symlink_metadata().is_err()
            && target
                .parent()
                .is_none_or(|p| std::fs::create_dir_all(p).is_ok())
            && std::fs::rename(entry.path(), &target).is_ok();
        if !moved {
            left.push(rel);
        }
    }
    left.sort();
    left
}

/// Whether process `pid` runs; when it cannot be told (no /proc), it is
/// taken to run, so nothing of a running build is removed.
fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

/// The paths of the output folder that a build keeps, from the config's
/// `keep` list (globs relative to the output folder: `CNAME`,
/// `downloads/**`, `*.pdf`; `*` stays within a folder, `**` crosses them).
#[derive(Debug, Clone, Default)]
pub struct Keep {
    globs: Option<globset::GlobSet>,
}

impl Keep {
    /// The globs, or a message naming the first one that is not valid.
    pub fn new(patterns: &[String]) -> Result<Keep, String> {
        if patterns.is_empty() {
            return Ok(Keep::default());
        }
        let mut set = globset::GlobSetBuilder::new();
        for pattern in patterns {
            let path = pattern.trim_start_matches("./").trim_matches('/');
            let glob = globset::GlobBuilder::new(path)
                .literal_separator(true)
                .build()
                .map_err(|e| format!("`keep` has an invalid pattern {pattern:?}: {}", e.kind()))?;
            set.add(glob);
        }
        let set = set.build().map_err(|e| format!("`keep`: {e}"))?;
        Ok(Keep { globs: Some(set) })
    }

    fn matches(&self, rel: &str) -> bool {
        self.globs.as_ref().is_some_and(|g| g.is_match(rel))
    }
}

/// The folder may be replaced when it does not exist, is empty, was
/// written by rolebook, or holds only what a build keeps (a fresh Git
/// worktree with its `.git` file and `CNAME`).
pub(super) fn check_replaceable(dest: &Path, keep: &Keep) -> Result<(), Diagnostic> {
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
    let foreign = unkept_files(dest, keep);
    if foreign.is_empty() {
        return Ok(());
    }
    Err(Diagnostic::error(
        Kind::Output,
        format!(
            "the output folder has files rolebook did not write ({}); it will not replace them",
            list(&foreign)
        ),
    )
    .in_file(dest)
    .with_help(
        "choose another folder with -o, empty this one, or name what to keep in `keep` in rolebook.toml",
    ))
}

/// The files under `dest` that are neither hidden (nor in a hidden
/// folder) nor named by `keep`.
fn unkept_files(dest: &Path, keep: &Keep) -> Vec<String> {
    let mut out = Vec::new();
    let walker = walkdir::WalkDir::new(dest)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker.flatten() {
        if entry.file_type().is_dir() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dest) else {
            continue;
        };
        let rel = crate::content::rel_string(rel);
        if !keep.matches(&rel) {
            out.push(rel);
        }
    }
    out
}

/// Refuses an output folder inside one of `sources` (folder, name): the
/// next build would read the last one back (`-o content/pub` nests each
/// build in the next). Links in the part of the path that exists count.
pub fn check_not_inside(dest: &Path, sources: &[(PathBuf, &str)]) -> Result<(), Diagnostic> {
    let resolve = |p: &Path| {
        std::path::absolute(p)
            .map(|p| normalize(&p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let shown = dest;
    let dest = resolve(dest);
    let real = |p: &Path| p.canonicalize().unwrap_or_else(|_| resolve(p));
    for (dir, name) in sources {
        let inside = dest.starts_with(resolve(dir))
            || real_parent(&dest).is_some_and(|d| d.starts_with(real(dir)));
        if inside {
            return Err(Diagnostic::error(
                Kind::Output,
                format!(
                    "the output folder {} is inside the {name} folder, so each build would read the last one",
                    shown.display()
                ),
            )
            .with_help("choose an output folder outside content/, static/, templates/ and themes/ (the default is public/)"));
        }
    }
    Ok(())
}

/// The path with `.` and `..` parts worked out, without touching the disk.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `dest` with links resolved in the part that exists.
fn real_parent(dest: &Path) -> Option<PathBuf> {
    let mut existing = dest;
    let mut rest = Vec::new();
    while !existing.exists() {
        rest.push(existing.file_name()?);
        existing = existing.parent()?;
    }
    let mut real = existing.canonicalize().ok()?;
    for part in rest.iter().rev() {
        real.push(part);
    }
    Some(real)
}

/// `a, b, c and 4 more`.
fn list(names: &[String]) -> String {
    let mut shown = names.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    if names.len() > 5 {
        shown.push_str(&format!(" and {} more", names.len() - 5));
    }
    shown
}

/// What a build does with the files already in the output folder.
#[derive(Debug, Default)]
struct Plan {
    /// Kept: moved into the new output (whole folders for hidden ones).
    carry: Vec<String>,
    /// rolebook's own files of the last build: replaced.
    drop: Vec<String>,
    warnings: Diagnostics,
}

/// Sorts what is in `dest` into kept and replaced. `staging` holds the
/// new build: where it writes a path that was kept, the build's file
/// wins, with a warning unless the two are the same. A marker of an
/// earlier rolebook, which did not list its files, claims only the paths
/// this build writes again: the rest is kept and named.
fn plan(dest: &Path, staging: &Path, keep: &Keep) -> Plan {
    let listed = written_before(dest);
    let unlisted = listed.is_none() && dest.join(MARKER).is_file();
    let mut plan = Plan::default();
    let mut foreign = Vec::new();
    let mut replaced = Vec::new();
    let mut folders = vec![String::new()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(dest.join(&folder)) else {
            continue;
        };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = if folder.is_empty() {
                name.clone()
            } else {
                format!("{folder}/{name}")
            };
            if folder.is_empty() && (name == MARKER || name.starts_with(IN_PLACE_OLD)) {
                continue;
            }
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            let kept = name.starts_with('.') || keep.matches(&rel);
            let theirs = !kept
                && !is_dir
                && listed
                    .as_ref()
                    .map_or(unlisted, |files| !files.contains(&rel));
            if !kept && !theirs {
                if is_dir {
                    folders.push(rel);
                } else {
                    plan.drop.push(rel);
                }
                continue;
            }
            let new = staging.join(&rel);
            if new.symlink_metadata().is_ok() {
                // An unlisted old page the build writes again is rolebook's.
                let replaced_page = theirs && unlisted;
                if !replaced_page && !same_file_bytes(&entry.path(), &new) {
                    replaced.push(rel.clone());
                }
                plan.drop.push(rel);
            } else {
                if theirs {
                    foreign.push(rel.clone());
                }
                plan.carry.push(rel);
            }
        }
    }
    if !replaced.is_empty() {
        replaced.sort();
        let (one, many) = (replaced.len() == 1, replaced.len() > 1);
        plan.warnings.push(
            Diagnostic::warning(
                Kind::Output,
                format!(
                    "the build writes {} kept in the output folder, and replaces {}: {}",
                    if one { "a file" } else { "files" },
                    if many { "them" } else { "it" },
                    list(&replaced)
                ),
            )
            .in_file(dest)
            .with_help("remove the path from `keep`, or the file from the site's sources"),
        );
    }
    if !foreign.is_empty() {
        foreign.sort();
        plan.warnings.push(
            Diagnostic::warning(
                Kind::Output,
                format!(
                    "{} not written by rolebook {} kept in the output folder: {}",
                    if foreign.len() == 1 {
                        "a file"
                    } else {
                        "files"
                    },
                    if foreign.len() == 1 { "is" } else { "are" },
                    list(&foreign)
                ),
            )
            .in_file(dest)
            .with_help(if unlisted {
                "an earlier rolebook did not list the files it wrote: delete these if they are stale pages, or add them to `keep` in rolebook.toml"
            } else {
                "add them to `keep` in rolebook.toml to silence this, or delete them"
            }),
        );
    }
    plan
}

/// Two regular files with the same bytes.
fn same_file_bytes(a: &Path, b: &Path) -> bool {
    let (Ok(ma), Ok(mb)) = (a.symlink_metadata(), b.symlink_metadata()) else {
        return false;
    };
    if !ma.is_file() || !mb.is_file() || ma.len() != mb.len() || ma.len() > 1 << 20 {
        return false;
    }
    matches!((std::fs::read(a), std::fs::read(b)), (Ok(x), Ok(y)) if x == y)
}

/// The folder a contents swap moves the last build's files to, inside the
/// output folder: `.rolebook-old-PID`.
const IN_PLACE_OLD: &str = ".rolebook-old-";

/// Moves `rel` from under `from` to under `to`, making folders on the way.
fn move_entry(from: &Path, to: &Path, rel: &str, rename: &Rename<'_>) -> std::io::Result<()> {
    let target = to.join(rel);
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    rename(&from.join(rel), &target)
}

/// Puts the staged build at `dest`, keeping what the plan keeps. The
/// folder is renamed aside and the staging folder renamed in its place;
/// when `dest` cannot be renamed (a mount point: "busy", or another
/// device), its contents are swapped instead.
pub(super) fn swap(
    staging: &Path,
    dest: &Path,
    keep: &Keep,
    rename: &Rename<'_>,
) -> Result<Diagnostics, Diagnostic> {
    if !dest.exists() {
        rename(staging, dest).map_err(|e| io(dest, &e))?;
        return Ok(Diagnostics::new());
    }
    let plan = plan(dest, staging, keep);
    // A link to the served folder stays a link: the folder's contents change.
    if dest.is_symlink() {
        return swap_contents(staging, dest, plan, rename);
    }
    let old = staging_path(dest, "old");
    let _ = std::fs::remove_dir_all(&old);
    if let Err(e) = rename(dest, &old) {
        if matches!(
            e.kind(),
            std::io::ErrorKind::ResourceBusy | std::io::ErrorKind::CrossesDevices
        ) {
            return swap_contents(staging, dest, plan, rename);
        }
        return Err(io(dest, &e));
    }
    // From here on a failure puts everything back as it was.
    let mut carried = Vec::new();
    let mut result = Ok(());
    for rel in &plan.carry {
        match move_entry(&old, staging, rel, rename) {
            Ok(()) => carried.push(rel),
            Err(e) => {
                result = Err(io(&dest.join(rel), &e));
                break;
            }
        }
    }
    if result.is_ok() {
        result = rename(staging, dest).map_err(|e| io(dest, &e));
    }
    if let Err(e) = result {
        for rel in carried {
            let _ = move_entry(staging, &old, rel, rename);
        }
        let _ = rename(&old, dest);
        return Err(e);
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(plan.warnings)
}

/// The swap for an output folder that cannot be renamed: the last build's
/// files are moved into a hidden folder inside it, the new ones moved (or
/// copied, from another device) in, then the hidden folder is removed.
/// Kept files never move. Not atomic: a reader may see a mix while it
/// runs, and a failure half way puts the old files back.
fn swap_contents(
    staging: &Path,
    dest: &Path,
    plan: Plan,
    rename: &Rename<'_>,
) -> Result<Diagnostics, Diagnostic> {
    let old = dest.join(format!("{IN_PLACE_OLD}{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&old);
    // Marked, so that a build killed now leaves a folder the next removes;
    // the folder's own marker stays until the new one replaces it.
    std::fs::create_dir_all(&old)
        .and_then(|()| std::fs::write(old.join(MARKER), MARKER_TEXT))
        .map_err(|e| io(&old, &e))?;
    let mut moved_out = Vec::new();
    let mut moved_in = Vec::new();
    let mut result = Ok(());
    for rel in &plan.drop {
        match move_entry(dest, &old, rel, rename) {
            Ok(()) => moved_out.push(rel.clone()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                result = Err(io(&dest.join(rel), &e));
                break;
            }
        }
    }
    if result.is_ok() {
        result = move_tree_in(staging, dest, "", rename, &mut moved_in);
    }
    if result.is_ok() {
        let (from, to) = (staging.join(MARKER), dest.join(MARKER));
        result = rename(&from, &to)
            .or_else(|_| std::fs::copy(&from, &to).map(|_| ()))
            .map_err(|e| io(&to, &e));
    }
    if let Err(e) = result {
        for rel in moved_in.iter().rev() {
            let _ = std::fs::remove_file(dest.join(rel));
        }
        for rel in &moved_out {
            let _ = move_entry(&old, dest, rel, rename);
        }
        let _ = std::fs::remove_dir_all(&old);
        return Err(e);
    }
    let _ = std::fs::remove_dir_all(&old);
    let _ = std::fs::remove_dir_all(staging);
    remove_empty_folders(dest, true);
    Ok(plan.warnings)
}

/// Moves every file under `from/rel` to `to/rel`, copying when a rename
/// cannot (another device), and notes each file moved.
fn move_tree_in(
    from: &Path,
    to: &Path,
    rel: &str,
    rename: &Rename<'_>,
    moved: &mut Vec<String>,
) -> Result<(), Diagnostic> {
    let here = from.join(rel);
    let entries = std::fs::read_dir(&here).map_err(|e| io(&here, &e))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if rel.is_empty() && name == MARKER {
            continue; // last, once every file is in
        }
        let child = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        let target = to.join(&child);
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            std::fs::create_dir_all(&target).map_err(|e| io(&target, &e))?;
            move_tree_in(from, to, &child, rename, moved)?;
            continue;
        }
        let source = entry.path();
        let done = rename(&source, &target).or_else(|e| {
            if e.kind() == std::io::ErrorKind::CrossesDevices
                || e.kind() == std::io::ErrorKind::ResourceBusy
            {
                copy_streaming(&source, &target)
            } else {
                Err(e)
            }
        });
        done.map_err(|e| io(&target, &e))?;
        moved.push(child);
    }
    Ok(())
}

/// Removes the folders left empty under `dir` by a contents swap, but not
/// hidden ones.
fn remove_empty_folders(dir: &Path, top: bool) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    let mut empty = true;
    for entry in entries.flatten() {
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if !(is_dir && !hidden && remove_empty_folders(&entry.path(), false)) {
            empty = false;
        }
    }
    if empty && !top {
        return std::fs::remove_dir(dir).is_ok();
    }
    false
}

/// Copies a file of any size in bounded memory, leaving holes where the
/// source has runs of zeros (a sparse file stays sparse).
pub fn copy_streaming(from: &Path, to: &Path) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom, Write};
    const CHUNK: usize = 1 << 20;
    let meta = std::fs::metadata(from)?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let mut source = std::fs::File::open(from)?;
    let mut target = std::fs::File::create(to)?;
    let mut buf = vec![0u8; CHUNK];
    let zeros = vec![0u8; CHUNK];
    let mut len: u64 = 0;
    loop {
        let mut filled = 0;
        while filled < CHUNK {
            match source.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if filled == 0 {
            break;
        }
        if buf[..filled] == zeros[..filled] {
            target.seek(SeekFrom::Current(filled as i64))?;
        } else {
            target.write_all(&buf[..filled])?;
        }
        len += filled as u64;
    }
    target.set_len(len)?;
    target.flush()
}

#[cfg(test)]
mod tests {
    use super::super::Output;
    use super::*;
    use std::path::PathBuf;

    fn tree(dir: &Path) -> Vec<String> {
        let mut out: Vec<String> = walkdir::WalkDir::new(dir)
            .into_iter()
            .flatten()
            .filter(|e| !e.file_type().is_dir())
            .map(|e| crate::content::rel_string(e.path().strip_prefix(dir).unwrap()))
            .collect();
        out.sort();
        out
    }

    /// A first build into `public`, then what a user adds there.
    fn built_and_used(dir: &Path) -> PathBuf {
        let dest = dir.join("public");
        let mut o = Output::new();
        o.insert("a.html", "1");
        o.insert("old/x.html", "x");
        o.write_atomic(&dest).unwrap();
        std::fs::write(dest.join(".git"), "gitdir: ../.git/worktrees/public\n").unwrap();
        std::fs::write(dest.join("notes.txt"), "mine").unwrap();
        std::fs::create_dir_all(dest.join("old/.well-known")).unwrap();
        std::fs::write(dest.join("old/.well-known/a.txt"), "w").unwrap();
        dest
    }

    #[test]
    fn a_folder_that_cannot_be_renamed_has_its_contents_swapped() {
        let dir = tempfile::tempdir().unwrap();
        let dest = built_and_used(dir.path());
        // A mount point: the folder cannot be renamed, and the staging
        // folder beside it is on another device.
        let mount = |from: &Path, to: &Path| -> std::io::Result<()> {
            if from == dest {
                return Err(std::io::ErrorKind::ResourceBusy.into());
            }
            if !from.starts_with(&dest) && to.starts_with(&dest) {
                return Err(std::io::ErrorKind::CrossesDevices.into());
            }
            std::fs::rename(from, to)
        };
        let mut o = Output::new();
        o.insert("b.html", "2");
        o.insert("new/y.html", "y");
        let warnings = o.write_atomic_with(&dest, &mount).unwrap();
        assert_eq!(
            tree(&dest),
            [
                ".git",
                ".rolebook-output",
                "b.html",
                "new/y.html",
                "notes.txt",
                "old/.well-known/a.txt"
            ]
        );
        assert_eq!(std::fs::read_to_string(dest.join("b.html")).unwrap(), "2");
        assert_eq!(
            std::fs::read_to_string(dest.join(MARKER)).unwrap(),
            format!("{MARKER_TEXT}{MANIFEST_LINE}b.html\nnew/y.html\n")
        );
        let messages: Vec<&str> = warnings.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            ["a file not written by rolebook is kept in the output folder: notes.txt"]
        );
        let beside: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(beside, ["public"], "no staging folder left");
    }

    #[test]
    fn a_contents_swap_that_fails_half_way_puts_everything_back() {
        let dir = tempfile::tempdir().unwrap();
        let dest = built_and_used(dir.path());
        let before = tree(&dest);
        let marker = std::fs::read_to_string(dest.join(MARKER)).unwrap();
        let failing = |from: &Path, to: &Path| -> std::io::Result<()> {
            if from == dest {
                return Err(std::io::ErrorKind::ResourceBusy.into());
            }
            if to.ends_with("new/y.html") {
                return Err(std::io::ErrorKind::StorageFull.into());
            }
            std::fs::rename(from, to)
        };
        let mut o = Output::new();
        o.insert("b.html", "2");
        o.insert("new/y.html", "y");
        assert!(o.write_atomic_with(&dest, &failing).is_err());
        assert_eq!(tree(&dest), before);
        assert_eq!(std::fs::read_to_string(dest.join(MARKER)).unwrap(), marker);
        assert_eq!(std::fs::read_to_string(dest.join("a.html")).unwrap(), "1");
    }

    #[test]
    fn a_failed_swap_keeps_the_users_files_where_they_were() {
        let dir = tempfile::tempdir().unwrap();
        let dest = built_and_used(dir.path());
        let before = tree(&dest);
        // The last rename, of the staging folder into place, fails.
        let failing = |from: &Path, to: &Path| -> std::io::Result<()> {
            if to == dest && from.to_string_lossy().contains("staging") {
                return Err(std::io::ErrorKind::PermissionDenied.into());
            }
            std::fs::rename(from, to)
        };
        let mut o = Output::new();
        o.insert("b.html", "2");
        assert!(o.write_atomic_with(&dest, &failing).is_err());
        assert_eq!(tree(&dest), before);
    }

    #[test]
    fn keep_patterns_match_paths_in_the_output() {
        let keep = Keep::new(&["./CNAME".into(), "downloads/**".into(), "/*.pdf".into()]).unwrap();
        for yes in ["CNAME", "downloads/a.zip", "downloads/x/y.bin", "guide.pdf"] {
            assert!(keep.matches(yes), "{yes}");
        }
        for no in ["docs/CNAME", "downloads", "docs/guide.pdf", "cname"] {
            assert!(!keep.matches(no), "{no}");
        }
        assert_eq!(
            Keep::new(&["[".into()]).unwrap_err(),
            "`keep` has an invalid pattern \"[\": unclosed character class; missing ']'"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_sparse_file_is_copied_sparse() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let from = dir.path().join("big.bin");
        let file = std::fs::File::create(&from).unwrap();
        file.set_len(64 << 20).unwrap();
        drop(file);
        let to = dir.path().join("copy.bin");
        copy_streaming(&from, &to).unwrap();
        let meta = std::fs::metadata(&to).unwrap();
        assert_eq!(meta.len(), 64 << 20);
        assert!(meta.blocks() * 512 < 1 << 20, "{} blocks", meta.blocks());
    }

    #[cfg(unix)]
    #[test]
    fn an_output_folder_that_is_a_link_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let served = dir.path().join("www");
        let mut o = Output::new();
        o.insert("a.html", "1");
        o.write_atomic(&served).unwrap();
        std::fs::write(served.join("CNAME"), "example.org").unwrap();
        let dest = dir.path().join("public");
        std::os::unix::fs::symlink(&served, &dest).unwrap();
        let mut o = Output::new();
        o.insert("b.html", "2");
        o.write_atomic(&dest).unwrap();
        assert!(dest.is_symlink());
        assert_eq!(tree(&served), [".rolebook-output", "CNAME", "b.html"]);
    }

    #[test]
    fn a_marker_without_a_list_claims_only_what_the_build_writes_again() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("public");
        std::fs::create_dir_all(dest.join("guide")).unwrap();
        let old_marker = "This folder is written by rolebook and replaced on every build.\n";
        std::fs::write(dest.join(MARKER), old_marker).unwrap();
        std::fs::write(dest.join("index.html"), "old home").unwrap();
        std::fs::write(dest.join("guide/index.html"), "old guide").unwrap();
        std::fs::write(dest.join("notes.txt"), "mine").unwrap();
        let mut o = Output::new();
        o.insert("index.html", "home");
        let warnings = o.write_atomic(&dest).unwrap();
        assert_eq!(
            tree(&dest),
            [
                ".rolebook-output",
                "guide/index.html",
                "index.html",
                "notes.txt"
            ]
        );
        assert_eq!(
            std::fs::read_to_string(dest.join("index.html")).unwrap(),
            "home"
        );
        let messages: Vec<&str> = warnings.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "files not written by rolebook are kept in the output folder: guide/index.html, notes.txt"
            ]
        );
    }

    /// The id of a process that has ended.
    fn dead_pid() -> u32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let id = child.id();
        child.wait().unwrap();
        id
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_build_killed_between_its_renames_is_put_back_with_the_users_files() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("public");
        // Killed after `public` was renamed aside and `.git` carried into
        // the complete staging folder.
        let pid = dead_pid();
        let staging = dir.path().join(format!(".public.rolebook-staging-{pid}"));
        std::fs::create_dir_all(&staging).unwrap();
        std::fs::write(staging.join("a.html"), "new").unwrap();
        std::fs::write(staging.join(".git"), "gitdir: x").unwrap();
        std::fs::write(
            staging.join(MARKER),
            manifest([&"a.html".to_string()].into_iter()),
        )
        .unwrap();
        let old = dir.path().join(format!(".public.rolebook-old-{pid}"));
        std::fs::create_dir_all(&old).unwrap();
        std::fs::write(old.join("a.html"), "older").unwrap();
        std::fs::write(old.join("CNAME"), "example.org").unwrap();
        std::fs::write(
            old.join(MARKER),
            manifest([&"a.html".to_string()].into_iter()),
        )
        .unwrap();

        let mut o = Output::new();
        o.insert("b.html", "newest");
        let warnings = o.write_atomic(&dest).unwrap();
        assert_eq!(tree(&dest), [".git", ".rolebook-output", "CNAME", "b.html"]);
        assert!(!staging.exists() && !old.exists());
        let messages: Vec<&str> = warnings.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "a build was stopped while it swapped this folder; its complete output was put back",
                "a file not written by rolebook is kept in the output folder: CNAME",
            ]
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn user_files_left_in_a_stale_folder_are_named_when_they_cannot_go_back() {
        let dir = tempfile::tempdir().unwrap();
        let dest = built_and_used(dir.path());
        let old = dir
            .path()
            .join(format!(".public.rolebook-old-{}", dead_pid()));
        std::fs::create_dir_all(&old).unwrap();
        // The output folder has its own `notes.txt` now: this one stays.
        std::fs::write(old.join("notes.txt"), "older notes").unwrap();
        std::fs::write(old.join(MARKER), manifest(std::iter::empty())).unwrap();
        let mut o = Output::new();
        o.insert("b.html", "2");
        let warnings = o.write_atomic(&dest).unwrap();
        let messages: Vec<&str> = warnings.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages[0],
            "a build that was stopped left files rolebook did not write here: notes.txt"
        );
        assert_eq!(
            std::fs::read_to_string(old.join("notes.txt")).unwrap(),
            "older notes"
        );
        assert_eq!(
            std::fs::read_to_string(dest.join("notes.txt")).unwrap(),
            "mine"
        );
    }
}
