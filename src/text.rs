//! Small text helpers every stage shares: escaping for HTML and XML,
//! decoding `%XX` escapes in URLs, and collapsing whitespace. One of each,
//! so escaping rules cannot drift apart between the pages, the data views,
//! feeds and the server.

/// Escapes text for HTML and XML text and quoted attributes: `&`, `<`, `>`,
/// `"` and `'`. Unlike Tera's default it leaves `/` alone, so URLs stay
/// readable and post-processing (relative links) can find them.
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 16 + 8);
    // Runs between special characters are copied whole; the special ones
    // are ASCII, so every cut falls on a character boundary.
    let mut start = 0;
    for (i, byte) in input.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&input[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&input[start..]);
    out
}

/// Decodes `%XX` escapes once; `None` for a bad escape or invalid UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_string());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// [`percent_decode`], or the text as written when it does not decode.
pub fn percent_decode_or_keep(s: &str) -> String {
    percent_decode(s).unwrap_or_else(|| s.to_string())
}

/// `text`'s words (split at Unicode whitespace, as `split_whitespace`
/// does) joined by single spaces, and how many there are. One pass that
/// copies whole words: page text is most of what a build reads.
pub fn collapse_whitespace(text: &str) -> (String, usize) {
    let mut out = String::with_capacity(text.len());
    let mut words = 0;
    let mut push = |word: &str| {
        if words > 0 {
            out.push(' ');
        }
        out.push_str(word);
        words += 1;
    };
    let bytes = text.as_bytes();
    let mut word_start = None;
    let mut i = 0;
    while i < bytes.len() {
        let (space, len) = if bytes[i].is_ascii() {
            // `char::is_whitespace` in ASCII: these five and vertical tab.
            (
                matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c),
                1,
            )
        } else {
            let c = text[i..].chars().next().unwrap_or('x');
            (c.is_whitespace(), c.len_utf8())
        };
        match (space, word_start) {
            (true, Some(start)) => {
                push(&text[start..i]);
                word_start = None;
            }
            (false, None) => word_start = Some(i),
            _ => {}
        }
        i += len;
    }
    if let Some(start) = word_start {
        push(&text[start..]);
    }
    (out, words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapsing_whitespace_matches_split_whitespace() {
        let samples = [
            "",
            "   ",
            "one",
            "  two  words ",
            "tabs\tand\nnew\r\nlines\x0bvt\x0cff",
            "no\u{a0}break and\u{2003}em\u{3000}ideographic\u{85}next",
            "caf\u{e9} \u{1F600} \u{4e2d}\u{6587}  end",
        ];
        for text in samples {
            let words: Vec<&str> = text.split_whitespace().collect();
            assert_eq!(
                collapse_whitespace(text),
                (words.join(" "), words.len()),
                "{text:?}"
            );
        }
    }

    #[test]
    fn escapes_everything_markup_cares_about() {
        assert_eq!(
            escape_html(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(escape_html("/a/b/"), "/a/b/");
    }

    #[test]
    fn decodes_once_and_refuses_bad_escapes() {
        assert_eq!(percent_decode("a%20b%2525").as_deref(), Some("a b%25"));
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(
            percent_decode("%a\u{e9}"),
            None,
            "never slices inside a character"
        );
        assert_eq!(percent_decode_or_keep("50%"), "50%");
    }
}
