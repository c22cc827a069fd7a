import type { Command } from 'commander';
import { redactUrl } from '../../config/index.js';
import {
  galeraSandboxStatus,
  readGaleraState,
  startGaleraSandbox,
  stopGaleraSandbox,
  withGaleraEnv,
} from '../../sandbox/galera-sandbox.js';
import { readState, sandboxEnv, sandboxStatus, startSandbox, stopSandbox } from '../../sandbox/index.js';
import { AppError } from '../../errors/index.js';
import type { CliContext } from '../context.js';
import { table } from '../output.js';

/** `carepool sandbox start|stop|status|env`. */
export function registerSandbox(program: Command, ctx: CliContext): void {
  const sandbox = program
    .command('sandbox')
    .description(
      'local MySQL-compatible servers that imitate Azure (TLS required) and Cloud SQL (TLS optional)',
    );

  sandbox
    .command('start')
    .description(
      'start the sandbox servers (idempotent; a crashed one restarts on its recorded port); data is kept in .carepool/sandbox',
    )
    .option('--json', 'print JSON')
    .option(
      '--free-ports',
      'new servers get OS-chosen ports instead of 33061/33062; a server restarting after a crash may move to one when its recorded port is taken',
    )
    .option(
      '--replicas <n>',
      'read replicas per server (GTID replication over TLS, read_only); default: as many as recorded, 0 at first',
    )
    .option(
      '--galera <nodes>',
      'also start target "onprem": a MariaDB Galera cluster of N (3-7) nodes on loopback (needs galera-4 and rsync); once created it restarts with every sandbox start',
    )
    .action(async (opts: { json?: boolean; freePorts?: boolean; replicas?: string; galera?: string }) => {
      const home = ctx.config().home;
      const started = performance.now();
      const replicas = opts.replicas === undefined ? undefined : parseReplicas(opts.replicas);
      await startSandbox({
        home,
        ports: opts.freePorts ? 'free' : 'fixed',
        ...(replicas === undefined ? {} : { replicas }),
      });
      await startGaleraSandbox(home, {
        ports: opts.freePorts ? 'free' : 'fixed',
        ...(opts.galera === undefined ? {} : { size: Number(opts.galera) }),
      });
      const status = await sandboxStatus(home);
      const galera = await galeraSandboxStatus(home);
      const ms = Math.round(performance.now() - started);
      if (opts.json) ctx.out.json({ servers: status, ...(galera.length ? { galera } : {}), ms });
      else {
        ctx.out.line(statusTable(status));
        if (galera.length) ctx.out.line(`\n${galeraTable(galera)}`);
        ctx.out.line(`\nsandbox ready in ${ms} ms. carepool uses it whenever no targets are configured.`);
      }
    });

  sandbox
    .command('stop')
    .description('stop the sandbox servers (their data stays)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const stopped = [
        ...(await stopGaleraSandbox(ctx.config().home)),
        ...(await stopSandbox(ctx.config().home)),
      ];
      if (opts.json) ctx.out.json({ stopped });
      else
        ctx.out.line(stopped.length ? `stopped: ${stopped.join(', ')}` : 'no sandbox servers are recorded');
    });

  sandbox
    .command('status')
    .description('show which sandbox servers run (exit 1 when any is down)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const status = await sandboxStatus(ctx.config().home);
      const galera = await galeraSandboxStatus(ctx.config().home);
      if (opts.json) ctx.out.json({ servers: status, ...(galera.length ? { galera } : {}) });
      else {
        ctx.out.line(
          status.length ? statusTable(status) : 'no sandbox servers; start them with: carepool sandbox start',
        );
        if (galera.length) ctx.out.line(`\n${galeraTable(galera)}`);
      }
      if (status.length === 0 || [...status, ...galera].some((s) => !s.running)) ctx.exitCode = 1;
    });

  sandbox
    .command('env')
    .description('print the CAREPOOL_* variables for the sandbox (passwords masked unless --show-secrets)')
    .option('--json', 'print JSON')
    .option(
      '--show-secrets',
      'print the real passwords, e.g. for: eval "$(carepool sandbox env --show-secrets)"',
    )
    .action(async (opts: { json?: boolean; showSecrets?: boolean }) => {
      const home = ctx.config().home;
      const env = withGaleraEnv(sandboxEnv(await readState(home)), await readGaleraState(home));
      const shown = Object.fromEntries(
        Object.entries(env).map(([k, v]) => [k, opts.showSecrets ? v : redactUrl(v)]),
      );
      if (opts.json) ctx.out.json(shown);
      else
        for (const [k, v] of Object.entries(shown)) ctx.out.line(`${k}=${opts.showSecrets ? `'${v}'` : v}`);
    });
}

function parseReplicas(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 5)
    throw new AppError('CAREPOOL_USAGE', `--replicas must be a whole number from 0 to 5, got "${value}"`, {
      meta: { example: '--replicas 1' },
    });
  return Number(value);
}

function statusTable(status: Awaited<ReturnType<typeof sandboxStatus>>): string {
  return table(
    ['name', 'state', 'port', 'server', 'imitates'],
    status.map((s) => [
      s.name,
      s.running ? 'running' : 'stopped',
      s.port,
      `${s.flavor} ${s.version}`,
      s.description,
    ]),
  );
}

function galeraTable(nodes: Awaited<ReturnType<typeof galeraSandboxStatus>>): string {
  return table(
    ['galera node (target onprem)', 'state', 'port', 'wsrep'],
    nodes.map((n) => [
      n.name,
      n.running ? 'running' : 'stopped',
      n.port,
      n.wsrep ? `${n.wsrep.state}, ${n.wsrep.clusterStatus}, cluster size ${n.wsrep.clusterSize}` : '-',
    ]),
  );
}
