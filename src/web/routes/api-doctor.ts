import type { FastifyInstance } from 'fastify';
import { CHECKS, type DoctorReport } from '../../doctor/types.js';
import type {} from '../plugins/route-access.js';
import type { DoctorRunner } from './doctor-runner.js';
import { doctorTargets } from './doctor-targets.js';
import type { PageDeps } from './page-helpers.js';
import { errorResponses } from './schemas.js';

const status = { type: 'string', enum: ['ok', 'info', 'warn', 'fail', 'skip'] } as const;
const verdict = { type: 'string', enum: ['ok', 'warn', 'fail'] } as const;

const finding = {
  type: 'object',
  required: ['check', 'status', 'summary'],
  properties: {
    check: { type: 'string', enum: [...CHECKS, 'settings', 'replicas'] },
    status,
    summary: { type: 'string', description: 'What was observed, one line' },
    cause: { type: 'string', description: 'Why it is a problem (warn/fail)' },
    fix: { type: 'string', description: 'What to do (warn/fail)' },
    code: { type: 'string', description: 'Stable code, see docs/errors.md' },
    ms: { type: 'number', description: 'How long the check took (network checks)' },
    data: {
      type: 'object',
      additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
    },
  },
} as const;

/** The JSON Schema of a {@link DoctorReport} (validates nothing; serialises and documents /api/v1/doctor). */
export const doctorReportSchema = {
  type: 'object',
  required: ['targets', 'across', 'status'],
  properties: {
    targets: {
      type: 'array',
      items: {
        type: 'object',
        required: ['target', 'url', 'status', 'findings', 'settings', 'durationMs'],
        properties: {
          target: { type: 'string' },
          url: { type: 'string', description: 'The target URL, password masked' },
          status: verdict,
          findings: { type: 'array', items: finding },
          settings: { type: 'object', additionalProperties: { type: 'string' } },
          durationMs: { type: 'integer' },
        },
      },
    },
    across: { type: 'array', items: finding, description: 'Settings that differ between targets' },
    status: verdict,
  },
} as const;

/**
 * `GET /api/v1/doctor?target=`: the doctor's report as JSON (the same as `carepool doctor --json`), for
 * every target or a name / comma list. Admins only (`ops:run`); runs are bounded by {@link DoctorRunner}.
 */
export function registerDoctorApi(app: FastifyInstance, deps: PageDeps, runner: DoctorRunner): void {
  app.get<{ Querystring: { target?: string } }>(
    '/api/v1/doctor',
    {
      config: { access: 'ops:run' },
      schema: {
        tags: ['ops'],
        summary:
          'Connection doctor: DNS, TCP, TLS, login, grants, settings and migration state per target, each problem with cause and fix (takes seconds; passwords masked)',
        querystring: {
          type: 'object',
          properties: {
            target: {
              type: 'string',
              maxLength: 200,
              description: 'A target, a comma list, or all (default)',
            },
          },
        },
        response: {
          200: doctorReportSchema,
          404: errorResponses[404],
          503: {
            ...errorResponses[503],
            description: 'The doctor is busy (CAREPOOL_DOCTOR_BUSY); see Retry-After',
          },
        },
      },
    },
    async (request): Promise<DoctorReport> => runner.run(doctorTargets(deps.registry, request.query.target)),
  );
}
