import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { AppError } from '../errors/index.js';
import type { Env } from './load.js';

/** How an instance takes part in a fleet of `carepool serve` processes behind one load balancer. */
export interface FleetSettings {
  /** Register in `carepool_instances` and size pools to a share of each server (`CAREPOOL_FLEET`, on). */
  readonly enabled: boolean;
  /** Heartbeat period (`CAREPOOL_FLEET_HEARTBEAT_MS`, default 2000); rows 3 beats + 1 s old are stale. */
  readonly heartbeatMs: number;
  /** Connections of each server kept free for migrator, admin and doctor (`CAREPOOL_FLEET_HEADROOM`, 10). */
  readonly headroom: number;
  /**
   * On SIGTERM, how long `/readyz` answers 503 while requests are still served before the listener closes
   * (`CAREPOOL_DRAIN_DELAY_MS`, default 0): set it to the load balancer's `fall` × `inter`.
   */
  readonly drainDelayMs: number;
}

/** The defaults: on, a beat every 2 s, 10 connections of headroom, no drain delay. */
export const FLEET_DEFAULTS: FleetSettings = {
  enabled: true,
  heartbeatMs: 2000,
  headroom: 10,
  drainDelayMs: 0,
};

/**
 * Reads the fleet variables from `env` (and `<cwd>/.env`, whose values lose to `env`), like
 * {@link loadConfig} does for the rest. A bad value throws CAREPOOL_CONFIG_INVALID naming the variable.
 */
export function readFleetSettings(
  options: { readonly env?: Env; readonly cwd?: string } = {},
): FleetSettings {
  const env = { ...readDotenv(options.cwd ?? process.cwd()), ...(options.env ?? process.env) };
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const flag = (get('CAREPOOL_FLEET') ?? 'on').toLowerCase();
  if (flag !== 'on' && flag !== 'off')
    invalid('CAREPOOL_FLEET', `"${flag.slice(0, 20)}" is not on or off`, 'on');
  const num = (name: string, fallback: number, min: number, max: number): number => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max)
      invalid(name, `"${raw.slice(0, 20)}" is not a whole number from ${min} to ${max}`, String(fallback));
    return value;
  };
  return {
    enabled: flag === 'on',
    heartbeatMs: num('CAREPOOL_FLEET_HEARTBEAT_MS', FLEET_DEFAULTS.heartbeatMs, 100, 60_000),
    headroom: num('CAREPOOL_FLEET_HEADROOM', FLEET_DEFAULTS.headroom, 0, 10_000),
    drainDelayMs: num('CAREPOOL_DRAIN_DELAY_MS', FLEET_DEFAULTS.drainDelayMs, 0, 120_000),
  };
}

function readDotenv(cwd: string): Env {
  try {
    return parseEnv(readFileSync(resolve(cwd, '.env'), 'utf8'));
  } catch {
    return {};
  }
}

function invalid(variable: string, problem: string, example: string): never {
  throw new AppError('CAREPOOL_CONFIG_INVALID', `${variable} ${problem}. Example: ${variable}=${example}`, {
    meta: { variable },
  });
}
