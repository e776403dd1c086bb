// hookmock inspector: live rows over server-sent events, and Copy as cURL.
// The page works without it; this only adds what a static page cannot.
(function () {
  "use strict";
  var page = document.body.dataset.page;

  var copy = document.getElementById("copy-curl");
  if (copy && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      fetch(copy.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (t) {
        return navigator.clipboard.writeText(t.trim());
      }).then(function () { copy.textContent = "Copied"; }, function () { location.href = copy.dataset.url; });
    });
  }

  if (!window.EventSource) return;
  var table = document.getElementById("deliveries");
  var detail = document.body.dataset.delivery;
  if (page !== "deliveries" && !detail) return;
  if (table && table.dataset.live !== "yes") return;

  var status = document.getElementById("live");
  // Resume after the entry the page was rendered at: what changed while it
  // loaded comes first. A reconnect sends Last-Event-ID, which wins.
  var es = new EventSource("/_mock/stream?from=" + encodeURIComponent(document.body.dataset.stream || "0"));
  es.onopen = function () { if (status) status.textContent = "Live."; };
  es.onerror = function () { if (status) status.textContent = "Reconnecting…"; };
  es.addEventListener("reload", function () { location.reload(); });

  function matches(d) {
    var f = table.dataset;
    if (f.webhook && d.webhookUuid !== f.webhook) return false;
    if (f.type && d.eventType !== f.type) return false;
    if (f.status && d.status !== f.status) return false;
    if (f.event && d.eventId !== f.event) return false;
    if (f.q) {
      var q = f.q.toLowerCase();
      if ([d.id, d.eventId, d.eventType, d.url, d.reason || ""].join(" ").toLowerCase().indexOf(q) < 0) return false;
    }
    return true;
  }
  function cell(tr, text, cls) {
    var td = document.createElement("td");
    if (cls) td.className = cls;
    if (text instanceof Node) td.appendChild(text); else td.textContent = text;
    tr.appendChild(td);
    return td;
  }
  function render(d) {
    var tr = document.createElement("tr");
    tr.id = "row-" + d.id;
    tr.dataset.status = d.status;
    var a = document.createElement("a");
    a.href = "/ui/deliveries/" + encodeURIComponent(d.id);
    a.textContent = d.id;
    var first = cell(tr, a);
    if (d.replayOf) { var s = document.createElement("small"); s.textContent = " (replay of " + d.replayOf + ")"; first.appendChild(s); }
    var t = document.createElement("time");
    t.textContent = new Date(d.createdAt).toISOString().substr(11, 8);
    cell(tr, t);
    cell(tr, d.eventType);
    cell(tr, d.eventId, "mono");
    cell(tr, (d.webhookUuid || "").substr(0, 8), "mono").title = d.url;
    var st = document.createElement("span");
    st.className = "status s-" + d.status;
    st.textContent = d.status;
    cell(tr, st);
    cell(tr, String(d.attempts));
    cell(tr, d.lastStatus ? String(d.lastStatus) : "–");
    return tr;
  }
  var pending = {};
  var scheduled = false;
  function flush() {
    scheduled = false;
    var rows = document.getElementById("rows");
    var empty = rows.querySelector("tr.empty");
    Object.keys(pending).forEach(function (id) {
      var d = pending[id];
      var old = document.getElementById("row-" + id);
      var fresh = render(d);
      if (old) { rows.replaceChild(fresh, old); }
      else if (matches(d)) {
        if (empty) { empty.remove(); empty = null; }
        fresh.className = "new";
        rows.insertBefore(fresh, rows.firstChild);
        while (rows.children.length > 200) rows.removeChild(rows.lastChild);
      }
    });
    pending = {};
  }
  function onEntry(ev) {
    var e = JSON.parse(ev.data);
    if (!e.delivery) return;
    if (detail) {
      if (e.delivery.id === detail || e.delivery.replayOf === detail) { es.close(); location.reload(); }
      return;
    }
    // Changes that come fast are drawn once per frame.
    pending[e.delivery.id] = e.delivery;
    if (!scheduled) { scheduled = true; requestAnimationFrame(flush); }
  }
  ["delivery.created", "delivery.updated", "attempt"].forEach(function (k) { es.addEventListener(k, onEntry); });
})();
