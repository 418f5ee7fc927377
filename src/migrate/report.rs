//! What an import did, for the person who ran it: pages written, what was
//! mapped to what, what could not be (file:line and why), links that were
//! already broken in the source, and how the new site checks.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::Source;
use crate::error::Diagnostic;

/// A place in the source and what happened there.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    pub file: PathBuf,
    /// 1-based; 0 when the note is about the whole file.
    pub line: usize,
    pub message: String,
}

/// `rolebook check` on the imported site.
#[derive(Debug, Default)]
pub struct Checked {
    pub errors: Vec<Diagnostic>,
    pub warnings: usize,
}

#[derive(Debug)]
pub struct Report {
    pub source: Source,
    pub src: PathBuf,
    pub out: PathBuf,
    pub pages: usize,
    pub files: usize,
    /// What was mapped, in words, with how often.
    pub mapped: BTreeMap<String, usize>,
    /// Front matter keys kept in `extra`, with how often.
    pub extra_keys: BTreeMap<String, usize>,
    /// What could not be mapped and was left as written or left out.
    pub notes: Vec<Note>,
    /// Links whose target does not exist in the source either.
    pub broken: Vec<Note>,
    pub check_result: Option<Checked>,
}

impl Report {
    pub fn new(source: Source, src: &Path, out: &Path) -> Report {
        Report {
            source,
            src: src.to_path_buf(),
            out: out.to_path_buf(),
            pages: 0,
            files: 0,
            mapped: BTreeMap::new(),
            extra_keys: BTreeMap::new(),
            notes: Vec::new(),
            broken: Vec::new(),
            check_result: None,
        }
    }

    pub fn mapped(&mut self, what: &str) {
        *self.mapped.entry(what.to_string()).or_default() += 1;
    }

    pub fn extra_key(&mut self, key: &str) {
        *self.extra_keys.entry(key.to_string()).or_default() += 1;
    }

    pub fn note(&mut self, file: &Path, line: usize, message: impl Into<String>) {
        self.notes.push(Note {
            file: file.to_path_buf(),
            line,
            message: message.into(),
        });
    }

    pub fn broken_link(&mut self, file: &Path, line: usize, message: impl Into<String>) {
        self.broken.push(Note {
            file: file.to_path_buf(),
            line,
            message: message.into(),
        });
    }

    /// Errors of the check that are not links already broken in the source.
    pub fn new_errors(&self) -> Vec<&Diagnostic> {
        let Some(checked) = &self.check_result else {
            return Vec::new();
        };
        checked
            .errors
            .iter()
            .filter(|d| {
                !(d.kind == crate::error::Kind::Link
                    && !self.broken.is_empty()
                    && d.message.starts_with("broken link"))
            })
            .collect()
    }

    /// The report as the terminal shows it.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let w = &mut s;
        let _ = writeln!(
            w,
            "Imported the {} in {} into {}: {} pages, {} other files.",
            self.source.label(),
            self.src.display(),
            self.out.display(),
            self.pages,
            self.files
        );
        if !self.mapped.is_empty() {
            let _ = writeln!(w, "\nMapped:");
            for (what, n) in &self.mapped {
                let _ = writeln!(w, "  {what}: {n}");
            }
        }
        if !self.extra_keys.is_empty() {
            let keys: Vec<String> = self
                .extra_keys
                .iter()
                .map(|(k, n)| format!("{k} ({n})"))
                .collect();
            let _ = writeln!(
                w,
                "\nFront matter keys rolebook has no field for, kept under [extra] (templates read them as page.extra.KEY):\n  {}",
                keys.join(", ")
            );
        }
        let mut notes = self.notes.clone();
        notes.sort();
        if !notes.is_empty() {
            let _ = writeln!(
                w,
                "\nNot mapped, left as written or left out ({}):",
                notes.len()
            );
            for n in &notes {
                let _ = writeln!(w, "  {}", place(n));
            }
        }
        let mut broken = self.broken.clone();
        broken.sort();
        if !broken.is_empty() {
            let _ = writeln!(
                w,
                "\nLinks already broken in the source ({}), kept as written:",
                broken.len()
            );
            for n in &broken {
                let _ = writeln!(w, "  {}", place(n));
            }
            let _ = writeln!(
                w,
                "rolebook.toml sets [links] broken = \"warn\", so they are warnings while you fix them; remove it then, and broken links fail the build again."
            );
        }
        if let Some(checked) = &self.check_result {
            let new = self.new_errors();
            let plural = |n: usize| if n == 1 { "" } else { "s" };
            let errors = match checked.errors.len() {
                0 => "no errors".to_string(),
                n => format!(
                    "{n} error{} ({} of them links already broken in the source)",
                    plural(n),
                    n - new.len()
                ),
            };
            let _ = writeln!(
                w,
                "\nrolebook check on the new site: {errors}, {} warning{}.",
                checked.warnings,
                plural(checked.warnings),
            );
            for d in new {
                let _ = writeln!(w, "  {}", d.render(false).lines().next().unwrap_or(""));
            }
        }
        let _ = writeln!(
            w,
            "\nNext: cd {} && rolebook check   (then `rolebook serve` to read it)",
            self.out.display()
        );
        s
    }
}

fn place(n: &Note) -> String {
    let file = crate::content::rel_string(&n.file);
    if n.line > 0 {
        format!("{file}:{}: {}", n.line, n.message)
    } else {
        format!("{file}: {}", n.message)
    }
}
