/** One patient with their medical records. */
export const patient = `<% layout('@layout') %>
<% const p = it.patient; %>
<div class="page-head row">
  <div>
    <p class="crumbs"><a href="/">Targets</a> › <a href="/targets/<%= it.target %>/patients"><%= it.target %></a> › patient <%= p.id %></p>
    <h1><%= p.first_name %> <%= p.last_name %></h1>
    <p class="lead" data-summary><% if (it.age !== null) { %><span data-age><%= it.age %> year<%= it.age === 1 ? '' : 's' %> old</span> · <% } %><%= p.gender %> · born <%= p.date_of_birth %><% if (p.is_deceased) { %> · <span class="status status-cancelled">deceased</span><% } %></p>
  </div>
  <div class="actions">
    <a class="button" href="/compare/patients/<%= p.id %>">Compare across targets</a>
    <a class="button" href="/targets/<%= it.target %>/patients/<%= p.id %>/edit">Edit</a>
    <a class="button button-danger" href="/targets/<%= it.target %>/patients/<%= p.id %>/delete">Delete</a>
  </div>
</div>
<section class="card" aria-labelledby="details">
  <h2 id="details">Details</h2>
  <dl class="facts">
  <% it.patientFields.forEach(function (f) { %>
    <div><dt><%= f.label %></dt><dd><%= it.show(p[f.name]) %></dd></div>
    <% if (f.name === 'date_of_birth' && it.age !== null) { %><div><dt>Age</dt><dd><%= it.age %></dd></div><% } %>
  <% }) %>
    <div><dt>ID on <%= it.target %></dt><dd><%= p.id %></dd></div>
  </dl>
</section>
<section class="card" aria-labelledby="records">
  <div class="card-head">
    <h2 id="records">Medical records <span class="count"><%= p.medical_records.length %></span></h2>
    <a class="button button-primary" href="/targets/<%= it.target %>/patients/<%= p.id %>/records/new">Add medical record</a>
  </div>
  <% if (p.medical_records.length === 0) { %>
  <p class="empty">No medical records yet.</p>
  <% } else { %>
  <div class="table-scroll"><table class="table">
    <caption class="sr-only">Medical records of <%= p.first_name %> <%= p.last_name %></caption>
    <thead><tr><th scope="col">Admitted</th><th scope="col">Discharged</th><th scope="col">Diagnosis</th><th scope="col">Treatment</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
    <tbody>
    <% p.medical_records.forEach(function (r) { %>
      <tr id="record-<%= r.id %>"><td><%= r.admission_date %></td><td><%= r.discharge_date || 'in care' %></td><td><%= r.diagnosis %></td><td><%= r.treatment || '—' %></td>
      <td class="row-actions"><a href="/targets/<%= it.target %>/records/<%= r.id %>/edit">Edit<span class="sr-only"> record <%= r.id %></span></a> <a href="/targets/<%= it.target %>/records/<%= r.id %>/delete">Delete<span class="sr-only"> record <%= r.id %></span></a></td></tr>
    <% }) %>
    </tbody>
  </table></div>
  <% } %>
</section>
<section class="card" aria-labelledby="appointments">
  <div class="card-head">
    <h2 id="appointments">Appointments <span class="count"><%= p.appointments.length %></span></h2>
    <a class="button button-primary" href="/targets/<%= it.target %>/patients/<%= p.id %>/appointments/new">Book appointment</a>
  </div>
  <% if (p.appointments.length === 0) { %>
  <p class="empty">No appointments.</p>
  <% } else { %>
  <div class="table-scroll"><table class="table">
    <caption class="sr-only">Appointments of <%= p.first_name %> <%= p.last_name %></caption>
    <thead><tr><th scope="col">When</th><th scope="col">Reason</th><th scope="col">Status</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
    <tbody>
    <% p.appointments.forEach(function (a) { %>
      <tr id="appointment-<%= a.id %>"><td><%= String(a.scheduled_at).slice(0, 16) %></td><td><%= a.reason %></td><td><span class="status status-<%= a.status %>"><%= a.status.replace('_', ' ') %></span></td>
      <td class="row-actions"><a href="/targets/<%= it.target %>/appointments/<%= a.id %>/edit">Edit<span class="sr-only"> appointment <%= a.id %></span></a> <a href="/targets/<%= it.target %>/appointments/<%= a.id %>/delete">Delete<span class="sr-only"> appointment <%= a.id %></span></a></td></tr>
    <% }) %>
    </tbody>
  </table></div>
  <% } %>
</section>
`;
