/* Staff composing tools, enhanced in the page. Every control also works without this file:
   the picker's search and the Markdown preview are plain form submissions the server answers
   with the whole page. Here they run in place, so nothing typed is lost and the page keeps
   its scroll position. Loaded with `defer` from staff pages; no inline scripts. */
(function () {
  "use strict";

  function csrfToken(element) {
    var form = element.closest("form");
    var field = (form && form.querySelector("input[name=csrf_token]")) ||
      document.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  /* The picker: ask the page for its results fragment (?pick=…&fragment=picker). */
  function pickerResults(input) {
    var scope = input.closest("[data-picker]") || document;
    return scope.querySelector("[data-picker-results]");
  }

  function keepChosen(scope) {
    /* An answer's cited works are checkboxes in the results: checked ones move to the
       chosen list before the results are replaced, so a second search keeps them. */
    var chosen = scope.querySelector("[data-picker-chosen]");
    if (!chosen) { return; }
    scope.querySelectorAll("[data-picker-results] input[type=checkbox]:checked").forEach(function (box) {
      var item = box.closest("li");
      if (item && !chosen.querySelector("input[value='" + box.value + "']")) {
        chosen.appendChild(item);
      }
    });
    chosen.hidden = !chosen.querySelector("li");
  }

  function search(input) {
    var target = pickerResults(input);
    var query = input.value.trim();
    if (!target || !query) { return; }
    var url = new URL(input.dataset.pickerUrl, window.location.href);
    url.searchParams.set("pick", query);
    url.searchParams.set("fragment", "picker");
    keepChosen(input.closest("[data-picker]") || document);
    target.setAttribute("aria-busy", "true");
    fetch(url, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html;  /* rendered and escaped by the server's template */
        var fresh = holder.querySelector("[data-picker-results]");
        target.innerHTML = fresh ? fresh.innerHTML : html;
      })
      .catch(function () {  /* fall back to the plain form submission of the search button */
        var scope = input.closest("[data-picker]") || document;
        var button = scope.querySelector("[data-picker-search]");
        if (button && button.form) { button.form.requestSubmit(button); }
      })
      .finally(function () { target.removeAttribute("aria-busy"); });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-picker-search]");
    if (button) {
      var scope = button.closest("[data-picker]") || document;
      var input = scope.querySelector("[data-picker-query]");
      if (input && input.value.trim()) {
        event.preventDefault();
        search(input);
      }
      return;
    }
    var preview = event.target.closest("[data-markdown-preview]");
    if (preview) {
      event.preventDefault();
      showPreview(preview);
      return;
    }
    var insert = event.target.closest("[data-insert-text]");
    if (insert) {
      var field = document.getElementById(insert.dataset.insertInto);
      if (field) {
        event.preventDefault();  /* in place; without this file the button posts the draft */
        field.value = insert.dataset.insertText;
        field.focus();
      }
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches("[data-picker-query]")) {
      event.preventDefault();  /* Enter searches; it never sends the answer around it */
      search(event.target);
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-picker] input[type=checkbox]")) {
      keepChosen(event.target.closest("[data-picker]"));
    }
  });

  /* Markdown preview: the server renders and sanitises (the same code readers get). */
  function showPreview(button) {
    var source = document.getElementById(button.dataset.markdownPreview);
    var section = document.getElementById(button.dataset.markdownPreview + "-preview");
    if (!source || !section) { return; }
    var body = new FormData();
    body.append("text", source.value);
    body.append("csrf_token", csrfToken(button));
    fetch(button.dataset.previewUrl, {method: "POST", body: body, credentials: "same-origin",
                                      headers: {"X-CSRFToken": csrfToken(button)}})
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        section.querySelector(".preview-body").innerHTML = html;  /* nh3-sanitised by the server */
        section.hidden = false;
      })
      .catch(function () { if (button.type === "submit" && button.form) { button.form.requestSubmit(button); } });
  }

  /* Buttons that need this file (previews without a server fallback) show only with it. */
  document.querySelectorAll("[data-markdown-preview][hidden]").forEach(function (button) {
    button.hidden = false;
  });
})();
