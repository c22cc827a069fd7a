import { CODES } from '../errors/codes/index.js';
import { bendInPhases, bendInTime, spikeRecovery, sweepKnee } from './knee.js';
import type { LoadResult } from './run-load.js';
import type { RunResult } from './run-once.js';
import { clientErrors, failedResponses, isClientError } from './summarize.js';

const n = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 1 });
const queued = (count: number) => `${n(count)} ${count === 1 ? 'request' : 'requests'} queued`;
const ms = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : `${n(v)} ms`);

/**
 * Written observations derived from the numbers only (pure): throughput and latency, where p99 bends,
 * whether the server ever saw more connections than the pool allows, how the pool queued, and which errors
 * appeared and why. The report, the terminal and docs/observations.md quote these lines.
 */
export function observe(result: Omit<LoadResult, 'observations'>): string[] {
  const lines: string[] = [];
  if (result.sweep) {
    lines.push(...sweepKnee(result.sweep));
  }
  for (const run of result.runs) {
    if (result.sweep) {
      lines.push(sweepRun(run));
      lines.push(...errors(run, `Pool max ${run.poolMax}: `).filter((l) => !l.includes('Every request')));
      continue;
    }
    const prefix = '';
    lines.push(prefix + overview(run));
    if (result.runs.length === 1) {
      if (result.scenario === 'ramp') lines.push(bendInPhases(run));
      else lines.push(bendInTime(run));
      if (result.scenario === 'spike') lines.push(spikeRecovery(run));
    }
    lines.push(...connections(run, prefix));
    lines.push(...errors(run, prefix));
  }
  return lines;
}

/** One line per pool size of a sweep: figures, and whether the server ever saw more than the pool. */
function sweepRun(run: RunResult): string {
  const s = run.summary;
  const servers = run.targets.map((t) => {
    const peak = s.targets[t.name]?.peakAppUserConnections;
    const wait = s.targets[t.name]?.acquire?.p99;
    return `${t.name} ${peak ?? '?'}/${t.poolMax} connections (acquire p99 ${ms(wait)})`;
  });
  const over = run.targets.some((t) => (s.targets[t.name]?.peakAppUserConnections ?? 0) > t.poolMax);
  return `Pool max ${run.poolMax}: ${n(s.rps)} req/s, p50 ${ms(s.latency?.p50)}, p99 ${ms(s.latency?.p99)}; server-side peak ${servers.join(', ')}${over ? ': ABOVE the pool max (another client of the same user?)' : ', never above the pool max'}.`;
}

function overview(run: RunResult): string {
  const s = run.summary;
  const l = s.latency;
  const slow = run.slowRequests
    ? ` Half of the requests were slow on purpose (each held a connection for ${run.phases[0]?.slowMs ?? 0} ms).`
    : '';
  return (
    `${n(s.requests)} responses in ${n(s.durationS)} s: ${n(s.rps)} req/s on average, ${n(s.peakRps)} req/s in the best 250 ms window, ` +
    `with up to ${s.peakConcurrency} concurrent clients. Latency p50 ${ms(l?.p50)}, p95 ${ms(l?.p95)}, p99 ${ms(l?.p99)}, max ${ms(l?.max)}.${slow}`
  );
}

function connections(run: RunResult, prefix: string): string[] {
  const lines: string[] = [];
  for (const t of run.targets) {
    const s = run.summary.targets[t.name];
    if (s === undefined) continue;
    const parts: string[] = [];
    const appUser = s.peakAppUserConnections;
    if (appUser === null) {
      parts.push("the app user's server-side connections could not be read");
    } else if (appUser <= t.poolMax) {
      parts.push(
        `the server counted at most ${appUser} connections of the app user (PROCESSLIST), never above the pool max of ${t.poolMax}`,
      );
    } else {
      parts.push(
        `the server counted up to ${appUser} connections of the app user, above the pool max of ${t.poolMax}: PROCESSLIST counts every client of that user, so another process (a second carepool, a test, a console) was connected as the same user at the same time`,
      );
    }
    if (s.peakTotal !== null) parts.push(`the pool itself held at most ${s.peakTotal} open connections`);
    if (s.peakThreadsConnected !== null) {
      const of = t.maxConnections ? ` of max_connections ${t.maxConnections}` : '';
      parts.push(`Threads_connected peaked at ${s.peakThreadsConnected}${of}`);
    }
    if (s.abortedConnects !== null) {
      parts.push(
        s.abortedConnects === 0
          ? 'no connection attempt was aborted (Aborted_connects unchanged)'
          : `Aborted_connects grew by ${s.abortedConnects}: handshakes that failed (wrong password, TLS refused, connect timeout) during the run`,
      );
    }
    lines.push(`${prefix}${cap(t.name)}: ${parts.join('; ')}.`);
    lines.push(`${prefix}${cap(t.name)}: ${queueing(s, t.acquireTimeoutMs)}`);
  }
  return lines;
}

function queueing(s: NonNullable<RunResult['summary']['targets'][string]>, acquireTimeoutMs: number): string {
  const a = s.acquire;
  if (s.peakWaiting === null && a === null)
    return 'pool gauges were not visible (remote server without a live feed).';
  if (!s.peakWaiting && (a === null ? (s.worstAcquireP99 ?? 0) < 1 : a.p99 < 1)) {
    return `no request ever waited for a connection (acquire p99 ${ms(a?.p99 ?? s.worstAcquireP99 ?? 0)}): the pool was never the bottleneck.`;
  }
  if (a === null) {
    return `up to ${queued(s.peakWaiting ?? 0)} for a connection; the worst 250 ms window's acquire-wait p99 was ${ms(s.worstAcquireP99)} (from the server's live feed).${s.timeouts > 0 ? ` ${n(s.timeouts)} callers gave up at the ${n(acquireTimeoutMs)} ms acquire timeout.` : ''}`;
  }
  const timeouts =
    s.timeouts > 0
      ? ` ${n(s.timeouts)} callers gave up at the ${n(acquireTimeoutMs)} ms acquire timeout.`
      : ' Nobody reached the acquire timeout.';
  if (!s.peakWaiting) {
    return `no sample caught a request queued for a connection, yet some acquires took time (p50 ${ms(a?.p50)}, p99 ${ms(a?.p99)}, max ${ms(a?.max)}): an acquire that has to open a new connection (warm-up) or ping one idle for over 500 ms waits for that round trip, and short queues can form and clear between two samples.${timeouts}`;
  }
  return `up to ${queued(s.peakWaiting)} for a connection; acquire wait p50 ${ms(a?.p50)}, p95 ${ms(a?.p95)}, p99 ${ms(a?.p99)}, max ${ms(a?.max)}.${timeouts}`;
}

function errors(run: RunResult, prefix: string): string[] {
  const s = run.summary;
  const failed = failedResponses(s);
  const client = clientErrors(s);
  if (failed === 0 && client === 0)
    return [`${prefix}Every request succeeded: no error status and no client error.`];
  const lines: string[] = [];
  const timeoutMs = run.targets[0]?.acquireTimeoutMs ?? 0;
  for (const [code, count] of Object.entries(s.errors).sort((a, b) => b[1] - a[1])) {
    lines.push(`${prefix}${n(count)} × ${code}: ${why(code, timeoutMs, run)}`);
  }
  const unavailable = s.status['503'] ?? 0;
  const poolTimeouts = Object.values(s.targets).reduce((t, x) => t + x.timeouts, 0);
  if (poolTimeouts > (s.errors.CAREPOOL_DB_POOL_TIMEOUT ?? 0)) {
    lines.push(
      `${prefix}The pools counted ${n(poolTimeouts)} acquire timeouts but the load generator saw ${n(s.errors.CAREPOOL_DB_POOL_TIMEOUT ?? 0)} such 503s. The others ended without a 503 reaching a client: requests still queued when the run ended (nobody was waiting for their answer any more), or sign-in checks (token or session lookups) that timed out on the first target and were answered by the next.`,
    );
  }
  if (unavailable > 0) {
    const share = Math.round((s.retryAfter / unavailable) * 1000) / 10;
    lines.push(
      `${prefix}${n(unavailable)} responses were 503; ${n(s.retryAfter)} of them (${share} %) carried Retry-After, telling clients when to try again instead of hammering a saturated pool. The slowest 503 took ${ms(s.slowest503)}: callers learn about saturation within the acquire timeout (${n(timeoutMs)} ms) plus the request's own overhead, not after a hang.`,
    );
  }
  return lines;
}

function why(code: string, acquireTimeoutMs: number, run: RunResult): string {
  if (code === 'CAREPOOL_DB_POOL_TIMEOUT') {
    return `the request waited the whole acquire timeout (${n(acquireTimeoutMs)} ms) for one of the pool's ${run.poolMax} connections and was answered 503 instead of queueing forever (mysql2's own pool has no such timeout, #673). More clients than connections, ${run.slowRequests ? 'with slow requests holding connections, ' : ''}is exactly what queues.`;
  }
  if (code === 'CAREPOOL_AUDIT_WRITE_FAILED') {
    return `the data was read, but its audit event could not get a connection within the acquire timeout (${n(acquireTimeoutMs)} ms) either, although audit batches go ahead of the queue: every connection was busy${run.slowRequests ? ' with slow requests' : ''}. The access was refused, so no patient data left unaudited.`;
  }
  if (isClientError(code)) {
    if (code === 'timeout') return 'no answer within the client timeout (10 s): the server was overloaded.';
    return 'the load generator got no HTTP answer (connection error).';
  }
  if (code.startsWith('HTTP_')) return `an HTTP ${code.slice(5)} without carepool's error envelope.`;
  const spec = (CODES as Readonly<Record<string, { title: string }>>)[code];
  return spec ? spec.title : 'an error code this version does not know.';
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
