/* rolebook "handbook" theme script: colour theme toggle, sidebar menu, code
 * copy buttons, scrollable tables, table-of-contents highlight, role filter
 * and search.
 *
 * No framework and no request to another host. Search data is loaded by
 * adding <script src> tags for files under search/ (written by the build,
 * see docs/themes.md), never with fetch, so it works from file:// as well
 * as from a server under any base path. Text from the index is inserted
 * with textContent only.
 */
(function () {
  "use strict";

  var doc = document;
  var html = doc.documentElement;

  function $(selector, scope) { return (scope || doc).querySelector(selector); }
  function $all(selector, scope) { return Array.prototype.slice.call((scope || doc).querySelectorAll(selector)); }

  function store(key, value) {
    try {
      if (value === null) localStorage.removeItem(key); else localStorage.setItem(key, value);
    } catch (e) { /* storage disabled: the choice lasts for this page only */ }
  }
  function recall(key) {
    try { return localStorage.getItem(key); } catch (e) { return null; }
  }

  /* The site root as an href from this page ("/handbook/", "../../"). */
  var rootMeta = $('meta[name="rolebook-root"]');
  var root = rootMeta ? rootMeta.getAttribute("content") : (html.getAttribute("data-root") || "/");
  var relative = html.getAttribute("data-relative") === "true";

  /* Href of a page from its path without base ("roles/po/", "" for home). */
  function pageHref(path, anchor) {
    /* A data item's path carries the anchor of its row: "team/backlog/#chk-13". */
    var hash = path.indexOf("#");
    if (hash >= 0) {
      anchor = anchor || path.slice(hash + 1);
      path = path.slice(0, hash);
    }
    var href = root + path;
    if (relative && (path === "" || path.charAt(path.length - 1) === "/")) href += "index.html";
    if (href === "") href = "./";
    return anchor ? href + "#" + anchor : href;
  }

  var ROLE_NAMES = { po: "Product Owner", pm: "Product Manager" };

  /* ---------- Colour theme ---------- */

  var systemDark = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function themeMode() {
    var t = html.getAttribute("data-theme");
    return t === "light" || t === "dark" ? t : "auto";
  }

  function setThemeMode(mode) {
    if (mode === "auto") html.removeAttribute("data-theme"); else html.setAttribute("data-theme", mode);
    store("rolebook-theme", mode === "auto" ? null : mode);
    showThemeMode();
  }

  function showThemeMode() {
    var mode = themeMode();
    var names = { auto: "system", light: "light", dark: "dark" };
    $all(".theme-toggle").forEach(function (button) {
      button.setAttribute("data-mode", mode);
      var next = nextThemeMode(mode);
      var text = "Colour theme: " + names[mode] + ". Switch to " + names[next];
      button.title = text;
      var label = $(".theme-toggle-label", button);
      if (label) label.textContent = text;
    });
  }

  /* From "system" the first click always changes what the reader sees. */
  function nextThemeMode(mode) {
    var dark = systemDark && systemDark.matches;
    if (mode === "auto") return dark ? "light" : "dark";
    if (mode === "light") return dark ? "auto" : "dark";
    return dark ? "light" : "auto";
  }

  function initTheme() {
    showThemeMode();
    $all(".theme-toggle").forEach(function (button) {
      button.addEventListener("click", function () { setThemeMode(nextThemeMode(themeMode())); });
    });
    if (systemDark && systemDark.addEventListener) systemDark.addEventListener("change", showThemeMode);
    window.addEventListener("storage", function (event) {
      if (event.key === "rolebook-theme") {
        var v = event.newValue;
        if (v === "light" || v === "dark") html.setAttribute("data-theme", v); else html.removeAttribute("data-theme");
        showThemeMode();
      } else if (event.key === "rolebook-role") {
        applyRole(event.newValue === "po" || event.newValue === "pm" ? event.newValue : "", false);
      }
    });
  }

  /* ---------- Sidebar: menu on small screens, branch toggles ---------- */

  var sidebar = $("#sidebar");
  var menuButton = $(".menu-button");
  var smallScreen = window.matchMedia ? window.matchMedia("(max-width: 899.98px)") : null;

  function setMenu(open, restoreFocus) {
    if (!sidebar || !menuButton) return;
    html.classList.toggle("sidebar-open", open);
    menuButton.setAttribute("aria-expanded", open ? "true" : "false");
    var backdrop = $(".sidebar-backdrop");
    if (backdrop) backdrop.hidden = !open;
    if (open) {
      var target = $('[aria-current="page"]', sidebar) || $("a, button", sidebar);
      if (target) setTimeout(function () { target.focus(); }, 30);
    } else if (restoreFocus) {
      menuButton.focus();
    }
  }

  function initSidebar() {
    if (!sidebar) return;
    if (menuButton) {
      menuButton.addEventListener("click", function () {
        setMenu(!html.classList.contains("sidebar-open"), true);
      });
    }
    var backdrop = $(".sidebar-backdrop");
    if (backdrop) backdrop.addEventListener("click", function () { setMenu(false, true); });
    doc.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && html.classList.contains("sidebar-open")) setMenu(false, true);
    });
    if (smallScreen && smallScreen.addEventListener) {
      smallScreen.addEventListener("change", function () { if (!smallScreen.matches) setMenu(false, false); });
    }
    sidebar.addEventListener("click", function (event) {
      var toggle = event.target.closest(".nav-toggle");
      if (toggle) {
        var list = doc.getElementById(toggle.getAttribute("aria-controls"));
        var open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
        if (list) list.hidden = !open;
        return;
      }
      if (event.target.closest("a") && html.classList.contains("sidebar-open")) setMenu(false, false);
    });
    $all(".nav-toggle", sidebar).forEach(function (toggle) {
      var name = toggle.closest(".nav-row").querySelector(".nav-link");
      var label = $(".visually-hidden", toggle);
      if (name && label) label.textContent = name.textContent + ": show or hide pages";
    });
    /* Bring the current page into view in a long sidebar. */
    var current = $('[aria-current="page"]', sidebar);
    if (current && sidebar.scrollHeight > sidebar.clientHeight) {
      var top = current.getBoundingClientRect().top - sidebar.getBoundingClientRect().top;
      if (top > sidebar.clientHeight * 0.7) sidebar.scrollTop = top - sidebar.clientHeight / 3;
    }
  }

  /* ---------- Role filter ---------- */

  function currentRole() {
    var r = html.getAttribute("data-role");
    return r === "po" || r === "pm" ? r : "";
  }

  function applyRole(role, remember) {
    if (role) html.setAttribute("data-role", role); else html.removeAttribute("data-role");
    if (remember) store("rolebook-role", role || null);
    $all("[data-role-filter]").forEach(function (select) { select.value = role; });
    $all(".role-filter-note-text").forEach(function (note) {
      note.textContent = role ? "Showing pages for the " + ROLE_NAMES[role] + " and for both roles." : "";
    });
    if (search.dialog && search.dialog.open) runSearch();
  }

  function initRoleFilter() {
    $all("[data-role-filter]").forEach(function (select) {
      select.addEventListener("change", function () { applyRole(select.value, true); });
    });
    $all("[data-role-clear]").forEach(function (button) {
      button.addEventListener("click", function () { applyRole("", true); });
    });
    applyRole(currentRole(), false);
  }

  /* ---------- Code blocks: language label, copy button ---------- */

  function codeText(pre) {
    var clone = pre.cloneNode(true);
    $all(".hl-ln, .line-number, .ln, .code-lang, .copy-button", clone).forEach(function (n) { n.remove(); });
    var rows = $all("tr", clone);
    if (rows.length) {
      return rows.map(function (row) {
        var cells = row.querySelectorAll("td");
        return cells.length ? cells[cells.length - 1].textContent.replace(/\n$/, "") : "";
      }).join("\n");
    }
    return clone.textContent.replace(/\n$/, "");
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return legacyCopy(text); });
    }
    return legacyCopy(text);
  }

  function legacyCopy(text) {
    return new Promise(function (resolve, reject) {
      var area = doc.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.top = "-1000px";
      doc.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = doc.execCommand("copy"); } catch (e) { ok = false; }
      area.remove();
      if (ok) resolve(); else reject(new Error("copy failed"));
    });
  }

  function initCode() {
    $all("pre.code, .content pre").forEach(function (pre) {
      if (pre.parentNode.classList.contains("code-block")) return;
      var wrap = doc.createElement("div");
      wrap.className = "code-block";
      pre.parentNode.insertBefore(wrap, pre);
      wrap.appendChild(pre);
      var lang = pre.getAttribute("data-lang");
      if (lang && lang !== "text" && lang !== "plain") {
        var label = doc.createElement("span");
        label.className = "code-lang";
        label.setAttribute("aria-hidden", "true");
        label.textContent = lang;
        wrap.appendChild(label);
      }
      var button = doc.createElement("button");
      button.type = "button";
      button.className = "copy-button";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy code to clipboard");
      button.addEventListener("click", function () {
        copyText(codeText(pre)).then(function () {
          button.textContent = "Copied";
          button.setAttribute("aria-label", "Copied");
          button.classList.add("is-copied");
        }, function () {
          button.textContent = "Press Ctrl+C";
        });
        clearTimeout(button._timer);
        button._timer = setTimeout(function () {
          button.textContent = "Copy";
          button.setAttribute("aria-label", "Copy code to clipboard");
          button.classList.remove("is-copied");
        }, 2000);
      });
      wrap.appendChild(button);
    });
  }

  /* Scrollable regions must be reachable from the keyboard. Tables get a
   * name (a landmark each, so each name is different); code does not. */
  function markScrollable() {
    var tableCount = 0;
    $all(".code-block > pre, .table-wrap, .content .rb-scroll").forEach(function (el) {
      var isTable = el.classList.contains("table-wrap");
      if (isTable) tableCount += 1;
      if (el.getAttribute("data-rb-focus") === "own") return;
      var scrolls = el.scrollWidth > el.clientWidth + 1;
      if (scrolls && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("data-rb-focus", "theme");
        if (isTable) {
          el.setAttribute("role", "region");
          el.setAttribute("aria-label", tableName(el, tableCount));
        }
      } else if (!scrolls && el.getAttribute("data-rb-focus") === "theme") {
        el.removeAttribute("tabindex");
        el.removeAttribute("data-rb-focus");
        if (isTable) {
          el.removeAttribute("role");
          el.removeAttribute("aria-label");
        }
      } else if (el.hasAttribute("tabindex") && !el.hasAttribute("data-rb-focus")) {
        el.setAttribute("data-rb-focus", "own");
      }
    });
  }

  function tableName(wrap, n) {
    var caption = $("caption", wrap);
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    var heads = $all("thead th", wrap).map(function (th) { return th.textContent.trim(); }).filter(Boolean);
    var text = heads.join(", ");
    if (text.length > 60) text = text.slice(0, 57) + "…";
    return "Table " + n + (text ? ": " + text : "") + " (scrolls sideways)";
  }

  function initTables() {
    $all(".content table").forEach(function (table) {
      if (table.closest("pre, .table-wrap, [class^='rb-'], [class*=' rb-']")) return;
      var wrap = doc.createElement("div");
      wrap.className = "table-wrap";
      table.parentNode.insertBefore(wrap, table);
      wrap.appendChild(table);
    });
  }

  /* Task list checkboxes come without a label: name them by their item. */
  function initTaskLists() {
    $all('.content li > input[type="checkbox"]').forEach(function (box) {
      if (box.hasAttribute("aria-label") || box.id) return;
      var text = "";
      for (var n = box.nextSibling; n; n = n.nextSibling) {
        if (n.nodeType === 1 && /^(UL|OL)$/.test(n.tagName)) break;
        text += n.textContent;
      }
      text = text.replace(/\s+/g, " ").trim();
      if (text) box.setAttribute("aria-label", text);
    });
  }

  /* ---------- Table of contents: mark the section being read ---------- */

  function initToc() {
    var links = $all(".toc a[data-toc-id]");
    if (!links.length || !("IntersectionObserver" in window)) return;
    var byId = {};
    links.forEach(function (a) { byId[a.getAttribute("data-toc-id")] = a; });
    var headings = Object.keys(byId).map(function (id) { return doc.getElementById(id); }).filter(Boolean);
    var visible = {};
    function update() {
      var current = null;
      for (var i = 0; i < headings.length; i++) {
        if (visible[headings[i].id]) { current = headings[i].id; break; }
      }
      if (!current) {
        /* Between headings: the last one above the viewport. */
        for (var j = headings.length - 1; j >= 0; j--) {
          if (headings[j].getBoundingClientRect().top < 120) { current = headings[j].id; break; }
        }
      }
      links.forEach(function (a) {
        var on = a.getAttribute("data-toc-id") === current;
        a.classList.toggle("is-current", on);
        if (on) a.setAttribute("aria-current", "true"); else a.removeAttribute("aria-current");
      });
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) { visible[e.target.id] = e.isIntersecting; });
      update();
    }, { rootMargin: "-64px 0px -55% 0px" });
    headings.forEach(function (h) { observer.observe(h); });
  }

  /* ---------- Search ---------- */

  var search = {
    dialog: $("#search-dialog"),
    input: $("#search-input"),
    results: $("#search-results"),
    status: $("#search-status"),
    section: $("#search-section"),
    meta: null,
    loading: {},
    data: {},
    generation: 0,
    lastFocus: null
  };

  /* Index files call this global with their name and data. */
  window.rolebookSearchData = function (name, data) {
    search.data[name] = data;
    var waiting = search.loading[name];
    if (waiting && waiting.resolve) waiting.resolve(data);
  };

  function loadIndexFile(name) {
    if (search.loading[name]) return search.loading[name].promise;
    var entry = {};
    entry.promise = new Promise(function (resolve) {
      entry.resolve = resolve;
      var script = doc.createElement("script");
      var src = root + "search/" + name + ".js";
      if (name !== "meta" && search.meta && search.meta.build && location.protocol !== "file:") {
        src += "?v=" + search.meta.build;
      }
      script.src = src;
      script.async = true;
      script.onerror = function () { resolve(null); };
      script.onload = function () {
        script.remove();
        /* A script that loaded but did not call back: treat as missing. */
        setTimeout(function () { resolve(search.data[name] || null); }, 0);
      };
      doc.head.appendChild(script);
    });
    search.loading[name] = entry;
    return entry.promise;
  }

  function loadMeta() {
    return loadIndexFile("meta").then(function (meta) {
      if (!meta || search.meta) return search.meta;
      search.meta = prepareMeta(meta);
      fillSections();
      return search.meta;
    });
  }

  function decodeChars(text) {
    var out = [];
    for (var i = 0; i < text.length; i++) {
      var code = text.charCodeAt(i);
      /* Code points above the BMP arrive as surrogate pairs. */
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
        code = (code - 0xd800) * 0x400 + (text.charCodeAt(++i) - 0xdc00) + 0x10000;
      }
      var n = code - 48;
      if (code >= 0xe000) n -= 0x800;
      out.push(n);
    }
    return out;
  }

  function runLengths(list) {
    var out = [];
    for (var i = 0; i + 1 < list.length; i += 2) {
      for (var k = 0; k < list[i + 1]; k++) out.push(list[i]);
    }
    return out;
  }

  function prepareMeta(meta) {
    meta.sectionOf = runLengths(meta.section);
    meta.roleOf = decodeChars(meta.roles);
    var sizes = decodeChars(meta.chunks);
    meta.chunkStarts = [];
    var start = 0;
    sizes.forEach(function (size) { meta.chunkStarts.push(start); start += size; });
    meta.shardSet = {};
    meta.shards.forEach(function (key) { meta.shardSet[key] = true; });
    meta.stopSet = {};
    meta.stop_words.forEach(function (w) { meta.stopSet[w] = true; });
    return meta;
  }

  function fillSections() {
    var select = search.section;
    if (!select || !search.meta || select.options.length > 1) return;
    search.meta.sections.forEach(function (name, i) {
      if (!name) return;
      var option = doc.createElement("option");
      option.value = String(i);
      option.textContent = name;
      select.appendChild(option);
    });
  }

  var CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[\ud840-\ud87f][\udc00-\udfff]/;
  var WORD_CHAR = /[\p{Alphabetic}\p{N}]/u;

  /* Same rules as src/search.rs: lowercase (final sigma as sigma), runs of
   * letters and digits, apostrophes dropped, each CJK character a word. */
  function tokenize(text) {
    var words = [];
    var word = "";
    var chars = Array.from(text.toLowerCase().replace(/ς/g, "σ"));
    function flush() {
      if (word && Array.from(word).length <= 40) words.push(word);
      word = "";
    }
    chars.forEach(function (c) {
      if (c === "'" || c === "\u2019") return;
      if (CJK.test(c)) { flush(); word = c; flush(); }
      else if (WORD_CHAR.test(c)) word += c;
      else flush();
    });
    flush();
    return words;
  }

  function shardKey(term, depth) {
    var key = "";
    var chars = Array.from(term);
    for (var i = 0; i < depth && i < chars.length; i++) {
      var c = chars[i];
      if (/^[a-z0-9]$/.test(c)) key += c;
      else key += "_" + c.codePointAt(0).toString(16);
    }
    return key;
  }

  /* The shard holding a term: the longest listed key along the term. */
  function shardFor(term) {
    var n = Array.from(term).length;
    for (var d = n; d >= 1; d--) {
      var key = shardKey(term, d);
      if (search.meta.shardSet[key]) return key;
    }
    return null;
  }

  /* Shards that may hold words starting with a prefix. */
  function shardsForPrefix(prefix) {
    var keys = [];
    var own = shardFor(prefix);
    if (own) keys.push(own);
    var full = shardKey(prefix, Array.from(prefix).length);
    var deeper = search.meta.shards.filter(function (k) { return k.length > full.length && k.indexOf(full) === 0; });
    if (deeper.length <= 4) keys = keys.concat(deeper);
    return keys;
  }

  /* Postings: [df, doc delta, score, section, ...] -> { doc: [score, section] }. */
  function decodePostings(list, weight, into) {
    var doc = 0;
    var idf = Math.log(1 + search.meta.docs / list[0]);
    for (var i = 1; i + 2 < list.length; i += 3) {
      doc += list[i];
      var score = list[i + 1] * idf * weight;
      var prev = into[doc];
      if (!prev || prev[0] < score) into[doc] = [score, list[i + 2]];
    }
  }

  function isCapped(list) { return list[0] > (list.length - 1) / 3; }

  function parseQuery(text) {
    var words = tokenize(text);
    var open = words.length && !/[\s"'.,;:!?)]$/.test(text);
    var stop = search.meta.stopSet;
    var terms = [];
    words.forEach(function (w, i) {
      var prefix = open && i === words.length - 1 && !CJK.test(w);
      if (stop[w] && !prefix) return;
      terms.push({ word: w, prefix: prefix });
    });
    return terms;
  }

  function termShards(term) {
    return term.prefix ? shardsForPrefix(term.word) : [shardFor(term.word)].filter(Boolean);
  }

  /* Matches of one query word: { doc: [score, section] } and whether the
   * word narrows the search (a capped, very common word does not). */
  function matchTerm(term) {
    var hits = {};
    var narrows = false;
    var found = false;
    var w = term.word;
    termShards(term).forEach(function (key) {
      var shard = search.data["t-" + key];
      if (!shard) return;
      var variants = [[w, 1]];
      if (w.length > 3 && w.charAt(w.length - 1) === "s") variants.push([w.slice(0, -1), 0.8]);
      else variants.push([w + "s", 0.8]);
      variants.forEach(function (v) {
        var list = shard[v[0]];
        if (list) {
          decodePostings(list, v[1], hits);
          found = true;
          if (!isCapped(list)) narrows = true;
        }
      });
      if (term.prefix) {
        var expansions = Object.keys(shard).filter(function (t) {
          return t !== w && t.indexOf(w) === 0;
        }).sort(function (a, b) { return shard[b][0] - shard[a][0]; }).slice(0, 30);
        expansions.forEach(function (t) {
          decodePostings(shard[t], 0.6, hits);
          found = true;
          if (!isCapped(shard[t])) narrows = true;
        });
      }
    });
    return { hits: hits, narrows: narrows, found: found };
  }

  function allowed(docId, role, section) {
    var meta = search.meta;
    if (section !== "" && String(meta.sectionOf[docId]) !== section) return false;
    if (role) {
      var set = meta.role_sets[meta.roleOf[docId]] || [];
      if (set.length && set.indexOf(role) < 0) return false;
    }
    return true;
  }

  function rank(terms, role, section) {
    var matches = terms.map(matchTerm);
    var scores = {};
    var required = matches.filter(function (m) { return m.narrows; });
    var partial = false;
    function collect(useAll) {
      var out = {};
      matches.forEach(function (m) {
        Object.keys(m.hits).forEach(function (d) {
          var hit = m.hits[d];
          var entry = out[d] || (out[d] = { doc: +d, score: 0, section: hit[1], best: 0, count: 0 });
          entry.score += hit[0];
          entry.count += 1;
          if (hit[0] > entry.best) { entry.best = hit[0]; entry.section = hit[1]; }
        });
      });
      Object.keys(out).forEach(function (d) {
        var ok = useAll || required.every(function (m) { return m.hits[d]; });
        if (!ok || !allowed(+d, role, section)) delete out[d];
      });
      return out;
    }
    if (matches.some(function (m) { return !m.found; }) && matches.length > 1) {
      scores = collect(true);
      partial = true;
    } else {
      scores = collect(required.length === 0);
      if (!Object.keys(scores).length && matches.length > 1) {
        scores = collect(true);
        partial = true;
      }
    }
    var list = Object.keys(scores).map(function (d) { return scores[d]; });
    list.sort(function (a, b) { return b.count - a.count || b.score - a.score || a.doc - b.doc; });
    return { list: list, partial: partial };
  }

  /* The document whose id (a backlog item's, an initiative's) is exactly
   * the query, if any. */
  function exactId(text) {
    var ids = search.meta && search.meta.ids;
    var key = text.trim().toLowerCase();
    return ids && Object.prototype.hasOwnProperty.call(ids, key) ? ids[key] : -1;
  }

  /* A search for an item id puts the item first, whatever the filters. */
  function pinExactId(ranked, text) {
    var docId = exactId(text);
    if (docId < 0) return;
    ranked.list = ranked.list.filter(function (r) { return r.doc !== docId; });
    ranked.list.unshift({ doc: docId, score: Infinity, section: 0, best: 0, count: Infinity, exact: true });
  }

  /* The URL of document `docId`, once its chunk is loaded. */
  function docHref(docId) {
    var c = chunkOf(docId);
    return loadIndexFile("d-" + c).then(function (chunk) {
      var entry = chunk && chunk[docId - search.meta.chunkStarts[c]];
      return entry ? pageHref(entry[0], "") : null;
    });
  }

  function chunkOf(docId) {
    var starts = search.meta.chunkStarts;
    var lo = 0, hi = starts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= docId) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  function setStatus(text) { if (search.status) search.status.textContent = text; }

  /* Results arrive ten at a time: each page of results loads only the
   * document chunks it shows. */
  var PAGE_SIZE = 10;

  function runSearch() {
    if (!search.input) return;
    var text = search.input.value;
    var generation = ++search.generation;
    if (!text.trim()) {
      search.results.textContent = "";
      search.current = null;
      setStatus("");
      return;
    }
    loadMeta().then(function (meta) {
      if (generation !== search.generation) return null;
      if (!meta) { setStatus("The search index could not be loaded."); return null; }
      var terms = parseQuery(text);
      if (!terms.length) { search.results.textContent = ""; setStatus("Type a word to search."); return null; }
      var keys = {};
      terms.forEach(function (t) { termShards(t).forEach(function (k) { keys[k] = true; }); });
      return Promise.all(Object.keys(keys).map(function (k) { return loadIndexFile("t-" + k); })).then(function () {
        if (generation !== search.generation) return null;
        var role = currentRole();
        var section = search.section ? search.section.value : "";
        var ranked = rank(terms, role, section);
        pinExactId(ranked, text);
        search.current = {
          text: text, terms: terms, ranked: ranked,
          role: role, section: section, shown: 0, generation: generation
        };
        return showMore(true);
      });
    });
  }

  function showMore(fresh) {
    var current = search.current;
    if (!current) return null;
    var next = current.ranked.list.slice(current.shown, current.shown + PAGE_SIZE);
    var chunks = {};
    next.forEach(function (r) { chunks[chunkOf(r.doc)] = true; });
    return Promise.all(Object.keys(chunks).map(function (c) { return loadIndexFile("d-" + c); })).then(function () {
      if (current !== search.current || current.generation !== search.generation) return;
      if (fresh) search.results.textContent = "";
      var more = $(".search-more-item", search.results);
      if (more) more.remove();
      var first = null;
      next.forEach(function (r, i) {
        var li = resultItem(r, current.shown + i, current.terms);
        if (li) {
          search.results.appendChild(li);
          if (!first) first = li.firstChild;
        }
      });
      current.shown += next.length;
      var total = current.ranked.list.length;
      if (current.shown < total) {
        var item = doc.createElement("li");
        item.className = "search-more-item";
        var button = doc.createElement("button");
        button.type = "button";
        button.className = "search-more";
        button.textContent = "Show more results";
        button.addEventListener("click", function () { showMore(false); });
        item.appendChild(button);
        search.results.appendChild(item);
      }
      if (!fresh && first) first.focus();
      showStatus(current);
    });
  }

  function showStatus(current) {
    var meta = search.meta;
    var count = current.ranked.list.length;
    var filters = [];
    if (current.role) filters.push(ROLE_NAMES[current.role] + " pages");
    if (current.section !== "") filters.push(meta.sections[+current.section]);
    var where = filters.length ? " in " + filters.join(", ") : "";
    if (!count) {
      setStatus("No results for “" + current.text.trim() + "”" + where + ".");
    } else {
      setStatus(count + " result" + (count === 1 ? "" : "s") + where +
        (current.ranked.partial ? " (matching some of the words)" : "") +
        (current.shown < count ? ", showing " + current.shown : "") + ".");
    }
  }

  function highlight(target, text, terms) {
    var words = terms.map(function (t) { return t.word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }).filter(Boolean);
    if (!words.length) { target.textContent = text; return; }
    var pattern = new RegExp("(" + words.join("|") + ")", "giu");
    var last = 0;
    text.replace(pattern, function (match, group, offset) {
      if (offset > last) target.appendChild(doc.createTextNode(text.slice(last, offset)));
      var mark = doc.createElement("mark");
      mark.textContent = match;
      target.appendChild(mark);
      last = offset + match.length;
      return match;
    });
    if (last < text.length) target.appendChild(doc.createTextNode(text.slice(last)));
  }

  function titleMatches(title, terms) {
    var words = tokenize(title || "");
    return terms.every(function (t) {
      return words.some(function (w) { return t.prefix ? w.indexOf(t.word) === 0 : w === t.word || w === t.word + "s" || w + "s" === t.word; });
    });
  }

  /* Result types of the team's data (pages have none). */
  var KIND_NAMES = { item: "Backlog item", epic: "Epic", initiative: "Initiative", data: "Team data" };

  /* One result: title, type and role badges, section, matching heading, snippet. */
  function resultItem(r, index, terms) {
    var meta = search.meta;
    var chunkIndex = chunkOf(r.doc);
    var chunk = search.data["d-" + chunkIndex];
    var entry = chunk && chunk[r.doc - meta.chunkStarts[chunkIndex]];
    if (!entry) return null;
    var path = entry[0], title = entry[1], description = entry[2], sections = entry[3] || [];
    var kind = entry[4] || "";
    var part = sections[r.section] || ["", "", ""];
    /* A page whose title holds every word is shown as the page itself. */
    if (titleMatches(title, terms) || r.exact) part = sections[0] || ["", "", ""];
    var li = doc.createElement("li");
    var a = doc.createElement("a");
    a.className = "search-result";
    a.href = pageHref(path, part[0]);
    a.id = "search-result-" + index;
    var head = doc.createElement("span");
    head.className = "search-result-title";
    var titleText = doc.createElement("span");
    highlight(titleText, title || path, terms);
    head.appendChild(titleText);
    if (KIND_NAMES[kind]) {
      var type = doc.createElement("span");
      type.className = "search-kind search-kind-" + kind;
      type.textContent = KIND_NAMES[kind];
      head.appendChild(type);
    }
    if (r.exact) a.setAttribute("data-exact", "");
    var set = meta.role_sets[meta.roleOf[r.doc]] || [];
    set.forEach(function (roleName) {
      var badge = doc.createElement("span");
      badge.className = "role-badge role-" + roleName;
      badge.textContent = roleName.toUpperCase();
      head.appendChild(badge);
    });
    var sectionName = meta.sections[meta.sectionOf[r.doc]];
    if (sectionName) {
      var sec = doc.createElement("span");
      sec.className = "search-result-section";
      sec.textContent = sectionName;
      head.appendChild(sec);
    }
    a.appendChild(head);
    if (part[1]) {
      var heading = doc.createElement("span");
      heading.className = "search-result-heading";
      highlight(heading, part[1], terms);
      a.appendChild(heading);
    }
    var snippetText = part[2] || description || (sections[0] && sections[0][2]) || "";
    if (snippetText) {
      var snippet = doc.createElement("span");
      snippet.className = "search-result-snippet";
      highlight(snippet, snippetText, terms);
      a.appendChild(snippet);
    }
    li.appendChild(a);
    return li;
  }

  function openSearch(query) {
    if (!search.dialog) return;
    if (!search.dialog.open) {
      search.lastFocus = doc.activeElement;
      if (html.classList.contains("sidebar-open")) setMenu(false, false);
      if (search.dialog.showModal) search.dialog.showModal(); else search.dialog.setAttribute("open", "");
    }
    if (typeof query === "string") search.input.value = query;
    search.input.focus();
    search.input.select();
    loadMeta().then(function (meta) {
      if (!meta) setStatus("The search index could not be loaded.");
      else if (search.input.value.trim()) runSearch();
    });
  }

  /* The words of a missing page's path; an item id ("chk-13") whole. */
  function missingPathQuery() {
    var parts = decodeURIComponent(location.pathname).split("/").filter(function (w) {
      return w && w !== "index.html";
    });
    var last = parts[parts.length - 1] || "";
    if (/^[a-z][a-z0-9]*-[0-9]+$/i.test(last)) return last.toUpperCase();
    return parts.join(" ").split(/[\-_.\s]+/).filter(function (w) {
      return w && w !== "index" && w !== "html";
    }).slice(-3).join(" ");
  }

  /* `?q=words` opens the search with that query; `?q=CHK-13` (an item or
   * initiative id) goes straight to it. */
  function searchFromUrl() {
    var query = null;
    try { query = new URLSearchParams(location.search).get("q"); } catch (e) { query = null; }
    if (!query || !query.trim()) return;
    loadMeta().then(function (meta) {
      var docId = meta ? exactId(query) : -1;
      if (docId < 0) { openSearch(query); return null; }
      return docHref(docId).then(function (href) {
        if (href) location.replace(href); else openSearch(query);
      });
    });
  }

  function closeSearch() {
    if (search.dialog && search.dialog.open) search.dialog.close();
  }

  function resultLinks() { return $all(".search-result, .search-more", search.results); }

  function initSearch() {
    if (!search.dialog || !search.input) return;
    $all(".search-button, [data-search-open]").forEach(function (button) {
      button.addEventListener("click", function () {
        var query;
        if (button.hasAttribute("data-search-open") && html.querySelector("body.kind-404")) {
          query = missingPathQuery();
        }
        openSearch(query);
      });
    });
    $all("[data-search-close]").forEach(function (b) { b.addEventListener("click", closeSearch); });
    search.dialog.addEventListener("close", function () {
      if (search.lastFocus && search.lastFocus.focus) search.lastFocus.focus();
    });
    /* Escape closes at once (a search field would first just clear itself). */
    search.dialog.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        closeSearch();
      }
    });
    /* A click on the backdrop (outside the panel) closes the dialog. */
    search.dialog.addEventListener("click", function (event) {
      if (event.target === search.dialog) closeSearch();
    });
    var timer = null;
    search.input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(runSearch, 60);
    });
    if (search.section) search.section.addEventListener("change", runSearch);
    search.input.addEventListener("keydown", function (event) {
      var links = resultLinks();
      if (event.key === "ArrowDown" && links.length) {
        event.preventDefault();
        links[0].focus();
      } else if (event.key === "Enter" && links.length && links[0].tagName === "A") {
        event.preventDefault();
        links[0].click();
      }
    });
    search.results.addEventListener("keydown", function (event) {
      var links = resultLinks();
      var i = links.indexOf(doc.activeElement);
      if (i < 0) return;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        links[Math.min(i + 1, links.length - 1)].focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (i === 0) search.input.focus(); else links[i - 1].focus();
      } else if (event.key === "Home") {
        event.preventDefault();
        links[0].focus();
      } else if (event.key === "End") {
        event.preventDefault();
        links[links.length - 1].focus();
      }
    });
    search.results.addEventListener("click", function (event) {
      if (event.target.closest("a.search-result")) closeSearch();
    });
    searchFromUrl();
    doc.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      if ((event.key === "k" || event.key === "K") && (event.ctrlKey || event.metaKey) && !event.altKey) {
        event.preventDefault();
        if (search.dialog.open) closeSearch(); else openSearch();
      } else if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        openSearch();
      }
    });
  }

  /* ---------- Print page ---------- */

  function initPrint() {
    $all("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  function init() {
    initTheme();
    initSidebar();
    initRoleFilter();
    initCode();
    initTables();
    initTaskLists();
    markScrollable();
    initToc();
    initSearch();
    initPrint();
    var resizeTimer = null;
    window.addEventListener("resize", function () {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(markScrollable, 150);
    });
    /* Expose the search engine for tests and for themes built on this one. */
    window.rolebookSearch = { open: openSearch, close: closeSearch, tokenize: tokenize, shardKey: shardKey };
  }

  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", init); else init();
})();
