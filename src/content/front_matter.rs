//! Front matter: splitting it from the body and parsing it.
//!
//! TOML between `+++` lines or YAML between `---` lines. Pure functions only;
//! reading files is `content::load`'s job. Errors point at the line in the
//! file, not in the front matter block.

use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::config::{toml_diagnostic, unknown_field_hint};
use crate::error::{Diagnostic, Kind};

/// Which syntax the front matter was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
}

/// The front matter block of a file and where the body starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub format: Option<Format>,
    /// The text between the fences.
    pub front: &'a str,
    /// Byte offset of `front` in the file.
    pub front_offset: usize,
    /// Byte offset of the Markdown body in the file.
    pub body_offset: usize,
}

/// Finds the front matter fences. An opening fence without a closing one is
/// an error pointing at the opening fence.
pub fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[bom..];
    let (fence, format) = if rest.starts_with("+++") {
        ("+++", Format::Toml)
    } else if rest.starts_with("---") {
        ("---", Format::Yaml)
    } else {
        return Ok(Split {
            format: None,
            front: "",
            front_offset: bom,
            body_offset: bom,
        });
    };
    let first_line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    if rest[..first_line_end].trim_end() != fence {
        // `---` followed by text is a thematic break or table, not front matter.
        if format == Format::Yaml {
            return Ok(Split {
                format: None,
                front: "",
                front_offset: bom,
                body_offset: bom,
            });
        }
        return Err(Diagnostic::error(
            Kind::FrontMatter,
            format!("the opening `{fence}` of the front matter must stand alone on its line"),
        )
        .at_offset(path, text, bom));
    }
    let front_start = bom + first_line_end;
    let mut pos = front_start;
    for line in text[front_start..].split_inclusive('\n') {
        if line.trim_end() == fence {
            return Ok(Split {
                format: Some(format),
                front: &text[front_start..pos],
                front_offset: front_start,
                body_offset: pos + line.len(),
            });
        }
        pos += line.len();
    }
    Err(Diagnostic::error(
        Kind::FrontMatter,
        format!("front matter opened with `{fence}` is never closed"),
    )
    .at_offset(path, text, bom)
    .with_help(format!(
        "add a line with `{fence}` after the last front matter key"
    )))
}

/// The front matter fields, for pages and sections alike.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub date: Option<DateInput>,
    pub updated: Option<DateInput>,
    pub weight: Option<i64>,
    #[serde(default)]
    pub draft: bool,
    pub slug: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub roles: Option<RolesInput>,
    pub template: Option<String>,
    pub toc: Option<bool>,
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Sections: how their pages are ordered.
    pub sort_by: Option<SortBy>,
    /// Sections: write an Atom feed of their pages.
    #[serde(default)]
    pub feed: bool,
    /// Sections: the template for their pages.
    pub page_template: Option<String>,
    /// Who keeps the page current: a name or a list (see `upkeep`).
    pub owner: Option<OwnerInput>,
    /// When an owner last checked the page.
    pub reviewed: Option<DateInput>,
    /// How often the page is due a review ("90 days"); on a section, the
    /// default of its pages.
    pub review_every: Option<String>,
    /// Turn the page's task lists into checkboxes readers can tick.
    #[serde(default)]
    pub checklist: bool,
}

/// `owner = "Ana"` or `owner = ["Ana", "Ben"]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged, expecting = "a name or a list of names")]
pub enum OwnerInput {
    One(String),
    Many(Vec<String>),
}

impl OwnerInput {
    pub fn names(&self) -> Vec<&str> {
        match self {
            OwnerInput::One(s) => vec![s.as_str()],
            OwnerInput::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    #[default]
    Weight,
    Date,
    Title,
}

/// A date as TOML writes it (`2026-10-01`, `2026-10-01T09:00:00Z`) or as text.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged, expecting = "a date like 2026-10-01 or 2026-10-01T09:30:00Z")]
pub enum DateInput {
    Toml(toml::value::Datetime),
    Text(String),
}

/// `roles = "po"`, `roles = "both"` or `roles = ["po", "pm"]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged, expecting = "\"po\", \"pm\", \"both\" or a list of them")]
pub enum RolesInput {
    One(String),
    Many(Vec<String>),
}

/// A parsed date: the day, and the full timestamp for feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub day: NaiveDate,
    pub time: NaiveDateTime,
}

impl Date {
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Some(Date {
                day,
                time: day.and_hms_opt(0, 0, 0)?,
            });
        }
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
            let time = t.naive_utc();
            return Some(Date {
                day: time.date(),
                time,
            });
        }
        for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M"] {
            if let Ok(time) = NaiveDateTime::parse_from_str(text, format) {
                return Some(Date {
                    day: time.date(),
                    time,
                });
            }
        }
        None
    }

    pub fn day_string(&self) -> String {
        self.day.format("%Y-%m-%d").to_string()
    }

    pub fn rfc3339(&self) -> String {
        self.time.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    }
}

impl DateInput {
    pub fn to_date(&self) -> Option<Date> {
        match self {
            DateInput::Toml(dt) => Date::parse(&dt.to_string()),
            DateInput::Text(s) => Date::parse(s),
        }
    }
}

/// Which reader a page is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Po,
    Pm,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Po => "po",
            Role::Pm => "pm",
        }
    }
}

impl RolesInput {
    /// The roles named, or the first value that is not a role.
    pub fn to_roles(&self) -> Result<Vec<Role>, String> {
        let names: Vec<&str> = match self {
            RolesInput::One(s) => vec![s.as_str()],
            RolesInput::Many(v) => v.iter().map(String::as_str).collect(),
        };
        let mut roles = Vec::new();
        for name in names {
            match name.trim().to_ascii_lowercase().as_str() {
                "po" | "product-owner" => roles.push(Role::Po),
                "pm" | "product-manager" => roles.push(Role::Pm),
                "both" | "all" => roles.extend([Role::Po, Role::Pm]),
                _ => return Err(name.to_string()),
            }
        }
        roles.sort();
        roles.dedup();
        Ok(roles)
    }
}

/// Parses a front matter block. `file_text` is the whole file, so errors
/// point at the right line; `split` says where the block is.
pub fn parse(path: &Path, file_text: &str, split: &Split<'_>) -> Result<FrontMatter, Diagnostic> {
    match split.format {
        None => Ok(FrontMatter::default()),
        Some(Format::Toml) => toml::from_str(split.front).map_err(|e| {
            toml_diagnostic(Kind::FrontMatter, path, file_text, split.front_offset, &e)
        }),
        Some(Format::Yaml) => {
            if split.front.trim().is_empty() {
                return Ok(FrontMatter::default());
            }
            serde_norway::from_str(split.front).map_err(|e| {
                let (message, help) = unknown_field_hint(&yaml_message(&e));
                let d = Diagnostic::error(Kind::FrontMatter, message);
                let d = match e.location() {
                    Some(loc) => d.at_offset(path, file_text, split.front_offset + loc.index()),
                    None => d.at_offset(path, file_text, split.front_offset),
                };
                match help {
                    Some(help) => d.with_help(help),
                    None => d,
                }
            })
        }
    }
}

/// serde_norway appends " at line N column M" to its messages; the location
/// is shown separately, so drop it.
fn yaml_message(e: &serde_norway::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Where `key` is set in the front matter, as a byte offset in the file, so
/// checks made after parsing (a bad date, an unknown role) can point at it.
pub fn key_offset(split: &Split<'_>, key: &str) -> usize {
    let mut pos = split.front_offset;
    for line in split.front.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key) {
            let rest = rest.trim_start();
            if rest.starts_with('=') || rest.starts_with(':') {
                return pos + (line.len() - trimmed.len());
            }
        }
        pos += line.len();
    }
    split.front_offset
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("content/a.md")
    }

    #[test]
    fn splits_toml_and_yaml() {
        let t = "+++\ntitle = \"A\"\n+++\nBody";
        let s = split(p(), t).unwrap();
        assert_eq!(s.format, Some(Format::Toml));
        assert_eq!(s.front, "title = \"A\"\n");
        assert_eq!(&t[s.body_offset..], "Body");
        let y = "---\ntitle: A\n---\n\nBody";
        let s = split(p(), y).unwrap();
        assert_eq!(s.format, Some(Format::Yaml));
        assert_eq!(&y[s.body_offset..], "\nBody");
    }

    #[test]
    fn no_front_matter_is_fine() {
        let s = split(p(), "# Hi\n").unwrap();
        assert_eq!(s.format, None);
        assert_eq!(s.body_offset, 0);
        let s = split(p(), "--- not yaml\n").unwrap();
        assert_eq!(s.format, None);
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let err = split(p(), "+++\ntitle = 1\n").unwrap_err();
        assert!(err.message.contains("never closed"));
    }

    #[test]
    fn toml_error_points_at_file_line() {
        let t = "+++\ntitle = \"A\"\nwieght = 3\n+++\n";
        let s = split(p(), t).unwrap();
        let err = parse(p(), t, &s).unwrap_err();
        let loc = err.location.clone().unwrap();
        assert_eq!((loc.line, loc.column), (3, 1));
        assert_eq!(err.message, "unknown key `wieght`");
        assert!(err.help.unwrap().contains("did you mean `weight`"));
    }

    #[test]
    fn yaml_error_points_at_file_line() {
        let t = "---\ntitle: A\ntittle: B\n---\n";
        let s = split(p(), t).unwrap();
        let err = parse(p(), t, &s).unwrap_err();
        assert_eq!(err.location.clone().unwrap().line, 3);
        assert!(err.help.unwrap().contains("did you mean `title`"));
    }

    #[test]
    fn dates_and_roles() {
        let t =
            "+++\ndate = 2026-10-01\nupdated = \"2026-10-02T10:00:00Z\"\nroles = \"both\"\n+++\n";
        let s = split(p(), t).unwrap();
        let fm = parse(p(), t, &s).unwrap();
        assert_eq!(
            fm.date.unwrap().to_date().unwrap().day_string(),
            "2026-10-01"
        );
        assert_eq!(
            fm.updated.unwrap().to_date().unwrap().day_string(),
            "2026-10-02"
        );
        assert_eq!(
            fm.roles.unwrap().to_roles().unwrap(),
            vec![Role::Po, Role::Pm]
        );
        assert_eq!(key_offset(&s, "roles"), t.find("roles").unwrap());
    }

    /// A small deterministic generator, so the property tests need no crate.
    fn pieces(seed: u64, parts: &[&'static str], n: usize) -> String {
        let mut x = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let mut out = String::new();
        for _ in 0..n {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            out.push_str(parts[(x % parts.len() as u64) as usize]);
        }
        out
    }

    #[test]
    fn split_and_parse_never_panic_and_stay_in_bounds() {
        let parts = [
            "+++", "---", "\n", "\r\n", "title", " = ", "\"", "ü", "\u{feff}", " ", "[x]", ":", "#",
        ];
        for seed in 0..5000 {
            let text = pieces(seed, &parts, (seed % 24) as usize);
            if let Ok(s) = split(p(), &text) {
                assert!(
                    s.body_offset <= text.len() && text.is_char_boundary(s.body_offset),
                    "{text:?}"
                );
                assert!(text.is_char_boundary(s.front_offset));
                let _ = parse(p(), &text, &s);
            }
        }
    }

    #[test]
    fn split_never_panics_on_odd_input() {
        for t in [
            "",
            "+",
            "+++",
            "+++\n",
            "---",
            "\u{feff}+++\n+++\n",
            "+++\r\n+++\r\nx",
            "+++x\n",
        ] {
            let _ = split(p(), t);
        }
    }
}
