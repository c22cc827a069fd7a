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
  if (!ticks.has(root)) return Number.NaN;
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop() as number;
    total += ticks.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total * 10;
}
