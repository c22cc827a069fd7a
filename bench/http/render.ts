/**
 * The `http` section of docs/benchmarks.md: the goals first (one row per goal, met or not), then one table
 * per comparison with absolute numbers, ratios and what each request cost the server and the database.
 */
import { cpus } from 'node:os';
import { machineLine, mdTable } from '../lib/report.js';
import type { ReferenceStack } from '../reference/stack.js';
import { ACQUIRE_TIMEOUT_MS, type CandidateName, POOL_MAX } from './candidates.js';
import type { Deployed } from './http.bench.js';
import type { Sample } from './load.js';
import { methodText } from './method-text.js';
import { f0, f1, f2, failures, ms, perRound, type Summary, summary, verdict } from './summary.js';

/** One server's samples in one comparison. */
export interface Measured {
  readonly name: CandidateName;
  readonly label: string;
  readonly samples: readonly Sample[];
}

/** One comparison: a workload at a concurrency, run against several servers. */
export interface Comparison {
  readonly key: 'get' | 'list' | 'write' | 'atPool' | 'at64' | 'overload';
  readonly title: string;
  readonly workload: 'get' | 'list' | 'write';
  readonly connections: number;
  readonly candidates: readonly CandidateName[];
  readonly results: readonly Measured[];
}

/** Everything the section needs. */
export interface HttpReport {
  readonly comparisons: readonly Comparison[];
  readonly deployed: Deployed;
  readonly stack: ReferenceStack;
  readonly seconds: number;
  readonly rounds: number;
  readonly warmSeconds: number;
  readonly full: boolean;
  readonly server: string;
  /** Cores' worth of CPU the benchmark's own processes and all other processes used during the measurements. */
  readonly shared: { readonly otherCores: number; readonly ownCores: number };
  /** Load average (1 min) at the start and at the end. */
  readonly load: readonly [number, number];
  readonly profileDir: string | undefined;
}

const SHORT: Record<CandidateName, string> = {
  carepool: 'carepool',
  carepoolQuiet: 'carepool, log level debug (a line per request)',
  bare: 'bare (auth + audit)',
  bareRow: 'bare (auth + audit, 1 INSERT/req)',
  plain: 'bare (no auth, no audit)',
  flask: 'Flask (no auth, no audit)',
};

/** Renders the section. */
export function renderHttp(r: HttpReport): string {
  const find = (key: Comparison['key']) => r.comparisons.find((c) => c.key === key);
  const sum = (c: Comparison | undefined, name: CandidateName) => {
    const m = c?.results.find((x) => x.name === name);
    return m ? summary(m.samples) : undefined;
  };
  const raw = (c: Comparison | undefined, name: CandidateName) =>
    c?.results.find((x) => x.name === name)?.samples;
  // The server doing carepool's database work per request: with auth + audit when carepool runs them.
  const audits = r.deployed.auditPerRequest >= 0.5;
  const ref: CandidateName = audits ? 'bare' : 'plain';
  const carepoolLabel = `carepool (${r.deployed.auth ? 'token required' : 'no token required'}, ${audits ? 'audit on' : 'no audit'})`;

  const goals: (string | number)[][] = [];
  for (const key of ['get', 'list', 'write'] as const) {
    const c = find(key);
    const care = sum(c, 'carepool');
    const bare = sum(c, ref);
    const flask = sum(c, 'flask');
    if (!c || !care) continue;
    const name = c.title.replace(/ \(.*\)$/, '');
    const careBad = failures('carepool', care);
    if (bare) {
      const rps = care.rps / bare.rps;
      const p99 = care.p99 / bare.p99;
      const bad = [careBad, failures(SHORT[ref], bare)];
      const pair = (f: (s: Sample) => number) => perRound(raw(c, 'carepool'), raw(c, ref), f);
      goals.push([
        `${name}: carepool req/s ÷ ${SHORT[ref]}`,
        f2(rps),
        pair((s) => s.rps),
        '>= 0.9',
        verdict(rps >= 0.9, bad),
      ]);
      goals.push([
        `${name}: carepool p99 ÷ ${SHORT[ref]}`,
        f2(p99),
        pair((s) => s.p99),
        '<= 1.2',
        verdict(p99 <= 1.2, bad),
      ]);
    }
    if (flask) {
      const x = care.rps / flask.rps;
      goals.push([
        `${name}: carepool req/s ÷ Flask`,
        f1(x),
        perRound(raw(c, 'carepool'), raw(c, 'flask'), (s) => s.rps),
        '>= 6',
        verdict(x >= 6, [careBad, failures('Flask', flask)]),
      ]);
    }
  }
  // The peak and the overload come from the concurrency sweep: measured back to back in every round.
  const peakOf = (name: CandidateName) =>
    Math.max(sum(find('at64'), name)?.rps ?? 0, sum(find('atPool'), name)?.rps ?? 0);
  const over = find('overload');
  const careOver = sum(over, 'carepool');
  if (careOver) {
    const x = careOver.rps / peakOf('carepool');
    // At 10x the pool, 503s with Retry-After are the designed answer (counted as not served); anything
    // else failing makes the goal unfit to judge.
    const bad = [failures('carepool', careOver, true)];
    const overRounds = raw(over, 'carepool');
    const peakRounds = overRounds?.map((_, i) =>
      Math.max(raw(find('at64'), 'carepool')?.[i]?.rps ?? 0, raw(find('atPool'), 'carepool')?.[i]?.rps ?? 0),
    );
    goals.push([
      `Overload (${over?.connections} connections): carepool req/s ÷ its peak`,
      f2(x),
      overRounds && peakRounds
        ? overRounds.map((s, i) => f2(s.rps / (peakRounds[i] ?? Number.NaN))).join(', ')
        : '',
      '>= 0.9',
      verdict(x >= 0.9, bad),
    ]);
    goals.push([
      `Overload: carepool p99`,
      ms(careOver.p99),
      overRounds ? overRounds.map((s) => f1(s.p99)).join(', ') : '',
      `<= ${ACQUIRE_TIMEOUT_MS} ms (acquire timeout)`,
      verdict(careOver.p99 <= ACQUIRE_TIMEOUT_MS, bad),
    ]);
  }

  // Where every request's CPU goes decides how far apart two servers can be on shared, saturated cores.
  const ceilings: (string | number)[][] = [];
  for (const key of ['get', 'list', 'write'] as const) {
    const c = find(key);
    const care = sum(c, 'carepool');
    const flask = sum(c, 'flask');
    if (!c || !care || !flask) continue;
    const whole = (x: Summary) => x.cpuUs + x.dbCpuUs + x.clientCpuUs;
    ceilings.push([
      c.title.replace(/^API \w+: /, '').replace(/ \(.*\)$/, ''),
      f0(care.cpuUs),
      f0(flask.cpuUs),
      f1(flask.cpuUs / care.cpuUs),
      `${f0(whole(care))} (${f0(care.cpuUs)} + ${f0(care.dbCpuUs)} + ${f0(care.clientCpuUs)})`,
      `${f0(whole(flask))} (${f0(flask.cpuUs)} + ${f0(flask.dbCpuUs)} + ${f0(flask.clientCpuUs)})`,
      f1(whole(flask) / whole(care)),
      f1(care.rps / flask.rps),
    ]);
  }

  const sections: string[] = [];
  for (const c of r.comparisons) {
    if (c.key === 'atPool' || c.key === 'at64' || c.key === 'overload') continue;
    const care = sum(c, 'carepool');
    sections.push(
      `### ${c.title}, ${c.connections} connections`,
      '',
      mdTable(
        [
          'server',
          'req/s',
          'p50',
          'p99',
          'carepool ÷ it, req/s',
          'carepool ÷ it, p99',
          'server CPU µs/req',
          'DB CPU µs/req',
          'SQL statements/req',
          'audit rows/req',
          'DB connections (max)',
          'non-2xx',
          'errors',
        ],
        c.results.map((m) => {
          const s = summary(m.samples);
          return [
            m.name === 'carepool' ? carepoolLabel : SHORT[m.name],
            f0(s.rps),
            ms(s.p50),
            ms(s.p99),
            care ? f2(care.rps / s.rps) : '',
            care ? f2(care.p99 / s.p99) : '',
            f0(s.cpuUs),
            f0(s.dbCpuUs),
            f1(s.statements),
            f2(s.auditRows),
            s.dbConnections,
            s.non2xx + (s.otherStatus ? ` (${s.otherStatus})` : ''),
            s.errors,
          ];
        }),
      ),
      '',
    );
  }
  const atPool = find('atPool');
  if (over && atPool) {
    sections.push(
      `### Overload: GET patient with records at ${over.connections} connections (${over.connections / POOL_MAX}x the pool of ${POOL_MAX})`,
      '',
      "Each round runs every server at 20, 64 and 200 connections back to back, so the three levels share the machine's conditions. " +
        'Peak = the better of the medians at 20 and at 64 connections; acquire timeout ' +
        `${ACQUIRE_TIMEOUT_MS} ms (carepool's pool, SQLAlchemy's pool_timeout; mysql2's pool has none and queues without bound).` +
        ' Server CPU per request at 64 and at 200 connections shows whether overload makes each request dearer' +
        ' (req/s alone moves with the other tenants).',
      '',
      mdTable(
        [
          'server',
          'req/s at 20',
          'req/s at 64',
          `req/s at ${over.connections}`,
          `at ${over.connections} ÷ peak`,
          `p50 at ${over.connections}`,
          `p99 at ${over.connections}`,
          'p99 at 20',
          `server CPU µs/req at 64 / ${over.connections}`,
          '503 (with Retry-After)',
          'other non-2xx',
          'errors',
          'DB connections (max)',
        ],
        over.results.map((m) => {
          const s = summary(m.samples);
          const at20 = sum(atPool, m.name);
          const at64 = sum(find('at64'), m.name);
          return [
            m.name === 'carepool' ? carepoolLabel : SHORT[m.name],
            f0(at20?.rps ?? Number.NaN),
            f0(at64?.rps ?? Number.NaN),
            f0(s.rps),
            f2(s.rps / peakOf(m.name)),
            ms(s.p50),
            ms(s.p99),
            ms(at20?.p99 ?? Number.NaN),
            `${f0(at64?.cpuUs ?? Number.NaN)} / ${f0(s.cpuUs)}`,
            `${s.s503} (${s.s503RetryAfter})`,
            s.otherStatus || 0,
            s.errors,
            s.dbConnections,
          ];
        }),
      ),
      '',
    );
  }

  const flaskShape = over?.results
    .find((m) => m.name === 'flask')
    ?.label.match(/\((\d+ gthread.*?threads)\)/)?.[1];
  const asRun = audits
    ? `In this run carepool ${r.deployed.auth ? 'refused a request without the token' : '**answered a request without the token**'} and wrote ${f2(r.deployed.auditPerRequest)} audit rows per request, so the goals compare it with **${SHORT.bare}**, which does the same database work.`
    : `In this run carepool ${r.deployed.auth ? 'refused a request without the token' : 'answered a request without the token'} and **wrote no audit rows**: authentication and the audit trail were not (fully) wired into the web app at this commit. The goals therefore compare it with **${SHORT.plain}**, the bare server doing the same database work; rerun once they land.`;
  return [
    '## HTTP: carepool web server vs bare node:http + mysql2 vs Flask',
    '',
    machineLine(
      `${r.server} on loopback (plain TCP), ${r.stack.versions}; load average ${f1(r.load[0])} at start, ${f1(r.load[1])} at end`,
    ),
    '',
    `The machine is shared with other agents' work: during the measurements the benchmark's own processes`,
    `(servers, MariaDB, autocannon) used ${f2(r.shared.ownCores)} cores on average and **other processes ${f2(r.shared.otherCores)} cores**`,
    `(of ${cpus().length}; /proc/stat busy time minus the benchmark's process trees). The servers run one after`,
    "another, so each meets the neighbours' load of its moment: the goals' per-round column shows how far that moved the ratios.",
    '',
    ...methodText(r, flaskShape),
    ...(r.stack.ok ? [] : ['', `Flask was not run: ${r.stack.reason}`]),
    '',
    asRun,
    '',
    '### Goals',
    '',
    'This run\'s numbers: "measured" is the ratio of the two servers\' medians; "per round" pairs the servers\'',
    'samples round by round (measured minutes apart at most, in the same rotation), so its spread shows how',
    'much the shared machine moved the ratio. req/s counts 2xx responses only; a goal whose servers answered',
    'anything but 2xx (at overload: anything but a 503 with Retry-After) or lost connections is **invalid**,',
    'not met. On this shared 2-core machine req/s and p99 move with the other tenants (load average in the',
    'machine line): the server-CPU-per-request columns are the steadier view.',
    '',
    mdTable(['goal', 'measured', 'per round (paired)', 'target', ''], goals),
    '',
    ...(ceilings.length
      ? [
          'Why carepool ÷ Flask lands where it does: the servers, MariaDB and autocannon share the same 2 cores',
          '(and other tenants), so once the cores are saturated the req/s ratio cannot exceed the ratio of the',
          'whole CPU each request costs — server + database + load generator. Server CPU alone is the ratio to',
          'expect with the database on its own machine and a core per server process (carepool is one Node',
          'process; gunicorn runs one worker per core).',
          '',
          mdTable(
            [
              'workload',
              'carepool server CPU µs/req',
              'Flask server CPU µs/req',
              'Flask ÷ carepool, server CPU',
              'carepool: server + DB + autocannon µs/req',
              'Flask: server + DB + autocannon µs/req',
              'ceiling of carepool ÷ Flask req/s here',
              'measured carepool ÷ Flask req/s',
            ],
            ceilings,
          ),
          '',
        ]
      : []),
    ...sections,
    'Profiles and A/B investigations of earlier code (dated, recorded by hand, not re-checked by this run):',
    '[benchmarks-history.md](benchmarks-history.md).',
    '',
    `Command: \`npm run bench -- http\` (${r.full ? 'this run: `--full`' : 'this run: short'}; \`--full\` runs 5 rounds of 10 s; add \`--profile\` to write`,
    `\`node --cpu-prof\` profiles of the Node servers${r.profileDir ? `, this run: ${r.profileDir}` : ''}).`,
  ].join('\n');
}
