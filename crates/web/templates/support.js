// On /lapor: as the category and the pin change, load the open reports of that category
// near the pin (a list rendered by the server, /lapor/serupa?bagian=1) into the form, so
// the citizen can support one instead of filing it again. Without this script the link
// beside the list opens the same search as a page.
(function () {
  'use strict';
  var block = document.querySelector('[data-serupa]');
  var list = document.getElementById('serupa-daftar');
  var link = document.getElementById('serupa-cari');
  var form = block && block.closest('form');
  if (!form || !list || !window.fetch) { return; }
  // By name, whatever control holds it (a select, a group of radio buttons, a text field).
  function value(name) {
    var field = form.elements[name];
    return field && typeof field.value === 'string' ? field.value.trim() : '';
  }
  var path = block.getAttribute('data-serupa');
  var lang = block.getAttribute('data-lang') || 'id';
  var asked = '';
  var timer = null;
  var running = null;

  function query() {
    var c = value('category');
    var a = value('lat');
    var o = value('lon');
    var q = 'lang=' + encodeURIComponent(lang);
    if (c) { q += '&kategori=' + encodeURIComponent(c); }
    if (a) { q += '&lat=' + encodeURIComponent(a); }
    if (o) { q += '&lon=' + encodeURIComponent(o); }
    return { ready: !!(c && a && o), q: q };
  }

  function load() {
    timer = null;
    var now = query();
    if (link) { link.href = path + '?' + now.q; }
    if (!now.ready || now.q === asked) { return; }
    asked = now.q;
    if (running && running.abort) { running.abort(); }
    running = window.AbortController ? new AbortController() : null;
    fetch(path + '?' + now.q + '&bagian=1', {
      credentials: 'same-origin',
      headers: { 'Accept': 'text/html' },
      signal: running ? running.signal : undefined
    }).then(function (r) {
      if (!r.ok) { throw new Error('status ' + r.status); }
      return r.text();
    }).then(function (html) {
      // The server's own escaped rendering, from this origin.
      if (query().q === now.q) { list.innerHTML = html; }
    }).catch(function () {
      // Asked again on the next change; the link still opens the page.
      if (asked === now.q) { asked = ''; }
    });
  }

  function soon() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(load, 400);
  }

  form.addEventListener('change', soon);
  form.addEventListener('input', soon);
  // The map fills the fields without events: look at them now and then.
  setInterval(function () { if (!timer && query().q !== asked) { soon(); } }, 800);
  soon();
}());
