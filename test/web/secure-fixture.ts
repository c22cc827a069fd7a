import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { AuditLog } from '../../src/audit/index.js';
import { type Role, SignInThrottle, type ThrottlePolicy, UserStore } from '../../src/auth/index.js';
import { Secret } from '../../src/config/index.js';
import type { TargetRegistry } from '../../src/db/targets.js';
import { migrateFleet } from '../../src/migrate/index.js';
import { buildApp } from '../../src/web/app.js';
import type { SecurityOptions } from '../../src/web/security/index.js';
import { captureLogger, registerSecret } from '../harness/capture.js';
import { createScratchDatabases, MIGRATIONS_DIR, type ScratchDatabases } from '../harness/migrate.js';

/** A signed-in test user: its password, an API token, and a session cookie with its form token. */
export interface TestUser {
  readonly name: string;
  readonly role: Role;
  readonly password: string;
  readonly token: string;
}

/** A secured app over private databases (both sandbox servers, migrated to head), with one user per role. */
export interface SecureFixture {
  readonly app: FastifyInstance;
  readonly registry: TargetRegistry;
  readonly users: UserStore;
  readonly audit: AuditLog;
  readonly secret: Secret;
  readonly user: Readonly<Record<Role, TestUser>>;
  /** The scratch database name on both servers. */
  readonly database: string;
  /** Moves the sessions' clock (ms added to the real time). */
  advance(ms: number): void;
  /** Signs in through POST /login; returns the session cookie header and the page's form token. */
  login(user: TestUser): Promise<{ cookie: string; csrf: string }>;
  /** Authorization header of a user's token. */
  bearer(user: TestUser): { authorization: string };
  close(): Promise<void>;
}

/** Options of {@link secureFixture}. */
export interface SecureFixtureOptions {
  readonly loginLimit?: SecurityOptions['loginLimit'];
  readonly sessionPolicy?: SecurityOptions['sessionPolicy'];
  readonly idempotencyTtlMs?: number;
  /** Sign-in throttling numbers (default: the standard policy). */
  readonly throttlePolicy?: ThrottlePolicy;
  /** Build over these databases instead of fresh ones (they must be at head). */
  readonly scratch?: ScratchDatabases;
  /** Load balancers whose X-Forwarded-For names the client (`CAREPOOL_TRUST_PROXY`). */
  readonly trustProxy?: readonly string[];
  /** Served over HTTPS (`__Host-` cookie names, `Secure`). */
  readonly https?: boolean;
}

/**
 * Builds the app exactly as `carepool serve` does (sign-in, roles, audited access guard) but over private
 * databases, so tests can count audit rows and checksum tables without other test files writing there.
 */
export async function secureFixture(options: SecureFixtureOptions = {}): Promise<SecureFixture> {
  const scratch = options.scratch ?? (await createScratchDatabases('clinic_sec'));
  if (!options.scratch) {
    const results = await migrateFleet(scratch.registry.list(), {
      to: 'head',
      migrationsDir: MIGRATIONS_DIR,
    });
    const failed = results.find((r) => !r.ok);
    if (failed) throw new Error(`migrating the scratch databases failed: ${failed.error?.message}`);
  }
  let offset = 0;
  const now = () => Date.now() + offset;
  const registry = scratch.registry;
  const users = new UserStore(registry, { now });
  const audit = new AuditLog(registry);
  const key = randomBytes(32).toString('base64url');
  registerSecret(key);
  const secret = new Secret(key);
  const app = await buildApp({
    registry,
    // Request and security logs go to the run's capture, which the secret scan reads.
    logger: captureLogger(`secure-${scratch.name}`),
    ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}),
    security: {
      users,
      audit,
      sessionSecret: secret,
      now,
      loginLimit: options.loginLimit ?? { max: 10_000, windowMs: 60_000 },
      ...(options.sessionPolicy ? { sessionPolicy: options.sessionPolicy } : {}),
      ...(options.idempotencyTtlMs ? { idempotencyTtlMs: options.idempotencyTtlMs } : {}),
      ...(options.https ? { https: true } : {}),
      ...(options.throttlePolicy ? { throttle: new SignInThrottle(registry, options.throttlePolicy) } : {}),
    },
  });
  await app.ready();
  const user = {} as Record<Role, TestUser>;
  for (const role of ['viewer', 'clinician', 'admin'] as const) {
    const name = `${role}_${randomBytes(3).toString('hex')}`;
    const password = randomBytes(18).toString('base64url');
    await users.upsertUser(name, role, password);
    const token = await users.createToken(name, 'test');
    registerSecret(password, token);
    user[role] = { name, role, password, token };
  }
  return {
    app,
    registry,
    users,
    audit,
    secret,
    user,
    database: scratch.name,
    advance(ms) {
      offset += ms;
    },
    login: (u) => signInByForm(app, u.name, u.password),
    bearer: (u) => ({ authorization: `Bearer ${u.token}` }),
    async close() {
      await app.close();
      if (!options.scratch) await scratch.drop();
    },
  };
}

/** Signs in through the sign-in form of `app` (GET and POST /login); the session cookie and its form token. */
export async function signInByForm(
  app: FastifyInstance,
  name: string,
  password: string,
): Promise<{ cookie: string; csrf: string }> {
  const page = await app.inject({ method: 'GET', url: '/login' });
  const nonce = cookieOf(page, 'carepool_login');
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const res = await app.inject({
    method: 'POST',
    url: '/login',
    headers: { cookie: nonce, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ username: name, password, _csrf: token }).toString(),
  });
  if (res.statusCode !== 303) throw new Error(`sign-in of ${name} failed: ${res.statusCode}`);
  const cookie = cookieOf(res, 'carepool_session');
  const home = await app.inject({ method: 'GET', url: '/', headers: { cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(home.body)?.[1] ?? '';
  return { cookie, csrf };
}

/** `name=value` of a Set-Cookie in a response (for a Cookie header). */
export function cookieOf(res: LightMyRequestResponse, name: string): string {
  const all = [res.headers['set-cookie'] ?? []].flat();
  const line = all.find((c) => c.startsWith(`${name}=`));
  if (!line) throw new Error(`no ${name} cookie in ${JSON.stringify(all)}`);
  return line.split(';')[0] as string;
}

/** A patient body for forms and the API. */
export function patientInput(tag: string): Record<string, string> {
  return {
    first_name: `Zoe${tag}`,
    last_name: `Quill${tag}`,
    date_of_birth: '1971-06-02',
    gender: 'Female',
    contact_number: '+1 555 0199',
  };
}
