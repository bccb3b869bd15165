// SOCme console, clients and nodes: charts (Chart.js, data from <script type="application/json">), copy buttons and
// confirmations. Loaded as a file (CSP: no inline script); colours come from console.css's variables (light and dark).
(function () {
  "use strict";

  function css(name) {
    return window.socmeColor(name);
  }

  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function baseOptions() {
    var text = css("--muted"), line = css("--line");
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { labels: { color: text, boxWidth: 12 } }, tooltip: { mode: "index", intersect: false } },
      scales: {
        x: { ticks: { color: text, maxRotation: 0, autoSkipPadding: 12 }, grid: { color: line } },
        y: { beginAtZero: true, ticks: { color: text, precision: 0 }, grid: { color: line } }
      }
    };
  }

  // A client's alert volume: stacked bars by band.
  function bands(canvas, d) {
    var options = baseOptions();
    options.scales.x.stacked = true;
    options.scales.y.stacked = true;
    return new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: d.series.map(function (s) {
          return { label: s.label, data: s.data, backgroundColor: css("--band-" + s.band), borderWidth: 0 };
        })
      },
      options: options
    });
  }

  // One vitals series of a node over time (a small line chart).
  function line(canvas, d, key) {
    var options = baseOptions();
    options.plugins.legend.display = false;
    options.scales.x.ticks.maxTicksLimit = 6;
    options.scales.y.ticks.precision = undefined;
    options.scales.y.ticks.maxTicksLimit = 4;
    if (key === "mem" || key === "disk") { options.scales.y.max = 100; }
    return new window.Chart(canvas, {
      type: "line",
      data: {
        labels: d.labels,
        datasets: [{ label: canvas.getAttribute("aria-label"), data: d[key], borderColor: css("--accent"),
          backgroundColor: css("--accent"), borderWidth: 1.5, pointRadius: 0, spanGaps: true, tension: 0.2 }]
      },
      options: options
    });
  }

  function charts() {
    if (!window.Chart) return;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var d = data(canvas.getAttribute("data-chart"));
      if (!d) return;
      var series = canvas.getAttribute("data-series");
      var chart = series ? line(canvas, d, series) : bands(canvas, d);
      canvas.setAttribute("data-drawn", "true");
      canvas.socmeChart = chart;
    });
  }

  // Copy buttons: data-copy="id of the element whose text to copy". Where the clipboard is refused, the text is
  // selected instead (Ctrl+C copies it).
  function copy(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) return;
    var text = source.textContent.trim();
    var done = function () {
      var label = button.textContent;
      button.setAttribute("data-done", "true");
      button.textContent = button.getAttribute("data-copied") || "✓";
      button.classList.add("copied");
      setTimeout(function () { button.textContent = label; button.classList.remove("copied"); }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { select(source); done(); });
    } else {
      select(source);
      done();
    }
  }

  // Without the clipboard API (plain http), select the text so that Ctrl+C copies it.
  function select(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  document.addEventListener("click", function (e) {
    var button = e.target.closest("[data-copy]");
    if (button) { e.preventDefault(); copy(button); }
  });

  // Forms that change something for good ask first: data-confirm="question".
  document.addEventListener("submit", function (e) {
    var form = e.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.getAttribute("data-confirm"))) { e.preventDefault(); }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", charts);
  } else {
    charts();
  }
})();
