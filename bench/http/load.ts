/**
 * One measured autocannon run against one candidate: client-side throughput (2xx responses only) and
 * latency, status codes (503s with and without Retry-After), and what it cost the server process and the
 * database.
 */
import autocannon from 'autocannon';
import { treeCpuMs } from '../lib/proc.js';
import type { Candidate } from './candidates.js';
import type { DbProbe } from './db-probe.js';

/** A request shape: the same bytes go to every candidate. */
export interface Workload {
  readonly method: 'GET' | 'POST';
  /** A fresh path per request (random ids). */
  readonly path: () => string;
  readonly body?: () => string;
}

/** The outcome of one run. */
export interface Sample {
  /** 2xx responses per second: failed responses are never throughput. */
  readonly rps: number;
  /** 2xx responses. */
  readonly ok: number;
  readonly p50: number;
  readonly p99: number;
  /** Responses received (any status). */
  readonly responses: number;
  readonly non2xx: number;
  readonly s503: number;
  /** 503s that carried Retry-After. */
  readonly s503RetryAfter: number;
  /** Other statuses than 2xx/503, as `status×count`. */
  readonly otherStatus: string;
  /** Connection errors, client timeouts (10 s) included. */
  readonly errors: number;
  /** CPU the server's processes spent per response, µs. */
  readonly cpuUs: number;
  /** CPU the load generator (autocannon, in this process) spent per response, µs. */
  readonly clientCpuUs: number;
  /** CPU the database server spent per response, µs. */
  readonly dbCpuUs: number;
  /** SQL statements the database executed per response. */
  readonly statements: number;
  /** carepool_audit rows written per response. */
  readonly auditRows: number;
  /** Most connections the candidate's database user held during the run. */
  readonly dbConnections: number;
}

/** Options of {@link measure}. */
export interface RunOptions {
  readonly connections: number;
  readonly seconds: number;
  /** Sent to every candidate (ignored by those without authentication). */
  readonly headers: Readonly<Record<string, string>>;
}

/** Runs the workload against the candidate and reads the server's and the database's costs around it. */
export async function measure(
  candidate: Candidate,
  workload: Workload,
  options: RunOptions,
  probe: DbProbe,
): Promise<Sample> {
  const before = await probe.counters();
  const cpuBefore = treeCpuMs(candidate.pid);
  const clientBefore = process.cpuUsage();
  const watch = probe.watchConnections(candidate.dbUser);
  let s503 = 0;
  let s503RetryAfter = 0;
  const result = await autocannon({
    url: candidate.url,
    connections: options.connections,
    duration: options.seconds,
    headers: { ...options.headers, ...(workload.body ? { 'content-type': 'application/json' } : {}) },
    requests: [
      {
        method: workload.method,
        setupRequest: (req) => ({
          ...req,
          path: workload.path(),
          ...(workload.body ? { body: workload.body() } : {}),
        }),
        onResponse: (status, _body, _context, headers) => {
          if (status !== 503) return;
          s503++;
          if (Object.keys(headers ?? {}).some((h) => h.toLowerCase() === 'retry-after')) s503RetryAfter++;
        },
      },
    ],
  });
  const cpuAfter = treeCpuMs(candidate.pid);
  const client = process.cpuUsage(clientBefore);
  const dbConnections = await watch.stop();
  const after = await probe.counters();
  const responses = result.requests.total;
  // Only 2xx answers count as work done: a server failing fast must not look fast.
  const ok = result['2xx'];
  const per = (x: number) => (responses > 0 ? x / responses : Number.NaN);
  const other = Object.entries(result.statusCodeStats ?? {})
    .filter(([code]) => !code.startsWith('2') && code !== '503')
    .map(([code, s]) => `${code}×${s.count ?? 0}`)
    .join(' ');
  return {
    rps: ok / (result.duration || options.seconds),
    ok,
    p50: result.latency.p50,
    p99: result.latency.p99,
    responses,
    non2xx: result.non2xx,
    s503,
    s503RetryAfter,
    otherStatus: other,
    errors: result.errors,
    cpuUs: per((cpuAfter - cpuBefore) * 1000),
    clientCpuUs: per(client.user + client.system),
    dbCpuUs: per((after.dbCpuMs - before.dbCpuMs) * 1000),
    statements: per(after.questions - before.questions),
    auditRows: per(after.auditMaxId - before.auditMaxId),
    dbConnections,
  };
}
