import type { Command } from 'commander';
import type { DoctorReport, Finding, TargetDiagnosis } from '../../doctor/index.js';
import { AppError } from '../../errors/index.js';
import { defaultMigrationsDir } from '../../migrate/index.js';
import type { CliContext } from '../context.js';

interface DoctorOptions {
  target?: string;
  json?: boolean;
  instances?: string;
}

/** `carepool doctor`: every connection check per target, each problem with its cause and fix. */
export function registerDoctor(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description(
      'check DNS, TCP, TLS, login, grants and server settings of each target; explain every problem',
    )
    .option('--target <name>', 'a target, a comma list, or all (default: all)')
    .option('--instances <n>', 'app instances sharing each server, for the max_connections budget', '1')
    .option('--json', 'print the findings as JSON')
    .action(async (opts: DoctorOptions) => {
      const instances = Number(opts.instances ?? '1');
      if (!Number.isInteger(instances) || instances < 1 || instances > 10_000) {
        throw new AppError(
          'CAREPOOL_USAGE',
          `--instances "${opts.instances}" is not a whole number from 1 to 10000`,
        );
      }
      const config = await ctx.targetConfig();
      const names = selectNames(
        config.targets.map((t) => t.name),
        opts.target,
      );
      const { diagnoseTargets, migrationStateFromFiles } = await import('../../doctor/index.js');
      const report = await diagnoseTargets(
        config.targets.filter((t) => names.includes(t.name)),
        { appInstances: instances, migrationState: migrationStateFromFiles(defaultMigrationsDir()) },
      );
      if (opts.json) ctx.out.json(report);
      else ctx.out.line(renderReport(report));
      if (report.status === 'fail') ctx.exitCode = 1;
    });
}

function selectNames(configured: readonly string[], selector: string | undefined): string[] {
  if (selector === undefined || selector === '' || selector === 'all') return [...configured];
  const wanted = selector
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const unknown = wanted.filter((w) => !configured.includes(w));
  if (unknown.length > 0) {
    throw new AppError(
      'CAREPOOL_TARGET_UNKNOWN',
      `unknown target "${unknown.join(', ')}"; configured: ${configured.join(', ') || '(none)'}`,
      {
        meta: { targets: [...configured] },
      },
    );
  }
  return wanted;
}

const LABEL: Readonly<Record<Finding['status'], string>> = {
  ok: 'ok',
  info: 'info',
  warn: 'WARN',
  fail: 'FAIL',
  skip: 'skip',
};

/** The doctor's report as text: a block per target, then the comparison, then a one-line verdict. */
export function renderReport(report: DoctorReport): string {
  const blocks = report.targets.map(renderTarget);
  if (report.across.length > 0)
    blocks.push(['across targets', ...report.across.map(renderFinding)].join('\n'));
  const verdict = report.targets.map((t) => `${t.target} ${LABEL[t.status]}`).join(', ');
  const counts = count(report);
  blocks.push(`doctor: ${verdict}${counts ? ` (${counts})` : ''}`);
  return blocks.join('\n\n');
}

function renderTarget(d: TargetDiagnosis): string {
  const took = d.durationMs < 1000 ? `${d.durationMs} ms` : `${(d.durationMs / 1000).toFixed(1)} s`;
  const head = `${d.target}  ${d.url}  ${LABEL[d.status]} in ${took}`;
  return [head, ...d.findings.map(renderFinding)].join('\n');
}

function renderFinding(f: Finding): string {
  const ms = f.ms === undefined ? '' : `  (${f.ms} ms)`;
  const lines = [`  ${LABEL[f.status].padEnd(4)}  ${f.check.padEnd(34)}  ${f.summary}${ms}`];
  if (f.cause) lines.push(`        cause: ${f.cause}`);
  if (f.fix) lines.push(`        fix:   ${f.fix}`);
  return lines.join('\n');
}

function count(report: DoctorReport): string {
  const all = [...report.targets.flatMap((t) => t.findings), ...report.across];
  const fails = all.filter((f) => f.status === 'fail').length;
  const warns = all.filter((f) => f.status === 'warn').length;
  return [
    fails ? `${fails} failure${fails === 1 ? '' : 's'}` : '',
    warns ? `${warns} warning${warns === 1 ? '' : 's'}` : '',
  ]
    .filter(Boolean)
    .join(', ');
}
