import type { ErrorCode } from '../errors/index.js';

/** How one check came out. `skip` means an earlier failure made the check impossible. */
export type FindingStatus = 'ok' | 'info' | 'warn' | 'fail' | 'skip';

/** The checks, in the order they run. */
export const CHECKS = [
  'dns',
  'tcp',
  'greeting',
  'tls',
  'tls.chain',
  'tls.hostname',
  'tls.expiry',
  'auth',
  'database',
  'server',
  'grants',
  'migrator',
  'require_secure_transport',
  'max_connections',
  'fleet',
  'wait_timeout',
  'sql_mode',
  'time_zone',
  'character_set',
  'lower_case_table_names',
  'sql_generate_invisible_primary_key',
  'migrations',
] as const;

/** One of {@link CHECKS}, or `settings` for the comparison across targets. */
export type CheckName = (typeof CHECKS)[number] | 'settings' | 'replicas' | 'galera';

/** JSON-safe facts a finding carries for the web page and `--json`. Never secrets. */
export type FindingData = Readonly<Record<string, string | number | boolean | null>>;

/**
 * The result of one check. Problems (`warn`, `fail`) always say `cause` (why, in plain words) and `fix`
 * (what to do), and carry a stable `code` (docs/errors.md).
 */
export interface Finding {
  readonly check: CheckName;
  readonly status: FindingStatus;
  /** One line: what was observed. */
  readonly summary: string;
  readonly cause?: string;
  readonly fix?: string;
  readonly code?: ErrorCode;
  /** How long the check took (network checks), ms. */
  readonly ms?: number;
  readonly data?: FindingData;
}

/** Everything the doctor found about one target. */
export interface TargetDiagnosis {
  readonly target: string;
  /** The target URL with its password masked. */
  readonly url: string;
  /** The worst status of its findings. */
  readonly status: OverallStatus;
  readonly findings: readonly Finding[];
  /** Settings read from the server (for comparing targets); empty when the login failed. */
  readonly settings: Readonly<Record<string, string>>;
  readonly durationMs: number;
}

/** The doctor's report on several targets. */
export interface DoctorReport {
  readonly targets: readonly TargetDiagnosis[];
  /** Findings about the targets together (settings that differ between them). */
  readonly across: readonly Finding[];
  /** The worst status overall. */
  readonly status: OverallStatus;
}

/** What a migration-state reader returns: the applied revision and the latest one known to this checkout. */
export interface MigrationState {
  readonly current: string | null;
  readonly head: string | null;
}

/** The verdict on a target or a report: `info` and `skip` findings count as ok. */
export type OverallStatus = 'ok' | 'warn' | 'fail';

/** The worst verdict of some findings (`ok` for none). */
export function worstStatus(statuses: Iterable<FindingStatus>): OverallStatus {
  let worst: OverallStatus = 'ok';
  for (const s of statuses) {
    if (s === 'fail') return 'fail';
    if (s === 'warn') worst = 'warn';
  }
  return worst;
}
