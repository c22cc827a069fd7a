/** The same patient on every target, side by side; differing fields highlighted and labelled. */
export const compare = `<% layout('@layout') %>
<div class="page-head">
  <p class="crumbs"><a href="/">Targets</a> › compare</p>
  <h1>Compare patient <%= it.id === null ? '' : it.id %> across targets</h1>
</div>
<form class="toolbar" method="get" action="/compare">
  <div class="field inline"><label for="q">Patient name or ID</label><input id="q" name="q" type="search" maxlength="100" value="<%= it.q || (it.id === null ? '' : it.id) %>" placeholder="e.g. Garcia or 42" required></div>
  <button class="button" type="submit">Find</button>
</form>
<% if (it.matches) { %>
<% if (it.matches.length === 0) { %><p class="empty">No patient named "<%= it.q %>" on any target.</p>
<% } else { %>
<div class="table-scroll"><table class="table" id="matches">
  <caption>Patients matching "<%= it.q %>": choose one to compare it across targets</caption>
  <thead><tr><th scope="col">Name</th><th scope="col">Date of birth</th><th scope="col" class="num">ID</th><th scope="col">Found on</th></tr></thead>
  <tbody>
  <% it.matches.forEach(function (m) { %><tr><td><a href="/compare/patients/<%= m.id %>"><%= m.name %></a></td><td><%= m.dateOfBirth %></td><td class="num"><%= m.id %></td><td><%= m.targets.join(', ') %></td></tr>
  <% }) %>
  </tbody>
</table></div>
<% } %>
<% } %>
<% if (it.cmp) { const c = it.cmp; %>
<% if (c.identical) { %><div class="callout callout-ok" role="status">Identical on every target.</div>
<% } else if (c.differences.length > 0) { %><div class="callout callout-warn" role="status"><strong><%= c.differences.length %> difference<%= c.differences.length === 1 ? '' : 's' %></strong> between targets, highlighted below.</div><% } %>
<% c.targets.forEach(function (t) { if (t.status !== 'ok') { %>
<div class="callout <%= t.status === 'error' ? 'callout-down' : 'callout-warn' %>"><strong><%= t.target %></strong>: <%= t.status === 'missing' ? 'has no patient with this id' : t.error.message %></div>
<% } }) %>
<div class="table-scroll">
<table class="table compare">
  <caption>Patient <%= c.id %> on <%= c.targets.length %> targets</caption>
  <thead><tr><th scope="col">Field</th><% c.targets.forEach(function (t) { %><th scope="col"><a href="/targets/<%= t.target %>/patients/<%= c.id %>"><%= t.target %></a></th><% }) %></tr></thead>
  <tbody>
  <% it.rows.forEach(function (r) { %>
    <tr class="<%= r.section ? 'section' : (r.differs ? 'diff' : '') %>">
      <th scope="row"><%= r.label %><% if (r.differs) { %> <span class="badge">differs</span><% } %></th>
      <% if (r.section) { %><td colspan="<%= c.targets.length %>"></td><% } else { r.cells.forEach(function (v) { %><td><%= v %></td><% }) } %>
    </tr>
  <% }) %>
  </tbody>
</table>
</div>
<% } %>
`;
