//! A Hugo site: `hugo.toml` (or `config.toml`, YAML, JSON), `content/`
//! with `_index.md` sections and page bundles, `static/`, shortcodes.
//!
//! Hugo's content folder is shaped like rolebook's, so pages keep their
//! places; `url` moves a page to its URL, `aliases`, `weight` and `draft`
//! carry over. The common shortcodes become rolebook's: `hint` and
//! `notice` alerts, `figure`, `highlight` code blocks; `ref`/`relref` are
//! resolved with the other links.

use std::path::Path;

use serde_json::Value;

use super::front::{self, Front};
use super::report::Report;
use super::{Page, Site, normal_url, slash};
use crate::error::Diagnostics;

pub fn read(src: &Path, report: &mut Report) -> Result<Site, Diagnostics> {
    let mut site = Site::default();
    let content_dir = config(src, &mut site, report);
    for rel in super::walk(src, Path::new(&content_dir), &|_| false) {
        let inner = rel.strip_prefix(&content_dir).unwrap_or(&rel).to_path_buf();
        if !super::is_markdown(&rel) {
            site.files
                .push((src.join(&rel), format!("content/{}", slash(&inner))));
            continue;
        }
        let Some(text) = super::read_text(src, &rel, report) else {
            continue;
        };
        let parsed = front::parse(&text, &rel, report);
        let mut front = Front::from_map(&parsed.map, report);
        if let Some(slug) = parsed.map.get("slug").and_then(front::text) {
            front.slug = Some(slug);
        }
        let path = slash(&inner);
        let stem = path
            .rsplit_once('.')
            .map_or(path.as_str(), |(s, _)| s)
            .to_string();
        let default_url = match stem.rsplit_once('/') {
            Some((dir, "_index" | "index")) => format!("/{dir}/"),
            None if stem == "_index" || stem == "index" => "/".into(),
            _ => format!("/{stem}/"),
        };
        let mut dest = format!("{stem}.md");
        let mut old_urls = vec![default_url];
        if let Some(url) = parsed.map.get("url").and_then(front::text) {
            // `url` sets the address outright: the page moves there.
            let stem = normal_url(&url).trim_matches('/').to_string();
            dest = if stem.is_empty() {
                "_index.md".into()
            } else {
                format!("{stem}.md")
            };
            old_urls.insert(0, url);
            report.mapped("`url` to the page's place (its URL is kept)");
        }
        if let Some(Value::Object(menu)) = parsed.map.get("menu")
            && front.weight.is_none()
        {
            front.weight = menu
                .values()
                .find_map(|m| m.get("weight").and_then(front::number));
        }
        let body = shortcodes(&parsed.body, report);
        site.pages.push(Page {
            source: rel.clone(),
            dest,
            front,
            body,
            body_line: parsed.body_line,
            old_urls,
        });
    }
    for rel in super::walk(src, Path::new("static"), &|_| false) {
        site.files.push((src.join(&rel), slash(&rel)));
    }
    for folder in ["layouts", "themes", "assets", "i18n", "archetypes"] {
        if src.join(folder).is_dir() {
            report.note(
                Path::new(folder),
                0,
                "not imported: rolebook's theme takes its place",
            );
        }
    }
    Ok(site)
}

/// The config's settings; returns the content folder.
fn config(src: &Path, site: &mut Site, report: &mut Report) -> String {
    let names = [
        "hugo.toml",
        "config.toml",
        "config/_default/hugo.toml",
        "config/_default/config.toml",
        "hugo.yaml",
        "hugo.yml",
        "config.yaml",
        "config.yml",
        "hugo.json",
        "config.json",
    ];
    let Some(name) = names.iter().find(|n| src.join(n).is_file()) else {
        return "content".into();
    };
    let rel = Path::new(name);
    let value: Value = super::read_text(src, rel, report)
        .and_then(|text| {
            let parsed: Result<Value, String> = if name.ends_with(".toml") {
                toml::from_str::<toml::Table>(&text)
                    .map_err(|e| e.message().to_string())
                    .and_then(|t| serde_json::to_value(t).map_err(|e| e.to_string()))
            } else if name.ends_with(".json") {
                serde_json::from_str(&text).map_err(|e| e.to_string())
            } else {
                serde_norway::from_str(&text).map_err(|e| e.to_string())
            };
            parsed
                .map_err(|e| {
                    report.note(
                        rel,
                        0,
                        format!("does not parse ({e}); its settings are not imported"),
                    )
                })
                .ok()
        })
        .unwrap_or(Value::Null);
    let get = |v: &Value, k: &str| v.get(k).and_then(front::text);
    let params = value.get("params").cloned().unwrap_or(Value::Null);
    site.config.title = get(&value, "title");
    site.config.description = get(&params, "description").or_else(|| get(&params, "subtitle"));
    site.config.base_url = get(&value, "baseURL")
        .or_else(|| get(&value, "baseurl"))
        .filter(|u| u.contains("://"));
    site.config.repository = ["github_repo", "repo", "repository", "BookRepo", "github"]
        .iter()
        .find_map(|k| get(&params, k))
        .filter(|r| r.contains("://"));
    // Multilingual sites keep each language's pages in its own folder.
    let language = get(&value, "defaultContentLanguage").unwrap_or_else(|| "en".into());
    let language_dir = value
        .pointer(&format!("/languages/{language}/contentDir"))
        .and_then(front::text);
    if let Some(Value::Object(languages)) = value.get("languages")
        && languages.len() > 1
    {
        report.note(
            rel,
            0,
            format!("{} languages: only {language} is imported", languages.len()),
        );
    }
    language_dir
        .or_else(|| get(&value, "contentDir"))
        .unwrap_or_else(|| "content".into())
}

/// Hugo's common shortcodes in rolebook's terms.
pub fn shortcodes(body: &str, report: &mut Report) -> String {
    let mut out = String::with_capacity(body.len());
    let mut lines = body.split_inclusive('\n').enumerate().peekable();
    while let Some((_, line)) = lines.next() {
        let Some((name, args)) = opening(line.trim()) else {
            out.push_str(line);
            continue;
        };
        match name.as_str() {
            "hint" | "notice" | "alert" | "callout" | "admonition" | "note" | "tip" | "warning" => {
                let named = |k: &str| {
                    args.iter()
                        .find_map(|a| a.strip_prefix(&format!("{k}=")))
                        .map(unquote)
                };
                // `{{< hint warning >}}`, `{{% notice tip %}}`, Docsy's
                // `{{< alert color="warning" title="..." >}}`.
                let kind = if matches!(name.as_str(), "note" | "tip" | "warning") {
                    name.clone()
                } else {
                    args.iter()
                        .find(|a| !a.contains('='))
                        .cloned()
                        .or_else(|| named("type"))
                        .or_else(|| named("color"))
                        .unwrap_or_else(|| "note".into())
                };
                let title = named("title");
                let inner = body_until(&mut lines, &name);
                out.push_str(&super::docusaurus::alert(&kind, title.as_deref(), &inner));
                report.mapped(&format!("`{name}` shortcodes to alerts"));
            }
            "highlight" => {
                let lang = args.first().cloned().unwrap_or_default();
                let inner = body_until(&mut lines, &name);
                out.push_str(&format!(
                    "```{lang}\n{}\n```\n",
                    inner.trim_end_matches('\n')
                ));
                report.mapped("`highlight` shortcodes to fenced code");
            }
            "figure" => {
                let attr = |k: &str| {
                    args.iter()
                        .find_map(|a| a.strip_prefix(&format!("{k}=")))
                        .map(unquote)
                };
                let src = attr("src").unwrap_or_default();
                let alt = attr("alt").or_else(|| attr("title")).unwrap_or_default();
                let caption = attr("caption").or_else(|| attr("title"));
                let mut call = format!("{{{{ figure(src=\"{}\", alt=\"{}\"", esc(&src), esc(&alt));
                if let Some(c) = caption {
                    call.push_str(&format!(", caption=\"{}\"", esc(&c)));
                }
                call.push_str(") }}\n");
                out.push_str(&call);
                report.mapped("`figure` shortcodes to rolebook's figure");
            }
            "ref" | "relref" => out.push_str(line),
            // Reported with the other template syntax when links are read.
            _ => out.push_str(line),
        }
    }
    out
}

/// `{{< name args >}}` or `{{% name args %}}` alone on a line.
fn opening(line: &str) -> Option<(String, Vec<String>)> {
    let inner = line
        .strip_prefix("{{<")
        .and_then(|r| r.strip_suffix(">}}"))
        .or_else(|| line.strip_prefix("{{%").and_then(|r| r.strip_suffix("%}}")))?;
    let inner = inner.trim();
    if inner.starts_with('/') || inner.starts_with("/*") {
        return None;
    }
    let mut words = split_args(inner);
    if words.is_empty() {
        return None;
    }
    let name = words.remove(0);
    Some((name, words))
}

/// Arguments split on spaces outside quotes.
fn split_args(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote = None;
    for c in s.chars() {
        match (c, quote) {
            ('"' | '\'' | '`', None) => {
                quote = Some(c);
                cur.push(c);
            }
            (c, Some(q)) if c == q => {
                quote = None;
                cur.push(c);
            }
            (c, None) if c.is_whitespace() => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            (c, _) => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out.into_iter().map(|a| unquote(&a)).collect()
}

fn unquote(s: &str) -> String {
    match s.split_once('=') {
        Some((k, v)) => format!(
            "{k}={}",
            v.trim_matches(|c| c == '"' || c == '\'' || c == '`')
        ),
        None => s
            .trim_matches(|c| c == '"' || c == '\'' || c == '`')
            .to_string(),
    }
    .trim_start_matches('=')
    .to_string()
}

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The lines up to the closing `{{< /name >}}`, which is consumed.
fn body_until<'a>(
    lines: &mut std::iter::Peekable<impl Iterator<Item = (usize, &'a str)>>,
    name: &str,
) -> String {
    let mut inner = String::new();
    for (_, line) in lines.by_ref() {
        let t = line.trim();
        let closing = [
            format!("{{{{< /{name} >}}}}"),
            format!("{{{{% /{name} %}}}}"),
        ];
        let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
        if closing.iter().any(|c| {
            let c: String = c.chars().filter(|c| !c.is_whitespace()).collect();
            compact == c
        }) {
            break;
        }
        inner.push_str(line);
    }
    inner
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_keep_quoted_spaces() {
        assert_eq!(
            split_args(r#"figure src="a b.png" alt="A picture""#),
            ["figure", "src=a b.png", "alt=A picture"]
        );
    }
}
