import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { FleetSettings } from '../config/fleet.js';
import type { TargetRegistry } from '../db/targets.js';
import { FleetMember, type Identity, type MemberStatus } from './member.js';

export { type BudgetCheck, checkBudget, fleetBudget, type LiveInstance, poolShare } from './budget.js';
export type { MemberState, MemberStatus } from './member.js';

/** How long a row may go without a beat before it is stale: three missed beats plus a second. */
export function staleAfterMs(heartbeatMs: number): number {
  return 3 * heartbeatMs + 1000;
}

/**
 * This process as a member of the fleet of `carepool serve` instances that share each server's
 * `max_connections`: one heartbeat row per target, pools sized to their share, a draining flag for
 * `/readyz`. Start it with {@link joinFleet}.
 */
export class Fleet {
  /** `<host>-<pid>-<8 hex>`: unique per process start. */
  readonly instanceId: string;
  readonly #members: readonly FleetMember[];
  readonly #timer: NodeJS.Timeout;
  #draining = false;
  #beating: Promise<void> | undefined;

  /** @internal use {@link joinFleet}. */
  constructor(registry: TargetRegistry, settings: FleetSettings, identity: Identity) {
    this.instanceId = identity.instanceId;
    const staleMs = staleAfterMs(settings.heartbeatMs);
    this.#members = registry
      .list()
      .map((t) => new FleetMember(t, identity, { headroom: settings.headroom, staleMs }));
    this.#timer = setInterval(() => void this.beat(), settings.heartbeatMs);
    this.#timer.unref();
  }

  /** True from {@link drain} on: `/readyz` answers 503 so load balancers stop sending new requests. */
  get draining(): boolean {
    return this.#draining;
  }

  /** One heartbeat on every target (beats never overlap; a beat in progress is awaited instead). */
  beat(): Promise<void> {
    this.#beating ??= Promise.all(this.#members.map((m) => m.beat())).then(() => {
      this.#beating = undefined;
    });
    return this.#beating;
  }

  /** Each target's state and pool size. */
  status(): readonly MemberStatus[] {
    return this.#members.map((m) => m.status());
  }

  /** Marks this instance as draining, here and in its rows. */
  async drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    await this.#beating;
    await Promise.all(this.#members.map((m) => m.drain()));
  }

  /** Stops beating and deletes the own rows, so the others take over the room at their next beat. */
  async leave(): Promise<void> {
    clearInterval(this.#timer);
    await this.#beating;
    await Promise.all(this.#members.map((m) => m.leave()));
  }
}

/**
 * Joins the fleet on every target of `registry`: pools start at 1 connection and are sized by a first beat
 * (awaited, so the instance serves with its share), then every `heartbeatMs`.
 */
export async function joinFleet(registry: TargetRegistry, settings: FleetSettings): Promise<Fleet> {
  const host = hostname();
  const identity = {
    instanceId: `${host.slice(0, 38)}-${process.pid}-${randomBytes(4).toString('hex')}`,
    host,
    pid: process.pid,
  };
  const fleet = new Fleet(registry, settings, identity);
  await fleet.beat();
  return fleet;
}
