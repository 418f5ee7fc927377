//! Front matter: splitting it from the body and parsing it.
//!
//! TOML between `+++` lines or YAML between `---` lines. Pure functions only;
//! reading files is `content::load`'s job. Errors point at the line in the
//! file, not in the front matter block.

use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::config::{UnknownKey, field_names, toml_diagnostic, unknown_field_hint};
use crate::error::{Diagnostic, Diagnostics, Kind};

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

/// The front matter fields, for pages and sections alike. Unknown keys are
/// found by [`check_keys`], which reports all of them at once.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub date: Option<DateInput>,
    pub updated: Option<DateInput>,
    pub weight: Option<i64>,
    #[serde(default)]
    pub draft: bool,
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub aliases: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub tags: Vec<String>,
    pub roles: Option<RolesInput>,
    pub template: Option<String>,
    pub toc: Option<bool>,
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Terms of the site's own taxonomies (`[[taxonomies]]` in
    /// rolebook.toml): `taxonomies.squads = ["checkout"]`, or one string.
    #[serde(default, deserialize_with = "terms_by_taxonomy")]
    pub taxonomies: std::collections::BTreeMap<String, Vec<String>>,
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

/// A list, or one string (`tags: onboarding`, as Jekyll allows; commas
/// separate several: `tags: "onboarding, roles"`).
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged, expecting = "a string or a list of strings")]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => s
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect(),
        OneOrMany::Many(list) => list,
    })
}

/// `[taxonomies]` in front matter: each taxonomy's terms, a list or one
/// string (commas separate several), as `tags` takes them.
fn terms_by_taxonomy<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<std::collections::BTreeMap<String, Vec<String>>, D::Error> {
    #[derive(Deserialize)]
    struct Terms(#[serde(deserialize_with = "one_or_many")] Vec<String>);
    let map = std::collections::BTreeMap::<String, Terms>::deserialize(d)?;
    Ok(map.into_iter().map(|(k, Terms(v))| (k, v)).collect())
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
            if let Err(message) = crate::data::yaml::check_expansion(split.front) {
                return Err(Diagnostic::error(Kind::FrontMatter, message)
                    .at_offset(path, file_text, split.front_offset)
                    .with_help(crate::data::yaml::expansion_help()));
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

/// Every key of the front matter that rolebook does not know. A key that
/// looks like a typo of one it knows (`wieght`) is an error; any other is
/// ignored with a warning saying what to write instead (keys of other site
/// generators, like `layout` or `nav_order`, get a specific hint), so a
/// repository written for another tool builds while it is moved over.
pub fn check_keys(path: &Path, file_text: &str, split: &Split<'_>) -> Diagnostics {
    let allowed = field_names::<FrontMatter>();
    let unknown: Vec<UnknownKey> = match split.format {
        None => Vec::new(),
        Some(Format::Toml) => match toml::de::DeTable::parse(split.front) {
            Ok(table) => crate::config::unknown_keys(table.get_ref(), allowed, None),
            Err(_) => Vec::new(),
        },
        Some(Format::Yaml) => yaml_unknown_keys(split.front, allowed),
    };
    unknown
        .iter()
        .map(|u| {
            let at = split.front_offset + u.span.start;
            match (foreign_key_hint(&u.key), u.suggestion()) {
                (None, Some(_)) => u.diagnostic(Kind::FrontMatter, path, file_text, split.front_offset),
                (hint, _) => Diagnostic::warning(
                    Kind::FrontMatter,
                    format!("unknown key `{}` is ignored", u.key),
                )
                .at_offset(path, file_text, at)
                .with_help(hint.map_or_else(
                    || "keep your own fields under `extra` (`extra.audience = \"...\"`), where templates read them as `page.extra`; terms of a taxonomy of your own go under `taxonomies` (`taxonomies.squads = [\"checkout\"]`)".to_string(),
                    str::to_string,
                )),
            }
        })
        .collect()
}

/// What to write instead of a front matter key another generator uses.
fn foreign_key_hint(key: &str) -> Option<&'static str> {
    Some(match key {
        "layout" | "type" => {
            "rolebook chooses the template; set `template = \"NAME.html\"` for another one"
        }
        "permalink" | "url" => {
            "the URL follows the file's path; set `slug` for its last segment and `aliases` for old URLs"
        }
        "redirect_from" => "write `aliases`: the old URLs that redirect here",
        "nav_order" | "sidebar_position" | "order" | "position" | "menu_order" => {
            "write `weight`: low comes first in the sidebar"
        }
        "parent" | "grand_parent" | "has_children" | "nav_exclude" | "menu" | "nav" | "has_toc" => {
            "the sidebar follows the folders; order pages with `weight`"
        }
        "sidebar_label" | "linkTitle" | "nav_title" | "short_title" => "the sidebar shows `title`",
        "categories" | "category" | "keywords" => "write `tags`",
        "summary" | "excerpt" | "lead" => "write `description`",
        "id" | "slug_id" => "links name files (`../guide/README.md`), so pages need no id",
        "hide_table_of_contents" | "toc_hide" | "hide_toc" => "write `toc = false`",
        "published" => "write `draft = true` to leave a page out",
        _ => return None,
    })
}

/// Top-level keys of a YAML block that are not in `allowed`, located by
/// their line (a top-level key starts its line).
fn yaml_unknown_keys(front: &str, allowed: &'static [&'static str]) -> Vec<UnknownKey> {
    let Ok(map) = serde_norway::from_str::<serde_norway::Mapping>(front) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for key in map.keys() {
        let Some(key) = key.as_str() else { continue };
        if allowed.contains(&key) {
            continue;
        }
        let mut pos = 0;
        let mut found = 0;
        for line in front.split_inclusive('\n') {
            let bare = line.strip_prefix(key);
            let quoted = line
                .strip_prefix('"')
                .or_else(|| line.strip_prefix('\''))
                .and_then(|l| l.strip_prefix(key))
                .and_then(|l| l.get(1..));
            if bare
                .or(quoted)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
            {
                found = pos;
                break;
            }
            pos += line.len();
        }
        out.push(UnknownKey {
            key: key.to_string(),
            span: found..found + key.len(),
            table: None,
            allowed,
        });
    }
    out.sort_by_key(|u| u.span.start);
    out
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
        assert!(parse(p(), t, &s).is_ok());
        let diags = check_keys(p(), t, &s);
        let err = diags.iter().next().unwrap().clone();
        assert!(err.is_error());
        let loc = err.location.clone().unwrap();
        assert_eq!((loc.line, loc.column), (3, 1));
        assert_eq!(err.message, "unknown key `wieght`");
        assert!(err.help.unwrap().contains("did you mean `weight`"));
    }

    #[test]
    fn yaml_error_points_at_file_line() {
        let t = "---\ntitle: A\ntittle: B\n---\n";
        let s = split(p(), t).unwrap();
        let diags = check_keys(p(), t, &s);
        let err = diags.iter().next().unwrap().clone();
        assert_eq!(err.location.clone().unwrap().line, 3);
        assert!(err.help.unwrap().contains("did you mean `title`"));
    }

    #[test]
    fn yaml_aliases_cannot_blow_up_front_matter() {
        let big = "x".repeat(50_000);
        let text = format!(
            "---\ntitle: t\nextra:\n  a: &a \"{big}\"\n  b: [{}]\n---\nbody\n",
            vec!["*a"; 1000].join(", ")
        );
        let s = split(p(), &text).expect("split");
        let d = parse(p(), &text, &s).expect_err("too big");
        assert_eq!(
            d.message,
            "with its aliases expanded this YAML holds more than 16 MiB of values"
        );
        assert_eq!(d.location.as_ref().map(|l| l.line), Some(2));
    }

    #[test]
    fn every_unknown_key_is_reported_at_once() {
        for t in [
            "---\nlayout: page\ntitle: A\npermalink: /a/\nnav_order: 2\naudience: ops\nwieght: 1\n---\n",
            "+++\nlayout = \"page\"\ntitle = \"A\"\npermalink = \"/a/\"\nnav_order = 2\naudience = \"ops\"\nwieght = 1\n+++\n",
        ] {
            let s = split(p(), t).unwrap();
            let shown: Vec<String> = check_keys(p(), t, &s)
                .iter()
                .map(|d| {
                    let loc = d.location.clone().unwrap();
                    let sev = if d.is_error() { "error" } else { "warning" };
                    format!("{}:{} {sev}: {}", loc.line, loc.column, d.message)
                })
                .collect();
            assert_eq!(
                shown,
                vec![
                    "2:1 warning: unknown key `layout` is ignored",
                    "4:1 warning: unknown key `permalink` is ignored",
                    "5:1 warning: unknown key `nav_order` is ignored",
                    "6:1 warning: unknown key `audience` is ignored",
                    "7:1 error: unknown key `wieght`",
                ],
                "{t}"
            );
        }
    }

    #[test]
    fn single_string_tags_and_aliases_are_read() {
        let t = "---\ntags: onboarding, roles\naliases: /old/\n---\n";
        let s = split(p(), t).unwrap();
        let fm = parse(p(), t, &s).unwrap();
        assert_eq!(fm.tags, vec!["onboarding", "roles"]);
        assert_eq!(fm.aliases, vec!["/old/"]);
        let t = "+++\ntags = [\"a\", \"b\"]\n+++\n";
        let s = split(p(), t).unwrap();
        assert_eq!(parse(p(), t, &s).unwrap().tags, vec!["a", "b"]);
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
