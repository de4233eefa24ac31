// The daily chart of the breaches page, drawn from the JSON the page embeds.
(function () {
  "use strict";
  var el = document.getElementById("chart-breaches");
  if (!el || typeof Chart === "undefined") { return; }
  var data = JSON.parse(document.getElementById("breach-chart").textContent);
  var colours = ["#0b5cad", "#e07a3f", "#7fb77e", "#b00020", "#f2c14e", "#5b6b7c"];
  new Chart(el, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.series.map(function (s, i) {
        return { label: s.label, data: s.data, backgroundColor: colours[i % colours.length] };
      })
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } }
    }
  });
})();
