/* Daodu embed widget: <daodu-feed member="NJU" kind="new" count="10" lang="zh-CN"></daodu-feed>
 * and the live-help button <daodu-chat member="NJU" lang="zh-CN"></daodu-chat>, which opens
 * Daodu's chat page (/embed/chat) in a frame: the chat talks to Daodu from Daodu's own origin,
 * so it needs no CORS, and the page may be framed only by the member's registered origins.
 * Dependency-free custom element. It renders into the host page (light DOM), so the host's
 * fonts and colours apply; the list is plain, accessible markup (a labelled section, a
 * heading, a list of links). Data comes from /embed/feed.json, readable only from the
 * member's registered site origins (CORS). */
(function () {
  "use strict";
  var script = document.currentScript;
  var BASE = script && script.src ? new URL(script.src).origin : location.origin;
  var TEXT = {
    "zh-CN": {"new": "新书通报", guides: "新书导读", loading: "正在加载……", empty: "暂无新书。",
              error: "暂时无法加载新书通报。", callNumber: "索书号", feed: "订阅",
              unregistered: "本网站（{origin}）尚未登记为{member}的嵌入站点，因此不能显示其内容。" +
                "请{member}的馆员在导读的“嵌入到您的网站”页面登记此来源：{builder}"},
    en: {"new": "New arrivals", guides: "Reading guides", loading: "Loading…", empty: "Nothing new yet.",
         error: "The feed could not be loaded.", callNumber: "Call number", feed: "Feed",
         unregistered: "This site ({origin}) is not registered to show {member}'s feeds. " +
           "A librarian of {member} can register this origin under “Embed on your site” in Daodu: {builder}"}
  };
  var STYLE = ".daodu-feed{font:inherit;color:inherit}.daodu-feed .daodu-items{margin:0;padding-left:1.2em}" +
    ".daodu-feed .daodu-meta{display:block;opacity:.75;font-size:.85em}" +
    ".daodu-style-compact .daodu-meta{display:inline;margin-left:.4em}" +
    ".daodu-style-cards .daodu-items{list-style:none;padding:0;display:grid;gap:.5em}" +
    ".daodu-style-cards .daodu-item{border:1px solid rgba(0,0,0,.15);border-radius:4px;padding:.4em .6em}" +
    ".daodu-feed .daodu-error{color:#a40000}" +
    "daodu-chat .daodu-chat-frame{display:block;width:100%;max-width:28rem;height:34rem;border:1px solid rgba(0,0,0,.2)}";
  var counter = 0;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }

  var sheetAdded = false;

  function addStyle() {
    if (sheetAdded || document.getElementById("daodu-feed-style")) { return; }
    // A constructed style sheet is not inline style, so pages whose Content-Security-Policy
    // forbids inline styles (ours do) still style the widget; older browsers get a <style>.
    if (window.CSSStyleSheet && "adoptedStyleSheets" in document) {
      try {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(STYLE);
        document.adoptedStyleSheets = document.adoptedStyleSheets.concat([sheet]);
        sheetAdded = true;
        return;
      } catch (e) { /* fall back to a <style> element */ }
    }
    var style = el("style", {id: "daodu-feed-style"});
    style.textContent = STYLE;
    (document.head || document.documentElement).appendChild(style);
  }

  class DaoduFeed extends HTMLElement {
    static get observedAttributes() { return ["member", "kind", "count", "lang", "clc", "days", "scope", "variant"]; }

    connectedCallback() { addStyle(); this.load(); }

    attributeChangedCallback() { if (this.started) { this.load(); } }

    language() {
      var lang = (this.getAttribute("lang") || document.documentElement.lang || "zh-CN").toLowerCase();
      return lang.indexOf("en") === 0 ? "en" : "zh-CN";
    }

    url() {
      var params = new URLSearchParams();
      params.set("member", this.getAttribute("member") || "");
      params.set("kind", this.getAttribute("kind") || "new");
      params.set("count", this.getAttribute("count") || "10");
      params.set("lang", this.language());
      ["clc", "days", "scope"].forEach(function (name) {
        if (this.getAttribute(name)) { params.set(name, this.getAttribute(name)); }
      }, this);
      return (this.getAttribute("base") || BASE) + "/embed/feed.json?" + params.toString();
    }

    load() {
      this.started = true;
      var lang = this.language(), text = TEXT[lang], self = this, ticket = ++counter;
      this.ticket = ticket;
      this.shell(lang, text[this.getAttribute("kind") === "guides" ? "guides" : "new"]);
      this.setAttribute("state", "loading");
      this.body.appendChild(el("p", {"class": "daodu-status", role: "status"}, text.loading));
      fetch(this.url(), {mode: "cors", credentials: "omit"})
        .then(function (r) {
          if (r.status === 403) {  // a refused origin is told why (the body holds no member data)
            return r.json().then(function (body) { throw {refused: body}; });
          }
          if (!r.ok) { throw new Error("HTTP " + r.status); }
          return r.json();
        })
        .then(function (feed) { if (self.ticket === ticket) { self.render(feed, text); } })
        .catch(function (why) { if (self.ticket === ticket) { self.fail(text, why && why.refused); } });
    }

    shell(lang, title) {
      var id = "daodu-feed-" + (++counter);
      var variant = this.getAttribute("variant") || "list";
      this.textContent = "";
      this.section = el("section", {"class": "daodu-feed daodu-style-" + variant, lang: lang, "aria-labelledby": id});
      var level = Math.min(Math.max(parseInt(this.getAttribute("heading-level") || "2", 10) || 2, 1), 6);
      this.heading = el("h" + level, {id: id, "class": "daodu-title"}, title);
      this.body = el("div", {"class": "daodu-body", "aria-live": "polite"});
      this.section.appendChild(this.heading);
      this.section.appendChild(this.body);
      this.appendChild(this.section);
    }

    render(feed, text) {
      this.body.textContent = "";
      if (feed.title) { this.heading.textContent = feed.title; }
      var items = feed.items || [];
      if (!items.length) {
        this.body.appendChild(el("p", {"class": "daodu-empty"}, text.empty));
      } else {
        var list = el("ul", {"class": "daodu-items"});
        items.forEach(function (item) {
          var extra = item._daodu || {}, li = el("li", {"class": "daodu-item"});
          li.appendChild(el("a", {href: item.url}, item.title));
          var meta = [extra.member_name, extra.call_number ? text.callNumber + " " + extra.call_number : ""];
          meta = meta.filter(Boolean).join(" · ");
          if (meta) { li.appendChild(el("span", {"class": "daodu-meta"}, meta)); }
          list.appendChild(li);
        });
        this.body.appendChild(list);
      }
      this.setAttribute("state", "ready");
      this.dispatchEvent(new CustomEvent("daodu-ready", {bubbles: true, detail: {count: items.length}}));
    }

    fail(text, refused) {
      var message = text.error;
      if (refused && refused.errors && refused.errors.origin) {
        var member = (refused.errors.member || [this.getAttribute("member") || ""])[0];
        var builder = (refused.errors.register_at || [BASE + "/embed/builder"])[0];
        message = text.unregistered.replace("{origin}", location.origin).split("{member}").join(member)
          .replace("{builder}", builder);
      }
      this.body.textContent = "";
      this.body.appendChild(el("p", {"class": "daodu-error", role: "alert"}, message));
      this.setAttribute("state", "error");
      this.dispatchEvent(new CustomEvent("daodu-error", {bubbles: true}));
    }
  }

  if (window.customElements && !customElements.get("daodu-feed")) {
    customElements.define("daodu-feed", DaoduFeed);
  }

  var CHAT = {"zh-CN": {open: "与馆员在线交谈", close: "收起在线咨询"}, en: {open: "Chat with a librarian", close: "Close the chat"}};

  class DaoduChat extends HTMLElement {
    connectedCallback() {
      if (this.button) { return; }
      addStyle();
      var lang = (this.getAttribute("lang") || document.documentElement.lang || "zh-CN").toLowerCase().indexOf("en") === 0
        ? "en" : "zh-CN";
      var text = CHAT[lang], self = this;
      this.button = el("button", {type: "button", "class": "daodu-chat-open", "aria-expanded": "false"}, text.open);
      this.button.addEventListener("click", function () {
        if (!self.frame) {
          var params = new URLSearchParams({member: self.getAttribute("member") || "", lang: lang === "en" ? "en" : "zh_CN"});
          self.frame = el("iframe", {src: (self.getAttribute("base") || BASE) + "/embed/chat?" + params.toString(),
            title: text.open, "class": "daodu-chat-frame", loading: "lazy"});
          self.appendChild(self.frame);
        }
        var open = self.frame.hidden || self.button.getAttribute("aria-expanded") !== "true";
        self.frame.hidden = !open;
        self.button.setAttribute("aria-expanded", open ? "true" : "false");
        self.button.textContent = open ? text.close : text.open;
      });
      this.appendChild(this.button);
    }
  }

  if (window.customElements && !customElements.get("daodu-chat")) {
    customElements.define("daodu-chat", DaoduChat);
  }
})();
