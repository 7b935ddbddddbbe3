/* The interactive timeline: vis-timeline over the items a page's timeline.json serves.
 *
 * Markup (templates/timelines/_timeline_section.html):
 *   <div class="timeline-box" data-timeline data-items-url="..." data-filter-form="timeline-filters">
 *     <div class="timeline-canvas"></div> ... <p data-timeline-status></p>
 *   </div>
 * Items come 500 at a time (following `next`) up to MAX_ITEMS. An imprecise date arrives as a
 * span over its whole period and is drawn hatched (see chancery.css). Each item is a link to its
 * record. The kind checkboxes of the filter form show and hide kinds without a reload; a change
 * of years reloads the items for those years.
 */
(function () {
  "use strict";

  var MAX_ITEMS = 3000;
  var KIND_ORDER = ["visit", "visit_status", "agreement_status", "agreement_draft", "topic_stance", "contradiction", "trade_release"];

  function checkedKinds(form) {
    var boxes = form ? form.querySelectorAll('input[name="kind"]') : [];
    var chosen = [];
    boxes.forEach(function (box) { if (box.checked) { chosen.push(box.value); } });
    // Nothing ticked means every kind, as on the server.
    return chosen.length ? new Set(chosen) : null;
  }

  function yearsQuery(form) {
    var params = new URLSearchParams();
    ["year_from", "year_to"].forEach(function (name) {
      var field = form && form.elements[name];
      if (field && /^\d{4}$/.test(field.value)) { params.set(name, field.value); }
    });
    return params.toString();
  }

  function itemContent(item) {
    var link = document.createElement(item.url ? "a" : "span");
    if (item.url) { link.href = item.url; }
    link.textContent = item.title;
    return link;
  }

  // vis-timeline puts a string title or content into innerHTML (through its whitelist, which
  // still lets a link or an image in); an element it appends as it is. Titles are editors' text
  // (names, places, agreements' and topics' titles): every string reaches vis as textContent.
  function itemTooltip(item) {
    var tooltip = document.createElement("div");
    tooltip.style.whiteSpace = "pre-line";
    tooltip.textContent = item.dateLabel + " · " + item.kindLabel + (item.precision !== "day" ? " (date known to the " + (item.precision === "approximate" ? "year, roughly" : item.precision) + ")" : "") + "\n" + item.title;
    return tooltip;
  }

  function toVisItem(item) {
    return {
      id: item.id,
      group: item.kind,
      kind: item.kind,
      url: item.url,
      content: itemContent(item),
      title: itemTooltip(item),
      start: item.start,
      end: item.end || undefined,
      type: item.end ? "range" : "point",
      className: "kind-" + item.kind + " precision-" + item.precision,
    };
  }

  function setUp(box) {
    var form = document.getElementById(box.dataset.filterForm);
    var canvas = box.querySelector(".timeline-canvas");
    var status = box.querySelector("[data-timeline-status]");
    var items = new vis.DataSet();
    var kinds = checkedKinds(form);
    var view = new vis.DataView(items, { filter: function (item) { return !kinds || kinds.has(item.kind); } });
    var labels = JSON.parse(box.dataset.kindLabels || "{}");
    // A group's label is text too: vis-timeline would put a string into innerHTML.
    var groups = new vis.DataSet(KIND_ORDER.map(function (kind, index) {
      var label = document.createElement("span");
      label.textContent = labels[kind] || kind;
      return { id: kind, content: label, order: index };
    }));
    var timeline = new vis.Timeline(canvas, view, groups, {
      stack: true,
      zoomKey: "ctrlKey",
      horizontalScroll: true,
      maxHeight: 640,
      // Touching spans (one year's figures and the next) sit on one line instead of stacking.
      margin: { item: { horizontal: 0, vertical: 6 } },
      zoomMin: 1000 * 60 * 60 * 24 * 7,
      orientation: { axis: "top" },
      groupOrder: "order",
      tooltip: { followMouse: true, overflowMethod: "cap" },
      showCurrentTime: true,
    });
    var loaded = 0;
    var generation = 0;

    function showStatus(extra) {
      var shown = view.length;
      box.dataset.itemCount = String(shown);
      box.dataset.loadedCount = String(loaded);
      status.textContent = shown + " of " + loaded + " entries shown" + (extra || "") + ". Drag to move; Ctrl + wheel or the buttons to zoom.";
    }

    function updateGroups() {
      var present = new Set(items.get().map(function (item) { return item.kind; }));
      groups.forEach(function (group) {
        groups.update({ id: group.id, visible: present.has(group.id) && (!kinds || kinds.has(group.id)) });
      });
    }

    function load(url, batch) {
      return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (page) {
          if (batch !== generation) { return; }
          items.add(page.items.map(toVisItem));
          loaded += page.items.length;
          updateGroups();
          if (page.next && loaded < MAX_ITEMS) {
            showStatus(", loading more");
            return load(page.next, batch);
          }
          showStatus(page.next ? " (the first " + loaded + "; narrow the years to see the rest)" : "");
          box.dataset.ready = "true";
          if (loaded) { timeline.fit({ animation: false }); }
        })
        .catch(function (error) {
          status.textContent = "The interactive timeline could not be loaded (" + error.message + "); the list below has every entry.";
        });
    }

    function reload() {
      generation += 1;
      box.dataset.ready = "false";
      items.clear();
      loaded = 0;
      var query = yearsQuery(form);
      load(box.dataset.itemsUrl + (query ? "?" + query : ""), generation);
    }

    if (form) {
      form.addEventListener("change", function (event) {
        if (event.target.name === "kind") {
          kinds = checkedKinds(form);
          view.refresh();
          updateGroups();
          showStatus();
        } else if (event.target.name === "year_from" || event.target.name === "year_to") {
          reload();
        }
      });
    }
    timeline.on("click", function (properties) {
      // A click on an item anywhere but its link opens its record too.
      if (properties.item && properties.what === "item" && properties.event.target.tagName !== "A") {
        var item = items.get(properties.item);
        if (item && item.url) { window.location.assign(item.url); }
      }
    });
    box.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        var how = button.dataset.zoom;
        if (how === "in") { timeline.zoomIn(0.5); }
        else if (how === "out") { timeline.zoomOut(0.5); }
        else { timeline.fit(); }
      });
    });
    box.hidden = false;
    reload();
    return timeline;
  }

  // Each timeline box is set up once: at page load, and again for the new box whenever htmx
  // swaps content in (a form posted in place replaces `main`, and the timeline with it).
  var timelines = new WeakMap();

  function startIn(root) {
    if (typeof vis === "undefined" || !root.querySelectorAll) { return; }
    var boxes = Array.prototype.slice.call(root.querySelectorAll("[data-timeline]"));
    if (root.matches && root.matches("[data-timeline]")) { boxes.push(root); }
    boxes.forEach(function (box) {
      if (!timelines.has(box)) { timelines.set(box, setUp(box)); }
    });
  }

  // htmx announces every swapped-in element (and the body once it has started); the
  // DOMContentLoaded start covers a page without htmx. The WeakMap keeps it to one timeline.
  document.addEventListener("htmx:load", function (event) { startIn(event.target); });
  // A box htmx swaps out is cleaned up first: its timeline lets go of its listeners and observers.
  document.addEventListener("htmx:beforeCleanupElement", function (event) {
    var timeline = timelines.get(event.target);
    if (timeline) { timeline.destroy(); }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { startIn(document); });
  } else {
    startIn(document);
  }
})();
