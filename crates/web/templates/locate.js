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
      coords.open = true;
      status.textContent = button.dataset.located;
    }, function () {
      status.textContent = button.dataset.failed;
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  });
})();
