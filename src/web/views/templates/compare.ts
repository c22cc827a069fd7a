/** The same patient on every target, side by side; differing fields highlighted and labelled. */
export const compare = `<% layout('@layout') %>
<div class="page-head">
  <p class="crumbs"><a href="/">Targets</a> › compare</p>
  <h1>Compare patient <%= it.id === null ? '' : it.id %> across targets</h1>
</div>
<form class="toolbar" method="get" action="/compare">
  <div class="field inline"><label for="id">Patient ID</label><input id="id" name="id" type="number" min="1" value="<%= it.id === null ? '' : it.id %>" required></div>
  <button class="button" type="submit">Compare</button>
</form>
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
