//! Markdown to HTML: pulldown-cmark plus what a handbook needs.
//!
//! Owns heading ids and anchor links, the table of contents, alerts,
//! highlighted code, autolinks, summaries, plain text for search, and
//! shortcode placement. It does not know the site: links and shortcodes go
//! through [`Hooks`], which the site implements.

pub mod foreign;
pub mod highlight;
pub mod shortcodes;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::config::MarkdownConfig;
use crate::error::{Diagnostic, Diagnostics, Kind, Lines};
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
    Warn {
        href: String,
        message: String,
        help: Option<String>,
    },
}

/// The site's side of rendering: resolving links and running shortcodes.
pub trait Hooks {
    fn link(&self, dest: &str, is_image: bool) -> LinkResult;
    /// Whether a broken link or anchor is a warning (`[links] broken = "warn"`).
    fn broken_links_warn(&self) -> bool {
        false
    }
    /// The page's title, which the theme shows: a first `# Heading` with
    /// the same text is not shown twice.
    fn page_title(&self) -> Option<&str> {
        None
    }
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
    /// `(id, text)` of every heading; shared with the page's search
    /// document.
    pub headings: std::sync::Arc<Vec<(String, String)>>,
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

pub(crate) fn options(config: &MarkdownConfig) -> Options {
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
    let lines = Lines::new(src.display_path, src.file_text);
    render_nested(src, config, hooks, 0, &lines)
}

/// How deep shortcode bodies may nest: each level renders its body as
/// Markdown of its own, so the bound keeps a hostile page from exhausting
/// the stack. Real pages nest two or three deep.
pub const MAX_SHORTCODE_DEPTH: usize = 32;

/// [`render`] for the body of a shortcode `depth` levels down.
fn render_nested(
    src: Source<'_>,
    config: &MarkdownConfig,
    hooks: &dyn Hooks,
    depth: usize,
    lines: &Lines<'_>,
) -> (Rendered, Diagnostics) {
    let mut diags = Diagnostics::new();
    let (text, outputs, shifts) = expand_shortcodes(src, config, hooks, depth, lines, &mut diags);
    let to_file = |offset: usize| src.offset + map_offset(&shifts, offset);
    let mut state = State::new(&text, config, hooks, &to_file, lines);
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
    let missing: Vec<(String, usize)> = std::mem::take(&mut state.local_anchors)
        .into_iter()
        .filter(|(fragment, _)| !anchors.contains(fragment))
        .collect();
    let folded = (!missing.is_empty()).then(|| AnchorCase::new(&anchors));
    let mut broken = 0;
    let mut case_fixes = Vec::new();
    for (fragment, offset) in missing {
        if let Some(id) = folded.as_ref().and_then(|f| f.find(&fragment)) {
            case_fixes.push((fragment, id.to_string()));
            continue;
        }
        let message = format!("there is no heading or anchor `#{fragment}` on this page");
        let d = if hooks.broken_links_warn() {
            Diagnostic::warning(Kind::Link, message)
        } else {
            Diagnostic::error(Kind::Link, message)
        };
        diags.push(
            lines
                .at(d, offset)
                .with_help(suggest(broken, &fragment, &anchors)),
        );
        broken += 1;
    }
    if !case_fixes.is_empty() {
        html = replace_fragments(&html, &case_fixes);
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
        headings: std::sync::Arc::new(
            state
                .toc
                .iter()
                .map(|(_, id, title)| (id.clone(), title.clone()))
                .collect(),
        ),
        text_by_heading: text_by_heading.into(),
        word_count,
    };
    (rendered, diags)
}

/// How many broken anchors of one page get a "did you mean": each compares
/// the fragment with every anchor of the page, so a page of thousands of
/// broken links would otherwise take minutes.
pub const SUGGESTED_ANCHORS: usize = 20;

/// [`anchor_help`] for the `i`-th broken anchor of a page (from 0): past
/// [`SUGGESTED_ANCHORS`], a plain hint instead.
pub fn suggest(i: usize, fragment: &str, anchors: &HashSet<String>) -> String {
    if i < SUGGESTED_ANCHORS {
        anchor_help(fragment, anchors)
    } else {
        format!(
            "the page has {} anchors (suggestions are given for the first \
             {SUGGESTED_ANCHORS} broken ones only)",
            anchors.len()
        )
    }
}

/// The anchors of a page by their lower-case form: GitHub finds
/// `#Getting-Started` for the id `getting-started`, so documents written
/// there link that way. Built once per page, so many such links stay cheap.
pub struct AnchorCase<'a>(HashMap<String, &'a str>);

impl<'a> AnchorCase<'a> {
    pub fn new(anchors: &'a HashSet<String>) -> Self {
        let mut by_lower: HashMap<String, &'a str> = HashMap::new();
        for a in anchors {
            let slot = by_lower.entry(a.to_lowercase()).or_insert(a);
            // Of two anchors equal but for case, the first in sort order.
            if a.as_str() < *slot {
                *slot = a;
            }
        }
        AnchorCase(by_lower)
    }

    /// The anchor that `fragment` names in another case.
    pub fn find(&self, fragment: &str) -> Option<&'a str> {
        self.0.get(&fragment.to_lowercase()).copied()
    }
}

/// `html` with links ending in `#from` (as a whole attribute value's end)
/// made to end in `#to`, for each pair of `fixes`. One pass over the HTML,
/// however many fragments are fixed.
pub fn replace_fragments(html: &str, fixes: &[(String, String)]) -> String {
    if fixes.is_empty() {
        return html.to_string();
    }
    let by_from: HashMap<String, String> = fixes
        .iter()
        .map(|(from, to)| (crate::text::escape_html(from), crate::text::escape_html(to)))
        .collect();
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('#') {
        out.push_str(&rest[..=i]);
        rest = &rest[i + 1..];
        let Some(end) = rest.find(['"', '#', '<']) else {
            continue;
        };
        if rest[end..].starts_with('"')
            && let Some(to) = by_from.get(&rest[..end])
        {
            out.push_str(to);
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    out
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
    depth: usize,
    lines: &Lines<'_>,
    diags: &mut Diagnostics,
) -> (String, Vec<String>, Vec<Shift>) {
    let text = src.text();
    if !text.contains("{{") && !text.contains("{%") {
        return (text.to_string(), Vec::new(), Vec::new());
    }
    let (code, code_only) = code_ranges(text, config);
    let (calls, errors) = shortcodes::find(text, &code);
    let mut skip = code_only;
    skip.extend(calls.iter().map(|c| c.range.clone()));
    for found in foreign::find(text, &skip) {
        if errors
            .iter()
            .any(|e| e.offset >= found.offset && text[found.offset..e.offset].lines().count() <= 1)
        {
            // A malformed rolebook call: its own error says what is wrong.
            continue;
        }
        diags.push(
            Diagnostic::warning(Kind::Markdown, found.message)
                .at_offset(src.display_path, src.file_text, src.offset + found.offset)
                .with_help(found.help),
        );
    }
    for e in errors {
        let d = Diagnostic::error(Kind::Shortcode, e.message);
        diags.push(lines.at(d, src.offset + e.offset));
    }
    let mut out = String::with_capacity(text.len());
    let mut outputs = Vec::new();
    let mut shifts = Vec::new();
    let mut last = 0;
    for call in calls {
        out.push_str(&text[last..call.range.start]);
        if call.body.is_some() && depth >= MAX_SHORTCODE_DEPTH {
            diags.push(
                Diagnostic::error(
                    Kind::Shortcode,
                    format!(
                        "shortcode `{}` is nested more than {MAX_SHORTCODE_DEPTH} bodies deep",
                        call.name
                    ),
                )
                .at_offset(
                    src.display_path,
                    src.file_text,
                    src.offset + call.range.start,
                )
                .with_help(format!(
                    "shortcodes with a body may hold others up to {MAX_SHORTCODE_DEPTH} levels; \
                     close some with `{{% end %}}` sooner"
                )),
            );
            // The call and its body are left out; the rest still renders.
            last = call.range.end;
            continue;
        }
        let body_html = call.body.as_ref().map(|body| {
            let body_start = text[call.range.clone()]
                .find(body.as_str())
                .map_or(call.range.start, |i| call.range.start + i);
            let inner = Source {
                offset: src.offset + body_start,
                len: body.len(),
                ..src
            };
            let (rendered, d) = render_nested(inner, config, hooks, depth + 1, lines);
            diags.extend(d);
            rendered.html
        });
        let html = match hooks.shortcode(&call, body_html.as_deref()) {
            Ok(html) => html,
            Err(message) => {
                let d = Diagnostic::error(Kind::Shortcode, message);
                diags.push(lines.at(d, src.offset + call.range.start));
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
    // Shifts are in text order: the last one starting at or before
    // `offset` says how far it moved.
    let before = shifts.partition_point(|s| s.0 <= offset);
    let Some(&(new_start, new_len, old_start, old_len)) =
        before.checked_sub(1).and_then(|i| shifts.get(i))
    else {
        return offset;
    };
    if offset < new_start + new_len {
        return old_start;
    }
    let delta = old_start as isize + old_len as isize - (new_start + new_len) as isize;
    (offset as isize + delta).max(0) as usize
}

/// Byte ranges of code spans, code blocks and inline HTML (shortcodes there
/// are text), and of code alone (template syntax there is an example).
fn code_ranges(text: &str, config: &MarkdownConfig) -> (Vec<Range<usize>>, Vec<Range<usize>>) {
    let mut ranges = Vec::new();
    let mut code = Vec::new();
    let mut block_start = None;
    for (event, range) in Parser::new_ext(text, options(config)).into_offset_iter() {
        match event {
            Event::Code(_) => {
                ranges.push(range.clone());
                code.push(range);
            }
            Event::InlineHtml(_) => ranges.push(range),
            Event::Start(Tag::CodeBlock(_)) => block_start = Some(range.start),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(start) = block_start.take() {
                    ranges.push(start..range.end);
                    code.push(start..range.end);
                }
            }
            _ => {}
        }
    }
    ranges.sort_by_key(|r| r.start);
    code.sort_by_key(|r| r.start);
    (ranges, code)
}

/// Puts shortcode HTML where its placeholder is; a placeholder alone in a
/// paragraph replaces the paragraph, so block HTML is not wrapped in `<p>`.
/// One pass over the HTML, however many calls the page makes.
fn place_outputs(html: String, outputs: &[String]) -> String {
    if outputs.is_empty() {
        return html;
    }
    let extra: usize = outputs.iter().map(String::len).sum();
    let mut out = String::with_capacity(html.len() + extra);
    let mut placed = vec![false; outputs.len()];
    let mut rest = html.as_str();
    while let Some(i) = rest.find(PH_OPEN) {
        let after = &rest[i + PH_OPEN.len_utf8()..];
        let digits = after
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(after.len());
        let index = after[..digits]
            .parse::<usize>()
            .ok()
            .filter(|&n| n < outputs.len() && !placed[n] && after[digits..].starts_with(PH_CLOSE));
        let Some(n) = index else {
            out.push_str(&rest[..i + PH_OPEN.len_utf8()]);
            rest = after;
            continue;
        };
        let before = &rest[..i];
        let tail = &after[digits + PH_CLOSE.len_utf8()..];
        let (before, tail) = match (before.strip_suffix("<p>"), tail.strip_prefix("</p>")) {
            (Some(b), Some(t)) => (b, t),
            _ => (before, tail),
        };
        out.push_str(before);
        out.push_str(&outputs[n]);
        placed[n] = true;
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// Plain text (search, word counts) with each shortcode placeholder
/// replaced by what a reader sees: the text of a one-line output such as an
/// inline fact, nothing for a block view.
fn fill_placeholders(text: &str, outputs: &[String]) -> String {
    if !text.contains(PH_OPEN) {
        return text.to_string();
    }
    // One pass over the text, however many calls the page makes.
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(PH_OPEN) {
        let after = &rest[i + PH_OPEN.len_utf8()..];
        let digits = after
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(after.len());
        let output = after[..digits]
            .parse::<usize>()
            .ok()
            .filter(|_| after[digits..].starts_with(PH_CLOSE))
            .and_then(|n| outputs.get(n));
        let Some(output) = output else {
            out.push_str(&rest[..i + PH_OPEN.len_utf8()]);
            rest = after;
            continue;
        };
        out.push_str(&rest[..i]);
        out.push_str(&visible_text(output));
        rest = &after[digits + PH_CLOSE.len_utf8()..];
    }
    out.push_str(rest);
    crate::text::collapse_whitespace(&out).0
}

/// What a reader sees of a shortcode's output in running text: the text of
/// a one-line output, nothing for a block.
fn visible_text(output: &str) -> String {
    if output.contains('\n') {
        return String::new();
    }
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
}

/// Every `id` on the page, and the `name` of old-style anchors
/// (`<a name="install"></a>`, which GitHub and browsers link to).
fn collect_ids(html: &str) -> HashSet<String> {
    let mut ids = HashSet::new();
    for attr in [" id=\"", " name=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                ids.insert(html_unescape(&rest[..end]));
                rest = &rest[end..];
            }
        }
    }
    ids
}

pub(crate) fn html_unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// A heading id as GitHub makes it from the heading's text: lower-cased;
/// every character that is not a letter, mark, digit, connector (`_`),
/// space or `-` dropped; each space made a `-` (so `a -- b` is `a----b`).
/// Nothing is trimmed or squeezed. An empty id becomes `section`.
pub fn heading_id(text: &str) -> String {
    let mut id = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        if c == ' ' {
            id.push('-');
        } else if c == '-' || is_word_char(c) {
            id.push(c);
        }
    }
    if id.is_empty() {
        "section".to_string()
    } else {
        id
    }
}

/// A letter, mark, decimal digit or connector punctuation: what GitHub keeps
/// in an id. Approximated with the standard library: other numbers
/// (superscripts, fractions, circled digits) and variation selectors are
/// not kept.
fn is_word_char(c: char) -> bool {
    let other_number = matches!(
        c,
        '\u{00B2}' | '\u{00B3}' | '\u{00B9}' | '\u{00BC}'..='\u{00BE}'
    ) || ('\u{2070}'..='\u{209F}').contains(&c)
        || ('\u{2150}'..='\u{218F}').contains(&c)
        || ('\u{2460}'..='\u{24FF}').contains(&c)
        || ('\u{2776}'..='\u{2793}').contains(&c);
    let mark = ('\u{0300}'..='\u{036F}').contains(&c)
        || ('\u{1AB0}'..='\u{1AFF}').contains(&c)
        || ('\u{1DC0}'..='\u{1DFF}').contains(&c)
        || ('\u{20D0}'..='\u{20FF}').contains(&c)
        || ('\u{FE20}'..='\u{FE2F}').contains(&c);
    (c.is_alphanumeric() && !other_number)
        || mark
        || matches!(
            c,
            '_' | '\u{203F}' | '\u{2040}' | '\u{2054}' | '\u{FE33}' | '\u{FE34}' | '\u{FE4D}'
                ..='\u{FE4F}' | '\u{FF3F}'
        )
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

    /// Headings as real documents write them, with the ids GitHub gives
    /// them (worked out by its rules: lower-case, drop what is not a
    /// letter, digit, `_`, `-` or space, each space a `-`, from the source
    /// text, so smart punctuation changes nothing).
    #[test]
    fn heading_ids_are_the_ones_github_gives() {
        let cases = [
            ("## Who decides -- PO or PM?", "who-decides----po-or-pm"),
            (
                "### kubectl kuberc set --section defaults",
                "kubectl-kuberc-set---section-defaults",
            ),
            ("## Getting Started", "getting-started"),
            ("## What's new in v2.0?", "whats-new-in-v20"),
            ("## \"Quoted\" title", "quoted-title"),
            ("## Step 1: Install", "step-1-install"),
            ("## C++ & Rust", "c--rust"),
            ("## The `config.toml` file", "the-configtoml-file"),
            ("## *Emphasis* and **bold**", "emphasis-and-bold"),
            ("## [Link text](https://example.com) here", "link-text-here"),
            ("## snake_case_name", "snake_case_name"),
            ("## Über uns", "über-uns"),
            ("## Café au lait", "café-au-lait"),
            ("## 日本語の見出し", "日本語の見出し"),
            ("## Привет мир", "привет-мир"),
            ("## 🚀 Launch", "-launch"),
            ("## Launch 🚀", "launch-"),
            ("## 100% done", "100-done"),
            ("## Q&A", "qa"),
            ("## a/b testing", "ab-testing"),
            ("## Pros & cons (2024)", "pros--cons-2024"),
            ("## UPPER lower MiXeD", "upper-lower-mixed"),
            ("## Don't — stop", "dont--stop"),
            ("## Title with <kbd>Ctrl</kbd> key", "title-with-ctrl-key"),
            ("## Image ![alt text](x.png) inside", "image--inside"),
            ("## ...and more...", "and-more"),
            ("## It's \"smart\" -- really", "its-smart----really"),
            ("## `--flag` option", "--flag-option"),
            ("## Version 1.2.3", "version-123"),
            ("## Deux-mots", "deux-mots"),
            ("## 2. Second step", "2-second-step"),
            ("## (Optional) Setup", "optional-setup"),
            ("## Trailing hashes ##", "trailing-hashes"),
            ("## naïve résumé", "naïve-résumé"),
            ("Setext heading\n--------------", "setext-heading"),
            ("## Custom {#my-id}", "my-id"),
            ("## Getting Started", "getting-started-1"),
            ("## Getting Started", "getting-started-2"),
        ];
        let text: String = cases
            .iter()
            .map(|(h, _)| format!("{h}\n\nText.\n\n"))
            .collect();
        let (r, d) = render_str(&text);
        assert!(d.is_empty(), "{d:?}");
        let ids: Vec<&str> = r.headings.iter().map(|(id, _)| id.as_str()).collect();
        let expected: Vec<&str> = cases.iter().map(|(_, id)| *id).collect();
        assert_eq!(ids, expected);
        // The same with smart punctuation off: the id does not depend on it.
        let config = MarkdownConfig {
            smart_punctuation: false,
            ..MarkdownConfig::default()
        };
        let src = Source {
            display_path: Path::new("a.md"),
            file_text: &text,
            offset: 0,
            len: text.len(),
        };
        let (plain, _) = render(src, &config, &NoSite);
        let plain_ids: Vec<&str> = plain.headings.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(plain_ids, expected);
    }

    #[test]
    fn smart_punctuation_still_shows_in_the_heading_text() {
        let (r, _) = render_str("## Who decides -- PO or PM?\n");
        assert_eq!(
            *r.headings,
            vec![(
                "who-decides----po-or-pm".to_string(),
                "Who decides \u{2013} PO or PM?".to_string()
            )]
        );
        assert!(
            r.html
                .contains("<h2 id=\"who-decides----po-or-pm\">Who decides \u{2013} PO or PM?"),
            "{}",
            r.html
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

    struct Prefixing;

    impl Hooks for Prefixing {
        fn link(&self, dest: &str, _: bool) -> LinkResult {
            LinkResult::Rewrite(format!("/site/{dest}"))
        }
        fn shortcode(&self, _: &Call, _: Option<&str>) -> Result<String, String> {
            Ok(String::new())
        }
    }

    #[test]
    fn raw_html_links_resolve_inside_tags_only() {
        let text = "<p align=\"center\">\n<img\n  src=\"logo.png\"\n  alt=\"a > b\">\n</p>\n\n\
                    <p>Write src=\"x\" in prose, <a href='b.md'>b</a>.</p>\n\n\
                    <!-- <a href=\"old.md\">\nold</a> -->\n\nText <a href=\"c.md#d\">c</a>.\n";
        let src = Source {
            display_path: Path::new("a.md"),
            file_text: text,
            offset: 0,
            len: text.len(),
        };
        let (r, d) = render(src, &MarkdownConfig::default(), &Prefixing);
        assert!(d.is_empty(), "{d:?}");
        for expected in [
            "src=\"/site/logo.png\"",
            "Write src=\"x\" in prose",
            "<a href='/site/b.md'>b</a>",
            "<a href=\"old.md\">",
            "<a href=\"/site/c.md#d\">c</a>",
        ] {
            assert!(r.html.contains(expected), "{expected} in {}", r.html);
        }
    }

    #[test]
    fn shortcode_errors_point_into_the_file() {
        let (_, d) = render_str("Line one\n\n{{ x(a=) }}\n");
        let first = d.iter().next().expect("an error");
        let loc = first.location.clone().expect("located");
        assert_eq!((loc.line, loc.column), (3, 8));
    }

    #[test]
    fn equal_headings_get_counted_suffixes_that_avoid_written_ids() {
        let (r, _) = render_str("# A\n\n# A\n\n# A-1\n\n# A\n\n# A\n");
        let ids: Vec<&str> = r.headings.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["a", "a-1", "a-1-1", "a-2", "a-3"]);
    }

    #[test]
    fn many_equal_headings_are_all_unique() {
        let text = "## Notes\n\n".repeat(3000);
        let (r, _) = render_str(&text);
        let ids: HashSet<&str> = r.headings.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids.len(), 3000);
        assert!(ids.contains("notes-2999"));
    }

    #[test]
    fn outputs_replace_their_placeholders_and_lone_paragraphs() {
        let html = format!(
            "<p>{PH_OPEN}0{PH_CLOSE}</p>\n<p>a {PH_OPEN}1{PH_CLOSE} b {PH_OPEN}7{PH_CLOSE}</p>"
        );
        let outputs = vec!["<div>x</div>".to_string(), "<b>y</b>".to_string()];
        assert_eq!(
            place_outputs(html, &outputs),
            format!("<div>x</div>\n<p>a <b>y</b> b {PH_OPEN}7{PH_CLOSE}</p>")
        );
    }

    #[test]
    fn offsets_map_back_across_many_shifts() {
        // "{{ a() }}" (9 bytes) became a 5-byte placeholder at 0 and at 10.
        let shifts = [(0, 5, 0, 9), (10, 5, 14, 9)];
        assert_eq!(map_offset(&shifts, 2), 0);
        assert_eq!(map_offset(&shifts, 7), 11);
        assert_eq!(map_offset(&shifts, 12), 14);
        assert_eq!(map_offset(&shifts, 15), 23);
        assert_eq!(map_offset(&[], 15), 15);
    }

    #[test]
    fn shortcode_bodies_nested_too_deep_are_an_error_not_a_crash() {
        let depth = MAX_SHORTCODE_DEPTH + 5;
        let text = format!(
            "before\n\n{}core{}\n\nafter\n",
            "{% n() %}\n".repeat(depth),
            "\n{% end %}".repeat(depth)
        );
        let (r, d) = render_str(&text);
        let messages: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [format!(
                "shortcode `n` is nested more than {MAX_SHORTCODE_DEPTH} bodies deep"
            )]
        );
        let loc = d
            .iter()
            .next()
            .and_then(|d| d.location.clone())
            .expect("located");
        assert_eq!(loc.line, 3 + MAX_SHORTCODE_DEPTH);
        assert!(r.html.contains("after"), "{}", r.html);
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
