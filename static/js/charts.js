/* Trade charts (Chart.js) from the data a page puts in a json_script element.
 *
 * Markup (templates/trade/_chart.html):
 *   <template id="ID-data"><script id="ID" type="application/json">...</script></template>
 *   <canvas data-trade-chart="ID" data-legend="ID-of-fieldset"></canvas>
 * (the template keeps the data through an htmx swap, which drops every script it swaps in).
 * Data (trade/views.py pair_chart_data): lines, each one reporter's figures; claims (stated
 * figures in USD); marks (visits) drawn as shaded bands over the period their dates cover,
 * given inline or, with marks_url, fetched from there before the chart is drawn.
 * Colour says who reports (first or second country); the dash says what (turnover solid,
 * exports dashed, imports dotted), so a reporter's line and its mirror never look alike.
 * The HTML legend's checkboxes show and hide lines; the table beside the chart has every figure.
 */
(function () {
  "use strict";

  var COLOURS = { a: "#1d5aa6", b: "#a4461a" };
  var DASHES = { turnover: [], exports: [8, 5], imports: [2, 4] };
  var POINTS = { a: "circle", b: "rectRot" };

  function usd(value) {
    var amount = Math.abs(value);
    var sign = value < 0 ? "−" : "";
    if (amount >= 1e9) { return sign + "USD " + (amount / 1e9).toFixed(2) + " bn"; }
    if (amount >= 1e6) { return sign + "USD " + (amount / 1e6).toFixed(1) + " m"; }
    return sign + "USD " + Math.round(amount).toLocaleString("en-GB");
  }

  // Visits and other marks: a shaded band over their period, a dashed line at its start.
  var marksPlugin = {
    id: "chanceryMarks",
    beforeDatasetsDraw: function (chart, args, options) {
      var marks = options.marks || [];
      var x = chart.scales.x;
      var area = chart.chartArea;
      var ctx = chart.ctx;
      ctx.save();
      marks.forEach(function (mark) {
        if (mark.x1 < x.min || mark.x0 > x.max) { return; }
        var left = Math.max(x.getPixelForValue(mark.x0), area.left);
        var right = Math.min(x.getPixelForValue(mark.x1), area.right);
        ctx.fillStyle = "rgba(90, 90, 90, 0.14)";
        ctx.fillRect(left, area.top, Math.max(right - left, 2), area.bottom - area.top);
        ctx.strokeStyle = "#5a5a5a";
        ctx.setLineDash([4, 3]);
        ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.moveTo(left, area.top);
        ctx.lineTo(left, area.bottom);
        ctx.stroke();
      });
      ctx.restore();
    },
    afterEvent: function (chart, args, options) {
      // Hovering a band names the visit; clicking it opens the visit's page.
      var event = args.event;
      var x = chart.scales.x;
      var value = x.getValueForPixel(event.x);
      var hit = (options.marks || []).find(function (mark) {
        var left = x.getPixelForValue(mark.x0);
        var right = Math.max(x.getPixelForValue(mark.x1), left + 4);
        return event.x >= left - 2 && event.x <= right + 2 && value !== undefined;
      });
      chart.canvas.title = hit ? hit.label : "";
      chart.canvas.style.cursor = hit ? "pointer" : "";
      if (hit && event.type === "click" && !chart.getActiveElements().length) { window.location.assign(hit.url); }
    },
  };

  // A chart whose data names a marks_url (the pair page's visits) gets its marks from there
  // first; if they cannot be had, it is drawn without them.
  function load(canvas) {
    var id = canvas.dataset.tradeChart;
    var data = JSON.parse(document.getElementById(id + "-data").content.getElementById(id).textContent);
    if (!data.marks_url) { draw(canvas, data); return; }
    fetch(data.marks_url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { marks: [] }; })
      .catch(function () { return { marks: [] }; })
      .then(function (loaded) {
        // Swapped out while the marks were on their way: there is nothing left to draw on.
        if (!canvas.isConnected) { return; }
        data.marks = loaded.marks || [];
        draw(canvas, data);
      });
  }

  function draw(canvas, data) {
    var datasets = data.lines.map(function (line) {
      return {
        type: "line",
        label: line.label,
        chanceryId: line.id,
        data: line.points,
        hidden: line.hidden,
        borderColor: COLOURS[line.side],
        backgroundColor: COLOURS[line.side],
        borderDash: DASHES[line.kind],
        borderWidth: line.kind === "turnover" ? 3 : 2,
        pointStyle: POINTS[line.side],
        pointRadius: 4,
        tension: 0,
        spanGaps: false,
      };
    });
    if (data.claims.length) {
      datasets.push({
        type: "scatter",
        label: "Stated figures (claims)",
        chanceryId: "claims",
        data: data.claims,
        pointStyle: "star",
        pointRadius: 10,
        pointBorderWidth: 2,
        borderColor: data.claims.map(function (claim) { return COLOURS[claim.side]; }),
        backgroundColor: "rgba(255, 255, 255, 0)",
      });
    }
    var xs = [];
    datasets.forEach(function (set) { set.data.forEach(function (point) { xs.push(point.x); }); });
    data.marks.forEach(function (mark) { xs.push(mark.x0, mark.x1); });
    var chart = new Chart(canvas, {
      type: "scatter",
      data: { datasets: datasets },
      plugins: [marksPlugin],
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        parsing: { xAxisKey: "x", yAxisKey: "y" },
        interaction: { mode: "nearest", intersect: true },
        scales: {
          x: {
            type: "linear",
            min: xs.length ? Math.floor(Math.min.apply(null, xs)) : undefined,
            max: xs.length ? Math.ceil(Math.max.apply(null, xs)) : undefined,
            ticks: { stepSize: 1, callback: function (value) { return Number.isInteger(value) ? String(value) : ""; } },
            title: { display: true, text: "Year (each annual figure sits mid-year)" },
          },
          y: { beginAtZero: true, ticks: { callback: usd }, title: { display: true, text: "US dollars" } },
        },
        plugins: {
          legend: { display: false },
          chanceryMarks: { marks: data.marks },
          tooltip: {
            callbacks: {
              title: function (items) { return items.length ? String(Math.floor(items[0].parsed.x)) : ""; },
              label: function (item) {
                var point = item.raw;
                return point.label ? point.label : item.dataset.label + ": " + usd(item.parsed.y);
              },
            },
          },
        },
      },
    });
    canvas.dataset.markCount = String(data.marks.length);
    canvas.dataset.claimCount = String(data.claims.length);
    bindLegend(canvas, chart);
    updateCounts(canvas, chart);
    canvas.dataset.ready = "true";
  }

  function updateCounts(canvas, chart) {
    var lines = 0;
    var points = 0;
    chart.data.datasets.forEach(function (set, index) {
      if (set.chanceryId !== "claims" && chart.isDatasetVisible(index)) {
        lines += 1;
        points += set.data.length;
      }
    });
    canvas.dataset.visibleLines = String(lines);
    canvas.dataset.visiblePoints = String(points);
  }

  function bindLegend(canvas, chart) {
    var legend = document.getElementById(canvas.dataset.legend);
    if (!legend) { return; }
    legend.hidden = false;
    var marksKey = legend.querySelector("[data-marks-key]");
    if (marksKey) {
      marksKey.querySelector("[data-mark-total]").textContent = canvas.dataset.markCount;
      marksKey.hidden = canvas.dataset.markCount === "0";
    }
    legend.querySelectorAll("input[data-line]").forEach(function (box) {
      var index = chart.data.datasets.findIndex(function (set) { return set.chanceryId === box.dataset.line; });
      if (index < 0) { box.closest("label").hidden = true; return; }
      box.checked = chart.isDatasetVisible(index);
      box.addEventListener("change", function () {
        chart.setDatasetVisibility(index, box.checked);
        chart.update();
        updateCounts(canvas, chart);
      });
    });
  }

  // Each canvas is drawn once: at page load, and again for the new canvas whenever htmx swaps
  // content in (an editor's form posted in place replaces `main`, and the chart with it).
  var started = new WeakSet();

  function startIn(root) {
    if (typeof Chart === "undefined" || !root.querySelectorAll) { return; }
    var canvases = Array.prototype.slice.call(root.querySelectorAll("canvas[data-trade-chart]"));
    if (root.matches && root.matches("canvas[data-trade-chart]")) { canvases.push(root); }
    canvases.forEach(function (canvas) {
      if (started.has(canvas)) { return; }
      started.add(canvas);
      load(canvas);
    });
  }

  // htmx announces every swapped-in element (and the body once it has started); the
  // DOMContentLoaded start covers a page without htmx. The WeakSet keeps it to one chart.
  document.addEventListener("htmx:load", function (event) { startIn(event.target); });
  // A canvas htmx swaps out is cleaned up first: its chart lets go of the canvas and its listeners.
  document.addEventListener("htmx:beforeCleanupElement", function (event) {
    var chart = typeof Chart === "undefined" ? null : Chart.getChart(event.target);
    if (chart) { chart.destroy(); }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { startIn(document); });
  } else {
    startIn(document);
  }
})();
