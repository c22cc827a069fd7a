/**
 * The live view's script: subscribes to /api/v1/live with EventSource, updates each target's numbers, and
 * redraws a one-minute SVG chart per target with axes and units: active and waiting connections on the left
 * axis, acquire-wait p99 (ms) on the right, seconds ago along the bottom; the legend is HTML in the page.
 *
 * Why no charting library here: the chart is three lines over 120 points redrawn every 500 ms, which a few
 * dozen lines of SVG do without a dependency, a second static file or a CSP exception (the page allows
 * scripts and styles from 'self' only, so everything is drawn with SVG attributes, never style attributes).
 * Colours are the Okabe-Ito palette, distinguishable with the common colour-vision deficiencies.
 */
export const liveScript = `(function () {
  'use strict';
  var KEEP = 120, H = 220, L = 44, R = 56, T = 12, B = 30, NS = 'http://www.w3.org/2000/svg';
  var history = {};
  var status = document.getElementById('live-status');
  function fmt(a) { return a ? a.p50 + ' / ' + a.p95 + ' / ' + a.p99 + ' ms' : '—'; }
  function nice(max) {
    if (max <= 5) return 5;
    var step = Math.pow(10, Math.floor(Math.log10(max)));
    var m = max / step;
    return (m <= 2 ? 2 : m <= 5 ? 5 : 10) * step;
  }
  function path(points, top, w, color, dash) {
    var d = '';
    points.forEach(function (v, i) {
      if (v === null) return;
      var x = L + (i / (KEEP - 1)) * w, y = T + (1 - v / top) * (H - T - B);
      d += (d ? 'L' : 'M') + x.toFixed(1) + ' ' + y.toFixed(1);
    });
    return d ? '<path d="' + d + '" fill="none" stroke="' + color + '" stroke-width="2.2"' + (dash ? ' stroke-dasharray="6 4"' : '') + '/>' : '';
  }
  function text(x, y, s, anchor) {
    return '<text x="' + x + '" y="' + y + '" font-size="12" fill="#5b6b7a" text-anchor="' + (anchor || 'start') + '">' + s + '</text>';
  }
  function draw(el, h, poolMax, intervalMs) {
    var width = Math.max(320, Math.round(el.clientWidth || 640));
    var w = width - L - R, ph = H - T - B;
    var top = nice(Math.max(poolMax, 1, Math.max.apply(null, h.waiting.map(function (v) { return v || 0; }))));
    var msTop = nice(Math.max(1, Math.max.apply(null, h.p99.map(function (v) { return v || 0; }))));
    var out = '<svg xmlns="' + NS + '" viewBox="0 0 ' + width + ' ' + H + '" width="' + width + '" height="' + H + '">';
    for (var i = 0; i <= 4; i++) {
      var y = T + (i / 4) * ph;
      out += '<line x1="' + L + '" x2="' + (L + w) + '" y1="' + y + '" y2="' + y + '" stroke="#e6ebf0"/>';
      out += text(L - 6, y + 4, String(Math.round(top * (1 - i / 4))), 'end');
      out += text(L + w + 6, y + 4, String(Math.round(msTop * (1 - i / 4) * 10) / 10), 'start');
    }
    var span = Math.round(KEEP * intervalMs / 1000);
    for (var s = 0; s <= span; s += 15) {
      var x = L + w - (s / span) * w;
      out += '<line x1="' + x + '" x2="' + x + '" y1="' + (T + ph) + '" y2="' + (T + ph + 4) + '" stroke="#8796a5"/>';
      out += text(x, T + ph + 17, s === 0 ? 'now' : '−' + s + ' s', 'middle');
    }
    out += '<line x1="' + L + '" x2="' + (L + w) + '" y1="' + (T + ph) + '" y2="' + (T + ph) + '" stroke="#8796a5"/>';
    out += '<line x1="' + L + '" x2="' + (L + w) + '" y1="' + (T + (1 - poolMax / top) * ph) + '" y2="' + (T + (1 - poolMax / top) * ph) + '" stroke="#0072B2" stroke-opacity=".35" stroke-dasharray="2 3"/>';
    out += text(L + 4, T + (1 - poolMax / top) * ph - 4, 'pool max ' + poolMax);
    out += '<text transform="rotate(-90)" x="' + -(T + ph / 2) + '" y="12" font-size="12" fill="#5b6b7a" text-anchor="middle">connections</text>';
    out += '<text transform="rotate(90)" x="' + (T + ph / 2) + '" y="' + -(width - 10) + '" font-size="12" fill="#5b6b7a" text-anchor="middle">acquire p99 (ms)</text>';
    out += path(h.active, top, w, '#0072B2') + path(h.waiting, top, w, '#D55E00') + path(h.p99, msTop, w, '#CC79A7', true);
    el.innerHTML = out + '</svg>';
  }
  function update(snap) {
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
      var plot = card.querySelector('[data-k="chart"]');
      if (plot) draw(plot, h, t.pool.max, snap.intervalMs);
    });
    if (status) status.textContent = 'Live · updated ' + new Date(snap.at).toLocaleTimeString();
  }
  if (!window.EventSource) return;
  var source = new EventSource('/api/v1/live');
  source.onmessage = function (e) { try { update(JSON.parse(e.data)); } catch (err) {} };
  source.onerror = function () { if (status) status.textContent = 'Disconnected; retrying…'; };
})();
`;
