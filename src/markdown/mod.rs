//! Markdown to HTML: pulldown-cmark plus what a handbook needs.
//!
//! Owns heading ids and anchor links, the table of contents, alerts,
//! highlighted code, autolinks, summaries, plain text for search, and
//! shortcode placement. It does not know the site: links and shortcodes go
//! through [`Hooks`], which the site implements.

pub mod highlight;
pub mod shortcodes;

use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::config::MarkdownConfig;
use crate::error::{Diagnostic, Diagnostics, Kind};
use shortcodes::Call;

/// What the site does with a link destination found in Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkResult {
    /// Leave it as written (external, mail, plain anchors).
    Keep,
    /// Use this href instead.
    Rewrite(String),
    /// Use this href, and check later that `fragment` exists on the page
    /// at `target` (a content rel path).
    RewriteWithAnchor {
        href: String,
        target: String,
        fragment: String,
    },
    Broken {
        message: String,
        help: Option<String>,
    },
    /// Keep it, but warn.
    Warn { href: String, message: String },
}

/// The site's side of rendering: resolving links and running shortcodes.
pub trait Hooks {
    fn link(&self, dest: &str, is_image: bool) -> LinkResult;
    /// Renders a call; `body` is the call's body already rendered as HTML.
    fn shortcode(&self, call: &Call, body: Option<&str>) -> Result<String, String>;
}

/// Where the Markdown comes from, for error locations.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    pub display_path: &'a Path,
    /// The whole file.
    pub file_text: &'a str,
    /// Byte offset of the Markdown in the file.
    pub offset: usize,
    pub len: usize,
}

impl<'a> Source<'a> {
    pub fn text(&self) -> &'a str {
        &self.file_text[self.offset..self.offset + self.len]
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// A link to an anchor on another page, checked once every page is rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingAnchor {
    pub target: String,
    pub fragment: String,
    /// Byte offset in the file.
    pub offset: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub summary: Option<String>,
    pub toc: Vec<TocEntry>,
    /// Every `id` on the page.
    pub anchors: HashSet<String>,
    pub pending: Vec<PendingAnchor>,
    pub headings: Vec<(String, String)>,
    /// Plain text by heading id (`""` before the first heading).
    pub text_by_heading: std::sync::Arc<Vec<(String, String)>>,
    pub word_count: usize,
}

impl Rendered {
    pub fn plain_text(&self) -> String {
        let mut s = String::new();
        for (_, t) in self.text_by_heading.iter() {
            s.push_str(t);
            s.push(' ');
        }
        s
    }
}

fn options(config: &MarkdownConfig) -> Options {
    let mut opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
        | Options::ENABLE_DEFINITION_LIST;
    if config.smart_punctuation {
        opts |= Options::ENABLE_SMART_PUNCTUATION;
    }
    opts
}

/// Renders a string of Markdown with no site behind it (the `markdown`
/// template filter).
pub fn render_plain(text: &str, config: &MarkdownConfig) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, Parser::new_ext(text, options(config)));
    html
}

/// Placeholders for shortcode output: private-use characters, which no
/// Markdown construct touches.
const PH_OPEN: char = '\u{E000}';
const PH_CLOSE: char = '\u{E001}';

/// Renders `src` to HTML; problems come back as diagnostics beside the
/// best HTML that could be made.
pub fn render(
    src: Source<'_>,
    config: &MarkdownConfig,
    hooks: &dyn Hooks,
) -> (Rendered, Diagnostics) {
    let mut diags = Diagnostics::new();
    let (text, outputs, shifts) = expand_shortcodes(src, config, hooks, &mut diags);
    let to_file = |offset: usize| src.offset + map_offset(&shifts, offset);
    let mut state = State::new(src, config, hooks, &to_file);
    let events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(&text, options(config))
        .into_offset_iter()
        .collect();
    let out = state.transform(events);
    let mut html = String::with_capacity(text.len() * 2);
    pulldown_cmark::html::push_html(&mut html, out.events.iter().cloned());
    let summary = out.summary.map(|range| {
        let mut s = String::new();
        pulldown_cmark::html::push_html(&mut s, out.events[range].iter().cloned());
        s
    });
    let mut html = place_outputs(html, &outputs);
    // Kept for the whole build: no room to spare.
    html.shrink_to_fit();
    let summary = summary.map(|s| place_outputs(s, &outputs));
    let anchors = collect_ids(&html);
    for (fragment, offset) in std::mem::take(&mut state.local_anchors) {
        if !anchors.contains(&fragment) {
            diags.push(
                Diagnostic::error(
                    Kind::Link,
                    format!("there is no heading or anchor `#{fragment}` on this page"),
                )
                .at_offset(src.display_path, src.file_text, offset)
                .with_help(anchor_help(&fragment, &anchors)),
            );
        }
    }
    diags.extend(std::mem::take(&mut state.diags));
    let (mut text_by_heading, word_count) = state.finish_text();
    if !outputs.is_empty() {
        for (_, text) in &mut text_by_heading {
            *text = fill_placeholders(text, &outputs);
        }
    }
    let rendered = Rendered {
        html,
        summary,
        toc: build_toc(&state.toc, config.toc_depth),
        anchors,
        pending: state.pending,
        headings: state
            .toc
            .iter()
            .map(|(_, id, title)| (id.clone(), title.clone()))
            .collect(),
        text_by_heading: text_by_heading.into(),
        word_count,
    };
    (rendered, diags)
}

/// "did you mean" over the anchors of a page.
pub fn anchor_help(fragment: &str, anchors: &HashSet<String>) -> String {
    let mut sorted: Vec<&str> = anchors.iter().map(String::as_str).collect();
    sorted.sort();
    match crate::error::did_you_mean(fragment, sorted.iter().copied()) {
        Some(best) => format!("did you mean `#{best}`?"),
        None if sorted.is_empty() => "the page has no headings".to_string(),
        None => format!(
            "anchors on that page: {}",
            sorted
                .iter()
                .take(12)
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Replaces shortcode calls with placeholders. Returns the new text, each
/// placeholder's HTML, and the offset shifts made (new start, new len, old
/// start, old len).
fn expand_shortcodes(
    src: Source<'_>,
    config: &MarkdownConfig,
    hooks: &dyn Hooks,
    diags: &mut Diagnostics,
) -> (String, Vec<String>, Vec<Shift>) {
    let text = src.text();
    if !text.contains("{{") && !text.contains("{%") {
        return (text.to_string(), Vec::new(), Vec::new());
    }
    let code = code_ranges(text, config);
    let (calls, errors) = shortcodes::find(text, &code);
    for e in errors {
        diags.push(Diagnostic::error(Kind::Shortcode, e.message).at_offset(
            src.display_path,
            src.file_text,
            src.offset + e.offset,
        ));
    }
    let mut out = String::with_capacity(text.len());
    let mut outputs = Vec::new();
    let mut shifts = Vec::new();
    let mut last = 0;
    for call in calls {
        out.push_str(&text[last..call.range.start]);
        let body_html = call.body.as_ref().map(|body| {
            let body_start = text[call.range.clone()]
                .find(body.as_str())
                .map_or(call.range.start, |i| call.range.start + i);
            let inner = Source {
                offset: src.offset + body_start,
                len: body.len(),
                ..src
            };
            let (rendered, d) = render(inner, config, hooks);
            diags.extend(d);
            rendered.html
        });
        let html = match hooks.shortcode(&call, body_html.as_deref()) {
            Ok(html) => html,
            Err(message) => {
                diags.push(Diagnostic::error(Kind::Shortcode, message).at_offset(
                    src.display_path,
                    src.file_text,
                    src.offset + call.range.start,
                ));
                String::new()
            }
        };
        let placeholder = format!("{PH_OPEN}{}{PH_CLOSE}", outputs.len());
        shifts.push((
            out.len(),
            placeholder.len(),
            call.range.start,
            call.range.len(),
        ));
        out.push_str(&placeholder);
        outputs.push(html);
        last = call.range.end;
    }
    out.push_str(&text[last..]);
    (out, outputs, shifts)
}

/// A replacement made in the text: (new start, new len, old start, old len).
type Shift = (usize, usize, usize, usize);

/// Maps an offset in the expanded text back to the original text.
fn map_offset(shifts: &[Shift], offset: usize) -> usize {
    let mut delta: isize = 0;
    for &(new_start, new_len, old_start, old_len) in shifts {
        if offset < new_start {
            break;
        }
        if offset < new_start + new_len {
            return old_start;
        }
        delta = old_start as isize + old_len as isize - (new_start + new_len) as isize;
    }
    (offset as isize + delta).max(0) as usize
}

/// Byte ranges of code spans and code blocks: shortcodes there are text.
fn code_ranges(text: &str, config: &MarkdownConfig) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut block_start = None;
    for (event, range) in Parser::new_ext(text, options(config)).into_offset_iter() {
        match event {
            Event::Code(_) | Event::InlineHtml(_) => ranges.push(range),
            Event::Start(Tag::CodeBlock(_)) => block_start = Some(range.start),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(start) = block_start.take() {
                    ranges.push(start..range.end);
                }
            }
            _ => {}
        }
    }
    ranges
}

/// Puts shortcode HTML where its placeholder is; a placeholder alone in a
/// paragraph replaces the paragraph, so block HTML is not wrapped in `<p>`.
fn place_outputs(mut html: String, outputs: &[String]) -> String {
    for (i, output) in outputs.iter().enumerate() {
        let placeholder = format!("{PH_OPEN}{i}{PH_CLOSE}");
        let alone = format!("<p>{placeholder}</p>");
        if html.contains(&alone) {
            html = html.replacen(&alone, output, 1);
        } else {
            html = html.replacen(&placeholder, output, 1);
        }
    }
    html
}

/// Plain text (search, word counts) with each shortcode placeholder
/// replaced by what a reader sees: the text of a one-line output such as an
/// inline fact, nothing for a block view.
fn fill_placeholders(text: &str, outputs: &[String]) -> String {
    if !text.contains(PH_OPEN) {
        return text.to_string();
    }
    let mut out = text.to_string();
    for (i, output) in outputs.iter().enumerate() {
        let placeholder = format!("{PH_OPEN}{i}{PH_CLOSE}");
        if !out.contains(&placeholder) {
            continue;
        }
        let visible = if output.contains('\n') {
            String::new()
        } else {
            let mut plain = String::new();
            let mut in_tag = false;
            for c in output.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => plain.push(c),
                    _ => {}
                }
            }
            html_unescape(&plain)
        };
        out = out.replace(&placeholder, &visible);
    }
    crate::text::collapse_whitespace(&out).0
}

fn collect_ids(html: &str) -> HashSet<String> {
    let mut ids = HashSet::new();
    let mut rest = html;
    while let Some(i) = rest.find(" id=\"") {
        rest = &rest[i + 5..];
        if let Some(end) = rest.find('"') {
            ids.insert(html_unescape(&rest[..end]));
            rest = &rest[end..];
        }
    }
    ids
}

fn html_unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// A GitHub-style heading id: lowercase, letters, digits, `-` and `_`;
/// spaces become `-`.
pub fn heading_id(text: &str) -> String {
    let mut id = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            id.extend(c.to_lowercase());
        } else if c.is_whitespace() {
            id.push('-');
        }
    }
    if id.is_empty() {
        "section".to_string()
    } else {
        id
    }
}

fn build_toc(flat: &[(u8, String, String)], depth: u8) -> Vec<TocEntry> {
    let min = flat
        .iter()
        .map(|(l, _, _)| *l)
        .filter(|l| *l > 1)
        .min()
        .unwrap_or(2);
    let max = min.saturating_add(depth.max(1) - 1);
    let mut root: Vec<TocEntry> = Vec::new();
    for (level, id, title) in flat.iter().filter(|(l, _, _)| *l >= min && *l <= max) {
        let entry = TocEntry {
            level: *level,
            id: id.clone(),
            title: title.clone(),
            children: Vec::new(),
        };
        insert_toc(&mut root, entry);
    }
    root
}

fn insert_toc(list: &mut Vec<TocEntry>, entry: TocEntry) {
    if let Some(last) = list.last_mut()
        && last.level < entry.level
    {
        insert_toc(&mut last.children, entry);
        return;
    }
    list.push(entry);
}

mod transform;
use transform::State;

#[cfg(test)]
mod tests {
    use super::*;

    struct NoSite;

    impl Hooks for NoSite {
        fn link(&self, _: &str, _: bool) -> LinkResult {
            LinkResult::Keep
        }
        fn shortcode(&self, call: &Call, body: Option<&str>) -> Result<String, String> {
            Ok(format!("<b>{}:{}</b>", call.name, body.unwrap_or("")))
        }
    }

    fn render_str(text: &str) -> (Rendered, Diagnostics) {
        let src = Source {
            display_path: Path::new("a.md"),
            file_text: text,
            offset: 0,
            len: text.len(),
        };
        render(src, &MarkdownConfig::default(), &NoSite)
    }

    #[test]
    fn search_text_is_split_by_heading_without_the_heading() {
        let (r, _) =
            render_str("Intro words.\n\n## First part\n\nBody one.\n\n## Second\n\nBody two.\n");
        assert_eq!(
            *r.text_by_heading,
            vec![
                (String::new(), "Intro words.".to_string()),
                ("first-part".to_string(), "Body one.".to_string()),
                ("second".to_string(), "Body two.".to_string()),
            ]
        );
        assert_eq!(
            r.headings[0],
            ("first-part".to_string(), "First part".to_string())
        );
    }

    #[test]
    fn search_text_shows_inline_shortcodes_as_their_text() {
        let (r, _) = render_str("It took {{ fact(n=5) }} points &amp; more.\n\n{{ note() }}\n");
        assert_eq!(
            *r.text_by_heading,
            vec![(
                String::new(),
                "It took fact: points & more. note:".to_string()
            )]
        );
        let multi_line = fill_placeholders("a \u{E000}0\u{E001} b", &["<div>\nx\n</div>".into()]);
        assert_eq!(multi_line, "a b");
    }

    #[test]
    fn shortcode_errors_point_into_the_file() {
        let (_, d) = render_str("Line one\n\n{{ x(a=) }}\n");
        let first = d.iter().next().expect("an error");
        let loc = first.location.clone().expect("located");
        assert_eq!((loc.line, loc.column), (3, 8));
    }

    #[test]
    fn offsets_after_a_shortcode_still_map_to_the_source() {
        let (_, d) = render_str("{{ x() }} and [a](#missing)\n");
        let loc = d
            .iter()
            .next()
            .expect("an error")
            .location
            .clone()
            .expect("located");
        assert_eq!((loc.line, loc.column), (1, 15));
    }
}

#[cfg(test)]
mod conformance;
