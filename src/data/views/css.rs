//! The default stylesheet for the data views, included by the theme.
//!
//! Colours are CSS variables with light defaults, switched for dark mode by
//! the system setting (unless the page forces `data-theme="light"`) or by
//! `data-theme="dark"` on the root element. Chart series use the variables
//! too, overriding the SVG's own fallback colours. Print keeps colours,
//! avoids breaking cards and charts across pages and drops scroll boxes.

/// CSS for every `rb-` class the views emit.
pub const VIEWS_CSS: &str = r#"/* rolebook data views */
:root {
  --rb-fg: #1f2937; --rb-muted: #6b7280; --rb-border: #d1d5db; --rb-surface: #f9fafb;
  --rb-chart-1: #2563eb; --rb-chart-2: #93c5fd; --rb-chart-3: #d97706; --rb-chart-4: #64748b;
  --rb-grid: #e5e7eb; --rb-band: #f3f4f6;
  --rb-ok: #15803d; --rb-warn: #b45309; --rb-info: #1d4ed8; --rb-idle: #475569;
  --rb-ok-bg: #dcfce7; --rb-warn-bg: #fef3c7; --rb-info-bg: #dbeafe; --rb-idle-bg: #e2e8f0;
}
@media (prefers-color-scheme: dark) {
  :root:not([data-theme="light"]) {
    --rb-fg: #e5e7eb; --rb-muted: #9ca3af; --rb-border: #374151; --rb-surface: #111827;
    --rb-chart-1: #60a5fa; --rb-chart-2: #1e40af; --rb-chart-3: #fbbf24; --rb-chart-4: #94a3b8;
    --rb-grid: #374151; --rb-band: #1f2937;
    --rb-ok: #86efac; --rb-warn: #fcd34d; --rb-info: #93c5fd; --rb-idle: #cbd5e1;
    --rb-ok-bg: #14532d; --rb-warn-bg: #78350f; --rb-info-bg: #1e3a8a; --rb-idle-bg: #334155;
  }
}
:root[data-theme="dark"] {
  --rb-fg: #e5e7eb; --rb-muted: #9ca3af; --rb-border: #374151; --rb-surface: #111827;
  --rb-chart-1: #60a5fa; --rb-chart-2: #1e40af; --rb-chart-3: #fbbf24; --rb-chart-4: #94a3b8;
  --rb-grid: #374151; --rb-band: #1f2937;
  --rb-ok: #86efac; --rb-warn: #fcd34d; --rb-info: #93c5fd; --rb-idle: #cbd5e1;
  --rb-ok-bg: #14532d; --rb-warn-bg: #78350f; --rb-info-bg: #1e3a8a; --rb-idle-bg: #334155;
}
.rb-view { margin: 1.25rem 0; }
.rb-scroll { overflow-x: auto; }
.rb-table { border-collapse: collapse; width: 100%; font-size: .9rem; }
.rb-table caption { text-align: left; font-weight: 600; padding: .25rem 0; }
.rb-table th, .rb-table td { border-bottom: 1px solid var(--rb-border); padding: .35rem .5rem; text-align: left; vertical-align: top; }
.rb-table tfoot td { color: var(--rb-muted); border-bottom: 0; }
.rb-num { text-align: right !important; font-variant-numeric: tabular-nums; }
.rb-filter, .rb-count, .rb-meta, .rb-muted, .rb-empty, .rb-dates { color: var(--rb-muted); }
.rb-id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85em; }
.rb-badge { display: inline-block; padding: 0 .45em; border-radius: 999px; font-size: .8em; line-height: 1.6;
  background: var(--rb-idle-bg); color: var(--rb-idle); white-space: nowrap; }
.rb-badge.rb-status-done { background: var(--rb-info-bg); color: var(--rb-info); }
.rb-badge.rb-status-in-progress, .rb-badge.rb-status-review, .rb-badge.rb-status-on-track,
.rb-badge.rb-horizon-now { background: var(--rb-ok-bg); color: var(--rb-ok); }
.rb-badge.rb-status-at-risk, .rb-badge.rb-kind-bug { background: var(--rb-warn-bg); color: var(--rb-warn); }
.rb-badge.rb-goal-met { background: var(--rb-ok-bg); color: var(--rb-ok); }
.rb-badge.rb-goal-missed { background: var(--rb-warn-bg); color: var(--rb-warn); }
.rb-badge.rb-goal-open { background: var(--rb-idle-bg); color: var(--rb-idle); }
.rb-board, .rb-roadmap { display: grid; gap: .75rem; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); }
.rb-column { background: var(--rb-surface); border: 1px solid var(--rb-border); border-radius: .5rem; padding: .5rem; min-width: 0; }
.rb-column-head { margin: 0 0 .5rem; display: flex; justify-content: space-between; gap: .5rem; }
.rb-column-title { font-weight: 600; }
.rb-cards { list-style: none; margin: 0; padding: 0; display: grid; gap: .5rem; }
.rb-card { border: 1px solid var(--rb-border); border-left: 4px solid var(--rb-chart-1); border-radius: .375rem;
  padding: .4rem .5rem; font-size: .9rem; overflow-wrap: anywhere; break-inside: avoid; }
.rb-card.rb-kind-bug, .rb-card.rb-status-at-risk { border-left-color: var(--rb-chart-3); }
.rb-card.rb-kind-epic, .rb-card.rb-status-planned { border-left-color: var(--rb-chart-4); }
.rb-card .rb-meta { display: block; font-size: .8rem; }
.rb-card p { margin: .25rem 0; }
.rb-card-title { font-weight: 600; }
.rb-progress progress { vertical-align: middle; width: 6rem; accent-color: var(--rb-chart-1); }
.rb-facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
.rb-facts dt { font-weight: 600; }
.rb-facts dd { margin: 0; }
.rb-chart { margin: 1.5rem 0; break-inside: avoid; }
.rb-view .rb-cards { padding-left: 0; }
.rb-scroll { overflow-x: auto; }
.rb-timeline .rb-svg { min-width: 48rem; }
.rb-svg { display: block; max-width: 100%; height: auto; color: var(--rb-fg); }
.rb-svg .rb-axis, .rb-svg .rb-label { fill: var(--rb-fg); }
.rb-svg .rb-grid { stroke: var(--rb-grid); }
.rb-svg .rb-band { fill: var(--rb-band); }
.rb-svg .rb-band-1 { fill: transparent; }
.rb-svg rect.rb-series-committed { fill: var(--rb-chart-2); }
.rb-svg rect.rb-series-completed { fill: var(--rb-chart-1); }
.rb-svg .rb-line.rb-series-completed, .rb-svg .rb-line.rb-series-value { stroke: var(--rb-chart-1); }
.rb-svg .rb-dot.rb-series-completed, .rb-svg .rb-dot.rb-series-value { fill: var(--rb-chart-1); }
.rb-svg .rb-line.rb-series-average { stroke: var(--rb-chart-3); }
.rb-svg .rb-dot.rb-series-average { fill: var(--rb-chart-3); }
.rb-svg .rb-line.rb-series-scope, .rb-svg .rb-line.rb-series-target { stroke: var(--rb-chart-4); }
.rb-svg .rb-dot.rb-series-scope, .rb-svg .rb-dot.rb-series-target { fill: var(--rb-chart-4); }
.rb-svg .rb-bar.rb-status-on-track { fill: var(--rb-ok); }
.rb-svg .rb-bar.rb-status-at-risk { fill: var(--rb-warn); }
.rb-svg .rb-bar.rb-status-done { fill: var(--rb-chart-1); }
.rb-svg .rb-bar.rb-status-planned { fill: var(--rb-chart-4); }
.rb-chart figcaption { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: baseline; font-size: .9rem; }
.rb-chart-title { font-weight: 600; }
.rb-legend { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; margin: 0; padding: 0; }
.rb-swatch { display: inline-block; width: .8em; height: .8em; margin-right: .35em; border-radius: 2px; vertical-align: -.05em; background: var(--rb-chart-1); }
.rb-swatch.rb-series-committed { background: var(--rb-chart-2); }
.rb-swatch.rb-series-average { background: var(--rb-chart-3); }
.rb-swatch.rb-series-scope, .rb-swatch.rb-series-target, .rb-swatch.rb-status-planned { background: var(--rb-chart-4); }
.rb-swatch.rb-status-on-track { background: var(--rb-ok); }
.rb-swatch.rb-status-at-risk { background: var(--rb-warn); }
.rb-data summary { cursor: pointer; font-size: .9rem; color: var(--rb-muted); }
@media print {
  .rb-view, .rb-svg, .rb-badge, .rb-swatch, .rb-card { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .rb-scroll { overflow: visible; }
  .rb-board, .rb-roadmap { grid-template-columns: repeat(3, 1fr); }
  .rb-column, .rb-chart, .rb-metric, .rb-table tr { break-inside: avoid; }
  .rb-data summary { display: none; }
}
"#;
