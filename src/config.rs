//! The site configuration, `rolebook.toml`.
//!
//! Owns parsing and checking the config (every unknown key is an error
//! naming its table, with a "did you mean" hint) and the URL rules that
//! follow from `base_url`. It does not read content or themes.

use std::path::{Component, Path};

use serde::{Deserialize, Serialize};

use crate::error::{Diagnostic, Diagnostics, Kind};

pub const FILE_NAME: &str = "rolebook.toml";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SiteConfig {
    pub title: String,
    pub description: String,
    /// Where the site is published; may carry a sub-path (`https://x.org/handbook/`).
    pub base_url: String,
    pub theme: String,
    pub language: String,
    /// The output folder, relative to the site root.
    pub output_dir: String,
    /// Where the Markdown lives, relative to the site root (`content`, `.`, `docs`).
    pub content_dir: String,
    /// Files of the output folder a build keeps (globs: `CNAME`,
    /// `downloads/**`), besides hidden ones, which are always kept.
    pub keep: Vec<String>,
    /// Follow symbolic links that lead out of the site folder (trusted
    /// sites only: a link can point at any file the build can read).
    pub follow_outside_links: bool,
    /// The source repository, shown in the footer.
    pub repository: Option<String>,
    /// Prefix of "edit this page" links; the page's path under content/ is appended.
    pub edit_url: Option<String>,
    /// Write every link relative and ending in `index.html`, for `file://`.
    pub relative_links: bool,
    pub build_search_index: bool,
    pub generate_sitemap: bool,
    pub generate_robots_txt: bool,
    pub print_page: bool,
    /// The print page is left out (with a warning) on sites with more pages:
    /// one HTML file of a 10,000-page site helps no reader.
    pub print_page_max_pages: usize,
    /// Sites with more pages than this get a sidebar with the top level and
    /// the open branch only, so every page stays small.
    pub sidebar_full_limit: usize,
    /// The most one rendered page (or feed, or print page) may be, in MiB:
    /// a template loop that runs away stops here with an error.
    pub max_page_size_mb: usize,
    pub taxonomies: Vec<TaxonomyConfig>,
    pub markdown: MarkdownConfig,
    pub links: LinksConfig,
    /// Files under `static/` linked from every page, stylesheets and
    /// scripts; the spans point a missing file's error at its entry.
    pub extra_css: Vec<toml::Spanned<String>>,
    pub extra_js: Vec<toml::Spanned<String>>,
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// The people and teams `owner` may name (see `upkeep`).
    pub owners: std::collections::BTreeMap<String, crate::upkeep::OwnerConfig>,
    pub review: crate::upkeep::ReviewConfig,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: "Handbook".into(),
            description: String::new(),
            base_url: "/".into(),
            theme: "handbook".into(),
            language: "en".into(),
            output_dir: "public".into(),
            keep: Vec::new(),
            follow_outside_links: false,
            content_dir: "content".into(),
            repository: None,
            edit_url: None,
            relative_links: false,
            build_search_index: true,
            generate_sitemap: true,
            generate_robots_txt: true,
            print_page: true,
            print_page_max_pages: 1000,
            sidebar_full_limit: 300,
            max_page_size_mb: crate::templates::DEFAULT_MAX_PAGE_MB,
            taxonomies: vec![
                TaxonomyConfig {
                    name: "tags".into(),
                    path: None,
                    feed: false,
                },
                TaxonomyConfig {
                    name: "roles".into(),
                    path: Some("role".into()),
                    feed: false,
                },
            ],
            markdown: MarkdownConfig::default(),
            links: LinksConfig::default(),
            extra_css: Vec::new(),
            extra_js: Vec::new(),
            extra: serde_json::Map::new(),
            owners: Default::default(),
            review: Default::default(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyConfig {
    /// The front matter key (`tags`, `roles`).
    pub name: String,
    /// URL folder of its term pages; defaults to the name.
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub feed: bool,
}

/// Where a taxonomy's terms come from in a page's front matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermSource<'a> {
    /// `roles` (checked: po, pm, both).
    Roles,
    /// `tags`.
    Tags,
    /// A taxonomy of the site's own: `taxonomies.NAME`, else `extra.NAME`.
    Own(&'a str),
}

impl TaxonomyConfig {
    pub fn url_folder(&self) -> &str {
        self.path.as_deref().unwrap_or(&self.name)
    }

    /// Where this taxonomy's terms are written.
    pub fn source(&self) -> TermSource<'_> {
        TermSource::of(&self.name)
    }
}

impl<'a> TermSource<'a> {
    /// Where the terms of the taxonomy named `name` are written.
    pub fn of(name: &'a str) -> TermSource<'a> {
        match name {
            "roles" => TermSource::Roles,
            "tags" => TermSource::Tags,
            own => TermSource::Own(own),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MarkdownConfig {
    pub highlight_code: bool,
    /// syntect theme for light mode.
    pub highlight_theme: String,
    /// syntect theme for dark mode.
    pub highlight_theme_dark: String,
    /// Number the lines of every code block (a block may also ask with `linenos`).
    pub line_numbers: bool,
    pub smart_punctuation: bool,
    /// Open links to other hosts in a new tab.
    pub external_links_new_tab: bool,
    /// Heading levels shown in the table of contents.
    pub toc_depth: u8,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            highlight_code: true,
            // Coldark is made to meet WCAG AA contrast in both modes.
            highlight_theme: "Coldark-Cold".into(),
            highlight_theme_dark: "Coldark-Dark".into(),
            line_numbers: false,
            smart_punctuation: true,
            external_links_new_tab: false,
            toc_depth: 3,
        }
    }
}

/// `[links]`: what a broken internal link does to the build.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinksConfig {
    pub broken: BrokenLinks,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BrokenLinks {
    /// A broken link or anchor fails the build.
    #[default]
    Error,
    /// A broken link or anchor is a warning and is left as written, so a
    /// site can be published while its links are being fixed.
    Warn,
}

impl SiteConfig {
    /// Pure: parse the text of a config file shown as `path` in messages.
    /// Every unknown key is reported, each with its table.
    pub fn parse(path: &Path, text: &str) -> Result<SiteConfig, Diagnostics> {
        let mut diags = Diagnostics::new();
        let mut table = toml::de::DeTable::parse(text)
            .map_err(|e| Diagnostics::from(toml_diagnostic(Kind::Config, path, text, 0, &e)))?;
        // Unknown keys are reported and taken out, so the rest is still
        // read and its own errors (a wrong type) come in the same run.
        let mut unknown = take_unknown(table.get_mut(), field_names::<SiteConfig>(), None);
        let nested: [(&str, &'static [&'static str]); 3] = [
            ("markdown", field_names::<MarkdownConfig>()),
            ("links", field_names::<LinksConfig>()),
            ("review", field_names::<crate::upkeep::ReviewConfig>()),
        ];
        for (name, fields) in nested {
            if let Some(toml::de::DeValue::Table(t)) =
                table.get_mut().get_mut(name).map(|v| v.get_mut())
            {
                unknown.extend(take_unknown(t, fields, Some(&format!("[{name}]"))));
            }
        }
        if let Some(toml::de::DeValue::Table(owners)) =
            table.get_mut().get_mut("owners").map(|v| v.get_mut())
        {
            for (name, owner) in owners.iter_mut() {
                if let toml::de::DeValue::Table(t) = owner.get_mut() {
                    let fields = field_names::<crate::upkeep::OwnerConfig>();
                    let table = format!("[owners.{}]", name.get_ref());
                    unknown.extend(take_unknown(t, fields, Some(&table)));
                }
            }
        }
        if let Some(toml::de::DeValue::Array(list)) =
            table.get_mut().get_mut("taxonomies").map(|v| v.get_mut())
        {
            for item in list.iter_mut() {
                if let toml::de::DeValue::Table(t) = item.get_mut() {
                    let fields = field_names::<TaxonomyConfig>();
                    unknown.extend(take_unknown(t, fields, Some("[[taxonomies]]")));
                }
            }
        }
        unknown.sort_by_key(|u| u.span.start);
        for u in &unknown {
            diags.push(u.diagnostic(Kind::Config, path, text, 0));
        }
        let parsed = SiteConfig::deserialize(toml::de::Deserializer::from(table));
        let mut config = match parsed {
            Ok(config) => config,
            Err(e) => {
                diags.push(toml_diagnostic(Kind::Config, path, text, 0, &e));
                return Err(diags);
            }
        };
        if diags.has_errors() {
            return Err(diags);
        }
        if !config.base_url.ends_with('/') {
            config.base_url.push('/');
        }
        if let Err(message) = crate::output::Keep::new(&config.keep) {
            diags.push(Diagnostic::error(Kind::Config, message).at_offset(
                path,
                text,
                key_offset(text, "keep"),
            ));
        }
        if config.title.trim().is_empty() {
            diags.push(Diagnostic::error(Kind::Config, "`title` must not be empty").in_file(path));
        }
        if let Err(why) = check_content_dir(&config.content_dir) {
            diags.push(
                Diagnostic::error(Kind::Config, format!("`content_dir = {:?}` {why}", config.content_dir))
                    .at_offset(path, text, key_offset(text, "content_dir"))
                    .with_help("name a folder inside the site, e.g. `content`, `docs` or `.` for the site folder itself"),
            );
        }
        if diags.has_errors() {
            return Err(diags);
        }
        crate::upkeep::check_config(&config, path, text)?;
        Ok(config)
    }

    /// `content_dir` as a path to show in messages: `content`, `docs`, or
    /// empty for the site folder itself.
    pub fn content_display(&self) -> &Path {
        let dir = self
            .content_dir
            .trim_start_matches("./")
            .trim_end_matches('/');
        if dir == "." || dir.is_empty() {
            Path::new("")
        } else {
            Path::new(dir)
        }
    }

    /// The base path every root-relative URL starts with: `/` or `/handbook/`.
    pub fn base_path(&self) -> String {
        let rest = match self.base_url.split_once("://") {
            Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
            None => self.base_url.as_str(),
        };
        let mut path = rest.to_string();
        if !path.starts_with('/') {
            path.insert(0, '/');
        }
        if !path.ends_with('/') {
            path.push('/');
        }
        path
    }

    /// The absolute URL of the site root (`https://x.org/handbook/`), or the base
    /// path when base_url names no host.
    pub fn permalink_root(&self) -> String {
        self.base_url.clone()
    }
}

/// Pure part of the `content_dir` check: a relative path that stays inside
/// the site. Whether it exists is checked when the site is loaded.
fn check_content_dir(dir: &str) -> Result<(), &'static str> {
    let path = Path::new(dir);
    if dir.trim().is_empty() {
        return Err("is empty");
    }
    if path.is_absolute() || path.has_root() {
        return Err("lies outside the site: it must be relative to the folder of rolebook.toml");
    }
    let mut depth: isize = 0;
    for component in path.components() {
        match component {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            _ => {}
        }
        if depth < 0 {
            return Err("lies outside the site: `..` leaves the folder of rolebook.toml");
        }
    }
    Ok(())
}

/// Byte offset of the line setting top-level `key` in a TOML text (the
/// start of the text when there is none).
pub fn key_offset(text: &str, key: &str) -> usize {
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            break;
        }
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return pos + (line.len() - trimmed.len());
        }
        pos += line.len();
    }
    0
}

/// The field names serde knows for `T`, read from its derived
/// `Deserialize` (which hands them to `deserialize_struct`), so the list of
/// allowed keys can never drift from the struct.
pub fn field_names<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    struct Fields(&'static [&'static str]);
    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("stop")
        }
    }
    impl std::error::Error for Stop {}
    impl serde::de::Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    impl<'de> serde::Deserializer<'de> for &mut Fields {
        type Error = Stop;
        fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0 = fields;
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }
    let mut fields = Fields(&[]);
    let _ = T::deserialize(&mut fields);
    fields.0
}

/// A key that no field takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKey {
    pub key: String,
    /// Byte range of the key in the parsed text.
    pub span: std::ops::Range<usize>,
    /// `[markdown]`, or `None` at the top level.
    pub table: Option<String>,
    pub allowed: &'static [&'static str],
}

impl UnknownKey {
    /// The closest allowed key, when the key looks like a typo of it.
    pub fn suggestion(&self) -> Option<&'static str> {
        crate::error::did_you_mean(&self.key, self.allowed.iter().copied())
    }

    /// An error pointing at the key; `offset` is where the parsed text starts in the file.
    pub fn diagnostic(
        &self,
        kind: Kind,
        path: &Path,
        file_text: &str,
        offset: usize,
    ) -> Diagnostic {
        let message = match &self.table {
            Some(table) => format!("{table}: unknown key `{}`", self.key),
            None => format!("unknown key `{}`", self.key),
        };
        Diagnostic::error(kind, message)
            .at_offset(path, file_text, offset + self.span.start)
            .with_help(allowed_help(&self.key, self.allowed))
    }
}

/// "did you mean `x`? allowed keys: ..." for an unknown `key`.
pub fn allowed_help(key: &str, allowed: &[&str]) -> String {
    match crate::error::did_you_mean(key, allowed.iter().copied()) {
        Some(best) => format!(
            "did you mean `{best}`? allowed keys: {}",
            allowed.join(", ")
        ),
        None => format!("allowed keys: {}", allowed.join(", ")),
    }
}

/// Takes the keys of `table` not in `allowed` out of it, and says which.
fn take_unknown(
    table: &mut toml::de::DeTable<'_>,
    allowed: &'static [&'static str],
    name: Option<&str>,
) -> Vec<UnknownKey> {
    let unknown = unknown_keys(table, allowed, name);
    for u in &unknown {
        table.remove(u.key.as_str());
    }
    unknown
}

/// The keys of `table` not in `allowed`, in the order written.
pub fn unknown_keys(
    table: &toml::de::DeTable<'_>,
    allowed: &'static [&'static str],
    name: Option<&str>,
) -> Vec<UnknownKey> {
    let mut out: Vec<UnknownKey> = table
        .keys()
        .filter(|k| !allowed.contains(&k.get_ref().as_ref()))
        .map(|k| UnknownKey {
            key: k.get_ref().to_string(),
            span: k.span(),
            table: name.map(str::to_string),
            allowed,
        })
        .collect();
    out.sort_by_key(|u| u.span.start);
    out
}

/// Turns a toml error into a diagnostic pointing into `text`, whose first
/// byte is at `offset` in the file; unknown keys get a "did you mean" hint.
pub fn toml_diagnostic(
    kind: Kind,
    path: &Path,
    file_text: &str,
    offset: usize,
    err: &toml::de::Error,
) -> Diagnostic {
    let message = err.message().trim().to_string();
    let (message, help) = unknown_field_hint(&message);
    let diagnostic = Diagnostic::error(kind, message);
    let diagnostic = match err.span() {
        Some(span) => diagnostic.at_offset(path, file_text, offset + span.start),
        None => diagnostic.in_file(path),
    };
    match help {
        Some(help) => diagnostic.with_help(help),
        None => diagnostic,
    }
}

/// serde says "unknown field `titel`, expected one of `title`, `date`";
/// this keeps the first half as the message and turns the list into a hint.
pub fn unknown_field_hint(message: &str) -> (String, Option<String>) {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return (message.to_string(), None);
    };
    let Some((field, expected)) = rest.split_once('`') else {
        return (message.to_string(), None);
    };
    let allowed: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let help = match crate::error::did_you_mean(field, allowed.iter().copied()) {
        Some(best) => format!(
            "did you mean `{best}`? allowed keys: {}",
            allowed.join(", ")
        ),
        None => format!("allowed keys: {}", allowed.join(", ")),
    };
    (format!("unknown key `{field}`"), Some(help))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_comes_from_base_url() {
        let mut c = SiteConfig {
            base_url: "https://example.org/handbook".into(),
            ..SiteConfig::default()
        };
        assert_eq!(c.base_path(), "/handbook/");
        c.base_url = "https://example.org".into();
        assert_eq!(c.base_path(), "/");
        c.base_url = "/docs/".into();
        assert_eq!(c.base_path(), "/docs/");
    }

    #[test]
    fn a_bad_keep_pattern_points_at_its_line() {
        let text = "title = \"keep it\"\n\nkeep = [\"CNAME\", \"a[\"]\n";
        let errs = SiteConfig::parse(Path::new("rolebook.toml"), text).unwrap_err();
        assert_eq!(errs.len(), 1);
        let err = errs.iter().next().unwrap();
        let loc = err.location.clone().unwrap();
        assert_eq!((loc.line, loc.column), (3, 1));
        assert_eq!(
            err.message,
            "`keep` has an invalid pattern \"a[\": unclosed character class; missing ']'"
        );
    }

    #[test]
    fn misspelt_key_points_at_line_with_hint() {
        let text = "title = \"x\"\ntheem = \"handbook\"\n";
        let errs = SiteConfig::parse(Path::new("rolebook.toml"), text).unwrap_err();
        let err = errs.iter().next().unwrap().clone();
        let loc = err.location.clone().unwrap();
        assert_eq!((loc.line, loc.column), (2, 1));
        assert_eq!(err.message, "unknown key `theem`");
        assert!(err.help.unwrap().starts_with("did you mean `theme`?"));
    }

    #[test]
    fn every_unknown_key_is_reported_with_its_table() {
        let text = "title = \"x\"\nlayuot = 1\n\n[markdown]\nsmart_punct = false\n\n[links]\nbroke = \"warn\"\n\n[[taxonomies]]\nname = \"tags\"\npth = \"t\"\n\n[review]\nevery = \"90 days\"\nrequire_owners = true\n\n[owners]\nAna = { team = \"Checkout\", contatc = \"#checkout\" }\n";
        let errs = SiteConfig::parse(Path::new("rolebook.toml"), text).unwrap_err();
        let shown: Vec<String> = errs
            .iter()
            .map(|d| {
                let loc = d.location.clone().unwrap();
                format!(
                    "{}:{}: {} ({})",
                    loc.line,
                    loc.column,
                    d.message,
                    d.help
                        .clone()
                        .unwrap_or_default()
                        .split('?')
                        .next()
                        .unwrap_or("")
                )
            })
            .collect();
        assert_eq!(
            shown,
            vec![
                "2:1: unknown key `layuot` (allowed keys: title, description, base_url, theme, language, output_dir, content_dir, keep, follow_outside_links, repository, edit_url, relative_links, build_search_index, generate_sitemap, generate_robots_txt, print_page, print_page_max_pages, sidebar_full_limit, max_page_size_mb, taxonomies, markdown, links, extra_css, extra_js, extra, owners, review)",
                "5:1: [markdown]: unknown key `smart_punct` (did you mean `smart_punctuation`)",
                "8:1: [links]: unknown key `broke` (did you mean `broken`)",
                "12:1: [[taxonomies]]: unknown key `pth` (did you mean `path`)",
                "16:1: [review]: unknown key `require_owners` (did you mean `require_owner`)",
                "19:28: [owners.Ana]: unknown key `contatc` (did you mean `contact`)",
            ]
        );
    }

    #[test]
    fn a_wrong_type_is_reported_with_the_unknown_keys() {
        let text = "title = \"x\"\nthem = \"handbook\"\nprint_page = \"yes\"\n";
        let errs = SiteConfig::parse(Path::new("rolebook.toml"), text).unwrap_err();
        let lines: Vec<usize> = errs
            .iter()
            .map(|d| d.location.clone().unwrap().line)
            .collect();
        assert_eq!(lines, vec![2, 3], "{errs:?}");
    }

    #[test]
    fn content_dir_must_stay_inside_the_site() {
        for (dir, ok) in [
            ("content", true),
            (".", true),
            ("docs/handbook", true),
            ("a/../b", true),
            ("..", false),
            ("../elsewhere", false),
            ("a/../../b", false),
            ("/srv/docs", false),
            ("", false),
        ] {
            let text = format!("title = \"x\"\ncontent_dir = {dir:?}\n");
            let result = SiteConfig::parse(Path::new("rolebook.toml"), &text);
            assert_eq!(result.is_ok(), ok, "{dir}");
            if let Err(e) = result {
                let d = e.iter().next().unwrap();
                assert_eq!(d.location.clone().unwrap().line, 2, "{dir}");
            }
        }
    }

    #[test]
    fn links_broken_takes_error_or_warn() {
        let c = SiteConfig::parse(Path::new("r.toml"), "[links]\nbroken = \"warn\"\n").unwrap();
        assert_eq!(c.links.broken, BrokenLinks::Warn);
        assert_eq!(SiteConfig::default().links.broken, BrokenLinks::Error);
        assert!(SiteConfig::parse(Path::new("r.toml"), "[links]\nbroken = \"ignore\"\n").is_err());
    }
}
