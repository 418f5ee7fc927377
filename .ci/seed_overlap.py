#!/usr/bin/env python3
"""Fail if handbook content shares a long run of words with a seed text.

Usage:
    python3 .ci/seed_overlap.py CONTENT_DIR SEEDS_DIR [--words 12] [--report-words]

Both the content files and the seed files are normalised the same way:
lowercased, Markdown and HTML markup stripped, then split into words made of
letters, digits and apostrophes. If any content file shares a run of N (default
12) or more consecutive words with any seed file, every such run is printed
with the file names and the script exits with status 1. Otherwise it prints a
one-line summary and exits 0. A missing SEEDS_DIR is not an error: the check
is skipped with a message.

--report-words also prints the word count of every Markdown page (front matter
excluded), which helps keep pages above the handbook's minimum length.
"""

import argparse
import os
import re
import sys

TEXT_SUFFIXES = {".md", ".markdown", ".toml", ".txt", ".html", ".json", ".yaml", ".yml", ".csv"}

APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": " "})
WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*", re.UNICODE)

FRONT_MATTER_RE = re.compile(r"\A(\+\+\+|---)\s*\n.*?\n\1\s*(\n|\Z)", re.S)
HTML_COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
HTML_TAG_RE = re.compile(r"</?[A-Za-z][^>]*>")
LINK_TARGET_RE = re.compile(r"\]\([^)]*\)")          # keep link text, drop target
SHORTCODE_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
HEADING_ID_RE = re.compile(r"\{#[^}]*\}")


def normalise(text, markdown=True):
    """Return the list of normalised words of a text."""
    text = text.translate(APOSTROPHES)
    if markdown:
        text = HTML_COMMENT_RE.sub(" ", text)
        text = SHORTCODE_RE.sub(" ", text)
        text = HEADING_ID_RE.sub(" ", text)
        text = LINK_TARGET_RE.sub("] ", text)
        text = HTML_TAG_RE.sub(" ", text)
    return WORD_RE.findall(text.lower())


def strip_front_matter(text):
    return FRONT_MATTER_RE.sub("", text, count=1)


def read(path):
    with open(path, "r", encoding="utf-8", errors="replace") as fh:
        return fh.read()


def iter_files(root, suffixes=None):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            if suffixes is None or os.path.splitext(name)[1].lower() in suffixes:
                yield os.path.join(dirpath, name)


def shared_runs(words, index, seed_words, n):
    """Yield (start, length, seed_name, seed_start) for maximal shared runs."""
    i = 0
    while i + n <= len(words):
        hit = index.get(tuple(words[i:i + n]))
        if hit is None:
            i += 1
            continue
        seed_name, j = hit
        sw = seed_words[seed_name]
        length = n
        while (i + length < len(words) and j + length < len(sw)
               and words[i + length] == sw[j + length]):
            length += 1
        yield i, length, seed_name, j
        i += length


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("content_dir")
    ap.add_argument("seeds_dir")
    ap.add_argument("--words", type=int, default=12,
                    help="shortest shared run that fails the check (default 12)")
    ap.add_argument("--report-words", action="store_true",
                    help="print the word count of each Markdown page")
    args = ap.parse_args(argv)
    n = args.words
    if n < 1:
        ap.error("--words must be at least 1")

    if not os.path.isdir(args.content_dir):
        print(f"seed-overlap: content dir {args.content_dir!r} does not exist", file=sys.stderr)
        return 2

    content_files = list(iter_files(args.content_dir, TEXT_SUFFIXES))

    if args.report_words:
        total = 0
        for path in content_files:
            if path.endswith(".md"):
                count = len(normalise(strip_front_matter(read(path))))
                total += count
                print(f"{count:6d}  {os.path.relpath(path, args.content_dir)}")
        print(f"{total:6d}  total words in Markdown pages")

    if not os.path.isdir(args.seeds_dir):
        print(f"seed-overlap: seeds dir {args.seeds_dir!r} does not exist; check skipped")
        return 0

    seed_words = {}
    index = {}
    for path in iter_files(args.seeds_dir):
        name = os.path.relpath(path, args.seeds_dir)
        words = normalise(read(path), markdown=False)
        seed_words[name] = words
        for j in range(len(words) - n + 1):
            index.setdefault(tuple(words[j:j + n]), (name, j))

    failures = 0
    for path in content_files:
        words = normalise(read(path))
        for start, length, seed_name, _ in shared_runs(words, index, seed_words, n):
            failures += 1
            rel = os.path.relpath(path, args.content_dir)
            run = " ".join(words[start:start + length])
            print(f"OVERLAP {rel} <-> {seed_name}: {length} words: \"{run}\"")

    if failures:
        print(f"seed-overlap: FAILED, {failures} shared run(s) of {n}+ words "
              f"({len(content_files)} content files, {len(seed_words)} seed files)")
        return 1
    print(f"seed-overlap: OK, no shared run of {n}+ words "
          f"({len(content_files)} content files, {len(seed_words)} seed files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
