//! CSV data files: rows with the offset of every cell.
//!
//! The csv crate splits records and says where each starts; a small scan of
//! that record's text finds where each field starts, so a bad cell is
//! reported at its own line and column. A plain CSV file becomes a list of
//! row objects (every value a string); a `*.backlog.csv` file becomes the
//! same tree as a TOML backlog (`item` = the rows, empty cells left out), its
//! header checked once against the known columns.

use std::path::Path;

use super::node::{Entry, Node, Value};
use crate::error::{Diagnostic, Diagnostics, Kind, Lines, did_you_mean};

/// A cell's text (surrounding spaces trimmed) and where its field starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cell {
    pub text: String,
    pub at: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    pub at: usize,
    /// 1-based line of the record's first character.
    pub line: usize,
    pub cells: Vec<Cell>,
}

/// Every record of a CSV text; the first is the header.
pub(crate) fn read_rows(path: &Path, text: &str) -> Result<Vec<Row>, Diagnostics> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let (at, line) = record
                    .position()
                    .map_or((0, 1), |p| (p.byte() as usize, p.line() as usize));
                let offsets = field_offsets(text, at);
                let cells = record
                    .iter()
                    .enumerate()
                    .map(|(i, field)| Cell {
                        text: field.trim().to_owned(),
                        at: offsets.get(i).copied().unwrap_or(at),
                    })
                    .collect();
                rows.push(Row { at, line, cells });
            }
            Err(e) => {
                let at = e.position().map_or(0, |p| p.byte() as usize);
                let d = Diagnostic::error(Kind::Data, format!("invalid CSV: {e}"));
                return Err(d.at_offset(path, text, at).into());
            }
        }
    }
    Ok(rows)
}

/// Byte offsets where each field of the record starting at `start` begins.
fn field_offsets(text: &str, start: usize) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut offsets = vec![start];
    let mut i = start;
    let mut quoted = false;
    while i < bytes.len() {
        match bytes[i] {
            b'"' if quoted && bytes.get(i + 1) == Some(&b'"') => i += 1,
            b'"' => quoted = !quoted,
            b',' if !quoted => offsets.push(i + 1),
            b'\n' | b'\r' if !quoted => break,
            _ => {}
        }
        i += 1;
    }
    offsets
}

/// A record starting at `at` with `fields` fields, under a header of `width`.
fn row_length_error(
    lines: &Lines<'_>,
    (at, fields): (usize, usize),
    width: usize,
) -> Option<Diagnostic> {
    (fields != width).then(|| {
        let d = Diagnostic::error(
            Kind::Data,
            format!("this row has {fields} fields but the header has {width}"),
        );
        lines
            .at(d, at)
            .with_help("every row needs one value per column (leave a value empty between commas)")
    })
}

/// A plain CSV file: a list of objects keyed by the header, values as strings.
/// Records go straight into the result, one at a time: the file's text and
/// the result are the only copies held.
pub(crate) fn plain(path: &Path, text: &str) -> Result<serde_json::Value, Diagnostics> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let lines = Lines::new(path, text);
    let mut header: Option<Vec<String>> = None;
    let mut objects = Vec::new();
    let mut errors = Diagnostics::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let at = e.position().map_or(0, |p| p.byte() as usize);
                let d = Diagnostic::error(Kind::Data, format!("invalid CSV: {e}"));
                errors.push(d.at_offset(path, text, at));
                return Err(errors);
            }
        }
        let Some(names) = &header else {
            header = Some(record.iter().map(|f| f.trim().to_owned()).collect());
            continue;
        };
        let at = record.position().map_or(0, |p| p.byte() as usize);
        if let Some(d) = row_length_error(&lines, (at, record.len()), names.len()) {
            errors.push(d);
            continue;
        }
        if errors.is_empty() {
            let fields = names.iter().zip(record.iter());
            objects.push(serde_json::Value::Object(
                fields
                    .map(|(h, c)| (h.clone(), serde_json::Value::String(c.trim().to_owned())))
                    .collect(),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(serde_json::Value::Array(objects))
}

/// A schema CSV file as the tree a TOML file would give: `{ item = [rows] }`.
/// Unknown and missing columns are reported once, at the header; with a
/// column missing there is no tree, since every row would repeat the error.
pub(crate) fn schema_rows(
    path: &Path,
    text: &str,
    list_key: &str,
    known: &[&str],
    required: &[&str],
) -> (Option<Node>, Diagnostics) {
    let rows = match read_rows(path, text) {
        Ok(rows) => rows,
        Err(errors) => return (None, errors),
    };
    let mut errors = Diagnostics::new();
    let Some((header, body)) = rows.split_first() else {
        let d = Diagnostic::error(Kind::Data, "this CSV file is empty")
            .in_file(path)
            .with_help(format!(
                "expected a header row naming the columns: {}",
                known.join(", ")
            ));
        return (None, d.into());
    };
    for cell in &header.cells {
        if !known.contains(&cell.text.as_str()) {
            let hint = did_you_mean(&cell.text, known.iter().copied())
                .map_or(String::new(), |s| format!("did you mean `{s}`? "));
            errors.push(
                Diagnostic::error(Kind::Data, format!("unknown column `{}`", cell.text))
                    .at_offset(path, text, cell.at)
                    .with_help(format!("{hint}known columns: {}", known.join(", "))),
            );
        }
    }
    let present: Vec<&str> = header.cells.iter().map(|c| c.text.as_str()).collect();
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|r| !present.contains(r))
        .collect();
    if !missing.is_empty() {
        let list = missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>();
        let noun = if missing.len() == 1 {
            "column"
        } else {
            "columns"
        };
        errors.push(
            Diagnostic::error(Kind::Data, format!("missing {noun} {}", list.join(", ")))
                .at_offset(path, text, header.at)
                .with_help(format!(
                    "required columns: {}; the header has: {}",
                    required.join(", "),
                    present.join(", ")
                )),
        );
        return (None, errors);
    }
    let mut items = Vec::with_capacity(body.len());
    let lines = Lines::new(path, text);
    for row in body {
        if let Some(d) = row_length_error(&lines, (row.at, row.cells.len()), header.cells.len()) {
            errors.push(d);
            continue;
        }
        let entries = header
            .cells
            .iter()
            .zip(&row.cells)
            .filter(|(h, c)| !c.text.is_empty() && known.contains(&h.text.as_str()))
            .map(|(h, c)| Entry {
                key: h.text.clone(),
                key_at: c.at,
                node: Node::new(Value::Str(c.text.clone()), c.at),
            })
            .collect();
        items.push(Node::new(Value::Table(entries), row.at));
    }
    let list = Entry {
        key: list_key.to_owned(),
        key_at: header.at,
        node: Node::new(Value::Array(items), header.at),
    };
    (Some(Node::new(Value::Table(vec![list]), 0)), errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_offsets_follow_quotes() {
        let text = "a,\"b,\"\"c\"\"\",d\nx,y,z\n";
        assert_eq!(field_offsets(text, 0), vec![0, 2, 12]);
        assert_eq!(field_offsets(text, 14), vec![14, 16, 18]);
    }

    #[test]
    fn plain_csv_is_rows_of_strings() {
        let v = plain(Path::new("t.csv"), "name,count\nAda, 3\n").expect("valid");
        assert_eq!(v, serde_json::json!([{"name": "Ada", "count": "3"}]));
    }

    #[test]
    fn short_row_is_an_error_at_its_line() {
        let err = plain(Path::new("t.csv"), "a,b\n1,2\n3\n").expect_err("short");
        let d = err.iter().next().expect("one");
        assert_eq!(
            d.location.as_ref().map(|l| (l.line, l.column)),
            Some((3, 1))
        );
    }
}
