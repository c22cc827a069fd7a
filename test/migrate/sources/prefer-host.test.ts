/**
 * The workspace that proves a change is made on the server of the target the change is for first (the
 * issue: "a workspace schema on the target's own server when allowed, else the sandbox"), then the other
 * targets in configured order, then the sandbox.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql } from '../../../src/db/sql.js';
import { compareSources, type SourceContext, workspaceHosts } from '../../../src/migrate/sources/index.js';
import { createScratchDatabases, type ScratchDatabases } from '../../harness/migrate.js';
import { idNoteSchema, writeModels } from './fixture.js';

let scratch: ScratchDatabases;
let dir: string;

beforeAll(async () => {
  scratch = await createScratchDatabases('clinic_prefer');
  dir = await mkdtemp(join(tmpdir(), 'carepool-prefer-'));
  await writeModels(dir, idNoteSchema('prefer_t'));
  for (const name of ['azure', 'gcp']) {
    const conn = await scratch.registry.get(name).connectMigrator();
    try {
      await conn.query(sql`CREATE TABLE prefer_t (id INT NOT NULL PRIMARY KEY)`);
    } finally {
      await conn.close();
    }
  }
});
afterAll(async () => {
  await scratch?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const context = (prefer?: string): SourceContext => ({
  targets: async () => scratch.registry.list(),
  migrationsDir: join(dir, 'no-migrations'),
  home: inject('sandboxHome'),
  cwd: dir,
  modelsPath: join(dir, 'models.mjs'),
  ...(prefer ? { prefer } : {}),
});

describe('the workspace host order', () => {
  it('puts the preferred target first, the others in configured order, then the sandbox', async () => {
    const names = scratch.registry.list().map((t) => `target ${t.name}`);
    const plain = (await workspaceHosts(context())).map((h) => h.label);
    expect(plain.slice(0, names.length)).toEqual(names);
    const last = names.at(-1)?.slice('target '.length) ?? '';
    const preferred = (await workspaceHosts(context(last))).map((h) => h.label);
    expect(preferred[0]).toBe(`target ${last}`);
    expect(preferred.slice(1, names.length)).toEqual(names.slice(0, -1));
    expect(preferred.slice(names.length)).toEqual(plain.slice(names.length));
  });

  it("schema diff A models --sql tries A's own server first when A is not the first configured target", async () => {
    const names = scratch.registry.list().map((t) => t.name);
    const last = names.at(-1) ?? '';
    const notes: string[] = [];
    const cmp = await compareSources({ ...context(), onNote: (m) => notes.push(m) }, last, 'models', {
      verify: true,
    });
    expect(cmp.ops).toHaveLength(1);
    if (!cmp.proof?.verified) throw new Error(`not verified: ${JSON.stringify(cmp.proof)}`);
    // The scratch migrators may not create databases, so each target is passed over with a note, in the
    // order tried: A's first; then a sandbox server of the same version proves it.
    const tried = notes.map((n) => /^target (\w+)/.exec(n)?.[1]).filter((n) => n !== undefined);
    expect(tried[0]).toBe(last);
    expect(new Set(tried)).toEqual(new Set(names));
    expect(cmp.proof.plan.host).toMatch(/^sandbox /);
  });
});
