import { readFileSync } from 'node:fs';

let cached: string | undefined;

/**
 * carepool's version, read once from the package.json next to `src/` (or `dist/`): the one place the number
 * is kept, shown by `carepool --version` and in the OpenAPI document.
 */
export function carepoolVersion(): string {
  if (cached === undefined) {
    const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
    const version: unknown = (JSON.parse(text) as { version?: unknown }).version;
    cached = typeof version === 'string' ? version : '0.0.0';
  }
  return cached;
}
