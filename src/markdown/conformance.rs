//! The CommonMark 0.31.2 examples, and the GitHub Flavored Markdown
//! extension examples (tables, task lists, strikethrough, autolinks), through
//! rolebook's Markdown pipeline.
//!
//! rolebook adds to CommonMark (heading ids and anchors, highlighted code
//! blocks, GFM extensions), so its output is normalised back before it is
//! compared; the examples that differ on purpose are listed with the reason.

use std::path::Path;

use serde::Deserialize;

use super::shortcodes::Call;
use super::{Hooks, LinkResult, Source, render};
use crate::config::MarkdownConfig;

#[derive(Deserialize)]
struct Example {
    markdown: String,
    html: String,
    example: u32,
}

/// GFM extension examples rolebook renders differently on purpose.
const GFM_DIFFERENCES: [(u32, &str); 1] = [(
    637,
    "raw HTML passes through whole: writers are trusted (the README says so), \
     so `<title>`, `<style>` and the like are not escaped",
)];

struct NoSite;

impl Hooks for NoSite {
    fn link(&self, _: &str, _: bool) -> LinkResult {
        LinkResult::Keep
    }
    fn shortcode(&self, _: &Call, _: Option<&str>) -> Result<String, String> {
        Err("no shortcodes here".into())
    }
}

/// Undoes what rolebook adds on purpose: heading ids and anchor links, the
/// code block's classes.
fn normalise(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find('>').map_or(rest.len(), |e| e + 1);
        let tag = &rest[..end];
        if tag.starts_with("<a class=\"anchor\"") {
            let close = rest.find("</a>").map_or(rest.len(), |c| c + 4);
            rest = &rest[close..];
            // the space before the anchor
            if out.ends_with(' ') {
                out.pop();
            }
            continue;
        }
        let is_heading =
            tag.len() > 3 && tag.starts_with("<h") && tag.as_bytes()[2].is_ascii_digit();
        if is_heading && let Some(id) = tag.find(" id=\"") {
            let after = tag[id + 5..]
                .find('"')
                .map_or(tag.len(), |q| id + 5 + q + 1);
            out.push_str(&tag[..id]);
            out.push_str(&tag[after..]);
        } else if tag.starts_with("<pre class=\"code") {
            out.push_str("<pre>");
        } else {
            out.push_str(tag);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The examples whose rendering differs from the spec's HTML, with the
/// difference printed when `SHOW_DIFF` is set.
fn differing(examples: &[Example]) -> Vec<u32> {
    let config = MarkdownConfig {
        smart_punctuation: false,
        highlight_code: false,
        ..MarkdownConfig::default()
    };
    let mut failed = Vec::new();
    for ex in examples {
        let src = Source {
            display_path: Path::new("spec.md"),
            file_text: &ex.markdown,
            offset: 0,
            len: ex.markdown.len(),
        };
        let (rendered, _) = render(src, &config, &NoSite);
        // pulldown-cmark leaves `"` unescaped in text; the two are the same HTML.
        // A newline after `<li>` is whitespace between tags either way.
        let got = same_meaning(&normalise(&rendered.html))
            .replace("&quot;", "\"")
            .replace("<li>\n", "<li>");
        let want = same_meaning(&ex.html)
            .replace("&quot;", "\"")
            .replace("<li>\n", "<li>");
        if got != want {
            if std::env::var_os("SHOW_DIFF").is_some() {
                eprintln!("#{}\n got: {got:?}\nwant: {want:?}", ex.example);
            }
            failed.push(ex.example);
        }
    }
    failed
}

/// Makes table and task list HTML comparable: the spec puts a line break
/// after each table tag, pulldown-cmark writes `style="text-align: ..."`
/// for the obsolete `align` attribute and an empty `<tbody>` for a table
/// without rows, and rolebook wraps tables (to scroll on a phone) and labels
/// task list boxes (for screen readers). None of this changes what a
/// browser shows.
fn same_meaning(html: &str) -> String {
    let mut out = html
        .replace("<div class=\"table-wrap\">", "")
        .replace("</table>\n</div>\n", "</table>\n");
    for tag in [
        "<table>", "<thead>", "</thead>", "<tbody>", "</tbody>", "<tr>", "</tr>", "</th>", "</td>",
    ] {
        out = out.replace(&format!("{tag}\n"), tag);
    }
    for side in ["left", "center", "right"] {
        out = out.replace(
            &format!(" style=\"text-align: {side}\""),
            &format!(" align=\"{side}\""),
        );
    }
    out.replace("<tbody></tbody>", "")
        .replace(
            "<input type=\"checkbox\" disabled checked aria-label=\"Done\">",
            "<input checked=\"\" disabled=\"\" type=\"checkbox\">",
        )
        .replace(
            "<input type=\"checkbox\" disabled aria-label=\"Not done\">",
            "<input disabled=\"\" type=\"checkbox\">",
        )
}

#[test]
fn commonmark_examples_render_as_the_spec_says() {
    let text = include_str!("../../tests/fixtures/commonmark/commonmark-spec-0.31.2.json");
    let examples: Vec<Example> = serde_json::from_str(text).expect("spec json");
    let mut failed = differing(&examples);
    // Bare URLs and e-mail addresses become links on purpose (GFM's
    // extended autolinks), which CommonMark alone leaves as text.
    let intended = [604, 608, 610, 613, 614];
    failed.retain(|n| !intended.contains(n));
    assert!(
        failed.is_empty(),
        "{} of {} differ: {failed:?}",
        failed.len(),
        examples.len()
    );
    assert_eq!(examples.len(), 655);
}

#[test]
fn gfm_extension_examples_render_as_the_spec_says() {
    let text = include_str!("../../tests/fixtures/gfm/gfm-spec-extensions.json");
    let examples: Vec<Example> = serde_json::from_str(text).expect("spec json");
    let mut failed = differing(&examples);
    let intended = GFM_DIFFERENCES.map(|(n, _)| n);
    failed.retain(|n| !intended.contains(n));
    assert!(
        failed.is_empty(),
        "{} of {} differ: {failed:?}",
        failed.len(),
        examples.len()
    );
    assert_eq!(examples.len(), 24);
}
