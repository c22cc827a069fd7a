import { inject } from 'vitest';
import { type CarepoolConfig, loadConfig, parseConnectionUrl } from '../../src/config/index.js';
import { connectSingle, type SingleConnection } from '../../src/db/connect.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { type ServerState, sandboxEnv, userUrl } from '../../src/sandbox/index.js';

/** The test run's sandbox servers. */
export function sandboxServers(): { azure: ServerState; gcp: ServerState } {
  const state = inject('sandbox');
  const azure = state.servers.azure;
  const gcp = state.servers.gcp;
  if (!azure || !gcp) throw new Error('the test sandbox has no azure/gcp server');
  return { azure, gcp };
}

/** Config pointing at the test sandbox, with optional extra env (e.g. pool settings). */
export function sandboxConfig(extra: Record<string, string> = {}): CarepoolConfig {
  return loadConfig({
    env: { ...sandboxEnv(inject('sandbox')), ...extra },
    dotenv: false,
    cwd: inject('sandboxHome'),
  });
}

/** A target registry over the test sandbox; close it in afterAll. */
export function sandboxRegistry(extra: Record<string, string> = {}): TargetRegistry {
  return new TargetRegistry(sandboxConfig(extra));
}

/** An admin connection (all privileges) to a sandbox server, for KILL, SET GLOBAL and PROCESSLIST checks. */
export function adminConnection(server: ServerState): Promise<SingleConnection> {
  return connectSingle(server.name, parseConnectionUrl('admin', userUrl(server, 'admin')), {
    connectTimeoutMs: 3000,
    keepAliveMs: 0,
  });
}
