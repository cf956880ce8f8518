/* The liaison's live-help desk (no inline script: the CSP allows 'self' only).
 * - every heartbeat seconds: POST poll (keeps the liaison on duty; lists what rings and their chats);
 * - a ringing chat shows an Accept button; of several liaisons accepting, one wins (409 for the others);
 * - each accepted chat: its events by EventSource (resumes with Last-Event-ID), messages sent by POST,
 *   canned answers, work and search cards, transfer, end, block.
 * Message HTML comes sanitised from the server (a Markdown subset); cards are built as text. */
(function () {
  "use strict";
  var desk = document.getElementById("desk");
  if (!desk) return;
  var s = function (name) { return desk.getAttribute("data-s-" + name) || name; };
  var base = desk.getAttribute("data-base");
  var csrf = desk.getAttribute("data-csrf");
  var boxes = {};

  function post(url, body) {
    return fetch(url, {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify(body || {})}).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) { data._status = r.status; return data; });
      });
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function renderRinging(rows) {
    var list = document.getElementById("ringing");
    list.textContent = "";
    document.getElementById("no-ringing").hidden = rows.length > 0;
    document.title = (rows.length ? "(" + rows.length + ") " : "") + document.title.replace(/^\(\d+\) /, "");
    rows.forEach(function (row) {
      var li = el("li", {"class": "ring", "data-chat": row.id});
      li.appendChild(el("strong", {}, s("ringing")));
      li.appendChild(el("p", {"class": "ring-text"}, row.text));
      if (row.work_title) li.appendChild(el("p", {"class": "ring-work"}, s("about") + ": " + row.work_title));
      var button = el("button", {"type": "button", "class": "accept", "id": "accept-" + row.id}, s("accept"));
      button.addEventListener("click", function () {
        button.disabled = true;
        post(base + "/" + row.id + "/accept").then(function (data) {
          if (data._status !== 200) { li.appendChild(el("p", {"class": "flash flash-error", "role": "alert"}, s("taken"))); }
          poll();
        });
      });
      li.appendChild(button);
      list.appendChild(li);
    });
  }

  function line(box, event) {
    var who = event.actor === "staff" ? s("you") : event.actor === "reader" ? s("reader") : "";
    var item = el("div", {"class": "chat-line " + event.actor, "data-seq": event.seq});
    if (event.kind === "card" && event.card) {
      var card = el("div", {"class": "chat-card"});
      var link = el("a", {"href": event.card.url.charAt(0) === "/" ? event.card.url : "#"},
        event.card.title || event.card.q);
      card.appendChild(link);
      item.appendChild(card);
    } else if (event.kind === "message") {
      item.appendChild(el("span", {"class": "who"}, who));
      var body = el("div", {"class": "body"});
      body.innerHTML = event.html || "";  // sanitised by the server
      item.appendChild(body);
    } else if (event.kind === "state" && ["ended", "blocked", "queued"].indexOf(event.state) >= 0) {
      item.appendChild(el("em", {}, s("ended")));
      box.classList.add("ended");
      if (box._source) box._source.close();
    } else { return; }
    box._log.appendChild(item);
    box._log.scrollTop = box._log.scrollHeight;
  }

  function control(box, label, cls, handler) {
    var button = el("button", {"type": "button", "class": cls}, label);
    button.addEventListener("click", handler);
    box._tools.appendChild(button);
    return button;
  }

  function chatBox(row) {
    var box = el("article", {"class": "chat-box", "id": "chat-" + row.id});
    box.appendChild(el("h3", {}, (row.reader_name || s("reader")) + " · " + row.text));
    box._log = el("div", {"class": "chat-log", "aria-live": "polite"});
    box.appendChild(box._log);
    var url = base + "/" + row.id;
    var form = el("form", {"class": "chat-send"});
    var input = el("textarea", {"rows": "2", "maxlength": "2000", "aria-label": s("message"), "class": "chat-input"});
    form.appendChild(input);
    form.appendChild(el("button", {"type": "submit"}, s("send")));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!input.value.trim()) return;
      post(url + "/messages", {text: input.value}).then(function (data) {
        if (data._status === 200) input.value = "";
        else box._log.appendChild(el("p", {"class": "flash flash-error", "role": "alert"}, s("error")));
      });
    });
    var canned = el("select", {"aria-label": s("canned"), "class": "canned"});
    canned.appendChild(el("option", {"value": ""}, s("canned")));
    canned.insertAdjacentHTML("beforeend", document.getElementById("canned-answers").innerHTML);
    canned.addEventListener("change", function () { if (canned.value) input.value = canned.value; canned.value = ""; });
    form.appendChild(canned);
    box.appendChild(form);
    box._tools = el("div", {"class": "chat-tools"});
    var work = el("input", {"type": "text", "inputmode": "numeric", "aria-label": s("work-number"), "placeholder": s("work-number"), "class": "card-work"});
    box._tools.appendChild(work);
    control(box, s("card"), "send-card", function () { post(url + "/card", {work_id: work.value.trim()}).then(function () { work.value = ""; }); });
    var words = el("input", {"type": "text", "aria-label": s("search-words"), "placeholder": s("search-words"), "class": "card-search"});
    box._tools.appendChild(words);
    control(box, s("search-card"), "send-search", function () { post(url + "/card", {q: words.value}).then(function () { words.value = ""; }); });
    var target = el("select", {"aria-label": s("transfer"), "class": "transfer-to"});
    target.insertAdjacentHTML("beforeend", document.getElementById("transfer-members").innerHTML);
    box._tools.appendChild(target);
    control(box, s("transfer"), "transfer", function () {
      post(url + "/transfer", {to_member: target.value}).then(function (data) {
        if (data._status !== 200) box._log.appendChild(el("p", {"class": "flash flash-error", "role": "alert"}, s("error")));
        else { box.classList.add("ended"); if (box._source) box._source.close(); }
        poll();
      });
    });
    control(box, s("end"), "end-chat", function () { post(url + "/end").then(poll); });
    control(box, s("block"), "block-chat", function () { post(url + "/block").then(poll); });
    box.appendChild(box._tools);
    box._source = new EventSource(url + "/events");
    ["message", "card", "state"].forEach(function (kind) {
      box._source.addEventListener(kind, function (e) { line(box, JSON.parse(e.data)); });
    });
    document.getElementById("chats").appendChild(box);
    return box;
  }

  function poll() {
    return post(desk.getAttribute("data-poll")).then(function (data) {
      if (data._status !== 200) return;
      renderRinging(data.ringing || []);
      (data.mine || []).forEach(function (row) { if (!boxes[row.id]) boxes[row.id] = chatBox(row); });
    });
  }

  poll();
  setInterval(poll, Math.max(5, parseInt(desk.getAttribute("data-heartbeat"), 10) || 15) * 1000 / 3);
})();
