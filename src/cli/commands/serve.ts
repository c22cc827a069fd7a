import type { Command } from 'commander';
import { createLogger } from '../../log/logger.js';
import { readRevision } from '../../migrate/index.js';
import type { CliContext } from '../context.js';
import { waitForSignal } from '../wait-for-signal.js';
import { intOption } from './seed.js';

/** `carepool serve [--host H] [--port P]`: the web app and JSON API over the configured targets (or the sandbox). */
export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('serve the web app and JSON API (binds 127.0.0.1 unless --host says otherwise)')
    .option('--host <host>', 'address to listen on (default CAREPOOL_HTTP_HOST or 127.0.0.1)')
    .option('--port <port>', 'port to listen on (default CAREPOOL_HTTP_PORT or 3000)', intOption(0, 65535))
    .action(async (opts: { host?: string; port?: number }) => {
      const config = await ctx.targetConfig();
      // Loaded on use: the web stack is most of the CLI's start-up time, and most commands never serve.
      const { startServer } = await import('../../web/server.js');
      const server = await startServer({
        config,
        logger: createLogger({ level: config.logLevel }),
        readRevision,
        ...(opts.host === undefined ? {} : { host: opts.host }),
        ...(opts.port === undefined ? {} : { port: opts.port }),
      });
      const targets = server.registry.names().join(', ');
      ctx.out.line(
        `carepool is serving ${server.url}  (targets: ${targets}${config.sandbox ? ', the sandbox' : ''})`,
      );
      ctx.out.line(
        `  dashboard ${server.url}/   API ${server.url}/api/v1   docs ${server.url}/docs   metrics ${server.url}/metrics`,
      );
      if (server.loopbackOnly) {
        ctx.out.line(
          'bound to loopback only: sign-in is not built yet, so carepool is not exposed to the network',
        );
      } else {
        ctx.out.note(
          `warning: listening on ${server.host} without sign-in: anyone who can reach this port can read patient records`,
        );
      }
      ctx.out.line('press Ctrl-C to stop');
      const signal = await waitForSignal();
      ctx.out.note(`${signal}: finishing in-flight requests and draining pools…`);
      await server.close();
    });
}
