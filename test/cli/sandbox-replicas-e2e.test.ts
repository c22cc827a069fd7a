/**
 * `carepool sandbox start --replicas 1` end to end through the built binary (run `npm run build` first): each
 * cloud imitation gets a read replica, `sandbox env` prints the REPLICAS variables, `targets` shows the
 * replicas replicating, status and stop cover them, and a second start keeps every port.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readState } from '../../src/sandbox/index.js';
import { registerSecret } from '../harness/capture.js';
import { type Workdir, workdir } from './e2e.js';

let w: Workdir;

beforeAll(async () => {
  w = await workdir('carepool-replicas-e2e');
});
afterAll(async () => {
  await w?.run(['sandbox', 'stop']).catch(() => undefined);
  await w?.remove();
}, 60_000);

interface Status {
  readonly name: string;
  readonly running: boolean;
  readonly port: number;
  readonly replicaOf?: string;
}

describe('sandbox start --replicas', () => {
  it('starts azure and gcp with one replica each; env, targets, status, restart and stop cover them', async () => {
    const bad = await w.run(['sandbox', 'start', '--replicas', 'many']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('CAREPOOL_USAGE');

    const start = await w.run(['sandbox', 'start', '--free-ports', '--replicas', '1', '--json']);
    expect(start.code, start.stderr).toBe(0);
    const state = await readState(w.home);
    for (const s of Object.values(state.servers))
      for (const u of [...Object.values(s.users), ...(s.replication ? [s.replication] : [])])
        registerSecret(u.password);
    const servers = (JSON.parse(start.stdout) as { servers: Status[] }).servers;
    expect(servers.map((s) => [s.name, s.replicaOf ?? null, s.running]).sort()).toEqual([
      ['azure', null, true],
      ['azure-replica-1', 'azure', true],
      ['gcp', null, true],
      ['gcp-replica-1', 'gcp', true],
    ]);

    const env = JSON.parse((await w.run(['sandbox', 'env', '--json'])).stdout) as Record<string, string>;
    expect(env.CAREPOOL_TARGETS).toBe('azure,gcp');
    const azureReplica = servers.find((s) => s.name === 'azure-replica-1');
    expect(env.CAREPOOL_TARGET_AZURE_REPLICAS).toContain(
      `@127.0.0.1:${azureReplica?.port}/clinic?ssl-mode=VERIFY_IDENTITY`,
    );
    expect(env.CAREPOOL_TARGET_GCP_REPLICAS).toMatch(/^mysql:\/\/carepool_app:\*+@127\.0\.0\.1:\d+\/clinic/);

    const targets = await w.run(['targets', '--json']);
    expect(targets.code, targets.stderr).toBe(0);
    const health = JSON.parse(targets.stdout) as {
      targets: { name: string; replicas?: { name: string; ioThread: string; sqlThread: string }[] }[];
    };
    for (const t of health.targets)
      expect(t.replicas?.[0]).toMatchObject({
        name: `${t.name}-replica-1`,
        ioThread: 'Yes',
        sqlThread: 'Yes',
      });

    const again = await w.run(['sandbox', 'start', '--json']);
    expect(again.code, again.stderr).toBe(0);
    const after = (JSON.parse(again.stdout) as { servers: Status[] }).servers;
    expect(after.map((s) => [s.name, s.port]).sort()).toEqual(servers.map((s) => [s.name, s.port]).sort());

    const stop = await w.run(['sandbox', 'stop', '--json']);
    expect((JSON.parse(stop.stdout) as { stopped: string[] }).stopped.sort()).toEqual([
      'azure',
      'azure-replica-1',
      'gcp',
      'gcp-replica-1',
    ]);
    const status = await w.run(['sandbox', 'status', '--json']);
    expect(status.code).toBe(1);
    expect((JSON.parse(status.stdout) as { servers: Status[] }).servers.every((s) => !s.running)).toBe(true);

    // Restart after a stop: same ports, replication resumes.
    const restart = await w.run(['sandbox', 'start', '--json']);
    expect(restart.code, restart.stderr).toBe(0);
    const back = (JSON.parse(restart.stdout) as { servers: Status[] }).servers;
    expect(back.map((s) => [s.name, s.port, s.running]).sort()).toEqual(
      servers.map((s) => [s.name, s.port, true]).sort(),
    );
  }, 120_000);
});
