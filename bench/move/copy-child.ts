/**
 * One `carepool copy` in a process of its own, so its peak RSS is the copy's alone (the parent benchmark's
 * heap grows with every size it fills). Reads `{ src, dst, manifest, home, skipBinlog }` as JSON on stdin (URLs
 * hold passwords: never on a command line) and prints `{ ms, cpuMs, baselineKiB, peakKiB, mode, methods, binlog }`.
 */
import { loadConfig } from '../../src/config/index.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { copyTables } from '../../src/move/index.js';

let input = '';
for await (const chunk of process.stdin) input += String(chunk);
const job = JSON.parse(input) as {
  src: string;
  dst: string;
  manifest: string;
  home: string;
  skipBinlog: boolean;
};
const registry = new TargetRegistry(
  loadConfig({
    env: { CAREPOOL_TARGETS: 'src,dst', CAREPOOL_TARGET_SRC_URL: job.src, CAREPOOL_TARGET_DST_URL: job.dst },
    dotenv: false,
    cwd: job.home,
  }),
);
const baselineKiB = Math.round(process.memoryUsage().rss / 1024);
const c0 = process.cpuUsage();
const t0 = performance.now();
const copied = await copyTables(registry.get('src'), registry.get('dst'), {
  manifestPath: job.manifest,
  parallel: 4,
  ...(job.skipBinlog ? { binlog: 'skip' as const } : {}),
});
const ms = performance.now() - t0;
const cpu = process.cpuUsage(c0);
await registry.close(1000);
process.stdout.write(
  JSON.stringify({
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    baselineKiB,
    peakKiB: process.resourceUsage().maxRSS,
    mode: copied.snapshot.mode,
    methods: copied.tables.map((t) => t.method),
    binlog: copied.binlog,
  }),
);
