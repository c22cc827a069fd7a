import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { sql } from '../../../src/db/sql.js';
import type { Schema } from '../../../src/schema/index.js';
import { adminConnection, sandboxServers } from '../../harness/targets.js';

/** Desired state with one table `name` (id INT primary key, note VARCHAR(20) NULL): one ADD COLUMN away from `CREATE TABLE name (id INT NOT NULL PRIMARY KEY)`. */
export function idNoteSchema(name: string): Schema {
  return {
    tables: [
      {
        name,
        columns: [
          { name: 'id', type: { kind: 'int' }, nullable: false },
          { name: 'note', type: { kind: 'varchar', length: 20 }, nullable: true },
        ],
        primaryKey: ['id'],
        indexes: [],
        foreignKeys: [],
      },
    ],
  };
}

/** Writes `schema` as a models module (`models.mjs`) in `dir`; returns its path. */
export async function writeModels(dir: string, schema: Schema): Promise<string> {
  const path = join(dir, 'models.mjs');
  await writeFile(path, `export default ${JSON.stringify(schema)};\n`);
  return path;
}

/** The workspace databases (`_carepool_ws_*`) on the test sandbox's two servers. */
export async function workspaces(): Promise<string[]> {
  const names: string[] = [];
  for (const s of [sandboxServers().gcp, sandboxServers().azure]) {
    const admin = await adminConnection(s);
    try {
      const { rows } = await admin.query<{ n: string }>(
        sql`SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '\\_carepool\\_ws\\_%'`,
      );
      names.push(...rows.map((r) => r.n));
    } finally {
      await admin.close();
    }
  }
  return names;
}

/**
 * No workspace made since `before` is left. Other test files make (and drop) workspaces on the same
 * servers meanwhile, so one that is new is given a moment to go; a leaked one never does.
 */
export async function expectNoNewWorkspaces(before: readonly string[]): Promise<void> {
  let left: string[] = [];
  for (let i = 0; i < 50; i++) {
    left = (await workspaces()).filter((n) => !before.includes(n));
    if (left.length === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(left).toEqual([]);
}
