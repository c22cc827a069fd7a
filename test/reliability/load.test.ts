import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SingleConnection } from '../../src/db/connect.js';
import { startHaproxy } from './haproxy.js';
import { type HammerResult, hammer, percentile } from './http.js';
import { appConnections, type Carepool, type Stack, startStack } from './stack.js';

const DURATION_S = Number(process.env.CAREPOOL_RELIABILITY_LOAD_S ?? 24);
const ACQUIRE_TIMEOUT_MS = 2000;
const STATEMENT_TIMEOUT_MS = 1500;
const POOL_MAX = 20;
const CLIENTS = 1000;
/** The contract of issue 14 item 8: no response later than acquire timeout + statement timeout + 1 s. */
const CONTRACT_MS = ACQUIRE_TIMEOUT_MS + STATEMENT_TIMEOUT_MS + 1000;
/** The load generator's per-request timeout: requests used to hit it (276 of them in one run). */
const CLIENT_TIMEOUT_S = 30;
/** HAProxy in front: how long a request may wait in its queue (the pool's acquire timeout, by analogy). */
const QUEUE_TIMEOUT_MS = ACQUIRE_TIMEOUT_MS;

const PATHS = [
  '/api/v1/targets/azure/patients?limit=20',
  '/api/v1/targets/gcp/patients/17',
  '/api/v1/targets/gcp/patients?limit=20&q=Sm',
  '/api/v1/targets/azure/patients/42',
];

/** What one run of the scenario saw. */
interface ScenarioResult {
  readonly run: HammerResult;
  readonly peak: { azure: number; gcp: number };
  readonly rss: readonly number[];
  readonly statuses: ReadonlyMap<number, number>;
  readonly report: Record<string, unknown>;
}

/** Scenario 1: 1,000 concurrent clients against pools of 20 per target, one target forced into saturation. */
describe('load: 1000 concurrent clients', () => {
  let stack: Stack;
  let carepool: Carepool;

  beforeAll(async () => {
    stack = await startStack({ patients: 2000 });
    carepool = await stack.startCarepool({
      CAREPOOL_POOL_MAX: String(POOL_MAX),
      CAREPOOL_ACQUIRE_TIMEOUT_MS: String(ACQUIRE_TIMEOUT_MS),
      CAREPOOL_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
    });
  });
  afterAll(async () => stack?.stop());

  /** Drives the clients at `url` while sampling server connections and memory and locking gcp mid-run. */
  async function scenario(label: string, url: string): Promise<ScenarioResult> {
    const admins: Record<'azure' | 'gcp', SingleConnection> = {
      azure: await stack.admin('azure'),
      gcp: await stack.admin('gcp'),
    };
    const locker = await stack.admin('gcp');
    const peak = { azure: 0, gcp: 0 };
    const rss: number[] = [await carepool.rssMiB()];
    const before = carepool.output().length;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        for (const name of ['azure', 'gcp'] as const) {
          peak[name] = Math.max(peak[name], await appConnections(admins[name], stack.server(name)));
        }
        rss.push(await carepool.rssMiB());
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    // Saturation is forced, not hoped for: for the middle third of the run gcp's patients table is locked,
    // so its statements hang until the statement timeout, its 20 connections stay busy, its queue fills and
    // callers must get 503 + Retry-After (pool timeout, shed, statement timeout or request deadline).
    const lockWindow = (async () => {
      await new Promise((r) => setTimeout(r, (DURATION_S * 1000) / 3));
      await locker.query({ text: 'LOCK TABLES patients WRITE', values: [] } as never);
      await new Promise((r) => setTimeout(r, (DURATION_S * 1000) / 3));
      await locker.query({ text: 'UNLOCK TABLES', values: [] } as never);
    })();
    const run = await hammer({
      url,
      headers: stack.auth,
      paths: PATHS,
      connections: CLIENTS,
      durationS: DURATION_S,
      timeoutS: CLIENT_TIMEOUT_S,
    });
    await lockWindow;
    sampling = false;
    await sampler;
    for (const a of [...Object.values(admins), locker]) await a.close();

    const statuses = new Map<number, number>();
    for (const s of run.seen) statuses.set(s.status, (statuses.get(s.status) ?? 0) + 1);
    const unavailable = run.seen.filter((s) => s.status === 503);
    const all = run.seen.map((s) => s.ms);
    const output = carepool.output().slice(before);
    const report = {
      requests: run.requests,
      statuses: Object.fromEntries(statuses),
      peak,
      errors: run.errors,
      timeouts: run.timeouts,
      // Connections whose first request was answered: a connection the app has not accepted yet has none.
      connections_answered: run.seen.filter((s) => s.nth === 0).length,
      p50_ms: percentile(all, 50),
      p99_ms: percentile(all, 99),
      // A loop, not Math.max(...all): a fast run answers over 100,000 requests, past the spread's stack limit.
      max_ms: largest(all),
      p99_503_ms: percentile(
        unavailable.map((s) => s.ms),
        99,
      ),
      max_503_ms: largest(unavailable.map((s) => s.ms)),
      contract_ms: CONTRACT_MS,
      // Server side: responses the app itself sent later than their deadline + 1 s (src/web/plugins/load-shed.ts).
      server_late: (output.match(/deadline missed/g) ?? []).length,
      server_stalled: (output.match(/event loop was stalled/g) ?? []).length,
      server_deadline_503: (output.match(/passed its deadline/g) ?? []).length,
      rss_mib: { start: rss[0], max: Math.max(...rss) },
      // The slowest responses at the client: which request of its connection (0 = the first) and when.
      slowest: [...run.seen]
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 5)
        .map((s) => ({ ms: Math.round(s.ms), at: Math.round(s.at), nth: s.nth, status: s.status })),
    };
    console.log(`load scenario (${label}):`, JSON.stringify(report));
    return { run, peak, rss, statuses, report };
  }

  /** What both runs must show: bounded connections and memory, only 2xx or 503 + Retry-After, nothing hung. */
  function expectContract({ run, peak, rss, statuses, report }: ScenarioResult): void {
    expect(run.requests).toBeGreaterThan(1000);
    expect(peak.azure).toBeGreaterThan(0);
    expect(peak.azure).toBeLessThanOrEqual(POOL_MAX);
    expect(peak.gcp).toBeLessThanOrEqual(POOL_MAX);
    for (const s of run.seen) {
      expect(s.status === 200 || (s.status === 503 && s.retryAfter)).toBe(true);
    }
    // The 503 path ran (forced above), and every 503 told the client when to come back.
    expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
    // It kept serving: 200s throughout (how many depends on the machine's load, so only that there are).
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    // Nothing hung. Server side, the contract: no data response later than acquire timeout + statement
    // timeout + 1 s after the app took the request, unless the process itself did not run for over a second
    // meanwhile (the app logs both kinds apart; a starved CPU stalls the event loop, which no deadline can
    // fix, and the figure is reported above). Without statement deadlines every one of gcp's 20 connections
    // would hold a request on the locked table for the whole lock: late without a stall.
    expect(report.server_late).toBe(0);
    // Client side: no timeout and no socket error.
    expect(run.errors).toBe(0);
    expect(run.timeouts).toBe(0);
    // Memory stays bounded under 1000 sockets (no per-request growth).
    expect(Math.max(...rss)).toBeLessThan(600);
  }

  it('never exceeds 20 server connections per target, answers only 2xx or 503 + Retry-After, within acquire + statement timeout', async () => {
    const result = await scenario('direct', carepool.url);
    expectContract(result);
    // Still alive and healthy afterwards, nothing unhandled.
    const health = await fetch(`${carepool.url}/readyz`);
    expect(health.status).toBe(200);
    expect(carepool.process.exitCode).toBeNull();
    expect(carepool.output()).not.toMatch(/unhandled|UnhandledPromiseRejection|FATAL/i);
  });

  // Directly, some connections wait in the kernel's accept queue for most of the run: Node (libuv >= 1.45)
  // accepts one connection per event-loop iteration, and a saturated loop iterates slowly (docs/reliability.md).
  // HAProxy, the balancer docs/scale-out.md recommends, accepts them all at once, queues what the instance
  // cannot take for at most its queue timeout and answers 503 + Retry-After itself: then the bound holds at the
  // client too. The margin covers the load generator's own event loop on a shared machine.
  it('behind HAProxy every client is answered within queue timeout + the request budget', async () => {
    const haproxy = await startHaproxy({
      backends: [carepool.url],
      maxconnPerInstance: 4 * POOL_MAX,
      queueTimeoutMs: QUEUE_TIMEOUT_MS,
    });
    try {
      const result = await scenario('haproxy', haproxy.url);
      expectContract(result);
      expect(result.report.connections_answered).toBe(CLIENTS);
      const bound = QUEUE_TIMEOUT_MS + CONTRACT_MS;
      expect(result.report.max_ms as number).toBeLessThanOrEqual(2 * bound);
    } finally {
      await haproxy.stop();
    }
  });
});

/** The largest of `values` (0 when empty), without spreading them into arguments. */
function largest(values: readonly number[]): number {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  return max;
}
