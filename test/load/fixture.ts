import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CarepoolConfig, type ConnectionSpec, parseConnectionUrl } from '../../src/config/index.js';
import { userUrl } from '../../src/sandbox/index.js';
import { sandboxConfig, sandboxServers } from '../harness/targets.js';
import { createTestUser } from '../harness/users.js';

/** One sandbox target whose app user is a throw-away user, so PROCESSLIST counts only this test's pool. */
export interface LoadFixture {
  readonly config: Pick<CarepoolConfig, 'targets'>;
  readonly target: string;
  readonly user: string;
  readonly admin: ConnectionSpec;
  readonly outDir: string;
  drop(): Promise<void>;
}

/** A config with `target` only, its app URL replaced by a fresh user, and pool settings from `env`. */
export async function loadFixture(
  target: 'azure' | 'gcp',
  env: Record<string, string> = {},
): Promise<LoadFixture> {
  const server = sandboxServers()[target];
  const testUser = await createTestUser(server);
  const base = sandboxConfig({ CAREPOOL_TARGETS: target, ...env });
  const config = { targets: base.targets.map((t) => ({ ...t, url: { ...testUser.spec } })) };
  const outDir = await mkdtemp(join(tmpdir(), 'carepool-load-'));
  return {
    config,
    target,
    user: testUser.user,
    admin: parseConnectionUrl('admin', userUrl(server, 'admin')),
    outDir,
    async drop() {
      await testUser.drop();
      await rm(outDir, { recursive: true, force: true });
    },
  };
}
