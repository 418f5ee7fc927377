/* rolebook "handbook" theme: the sidebar of a big site.
 *
 * On a site above `sidebar_full_limit` pages each page holds only the
 * sections above it; the whole tree is written once, in the navigation
 * script the page loads just before this one (window.rolebookNav: nodes
 * [title, path, roles] for pages, [title, path, roles, children] for
 * sections, paths without the base). This script puts the tree in the
 * sidebar with the same markup as a small site's, those sections open and
 * the page named by data-nav-current marked, before handbook.js wires the
 * toggles. Closed branches are built when first opened. Both files are
 * loaded by <script src>, so this works from file:// too; without
 * JavaScript the sidebar keeps its sections and the site map link.
 */
(function () {
  "use strict";

  var doc = document;
  var tree = window.rolebookNav;
  var sidebar = doc.getElementById("sidebar");
  var inner = sidebar && sidebar.querySelector(".sidebar-inner");
  if (!Array.isArray(tree) || !inner) return;

  var rootMeta = doc.querySelector('meta[name="rolebook-root"]');
  var root = rootMeta ? rootMeta.getAttribute("content") : "/";
  var relative = doc.documentElement.getAttribute("data-relative") === "true";

  /* The href of a page from its path, as the build writes it here. */
  function pageHref(path) {
    var href = root + path;
    if (relative && (path === "" || path.charAt(path.length - 1) === "/")) href += "index.html";
    return href === "" ? "./" : href;
  }

  var later = {};

  function list(nodes, idPrefix, depth, state) {
    var ul = doc.createElement("ul");
    ul.className = "nav-list nav-depth-" + depth;
    if (depth === 0) ul.setAttribute("role", "list");
    nodes.forEach(function (node, i) {
      var href = pageHref(node[1]);
      var current = href === state.current;
      var open = Object.prototype.hasOwnProperty.call(state.open, href);
      var li = doc.createElement("li");
      li.className = "nav-item" + (node[3] ? " nav-section" : "") + (current ? " is-active" : "") + (open ? " is-open" : "");
      li.setAttribute("data-roles", node[2]);
      var row = doc.createElement("div");
      row.className = "nav-row";
      var link = doc.createElement("a");
      link.className = "nav-link";
      link.setAttribute("href", href);
      link.textContent = node[0];
      if (current) link.setAttribute("aria-current", "page");
      row.appendChild(link);
      li.appendChild(row);
      if (node[3] && node[3].length) {
        var id = idPrefix + "-" + (i + 1);
        var shown = open || current;
        var toggle = doc.createElement("button");
        toggle.className = "nav-toggle";
        toggle.type = "button";
        toggle.setAttribute("aria-expanded", shown ? "true" : "false");
        toggle.setAttribute("aria-controls", id);
        var label = doc.createElement("span");
        label.className = "visually-hidden";
        label.textContent = node[0] + ": show or hide pages";
        toggle.appendChild(label);
        row.appendChild(toggle);
        var children = doc.createElement("div");
        children.className = "nav-children";
        children.id = id;
        if (shown) {
          children.appendChild(list(node[3], id, depth + 1, state));
        } else {
          children.hidden = true;
          later[id] = { nodes: node[3], depth: depth + 1, state: state };
        }
        li.appendChild(children);
      }
      ul.appendChild(li);
    });
    return ul;
  }

  var path = inner.querySelector(".nav-list.nav-depth-0");
  var state = { open: {}, current: null };
  if (path) {
    Array.prototype.forEach.call(path.querySelectorAll(".is-open > .nav-row > .nav-link"), function (a) {
      state.open[a.getAttribute("href")] = true;
    });
  }
  var here = sidebar.getAttribute("data-nav-current");
  if (here !== null) state.current = pageHref(here);
  var full = list(tree, "nav", 0, state);
  if (path) inner.replaceChild(full, path);
  else inner.insertBefore(full, inner.querySelector(".nav-site-map"));

  /* Fill a closed branch before handbook.js shows it (capture runs first). */
  sidebar.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest(".nav-toggle");
    var id = toggle && toggle.getAttribute("aria-controls");
    if (!id || !later[id]) return;
    var box = doc.getElementById(id);
    var wait = later[id];
    delete later[id];
    if (box) box.appendChild(list(wait.nodes, id, wait.depth, wait.state));
  }, true);
})();
