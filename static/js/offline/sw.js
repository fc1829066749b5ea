/* The portal's service worker (issue 17), imported by /sw.js after it set self.PORTAL_OFFLINE.
 *
 * Workbox does the caching (workbox-sw loads its modules from our own static files):
 * - the offline app page is fetched network-first and kept, so that it opens with no network;
 * - the static files it needs are fetched at install and served stale-while-revalidate;
 * - any other page goes to the network; with no network, "my day", the client list and the
 *   visit and activity forms open the offline app, and every other page answers with the
 *   "this page needs the network" page instead of the browser's error page.
 * API calls are never cached here: the roster and the queue live in IndexedDB (app.js).
 */
/* global workbox */
const CONFIG = self.PORTAL_OFFLINE;
importScripts(CONFIG.workbox);
workbox.setConfig({ modulePathCb: (name) => CONFIG.modules[name], debug: false });

const PAGES = "portal-offline-pages";
const STATIC = "portal-offline-static";
// Only a page that really came (200, our origin) is kept: never a redirect to the login page.
const onlyOk = { cacheWillUpdate: async ({ response }) => (response.status === 200 && response.type === "basic" ? response : null) };
const pages = new workbox.strategies.NetworkFirst({ cacheName: PAGES, networkTimeoutSeconds: 10, plugins: [onlyOk] });
// ignoreSearch: bootstrap-icons' CSS asks for its font with a ?hash the cached URL has not
const assets = new workbox.strategies.StaleWhileRevalidate({ cacheName: STATIC, plugins: [onlyOk], matchOptions: { ignoreSearch: true } });

workbox.core.clientsClaim();

// Fetch the two pages and the static files into the cache while installing: the app opens
// offline the first time the network is gone, even if the worker never browsed them. A fetch
// that fails (a slow or lost network) does not stop the install: what it missed is kept the
// next time it is opened online.
self.addEventListener("install", (event) => {
  self.skipWaiting();
  const warm = (strategy, urls) => urls.map((url) => strategy.handleAll({ event, request: new Request(url) })[1]);
  event.waitUntil(Promise.allSettled([...warm(pages, [CONFIG.app, CONFIG.network]), ...warm(assets, CONFIG.precache)]));
});

// A new version drops the caches of the old one (and nothing else).
self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((names) => Promise.all(
    names.filter((name) => name.startsWith("portal-offline-") && ![PAGES, STATIC].includes(name))
      .map((name) => caches.delete(name)))));
});

workbox.routing.registerRoute(({ url, request }) => request.mode === "navigate" && url.pathname === CONFIG.app, pages);
workbox.routing.registerRoute(({ url, request }) => request.mode === "navigate" && url.pathname === CONFIG.network, pages);
workbox.routing.registerRoute(({ url }) => url.origin === self.location.origin && url.pathname.startsWith(CONFIG.static_prefix), assets);
workbox.routing.setDefaultHandler(new workbox.strategies.NetworkOnly());

workbox.routing.setCatchHandler(async ({ request, url }) => {
  if (request.mode !== "navigate") return Response.error();
  const fallback = CONFIG.app_paths.includes(url.pathname) ? CONFIG.app : CONFIG.network;
  // ignoreVary: the page was kept for a request with other headers (Django answers "Vary: Cookie, Accept-Language")
  const cached = await caches.match(fallback, { cacheName: PAGES, ignoreVary: true });
  return cached || Response.error();
});

// The page asks for a wipe at logout: every cache of the portal goes.
self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "portal-offline-wipe") {
    event.waitUntil(caches.keys().then((names) => Promise.all(
      names.filter((name) => name.startsWith("portal-offline-")).map((name) => caches.delete(name)))));
  }
});
