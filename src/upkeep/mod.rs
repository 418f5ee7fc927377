//! Keeping a handbook alive: who owns each page, when it was last
//! reviewed, when it is due again, and what changed lately.
//!
//! Owns the `[owners]` and `[review]` config tables, review intervals
//! ("90 days", "6 months"), the clock ("today", settable for tests with
//! `ROLEBOOK_TODAY`), checking `owner` and `reviewed` in front matter, and
//! the per-page facts templates and `rolebook review` show. Dates from Git
//! come from [`git`]; rendering the generated pages is `site::extras`'s job.

mod assess;
pub mod git;
pub mod report;

pub use assess::{assess, load};

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::content::PageId;
use crate::content::front_matter::{self, Date};
use crate::error::{Diagnostic, Kind};

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
    let at_owners = || table_key_offset(text, "owners", "");
    if let Some(name) = config.owners.keys().find(|n| n.trim().is_empty()) {
        return Err(
            Diagnostic::error(Kind::Config, format!("owner name {name:?} is empty")).at_offset(
                path,
                text,
                at_owners(),
            ),
        );
    }
    // Each owner has an anchor on /owners/ made from their name.
    let mut slugs: BTreeMap<String, &str> = BTreeMap::new();
    for name in config.owners.keys() {
        if let Some(other) = slugs.insert(crate::content::slugify(name), name) {
            return Err(Diagnostic::error(
                Kind::Config,
                format!("owners {other:?} and {name:?} differ only in case or punctuation"),
            )
            .at_offset(path, text, at_owners())
            .with_help("write each owner's name once, the same way on every page"));
        }
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

/// What a page's view says of its upkeep (`page.owners`, `page.review`...).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UpkeepView {
    owners: Vec<OwnerView>,
    reviewed: Option<String>,
    review: Option<ReviewView>,
    /// Absent (not null) for a page upkeep knows nothing of.
    #[serde(skip_serializing_if = "Option::is_none")]
    history_url: Option<Option<String>>,
}

/// One of a page's owners, as its view lists them.
#[derive(Debug, Clone, PartialEq, Serialize)]
struct OwnerView {
    name: String,
    slug: String,
    url: String,
    team: Option<String>,
    contact: Option<String>,
    role: Option<String>,
}

/// A reviewed page's review dates and status.
#[derive(Debug, Clone, PartialEq, Serialize)]
struct ReviewView {
    reviewed_text: String,
    due: Option<String>,
    due_text: Option<String>,
    status: &'static str,
    overdue: bool,
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
    pub fn view(&self, id: PageId, base_href: &str) -> UpkeepView {
        let Some(p) = self.page(id) else {
            return UpkeepView::default();
        };
        let today = self.today.unwrap_or(NaiveDate::MIN);
        let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        let owners = p
            .owners
            .iter()
            .map(|name| {
                let config = self.owners.get(name);
                let slug = crate::content::slugify(name);
                OwnerView {
                    name: name.clone(),
                    url: format!("{base_href}#owner-{slug}"),
                    slug,
                    team: config.and_then(|c| c.team.clone()),
                    contact: config.and_then(|c| c.contact.clone()),
                    role: config.and_then(|c| c.role.clone()),
                }
            })
            .collect();
        let status = p.status(today, DUE_WINDOW);
        UpkeepView {
            owners,
            reviewed: p.reviewed.map(day),
            review: p.reviewed.map(|d| ReviewView {
                reviewed_text: human_date(d),
                due: p.due.map(day),
                due_text: p.due.map(human_date),
                status: status.as_str(),
                overdue: status == Status::Overdue,
            }),
            history_url: Some(p.history_url.clone()),
        }
    }
}

/// What of a page's front matter the owners and changes pages and the
/// home page show, or order their lists by (they follow sidebar order):
/// serve renders them again when it changes.
pub fn listing_key(meta: &crate::content::FrontMatter, title: &str) -> String {
    let date = |d: &Option<front_matter::DateInput>| d.as_ref().map(|d| format!("{d:?}"));
    format!(
        "{title}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}",
        meta.weight,
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

    /// A page upkeep knows nothing of has no history link at all, where a
    /// known page without one has it null.
    #[test]
    fn a_page_unknown_to_upkeep_has_no_history_key() {
        let upkeep = Upkeep {
            pages: vec![PageUpkeep::default()],
            ..Upkeep::default()
        };
        let known = serde_json::to_value(upkeep.view(0, "/owners/")).expect("json");
        let unknown = serde_json::to_value(upkeep.view(1, "/owners/")).expect("json");
        assert_eq!(known["history_url"], serde_json::Value::Null);
        assert!(known.get("history_url").is_some());
        assert_eq!(
            unknown,
            serde_json::json!({ "owners": [], "reviewed": null, "review": null })
        );
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
