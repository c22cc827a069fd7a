import type { SqlClient } from '../db/client.js';
import type { CarriedWrites } from '../replicas/carried.js';

/**
 * The seam where authorisation and the audit trail plug in: who is asking (an {@link Actor}) and a guard that
 * runs around every patient/record/appointment read or write ({@link AccessGuard}), so both sit in one place
 * that the web app and the CLI go through.
 */

/** Roles of the security model. `local` is the in-process caller of a library embedding without sign-in (tests). */
export type Role = 'viewer' | 'clinician' | 'admin' | 'local';

/** Who performs an access. */
export interface Actor {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** How the actor proved who they are. */
  readonly via?: 'session' | 'token';
}

/** The caller of an app built without security (`buildApp({ security: 'none' })`): every permission, no audit. */
export const LOCAL_ACTOR: Actor = Object.freeze({ id: 'local', name: 'local user', role: 'local' });

/** What is being done. `search` is a list filtered by a query; `compare` reads one patient on every target. */
export type AccessAction = 'list' | 'search' | 'read' | 'create' | 'update' | 'delete' | 'compare';

/** What it is done to. */
export type AccessEntity = 'patient' | 'record' | 'appointment';

/** Row ids an access concerns, as far as they are known. */
export interface AccessIds {
  readonly id?: number;
  readonly patientId?: number;
}

/** One access to protected data, as a guard sees it (no PHI values). */
export interface AccessEvent extends AccessIds {
  readonly action: AccessAction;
  readonly entity: AccessEntity;
  /** The target concerned; `*` for a compare across all targets. */
  readonly target: string;
}

/** The caller of a service method: the actor and where the request came from. */
export interface AccessContext {
  readonly actor: Actor;
  /** Client address (web) or `cli`. */
  readonly client?: string;
  /** Correlates the access with the request's log lines. */
  readonly requestId?: string;
  /**
   * The client's own record of its recent writes (web: the signed cookie of a signed-in browser). Given,
   * reads on replicas honour it instead of asking the primary whether the actor wrote, and writes are
   * added to it (src/replicas/carried.ts).
   */
  readonly carried?: CarriedWrites;
}

/** What a guarded operation gets from its guard. */
export interface AccessScope {
  /**
   * Writes call this inside their transaction, as its last statement, with the ids they now know (the new
   * row's id, a record's patient): the guard records the audit event there, so the change and its audit
   * event commit together or not at all. `replay`: the create was an Idempotency-Key replay that wrote
   * nothing and re-read the row; it is audited as a replay, not as a second create.
   */
  beforeCommit(tx: SqlClient, ids: AccessIds, how?: { readonly replay?: boolean }): Promise<void>;
  /** Reads report ids they learn on the way (a record's patient), for the audit event written after them. */
  found(ids: AccessIds): void;
}

/** A scope that records nothing (no guard, or a compare's outer event). */
export const OPEN_SCOPE: AccessScope = Object.freeze({
  beforeCommit: async () => undefined,
  found: () => undefined,
});

/**
 * Runs around every service operation. It may refuse (throw), record (audit), or time the access; it must
 * call `run` at most once and return its result.
 */
export type AccessGuard = <T>(
  event: AccessEvent,
  ctx: AccessContext,
  run: (scope: AccessScope) => Promise<T>,
) => Promise<T>;

/** Lets everything through and records nothing (an app built without security). */
export const allowAll: AccessGuard = (_event, _ctx, run) => run(OPEN_SCOPE);
