// Overview: draws the alerts-over-time chart from its JSON block and asks htmx to refresh the page body when the
// live feed says alerts arrived (the body's hx-trigger listens to "socme:live", throttled).
// The canvas has no id: htmx copies the attributes of same-id elements while settling, and the style Chart.js put on
// the old canvas would then be an inline style attribute, which the CSP refuses.
(function () {
  "use strict";
  var chart;
  function css(name) { return window.socmeColor(name); }
  function draw() {
    var canvas = document.querySelector("canvas[data-chart=timeline]");
    var data = document.getElementById("timeline-data");
    if (!canvas || !data || !window.Chart) return;
    var d = JSON.parse(data.textContent);
    if (chart) chart.destroy();
    chart = new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: d.series.map(function (s) {
          return { label: s.label, data: s.data, backgroundColor: css("--band-" + s.band), stack: "bands", borderWidth: 0 };
        })
      },
      options: {
        animation: false, maintainAspectRatio: false, responsive: true,
        plugins: { legend: { position: "bottom", labels: { color: css("--muted"), boxWidth: 12 } } },
        scales: {
          x: { stacked: true, ticks: { color: css("--muted"), maxRotation: 0, autoSkip: true }, grid: { display: false } },
          y: { stacked: true, beginAtZero: true, ticks: { color: css("--muted"), precision: 0 }, grid: { color: css("--line") } }
        }
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    draw();
    if (!document.querySelector("[data-overview]") || !window.EventSource) return;
    var source = new EventSource("/events");
    source.addEventListener("alerts", function () { document.body.dispatchEvent(new CustomEvent("socme:live")); });
  });
  document.addEventListener("htmx:afterSwap", function (e) { if (e.detail.target && e.detail.target.id === "overview-body") draw(); });
})();
