/**
 * docs/errors.md and the code in step: every code it lists is used somewhere in src/ (raised, returned as a
 * finding, or mapped), and every CAREPOOL_* code src/ uses is listed. The source is scanned, so codes other
 * work adds later are checked too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SRC = join(ROOT, 'src');
/** The registry itself: where codes are defined, not used. */
const REGISTRY = join(SRC, 'errors', 'codes');

/**
 * Markers the driver layer sets on its own errors and turns into registered codes before anything leaves
 * src/db (src/db/errors.ts maps both to CAREPOOL_DB_*): never shown to a user, so never documented.
 */
const INTERNAL_MARKERS = new Set(['CAREPOOL_CONNECT_TIMEOUT', 'CAREPOOL_STATEMENT_TIMEOUT']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return path === REGISTRY ? [] : sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** The file without its comments (block comments and whole-line `//` comments), so prose does not count. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

/** Every quoted CAREPOOL_* token in src/ outside the registry, with the files it appears in. */
function tokensInSource(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    for (const m of code(readFileSync(file, 'utf8')).matchAll(/['"`](CAREPOOL_[A-Z0-9_]*[A-Z0-9])['"`]/g)) {
      const token = m[1] as string;
      found.set(token, [...(found.get(token) ?? []), relative(ROOT, file)]);
    }
  }
  return found;
}

/** Environment variable names: what .env.example documents and src/config/ reads. */
function environmentNames(): Set<string> {
  const texts = [
    readFileSync(join(ROOT, '.env.example'), 'utf8'),
    ...sourceFiles(join(SRC, 'config')).map((f) => readFileSync(f, 'utf8')),
  ];
  return new Set(texts.flatMap((t) => [...t.matchAll(/\bCAREPOOL_[A-Z0-9_]*[A-Z0-9]\b/g)].map((m) => m[0])));
}

/** The codes docs/errors.md lists (first column of its table). */
function listedCodes(): Set<string> {
  const doc = readFileSync(join(ROOT, 'docs', 'errors.md'), 'utf8');
  return new Set([...doc.matchAll(/^\| `(CAREPOOL_[A-Z0-9_]+)` \|/gm)].map((m) => m[1] as string));
}

describe('docs/errors.md and the raised codes', () => {
  const listed = listedCodes();
  const used = tokensInSource();

  it('lists codes at all (the table was parsed)', () => {
    expect(listed.size).toBeGreaterThan(20);
  });

  it('every listed code is used somewhere in src/', () => {
    const unused = [...listed].filter((c) => !used.has(c));
    expect(
      unused,
      'listed in docs/errors.md but never raised: raise them or remove them from src/errors/codes',
    ).toEqual([]);
  });

  it('every code src/ uses is listed', () => {
    const env = environmentNames();
    const unlisted = [...used]
      .filter(([token]) => !listed.has(token) && !env.has(token) && !INTERNAL_MARKERS.has(token))
      .map(([token, files]) => `${token} (${[...new Set(files)].join(', ')})`);
    expect(
      unlisted,
      'used in src/ but missing from docs/errors.md: register them in src/errors/codes',
    ).toEqual([]);
  });

  it('the internal markers stay internal: only src/db sets or maps them', () => {
    for (const marker of INTERNAL_MARKERS) {
      const files = used.get(marker) ?? [];
      expect(
        files.every((f) => f.startsWith('src/db/')),
        `${marker} in ${files.join(', ')}`,
      ).toBe(true);
    }
  });
});
