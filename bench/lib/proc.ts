import { readdirSync, readFileSync } from 'node:fs';

/** `utime + stime` (clock ticks) and parent pid of one process, from /proc/<pid>/stat. */
function stat(pid: number): { ppid: number; ticks: number } | undefined {
  try {
    // The command name (field 2) may hold spaces and parentheses: split after its closing one.
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(') ') + 2).split(' ');
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

/**
 * CPU time (user + system) spent so far by a process and every live descendant, in ms (Linux /proc,
 * 100 ticks per second; NaN elsewhere). A gunicorn master and its workers count as one server.
 */
export function treeCpuMs(root: number): number {
  return treesCpuMs([root]);
}

/**
 * CPU time (ms) of the processes under any of `roots` (each counted once, however the trees overlap);
 * NaN when no root is alive or /proc is missing.
 */
export function treesCpuMs(roots: readonly number[]): number {
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number);
  } catch {
    return Number.NaN;
  }
  const children = new Map<number, number[]>();
  const ticks = new Map<number, number>();
  for (const pid of pids) {
    const s = stat(pid);
    if (!s) continue;
    ticks.set(pid, s.ticks);
    const siblings = children.get(s.ppid) ?? [];
    siblings.push(pid);
    children.set(s.ppid, siblings);
  }
  const alive = roots.filter((r) => ticks.has(r));
  if (!alive.length) return Number.NaN;
  let total = 0;
  const seen = new Set<number>();
  const stack = [...alive];
  while (stack.length) {
    const pid = stack.pop() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    total += ticks.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total * 10;
}

/** The whole machine's busy CPU time so far (user, nice, system, irq, softirq; all cores), ms, from /proc/stat. */
export function machineBusyMs(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = f;
    return (user + nice + system + irq + softirq) * 10;
  } catch {
    return Number.NaN;
  }
}

/**
 * Measures, between `start()` and the returned `stop()`, how much CPU the machine's other processes used
 * (all busy CPU minus the benchmark's own process trees), in cores on average.
 */
export function otherTenants(roots: () => readonly number[]): {
  stop(): { otherCores: number; ownCores: number };
} {
  const t0 = performance.now();
  const busy0 = machineBusyMs();
  const own0 = treesCpuMs(roots());
  return {
    stop() {
      const wall = performance.now() - t0;
      const own = treesCpuMs(roots()) - own0;
      const busy = machineBusyMs() - busy0;
      return { otherCores: Math.max(0, busy - own) / wall, ownCores: own / wall };
    },
  };
}
