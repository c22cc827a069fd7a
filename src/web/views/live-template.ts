/**
 * The live pool view (`/live`): one card per target with the pool gauges and acquire-wait percentiles as
 * they were when the page was rendered, and a uPlot chart the script fills from `/api/v1/live`. Without
 * JavaScript the page is a readable snapshot (reload to refresh).
 */
export const liveTemplate = `<% layout('@layout') %>
<link rel="stylesheet" href="<%= it.assets.uplotStyle %>">
<script src="<%= it.assets.uplotScript %>" defer></script>
<div class="page-head">
  <h1>Live pools</h1>
  <p class="lead">Connection pool gauges and acquire waits of every target, streamed every <%= it.intervalMs %> ms. Start a simulation with <code>carepool load --url <%= it.origin %></code> (or open this page on the server <code>carepool load</code> starts) to watch queueing as it happens.</p>
  <p class="muted" id="live-status" role="status">Snapshot at <%= it.renderedAt %>. <noscript>JavaScript is off: reload the page to refresh.</noscript></p>
</div>
<div class="cards cards-wide" id="live-targets">
<% it.targets.forEach(function (t) { %>
<section class="card" aria-labelledby="live-<%= t.name %>" data-live-target="<%= t.name %>">
  <div class="card-head">
    <h2 id="live-<%= t.name %>"><%= t.name %></h2>
    <span class="pill <%= t.pool.circuit === 'open' ? 'pill-down' : 'pill-ok' %>" data-k="circuit"><%= t.pool.circuit === 'open' ? 'Circuit open' : 'Accepting' %></span>
  </div>
  <dl class="facts">
    <div><dt>Open / max</dt><dd data-k="total"><%= t.pool.total %> / <%= t.pool.max %></dd></div>
    <div><dt>Active</dt><dd data-k="active"><%= t.pool.active %></dd></div>
    <div><dt>Idle</dt><dd data-k="idle"><%= t.pool.idle %></dd></div>
    <div><dt>Waiting</dt><dd data-k="waiting"><%= t.pool.waiting %></dd></div>
    <div><dt>Acquire p50 / p95 / p99</dt><dd data-k="acquire"><%= it.fmt(t.acquire) %></dd></div>
    <div><dt>Acquires/s</dt><dd data-k="rate"><%= t.acquiredPerS %></dd></div>
    <div><dt>Acquire timeouts (total)</dt><dd data-k="timeouts"><%= t.timeoutsTotal %></dd></div>
  </dl>
  <div class="gauge"><meter min="0" max="<%= t.pool.max %>" value="<%= t.pool.active %>" data-k="meter" aria-label="active connections of <%= t.name %>"><%= t.pool.active %> of <%= t.pool.max %></meter></div>
  <figure class="live-chart">
    <div class="live-plot" data-k="chart" role="img" aria-label="active and waiting connections, pool max and acquire-wait p99 of <%= t.name %> over the last minute"><p class="muted">The chart starts with the first update.</p></div>
    <figcaption class="muted">Left axis: connections (active, waiting callers, pool max). Right axis: acquire wait p99 in ms. Bottom: seconds ago. Hover for values.</figcaption>
  </figure>
</section>
<% }) %>
</div>
<p class="hint">Raw stream: <a href="/api/v1/live">/api/v1/live</a> (Server-Sent Events, one JSON snapshot per interval). Prometheus: <a href="/metrics">/metrics</a>.</p>
`;
