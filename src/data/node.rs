//! A parsed data file as a tree of values that remember where they start.
//!
//! Every format (TOML, JSON, YAML, CSV) is read into the same [`Node`] tree,
//! each value and key carrying the byte offset where it begins in the file,
//! so schema validation can point at the exact line and column whatever the
//! format. This file owns the tree and the TOML and JSON readers; YAML and
//! CSV live in `yaml.rs` and `csv.rs`. Offsets are exact for TOML, JSON and
//! CSV; YAML offsets come from a text search (see `yaml.rs`).

use std::path::Path;

use toml::de::{DeTable, DeValue};

use crate::error::{Diagnostic, Diagnostics, Kind};

/// A value with the byte offset of its first character.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub value: Value,
    pub at: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// A TOML date, time or date-time, kept as TOML wrote it.
    Date(toml::value::Datetime),
    Array(Vec<Node>),
    /// Entries in document order.
    Table(Vec<Entry>),
}

/// A key of a table, where the key starts, and its value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub key: String,
    pub key_at: usize,
    pub node: Node,
}

impl Node {
    pub fn new(value: Value, at: usize) -> Node {
        Node { value, at }
    }

    /// The entry named `key`, if this node is a table that has it.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Table(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// "a string", "an integer", ...: for "expected X, found Y" messages.
    pub fn type_name(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a decimal number",
            Value::Str(_) => "a string",
            Value::Date(_) => "a date",
            Value::Array(_) => "a list",
            Value::Table(_) => "a table",
        }
    }

    /// Plain data for templates: dates become their TOML text
    /// (`2026-07-01`), non-finite numbers become null.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::Str(s) => J::String(s.clone()),
            Value::Date(d) => J::String(d.to_string()),
            Value::Array(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Table(entries) => J::Object(
                entries
                    .iter()
                    .map(|e| (e.key.clone(), e.node.to_json()))
                    .collect(),
            ),
        }
    }
}

/// How deep lists and tables may nest in a data file. Readers and the
/// code after them recurse once per level; real files nest a few levels.
pub(crate) const MAX_DEPTH: usize = 128;

fn syntax_error(path: &Path, text: &str, offset: usize, message: &str) -> Diagnostic {
    Diagnostic::error(Kind::Data, message.to_owned()).at_offset(path, text, offset)
}

/// Reads a TOML document; every syntax error is reported, not just the first.
pub(crate) fn parse_toml(path: &Path, text: &str) -> Result<Node, Diagnostics> {
    let (table, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        return Err(errors
            .iter()
            .map(|e| {
                let offset = e.span().map_or(0, |s| s.start);
                syntax_error(
                    path,
                    text,
                    offset,
                    &format!("invalid TOML: {}", e.message().trim()),
                )
            })
            .collect());
    }
    let mut deep = None;
    let root = Node::new(toml_table(table.get_ref(), 0, &mut deep), 0);
    match deep {
        Some(at) => Err(too_deep(path, text, at).into()),
        None => Ok(root),
    }
}

fn too_deep(path: &Path, text: &str, at: usize) -> Diagnostic {
    syntax_error(
        path,
        text,
        at,
        &format!("lists and tables are nested more than {MAX_DEPTH} levels deep here"),
    )
    .with_help(format!(
        "a data file may nest at most {MAX_DEPTH} levels; flatten the data"
    ))
}

/// `deep` gets the offset of the first value nested past [`MAX_DEPTH`]
/// (dotted keys such as `a.b.c = 1` nest without the parser recursing).
fn toml_table(table: &DeTable<'_>, depth: usize, deep: &mut Option<usize>) -> Value {
    let mut entries: Vec<Entry> = table
        .iter()
        .map(|(k, v)| Entry {
            key: k.get_ref().to_string(),
            key_at: k.span().start,
            node: toml_node(v, depth + 1, deep),
        })
        .collect();
    // The parser keeps keys sorted by name; restore the order of the file.
    entries.sort_by_key(|e| e.key_at);
    Value::Table(entries)
}

fn toml_node(value: &toml::Spanned<DeValue<'_>>, depth: usize, deep: &mut Option<usize>) -> Node {
    let at = value.span().start;
    let nested = matches!(value.get_ref(), DeValue::Array(_) | DeValue::Table(_));
    if nested && depth >= MAX_DEPTH {
        deep.get_or_insert(at);
        return Node::new(Value::Null, at);
    }
    let v = match value.get_ref() {
        DeValue::String(s) => Value::Str(s.to_string()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Value::Int(n),
            Err(_) => Value::Float(i.as_str().parse().unwrap_or(f64::NAN)),
        },
        DeValue::Float(f) => Value::Float(f.as_str().parse().unwrap_or(f64::NAN)),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::Date(*d),
        DeValue::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| toml_node(item, depth + 1, deep))
                .collect(),
        ),
        DeValue::Table(t) => toml_table(t, depth, deep),
    };
    Node::new(v, at)
}

/// Reads a JSON document. serde_json checks the syntax (and gives the
/// position of the first error); a small scanner then walks the text, now
/// known to be valid, to record where each value starts.
pub(crate) fn parse_json(path: &Path, text: &str) -> Result<Node, Diagnostics> {
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        let message = format!("invalid JSON: {e}");
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_owned();
        let d =
            Diagnostic::error(Kind::Data, message).at_line(path, text, e.line(), e.column().max(1));
        return Err(d.into());
    }
    let mut scan = JsonScan {
        text,
        pos: 0,
        depth: 0,
    };
    scan.value().ok_or_else(|| {
        if scan.depth > MAX_DEPTH {
            return too_deep(path, text, scan.pos).into();
        }
        syntax_error(path, text, scan.pos, "invalid JSON: cannot read this value").into()
    })
}

struct JsonScan<'a> {
    text: &'a str,
    pos: usize,
    /// Lists and objects open around the cursor.
    depth: usize,
}

impl JsonScan<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
            if !b.is_ascii_whitespace() {
                break;
            }
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.skip_ws();
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Option<Node> {
        self.skip_ws();
        let at = self.pos;
        let value = match self.peek()? {
            b'{' | b'[' if self.depth >= MAX_DEPTH => {
                // Stays past the limit, so the caller can tell why.
                self.depth += 1;
                return None;
            }
            b'{' => {
                self.depth += 1;
                self.pos += 1;
                let mut entries = Vec::new();
                if !self.eat(b'}') {
                    loop {
                        self.skip_ws();
                        let key_at = self.pos;
                        let key = self.string()?;
                        if !self.eat(b':') {
                            return None;
                        }
                        let node = self.value()?;
                        entries.push(Entry { key, key_at, node });
                        if self.eat(b'}') {
                            break;
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
                self.depth -= 1;
                Value::Table(entries)
            }
            b'[' => {
                self.depth += 1;
                self.pos += 1;
                let mut items = Vec::new();
                if !self.eat(b']') {
                    loop {
                        items.push(self.value()?);
                        if self.eat(b']') {
                            break;
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
                self.depth -= 1;
                Value::Array(items)
            }
            b'"' => Value::Str(self.string()?),
            _ => {
                let rest = &self.text[self.pos..];
                let len = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || "+-.".contains(c)))
                    .unwrap_or(rest.len());
                let word = &rest[..len];
                self.pos += len;
                match word {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    "null" => Value::Null,
                    _ => match word.parse::<i64>() {
                        Ok(n) => Value::Int(n),
                        Err(_) => Value::Float(word.parse().ok()?),
                    },
                }
            }
        };
        Some(Node::new(value, at))
    }

    /// A string literal at the cursor, decoded by serde_json.
    fn string(&mut self) -> Option<String> {
        let bytes = self.text.as_bytes();
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.pos;
        let mut i = start + 1;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 2,
                b'"' => break,
                _ => i += 1,
            }
        }
        let end = (i + 1).min(bytes.len());
        self.pos = end;
        serde_json::from_str(self.text.get(start..end)?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path() -> &'static Path {
        Path::new("content/d.toml")
    }

    #[test]
    fn toml_nodes_keep_offsets_and_file_order() {
        let text = "z = 1\na = \"x\"\n[[item]]\nid = \"PB-1\"\n";
        let node = parse_toml(path(), text).expect("valid");
        let Value::Table(entries) = &node.value else {
            panic!("table")
        };
        let keys: Vec<_> = entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["z", "a", "item"]);
        let item = &node.entry("item").expect("item").node;
        let Value::Array(items) = &item.value else {
            panic!("array")
        };
        let id = items[0].entry("id").expect("id");
        assert_eq!(&text[id.node.at..id.node.at + 6], "\"PB-1\"");
        assert_eq!(&text[items[0].at..items[0].at + 8], "[[item]]");
    }

    #[test]
    fn toml_syntax_errors_are_all_reported_with_lines() {
        let text = "a = 1\nb = \nc = 2026-02-30\n";
        let err = parse_toml(path(), text).expect_err("invalid");
        let lines: Vec<_> = err
            .iter()
            .map(|d| d.location.as_ref().map(|l| l.line))
            .collect();
        assert_eq!(lines, [Some(2), Some(3)]);
    }

    #[test]
    fn toml_integers_with_underscores_and_radix() {
        let node = parse_toml(path(), "a = 1_000\nb = 0x10\n").expect("valid");
        assert_eq!(
            node.entry("a").map(|e| &e.node.value),
            Some(&Value::Int(1000))
        );
        assert_eq!(
            node.entry("b").map(|e| &e.node.value),
            Some(&Value::Int(16))
        );
    }

    #[test]
    fn json_offsets_point_at_values_and_keys() {
        let text = "{\"item\": [ {\"id\": \"P\\\"1\", \"n\": -2.5e1, \"ok\": true} ]}";
        let node = parse_json(path(), text).expect("valid");
        let Value::Array(items) = &node.entry("item").expect("item").node.value else {
            panic!("array")
        };
        let id = items[0].entry("id").expect("id");
        assert_eq!(id.node.value, Value::Str("P\"1".into()));
        assert_eq!(&text[id.key_at..id.key_at + 4], "\"id\"");
        assert_eq!(&text[id.node.at..id.node.at + 1], "\"");
        assert_eq!(
            items[0].entry("n").map(|e| &e.node.value),
            Some(&Value::Float(-25.0))
        );
        assert_eq!(
            items[0].entry("ok").map(|e| &e.node.value),
            Some(&Value::Bool(true))
        );
    }

    #[test]
    fn json_syntax_error_has_line_and_column() {
        let err = parse_json(path(), "{\"a\": 1,\n  \"b\": x}").expect_err("invalid");
        let d = err.iter().next().expect("one");
        let loc = d.location.as_ref().expect("loc");
        assert_eq!((loc.line, loc.column), (2, 8));
        assert!(
            d.message.starts_with("invalid JSON: expected value"),
            "{}",
            d.message
        );
    }

    fn first_message(err: &Diagnostics) -> (String, usize) {
        let d = err.iter().next().expect("an error");
        let line = d.location.as_ref().map_or(0, |l| l.line);
        (d.message.clone(), line)
    }

    #[test]
    fn deep_json_is_an_error_naming_the_limit() {
        let text = format!("{{\"a\":\n{}{}}}", "[".repeat(30_000), "]".repeat(30_000));
        let err = parse_json(path(), &text).expect_err("too deep");
        let (message, line) = first_message(&err);
        assert_eq!(
            message,
            format!("lists and tables are nested more than {MAX_DEPTH} levels deep here")
        );
        assert_eq!(line, 2);
        let ok = format!("{}1{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse_json(path(), &ok).is_ok());
    }

    #[test]
    fn deep_toml_is_an_error_not_a_crash() {
        for text in [
            format!("a = {}1{}\n", "[".repeat(30_000), "]".repeat(30_000)),
            format!("a = {}1{}\n", "{b = ".repeat(30_000), "}".repeat(30_000)),
            format!("{} = 1\n", ["k"; 30_000].join(".")),
            format!("[{}]\nv = 1\n", ["k"; 30_000].join(".")),
        ] {
            let err = parse_toml(path(), &text).expect_err("too deep");
            let (message, line) = first_message(&err);
            assert!(
                message.starts_with("invalid TOML") || message.contains("nested more than"),
                "{message}"
            );
            assert_eq!(line, 1);
        }
    }

    #[test]
    fn to_json_writes_dates_as_text() {
        let node = parse_toml(path(), "d = 2026-07-01\n").expect("valid");
        assert_eq!(node.to_json(), serde_json::json!({"d": "2026-07-01"}));
    }
}
