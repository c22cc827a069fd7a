import { describe, expect, it } from 'vitest';
import { generateSecret, hashPassword, verifyPassword } from '../../src/auth/password.js';
import { can, isRole, ROLES } from '../../src/auth/roles.js';
import { hashToken, looksLikeToken, newToken } from '../../src/auth/token.js';

describe('passwords', () => {
  it('hash with scrypt and a random salt; verify accepts the password and nothing else', async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    expect(a).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery staple', a)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', a)).toBe(false);
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$2$1$1$AA$AA')).toBe(false); // too weak to accept
  });

  it('generated secrets are long and random', () => {
    const s = generateSecret();
    expect(s).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(generateSecret()).not.toBe(s);
  });
});

describe('API tokens', () => {
  it('are 256-bit, recognisable and stored only as a hash', () => {
    const { token, hash } = newToken();
    expect(looksLikeToken(token)).toBe(true);
    expect(looksLikeToken(`${token}x`)).toBe(false);
    expect(hash).toBe(hashToken(token));
    expect(hash).not.toContain(token.slice(3, 20));
    expect(newToken().token).not.toBe(token);
  });
});

describe('roles', () => {
  it('viewer reads, clinician also writes, admin also runs operations and manages users', () => {
    expect(ROLES.every(isRole)).toBe(true);
    expect(isRole('root')).toBe(false);
    expect([can('viewer', 'phi:read'), can('viewer', 'phi:write'), can('viewer', 'ops:run')]).toEqual([
      true,
      false,
      false,
    ]);
    expect([can('clinician', 'phi:write'), can('clinician', 'users:manage')]).toEqual([true, false]);
    expect([can('admin', 'ops:run'), can('admin', 'audit:read'), can('admin', 'users:manage')]).toEqual([
      true,
      true,
      true,
    ]);
  });
});

describe('session cookies', () => {
  it('verify while active, expire after idle or absolute time, reject tampering', async () => {
    const { Secret } = await import('../../src/config/index.js');
    const { signSession, verifySession, csrfToken, checkCsrf } = await import('../../src/auth/session.js');
    const secret = new Secret('k'.repeat(32));
    const policy = { idleMs: 1000, absoluteMs: 10_000 };
    const cookie = signSession(secret, { username: 'ann', epoch: 'e1', iat: 0, seen: 0 });
    expect(verifySession(secret, cookie, 500, policy)).toEqual({
      ok: true,
      claims: { username: 'ann', epoch: 'e1', iat: 0, seen: 0 },
    });
    expect(verifySession(secret, cookie, 1500, policy)).toEqual({ ok: false, problem: 'idle' });
    const renewed = signSession(secret, { username: 'ann', epoch: 'e1', iat: 0, seen: 9500 });
    expect(verifySession(secret, renewed, 10_001, policy)).toEqual({ ok: false, problem: 'expired' });
    const [payload] = cookie.split('.');
    const forged = `${Buffer.from('{"u":"admin","i":0,"s":0}').toString('base64url')}.${cookie.split('.')[1]}`;
    expect(verifySession(secret, forged, 500, policy)).toEqual({ ok: false, problem: 'signature' });
    expect(verifySession(new Secret('x'.repeat(32)), cookie, 500, policy)).toEqual({
      ok: false,
      problem: 'signature',
    });
    expect(verifySession(secret, `${payload}`, 500, policy).ok).toBe(false);
    const csrf = csrfToken(secret, { username: 'ann', iat: 0 });
    expect(checkCsrf(secret, { username: 'ann', iat: 0 }, csrf)).toBe(true);
    expect(checkCsrf(secret, { username: 'ann', iat: 1 }, csrf)).toBe(false);
    expect(checkCsrf(secret, { username: 'ann', iat: 0 }, '')).toBe(false);
  });
});
