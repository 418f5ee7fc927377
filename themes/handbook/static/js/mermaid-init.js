/* rolebook "handbook" theme: draws ```mermaid blocks with the copy of
 * Mermaid shipped beside this file (js/mermaid/, MIT licence in
 * js/mermaid/LICENSE). Both scripts are linked only on pages whose content
 * holds a diagram.
 *
 * The build writes each diagram's source as a code block inside
 * <div class="diagram" data-diagram="mermaid">, so it reads without
 * JavaScript. Here every diagram is drawn twice, in Mermaid's light and dark
 * themes; the stylesheet shows the one that matches the page's colour theme
 * (the toggle's choice or the system's) and always prints the light one.
 * Once drawn, the source moves into a closed <details> below the drawing.
 * A diagram Mermaid cannot read keeps its source in view, with the reason.
 * Nothing is fetched: the bundle is self-contained.
 */
(function () {
  "use strict";

  var doc = document;
  /* Blocks not taken yet: the script may run twice (a theme that links it
   * again, a page that adds a diagram and runs it anew). */
  var blocks = Array.prototype.slice.call(doc.querySelectorAll('[data-diagram="mermaid"]:not([data-diagram-state])'));
  var mermaid = window.mermaid;
  if (!blocks.length || !mermaid) return;
  blocks.forEach(function (block) { block.setAttribute("data-diagram-state", "drawing"); });
  /* SVG ids must be unique on the page, across runs too. */
  var run = Date.now().toString(36);

  var systemDark = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  function darkNow() {
    var t = doc.documentElement.getAttribute("data-theme");
    if (t === "dark" || t === "light") return t === "dark";
    return !!(systemDark && systemDark.matches);
  }

  var font = window.getComputedStyle(doc.body).fontFamily;

  function configure(theme) {
    mermaid.initialize({
      startOnLoad: false,
      securityLevel: "strict",
      suppressErrorRendering: true,
      theme: theme,
      fontFamily: font,
      flowchart: { htmlLabels: false }
    });
  }

  function sourceOf(block) {
    var code = block.querySelector("pre code");
    return (code || block).textContent;
  }

  /* Draws every block in one Mermaid theme, one after the other: Mermaid
   * keeps its configuration globally. */
  function drawAll(theme, suffix) {
    configure(theme);
    return blocks.reduce(function (done, block, i) {
      return done.then(function () {
        if (block.getAttribute("data-diagram-error")) return;
        var id = "rolebook-diagram-" + run + "-" + (i + 1) + "-" + suffix;
        /* A render that throws at once fails this block only. */
        return Promise.resolve().then(function () {
          return mermaid.render(id, sourceOf(block));
        }).then(function (result) {
          var holder = doc.createElement("div");
          holder.className = "diagram-" + suffix;
          holder.innerHTML = result.svg;
          drawingOf(block).appendChild(holder);
        }, function (error) {
          failed(block, error);
        });
      });
    }, Promise.resolve());
  }

  function drawingOf(block) {
    var drawing = block.querySelector(".diagram-drawing");
    if (!drawing) {
      drawing = doc.createElement("div");
      drawing.className = "diagram-drawing";
      block.insertBefore(drawing, block.firstChild);
    }
    return drawing;
  }

  function failed(block, error) {
    block.setAttribute("data-diagram-error", "true");
    var drawing = block.querySelector(".diagram-drawing");
    if (drawing) drawing.remove();
    var note = doc.createElement("p");
    note.className = "diagram-error";
    var message = error && error.message ? String(error.message).split("\n")[0] : "unknown error";
    note.textContent = "This diagram could not be drawn (" + message + "); its source is shown instead.";
    block.appendChild(note);
  }

  /* The source, with its copy button, goes into a closed <details>. */
  function tuckSource(block) {
    if (block.getAttribute("data-diagram-error") || !block.querySelector(".diagram-drawing")) return;
    var pre = block.querySelector("pre");
    if (!pre) return;
    var moved = pre.parentNode.classList.contains("code-block") ? pre.parentNode : pre;
    var details = doc.createElement("details");
    details.className = "diagram-source-toggle";
    var summary = doc.createElement("summary");
    summary.textContent = "Diagram source";
    details.appendChild(summary);
    block.insertBefore(details, moved);
    details.appendChild(moved);
    block.classList.add("is-drawn");
  }

  /* The theme the reader sees first is drawn first. */
  var order = darkNow() ? [["dark", "dark"], ["default", "light"]] : [["default", "light"], ["dark", "dark"]];
  drawAll(order[0][0], order[0][1])
    .then(function () {
      blocks.forEach(tuckSource);
      return drawAll(order[1][0], order[1][1]);
    })
    .then(function () {
      blocks.forEach(function (block) { block.setAttribute("data-diagram-state", "done"); });
      doc.documentElement.setAttribute("data-diagrams", "drawn");
    });
})();
