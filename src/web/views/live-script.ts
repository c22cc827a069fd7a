/**
 * The live view's script (no build step, no library): subscribes to /api/v1/live with EventSource, updates
 * each target's numbers, and redraws a 60-second SVG chart of active, waiting and acquire-wait p99.
 */
export const liveScript = `(function () {
  'use strict';
  var KEEP = 120, W = 480, H = 140, NS = 'http://www.w3.org/2000/svg';
  var history = {};
  var status = document.getElementById('live-status');
  function fmt(a) { return a ? a.p50 + ' / ' + a.p95 + ' / ' + a.p99 + ' ms' : '—'; }
  function line(points, max, color, dash) {
    var d = '';
    points.forEach(function (v, i) {
      if (v === null) return;
      var x = (i / (KEEP - 1)) * W, y = H - 16 - (v / max) * (H - 26);
      d += (d ? 'L' : 'M') + x.toFixed(1) + ' ' + y.toFixed(1);
    });
    return d ? '<path d="' + d + '" fill="none" stroke="' + color + '" stroke-width="2"' + (dash ? ' stroke-dasharray="5 4"' : '') + '/>' : '';
  }
  function draw(fig, h, max) {
    var top = Math.max(max, 1, Math.max.apply(null, h.waiting));
    var waitTop = Math.max(1, Math.max.apply(null, h.p99.map(function (v) { return v || 0; })));
    fig.innerHTML = '<svg xmlns="' + NS + '" viewBox="0 0 ' + W + ' ' + H + '" width="100%" role="img" aria-label="active, waiting and acquire p99">' +
      '<rect width="' + W + '" height="' + H + '" fill="#fbfcfd" stroke="#dde3e9"/>' +
      line(h.active, top, '#0072B2') + line(h.waiting, top, '#D55E00') + line(h.p99, waitTop, '#CC79A7', true) +
      '<text x="6" y="' + (H - 4) + '" font-size="11" fill="#5b6b7a">active (blue) · waiting (orange), 0–' + top +
      ' · acquire p99 (dashed), 0–' + Math.round(waitTop) + ' ms · last ' + Math.round(KEEP * window.liveInterval / 1000) + ' s</text></svg>';
  }
  function update(snap) {
    window.liveInterval = snap.intervalMs;
    snap.targets.forEach(function (t) {
      var card = document.querySelector('[data-live-target="' + t.name + '"]');
      if (!card) return;
      var set = function (k, text) { var el = card.querySelector('[data-k="' + k + '"]'); if (el) el.textContent = text; };
      set('total', t.pool.total + ' / ' + t.pool.max);
      set('active', t.pool.active); set('idle', t.pool.idle); set('waiting', t.pool.waiting);
      set('acquire', fmt(t.acquire)); set('rate', t.acquiredPerS); set('timeouts', t.timeoutsTotal);
      set('circuit', t.pool.circuit === 'open' ? 'Circuit open' : 'Accepting');
      var meter = card.querySelector('[data-k="meter"]');
      if (meter) { meter.max = t.pool.max; meter.value = t.pool.active; meter.textContent = t.pool.active + ' of ' + t.pool.max; }
      var h = history[t.name] || (history[t.name] = { active: [], waiting: [], p99: [] });
      h.active.push(t.pool.active); h.waiting.push(t.pool.waiting); h.p99.push(t.acquire ? t.acquire.p99 : null);
      ['active', 'waiting', 'p99'].forEach(function (k) { while (h[k].length > KEEP) h[k].shift(); while (h[k].length < KEEP) h[k].unshift(null); });
      var fig = card.querySelector('[data-k="chart"]');
      if (fig) draw(fig, h, t.pool.max);
    });
    if (status) status.textContent = 'Live · updated ' + new Date(snap.at).toLocaleTimeString();
  }
  if (!window.EventSource) return;
  var source = new EventSource('/api/v1/live');
  source.onmessage = function (e) { try { update(JSON.parse(e.data)); } catch (err) {} };
  source.onerror = function () { if (status) status.textContent = 'Disconnected; retrying…'; };
})();
`;
