/**
 * The doctor's settings findings on a real server configured the wrong way: a private MariaDB (own home, free
 * port, never the harness's shared servers) started with a non-strict sql_mode, latin1 as the server
 * character set, a +02:00 time zone and a wait_timeout of 60 s, below the pool's default idle timeout.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConnectionUrl } from '../../src/config/index.js';
import { connectSingle } from '../../src/db/connect.js';
import { sql } from '../../src/db/sql.js';
import { diagnoseTarget, diagnoseTargets } from '../../src/doctor/index.js';
import {
  type SandboxState,
  type ServerState,
  startSandbox,
  stopSandbox,
  userUrl,
} from '../../src/sandbox/index.js';
import { captureOutput, registerSecret } from '../harness/capture.js';
import { sandboxServers } from '../harness/targets.js';
import { finding, passwordsOf, targetFromUrl } from './helpers.js';

const MISCONFIGURED = [
  '--sql-mode=NO_ENGINE_SUBSTITUTION',
  '--character-set-server=latin1',
  '--collation-server=latin1_swedish_ci',
  '--default-time-zone=+02:00',
  '--wait-timeout=60',
];
const LATIN1_DB = 'clinic_latin1';
const BIN = new URL('../../dist/cli/bin.js', import.meta.url).pathname;

let home: string;
let state: SandboxState;
let server: ServerState;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'carepool-doctor-settings-'));
  state = await startSandbox({ home, ports: 'free', profiles: ['gcp'], extraArgs: MISCONFIGURED });
  server = state.servers.gcp as ServerState;
  registerSecret(...Object.values(server.users).map((u) => u.password));
  // A database created in latin1 (as `CREATE DATABASE` does on such a server without a CHARACTER SET).
  const admin = await connectSingle('admin', parseConnectionUrl('admin', userUrl(server, 'admin')), {
    connectTimeoutMs: 5000,
    keepAliveMs: 0,
  });
  try {
    await admin.query(sql.raw(`CREATE DATABASE IF NOT EXISTS ${LATIN1_DB}`));
    await admin.query(sql.raw(`GRANT SELECT ON ${LATIN1_DB}.* TO '${server.users.app.user}'@'%'`));
  } finally {
    await admin.close();
  }
}, 180_000);

afterAll(async () => {
  if (home) {
    await stopSandbox(home).catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  }
});

const url = (database?: string) => {
  const u = userUrl(server, 'app');
  return database ? u.replace(/\/clinic\?/, `/${database}?`) : u;
};

describe('doctor settings findings on a misconfigured MariaDB', () => {
  it('warns about sql_mode, latin1, the time zone and wait_timeout, each with its code and fix', async () => {
    const d = await diagnoseTarget(targetFromUrl('legacy', url()));
    const sqlMode = finding(d, 'sql_mode');
    expect(sqlMode).toMatchObject({ status: 'warn', code: 'CAREPOOL_DOCTOR_SQL_MODE' });
    expect(sqlMode.summary).toContain('NO_ENGINE_SUBSTITUTION');
    expect(sqlMode.fix).toContain('STRICT_TRANS_TABLES');

    const charset = finding(d, 'character_set');
    expect(charset).toMatchObject({ status: 'warn', code: 'CAREPOOL_DOCTOR_CHARSET' });
    // The sandbox's clinic database is utf8mb4; the server default is what is wrong here.
    expect(charset.summary).toContain('server latin1');
    expect(charset.cause).toContain('server default is latin1');

    const tz = finding(d, 'time_zone');
    expect(tz).toMatchObject({ status: 'warn', code: 'CAREPOOL_DOCTOR_TIME_ZONE' });
    expect(tz.summary).toBe('+02:00');

    const wait = finding(d, 'wait_timeout');
    expect(wait).toMatchObject({ status: 'warn', code: 'CAREPOOL_DOCTOR_WAIT_TIMEOUT' });
    expect(wait.data).toMatchObject({ waitTimeoutS: 60 });
    // The suggested idle timeout is below wait_timeout.
    const suggested = Number(/CAREPOOL_IDLE_TIMEOUT_MS=(\d+)/.exec(wait.fix ?? '')?.[1]);
    expect(suggested).toBeGreaterThan(0);
    expect(suggested).toBeLessThan(60_000);

    // Found and explained, but nothing here stops carepool from working: warnings, not a failure.
    expect(d.status).toBe('warn');
  });

  it('names a latin1 database as the problem when the database itself is latin1', async () => {
    const d = await diagnoseTarget(targetFromUrl('legacy', url(LATIN1_DB)));
    const charset = finding(d, 'character_set');
    expect(charset).toMatchObject({ status: 'warn', code: 'CAREPOOL_DOCTOR_CHARSET' });
    expect(charset.summary).toContain('database latin1');
    expect(charset.cause).toContain('database uses latin1');
  });

  it('reports invisible primary keys as absent on MariaDB (the variable exists only on MySQL 8.0.30+)', async () => {
    // MySQL 8 cannot run on this machine, so the ON case (Azure's default) is covered by the unit tests only.
    const d = await diagnoseTarget(targetFromUrl('legacy', url()));
    const gipk = finding(d, 'sql_generate_invisible_primary_key');
    expect(gipk.status).toBe('info');
    expect(gipk.summary).toContain('not on this server');
  });

  it('flags the settings that differ from a well-configured target', async () => {
    const { gcp } = sandboxServers();
    const report = await diagnoseTargets([
      targetFromUrl('legacy', url()),
      targetFromUrl('gcp', userUrl(gcp, 'app')),
    ]);
    const good = report.targets.find((t) => t.target === 'gcp');
    expect(good && finding(good, 'sql_mode').status).toBe('ok');
    expect(good && finding(good, 'time_zone').status).toBe('ok');
    const across = JSON.stringify(report.across);
    expect(across).toContain('sql_mode');
    expect(across).toMatch(/time.zone/);
  });

  it('carepool doctor --json (built binary) prints the same codes and never a password', async () => {
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      CAREPOOL_HOME: home,
      CAREPOOL_TARGETS: 'legacy',
      CAREPOOL_TARGET_LEGACY_URL: url(),
    };
    const { stdout, stderr, code } = await promisify(execFile)(process.execPath, [BIN, 'doctor', '--json'], {
      env,
      cwd: home,
    }).then(
      (r) => ({ ...r, code: 0 }),
      (e: { stdout: string; stderr: string; code: number }) => e,
    );
    captureOutput('carepool doctor --json (misconfigured server)', stdout + stderr);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    const codes = report.targets[0].findings.map((f: { code?: string }) => f.code).filter(Boolean);
    expect(codes).toEqual(
      expect.arrayContaining([
        'CAREPOOL_DOCTOR_SQL_MODE',
        'CAREPOOL_DOCTOR_CHARSET',
        'CAREPOOL_DOCTOR_TIME_ZONE',
        'CAREPOOL_DOCTOR_WAIT_TIMEOUT',
      ]),
    );
    for (const p of passwordsOf(server)) expect(stdout + stderr).not.toContain(p);
  });
});
