/**
 * The method paragraphs of the HTTP section: what runs, how it is driven, what each server does per
 * request and what the cost columns mean.
 */
import { HTTP_DATA } from '../sizes.js';
import { POOL_MAX } from './candidates.js';

/** The paragraphs, as lines; `flaskShape` is gunicorn's worker layout as run (e.g. "2 gthread workers × 10 threads"). */
export function methodText(
  r: { readonly rounds: number; readonly seconds: number; readonly warmSeconds: number },
  flaskShape: string | undefined,
): string[] {
  return [
    `Data: ${HTTP_DATA.patients.toLocaleString('en-US')} patients × ${HTTP_DATA.recordsPerPatient} records (${(HTTP_DATA.patients * HTTP_DATA.recordsPerPatient).toLocaleString('en-US')}), seeded by carepool's seed service; writes add rows as they go.`,
    `Every server has a pool of ${POOL_MAX} and its own database user (so its connections can be counted) on the same`,
    `private MariaDB. autocannon (in the benchmark's process), ${r.rounds} rounds of ${r.seconds} s per server after a ${r.warmSeconds} s warm-up,`,
    'the order rotating each round; medians of the rounds (req/s counts 2xx responses only; non-2xx and errors',
    'are totals). The same requests, with the same `Authorization: Bearer` header, go to every server; those',
    'without auth ignore it. The Node',
    'servers run as compiled JavaScript (src/ and the server scripts transpiled by TypeScript into a',
    'temporary directory, as `carepool serve` runs dist/), not under tsx (a loader users never run; it cost',
    'carepool 10-25 % more CPU per request in the A/B of 2026-12-01, benchmarks-history.md).',
    '',
    '- **carepool**: its real web server started as `carepool serve` starts it: `startServer` with Fastify,',
    '  schemas, the security layer (Bearer token checked by `UserStore.verifyToken`, cached 5 s; security',
    '  headers; the audited access guard: reads group-committed, writes audited in their transaction), its own',
    '  pool with metrics observers, the error envelope, and its logger at the default level `info` (events',
    '  only; written to /dev/null here). The benchmark creates a clinician and an API token with `UserStore`',
    '  and checks what the server really does (below).',
    '- **carepool, log level debug**: the same server with `CAREPOOL_LOG_LEVEL=debug`, which adds one log',
    '  line per request (GET patient only): what request logging costs when it is turned on.',
    '- **bare (auth + audit)**: node:http + the mysql2 pool in its best configuration (`mysql2/promise` with',
    "  `trace: false`, text-protocol queries as carepool sends them, carepool's connection options), the same",
    "  SQL text carepool's query layer sends and the same JSON. Token check: the SELECT of carepool's `UserStore.verifyToken` (token hash joined to users),",
    '  cached 5 s per token like carepool, so both ask the database about once per 5 s (carepool also shares',
    '  concurrent lookups of one token and refreshes a busy token just before it expires). Audit: one',
    "  carepool_audit row per request; reads are group-committed with carepool's own `GroupCommit` (one",
    '  multi-row INSERT per <= 2 ms batch; each response waits for its batch), writes insert the row inside',
    "  their transaction: what carepool's `AuditLog` does.",
    '- **bare (auth + audit, 1 INSERT/req)**: the same, but every read sends its own single-row INSERT (GET',
    '  patient only): what auditing costs without group commit.',
    '- **bare (no auth, no audit)**: the bare server without the token check and the audit row.',
    `- **Flask**: the seeds' stack as the seeds ran it, no auth and no audit: Flask + the SQLAlchemy ORM`,
    "  (the seeds' models plus migration 0002's columns; pool_size=20, max_overflow=0, connect_timeout=3,",
    "  pool_timeout = carepool's acquire timeout), one Session per request, the records through the",
    '  relationship (a second SELECT), the list through the same deferred join as carepool (a plain ORDER BY …',
    "  LIMIT is planned as a full scan + filesort: this compares stacks, not plans), under Debian's gunicorn",
    `  (\`python3 -m gunicorn --worker-class gthread\`, ${flaskShape ?? 'one worker per core × 10 threads'}: at most 20 requests, so`,
    '  20 checked-out connections, at once like the others; each worker has its own pool of 20, so 40 are',
    '  configured and "DB connections" shows how many were open; gthread with one worker per core was chosen',
    '  after 5 sync workers (2 × cores + 1) served fewer requests with p50 over 1 s in a run of 2026-12-01).',
    '',
    '"server CPU" is the CPU time of the server\'s processes (gunicorn master + workers summed) per response;',
    '"DB CPU" that of mysqld; "SQL statements/req" the server\'s `Questions` counter per response (the probe\'s',
    'own statements excluded); "DB connections" the most the server\'s user held (process list, sampled every',
    '200 ms). On this shared 2-core machine autocannon, the servers and MariaDB compete for the same cores, so',
    'absolute numbers are low and move with the other tenants: the ratios and the per-request costs are the',
    'steadier view.',
  ];
}
