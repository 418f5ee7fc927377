//! Random edit sequences for a fixture site, and a harness that applies each
//! one as `rolebook serve` does (an in-place update of the last good site, a
//! full build when the update cannot apply it, the last good site kept when
//! the change does not build) and compares what serve would answer with a
//! build from scratch of the same folder, file for file and byte for byte.
//!
//! Shared by `tests/it/live_prop.rs` (a fixed seed, a few hundred steps) and
//! `examples/live_fuzz.rs` (any seed, any number of steps).

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rolebook::output::Output;
use rolebook::site::changes::ChangeSet;
use rolebook::site::live::{Live, Update};
use rolebook::site::{BuildOptions, Project, build};

/// The `[owners]` table of the fixture's config, kept by config edits.
const OWNERS: &str = "\n[owners]\n\"Ana Ruiz\" = { team = \"Checkout\" }\n\"Ben Cho\" = { team = \"Growth\", role = \"PM\" }\n";

/// The fixture every run starts from (`tests/fixtures/live-prop`).
pub const FIXTURE: &str = "live-prop";

/// A copy of the fixture in a fresh temporary folder.
pub fn copy_fixture() -> tempfile::TempDir {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(FIXTURE);
    let dir = tempfile::tempdir().expect("temp dir");
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.expect("walk the fixture");
        let target = dir
            .path()
            .join(entry.path().strip_prefix(&src).expect("prefix"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
    dir
}

/// Runs `steps` random edits from `seed` on the site at `root`, comparing
/// after each one. The error names the step, the edits so far and the
/// first difference.
pub fn run(root: &Path, seed: u64, steps: usize) -> Result<Tally, String> {
    let mut edits = Edits::new(root, seed);
    let mut serve = Harness::start(root);
    serve
        .compare()
        .map_err(|e| format!("after the first build: {e}"))?;
    let mut log = Vec::new();
    let mut tally = Tally::default();
    for step in 1..=steps {
        let edit = edits.next();
        log.push(format!("{step:>4}. {}", edit.what));
        match serve.apply(&edit.paths) {
            Applied::InPlace => tally.in_place += 1,
            Applied::Full => tally.full += 1,
            Applied::Failed => tally.failed += 1,
        }
        if let Err(e) = serve.compare() {
            let shown = log.len().saturating_sub(25);
            return Err(format!(
                "seed {seed}, step {step}: {e}\n\nthe edits (last {}):\n{}",
                log.len() - shown,
                log[shown..].join("\n")
            ));
        }
    }
    Ok(tally)
}

/// How the steps of a run were applied: a run that only ever made full
/// builds would test little.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub in_place: usize,
    pub full: usize,
    pub failed: usize,
}

/// How serve applied one change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    InPlace,
    Full,
    Failed,
}

/// A small deterministic generator (SplitMix64): the same seed gives the
/// same edits on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// One step: what was done, in words, and the files it touched (relative
/// to the site root), as the watcher would report them.
pub struct Edit {
    pub what: String,
    pub paths: Vec<PathBuf>,
}

/// Pages a template or a link of the fixture names: edited, never removed.
const KEPT_PAGES: [&str; 7] = [
    "content/guide/intro.md",
    "content/guide/setup.md",
    "content/guide/related.md",
    "content/overview.md",
    "content/board.md",
    "content/counts.md",
    "content/notes/first.md",
];
const KEPT_SECTIONS: [&str; 3] = [
    "content/_index.md",
    "content/guide/_index.md",
    "content/notes/_index.md",
];
/// Targets of the links edits add; they always exist.
const LINKS: [&str; 6] = [
    "@/guide/intro.md",
    "@/guide/intro.md#first-steps",
    "@/guide/setup.md#before-you-start",
    "@/board.md",
    "@/notes/_index.md",
    "@backlog/PB-1",
];
const WORDS: [&str; 16] = [
    "backlog",
    "sprint",
    "review",
    "owner",
    "roadmap",
    "goal",
    "story",
    "estimate",
    "release",
    "customer",
    "outcome",
    "team",
    "metric",
    "refinement",
    "increment",
    "demo",
];
const TAGS: [&str; 5] = ["start", "basics", "data", "team", "later"];
const TEMPLATES: [&str; 4] = [
    "templates/overview.html",
    "templates/related.html",
    "templates/data-summary.html",
    "templates/alt.html",
];

struct Item {
    id: String,
    title: String,
    status: &'static str,
    points: u32,
}

/// The edit generator and what it knows of the site it made.
pub struct Edits {
    root: PathBuf,
    rng: Rng,
    n: usize,
    /// Pages and sections it created (content-relative file paths).
    new_pages: Vec<String>,
    new_sections: Vec<String>,
    new_statics: Vec<String>,
    items: Vec<Item>,
    /// A file a broken edit replaced, to put back at the next step.
    broken: Option<(String, Vec<u8>)>,
}

impl Edits {
    pub fn new(root: &Path, seed: u64) -> Edits {
        Edits {
            root: root.to_path_buf(),
            rng: Rng::new(seed),
            n: 0,
            new_pages: Vec::new(),
            new_sections: Vec::new(),
            new_statics: Vec::new(),
            items: vec![
                Item {
                    id: "PB-1".into(),
                    title: "Write the introduction".into(),
                    status: "ready",
                    points: 2,
                },
                Item {
                    id: "PB-2".into(),
                    title: "Write the setup page".into(),
                    status: "backlog",
                    points: 3,
                },
            ],
            broken: None,
        }
    }

    pub fn next(&mut self) -> Edit {
        self.n += 1;
        if let Some((rel, bytes)) = self.broken.take() {
            self.write(&rel, &bytes);
            return Edit {
                what: format!("fix {rel}"),
                paths: vec![rel.into()],
            };
        }
        if self.rng.chance(8) {
            // A burst: several edits in one batch, as a "save all" makes.
            let mut what = Vec::new();
            let mut paths = BTreeSet::new();
            for _ in 0..2 + self.rng.below(2) {
                if self.broken.is_some() {
                    // One broken file at a time, so the fix puts it back.
                    break;
                }
                let edit = self.one();
                what.push(edit.what);
                paths.extend(edit.paths);
            }
            // A burst ends whole: nothing broken is left for the next step.
            if let Some((rel, bytes)) = self.broken.take() {
                self.write(&rel, &bytes);
                what.push(format!("fix {rel}"));
                paths.insert(rel.into());
            }
            return Edit {
                what: format!("burst: {}", what.join("; ")),
                paths: paths.into_iter().collect(),
            };
        }
        self.one()
    }

    fn one(&mut self) -> Edit {
        // Names made from `n` stay unique within a burst too.
        self.n += 1;
        match self.rng.below(100) {
            0..20 => self.body(),
            20..44 => self.front_matter(),
            44..50 => self.new_page(),
            50..54 => self.delete_page(),
            54..58 => self.rename_page(),
            58..61 => self.new_section(),
            61..63 => self.delete_section(),
            63..70 => self.data(),
            70..76 => self.template(),
            76..79 => self.shortcode(),
            79..86 => self.static_file(),
            86..89 => self.config(),
            _ => self.break_something(),
        }
    }

    fn pages(&self) -> Vec<String> {
        KEPT_PAGES
            .iter()
            .map(|s| s.to_string())
            .chain(self.new_pages.iter().cloned())
            .collect()
    }

    fn sections(&self) -> Vec<String> {
        KEPT_SECTIONS
            .iter()
            .map(|s| s.to_string())
            .chain(self.new_sections.iter().map(|s| format!("{s}/_index.md")))
            .collect()
    }

    fn words(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| *self.rng.pick(&WORDS))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    fn write(&self, rel: &str, bytes: &[u8]) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
    }

    fn edited(&self, what: String, rel: &str) -> Edit {
        Edit {
            what,
            paths: vec![rel.into()],
        }
    }

    fn body(&mut self) -> Edit {
        let pool = if self.rng.chance(20) {
            self.sections()
        } else {
            self.pages()
        };
        let rel = self.rng.pick(&pool).clone();
        let mut text = self.read(&rel);
        let n = self.n;
        let kind = self.rng.below(4);
        let words = self.words(6);
        match kind {
            0 => write!(text, "\n## Part {n} {words}\n\nMore on {words}.\n"),
            1 => {
                let link = *self.rng.pick(&LINKS);
                write!(text, "\nSee [the {words}]({link}).\n")
            }
            2 => write!(text, "\n{{{{ note(text=\"{words}\") }}}}\n"),
            _ => write!(text, "\nA paragraph about {words}, edit {n}.\n"),
        }
        .expect("write to a string");
        self.write(&rel, text.as_bytes());
        self.edited(format!("edit the text of {rel}"), &rel)
    }

    fn front_matter(&mut self) -> Edit {
        let section = self.rng.chance(20);
        let pool = if section {
            self.sections()
        } else {
            self.pages()
        };
        let rel = self.rng.pick(&pool).clone();
        let n = self.n;
        let (key, value) = match self.rng.below(if section { 4 } else { 11 }) {
            2 if section => (
                "sort_by",
                ["\"title\"", "\"date\"", "\"weight\""]
                    .get(self.rng.below(4))
                    .map(|s| s.to_string()),
            ),
            3 if section => ("feed", Some(self.rng.chance(50).to_string())),
            7 => (
                "aliases",
                self.rng.chance(70).then(|| format!("[\"/old-{n}/\"]")),
            ),
            0 => {
                let words = self.words(2);
                ("title", Some(format!("\"Title {n} {words}\"")))
            }
            1 => (
                "weight",
                (!self.rng.chance(25)).then(|| (1 + self.rng.below(9)).to_string()),
            ),
            2 => {
                let tags: Vec<String> = TAGS
                    .iter()
                    .filter(|_| self.rng.chance(35))
                    .map(|t| format!("\"{t}\""))
                    .collect();
                ("tags", Some(format!("[{}]", tags.join(", "))))
            }
            3 => (
                "roles",
                ["\"po\"", "\"pm\"", "\"both\""]
                    .get(self.rng.below(4))
                    .map(|s| s.to_string()),
            ),
            4 if rel != "content/guide/intro.md" => {
                ("draft", self.rng.chance(50).then(|| "true".to_string()))
            }
            5 => ("slug", self.rng.chance(60).then(|| format!("\"slug-{n}\""))),
            6 => ("date", Some(format!("2026-0{}-1{}", 1 + n % 9, n % 10))),
            // Owners and review dates show on /owners/ as well.
            9 => (
                "owner",
                ["\"Ana Ruiz\"", "\"Ben Cho\"", "[\"Ana Ruiz\", \"Ben Cho\"]"]
                    .get(self.rng.below(4))
                    .map(|s| s.to_string()),
            ),
            10 => (
                "reviewed",
                (!self.rng.chance(25)).then(|| format!("2025-0{}-1{}", 1 + n % 9, n % 10)),
            ),
            _ if !KEPT_PAGES[2..6].contains(&rel.as_str()) => (
                "template",
                self.rng.chance(50).then(|| "\"alt.html\"".to_string()),
            ),
            _ => ("weight", Some((n % 7).to_string())),
        };
        let text = set_key(&self.read(&rel), key, value.as_deref());
        self.write(&rel, text.as_bytes());
        let shown = value.as_deref().unwrap_or("(removed)");
        self.edited(format!("set {key} = {shown} in {rel}"), &rel)
    }

    fn new_page(&mut self) -> Edit {
        let mut folders = vec!["content/guide".to_string(), "content/notes".to_string()];
        folders.extend(self.new_sections.iter().cloned());
        let folder = self.rng.pick(&folders).clone();
        let rel = format!("{folder}/page-{}.md", self.n);
        let words = self.words(8);
        let link = *self.rng.pick(&LINKS);
        let weight = self.rng.below(6);
        let text = format!(
            "+++\ntitle = \"Page {}\"\nweight = {weight}\n+++\n\nAbout {words}.\n\n## Details\n\nRead [this]({link}).\n",
            self.n
        );
        self.write(&rel, text.as_bytes());
        self.new_pages.push(rel.clone());
        self.edited(format!("add {rel}"), &rel)
    }

    fn delete_page(&mut self) -> Edit {
        if self.new_pages.is_empty() {
            return self.new_page();
        }
        let i = self.rng.below(self.new_pages.len());
        let rel = self.new_pages.remove(i);
        std::fs::remove_file(self.path(&rel)).expect("delete a page");
        self.edited(format!("delete {rel}"), &rel)
    }

    fn rename_page(&mut self) -> Edit {
        if self.new_pages.is_empty() {
            return self.new_page();
        }
        let i = self.rng.below(self.new_pages.len());
        let old = self.new_pages[i].clone();
        let folder = old.rsplit_once('/').expect("a folder").0;
        let new = format!("{folder}/renamed-{}.md", self.n);
        std::fs::rename(self.path(&old), self.path(&new)).expect("rename a page");
        self.new_pages[i] = new.clone();
        Edit {
            what: format!("rename {old} to {new}"),
            paths: vec![old.into(), new.into()],
        }
    }

    fn new_section(&mut self) -> Edit {
        let folder = format!("content/part-{}", self.n);
        let index = format!("{folder}/_index.md");
        let page = format!("{folder}/first.md");
        let weight = self.rng.below(5);
        self.write(
            &index,
            format!(
                "+++\ntitle = \"Part {}\"\nweight = {weight}\n+++\n\nA new part.\n",
                self.n
            )
            .as_bytes(),
        );
        self.write(
            &page,
            b"+++\ntitle = \"First of the part\"\n+++\n\nThe first page of a new part.\n",
        );
        self.new_sections.push(folder.clone());
        self.new_pages.push(page.clone());
        Edit {
            what: format!("add the section {folder}"),
            paths: vec![folder.into(), index.into(), page.into()],
        }
    }

    fn delete_section(&mut self) -> Edit {
        if self.new_sections.is_empty() {
            return self.new_section();
        }
        let i = self.rng.below(self.new_sections.len());
        let folder = self.new_sections.remove(i);
        let mut paths: Vec<PathBuf> = vec![folder.clone().into()];
        let prefix = format!("{folder}/");
        self.new_pages.retain(|p| {
            let inside = p.starts_with(&prefix);
            if inside {
                paths.push(p.into());
            }
            !inside
        });
        paths.push(format!("{folder}/_index.md").into());
        std::fs::remove_dir_all(self.path(&folder)).expect("delete a section");
        Edit {
            what: format!("delete the section {folder}"),
            paths,
        }
    }

    fn data(&mut self) -> Edit {
        let n = self.n;
        match self.rng.below(5) {
            0 => {
                let words = self.words(3);
                let i = self.rng.below(self.items.len());
                self.items[i].title = format!("Item {n}: {words}");
            }
            1 => {
                let i = self.rng.below(self.items.len());
                self.items[i].points = self.rng.below(13) as u32;
            }
            2 => {
                let i = self.rng.below(self.items.len());
                const STATUSES: [&str; 5] = ["backlog", "ready", "in-progress", "review", "done"];
                self.items[i].status = *self.rng.pick(&STATUSES);
            }
            3 => self.items.push(Item {
                id: format!("PB-{}", 100 + n),
                title: format!("New item {n}"),
                status: "backlog",
                points: 1,
            }),
            _ if self.items.len() > 2 => {
                let i = 2 + self.rng.below(self.items.len() - 2);
                self.items.remove(i);
            }
            _ => self.items[0].points += 1,
        }
        let rel = "content/team/backlog.toml";
        self.write(rel, self.backlog().as_bytes());
        self.edited(
            format!("edit the backlog ({} items)", self.items.len()),
            rel,
        )
    }

    fn backlog(&self) -> String {
        let mut text = String::from("schema = \"backlog\"\nteam = \"Live squad\"\n");
        for (rank, item) in self.items.iter().enumerate() {
            write!(
                text,
                "\n[[item]]\nid = \"{}\"\ntitle = \"{}\"\nkind = \"story\"\nstatus = \"{}\"\nrank = {}\npoints = {}\n",
                item.id,
                item.title,
                item.status,
                rank + 1,
                item.points
            )
            .expect("write to a string");
        }
        text
    }

    fn template(&mut self) -> Edit {
        let rel = *self.rng.pick(&TEMPLATES);
        let text = self.read(rel);
        let kept: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with("<p class=\"edit\">"))
            .collect();
        let mut lines: Vec<String> = kept.iter().map(|l| l.to_string()).collect();
        let at = lines.len().saturating_sub(1);
        if self.rng.chance(70) {
            lines.insert(at, format!("<p class=\"edit\">edit {}</p>", self.n));
        }
        self.write(rel, format!("{}\n", lines.join("\n")).as_bytes());
        self.edited(format!("edit {rel}"), rel)
    }

    fn shortcode(&mut self) -> Edit {
        let rel = "templates/shortcodes/note.html";
        let text = format!(
            "<aside class=\"note v{}\"><p>{{{{ text }}}}</p></aside>\n",
            self.n
        );
        self.write(rel, text.as_bytes());
        self.edited(format!("edit {rel}"), rel)
    }

    fn static_file(&mut self) -> Edit {
        match self.rng.below(3) {
            0 => {
                let rel = "static/site.css";
                self.write(
                    rel,
                    format!("body {{ margin: {}px; }}\n", self.n).as_bytes(),
                );
                self.edited(format!("edit {rel}"), rel)
            }
            1 => {
                let rel = format!("static/files/f{}.txt", self.n);
                self.write(&rel, format!("file {}\n", self.n).as_bytes());
                self.new_statics.push(rel.clone());
                self.edited(format!("add {rel}"), &rel)
            }
            _ => {
                if self.new_statics.is_empty() {
                    let rel = "static/files/readme.txt";
                    self.write(rel, format!("changed {}\n", self.n).as_bytes());
                    return self.edited(format!("edit {rel}"), rel);
                }
                let i = self.rng.below(self.new_statics.len());
                let rel = self.new_statics.remove(i);
                std::fs::remove_file(self.path(&rel)).expect("delete a static file");
                self.edited(format!("delete {rel}"), &rel)
            }
        }
    }

    fn config(&mut self) -> Edit {
        let rel = "rolebook.toml";
        let mut text = format!(
            "title = \"Live property test {}\"\nbase_url = \"https://example.org/\"\n",
            self.n
        );
        if self.rng.chance(50) {
            // The sidebar of big sites: top level and the open branch only.
            text.push_str("sidebar_full_limit = 6\n");
        }
        if self.rng.chance(30) {
            text.push_str("print_page = false\n");
        }
        text.push_str(OWNERS);
        self.write(rel, text.as_bytes());
        self.edited(format!("retitle the site in {rel}"), rel)
    }

    /// A change that does not build; the next step puts the file back.
    fn break_something(&mut self) -> Edit {
        let pages = self.pages();
        let (rel, broken, how) = match self.rng.below(4) {
            0 => {
                let rel = self.rng.pick(&pages).clone();
                (
                    rel,
                    "+++\ntitle = \n+++\nBroken.\n".to_string(),
                    "front matter",
                )
            }
            1 => {
                let rel = self.rng.pick(&pages).clone();
                let text = format!("{}\nSee [nothing](@/no/such/page.md).\n", self.read(&rel));
                (rel, text, "a link")
            }
            2 => {
                let rel = self.rng.pick(&TEMPLATES).to_string();
                let text = format!("{}{{% if %}}\n", self.read(&rel));
                (rel, text, "template syntax")
            }
            _ => {
                let rel = "content/team/backlog.toml".to_string();
                let text = self
                    .backlog()
                    .replacen("status = \"", "status = \"nonsense", 1);
                (rel, text, "a data file")
            }
        };
        let before = std::fs::read(self.path(&rel)).expect("read before breaking");
        self.write(&rel, broken.as_bytes());
        self.broken = Some((rel.clone(), before));
        self.edited(format!("break {how} in {rel}"), &rel)
    }
}

/// `text` with the front matter key set to `value`, or removed with `None`.
/// Keys are single TOML lines at the top of the front matter.
fn set_key(text: &str, key: &str, value: Option<&str>) -> String {
    let Some(rest) = text.strip_prefix("+++\n") else {
        return text.to_string();
    };
    let Some(end) = rest.find("\n+++") else {
        return text.to_string();
    };
    let (front, body) = rest.split_at(end);
    let mut lines: Vec<String> = front
        .lines()
        .filter(|l| !l.starts_with(&format!("{key} =")))
        .map(str::to_string)
        .collect();
    if let Some(value) = value {
        lines.insert(0, format!("{key} = {value}"));
    }
    format!("+++\n{}{body}", lines.join("\n"))
}

/// What serve holds after each change, updated the way serve updates it.
pub struct Harness {
    project: Project,
    opts: BuildOptions,
    live: Option<Live>,
    /// The last good output, with the search index as serve's indexer
    /// leaves it; `None` until a build succeeds.
    output: Option<Output>,
    warnings: String,
    /// Changes that failed, tried again with the next change.
    pending: ChangeSet,
    /// The last change did not build: serve shows its error.
    failed: Option<String>,
}

impl Harness {
    pub fn start(root: &Path) -> Harness {
        let mut harness = Harness {
            project: Project::new(root),
            opts: BuildOptions::serve(),
            live: None,
            output: None,
            warnings: String::new(),
            pending: ChangeSet::default(),
            failed: None,
        };
        harness.full_build();
        harness
    }

    pub fn apply(&mut self, paths: &[PathBuf]) -> Applied {
        let mut all = self.pending.clone();
        all.merge(ChangeSet::of(paths, "public".as_ref(), "content".as_ref()));
        if let Some(live) = &mut self.live {
            match live.update(&all) {
                Update::Done(patch) => {
                    let output = self.output.as_ref().expect("a live site has an output");
                    let mut next = output.share();
                    for (path, bytes) in &patch.files {
                        next.put(path.clone(), bytes.clone());
                    }
                    refresh_search(&mut next, live);
                    self.output = Some(next);
                    self.warnings = patch.warnings.render(false);
                    self.pending = ChangeSet::default();
                    self.failed = None;
                    return Applied::InPlace;
                }
                Update::Failed(diags) => {
                    self.pending = all;
                    self.failed = Some(diags.render(false));
                    return Applied::Failed;
                }
                Update::Full => {}
            }
        }
        self.pending = ChangeSet::default();
        self.full_build();
        if self.failed.is_some() {
            Applied::Failed
        } else {
            Applied::Full
        }
    }

    fn full_build(&mut self) {
        match build(&self.project, &self.opts) {
            Ok(built) => {
                self.live = Some(Live::new(built.site, &built.warnings));
                self.output = Some(built.output);
                self.warnings = built.warnings.render(false);
                self.failed = None;
            }
            Err(diags) => {
                self.live = None;
                self.failed = Some(diags.render(false));
            }
        }
    }

    /// Compares what serve answers now with a build from scratch.
    pub fn compare(&self) -> Result<(), String> {
        let opts = BuildOptions::serve();
        let fresh = match build(&self.project, &opts) {
            Ok(fresh) => fresh,
            Err(diags) => {
                return match &self.failed {
                    Some(_) => Ok(()),
                    None => Err(format!(
                        "a fresh build fails but serve shows no error:\n{}",
                        diags.render(false)
                    )),
                };
            }
        };
        if let Some(error) = &self.failed {
            return Err(format!(
                "serve shows an error but a fresh build succeeds:\n{error}"
            ));
        }
        let ours = self.output.as_ref().expect("no error, so an output");
        let mut report = String::new();
        let theirs: BTreeSet<&String> = fresh.output.paths().collect();
        let kept: BTreeSet<&String> = ours.paths().collect();
        for missing in theirs.difference(&kept) {
            writeln!(report, "missing from serve: {missing}").expect("write to a string");
        }
        for extra in kept.difference(&theirs) {
            writeln!(report, "served but not built: {extra}").expect("write to a string");
        }
        if let Some((path, bytes)) = fresh
            .output
            .iter()
            .find(|(path, bytes)| ours.get(path).is_some_and(|b| b != *bytes))
        {
            let served = ours.get(path).expect("found above");
            writeln!(
                report,
                "{path} differs:\n{}",
                first_difference(served, bytes)
            )
            .expect("write to a string");
        }
        let fresh_warnings = fresh.warnings.render(false);
        let warnings = match &self.live {
            Some(live) => live.warnings().render(false),
            None => self.warnings.clone(),
        };
        if warnings != fresh_warnings {
            writeln!(
                report,
                "warnings differ:\n--- serve\n{warnings}\n--- fresh build\n{fresh_warnings}"
            )
            .expect("write to a string");
        }
        if report.is_empty() {
            Ok(())
        } else {
            Err(report)
        }
    }
}

/// The search index made again from the site, as serve's indexer does
/// after an in-place update: stale shards removed, the rest replaced.
fn refresh_search(output: &mut Output, live: &Live) {
    let search = rolebook::search::build_index(&live.search_docs());
    let fresh: BTreeSet<&String> = search.iter().map(|(p, _)| p).collect();
    let stale: Vec<String> = output
        .paths()
        .filter(|p| p.starts_with("search/") && !fresh.contains(p))
        .cloned()
        .collect();
    for path in stale {
        output.remove(&path);
    }
    for (path, bytes) in search {
        output.put(path, Arc::new(bytes));
    }
}

/// The first differing line of two files, with a little context.
fn first_difference(served: &[u8], built: &[u8]) -> String {
    let served = String::from_utf8_lossy(served);
    let built = String::from_utf8_lossy(built);
    let at = served
        .char_indices()
        .zip(built.chars())
        .find(|((_, a), b)| a != b)
        .map(|((i, _), _)| i)
        .unwrap_or(served.len().min(built.len()));
    let from = served[..at]
        .char_indices()
        .rev()
        .nth(120)
        .map_or(0, |(i, _)| i);
    let cut = |s: &str| {
        s.chars()
            .skip(served[..from].chars().count())
            .take(400)
            .collect::<String>()
    };
    format!(
        "--- serve (from byte {from})\n{}\n--- fresh build\n{}",
        cut(&served),
        cut(&built)
    )
}
