// aduan's notification button (/laporan-saya): "Kabari saya di perangkat ini" subscribes this
// browser to Web Push with the deployment's VAPID key, and posts the subscription with the
// session's CSRF value; "Matikan pemberitahuan" forgets it. The service worker (/sw.js) shows
// what arrives. Without a PushManager, or with push off on the server, the button stays
// hidden; without JavaScript it is never shown.
(function () {
  'use strict';
  var box = document.getElementById('push');
  var nav = window.navigator;
  if (!box || !nav.serviceWorker || !window.PushManager || !window.Notification ||
      !window.fetch || !window.URLSearchParams || !window.Promise) { return; }
  var button = document.getElementById('push-toggle');
  var status = document.getElementById('push-status');
  var d = box.dataset;
  var lang = d.lang === 'en' ? '?lang=en' : '';
  var key = null;
  var registration = null;
  var current = null;

  function say(text) { status.textContent = text || ''; status.hidden = !text; }

  function show(subscription) {
    current = subscription;
    button.textContent = subscription ? d.disable : d.enable;
    box.hidden = false;
  }

  function base64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var text = '';
    for (var i = 0; i < bytes.length; i++) { text += String.fromCharCode(bytes[i]); }
    return window.btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function bytes(text) {
    var padded = text.replace(/-/g, '+').replace(/_/g, '/');
    while (padded.length % 4) { padded += '='; }
    var raw = window.atob(padded);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }

  // Post the subscription to `path`; rejects with the server's own words when it refuses.
  function post(path, subscription) {
    var json = subscription.toJSON();
    var body = new URLSearchParams();
    body.append('endpoint', json.endpoint || '');
    body.append('p256dh', (json.keys && json.keys.p256dh) || '');
    body.append('auth', (json.keys && json.keys.auth) || '');
    body.append('csrf', d.csrf);
    return window.fetch(path + lang, { method: 'POST', body: body, credentials: 'same-origin' })
      .then(function (r) {
        if (r.ok) { return null; }
        return r.text().then(function (text) {
          var told = /^text\/plain/.test(r.headers.get('content-type') || '') ? text : '';
          throw { told: told || d.failed };
        });
      });
  }

  function failed(e) { say(e && e.told ? e.told : d.failed); }

  function enable() {
    button.disabled = true;
    var asked = window.Notification.permission === 'granted' ? Promise.resolve('granted')
      : Promise.resolve(window.Notification.requestPermission());
    asked.then(function (permission) {
      if (permission !== 'granted') { say(d.denied); return null; }
      return registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: bytes(key)
      }).then(function (subscription) {
        return post('/push/langganan', subscription).then(function () {
          show(subscription);
          say(d.on);
        }, function (e) {
          // Not kept on the server: not kept in the browser either.
          return subscription.unsubscribe().then(function () { throw e; }, function () { throw e; });
        });
      });
    }).catch(failed).then(function () { button.disabled = false; });
  }

  function disable() {
    button.disabled = true;
    var subscription = current;
    post('/push/berhenti', subscription)
      .then(function () { return subscription.unsubscribe(); })
      .then(function () { show(null); say(d.off); })
      .catch(failed)
      .then(function () { button.disabled = false; });
  }

  button.addEventListener('click', function () { if (current) { disable(); } else { enable(); } });

  window.fetch('/push/kunci', { credentials: 'same-origin' })
    .then(function (r) { if (!r.ok) { throw null; } return r.json(); })
    .then(function (body) {
      key = body.key;
      return nav.serviceWorker.register('/sw.js').then(function () { return nav.serviceWorker.ready; });
    })
    .then(function (ready) {
      registration = ready;
      return ready.pushManager.getSubscription();
    })
    .then(function (subscription) {
      var made = subscription && subscription.options && subscription.options.applicationServerKey;
      if (subscription && made && base64url(made) !== key) {
        // Made with an earlier key (the deployment's identity key was rotated): of no use.
        return subscription.unsubscribe().then(function () { show(null); });
      }
      show(subscription);
      // Already subscribed: tell the server again, in case it forgot this browser, or the
      // browser now belongs to the account signed in.
      if (subscription) { return post('/push/langganan', subscription).catch(function () {}); }
      return null;
    })
    .catch(function () {});
})();
