/* The offline app (issue 17): "my day", the station's clients, the visit and activity forms
 * and the queue of records saved on the phone, drawn from IndexedDB (Dexie).
 *
 * Store "portal-offline" (wiped at logout and after the configured days without reaching the
 * portal, by boot.js):
 *   roster — the station's active clients as the API's /api/v1/offline/roster/ gives them
 *            (name, village, categories, risk, due and follow-up dates; no ID or phone number);
 *   queue  — records saved here, each with a client-made UUID sent as the Idempotency-Key;
 *   meta   — who owns the store and when the roster was refreshed.
 * Records go to /api/v1/visits/, /api/v1/resource-links/ and /api/v1/activities/ (session +
 * CSRF), oldest first, when the network is back; a refusal keeps the server's message on the
 * record, which the worker fixes and resends or discards. */
/* global Dexie */
(function () {
  "use strict";
  var root = document.getElementById("offline-app");
  if (!root || !window.Dexie) { return; }
  var CFG = JSON.parse(document.getElementById("offline-config").textContent);
  var S = CFG.strings;
  var SYNCED_KEPT_MS = 24 * 60 * 60 * 1000;  // a synced record stays listed for a day, then goes

  var db = new Dexie("portal-offline");
  db.version(1).stores({ roster: "id, name", queue: "uuid, status, created", meta: "key" });

  var state = { roster: [], queue: [], rosterAt: null, picked: [], editing: null, syncing: false };
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") { node.textContent = attrs[name]; } else if (name === "className") { node.className = attrs[name]; } else { node.setAttribute(name, attrs[name]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }
  function fmt(template, values) {
    return Object.keys(values).reduce(function (text, key) { return text.split("%(" + key + ")s").join(values[key]); }, template);
  }
  function isoDay(date) {
    var local = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
    return local.toISOString().slice(0, 10);
  }
  function today() { return isoDay(new Date()); }
  function inDays(days) { var d = new Date(); d.setDate(d.getDate() + days); return isoDay(d); }
  function uuid() { return window.crypto.randomUUID(); }
  function csrf() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    var field = document.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }
  function touch() { if (window.PortalOffline) { window.PortalOffline.touch(); } }

  // ------------------------------------------------------------------ store
  async function load() {
    var owner = await db.meta.get("owner");
    if (owner && owner.value !== CFG.user) {  // another account's store: never shown to this one
      await db.transaction("rw", db.roster, db.queue, db.meta, async function () {
        await db.roster.clear(); await db.queue.clear(); await db.meta.clear();
      });
    }
    await db.meta.put({ key: "owner", value: CFG.user });
    await db.queue.where("status").equals("synced").filter(function (item) {
      return Date.now() - (item.syncedAt || 0) > SYNCED_KEPT_MS;
    }).delete();
    state.roster = await db.roster.orderBy("name").toArray();
    state.queue = await db.queue.orderBy("created").toArray();
    var at = await db.meta.get("rosterAt");
    state.rosterAt = at ? at.value : null;
  }

  async function refreshRoster() {
    var url = CFG.urls.roster + "?page_size=500";
    var rows = [];
    try {
      while (url) {
        var response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (!response.ok) { if (response.status === 401 || response.status === 403) { showLoginAgain(); } return; }
        var body = await response.json();
        rows = rows.concat(body.results);
        url = body.next;
      }
    } catch (error) { return; }  // no network: keep the last roster
    await db.transaction("rw", db.roster, db.meta, async function () {
      await db.roster.clear();
      await db.roster.bulkPut(rows);
      await db.meta.put({ key: "rosterAt", value: Date.now() });
    });
    touch();
    await load();
    render();
  }

  // ------------------------------------------------------------------ sync
  async function post(url, key, body) {
    var response = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf(), "Idempotency-Key": key },
      body: JSON.stringify(body),
    });
    var data = null;
    try { data = await response.json(); } catch (error) { data = null; }
    return { status: response.status, ok: response.ok, data: data };
  }

  function message(data) {
    if (!data || typeof data !== "object") { return ""; }
    if (typeof data.detail === "string") { return data.detail; }
    return Object.keys(data).map(function (field) {
      var value = data[field];
      var text = Array.isArray(value) ? value.join(" ") : (typeof value === "object" ? message(value) : String(value));
      return field === "non_field_errors" ? text : field + ": " + text;
    }).join("; ");
  }

  function showLoginAgain() {
    var notice = $("offline-notice");
    notice.textContent = S.login_again + " ";
    notice.appendChild(el("a", { href: CFG.urls.login + "?next=" + encodeURIComponent(location.pathname), text: "→" }));
    notice.classList.remove("d-none");
  }

  // "ok", "refused" (the server answered no: on to the next record) or "stop" (no network,
  // session over, server error: the record stays queued and the rest waits).
  async function judge(item, answer) {
    if (answer.status === 401 || answer.status === 403) { showLoginAgain(); return "stop"; }
    if (answer.status >= 500 || answer.status === 0) { return "stop"; }
    item.status = "refused";
    item.message = message(answer.data) || String(answer.status);
    item.errors = answer.data && typeof answer.data === "object" ? answer.data : {};
    await db.queue.put(item);
    touch();
    return "refused";
  }

  async function send(item) {
    try {
      if (!item.serverId) {
        var answer = await post(CFG.urls[item.kind === "visit" ? "visits" : "activities"], item.uuid, item.body);
        if (!answer.ok) { return judge(item, answer); }
        item.serverId = answer.data.id;
        await db.queue.put(item);
      }
      for (var i = 0; i < (item.resources || []).length; i++) {
        var resource = item.resources[i];
        if (resource.serverId) { continue; }
        var linked = await post(CFG.urls.resources, resource.uuid, Object.assign({}, resource.body, { visit: item.serverId }));
        if (!linked.ok) { return judge(item, linked); }
        resource.serverId = linked.data.id;
        await db.queue.put(item);
      }
      item.status = "synced"; item.syncedAt = Date.now(); item.message = ""; item.errors = {};
      await db.queue.put(item);
      touch();
      return "ok";
    } catch (error) {
      return "stop";  // the network went away mid-way: the same keys are sent again later
    }
  }

  async function sync() {
    if (state.syncing) { state.again = true; return; }  // saved while sending: one more round after
    state.syncing = true;
    root.dataset.syncing = "1";
    try {
      var pending = await db.queue.where("status").equals("pending").sortBy("created");
      for (var i = 0; i < pending.length; i++) {
        if ((await send(pending[i])) === "stop") { break; }
      }
    } finally {
      state.syncing = false;
      await load();
      render();
      root.dataset.syncing = "";
    }
    if (state.again) { state.again = false; await sync(); }
  }

  async function refreshAndSync() {
    if (navigator.onLine === false) { render(); return; }
    await sync();
    await refreshRoster();
  }

  // ------------------------------------------------------------------ drawing
  function clientLine(client, dateField, badgeClass, onClick) {
    var item = el("li", { className: "list-group-item d-flex flex-wrap align-items-center gap-2" }, [
      el("span", { className: "me-auto fw-semibold", text: client.name }),
      el("span", { className: "small text-body-secondary", text: [client.village, (client.categories || []).join("、")].filter(Boolean).join(" · ") }),
      dateField ? el("span", { className: "badge " + badgeClass, text: client[dateField] }) : null,
    ]);
    if (onClick && CFG.can_visit) {
      var button = el("button", { type: "button", className: "btn btn-sm btn-outline-primary", text: "+", "aria-label": client.name });
      button.addEventListener("click", function () { pick(client.id); location.hash = "#visit"; });
      item.appendChild(button);
    }
    return item;
  }

  function fill(list, rows, empty) {
    list.replaceChildren.apply(list, rows.length ? rows : [el("li", { className: "list-group-item text-body-secondary small", text: empty })]);
  }

  function renderDay() {
    var now = today(), week = inDays(7);
    var active = state.roster.filter(function (c) { return c.next_visit_due; });
    var overdue = active.filter(function (c) { return c.next_visit_due < now; }).sort(function (a, b) { return a.next_visit_due.localeCompare(b.next_visit_due); });
    var due = active.filter(function (c) { return c.next_visit_due >= now && c.next_visit_due <= week; }).sort(function (a, b) { return a.next_visit_due.localeCompare(b.next_visit_due); });
    var followUps = state.roster.filter(function (c) { return c.follow_up_on && c.follow_up_on <= week; }).sort(function (a, b) { return a.follow_up_on.localeCompare(b.follow_up_on); });
    $("day-overdue-count").textContent = overdue.length;
    fill($("day-overdue"), overdue.map(function (c) { return clientLine(c, "next_visit_due", "text-bg-danger", true); }), S.nobody_overdue);
    fill($("day-due"), due.map(function (c) { return clientLine(c, "next_visit_due", "text-bg-warning", true); }), S.nobody_due);
    fill($("day-follow-ups"), followUps.map(function (c) { return clientLine(c, "follow_up_on", "text-bg-info", true); }), S.no_follow_ups);
  }

  function matches(client, query) {
    return !query || client.name.indexOf(query) >= 0 || (client.village || "").indexOf(query) >= 0;
  }

  function renderClients() {
    var query = $("clients-search").value.trim();
    var rows = state.roster.filter(function (c) { return matches(c, query); });
    $("clients-count").textContent = "(" + state.roster.length + ")";
    fill($("clients-list"), rows.slice(0, 300).map(function (c) { return clientLine(c, "next_visit_due", "text-bg-light border", true); }), S.no_clients);
  }

  function renderQueue() {
    var pending = state.queue.filter(function (i) { return i.status === "pending"; }).length;
    var refused = state.queue.filter(function (i) { return i.status === "refused"; }).length;
    $("offline-pending").textContent = fmt(S.pending, { count: pending });
    $("offline-pending").dataset.count = pending;
    $("offline-refused").textContent = fmt(S.refused_count, { count: refused });
    $("offline-refused").classList.toggle("d-none", !refused);
    try { window.localStorage.setItem("portal-offline-pending", String(pending + refused)); } catch (error) { /* */ }
    var rows = state.queue.slice().reverse().map(function (item) {
      var badge = { pending: ["text-bg-warning", S.waiting], synced: ["text-bg-success", S.synced], refused: ["text-bg-danger", S.refused] }[item.status];
      var li = el("li", { className: "list-group-item queue-item", "data-uuid": item.uuid, "data-status": item.status }, [
        el("div", { className: "d-flex flex-wrap gap-2 align-items-center" }, [
          el("span", { className: "badge text-bg-secondary", text: item.kind === "visit" ? S.visit : S.activity }),
          el("span", { className: "me-auto", text: item.label }),
          el("span", { className: "badge queue-status " + badge[0], text: badge[1] }),
        ]),
      ]);
      if (item.status === "refused") {
        li.appendChild(el("p", { className: "small text-danger mb-1 queue-message", text: item.message }));
        var actions = el("div", { className: "d-flex gap-2" });
        if (!item.serverId) { actions.appendChild(button(S.fix, "btn-primary queue-fix", function () { edit(item); })); }
        actions.appendChild(button(S.resend, "btn-outline-primary queue-resend", function () { resend(item); }));
        actions.appendChild(button(S.discard, "btn-outline-danger queue-discard", function () { discard(item); }));
        li.appendChild(actions);
      }
      return li;
    });
    fill($("queue-list"), rows, S.empty_queue);
  }

  function button(text, className, handler) {
    var node = el("button", { type: "button", className: "btn btn-sm " + className, text: text });
    node.addEventListener("click", handler);
    return node;
  }

  function renderStatus() {
    var online = navigator.onLine !== false;
    $("offline-status").textContent = online ? S.online : S.offline;
    $("offline-status").className = "small mb-1 " + (online ? "text-success" : "text-warning-emphasis fw-semibold");
    root.dataset.online = online ? "1" : "0";
    $("offline-refreshed").textContent = state.rosterAt
      ? fmt(S.refreshed, { when: new Date(state.rosterAt).toLocaleString() }) : S.never_refreshed;
  }

  function renderSection() {
    var section = (location.hash || "").slice(1) || CFG.urls.paths[location.pathname] || "day";
    if (!document.querySelector("[data-section-panel='" + section + "']")) { section = "day"; }
    document.querySelectorAll("[data-section-panel]").forEach(function (panel) {
      panel.classList.toggle("d-none", panel.dataset.sectionPanel !== section);
    });
    document.querySelectorAll("[data-section-link]").forEach(function (link) {
      var on = link.dataset.sectionLink === section;
      link.classList.toggle("active", on);
      if (on) { link.setAttribute("aria-current", "page"); } else { link.removeAttribute("aria-current"); }
    });
    root.dataset.section = section;
  }

  function render() {
    renderStatus();
    renderDay();
    renderClients();
    renderQueue();
    if (CFG.can_visit) { renderPicker(); }
    renderSection();
    root.dataset.ready = "1";
  }

  // ------------------------------------------------------------------ the visit form
  function pick(id) {
    if (state.picked.indexOf(id) < 0) { state.picked.push(id); }
    renderPicker();
  }

  function renderPicker() {
    var byId = {};
    state.roster.forEach(function (c) { byId[c.id] = c; });
    var picked = $("visit-picked");
    picked.replaceChildren.apply(picked, state.picked.map(function (id) {
      var client = byId[id] || { name: "#" + id };
      var chip = el("span", { className: "badge text-bg-primary d-inline-flex align-items-center gap-1 picked-client", "data-id": id }, [
        el("span", { text: client.name })]);
      var remove = el("button", { type: "button", className: "btn-close btn-close-white btn-sm", "aria-label": client.name });
      remove.addEventListener("click", function () { state.picked = state.picked.filter(function (p) { return p !== id; }); renderPicker(); });
      chip.appendChild(remove);
      return chip;
    }));
    var query = $("visit-client-search").value.trim();
    var results = $("visit-client-results");
    var rows = query ? state.roster.filter(function (c) { return matches(c, query) && state.picked.indexOf(c.id) < 0; }).slice(0, 30) : [];
    results.replaceChildren.apply(results, rows.map(function (c) {
      var row = el("button", { type: "button", className: "list-group-item list-group-item-action client-result", "data-id": c.id }, [
        el("span", { className: "fw-semibold", text: c.name }), el("span", { className: "small text-body-secondary ms-2", text: c.village || "" })]);
      row.addEventListener("click", function () { pick(c.id); $("visit-client-search").value = ""; renderPicker(); });
      return row;
    }));
  }

  function addResourceRow(values) {
    var row = $("resource-row").content.firstElementChild.cloneNode(true);
    Object.keys(values || {}).forEach(function (name) { var field = row.querySelector("[data-resource=" + name + "]"); if (field) { field.value = values[name]; } });
    row.querySelector(".resource-remove").addEventListener("click", function () { row.remove(); });
    $("visit-resources").appendChild(row);
  }

  function showErrors(form, errors) {
    form.querySelectorAll("[data-error-for]").forEach(function (node) {
      var value = errors[node.dataset.errorFor];
      node.textContent = value ? (Array.isArray(value) ? value.join(" ") : String(value)) : "";
    });
  }

  function saved() {
    var note = $("offline-saved");
    note.textContent = S.saved;
    note.classList.remove("d-none");
  }

  async function saveVisit(event) {
    event.preventDefault();
    var form = event.target;
    var data = Object.fromEntries(new FormData(form).entries());
    var errors = {};
    if (!state.picked.length) { errors.client = S.pick_client; }
    if (!data.visited_on) { errors.visited_on = S.required; }
    var resources = Array.prototype.map.call(form.querySelectorAll(".resource-row"), function (row) {
      var values = {};
      row.querySelectorAll("[data-resource]").forEach(function (field) { values[field.dataset.resource] = field.value.trim(); });
      if (!values.description || !values.source_name || values.value === "") { errors.client = (errors.client ? errors.client + " " : "") + S.required; }
      return values;
    });
    showErrors(form, errors);
    if (Object.keys(errors).length) { return; }
    var byId = {};
    state.roster.forEach(function (c) { byId[c.id] = c; });
    var created = Date.now();
    var items = state.picked.map(function (id, index) {
      var client = byId[id] || { id: id, name: "#" + id };
      return {
        uuid: uuid(), kind: "visit", status: "pending", created: created + index,
        label: client.name + " · " + data.visited_on,
        body: {
          client: id, visited_on: data.visited_on, kind: data.kind, findings: data.findings, needs: data.needs,
          risk_level: data.risk_level, follow_up_on: data.follow_up_on || null, workers: CFG.staff ? [CFG.staff] : [],
        },
        resources: resources.map(function (values) {
          return { uuid: uuid(), body: Object.assign({ station: client.station, linked_on: data.visited_on, client: id }, values) };
        }),
      };
    });
    await db.transaction("rw", db.queue, async function () {
      if (state.editing) { await db.queue.delete(state.editing); }
      await db.queue.bulkPut(items);
    });
    state.editing = null;
    state.picked = [];
    form.reset();
    $("visit-resources").replaceChildren();
    $("visit-visited_on").value = today();
    saved();
    await afterSave();
  }

  async function saveActivity(event) {
    event.preventDefault();
    var form = event.target;
    var data = Object.fromEntries(new FormData(form).entries());
    var errors = {};
    ["station", "held_on", "title", "participant_count"].forEach(function (name) { if (!data[name]) { errors[name] = S.required; } });
    showErrors(form, errors);
    if (Object.keys(errors).length) { return; }
    var item = {
      uuid: uuid(), kind: "activity", status: "pending", created: Date.now(),
      label: data.title + " · " + data.held_on + " · " + data.participant_count + " " + S.participants,
      body: {
        station: Number(data.station), held_on: data.held_on, title: data.title, kind: data.kind, location: data.location,
        participant_count: Number(data.participant_count), highlight: data.highlight, workers: CFG.staff ? [CFG.staff] : [],
      },
      resources: [],
    };
    await db.transaction("rw", db.queue, async function () {
      if (state.editing) { await db.queue.delete(state.editing); }
      await db.queue.put(item);
    });
    state.editing = null;
    form.reset();
    $("activity-held_on").value = today();
    saved();
    await afterSave();
  }

  async function afterSave() {
    await load();
    render();
    if (navigator.onLine !== false) { sync(); }
  }

  // A refused record opens in its form with the server's messages on the fields; saved again
  // it is a new record (new key: the refused one wrote nothing).
  function edit(item) {
    state.editing = item.uuid;
    var prefix = item.kind === "visit" ? "visit-" : "activity-";
    var form = $(item.kind === "visit" ? "offline-visit-form" : "offline-activity-form");
    Object.keys(item.body).forEach(function (name) {
      var field = $(prefix + name);
      if (field && !Array.isArray(item.body[name])) { field.value = item.body[name] === null ? "" : item.body[name]; }
    });
    if (item.kind === "visit") {
      state.picked = [item.body.client];
      $("visit-resources").replaceChildren();
      (item.resources || []).forEach(function (resource) {
        var values = Object.assign({}, resource.body);
        delete values.station; delete values.linked_on; delete values.client;
        addResourceRow(values);
      });
      renderPicker();
    }
    showErrors(form, item.errors || {});
    location.hash = "#" + item.kind;
  }

  async function resend(item) {
    var oldKey = item.uuid;
    if (!item.serverId) { item.uuid = uuid(); }  // refused: nothing was written under the old key
    (item.resources || []).forEach(function (resource) { if (!resource.serverId) { resource.uuid = uuid(); } });
    item.status = "pending"; item.message = ""; item.errors = {};
    await db.transaction("rw", db.queue, async function () {
      await db.queue.delete(oldKey);
      await db.queue.put(item);
    });
    await load();
    render();
    sync();
  }

  async function discard(item) {
    if (!window.confirm(S.confirm_discard)) { return; }
    if (item.serverId) {  // the visit is on the server; only its unsent resources go
      item.resources = (item.resources || []).filter(function (resource) { return resource.serverId; });
      item.status = "synced"; item.syncedAt = Date.now(); item.message = "";
      await db.queue.put(item);
    } else {
      await db.queue.delete(item.uuid);
    }
    await load();
    render();
  }

  // Sends every record again under its own key, as a phone does when it never got the answer
  // (lost connection): the server replays its first answer and writes nothing more.
  async function resendSynced() {
    var synced = await db.queue.where("status").equals("synced").toArray();
    await db.queue.bulkPut(synced.map(function (item) {
      (item.resources || []).forEach(function (resource) { resource.serverId = null; });
      return Object.assign(item, { status: "pending", serverId: null });
    }));
    await load();
    await sync();
  }

  // ------------------------------------------------------------------ start
  window.PortalOfflineApp = {
    close: function () { db.close(); },
    sync: sync, refresh: refreshAndSync, resendSynced: resendSynced,
  };

  async function start() {
    if (window.PortalOffline) { window.PortalOffline.remember(CFG.wipe_after_days); }
    if (document.documentElement.dataset.offlineWipedStale) {
      var notice = $("offline-notice");
      notice.textContent = fmt(S.wiped, { days: CFG.wipe_after_days });
      notice.classList.remove("d-none");
    }
    if (CFG.can_visit) {
      $("visit-visited_on").value = today();
      $("visit-client-search").addEventListener("input", renderPicker);
      $("visit-add-resource").addEventListener("click", function () { addResourceRow(); });
      $("offline-visit-form").addEventListener("submit", saveVisit);
    }
    if (CFG.can_activity) {
      $("activity-held_on").value = today();
      $("offline-activity-form").addEventListener("submit", saveActivity);
    }
    $("clients-search").addEventListener("input", renderClients);
    $("offline-sync").addEventListener("click", refreshAndSync);
    window.addEventListener("hashchange", renderSection);
    window.addEventListener("online", refreshAndSync);
    window.addEventListener("offline", renderStatus);
    await load();
    render();
    await refreshAndSync();
    window.setInterval(refreshAndSync, Math.max(1, CFG.refresh_minutes) * 60 * 1000);
  }

  start();
})();
