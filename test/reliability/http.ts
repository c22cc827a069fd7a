import { type Agent, request } from 'node:http';
import autocannon from 'autocannon';

/** One response as the load generator saw it. */
export interface Seen {
  readonly status: number;
  readonly ms: number;
  readonly retryAfter: boolean;
  /** Which request (path) it answered. */
  readonly path: string;
  /** The client's request count when it answered: 0 for a connection's first request. */
  readonly nth: number;
  /** When the response arrived (ms since the run started). */
  readonly at: number;
}

/** Options of {@link hammer}. */
export interface HammerOptions {
  readonly url: string;
  /** Request paths, rotated per client. */
  readonly paths: readonly string[];
  readonly connections: number;
  readonly durationS: number;
  /** Per-request timeout, s. */
  readonly timeoutS?: number;
  /** Sent with every request (the API token). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Result of a load run: autocannon's summary and every response it saw (status, latency, Retry-After). */
export interface HammerResult {
  readonly seen: readonly Seen[];
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly requests: number;
}

/**
 * Drives `connections` concurrent HTTP clients for `durationS` (loopback only; bounded in time) and records
 * each response's status, latency and whether a 503 carried Retry-After.
 */
export function hammer(options: HammerOptions): Promise<HammerResult> {
  const seen: Seen[] = [];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationS,
        timeout: options.timeoutS ?? 10,
        ...(options.headers ? { headers: { ...options.headers } } : {}),
        // Every client walks the list from the start, so its n-th response answers paths[n % length].
        requests: options.paths.map((path) => ({ method: 'GET', path })),
        setupClient(client) {
          let retryAfter = false;
          let n = 0;
          // autocannon passes the parser's raw headers ([name, value, …]); its typings say otherwise.
          const onHeaders = (h: { headers: string[] }) => {
            retryAfter = false;
            for (let i = 0; i < h.headers.length; i += 2)
              if (String(h.headers[i]).toLowerCase() === 'retry-after') retryAfter = true;
          };
          client.on('headers', onHeaders as never);
          client.on('response', (status: number, _bytes: number, ms: number) => {
            const nth = n++;
            const path = options.paths[nth % options.paths.length] ?? '';
            seen.push({ status, ms, retryAfter, path, nth, at: performance.now() - started });
          });
        },
      },
      (error, result) => {
        if (error) reject(error);
        else
          resolve({
            seen,
            errors: result.errors,
            timeouts: result.timeouts,
            non2xx: result.non2xx,
            requests: result.requests.total,
          });
      },
    );
    void instance;
  });
}

/** The p-th percentile of values (0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** How one request of {@link send} ended. */
export interface Outcome {
  /** When it was sent and when it ended (performance.now()). */
  readonly sentAt: number;
  readonly endedAt: number;
  /** HTTP status, or 0 when there was no response. */
  readonly status: number;
  readonly retryAfter: boolean;
  /** Socket error code when there was no response: ECONNREFUSED (nothing listens), ECONNRESET, … */
  readonly error?: string;
}

/**
 * One GET with node:http (no retries, unlike fetch), on `agent` (keep-alive sockets) or a new connection;
 * resolves with what happened, never rejects.
 */
export function send(
  url: string,
  path: string,
  headers: Readonly<Record<string, string>>,
  agent?: Agent,
): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    const sentAt = performance.now();
    const failed = (error: NodeJS.ErrnoException) =>
      resolve({
        sentAt,
        endedAt: performance.now(),
        status: 0,
        retryAfter: false,
        error: error.code ?? error.message,
      });
    const req = request(`${url}${path}`, { headers, agent: agent ?? false }, (res) => {
      res.resume();
      res.once('end', () =>
        resolve({
          sentAt,
          endedAt: performance.now(),
          status: res.statusCode ?? 0,
          retryAfter: res.headers['retry-after'] !== undefined,
        }),
      );
      res.once('error', failed);
    });
    req.once('error', failed);
    req.end();
  });
}
