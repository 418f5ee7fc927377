//! YAML data files read into the located [`Node`] tree.
//!
//! serde_norway parses the document (syntax errors carry its exact line and
//! column) but its values do not say where they came from. [`Locator`] walks
//! the parsed value in document order alongside a cursor in the text and
//! finds each key (`key:`), each block list entry (`- `) and each value after
//! its colon. That is exact for the block style data files are written in;
//! inside flow collections (`[a, b]`, `{k: v}`), multi-line scalars, anchors
//! and aliases a location may land on a nearby line instead.
//!
//! Aliases repeat what their anchor holds, so a small file can stand for
//! gigabytes of values. [`check_expansion`] walks the document as the YAML
//! library replays it, counting, and stops at a bound before anything is
//! built; front matter uses it too.

use std::cell::Cell;
use std::collections::HashMap;
use std::path::Path;

use serde::de::{DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess};
use serde_norway::Value as Yaml;

use super::node::{Entry, Node, Value};
use crate::error::{Diagnostic, Diagnostics, Kind};

/// The least a YAML document may expand to, aliases repeated: 16 MiB.
pub const YAML_EXPANSION_FLOOR: usize = 16 << 20;
/// Bigger documents may expand to this many times their own size.
pub const YAML_EXPANSION_FACTOR: usize = 8;
/// What each value counts besides its text, roughly what holding it costs.
const NODE_COST: usize = 8;

/// The most `text` may expand to: see [`YAML_EXPANSION_FLOOR`].
pub fn expansion_limit(text: &str) -> usize {
    YAML_EXPANSION_FLOOR.max(text.len().saturating_mul(YAML_EXPANSION_FACTOR))
}

/// Refuses a YAML document whose values, with every alias expanded, add up
/// to more than [`expansion_limit`]: the error says so, naming the limit.
/// Documents that do not parse pass, for the real parse to report.
pub fn check_expansion(text: &str) -> Result<(), String> {
    if !text.contains('*') {
        // No alias, so nothing repeats: the values are no bigger than the text.
        return Ok(());
    }
    let limit = expansion_limit(text);
    let left = Cell::new(limit);
    let exceeded = Cell::new(false);
    let counter = Counter {
        left: &left,
        exceeded: &exceeded,
    };
    let _ = counter.deserialize(serde_norway::Deserializer::from_str(text));
    if exceeded.get() {
        return Err(format!(
            "with its aliases expanded this YAML holds more than {} of values",
            mib(limit)
        ));
    }
    Ok(())
}

/// The help line for [`check_expansion`]'s error.
pub fn expansion_help() -> String {
    format!(
        "a YAML block may expand to {} or {YAML_EXPANSION_FACTOR} times its own size, \
         whichever is more; repeat big anchors fewer times or write the values out",
        mib(YAML_EXPANSION_FLOOR)
    )
}

fn mib(bytes: usize) -> String {
    if bytes % (1 << 20) == 0 {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20))
    }
}

/// Counts what a document expands to, without keeping any of it.
#[derive(Clone, Copy)]
struct Counter<'c> {
    left: &'c Cell<usize>,
    exceeded: &'c Cell<bool>,
}

impl Counter<'_> {
    fn spend<E: serde::de::Error>(&self, bytes: usize) -> Result<(), E> {
        match self.left.get().checked_sub(bytes + NODE_COST) {
            Some(left) => {
                self.left.set(left);
                Ok(())
            }
            None => {
                self.exceeded.set(true);
                Err(E::custom("expansion limit"))
            }
        }
    }
}

impl<'de> DeserializeSeed<'de> for Counter<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Counter<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        self.spend(v.len())
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.spend(0)?;
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.spend(0)?;
        while map.next_key_seed(self)?.is_some() {
            map.next_value_seed(self)?;
        }
        Ok(())
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        // A tagged value (`!tag value`): the tag, then what it tags.
        let (_, variant) = data.variant_seed(self)?;
        variant.newtype_variant_seed(self)
    }
}

pub(crate) fn parse_yaml(path: &Path, text: &str) -> Result<Node, Diagnostics> {
    if let Err(message) = check_expansion(text) {
        let d = Diagnostic::error(Kind::Data, message)
            .in_file(path)
            .with_help(expansion_help());
        return Err(d.into());
    }
    let value: Yaml = serde_norway::from_str(text).map_err(|e| {
        let message = e.to_string();
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_owned();
        let d = Diagnostic::error(Kind::Data, format!("invalid YAML: {message}"));
        match e.location() {
            Some(loc) => d.at_offset(path, text, loc.index()),
            None => d.in_file(path),
        }
    })?;
    let mut locator = Locator {
        text,
        cursor: 0,
        flow: 0,
        missing_keys: HashMap::new(),
        no_item_from: usize::MAX,
    };
    let start = locator.content_start(0);
    Ok(locator.node(&value, start))
}

struct Locator<'a> {
    text: &'a str,
    cursor: usize,
    /// How many flow collections (`[...]`, `{...}`) enclose the cursor.
    flow: usize,
    /// Keys not found after an offset are not found after any later one:
    /// remembered, so values repeated by aliases do not rescan the text.
    missing_keys: HashMap<String, usize>,
    /// Likewise for a block list entry.
    no_item_from: usize,
}

impl Locator<'_> {
    fn node(&mut self, value: &Yaml, at: usize) -> Node {
        let converted = match value {
            Yaml::Null => Value::Null,
            Yaml::Bool(b) => Value::Bool(*b),
            Yaml::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            Yaml::String(s) => Value::Str(s.clone()),
            Yaml::Sequence(items) => {
                let flow = self.text[at..].starts_with('[');
                self.flow += usize::from(flow);
                let mut nodes = Vec::with_capacity(items.len());
                self.cursor = at;
                for item in items {
                    let item_at = self.next_item(flow);
                    nodes.push(self.node(item, item_at));
                }
                self.flow -= usize::from(flow);
                Value::Array(nodes)
            }
            Yaml::Mapping(map) => {
                let flow = self.text[at..].starts_with('{');
                self.flow += usize::from(flow);
                self.cursor = at;
                let mut entries = Vec::with_capacity(map.len());
                for (key, item) in map {
                    let key = scalar_text(key);
                    let key_at = self.find_key(&key);
                    let value_at = self.content_start(self.cursor);
                    let node = self.node(item, value_at);
                    entries.push(Entry { key, key_at, node });
                }
                self.flow -= usize::from(flow);
                Value::Table(entries)
            }
            Yaml::Tagged(tagged) => return self.node(&tagged.value, at),
        };
        if !matches!(converted, Value::Array(_) | Value::Table(_)) {
            self.cursor = self.cursor.max(self.scalar_end(at));
        }
        Node::new(converted, at)
    }

    /// The first offset at or after `from` that is not a space, a line
    /// break or a comment.
    fn content_start(&self, from: usize) -> usize {
        let bytes = self.text.as_bytes();
        let mut i = from.min(bytes.len());
        while i < bytes.len() {
            match bytes[i] {
                b' ' | b'\t' | b'\r' | b'\n' => i += 1,
                b'#' => i = line_end(self.text, i),
                b'-' if self.text[i..].starts_with("---") && at_line_start(self.text, i) => i += 3,
                _ => break,
            }
        }
        i
    }

    /// Where the next list entry starts: after `- ` in a block list, after
    /// `[` or `,` in a flow list.
    fn next_item(&mut self, flow: bool) -> usize {
        let bytes = self.text.as_bytes();
        let mut i = self.content_start(self.cursor);
        if flow {
            if matches!(bytes.get(i), Some(b'[' | b',')) {
                i = self.content_start(i + 1);
            }
        } else if i >= self.no_item_from {
            i = bytes.len();
        } else {
            let from = i;
            while i < bytes.len() {
                let dash = bytes[i] == b'-'
                    && matches!(bytes.get(i + 1), None | Some(b' ' | b'\t' | b'\r' | b'\n'));
                if dash && (i == self.cursor || at_line_start(self.text, i)) {
                    i = self.content_start(i + 1);
                    break;
                }
                i = self.content_start(line_end(self.text, i));
            }
            if i >= bytes.len() {
                self.no_item_from = self.no_item_from.min(from);
            }
        }
        self.cursor = i;
        i
    }

    /// Finds `key:` after the cursor and moves the cursor past the colon.
    fn find_key(&mut self, key: &str) -> usize {
        let text = self.text;
        if self
            .missing_keys
            .get(key)
            .is_some_and(|&m| self.cursor >= m)
        {
            return self.cursor;
        }
        let mut from = self.cursor;
        while let Some(found) = text.get(from..).and_then(|rest| rest.find(key)) {
            let start = from + found;
            let mut end = start + key.len();
            let mut key_at = start;
            let before = text[..start].chars().next_back();
            if let Some(q @ ('"' | '\'')) = before {
                if text[end..].starts_with(q) {
                    end += 1;
                    key_at -= 1;
                }
            }
            let ok_before = text[..key_at]
                .chars()
                .next_back()
                .is_none_or(|c| c.is_whitespace() || "-{,?".contains(c));
            let after = text[end..].trim_start_matches([' ', '\t']);
            let colon_ok = after.starts_with(':')
                && after[1..].chars().next().is_none_or(|c| c.is_whitespace());
            if ok_before && colon_ok {
                self.cursor = text.len() - after.len() + 1;
                return key_at;
            }
            from = start + key.len().max(1);
        }
        let cursor = self.cursor;
        self.missing_keys
            .entry(key.to_owned())
            .and_modify(|m| *m = (*m).min(cursor))
            .or_insert(cursor);
        self.cursor
    }

    /// The end of a scalar written at `at`: past its closing quote, or the
    /// end of its line (block) or of its flow item.
    fn scalar_end(&self, at: usize) -> usize {
        let text = self.text;
        let Some(rest) = text.get(at..) else {
            return at;
        };
        let bytes = rest.as_bytes();
        match bytes.first() {
            Some(&q @ (b'"' | b'\'')) => {
                let mut i = 1;
                while i < bytes.len() {
                    if q == b'"' && bytes[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if bytes[i] == q {
                        if q == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                            i += 2;
                            continue;
                        }
                        return at + i + 1;
                    }
                    i += 1;
                }
                text.len()
            }
            _ => {
                let end = line_end(text, at);
                if self.flow > 0 {
                    rest.find([',', ']', '}'])
                        .map_or(end, |i| (at + i).min(end))
                } else {
                    end
                }
            }
        }
    }
}

fn line_end(text: &str, from: usize) -> usize {
    text.get(from..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |i| from + i)
}

fn at_line_start(text: &str, at: usize) -> bool {
    text[..at].rsplit('\n').next().is_none_or(|before| {
        before
            .trim_start_matches([' ', '\t', '-'])
            .trim()
            .is_empty()
    })
}

fn scalar_text(value: &Yaml) -> String {
    match value {
        Yaml::String(s) => s.clone(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Number(n) => n.to_string(),
        Yaml::Null => "null".to_owned(),
        Yaml::Tagged(t) => scalar_text(&t.value),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locate<'a>(text: &'a str, node: &Node) -> &'a str {
        text[node.at..].lines().next().unwrap_or("")
    }

    #[test]
    fn block_yaml_locates_items_keys_and_values() {
        let text = "# team data\nschema: backlog\nitem:\n  - id: PB-1\n    title: \"A, b\"\n    labels: [x, y]\n  - id: PB-2\n    title: Second\n    acceptance:\n      - one\n      - two\n";
        let node = parse_yaml(Path::new("b.yaml"), text).expect("valid");
        let Value::Array(items) = &node.entry("item").expect("item").node.value else {
            panic!("array")
        };
        assert_eq!(locate(text, &items[0]), "id: PB-1");
        assert_eq!(locate(text, &items[1]), "id: PB-2");
        let title = items[1].entry("title").expect("title");
        assert_eq!(locate(text, &title.node), "Second");
        assert_eq!(&text[title.key_at..title.key_at + 5], "title");
        let Value::Array(acc) = &items[1].entry("acceptance").expect("acc").node.value else {
            panic!("array")
        };
        assert_eq!(locate(text, &acc[1]), "two");
        let Value::Array(labels) = &items[0].entry("labels").expect("labels").node.value else {
            panic!("array")
        };
        assert_eq!(&text[labels[1].at..labels[1].at + 1], "y");
    }

    #[test]
    fn yaml_keys_that_prefix_others_are_told_apart() {
        let text = "item:\n- id: a\n  ideas: 1\n  id_x: 2\n";
        let node = parse_yaml(Path::new("b.yaml"), text).expect("valid");
        let Value::Array(items) = &node.entry("item").expect("item").node.value else {
            panic!("array")
        };
        let idx = items[0].entry("id_x").expect("id_x");
        assert_eq!(locate(text, &idx.node), "2");
    }

    #[test]
    fn aliases_that_expand_past_the_limit_are_refused() {
        let big = "x".repeat(100_000);
        let refs = "  - *big\n".repeat(200);
        let text = format!("big: &big \"{big}\"\nlist:\n{refs}");
        let err = parse_yaml(Path::new("b.yaml"), &text).expect_err("too big");
        let d = err.iter().next().expect("one");
        assert_eq!(
            d.message,
            "with its aliases expanded this YAML holds more than 16 MiB of values"
        );
        assert_eq!(
            d.location.as_ref().map(|l| l.path.clone()),
            Some("b.yaml".into())
        );
        // The same anchor used a few times is fine.
        let few = format!("big: &big \"{big}\"\nlist:\n{}", "  - *big\n".repeat(3));
        assert!(parse_yaml(Path::new("b.yaml"), &few).is_ok());
    }

    #[test]
    fn nested_aliases_are_counted_as_they_expand() {
        let mut text =
            String::from("a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        // Refused by the count or by the library's own bound on repeats.
        assert!(parse_yaml(Path::new("b.yaml"), &text).is_err());
    }

    #[test]
    fn deep_yaml_is_an_error_not_a_crash() {
        for text in [
            format!("a: {}1{}\n", "[".repeat(3000), "]".repeat(3000)),
            (0..1000)
                .map(|i| format!("{}k:\n", " ".repeat(i)))
                .collect(),
        ] {
            let err = parse_yaml(Path::new("b.yaml"), &text).expect_err("too deep");
            let d = err.iter().next().expect("one");
            assert!(d.message.starts_with("invalid YAML"), "{}", d.message);
        }
    }

    #[test]
    fn yaml_syntax_error_points_at_line() {
        let err = parse_yaml(Path::new("b.yaml"), "a: 1\nb: [\n").expect_err("invalid");
        let loc = err
            .iter()
            .next()
            .and_then(|d| d.location.clone())
            .expect("loc");
        assert_eq!(loc.line, 3);
    }
}
