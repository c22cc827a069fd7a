import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../errors/index.js';
import type { LoadResult } from '../run-load.js';
import { renderHtml } from './html.js';
import { chartToPng } from './png.js';
import { reportCharts } from './run-charts.js';

/** The files a report consists of (absolute paths). */
export interface ReportFiles {
  readonly dir: string;
  readonly json: string;
  readonly html: string;
  readonly observations: string;
  readonly pngs: readonly string[];
}

/** The default report directory: `.carepool/load/<timestamp>` under `cwd`. */
export function defaultReportDir(cwd: string, startedAt: string): string {
  return join(cwd, '.carepool', 'load', startedAt.replace(/[:.]/g, '-'));
}

/**
 * Writes `report.json` (the {@link LoadResult}: raw samples, summaries, observations), `report.html`
 * (self-contained), `observations.md` and the charts as PNG into `dir`.
 */
export async function writeReport(result: LoadResult, dir: string): Promise<ReportFiles> {
  try {
    const charts = await reportCharts(result);
    await mkdir(dir, { recursive: true });
    const json = join(dir, 'report.json');
    const html = join(dir, 'report.html');
    const observations = join(dir, 'observations.md');
    await writeFile(json, `${JSON.stringify(result)}\n`);
    await writeFile(html, renderHtml(result, charts));
    await writeFile(
      observations,
      `# carepool load: ${result.scenario} (${result.startedAt})\n\n${result.observations.map((o) => `- ${o}`).join('\n')}\n`,
    );
    const pngs: string[] = [];
    for (const c of charts.filter((x) => x.png)) {
      const file = join(dir, `${c.name}.png`);
      await writeFile(file, await chartToPng(c.svg));
      pngs.push(file);
    }
    return { dir, json, html, observations, pngs };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError(
      'CAREPOOL_LOAD_REPORT_FAILED',
      `the report could not be written to ${dir}: ${(error as Error).message}`,
      {
        cause: error,
        meta: { dir },
      },
    );
  }
}
