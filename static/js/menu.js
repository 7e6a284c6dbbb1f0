// The menu on narrow screens: one "Menü" button opens the navigation and the tools, which
// otherwise take a third of a phone's screen. Without this script everything stays visible.
(function () {
  var button = document.getElementById("coop-menu-button");
  var panel = document.getElementById("coop-menu");
  if (!button || !panel) return;
  document.documentElement.classList.add("coop-js");
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") === "true";
    button.setAttribute("aria-expanded", open ? "false" : "true");
    panel.classList.toggle("coop-menu--open", !open);
  });
})();
