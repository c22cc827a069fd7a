import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CODES, renderErrorsDoc } from '../../src/errors/index.js';

describe('error code registry', () => {
  it('docs/errors.md is generated from the registry (run `npm run docs:errors` after adding a code)', async () => {
    const doc = await readFile(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    expect(doc).toBe(renderErrorsDoc());
  });

  it('every code is CAREPOOL_<AREA>_<WHAT> with a hint and a sensible exit/HTTP status', () => {
    for (const [code, spec] of Object.entries(CODES)) {
      expect(code).toMatch(/^CAREPOOL_[A-Z]+(_[A-Z0-9]+)*$/);
      expect(spec.hint.length).toBeGreaterThan(10);
      expect(spec.title.length).toBeGreaterThan(10);
      expect([1, 2, 3, 130]).toContain(spec.exit);
      expect(spec.http).toBeGreaterThanOrEqual(400);
      expect(spec.http).toBeLessThan(600);
    }
  });
});
