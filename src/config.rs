//! The site configuration, `rolebook.toml`.
//!
//! Owns parsing and checking the config (unknown keys are errors with a
//! "did you mean" hint) and the URL rules that follow from `base_url`.
//! It does not read content or themes.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Diagnostic, Kind};

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
    pub taxonomies: Vec<TaxonomyConfig>,
    pub markdown: MarkdownConfig,
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
            repository: None,
            edit_url: None,
            relative_links: false,
            build_search_index: true,
            generate_sitemap: true,
            generate_robots_txt: true,
            print_page: true,
            print_page_max_pages: 1000,
            sidebar_full_limit: 300,
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

impl TaxonomyConfig {
    pub fn url_folder(&self) -> &str {
        self.path.as_deref().unwrap_or(&self.name)
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

impl SiteConfig {
    /// Pure: parse the text of a config file shown as `path` in messages.
    pub fn parse(path: &Path, text: &str) -> Result<SiteConfig, Diagnostic> {
        let mut config: SiteConfig =
            toml::from_str(text).map_err(|e| toml_diagnostic(Kind::Config, path, text, 0, &e))?;
        if !config.base_url.ends_with('/') {
            config.base_url.push('/');
        }
        if config.title.trim().is_empty() {
            return Err(Diagnostic::error(Kind::Config, "`title` must not be empty").in_file(path));
        }
        crate::upkeep::check_config(&config, path, text)?;
        Ok(config)
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
    fn misspelt_key_points_at_line_with_hint() {
        let text = "title = \"x\"\ntheem = \"handbook\"\n";
        let err = SiteConfig::parse(Path::new("rolebook.toml"), text).unwrap_err();
        let loc = err.location.clone().unwrap();
        assert_eq!((loc.line, loc.column), (2, 1));
        assert_eq!(err.message, "unknown key `theem`");
        assert!(err.help.unwrap().starts_with("did you mean `theme`?"));
    }
}
