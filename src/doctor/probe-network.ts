import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type Socket, connect as tcpConnect } from 'node:net';
import { firstPacketLength, type Greeting, parseGreeting } from './wire.js';

/** Resolves a host name to addresses (injectable so tests never need a real resolver). */
export type Lookup = (host: string) => Promise<readonly string[]>;

/** The system resolver (getaddrinfo, like the driver uses), all addresses. */
export const systemLookup: Lookup = async (host) =>
  (await dnsLookup(host, { all: true })).map((a) => a.address);

/** Outcome of {@link resolveHost}. */
export type Resolution =
  | {
      readonly ok: true;
      readonly addresses: readonly string[];
      readonly literal: boolean;
      readonly ms: number;
    }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly ms: number };

/** Resolves `host`, bounded by `timeoutMs`. IP literals need no lookup. */
export async function resolveHost(
  host: string,
  timeoutMs: number,
  lookup: Lookup = systemLookup,
): Promise<Resolution> {
  const started = performance.now();
  if (isIP(host) !== 0) return { ok: true, addresses: [host], literal: true, ms: 0 };
  try {
    const addresses = await withTimeout(lookup(host), timeoutMs, 'EAI_AGAIN');
    if (addresses.length === 0)
      return { ok: false, code: 'ENOTFOUND', message: 'no addresses', ms: elapsed(started) };
    return { ok: true, addresses, literal: false, ms: elapsed(started) };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return {
      ok: false,
      code: e.code ?? 'ENOTFOUND',
      message: e.message ?? String(error),
      ms: elapsed(started),
    };
  }
}

/** Outcome of {@link greet}: the TCP connect, then the server's first packet. */
export type GreetOutcome =
  | { readonly stage: 'tcp'; readonly code: string; readonly message: string; readonly ms: number }
  | {
      readonly stage: 'greeting';
      readonly reason: 'timeout' | 'closed' | 'error';
      readonly tcpMs: number;
      readonly waitedMs: number;
    }
  | {
      readonly stage: 'done';
      readonly tcpMs: number;
      readonly greetingMs: number;
      readonly greeting: Greeting;
      readonly socket: Socket;
    };

/**
 * Opens a TCP connection and reads the server's first packet, all within `timeoutMs`. On `done` the socket
 * is left open and paused for the caller (the TLS probe continues on it); callers must destroy it.
 */
export function greet(address: string, port: number, timeoutMs: number): Promise<GreetOutcome> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = tcpConnect({ host: address, port });
    let tcpMs: number | undefined;
    let buffered = Buffer.alloc(0);
    let settled = false;
    const finish = (outcome: GreetOutcome, keep = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners('data');
      if (!keep) socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      if (tcpMs === undefined)
        finish({
          stage: 'tcp',
          code: 'ETIMEDOUT',
          message: `no TCP answer within ${timeoutMs} ms`,
          ms: elapsed(started),
        });
      else finish({ stage: 'greeting', reason: 'timeout', tcpMs, waitedMs: round(elapsed(started) - tcpMs) });
    }, timeoutMs);
    socket.once('connect', () => {
      tcpMs = elapsed(started);
    });
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const declared = buffered.length >= 3 ? buffered.readUIntLE(0, 3) : 0;
      const length = firstPacketLength(buffered);
      // A greeting is small; a huge "length" means the bytes are another protocol (SSH banner, HTTP...).
      if (length === undefined && declared <= 4096) return;
      socket.pause();
      const greeting = parseGreeting(length === undefined ? buffered : buffered.subarray(0, length));
      finish(
        {
          stage: 'done',
          tcpMs: tcpMs ?? 0,
          greetingMs: round(elapsed(started) - (tcpMs ?? 0)),
          greeting,
          socket,
        },
        true,
      );
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (tcpMs === undefined)
        finish({
          stage: 'tcp',
          code: error.code ?? 'ECONNRESET',
          message: error.message,
          ms: elapsed(started),
        });
      else finish({ stage: 'greeting', reason: 'error', tcpMs, waitedMs: round(elapsed(started) - tcpMs) });
    });
    socket.once('close', () => {
      if (tcpMs === undefined)
        finish({ stage: 'tcp', code: 'ECONNRESET', message: 'connection closed', ms: elapsed(started) });
      else finish({ stage: 'greeting', reason: 'closed', tcpMs, waitedMs: round(elapsed(started) - tcpMs) });
    });
  });
}

/** Milliseconds since `started`, to 0.1 ms. */
export function elapsed(started: number): number {
  return round(performance.now() - started);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** Rejects with `code` when `promise` takes longer than `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, code: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(Object.assign(new Error(`no answer within ${ms} ms`), { code })),
      ms,
    );
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
