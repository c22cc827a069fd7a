/** The patient list of one target: search, sort, keyset paging. */
export const patients = `<% layout('@layout') %>
<div class="page-head row">
  <div>
    <p class="crumbs"><a href="/">Targets</a> › <%= it.target %></p>
    <h1>Patients on <%= it.target %></h1>
  </div>
  <a class="button button-primary" href="/targets/<%= it.target %>/patients/new">Add patient</a>
</div>
<form class="toolbar" method="get" action="/targets/<%= it.target %>/patients" role="search">
  <div class="field inline">
    <label for="q">Search by name or id</label>
    <input id="q" name="q" type="search" value="<%= it.q %>" maxlength="100" placeholder="e.g. Garcia or Ana Garcia">
  </div>
  <div class="field inline">
    <label for="sort">Sort</label>
    <select id="sort" name="sort">
      <% [['name','Name A–Z'],['-name','Name Z–A'],['id','Oldest first'],['-id','Newest first']].forEach(function (o) { %>
      <option value="<%= o[0] %>"<%~ it.sort === o[0] ? ' selected' : '' %>><%= o[1] %></option>
      <% }) %>
    </select>
  </div>
  <button class="button" type="submit">Search</button>
  <% if (it.q) { %><a class="button button-quiet" href="/targets/<%= it.target %>/patients">Clear</a><% } %>
</form>
<% if (it.error) { %>
<div class="callout callout-down" role="alert"><h2>Patients on <%= it.target %> cannot be listed right now</h2><p><%= it.error.message %></p><p class="hint"><%= it.error.hint %></p></div>
<% } else if (it.page.items.length === 0) { %>
<p class="empty">No patients<%= it.q ? ' match "' + it.q + '"' : ' yet' %>.</p>
<% } else { %>
<div class="table-scroll"><table class="table">
  <caption class="sr-only">Patients on <%= it.target %></caption>
  <thead><tr><th scope="col">Name</th><th scope="col">Date of birth</th><th scope="col">Gender</th><th scope="col">Contact</th><th scope="col" class="num">ID</th></tr></thead>
  <tbody>
  <% it.page.items.forEach(function (p) { %>
    <tr><td><a href="/targets/<%= it.target %>/patients/<%= p.id %>"><%= p.last_name %>, <%= p.first_name %></a><% if (p.is_deceased) { %> <span class="status status-cancelled">deceased</span><% } %></td><td><%= p.date_of_birth %></td><td><%= p.gender %></td><td><%= p.contact_number || '—' %></td><td class="num"><%= p.id %></td></tr>
  <% }) %>
  </tbody>
</table></div>
<nav class="pager" aria-label="Pages">
  <% if (it.cursor) { %><a class="button" href="<%= it.firstHref %>">« First page</a><% } %>
  <% if (it.nextHref) { %><a class="button" href="<%= it.nextHref %>" rel="next">Next page »</a><% } %>
  <span class="muted"><%= it.page.items.length %> shown</span>
</nav>
<% } %>
`;
