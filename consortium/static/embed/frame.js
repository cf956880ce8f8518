/* The embeddable iframe page (/embed/frame) tells its parent how tall it is, so the parent's
 * iframe needs no scroll bar. A static file: the page's CSP allows no inline script. */
(function () {
  "use strict";
  var id = new URLSearchParams(location.search).get("frame") || "";
  function report() {
    parent.postMessage({type: "daodu-embed-height", frame: id, height: document.documentElement.scrollHeight}, "*");
  }
  window.addEventListener("load", report);
  window.addEventListener("resize", report);
  report();
})();
