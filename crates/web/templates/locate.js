(function () {
  var button = document.getElementById('locate');
  if (!button || !navigator.geolocation) { return; }
  var lat = document.getElementById('lat');
  var lon = document.getElementById('lon');
  var coords = document.getElementById('coords');
  var status = document.getElementById('locate-status');
  button.hidden = false;
  button.addEventListener('click', function () {
    status.textContent = button.dataset.locating;
    navigator.geolocation.getCurrentPosition(function (pos) {
      lat.value = pos.coords.latitude.toFixed(6);
      lon.value = pos.coords.longitude.toFixed(6);
      // The map (when there is one) moves its pin here.
      lon.dispatchEvent(new Event('change', { bubbles: true }));
      coords.open = true;
      status.textContent = button.dataset.located;
    }, function () {
      status.textContent = button.dataset.failed;
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  });
})();
(function () {
  // Keep what was typed while the place is chosen on the map (in this tab only, read once).
  var link = document.getElementById('map-link');
  var form = link && link.closest('form');
  if (!form || !window.sessionStorage) { return; }
  var key = 'aduan-lapor-draft';
  var names = ['category', 'description', 'lat', 'lon', 'address'];
  var hint = document.getElementById('map-hint');
  if (hint) { hint.hidden = true; }
  link.addEventListener('click', function () {
    var draft = {};
    names.forEach(function (n) { draft[n] = form.elements[n] ? form.elements[n].value : ''; });
    try { sessionStorage.setItem(key, JSON.stringify(draft)); } catch (e) { /* full or off */ }
  });
  var saved = null;
  try {
    saved = JSON.parse(sessionStorage.getItem(key) || 'null');
    sessionStorage.removeItem(key);
  } catch (e) { saved = null; }
  if (!saved || !/[?&]wilayah=/.test(location.search)) { return; }
  names.forEach(function (n) {
    var field = form.elements[n];
    if (field && !field.value && typeof saved[n] === 'string') { field.value = saved[n]; }
  });
  if (saved.lat || saved.lon) { document.getElementById('coords').open = true; }
})();
