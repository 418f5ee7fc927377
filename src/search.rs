//! The search index: the plain text of every page turned, at build time,
//! into small JavaScript files that the theme's search box loads on demand.
//!
//! This module owns the index format and nothing else: the engine extracts
//! each page's plain text and headings into a [`SearchDoc`] and writes the
//! files [`build_index`] returns under the output root; the theme's script
//! (`themes/handbook/static/js/handbook.js`) reads them.
//!
//! Every file is a script that hands its data to a global callback,
//! `rolebookSearchData(name, data)`, rather than JSON to fetch, so search
//! works from `file://` and under any base path with no server. A big site
//! must not make each reader download the whole index, so it is split:
//!
//! - `search/meta.js`: per document only its section and role set (two
//!   small integers), the section titles, the doc-chunk boundaries and the
//!   list of term shards. Loaded when the search box first opens.
//! - `search/t-KEY.js`: the inverted index, sharded by the first characters
//!   of the term. A shard starts at one character; one that grows past
//!   [`SHARD_SPLIT_BYTES`] is split by the next character (terms exactly as
//!   long as the key stay behind), so shards stay small on any site. The
//!   shard holding a term is the longest key in `meta.shards` that is a key
//!   prefix of it. Postings are doc ids with a score and the best section.
//! - `search/d-N.js`: documents in chunks: path (a data item's carries its
//!   `#anchor`), title, description, per section the heading id, heading
//!   text and a short snippet, and the result type (`""` for a page,
//!   `item`, `epic`, `initiative`, `data`). Loaded only for the results
//!   being shown.
//!
//! `meta.js` also maps lowercased item and initiative ids to their
//! documents, so a search for `CHK-13` can go straight to the item.
//!
//! Terms are lowercased runs of letters and digits (apostrophes dropped,
//! each CJK character a term of its own), minus a few English stop words;
//! the script tokenizes queries the same way. Terms found in more than
//! [`POSTINGS_CAP`] documents keep only their best postings: such a word
//! hardly narrows a search, and the script then treats it as optional.
//! The format is described for theme authors in `docs/themes.md`.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use rayon::prelude::*;
use serde::Serialize;

/// One page (or section page) as the search index sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchDoc {
    /// URL path without the base, e.g. `roles/comparison/` (`""` for home).
    pub path: String,
    pub title: String,
    /// Title of the top-level section the page belongs to (may be empty).
    pub section: String,
    /// `"po"`, `"pm"`; empty when the page names no role.
    pub roles: Vec<String>,
    pub description: String,
    /// `(id, text)` of every heading, in page order (shared with the
    /// rendered page).
    pub headings: std::sync::Arc<Vec<(String, String)>>,
    /// The plain text of the whole page.
    pub body: String,
    /// The plain text under each heading: `(heading id, text)`, with `""`
    /// for the text before the first heading.
    /// Shared with the rendered page, so the index holds no copy of it.
    pub body_by_heading: std::sync::Arc<Vec<(String, String)>>,
    /// The result type: `""` for a page; `"item"`, `"epic"`,
    /// `"initiative"` or `"data"` (a generated data page) for the team's
    /// data. Themes show it as a badge.
    pub kind: String,
    /// An id that a search for exactly it jumps to (a backlog item's or an
    /// initiative's, e.g. `CHK-13`); empty for pages.
    pub id: String,
}

/// Version of the file format, written into `meta.js`.
pub const FORMAT_VERSION: u32 = 1;
/// A term shard larger than this (bytes of JSON) is split by one more character.
pub const SHARD_SPLIT_BYTES: usize = 24 * 1024;
/// Shard keys never grow past this many characters.
const MAX_KEY_CHARS: usize = 6;
/// Most postings kept for one term; see the module docs.
pub const POSTINGS_CAP: usize = 400;
/// A document chunk is closed once it grows past this many bytes of JSON.
pub const CHUNK_BYTES: usize = 4 * 1024;
/// Length of the snippet kept for each section, in characters.
const SNIPPET_CHARS: usize = 140;
/// Longer "words" (hashes, base64) are not indexed.
const MAX_TERM_CHARS: usize = 40;
const TF_CAP: u32 = 10;
const TITLE_BOOST: u32 = 20;
const HEADING_BOOST: u32 = 8;
const DESCRIPTION_BOOST: u32 = 4;
/// Occurrences in a heading weigh this much more than in body text when
/// choosing the section a result links to.
const HEADING_SECTION_WEIGHT: u32 = 3;

/// English words too common to be worth an index entry, written into
/// `meta.js` for the script. [`is_stop_word`] must match the same words.
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "in",
    "is", "it", "its", "of", "on", "or", "that", "the", "their", "then", "there", "these", "this",
    "to", "was", "were", "will", "with",
];

/// Name of the global function every index file calls.
const CALLBACK: &str = "rolebookSearchData";

/// Builds the whole index. Returns `(path relative to the site root, bytes)`
/// pairs, sorted by path, all under `search/`. The same input gives the
/// same bytes.
pub fn build_index<D: std::borrow::Borrow<SearchDoc> + Sync>(docs: &[D]) -> Vec<(String, Vec<u8>)> {
    let docs: Vec<&SearchDoc> = docs.iter().map(std::borrow::Borrow::borrow).collect();
    let mut index = Index::default();
    for (c, chunk) in docs.chunks(ANALYSE_CHUNK).enumerate() {
        index.add_from(c * ANALYSE_CHUNK, chunk);
    }
    index.files(&docs)
}

/// An index made a batch of documents at a time, in any order: a build
/// adds each page as soon as its Markdown is rendered, so the text the
/// index reads need not be kept for every page until the end. What it
/// holds is each term's postings (the best of the commonest words only)
/// and each document's entry in the document chunks.
#[derive(Default)]
pub struct Index {
    parts: Vec<Postings>,
    /// Each document's entry (see [`ChunkDoc`]) as JSON, by number.
    entries: Vec<String>,
}

impl Index {
    /// Analyses `docs`, each with its number (its place in the index), in
    /// parallel, then adds each partition of their terms in parallel.
    pub fn add(&mut self, docs: &[(u32, &SearchDoc)]) {
        if self.parts.is_empty() {
            self.parts = (0..PARTS).map(|_| Postings::default()).collect();
        }
        let analysed: Vec<(DocTerms, String)> = docs
            .par_iter()
            .map(|(_, doc)| {
                let terms = analyse(doc);
                let entry = chunk_entry(doc, &terms.sections);
                (terms, entry)
            })
            .collect();
        self.parts
            .par_iter_mut()
            .zip(0..PARTS)
            .for_each(|(postings, part)| {
                for ((doc, _), (terms, _)) in docs.iter().zip(&analysed) {
                    postings.add(*doc, &terms.terms, part);
                }
            });
        for ((doc, _), (_, entry)) in docs.iter().zip(analysed) {
            let n = *doc as usize;
            if self.entries.len() <= n {
                self.entries.resize_with(n + 1, String::new);
            }
            self.entries[n] = entry;
        }
    }

    /// Adds `docs`, numbered from `first` on.
    pub fn add_from(&mut self, first: usize, docs: &[&SearchDoc]) {
        let numbered: Vec<(u32, &SearchDoc)> = (first..)
            .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
            .zip(docs.iter().copied())
            .collect();
        self.add(&numbered);
    }

    /// The index's files, for `docs` by number, every one of them added.
    /// Returns `(path relative to the site root, bytes)` pairs, sorted by
    /// path, all under `search/`.
    pub fn files(mut self, docs: &[&SearchDoc]) -> Vec<(String, Vec<u8>)> {
        self.entries.resize_with(docs.len(), String::new);
        debug_assert!(
            self.entries.iter().all(|e| !e.is_empty()),
            "a document was not added"
        );
        let (postings, entries) = self.invert();
        write_files(docs, postings, entries)
    }

    /// Term -> postings (sorted by doc), capped at [`POSTINGS_CAP`], encoded
    /// as `[df, doc delta, score, section, doc delta, score, section, ...]`;
    /// and each document's entry.
    fn invert(self) -> (BTreeMap<String, Vec<u32>>, Vec<String>) {
        let postings = self
            .parts
            .into_par_iter()
            .flat_map_iter(Postings::encode)
            .collect();
        (postings, self.entries)
    }
}

/// The files of an index of `docs` with these postings and chunk entries.
fn write_files(
    docs: &[&SearchDoc],
    postings: BTreeMap<String, Vec<u32>>,
    entries: Vec<String>,
) -> Vec<(String, Vec<u8>)> {
    let shards = shard_terms(postings);
    let keys: Vec<String> = shards.keys().cloned().collect();

    // Each shard and chunk is a file of its own, written in parallel; what
    // a file is made of is let go as it is made.
    let mut files: Vec<(String, Vec<u8>)> = shards
        .into_par_iter()
        .map(|(key, terms)| {
            (
                format!("search/t-{key}.js"),
                script(&format!("t-{key}"), &terms),
            )
        })
        .collect();
    let (chunk_starts, chunks) = doc_chunks(entries);
    files.extend(chunks);
    let build = fingerprint(&files);
    files.push((
        "search/meta.js".to_string(),
        meta_file(docs, &chunk_starts, &keys, &build),
    ));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// Calls `f` with every index term of `text`, in order. The theme's script
/// tokenizes queries by the same rules: lowercase (with `ς` as `σ`, so no
/// rule depends on a letter's place in the word), runs of letters and
/// digits, apostrophes dropped inside a word, each CJK character a term.
pub fn for_each_term(text: &str, mut f: impl FnMut(&str)) {
    scan_terms(text, |term| f(term.as_str()));
}

/// A term as [`scan_terms`] finds it: a slice of the text itself (most
/// words, already lowercase) or a lowercased copy that lives only for the
/// call, so callers copy only what they keep.
enum Term<'t, 'w> {
    InText(&'t str),
    Copied(&'w str),
}

impl Term<'_, '_> {
    fn as_str(&self) -> &str {
        match self {
            Term::InText(s) | Term::Copied(s) => s,
        }
    }
}

fn scan_terms<'t>(text: &'t str, mut f: impl for<'w> FnMut(Term<'t, 'w>)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut word = String::new();
    while i < bytes.len() {
        // Most words are lowercase ASCII: handed over as slices of `text`.
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_lowercase() || bytes[i].is_ascii_digit()) {
            i += 1;
        }
        let simple_end = i;
        let at_boundary = i == bytes.len()
            || (bytes[i].is_ascii() && !bytes[i].is_ascii_alphanumeric() && bytes[i] != b'\'');
        if at_boundary {
            if simple_end > start && keep_term(&text[start..simple_end]) {
                f(Term::InText(&text[start..simple_end]));
            }
            i += 1;
            continue;
        }
        // Anything else (capitals, apostrophes, other scripts) is built up
        // in `word`, lowercased, until the word ends.
        word.clear();
        word.push_str(&text[start..simple_end]);
        let flush = |word: &mut String, f: &mut dyn for<'w> FnMut(Term<'t, 'w>)| {
            if keep_term(word) {
                f(Term::Copied(word));
            }
            word.clear();
        };
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii() {
                i += 1;
                if b.is_ascii_alphanumeric() {
                    word.push(char::from(b.to_ascii_lowercase()));
                } else if b != b'\'' {
                    break;
                }
                continue;
            }
            let c = text[i..].chars().next().unwrap_or(' ');
            i += c.len_utf8();
            if is_apostrophe(c) {
                continue;
            }
            if is_cjk(c) {
                flush(&mut word, &mut f);
                word.push(c);
                flush(&mut word, &mut f);
            } else if c.is_alphanumeric() {
                // Lowercase first, then keep what is a letter or digit: the
                // order the script follows ('İ' lowercases to 'i' and a dot).
                for lower in c.to_lowercase() {
                    if lower.is_alphanumeric() {
                        word.push(if lower == 'ς' { 'σ' } else { lower });
                    } else {
                        flush(&mut word, &mut f);
                    }
                }
            } else {
                break;
            }
        }
        flush(&mut word, &mut f);
    }
}

fn keep_term(word: &str) -> bool {
    !word.is_empty()
        && (word.len() <= MAX_TERM_CHARS || word.chars().count() <= MAX_TERM_CHARS)
        && !is_stop_word(word)
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Whether `term` is in [`STOP_WORDS`]; a `match` because this runs for
/// every word of every page.
pub fn is_stop_word(term: &str) -> bool {
    term.len() <= 5
        && matches!(
            term,
            "a" | "an"
                | "and"
                | "are"
                | "as"
                | "at"
                | "be"
                | "but"
                | "by"
                | "for"
                | "from"
                | "has"
                | "have"
                | "in"
                | "is"
                | "it"
                | "its"
                | "of"
                | "on"
                | "or"
                | "that"
                | "the"
                | "their"
                | "then"
                | "there"
                | "these"
                | "this"
                | "to"
                | "was"
                | "were"
                | "will"
                | "with"
        )
}

/// Scripts without spaces between words: each character is a term.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// The shard key of `term` at `depth` characters: lowercase ASCII letters
/// and digits as they are, anything else as `_` and its hex code point, so
/// keys are safe file names everywhere.
pub fn shard_key(term: &str, depth: usize) -> String {
    let mut key = String::new();
    for c in term.chars().take(depth) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            key.push(c);
        } else {
            key.push_str(&format!("_{:x}", c as u32));
        }
    }
    key
}

/// One section of a page: the part under a heading (or before the first).
struct Section<'a> {
    id: &'a str,
    heading: &'a str,
    text: &'a str,
}

fn sections(doc: &SearchDoc) -> Vec<Section<'_>> {
    let by_id: BTreeMap<&str, &str> = doc
        .body_by_heading
        .iter()
        .map(|(id, text)| (id.as_str(), text.as_str()))
        .collect();
    let intro = match by_id.get("") {
        Some(text) => *text,
        None if doc.body_by_heading.is_empty() => doc.body.as_str(),
        None => "",
    };
    let mut out = vec![Section {
        id: "",
        heading: "",
        text: intro,
    }];
    for (id, heading) in doc.headings.iter() {
        let text = by_id.get(id.as_str()).copied().unwrap_or("");
        out.push(Section { id, heading, text });
    }
    // A set, not a scan of the headings per id: pages with many headings
    // stay linear.
    let heading_ids: std::collections::HashSet<&str> =
        doc.headings.iter().map(|(h, _)| h.as_str()).collect();
    for (id, text) in doc.body_by_heading.iter() {
        if !id.is_empty() && !heading_ids.contains(id.as_str()) {
            out.push(Section {
                id,
                heading: "",
                text,
            });
        }
    }
    out
}

/// One term of one document: its score and the section it is most about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Posting {
    doc: u32,
    score: u32,
    section: u32,
}

/// The terms of one document (in no particular order) and its sections.
struct DocTerms<'a> {
    terms: Vec<DocTerm<'a>>,
    sections: Vec<(String, String, String)>,
}

/// One term of one document: the term, its score, the section it is most
/// about and its partition (see [`PARTS`]).
type DocTerm<'a> = (Cow<'a, str>, u32, u32, u8);

/// The terms are inverted in this many partitions at once, each a map of
/// its own: a term's partition is a hash of it, so they are even in size
/// whatever the language, and two never hold the same term.
const PARTS: u8 = 16;

fn part_of(term: &str) -> u8 {
    let mut hash = FastHash::default();
    hash.write(term.as_bytes());
    // The high bits: the multiply leaves the low ones poorly mixed.
    (hash.finish() >> 56) as u8 % PARTS
}

/// A multiply-rotate hash, eight bytes at a time (the scheme of rustc's
/// FxHash): the term maps hash millions of short words, where the default
/// SipHash (built against hostile keys, which page text is not) costs
/// several times more. Output never depends on it: maps are sorted before
/// anything is written.
#[derive(Default)]
struct FastHash(u64);

impl FastHash {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for FastHash {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }
}

#[derive(Default)]
struct TermStat {
    tf: u32,
    boost: u32,
    /// Weighted count in the section being read. Sections are read in
    /// order, so a running best needs no list.
    section: u32,
    count: u32,
    best_section: u32,
    best_count: u32,
}

impl TermStat {
    /// The first section with the highest count.
    fn best_section(&self) -> u32 {
        if self.count > self.best_count {
            self.section
        } else {
            self.best_section
        }
    }
}

fn analyse<'a>(doc: &'a SearchDoc) -> DocTerms<'a> {
    // Keys borrow the page's text where they can: no copy per word.
    let mut stats: HashMap<Cow<'a, str>, TermStat, BuildHasherDefault<FastHash>> =
        HashMap::with_capacity_and_hasher(512, BuildHasherDefault::default());
    let mut add = |term: Term<'a, '_>, section: u32, tf: u32, weight: u32, boost: u32| {
        let stat = match stats.get_mut(term.as_str()) {
            Some(stat) => stat,
            None => {
                let key = match term {
                    Term::InText(s) => Cow::Borrowed(s),
                    Term::Copied(s) => Cow::Owned(s.to_string()),
                };
                stats.entry(key).or_default()
            }
        };
        stat.tf += tf;
        stat.boost |= boost;
        if weight > 0 {
            if stat.section != section {
                stat.best_section = stat.best_section();
                stat.best_count = stat.best_count.max(stat.count);
                stat.section = section;
                stat.count = 0;
            }
            stat.count += weight;
        }
    };
    const IN_TITLE: u32 = 1;
    const IN_HEADING: u32 = 2;
    const IN_DESCRIPTION: u32 = 4;
    scan_terms(&doc.title, |t| add(t, 0, 0, 0, IN_TITLE));
    scan_terms(&doc.description, |t| add(t, 0, 0, 0, IN_DESCRIPTION));
    let sections = sections(doc);
    for (i, section) in sections.iter().enumerate() {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        scan_terms(section.heading, |t| {
            add(t, i, 1, HEADING_SECTION_WEIGHT, IN_HEADING)
        });
        scan_terms(section.text, |t| add(t, i, 1, 1, 0));
    }
    let terms = stats.into_iter().map(|(term, stat)| {
        let mut score = stat.tf.min(TF_CAP);
        if stat.boost & IN_TITLE != 0 {
            score += TITLE_BOOST;
        }
        if stat.boost & IN_HEADING != 0 {
            score += HEADING_BOOST;
        }
        if stat.boost & IN_DESCRIPTION != 0 {
            score += DESCRIPTION_BOOST;
        }
        let part = part_of(&term);
        (term, score.max(1), stat.best_section(), part)
    });
    let terms = terms.collect();
    let sections = sections
        .iter()
        .map(|s| (s.id.to_string(), s.heading.to_string(), snippet(s.text)))
        .collect();
    DocTerms { terms, sections }
}

/// The first [`SNIPPET_CHARS`] characters of `text` with whitespace
/// collapsed, cut at a word boundary.
fn snippet(text: &str) -> String {
    let mut out = String::with_capacity(SNIPPET_CHARS + 8);
    let mut count = 0;
    let mut space = false;
    // Byte length of `out` at the last space, to cut back to a word.
    let mut last_space = None;
    for c in text.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            if count + 1 >= SNIPPET_CHARS {
                out.truncate(out.len());
                out.push('…');
                return out;
            }
            last_space = Some(out.len());
            out.push(' ');
            count += 1;
            space = false;
        }
        if count >= SNIPPET_CHARS {
            if let Some(cut) = last_space {
                out.truncate(cut);
            }
            out.push('…');
            return out;
        }
        out.push(c);
        count += 1;
    }
    out
}

/// Documents analysed at a time: their terms are folded into the postings
/// before the next ones are read, so the terms of every page are never held
/// at once.
const ANALYSE_CHUNK: usize = 256;

/// Term -> (documents with it, its best postings so far) of one partition
/// of the terms. A word in more than twice the cap of documents is cut
/// back to its best as it grows: the best of the whole list are among the
/// best of each part, so the result is the same, and a big site never
/// holds every posting of its commonest words.
#[derive(Default)]
struct Postings(HashMap<String, (u32, Vec<Posting>), BuildHasherDefault<FastHash>>);

impl Postings {
    /// Adds the terms of document `doc` in partition `part`; documents
    /// may come in any order.
    fn add(&mut self, doc: u32, terms: &[DocTerm], part: u8) {
        for (term, score, section, _) in terms.iter().filter(|t| t.3 == part) {
            let posting = Posting {
                doc,
                score: *score,
                section: *section,
            };
            match self.0.get_mut(term.as_ref()) {
                Some((df, list)) => {
                    *df = df.saturating_add(1);
                    list.push(posting);
                    if list.len() >= 2 * POSTINGS_CAP {
                        keep_best(list);
                    }
                }
                None => {
                    self.0.insert(term.to_string(), (1, vec![posting]));
                }
            }
        }
    }

    /// Each term's postings, capped at [`POSTINGS_CAP`] (sorted by doc), as
    /// `[df, doc delta, score, section, doc delta, score, section, ...]`.
    fn encode(self) -> impl Iterator<Item = (String, Vec<u32>)> {
        self.0.into_iter().map(|(term, (df, mut list))| {
            if df as usize > POSTINGS_CAP {
                keep_best(&mut list);
            }
            list.sort_unstable_by_key(|p| p.doc);
            let mut encoded = Vec::with_capacity(1 + 3 * list.len());
            encoded.push(df);
            let mut previous = 0;
            for p in list {
                encoded.extend([p.doc - previous, p.score, p.section]);
                previous = p.doc;
            }
            (term, encoded)
        })
    }
}

/// Cuts `list` to its [`POSTINGS_CAP`] best postings: highest score
/// first, then the earliest document.
fn keep_best(list: &mut Vec<Posting>) {
    let best_first = |a: &Posting, b: &Posting| b.score.cmp(&a.score).then(a.doc.cmp(&b.doc));
    if list.len() > POSTINGS_CAP {
        list.select_nth_unstable_by(POSTINGS_CAP - 1, best_first);
        list.truncate(POSTINGS_CAP);
    }
}

type Shard = BTreeMap<String, Vec<u32>>;

/// Groups terms into shards keyed by their first characters, splitting a
/// shard that grows past [`SHARD_SPLIT_BYTES`] by one more character.
fn shard_terms(postings: BTreeMap<String, Vec<u32>>) -> BTreeMap<String, Shard> {
    let sized: Vec<(&str, usize)> = postings
        .iter()
        .map(|(term, list)| (term.as_str(), encoded_len(term, list)))
        .collect();
    let mut keys: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    split_group(&sized, 1, &mut keys);
    // Term -> shard key, then the postings are moved, not copied, into place.
    let key_of: HashMap<&str, &str, BuildHasherDefault<FastHash>> = keys
        .iter()
        .flat_map(|(key, terms)| terms.iter().map(move |t| (*t, key.as_str())))
        .collect();
    let key_of: Vec<String> = postings
        .keys()
        .map(|t| key_of.get(t.as_str()).copied().unwrap_or("").to_string())
        .collect();
    let mut shards: BTreeMap<String, Shard> = BTreeMap::new();
    for ((term, list), key) in postings.into_iter().zip(key_of) {
        shards.entry(key).or_default().insert(term, list);
    }
    shards
}

/// Assigns each of `terms` (all sharing a key of `depth - 1` characters) a
/// shard of `depth` characters, recursing into groups that are too big.
fn split_group<'a>(
    terms: &[(&'a str, usize)],
    depth: usize,
    out: &mut BTreeMap<String, Vec<&'a str>>,
) {
    let mut groups: BTreeMap<String, Vec<(&'a str, usize)>> = BTreeMap::new();
    for &(term, size) in terms {
        groups
            .entry(shard_key(term, depth))
            .or_default()
            .push((term, size));
    }
    for (key, group) in groups {
        let total: usize = group.iter().map(|(_, size)| size).sum();
        if total <= SHARD_SPLIT_BYTES || depth >= MAX_KEY_CHARS {
            out.entry(key)
                .or_default()
                .extend(group.iter().map(|(t, _)| *t));
            continue;
        }
        let (here, deeper): (Vec<_>, Vec<_>) = group
            .into_iter()
            .partition(|(t, _)| t.chars().count() <= depth);
        if !here.is_empty() {
            out.entry(key)
                .or_default()
                .extend(here.iter().map(|(t, _)| *t));
        }
        split_group(&deeper, depth + 1, out);
    }
}

/// Bytes `"term":[1,2,3],` takes in a shard.
fn encoded_len(term: &str, list: &[u32]) -> usize {
    let digits: usize = list
        .iter()
        .map(|&n| n.checked_ilog10().unwrap_or(0) as usize + 2)
        .sum();
    term.len() + 4 + digits
}

/// One document in a chunk: path, title, description, sections as
/// `[heading id, heading text, snippet]`, and the result type (`""` for a
/// page).
#[derive(Serialize)]
struct ChunkDoc<'a>(
    &'a str,
    &'a str,
    &'a str,
    &'a [(String, String, String)],
    &'a str,
);

/// A document's entry in its chunk, as JSON.
fn chunk_entry(doc: &SearchDoc, sections: &[(String, String, String)]) -> String {
    let entry = ChunkDoc(&doc.path, &doc.title, &doc.description, sections, &doc.kind);
    serde_json::to_string(&entry).unwrap_or_else(|_| "null".to_string())
}

/// Joins the documents' entries into chunks of about [`CHUNK_BYTES`] of
/// JSON each; returns the first doc id of every chunk and the chunks'
/// files (`search/d-N.js`), each entry let go as it is copied in.
fn doc_chunks(entries: Vec<String>) -> (Vec<usize>, Vec<(String, Vec<u8>)>) {
    let mut starts = Vec::new();
    let mut files = Vec::new();
    let mut current: Vec<u8> = Vec::new();
    let mut json_from = 0;
    let close = |current: &mut Vec<u8>, files: &mut Vec<(String, Vec<u8>)>| {
        current.extend_from_slice(b"]);\n");
        let name = format!("search/d-{}.js", files.len());
        files.push((name, std::mem::take(current)));
    };
    for (i, entry) in entries.into_iter().enumerate() {
        if current.is_empty() {
            starts.push(i);
            current = format!("{CALLBACK}({:?},[", format!("d-{}", files.len())).into_bytes();
            json_from = current.len() - 1;
        } else {
            current.push(b',');
        }
        current.extend_from_slice(entry.as_bytes());
        if current.len() - json_from >= CHUNK_BYTES {
            close(&mut current, &mut files);
        }
    }
    if !current.is_empty() {
        close(&mut current, &mut files);
    }
    (starts, files)
}

/// FNV-1a over every shard and chunk: the script adds it to their URLs so
/// a browser never mixes a cached shard with a newer `meta.js`.
fn fingerprint(files: &[(String, Vec<u8>)]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (name, bytes) in files {
        for &b in name.as_bytes().iter().chain(bytes) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

#[derive(Serialize)]
struct Meta<'a> {
    version: u32,
    /// Changes whenever any shard or chunk changes.
    build: &'a str,
    docs: usize,
    sections: Vec<&'a str>,
    /// Index into `sections` per document, run-length encoded as
    /// `[value, count, value, count, ...]` (pages of a section are adjacent).
    section: Vec<usize>,
    /// Distinct role sets; `[]` (a page for everyone) is always first.
    role_sets: Vec<Vec<&'a str>>,
    /// Index into `role_sets` per document, one character per document:
    /// the index is the character's code minus 48 (`"0"` is 0).
    roles: String,
    /// Number of documents in each `d-N.js` chunk, in order, encoded like `roles`.
    chunks: String,
    /// Keys of the `t-KEY.js` shards.
    shards: Vec<&'a str>,
    stop_words: &'static [&'static str],
    /// Lowercased ids (backlog items, initiatives) -> document number: a
    /// search for exactly one of them jumps to it.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    ids: BTreeMap<String, usize>,
}

fn meta_file(
    docs: &[&SearchDoc],
    chunk_starts: &[usize],
    shards: &[String],
    build: &str,
) -> Vec<u8> {
    let mut sections: BTreeMap<&str, usize> = BTreeMap::new();
    let mut section_list = Vec::new();
    let mut role_sets: Vec<Vec<&str>> = vec![Vec::new()];
    let mut section = Vec::with_capacity(docs.len());
    let mut roles = Vec::with_capacity(docs.len());
    for doc in docs {
        let next = section_list.len();
        let s = *sections.entry(doc.section.as_str()).or_insert(next);
        if s == next {
            section_list.push(doc.section.as_str());
        }
        section.push(s);
        let mut set: Vec<&str> = doc.roles.iter().map(String::as_str).collect();
        set.sort_unstable();
        set.dedup();
        let r = match role_sets.iter().position(|known| *known == set) {
            Some(r) => r,
            None => {
                role_sets.push(set);
                role_sets.len() - 1
            }
        };
        roles.push(r);
    }
    let chunks = chunk_starts
        .iter()
        .zip(chunk_starts.iter().skip(1).chain([&docs.len()]))
        .map(|(start, end)| small_int_char(end - start))
        .collect();
    let meta = Meta {
        version: FORMAT_VERSION,
        build,
        docs: docs.len(),
        sections: section_list,
        section: run_lengths(&section),
        role_sets,
        roles: roles.into_iter().map(small_int_char).collect(),
        chunks,
        shards: shards.iter().map(String::as_str).collect(),
        stop_words: STOP_WORDS,
        ids: docs
            .iter()
            .enumerate()
            .filter(|(_, d)| !d.id.is_empty())
            .map(|(i, d)| (d.id.to_lowercase(), i))
            .collect(),
    };
    script("meta", &meta)
}

/// A small number as one character: code point `48 + n` (`'0'` for 0),
/// skipping the surrogate range, which no string can hold.
fn small_int_char(n: usize) -> char {
    let code = u32::try_from(n).unwrap_or(u32::MAX).saturating_add(48);
    let code = if code >= 0xD800 {
        code.saturating_add(0x800)
    } else {
        code
    };
    char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// `[1, 1, 1, 0]` -> `[1, 3, 0, 1]`.
fn run_lengths(values: &[usize]) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    for &v in values {
        match out.len() {
            n if n >= 2 && out[n - 2] == v => out[n - 1] += 1,
            _ => out.extend([v, 1]),
        }
    }
    out
}

/// `rolebookSearchData("name",{...});` plus a newline.
fn script(name: &str, data: &impl Serialize) -> Vec<u8> {
    script_raw(
        name,
        &serde_json::to_string(data).unwrap_or_else(|_| "null".to_string()),
    )
}

fn script_raw(name: &str, json: &str) -> Vec<u8> {
    format!("{CALLBACK}({name:?},{json});\n").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(path: &str, title: &str, body: &str) -> SearchDoc {
        SearchDoc {
            path: path.into(),
            title: title.into(),
            section: "Guides".into(),
            body: body.into(),
            ..SearchDoc::default()
        }
    }

    fn file<'a>(files: &'a [(String, Vec<u8>)], name: &str) -> &'a str {
        let (_, bytes) = files
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no {name}"));
        std::str::from_utf8(bytes).expect("utf-8")
    }

    /// The JSON payload of a `rolebookSearchData("name",PAYLOAD);` file.
    fn payload(text: &str) -> serde_json::Value {
        let start = text.find(',').expect("comma") + 1;
        let end = text.rfind(");").expect("end");
        serde_json::from_str(&text[start..end]).expect("json")
    }

    fn terms(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for_each_term(text, |t| out.push(t.to_string()));
        out
    }

    #[test]
    fn stop_word_list_and_match_agree() {
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, STOP_WORDS);
        assert!(STOP_WORDS.iter().all(|w| is_stop_word(w)));
        assert!(!is_stop_word("theme") && !is_stop_word("") && !is_stop_word("ands"));
    }

    #[test]
    fn tokenizer_lowercases_drops_stop_words_and_apostrophes() {
        assert_eq!(
            terms("The PO's Backlog, in v2.0!"),
            ["pos", "backlog", "v2", "0"]
        );
        assert_eq!(terms("Ünïcode ÉTÉ"), ["ünïcode", "été"]);
        assert_eq!(terms("ΟΔΟΣ οδος"), ["οδοσ", "οδοσ"]);
        assert_eq!(terms("don’t rock'n'roll"), ["dont", "rocknroll"]);
        assert_eq!(
            terms("製品ロードマップ"),
            ["製", "品", "ロ", "ー", "ド", "マ", "ッ", "プ"]
        );
        assert!(terms(&"x".repeat(41)).is_empty());
    }

    /// The rules of [`for_each_term`] written plainly, char by char.
    fn reference_terms(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut word = String::new();
        let mut flush = |word: &mut String| {
            if !word.is_empty() && word.chars().count() <= MAX_TERM_CHARS && !is_stop_word(word) {
                out.push(word.clone());
            }
            word.clear();
        };
        for c in text.chars() {
            if is_apostrophe(c) {
                continue;
            }
            if is_cjk(c) {
                flush(&mut word);
                word.push(c);
                flush(&mut word);
            } else if c.is_alphanumeric() {
                for lower in c.to_lowercase() {
                    if lower.is_alphanumeric() {
                        word.push(if lower == 'ς' { 'σ' } else { lower });
                    } else {
                        flush(&mut word);
                    }
                }
            } else {
                flush(&mut word);
            }
        }
        flush(&mut word);
        out
    }

    #[test]
    fn tokenizer_fast_path_matches_the_plain_rules() {
        let alphabet: Vec<char> = "abcxyz09 ABZ'’.-_,\n\té ÉßΣςİı製品ロー—🙂"
            .chars()
            .collect();
        let mut seed: u64 = 7;
        for _ in 0..3000 {
            let len = (seed % 24) as usize;
            let text: String = (0..len)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    alphabet[(seed >> 33) as usize % alphabet.len()]
                })
                .collect();
            assert_eq!(terms(&text), reference_terms(&text), "text {text:?}");
        }
    }

    #[test]
    fn shard_keys_are_safe_file_names() {
        assert_eq!(shard_key("backlog", 2), "ba");
        assert_eq!(shard_key("b", 2), "b");
        assert_eq!(shard_key("über", 2), "_fcb");
        assert_eq!(shard_key("製品", 1), "_88fd");
    }

    #[test]
    fn index_files_are_scripts_under_search() {
        let files = build_index(&[doc(
            "a/",
            "Backlog refinement",
            "Refine the backlog weekly.",
        )]);
        assert!(
            files
                .iter()
                .all(|(name, _)| name.starts_with("search/") && name.ends_with(".js"))
        );
        let meta = file(&files, "search/meta.js");
        assert!(meta.starts_with("rolebookSearchData(\"meta\",{"), "{meta}");
        let meta = payload(meta);
        assert_eq!(meta["docs"], 1);
        assert_eq!(meta["sections"], serde_json::json!(["Guides"]));
        assert_eq!(meta["shards"], serde_json::json!(["b", "r", "w"]));
    }

    #[test]
    fn postings_carry_score_and_best_section() {
        let mut a = doc("roles/po/", "Product Owner", "intro");
        a.headings = std::sync::Arc::new(vec![
            ("backlog".into(), "The backlog".into()),
            ("vision".into(), "Vision".into()),
        ]);
        a.body_by_heading = std::sync::Arc::new(vec![
            ("".into(), "intro text".into()),
            ("backlog".into(), "Order the backlog by value.".into()),
            (
                "vision".into(),
                "A vision statement; the backlog serves it.".into(),
            ),
        ]);
        let b = doc("roles/pm/", "Product Manager", "Owns the backlog too.");
        let files = build_index(&[a, b]);
        let shard = payload(file(&files, "search/t-b.js"));
        // df 2; doc 0: tf 3 (heading + 2 in text) + heading boost, section 1 ("backlog");
        // doc 1 (delta 1): tf 1, section 0.
        assert_eq!(
            shard["backlog"],
            serde_json::json!([2, 0, 3 + HEADING_BOOST, 1, 1, 1, 0])
        );
        let owner = payload(file(&files, "search/t-o.js"));
        assert_eq!(owner["owner"], serde_json::json!([1, 0, TITLE_BOOST, 0]));
        let chunk = payload(file(&files, "search/d-0.js"));
        assert_eq!(chunk[0][0], "roles/po/");
        assert_eq!(
            chunk[0][3][1],
            serde_json::json!(["backlog", "The backlog", "Order the backlog by value."])
        );
        assert_eq!(
            chunk[1][3][0],
            serde_json::json!(["", "", "Owns the backlog too."])
        );
    }

    #[test]
    fn roles_and_sections_are_indexed_per_doc() {
        let mut a = doc("a/", "A", "");
        a.roles = vec!["po".into()];
        let mut b = doc("b/", "B", "");
        b.roles = vec!["pm".into(), "po".into()];
        b.section = "Team".into();
        let c = doc("c/", "C", "");
        let meta = payload(file(&build_index(&[a, b, c]), "search/meta.js"));
        assert_eq!(
            meta["role_sets"],
            serde_json::json!([[], ["po"], ["pm", "po"]])
        );
        assert_eq!(meta["roles"], "120");
        assert_eq!(meta["sections"], serde_json::json!(["Guides", "Team"]));
        assert_eq!(meta["section"], serde_json::json!([0, 1, 1, 1, 0, 1]));
        assert_eq!(meta["chunks"], "3");
    }

    #[test]
    fn common_terms_are_capped_but_keep_their_document_frequency() {
        let docs: Vec<SearchDoc> = (0..POSTINGS_CAP + 50)
            .map(|i| doc(&format!("p{i}/"), "Page", "common words here"))
            .collect();
        let files = build_index(&docs);
        let shard_name = files
            .iter()
            .map(|(n, _)| n)
            .find(|n| n.starts_with("search/t-c"))
            .expect("c shard");
        let list = payload(file(&files, shard_name))["common"].clone();
        assert_eq!(list[0], POSTINGS_CAP + 50);
        assert_eq!(list.as_array().expect("array").len(), 1 + 3 * POSTINGS_CAP);
    }

    #[test]
    fn big_shards_split_and_every_term_finds_its_shard() {
        let docs = synthetic(3000, 300);
        let files = build_index(&docs);
        let meta = payload(file(&files, "search/meta.js"));
        let shards: Vec<String> = meta["shards"]
            .as_array()
            .expect("shards")
            .iter()
            .map(|k| k.as_str().unwrap_or("").to_string())
            .collect();
        assert!(
            shards.iter().any(|k| k.chars().count() > 1),
            "no shard was split: {shards:?}"
        );
        for (name, bytes) in &files {
            if let Some(key) = name
                .strip_prefix("search/t-")
                .and_then(|n| n.strip_suffix(".js"))
            {
                assert!(
                    bytes.len() < SHARD_SPLIT_BYTES * 3,
                    "{name} is {} bytes",
                    bytes.len()
                );
                let text = std::str::from_utf8(bytes).expect("utf-8");
                for term in payload(text).as_object().expect("object").keys() {
                    assert_eq!(shard_for(&shards, term), key, "term {term}");
                }
            }
        }
    }

    #[test]
    fn postings_do_not_depend_on_partitions_or_threads() {
        let docs = synthetic(1200, 200);
        let refs: Vec<&SearchDoc> = docs.iter().collect();
        // The plain way: one map, every document's terms in order.
        let mut plain: BTreeMap<String, Vec<Posting>> = BTreeMap::new();
        for (d, doc) in refs.iter().enumerate() {
            for (term, score, section, _) in analyse(doc).terms {
                let doc = u32::try_from(d).expect("doc");
                plain.entry(term.into_owned()).or_default().push(Posting {
                    doc,
                    score,
                    section,
                });
            }
        }
        let mut capped = 0;
        let expected: BTreeMap<String, Vec<u32>> = plain
            .into_iter()
            .map(|(term, mut list)| {
                let df = u32::try_from(list.len()).expect("df");
                if list.len() > POSTINGS_CAP {
                    capped += 1;
                    list.sort_by(|a, b| b.score.cmp(&a.score).then(a.doc.cmp(&b.doc)));
                    list.truncate(POSTINGS_CAP);
                    list.sort_by_key(|p| p.doc);
                }
                let mut encoded = vec![df];
                let mut previous = 0;
                for p in list {
                    encoded.extend([p.doc - previous, p.score, p.section]);
                    previous = p.doc;
                }
                (term, encoded)
            })
            .collect();
        assert!(capped > 0, "no term was common enough to be capped");
        // Added in batches out of order, as a build adds its pages.
        let mut batches: Vec<Vec<(u32, &SearchDoc)>> = (0u32..)
            .zip(refs.iter().copied())
            .collect::<Vec<_>>()
            .chunks(97)
            .map(<[_]>::to_vec)
            .collect();
        batches.reverse();
        let mut index = Index::default();
        for batch in &batches {
            let mut batch = batch.clone();
            batch.reverse();
            index.add(&batch);
        }
        assert_eq!(index.invert().0, expected);
        let on = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("thread pool")
                .install(|| build_index(&docs))
        };
        assert_eq!(on(1), on(4));
    }

    #[test]
    fn data_documents_carry_their_type_and_ids() {
        let mut item = doc(
            "team/backlog/chk-10/#chk-13",
            "CHK-13: Delete a card",
            "Wallet",
        );
        item.kind = "item".into();
        item.id = "CHK-13".into();
        let files = build_index(&[doc("guide/", "Guide", "text"), item]);
        let meta = payload(file(&files, "search/meta.js"));
        assert_eq!(meta["ids"], serde_json::json!({"chk-13": 1}));
        let chunk = payload(file(&files, "search/d-0.js"));
        assert_eq!(chunk[0][4], "");
        assert_eq!(chunk[1][0], "team/backlog/chk-10/#chk-13");
        assert_eq!(chunk[1][4], "item");
        let plain = build_index(&[doc("guide/", "Guide", "text")]);
        assert!(payload(file(&plain, "search/meta.js")).get("ids").is_none());
    }

    #[test]
    fn output_is_deterministic() {
        let docs = synthetic(300, 80);
        assert_eq!(build_index(&docs), build_index(&docs));
    }

    #[test]
    fn snippets_cut_at_a_word() {
        let text = "word ".repeat(100);
        let s = snippet(&text);
        assert!(s.ends_with('…'));
        assert!(s.chars().count() <= SNIPPET_CHARS + 1);
        assert_eq!(snippet("  short\n text "), "short text");
    }

    /// What the theme's script does: the longest listed key along the term.
    fn shard_for<'a>(shards: &'a [String], term: &str) -> &'a str {
        (1..=term.chars().count())
            .rev()
            .map(|d| shard_key(term, d))
            .find_map(|k| shards.iter().find(|s| **s == k))
            .map_or("", String::as_str)
    }

    /// A deterministic corpus: Zipf-distributed words from a made-up
    /// vocabulary, six headings a page, `words` words a page.
    fn synthetic(pages: usize, words: usize) -> Vec<SearchDoc> {
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let letters = b"etaoinshrdlucmfwypvbgkjqxz";
        let vocabulary: Vec<String> = (0..30_000)
            .map(|_| {
                let len = 3 + (next() % 9) as usize;
                (0..len)
                    .map(|_| letters[(next() % 26).min(next() % 26) as usize] as char)
                    .collect()
            })
            .collect();
        // Zipf: word rank ~ 1 / u, truncated to the vocabulary.
        let word = move |next: &mut dyn FnMut() -> u64| {
            let u = (next() % 1_000_000) as f64 / 1_000_000.0 + 1e-6;
            let rank = ((1.0 / u).powf(1.1) as usize).min(vocabulary.len()) - 1;
            vocabulary[rank].clone()
        };
        (0..pages)
            .map(|i| {
                let sentence = |n: usize, next: &mut dyn FnMut() -> u64| {
                    (0..n).map(|_| word(next)).collect::<Vec<_>>().join(" ")
                };
                let title = sentence(3, &mut next);
                let headings: Vec<(String, String)> = (0..6)
                    .map(|h| (format!("h{h}"), sentence(3, &mut next)))
                    .collect();
                let mut body_by_heading = vec![(String::new(), sentence(words / 7, &mut next))];
                for (id, _) in &headings {
                    body_by_heading.push((id.clone(), sentence(words / 7, &mut next)));
                }
                let body = body_by_heading
                    .iter()
                    .map(|(_, t)| t.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                SearchDoc {
                    path: format!("section-{:03}/page-{i:05}/", i / 50),
                    title,
                    section: format!("Section {}", i / 50),
                    roles: match i % 3 {
                        0 => vec![],
                        1 => vec!["po".into()],
                        _ => vec!["pm".into(), "po".into()],
                    },
                    description: sentence(12, &mut next),
                    headings: headings.into(),
                    body,
                    body_by_heading: body_by_heading.into(),
                    ..SearchDoc::default()
                }
            })
            .collect()
    }

    /// Sizes for a 10,000-page site of ~650 words a page: the whole index,
    /// what the search box loads when it opens, and what typical queries
    /// load on top of that. Printed, not asserted (run with --nocapture).
    #[test]
    fn index_size_for_ten_thousand_pages() {
        let started = std::time::Instant::now();
        let docs = synthetic(10_000, 650);
        let generated = started.elapsed();
        let files = build_index(&docs);
        println!(
            "(generated in {generated:?}, indexed in {:?})",
            started.elapsed() - generated
        );
        let total: usize = files.iter().map(|(_, b)| b.len()).sum();
        let size_of = |name: &str| {
            files
                .iter()
                .find(|(n, _)| n == name)
                .map_or(0, |(_, b)| b.len())
        };
        let meta_text = file(&files, "search/meta.js");
        let meta = payload(meta_text);
        let shards: Vec<String> = meta["shards"]
            .as_array()
            .expect("shards")
            .iter()
            .map(|k| k.as_str().unwrap_or("").to_string())
            .collect();
        let term_files = files
            .iter()
            .filter(|(n, _)| n.starts_with("search/t-"))
            .count();
        let doc_files = files
            .iter()
            .filter(|(n, _)| n.starts_with("search/d-"))
            .count();
        let largest_shard = files
            .iter()
            .filter(|(n, _)| n.starts_with("search/t-"))
            .map(|(_, b)| b.len())
            .max();
        println!(
            "10,000 pages: {} files, {} bytes in all",
            files.len(),
            total
        );
        println!(
            "  meta.js {} bytes; {term_files} term shards (largest {largest_shard:?} bytes); {doc_files} doc chunks",
            meta_text.len()
        );
        let chunk_avg = files
            .iter()
            .filter(|(n, _)| n.starts_with("search/d-"))
            .map(|(_, b)| b.len())
            .sum::<usize>()
            / doc_files.max(1);
        // Queries from common, middling and rare words of the corpus.
        let mut frequent: Vec<(String, usize)> = Vec::new();
        for (name, bytes) in &files {
            if name.starts_with("search/t-") {
                let text = std::str::from_utf8(bytes).expect("utf-8");
                for (term, list) in payload(text).as_object().expect("object") {
                    frequent.push((term.clone(), list[0].as_u64().unwrap_or(0) as usize));
                }
            }
        }
        frequent.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let picks = [0, 10, 100, 1000, 5000];
        for &i in &picks {
            let Some((term, df)) = frequent.get(i) else {
                continue;
            };
            let shard = format!("search/t-{}.js", shard_for(&shards, term));
            let loaded = meta_text.len() + size_of(&shard) + 10 * chunk_avg;
            println!(
                "  query {term:?} (df {df}): meta + {} ({} bytes) + ~10 chunks = ~{loaded} bytes",
                shard,
                size_of(&shard)
            );
        }
        if let Some(dir) = std::env::var_os("ROLEBOOK_SEARCH_DUMP") {
            for (name, bytes) in &files {
                let path = std::path::Path::new(&dir).join(name);
                std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
                std::fs::write(path, bytes).expect("write");
            }
        }
        assert!(meta_text.len() < total / 10);
        assert!(largest_shard.unwrap_or(0) > 0);
    }
}
