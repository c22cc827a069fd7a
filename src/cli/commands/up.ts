import type { Command } from 'commander';
import { relative } from 'node:path';
import { ensureFirstAdmin, UserStore } from '../../auth/index.js';
import { probeTarget } from '../../db/health.js';
import { migrateTarget, readRevision } from '../../migrate/index.js';
import { startGaleraSandbox } from '../../sandbox/galera-sandbox.js';
import { startSandbox } from '../../sandbox/index.js';
import { hasPatients, seedTarget } from '../../seed/index.js';
import type { CliContext } from '../context.js';
import { bar } from '../output.js';
import { waitForSignal } from '../wait-for-signal.js';
import { intOption } from './seed.js';
import { assertPortFree, listenError } from '../port-free.js';
import { announce, listenAddress, logFormatOption, type ServeOptions, serverLogger } from './serve.js';
import { healthTable } from './targets.js';

interface UpOptions extends ServeOptions {
  serve: boolean;
  patients: number;
  recordsPerPatient: number;
}

/**
 * `carepool up` (= `npm start`): the main job. With no targets configured: start the sandbox, migrate it to
 * head, seed it when empty, report health and serve the web app. With targets configured: report health and
 * serve — never migrate or seed real servers silently.
 */
export function registerUp(program: Command, ctx: CliContext): void {
  program
    .command('up')
    .description('the main job: sandbox (when no targets are configured) → migrate → seed if empty → serve')
    .option('--no-serve', 'stop after preparing and reporting the targets')
    .option('--host <host>', 'address to listen on (default CAREPOOL_HTTP_HOST or 127.0.0.1)')
    .option('--port <port>', 'port to listen on (default CAREPOOL_HTTP_PORT or 3000)', intOption(0, 65535))
    .option('--patients <n>', 'sample patients for an empty sandbox', intOption(1, 10_000_000), 1000)
    .option('--records-per-patient <k>', 'sample records per patient', intOption(0, 1000), 3)
    .addOption(logFormatOption())
    .action(async (opts: UpOptions) => {
      const config = ctx.config();
      const address = listenAddress(config, opts);
      // Before any work: a taken port found after starting, migrating and seeding would waste all of it.
      if (opts.serve) await assertPortFree(address);
      const sandbox = config.targets.length === 0;
      if (sandbox) {
        const started = performance.now();
        await startSandbox({ home: config.home });
        // A Galera cluster created earlier (sandbox start --galera 3) restarts too: it is target onprem.
        if (await startGaleraSandbox(config.home)) ctx.out.line('sandbox: onprem Galera cluster running');
        ctx.out.line(
          `sandbox: azure + gcp servers running (${Math.round(performance.now() - started)} ms); no targets are configured, so carepool uses them`,
        );
      }
      const targetConfig = await ctx.targetConfig();
      const registry = await ctx.registry();
      if (sandbox) {
        for (const target of registry.list()) {
          const result = await migrateTarget(target);
          if (!result.ok) {
            ctx.out.line(
              `${target.name}: migration failed: ${result.error?.code} ${result.error?.message}\n  hint: ${result.error?.hint}`,
            );
            ctx.exitCode = 1;
            return;
          }
          const applied = result.steps.length;
          ctx.out.line(
            `${target.name}: schema at ${result.after.at(-1) ?? 'base'}${applied ? ` (${applied} migration(s) applied)` : ''}`,
          );
        }
        await Promise.all(
          registry.list().map(async (target) => {
            if (await hasPatients(target)) return;
            const r = await seedTarget(target, {
              patients: opts.patients,
              recordsPerPatient: opts.recordsPerPatient,
              seed: 1,
              reset: false,
              onProgress: (p) => ctx.out.progress(`${p.target} seeding ${bar(p.done, p.total)}`),
            });
            if (ctx.out.interactive) ctx.out.note('');
            ctx.out.line(
              `${target.name}: seeded ${r.patients} patients, ${r.records} medical records and ${r.appointments} appointments in ${r.ms} ms`,
            );
          }),
        );
      }
      const admin = sandbox ? await ensureFirstAdmin(new UserStore(registry), config.home) : undefined;
      const health = await Promise.all(registry.list().map((t) => probeTarget(t, readRevision)));
      ctx.out.line('');
      ctx.out.line(healthTable(health));
      if (health.some((h) => !h.ok)) ctx.exitCode = 1;
      await ctx.close();
      if (!opts.serve) return;

      // Loaded on use: the web stack is most of the CLI's start-up time, and most commands never serve.
      const { startServer } = await import('../../web/server.js');
      const server = await startServer({
        config: targetConfig,
        logger: serverLogger(config.logLevel, opts.logFormat),
        readRevision,
        host: address.host,
        port: address.port,
      }).catch((error: unknown) => {
        throw listenError(error, address);
      });
      ctx.out.line(`\ncarepool is serving ${server.url}`);
      await announce(ctx, server);
      if (admin?.created) {
        ctx.out.line(
          `  first sign-in: user "${admin.username}", password ${admin.password}\n  (shown once; also kept in ${relative(process.cwd(), admin.file) || admin.file}, mode 0600)`,
        );
      } else if (admin?.file) {
        ctx.out.line(
          `  sign in as "${admin.username}": the password is in ${relative(process.cwd(), admin.file) || admin.file}`,
        );
      }
      ctx.out.line('press Ctrl-C to stop');
      const signal = await waitForSignal();
      ctx.out.note(`${signal}: finishing in-flight requests and draining pools…`);
      await server.close();
      ctx.out.note(stoppedNote(sandbox));
      ctx.exitCode = 0;
    });
}

/**
 * What `up` says when Ctrl-C stops it: the web app is gone, but the sandbox servers it started keep running
 * (with their data, so the next `npm start` is fast) until `carepool sandbox stop`.
 */
export function stoppedNote(sandbox: boolean): string {
  if (!sandbox) return 'carepool stopped: the web app is closed; your configured targets were not touched.';
  return [
    'carepool stopped: the web app is closed.',
    'Still running: the sandbox database servers (azure, gcp), with their data, so the next start is quick.',
    'Stop them with: npx carepool sandbox stop   (npm start starts them again)',
  ].join('\n');
}
