import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, parseConnectionUrl } from '../../src/config/index.js';
import { connectSingle, type SingleConnection } from '../../src/db/connect.js';
import { sql } from '../../src/db/sql.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { isAppError } from '../../src/errors/index.js';
import {
  copyTables,
  cutover,
  replicationPreflight,
  replicationStatus,
  startReplication,
  stopReplication,
  verifyTables,
} from '../../src/move/index.js';
import { cutoverRecordPath, followCutovers, readCutoverRecord } from '../../src/move/cutover-record.js';
import { writeMoveState } from '../../src/move/move-state.js';
import { type ServerState, startSandbox, stopSandbox, userUrl } from '../../src/sandbox/index.js';
import { createMovePair, type MovePair, run } from './helpers.js';

const readOnly = async (c: SingleConnection) =>
  Number((await c.query<{ r: number }>(sql`SELECT @@GLOBAL.read_only AS r`)).rows[0]?.r);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`${what} did not happen within ${ms} ms: ${JSON.stringify(v)}`);
    await sleep(500);
  }
}

describe('replicate preflight on the shared sandbox (binary log on, ROW, distinct server ids)', () => {
  let pair: MovePair;
  beforeAll(async () => {
    pair = await createMovePair({ adminMigrator: true });
  });
  afterAll(async () => pair?.drop());

  it('passes on the sandbox; a table without a primary key is named with its fix, and start refuses', async () => {
    const [from, to] = [pair.registry.get('azure'), pair.registry.get('gcp')];
    await run(pair.azure, 'CREATE TABLE k (id INT PRIMARY KEY)');
    expect(await replicationPreflight(from, to)).toEqual([]);
    await run(pair.azure, 'CREATE TABLE nokey (v INT)');
    const findings = await replicationPreflight(from, to);
    expect(findings.map((f) => `${f.check}: ${f.found}`)).toEqual(['primary keys: no primary key: nokey']);
    expect(findings[0]?.fix).toContain('add a primary key');
    const error = await startReplication(from, to, '/nonexistent').catch((e: unknown) => e);
    expect(isAppError(error, 'CAREPOOL_MOVE_REPLICATION_PREFLIGHT')).toBe(true);
  });
});

/** Two private servers with binary logs and their own server ids (the shared sandbox runs without). */
describe('replicate start/status/stop between two private MariaDB servers', { timeout: 240_000 }, () => {
  const homes: string[] = [];
  let source: ServerState;
  let replica: ServerState;
  let registry: TargetRegistry;
  let config: ReturnType<typeof loadConfig>;
  let a: SingleConnection;
  let b: SingleConnection;
  const binlog = (id: number) => ['--log-bin=binlog', '--binlog-format=ROW', `--server-id=${id}`];

  beforeAll(async () => {
    for (const _ of [0, 1]) homes.push(await mkdtemp(join(tmpdir(), 'carepool-repl-')));
    source = (
      await startSandbox({
        home: homes[0] as string,
        profiles: ['azure'],
        ports: 'free',
        extraArgs: binlog(11),
      })
    ).servers.azure as ServerState;
    replica = (
      await startSandbox({
        home: homes[1] as string,
        profiles: ['gcp'],
        ports: 'free',
        extraArgs: binlog(12),
      })
    ).servers.gcp as ServerState;
    const admin = (s: ServerState) => userUrl(s, 'admin').replace(/\/clinic\?/, '/rdb?');
    const open = (s: ServerState) =>
      connectSingle(s.name, parseConnectionUrl('admin', userUrl(s, 'admin')), {
        connectTimeoutMs: 5000,
        keepAliveMs: 0,
      });
    a = await open(source);
    b = await open(replica);
    for (const c of [a, b]) await run(c, 'CREATE DATABASE rdb', 'USE rdb');
    config = loadConfig({
      env: {
        CAREPOOL_TARGETS: 'src,dst',
        CAREPOOL_TARGET_SRC_URL: admin(source),
        CAREPOOL_TARGET_DST_URL: admin(replica),
      },
      dotenv: false,
      cwd: homes[0] as string,
    });
    registry = new TargetRegistry(config);
  });
  afterAll(async () => {
    await registry?.close(1000);
    await a?.close().catch(() => undefined);
    await b?.close().catch(() => undefined);
    for (const h of homes) {
      await stopSandbox(h).catch(() => undefined);
      await rm(h, { recursive: true, force: true });
    }
  });

  it('copy records the GTID position; replication from it keeps the copy identical; a source restart shows and heals', async () => {
    await run(
      a,
      'CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20) NULL)',
      "INSERT INTO t SELECT seq, CONCAT('v', seq) FROM seq_1_to_500",
    );
    const manifest = join(homes[0] as string, 'm.json');
    const copied = await copyTables(registry.get('src'), registry.get('dst'), { manifestPath: manifest });
    expect(copied.snapshot.position.gtid).toMatch(/^\d+-11-\d+$/);
    expect(await replicationPreflight(registry.get('src'), registry.get('dst'))).toEqual([]);
    // The replica verifies the source's certificate: with another CA (the replica's own) the link fails.
    await startReplication(registry.get('src'), registry.get('dst'), manifest, { sourceCa: replica.caPath });
    const refused = await until(
      'the IO thread refusing the certificate',
      () => replicationStatus(registry.get('src'), registry.get('dst')),
      (s) => !s.running && (s.lastError ?? '') !== '',
    );
    expect(refused.io).not.toBe('Yes');
    expect(refused.lastError).toMatch(/ssl|certificate|tls/i);
    await startReplication(registry.get('src'), registry.get('dst'), manifest);
    const channel = await b.query<Record<string, unknown>>(sql`SHOW SLAVE 'carepool' STATUS`);
    expect(channel.rows[0]?.Master_SSL_Verify_Server_Cert).toBe('Yes');
    expect(channel.rows[0]?.Master_SSL_CA_File).toBe(source.caPath);
    await run(
      a,
      "INSERT INTO t VALUES (1000, 'new')",
      "UPDATE t SET v = 'changed' WHERE id = 7",
      'DELETE FROM t WHERE id = 9',
    );
    const caught = await until(
      'replica catching up',
      () => replicationStatus(registry.get('src'), registry.get('dst')),
      (s) => s.running && s.caughtUp === true,
    );
    expect(caught.lastError).toBeNull();
    expect((await verifyTables(registry.get('src'), registry.get('dst'))).identical).toBe(true);

    // The source goes away: status says so; it comes back on the same port and replication resumes.
    await stopSandbox(homes[0] as string);
    const broken = await until(
      'status showing the broken link',
      () => replicationStatus(registry.get('src'), registry.get('dst')),
      (s) => !s.running,
    );
    expect(broken.sourceGtid).toBeNull();
    expect(broken.lastError).toContain('source src unreachable');
    expect(broken.running).toBe(false);
    await startSandbox({
      home: homes[0] as string,
      profiles: ['azure'],
      ports: 'free',
      extraArgs: binlog(11),
    });
    await a.close().catch(() => undefined);
    a = await connectSingle('src', parseConnectionUrl('admin', userUrl(source, 'admin')), {
      connectTimeoutMs: 5000,
      keepAliveMs: 0,
    });
    await run(a, 'USE rdb', "INSERT INTO t VALUES (1001, 'after restart')");
    await until(
      'replication resuming',
      () => replicationStatus(registry.get('src'), registry.get('dst')),
      (s) => s.running && s.caughtUp === true,
    );
    expect((await verifyTables(registry.get('src'), registry.get('dst'))).identical).toBe(true);

    // Cutover with a row only the replica has: the final verify fails and the source is writable again.
    await run(b, 'USE rdb', "INSERT INTO t VALUES (5000, 'replica only')");
    const failed = await cutover(registry.get('src'), registry.get('dst'), { waitSeconds: 20 });
    expect(failed.ok).toBe(false);
    expect(failed.rolledBack).toBe(true);
    expect(failed.phases.map((p) => `${p.phase}:${p.ok}`)).toEqual([
      'preflight:true',
      'source-read-only:true',
      'capture-position:true',
      'wait-for-replica:true',
      'final-verify:false',
      'rollback:true',
    ]);
    expect(await readOnly(a)).toBe(0);
    await run(b, 'DELETE FROM t WHERE id = 5000');
    // A web app on this home follows the switch: its registry sends src's requests to dst afterwards.
    const app = new TargetRegistry(config);
    const unfollow = await followCutovers(app, homes[0] as string, 50);
    expect(app.get('src').name).toBe('src');
    const done = await cutover(registry.get('src'), registry.get('dst'), {
      waitSeconds: 20,
      home: homes[0] as string,
      reverse: true,
    });
    expect(done.phases.map((p) => p.phase)).toEqual([
      'preflight',
      'source-read-only',
      'capture-position',
      'wait-for-replica',
      'final-verify',
      'promote',
      'switch-app',
      'reverse-replication',
    ]);
    expect((await readCutoverRecord(homes[0] as string)).redirects).toEqual({ src: 'dst' });
    await until(
      'the app following the switch',
      async () => app.get('src').name,
      (n) => n === 'dst',
    );
    unfollow();
    await app.close(1000);
    expect(done.ok).toBe(true);
    // Bounded by the phases it spans (never asserted as an absolute latency).
    expect(done.writeDowntimeMs).toBeGreaterThanOrEqual(0);
    expect(done.writeDowntimeMs).toBeLessThanOrEqual(done.phases.reduce((n, p) => n + p.ms, 0) + 1000);
    expect(await readOnly(a)).toBe(1);
    expect(await readOnly(b)).toBe(0);
    const after = await replicationStatus(registry.get('src'), registry.get('dst'));
    expect(after.running).toBe(false);
    expect(after.io).toBe('No');
    // Reverse replication: dst's new writes reach src (still read-only), so a way back stays open.
    await run(b, "INSERT INTO t VALUES (6000, 'written on dst')", "UPDATE t SET v = 'dst' WHERE id = 8");
    await until(
      'reverse replication catching up',
      () => replicationStatus(registry.get('dst'), registry.get('src')),
      (s) => s.running && s.lastError === null && s.caughtUp === true,
    );
    expect((await verifyTables(registry.get('dst'), registry.get('src'))).identical).toBe(true);
    await stopReplication(registry.get('dst'), registry.get('src'));

    // A run killed between promote and the switch record (src read-only, dst writable, no channel, no
    // record): the same cutover again finishes it instead of failing its preflight.
    await run(a, 'SET GLOBAL read_only = 1');
    await rm(cutoverRecordPath(homes[0] as string));
    const phasesUpToPromote = done.phases.filter(
      (p) => p.phase !== 'switch-app' && p.phase !== 'reverse-replication',
    );
    await writeMoveState(homes[0] as string, 'cutover', {
      from: 'src',
      to: 'dst',
      state: 'running',
      phases: phasesUpToPromote,
    });
    const resumed = await cutover(registry.get('src'), registry.get('dst'), { home: homes[0] as string });
    expect(resumed.phases.map((p) => `${p.phase}:${p.ok}`)).toEqual(['preflight:true', 'switch-app:true']);
    expect(resumed.phases[0]?.detail).toContain('resuming');
    expect(resumed.ok).toBe(true);
    expect(resumed.writeDowntimeMs).toBeNull();
    expect((await readCutoverRecord(homes[0] as string)).redirects).toEqual({ src: 'dst' });
    await run(a, 'SET GLOBAL read_only = 0');
  });
});
