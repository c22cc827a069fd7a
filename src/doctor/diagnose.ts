import { redact, type Secret, type TargetConfig } from '../config/index.js';
import { AppError } from '../errors/index.js';
import { replicaFindings } from '../replicas/index.js';
import { compareTargets } from './across.js';
import { type ExplainContext, urlVariable } from './explain.js';
import { connectionNode, galeraFindings } from './galera.js';
import { migratorCheck } from './migrator-check.js';
import { networkChecks } from './network-checks.js';
import type { Lookup } from './probe-network.js';
import { type MigrationStateReader, sessionChecks, skipAfterLogin } from './session-checks.js';
import { VARIABLES } from './settings.js';
import { type DoctorReport, type Finding, type TargetDiagnosis, worstStatus } from './types.js';

/** Options of {@link diagnoseTarget}. */
export interface DoctorOptions {
  /** App processes that each hold a pool to the target (for the max_connections budget). Default 1. */
  readonly appInstances?: number;
  /** The clock, for certificate expiry. */
  readonly now?: () => Date;
  /** DNS resolver (default: the system's). */
  readonly lookup?: Lookup;
  /** Reads the migration revision; without it the doctor only looks for the history table. */
  readonly migrationState?: MigrationStateReader;
}

/**
 * Diagnoses one target: DNS, TCP, greeting, TLS, login, database, server, grants, migrator, settings and
 * migration state, in order, each step bounded by the target's connect timeout. Never throws: every
 * problem is a finding with a cause and a fix, and checks that an earlier failure makes pointless are
 * `skip`. No text in the result contains the target's passwords.
 */
export async function diagnoseTarget(
  config: TargetConfig,
  options: DoctorOptions = {},
): Promise<TargetDiagnosis> {
  const started = performance.now();
  // A multi-host URL: the connection checks run on the node a dedicated connection would use.
  const node = await connectionNode(config);
  const spec = node.spec;
  const ctx: ExplainContext = {
    target: config.name,
    host: spec.host,
    port: spec.port,
    user: spec.user,
    database: spec.database,
    sslMode: spec.sslMode,
    connectTimeoutMs: config.pool.connectTimeoutMs,
    variable: urlVariable(config.name),
  };
  const findings: Finding[] = node.finding ? [node.finding] : [];
  let settings: Record<string, string> = {};
  try {
    const network = await networkChecks(spec, ctx, {
      now: options.now?.() ?? new Date(),
      ...(options.lookup ? { lookup: options.lookup } : {}),
    });
    findings.push(...network.findings);
    if (!network.proceed) {
      findings.push(
        { check: 'auth', status: 'skip', summary: 'fix the checks above first' },
        { check: 'database', status: 'skip', summary: 'needs a login' },
      );
      findings.push(...skipAfterLogin('needs a login'));
    } else {
      const session = await sessionChecks({ ...config, url: spec }, ctx, {
        tlsOffered: network.greeting?.tlsOffered ?? false,
        appInstances: options.appInstances ?? 1,
        ...(options.migrationState ? { migrationState: options.migrationState } : {}),
      });
      findings.push(...session.findings);
      if (session.facts) {
        const f = session.facts;
        settings = { version: f.version, ...pick(f.variables, VARIABLES) };
        const tz = f.variables.time_zone;
        if (tz?.toUpperCase() === 'SYSTEM')
          settings.time_zone = `SYSTEM (${f.variables.system_time_zone ?? '?'})`;
        const migrator = await migratorCheck(config, migratorContext(config, ctx));
        if (migrator) findings.splice(findings.findIndex((x) => x.check === 'grants') + 1, 0, migrator);
      }
    }
    // Read replicas (CAREPOOL_TARGET_<NAME>_REPLICAS): state, lag, GTIDs, the replication error.
    findings.push(...(await replicaFindings(config, { appInstances: options.appInstances ?? 1 })));
    // Galera clusters (several hosts in the URL, or wsrep_on): node states, quorum, flow control, tables.
    if (config.url.hosts || !findings.some((f) => f.status === 'fail'))
      findings.push(...(await galeraFindings(config)));
  } catch (error) {
    // A bug in a check must not hide the other findings: report it like any other problem.
    findings.push({
      check: 'auth',
      status: 'fail',
      code: 'CAREPOOL_DOCTOR_CHECK_CRASHED',
      summary: error instanceof AppError ? error.message : String((error as Error)?.message ?? error),
      cause: 'A doctor check failed unexpectedly.',
      fix: 'This is a bug in carepool; please report it with this output.',
    });
  }
  const secrets = [spec.password, ...(config.migrateUrl ? [config.migrateUrl.password] : [])];
  return {
    target: config.name,
    url: spec.redacted,
    status: worstStatus(findings.map((f) => f.status)),
    findings: findings.map((f) => scrub(f, secrets)),
    settings,
    durationMs: Math.round(performance.now() - started),
  };
}

/** Diagnoses several targets in parallel and compares their settings. */
export async function diagnoseTargets(
  configs: readonly TargetConfig[],
  options: DoctorOptions = {},
): Promise<DoctorReport> {
  const targets = await Promise.all(configs.map((c) => diagnoseTarget(c, options)));
  const across = compareTargets(targets);
  return {
    targets,
    across,
    status: worstStatus([...targets.map((t) => t.status), ...across.map((f) => f.status)]),
  };
}

function migratorContext(config: TargetConfig, ctx: ExplainContext): ExplainContext {
  const m = config.migrateUrl ?? config.url;
  return {
    ...ctx,
    host: m.host,
    port: m.port,
    user: m.user,
    database: m.database,
    sslMode: m.sslMode,
    variable:
      config.name === 'default'
        ? 'DATABASE_MIGRATE_URL'
        : `CAREPOOL_TARGET_${config.name.toUpperCase()}_MIGRATE_URL`,
  };
}

function pick(values: Readonly<Record<string, string>>, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((k) => values[k] !== undefined).map((k) => [k, values[k] ?? '']));
}

/** Belt and braces: every text field goes through the redactor with the target's passwords. */
function scrub(finding: Finding, secrets: readonly Secret[]): Finding {
  const clean = (text: string) => redact(text, secrets);
  return {
    ...finding,
    summary: clean(finding.summary),
    ...(finding.cause === undefined ? {} : { cause: clean(finding.cause) }),
    ...(finding.fix === undefined ? {} : { fix: clean(finding.fix) }),
    ...(finding.data === undefined
      ? {}
      : {
          data: Object.fromEntries(
            Object.entries(finding.data).map(([k, v]) => [k, typeof v === 'string' ? clean(v) : v]),
          ),
        }),
  };
}
