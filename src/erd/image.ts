import type { Viz } from '@viz-js/viz';
import { AppError } from '../errors/index.js';
import { pngFonts } from './fonts.js';
import { pathPoints, separateEdgeLabels } from './label-nudge.js';

let vizInstance: Promise<Viz> | undefined;

/**
 * DOT → SVG with Graphviz compiled to WebAssembly (@viz-js/viz): no system Graphviz needed. The 5 MB module
 * is imported on first use and one instance is reused (v3 no longer leaks memory across renders, viz-js#163).
 */
export async function dotToSvg(dot: string): Promise<string> {
  vizInstance ??= import('@viz-js/viz').then((m) => m.instance());
  const viz: Viz = await vizInstance;
  const result = viz.render(dot, { format: 'svg', engine: 'dot' });
  // Graphviz reports HTML-label syntax errors but still "succeeds" with empty boxes: treat errors as failure.
  const errors = result.errors.filter((e) => e.level !== 'warning');
  if (result.status !== 'success' || result.output === undefined || errors.length > 0) {
    const why = errors.map((e) => e.message.trim()).join('; ') || 'unknown Graphviz error';
    throw new AppError('CAREPOOL_ERD_RENDER_FAILED', `Graphviz could not lay out the diagram: ${why}`, {
      meta: { stage: 'svg' },
    });
  }
  return finishSvg(result.output);
}

/** Options for {@link svgToPng}. */
export interface PngOptions {
  /** Pixels per SVG point: 2 gives a crisp image for slides and reports. Default 2. */
  readonly scale?: number;
  /** Font files to use instead of the bundled ones (tests pass `[]` to prove text depends on them). */
  readonly fontFiles?: readonly string[];
}

/**
 * SVG → PNG with resvg (a prebuilt native addon, no browser). Text is drawn with the bundled DejaVu fonts,
 * so it renders on a machine without any fonts installed.
 */
export async function svgToPng(svg: string, options: PngOptions = {}): Promise<Uint8Array> {
  const fonts = pngFonts();
  const fontFiles = options.fontFiles ?? fonts.files;
  const { Resvg } = await import('@resvg/resvg-js');
  try {
    const resvg = new Resvg(svg, {
      fitTo: { mode: 'zoom', value: options.scale ?? 2 },
      background: 'white',
      font: {
        fontFiles: [...fontFiles],
        loadSystemFonts: fonts.source === 'system' && options.fontFiles === undefined,
        defaultFontFamily: fonts.family,
        sansSerifFamily: fonts.family,
        serifFamily: fonts.family,
        monospaceFamily: fonts.family,
      },
      logLevel: 'off',
    });
    return new Uint8Array(resvg.render().asPng());
  } catch (error) {
    throw new AppError(
      'CAREPOOL_ERD_RENDER_FAILED',
      `the SVG could not be rasterised to PNG: ${(error as Error).message}`,
      {
        cause: error,
        meta: { stage: 'png' },
      },
    );
  }
}

/** The fonts a standalone SVG asks for: Graphviz's metrics are Helvetica's, then the PNG's font. */
export const SVG_FONT_FAMILY = "Helvetica,Arial,'DejaVu Sans Condensed',sans-serif";

/**
 * Two touches on Graphviz's SVG. Its font list is "Helvetica,sans-Serif": on a machine without Helvetica a
 * browser falls back to a wider sans-serif and long types run into their NOT NULL, so the list names Arial
 * (same widths) and the condensed DejaVu the PNG uses before the generic family. Multiplicity labels get a
 * white halo (stroke painted under the fill, presentation attributes only, so the pages' CSP allows it):
 * where another edge passes close by, the label stays readable. Labels that collide with another label or
 * a line are moved clear (label-nudge.ts).
 */
export function finishSvg(svg: string): string {
  // Graphviz writes one element per line and opens each node, edge and cluster with `<g id=… class=…>`.
  let inEdge = false;
  const labels: number[] = [];
  const points: (readonly [number, number])[] = [];
  const lines = svg.split('\n').map((line, i) => {
    const group = /^<g id="[^"]*" class="([a-z]+)">/.exec(line);
    if (group) inEdge = group[1] === 'edge';
    const fonts = line.replace('font-family="Helvetica,sans-Serif"', `font-family="${SVG_FONT_FAMILY}"`);
    if (inEdge && fonts.startsWith('<path '))
      points.push(...pathPoints(/ d="([^"]*)"/.exec(fonts)?.[1] ?? ''));
    if (!inEdge || !fonts.startsWith('<text ')) return fonts;
    labels.push(i);
    return fonts.replace('<text ', `<text ${HALO} `);
  });
  separateEdgeLabels(lines, labels, points);
  return lines.join('\n');
}

const HALO = 'stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"';
