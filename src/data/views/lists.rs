//! The list views: the ranked backlog table, the board by status and the
//! roadmap's now / next / later columns. Plain HTML, no SVG.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::{Args, ViewContext, badge, escape, priority_label, progress, progress_html, time_tag};
use crate::data::{
    DataFile, DataSet, Horizon, Initiative, Item, ItemKind, Priority, Schema, Status, slug,
};

/// Arguments of the `backlog` and `board` views.
pub(crate) const FILTER_ARGS: &[&str] = &[
    "file", "status", "kind", "epic", "sprint", "priority", "owner", "label", "limit",
];

/// Which items a backlog view shows; every field a list of allowed values.
#[derive(Debug, Default)]
pub(crate) struct ItemFilter {
    status: Option<Vec<Status>>,
    kind: Option<Vec<ItemKind>>,
    priority: Option<Vec<Priority>>,
    epic: Option<Vec<String>>,
    sprint: Option<Vec<u32>>,
    owner: Option<Vec<String>>,
    label: Option<Vec<String>>,
    limit: Option<usize>,
    /// Ids under the requested epics or initiatives.
    under: BTreeSet<String>,
}

impl ItemFilter {
    pub(crate) fn from_args(data: &DataSet, args: &Args<'_>) -> Result<ItemFilter, String> {
        let sprint = match args.words("sprint")? {
            None => None,
            Some(words) => Some(
                words
                    .iter()
                    .map(|w| {
                        w.trim_start_matches(['S', 's'])
                            .parse::<u32>()
                            .map_err(|_| format!("`sprint` must be a sprint number, not \"{w}\""))
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        };
        let epic = args.words("epic")?;
        let mut under = BTreeSet::new();
        for id in epic.iter().flatten() {
            if data.parent_url(id).is_none() {
                return Err(format!(
                    "`epic` \"{id}\" names no roadmap initiative or epic item"
                ));
            }
            under.extend(data.descendants(id).into_iter().map(|(_, i)| i.id.clone()));
        }
        Ok(ItemFilter {
            status: args.choices("status")?,
            kind: args.choices("kind")?,
            priority: args.choices("priority")?,
            epic,
            sprint,
            owner: args.words("owner")?,
            label: args.words("label")?,
            limit: args.uint("limit")?.map(|n| n as usize),
            under,
        })
    }

    /// No filter and no limit: the view shows the whole file.
    pub(crate) fn is_empty(&self) -> bool {
        self.limit.is_none() && self.describe().is_empty()
    }

    fn matches(&self, item: &Item) -> bool {
        let any = |list: &Option<Vec<String>>, value: Option<&String>| {
            list.as_ref()
                .is_none_or(|l| value.is_some_and(|v| l.contains(v)))
        };
        self.status
            .as_ref()
            .is_none_or(|s| s.contains(&item.status))
            && self.kind.as_ref().is_none_or(|k| k.contains(&item.kind))
            && self
                .priority
                .as_ref()
                .is_none_or(|p| item.priority.is_some_and(|x| p.contains(&x)))
            && (self.epic.is_none() || self.under.contains(&item.id))
            && self
                .sprint
                .as_ref()
                .is_none_or(|s| item.sprint.is_some_and(|x| s.contains(&x)))
            && any(&self.owner, item.owner.as_ref())
            && self
                .label
                .as_ref()
                .is_none_or(|l| item.labels.iter().any(|x| l.contains(x)))
    }

    /// The file's items that pass, in rank order, cut to `limit`.
    pub(crate) fn apply<'a>(&self, file: &'a DataFile) -> Vec<(&'a DataFile, &'a Item)> {
        let Some(Schema::Backlog(b)) = &file.schema else {
            return Vec::new();
        };
        let mut items: Vec<_> = b
            .items
            .iter()
            .filter(|i| self.matches(i))
            .map(|i| (file, i))
            .collect();
        items.sort_by_key(|(_, i)| i.rank);
        if let Some(limit) = self.limit {
            items.truncate(limit);
        }
        items
    }

    /// "status: ready, review; sprint: 24", for captions and empty results.
    pub(crate) fn describe(&self) -> String {
        let mut parts = Vec::new();
        let mut add = |name: &str, words: Option<Vec<String>>| {
            if let Some(w) = words {
                parts.push(format!("{name}: {}", w.join(", ")));
            }
        };
        add(
            "status",
            self.status
                .as_ref()
                .map(|v| v.iter().map(|s| s.as_str().to_owned()).collect()),
        );
        add(
            "kind",
            self.kind
                .as_ref()
                .map(|v| v.iter().map(|s| s.as_str().to_owned()).collect()),
        );
        add(
            "priority",
            self.priority
                .as_ref()
                .map(|v| v.iter().map(|s| s.as_str().to_owned()).collect()),
        );
        add("epic", self.epic.clone());
        add(
            "sprint",
            self.sprint
                .as_ref()
                .map(|v| v.iter().map(u32::to_string).collect()),
        );
        add("owner", self.owner.clone());
        add("label", self.label.clone());
        parts.join("; ")
    }
}

/// Renders list views; `anchors` gives each row an `id` (only on the one
/// page an item's links point to, so ids stay unique per page).
pub(crate) struct ListView<'a> {
    pub data: &'a DataSet,
    pub ctx: &'a ViewContext<'a>,
    pub anchors: bool,
}

impl ListView<'_> {
    fn item_link(&self, file: &DataFile, item: &Item) -> String {
        let href = self.ctx.href(&self.data.item_url(file, item));
        format!(
            "<a class=\"rb-id\" href=\"{}\">{}</a>",
            escape(&href),
            escape(&item.id)
        )
    }

    fn parent_link(&self, id: &str) -> String {
        match self.data.parent_url(id) {
            Some(url) => format!(
                "<a href=\"{}\">{}</a>",
                escape(&self.ctx.href(&url)),
                escape(id)
            ),
            None => escape(id),
        }
    }

    /// The ranked backlog as a table.
    pub(crate) fn backlog(
        &self,
        file: &DataFile,
        items: &[(&DataFile, &Item)],
        filter: &str,
    ) -> String {
        let team = match &file.schema {
            Some(Schema::Backlog(b)) => b.team.clone(),
            _ => None,
        };
        let mut caption = String::from("Backlog");
        if let Some(team) = team {
            let _ = write!(caption, ": {}", escape(&team));
        }
        if !filter.is_empty() {
            let _ = write!(
                caption,
                " <span class=\"rb-filter\">({})</span>",
                escape(filter)
            );
        }
        self.item_table(items, &caption, filter)
    }

    /// A table of items with an optional caption; shared with item pages.
    pub(crate) fn item_table(
        &self,
        items: &[(&DataFile, &Item)],
        caption: &str,
        filter: &str,
    ) -> String {
        let mut out = String::from("<div class=\"rb-view rb-backlog\">\n");
        if items.is_empty() {
            let why = if filter.is_empty() {
                String::new()
            } else {
                format!(" match {}", escape(filter))
            };
            let _ = writeln!(out, "<p class=\"rb-empty\">No items{why}.</p>\n</div>");
            return out;
        }
        out.push_str("<div class=\"rb-scroll\"><table class=\"rb-table rb-backlog-table\">\n");
        if !caption.is_empty() {
            let _ = writeln!(out, "<caption>{caption}</caption>");
        }
        out.push_str(
            "<thead><tr><th scope=\"col\" class=\"rb-num\">Rank</th><th scope=\"col\">ID</th>\
             <th scope=\"col\">Title</th><th scope=\"col\">Kind</th><th scope=\"col\">Status</th>\
             <th scope=\"col\">Priority</th><th scope=\"col\" class=\"rb-num\">Points</th>\
             <th scope=\"col\">Epic</th><th scope=\"col\" class=\"rb-num\">Sprint</th></tr></thead>\n<tbody>\n",
        );
        for (file, item) in items {
            let id = if self.anchors {
                format!(" id=\"{}\"", escape(&slug(&item.id)))
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "<tr class=\"rb-item rb-kind-{kind} rb-status-{status}\"{id}><td class=\"rb-num\">{rank}</td>\
                 <td>{link}</td><td>{title}</td><td>{kind_badge}</td><td>{status_badge}</td><td>{priority}</td>\
                 <td class=\"rb-num\">{points}</td><td>{epic}</td><td class=\"rb-num\">{sprint}</td></tr>",
                kind = item.kind.as_str(),
                status = item.status.as_str(),
                rank = item.rank,
                link = self.item_link(file, item),
                title = escape(&item.title),
                kind_badge = badge("kind", item.kind.as_str(), item.kind.label()),
                status_badge = badge("status", item.status.as_str(), item.status.label()),
                priority = priority_label(item.priority),
                points = item.points.map_or(String::new(), |p| p.to_string()),
                epic = item
                    .epic
                    .as_deref()
                    .map_or(String::new(), |e| self.parent_link(e)),
                sprint = item.sprint.map_or(String::new(), |s| s.to_string()),
            );
        }
        let (done, total) = progress(items);
        let count = items.len();
        let noun = if count == 1 { "item" } else { "items" };
        let _ = write!(
            out,
            "</tbody>\n<tfoot><tr><td colspan=\"9\">{count} {noun} · {total} points ({done} done)</td></tr></tfoot>\n\
             </table></div>\n</div>\n"
        );
        out
    }

    /// The items as cards in one column per status.
    pub(crate) fn board(&self, items: &[(&DataFile, &Item)], filter: &str) -> String {
        let label = if filter.is_empty() {
            "Board".to_owned()
        } else {
            format!("Board ({filter})")
        };
        let mut out = format!(
            "<div class=\"rb-view rb-board\" role=\"group\" aria-label=\"{}\">\n",
            escape(&label)
        );
        for status in Status::all() {
            let column: Vec<_> = items.iter().filter(|(_, i)| i.status == *status).collect();
            let points: u32 = column.iter().filter_map(|(_, i)| i.points).sum();
            let _ = write!(
                out,
                "<div role=\"group\" class=\"rb-column rb-status-{word}\" aria-label=\"{label}: {board}\">\n\
                 <p class=\"rb-column-head\"><span class=\"rb-column-title\">{label}</span> \
                 <span class=\"rb-count\">{n} · {points} pts</span></p>\n",
                word = status.as_str(),
                label = status.label(),
                board = escape(&label),
                n = column.len(),
            );
            if column.is_empty() {
                out.push_str("<p class=\"rb-empty\">Nothing here.</p>\n</div>\n");
                continue;
            }
            out.push_str("<ol class=\"rb-cards\">\n");
            for (file, item) in column {
                let mut meta = vec![item.kind.label().to_owned()];
                meta.extend(item.points.map(|p| format!("{p} pts")));
                meta.extend(item.epic.as_ref().map(|e| escape(e)));
                meta.extend(item.owner.as_ref().map(|o| escape(o)));
                let _ = writeln!(
                    out,
                    "<li class=\"rb-card rb-kind-{kind}\">{link} <span class=\"rb-title\">{title}</span> \
                     <span class=\"rb-meta\">{meta}</span></li>",
                    kind = item.kind.as_str(),
                    link = self.item_link(file, item),
                    title = escape(&item.title),
                    meta = meta.join(" · "),
                );
            }
            out.push_str("</ol>\n</div>\n");
        }
        out.push_str("</div>\n");
        out
    }

    /// Initiatives in now / next / later columns.
    pub(crate) fn roadmap(&self, file: &DataFile, initiatives: &[&Initiative]) -> String {
        let mut out = String::from(
            "<div class=\"rb-view rb-roadmap\" role=\"group\" aria-label=\"Roadmap\">\n",
        );
        for horizon in Horizon::all() {
            let column: Vec<_> = initiatives
                .iter()
                .filter(|i| i.horizon == *horizon)
                .collect();
            let _ = write!(
                out,
                "<div role=\"group\" class=\"rb-column rb-horizon-{word}\" aria-label=\"{label}\">\n\
                 <p class=\"rb-column-head\"><span class=\"rb-column-title\">{label}</span> \
                 <span class=\"rb-count\">{n}</span></p>\n",
                word = horizon.as_str(),
                label = horizon.label(),
                n = column.len(),
            );
            if column.is_empty() {
                out.push_str("<p class=\"rb-empty\">Nothing here.</p>\n</div>\n");
                continue;
            }
            out.push_str("<ol class=\"rb-cards\">\n");
            for initiative in column {
                out.push_str(&self.initiative_card(file, initiative));
            }
            out.push_str("</ol>\n</div>\n");
        }
        out.push_str("</div>\n");
        out
    }

    fn initiative_card(&self, file: &DataFile, i: &Initiative) -> String {
        let url = format!("{}{}/", crate::data::base_url(file, "roadmap"), slug(&i.id));
        let (done, total) = progress(&self.data.descendants(&i.id));
        format!(
            "<li class=\"rb-card rb-initiative rb-status-{status}\">\
             <a class=\"rb-card-title\" href=\"{href}\">{title}</a> <span class=\"rb-id\">{id}</span> {badge}\n\
             <p class=\"rb-dates\">{start} – {end}</p>\n<p class=\"rb-outcome\">{outcome}</p>\n<p>{progress}</p></li>\n",
            status = i.status.as_str(),
            href = escape(&self.ctx.href(&url)),
            title = escape(&i.title),
            id = escape(&i.id),
            badge = badge("status", i.status.as_str(), i.status.label()),
            start = time_tag(i.start),
            end = time_tag(i.end),
            outcome = escape(&i.outcome),
            progress = progress_html(done, total),
        )
    }
}
