import type { SqlClient } from '../db/client.js';
import { sql } from '../db/sql.js';
import type { TargetRegistry } from '../db/targets.js';
import { AppError } from '../errors/index.js';
import { GroupCommit } from './group-commit.js';

/**
 * What was done to protected health information. `replay`: an Idempotency-Key retry of a create, answered
 * by re-reading the row the first request created (nothing written).
 */
export type AuditAction = 'read' | 'list' | 'search' | 'create' | 'update' | 'delete' | 'replay';
/** How the access ended. */
export type AuditOutcome = 'success' | 'denied' | 'not_found' | 'invalid' | 'error';

/** One audit event: who, what, when, outcome — never PHI values (no names, dates, diagnoses). */
export interface AuditEvent {
  readonly actor: string;
  readonly role: string;
  readonly action: AuditAction;
  readonly resource: 'patient' | 'medical_record' | 'appointment';
  readonly resourceId: number | null;
  readonly patientId: number | null;
  readonly outcome: AuditOutcome;
  /** Client address. */
  readonly client: string;
  readonly requestId: string;
}

/** A stored audit event. */
export interface StoredAuditEvent extends AuditEvent {
  readonly id: number;
  /** UTC, millisecond precision. */
  readonly at: string;
}

/** Filters of {@link AuditLog.query}. */
export interface AuditQuery {
  readonly patientId?: number;
  readonly actor?: string;
  /** Events with an id below this (paging backwards). */
  readonly beforeId?: number;
  readonly limit?: number;
}

const COLUMNS = 'actor, role, action, resource, resource_id, patient_id, outcome, client, request_id';
const row = (e: AuditEvent): readonly unknown[] => [
  e.actor.slice(0, 64),
  e.role.slice(0, 16),
  e.action,
  e.resource,
  e.resourceId,
  e.patientId,
  e.outcome,
  e.client.slice(0, 64),
  e.requestId.slice(0, 64),
];

/**
 * The append-only audit trail, one per target, stored with the data it concerns. Reads are recorded through
 * a group-committed writer (one multi-row INSERT every few ms per target; each request waits for its batch),
 * so auditing costs a fraction of a round trip per request; writes record their event inside their own
 * transaction, so the change and its audit commit together. A failed audit write refuses the access.
 */
export class AuditLog {
  readonly #registry: TargetRegistry;
  readonly #writers = new Map<string, GroupCommit<AuditEvent>>();
  readonly #options: { maxDelayMs?: number; maxBatch?: number };

  constructor(registry: TargetRegistry, options: { maxDelayMs?: number; maxBatch?: number } = {}) {
    this.#registry = registry;
    this.#options = options;
  }

  /** Records `event` on `target` and resolves once it is committed; CAREPOOL_AUDIT_WRITE_FAILED otherwise. */
  async record(target: string, event: AuditEvent): Promise<void> {
    try {
      await this.#writer(target).submit(event);
    } catch (error) {
      throw auditFailed(target, error);
    }
  }

  /** Records `event` inside the caller's transaction (for writes). */
  async recordIn(tx: SqlClient, target: string, event: AuditEvent): Promise<void> {
    try {
      await tx.query(sql`INSERT INTO carepool_audit (${sql.raw(COLUMNS)}) VALUES ${sql.rows([row(event)])}`);
    } catch (error) {
      throw auditFailed(target, error);
    }
  }

  /** Newest events first. */
  async query(target: string, q: AuditQuery = {}): Promise<readonly StoredAuditEvent[]> {
    const limit = Math.min(Math.max(q.limit ?? 100, 1), 1000);
    const where = [
      q.patientId === undefined ? undefined : sql`patient_id = ${q.patientId}`,
      q.actor === undefined ? undefined : sql`actor = ${q.actor}`,
      q.beforeId === undefined ? undefined : sql`id < ${q.beforeId}`,
    ].filter((c) => c !== undefined);
    const { rows } = await this.#registry.get(target).sql.query<{
      id: number;
      at: string;
      actor: string;
      role: string;
      action: AuditAction;
      resource: AuditEvent['resource'];
      resource_id: number | null;
      patient_id: number | null;
      outcome: AuditOutcome;
      client: string;
      request_id: string;
    }>(sql`SELECT id, at, ${sql.raw(COLUMNS)} FROM carepool_audit ${where.length ? sql`WHERE ${sql.join(where, ' AND ')}` : sql``} ORDER BY id DESC LIMIT ${limit}`);
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      role: r.role,
      action: r.action,
      resource: r.resource,
      resourceId: r.resource_id,
      patientId: r.patient_id,
      outcome: r.outcome,
      client: r.client,
      requestId: r.request_id,
    }));
  }

  /** Writes what is pending and stops. */
  async close(): Promise<void> {
    await Promise.all([...this.#writers.values()].map((w) => w.close()));
  }

  #writer(target: string): GroupCommit<AuditEvent> {
    let writer = this.#writers.get(target);
    if (writer === undefined) {
      const t = this.#registry.get(target);
      writer = new GroupCommit<AuditEvent>({
        ...this.#options,
        write: async (batch) => {
          const q = sql`INSERT INTO carepool_audit (${sql.raw(COLUMNS)}) VALUES ${sql.rows(batch.map(row))}`;
          // Urgent: every request of the batch waits for it, so it must not queue behind them in a
          // saturated pool (that would stretch each read to two acquire waits).
          await t.pool.withConnection((conn) => conn.query(q.text, q.values), 'audit', true);
        },
      });
      this.#writers.set(target, writer);
    }
    return writer;
  }
}

function auditFailed(target: string, error: unknown): AppError {
  return new AppError(
    'CAREPOOL_AUDIT_WRITE_FAILED',
    `target "${target}": the audit event could not be written, so the access was refused`,
    {
      cause: error,
      meta: { target, ...(error instanceof AppError ? { cause: error.code } : {}) },
    },
  );
}
