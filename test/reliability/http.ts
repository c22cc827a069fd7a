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

/** How one HTTP request ended (status 0: no response; `error` says why). */
export interface Answer {
  /** When it was sent and when it ended (performance.now()). */
  readonly sentAt: number;
  readonly endedAt: number;
  readonly status: number;
  readonly retryAfter: boolean;
  /** Socket error code when there was no response: ECONNREFUSED (nothing listens), ECONNRESET, TIMEOUT, … */
  readonly error?: string;
  /** The body of a 4xx or 5xx answer other than 503 (what went wrong, for the failure message). */
  readonly body?: string;
}

/** Options of {@link call}. */
export interface CallOptions {
  /** Give up after this long (status 0, error TIMEOUT). Default 20 s. */
  readonly timeoutMs?: number;
  /** Keep-alive sockets to reuse; by default a new connection each time. */
  readonly agent?: Agent;
}

/** One request with node:http (no retries, unlike fetch); resolves with what happened, never rejects. */
export function call(
  url: string,
  method: 'GET' | 'POST',
  path: string,
  headers: Readonly<Record<string, string>>,
  body?: unknown,
  options: CallOptions = {},
): Promise<Answer> {
  return new Promise<Answer>((resolve) => {
    const sentAt = performance.now();
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      `${url}${path}`,
      {
        method,
        agent: options.agent ?? false,
        timeout: options.timeoutMs ?? 20_000,
        headers: { ...headers, ...(payload ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => {
          if (text.length < 2000) text += d.toString();
        });
        res.once('end', () => {
          const status = res.statusCode ?? 0;
          resolve({
            sentAt,
            endedAt: performance.now(),
            status,
            retryAfter: res.headers['retry-after'] !== undefined,
            ...(status >= 400 && status !== 503 ? { body: text } : {}),
          });
        });
      },
    );
    const failed = (error: NodeJS.ErrnoException) =>
      resolve({
        sentAt,
        endedAt: performance.now(),
        status: 0,
        retryAfter: false,
        error: error.code ?? error.message,
      });
    req.once('error', failed);
    req.once('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.end(payload);
  });
}
