import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import { openSigned, signValue } from '../../auth/index.js';
import type { Secret } from '../../config/index.js';
import type { TargetRegistry } from '../../db/targets.js';
import { type CarriedWrite, CarriedWrites, isGtidText } from '../../replicas/index.js';

/**
 * The read-your-writes cookie of a signed-in browser: per target with read replicas, the GTID of the
 * browser's last write there and when it was made, signed with the session secret (so it is the same on
 * every instance behind the load balancer, and cannot be forged to make reads wait). Reads through any
 * instance wait on the replica for that GTID; a browser without the cookie made no write a replica could
 * still miss, so its reads ask the primary nothing (src/replicas/carried.ts).
 *
 * Cookie sessions carry it: a browser always sends back what it was given. API clients (Bearer tokens) may
 * not keep cookies, so their reads keep the fleet-wide check on the primary, unless they opt in with the
 * header {@link CARRY_HEADER}`: cookie` on every request (and keep the cookie, as a cookie jar does).
 */
export function registerCarriedWrites(
  app: FastifyInstance,
  secret: Secret,
  registry: TargetRegistry,
  name: string,
  https: boolean,
): void {
  const ttls = registry
    .list()
    .map((t) => t.replicas?.carryMs)
    .filter((ms): ms is number => ms !== undefined);
  if (ttls.length === 0) return;
  const ttlMs = Math.max(...ttls);
  const options: CookieSerializeOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: https,
    maxAge: Math.ceil(ttlMs / 1000),
  };

  // After authentication (registered later than its onRequest hook): signed-in browsers, and API clients
  // that say they keep cookies.
  app.addHook('preValidation', (request, _reply, done) => {
    if (request.actor !== null && (request.session !== null || request.headers[CARRY_HEADER] === 'cookie')) {
      const value = request.cookies[name];
      request.carried = new CarriedWrites(ttlMs, value ? readCarried(secret, value) : new Map());
    }
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    const carried = request.carried;
    if (carried?.changed) {
      // Changed only by writes (recorded or in flight): never empty, so never cleared (expiry is Max-Age's).
      const entries = carried.entries();
      if (entries.size > 0) reply.setCookie(name, writeCarried(secret, entries), options);
    }
    done(null, payload);
  });
}

/** The request header by which an API client says it keeps the read-your-writes cookie (value `cookie`). */
export const CARRY_HEADER = 'carepool-carry-writes';

/** What the cookie's signature covers besides the payload: it never verifies as a session (or vice versa). */
const PURPOSE = 'carried';

/** Signs entries into `<payload>.<hmac>` for the cookie's own purpose (see src/auth/signed.ts). */
export function writeCarried(secret: Secret, entries: ReadonlyMap<string, CarriedWrite>): string {
  return signValue(
    secret,
    [...entries].map(([target, w]) => [target, w.gtid ?? null, w.at]),
    PURPOSE,
  );
}

/** The entries of a cookie value; an unsigned, altered or malformed value carries nothing. */
export function readCarried(secret: Secret, value: string): Map<string, CarriedWrite> {
  const entries = new Map<string, CarriedWrite>();
  const opened = openSigned(secret, value, PURPOSE);
  if (!opened.ok || !Array.isArray(opened.data)) return entries;
  for (const item of opened.data) {
    if (!Array.isArray(item) || item.length !== 3) continue;
    const [target, gtid, at] = item as unknown[];
    if (typeof target !== 'string' || typeof at !== 'number' || !Number.isFinite(at)) continue;
    if (typeof gtid === 'string' && isGtidText(gtid)) entries.set(target, { gtid, at });
    else if (gtid === null) entries.set(target, { at });
  }
  return entries;
}
