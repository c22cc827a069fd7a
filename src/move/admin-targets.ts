import type { TargetConfig } from '../config/index.js';
import { parseConnectionUrl } from '../config/index.js';
import { readState, userUrl } from '../sandbox/index.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * The targets as `replicate`, `cutover` and the Move page use them: a target served by the carepool sandbox
 * on this machine (loopback, a port recorded in `<home>/sandbox/state.json`) gets the sandbox's admin user
 * as its migrator, since the sandbox migrator may only change the clinic database, while replication needs
 * CREATE USER, REPLICATION SLAVE ADMIN and SUPER (a cloud admin account). Other targets are unchanged.
 */
export async function withSandboxAdmins(
  targets: readonly TargetConfig[],
  home: string,
): Promise<TargetConfig[]> {
  const servers = Object.values((await readState(home)).servers);
  return targets.map((t) => {
    const spec = t.url;
    const server = LOOPBACK.has(spec.host)
      ? servers.find((s) => s.port === spec.port || s.serverPort === spec.port)
      : undefined;
    if (server === undefined) return t;
    const variable = `CAREPOOL_TARGET_${t.name.toUpperCase()}_MIGRATE_URL`;
    const admin = parseConnectionUrl(variable, userUrl(server, 'admin'));
    return { ...t, migrateUrl: { ...admin, database: spec.database } };
  });
}
