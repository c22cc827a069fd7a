/**
 * One `carepool copy` in a process of its own, so its peak RSS is the copy's alone (the parent benchmark's
 * heap grows with every size it fills). Reads `{ src, dst, manifest, home }` as JSON on stdin (URLs hold
 * passwords: never on a command line) and prints `{ ms, baselineKiB, peakKiB, mode, methods }`.
 */
import { loadConfig } from '../../src/config/index.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { copyTables } from '../../src/move/index.js';

let input = '';
for await (const chunk of process.stdin) input += String(chunk);
const job = JSON.parse(input) as { src: string; dst: string; manifest: string; home: string };
const registry = new TargetRegistry(
  loadConfig({
    env: { CAREPOOL_TARGETS: 'src,dst', CAREPOOL_TARGET_SRC_URL: job.src, CAREPOOL_TARGET_DST_URL: job.dst },
    dotenv: false,
    cwd: job.home,
  }),
);
const baselineKiB = Math.round(process.memoryUsage().rss / 1024);
const t0 = performance.now();
const copied = await copyTables(registry.get('src'), registry.get('dst'), { manifestPath: job.manifest, parallel: 4 });
const ms = performance.now() - t0;
await registry.close(1000);
process.stdout.write(
  JSON.stringify({
    ms,
    baselineKiB,
    peakKiB: process.resourceUsage().maxRSS,
    mode: copied.snapshot.mode,
    methods: copied.tables.map((t) => t.method),
  }),
);
