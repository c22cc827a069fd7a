import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseConnectionUrl, redactUrl } from '../../src/config/index.js';
import { AppError } from '../../src/errors/index.js';
import { sql } from '../../src/db/sql.js';
import { captureOutput, registerSecret } from '../harness/capture.js';
import { adminConnection, sandboxServers } from '../harness/targets.js';

const BIN = new URL('../../dist/cli/bin.js', import.meta.url).pathname;

/** A password with unencoded `@`s whose every piece is long enough for the whole-run secret scan. */
const pieces = [0, 1, 2].map(() => randomBytes(9).toString('base64url'));
const PASSWORD = pieces.join('@');
const USER = `at_${randomBytes(3).toString('hex')}`;

function cli(args: readonly string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      cwd: inject('sandboxHome'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      captureOutput(`carepool ${args.join(' ')} (password with @)`, out);
      resolve({ code: code ?? 1, out });
    });
  });
}

/** Every piece of the password: none of them may appear in any output. */
function expectNoPiece(text: string): void {
  for (const piece of [PASSWORD, ...pieces, `@${pieces[1]}`]) expect(text).not.toContain(piece);
}

describe('a URL password with an unencoded @ (issue 14 item 7)', () => {
  beforeAll(() => registerSecret(PASSWORD, ...pieces));

  it('is read up to the last @ before the host, as WHATWG does, and masked whole', () => {
    const spec = parseConnectionUrl('X', `mysql://u:${PASSWORD}@db.example.com:3307/clinic`);
    expect(spec.password.reveal()).toBe(PASSWORD);
    expect(spec.host).toBe('db.example.com');
    expect(spec.port).toBe(3307);
    expect(spec.redacted).toBe('mysql://u:***@db.example.com:3307/clinic');
    expect(redactUrl('mysql://u:p@ss@host/db')).toBe('mysql://u:***@host/db');
    expect(redactUrl('mysql://u:pw@host/db?ssl-ca=a@b.pem')).toBe('mysql://u:***@host/db?ssl-ca=a@b.pem');
  });

  it('a password with an unencoded / ? or # is refused with a coded error that says to percent-encode, and shows none of it', () => {
    for (const password of [
      `${pieces[0]}/${pieces[1]}`,
      `${pieces[0]}?${pieces[1]}`,
      `12/${pieces[1]}`,
      `12#${pieces[1]}`,
    ]) {
      let error: unknown;
      try {
        parseConnectionUrl('CAREPOOL_TARGET_AZURE_URL', `mysql://u:${password}@db.example.com/clinic`);
      } catch (e) {
        error = e;
      }
      expect(error, password).toBeInstanceOf(AppError);
      const e = error as AppError;
      expect(e.code).toBe('CAREPOOL_CONFIG_INVALID');
      expect(e.message).toContain('percent-encode');
      expect(e.message).toContain('CAREPOOL_TARGET_AZURE_URL=mysql://u:***@db.example.com/clinic');
      expectNoPiece(JSON.stringify(e.toJSON()));
    }
  });

  describe('against a real server account with that password (built CLI)', () => {
    const server = () => sandboxServers().azure;
    let env: Record<string, string>;
    beforeAll(async () => {
      const admin = await adminConnection(server());
      try {
        await admin.query(sql`CREATE USER ${sql.raw(`'${USER}'@'%'`)} IDENTIFIED BY ${PASSWORD}`);
        await admin.query(
          sql`GRANT SELECT, INSERT, UPDATE, DELETE ON clinic.* TO ${sql.raw(`'${USER}'@'%'`)}`,
        );
      } finally {
        await admin.close();
      }
      const s = server();
      env = {
        CAREPOOL_TARGETS: 'azure',
        // Deliberately not percent-encoded.
        CAREPOOL_TARGET_AZURE_URL: `mysql://${USER}:${PASSWORD}@127.0.0.1:${s.port}/${s.database}?ssl-mode=REQUIRED`,
      };
    });
    afterAll(async () => {
      const admin = await adminConnection(server());
      try {
        await admin.query(sql`DROP USER IF EXISTS ${sql.raw(`'${USER}'@'%'`)}`);
      } finally {
        await admin.close();
      }
    });

    it('targets, targets --json, doctor and doctor --json connect and print no piece of it', async () => {
      const runs = await Promise.all([
        cli(['targets'], env),
        cli(['targets', '--json'], env),
        cli(['doctor'], env),
        cli(['doctor', '--json'], env),
      ]);
      for (const run of runs) expectNoPiece(run.out);
      const targets = JSON.parse(runs[1]?.out ?? '{}') as { targets?: { name: string; url?: string }[] };
      expect(JSON.stringify(targets)).toContain(`${USER}:***@127.0.0.1`);
      // The login worked, so the password was read whole.
      expect(runs[3]?.out).not.toMatch(/Access denied/i);
    });
  });
});
