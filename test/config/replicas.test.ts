import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
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
