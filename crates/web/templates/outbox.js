// aduan's outbox. A report written while the phone has no signal is kept on the phone
// (IndexedDB) and sent once it is online again; the citizen is told which happened. The same
// file runs in the citizen's pages (/lapor, /laporan-saya) and as the service worker
// (/sw.js), which sends what is kept when the signal returns even if no page is open, and
// shows the Web Push notifications the citizen asked for (push.js).
(function (scope) {
  'use strict';
  var DB = 'aduan-outbox';
  var STORE = 'reports';
  var SYNC_TAG = 'aduan-outbox';
  if (typeof scope.document === 'undefined' && scope.registration) {
    // Web Push (see push.js): show what arrives, with the ticket and state only; a tap opens
    // the report's page, on this site only.
    var here = function (url) {
      var target = new URL(typeof url === 'string' ? url : '/laporan-saya', scope.location.origin);
      return target.origin === scope.location.origin ? target.href : scope.location.origin + '/laporan-saya';
    };
    scope.addEventListener('push', function (e) {
      var data = {};
      try { data = e.data ? e.data.json() : {}; } catch (ignored) { data = {}; }
      e.waitUntil(scope.registration.showNotification(
        typeof data.title === 'string' ? data.title : 'aduan', {
          body: typeof data.body === 'string' ? data.body : '',
          icon: '/aset/ikon/192.png',
          tag: typeof data.tag === 'string' ? data.tag : undefined,
          data: { url: here(data.url) }
        }));
    });
    scope.addEventListener('notificationclick', function (e) {
      e.notification.close();
      var url = here(e.notification.data && e.notification.data.url);
      e.waitUntil(scope.clients.matchAll({ type: 'window', includeUncontrolled: true })
        .then(function (pages) {
          for (var i = 0; i < pages.length; i++) {
            if (pages[i].url === url && pages[i].focus) { return pages[i].focus(); }
          }
          return scope.clients.openWindow(url);
        }));
    });
  }
  if (!scope.indexedDB || !scope.fetch || !scope.FormData || !scope.Promise) { return; }

  function database() {
    return new Promise(function (ok, fail) {
      var opening = scope.indexedDB.open(DB, 1);
      opening.onupgradeneeded = function () {
        opening.result.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true });
      };
      opening.onsuccess = function () { ok(opening.result); };
      opening.onerror = function () { fail(opening.error); };
    });
  }

  // Run `work` on the store in one transaction; resolves to the result of its request.
  function inStore(mode, work) {
    return database().then(function (db) {
      return new Promise(function (ok, fail) {
        var t = db.transaction(STORE, mode);
        var asked = work(t.objectStore(STORE));
        t.oncomplete = function () { db.close(); ok(asked ? asked.result : undefined); };
        t.onerror = t.onabort = function () { db.close(); fail(t.error); };
      });
    });
  }
  function kept() { return inStore('readonly', function (s) { return s.getAll(); }); }
  function keep(item) { return inStore('readwrite', function (s) { return s.add(item); }); }
  function update(item) { return inStore('readwrite', function (s) { return s.put(item); }); }
  function drop(id) { return inStore('readwrite', function (s) { return s.delete(id); }); }

  // A new name for a filling of the form (the server files one report per name).
  function freshSubmission() {
    var raw = new Uint8Array(16);
    scope.crypto.getRandomValues(raw);
    return scope.btoa(String.fromCharCode.apply(null, raw))
      .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  // Post one kept report with this session's CSRF value. Resolves to its ticket, or to null
  // when there is still no connection (kept for later); rejects with the status when the
  // server refused it (the form needs fixing, or the citizen is signed out).
  function send(item, csrf) {
    var body = new scope.FormData();
    item.fields.forEach(function (f) {
      if (f.length > 2) { body.append(f[0], f[1], f[2]); } else { body.append(f[0], f[1]); }
    });
    body.append('csrf', csrf);
    return scope.fetch(item.action, { method: 'POST', body: body, credentials: 'same-origin' })
      .then(function (r) {
        var filed = /^\/laporan\/([^/?#]+)$/.exec(new URL(r.url).pathname);
        if (r.ok && filed) { return decodeURIComponent(filed[1]); }
        throw r.status;
      }, function () { return null; });
  }

  // Send every kept report not yet refused, one after another; `told(what, detail)` hears
  // of each one sent or refused. One run at a time.
  var running = null;
  function sendKept(csrf, told) {
    if (running) { return running; }
    function done() { running = null; }
    running = kept().then(function (items) {
      return items.filter(function (item) { return !item.refused; })
        .reduce(function (before, item) {
          return before.then(function () {
            return send(item, csrf).then(function (ticket) {
              if (ticket) { return drop(item.id).then(function () { told('sent', ticket); }); }
            }, function (status) {
              item.refused = status || 400;
              return update(item).then(function () { told('refused', item); });
            });
          });
        }, Promise.resolve());
    }).then(done, done);
    return running;
  }

  if (typeof scope.document === 'undefined') {
    // The service worker: when the signal is back, send with the CSRF value of the session
    // the browser still has (read from the form page; signed out, nothing is sent).
    // Tell the open pages what was sent or refused, for them to tell the citizen.
    var tellPages = function (what, detail) {
      return scope.clients.matchAll({ type: 'window' }).then(function (pages) {
        pages.forEach(function (page) { page.postMessage({ outbox: what, detail: detail }); });
      });
    };
    scope.addEventListener('install', function () { scope.skipWaiting(); });
    scope.addEventListener('activate', function (e) { e.waitUntil(scope.clients.claim()); });
    scope.addEventListener('sync', function (e) {
      if (e.tag !== SYNC_TAG) { return; }
      e.waitUntil(scope.fetch('/lapor', { credentials: 'same-origin' })
        .then(function (r) { return r.text(); })
        .then(function (html) {
          var csrf = /name="csrf" value="([^"]+)"/.exec(html);
          return csrf ? sendKept(csrf[1], tellPages) : null;
        }));
    });
    return;
  }

  var status = scope.document.getElementById('outbox-status');
  var form = scope.document.querySelector('form[data-outbox]');
  if (!status) { return; }
  var csrfField = scope.document.querySelector('input[name="csrf"]');
  if (!csrfField) { return; }

  function say(text, ticket) {
    status.textContent = text;
    if (ticket) {
      var link = scope.document.createElement('a');
      link.href = '/laporan/' + encodeURIComponent(ticket);
      link.textContent = ticket;
      status.appendChild(scope.document.createTextNode(' '));
      status.appendChild(link);
    }
    status.className = 'notice';
    status.hidden = false;
    if (status.scrollIntoView) { status.scrollIntoView({ block: 'center' }); }
  }

  function told(what, detail) {
    if (what === 'sent') { say(status.dataset.sent, detail); }
    if (what === 'refused') { restore(detail); }
  }

  // A kept report the server refused goes back into the form, to be checked and sent again.
  function restore(item) {
    if (!form || form.dataset.restored) { say(status.dataset.refusedElsewhere); return; }
    form.dataset.restored = '1';
    var photos = scope.DataTransfer ? new scope.DataTransfer() : null;
    item.fields.forEach(function (f) {
      var field = form.elements[f[0]];
      if (!field || f[0] === 'submission') { return; }
      if (field.type === 'file') {
        if (photos) { photos.items.add(new scope.File([f[1]], f[2] || 'foto', { type: f[1].type })); }
      } else {
        field.value = f[1];
      }
    });
    if (photos && photos.files.length && form.elements.photo) { form.elements.photo.files = photos.files; }
    drop(item.id).then(function () { say(status.dataset.refused); });
  }

  function sendNow() {
    if (scope.navigator.onLine === false) { return; }
    sendKept(csrfField.value, told).then(showWaiting);
  }

  function showWaiting() {
    return kept().then(function (items) {
      var refused = items.filter(function (item) { return item.refused; });
      if (refused.length) { restore(refused[0]); return; }
      if (items.length && scope.navigator.onLine === false) {
        say(status.dataset.waiting.replace('{n}', String(items.length)));
      }
    });
  }

  if (form) {
    form.addEventListener('submit', function (e) {
      if (scope.navigator.onLine !== false) { return; }
      e.preventDefault();
      var fields = [];
      new scope.FormData(form).forEach(function (value, name) {
        if (name === 'csrf') { return; }
        if (name === 'submission') { value = freshSubmission(); }
        if (typeof value === 'string') { fields.push([name, value]); } else if (value.size > 0) {
          fields.push([name, value, value.name]);
        }
      });
      keep({ action: form.action, fields: fields, at: Date.now() }).then(function () {
        form.reset();
        say(status.dataset.kept);
        if (scope.navigator.serviceWorker) {
          scope.navigator.serviceWorker.ready.then(function (sw) {
            return sw.sync && sw.sync.register(SYNC_TAG);
          }).catch(function () {});
        }
      }, function () { say(status.dataset.notKept); });
    });
  }
  if (scope.navigator.serviceWorker) {
    scope.navigator.serviceWorker.register('/sw.js').catch(function () {});
    scope.navigator.serviceWorker.addEventListener('message', function (e) {
      if (e.data && e.data.outbox) { told(e.data.outbox, e.data.detail); }
    });
  }
  scope.addEventListener('online', sendNow);
  showWaiting().then(sendNow);
})(self);
