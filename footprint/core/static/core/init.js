// Start the NHS.UK components, and draw every Vega-Lite chart on the page.
import { initAll } from "../vendor/nhsuk/nhsuk-frontend.min.js";

initAll();

// A page that moves the keyboard focus (a consultation's next statement after a vote) marks
// the element autofocus; browsers skip autofocus when the window does not have the focus, so
// move it here too, once the page has loaded. (Such a page is opened without a fragment:
// Chromium clears the focus when it reaches one.)
function focusAutofocused() {
  const target = document.querySelector("[autofocus]");
  // only while nothing has the focus: never take it back from where the user moved it
  if (target && (!document.activeElement || document.activeElement === document.body)) {
    target.focus();
  }
}
if (document.readyState === "complete") focusAutofocused();
else window.addEventListener("load", focusAutofocused, { once: true });

// NHS.UK's enhanced file upload runs the visible parts of its button together ("No file
// chosenChoose file"), so the button's spoken name does not contain its visible text (WCAG
// 2.5.3, axe's label-content-name-mismatch). A space between them mends both.
document.querySelectorAll(".nhsuk-file-upload__status").forEach((status) => {
  status.after(document.createTextNode(" "));
});

// A table too wide for the window scrolls inside a keyboard-focusable region; name each
// region after its table's caption so a screen reader says which table it is.
document.querySelectorAll(".fp-table-scroll").forEach((region, i) => {
  const caption = region.querySelector("caption");
  if (!caption) return;
  if (!caption.id) caption.id = `fp-table-caption-${i + 1}`;
  region.setAttribute("aria-labelledby", caption.id);
});

function drawCharts(root) {
  if (typeof window.vegaEmbed !== "function") return;
  root.querySelectorAll("[data-chart]").forEach((el) => {
    const source = document.getElementById(el.dataset.chart);
    if (!source || el.dataset.drawn) return;
    el.dataset.drawn = "true";
    window
      // ast: Vega's expression interpreter (bundled in vega-embed) instead of compiling
      // expressions with `new Function`, so the content security policy needs no 'unsafe-eval'.
      .vegaEmbed(el, JSON.parse(source.textContent), { actions: false, renderer: "svg", ast: true })
      .then(() => el.setAttribute("data-chart-ready", "true"))
      .catch((err) => {
        el.textContent = "The chart could not be drawn; the table below has the same figures.";
        console.error(err);
      });
  });
}

drawCharts(document);
document.body.addEventListener("htmx:afterSwap", (event) => drawCharts(event.target));
