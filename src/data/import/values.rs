//! Reading single cells: numbers, priorities, dates and statuses.

use chrono::{NaiveDate, NaiveDateTime};

use super::{ImportOptions, Target};
use crate::data::{Priority, Status};

/// The last run of digits in `text`: "Team Sprint 24" -> 24.
pub(super) fn trailing_number(text: &str) -> Option<u32> {
    let end = text.rfind(|c: char| c.is_ascii_digit())? + 1;
    let start = text[..end]
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    text[start..end].parse().ok()
}

/// A sprint's number from its name: the number after "Sprint" (or
/// "Cycle", "Iteration") when there is one ("CHK Sprint 24 (Nov 3 - Nov
/// 14)" -> 24), else the last number ("S7" -> 7).
pub(super) fn sprint_number(name: &str) -> Option<u32> {
    let lower = name.to_lowercase();
    for word in ["sprint", "cycle", "iteration"] {
        if let Some(at) = lower.rfind(word) {
            let rest = lower[at + word.len()..].trim_start_matches([' ', '#', '-', '_', '.']);
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(n) = digits.parse() {
                return Some(n);
            }
        }
    }
    trailing_number(name)
}

/// Story points as a whole number, rounding halves up; `Err` says why not.
pub(super) fn points(text: &str) -> Result<Option<u32>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    match text.replace(',', ".").parse::<f64>() {
        Ok(p) if (0.0..=f64::from(u32::MAX)).contains(&p) => Ok(Some(p.round() as u32)),
        _ => Err(format!(
            "story points \"{text}\" are not a number ≥ 0; left out"
        )),
    }
}

/// Whether points text is a whole number ("3", "3.0"), so keeping it loses nothing.
pub(super) fn is_whole(text: &str) -> bool {
    text.replace(',', ".")
        .parse::<f64>()
        .is_ok_and(|p| p.fract() == 0.0)
}

pub(super) fn priority(word: &str) -> Option<Priority> {
    match word.to_ascii_lowercase().as_str() {
        "highest" | "blocker" | "critical" | "urgent" => Some(Priority::Highest),
        "high" | "major" => Some(Priority::High),
        "medium" | "normal" => Some(Priority::Medium),
        "low" | "minor" => Some(Priority::Low),
        "lowest" | "trivial" => Some(Priority::Lowest),
        _ => None,
    }
}

/// A tracker date as a day: Jira's `12/Nov/25 3:14 PM` (and other
/// locales' `2025-11-12 15:14`, `12.11.2025 15:14`), ISO 8601 with a time
/// and offset (Linear's `2025-11-12T15:14:22.000Z`), or a bare date.
pub(super) fn day(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Ok(d) = chrono::DateTime::parse_from_rfc3339(t) {
        return Some(d.date_naive());
    }
    if let Ok(d) = chrono::DateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return Some(d.date_naive());
    }
    for f in [
        "%d/%b/%y %I:%M %p",
        "%d/%b/%Y %I:%M %p",
        "%d/%b/%y %H:%M",
        "%d/%b/%Y %H:%M",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%d.%m.%Y %H:%M",
        "%d.%m.%y %H:%M",
        "%m/%d/%Y %I:%M %p",
        "%m/%d/%Y %H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(t, f) {
            return Some(d.date());
        }
    }
    for f in ["%Y-%m-%d", "%d/%b/%y", "%d/%b/%Y", "%d.%m.%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, f) {
            return Some(d);
        }
    }
    // "Wed Nov 12 2025 15:14:22 GMT+0000 (...)": the day is the first four words.
    let head: Vec<&str> = t.split_whitespace().take(4).collect();
    NaiveDate::parse_from_str(&head.join(" "), "%a %b %d %Y").ok()
}

/// A day as a TOML date.
pub(super) fn toml_day(d: NaiveDate) -> Option<toml::value::Datetime> {
    d.format("%Y-%m-%d").to_string().parse().ok()
}

/// Statuses and resolutions that mean the work was not done.
const CANCELLED: &[&str] = &[
    "won't do",
    "wont do",
    "won't fix",
    "wont fix",
    "duplicate",
    "cannot reproduce",
    "can't reproduce",
    "incomplete",
    "declined",
    "rejected",
    "abandoned",
    "obsolete",
    "cancelled",
    "canceled",
    "not a bug",
    "out of scope",
];

/// Where a row's status puts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Mapped {
    /// A backlog status; `blocked` adds the `blocked` label; `note` says
    /// how it was guessed, if it was.
    Kept {
        status: Status,
        blocked: bool,
        note: Option<String>,
    },
    Dropped(String),
}

/// The cells that decide a row's status.
pub(super) struct StatusCells<'a> {
    pub status: &'a str,
    pub category: &'a str,
    pub resolution: &'a str,
}

/// Maps a status: the user's `--status-map` (by status, then by
/// resolution), then cancelled work, then the tracker's usual names
/// (`known`), then the Status Category; an unknown status with none of
/// these becomes `done` when resolved, else `backlog`, with a note.
pub(super) fn map_status(
    cells: &StatusCells<'_>,
    options: &ImportOptions,
    known: fn(&str) -> Option<Status>,
    used: &mut [bool],
) -> Mapped {
    let status = cells.status.to_lowercase();
    let resolution = cells.resolution.to_lowercase();
    let mut user = |name: &str| {
        let i = options.status_map.iter().position(|(n, _)| n == name)?;
        used[i] = true;
        Some(options.status_map[i].1)
    };
    let by_user = match user(&status) {
        Some(t) => Some((t, format!("status \"{}\"", cells.status))),
        None if !resolution.is_empty() => {
            user(&resolution).map(|t| (t, format!("resolution \"{}\"", cells.resolution)))
        }
        None => None,
    };
    if let Some((target, what)) = by_user {
        return match target {
            Target::Dropped => {
                Mapped::Dropped(format!("{what} is mapped to dropped by --status-map"))
            }
            Target::Blocked => Mapped::Kept {
                status: Status::InProgress,
                blocked: true,
                note: None,
            },
            Target::Status(status) => Mapped::Kept {
                status,
                blocked: false,
                note: None,
            },
        };
    }
    if CANCELLED.contains(&status.as_str()) {
        return Mapped::Dropped(format!(
            "status \"{}\" is cancelled work (keep it with --status-map \"{}=done\")",
            cells.status, cells.status
        ));
    }
    if CANCELLED.contains(&resolution.as_str()) {
        return Mapped::Dropped(format!(
            "resolution \"{}\" is cancelled work (keep it with --status-map \"{}=done\")",
            cells.resolution, cells.resolution
        ));
    }
    if let Some(status) = known(&status) {
        return Mapped::Kept {
            status,
            blocked: false,
            note: None,
        };
    }
    let by_category = match cells.category.to_lowercase().as_str() {
        "to do" | "new" => Some(Status::Backlog),
        "in progress" | "indeterminate" => Some(Status::InProgress),
        "done" | "complete" => Some(Status::Done),
        _ => None,
    };
    if let Some(status) = by_category {
        return Mapped::Kept {
            status,
            blocked: false,
            note: Some(format!(
                "status \"{}\" mapped to {} by its Status Category \"{}\"",
                cells.status,
                status.as_str(),
                cells.category
            )),
        };
    }
    let (status, why) = if resolution.is_empty() {
        (Status::Backlog, "it has no resolution")
    } else {
        (Status::Done, "it has a resolution")
    };
    if cells.status.is_empty() {
        return Mapped::Kept {
            status,
            blocked: false,
            note: Some(format!(
                "no status; imported as {} because {why}",
                status.as_str()
            )),
        };
    }
    let shown = format!("\"{}\"", cells.status);
    Mapped::Kept {
        status,
        blocked: false,
        note: Some(format!(
            "status {shown} is not known and has no Status Category; imported as {} because {why} \
             (map it with --status-map \"{}=...\")",
            status.as_str(),
            cells.status
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_every_export_shape_become_days() {
        let d = NaiveDate::from_ymd_opt(2025, 11, 12);
        for text in [
            "12/Nov/25 3:14 PM",
            "12/nov/25 3:14 AM",
            "12/NOV/25 03:14 pm",
            "12/Nov/2025 3:14 PM",
            "2025-11-12 15:14",
            "2025-11-12T15:14:22.000Z",
            "2025-11-12T15:14:22.000+0100",
            "2025-11-12",
            "12.11.2025 15:14",
            "Wed Nov 12 2025 15:14:22 GMT+0000 (Coordinated Universal Time)",
        ] {
            assert_eq!(day(text), d, "{text}");
        }
        assert_eq!(day("soon"), None);
        assert_eq!(day("31/Feb/25 1:00 PM"), None);
        assert_eq!(day(""), None);
    }

    #[test]
    fn points_round_and_refuse_what_is_no_number() {
        assert_eq!(points("2.5"), Ok(Some(3)));
        assert_eq!(points("0,5"), Ok(Some(1)));
        assert_eq!(points(""), Ok(None));
        assert!(points("three").is_err());
        assert!(points("-1").is_err());
        assert!(points("1e308").is_err());
        assert!(points("NaN").is_err());
    }

    #[test]
    fn sprint_numbers_come_from_the_end_of_the_name() {
        assert_eq!(trailing_number("Team Sprint 24"), Some(24));
        assert_eq!(trailing_number("S7"), Some(7));
        assert_eq!(trailing_number("Sprint 3 (hardening)"), Some(3));
        assert_eq!(trailing_number("Backlog"), None);
        assert_eq!(trailing_number("Sprint 99999999999"), None);
        assert_eq!(sprint_number("CHK Sprint 24 (Nov 3 - Nov 14)"), Some(24));
        assert_eq!(sprint_number("Sprint #7"), Some(7));
        assert_eq!(sprint_number("Cycle 12"), Some(12));
        assert_eq!(sprint_number("Team S7"), Some(7));
        assert_eq!(sprint_number("Sprint planning 2026"), Some(2026));
        assert_eq!(sprint_number("Backlog grooming"), None);
    }

    fn known(s: &str) -> Option<Status> {
        (s == "done").then_some(Status::Done)
    }

    fn mapped(status: &str, category: &str, resolution: &str, map: &str) -> Mapped {
        let options = ImportOptions {
            status_map: ImportOptions::parse_status_map(&[map.to_owned()]).expect("map"),
            ..ImportOptions::default()
        };
        let mut used = vec![false; options.status_map.len()];
        let cells = StatusCells {
            status,
            category,
            resolution,
        };
        map_status(&cells, &options, known, &mut used)
    }

    #[test]
    fn cancelled_work_is_dropped_and_the_map_wins() {
        assert!(matches!(
            mapped("Won't Do", "Done", "", ""),
            Mapped::Dropped(_)
        ));
        assert!(matches!(
            mapped("Done", "Done", "Duplicate", ""),
            Mapped::Dropped(_)
        ));
        assert_eq!(
            mapped("Done", "Done", "Won't Do", "won't do=done"),
            Mapped::Kept {
                status: Status::Done,
                blocked: false,
                note: None
            }
        );
        assert_eq!(
            mapped(
                "Waiting for customer",
                "",
                "",
                "Waiting for customer=blocked"
            ),
            Mapped::Kept {
                status: Status::InProgress,
                blocked: true,
                note: None
            }
        );
        let Mapped::Kept { status, note, .. } = mapped("Parked", "", "", "") else {
            panic!("kept");
        };
        assert_eq!(status, Status::Backlog);
        assert!(note.is_some_and(|n| n.starts_with("status \"Parked\" is not known")));
    }

    #[test]
    fn status_maps_are_checked() {
        let parse = |s: &str| ImportOptions::parse_status_map(&[s.to_owned()]);
        assert_eq!(
            parse("Won't Do=dropped, QA = review").expect("parses"),
            [
                ("won't do".to_owned(), Target::Dropped),
                ("qa".to_owned(), Target::Status(Status::Review))
            ]
        );
        let e = parse("Parked=later").expect_err("unknown target");
        assert_eq!(
            e.message,
            "--status-map target `later` for \"Parked\" is not known"
        );
        assert!(parse("Parked").is_err());
        assert!(parse("=done").is_err());
    }
}
