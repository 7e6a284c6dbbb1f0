// Draws every chart whose figure the server put in data-figure (JSON: {data, layout}).
// The charts are static pictures: their numbers are in the table and CSV beside them.
(function () {
  "use strict";
  function draw() {
    document.querySelectorAll("[data-figure]").forEach(function (el) {
      var figure = JSON.parse(el.getAttribute("data-figure"));
      window.Plotly.newPlot(el, figure.data, figure.layout, {
        staticPlot: true,
        displayModeBar: false,
        responsive: true,
        locale: document.documentElement.lang || "de"
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
