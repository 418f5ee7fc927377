//! The event pass: turns pulldown-cmark's events into the ones rolebook
//! writes (headings with ids and anchors, highlighted code, alerts, resolved
//! links, autolinks, wrapped tables) and gathers the TOC and search text.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::highlight::{self, CodeOptions};
use super::{Hooks, LinkResult, PendingAnchor, heading_id};
use crate::config::MarkdownConfig;
use crate::error::{Diagnostic, Diagnostics, Kind, Lines};
use crate::text::{escape_html, percent_decode_or_keep};
use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Tag, TagEnd,
};

pub struct Out<'e> {
    pub events: Vec<Event<'e>>,
    /// The events that make the summary: those before `<!-- more -->`, or
    /// the first paragraph.
    pub summary: Option<Range<usize>>,
}

pub struct State<'a> {
    /// The Markdown being transformed (shortcodes already replaced), which
    /// event ranges point into.
    markdown: &'a str,
    config: &'a MarkdownConfig,
    hooks: &'a dyn Hooks,
    to_file: &'a dyn Fn(usize) -> usize,
    lines: &'a Lines<'a>,
    pub diags: Diagnostics,
    pub toc: Vec<(u8, String, String)>,
    used_ids: HashSet<String>,
    /// Per base id, the next `-N` suffix to try.
    next_suffix: HashMap<String, usize>,
    pub pending: Vec<PendingAnchor>,
    pub local_anchors: Vec<(String, usize)>,
    text: Vec<(String, String)>,
}

impl<'a> State<'a> {
    pub fn new(
        markdown: &'a str,
        config: &'a MarkdownConfig,
        hooks: &'a dyn Hooks,
        to_file: &'a dyn Fn(usize) -> usize,
        lines: &'a Lines<'a>,
    ) -> Self {
        State {
            markdown,
            config,
            hooks,
            to_file,
            lines,
            diags: Diagnostics::new(),
            toc: Vec::new(),
            used_ids: HashSet::new(),
            next_suffix: HashMap::new(),
            pending: Vec::new(),
            local_anchors: Vec::new(),
            text: vec![(String::new(), String::new())],
        }
    }

    /// The text under each heading, whitespace collapsed, and the number
    /// of words in all.
    pub fn finish_text(&mut self) -> (Vec<(String, String)>, usize) {
        let mut words = 0;
        let text = std::mem::take(&mut self.text)
            .into_iter()
            .map(|(id, t)| {
                let (t, n) = crate::text::collapse_whitespace(&t);
                words += n;
                (id, t)
            })
            .filter(|(id, t)| !(id.is_empty() && t.is_empty()))
            .collect();
        (text, words)
    }

    fn push_text(&mut self, s: &str) {
        if let Some((_, t)) = self.text.last_mut() {
            t.push_str(s);
        }
    }

    fn error_at(&mut self, kind: Kind, offset: usize, message: String, help: Option<String>) {
        let file_offset = (self.to_file)(offset);
        let mut d = self.lines.at(Diagnostic::error(kind, message), file_offset);
        if let Some(help) = help {
            d = d.with_help(help);
        }
        self.diags.push(d);
    }

    fn warn_at(&mut self, kind: Kind, offset: usize, message: String) {
        let file_offset = (self.to_file)(offset);
        let d = self
            .lines
            .at(Diagnostic::warning(kind, message), file_offset);
        self.diags.push(d);
    }

    /// `base`, or `base-1`, `base-2`, ... when taken. The next suffix to
    /// try is kept per base, so many equal headings cost linear time.
    fn unique_id(&mut self, base: String) -> String {
        if self.used_ids.insert(base.clone()) {
            return base;
        }
        let n = self.next_suffix.entry(base.clone()).or_insert(1);
        loop {
            let id = format!("{base}-{n}");
            *n += 1;
            if self.used_ids.insert(id.clone()) {
                return id;
            }
        }
    }

    /// The heading's text as GitHub reads it: the source characters, not
    /// the smart punctuation (`--` stays two hyphens), without image alt text.
    fn heading_source_text(&self, inner: &[Event<'_>], range: Range<usize>) -> String {
        let text = id_text(inner);
        let smart = [
            '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2013}', '\u{2014}', '\u{2026}',
        ];
        if !self.config.smart_punctuation || !text.contains(smart) {
            return text;
        }
        let Some(source) = self.markdown.get(range) else {
            return text;
        };
        let mut config = self.config.clone();
        config.smart_punctuation = false;
        let events: Vec<Event<'_>> =
            pulldown_cmark::Parser::new_ext(source, super::options(&config))
                .skip_while(|e| !matches!(e, Event::Start(Tag::Heading { .. })))
                .skip(1)
                .take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_))))
                .collect();
        if events.is_empty() {
            text
        } else {
            id_text(&events)
        }
    }

    /// Whether a level-1 heading with this text, before anything else on
    /// the page, repeats the page's title (which the theme shows).
    fn repeats_title(&self, text: &str, out: &[Event<'_>]) -> bool {
        let Some(title) = self.hooks.page_title() else {
            return false;
        };
        // Badges or a logo may come first; another heading may not.
        let first = !out
            .iter()
            .any(|e| matches!(e, Event::Html(h) if h.starts_with("<h") && !h.starts_with("<hr")));
        first && same_title(text, title)
    }

    pub fn transform<'e>(&mut self, events: Vec<(Event<'e>, Range<usize>)>) -> Out<'e> {
        let mut out: Vec<Event<'e>> = Vec::with_capacity(events.len() + 16);
        let mut summary_end = None;
        let mut first_paragraph: Option<Range<usize>> = None;
        let mut paragraph_start = None;
        let mut iter = events.into_iter().peekable();
        let mut in_link = 0usize;
        let mut html_scan = HtmlScan::default();
        while let Some((mut event, range)) = iter.next() {
            // pulldown-cmark splits text where markup might start; joined
            // again, so autolinks see whole words (`foo+@bar.example`).
            if let Event::Text(first) = &event
                && matches!(iter.peek(), Some((Event::Text(_), _)))
            {
                let mut joined = first.to_string();
                while let Some((Event::Text(more), _)) =
                    iter.next_if(|(e, _)| matches!(e, Event::Text(_)))
                {
                    joined.push_str(&more);
                }
                event = Event::Text(joined.into());
            }
            match event {
                Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }) => {
                    let mut inner = Vec::new();
                    for (e, _) in iter.by_ref() {
                        if matches!(e, Event::End(TagEnd::Heading(_))) {
                            break;
                        }
                        inner.push(e);
                    }
                    let title = plain(&inner);
                    let base = id.map_or_else(
                        || heading_id(&self.heading_source_text(&inner, range.clone())),
                        |i| i.to_string(),
                    );
                    if level == HeadingLevel::H1 && self.repeats_title(&title, &out) {
                        // The theme shows the title; the heading's id stays
                        // on the page for links made on GitHub.
                        let id = self.unique_id(base);
                        out.push(Event::Html(
                            format!("<span id=\"{}\"></span>\n", escape_html(&id)).into(),
                        ));
                        continue;
                    }
                    let id = self.unique_id(base);
                    let n = level as u8;
                    self.toc.push((n, id.clone(), title.clone()));
                    self.text.push((id.clone(), String::new()));
                    // The heading itself is in `toc`; the section text starts after it.
                    let mut open = format!("<h{n} id=\"{}\"", escape_html(&id));
                    if !classes.is_empty() {
                        let classes: Vec<&str> = classes.iter().map(|c| c.as_ref()).collect();
                        open.push_str(&format!(" class=\"{}\"", escape_html(&classes.join(" "))));
                    }
                    for (k, v) in attrs {
                        open.push_str(&format!(
                            " {}=\"{}\"",
                            escape_html(&k),
                            escape_html(v.as_deref().unwrap_or(""))
                        ));
                    }
                    open.push('>');
                    out.push(Event::Html(open.into()));
                    out.extend(inner);
                    out.push(Event::Html(
                        format!(
                            " <a class=\"anchor\" href=\"#{}\" aria-label=\"Link to this section\">#</a></h{n}>\n",
                            escape_html(&id)
                        )
                        .into(),
                    ));
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    let mut code = String::new();
                    for (e, _) in iter.by_ref() {
                        match e {
                            Event::Text(t) => code.push_str(&t),
                            Event::End(TagEnd::CodeBlock) => break,
                            _ => {}
                        }
                    }
                    let info = match &kind {
                        CodeBlockKind::Fenced(info) => info.to_string(),
                        CodeBlockKind::Indented => String::new(),
                    };
                    let (lang, mut opts) = parse_info(&info);
                    opts.line_numbers |= self.config.line_numbers;
                    if !highlight::is_plain(&lang)
                        && self.config.highlight_code
                        && !highlight::knows(&lang)
                    {
                        self.warn_at(
                            Kind::Markdown,
                            range.start,
                            format!("unknown code language `{lang}`; the block is shown without highlighting"),
                        );
                    }
                    out.push(Event::Html(
                        highlight::render_block(&lang, &code, &opts, self.config.highlight_code)
                            .into(),
                    ));
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    in_link += 1;
                    let dest = self
                        .resolve(&dest_url, range.start, false)
                        .unwrap_or(dest_url);
                    let external = dest.starts_with("http://") || dest.starts_with("https://");
                    if external
                        && self.config.external_links_new_tab
                        && link_type != LinkType::Email
                    {
                        out.push(Event::Html(
                            format!(
                                "<a href=\"{}\" target=\"_blank\" rel=\"noopener\"{}>",
                                escape_html(&dest),
                                if title.is_empty() {
                                    String::new()
                                } else {
                                    format!(" title=\"{}\"", escape_html(&title))
                                }
                            )
                            .into(),
                        ));
                        // Replace the matching end with a raw close tag.
                        let mut depth = 0;
                        let mut inner = Vec::new();
                        for (e, _) in iter.by_ref() {
                            match &e {
                                Event::Start(Tag::Link { .. }) => depth += 1,
                                Event::End(TagEnd::Link) if depth == 0 => break,
                                Event::End(TagEnd::Link) => depth -= 1,
                                _ => {}
                            }
                            inner.push(e);
                        }
                        self.push_text(&plain(&inner));
                        out.extend(inner);
                        out.push(Event::Html("</a>".into()));
                        in_link -= 1;
                        continue;
                    }
                    out.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url: dest,
                        title,
                        id,
                    }));
                }
                Event::End(TagEnd::Link) => {
                    in_link = in_link.saturating_sub(1);
                    out.push(Event::End(TagEnd::Link));
                }
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let dest = self
                        .resolve(&dest_url, range.start, true)
                        .unwrap_or(dest_url);
                    out.push(Event::Start(Tag::Image {
                        link_type,
                        dest_url: dest,
                        title,
                        id,
                    }));
                }
                Event::Start(Tag::BlockQuote(Some(kind))) => {
                    let (class, label) = alert(kind);
                    out.push(Event::Html(
                        format!("<div class=\"alert alert-{class}\" role=\"note\">\n<p class=\"alert-title\">{label}</p>\n").into(),
                    ));
                }
                Event::End(TagEnd::BlockQuote(Some(_))) => out.push(Event::Html("</div>\n".into())),
                Event::Start(Tag::Table(align)) => {
                    out.push(Event::Html("<div class=\"table-wrap\">".into()));
                    out.push(Event::Start(Tag::Table(align)));
                }
                Event::End(TagEnd::Table) => {
                    out.push(Event::End(TagEnd::Table));
                    out.push(Event::Html("</div>\n".into()));
                }
                Event::Html(ref h) | Event::InlineHtml(ref h)
                    if summary_end.is_none() && is_more_marker(h) =>
                {
                    summary_end = Some(out.len());
                    out.push(event);
                }
                Event::Html(h) => {
                    let h = self.html_links(h, range.start, &mut html_scan);
                    out.push(Event::Html(h));
                }
                Event::InlineHtml(h) => {
                    let h = self.html_links(h, range.start, &mut html_scan);
                    out.push(Event::InlineHtml(h));
                }
                Event::Text(t)
                    if in_link == 0
                        && (t.contains("://") || t.contains("www.") || t.contains('@')) =>
                {
                    self.push_text(&t);
                    autolink(t, &mut out);
                }
                Event::Text(t) => {
                    self.push_text(&t);
                    out.push(Event::Text(t));
                }
                Event::Code(t) => {
                    self.push_text(&t);
                    out.push(Event::Code(t));
                }
                Event::TaskListMarker(done) => {
                    // Labelled, so the box means something without a script.
                    let (checked, label) = if done {
                        (" checked", "Done")
                    } else {
                        ("", "Not done")
                    };
                    out.push(Event::InlineHtml(
                        format!(
                            "<input type=\"checkbox\" disabled{checked} aria-label=\"{label}\"> "
                        )
                        .into(),
                    ));
                }
                Event::Start(Tag::Paragraph) => {
                    paragraph_start.get_or_insert(out.len());
                    out.push(event);
                }
                Event::End(TagEnd::Paragraph) => {
                    self.push_text(" ");
                    out.push(event);
                    if first_paragraph.is_none() {
                        first_paragraph = paragraph_start.map(|start| start..out.len());
                    }
                }
                Event::End(TagEnd::Item | TagEnd::TableCell | TagEnd::DefinitionListTitle)
                | Event::SoftBreak
                | Event::HardBreak => {
                    self.push_text(" ");
                    out.push(event);
                }
                other => out.push(other),
            }
        }
        let summary = summary_end.map(|end| 0..end).or(first_paragraph);
        Out {
            events: out,
            summary,
        }
    }

    /// Resolves the `href` and `src` attributes of raw HTML (a README's
    /// `<img src="docs/logo.png">`, `<a href="../guide/">`) like Markdown
    /// links, so they work whatever the page's URL. Comments are left alone.
    fn html_links<'e>(
        &mut self,
        html: CowStr<'e>,
        offset: usize,
        scan: &mut HtmlScan,
    ) -> CowStr<'e> {
        if !scan.in_comment
            && !html.contains("<!--")
            && !html.contains("href=")
            && !html.contains("src=")
        {
            scan.follow(&html);
            return html;
        }
        let in_comment = &mut scan.in_comment;
        let in_tag = &mut scan.in_tag;
        let text = html.as_ref();
        let mut out = String::with_capacity(text.len());
        let mut changed = false;
        let mut pos = 0;
        while pos < text.len() {
            let rest = &text[pos..];
            if *in_comment {
                match rest.find("-->") {
                    Some(i) => {
                        out.push_str(&rest[..i + 3]);
                        pos += i + 3;
                        *in_comment = false;
                    }
                    None => {
                        out.push_str(rest);
                        pos = text.len();
                    }
                }
                continue;
            }
            if rest.starts_with("<!--") {
                *in_comment = true;
                out.push_str("<!--");
                pos += 4;
                continue;
            }
            let attr = ["href=", "src="].into_iter().find(|a| {
                *in_tag && rest.starts_with(a) && text[..pos].ends_with([' ', '\n', '\t'])
            });
            let Some(attr) = attr else {
                let c = rest.chars().next().map_or(1, char::len_utf8);
                if rest.starts_with('<') && rest[1..].starts_with(|c: char| c.is_ascii_alphabetic())
                {
                    *in_tag = true;
                } else if rest.starts_with('>') {
                    *in_tag = false;
                }
                out.push_str(&rest[..c]);
                pos += c;
                continue;
            };
            let after = &rest[attr.len()..];
            let quote = after.chars().next().filter(|q| *q == '"' || *q == '\'');
            let value_end = quote.and_then(|q| after[1..].find(q));
            let (Some(q), Some(end)) = (quote, value_end) else {
                out.push_str(attr);
                pos += attr.len();
                continue;
            };
            let value = &after[1..1 + end];
            let dest = super::html_unescape(value);
            let resolved = if dest.is_empty() {
                None
            } else {
                self.resolve(&dest, offset + pos, attr == "src=")
            };
            out.push_str(attr);
            out.push(q);
            match resolved {
                Some(new) => {
                    out.push_str(&escape_html(&new));
                    changed = true;
                }
                None => out.push_str(value),
            }
            out.push(q);
            pos += attr.len() + end + 2;
        }
        if changed { out.into() } else { html }
    }

    /// Resolves a link through the hooks; `None` keeps it as written.
    fn resolve<'e>(&mut self, dest: &str, offset: usize, is_image: bool) -> Option<CowStr<'e>> {
        if let Some(fragment) = dest.strip_prefix('#') {
            if !fragment.is_empty() {
                let decoded = percent_decode_or_keep(fragment);
                self.local_anchors.push((decoded, (self.to_file)(offset)));
            }
            return None;
        }
        match self.hooks.link(dest, is_image) {
            LinkResult::Keep => None,
            LinkResult::Rewrite(href) => Some(href.into()),
            LinkResult::RewriteWithAnchor {
                href,
                target,
                fragment,
            } => {
                self.pending.push(PendingAnchor {
                    target,
                    fragment,
                    offset: (self.to_file)(offset),
                });
                Some(href.into())
            }
            LinkResult::Broken { message, help } => {
                self.error_at(Kind::Link, offset, message, help);
                None
            }
            LinkResult::Warn {
                href,
                message,
                help,
            } => {
                let file_offset = (self.to_file)(offset);
                let mut d = self
                    .lines
                    .at(Diagnostic::warning(Kind::Link, message), file_offset);
                d.help = help;
                self.diags.push(d);
                Some(href.into())
            }
        }
    }
}

fn is_more_marker(html: &str) -> bool {
    let t = html.trim();
    t.starts_with("<!--") && t.trim_start_matches("<!--").trim_end_matches("-->").trim() == "more"
}

fn alert(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// Where the raw HTML seen so far left off: inside a comment, inside a
/// tag (an HTML block comes line by line).
#[derive(Debug, Default)]
struct HtmlScan {
    in_comment: bool,
    in_tag: bool,
}

impl HtmlScan {
    /// Follows `html` without looking for links in it.
    fn follow(&mut self, html: &str) {
        if let Some(i) = html.rfind(['<', '>']) {
            self.in_tag = html[i..].starts_with('<')
                && html[i + 1..].starts_with(|c: char| c.is_ascii_alphabetic());
        }
    }
}

/// The text GitHub makes a heading's id from: text and code, not the alt
/// text of images, nothing for line breaks.
fn id_text(events: &[Event<'_>]) -> String {
    let mut s = String::new();
    let mut in_image = 0usize;
    for e in events {
        match e {
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if in_image == 0 => s.push_str(t),
            _ => {}
        }
    }
    s
}

/// Titles compared as a reader sees them: emphasis markers, quotes and
/// spacing aside, in any case.
fn same_title(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String {
        let kept: String = s
            .chars()
            .filter(|c| {
                !matches!(
                    c,
                    '*' | '_'
                        | '`'
                        | '"'
                        | '\''
                        | '\u{2018}'
                        | '\u{2019}'
                        | '\u{201C}'
                        | '\u{201D}'
                )
            })
            .collect();
        kept.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(a) == norm(b)
}

/// The plain text of inline events.
fn plain(events: &[Event<'_>]) -> String {
    let mut s = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s.trim().to_string()
}

/// `rust,linenos,hl_lines=1 3-5` or `rust {linenos hl_lines=[2]}`.
pub fn parse_info(info: &str) -> (String, CodeOptions) {
    let info = info.trim();
    let split_at = info.find([',', ' ', '{']).unwrap_or(info.len());
    let lang = info[..split_at].trim().to_string();
    let rest = info[split_at..].replace(['{', '}', '[', ']'], " ");
    let mut opts = CodeOptions::default();
    let mut hl = false;
    for token in rest.split([',', ' ']).filter(|t| !t.is_empty()) {
        if token == "linenos" || token == "linenos=true" {
            opts.line_numbers = true;
            hl = false;
        } else if let Some(v) = token.strip_prefix("hl_lines=") {
            hl = true;
            add_lines(v, &mut opts.highlight_lines);
        } else if hl && token.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            add_lines(token, &mut opts.highlight_lines);
        } else {
            hl = false;
        }
    }
    (lang, opts)
}

fn add_lines(spec: &str, lines: &mut Vec<usize>) {
    for part in spec.split([' ', ',']).filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                if let (Ok(a), Ok(b)) = (a.parse::<usize>(), b.parse::<usize>()) {
                    lines.extend(a..=b.min(a + 10_000));
                }
            }
            None => lines.extend(part.parse::<usize>().ok()),
        }
    }
}

/// Splits text at bare `http(s)://`, `ftp://` and `www.` URLs and e-mail
/// addresses, making each a link (GFM's extended autolinks).
fn autolink<'e>(text: CowStr<'e>, out: &mut Vec<Event<'e>>) {
    let s = text.as_ref();
    let mut last = 0;
    let mut pos = 0;
    while pos < s.len() {
        let rest = &s[pos..];
        let at_boundary = pos == 0
            || s[..pos]
                .ends_with(|c: char| c.is_whitespace() || matches!(c, '(' | '*' | '_' | '~'));
        let found = if at_boundary {
            url_at(rest).or_else(|| email_at(rest))
        } else {
            None
        };
        if let Some((end, href)) = found {
            if last < pos {
                out.push(Event::Text(s[last..pos].to_string().into()));
            }
            out.push(Event::Start(Tag::Link {
                link_type: LinkType::Autolink,
                dest_url: href.into(),
                title: "".into(),
                id: "".into(),
            }));
            out.push(Event::Text(rest[..end].to_string().into()));
            out.push(Event::End(TagEnd::Link));
            pos += end;
            last = pos;
            continue;
        }
        pos += rest.chars().next().map_or(1, char::len_utf8);
    }
    if last == 0 {
        out.push(Event::Text(text));
    } else if last < s.len() {
        out.push(Event::Text(s[last..].to_string().into()));
    }
}

/// A URL at the start of `rest`: its length and its href.
fn url_at(rest: &str) -> Option<(usize, String)> {
    let scheme = ["https://", "http://", "ftp://"]
        .iter()
        .any(|p| rest.starts_with(p));
    let www = rest.starts_with("www.");
    if !(scheme || www) {
        return None;
    }
    let mut end = rest
        .find(|c: char| c.is_whitespace() || c == '<')
        .unwrap_or(rest.len());
    while end > 0
        && rest[..end].ends_with(['.', ',', ':', ';', '!', '?', ')', '"', '\'', '*', '_', '~'])
    {
        let trimmed = &rest[..end];
        if trimmed.ends_with(')') && trimmed.matches('(').count() >= trimmed.matches(')').count() {
            break;
        }
        // `&hl;` at the end looks like an entity reference: not part of the URL.
        if trimmed.ends_with(';') {
            let word = trimmed[..end - 1].trim_end_matches(|c: char| c.is_ascii_alphanumeric());
            if word.len() < end - 1 && word.ends_with('&') {
                end = word.len() - 1;
                continue;
            }
        }
        end -= 1;
    }
    let url = &rest[..end];
    let min = if www {
        5
    } else {
        rest.find("://").map_or(0, |i| i + 4)
    };
    if url.len() < min.max(6) {
        return None;
    }
    let href = if www {
        format!("http://{url}")
    } else {
        url.to_string()
    };
    Some((end, href))
}

/// An e-mail address at the start of `rest` (`name@host.tld`): its length
/// and its `mailto:` href. The domain needs a dot, and may not end in `-`
/// or `_`; a final `.` is left out.
fn email_at(rest: &str) -> Option<(usize, String)> {
    let local = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+')))
        .unwrap_or(rest.len());
    if local == 0 || !rest[local..].starts_with('@') {
        return None;
    }
    let domain_start = local + 1;
    let domain = &rest[domain_start..];
    let mut len = domain
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
        .unwrap_or(domain.len());
    while len > 0 && domain[..len].ends_with('.') {
        len -= 1;
    }
    let domain = &domain[..len];
    let labels_ok = domain.contains('.') && domain.split('.').all(|l| !l.is_empty());
    if !labels_ok || domain.ends_with(['-', '_']) {
        return None;
    }
    let end = domain_start + len;
    Some((end, format!("mailto:{}", &rest[..end])))
}
