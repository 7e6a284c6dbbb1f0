// A running import: follow its progress (coop/imports/views.py `progress`) and show the result
// when it is there. Without script the page offers a link to look again.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-progress-text]");
  var format = new Intl.NumberFormat(document.documentElement.lang || "de");
  var template = text.getAttribute("data-progress-text");
  function poll() {
    fetch(box.getAttribute("data-progress-url"), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.state !== "checking" && s.state !== "storing" || s.stalled) {
          window.location.reload();
          return;
        }
        bar.max = s.total || 1;
        bar.value = s.done;
        text.textContent = template.replace("{done}", format.format(s.done))
          .replace("{total}", format.format(s.total));
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
}());
