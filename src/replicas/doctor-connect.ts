import type { TargetConfig } from '../config/index.js';
import { connectSingle } from '../db/connect.js';
import { explainConnectError, tlsRequiredFix } from '../doctor/explain.js';
import type { Finding } from '../doctor/types.js';
import { AppError } from '../errors/index.js';

/**
 * Cause and fix for a replica the monitor could not connect to, as a target's own connection error gets
 * them (wrong password, DNS, TLS…), naming its entry of `CAREPOOL_TARGET_<NAME>_REPLICAS`. Undefined for a
 * replica that is simply not running (connection refused) or an error that is not a connection error.
 * A plain-text login refused with 1045 is tried once more over TLS: MariaDB answers a login that must use
 * TLS with 1045 too, which is not a wrong password (as the target's own `auth` check does).
 */
export async function explainReplicaFailure(
  config: TargetConfig,
  index: number,
  failure: unknown,
): Promise<Pick<Finding, 'cause' | 'fix'> | undefined> {
  const spec = config.replicas?.urls[index];
  if (!(failure instanceof AppError) || !spec || failure.code === 'CAREPOOL_DB_CONNECT_REFUSED')
    return undefined;
  const connectTimeoutMs = (config.replicas?.pool ?? config.pool).connectTimeoutMs;
  const name = `${config.name}-replica-${index + 1}`;
  const ctx = {
    target: name,
    host: spec.host,
    port: spec.port,
    user: spec.user,
    database: spec.database,
    sslMode: spec.sslMode,
    connectTimeoutMs,
    variable: `CAREPOOL_TARGET_${config.name.toUpperCase()}_REPLICAS (entry ${index + 1})`,
  };
  if (failure.code === 'CAREPOOL_DB_ACCESS_DENIED' && spec.sslMode === 'DISABLED') {
    const { sslCa: _ca, ...plain } = spec;
    const overTls = await connectSingle(
      name,
      { ...plain, sslMode: 'REQUIRED' },
      { connectTimeoutMs, keepAliveMs: 0 },
    ).then(
      async (c) => {
        await c.close();
        return true;
      },
      () => false,
    );
    if (overTls)
      return {
        cause:
          'The replica only accepts encrypted connections, and this entry connects without TLS (ssl-mode=DISABLED): the same login over TLS works. MariaDB reports that as 1045 "Access denied", so it looks like a wrong password but is not.',
        fix: tlsRequiredFix(ctx),
      };
  }
  return explainConnectError(failure, ctx);
}
