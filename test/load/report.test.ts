import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadResult, type ReportFiles, runLoad, writeReport } from '../../src/load/index.js';
import { startLoadServer } from '../../src/web/routes/live-load-server.js';
import { slowPath } from '../../src/web/routes/live-slow.js';
import { sandboxConfig } from '../harness/targets.js';
import { launchBrowser, snap } from '../web/browser-harness.js';

// A short real run on both sandbox targets (in-process server), then the report it writes, checked as files
// and in Chromium at both widths.
let dir: string;
let result: LoadResult;
let files: ReportFiles;
let browser: Browser;
const TARGETS = ['azure', 'gcp'];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'carepool-report-'));
  result = await runLoad({
    scenario: 'steady',
    config: sandboxConfig({ CAREPOOL_POOL_MAX: '3' }),
    durationS: 2,
    connections: 6,
    startServer: startLoadServer,
    slowPath,
  });
  files = await writeReport(result, dir);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Width and height of a PNG, read from its IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('the load report (Vega-Lite charts, SVG in the HTML, PNG through resvg)', () => {
  it('writes a PNG per headline chart and per target pool, at twice the chart size, with drawn text', async () => {
    const names = files.pngs.map((p) => p.split('/').pop());
    expect(names).toEqual(expect.arrayContaining(['throughput.png', 'latency.png', 'errors.png']));
    for (const t of TARGETS) expect(names).toContain(`pool-${t}.png`);
    for (const file of files.pngs) {
      const png = await readFile(file);
      const { width, height } = pngSize(png);
      expect(width).toBe(800);
      expect(height).toBe(580);
      // A chart with axes, legend and text is far larger than a blank canvas of that size (a few KB).
      expect(png.length).toBeGreaterThan(15_000);
    }
  });

  it('embeds each chart as SVG with axis titles in units and a legend, no script', async () => {
    const html = await readFile(files.html, 'utf8');
    expect(html).not.toContain('<script');
    const figures = html.match(/<figure id="chart-[^"]+">\s*<svg /g) ?? [];
    expect(figures.length).toBe(3 + 3 * TARGETS.length);
    for (const label of ['seconds since start', '>ms<', '>req/s<', '>p99<', '>waiting<', '>pool max<']) {
      expect(html).toContain(label);
    }
  });

  for (const size of [
    { width: 1280, height: 900, columns: 3 },
    { width: 390, height: 844, columns: 1 },
  ]) {
    it(`fits ${size.width} px: no sideways scroll, one chart row per target, ${size.columns} per line`, async () => {
      const page = await browser.newPage({ viewport: { width: size.width, height: size.height } });
      try {
        await page.goto(pathToFileURL(files.html).href);
        const layout = (await page.evaluate(`({
          scroll: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          rows: [...document.querySelectorAll('.chart-group')].map((g) => ({
            row: g.getAttribute('data-row'),
            tops: [...g.querySelectorAll('figure')].map((x) => Math.round(x.getBoundingClientRect().top)),
            widest: Math.max(...[...g.querySelectorAll('svg')].map((x) => x.getBoundingClientRect().right)),
          })),
        })`)) as { scroll: number; rows: { row: string; tops: number[]; widest: number }[] };
        expect(layout.scroll).toBe(0);
        expect(layout.rows.map((r) => r.row)).toEqual(['run', ...TARGETS.map((t) => `target:${t}`)]);
        for (const r of layout.rows) {
          expect(r.tops.length).toBe(3);
          // Side by side: as many distinct lines as 3 charts need at this width's column count.
          expect(new Set(r.tops).size).toBe(Math.ceil(3 / size.columns));
          expect(r.widest).toBeLessThanOrEqual(size.width);
        }
        await snap(page, `load-report-${size.width}`);
      } finally {
        await page.close();
      }
    });
  }
});
