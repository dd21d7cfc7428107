// aduan's own slippy map: no library, no build step. Street tiles from the tile server the
// city configured (none: the region boundaries alone), the boundaries drawn over them, pan
// (drag, touch, arrow keys), zoom (buttons, wheel, pinch, + and -), and either
//  - a pin placed by a tap and dragged, filling the form's lat/lon fields and naming the
//    kelurahan as it resolves (`data-mode="pick"`, on /lapor), or
//  - the reports of a list as pins with a popup each (`data-mode="list"`, on /petugas/peta).
// Without JavaScript the page shows what this enhances: the kelurahan list, the lat/lon
// fields, the list of reports.
(function () {
  'use strict';
  var TILE = 256;
  var MIN_ZOOM = 9;
  var MAX_ZOOM = 19;
  var TAP_SLOP = 8;

  function clamp(v, lo, hi) { return Math.max(lo, Math.min(hi, v)); }
  function worldSize(z) { return TILE * Math.pow(2, z); }
  // Web Mercator: degrees to world pixels at zoom z, and back.
  function project(lon, lat, z) {
    var s = worldSize(z);
    var sin = clamp(Math.sin(lat * Math.PI / 180), -0.9999, 0.9999);
    return [(lon + 180) / 360 * s, (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * s];
  }
  function unproject(x, y, z) {
    var s = worldSize(z);
    var n = Math.PI - 2 * Math.PI * y / s;
    return [x / s * 360 - 180, 180 / Math.PI * Math.atan(0.5 * (Math.exp(n) - Math.exp(-n)))];
  }
  function el(tag, cls, parent) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (parent) { parent.appendChild(e); }
    return e;
  }
  function number(text) {
    var v = parseFloat(String(text || '').replace(',', '.'));
    return isFinite(v) ? v : null;
  }

  function SlippyMap(root) {
    var d = root.dataset;
    this.root = root;
    this.d = d;
    this.tiles = d.tiles || '';
    this.z = 12;
    this.cx = 0;
    this.cy = 0;
    this.regions = [];
    this.chosen = null;
    this.pin = null;
    this.cache = {};
    this.pointers = {};
    this.build();
  }

  SlippyMap.prototype.build = function () {
    var self = this;
    var root = this.root;
    root.hidden = false;
    var view = this.view = el('div', 'peta-view', root);
    view.tabIndex = 0;
    view.setAttribute('role', 'application');
    view.setAttribute('aria-label', this.d.label || '');
    view.setAttribute('aria-describedby', root.id + '-help');
    this.tileLayer = el('div', 'peta-tiles', view);
    this.canvas = el('canvas', 'peta-lines', view);
    this.canvas.setAttribute('aria-hidden', 'true');
    this.marks = el('div', 'peta-marks', view);
    var zoom = el('div', 'peta-zoom', view);
    this.zoomIn = this.button(zoom, '+', this.d.zoomIn, function () { self.zoomBy(1); });
    this.zoomOut = this.button(zoom, '\u2212', this.d.zoomOut, function () { self.zoomBy(-1); });
    if (this.tiles && this.d.attribution) {
      el('div', 'peta-attr', view).textContent = this.d.attribution;
    }
    var help = el('p', 'hint peta-help', root);
    help.id = root.id + '-help';
    help.textContent = this.d.help || '';
    this.status = el('p', 'peta-status', root);
    this.status.setAttribute('role', 'status');
    this.status.setAttribute('aria-live', 'polite');
    view.addEventListener('pointerdown', function (e) { self.down(e); });
    view.addEventListener('pointermove', function (e) { self.move(e); });
    view.addEventListener('pointerup', function (e) { self.up(e); });
    view.addEventListener('pointercancel', function (e) { self.up(e, true); });
    view.addEventListener('wheel', function (e) { self.wheel(e); }, { passive: false });
    view.addEventListener('keydown', function (e) { self.key(e); });
    window.addEventListener('resize', function () { self.render(); });
  };

  SlippyMap.prototype.button = function (parent, text, label, action) {
    var b = el('button', 'peta-btn', parent);
    b.type = 'button';
    b.textContent = text;
    b.setAttribute('aria-label', label || text);
    b.addEventListener('click', action);
    b.addEventListener('pointerdown', function (e) { e.stopPropagation(); });
    return b;
  };

  SlippyMap.prototype.size = function () {
    return [this.view.clientWidth || 1, this.view.clientHeight || 1];
  };

  // The view's top left corner in world pixels.
  SlippyMap.prototype.origin = function () {
    var s = this.size();
    return [this.cx - s[0] / 2, this.cy - s[1] / 2];
  };

  SlippyMap.prototype.centerOn = function (lon, lat, z) {
    this.z = clamp(Math.round(z), MIN_ZOOM, MAX_ZOOM);
    var p = project(lon, lat, this.z);
    this.cx = p[0];
    this.cy = p[1];
    this.render();
  };

  // The largest zoom at which the box [w, s, e, n] fits the view.
  SlippyMap.prototype.fit = function (b) {
    if (!b || !(b[2] > b[0]) || !(b[3] > b[1])) { return; }
    var s = this.size();
    var z = MAX_ZOOM;
    while (z > MIN_ZOOM) {
      var a = project(b[0], b[3], z);
      var c = project(b[2], b[1], z);
      if (c[0] - a[0] <= s[0] - 16 && c[1] - a[1] <= s[1] - 16) { break; }
      z -= 1;
    }
    this.centerOn((b[0] + b[2]) / 2, (b[1] + b[3]) / 2, z);
  };

  SlippyMap.prototype.zoomBy = function (dz, at) {
    var z = clamp(this.z + dz, MIN_ZOOM, MAX_ZOOM);
    if (z === this.z) { return; }
    var s = this.size();
    var px = at ? at[0] : s[0] / 2;
    var py = at ? at[1] : s[1] / 2;
    var o = this.origin();
    var f = Math.pow(2, z - this.z);
    this.cx = (o[0] + px) * f - px + s[0] / 2;
    this.cy = (o[1] + py) * f - py + s[1] / 2;
    this.z = z;
    this.render();
  };

  SlippyMap.prototype.panBy = function (dx, dy) {
    this.cx -= dx;
    this.cy = clamp(this.cy - dy, 0, worldSize(this.z));
    this.render();
  };

  // Where a pointer event is, in the view's pixels.
  SlippyMap.prototype.at = function (e) {
    var r = this.view.getBoundingClientRect();
    // From the inside of its border, where the tiles and lines are drawn from.
    return [e.clientX - r.left - this.view.clientLeft, e.clientY - r.top - this.view.clientTop];
  };

  SlippyMap.prototype.lonLatAt = function (p) {
    var o = this.origin();
    return unproject(o[0] + p[0], o[1] + p[1], this.z);
  };

  SlippyMap.prototype.down = function (e) {
    if (e.button !== undefined && e.button > 0) { return; }
    var p = this.at(e);
    this.pointers[e.pointerId] = { start: p, last: p, moved: false };
    var ids = Object.keys(this.pointers);
    this.dragPin = ids.length === 1 && this.pin && e.target === this.pinEl;
    if (this.dragPin) {
      // Where the pin's point is from the finger, kept while it drags.
      var o = this.origin();
      var at = project(this.pin[0], this.pin[1], this.z);
      this.grab = [at[0] - o[0] - p[0], at[1] - o[1] - p[1]];
    }
    if (ids.length > 1) { this.multi = true; this.dragPin = false; }
    if (ids.length === 2) {
      var a = this.pointers[ids[0]].last;
      var b = this.pointers[ids[1]].last;
      this.pinch = Math.hypot(a[0] - b[0], a[1] - b[1]);
    }
  };

  SlippyMap.prototype.move = function (e) {
    var ptr = this.pointers[e.pointerId];
    if (!ptr) { return; }
    var p = this.at(e);
    var dx = p[0] - ptr.last[0];
    var dy = p[1] - ptr.last[1];
    if (!ptr.moved && Math.hypot(p[0] - ptr.start[0], p[1] - ptr.start[1]) > TAP_SLOP) {
      ptr.moved = true;
      // Captured only once it is a drag, so that a tap still clicks what it lands on.
      try { this.view.setPointerCapture(e.pointerId); } catch (err) { /* gone */ }
    }
    ptr.last = p;
    var ids = Object.keys(this.pointers);
    if (ids.length === 2) {
      var a = this.pointers[ids[0]].last;
      var b = this.pointers[ids[1]].last;
      var dist = Math.hypot(a[0] - b[0], a[1] - b[1]);
      var mid = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
      if (this.pinch && dist / this.pinch > 1.6) { this.zoomBy(1, mid); this.pinch = dist; }
      if (this.pinch && dist / this.pinch < 0.62) { this.zoomBy(-1, mid); this.pinch = dist; }
      return;
    }
    if (!ptr.moved) { return; }
    e.preventDefault();
    if (this.dragPin) {
      this.setPin(this.lonLatAt([p[0] + this.grab[0], p[1] + this.grab[1]]), false);
    } else {
      this.panBy(dx, dy);
    }
  };

  SlippyMap.prototype.up = function (e, cancelled) {
    var ptr = this.pointers[e.pointerId];
    if (!ptr) { return; }
    delete this.pointers[e.pointerId];
    if (Object.keys(this.pointers).length < 2) { this.pinch = null; }
    if (cancelled) { this.multi = Object.keys(this.pointers).length > 0; return; }
    if (this.dragPin) {
      this.dragPin = false;
      if (ptr.moved) {
        var q = this.at(e);
        this.setPin(this.lonLatAt([q[0] + this.grab[0], q[1] + this.grab[1]]), true);
      }
      return;
    }
    var last = Object.keys(this.pointers).length === 0;
    if (last && !ptr.moved && !this.multi && this.d.mode === 'pick') {
      this.setPin(this.lonLatAt(this.at(e)), true);
    }
    if (last) { this.multi = false; }
  };

  SlippyMap.prototype.wheel = function (e) {
    e.preventDefault();
    this.wheelSum = (this.wheelSum || 0) + e.deltaY;
    if (Math.abs(this.wheelSum) >= 60) {
      this.zoomBy(this.wheelSum < 0 ? 1 : -1, this.at(e));
      this.wheelSum = 0;
    }
  };

  SlippyMap.prototype.key = function (e) {
    var step = 80;
    var moves = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (moves[e.key]) {
      this.panBy(moves[e.key][0], moves[e.key][1]);
    } else if (e.key === '+' || e.key === '=') {
      this.zoomBy(1);
    } else if (e.key === '-' || e.key === '_') {
      this.zoomBy(-1);
    } else if ((e.key === 'Enter' || e.key === ' ') && this.d.mode === 'pick' && e.target === this.view) {
      this.setPin(unproject(this.cx, this.cy, this.z), true);
    } else {
      return;
    }
    e.preventDefault();
  };

  // The pin at [lon, lat]; `done`: where it stays (a tap, the end of a drag): resolve it.
  SlippyMap.prototype.setPin = function (ll, done) {
    this.pin = ll;
    if (!this.pinEl) {
      this.pinEl = el('div', 'peta-pin', this.marks);
      this.pinEl.setAttribute('aria-hidden', 'true');
    }
    if (this.onPin) { this.onPin(ll, done); }
    this.render();
  };

  SlippyMap.prototype.render = function () {
    var self = this;
    if (this.frame) { return; }
    var raf = window.requestAnimationFrame || function (f) { return setTimeout(f, 16); };
    this.frame = raf(function () { self.frame = null; self.draw(); });
  };

  SlippyMap.prototype.draw = function () {
    var s = this.size();
    var o = this.origin();
    this.drawTiles(s, o);
    this.drawLines(s, o);
    var self = this;
    var place = function (node, ll) {
      var p = project(ll[0], ll[1], self.z);
      node.style.transform = 'translate(' + Math.round(p[0] - o[0]) + 'px,' + Math.round(p[1] - o[1]) + 'px)';
    };
    if (this.pinEl && this.pin) { place(this.pinEl, this.pin); }
    (this.listPins || []).forEach(function (m) { place(m.node, m.at); });
    if (this.popup && this.popupAt) { place(this.popup, this.popupAt); }
    // Where the map is, for whoever reads the page (tests, the curious).
    var c = unproject(this.cx, this.cy, this.z);
    this.view.setAttribute('data-zoom', String(this.z));
    this.view.setAttribute('data-centre', c[0].toFixed(6) + ',' + c[1].toFixed(6));
    if (this.placed) { this.root.setAttribute('data-ready', ''); }
    this.zoomIn.disabled = this.z >= MAX_ZOOM;
    this.zoomOut.disabled = this.z <= MIN_ZOOM;
  };

  SlippyMap.prototype.drawTiles = function (s, o) {
    // Nothing to fetch until the view is placed (its first centre is the world's corner).
    if (!this.tiles || !this.placed) { return; }
    var n = Math.pow(2, this.z);
    var keep = {};
    for (var ty = Math.floor(o[1] / TILE); ty * TILE < o[1] + s[1]; ty++) {
      if (ty < 0 || ty >= n) { continue; }
      for (var tx = Math.floor(o[0] / TILE); tx * TILE < o[0] + s[0]; tx++) {
        var x = ((tx % n) + n) % n;
        var key = this.z + '/' + tx + '/' + ty;
        var img = this.cache[key];
        if (!img) {
          img = this.cache[key] = el('img', 'peta-tile', this.tileLayer);
          img.alt = '';
          img.draggable = false;
          img.src = this.tiles.replace('{z}', this.z).replace('{x}', x).replace('{y}', ty);
        }
        img.style.transform = 'translate(' + Math.round(tx * TILE - o[0]) + 'px,' + Math.round(ty * TILE - o[1]) + 'px)';
        keep[key] = true;
      }
    }
    for (var k in this.cache) {
      if (!keep[k]) { this.tileLayer.removeChild(this.cache[k]); delete this.cache[k]; }
    }
  };

  SlippyMap.prototype.drawLines = function (s, o) {
    var c = this.canvas;
    var ratio = window.devicePixelRatio || 1;
    if (c.width !== Math.round(s[0] * ratio) || c.height !== Math.round(s[1] * ratio)) {
      c.width = Math.round(s[0] * ratio);
      c.height = Math.round(s[1] * ratio);
    }
    var g = c.getContext('2d');
    if (!g) { return; }
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, s[0], s[1]);
    var z = this.z;
    var bare = !this.tiles;
    var view = [unproject(o[0], o[1] + s[1], z), unproject(o[0] + s[0], o[1], z)];
    var labels = [];
    for (var i = 0; i < this.regions.length; i++) {
      var r = this.regions[i];
      var b = r.box;
      if (b[2] < view[0][0] || b[0] > view[1][0] || b[3] < view[0][1] || b[1] > view[1][1]) { continue; }
      var chosen = r.code === this.chosen;
      g.beginPath();
      for (var j = 0; j < r.rings.length; j++) {
        var ring = r.rings[j];
        for (var k = 0; k < ring.length; k += 2) {
          var p = project(ring[k], ring[k + 1], z);
          if (k === 0) { g.moveTo(p[0] - o[0], p[1] - o[1]); } else { g.lineTo(p[0] - o[0], p[1] - o[1]); }
        }
        g.closePath();
      }
      if (chosen) {
        g.fillStyle = 'rgba(0, 86, 179, 0.22)';
        g.fill('evenodd');
      } else if (bare) {
        g.fillStyle = i % 2 ? '#dce8f2' : '#e6efe0';
        g.fill('evenodd');
      }
      g.lineWidth = chosen ? 3 : 1.2;
      g.strokeStyle = chosen ? '#0056b3' : (bare ? '#ffffff' : 'rgba(54, 65, 77, 0.75)');
      g.stroke();
      var a = project(b[0], b[3], z);
      var e = project(b[2], b[1], z);
      if (e[0] - a[0] > 90) {
        labels.push([r.name, (a[0] + e[0]) / 2 - o[0], (a[1] + e[1]) / 2 - o[1], chosen]);
      }
    }
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    g.lineJoin = 'round';
    labels.forEach(function (l) {
      g.font = (l[3] ? '700 ' : '600 ') + '13px system-ui, sans-serif';
      g.lineWidth = 4;
      g.strokeStyle = '#ffffff';
      g.strokeText(l[0], l[1], l[2]);
      g.fillStyle = '#1b1f24';
      g.fillText(l[0], l[1], l[2]);
    });
  };

  // The regions from the compact JSON (see region_outlines.rs): rings of whole points
  // in 1e-5 degrees, each after the first a step from the one before.
  SlippyMap.prototype.load = function (data) {
    this.regions = (data.regions || []).map(function (r) {
      var box = [180, 90, -180, -90];
      var rings = r.rings.map(function (steps) {
        var out = [];
        var x = 0;
        var y = 0;
        for (var i = 0; i + 1 < steps.length; i += 2) {
          x += steps[i];
          y += steps[i + 1];
          var lon = x / 1e5;
          var lat = y / 1e5;
          out.push(lon, lat);
          box = [Math.min(box[0], lon), Math.min(box[1], lat), Math.max(box[2], lon), Math.max(box[3], lat)];
        }
        return out;
      });
      return { code: r.code, name: r.name, area: r.area, rings: rings, box: box };
    });
    this.bounds = data.bounds;
    this.render();
  };

  SlippyMap.prototype.region = function (code) {
    for (var i = 0; i < this.regions.length; i++) {
      if (this.regions[i].code === code) { return this.regions[i]; }
    }
    return null;
  };

  function getJson(url, done) {
    if (!window.fetch) { return; }
    fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.json().then(function (body) { done(r.status, body); }); })
      .catch(function () { done(0, null); });
  }

  // On /lapor: the pin fills lat/lon, the kelurahan resolves and is chosen in the list.
  function pick(map) {
    var d = map.d;
    var form = map.root.closest('form');
    var lat = form && form.elements.lat;
    var lon = form && form.elements.lon;
    var region = form && form.elements.region;
    var seq = 0;
    function resolve(ll) {
      var mine = ++seq;
      map.status.textContent = d.resolving || '';
      var url = d.resolve + '?lat=' + ll[1].toFixed(6) + '&lon=' + ll[0].toFixed(6);
      getJson(url, function (status, body) {
        if (mine !== seq) { return; }
        if (status === 200 && body && body.code) {
          map.chosen = body.code;
          map.status.textContent = (d.resolved || '') + ' ' + body.name + (body.area ? ' (' + body.area + ')' : '');
          if (region) {
            for (var i = 0; i < region.options.length; i++) {
              if (region.options[i].value === body.code) { region.value = body.code; break; }
            }
          }
        } else if (status === 404) {
          map.chosen = null;
          map.status.textContent = d.outside || '';
        } else {
          map.status.textContent = d.failed || '';
        }
        map.render();
      });
    }
    // A pin placed on the map fills the fields; one typed in the fields is only drawn.
    var typed = false;
    map.onPin = function (ll, done) {
      if (lat && lon && !typed) {
        lat.value = ll[1].toFixed(6);
        lon.value = ll[0].toFixed(6);
      }
      if (done) { resolve(ll); }
    };
    function fromFields(centre) {
      var a = number(lat && lat.value);
      var o = number(lon && lon.value);
      if (a === null || o === null || Math.abs(a) > 85 || Math.abs(o) > 180) { return false; }
      typed = true;
      map.setPin([o, a], true);
      typed = false;
      if (centre) { map.centerOn(o, a, Math.max(map.z, 16)); }
      return true;
    }
    var pending = null;
    [lat, lon].forEach(function (field) {
      if (!field) { return; }
      field.addEventListener('change', function () {
        clearTimeout(pending);
        pending = setTimeout(function () { fromFields(true); }, 0);
      });
    });
    if (region) {
      region.addEventListener('change', function () {
        map.chosen = region.value || null;
        var r = map.region(region.value);
        if (r && !map.pin) { map.fit(r.box); }
        map.render();
      });
    }
    return function () {
      if (!fromFields(true)) {
        var r = region && map.region(region.value);
        map.chosen = r ? r.code : null;
        map.fit(r ? r.box : map.bounds);
      }
    };
  }

  // On /petugas/peta: each listed report with a point is a pin; a tap opens its popup.
  function list(map) {
    var items = document.querySelectorAll(map.d.list + ' [data-lat][data-lon]');
    map.listPins = [];
    var box = null;
    Array.prototype.forEach.call(items, function (item) {
      var a = number(item.dataset.lat);
      var o = number(item.dataset.lon);
      if (a === null || o === null) { return; }
      var node = el('button', 'peta-mark', map.marks);
      node.type = 'button';
      node.setAttribute('aria-label', item.dataset.label || '');
      node.addEventListener('click', function () { open(item, [o, a]); });
      map.listPins.push({ node: node, at: [o, a] });
      box = box ? [Math.min(box[0], o), Math.min(box[1], a), Math.max(box[2], o), Math.max(box[3], a)] : [o, a, o, a];
    });
    function open(item, at) {
      if (!map.popup) {
        map.popup = el('div', 'peta-popup', map.marks);
        map.popup.setAttribute('role', 'dialog');
        map.popup.addEventListener('pointerdown', function (e) { e.stopPropagation(); });
      }
      map.popup.textContent = '';
      var body = el('div', 'peta-popup-body', map.popup);
      Array.prototype.forEach.call(item.childNodes, function (n) { body.appendChild(n.cloneNode(true)); });
      var close = map.button(body, '\u00d7', map.d.close, function () {
        map.popup.hidden = true;
        map.view.focus();
      });
      close.className = 'peta-btn peta-close';
      map.popup.hidden = false;
      map.popupAt = at;
      map.render();
      var link = body.querySelector('a');
      if (link) { link.focus(); }
    }
    return function () {
      if (box) {
        var pad = 0.002;
        map.fit([box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad]);
      } else {
        map.fit(map.bounds);
      }
    };
  }

  function start(root) {
    var map = new SlippyMap(root);
    var place = root.dataset.mode === 'pick' ? pick(map) : list(map);
    var placed = false;
    function once() {
      if (!placed) { placed = true; place(); map.placed = true; map.render(); }
    }
    if (root.dataset.outlines) {
      getJson(root.dataset.outlines, function (status, body) {
        if (status === 200 && body) { map.load(body); }
        once();
      });
    } else {
      once();
    }
    map.render();
  }

  Array.prototype.forEach.call(document.querySelectorAll('[data-peta]'), start);
})();
