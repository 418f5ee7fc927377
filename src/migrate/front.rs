//! Front matter of other generators (YAML, TOML or Hugo's JSON) read as a
//! map and mapped onto rolebook's fields; every key rolebook has no field
//! for goes into `extra`, and the report counts it.

use serde_json::{Map, Value};

use super::report::Report;

/// rolebook's front matter, as an import fills it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Front {
    pub title: Option<String>,
    pub description: Option<String>,
    pub date: Option<String>,
    pub updated: Option<String>,
    pub weight: Option<i64>,
    pub draft: bool,
    pub slug: Option<String>,
    pub aliases: Vec<String>,
    pub tags: Vec<String>,
    pub toc: Option<bool>,
    /// Sections: `"date"` for blogs.
    pub sort_by: Option<String>,
    pub feed: bool,
    pub extra: Map<String, Value>,
}

/// A source file split into its front matter and body.
pub struct Parsed {
    pub map: Map<String, Value>,
    pub body: String,
    /// The line of the file the body starts on (1-based), so notes about
    /// the body name real lines.
    pub body_line: usize,
}

/// Splits and parses the front matter; a block that does not parse is a
/// note and the file is imported with the block left in its body.
pub fn parse(text: &str, source: &std::path::Path, report: &mut Report) -> Parsed {
    let whole = |text: &str| Parsed {
        map: Map::new(),
        body: text.to_string(),
        body_line: 1,
    };
    let (fence, yaml) = if text.starts_with("---") {
        ("---", true)
    } else if text.starts_with("+++") {
        ("+++", false)
    } else if text.starts_with("{\n") || text.starts_with("{\r") {
        return parse_json(text, source, report).unwrap_or_else(|| whole(text));
    } else {
        return whole(text);
    };
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != fence {
        return whole(text);
    }
    let mut pos = first_end + 1;
    for (line, l) in (2..).zip(text.get(pos..).unwrap_or("").split_inclusive('\n')) {
        if l.trim_end() == fence || yaml && l.trim_end() == "..." {
            let front = &text[first_end + 1..pos];
            let map = if yaml {
                parse_yaml(front)
            } else {
                parse_toml(front)
            };
            let map = match map {
                Ok(map) => map,
                Err(e) => {
                    report.note(
                        source,
                        1,
                        format!("front matter does not parse ({e}); left in the page"),
                    );
                    return whole(text);
                }
            };
            return Parsed {
                map,
                body: text[pos + l.len()..].to_string(),
                body_line: line + 1,
            };
        }
        pos += l.len();
    }
    whole(text)
}

fn parse_yaml(front: &str) -> Result<Map<String, Value>, String> {
    if front.trim().is_empty() {
        return Ok(Map::new());
    }
    match serde_norway::from_str::<Value>(front) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(Value::Null) => Ok(Map::new()),
        Ok(_) => Err("not a map of keys".into()),
        Err(e) => Err(e.to_string()),
    }
}

fn parse_toml(front: &str) -> Result<Map<String, Value>, String> {
    let table: toml::Table = toml::from_str(front).map_err(|e| e.message().to_string())?;
    match serde_json::to_value(table).map_err(|e| e.to_string())? {
        Value::Object(map) => Ok(map),
        _ => Err("not a table".into()),
    }
}

/// Hugo's JSON front matter: an object at the top of the file.
fn parse_json(text: &str, source: &std::path::Path, report: &mut Report) -> Option<Parsed> {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    match stream.next() {
        Some(Ok(Value::Object(map))) => {
            let end = stream.byte_offset();
            Some(Parsed {
                map,
                body: text[end..].to_string(),
                body_line: text[..end].matches('\n').count() + 1,
            })
        }
        Some(Err(e)) => {
            report.note(
                source,
                e.line(),
                format!("JSON front matter does not parse ({e})"),
            );
            None
        }
        _ => None,
    }
}

/// What each generator calls the keys rolebook knows.
const TITLE: [&str; 1] = ["title"];
const NAV_TITLE: [&str; 3] = ["sidebar_label", "linkTitle", "nav_title"];
const DESCRIPTION: [&str; 3] = ["description", "summary", "excerpt"];
const DATE: [&str; 2] = ["date", "publishDate"];
const UPDATED: [&str; 4] = ["updated", "lastmod", "last_modified_at", "last_update"];
const WEIGHT: [&str; 3] = ["weight", "nav_order", "sidebar_position"];
const ALIASES: [&str; 3] = ["aliases", "redirect_from", "redirect-from"];
const TAGS: [&str; 4] = ["tags", "categories", "category", "keywords"];
/// Keys that decide the URL: read by each reader, not kept.
pub const URL_KEYS: [&str; 3] = ["permalink", "url", "slug"];

impl Front {
    /// Maps the keys every generator shares; the rest go to `extra`, each
    /// counted in the report. `url` keys are the reader's to use.
    pub fn from_map(map: &Map<String, Value>, report: &mut Report) -> Front {
        let mut front = Front::default();
        let used = |key: &str| map.contains_key(key);
        for (key, value) in map {
            let key = key.as_str();
            if TITLE.contains(&key) {
                front.title = text(value);
            } else if NAV_TITLE.contains(&key) {
                // A title for the sidebar: the page's title when it has none.
                if !used("title") {
                    front.title = text(value);
                } else {
                    front.extra.insert(key.to_string(), value.clone());
                }
                report.mapped(&format!("`{key}` to the title shown in the sidebar"));
            } else if DESCRIPTION.contains(&key) {
                if front.description.is_none() {
                    front.description = text(value).map(|d| d.trim().to_string());
                }
            } else if DATE.contains(&key) {
                if front.date.is_none() {
                    front.date = text(value).and_then(|d| date(&d));
                }
            } else if UPDATED.contains(&key) {
                front.updated = text(value).and_then(|d| date(&d));
            } else if WEIGHT.contains(&key) {
                front.weight = number(value);
                if key != "weight" {
                    report.mapped(&format!("`{key}` to weight"));
                }
            } else if key == "draft" {
                front.draft = value.as_bool().unwrap_or(false);
            } else if key == "published" {
                if value.as_bool() == Some(false) {
                    front.draft = true;
                    report.mapped("`published: false` to draft");
                }
            } else if ALIASES.contains(&key) {
                front.aliases.extend(strings(value).into_iter().map(|a| {
                    if a.starts_with('/') || a.contains("://") {
                        a
                    } else {
                        format!("/{a}")
                    }
                }));
                if key != "aliases" {
                    report.mapped(&format!("`{key}` to aliases"));
                }
            } else if TAGS.contains(&key) {
                for tag in strings(value) {
                    if !front.tags.contains(&tag) {
                        front.tags.push(tag);
                    }
                }
                if key != "tags" {
                    report.mapped(&format!("`{key}` to tags"));
                }
            } else if key == "toc" {
                front.toc = value.as_bool();
            } else if URL_KEYS.contains(&key) {
                // The reader places the page by its URL.
            } else if !value.is_null() {
                front.extra.insert(key.to_string(), value.clone());
                report.extra_key(key);
            }
        }
        front
    }

    /// The front matter as TOML lines (without the fences).
    pub fn to_toml(&self) -> String {
        let mut t = toml::Table::new();
        let s = |v: &str| toml::Value::String(v.to_string());
        if let Some(v) = &self.title {
            t.insert("title".into(), s(v));
        }
        if let Some(v) = &self.description {
            t.insert("description".into(), s(v));
        }
        if let Some(v) = &self.date {
            t.insert("date".into(), s(v));
        }
        if let Some(v) = &self.updated {
            t.insert("updated".into(), s(v));
        }
        if let Some(v) = self.weight {
            t.insert("weight".into(), toml::Value::Integer(v));
        }
        if self.draft {
            t.insert("draft".into(), toml::Value::Boolean(true));
        }
        if let Some(v) = &self.slug {
            t.insert("slug".into(), s(v));
        }
        if !self.aliases.is_empty() {
            t.insert(
                "aliases".into(),
                toml::Value::Array(self.aliases.iter().map(|a| s(a)).collect()),
            );
        }
        if !self.tags.is_empty() {
            t.insert(
                "tags".into(),
                toml::Value::Array(self.tags.iter().map(|a| s(a)).collect()),
            );
        }
        if let Some(v) = self.toc {
            t.insert("toc".into(), toml::Value::Boolean(v));
        }
        if let Some(v) = &self.sort_by {
            t.insert("sort_by".into(), s(v));
        }
        if self.feed {
            t.insert("feed".into(), toml::Value::Boolean(true));
        }
        let extra: toml::Table = self
            .extra
            .iter()
            .filter_map(|(k, v)| to_toml(v).map(|v| (k.clone(), v)))
            .collect();
        if !extra.is_empty() {
            t.insert("extra".into(), toml::Value::Table(extra));
        }
        toml::to_string(&t).unwrap_or_default()
    }
}

/// JSON to TOML; nulls (which TOML lacks) are left out.
fn to_toml(value: &Value) -> Option<toml::Value> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(b) => toml::Value::Boolean(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64()?),
        },
        Value::String(s) => toml::Value::String(s.clone()),
        Value::Array(items) => toml::Value::Array(items.iter().filter_map(to_toml).collect()),
        Value::Object(map) => toml::Value::Table(
            map.iter()
                .filter_map(|(k, v)| to_toml(v).map(|v| (k.clone(), v)))
                .collect(),
        ),
    })
}

pub fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A list of strings, or one string (Jekyll allows `tags: a b c`).
pub fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().filter_map(text).collect(),
        Value::String(s) if s.contains(',') => s
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect(),
        Value::String(s) => s.split_whitespace().map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

/// A weight: integers as they are, other numbers rounded.
pub fn number(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f.round() as i64)),
        Value::String(s) => s.trim().parse::<f64>().ok().map(|f| f.round() as i64),
        _ => None,
    }
}

/// A date rolebook reads: `2024-03-01`, or with a time in RFC 3339. Jekyll's
/// `2024-03-01 10:00:00 +0100` and similar become RFC 3339; text that is no
/// date is dropped.
pub fn date(text: &str) -> Option<String> {
    let text = text.trim();
    if crate::content::front_matter::Date::parse(text).is_some() {
        return Some(text.to_string());
    }
    for format in [
        "%Y-%m-%d %H:%M:%S %z",
        "%Y-%m-%d %H:%M %z",
        "%Y-%m-%dT%H:%M:%S%z",
    ] {
        if let Ok(t) = chrono::DateTime::parse_from_str(text, format) {
            return Some(t.to_rfc3339());
        }
    }
    // Keep the day of anything that starts with one.
    let day = text.get(..10)?;
    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .map(|_| day.to_string())
}
