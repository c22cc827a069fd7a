import type { Secret } from '../config/index.js';
import { hmacOf, openSigned, sameToken, signValue } from './signed.js';

/** What a session cookie carries: who, when it was issued, when it was last used. No role, no PHI. */
export interface SessionClaims {
  readonly username: string;
  /**
   * The user's `sessions_valid_after` when the session began. Signing out (or an admin's `users signout`)
   * changes it, which ends every session that carries the old value, on every instance, without comparing
   * the app's clock to the database's.
   */
  readonly epoch: string;
  /** Issued at (ms since epoch). */
  readonly iat: number;
  /** Last request (ms); the cookie is re-issued as the user works, so idle time is measured from here. */
  readonly seen: number;
}

/** Session lifetime rules. */
export interface SessionPolicy {
  /** Automatic logoff after this much inactivity (45 CFR 164.312(a)(2)(iii)). */
  readonly idleMs: number;
  /** Sessions end this long after sign-in whatever the activity. */
  readonly absoluteMs: number;
}

/** Default: 15 minutes idle, 12 hours absolute. */
export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 15 * 60_000, absoluteMs: 12 * 3_600_000 };

/**
 * Signs claims into a cookie value `<payload>.<hmac>`. Stateless, so every instance sharing the secret
 * accepts it; sign-out everywhere works through the user's `sessions_valid_after`.
 */
export function signSession(secret: Secret, claims: SessionClaims): string {
  return signValue(secret, { u: claims.username, e: claims.epoch, i: claims.iat, s: claims.seen });
}

/** Why a cookie was not accepted. */
export type SessionProblem = 'malformed' | 'signature' | 'idle' | 'expired';

/** Verifies a cookie value against the secret and the policy at `now`. */
export function verifySession(
  secret: Secret,
  value: string,
  now: number,
  policy: SessionPolicy = DEFAULT_SESSION_POLICY,
): { ok: true; claims: SessionClaims } | { ok: false; problem: SessionProblem } {
  const opened = openSigned(secret, value);
  if (!opened.ok) return opened;
  if (typeof opened.data !== 'object' || opened.data === null) return { ok: false, problem: 'malformed' };
  const parsed = opened.data as { u?: unknown; e?: unknown; i?: unknown; s?: unknown };
  if (
    typeof parsed.u !== 'string' ||
    typeof parsed.e !== 'string' ||
    typeof parsed.i !== 'number' ||
    typeof parsed.s !== 'number'
  ) {
    return { ok: false, problem: 'malformed' };
  }
  if (now - parsed.i > policy.absoluteMs) return { ok: false, problem: 'expired' };
  if (now - parsed.s > policy.idleMs) return { ok: false, problem: 'idle' };
  return { ok: true, claims: { username: parsed.u, epoch: parsed.e, iat: parsed.i, seen: parsed.s } };
}

/**
 * The anti-forgery token for forms of one session: an HMAC of the session's identity, so it needs no
 * storage and dies with the session.
 */
export function csrfToken(secret: Secret, claims: Pick<SessionClaims, 'username' | 'iat'>): string {
  return hmacOf(secret, `csrf:${claims.username}:${claims.iat}`);
}

/** Checks a submitted anti-forgery token in constant time. */
export function checkCsrf(
  secret: Secret,
  claims: Pick<SessionClaims, 'username' | 'iat'>,
  submitted: string,
): boolean {
  return sameToken(csrfToken(secret, claims), submitted);
}
