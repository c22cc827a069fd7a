import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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

/** How often in-flight requests are checked against their deadline. */
const TICK_MS = 100;

interface InFlight {
  readonly reply: FastifyReply;
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

/**
 * Gives every data request a deadline ({@link requestBudgetMs}): one that has not been answered by then is
 * answered at once with 503 CAREPOOL_WEB_DEADLINE and `Retry-After`, whatever it still waits for (a second
 * statement's acquire, a server that stopped answering). The pool's statement timer and the server's own
 * statement timeout end the abandoned work shortly after; a write that was already sent may still commit,
 * as with any timeout (retry with the same Idempotency-Key).
 *
 * Together with the pool's bounded queue (CAREPOOL_DB_POOL_SATURATED), this keeps every response of a data
 * route within acquire timeout + statement timeout (+ the event loop's own delay): nothing hangs.
 */
export function registerLoadShed(
  app: FastifyInstance,
  deps: LayoutSource & { views: Views },
  now: () => number = Date.now,
): void {
  const budgets = new Map<string, number>();
  for (const name of deps.registry.names()) budgets.set(name, requestBudgetMs(deps.registry, name));
  const anyBudget = requestBudgetMs(deps.registry);
  if (anyBudget <= 0) return;
  const inFlight = new Map<FastifyRequest, InFlight>();
  let timer: NodeJS.Timeout | undefined;

  const sweep = () => {
    const t = now();
    for (const [request, entry] of inFlight) {
      const { reply } = entry;
      if (reply.sent || reply.raw.headersSent || request.raw.destroyed) {
        inFlight.delete(request);
        continue;
      }
      if (t < entry.deadline) continue;
      inFlight.delete(request);
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
    if (url !== undefined && DATA_ROUTE.test(url)) {
      const target = (request.params as { target?: unknown }).target;
      const budgetMs = (typeof target === 'string' ? budgets.get(target) : undefined) ?? anyBudget;
      inFlight.set(request, { reply, deadline: now() + budgetMs, budgetMs });
    }
    done();
  });
  app.addHook('onResponse', (request, _reply, done) => {
    inFlight.delete(request);
    done();
  });
}
