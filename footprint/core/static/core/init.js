// Start the NHS.UK components, and draw every Vega-Lite chart on the page.
import { initAll } from "../vendor/nhsuk/nhsuk-frontend.min.js";

initAll();

function drawCharts(root) {
  if (typeof window.vegaEmbed !== "function") return;
  root.querySelectorAll("[data-chart]").forEach((el) => {
    const source = document.getElementById(el.dataset.chart);
    if (!source || el.dataset.drawn) return;
    el.dataset.drawn = "true";
    window
      .vegaEmbed(el, JSON.parse(source.textContent), { actions: false, renderer: "svg" })
      .then(() => el.setAttribute("data-chart-ready", "true"))
      .catch((err) => {
        el.textContent = "The chart could not be drawn; the table below has the same figures.";
        console.error(err);
      });
  });
}

drawCharts(document);
document.body.addEventListener("htmx:afterSwap", (event) => drawCharts(event.target));
