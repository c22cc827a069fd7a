/**
 * Read replicas over HTTP (`npm run bench -- http-replicas`): carepool's real web server (sign-in, audit,
 * as `carepool serve` runs it) in two processes over one private sandbox primary with one GTID replica on
 * loopback: one configured without REPLICAS (every read on the primary) and one with them (reads routed).
 * autocannon sends `GET /api/v1/targets/gcp/patients/:id` (random of the seeded patients) to each in
 * interleaved rounds, first as a signed-in browser (session cookie; it wrote nothing, so it carries no
 * read-your-writes cookie), as an API token client that keeps cookies (opted in: likewise), then as one
 * that carries nothing (each read joins the fleet-wide check). Measured:
 * the server process's CPU per response (/proc), so the ratio is what the router costs a real request.
 * Writes the `http-replicas` section of docs/benchmarks.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { UserStore } from '../../src/auth/index.js';
import { loadConfig } from '../../src/config/index.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { sandboxEnv, startSandbox, stopSandbox } from '../../src/sandbox/index.js';
import { median } from '../lib/measure.js';
import { treeCpuMs } from '../lib/proc.js';
import { machineLine, mdTable, writeSection } from '../lib/report.js';
import { perRoundRatio } from '../replicas/cpu-paths.js';
import { seedReplicaBench } from '../replicas/fixture.js';
import { type Candidate, startCandidate } from './candidates.js';

const PATIENTS = 500;
const WHO = ['browser', 'tokenCarry', 'token'] as const;
const CONNECTIONS = 8;

/** One client kind: its request headers. */
type Who = 'browser' | 'tokenCarry' | 'token';

/** Runs the benchmark; returns the markdown it wrote. */
export async function runHttpReplicasBench(full: boolean): Promise<string> {
  const rounds = full ? 31 : 21;
  const seconds = full ? 5 : 3;
  const started = new Date();
  const home = await mkdtemp(join(tmpdir(), 'carepool-bench-http-replicas-'));
  const servers: Candidate[] = [];
  try {
    const state = await startSandbox({ home, ports: 'free', profiles: ['gcp'], replicas: 1 });
    const env = sandboxEnv(state);
    const { CAREPOOL_TARGET_GCP_REPLICAS: replicasUrl = '', ...direct } = env;
    const ids = (await seedReplicaBench(direct, home, PATIENTS)).map((r) => r.id);
    const secret = randomBytes(32).toString('base64url');
    const user = { name: 'bench_reader', password: randomBytes(18).toString('base64url') };
    const setup = new TargetRegistry(loadConfig({ env: { ...direct }, dotenv: false, cwd: home }));
    let token: string;
    try {
      const users = new UserStore(setup);
      await users.upsertUser(user.name, 'clinician', user.password);
      token = await users.createToken(user.name, 'bench');
    } finally {
      await setup.close(1000);
    }
    const common = {
      BENCH_TARGET: 'gcp',
      BENCH_SESSION_SECRET: secret,
      BENCH_LOG_LEVEL: 'info',
    };
    const dbUrl = direct.CAREPOOL_TARGET_GCP_URL ?? '';
    const start = (replicas: boolean) =>
      startCandidate('carepool', {
        dbUrl,
        env: { ...common, ...(replicas ? { BENCH_REPLICAS: replicasUrl } : {}) },
      });
    const straight = await start(false);
    servers.push(straight);
    const routed = await start(true);
    servers.push(routed);
    const cookie = await signIn(straight.url, user);
    const headers: Record<Who, Record<string, string>> = {
      browser: { cookie },
      tokenCarry: { authorization: `Bearer ${token}`, 'carepool-carry-writes': 'cookie' },
      token: { authorization: `Bearer ${token}` },
    };
    const path = () => `/api/v1/targets/gcp/patients/${ids[Math.floor(Math.random() * ids.length)]}`;
    const run = async (server: Candidate, who: Who) => {
      const cpu0 = treeCpuMs(server.pid);
      const result = await autocannon({
        url: server.url,
        connections: CONNECTIONS,
        duration: seconds,
        headers: headers[who],
        requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: path() }) }],
      });
      const cpu = treeCpuMs(server.pid) - cpu0;
      const ok = result['2xx'];
      if (ok === 0 || result.non2xx > 0)
        throw new Error(`${who} reads answered ${result.non2xx} non-2xx of ${result.requests.total}`);
      return { cpuUs: (cpu * 1000) / ok, rps: ok / result.duration, p50: result.latency.p50 };
    };
    type Sample = Awaited<ReturnType<typeof run>>;
    const samples: Record<Who, { straight: Sample[]; routed: Sample[] }> = {
      browser: { straight: [], routed: [] },
      tokenCarry: { straight: [], routed: [] },
      token: { straight: [], routed: [] },
    };
    for (const who of WHO) {
      // Warm-up: JIT, pools, the router's first lag polls.
      await run(straight, who);
      await run(routed, who);
      for (let r = 0; r < rounds; r++) {
        const order = r % 2 === 0 ? ([straight, routed] as const) : ([routed, straight] as const);
        for (const server of order)
          samples[who][server === straight ? 'straight' : 'routed'].push(await run(server, who));
        process.stderr.write(`http-replicas ${who} round ${r + 1}/${rounds}\n`);
      }
    }
    const md = render(samples, { rounds, seconds, started, version: state.servers.gcp?.version ?? '?' });
    await writeSection('http-replicas', md);
    return md;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await stopSandbox(home).catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  }
}

/** Signs in through POST /login as a browser does; returns the session cookie (`name=value`). */
async function signIn(url: string, user: { name: string; password: string }): Promise<string> {
  const page = await fetch(`${url}/login`);
  const nonce = page.headers
    .getSetCookie()
    .find((c) => c.startsWith('carepool_login='))
    ?.split(';')[0];
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!nonce || !csrf) throw new Error('the sign-in page gave no anti-forgery cookie or token');
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: nonce, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: user.name, password: user.password, _csrf: csrf }).toString(),
  });
  const session = res.headers.getSetCookie().find((c) => c.startsWith('carepool_session='));
  if (res.status !== 303 || !session) throw new Error(`sign-in answered ${res.status}`);
  return session.split(';')[0] as string;
}

type Samples = Record<Who, Record<'straight' | 'routed', { cpuUs: number; rps: number; p50: number }[]>>;

function render(
  samples: Samples,
  o: { rounds: number; seconds: number; started: Date; version: string },
): string {
  const us = (v: number) => `${v.toFixed(0)} µs`;
  const label: Record<Who, string> = {
    browser: 'signed-in browser (session cookie; no write of its own, so no read-your-writes cookie)',
    tokenCarry:
      'API token client that keeps cookies (`Carepool-Carry-Writes: cookie`; no write of its own, so no cookie)',
    token: 'API token client (carries nothing: each read joins the fleet-wide check on the primary)',
  };
  const ratio = (who: Who) =>
    perRoundRatio(
      samples[who].routed.map((s) => s.cpuUs),
      samples[who].straight.map((s) => s.cpuUs),
    );
  const goal = (who: Who) => (ratio(who).median <= 1.05 ? 'met' : 'NOT met');
  const rows = WHO.map((who) => {
    const s = samples[who];
    const m = (list: { cpuUs: number }[]) => median(list.map((x) => x.cpuUs));
    return [
      label[who],
      us(m(s.straight)),
      us(m(s.routed)),
      `**${ratio(who).median.toFixed(3)}x** (${ratio(who).text}; goal ${goal(who)})`,
      `${median(s.straight.map((x) => x.rps)).toFixed(0)} / ${median(s.routed.map((x) => x.rps)).toFixed(0)}`,
      `${median(s.straight.map((x) => x.p50)).toFixed(1)} / ${median(s.routed.map((x) => x.p50)).toFixed(1)} ms`,
    ];
  });
  return [
    '## Read replicas over HTTP: CPU per read request, routed vs straight',
    '',
    machineLine(`MariaDB ${o.version} primary + 1 GTID replica on loopback (sandbox)`),
    `Command: \`npm run bench -- http-replicas\`, ${o.started.toISOString().slice(0, 16)}Z, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')} at the end.`,
    '',
    `carepool's web server as \`carepool serve\` runs it (sign-in, audit of every access, logger at info) in two processes over the same primary: one without REPLICAS, one with the replica (reads routed, fleet-wide read-your-writes on). autocannon, ${CONNECTIONS} connections, \`GET /api/v1/targets/gcp/patients/:id\` (patient + records + appointments, random of ${PATIENTS}); ${o.rounds} rounds of ${o.seconds} s per server and client kind, the order alternating each round, after one warm-up run each. CPU: the server process's user + system time (/proc) per 2xx response; ratio: median and quartiles of the per-round ratios routed / straight. **Goal: <= 1.05x.**`,
    '',
    mdTable(
      [
        'client',
        'straight: CPU per read',
        'routed: CPU per read',
        'routed / straight',
        'reads/s straight / routed',
        'p50 straight / routed',
      ],
      rows,
    ),
  ].join('\n');
}
