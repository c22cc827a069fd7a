import { describe, expect, it } from 'vitest';
import { loadConfig, redactUrl } from '../../src/config/index.js';
import { isAppError } from '../../src/errors/index.js';

/**
 * Replica settings a user can get wrong, tried as a user would (issue 18, item 1): every one must end in
 * CAREPOOL_CONFIG_INVALID naming the variable, and no piece of a password may appear in the error.
 */
const PRIMARY = 'mysql://app:Pr1mary-Secret@db.example.com:3306/clinic?ssl-mode=REQUIRED';
const base = {
  CAREPOOL_TARGETS: 'azure,gcp',
  CAREPOOL_TARGET_AZURE_URL: PRIMARY,
  CAREPOOL_TARGET_GCP_URL: PRIMARY,
};
const replica = (host: string, password = 'Rep-Secret-1') =>
  `mysql://app:${password}@${host}:3306/clinic?ssl-mode=REQUIRED`;

function refusal(env: Record<string, string>): { variable: unknown; message: string } {
  try {
    loadConfig({ env, dotenv: false, cwd: '/' });
  } catch (error) {
    if (isAppError(error, 'CAREPOOL_CONFIG_INVALID')) {
      const text = JSON.stringify(error.toJSON());
      for (const secret of ['Pr1mary-Secret', 'Rep-Secret', 'hun', 'ter2', 'hunter2'])
        expect(text, `${error.message} shows ${secret}`).not.toContain(secret);
      return { variable: error.meta.variable, message: error.message };
    }
    throw error;
  }
  throw new Error(`expected CAREPOOL_CONFIG_INVALID for ${JSON.stringify(Object.keys(env))}`);
}

describe('replica configuration a user gets wrong', () => {
  it('a password with a comma stays in its entry: accepted, never cut into pieces that are echoed', () => {
    const config = loadConfig({
      env: { ...base, CAREPOOL_TARGET_AZURE_REPLICAS: `${replica('r1', 'hun,ter2')},${replica('r2')}` },
      dotenv: false,
      cwd: '/',
    });
    const replicas = config.targets[0]?.replicas?.urls ?? [];
    expect(replicas.map((u) => u.host)).toEqual(['r1', 'r2']);
    expect(replicas[0]?.password.reveal()).toBe('hun,ter2');
    // Refused for another reason, the entry is shown masked whole (before: "mysql://u:hun", the password's start).
    const r = refusal({ ...base, CAREPOOL_TARGET_AZURE_REPLICAS: 'mysql://u:hun,ter2@r1/other' });
    expect(r.message).toContain('entry 1 names database "other"');
  });

  it('an entry listing several hosts is refused as such (it was cut at the comma into "not a URL")', () => {
    const r = refusal({
      ...base,
      CAREPOOL_TARGET_AZURE_REPLICAS: 'mysql://u:hunter2@r1:3306,r2:3306/clinic',
    });
    expect(r.variable).toBe('CAREPOOL_TARGET_AZURE_REPLICAS');
    expect(r.message).toContain('entry 1 lists several hosts');
  });

  it('empty entries, the primary again and duplicates are still refused', () => {
    expect(
      refusal({ ...base, CAREPOOL_TARGET_AZURE_REPLICAS: `${replica('r1')},,${replica('r2')}` }).message,
    ).toContain('empty entry');
    expect(refusal({ ...base, CAREPOOL_TARGET_AZURE_REPLICAS: `${replica('r1')},` }).message).toContain(
      'empty entry',
    );
    expect(refusal({ ...base, CAREPOOL_TARGET_AZURE_REPLICAS: PRIMARY }).message).toContain('is the primary');
    expect(
      refusal({ ...base, CAREPOOL_TARGET_AZURE_REPLICAS: `${replica('r1')},${replica('r1', 'other')}` })
        .message,
    ).toContain('entry 2 (r1:3306) is the primary or another entry again');
  });

  it('a URL without its scheme or cut before its host never shows the password', () => {
    for (const bad of ['app:hunter2@r1/clinic', '//app:hunter2@r1/clinic', 'mysql://app:hunter2']) {
      const r = refusal({ ...base, CAREPOOL_TARGET_AZURE_REPLICAS: bad });
      expect(r.variable).toBe('CAREPOOL_TARGET_AZURE_REPLICAS (entry 1)');
      const t = refusal({ ...base, CAREPOOL_TARGET_AZURE_URL: bad });
      expect(t.variable).toBe('CAREPOOL_TARGET_AZURE_URL');
    }
    expect(redactUrl('mysql://db.example.com:3306/clinic')).toBe('mysql://db.example.com:3306/clinic');
  });

  it('a list of URLs is masked URL by URL (sandbox env printed the second replica password)', () => {
    const list = `${replica('r1', 'Rep-Secret-1')},${replica('r2', 'Rep-Secret-2')}`;
    expect(redactUrl(list)).toBe(
      'mysql://app:***@r1:3306/clinic?ssl-mode=REQUIRED,mysql://app:***@r2:3306/clinic?ssl-mode=REQUIRED',
    );
    expect(redactUrl('mysql://u:p@ss@h1:1,h2:2/db')).toBe('mysql://u:***@h1:1,h2:2/db');
  });

  it('replica settings for a target that is not configured are refused, not ignored', () => {
    const typo = refusal({ ...base, CAREPOOL_TARGET_AZUR_REPLICAS: replica('r1') });
    expect(typo.variable).toBe('CAREPOOL_TARGET_AZUR_REPLICAS');
    expect(typo.message).toContain('CAREPOOL_TARGETS (azure,gcp) does not list "azur"');
    expect(typo.message).toContain('CAREPOOL_TARGET_AZURE_REPLICAS');
    for (const variable of ['CAREPOOL_TARGET_EU_READ_MAX_LAG_MS', 'CAREPOOL_TARGET_EU_REPLICA_POOL_MAX'])
      expect(refusal({ ...base, [variable]: '5' }).variable).toBe(variable);
    for (const variable of [
      'CAREPOOL_TARGET_AZURE_READ_YOUR_WRITES',
      'CAREPOOL_TARGET_AZURE_READ_SETTLE_MS',
    ]) {
      const global = refusal({ ...base, [variable]: '5' });
      expect(global.variable).toBe(variable);
      expect(global.message).toContain('is not a per-target setting');
    }
    const single = refusal({ DATABASE_URL: PRIMARY, CAREPOOL_TARGET_DEFAULT_REPLICAS: replica('r1') });
    expect(single.variable).toBe('CAREPOOL_TARGET_DEFAULT_REPLICAS');
    expect(single.message).toContain('DATABASE_URL configures a single target');
  });

  it('a target whose name contains _REPLICA keeps its own pool settings; sandbox mode (no targets) is not checked', () => {
    const env = { CAREPOOL_TARGETS: 'x_replica', CAREPOOL_TARGET_X_REPLICA_URL: PRIMARY };
    const config = loadConfig({
      env: { ...env, CAREPOOL_TARGET_X_REPLICA_POOL_MAX: '7' },
      dotenv: false,
      cwd: '/',
    });
    expect(config.targets[0]?.pool.max).toBe(7);
    // With nothing configured the sandbox's targets are read later, with these settings applied to them.
    expect(
      loadConfig({ env: { CAREPOOL_TARGET_AZURE_READ_MAX_LAG_MS: '250' }, dotenv: false, cwd: '/' }).targets,
    ).toEqual([]);
  });
});
