import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Fonts handed to the PNG renderer. */
export interface PngFonts {
  /** TTF files to load; empty when falling back to system fonts. */
  readonly files: readonly string[];
  /** The family that `sans-serif` (and unknown families such as Helvetica) resolve to. */
  readonly family: string;
  /** Where the fonts come from, for error messages and docs. */
  readonly source: 'bundled' | 'system';
}

// Condensed DejaVu is close to Helvetica's widths, which Graphviz uses to size the boxes (see DOT_FONT).
const BUNDLED = [
  'DejaVuSansCondensed.ttf',
  'DejaVuSansCondensed-Bold.ttf',
  'DejaVuSansCondensed-Oblique.ttf',
];

/**
 * The fonts for PNG rendering. resvg draws no text at all when it finds no font (linebender/resvg#893), and
 * a fresh server or container often has none installed, so carepool ships DejaVu (npm `dejavu-fonts-ttf`,
 * a free licence) and passes the files explicitly; only if that package is missing does it fall back to the
 * system's fonts.
 */
export function pngFonts(): PngFonts {
  const dir = bundledFontDir();
  if (dir !== undefined) {
    const files = BUNDLED.map((f) => join(dir, f)).filter((f) => existsSync(f));
    if (files.length > 0) return { files, family: 'DejaVu Sans Condensed', source: 'bundled' };
  }
  return { files: [], family: 'DejaVu Sans', source: 'system' };
}

function bundledFontDir(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  } catch {
    return undefined;
  }
}
