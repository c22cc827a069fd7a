import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog, auditedGuard } from '../../src/audit/index.js';
import { type AccessContext, Clinic } from '../../src/clinic/index.js';
import { loadConfig } from '../../src/config/index.js';
import { sql } from '../../src/db/sql.js';
import { isAppError } from '../../src/errors/index.js';
import { TargetRegistry } from '../../src/db/targets.js';
import type { ReplicaRouter, RouterOptions } from '../../src/replicas/index.js';
import {
  type SandboxState,
  sandboxEnv,
  type ServerState,
  startSandbox,
  stopSandbox,
} from '../../src/sandbox/index.js';
import { migrateSandboxToHead } from '../harness/migrate.js';
import { adminConnection } from '../harness/targets.js';

/** A private sandbox: one primary (gcp profile) with one read replica, schema at head. */
export interface ReplicaStack {
  readonly home: string;
  readonly state: SandboxState;
  readonly primary: ServerState;
  readonly replica: ServerState;
  /** A registry + clinic over the stack (the router polls every `pollIntervalMs`): one app instance. */
  open(
    env?: Record<string, string>,
    pollIntervalMs?: number,
    routerOptions?: RouterOptions,
  ): { registry: TargetRegistry; clinic: Clinic; router: ReplicaRouter };
  /** Runs statements on the replica as its admin. */
  onReplica(...statements: string[]): Promise<void>;
  close(): Promise<void>;
}

/** Starts the stack (~10-20 s: two servers, the initial copy, migrations replicated). */
export async function startReplicaStack(): Promise<ReplicaStack> {
  const home = await mkdtemp(join(tmpdir(), 'carepool-replicas-'));
  const state = await startSandbox({ home, ports: 'free', profiles: ['gcp'], replicas: 1 });
  await migrateSandboxToHead(state, home);
  const primary = state.servers.gcp as ServerState;
  const replica = state.servers['gcp-replica-1'] as ServerState;
  const registries: TargetRegistry[] = [];
  return {
    home,
    state,
    primary,
    replica,
    open(env = {}, pollIntervalMs = 100, routerOptions = {}) {
      const config = loadConfig({ env: { ...sandboxEnv(state), ...env }, dotenv: false, cwd: home });
      const registry = new TargetRegistry(config, { replicas: { pollIntervalMs, ...routerOptions } });
      registries.push(registry);
      const router = registry.get('gcp').replicas;
      if (!router) throw new Error('the gcp target has no replicas');
      // As the web app builds it with security on: writes are audited, which fleet-wide RYW reads.
      const guard = auditedGuard(new AuditLog(registry));
      return { registry, clinic: new Clinic({ registry, guard, auditsWrites: true }), router };
    },
    async onReplica(...statements) {
      const conn = await adminConnection(replica);
      try {
        for (const s of statements) await conn.query(sql.raw(s));
      } finally {
        await conn.close();
      }
    },
    async close() {
      await Promise.all(registries.map((r) => r.close(500)));
      await stopSandbox(home);
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** An API client as the clinic sees it (read-your-writes is per actor). */
export function client(id: string): AccessContext {
  return { actor: { id, name: id, role: 'admin', via: 'token' }, client: 'test' };
}

/** Polls `check` every 50 ms until it returns true, failing after `timeoutMs`. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A new patient's fields (surname unique to the caller). */
export function patient(lastName: string): Record<string, string> {
  return { first_name: 'Rep', last_name: lastName, date_of_birth: '1980-01-02', gender: 'Female' };
}

/**
 * A read through `router` that holds its connection 2 s (SELECT SLEEP(2)): 'ok' when served, 'capped' when
 * refused with CAREPOOL_REPLICA_FALLBACK_SATURATED, any other error as it is (the fallback cap's tests).
 */
export function slowRead(router: ReplicaRouter): Promise<'ok' | 'capped' | unknown> {
  return router
    .read(undefined, (t) => t.sql.query(sql`SELECT SLEEP(2) AS s`))
    .then(
      () => 'ok' as const,
      (e: unknown) => (isAppError(e, 'CAREPOOL_REPLICA_FALLBACK_SATURATED') ? ('capped' as const) : e),
    );
}
