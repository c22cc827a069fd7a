import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pngFonts } from '../../erd/index.js';
import type {} from '../plugins/route-access.js';

/** URL → bundled file of the fonts the inline ERD asks for (see `.erd-canvas` in styles.ts). */
const FONTS: Readonly<Record<string, string>> = {
  '/static/fonts/erd-sans.ttf': 'DejaVuSansCondensed.ttf',
  '/static/fonts/erd-sans-bold.ttf': 'DejaVuSansCondensed-Bold.ttf',
};

/**
 * Serves the condensed DejaVu fonts the PNG renderer uses, for the inline SVG. Graphviz sizes every box
 * with Helvetica's metrics; a browser without Helvetica, Arial or a metric-compatible substitute falls back
 * to a wider sans-serif and the text overflows its boxes. The stylesheet asks for Helvetica/Arial first,
 * then these (a local copy first), so only such browsers download them, once.
 */
export function registerErdFonts(app: FastifyInstance): void {
  const files = pngFonts().files;
  for (const [path, name] of Object.entries(FONTS)) {
    const file = files.find((f) => basename(f) === name);
    let bytes: Promise<Buffer> | undefined;
    app.get(path, { schema: { hide: true }, config: { access: 'public' } }, async (_request, reply) => {
      if (file === undefined) return reply.callNotFound();
      bytes ??= readFile(file);
      return reply
        .type('font/ttf')
        .header('cache-control', 'public, max-age=604800, immutable')
        .send(await bytes);
    });
  }
}
