import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Secret } from '../config/index.js';

/**
 * Stateless signed values `<base64url JSON>.<HMAC-SHA256>`, the format of the session cookie and the
 * read-your-writes cookie: every instance sharing the secret reads them. `purpose` (none for sessions, kept
 * so existing session cookies stay valid) is signed with the payload, so a value made for one purpose never
 * verifies as another's.
 */
const mac = (secret: Secret, payload: string, purpose: string | undefined) =>
  hmacOf(secret, purpose === undefined ? payload : `${purpose}:${payload}`);

/** HMAC-SHA256 of `data` with the secret, base64url (tokens that need no storage: anti-forgery, sign-in form). */
export function hmacOf(secret: Secret, data: string): string {
  return createHmac('sha256', secret.reveal()).update(data).digest('base64url');
}

/** Whether two tokens are equal, compared in constant time. */
export function sameToken(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Signs `data` (JSON) into `<payload>.<hmac>`. */
export function signValue(secret: Secret, data: unknown, purpose?: string): string {
  const payload = Buffer.from(JSON.stringify(data), 'utf8').toString('base64url');
  return `${payload}.${mac(secret, payload, purpose)}`;
}

/** The JSON a signed value holds, or why it is refused (`signature`: altered, or another key or purpose). */
export function openSigned(
  secret: Secret,
  value: string,
  purpose?: string,
): { ok: true; data: unknown } | { ok: false; problem: 'malformed' | 'signature' } {
  const [payload, signature, extra] = value.split('.');
  if (!payload || !signature || extra !== undefined) return { ok: false, problem: 'malformed' };
  if (!sameToken(mac(secret, payload, purpose), signature)) return { ok: false, problem: 'signature' };
  try {
    return { ok: true, data: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown };
  } catch {
    return { ok: false, problem: 'malformed' };
  }
}
