import { renderReport } from '../../src/cli/commands/doctor.js';
import { loadConfig, type TargetConfig } from '../../src/config/index.js';
import type { DoctorReport, Finding, TargetDiagnosis } from '../../src/doctor/index.js';
import type { ServerState } from '../../src/sandbox/index.js';

/** One target config from a URL (and optional extra env such as a short connect timeout). */
export function targetFromUrl(name: string, url: string, extra: Record<string, string> = {}): TargetConfig {
  const config = loadConfig({
    env: { CAREPOOL_TARGETS: name, [`CAREPOOL_TARGET_${name.toUpperCase()}_URL`]: url, ...extra },
    dotenv: false,
  });
  const target = config.targets[0];
  if (!target) throw new Error('no target');
  return target;
}

/** The finding of one check (throws when missing, so tests fail clearly). */
export function finding(d: TargetDiagnosis, check: Finding['check']): Finding {
  const f = d.findings.find((x) => x.check === check);
  if (!f) throw new Error(`no ${check} finding in ${d.findings.map((x) => x.check).join(', ')}`);
  return f;
}

/** Everything the doctor would print, as text and as JSON. */
export function fullOutput(report: DoctorReport): string {
  return `${renderReport(report)}\n${JSON.stringify(report)}`;
}

/** Every password a sandbox server knows, raw and URL-encoded. */
export function passwordsOf(...servers: ServerState[]): string[] {
  return servers.flatMap((s) =>
    Object.values(s.users).flatMap((u) => [u.password, encodeURIComponent(u.password)]),
  );
}
