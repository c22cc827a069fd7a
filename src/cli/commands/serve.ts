import type { Command } from 'commander';
import { createLogger } from '../../log/logger.js';
import { readRevision } from '../../migrate/index.js';
import type { ServerHandle } from '../../web/server.js';
import type { CliContext } from '../context.js';
import { waitForSignal } from '../wait-for-signal.js';
import { intOption } from './seed.js';

/** `carepool serve [--host H] [--port P]`: the web app and JSON API over the configured targets (or the sandbox). */
export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('serve the web app and JSON API with sign-in (binds 127.0.0.1 unless --host says otherwise)')
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
      await announce(ctx, server);
      ctx.out.line('press Ctrl-C to stop');
      const signal = await waitForSignal();
      ctx.out.note(`${signal}: finishing in-flight requests and draining pools…`);
      await server.close();
    });
}

/** Prints where the server is, how to sign in, and warnings about how it is exposed. */
export async function announce(ctx: CliContext, server: ServerHandle): Promise<void> {
  ctx.out.line(
    `  sign in ${server.url}/login   API ${server.url}/api/v1 (Authorization: Bearer <token>)   docs ${server.url}/docs`,
  );
  const users = await server.users.listUsers().catch(() => undefined);
  if (users?.length === 0) {
    ctx.out.note(
      'no users yet: create one with `carepool users create NAME --role admin` (every page and API call needs sign-in)',
    );
  }
  if (!server.loopbackOnly && !server.https) {
    ctx.out.note(
      `warning: serving plain HTTP on ${server.host}: passwords and session cookies cross the network unencrypted; set CAREPOOL_HTTPS_CERT and CAREPOOL_HTTPS_KEY or put a TLS proxy in front`,
    );
  }
}
