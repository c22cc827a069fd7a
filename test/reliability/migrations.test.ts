import { execFile, spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { sql } from '../../src/db/sql.js';
import { TargetRegistry } from '../../src/db/targets.js';
import {
  acquireLock,
  ancestorsOf,
  diffSchemas,
  introspectSchema,
  loadChain,
  readJournal,
  schemaOf,
  targetDatabase,
} from '../../src/migrate/index.js';
import { type Stack, startStack } from './stack.js';

const run = promisify(execFile);
const BIN = new URL('../../dist/cli/bin.js', import.meta.url).pathname;
const ROOT = new URL('../..', import.meta.url).pathname;

const slow = (id: string, parent: string, table: string) => `export default {
  id: '${id}', parents: ['${parent}'], message: 'slow step between two DDL statements',
  up: (op) => [
    op.createTable('${table}', { id: op.t.id(), note: op.nullable(op.t.varchar(100)) }),
    // A raw step is never re-run blindly after a kill (issue 16 item 7): it carries a landed-check. A SLEEP
    // changes nothing, so it counts as landed whenever the run died during it.
    op.sql('SELECT SLEEP(3)', { down: 'SELECT 1', landed: 'SELECT 1' }),
    op.addColumn('${table}', 'room', op.nullable(op.t.varchar(20))),
  ],
  down: (op) => [op.dropTable('${table}')],
};`;

const failing = (id: string, parent: string) => `export default {
  id: '${id}', parents: ['${parent}'], message: 'fails half-way',
  up: (op) => [
    op.createTable('wards', { id: op.t.id(), name: op.t.varchar(40) }),
    op.sql('INSERT INTO no_such_table VALUES (1)', { down: 'SELECT 1' }),
    op.addColumn('wards', 'floor', op.nullable(op.t.int())),
  ],
  down: (op) => [op.dropTable('wards')],
};`;

/** Scenario 5: migrations under fault, through the CLI as a user runs it. */
describe('migrations under fault', () => {
  let stack: Stack;
  let dir: string;
  let registry: TargetRegistry;
  let head: string;

  const cli = async (args: string[]) => {
    try {
      const r = await run(process.execPath, [BIN, ...args, '--dir', dir], {
        env: { PATH: process.env.PATH ?? '', ...stack.env },
        cwd: ROOT,
      });
      return { code: 0, out: r.stdout + r.stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, out: e.stdout + e.stderr };
    }
  };
  const schemaMatches = async (revision: string) => {
    const chain = await loadChain(dir);
    const target = registry.get('gcp');
    const live = await introspectSchema(target.sql, targetDatabase(target));
    return diffSchemas(schemaOf(chain, ancestorsOf(chain, revision)), live).length === 0;
  };

  beforeAll(async () => {
    // These scenarios are about migrations under fault, not connect speed: on a starved machine a TLS
    // handshake can pass the default 3 s connect timeout, which is not what they test.
    stack = await startStack({
      profiles: ['gcp'],
      patients: 50,
      env: { CAREPOOL_CONNECT_TIMEOUT_MS: '15000' },
    });
    dir = await mkdtemp(join(tmpdir(), 'carepool-migs-'));
    for (const f of await readdir(join(ROOT, 'migrations')))
      await cp(join(ROOT, 'migrations', f), join(dir, f));
    const chain = await loadChain(dir);
    head = chain.heads[0] as string;
    registry = new TargetRegistry(loadConfig({ env: stack.env, dotenv: false, cwd: stack.home }));
  });
  afterAll(async () => {
    await registry?.close();
    await stack?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('two migrators at once apply each revision once', async () => {
    await writeFile(join(dir, '9001_slow_a.ts'), slow('9001_slow_a', head, 'visits_a'));
    const [a, b] = await Promise.all([
      cli(['migrate', 'up', '--target', 'gcp']),
      cli(['migrate', 'up', '--target', 'gcp']),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const { rows } = await registry
      .get('gcp')
      .sql.query<{ n: number }>(
        sql`SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'visits_a'`,
      );
    expect(Number(rows[0]?.n)).toBe(1);
    expect(await schemaMatches('9001_slow_a')).toBe(true);
  });

  it('a migrator killed mid-migration leaves the lock free, the state recorded, and resolve converges', async () => {
    await writeFile(join(dir, '9002_slow_b.ts'), slow('9002_slow_b', '9001_slow_a', 'visits_b'));
    const child = spawn(process.execPath, [BIN, 'migrate', 'up', '--target', 'gcp', '--dir', dir], {
      env: { PATH: process.env.PATH ?? '', ...stack.env },
      cwd: ROOT,
      stdio: 'ignore',
    });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const watcher = await registry.get('gcp').connectMigrator();
    try {
      let inside = false;
      for (let i = 0; i < 600 && !inside; i++) {
        inside = (await readJournal(watcher).catch(() => [])).some((j) => j.status === 'pending');
        if (!inside) await new Promise((r) => setTimeout(r, 50));
      }
      expect(inside).toBe(true);
      child.kill('SIGKILL');
      await exited;
      // Free once the server reaps the dead session (after its running statement ends).
      const lock = await acquireLock(watcher, targetDatabase(registry.get('gcp')), 15);
      await lock.release();
    } finally {
      await watcher.close();
    }
    const refused = await cli(['migrate', 'up', '--target', 'gcp']);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/resolve/);
    // The dead run's SLEEP may still run on the server: resolve waits for it (never decides while it runs).
    const resumed = await cli(['migrate', 'resolve', '--target', 'gcp', '--resume', '--wait']);
    expect(resumed.code, resumed.out).toBe(0);
    expect(await schemaMatches('9002_slow_b')).toBe(true);
  });

  it('a statement failing half-way is journaled; revert restores the schema of the previous revision', async () => {
    await writeFile(join(dir, '9003_failing.ts'), failing('9003_failing', '9002_slow_b'));
    const failed = await cli(['migrate', 'up', '--target', 'gcp']);
    expect(failed.code, failed.out).toBe(1);
    expect(failed.out).toContain('CAREPOOL_MIGRATE_STATEMENT_FAILED');
    expect(await schemaMatches('9002_slow_b')).toBe(false); // `wards` was created before the failure
    const reverted = await cli(['migrate', 'resolve', '--target', 'gcp', '--revert']);
    expect(reverted.code, reverted.out).toBe(0);
    expect(await schemaMatches('9002_slow_b')).toBe(true);
    const current = await cli(['migrate', 'current', '--target', 'gcp']);
    expect(current.out).toContain('9002_slow_b');
    expect(current.out).not.toContain('9003_failing');
  });
});
