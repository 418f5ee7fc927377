//! YAML data files read into the located [`Node`] tree.
//!
//! serde_norway parses the document (syntax errors carry its exact line and
//! column) but its values do not say where they came from. [`Locator`] walks
//! the parsed value in document order alongside a cursor in the text and
//! finds each key (`key:`), each block list entry (`- `) and each value after
//! its colon. That is exact for the block style data files are written in;
//! inside flow collections (`[a, b]`, `{k: v}`), multi-line scalars, anchors
//! and aliases a location may land on a nearby line instead.

use std::path::Path;

use serde_norway::Value as Yaml;

use super::node::{Entry, Node, Value};
use crate::error::{Diagnostic, Diagnostics, Kind};

pub(crate) fn parse_yaml(path: &Path, text: &str) -> Result<Node, Diagnostics> {
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
    };
    let start = locator.content_start(0);
    Ok(locator.node(&value, start))
}

struct Locator<'a> {
    text: &'a str,
    cursor: usize,
    /// How many flow collections (`[...]`, `{...}`) enclose the cursor.
    flow: usize,
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
        } else {
            while i < bytes.len() {
                let dash = bytes[i] == b'-'
                    && matches!(bytes.get(i + 1), None | Some(b' ' | b'\t' | b'\r' | b'\n'));
                if dash && (i == self.cursor || at_line_start(self.text, i)) {
                    i = self.content_start(i + 1);
                    break;
                }
                i = self.content_start(line_end(self.text, i));
            }
        }
        self.cursor = i;
        i
    }

    /// Finds `key:` after the cursor and moves the cursor past the colon.
    fn find_key(&mut self, key: &str) -> usize {
        let text = self.text;
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
