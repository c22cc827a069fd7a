import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WriteOptions } from '../../clinic/index.js';
import { checkKey, DEFAULT_IDEMPOTENCY_TTL_MS, fingerprint } from '../../idempotency/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** How long Idempotency-Keys are honoured (`CAREPOOL_IDEMPOTENCY_TTL`); set by the security layer. */
    idempotencyTtlMs?: number;
  }
}

/** JSON Schema of the optional `Idempotency-Key` request header (documented in /docs). */
export const idempotencyHeaders = {
  type: 'object',
  properties: {
    'idempotency-key': {
      type: 'string',
      minLength: 8,
      maxLength: 255,
      description:
        'Retry-safe writes: a retried POST with the same key and body (within CAREPOOL_IDEMPOTENCY_TTL, default 24 h) writes nothing and answers 201 with the row it created, read again now (header Idempotent-Replayed: true); 410 CAREPOOL_IDEMPOTENCY_GONE when that row has been deleted since.',
    },
  },
} as const;

/**
 * The write options for a POST: when the request carries `Idempotency-Key`, the write runs at most once per
 * key within the TTL, and a replay (the created row, re-read through the access check and audited as a
 * replay) is marked with `Idempotent-Replayed: true`.
 */
export function idempotencyOf(request: FastifyRequest, reply: FastifyReply): WriteOptions {
  const header = request.headers['idempotency-key'];
  if (typeof header !== 'string') return {};
  const key = checkKey(header);
  const path = request.url.split('?')[0] ?? request.url;
  return {
    idempotency: {
      key: `${request.method} ${path} ${key}`.slice(0, 255),
      fingerprint: fingerprint(request.method, path, request.body),
      ttlMs: request.server.idempotencyTtlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS,
      onReplay: () => void reply.header('idempotent-replayed', 'true'),
    },
  };
}
