/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`) for a benchmark report: busy time by where the code
 * lives (an npm package, a folder of src/, a Node core module, or native work such as socket writes and
 * GC) and the hottest functions, each as a share of the busy (non-idle) time.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Where a frame's code lives. */
function area(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) return `native ${functionName.replace(/^\((.*)\)$/, '$1') || 'code'}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  const src = /\/src\/([^/]+)\//.exec(url);
  if (src) return `src/${src[1]}`;
  if (url.includes('/bench/')) return 'bench';
  return url.startsWith('node:') ? url.replace(/^node:(internal\/)?([^/]+).*$/, 'node:$2') : url;
}

/** The summary of one profile, as Markdown-ready lines. */
export async function summariseProfile(file: string, top = 12): Promise<string[]> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    const dt = profile.timeDeltas[i] ?? 0;
    if (!frame || frame.functionName === '(idle)') return;
    busy += dt;
    const a = area(frame);
    areas.set(a, (areas.get(a) ?? 0) + dt);
    const name = frame.url ? `${frame.functionName || '(anonymous)'} (${a}:${frame.lineNumber + 1})` : a;
    functions.set(name, (functions.get(name) ?? 0) + dt);
  });
  const list = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `${((100 * v) / busy).toFixed(1)} % ${k}`)
      .join('; ');
  return [
    `busy ${(busy / 1e6).toFixed(1)} s`,
    `by area: ${list(areas)}`,
    `hottest functions (self): ${list(functions)}`,
  ];
}

/** The largest `.cpuprofile` in `dir` (the main thread's; loader threads write small ones), if any. */
export async function mainProfile(dir: string): Promise<string | undefined> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.cpuprofile'));
  const sized = await Promise.all(files.map(async (f) => ({ f, size: (await stat(join(dir, f))).size })));
  const largest = sized.sort((a, b) => b.size - a.size)[0];
  return largest && join(dir, largest.f);
}
