/**
 * An ERD: tabs (each target, the models, the comparison), download links, the differences of a comparison,
 * and the diagram as inline SVG. `it.svg` is inserted raw: it is Graphviz output passed through
 * sanitizeSvg (allow-listed elements and attributes only, names escaped). The diagram fits the page's width;
 * the "Actual size" checkbox (CSS only, no script) shows it at full size instead, scrolling inside its frame,
 * so the text of a 15-20-table schema is readable on a laptop.
 */
export const erd = `<% layout('@layout') %>
<div class="page-head">
  <p class="crumbs"><a href="/">Targets</a> › ERD</p>
  <h1><%= it.heading %></h1>
  <p class="lead"><%= it.lead %></p>
</div>
<nav class="tabs" aria-label="Diagrams">
  <ul>
  <% it.tabs.forEach(function (t) { %>
    <li><a href="<%= t.href %>"<%~ t.current ? ' aria-current="page"' : '' %>><%= t.label %></a></li>
  <% }) %>
  </ul>
</nav>
<% if (it.compareForm) { const f = it.compareForm; %>
<form class="toolbar" method="get" action="/erd/compare">
  <% [['a', 'Left', f.a], ['b', 'Right', f.b]].forEach(function (s) { %>
  <div class="field inline"><label for="erd-<%= s[0] %>"><%= s[1] %></label>
    <select id="erd-<%= s[0] %>" name="<%= s[0] %>">
    <% f.names.forEach(function (n) { %><option value="<%= n %>"<%~ n === s[2] ? ' selected' : '' %>><%= n %></option><% }) %>
    </select>
  </div>
  <% }) %>
  <button class="button" type="submit">Compare</button>
</form>
<% } %>
<% if (it.error) { %>
<div class="callout callout-down" role="alert"><h2>The diagram cannot be drawn right now</h2><p><%= it.error.message %></p><p class="hint"><%= it.error.hint %></p></div>
<% } else { %>
<% if (it.differences) { %>
<% if (it.differences.length === 0) { %>
<div class="callout callout-ok" role="status">The schemas are identical: <%= it.compared.left %> and <%= it.compared.right %> have the same tables, columns, indexes and relationships.</div>
<% } else { %>
<div class="callout callout-warn" role="status">
  <h2><%= it.differences.length %> difference<%= it.differences.length === 1 ? '' : 's' %> between <%= it.compared.left %> and <%= it.compared.right %></h2>
  <ul class="differences"><% it.differences.forEach(function (d) { %><li><%= d %></li><% }) %></ul>
  <p class="legend"><span class="swatch swatch-left"></span> only on <%= it.compared.left %> <span class="swatch swatch-right"></span> only on <%= it.compared.right %> <span class="swatch swatch-changed"></span> different on the two</p>
</div>
<% } %>
<% } %>
<p class="downloads">Download:
<% it.downloads.forEach(function (d) { %><a class="button" href="<%= d.href %>" download><%= d.label %></a><% }) %>
</p>
<% if (it.internal.count > 0) { %>
<p class="erd-internal" data-internal="<%= it.internal.shown ? 'shown' : 'hidden' %>"><% if (it.internal.shown) { %>Showing carepool's <%= it.internal.count %> internal tables (carepool_*: users, tokens, audit trail). <a href="<%= it.internal.href %>">Hide them</a><% } else { %>carepool's <%= it.internal.count %> internal tables (carepool_*: users, tokens, audit trail) are hidden. <a href="<%= it.internal.href %>">Show them</a><% } %></p>
<% } %>
<input type="checkbox" id="erd-actual-size" class="erd-zoom"><label for="erd-actual-size" class="erd-zoom-label">Actual size (a large schema scrolls inside the frame)</label>
<figure class="erd">
  <div class="erd-canvas" role="img" aria-label="<%= it.alt %>">
<%~ it.svg %>
  </div>
  <figcaption><%= it.caption %></figcaption>
</figure>
<% } %>
`;
