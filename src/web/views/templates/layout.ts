/**
 * The page frame: skip link, header with navigation, target banners, main landmark, footer.
 *
 * The navigation sits in a `<details>` element so small screens get a "Menu" button that opens it without
 * JavaScript; from 1024 px the stylesheet hides the button and shows the links in one row (see styles.ts).
 */
export const layout = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><%= it.title %> · carepool</title>
<link rel="stylesheet" href="/static/app.css">
<link rel="icon" href="data:,">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <div class="wrap top-inner">
    <a class="brand" href="/"><span class="logo" aria-hidden="true">✚</span> carepool</a>
    <% if (it.actor) { const admin = it.actor.role === 'admin' || it.actor.role === 'local'; %>
    <details class="menu">
      <summary><span class="menu-icon" aria-hidden="true">☰</span> Menu</summary>
      <nav aria-label="Main">
        <ul>
          <li><a href="/"<%~ it.nav === 'dashboard' ? ' aria-current="page"' : '' %>>Dashboard</a></li>
          <% it.layoutTargets.forEach(function (t) { %>
          <li><a href="/targets/<%= t.name %>/patients"<%~ it.nav === 'target:' + t.name ? ' aria-current="page"' : '' %>>Patients · <%= t.name %><% if (t.down) { %> <span class="dot dot-down" title="down">●</span><% } %></a></li>
          <% }) %>
          <li><a href="/compare"<%~ it.nav === 'compare' ? ' aria-current="page"' : '' %>>Compare</a></li>
          <li><a href="/erd"<%~ it.nav === 'erd' ? ' aria-current="page"' : '' %>>ERD</a></li>
          <li><a href="/live"<%~ it.nav === 'live' ? ' aria-current="page"' : '' %>>Live</a></li>
          <% if (admin) { %><li><a href="/doctor"<%~ it.nav === 'doctor' ? ' aria-current="page"' : '' %>>Doctor</a></li>
          <li><a href="/audit"<%~ it.nav === 'audit' ? ' aria-current="page"' : '' %>>Audit</a></li>
          <li><a href="/move"<%~ it.nav === 'move' ? ' aria-current="page"' : '' %>>Move</a></li><% } %>
          <li><a href="/docs">API</a></li>
        </ul>
      </nav>
    </details>
    <div class="who"><% if (it.actor.role === 'local') { %><span class="who-name">Local access · no sign-in</span><% } else { %><span class="who-name" title="<%= it.actor.name %> · <%= it.actor.role %>"><%= it.actor.name %> · <%= it.actor.role %></span>
      <form method="post" action="/logout"><input type="hidden" name="_csrf" value="<%= it.formToken %>"><button class="button button-quiet button-small" type="submit">Sign out</button></form><% } %></div>
    <% } %>
  </div>
</header>
<% it.banners.forEach(function (b) { %>
<div class="banner banner-<%= b.kind %>" role="<%= b.kind === 'down' ? 'alert' : 'status' %>">
  <div class="wrap"><strong><%= b.title %></strong> <%= b.message %><% if (b.hint) { %> <span class="hint"><%= b.hint %></span><% } %></div>
</div>
<% }) %>
<main id="main" class="wrap" tabindex="-1">
<%~ it.body %>
</main>
<footer class="wrap foot">carepool · serving <%= it.layoutTargets.length %> target<%= it.layoutTargets.length === 1 ? '' : 's' %><% if (it.actor) { %> · <a href="/docs">API reference</a> · <a href="/metrics">metrics</a><% } %></footer>
<% if (it.script) { %><script src="<%= it.script %>" defer></script><% } %>
</body>
</html>
`;
