// Knowledge-base search: runs in the browser over the index the build wrote
// (search-index.js), with no server and nothing fetched from elsewhere.
// Words are matched as substrings of folded text, so a Korean or Thai word
// is found inside a sentence without spaces, and accents do not matter.
(function () {
  'use strict';
  var docs = window.KB_INDEX || [];
  var input = document.getElementById('q');
  var list = document.getElementById('results');
  var status = document.getElementById('search-status');
  if (!input || !list || !status) { return; }

  // fold mirrors kb.Fold in Go: drop combining accents, lower-case.
  function fold(s) {
    return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').normalize('NFC').toLowerCase();
  }

  function terms(q) {
    return fold(q).split(/[\s\u3000.,;:!?"'()\[\]{}<>\/\\|、。，．！？「」]+/).filter(function (t) { return t.length > 0; });
  }

  function count(hay, needle) {
    var n = 0, i = hay.indexOf(needle);
    while (i !== -1 && n < 20) { n++; i = hay.indexOf(needle, i + needle.length); }
    return n;
  }

  // search keeps documents holding every term, best first: a term in the
  // title, tags or category weighs more than one in the body.
  function search(q) {
    var ts = terms(q);
    if (ts.length === 0) { return []; }
    var hits = [];
    for (var i = 0; i < docs.length; i++) {
      var d = docs[i], score = 0, all = true;
      for (var j = 0; j < ts.length; j++) {
        var inKeys = d.k.indexOf(ts[j]) !== -1;
        var inBody = count(d.b, ts[j]);
        if (!inKeys && inBody === 0) { all = false; break; }
        score += (inKeys ? 10 : 0) + inBody;
      }
      if (all) { hits.push({ d: d, score: score }); }
    }
    hits.sort(function (a, b) { return b.score - a.score || (a.d.t < b.d.t ? -1 : 1); });
    return hits.slice(0, 100);
  }

  function show(q) {
    var hits = search(q);
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (terms(q).length === 0) {
      status.textContent = status.getAttribute('data-empty');
      return;
    }
    status.textContent = hits.length === 0
      ? status.getAttribute('data-none') + ' \u201c' + q + '\u201d'
      : hits.length + ' ' + status.getAttribute('data-results');
    hits.forEach(function (h) {
      var li = document.createElement('li');
      var h2 = document.createElement('h2');
      var a = document.createElement('a');
      a.href = h.d.u;
      a.textContent = h.d.t;
      a.setAttribute('hreflang', h.d.l);
      h2.appendChild(a);
      li.appendChild(h2);
      li.setAttribute('lang', h.d.l);
      var p = document.createElement('p');
      p.textContent = h.d.s;
      li.appendChild(p);
      list.appendChild(li);
    });
  }

  var timer = null;
  function update() {
    var q = input.value;
    show(q);
    var url = location.pathname + (q ? '?q=' + encodeURIComponent(q) : '');
    try { history.replaceState(null, '', url); } catch (e) { /* file:// in some browsers */ }
  }

  var params = new URLSearchParams(location.search);
  var q = params.get('q') || '';
  input.value = q;
  show(q);
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(update, 80);
  });
  input.form.addEventListener('submit', function (e) {
    e.preventDefault();
    clearTimeout(timer);
    update();
  });
})();
