// Service worker: after one visit over http(s) the whole site works offline. The build writes
// this file to the site root (a worker only controls pages at or below its own folder) with
// the version and file list filled in; a new build means a new cache, and old ones are dropped.
'use strict';
var VERSION = '__KENSA_VERSION__';
var FILES = __KENSA_FILES__;
var PREFIX = 'kensa:' + self.registration.scope + ':';
var CACHE = PREFIX + VERSION;

self.addEventListener('install', function (e) {
  e.waitUntil(caches.open(CACHE).then(function (c) {
    // One file that cannot be fetched must not leave the rest of the site uncached.
    return Promise.all(FILES.map(function (f) { return c.add(f).catch(function () {}); }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.map(function (k) {
      return k.indexOf(PREFIX) === 0 && k !== CACHE ? caches.delete(k) : null;
    }));
  }).then(function () { return self.clients.claim(); }));
});

// Cache first for this site's own files; anything fetched later is kept for next time.
self.addEventListener('fetch', function (e) {
  var req = e.request;
  var url = new URL(req.url);
  // The site ZIP is a download, not part of the offline site: never keep a second copy of it.
  if (req.method !== 'GET' || url.origin !== self.location.origin || /\.zip$/.test(url.pathname)) return;
  url.hash = '';
  url.search = '';
  if (url.pathname.slice(-1) === '/') url.pathname += 'index.html';
  e.respondWith(caches.open(CACHE).then(function (c) {
    return c.match(url.href).then(function (hit) {
      return hit || fetch(req).then(function (res) {
        if (res.ok && res.type === 'basic') c.put(url.href, res.clone());
        return res;
      }).catch(function (err) {
        if (req.mode === 'navigate') {
          return c.match(new URL('404.html', self.registration.scope).href).then(function (r) { return r || Promise.reject(err); });
        }
        throw err;
      });
    });
  }));
});
