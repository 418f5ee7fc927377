//! Template syntax of other site generators left in Markdown: Liquid
//! (Jekyll: `{{ site.baseurl }}`, `{% include x.html %}`) and Hugo
//! (`{{< ref "x" >}}`, `{{% notice %}}`).
//!
//! rolebook does not run templates in Markdown: such text is shown as
//! written, and each piece gets a warning saying what to write instead.
//! rolebook's own shortcodes (`{{ name(args) }}`, `{% name(args) %}`) are
//! found by `shortcodes` and never reported here. Pure: finding only.

use std::ops::Range;

/// One piece of foreign template syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Foreign {
    /// Byte offset of its opening braces.
    pub offset: usize,
    pub message: String,
    pub help: String,
}

/// Every piece of foreign template syntax in `text` outside `skip` (code,
/// and rolebook's own calls), in order.
pub fn find(text: &str, skip: &[Range<usize>]) -> Vec<Foreign> {
    let mut found = Vec::new();
    let mut pos = 0;
    while let Some(i) = text[pos..].find('{') {
        let start = pos + i;
        pos = start + 1;
        let rest = &text[start..];
        if !(rest.starts_with("{{") || rest.starts_with("{%"))
            || skip.iter().any(|r| r.contains(&start))
        {
            continue;
        }
        match classify(rest) {
            Some((piece, len)) => {
                found.push(Foreign {
                    offset: start,
                    ..piece
                });
                pos = start + len;
            }
            // `{{%` holds a `{%` that is not a tag of its own.
            None if rest.starts_with("{{%") || rest.starts_with("{{<") => pos = start + 3,
            None => {}
        }
    }
    found
}

/// What the piece at the start of `rest` is, and its length; `None` for
/// braces that are prose or rolebook's.
fn classify(rest: &str) -> Option<(Foreign, usize)> {
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let (kind, open, close) = if line.starts_with("{{<") {
        (Kind::Hugo, "{{<", ">}}")
    } else if line.starts_with("{{%") {
        (Kind::Hugo, "{{%", "%}}")
    } else if line.starts_with("{%") {
        (Kind::LiquidTag, "{%", "%}")
    } else {
        (Kind::LiquidOutput, "{{", "}}")
    };
    let end = line[open.len()..].find(close)? + open.len() + close.len();
    let whole = &line[..end];
    let inner = line[open.len()..end - close.len()].trim_matches('-').trim();
    let word: String = inner
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '/' | '.'))
        .collect();
    let after_word = inner[word.len()..].trim_start();
    let help = match kind {
        Kind::Hugo => {
            if word.starts_with('/') {
                // The closing tag of a shortcode already reported.
                return None;
            }
            hugo_help(&word)
        }
        Kind::LiquidTag => {
            if word.is_empty() || word == "end" || after_word.starts_with('(') {
                return None;
            }
            liquid_tag_help(&word)
        }
        Kind::LiquidOutput if inner.starts_with('#') => mdbook_help(inner),
        Kind::LiquidOutput => {
            let variable = [
                "site",
                "page",
                "include",
                "layout",
                "jekyll",
                "paginator",
                "content",
            ]
            .iter()
            .any(|v| word == *v || word.starts_with(&format!("{v}.")));
            if !(variable || inner.contains('|') || word.starts_with('.')) {
                return None;
            }
            liquid_output_help(inner)
        }
    };
    let what = match kind {
        Kind::Hugo => "Hugo shortcode",
        Kind::LiquidTag => "Liquid tag",
        Kind::LiquidOutput if inner.starts_with('#') => "mdBook directive",
        Kind::LiquidOutput if word.starts_with('.') => "Hugo template code",
        Kind::LiquidOutput => "Liquid template code",
    };
    let message = format!(
        "{what} `{whole}` is not run: rolebook does not run templates in Markdown, and shows it as written"
    );
    Some((
        Foreign {
            offset: 0,
            message,
            help: help.to_string(),
        },
        end,
    ))
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Hugo,
    LiquidTag,
    LiquidOutput,
}

const SHORTCODE_HELP: &str = "a rolebook shortcode is written `{{ name(arg=\"value\") }}` with a template in `templates/shortcodes/NAME.html`; if the braces are meant as text, put them in a code span";

fn hugo_help(name: &str) -> &'static str {
    match name {
        "ref" | "relref" => {
            "write a relative link to the Markdown file: `[text](../guide/page.md)`"
        }
        "notice" | "hint" | "alert" | "callout" | "admonition" | "note" | "tip" | "warning"
        | "info" => {
            "write a GitHub alert: a `> [!NOTE]` line (or TIP, IMPORTANT, WARNING, CAUTION), then the text on `> ` lines"
        }
        "figure" | "img" | "image" => "write an image: `![what it shows](picture.png)`",
        "highlight" | "code" => "write a fenced code block: ```lang",
        "details" | "expand" => "write `<details><summary>Title</summary>` ... `</details>`",
        _ => SHORTCODE_HELP,
    }
}

fn liquid_tag_help(tag: &str) -> &'static str {
    match tag {
        "include" | "include_relative" | "render" => {
            "paste the included text here, or make it a rolebook shortcode: `{{ name() }}` with a template in `templates/shortcodes/NAME.html`"
        }
        "link" | "post_url" => {
            "write a relative link to the file: `[text](../guide/page.md)`; it becomes the page's URL"
        }
        "raw" | "endraw" => {
            "remove it: Markdown is not a template in rolebook, so braces need no escaping"
        }
        "highlight" | "endhighlight" => "write a fenced code block: ```lang",
        "if" | "elsif" | "else" | "endif" | "unless" | "endunless" | "for" | "endfor" | "case"
        | "when" | "endcase" | "assign" | "capture" | "endcapture" | "comment" | "endcomment" => {
            "keep the text to show and drop the logic, or move it into a template (`templates/`)"
        }
        "seo" | "feed_meta" => "remove it: the theme writes the page's meta tags and feed links",
        _ => SHORTCODE_HELP,
    }
}

fn mdbook_help(inner: &str) -> &'static str {
    if inner.starts_with("#include") || inner.starts_with("#rustdoc_include") {
        "paste the included text (in a fenced code block for code), or make it a rolebook shortcode"
    } else if inner.starts_with("#title") {
        "set `title` in the front matter"
    } else {
        SHORTCODE_HELP
    }
}

fn liquid_output_help(inner: &str) -> &'static str {
    if [
        "baseurl",
        "relative_url",
        "absolute_url",
        "site.url",
        ".Site.BaseURL",
        "relURL",
        "absURL",
    ]
    .iter()
    .any(|k| inner.contains(k))
    {
        "write the link without it: root-relative links (`/guide/`) get the base path by themselves, and relative links to `.md` files become page URLs"
    } else {
        "write the value itself; templates (`templates/`) can show config values with `{{ config.title }}`"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str) -> Vec<(usize, String)> {
        find(text, &[])
            .into_iter()
            .map(|f| {
                let what = f
                    .message
                    .split(" is not run")
                    .next()
                    .unwrap_or("")
                    .to_string();
                (f.offset, what)
            })
            .collect()
    }

    #[test]
    fn finds_liquid_and_hugo_syntax() {
        let text = "See [x]({{ site.baseurl }}/a/) and {{ \"/x\" | relative_url }}.\n\
                    {% include note.html %}\n\
                    {% link _pages/x.md %} {{< ref \"x\" >}} {{% notice tip %}}Hi{{% /notice %}}\n\
                    {{ .Site.Title }}\n\
                    {{#include ../listings/main.rs}}";
        let found = shown(text);
        assert_eq!(
            found.iter().map(|(_, w)| w.as_str()).collect::<Vec<_>>(),
            vec![
                "Liquid template code `{{ site.baseurl }}`",
                "Liquid template code `{{ \"/x\" | relative_url }}`",
                "Liquid tag `{% include note.html %}`",
                "Liquid tag `{% link _pages/x.md %}`",
                "Hugo shortcode `{{< ref \"x\" >}}`",
                "Hugo shortcode `{{% notice tip %}}`",
                "Hugo template code `{{ .Site.Title }}`",
                "mdBook directive `{{#include ../listings/main.rs}}`",
            ]
        );
        assert_eq!(found[0].0, text.find("{{ site").unwrap());
        let include = find("{% include note.html %}", &[]);
        assert!(include[0].help.starts_with("paste the included text"));
        let url = find("{{ site.baseurl }}", &[]);
        assert!(url[0].help.contains("root-relative links"));
    }

    #[test]
    fn rolebook_calls_prose_and_skipped_ranges_are_left_alone() {
        for text in [
            "{{ backlog(status=\"ready\") }}",
            "{% details(summary=\"x\") %}body{% end %}",
            "{{ customer name }} fills the blank",
            "a { b } {{ not closed",
            "{{ x }}",
        ] {
            assert_eq!(shown(text), vec![], "{text}");
        }
        let code = 0..16;
        assert_eq!(
            find("`{{ site.url }}`", std::slice::from_ref(&code)),
            vec![]
        );
    }
}
