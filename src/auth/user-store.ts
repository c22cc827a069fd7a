import { sql } from '../db/sql.js';
import type { TargetRegistry } from '../db/targets.js';
import { AppError } from '../errors/index.js';
import { LookupCache } from './lookup-cache.js';
import { hashPassword, verifyPassword } from './password.js';
import { readFirst, writeEverywhere } from './replicate.js';
import { isRole, type Role } from './roles.js';
import { hashToken, looksLikeToken, newToken } from './token.js';

/** Who is making a request. */
export interface Principal {
  readonly username: string;
  readonly role: Role;
  /** How they proved it. */
  readonly via: 'session' | 'token';
  /** For sessions: the user's session epoch at sign-in (see SessionClaims.epoch). */
  readonly epoch?: string;
}

/** A stored user (without the password hash). */
export interface UserInfo {
  readonly username: string;
  readonly role: Role;
  readonly disabled: boolean;
  /** Legacy per-account lock (before migration 0006); no longer set: see ./throttle.ts. */
  readonly lockedUntil: string | null;
  readonly sessionsValidAfter: string;
}

const USERNAME = /^[a-z][a-z0-9._-]{1,63}$/;

/** Options of {@link UserStore}. */
export interface UserStoreOptions {
  /** How long a verified token stays trusted without a lookup (revocation takes effect within it). Default 5 s. */
  readonly tokenCacheMs?: number;
  readonly now?: () => number;
}

interface UserRowDb {
  username: string;
  role: string;
  password_hash: string;
  disabled: boolean | number;
  failed_logins: number;
  locked_until: string | null;
  sessions_valid_after: string;
}

/**
 * Users and API tokens, copied on every target (see ./replicate.ts). Passwords are scrypt hashes, tokens
 * SHA-256 hashes; verified tokens are cached briefly so token checks stay off the database hot path.
 */
export class UserStore {
  readonly #registry: TargetRegistry;
  readonly #cacheMs: number;
  readonly #now: () => number;
  readonly #tokenCache: LookupCache<Principal | null>;
  readonly #sessionCache: LookupCache<UserRowDb | null>;

  constructor(registry: TargetRegistry, options: UserStoreOptions = {}) {
    this.#registry = registry;
    this.#cacheMs = options.tokenCacheMs ?? 5000;
    this.#now = options.now ?? Date.now;
    const cache = { ttlMs: this.#cacheMs, now: this.#now };
    this.#tokenCache = new LookupCache(cache);
    this.#sessionCache = new LookupCache(cache);
  }

  /** Creates the user, or resets its role and password (idempotent: re-run it to repair a partial write). */
  async upsertUser(username: string, role: string, password: string): Promise<readonly string[]> {
    if (!USERNAME.test(username)) {
      throw new AppError('CAREPOOL_VALIDATION', `user name "${username}" is not valid`, {
        fields: { username: 'lower-case letters, digits, . _ -; 2-64 characters; starts with a letter' },
      });
    }
    if (!isRole(role))
      throw new AppError('CAREPOOL_VALIDATION', `role "${role}" is not valid`, {
        fields: { role: 'viewer, clinician or admin' },
      });
    if (password.length < 12) {
      throw new AppError('CAREPOOL_VALIDATION', 'the password is too short', {
        fields: { password: 'at least 12 characters' },
      });
    }
    const hash = await hashPassword(password);
    // A new password ends the user's sessions; the epoch is made here so every target stores the same one.
    const epoch = this.#newEpoch();
    const written = await writeEverywhere(this.#registry, `user "${username}"`, async (tx) => {
      await tx.query(sql`INSERT INTO carepool_users (username, role, password_hash, sessions_valid_after) VALUES (${username}, ${role}, ${hash}, ${epoch})
        ON DUPLICATE KEY UPDATE role = VALUES(role), password_hash = VALUES(password_hash), sessions_valid_after = VALUES(sessions_valid_after), failed_logins = 0, locked_until = NULL, disabled = 0`);
    });
    this.#sessionCache.delete(username);
    return written;
  }

  /** The user, from the first target that answers. */
  async getUser(username: string): Promise<UserInfo | undefined> {
    const row = await this.#row(username);
    return row && toInfo(row);
  }

  /** Every user (from the first target that answers). */
  async listUsers(): Promise<readonly UserInfo[]> {
    const { rows } = await readFirst(this.#registry, (c) =>
      c.query<UserRowDb>(
        sql`SELECT username, role, password_hash, disabled, failed_logins, locked_until, sessions_valid_after FROM carepool_users ORDER BY username`,
      ),
    );
    return rows.map(toInfo);
  }

  /**
   * Checks a password. Every refusal is the same CAREPOOL_AUTH_INVALID_CREDENTIALS after the same work (one
   * scrypt hash): an unknown name, a wrong password and a disabled account cannot be told apart, by answer
   * or by timing. Repeated failures are throttled per name and client address by {@link SignInThrottle}
   * (./throttle.ts), not by locking the account, which anyone could do to anyone.
   */
  async authenticate(username: string, password: string): Promise<Principal> {
    const row = await this.#row(username);
    const invalid = new AppError('CAREPOOL_AUTH_INVALID_CREDENTIALS', 'wrong user name or password');
    if (row === undefined) {
      await hashPassword(password); // same cost as a real check, so timing does not reveal unknown names
      throw invalid;
    }
    const matches = await verifyPassword(password, row.password_hash);
    if (!matches || row.disabled === true || row.disabled === 1) throw invalid;
    return {
      username: row.username,
      role: row.role as Role,
      via: 'session',
      epoch: row.sessions_valid_after,
    };
  }

  /**
   * The principal of a session cookie's user, or undefined when the user is gone, disabled, or has signed
   * out since (`epoch` no longer matches). Looked up at most once per token-cache period per user, so page
   * requests stay off the database; a sign-out elsewhere takes effect within that period.
   */
  async sessionPrincipal(username: string, epoch: string): Promise<Principal | undefined> {
    const row = await this.#sessionCache.get(username, async () => (await this.#row(username, true)) ?? null);
    if (!row || row.disabled === true || row.disabled === 1 || !isRole(row.role)) return undefined;
    if (row.sessions_valid_after !== epoch) return undefined;
    return { username: row.username, role: row.role, via: 'session', epoch };
  }

  /** Ends every session of the user on every instance (sign-out everywhere). */
  async endSessions(username: string): Promise<void> {
    const epoch = this.#newEpoch();
    await writeEverywhere(this.#registry, `sign-out of "${username}"`, async (tx) => {
      await tx.query(
        sql`UPDATE carepool_users SET sessions_valid_after = ${epoch} WHERE username = ${username}`,
      );
    });
    this.#sessionCache.delete(username);
  }

  /** A session epoch: the current UTC time as DATETIME(3) text, exactly as the server returns it. */
  #newEpoch(): string {
    return new Date(this.#now()).toISOString().replace('T', ' ').slice(0, 23);
  }

  /** Creates an API token for `username`; the token is returned once and stored only as a hash. */
  async createToken(username: string, name: string): Promise<string> {
    if ((await this.#row(username)) === undefined) {
      throw new AppError('CAREPOOL_AUTH_UNKNOWN_USER', `no user "${username}"`);
    }
    const { token, hash } = newToken();
    await writeEverywhere(this.#registry, `token "${name}"`, async (tx) => {
      await tx.query(
        sql`INSERT INTO carepool_tokens (token_hash, name, username) VALUES (${hash}, ${name}, ${username})`,
      );
    });
    return token;
  }

  /** Revokes every token named `name` of `username`; honoured by every instance within the token cache time. */
  async revokeTokens(username: string, name: string): Promise<void> {
    await writeEverywhere(this.#registry, `revoke "${name}"`, async (tx) => {
      await tx.query(
        sql`UPDATE carepool_tokens SET revoked_at = UTC_TIMESTAMP() WHERE username = ${username} AND name = ${name} AND revoked_at IS NULL`,
      );
    });
    this.#tokenCache.clear();
  }

  /** The principal of a bearer token, or undefined. Results are cached for the token cache time. */
  async verifyToken(token: string): Promise<Principal | undefined> {
    if (!looksLikeToken(token)) return undefined;
    const hash = hashToken(token);
    const principal = await this.#tokenCache.get(hash, async () => {
      const { rows } = await readFirst(
        this.#registry,
        (c) =>
          c.query<{ username: string; role: string; disabled: boolean | number }>(
            sql`SELECT u.username, u.role, u.disabled FROM carepool_tokens t JOIN carepool_users u ON u.username = t.username
                WHERE t.token_hash = ${hash} AND t.revoked_at IS NULL`,
          ),
        true,
      );
      const row = rows[0];
      return row && !(row.disabled === true || row.disabled === 1) && isRole(row.role)
        ? { username: row.username, role: row.role, via: 'token' }
        : null;
    });
    return principal ?? undefined;
  }

  /** @param urgent the per-request session check (see readFirst), not an admin or sign-in read. */
  async #row(username: string, urgent = false): Promise<UserRowDb | undefined> {
    const { rows } = await readFirst(
      this.#registry,
      (c) =>
        c.query<UserRowDb>(
          sql`SELECT username, role, password_hash, disabled, failed_logins, locked_until, sessions_valid_after FROM carepool_users WHERE username = ${username}`,
        ),
      urgent,
    );
    return rows[0];
  }
}

function toInfo(row: UserRowDb): UserInfo {
  return {
    username: row.username,
    role: row.role as Role,
    disabled: row.disabled === true || row.disabled === 1,
    lockedUntil: row.locked_until,
    sessionsValidAfter: row.sessions_valid_after,
  };
}
