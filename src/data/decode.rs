//! Typed reading of a located [`Node`] tree, collecting every error.
//!
//! Schema files are not read with serde derive: serde stops at the first
//! problem and knows no positions. [`Decoder`] instead reads field by field,
//! records a diagnostic at the offending key or value (unknown key with a
//! "did you mean", wrong type, value out of its allowed set, unreal date) and
//! carries on, so one run reports every error of a file.

use std::path::Path;

use chrono::NaiveDate;

use super::node::{Node, Value};
use crate::error::{Diagnostic, Diagnostics, Kind, did_you_mean};

/// A closed set of allowed words, such as an item's status.
pub(crate) trait Choice: Sized + Copy + 'static {
    const ALL: &'static [Self];
    fn as_str(self) -> &'static str;

    fn parse(word: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.as_str() == word)
    }

    fn allowed() -> String {
        Self::ALL
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

pub(crate) struct Decoder<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    /// The values are CSV cells: numbers and lists arrive written as text
    /// (lists separated by `;`).
    pub cells: bool,
    pub diags: Diagnostics,
}

/// The entries of one table being read, and how to name it in messages.
pub(crate) struct Fields<'n> {
    pub node: &'n Node,
    pub what: String,
    pub required: &'static [&'static str],
}

impl<'n> Fields<'n> {
    pub fn get(&self, key: &str) -> Option<&'n Node> {
        self.node.entry(key).map(|e| &e.node)
    }
}

impl<'a> Decoder<'a> {
    pub fn new(path: &'a Path, text: &'a str, cells: bool) -> Self {
        Decoder {
            path,
            text,
            cells,
            diags: Diagnostics::new(),
        }
    }

    pub fn error(&mut self, at: usize, message: impl Into<String>, help: impl Into<String>) {
        let help = help.into();
        let mut d = Diagnostic::error(Kind::Data, message).at_offset(self.path, self.text, at);
        if !help.is_empty() {
            d = d.with_help(help);
        }
        self.diags.push(d);
    }

    /// Opens `node` as a table named `what` (e.g. "item PB-101"), reporting
    /// any key not in `known`.
    pub fn table<'n>(
        &mut self,
        node: &'n Node,
        what: String,
        known: &[&str],
        required: &'static [&'static str],
    ) -> Option<Fields<'n>> {
        let Value::Table(entries) = &node.value else {
            let found = found(node);
            self.error(
                node.at,
                format!("{what} must be a table, found {found}"),
                "",
            );
            return None;
        };
        for entry in entries {
            if !known.contains(&entry.key.as_str()) {
                let hint = did_you_mean(&entry.key, known.iter().copied())
                    .map_or(String::new(), |s| format!("did you mean `{s}`? "));
                self.error(
                    entry.key_at,
                    format!("unknown key `{}` in {what}", entry.key),
                    format!("{hint}allowed keys: {}", known.join(", ")),
                );
            }
        }
        Some(Fields {
            node,
            what,
            required,
        })
    }

    /// The value of a required key, or an error at the table.
    pub fn req<'n>(&mut self, fields: &Fields<'n>, key: &str) -> Option<&'n Node> {
        let node = fields.get(key);
        if node.is_none() {
            let (what, at) = (fields.what.clone(), fields.node.at);
            let help = format!("required keys: {}", fields.required.join(", "));
            self.error(at, format!("{what} has no `{key}`"), help);
        }
        node
    }

    pub fn string(&mut self, node: &Node, key: &str) -> Option<String> {
        match &node.value {
            Value::Str(s) if s.trim().is_empty() => {
                self.error(node.at, format!("`{key}` must not be empty"), "");
                None
            }
            Value::Str(s) => Some(s.clone()),
            _ => self.wrong_type(node, key, "a string"),
        }
    }

    /// A whole number of at least `min` that fits a u32.
    pub fn uint(&mut self, node: &Node, key: &str, min: u32) -> Option<u32> {
        let expected = if min == 0 {
            "a non-negative whole number"
        } else {
            "a positive whole number"
        };
        let n = match &node.value {
            Value::Int(n) => *n,
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => *f as i64,
            Value::Str(s) if self.cells => match s.parse::<i64>() {
                Ok(n) => n,
                Err(_) => return self.wrong_type(node, key, expected),
            },
            _ => return self.wrong_type(node, key, expected),
        };
        match u32::try_from(n) {
            Ok(v) if v >= min => Some(v),
            _ => {
                let message = format!("`{key}` must be {expected}, found {n}");
                self.error(node.at, message, "");
                None
            }
        }
    }

    pub fn number(&mut self, node: &Node, key: &str) -> Option<f64> {
        match &node.value {
            Value::Int(n) => Some(*n as f64),
            Value::Float(f) if f.is_finite() => Some(*f),
            Value::Str(s) if self.cells => match s.parse::<f64>() {
                Ok(f) if f.is_finite() => Some(f),
                _ => self.wrong_type(node, key, "a number"),
            },
            _ => self.wrong_type(node, key, "a number"),
        }
    }

    /// `true` or `false` (in a CSV cell, the words).
    pub fn boolean(&mut self, node: &Node, key: &str) -> Option<bool> {
        match &node.value {
            Value::Bool(b) => Some(*b),
            Value::Str(s) if self.cells && (s == "true" || s == "false") => Some(s == "true"),
            _ => self.wrong_type(node, key, "true or false"),
        }
    }

    /// A calendar date: a TOML date, or a `YYYY-MM-DD` string.
    pub fn date(&mut self, node: &Node, key: &str) -> Option<NaiveDate> {
        let help = "write a date as YYYY-MM-DD (in TOML without quotes: start = 2026-07-01)";
        match &node.value {
            Value::Date(d) => match (d.date, d.time) {
                (Some(day), None) => {
                    let date = NaiveDate::from_ymd_opt(
                        i32::from(day.year),
                        u32::from(day.month),
                        u32::from(day.day),
                    );
                    if date.is_none() {
                        self.error(node.at, format!("`{key}` is not a real date: {d}"), help);
                    }
                    date
                }
                _ => {
                    let message = format!("`{key}` must be a date without a time, found {d}");
                    self.error(node.at, message, help);
                    None
                }
            },
            Value::Str(s) => {
                let date = parse_date(s);
                if date.is_none() {
                    let message = format!("`{key}` is not a real date: \"{s}\"");
                    self.error(node.at, message, help);
                }
                date
            }
            _ => {
                let message = format!("`{key}` must be a date, found {}", found(node));
                self.error(node.at, message, help);
                None
            }
        }
    }

    pub fn choice<C: Choice>(&mut self, node: &Node, key: &str) -> Option<C> {
        let Value::Str(word) = &node.value else {
            return self.wrong_type(node, key, "a string");
        };
        let choice = C::parse(word);
        if choice.is_none() {
            let hint = did_you_mean(word, C::ALL.iter().map(|c| c.as_str()))
                .map_or(String::new(), |s| format!("did you mean `{s}`? "));
            let message = format!("`{key}` cannot be \"{word}\"");
            self.error(node.at, message, format!("{hint}allowed: {}", C::allowed()));
        }
        choice
    }

    pub fn strings(&mut self, node: &Node, key: &str) -> Option<Vec<String>> {
        match &node.value {
            Value::Str(s) if self.cells => Some(
                s.split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
            ),
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match &item.value {
                        Value::Str(s) => out.push(s.clone()),
                        _ => {
                            let found = found(item);
                            let message = format!("`{key}` must hold only strings, found {found}");
                            self.error(item.at, message, "");
                        }
                    }
                }
                Some(out)
            }
            _ => self.wrong_type(node, key, "a list of strings"),
        }
    }

    /// A list of tables: the `[[item]]` entries of a file.
    pub fn list<'n>(&mut self, node: &'n Node, key: &str) -> &'n [Node] {
        match &node.value {
            Value::Array(items) => items,
            _ => {
                let message = format!("`{key}` must be a list of tables, found {}", found(node));
                let help = format!("write each entry as [[{key}]] followed by its keys");
                self.error(node.at, message, help);
                &[]
            }
        }
    }

    fn wrong_type<T>(&mut self, node: &Node, key: &str, expected: &str) -> Option<T> {
        let message = format!("`{key}` must be {expected}, found {}", found(node));
        self.error(node.at, message, "");
        None
    }

    // Shorthands for the common optional and required reads.

    pub fn opt_str(&mut self, f: &Fields<'_>, key: &str) -> Option<String> {
        f.get(key).and_then(|n| self.string(n, key))
    }

    pub fn req_str(&mut self, f: &Fields<'_>, key: &str) -> Option<String> {
        self.req(f, key).and_then(|n| self.string(n, key))
    }

    pub fn opt_choice<C: Choice>(&mut self, f: &Fields<'_>, key: &str) -> Option<C> {
        f.get(key).and_then(|n| self.choice(n, key))
    }

    pub fn req_choice<C: Choice>(&mut self, f: &Fields<'_>, key: &str) -> Option<C> {
        self.req(f, key).and_then(|n| self.choice(n, key))
    }

    pub fn opt_uint(&mut self, f: &Fields<'_>, key: &str, min: u32) -> Option<u32> {
        f.get(key).and_then(|n| self.uint(n, key, min))
    }

    pub fn req_uint(&mut self, f: &Fields<'_>, key: &str, min: u32) -> Option<u32> {
        self.req(f, key).and_then(|n| self.uint(n, key, min))
    }

    pub fn opt_bool(&mut self, f: &Fields<'_>, key: &str) -> Option<bool> {
        f.get(key).and_then(|n| self.boolean(n, key))
    }

    pub fn req_date(&mut self, f: &Fields<'_>, key: &str) -> Option<NaiveDate> {
        self.req(f, key).and_then(|n| self.date(n, key))
    }

    pub fn opt_strings(&mut self, f: &Fields<'_>, key: &str) -> Vec<String> {
        f.get(key)
            .and_then(|n| self.strings(n, key))
            .unwrap_or_default()
    }
}

/// Where a key's value starts, or the table's own offset without the key.
pub(crate) fn value_at(f: &Fields<'_>, key: &str) -> usize {
    f.get(key).map_or(f.node.at, |n| n.at)
}

/// How a value is shown in "found ..." messages.
pub(crate) fn found(node: &Node) -> String {
    match &node.value {
        Value::Str(s) => {
            let short: String = s.chars().take(40).collect();
            format!("\"{short}\"")
        }
        Value::Int(n) => format!("{n}"),
        _ => node.type_name().to_owned(),
    }
}

/// A strict `YYYY-MM-DD` that names a real day.
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    let year = s[..4].parse().ok()?;
    let month = s[5..7].parse().ok()?;
    let day = s[8..].parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_be_real_and_strict() {
        assert!(parse_date("2026-02-28").is_some());
        assert!(parse_date("2026-02-30").is_none());
        assert!(parse_date("2026-7-1").is_none());
        assert!(parse_date("26-07-01").is_none());
        assert!(parse_date("2026-13-01").is_none());
    }
}
