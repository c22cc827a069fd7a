import { describe, expect, it } from 'vitest';
import type { PoolSettings } from '../../src/config/index.js';
import {
  compareTargets,
  evaluateSettings,
  parseGreeting,
  privilegesOn,
  type ServerFacts,
  type TargetDiagnosis,
} from '../../src/doctor/index.js';
import { sslRequestPacket } from '../../src/doctor/wire.js';

function packet(payload: Buffer, seq = 0): Buffer {
  const header = Buffer.alloc(4);
  header.writeUIntLE(payload.length, 0, 3);
  header.writeUInt8(seq, 3);
  return Buffer.concat([header, payload]);
}

function handshake(version: string, capsLow: number, capsHigh: number, plugin: string): Buffer {
  return packet(
    Buffer.concat([
      Buffer.from([10]),
      Buffer.from(`${version}\0`, 'latin1'),
      Buffer.from([7, 0, 0, 0]), // connection id 7
      Buffer.alloc(8, 0x41),
      Buffer.from([0]),
      Buffer.from([capsLow & 0xff, capsLow >> 8]),
      Buffer.from([45, 2, 0]),
      Buffer.from([capsHigh & 0xff, capsHigh >> 8]),
      Buffer.from([21]),
      Buffer.alloc(10),
      Buffer.alloc(13, 0x42),
      Buffer.from(`${plugin}\0`, 'latin1'),
    ]),
  );
}

describe('MySQL greeting', () => {
  it('reads version, TLS offer and auth plugin of MySQL 8 and MariaDB greetings', () => {
    expect(parseGreeting(handshake('8.0.36', 0xffff, 0xdfff, 'caching_sha2_password'))).toEqual({
      kind: 'handshake',
      serverVersion: '8.0.36',
      connectionId: 7,
      capabilities: 0xdfffffff,
      tlsOffered: true,
      authPlugin: 'caching_sha2_password',
    });
    const maria = parseGreeting(handshake('5.5.5-10.11.19-MariaDB', 0xf7ff, 0x81bf, 'mysql_native_password'));
    expect(maria).toMatchObject({ serverVersion: '10.11.19-MariaDB', tlsOffered: false });
  });

  it('reads a pre-handshake error and recognises other protocols', () => {
    const err = Buffer.concat([Buffer.from([0xff, 0x10, 0x04]), Buffer.from('Too many connections')]);
    expect(parseGreeting(packet(err))).toEqual({
      kind: 'error',
      errno: 1040,
      message: 'Too many connections',
    });
    expect(parseGreeting(Buffer.from('SSH-2.0-OpenSSH_9.2\r\n'))).toMatchObject({
      kind: 'not-mysql',
      preview: 'SSH-2.0-OpenSSH_9.2..',
    });
  });

  it('builds a 32-byte SSLRequest with CLIENT_SSL, sequence 1', () => {
    const p = sslRequestPacket();
    expect([...p.subarray(0, 4)]).toEqual([32, 0, 0, 1]);
    expect(p.readUInt32LE(4) & 0x800).toBe(0x800);
  });
});

describe('grants', () => {
  const lines = [
    "GRANT USAGE ON *.* TO `carepool_app`@`%` IDENTIFIED BY PASSWORD '*A889CDDE19E2ABCABE83AB594C4E3B71448F7FBD'",
    'GRANT SELECT, INSERT, UPDATE, DELETE ON `clinic`.* TO `carepool_app`@`%`',
    'GRANT SELECT (id) ON `clinic`.`patients` TO `carepool_app`@`%`',
    'GRANT ALTER ON `other`.* TO `carepool_app`@`%`',
  ];

  it('collects database-level privileges, ignores other databases, tables and the password hash', () => {
    const p = privilegesOn(lines, 'clinic');
    expect([...p.privileges].sort()).toEqual(['DELETE', 'INSERT', 'SELECT', 'UPDATE']);
    expect(p.grantOption).toBe(false);
    expect(JSON.stringify([...p.privileges])).not.toContain('A889');
  });

  it('sees ALL PRIVILEGES on *.* and wildcard database names', () => {
    expect([
      ...privilegesOn(['GRANT ALL PRIVILEGES ON *.* TO `admin`@`%` WITH GRANT OPTION'], 'clinic').privileges,
    ]).toEqual(['ALL']);
    expect(privilegesOn(['GRANT CREATE ON `clin%`.* TO `m`@`%`'], 'clinic').privileges.has('CREATE')).toBe(
      true,
    );
    expect(
      privilegesOn(['GRANT CREATE ON `clinic\\_test`.* TO `m`@`%`'], 'clinicxtest').privileges.size,
    ).toBe(0);
  });
});

const pool: PoolSettings = {
  max: 20,
  min: 0,
  connectTimeoutMs: 3000,
  acquireTimeoutMs: 2000,
  idleTimeoutMs: 180_000,
  maxLifetimeMs: 1_800_000,
  keepAliveMs: 60_000,
  validationIdleMs: 500,
  leakDetectionMs: 30_000,
};

const facts = (variables: Record<string, string>, charset = 'utf8mb4'): ServerFacts => ({
  version: '8.0.36',
  versionComment: 'MySQL Community Server - GPL',
  variables: {
    require_secure_transport: 'ON',
    max_connections: '171',
    wait_timeout: '28800',
    sql_mode: 'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE',
    time_zone: '+00:00',
    character_set_server: 'utf8mb4',
    lower_case_table_names: '1',
    sql_generate_invisible_primary_key: 'ON',
    ...variables,
  },
  status: { threads_connected: '3' },
  databaseCharset: charset,
  databaseCollation: `${charset}_general_ci`,
});

describe('settings', () => {
  const byCheck = (f: ServerFacts, instances = 1) =>
    Object.fromEntries(
      evaluateSettings(f, { target: 'azure', pool, appInstances: instances }).map((x) => [x.check, x]),
    );

  it('an Azure B1ms-like server with one app instance is fine', () => {
    const r = byCheck(facts({}));
    for (const check of [
      'require_secure_transport',
      'max_connections',
      'wait_timeout',
      'sql_mode',
      'time_zone',
      'character_set',
    ]) {
      expect(r[check]?.status, check).toBe('ok');
    }
    expect(r.sql_generate_invisible_primary_key?.summary).toContain('my_row_id');
  });

  it('warns near the limit and fails past it with a pool size that fits (171 → 7 instances fit)', () => {
    expect(byCheck(facts({}), 8).max_connections).toMatchObject({ status: 'warn' });
    const over = byCheck(facts({}), 9).max_connections;
    expect(over).toMatchObject({ status: 'fail', code: 'CAREPOOL_DOCTOR_MAX_CONNECTIONS' });
    expect(over?.fix).toContain('CAREPOOL_TARGET_AZURE_POOL_MAX=16');
  });

  it('flags idle eviction past wait_timeout, a lax sql_mode, a local time zone and latin1', () => {
    const r = byCheck(
      facts(
        {
          wait_timeout: '60',
          sql_mode: 'NO_ENGINE_SUBSTITUTION',
          time_zone: 'SYSTEM',
          system_time_zone: 'CET',
        },
        'latin1',
      ),
    );
    expect(r.wait_timeout).toMatchObject({ status: 'warn', code: 'CAREPOOL_DOCTOR_WAIT_TIMEOUT' });
    expect(r.wait_timeout?.fix).toContain('CAREPOOL_IDLE_TIMEOUT_MS=30000');
    expect(r.sql_mode).toMatchObject({ status: 'warn', code: 'CAREPOOL_DOCTOR_SQL_MODE' });
    expect(r.time_zone).toMatchObject({ status: 'warn', summary: 'SYSTEM (CET)' });
    expect(r.character_set).toMatchObject({ status: 'warn', code: 'CAREPOOL_DOCTOR_CHARSET' });
  });

  it('compares targets: differing sql_mode and lower_case_table_names are reported', () => {
    const d = (target: string, settings: Record<string, string>): TargetDiagnosis => ({
      target,
      url: '',
      status: 'ok',
      findings: [],
      settings,
      durationMs: 0,
    });
    const across = compareTargets([
      d('azure', { sql_mode: 'STRICT_TRANS_TABLES', lower_case_table_names: '1', version: '8.0.36' }),
      d('gcp', { sql_mode: 'STRICT_TRANS_TABLES', lower_case_table_names: '0', version: '8.0.36' }),
    ]);
    expect(across).toEqual([
      expect.objectContaining({
        status: 'warn',
        code: 'CAREPOOL_DOCTOR_SETTINGS_DIFFER',
        summary: 'lower_case_table_names differs: azure 1; gcp 0',
      }),
    ]);
  });
});
