import type { LiveSnapshot, LiveTarget } from './live-feed.js';
import type { PoolReading, PoolSource } from './pool-source.js';

/** Path of the live feed (server-sent events) of a carepool server. */
export const LIVE_PATH = '/api/v1/live';

/**
 * Pools of a carepool server in another process, read from its live feed (`GET /api/v1/live`, SSE). Gauges
 * are those of the latest event; acquire percentiles are the server's own per-interval figures (raw waits
 * stay on the server), and timeouts add up. Resolves once the stream is open; reads return empty
 * readings if the server has no live feed.
 */
export async function remotePoolSource(
  baseUrl: string,
  targets: readonly string[],
  intervalMs: number,
  headers: Readonly<Record<string, string>> = {},
): Promise<PoolSource> {
  const controller = new AbortController();
  const latest = new Map<string, LiveTarget>();
  const fresh = new Map<string, { timeouts: number; acquire: LiveTarget['acquire'] }>();
  const onSnapshot = (s: LiveSnapshot) => {
    for (const t of s.targets) {
      latest.set(t.name, t);
      const f = fresh.get(t.name);
      fresh.set(t.name, {
        timeouts: (f?.timeouts ?? 0) + t.timeouts,
        acquire: t.acquire ?? f?.acquire ?? null,
      });
    }
  };
  try {
    const res = await fetch(`${baseUrl}${LIVE_PATH}?interval=${intervalMs}`, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: controller.signal,
    });
    if (res.ok && res.body) void pump(res.body, onSnapshot).catch(() => undefined);
  } catch {
    // No live feed (an older server): the report shows the server's view and HTTP figures only.
  }
  return {
    targets,
    read(name): PoolReading {
      const t = latest.get(name);
      const f = fresh.get(name);
      fresh.delete(name);
      return {
        pool: t
          ? {
              max: t.pool.max,
              total: t.pool.total,
              active: t.pool.active,
              idle: t.pool.idle,
              waiting: t.pool.waiting,
              connecting: t.pool.connecting,
            }
          : null,
        acquire: f?.acquire ?? null,
        waits: [],
        timeouts: f?.timeouts ?? 0,
      };
    },
    close: () => controller.abort(),
  };
}

async function pump(body: ReadableStream<Uint8Array>, onSnapshot: (s: LiveSnapshot) => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trim())
        .join('\n');
      if (data) onSnapshot(JSON.parse(data) as LiveSnapshot);
      end = buffer.indexOf('\n\n');
    }
  }
}
