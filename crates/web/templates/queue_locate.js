(function () {
  // Fill "dari" from the device's location and sort the queue by distance.
  var button = document.getElementById('q-locate');
  if (!button || !navigator.geolocation) { return; }
  var field = document.getElementById('q-from');
  var sort = document.getElementById('q-sort');
  button.hidden = false;
  button.addEventListener('click', function () {
    navigator.geolocation.getCurrentPosition(function (pos) {
      field.value = pos.coords.latitude.toFixed(6) + ',' + pos.coords.longitude.toFixed(6);
      if (sort) { sort.value = 'jarak'; }
      field.form.submit();
    }, function () {
      field.setAttribute('aria-invalid', 'true');
      field.title = button.dataset.failed;
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  });
})();
