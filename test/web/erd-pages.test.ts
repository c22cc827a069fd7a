import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/sandbox/index.js';
import { models } from '../../src/schema/index.js';
import { darkPixels, decodePng } from '../erd/png.js';
import { migratedScratchDb, type ScratchDb } from '../erd/scratch-db.js';
import { ensureSchemaAtHead } from '../harness/migrate.js';
import { sandboxServers } from '../harness/targets.js';
import { type WebFixture, webFixture } from './fixture.js';

/** The FK edge's tooltip as Graphviz writes it into the SVG. */
const FK_TOOLTIP =
  'xlink:title="fk_medical_records_patient_id: medical_records(patient_id) references patients(id)"';

/** The inline `<svg>…</svg>` of a page. */
function inlineSvg(html: string): string {
  const svg = /<svg[\s\S]*<\/svg>/.exec(html)?.[0];
  if (svg === undefined) throw new Error('no inline SVG on the page');
  return svg;
}

describe('ERD pages of the sandbox targets', () => {
  let f: WebFixture;
  beforeAll(async () => {
    await ensureSchemaAtHead();
    const port = await freePort();
    f = await webFixture({
      CAREPOOL_TARGETS: 'azure,gcp,down',
      // Nothing listens there: every connect is refused, as with a stopped server.
      CAREPOOL_TARGET_DOWN_URL: `mysql://app:secret-pw-123@127.0.0.1:${port}/clinic?ssl-mode=DISABLED`,
    });
  });
  afterAll(() => f?.close());

  it('draws the live schema inline with both tables and the FK, with download links', async () => {
    const res = await f.app.inject({ url: '/targets/azure/erd' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const svg = inlineSvg(res.body);
    expect(svg).toMatch(/<text[^>]*>patients<\/text>/);
    expect(svg).toMatch(/<text[^>]*>medical_records<\/text>/);
    expect(svg).toContain(FK_TOOLTIP);
    expect(svg).toMatch(/<text[^>]*>0\.\.\*<\/text>/);
    // Sanitised: no prolog, doctype, comments or scripts reach the page.
    expect(res.body).not.toMatch(/<\?xml|<!DOCTYPE svg|<!--|<script/);
    for (const ext of ['png', 'svg', 'mmd', 'dot', 'md']) {
      expect(res.body).toContain(`href="/targets/azure/erd.${ext}"`);
    }
    expect(res.body).toMatch(/<a href="\/erd" aria-current="page">ERD<\/a>/);
    expect(res.body).toMatch(/<a href="\/targets\/azure\/erd" aria-current="page">azure<\/a>/);
  });

  it("hides carepool's internal tables by default, with a toggle that shows them (downloads follow)", async () => {
    const hidden = await f.app.inject({ url: '/targets/azure/erd' });
    const clinical = inlineSvg(hidden.body);
    expect(clinical).not.toMatch(/<text[^>]*>carepool_\w+<\/text>/);
    expect(hidden.body).toMatch(/data-internal="hidden">carepool's \d+ internal tables/);
    expect(hidden.body).toContain('href="/targets/azure/erd?internal=1">Show them</a>');
    const shown = await f.app.inject({ url: '/targets/azure/erd?internal=1' });
    expect(inlineSvg(shown.body)).toMatch(/<text[^>]*>carepool_users<\/text>/);
    expect(shown.body).toContain('href="/targets/azure/erd">Hide them</a>');
    expect(shown.body).toContain('href="/targets/azure/erd.md?internal=1"');
    const md = await f.app.inject({ url: '/targets/azure/erd.md' });
    expect(md.body).not.toContain('carepool_users');
    expect((await f.app.inject({ url: '/targets/azure/erd.md?internal=1' })).body).toContain(
      'carepool_users',
    );
  });

  it('serves every download with its type, an attachment name and the diagram', async () => {
    const get = (url: string) => f.app.inject({ url });
    const expectAttachment = (headers: Record<string, unknown>, name: string) =>
      expect(headers['content-disposition']).toBe(`attachment; filename="${name}"`);

    const png = await get('/targets/gcp/erd.png');
    expect(png.statusCode).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expectAttachment(png.headers, 'carepool-erd-gcp.png');
    const image = decodePng(png.rawPayload);
    expect(image.width).toBeGreaterThan(400);
    expect(darkPixels(image, { x: 0, y: 0, width: image.width, height: image.height })).toBeGreaterThan(1000);

    const svg = await get('/targets/gcp/erd.svg');
    expect(svg.headers['content-type']).toBe('image/svg+xml');
    expectAttachment(svg.headers, 'carepool-erd-gcp.svg');
    expect(svg.headers['content-security-policy']).toContain('sandbox');
    expect(svg.body).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg.body).toContain(FK_TOOLTIP);

    const mmd = await get('/targets/gcp/erd.mmd');
    expect(mmd.headers['content-type']).toBe('text/vnd.mermaid; charset=utf-8');
    expectAttachment(mmd.headers, 'carepool-erd-gcp.mmd');
    expect(mmd.body).toMatch(/^erDiagram/m);
    expect(mmd.body).toContain('patients ||..o{ medical_records');

    const dot = await get('/targets/gcp/erd.dot');
    expect(dot.headers['content-type']).toBe('text/vnd.graphviz; charset=utf-8');
    expectAttachment(dot.headers, 'carepool-erd-gcp.dot');
    expect(dot.body).toMatch(/^digraph "gcp" \{/);
    expect(dot.body).toContain('"patients":"id.e":e -> "medical_records":"patient_id.w":w');

    const md = await get('/targets/gcp/erd.md');
    expect(md.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expectAttachment(md.headers, 'carepool-erd-gcp.md');
    expect(md.body).toContain('```mermaid');
    expect(md.body).toMatch(/^#+ .*medical_records/m);

    // The ETag names the diagram: a revalidation of an unchanged schema costs no rendering.
    const again = await f.app.inject({
      url: '/targets/gcp/erd.png',
      headers: { 'if-none-match': String(png.headers.etag) },
    });
    expect(again.statusCode).toBe(304);

    // The font the inline SVG falls back to where Helvetica/Arial are missing.
    const font = await get('/static/fonts/erd-sans-bold.ttf');
    expect(font.statusCode).toBe(200);
    expect(font.headers['content-type']).toBe('font/ttf');
    expect(font.rawPayload.length).toBeGreaterThan(100_000);
  });

  it('draws the models at /erd/models, opens the first target at /erd, and 404s an unknown target', async () => {
    const page = await f.app.inject({ url: '/erd/models' });
    expect(page.statusCode).toBe(200);
    expect(inlineSvg(page.body)).toContain(FK_TOOLTIP);
    const md = await f.app.inject({ url: '/erd/models.md' });
    expect(md.headers['content-disposition']).toBe('attachment; filename="carepool-erd-models.md"');
    expect(md.body).toContain('medical_records');

    const first = await f.app.inject({ url: '/erd' });
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/targets/azure/erd');

    const unknown = await f.app.inject({ url: '/targets/nope/erd' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('CAREPOOL_TARGET_UNKNOWN');
    expect((await f.app.inject({ url: '/targets/nope/erd.png' })).statusCode).toBe(404);
  });

  it('a down target gets its banner and a 503 with Retry-After, never a 500', async () => {
    const page = await f.app.inject({ url: '/targets/down/erd' });
    expect(page.statusCode).toBe(503);
    expect(Number(page.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(page.body).toContain('Target down is down.');
    expect(page.body).toContain('The diagram cannot be drawn right now');
    expect(page.body).not.toContain('secret-pw-123');

    const png = await f.app.inject({ url: '/targets/down/erd.png' });
    expect(png.statusCode).toBe(503);
    expect(png.headers['retry-after']).toBeDefined();
    expect(png.headers['content-type']).toContain('text/html');

    const cmp = await f.app.inject({ url: '/erd/compare?a=azure&b=down' });
    expect(cmp.statusCode).toBe(503);
    expect(cmp.body).toContain('Target down is down.');

    expect((await f.app.inject({ url: '/erd/compare?a=azure&b=azure' })).statusCode).toBe(400);
  });
});

describe('ERD compare page over scratch databases', () => {
  let azureDb: ScratchDb;
  let gcpDb: ScratchDb;
  let f: WebFixture;
  beforeAll(async () => {
    const { azure, gcp } = sandboxServers();
    [azureDb, gcpDb] = await Promise.all([migratedScratchDb(azure, models), migratedScratchDb(gcp, models)]);
    f = await webFixture({ CAREPOOL_TARGET_AZURE_URL: azureDb.url, CAREPOOL_TARGET_GCP_URL: gcpDb.url });
  });
  afterAll(async () => {
    await f?.close();
    await Promise.all([azureDb?.drop(), gcpDb?.drop()]);
  });

  it('says the schemas are identical after migrating, and shows a column added on one target', async () => {
    const same = await f.app.inject({ url: '/erd/compare' });
    expect(same.statusCode).toBe(200);
    expect(same.body).toContain('The schemas are identical');
    expect(inlineSvg(same.body)).toContain('azure and gcp: the same schema');

    await gcpDb.exec('ALTER TABLE patients ADD COLUMN nickname VARCHAR(30) NULL');
    const differs = await f.app.inject({ url: '/erd/compare?a=azure&b=gcp' });
    expect(differs.statusCode).toBe(200);
    expect(differs.body).not.toContain('The schemas are identical');
    expect(differs.body).toContain('1 difference between azure and gcp');
    expect(differs.body).toContain('<li>column patients.nickname: only on gcp</li>');
    const svg = inlineSvg(differs.body);
    expect(svg).toMatch(/<text[^>]*>nickname<\/text>/);
    expect(svg).toContain('fill="#d3efd9"'); // tinted as only on the right-hand target
    const md = await f.app.inject({ url: '/erd/compare.md?a=azure&b=gcp' });
    expect(md.headers['content-disposition']).toBe('attachment; filename="carepool-erd-azure-vs-gcp.md"');
    expect(md.body).toContain('nickname');
  });

  it('escapes table and column names that look like markup', async () => {
    await azureDb.exec(
      'CREATE TABLE `<img src=x onerror=alert(1)>` (id INT PRIMARY KEY, `<script>alert(2)</script>` INT NULL)',
    );
    for (const url of ['/targets/azure/erd', '/erd/compare']) {
      const res = await f.app.inject({ url });
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain('<img src=x');
      expect(res.body).not.toContain('<script>alert(2)');
      expect(inlineSvg(res.body)).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(inlineSvg(res.body)).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
    }
    const svg = await f.app.inject({ url: '/targets/azure/erd.svg' });
    expect(svg.body).not.toContain('<script>');
  });
});
