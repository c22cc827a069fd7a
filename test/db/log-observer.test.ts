import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { createLogger } from '../../src/log/logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).trim().split('\n'));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', destination: stream }) };
}

describe('pool logging', () => {
  it('logs failed connects and the circuit opening with codes, never the password', async () => {
    const { lines, logger } = capture();
    const config = loadConfig({
      env: { DATABASE_URL: 'mysql://app:sup3r-secret-pw@127.0.0.1:1/clinic?ssl-mode=DISABLED' },
      dotenv: false,
      cwd: '/tmp',
    });
    const registry = new TargetRegistry(config, { logger });
    const target = registry.get('default');
    for (let i = 0; i < 4; i++) await target.pool.acquire().catch(() => undefined);
    await registry.close();
    const text = lines.join('\n');
    expect(text).toContain('CAREPOOL_DB_CONNECT_REFUSED');
    expect(text).toContain('target unavailable, failing fast');
    expect(lines.map((l) => JSON.parse(l).target)).toContain('default');
    expect(text).not.toContain('sup3r-secret-pw');
  });

  it('pino redacts password and token fields whatever a caller logs', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        password: 'pw-1234',
        user: { password: 'pw-5678' },
        token: 'tok-999',
        headers: { authorization: 'Bearer x1' },
      },
      'hello',
    );
    const text = lines.join('\n');
    for (const secret of ['pw-1234', 'pw-5678', 'tok-999', 'Bearer x1']) expect(text).not.toContain(secret);
  });
});
