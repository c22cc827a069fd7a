import type { FastifyRequest } from 'fastify';
import type { AuditAction, AuditEvent, AuditLog } from '../../audit/index.js';
import type { Actor } from '../../clinic/index.js';
import { sql } from '../../db/sql.js';
import type { TargetRegistry } from '../../db/targets.js';
import { isAppError } from '../../errors/index.js';

type Resource = AuditEvent['resource'];

/** Ids in a route: decimal digits within INT range, else unknown (the route refuses them anyway). */
function idOf(value: unknown): number | null {
  if (typeof value !== 'string' || !/^[0-9]{1,10}$/.test(value)) return null;
  const n = Number(value);
  return n >= 1 && n <= 2_147_483_647 ? n : null;
}

/** What a patient-data route does, read from its pattern and method (no PHI: ids only). */
export interface DeniedAccess {
  readonly action: AuditAction;
  readonly resource: Resource;
  readonly resourceId: number | null;
  readonly patientId: number | null;
  /** The target concerned; `*` for a compare (every target). */
  readonly target: string;
}

const CHILD: Readonly<Record<string, Resource>> = { records: 'medical_record', appointments: 'appointment' };
const TABLE: Readonly<Record<string, string>> = {
  medical_record: 'medical_records',
  appointment: 'appointments',
};

/**
 * The access a refused request to a patient-data route would have made, or undefined for a route that is
 * not one (ops, ERD, audit). Covers the API and the pages: `/…/patients[/:id[/records|/appointments]]`,
 * `/…/records/:id`, `/…/appointments/:id`, their `/edit`, `/delete` and `/new` forms, and compares.
 */
export function deniedAccessOf(
  method: string,
  route: string,
  params: Readonly<Record<string, unknown>>,
): DeniedAccess | undefined {
  const id = idOf(params.id);
  const compare = /\/compare(\/patients\/:id)?$/.test(route);
  if (compare) return { action: 'read', resource: 'patient', resourceId: id, patientId: id, target: '*' };
  const target = typeof params.target === 'string' ? params.target : undefined;
  const m =
    /\/targets\/:target\/(patients|records|appointments)(\/:id)?(?:\/(records|appointments))?(?:\/(new|edit|delete))?$/.exec(
      route,
    );
  if (target === undefined || m === null) return undefined;
  const [, top, hasId, child, form] = m;
  const resource: Resource = child
    ? (CHILD[child] as Resource)
    : top === 'patients'
      ? 'patient'
      : (CHILD[top ?? ''] as Resource);
  const collection = child !== undefined || hasId === undefined;
  const action: AuditAction =
    form === 'delete' || method === 'DELETE'
      ? 'delete'
      : form === 'new' || (collection && method === 'POST')
        ? 'create'
        : form === 'edit' || method === 'PATCH' || method === 'POST'
          ? 'update'
          : collection
            ? 'list'
            : 'read';
  const patientId = top === 'patients' ? id : null;
  const resourceId = collection ? null : id;
  return { action, resource, resourceId, patientId, target };
}

/**
 * Records one `denied` audit event for a request refused (403) by its route's access rule, on the target it
 * concerns (on every target for a compare): actor, action, resource and ids, never PHI. For a record or an
 * appointment addressed by its own id the patient id is looked up (ids only). A failure to write is logged,
 * never turned into another error: the caller gets its 403 either way.
 */
export async function recordRouteDenial(
  request: FastifyRequest,
  actor: Actor,
  audit: AuditLog,
  registry: TargetRegistry,
): Promise<void> {
  const route = request.routeOptions.url;
  if (route === undefined) return;
  const access = deniedAccessOf(request.method, route, request.params as Record<string, unknown>);
  if (access === undefined) return;
  const names = registry.names();
  const targets = access.target === '*' ? names : names.includes(access.target) ? [access.target] : [];
  await Promise.all(
    targets.map(async (target) => {
      try {
        let patientId = access.patientId;
        const table = TABLE[access.resource];
        if (patientId === null && access.resourceId !== null && table !== undefined) {
          const { rows } = await registry
            .get(target)
            .sql.query<{ patient_id: number }>(
              sql`SELECT patient_id FROM ${sql.ident(table)} WHERE id = ${access.resourceId}`,
            );
          patientId = rows[0]?.patient_id ?? null;
        }
        await audit.record(target, {
          actor: actor.id,
          role: actor.role,
          action: access.action,
          resource: access.resource,
          resourceId: access.resourceId,
          patientId,
          outcome: 'denied',
          client: request.ip,
          requestId: String(request.id),
        });
      } catch (error) {
        request.log.warn(
          { target, route, code: isAppError(error) ? error.code : 'unknown' },
          'audit event of a refused access could not be written',
        );
      }
    }),
  );
}
