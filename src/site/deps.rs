//! What each output of a site value read, and what differs between two
//! values: the one model serve's updates follow (`live`).
//!
//! A page's render notes two kinds of reads: the facts of the site its
//! context holds ([`Site::page_facts`]: its own content and summary, its
//! section's pages, its branch of the navigation, its neighbours...) and
//! what its template looked up while it ran (the [`Reads`] its renderer
//! returned: `get_page`, `get_taxonomy`, data). An update makes the next
//! site value, asks [`Changed::between`] the two which facts differ, and
//! renders again exactly the outputs that read one of them.

use std::collections::HashSet;
use std::sync::Arc;

use super::Site;
use crate::content::PageId;
use crate::templates::functions::Reads;

/// A fact of a site value that outputs read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fact {
    /// A page's file: its front matter (its template, its `extra`...) and
    /// its text.
    Source(PageId),
    /// A page's rendered Markdown: its HTML and table of contents.
    Content(PageId),
    /// A page's summary view: title, description, dates, terms, summary,
    /// owners (what lists of pages show of it).
    Summary(PageId),
    /// The navigation of a branch: its tree and its rendered sidebar.
    Nav(PageId),
    /// The links to the pages before and after a page.
    Neighbours(PageId),
    /// What the owners and changes pages list, and the home page's recent
    /// changes: titles, dates, weights and descriptions of listed pages.
    Listing,
    /// Every taxonomy's terms, each with its pages.
    Terms,
}

/// What one render read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deps {
    /// Facts its context held.
    pub facts: Vec<Fact>,
    /// The template it was rendered with (what that one extends, includes
    /// or imports is found by name: [`crate::templates::Templates::changed_since`]).
    pub template: String,
    /// What its template looked up.
    pub reads: Reads,
}

/// What differs between two values of a site with the same pages.
#[derive(Debug, Default)]
pub struct Changed {
    pub facts: HashSet<Fact>,
    /// The data files.
    pub data: bool,
    /// The order of the pages.
    pub order: bool,
    /// Templates whose text differs, with every template that names one.
    pub templates: std::collections::BTreeSet<String>,
    /// Pages whose view as `get_page` or `get_section` gives it differs:
    /// their content or summary, or for a section one of its pages'.
    views: HashSet<String>,
    /// Whether `get_taxonomy` gives anything else: the terms, or the
    /// summary of a page that has terms.
    taxonomies: bool,
}

impl Changed {
    /// The facts of `new` that differ from `old`'s. Both values have the
    /// same pages (serve makes a full build otherwise); parts the two
    /// share are not compared.
    pub fn between(old: &Site, new: &Site, data: bool) -> Changed {
        let mut facts = HashSet::new();
        let pages = new.content.pages.len();
        if !Arc::ptr_eq(&old.content, &new.content) {
            for id in 0..pages {
                let (a, b) = (&old.content.page(id).text, &new.content.page(id).text);
                if !Arc::ptr_eq(a, b) && a != b {
                    facts.insert(Fact::Source(id));
                }
            }
        }
        if !Arc::ptr_eq(&old.rendered, &new.rendered) {
            for id in 0..pages {
                let (a, b) = (&old.rendered[id], &new.rendered[id]);
                if !Arc::ptr_eq(a, b)
                    && (a.rendered.html != b.rendered.html || a.rendered.toc != b.rendered.toc)
                {
                    facts.insert(Fact::Content(id));
                }
            }
        }
        let mut summaries = Vec::new();
        if !Arc::ptr_eq(&old.summaries, &new.summaries) {
            for id in 0..pages {
                let (a, b) = (&old.summaries[id], &new.summaries[id]);
                if !Arc::ptr_eq(a, b) && a != b {
                    facts.insert(Fact::Summary(id));
                    summaries.push(id);
                }
            }
        }
        if !Arc::ptr_eq(&old.navs, &new.navs) || !Arc::ptr_eq(&old.sidebars, &new.sidebars) {
            for branch in new.branches() {
                if old.navs.get(&branch) != new.navs.get(&branch)
                    || old.sidebars.get(&branch) != new.sidebars.get(&branch)
                {
                    facts.insert(Fact::Nav(branch));
                }
            }
        }
        let order = old.order != new.order;
        if order || !summaries.is_empty() {
            let before = super::views::neighbours(&old.content, &old.order, &old.urls, None);
            let after = super::views::neighbours(&new.content, &new.order, &new.urls, None);
            for (id, (a, b)) in before.iter().zip(&after).enumerate() {
                if a != b {
                    facts.insert(Fact::Neighbours(id));
                }
            }
        }
        let listing = |site: &Site, id: PageId| {
            let page = site.content.page(id);
            crate::upkeep::listing_key(&page.meta, &page.title)
        };
        if summaries
            .iter()
            .any(|&id| listing(old, id) != listing(new, id))
        {
            facts.insert(Fact::Listing);
        }
        let with_terms = summaries
            .iter()
            .any(|&id| old.has_terms(id) || new.has_terms(id));
        if with_terms && old.term_lists() != new.term_lists() {
            facts.insert(Fact::Terms);
        }
        let mut views = HashSet::new();
        for fact in &facts {
            if let Fact::Content(id) | Fact::Summary(id) = *fact {
                views.insert(new.content.page(id).rel_path.clone());
            }
            if let Fact::Summary(id) = *fact
                && let Some(parent) = new.content.page(id).parent
            {
                views.insert(new.content.page(parent).rel_path.clone());
            }
        }
        Changed {
            taxonomies: with_terms,
            facts,
            data,
            order,
            templates: Default::default(),
            views,
        }
    }

    /// Whether a render that read `deps` would differ now.
    pub fn touches(&self, deps: &Deps) -> bool {
        deps.facts.iter().any(|f| self.facts.contains(f))
            || self.templates.contains(&deps.template)
            || self.touches_reads(&deps.reads)
    }

    /// Whether a template's look-ups (`reads`) would give anything else now.
    pub fn touches_reads(&self, reads: &Reads) -> bool {
        (reads.data && self.data)
            || (reads.taxonomies && self.taxonomies)
            || reads.pages.iter().any(|p| self.views.contains(p))
    }

    /// Pages whose content or summary differ.
    pub fn pages(&self) -> impl Iterator<Item = PageId> + '_ {
        let mut ids: Vec<PageId> = self
            .facts
            .iter()
            .filter_map(|f| match *f {
                Fact::Content(id) | Fact::Summary(id) => Some(id),
                _ => None,
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter()
    }

    pub fn summary(&self, id: PageId) -> bool {
        self.facts.contains(&Fact::Summary(id))
    }

    pub fn any_nav(&self) -> bool {
        self.facts.iter().any(|f| matches!(f, Fact::Nav(_)))
    }
}
