//! Checking the owners and review dates of every page, and the build's
//! upkeep stage: due dates, warnings for `rolebook check`, and dates from
//! Git.

use std::path::Path;

use chrono::NaiveDate;

use super::{INTERVAL_FORMS, Interval, PageUpkeep, Upkeep, git, today};
use crate::content::front_matter;
use crate::content::{Content, Page};
use crate::error::{Diagnostic, Diagnostics, Kind};

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
        if !page.implicit {
            (pages[id], own_every[id]) = read_page(config, page, today, warn, diags);
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
            diags.push(overdue(&content.pages[id], reviewed, due, today));
        }
    }
    Upkeep {
        today: Some(today),
        pages,
        owners: config.owners.clone(),
        has_history: false,
    }
}

/// One page's owners, review date and own interval, with its errors.
fn read_page(
    config: &crate::config::SiteConfig,
    page: &Page,
    today: NaiveDate,
    warn: bool,
    diags: &mut Diagnostics,
) -> (PageUpkeep, Option<Interval>) {
    let mut up = PageUpkeep::default();
    let Ok(split) = front_matter::split(&page.display_path, &page.text) else {
        return (up, None);
    };
    let at = |key: &str| {
        Diagnostic::error(Kind::FrontMatter, "").at_offset(
            &page.display_path,
            &page.text,
            front_matter::key_offset(&split, key),
        )
    };
    let every = page.meta.review_every.as_ref().and_then(|text| {
        let every = Interval::parse(text);
        if every.is_none() {
            diags.push(Diagnostic {
                message: format!("`review_every = {text:?}` is not a review interval"),
                ..at("review_every").with_help(format!("write {INTERVAL_FORMS}"))
            });
        }
        every
    });
    let names = page
        .meta
        .owner
        .as_ref()
        .map(|o| o.names())
        .unwrap_or_default();
    if names.is_empty() && config.review.require_owner && warn {
        diags.push(
            Diagnostic::warning(Kind::FrontMatter, "the page has no `owner`")
                .in_file(&page.display_path)
                .with_help(
                    "add `owner = \"Name\"` to its front matter ([review] require_owner is on)",
                ),
        );
    }
    for name in names.into_iter().map(str::trim) {
        match owner_error(config, name) {
            Some((message, help)) => diags.push(Diagnostic {
                message,
                ..at("owner").with_help(help)
            }),
            None => up.owners.push(name.to_string()),
        }
    }
    if let Some(input) = &page.meta.reviewed {
        match input.to_date() {
            None => diags.push(Diagnostic {
                message: "`reviewed` is not a valid date".into(),
                ..at("reviewed").with_help("write a date like 2026-10-01")
            }),
            Some(date) if date.day > today => diags.push(Diagnostic {
                message: format!(
                    "`reviewed = {}` is in the future (today is {})",
                    date.day_string(),
                    today.format("%Y-%m-%d")
                ),
                ..at("reviewed").with_help("write the day the page was last reviewed")
            }),
            Some(date) => up.reviewed = Some(date.day),
        }
    }
    (up, every)
}

/// What is wrong with an `owner` name, as a message and a hint.
fn owner_error(config: &crate::config::SiteConfig, name: &str) -> Option<(String, String)> {
    if name.is_empty() {
        return Some((
            "`owner` is empty".into(),
            "name a person or a team, or leave the key out".into(),
        ));
    }
    if config.owners.is_empty() || config.owners.contains_key(name) {
        return None;
    }
    let known: Vec<&str> = config.owners.keys().map(String::as_str).collect();
    let help = match crate::error::did_you_mean(name, known.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!(
            "owners are listed in [owners] in rolebook.toml: {}",
            known.join(", ")
        ),
    };
    Some((format!("unknown owner `{name}`"), help))
}

/// The warning for a page past its review date, at its `reviewed` key.
fn overdue(page: &Page, reviewed: NaiveDate, due: NaiveDate, today: NaiveDate) -> Diagnostic {
    let offset = front_matter::split(&page.display_path, &page.text)
        .map(|s| front_matter::key_offset(&s, "reviewed"))
        .unwrap_or(0);
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
    ))
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
