import { type Command, Option } from 'commander';
import { readFleetSettings } from '../../config/fleet.js';
import type { CarepoolConfig } from '../../config/index.js';
import { createLogger, type Logger } from '../../log/logger.js';
import { readRevision } from '../../migrate/index.js';
import type { ServerHandle } from '../../web/server.js';
import type { CliContext } from '../context.js';
import { defaultLogFormat, humanDestination, LOG_FORMATS, type LogFormat } from '../log-format.js';
import { assertPortFree, type ListenAddress, listenError } from '../port-free.js';
import { waitForSignal } from '../wait-for-signal.js';
import { intOption } from './seed.js';

/** `carepool serve [--host H] [--port P]`: the web app and JSON API over the configured targets (or the sandbox). */
export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('serve the web app and JSON API with sign-in (binds 127.0.0.1 unless --host says otherwise)')
    .option('--host <host>', 'address to listen on (default CAREPOOL_HTTP_HOST or 127.0.0.1)')
    .option('--port <port>', 'port to listen on (default CAREPOOL_HTTP_PORT or 3000)', intOption(0, 65535))
    .addOption(logFormatOption())
    .action(async (opts: ServeOptions) => {
      const address = listenAddress(ctx.config(), opts);
      await assertPortFree(address);
      const config = await ctx.targetConfig();
      // Loaded on use: the web stack is most of the CLI's start-up time, and most commands never serve.
      const { startServer } = await import('../../web/server.js');
      const server = await startServer({
        config,
        logger: serverLogger(config.logLevel, opts.logFormat),
        readRevision,
        host: address.host,
        port: address.port,
        fleet: readFleetSettings(),
      }).catch((error: unknown) => {
        throw listenError(error, address);
      });
      const targets = server.registry.names().join(', ');
      ctx.out.line(
        `carepool is serving ${server.url}  (targets: ${targets}${config.sandbox ? ', the sandbox' : ''})`,
      );
      await announce(ctx, server);
      for (const line of fleetLines(server)) ctx.out.note(line);
      ctx.out.line('press Ctrl-C to stop');
      const signal = await waitForSignal();
      ctx.out.note(`${signal}: finishing in-flight requests and draining pools…`);
      await server.close();
    });
}

/**
 * What the fleet made of each target's pool at start, and a warning (never silence) where it could not size
 * it: no heartbeat table (migration 0007 not applied) or a target that did not answer the first beat.
 */
export function fleetLines(server: ServerHandle): string[] {
  if (!server.fleet)
    return [
      'fleet: off (CAREPOOL_FLEET=off): pools use CAREPOOL_POOL_MAX, unchecked against other instances',
    ];
  return server.fleet.status().map((m) => {
    switch (m.state) {
      case 'sized':
        return `fleet: ${m.target} pool ${m.poolMax} (${m.instances} instance(s) share max_connections ${m.maxConnections ?? '?'})`;
      case 'no-table':
        return `warning: fleet: ${m.target} has no carepool_instances table (migration 0007): its pool keeps CAREPOOL_POOL_MAX (${m.poolMax}), unchecked against other instances; run carepool migrate up`;
      case 'refused':
        return `warning: fleet: ${m.target} refused the heartbeat (${m.error ?? 'error'}): its pool keeps CAREPOOL_POOL_MAX (${m.poolMax}), unchecked against other instances`;
      case 'starting':
      case 'unreachable':
        return `warning: fleet: ${m.target} did not answer the first heartbeat: its pool holds ${m.poolMax} connection(s) until it does`;
      default: {
        const never: never = m.state;
        return never;
      }
    }
  });
}

/** Options `up` and `serve` share. */
export interface ServeOptions {
  host?: string;
  port?: number;
  logFormat?: LogFormat;
}

/** `--log-format human|json` (default: human on a terminal, JSON otherwise). */
export function logFormatOption(): Option {
  return new Option(
    '--log-format <format>',
    'server log lines: human (default on a terminal) or json',
  ).choices(LOG_FORMATS);
}

/** Where to listen: the options first, then the configuration (CAREPOOL_HTTP_HOST / CAREPOOL_HTTP_PORT). */
export function listenAddress(config: Pick<CarepoolConfig, 'http'>, opts: ServeOptions): ListenAddress {
  return { host: opts.host ?? config.http.host ?? '127.0.0.1', port: opts.port ?? config.http.port };
}

/** The web server's logger in the chosen format. */
export function serverLogger(level: string, format: LogFormat = defaultLogFormat()): Logger {
  return createLogger({ level, ...(format === 'human' ? { destination: humanDestination() } : {}) });
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
