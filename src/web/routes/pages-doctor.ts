import type { FastifyInstance } from 'fastify';
import type { DoctorReport, Finding } from '../../doctor/types.js';
import type {} from '../plugins/route-access.js';
import type { DoctorRunner } from './doctor-runner.js';
import { doctorTargets } from './doctor-targets.js';
import { failPage, isUnavailable, type PageDeps, sendPage } from './page-helpers.js';

const LABEL: Readonly<Record<Finding['status'], string>> = {
  ok: 'OK',
  info: 'Info',
  warn: 'Warning',
  fail: 'Failed',
  skip: 'Skipped',
};

/**
 * `GET /doctor?target=`: runs the connection doctor on every target (or a name / comma list) and shows each
 * check with its status, and the cause and fix of every problem. Admins only (`ops:run`). The report is
 * what `carepool doctor` prints: URLs masked, no password anywhere.
 */
export function registerDoctorPages(app: FastifyInstance, deps: PageDeps, runner: DoctorRunner): void {
  app.get<{ Querystring: { target?: string } }>(
    '/doctor',
    {
      config: { access: 'ops:run' },
      schema: {
        hide: true,
        querystring: { type: 'object', properties: { target: { type: 'string', maxLength: 200 } } },
      },
    },
    async (request, reply) => {
      try {
        const targets = doctorTargets(deps.registry, request.query.target);
        const names = targets.map((t) => t.name);
        const all = names.length === deps.registry.names().length;
        const base = {
          names: deps.registry.names(),
          selected: all || names.length !== 1 ? 'all' : names[0],
          jsonHref: `/api/v1/doctor${all ? '' : `?target=${names.join(',')}`}`,
          label: LABEL,
          took,
        };
        const meta = { title: 'Doctor', nav: 'doctor' };
        try {
          const report = await runner.run(targets);
          return sendPage(reply, deps, 'doctor', meta, {
            ...base,
            report,
            verdict: verdict(report),
            counts: counts(report),
            attention: attention(report),
            restSummary,
            error: null,
          });
        } catch (error) {
          if (!isUnavailable(error)) throw error;
          reply.header('retry-after', String(error.meta.retryAfterS ?? 1));
          return sendPage(reply, deps, 'doctor', meta, { ...base, report: null, error: error.toJSON() }, 503);
        }
      } catch (error) {
        return failPage(request, reply, deps, error);
      }
    },
  );
}

function took(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function verdict(report: DoctorReport): string {
  const head =
    report.status === 'ok'
      ? 'Every check passed.'
      : report.status === 'warn'
        ? 'Connections work, with warnings to look at.'
        : 'Some checks failed.';
  return `${head} ${report.targets.map((t) => `${t.target}: ${LABEL[t.status].toLowerCase()}`).join(', ')}`;
}

/** Every failure and warning, failures first, with the target it belongs to. */
function attention(report: DoctorReport): { target: string; finding: Finding }[] {
  const all = [
    ...report.targets.flatMap((t) => t.findings.map((finding) => ({ target: t.target, finding }))),
    ...report.across.map((finding) => ({ target: 'across', finding })),
  ];
  const rank = (f: Finding) => (f.status === 'fail' ? 0 : f.status === 'warn' ? 1 : 2);
  return all.filter((a) => rank(a.finding) < 2).sort((a, b) => rank(a.finding) - rank(b.finding));
}

/** The label of a target's folded checks: "38 checks passed · 2 info · 1 skipped". */
function restSummary(findings: readonly Finding[]): string {
  const n = (status: Finding['status']) => findings.filter((f) => f.status === status).length;
  const ok = n('ok');
  const parts = [`${ok} check${ok === 1 ? '' : 's'} passed`];
  if (n('info') > 0) parts.push(`${n('info')} info`);
  if (n('skip') > 0) parts.push(`${n('skip')} skipped`);
  return parts.join(' · ');
}

function counts(report: DoctorReport): string {
  const all = [...report.targets.flatMap((t) => t.findings), ...report.across];
  const n = (status: Finding['status'], word: string) => {
    const c = all.filter((f) => f.status === status).length;
    return c === 0 ? '' : `${c} ${word}${c === 1 ? '' : 's'}`;
  };
  return [n('fail', 'failure'), n('warn', 'warning')].filter(Boolean).join(', ');
}
