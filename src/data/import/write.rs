//! Writing an import's files: all or nothing, never over a file the user
//! did not ask to replace.
//!
//! Every file is first written whole to a temporary file in its own folder
//! and flushed; only when all of them are written are they renamed over
//! their targets (a rename within one folder replaces a file in one step).
//! A failure before the renames removes the temporary files and leaves
//! every previous file as it was.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, Kind, io_error};

/// Writes `files` (path, text). Without `force`, an existing target is an
/// error naming it, and nothing is written.
pub fn write_all(files: &[(PathBuf, &str)], force: bool) -> Result<(), Vec<Diagnostic>> {
    if !force {
        let existing: Vec<Diagnostic> = files
            .iter()
            .filter(|(p, _)| p.exists())
            .map(|(p, _)| {
                Diagnostic::error(Kind::Data, "the file exists; nothing was written")
                    .in_file(p)
                    .with_help("pass --force to replace it, or -o to write elsewhere")
            })
            .collect();
        if !existing.is_empty() {
            return Err(existing);
        }
    }
    let mut temps: Vec<(PathBuf, &Path)> = Vec::new();
    for (path, text) in files {
        match write_temp(path, text) {
            Ok(temp) => temps.push((temp, path)),
            Err(d) => {
                for (temp, _) in &temps {
                    let _ = std::fs::remove_file(temp);
                }
                return Err(vec![d]);
            }
        }
    }
    let mut errors = Vec::new();
    for (temp, path) in &temps {
        if let Err(e) = std::fs::rename(temp, path) {
            let _ = std::fs::remove_file(temp);
            errors.push(io_error(path, &e));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Other data files in the targets' folders that declare the same schema
/// (`sprints.yaml` beside a new `sprints.toml`): the build refuses two files
/// of one schema in one folder, so the import refuses to make them.
/// `targets` are (path, schema name).
pub fn clashes(targets: &[(PathBuf, &str)]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (target, schema) in targets {
        let Some(dir) = target.parent() else { continue };
        let Ok(entries) = std::fs::read_dir(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        }) else {
            continue;
        };
        let mut others: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.file_name() != target.file_name())
            .filter(|p| crate::data::is_data_file(&p.to_string_lossy()))
            .collect();
        others.sort();
        for other in others {
            let Ok(text) = std::fs::read_to_string(&other) else {
                continue;
            };
            let name = other
                .file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into_owned());
            let declared = crate::data::parse_lenient(&name, &other, &text)
                .0
                .and_then(|f| f.schema.map(|s| s.name()));
            if declared == Some(*schema) {
                out.push(
                    Diagnostic::error(
                        Kind::Data,
                        format!(
                            "{} already holds a {schema} file; a second one in the same folder would clash",
                            other.display()
                        ),
                    )
                    .in_file(target)
                    .with_help(if *schema == "sprints" {
                        "pass --no-sprints to keep that file, or -o to import into another folder"
                    } else {
                        "write the backlog into another folder with -o, or remove the old file"
                    }),
                );
            }
        }
    }
    out
}

/// The new files read together with every other data file of the site, as
/// the next build will: the errors that name the new files (an id another
/// backlog already has, a sprint no sprints file holds...). Targets outside
/// `content_dir` are not part of the site and are not checked.
pub fn site_errors(content_dir: &Path, files: &[(PathBuf, &str)]) -> Vec<Diagnostic> {
    let rel = |p: &Path| -> Option<String> {
        let abs = std::path::absolute(p).ok()?;
        let root = std::path::absolute(content_dir).ok()?;
        let r = abs.strip_prefix(root).ok()?;
        Some(r.to_string_lossy().replace('\\', "/"))
    };
    let mut data = Vec::new();
    let mut ours = Vec::new();
    for (path, text) in files {
        let Some(r) = rel(path) else {
            return Vec::new();
        };
        match crate::data::parse(&r, path, text) {
            Ok(f) => data.push(f),
            Err(_) => return Vec::new(),
        }
        ours.push(path.clone());
    }
    let targets: Vec<String> = files.iter().filter_map(|(p, _)| rel(p)).collect();
    for entry in walkdir::WalkDir::new(content_dir)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .flatten()
    {
        let path = entry.path();
        let Some(r) = rel(path) else { continue };
        if !entry.file_type().is_file() || !crate::data::is_data_file(&r) || targets.contains(&r) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        if let Some(f) = crate::data::parse_lenient(&r, path, &text).0 {
            data.push(f);
        }
    }
    // The errors the new files bring: those of the whole site with them,
    // less those it has already (an id twice is reported at the second file,
    // which may be the other one).
    let key = |d: &Diagnostic| {
        let at = d
            .location
            .as_ref()
            .map(|l| (l.path.clone(), l.line, l.column));
        (at, d.message.clone())
    };
    let before: std::collections::BTreeSet<_> =
        crate::data::DataSet::new(data[ours.len()..].to_vec())
            .1
            .iter()
            .map(key)
            .collect();
    let (_, diags) = crate::data::DataSet::new(data);
    diags
        .into_iter()
        .filter(|d| d.is_error() && !before.contains(&key(d)))
        .map(|d| {
            let help = "nothing was written: the site would not build with this file; \
                        fix the other file, or import into another folder with -o";
            Diagnostic {
                help: Some(help.to_owned()),
                ..d
            }
        })
        .collect()
}

/// Writes `text` to `.NAME.import-PID.tmp` beside `path`.
fn write_temp(path: &Path, text: &str) -> Result<PathBuf, Diagnostic> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, &e))?;
    let name = path
        .file_name()
        .map_or_else(|| "import".into(), |n| n.to_string_lossy().into_owned());
    let temp = dir.join(format!(".{name}.import-{}.tmp", std::process::id()));
    let result = std::fs::File::create(&temp).and_then(|mut f| {
        f.write_all(text.as_bytes())?;
        f.sync_all()
    });
    match result {
        Ok(()) => Ok(temp),
        Err(e) => {
            let _ = std::fs::remove_file(&temp);
            Err(io_error(path, &e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn existing_files_are_kept_without_force_and_replaced_with_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let a = dir.path().join("team/backlog.toml");
        let b = dir.path().join("team/sprints.toml");
        write_all(&[(a.clone(), "one"), (b.clone(), "two")], false).expect("writes");
        let e = write_all(&[(a.clone(), "new"), (b.clone(), "new")], false).expect_err("exists");
        assert_eq!(e.len(), 2);
        assert_eq!(std::fs::read_to_string(&a).ok().as_deref(), Some("one"));
        write_all(&[(a.clone(), "three"), (b.clone(), "four")], true).expect("replaces");
        assert_eq!(std::fs::read_to_string(&b).ok().as_deref(), Some("four"));
        let names: Vec<String> = std::fs::read_dir(dir.path().join("team"))
            .expect("lists")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "no temporary file left: {names:?}");
    }

    #[test]
    fn a_failed_write_leaves_the_previous_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let a = dir.path().join("backlog.toml");
        std::fs::write(&a, "old").expect("writes");
        // A target whose folder is a file cannot be written.
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, "").expect("writes");
        let b = blocker.join("sprints.toml");
        assert!(write_all(&[(a.clone(), "new"), (b, "new")], true).is_err());
        assert_eq!(std::fs::read_to_string(&a).ok().as_deref(), Some("old"));
        assert_eq!(std::fs::read_dir(dir.path()).expect("lists").count(), 2);
    }
}
