/* On every page (base.html): installs the offline app's service worker for a signed-in
 * worker, and wipes the phone's offline store (IndexedDB + the service worker's caches) at
 * logout and after the configured number of days without reaching the portal (issue 17,
 * docs/security.md "On the phone"). Loaded as a file: the CSP allows no inline script. */
(function () {
  "use strict";
  var script = document.getElementById("offline-boot");
  if (!script) { return; }
  var DB_NAME = "portal-offline";
  var CONTACT = "portal-offline-contact";  // when the phone last reached the portal (ms), no personal data
  var WIPE_DAYS = "portal-offline-wipe-days";  // the server's setting, as last read by the app page
  var DAY = 24 * 60 * 60 * 1000;

  function deleteDatabase() {
    try { window.localStorage.removeItem("portal-offline-pending"); } catch (error) { /* */ }
    return new Promise(function (resolve) {
      if (!window.indexedDB) { resolve(); return; }
      var request = window.indexedDB.deleteDatabase(DB_NAME);
      request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
    });
  }

  function deleteCaches() {
    if (!window.caches) { return Promise.resolve(); }
    return window.caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf("portal-offline-") === 0; })
        .map(function (name) { return window.caches.delete(name); }));
    });
  }

  function unregister() {
    if (!("serviceWorker" in navigator)) { return Promise.resolve(); }
    return navigator.serviceWorker.getRegistrations().then(function (registrations) {
      return Promise.all(registrations.map(function (registration) { return registration.unregister(); }));
    });
  }

  // Everything the offline app kept on this phone goes: the store, the caches, the worker.
  function wipe() {
    document.documentElement.dataset.offlineWiped = "running";
    try { window.localStorage.removeItem(CONTACT); } catch (error) { /* private mode */ }
    if (window.PortalOfflineApp) { window.PortalOfflineApp.close(); }
    return Promise.all([deleteDatabase(), deleteCaches(), unregister()]).catch(function () { return null; })
      .then(function () { document.documentElement.dataset.offlineWiped = "done"; });
  }

  function staleDays() {
    try {
      var contact = Number(window.localStorage.getItem(CONTACT) || 0);
      var days = Number(window.localStorage.getItem(WIPE_DAYS) || 0);
      if (!contact || !days) { return 0; }
      return (Date.now() - contact) > days * DAY ? days : 0;
    } catch (error) { return 0; }
  }

  window.PortalOffline = {
    wipe: wipe, staleDays: staleDays,
    touch: function () { try { window.localStorage.setItem(CONTACT, String(Date.now())); } catch (error) { /* */ } },
    remember: function (days) { try { window.localStorage.setItem(WIPE_DAYS, String(days)); } catch (error) { /* */ } },
  };

  // Logout: wipe first, then send the form (a second submit is the real one).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-offline-wipe") || form.dataset.offlineWiping) { return; }
    event.preventDefault();
    var pending = 0;
    try { pending = Number(window.localStorage.getItem("portal-offline-pending") || 0); } catch (error) { /* */ }
    if (pending && !window.confirm(script.dataset.pendingWarning.replace("%(count)s", pending))) { return; }
    form.dataset.offlineWiping = "1";
    wipe().then(function () { form.submit(); });
  });

  if (staleDays()) { document.documentElement.dataset.offlineWipedStale = "1"; wipe(); return; }
  if (script.dataset.offline === "1" && "serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(script.dataset.sw, { scope: "/" }).catch(function () { return null; });
  }
})();
