//! Reading an export's bytes into a header and records, each record with
//! the real line of the file it starts on (multi-line cells counted).
//!
//! Exports come as UTF-8 (with or without a byte order mark) or UTF-16
//! (Excel's "Unicode text"); both are decoded here. A malformed record (a
//! field count that differs from the header's, or a quote opened and never
//! closed) is set aside with its line and the reading starts again on the
//! next line of the file, so one stray quote costs one row, never the rest
//! of the file. Whether a malformed record is an error or a skipped row is
//! the caller's choice.

use crate::error::{Diagnostic, Kind};

/// One record of the export.
#[derive(Debug)]
pub(super) struct Record {
    /// The file line the record starts on (1-based).
    pub line: usize,
    pub cells: Vec<String>,
}

/// A record that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct BadRow {
    pub line: usize,
    pub reason: String,
}

/// The CSV's header and records.
#[derive(Debug)]
pub(super) struct Table {
    pub header: Vec<String>,
    pub records: Vec<Record>,
    pub bad: Vec<BadRow>,
    /// The first line after the header, and the last line that holds data.
    pub first_line: usize,
    pub last_line: usize,
}

/// Decodes an export: UTF-8 with or without a BOM, or UTF-16 (LE or BE)
/// recognised by its BOM. Invalid bytes are an error at their line.
pub fn decode(bytes: &[u8]) -> Result<String, Diagnostic> {
    // Without a byte order mark, UTF-16 text of the ASCII column names has
    // a zero byte in every pair: "I\0s\0" (little-endian) or "\0I\0s".
    let (utf16, big_endian, skip) = match bytes {
        [0xFF, 0xFE, ..] => (true, false, 2),
        [0xFE, 0xFF, ..] => (true, true, 2),
        [a, 0, b, 0, ..] if *a != 0 && *b != 0 => (true, false, 0),
        [0, a, 0, b, ..] if *a != 0 && *b != 0 => (true, true, 0),
        _ => (false, false, 0),
    };
    if utf16 {
        let body = &bytes[skip..];
        if body.len() % 2 == 1 {
            return Err(Diagnostic::error(
                Kind::Data,
                "the file looks like UTF-16 but has an odd number of bytes",
            )
            .with_help("export the CSV again, or save it as UTF-8"));
        }
        let units = body.chunks_exact(2).map(|p| {
            if big_endian {
                u16::from_be_bytes([p[0], p[1]])
            } else {
                u16::from_le_bytes([p[0], p[1]])
            }
        });
        let mut text = String::with_capacity(body.len() / 2);
        for (i, c) in char::decode_utf16(units).enumerate() {
            match c {
                Ok(c) => text.push(c),
                Err(_) => {
                    let line = text.matches('\n').count() + 1;
                    return Err(Diagnostic::error(
                        Kind::Data,
                        format!(
                            "invalid UTF-16 at line {line} (code unit {}): an unpaired surrogate",
                            i + 1
                        ),
                    )
                    .at(crate::error::Location::new("", line, 0))
                    .with_help("export the CSV again, or save it as UTF-8"));
                }
            }
        }
        return Ok(text);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(e) => {
            let valid = e.valid_up_to();
            let before = &bytes[..valid];
            let line = before.iter().filter(|b| **b == b'\n').count() + 1;
            let column = valid
                - before
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .map_or(0, |i| i + 1)
                + 1;
            Err(
                Diagnostic::error(Kind::Data, "the file is not valid UTF-8 or UTF-16")
                    .at(crate::error::Location::new("", line, column))
                    .with_help(
                        "save the export as UTF-8 (in a spreadsheet: \"CSV UTF-8\"); \
                         Jira and Linear export UTF-8 already",
                    ),
            )
        }
    }
}

/// Where each line starts, for turning byte offsets into lines.
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Lines(starts)
    }

    /// The 1-based line holding byte `offset`.
    fn of(&self, offset: usize) -> usize {
        self.0.partition_point(|s| *s <= offset)
    }

    /// The offset of the line after the one holding `offset`, if any.
    fn next_start(&self, offset: usize) -> Option<usize> {
        self.0.get(self.of(offset)).copied()
    }
}

/// What is wrong with the quotes of one record's bytes, read the way the
/// CSV reader reads them: a quote opens only at the start of a field, `""`
/// inside is a quote, another `"` closes, and must be followed by a comma
/// or the end of the line.
#[derive(Debug, PartialEq, Eq)]
enum Quotes {
    Balanced,
    /// The record ends inside a quoted field.
    Open,
    /// A closing quote at this byte is followed by more text: the reader
    /// glues it on, so a quote was most likely missing or extra.
    TextAfter(usize),
}

fn quotes(raw: &[u8]) -> Quotes {
    let mut quoted = false;
    let mut field_start = true;
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if quoted {
            if b == b'"' {
                if raw.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    quoted = false;
                    match raw.get(i + 1) {
                        None | Some(b',' | b'\r' | b'\n') => {}
                        Some(_) => return Quotes::TextAfter(i),
                    }
                }
            }
        } else if b == b'"' && field_start {
            quoted = true;
            field_start = false;
        } else {
            field_start = b == b',' || b == b'\n' || b == b'\r';
        }
        i += 1;
    }
    if quoted {
        Quotes::Open
    } else {
        Quotes::Balanced
    }
}

/// The start of a row for a message: its first 60 characters on one line.
fn excerpt(raw: &str) -> String {
    let first = raw.lines().next().unwrap_or("").trim_end();
    let mut out: String = first.chars().take(60).collect();
    if first.chars().count() > 60 {
        out.push('…');
    }
    out
}

impl Table {
    /// Reads `text` (decoded, without a BOM). An empty file, or a header
    /// that is itself malformed, is an error.
    pub(super) fn read(text: &str) -> Result<Table, Diagnostic> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim().is_empty() {
            return Err(Diagnostic::error(Kind::Data, "the CSV file is empty")
                .at(crate::error::Location::new("", 1, 0))
                .with_help("export the issues with their header row"));
        }
        let lines = Lines::new(text);
        let bytes = text.as_bytes();
        let mut header: Option<Vec<String>> = None;
        let mut records = Vec::new();
        let mut bad = Vec::new();
        let mut last_line = 0;
        let mut first_line = 2;
        let mut from = 0;
        'restart: while from < bytes.len() {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(&bytes[from..]);
            let mut record = csv::ByteRecord::new();
            loop {
                let before = from + reader.position().byte() as usize;
                let more = match reader.read_byte_record(&mut record) {
                    Ok(more) => more,
                    Err(e) => {
                        let line = lines.of(before);
                        bad.push(BadRow {
                            line,
                            reason: format!("this row cannot be read: {e}"),
                        });
                        match lines.next_start(before) {
                            Some(next) => {
                                from = next;
                                continue 'restart;
                            }
                            None => break 'restart,
                        }
                    }
                };
                if !more {
                    break 'restart;
                }
                let start = from + record.position().map_or(0, |p| p.byte() as usize);
                // With CRLF the reader stops between `\r` and `\n`: a
                // record starts after the line break.
                let mut start = start.max(before);
                while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
                    start += 1;
                }
                let end = from + reader.position().byte() as usize;
                let line = lines.of(start);
                let end_line = lines.of(end.saturating_sub(1).max(start));
                last_line = last_line.max(end_line);
                let end = end.clamp(start.min(text.len()), text.len());
                let raw = text.get(start.min(end)..end).unwrap_or("");
                let quoting = quotes(raw.as_bytes());
                let cells: Vec<String> = record
                    .iter()
                    .map(|f| String::from_utf8_lossy(f).trim().to_owned())
                    .collect();
                let Some(head) = &header else {
                    if quoting != Quotes::Balanced {
                        return Err(Diagnostic::error(
                            Kind::Data,
                            "the quotes of the header row are unbalanced",
                        )
                        .at(crate::error::Location::new("", line, 0))
                        .with_help("the first row must be the column names"));
                    }
                    header = Some(cells);
                    first_line = end_line + 1;
                    continue;
                };
                let problem = if quoting == Quotes::Open {
                    Some(format!(
                        "a quote opened on this row is never closed (the file ends at line {} inside it)",
                        end_line
                    ))
                } else if let Quotes::TextAfter(at) = quoting {
                    Some(format!(
                        "a quoted cell closes at line {} and text follows the closing quote, \
                         so a quote is probably unbalanced",
                        lines.of(start + at)
                    ))
                } else if cells.len() != head.len() {
                    let spans = if end_line > line {
                        format!(
                            "; a quoted cell runs on to line {end_line}, so a quote is probably unbalanced"
                        )
                    } else {
                        String::new()
                    };
                    Some(format!(
                        "this row has {} fields where the header has {}{spans}",
                        cells.len(),
                        head.len()
                    ))
                } else {
                    None
                };
                if let Some(problem) = problem {
                    bad.push(BadRow {
                        line,
                        reason: format!("{problem}: `{}`", excerpt(raw)),
                    });
                    match lines.next_start(start) {
                        Some(next) if next < bytes.len() => {
                            from = next;
                            continue 'restart;
                        }
                        _ => break 'restart,
                    }
                }
                if cells.iter().all(String::is_empty) {
                    continue;
                }
                records.push(Record { line, cells });
            }
        }
        let Some(header) = header else {
            return Err(Diagnostic::error(Kind::Data, "the CSV file is empty")
                .at(crate::error::Location::new("", 1, 0))
                .with_help("export the issues with their header row"));
        };
        Ok(Table {
            header,
            records,
            bad,
            first_line,
            last_line,
        })
    }

    /// The first column named any of `names` (case-insensitive).
    pub(super) fn col(&self, names: &[&str]) -> Option<usize> {
        names
            .iter()
            .find_map(|n| self.header.iter().position(|h| h.eq_ignore_ascii_case(n)))
    }

    /// Every column named any of `names`, in file order: Jira repeats
    /// Sprint, Labels, Fix Version/s and Component/s.
    pub(super) fn cols(&self, names: &[&str]) -> Vec<usize> {
        (0..self.header.len())
            .filter(|i| {
                names
                    .iter()
                    .any(|n| self.header[*i].eq_ignore_ascii_case(n))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_count_newlines_inside_quoted_cells() {
        let text = "a,b\n1,\"x\ny\nz\"\n2,w\n";
        let t = Table::read(text).expect("reads");
        let lines: Vec<usize> = t.records.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 5]);
        assert_eq!(t.records[0].cells, ["1", "x\ny\nz"]);
        assert_eq!(t.last_line, 5);
        assert!(t.bad.is_empty());
    }

    #[test]
    fn crlf_row_ends_count_as_one_line() {
        let t = Table::read("a,b\r\n1,x\r\n2,\"p\nq\r\nr\"\r\n3,y\r\n").expect("reads");
        let lines: Vec<usize> = t.records.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3, 6]);
        assert_eq!(t.last_line, 6);
    }

    #[test]
    fn an_unclosed_quote_costs_its_row_only() {
        let text = "k,s\nA-1,one\nA-2,\"two\nA-3,three\nA-4,four\n";
        let t = Table::read(text).expect("reads");
        let keys: Vec<&str> = t.records.iter().map(|r| r.cells[0].as_str()).collect();
        assert_eq!(keys, ["A-1", "A-3", "A-4"]);
        assert_eq!(t.bad.len(), 1);
        assert_eq!(t.bad[0].line, 3);
        assert!(
            t.bad[0]
                .reason
                .starts_with("a quote opened on this row is never closed (the file ends at line 5"),
            "{}",
            t.bad[0].reason
        );
    }

    #[test]
    fn a_quote_that_swallows_rows_until_another_quote_is_found_and_skipped() {
        let text = "k,s,d\nA-1,\"one,x\nA-2,two,x\nA-3,three,\"said \"\"hi\"\"\"\nA-4,four,x\n";
        let t = Table::read(text).expect("reads");
        let keys: Vec<&str> = t.records.iter().map(|r| r.cells[0].as_str()).collect();
        assert_eq!(keys, ["A-2", "A-3", "A-4"]);
        assert_eq!(t.records[1].cells[2], "said \"hi\"");
        assert_eq!(t.bad.iter().map(|b| b.line).collect::<Vec<_>>(), [2]);
    }

    #[test]
    fn a_stray_quote_in_the_last_column_does_not_merge_the_next_row() {
        let text = "k,s,d\nA-1,one,\"stray\nA-2,two,\"fine\"\nA-3,three,x\n";
        let t = Table::read(text).expect("reads");
        let keys: Vec<&str> = t.records.iter().map(|r| r.cells[0].as_str()).collect();
        assert_eq!(keys, ["A-2", "A-3"]);
        assert_eq!(t.bad.len(), 1);
        assert_eq!(t.bad[0].line, 2);
        assert!(
            t.bad[0]
                .reason
                .starts_with("a quoted cell closes at line 3 and text follows"),
            "{}",
            t.bad[0].reason
        );
    }

    #[test]
    fn field_counts_must_match_the_header() {
        let t = Table::read("k,s\nA-1,one,extra\nA-2\nA-3,three\n").expect("reads");
        assert_eq!(t.records.len(), 1);
        let bad: Vec<(usize, &str)> = t.bad.iter().map(|b| (b.line, b.reason.as_str())).collect();
        assert_eq!(
            bad,
            [
                (
                    2,
                    "this row has 3 fields where the header has 2: `A-1,one,extra`"
                ),
                (3, "this row has 1 fields where the header has 2: `A-2`"),
            ]
        );
    }

    #[test]
    fn quotes_are_tracked_like_the_reader_does() {
        assert_eq!(quotes(b"a,\"b,\"\"c\"\"\",d\n"), Quotes::Balanced);
        assert_eq!(quotes(b"a,\"b\"\r\n"), Quotes::Balanced);
        assert_eq!(quotes(b"a,\"b\nc"), Quotes::Open);
        assert_eq!(quotes(b"5\" screen,x\n"), Quotes::Balanced);
        assert_eq!(quotes(b"a,\"b\nc,\"d\"\n"), Quotes::TextAfter(7));
    }

    #[test]
    fn empty_files_are_an_error_at_line_one() {
        for text in ["", "\n\n", "\u{feff}"] {
            let e = Table::read(text).expect_err("empty");
            assert_eq!(e.message, "the CSV file is empty");
            assert_eq!(e.location.map(|l| l.line), Some(1));
        }
    }

    #[test]
    fn utf16_and_bom_files_are_decoded() {
        let text = "Issue key,Summary\nA-1,Caf\u{e9}\n";
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&le).as_deref(), Ok(text));
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(&be).as_deref(), Ok(text));
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend(text.as_bytes());
        assert_eq!(decode(&bom).as_deref(), Ok(text));
        let e = decode(b"a,b\nx,\xE9t\xE9\n").expect_err("latin-1");
        let at = e.location.map(|l| (l.line, l.column));
        assert_eq!(at, Some((2, 3)));
        assert!(decode(&[0xFF, 0xFE, 0x41]).is_err());
        let bare: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(&bare).as_deref(), Ok(text));
    }
}
