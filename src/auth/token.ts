import { createHash, randomBytes } from 'node:crypto';

/** API tokens look like `cp_<43 base64url chars>`: 256 random bits, easy to spot in a leaked-secret scan. */
const PREFIX = 'cp_';

/** A new API token and the hash to store (the token itself is shown once and never stored). */
export function newToken(): { readonly token: string; readonly hash: string } {
  const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashToken(token) };
}

/**
 * SHA-256 of a token. A fast hash is right here (unlike passwords): tokens carry 256 bits of entropy, so
 * they cannot be guessed, and verification stays off the slow path.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** True when `value` has the shape of a carepool token (cheap pre-check before any lookup). */
export function looksLikeToken(value: string): boolean {
  return /^cp_[A-Za-z0-9_-]{43}$/.test(value);
}
