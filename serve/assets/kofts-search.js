/* kofts-search.js - the Jekyll drop-in (serve/jekyll/_includes/kofts-search.html):
 * sends the form's query to kofts-serve's /api/search and shows the hits. Builds every
 * node with textContent (never innerHTML), so document text can never become markup. */
(function () {
  var form = document.getElementById('kofts-search');
  if (!form || !window.fetch) return;
  var out = document.getElementById('kofts-results');
  var api = form.getAttribute('data-api').replace(/\/+$/, '') + '/api/search?q=';
  function el(tag, text) { var e = document.createElement(tag); if (text) e.textContent = text; return e; }
  function snippet(h) { /* highlights are UTF-8 byte offsets into the snippet */
    var p = el('p'), bytes = new TextEncoder().encode(h.snippet), dec = new TextDecoder(), at = 0;
    h.highlights.forEach(function (s) {
      p.appendChild(document.createTextNode(dec.decode(bytes.slice(at, s[0]))));
      p.appendChild(el('mark', dec.decode(bytes.slice(s[0], s[1])))); at = s[1];
    });
    p.appendChild(document.createTextNode(dec.decode(bytes.slice(at)))); return p;
  }
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    fetch(api + encodeURIComponent(form.q.value)).then(function (r) { return r.json(); }).then(function (d) {
      out.textContent = '';
      out.appendChild(el('p', d.error ? d.error : '검색 결과 ' + d.total + '건' +
        (d.reading === 'any' ? ' (일부 단어만 들어간 문서 포함)' : '')));
      (d.hits || []).forEach(function (h) {
        var li = el('li'), a = el(h.url ? 'a' : 'span', h.title || '(제목 없음)');
        if (h.url && /^(https?:\/\/|\/)/.test(h.url)) a.href = h.url;
        li.appendChild(a); li.appendChild(el('small', ' ' + h.date.slice(0, 10)));
        li.appendChild(snippet(h)); out.appendChild(li);
      });
    }).catch(function () { out.textContent = '검색 서버에 연결할 수 없습니다.'; });
  });
})();
