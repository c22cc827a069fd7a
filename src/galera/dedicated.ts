import type { ConnectionSpec, PoolSettings } from '../config/index.js';
import { connectSingle, type SingleConnection } from '../db/connect.js';
import { wrapDriverError } from '../db/errors.js';
import { tlsPlan } from '../db/tls.js';
import { healthySpec } from './router.js';

/** Options of {@link connectHealthy}: those of connectSingle. */
export type DedicatedOptions = NonNullable<Parameters<typeof connectSingle>[3]>;

/**
 * The spec of the host a dedicated connection of `target` should use: for a multi-host URL the first host,
 * in URL order, that is reachable and (on Galera) Synced, Primary and ready (see healthySpec); a one-host
 * spec as is. The result lists that host only (pass it on to pin several connections to one node). Errors are
 * wrapped like connectSingle's (CAREPOOL_DB_NO_HEALTHY_NODE names each host and why).
 */
export async function healthyHost(
  target: string,
  spec: ConnectionSpec,
  settings: Pick<PoolSettings, 'connectTimeoutMs'>,
  urlVariable?: string,
): Promise<ConnectionSpec> {
  if (!spec.hosts || spec.hosts.length < 2) return spec;
  try {
    const at = await healthySpec(target, spec, {
      connectTimeoutMs: settings.connectTimeoutMs,
      keepAliveMs: 0,
      tls: tlsPlan(spec, urlVariable),
    });
    // One host: connecting with it again (connectHealthy) does not probe or move elsewhere.
    const { hosts: _all, ...one } = at;
    return one;
  } catch (error) {
    const ctx = { target, host: spec.host, port: spec.port, user: spec.user, password: spec.password };
    throw wrapDriverError(error, ctx);
  }
}

/**
 * One dedicated, unpooled connection (move sessions, the load tool's server monitor, the doctor's login) on
 * a healthy host of a multi-host URL instead of always the first one; a one-host URL connects as
 * connectSingle does. The host is chosen once, at open: if it dies later, this connection fails like any.
 */
export async function connectHealthy(
  target: string,
  spec: ConnectionSpec,
  settings: Pick<PoolSettings, 'connectTimeoutMs' | 'keepAliveMs'>,
  options: DedicatedOptions = {},
): Promise<SingleConnection> {
  const at = await healthyHost(target, spec, settings, options.urlVariable);
  return connectSingle(target, at, settings, options);
}
