import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { erdFor, type ErdModel, pngFonts, readTargetSchemas, renderErd } from '../../src/erd/index.js';
import { SAKILA_TABLES } from '../migrate/fidelity/corpus.js';
import { sandboxServers } from '../harness/targets.js';
import { launchBrowser, OUTPUT_DIR } from '../web/browser-harness.js';
import { sanitizeSvg } from '../../src/web/views/safe-svg.js';
import { decodePng } from './png.js';
import { type ScratchDb, sqlScratchDb } from './scratch-db.js';

/**
 * The ERD stays readable on a schema of real size: Sakila's 16 tables (BSD, the fidelity corpus), loaded
 * into a scratch database on a sandbox server and read back live. The SVG is laid out in Chromium, once
 * with the browser's own sans-serif and once with the PNG's font (the bundled DejaVu Sans Condensed), and
 * every text's box is measured: no two texts overlap, no multiplicity label sits on a line, and the
 * picture keeps a sensible shape.
 */
let db: ScratchDb;
let registry: TargetRegistry;
let browser: Browser;
let model: ErdModel;
let svg: string;

beforeAll(async () => {
  db = await sqlScratchDb(sandboxServers().azure, SAKILA_TABLES);
  registry = new TargetRegistry(
    loadConfig({ env: { CAREPOOL_TARGETS: 'azure', CAREPOOL_TARGET_AZURE_URL: db.url }, dotenv: false }),
  );
  const [sakila] = await readTargetSchemas(registry.list());
  if (!sakila) throw new Error('no schema read');
  model = erdFor([{ name: 'sakila', schema: sakila.schema }]);
  svg = (await renderErd(model, 'svg')).content as string;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await registry?.close();
  await db?.drop();
});

interface Box {
  readonly s: string;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}
interface Geometry {
  readonly width: number;
  readonly height: number;
  readonly texts: Box[];
  readonly edgeTexts: Box[];
  /** Points along every edge, every 1.5 px. */
  readonly edgePoints: [number, number][];
}

/** Lays the SVG out in Chromium (optionally with the PNG's font for every text) and measures it. */
async function measure(page: Page, pngFont: boolean): Promise<Geometry> {
  const face = (file: string, weight: number) =>
    `@font-face{font-family:"png-font";font-weight:${weight};src:url(data:font/ttf;base64,${readFileSync(file).toString('base64')})}`;
  const [regular = '', bold = ''] = pngFonts().files;
  const fontCss = pngFont
    ? `${face(regular, 400)}${face(bold, 700)}svg text{font-family:"png-font"!important}`
    : '';
  await page.setContent(
    `<!doctype html><html><head><style>body{margin:0}${fontCss}</style></head><body>${svg}</body></html>`,
  );
  await page.evaluate('document.fonts.ready');
  return (await page.evaluate(`(() => {
    const box = (t) => { const r = t.getBoundingClientRect(); return { s: t.textContent, x: r.left, y: r.top, w: r.width, h: r.height }; };
    const root = document.querySelector('svg');
    const texts = [...root.querySelectorAll('text')].filter((t) => t.textContent.trim() !== '');
    const points = [];
    for (const p of root.querySelectorAll('g.edge path')) {
      const m = p.getScreenCTM();
      const len = p.getTotalLength();
      for (let l = 0; l <= len; l += 1.5) {
        const q = p.getPointAtLength(l);
        points.push([m.a * q.x + m.c * q.y + m.e, m.b * q.x + m.d * q.y + m.f]);
      }
    }
    const r = root.getBoundingClientRect();
    return {
      width: r.width, height: r.height,
      texts: texts.map(box),
      edgeTexts: texts.filter((t) => t.closest('g.edge')).map(box),
      edgePoints: points,
    };
  })()`)) as Geometry;
}

/** Pairs of texts whose boxes overlap by more than `slack` px each way (glyph boxes include line spacing). */
function overlaps(texts: readonly Box[], slack = 1): string[] {
  const out: string[] = [];
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      const a = texts[i] as Box;
      const b = texts[j] as Box;
      const dx = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
      const dy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
      if (dx > slack && dy > slack * 2)
        out.push(`"${a.s}" and "${b.s}" (${dx.toFixed(1)} x ${dy.toFixed(1)} px)`);
    }
  }
  return out;
}

/** Multiplicity labels that a line runs through (their box shrunk by 1 px). */
function labelsOnLines(g: Geometry): string[] {
  return g.edgeTexts
    .filter((t) =>
      g.edgePoints.some(([x, y]) => x > t.x + 1 && x < t.x + t.w - 1 && y > t.y + 2 && y < t.y + t.h - 2),
    )
    .map((t) => `"${t.s}" at ${Math.round(t.x)},${Math.round(t.y)}`);
}

describe('ERD of a 16-table schema (Sakila, live from MariaDB)', () => {
  it('has every table, clinical-style tables only, and every foreign key', () => {
    expect(model.entities.length).toBe(16);
    expect(model.relationships.length).toBeGreaterThanOrEqual(20);
  });

  for (const pngFont of [false, true]) {
    it(`no two texts overlap and no label sits on a line (${pngFont ? "the PNG's and the pages' font" : 'the standalone SVG'})`, async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      try {
        const g = await measure(page, pngFont);
        expect(g.texts.length).toBeGreaterThan(100);
        expect(overlaps(g.texts)).toEqual([]);
        expect(labelsOnLines(g)).toEqual([]);
      } finally {
        await page.close();
      }
    });
  }

  it("gives every multiplicity label a white halo, kept by the pages' SVG sanitiser", () => {
    const labels = svg.match(/<text [^>]*>(?:1|0\.\.1|0\.\.\*|1\.\.\*)<\/text>/g) ?? [];
    expect(labels.length).toBeGreaterThanOrEqual(model.relationships.length);
    for (const l of labels) expect(l).toContain('paint-order="stroke"');
    expect(sanitizeSvg(svg)).toContain('paint-order="stroke"');
    // Long value lists are cut in the drawing, whole in the tooltip.
    expect(svg).toContain('xlink:title="set(&#39;Trailers&#39;');
  });

  it('keeps a sensible shape, and the PNG is the SVG at twice the size', async () => {
    // Graphviz sizes the picture in points; the PNG is drawn at 2 px per CSS px (4/3 px per point).
    const size = /<svg width="([\d.]+)pt" height="([\d.]+)pt"/.exec(svg);
    const [w, h] = [(Number(size?.[1]) * 4) / 3, (Number(size?.[2]) * 4) / 3];
    const png = (await renderErd(model, 'png')).content as Uint8Array;
    await mkdir(OUTPUT_DIR, { recursive: true });
    await writeFile(join(OUTPUT_DIR, 'erd-sakila.png'), png);
    await writeFile(join(OUTPUT_DIR, 'erd-sakila.svg'), svg);
    await writeFile(join(OUTPUT_DIR, 'erd-sakila.dot'), (await renderErd(model, 'dot')).content as string);
    const image = decodePng(png);
    expect(Math.abs(image.width - 2 * w)).toBeLessThanOrEqual(2);
    expect(Math.abs(image.height - 2 * h)).toBeLessThanOrEqual(2);
    // A landscape picture, not a strip: Sakila comes out about 2:1 (it was 2.1:1 with 25 % more area
    // before the layout was tightened and long ENUM/SET lists were cut).
    expect(w / h).toBeGreaterThan(0.5);
    expect(w / h).toBeLessThan(2.5);
    // Compact: on average each table gets at most about 700 x 700 px of picture, edges and gaps included.
    expect((w * h) / model.entities.length).toBeLessThan(700 * 700);
  });
});
