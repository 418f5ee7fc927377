//! Keeping a handbook alive: who owns each page, when it was last
//! reviewed, when it is due again, and what changed lately.
//!
//! Owns the `[owners]` and `[review]` config tables, review intervals
//! ("90 days", "6 months"), the clock ("today", settable for tests with
//! `ROLEBOOK_TODAY`), checking `owner` and `reviewed` in front matter, and
//! the per-page facts templates and `rolebook review` show. Dates from Git
//! come from [`git`]; rendering the generated pages is `site::extras`'s job.

pub mod git;
pub mod report;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::content::front_matter::{self, Date};
use crate::content::{Content, PageId};
use crate::error::{Diagnostic, Diagnostics, Kind};

/// The environment variable that sets "today" (`2026-11-30`), so builds
/// and tests that depend on the date are reproducible.
pub const TODAY_VAR: &str = "ROLEBOOK_TODAY";

/// The forms a review interval may take, for error messages.
pub const INTERVAL_FORMS: &str =
    "a number and a unit: \"90 days\", \"6 weeks\", \"6 months\" or \"1 year\"";

/// One entry of `[owners]`: a person or a team that owns pages.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct OwnerConfig {
    pub team: Option<String>,
    pub contact: Option<String>,
    pub role: Option<String>,
}

/// `[review]`: how often pages are due a review.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReviewConfig {
    /// The default interval between reviews.
    pub every: String,
    /// `rolebook check` warns about pages without an owner.
    pub require_owner: bool,
}

impl Default for ReviewConfig {
    fn default() -> Self {
        ReviewConfig {
            every: "180 days".into(),
            require_owner: false,
        }
    }
}

/// A review interval: a count of calendar units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    Days(u32),
    Months(u32),
}

impl Interval {
    /// Parses "90 days", "6 weeks", "6 months", "1 year" (singular or
    /// plural, any case).
    pub fn parse(text: &str) -> Option<Interval> {
        let mut words = text.split_whitespace();
        let n: u32 = words.next()?.parse().ok()?;
        let unit = words.next()?.to_ascii_lowercase();
        if words.next().is_some() || n == 0 {
            return None;
        }
        let unit = unit.strip_suffix('s').unwrap_or(&unit);
        match unit {
            "day" => Some(Interval::Days(n)),
            "week" => Some(Interval::Days(n.checked_mul(7)?)),
            "month" => Some(Interval::Months(n)),
            "year" => Some(Interval::Months(n.checked_mul(12)?)),
            _ => None,
        }
    }

    /// The day `self` after `day` (the end of a shorter month for months).
    pub fn after(self, day: NaiveDate) -> NaiveDate {
        match self {
            Interval::Days(n) => day
                .checked_add_days(chrono::Days::new(u64::from(n)))
                .unwrap_or(NaiveDate::MAX),
            Interval::Months(n) => day
                .checked_add_months(Months::new(n))
                .unwrap_or(NaiveDate::MAX),
        }
    }
}

/// Today's date: `ROLEBOOK_TODAY` when set, else the UTC date.
pub fn today() -> Result<NaiveDate, Diagnostic> {
    match std::env::var(TODAY_VAR) {
        Ok(text) => NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
            Diagnostic::error(Kind::Config, format!("{TODAY_VAR}={text:?} is not a date"))
                .with_help(format!(
                    "write it like 2026-11-30, or unset {TODAY_VAR} to use today's date"
                ))
        }),
        Err(_) => Ok(chrono::Utc::now().date_naive()),
    }
}

/// "1 Oct 2026".
pub fn human_date(day: NaiveDate) -> String {
    format!("{} {}", day.day(), day.format("%b %Y"))
}

/// Checks `[review] every` and `[owners]`; `text` is the config file.
pub fn check_config(
    config: &crate::config::SiteConfig,
    path: &Path,
    text: &str,
) -> Result<(), Diagnostic> {
    if Interval::parse(&config.review.every).is_none() {
        let offset = table_key_offset(text, "review", "every");
        return Err(Diagnostic::error(
            Kind::Config,
            format!(
                "`every = {:?}` is not a review interval",
                config.review.every
            ),
        )
        .at_offset(path, text, offset)
        .with_help(format!("write {INTERVAL_FORMS}")));
    }
    if let Some(name) = config.owners.keys().find(|n| n.trim().is_empty()) {
        return Err(
            Diagnostic::error(Kind::Config, format!("owner name {name:?} is empty")).at_offset(
                path,
                text,
                table_key_offset(text, "owners", ""),
            ),
        );
    }
    Ok(())
}

/// Where `key` is set in `[table]` of a TOML text (a byte offset), or the
/// table's header when it is not found.
fn table_key_offset(text: &str, table: &str, key: &str) -> usize {
    let header = format!("[{table}]");
    let mut in_table = false;
    let mut header_at = 0;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_table = trimmed.starts_with(&header);
            if in_table {
                header_at = pos;
            }
        } else if in_table
            && !key.is_empty()
            && let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return pos + (line.len() - line.trim_start().len());
        }
        pos += line.len();
    }
    header_at
}

/// Where a page stands with its review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Past its due date.
    Overdue,
    /// Due within the window `rolebook review` looks ahead.
    Due,
    /// Reviewed, not due yet.
    Current,
    /// No `reviewed` date.
    Unreviewed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Overdue => "overdue",
            Status::Due => "due",
            Status::Current => "current",
            Status::Unreviewed => "unreviewed",
        }
    }
}

/// What the site knows of one page's upkeep.
#[derive(Debug, Clone, Default)]
pub struct PageUpkeep {
    pub owners: Vec<String>,
    pub reviewed: Option<NaiveDate>,
    pub due: Option<NaiveDate>,
    /// The last commit that touched the file, and the first.
    pub git_updated: Option<Date>,
    pub git_added: Option<Date>,
    /// Where the file's history is shown (`repository` set, site in Git).
    pub history_url: Option<String>,
}

impl PageUpkeep {
    /// The status on `today`, with `window` days of warning before the due date.
    pub fn status(&self, today: NaiveDate, window: Interval) -> Status {
        match self.due {
            None => Status::Unreviewed,
            Some(due) if due < today => Status::Overdue,
            Some(due) if due <= window.after(today) => Status::Due,
            Some(_) => Status::Current,
        }
    }
}

/// The upkeep of every page, by page id, and the day it was computed for.
#[derive(Debug, Clone, Default)]
pub struct Upkeep {
    pub today: Option<NaiveDate>,
    pub pages: Vec<PageUpkeep>,
    pub owners: BTreeMap<String, crate::upkeep::OwnerConfig>,
    /// The site's Git history was read.
    pub has_history: bool,
}

/// How far ahead pages count as due.
pub const DUE_WINDOW: Interval = Interval::Days(30);

impl Upkeep {
    pub fn page(&self, id: PageId) -> Option<&PageUpkeep> {
        self.pages.get(id)
    }

    /// The fields a page's view gets.
    pub fn view(&self, id: PageId, base_href: &str) -> Value {
        let Some(p) = self.page(id) else {
            return json!({ "owners": [], "reviewed": null, "review": null });
        };
        let today = self.today.unwrap_or(NaiveDate::MIN);
        let owners: Vec<Value> = p
            .owners
            .iter()
            .map(|name| {
                let config = self.owners.get(name);
                json!({
                    "name": name,
                    "slug": crate::content::slugify(name),
                    "url": format!("{base_href}#owner-{}", crate::content::slugify(name)),
                    "team": config.and_then(|c| c.team.clone()),
                    "contact": config.and_then(|c| c.contact.clone()),
                    "role": config.and_then(|c| c.role.clone()),
                })
            })
            .collect();
        json!({
            "owners": owners,
            "reviewed": p.reviewed.map(|d| d.format("%Y-%m-%d").to_string()),
            "review": p.reviewed.map(|d| json!({
                "reviewed_text": human_date(d),
                "due": p.due.map(|d| d.format("%Y-%m-%d").to_string()),
                "due_text": p.due.map(human_date),
                "status": p.status(today, DUE_WINDOW).as_str(),
                "overdue": p.status(today, DUE_WINDOW) == Status::Overdue,
            })),
            "history_url": p.history_url,
        })
    }
}

/// Reads `owner`, `reviewed` and `review_every` of every page, checks
/// them against the config and `today`, and works out due dates. Errors
/// for bad input; warnings, with `warn`, for overdue and owner-less pages.
pub fn assess(
    config: &crate::config::SiteConfig,
    content: &Content,
    today: NaiveDate,
    warn: bool,
    diags: &mut Diagnostics,
) -> Upkeep {
    let site_every = Interval::parse(&config.review.every).unwrap_or(Interval::Days(180));
    let mut pages = vec![PageUpkeep::default(); content.pages.len()];
    // Each page's own `review_every`, checked once.
    let mut own_every: Vec<Option<Interval>> = vec![None; content.pages.len()];
    for (id, page) in content.pages.iter().enumerate() {
        if page.implicit {
            continue;
        }
        let Ok(split) = front_matter::split(&page.display_path, &page.text) else {
            continue;
        };
        let at = |key: &str| front_matter::key_offset(&split, key);
        if let Some(text) = &page.meta.review_every {
            own_every[id] = Interval::parse(text);
            if own_every[id].is_none() {
                diags.push(
                    Diagnostic::error(
                        Kind::FrontMatter,
                        format!("`review_every = {text:?}` is not a review interval"),
                    )
                    .at_offset(&page.display_path, &page.text, at("review_every"))
                    .with_help(format!("write {INTERVAL_FORMS}")),
                );
            }
        }
        let up = &mut pages[id];
        if let Some(owner) = page.meta.owner.as_ref().filter(|o| !o.names().is_empty()) {
            for name in owner.names() {
                let name = name.trim();
                if name.is_empty() {
                    diags.push(
                        Diagnostic::error(Kind::FrontMatter, "`owner` is empty")
                            .at_offset(&page.display_path, &page.text, at("owner"))
                            .with_help("name a person or a team, or leave the key out"),
                    );
                    continue;
                }
                if !config.owners.is_empty() && !config.owners.contains_key(name) {
                    let known = config.owners.keys().map(String::as_str);
                    let help = match crate::error::did_you_mean(name, known) {
                        Some(best) => format!("did you mean `{best}`?"),
                        None => format!(
                            "owners are listed in [owners] in rolebook.toml: {}",
                            config
                                .owners
                                .keys()
                                .map(String::as_str)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    diags.push(
                        Diagnostic::error(Kind::FrontMatter, format!("unknown owner `{name}`"))
                            .at_offset(&page.display_path, &page.text, at("owner"))
                            .with_help(help),
                    );
                    continue;
                }
                up.owners.push(name.to_string());
            }
        } else if config.review.require_owner && warn {
            diags.push(
                Diagnostic::warning(Kind::FrontMatter, "the page has no `owner`")
                    .in_file(&page.display_path)
                    .with_help(
                        "add `owner = \"Name\"` to its front matter ([review] require_owner is on)",
                    ),
            );
        }
        if let Some(input) = &page.meta.reviewed {
            let offset = at("reviewed");
            match input.to_date() {
                None => diags.push(
                    Diagnostic::error(Kind::FrontMatter, "`reviewed` is not a valid date")
                        .at_offset(&page.display_path, &page.text, offset)
                        .with_help("write a date like 2026-10-01"),
                ),
                Some(date) if date.day > today => diags.push(
                    Diagnostic::error(
                        Kind::FrontMatter,
                        format!(
                            "`reviewed = {}` is in the future (today is {})",
                            date.day_string(),
                            today.format("%Y-%m-%d")
                        ),
                    )
                    .at_offset(&page.display_path, &page.text, offset)
                    .with_help("write the day the page was last reviewed"),
                ),
                Some(date) => up.reviewed = Some(date.day),
            }
        }
    }
    // The interval of each page: its own, its nearest section's, the site's.
    for id in 0..content.pages.len() {
        let mut every = own_every[id];
        let mut cur = content.pages[id].parent;
        while every.is_none() {
            let Some(p) = cur else { break };
            every = own_every[p];
            cur = content.pages[p].parent;
        }
        let every = every.unwrap_or(site_every);
        let up = &mut pages[id];
        up.due = up.reviewed.map(|r| every.after(r));
        if warn
            && let (Some(due), Some(reviewed)) = (up.due, up.reviewed)
            && due < today
        {
            let page = &content.pages[id];
            let offset = front_matter::split(&page.display_path, &page.text)
                .map(|s| front_matter::key_offset(&s, "reviewed"))
                .unwrap_or(0);
            diags.push(
                Diagnostic::warning(
                    Kind::FrontMatter,
                    format!(
                        "review overdue: last reviewed {}, due {}",
                        reviewed.format("%Y-%m-%d"),
                        due.format("%Y-%m-%d")
                    ),
                )
                .at_offset(&page.display_path, &page.text, offset)
                .with_help(format!(
                    "review the page and set `reviewed = {}`",
                    today.format("%Y-%m-%d")
                )),
            );
        }
    }
    Upkeep {
        today: Some(today),
        pages,
        owners: config.owners.clone(),
        has_history: false,
    }
}

/// The upkeep stage of a build: checks owners and review dates, reads
/// dates from Git (a page's `updated` defaults to its last commit) and
/// returns what the pages show, with notes for the person building.
pub fn load(
    content_dir: &Path,
    config: &crate::config::SiteConfig,
    content: &mut Content,
    warn: bool,
    diags: &mut Diagnostics,
) -> (Upkeep, Vec<String>) {
    let today = match today() {
        Ok(day) => day,
        Err(d) => {
            diags.push(d);
            chrono::Utc::now().date_naive()
        }
    };
    let mut upkeep = assess(config, content, today, warn, diags);
    let mut notes = Vec::new();
    match git::history(content_dir) {
        Ok(history) => {
            upkeep.has_history = true;
            for (id, page) in content.pages.iter_mut().enumerate() {
                let Some(&(added, updated)) = history.files.get(&page.rel_path) else {
                    continue;
                };
                let up = &mut upkeep.pages[id];
                up.git_added = Some(added);
                up.git_updated = Some(updated);
                up.history_url = config.repository.as_deref().map(|repo| {
                    git::history_url(repo, &format!("{}{}", history.prefix, page.rel_path))
                });
                if page.updated.is_none() {
                    page.updated = Some(updated);
                }
            }
        }
        Err(note) => notes.push(note),
    }
    (upkeep, notes)
}

/// What of a page's front matter the owners and changes pages and the
/// home page list: serve renders them again when it changes.
pub fn listing_key(meta: &crate::content::FrontMatter, title: &str) -> String {
    let date = |d: &Option<front_matter::DateInput>| d.as_ref().map(|d| format!("{d:?}"));
    format!(
        "{title}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}",
        meta.description,
        date(&meta.date),
        date(&meta.updated),
    )
}

/// What of a page's front matter the upkeep facts are made from: serve
/// makes a full build when it changes.
pub fn review_key(meta: &crate::content::FrontMatter) -> String {
    let reviewed = meta.reviewed.as_ref().map(|d| format!("{d:?}"));
    format!(
        "{:?}\u{1f}{reviewed:?}\u{1f}{:?}",
        meta.owner, meta.review_every
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn intervals_parse_in_every_form() {
        assert_eq!(Interval::parse("90 days"), Some(Interval::Days(90)));
        assert_eq!(Interval::parse("1 day"), Some(Interval::Days(1)));
        assert_eq!(Interval::parse("6 weeks"), Some(Interval::Days(42)));
        assert_eq!(Interval::parse("6 Months"), Some(Interval::Months(6)));
        assert_eq!(Interval::parse(" 1 year "), Some(Interval::Months(12)));
        assert_eq!(Interval::parse("2 years"), Some(Interval::Months(24)));
        for bad in [
            "",
            "90",
            "days",
            "0 days",
            "six months",
            "3 fortnights",
            "1 year ago",
        ] {
            assert_eq!(Interval::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn months_end_at_the_end_of_a_short_month() {
        assert_eq!(Interval::Months(1).after(d("2026-01-31")), d("2026-02-28"));
        assert_eq!(Interval::Days(30).after(d("2026-10-01")), d("2026-10-31"));
        assert_eq!(Interval::Months(12).after(d("2025-11-30")), d("2026-11-30"));
    }

    #[test]
    fn status_follows_the_due_date() {
        let mut p = PageUpkeep {
            due: Some(d("2026-11-29")),
            ..PageUpkeep::default()
        };
        let today = d("2026-11-30");
        assert_eq!(p.status(today, DUE_WINDOW), Status::Overdue);
        p.due = Some(today);
        assert_eq!(p.status(today, DUE_WINDOW), Status::Due);
        p.due = Some(d("2026-12-30"));
        assert_eq!(p.status(today, DUE_WINDOW), Status::Due);
        p.due = Some(d("2026-12-31"));
        assert_eq!(p.status(today, DUE_WINDOW), Status::Current);
        p.due = None;
        assert_eq!(p.status(today, DUE_WINDOW), Status::Unreviewed);
    }

    #[test]
    fn human_dates_read_like_a_person_writes_them() {
        assert_eq!(human_date(d("2026-10-01")), "1 Oct 2026");
        assert_eq!(human_date(d("2026-12-25")), "25 Dec 2026");
    }

    #[test]
    fn finds_a_key_in_its_table() {
        let text = "title = \"x\"\nevery = 1\n[review]\n# c\n  every = \"soon\"\n";
        assert_eq!(
            table_key_offset(text, "review", "every"),
            text.find("every = \"soon").unwrap()
        );
        assert_eq!(table_key_offset("[review]\n", "review", "every"), 0);
    }
}
