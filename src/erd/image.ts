import type { Viz } from '@viz-js/viz';
import { AppError } from '../errors/index.js';
import { pngFonts } from './fonts.js';

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
  return result.output;
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
