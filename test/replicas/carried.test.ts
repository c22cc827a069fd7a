import { describe, expect, it } from 'vitest';
import { CarriedWrites, isGtidText } from '../../src/replicas/index.js';

describe('CarriedWrites: the read-your-writes state a client carries', () => {
  it('answers the last write per target within the ttl, and null once it is older', () => {
    let now = 1_000_000;
    const carried = new CarriedWrites(
      5_000,
      new Map([['gcp', { gtid: '0-1-7', at: now - 1_000 }]]),
      () => now,
    );
    expect(carried.forTarget('gcp')).toEqual({ gtid: '0-1-7', at: now - 1_000 });
    expect(carried.forTarget('azure')).toBeNull();
    expect(carried.changed).toBe(false);
    now += 4_500;
    expect(carried.forTarget('gcp')).toBeNull();
    // An entry expiring is not a change to send: a read's Set-Cookie could overwrite a write's cookie
    // answered meanwhile to another tab of the browser (and lose that write). Readers drop it themselves.
    expect(carried.changed).toBe(false);
    expect(carried.entries().size).toBe(0);
  });

  it('drops entries that are already expired or stamped further ahead than the ttl when read', () => {
    const now = 2_000_000;
    const carried = new CarriedWrites(
      5_000,
      new Map([
        ['old', { gtid: '0-1-1', at: now - 6_000 }],
        ['future', { gtid: '0-1-2', at: now + 60_000 }],
        ['fresh', { at: now - 10 }],
      ]),
      () => now,
    );
    expect([...carried.entries().keys()]).toEqual(['fresh']);
    expect(carried.forTarget('future')).toBeNull();
    // A write without a GTID (the server reported none) is kept: reads then go to the primary.
    expect(carried.forTarget('fresh')).toEqual({ at: now - 10 });
  });

  it('records writes (newest last, a GTID only when it looks like one) and marks the state changed', () => {
    let now = 10;
    const carried = new CarriedWrites(5_000, new Map(), () => now);
    carried.record('gcp', '0-1-9');
    now = 20;
    carried.record('azure', 'bad gtid; DROP');
    expect(carried.changed).toBe(true);
    expect(carried.forTarget('gcp')).toEqual({ gtid: '0-1-9', at: 10 });
    expect(carried.forTarget('azure')).toEqual({ at: 20 });
    now = 30;
    carried.record('gcp', '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5,0-2-4');
    expect([...carried.entries().keys()]).toEqual(['azure', 'gcp']);
  });

  it('keeps at most 16 targets (the oldest write is forgotten first)', () => {
    let now = 0;
    const carried = new CarriedWrites(60_000, new Map(), () => now);
    for (let i = 0; i < 20; i++) {
      now = i;
      carried.record(`t${i}`, `0-1-${i}`);
    }
    const kept = [...carried.entries().keys()];
    expect(kept).toHaveLength(16);
    expect(kept[0]).toBe('t4');
  });

  it('a write in flight is stored without a GTID until it ends (a response sent meanwhile reads the primary)', () => {
    let now = 100;
    const carried = new CarriedWrites(5_000, new Map([['gcp', { gtid: '0-1-1', at: 50 }]]), () => now);
    expect(carried.changed).toBe(false);
    carried.begin('gcp');
    expect(carried.changed).toBe(true);
    expect(carried.entries().get('gcp')).toEqual({ at: 100 });
    now = 200;
    carried.record('gcp', '0-1-2');
    carried.end('gcp');
    expect(carried.entries().get('gcp')).toEqual({ gtid: '0-1-2', at: 200 });
    // A write that failed without committing (a validation error) leaves nothing to send.
    const failed = new CarriedWrites(5_000, new Map(), () => now);
    failed.begin('gcp');
    failed.end('gcp');
    expect(failed.changed).toBe(false);
    expect(failed.entries().size).toBe(0);
  });

  it('isGtidText accepts MariaDB and MySQL spellings only', () => {
    expect(isGtidText('0-1-123')).toBe(true);
    expect(isGtidText('0-1-5,1-2-7')).toBe(true);
    expect(isGtidText('3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5')).toBe(true);
    expect(isGtidText('')).toBe(false);
    expect(isGtidText("0-1-1' OR 1=1")).toBe(false);
    expect(isGtidText('9'.repeat(600))).toBe(false);
  });
});
