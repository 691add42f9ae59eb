// The report's one script: reads the posts from the page's JSON data block and draws them as
// cards, filtered and sorted by the controls; the URL fragment keeps the filter. Every piece of
// a post becomes text through textContent or an attribute set with setAttribute: nothing from
// the archive is ever parsed as markup, and links are made only for http(s) URLs.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("ev-data").textContent);
  var posts = data.posts;
  var PAGE = 60;
  var shown = 0;
  var matching = [];
  var $ = function (id) { return document.getElementById(id); };
  var controls = {
    platform: $("f-platform"), handle: $("f-handle"), q: $("f-q"),
    since: $("f-since"), until: $("f-until"), sort: $("f-sort")
  };
  var results = $("results"), count = $("count"), more = $("more");

  // Folding for search: case, diacritics, and the letters Russian readers treat as one.
  function fold(s) {
    return (s || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/ё/g, "е").replace(/й/g, "и").replace(/ß/g, "ss");
  }
  function day(p) { return (p.created_at || "").slice(0, 10) || p.date || ""; }
  function userPart(h) { h = (h || "").replace(/^@/, "").toLowerCase(); var i = h.indexOf("@"); return i > 0 ? h.slice(0, i) : h; }
  for (var i = 0; i < posts.length; i++) {
    var p = posts[i];
    p._hay = fold([p.text, p.handle, p.display_name, p.post_id].join(" \u0001 "));
    p._day = day(p);
    p._h = (p.handle || "").toLowerCase();
  }

  function safeUrl(u) {
    try {
      var url = new URL(u, "https://invalid.example/");
      if ((url.protocol === "https:" || url.protocol === "http:") && url.hostname !== "invalid.example") return url.href;
    } catch (e) { /* not a URL */ }
    return null;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function link(href, text) {
    var safe = safeUrl(href);
    if (!safe) return el("span", null, text);
    var a = el("a", null, text);
    a.setAttribute("href", safe);
    a.setAttribute("rel", "noopener noreferrer nofollow");
    return a;
  }

  // Where each platform's profiles and hashtags live (from the platforms' descriptions).
  var PROFILE = {}, HASHTAG = {};
  Object.keys(data.links).forEach(function (k) { PROFILE[k] = data.links[k][0]; HASHTAG[k] = data.links[k][1]; });
  // A profile's address: the platform's, or a fediverse handle's own server (user@host).
  function profileUrl(platform, handle) {
    var h = (handle || "").replace(/^@/, "");
    var i = h.indexOf("@");
    if (i > 0) return "https://" + h.slice(i + 1) + "/@" + encodeURIComponent(h.slice(0, i));
    return PROFILE[platform] ? PROFILE[platform] + encodeURIComponent(h) : null;
  }
  var TOKEN = /(https?:\/\/[^\s<>"]+|(?:pic\.twitter\.com|t\.co|bit\.ly|youtu\.be)\/[^\s<>"]+|#[\p{L}\p{N}_]+|@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?)/gu;

  // The post text as text nodes and links: URLs, hashtags and mentions linked.
  function richText(target, text, platform) {
    var last = 0, m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) {
      var tok = m[0], at = m.index;
      if (at > 0 && /[\p{L}\p{N}_]/u.test(text.charAt(at - 1)) && tok[0] !== "h") continue;
      var trail = tok.match(/[.,;:!?)\]]+$/);
      if (trail && tok[0] !== "#" && tok[0] !== "@") tok = tok.slice(0, tok.length - trail[0].length);
      var href = null;
      if (tok[0] === "#") href = HASHTAG[platform] ? HASHTAG[platform] + encodeURIComponent(tok.slice(1)) : null;
      else if (tok[0] === "@") href = profileUrl(platform, tok);
      else href = /^https?:/.test(tok) ? tok : "https://" + tok;
      if (at > last) target.appendChild(document.createTextNode(text.slice(last, at)));
      target.appendChild(href ? link(href, tok) : document.createTextNode(tok));
      last = at + tok.length;
      TOKEN.lastIndex = last;
    }
    if (last < text.length) target.appendChild(document.createTextNode(text.slice(last)));
  }

  function initial(p) {
    var s = (p.display_name || p.handle || data.names[p.platform] || "?").replace(/^@/, "");
    var c = Array.from(s)[0] || "?";
    return c.toUpperCase();
  }

  function sightingItem(s) {
    var li = el("li");
    var title = s.title || s.url || s.path || "(standard input)";
    li.appendChild(s.url ? link(s.url, title) : el("span", null, title));
    if (s.url && s.path && s.path !== s.url) li.appendChild(el("span", "where", " — " + s.path));
    else if (!s.url && s.path && title !== s.path) li.appendChild(el("span", "where", " — " + s.path));
    var about = [];
    if (s.site) about.push(s.site);
    if (s.published) about.push("published " + s.published);
    if (s.authors && s.authors.length) about.push("by " + s.authors.join(", "));
    if (about.length) li.appendChild(el("div", "where", about.join(" · ")));
    if (s.warc) li.appendChild(el("div", "where", "web archive: " + s.warc));
    if (s.fetched) li.appendChild(el("div", "where", "fetched: " + s.fetched));
    var where = "bytes " + s.start + "–" + s.end + ", line " + s.line + " · " + s.kind + " · " + s.form +
      " · " + s.detector + " · archived " + s.archived_at.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC") +
      " (run " + s.run + ", embedvault " + s.version + ")";
    li.appendChild(el("div", "where", where));
    if (s.fragment != null) {
      var d = el("details", "raw");
      var sum = el("summary", null, "Raw fragment" + (s.fragment_cut ? " (first " + s.fragment.length + " characters)" : ""));
      var pre = el("pre");
      d.appendChild(sum);
      d.appendChild(pre);
      d.addEventListener("toggle", function () {
        if (d.open && !pre.firstChild) pre.textContent = s.fragment;
      });
      li.appendChild(d);
    }
    return li;
  }

  function card(p) {
    var li = el("li");
    var a = el("article", "card pf-" + p.platform + " kind-" + p.kind);
    a.id = "post-" + p.archive_id;
    a.setAttribute("data-archive-id", String(p.archive_id));
    a.setAttribute("data-platform", p.platform);
    var head = el("div", "card-head");
    var av = el("span", "avatar", initial(p));
    av.setAttribute("aria-hidden", "true");
    head.appendChild(av);
    var who = el("span", "who");
    var name = el("span", "name", p.display_name || (p.handle ? "@" + p.handle.replace(/^@/, "") : data.names[p.platform] + " post"));
    who.appendChild(name);
    if (p.handle) {
      var h = "@" + p.handle.replace(/^@/, "");
      var prof = profileUrl(p.platform, p.handle);
      var hs = el("span", "handle");
      hs.appendChild(prof ? link(prof, h) : document.createTextNode(h));
      who.appendChild(hs);
    }
    head.appendChild(who);
    head.appendChild(el("span", "mark", data.names[p.platform] || p.platform));
    a.appendChild(head);
    var body = el("div", "card-text" + (p.text ? "" : " empty"));
    if (p.lang) body.setAttribute("lang", p.lang);
    if (p.text) richText(body, p.text, p.platform);
    else body.textContent = "(no text in the article)";
    a.appendChild(body);
    if (p.media && p.media.length) {
      var ul = el("ul", "media");
      ul.setAttribute("aria-label", "Media");
      p.media.forEach(function (m) { var mi = el("li"); mi.appendChild(link(/^https?:/.test(m) ? m : "https://" + m, m)); ul.appendChild(mi); });
      a.appendChild(ul);
    }
    if (p.quoted_url) {
      var q = el("div", "quoted", "Quoting ");
      q.appendChild(link(p.quoted_url, p.quoted_url));
      a.appendChild(q);
    }
    var meta = el("div", "meta");
    if (p.date_text || p.date) {
      var t = el("time", null, p.date_text || p.date);
      if (p.date) t.setAttribute("datetime", p.date);
      meta.appendChild(t);
      if (p.date_text && p.date) meta.appendChild(el("span", null, "parsed " + p.date));
    }
    if (p.created_at) meta.appendChild(el("span", null, "ID time " + p.created_at.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC")));
    if (p.post_id) meta.appendChild(el("span", null, "ID " + p.post_id));
    if (p.url) meta.appendChild(link(p.url, "Original post"));
    meta.appendChild(el("span", "tag", p.kind));
    meta.appendChild(el("span", "tag", p.form));
    a.appendChild(meta);
    var prov = el("details", "prov");
    var n = p.sightings.length;
    prov.appendChild(el("summary", null, "Seen in " + n + (n === 1 ? " place" : " places") + " · archive #" + p.archive_id));
    var ol = el("ol");
    p.sightings.forEach(function (s) { ol.appendChild(sightingItem(s)); });
    prov.appendChild(ol);
    a.appendChild(prov);
    li.appendChild(a);
    return li;
  }

  function readState() {
    var h = new URLSearchParams(location.hash.replace(/^#/, ""));
    Object.keys(controls).forEach(function (k) {
      var fallback = k === "sort" ? "date" : "";
      var v = h.get(k) || fallback;
      controls[k].value = v;
      if (controls[k].value !== v) controls[k].value = fallback;
    });
  }
  function writeState() {
    var h = new URLSearchParams();
    Object.keys(controls).forEach(function (k) {
      var v = controls[k].value.trim();
      if (v && !(k === "sort" && v === "date")) h.set(k, v);
    });
    var s = h.toString();
    if (("#" + s) !== location.hash && !(s === "" && location.hash === "")) {
      history.replaceState(null, "", s ? "#" + s : location.pathname + location.search);
    }
  }

  function apply() {
    var pf = controls.platform.value, hd = userPart(controls.handle.value.trim());
    var terms = fold(controls.q.value).split(/\s+/).filter(Boolean);
    var since = controls.since.value, until = controls.until.value, sort = controls.sort.value;
    matching = posts.filter(function (p) {
      if (pf && p.platform !== pf) return false;
      if (hd && p._h !== hd && userPart(p._h) !== hd) return false;
      if (since && !(p._day && p._day >= since)) return false;
      if (until && !(p._day && p._day <= until)) return false;
      for (var i = 0; i < terms.length; i++) if (p._hay.indexOf(terms[i]) < 0) return false;
      return true;
    });
    var byDate = function (a, b) { return a._day < b._day ? 1 : a._day > b._day ? -1 : b.archive_id - a.archive_id; };
    if (sort === "date") matching.sort(byDate);
    else if (sort === "oldest") matching.sort(function (a, b) { return -byDate(a, b); });
    else if (sort === "sightings") matching.sort(function (a, b) { return b.sightings.length - a.sightings.length || byDate(a, b); });
    results.textContent = "";
    shown = 0;
    showMore();
    count.textContent = matching.length === posts.length
      ? posts.length + (posts.length === 1 ? " post" : " posts")
      : matching.length + " of " + posts.length + " posts match";
    writeState();
  }
  function showMore() {
    var frag = document.createDocumentFragment();
    var end = Math.min(matching.length, shown + PAGE);
    for (; shown < end; shown++) frag.appendChild(card(matching[shown]));
    results.appendChild(frag);
    more.hidden = shown >= matching.length;
    more.textContent = "Show more (" + (matching.length - shown) + " left)";
  }

  var timer = null;
  function later() { clearTimeout(timer); timer = setTimeout(apply, 120); }
  ["platform", "since", "until", "sort"].forEach(function (k) { controls[k].addEventListener("change", apply); });
  ["handle", "q"].forEach(function (k) { controls[k].addEventListener("input", later); });
  $("find").addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); apply(); });
  $("f-reset").addEventListener("click", function () {
    Object.keys(controls).forEach(function (k) { controls[k].value = k === "sort" ? "date" : ""; });
    apply();
  });
  more.addEventListener("click", showMore);
  if ("IntersectionObserver" in window) {
    new IntersectionObserver(function (entries) {
      if (entries[0].isIntersecting && shown < matching.length) showMore();
    }, { rootMargin: "600px" }).observe(more);
  }
  window.addEventListener("hashchange", function () { readState(); apply(); });
  window.addEventListener("beforeprint", function () { while (shown < matching.length) showMore(); });
  readState();
  apply();
  document.documentElement.setAttribute("data-ready", "1");
})();
