import type { FastifyInstance } from 'fastify';
import { sql } from '../../db/sql.js';
import type { TargetRegistry } from '../../db/targets.js';
import { targetParams } from './schemas.js';

/** Longest a slow request may hold its connection (ms). */
export const SLOW_MAX_MS = 2000;

/** Path of the slow request of target `target` holding its connection `ms` milliseconds. */
export function slowPath(target: string, ms: number): string {
  return `/api/v1/targets/${encodeURIComponent(target)}/slow?ms=${ms}`;
}

/**
 * `GET /api/v1/targets/:target/slow?ms=N` borrows one pooled connection and runs `SELECT SLEEP(N/1000)` on
 * it (N ≤ 2000), so a load test can hold connections the way a slow report query would and show queueing
 * and acquire timeouts. It is registered only on the server `carepool load` starts in its own process, never
 * by the web app itself: on a shared server it would let any caller tie up the pool.
 */
export function registerSlowRoute(app: FastifyInstance, registry: TargetRegistry): void {
  app.get<{ Params: { target: string }; Querystring: { ms: number } }>(
    '/api/v1/targets/:target/slow',
    {
      config: { access: 'ops:run' },
      schema: {
        hide: true,
        params: targetParams,
        querystring: {
          type: 'object',
          properties: { ms: { type: 'integer', minimum: 0, maximum: SLOW_MAX_MS, default: 200 } },
          additionalProperties: false,
        },
      },
    },
    async (request) => {
      const target = registry.get(request.params.target);
      const seconds = request.query.ms / 1000;
      await target.sql.query(sql`SELECT SLEEP(${seconds}) AS slept`);
      return { target: target.name, sleptMs: request.query.ms };
    },
  );
}
