/** The audit trail page (admins): filters, then who did what to which patient's data, newest first. */
export const audit = `<% layout('@layout') %>
<div class="page-head">
  <h1>Audit trail</h1>
  <p class="lead">Every read and change of patient data, stored on the target it concerns. No patient data is kept here, only ids.</p>
</div>
<form class="toolbar" method="get" action="/audit">
  <div class="field inline"><label for="f-target">Target</label>
    <select id="f-target" name="target"><% it.targets.forEach(function (t) { %><option<%~ t === it.target ? ' selected' : '' %>><%= t %></option><% }) %></select></div>
  <div class="field inline"><label for="f-patient">Patient id</label><input id="f-patient" name="patient" type="number" min="1" value="<%= it.patient %>"></div>
  <div class="field inline"><label for="f-actor">User</label><input id="f-actor" name="actor" type="text" maxlength="64" value="<%= it.actorFilter %>"></div>
  <button class="button" type="submit">Filter</button>
</form>
<% if (it.error) { %><div class="callout callout-down" role="alert"><p><%= it.error.message %></p><p class="hint"><%= it.error.hint %></p></div><% } %>
<% if (it.events.length === 0 && !it.error) { %><p class="empty">No events match.</p><% } else if (it.events.length > 0) { %>
<div class="table-scroll"><table class="table">
  <caption>Newest first, <%= it.events.length %> event<%= it.events.length === 1 ? '' : 's' %> on <%= it.target %></caption>
  <thead><tr><th scope="col">When (UTC)</th><th scope="col">User</th><th scope="col">Role</th><th scope="col">Action</th><th scope="col">Resource</th><th scope="col" class="num">Id</th><th scope="col" class="num">Patient</th><th scope="col">Outcome</th><th scope="col">Client</th></tr></thead>
  <tbody>
  <% it.events.forEach(function (e) { %><tr><td class="mono"><%= e.at %></td><td><%= e.actor %></td><td><%= e.role %></td><td><%= e.action %></td><td><%= e.resource %></td><td class="num"><%= e.resourceId == null ? '—' : e.resourceId %></td><td class="num"><%= e.patientId == null ? '—' : e.patientId %></td><td><span class="status status-<%= e.outcome === 'success' ? 'completed' : 'cancelled' %>"><%= e.outcome %></span></td><td class="mono"><%= e.client %></td></tr>
  <% }) %>
  </tbody>
</table></div>
<% if (it.olderHref) { %><p class="pager"><a class="button" href="<%= it.olderHref %>">Older events</a></p><% } %>
<% } %>
`;
