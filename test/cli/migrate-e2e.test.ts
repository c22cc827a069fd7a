/**
 * `carepool migrate revision|history|heads|stamp|merge|plan|down` and `schema dump` through the built binary,
 * on private databases (scratch `clinic_m_*` on both test sandbox servers) and a private copy of the
 * migrations directory, so going down or writing revisions never touches what other tests use.
 *
 * The migrate CLI grows in parallel (adoption, baselines): these tests assert behaviour — exit codes, JSON
 * fields, what lands in the database and on disk — not help text or exact wording.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { userUrl } from '../../src/sandbox/index.js';
import { createScratchDatabases, type ScratchDatabases, tempMigrationsDir } from '../harness/migrate.js';
import { type CliResult, type Workdir, workdir } from './e2e.js';

let w: Workdir;
let scratch: ScratchDatabases;
let migrations: { dir: string; remove(): Promise<void> };
let env: Record<string, string>;

beforeAll(async () => {
  w = await workdir('carepool-migrate-e2e');
  scratch = await createScratchDatabases('clinic_cli');
  migrations = await tempMigrationsDir();
  env = { CAREPOOL_TARGETS: 'azure,gcp', CAREPOOL_HOME: w.home };
  for (const s of Object.values(inject('sandbox').servers)) {
    const prefix = `CAREPOOL_TARGET_${s.name.toUpperCase()}_`;
    env[`${prefix}URL`] = userUrl(s, 'app').replace(/\/clinic\?/, `/${scratch.name}?`);
    env[`${prefix}MIGRATE_URL`] = userUrl(s, 'migrator').replace(/\/clinic\?/, `/${scratch.name}?`);
  }
}, 120_000);
afterAll(async () => {
  await scratch?.drop();
  await migrations?.remove();
  await w?.remove();
});

/** `carepool migrate …` on the private databases and migrations directory. */
const migrate = (...args: string[]): Promise<CliResult> =>
  w.run(['migrate', ...args, '--dir', migrations.dir], env);
const json = <T>(r: CliResult): T => {
  expect(r.stderr).not.toMatch(/CAREPOOL_\w+_\w+/);
  return JSON.parse(r.stdout) as T;
};
interface Status {
  readonly target: string;
  readonly current: readonly string[];
  readonly pending: readonly string[];
}
const current = async (): Promise<Record<string, readonly string[]>> => {
  const r = await migrate('current', '--json');
  expect(r.code).toBe(0);
  return Object.fromEntries(json<{ targets: Status[] }>(r).targets.map((t) => [t.target, t.current]));
};
const heads = async (): Promise<string[]> => {
  const r = await migrate('heads', '--json');
  expect(r.code).toBe(0);
  return json<{ heads: string[] }>(r).heads;
};

describe('carepool migrate (built binary, private databases)', () => {
  let head: string;
  let previous: string;

  it('heads names the single head; up applies the chain to every target', async () => {
    const project = await heads();
    expect(project).toHaveLength(1);
    previous = project[0] as string;
    // The head of this private chain is our own revision, whose down drops a column (destructive), so the
    // test controls what going down means whatever migrations the project gains meanwhile.
    head = '9100_e2e_flag';
    await writeFile(
      join(migrations.dir, `${head}.ts`),
      `export default {\n  id: '${head}',\n  parents: ['${previous}'],\n  message: 'e2e flag',\n  up: (op) => [op.addColumn('patients', 'e2e_flag', op.withDefault(op.t.boolean(), false))],\n  down: (op) => [op.dropColumn('patients', 'e2e_flag')],\n};\n`,
    );
    expect(await heads()).toEqual([head]);

    expect(await current()).toEqual({ azure: [], gcp: [] });
    const up = await migrate('up', 'head', '--target', 'all');
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(await current()).toEqual({ azure: [head], gcp: [head] });
  }, 180_000);

  it('history lists every revision of the chain and what each target applied', async () => {
    const r = await migrate('history');
    expect(r.code).toBe(0);
    for (const f of (await readdir(migrations.dir)).filter((x) => x.endsWith('.ts')))
      expect(r.stdout).toContain(f.replace(/\.ts$/, ''));
    expect(r.stdout).toContain('azure');
    expect(r.stdout).toContain('gcp');
  });

  it('plan at head: nothing to do; down -1 reverts one revision on one target only', async () => {
    const plan = await migrate('plan', '--json');
    expect(plan.code).toBe(0);
    const plans = json<{ plans: { target: string; ok: boolean; steps: unknown[] }[] }>(plan).plans;
    expect(plans.map((p) => [p.target, p.ok, p.steps.length])).toEqual([
      ['azure', true, 0],
      ['gcp', true, 0],
    ]);

    // Dropping a column loses data: refused, with the code and the hint in text mode, until allowed.
    const refused = await migrate('down', '-1', '--target', 'azure');
    expect(refused.code).toBe(1);
    expect(refused.stdout + refused.stderr).toContain('CAREPOOL_MIGRATE_DESTRUCTIVE');
    expect(refused.stdout + refused.stderr).toMatch(/hint: .*--allow-destructive/);
    expect(await current()).toEqual({ azure: [head], gcp: [head] });
    const down = await migrate('down', '-1', '--target', 'azure', '--allow-destructive');
    expect(down.code, down.stdout + down.stderr).toBe(0);
    expect(await current()).toEqual({ azure: [previous], gcp: [head] });

    // The plan now shows the head revision for azure, and --down shows its reversal for gcp.
    const again = json<{ plans: { target: string; steps: { revision: string; direction: string }[] }[] }>(
      await migrate('plan', '--json'),
    ).plans;
    expect(again.find((p) => p.target === 'azure')?.steps.map((s) => s.revision)).toEqual([head]);
    expect(again.find((p) => p.target === 'gcp')?.steps).toEqual([]);
    const back = json<{ plans: { target: string; steps: { revision: string; direction: string }[] }[] }>(
      await migrate('plan', '--down', '--target', 'gcp', '--json'),
    ).plans;
    expect(back[0]?.steps.map((s) => [s.revision, s.direction])).toEqual([[head, 'down']]);
  }, 180_000);

  it('a write without --target is refused as a usage error', async () => {
    const r = await migrate('down', '-1', '--allow-destructive');
    expect(r.code).toBe(2);
    expect(await current()).toEqual({ azure: [previous], gcp: [head] });
  });

  it('stamp refuses a revision the schema does not match, and records one it does', async () => {
    const wrong = await migrate('stamp', head, '--target', 'azure');
    expect(wrong.code).toBe(1);
    expect(await current()).toEqual({ azure: [previous], gcp: [head] });

    const up = await migrate('up', 'head', '--target', 'azure');
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const right = await migrate('stamp', head, '--target', 'gcp');
    expect(right.code, right.stdout + right.stderr).toBe(0);
    expect(await current()).toEqual({ azure: [head], gcp: [head] });
  }, 180_000);

  it('revision writes a new head; two heads are joined by merge', async () => {
    const r = await migrate('revision', '-m', 'note for the e2e test');
    expect(r.code, r.stderr).toBe(0);
    const after = await heads();
    expect(after).toHaveLength(1);
    const mine = after[0] as string;
    expect(mine).not.toBe(head);
    const written = (await readdir(migrations.dir)).find((f) => f.startsWith(mine));
    expect(written).toBeDefined();
    expect(await readFile(join(migrations.dir, written as string), 'utf8')).toContain(head);

    // A second branch from the same parent (as a teammate's revision would arrive).
    await writeFile(
      join(migrations.dir, '9000_branch.ts'),
      `export default {\n  id: '9000_branch',\n  parents: ['${head}'],\n  message: 'a parallel branch',\n  up: () => [],\n  down: () => [],\n};\n`,
    );
    expect((await heads()).sort()).toEqual([mine, '9000_branch'].sort());

    const merged = await migrate('merge', '-m', 'join the branches');
    expect(merged.code, merged.stderr).toBe(0);
    const joined = await heads();
    expect(joined).toHaveLength(1);
    expect([mine, '9000_branch', head]).not.toContain(joined[0]);
    const mergeFile = (await readdir(migrations.dir)).find((f) => f.startsWith(joined[0] as string));
    const text = await readFile(join(migrations.dir, mergeFile as string), 'utf8');
    expect(text).toContain(mine);
    expect(text).toContain('9000_branch');

    // The empty revisions apply; both targets reach the merge head.
    const up = await migrate('up', 'head', '--target', 'all');
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(await current()).toEqual({ azure: joined, gcp: joined });
  }, 180_000);
});

describe('carepool schema dump (built binary)', () => {
  it("prints the target's tables as CREATE TABLE statements", async () => {
    const r = await w.run(['schema', 'dump', '--target', 'azure'], env);
    expect(r.code, r.stderr).toBe(0);
    for (const table of ['patients', 'medical_records', 'appointments'])
      expect(r.stdout).toMatch(new RegExp(`CREATE TABLE \`${table}\``, 'i'));
    expect(r.stdout).toMatch(/FOREIGN KEY/i);
  });
});
