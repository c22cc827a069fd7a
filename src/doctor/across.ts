import type { Finding, TargetDiagnosis } from './types.js';

interface Compared {
  readonly key: string;
  readonly label: string;
  readonly cause: string;
  readonly fix: string;
}

const COMPARED: readonly Compared[] = [
  {
    key: 'sql_mode',
    label: 'sql_mode',
    cause: 'The same INSERT can succeed on one target and fail (or be silently changed) on another.',
    fix: 'Set the same sql_mode on every server (Azure: server parameter; Cloud SQL: flag).',
  },
  {
    key: 'time_zone',
    label: 'time zone',
    cause: 'NOW() and TIMESTAMP values differ between targets for the same moment.',
    fix: 'Set every server to +00:00.',
  },
  {
    key: 'lower_case_table_names',
    label: 'lower_case_table_names',
    cause:
      'Table-name case rules differ: a schema dump from one target may not load on the other if names use capitals.',
    fix: 'Keep all table names lower case (carepool does); the setting is fixed when a server is created.',
  },
  {
    key: 'character_set_server',
    label: 'server character set',
    cause: 'Text may be stored or compared differently on the targets.',
    fix: 'Use utf8mb4 everywhere.',
  },
  {
    key: 'collation_server',
    label: 'server collation',
    cause: 'Sorting and unique checks on text (e.g. names with accents) differ between targets.',
    fix: 'Use the same collation everywhere (utf8mb4_unicode_ci or utf8mb4_0900_ai_ci on MySQL 8).',
  },
];

/** Findings about targets together: settings that change behaviour and differ between them. */
export function compareTargets(diagnoses: readonly TargetDiagnosis[]): Finding[] {
  const read = diagnoses.filter((d) => Object.keys(d.settings).length > 0);
  if (read.length < 2) return [];
  const findings: Finding[] = [];
  for (const c of COMPARED) {
    const values = read.map((d) => ({ target: d.target, value: d.settings[c.key] ?? '(absent)' }));
    if (new Set(values.map((v) => v.value)).size <= 1) continue;
    findings.push({
      check: 'settings',
      status: 'warn',
      code: 'CAREPOOL_DOCTOR_SETTINGS_DIFFER',
      summary: `${c.label} differs: ${values.map((v) => `${v.target} ${v.value}`).join('; ')}`,
      cause: c.cause,
      fix: c.fix,
    });
  }
  const versions = read.map((d) => `${d.target} ${d.settings.version ?? '?'}`);
  if (new Set(read.map((d) => d.settings.version)).size > 1) {
    findings.push({ check: 'settings', status: 'info', summary: `server versions: ${versions.join('; ')}` });
  }
  if (findings.length === 0) {
    findings.push({
      check: 'settings',
      status: 'ok',
      summary: `${read.map((d) => d.target).join(', ')} agree on sql_mode, time zone, character set, collation and lower_case_table_names`,
    });
  }
  return findings;
}
