/**
 * `npm run bench [-- <name…>] [-- --full]`: runs the side-by-side benchmarks and rewrites their sections of
 * docs/benchmarks.md. Each benchmark starts and stops its own private server.
 */
import { header } from './header.js';
import { writeHeader } from './lib/report.js';
import { ensureReferenceStack } from './reference/stack.js';

type Bench = (full: boolean) => Promise<string>;

/** Each benchmark is loaded only when chosen, so `npm run bench -- http` needs only the http code. */
const BENCHES: Record<string, () => Promise<Bench>> = {
  pool: async () => (await import('./pool/pool.bench.js')).runPoolBench,
  driver: async () => (await import('./pool/driver.bench.js')).runDriverBench,
  http: async () => (await import('./http/http.bench.js')).runHttpBench,
  'http-replicas': async () => (await import('./http/replicas.bench.js')).runHttpReplicasBench,
  migrate: async () => (await import('./migrate/migrate.bench.js')).runMigrateBench,
  seed: async () => (await import('./seed/seed.bench.js')).runSeedBench,
  move: async () => (await import('./move/move.bench.js')).runMoveBench,
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
const startedAt = new Date();
for (const name of names) {
  const bench = await (BENCHES[name] as () => Promise<Bench>)();
  process.stderr.write(`bench ${name}${full ? ' (full)' : ''}…\n`);
  process.stdout.write(`${await bench(full)}\n\n`);
}
// Only a run whose every benchmark finished may call itself the last run (a failure above rejects and
// exits before this line, leaving the previous header in place).
await writeHeader(await header(full, names, startedAt));
