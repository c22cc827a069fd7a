/**
 * The Move page's script (`/static/move.js`): polls `/api/v1/move` every 2 s and rebuilds the four sections
 * with DOM calls and textContent (never HTML from the response), no inline styles, so the page's CSP
 * (scripts and styles from 'self') holds. A failed poll says so in the status line and tries again.
 */
export const moveScript = `(function () {
  'use strict';
  var status = document.getElementById('move-status');
  function el(tag, cls, children) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    (children || []).forEach(function (c) { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }
  function fact(dt, dd, wide, mono) {
    return el('div', wide ? 'wide' : '', [el('dt', '', [dt]), el('dd', mono ? 'mono' : '', [String(dd)])]);
  }
  function card(title, ok, label, body) {
    var head = el('div', 'card-head', [el('h3', '', [title]), el('span', 'pill ' + (ok ? 'pill-ok' : 'pill-down'), [label])]);
    return el('section', 'card', [head].concat(body));
  }
  function empty(text) { return el('p', 'empty', [text]); }
  function fill(id, nodes) {
    var box = document.getElementById(id);
    if (!box) return;
    while (box.firstChild) box.removeChild(box.firstChild);
    nodes.forEach(function (n) { box.appendChild(n); });
  }
  function copies(list) {
    if (list.length === 0) return [empty('No copy yet: carepool copy --from A --to B.')];
    return list.map(function (c) {
      var bar = el('progress');
      bar.max = 100; bar.value = c.percent; bar.textContent = c.percent + ' %';
      bar.setAttribute('aria-label', 'copy ' + c.from + ' to ' + c.to);
      return card(c.from + ' → ' + c.to, !!c.finishedAt, c.finishedAt ? 'Finished' : 'In progress or stopped', [bar, el('dl', 'facts', [
        fact('Chunks', c.chunksDone + ' / ' + c.chunks), fact('Rows', c.rowsDone + ' / ' + c.rows),
        fact('Tables', c.tables), fact('Snapshot', c.snapshot), fact('Source position (GTID)', c.gtid || '—', true, true),
        fact('Started', c.startedAt, false, true), fact('Runs', c.runs)])]);
    });
  }
  function links(list) {
    if (list.length === 0) return [empty('No replication link: carepool replicate start --from A --to B after a copy.')];
    return list.map(function (r) {
      var label = r.unavailable ? 'Unknown' : (r.running ? 'Running' : 'Not running');
      if (r.unavailable) return card(r.from + ' → ' + r.to, false, label, [el('p', 'hint', [r.unavailable])]);
      var facts = [fact('Lag', r.secondsBehind == null ? '—' : r.secondsBehind + ' s'), fact('IO / SQL thread', r.io + ' / ' + r.sql),
        fact('Caught up', r.caughtUp == null ? '—' : (r.caughtUp ? 'yes' : 'no')),
        fact('Applied GTID', r.appliedGtid || '—', true, true), fact('Source GTID', r.sourceGtid || '—', true, true)];
      if (r.lastError) facts.push(fact('Last error', r.lastError, true));
      return card(r.from + ' → ' + r.to, r.running, label, [el('dl', 'facts', facts)]);
    });
  }
  function verify(v) {
    if (!v) return [empty('No verify yet: carepool verify A B.')];
    var facts = [fact('When', v.at, false, true), fact('Rows/s', v.rowsPerSecond)];
    v.tables.forEach(function (t) { facts.push(fact(t.table, t.sourceRows + ' / ' + t.destRows + ' rows, ' + t.differences + ' differ')); });
    var body = [el('dl', 'facts', facts)];
    if (v.findings.length > 0) body.push(el('ul', 'move-findings', v.findings.map(function (f) { return el('li', 'mono', [f]); })));
    return [card(v.from + ' ↔ ' + v.to, v.identical, v.identical ? 'Identical' : (v.differenceCount === 1 ? '1 row differs' : v.differenceCount + ' rows differ'), body)];
  }
  function cutover(k, redirects) {
    var out = [];
    if (!k) out.push(empty('No cutover yet: carepool cutover --from A --to B.'));
    else out.push(card(k.from + ' → ' + k.to, k.state === 'done', k.state, [el('ol', 'move-phases', k.phases.map(function (p) {
      return el('li', '', [el('strong', '', [p.phase]), ' ' + (p.ok ? 'ok' : 'FAILED') + ', ' + p.ms + ' ms', el('br'), el('span', 'muted', [p.detail])]);
    }))]));
    var names = Object.keys(redirects);
    if (names.length > 0) out.push(el('p', 'hint', ['This app sends ' + names.map(function (n) { return n + ' → ' + redirects[n]; }).join(', ') + ' (after a cutover).']));
    return out;
  }
  function poll() {
    fetch('/api/v1/move', { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .then(function (v) {
        fill('move-copy-list', copies(v.copies));
        fill('move-repl-list', links(v.replication));
        fill('move-verify-body', verify(v.verify));
        fill('move-cutover-body', cutover(v.cutover, v.redirects));
        if (status) status.textContent = 'Updated ' + v.at + ' (every 2 s).';
      })
      .catch(function (e) { if (status) status.textContent = 'Update failed (' + e.message + '); retrying.'; })
      .then(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
`;
