/**
 * A quick A/B of chosen read paths (`npx tsx bench/replicas/ab.ts [--rounds=N] [--reads=N] [--no-index]
 * PATH PATH ...`, paths from paths.ts; the first is the baseline): the same private sandbox and
 * interleaved rounds as replicas.bench.ts (cpu-paths.ts), printed, not written to docs. Per path: median CPU
 * per read and its user / system parts, wall time per read, and the per-round ratio to the baseline.
 * `--no-index` drops migration 0008's (actor, action, at) index first (the check as before it).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from '../../src/db/sql.js';
import { sandboxEnv, startSandbox, stopSandbox } from '../../src/sandbox/index.js';
import { median } from '../lib/measure.js';
import { measurePaths, perRoundRatio } from './cpu-paths.js';
import { benchAdmin, seedReplicaBench } from './fixture.js';
import { PATHS } from './paths.js';

type Path = keyof typeof PATHS;
const arg = (name: string, fallback: number): number => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.slice(name.length + 3)) : fallback;
};
const chosen = process.argv.slice(2).filter((a): a is Path => a in PATHS);
if (chosen.length < 2) throw new Error(`name two or more paths of: ${Object.keys(PATHS).join(', ')}`);

async function main(): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), 'carepool-bench-replicas-ab-'));
  try {
    const state = await startSandbox({ home, ports: 'free', profiles: ['gcp'], replicas: 1 });
    const env = sandboxEnv(state);
    const { CAREPOOL_TARGET_GCP_REPLICAS: _replicas, ...direct } = env;
    const ids = await seedReplicaBench(direct, home, 500);
    const adminOf = (name: string) => benchAdmin(state, name);
    const primaryAdmin = await adminOf('gcp');
    const replicaAdmin = await adminOf('gcp-replica-1');
    if (process.argv.includes('--no-index'))
      await primaryAdmin.query(
        sql.raw('ALTER TABLE clinic.carepool_audit DROP INDEX ix_carepool_audit_actor_action_at'),
      );
    const replicaUrl = (env.CAREPOOL_TARGET_GCP_REPLICAS ?? '').split(',')[0] ?? '';
    const rounds = arg('rounds', 9);
    const result = await measurePaths({
      paths: Object.fromEntries(chosen.map((p) => [p, PATHS[p]])) as Record<Path, (typeof PATHS)[Path]>,
      env: { direct, routed: env, replica: { ...direct, CAREPOOL_TARGET_GCP_URL: replicaUrl } },
      home,
      ids: ids.map((r) => r.id),
      rounds,
      reads: arg('reads', 3000),
      warmup: 400,
      concurrency: 8,
      primaryAdmin,
      replicaAdmin,
      onRound: (r) => process.stderr.write(`round ${r + 1}/${rounds}, load ${loadavg()[0]?.toFixed(1)}\n`),
    });
    await primaryAdmin.close();
    await replicaAdmin.close();
    const base = chosen[0] as Path;
    for (const p of chosen) {
      const r = result[p];
      const c = r.counts;
      process.stdout.write(
        `${p}: cpu ${median(r.cpu).toFixed(0)} µs (user ${median(r.user).toFixed(0)}, sys ${median(r.sys).toFixed(0)}), wall ${median(r.wall).toFixed(0)} µs, sleeps ${median(r.sleeps).toFixed(2)}, primary q ${median(r.primaryQueries).toFixed(3)}, replica q ${median(r.replicaQueries).toFixed(3)}` +
          (p === base
            ? ''
            : `; cpu ${perRoundRatio(r.cpu, result[base].cpu).text}; user ${perRoundRatio(r.user, result[base].user).text}; sys ${perRoundRatio(r.sys, result[base].sys).text}`) +
          (c ? `; checks ${c.fleetChecks}/${c.fleetQueries} queries` : '') +
          '\n',
      );
    }
    process.stdout.write(
      `load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' / ')}\n`,
    );
  } finally {
    await stopSandbox(home).catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  }
}

await main();
