import { readdir, readFile } from 'node:fs/promises';
import { isPortFree } from './ports.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A running azure gateway process (./gateway-main), as found in /proc. */
export interface GatewayProcess {
  readonly pid: number;
  /** The port it listens on (its first argument). */
  readonly port: number;
  /** The server directory it was started for (its third argument; empty for gateways of older versions). */
  readonly dir: string;
}

/**
 * Every gateway process of this user on the machine, read from /proc (`gateway-main <port> <upstream>`).
 * Empty where there is no /proc (macOS): there, only the pid recorded in the state is stopped.
 */
export async function findGateways(): Promise<readonly GatewayProcess[]> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return [];
  }
  const found: GatewayProcess[] = [];
  await Promise.all(
    entries
      .filter((e) => /^\d+$/.test(e))
      .map(async (e) => {
        try {
          const argv = (await readFile(`/proc/${e}/cmdline`, 'utf8')).split('\0');
          const at = argv.findIndex((a) => /gateway-main\.(js|ts)$/.test(a));
          const port = at >= 0 ? Number(argv[at + 1]) : Number.NaN;
          if (Number.isInteger(port) && port > 0)
            found.push({ pid: Number(e), port, dir: argv[at + 3] ?? '' });
        } catch {
          // the process ended while we looked
        }
      }),
  );
  return found;
}

/**
 * Stops the gateways of `servers` (matched by client port and server directory; a gateway of an older
 * version without a directory by port alone), so a gateway left behind by a server that was killed
 * (`kill -9` leaves its relay running, still holding the client port) does not block the restart on the
 * same port. Another sandbox's gateway on the same port is left alone. Returns the pids stopped.
 */
export async function reapGateways(
  servers: readonly { readonly port: number; readonly dir: string }[],
): Promise<readonly number[]> {
  const orphans = (await findGateways()).filter((g) =>
    servers.some((s) => s.port === g.port && (g.dir === '' || g.dir === s.dir)),
  );
  for (const g of orphans) {
    try {
      process.kill(g.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return orphans.map((g) => g.pid);
}

/** Waits until 127.0.0.1:`port` can be bound (a killed process's socket closes asynchronously). */
export async function waitForFreePort(port: number, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await isPortFree(port)) return true;
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
}
