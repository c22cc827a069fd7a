/** The sign-in page: user name, password, the form's anti-forgery token, and why the user is here. */
export const login = `<% layout('@layout') %>
<div class="login">
  <div class="page-head"><h1>Sign in</h1><p class="lead">carepool holds protected health information: every access is recorded.</p></div>
  <% if (it.message) { %><div class="callout callout-<%= it.messageKind %>" role="<%= it.messageKind === 'down' ? 'alert' : 'status' %>"><p><%= it.message %></p><% if (it.messageHint) { %><p class="hint"><%= it.messageHint %></p><% } %></div><% } %>
  <form class="card form" method="post" action="/login">
    <input type="hidden" name="_csrf" value="<%= it.loginToken %>">
    <input type="hidden" name="next" value="<%= it.next %>">
    <div class="field">
      <label for="f-username">User name</label>
      <input id="f-username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="64" value="<%= it.username %>"<%~ it.username ? '' : ' autofocus' %>>
    </div>
    <div class="field">
      <label for="f-password">Password</label>
      <input id="f-password" name="password" type="password" autocomplete="current-password" required maxlength="1024"<%~ it.username ? ' autofocus' : '' %>>
    </div>
    <div class="form-actions"><button class="button button-primary" type="submit">Sign in</button></div>
  </form>
  <p class="hint">No account? An admin creates one with <code>carepool users create NAME --role viewer|clinician|admin</code>.</p>
</div>
`;
