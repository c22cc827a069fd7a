/**
 * The seam the security issue plugs into: who is asking (an {@link Actor}) and a guard that runs around
 * every patient/record read or write ({@link AccessGuard}), so authorisation and the audit trail sit in one
 * place that both the CLI and the web app go through.
 */

/** Roles of the security model. `local` is the implicit user of a loopback-only server without auth. */
export type Role = 'viewer' | 'clinician' | 'admin' | 'local';

/** Who performs an access. */
export interface Actor {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
}

/** The implicit actor until authentication exists: whoever can reach a loopback-bound server. */
export const LOCAL_ACTOR: Actor = Object.freeze({ id: 'local', name: 'local user', role: 'local' });

/** What is being done. */
export type AccessAction = 'list' | 'read' | 'create' | 'update' | 'delete' | 'compare';

/** What it is done to. */
export type AccessEntity = 'patient' | 'record' | 'appointment';

/** One access to protected data, as a guard sees it (no PHI values). */
export interface AccessEvent {
  readonly action: AccessAction;
  readonly entity: AccessEntity;
  /** The target concerned; `*` for a compare across all targets. */
  readonly target: string;
  readonly id?: number;
  readonly patientId?: number;
}

/** The caller of a service method: the actor and where the request came from. */
export interface AccessContext {
  readonly actor: Actor;
  /** Client address (web) or `cli`. */
  readonly client?: string;
}

/**
 * Runs around every service operation. It may refuse (throw), record (audit), or time the access; it must
 * call `run` at most once and return its result.
 */
export type AccessGuard = <T>(event: AccessEvent, ctx: AccessContext, run: () => Promise<T>) => Promise<T>;

/** The guard used until the security issue lands: lets everything through. */
export const allowAll: AccessGuard = (_event, _ctx, run) => run();
