//! Plain JavaScript object literals (what `sidebars.js` and most
//! `docusaurus.config.js` files hold) read as JSON values: unquoted and
//! quoted keys, single, double and backtick strings without `${}`,
//! numbers, booleans, null, arrays, trailing commas and comments.
//! Anything else (a function call, a spread, a variable) is an error:
//! the caller falls back and says so.

use serde_json::{Map, Value};

/// Parses the object literal that starts at the first `{` after
/// `marker` (e.g. `module.exports =`), or the first `{` of the text.
pub fn parse_after(text: &str, markers: &[&str]) -> Result<Value, String> {
    let start = markers
        .iter()
        .find_map(|m| text.find(m).map(|i| i + m.len()))
        .unwrap_or(0);
    let open = text[start..]
        .find('{')
        .map(|i| start + i)
        .ok_or("no object literal")?;
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        i: open,
    };
    p.value()
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
}

impl Parser<'_> {
    fn line(&self) -> usize {
        self.text[..self.i.min(self.text.len())]
            .matches('\n')
            .count()
            + 1
    }

    fn fail<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("line {}: {what}", self.line()))
    }

    fn skip(&mut self) {
        loop {
            while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
                self.i += 1;
            }
            if self.s[self.i..].starts_with(b"//") {
                while self.i < self.s.len() && self.s[self.i] != b'\n' {
                    self.i += 1;
                }
            } else if self.s[self.i..].starts_with(b"/*") {
                match self.text[self.i + 2..].find("*/") {
                    Some(e) => self.i += e + 4,
                    None => self.i = self.s.len(),
                }
            } else {
                return;
            }
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        self.skip();
        match self.s.get(self.i) {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"' | b'\'' | b'`') => self.string().map(Value::String),
            Some(c) if c.is_ascii_digit() || *c == b'-' => self.number(),
            Some(_) => {
                let word = self.word();
                match word.as_str() {
                    "true" => Ok(Value::Bool(true)),
                    "false" => Ok(Value::Bool(false)),
                    "null" | "undefined" => Ok(Value::Null),
                    "" => self.fail("a value was expected"),
                    other => self.fail(&format!("`{other}` is code, not a plain value")),
                }
            }
            None => self.fail("the text ends inside the object"),
        }
    }

    fn word(&mut self) -> String {
        let start = self.i;
        while self.i < self.s.len()
            && (self.s[self.i].is_ascii_alphanumeric() || matches!(self.s[self.i], b'_' | b'$'))
        {
            self.i += 1;
        }
        self.text[start..self.i].to_string()
    }

    fn object(&mut self) -> Result<Value, String> {
        self.i += 1;
        let mut map = Map::new();
        loop {
            self.skip();
            match self.s.get(self.i) {
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Value::Object(map));
                }
                Some(b'.') => return self.fail("a spread (`...`) is code, not a plain value"),
                None => return self.fail("the text ends inside an object"),
                _ => {}
            }
            let key = match self.s[self.i] {
                b'"' | b'\'' | b'`' => self.string()?,
                _ => self.word(),
            };
            if key.is_empty() {
                return self.fail("a key was expected");
            }
            self.skip();
            if self.s.get(self.i) != Some(&b':') {
                return self.fail(&format!("`{key}` is not followed by `:`"));
            }
            self.i += 1;
            let value = self.value()?;
            map.insert(key, value);
            self.skip();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {}
                _ => return self.fail("`,` or `}` was expected"),
            }
        }
    }

    fn array(&mut self) -> Result<Value, String> {
        self.i += 1;
        let mut items = Vec::new();
        loop {
            self.skip();
            match self.s.get(self.i) {
                Some(b']') => {
                    self.i += 1;
                    return Ok(Value::Array(items));
                }
                Some(b'.') => return self.fail("a spread (`...`) is code, not a plain value"),
                None => return self.fail("the text ends inside a list"),
                _ => {}
            }
            items.push(self.value()?);
            self.skip();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {}
                _ => return self.fail("`,` or `]` was expected"),
            }
        }
    }

    fn string(&mut self) -> Result<String, String> {
        let quote = self.s[self.i];
        self.i += 1;
        let mut out = String::new();
        let rest = &self.text[self.i..];
        let mut chars = rest.char_indices();
        while let Some((n, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, e)) = chars.next() {
                        out.push(match e {
                            'n' => '\n',
                            't' => '\t',
                            other => other,
                        });
                    }
                }
                '$' if quote == b'`' && rest[n..].starts_with("${") => {
                    return self.fail("a template string with `${}` is code, not a plain value");
                }
                c if c as u32 == quote as u32 => {
                    self.i += n + 1;
                    return Ok(out);
                }
                c => out.push(c),
            }
        }
        self.fail("a string is never closed")
    }

    fn number(&mut self) -> Result<Value, String> {
        let start = self.i;
        while self.i < self.s.len()
            && (self.s[self.i].is_ascii_digit()
                || matches!(self.s[self.i], b'-' | b'.' | b'e' | b'E' | b'+' | b'_'))
        {
            self.i += 1;
        }
        let text = self.text[start..self.i].replace('_', "");
        match text.parse::<i64>() {
            Ok(n) => Ok(Value::from(n)),
            Err(_) => match text.parse::<f64>() {
                Ok(f) => Ok(serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
                Err(_) => self.fail(&format!("`{text}` is not a number")),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_sidebars_file() {
        let text = r#"
// @ts-check
/** @type {import('@docusaurus/plugin-content-docs').SidebarsConfig} */
const sidebars = {
  docs: [
    'intro', // the first page
    {
      type: 'category',
      label: "Guides",
      items: ['guides/setup', `guides/deploy`,],
    },
  ],
};
module.exports = sidebars;
"#;
        let value = parse_after(text, &["const sidebars =", "module.exports ="]).unwrap();
        assert_eq!(value["docs"][0], "intro");
        assert_eq!(value["docs"][1]["label"], "Guides");
        assert_eq!(value["docs"][1]["items"][1], "guides/deploy");
    }

    #[test]
    fn code_is_refused_with_its_line() {
        let text = "module.exports = {\n  docs: require('./x'),\n};";
        let err = parse_after(text, &["module.exports ="]).unwrap_err();
        assert!(err.starts_with("line 2:"), "{err}");
        let spread = parse_after(
            "export default {\n docs: [...more],\n}",
            &["export default"],
        )
        .unwrap_err();
        assert!(spread.contains("spread"), "{spread}");
    }
}
