import { readFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';

/** True when nothing listens on 127.0.0.1:`port` and we may bind it. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A port that is free now and stays unlikely to be taken before it is used, even on a busy machine: picked
 * at random below the kernel's ephemeral range (`/proc/sys/net/ipv4/ip_local_port_range`, where outgoing
 * connections and every program's `listen(0)` land). A port the OS hands out for `listen(0)` can be handed
 * out again, or become an outgoing connection's local port, the moment it is released; sandbox servers and
 * Galera nodes record their ports and must bind them later (a Galera node's recorded IST port was taken
 * that way during a busy test run). Falls back to the OS's choice without that file or after 64 tries.
 */
export async function freePort(): Promise<number> {
  const below = await ephemeralStart();
  const low = 20_000;
  if (below !== undefined && below - low >= 1_000) {
    for (let i = 0; i < 64; i++) {
      const port = low + Math.floor(Math.random() * (below - low));
      if (await isPortFree(port)) return port;
    }
  }
  return osPort();
}

/** The first port of the kernel's ephemeral range, if known. */
async function ephemeralStart(): Promise<number | undefined> {
  try {
    const text = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
    const first = Number(text.trim().split(/\s+/)[0]);
    return Number.isInteger(first) && first > 0 ? first : undefined;
  } catch {
    return undefined;
  }
}

/** A port the OS considers free right now (from its ephemeral range). */
function osPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** True when something accepts TCP on 127.0.0.1:`port` within `timeoutMs`. */
export function isListening(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (value: boolean) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
