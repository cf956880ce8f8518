/* Page behaviour shared by every page (no inline scripts: the pages' CSP allows 'self' only).
 * - the phone menu: a real button toggling the menu, keyboard-accessible, no hover needed;
 * - disclosure buttons (data-toggles="ID"): e.g. the search facets behind "Filter" on phones.
 * Without script both menus and facets simply show in full. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function wire(button, target) {
    if (!button || !target) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      target.classList.toggle("open", open);
    });
  }

  function start() {
    wire(document.querySelector(".menu-toggle"), document.getElementById("site-menu"));
    document.querySelectorAll("[data-toggles]").forEach(function (button) {
      wire(button, document.getElementById(button.getAttribute("data-toggles")));
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      document.querySelectorAll("[aria-expanded=true]").forEach(function (button) {
        if (button.classList.contains("menu-toggle")) { button.click(); button.focus(); }
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
