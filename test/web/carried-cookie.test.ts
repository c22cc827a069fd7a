import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signSession } from '../../src/auth/session.js';
import { Secret } from '../../src/config/index.js';
import { readCarried, writeCarried } from '../../src/web/security/carried-cookie.js';

const secret = new Secret('k'.repeat(43));
const entries = new Map([
  ['gcp', { gtid: '0-1-42', at: 1_700_000_000_000 }],
  ['azure', { at: 1_700_000_000_500 }],
]);

describe('the read-your-writes cookie (signed with the session secret)', () => {
  it('reads back what it wrote', () => {
    expect(readCarried(secret, writeCarried(secret, entries))).toEqual(entries);
  });

  it('carries nothing when altered, signed with another key, malformed, or a session cookie', () => {
    const value = writeCarried(secret, entries);
    const [payload, signature] = value.split('.') as [string, string];
    const other = Buffer.from(JSON.stringify([['gcp', '0-1-999999', Date.now()]])).toString('base64url');
    expect(readCarried(secret, `${other}.${signature}`).size).toBe(0);
    expect(readCarried(secret, `${payload}.${signature.slice(1)}x`).size).toBe(0);
    expect(readCarried(new Secret('o'.repeat(43)), value).size).toBe(0);
    expect(readCarried(secret, 'garbage').size).toBe(0);
    expect(readCarried(secret, `${value}.extra`).size).toBe(0);
    const session = signSession(secret, { username: 'ann', epoch: 'e', iat: 1, seen: 1 });
    expect(readCarried(secret, session).size).toBe(0);
  });

  it('skips entries that are not [target, gtid|null, at] with a GTID-looking position', () => {
    // Signed exactly as the cookie is (HMAC-SHA256 of "carried:<payload>"), so only the content is wrong.
    const signed = (list: unknown) => {
      const payload = Buffer.from(JSON.stringify(list)).toString('base64url');
      return `${payload}.${createHmac('sha256', secret.reveal()).update(`carried:${payload}`).digest('base64url')}`;
    };
    const read = readCarried(
      secret,
      signed([
        ['ok', '0-1-1', 5],
        ['none', null, 6],
        ['sql', "0-1-1' OR 1=1", 7],
        ['nan', '0-1-2', 'soon'],
        [42, '0-1-3', 8],
        ['short', '0-1-4'],
        'text',
      ]),
    );
    expect(read).toEqual(
      new Map([
        ['ok', { gtid: '0-1-1', at: 5 }],
        ['none', { at: 6 }],
      ]),
    );
    expect(readCarried(secret, signed({ gcp: '0-1-1' })).size).toBe(0);
  });
});
