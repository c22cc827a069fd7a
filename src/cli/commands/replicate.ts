import type { Command } from 'commander';
import { defaultManifestPath } from '../../move/index.js';
import {
  type ReplicationStatus,
  replicationPreflight,
  replicationStatus,
  startReplication,
  stopReplication,
} from '../../move/replicate.js';
import type { CliContext } from '../context.js';
import { table } from '../output.js';
import { withMoveRegistry } from './move-registry.js';
import { readManifest } from '../../move/manifest.js';
import { serverFlavor } from '../../move/replicate-preflight.js';
import { replicationSteps } from '../../move/replicate-steps.js';
import { moveSpec } from '../../move/session.js';

/** The human form of a replication status. */
export function statusText(s: ReplicationStatus): string {
  return [
    `replication: ${s.running ? 'running' : 'NOT running'} (io ${s.io}, sql ${s.sql})`,
    `lag: ${s.secondsBehind === null ? '-' : `${s.secondsBehind} s`}; applied gtid ${s.appliedGtid ?? '-'}; source gtid ${s.sourceGtid ?? '-'}`,
    ...(s.lastError ? [`last error: ${s.lastError}`] : []),
  ].join('\n');
}

interface Opts {
  from: string;
  to: string;
  manifest?: string;
  sourceCa?: string;
  json?: boolean;
}

/** `carepool replicate preflight|start|status|stop --from A --to B`: the servers' own replication. */
export function registerReplicate(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('replicate')
    .description("keep a copy current with the servers' own replication (MariaDB → MariaDB; docs/move.md)");
  const common = (c: Command) =>
    c
      .requiredOption('--from <target>', 'source target')
      .requiredOption('--to <target>', 'destination (replica) target')
      .option('--json', 'print JSON');
  common(
    cmd.command('preflight').description('check binary log, format, server ids, keys (no changes)'),
  ).action(async (opts: Opts) => {
    const findings = await withMoveRegistry(ctx, (r) =>
      replicationPreflight(r.get(opts.from), r.get(opts.to)),
    );
    if (opts.json) ctx.out.json({ preflight: findings });
    else
      ctx.out.line(
        findings.length === 0
          ? 'preflight: every check passed'
          : table(
              ['target', 'check', 'found', 'fix'],
              findings.map((f) => [f.target, f.check, f.found, f.fix]),
            ),
      );
    if (findings.length > 0) ctx.exitCode = 1;
  });
  common(cmd.command('start').description('start replication at the position the copy recorded'))
    .option('--manifest <file>', 'copy manifest (default: <home>/move/<from>-to-<to>.json)')
    .option(
      '--source-ca <file>',
      "CA of the source's certificate, a path the replica server reads (default: the source URL's ssl-ca; the sandbox's own CA)",
    )
    .action(async (opts: Opts) => {
      const home = ctx.config().home;
      const status = await withMoveRegistry(ctx, (r) =>
        startReplication(
          r.get(opts.from),
          r.get(opts.to),
          opts.manifest ?? defaultManifestPath(home, r.get(opts.from).name, r.get(opts.to).name),
          { home, ...(opts.sourceCa ? { sourceCa: opts.sourceCa } : {}) },
        ),
      );
      if (opts.json) ctx.out.json({ replicate: status });
      else ctx.out.line(statusText(status));
    });
  common(
    cmd
      .command('steps')
      .description('print the exact steps for replication carepool does not run (Azure, Cloud SQL, MySQL)'),
  )
    .option(
      '--manifest <file>',
      'copy manifest with the source position (default: <home>/move/<from>-to-<to>.json)',
    )
    .action(async (opts: Opts) => {
      const home = ctx.config().home;
      const lines = await withMoveRegistry(ctx, async (r) => {
        const [from, to] = [r.get(opts.from), r.get(opts.to)];
        const side = async (t: typeof from) => ({
          name: t.name,
          host: moveSpec(t).host,
          port: moveSpec(t).port,
          database: moveSpec(t).database,
          flavor: await serverFlavor(t),
        });
        const manifest = await readManifest(
          opts.manifest ?? defaultManifestPath(home, from.name, to.name),
        ).catch(() => null);
        const at = manifest?.snapshot.position ?? { gtid: null, file: null, pos: null };
        return replicationSteps(await side(from), await side(to), at);
      });
      if (opts.json) ctx.out.json({ steps: lines });
      else
        ctx.out.line(
          lines?.join('\n') ??
            `MariaDB → MariaDB: carepool replicate start --from ${opts.from} --to ${opts.to} sets it up itself`,
        );
    });
  common(cmd.command('status').description('lag (GTID positions, seconds) and errors')).action(
    async (opts: Opts) => {
      const status = await withMoveRegistry(ctx, (r) => replicationStatus(r.get(opts.from), r.get(opts.to)));
      if (opts.json) ctx.out.json({ replicate: status });
      else ctx.out.line(statusText(status));
      if (!status.running) ctx.exitCode = 1;
    },
  );
  common(
    cmd.command('stop').description('stop replication and remove the channel on the destination'),
  ).action(async (opts: Opts) => {
    await withMoveRegistry(ctx, (r) => stopReplication(r.get(opts.from), r.get(opts.to)));
    if (opts.json) ctx.out.json({ replicate: { stopped: true } });
    else ctx.out.line('replication stopped');
  });
}
