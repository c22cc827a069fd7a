import { pngFonts } from '../../erd/fonts.js';
import { AppError } from '../../errors/index.js';

/**
 * SVG → PNG with resvg, drawing text with the DejaVu fonts the ERD renderer bundles (resvg draws no text
 * when it finds no font, linebender/resvg#893). resvg is loaded on first use.
 */
export async function chartToPng(svg: string, scale = 2): Promise<Uint8Array> {
  const fonts = pngFonts();
  const { Resvg } = await import('@resvg/resvg-js');
  try {
    const resvg = new Resvg(svg, {
      fitTo: { mode: 'zoom', value: scale },
      background: 'white',
      font: {
        fontFiles: [...fonts.files],
        loadSystemFonts: fonts.source === 'system',
        defaultFontFamily: fonts.family,
        sansSerifFamily: fonts.family,
      },
      logLevel: 'off',
    });
    return new Uint8Array(resvg.render().asPng());
  } catch (error) {
    throw new AppError(
      'CAREPOOL_LOAD_REPORT_FAILED',
      `a chart could not be rendered to PNG: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}
