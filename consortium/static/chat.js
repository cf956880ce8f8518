/* The reader's "chat with a librarian" panel (no inline script: the CSP allows 'self' only).
 * POST /api/v1/chats starts a chat; its events come by EventSource (server-sent events,
 * resumed with Last-Event-ID), messages go by plain POST. The chat survives moving between
 * pages (sessionStorage keeps its token; the stream replays the conversation). Message HTML
 * comes sanitised from the server (a Markdown subset); cards are built as text. */
(function () {
  "use strict";
  var panel = document.getElementById("chat-panel");
  if (!panel || !window.EventSource || !window.fetch) return;
  var KEY = "daodu-chat";
  var s = function (name) { return panel.getAttribute("data-s-" + name) || ""; };
  var api = panel.getAttribute("data-api");
  var openButton = panel.querySelector(".chat-open");
  var body = document.getElementById("chat-body");
  var start, live, log, status, error;
  var chat = null, source = null;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function json(url, data) {
    return fetch(url, {method: "POST", headers: {"Content-Type": "application/json", "Accept": "application/json"},
      body: JSON.stringify(data || {})}).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (d) { d._status = r.status; return d; });
      });
  }

  function toggle(open) {
    body.hidden = !open;
    openButton.setAttribute("aria-expanded", open ? "true" : "false");
    panel.classList.toggle("open", open);
  }

  function memberName(event) {
    var en = panel.getAttribute("data-language") === "en";
    return (en ? event.member_name_en : event.member_name) || event.member_name || event.member || "";
  }

  function statusLink() {
    status.textContent = s("queued") + " ";
    var link = el("a", {"href": chat.status_url, "class": "chat-status-link"}, s("status-link"));
    status.appendChild(link);
  }

  function finish(text) {
    live.classList.add("ended");
    document.getElementById("chat-send").hidden = true;
    document.getElementById("chat-end").hidden = true;
    if (source) source.close();
    if (text) log.appendChild(el("p", {"class": "chat-line system"}, text));
    sessionStorage.removeItem(KEY);
  }

  function onState(event) {
    if (event.state === "ringing") status.textContent = s("waiting").replace("{member}", memberName(event));
    else if (event.state === "active") status.textContent = s("active").replace("{member}", memberName(event));
    else if (event.state === "queued") { statusLink(); finish(""); }
    else if (event.state === "blocked") finish(s("blocked"));
    else if (event.state === "ended") finish(s("ended"));
  }

  function onLine(event) {
    if (log.querySelector('[data-seq="' + event.seq + '"]')) return;
    var item = el("div", {"class": "chat-line " + event.actor, "data-seq": event.seq});
    item.appendChild(el("span", {"class": "who"}, event.actor === "reader" ? s("you") : s("librarian")));
    if (event.kind === "card" && event.card) {
      var card = el("div", {"class": "chat-card"});
      var url = String(event.card.url || "");
      card.appendChild(el("a", {"href": url.charAt(0) === "/" ? url : "#"}, event.card.title || event.card.q));
      if (event.card.authors && event.card.authors.length) card.appendChild(el("p", {}, event.card.authors.join(", ")));
      item.appendChild(card);
    } else {
      var text = el("div", {"class": "body"});
      text.innerHTML = event.html || "";  // sanitised by the server
      item.appendChild(text);
    }
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  function listen() {
    start.hidden = true;
    live.hidden = false;
    if (chat.state === "queued") { statusLink(); finish(""); return; }
    source = new EventSource(chat.events_url);
    source.addEventListener("state", function (e) { onState(JSON.parse(e.data)); });
    source.addEventListener("message", function (e) { onLine(JSON.parse(e.data)); });
    source.addEventListener("card", function (e) { onLine(JSON.parse(e.data)); });
  }

  function wire() {
    start = document.getElementById("chat-start");
    live = document.getElementById("chat-live");
    log = document.getElementById("chat-log");
    status = document.getElementById("chat-status");
    error = start.querySelector(".chat-error");
    start.addEventListener("submit", function (event) {
      event.preventDefault();
      error.hidden = true;
      var form = new FormData(start);
      var work = /^\/works\/(\d+)/.exec(location.pathname);
      var data = {question: form.get("question"), name: form.get("name"), email: form.get("email"),
        home_member: form.get("home_member"), language: panel.getAttribute("data-language"),
        consent_publish: form.get("consent_publish") === "y", work_id: work ? parseInt(work[1], 10) : null};
      json(api, data).then(function (answer) {
        if (answer._status !== 201) {  // the API speaks English; the page shows its own language
          error.textContent = answer._status === 429 ? s("too-fast") : s("error");
          error.hidden = false;
          return;
        }
        // same-origin paths: the page may be served under another name than CONSORTIUM_BASE_URL
        chat = {token: answer.token, events_url: api + "/" + answer.token + "/events",
          status_url: new URL(answer.status_url, location.href).pathname, state: answer.state};
        sessionStorage.setItem(KEY, JSON.stringify(chat));
        listen();
      });
    });

    document.getElementById("chat-send").addEventListener("submit", function (event) {
      event.preventDefault();
      var input = document.getElementById("chat-text");
      if (!input.value.trim()) return;
      json(api + "/" + chat.token + "/messages", {text: input.value}).then(function (answer) {
        if (answer._status === 201) input.value = "";
        else log.appendChild(el("p", {"class": "chat-line system", "role": "alert"},
          answer._status === 429 ? s("too-fast") : s("error")));
      });
    });

    document.getElementById("chat-transcript").addEventListener("click", function (event) {
      json(api + "/" + chat.token + "/transcript").then(function (answer) {
        if (answer._status === 202) { event.target.disabled = true; log.appendChild(el("p", {"class": "chat-line system"}, s("mailed"))); }
      });
    });

    document.getElementById("chat-end").addEventListener("click", function () {
      json(api + "/" + chat.token + "/end").then(function () { finish(s("ended")); });
    });
  }

  function ensure(then) {
    if (start) { then(); return; }
    fetch(body.getAttribute("data-src"), {credentials: "same-origin"}).then(function (r) { return r.text(); })
      .then(function (html) { body.innerHTML = html; wire(); then(); });  // our own page fragment
  }

  openButton.hidden = false;
  openButton.addEventListener("click", function () { ensure(function () { toggle(body.hidden); }); });
  if (panel.getAttribute("data-embedded")) ensure(function () { toggle(true); });  // a member site's frame
  var saved = sessionStorage.getItem(KEY);
  if (saved) {
    try { chat = JSON.parse(saved); } catch (e) { chat = null; }
    if (chat && chat.token) ensure(function () { toggle(true); listen(); });
  }
})();
