import { AppError } from '../errors/index.js';
import type { PathPicker } from './traffic.js';

/** What the load sends to one target, learnt from its first page of patients. */
export interface TargetPaths {
  readonly target: string;
  readonly ids: readonly number[];
  readonly names: readonly string[];
}

/** The path of the slow request (see `registerSlowRoute`), or undefined when the server has none. */
export type SlowPathFn = (target: string, ms: number) => string;

/**
 * Reads one page of patients of each target through the API, so the load asks for patients that exist.
 * Fails with CAREPOOL_LOAD_SERVER_UNREACHABLE when the server does not answer.
 */
export async function discoverPaths(
  baseUrl: string,
  targets: readonly string[],
  headers: Readonly<Record<string, string>> = {},
): Promise<TargetPaths[]> {
  return Promise.all(
    targets.map(async (target) => {
      const url = `${baseUrl}/api/v1/targets/${encodeURIComponent(target)}/patients?limit=50&sort=id`;
      let status = 0;
      try {
        const res = await fetch(url, { headers: { accept: 'application/json', ...headers } });
        status = res.status;
        if (res.ok) {
          const body = (await res.json()) as { items?: { id: number; last_name: string }[] };
          const items = body.items ?? [];
          return { target, ids: items.map((p) => p.id), names: items.map((p) => p.last_name) };
        }
      } catch {
        // reported below
      }
      throw new AppError(
        'CAREPOOL_LOAD_SERVER_UNREACHABLE',
        `${baseUrl} did not list the patients of target "${target}" (${status === 0 ? 'no answer' : `HTTP ${status}`})`,
        {
          meta: { target, status },
          ...(status === 401 || status === 403
            ? {
                hint: 'The server needs an API token of a user who may read patients: pass --token or set CAREPOOL_TOKEN (carepool tokens create NAME --user U).',
              }
            : {}),
        },
      );
    }),
  );
}

/** True when the server at `baseUrl` has the slow route (only the in-process load server does). */
export async function hasSlowRoute(
  baseUrl: string,
  path: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl}${path}`, { headers: { accept: 'application/json', ...headers } });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * The request mix: read-only, like clinicians browsing. Each request picks a target at random, then 50 %
 * open a patient with their medical records (one round trip), 35 % list a page of 20, and 15 % search a
 * name. Slow requests (when asked for and available) hold a connection for `slowMs`.
 */
export function requestMix(
  paths: readonly TargetPaths[],
  options: { slowPath?: SlowPathFn | undefined; slowMs: number; random?: () => number },
): PathPicker {
  const random = options.random ?? Math.random;
  const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)];
  return (slow) => {
    const t = pick(paths) as TargetPaths;
    const base = `/api/v1/targets/${encodeURIComponent(t.target)}`;
    if (slow && options.slowPath) return options.slowPath(t.target, options.slowMs);
    const r = random();
    const id = pick(t.ids);
    if (r < 0.5 && id !== undefined) return `${base}/patients/${id}`;
    const name = pick(t.names);
    if (r >= 0.85 && name) return `${base}/patients?limit=10&q=${encodeURIComponent(name.slice(0, 3))}`;
    return `${base}/patients?limit=20`;
  };
}
