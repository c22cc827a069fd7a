import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Where the application sends each cut-over target: `carepool cutover --from A --to B` records `A → B` in
 * `<home>/move/cutover.json`, and a running web app on the same home ({@link followCutovers}) sends every
 * request for A to B from then on, without a restart. The file is the only shared state: the CLI and the
 * app need the same carepool home (one machine, or a shared volume).
 */
export interface CutoverRecord {
  readonly version: 1;
  /** Target name → the target that now holds its data. */
  readonly redirects: Readonly<Record<string, string>>;
  /** When each redirect was recorded (ISO time). */
  readonly at: Readonly<Record<string, string>>;
}

/** Path of the cutover record under carepool's home. */
export function cutoverRecordPath(home: string): string {
  return join(home, 'move', 'cutover.json');
}

/** The recorded redirects; an absent or unreadable record is none. */
export async function readCutoverRecord(home: string): Promise<CutoverRecord> {
  try {
    const parsed = JSON.parse(await readFile(cutoverRecordPath(home), 'utf8')) as CutoverRecord;
    if (parsed && typeof parsed.redirects === 'object')
      return { version: 1, redirects: parsed.redirects, at: parsed.at ?? {} };
  } catch {
    // no record yet
  }
  return { version: 1, redirects: {}, at: {} };
}

/**
 * Records that `from`'s data now lives on `to` (written atomically). A redirect that pointed at `from`
 * follows it to `to`, and `to` itself is no longer redirected (a cutover back to a target ends its
 * redirect).
 */
export async function recordCutover(home: string, from: string, to: string, now = new Date()): Promise<void> {
  const old = await readCutoverRecord(home);
  const redirects: Record<string, string> = {};
  const at: Record<string, string> = {};
  for (const [name, target] of Object.entries(old.redirects)) {
    if (name === to || name === from) continue;
    redirects[name] = target === from ? to : target;
    if (old.at[name]) at[name] = old.at[name];
  }
  redirects[from] = to;
  at[from] = now.toISOString();
  const path = cutoverRecordPath(home);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify({ version: 1, redirects, at }, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, path);
}

/** What {@link followCutovers} updates: the target registry's redirects. */
export interface RedirectSink {
  setRedirects(redirects: ReadonlyMap<string, string>): void;
}

/**
 * Reads the cutover record now and then every `intervalMs` (a `stat`, and a read only when the file
 * changed), handing its redirects to `sink`. Returns a function that stops following. The timer does not
 * keep the process alive.
 */
export async function followCutovers(
  sink: RedirectSink,
  home: string,
  intervalMs = 200,
): Promise<() => void> {
  let seen = '';
  let busy = false;
  const check = async () => {
    if (busy) return;
    busy = true;
    try {
      const s = await stat(cutoverRecordPath(home)).catch(() => null);
      const stamp = s === null ? 'none' : `${s.mtimeMs}:${s.size}:${s.ino}`;
      if (stamp === seen) return;
      seen = stamp;
      const record = await readCutoverRecord(home);
      sink.setRedirects(new Map(Object.entries(record.redirects)));
    } finally {
      busy = false;
    }
  };
  await check();
  const timer = setInterval(() => void check().catch(() => undefined), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
