/**
 * `npm run bench [-- <name…>] [-- --full]`: runs the side-by-side benchmarks and rewrites their sections of
 * docs/benchmarks.md. Each benchmark starts and stops its own private server.
 */
import { header } from './header.js';
import { runHttpBench } from './http/http.bench.js';
import { writeHeader } from './lib/report.js';
import { runMigrateBench } from './migrate/migrate.bench.js';
import { runDriverBench } from './pool/driver.bench.js';
import { runPoolBench } from './pool/pool.bench.js';
import { ensureReferenceStack } from './reference/stack.js';
import { runSeedBench } from './seed/seed.bench.js';

const BENCHES: Record<string, (full: boolean) => Promise<string>> = {
  pool: runPoolBench,
  driver: runDriverBench,
  http: runHttpBench,
  migrate: runMigrateBench,
  seed: runSeedBench,
};

/** Benchmarks with a Python side (Flask, Alembic, SQLAlchemy): the reference stack is installed first. */
const NEEDS_REFERENCE = new Set(['http', 'migrate', 'seed']);

const args = process.argv.slice(2);
const full = args.includes('--full');
const chosen = args.filter((a) => !a.startsWith('--'));
const names = chosen.length ? chosen : Object.keys(BENCHES);
const unknown = names.filter((n) => !BENCHES[n]);
if (unknown.length) {
  process.stderr.write(
    `unknown benchmark "${unknown.join('", "')}"; known: ${Object.keys(BENCHES).join(', ')}\n`,
  );
  process.exit(2);
}
if (names.some((n) => NEEDS_REFERENCE.has(n))) await ensureReferenceStack();
await writeHeader(await header(full, names));
for (const name of names) {
  const bench = BENCHES[name] as (full: boolean) => Promise<string>;
  process.stderr.write(`bench ${name}${full ? ' (full)' : ''}…\n`);
  process.stdout.write(`${await bench(full)}\n\n`);
}
