/** Every target's health, server, TLS, revision and pool gauges. */
export const dashboard = `<% layout('@layout') %>
<div class="page-head">
  <h1>Targets</h1>
  <p class="lead">The same patient-records schema on every server, side by side.</p>
</div>
<div class="cards" id="targets">
<% it.health.forEach(function (h) { %>
<section class="card target-card" aria-labelledby="t-<%= h.name %>" data-target="<%= h.name %>">
  <div class="card-head">
    <h2 id="t-<%= h.name %>"><%= h.name %></h2>
    <% if (h.ok) { %><span class="pill pill-ok">Healthy</span><% } else { %><span class="pill pill-down">Down</span><% } %>
  </div>
  <dl class="facts">
    <div><dt>Server</dt><dd><%= h.server ? h.server.flavor + ' ' + h.server.version : '—' %></dd></div>
    <div><dt>Latency</dt><dd data-k="latency"><%= h.ok ? h.latencyMs + ' ms' : '—' %></dd></div>
    <div><dt>TLS</dt><dd><%= h.tls ? (h.tls.enabled ? (h.tls.version || 'on') : 'off') : '—' %> <span class="muted">(<%= h.sslMode %>)</span></dd></div>
    <div><dt>Revision</dt><dd><%= h.revision === undefined ? 'n/a' : (h.revision || 'none') %></dd></div>
    <div class="wide"><dt>Endpoint</dt><dd class="mono"><%= h.url %></dd></div>
  </dl>
  <div class="gauge" role="group" aria-label="Connection pool of <%= h.name %>">
    <div class="gauge-label"><span>Pool</span><span data-k="pool"><%= h.pool.active %> active · <%= h.pool.idle %> idle · <%= h.pool.waiting %> waiting / max <%= h.pool.max %></span></div>
    <meter min="0" max="<%= h.pool.max %>" value="<%= h.pool.total %>" data-k="meter" aria-label="open connections"><%= h.pool.total %> of <%= h.pool.max %></meter>
  </div>
  <% if (h.replicas && h.replicas.length) { %>
  <div class="replicas" role="group" aria-label="Read replicas of <%= h.name %>">
    <h3>Read replicas <span class="muted">(lag bound <%= h.replicas[0].maxLagMs %> ms)</span></h3>
    <table class="table replicas-table">
      <thead><tr><th scope="col">Replica</th><th scope="col">State</th><th scope="col">Lag</th><th scope="col">GTID (replica / primary)</th><th scope="col">IO / SQL</th><th scope="col">Reads</th></tr></thead>
      <tbody>
      <% h.replicas.forEach(function (r) { %>
      <tr data-replica="<%= r.name %>">
        <td class="mono"><%= r.name %><br><span class="muted"><%= r.address %></span></td>
        <td><% if (r.eligible) { %><span class="pill pill-ok">Serving reads</span><% } else { %><span class="pill pill-down"><%= r.state %></span><% } %></td>
        <td><%= r.lagMs === null ? 'unknown' : r.lagMs + ' ms' %><% if (r.secondsBehind !== null) { %> <span class="muted">(<%= r.secondsBehind %> s behind)</span><% } %></td>
        <td class="mono"><%= r.replicaGtid || '—' %> / <%= r.primaryGtid || '—' %></td>
        <td><%= r.ioThread || '?' %> / <%= r.sqlThread || '?' %></td>
        <td><%= r.reads %></td>
      </tr>
      <% if (!r.eligible && r.reason) { %><tr class="replica-reason"><td colspan="6"><span class="muted">Skipped, reads go to the primary:</span> <%= r.reason %></td></tr><% } %>
      <% }) %>
      </tbody>
    </table>
  </div>
  <% } %>
  <% if (h.nodes && h.nodes.length) { %>
  <div class="replicas cluster-nodes" role="group" aria-label="Cluster nodes of <%= h.name %>">
    <h3>Cluster nodes</h3>
    <table class="table nodes-table">
      <thead><tr><th scope="col">Node</th><th scope="col">State</th><th scope="col">Connections</th><th scope="col">Queries</th></tr></thead>
      <tbody>
      <% h.nodes.forEach(function (n) { %>
      <tr data-node="<%= n.host %>:<%= n.port %>">
        <td class="mono"><%= n.host %>:<%= n.port %></td>
        <td><% if (n.healthy) { %><span class="pill pill-ok"><%= n.state || 'up' %></span><% } else { %><span class="pill pill-down"><%= n.state || 'down' %></span><% } %><% if (n.reason) { %><br><span class="muted"><%= n.reason %></span><% } %></td>
        <td><%= n.connections %></td>
        <td><%= n.queries %></td>
      </tr>
      <% }) %>
      </tbody>
    </table>
  </div>
  <% } %>
  <% if (h.error) { %>
  <div class="callout callout-down"><p><strong><%= h.error.code %></strong>: <%= h.error.message %></p><p class="hint"><%= h.error.hint %></p></div>
  <% } %>
  <p class="card-actions"><a class="button" href="/targets/<%= h.name %>/patients">Browse patients</a></p>
</section>
<% }) %>
</div>
`;
