/** A confirmation step for deletes (works without JavaScript). */
export const confirm = `<% layout('@layout') %>
<div class="page-head"><h1><%= it.heading %></h1></div>
<div class="card">
  <p><%= it.message %></p>
  <form method="post" action="<%= it.action %>" class="form-actions">
    <% if (it.formToken) { %><input type="hidden" name="_csrf" value="<%= it.formToken %>"><% } %>
    <button class="button button-danger" type="submit"><%= it.submitLabel %></button>
    <a class="button button-quiet" href="<%= it.cancelHref %>">Cancel</a>
  </form>
</div>
`;
