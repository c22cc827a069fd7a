import { can, isRole, type Permission } from '../auth/roles.js';
import type {
  AccessContext,
  AccessEvent,
  AccessGuard,
  AccessIds,
  AccessScope,
  Actor,
} from '../clinic/access.js';
import { OPEN_SCOPE } from '../clinic/access.js';
import { AppError, isAppError } from '../errors/index.js';
import type { AuditEvent, AuditLog, AuditOutcome } from './audit-log.js';

/** Where failures of failure-audits go (the access already failed; its own error is what the caller sees). */
export type AuditWarn = (message: string, meta: Readonly<Record<string, unknown>>) => void;

const RESOURCE = { patient: 'patient', record: 'medical_record', appointment: 'appointment' } as const;

/** The permission an access needs: reads need `phi:read`, changes `phi:write`. */
export function permissionFor(event: AccessEvent): Permission {
  switch (event.action) {
    case 'list':
    case 'search':
    case 'read':
    case 'compare':
      return 'phi:read';
    case 'create':
    case 'update':
    case 'delete':
      return 'phi:write';
  }
}

/** True when `actor` may perform `event` (the `local` actor of an app without security may do anything). */
export function mayAccess(actor: Actor, event: AccessEvent): boolean {
  return actor.role === 'local' || (isRole(actor.role) && can(actor.role, permissionFor(event)));
}

/**
 * The guard of a secured app: authorises every access by role and writes exactly one audit event per
 * access, on the target it concerns, before the data leaves:
 * - reads run, then their event goes through the group-committed writer and the caller gets the rows only
 *   once that batch is committed; if the audit write fails, the caller gets CAREPOOL_AUDIT_WRITE_FAILED;
 * - writes record their event inside their own transaction (see {@link AccessScope.beforeCommit}), so the
 *   change and its audit commit together or not at all;
 * - refused or failed accesses are recorded too (`denied`, `not_found`, `invalid`, `error`).
 * A compare (`target: "*"`) is only authorised here; its per-target reads are audited one by one.
 */
export function auditedGuard(log: AuditLog, warn: AuditWarn = () => undefined): AccessGuard {
  return async <T>(
    event: AccessEvent,
    ctx: AccessContext,
    run: (scope: AccessScope) => Promise<T>,
  ): Promise<T> => {
    if (!mayAccess(ctx.actor, event)) {
      const denied = new AppError(
        'CAREPOOL_AUTH_FORBIDDEN',
        `role "${ctx.actor.role}" may not ${event.action} ${event.entity} data (needs ${permissionFor(event)})`,
        { meta: { role: ctx.actor.role, permission: permissionFor(event) } },
      );
      if (event.target !== '*')
        await recordFailure(log, warn, event.target, toAudit(event, ctx, event, 'denied'));
      throw denied;
    }
    if (event.target === '*') return run(OPEN_SCOPE);

    let ids: AccessIds = {
      ...(event.id === undefined ? {} : { id: event.id }),
      ...(event.patientId === undefined ? {} : { patientId: event.patientId }),
    };
    let inTransaction = false;
    const scope: AccessScope = {
      async beforeCommit(tx, found, how) {
        ids = { ...ids, ...found };
        const audited = how?.replay ? { ...event, action: 'replay' as const } : event;
        await log.recordIn(tx, event.target, toAudit(audited, ctx, ids, 'success'));
        inTransaction = true;
      },
      found(found) {
        ids = { ...ids, ...found };
      },
    };
    let result: T;
    try {
      result = await run(scope);
    } catch (error) {
      // A rolled-back write took its in-transaction event with it: record the failure on its own. A target
      // that cannot answer (503: saturated or down) could not store the event either, and waiting for it
      // again would double the caller's wait; the request log has that 503.
      if (!(isAppError(error) && error.httpStatus === 503)) {
        // A replay whose row was deleted since: a failed re-read of that row, not a failed create.
        const replay = isAppError(error, 'CAREPOOL_IDEMPOTENCY_GONE');
        const resourceId = replay ? error.meta.resourceId : undefined;
        const audited = replay ? { ...event, action: 'replay' as const } : event;
        const failedIds: AccessIds =
          typeof resourceId === 'number'
            ? {
                ...ids,
                id: resourceId,
                ...(event.entity === 'patient' ? { patientId: ids.patientId ?? resourceId } : {}),
              }
            : ids;
        await recordFailure(log, warn, event.target, toAudit(audited, ctx, failedIds, outcomeOf(error)));
      }
      throw error;
    }
    if (!inTransaction) await log.record(event.target, toAudit(event, ctx, ids, 'success'));
    return result;
  };
}

function toAudit(
  event: Omit<AccessEvent, 'action'> & { readonly action: AccessEvent['action'] | 'replay' },
  ctx: AccessContext,
  ids: AccessIds,
  outcome: AuditOutcome,
): AuditEvent {
  return {
    actor: ctx.actor.id,
    role: ctx.actor.role,
    action: event.action === 'compare' ? 'read' : event.action,
    resource: RESOURCE[event.entity],
    resourceId: ids.id ?? null,
    patientId: ids.patientId ?? null,
    outcome,
    client: ctx.client ?? 'unknown',
    requestId: ctx.requestId ?? '',
  };
}

function outcomeOf(error: unknown): AuditOutcome {
  if (isAppError(error, 'CAREPOOL_NOT_FOUND') || isAppError(error, 'CAREPOOL_IDEMPOTENCY_GONE'))
    return 'not_found';
  if (isAppError(error, 'CAREPOOL_VALIDATION')) return 'invalid';
  if (isAppError(error, 'CAREPOOL_AUTH_FORBIDDEN')) return 'denied';
  return 'error';
}

async function recordFailure(
  log: AuditLog,
  warn: AuditWarn,
  target: string,
  event: AuditEvent,
): Promise<void> {
  try {
    await log.record(target, event);
  } catch (error) {
    warn('audit event of a failed access could not be written', {
      target,
      outcome: event.outcome,
      code: isAppError(error) ? error.code : 'unknown',
    });
  }
}
