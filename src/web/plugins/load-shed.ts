import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { TargetRegistry } from '../../db/targets.js';
import { AppError } from '../../errors/index.js';
import type { LayoutSource } from '../views/layout-data.js';
import type { Views } from '../views/render.js';
import { sendError } from './errors.js';

/**
 * Routes whose work is pooled statements on one target (`:target`) or on every target (compare): the API
 * and the pages of patients, records and appointments. Not the ERD (introspection runs many statements by
 * design), the doctor (it waits for connect timeouts on purpose), sign-in, or the live stream (hijacked).
 */
const DATA_ROUTE = /^\/(api\/v1\/)?(targets\/:target\/(?!erd)|compare(\/|$))/;

/** How often in-flight requests are checked against their deadline and the admission limit is updated. */
const TICK_MS = 100;

interface InFlight {
  readonly reply: FastifyReply;
  readonly start: number;
  readonly deadline: number;
  readonly budgetMs: number;
}

/**
 * The deadline of a request on `target` (every target when undefined): the pool's acquire timeout plus the
 * statement timeout. A request that waited its whole acquire timeout and then ran a statement to the
 * statement timeout has used all it may.
 */
export function requestBudgetMs(registry: TargetRegistry, target?: string): number {
  const budget = (t: { config: { pool: { acquireTimeoutMs: number; statementTimeoutMs?: number } } }) =>
    t.config.pool.acquireTimeoutMs + (t.config.pool.statementTimeoutMs ?? 0);
  const named = target === undefined ? undefined : registry.list().find((t) => t.name === target);
  if (named) return budget(named);
  return Math.max(0, ...registry.list().map(budget));
}

/** Knobs of {@link registerLoadShed} (tests change them). */
export interface LoadShedOptions {
  readonly now?: () => number;
  /** Latency the admission limit aims at (ms). Default: a third of the budget, at most 1000. */
  readonly targetLatencyMs?: number;
  /** The admission limit never drops below this many data requests in flight. Default: the pools' total max. */
  readonly minInFlight?: number;
}

/**
 * Load shedding at the HTTP layer, for data routes only:
 *
 * 1. Admission: at most `limit` data requests are in flight in this process. `limit` follows Little's law,
 *    completions per second × the target latency, so what is admitted can finish in time; when the process
 *    (its CPU, its event loop) falls behind, new requests get 503 CAREPOOL_WEB_OVERLOADED + Retry-After at
 *    once, before sign-in checks or any SQL, instead of joining a queue that grows without bound.
 * 2. Deadline ({@link requestBudgetMs}): an admitted request not answered by then is answered at once with
 *    503 CAREPOOL_WEB_DEADLINE + Retry-After, whatever it still waits for. The pool's statement timer and
 *    the server's own timeout end the abandoned work shortly after; what the handler produces later is
 *    dropped silently. A write already sent may still commit, as with any timeout (retry with the same
 *    Idempotency-Key).
 *
 * With the pool's bounded queue (CAREPOOL_DB_POOL_SATURATED) this keeps every data response within acquire
 * timeout + statement timeout (+ the event loop's own delay).
 */
export function registerLoadShed(
  app: FastifyInstance,
  deps: LayoutSource & { views: Views },
  options: LoadShedOptions = {},
): void {
  const now = options.now ?? Date.now;
  const budgets = new Map<string, number>();
  for (const name of deps.registry.names()) budgets.set(name, requestBudgetMs(deps.registry, name));
  const anyBudget = requestBudgetMs(deps.registry);
  if (anyBudget <= 0) return;
  const targetLatencyMs = options.targetLatencyMs ?? Math.floor(anyBudget / 2);
  // The pools themselves queue and shed by hold time; this limit only guards the process (CPU, event loop),
  // so it never drops below what the pools could keep busy several times over.
  const minInFlight =
    options.minInFlight ?? Math.max(32, 4 * deps.registry.list().reduce((n, t) => n + t.config.pool.max, 0));
  const inFlight = new Map<FastifyRequest, InFlight>();
  /** Requests answered by the deadline: what their handlers return later is dropped. */
  const abandoned = new WeakSet<FastifyRequest>();
  // Start conservative: a burst of connections at start-up must not all be admitted before the first tick.
  let limit = minInFlight;
  let completed = 0;
  let rate = 0;
  let timer: NodeJS.Timeout | undefined;
  /** When the sweep last ran, and when it last found the event loop had not run it for over a second. */
  let lastSweep = 0;
  let lastStallAt = -1;

  const sweep = () => {
    // Completions per second, smoothed over about a second of ticks.
    const perSecond = (completed * 1000) / TICK_MS;
    completed = 0;
    rate = rate === 0 ? perSecond : rate * 0.8 + perSecond * 0.2;
    limit = Math.max(minInFlight, Math.ceil((rate * targetLatencyMs) / 1000));
    const t = now();
    if (lastSweep > 0 && t - lastSweep > TICK_MS + 1000) lastStallAt = t;
    lastSweep = t;
    for (const [request, entry] of inFlight) {
      const { reply } = entry;
      if (reply.sent || reply.raw.headersSent || request.raw.destroyed) {
        inFlight.delete(request);
        continue;
      }
      if (t < entry.deadline) continue;
      inFlight.delete(request);
      abandoned.add(request);
      request.log.warn(
        { route: request.routeOptions.url, budgetMs: entry.budgetMs },
        'request passed its deadline: answered 503',
      );
      const error = new AppError(
        'CAREPOOL_WEB_DEADLINE',
        `the request was not answered within its deadline of ${entry.budgetMs} ms (acquire timeout + statement timeout)`,
        { meta: { deadlineMs: entry.budgetMs, retryAfterS: 1 } },
      );
      sendError(request, reply, error, deps);
    }
  };

  /**
   * Refusing must cost far less than serving, or a crowd of clients that retry at once (no back-off) turns
   * the refusals themselves into the overload: API callers get a prebuilt envelope written directly, pages
   * the normal error page.
   */
  const refuse = (request: FastifyRequest, reply: FastifyReply) => {
    const error = new AppError(
      'CAREPOOL_WEB_OVERLOADED',
      `this server already works on ${inFlight.size} requests, as many as it completes within ${targetLatencyMs} ms`,
      { meta: { retryAfterS: 1 } },
    );
    if (!request.url.startsWith('/api/')) {
      sendError(request, reply, error, deps);
      return;
    }
    reply.hijack();
    reply.raw.writeHead(503, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(overloadedBody),
      'retry-after': '1',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-request-id': request.id,
    });
    reply.raw.end(overloadedBody);
  };
  const overloadedBody = JSON.stringify({
    error: new AppError(
      'CAREPOOL_WEB_OVERLOADED',
      'this server already works on as many requests as it can finish in time',
      { meta: { retryAfterS: 1 } },
    ).toJSON(),
  });

  app.addHook('onRoute', (route) => {
    if (!DATA_ROUTE.test(route.url)) return;
    const handler = route.handler as (this: FastifyInstance, ...a: unknown[]) => unknown;
    // Not async: a handler that returns nothing and replies later must keep doing so.
    const wrapped = function (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
      const result = handler.call(this, request, reply);
      if (!(result instanceof Promise)) return result;
      return result.then(
        (value: unknown) => (abandoned.has(request) ? undefined : value),
        (error: unknown) => {
          if (abandoned.has(request)) return undefined;
          throw error;
        },
      );
    };
    route.handler = wrapped as RouteHandlerMethod;
  });
  app.addHook('onReady', (done) => {
    timer = setInterval(sweep, TICK_MS);
    timer.unref();
    done();
  });
  app.addHook('onClose', (_instance, done) => {
    clearInterval(timer);
    inFlight.clear();
    done();
  });
  // Callback style: runs on every request and never waits.
  app.addHook('onRequest', (request, reply, done) => {
    const url = request.routeOptions.url;
    if (url === undefined || !DATA_ROUTE.test(url)) {
      done();
      return;
    }
    if (inFlight.size >= limit) {
      refuse(request, reply);
      return;
    }
    const target = (request.params as { target?: unknown }).target;
    const budgetMs = (typeof target === 'string' ? budgets.get(target) : undefined) ?? anyBudget;
    const start = now();
    inFlight.set(request, { reply, start, deadline: start + budgetMs, budgetMs });
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const entry = inFlight.get(request);
    if (entry !== undefined) {
      inFlight.delete(request);
      completed++;
      // A response more than 1 s past its deadline: either the process itself did not run for over a second
      // meanwhile (a starved CPU; no deadline can fix that), or the deadline failed, which is a bug.
      if (reply.elapsedTime > entry.budgetMs + 1000) {
        const stalled = lastStallAt >= entry.start || now() - lastSweep > TICK_MS + 1000;
        request.log.warn(
          {
            route: request.routeOptions.url,
            elapsedMs: Math.round(reply.elapsedTime),
            budgetMs: entry.budgetMs,
          },
          stalled
            ? 'response later than its deadline: the event loop was stalled'
            : 'response later than its deadline: deadline missed',
        );
      }
    }
    done();
  });
}
