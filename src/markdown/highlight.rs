//! Code highlighting with syntect, by CSS class.
//!
//! The syntax set (syntect's plus two-face's extra syntaxes: TOML,
//! TypeScript, Dockerfile...) is loaded once per process and shared by every
//! thread and every rebuild. Colours live in one generated stylesheet with a
//! light and a dark theme, so pages carry classes only.

use std::sync::OnceLock;

use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, css_for_theme_with_class_style, line_tokens_to_classed_spans};
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(two_face::syntax::extra_newlines)
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
        "ts" | "tsx" => "typescript",
        "js" | "jsx" | "mjs" => "javascript",
        "yml" => "yaml",
        "jsonc" | "json5" => "json",
        "py" => "python",
        "rs" => "rust",
        "md" => "markdown",
        "golang" => "go",
        "dockerfile" => "Dockerfile",
        other => other,
    }
}

/// Languages shown plain on purpose: no warning for them.
pub fn is_plain(lang: &str) -> bool {
    matches!(
        lang,
        "" | "text" | "txt" | "plain" | "plaintext" | "output" | "none"
    )
}

fn find_syntax(lang: &str) -> Option<&'static SyntaxReference> {
    let set = syntaxes();
    let lang = alias(lang);
    set.find_syntax_by_token(lang)
        .or_else(|| set.find_syntax_by_name(lang))
        .or_else(|| {
            let lower = lang.to_ascii_lowercase();
            set.syntaxes()
                .iter()
                .find(|s| s.name.to_ascii_lowercase() == lower)
        })
}

/// True when `lang` names a syntax rolebook can highlight.
pub fn knows(lang: &str) -> bool {
    find_syntax(lang).is_some()
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
    let syntax = if enabled { find_syntax(lang) } else { None };
    let Some(syntax) = syntax else {
        return LinesWithEndings::from(code)
            .map(crate::text::escape_html)
            .collect();
    };
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut out = Vec::new();
    for line in LinesWithEndings::from(code) {
        if let Some(html) = recall(line, &mut state, &mut stack) {
            out.push(html);
            continue;
        }
        let before = (state.clone(), stack.clone());
        let html = highlight_line(line, &mut state, &mut stack);
        remember(line, before, &html, &state, &stack);
        out.push(html);
    }
    out
}

/// One line as HTML; advances the parser and the stack of open scopes.
fn highlight_line(line: &str, state: &mut ParseState, stack: &mut ScopeStack) -> String {
    let mut html = String::new();
    for scope in stack.as_slice() {
        open_span(&mut html, *scope);
    }
    let ops = state.parse_line(line, syntaxes()).unwrap_or_default();
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
    state: ParseState,
    stack: ScopeStack,
    html: String,
    state_after: ParseState,
    stack_after: ScopeStack,
}

/// Lines remembered per thread. Code repeats a lot line by line (braces,
/// imports, keys of a config file), and a line's HTML depends only on its
/// text and the parser state before it, so a line met again in the same
/// state is not parsed again: the same bytes come out either way.
const MEMO_LINES: usize = 100_000;
/// States remembered per line text (`}` is met in many).
const MEMO_STATES: usize = 8;

thread_local! {
    static MEMO: std::cell::RefCell<(usize, std::collections::HashMap<String, Vec<Memo>>)> =
        std::cell::RefCell::new((0, std::collections::HashMap::new()));
}

fn recall(line: &str, state: &mut ParseState, stack: &mut ScopeStack) -> Option<String> {
    MEMO.with(|memo| {
        let memo = memo.borrow();
        let hit = memo
            .1
            .get(line)?
            .iter()
            .find(|m| m.state == *state && m.stack == *stack)?;
        *state = hit.state_after.clone();
        *stack = hit.stack_after.clone();
        Some(hit.html.clone())
    })
}

fn remember(
    line: &str,
    (state, stack): (ParseState, ScopeStack),
    html: &str,
    state_after: &ParseState,
    stack_after: &ScopeStack,
) {
    MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        if memo.0 >= MEMO_LINES {
            memo.0 = 0;
            memo.1.clear();
        }
        let entries = memo.1.entry(line.to_string()).or_default();
        if entries.len() >= MEMO_STATES {
            return;
        }
        entries.push(Memo {
            state,
            stack,
            html: html.to_string(),
            state_after: state_after.clone(),
            stack_after: stack_after.clone(),
        });
        memo.0 += 1;
    });
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
