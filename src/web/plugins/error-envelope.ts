import type { FastifyError, FastifyReply } from 'fastify';
import { humanize } from '../../clinic/index.js';
import { AppError } from '../../errors/index.js';

/** The API error body: `{ "error": { code, message, hint, fields?, meta? } }`. */
export interface ErrorEnvelope {
  readonly error: ReturnType<AppError['toJSON']>;
}

interface AjvIssue {
  readonly instancePath?: string;
  readonly keyword: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string;
}

/**
 * Turns anything a route can throw into an {@link AppError}: coded errors pass through, schema-validation
 * failures become CAREPOOL_VALIDATION with one message per field, Fastify's own 4xx (bad JSON, media type,
 * body size) become CAREPOOL_WEB_BAD_REQUEST, and anything else CAREPOOL_WEB_INTERNAL (a bug).
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const e = error as Partial<FastifyError> & { validation?: readonly AjvIssue[]; validationContext?: string };
  if (Array.isArray(e.validation)) {
    const fields: Record<string, string> = {};
    for (const issue of e.validation) {
      const [name, message] = describeIssue(issue);
      fields[name] ??= message;
    }
    const where = e.validationContext === 'body' ? 'request body' : (e.validationContext ?? 'request');
    return new AppError('CAREPOOL_VALIDATION', `invalid ${where}: ${Object.values(fields).join('; ')}`, {
      fields,
    });
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    return new AppError('CAREPOOL_WEB_BAD_REQUEST', e.message ?? 'bad request', {
      meta: { status, ...(e.code ? { fastifyCode: e.code } : {}) },
    });
  }
  return new AppError('CAREPOOL_WEB_INTERNAL', 'internal error', { cause: error });
}

/** HTTP status for an error: the registry's, or the 4xx Fastify chose for an unreadable request. */
export function statusOf(error: AppError): number {
  const s = error.meta.status;
  return error.code === 'CAREPOOL_WEB_BAD_REQUEST' && typeof s === 'number' ? s : error.httpStatus;
}

/**
 * Sets status and, for 503 (saturated or down target), `Retry-After` from the pool's hint (default 1 s), so
 * clients back off instead of hammering a target that cannot answer.
 */
export function prepareReply(reply: FastifyReply, error: AppError): number {
  const status = statusOf(error);
  reply.code(status);
  if (status === 503) {
    const after = error.meta.retryAfterS;
    reply.header('retry-after', String(typeof after === 'number' && after > 0 ? Math.ceil(after) : 1));
  }
  return status;
}

/** The JSON envelope of an error. */
export function envelope(error: AppError): ErrorEnvelope {
  return { error: error.toJSON() };
}

function describeIssue(issue: AjvIssue): [string, string] {
  const path = (issue.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
  const missing = issue.params.missingProperty;
  const name = issue.keyword === 'required' && typeof missing === 'string' ? missing : path || '(body)';
  const label = humanize(name.split('.').at(-1) ?? name);
  const p = issue.params;
  switch (issue.keyword) {
    case 'required':
      return [name, `${label} is required`];
    case 'maxLength':
      return [name, `${label} must be at most ${p.limit} characters`];
    case 'minLength':
      return [
        name,
        p.limit === 1 ? `${label} is required` : `${label} must be at least ${p.limit} characters`,
      ];
    case 'format':
      return [
        name,
        p.format === 'date' ? `${label} must be a real date as YYYY-MM-DD` : `${label} must be a ${p.format}`,
      ];
    case 'type':
      return [name, `${label} must be ${String(p.type).replace(',', ' or ')}`];
    case 'pattern':
      return [name, `${label} has characters that are not allowed`];
    case 'enum':
      return [name, `${label} must be one of ${(p.allowedValues as unknown[] | undefined)?.join(', ')}`];
    case 'minimum':
    case 'maximum':
      return [name, `${label} must be ${issue.keyword === 'minimum' ? 'at least' : 'at most'} ${p.limit}`];
    case 'minProperties':
      return ['(body)', 'send at least one field to change'];
    default:
      return [name, `${label} ${issue.message ?? 'is invalid'}`];
  }
}
