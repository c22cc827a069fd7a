import { describe, expect, it } from 'vitest';
import { erdFor } from '../../src/erd/index.js';
import { models } from '../../src/schema/index.js';
import { ErdCache } from '../../src/web/routes/erd-cache.js';

describe('ErdCache', () => {
  it('renders each SVG/PNG once per schema and never serves a stale one', async () => {
    const cache = new ErdCache(2);
    const model = erdFor([{ name: 'models', schema: models }]);
    const a = await cache.render(model, 'png');
    expect(await cache.render(model, 'png')).toBe(a);
    const changed = erdFor([{ name: 'models', schema: { tables: models.tables.slice(1) } }]);
    const b = await cache.render(changed, 'png');
    expect(b.etag).not.toBe(a.etag);
    await cache.render(model, 'svg');
    expect(cache.size).toBe(2);
    const md = await cache.render(model, 'md');
    expect(md.mediaType).toBe('text/markdown; charset=utf-8');
    expect(cache.size).toBe(2);
  });
});
