//! The pages upkeep generates: `/owners/` (who owns what, and when it is
//! due), `/changes/` with its Atom feed (what was added or updated lately),
//! and the home page's list of recent changes.
//!
//! Each lists other pages: serve renders them again when an edit changes a
//! title or date they show, and makes a full build when it changes an
//! owner or review date (see `upkeep::listing_key`, `review_key` and `live`).

use super::deps::Other;
use std::path::Path;

use serde_json::{Value, json};

use super::{Selection, Site, output_path, render_error};
use crate::content::{Date, PageId};
use crate::error::Diagnostics;
use crate::output::Output;
use crate::text::escape_html;
use crate::upkeep::{DUE_WINDOW, human_date};

/// How many changes `/changes/` and its feed list.
const CHANGES_LISTED: usize = 50;
/// How many the home page shows.
const CHANGES_ON_HOME: usize = 5;

/// One page in the list of changes.
pub(super) struct Change {
    pub(super) id: PageId,
    when: Date,
    added: bool,
}

impl Site {
    /// Pages with a date, newest change first: `updated` (front matter or
    /// Git), else `date`, else the first commit.
    pub(super) fn changes(&self) -> Vec<Change> {
        let mut out: Vec<Change> = self
            .order
            .iter()
            .filter_map(|&id| {
                let page = self.content.page(id);
                if page.implicit || id == self.content.root {
                    return None;
                }
                let up = self.upkeep.page(id);
                let added = page.date.or(up.and_then(|u| u.git_added));
                let when = page.updated.or(added)?;
                Some(Change {
                    id,
                    when,
                    added: added.is_some_and(|a| a.day == when.day),
                })
            })
            .collect();
        // Newest first; pages changed the same day in sidebar order.
        out.sort_by_key(|c| std::cmp::Reverse(c.when.day));
        out
    }

    fn change_view(&self, change: &Change) -> Value {
        let page = self.content.page(change.id);
        json!({
            "title": page.title,
            "url": self.urls.href(&page.url_path),
            "date": change.when.day_string(),
            "date_text": human_date(change.when.day),
            "kind": if change.added { "added" } else { "updated" },
        })
    }

    /// The home page's recent changes, for `index.html` (`recent_changes`).
    pub(super) fn recent_changes(&self) -> Value {
        Value::Array(
            self.changes()
                .iter()
                .take(CHANGES_ON_HOME)
                .map(|c| self.change_view(c))
                .collect(),
        )
    }

    /// Whether the site has a `/changes/` page: a theme template for it, a
    /// dated page, and no page of the writers' own at that URL.
    pub(super) fn has_changes_page(&self) -> bool {
        self.templates().has("changes.html")
            && !self.content.by_url.contains_key("changes/")
            && !self.changes().is_empty()
    }

    pub(super) fn render_upkeep_pages(
        &self,
        selected: Selection,
        output: &mut Output,
        diags: &mut Diagnostics,
    ) {
        if !selected.upkeep_pages() {
            return;
        }
        self.render_owners(output, diags);
        self.render_changes(output, diags);
    }

    fn render_owners(&self, output: &mut Output, diags: &mut Diagnostics) {
        let up = &self.upkeep;
        let any_owner = up.pages.iter().any(|p| !p.owners.is_empty());
        if !self.templates().has("owners.html")
            || self.content.by_url.contains_key("owners/")
            || (!any_owner && up.owners.is_empty())
        {
            return;
        }
        let today = up.today.unwrap_or_default();
        let page_view = |id: PageId| {
            let page = self.content.page(id);
            let p = &up.pages[id];
            json!({
                "title": page.title,
                "url": self.urls.href(&page.url_path),
                "reviewed": p.reviewed.map(|d| d.format("%Y-%m-%d").to_string()),
                "reviewed_text": p.reviewed.map(human_date),
                "due": p.due.map(|d| d.format("%Y-%m-%d").to_string()),
                "due_text": p.due.map(human_date),
                "status": p.status(today, DUE_WINDOW).as_str(),
            })
        };
        let mut names: Vec<String> = up.owners.keys().cloned().collect();
        for p in &up.pages {
            for name in &p.owners {
                if !names.contains(name) {
                    names.push(name.clone());
                }
            }
        }
        names.sort_by_key(|n| n.to_lowercase());
        let owners: Vec<Value> = names
            .iter()
            .map(|name| {
                let config = up.owners.get(name).cloned().unwrap_or_default();
                let pages: Vec<Value> = self
                    .order
                    .iter()
                    .filter(|&&id| up.pages[id].owners.contains(name))
                    .map(|&id| page_view(id))
                    .collect();
                let overdue = pages.iter().filter(|p| p["status"] == "overdue").count();
                json!({
                    "name": name, "slug": crate::content::slugify(name),
                    "team": config.team, "contact": config.contact, "role": config.role,
                    "pages": pages, "overdue": overdue,
                })
            })
            .collect();
        let unowned: Vec<Value> = self
            .order
            .iter()
            .filter(|&&id| !self.content.page(id).implicit && up.pages[id].owners.is_empty())
            .map(|&id| page_view(id))
            .collect();
        let view = self.virtual_view(
            "owners",
            "Owners",
            "Who keeps each page current, and when each is due a review.",
            "owners/",
            "",
        );
        let extra = [
            ("owners", Value::Array(owners)),
            ("unowned", Value::Array(unowned)),
            ("today", json!(today.format("%Y-%m-%d").to_string())),
        ];
        let out = output_path("owners/");
        let root = self.content.root;
        match self.render_virtual(Other::Upkeep, "owners.html", root, &view, &extra, &out) {
            Ok(html) => {
                output.insert(out, html);
            }
            Err(e) => diags.push(render_error(
                &e,
                "owners.html",
                self.templates(),
                Path::new("owners.html"),
            )),
        }
    }

    fn render_changes(&self, output: &mut Output, diags: &mut Diagnostics) {
        if !self.has_changes_page() {
            return;
        }
        let mut changes = self.changes();
        changes.truncate(CHANGES_LISTED);
        let list: Vec<Value> = changes.iter().map(|c| self.change_view(c)).collect();
        let view = self.virtual_view(
            "changes",
            "What changed",
            "Pages added and updated lately, newest first.",
            "changes/",
            "",
        );
        let extra = [
            ("changes", Value::Array(list)),
            ("feed_url", json!(self.urls.href("changes/atom.xml"))),
        ];
        let out = output_path("changes/");
        let root = self.content.root;
        match self.render_virtual(Other::Upkeep, "changes.html", root, &view, &extra, &out) {
            Ok(html) => {
                output.insert(out, html);
            }
            Err(e) => {
                diags.push(render_error(
                    &e,
                    "changes.html",
                    self.templates(),
                    Path::new("changes.html"),
                ));
                return;
            }
        }
        output.insert("changes/atom.xml", self.changes_feed(&changes));
    }

    fn changes_feed(&self, changes: &[Change]) -> String {
        let feed_url = self.urls.permalink("changes/atom.xml");
        let updated = changes
            .first()
            .map(|c| c.when.rfc3339())
            .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
        let mut xml = format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n<title>{} - What changed</title>\n<link rel=\"self\" href=\"{}\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n<id>{}</id>\n<updated>{}</updated>\n",
            escape_html(&self.config.language),
            escape_html(&self.config.title),
            escape_html(&feed_url),
            escape_html(&self.urls.permalink("changes/")),
            escape_html(&feed_url),
            updated
        );
        for c in changes {
            let page = self.content.page(c.id);
            let link = self.urls.permalink(&page.url_path);
            let kind = if c.added { "Added" } else { "Updated" };
            let summary = page.meta.description.clone().unwrap_or_default();
            xml.push_str(&format!(
                "<entry>\n<title>{}: {}</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n<id>{}#{}</id>\n<updated>{}</updated>\n<summary>{}</summary>\n</entry>\n",
                kind,
                escape_html(&page.title),
                escape_html(&link),
                escape_html(&link),
                c.when.day_string(),
                c.when.rfc3339(),
                escape_html(&summary),
            ));
        }
        xml.push_str("</feed>\n");
        xml
    }
}
