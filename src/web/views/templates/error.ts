/** An error page: what happened and what to do. */
export const error = `<% layout('@layout') %>
<div class="page-head"><h1><%= it.heading %></h1></div>
<div class="callout callout-down" role="alert">
  <p><strong><%= it.error.code %></strong>: <%= it.error.message %></p>
  <p class="hint"><%= it.error.hint %></p>
</div>
<% if (it.links && it.links.length) { %>
<p>Configured targets:</p>
<ul class="links"><% it.links.forEach(function (l) { %><li><a href="<%= l.href %>"><%= l.label %></a></li><% }) %></ul>
<% } %>
<p><a href="/">Back to the dashboard</a></p>
`;
