//! The functions and filters templates call: URLs, pages, data, taxonomies
//! and the data views.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::Value;
use tera::{Result as TeraResult, Tera};

use crate::config::MarkdownConfig;
use crate::data::{DataSet, ViewContext};

/// Turns URL paths without the base (`roles/comparison/`) into hrefs.
#[derive(Debug, Clone)]
pub struct Urls {
    /// `/` or `/handbook/`.
    pub base_path: String,
    /// `https://example.org/handbook/`.
    pub permalink_root: String,
}

impl Urls {
    pub fn href(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }

    pub fn permalink(&self, path: &str) -> String {
        let root = self.permalink_root.trim_end_matches('/');
        if root.contains("://") {
            format!("{root}/{}", path.trim_start_matches('/'))
        } else {
            self.href(path)
        }
    }
}

/// The functions that give a template another page's view, content and
/// all: `get_page` and `get_section`.
pub const PAGE_LOOKUPS: [&str; 2] = ["get_page", "get_section"];

/// Looks a page or section view up by content rel path.
pub type PageLookup = Box<dyn Fn(&str) -> Option<Value> + Send + Sync>;
/// Looks a taxonomy view (every term with its pages) up by name.
pub type TaxonomyLookup = Box<dyn Fn(&str) -> Option<Value> + Send + Sync>;

/// What templates can look up: one value per site value. The Markdown
/// stage gets one without page and taxonomy look-ups (shortcodes cannot
/// use them); the site gets its own with them ([`SiteIndex::with_lookups`]),
/// and serve's next site value a new one again, never a changed one.
#[derive(Clone)]
pub struct SiteIndex {
    pub urls: Urls,
    /// Content rel path -> URL path.
    pub url_of: Arc<HashMap<String, String>>,
    /// Static rel path -> fingerprinted rel path.
    pub assets: Arc<HashMap<String, String>>,
    /// The data files.
    pub data: Arc<DataSet>,
    pub markdown: MarkdownConfig,
    /// Looks up a page view by content rel path. Views are made on demand,
    /// so a big site does not hold a second copy of every page.
    pub pages: Option<Arc<PageLookup>>,
    /// Taxonomy views by name.
    pub taxonomies: Option<Arc<TaxonomyLookup>>,
}

impl SiteIndex {
    pub fn data(&self) -> Arc<DataSet> {
        self.data.clone()
    }

    /// This index with other data.
    pub fn with_data(&self, data: Arc<DataSet>) -> SiteIndex {
        SiteIndex {
            data,
            ..self.clone()
        }
    }

    /// This index with page and taxonomy look-ups (`None`: without).
    pub fn with_lookups(&self, lookups: Option<(PageLookup, TaxonomyLookup)>) -> SiteIndex {
        let (pages, taxonomies) = lookups.map_or((None, None), |(p, t)| (Some(p), Some(t)));
        SiteIndex {
            pages: pages.map(Arc::new),
            taxonomies: taxonomies.map(Arc::new),
            ..self.clone()
        }
    }
}

/// What one template render looked up with `get_page`, `get_section` and
/// `get_taxonomy`: serve re-renders it when one of those changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reads {
    /// Content rel paths given to `get_page` or `get_section`.
    pub pages: Vec<String>,
    /// Whether it called `get_taxonomy`.
    pub taxonomies: bool,
    /// Whether it read data: `load_data` or a data view.
    pub data: bool,
}

impl Reads {
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty() && !self.taxonomies && !self.data
    }

    pub fn merge(&mut self, other: Reads) {
        self.pages.extend(other.pages);
        self.taxonomies |= other.taxonomies;
        self.data |= other.data;
    }
}

/// Where one render notes what it looked up. The functions that read the
/// site are registered with a recorder and note every look-up into it; a
/// render is given a copy of the templates bound to a recorder of its own
/// ([`crate::templates::Renderer::render`]), which takes the reads when
/// the render is done.
#[derive(Debug, Clone, Default)]
pub struct Recorder(Arc<Mutex<Reads>>);

impl Recorder {
    fn note(&self, f: impl FnOnce(&mut Reads)) {
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner));
    }

    /// What was noted since the last take.
    pub fn take(&self) -> Reads {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

fn arg_str<'a>(
    args: &'a HashMap<String, Value>,
    name: &str,
    function: &str,
) -> TeraResult<&'a str> {
    args.get(name).and_then(Value::as_str).ok_or_else(|| {
        tera::Error::msg(format!("`{function}` needs a `{name}` argument (a string)"))
    })
}

/// Registers every function on `tera`; those that read the site note
/// what they read into `recorder`.
pub fn register(tera: &mut Tera, index: Arc<SiteIndex>, recorder: &Recorder) {
    let i = index.clone();
    tera.register_function("get_url", move |args: &HashMap<String, Value>| {
        let path = arg_str(args, "path", "get_url")?;
        if let Some(rel) = path.strip_prefix("@/") {
            let (rel, fragment) = rel
                .split_once('#')
                .map_or((rel, None), |(r, f)| (r, Some(f)));
            let url = i
                .url_of
                .get(rel)
                .ok_or_else(|| tera::Error::msg(format!("get_url: no content file `{rel}`")))?;
            let mut href = i.urls.href(url);
            if let Some(f) = fragment {
                href.push('#');
                href.push_str(f);
            }
            return Ok(Value::String(href));
        }
        if path.contains("://") {
            return Ok(Value::String(path.to_string()));
        }
        Ok(Value::String(i.urls.href(path)))
    });
    let i = index.clone();
    tera.register_function("asset_url", move |args: &HashMap<String, Value>| {
        let path = arg_str(args, "path", "asset_url")?.trim_start_matches('/');
        let rel = i.assets.get(path).map_or(path, String::as_str);
        Ok(Value::String(i.urls.href(rel)))
    });
    let (i, rec) = (index.clone(), recorder.clone());
    tera.register_function("load_data", move |args: &HashMap<String, Value>| {
        let path = arg_str(args, "path", "load_data")?;
        rec.note(|r| r.data = true);
        i.data().get(path).map(|f| f.value.clone()).ok_or_else(|| {
            tera::Error::msg(format!("load_data: no data file `{path}` under content/"))
        })
    });
    for name in PAGE_LOOKUPS {
        let key = name == "get_section";
        let (i, rec) = (index.clone(), recorder.clone());
        tera.register_function(name, move |args: &HashMap<String, Value>| {
            let path = arg_str(args, "path", name)?;
            rec.note(|r| r.pages.push(path.to_string()));
            let pages = i.pages.as_ref().ok_or_else(|| {
                tera::Error::msg(format!("{name} is not available in shortcodes"))
            })?;
            let page = pages(path)
                .ok_or_else(|| tera::Error::msg(format!("{name}: no content file `{path}`")))?;
            let is_section = page.get("kind").and_then(Value::as_str) == Some("section");
            if is_section != key {
                return Err(tera::Error::msg(format!(
                    "{name}: `{path}` is a {}",
                    if is_section { "section" } else { "page" }
                )));
            }
            Ok(page)
        });
    }
    let (i, rec) = (index.clone(), recorder.clone());
    tera.register_function("get_taxonomy", move |args: &HashMap<String, Value>| {
        let kind = arg_str(args, "kind", "get_taxonomy")?;
        rec.note(|r| r.taxonomies = true);
        let all = i
            .taxonomies
            .as_ref()
            .ok_or_else(|| tera::Error::msg("get_taxonomy is not available in shortcodes"))?;
        all(kind).ok_or_else(|| tera::Error::msg(format!("get_taxonomy: no taxonomy `{kind}`")))
    });
    for &view in crate::data::VIEW_NAMES
        .iter()
        .chain(crate::data::FACT_NAMES)
    {
        let (i, rec) = (index.clone(), recorder.clone());
        tera.register_function(view, move |args: &HashMap<String, Value>| {
            let args: serde_json::Map<String, Value> =
                args.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            let href = |p: &str| i.urls.href(p);
            let ctx = ViewContext { url: &href };
            rec.note(|r| r.data = true);
            match i.data().render_view(view, &args, &ctx) {
                Some(Ok(html)) => Ok(Value::String(html)),
                Some(Err(message)) => Err(tera::Error::msg(message)),
                None => Err(tera::Error::msg(format!("no data view `{view}`"))),
            }
        });
    }
    tera.register_filter("slugify", |value: &Value, _: &HashMap<String, Value>| {
        let text = value
            .as_str()
            .ok_or_else(|| tera::Error::msg("the slugify filter takes a string"))?;
        Ok(Value::String(crate::content::slugify(text)))
    });
    tera.register_filter("date", date_filter);
    let markdown = index.markdown.clone();
    tera.register_filter(
        "markdown",
        move |value: &Value, _: &HashMap<String, Value>| {
            let text = value
                .as_str()
                .ok_or_else(|| tera::Error::msg("the markdown filter takes a string"))?;
            Ok(Value::String(crate::markdown::render_plain(
                text, &markdown,
            )))
        },
    );
}

/// `{{ page.date | date(format="%e %B %Y") }}` on `YYYY-MM-DD` or RFC 3339 text.
fn date_filter(value: &Value, args: &HashMap<String, Value>) -> TeraResult<Value> {
    let text = match value {
        Value::String(s) => s.as_str(),
        Value::Null => return Ok(Value::Null),
        _ => return Err(tera::Error::msg("the date filter takes a date string")),
    };
    let format = args
        .get("format")
        .and_then(Value::as_str)
        .unwrap_or("%Y-%m-%d");
    let date = crate::content::Date::parse(text)
        .ok_or_else(|| tera::Error::msg(format!("the date filter cannot read `{text}`")))?;
    let mut out = String::new();
    use std::fmt::Write as _;
    write!(out, "{}", date.time.format(format))
        .map_err(|_| tera::Error::msg(format!("bad date format `{format}`")))?;
    Ok(Value::String(out))
}
