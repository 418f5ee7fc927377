//! What each output of a site value read, and what differs between two
//! values: the one model serve's updates follow (`live`).
//!
//! A page's render notes two kinds of reads: the facts of the site its
//! context holds (`Site::page_facts`: its own content and summary, its
//! section's pages, its branch of the navigation, its neighbours...) and
//! what its template looked up while it ran (the [`Reads`] its renderer
//! returned: `get_page`, `get_taxonomy`, data). The outputs without a
//! Markdown file (term pages, feeds, data item pages, the sitemap...) say
//! what they read in [`others`], next to each other. An update makes the
//! next site value, asks [`Changed::between`] the two which facts differ,
//! and renders again exactly the outputs that read one of them.

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
    /// What lists of links show of a page: its title, URL, roles, weight
    /// and dates (the navigation script, the site map, the sitemap, the
    /// pages that link to a data item).
    Entry(PageId),
    /// The pages of one term (a hash of its taxonomy and slug).
    Term(u64),
    /// The order of all pages.
    Order,
    /// The data files.
    Data,
    /// Which pages link to which data items.
    Referrers,
}

/// An output without a Markdown file, as serve renders it again.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Other {
    /// A taxonomy's page listing its terms with their counts.
    TaxonomyList,
    /// A term's page: (taxonomy, slug).
    TermPage(String, String),
    /// A section's Atom feed.
    Feed(PageId),
    /// The print page.
    Print,
    /// The owners and changes pages and the changes feed.
    Upkeep,
    /// The data item pages.
    DataPages,
    /// The sitemap, the navigation script and the site map pages.
    Sitemap,
    /// The 404 page and alias redirects, which show the home's sidebar.
    Fallbacks,
    /// The sidebars, rendered once per section into the site value: one
    /// whose template looked up what changed needs a full build.
    Sidebars,
}

/// The [`Fact::Term`] of a term.
pub fn term_fact(taxonomy: &str, slug: &str) -> Fact {
    Fact::Term(super::cache::hash_of((taxonomy, slug)))
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
                if !Arc::ptr_eq(a, b) && (a.html != b.html || a.rendered.toc != b.rendered.toc) {
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
        let entry = |site: &Site, id: PageId| {
            let page = site.content.page(id);
            (
                page.title.clone(),
                page.url_path.clone(),
                page.roles.clone(),
                page.meta.weight,
                page.date,
                page.updated,
            )
        };
        for &id in &summaries {
            if entry(old, id) != entry(new, id) {
                facts.insert(Fact::Entry(id));
            }
        }
        if order {
            facts.insert(Fact::Order);
        }
        // Previous and next links show titles and URLs in the order.
        if order || facts.iter().any(|f| matches!(f, Fact::Entry(_))) {
            let before = super::views::neighbours(&old.content, &old.order, &old.urls, None);
            let after = super::views::neighbours(&new.content, &new.order, &new.urls, None);
            for (id, (a, b)) in before.iter().zip(&after).enumerate() {
                if a != b {
                    facts.insert(Fact::Neighbours(id));
                }
            }
        }
        if data {
            facts.insert(Fact::Data);
        }
        if (0..pages).any(|id| {
            !Arc::ptr_eq(&old.rendered[id], &new.rendered[id])
                && old.rendered[id].data_refs != new.rendered[id].data_refs
        }) {
            facts.insert(Fact::Referrers);
        }
        let with_terms = summaries
            .iter()
            .any(|&id| old.has_terms(id) || new.has_terms(id));
        if with_terms {
            let members = |site: &Site| -> std::collections::HashMap<Fact, Vec<PageId>> {
                site.term_lists()
                    .iter()
                    .flat_map(|(name, _, terms)| {
                        terms
                            .iter()
                            .map(move |(slug, (_, pages))| (term_fact(name, slug), pages.clone()))
                    })
                    .collect()
            };
            let (before, after) = (members(old), members(new));
            for (fact, pages) in &after {
                if before.get(fact) != Some(pages) {
                    facts.insert(*fact);
                }
            }
            for fact in before.keys() {
                if !after.contains_key(fact) {
                    facts.insert(*fact);
                }
            }
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
        (reads.data && self.facts.contains(&Fact::Data))
            || (reads.taxonomies && self.taxonomies)
            || reads.pages.iter().any(|p| self.views.contains(p))
    }

    /// Whether the order of the pages changed.
    pub fn reordered(&self) -> bool {
        self.facts.contains(&Fact::Order)
    }

    /// Whether a term appeared or went: that adds or removes a page.
    pub fn terms_appear_or_go(&self, old: &Site, new: &Site) -> bool {
        let any_term = self.facts.iter().any(|f| matches!(f, Fact::Term(_)));
        let slugs = |site: &Site| -> Vec<(String, Vec<String>)> {
            site.term_lists()
                .iter()
                .map(|(name, _, terms)| (name.clone(), terms.keys().cloned().collect()))
                .collect()
        };
        any_term && slugs(old) != slugs(new)
    }
}

/// What each output without a Markdown file reads of `site`, as its
/// renderer uses it (`extras`, `upkeep_pages`, `navfile`): serve renders
/// again those that read a fact that differs, or whose template looked up
/// what changed (noted apart, as they render: `Site::other_reads`).
pub fn others(site: &Site) -> Vec<(Other, Vec<Fact>)> {
    let content = &site.content;
    let pages = 0..content.pages.len();
    let mut out = Vec::new();
    for (name, _, terms) in site.term_lists().iter() {
        // A taxonomy's page shows each term's count.
        let counts = terms.keys().map(|slug| term_fact(name, slug)).collect();
        out.push((Other::TaxonomyList, counts));
        for (slug, (_, members)) in terms {
            let mut facts = vec![term_fact(name, slug)];
            facts.extend(members.iter().map(|&p| Fact::Summary(p)));
            out.push((Other::TermPage(name.clone(), slug.clone()), facts));
        }
    }
    for (id, page) in content.pages.iter().enumerate() {
        if page.is_section() && page.meta.feed {
            // The newest of its pages, with their content.
            let facts = page
                .pages
                .iter()
                .flat_map(|&p| [Fact::Summary(p), Fact::Content(p)])
                .collect();
            out.push((Other::Feed(id), facts));
        }
    }
    if site.writes_print_page() {
        let mut facts: Vec<Fact> = pages
            .clone()
            .flat_map(|p| [Fact::Summary(p), Fact::Content(p)])
            .collect();
        facts.push(Fact::Order);
        out.push((Other::Print, facts));
    }
    out.push((Other::Upkeep, vec![Fact::Listing]));
    // Data item pages: the data, the pages that link to each item, and the
    // sidebar of the section of the item's file.
    let mut facts = vec![Fact::Data, Fact::Referrers];
    facts.extend(
        pages
            .clone()
            .filter(|&p| !site.rendered[p].data_refs.is_empty())
            .map(Fact::Entry),
    );
    facts.extend(
        content
            .data
            .iter()
            .map(|d| Fact::Nav(site.section_for(&d.rel_path))),
    );
    out.push((Other::DataPages, facts));
    let mut facts: Vec<Fact> = pages.map(Fact::Entry).collect();
    facts.push(Fact::Order);
    out.push((Other::Sitemap, facts));
    out.push((Other::Fallbacks, vec![Fact::Nav(content.root)]));
    out
}
