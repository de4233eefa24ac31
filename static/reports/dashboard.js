// Charts of the dashboard, drawn from the JSON the page embeds (no requests of its own).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var texts = JSON.parse(document.getElementById("dashboard-texts").textContent);
  if (typeof Chart === "undefined") { return; }
  var colours = { light: "#7fb77e", moderate: "#f2c14e", severe: "#e07a3f", fatal: "#b00020" };
  function draw(id, config) {
    var el = document.getElementById(id);
    if (el) { new Chart(el, config); }
  }
  draw("chart-accidents", {
    type: "line",
    data: { labels: data.labels, datasets: [{ label: texts.accidents, data: data.monthly.accidents, borderColor: "#0b5cad", backgroundColor: "#0b5cad" }] },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
  draw("chart-victims", {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.outcomes.map(function (o) {
        return { label: texts.victims[o], data: data.monthly.victims[o], backgroundColor: colours[o] };
      })
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } }
  });
  draw("chart-inspections", {
    type: "bar",
    data: { labels: data.labels, datasets: [{ label: texts.inspections, data: data.monthly.inspections, backgroundColor: "#0e2a47" }] },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
  draw("chart-fines", {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: texts.fines_count, data: data.monthly.fines_count, backgroundColor: "#5b6b7c", yAxisID: "y" },
        { label: texts.fines_thousand_kzt, data: data.monthly.fines_thousand_kzt, type: "line", borderColor: "#b00020", backgroundColor: "#b00020", yAxisID: "y1" }
      ]
    },
    options: { scales: { y: { beginAtZero: true, position: "left" }, y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false } } } }
  });
  draw("chart-regions", {
    type: "bar",
    data: {
      labels: data.regions.map(function (r) { return r.name; }),
      datasets: [{ label: texts.accidents, data: data.regions.map(function (r) { return r.accidents; }), backgroundColor: "#0b5cad" }]
    },
    options: { indexAxis: "y", scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
})();
