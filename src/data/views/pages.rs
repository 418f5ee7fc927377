//! Pages generated from data: one per roadmap initiative and per epic item
//! (its facts, progress, dates, items and the guide pages that link to it),
//! and one overview per schema file (`/team/backlog/`: board and ranked
//! list; `/team/roadmap/`: columns and timeline; `/team/sprints/`: velocity,
//! burn-up and the sprint list; `/team/metrics/`: every trend). Items' and
//! sprints' rows carry anchors here, which `@backlog/ID` links point at.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::lists::ListView;
use super::{
    ItemPage, Referrers, ViewContext, badge, charts, escape, priority_label, progress,
    progress_html, time_tag, view_id,
};
use crate::data::{
    Backlog, DataFile, DataSet, Initiative, Item, ItemKind, Metrics, Roadmap, Schema, Sprints,
    base_url, slug,
};

impl DataSet {
    /// Every page generated from data, in a stable order.
    pub fn item_pages(&self, ctx: &ViewContext, referrers: &Referrers) -> Vec<ItemPage> {
        let mut pages = Vec::new();
        for file in self.files() {
            let page = Pages {
                data: self,
                ctx,
                referrers,
                file,
            };
            match &file.schema {
                Some(Schema::Backlog(b)) => {
                    pages.push(page.backlog(b));
                    let mut epics: Vec<&Item> = b
                        .items
                        .iter()
                        .filter(|i| i.kind == ItemKind::Epic)
                        .collect();
                    epics.sort_by_key(|i| i.rank);
                    pages.extend(epics.into_iter().map(|e| page.epic(e)));
                }
                Some(Schema::Roadmap(r)) => {
                    pages.push(page.roadmap(r));
                    pages.extend(r.initiatives.iter().map(|i| page.initiative(i)));
                }
                Some(Schema::Sprints(s)) => pages.push(page.sprints(s)),
                Some(Schema::Metrics(m)) => pages.push(page.metrics(m)),
                None => {}
            }
        }
        pages
    }
}

struct Pages<'a> {
    data: &'a DataSet,
    ctx: &'a ViewContext<'a>,
    referrers: &'a Referrers,
    file: &'a DataFile,
}

fn fact(out: &mut String, name: &str, html: &str) {
    if !html.is_empty() {
        let _ = writeln!(out, "<dt>{name}</dt><dd>{html}</dd>");
    }
}

impl Pages<'_> {
    fn list(&self) -> ListView<'_> {
        ListView {
            data: self.data,
            ctx: self.ctx,
            anchors: true,
        }
    }

    fn chart_id(&self, view: &str) -> String {
        let mut args = Map::new();
        args.insert("file".into(), Value::String(self.file.rel_path.clone()));
        view_id(view, &args)
    }

    fn page(&self, url_path: String, title: String, description: String, html: String) -> ItemPage {
        ItemPage {
            url_path,
            title,
            description,
            html,
            source: self.file.rel_path.clone(),
        }
    }

    fn referenced_by(&self, kind: &str, id: &str) -> String {
        let mut out = String::from("<h2 id=\"referenced-by\">Referenced by</h2>\n");
        let key = (kind.to_owned(), id.to_owned());
        let mut pages: Vec<&(String, String)> =
            self.referrers.get(&key).into_iter().flatten().collect();
        pages.sort();
        pages.dedup();
        if pages.is_empty() {
            out.push_str("<p class=\"rb-empty\">No guide page links here yet.</p>\n");
            return out;
        }
        out.push_str("<ul class=\"rb-referrers\">\n");
        for (title, url) in pages {
            let _ = writeln!(
                out,
                "<li><a href=\"{}\">{}</a></li>",
                escape(&self.ctx.href(url)),
                escape(title)
            );
        }
        out.push_str("</ul>\n");
        out
    }

    fn items_section(&self, id: &str, items: &[(&DataFile, &Item)]) -> String {
        let mut out = String::from("<h2 id=\"items\">Items</h2>\n");
        let caption = format!("Items in {}", escape(id));
        out.push_str(&self.list().item_table(items, &caption, ""));
        out
    }

    fn initiative(&self, i: &Initiative) -> ItemPage {
        let items = self.data.descendants(&i.id);
        let (done, total) = progress(&items);
        let mut html = String::from(
            "<div class=\"rb-item-page rb-initiative-page\">\n<p class=\"rb-badges\">",
        );
        html.push_str(&badge("status", i.status.as_str(), i.status.label()));
        html.push(' ');
        html.push_str(&badge("horizon", i.horizon.as_str(), i.horizon.label()));
        html.push_str("</p>\n<dl class=\"rb-facts\">\n");
        fact(&mut html, "ID", &escape(&i.id));
        fact(
            &mut html,
            "Dates",
            &format!("{} to {}", time_tag(i.start), time_tag(i.end)),
        );
        fact(&mut html, "Outcome", &escape(&i.outcome));
        fact(
            &mut html,
            "Owner",
            &i.owner.as_deref().map(escape).unwrap_or_default(),
        );
        fact(&mut html, "Progress", &progress_html(done, total));
        html.push_str("</dl>\n");
        if let Some(d) = &i.description {
            let _ = writeln!(html, "<p class=\"rb-description\">{}</p>", escape(d));
        }
        html.push_str(&self.items_section(&i.id, &items));
        html.push_str(&self.referenced_by("roadmap", &i.id));
        html.push_str("</div>\n");
        let url = format!("{}{}/", base_url(self.file, "roadmap"), slug(&i.id));
        self.page(
            url,
            format!("{}: {}", i.id, i.title),
            i.outcome.clone(),
            html,
        )
    }

    fn epic(&self, e: &Item) -> ItemPage {
        let items = self.data.descendants(&e.id);
        let (done, total) = progress(&items);
        let mut html =
            String::from("<div class=\"rb-item-page rb-epic-page\">\n<p class=\"rb-badges\">");
        html.push_str(&badge("status", e.status.as_str(), e.status.label()));
        html.push_str("</p>\n<dl class=\"rb-facts\">\n");
        fact(&mut html, "ID", &escape(&e.id));
        fact(&mut html, "Rank", &e.rank.to_string());
        if let Some(parent) = &e.epic {
            let link = match self.data.parent_url(parent) {
                Some(url) => format!(
                    "<a href=\"{}\">{}</a>",
                    escape(&self.ctx.href(&url)),
                    escape(parent)
                ),
                None => escape(parent),
            };
            let title = self.data.initiative(parent).map(|(_, i)| i.title.as_str());
            let title = title.or_else(|| self.data.item(parent).map(|(_, i)| i.title.as_str()));
            let suffix = title.map(|t| format!(" {}", escape(t))).unwrap_or_default();
            fact(&mut html, "Part of", &format!("{link}{suffix}"));
        }
        fact(&mut html, "Dates", &self.sprint_span(e, &items));
        fact(&mut html, "Priority", priority_label(e.priority));
        fact(
            &mut html,
            "Owner",
            &e.owner.as_deref().map(escape).unwrap_or_default(),
        );
        let labels: Vec<String> = e.labels.iter().map(|l| escape(l)).collect();
        fact(&mut html, "Labels", &labels.join(", "));
        fact(&mut html, "Progress", &progress_html(done, total));
        html.push_str("</dl>\n");
        if !e.acceptance.is_empty() {
            html.push_str("<h2 id=\"acceptance\">Acceptance</h2>\n<ul class=\"rb-acceptance\">\n");
            for a in &e.acceptance {
                let _ = writeln!(html, "<li>{}</li>", escape(a));
            }
            html.push_str("</ul>\n");
        }
        if let Some(notes) = &e.notes {
            let _ = writeln!(html, "<p class=\"rb-notes\">{}</p>", escape(notes));
        }
        html.push_str(&self.items_section(&e.id, &items));
        html.push_str(&self.referenced_by("backlog", &e.id));
        html.push_str("</div>\n");
        let url = format!("{}{}/", base_url(self.file, "backlog"), slug(&e.id));
        let description = format!("Epic {}: {} of {} points done", e.title, done, total);
        self.page(url, format!("{}: {}", e.id, e.title), description, html)
    }

    /// "Sprints 22 to 24 (7 Sep 2026 to 2 Oct 2026)" from the sprints its
    /// items are planned in, if the sprints are known.
    fn sprint_span(&self, epic: &Item, items: &[(&DataFile, &Item)]) -> String {
        let mut sprints: Vec<_> = std::iter::once(epic)
            .chain(items.iter().map(|(_, i)| *i))
            .filter_map(|i| i.sprint)
            .filter_map(|n| self.data.sprint(n))
            .collect();
        sprints.sort_by_key(|s| s.number);
        let (Some(first), Some(last)) = (sprints.first(), sprints.last()) else {
            return String::new();
        };
        let start = sprints.iter().map(|s| s.start).min().unwrap_or(first.start);
        let end = sprints.iter().map(|s| s.end).max().unwrap_or(last.end);
        let which = if first.number == last.number {
            format!("Sprint {}", first.number)
        } else {
            format!("Sprints {} to {}", first.number, last.number)
        };
        format!("{which} ({} to {})", time_tag(start), time_tag(end))
    }

    fn backlog(&self, b: &Backlog) -> ItemPage {
        let title = b.heading.title.clone().unwrap_or_else(|| match &b.team {
            Some(team) => format!("Backlog: {team}"),
            None => "Backlog".to_owned(),
        });
        let mut items: Vec<(&DataFile, &Item)> = b.items.iter().map(|i| (self.file, i)).collect();
        items.sort_by_key(|(_, i)| i.rank);
        let (done, total) = progress(&items);
        let description = b
            .heading
            .description
            .clone()
            .unwrap_or_else(|| format!("{} items, {done} of {total} points done", items.len()));
        let mut html = String::from("<div class=\"rb-item-page rb-backlog-page\">\n");
        if let Some(d) = &b.heading.description {
            let _ = writeln!(html, "<p class=\"rb-description\">{}</p>", escape(d));
        }
        html.push_str("<h2 id=\"board\">Board</h2>\n");
        html.push_str(
            &ListView {
                anchors: false,
                ..self.list()
            }
            .board(&items, ""),
        );
        html.push_str("<h2 id=\"ranked\">Ranked backlog</h2>\n");
        html.push_str(&self.list().item_table(&items, "", ""));
        html.push_str("</div>\n");
        self.page(base_url(self.file, "backlog"), title, description, html)
    }

    fn roadmap(&self, r: &Roadmap) -> ItemPage {
        let title = r
            .heading
            .title
            .clone()
            .unwrap_or_else(|| "Roadmap".to_owned());
        let all: Vec<&Initiative> = r.initiatives.iter().collect();
        let description = r
            .heading
            .description
            .clone()
            .unwrap_or_else(|| format!("{} initiatives, now, next and later", all.len()));
        let mut html = String::from("<div class=\"rb-item-page rb-roadmap-page\">\n");
        if let Some(d) = &r.heading.description {
            let _ = writeln!(html, "<p class=\"rb-description\">{}</p>", escape(d));
        }
        let view = ListView {
            anchors: false,
            ..self.list()
        };
        html.push_str(&view.roadmap(self.file, &all));
        html.push_str("<h2 id=\"timeline\">Timeline</h2>\n");
        let id = self.chart_id("timeline");
        html.push_str(&super::timeline::timeline(self.ctx, self.file, &all, &id));
        html.push_str("</div>\n");
        self.page(base_url(self.file, "roadmap"), title, description, html)
    }

    fn sprints(&self, s: &Sprints) -> ItemPage {
        let title = s
            .heading
            .title
            .clone()
            .unwrap_or_else(|| "Sprints".to_owned());
        let mut sprints: Vec<_> = s.sprints.iter().collect();
        sprints.sort_by_key(|x| x.number);
        let description = s
            .heading
            .description
            .clone()
            .unwrap_or_else(|| format!("Velocity and burn-up over {} sprints", sprints.len()));
        let mut html = String::from("<div class=\"rb-item-page rb-sprints-page\">\n");
        if let Some(d) = &s.heading.description {
            let _ = writeln!(html, "<p class=\"rb-description\">{}</p>", escape(d));
        }
        html.push_str("<h2 id=\"velocity\">Velocity</h2>\n");
        html.push_str(&charts::velocity(
            &sprints,
            3,
            &self.chart_id("velocity"),
            false,
        ));
        if sprints.iter().any(|x| x.goal_met.is_some()) {
            html.push_str("<h2 id=\"sprint-goals\">Sprint goals</h2>\n");
            html.push_str(&super::facts::goals(&sprints));
        }
        html.push_str("<h2 id=\"burn-up\">Burn-up</h2>\n");
        html.push_str(&charts::burnup(&sprints, &self.chart_id("burnup")));
        html.push_str(
            "<h2 id=\"sprints\">Sprints</h2>\n<div class=\"rb-scroll\"><table class=\"rb-table rb-sprints-table\">\n\
             <thead><tr><th scope=\"col\">Sprint</th><th scope=\"col\">Dates</th><th scope=\"col\">Goal</th>\
             <th scope=\"col\" class=\"rb-num\">Committed</th><th scope=\"col\" class=\"rb-num\">Completed</th>\
             <th scope=\"col\" class=\"rb-num\">Scope</th><th scope=\"col\">Goal met</th></tr></thead>\n<tbody>\n",
        );
        for x in &sprints {
            let _ = writeln!(
                html,
                "<tr id=\"sprint-{n}\"><th scope=\"row\">{n}</th><td>{} – {}</td><td>{}</td>\
                 <td class=\"rb-num\">{}</td><td class=\"rb-num\">{}</td><td class=\"rb-num\">{}</td><td>{}</td></tr>",
                time_tag(x.start),
                time_tag(x.end),
                escape(&x.goal),
                x.committed,
                x.completed,
                x.scope.map_or(String::new(), |v| v.to_string()),
                match x.goal_met {
                    Some(true) => "Met",
                    Some(false) => "Missed",
                    None => "",
                },
                n = x.number,
            );
        }
        html.push_str("</tbody>\n</table></div>\n</div>\n");
        self.page(base_url(self.file, "sprints"), title, description, html)
    }

    fn metrics(&self, m: &Metrics) -> ItemPage {
        let title = m
            .heading
            .title
            .clone()
            .unwrap_or_else(|| "Metrics".to_owned());
        let all: Vec<_> = m.metrics.iter().collect();
        let names: Vec<&str> = all.iter().map(|x| x.title.as_str()).collect();
        let description = m
            .heading
            .description
            .clone()
            .unwrap_or_else(|| format!("Trends against target: {}", names.join(", ")));
        let mut html = String::from("<div class=\"rb-item-page rb-metrics-page\">\n");
        if let Some(d) = &m.heading.description {
            let _ = writeln!(html, "<p class=\"rb-description\">{}</p>", escape(d));
        }
        html.push_str(&charts::metrics(&all, &self.chart_id("metrics"), true));
        html.push_str("</div>\n");
        self.page(base_url(self.file, "metrics"), title, description, html)
    }
}
