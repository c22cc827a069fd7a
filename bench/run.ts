/**
 * `npm run bench [-- <name…>] [-- --full]`: runs the side-by-side benchmarks and rewrites their sections of
 * docs/benchmarks.md. Each benchmark starts and stops its own private server.
 */
import { runDriverBench } from './pool/driver.bench.js';
import { runPoolBench } from './pool/pool.bench.js';

const BENCHES: Record<string, (full: boolean) => Promise<string>> = {
  pool: runPoolBench,
  driver: runDriverBench,
};

const args = process.argv.slice(2);
const full = args.includes('--full');
const chosen = args.filter((a) => !a.startsWith('--'));
for (const name of chosen.length ? chosen : Object.keys(BENCHES)) {
  const bench = BENCHES[name];
  if (!bench) {
    process.stderr.write(`unknown benchmark "${name}"; known: ${Object.keys(BENCHES).join(', ')}\n`);
    process.exit(2);
  }
  process.stderr.write(`bench ${name}${full ? ' (full)' : ''}…\n`);
  process.stdout.write(`${await bench(full)}\n\n`);
}
