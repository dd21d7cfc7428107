// The category picker of /lapor: shows the search box and hides the categories that do not
// match what is typed. Every word typed must begin a word of a category's names or keywords
// (data-terms, folded by the server the way fold() folds here), ignoring case and accents.
// Until something is typed or "Tampilkan semua kategori" is pressed, only the most reported
// categories (data-common; the server puts them first) and the chosen one show.
// Without this script every category shows, and the form works the same.
(function (doc) {
  var box = doc.getElementById('category-search');
  var list = doc.getElementById('category-list');
  var count = doc.getElementById('category-count');
  if (!box || !list || !count) { return; }
  var items = Array.prototype.slice.call(list.querySelectorAll('li[data-terms]'));
  var allButton = doc.getElementById('category-all');
  var commonHint = doc.getElementById('category-common-hint');
  // Collapsed to the leading ones while some are marked and the button is there to undo it.
  var collapsed = !!allButton && items.some(function (li) { return 'common' in li.dataset; });

  function fold(text) {
    return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ').trim();
  }

  function matches(terms, words) {
    return words.every(function (w) {
      return terms.some(function (t) { return t.indexOf(w) === 0; });
    });
  }

  var said = '';
  function filter() {
    var query = fold(box.value);
    var words = query ? query.split(' ') : [];
    var shown = 0;
    items.forEach(function (li) {
      var radio = li.querySelector('input');
      // The chosen one stays in sight whatever is typed.
      var show = (!words.length && (!collapsed || 'common' in li.dataset)) ||
        (words.length && matches(li.dataset.terms.split(' '), words)) || (radio && radio.checked);
      li.hidden = !show;
      if (show) { shown += 1; }
    });
    // Said only while searching, and only when it changes, not at every key.
    var text = !words.length ? '' : shown ? count.dataset.count.replace('{n}', String(shown)) : count.dataset.none;
    if (text !== said) { count.textContent = text; said = text; }
    var folded = collapsed && !words.length;
    if (allButton) { allButton.parentNode.hidden = !folded; }
    if (commonHint) { commonHint.hidden = !folded; }
  }

  if (allButton) {
    allButton.addEventListener('click', function () {
      collapsed = false;
      filter();
      // On to the first tile that just appeared, for keyboards and screen readers.
      var next = items.filter(function (li) { return !('common' in li.dataset); })[0];
      var radio = next && next.querySelector('input');
      if (radio) { radio.focus(); }
    });
  }

  box.addEventListener('input', filter);
  box.addEventListener('change', filter);
  box.addEventListener('keydown', function (e) {
    // Enter picks the one category left instead of sending the form half-filled.
    if (e.key !== 'Enter') { return; }
    e.preventDefault();
    var left = items.filter(function (li) { return !li.hidden; });
    if (left.length === 1) {
      var radio = left[0].querySelector('input');
      radio.checked = true;
      radio.focus();
    }
  });
  // The outbox empties the form once a report is kept: the whole list shows again.
  if (box.form) { box.form.addEventListener('reset', function () { setTimeout(filter, 0); }); }
  doc.getElementById('category-search-field').hidden = false;
  filter();
})(document);
