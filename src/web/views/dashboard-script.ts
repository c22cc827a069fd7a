/**
 * The only script of the app: refreshes the dashboard's latency and pool gauges every 5 s from
 * /api/v1/targets. The page is complete without it.
 */
export const dashboardScript = `(function () {
  'use strict';
  function update() {
    fetch('/api/v1/targets', { headers: { accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (!body) return;
        body.targets.forEach(function (h) {
          var card = document.querySelector('[data-target="' + h.name + '"]');
          if (!card) return;
          var set = function (k, text) { var el = card.querySelector('[data-k="' + k + '"]'); if (el) el.textContent = text; };
          set('latency', h.ok ? h.latencyMs + ' ms' : '—');
          set('pool', h.pool.active + ' active · ' + h.pool.idle + ' idle · ' + h.pool.waiting + ' waiting / max ' + h.pool.max);
          var meter = card.querySelector('[data-k="meter"]');
          if (meter) { meter.value = h.pool.total; meter.textContent = h.pool.total + ' of ' + h.pool.max; }
        });
      })
      .catch(function () {});
  }
  setInterval(update, 5000);
})();
`;
