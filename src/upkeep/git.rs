//! Dates from Git: when each file under content/ was first and last
//! committed, read in one pass over the history.
//!
//! One `git log` process for the whole site, never one per file, so a
//! 10,000-file repository costs a fraction of a second. Anything that keeps
//! the history from being read (no repository, a shallow clone, no `git`
//! on the machine, a corrupt repository) gives no dates and one note:
//! dates from Git are a convenience, never a reason for a build to fail.
//!
//! Commits listed in the repository's `.git-blame-ignore-revs` (GitHub's
//! file for mass edits that change no meaning: a reformat, metadata added
//! to every page) do not make a page "updated"; a page they created still
//! dates from them.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Command;

use crate::content::front_matter::Date;

/// First and last commit dates of each file, by path under content/.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub files: HashMap<String, (Date, Date)>,
    /// The content folder's path inside the repository (`content/`,
    /// `docs/content/`), for links to a file's history.
    pub prefix: String,
}

/// Reads the history of `content_dir`. `Err` is the note to show.
pub fn history(content_dir: &Path) -> Result<History, String> {
    let probe = Command::new("git")
        .arg("-C")
        .arg(content_dir)
        .args([
            "rev-parse",
            "--is-shallow-repository",
            "--show-toplevel",
            "--show-prefix",
        ])
        .output();
    let probe = match probe {
        Ok(out) => out,
        Err(_) => {
            return Err("`git` was not found: pages' dates come from front matter only".into());
        }
    };
    let stdout = String::from_utf8_lossy(&probe.stdout);
    if !probe.status.success() {
        let stderr = String::from_utf8_lossy(&probe.stderr);
        if stderr.contains("not a git repository") {
            return Err(
                "the site is not in a Git repository: pages' dates come from front matter only"
                    .into(),
            );
        }
        return Err(format!(
            "the Git repository could not be read ({}): pages' dates come from front matter only",
            first_line(&stderr)
        ));
    }
    let mut lines = stdout.lines();
    if lines.next() == Some("true") {
        return Err(
            "the Git repository is a shallow clone: pages' dates from Git are left out \
             (fetch the whole history, e.g. actions/checkout with `fetch-depth: 0`)"
                .into(),
        );
    }
    let top = lines.next().unwrap_or("").to_string();
    let prefix = lines.next().unwrap_or("").to_string();
    let ignored = std::fs::read_to_string(Path::new(&top).join(IGNORE_REVS_FILE))
        .map(|text| ignored_revs(&text))
        .unwrap_or_default();
    let log = Command::new("git")
        .arg("-C")
        .arg(content_dir)
        .args([
            "-c",
            "core.quotepath=off",
            "log",
            "--no-renames",
            "--name-only",
            "--relative",
            "--format=%x00%ct %H",
            "--",
            ".",
        ])
        .output()
        .map_err(|e| format!("`git log` could not run ({e}): no dates from Git"))?;
    if !log.status.success() {
        let stderr = String::from_utf8_lossy(&log.stderr);
        // A repository with no commits yet has no history to read.
        if stderr.contains("does not have any commits") {
            return Ok(History {
                prefix,
                ..History::default()
            });
        }
        return Err(format!(
            "the Git history could not be read ({}): no dates from Git",
            first_line(&stderr)
        ));
    }
    Ok(History {
        files: parse_log(&String::from_utf8_lossy(&log.stdout), &ignored),
        prefix,
    })
}

fn first_line(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("unknown error")
}

/// GitHub's list of commits that blame (and here, dates) pass over.
const IGNORE_REVS_FILE: &str = ".git-blame-ignore-revs";

/// The commit hashes of an ignore-revs file: one per line, `#` comments;
/// a hash shorter than 7 digits (which could name many commits) is not one.
fn ignored_revs(text: &str) -> HashSet<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| l.len() >= 7 && l.chars().all(|c| c.is_ascii_hexdigit()))
        .map(str::to_ascii_lowercase)
        .collect()
}

/// Pure: `git log --name-only --format=%x00%ct %H` output, newest commit
/// first, to each file's (first, last) commit dates. A commit in `ignored`
/// counts for a file's first date, and for its last only when no other
/// commit touched it.
pub fn parse_log(text: &str, ignored: &HashSet<String>) -> HashMap<String, (Date, Date)> {
    // first, last kept, last of any
    let mut files: HashMap<String, (Date, Option<Date>, Date)> = HashMap::new();
    let mut current: Option<(Date, bool)> = None;
    for line in text.lines() {
        if let Some(head) = line.strip_prefix('\0') {
            let mut parts = head.split_whitespace();
            let date = parts
                .next()
                .and_then(|stamp| stamp.parse::<i64>().ok())
                .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
                .map(|t| {
                    let time = t.naive_utc();
                    Date {
                        day: time.date(),
                        time,
                    }
                });
            let skip = parts
                .next()
                .is_some_and(|hash| ignored.iter().any(|i| hash.starts_with(i.as_str())));
            current = date.map(|d| (d, skip));
            continue;
        }
        let (Some((date, skip)), false) = (current, line.is_empty()) else {
            continue;
        };
        let kept = (!skip).then_some(date);
        files
            .entry(line.to_string())
            .and_modify(|(first, last_kept, _)| {
                *first = date;
                if last_kept.is_none() {
                    *last_kept = kept;
                }
            })
            .or_insert((date, kept, date));
    }
    files
        .into_iter()
        .map(|(file, (first, kept, any))| (file, (first, kept.unwrap_or(any))))
        .collect()
}

/// The URL of a file's history on the host of `repository` (GitHub,
/// GitLab, Gitea, Bitbucket shapes).
pub fn history_url(repository: &str, path: &str) -> String {
    let repo = repository.trim_end_matches('/').trim_end_matches(".git");
    if repo.contains("gitlab") {
        format!("{repo}/-/commits/HEAD/{path}")
    } else if repo.contains("bitbucket") {
        format!("{repo}/history-node/HEAD/{path}")
    } else {
        format!("{repo}/commits/HEAD/{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_first_log_gives_first_and_last_dates() {
        let log = "\0 1790000000 aa11\n\nguide.md\n\n\0 1780000000 bb22\n\nguide.md\nfaq.md\n";
        let files = parse_log(log, &HashSet::new());
        let (first, last) = files["guide.md"];
        assert_eq!(first.day_string(), "2026-05-28");
        assert_eq!(last.day_string(), "2026-09-21");
        assert_eq!(files["faq.md"].0, files["faq.md"].1);
        assert_eq!(files.len(), 2);
    }

    #[test]
    fn commits_in_the_ignore_list_do_not_make_a_page_updated() {
        let ignored = ignored_revs("# metadata on every page\nAA11FF0   # owners\nab\n\n");
        assert_eq!(ignored, HashSet::from(["aa11ff0".to_string()]));
        // Newest first: the ignored mass edit, then the real ones.
        let log = "\0 1790000000 aa11ff0e\n\nguide.md\nnew.md\n\n\0 1780000000 bb22\n\nguide.md\n\n\0 1770000000 cc33\n\nguide.md\n";
        let files = parse_log(log, &ignored);
        let (first, last) = files["guide.md"];
        assert_eq!(first.day_string(), "2026-02-02");
        assert_eq!(last.day_string(), "2026-05-28");
        // A page the ignored commit made dates from it.
        assert_eq!(files["new.md"].1.day_string(), "2026-09-21");
    }

    #[test]
    fn history_links_fit_the_host() {
        assert_eq!(
            history_url("https://github.com/a/b/", "content/x.md"),
            "https://github.com/a/b/commits/HEAD/content/x.md"
        );
        assert_eq!(
            history_url("https://gitlab.com/a/b.git", "content/x.md"),
            "https://gitlab.com/a/b/-/commits/HEAD/content/x.md"
        );
    }
}
