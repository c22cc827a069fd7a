/**
 * What `node --cpu-prof` (and strace) showed where a goal was missed, and what changed: recorded by hand,
 * because a profile is a one-off investigation, not something every run repeats. Rendered under the HTTP
 * tables. Reproduce with `npm run bench -- http --profile` (a summary of each Node server's profile goes
 * to stderr).
 */
export const PROFILE_NOTES = `### Profiles: before and after (recorded 2026-12-01/02, this machine, load average 2-12 from other tenants)

**1. The benchmark ran the Node servers under tsx (fixed here).** Rotated A/B rounds (GET patient, 64
connections, 6 rounds of 4 s, carepool before sign-in was wired in) put carepool under
\`node --import tsx\` at 128-165 µs of server CPU per request (median 143) against 117-130 µs (median 123)
for the same code compiled to JavaScript, and 4,677 against 5,250 req/s (medians); the bare server, one
small file, cost the same either way. \`carepool serve\` runs compiled code from dist/, so the benchmark
was charging carepool for a loader users never run. **After**: bench/http/compile.ts transpiles src/ and
the server scripts with TypeScript into a temporary directory and both servers run under plain \`node\`.

**2. Security headers rebuilt on every request (fixed in src by the web work, 45ed40a).** Profiled at
33b870b, @fastify/helmet called \`helmet(configuration)\` per request (its per-route support), re-parsing
the Content-Security-Policy (\`parseDirectives\`, \`dashify\`): 10 µs of self time per GET response, the
largest single item sign-in added to a read (helmetjs/helmet#430 asks for the same fix). Since 45ed40a the
headers are computed once at start and helmet is gone from the profile; the responses still carry them
(709 bytes of headers against the bare server's 151 for the same 658-byte GET body).

**3. What carepool as deployed still adds (HEAD 624bff4).** \`strace -c\` counts the same system calls per
response for carepool and the bare server (GET: 2 write, 1 writev, 3 read; POST: 4 write, 1 writev, 5 read)
and the database sees the same statements ("SQL statements/req" above), so the difference is JavaScript.
Self time per response, \`--cpu-prof\` of both servers in the same run (64 connections, 2 rotated rounds
of 5 s each workload; the last row is /proc's CPU per request for the same rounds):

| µs per response | GET carepool | GET bare (auth + audit) | POST carepool | POST bare (auth + audit) |
| --- | --- | --- | --- | --- |
| kernel: writes to MariaDB's socket + the HTTP response | 93 + 12 | 104 + 13 | 137 + 42 | 132 + 35 |
| mysql2 + sql-escaper (the bare server's mysql2/promise captures a stack per query) | 18 | 36 | 13 | 27 |
| Node's http, streams, events | 21 | 21 | 25 | 19 |
| garbage collection + promise jobs | 29 | 11 | 22 | 7 |
| request logging: pino, redaction, the writes | 13 | 0 | 19 | 0 |
| Fastify: routing, body parsing, serialisers | 7 | 0 | 13 | 0 |
| carepool's clinic, pool, audit guard, web / the bare script | 18 | 14 | 20 | 6 |
| Kysely | 6 | 0 | 22 | 0 |
| total busy (profile) | ~227 | ~207 | ~320 | ~234 |
| server CPU per request (/proc) | 208-268 | 172-189 | 314-377 | 192-197 |

On reads what is left is small and spread out; on writes three items make most of the gap, all in
src/ (owned by the web and clinic work, so reported here rather than changed):

- **Two log lines per request at the default level \`info\`** (Fastify's "incoming request" and "request
  completed"). A/B on GET patient (5 rotated rounds of 4 s, load 3-6): median server CPU 187 µs with the
  logger at \`info\`, 167 at \`warn\`, 160 with no logger, so ~20 µs per request; throughput moved within
  the noise. The "carepool, log level warn" row repeats it on every run. Options: one line per completed
  request (\`disableRequestLogging\` plus an \`onResponse\` line), sampling, or request lines at \`debug\`.
- **Kysely queries built and compiled on every write** (\`createRecord\`: the INSERT and the SELECT of the
  new row; 22-41 µs self in different runs, plus the garbage of the builder objects), where \`getPatient\`
  compiles its statements once per database and swaps the parameters: the same for the create paths
  removes most of it.
- **Garbage**: carepool allocates more per request (Fastify's request and reply, Kysely nodes, the guard's
  closures, promise chains): 22-29 µs of GC and promise jobs against 7-11.

A freshly started carepool also spends ~3x the CPU per request for its first ~2 s (V8 compiling and
optimising a much larger code path than the bare server's), so every server gets a 3 s warm-up per
workload before the measured rounds.

**4. Overload.** At 200 connections every server spends more CPU per request than at 64 (the overload
table's CPU column). In a rotated run on a quieter machine (load ~2.5): carepool 178-204 µs at 64 and
220-241 at 200, the bare server 122-124 and 144-152, so both lose ~15-20 % of their throughput on these
two shared cores (carepool 0.81x of its 64-connection rate, the bare server 0.86x). carepool's profile at
200 connections shows where its share goes: GC grows from 12 to 32 µs per response, because 180 queued
requests keep their objects alive past the young-generation collections. Latency stays bounded: p99 a few
hundred ms against the 2,000 ms acquire timeout, no 503s, 20 connections.

**5. carepool ÷ Flask >= 6x** is capped on this machine by a reason the table above computes on every run:
MariaDB and autocannon share the two cores with the server, so the req/s ratio cannot exceed the ratio of
*all* CPU per request (server + database + load generator), and the database's share, about the same for
every server, dilutes carepool's server-CPU advantage (the "Flask ÷ carepool, server CPU" column: 7-13x on
reads, 4-5x on writes in these runs). Reads reach 6x when the machine is quiet enough; writes cannot here.
With the database on its own machine, as in the cloud deployments carepool targets, the server-CPU column
is the ratio that matters.`;
