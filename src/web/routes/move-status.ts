import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { TargetConfig } from '../../config/index.js';
import { TargetRegistry } from '../../db/targets.js';
import { withSandboxAdmins } from '../../move/admin-targets.js';
import { readCutoverRecord } from '../../move/cutover-record.js';
import { type CopyManifest, readManifest } from '../../move/manifest.js';
import { readMoveState } from '../../move/move-state.js';
import { replicationStatus, type ReplicationStatus } from '../../move/replicate.js';
import type { PhaseReport } from '../../move/cutover.js';

/** One copy as its manifest tells it. */
export interface CopyView {
  readonly from: string;
  readonly to: string;
  readonly tables: number;
  readonly chunksDone: number;
  readonly chunks: number;
  readonly rowsDone: number;
  readonly rows: number;
  readonly percent: number;
  readonly snapshot: string;
  readonly gtid: string | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly runs: number;
}

/** One replication link (from a copy manifest, or the reverse of a cutover), queried now. */
export interface ReplicationView extends Partial<ReplicationStatus> {
  readonly from: string;
  readonly to: string;
  /** Why the status could not be read (a server down, no rights). */
  readonly unavailable?: string;
}

/** The last verify as `carepool verify` recorded it. */
export interface VerifyView {
  readonly at: string;
  readonly from: string;
  readonly to: string;
  readonly identical: boolean;
  readonly differenceCount: number;
  readonly rowsPerSecond: number;
  readonly tables: readonly { table: string; sourceRows: number; destRows: number; differences: number }[];
  readonly findings: readonly string[];
}

/** The last cutover as `carepool cutover` recorded it, phase by phase. */
export interface CutoverView {
  readonly at: string;
  readonly from: string;
  readonly to: string;
  readonly state: string;
  readonly phases: readonly PhaseReport[];
}

/** Everything the Move page shows (also `GET /api/v1/move`). */
export interface MoveView {
  readonly at: string;
  readonly copies: readonly CopyView[];
  readonly replication: readonly ReplicationView[];
  readonly verify: VerifyView | null;
  readonly cutover: CutoverView | null;
  /** Targets whose requests this app sends elsewhere after a cutover. */
  readonly redirects: Readonly<Record<string, string>>;
}

function copyView(m: CopyManifest): CopyView {
  const done = m.chunks.filter((c) => c.done);
  const rows = m.chunks.reduce((n, c) => n + c.rows, 0);
  const rowsDone = done.reduce((n, c) => n + c.rows, 0);
  return {
    from: m.from.target,
    to: m.to.target,
    tables: m.tables.length,
    chunksDone: done.length,
    chunks: m.chunks.length,
    rowsDone,
    rows,
    percent: m.chunks.length === 0 ? 100 : Math.floor((100 * done.length) / m.chunks.length),
    snapshot: m.snapshot.mode,
    gtid: m.snapshot.position.gtid,
    startedAt: m.startedAt,
    finishedAt: m.finishedAt,
    runs: m.runs,
  };
}

/**
 * Reads the move state under carepool's home (copy manifests, last verify, last cutover, the cutover
 * record) and asks the servers for each replication link's state, at most once per `cacheMs` however many
 * pages poll. Replication is read through the targets' migrator (the sandbox's admin on the sandbox), in
 * a registry of its own: the app's registry follows cutovers, this one must not.
 */
export class MoveStatus {
  readonly #home: string;
  readonly #targets: readonly TargetConfig[];
  readonly #cacheMs: number;
  #registry: TargetRegistry | undefined;
  #last: { at: number; view: Promise<MoveView> } | undefined;

  constructor(home: string, targets: readonly TargetConfig[], cacheMs = 1000) {
    this.#home = home;
    this.#targets = targets;
    this.#cacheMs = cacheMs;
  }

  /** The current view (shared by callers within `cacheMs`). */
  read(): Promise<MoveView> {
    const now = Date.now();
    if (this.#last === undefined || now - this.#last.at >= this.#cacheMs) {
      this.#last = { at: now, view: this.#read() };
    }
    return this.#last.view;
  }

  /** Closes the registry it opened. */
  async close(): Promise<void> {
    await this.#registry?.close(1000);
  }

  async #read(): Promise<MoveView> {
    const dir = join(this.#home, 'move');
    const names = await readdir(dir).catch(() => [] as string[]);
    const manifests = await Promise.all(
      names
        .filter((n) => /^[\w.-]+-to-[\w.-]+\.json$/.test(n))
        .map((n) => readManifest(join(dir, n)).catch(() => null)),
    );
    const copies = manifests.filter((m): m is CopyManifest => m !== null).map(copyView);
    const [verify, cutover, record] = await Promise.all([
      readMoveState<VerifyView>(this.#home, 'verify'),
      readMoveState<CutoverView>(this.#home, 'cutover'),
      readCutoverRecord(this.#home),
    ]);
    const pairs = new Map<string, { from: string; to: string }>();
    for (const c of copies) pairs.set(`${c.from}>${c.to}`, { from: c.from, to: c.to });
    for (const [from, to] of Object.entries(record.redirects)) pairs.set(`${to}>${from}`, { from: to, to: from });
    const replication = await Promise.all([...pairs.values()].map((p) => this.#link(p.from, p.to)));
    return {
      at: new Date().toISOString(),
      copies,
      replication,
      verify,
      cutover,
      redirects: record.redirects,
    };
  }

  async #link(from: string, to: string): Promise<ReplicationView> {
    try {
      this.#registry ??= new TargetRegistry({ targets: await withSandboxAdmins(this.#targets, this.#home) });
      const status = await replicationStatus(this.#registry.get(from), this.#registry.get(to));
      return { from, to, ...status };
    } catch (error) {
      return { from, to, unavailable: (error as Error).message };
    }
  }
}
