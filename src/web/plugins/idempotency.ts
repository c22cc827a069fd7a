import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WriteOptions } from '../../clinic/index.js';
import { checkKey, fingerprint } from '../../idempotency/index.js';

/** JSON Schema of the optional `Idempotency-Key` request header (documented in /docs). */
export const idempotencyHeaders = {
  type: 'object',
  properties: {
    'idempotency-key': {
      type: 'string',
      minLength: 8,
      maxLength: 255,
      description:
        'Retry-safe writes: a retried POST with the same key and body returns the first response (header Idempotent-Replayed: true) instead of writing twice.',
    },
  },
} as const;

/**
 * The write options for a POST: when the request carries `Idempotency-Key`, the write runs at most once per
 * key, and a replayed response is marked with `Idempotent-Replayed: true`.
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
      onReplay: () => void reply.header('idempotent-replayed', 'true'),
    },
  };
}
