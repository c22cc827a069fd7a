import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { isAppError } from '../../src/errors/index.js';

const base = {
  CAREPOOL_TARGETS: 'azure',
  CAREPOOL_TARGET_AZURE_URL: 'mysql://app:pw@db.example.com:3306/clinic?ssl-mode=REQUIRED',
};
const load = (env: Record<string, string>) =>
  loadConfig({ env: { ...base, ...env }, dotenv: false, cwd: '/' });

function failure(env: Record<string, string>): { variable: unknown; message: string } {
  try {
    load(env);
  } catch (error) {
    if (isAppError(error, 'CAREPOOL_CONFIG_INVALID'))
      return { variable: error.meta.variable, message: error.message };
    throw error;
  }
  throw new Error('expected CAREPOOL_CONFIG_INVALID');
}

describe('replica configuration', () => {
  it('reads the replica URLs and the lag bound (global default, global and per-target overrides)', () => {
    const none = load({});
    expect(none.targets[0]?.replicas).toBeUndefined();
    const two = load({
      CAREPOOL_TARGET_AZURE_REPLICAS:
        'mysql://app:pw@r1.example.com:3306/clinic?ssl-mode=REQUIRED, mysql://app:pw@r2.example.com:3306/clinic?ssl-mode=REQUIRED',
    });
    expect(two.targets[0]?.replicas?.urls.map((u) => u.host)).toEqual(['r1.example.com', 'r2.example.com']);
    expect(two.targets[0]?.replicas?.maxLagMs).toBe(1000);
    const r = 'mysql://app:pw@r1.example.com:3306/clinic';
    expect(
      load({ CAREPOOL_TARGET_AZURE_REPLICAS: r, CAREPOOL_READ_MAX_LAG_MS: '250' }).targets[0]?.replicas
        ?.maxLagMs,
    ).toBe(250);
    expect(
      load({
        CAREPOOL_TARGET_AZURE_REPLICAS: r,
        CAREPOOL_READ_MAX_LAG_MS: '250',
        CAREPOOL_TARGET_AZURE_READ_MAX_LAG_MS: '0',
      }).targets[0]?.replicas?.maxLagMs,
    ).toBe(0);
  });

  it('refuses bad values by variable name, with an example, never echoing a password', () => {
    const r = 'mysql://app:pw@r1.example.com:3306/clinic';
    expect(failure({ CAREPOOL_READ_MAX_LAG_MS: '1s' })).toMatchObject({
      variable: 'CAREPOOL_READ_MAX_LAG_MS',
    });
    expect(failure({ CAREPOOL_TARGET_AZURE_READ_MAX_LAG_MS: '-5' }).variable).toBe(
      'CAREPOOL_TARGET_AZURE_READ_MAX_LAG_MS',
    );
    expect(failure({ CAREPOOL_TARGET_AZURE_REPLICAS: `${r},,${r}` }).message).toMatch(/empty entry/);
    expect(failure({ CAREPOOL_TARGET_AZURE_REPLICAS: `${r},${r}` }).message).toMatch(/entry 2 .* again/);
    expect(
      failure({ CAREPOOL_TARGET_AZURE_REPLICAS: 'mysql://app:pw@db.example.com:3306/clinic' }).message,
    ).toMatch(/is the primary/);
    expect(
      failure({ CAREPOOL_TARGET_AZURE_REPLICAS: 'mysql://app:pw@r1.example.com:3306/other' }).message,
    ).toMatch(/database "other"/);
    const bad = failure({ CAREPOOL_TARGET_AZURE_REPLICAS: 'postgres://app:s3cr3t-pw@r1/clinic' });
    expect(String(bad.variable)).toMatch(/^CAREPOOL_TARGET_AZURE_REPLICAS/);
    expect(bad.message).not.toContain('s3cr3t-pw');
  });
});

describe('read-your-writes settings', () => {
  const r = 'mysql://app:pw@r1.example.com:3306/clinic';
  it('CAREPOOL_READ_YOUR_WRITES and CAREPOOL_READ_SETTLE_MS reach the replica config; unset: absent', () => {
    expect(load({ CAREPOOL_TARGET_AZURE_REPLICAS: r }).targets[0]?.replicas).not.toHaveProperty(
      'readYourWrites',
    );
    const set = load({
      CAREPOOL_TARGET_AZURE_REPLICAS: r,
      CAREPOOL_READ_YOUR_WRITES: 'instance',
      CAREPOOL_READ_SETTLE_MS: '0',
    }).targets[0]?.replicas;
    expect(set).toMatchObject({ readYourWrites: 'instance', settleMs: 0 });
    // …and the router follows them (building a registry connects to nothing).
    const config = load({ CAREPOOL_TARGET_AZURE_REPLICAS: r, CAREPOOL_READ_YOUR_WRITES: 'instance' });
    expect(new TargetRegistry(config).get('azure').replicas?.readYourWrites).toBe('instance');
    expect(
      new TargetRegistry(load({ CAREPOOL_TARGET_AZURE_REPLICAS: r })).get('azure').replicas?.readYourWrites,
    ).toBe('fleet');
  });

  it('refuses other values by name, also without replicas', () => {
    expect(failure({ CAREPOOL_READ_YOUR_WRITES: 'sticky' })).toMatchObject({
      variable: 'CAREPOOL_READ_YOUR_WRITES',
      message: expect.stringMatching(/neither fleet .* nor instance/),
    });
    expect(failure({ CAREPOOL_READ_SETTLE_MS: '10ms' }).variable).toBe('CAREPOOL_READ_SETTLE_MS');
    expect(failure({ CAREPOOL_READ_SETTLE_MS: '5000' }).message).toMatch(/from 0 to 1000/);
  });
});

describe('replica pool settings', () => {
  const r = 'mysql://app:pw@r1.example.com:3306/clinic';

  it("default to the target's pool settings, per setting overridden by CAREPOOL_[TARGET_<NAME>_]REPLICA_<SETTING>", () => {
    const same = load({ CAREPOOL_TARGET_AZURE_REPLICAS: r, CAREPOOL_TARGET_AZURE_POOL_MAX: '30' }).targets[0];
    expect(same?.replicas?.pool).toEqual(same?.pool);
    const t = load({
      CAREPOOL_TARGET_AZURE_REPLICAS: r,
      CAREPOOL_POOL_MAX: '30',
      CAREPOOL_REPLICA_POOL_MAX: '12',
      CAREPOOL_REPLICA_ACQUIRE_TIMEOUT_MS: '900',
      CAREPOOL_TARGET_AZURE_REPLICA_ACQUIRE_TIMEOUT_MS: '700',
      CAREPOOL_TARGET_AZURE_REPLICA_STATEMENT_TIMEOUT_MS: '2500',
      CAREPOOL_TARGET_AZURE_REPLICA_POOL_MIN: '2',
    }).targets[0];
    expect(t?.pool.max).toBe(30);
    expect(t?.pool.acquireTimeoutMs).toBe(2000);
    expect(t?.replicas?.pool).toMatchObject({
      max: 12,
      min: 2,
      acquireTimeoutMs: 700,
      statementTimeoutMs: 2500,
      connectTimeoutMs: t?.pool.connectTimeoutMs,
      idleTimeoutMs: t?.pool.idleTimeoutMs,
    });
    // The per-target replica setting beats the global one, which beats the target's own.
    expect(
      load({
        CAREPOOL_TARGET_AZURE_REPLICAS: r,
        CAREPOOL_REPLICA_POOL_MAX: '12',
        CAREPOOL_TARGET_AZURE_REPLICA_POOL_MAX: '5',
      }).targets[0]?.replicas?.pool?.max,
    ).toBe(5);
  });

  it('refuses bad values by variable name with an example, also when no replica is configured', () => {
    expect(
      failure({ CAREPOOL_TARGET_AZURE_REPLICAS: r, CAREPOOL_TARGET_AZURE_REPLICA_POOL_MAX: '0' }),
    ).toMatchObject({ variable: 'CAREPOOL_TARGET_AZURE_REPLICA_POOL_MAX' });
    const ms = failure({ CAREPOOL_REPLICA_CONNECT_TIMEOUT_MS: 'soon' });
    expect(ms.variable).toBe('CAREPOOL_REPLICA_CONNECT_TIMEOUT_MS');
    expect(ms.message).toMatch(
      /whole number from 100 to 600000 \(milliseconds\)\. Example: CAREPOOL_REPLICA_CONNECT_TIMEOUT_MS=3000/,
    );
    // min above max once merged: names the variable that set the min.
    const minMax = failure({
      CAREPOOL_TARGET_AZURE_REPLICAS: r,
      CAREPOOL_TARGET_AZURE_POOL_MAX: '4',
      CAREPOOL_TARGET_AZURE_REPLICA_POOL_MIN: '6',
    });
    expect(minMax.variable).toBe('CAREPOOL_TARGET_AZURE_REPLICA_POOL_MIN');
    expect(minMax.message).toMatch(/min 6 exceed their pool max 4/);
  });
});
