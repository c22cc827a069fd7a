import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { sql } from '../../src/db/sql.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { isAppError } from '../../src/errors/index.js';
import { copyTables } from '../../src/move/index.js';
import { userUrl } from '../../src/sandbox/index.js';
import { sandboxServers } from '../harness/targets.js';
import { createMovePair, dump, type MovePair, run } from './helpers.js';

/** Table-map events of `db` in the destination's binary log since `from` (what a replica would apply). */
async function binlogEventsOf(
  pair: MovePair,
  db: string,
  from: { file: string; pos: number },
): Promise<number> {
  const { rows } = await pair.gcp.query<{ Info: string }>(
    sql.raw(`SHOW BINLOG EVENTS IN '${from.file}' FROM ${from.pos} LIMIT 1000000`),
  );
  return rows.filter((r) => r.Info.includes(`\`${db}\``)).length;
}

async function position(pair: MovePair): Promise<{ file: string; pos: number }> {
  const { rows } = await pair.gcp.query<{ File: string; Position: number | string }>(
    sql.raw('SHOW MASTER STATUS'),
  );
  return { file: String(rows[0]?.File), pos: Number(rows[0]?.Position) };
}

describe('carepool copy --skip-binlog', () => {
  let pair: MovePair;
  let dir: string;
  /** The pair with the destination's sessions as the sandbox admin (BINLOG ADMIN, SHOW SLAVE HOSTS). */
  let asAdmin: TargetRegistry;
  beforeAll(async () => {
    pair = await createMovePair();
    dir = await mkdtemp(join(tmpdir(), 'carepool-move-binlog-'));
    await run(pair.azure, 'CREATE TABLE s_rows (id INT PRIMARY KEY, v VARCHAR(20) NULL)');
    await run(pair.azure, "INSERT INTO s_rows SELECT seq, CONCAT('v', seq) FROM seq_1_to_50");
    const admin = userUrl(sandboxServers().gcp, 'admin').replace(/\/clinic\?/, `/${pair.name}?`);
    asAdmin = new TargetRegistry(
      loadConfig({
        env: { ...pair.env, CAREPOOL_TARGET_GCP_MIGRATE_URL: admin },
        dotenv: false,
        cwd: inject('sandboxHome'),
      }),
    );
  });
  afterAll(async () => {
    await asAdmin?.close(1000);
    await pair?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('is refused with a coded error, before anything is written, when the user may not skip it', async () => {
    const error = await copyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
      manifestPath: join(dir, 'refused.json'),
      binlog: 'skip',
    }).catch((e: unknown) => e);
    expect(isAppError(error, 'CAREPOOL_MOVE_BINLOG_SKIP_REFUSED')).toBe(true);
    expect((error as Error).message).toContain('gcp');
    const { rows } = await pair.gcp.query(sql.raw("SHOW TABLES LIKE 's_rows'"));
    expect(rows).toEqual([]);
  });

  it('keeps the rows out of the binary log when allowed; the default writes them', async () => {
    const before = await position(pair);
    const skipped = await copyTables(pair.registry.get('azure'), asAdmin.get('gcp'), {
      manifestPath: join(dir, 'skip.json'),
      binlog: 'skip',
    });
    expect(skipped.binlog).toBe('skip');
    expect(await dump(pair.gcp, 's_rows', 'id')).toBe(await dump(pair.azure, 's_rows', 'id'));
    expect(await binlogEventsOf(pair, pair.name, before)).toBe(0);

    const again = await position(pair);
    const written = await copyTables(pair.registry.get('azure'), asAdmin.get('gcp'), {
      manifestPath: join(dir, 'write.json'),
      existing: 'truncate',
    });
    expect(written.binlog).toBe('write');
    expect(await dump(pair.gcp, 's_rows', 'id')).toBe(await dump(pair.azure, 's_rows', 'id'));
    expect(await binlogEventsOf(pair, pair.name, again)).toBeGreaterThan(0);
  });
});
