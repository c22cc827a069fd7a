import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { isAppError } from '../../src/errors/index.js';

const load = (value: string) =>
  loadConfig({ env: { CAREPOOL_TRUST_PROXY: value }, dotenv: false, cwd: '/' }).http.trustProxy;

describe('CAREPOOL_TRUST_PROXY (the load balancers whose X-Forwarded-For names the client)', () => {
  it('takes addresses and CIDR ranges, IPv4 and IPv6; unset or empty trusts nobody', () => {
    expect(load('127.0.0.1, 10.0.0.0/8,::1,fd00::/8')).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
      'fd00::/8',
    ]);
    expect(load('')).toBeUndefined();
    expect(loadConfig({ env: {}, dotenv: false, cwd: '/' }).http.trustProxy).toBeUndefined();
  });

  it('refuses anything else with a coded error naming the variable and the entry', () => {
    for (const bad of [
      'true',
      'haproxy.lan',
      '10.0.0.0/33',
      '::1/129',
      '127.0.0.1/8/1',
      '127.0.0.1,,10.0.0.1',
      '1.2.3',
    ]) {
      let error: unknown;
      try {
        load(bad);
      } catch (e) {
        error = e;
      }
      expect(isAppError(error, 'CAREPOOL_CONFIG_INVALID'), bad).toBe(true);
      if (isAppError(error, 'CAREPOOL_CONFIG_INVALID')) {
        expect(error.meta.variable).toBe('CAREPOOL_TRUST_PROXY');
        expect(error.message).toContain('Example: CAREPOOL_TRUST_PROXY=127.0.0.1');
      }
    }
  });
});
