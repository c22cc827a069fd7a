/** A create/edit form generated from the model's fields, with an error summary and inline messages. */
export const form = `<% layout('@layout') %>
<div class="page-head">
  <p class="crumbs"><a href="/">Targets</a> › <a href="/targets/<%= it.target %>/patients"><%= it.target %></a><% if (it.backHref) { %> › <a href="<%= it.backHref %>"><%= it.backLabel %></a><% } %></p>
  <h1><%= it.heading %></h1>
</div>
<% const errs = it.errors || {}; const names = Object.keys(errs); %>
<% if (names.length > 0) { %>
<div class="callout callout-down" role="alert" aria-labelledby="err-title" tabindex="-1" id="error-summary">
  <h2 id="err-title">Please fix <%= names.length === 1 ? 'this field' : 'these ' + names.length + ' fields' %></h2>
  <ul><% names.forEach(function (n) { %><li><a href="#f-<%= n %>"><%= errs[n] %></a></li><% }) %></ul>
</div>
<% } %>
<form class="card form" method="post" action="<%= it.action %>" novalidate>
<% if (it.formToken) { %><input type="hidden" name="_csrf" value="<%= it.formToken %>"><% } %>
<% Object.entries(it.hidden || {}).forEach(function (h) { %><input type="hidden" name="<%= h[0] %>" value="<%= h[1] %>">
<% }) %>
<% it.fields.forEach(function (f) { const v = it.values[f.name]; const e = errs[f.name]; %>
  <div class="field<%= e ? ' has-error' : '' %>">
    <label for="f-<%= f.name %>"><%= f.label %><% if (!f.required && f.kind !== 'boolean') { %> <span class="muted">(optional)</span><% } %></label>
    <% if (e) { %><p class="error" id="e-<%= f.name %>"><%= e %></p><% } %>
    <% if (f.kind === 'boolean') { %>
    <input id="f-<%= f.name %>" name="<%= f.name %>" type="checkbox" value="true"<%~ v === true || v === 'true' ? ' checked' : '' %><%~ e ? ' aria-invalid="true" aria-describedby="e-' + f.name + '"' : '' %>>
    <% } else if (f.kind === 'enum') { %>
    <select id="f-<%= f.name %>" name="<%= f.name %>"<%~ e ? ' aria-invalid="true" aria-describedby="e-' + f.name + '"' : '' %>>
      <% if (f.nullable) { %><option value="">—</option><% } else if (v == null || v === '') { %><option value="" selected>Choose…</option><% } %>
      <% f.values.forEach(function (o) { %><option<%~ v === o ? ' selected' : '' %>><%= o %></option><% }) %>
    </select>
    <% } else if (f.maxLength && f.maxLength > 120) { %>
    <textarea id="f-<%= f.name %>" name="<%= f.name %>" rows="3" maxlength="<%= f.maxLength %>"<%~ f.required ? ' required' : '' %><%~ e ? ' aria-invalid="true" aria-describedby="e-' + f.name + '"' : '' %>><%= v == null ? '' : v %></textarea>
    <% } else { %>
    <% /* A date input shows nothing for a value it cannot parse (2023-02-30), so a rejected date comes back as text: the user sees and fixes what they typed. */ %>
    <input id="f-<%= f.name %>" name="<%= f.name %>" type="<%= f.kind === 'date' && e ? 'text' : f.kind === 'date' ? 'date' : f.kind === 'datetime' ? 'datetime-local' : f.kind === 'int' ? 'number' : f.name === 'contact_number' ? 'tel' : 'text' %>" value="<%= v == null ? '' : f.kind === 'datetime' ? String(v).replace(' ', 'T').slice(0, 16) : v %>"<%~ f.maxLength ? ' maxlength="' + f.maxLength + '"' : '' %><%~ f.required ? ' required' : '' %><%~ f.kind === 'date' && e ? ' placeholder="YYYY-MM-DD" inputmode="numeric"' : '' %><%~ f.suggestions ? ' list="l-' + f.name + '"' : '' %><%~ e ? ' aria-invalid="true" aria-describedby="e-' + f.name + '"' : '' %>>
    <% if (f.suggestions) { %><datalist id="l-<%= f.name %>"><% f.suggestions.forEach(function (s) { %><option value="<%= s %>"><% }) %></datalist><% } %>
    <% } %>
  </div>
<% }) %>
  <div class="form-actions">
    <button class="button button-primary" type="submit"><%= it.submitLabel %></button>
    <a class="button button-quiet" href="<%= it.cancelHref %>">Cancel</a>
  </div>
</form>
`;
