import { createServer } from 'node:net';
import { AppError } from '../errors/index.js';

/** Where the web app will listen: `--host`/`--port` first, then CAREPOOL_HTTP_HOST/CAREPOOL_HTTP_PORT. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Checks that `host:port` can be listened on, before a command does any work (starting the sandbox,
 * migrating, seeding): a taken port found at the end would waste all of it. Binds and releases at once;
 * port 0 (any free port) always passes. Throws CAREPOOL_SERVE_PORT_IN_USE or CAREPOOL_SERVE_PORT_NOT_ALLOWED.
 */
export async function assertPortFree(address: ListenAddress): Promise<void> {
  if (address.port === 0) return;
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ host: address.host, port: address.port, exclusive: true }, resolve);
    });
  } catch (error) {
    throw listenError(error, address);
  } finally {
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  }
}

/** The coded error for a failed listen (from the check above, or from the server when another process won the race). */
export function listenError(error: unknown, address: ListenAddress): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const where = `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
  if (code === 'EADDRINUSE') {
    return new AppError('CAREPOOL_SERVE_PORT_IN_USE', `port ${address.port} is already in use (${where})`, {
      meta: { host: address.host, port: address.port },
      cause: error,
    });
  }
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    return new AppError('CAREPOOL_SERVE_PORT_NOT_ALLOWED', `cannot listen on ${where} (${String(code)})`, {
      meta: { host: address.host, port: address.port },
      cause: error,
    });
  }
  return error;
}
