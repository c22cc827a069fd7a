/**
 * The doctor's report: the verdict, then every failure and warning in one list (each linking to its row),
 * then a card per target with its problems open and its passing checks folded in a `<details>`.
 */
export const doctor = `<% layout('@layout') %>
<div class="page-head">
  <p class="crumbs"><a href="/">Targets</a> › doctor</p>
  <h1>Connection doctor</h1>
  <p class="lead">DNS, TCP, TLS, login, grants, server settings and migration state of each target, checked just now. Every problem says its cause and its fix.</p>
</div>
<form class="toolbar" method="get" action="/doctor">
  <div class="field inline"><label for="doctor-target">Targets</label>
    <select id="doctor-target" name="target">
      <option value="all"<%~ it.selected === 'all' ? ' selected' : '' %>>All targets</option>
      <% it.names.forEach(function (n) { %><option value="<%= n %>"<%~ it.selected === n ? ' selected' : '' %>><%= n %></option><% }) %>
    </select>
  </div>
  <button class="button" type="submit">Run the checks</button>
  <a class="button button-quiet" href="<%= it.jsonHref %>">JSON</a>
</form>
<% if (it.error) { %>
<div class="callout callout-down" role="alert"><h2>The doctor cannot run right now</h2><p><%= it.error.message %></p><p class="hint"><%= it.error.hint %></p></div>
<% } else { const r = it.report; %>
<div class="callout <%= r.status === 'ok' ? 'callout-ok' : (r.status === 'warn' ? 'callout-warn' : 'callout-down') %>" role="status" data-verdict="<%= r.status %>">
  <strong><%= it.verdict %></strong><% if (it.counts) { %> (<%= it.counts %>)<% } %>
</div>
<% const problem = function (f) { return f.status === 'fail' || f.status === 'warn'; }; %>
<% if (it.attention.length > 0) { %>
<section class="card attention" aria-labelledby="d-attention">
  <h2 id="d-attention">Needs attention <span class="count"><%= it.attention.length %></span></h2>
  <ul class="attention-list">
  <% it.attention.forEach(function (a) { %>
    <li><span class="finding-status fs-<%= a.finding.status %>"><%= it.label[a.finding.status] %></span>
      <a href="#f-<%= a.target %>-<%= a.finding.check %>"><strong><%= a.target %></strong> · <span class="mono"><%= a.finding.check %></span></a>
      <span><%= a.finding.summary %></span><% if (a.finding.fix) { %><p class="finding-line"><span class="finding-key">Fix</span> <%= a.finding.fix %></p><% } %></li>
  <% }) %>
  </ul>
</section>
<% } %>
<% r.targets.forEach(function (t) { const bad = t.findings.filter(problem); const rest = t.findings.filter(function (f) { return !problem(f); }); %>
<section class="card doctor-target" aria-labelledby="d-<%= t.target %>" data-target="<%= t.target %>">
  <div class="card-head">
    <h2 id="d-<%= t.target %>"><%= t.target %></h2>
    <span class="finding-status fs-<%= t.status %>"><%= it.label[t.status] %></span>
  </div>
  <p class="mono muted doctor-url"><%= t.url %> · checked in <%= it.took(t.durationMs) %></p>
  <% if (bad.length > 0) { %><%~ include('@findings', { findings: bad, label: it.label, target: t.target }) %><% } %>
  <% if (rest.length > 0) { %>
  <details class="fold">
    <summary><%= it.restSummary(rest) %></summary>
    <%~ include('@findings', { findings: rest, label: it.label, target: t.target }) %>
  </details>
  <% } %>
</section>
<% }) %>
<% if (r.across.length > 0) { %>
<section class="card doctor-target" aria-labelledby="d-across">
  <div class="card-head"><h2 id="d-across">Across targets</h2></div>
  <%~ include('@findings', { findings: r.across, label: it.label, target: 'across' }) %>
</section>
<% } %>
<% } %>
`;

/** The findings table of one target (or of the comparison across targets). */
export const doctorFindings = `<div class="table-scroll">
<table class="table findings">
  <thead><tr><th scope="col">Status</th><th scope="col">Check</th><th scope="col">Finding</th></tr></thead>
  <tbody>
  <% it.findings.forEach(function (f) { %>
    <tr class="finding-<%= f.status %>" data-check="<%= f.check %>" id="f-<%= it.target %>-<%= f.check %>">
      <td><span class="finding-status fs-<%= f.status %>"><%= it.label[f.status] %></span></td>
      <th scope="row" class="mono"><%= f.check %></th>
      <td>
        <%= f.summary %><% if (f.ms !== undefined) { %> <span class="muted">(<%= f.ms %> ms)</span><% } %>
        <% if (f.cause) { %><p class="finding-line"><span class="finding-key">Cause</span> <%= f.cause %></p><% } %>
        <% if (f.fix) { %><p class="finding-line"><span class="finding-key">Fix</span> <%= f.fix %></p><% } %>
        <% if (f.code) { %><p class="finding-line muted mono"><%= f.code %></p><% } %>
      </td>
    </tr>
  <% }) %>
  </tbody>
</table>
</div>
`;
