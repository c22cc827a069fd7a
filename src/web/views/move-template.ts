/**
 * The Move page (`/move`, admins): copies with their progress, replication links with lag, the last verify's
 * findings and the last cutover's phases, as they were when the page was rendered. `/static/move.js`
 * re-renders each section from `/api/v1/move` every 2 s; without JavaScript the page is a snapshot.
 * Cards and definition lists only (no wide tables), so nothing scrolls sideways on a phone.
 */
export const moveTemplate = `<% layout('@layout') %>
<div class="page-head">
  <h1>Move</h1>
  <p class="lead">Data moving between targets: <code>carepool copy</code>, <code>verify</code>, <code>replicate</code> and <code>cutover</code> (docs/move.md). This page reads what they record under carepool's home and asks the servers for replication lag.</p>
  <p class="muted" id="move-status" role="status">Snapshot at <%= it.view.at %>. <noscript>JavaScript is off: reload the page to refresh.</noscript></p>
</div>
<section aria-labelledby="move-copies"><h2 id="move-copies">Copies</h2>
<div class="cards" id="move-copy-list">
<% if (it.view.copies.length === 0) { %><p class="empty">No copy yet: <code>carepool copy --from A --to B</code>.</p><% } %>
<% it.view.copies.forEach(function (c) { %>
<section class="card" data-copy="<%= c.from %>-<%= c.to %>">
  <div class="card-head"><h3><%= c.from %> → <%= c.to %></h3><span class="pill <%= c.finishedAt ? 'pill-ok' : 'pill-down' %>"><%= c.finishedAt ? 'Finished' : 'In progress or stopped' %></span></div>
  <progress max="100" value="<%= c.percent %>" aria-label="copy <%= c.from %> to <%= c.to %>"><%= c.percent %> %</progress>
  <dl class="facts">
    <div><dt>Chunks</dt><dd><%= c.chunksDone %> / <%= c.chunks %></dd></div>
    <div><dt>Rows</dt><dd><%= c.rowsDone %> / <%= c.rows %></dd></div>
    <div><dt>Tables</dt><dd><%= c.tables %></dd></div>
    <div><dt>Snapshot</dt><dd><%= c.snapshot %></dd></div>
    <div class="wide"><dt>Source position (GTID)</dt><dd class="mono"><%= c.gtid || '—' %></dd></div>
    <div><dt>Started</dt><dd class="mono"><%= c.startedAt %></dd></div>
    <div><dt>Runs</dt><dd><%= c.runs %></dd></div>
  </dl>
</section>
<% }) %>
</div></section>
<section aria-labelledby="move-repl"><h2 id="move-repl">Replication</h2>
<div class="cards" id="move-repl-list">
<% if (it.view.replication.length === 0) { %><p class="empty">No replication link: <code>carepool replicate start --from A --to B</code> after a copy.</p><% } %>
<% it.view.replication.forEach(function (r) { %>
<section class="card" data-link="<%= r.from %>-<%= r.to %>">
  <div class="card-head"><h3><%= r.from %> → <%= r.to %></h3><span class="pill <%= r.running ? 'pill-ok' : 'pill-down' %>"><%= r.unavailable ? 'Unknown' : (r.running ? 'Running' : 'Not running') %></span></div>
  <% if (r.unavailable) { %><p class="hint"><%= r.unavailable %></p><% } else { %>
  <dl class="facts">
    <div><dt>Lag</dt><dd><%= r.secondsBehind == null ? '—' : r.secondsBehind + ' s' %></dd></div>
    <div><dt>IO / SQL thread</dt><dd><%= r.io %> / <%= r.sql %></dd></div>
    <div><dt>Caught up</dt><dd><%= r.caughtUp == null ? '—' : (r.caughtUp ? 'yes' : 'no') %></dd></div>
    <div class="wide"><dt>Applied GTID</dt><dd class="mono"><%= r.appliedGtid || '—' %></dd></div>
    <div class="wide"><dt>Source GTID</dt><dd class="mono"><%= r.sourceGtid || '—' %></dd></div>
    <% if (r.lastError) { %><div class="wide"><dt>Last error</dt><dd><%= r.lastError %></dd></div><% } %>
  </dl><% } %>
</section>
<% }) %>
</div></section>
<section aria-labelledby="move-verify"><h2 id="move-verify">Last verify</h2>
<div id="move-verify-body">
<% const v = it.view.verify; if (!v) { %><p class="empty">No verify yet: <code>carepool verify A B</code>.</p><% } else { %>
<section class="card">
  <div class="card-head"><h3><%= v.from %> ↔ <%= v.to %></h3><span class="pill <%= v.identical ? 'pill-ok' : 'pill-down' %>"><%= v.identical ? 'Identical' : (v.differenceCount === 1 ? '1 row differs' : v.differenceCount + ' rows differ') %></span></div>
  <dl class="facts">
    <div><dt>When</dt><dd class="mono"><%= v.at %></dd></div>
    <div><dt>Rows/s</dt><dd><%= v.rowsPerSecond %></dd></div>
    <% v.tables.forEach(function (t) { %><div><dt><%= t.table %></dt><dd><%= t.sourceRows %> / <%= t.destRows %> rows, <%= t.differences %> differ</dd></div><% }) %>
  </dl>
  <% if (v.findings.length > 0) { %><ul class="move-findings"><% v.findings.forEach(function (f) { %><li class="mono"><%= f %></li><% }) %></ul><% } %>
</section><% } %>
</div></section>
<section aria-labelledby="move-cutover"><h2 id="move-cutover">Cutover</h2>
<div id="move-cutover-body">
<% const k = it.view.cutover; if (!k) { %><p class="empty">No cutover yet: <code>carepool cutover --from A --to B</code>.</p><% } else { %>
<section class="card">
  <div class="card-head"><h3><%= k.from %> → <%= k.to %></h3><span class="pill <%= k.state === 'done' ? 'pill-ok' : 'pill-down' %>"><%= k.state %></span></div>
  <ol class="move-phases"><% k.phases.forEach(function (p) { %><li><strong><%= p.phase %></strong> <%= p.ok ? 'ok' : 'FAILED' %>, <%= p.ms %> ms<br><span class="muted"><%= p.detail %></span></li><% }) %></ol>
</section><% } %>
<% const names = Object.keys(it.view.redirects); if (names.length > 0) { %><p class="hint" id="move-redirects">This app sends <% names.forEach(function (n, i) { %><%= i > 0 ? ', ' : '' %><%= n %> → <%= it.view.redirects[n] %><% }) %> (after a cutover).</p><% } %>
</div></section>
<p class="hint">JSON: <a href="/api/v1/move">/api/v1/move</a>.</p>
`;
