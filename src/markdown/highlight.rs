//! Code highlighting with syntect, by CSS class.
//!
//! The syntax set (syntect's plus two-face's extra syntaxes: TOML,
//! TypeScript, Dockerfile...) is loaded once per process and shared by every
//! thread and every rebuild. Colours live in one generated stylesheet with a
//! light and a dark theme, so pages carry classes only.
//!
//! Syntaxes neither has that rolebook writes itself (Gherkin, in
//! `syntaxes/`) form a second, small set, built from their YAML on first
//! use: adding them to two-face's set would relink its 220 syntaxes, about
//! 0.3 s at every start. Mermaid blocks are not highlighted but handed to
//! the theme to draw ([`render_diagram`]); a few more languages are known
//! and shown plain on purpose ([`PLAIN_LANGUAGES`]).

use std::sync::OnceLock;

use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, css_for_theme_with_class_style, line_tokens_to_classed_spans};
use syntect::parsing::{
    ParseState, Scope, ScopeStack, SyntaxDefinition, SyntaxReference, SyntaxSet, SyntaxSetBuilder,
};
use syntect::util::LinesWithEndings;

const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(two_face::syntax::extra_newlines)
}

/// Syntaxes written for rolebook, as `.sublime-syntax` text.
const OWN_SYNTAXES: &[(&str, &str)] = &[(
    "gherkin.sublime-syntax",
    include_str!("syntaxes/gherkin.sublime-syntax"),
)];

/// rolebook's own syntaxes: a set of their own, built on first use.
fn own_syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(|| {
        let mut builder = SyntaxSetBuilder::new();
        for (_, text) in OWN_SYNTAXES {
            // A syntax that does not load is caught by the tests below;
            // its blocks are then shown plain.
            if let Ok(syntax) = SyntaxDefinition::load_from_str(text, true, None) {
                builder.add(syntax);
            }
        }
        builder.build()
    })
}

fn themes() -> &'static ThemeSet {
    static SET: OnceLock<ThemeSet> = OnceLock::new();
    SET.get_or_init(|| {
        let mut set = ThemeSet::load_defaults();
        let extra: ThemeSet = (&two_face::theme::extra()).into();
        set.themes.extend(extra.themes);
        set
    })
}

/// Names that are not file extensions but that writers use.
fn alias(lang: &str) -> &str {
    match lang {
        "shell" | "console" | "zsh" | "sh" => "bash",
        "ts" => "typescript",
        "js" | "mjs" | "cjs" => "javascript",
        "yml" => "yaml",
        "jsonc" | "json5" => "json",
        "py" => "python",
        "rs" => "rust",
        "md" => "markdown",
        "golang" => "go",
        "dockerfile" => "Dockerfile",
        "pwsh" | "ps" => "PowerShell",
        "csharp" => "C#",
        "fsharp" => "F#",
        "apache" | "apacheconf" => "htaccess",
        "cron" => "crontab",
        "objc" | "objective-c" => "Objective-C",
        "objcpp" | "objective-c++" => "Objective-C++",
        "docker" => "Dockerfile",
        "cucumber" => "gherkin",
        other => other,
    }
}

/// Common languages no syntax here covers, shown plain on purpose and
/// without a warning: only a language nobody has heard of is worth one.
/// Documented in the README ("Code").
pub const PLAIN_LANGUAGES: &[&str] = &[
    "handlebars",
    "hbs",
    "mustache",
    "liquid",
    "plantuml",
    "puml",
    "vb",
    "vbnet",
    "mdx",
    "astro",
    "prisma",
    "razor",
    "cshtml",
    "systemd",
    "sed",
    "wasm",
    "wat",
    "abnf",
    "ebnf",
    "bnf",
];

/// Languages shown plain on purpose: no warning for them.
pub fn is_plain(lang: &str) -> bool {
    matches!(
        lang,
        "" | "text" | "txt" | "plain" | "plaintext" | "output" | "none"
    ) || PLAIN_LANGUAGES.contains(&lang.to_ascii_lowercase().as_str())
}

/// True for a block the theme draws as a diagram (```` ```mermaid ````).
pub fn is_diagram(lang: &str) -> bool {
    lang.eq_ignore_ascii_case("mermaid")
}

/// The syntax for `lang` and the set it belongs to.
fn find_syntax(lang: &str) -> Option<(&'static SyntaxSet, &'static SyntaxReference)> {
    let lang = alias(lang);
    let find = |set: &'static SyntaxSet| {
        set.find_syntax_by_token(lang)
            .or_else(|| set.find_syntax_by_name(lang))
            .or_else(|| {
                let lower = lang.to_ascii_lowercase();
                set.syntaxes()
                    .iter()
                    .find(|s| s.name.to_ascii_lowercase() == lower)
            })
            .map(|syntax| (set, syntax))
    };
    find(syntaxes()).or_else(|| find(own_syntaxes()))
}

/// True when `lang` names a syntax rolebook can highlight, a diagram, or
/// a language shown plain on purpose: no warning for any of them.
pub fn knows(lang: &str) -> bool {
    is_diagram(lang) || is_plain(lang) || find_syntax(lang).is_some()
}

/// How a code block asked to be shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeOptions {
    pub line_numbers: bool,
    /// 1-based line numbers to mark.
    pub highlight_lines: Vec<usize>,
}

/// The lines of `code` as HTML, one string a line, each closing every span
/// it opens, so lines can be wrapped, numbered and marked. Unknown languages
/// come back escaped and unstyled.
pub fn highlight_lines(lang: &str, code: &str, enabled: bool) -> Vec<String> {
    let found = if enabled && !is_plain(lang) {
        find_syntax(lang)
    } else {
        None
    };
    let Some((set, syntax)) = found else {
        return LinesWithEndings::from(code)
            .map(crate::text::escape_html)
            .collect();
    };
    // Parser states of two sets may compare equal: remembered lines are
    // kept apart by set.
    let own = std::ptr::eq(set, own_syntaxes());
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut out = Vec::new();
    for line in LinesWithEndings::from(code) {
        if let Some(html) = recall(own, line, &mut state, &mut stack) {
            out.push(html);
            continue;
        }
        let before = (state.clone(), stack.clone());
        let html = highlight_line(set, line, &mut state, &mut stack);
        remember(own, line, before, &html, &state, &stack);
        out.push(html);
    }
    out
}

/// One line as HTML; advances the parser and the stack of open scopes.
fn highlight_line(
    set: &SyntaxSet,
    line: &str,
    state: &mut ParseState,
    stack: &mut ScopeStack,
) -> String {
    let mut html = String::new();
    for scope in stack.as_slice() {
        open_span(&mut html, *scope);
    }
    let ops = state.parse_line(line, set).unwrap_or_default();
    match line_tokens_to_classed_spans(line, &ops, STYLE, stack) {
        Ok((spans, _)) => html.push_str(&spans),
        Err(_) => return crate::text::escape_html(line),
    }
    // The newline sits inside the spans still open; move it after them
    // so a line can be wrapped in an element of its own.
    let newline = html.rfind('\n').map(|i| html.remove(i)).is_some();
    for _ in 0..stack.len() {
        html.push_str("</span>");
    }
    if newline {
        html.push('\n');
    }
    html
}

/// A highlighted line and the parser states around it.
struct Memo {
    own: bool,
    state: ParseState,
    stack: ScopeStack,
    html: String,
    state_after: ParseState,
    stack_after: ScopeStack,
}

/// Lines remembered per thread. Code repeats a lot line by line (braces,
/// imports, keys of a config file), and a line's HTML depends only on its
/// text and the parser state before it, so a line met again in the same
/// state is not parsed again: the same bytes come out either way. Each
/// remembered line holds parser states of about a kilobyte, hence a bound.
const MEMO_LINES: usize = 10_000;
/// States remembered per line text (`}` is met in many).
const MEMO_STATES: usize = 8;

thread_local! {
    static MEMO: std::cell::RefCell<Memos> = std::cell::RefCell::new(Memos::default());
}

/// A thread's remembered lines, in two generations of at most half the
/// bound each. Lines are remembered in the young one; once it is full, it
/// becomes the old one and the old one is forgotten. A line recalled from
/// the old generation moves to the young one: lines met again and again
/// stay, however much code passes.
#[derive(Default)]
struct Memos {
    young: std::collections::HashMap<String, Vec<Memo>>,
    old: std::collections::HashMap<String, Vec<Memo>>,
    /// Memos in `young`.
    count: usize,
}

impl Memos {
    fn recall(
        &mut self,
        own: bool,
        line: &str,
        state: &ParseState,
        stack: &ScopeStack,
    ) -> Option<&Memo> {
        if !self.young.contains_key(line) {
            let moved = self.old.remove_entry(line)?;
            self.count += moved.1.len();
            self.young.insert(moved.0, moved.1);
        }
        self.young
            .get(line)?
            .iter()
            .find(|m| m.own == own && m.state == *state && m.stack == *stack)
    }

    fn remember(&mut self, line: &str, memo: Memo, bound: usize) {
        if self.count >= bound / 2 {
            self.old = std::mem::take(&mut self.young);
            self.count = 0;
        }
        let entries = self.young.entry(line.to_string()).or_default();
        if entries.len() < MEMO_STATES {
            entries.push(memo);
            self.count += 1;
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.young
            .values()
            .chain(self.old.values())
            .map(Vec::len)
            .sum()
    }
}

/// Forgets the lines this thread remembers: a build calls it on every
/// worker once its Markdown is rendered (serve keeps them for the next
/// edit).
pub fn forget() {
    MEMO.with(|memo| drop(std::mem::take(&mut *memo.borrow_mut())));
}

fn recall(own: bool, line: &str, state: &mut ParseState, stack: &mut ScopeStack) -> Option<String> {
    MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        let hit = memo.recall(own, line, state, stack)?;
        *state = hit.state_after.clone();
        *stack = hit.stack_after.clone();
        Some(hit.html.clone())
    })
}

fn remember(
    own: bool,
    line: &str,
    (state, stack): (ParseState, ScopeStack),
    html: &str,
    state_after: &ParseState,
    stack_after: &ScopeStack,
) {
    let memo = Memo {
        own,
        state,
        stack,
        html: html.to_string(),
        state_after: state_after.clone(),
        stack_after: stack_after.clone(),
    };
    MEMO.with(|memos| memos.borrow_mut().remember(line, memo, MEMO_LINES));
}

fn open_span(html: &mut String, scope: Scope) {
    html.push_str("<span class=\"");
    for (i, atom) in scope.build_string().split('.').enumerate() {
        if i > 0 {
            html.push(' ');
        }
        html.push_str("hl-");
        html.push_str(atom);
    }
    html.push_str("\">");
}

/// A whole code block: `<pre class="code" data-lang>` with optional numbered
/// and marked lines.
pub fn render_block(lang: &str, code: &str, opts: &CodeOptions, enabled: bool) -> String {
    if is_diagram(lang) {
        return render_diagram(lang, code);
    }
    let lines = highlight_lines(lang, code, enabled);
    let mut html = String::with_capacity(code.len() * 2 + 64);
    html.push_str("<pre class=\"code");
    if opts.line_numbers {
        html.push_str(" numbered");
    }
    html.push('"');
    if !lang.is_empty() {
        html.push_str(" data-lang=\"");
        html.push_str(&crate::text::escape_html(lang));
        html.push('"');
    }
    html.push_str("><code");
    if !lang.is_empty() {
        html.push_str(" class=\"language-");
        html.push_str(&crate::text::escape_html(lang));
        html.push('"');
    }
    html.push('>');
    let plain = !opts.line_numbers && opts.highlight_lines.is_empty();
    for (i, line) in lines.iter().enumerate() {
        if plain {
            html.push_str(line);
            continue;
        }
        let n = i + 1;
        let marked = opts.highlight_lines.contains(&n);
        html.push_str(if marked {
            "<span class=\"line marked\">"
        } else {
            "<span class=\"line\">"
        });
        if opts.line_numbers {
            html.push_str(&format!(
                "<span class=\"ln\" aria-hidden=\"true\">{n}</span>"
            ));
        }
        let (text, newline) = match line.strip_suffix('\n') {
            Some(t) => (t, "\n"),
            None => (line.as_str(), ""),
        };
        html.push_str(text);
        html.push_str("</span>");
        html.push_str(newline);
    }
    html.push_str("</code></pre>\n");
    html
}

/// A diagram block: its source as a plain code block inside a marked
/// container. The source reads without JavaScript, in print and in the
/// `plain` theme; the handbook theme draws the diagram beside it on pages
/// whose content holds [`DIAGRAM_MARKER`].
pub fn render_diagram(lang: &str, code: &str) -> String {
    let lang = crate::text::escape_html(&lang.to_ascii_lowercase());
    format!(
        "<div class=\"diagram\" {DIAGRAM_MARKER}>\n<pre class=\"code diagram-source\" data-lang=\"{lang}\"><code class=\"language-{lang}\">{}</code></pre>\n</div>\n",
        crate::text::escape_html(code)
    )
}

/// The attribute that marks a diagram; themes look for it in a page's
/// content to load the drawing script only where it is needed. Code that
/// shows this text is escaped (`&quot;`), so it never matches.
pub const DIAGRAM_MARKER: &str = "data-diagram=\"mermaid\"";

/// The stylesheet for both themes: light by default, dark when the page says
/// `data-theme="dark"` or the system prefers dark and the page does not
/// force light.
pub fn stylesheet(light: &str, dark: &str) -> Result<String, String> {
    let theme = |name: &str| {
        themes().themes.get(name).ok_or_else(|| {
            let mut names: Vec<&str> = themes().themes.keys().map(String::as_str).collect();
            names.sort();
            format!(
                "unknown highlight theme `{name}`; available: {}",
                names.join(", ")
            )
        })
    };
    let light_css =
        css_for_theme_with_class_style(theme(light)?, STYLE).map_err(|e| e.to_string())?;
    let dark_css =
        css_for_theme_with_class_style(theme(dark)?, STYLE).map_err(|e| e.to_string())?;
    let mut css = String::from(
        "/* Code colours, generated from the syntect themes named in rolebook.toml. */\n",
    );
    css.push_str(&scope_rules(&light_css, ""));
    // Dark code only on screens: printed code stays light.
    css.push_str("@media screen {\n");
    css.push_str(&scope_rules(&dark_css, "html[data-theme=\"dark\"] "));
    css.push_str("}\n@media screen and (prefers-color-scheme: dark) {\n");
    css.push_str(&scope_rules(&dark_css, "html:not([data-theme=\"light\"]) "));
    css.push_str("}\n");
    Ok(css)
}

/// Prefixes every selector of a flat stylesheet; `.hl-code` (the theme's
/// background) is applied to `pre.code` too.
fn scope_rules(css: &str, prefix: &str) -> String {
    let mut out = String::new();
    let mut rest = css;
    while let Some(open) = rest.find('{') {
        let selectors = strip_comments(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let body = &rest[open..open + close + 1];
        let scoped: Vec<String> = selectors
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                if s == ".hl-code" {
                    format!("{prefix}pre.code")
                } else {
                    format!("{prefix}{s}")
                }
            })
            .collect();
        if !scoped.is_empty() {
            out.push_str(&scoped.join(", "));
            out.push(' ');
            out.push_str(body);
            out.push('\n');
        }
        rest = &rest[open + close + 1..];
    }
    out
}

fn strip_comments(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        match rest[start..].find("*/") {
            Some(end) => rest = &rest[start + end + 2..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {

    #[test]
    fn remembered_lines_depend_on_the_state_before_them() {
        let plain = "let a = 1;\n";
        let in_comment = "/*\nlet a = 1;\n*/\n";
        let first = highlight_lines("rust", plain, true);
        let second = highlight_lines("rust", in_comment, true);
        let third = highlight_lines("rust", plain, true);
        assert_eq!(first, third);
        assert_ne!(first[0], second[1], "inside a comment it is a comment");
        assert!(second[1].contains("hl-comment"), "{}", second[1]);
        // The same bytes as a thread that remembers nothing.
        let fresh = std::thread::spawn(move || highlight_lines("rust", in_comment, true))
            .join()
            .unwrap();
        assert_eq!(second, fresh);
    }

    use super::*;

    /// A memo of `line` as if it were met in the initial state.
    fn memo_of(line: &str) -> Memo {
        let syntax = own_syntaxes().syntaxes().first().expect("a syntax");
        let state = ParseState::new(syntax);
        Memo {
            own: true,
            state: state.clone(),
            stack: ScopeStack::new(),
            html: line.to_string(),
            state_after: state,
            stack_after: ScopeStack::new(),
        }
    }

    #[test]
    fn lines_met_again_and_again_stay_remembered_within_the_bound() {
        let mut memos = Memos::default();
        let (state, stack) = (memo_of("").state, ScopeStack::new());
        memos.remember("}", memo_of("}"), 10);
        for n in 0..100 {
            let line = format!("line {n}");
            memos.remember(&line, memo_of(&line), 10);
            assert!(memos.len() <= 10, "{n}: {}", memos.len());
            // `}` comes back every few lines: it is never forgotten.
            if n % 3 == 0 {
                let hit = memos.recall(true, "}", &state, &stack);
                assert_eq!(hit.map(|m| m.html.as_str()), Some("}"), "{n}");
            }
        }
        // A line met once is forgotten after two generations.
        assert!(memos.recall(true, "line 0", &state, &stack).is_none());
        assert!(memos.recall(true, "line 99", &state, &stack).is_some());
        // Another state before the line is another memo.
        assert!(memos.recall(false, "line 99", &state, &stack).is_none());
    }

    #[test]
    fn everyday_languages_are_known() {
        for lang in [
            "toml",
            "yaml",
            "json",
            "rust",
            "bash",
            "shell",
            "sql",
            "typescript",
            "ts",
            "python",
            "js",
            "html",
            "css",
            "go",
            "diff",
            "markdown",
        ] {
            assert!(knows(lang), "{lang}");
        }
        assert!(!knows("klingon"));
    }

    #[test]
    fn own_syntaxes_load() {
        let names: Vec<&str> = own_syntaxes()
            .syntaxes()
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(names.len(), OWN_SYNTAXES.len(), "{names:?}");
        for (file, text) in OWN_SYNTAXES {
            SyntaxDefinition::load_from_str(text, true, None)
                .unwrap_or_else(|e| panic!("{file}: {e}"));
        }
    }

    #[test]
    fn gherkin_is_highlighted() {
        let code = "@checkout @smoke\nFeature: Save a card\n  # saved cards\n  Scenario Outline: Pay with <card>\n    Given a shopper with \"<card>\"\n    When they pay 12.50\n    Then the card is saved\n    Examples:\n      | card |\n      | visa |\n";
        for lang in ["gherkin", "feature", "cucumber", "Gherkin"] {
            assert!(knows(lang), "{lang}");
            let lines = highlight_lines(lang, code, true);
            assert!(
                lines[0].contains(
                    "<span class=\"hl-entity hl-name hl-tag hl-gherkin\">@checkout</span>"
                ),
                "{}",
                lines[0]
            );
            assert!(
                lines[1].contains(
                    "<span class=\"hl-keyword hl-other hl-section hl-gherkin\">Feature</span>"
                ),
                "{}",
                lines[1]
            );
            assert!(lines[2].contains("hl-comment"), "{}", lines[2]);
            assert!(lines[3].contains("<span class=\"hl-variable hl-parameter hl-placeholder hl-gherkin\">&lt;card&gt;</span>"), "{}", lines[3]);
            assert!(
                lines[4].contains(
                    "<span class=\"hl-keyword hl-control hl-step hl-gherkin\">Given</span>"
                ),
                "{}",
                lines[4]
            );
            assert!(lines[4].contains("hl-string"), "{}", lines[4]);
            assert!(
                lines[5].contains("<span class=\"hl-constant hl-numeric hl-gherkin\">12.50</span>"),
                "{}",
                lines[5]
            );
            assert!(lines[8].contains("hl-table"), "{}", lines[8]);
        }
        // Remembered Gherkin lines do not leak into a syntax of the other set.
        let again = highlight_lines("gherkin", code, true);
        assert_eq!(again, highlight_lines("feature", code, true));
        let yaml = highlight_lines("yaml", "Feature: Save a card\n", true);
        assert!(!yaml[0].contains("gherkin"), "{}", yaml[0]);
    }

    #[test]
    fn plain_fallbacks_are_known_and_plain() {
        for lang in ["handlebars", "hbs", "HBS", "mustache", "plantuml", "liquid"] {
            assert!(knows(lang), "{lang}");
            assert!(is_plain(lang), "{lang}");
            assert_eq!(
                highlight_lines(lang, "{{#if x}}<b>{{x}}</b>{{/if}}\n", true),
                ["{{#if x}}&lt;b&gt;{{x}}&lt;/b&gt;{{/if}}\n"]
            );
        }
        // Every name on the list is one no syntax covers: a syntax added
        // later would otherwise be hidden by it.
        for lang in PLAIN_LANGUAGES {
            assert!(find_syntax(lang).is_none(), "{lang} has a syntax now");
        }
        for lang in [
            "dockerfile",
            "graphql",
            "hcl",
            "terraform",
            "vue",
            "svelte",
            "jsx",
            "tsx",
            "kotlin",
            "swift",
            "dart",
            "proto",
            "nginx",
            "ini",
            "csv",
            "diff",
            "makefile",
            "powershell",
            "pwsh",
            "http",
            "dotenv",
            "csharp",
            "objc",
        ] {
            assert!(find_syntax(lang).is_some(), "{lang}");
        }
        assert!(!knows("klingon-script"));
    }

    #[test]
    fn mermaid_is_a_diagram_with_its_source() {
        assert!(knows("mermaid"));
        let html = render_block(
            "mermaid",
            "flowchart LR\n  A[\"Idea\"] --> B{Ready?}\n",
            &CodeOptions::default(),
            true,
        );
        assert_eq!(
            html,
            "<div class=\"diagram\" data-diagram=\"mermaid\">\n<pre class=\"code diagram-source\" data-lang=\"mermaid\"><code class=\"language-mermaid\">flowchart LR\n  A[&quot;Idea&quot;] --&gt; B{Ready?}\n</code></pre>\n</div>\n"
        );
        // The marker written inside other code is escaped and never matches.
        let shown = render_block(
            "html",
            "<div data-diagram=\"mermaid\">\n",
            &CodeOptions::default(),
            true,
        );
        assert!(!shown.contains(DIAGRAM_MARKER), "{shown}");
    }

    #[test]
    fn lines_close_their_spans() {
        let lines = highlight_lines("rust", "/* a\n b */ fn x() {}\n", true);
        assert_eq!(lines.len(), 2);
        for line in &lines {
            assert_eq!(
                line.matches("<span").count(),
                line.matches("</span>").count(),
                "{line}"
            );
        }
        assert!(lines[0].contains("hl-comment"));
    }

    #[test]
    fn numbered_and_marked_lines() {
        let opts = CodeOptions {
            line_numbers: true,
            highlight_lines: vec![2],
        };
        let html = render_block("toml", "a = 1\nb = 2\n", &opts, true);
        assert!(html.contains("<span class=\"ln\" aria-hidden=\"true\">2</span>"));
        assert_eq!(html.matches("line marked").count(), 1);
        assert!(
            html.contains("</span>\n<span class=\"line"),
            "newlines between lines: {html}"
        );
    }

    #[test]
    fn stylesheet_has_both_themes() {
        let css = stylesheet("InspiredGitHub", "base16-ocean.dark").unwrap();
        assert!(css.contains("html[data-theme=\"dark\"] pre.code"));
        assert!(css.contains("@media screen and (prefers-color-scheme: dark)"));
        assert!(
            stylesheet("nope", "base16-ocean.dark")
                .unwrap_err()
                .contains("available")
        );
    }
}
