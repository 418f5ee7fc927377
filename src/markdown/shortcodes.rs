//! Finding shortcode calls in Markdown source.
//!
//! `{{ name(arg="v", n=3) }}` is an inline call; `{% name(arg="v") %}body{% end %}`
//! a call with a body. Calls inside code spans and code blocks are text.
//! This module only parses; rendering a call is the caller's business.

use std::collections::HashMap;
use std::ops::Range;

use serde_json::{Map, Value};

/// One call found in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: String,
    pub args: Map<String, Value>,
    /// The body between `{% name() %}` and `{% end %}`, if any.
    pub body: Option<String>,
    /// The whole call in the source, body and end tag included.
    pub range: Range<usize>,
}

/// A malformed call: where, and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

/// Every call in `text` outside `code` ranges (sorted, non-overlapping), in
/// order, with the errors of calls that could not be read.
pub fn find(text: &str, code: &[Range<usize>]) -> (Vec<Call>, Vec<ParseError>) {
    let mut calls = Vec::new();
    let mut errors = Vec::new();
    let mut pos = 0;
    let in_code = |at: usize| in_ranges(code, at);
    // Found on the first call with a body.
    let mut ends: Option<HashMap<usize, (usize, usize)>> = None;
    while let Some(found) = text[pos..].find(['{']) {
        let start = pos + found;
        let rest = &text[start..];
        let block = rest.starts_with("{%");
        if !(block || rest.starts_with("{{")) || in_code(start) {
            pos = start + 1;
            continue;
        }
        match parse_open(text, start, block) {
            Open::NotACall => pos = start + 2,
            Open::Bad(e) => {
                errors.push(e);
                pos = start + 2;
            }
            Open::Call { name, args, end } if !block => {
                calls.push(Call {
                    name,
                    args,
                    body: None,
                    range: start..end,
                });
                pos = end;
            }
            Open::Call { name, args, end } => match ends
                .get_or_insert_with(|| match_ends(text, &in_code))
                .get(&start)
                .copied()
            {
                Some((body_end, after)) => {
                    calls.push(Call {
                        name,
                        args,
                        body: Some(trim_body(&text[end..body_end]).to_string()),
                        range: start..after,
                    });
                    pos = after;
                }
                None => {
                    errors.push(ParseError {
                        offset: start,
                        message: format!("shortcode `{name}` has a body but no `{{% end %}}`"),
                    });
                    pos = end;
                }
            },
        }
    }
    (calls, errors)
}

/// Whether `at` is inside one of `ranges` (sorted, non-overlapping): a
/// binary search, so a page of many code spans stays linear.
fn in_ranges(ranges: &[Range<usize>], at: usize) -> bool {
    let after = ranges.partition_point(|r| r.start <= at);
    after > 0 && ranges[after - 1].contains(&at)
}

/// Drops the newline right after the open tag and right before the end tag.
fn trim_body(body: &str) -> &str {
    let body = body
        .strip_prefix("\r\n")
        .or_else(|| body.strip_prefix('\n'))
        .unwrap_or(body);
    body.strip_suffix('\n')
        .map(|b| b.strip_suffix('\r').unwrap_or(b))
        .unwrap_or(body)
}

enum Open {
    NotACall,
    Bad(ParseError),
    Call {
        name: String,
        args: Map<String, Value>,
        end: usize,
    },
}

fn parse_open(text: &str, start: usize, block: bool) -> Open {
    let mut p = Cursor {
        text,
        pos: start + 2,
        depth: 0,
    };
    p.skip_ws();
    let name = p.ident();
    if name.is_empty() || name == "end" {
        return Open::NotACall;
    }
    p.skip_ws();
    if !p.eat("(") {
        return Open::NotACall;
    }
    let args = match p.args() {
        Ok(args) => args,
        Err(e) => return Open::Bad(e),
    };
    p.skip_ws();
    let close = if block { "%}" } else { "}}" };
    if !p.eat(close) {
        return Open::Bad(ParseError {
            offset: p.pos,
            message: format!("expected `{close}` to close the shortcode `{name}`"),
        });
    }
    Open::Call {
        name,
        args,
        end: p.pos,
    }
}

/// Where the `{% end %}` of each `{% name(...) %}` tag in `text` is, by the
/// tag's offset: (body end, offset after the end tag). Ends pair with the
/// nearest open tag before them, as brackets do; one pass over the text, so
/// many tags without an end cost no more than many with one.
fn match_ends(text: &str, in_code: &dyn Fn(usize) -> bool) -> HashMap<usize, (usize, usize)> {
    let mut open = Vec::new();
    let mut ends = HashMap::new();
    let mut pos = 0;
    while let Some(found) = text[pos..].find("{%") {
        let at = pos + found;
        pos = at + 2;
        if in_code(at) {
            continue;
        }
        let mut p = Cursor {
            text,
            pos: at + 2,
            depth: 0,
        };
        p.skip_ws();
        let word = p.ident();
        p.skip_ws();
        if word == "end" && p.eat("%}") {
            if let Some(start) = open.pop() {
                ends.insert(start, (at, p.pos));
            }
        } else if !word.is_empty() && p.eat("(") {
            open.push(at);
        }
    }
    ends
}

struct Cursor<'a> {
    text: &'a str,
    pos: usize,
    /// Lists open around the cursor.
    depth: usize,
}

/// How deep lists may nest in a shortcode argument.
const MAX_LIST_DEPTH: usize = 32;

impl<'a> Cursor<'a> {
    fn rest(&self) -> &str {
        &self.text[self.pos..]
    }

    fn skip_ws(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> String {
        let len = self
            .rest()
            .char_indices()
            .find(|(i, c)| !(c.is_ascii_alphanumeric() || *c == '_' || (*i > 0 && *c == '-')))
            .map_or(self.rest().len(), |(i, _)| i);
        let text = self.text;
        let word = &text[self.pos..self.pos + len];
        if word.starts_with(|c: char| c.is_ascii_digit()) {
            return String::new();
        }
        self.pos += len;
        word.to_string()
    }

    fn error(&self, message: impl Into<String>) -> ParseError {
        ParseError {
            offset: self.pos,
            message: message.into(),
        }
    }

    fn args(&mut self) -> Result<Map<String, Value>, ParseError> {
        let mut args = Map::new();
        loop {
            self.skip_ws();
            if self.eat(")") {
                return Ok(args);
            }
            let key_at = self.pos;
            let key = self.ident();
            if key.is_empty() {
                return Err(self.error("expected an argument name or `)`"));
            }
            self.skip_ws();
            if !self.eat("=") {
                return Err(self.error(format!("expected `=` after the argument `{key}`")));
            }
            self.skip_ws();
            let value = self.value()?;
            if args.insert(key.clone(), value).is_some() {
                return Err(ParseError {
                    offset: key_at,
                    message: format!("the argument `{key}` is given twice"),
                });
            }
            self.skip_ws();
            if self.eat(",") {
                continue;
            }
            if self.eat(")") {
                return Ok(args);
            }
            return Err(self.error("expected `,` or `)` after an argument"));
        }
    }

    fn value(&mut self) -> Result<Value, ParseError> {
        let text = self.text;
        let rest = &text[self.pos..];
        if let Some(quote) = rest
            .chars()
            .next()
            .filter(|c| matches!(c, '"' | '\'' | '`'))
        {
            return self.string(quote).map(Value::String);
        }
        if self.rest().starts_with('[') && self.depth >= MAX_LIST_DEPTH {
            return Err(self.error(format!(
                "lists in an argument may nest at most {MAX_LIST_DEPTH} levels"
            )));
        }
        if self.eat("[") {
            self.depth += 1;
            let result = self.list();
            self.depth -= 1;
            return result;
        }
        for (word, value) in [("true", Value::Bool(true)), ("false", Value::Bool(false))] {
            if rest.starts_with(word)
                && !rest[word.len()..].starts_with(|c: char| c.is_alphanumeric())
            {
                self.pos += word.len();
                return Ok(value);
            }
        }
        let len = rest
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E')))
            .unwrap_or(rest.len());
        let number = &rest[..len];
        if let Ok(n) = number.parse::<i64>() {
            self.pos += len;
            return Ok(Value::from(n));
        }
        if let Some(n) = number
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
        {
            self.pos += len;
            return Ok(Value::Number(n));
        }
        Err(self.error("expected a value: a \"string\", a number, true, false or a [list]"))
    }

    /// The items of a list, after its `[`.
    fn list(&mut self) -> Result<Value, ParseError> {
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            if self.eat("]") {
                return Ok(Value::Array(items));
            }
            items.push(self.value()?);
            self.skip_ws();
            if !self.eat(",") {
                self.skip_ws();
                if self.eat("]") {
                    return Ok(Value::Array(items));
                }
                return Err(self.error("expected `,` or `]` in a list"));
            }
        }
    }

    fn string(&mut self, quote: char) -> Result<String, ParseError> {
        let start = self.pos;
        self.pos += quote.len_utf8();
        let mut out = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                c if c == quote => {
                    self.pos += i + c.len_utf8();
                    return Ok(out);
                }
                '\\' => match chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, 't')) => out.push('\t'),
                    Some((_, other)) => out.push(other),
                    None => break,
                },
                c => out.push(c),
            }
        }
        Err(ParseError {
            offset: start,
            message: "this string is never closed".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn inline_and_block_calls() {
        let t = "a {{ badge(role=\"po\", n=3, on=true, xs=[1, \"b\"]) }} b\n{% note(kind='tip') %}\nHi *there*\n{% end %}\n";
        let (calls, errors) = find(t, &[]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].name, "badge");
        assert_eq!(
            Value::Object(calls[0].args.clone()),
            json!({"role": "po", "n": 3, "on": true, "xs": [1, "b"]})
        );
        assert_eq!(calls[1].body.as_deref(), Some("Hi *there*"));
        assert_eq!(
            &t[calls[1].range.clone()],
            "{% note(kind='tip') %}\nHi *there*\n{% end %}"
        );
    }

    #[test]
    fn code_is_not_a_call() {
        let t = "`{{ x() }}` {{ y() }} `{{ z() }}`";
        let (calls, _) = find(t, &[0..11, 22..33]);
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].name, "y");
    }

    #[test]
    fn prose_braces_are_left_alone() {
        let (calls, errors) = find("{{ not a call }} and {% raw %} {x}", &[]);
        assert!(calls.is_empty() && errors.is_empty());
    }

    #[test]
    fn bad_calls_say_what_was_expected() {
        let (_, errors) = find("{{ x(a=) }}", &[]);
        assert_eq!(errors[0].offset, 7);
        assert!(errors[0].message.starts_with("expected a value"));
        let (_, errors) = find("{% x() %} body", &[]);
        assert!(errors[0].message.contains("no `{% end %}`"));
        let (_, errors) = find("{{ x(a=\"1) }}", &[]);
        assert!(errors[0].message.contains("never closed"));
    }

    #[test]
    fn ends_pair_with_the_nearest_open_tag() {
        let t = "{% a() %} {% b() %} x {% end %} {% c() %}";
        let (calls, errors) = find(t, &[]);
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].name, "b");
        let offsets: Vec<usize> = errors.iter().map(|e| e.offset).collect();
        // `a` has no end of its own: `b` took it.
        assert_eq!(offsets, [0, 32]);
        let t = "{% a() %}{% b() %}{% end %} y {% end %}";
        let (calls, _) = find(t, &[]);
        assert_eq!(calls[0].body.as_deref(), Some("{% b() %}{% end %} y "));
    }

    #[test]
    fn many_unclosed_calls_and_deep_lists_are_errors() {
        let n = 20_000;
        let (_, errors) = find(&"{% x() %}\n".repeat(n), &[]);
        assert_eq!(errors.len(), n);
        let deep = format!(
            "{{{{ x(a={}1{}) }}}}",
            "[".repeat(50_000),
            "]".repeat(50_000)
        );
        let (calls, errors) = find(&deep, &[]);
        assert!(calls.is_empty());
        assert_eq!(
            errors[0].message,
            "lists in an argument may nest at most 32 levels"
        );
        let ok = format!("{{{{ x(a={}1{}) }}}}", "[".repeat(32), "]".repeat(32));
        assert_eq!(find(&ok, &[]).0.len(), 1);
    }

    #[test]
    fn nested_bodies() {
        let t = "{% a() %}{% b() %}x{% end %}{% end %}";
        let (calls, _) = find(t, &[]);
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].body.as_deref(), Some("{% b() %}x{% end %}"));
    }
}
