//! Property tests: the parsers and the path checks, fed generated input.
//!
//! Each property runs twice: briefly in every `cargo test` ([`SHORT`] cases
//! each, a few seconds in all), and at length in an ignored test
//! ([`LONG`] cases each):
//!
//! ```text
//! cargo test --release --lib properties -- --ignored
//! ```
//!
//! Inputs are built from pieces of the real syntax (fences, brackets,
//! quotes, anchors, shortcode tags, multi-byte letters) mixed with arbitrary
//! text, so most cases reach deep into each parser. A failure prints the
//! smallest input that still fails.

use std::path::{Component, Path};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

use crate::config::MarkdownConfig;
use crate::content::front_matter;
use crate::data;
use crate::data::node::{Node, Value};
use crate::error::Diagnostics;
use crate::markdown::shortcodes::{self, Call};
use crate::markdown::{self, Hooks, LinkResult, Source};

/// Cases per property in `cargo test`.
const SHORT: u32 = 48;
/// Cases per property in the ignored long run.
const LONG: u32 = 20_000;

/// Pieces of every syntax the parsers read.
const PIECES: &[&str] = &[
    "\n",
    "\r\n",
    " ",
    "  ",
    "\t",
    "+++",
    "---",
    "===",
    "#",
    "## ",
    "- ",
    "* ",
    "> ",
    "1. ",
    "|",
    "| --- |",
    "`",
    "```",
    "~~~",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "\"",
    "'",
    ",",
    ":",
    ": ",
    "=",
    " = ",
    ";",
    "\\",
    "<",
    ">",
    "&",
    "&a ",
    "*a",
    "!tag ",
    "? ",
    "[[item]]",
    "[x]",
    "title",
    "schema",
    "\"backlog\"",
    "\"metrics\"",
    "id",
    "value",
    "1",
    "-2.5",
    "1e308",
    "0x1F",
    "2026-07-01",
    "true",
    "null",
    "a",
    "é",
    "ü",
    "日本",
    "\u{feff}",
    "\u{e000}",
    "\u{e001}",
    "{{",
    "}}",
    "{%",
    "%}",
    " x(",
    "a=1",
    "b=\"s\"",
    "end",
    "[a](#b)",
    "https://x.org",
    "www.x.org",
    "a@b.co",
    "<!-- more -->",
    "@/a.md",
    "..",
    "/",
    "%2e",
    "%2f",
    "\0",
];

/// Text made of [`PIECES`] or of arbitrary characters, up to `len` parts.
fn text(len: usize) -> impl Strategy<Value = String> {
    let piece = prop::sample::select(PIECES).prop_map(str::to_owned);
    let any = any::<String>().prop_map(|s| s.chars().take(8).collect::<String>());
    let part = prop_oneof![4 => piece, 1 => any];
    prop::collection::vec(part, 0..len).prop_map(|parts| parts.concat())
}

fn run<S>(cases: u32, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S: Strategy,
    S::Value: std::fmt::Debug,
{
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    if let Err(e) = TestRunner::new(config).run(&strategy, test) {
        panic!("{e}");
    }
}

/// Every diagnostic points at a real line and column of `text`.
fn located_inside(diags: &Diagnostics, text: &str) -> Result<(), TestCaseError> {
    let lines = text.matches('\n').count() + 1;
    for d in diags.iter() {
        if let Some(loc) = &d.location {
            prop_assert!(
                loc.line <= lines,
                "line {} of {lines}: {}",
                loc.line,
                d.message
            );
        }
    }
    Ok(())
}

fn boundary(text: &str, at: usize) -> Result<(), TestCaseError> {
    prop_assert!(
        at <= text.len() && text.is_char_boundary(at),
        "offset {at} outside {} bytes",
        text.len()
    );
    Ok(())
}

/// Every value and key offset of the tree lies inside `text`.
fn offsets_inside(node: &Node, text: &str) -> Result<(), TestCaseError> {
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        prop_assert!(
            node.at <= text.len(),
            "value at {} of {}",
            node.at,
            text.len()
        );
        match &node.value {
            Value::Array(items) => stack.extend(items),
            Value::Table(entries) => {
                for e in entries {
                    prop_assert!(e.key_at <= text.len(), "key at {}", e.key_at);
                    stack.push(&e.node);
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn front_matter_splits_and_parses(cases: u32) {
    run(cases, text(40), |text| {
        let path = Path::new("content/p.md");
        let Ok(split) = front_matter::split(path, &text) else {
            return Ok(());
        };
        boundary(&text, split.front_offset)?;
        boundary(&text, split.body_offset)?;
        prop_assert!(split.front_offset <= split.body_offset);
        let front_end = split.front_offset + split.front.len();
        prop_assert!(front_end <= split.body_offset);
        prop_assert_eq!(&text[split.front_offset..front_end], split.front);
        if let Err(d) = front_matter::parse(path, &text, &split) {
            located_inside(&d.into(), &text)?;
        }
        Ok(())
    });
}

fn shortcode_calls_stay_inside(cases: u32) {
    run(cases, text(40), |text| {
        let (calls, errors) = shortcodes::find(&text, &[]);
        let mut end = 0;
        for call in &calls {
            prop_assert!(call.range.start >= end, "calls overlap");
            boundary(&text, call.range.start)?;
            boundary(&text, call.range.end)?;
            end = call.range.end;
        }
        for e in &errors {
            boundary(&text, e.offset)?;
        }
        Ok(())
    });
}

fn data_files_parse_with_positions_inside(cases: u32) {
    let names = prop::sample::select(&["d.toml", "d.json", "d.yaml", "d.csv", "t.backlog.csv"][..]);
    run(cases, (names, text(40)), |(name, text)| {
        let path = Path::new("content/d");
        let (_, diags) = data::parse_lenient(name, path, &text);
        located_inside(&diags, &text)?;
        let tree = match name {
            "d.toml" => data::node::parse_toml(path, &text),
            "d.json" => data::node::parse_json(path, &text),
            "d.yaml" => data::yaml::parse_yaml(path, &text),
            _ => {
                for row in data::csv::read_rows(path, &text).unwrap_or_default() {
                    boundary(&text, row.at)?;
                    for cell in &row.cells {
                        prop_assert!(cell.at <= text.len());
                    }
                }
                return Ok(());
            }
        };
        if let Ok(node) = tree {
            offsets_inside(&node, &text)?;
        }
        Ok(())
    });
}

struct Echo;

impl Hooks for Echo {
    fn link(&self, _: &str, _: bool) -> LinkResult {
        LinkResult::Keep
    }
    fn shortcode(&self, call: &Call, body: Option<&str>) -> Result<String, String> {
        match call.name.as_str() {
            "x" => Ok(format!("<b>{}</b>", body.unwrap_or_default())),
            _ => Err("unknown".into()),
        }
    }
}

fn markdown_renders_anything(cases: u32) {
    run(cases, (text(60), 0usize..4), |(body, front)| {
        // The Markdown may start after some front matter in the file.
        let file = format!("{}{body}", "+++\n".repeat(front));
        let src = Source {
            display_path: Path::new("content/p.md"),
            file_text: &file,
            offset: file.len() - body.len(),
            len: body.len(),
        };
        let (rendered, diags) = markdown::render(src, &MarkdownConfig::default(), &Echo);
        located_inside(&diags, &file)?;
        for p in &rendered.pending {
            boundary(&file, p.offset)?;
        }
        // No shortcode placeholder is left behind.
        let placeholder = '\u{e000}';
        prop_assert!(!rendered.html.contains(placeholder) || body.contains(placeholder));
        Ok(())
    });
}

/// `rel` joined to an output folder stays inside it.
fn stays_inside(rel: &str) -> Result<(), TestCaseError> {
    let root = Path::new("/site/public");
    let joined = root.join(rel);
    prop_assert!(joined.starts_with(root), "{rel:?} leaves the folder");
    let escapes = Path::new(rel)
        .components()
        .any(|c| !matches!(c, Component::Normal(_)));
    prop_assert!(!escapes, "{rel:?} has a component that is not a plain name");
    Ok(())
}

fn output_paths_stay_inside(cases: u32) {
    run(cases, text(16), |path| {
        if crate::output::is_safe(&path) {
            stays_inside(&path)?;
        }
        for segment in [crate::content::slugify(&path), data::slug(&path)] {
            prop_assert!(!segment.contains(['/', '\\', '\0']), "{segment:?}");
            if !segment.is_empty() {
                stays_inside(&segment)?;
            }
        }
        Ok(())
    });
}

fn chart_scales_are_total(cases: u32) {
    let number = prop_oneof![
        any::<f64>(),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(1e308),
        -1e16..1e16f64,
    ];
    run(cases, (number.clone(), number), |(lo, hi)| {
        let (scale, ticks) = data::views::svg::Scale::nice(lo, hi, 10.0, 200.0);
        prop_assert!((2..=data::views::svg::MAX_TICKS).contains(&ticks.len()));
        prop_assert!(scale.lo.is_finite() && scale.hi.is_finite());
        Ok(())
    });
}

macro_rules! properties {
    ($($name:ident: $long:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                crate::properties::$name(SHORT);
            }

            #[test]
            #[ignore = "long run: cargo test --release --lib properties -- --ignored"]
            fn $long() {
                crate::properties::$name(LONG);
            }
        )*
    };
}

mod tests {
    use super::{LONG, SHORT};

    properties! {
        front_matter_splits_and_parses: front_matter_splits_and_parses_long,
        shortcode_calls_stay_inside: shortcode_calls_stay_inside_long,
        data_files_parse_with_positions_inside: data_files_parse_with_positions_inside_long,
        markdown_renders_anything: markdown_renders_anything_long,
        output_paths_stay_inside: output_paths_stay_inside_long,
        chart_scales_are_total: chart_scales_are_total_long,
    }
}
