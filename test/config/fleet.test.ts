import { describe, expect, it } from 'vitest';
import { FLEET_DEFAULTS, readFleetSettings } from '../../src/config/fleet.js';
import { isAppError } from '../../src/errors/index.js';

const read = (env: Record<string, string>) => readFleetSettings({ env, cwd: '/nonexistent' });

describe('fleet settings (CAREPOOL_FLEET*)', () => {
  it('defaults to on, a 2 s heartbeat, 10 connections of headroom and no drain delay', () => {
    expect(read({})).toEqual(FLEET_DEFAULTS);
    expect(FLEET_DEFAULTS).toEqual({ enabled: true, heartbeatMs: 2000, headroom: 10, drainDelayMs: 0 });
  });

  it('reads every variable', () => {
    expect(
      read({
        CAREPOOL_FLEET: 'OFF',
        CAREPOOL_FLEET_HEARTBEAT_MS: '500',
        CAREPOOL_FLEET_HEADROOM: '20',
        CAREPOOL_DRAIN_DELAY_MS: '2000',
      }),
    ).toEqual({ enabled: false, heartbeatMs: 500, headroom: 20, drainDelayMs: 2000 });
  });

  it.each([
    ['CAREPOOL_FLEET', 'maybe', /CAREPOOL_FLEET "maybe" is not on or off\. Example: CAREPOOL_FLEET=on/],
    ['CAREPOOL_FLEET_HEARTBEAT_MS', '50', /from 100 to 60000.*CAREPOOL_FLEET_HEARTBEAT_MS=2000/],
    ['CAREPOOL_FLEET_HEADROOM', '-1', /CAREPOOL_FLEET_HEADROOM "-1" is not a whole number from 0 to 10000/],
    ['CAREPOOL_DRAIN_DELAY_MS', '1.5', /CAREPOOL_DRAIN_DELAY_MS "1\.5" is not a whole number/],
  ])('refuses %s=%s with CAREPOOL_CONFIG_INVALID naming the variable', (name, value, message) => {
    let caught: unknown;
    try {
      read({ [name]: value });
    } catch (error) {
      caught = error;
    }
    expect(isAppError(caught) && caught.code).toBe('CAREPOOL_CONFIG_INVALID');
    expect((caught as Error).message).toMatch(message);
    expect(isAppError(caught) && caught.meta).toMatchObject({ variable: name });
  });
});
