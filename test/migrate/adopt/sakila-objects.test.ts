import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { diffSchemas } from '../../../src/migrate/index.js';
import { dumpSource, loadSource, type SourceContext } from '../../../src/migrate/sources/index.js';
import { createScratchDatabases, MIGRATIONS_DIR, type ScratchDatabases } from '../../harness/migrate.js';

/**
 * Sakila's own file (test/migrate/fidelity/corpus, tables, views, triggers and routines; it creates and
 * uses its own `sakila` database and names `sakila.actor` inside a view), as a user adopting it would:
 * read as a .sql source, dumped, the dump loaded with the mariadb client (which strips comments from
 * routine bodies), read back from the live database: the same schema, objects included.
 */
const SAKILA = join(import.meta.dirname, '..', 'fidelity', 'corpus', 'sakila-mv-schema.sql');

let scratch: ScratchDatabases;
let dir: string;
beforeAll(async () => {
  scratch = await createScratchDatabases('clinic_sak');
  dir = await mkdtemp(join(tmpdir(), 'carepool-sakila-'));
});
afterAll(async () => {
  await scratch?.drop();
  await rm(dir, { recursive: true, force: true });
});

const context = (): SourceContext => ({
  targets: async () => scratch.registry.list(),
  migrationsDir: MIGRATIONS_DIR,
  home: inject('sandboxHome'),
  cwd: dir,
});

describe("Sakila's own schema file, objects included", () => {
  it('reads as a .sql source, dumps, loads with the mariadb client and reads back the same', async () => {
    const source = await loadSource(SAKILA, context());
    const kinds = (source.schema.objects ?? []).map((o) => o.kind);
    expect(source.schema.tables).toHaveLength(16);
    expect(kinds.filter((k) => k === 'view')).toHaveLength(7);
    expect(kinds.filter((k) => k === 'trigger')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'procedure' || k === 'function')).toHaveLength(6);
    expect((source.schema.objects ?? []).filter((o) => o.unsupported)).toEqual([]);

    const dump = await dumpSource(SAKILA, context());
    await writeFile(join(dir, 'dump.sql'), dump);
    const url = new URL(scratch.env['CAREPOOL_TARGET_GCP_MIGRATE_URL'] ?? '');
    const client = spawnSync(
      'mariadb',
      [
        '-h',
        url.hostname,
        '-P',
        url.port,
        '-u',
        decodeURIComponent(url.username),
        '--skip-ssl',
        url.pathname.slice(1),
      ],
      { input: dump, env: { ...process.env, MYSQL_PWD: decodeURIComponent(url.password) }, encoding: 'utf8' },
    );
    expect(client.status, client.stderr).toBe(0);
    const live = await loadSource('gcp', context());
    expect(diffSchemas(live.schema, source.schema)).toEqual([]);
    expect(diffSchemas(source.schema, (await loadSource(join(dir, 'dump.sql'), context())).schema)).toEqual(
      [],
    );
  });
});
