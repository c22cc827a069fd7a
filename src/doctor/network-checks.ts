import type { ConnectionSpec } from '../config/index.js';
import { AppError } from '../errors/index.js';
import { type ExplainContext, explainConnectError } from './explain.js';
import { greet, type Lookup, resolveHost } from './probe-network.js';
import { tlsChecks } from './tls-checks.js';
import type { Finding } from './types.js';
import type { Greeting } from './wire.js';

/** What the network checks found, and whether logging in is worth trying. */
export interface NetworkResult {
  readonly findings: readonly Finding[];
  /** The server's greeting, when it sent one. */
  readonly greeting?: Extract<Greeting, { kind: 'handshake' }>;
  /** False when an earlier failure makes a login pointless (it would fail the same way, slower). */
  readonly proceed: boolean;
}

/** Options of {@link networkChecks}. */
export interface NetworkOptions {
  readonly lookup?: Lookup;
  readonly now: Date;
}

const skip = (check: Finding['check'], why: string): Finding => ({ check, status: 'skip', summary: why });

/** DNS, TCP connect time, the server greeting and TLS, each bounded by the connect timeout. */
export async function networkChecks(
  spec: ConnectionSpec,
  ctx: ExplainContext,
  options: NetworkOptions,
): Promise<NetworkResult> {
  const timeout = ctx.connectTimeoutMs;
  const dns = await resolveHost(spec.host, timeout, options.lookup);
  if (!dns.ok) {
    const explained = explainConnectError(new AppError('CAREPOOL_DB_HOST_NOT_FOUND', dns.message), ctx);
    return {
      proceed: false,
      findings: [
        {
          check: 'dns',
          status: 'fail',
          summary: `"${spec.host}" does not resolve (${dns.code})`,
          ms: dns.ms,
          ...explained,
        },
        ...['tcp', 'greeting', 'tls'].map((c) => skip(c as Finding['check'], 'needs DNS')),
      ],
    };
  }
  const findings: Finding[] = [
    {
      check: 'dns',
      status: 'ok',
      summary: dns.literal
        ? `${spec.host} is an IP address (no lookup)`
        : `${spec.host} → ${dns.addresses.join(', ')}`,
      ...(dns.literal ? {} : { ms: dns.ms }),
    },
  ];
  const address = dns.addresses[0] ?? spec.host;
  const outcome = await greet(address, spec.port, timeout);
  if (outcome.stage === 'tcp') {
    const code =
      outcome.code === 'ECONNREFUSED' ? 'CAREPOOL_DB_CONNECT_REFUSED' : 'CAREPOOL_DB_CONNECT_TIMEOUT';
    const explained = explainConnectError(new AppError(code, outcome.message), ctx);
    const summary =
      outcome.code === 'ECONNREFUSED'
        ? `${address}:${spec.port} refused the connection (ECONNREFUSED)`
        : `no TCP connection to ${address}:${spec.port} within ${timeout} ms (${outcome.code})`;
    findings.push({ check: 'tcp', status: 'fail', summary, ms: outcome.ms, ...explained });
    findings.push(skip('greeting', 'needs a TCP connection'), skip('tls', 'needs a TCP connection'));
    return { findings, proceed: false };
  }
  findings.push({
    check: 'tcp',
    status: 'ok',
    summary: `connected to ${address}:${spec.port}`,
    ms: outcome.tcpMs,
  });
  if (outcome.stage === 'greeting') {
    findings.push(
      noGreeting(outcome.reason, outcome.waitedMs, `${address}:${spec.port}`, ctx),
      skip('tls', 'needs a MySQL greeting'),
    );
    return { findings, proceed: false };
  }
  outcome.socket.destroy();
  const greeting = outcome.greeting;
  if (greeting.kind === 'error') {
    findings.push(greetingError(greeting, ctx), skip('tls', 'the server refused before the handshake'));
    return { findings, proceed: false };
  }
  if (greeting.kind === 'not-mysql') {
    findings.push({
      check: 'greeting',
      status: 'fail',
      code: 'CAREPOOL_DOCTOR_NOT_MYSQL',
      summary: `the port answered "${greeting.preview}", which is not a MySQL greeting`,
      cause: `${address}:${spec.port} runs another protocol (SSH, HTTP, a TLS-only endpoint...), not MySQL.`,
      fix: `Point ${ctx.variable} at the MySQL port (3306 on Azure and Cloud SQL; carepool sandbox status shows the sandbox ports).`,
    });
    findings.push(skip('tls', 'not a MySQL server'));
    return { findings, proceed: false };
  }
  findings.push({
    check: 'greeting',
    status: 'ok',
    summary: `${greeting.serverVersion} answered; TLS ${greeting.tlsOffered ? 'offered' : 'NOT offered'}${greeting.authPlugin ? `; auth plugin ${greeting.authPlugin}` : ''}`,
    ms: outcome.greetingMs,
    data: { serverVersion: greeting.serverVersion, tlsOffered: greeting.tlsOffered },
  });
  const tls = await tlsChecks(spec, address, greeting, ctx, options.now);
  findings.push(...tls.findings);
  return { findings, greeting, proceed: tls.proceed };
}

function noGreeting(
  reason: 'timeout' | 'closed' | 'error',
  waitedMs: number,
  where: string,
  ctx: ExplainContext,
): Finding {
  const silent = reason === 'timeout';
  return {
    check: 'greeting',
    status: 'fail',
    code: 'CAREPOOL_DOCTOR_NO_GREETING',
    summary: silent
      ? `${where} accepted TCP but sent no MySQL greeting within ${ctx.connectTimeoutMs} ms`
      : `${where} accepted TCP, then closed the connection without a MySQL greeting`,
    ms: waitedMs,
    cause: silent
      ? 'Something listens on this port but does not speak first as a MySQL server does: another service (web servers wait for the client), a proxy or gateway that cannot reach its database, or a hung server.'
      : 'A proxy or load balancer accepted the connection but has no database behind it, or the server drops connections from this host.',
    fix: `Check the port in ${ctx.variable} (MySQL: 3306). If it is a proxy (Cloud SQL Auth Proxy, ProxySQL, a gateway), check that it runs, is authorised (Cloud SQL Client role) and reaches the server; a hung server needs a restart.`,
  };
}

function greetingError(greeting: Extract<Greeting, { kind: 'error' }>, ctx: ExplainContext): Finding {
  const summary = `the server refused before the handshake: ${greeting.errno} ${greeting.message}`;
  if (greeting.errno === 1040) {
    return {
      check: 'greeting',
      status: 'fail',
      summary,
      ...explainConnectError(new AppError('CAREPOOL_DB_TOO_MANY_CONNECTIONS', greeting.message), ctx),
    };
  }
  if (greeting.errno === 1129) {
    return {
      check: 'greeting',
      status: 'fail',
      code: 'CAREPOOL_DB_ACCESS_DENIED',
      summary,
      cause:
        'The server blocked this client host after too many failed or aborted connection attempts (max_connect_errors).',
      fix: 'As an admin run FLUSH HOSTS (MySQL 8: TRUNCATE performance_schema.host_cache), fix what made the attempts fail, and consider raising max_connect_errors.',
    };
  }
  if (greeting.errno === 1130) {
    return {
      check: 'greeting',
      status: 'fail',
      code: 'CAREPOOL_DB_ACCESS_DENIED',
      summary,
      cause: 'No account on the server allows connections from this client host.',
      fix: `As an admin create the user for this host or for % (CREATE USER '${ctx.user}'@'%' ...), or connect from an allowed host.`,
    };
  }
  return {
    check: 'greeting',
    status: 'fail',
    code: 'CAREPOOL_DB_QUERY_FAILED',
    summary,
    cause: greeting.message,
    fix: 'Look up the error number in the MySQL server error reference.',
  };
}
