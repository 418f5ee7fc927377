//! Dates from Git: when each file under content/ was first and last
//! committed, read in one pass over the history.
//!
//! One `git log` process for the whole site, never one per file, so a
//! 10,000-file repository costs a fraction of a second. Anything that keeps
//! the history from being read (no repository, a shallow clone, no `git`
//! on the machine, a corrupt repository) gives no dates and one note:
//! dates from Git are a convenience, never a reason for a build to fail.

use std::collections::HashMap;
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
        .args(["rev-parse", "--is-shallow-repository", "--show-prefix"])
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
    let prefix = lines.next().unwrap_or("").to_string();
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
            "--format=%x00%ct",
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
        files: parse_log(&String::from_utf8_lossy(&log.stdout)),
        prefix,
    })
}

fn first_line(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("unknown error")
}

/// Pure: `git log --name-only --format=%x00%ct` output, newest commit
/// first, to each file's (first, last) commit dates.
pub fn parse_log(text: &str) -> HashMap<String, (Date, Date)> {
    let mut files: HashMap<String, (Date, Date)> = HashMap::new();
    let mut current: Option<Date> = None;
    for line in text.lines() {
        if let Some(stamp) = line.strip_prefix('\0') {
            current = stamp
                .trim()
                .parse::<i64>()
                .ok()
                .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
                .map(|t| {
                    let time = t.naive_utc();
                    Date {
                        day: time.date(),
                        time,
                    }
                });
            continue;
        }
        let (Some(date), false) = (current, line.is_empty()) else {
            continue;
        };
        files
            .entry(line.to_string())
            .and_modify(|(first, _)| *first = date)
            .or_insert((date, date));
    }
    files
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
        let log = "\0 1790000000\n\nguide.md\n\n\0 1780000000\n\nguide.md\nfaq.md\n";
        let files = parse_log(log);
        let (first, last) = files["guide.md"];
        assert_eq!(first.day_string(), "2026-05-28");
        assert_eq!(last.day_string(), "2026-09-21");
        assert_eq!(files["faq.md"].0, files["faq.md"].1);
        assert_eq!(files.len(), 2);
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
