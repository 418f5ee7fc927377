// Checklists that remember: on a page with `checklist = true`, the task
// lists (and the rows of tables with a "Task" column) become checkboxes a
// reader can tick. Ticks are kept in this
// browser (localStorage, per page), keyed by an id made from each item's
// own text, so reordering or editing other items keeps them. Works from
// file://; without storage the ticks last until the page is left.
(function () {
  "use strict";

  var content = document.querySelector(".content");
  if (!content) return;

  // Plans written as tables with a "Task" column get a checkbox per row.
  Array.prototype.forEach.call(content.querySelectorAll("table"), function (table) {
    var head = table.tHead && table.tHead.rows[0];
    if (!head) return;
    var column = -1;
    Array.prototype.forEach.call(head.cells, function (cell, i) {
      if (column < 0 && cell.textContent.trim().toLowerCase() === "task") column = i;
    });
    if (column < 0) return;
    var th = document.createElement("th");
    th.scope = "col";
    th.className = "task-cell";
    th.innerHTML = '<span class="visually-hidden">Done</span>';
    head.insertBefore(th, head.cells[0]);
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var task = row.cells[column];
        if (!task) return;
        var td = document.createElement("td");
        td.className = "task-cell";
        var box = document.createElement("input");
        box.type = "checkbox";
        box.dataset.text = task.textContent;
        td.appendChild(box);
        row.insertBefore(td, row.cells[0]);
      });
    });
  });

  var boxes = Array.prototype.slice.call(
    content.querySelectorAll("li > input[type=checkbox], td.task-cell > input")
  );
  if (boxes.length === 0) return;

  var key = "rolebook-checklist:" + location.pathname.replace(/index\.html$/, "");
  var memory = {};
  function load() {
    try {
      var text = window.localStorage.getItem(key);
      return text ? JSON.parse(text) || {} : {};
    } catch (e) {
      return memory;
    }
  }
  function save(state) {
    memory = state;
    try {
      if (Object.keys(state).length === 0) {
        window.localStorage.removeItem(key);
      } else {
        window.localStorage.setItem(key, JSON.stringify(state));
      }
    } catch (e) {
      // Storage off or full: the ticks last while the page is open.
    }
  }

  // The item's own text: its line, without nested lists.
  function ownText(li) {
    var text = "";
    for (var node = li.firstChild; node; node = node.nextSibling) {
      if (node.nodeType === 1 && /^(UL|OL)$/.test(node.nodeName)) continue;
      if (node.nodeType === 1 && node.nodeName === "P") {
        text += node.textContent + " ";
        continue;
      }
      text += node.textContent;
    }
    return text.replace(/\s+/g, " ").trim();
  }

  function slug(text) {
    var s = text
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "");
    return s || "item";
  }

  var seen = {};
  var items = boxes.map(function (box) {
    var holder = box.parentNode;
    var text = box.dataset.text !== undefined
      ? box.dataset.text.replace(/\s+/g, " ").trim()
      : ownText(holder);
    var id = slug(text);
    seen[id] = (seen[id] || 0) + 1;
    if (seen[id] > 1) id += "-" + seen[id];
    if (holder.nodeName === "LI") holder.classList.add("task-item");
    box.removeAttribute("disabled");
    box.setAttribute("aria-label", text || "Item");
    box.dataset.item = id;
    return { box: box, id: id, initial: box.checked };
  });

  var bar = document.createElement("div");
  bar.className = "checklist-bar";
  var progress = document.createElement("p");
  progress.className = "checklist-progress";
  progress.setAttribute("role", "status");
  var reset = document.createElement("button");
  reset.type = "button";
  reset.className = "checklist-reset";
  reset.textContent = "Reset checklist";
  bar.appendChild(progress);
  bar.appendChild(reset);
  content.insertBefore(bar, content.firstChild);

  function show() {
    var done = items.filter(function (i) { return i.box.checked; }).length;
    progress.textContent = done + " of " + items.length + " done";
  }

  function apply(state) {
    items.forEach(function (i) {
      var ticked = Object.prototype.hasOwnProperty.call(state, i.id)
        ? state[i.id]
        : i.initial;
      i.box.checked = ticked;
      // The attribute too, so a printed page shows the ticks.
      if (ticked) i.box.setAttribute("checked", "");
      else i.box.removeAttribute("checked");
    });
    show();
  }

  apply(load());

  content.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.dataset || !box.dataset.item) return;
    var state = load();
    var item = items.filter(function (i) { return i.box === box; })[0];
    if (box.checked === item.initial) delete state[item.id];
    else state[item.id] = box.checked;
    if (box.checked) box.setAttribute("checked", "");
    else box.removeAttribute("checked");
    save(state);
    show();
  });

  reset.addEventListener("click", function () {
    save({});
    apply({});
  });

  // Another tab ticked something on this page.
  window.addEventListener("storage", function (event) {
    if (event.key === key) apply(load());
  });
})();
