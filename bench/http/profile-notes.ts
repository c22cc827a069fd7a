/**
 * What `node --cpu-prof` (and strace) showed where a goal was missed, and what changed: recorded by hand,
 * because a profile is a one-off investigation, not something every run repeats. Rendered under the HTTP
 * tables. Reproduce with `npm run bench -- http --profile` (a summary of each Node server's profile goes
 * to stderr).
 */
export const PROFILE_NOTES = `### Profiles: before and after (recorded 2026-12-01/02, this machine, load average 3-12 from other tenants)

**Before: the benchmark ran the Node servers under tsx** (\`node --import tsx server.ts\`). Rotated A/B
rounds (GET patient, 64 connections, 6 rounds of 4 s, carepool before sign-in and audit were wired in)
put carepool under tsx at 128-165 µs of server CPU per request (median 143) against 117-130 µs (median
123) for the same code compiled to JavaScript, and 4,677 against 5,250 req/s (medians); the bare server,
a single small file, cost the same either way. carepool as deployed runs compiled code (\`carepool serve\`
from dist/), so the benchmark was measuring a handicap users never pay. **After**: the benchmark transpiles
src/ and the server scripts with TypeScript into a temporary directory and runs plain \`node\` on them
(bench/http/compile.ts), the same for carepool and the bare server.

**Remaining gap, carepool as deployed (sign-in + audit, commits 3fcc72b-185adf7) vs the bare server doing
the same database work.** First, **request logging**: \`carepool serve\` logs every request at the default
level \`info\` (Fastify's "incoming request" and "request completed" lines through pino with carepool's
redaction paths). Rotated A/B rounds on GET patient (64 connections, 5 rounds of 4 s, load average 3-6):
server CPU per request, medians, 187 µs with the logger at \`info\`, 167 µs at \`warn\` (no request lines,
but Fastify still makes a child logger per request), 160 µs without a logger: the request lines cost
~20 µs (~12 %). Throughput moved within the noise (3,998 / 3,780 / 4,346 req/s); an earlier 4-round A/B
under heavier load showed 167-194 against 127-152 µs. The "carepool, log level warn" row repeats the
comparison on every run. The rest,
measured without the logger: rotated rounds (64 connections, 4 rounds of 4 s): GET patient 169-246 µs of
server CPU per request for carepool against 99-143 µs for the bare server; POST record 241-292 against
164-217 µs. \`strace -c\` counts the same system calls per response for both (GET: 2 write, 1 writev, 3
read; POST: 4 write, 1 writev, 5 read) and the database sees the same statements (the tables' "SQL
statements/req"), so the difference is JavaScript. Self time per response from \`--cpu-prof\` of both
servers in the same run (GET patient, 64 connections, 2 rotated rounds of 5 s; /proc said 212-238 against
174-175 µs):

| where the time goes (µs per response) | carepool | bare (auth + audit) |
| --- | --- | --- |
| kernel: writes to MariaDB's socket / the HTTP response | 92 / 25 | 86 / 17 |
| mysql2 + sql-escaper (the bare server's mysql2/promise also captures a stack per query) | 22 | 33 |
| Node's http, streams, events | 30 | 33 |
| garbage collection + promise jobs | 27 | 14 |
| security headers (helmet) | 10 | 0 |
| Fastify, its schema serialisers | 13 | 0 |
| application code: src/clinic, src/db (pool), src/audit, Kysely / the bare script | 28 | 15 |
| total busy | ~257 | ~208 |

On writes the largest item is **Kysely, ~41 µs self per response** plus the garbage of its builder
objects. Three causes stand out, all in src/ (owned by the web and clinic work, so reported here rather
than changed):

0. **Two log lines per request at the default level** (above), ~20 µs per request. Options: one line per
   completed request (Fastify's \`disableRequestLogging\` plus an \`onResponse\` line), sampling, or the
   request lines at \`debug\` with \`info\` kept for start-up, errors and slow requests.

1. **@fastify/helmet rebuilds helmet on every request**: its onRequest hook calls \`helmet(configuration)\`
   per request (to support per-route options), so helmet re-parses the Content-Security-Policy directives
   (\`parseDirectives\`, \`dashify\`) and re-creates its middlewares for every response: the largest single
   item carepool adds to a read. The headers themselves (eleven from helmet, plus Cache-Control) make a
   GET patient response carry 709 bytes of headers against the bare server's 151, for the same 658-byte
   body: part of the larger writev. The values never change: compute them once at start and set them in
   one hook (helmet's own issue helmetjs/helmet#430 asks for exactly this).
2. **The write path builds and compiles its Kysely queries on every request** (\`createRecord\`: the INSERT,
   the SELECT of the new row), where \`getPatient\` compiles its statements once per database and swaps the
   parameters; doing the same for the create paths removes most of the ~41 µs.

A third effect is handled by the benchmark: a freshly started carepool spends ~3x the CPU per request for
its first ~2 s (V8 compiling and optimising a much larger code path than the bare server's), so every
server gets a warm-up per workload before the measured rounds.

**carepool ÷ Flask >= 6x** is out of reach on this machine for a reason the table above computes on every
run: MariaDB and autocannon share the two cores with the server, so the req/s ratio is capped by the ratio
of *all* CPU per request (server + database + load generator), and the database's share — about the same
for every server — dilutes carepool's server-CPU advantage (the "Flask ÷ carepool, server CPU" column:
6-20x on reads, 4-5x on writes in these runs). With the database on its own machine, as in the cloud
deployments carepool targets, that server-CPU column is the ratio that matters.`;
