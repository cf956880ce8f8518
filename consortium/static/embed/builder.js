/* The embed snippet builder (/embed/builder): code to paste and a live preview.
 * A static file, not an inline script, so pages can forbid inline script (CSP). The page
 * hands over its base URL and translated words as data attributes of the form. */
(function () {
  "use strict";
  var form = document.getElementById("snippet-form");
  if (!form) { return; }
  var BASE = form.dataset.base;
  var code = document.getElementById("snippet-code");
  var preview = document.getElementById("snippet-preview");
  function values() {
    var v = {};
    new FormData(form).forEach(function (value, key) { if (value) { v[key] = value; } });
    if (v.kind === "guides") { delete v.days; }
    return v;
  }
  function query(v) {
    var p = new URLSearchParams();
    ["member", "kind", "count", "lang", "style", "clc", "days"].forEach(function (k) { if (v[k]) { p.set(k, v[k]); } });
    return p.toString();
  }
  function quoted(text) {
    return String(text).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  }
  function attr(v) {
    return ["member", "kind", "count", "lang", "clc", "days"].filter(function (k) { return v[k]; })
      .map(function (k) { return " " + k + '="' + quoted(v[k]) + '"'; }).join("") + ' variant="' + quoted(v.style) + '"';
  }
  function showFrame(src) {
    var frame = document.createElement("iframe");
    frame.src = src;
    frame.title = "preview";
    frame.className = "embed-preview-frame";
    preview.replaceChildren(frame);
  }
  function showWidget(v) {
    var widget = document.createElement("daodu-feed");
    ["member", "kind", "count", "lang", "clc", "days"].forEach(function (k) { if (v[k]) { widget.setAttribute(k, v[k]); } });
    widget.setAttribute("variant", v.style || "list");
    preview.replaceChildren(widget);
  }
  function update() {
    var v = values(), text;
    if (v.way === "iframe") {
      var id = "daodu-" + v.member.toLowerCase();
      text = '<iframe id="' + id + '" src="' + BASE + "/embed/frame?" + query(v) + "&frame=" + id +
        '" title="' + quoted(v.member) + '" style="width:100%;border:0" loading="lazy"></iframe>\n' +
        "<script>addEventListener('message',function(e){if(e.origin==='" + BASE + "'&&e.data&&e.data.type==='daodu-embed-height'){" +
        "var f=document.getElementById(e.data.frame);if(f){f.style.height=e.data.height+'px';}}});<\/script>";
      showFrame(BASE + "/embed/frame?" + query(v));
    } else if (v.way === "fragment") {
      text = "<!-- " + form.dataset.fragmentHint + " -->\n" + BASE + "/embed/fragment?" + query(v);
      fetch(BASE + "/embed/fragment?" + query(v)).then(function (r) { return r.text(); })
        .then(function (html) { preview.innerHTML = html; });
    } else {
      text = '<script src="' + BASE + '/embed/widget.js" defer><\/script>\n<daodu-feed' + attr(v) + "></daodu-feed>";
      showWidget(v);
    }
    code.value = text;
  }
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
