//! Diagnostics: every problem rolebook reports, with its location as data.
//!
//! A [`Diagnostic`] says what went wrong, where (file, line, column), shows
//! the offending line and, where it can, what was expected. Stages collect
//! diagnostics into a [`Diagnostics`] list and keep going, so one run reports
//! every independent error; the caller decides the exit status. Rendering
//! for a terminal (with colour) or a pipe (plain) lives here too.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Where in which file a diagnostic points. Lines and columns count from 1;
/// the column counts characters, not bytes, so editors land on the right spot.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl Location {
    pub fn new(path: impl Into<PathBuf>, line: usize, column: usize) -> Self {
        Location {
            path: path.into(),
            line,
            column,
        }
    }

    /// The location of byte `offset` within `text` (clamped to the text).
    pub fn from_offset(path: impl Into<PathBuf>, text: &str, offset: usize) -> Self {
        let (line, column) = line_col(text, offset);
        Location::new(path, line, column)
    }
}

/// 1-based line and character column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    (line, column)
}

/// The line of `text` that starts at byte `start`, without its line ending;
/// none past the end.
fn line_from(text: &str, start: usize) -> Option<&str> {
    let rest = text.get(start..).filter(|r| !r.is_empty())?;
    let line = rest.split('\n').next().unwrap_or(rest);
    Some(line.trim_end_matches('\r'))
}

/// Where each line of a text starts, to locate many offsets in one file
/// without scanning it from the top for each (a page with thousands of
/// errors stays linear). Methods take the text it was made from.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts }
    }

    /// What [`line_col`] gives, in logarithmic time.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let (line, start, offset) = self.line_start(text, offset);
        (line, text[start..offset].chars().count() + 1)
    }

    /// (1-based line, its start, `offset` moved back to a char boundary).
    fn line_start(&self, text: &str, offset: usize) -> (usize, usize, usize) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        (line, self.starts[line - 1], offset)
    }
}

/// Locates diagnostics in one file. The line index is built on the first
/// diagnostic, so files without errors pay nothing and files with
/// thousands pay once.
pub struct Lines<'a> {
    path: &'a Path,
    text: &'a str,
    index: std::cell::OnceCell<LineIndex>,
}

impl<'a> Lines<'a> {
    pub fn new(path: &'a Path, text: &'a str) -> Self {
        Lines {
            path,
            text,
            index: std::cell::OnceCell::new(),
        }
    }

    /// `d` located at byte `offset` of the file.
    pub fn at(&self, d: Diagnostic, offset: usize) -> Diagnostic {
        d.at_index(self.path, self.text, self.index(), offset)
    }

    /// [`line_col`] of `offset` in the file.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.index().line_col(self.text, offset)
    }

    fn index(&self) -> &LineIndex {
        self.index.get_or_init(|| LineIndex::new(self.text))
    }
}

/// The text of 1-based `line` in `text`, without its line ending.
pub fn source_line(text: &str, line: usize) -> Option<&str> {
    text.lines()
        .nth(line.checked_sub(1)?)
        .map(|l| l.trim_end_matches('\r'))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// What part of the site a diagnostic is about; lets tests and tools tell
/// kinds apart without matching message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Io,
    Config,
    FrontMatter,
    Content,
    Link,
    Markdown,
    Shortcode,
    Template,
    Data,
    Output,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub kind: Kind,
    pub message: String,
    pub location: Option<Location>,
    /// The offending line of source, shown under the message with a caret.
    pub source_line: Option<String>,
    /// What was expected, or a "did you mean" suggestion.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(kind: Kind, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            kind,
            message: message.into(),
            location: None,
            source_line: None,
            help: None,
        }
    }

    pub fn warning(kind: Kind, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(kind, message)
        }
    }

    /// Points at a file as a whole (no line known).
    pub fn in_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.location = Some(Location::new(path, 0, 0));
        self
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    /// Points at byte `offset` of `text`, the contents of `path`, and keeps
    /// the offending line to show.
    pub fn at_offset(self, path: impl Into<PathBuf>, text: &str, offset: usize) -> Self {
        let location = Location::from_offset(path, text, offset);
        let start = text.as_bytes()[..offset.min(text.len())]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        Diagnostic {
            source_line: line_from(text, start).map(str::to_owned),
            ..self.at(location)
        }
    }

    /// [`Diagnostic::at_offset`] through `index`, the [`LineIndex`] of `text`.
    pub fn at_index(
        self,
        path: impl Into<PathBuf>,
        text: &str,
        index: &LineIndex,
        offset: usize,
    ) -> Self {
        let (line, start, _) = index.line_start(text, offset);
        let (_, column) = index.line_col(text, offset);
        Diagnostic {
            source_line: line_from(text, start).map(str::to_owned),
            ..self.at(Location::new(path, line, column))
        }
    }

    /// Points at 1-based `line` and `column` of `text`, the contents of `path`.
    pub fn at_line(self, path: impl Into<PathBuf>, text: &str, line: usize, column: usize) -> Self {
        let shown = source_line(text, line).map(str::to_owned);
        Diagnostic {
            source_line: shown,
            ..self.at(Location::new(path, line, column))
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:col: error: message`, the source line with a caret, then help.
    pub fn render(&self, color: bool) -> String {
        let paint = |code: &str, text: &str| {
            if color {
                format!("\x1b[{code}m{text}\x1b[0m")
            } else {
                text.to_owned()
            }
        };
        let mut out = String::new();
        if let Some(loc) = &self.location {
            let path = loc.path.display();
            let place = match (loc.line, loc.column) {
                (0, _) => format!("{path}"),
                (line, 0) => format!("{path}:{line}"),
                (line, col) => format!("{path}:{line}:{col}"),
            };
            let _ = write!(out, "{}: ", paint("1", &place));
        }
        let label = match self.severity {
            Severity::Error => paint("1;31", "error"),
            Severity::Warning => paint("1;33", "warning"),
        };
        let _ = write!(out, "{label}: {}", self.message);
        if let (Some(text), Some(loc)) = (&self.source_line, &self.location) {
            let (text, column) = &window(text, loc.column);
            let loc = &Location {
                column: *column,
                ..loc.clone()
            };
            let number = loc.line.to_string();
            let pad = " ".repeat(number.len());
            let bar = paint("34", "|");
            let _ = write!(
                out,
                "\n{pad} {bar}\n{} {bar} {}",
                paint("34", &number),
                text
            );
            if loc.column > 0 {
                let indent: String = text
                    .chars()
                    .take(loc.column - 1)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                let _ = write!(out, "\n{pad} {bar} {indent}{}", paint("1;31", "^"));
            }
        }
        if let Some(help) = &self.help {
            let _ = write!(out, "\n  = {}: {help}", paint("1", "help"));
        }
        out
    }
}

/// The most characters of a source line shown under a diagnostic.
const SHOWN_CHARS: usize = 120;

/// A long source line cut to [`SHOWN_CHARS`] around `column` (1-based; 0 for
/// none), with `…` where text was left out; the column within what is shown.
fn window(text: &str, column: usize) -> (String, usize) {
    let count = text.chars().count();
    if count <= SHOWN_CHARS {
        return (text.to_owned(), column);
    }
    let start = column
        .saturating_sub(SHOWN_CHARS / 2)
        .min(count - SHOWN_CHARS);
    let mut shown: String = text.chars().skip(start).take(SHOWN_CHARS).collect();
    let mut column = column.saturating_sub(start);
    if start > 0 {
        shown.insert(0, '…');
        column += usize::from(column > 0);
    }
    if start + SHOWN_CHARS < count {
        shown.push('…');
    }
    (shown, column)
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// Every diagnostic of a run, in a stable order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Diagnostics::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.is_error())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| !d.is_error())
    }

    /// Sorts by file, line and column so output is the same on every run,
    /// whatever order parallel stages finished in; drops exact repeats.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (&a.location, a.severity, &a.message).cmp(&(&b.location, b.severity, &b.message))
        });
        self.items.dedup();
    }

    /// Every warning made an error (`--strict`).
    pub fn strict(mut self) -> Diagnostics {
        for d in &mut self.items {
            d.severity = Severity::Error;
        }
        self
    }

    /// Ok when there is no error (warnings are kept in `self`).
    pub fn into_result(self) -> Result<Diagnostics, Diagnostics> {
        if self.has_errors() {
            Err(self)
        } else {
            Ok(self)
        }
    }

    pub fn render(&self, color: bool) -> String {
        let mut out = String::new();
        for d in &self.items {
            out.push_str(&d.render(color));
            out.push_str("\n\n");
        }
        out
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics { items: vec![d] }
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<T: IntoIterator<Item = Diagnostic>>(iter: T) -> Self {
        Diagnostics {
            items: iter.into_iter().collect(),
        }
    }
}

/// A diagnostic for an I/O failure on `path`.
pub fn io_error(path: &Path, err: &std::io::Error) -> Diagnostic {
    Diagnostic::error(Kind::Io, format!("cannot read or write this file: {err}")).in_file(path)
}

/// The closest of `candidates` to `word`, for "did you mean" hints.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let close = candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c);
    // A shortened key (`smart_punct`) is a typo too.
    close.or_else(|| {
        (word.chars().count() >= 4)
            .then(|| candidates.iter().copied().find(|c| c.starts_with(word)))
            .flatten()
    })
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(row[j]).min(row[j + 1])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let text = "a\nüb=1\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 2), (2, 1));
        assert_eq!(line_col(text, 4), (2, 2));
        assert_eq!(line_col(text, 999), (3, 1));
    }

    #[test]
    fn renders_caret_under_column() {
        let d = Diagnostic::error(Kind::Config, "bad value")
            .at_line("site.toml", "x = 1\ntitel = 2\n", 2, 1)
            .with_help("did you mean `title`?");
        let text = d.render(false);
        assert!(
            text.starts_with("site.toml:2:1: error: bad value\n"),
            "{text}"
        );
        assert!(
            text.contains("2 | titel = 2\n  |  ^") || text.contains("2 | titel = 2\n  | ^"),
            "{text}"
        );
        assert!(text.ends_with("= help: did you mean `title`?"), "{text}");
    }

    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let line = format!("{}X{}", "a".repeat(5000), "b".repeat(5000));
        let d = Diagnostic::error(Kind::Data, "here").at_line("d.json", &line, 1, 5001);
        let text = d.render(false);
        let shown = format!("…{}X{}…", "a".repeat(59), "b".repeat(60));
        let caret = format!("{}^", " ".repeat(60));
        assert_eq!(
            text,
            format!("d.json:1:5001: error: here\n  |\n1 | {shown}\n  | {caret}")
        );
        let (start, column) = window(&line, 3);
        assert_eq!((start.chars().count(), column), (SHOWN_CHARS + 1, 3));
    }

    #[test]
    fn the_line_index_agrees_with_scanning() {
        for text in ["", "a", "a\n", "a\r\nüb\n\nc", "\n\n", "x\ny"] {
            let index = LineIndex::new(text);
            for offset in 0..=text.len() + 1 {
                assert_eq!(
                    index.line_col(text, offset),
                    line_col(text, offset),
                    "{text:?} {offset}"
                );
                let one = Diagnostic::error(Kind::Data, "m").at_offset("f", text, offset);
                let many = Diagnostic::error(Kind::Data, "m").at_index("f", text, &index, offset);
                assert_eq!(one, many, "{text:?} {offset}");
                let line = line_col(text, offset).0;
                assert_eq!(
                    one.source_line.as_deref(),
                    source_line(text, line),
                    "{text:?} {offset}"
                );
            }
        }
    }

    #[test]
    fn suggests_close_words_only() {
        assert_eq!(did_you_mean("titel", ["title", "weight"]), Some("title"));
        assert_eq!(did_you_mean("zzzzzz", ["title", "weight"]), None);
        assert_eq!(
            did_you_mean("smart_punct", ["line_numbers", "smart_punctuation"]),
            Some("smart_punctuation")
        );
        assert_eq!(did_you_mean("sma", ["smart_punctuation"]), None);
    }
}
