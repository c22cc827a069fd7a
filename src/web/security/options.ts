import type { AuditLog } from '../../audit/index.js';
import type { SessionPolicy, SignInThrottle, UserStore } from '../../auth/index.js';
import type { Secret } from '../../config/index.js';

/** What the web app needs to sign people in, authorise them and audit their access. */
export interface SecurityOptions {
  /** Users and API tokens (replicated on every target). */
  readonly users: UserStore;
  /** The audit trail every patient-data access is written to. */
  readonly audit: AuditLog;
  /** Signs session cookies and anti-forgery tokens; every instance behind one address shares it. */
  readonly sessionSecret: Secret;
  /** Idle and absolute session limits. Default: 15 minutes idle, 12 hours absolute. */
  readonly sessionPolicy?: SessionPolicy;
  /** Served over HTTPS: cookies get `Secure` (and the `__Host-` prefix) and responses carry HSTS. */
  readonly https?: boolean;
  /** Sign-in attempts allowed per client address per window. Default 10 per 5 minutes. */
  readonly loginLimit?: { readonly max: number; readonly windowMs: number };
  /**
   * How long an Idempotency-Key is honoured and kept (`CAREPOOL_IDEMPOTENCY_TTL`); expired keys are purged
   * on a timer and at use. Default 24 hours.
   */
  readonly idempotencyTtlMs?: number;
  /** Sign-in throttling per name and address (default: the standard policy over the targets). */
  readonly throttle?: SignInThrottle;
  /** The clock (tests move it to check idle logoff). */
  readonly now?: () => number;
}

/** Default sign-in rate limit per client address. */
export const DEFAULT_LOGIN_LIMIT = { max: 10, windowMs: 5 * 60_000 } as const;

/** Cookie names: `__Host-` binds the session cookie to this exact origin when it can be (HTTPS only). */
export function cookieNames(https: boolean): {
  readonly session: string;
  readonly login: string;
  /** The signed-in browser's recent writes, for read-your-writes on replicas (carried-cookie.ts). */
  readonly carried: string;
} {
  return https
    ? { session: '__Host-carepool_session', login: '__Host-carepool_login', carried: '__Host-carepool_rw' }
    : { session: 'carepool_session', login: 'carepool_login', carried: 'carepool_rw' };
}
