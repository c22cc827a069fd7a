import type autocannon from 'autocannon';
import { roundMs } from './percentiles.js';
import { offeredAt } from './scenarios.js';
import type { Phase } from './types.js';

/** Chooses the path of the next request; `slow` asks for one that holds a connection. */
export type PathPicker = (slow: boolean) => string;

/** Options of {@link Traffic}. */
export interface TrafficOptions {
  /** Base URL of the server (loopback). */
  readonly url: string;
  readonly phases: readonly Phase[];
  readonly pick: PathPicker;
  /** Stops every phase after this many requests in all (a safety bound besides the duration). */
  readonly maxRequests: number;
  /** Client-side timeout of one request, seconds. */
  readonly timeoutS: number;
  /** Sent with every request (the API token of a running server). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly random?: () => number;
}

/** Responses of one target in a window (requests name their target in the path). */
export interface TargetResponses {
  readonly latencies: number[];
  readonly status: Record<string, number>;
}

/** What the generator saw since the previous {@link Traffic.drain}. */
export interface TrafficWindow {
  readonly latencies: readonly number[];
  /** The same responses split by the target their path named (`/api/v1/targets/<name>/…`). */
  readonly byTarget: Readonly<Record<string, TargetResponses>>;
  readonly status: Readonly<Record<string, number>>;
  readonly errors: Readonly<Record<string, number>>;
  readonly retryAfter: number;
  readonly slowest503: number | null;
}

/** What autocannon itself counted, to cross-check the sampled windows. */
export interface TrafficTotals {
  readonly responses: number;
  readonly errors: number;
  readonly timeouts: number;
}

type Cannon = typeof autocannon;
type Instance = autocannon.Instance;

/**
 * Runs the phases of a scenario with autocannon (one instance per phase, started on its schedule) and keeps
 * per-window tallies the sampler drains every ~250 ms: response times, statuses, the API's error codes and
 * whether 503s carried Retry-After. autocannon is loaded on first use.
 */
export class Traffic {
  readonly #o: TrafficOptions;
  readonly #random: () => number;
  #latencies: number[] = [];
  #byTarget: Record<string, TargetResponses> = {};
  /** Target of the response being recorded: set by onResponse, read by the 'response' event right after. */
  #answered: string | undefined;
  #status: Record<string, number> = {};
  #errors: Record<string, number> = {};
  #retryAfter = 0;
  #slowest503: number | null = null;
  #startedAt: number | null = null;
  readonly #finished = new Set<Phase>();
  readonly #instances = new Set<Instance>();
  readonly #pending = new Map<NodeJS.Timeout, () => void>();
  #stopped = false;
  readonly #totals = { responses: 0, errors: 0, timeouts: 0 };

  constructor(options: TrafficOptions) {
    this.#o = options;
    this.#random = options.random ?? Math.random;
  }

  /**
   * The offered concurrency now: the clients of the phases whose scheduled window [atS, atS + durationS)
   * contains this moment and that have not finished early. Read off the schedule rather than counted
   * from timers, so two back-to-back phases never both count (a step's end and the next step's start are
   * two timers that may fire in either order, and a sample between them once reported 48 + 60 clients of a
   * ramp to 60). A phase's last in-flight requests may finish after its window, but its clients stop
   * sending at its end.
   */
  get concurrency(): number {
    if (this.#startedAt === null || this.#stopped) return 0;
    const running = this.#o.phases.filter((p) => !this.#finished.has(p));
    return offeredAt(running, (performance.now() - this.#startedAt) / 1000);
  }

  /** Runs every phase; resolves when the last one finished (or {@link stop} was called). */
  async run(): Promise<TrafficTotals> {
    const cannon: Cannon = (await import('autocannon')).default;
    const budget = Math.max(1, Math.floor(this.#o.maxRequests / Math.max(1, this.#o.phases.length)));
    this.#startedAt = performance.now();
    await Promise.all(
      this.#o.phases.map(
        (phase) =>
          new Promise<void>((resolve) => {
            if (this.#stopped) return resolve();
            const timer = setTimeout(() => {
              this.#pending.delete(timer);
              this.#startPhase(cannon, phase, budget).then(resolve, resolve);
            }, phase.atS * 1000);
            this.#pending.set(timer, resolve);
          }),
      ),
    );
    return { ...this.#totals };
  }

  #startPhase(cannon: Cannon, phase: Phase, budget: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const request: autocannon.Request = {
        method: 'GET',
        setupRequest: (req, context: object) => {
          const path = this.#o.pick(phase.slowShare > 0 && this.#random() < phase.slowShare);
          (context as { target?: string | undefined }).target = targetOf(path);
          return { ...req, path };
        },
        onResponse: (status, body, context: object, headers) => {
          // autocannon calls this for a client's response and then, synchronously, emits 'response' with
          // its time (httpClient.js, kOnMessageComplete): the target is handed over in between.
          const target = (context as { target?: unknown }).target;
          this.#answered = typeof target === 'string' ? target : undefined;
          this.#onAnswer(status, body, headers);
        },
      };
      const instance = cannon(
        {
          url: this.#o.url,
          connections: phase.connections,
          duration: phase.durationS,
          maxOverallRequests: Math.max(budget, phase.connections),
          timeout: this.#o.timeoutS,
          requests: [request],
          headers: { accept: 'application/json', ...this.#o.headers },
        },
        () => {
          this.#finished.add(phase);
          this.#instances.delete(instance);
          resolve();
        },
      );
      this.#instances.add(instance);
      instance.on('response', (_client, statusCode, _bytes, responseTime) => {
        this.#totals.responses++;
        this.#latencies.push(roundMs(responseTime));
        const key = String(statusCode);
        this.#status[key] = (this.#status[key] ?? 0) + 1;
        const target = this.#answered;
        this.#answered = undefined;
        if (target !== undefined) {
          const t = (this.#byTarget[target] ??= { latencies: [], status: {} });
          t.latencies.push(roundMs(responseTime));
          t.status[key] = (t.status[key] ?? 0) + 1;
        }
        if (statusCode === 503) this.#slowest503 = Math.max(this.#slowest503 ?? 0, roundMs(responseTime));
      });
      instance.on('reqError', (error: unknown) => {
        this.#totals.errors++;
        const message = error instanceof Error ? error.message : String(error);
        const code = (error as { code?: unknown } | null)?.code;
        const key = typeof code === 'string' ? code : /timed out/.test(message) ? 'timeout' : 'request-error';
        if (key === 'timeout') this.#totals.timeouts++;
        this.#errors[key] = (this.#errors[key] ?? 0) + 1;
      });
    });
  }

  #onAnswer(status: number, body: unknown, headers: unknown): void {
    if (status < 400) return;
    const code = errorCode(body) ?? `HTTP_${status}`;
    this.#errors[code] = (this.#errors[code] ?? 0) + 1;
    const names = typeof headers === 'object' && headers !== null ? Object.keys(headers) : [];
    if (status === 503 && names.some((n) => n.toLowerCase() === 'retry-after')) this.#retryAfter++;
  }

  /** Returns the tallies since the previous call and starts a new window. */
  drain(): TrafficWindow {
    const window = {
      latencies: this.#latencies,
      byTarget: this.#byTarget,
      status: this.#status,
      errors: this.#errors,
      retryAfter: this.#retryAfter,
      slowest503: this.#slowest503,
    };
    this.#latencies = [];
    this.#byTarget = {};
    this.#status = {};
    this.#errors = {};
    this.#retryAfter = 0;
    this.#slowest503 = null;
    return window;
  }

  /** Stops every running phase and cancels those not started. */
  stop(): void {
    this.#stopped = true;
    for (const [timer, resolve] of this.#pending) {
      clearTimeout(timer);
      resolve();
    }
    this.#pending.clear();
    for (const i of this.#instances) i.stop();
  }
}

/** The target a request path names (`/api/v1/targets/<name>/…`). */
export function targetOf(path: string): string | undefined {
  const m = /^\/api\/v1\/targets\/([^/?]+)/.exec(path);
  return m?.[1] === undefined ? undefined : decodeURIComponent(m[1]);
}

/** The `error.code` of an API error envelope, if the body is one. */
function errorCode(body: unknown): string | undefined {
  if (typeof body !== 'string' || !body.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown } };
    return typeof parsed.error?.code === 'string' ? parsed.error.code : undefined;
  } catch {
    return undefined;
  }
}
