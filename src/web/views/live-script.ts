/**
 * The live view's script: subscribes to /api/v1/live with EventSource, updates each target's numbers, and
 * keeps a one-minute chart per target: active and waiting connections and the pool max on the left axis,
 * acquire-wait p99 (ms) on the right, seconds ago along the bottom.
 *
 * Why uPlot (MIT, ~50 KB, no dependencies): it is the small time-series library the monitoring field uses
 * for exactly this (a few lines, a new point every 500 ms, redrawn in place on a canvas), it draws axes with
 * labels, a legend with live values and a hover cursor, and it fits the page's Content-Security-Policy:
 * it is served from 'self' (`/static/uplot.iife.min.js` and `.css`, copied from node_modules, nothing from
 * a CDN) and sets styles only through the CSSOM (element.style), never style attributes or inline <style>.
 * The series are one list (SERIES), so another line (a replica's pool, say) is one more entry.
 * Colours are the Okabe-Ito palette, distinguishable with the common colour-vision deficiencies.
 */
export const liveScript = `(function () {
  'use strict';
  var KEEP = 120, H = 240, FONT = '12px system-ui, sans-serif', INK = '#3d4b59';
  var SERIES = [
    { key: 'active', label: 'active connections', scale: 'n', stroke: '#0072B2' },
    { key: 'waiting', label: 'callers waiting', scale: 'n', stroke: '#D55E00' },
    { key: 'poolMax', label: 'pool max', scale: 'n', stroke: '#5b6b7a', dash: [4, 4] },
    { key: 'p99', label: 'acquire wait p99', scale: 'ms', stroke: '#CC79A7', dash: [6, 4], unit: ' ms' }
  ];
  function pick(t) {
    return { active: t.pool.active, waiting: t.pool.waiting, poolMax: t.pool.max, p99: t.acquire ? t.acquire.p99 : null };
  }
  var history = {};
  var plots = {};
  // For inspection from the console (and by the browser test): the uPlot instance of each target.
  window.carepoolLive = plots;
  var status = document.getElementById('live-status');
  function fmt(a) { return a ? a.p50 + ' / ' + a.p95 + ' / ' + a.p99 + ' ms' : '—'; }
  // The top of an axis: 15 % above the largest value (the pool-max line never sits on the frame), rounded.
  function top(max) {
    if (!(max > 0)) return 5;
    var t = max * 1.15, step = Math.pow(10, Math.floor(Math.log10(t))) / 2;
    return Math.max(5, Math.ceil(t / step) * step);
  }
  function axis(scale, label, side) {
    return {
      scale: scale, label: label, side: side, stroke: INK, font: FONT, labelFont: FONT, labelSize: 20, size: 48,
      grid: { show: side === 3, stroke: '#e6ebf0', width: 1 }, ticks: { stroke: '#8796a5', width: 1, size: 4 }
    };
  }
  function options(width, intervalMs) {
    var span = (KEEP - 1) * intervalMs / 1000;
    var x = axis('x', 'seconds ago', 2);
    x.size = 36;
    x.grid = { show: true, stroke: '#f0f3f6', width: 1 };
    x.values = function (u, vals) { return vals.map(function (v) { return v === 0 ? 'now' : '\\u2212' + Math.abs(v) + ' s'; }); };
    return {
      width: width, height: H,
      cursor: { drag: { x: false, y: false } },
      legend: { show: true, live: true },
      scales: {
        x: { time: false, range: function () { return [-span, 0]; } },
        n: { range: function (u, min, max) { return [0, top(max || 0)]; } },
        ms: { range: function (u, min, max) { return [0, top(max || 0)]; } }
      },
      axes: [x, axis('n', 'connections', 3), axis('ms', 'acquire wait p99 (ms)', 1)],
      series: [{ label: 'seconds ago', value: function (u, v) { return v == null ? '—' : (v === 0 ? 'now' : v.toFixed(1) + ' s'); } }].concat(SERIES.map(function (s) {
        return {
          label: s.label, scale: s.scale, stroke: s.stroke, width: 2, dash: s.dash, spanGaps: false, points: { show: false },
          value: function (u, v) { return v == null ? '—' : v + (s.unit || ''); }
        };
      }))
    };
  }
  function data(h, intervalMs) {
    var n = h.x.length, step = intervalMs / 1000;
    var xs = h.x.map(function (_, i) { return -Math.round((n - 1 - i) * step * 10) / 10; });
    return [xs].concat(SERIES.map(function (s) { return h[s.key]; }));
  }
  function draw(name, el, h, intervalMs) {
    var plot = plots[name];
    if (!plot) {
      el.textContent = '';
      plot = plots[name] = new window.uPlot(options(Math.max(200, el.clientWidth), intervalMs), data(h, intervalMs), el);
      el.setAttribute('data-ready', 'true');
      return;
    }
    plot.setData(data(h, intervalMs));
    // Unless the pointer is over the chart, the legend shows the latest values.
    if (!(plot.cursor.left >= 0)) plot.setLegend({ idx: plot.data[0].length - 1 });
  }
  function resize() {
    Object.keys(plots).forEach(function (name) {
      var el = plots[name].root.parentNode;
      if (el && el.clientWidth && Math.abs(el.clientWidth - plots[name].width) > 1) {
        plots[name].setSize({ width: Math.max(200, el.clientWidth), height: H });
      }
    });
  }
  window.addEventListener('resize', resize);
  // Read replicas: one line per server (primary and each replica), built with DOM calls (CSP-safe).
  function servers(card, list) {
    var box = card.querySelector('[data-k="servers"]');
    if (!box) { box = document.createElement('ul'); box.setAttribute('data-k', 'servers'); box.className = 'servers'; card.appendChild(box); }
    while (box.firstChild) box.removeChild(box.firstChild);
    list.forEach(function (v) {
      var li = document.createElement('li');
      li.setAttribute('data-server', v.name);
      li.textContent = v.name + ': ' + v.connections + ' connections (' + v.active + ' active), ' + v.queriesPerS + ' queries/s' +
        (v.role === 'replica' ? ' · ' + v.state + (v.lagMs == null ? '' : ', lag ' + v.lagMs + ' ms') : '') +
        (v.role === 'node' ? ' · ' + v.state : '');
      box.appendChild(li);
    });
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
      if (t.servers) servers(card, t.servers);
      var h = history[t.name] || (history[t.name] = { x: [] });
      var now = pick(t);
      h.x.push(0);
      SERIES.forEach(function (s) { (h[s.key] = h[s.key] || []).push(now[s.key]); });
      while (h.x.length > KEEP) { h.x.shift(); SERIES.forEach(function (s) { h[s.key].shift(); }); }
      var plot = card.querySelector('[data-k="chart"]');
      if (plot && window.uPlot) draw(t.name, plot, h, snap.intervalMs);
    });
    if (status) status.textContent = 'Live · updated ' + new Date(snap.at).toLocaleTimeString();
  }
  if (!window.EventSource) return;
  var source = new EventSource('/api/v1/live');
  source.onmessage = function (e) { try { update(JSON.parse(e.data)); } catch (err) { if (status) status.textContent = 'Chart error: ' + err.message; } };
  source.onerror = function () { if (status) status.textContent = 'Disconnected; retrying…'; };
})();
`;
