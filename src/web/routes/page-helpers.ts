import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError } from '../../errors/index.js';
import { toAppError } from '../plugins/error-envelope.js';
import { sendError } from '../plugins/errors.js';
import { type LayoutSource, layoutData } from '../views/layout-data.js';
import type { Banner, PageName, Views } from '../views/render.js';

/** What page routes share. */
export interface PageDeps extends LayoutSource {
  readonly views: Views;
}

/** Fixed notices a redirect may ask for (`?notice=`); never free text from the URL. */
const NOTICES: Readonly<Record<string, string>> = {
  created: 'Patient created.',
  saved: 'Changes saved.',
  deleted: 'Patient deleted.',
  'record-added': 'Medical record added.',
  'record-saved': 'Medical record saved.',
  'record-deleted': 'Medical record deleted.',
  'appointment-added': 'Appointment booked.',
  'appointment-saved': 'Appointment saved.',
  'appointment-deleted': 'Appointment deleted.',
};

/** The info banner for `?notice=`. */
export function noticeBanner(request: FastifyRequest): Banner[] {
  const key = (request.query as { notice?: unknown } | undefined)?.notice;
  const text = typeof key === 'string' ? NOTICES[key] : undefined;
  return text ? [{ kind: 'info', title: text, message: '' }] : [];
}

/** Renders a page with the layout and sends it. */
export function sendPage(
  reply: FastifyReply,
  deps: PageDeps,
  page: PageName,
  meta: { title: string; nav: string; banners?: readonly Banner[]; script?: string },
  data: Record<string, unknown>,
  status = 200,
): FastifyReply {
  const request = reply.request;
  const html = deps.views.render(page, {
    ...layoutData(deps, meta, request),
    ...data,
  });
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}

/** True for errors that mean "this target cannot answer now" (the page shows a banner, status 503). */
export function isUnavailable(error: unknown): error is AppError {
  return isAppError(error) && error.httpStatus === 503;
}

/** Sends an error page for anything a page handler could not handle itself. */
export function failPage(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: PageDeps,
  error: unknown,
): FastifyReply {
  const e = error instanceof AppError ? error : toAppError(error);
  if (e.code === 'CAREPOOL_WEB_INTERNAL') request.log.error({ err: error }, 'page failed');
  return sendError(request, reply, e, deps);
}

/** Makes `target` resolve (404 page listing the targets otherwise) and returns its canonical name. */
export function targetName(deps: PageDeps, name: string): string {
  return deps.registry.get(name).name;
}

/**
 * The numeric id in a page URL (`/targets/azure/patients/42`), or CAREPOOL_NOT_FOUND naming what was asked
 * for: a URL like `/patients/abc` names no row, and saying so once beats a validator's message about `0`.
 */
export function idParam(text: string, noun: string): number {
  const id = /^\d{1,10}$/.test(text) ? Number(text) : 0;
  if (id >= 1 && id <= 2_147_483_647) return id;
  const shown = text.length > 24 ? `${text.slice(0, 24)}…` : text;
  throw new AppError(
    'CAREPOOL_NOT_FOUND',
    `there is no ${noun} "${shown}": ${noun} ids are whole numbers such as 42`,
    {
      meta: { id: shown },
    },
  );
}

/**
 * Whole years between a `YYYY-MM-DD` date of birth and `today` (UTC), or null for anything else. Shown on
 * the patient page: clinicians read an age, not a birth date.
 */
export function ageYears(dateOfBirth: unknown, today = new Date()): number | null {
  const m = typeof dateOfBirth === 'string' ? /^(\d{4})-(\d{2})-(\d{2})/.exec(dateOfBirth) : null;
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  let age = today.getUTCFullYear() - y;
  const month = today.getUTCMonth() + 1;
  if (month < mo || (month === mo && today.getUTCDate() < d)) age--;
  return age >= 0 ? age : null;
}

/** Displays a value in a page: NULL as an em dash, booleans as Yes/No. */
export function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  return String(value);
}
