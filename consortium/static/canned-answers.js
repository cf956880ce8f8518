/* The liaison's question page: a canned-answer button fills the answer box. A static file,
 * not an inline onclick, so the page's Content-Security-Policy can forbid inline script. */
document.addEventListener("click", function (event) {
  "use strict";
  var button = event.target.closest && event.target.closest("button.canned");
  var box = document.getElementById("answer-body");
  if (button && box) { box.value = button.dataset.body; }
});
